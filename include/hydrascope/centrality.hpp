// Node centralities on the AnalysisGraph: weighted PageRank, personalized
// PageRank from labelled accounts, weighted degree, k-core numbers and
// betweenness (exact or sampled with an error bound). Used by scoring.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "hydrascope/common.hpp"
#include "hydrascope/graph.hpp"
#include "hydrascope/snapshot.hpp"
#include "hydrascope/types.hpp"

namespace hydrascope {

/// A per-node score with the diagnostics of the iteration that made it.
struct CentralityResult {
  /// One value per node (index = NodeId).
  std::vector<double> values;
  /// Sweeps run (0 for non-iterative measures).
  int iterations = 0;
  /// L1 change of the last sweep, sum_v |x_k(v) - x_{k-1}(v)| (0 when not iterative).
  double residual = 0.0;
  /// True when the stopping rule was met: the last change and the error it
  /// implies are <= tolerance (always true for non-iterative measures).
  bool converged = true;
  /// Threads actually used.
  int threads = 1;
  double seconds = 0.0;
  /// Empty, or why the result is degenerate (e.g. "no seeds: all zeros").
  std::string note;
};

/// Node order of the PageRank sweep (the result is the same vector up
/// to rounding in the last bits; each ordering is deterministic on its own).
enum class PageRankOrdering : std::uint8_t {
  Auto,              ///< DegreeDescending from 2^18 nodes on, else Natural (default)
  Natural,           ///< node ids as they are
  DegreeDescending,  ///< relabel by degree, highest first (O(n + m) copy of the CSR,
                     ///< pays for itself on large skewed graphs: better cache reuse)
};

/// Options of pagerank() and personalized_pagerank().
struct PageRankOptions {
  /// Damping alpha in [0, 1): probability of following an edge (1 - alpha = restart).
  double damping = 0.85;
  /// Stop when the L1 distance to the fixed point, estimated from the last two
  /// sweeps (change x rho / (1 - rho), rho = change / previous change), and the
  /// change itself are <= tolerance. > 0.
  double tolerance = 1e-9;
  /// Upper bound on sweeps. >= 1; the default 200 reaches 1e-9 at alpha = 0.85
  /// with room to spare (docs/centrality.md).
  int max_iterations = 200;
  /// Worker threads; 0 = all available (OpenMP). Results do not depend on it.
  int threads = 0;
  PageRankOrdering ordering = PageRankOrdering::Auto;
  /// Called after each sweep with stage "pagerank" (or "ppr"), the sweeps
  /// done and the sweeps expected: min(max_iterations,
  /// ceil(ln(tolerance / 2) / (2 ln(alpha)))), the rate on a bipartite graph
  /// (raised when a sweep goes past it); never from a parallel region.
  ProgressFn progress;
  /// Checked after each iteration; throws Cancelled when set.
  CancelToken cancel;
  /// Throws std::invalid_argument naming the bad value.
  void validate() const;
};

/// Weighted PageRank (Brin & Page 1998):
///   x' (v) = (1 - alpha) / n + alpha * [ sum_{u in N(v)} w_uv / s(u) * x(u) + D / n ],
/// where s(u) is u's strength and D = sum of x over dangling nodes (strength 0),
/// redistributed uniformly. Starts from x = 1/n; red-black Gauss-Seidel sweeps
/// (two colours by BFS parity, each updated from the other's latest values,
/// then the sum put back to 1) until the tolerance is met or max_iterations.
/// Values sum to 1. Pull-based parallel sweep over the CSR, no atomics; each
/// node's sum and the global residual are summed in a fixed order, so results
/// are bit-identical for any thread count. O(n + m) per sweep; extra memory
/// O(n), plus a relabelled copy of the CSR (O(n + m)) when the ordering is
/// DegreeDescending.
/// Empty graph -> empty values, iterations 0, converged true.
[[nodiscard]] CentralityResult pagerank(const AnalysisGraph& g, const PageRankOptions& options = {});

/// Personalized PageRank (Haveliwala 2002): as pagerank() but restarts (and
/// dangling mass) go uniformly to `seeds` instead of all nodes:
///   x'(v) = (1 - alpha) p(v) + alpha * [ sum_u w_uv / s(u) x(u) + D p(v) ],  p = 1/|S| on S.
/// Duplicate seeds count once. No seeds -> all zeros, converged true, note set.
/// Throws std::invalid_argument for a seed >= n.
[[nodiscard]] CentralityResult personalized_pagerank(const AnalysisGraph& g, std::span<const NodeId> seeds,
                                                     const PageRankOptions& options = {});

/// PageRank and personalized PageRank from `seeds`, computed together: one
/// sweep gathers both vectors (side by side in memory, so one cache miss
/// serves both) and the graph is relabelled once. Each result is bit for bit
/// that of pagerank() and personalized_pagerank() alone (a vector that has
/// converged is left as it is while the other goes on).
struct PageRankPair {
  CentralityResult pagerank;
  CentralityResult ppr;
};
[[nodiscard]] PageRankPair pagerank_and_personalized(const AnalysisGraph& g, std::span<const NodeId> seeds,
                                                     const PageRankOptions& options = {});

/// Accounts labelled banned or suspect, ascending: the seeds of personalized_pagerank().
[[nodiscard]] std::vector<NodeId> seed_nodes(const Snapshot& snapshot);

/// Strength s(v) = sum of v's edge weights (weighted degree). O(n).
[[nodiscard]] std::vector<double> weighted_degree(const AnalysisGraph& g);

/// k-core decomposition (Batagelj & Zaversnik 2003) on the unweighted structure.
struct CoreResult {
  /// core[v] = largest k such that v belongs to the k-core (the maximal
  /// subgraph in which every node has >= k neighbours). Isolated nodes: 0.
  std::vector<std::uint32_t> core;
  /// max over core[] (0 for an empty or edgeless graph).
  std::uint32_t degeneracy = 0;
  double seconds = 0.0;
};

/// Core numbers of every node, O(n + m) (bucket algorithm). Empty graph -> empty.
[[nodiscard]] CoreResult core_numbers(const AnalysisGraph& g);

/// Nodes of the k-core (core[v] >= k), ascending.
[[nodiscard]] std::vector<NodeId> k_core(const CoreResult& cores, std::uint32_t k);

/// How betweenness is computed.
enum class BetweennessMode : std::uint8_t {
  Auto,     ///< Exact when n <= exact_threshold, else Sampled.
  Exact,    ///< Brandes 2001 over all sources (Boost.Graph), O(n m).
  Sampled,  ///< Brandes accumulation from k random sources, scaled by n / k.
};

/// Options of betweenness().
struct BetweennessOptions {
  BetweennessMode mode = BetweennessMode::Auto;
  /// Auto: exact at or below this many nodes. >= 0.
  NodeId exact_threshold = 5000;
  /// Sampled: number of sources k; 0 = derive from epsilon and delta:
  ///   k = ceil( ln(2 n / delta) / (2 epsilon'^2) ), epsilon' = epsilon (n - 1) / n
  /// (Hoeffding + union bound over the n nodes). When k >= n the exact
  /// computation runs instead (it is cheaper and has no error).
  std::uint32_t samples = 0;
  /// Sampled: additive error bound on the normalised value, in (0, 1).
  double epsilon = 0.1;
  /// Sampled: failure probability of the bound, in (0, 1).
  double delta = 0.1;
  /// The only source of randomness (which sources are sampled).
  std::uint64_t seed = 1;
  /// Worker threads; 0 = all available. Results do not depend on it.
  int threads = 0;
  /// Called with stage "betweenness", the sources done and the sources in
  /// all (n when exact) every few sources; never from a parallel region.
  ProgressFn progress;
  /// Checked between rounds of sources; throws Cancelled when set.
  CancelToken cancel;
  /// Throws std::invalid_argument naming the bad value.
  void validate() const;
};

/// Betweenness with its diagnostics.
struct BetweennessResult {
  /// Raw betweenness of every node on the undirected, unweighted graph (hop-count
  /// shortest paths): b(v) = sum over unordered pairs {s, t}, s != v != t, of
  /// sigma_st(v) / sigma_st. Normalised value = b(v) / ((n - 1)(n - 2) / 2).
  std::vector<double> values;
  bool exact = true;
  /// Sources used (n when exact).
  std::uint32_t sources = 0;
  /// Sampled: with probability >= 1 - delta every normalised value is within
  /// epsilon of the exact one (0 / 0 when exact). When `samples` was given,
  /// epsilon is the bound implied by it.
  double epsilon = 0.0;
  double delta = 0.0;
  int threads = 1;
  double seconds = 0.0;
};

/// Betweenness centrality (Brandes 2001; sampling as Brandes & Pich 2007, with
/// a Hoeffding bound). Sampled results depend only on the seed and options,
/// never on the thread count. Empty graph -> empty values.
[[nodiscard]] BetweennessResult betweenness(const AnalysisGraph& g, const BetweennessOptions& options = {});

/// Normalises raw betweenness to [0, 1] by (n - 1)(n - 2) / 2 (no-op for n < 3).
[[nodiscard]] std::vector<double> normalized_betweenness(std::span<const double> raw);

}  // namespace hydrascope
