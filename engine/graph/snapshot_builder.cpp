// SnapshotBuilder: records in, immutable Snapshot out. Endpoint resolution
// and duplicate-edge merging happen once, in finish(), in O(n + m) plus a
// per-source sort of each node's out-edges (never quadratic in a hub).
#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>

#include "hydrascope/snapshot.hpp"

namespace hydrascope {

namespace {
constexpr const char* kNulMessage = "holds a NUL character (\\u0000), which no CSV or export can carry";
inline bool has_nul(std::string_view s) noexcept { return s.find('\0') != std::string_view::npos; }
// `s` with NUL written as \u0000, for a message (what() is a C string).
std::string visible(std::string_view s) {
  std::string out;
  for (const char c : s) {
    if (c == '\0') out += "\\u0000";
    else out.push_back(c);
  }
  return out;
}
}  // namespace

struct SnapshotBuilder::Impl {
  std::string file;
  Snapshot s;
  bool meta_set = false;
  // Every id seen, as node or endpoint; key -> node (kInvalidNode until declared).
  StringPool keys;
  std::vector<NodeId> key_node;
  bool keys_are_nodes = true;  // keys pool == node ids in declaration order
  // Edges as given (endpoint keys), resolved in finish().
  std::vector<std::uint32_t> src_key, dst_key;
  // Places of the edges that named an id first (before any node declared
  // it), for finish()'s errors: if an id is never declared, the first edge
  // with an undeclared endpoint is one of these (the one that named it).
  std::vector<std::pair<EdgeId, RecordRef>> forward_refs;
  // Nodes with activity added before the header: (node, length, place).
  struct PendingActivity {
    NodeId node;
    std::size_t length;
    RecordRef where;
  };
  std::vector<PendingActivity> pending_activity;
  std::uint64_t merged_edges = 0;
  double total_weight = 0.0;  // of every edge added (merging does not change it)
  std::uint64_t activity_values = 0;  // dense length of every activity vector added
  std::uint64_t memory_limit = 0;
  MemoryModel memory_model;
  std::uint64_t records_since_check = 0;
  // ResourceLimitError at record `w` when the projection passes the limit.
  void check_memory(const RecordRef& w, const char* kind) {
    records_since_check = 0;
    const double projected = memory_model.bytes(s.kind_.size(), src_key.size(), activity_values);
    if (projected <= static_cast<double>(memory_limit)) return;
    SourceLocation loc;
    loc.file = file;
    loc.line = w.line;
    loc.byte_offset = w.byte_offset;
    loc.record_kind = kind;
    loc.record_index = w.index;
    char mb[32];
    std::snprintf(mb, sizeof mb, "%.1f MB", projected / 1e6);
    throw ResourceLimitError(format_error(loc, "the run would need about " + std::string(mb) + " (" +
                                                   std::to_string(s.kind_.size()) + " nodes, " +
                                                   std::to_string(src_key.size()) + " edges, " +
                                                   std::to_string(activity_values) +
                                                   " activity values so far), over the memory limit of " +
                                                   std::to_string(memory_limit) + " bytes; the load stopped here"));
  }
  NodeId first_activity_node = kInvalidNode;
  RecordRef first_activity_where;

  [[noreturn]] void fail(const RecordRef& w, const char* kind, std::string id, const char* field,
                         std::string message) const {
    SourceLocation loc;
    loc.file = file;
    loc.line = w.line;
    loc.byte_offset = w.byte_offset;
    loc.record_kind = kind;
    loc.record_index = w.index;
    loc.record_id = std::move(id);
    loc.field = field;
    throw InputError(std::move(loc), std::move(message));
  }

