// PageRank benchmark: measures the machine's memory bandwidth (STREAM-like
// sum and triad), then PageRank seconds per iteration on a big graph, and
// compares it with the bandwidth bound of the CSR sweep (bytes model below).
//
//   pagerank_bench [--input SNAPSHOT] [--nodes N] [--edges M] [--seed S]
//                  [--iterations K] [--write-edges FILE]
//
// --write-edges also writes FILE.pagerank (our values, one per line) for the
// igraph comparison: /usr/bin/python3 bench/pagerank_igraph.py FILE N
//
// Without --input an R-MAT graph (a, b, c = 0.57, 0.19, 0.19) on N nodes with
// M edge draws is generated, ids randomly permuted (no locality for free).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "hydrascope/centrality.hpp"
#include "hydrascope/graph.hpp"
#include "hydrascope/io.hpp"

using namespace hydrascope;

namespace {

double now() { return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count(); }

struct Bandwidth {
  double sum_gbs = 0.0;    // read-only: 8 bytes per element
  double triad_gbs = 0.0;  // a = b + s c: 24 bytes per element (write-allocate not counted)
};

// Best of `reps` over arrays of `len` doubles each (far bigger than the caches).
Bandwidth measure_bandwidth(int threads, std::size_t len, int reps) {
  std::vector<double> a(len), b(len), c(len);
#pragma omp parallel for num_threads(threads) schedule(static)
  for (std::int64_t i = 0; i < static_cast<std::int64_t>(len); ++i) {
    a[i] = 0.0;
    b[i] = 1.0 + static_cast<double>(i % 7);
    c[i] = 2.0;
  }
  Bandwidth best;
  double sink = 0.0;
  for (int r = 0; r < reps; ++r) {
    double t = now();
    double s = 0.0;
    // 8 independent accumulators: the loop is bound by memory, not by add latency.
#pragma omp parallel for num_threads(threads) schedule(static) reduction(+ : s)
    for (std::int64_t i = 0; i < static_cast<std::int64_t>(len); i += 8) {
      double p[8];
      for (int j = 0; j < 8; ++j) p[j] = b[i + j];
      s += ((p[0] + p[1]) + (p[2] + p[3])) + ((p[4] + p[5]) + (p[6] + p[7]));
    }
    double dt = now() - t;
    sink += s;
    best.sum_gbs = std::max(best.sum_gbs, 8.0 * static_cast<double>(len) / dt / 1e9);
    t = now();
#pragma omp parallel for num_threads(threads) schedule(static)
    for (std::int64_t i = 0; i < static_cast<std::int64_t>(len); ++i) a[i] = b[i] + 3.0 * c[i];
    dt = now() - t;
    sink += a[len / 2];
    best.triad_gbs = std::max(best.triad_gbs, 24.0 * static_cast<double>(len) / dt / 1e9);
  }
  if (sink == 42.0) std::puts("");
  return best;
}

AnalysisGraph rmat(NodeId n, std::size_t m, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  int scale = 0;
  while ((NodeId{1} << scale) < n) ++scale;
  std::vector<NodeId> perm(n);
  std::iota(perm.begin(), perm.end(), 0);
  std::shuffle(perm.begin(), perm.end(), rng);
  std::vector<WeightedEdge> edges;
  edges.reserve(m);
  while (edges.size() < m) {
    std::uint64_t u = 0, v = 0;
    for (int l = 0; l < scale; ++l) {
      const double r = unit(rng);
      const int q = r < 0.57 ? 0 : r < 0.76 ? 1 : r < 0.95 ? 2 : 3;
      u = (u << 1) | static_cast<std::uint64_t>(q >> 1);
      v = (v << 1) | static_cast<std::uint64_t>(q & 1);
    }
    if (u >= n || v >= n || u == v) continue;
    edges.push_back({perm[u], perm[v], 0.5 + 2.5 * unit(rng)});
  }
  return AnalysisGraph::from_edges(n, edges);
}

const char* arg(int argc, char** argv, const char* name) {
  for (int i = 1; i + 1 < argc; ++i)
    if (std::strcmp(argv[i], name) == 0) return argv[i + 1];
  return nullptr;
}

}  // namespace

int main(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);  // lines appear as they are measured, also into a file
  const char* input = arg(argc, argv, "--input");
  const NodeId nodes = arg(argc, argv, "--nodes") ? static_cast<NodeId>(std::atoll(arg(argc, argv, "--nodes"))) : 3500000;
  const std::size_t draws = arg(argc, argv, "--edges") ? std::atoll(arg(argc, argv, "--edges")) : 10000000;
  const std::uint64_t seed = arg(argc, argv, "--seed") ? std::atoll(arg(argc, argv, "--seed")) : 1;
  const int iterations = arg(argc, argv, "--iterations") ? std::atoi(arg(argc, argv, "--iterations")) : 10;
  const char* write_edges = arg(argc, argv, "--write-edges");
#ifdef _OPENMP
  const int max_threads = omp_get_max_threads();
#else
  const int max_threads = 1;
