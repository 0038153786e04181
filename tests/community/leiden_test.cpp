// Leiden, Louvain and label propagation: edge-case zoo for every algorithm,
// defining properties against independent serial checks, determinism, and
// golden results on the reference graphs in datasets/.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "hydrascope/community.hpp"
#include "test_graphs.hpp"

namespace hydrascope {
namespace {

using testing::planted;

// Independent O(n^2) modularity: (1/2m) sum_ij (A_ij - gamma k_i k_j / 2m) [c_i == c_j].
double brute_modularity(const AnalysisGraph& g, const Partition& p, double gamma) {
  const NodeId n = g.num_nodes();
  const double two_m = 2.0 * g.total_weight();
  std::vector<std::map<NodeId, double>> a(n);
  for (NodeId u = 0; u < n; ++u) {
    for (std::size_t i = 0; i < g.neighbors(u).size(); ++i) a[u][g.neighbors(u)[i]] = g.weights(u)[i];
  }
  double q = 0.0;
  for (NodeId i = 0; i < n; ++i) {
    for (NodeId j = 0; j < n; ++j) {
      if (p.membership[i] != p.membership[j]) continue;
      const auto it = a[i].find(j);
      q += (it == a[i].end() ? 0.0 : it->second) - gamma * g.strength(i) * g.strength(j) / two_m;
    }
  }
  return q / two_m;
}

// Largest modularity gain of moving one node to a neighbour's community or alone.
double best_single_move_gain(const AnalysisGraph& g, const Partition& p, double gamma) {
  const NodeId n = g.num_nodes();
  const double m = g.total_weight();
  std::vector<double> tot(p.num_communities, 0.0);
  for (NodeId v = 0; v < n; ++v) tot[p.membership[v]] += g.strength(v);
  double best = 0.0;
  for (NodeId v = 0; v < n; ++v) {
    std::map<CommunityId, double> w;
    for (std::size_t i = 0; i < g.neighbors(v).size(); ++i) w[p.membership[g.neighbors(v)[i]]] += g.weights(v)[i];
    const CommunityId own = p.membership[v];
    const double k = g.strength(v);
    const double stay = w[own] / m - gamma * k * (tot[own] - k) / (2 * m * m);
    best = std::max(best, 0.0 - stay);  // alone
    for (const auto& [c, wc] : w) {
      if (c != own) best = std::max(best, wc / m - gamma * k * tot[c] / (2 * m * m) - stay);
    }
  }
  return best;
}

CommunityOptions opts(Algorithm a, int threads = 1, std::uint64_t seed = 1) {
  CommunityOptions o;
  o.algorithm = a;
  o.threads = threads;
  o.seed = seed;
  return o;
}

void expect_valid(const Partition& p, NodeId n) {
  ASSERT_EQ(p.membership.size(), n);
  std::vector<std::uint64_t> sizes(p.num_communities, 0);
  for (CommunityId c : p.membership) {
    ASSERT_LT(c, p.num_communities);
    ++sizes[c];
  }
  for (CommunityId c = 0; c < p.num_communities; ++c) {
    EXPECT_GT(sizes[c], 0u);
    if (c > 0) {
      EXPECT_LE(sizes[c], sizes[c - 1]);  // canonical: sizes descending
    }
  }
}

// ---- edge-case zoo, every algorithm ---------------------------------------

class Zoo : public ::testing::TestWithParam<Algorithm> {};

TEST_P(Zoo, EmptyGraph) {
  const AnalysisGraph g = AnalysisGraph::from_edges(0, {});
  const CommunityResult r = detect_communities(g, opts(GetParam()));
  EXPECT_EQ(r.partition.num_communities, 0u);
  EXPECT_EQ(r.quality, 0.0);
}

TEST_P(Zoo, OneNode) {
  const AnalysisGraph g = AnalysisGraph::from_edges(1, {});
  const CommunityResult r = detect_communities(g, opts(GetParam()));
  EXPECT_EQ(r.partition.membership, std::vector<CommunityId>{0});
  EXPECT_EQ(r.quality, 0.0);
}

TEST_P(Zoo, NoEdgesGivesSingletons) {
  const AnalysisGraph g = AnalysisGraph::from_edges(5, {});
  const CommunityResult r = detect_communities(g, opts(GetParam()));
  EXPECT_EQ(r.partition.num_communities, 5u);
  expect_valid(r.partition, 5);
}

TEST_P(Zoo, TwoComponentsSplit) {
  //  0-1-2 triangle   3-4-5 triangle   (no edge between)
  const std::vector<WeightedEdge> e{{0, 1}, {1, 2}, {0, 2}, {3, 4}, {4, 5}, {3, 5}};
  const AnalysisGraph g = AnalysisGraph::from_edges(6, e);
  const CommunityResult r = detect_communities(g, opts(GetParam()));
  EXPECT_EQ(r.partition.membership, (std::vector<CommunityId>{0, 0, 0, 1, 1, 1}));
  EXPECT_NEAR(r.quality, 0.5, 1e-12);
}

TEST_P(Zoo, StarWithHundredThousandLeaves) {
  const NodeId leaves = 100000;
  std::vector<WeightedEdge> edges;
  for (NodeId v = 1; v <= leaves; ++v) edges.push_back({0, v, 1.0});
  const AnalysisGraph g = AnalysisGraph::from_edges(leaves + 1, edges);
  const CommunityResult r = detect_communities(g, opts(GetParam(), 2));
  expect_valid(r.partition, leaves + 1);
  EXPECT_TRUE(communities_connected(g, r.partition));
  EXPECT_NEAR(r.quality, modularity(g, r.partition), 1e-12);
  EXPECT_GT(r.quality, -1e-9);  // a star has no community structure: Q = 0 at best
}

TEST_P(Zoo, AllWeightsEqualMatchesUnitAndHugeWeights) {
  // Two 5-cliques joined by one edge: the split is the only sensible answer,
  // whatever the common weight (modularity is scale-free).
  auto make = [](double w) {
    std::vector<WeightedEdge> e;
    for (NodeId a = 0; a < 5; ++a)
      for (NodeId b = a + 1; b < 5; ++b) {
        e.push_back({a, b, w});
        e.push_back({a + 5, b + 5, w});
      }
    e.push_back({4, 5, w});
    return AnalysisGraph::from_edges(10, e);
  };
  if (GetParam() == Algorithm::Components) GTEST_SKIP() << "one component by construction";
  const std::vector<CommunityId> split{0, 0, 0, 0, 0, 1, 1, 1, 1, 1};
  for (double w : {1.0, 7.5, 1e-200, 1e200}) {
    const AnalysisGraph g = make(w);
    const CommunityResult r = detect_communities(g, opts(GetParam()));
    EXPECT_EQ(r.partition.membership, split) << "weight " << w;
    EXPECT_TRUE(std::isfinite(r.quality)) << "weight " << w;
    EXPECT_NEAR(r.quality, modularity(make(1.0), r.partition), 1e-9) << "weight " << w;
  }
}

INSTANTIATE_TEST_SUITE_P(AllAlgorithms, Zoo,
                         ::testing::Values(Algorithm::Leiden, Algorithm::Louvain, Algorithm::LabelPropagation,
                                           Algorithm::Components),
                         [](const auto& info) { return std::string(to_string(info.param)); });

// ---- defining properties ---------------------------------------------------

struct Case {
  int groups, size;
  double p_in, p_out;
  bool weighted;
};

class LeidenProperties : public ::testing::TestWithParam<Case> {};

TEST_P(LeidenProperties, ConnectedQualityExactNodeOptimalDeterministic) {
  const Case c = GetParam();
  for (std::uint64_t gseed : {1u, 2u, 3u}) {
    const AnalysisGraph g = planted(c.groups, c.size, c.p_in, c.p_out, gseed, c.weighted);
    for (double gamma : {0.5, 1.0, 2.0}) {
      CommunityOptions o = opts(Algorithm::Leiden, 1, gseed);
      o.resolution = gamma;
      o.max_iterations = 100;  // run to a fixed point
      const CommunityResult r1 = detect_communities(g, o);
      expect_valid(r1.partition, g.num_nodes());
      EXPECT_TRUE(r1.converged);
      EXPECT_TRUE(communities_connected(g, r1.partition));
      EXPECT_NEAR(r1.quality, brute_modularity(g, r1.partition, gamma), 1e-10);
      EXPECT_LT(best_single_move_gain(g, r1.partition, gamma), 1e-10);
      o.threads = 2;
      const CommunityResult r2 = detect_communities(g, o);
      EXPECT_EQ(r1.partition.membership, r2.partition.membership);
      EXPECT_EQ(detect_communities(g, o).partition.membership, r2.partition.membership);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Planted, LeidenProperties,
                         ::testing::Values(Case{4, 25, 0.3, 0.02, false}, Case{8, 30, 0.2, 0.03, true},
                                           Case{3, 60, 0.05, 0.04, false}, Case{20, 10, 0.5, 0.01, true}));

TEST(Leiden, ConnectedOnSparseNoisyGraphs) {
  // Sparse graphs are where Louvain makes disconnected communities; Leiden must not.
  for (std::uint64_t seed = 1; seed <= 10; ++seed) {
    const AnalysisGraph g = planted(10, 40, 0.06, 0.01, seed, true);
    for (int threads : {1, 2}) {
      const CommunityResult r = detect_communities(g, opts(Algorithm::Leiden, threads, seed));
      EXPECT_TRUE(communities_connected(g, r.partition)) << "seed " << seed;
    }
  }
}

TEST(Leiden, FinishedComponentsStayWhole) {
  // 30 disjoint 4-cliques beside a planted-partition graph: the cliques become
  // isolated aggregate nodes after one level (and leave the search) while the
  // rest is still being merged; each must stay exactly one community.
  const AnalysisGraph base = planted(5, 40, 0.2, 0.01, 11, false);
  std::vector<WeightedEdge> edges;
  for (NodeId u = 0; u < base.num_nodes(); ++u)
    for (std::size_t i = 0; i < base.neighbors(u).size(); ++i)
      if (base.neighbors(u)[i] > u) edges.push_back({u, base.neighbors(u)[i], 1.0});
  const NodeId first = base.num_nodes();
  for (NodeId k = 0; k < 30; ++k)
    for (NodeId a = 0; a < 4; ++a)
      for (NodeId b = a + 1; b < 4; ++b) edges.push_back({first + 4 * k + a, first + 4 * k + b, 1.0});
  const AnalysisGraph g = AnalysisGraph::from_edges(first + 120, edges);
  for (const Algorithm a : {Algorithm::Leiden, Algorithm::Louvain}) {
    const Partition p = detect_communities(g, opts(a, 2)).partition;
    std::vector<CommunityId> seen;
    for (NodeId k = 0; k < 30; ++k) {
      const CommunityId c = p.membership[first + 4 * k];
      for (NodeId a2 = 1; a2 < 4; ++a2) EXPECT_EQ(p.membership[first + 4 * k + a2], c) << "clique " << k;
      seen.push_back(c);
    }
    std::sort(seen.begin(), seen.end());
    EXPECT_EQ(std::unique(seen.begin(), seen.end()), seen.end()) << "two cliques share a community";
    EXPECT_NEAR(detect_communities(g, opts(a, 1)).quality, modularity(g, p), 1e-12);
  }
}

TEST(Leiden, CpmQualityAndDensity) {
  const AnalysisGraph g = planted(6, 20, 0.6, 0.02, 5, false);
  CommunityOptions o = CommunityOptions::leiden_cpm(0.3);
  o.max_iterations = 100;
  const CommunityResult r = detect_communities(g, o);
  EXPECT_NEAR(r.quality, cpm_quality(g, r.partition, 0.3), 1e-9);
  EXPECT_TRUE(communities_connected(g, r.partition));
  EXPECT_GT(r.quality, cpm_quality(g, canonicalize(std::vector<std::uint64_t>(g.num_nodes(), 0)), 0.3));
  // CPM at resolution 0.3 recovers the dense groups.
  EXPECT_EQ(r.partition.num_communities, 6u);
  // A resolution above every density leaves singletons (no merge gains).
  o.resolution = 1.5;
  EXPECT_EQ(detect_communities(g, o).partition.num_communities, g.num_nodes());
}

TEST(Leiden, SameSeedSameResultDifferentSeedsStillGood) {
  std::vector<std::uint64_t> truth;
  const AnalysisGraph g = planted(8, 50, 0.2, 0.01, 9, false, &truth);
  const Partition a = detect_communities(g, opts(Algorithm::Leiden, 1, 42)).partition;
  const Partition b = detect_communities(g, opts(Algorithm::Leiden, 1, 42)).partition;
  EXPECT_EQ(a.membership, b.membership);
  for (std::uint64_t seed : {1u, 2u, 3u}) {
    const Partition p = detect_communities(g, opts(Algorithm::Leiden, 2, seed)).partition;
    std::vector<std::uint64_t> mine(p.membership.begin(), p.membership.end());
    EXPECT_GT(normalized_mutual_information(mine, truth), 0.95);
  }
}

TEST(Leiden, ResultDiagnostics) {
  const AnalysisGraph g = planted(5, 30, 0.3, 0.02, 4, false);
  const CommunityResult r = detect_communities(g, opts(Algorithm::Leiden, 2));
  EXPECT_GE(r.levels, 2);
  EXPECT_GE(r.iterations, 1);
  EXPECT_GT(r.moves, 0u);
  EXPECT_EQ(r.threads, 2 > 0 ? r.threads : 0);
  EXPECT_GE(r.seconds.total, r.seconds.local_moving);
}

TEST(Leiden, CancelThrows) {
  const AnalysisGraph g = planted(5, 30, 0.3, 0.02, 4, false);
  std::atomic<bool> flag{true};
  CommunityOptions o;
  o.cancel.flag = &flag;
  EXPECT_THROW((void)detect_communities(g, o), Cancelled);
}

TEST(Louvain, DeterministicAndQualityExact) {
  const AnalysisGraph g = planted(8, 30, 0.2, 0.03, 7, true);
  const CommunityResult a = detect_communities(g, opts(Algorithm::Louvain, 1));
  const CommunityResult b = detect_communities(g, opts(Algorithm::Louvain, 2));
  EXPECT_EQ(a.partition.membership, b.partition.membership);
  EXPECT_NEAR(a.quality, brute_modularity(g, a.partition, 1.0), 1e-10);
  EXPECT_GT(a.quality, 0.3);
}

TEST(LabelPropagation, RecoversClearGroupsAndIsDeterministic) {
  std::vector<std::uint64_t> truth;
  const AnalysisGraph g = planted(6, 40, 0.4, 0.005, 3, false, &truth);
  const CommunityResult a = detect_communities(g, opts(Algorithm::LabelPropagation, 1));
  const CommunityResult b = detect_communities(g, opts(Algorithm::LabelPropagation, 2));
  EXPECT_EQ(a.partition.membership, b.partition.membership);
  std::vector<std::uint64_t> mine(a.partition.membership.begin(), a.partition.membership.end());
  EXPECT_GT(normalized_mutual_information(mine, truth), 0.95);
  EXPECT_TRUE(a.converged);
}

// ---- warm start (CommunityOptions::initial) ---------------------------------

TEST(WarmStart, EveryNodeAloneIsTheColdStart) {
  const AnalysisGraph g = planted(8, 30, 0.2, 0.03, 7, true);
  for (const Algorithm a : {Algorithm::Leiden, Algorithm::Louvain, Algorithm::LabelPropagation}) {
    const std::vector<CommunityId> alone(g.num_nodes(), kNoCommunity);
    CommunityOptions o = opts(a, 2);
    const Partition cold = detect_communities(g, o).partition;
    o.initial = alone;
    EXPECT_EQ(detect_communities(g, o).partition.membership, cold.membership);
  }
}

TEST(WarmStart, FromTheAnswerStaysThereDeterministically) {
  // Starting from the planted groups (labels in any numbering), Leiden keeps
  // them: no node gains by moving, the result is the same for 1 and 2 threads.
  std::vector<std::uint64_t> truth;
  const AnalysisGraph g = planted(8, 50, 0.2, 0.01, 9, false, &truth);
  std::vector<CommunityId> start(g.num_nodes());
  for (NodeId v = 0; v < g.num_nodes(); ++v) start[v] = static_cast<CommunityId>(1000 + 7 * truth[v]);
  CommunityOptions o = opts(Algorithm::Leiden, 1);
  o.initial = start;
  const CommunityResult a = detect_communities(g, o);
  o.threads = 2;
  const CommunityResult b = detect_communities(g, o);
  EXPECT_EQ(a.partition.membership, b.partition.membership);
  std::vector<std::uint64_t> mine(a.partition.membership.begin(), a.partition.membership.end());
  EXPECT_NEAR(normalized_mutual_information(mine, truth), 1.0, 1e-12);
  EXPECT_NEAR(a.quality, brute_modularity(g, a.partition, 1.0), 1e-10);
  EXPECT_LT(best_single_move_gain(g, a.partition, 1.0), 1e-10);
}

TEST(WarmStart, FromAPreviousRunIsAsGoodAsCold) {
  // A graph that changed a little (the previous one plus a few edges): the
  // warm start from the previous partition reaches the cold start's quality.
  const AnalysisGraph g0 = planted(12, 40, 0.15, 0.01, 21, true);
  const Partition before = detect_communities(g0, opts(Algorithm::Leiden, 2)).partition;
  std::vector<WeightedEdge> edges;
  for (NodeId u = 0; u < g0.num_nodes(); ++u)
    for (std::size_t i = 0; i < g0.neighbors(u).size(); ++i)
      if (g0.neighbors(u)[i] > u) edges.push_back({u, g0.neighbors(u)[i], g0.weights(u)[i]});
  for (NodeId k = 0; k < 20; ++k) edges.push_back({k * 17 % 480, (k * 31 + 200) % 480, 1.0});
  const AnalysisGraph g = AnalysisGraph::from_edges(g0.num_nodes() + 10, edges);  // 10 new isolated nodes
  std::vector<CommunityId> start(g.num_nodes(), kNoCommunity);
  for (NodeId v = 0; v < g0.num_nodes(); ++v) start[v] = before.membership[v];
  CommunityOptions o = opts(Algorithm::Leiden, 2);
  const CommunityResult cold = detect_communities(g, o);
  o.initial = start;
  const CommunityResult warm = detect_communities(g, o);
  EXPECT_GE(warm.quality, cold.quality - 1e-3);
  EXPECT_TRUE(communities_connected(g, warm.partition));
  EXPECT_NEAR(warm.quality, modularity(g, warm.partition), 1e-12);
}

TEST(WarmStart, DisconnectedStartingCommunitiesAreTakenApart) {
  // Every node starts in one community: the groups are found from there and
  // every community is connected.
  std::vector<std::uint64_t> truth;
  const AnalysisGraph g = planted(6, 30, 0.3, 0.0, 4, false, &truth);  // six components
  const std::vector<CommunityId> one(g.num_nodes(), 5);
  CommunityOptions o = opts(Algorithm::Leiden, 1);
  o.initial = one;
  const CommunityResult r = detect_communities(g, o);
  EXPECT_TRUE(communities_connected(g, r.partition));
  std::vector<std::uint64_t> mine(r.partition.membership.begin(), r.partition.membership.end());
  EXPECT_GT(normalized_mutual_information(mine, truth), 0.95);
}

TEST(WarmStart, WrongLengthIsRefused) {
  const AnalysisGraph g = planted(2, 10, 0.5, 0.1, 1, false);
  const std::vector<CommunityId> short_start(g.num_nodes() - 1, 0);
  CommunityOptions o;
  o.initial = short_start;
  EXPECT_THROW((void)detect_communities(g, o), std::invalid_argument);
}

// ---- golden results on datasets/ -------------------------------------------

const std::string kData = HYDRASCOPE_TEST_DATASETS;

TEST(Golden, KarateModularity) {
  const AnalysisGraph g = testing::read_edge_list(kData + "/karate/karate.edges");
  ASSERT_EQ(g.num_nodes(), 34u);
  ASSERT_EQ(g.num_edges(), 78u);
  for (int threads : {1, 2}) {
    const CommunityResult r = detect_communities(g, opts(Algorithm::Leiden, threads));
    EXPECT_GE(r.quality, 0.4190);  // best known 0.4198
    EXPECT_TRUE(communities_connected(g, r.partition));
  }
}

TEST(Golden, FootballConferences) {
  const AnalysisGraph g = testing::read_edge_list(kData + "/football/football.edges");
  const auto truth = testing::read_labels(kData + "/football/football.labels", g.num_nodes());
  const CommunityResult r = detect_communities(g, opts(Algorithm::Leiden, 2));
  std::vector<std::uint64_t> mine(r.partition.membership.begin(), r.partition.membership.end());
  EXPECT_GE(normalized_mutual_information(mine, truth), 0.85);
  EXPECT_GE(r.quality, 0.60);
}

TEST(Golden, EmailEuCoreAtLeastIgraph) {
  // igraph's community_leiden reaches 0.417 on most seeds (and 0.4135-0.4156 on
  // unlucky ones). Over 20 seeds our median is 0.4168 and the lowest 0.4135:
  // on this dense graph (mean degree 32) igraph is about 0.0015 higher on
  // average (bench/modularity_seeds.py on the same file: 0.4379 against
  // 0.4394 by igraph's own count; docs/performance.md, "(c) Edge-list
  // detection"). The bounds hold that level; a regression falls under them.
  const AnalysisGraph g = testing::read_edge_list(kData + "/email-eu-core/email-Eu-core.txt");
  ASSERT_EQ(g.num_nodes(), 1005u);
  std::vector<double> q;
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    const CommunityResult r = detect_communities(g, opts(Algorithm::Leiden, 2, seed));
    EXPECT_TRUE(communities_connected(g, r.partition));
    q.push_back(r.quality);
  }
  std::sort(q.begin(), q.end());
  EXPECT_GE(q[10], 0.4165);
  EXPECT_GE(q[0], 0.413);
}

}  // namespace
}  // namespace hydrascope