  // Ids seen lately, by hash: an account's edges follow its node record, so
  // most endpoints were just interned and their bytes are still in cache,
  // while the pool's index (tens of MB) is not.
  static constexpr std::size_t kRecent = 4096;
  struct Recent {
    std::uint64_t hash = 0;
    std::uint32_t key = 0xFFFFFFFFu;
  };
  std::vector<Recent> recent = std::vector<Recent>(kRecent);
  // The key of `id` (hash = hash_id(id)) if it is among the recent ones.
  std::uint32_t recent_key(std::string_view id, std::uint64_t hash) const noexcept {
    const Recent& r = recent[hash & (kRecent - 1)];
    return r.hash == hash && r.key != 0xFFFFFFFFu && keys.get(r.key) == id ? r.key : 0xFFFFFFFFu;
  }
  std::uint32_t key_of(std::string_view id, std::uint64_t hash) {
    const std::uint32_t k = recent_key(id, hash);
    return k != 0xFFFFFFFFu ? k : intern_key(id, hash);
  }
  std::uint32_t intern_key(std::string_view id, std::uint64_t hash) {
    const std::uint32_t k = keys.intern(id, hash);
    if (k == key_node.size()) key_node.push_back(kInvalidNode);
    recent[hash & (kRecent - 1)] = Recent{hash, k};
    return k;
  }
  std::uint32_t key_of(std::string_view id) { return key_of(id, hash_id(id)); }
  // Last type name and its id, per pool: records of one type come in runs.
  struct LastName {
    std::string name;
    std::uint32_t id = 0xFFFFFFFFu;
  };
  LastName last_type, last_edge_type;
  NodeKind last_kind = NodeKind::Other;  // kind of last_type
  // Attr keys by (node type, position): nodes of a type list the same keys.
  std::vector<LastName> last_attr_key = std::vector<LastName>(64);
  std::vector<LastName> last_attr_text = std::vector<LastName>(64);  // string values, the same way
  static std::uint32_t intern_cached(StringPool& pool, LastName& last, std::string_view name) {
    if (last.id != 0xFFFFFFFFu && std::string_view(last.name) == name) return last.id;
    last.id = pool.intern(name);
    last.name.assign(name);
    return last.id;
  }

  void check_activity_length(const RecordRef& w, NodeId v, std::size_t length) const {
    if (length != s.meta_.activity.buckets) {
      fail(w, "node", std::string(keys.get(static_cast<std::uint32_t>(node_key(v)))), "activity",
           "has " + std::to_string(length) + " buckets, snapshot.activity.buckets is " +
               std::to_string(s.meta_.activity.buckets));
    }
  }
  // Node ids live in `keys` until finish(); node v's key:
  std::vector<std::uint32_t> node_keys;
  std::size_t node_key(NodeId v) const { return node_keys[v]; }

  // Column growth. A vector that doubles copies its contents again and again
  // and faults in fresh pages each time (on the 1M-account world the activity
  // columns alone are 0.7 GB). Once reserve() has given the expected node
  // count and enough nodes are in, a full per-node column (attrs, activity)
  // grows straight to its projected final size instead (3% margin).
  std::size_t node_target = 0;
  // Capacity for `need` elements of a column now at `capacity`, `done` nodes
  // in: doubled, or the projection to node_target once enough nodes are in.
  [[nodiscard]] std::size_t grown_capacity(std::size_t need, std::size_t capacity, std::size_t done,
                                           std::size_t extra) const {
    std::size_t cap = std::max(need, capacity * 2);
    if (node_target > done && done >= std::max<std::size_t>(4096, node_target / 256)) {
      const double projected = static_cast<double>(need) / static_cast<double>(done) * static_cast<double>(node_target) * 1.03;
      cap = std::max(need, static_cast<std::size_t>(projected) + extra);
    }
    return cap;
  }
  template <class V>
  void room_per_node(V& v, std::size_t extra) {
    const std::size_t need = v.size() + extra;
    if (need <= v.capacity()) return;
    // nodes done including the one being added
    v.reserve(grown_capacity(need, v.capacity(), s.kind_.size() + 1, extra));
  }
  // The edge columns together: projected like room_per_node while nodes are
  // still coming (edges interleaved with nodes), else doubled.
  void room_for_edge() {
    const std::size_t cap = grown_capacity(src_key.size() + 1, src_key.capacity(), s.kind_.size(), 0);
    src_key.reserve(cap);
    dst_key.reserve(cap);
    s.etype_.reserve(cap);
    s.weight_.reserve(cap);
    s.first_seen_.reserve(cap);
    s.last_seen_.reserve(cap);
  }
  // Non-zero buckets of a dense row, written in place (capacity made first)
  // into the activity columns of the current layout.
  template <class B, class X>
  void append_activity_to(Column<B>& bc, Column<X>& xc, const std::vector<double>& row) {
    room_per_node(bc, row.size());
    room_per_node(xc, row.size());
    const std::size_t base = bc.size();
    bc.resize(base + row.size());
    xc.resize(base + row.size());
    B* out_bucket = bc.data() + base;
    X* out_value = xc.data() + base;
    std::size_t kept = 0;
    std::uint32_t bucket = 0;
    for (double x : row) {
      const auto f = static_cast<float>(x);
      out_bucket[kept] = static_cast<B>(bucket++);
      out_value[kept] = static_cast<X>(f);  // exact: the layout holds every value of the row
      kept += f > 0.0f ? 1 : 0;
    }
    bc.resize(base + kept);
    xc.resize(base + kept);
  }
  template <class X>
  void append_activity_values(Column<X>& xc, const std::vector<double>& row) {
    switch (s.act_layout_.bucket_bytes) {
      case 1: append_activity_to(s.act_bucket8_, xc, row); break;
      case 2: append_activity_to(s.act_bucket16_, xc, row); break;
      default: append_activity_to(s.act_bucket32_, xc, row); break;
    }
  }
  void append_activity(const std::vector<double>& row) {
    if (s.act_layout_.value_bytes == 2) append_activity_values(s.act_value16_, row);
    else append_activity_values(s.act_value32_, row);
  }
  [[nodiscard]] std::size_t activity_entries() const noexcept {
    return s.act_bucket8_.size() + s.act_bucket16_.size() + s.act_bucket32_.size();
  }

