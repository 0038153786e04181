// PageRank and personalized PageRank: defining properties (sums to 1, fixed
// point of one power step), an independent dense Eigen solve on small graphs,
// the edge-case zoo, thread-count determinism and every option error.
#include <gtest/gtest.h>

#include <Eigen/Dense>

#include <cmath>
#include <numeric>
#include <stdexcept>
#include <vector>

#include "hydrascope/centrality.hpp"
#include "hydrascope/snapshot.hpp"
#include "test_graphs.hpp"

namespace hydrascope {
namespace {

double sum(const std::vector<double>& x) { return std::accumulate(x.begin(), x.end(), 0.0); }

// Dense Google matrix G = alpha * M + (1 - alpha) p 1^T, where column u of M
// is w_u. / s(u), or p for a dangling u. Built from neighbours, not the CSR loop.
Eigen::MatrixXd google_matrix(const AnalysisGraph& g, const Eigen::VectorXd& p, double alpha) {
  const auto n = static_cast<Eigen::Index>(g.num_nodes());
  Eigen::MatrixXd m = Eigen::MatrixXd::Zero(n, n);
  for (Eigen::Index u = 0; u < n; ++u) {
    const auto nb = g.neighbors(static_cast<NodeId>(u));
    const auto ws = g.weights(static_cast<NodeId>(u));
    double s = 0.0;
    for (double w : ws) s += w;
    if (nb.empty()) {
      m.col(u) = p;
    } else {
      for (std::size_t i = 0; i < nb.size(); ++i) m(nb[i], u) += ws[i] / s;
    }
  }
  return alpha * m + (1.0 - alpha) * p * Eigen::RowVectorXd::Ones(n);
}

// Solves x = alpha M x + (1 - alpha) p directly (LU), independent of the iteration.
std::vector<double> dense_pagerank(const AnalysisGraph& g, const Eigen::VectorXd& p, double alpha) {
  const auto n = static_cast<Eigen::Index>(g.num_nodes());
  const Eigen::MatrixXd google = google_matrix(g, p, alpha);
  // (G - I) x = 0 with sum(x) = 1: replace the last equation by the normalisation.
  Eigen::MatrixXd a = google - Eigen::MatrixXd::Identity(n, n);
  Eigen::VectorXd b = Eigen::VectorXd::Zero(n);
  a.row(n - 1).setOnes();
  b(n - 1) = 1.0;
  const Eigen::VectorXd x = a.fullPivLu().solve(b);
  return {x.data(), x.data() + n};
}

Eigen::VectorXd uniform(NodeId n) { return Eigen::VectorXd::Constant(n, 1.0 / n); }

double l1(const std::vector<double>& a, const std::vector<double>& b) {
  double d = 0.0;
  for (std::size_t i = 0; i < a.size(); ++i) d += std::abs(a[i] - b[i]);
  return d;
}

TEST(PageRank, KarateMatchesDenseSolveUnweightedAndWeighted) {
  for (const bool weighted : {false, true}) {
    const AnalysisGraph g = test::karate(weighted);
    ASSERT_EQ(g.num_nodes(), 34u);
    ASSERT_EQ(g.num_edges(), 78u);
    PageRankOptions o;
    o.tolerance = 1e-13;
    o.max_iterations = 1000;
    const CentralityResult r = pagerank(g, o);
    EXPECT_TRUE(r.converged);
    EXPECT_LE(r.residual, o.tolerance);
    EXPECT_GT(r.iterations, 1);
    const std::vector<double> ref = dense_pagerank(g, uniform(34), 0.85);
    for (NodeId v = 0; v < 34; ++v) EXPECT_NEAR(r.values[v], ref[v], 1e-11) << "node " << v;
    EXPECT_NEAR(sum(r.values), 1.0, 1e-12);
  }
}

TEST(PageRank, KarateGoldenTopNodes) {
  // Unweighted karate, alpha 0.85: the two leaders (33 and 0) rank highest,
  // as in every published PageRank of this graph.
  const CentralityResult r = pagerank(test::karate());
  std::vector<NodeId> order(34);
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](NodeId a, NodeId b) { return r.values[a] > r.values[b]; });
  EXPECT_EQ(order[0], 33u);
  EXPECT_EQ(order[1], 0u);
  // python3-igraph 0.10.2: Graph(edges=karate.edges).pagerank() (PRPACK, exact solve)
  EXPECT_NEAR(r.values[33], 0.1009191823326258, 1e-8);
  EXPECT_NEAR(r.values[0], 0.09699728538829475, 1e-8);
}

