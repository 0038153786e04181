// Community detection on the AnalysisGraph: Leiden (parallel, deterministic),
// Louvain, label propagation and connected components behind one interface,
// plus the quality functions (modularity, CPM) kept apart from the search.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "hydrascope/common.hpp"
#include "hydrascope/graph.hpp"
#include "hydrascope/partition.hpp"
#include "hydrascope/types.hpp"

namespace hydrascope {

/// Which search runs; chosen by one switch in detect_communities().
enum class Algorithm : std::uint8_t {
  Leiden,            ///< Traag, Waltman & van Eck 2019 (default)
  Louvain,           ///< Blondel et al. 2008 (Leiden without refinement)
  LabelPropagation,  ///< Raghavan, Albert & Kumara 2007 (weighted, seeded)
  Components,        ///< connected components (Boost.Graph)
};

/// What the search optimises (and what CommunityResult::quality reports).
///  - Modularity: Q = sum_c [ w_c / m - resolution * (K_c / 2m)^2 ], where w_c is
///    the weight of edges inside c, K_c the sum of strengths in c and m the total
///    edge weight (Newman & Girvan 2004; resolution as Reichardt & Bornholdt 2006).
///    In [-1/2, 1); 0 for a graph without edges.
///  - Cpm: H = sum_c [ w_c - resolution * n_c (n_c - 1) / 2 ] with n_c the number
///    of nodes in c (constant Potts model, Traag, Van Dooren & Nesterov 2011);
///    unnormalised, as libleidenalg reports it.
enum class QualityFunction : std::uint8_t { Modularity, Cpm };

[[nodiscard]] std::string_view to_string(Algorithm algorithm) noexcept;
[[nodiscard]] std::string_view to_string(QualityFunction quality) noexcept;
/// Parses `leiden|louvain|lpa|components`; nullopt otherwise.
[[nodiscard]] std::optional<Algorithm> parse_algorithm(std::string_view text) noexcept;
/// Parses `modularity|cpm`; nullopt otherwise.
[[nodiscard]] std::optional<QualityFunction> parse_quality(std::string_view text) noexcept;

/// Options of detect_communities().
struct CommunityOptions {
  Algorithm algorithm = Algorithm::Leiden;
  QualityFunction quality = QualityFunction::Modularity;
  /// Resolution gamma >= 0 (modularity: 1 = classic; CPM: density threshold).
  double resolution = 1.0;
  /// The only source of randomness (node order, refinement choices, LPA order).
  std::uint64_t seed = 1;
  /// Worker threads; 0 = all available (OpenMP). The partition depends only on
  /// the seed and this number (Leiden, Louvain, LPA); components ignore it.
  int threads = 0;
  /// Leiden / Louvain: maximum outer iterations (each = local moving,
  /// refinement, aggregation down to a fixed point, then restart from the
  /// finest level with the found partition). Stops earlier once an iteration
  /// changes nothing. Default 2, as igraph and leidenalg; 10 or more runs to a
  /// fixed point on most graphs. LPA: at most 10 * max_iterations sweeps. >= 1.
  int max_iterations = 2;
  /// Maximum aggregation levels per iteration. >= 1.
  int max_levels = 64;
  /// Leiden refinement randomness theta (0 = greedy: always the best merge).
  double randomness = 0.01;
  /// Warm start (Leiden, Louvain, LPA): the partition the search starts from,
  /// one label per node (any values; equal labels start in one community;
  /// kNoCommunity = the node starts alone), for example the previous run's
  /// communities (docs/tracking.md). Empty = every node starts alone (the
  /// classic start). A view: the labels must outlive the call. Must be empty
  /// or hold exactly g.num_nodes() labels (detect_communities() throws
  /// std::invalid_argument otherwise). The search is the same from there:
  /// nodes move when that gains quality, so a starting community that is not
  /// connected is taken apart in the first round. Components ignore it.
  std::span<const CommunityId> initial;
  /// Progress callback (called between phases, never from a parallel region) and cancel flag.
  ProgressFn progress;
  CancelToken cancel;

