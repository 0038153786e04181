// Plain edge lists (SNAP / KONECT style): `u v [weight]` per line, fields
// separated by spaces or tabs, `#` and `%` comment lines. Nodes get type
// `node` in order of first appearance; edges get type `edge`.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "io_internal.hpp"
#include "utf8.hpp"

namespace hydrascope::io {

namespace {

// Open-addressing map from an unordered node pair to its edge slot.
class PairMap {
 public:
  static constexpr std::uint64_t kEmpty = ~std::uint64_t{0};
  /// Room for `n` keys without growing (each growth rehashes every key).
  void reserve(std::size_t n) {
    std::size_t cap = 1024;
    while (cap < 2 * n + 2) cap *= 2;
    if (cap <= keys_.size()) return;
    if (size_ == 0) {
      keys_.assign(cap, kEmpty);
      values_.assign(cap, 0);
      mask_ = cap - 1;
    }
  }
  // Returns the slot's value, inserting `value` if the key is new.
  std::uint64_t find_or_insert(std::uint64_t key, std::uint64_t value, bool& inserted) {
    if ((size_ + 1) * 2 > keys_.size()) grow();
    std::size_t i = hash(key) & mask_;
    for (;;) {
      if (keys_[i] == kEmpty) {
        keys_[i] = key;
        values_[i] = value;
        ++size_;
        inserted = true;
        return value;
      }
      if (keys_[i] == key) {
        inserted = false;
        return values_[i];
      }
      i = (i + 1) & mask_;
    }
  }

 private:
  static std::uint64_t hash(std::uint64_t x) { return hash_id(x); }  // keyed: no crafted collisions
  void grow() {
    std::vector<std::uint64_t> old_keys = std::move(keys_), old_values = std::move(values_);
    const std::size_t cap = old_keys.empty() ? 1024 : old_keys.size() * 2;
    keys_.assign(cap, kEmpty);
    values_.assign(cap, 0);
    mask_ = cap - 1;
    for (std::size_t j = 0; j < old_keys.size(); ++j) {
      if (old_keys[j] == kEmpty) continue;
      std::size_t i = hash(old_keys[j]) & mask_;
      while (keys_[i] != kEmpty) i = (i + 1) & mask_;
      keys_[i] = old_keys[j];
      values_[i] = old_values[j];
    }
  }
  std::vector<std::uint64_t> keys_, values_;
  std::size_t size_ = 0, mask_ = 0;
};

inline bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f'; }

}  // namespace

Snapshot read_edge_list(const std::string& path, const LoadOptions& options, LoadReport& report, InputStream& in) {
  BlockReader blocks(in);
  SnapshotBuilder builder(path);
  builder.set_meta(SnapshotMeta{});
  builder.set_memory_limit(options.max_memory_bytes, options.memory_model);
  const bool merge = options.edge_list_directed_merge;
  std::vector<NodeId> eu, ev;
  std::vector<double> ew;
  std::vector<std::uint64_t> eline;
  std::uint64_t edge_index = 0, records = 0, merged = 0, self_loops = 0;

  // Ids to nodes. While every id so far is a canonical decimal integer (digits
  // only, no leading zero, at most 18 digits: its text is the integer's own),
  // ids are taken as integers: a value indexes a dense table (values below
  // 2^24) or a keyed hash map, and no string is hashed or interned per edge.
  // At the first other id, the nodes so far are interned as their decimal
  // text (the same bytes as in the file) and strings are used from there on.
  // Nodes are numbered in order of first appearance either way.
  constexpr std::uint64_t kDenseLimit = std::uint64_t{1} << 24;
  bool integers = true;
  std::vector<NodeId> dense;          // value -> node, kInvalidNode when none
  PairMap sparse;                     // value -> node for values >= kDenseLimit
  std::vector<std::uint64_t> values;  // node -> value (integer mode)
  StringPool ids;                     // string mode
  NodeId nodes = 0;

  auto fail = [&](std::uint64_t line, std::string id, const char* field, std::string message) {
    SourceLocation loc;
    loc.file = path;
    loc.line = line;
    loc.record_kind = "edge";
    loc.record_index = edge_index;
    loc.record_id = std::move(id);
    loc.field = field;
    throw InputError(std::move(loc), std::move(message));
  };
  auto new_node = [&](std::string_view token, std::uint64_t line) {
    builder.add_node(RecordRef{line, kNoPosition, nodes}, token, "node", Label::Unknown, kNoTime, {}, nullptr);
    ++records;
    return nodes++;
  };
  auto to_strings = [&] {
    integers = false;
    char buf[24];
    for (NodeId v = 0; v < nodes; ++v) {
      const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, values[v]);
      (void)ec;
      ids.intern(std::string_view(buf, static_cast<std::size_t>(end - buf)));
    }
    std::vector<NodeId>().swap(dense);
    std::vector<std::uint64_t>().swap(values);
  };
  auto node_of = [&](std::string_view token, std::uint64_t line) -> NodeId {
    if (integers) {
      std::uint64_t x = 0;
      const char* const b = token.data();
      const char* const e = b + token.size();
      const auto [ptr, ec] = std::from_chars(b, e, x);
      if (ec == std::errc() && ptr == e && token.size() <= 18 && (token.size() == 1 || b[0] != '0')) {
        if (x < kDenseLimit) {
          if (x >= dense.size()) dense.resize(std::max<std::size_t>(x + 1, std::min<std::size_t>(2 * dense.size(), kDenseLimit)), kInvalidNode);
          if (dense[x] == kInvalidNode) {
            dense[x] = new_node(token, line);
            values.push_back(x);
          }
          return dense[x];
        }
        bool inserted = false;
        const auto v = static_cast<NodeId>(sparse.find_or_insert(x, nodes, inserted));
        if (inserted) {
          new_node(token, line);
          values.push_back(x);
        }
        return v;
      }
      to_strings();
    }
    const std::uint32_t before = ids.size();
    const std::uint32_t id = ids.intern(token);
    if (id == before) new_node(token, line);
    return id;
  };