#endif

  // 1. Memory bandwidth: 3 arrays of 48 M doubles (384 MB each).
  const std::size_t len = std::size_t{48} << 20;
  std::vector<Bandwidth> bw(max_threads + 1);
  for (int t = 1; t <= max_threads; ++t) {
    bw[t] = measure_bandwidth(t, len, 5);
    std::printf("bandwidth threads=%d array_doubles=%zu sum_GBps=%.2f triad_GBps=%.2f\n", t, len, bw[t].sum_gbs,
                bw[t].triad_gbs);
  }

  // 2. The graph.
  double t0 = now();
  AnalysisGraph g;
  std::string source;
  if (input != nullptr) {
    const Snapshot s = load_snapshot(input);
    g = build_analysis_graph(s);
    source = input;
  } else {
    g = rmat(nodes, draws, seed);
    source = "rmat(seed=" + std::to_string(seed) + ")";
  }
  const double n = g.num_nodes(), m = static_cast<double>(g.num_edges());
  std::printf("graph source=%s n=%u m=%llu build_seconds=%.2f\n", source.c_str(), g.num_nodes(),
              static_cast<unsigned long long>(g.num_edges()), now() - t0);

  if (write_edges != nullptr) {
    std::FILE* f = std::fopen(write_edges, "w");
    if (f == nullptr) {
      std::fprintf(stderr, "cannot write %s\n", write_edges);
      return 1;
    }
    for (NodeId u = 0; u < g.num_nodes(); ++u) {
      const auto nb = g.neighbors(u);
      const auto ws = g.weights(u);
      for (std::size_t i = 0; i < nb.size(); ++i)
        if (u < nb[i]) std::fprintf(f, "%u %u %.17g\n", u, nb[i], ws[i]);
    }
    std::fclose(f);
    std::printf("wrote edge list %s (u v weight, n=%u)\n", write_edges, g.num_nodes());
    // Our PageRank (defaults) beside it, for bench/pagerank_igraph.py to compare.
    const std::string values_path = std::string(write_edges) + ".pagerank";
    std::FILE* pf = std::fopen(values_path.c_str(), "w");
    if (pf == nullptr) {
      std::fprintf(stderr, "cannot write %s\n", values_path.c_str());
      return 1;
    }
    const CentralityResult pr = pagerank(g);
    for (const double x : pr.values) std::fprintf(pf, "%.17g\n", x);
    std::fclose(pf);
    std::printf("wrote %s (pagerank defaults: iterations=%d residual=%.3g)\n", values_path.c_str(), pr.iterations,
                pr.residual);
  }

  // 3. Bytes moved per iteration by the fused pull sweep (pagerank.cpp):
  //   offsets 8 (n + 1) + targets 4 * 2m + weights 8 * 2m + gathers of scaled[u] 8 * 2m
  //   + x[v], 1/s(v) reads 16 n + x'[v], scaled'[v] writes 16 n.
  const double bytes = 8.0 * (n + 1) + 2 * m * (4 + 8 + 8) + 32.0 * n;
  // Gathers at cache-line granularity (no reuse at all): the pessimistic count.
  const double bytes_lines = bytes - 8.0 * 2 * m + 64.0 * 2 * m;
  std::printf("bytes_per_iteration model=%.0f (%.1f MB) all_gathers_as_lines=%.0f (%.1f MB)\n", bytes, bytes / 1e6,
              bytes_lines, bytes_lines / 1e6);

  // Seconds per iteration by difference: best of 5 runs of 2K iterations minus
  // best of 5 runs of K, over K (setup - allocation, relabelling - cancels out);
  // setup = best run of 1 iteration minus one iteration.
  struct OrderingCase {
    PageRankOrdering ordering;
    const char* name;
  };
  const OrderingCase cases[] = {{PageRankOrdering::Natural, "natural"},
                                {PageRankOrdering::DegreeDescending, "degree_descending"}};
  double machine_bw = 0.0;
  for (int t = 1; t <= max_threads; ++t) {
    // The bound uses the best bandwidth seen with up to t threads (a second
    // thread cannot lower the machine's bandwidth; a busy neighbour can).
    machine_bw = std::max({machine_bw, bw[t].sum_gbs, bw[t].triad_gbs});
    const double bound = bytes / (machine_bw * 1e9);
    for (const OrderingCase& oc : cases) {
      auto best_of = [&](int iters, int reps) {
        PageRankOptions o;
        o.threads = t;
        o.ordering = oc.ordering;
        o.tolerance = 1e-300;  // run exactly `iters`
        o.max_iterations = iters;
        double best = 1e300;
        for (int r = 0; r < reps; ++r) best = std::min(best, pagerank(g, o).seconds);
        return best;
      };
      const double t1 = best_of(1, 3);
      const double tk = best_of(iterations, 5);
      const double t2k = best_of(2 * iterations, 5);
      const double per_iter = (t2k - tk) / iterations;
      std::printf(
          "pagerank ordering=%s threads=%d n=%u m=%llu seconds_per_iteration=%.4f setup_seconds=%.3f "
          "bandwidth_GBps=%.2f bandwidth_bound_seconds=%.4f ratio=%.2f effective_GBps=%.2f\n",
          oc.name, t, g.num_nodes(), static_cast<unsigned long long>(g.num_edges()), per_iter, t1 - per_iter,
          machine_bw, bound, per_iter / bound, bytes / per_iter / 1e9);
      PageRankOptions conv;
      conv.threads = t;
      conv.ordering = oc.ordering;
      const CentralityResult r = pagerank(g, conv);
      std::printf(
          "pagerank_to_convergence ordering=%s threads=%d damping=0.85 tolerance=%g iterations=%d residual=%.3g "
          "converged=%d seconds=%.3f\n",
          oc.name, t, conv.tolerance, r.iterations, r.residual, r.converged ? 1 : 0, r.seconds);
    }
  }

  // 4. Sampled betweenness cost per source (one BFS + accumulation each), for docs/centrality.md.
  for (int t = 1; t <= max_threads; ++t) {
    BetweennessOptions bo;
    bo.mode = BetweennessMode::Sampled;
    bo.samples = 16;
    bo.threads = t;
    const BetweennessResult br = betweenness(g, bo);
    std::printf("betweenness_sampled threads=%d sources=%u seconds=%.3f seconds_per_source=%.4f epsilon=%.3f delta=%.2f\n",
                t, br.sources, br.seconds, br.seconds / br.sources, br.epsilon, br.delta);
  }
  return 0;
}
