// Betweenness: exact Brandes through Boost.Graph on small graphs; on large
// ones Brandes' accumulation from k sampled sources (own parallel BFS kernel,
// deterministic for any thread count) with a Hoeffding error bound.
#include <boost/graph/betweenness_centrality.hpp>

#include <algorithm>
#include <numeric>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "centrality_impl.hpp"
#include "hydrascope/bgl.hpp"
#include "hydrascope/centrality.hpp"

namespace hydrascope {

void BetweennessOptions::validate() const {
  if (!(epsilon > 0.0 && epsilon < 1.0))
    throw std::invalid_argument("BetweennessOptions.epsilon must be in (0, 1), got " + std::to_string(epsilon));
  if (!(delta > 0.0 && delta < 1.0))
    throw std::invalid_argument("BetweennessOptions.delta must be in (0, 1), got " + std::to_string(delta));
  if (threads < 0) throw std::invalid_argument("BetweennessOptions.threads must be >= 0, got " + std::to_string(threads));
  if (mode != BetweennessMode::Auto && mode != BetweennessMode::Exact && mode != BetweennessMode::Sampled)
    throw std::invalid_argument("BetweennessOptions.mode is not a known mode");
}

namespace detail {

namespace {

// A copy of g's structure with nodes renumbered in breadth-first order
// (components in node order, each from its node of highest degree), so that
// a BFS touches memory mostly in ascending order: on graphs of a million
// nodes the kernel below is bound by cache misses, and this ordering cuts
// them by about half. old_of[new] = old label.
struct BfsOrderedCsr {
  std::vector<EdgeId> offsets;
  std::vector<NodeId> targets;
  std::vector<NodeId> old_of, new_of;
};

BfsOrderedCsr bfs_ordered(const AnalysisGraph& g) {
  const NodeId n = g.num_nodes();
  const auto off = g.offsets();
  const auto tgt = g.targets();
  BfsOrderedCsr c;
  c.new_of.assign(n, kInvalidNode);
  c.old_of.reserve(n);
  // Component roots: nodes by degree descending (ties by id), so that each
  // component's BFS starts at its hub.
  std::vector<NodeId> by_degree(n);
  std::iota(by_degree.begin(), by_degree.end(), NodeId{0});
  std::stable_sort(by_degree.begin(), by_degree.end(),
                   [&](NodeId a, NodeId b) { return off[a + 1] - off[a] > off[b + 1] - off[b]; });
  for (const NodeId root : by_degree) {
    if (c.new_of[root] != kInvalidNode) continue;
    std::size_t head = c.old_of.size();
    c.new_of[root] = static_cast<NodeId>(c.old_of.size());
    c.old_of.push_back(root);
    for (; head < c.old_of.size(); ++head) {
      const NodeId v = c.old_of[head];
      for (EdgeId e = off[v]; e < off[v + 1]; ++e) {
        const NodeId w = tgt[e];
        if (c.new_of[w] != kInvalidNode) continue;
        c.new_of[w] = static_cast<NodeId>(c.old_of.size());
        c.old_of.push_back(w);
      }
    }
  }
  c.offsets.assign(static_cast<std::size_t>(n) + 1, 0);
  c.targets.resize(tgt.size());
  for (NodeId i = 0; i < n; ++i) {
    const NodeId v = c.old_of[i];
    c.offsets[i + 1] = c.offsets[i] + (off[v + 1] - off[v]);
    EdgeId out = c.offsets[i];
    for (EdgeId e = off[v]; e < off[v + 1]; ++e) c.targets[out++] = c.new_of[tgt[e]];
    std::sort(c.targets.begin() + static_cast<std::ptrdiff_t>(c.offsets[i]),
              c.targets.begin() + static_cast<std::ptrdiff_t>(c.offsets[i + 1]));
  }
  return c;
}

// Per-node BFS state in one record: one cache miss instead of three.
struct NodeState {
  double sigma = 0.0;
  double dep = 0.0;
  std::int32_t dist = -1;
};

}  // namespace

std::vector<double> brandes_dependencies(const AnalysisGraph& g, std::span<const NodeId> sources, int threads,
                                         const ProgressFn& progress, const CancelToken& cancel) {
  const NodeId n = g.num_nodes();
  std::vector<double> total(n, 0.0);
  const std::size_t k = sources.size();
  if (n == 0 || k == 0) return total;
  if (n > static_cast<NodeId>(INT32_MAX))
    throw std::invalid_argument("sampled betweenness supports up to 2^31 - 1 nodes, got " + std::to_string(n));
  const BfsOrderedCsr csr = bfs_ordered(g);
  const EdgeId* const offsets = csr.offsets.data();
  const NodeId* const targets = csr.targets.data();
  // Chunks are defined by position in the source list, never by thread; each
  // chunk is accumulated in list order into its own vector, over rounds (so
  // that progress and cancellation are seen between rounds), and the chunks
  // are added in chunk order: the same sums for any thread count.
  constexpr std::size_t kMaxChunks = 8;
  const std::size_t chunks = std::min(k, kMaxChunks);
  std::vector<BigVector<double>> acc(chunks);
  std::vector<std::size_t> next(chunks), stop(chunks);
  for (std::size_t c = 0; c < chunks; ++c) {
    next[c] = c * k / chunks;
    stop[c] = (c + 1) * k / chunks;
  }
  const int nthreads = std::max(1, threads);
  // 32-bit hop counts: BFS depth < n, and graphs of 2^31 nodes are out of scope.
  std::vector<BigVector<NodeState>> state(static_cast<std::size_t>(nthreads));
  std::vector<std::vector<NodeId>> orders(static_cast<std::size_t>(nthreads));
  // Sources per chunk per round: about a second of work on a million nodes.
  const std::size_t per_round = std::max<std::size_t>(1, std::min<std::size_t>(16, (std::size_t{1} << 24) / (n + 1)));
  std::size_t done = 0;
  if (progress) progress("betweenness", 0, k);
  while (done < k) {
    if (cancel.cancelled()) throw Cancelled();
    std::size_t round_done = 0;
#pragma omp parallel num_threads(nthreads) reduction(+ : round_done)
    {
#ifdef _OPENMP
      const auto tid = static_cast<std::size_t>(omp_get_thread_num());
#else
      const std::size_t tid = 0;
#endif
      auto& st = state[tid];
      auto& order = orders[tid];
      if (st.size() != n) st.assign(n, NodeState{});
#pragma omp for schedule(dynamic, 1)
      for (std::int64_t ci = 0; ci < static_cast<std::int64_t>(chunks); ++ci) {
        const auto c = static_cast<std::size_t>(ci);
        if (next[c] >= stop[c]) continue;
        if (acc[c].empty()) acc[c].assign(n, 0.0);
        double* const a = acc[c].data();
        const std::size_t hi = std::min(stop[c], next[c] + per_round);
        for (std::size_t i = next[c]; i < hi; ++i) {
          const NodeId s = csr.new_of[sources[i]];
          order.clear();
          st[s].dist = 0;
          st[s].sigma = 1.0;
          order.push_back(s);
          for (std::size_t head = 0; head < order.size(); ++head) {
            const NodeId v = order[head];
            const std::int32_t dv = st[v].dist + 1;
            const double sv = st[v].sigma;
            for (EdgeId e = offsets[v]; e < offsets[v + 1]; ++e) {
              NodeState& w = st[targets[e]];
              if (w.dist < 0) {
                w.dist = dv;
                order.push_back(targets[e]);
              }
              if (w.dist == dv) w.sigma += sv;
            }
          }
          // Dependencies in reverse BFS order; predecessors found by distance
          // (pull), so no predecessor lists are stored.
          for (std::size_t j = order.size(); j-- > 1;) {
            const NodeId w = order[j];
            NodeState& sw = st[w];
            const double coef = (1.0 + sw.dep) / sw.sigma;
            const std::int32_t dp = sw.dist - 1;
            for (EdgeId e = offsets[w]; e < offsets[w + 1]; ++e) {
              NodeState& v = st[targets[e]];
              if (v.dist == dp) v.dep += v.sigma * coef;
            }
            a[w] += sw.dep;
          }
          for (const NodeId v : order) st[v] = NodeState{};
        }
        round_done += hi - next[c];
        next[c] = hi;
      }
    }
    done += round_done;
    if (progress) progress("betweenness", done, k);
  }
  for (std::size_t c = 0; c < chunks; ++c)
    for (NodeId i = 0; i < n; ++i) total[csr.old_of[i]] += acc[c][i];
  return total;
}

}  // namespace detail

namespace {

// splitmix64 (Steele, Lea & Flood 2014): the seeded stream of sampled sources.
struct SplitMix64 {
  std::uint64_t state;
  std::uint64_t next() {
    std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  // Unbiased integer in [0, bound) by rejection (portable, unlike std distributions).
  std::uint64_t below(std::uint64_t bound) {
    const std::uint64_t limit = UINT64_MAX - UINT64_MAX % bound;
    std::uint64_t r;
    do r = next();
    while (r >= limit);
    return r % bound;
  }
};

std::vector<double> exact_bgl(const AnalysisGraph& g) {
  const BglGraph bg = to_bgl(g);
  const NodeId n = g.num_nodes();
  const auto index = boost::get(boost::vertex_index, bg);
  std::vector<double> c(n, 0.0);
  // The short overload counts shortest paths in an integer (degree_size_type)
  // that overflows on lattice-like graphs (a 60 x 60 grid has ~2e34 corner to
  // corner paths); pass our own maps with double path counts instead.
  std::vector<std::vector<boost::graph_traits<BglGraph>::edge_descriptor>> incoming(n);
  std::vector<double> distance(n), dependency(n), path_count(n);
  boost::brandes_betweenness_centrality(
      bg, boost::make_iterator_property_map(c.begin(), index), boost::dummy_property_map(),
      boost::make_iterator_property_map(incoming.begin(), index), boost::make_iterator_property_map(distance.begin(), index),
      boost::make_iterator_property_map(dependency.begin(), index),
      boost::make_iterator_property_map(path_count.begin(), index), index);
  // The view is directed with both arcs: BGL counted every unordered pair twice.
  for (double& x : c) x *= 0.5;
  return c;
}

}  // namespace

BetweennessResult betweenness(const AnalysisGraph& g, const BetweennessOptions& options) {
  options.validate();
  const auto start = std::chrono::steady_clock::now();
  BetweennessResult result;
  const NodeId n = g.num_nodes();
  result.threads = detail::resolve_threads(options.threads);
  bool exact = options.mode == BetweennessMode::Exact ||
               (options.mode == BetweennessMode::Auto && n <= options.exact_threshold) || n < 3;
  std::uint64_t k = 0;
  double eps_prime = 0.0;
  const double log_term = n > 0 ? std::log(2.0 * static_cast<double>(n) / options.delta) : 0.0;
  if (!exact) {
    if (options.samples > 0) {
      k = options.samples;
    } else {
      // Hoeffding: X_s = delta_s(v) / (n - 2) in [0, 1], E[X] = 2 b(v) / (n (n - 2)) = b_norm(v) (n - 1) / n.
      eps_prime = options.epsilon * static_cast<double>(n - 1) / static_cast<double>(n);
      k = static_cast<std::uint64_t>(std::ceil(log_term / (2.0 * eps_prime * eps_prime)));
    }
    if (k >= n) exact = true;
  }
  if (exact && n > options.exact_threshold) {
    // Past the threshold (asked for explicitly): the own kernel over every
    // source, which reports progress; it equals Boost's result (tests).
    std::vector<NodeId> all(n);
    std::iota(all.begin(), all.end(), NodeId{0});
    result.values = detail::brandes_dependencies(g, all, result.threads, options.progress, options.cancel);
    for (double& x : result.values) x *= 0.5;
    result.exact = true;
    result.sources = n;
  } else if (exact) {
    result.values = n >= 3 ? exact_bgl(g) : std::vector<double>(n, 0.0);
    result.exact = true;
    result.sources = n;
  } else {
    SplitMix64 rng{options.seed};
    std::vector<NodeId> sources(k);
    for (auto& s : sources) s = static_cast<NodeId>(rng.below(n));
    std::vector<double> sum = detail::brandes_dependencies(g, sources, result.threads, options.progress, options.cancel);
    // Every unordered pair is seen from both ends over all n sources: b = (n / k) * sum / 2.
    const double scale = static_cast<double>(n) / static_cast<double>(k) * 0.5;
    for (double& x : sum) x *= scale;
    result.values = std::move(sum);
    result.exact = false;
    result.sources = static_cast<std::uint32_t>(k);
    eps_prime = std::sqrt(log_term / (2.0 * static_cast<double>(k)));
    result.epsilon = eps_prime * static_cast<double>(n) / static_cast<double>(n - 1);
    result.delta = options.delta;
  }
  result.seconds = detail::seconds_since(start);
  return result;
}

std::vector<double> normalized_betweenness(std::span<const double> raw) {
  std::vector<double> out(raw.begin(), raw.end());
  const double n = static_cast<double>(raw.size());
  if (raw.size() < 3) return out;
  const double pairs = (n - 1.0) * (n - 2.0) / 2.0;
  for (double& x : out) x /= pairs;
  return out;
}

}  // namespace hydrascope
