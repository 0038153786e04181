// k-core numbers: Boost.Graph's result on our both-arcs CSR checked against an
// independent naive peeling, the defining property (every node of the k-core
// has >= k neighbours inside it, and the k-core is maximal), a golden result
// on karate, and the edge-case zoo.
#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "hydrascope/centrality.hpp"
#include "test_graphs.hpp"

namespace hydrascope {
namespace {

// Naive reference: for k = 1, 2, ... repeatedly delete nodes with fewer than k
// live neighbours; survivors have core >= k. O(k_max * n * m), small graphs only.
std::vector<std::uint32_t> naive_cores(const AnalysisGraph& g) {
  const NodeId n = g.num_nodes();
  std::vector<std::uint32_t> core(n, 0);
  std::vector<char> alive(n, 1);
  for (std::uint32_t k = 1;; ++k) {
    bool changed = true;
    while (changed) {
      changed = false;
      for (NodeId v = 0; v < n; ++v) {
        if (!alive[v]) continue;
        std::uint32_t d = 0;
        for (NodeId u : g.neighbors(v)) d += alive[u];
        if (d < k) {
          alive[v] = 0;
          changed = true;
        }
      }
    }
    bool any = false;
    for (NodeId v = 0; v < n; ++v)
      if (alive[v]) {
        core[v] = k;
        any = true;
      }
    if (!any) return core;
  }
}

// Every node of the k-core has >= k neighbours in it, for every k.
void expect_core_property(const AnalysisGraph& g, const CoreResult& r) {
  for (std::uint32_t k = 0; k <= r.degeneracy; ++k) {
    const std::vector<NodeId> members = k_core(r, k);
    std::vector<char> in(g.num_nodes(), 0);
    for (NodeId v : members) in[v] = 1;
    for (NodeId v : members) {
      std::uint32_t inside = 0;
      for (NodeId u : g.neighbors(v)) inside += in[u];
      EXPECT_GE(inside, k) << "node " << v << " in the " << k << "-core";
    }
  }
}

TEST(CoreNumbers, KarateGolden) {
  const AnalysisGraph g = test::karate();
  const CoreResult r = core_numbers(g);
  // python3-igraph 0.10.2: Graph(edges=karate.edges).coreness()
  const std::vector<std::uint32_t> golden{4, 4, 4, 4, 3, 3, 3, 4, 4, 2, 3, 1, 2, 4, 2, 2, 2,
                                          2, 2, 3, 2, 2, 2, 3, 3, 3, 2, 3, 3, 3, 4, 3, 4, 4};
  EXPECT_EQ(r.core, golden);
  EXPECT_EQ(r.degeneracy, 4u);
  expect_core_property(g, r);
}

TEST(CoreNumbers, MatchesNaivePeelingOnRandomGraphs) {
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    const NodeId n = 50 + static_cast<NodeId>(seed * 13);
    const AnalysisGraph g = test::random_graph(n, n * (1 + seed % 6), seed);
    const CoreResult r = core_numbers(g);
    EXPECT_EQ(r.core, naive_cores(g)) << "seed " << seed;
    expect_core_property(g, r);
  }
}

TEST(CoreNumbers, WeightsDoNotMatter) {
  EXPECT_EQ(core_numbers(test::karate(true)).core, core_numbers(test::karate(false)).core);
}

TEST(CoreNumbers, CliqueWithTail) {
  // K5 on 0..4, tail 4-5-6: clique nodes 4, tail 1.
  std::vector<WeightedEdge> e;
  for (NodeId i = 0; i < 5; ++i)
    for (NodeId j = i + 1; j < 5; ++j) e.push_back({i, j, 1});
  e.push_back({4, 5, 1});
  e.push_back({5, 6, 1});
  const AnalysisGraph g = AnalysisGraph::from_edges(7, e);
  const CoreResult r = core_numbers(g);
  EXPECT_EQ(r.core, (std::vector<std::uint32_t>{4, 4, 4, 4, 4, 1, 1}));
  EXPECT_EQ(k_core(r, 4), (std::vector<NodeId>{0, 1, 2, 3, 4}));
  EXPECT_EQ(k_core(r, 5), std::vector<NodeId>{});
}

TEST(CoreNumbers, Zoo) {
  EXPECT_TRUE(core_numbers(test::edgeless(0)).core.empty());
  EXPECT_EQ(core_numbers(test::edgeless(0)).degeneracy, 0u);
  EXPECT_EQ(core_numbers(test::edgeless(1)).core, std::vector<std::uint32_t>{0});
  EXPECT_EQ(core_numbers(test::edgeless(4)).core, std::vector<std::uint32_t>(4, 0));
  const CoreResult two = core_numbers(test::two_components());
  EXPECT_EQ(two.core, (std::vector<std::uint32_t>{2, 2, 2, 1, 1, 1, 1}));
  const CoreResult st = core_numbers(test::star(100000));
  EXPECT_EQ(st.degeneracy, 1u);
  EXPECT_EQ(std::count(st.core.begin(), st.core.end(), 1u), 100001);
}

}  // namespace
}  // namespace hydrascope
