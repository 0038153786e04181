// The loaded snapshot: an immutable, columnar model of accounts, entities and
// their edges (docs/formats.md section 1). Built only by SnapshotBuilder,
// which the loaders in io/ and the generator drive.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <utility>
#include <string>
#include <string_view>
#include <vector>

#include "hydrascope/column.hpp"
#include "hydrascope/error.hpp"
#include "hydrascope/strings.hpp"
#include "hydrascope/types.hpp"

namespace hydrascope {

namespace io {
struct HsnapCodec;  // the binary snapshot's writer and reader (engine/io/hsnap.cpp)
}

/// `snapshot.activity`: the bucketing of every node's `activity` vector.
struct ActivitySpec {
  Timestamp start = kNoTime;
  std::int64_t bucket_seconds = 0;
  std::uint32_t buckets = 0;
  [[nodiscard]] bool present() const noexcept { return buckets > 0; }
  friend bool operator==(const ActivitySpec&, const ActivitySpec&) = default;
};

/// How a snapshot stores its activity (chosen per snapshot when it is built,
/// never lossy): bucket indices in 1, 2 or 4 bytes (1 when
/// meta().activity.buckets <= 256, 2 when <= 65536, else 4), values as
/// uint16 when every stored value is a whole number from 1 to 65535, else as
/// float32. Readers never see the width: Snapshot::activity(v) hands out an
/// ActivityRow whose values are floats, exactly the ones stored.
struct ActivityLayout {
  std::uint8_t bucket_bytes = 1;  ///< 1, 2 or 4
  std::uint8_t value_bytes = 2;   ///< 2 (uint16, whole numbers) or 4 (float32)
  /// The bucket width for a spec of `buckets` buckets.
  [[nodiscard]] static constexpr std::uint8_t bucket_bytes_for(std::uint32_t buckets) noexcept {
    return buckets <= 0x100u ? 1 : buckets <= 0x10000u ? 2 : 4;
  }
  /// Whether a stored (non-zero) value fits the uint16 layout without loss.
  [[nodiscard]] static constexpr bool value_fits_u16(float x) noexcept {
    return x >= 1.0f && x <= 65535.0f && static_cast<float>(static_cast<std::uint16_t>(x)) == x;
  }
  friend bool operator==(const ActivityLayout&, const ActivityLayout&) = default;
};

/// One node's non-zero activity entries (bucket indices increasing, values
/// > 0), whatever their storage width: `bucket(i)` as uint32, `value(i)` as
/// the float stored (a uint16 value converts to float exactly), and
/// for_each(f), which calls f(bucket, value) in order with the width
/// dispatched once per row (the loop inlines f). A view: valid while the
/// snapshot or the arrays it was made from live.
class ActivityRow {
 public:
  ActivityRow() = default;
  /// A row over 32-bit buckets and float values (the generators' records).
  ActivityRow(std::span<const std::uint32_t> buckets, std::span<const float> values) noexcept
      : b_(buckets.data()), x_(values.data()), n_(buckets.size()), nx_(values.size()), bb_(4), vb_(4) {}
  ActivityRow(const void* buckets, std::uint8_t bucket_bytes, const void* values, std::uint8_t value_bytes,
              std::size_t n) noexcept
      : b_(buckets), x_(values), n_(n), nx_(n), bb_(bucket_bytes), vb_(value_bytes) {}

  [[nodiscard]] std::size_t size() const noexcept { return n_; }
  [[nodiscard]] bool empty() const noexcept { return n_ == 0; }
  /// Values given (differs from size() only for a row made from two spans of different lengths).
  [[nodiscard]] std::size_t value_count() const noexcept { return nx_; }
  [[nodiscard]] std::uint32_t bucket(std::size_t i) const noexcept {
    switch (bb_) {
      case 1: return static_cast<const std::uint8_t*>(b_)[i];
      case 2: return static_cast<const std::uint16_t*>(b_)[i];
      default: return static_cast<const std::uint32_t*>(b_)[i];
    }
  }
  [[nodiscard]] float value(std::size_t i) const noexcept {
    return vb_ == 2 ? static_cast<float>(static_cast<const std::uint16_t*>(x_)[i]) : static_cast<const float*>(x_)[i];
  }
  /// f(std::uint32_t bucket, float value) for each entry, in order.
  template <class F>
  void for_each(F&& f) const {
    switch (bb_ * 8 + vb_) {
      case 1 * 8 + 2: run<std::uint8_t, std::uint16_t>(f); break;
      case 1 * 8 + 4: run<std::uint8_t, float>(f); break;
      case 2 * 8 + 2: run<std::uint16_t, std::uint16_t>(f); break;
      case 2 * 8 + 4: run<std::uint16_t, float>(f); break;
      case 4 * 8 + 2: run<std::uint32_t, std::uint16_t>(f); break;
      default: run<std::uint32_t, float>(f); break;
    }
  }
  /// Sum of the values in order, as a double (Snapshot::activity_total).
  [[nodiscard]] double total() const noexcept {
    double sum = 0.0;
    for_each([&](std::uint32_t, float x) { sum += x; });
    return sum;
  }