TEST(PageRank, SumsToOneAndIsAFixedPointOfOnePowerStep) {
  const AnalysisGraph g = test::random_graph(300, 900, 11);  // has isolated (dangling) nodes
  ASSERT_GT(std::count(g.strengths().begin(), g.strengths().end(), 0.0), 0);
  for (const double alpha : {0.0, 0.5, 0.85, 0.99}) {
    PageRankOptions o;
    o.damping = alpha;
    o.tolerance = 1e-10;
    o.max_iterations = 5000;
    const CentralityResult r = pagerank(g, o);
    ASSERT_TRUE(r.converged) << alpha;
    EXPECT_NEAR(sum(r.values), 1.0, 1e-12);
    const Eigen::MatrixXd google = google_matrix(g, uniform(300), alpha);
    const Eigen::VectorXd x = Eigen::Map<const Eigen::VectorXd>(r.values.data(), 300);
    const Eigen::VectorXd step = google * x;
    EXPECT_LE((step - x).lpNorm<1>(), o.tolerance) << alpha;
  }
}

TEST(PageRank, Zoo) {
  // empty
  const CentralityResult e = pagerank(test::edgeless(0));
  EXPECT_TRUE(e.values.empty());
  EXPECT_EQ(e.iterations, 0);
  EXPECT_TRUE(e.converged);
  // one node
  const CentralityResult one = pagerank(test::edgeless(1));
  ASSERT_EQ(one.values.size(), 1u);
  EXPECT_DOUBLE_EQ(one.values[0], 1.0);
  // edgeless: all dangling, uniform, converged at once
  const CentralityResult el = pagerank(test::edgeless(5));
  for (double x : el.values) EXPECT_DOUBLE_EQ(x, 0.2);
  EXPECT_TRUE(el.converged);
  EXPECT_EQ(el.iterations, 1);
  // two components: each keeps its share n_c / n of the mass
  const CentralityResult two = pagerank(test::two_components());
  EXPECT_NEAR(two.values[0] + two.values[1] + two.values[2], 3.0 / 7.0, 1e-9);
  EXPECT_NEAR(two.values[3] + two.values[4] + two.values[5] + two.values[6], 4.0 / 7.0, 1e-9);
  // path symmetry (3 and 6 get different colours, so equal within the tolerance)
  EXPECT_NEAR(two.values[3], two.values[6], 1e-9);
  // star with a 100,000-leaf hub: closed form x_hub = (1 + a L) / (n (1 + a))
  const NodeId leaves = 100000;
  const CentralityResult st = pagerank(test::star(leaves));
  ASSERT_TRUE(st.converged);
  const double a = 0.85, n = leaves + 1.0;
  EXPECT_NEAR(st.values[0], (1 + a * leaves) / (n * (1 + a)), 1e-9);
  EXPECT_NEAR(st.values[1], st.values[leaves], 1e-15);
  EXPECT_NEAR(sum(st.values), 1.0, 1e-9);
}

TEST(PageRank, IdenticalForAnyThreadCount) {
  const AnalysisGraph g = test::random_graph(50000, 200000, 3);  // above the serial cut-off (2^15 nodes)
  PageRankOptions o1, o2;
  o1.threads = 1;
  o2.threads = 2;
  const CentralityResult r1 = pagerank(g, o1);
  const CentralityResult r2 = pagerank(g, o2);
  EXPECT_EQ(r1.values, r2.values);  // bitwise
  EXPECT_EQ(r1.iterations, r2.iterations);
  EXPECT_EQ(r1.residual, r2.residual);
  const std::vector<NodeId> seeds{1, 10, 100};
  EXPECT_EQ(personalized_pagerank(g, seeds, o1).values, personalized_pagerank(g, seeds, o2).values);
}

