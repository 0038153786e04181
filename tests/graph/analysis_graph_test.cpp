// AnalysisGraph: CSR invariants, parallel-edge combining, weights, hub cap
// and damping, Incidence.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "hydrascope/graph.hpp"

namespace hydrascope {
namespace {

TEST(AnalysisGraph, FromEdgesSymmetricSortedCombined) {
  //  0 - 1 (1 + 2 given twice, reversed) ; 1 - 2 ; self-loop 2-2 dropped
  std::vector<WeightedEdge> e{{0, 1, 1.0}, {2, 1, 4.0}, {1, 0, 2.0}, {2, 2, 5.0}};
  AnalysisGraph g = AnalysisGraph::from_edges(3, e);
  g.validate();
  EXPECT_EQ(g.num_nodes(), 3u);
  EXPECT_EQ(g.num_edges(), 2u);
  ASSERT_EQ(g.neighbors(1).size(), 2u);
  EXPECT_EQ(g.neighbors(1)[0], 0u);
  EXPECT_DOUBLE_EQ(g.weights(1)[0], 3.0);
  EXPECT_DOUBLE_EQ(g.strength(1), 7.0);
  EXPECT_DOUBLE_EQ(g.total_weight(), 7.0);
  AnalysisGraph gmax = AnalysisGraph::from_edges(3, e, MultiEdge::Max);
  EXPECT_DOUBLE_EQ(gmax.weights(0)[0], 2.0);
}

TEST(AnalysisGraph, EdgeCaseZoo) {
  AnalysisGraph empty = AnalysisGraph::from_edges(0, {});
  empty.validate();
  EXPECT_EQ(empty.num_nodes(), 0u);
  AnalysisGraph one = AnalysisGraph::from_edges(1, {});
  one.validate();
  EXPECT_EQ(one.degree(0), 0u);
  AnalysisGraph edgeless = AnalysisGraph::from_edges(5, {});
  edgeless.validate();
  EXPECT_EQ(edgeless.total_weight(), 0.0);
  std::vector<WeightedEdge> star;
  for (NodeId v = 1; v <= 100000; ++v) star.push_back({0, v, 1.0});
  AnalysisGraph s = AnalysisGraph::from_edges(100001, star);
  s.validate();
  EXPECT_EQ(s.degree(0), 100000u);
  EXPECT_DOUBLE_EQ(s.strength(0), 100000.0);
}

TEST(AnalysisGraph, RejectsBadEdges) {
  std::vector<WeightedEdge> bad{{0, 3, 1.0}};
  EXPECT_THROW((void)AnalysisGraph::from_edges(3, bad), std::invalid_argument);
  std::vector<WeightedEdge> nan{{0, 1, std::nan("")}};
  EXPECT_THROW((void)AnalysisGraph::from_edges(3, nan), std::invalid_argument);
}

TEST(AnalysisGraph, ValidateCatchesAsymmetry) {
  EXPECT_THROW((void)AnalysisGraph::from_csr({0, 1, 1}, {1}, {1.0}), std::logic_error);
  AnalysisGraph ok = AnalysisGraph::from_csr({0, 1, 2}, {1, 0}, {2.0, 2.0});
  EXPECT_DOUBLE_EQ(ok.total_weight(), 2.0);
}

Snapshot hub_snapshot(int accounts_on_hub) {
  // accounts a0..aK all on ip:hub; a0 and a1 also share card pm:1.
  SnapshotBuilder b("t");
  RecordRef r;
  b.add_node(r, "ip:hub", "ip", Label::Unknown, kNoTime, {}, nullptr);
  b.add_node(r, "pm:1", "payment_method", Label::Unknown, kNoTime, {}, nullptr);
  for (int i = 0; i < accounts_on_hub; ++i) {
    const std::string id = "a" + std::to_string(i);
    b.add_node(r, id, "account", Label::Unknown, kNoTime, {}, nullptr);
    b.add_edge(r, id, "ip:hub", "uses_ip", 1, kNoTime, kNoTime);
  }
  b.add_edge(r, "a0", "pm:1", "paid_with", 1, kNoTime, kNoTime);
  b.add_edge(r, "a1", "pm:1", "paid_with", 1, kNoTime, kNoTime);
  return b.finish();
}

TEST(BuildAnalysisGraph, DegreeCapRemovesHubEdgesButKeepsNode) {
  Snapshot s = hub_snapshot(10);
  GraphOptions o;
  o.degree_cap = 5;
  GraphBuildReport rep;
  AnalysisGraph g = build_analysis_graph(s, o, &rep);
  g.validate();
  EXPECT_EQ(g.num_nodes(), s.num_nodes());
  EXPECT_EQ(rep.excluded_hubs, 1u);
  EXPECT_EQ(rep.excluded_edges, 10u);
  EXPECT_EQ(g.degree(s.find_node("ip:hub")), 0u);
  EXPECT_EQ(g.num_edges(), 2u);
}

TEST(BuildAnalysisGraph, DampingAndTypeWeights) {
  Snapshot s = hub_snapshot(10);
  GraphOptions o;
  o.degree_cap = 0;
  o.weight_source = WeightSource::Unit;
  o.damping = HubDamping::InvDegree;
  AnalysisGraph g = build_analysis_graph(s, o);
  const NodeId a0 = s.find_node("a0");
  const NodeId hub = s.find_node("ip:hub");
  const NodeId pm = s.find_node("pm:1");
  auto weight = [&](NodeId u, NodeId v) {
    const auto nb = g.neighbors(u);
    for (std::size_t i = 0; i < nb.size(); ++i)
      if (nb[i] == v) return g.weights(u)[i];
    return 0.0;
  };
  EXPECT_DOUBLE_EQ(weight(a0, hub), 1.0 / 10.0);
  EXPECT_DOUBLE_EQ(weight(a0, pm), 3.0 / 2.0);  // paid_with x3, card degree 2
  o.damping = HubDamping::None;
  o.type_weight = {{"paid_with", 0.5}};
  AnalysisGraph g2 = build_analysis_graph(s, o);
  EXPECT_DOUBLE_EQ(g2.strength(pm), 1.0);
  GraphOptions bad;
  bad.default_type_weight = -1;
  EXPECT_THROW((void)build_analysis_graph(s, bad), std::invalid_argument);
}

TEST(Incidence, RowsSortedAndComplete) {
  Snapshot s = hub_snapshot(4);
  Incidence inc = build_incidence(s);
  const NodeId hub = s.find_node("ip:hub");
  EXPECT_EQ(inc.degree(hub), 4u);
  const NodeId a0 = s.find_node("a0");
  ASSERT_EQ(inc.degree(a0), 2u);
  EXPECT_LT(inc.neighbors(a0)[0], inc.neighbors(a0)[1]);
  for (NodeId v = 0; v < s.num_nodes(); ++v) {
    for (std::size_t i = 0; i < inc.neighbors(v).size(); ++i) {
      const EdgeId e = inc.edges(v)[i];
      const NodeId u = inc.neighbors(v)[i];
      EXPECT_TRUE((s.edge_src(e) == v && s.edge_dst(e) == u) || (s.edge_dst(e) == v && s.edge_src(e) == u));
    }
  }
  const auto d = distinct_degrees(inc);
  EXPECT_EQ(d[hub], 4u);
}

}  // namespace
}  // namespace hydrascope