 private:
  template <class B, class X, class F>
  void run(F& f) const {
    const B* b = static_cast<const B*>(b_);
    const X* x = static_cast<const X*>(x_);
    for (std::size_t i = 0; i < n_; ++i) f(static_cast<std::uint32_t>(b[i]), static_cast<float>(x[i]));
  }
  const void* b_ = nullptr;
  const void* x_ = nullptr;
  std::size_t n_ = 0, nx_ = 0;
  std::uint8_t bb_ = 4, vb_ = 4;
};

/// The header of a snapshot.
struct SnapshotMeta {
  int version = 1;
  std::string id;              ///< snapshot.id ("" when absent)
  Timestamp taken_at = kNoTime;
  ActivitySpec activity;
  friend bool operator==(const SnapshotMeta&, const SnapshotMeta&) = default;
};

enum class AttrType : std::uint8_t { String = 0, Int, Double, Bool };

/// One `attrs` entry. Keys and string values are ids in the snapshot's
/// attr_keys() / attr_strings() pools; numbers keep whether they were written
/// as integers so that exports reproduce them.
struct Attr {
  std::uint32_t key = 0;
  AttrType type = AttrType::String;
  std::uint64_t bits = 0;  ///< string id, int64, double bits or bool, per type

  [[nodiscard]] std::int64_t as_int() const noexcept { return static_cast<std::int64_t>(bits); }
  [[nodiscard]] double as_double() const noexcept;
  [[nodiscard]] bool as_bool() const noexcept { return bits != 0; }
  [[nodiscard]] std::uint32_t as_string_id() const noexcept { return static_cast<std::uint32_t>(bits); }
  /// Numeric value of Int or Double (0 for others).
  [[nodiscard]] double number() const noexcept;
  friend bool operator==(const Attr&, const Attr&) = default;
};

/// An attr as a loader hands it to the builder.
struct AttrInput {
  std::string_view key;
  AttrType type = AttrType::String;
  std::string_view text;  ///< for String
  std::int64_t integer = 0;
  double real = 0.0;
  bool boolean = false;
};

/// The immutable snapshot.
///
/// Invariants (checked by validate()):
///  - node ids are unique, non-empty; node i's id is id_pool().get(i);
///  - every node has a type index < type_names().size(); kinds match types;
///  - label != Unknown only on accounts;
///  - activity: offsets are monotone; buckets strictly increasing within a
///    node and < meta().activity.buckets; values are finite and > 0 (zeros are
///    not stored); has_activity(v) false implies an empty row; the storage
///    layout is canonical_activity_layout() (ActivityLayout);
///  - edges: src != dst, both < num_nodes(); weight finite and > 0;
///    first_seen <= last_seen when both are given; no two edges share
///    (src, dst, type) (duplicates were merged at load).
/// Edges keep the order of their first appearance in the input; nodes keep
/// declaration order.
class Snapshot {
 public:
  Snapshot() = default;
  Snapshot(Snapshot&&) noexcept = default;
  Snapshot& operator=(Snapshot&&) noexcept = default;
  Snapshot(const Snapshot&) = delete;
  Snapshot& operator=(const Snapshot&) = delete;

  [[nodiscard]] const SnapshotMeta& meta() const noexcept { return meta_; }
  [[nodiscard]] NodeId num_nodes() const noexcept { return static_cast<NodeId>(kind_.size()); }
  [[nodiscard]] EdgeId num_edges() const noexcept { return src_.size(); }

