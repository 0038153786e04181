// Generator: determinism, truth consistent with the snapshot, every format
// loads, options are validated, and no single feature separates the hard world.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "hydrascope/eval.hpp"
#include "hydrascope/io.hpp"
#include "hydrascope/synth.hpp"
#include "files.hpp"

namespace hydrascope {
namespace {

const std::string kSynthTmp = std::string(HYDRASCOPE_TEST_TMP) + "/synth";
using hydrascope::testing::kIpRanges;

using hydrascope::testing::read_all;

GeneratorOptions small(WorldProfile p, std::uint64_t seed, SnapshotFormat f = SnapshotFormat::Ndjson) {
  GeneratorOptions o = GeneratorOptions::for_profile(p, 6000, seed);
  o.format = f;
  o.ip_ranges_dir = kIpRanges;
  return o;
}

TEST(Generator, SameSeedSameBytesOtherSeedDiffers) {
  const auto a = generate_world(small(WorldProfile::Mixed, 3), kSynthTmp + "/det-a");
  const auto b = generate_world(small(WorldProfile::Mixed, 3), kSynthTmp + "/det-b");
  const auto c = generate_world(small(WorldProfile::Mixed, 4), kSynthTmp + "/det-c");
  EXPECT_EQ(read_all(a.snapshot_path), read_all(b.snapshot_path));
  EXPECT_EQ(read_all(a.truth_path), read_all(b.truth_path));
  EXPECT_NE(read_all(a.snapshot_path), read_all(c.snapshot_path));
}

TEST(Generator, EveryFormatLoadsAndTruthMatches) {
  for (auto f : {SnapshotFormat::Ndjson, SnapshotFormat::Json, SnapshotFormat::CsvPair}) {
    for (bool gz : {false, true}) {
      auto o = small(WorldProfile::Hard, 5, f);
      o.gzip = gz;
      const std::string dir = kSynthTmp + "/fmt-" + std::string(to_string(f)) + (gz ? "-gz" : "");
      const auto rep = generate_world(o, dir);
      const Snapshot s = load_snapshot(f == SnapshotFormat::CsvPair ? dir + "/snapshot" : rep.snapshot_path);
      EXPECT_NO_THROW(s.validate());
      EXPECT_EQ(s.num_nodes(), rep.nodes);
      EXPECT_EQ(s.num_edges(), rep.edges);
      const Truth t = load_truth(rep.truth_path);
      std::uint64_t accounts = 0;
      for (NodeId v = 0; v < s.num_nodes(); ++v) accounts += s.kind(v) == NodeKind::Account;
      EXPECT_EQ(accounts, 6000u);
      ASSERT_EQ(t.accounts.size(), 6000u);
      std::set<std::string> seen;
      std::set<std::string> kinds;
      for (const auto& c : t.clusters) {
        kinds.insert(c.kind);
        for (const auto& a : c.accounts) {
          EXPECT_NE(s.find_node(a), kInvalidNode) << a;
          EXPECT_TRUE(seen.insert(a).second) << "account in two clusters: " << a;
        }
      }
      for (const char* k : {"hydra", "family", "corporate", "sharded_service", "university", "carrier_nat", "vpn_exit",
                            "legit_aggregator", "power_user"})
        EXPECT_TRUE(kinds.count(k)) << k;
      for (const auto& a : t.accounts) EXPECT_EQ(s.kind(s.find_node(a)), NodeKind::Account);
    }
  }
}

TEST(Generator, ValidateRejectsBadOptions) {
  auto o = small(WorldProfile::Easy, 1);
  o.accounts = 10;
  EXPECT_THROW(o.validate(), std::invalid_argument);
  o = small(WorldProfile::Easy, 1);
  o.camouflage = 1.5;
  EXPECT_THROW(o.validate(), std::invalid_argument);
  o = small(WorldProfile::Easy, 1);
  o.format = SnapshotFormat::EdgeList;
  EXPECT_THROW(o.validate(), std::invalid_argument);
  EXPECT_THROW((void)parse_profile("medium"), std::invalid_argument);
}

// On the hard profile no single per-account feature separates hydra accounts
// almost perfectly. Prints the best single-feature AUROC.
TEST(Generator, HardWorldHasNoSingleFeatureWinner) {
  auto o = small(WorldProfile::Hard, 11);
  o.accounts = 20000;
  const auto rep = generate_world(o, kSynthTmp + "/hard");
  const Snapshot s = load_snapshot(rep.snapshot_path);
  const Truth t = load_truth(rep.truth_path);
  std::set<std::string> hydra;
  for (const auto& c : t.clusters) if (c.kind == "hydra") hydra.insert(c.accounts.begin(), c.accounts.end());
  const NodeId n = s.num_nodes();
  std::vector<double> deg(n, 0), acc_nbrs(n, 0);
  for (EdgeId e = 0; e < s.num_edges(); ++e) {
    deg[s.edge_src(e)] += 1; deg[s.edge_dst(e)] += 1;
  }
  // feature -> per account value
  std::vector<std::vector<double>> f(7);
  std::vector<bool> pos;
  std::vector<NodeId> acc;
  for (NodeId v = 0; v < n; ++v) if (s.kind(v) == NodeKind::Account) { acc.push_back(v); pos.push_back(hydra.count(std::string(s.node_id(v))) > 0); }
  std::vector<double> maxcard(n, 0), maxip(n, 0), maxpx(n, 0), maxdev(n, 0);
  for (EdgeId e = 0; e < s.num_edges(); ++e) {
    NodeId a = s.edge_src(e), b = s.edge_dst(e);
    if (s.kind(a) != NodeKind::Account) std::swap(a, b);
    if (s.kind(a) != NodeKind::Account) continue;
    auto& m = s.kind(b) == NodeKind::PaymentMethod ? maxcard : s.kind(b) == NodeKind::Ip ? maxip
            : s.kind(b) == NodeKind::Proxy ? maxpx : maxdev;
    m[a] = std::max(m[a], deg[b]);
  }
  const char* names[] = {"degree", "card fan-out", "ip fan-in", "proxy size", "device sharing", "volume", "age"};
  for (NodeId v : acc) {
    f[0].push_back(deg[v]); f[1].push_back(maxcard[v]); f[2].push_back(maxip[v]); f[3].push_back(maxpx[v]);
    f[4].push_back(maxdev[v]); f[5].push_back(s.activity_total(v)); f[6].push_back(static_cast<double>(s.created_at(v)));
  }
  double best = 0;
  std::string best_name;
  for (std::size_t i = 0; i < f.size(); ++i) {
    const double a = auroc(f[i], pos);
    const double sep = std::max(a, 1.0 - a);  // a feature may separate in either direction
    std::printf("  single-feature AUROC %-15s %.3f\n", names[i], sep);
    if (sep > best) { best = sep; best_name = names[i]; }
  }
  std::printf("  best single feature: %s %.3f\n", best_name.c_str(), best);
  EXPECT_LT(best, 0.95) << best_name;
}

}  // namespace
}  // namespace hydrascope
