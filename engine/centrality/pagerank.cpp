// Weighted PageRank and personalized PageRank: a pull-based power iteration
// over the CSR, fused so that one sweep reads each arc once and writes x and
// the next iteration's scaled vector x / s. Deterministic for any thread count.
#include <algorithm>
#include <chrono>
#include <span>
#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include "centrality_impl.hpp"
#include "hydrascope/centrality.hpp"

namespace hydrascope {

void PageRankOptions::validate() const {
  if (!(damping >= 0.0 && damping < 1.0))
    throw std::invalid_argument("PageRankOptions.damping must be in [0, 1), got " + std::to_string(damping));
  if (!(tolerance > 0.0) || !std::isfinite(tolerance))
    throw std::invalid_argument("PageRankOptions.tolerance must be finite and > 0, got " + std::to_string(tolerance));
  if (max_iterations < 1)
    throw std::invalid_argument("PageRankOptions.max_iterations must be >= 1, got " + std::to_string(max_iterations));
  if (threads < 0) throw std::invalid_argument("PageRankOptions.threads must be >= 0, got " + std::to_string(threads));
  if (ordering != PageRankOrdering::Auto && ordering != PageRankOrdering::Natural &&
      ordering != PageRankOrdering::DegreeDescending)
    throw std::invalid_argument("PageRankOptions.ordering is not a known ordering");
}

namespace {

// Nodes per reduction block: partial sums are kept per block and added in
// block order, so the totals do not depend on how blocks map to threads.
constexpr NodeId kBlock = 4096;
// Auto ordering relabels by degree from this many nodes on (below it the
// gathered vector fits in the caches and relabelling would not pay).
constexpr NodeId kReorderMinNodes = NodeId{1} << 18;
constexpr NodeId kParallelMinNodes = NodeId{1} << 15;
// Prefetch distance in arcs (measured on a 3.5 M-node R-MAT graph: 64 beats 0, 16 and 32).
constexpr EdgeId kPrefetch = 64;

inline void prefetch(const double* p) {
#if defined(__GNUC__) || defined(__clang__)
  __builtin_prefetch(p);
#else
  (void)p;
#endif
}

// A CSR in some node order: the natural one (views of g) or a relabelled copy.
struct Csr {
  std::span<const EdgeId> offsets;
  std::span<const NodeId> targets;
  std::span<const double> weights;
  std::span<const double> strengths;
  // storage when relabelled
  detail::BigVector<EdgeId> own_offsets;
  detail::BigVector<NodeId> own_targets;
  detail::BigVector<double> own_weights, own_strengths;
};

// Nodes by degree, highest first, ties by id (counting sort, O(n + max degree)).
// On skewed graphs the hot entries of the gathered vector then share cache
// lines, which is most of the per-iteration cost (see docs/performance.md).
detail::BigVector<NodeId> degree_order(const AnalysisGraph& g) {
  const NodeId n = g.num_nodes();
  EdgeId max_deg = 0;
  for (NodeId v = 0; v < n; ++v) max_deg = std::max(max_deg, g.degree(v));
  std::vector<NodeId> start(max_deg + 2, 0);
  for (NodeId v = 0; v < n; ++v) ++start[max_deg - g.degree(v) + 1];
  for (EdgeId d = 1; d < start.size(); ++d) start[d] += start[d - 1];
  detail::BigVector<NodeId> order(n);
  for (NodeId v = 0; v < n; ++v) order[start[max_deg - g.degree(v)]++] = v;
  return order;
}

// g relabelled so that new node i is old node order[i]; rows keep their old
// neighbour order (a fixed order, so sums stay deterministic).
void relabel(const AnalysisGraph& g, const detail::BigVector<NodeId>& order, int threads, Csr& out) {
  const NodeId n = g.num_nodes();
  detail::BigVector<NodeId> rank(n);
  for (NodeId i = 0; i < n; ++i) rank[order[i]] = i;
  out.own_offsets.assign(static_cast<std::size_t>(n) + 1, 0);
  out.own_strengths.resize(n);
  for (NodeId i = 0; i < n; ++i) {
    out.own_offsets[i + 1] = out.own_offsets[i] + g.degree(order[i]);
    out.own_strengths[i] = g.strength(order[i]);
  }
  out.own_targets.resize(g.num_arcs());
  out.own_weights.resize(g.num_arcs());
#pragma omp parallel for schedule(dynamic, 1024) num_threads(threads)
  for (std::int64_t i = 0; i < static_cast<std::int64_t>(n); ++i) {
    const NodeId old = order[i];
    const auto nb = g.neighbors(old);
    const auto ws = g.weights(old);
    EdgeId e = out.own_offsets[i];
    for (std::size_t j = 0; j < nb.size(); ++j, ++e) {
      out.own_targets[e] = rank[nb[j]];
      out.own_weights[e] = ws[j];
    }
  }
  out.offsets = out.own_offsets;
  out.targets = out.own_targets;
  out.weights = out.own_weights;
  out.strengths = out.own_strengths;
}

// p == empty: uniform restart 1/n; else restart vector p (sums to 1).
CentralityResult power_iteration(const AnalysisGraph& g, const std::vector<double>& p_in,
                                 const PageRankOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  CentralityResult result;
  const NodeId n = g.num_nodes();
  // Small graphs run serially: a parallel region per iteration costs more
  // than the sweep (the result is the same for any thread count).
  const int threads = n < kParallelMinNodes ? 1 : detail::resolve_threads(options.threads);
  result.threads = threads;
  if (n == 0) {
    result.seconds = detail::seconds_since(start);
    return result;
  }
  const bool reorder = options.ordering == PageRankOrdering::DegreeDescending ||
                       (options.ordering == PageRankOrdering::Auto && n >= kReorderMinNodes);
  Csr csr;
  detail::BigVector<NodeId> order;
  std::vector<double> p_relabelled;
  if (reorder) {
    order = degree_order(g);
    relabel(g, order, threads, csr);
    if (!p_in.empty()) {
      p_relabelled.resize(n);
      for (NodeId i = 0; i < n; ++i) p_relabelled[i] = p_in[order[i]];
    }
  } else {
    csr.offsets = g.offsets();
    csr.targets = g.targets();
    csr.weights = g.arc_weights();
    csr.strengths = g.strengths();
  }
  const std::vector<double>& p = reorder ? p_relabelled : p_in;
  const bool uniform = p.empty();
  const double alpha = options.damping;
  const double inv_n = 1.0 / static_cast<double>(n);
  const auto offsets = csr.offsets;
  const auto targets = csr.targets;
  const auto weights = csr.weights;
  const auto strengths = csr.strengths;

  detail::BigVector<double> inv_s(n);
  for (NodeId v = 0; v < n; ++v) inv_s[v] = strengths[v] > 0.0 ? 1.0 / strengths[v] : 0.0;

  // x0: the restart vector (uniform 1/n for plain PageRank).
  detail::BigVector<double> x(n), x_next(n), scaled(n), scaled_next(n);
  for (NodeId v = 0; v < n; ++v) x[v] = uniform ? inv_n : p[v];
  double dangling = 0.0;
  for (NodeId v = 0; v < n; ++v) {
    scaled[v] = x[v] * inv_s[v];
    if (strengths[v] <= 0.0) dangling += x[v];
  }

  const auto num_blocks = static_cast<std::int64_t>((n + kBlock - 1) / kBlock);
  std::vector<double> block_residual(num_blocks), block_dangling(num_blocks);

  int it = 0;
  double residual = 0.0;
  bool converged = false;
  // Iterations expected: the L1 change is at most 2 alpha^k after k.
  std::uint64_t expected = static_cast<std::uint64_t>(options.max_iterations);
  if (alpha > 0.0 && alpha < 1.0)
    expected = std::min<std::uint64_t>(
        expected, static_cast<std::uint64_t>(std::max(1.0, std::ceil(std::log(options.tolerance / 2.0) / std::log(alpha)))));
  const char* stage = uniform ? "pagerank" : "ppr";
  if (options.progress) options.progress(stage, 0, expected);
  while (it < options.max_iterations) {
    if (options.cancel.cancelled()) throw Cancelled();
    // Mass to restart: (1 - alpha) always, plus alpha * the dangling mass.
    const double restart = (1.0 - alpha) + alpha * dangling;
    const double uniform_base = restart * inv_n;
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads)
    for (std::int64_t b = 0; b < num_blocks; ++b) {
      const NodeId lo = static_cast<NodeId>(b) * kBlock;
      const NodeId hi = std::min<NodeId>(n, lo + kBlock);
      double res = 0.0, dang = 0.0;
      const EdgeId block_end = offsets[hi];
      for (NodeId v = lo; v < hi; ++v) {
        double sum = 0.0;
        for (EdgeId e = offsets[v]; e < offsets[v + 1]; ++e) {
          // The gathers scaled[u] miss the caches on large graphs: ask for the
          // one kPrefetch arcs ahead so that many misses are in flight at once.
          if (e + kPrefetch < block_end) prefetch(&scaled[targets[e + kPrefetch]]);
          sum += weights[e] * scaled[targets[e]];
        }
        const double xv = (uniform ? uniform_base : restart * p[v]) + alpha * sum;
        res += std::abs(xv - x[v]);
        x_next[v] = xv;
        scaled_next[v] = xv * inv_s[v];
        if (inv_s[v] == 0.0) dang += xv;
      }
      block_residual[b] = res;
      block_dangling[b] = dang;
    }
    residual = 0.0;
    dangling = 0.0;
    for (std::int64_t b = 0; b < num_blocks; ++b) {
      residual += block_residual[b];
      dangling += block_dangling[b];
    }
    x.swap(x_next);
    scaled.swap(scaled_next);
    ++it;
    if (residual <= options.tolerance) {
      converged = true;
      break;
    }
    if (options.progress) {
      expected = std::max<std::uint64_t>(expected, static_cast<std::uint64_t>(it) + 1);
      options.progress(stage, static_cast<std::uint64_t>(it), expected);
    }
  }
  if (options.progress) options.progress(stage, static_cast<std::uint64_t>(it), static_cast<std::uint64_t>(it));
  result.values.resize(n);
  if (reorder) {
    for (NodeId i = 0; i < n; ++i) result.values[order[i]] = x[i];
  } else {
    std::copy(x.begin(), x.end(), result.values.begin());
  }
  result.iterations = it;
  result.residual = residual;
  result.converged = converged;
  result.seconds = detail::seconds_since(start);
  return result;
}

}  // namespace

