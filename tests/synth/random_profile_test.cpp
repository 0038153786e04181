// The random profile: determinism, each world's drawn data availability is
// what the snapshot carries, truth consistent with the snapshot, every
// recorded knob inside its documented range, and seeds give different worlds.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "hydrascope/eval.hpp"
#include "hydrascope/io.hpp"
#include "hydrascope/synth.hpp"
#include "files.hpp"

namespace hydrascope {
namespace {

const std::string kRandomTmp = std::string(HYDRASCOPE_TEST_TMP) + "/synth_random";
using hydrascope::testing::kIpRanges;

using hydrascope::testing::read_all;

GeneratorOptions random_options(std::uint64_t accounts, std::uint64_t seed) {
  GeneratorOptions o = GeneratorOptions::for_profile(WorldProfile::Random, accounts, seed);
  o.ip_ranges_dir = kIpRanges;
  return o;
}

struct World {
  GenerateReport report;
  rapidjson::Document truth;
  const rapidjson::Value& world() const { return truth["world"]; }
  bool data(const char* key) const { return world()["data"][key].GetBool(); }
};

World make_world(std::uint64_t accounts, std::uint64_t seed, SnapshotFormat format = SnapshotFormat::Ndjson) {
  GeneratorOptions o = random_options(accounts, seed);
  o.format = format;
  World w;
  w.report = generate_world(o, kRandomTmp + "/w" + std::to_string(seed) + "-" + std::to_string(accounts) + "-" +
                                  std::string(to_string(format)));
  const std::string text = read_all(w.report.truth_path);
  w.truth.Parse(text.c_str(), text.size());
  if (w.truth.HasParseError() || !w.truth.IsObject() || !w.truth.HasMember("world") || !w.truth["world"].IsObject())
    throw std::runtime_error("truth.json of the random profile has no world object");
  return w;
}

// The twenty small worlds several tests look at (generated once).
const std::vector<World>& twenty_worlds() {
  static const std::vector<World> worlds = [] {
    std::vector<World> v;
    for (std::uint64_t seed = 1; seed <= 20; ++seed) v.push_back(make_world(1000, seed));
    return v;
  }();
  return worlds;
}

TEST(RandomProfile, SameSeedSameBytesOtherSeedDiffers) {
  for (SnapshotFormat f : {SnapshotFormat::Ndjson, SnapshotFormat::CsvPair}) {
    GeneratorOptions o = random_options(2000, 7);
    o.format = f;
    const auto a = generate_world(o, kRandomTmp + "/det-a");
    const auto b = generate_world(o, kRandomTmp + "/det-b");
    o.seed = 8;
    const auto c = generate_world(o, kRandomTmp + "/det-c");
    const std::string sa = f == SnapshotFormat::CsvPair ? a.snapshot_path + "/nodes.csv" : a.snapshot_path;
    const std::string sb = f == SnapshotFormat::CsvPair ? b.snapshot_path + "/nodes.csv" : b.snapshot_path;
    const std::string sc = f == SnapshotFormat::CsvPair ? c.snapshot_path + "/nodes.csv" : c.snapshot_path;
    EXPECT_EQ(read_all(sa), read_all(sb));
    if (f == SnapshotFormat::CsvPair) {
      EXPECT_EQ(read_all(a.snapshot_path + "/edges.csv"), read_all(b.snapshot_path + "/edges.csv"));
    }
    EXPECT_EQ(read_all(a.truth_path), read_all(b.truth_path));
    EXPECT_NE(read_all(sa), read_all(sc));
  }
  EXPECT_EQ(parse_profile("random"), WorldProfile::Random);
  EXPECT_EQ(to_string(WorldProfile::Random), "random");
}

// What each world drew is what its snapshot carries: missing data is absent
// everywhere, present data is there.
TEST(RandomProfile, DrawnDataAvailabilityIsWhatTheSnapshotCarries) {
  int minimal = 0, without_activity = 0, with_invites = 0;
  for (std::uint64_t seed : {1, 2, 3, 4, 5, 6, 7, 8, 19, 26}) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    const World w = make_world(1500, seed);
    const Snapshot s = load_snapshot(w.report.snapshot_path);
    ASSERT_NO_THROW(s.validate());
    std::set<std::string> generic_drawn;
    for (const auto& t : w.world()["generic_types"].GetArray()) generic_drawn.insert(t.GetString());

    std::map<NodeKind, std::uint64_t> kinds;
    std::set<std::string> generic_seen;
    std::uint64_t with_activity = 0, with_created = 0, accounts = 0;
    for (NodeId v = 0; v < s.num_nodes(); ++v) {
      ++kinds[s.kind(v)];
      if (s.kind(v) == NodeKind::Other) generic_seen.insert(std::string(s.node_type(v)));
      with_activity += s.has_activity(v) ? 1 : 0;
      with_created += s.created_at(v) != kNoTime ? 1 : 0;
      accounts += s.kind(v) == NodeKind::Account ? 1 : 0;
    }
    std::uint64_t timed = 0, weighted = 0, invited = 0;
    std::map<std::string, std::uint64_t> edge_types;
    for (EdgeId e = 0; e < s.num_edges(); ++e) {
      timed += s.first_seen(e) != kNoTime || s.last_seen(e) != kNoTime ? 1 : 0;
      weighted += s.edge_weight(e) != 1.0 ? 1 : 0;
      ++edge_types[std::string(s.edge_type(e))];
      if (s.edge_type(e) == "invited") {
        ++invited;
        EXPECT_EQ(s.kind(s.edge_src(e)), NodeKind::Account);
        EXPECT_EQ(s.kind(s.edge_dst(e)), NodeKind::Account);
      }
    }
    EXPECT_EQ(accounts, 1500u);
    // Activity: none anywhere, not even the header's spec, or every account has it.
    EXPECT_EQ(s.meta().activity.present(), w.data("activity"));
    EXPECT_EQ(with_activity, w.data("activity") ? accounts : 0u);
    EXPECT_EQ(with_created, w.data("created_at") ? accounts : 0u);
    EXPECT_EQ(timed, w.data("timestamps") ? s.num_edges() : 0u);
    if (!w.data("weights")) {
      EXPECT_EQ(weighted, 0u);
    }
    // Entity kinds: absent when not drawn; cards, IPs and devices present when drawn (individuals have them).
    EXPECT_EQ(kinds[NodeKind::PaymentMethod] > 0, w.data("payment"));
    EXPECT_EQ(kinds[NodeKind::Ip] > 0, w.data("ips"));
    EXPECT_EQ(kinds[NodeKind::Device] > 0, w.data("devices"));
    if (!w.data("proxies")) {
      EXPECT_EQ(kinds[NodeKind::Proxy], 0u);
    }
    EXPECT_EQ(edge_types.count("paid_with") > 0, w.data("payment"));
    if (!w.data("proxies")) {
      EXPECT_EQ(edge_types.count("via_proxy"), 0u);
      EXPECT_EQ(edge_types.count("egress_ip"), 0u);
    }
    // Generic types: exactly the drawn ones; account-to-account edges exactly when drawn.
    EXPECT_EQ(generic_seen, generic_drawn);
    EXPECT_EQ(invited > 0, w.data("invites"));
    // At least one kind of shared entity.
    EXPECT_GT(kinds[NodeKind::PaymentMethod] + kinds[NodeKind::Ip] + kinds[NodeKind::Proxy] + kinds[NodeKind::Device] +
                  kinds[NodeKind::Other],
              0u);
    if (w.world()["minimal"].GetBool()) {  // accounts sharing one generic type, nothing else, no time at all
      ++minimal;
      EXPECT_EQ(generic_drawn.size(), 1u);
      EXPECT_EQ(kinds[NodeKind::PaymentMethod] + kinds[NodeKind::Ip] + kinds[NodeKind::Proxy] + kinds[NodeKind::Device], 0u);
      EXPECT_EQ(kinds[NodeKind::Account] + kinds[NodeKind::Other], s.num_nodes());
      EXPECT_EQ(s.meta().taken_at, kNoTime);
      EXPECT_EQ(timed, 0u);
      EXPECT_EQ(invited, 0u);
    }
    without_activity += w.data("activity") ? 0 : 1;
    with_invites += invited > 0 ? 1 : 0;
  }
  // The seeds above cover the interesting cases.
  EXPECT_GE(minimal, 1);
  EXPECT_GE(without_activity, 2);
  EXPECT_GE(with_invites, 2);
}

const rapidjson::Value* cluster_by_id(const rapidjson::Document& truth, const std::string& id) {
  for (const auto& c : truth["clusters"].GetArray())
    if (id == c["id"].GetString()) return &c;
  return nullptr;
}

// truth.json agrees with the snapshot: accounts, labels, per-farm tactic
// counts, proxies, genuine proxy customers, invitations.
TEST(RandomProfile, TruthIsConsistentWithTheSnapshot) {
  int farms_with_proxies = 0, covers = 0, star_farms = 0;
  for (std::uint64_t seed : {2, 3, 4, 30}) {  // proxied farms, genuine customers, star invitations; 4 has no proxies
    SCOPED_TRACE("seed " + std::to_string(seed));
    const World w = make_world(4000, seed);
    const Snapshot s = load_snapshot(w.report.snapshot_path);
    const Truth t = load_truth(w.report.truth_path);
    ASSERT_EQ(t.accounts.size(), 4000u);
    std::map<std::string, std::string> kind_of, cluster_of;
    for (const auto& c : t.clusters)
      for (const auto& a : c.accounts) {
        EXPECT_NE(s.find_node(a), kInvalidNode) << a;
        EXPECT_TRUE(kind_of.emplace(a, c.kind).second) << "account in two clusters: " << a;
        cluster_of[a] = c.id;
      }
    for (const auto& a : t.accounts) EXPECT_EQ(s.kind(s.find_node(a)), NodeKind::Account);
    // Labels: banned only in farms, trusted only in verified organisations.
    std::map<std::string, std::uint64_t> banned;
    for (NodeId v = 0; v < s.num_nodes(); ++v) {
      if (s.kind(v) != NodeKind::Account) continue;
      const std::string id(s.node_id(v));
      const std::string kind = kind_of.count(id) ? kind_of[id] : "individual";
      if (s.label(v) == Label::Banned) {
        EXPECT_EQ(kind, "hydra") << id;
        ++banned[cluster_of[id]];
      }
      if (s.label(v) == Label::Trusted) {
        EXPECT_TRUE(kind == "corporate" || kind == "university" || kind == "sharded_service" || kind == "legit_aggregator") << kind;
      }
    }
    // Each account invited at most once; farm invitations follow the farm's mode.
    std::map<NodeId, int> invitations;
    std::map<std::string, std::set<NodeId>> farm_inviters;
    std::map<std::string, std::uint64_t> farm_invites;
    for (EdgeId e = 0; e < s.num_edges(); ++e) {
      if (s.edge_type(e) != "invited") continue;
      EXPECT_EQ(++invitations[s.edge_dst(e)], 1) << s.node_id(s.edge_dst(e));
      const std::string src(s.node_id(s.edge_src(e))), dst(s.node_id(s.edge_dst(e)));
      if (kind_of[dst] == "hydra" && cluster_of[src] == cluster_of[dst]) {
        farm_inviters[cluster_of[dst]].insert(s.edge_src(e));
        ++farm_invites[cluster_of[dst]];
      }
    }
    // Proxies each farm's accounts go through (minus aggregators' proxies, its camouflage).
    std::set<NodeId> aggregator_proxies;
    std::map<std::string, std::set<NodeId>> proxies_of;
    for (EdgeId e = 0; e < s.num_edges(); ++e) {
      if (s.edge_type(e) != "via_proxy") continue;
      const std::string a(s.node_id(s.edge_src(e)));
      if (kind_of[a] == "legit_aggregator") aggregator_proxies.insert(s.edge_dst(e));
      if (kind_of[a] == "hydra" || kind_of[a] == "proxy_customer") proxies_of[cluster_of[a]].insert(s.edge_dst(e));
    }
    for (const auto& c : t.clusters) {
      if (c.kind == "proxy_customer") {  // every genuine customer goes through its host farm's proxies
        const rapidjson::Value* host = cluster_by_id(w.truth, c.id);
        ASSERT_NE(host, nullptr);
        const std::string host_id = (*host)["host"].GetString();
        const rapidjson::Value* farm = cluster_by_id(w.truth, host_id);
        ASSERT_NE(farm, nullptr) << host_id;
        EXPECT_EQ((*farm)["params"]["cover_customers"].GetUint64(), c.accounts.size());
        EXPECT_GT((*farm)["params"]["cover_share"].GetDouble(), 0.0);
        ++covers;
        if (w.data("proxies")) {
          for (NodeId p : proxies_of[c.id]) EXPECT_TRUE(proxies_of[host_id].count(p) || aggregator_proxies.count(p));
          EXPECT_FALSE(proxies_of[c.id].empty());
        }
        continue;
      }
      if (c.kind != "hydra") continue;
      const rapidjson::Value& p = (*cluster_by_id(w.truth, c.id))["params"];
      const auto size = static_cast<double>(c.accounts.size());
      // Tactic counts sum to the size and follow the mixture (largest remainders).
      std::uint64_t sum = 0;
      for (const char* tac : {"a", "b", "c", "d", "e", "f"}) {
        const auto n = p["tactic_counts"][tac].GetUint64();
        EXPECT_LE(std::fabs(static_cast<double>(n) - p["tactics"][tac].GetDouble() * size), 1.0 + 1e-6) << c.id << " " << tac;
        sum += n;
      }
      EXPECT_EQ(sum, c.accounts.size());
      // Banned seeds: floor(seed_fraction x size + u), u in [0, 1).
      const double expected = p["seed_fraction"].GetDouble() * size;
      EXPECT_GE(static_cast<double>(banned[c.id]), std::floor(expected - 1e-4)) << c.id;
      EXPECT_LE(static_cast<double>(banned[c.id]), std::floor(expected + 1e-4) + 1.0) << c.id;
      // Proxies: exactly the farm's (when the world has proxies).
      if (w.data("proxies")) {
        std::uint64_t own = 0;
        for (NodeId px : proxies_of[c.id]) own += aggregator_proxies.count(px) ? 0 : 1;
        EXPECT_EQ(own, p["proxies"].GetUint64()) << c.id;
        farms_with_proxies += own > 0 ? 1 : 0;
      }
      const std::string mode = p["invite_mode"].GetString();
      if (!w.data("invites") || mode == "none") {
        EXPECT_EQ(farm_invites[c.id], 0u) << c.id;
      } else {
        EXPECT_LT(farm_invites[c.id], c.accounts.size());
        if (mode == "star") {
          EXPECT_LE(farm_inviters[c.id].size(), p["invite_fanout"].GetUint64()) << c.id;
          ++star_farms;
        }
      }
    }
  }
  EXPECT_GT(farms_with_proxies, 0);
  EXPECT_GT(covers, 0);
  EXPECT_GT(star_farms, 0);
}

// Every recorded knob is inside the range docs/generator.md gives.
TEST(RandomProfile, RecordedKnobsAreWithinTheirDocumentedRanges) {
  auto in = [](const rapidjson::Value& obj, const char* key, double lo, double hi) {
    ASSERT_TRUE(obj.HasMember(key) && obj[key].IsNumber()) << key;
    const double v = obj[key].GetDouble();
    EXPECT_GE(v, lo) << key;
    EXPECT_LE(v, hi) << key;
  };
  const std::set<std::string> generic_names = {"phone", "email_domain", "org", "billing_address", "payout_account"};
  for (const World& w : twenty_worlds()) {
    const auto& wd = w.world();
    SCOPED_TRACE(w.report.truth_path);
    const auto& sh = wd["shares"];
    in(sh, "hydra", 0.01, 0.12);
    in(sh, "family", 0.01, 0.08);
    in(sh, "corporate", 0.02, 0.12);
    in(sh, "sharded_service", 0.002, 0.03);
    in(sh, "university", 0, 0.06);
    in(sh, "carrier_nat", 0.02, 0.15);
    in(sh, "vpn_exit", 0, 0.06);
    in(sh, "legit_aggregator", 0, 0.08);
    in(sh, "power_user", 0, 0.03);
    in(wd, "max_cluster", 150, 5000);
    in(wd, "corporate_gateway", 0.1, 0.7);
    in(wd, "corporate_median", 10, 60);
    in(wd, "sharded_max", 60, 400);
    in(wd, "sharded_spread", 0.005, 0.1);
    in(wd, "aggregators", 1, 4);
    in(wd, "power_user_max", 2, 8);
    in(wd, "public_email", 0.4, 0.9);
    in(wd, "invite_rate", 0.02, 0.25);
    in(wd, "seed_rate", 0, 0.10);
    in(wd, "trusted_rate", 0, 0.05);
    in(wd, "suspect_rate", 0, 5e-3);
    const auto& types = wd["generic_types"].GetArray();
    EXPECT_LE(types.Size(), 3u);
    for (const auto& t : types) EXPECT_TRUE(generic_names.count(t.GetString())) << t.GetString();
    const double nd = 1000;
    const double cap = std::min(wd["max_cluster"].GetDouble(), std::max(40.0, 0.05 * nd));
    std::uint64_t hydra_accounts = 0;
    for (const auto& c : w.truth["clusters"].GetArray()) {
      if (std::string(c["kind"].GetString()) != "hydra") continue;
      const auto size = static_cast<double>(c["accounts"].Size());
      hydra_accounts += c["accounts"].Size();
      EXPECT_GE(size, 20.0);
      EXPECT_LE(size, cap + 1);
      const auto& p = c["params"];
      const std::string arch = p["archetype"].GetString();
      EXPECT_TRUE(arch == "mixed" || arch == "pure" || arch == "free_tier" || arch == "no_infra") << arch;
      double mix = 0;
      for (const char* tac : {"a", "b", "c", "d", "e", "f"}) {
        in(p["tactics"], tac, 0, 1);
        mix += p["tactics"][tac].GetDouble();
      }
      EXPECT_NEAR(mix, 1.0, 1e-4);
      in(p, "camouflage", 0, 1);
      in(p, "balance_cv", 0.02, 3);
      in(p, "synchrony", arch == "free_tier" ? 0.5 : 0.0, 0.95);
      in(p, "seed_fraction", 0, 0.1);
      in(p, "aged_fraction", 0, 1);
      in(p, "pivot_probability", 0, 1);
      in(p, "resold_share", 0, 1);
      in(p, "accounts_per_card", 1, 300);
      in(p, "hydra_volume", 100, 1e6);
      in(p, "proxies", 0, 6);
      const double cover = p["cover_share"].GetDouble();
      EXPECT_TRUE(cover == 0.0 || (cover >= 0.3 && cover <= 0.7)) << cover;
      in(p, "egress_pool", 1, std::max(1.0, size / 3));
      const std::string dev = p["device_mode"].GetString();
      EXPECT_TRUE(dev == "pool" || dev == "anti_detect" || dev == "popular") << dev;
      in(p, "devices", dev == "pool" ? 1.0 : 0.0, dev == "pool" ? std::max(1.0, size / 5) : 0.0);
      in(p, "burst_spread_hours", 2, 2160);
      in(p, "burst_age_days", 1, 365);
      in(p, "burst_gap_days", 1, 60);
      in(p, "bursts", 1, 8);
      const double rot = p["rotation"].GetDouble();
      EXPECT_TRUE(rot == 0 || (rot >= 2 && rot <= 4)) << rot;
      in(p, "burstiness", 0, 1);
      if (arch == "free_tier" || arch == "no_infra") {
        EXPECT_EQ(p["proxies"].GetInt(), 0);
        EXPECT_EQ(dev, "anti_detect");
      }
      for (const auto& g : p["generic"].GetObject()) {
        EXPECT_TRUE(generic_names.count(g.name.GetString()));
        in(g.value, "share", 0, 1);
        in(g.value, "pool", 1, size);
      }
      const std::string mode = p["invite_mode"].GetString();
      EXPECT_TRUE(mode == "none" || mode == "star" || mode == "chain" || mode == "tree") << mode;
      if (mode != "none") in(p, "invite_share", 0.2, 1);
      if (mode == "star") in(p, "invite_fanout", 1, 5);
      if (mode == "tree") in(p, "invite_fanout", 2, 10);
    }
    // Farms use the drawn share of N (up to one farm's minimum size left over).
    EXPECT_LE(static_cast<double>(hydra_accounts), sh["hydra"].GetDouble() * nd + 1e-9);
    EXPECT_GE(static_cast<double>(hydra_accounts), sh["hydra"].GetDouble() * nd - 20.0);
  }
}

// Twenty seeds give visibly different worlds: data availability, generic types,
// farm archetypes and label regimes all vary.
TEST(RandomProfile, SeedsGiveVisiblyDifferentWorlds) {
  std::set<std::string> signatures;
  std::map<std::string, std::set<bool>> flag_values;
  std::set<std::size_t> generic_counts;
  std::set<std::string> archetypes;
  int minimal = 0, no_seeds = 0, trusted = 0;
  std::set<double> hydra_shares;
  for (const World& w : twenty_worlds()) {
    const auto& wd = w.world();
    std::string sig;
    for (const auto& f : wd["data"].GetObject()) {
      sig += f.value.GetBool() ? '1' : '0';
      flag_values[f.name.GetString()].insert(f.value.GetBool());
    }
    for (const auto& t : wd["generic_types"].GetArray()) sig += std::string(",") + t.GetString();
    signatures.insert(sig);
    generic_counts.insert(wd["generic_types"].Size());
    minimal += wd["minimal"].GetBool() ? 1 : 0;
    no_seeds += wd["seed_rate"].GetDouble() == 0.0 ? 1 : 0;
    trusted += wd["trusted_rate"].GetDouble() > 0.0 ? 1 : 0;
    hydra_shares.insert(wd["shares"]["hydra"].GetDouble());
    for (const auto& c : w.truth["clusters"].GetArray())
      if (c.HasMember("params")) archetypes.insert(c["params"]["archetype"].GetString());
  }
  EXPECT_GE(signatures.size(), 15u) << "data availability hardly varies";
  for (const auto& [flag, values] : flag_values) EXPECT_EQ(values.size(), 2u) << flag << " never varies";
  EXPECT_GE(generic_counts.size(), 3u);
  EXPECT_GE(minimal, 1);
  EXPECT_GE(no_seeds, 1);
  EXPECT_GE(trusted, 1);
  EXPECT_LT(trusted, 20);
  EXPECT_EQ(hydra_shares.size(), 20u);
  EXPECT_EQ(archetypes.size(), 4u);
}

// Every format loads, and the count of nodes and edges matches the report.
TEST(RandomProfile, EveryFormatLoads) {
  for (SnapshotFormat f : {SnapshotFormat::Json, SnapshotFormat::CsvPair}) {
    const World w = make_world(1500, 3, f);
    const Snapshot s = load_snapshot(w.report.snapshot_path);
    EXPECT_NO_THROW(s.validate());
    EXPECT_EQ(s.num_nodes(), w.report.nodes);
    EXPECT_EQ(s.num_edges(), w.report.edges);
  }
}

}  // namespace
}  // namespace hydrascope
