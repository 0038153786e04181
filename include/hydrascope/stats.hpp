// Summary statistics of a loaded Snapshot (what `hydrascope inspect` prints):
// counts by type and label, the activity window, degree summaries and hubs
// per node type, connected components, and the model's memory.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "hydrascope/snapshot.hpp"
#include "hydrascope/types.hpp"

namespace hydrascope {

struct StatsOptions {
  /// Hubs listed per node type (0 = none). Range [0, 1'000'000].
  std::uint32_t top_k = 5;
  /// Throws std::invalid_argument naming a bad value.
  void validate() const;
};

/// A node with its degree.
struct Hub {
  NodeId node = kInvalidNode;
  std::string id;
  std::uint64_t degree = 0;
  friend bool operator==(const Hub&, const Hub&) = default;
};

/// Degrees of the nodes of one type. The degree of a node is the number of
/// snapshot edges touching it (edges of different types to the same
/// neighbour count separately). Quantiles are exact, nearest-rank: the
/// q-quantile of n sorted degrees is the ceil(q * n)-th smallest (so the
/// median of an even count is the lower middle value).
struct TypeStats {
  std::string type;                 ///< the snapshot's type string
  NodeKind kind = NodeKind::Other;
  std::uint64_t count = 0;          ///< nodes of this type
  std::uint64_t isolated = 0;       ///< of which with degree 0
  std::uint64_t degree_sum = 0;
  std::uint64_t max_degree = 0, median_degree = 0, p99_degree = 0;
  double mean_degree = 0.0;
  /// The top_k nodes of highest degree, by degree descending then NodeId ascending.
  std::vector<Hub> hubs;
};

struct EdgeTypeStats {
  std::string type;
  std::uint64_t count = 0;
  double weight_sum = 0.0;  ///< requests summed over these edges
};

/// Connected components of the snapshot graph (all edges, undirected; an
/// isolated node is a component of its own).
struct ComponentStats {
  std::uint64_t count = 0;
  std::uint64_t giant_size = 0;   ///< nodes in the largest component
  double giant_share = 0.0;       ///< giant_size / nodes (0 when there are no nodes)
  std::uint64_t singletons = 0;   ///< components of one node
};

struct SnapshotStats {
  SnapshotMeta meta;
  std::uint64_t nodes = 0, edges = 0;
  /// One entry per node type, in the snapshot's type order (first appearance).
  std::vector<TypeStats> node_types;
  /// One entry per edge type, in first-appearance order.
  std::vector<EdgeTypeStats> edge_types;
  /// Accounts per label, indexed by Label (Unknown, Banned, Suspect, Trusted).
  std::uint64_t labels[4] = {0, 0, 0, 0};
  /// The activity window: [meta.activity.start, activity_end); kNoTime if none.
  Timestamp activity_end = kNoTime;
  std::uint64_t nodes_with_activity = 0;
  double activity_total = 0.0;        ///< sum of every node's activity
  /// Range of the edges' first_seen / last_seen (kNoTime if none given).
  Timestamp earliest_first_seen = kNoTime, latest_last_seen = kNoTime;
  std::uint64_t nodes_with_attrs = 0;
  ComponentStats components;
  std::uint64_t memory_bytes = 0;     ///< Snapshot::memory_bytes()
  std::uint64_t mapped_bytes = 0;     ///< Snapshot::mapped_bytes()
};

/// Computes every statistic above. O(n + m) time (union-find with path
/// halving and union by size, nth_element for quantiles and hubs) and O(n)
/// extra memory. Deterministic. The empty snapshot gives all zeros.
[[nodiscard]] SnapshotStats compute_stats(const Snapshot& snapshot, const StatsOptions& options = {});

}  // namespace hydrascope