CentralityResult pagerank(const AnalysisGraph& g, const PageRankOptions& options) {
  options.validate();
  return power_iteration(g, {}, options);
}

CentralityResult personalized_pagerank(const AnalysisGraph& g, std::span<const NodeId> seeds,
                                       const PageRankOptions& options) {
  options.validate();
  const NodeId n = g.num_nodes();
  std::vector<char> is_seed(n, 0);
  std::size_t count = 0;
  for (const NodeId s : seeds) {
    if (s >= n)
      throw std::invalid_argument("personalized_pagerank: seed " + std::to_string(s) + " >= number of nodes " +
                                  std::to_string(n));
    if (!is_seed[s]) {
      is_seed[s] = 1;
      ++count;
    }
  }
  if (count == 0) {
    CentralityResult result;
    result.values.assign(n, 0.0);
    result.threads = detail::resolve_threads(options.threads);
    result.note = "no seeds: all zeros";
    return result;
  }
  std::vector<double> p(n, 0.0);
  const double share = 1.0 / static_cast<double>(count);
  for (NodeId v = 0; v < n; ++v)
    if (is_seed[v]) p[v] = share;
  return power_iteration(g, p, options);
}

std::vector<NodeId> seed_nodes(const Snapshot& snapshot) {
  std::vector<NodeId> seeds;
  for (NodeId v = 0; v < snapshot.num_nodes(); ++v) {
    if (snapshot.kind(v) != NodeKind::Account) continue;
    const Label l = snapshot.label(v);
    if (l == Label::Banned || l == Label::Suspect) seeds.push_back(v);
  }
  return seeds;
}

std::vector<double> weighted_degree(const AnalysisGraph& g) {
  const auto s = g.strengths();
  return {s.begin(), s.end()};
}

}  // namespace hydrascope
