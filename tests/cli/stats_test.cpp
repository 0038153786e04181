// compute_stats on a literal snapshot with exact expected values, the edge
// cases (empty, isolated nodes, a star hub), and random graphs checked against
// independent references (sorting for quantiles, BFS for components).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <queue>
#include <random>
#include <string>
#include <vector>

#include "hydrascope/stats.hpp"

#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace hydrascope {
namespace {

//   a1 ==(uses_ip, other)== ip1 --- a2        a3 --- pm1     a4    ip2
//    \                      |
//     `---- via_proxy ---- px1 (egress_ip)
Snapshot literal() {
  SnapshotBuilder b("literal");
  SnapshotMeta m;
  m.id = "lit";
  m.activity = {0, 3600, 4};
  b.set_meta(m);
  const std::vector<double> act{0, 2, 0, 3};
  AttrInput attrs[] = {{"country", AttrType::String, "SG"}};
  b.add_node({}, "a1", "account", Label::Banned, kNoTime, attrs, &act);
  b.add_node({}, "ip1", "ip", Label::Unknown, kNoTime, {}, nullptr);
  b.add_node({}, "a2", "account", Label::Suspect, kNoTime, {}, nullptr);
  b.add_node({}, "px1", "proxy", Label::Unknown, kNoTime, {}, nullptr);
  b.add_node({}, "a3", "account", Label::Trusted, kNoTime, {}, nullptr);
  b.add_node({}, "pm1", "payment_method", Label::Unknown, kNoTime, {}, nullptr);
  b.add_node({}, "a4", "account", Label::Unknown, kNoTime, {}, nullptr);
  b.add_node({}, "ip2", "ip", Label::Unknown, kNoTime, {}, nullptr);
  b.add_edge({}, "a1", "ip1", "uses_ip", 10, 100 * kMicrosPerSecond, 200 * kMicrosPerSecond);
  b.add_edge({}, "a2", "ip1", "uses_ip", 5, 50 * kMicrosPerSecond, kNoTime);
  b.add_edge({}, "a1", "px1", "via_proxy", 1, kNoTime, kNoTime);
  b.add_edge({}, "px1", "ip1", "egress_ip", 2, kNoTime, kNoTime);
  b.add_edge({}, "a3", "pm1", "paid_with", 1, kNoTime, kNoTime);
  b.add_edge({}, "ip1", "a1", "other", 1, kNoTime, kNoTime);
  return b.finish();
}

TEST(ComputeStats, LiteralSnapshotExactValues) {
  const Snapshot s = literal();
  StatsOptions o;
  o.top_k = 2;
  const SnapshotStats st = compute_stats(s, o);
  EXPECT_EQ(st.nodes, 8u);
  EXPECT_EQ(st.edges, 6u);
  EXPECT_EQ(st.meta.id, "lit");
  EXPECT_EQ(st.memory_bytes, s.memory_bytes());
  ASSERT_EQ(st.node_types.size(), 4u);
  const TypeStats& acc = st.node_types[0];
  EXPECT_EQ(acc.type, "account");
  EXPECT_EQ(acc.kind, NodeKind::Account);
  EXPECT_EQ(acc.count, 4u);
  EXPECT_EQ(acc.isolated, 1u);
  EXPECT_EQ(acc.degree_sum, 5u);  // degrees 3, 1, 1, 0
  EXPECT_DOUBLE_EQ(acc.mean_degree, 1.25);
  EXPECT_EQ(acc.median_degree, 1u);  // 2nd of [0, 1, 1, 3]
  EXPECT_EQ(acc.p99_degree, 3u);     // 4th
  EXPECT_EQ(acc.max_degree, 3u);
  ASSERT_EQ(acc.hubs.size(), 2u);
  EXPECT_EQ(acc.hubs[0], (Hub{0, "a1", 3}));
  EXPECT_EQ(acc.hubs[1], (Hub{2, "a2", 1}));  // tie with a3 broken by NodeId
  const TypeStats& ip = st.node_types[1];
  EXPECT_EQ(ip.type, "ip");
  EXPECT_EQ(ip.count, 2u);
  EXPECT_EQ(ip.median_degree, 0u);  // 1st of [0, 4]
  EXPECT_EQ(ip.p99_degree, 4u);
  EXPECT_EQ(ip.max_degree, 4u);
  EXPECT_EQ(ip.isolated, 1u);
  EXPECT_EQ(ip.hubs, (std::vector<Hub>{{1, "ip1", 4}, {7, "ip2", 0}}));
  EXPECT_EQ(st.node_types[2].type, "proxy");
  EXPECT_EQ(st.node_types[2].max_degree, 2u);
  EXPECT_EQ(st.node_types[3].type, "payment_method");
  EXPECT_EQ(st.node_types[3].kind, NodeKind::PaymentMethod);

  ASSERT_EQ(st.edge_types.size(), 5u);
  EXPECT_EQ(st.edge_types[0].type, "uses_ip");
  EXPECT_EQ(st.edge_types[0].count, 2u);
  EXPECT_DOUBLE_EQ(st.edge_types[0].weight_sum, 15.0);
  EXPECT_EQ(st.edge_types[4].type, "other");

  EXPECT_EQ(st.labels[static_cast<int>(Label::Unknown)], 1u);
  EXPECT_EQ(st.labels[static_cast<int>(Label::Banned)], 1u);
  EXPECT_EQ(st.labels[static_cast<int>(Label::Suspect)], 1u);
  EXPECT_EQ(st.labels[static_cast<int>(Label::Trusted)], 1u);
  EXPECT_EQ(st.nodes_with_activity, 1u);
  EXPECT_DOUBLE_EQ(st.activity_total, 5.0);
  EXPECT_EQ(st.activity_end, 4 * 3600 * kMicrosPerSecond);
  EXPECT_EQ(st.earliest_first_seen, 50 * kMicrosPerSecond);
  EXPECT_EQ(st.latest_last_seen, 200 * kMicrosPerSecond);
  EXPECT_EQ(st.nodes_with_attrs, 1u);

  EXPECT_EQ(st.components.count, 4u);  // {a1 ip1 a2 px1} {a3 pm1} {a4} {ip2}
  EXPECT_EQ(st.components.giant_size, 4u);
  EXPECT_DOUBLE_EQ(st.components.giant_share, 0.5);
  EXPECT_EQ(st.components.singletons, 2u);
}

TEST(ComputeStats, EmptySnapshotIsAllZeros) {
  SnapshotBuilder b("empty");
  const Snapshot s = b.finish();
  const SnapshotStats st = compute_stats(s);
  EXPECT_EQ(st.nodes, 0u);
  EXPECT_EQ(st.edges, 0u);
  EXPECT_TRUE(st.node_types.empty());
  EXPECT_EQ(st.components.count, 0u);
  EXPECT_EQ(st.components.giant_share, 0.0);
  EXPECT_EQ(st.activity_end, kNoTime);
  EXPECT_EQ(st.earliest_first_seen, kNoTime);
}

TEST(ComputeStats, TopKZeroAndOptionValidation) {
  const Snapshot s = literal();
  StatsOptions o;
  o.top_k = 0;
  for (const auto& t : compute_stats(s, o).node_types) EXPECT_TRUE(t.hubs.empty());
  o.top_k = 100;  // more than any type has
  EXPECT_EQ(compute_stats(s, o).node_types[0].hubs.size(), 4u);
  o.top_k = 2'000'000;
  EXPECT_THROW(o.validate(), std::invalid_argument);
  EXPECT_THROW((void)compute_stats(s, o), std::invalid_argument);
}

TEST(ComputeStats, StarHub) {
  SnapshotBuilder b("star");
  b.add_node({}, "ip:hub", "ip", Label::Unknown, kNoTime, {}, nullptr);
  const int leaves = 100000;
  for (int i = 0; i < leaves; ++i) {
    const std::string id = "a:" + std::to_string(i);
    b.add_node({}, id, "account", Label::Unknown, kNoTime, {}, nullptr);
    b.add_edge({}, id, "ip:hub", "uses_ip", 1, kNoTime, kNoTime);
  }
  const SnapshotStats st = compute_stats(b.finish());
  EXPECT_EQ(st.node_types[0].max_degree, static_cast<std::uint64_t>(leaves));
  EXPECT_EQ(st.node_types[0].hubs.front().id, "ip:hub");
  EXPECT_EQ(st.node_types[1].median_degree, 1u);
  EXPECT_EQ(st.components.count, 1u);
  EXPECT_DOUBLE_EQ(st.components.giant_share, 1.0);
}

// Random graphs: quantiles equal the sorted reference, hubs are the true top
// k, and components equal a BFS count.
TEST(ComputeStats, RandomGraphsMatchReferences) {
  std::mt19937_64 rng(42);
  for (int round = 0; round < 5; ++round) {
    SnapshotBuilder b("rand");
    const int n = 500 + round * 300;
    const int m = n * (round + 1) / 3;
    for (int v = 0; v < n; ++v)
      b.add_node({}, "n" + std::to_string(v), v % 3 == 0 ? "ip" : "account", Label::Unknown, kNoTime, {}, nullptr);
    std::vector<std::vector<int>> adj(static_cast<std::size_t>(n));
    std::vector<std::uint64_t> deg(static_cast<std::size_t>(n), 0);
    for (int e = 0; e < m; ++e) {
      const int u = static_cast<int>(rng() % static_cast<std::uint64_t>(n));
      const int v = static_cast<int>(rng() % static_cast<std::uint64_t>(n));
      if (u == v) continue;
      b.add_edge({}, "n" + std::to_string(u), "n" + std::to_string(v), "t" + std::to_string(e), 1, kNoTime, kNoTime);
      adj[static_cast<std::size_t>(u)].push_back(v);
      adj[static_cast<std::size_t>(v)].push_back(u);
      ++deg[static_cast<std::size_t>(u)];
      ++deg[static_cast<std::size_t>(v)];
    }
    const Snapshot s = b.finish();
    StatsOptions o;
    o.top_k = 7;
    const SnapshotStats st = compute_stats(s, o);
    for (const TypeStats& t : st.node_types) {
      std::vector<std::uint64_t> d;
      std::vector<std::pair<std::uint64_t, int>> ranked;
      for (int v = 0; v < n; ++v)
        if (s.node_type(static_cast<NodeId>(v)) == t.type) {
          d.push_back(deg[static_cast<std::size_t>(v)]);
          ranked.push_back({deg[static_cast<std::size_t>(v)], -v});
        }
      std::sort(d.begin(), d.end());
      const auto at = [&](double q) {
        return d[static_cast<std::size_t>(std::max(1.0, std::ceil(q * static_cast<double>(d.size())))) - 1];
      };
      EXPECT_EQ(t.median_degree, at(0.5));
      EXPECT_EQ(t.p99_degree, at(0.99));
      EXPECT_EQ(t.max_degree, d.back());
      std::sort(ranked.rbegin(), ranked.rend());
      ASSERT_EQ(t.hubs.size(), 7u);
      for (std::size_t i = 0; i < 7; ++i) {
        EXPECT_EQ(t.hubs[i].degree, ranked[i].first);
        EXPECT_EQ(t.hubs[i].node, static_cast<NodeId>(-ranked[i].second));
      }
    }
    std::vector<int> comp(static_cast<std::size_t>(n), -1);
    std::uint64_t count = 0, giant = 0, singles = 0;
    for (int r = 0; r < n; ++r) {
      if (comp[static_cast<std::size_t>(r)] >= 0) continue;
      std::queue<int> q;
      q.push(r);
      comp[static_cast<std::size_t>(r)] = static_cast<int>(count);
      std::uint64_t size = 0;
      while (!q.empty()) {
        const int u = q.front();
        q.pop();
        ++size;
        for (int w : adj[static_cast<std::size_t>(u)])
          if (comp[static_cast<std::size_t>(w)] < 0) {
            comp[static_cast<std::size_t>(w)] = static_cast<int>(count);
            q.push(w);
          }
      }
      ++count;
      giant = std::max(giant, size);
      singles += size == 1 ? 1 : 0;
    }
    EXPECT_EQ(st.components.count, count);
    EXPECT_EQ(st.components.giant_size, giant);
    EXPECT_EQ(st.components.singletons, singles);
  }
}

}  // namespace
}  // namespace hydrascope
