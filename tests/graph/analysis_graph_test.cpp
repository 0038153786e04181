// AnalysisGraph: CSR invariants, parallel-edge combining, weights, hub cap
// and damping, Incidence.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <tuple>
#include <utility>
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

// Types the generator never writes: accounts a0..a5 with phones (shared by
// 2 or 3 accounts), email domains and friend links between accounts, and a
// proxy -> ip edge between two entities. No two edges join the same pair, so
// every analysis edge is one snapshot edge.
Snapshot invented_types_snapshot() {
  SnapshotBuilder b("t");
  RecordRef r;
  for (int i = 0; i < 6; ++i) b.add_node(r, "a" + std::to_string(i), "account", Label::Unknown, kNoTime, {}, nullptr);
  for (const char* id : {"ph:1", "ph:2", "ph:3"}) b.add_node(r, id, "phone", Label::Unknown, kNoTime, {}, nullptr);
  for (const char* id : {"dom:1", "dom:2"}) b.add_node(r, id, "email_domain", Label::Unknown, kNoTime, {}, nullptr);
  b.add_node(r, "px:1", "proxy", Label::Unknown, kNoTime, {}, nullptr);
  b.add_node(r, "ip:1", "ip", Label::Unknown, kNoTime, {}, nullptr);
  const std::vector<std::tuple<const char*, const char*, const char*>> edges = {
      {"a0", "ph:1", "has_phone"}, {"a1", "ph:1", "has_phone"}, {"a0", "ph:2", "has_phone"},
      {"a2", "ph:2", "has_phone"}, {"a3", "ph:2", "has_phone"}, {"a0", "ph:3", "has_phone"},
      {"a4", "ph:3", "has_phone"}, {"a0", "dom:1", "email_at"}, {"a1", "dom:1", "email_at"},
      {"a5", "dom:2", "email_at"}, {"a0", "a1", "friend"},       {"a0", "a2", "friend"},
      {"a3", "a0", "friend"},      {"a4", "a5", "friend"},       {"a1", "px:1", "via"},
      {"px:1", "ip:1", "egress"},
  };
  for (const auto& [u, v, t] : edges) b.add_edge(r, u, v, t, 1, kNoTime, kNoTime);
  return b.finish();
}

double arc_weight(const AnalysisGraph& g, NodeId u, NodeId v) {
  const auto nb = g.neighbors(u);
  for (std::size_t i = 0; i < nb.size(); ++i)
    if (nb[i] == v) return g.weights(u)[i];
  return 0.0;
}

// spread: every account spreads one unit over its edges of each type, on top
// of the entity side's damping. Undoing the other end's share (the entity's
// 1/degree, or the other account's 1/k for an account-to-account edge), the
// weights of each account's edges of each type sum to 1.
TEST(BuildAnalysisGraph, SpreadGivesEveryAccountOneUnitPerType) {
  const Snapshot s = invented_types_snapshot();
  GraphOptions o;
  o.weight_source = WeightSource::Unit;
  o.type_weighting = TypeWeighting::Spread;
  const AnalysisGraph g = build_analysis_graph(s, o);
  g.validate();
  const NodeId n = s.num_nodes();
  std::vector<double> deg(n, 0.0);
  std::map<std::pair<NodeId, std::uint32_t>, double> k;  // (account, type) -> edges
  for (EdgeId e = 0; e < s.num_edges(); ++e) {
    for (const NodeId x : {s.edge_src(e), s.edge_dst(e)}) {
      deg[x] += 1.0;
      if (s.kind(x) == NodeKind::Account) k[{x, s.edge_type_index(e)}] += 1.0;
    }
  }
  std::map<std::pair<NodeId, std::uint32_t>, double> total;
  for (EdgeId e = 0; e < s.num_edges(); ++e) {
    const NodeId u = s.edge_src(e), v = s.edge_dst(e);
    const std::uint32_t t = s.edge_type_index(e);
    const double w = arc_weight(g, u, v);
    ASSERT_GT(w, 0.0);
    const auto share = [&](NodeId x) { return s.kind(x) == NodeKind::Account ? 1.0 / k[{x, t}] : 1.0 / deg[x]; };
    if (s.kind(u) == NodeKind::Account) total[{u, t}] += w / share(v);
    if (s.kind(v) == NodeKind::Account) total[{v, t}] += w / share(u);
    if (s.kind(u) != NodeKind::Account && s.kind(v) != NodeKind::Account) {
      EXPECT_DOUBLE_EQ(w, share(u) * share(v));  // between entities: the damping alone
    }
  }
  ASSERT_EQ(total.size(), k.size());
  for (const auto& [key, sum] : total) EXPECT_NEAR(sum, 1.0, 1e-12) << s.node_id(key.first);
  // a0: three phones (degrees 2, 3, 2), one domain (degree 2), three friends.
  const NodeId a0 = s.find_node("a0"), a1 = s.find_node("a1");
  EXPECT_DOUBLE_EQ(arc_weight(g, a0, s.find_node("ph:2")), 1.0 / 3.0 / 3.0);
  EXPECT_DOUBLE_EQ(arc_weight(g, a0, s.find_node("dom:1")), 1.0 / 2.0);
  EXPECT_DOUBLE_EQ(arc_weight(g, a0, a1), 1.0 / 3.0 / 1.0);  // k(a0, friend) 3, k(a1, friend) 1
  // No type is named: renaming every type changes nothing, and the named
  // multipliers are not read.
  GraphOptions named_weights = o;
  named_weights.type_weight = {{"has_phone", 7.0}, {"friend", 0.1}};
  const AnalysisGraph g2 = build_analysis_graph(s, named_weights);
  EXPECT_TRUE(std::equal(g.arc_weights().begin(), g.arc_weights().end(), g2.arc_weights().begin(),
                         g2.arc_weights().end()));
}