  // --- nodes -------------------------------------------------------------
  [[nodiscard]] std::string_view node_id(NodeId v) const noexcept { return ids_.get(v); }
  /// Node with this id, or kInvalidNode.
  [[nodiscard]] NodeId find_node(std::string_view id) const noexcept;
  [[nodiscard]] NodeKind kind(NodeId v) const noexcept { return kind_[v]; }
  [[nodiscard]] std::uint16_t type_index(NodeId v) const noexcept { return type_[v]; }
  [[nodiscard]] std::string_view node_type(NodeId v) const noexcept { return type_names_.get(type_[v]); }
  [[nodiscard]] Label label(NodeId v) const noexcept { return label_[v]; }
  [[nodiscard]] Timestamp created_at(NodeId v) const noexcept { return created_[v]; }
  [[nodiscard]] std::span<const Attr> attrs(NodeId v) const noexcept {
    return {attrs_.data() + attr_offsets_[v], static_cast<std::size_t>(attr_offsets_[v + 1] - attr_offsets_[v])};
  }
  /// Whether the node carried an `activity` array (possibly all zeros).
  [[nodiscard]] bool has_activity(NodeId v) const noexcept { return has_activity_[v] != 0; }
  /// Non-zero activity entries of node v (bucket indices increasing, values
  /// > 0), whatever the storage width (ActivityRow).
  [[nodiscard]] ActivityRow activity(NodeId v) const noexcept {
    const std::uint64_t lo = act_offsets_[v];
    const auto n = static_cast<std::size_t>(act_offsets_[v + 1] - lo);
    const void* b = act_layout_.bucket_bytes == 1   ? static_cast<const void*>(act_bucket8_.data() + lo)
                    : act_layout_.bucket_bytes == 2 ? static_cast<const void*>(act_bucket16_.data() + lo)
                                                    : static_cast<const void*>(act_bucket32_.data() + lo);
    const void* x = act_layout_.value_bytes == 2 ? static_cast<const void*>(act_value16_.data() + lo)
                                                 : static_cast<const void*>(act_value32_.data() + lo);
    return {b, act_layout_.bucket_bytes, x, act_layout_.value_bytes, n};
  }
  /// Number of non-zero activity entries of node v.
  [[nodiscard]] std::size_t activity_size(NodeId v) const noexcept {
    return static_cast<std::size_t>(act_offsets_[v + 1] - act_offsets_[v]);
  }
  /// f(bucket, value) for node v's non-zero activity entries, in order.
  template <class F>
  void for_each_activity(NodeId v, F&& f) const {
    activity(v).for_each(std::forward<F>(f));
  }
  /// The storage widths of this snapshot's activity.
  [[nodiscard]] ActivityLayout activity_layout() const noexcept { return act_layout_; }
  /// Stored activity entries of all nodes.
  [[nodiscard]] std::uint64_t activity_entries() const noexcept { return act_offsets_.back(); }
  /// The whole activity columns as raw arrays (for zero-copy views, e.g. numpy):
  /// offsets (n + 1, uint64), buckets (activity_entries() x bucket_bytes) and
  /// values (activity_entries() x value_bytes), in the layout's widths.
  [[nodiscard]] std::span<const std::uint64_t> activity_offsets() const noexcept { return act_offsets_; }
  [[nodiscard]] const void* activity_bucket_data() const noexcept;
  [[nodiscard]] const void* activity_value_data() const noexcept;
  /// Sum of node v's activity.
  [[nodiscard]] double activity_total(NodeId v) const noexcept;

  // --- edges -------------------------------------------------------------
  [[nodiscard]] NodeId edge_src(EdgeId e) const noexcept { return src_[e]; }
  [[nodiscard]] NodeId edge_dst(EdgeId e) const noexcept { return dst_[e]; }
  [[nodiscard]] std::uint16_t edge_type_index(EdgeId e) const noexcept { return etype_[e]; }
  [[nodiscard]] std::string_view edge_type(EdgeId e) const noexcept { return edge_type_names_.get(etype_[e]); }
  [[nodiscard]] double edge_weight(EdgeId e) const noexcept { return weight_[e]; }
  [[nodiscard]] Timestamp first_seen(EdgeId e) const noexcept { return first_seen_[e]; }
  [[nodiscard]] Timestamp last_seen(EdgeId e) const noexcept { return last_seen_[e]; }

