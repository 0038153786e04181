// AnalysisGraph: the undirected weighted CSR that community detection and
// centralities run on, built from a Snapshot in linear time and memory; and
// Incidence: the raw node -> (neighbour, snapshot edge) index that scoring and
// inspect use, hubs included.
#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "hydrascope/snapshot.hpp"
#include "hydrascope/types.hpp"

namespace hydrascope {

/// An undirected weighted edge for AnalysisGraph::from_edges.
struct WeightedEdge {
  NodeId u = 0;
  NodeId v = 0;
  double w = 1.0;
};

/// How parallel edges between the same pair are combined.
enum class MultiEdge : std::uint8_t { Sum, Max };

/// Immutable, move-only undirected weighted CSR.
///
/// Invariants (validate()):
///  - offsets has n+1 entries, offsets[0] = 0, monotone, offsets[n] = 2m;
///  - each adjacency row is sorted by neighbour id, strictly (no multi-edges);
///  - no self-loops; every weight is finite and > 0;
///  - symmetric: v in N(u) with weight w  <=>  u in N(v) with weight w.
/// strength(v) = sum of row v's weights; total_weight() = sum over undirected
/// edges (each counted once), so sum of strengths = 2 * total_weight().
class AnalysisGraph {
 public:
  AnalysisGraph() = default;
  AnalysisGraph(AnalysisGraph&&) noexcept = default;
  AnalysisGraph& operator=(AnalysisGraph&&) noexcept = default;
  AnalysisGraph(const AnalysisGraph&) = delete;
  AnalysisGraph& operator=(const AnalysisGraph&) = delete;

  /// Builds from an edge list in O(n + m) time and memory (counting sort).
  /// Self-loops are dropped; pairs given more than once (either direction)
  /// are combined per `combine`. Throws std::invalid_argument on an endpoint
  /// >= n or a weight that is not finite and > 0.
  [[nodiscard]] static AnalysisGraph from_edges(NodeId n, std::span<const WeightedEdge> edges,
                                                MultiEdge combine = MultiEdge::Sum);
  /// Takes ready CSR arrays (already sorted, symmetric); checked by validate().
  [[nodiscard]] static AnalysisGraph from_csr(std::vector<EdgeId> offsets, std::vector<NodeId> targets,
                                              std::vector<double> weights);

  [[nodiscard]] NodeId num_nodes() const noexcept {
    return offsets_.empty() ? 0 : static_cast<NodeId>(offsets_.size() - 1);
  }
  /// Undirected edges (each counted once).
  [[nodiscard]] EdgeId num_edges() const noexcept { return targets_.size() / 2; }
  [[nodiscard]] EdgeId num_arcs() const noexcept { return targets_.size(); }
  [[nodiscard]] EdgeId degree(NodeId v) const noexcept { return offsets_[v + 1] - offsets_[v]; }
  [[nodiscard]] std::span<const NodeId> neighbors(NodeId v) const noexcept {
    return {targets_.data() + offsets_[v], static_cast<std::size_t>(degree(v))};
  }
  [[nodiscard]] std::span<const double> weights(NodeId v) const noexcept {
    return {weights_.data() + offsets_[v], static_cast<std::size_t>(degree(v))};
  }
  [[nodiscard]] double strength(NodeId v) const noexcept { return strength_[v]; }
  [[nodiscard]] double total_weight() const noexcept { return total_weight_; }

  [[nodiscard]] std::span<const EdgeId> offsets() const noexcept { return offsets_; }
  [[nodiscard]] std::span<const NodeId> targets() const noexcept { return targets_; }
  [[nodiscard]] std::span<const double> arc_weights() const noexcept { return weights_; }
  [[nodiscard]] std::span<const double> strengths() const noexcept { return strength_; }
  [[nodiscard]] std::size_t memory_bytes() const noexcept;

  /// Checks every invariant above; throws std::logic_error naming the first broken one.
  void validate() const;