  // Returns unused capacity when it is more than 1/16 of the column (a
  // projection's margin is kept: shrinking would copy the whole column).
  template <class V>
  static void trim(V& v) {
    if (v.capacity() - v.size() > v.capacity() / 16) v.shrink_to_fit();
  }
};

SnapshotBuilder::SnapshotBuilder(std::string file_name) : impl_(std::make_unique<Impl>()) {
  impl_->file = std::move(file_name);
}
SnapshotBuilder::~SnapshotBuilder() = default;
SnapshotBuilder::SnapshotBuilder(SnapshotBuilder&&) noexcept = default;
SnapshotBuilder& SnapshotBuilder::operator=(SnapshotBuilder&&) noexcept = default;

void SnapshotBuilder::prefetch(std::string_view id) const noexcept {
  const Impl& b = *impl_;
  const std::uint64_t h = hash_id(id);
  if (b.recent[h & (Impl::kRecent - 1)].hash != h) b.keys.prefetch(h);
}

void SnapshotBuilder::set_file(std::string file_name) { impl_->file = std::move(file_name); }
void SnapshotBuilder::set_memory_limit(std::uint64_t max_bytes, const MemoryModel& model) {
  impl_->memory_limit = max_bytes;
  impl_->memory_model = model;
}
bool SnapshotBuilder::has_meta() const noexcept { return impl_->meta_set; }
std::uint64_t SnapshotBuilder::nodes_added() const noexcept { return impl_->s.kind_.size(); }
std::uint64_t SnapshotBuilder::edges_added() const noexcept { return impl_->src_key.size(); }
std::uint64_t SnapshotBuilder::merged_edges() const noexcept { return impl_->merged_edges; }

void SnapshotBuilder::set_meta(const SnapshotMeta& meta) {
  Impl& b = *impl_;
  if (has_nul(meta.id)) {  // the readers check it with the header's place; this is for other callers
    SourceLocation loc;
    loc.file = b.file;
    loc.record_kind = "header";
    loc.field = "snapshot.id";
    throw InputError(std::move(loc), kNulMessage);
  }
  b.s.meta_ = meta;
  b.meta_set = true;
  if (meta.activity.present()) {
    for (const auto& p : b.pending_activity) b.check_activity_length(p.where, p.node, p.length);
    b.pending_activity.clear();
    b.pending_activity.shrink_to_fit();
  }
}

void SnapshotBuilder::reserve(std::size_t nodes, std::size_t edges) {
  Impl& b = *impl_;
  b.s.kind_.reserve(nodes);
  b.s.type_.reserve(nodes);
  b.s.label_.reserve(nodes);
  b.s.created_.reserve(nodes);
  b.s.attr_offsets_.reserve(nodes + 1);
  b.s.has_activity_.reserve(nodes);
  b.s.act_offsets_.reserve(nodes + 1);
  b.node_keys.reserve(nodes);
  b.key_node.reserve(nodes);
  // Id bytes per node as seen so far (ids are often 15-25 bytes).
  const std::size_t id_bytes = b.node_keys.size() >= 4096 ? b.keys.byte_size() / b.keys.size() + 1 : 24;
  b.keys.reserve(nodes, nodes * id_bytes);
  b.node_target = std::max(b.node_target, nodes);
  b.src_key.reserve(edges);
  b.dst_key.reserve(edges);
  b.s.etype_.reserve(edges);
  b.s.weight_.reserve(edges);
  b.s.first_seen_.reserve(edges);
  b.s.last_seen_.reserve(edges);
}

NodeId SnapshotBuilder::add_node(const RecordRef& w, std::string_view id, std::string_view type, Label label,
                                 Timestamp created_at, std::span<const AttrInput> attrs,
                                 const std::vector<double>* activity) {
  Impl& b = *impl_;
  Snapshot& s = b.s;
  if (id.empty()) b.fail(w, "node", "", "id", "must be a non-empty string");
  // A NUL byte (JSON "\u0000") cannot be carried by the CSV pair, nor by
  // most tools an export feeds: refused in every string of the model.
  if (has_nul(id)) b.fail(w, "node", std::string(id), "id", kNulMessage);
  if (has_nul(type)) b.fail(w, "node", std::string(id), "type", kNulMessage);
  for (const AttrInput& a : attrs)
    if (has_nul(a.key) || (a.type == AttrType::String && has_nul(a.text)))
      b.fail(w, "node", std::string(id), "attrs", "attr \"" + visible(a.key) + "\" " + kNulMessage);
  // The type of the previous node (records of one type come in runs).
  const bool same_type = b.last_type.id != 0xFFFFFFFFu && std::string_view(b.last_type.name) == type;
  if (!same_type && !is_valid_type_name(type))
    b.fail(w, "node", std::string(id), "type",
           "must match [a-z][a-z0-9_]* (account, payment_method, ip, proxy, device, ...), got \"" +
               std::string(type) + "\"");
  const NodeKind kind = same_type ? b.last_kind : kind_from_type(type);
  if (label != Label::Unknown && kind != NodeKind::Account)
    b.fail(w, "node", std::string(id), "label", "only accounts carry a label, this node is a " + std::string(type));
  if (s.kind_.size() >= kInvalidNode - 1) b.fail(w, "node", std::string(id), "id", "too many nodes (limit 2^32-2)");

  const std::uint32_t key = b.key_of(id);
  if (b.key_node[key] != kInvalidNode) {
    b.fail(w, "node", std::string(id), "id",
           "duplicate node id (first declared as node #" + std::to_string(b.key_node[key]) + ")");
  }
  const auto v = static_cast<NodeId>(s.kind_.size());
  if (key != v) b.keys_are_nodes = false;
  b.key_node[key] = v;
  b.node_keys.push_back(key);

  std::uint32_t type_id = Impl::intern_cached(s.type_names_, b.last_type, type);
  b.last_kind = kind;
  if (type_id > 0xFFFF) b.fail(w, "node", std::string(id), "type", "too many distinct node types (limit 65536)");
  s.kind_.push_back(kind);
  s.type_.push_back(static_cast<std::uint16_t>(type_id));
  s.label_.push_back(label);
  s.created_.push_back(created_at);

  b.room_per_node(s.attrs_, attrs.size());
  std::size_t position = 0;
  for (const AttrInput& a : attrs) {
    Attr out;
    out.key = Impl::intern_cached(s.attr_keys_, b.last_attr_key[(type_id * 8 + position++) & 63], a.key);
    out.type = a.type;
    switch (a.type) {
      case AttrType::String:
        out.bits = Impl::intern_cached(s.attr_strings_, b.last_attr_text[(type_id * 8 + position - 1) & 63], a.text);
        break;
      case AttrType::Int: out.bits = static_cast<std::uint64_t>(a.integer); break;
      case AttrType::Double:
        if (!std::isfinite(a.real))
          b.fail(w, "node", std::string(id), "attrs", "attr \"" + std::string(a.key) + "\" is not a finite number");
        std::memcpy(&out.bits, &a.real, sizeof a.real);
        break;
      case AttrType::Bool: out.bits = a.boolean ? 1 : 0; break;
    }
    s.attrs_.push_back(out);
  }
  s.attr_offsets_.push_back(s.attrs_.size());

  s.has_activity_.push_back(activity != nullptr ? 1 : 0);
  if (activity != nullptr) {
    bool all_good = true, fits_u16 = true;
    for (double x : *activity) {
      all_good &= x >= 0.0 && x <= FLT_MAX;  // false for NaN too
      const auto f = static_cast<float>(x);
      fits_u16 &= f == 0.0f || ActivityLayout::value_fits_u16(f);
    }
    std::uint32_t bucket = 0;
    if (!all_good) {
      for (double x : *activity) {
        if (!std::isfinite(x) || x < 0.0)
          b.fail(w, "node", std::string(id), "activity",
                 "bucket " + std::to_string(bucket) + " must be a non-negative finite number");
        if (x > FLT_MAX)
          b.fail(w, "node", std::string(id), "activity",
                 "bucket " + std::to_string(bucket) + " is too large (limit 3.4e38)");
        ++bucket;
      }
    }
    // The narrowest layout that holds every row so far (ActivityLayout):
    // widened once when a row needs it, never narrowed back here (finish()
    // sets the canonical one for the header's bucket count).
    ActivityLayout layout = s.act_layout_;
    layout.bucket_bytes = std::max(layout.bucket_bytes, ActivityLayout::bucket_bytes_for(static_cast<std::uint32_t>(
                                                            std::min<std::size_t>(activity->size(), 0xFFFFFFFFu))));
    if (!fits_u16) layout.value_bytes = 4;
    if (!(layout == s.act_layout_)) s.set_activity_layout(layout);
    b.append_activity(*activity);
    if (b.first_activity_node == kInvalidNode) {
      b.first_activity_node = v;
      b.first_activity_where = w;
    }
    if (b.meta_set) {
      if (!s.meta_.activity.present())
        b.fail(w, "node", std::string(id), "activity", "snapshot.activity is required when nodes have activity");
      b.check_activity_length(w, v, activity->size());
    } else {
      b.pending_activity.push_back({v, activity->size(), w});
    }
  }
  s.act_offsets_.push_back(b.activity_entries());
  if (b.memory_limit != 0) {
    if (activity != nullptr) b.activity_values += activity->size();
    if (++b.records_since_check >= 1024 || activity != nullptr) b.check_memory(w, "node");
  }
  return v;
}

void SnapshotBuilder::add_edge(const RecordRef& w, std::string_view src, std::string_view dst,
                               std::string_view type, double weight, Timestamp first_seen, Timestamp last_seen) {
  Impl& b = *impl_;
  Snapshot& s = b.s;
  auto edge_name = [&] { return std::string(src) + " -> " + std::string(dst); };
  if (src.empty()) b.fail(w, "edge", edge_name(), "src", "must be a non-empty node id");
  if (dst.empty()) b.fail(w, "edge", edge_name(), "dst", "must be a non-empty node id");
  if (src == dst) b.fail(w, "edge", edge_name(), "dst", "self-loop (src and dst are the same node)");
  if (type.empty()) b.fail(w, "edge", edge_name(), "type", "must be a non-empty string");
  if (has_nul(src)) b.fail(w, "edge", edge_name(), "src", kNulMessage);
  if (has_nul(dst)) b.fail(w, "edge", edge_name(), "dst", kNulMessage);
  if (has_nul(type)) b.fail(w, "edge", edge_name(), "type", kNulMessage);
  if (!(weight > 0.0) || !std::isfinite(weight))
    b.fail(w, "edge", edge_name(), "weight", "must be a positive finite number");
  b.total_weight += weight;
  if (!(b.total_weight <= kMaxTotalWeight))
    b.fail(w, "edge", edge_name(), "weight",
           "the weights of all edges up to this one add up to more than 1e100, the limit (sums and products of "
           "weights must stay finite in detection and scoring); scale the weights down");
  if (b.memory_limit != 0 && ++b.records_since_check >= 4096) b.check_memory(w, "edge");
  if (first_seen != kNoTime && last_seen != kNoTime && first_seen > last_seen)
    b.fail(w, "edge", edge_name(), "last_seen", "is before first_seen");
  const std::uint32_t type_id = Impl::intern_cached(s.edge_type_names_, b.last_edge_type, type);
  if (type_id > 0xFFFF) b.fail(w, "edge", edge_name(), "type", "too many distinct edge types (limit 65536)");
  if (b.src_key.size() == b.src_key.capacity()) b.room_for_edge();
  // Both endpoints' index slots are requested before either is probed.
  const std::uint64_t hs = hash_id(src), hd = hash_id(dst);
  std::uint32_t ks = b.recent_key(src, hs), kd = b.recent_key(dst, hd);
  if (ks == 0xFFFFFFFFu) b.keys.prefetch(hs);
  if (kd == 0xFFFFFFFFu) b.keys.prefetch(hd);
  const std::size_t keys_before = b.key_node.size();
  if (ks == 0xFFFFFFFFu) ks = b.intern_key(src, hs);
  if (kd == 0xFFFFFFFFu) kd = b.intern_key(dst, hd);
  if (b.key_node.size() != keys_before) b.forward_refs.emplace_back(b.src_key.size(), w);
  b.src_key.push_back(ks);
  b.dst_key.push_back(kd);
  s.etype_.push_back(static_cast<std::uint16_t>(type_id));
  s.weight_.push_back(weight);
  s.first_seen_.push_back(first_seen);
  s.last_seen_.push_back(last_seen);
}

void SnapshotBuilder::add_edge_nodes(const RecordRef& w, NodeId src, NodeId dst, std::string_view type, double weight,
                                     Timestamp first_seen, Timestamp last_seen) {
  Impl& b = *impl_;
  Snapshot& s = b.s;
  const auto n = static_cast<NodeId>(s.kind_.size());
  if (src >= n || dst >= n) throw std::logic_error("SnapshotBuilder::add_edge_nodes: node not added yet");
  auto edge_name = [&] {
    return std::string(b.keys.get(static_cast<std::uint32_t>(b.node_key(src)))) + " -> " +
           std::string(b.keys.get(static_cast<std::uint32_t>(b.node_key(dst))));
  };
  if (src == dst) b.fail(w, "edge", edge_name(), "dst", "self-loop (src and dst are the same node)");
  if (type.empty()) b.fail(w, "edge", edge_name(), "type", "must be a non-empty string");
  if (has_nul(type)) b.fail(w, "edge", edge_name(), "type", kNulMessage);
  if (!(weight > 0.0) || !std::isfinite(weight))
    b.fail(w, "edge", edge_name(), "weight", "must be a positive finite number");
  b.total_weight += weight;
  if (!(b.total_weight <= kMaxTotalWeight))
    b.fail(w, "edge", edge_name(), "weight",
           "the weights of all edges up to this one add up to more than 1e100, the limit (sums and products of "
           "weights must stay finite in detection and scoring); scale the weights down");
  if (b.memory_limit != 0 && ++b.records_since_check >= 4096) b.check_memory(w, "edge");
  if (first_seen != kNoTime && last_seen != kNoTime && first_seen > last_seen)
    b.fail(w, "edge", edge_name(), "last_seen", "is before first_seen");
  const std::uint32_t type_id = Impl::intern_cached(s.edge_type_names_, b.last_edge_type, type);
  if (type_id > 0xFFFF) b.fail(w, "edge", edge_name(), "type", "too many distinct edge types (limit 65536)");
  if (b.src_key.size() == b.src_key.capacity()) b.room_for_edge();
  b.src_key.push_back(static_cast<std::uint32_t>(b.node_key(src)));
  b.dst_key.push_back(static_cast<std::uint32_t>(b.node_key(dst)));
  s.etype_.push_back(static_cast<std::uint16_t>(type_id));
  s.weight_.push_back(weight);
  s.first_seen_.push_back(first_seen);
  s.last_seen_.push_back(last_seen);
}

Snapshot SnapshotBuilder::finish() {
  Impl& b = *impl_;
  Snapshot& s = b.s;
  const auto n = static_cast<NodeId>(s.kind_.size());
  const EdgeId m = b.src_key.size();

  // Pending header rules.
  if (b.first_activity_node != kInvalidNode && !s.meta_.activity.present()) {
    b.fail(b.first_activity_where, "node",
           std::string(b.keys.get(static_cast<std::uint32_t>(b.node_key(b.first_activity_node)))), "activity",
           "snapshot.activity is required when nodes have activity");
  }
  for (const auto& p : b.pending_activity) b.check_activity_length(p.where, p.node, p.length);

  // Resolve endpoints; the first unknown id is reported at its edge.
  s.src_.resize(m);
  s.dst_.resize(m);
  for (const auto& [e, where] : b.forward_refs) {
    const NodeId u = b.key_node[b.src_key[e]];
    const NodeId v = b.key_node[b.dst_key[e]];
    if (u == kInvalidNode || v == kInvalidNode) {
      const std::string name = std::string(b.keys.get(b.src_key[e])) + " -> " + std::string(b.keys.get(b.dst_key[e]));
      const bool bad_src = u == kInvalidNode;
      b.fail(where, "edge", name, bad_src ? "src" : "dst",
             "unknown node id \"" + std::string(b.keys.get(bad_src ? b.src_key[e] : b.dst_key[e])) +
                 "\" (no node declares it)");
    }
  }
  for (EdgeId e = 0; e < m; ++e) {
    s.src_[e] = b.key_node[b.src_key[e]];
    s.dst_[e] = b.key_node[b.dst_key[e]];
  }
  std::vector<std::uint32_t>().swap(b.src_key);
  std::vector<std::uint32_t>().swap(b.dst_key);
  b.forward_refs.clear();

  // Node id pool in declaration order. Every key is a node by now (an
  // undeclared endpoint failed above), so the pool is only renumbered.
  if (b.keys_are_nodes && b.keys.size() == n) {
    s.ids_ = std::move(b.keys);
  } else if (b.keys.size() == n) {
    b.keys.reorder(b.node_keys, b.key_node);
    s.ids_ = std::move(b.keys);
    b.keys = StringPool();
  } else {
    StringPool ids;
    std::size_t bytes = 0;
    for (NodeId v = 0; v < n; ++v) bytes += b.keys.get(b.node_keys[v]).size();
    ids.reserve(n, bytes);
    for (NodeId v = 0; v < n; ++v) ids.append(b.keys.get(b.node_keys[v]));
    ids.rebuild_index();
    s.ids_ = std::move(ids);
    b.keys = StringPool();
  }
  std::vector<std::uint32_t>().swap(b.node_keys);
  std::vector<NodeId>().swap(b.key_node);

  // Merge duplicate (src, dst, type) edges: bucket by src (counting sort,
  // stable), sort each bucket by (dst, type, e), fold runs into their first edge.
  if (m > 0) {
    std::vector<EdgeId> start(static_cast<std::size_t>(n) + 1, 0);
    for (EdgeId e = 0; e < m; ++e) ++start[s.src_[e] + 1];
    for (NodeId v = 0; v < n; ++v) start[v + 1] += start[v];
    std::vector<EdgeId> order(m);
    {
      std::vector<EdgeId> pos(start.begin(), start.end() - 1);
      for (EdgeId e = 0; e < m; ++e) order[pos[s.src_[e]]++] = e;
    }
    std::vector<std::uint8_t> dead(m, 0);
    EdgeId merged = 0;
#pragma omp parallel for schedule(dynamic, 4096) reduction(+ : merged)
    for (std::int64_t vi = 0; vi < static_cast<std::int64_t>(n); ++vi) {
      const auto v = static_cast<NodeId>(vi);
      EdgeId* first = order.data() + start[v];
      EdgeId* last = order.data() + start[v + 1];
      if (last - first < 2) continue;
      std::sort(first, last, [&](EdgeId x, EdgeId y) {
        if (s.dst_[x] != s.dst_[y]) return s.dst_[x] < s.dst_[y];
        if (s.etype_[x] != s.etype_[y]) return s.etype_[x] < s.etype_[y];
        return x < y;
      });
      for (EdgeId* run = first; run < last;) {
        EdgeId* end = run + 1;
        const EdgeId keep = *run;
        while (end < last && s.dst_[*end] == s.dst_[keep] && s.etype_[*end] == s.etype_[keep]) {
          const EdgeId e = *end;
          s.weight_[keep] += s.weight_[e];
          if (s.first_seen_[e] != kNoTime && (s.first_seen_[keep] == kNoTime || s.first_seen_[e] < s.first_seen_[keep]))
            s.first_seen_[keep] = s.first_seen_[e];
          s.last_seen_[keep] = std::max(s.last_seen_[keep], s.last_seen_[e]);
          dead[e] = 1;
          ++merged;
          ++end;
        }
        run = end;
      }
    }
    b.merged_edges = merged;
    if (merged > 0) {
      EdgeId out = 0;
      for (EdgeId e = 0; e < m; ++e) {
        if (dead[e]) continue;
        s.src_[out] = s.src_[e];
        s.dst_[out] = s.dst_[e];
        s.etype_[out] = s.etype_[e];
        s.weight_[out] = s.weight_[e];
        s.first_seen_[out] = s.first_seen_[e];
        s.last_seen_[out] = s.last_seen_[e];
        ++out;
      }
      s.src_.resize(out);
      s.dst_.resize(out);
      s.etype_.resize(out);
      s.weight_.resize(out);
      s.first_seen_.resize(out);
      s.last_seen_.resize(out);
    }
    for (EdgeId e = 0; e < s.src_.size(); ++e) {
      if (!std::isfinite(s.weight_[e])) {
        SourceLocation loc;
        loc.file = b.file;
        loc.record_kind = "edge";
        loc.record_id = std::string(s.node_id(s.src_[e])) + " -> " + std::string(s.node_id(s.dst_[e]));
        loc.field = "weight";
        throw InputError(loc, "merged duplicate edges sum to a weight that is not finite");
      }
    }
  }
  Impl::trim(s.kind_);
  Impl::trim(s.type_);
  Impl::trim(s.label_);
  Impl::trim(s.created_);
  Impl::trim(s.attr_offsets_);
  Impl::trim(s.has_activity_);
  Impl::trim(s.act_offsets_);
  Impl::trim(s.src_);
  Impl::trim(s.dst_);
  Impl::trim(s.etype_);
  Impl::trim(s.weight_);
  Impl::trim(s.first_seen_);
  Impl::trim(s.last_seen_);
  // The canonical layout (ActivityLayout): buckets by the header's count.
  s.set_activity_layout(s.canonical_activity_layout());
  Impl::trim(s.act_bucket8_);
  Impl::trim(s.act_bucket16_);
  Impl::trim(s.act_bucket32_);
  Impl::trim(s.act_value16_);
  Impl::trim(s.act_value32_);
  Impl::trim(s.attrs_);
  s.ids_.shrink_to_fit();
  Snapshot out = std::move(s);
  b.s = Snapshot();
  b.meta_set = false;
  std::fill(b.recent.begin(), b.recent.end(), Impl::Recent{});
  b.last_type = b.last_edge_type = Impl::LastName{};
  std::fill(b.last_attr_key.begin(), b.last_attr_key.end(), Impl::LastName{});
  std::fill(b.last_attr_text.begin(), b.last_attr_text.end(), Impl::LastName{});
  return out;
}

}  // namespace hydrascope