  // --- pools and whole columns (for exports and fast scans) ----------------
  [[nodiscard]] const StringPool& id_pool() const noexcept { return ids_; }
  [[nodiscard]] const StringPool& type_names() const noexcept { return type_names_; }
  [[nodiscard]] const StringPool& edge_type_names() const noexcept { return edge_type_names_; }
  [[nodiscard]] const StringPool& attr_keys() const noexcept { return attr_keys_; }
  [[nodiscard]] const StringPool& attr_strings() const noexcept { return attr_strings_; }
  [[nodiscard]] std::span<const NodeKind> kinds() const noexcept { return kind_; }
  [[nodiscard]] std::span<const Label> labels() const noexcept { return label_; }
  [[nodiscard]] std::span<const NodeId> edge_srcs() const noexcept { return src_; }
  [[nodiscard]] std::span<const NodeId> edge_dsts() const noexcept { return dst_; }
  [[nodiscard]] std::span<const double> edge_weights() const noexcept { return weight_; }
  [[nodiscard]] std::span<const std::uint16_t> edge_type_indices() const noexcept { return etype_; }

  /// Heap bytes held by the model (columns and pools it owns, and the id
  /// index once built): what it adds to the resident set.
  [[nodiscard]] std::size_t memory_bytes() const noexcept;
  /// Bytes of columns and pools read in place from a mapped binary snapshot
  /// (file-backed pages the kernel may drop and read again; 0 for a model
  /// loaded from text).
  [[nodiscard]] std::size_t mapped_bytes() const noexcept;
  /// Drops the pages of the columns read in place from a mapped binary
  /// snapshot out of this process's resident set (madvise MADV_DONTNEED;
  /// the data stay in the page cache and are read back on the next access).
  /// Nothing changes for a model loaded from text. The pipeline calls it
  /// between stages with PipelineOptions::release (`hydrascope run`).
  void release_mapped_pages() const noexcept;
  /// Checks every invariant above; throws std::logic_error naming the first broken one.
  void validate() const;
  /// Same model: same meta, nodes (order, ids, types, labels, times, attrs,
  /// activity) and edges (order, endpoints, types, weights, times).
  friend bool operator==(const Snapshot& a, const Snapshot& b);

 private:
  friend class SnapshotBuilder;
  friend struct io::HsnapCodec;
  SnapshotMeta meta_;
  StringPool ids_, type_names_, edge_type_names_, attr_keys_, attr_strings_;
  // Owned (built from text) or views into a mapped binary snapshot that the
  // columns keep alive (column.hpp); moves keep views valid.
  Column<NodeKind> kind_;
  Column<std::uint16_t> type_;
  Column<Label> label_;
  Column<Timestamp> created_;
  Column<std::uint64_t> attr_offsets_{0};
  Column<Attr> attrs_;
  Column<std::uint8_t> has_activity_;
  Column<std::uint64_t> act_offsets_{0};
  // Activity: exactly one bucket column and one value column are in use,
  // as act_layout_ says (the others stay empty).
  ActivityLayout act_layout_;
  Column<std::uint8_t> act_bucket8_;
  Column<std::uint16_t> act_bucket16_;
  Column<std::uint32_t> act_bucket32_;
  Column<std::uint16_t> act_value16_;
  Column<float> act_value32_;
  /// Converts the activity columns to `to` (owned; exact: callers check
  /// that every value fits). The layout the builder and reader pick is
  /// canonical_activity_layout().
  void set_activity_layout(ActivityLayout to);
  /// The layout this snapshot's activity should have: by the spec's bucket
  /// count and whether every stored value fits uint16.
  [[nodiscard]] ActivityLayout canonical_activity_layout() const noexcept;
  Column<NodeId> src_, dst_;
  Column<std::uint16_t> etype_;
  Column<double> weight_;
  Column<Timestamp> first_seen_, last_seen_;
};

/// Where a record came from, for error messages.
struct RecordRef {
  std::uint64_t line = 0;                   ///< 1-based, 0 = unknown
  std::uint64_t byte_offset = kNoPosition;  ///< 0-based, kNoPosition = unknown
  std::uint64_t index = 0;                  ///< 0-based index among records of its kind
};

/// A projection of a run's peak memory from what has been loaded so far
/// (docs/reliability.md, "Memory estimate"): base + per_node x nodes +
/// per_edge x edges + per_activity_value x activity values.
struct MemoryModel {
  double base = 0.0;
  double per_node = 0.0;
  double per_edge = 0.0;
  double per_activity_value = 0.0;
  /// Activity values per node already paid for by per_node (the model's
  /// calibration worlds have activity): only values past nodes x this count.
  double activity_values_per_node_included = 0.0;
  [[nodiscard]] double bytes(std::uint64_t nodes, std::uint64_t edges, std::uint64_t activity_values) const noexcept {
    const double extra = static_cast<double>(activity_values) - activity_values_per_node_included * static_cast<double>(nodes);
    return base + per_node * static_cast<double>(nodes) + per_edge * static_cast<double>(edges) +
           per_activity_value * (extra > 0.0 ? extra : 0.0);
  }
};

/// Largest sum of all edge weights of a snapshot (duplicates merged or not):
/// detection and scoring form sums of weights and products of such sums,
/// which must stay finite. A snapshot past it is an InputError at the edge
/// that passes it.
inline constexpr double kMaxTotalWeight = 1e100;

/// Builds a Snapshot record by record. Loaders validate field syntax (types,
/// label words, timestamps, finite weights) and name the field; the builder
/// checks what needs the whole picture: duplicate ids, self-loops, unknown
/// endpoints (at finish, since nodes may follow edges), activity length, and
/// merges duplicate edges. All errors are InputError with the record's place.
///
/// Memory: the model plus, until finish(), one 24-byte entry per edge for
/// endpoint resolution. Not thread-safe.
class SnapshotBuilder {
 public:
  explicit SnapshotBuilder(std::string file_name);
  ~SnapshotBuilder();
  SnapshotBuilder(SnapshotBuilder&&) noexcept;
  SnapshotBuilder& operator=(SnapshotBuilder&&) noexcept;

