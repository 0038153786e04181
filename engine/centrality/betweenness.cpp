// Betweenness: exact Brandes through Boost.Graph on small graphs; on large
// ones Brandes' accumulation from k sampled sources (own parallel BFS kernel,
// deterministic for any thread count) with a Hoeffding error bound.
#include <boost/graph/betweenness_centrality.hpp>

#include <algorithm>
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

std::vector<double> brandes_dependencies(const AnalysisGraph& g, std::span<const NodeId> sources, int threads) {
  const NodeId n = g.num_nodes();
  std::vector<double> total(n, 0.0);
  const std::size_t k = sources.size();
  if (n == 0 || k == 0) return total;
  if (n > static_cast<NodeId>(INT32_MAX))
    throw std::invalid_argument("sampled betweenness supports up to 2^31 - 1 nodes, got " + std::to_string(n));
  // Chunks are defined by position in the source list, never by thread.
  constexpr std::size_t kMaxChunks = 8;
  const std::size_t chunks = std::min(k, kMaxChunks);
  std::vector<BigVector<double>> acc(chunks);
  const auto offsets = g.offsets();
  const auto targets = g.targets();

#pragma omp parallel num_threads(threads)
  {
    // 32-bit hop counts halve the traffic; BFS depth < n, and graphs of 2^31 nodes
    // (over 16 GB for these buffers alone) are out of scope.
    BigVector<std::int32_t> dist(n, -1);
    BigVector<double> sigma(n, 0.0), dep(n, 0.0);
    std::vector<NodeId> order;
    order.reserve(n);
#pragma omp for schedule(dynamic, 1)
    for (std::int64_t c = 0; c < static_cast<std::int64_t>(chunks); ++c) {
      BigVector<double> a(n, 0.0);
      const std::size_t lo = static_cast<std::size_t>(c) * k / chunks;
      const std::size_t hi = static_cast<std::size_t>(c + 1) * k / chunks;
      for (std::size_t i = lo; i < hi; ++i) {
        const NodeId s = sources[i];
        order.clear();
        dist[s] = 0;
        sigma[s] = 1.0;
        order.push_back(s);
        for (std::size_t head = 0; head < order.size(); ++head) {
          const NodeId v = order[head];
          const std::int32_t dv = dist[v] + 1;
          for (EdgeId e = offsets[v]; e < offsets[v + 1]; ++e) {
            const NodeId w = targets[e];
            if (dist[w] < 0) {
              dist[w] = dv;
              order.push_back(w);
            }
            if (dist[w] == dv) sigma[w] += sigma[v];
          }
        }
        // Dependencies in reverse BFS order; predecessors found by distance
        // (pull), so no predecessor lists are stored.
        for (std::size_t j = order.size(); j-- > 1;) {
          const NodeId w = order[j];
          const double coef = (1.0 + dep[w]) / sigma[w];
          const std::int32_t dp = dist[w] - 1;
          for (EdgeId e = offsets[w]; e < offsets[w + 1]; ++e) {
            const NodeId v = targets[e];
            if (dist[v] == dp) dep[v] += sigma[v] * coef;
          }
          a[w] += dep[w];
        }
        for (const NodeId v : order) {
          dist[v] = -1;
          sigma[v] = 0.0;
          dep[v] = 0.0;
        }
      }
      acc[static_cast<std::size_t>(c)] = std::move(a);
    }
  }
  for (std::size_t c = 0; c < chunks; ++c)
    for (NodeId v = 0; v < n; ++v) total[v] += acc[c][v];
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
  if (exact) {
    result.values = n >= 3 ? exact_bgl(g) : std::vector<double>(n, 0.0);
    result.exact = true;
    result.sources = n;
  } else {
    SplitMix64 rng{options.seed};
    std::vector<NodeId> sources(k);
    for (auto& s : sources) s = static_cast<NodeId>(rng.below(n));
    std::vector<double> sum = detail::brandes_dependencies(g, sources, result.threads);
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