  char* data = nullptr;
  std::size_t size = 0;
  std::uint64_t line = 0, offset = 0;
  bool reserved = false;
  while (blocks.next(data, size, line, offset)) {
    const char* p = data;
    const char* const end = data + size;
    for (; p < end; ++line) {
      const char* eol = static_cast<const char*>(std::memchr(p, '\n', static_cast<std::size_t>(end - p)));
      if (eol == nullptr) eol = end;
      const char* q = p;
      const char* const line_end = eol;
      p = eol + 1;
      std::string_view fields[3];
      int n = 0;
      while (q < line_end) {
        while (q < line_end && is_blank(*q)) ++q;
        if (q == line_end) break;
        if (n == 0 && (*q == '#' || *q == '%')) break;
        const char* t = q;
        while (q < line_end && !is_blank(*q)) ++q;
        if (n < 3) fields[n] = std::string_view(t, static_cast<std::size_t>(q - t));
        ++n;  // columns after the third are ignored
      }
      if (n == 0) continue;
      if (std::memchr(fields[0].data(), '\0', static_cast<std::size_t>(line_end - fields[0].data())) != nullptr)
        fail(line, "", "", "NUL byte in the line");
      auto name = [&] {
        return n >= 2 ? std::string(fields[0]) + " -> " + std::string(fields[1]) : std::string(fields[0]);
      };
      if (n < 2) fail(line, name(), "dst", "expected `u v [weight]`, found one field");
      for (int k = 0; k < 2; ++k)  // fuzz finding: ids must be UTF-8 to be written as JSON
        if (const std::size_t bad = invalid_utf8_at(fields[k]); bad != std::string_view::npos)
          fail(line, "", k == 0 ? "src" : "dst", "invalid UTF-8 at byte " + std::to_string(bad) + " of the id");
      if (fields[0].size() > kMaxIdBytes) fail(line, name(), "src", id_too_long(fields[0].size()));
      if (fields[1].size() > kMaxIdBytes) fail(line, name(), "dst", id_too_long(fields[1].size()));
      double weight = 1.0;
      if (n >= 3) {
        const std::string_view w = fields[2];
        const auto [ptr, ec] = std::from_chars(w.data(), w.data() + w.size(), weight);
        if (ec != std::errc() || ptr != w.data() + w.size() || !std::isfinite(weight) || !(weight > 0.0))
          fail(line, name(), "weight", "must be a positive finite number, got \"" + std::string(w) + "\"");
      }
      const NodeId u = node_of(fields[0], line);
      const NodeId v = node_of(fields[1], line);
      ++records;
      if (u == v) {
        ++self_loops;
        ++edge_index;
        continue;
      }
      if (!merge) {
        builder.add_edge_nodes(RecordRef{line, kNoPosition, edge_index}, u, v, "edge", weight, kNoTime, kNoTime);
      } else {
        if (eu.size() >= 0xFFFFFFFFull) fail(line, name(), "", "more than 4294967294 edges (the limit of one edge list)");
        eu.push_back(u);
        ev.push_back(v);
        ew.push_back(weight);
        eline.push_back(line);
      }
      ++edge_index;
    }
    if (!reserved) {
      // Room for the whole file at the first block's edges per byte (a
      // regular, uncompressed file): no growth of the edge columns and
      // no rehash of the pair map on the way.
      reserved = true;
      if (in.file_size() > size && !in.gzip() && size > 0) {
        const double per_byte = static_cast<double>(edge_index) / static_cast<double>(size);
        const auto est = static_cast<std::size_t>(per_byte * static_cast<double>(in.file_size()) * 1.05) + 1024;
        if (merge) {
          eu.reserve(est);
          ev.reserve(est);
          ew.reserve(est);
          eline.reserve(est);
        } else {
          builder.reserve(0, est);
        }
      }
    }
    report_progress(options, in);
  }
  if (merge) {
    // u v and v u (and repeats) are one edge: the first one's direction and
    // place, the largest weight. Grouped by the smaller endpoint (a counting
    // sort, stable), each group sorted by (larger endpoint, index): no hash
    // map, memory 4 bytes per edge plus one offset per node.
    const std::size_t m = eu.size();
    std::vector<std::uint32_t> start(static_cast<std::size_t>(nodes) + 1, 0);
    for (std::size_t e = 0; e < m; ++e) ++start[std::min(eu[e], ev[e]) + 1];
    for (NodeId v = 0; v < nodes; ++v) start[v + 1] += start[v];
    std::vector<std::uint32_t> order(m);
    {
      std::vector<std::uint32_t> pos(start.begin(), start.end() - 1);
      for (std::size_t e = 0; e < m; ++e) order[pos[std::min(eu[e], ev[e])]++] = static_cast<std::uint32_t>(e);
    }
    std::vector<std::uint8_t> dead(m, 0);
    for (NodeId v = 0; v < nodes; ++v) {
      std::uint32_t* first = order.data() + start[v];
      std::uint32_t* last = order.data() + start[v + 1];
      if (last - first < 2) continue;
      auto hi = [&](std::uint32_t e) { return std::max(eu[e], ev[e]); };
      std::sort(first, last, [&](std::uint32_t x, std::uint32_t y) { return hi(x) != hi(y) ? hi(x) < hi(y) : x < y; });
      for (std::uint32_t* run = first; run < last;) {
        std::uint32_t* end = run + 1;
        while (end < last && hi(*end) == hi(*run)) {
          ew[*run] = std::max(ew[*run], ew[*end]);
          dead[*end] = 1;
          ++merged;
          ++end;
        }
        run = end;
      }
    }
    builder.reserve(0, m - merged);
    std::uint64_t kept = 0;
    for (std::size_t e = 0; e < m; ++e)
      if (!dead[e]) builder.add_edge_nodes(RecordRef{eline[e], kNoPosition, kept++}, eu[e], ev[e], "edge", ew[e], kNoTime, kNoTime);
  }
  Snapshot s = builder.finish();
  report.gzip = in.gzip();
  report.bytes_read = in.bytes_out();
  report.records = records;
  report.merged_edges = merged + builder.merged_edges();
  report.skipped_self_loops = self_loops;
  return s;
}

}  // namespace hydrascope::io