TEST(PageRank, TogetherWithPersonalizedIsBitForBitEachAlone) {
  // above the serial cut-off (2^15 nodes), and a small graph; relabelled and not
  for (const AnalysisGraph& g : {test::random_graph(40000, 120000, 5), test::karate(true)}) {
    const std::vector<NodeId> seeds{3, 30, 33};
    for (const auto& [threads, ordering] :
         {std::pair{1, PageRankOrdering::Natural}, std::pair{2, PageRankOrdering::DegreeDescending}}) {
      PageRankOptions o;
      o.threads = threads;
      o.ordering = ordering;
      const CentralityResult pr = pagerank(g, o);
      const CentralityResult ppr = personalized_pagerank(g, seeds, o);
      const PageRankPair both = pagerank_and_personalized(g, seeds, o);
      EXPECT_EQ(both.pagerank.values, pr.values);
      EXPECT_EQ(both.pagerank.iterations, pr.iterations);
      EXPECT_EQ(both.pagerank.residual, pr.residual);
      EXPECT_EQ(both.ppr.values, ppr.values);
      EXPECT_EQ(both.ppr.iterations, ppr.iterations);
      EXPECT_TRUE(both.pagerank.converged && both.ppr.converged);
    }
    const PageRankPair none = pagerank_and_personalized(g, {});
    EXPECT_EQ(none.pagerank.values, pagerank(g).values);
    EXPECT_EQ(none.ppr.values, std::vector<double>(g.num_nodes(), 0.0));
    EXPECT_EQ(none.ppr.note, "no seeds: all zeros");
    const std::vector<NodeId> bad{g.num_nodes()};
    EXPECT_THROW((void)pagerank_and_personalized(g, bad), std::invalid_argument);
  }
}

TEST(PageRank, BipartiteGraphConvergesInAboutHalfThePowerIterationsSweeps) {
  // Accounts 0..999 each on 2 of 200 shared entities (a bipartite graph, the
  // slowest case of the power iteration: its error alternates in sign and
  // shrinks by alpha per sweep). The red-black sweep shrinks it by alpha^2.
  std::vector<WeightedEdge> edges;
  for (NodeId a = 0; a < 1000; ++a) {
    edges.push_back({a, 1000 + a % 200, 1.0});
    edges.push_back({a, 1000 + (a * 7 + 3) % 200, 1.0});
  }
  const AnalysisGraph g = AnalysisGraph::from_edges(1200, edges);
  PageRankOptions o;
  o.tolerance = 1e-12;
  const CentralityResult r = pagerank(g, o);
  ASSERT_TRUE(r.converged);
  // power iteration: ln(tolerance / 2) / ln(alpha) = 174 sweeps
  EXPECT_LE(r.iterations, 100);
  const std::vector<double> ref = dense_pagerank(g, uniform(1200), 0.85);
  EXPECT_LE(l1(r.values, ref), 1e-11);
}

TEST(PageRank, DegreeOrderingGivesTheSameVectorAndIsThreadIndependent) {
  const AnalysisGraph g = test::random_graph(40000, 160000, 8);  // above the serial cut-off (2^15 nodes)
  PageRankOptions nat, deg;
  nat.ordering = PageRankOrdering::Natural;
  deg.ordering = PageRankOrdering::DegreeDescending;
  nat.tolerance = deg.tolerance = 1e-13;
  const CentralityResult a = pagerank(g, nat);
  const CentralityResult b = pagerank(g, deg);
  EXPECT_LE(l1(a.values, b.values), 1e-12);
  EXPECT_NEAR(sum(b.values), 1.0, 1e-12);
  const std::vector<NodeId> seeds{7, 70, 700};
  EXPECT_LE(l1(personalized_pagerank(g, seeds, nat).values, personalized_pagerank(g, seeds, deg).values), 1e-12);
  deg.threads = 1;
  const CentralityResult b1 = pagerank(g, deg);
  deg.threads = 2;
  EXPECT_EQ(b1.values, pagerank(g, deg).values);
  // karate: dense reference holds in the relabelled order too
  const AnalysisGraph k = test::karate(true);
  const std::vector<double> ref = dense_pagerank(k, uniform(34), 0.85);
  EXPECT_LE(l1(pagerank(k, deg).values, ref), 1e-8);
}

TEST(PageRank, MaxIterationsCutsAndReportsNotConverged) {
  PageRankOptions o;
  o.max_iterations = 2;
  o.tolerance = 1e-15;
  const CentralityResult r = pagerank(test::karate(), o);
  EXPECT_EQ(r.iterations, 2);
  EXPECT_FALSE(r.converged);
  EXPECT_GT(r.residual, o.tolerance);
}

TEST(PageRank, OptionErrors) {
  const AnalysisGraph g = test::karate();
  auto bad = [&](auto set) {
    PageRankOptions o;
    set(o);
    EXPECT_THROW(o.validate(), std::invalid_argument);
    EXPECT_THROW((void)pagerank(g, o), std::invalid_argument);
  };
  bad([](PageRankOptions& o) { o.damping = 1.0; });
  bad([](PageRankOptions& o) { o.damping = -0.1; });
  bad([](PageRankOptions& o) { o.damping = std::nan(""); });
  bad([](PageRankOptions& o) { o.tolerance = 0.0; });
  bad([](PageRankOptions& o) { o.tolerance = INFINITY; });
  bad([](PageRankOptions& o) { o.max_iterations = 0; });
  bad([](PageRankOptions& o) { o.threads = -1; });
  bad([](PageRankOptions& o) { o.ordering = static_cast<PageRankOrdering>(7); });
  EXPECT_NO_THROW(PageRankOptions{}.validate());
}

