// Weighted PageRank and personalized PageRank: red-black Gauss-Seidel sweeps
// over the CSR (pull-based, one read of each arc per sweep, one or two
// vectors at once). Deterministic for any thread count.
#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
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
// Largest contraction per sweep trusted in the stopping estimate (a larger
// observed ratio is a sweep that barely moved: wait for more).
constexpr double kMaxContraction = 0.99;

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

// Two colours by BFS parity, lowest unvisited node first in each component.
// Exact on bipartite graphs (accounts and the entities they use); elsewhere
// some arcs join nodes of one colour, and the sweep treats those as the
// power iteration does (it reads the colour's values of the previous sweep).
// `inner[c]` tells whether any arc joins two nodes of colour c: every arc is
// looked at from the node the BFS pops, when both ends have their colour.
struct Colouring {
  std::vector<std::uint8_t> colour;
  bool inner[2] = {false, false};
};

Colouring bfs_colours(const AnalysisGraph& g) {
  const NodeId n = g.num_nodes();
  constexpr std::uint8_t kUnseen = 2;
  Colouring out;
  std::vector<std::uint8_t>& colour = out.colour;
  colour.assign(n, kUnseen);
  std::vector<NodeId> queue;
  queue.reserve(n);
  for (NodeId s = 0; s < n; ++s) {
    if (colour[s] != kUnseen) continue;
    colour[s] = 0;
    std::size_t head = queue.size();
    queue.push_back(s);
    for (; head < queue.size(); ++head) {
      const NodeId u = queue[head];
      const auto next = static_cast<std::uint8_t>(colour[u] ^ 1U);
      for (const NodeId w : g.neighbors(u)) {
        if (colour[w] == kUnseen) {
          colour[w] = next;
          queue.push_back(w);
        } else if (colour[w] == colour[u]) {
          out.inner[colour[u]] = true;
        }
      }
    }
  }
  return out;
}

// Nodes by colour, then by degree, highest first, then by id (counting sort,
// O(n + max degree)). On skewed graphs the hot entries of the gathered vector
// then share cache lines, which is most of the per-iteration cost (see
// docs/performance.md), and each colour is one range of the new labels.
detail::BigVector<NodeId> colour_degree_order(const AnalysisGraph& g, const std::vector<std::uint8_t>& colour) {
  const NodeId n = g.num_nodes();
  EdgeId max_deg = 0;
  for (NodeId v = 0; v < n; ++v) max_deg = std::max(max_deg, g.degree(v));
  const auto key = [&](NodeId v) { return colour[v] * (max_deg + 1) + (max_deg - g.degree(v)); };
  std::vector<NodeId> start(2 * (max_deg + 1) + 1, 0);
  for (NodeId v = 0; v < n; ++v) ++start[key(v) + 1];
  for (std::size_t d = 1; d < start.size(); ++d) start[d] += start[d - 1];
  detail::BigVector<NodeId> order(n);
  for (NodeId v = 0; v < n; ++v) order[start[key(v)]++] = v;
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

// The nodes of one colour in the working labels, cut into blocks of kBlock.
struct Phase {
  std::vector<NodeId> nodes;
  std::int64_t blocks = 0;
  // No arc joins two nodes of this colour (so on a bipartite graph, both):
  // its new values can overwrite the old ones as they are computed.
  bool in_place = true;
};

// One sweep's update of the nodes of one colour for K vectors at once: the
// K values of a node lie side by side in `scaled`, so one gather serves them
// all. A vector that has converged (active[k] false) is left as it is, so each
// vector's result is what a run of it alone gives, bit for bit.
template <int K>
void sweep_colour(const Csr& csr, const Phase& ph, const double* restart_base, const std::vector<const double*>& p,
                  const bool* active, double alpha, const detail::BigVector<double>& inv_s, const double* scaled,
                  detail::BigVector<double>& x, double* scaled_next, std::vector<double>& block_residual,
                  std::vector<double>& block_dangling, std::vector<double>& block_mass, int threads) {
  const auto offsets = csr.offsets;
  const auto targets = csr.targets;
  const auto weights = csr.weights;
  const EdgeId num_arcs = offsets.back();
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads)
  for (std::int64_t b = 0; b < ph.blocks; ++b) {
    const std::size_t lo = static_cast<std::size_t>(b) * kBlock;
    const std::size_t hi = std::min<std::size_t>(ph.nodes.size(), lo + kBlock);
    double res[K] = {}, dang[K] = {}, mass[K] = {};
    for (std::size_t i = lo; i < hi; ++i) {
      const NodeId v = ph.nodes[i];
      double sum[K] = {};
      for (EdgeId e = offsets[v]; e < offsets[v + 1]; ++e) {
        // The gathers miss the caches on large graphs: ask for the one
        // kPrefetch arcs ahead so that many misses are in flight at once.
        if (e + kPrefetch < num_arcs) prefetch(&scaled[static_cast<std::size_t>(targets[e + kPrefetch]) * K]);
        const double* u = &scaled[static_cast<std::size_t>(targets[e]) * K];
        for (int k = 0; k < K; ++k) sum[k] += weights[e] * u[k];
      }
      for (int k = 0; k < K; ++k) {
        if (!active[k]) continue;
        const std::size_t vk = static_cast<std::size_t>(v) * K + static_cast<std::size_t>(k);
        const double xv = (p[k] == nullptr ? restart_base[k] : restart_base[k] * p[k][v]) + alpha * sum[k];
        res[k] += std::abs(xv - x[vk]);
        mass[k] += xv;
        x[vk] = xv;
        scaled_next[vk] = xv * inv_s[v];
        if (inv_s[v] == 0.0) dang[k] += xv;
      }
    }
    for (int k = 0; k < K; ++k) {
      block_residual[static_cast<std::size_t>(b) * K + static_cast<std::size_t>(k)] = res[k];
      block_dangling[static_cast<std::size_t>(b) * K + static_cast<std::size_t>(k)] = dang[k];
      block_mass[static_cast<std::size_t>(b) * K + static_cast<std::size_t>(k)] = mass[k];
    }
  }
}