// Edges a hub cap removes are not spread over: what an account spreads over
// its kept edges of a type still sums to one.
TEST(BuildAnalysisGraph, SpreadCountsOnlyTheKeptEdges) {
  const Snapshot s = hub_snapshot(10);  // a0..a9 on ip:hub; a0 and a1 on pm:1
  GraphOptions o;
  o.weight_source = WeightSource::Unit;
  o.type_weighting = TypeWeighting::Spread;
  o.degree_cap = 5;
  const AnalysisGraph g = build_analysis_graph(s, o);
  EXPECT_EQ(g.degree(s.find_node("ip:hub")), 0u);
  EXPECT_DOUBLE_EQ(arc_weight(g, s.find_node("a0"), s.find_node("pm:1")), 1.0 / 2.0);  // no x3 for paid_with
  o.degree_cap = 0;
  const AnalysisGraph all = build_analysis_graph(s, o);
  EXPECT_DOUBLE_EQ(arc_weight(all, s.find_node("a0"), s.find_node("ip:hub")), 1.0 / 10.0);
}

// balanced: one multiplier per type, 1 / (mean k(u, t) over the accounts with
// a type-t edge), at each account end: over all accounts, a type gives one
// unit per account on average, and an account keeps its own edge count.
TEST(BuildAnalysisGraph, BalancedGivesEachTypeOneUnitPerAccountOnAverage) {
  const Snapshot s = invented_types_snapshot();
  GraphOptions o;
  o.weight_source = WeightSource::Unit;
  o.type_weighting = TypeWeighting::Balanced;
  const AnalysisGraph g = build_analysis_graph(s, o);
  const NodeId a0 = s.find_node("a0"), a1 = s.find_node("a1");
  // has_phone: k = 3, 1, 1, 1, 1 (a0..a4), mean 1.4; ph:1 has degree 2.
  EXPECT_DOUBLE_EQ(arc_weight(g, a1, s.find_node("ph:1")), 1.0 / 1.4 / 2.0);
  EXPECT_DOUBLE_EQ(arc_weight(g, a0, s.find_node("ph:1")), 1.0 / 1.4 / 2.0);  // a0's own 3 does not matter
  // friend: k = 3, 1, 1, 1, 1, 1 (a0..a5), mean 4/3, at both ends.
  EXPECT_DOUBLE_EQ(arc_weight(g, a0, a1), 1.0 / (4.0 / 3.0) / (4.0 / 3.0));
  // email_at: one edge per account, so nothing changes: the domain's damping alone.
  EXPECT_DOUBLE_EQ(arc_weight(g, a0, s.find_node("dom:1")), 1.0 / 2.0);
  // between entities: the damping alone.
  EXPECT_DOUBLE_EQ(arc_weight(g, s.find_node("px:1"), s.find_node("ip:1")), 1.0 / 2.0);
}

// uniform is the named rule with no names: every type 1.
TEST(BuildAnalysisGraph, UniformEqualsAllOnesByName) {
  const Snapshot s = hub_snapshot(10);
  GraphOptions uniform;
  uniform.type_weighting = TypeWeighting::Uniform;
  GraphOptions ones;  // named, with every type of the snapshot at 1 by name
  ones.type_weight = {{"uses_ip", 1.0}, {"paid_with", 1.0}};
  ones.default_type_weight = 5.0;
  const AnalysisGraph a = build_analysis_graph(s, uniform);
  const AnalysisGraph b = build_analysis_graph(s, ones);
  ASSERT_EQ(a.num_arcs(), b.num_arcs());
  EXPECT_TRUE(std::equal(a.arc_weights().begin(), a.arc_weights().end(), b.arc_weights().begin()));
  const AnalysisGraph named = build_analysis_graph(s, GraphOptions{});
  EXPECT_FALSE(std::equal(a.arc_weights().begin(), a.arc_weights().end(), named.arc_weights().begin()));
}

TEST(TypeWeighting, NamesRoundTripAndBadNamesAreLocated) {
  for (const auto t : {TypeWeighting::Named, TypeWeighting::Uniform, TypeWeighting::Spread, TypeWeighting::Balanced})
    EXPECT_EQ(type_weighting_from(to_string(t)), t);
  try {
    (void)type_weighting_from("by_name", "--type-weighting");
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "--type-weighting: expected named, uniform, spread or balanced, got 'by_name'");
  }
  EXPECT_EQ(GraphOptions{}.type_weighting, TypeWeighting::Named);
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