TEST(PersonalizedPageRank, MatchesDenseSolve) {
  const AnalysisGraph g = test::karate(true);
  const std::vector<NodeId> seeds{5, 16, 16, 30};  // 16 twice: counts once
  PageRankOptions o;
  o.tolerance = 1e-13;
  o.max_iterations = 1000;
  const CentralityResult r = personalized_pagerank(g, seeds, o);
  ASSERT_TRUE(r.converged);
  Eigen::VectorXd p = Eigen::VectorXd::Zero(34);
  p(5) = p(16) = p(30) = 1.0 / 3.0;
  const std::vector<double> ref = dense_pagerank(g, p, 0.85);
  EXPECT_LE(l1(r.values, ref), 1e-10);
  EXPECT_NEAR(sum(r.values), 1.0, 1e-12);
  EXPECT_TRUE(r.note.empty());
}

TEST(PersonalizedPageRank, DanglingMassGoesToSeedsAndOtherComponentsGetNothing) {
  // nodes 0-6 as two_components plus isolated node 7 (dangling) in a 8-node graph
  std::vector<WeightedEdge> edges{{0, 1, 1}, {1, 2, 2}, {0, 2, 1}, {3, 4, 1}, {4, 5, 1}, {5, 6, 1}};
  const AnalysisGraph g = AnalysisGraph::from_edges(8, edges);
  const std::vector<NodeId> seeds{0, 7};
  PageRankOptions o;
  o.tolerance = 1e-13;
  o.max_iterations = 1000;
  const CentralityResult r = personalized_pagerank(g, seeds, o);
  for (NodeId v = 3; v <= 6; ++v) EXPECT_EQ(r.values[v], 0.0);
  Eigen::VectorXd p = Eigen::VectorXd::Zero(8);
  p(0) = p(7) = 0.5;
  const std::vector<double> ref = dense_pagerank(g, p, 0.85);
  EXPECT_LE(l1(r.values, ref), 1e-10);
}

TEST(PersonalizedPageRank, NoSeedsGivesZerosWithNoteAndBadSeedThrows) {
  const AnalysisGraph g = test::karate();
  const CentralityResult r = personalized_pagerank(g, {});
  EXPECT_EQ(r.values, std::vector<double>(34, 0.0));
  EXPECT_FALSE(r.note.empty());
  EXPECT_TRUE(r.converged);
  const std::vector<NodeId> bad{34};
  EXPECT_THROW((void)personalized_pagerank(g, bad), std::invalid_argument);
  PageRankOptions o;
  o.damping = 2;
  const std::vector<NodeId> ok{1};
  EXPECT_THROW((void)personalized_pagerank(g, ok, o), std::invalid_argument);
  EXPECT_TRUE(personalized_pagerank(test::edgeless(0), {}).values.empty());
}

TEST(SeedNodes, BannedAndSuspectAccountsAscending) {
  SnapshotBuilder b("t");
  RecordRef r;
  b.add_node(r, "a0", "account", Label::Trusted, kNoTime, {}, nullptr);
  b.add_node(r, "a1", "account", Label::Suspect, kNoTime, {}, nullptr);
  b.add_node(r, "ip", "ip", Label::Unknown, kNoTime, {}, nullptr);
  b.add_node(r, "a2", "account", Label::Unknown, kNoTime, {}, nullptr);
  b.add_node(r, "a3", "account", Label::Banned, kNoTime, {}, nullptr);
  const Snapshot s = b.finish();
  EXPECT_EQ(seed_nodes(s), (std::vector<NodeId>{1, 4}));
  EXPECT_TRUE(seed_nodes(SnapshotBuilder("e").finish()).empty());
}

TEST(WeightedDegree, EqualsStrength) {
  const AnalysisGraph g = test::two_components();
  EXPECT_EQ(weighted_degree(g), (std::vector<double>{2, 3, 3, 1, 2, 2, 1}));
  EXPECT_TRUE(weighted_degree(test::edgeless(0)).empty());
}

}  // namespace
}  // namespace hydrascope
