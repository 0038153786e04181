// World B generator: determinism, every profile loads (NDJSON and CSV) with
// truth consistent with the snapshot, the drawn data availability is what
// the snapshot carries (bare above all), and no single per-account feature
// separates the hard world's farms.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <unordered_map>

#include "hydrascope/eval.hpp"
#include "hydrascope/io.hpp"
#include "hydrascope/synth.hpp"
#include "files.hpp"

namespace hydrascope {
namespace {

const std::string kWorldBTmp = std::string(HYDRASCOPE_TEST_TMP) + "/synth-world-b";
using hydrascope::testing::kIpRanges;

using hydrascope::testing::read_all;

WorldBOptions opts(WorldBProfile p, std::uint64_t n, std::uint64_t seed, SnapshotFormat f = SnapshotFormat::Ndjson) {
  WorldBOptions o = WorldBOptions::for_profile(p, n, seed);
  o.format = f;
  o.ip_ranges_dir = kIpRanges;
  return o;
}

constexpr std::array<WorldBProfile, 4> kProfiles = {WorldBProfile::Easy, WorldBProfile::Mixed, WorldBProfile::Hard,
                                                    WorldBProfile::Bare};

// Checks the truth against the snapshot; returns account id -> truth kind.
std::unordered_map<std::string, std::string> check_truth(const Snapshot& s, const Truth& t) {
  std::unordered_map<std::string, std::string> kind;
  std::set<std::string> cluster_ids;
  for (const auto& c : t.clusters) {
    EXPECT_TRUE(cluster_ids.insert(c.id).second) << "repeated cluster id " << c.id;
    EXPECT_FALSE(c.accounts.empty()) << c.id;
    for (const auto& a : c.accounts) {
      const NodeId v = s.find_node(a);
      EXPECT_NE(v, kInvalidNode) << c.id << ": " << a;
      if (v != kInvalidNode) {
        EXPECT_EQ(s.kind(v), NodeKind::Account) << c.id << ": " << a;
      }
      EXPECT_TRUE(kind.emplace(a, c.kind).second) << "account in two clusters: " << a;
    }
  }
  // the top-level accounts: every account of the snapshot, in its order
  std::vector<std::string> order;
  for (NodeId v = 0; v < s.num_nodes(); ++v)
    if (s.kind(v) == NodeKind::Account) order.emplace_back(s.node_id(v));
  EXPECT_EQ(order, t.accounts);
  return kind;
}

TEST(WorldB, SameSeedSameBytesOtherSeedDiffers) {
  for (auto f : {SnapshotFormat::Ndjson, SnapshotFormat::CsvPair}) {
    const std::string tag = f == SnapshotFormat::CsvPair ? "csv" : "ndjson";
    const auto a = generate_world_b(opts(WorldBProfile::Mixed, 5000, 3, f), kWorldBTmp + "/det-a-" + tag);
    const auto b = generate_world_b(opts(WorldBProfile::Mixed, 5000, 3, f), kWorldBTmp + "/det-b-" + tag);
    const auto c = generate_world_b(opts(WorldBProfile::Mixed, 5000, 4, f), kWorldBTmp + "/det-c-" + tag);
    const auto file = [&](const WorldBReport& r) {
      return f == SnapshotFormat::CsvPair ? read_all(r.summary.snapshot_path + "/nodes.csv") + read_all(r.summary.snapshot_path + "/edges.csv")
                                          : read_all(r.summary.snapshot_path);
    };
    EXPECT_FALSE(file(a).empty());
    EXPECT_EQ(file(a), file(b));
    EXPECT_EQ(read_all(a.summary.truth_path), read_all(b.summary.truth_path));
    EXPECT_NE(file(a), file(c));
    EXPECT_NE(read_all(a.summary.truth_path), read_all(c.summary.truth_path));
  }
}

TEST(WorldB, EveryProfileLoadsInNdjsonAndCsvWithConsistentTruth) {
  for (auto p : kProfiles) {
    for (auto f : {SnapshotFormat::Ndjson, SnapshotFormat::CsvPair}) {
      SCOPED_TRACE(std::string(to_string(p)) + (f == SnapshotFormat::CsvPair ? " csv" : " ndjson"));
      const std::string dir = kWorldBTmp + "/load-" + std::string(to_string(p)) + (f == SnapshotFormat::CsvPair ? "-csv" : "-ndjson");
      const auto rep = generate_world_b(opts(p, 4000, 21, f), dir);
      LoadReport lr;
      const Snapshot s = load_snapshot(rep.summary.snapshot_path, {}, &lr);  // a file, or the CSV folder
      EXPECT_NO_THROW(s.validate());
      EXPECT_EQ(lr.merged_edges, 0u) << "the generator writes no repeated edge";
      // registrations and account-to-account ties weigh 1 (no farm-only weights)
      for (EdgeId e = 0; e < s.num_edges(); ++e) {
        const std::string_view ty = s.edge_type(e);
        if (ty == "email_at" || ty == "verified_by" || ty == "paid_with" || ty == "bills_to" || ty == "pays_out_to" ||
            ty == "member_of" || ty == "invited" || ty == "same_org") {
          ASSERT_EQ(s.edge_weight(e), 1.0) << ty;
        }
      }
      EXPECT_EQ(s.num_nodes(), rep.summary.nodes);
      EXPECT_EQ(s.num_edges(), rep.summary.edges);
      std::uint64_t accounts = 0;
      for (NodeId v = 0; v < s.num_nodes(); ++v) accounts += s.kind(v) == NodeKind::Account;
      EXPECT_EQ(accounts, 4000u);
      const Truth t = load_truth(rep.summary.truth_path);
      const auto kind = check_truth(s, t);
      std::uint64_t hydra = 0;
      for (const auto& [id, k] : kind) hydra += k == "hydra";
      EXPECT_EQ(hydra, rep.summary.hydra_accounts);
      EXPECT_GT(rep.summary.hydra_clusters, 0u);
      // eval reads the truth unchanged: a perfect ranking scores AUROC 1
      std::vector<AccountRow> rows;
      for (const auto& a : t.accounts) {
        AccountRow r;
        r.account_id = a;
        const auto it = kind.find(a);
        r.risk_score = it != kind.end() && it->second == "hydra" ? 1.0 : 0.0;
        r.suspect = r.risk_score > 0.5;
        rows.push_back(r);
      }
      const EvalResult e = evaluate(t, rows);
      EXPECT_EQ(e.missing, 0u);
      EXPECT_EQ(e.unknown, 0u);
      EXPECT_EQ(e.positives, rep.summary.hydra_accounts);
      EXPECT_DOUBLE_EQ(e.auroc, 1.0);
    }
  }
}

TEST(WorldB, MixedWorldPlantsEveryKind) {
  const auto rep = generate_world_b(opts(WorldBProfile::Mixed, 20000, 5), kWorldBTmp + "/kinds");
  const Truth t = load_truth(rep.summary.truth_path);
  std::map<std::string, std::uint64_t> sizes;
  for (const auto& c : t.clusters) sizes[c.kind] += c.accounts.size();
  for (const char* k : {"hydra", "team", "classroom", "referral_tree", "oss_project", "family", "carrier_nat",
                        "vpn_exit", "viral_template", "legit_reseller", "sharded_service"})
    EXPECT_GT(sizes[k], 0u) << k;
  // farms: 20 accounts or more
  for (const auto& c : t.clusters)
    if (c.kind == "hydra") {
      EXPECT_GE(c.accounts.size(), 20u) << c.id;
    }
}

// What the snapshot carries is what the world drew, for several seeds of
// every profile.
TEST(WorldB, DataAvailabilityFlagsAreRespected) {
  int worlds_with_activity = 0, worlds_without = 0;
  for (auto p : kProfiles) {
    for (std::uint64_t seed = 1; seed <= 4; ++seed) {
      SCOPED_TRACE(std::string(to_string(p)) + " seed " + std::to_string(seed));
      const auto o = opts(p, 3000, seed);
      const auto rep = generate_world_b(o, kWorldBTmp + "/avail-" + std::string(to_string(p)) + "-" + std::to_string(seed));
      const WorldBData& d = rep.data;
      const WorldBData drawn = draw_world_b_data(o);
      EXPECT_EQ(drawn.activity, d.activity);
      EXPECT_EQ(drawn.generic_types, d.generic_types);
      const Snapshot s = load_snapshot(rep.summary.snapshot_path);
      (d.activity ? worlds_with_activity : worlds_without) += 1;
      EXPECT_EQ(s.meta().activity.present(), d.activity);
      std::set<std::string> types, edge_types;
      bool any_activity = false, any_created = false, any_times = false;
      std::uint64_t trusted = 0, suspect = 0;
      for (NodeId v = 0; v < s.num_nodes(); ++v) {
        types.emplace(s.node_type(v));
        if (s.kind(v) != NodeKind::Account) continue;
        any_activity |= s.has_activity(v);
        any_created |= s.created_at(v) != kNoTime;
        trusted += s.label(v) == Label::Trusted;
        suspect += s.label(v) == Label::Suspect;
      }
      for (EdgeId e = 0; e < s.num_edges(); ++e) {
        edge_types.emplace(s.edge_type(e));
        any_times |= s.first_seen(e) != kNoTime;
      }
      EXPECT_EQ(any_activity, d.activity);
      EXPECT_EQ(any_created, d.created_at);
      EXPECT_EQ(any_times, d.edge_times);
      std::set<std::string> expect = {"account"};
      if (d.card) expect.insert("payment_method");
      if (d.ip) expect.insert("ip");
      if (d.proxy) expect.insert("proxy");
      if (d.device) expect.insert("device");
      expect.insert(d.generic_types.begin(), d.generic_types.end());
      EXPECT_EQ(types, expect);
      for (const char* aa : {"invited", "transferred_to", "same_org"}) {
        const bool allowed = std::find(d.account_edges.begin(), d.account_edges.end(), aa) != d.account_edges.end();
        if (!allowed) {
          EXPECT_EQ(edge_types.count(aa), 0u) << aa;
        }
      }
      if (!d.trusted_labels) {
        EXPECT_EQ(trusted, 0u);
      }
      if (!d.suspect_labels) {
        EXPECT_EQ(suspect, 0u);
      }
      EXPECT_EQ(trusted, rep.trusted);
      EXPECT_EQ(suspect, rep.suspect);
      // banned seeds only on farm accounts; bare: 10 % of every farm
      const Truth t = load_truth(rep.summary.truth_path);
      std::set<std::string> farm;
      for (const auto& c : t.clusters) {
        if (c.kind != "hydra") continue;
        farm.insert(c.accounts.begin(), c.accounts.end());
        std::uint64_t banned = 0;
        for (const auto& a : c.accounts) banned += s.label(s.find_node(a)) == Label::Banned;
        if (p == WorldBProfile::Bare) {
          EXPECT_EQ(banned, static_cast<std::uint64_t>(std::llround(0.1 * static_cast<double>(c.accounts.size())))) << c.id;
        } else {
          EXPECT_LE(static_cast<double>(banned), o.farm.seed_max * static_cast<double>(c.accounts.size()) + 1.0) << c.id;
        }
      }
      for (NodeId v = 0; v < s.num_nodes(); ++v)
        if (s.label(v) == Label::Banned) {
          EXPECT_TRUE(farm.count(std::string(s.node_id(v)))) << s.node_id(v);
        }
      if (p == WorldBProfile::Bare) {
        EXPECT_FALSE(d.activity);
        EXPECT_FALSE(d.created_at);
        EXPECT_FALSE(d.edge_times);
        EXPECT_FALSE(d.card || d.ip || d.proxy || d.device);
        ASSERT_EQ(d.generic_types.size(), 1u);
        EXPECT_EQ(types.size(), 2u) << "bare: exactly one non-account node type";
        EXPECT_EQ(trusted + suspect, 0u);
        EXPECT_GT(rep.banned, 0u);
      }
    }
  }
  EXPECT_GT(worlds_with_activity, 0);
  EXPECT_GT(worlds_without, 0);
}

// Neither the position of an account nor its id tells its group: farm
// accounts are spread over the order, and every id has the world's one form.
TEST(WorldB, OrderAndIdsDoNotRevealMembership) {
  const auto rep = generate_world_b(opts(WorldBProfile::Easy, 10000, 9), kWorldBTmp + "/order");
  const Snapshot s = load_snapshot(rep.summary.snapshot_path);
  const Truth t = load_truth(rep.summary.truth_path);
  std::set<std::string> farm;
  for (const auto& c : t.clusters)
    if (c.kind == "hydra") farm.insert(c.accounts.begin(), c.accounts.end());
  ASSERT_FALSE(farm.empty());
  // the id forms of world B: acct_ + 13 base-36 digits, u + 16 hex digits, user- + a decimal
  const auto form = [](const std::string& id) -> std::string {
    if (id.rfind("acct_", 0) == 0 && id.size() == 18) return "acct";
    if (id.rfind("user-", 0) == 0 && id.size() > 5 && id.size() <= 25) return "user";
    if (id.size() == 17 && id[0] == 'u' && id.find_first_not_of("0123456789abcdef", 1) == std::string::npos) return "u";
    return "other";
  };
  double sum = 0, count = 0, k = 0;
  std::string first;
  for (NodeId v = 0; v < s.num_nodes(); ++v) {
    if (s.kind(v) != NodeKind::Account) continue;
    const std::string id(s.node_id(v));
    if (first.empty()) first = form(id);
    EXPECT_NE(form(id), "other") << id;
    EXPECT_EQ(form(id), first) << id;  // one id form for every account of a world
    if (farm.count(id)) { sum += k / 10000.0; count += 1; }
    k += 1;
  }
  EXPECT_NEAR(sum / count, 0.5, 0.08);
}

// `hydrascope generate --world b` writes a loadable world; world A refuses the
// bare profile and an unknown world is a usage error.
TEST(WorldB, CliWritesWorldB) {
  const std::string dir = kWorldBTmp + "/cli";
  std::filesystem::remove_all(dir);
  const std::string bin = HYDRASCOPE_TEST_BINARY;
  const std::string cmd = bin + " -q generate --world b --accounts 2000 --seed 5 --profile bare --output-format csv --out " + dir;
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  Snapshot s;
  ASSERT_NO_THROW(s = load_snapshot(dir + "/snapshot"));
  const Truth t = load_truth(dir + "/truth.json");
  EXPECT_EQ(t.accounts.size(), 2000u);
  // the same world as the library call
  const auto rep = generate_world_b(opts(WorldBProfile::Bare, 2000, 5, SnapshotFormat::CsvPair), kWorldBTmp + "/cli-lib");
  EXPECT_EQ(read_all(dir + "/snapshot/edges.csv"), read_all(rep.summary.snapshot_path + "/edges.csv"));
  EXPECT_EQ(read_all(dir + "/truth.json"), read_all(rep.summary.truth_path));
  for (const char* bad : {" -q generate --world a --profile bare --accounts 2000 --seed 5 --out ",
                          " -q generate --world c --accounts 2000 --seed 5 --out "}) {
    const std::string c = bin + bad + dir + "-bad 2>/dev/null";
    EXPECT_NE(std::system(c.c_str()), 0) << c;
  }
}

TEST(WorldB, ValidateRejectsBadOptions) {
  auto o = opts(WorldBProfile::Easy, 5000, 1);
  EXPECT_NO_THROW(o.validate());
  o.accounts = 999;
  EXPECT_THROW(o.validate(), std::invalid_argument);
  o = opts(WorldBProfile::Easy, 5000, 1);
  o.farm.aa_rate = 1.5;
  EXPECT_THROW(o.validate(), std::invalid_argument);
  o = opts(WorldBProfile::Easy, 5000, 1);
  o.farm.share = 0.0;
  EXPECT_THROW(o.validate(), std::invalid_argument);
  o = opts(WorldBProfile::Easy, 5000, 1);
  o.farm.phone_reuse = 0.5;
  EXPECT_THROW(o.validate(), std::invalid_argument);
  o = opts(WorldBProfile::Easy, 5000, 1);
  o.format = SnapshotFormat::EdgeList;
  EXPECT_THROW(o.validate(), std::invalid_argument);
  EXPECT_THROW((void)parse_world_b_profile("random"), std::invalid_argument);
  EXPECT_EQ(parse_world_b_profile("bare"), WorldBProfile::Bare);
  EXPECT_EQ(to_string(WorldBProfile::Hard), "hard");
}

// Single per-account features on a 20,000-account hard world (the first seed
// whose world carries activity, sign-up times and invites, so that all five
// are measured):
// none may separate farm accounts at AUROC 0.95 or more, in either direction.
TEST(WorldB, HardWorldHasNoSingleFeatureWinner) {
  std::uint64_t seed = 1;
  for (;; ++seed) {
    const WorldBData d = draw_world_b_data(opts(WorldBProfile::Hard, 20000, seed));
    const bool invites = std::find(d.account_edges.begin(), d.account_edges.end(), "invited") != d.account_edges.end();
    if (d.activity && d.created_at && invites) break;
  }
  const auto rep = generate_world_b(opts(WorldBProfile::Hard, 20000, seed), kWorldBTmp + "/hard");
  const Snapshot s = load_snapshot(rep.summary.snapshot_path);
  const Truth t = load_truth(rep.summary.truth_path);
  std::set<std::string> hydra;
  for (const auto& c : t.clusters)
    if (c.kind == "hydra") hydra.insert(c.accounts.begin(), c.accounts.end());
  const NodeId n = s.num_nodes();
  std::vector<double> deg(n, 0), acc_deg(n, 0), aa(n, 0), biggest(n, 0);
  for (EdgeId e = 0; e < s.num_edges(); ++e) {
    const NodeId a = s.edge_src(e), b = s.edge_dst(e);
    deg[a] += 1;
    deg[b] += 1;
    const bool aa_edge = s.kind(a) == NodeKind::Account && s.kind(b) == NodeKind::Account;
    if (aa_edge) { aa[a] += 1; aa[b] += 1; continue; }
    if (s.kind(a) == NodeKind::Account) acc_deg[b] += 1;
    if (s.kind(b) == NodeKind::Account) acc_deg[a] += 1;
  }
  for (EdgeId e = 0; e < s.num_edges(); ++e) {
    NodeId a = s.edge_src(e), b = s.edge_dst(e);
    if (s.kind(a) != NodeKind::Account) std::swap(a, b);
    if (s.kind(a) != NodeKind::Account || s.kind(b) == NodeKind::Account) continue;
    biggest[a] = std::max(biggest[a], acc_deg[b]);  // accounts on its most shared entity
  }
  std::vector<std::vector<double>> f(5);
  std::vector<bool> pos;
  const auto now = s.meta().taken_at;
  for (NodeId v = 0; v < n; ++v) {
    if (s.kind(v) != NodeKind::Account) continue;
    pos.push_back(hydra.count(std::string(s.node_id(v))) > 0);
    f[0].push_back(deg[v]);
    f[1].push_back(biggest[v]);
    f[2].push_back(aa[v]);
    f[3].push_back(s.activity_total(v));
    f[4].push_back(static_cast<double>(now - s.created_at(v)));
  }
  const char* names[] = {"degree", "largest shared entity", "account-account edges", "volume", "account age"};
  double best = 0;
  std::string best_name;
  std::printf("  hard world b, seed %llu, %llu farm accounts of %zu\n", static_cast<unsigned long long>(seed),
              static_cast<unsigned long long>(rep.summary.hydra_accounts), pos.size());
  for (std::size_t i = 0; i < f.size(); ++i) {
    const double a = auroc(f[i], pos);
    const double sep = std::max(a, 1.0 - a);
    std::printf("  single-feature AUROC %-22s %.3f (raw %.3f)\n", names[i], sep, a);
    if (sep > best) { best = sep; best_name = names[i]; }
  }
  std::printf("  best single feature: %s %.3f\n", best_name.c_str(), best);
  EXPECT_LT(best, 0.95) << best_name;
}

}  // namespace
}  // namespace hydrascope
