// The evolving world: bans label a farm's accounts the next day and they
// leave later, regrown heads use the farm's shared entities, truth keeps the
// cluster ids and lists the heads, same options give the same bytes, and
// bad input or options are refused.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "hydrascope/error.hpp"
#include "hydrascope/eval.hpp"
#include "hydrascope/graph.hpp"
#include "hydrascope/io.hpp"
#include "hydrascope/synth.hpp"
#include "files.hpp"

namespace hydrascope {
namespace {

const std::string kEvolveTmp = std::string(HYDRASCOPE_TEST_TMP) + "/evolve";

using hydrascope::testing::read_all;

// A 3,000-account day 0, made once.
const std::string& day0() {
  static const std::string dir = [] {
    GeneratorOptions o = GeneratorOptions::mixed(3000, 7);
    o.ip_ranges_dir = std::string(HYDRASCOPE_TEST_DATASETS) + "/ip-ranges";
    (void)generate_world(o, kEvolveTmp + "/day0");
    return kEvolveTmp + "/day0";
  }();
  return dir;
}

// Every farm banned on day 1, gone on day 2, heads on day 2.
EvolveOptions all_banned() {
  EvolveOptions o;
  o.from_dir = day0();
  o.days = 3;
  o.seed = 5;
  o.ban_rate = 1.0;
  o.min_ban_size = 1;
  o.regrow_probability = 1.0;
  o.regrow_delay_max = 1;
  o.banned_days = 1;
  o.grow_rate = 0.0;
  return o;
}

TEST(Evolve, BansLabelRegrowAndTruthFollows) {
  const EvolveReport rep = evolve_world(all_banned(), kEvolveTmp + "/all");
  ASSERT_EQ(rep.days.size(), 3u);
  const Truth t0 = load_truth(day0() + "/truth.json");
  std::set<std::string> farm0;
  std::size_t farms = 0;
  for (const auto& c : t0.clusters)
    if (c.kind == "hydra") {
      ++farms;
      farm0.insert(c.accounts.begin(), c.accounts.end());
    }
  ASSERT_GT(farms, 0u);
  EXPECT_EQ(rep.days[0].banned_farms, farms);
  // Day 1: every farm account is there and labelled banned.
  const Snapshot s1 = load_snapshot(rep.days[0].snapshot_path);
  EXPECT_NO_THROW(s1.validate());
  for (const auto& a : farm0) {
    const NodeId v = s1.find_node(a);
    ASSERT_NE(v, kInvalidNode) << a;
    EXPECT_EQ(s1.label(v), Label::Banned) << a;
  }
  EXPECT_EQ(s1.meta().taken_at, load_snapshot(day0() + "/snapshot.ndjson").meta().taken_at + 86400 * kMicrosPerSecond);
  // Day 2: the banned accounts left; the heads arrived on the farms' shared entities.
  const Snapshot s0 = load_snapshot(day0() + "/snapshot.ndjson");
  const Incidence inc0 = build_incidence(s0);
  const Snapshot s2 = load_snapshot(rep.days[1].snapshot_path);
  EXPECT_NO_THROW(s2.validate());
  for (const auto& a : farm0) EXPECT_EQ(s2.find_node(a), kInvalidNode) << a;
  EXPECT_EQ(rep.days[1].regrown_farms, farms);
  EXPECT_GT(rep.days[1].heads, 0u);
  rapidjson::Document d;
  const std::string text = read_all(rep.days[1].truth_path);
  d.Parse(text.data(), text.size());
  ASSERT_FALSE(d.HasParseError());
  std::uint64_t heads = 0, sharing = 0;
  std::size_t index = 0;
  for (const auto& c : d["clusters"].GetArray()) {
    EXPECT_EQ(std::string(c["id"].GetString()), t0.clusters[index++].id);  // same ids, same order
    if (std::string(c["kind"].GetString()) != "hydra") continue;
    ASSERT_EQ(c["bans"].Size(), 1u);
    EXPECT_EQ(c["bans"][0]["day"].GetUint(), 1u);
    ASSERT_EQ(c["heads"].Size(), 1u);
    EXPECT_EQ(c["heads"][0]["day"].GetUint(), 2u);
    EXPECT_EQ(c["heads"][0]["ban_day"].GetUint(), 1u);
    // The farm's day-0 entities.
    std::set<std::string> infra;
    for (const auto& a : c["accounts"].GetArray()) (void)a;
    for (const auto& tc : t0.clusters)
      if (tc.id == c["id"].GetString())
        for (const auto& a : tc.accounts)
          for (NodeId u : inc0.neighbors(s0.find_node(a)))
            if (s0.kind(u) != NodeKind::Account) infra.insert(std::string(s0.node_id(u)));
    for (const auto& h : c["heads"][0]["accounts"].GetArray()) {
      ++heads;
      const NodeId v = s2.find_node(h.GetString());
      ASSERT_NE(v, kInvalidNode);
      EXPECT_EQ(s2.label(v), Label::Unknown);
      EXPECT_EQ(s0.find_node(h.GetString()), kInvalidNode);  // a new account
      bool shares = false;
      for (EdgeId e = 0; e < s2.num_edges() && !shares; ++e) {
        if (s2.edge_src(e) != v && s2.edge_dst(e) != v) continue;
        const NodeId u = s2.edge_src(e) == v ? s2.edge_dst(e) : s2.edge_src(e);
        shares = infra.count(std::string(s2.node_id(u))) != 0;
      }
      sharing += shares;
    }
    // Today's truth lists the heads as the farm's accounts.
    EXPECT_EQ(c["accounts"].Size(), c["heads"][0]["accounts"].Size());
  }
  EXPECT_EQ(heads, rep.days[1].heads);
  EXPECT_EQ(sharing, heads);  // every head uses at least one entity of its farm
  // Every account of the snapshot is in the truth's account list, and only those.
  std::uint64_t accounts = 0;
  for (NodeId v = 0; v < s2.num_nodes(); ++v) accounts += s2.kind(v) == NodeKind::Account;
  EXPECT_EQ(d["accounts"].Size(), accounts);
  EXPECT_EQ(accounts, rep.days[1].accounts);
}

TEST(Evolve, SameOptionsSameBytesOtherSeedDiffers) {
  EvolveOptions o;
  o.from_dir = day0();
  o.days = 2;
  o.seed = 9;
  o.ban_rate = 0.5;
  const EvolveReport a = evolve_world(o, kEvolveTmp + "/det-a");
  const EvolveReport b = evolve_world(o, kEvolveTmp + "/det-b");
  o.seed = 10;
  const EvolveReport c = evolve_world(o, kEvolveTmp + "/det-c");
  for (std::size_t d = 0; d < 2; ++d) {
    EXPECT_EQ(read_all(a.days[d].snapshot_path), read_all(b.days[d].snapshot_path));
    EXPECT_EQ(read_all(a.days[d].truth_path), read_all(b.days[d].truth_path));
  }
  EXPECT_NE(read_all(a.days[1].snapshot_path), read_all(c.days[1].snapshot_path));
  // Ordinary people come and go, benign groups churn: the days differ.
  EXPECT_GT(a.days[0].people_joined, 0u);
  EXPECT_GT(a.days[0].churned_accounts, 0u);
}

TEST(Evolve, BadInputAndOptionsAreRefused) {
  EvolveOptions o;
  o.from_dir = kEvolveTmp + "/nothing-here";
  EXPECT_THROW((void)evolve_world(o, kEvolveTmp + "/bad"), InputError);
  o.from_dir = day0();
  o.days = 0;
  EXPECT_THROW(o.validate(), std::invalid_argument);
  o.days = 2;
  o.ban_rate = 1.5;
  EXPECT_THROW(o.validate(), std::invalid_argument);
  o.ban_rate = 0.1;
  o.regrow_min = 0.7;
  o.regrow_max = 0.2;
  EXPECT_THROW(o.validate(), std::invalid_argument);
}

}  // namespace
}  // namespace hydrascope
