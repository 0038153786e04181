// Betweenness: exact values against closed forms and igraph's golden karate
// values, the sampled kernel against Boost.Graph, the sampled estimate within
// its stated bound on a mid-size graph, seed and thread determinism, errors.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <stdexcept>
#include <vector>

#include "centrality_impl.hpp"
#include "hydrascope/centrality.hpp"
#include "test_graphs.hpp"

namespace hydrascope {
namespace {

AnalysisGraph path(NodeId n) {
  std::vector<WeightedEdge> e;
  for (NodeId i = 0; i + 1 < n; ++i) e.push_back({i, i + 1, 1.0 + i});  // weights are ignored
  return AnalysisGraph::from_edges(n, e);
}

TEST(Betweenness, ClosedForms) {
  // Path: b(i) = i (n - 1 - i).
  const BetweennessResult p = betweenness(path(9));
  EXPECT_TRUE(p.exact);
  EXPECT_EQ(p.sources, 9u);
  for (NodeId i = 0; i < 9; ++i) EXPECT_NEAR(p.values[i], i * (8.0 - i), 1e-12);
  // Star: hub (L choose 2), leaves 0; normalised hub = 1.
  const BetweennessResult s = betweenness(test::star(20));
  EXPECT_NEAR(s.values[0], 190.0, 1e-12);
  EXPECT_NEAR(normalized_betweenness(s.values)[0], 1.0, 1e-12);
  // 4-cycle: every node lies on half of the one opposite pair's two paths.
  const std::vector<WeightedEdge> c4{{0, 1, 1}, {1, 2, 1}, {2, 3, 1}, {3, 0, 1}};
  for (double x : betweenness(AnalysisGraph::from_edges(4, c4)).values) EXPECT_NEAR(x, 0.5, 1e-12);
}

TEST(Betweenness, KarateGolden) {
  // python3-igraph 0.10.2: Graph(edges=karate.edges).betweenness()
  const std::vector<double> golden{231.071429, 28.478571, 75.850794, 6.288095, 0.333333, 15.833333, 15.833333,
                                   0.0,        29.529365, 0.447619,  0.333333, 0.0,      0.0,       24.215873,
                                   0.0,        0.0,       0.0,       0.0,      0.0,      17.146825, 0.0,
                                   0.0,        0.0,       9.3,       1.166667, 2.027778, 0.0,       11.792063,
                                   0.947619,   1.542857,  7.609524,  73.009524, 76.690476, 160.551587};
  const BetweennessResult r = betweenness(test::karate(true));
  ASSERT_EQ(r.values.size(), 34u);
  for (NodeId v = 0; v < 34; ++v) EXPECT_NEAR(r.values[v], golden[v], 1e-6) << v;
}

TEST(Betweenness, OwnKernelOverAllSourcesEqualsBgl) {
  const AnalysisGraph g = test::random_graph(400, 1200, 5);
  BetweennessOptions o;
  o.mode = BetweennessMode::Exact;
  const BetweennessResult bgl = betweenness(g, o);
  std::vector<NodeId> all(400);
  std::iota(all.begin(), all.end(), 0);
  const std::vector<double> own = detail::brandes_dependencies(g, all, 2);
  for (NodeId v = 0; v < 400; ++v) EXPECT_NEAR(own[v] / 2, bgl.values[v], 1e-9 * (1 + bgl.values[v]));
}

TEST(Betweenness, GridWithAstronomicalPathCountsMatchesOwnKernel) {
  // 60 x 60 grid: ~2e34 shortest corner-to-corner paths, beyond any 64-bit counter.
  const NodeId side = 60;
  std::vector<WeightedEdge> e;
  for (NodeId r = 0; r < side; ++r)
    for (NodeId c = 0; c < side; ++c) {
      if (c + 1 < side) e.push_back({r * side + c, r * side + c + 1, 1});
      if (r + 1 < side) e.push_back({r * side + c, (r + 1) * side + c, 1});
    }
  const AnalysisGraph g = AnalysisGraph::from_edges(side * side, e);
  BetweennessOptions o;
  o.mode = BetweennessMode::Exact;
  const BetweennessResult r = betweenness(g, o);
  std::vector<NodeId> all(side * side);
  std::iota(all.begin(), all.end(), 0);
  const std::vector<double> own = detail::brandes_dependencies(g, all, 2);
  for (NodeId v = 0; v < side * side; ++v) ASSERT_NEAR(own[v] / 2, r.values[v], 1e-7 * (1 + r.values[v])) << v;
  // Symmetry of the grid: the four corners are equal, the centre is the maximum region.
  EXPECT_NEAR(r.values[0], r.values[side * side - 1], 1e-6 * (1 + r.values[0]));
  EXPECT_GT(r.values[(side / 2) * side + side / 2], r.values[0]);
}

TEST(Betweenness, SampledWithinStatedBoundOfExact) {
  // Mid-size: 3000 nodes, 9000 edges; epsilon 0.08, delta 0.1 -> k = 860 < n sources.
  const AnalysisGraph g = test::random_graph(3000, 9000, 9, false);
  BetweennessOptions ex;
  ex.mode = BetweennessMode::Exact;
  const std::vector<double> exact = normalized_betweenness(betweenness(g, ex).values);
  BetweennessOptions o;
  o.mode = BetweennessMode::Sampled;
  o.epsilon = 0.08;
  o.delta = 0.1;
  o.seed = 42;
  const BetweennessResult r = betweenness(g, o);
  ASSERT_FALSE(r.exact);
  // k = ceil(ln(2n / delta) / (2 eps'^2)), eps' = eps (n - 1) / n
  const double eps_prime = 0.08 * 2999.0 / 3000.0;
  EXPECT_EQ(r.sources, static_cast<std::uint32_t>(std::ceil(std::log(2 * 3000 / 0.1) / (2 * eps_prime * eps_prime))));
  EXPECT_LT(r.sources, 3000u);
  EXPECT_LE(r.epsilon, 0.08);
  EXPECT_DOUBLE_EQ(r.delta, 0.1);
  const std::vector<double> est = normalized_betweenness(r.values);
  double worst = 0.0;
  for (NodeId v = 0; v < 3000; ++v) worst = std::max(worst, std::abs(est[v] - exact[v]));
  EXPECT_LE(worst, r.epsilon);
  std::printf("sampled betweenness: n=3000 k=%u epsilon=%.4f observed worst error=%.5f max exact=%.5f\n", r.sources,
              r.epsilon, worst, *std::max_element(exact.begin(), exact.end()));
  // Given samples: the implied bound is reported.
  o.samples = 300;
  const BetweennessResult r300 = betweenness(g, o);
  EXPECT_EQ(r300.sources, 300u);
  EXPECT_NEAR(r300.epsilon, std::sqrt(std::log(2 * 3000 / 0.1) / 600.0) * 3000.0 / 2999.0, 1e-12);
  const std::vector<double> est300 = normalized_betweenness(r300.values);
  for (NodeId v = 0; v < 3000; ++v) EXPECT_LE(std::abs(est300[v] - exact[v]), r300.epsilon);
}

TEST(Betweenness, SampledIsDeterministicPerSeedAndThreadCount) {
  const AnalysisGraph g = test::random_graph(5000, 15000, 2);
  BetweennessOptions o;
  o.mode = BetweennessMode::Sampled;
  o.samples = 100;
  o.threads = 1;
  const BetweennessResult a = betweenness(g, o);
  o.threads = 2;
  const BetweennessResult b = betweenness(g, o);
  EXPECT_EQ(a.values, b.values);  // bitwise
  o.seed = 2;
  EXPECT_NE(betweenness(g, o).values, a.values);
}

TEST(Betweenness, AutoModeUsesThresholdAndEnoughSamplesFallBackToExact) {
  const AnalysisGraph g = test::random_graph(200, 600, 4);
  BetweennessOptions o;
  o.exact_threshold = 100;
  o.samples = 50;
  EXPECT_FALSE(betweenness(g, o).exact);
  o.samples = 200;  // k >= n: exact is cheaper
  EXPECT_TRUE(betweenness(g, o).exact);
  o.exact_threshold = 200;
  o.samples = 50;
  EXPECT_TRUE(betweenness(g, o).exact);
}

TEST(Betweenness, Zoo) {
  EXPECT_TRUE(betweenness(test::edgeless(0)).values.empty());
  EXPECT_EQ(betweenness(test::edgeless(1)).values, std::vector<double>{0.0});
  EXPECT_EQ(betweenness(test::edgeless(5)).values, std::vector<double>(5, 0.0));
  const BetweennessResult two = betweenness(test::two_components());
  EXPECT_EQ(two.values, (std::vector<double>{0, 0, 0, 0, 2, 2, 0}));
  // Star with a 100,000-leaf hub, sampled: the hub lies on every leaf pair.
  BetweennessOptions o;
  o.mode = BetweennessMode::Sampled;
  o.samples = 64;
  const BetweennessResult st = betweenness(test::star(100000), o);
  EXPECT_FALSE(st.exact);
  const std::vector<double> norm = normalized_betweenness(st.values);
  EXPECT_NEAR(norm[0], 1.0, st.epsilon);
  EXPECT_LE(*std::max_element(norm.begin() + 1, norm.end()), 1e-12);
}

TEST(Betweenness, OptionErrors) {
  const AnalysisGraph g = test::karate();
  auto bad = [&](auto set) {
    BetweennessOptions o;
    set(o);
    EXPECT_THROW((void)betweenness(g, o), std::invalid_argument);
  };
  bad([](BetweennessOptions& o) { o.epsilon = 0; });
  bad([](BetweennessOptions& o) { o.epsilon = 1; });
  bad([](BetweennessOptions& o) { o.delta = 0; });
  bad([](BetweennessOptions& o) { o.delta = std::nan(""); });
  bad([](BetweennessOptions& o) { o.threads = -2; });
  bad([](BetweennessOptions& o) { o.mode = static_cast<BetweennessMode>(9); });
}

}  // namespace
}  // namespace hydrascope