 private:
  void finish_strengths();
  std::vector<EdgeId> offsets_;
  std::vector<NodeId> targets_;
  std::vector<double> weights_;
  std::vector<double> strength_;
  double total_weight_ = 0.0;
};

/// Where an analysis edge's base weight comes from.
enum class WeightSource : std::uint8_t {
  Unit,         ///< 1 per snapshot edge (structure only)
  LogRequests,  ///< 1 + ln(weight): requests matter, sub-linearly (default)
  Requests,     ///< the snapshot weight as is
};

/// Down-weighting of edges at shared entities by the entity's degree, in the
/// spirit of Adamic-Adar (1/log) and resource allocation (1/degree): a card
/// with 3 accounts is strong evidence of a tie, an IP with 50,000 is none.
enum class HubDamping : std::uint8_t {
  None,
  InvLog,   ///< w / ln(e + deg)
  InvSqrt,  ///< w / sqrt(deg)
  InvDegree ///< w / deg   (default: docs/community.md, "Why degree is the default")
};
/// The command-line name of a damping: none, log, sqrt or degree.
[[nodiscard]] std::string_view to_string(HubDamping d) noexcept;
/// The damping of a command-line name; std::invalid_argument naming
/// `option` and the valid names otherwise.
[[nodiscard]] HubDamping hub_damping_from(std::string_view name, std::string_view option = "damping");

/// Where the per-edge-type multipliers come from.
enum class TypeWeighting : std::uint8_t {
  Named,    ///< GraphOptions::type_weight by edge-type name, default_type_weight for the rest (default)
  Uniform,  ///< every type 1 (type_weight is not read)
  Spread,   ///< every type 1, and each account spreads one unit per edge type: an edge of type t
            ///< at account u is divided by k(u, t), the edges of type t at u in the analysis graph
            ///< (an account-to-account edge by k(u, t) k(v, t)); no type is named (docs/community.md)
  Balanced, ///< every type t divided by the mean of k(u, t) over the accounts that have a type-t
            ///< edge (squared for account-to-account types): on average each type gives an
            ///< account one unit, accounts with more edges of a type keep their surplus
};
/// The command-line name of a type weighting: named, uniform, spread or balanced.
[[nodiscard]] std::string_view to_string(TypeWeighting t) noexcept;
/// The type weighting of a command-line name; std::invalid_argument naming
/// `option` and the valid names otherwise.
[[nodiscard]] TypeWeighting type_weighting_from(std::string_view name, std::string_view option = "type_weighting");

/// How the Snapshot becomes the AnalysisGraph.
struct GraphOptions {
  WeightSource weight_source = WeightSource::LogRequests;
  HubDamping damping = HubDamping::InvDegree;
  /// Non-account nodes with more distinct neighbours than this keep their
  /// node but lose all analysis edges (left out of community search, kept for
  /// scoring through Incidence). 0 = no cap.
  std::uint32_t degree_cap = 5000;
  /// Where the edge-type multipliers come from (type_weight below is read only by Named).
  TypeWeighting type_weighting = TypeWeighting::Named;
  /// Multiplier per edge type name (e.g. {"paid_with", 3.0}); others get default_type_weight.
  std::map<std::string, double, std::less<>> type_weight = default_type_weights();
  double default_type_weight = 1.0;
  /// How two snapshot edges between the same pair combine.
  MultiEdge combine = MultiEdge::Sum;

  [[nodiscard]] static std::map<std::string, double, std::less<>> default_type_weights();
  /// Plain structure: unit weights, no damping, no cap, parallel edges collapsed (for reference graphs).
  [[nodiscard]] static GraphOptions structural();
  /// Throws std::invalid_argument naming a bad value.
  void validate() const;
};

/// What build_analysis_graph did.
struct GraphBuildReport {
  std::uint64_t excluded_hubs = 0;        ///< nodes whose edges were dropped by degree_cap
  std::uint64_t excluded_edges = 0;       ///< snapshot edges dropped with them
  std::vector<NodeId> excluded;           ///< those nodes, ascending
  double seconds = 0.0;
};

/// Node -> incident snapshot edges, hubs included, both directions.
/// Row v lists (neighbour, snapshot edge id) pairs sorted by neighbour then edge.
struct Incidence {
  std::vector<EdgeId> offsets;   ///< n+1
  std::vector<NodeId> neighbor;  ///< 2 * num_edges
  std::vector<EdgeId> edge;      ///< snapshot edge id of each entry
  [[nodiscard]] EdgeId degree(NodeId v) const noexcept { return offsets[v + 1] - offsets[v]; }
  [[nodiscard]] std::span<const NodeId> neighbors(NodeId v) const noexcept {
    return {neighbor.data() + offsets[v], static_cast<std::size_t>(degree(v))};
  }
  [[nodiscard]] std::span<const EdgeId> edges(NodeId v) const noexcept {
    return {edge.data() + offsets[v], static_cast<std::size_t>(degree(v))};
  }
};

/// O(n + m).
[[nodiscard]] Incidence build_incidence(const Snapshot& snapshot);

/// Number of distinct neighbours of every node (parallel edges of different
/// types count once). O(n + m) given the incidence.
[[nodiscard]] std::vector<std::uint32_t> distinct_degrees(const Incidence& incidence);

/// Snapshot -> AnalysisGraph per options, O(n + m) time and memory. Every
/// snapshot node is a graph node with the same NodeId.
[[nodiscard]] AnalysisGraph build_analysis_graph(const Snapshot& snapshot, const GraphOptions& options = {},
                                                 GraphBuildReport* report = nullptr);

}  // namespace hydrascope
