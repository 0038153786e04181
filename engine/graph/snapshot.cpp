// Snapshot accessors, invariants and model equality.
#include "hydrascope/snapshot.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <stdexcept>
#include <string>

namespace hydrascope {

double Attr::as_double() const noexcept {
  double d;
  std::memcpy(&d, &bits, sizeof d);
  return d;
}

double Attr::number() const noexcept {
  if (type == AttrType::Int) return static_cast<double>(as_int());
  if (type == AttrType::Double) return as_double();
  return 0.0;
}

NodeId Snapshot::find_node(std::string_view id) const noexcept {
  const std::uint32_t i = ids_.find(id);
  return i == StringPool::kNotFound ? kInvalidNode : static_cast<NodeId>(i);
}

double Snapshot::activity_total(NodeId v) const noexcept { return activity(v).total(); }

const void* Snapshot::activity_bucket_data() const noexcept {
  switch (act_layout_.bucket_bytes) {
    case 1: return act_bucket8_.data();
    case 2: return act_bucket16_.data();
    default: return act_bucket32_.data();
  }
}

const void* Snapshot::activity_value_data() const noexcept {
  return act_layout_.value_bytes == 2 ? static_cast<const void*>(act_value16_.data())
                                      : static_cast<const void*>(act_value32_.data());
}

ActivityLayout Snapshot::canonical_activity_layout() const noexcept {
  ActivityLayout l;
  l.bucket_bytes = ActivityLayout::bucket_bytes_for(meta_.activity.buckets);
  l.value_bytes = 2;
  if (act_layout_.value_bytes == 4) {
    for (const float x : act_value32_)
      if (!ActivityLayout::value_fits_u16(x)) {
        l.value_bytes = 4;
        break;
      }
  }
  return l;
}

namespace {
template <class To, class From>
Column<To> converted(const Column<From>& from) {
  std::vector<To> out(from.size());
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = static_cast<To>(from[i]);
  return Column<To>(std::move(out));
}
}  // namespace

void Snapshot::set_activity_layout(ActivityLayout to) {
  if (to.bucket_bytes != act_layout_.bucket_bytes) {
    // Through the widest column: at most two copies, only when widths change.
    Column<std::uint32_t> wide;
    switch (act_layout_.bucket_bytes) {
      case 1: wide = converted<std::uint32_t>(act_bucket8_); break;
      case 2: wide = converted<std::uint32_t>(act_bucket16_); break;
      default: wide = std::move(act_bucket32_); break;
    }
    act_bucket8_ = Column<std::uint8_t>();
    act_bucket16_ = Column<std::uint16_t>();
    act_bucket32_ = Column<std::uint32_t>();
    switch (to.bucket_bytes) {
      case 1: act_bucket8_ = converted<std::uint8_t>(wide); break;
      case 2: act_bucket16_ = converted<std::uint16_t>(wide); break;
      default: act_bucket32_ = std::move(wide); break;
    }
    act_layout_.bucket_bytes = to.bucket_bytes;
  }
  if (to.value_bytes != act_layout_.value_bytes) {
    if (to.value_bytes == 2) {
      act_value16_ = converted<std::uint16_t>(act_value32_);
      act_value32_ = Column<float>();
    } else {
      act_value32_ = converted<float>(act_value16_);
      act_value16_ = Column<std::uint16_t>();
    }
    act_layout_.value_bytes = to.value_bytes;
  }
}

template <class T>
static std::size_t cap_bytes(const Column<T>& v) {
  return v.owned_bytes();
}
template <class T>
static std::size_t map_bytes(const Column<T>& v) {
  return v.viewed_bytes();
}

std::size_t Snapshot::memory_bytes() const noexcept {
  return ids_.memory_bytes() + type_names_.memory_bytes() + edge_type_names_.memory_bytes() +
         attr_keys_.memory_bytes() + attr_strings_.memory_bytes() + cap_bytes(kind_) + cap_bytes(type_) +
         cap_bytes(label_) + cap_bytes(created_) + cap_bytes(attr_offsets_) + cap_bytes(attrs_) +
         cap_bytes(has_activity_) + cap_bytes(act_offsets_) + cap_bytes(act_bucket8_) + cap_bytes(act_bucket16_) +
         cap_bytes(act_bucket32_) + cap_bytes(act_value16_) + cap_bytes(act_value32_) +
         cap_bytes(src_) + cap_bytes(dst_) + cap_bytes(etype_) + cap_bytes(weight_) + cap_bytes(first_seen_) +
         cap_bytes(last_seen_);
}

std::size_t Snapshot::mapped_bytes() const noexcept {
  return ids_.mapped_bytes() + type_names_.mapped_bytes() + edge_type_names_.mapped_bytes() +
         attr_keys_.mapped_bytes() + attr_strings_.mapped_bytes() + map_bytes(kind_) + map_bytes(type_) +
         map_bytes(label_) + map_bytes(created_) + map_bytes(attr_offsets_) + map_bytes(attrs_) +
         map_bytes(has_activity_) + map_bytes(act_offsets_) + map_bytes(act_bucket8_) + map_bytes(act_bucket16_) +
         map_bytes(act_bucket32_) + map_bytes(act_value16_) + map_bytes(act_value32_) +
         map_bytes(src_) + map_bytes(dst_) + map_bytes(etype_) + map_bytes(weight_) + map_bytes(first_seen_) +
         map_bytes(last_seen_);
}

namespace {
// The whole pages inside a mapped column, out of the resident set.
template <class T>
void drop_pages(const Column<T>& c) noexcept {
  if (!c.is_view() || c.empty()) return;
  static const auto page = static_cast<std::uintptr_t>(::sysconf(_SC_PAGESIZE));
  const auto from = reinterpret_cast<std::uintptr_t>(c.data());
  const std::uintptr_t to = from + c.size() * sizeof(T);
  const std::uintptr_t a = (from + page - 1) / page * page, b = to / page * page;
  if (b > a) (void)::madvise(reinterpret_cast<void*>(a), b - a, MADV_DONTNEED);
}
}  // namespace

void Snapshot::release_mapped_pages() const noexcept {
  drop_pages(kind_);
  drop_pages(type_);
  drop_pages(label_);
  drop_pages(created_);
  drop_pages(attr_offsets_);
  drop_pages(attrs_);
  drop_pages(has_activity_);
  drop_pages(act_offsets_);
  drop_pages(act_bucket8_);
  drop_pages(act_bucket16_);
  drop_pages(act_bucket32_);
  drop_pages(act_value16_);
  drop_pages(act_value32_);
  drop_pages(src_);
  drop_pages(dst_);
  drop_pages(etype_);
  drop_pages(weight_);
  drop_pages(first_seen_);
  drop_pages(last_seen_);
}

namespace {
[[noreturn]] void broken(const std::string& what) { throw std::logic_error("Snapshot invariant broken: " + what); }
}  // namespace

void Snapshot::validate() const {
  const std::size_t n = kind_.size();
  if (ids_.size() != n) broken("id pool size != node count");
  if (type_.size() != n || label_.size() != n || created_.size() != n || has_activity_.size() != n)
    broken("node column sizes differ");
  if (attr_offsets_.size() != n + 1 || act_offsets_.size() != n + 1) broken("offset column sizes");
  if (attr_offsets_.front() != 0 || attr_offsets_.back() != attrs_.size()) broken("attr offsets ends");
  const std::size_t nb = act_bucket8_.size() + act_bucket16_.size() + act_bucket32_.size();
  const std::size_t nx = act_value16_.size() + act_value32_.size();
  const std::size_t in_use_b = act_layout_.bucket_bytes == 1   ? act_bucket8_.size()
                               : act_layout_.bucket_bytes == 2 ? act_bucket16_.size()
                                                               : act_bucket32_.size();
  const std::size_t in_use_x = act_layout_.value_bytes == 2 ? act_value16_.size() : act_value32_.size();
  if (act_offsets_.front() != 0 || act_offsets_.back() != nb || nb != nx || in_use_b != nb || in_use_x != nx)
    broken("activity offsets ends");
  if (!(canonical_activity_layout() == act_layout_)) broken("activity layout not canonical");
  for (NodeId v = 0; v < n; ++v) {
    const auto id = ids_.get(v);
    if (id.empty()) broken("empty id at node " + std::to_string(v));
    if (find_node(id) != v) broken("id not unique or not indexed: " + std::string(id));
    if (type_[v] >= type_names_.size()) broken("type index out of range");
    if (kind_[v] != kind_from_type(type_names_.get(type_[v]))) broken("kind does not match type");
    if (label_[v] != Label::Unknown && kind_[v] != NodeKind::Account) broken("label on a non-account");
    if (attr_offsets_[v] > attr_offsets_[v + 1] || act_offsets_[v] > act_offsets_[v + 1]) broken("offsets not monotone");
    const ActivityRow row = activity(v);
    if (!has_activity(v) && !row.empty()) broken("activity row without activity flag");
    for (std::size_t i = 0; i < row.size(); ++i) {
      if (row.bucket(i) >= meta_.activity.buckets) broken("activity bucket out of range");
      if (i > 0 && row.bucket(i) <= row.bucket(i - 1)) broken("activity buckets not increasing");
      if (!(row.value(i) > 0.0f) || !std::isfinite(row.value(i))) broken("activity value not finite positive");
    }
    for (const Attr& a : attrs(v)) {
      if (a.key >= attr_keys_.size()) broken("attr key out of range");
      if (a.type == AttrType::String && a.as_string_id() >= attr_strings_.size()) broken("attr string out of range");
    }
  }
  const std::size_t m = src_.size();
  if (dst_.size() != m || etype_.size() != m || weight_.size() != m || first_seen_.size() != m ||
      last_seen_.size() != m)
    broken("edge column sizes differ");
  for (EdgeId e = 0; e < m; ++e) {
    if (src_[e] >= n || dst_[e] >= n) broken("edge endpoint out of range");
    if (src_[e] == dst_[e]) broken("self-loop");
    if (etype_[e] >= edge_type_names_.size()) broken("edge type out of range");
    if (!(weight_[e] > 0.0) || !std::isfinite(weight_[e])) broken("edge weight not finite positive");
    if (first_seen_[e] != kNoTime && last_seen_[e] != kNoTime && first_seen_[e] > last_seen_[e])
      broken("first_seen after last_seen");
  }
  // No duplicate (src, dst, type): checked by a hash pass over packed keys.
  std::size_t cap = 16;
  while (cap < m * 2 + 2) cap *= 2;
  std::vector<std::uint64_t> seen(cap, ~0ULL);
  for (EdgeId e = 0; e < m; ++e) {
    const std::uint64_t key_hash = (static_cast<std::uint64_t>(src_[e]) * 0x9E3779B97F4A7C15ULL) ^
                                   (static_cast<std::uint64_t>(dst_[e]) * 0xC2B2AE3D27D4EB4FULL) ^ etype_[e];
    std::uint64_t i = hash_id(key_hash) & (cap - 1);
    while (seen[i] != ~0ULL) {
      const EdgeId o = seen[i];
      if (src_[o] == src_[e] && dst_[o] == dst_[e] && etype_[o] == etype_[e]) broken("duplicate edge not merged");
      i = (i + 1) & (cap - 1);
    }
    seen[i] = e;
  }
}

namespace {
bool attrs_equal(const Snapshot& a, NodeId va, const Snapshot& b, NodeId vb) {
  const auto xa = a.attrs(va);
  const auto xb = b.attrs(vb);
  if (xa.size() != xb.size()) return false;
  for (std::size_t i = 0; i < xa.size(); ++i) {
    if (a.attr_keys().get(xa[i].key) != b.attr_keys().get(xb[i].key)) return false;
    if (xa[i].type != xb[i].type) return false;
    if (xa[i].type == AttrType::String) {
      if (a.attr_strings().get(xa[i].as_string_id()) != b.attr_strings().get(xb[i].as_string_id())) return false;
    } else if (xa[i].bits != xb[i].bits) {
      return false;
    }
  }
  return true;
}
}  // namespace

bool operator==(const Snapshot& a, const Snapshot& b) {
  if (!(a.meta_ == b.meta_)) return false;
  if (a.num_nodes() != b.num_nodes() || a.num_edges() != b.num_edges()) return false;
  if (!(a.ids_ == b.ids_)) return false;
  for (NodeId v = 0; v < a.num_nodes(); ++v) {
    if (a.node_type(v) != b.node_type(v) || a.label(v) != b.label(v) || a.created_at(v) != b.created_at(v))
      return false;
    if (a.has_activity(v) != b.has_activity(v)) return false;
    const ActivityRow ra = a.activity(v), rb = b.activity(v);
    if (ra.size() != rb.size()) return false;
    for (std::size_t i = 0; i < ra.size(); ++i)
      if (ra.bucket(i) != rb.bucket(i) || ra.value(i) != rb.value(i)) return false;
    if (!attrs_equal(a, v, b, v)) return false;
  }
  for (EdgeId e = 0; e < a.num_edges(); ++e) {
    if (a.src_[e] != b.src_[e] || a.dst_[e] != b.dst_[e] || a.edge_type(e) != b.edge_type(e) ||
        a.weight_[e] != b.weight_[e] || a.first_seen_[e] != b.first_seen_[e] || a.last_seen_[e] != b.last_seen_[e])
      return false;
  }
  return true;
}

}  // namespace hydrascope