// restarts[k] empty: uniform restart 1/n (PageRank); else that restart
// vector (sums to 1). One result per restart vector.
//
// Red-black Gauss-Seidel on the PageRank system: the nodes are split in two
// colours (bfs_colours), and each sweep updates the first colour from the
// second's current values, then the second from the first's new ones, then
// the iterate goes back on sum 1. On a bipartite graph this converges in about
// half the sweeps of the power iteration (the alternating error mode shrinks
// by alpha^2 per sweep instead of alpha), at about the same cost per sweep;
// measured faster on a non-bipartite graph too (docs/centrality.md). Each
// colour's update is a parallel loop over fixed blocks, so the result is the
// same for any thread count.
template <int K>
std::vector<CentralityResult> red_black_sweeps(const AnalysisGraph& g,
                                              const std::array<const std::vector<double>*, K>& restarts,
                                              const PageRankOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  std::vector<CentralityResult> results(K);
  const NodeId n = g.num_nodes();
  // Small graphs run serially: a parallel region per iteration costs more
  // than the sweep (the result is the same for any thread count).
  const int threads = n < kParallelMinNodes ? 1 : detail::resolve_threads(options.threads);
  for (CentralityResult& r : results) {
    r.threads = threads;
    r.converged = n == 0;
  }
  if (n == 0) {
    for (CentralityResult& r : results) r.seconds = detail::seconds_since(start);
    return results;
  }
  const bool reorder = options.ordering == PageRankOrdering::DegreeDescending ||
                       (options.ordering == PageRankOrdering::Auto && n >= kReorderMinNodes);
  const Colouring colouring = bfs_colours(g);
  const std::vector<std::uint8_t>& colour = colouring.colour;
  Csr csr;
  detail::BigVector<NodeId> order;
  std::array<std::vector<double>, K> p_relabelled;
  std::vector<const double*> p(K, nullptr);
  Phase phases[2];
  if (reorder) {
    order = colour_degree_order(g, colour);
    relabel(g, order, threads, csr);
    for (int k = 0; k < K; ++k) {
      if (restarts[k]->empty()) continue;
      p_relabelled[k].resize(n);
      for (NodeId i = 0; i < n; ++i) p_relabelled[k][i] = (*restarts[k])[order[i]];
      p[k] = p_relabelled[k].data();
    }
    for (NodeId i = 0; i < n; ++i) phases[colour[order[i]]].nodes.push_back(i);
  } else {
    csr.offsets = g.offsets();
    csr.targets = g.targets();
    csr.weights = g.arc_weights();
    csr.strengths = g.strengths();
    for (int k = 0; k < K; ++k)
      if (!restarts[k]->empty()) p[k] = restarts[k]->data();
    for (NodeId v = 0; v < n; ++v) phases[colour[v]].nodes.push_back(v);
  }
  for (Phase& ph : phases) ph.blocks = static_cast<std::int64_t>((ph.nodes.size() + kBlock - 1) / kBlock);
  for (int c = 0; c < 2; ++c) phases[c].in_place = !colouring.inner[c];
  const double alpha = options.damping;
  const double inv_n = 1.0 / static_cast<double>(n);
  const auto strengths = csr.strengths;

  detail::BigVector<double> inv_s(n);
  for (NodeId v = 0; v < n; ++v) inv_s[v] = strengths[v] > 0.0 ? 1.0 / strengths[v] : 0.0;

  // x0: the restart vector (uniform 1/n for plain PageRank). `scaled` is
  // x / s, the vector every sweep gathers; a colour's new values go to
  // `scaled_next` first when arcs join nodes of that colour, so that those
  // arcs read the old ones.
  const std::size_t nk = static_cast<std::size_t>(n) * K;
  detail::BigVector<double> x(nk), scaled(nk), scaled_next(phases[0].in_place && phases[1].in_place ? 0 : nk);
  double dangling[K][2] = {};  // x summed over the dangling nodes of each colour
  for (int c = 0; c < 2; ++c)
    for (const NodeId v : phases[c].nodes)
      for (int k = 0; k < K; ++k) {
        const std::size_t vk = static_cast<std::size_t>(v) * K + static_cast<std::size_t>(k);
        x[vk] = p[k] == nullptr ? inv_n : p[k][v];
        scaled[vk] = x[vk] * inv_s[v];
        if (strengths[v] <= 0.0) dangling[k][c] += x[vk];
      }

  std::vector<double> block_residual, block_dangling, block_mass;
  bool active[K];
  double residual[K] = {}, previous_residual[K] = {};
  for (int k = 0; k < K; ++k) active[k] = true;
  int sweeps = 0;
  // Sweeps expected: the L1 change shrinks by about alpha^2 per sweep on a
  // bipartite graph (alpha on the worst other graph).
  std::uint64_t expected = static_cast<std::uint64_t>(options.max_iterations);
  if (alpha > 0.0 && alpha < 1.0)
    expected = std::min<std::uint64_t>(
        expected,
        static_cast<std::uint64_t>(std::max(1.0, std::ceil(std::log(options.tolerance / 2.0) / (2.0 * std::log(alpha))))));
  const char* stage = K == 1 && p[0] != nullptr ? "ppr" : "pagerank";
  if (options.progress) options.progress(stage, 0, expected);
  while (sweeps < options.max_iterations && std::any_of(active, active + K, [](bool a) { return a; })) {
    if (options.cancel.cancelled()) throw Cancelled();
    double mass[K] = {};
    for (int k = 0; k < K; ++k)
      if (active[k]) residual[k] = 0.0;
    for (int c = 0; c < 2; ++c) {
      const Phase& ph = phases[c];
      // Mass to restart: (1 - alpha) always, plus alpha * the dangling mass.
      double restart_base[K];
      for (int k = 0; k < K; ++k) {
        const double restart = (1.0 - alpha) + alpha * (dangling[k][0] + dangling[k][1]);
        restart_base[k] = p[k] == nullptr ? restart * inv_n : restart;
      }
      block_residual.assign(static_cast<std::size_t>(ph.blocks) * K, 0.0);
      block_dangling.assign(static_cast<std::size_t>(ph.blocks) * K, 0.0);
      block_mass.assign(static_cast<std::size_t>(ph.blocks) * K, 0.0);
      sweep_colour<K>(csr, ph, restart_base, p, active, alpha, inv_s, scaled.data(), x,
                      ph.in_place ? scaled.data() : scaled_next.data(), block_residual, block_dangling, block_mass,
                      threads);
      // Sums per block, added in block order: the totals do not depend on
      // how blocks map to threads.
      for (int k = 0; k < K; ++k) {
        if (!active[k]) continue;
        double res = 0.0, dang = 0.0, m = 0.0;
        for (std::int64_t b = 0; b < ph.blocks; ++b) {
          res += block_residual[static_cast<std::size_t>(b) * K + static_cast<std::size_t>(k)];
          dang += block_dangling[static_cast<std::size_t>(b) * K + static_cast<std::size_t>(k)];
          m += block_mass[static_cast<std::size_t>(b) * K + static_cast<std::size_t>(k)];
        }
        residual[k] += res;
        dangling[k][c] = dang;
        mass[k] += m;
      }
      if (ph.in_place) continue;
#pragma omp parallel for schedule(static) num_threads(threads)
      for (std::int64_t i = 0; i < static_cast<std::int64_t>(ph.nodes.size()); ++i)
        for (int k = 0; k < K; ++k) {
          const std::size_t vk = static_cast<std::size_t>(ph.nodes[i]) * K + static_cast<std::size_t>(k);
          scaled[vk] = scaled_next[vk];
        }
    }
    // The iterate back on sum 1, as the fixed point: a sweep does not keep
    // the sum as the power iteration does, and without this the error
    // along the fixed point itself (its mass) would shrink only by about
    // alpha per sweep, slower than the power iteration on well-connected
    // graphs. The L1 change then counts the rescaling too: at most
    // |mass - 1| more than the change before it.
    double factor[K];
    for (int k = 0; k < K; ++k) {
      factor[k] = active[k] && mass[k] > 0.0 ? 1.0 / mass[k] : 1.0;
      if (!active[k] || mass[k] <= 0.0) continue;
      residual[k] += std::abs(mass[k] - 1.0);
      dangling[k][0] *= factor[k];
      dangling[k][1] *= factor[k];
    }
#pragma omp parallel for schedule(static) num_threads(threads)
    for (std::int64_t v = 0; v < static_cast<std::int64_t>(n); ++v)
      for (int k = 0; k < K; ++k) {
        const std::size_t vk = static_cast<std::size_t>(v) * K + static_cast<std::size_t>(k);
        x[vk] *= factor[k];
        scaled[vk] *= factor[k];
      }
    ++sweeps;
    for (int k = 0; k < K; ++k) {
      if (!active[k]) continue;
      results[k].iterations = sweeps;
      // Stop when the L1 distance to the fixed point, estimated from the
      // contraction of the last two sweeps (change x rho / (1 - rho)), is
      // within the tolerance, and the change itself is too.
      const double rho =
          previous_residual[k] > 0.0 ? std::min(kMaxContraction, residual[k] / previous_residual[k]) : 1.0;
      if (residual[k] == 0.0 || (residual[k] <= options.tolerance && sweeps >= 2 &&
                                 residual[k] * rho / (1.0 - rho) <= options.tolerance)) {
        active[k] = false;
        results[k].converged = true;
      }
      previous_residual[k] = residual[k];
    }
    if (options.progress) {
      expected = std::max<std::uint64_t>(expected, static_cast<std::uint64_t>(sweeps) + 1);
      options.progress(stage, static_cast<std::uint64_t>(sweeps), expected);
    }
  }
  if (options.progress)
    options.progress(stage, static_cast<std::uint64_t>(sweeps), static_cast<std::uint64_t>(sweeps));
  const double seconds = detail::seconds_since(start);
  for (int k = 0; k < K; ++k) {
    CentralityResult& r = results[static_cast<std::size_t>(k)];
    r.values.resize(n);
    for (NodeId i = 0; i < n; ++i)
      r.values[reorder ? order[i] : i] = x[static_cast<std::size_t>(i) * K + static_cast<std::size_t>(k)];
    r.residual = residual[k];
    r.seconds = seconds;
  }
  return results;
}