  /// Stops the load with ResourceLimitError (naming the file and the
  /// record) as soon as `model` projects more than `max_bytes` from the
  /// nodes, edges and activity values added so far; 0 = no limit.
  void set_memory_limit(std::uint64_t max_bytes, const MemoryModel& model);
  /// The file name used in error messages (changeable, e.g. nodes.csv vs edges.csv).
  void set_file(std::string file_name);
  /// Sets the header. May come after nodes (JSON keys are unordered); activity
  /// lengths are then checked at finish().
  void set_meta(const SnapshotMeta& meta);
  [[nodiscard]] bool has_meta() const noexcept;
  void reserve(std::size_t nodes, std::size_t edges);

  /// Adds a node. `activity` is the dense vector as given (nullptr = no
  /// `activity` key). Throws InputError on a duplicate id, an empty id, a
  /// bad type name, a label on a non-account, or a wrong activity length.
  NodeId add_node(const RecordRef& where, std::string_view id, std::string_view type, Label label,
                  Timestamp created_at, std::span<const AttrInput> attrs,
                  const std::vector<double>* activity);
  /// Adds an edge between ids that may be declared later. Throws InputError on
  /// a self-loop or a bad weight. Duplicates (same src, dst, type) are merged
  /// at finish(): weights summed, earliest first_seen, latest last_seen.
  void add_edge(const RecordRef& where, std::string_view src, std::string_view dst, std::string_view type,
                double weight, Timestamp first_seen, Timestamp last_seen);

  /// add_edge() between two nodes already added, named by their NodeId (no
  /// id lookup: for readers that resolve ids themselves, e.g. integer edge
  /// lists). Same checks, merging and errors as add_edge().
  void add_edge_nodes(const RecordRef& where, NodeId src, NodeId dst, std::string_view type, double weight,
                      Timestamp first_seen, Timestamp last_seen);
  /// A hint that `id` will be added or named by an edge soon: starts loading
  /// its place in the id index into the cache (no effect on the result).
  /// Loaders call it a few records ahead.
  void prefetch(std::string_view id) const noexcept;

  [[nodiscard]] std::uint64_t nodes_added() const noexcept;
  [[nodiscard]] std::uint64_t edges_added() const noexcept;
  /// Duplicate edges folded into earlier ones by the last finish().
  [[nodiscard]] std::uint64_t merged_edges() const noexcept;

  /// Resolves endpoints, merges duplicates, checks pending rules, and returns
  /// the model. Throws InputError naming the first offending record.
  [[nodiscard]] Snapshot finish();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace hydrascope
