// Refinement steps on small literal snapshots: each split, re-homing and
// merge does what its contract says, leaves what it must leave alone, and is
// idempotent; refine_partition runs exactly the enabled steps.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "hydrascope/graph.hpp"
#include "hydrascope/partition.hpp"
#include "hydrascope/refine.hpp"
#include "hydrascope/snapshot.hpp"
#include "scoring/test_world.hpp"

namespace hydrascope {
namespace {

// A literal snapshot and the partition its nodes were put in, for the split
// and balance tests below.
struct Tiny {
  explicit Tiny(const std::string& name, std::uint32_t buckets = 0) : b(name) {
    if (buckets == 0) return;
    SnapshotMeta meta;
    meta.id = name;
    meta.activity.start = 0;
    meta.activity.bucket_seconds = 3600;
    meta.activity.buckets = buckets;
    b.set_meta(meta);
  }
  void node(const std::string& id, const std::string& type, std::uint64_t community,
            const std::vector<double>* activity = nullptr) {
    b.add_node(ref, id, type, Label::Unknown, kNoTime, {}, activity);
    labels.push_back(community);
  }
  void edge(const std::string& from, const std::string& to, const char* type) {
    b.add_edge(ref, from, to, type, 1.0, kNoTime, kNoTime);
  }
  SnapshotBuilder b;
  RecordRef ref;
  std::vector<std::uint64_t> labels;
};

TEST(Refine, SplitByProxySeparatesClienteles) {
  Tiny w("split");
  w.node("px:farm", "proxy", 0);
  w.node("px:agg", "proxy", 0);
  w.node("px:solo", "proxy", 1);
  w.node("pm:farm", "payment_method", 0);
  for (int i = 0; i < 30; ++i) w.node("a:f" + std::to_string(i), "account", 0);
  for (int i = 0; i < 20; ++i) w.node("a:g" + std::to_string(i), "account", 0);
  for (int i = 0; i < 5; ++i) w.node("a:n" + std::to_string(i), "account", 0);
  for (int i = 0; i < 30; ++i) w.node("a:s" + std::to_string(i), "account", 1);
  for (int i = 0; i < 30; ++i) {
    w.edge("a:f" + std::to_string(i), "px:farm", "via_proxy");
    w.edge("a:f" + std::to_string(i), "pm:farm", "paid_with");
  }
  // Three farm accounts also use the aggregator: they stay with the bigger proxy.
  for (int i = 0; i < 3; ++i) w.edge("a:f" + std::to_string(i), "px:agg", "via_proxy");
  for (int i = 0; i < 20; ++i) w.edge("a:g" + std::to_string(i), "px:agg", "via_proxy");
  for (int i = 0; i < 5; ++i) w.edge("a:n" + std::to_string(i), "a:f0", "rates");
  for (int i = 0; i < 30; ++i) w.edge("a:s" + std::to_string(i), "px:solo", "via_proxy");
  const Snapshot s = w.b.finish();
  const Partition p = canonicalize(w.labels);
  const Incidence inc = build_incidence(s);
  const Partition q = split_hub_communities(s, inc, p);
  auto c = [&](const Partition& part, const char* id) { return part.membership[s.find_node(id)]; };
  // Before: one community of 55 accounts. After: farm, aggregator and the rest apart.
  ASSERT_EQ(c(p, "a:f0"), c(p, "a:g0"));
  EXPECT_NE(c(q, "a:f0"), c(q, "a:g0"));
  EXPECT_NE(c(q, "a:f0"), c(q, "a:n0"));
  EXPECT_NE(c(q, "a:g0"), c(q, "a:n0"));
  for (int i = 0; i < 30; ++i) EXPECT_EQ(c(q, ("a:f" + std::to_string(i)).c_str()), c(q, "a:f0"));
  for (int i = 0; i < 20; ++i) EXPECT_EQ(c(q, ("a:g" + std::to_string(i)).c_str()), c(q, "a:g0"));
  EXPECT_EQ(c(q, "px:farm"), c(q, "a:f0"));   // all its accounts went with the farm
  EXPECT_EQ(c(q, "pm:farm"), c(q, "a:f0"));
  EXPECT_EQ(c(q, "px:agg"), c(q, "a:n0"));    // used by both pieces: stays
  EXPECT_EQ(q.num_communities, p.num_communities + 2);
  // The one-proxy community is untouched, and splitting is idempotent.
  for (int i = 0; i < 30; ++i) EXPECT_EQ(c(q, ("a:s" + std::to_string(i)).c_str()), c(q, "px:solo"));
  const Partition r = split_hub_communities(s, inc, q);
  EXPECT_EQ(r.membership, q.membership);
}

TEST(Refine, SplitByTiesSeparatesGroupsThatShareNothing) {
  Tiny w("ties");
  w.node("dev:popular", "device", 0);
  for (int k = 0; k < 3; ++k) w.node("pm:farm" + std::to_string(k), "payment_method", 0);
  for (int k = 0; k < 2; ++k) w.node("ip:farm" + std::to_string(k), "ip", 0);
  w.node("pm:corp", "payment_method", 0);
  w.node("ip:office", "ip", 0);
  w.node("pm:solo", "payment_method", 1);
  w.node("ip:solo", "ip", 1);
  for (int i = 0; i < 15; ++i) w.node("a:f" + std::to_string(i), "account", 0);
  for (int i = 0; i < 12; ++i) w.node("a:c" + std::to_string(i), "account", 0);
  for (int i = 0; i < 20; ++i) w.node("a:x" + std::to_string(i), "account", 0);
  for (int i = 0; i < 30; ++i) w.node("a:s" + std::to_string(i), "account", 1);
  for (int i = 0; i < 15; ++i) {
    const std::string a = "a:f" + std::to_string(i);
    w.edge(a, "pm:farm" + std::to_string(i % 3), "paid_with");
    w.edge(a, "ip:farm" + std::to_string(i % 2), "uses_ip");
    w.edge(a, "dev:popular", "uses_device");
  }
  for (int i = 0; i < 12; ++i) {
    const std::string a = "a:c" + std::to_string(i);
    w.edge(a, "pm:corp", "paid_with");
    w.edge(a, "ip:office", "uses_ip");
    w.edge(a, "dev:popular", "uses_device");
  }
  for (int i = 0; i < 20; ++i) w.edge("a:x" + std::to_string(i), "dev:popular", "uses_device");
  // One stranger also uses the office IP: it goes with the company.
  w.edge("a:x0", "ip:office", "uses_ip");
  for (int i = 0; i < 30; ++i) {
    w.edge("a:s" + std::to_string(i), "pm:solo", "paid_with");
    w.edge("a:s" + std::to_string(i), "ip:solo", "uses_ip");
  }
  const Snapshot s = w.b.finish();
  const Partition p = canonicalize(w.labels);
  const Incidence inc = build_incidence(s);
  const Partition q = split_tied_groups(s, inc, p);
  auto c = [&](const Partition& part, const std::string& id) { return part.membership[s.find_node(id)]; };
  ASSERT_EQ(c(p, "a:f0"), c(p, "a:c0"));
  EXPECT_NE(c(q, "a:f0"), c(q, "a:c0"));
  EXPECT_NE(c(q, "a:f0"), c(q, "a:x1"));
  EXPECT_NE(c(q, "a:c0"), c(q, "a:x1"));
  for (int i = 0; i < 15; ++i) EXPECT_EQ(c(q, "a:f" + std::to_string(i)), c(q, "a:f0"));
  for (int i = 0; i < 12; ++i) EXPECT_EQ(c(q, "a:c" + std::to_string(i)), c(q, "a:c0"));
  for (int i = 1; i < 20; ++i) EXPECT_EQ(c(q, "a:x" + std::to_string(i)), c(q, "a:x1"));
  EXPECT_EQ(c(q, "a:x0"), c(q, "a:c0"));
  EXPECT_EQ(c(q, "pm:farm0"), c(q, "a:f0"));  // entities follow their accounts
  EXPECT_EQ(c(q, "ip:office"), c(q, "a:c0"));
  EXPECT_EQ(c(q, "dev:popular"), c(q, "a:x1"));  // used by every piece: stays
  EXPECT_EQ(q.num_communities, p.num_communities + 2);
  for (int i = 0; i < 30; ++i) EXPECT_EQ(c(q, "a:s" + std::to_string(i)), c(q, "pm:solo"));
  EXPECT_EQ(split_tied_groups(s, inc, q).membership, q.membership);
}

TEST(Refine, SplitByProxyCutsOutAMinorityClientele) {
  Tiny w("one-proxy");
  w.node("px:agg", "proxy", 0);
  w.node("px:solo", "proxy", 1);
  for (int k = 0; k < 4; ++k) w.node("pm:pool" + std::to_string(k), "payment_method", 0);
  for (int i = 0; i < 25; ++i) w.node("a:g" + std::to_string(i), "account", 0);
  for (int i = 0; i < 60; ++i) w.node("a:f" + std::to_string(i), "account", 0);
  for (int i = 0; i < 30; ++i) w.node("a:s" + std::to_string(i), "account", 1);
  for (int i = 0; i < 25; ++i) w.edge("a:g" + std::to_string(i), "px:agg", "via_proxy");
  for (int i = 0; i < 60; ++i) w.edge("a:f" + std::to_string(i), "pm:pool" + std::to_string(i % 4), "paid_with");
  for (int i = 0; i < 30; ++i) w.edge("a:s" + std::to_string(i), "px:solo", "via_proxy");
  const Snapshot s = w.b.finish();
  const Partition p = canonicalize(w.labels);
  const Incidence inc = build_incidence(s);
  const Partition q = split_hub_communities(s, inc, p);
  auto c = [&](const Partition& part, const std::string& id) { return part.membership[s.find_node(id)]; };
  ASSERT_EQ(c(p, "a:g0"), c(p, "a:f0"));
  EXPECT_NE(c(q, "a:g0"), c(q, "a:f0"));
  for (int i = 0; i < 25; ++i) EXPECT_EQ(c(q, "a:g" + std::to_string(i)), c(q, "a:g0"));
  for (int i = 0; i < 60; ++i) EXPECT_EQ(c(q, "a:f" + std::to_string(i)), c(q, "a:f0"));
  EXPECT_EQ(c(q, "px:agg"), c(q, "a:g0"));    // all its accounts went with the clientele
  EXPECT_EQ(c(q, "pm:pool0"), c(q, "a:f0"));
  for (int i = 0; i < 30; ++i) EXPECT_EQ(c(q, "a:s" + std::to_string(i)), c(q, "px:solo"));
  EXPECT_EQ(q.num_communities, p.num_communities + 1);
  EXPECT_EQ(split_hub_communities(s, inc, q).membership, q.membership);
}

TEST(Refine, SplitBySeparationCutsASmallFarmOutOfAnAggregator) {
  Tiny w("separated");
  w.node("px:agg", "proxy", 0);
  for (int k = 0; k < 3; ++k) w.node("ip:egress" + std::to_string(k), "ip", 0);
  for (int k = 0; k < 4; ++k) w.node("pm:farm" + std::to_string(k), "payment_method", 0);
  for (int k = 0; k < 3; ++k) w.node("ip:farm" + std::to_string(k), "ip", 0);
  for (int k = 0; k < 2; ++k) w.node("dev:farm" + std::to_string(k), "device", 0);
  w.node("ip:star", "ip", 0);
  for (int k = 0; k < 3; ++k) w.node("pm:solo" + std::to_string(k), "payment_method", 1);
  for (int i = 0; i < 110; ++i) w.node("a:g" + std::to_string(i), "account", 0);
  for (int i = 0; i < 24; ++i) w.node("a:f" + std::to_string(i), "account", 0);
  for (int i = 0; i < 6; ++i) w.node("a:h" + std::to_string(i), "account", 0);
  for (int i = 0; i < 30; ++i) w.node("a:s" + std::to_string(i), "account", 1);
  for (int i = 0; i < 110; ++i) {
    w.edge("a:g" + std::to_string(i), "px:agg", "via_proxy");
    w.edge("a:g" + std::to_string(i), "ip:egress" + std::to_string(i % 3), "uses_ip");
  }
  for (int i = 0; i < 24; ++i) {
    const std::string a = "a:f" + std::to_string(i);
    w.edge(a, "pm:farm" + std::to_string(i % 4), "paid_with");
    w.edge(a, "ip:farm" + std::to_string(i % 3), "uses_ip");
    w.edge(a, "dev:farm" + std::to_string(i % 2), "uses_device");
  }
  for (int i = 0; i < 4; ++i) {
    w.edge("a:f" + std::to_string(i), "px:agg", "via_proxy");
    w.edge("a:f" + std::to_string(i), "ip:egress" + std::to_string(i % 3), "uses_ip");
  }
  for (int i = 0; i < 6; ++i) w.edge("a:h" + std::to_string(i), "ip:star", "uses_ip");
  for (int i = 0; i < 2; ++i) w.edge("a:h" + std::to_string(i), "dev:farm" + std::to_string(i), "uses_device");
  for (int i = 0; i < 30; ++i) {  // one well-knit farm alone in its community
    w.edge("a:s" + std::to_string(i), "pm:solo" + std::to_string(i % 3), "paid_with");
    w.edge("a:s" + std::to_string(i), "pm:solo" + std::to_string((i + 1) % 3), "paid_with");
  }
  const Snapshot s = w.b.finish();
  const Partition p = canonicalize(w.labels);
  const Incidence inc = build_incidence(s);
  // The first two splits leave it whole: the proxy holds 114 of 140 accounts (over 80 %),
  // and the tied accounts form one group.
  const Partition first = split_tied_groups(s, inc, split_hub_communities(s, inc, p));
  EXPECT_EQ(first.membership, p.membership);
  const Partition q = split_separated_groups(s, inc, p);
  auto c = [&](const Partition& part, const std::string& id) { return part.membership[s.find_node(id)]; };
  ASSERT_EQ(c(p, "a:f0"), c(p, "a:g0"));
  EXPECT_NE(c(q, "a:f0"), c(q, "a:g0"));
  for (int i = 0; i < 24; ++i) EXPECT_EQ(c(q, "a:f" + std::to_string(i)), c(q, "a:f0"));
  for (int i = 0; i < 6; ++i) EXPECT_EQ(c(q, "a:h" + std::to_string(i)), c(q, "a:f0"));  // the star goes along
  for (int i = 0; i < 110; ++i) EXPECT_EQ(c(q, "a:g" + std::to_string(i)), c(q, "a:g0"));
  EXPECT_EQ(c(q, "pm:farm0"), c(q, "a:f0"));  // entities follow their accounts
  EXPECT_EQ(c(q, "ip:star"), c(q, "a:f0"));
  EXPECT_EQ(c(q, "px:agg"), c(q, "a:g0"));  // used by both: stays
  EXPECT_EQ(c(q, "ip:egress0"), c(q, "a:g0"));
  EXPECT_EQ(q.num_communities, p.num_communities + 1);
  for (int i = 0; i < 30; ++i) EXPECT_EQ(c(q, "a:s" + std::to_string(i)), c(q, "pm:solo0"));
  EXPECT_EQ(split_separated_groups(s, inc, q).membership, q.membership);
}

TEST(Refine, RehomeMovesUnanchoredAccountsToTheirPool) {
  Tiny w("rehome");
  w.node("ip:farm", "ip", 0);
  w.node("dev:farm", "device", 0);
  w.node("dev:popular", "device", 1);
  w.node("pm:person", "payment_method", 1);
  w.node("ip:neighbours", "ip", 1);
  for (int i = 0; i < 9; ++i) w.node("a:f" + std::to_string(i), "account", 0);
  for (int i = 0; i < 5; ++i) w.node("a:m" + std::to_string(i), "account", 1);
  w.node("a:person", "account", 1);
  w.node("a:neighbour", "account", 1);
  for (int i = 0; i < 110; ++i) w.node("a:x" + std::to_string(i), "account", 1);
  for (int i = 0; i < 9; ++i) {
    w.edge("a:f" + std::to_string(i), "ip:farm", "uses_ip");
    w.edge("a:f" + std::to_string(i), "dev:farm", "uses_device");
  }
  for (int i = 0; i < 5; ++i) {
    w.edge("a:m" + std::to_string(i), "ip:farm", "uses_ip");
    w.edge("a:m" + std::to_string(i), "dev:popular", "uses_device");
  }
  w.edge("a:person", "ip:farm", "uses_ip");
  w.edge("a:person", "pm:person", "paid_with");
  w.edge("a:neighbour", "ip:farm", "uses_ip");
  w.edge("a:neighbour", "ip:neighbours", "uses_ip");
  w.edge("a:x0", "ip:neighbours", "uses_ip");
  for (int i = 0; i < 110; ++i) w.edge("a:x" + std::to_string(i), "dev:popular", "uses_device");
  const Snapshot s = w.b.finish();
  const Partition p = canonicalize(w.labels);
  const Incidence inc = build_incidence(s);
  const Partition q = rehome_pool_accounts(s, inc, p);
  auto c = [&](const Partition& part, const std::string& id) { return part.membership[s.find_node(id)]; };
  ASSERT_NE(c(p, "a:m0"), c(p, "a:f0"));
  for (int i = 0; i < 5; ++i) EXPECT_EQ(c(q, "a:m" + std::to_string(i)), c(q, "a:f0"));
  EXPECT_EQ(c(q, "a:person"), c(q, "a:x0"));     // a card of its own
  EXPECT_EQ(c(q, "a:neighbour"), c(q, "a:x0"));  // an IP shared with a neighbour
  for (int i = 0; i < 110; ++i) EXPECT_EQ(c(q, "a:x" + std::to_string(i)), c(q, "a:x0"));  // the hub moves nobody
  EXPECT_EQ(c(q, "ip:farm"), c(q, "a:f0"));      // entities stay
  EXPECT_EQ(c(q, "dev:popular"), c(q, "a:x0"));
  EXPECT_EQ(q.num_communities, p.num_communities);
  EXPECT_EQ(rehome_pool_accounts(s, inc, q).membership, q.membership);
}

TEST(Refine, MergeJoinsAFarmCutAlongItsPool) {
  Tiny w("merge");
  for (int k = 0; k < 10; ++k) w.node("ip:farm" + std::to_string(k), "ip", 0);
  for (int k = 0; k < 10; ++k) w.node("ip:mixed" + std::to_string(k), "ip", 2);
  for (int k = 0; k < 9; ++k) w.node("ip:nine" + std::to_string(k), "ip", 4);
  for (int i = 0; i < 30; ++i) w.node("a:a" + std::to_string(i), "account", 0);
  for (int i = 0; i < 20; ++i) w.node("a:b" + std::to_string(i), "account", 1);
  for (int i = 0; i < 50; ++i) w.node("a:c" + std::to_string(i), "account", 2);
  for (int i = 0; i < 60; ++i) w.node("a:d" + std::to_string(i), "account", 3);
  for (int i = 0; i < 18; ++i) w.node("a:e" + std::to_string(i), "account", 4);
  for (int i = 0; i < 18; ++i) w.node("a:f" + std::to_string(i), "account", 5);
  for (int i = 0; i < 30; ++i) w.edge("a:a" + std::to_string(i), "ip:farm" + std::to_string(i / 3), "uses_ip");
  for (int i = 0; i < 20; ++i) w.edge("a:b" + std::to_string(i), "ip:farm" + std::to_string(i / 2), "uses_ip");
  for (int i = 0; i < 20; ++i) w.edge("a:c" + std::to_string(i), "ip:mixed" + std::to_string(i / 2), "uses_ip");
  for (int i = 0; i < 20; ++i) w.edge("a:d" + std::to_string(i), "ip:mixed" + std::to_string(i / 2), "uses_ip");
  for (int i = 0; i < 18; ++i) w.edge("a:e" + std::to_string(i), "ip:nine" + std::to_string(i / 2), "uses_ip");
  for (int i = 0; i < 18; ++i) w.edge("a:f" + std::to_string(i), "ip:nine" + std::to_string(i / 2), "uses_ip");
  const Snapshot s = w.b.finish();
  const Partition p = canonicalize(w.labels);
  const Incidence inc = build_incidence(s);
  const Partition q = merge_pool_communities(s, inc, p);
  auto c = [&](const Partition& part, const std::string& id) { return part.membership[s.find_node(id)]; };
  ASSERT_NE(c(p, "a:a0"), c(p, "a:b0"));
  for (int i = 0; i < 20; ++i) EXPECT_EQ(c(q, "a:b" + std::to_string(i)), c(q, "a:a0"));
  EXPECT_EQ(c(q, "ip:farm0"), c(q, "a:a0"));
  EXPECT_NE(c(q, "a:c0"), c(q, "a:d0"));  // 20 of the smaller side's 50 accounts
  EXPECT_NE(c(q, "a:e0"), c(q, "a:f0"));  // 9 shared IPs
  EXPECT_EQ(q.num_communities, p.num_communities - 1);
  EXPECT_EQ(merge_pool_communities(s, inc, q).membership, q.membership);
}

TEST(Refine, RunsExactlyTheEnabledSteps) {
  const testing::World w = testing::make_world();
  const Incidence inc = build_incidence(w.snapshot);
  const RefineResult none = refine_partition(w.snapshot, inc, w.partition, RefineOptions::none());
  EXPECT_TRUE(none.steps.empty());
  EXPECT_EQ(none.partition.membership, w.partition.membership);
  const RefineResult all = refine_partition(w.snapshot, inc, w.partition, RefineOptions::all());
  ASSERT_EQ(all.steps.size(), 5u);
  // The default runs the one step the ablation keeps (docs/quality.md).
  const RefineResult def = refine_partition(w.snapshot, inc, w.partition);
  ASSERT_EQ(def.steps.size(), 1u);
  EXPECT_EQ(def.steps[0].name, "split_separated");
  EXPECT_EQ(all.steps[0].name, "split_by_proxy");
  EXPECT_EQ(all.steps[4].name, "merge");
  RefineOptions two = RefineOptions::none();
  two.split_tied = true;
  two.merge = true;
  const RefineResult r = refine_partition(w.snapshot, inc, w.partition, two);
  ASSERT_EQ(r.steps.size(), 2u);
  EXPECT_EQ(r.steps[0].name, "split_tied");
  EXPECT_EQ(r.steps[1].name, "merge");
  for (const auto& st : all.steps) EXPECT_GE(st.communities_before, 1u);
}

TEST(Refine, OptionsAreValidated) {
  const auto bad = [](auto edit) {
    RefineOptions o;
    edit(o);
    return o;
  };
  EXPECT_THROW(bad([](RefineOptions& o) { o.min_piece = 1; }).validate(), std::invalid_argument);
  EXPECT_THROW(bad([](RefineOptions& o) { o.max_piece_share = 0.0; }).validate(), std::invalid_argument);
  EXPECT_THROW(bad([](RefineOptions& o) { o.max_piece_share = 1.5; }).validate(), std::invalid_argument);
  EXPECT_THROW(bad([](RefineOptions& o) { o.max_conductance = -0.1; }).validate(), std::invalid_argument);
  EXPECT_THROW(bad([](RefineOptions& o) { o.max_pool = 1; }).validate(), std::invalid_argument);
  EXPECT_THROW(bad([](RefineOptions& o) { o.pool_home = 0; }).validate(), std::invalid_argument);
  EXPECT_THROW(bad([](RefineOptions& o) { o.min_shared_pools = 0; }).validate(), std::invalid_argument);
  EXPECT_NO_THROW(RefineOptions{}.validate());
  const testing::World w = testing::make_world();
  const Incidence inc = build_incidence(w.snapshot);
  Partition wrong;
  wrong.membership.assign(3, 0);
  wrong.num_communities = 1;
  EXPECT_THROW((void)refine_partition(w.snapshot, inc, wrong), std::invalid_argument);
}

}  // namespace
}  // namespace hydrascope