  /// Presets.
  [[nodiscard]] static CommunityOptions leiden_modularity(double resolution = 1.0);
  [[nodiscard]] static CommunityOptions leiden_cpm(double resolution);
  [[nodiscard]] static CommunityOptions components();
  /// Throws std::invalid_argument naming the bad value.
  void validate() const;
};

/// Seconds spent per phase (summed over levels and iterations).
struct PhaseSeconds {
  double local_moving = 0.0;
  double refinement = 0.0;
  double aggregation = 0.0;
  double total = 0.0;
};

/// What detect_communities() found, with diagnostics.
struct CommunityResult {
  /// Canonical ids (see canonicalize()).
  Partition partition;
  /// The chosen quality function evaluated on `partition` (serially, from scratch).
  double quality = 0.0;
  /// Aggregation levels in the last iteration (1 = no aggregation happened).
  int levels = 0;
  /// Outer iterations run (LPA: sweeps).
  int iterations = 0;
  /// True when the last iteration changed nothing (false when max_iterations cut it).
  bool converged = false;
  /// Node moves in local moving, over all levels and iterations.
  std::uint64_t moves = 0;
  /// Threads actually used.
  int threads = 1;
  PhaseSeconds seconds;
};

/// Finds communities of g per options.
///
/// Leiden: local moving with a queue of nodes to visit, processed in parallel
/// in deterministic rounds (moves decided against community totals frozen at
/// the start of the round, then applied in node order); refinement inside each
/// community merges singletons into well-connected sub-communities (so every
/// community is connected); aggregation of the refined partition into a new
/// CSR; repeat until no node moves. Expected O(m) per level, O(m log n) in
/// practice; memory O(n + m). Every step is linear in a node's degree (a hub
/// with 100,000 neighbours costs 100,000, never its square).
/// Empty graph -> empty partition, quality 0. Nodes without edges -> singletons.
/// Same seed and threads -> the same partition.
/// Throws std::invalid_argument for invalid options; Cancelled when cancelled.
[[nodiscard]] CommunityResult detect_communities(const AnalysisGraph& g, const CommunityOptions& options = {});

/// Modularity of p on g (formula at QualityFunction), computed serially from
/// scratch in O(n + m). 0 for a graph without edges. Throws std::invalid_argument
/// if p does not cover g's nodes.
[[nodiscard]] double modularity(const AnalysisGraph& g, const Partition& p, double resolution = 1.0);
/// CPM quality of p on g (formula at QualityFunction), O(n + m).
[[nodiscard]] double cpm_quality(const AnalysisGraph& g, const Partition& p, double resolution = 1.0);
/// The quality function chosen in options (modularity or CPM).
[[nodiscard]] double quality(const AnalysisGraph& g, const Partition& p, QualityFunction quality,
                             double resolution = 1.0);

/// Connected components (Boost.Graph), canonical ids; isolated nodes are
/// singletons. O(n + m).
[[nodiscard]] Partition connected_components(const AnalysisGraph& g);

/// Normalised mutual information between two labelings of the same nodes
/// (arithmetic-mean normalisation, as igraph's compare(method="nmi")):
/// NMI = 2 I(A;B) / (H(A) + H(B)); 1 when both are a single cluster.
/// Throws std::invalid_argument on different lengths. O(n log n).
[[nodiscard]] double normalized_mutual_information(const std::vector<std::uint64_t>& a,
                                                   const std::vector<std::uint64_t>& b);
[[nodiscard]] double normalized_mutual_information(const Partition& a, const Partition& b);

/// True if every community of p induces a connected subgraph of g. O(n + m).
[[nodiscard]] bool communities_connected(const AnalysisGraph& g, const Partition& p);

}  // namespace hydrascope