// The restart vector of personalized PageRank: 1/|S| on the distinct seeds.
// Empty when there is no seed.
std::vector<double> seed_restart(NodeId n, std::span<const NodeId> seeds) {
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
  std::vector<double> p;
  if (count == 0) return p;
  p.assign(n, 0.0);
  const double share = 1.0 / static_cast<double>(count);
  for (NodeId v = 0; v < n; ++v)
    if (is_seed[v]) p[v] = share;
  return p;
}

CentralityResult no_seeds(NodeId n, const PageRankOptions& options) {
  CentralityResult result;
  result.values.assign(n, 0.0);
  result.threads = detail::resolve_threads(options.threads);
  result.note = "no seeds: all zeros";
  return result;
}

}  // namespace

CentralityResult pagerank(const AnalysisGraph& g, const PageRankOptions& options) {
  options.validate();
  const std::vector<double> uniform;
  return std::move(red_black_sweeps<1>(g, {&uniform}, options).front());
}

CentralityResult personalized_pagerank(const AnalysisGraph& g, std::span<const NodeId> seeds,
                                       const PageRankOptions& options) {
  options.validate();
  const std::vector<double> p = seed_restart(g.num_nodes(), seeds);
  if (p.empty()) return no_seeds(g.num_nodes(), options);
  return std::move(red_black_sweeps<1>(g, {&p}, options).front());
}

PageRankPair pagerank_and_personalized(const AnalysisGraph& g, std::span<const NodeId> seeds,
                                       const PageRankOptions& options) {
  options.validate();
  const std::vector<double> uniform;
  const std::vector<double> p = seed_restart(g.num_nodes(), seeds);
  if (p.empty()) return {std::move(red_black_sweeps<1>(g, {&uniform}, options).front()), no_seeds(g.num_nodes(), options)};
  std::vector<CentralityResult> both = red_black_sweeps<2>(g, {&uniform, &p}, options);
  return {std::move(both[0]), std::move(both[1])};
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
