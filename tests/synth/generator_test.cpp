// Tests of `generate_world`: determinism, truth consistent with the snapshot,
// every format loads cleanly, and no single per-account feature separates hydra
// accounts from benign ones almost perfectly on the hard profile.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "hydrascope/io.hpp"
#include "hydrascope/synth.hpp"
#include "files.hpp"

namespace hydrascope {
namespace {

namespace fs = std::filesystem;

std::string tmp_dir(const std::string& name) {
  const std::string d = std::string(HYDRASCOPE_TEST_TMP) + "/synth_gen_" + name;
  fs::remove_all(d);
  return d;
}

using hydrascope::testing::read_existing;

/// All files below `dir`, by relative path, with their bytes.
std::map<std::string, std::string> files_of(const std::string& dir) {
  std::map<std::string, std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file()) out[fs::relative(e.path(), dir).string()] = read_existing(e.path().string());
  return out;
}

struct Truth {
  std::vector<std::string> kinds;                  // per cluster
  std::vector<std::vector<std::string>> members;   // per cluster
  std::vector<std::string> all;                    // every account id
};

Truth read_truth(const std::string& path) {
  const std::string text = read_existing(path);
  rapidjson::Document d;
  d.Parse(text.c_str(), text.size());
  if (d.HasParseError() || !d.IsObject()) throw std::runtime_error("truth.json is not a JSON object");
  Truth t;
  if (!d.HasMember("format") || !d["format"].IsString() || std::string(d["format"].GetString()) != "hydrascope.truth")
    throw std::runtime_error("truth.json: bad format");
  if (!d.HasMember("clusters") || !d["clusters"].IsArray()) throw std::runtime_error("truth.json: no clusters");
  for (const auto& c : d["clusters"].GetArray()) {
    if (!c.IsObject() || !c.HasMember("kind") || !c["kind"].IsString() || !c.HasMember("accounts") ||
        !c["accounts"].IsArray())
      throw std::runtime_error("truth.json: bad cluster");
    t.kinds.emplace_back(c["kind"].GetString());
    auto& m = t.members.emplace_back();
    for (const auto& a : c["accounts"].GetArray()) {
      if (!a.IsString()) throw std::runtime_error("truth.json: account id not a string");
      m.emplace_back(a.GetString());
    }
  }
  // Every account id: a top-level "accounts" (or "all_accounts") array.
  const char* key = d.HasMember("accounts") ? "accounts" : "all_accounts";
  if (!d.HasMember(key) || !d[key].IsArray()) throw std::runtime_error("truth.json: no list of every account");
  for (const auto& a : d[key].GetArray()) {
    if (!a.IsString()) throw std::runtime_error("truth.json: account id not a string");
    t.all.emplace_back(a.GetString());
  }
  return t;
}

// Every account of a hydra cluster in `t`.
std::unordered_set<std::string> accounts_of_hydras(const Truth& t) {
  std::unordered_set<std::string> hydra;
  for (std::size_t c = 0; c < t.members.size(); ++c)
    if (t.kinds[c] == "hydra") hydra.insert(t.members[c].begin(), t.members[c].end());
  return hydra;
}

GenerateReport generate(const GeneratorOptions& o, const std::string& dir) { return generate_world(o, dir); }

TEST(Generator, SameSeedGivesByteIdenticalFiles) {
  for (SnapshotFormat f : {SnapshotFormat::Ndjson, SnapshotFormat::CsvPair}) {
    auto o = GeneratorOptions::mixed(3000, 11);
    o.format = f;
    const std::string a = tmp_dir("det_a"), b = tmp_dir("det_b");
    generate(o, a);
    generate(o, b);
    const auto fa = files_of(a), fb = files_of(b);
    ASSERT_FALSE(fa.empty());
    ASSERT_EQ(fa.size(), fb.size());
    for (const auto& [name, bytes] : fa) {
      ASSERT_TRUE(fb.count(name)) << name;
      EXPECT_TRUE(bytes == fb.at(name)) << name << " differs between two runs with the same seed";
    }
    EXPECT_TRUE(fa.count("truth.json"));
  }
}

TEST(Generator, DifferentSeedsGiveDifferentWorlds) {
  auto o = GeneratorOptions::mixed(3000, 1);
  const std::string a = tmp_dir("seed_a"), b = tmp_dir("seed_b");
  const auto ra = generate(o, a);
  o.seed = 2;
  const auto rb = generate(o, b);
  EXPECT_NE(read_existing(ra.snapshot_path), read_existing(rb.snapshot_path));
}

TEST(Generator, EveryFormatLoadsWithZeroErrorsAndMatchesTheReport) {
  struct Case {
    SnapshotFormat format;
    bool gzip;
  };
  for (const Case c : {Case{SnapshotFormat::Json, false}, Case{SnapshotFormat::Ndjson, false},
                       Case{SnapshotFormat::CsvPair, false}, Case{SnapshotFormat::Ndjson, true},
                       Case{SnapshotFormat::Json, true}, Case{SnapshotFormat::CsvPair, true}}) {
    auto o = GeneratorOptions::mixed(2000, 5);
    o.format = c.format;
    o.gzip = c.gzip;
    const std::string dir = tmp_dir("fmt");
    const GenerateReport r = generate(o, dir);
    SCOPED_TRACE(r.snapshot_path);
    Snapshot s;
    ASSERT_NO_THROW(s = load_snapshot(r.snapshot_path));
    EXPECT_NO_THROW(s.validate());
    std::uint64_t accounts = 0;
    for (NodeId v = 0; v < s.num_nodes(); ++v) accounts += s.kind(v) == NodeKind::Account ? 1 : 0;
    EXPECT_EQ(accounts, 2000u);
    EXPECT_EQ(r.accounts, 2000u);
    EXPECT_EQ(s.num_nodes(), r.nodes);
    EXPECT_LE(s.num_edges(), r.edges);  // repeated edges merge at load
    // The CSV pair has no header, so only JSON and NDJSON carry the activity spec.
    if (c.format != SnapshotFormat::CsvPair) {
      EXPECT_TRUE(s.meta().activity.present());
    }
  }
}

TEST(Generator, TruthIsConsistentWithTheSnapshot) {
  auto o = GeneratorOptions::mixed(5000, 3);
  const std::string dir = tmp_dir("truth");
  const GenerateReport r = generate(o, dir);
  const Snapshot s = load_snapshot(r.snapshot_path);
  const Truth t = read_truth(r.truth_path);
  std::unordered_set<std::string> snapshot_accounts;
  for (NodeId v = 0; v < s.num_nodes(); ++v)
    if (s.kind(v) == NodeKind::Account) snapshot_accounts.emplace(s.node_id(v));
  // Every account listed once, and exactly the snapshot's accounts.
  std::unordered_set<std::string> all(t.all.begin(), t.all.end());
  EXPECT_EQ(all.size(), t.all.size()) << "an account is listed twice";
  EXPECT_EQ(all, snapshot_accounts);
  // Clusters: members are snapshot accounts, clusters are disjoint.
  std::unordered_set<std::string> seen;
  std::uint64_t hydra_clusters = 0, hydra_accounts = 0;
  std::map<std::string, int> kinds;
  for (std::size_t c = 0; c < t.members.size(); ++c) {
    ++kinds[t.kinds[c]];
    EXPECT_FALSE(t.members[c].empty());
    for (const auto& a : t.members[c]) {
      EXPECT_TRUE(snapshot_accounts.count(a)) << a << " in truth is not an account of the snapshot";
      EXPECT_TRUE(seen.insert(a).second) << a << " is in two clusters";
    }
    if (t.kinds[c] == "hydra") {
      ++hydra_clusters;
      hydra_accounts += t.members[c].size();
      EXPECT_GE(t.members[c].size(), 30u);
      EXPECT_LE(t.members[c].size(), std::max<std::size_t>(80, 5000 / 50));  // at most 2% of N (cells 30-80)
    }
  }
  EXPECT_EQ(hydra_clusters, r.hydra_clusters);
  EXPECT_EQ(hydra_accounts, r.hydra_accounts);
  EXPECT_GE(hydra_clusters, 1u);
  // Hydra and benign look-alike kinds are both listed.
  for (const char* k : {"hydra", "family", "corporate", "university", "carrier_nat"})
    EXPECT_TRUE(kinds.count(k)) << "no cluster of kind " << k;
  EXPECT_GE(kinds.size(), 6u);
  // Some hydra accounts are known banned seeds; benign accounts are never banned.
  const std::unordered_set<std::string> hydra = accounts_of_hydras(t);
  std::uint64_t banned_hydra = 0;
  for (NodeId v = 0; v < s.num_nodes(); ++v) {
    if (s.label(v) != Label::Banned) continue;
    EXPECT_TRUE(hydra.count(std::string(s.node_id(v)))) << s.node_id(v) << " is banned but benign";
    ++banned_hydra;
  }
  EXPECT_GE(banned_hydra, 1u);
}

TEST(Generator, OrderAndIdsDoNotRevealMembership) {
  auto o = GeneratorOptions::mixed(10000, 9);
  const std::string dir = tmp_dir("order");
  const GenerateReport r = generate(o, dir);
  const Snapshot s = load_snapshot(r.snapshot_path);
  const Truth t = read_truth(r.truth_path);
  const std::unordered_set<std::string> hydra = accounts_of_hydras(t);
  ASSERT_FALSE(hydra.empty());
  // Mean position of hydra accounts among all accounts is near the middle.
  double pos = 0, sum = 0, n_hydra = 0;
  std::uint64_t k = 0, accounts = 0;
  for (NodeId v = 0; v < s.num_nodes(); ++v) accounts += s.kind(v) == NodeKind::Account ? 1 : 0;
  for (NodeId v = 0; v < s.num_nodes(); ++v) {
    if (s.kind(v) != NodeKind::Account) continue;
    pos = static_cast<double>(k++) / static_cast<double>(accounts);
    if (hydra.count(std::string(s.node_id(v)))) {
      sum += pos;
      n_hydra += 1;
    }
  }
  EXPECT_NEAR(sum / n_hydra, 0.5, 0.08);
  // Ids carry no kind words.
  for (const auto& a : t.all) {
    EXPECT_EQ(a.find("hydra"), std::string::npos);
    EXPECT_EQ(a.rfind("a:", 0), 0u) << a;
  }
}

// --- single-feature separability ------------------------------------------

/// AUROC of `score` for positives vs negatives (Mann-Whitney, ties count half).
double auroc(const std::vector<double>& score, const std::vector<char>& positive) {
  std::vector<std::size_t> idx(score.size());
  for (std::size_t i = 0; i < idx.size(); ++i) idx[i] = i;
  std::sort(idx.begin(), idx.end(), [&](std::size_t a, std::size_t b) { return score[a] < score[b]; });
  double rank_sum = 0, pos = 0;
  std::size_t i = 0;
  while (i < idx.size()) {
    std::size_t j = i;
    while (j < idx.size() && score[idx[j]] == score[idx[i]]) ++j;
    const double mid = (static_cast<double>(i) + static_cast<double>(j) + 1.0) / 2.0;  // 1-based mean rank
    for (std::size_t k = i; k < j; ++k)
      if (positive[idx[k]]) {
        rank_sum += mid;
        pos += 1;
      }
    i = j;
  }
  const double neg = static_cast<double>(score.size()) - pos;
  if (pos == 0 || neg == 0) return 0.5;
  return (rank_sum - pos * (pos + 1) / 2) / (pos * neg);
}

TEST(Generator, NoSingleFeatureSeparatesHydraOnTheHardProfile) {
  auto o = GeneratorOptions::hard(20000, 4);
  const std::string dir = tmp_dir("auroc");
  const GenerateReport r = generate(o, dir);
  const Snapshot s = load_snapshot(r.snapshot_path);
  const Truth t = read_truth(r.truth_path);
  const std::unordered_set<std::string> hydra = accounts_of_hydras(t);

  const NodeId n = s.num_nodes();
  std::vector<std::uint32_t> degree(n, 0);
  for (EdgeId e = 0; e < s.num_edges(); ++e) {
    ++degree[s.edge_src(e)];
    ++degree[s.edge_dst(e)];
  }
  enum F { kDegree, kIps, kCardFanout, kMaxIpDegree, kMinIpDegree, kProxyFanout, kDeviceFanout, kVolume,
           kActiveHours, kCreated, kNumFeatures };
  const char* names[kNumFeatures] = {"degree", "distinct IPs", "card fan-out", "max IP degree", "min IP degree",
                                     "proxy fan-out", "device fan-out", "weekly volume", "active hours",
                                     "created_at"};
  std::vector<std::uint32_t> account_index(n, ~0u);
  std::vector<NodeId> accounts;
  for (NodeId v = 0; v < n; ++v)
    if (s.kind(v) == NodeKind::Account) {
      account_index[v] = static_cast<std::uint32_t>(accounts.size());
      accounts.push_back(v);
    }
  std::vector<std::vector<double>> f(kNumFeatures, std::vector<double>(accounts.size(), 0.0));
  std::vector<double> min_ip(accounts.size(), 1e18);
  for (EdgeId e = 0; e < s.num_edges(); ++e) {
    NodeId a = s.edge_src(e), x = s.edge_dst(e);
    if (s.kind(a) != NodeKind::Account) std::swap(a, x);
    if (s.kind(a) != NodeKind::Account) continue;
    const std::uint32_t i = account_index[a];
    const double dx = degree[x];
    switch (s.kind(x)) {
      case NodeKind::Ip:
        f[kIps][i] += 1;
        f[kMaxIpDegree][i] = std::max(f[kMaxIpDegree][i], dx);
        min_ip[i] = std::min(min_ip[i], dx);
        break;
      case NodeKind::PaymentMethod: f[kCardFanout][i] = std::max(f[kCardFanout][i], dx); break;
      case NodeKind::Proxy: f[kProxyFanout][i] = std::max(f[kProxyFanout][i], dx); break;
      case NodeKind::Device: f[kDeviceFanout][i] = std::max(f[kDeviceFanout][i], dx); break;
      default: break;
    }
  }
  std::vector<char> positive(accounts.size(), 0);
  for (std::size_t i = 0; i < accounts.size(); ++i) {
    const NodeId v = accounts[i];
    f[kDegree][i] = degree[v];
    f[kMinIpDegree][i] = min_ip[i] > 1e17 ? 0 : min_ip[i];
    f[kVolume][i] = s.activity_total(v);
    f[kActiveHours][i] = static_cast<double>(s.activity_size(v));
    f[kCreated][i] = static_cast<double>(s.created_at(v));
    positive[i] = hydra.count(std::string(s.node_id(v))) ? 1 : 0;
  }
  double best = 0;
  std::string best_name;
  std::ostringstream table;
  for (int k = 0; k < kNumFeatures; ++k) {
    const double a = auroc(f[k], positive);
    const double sep = std::max(a, 1.0 - a);  // a feature that is lower for hydra separates too
    table << "  " << names[k] << ": AUROC " << a << "\n";
    if (sep > best) {
      best = sep;
      best_name = names[k];
    }
  }
  std::printf("single-feature AUROC on the hard profile (N=20000, seed 4):\n%sbest: %s %.3f\n", table.str().c_str(),
              best_name.c_str(), best);
  EXPECT_LT(best, 0.95) << "the feature \"" << best_name << "\" alone separates hydra accounts:\n" << table.str();
}

TEST(Generator, RejectsBadOptions) {
  auto o = GeneratorOptions::mixed(10, 1);
  EXPECT_THROW(o.validate(), std::invalid_argument);
  o = GeneratorOptions::mixed(5000, 1);
  o.camouflage = 1.5;
  EXPECT_THROW(o.validate(), std::invalid_argument);
  o = GeneratorOptions::mixed(5000, 1);
  o.format = SnapshotFormat::EdgeList;
  EXPECT_THROW(o.validate(), std::invalid_argument);
  EXPECT_THROW((void)generate_world(o, tmp_dir("bad")), std::invalid_argument);
  EXPECT_NO_THROW(GeneratorOptions::hard(5000, 1).validate());
  EXPECT_NO_THROW(GeneratorOptions::easy(5000, 1).validate());
}

TEST(Generator, CliWritesSnapshotAndTruth) {
  const std::string dir = tmp_dir("cli");
  const std::string cmd = std::string(HYDRASCOPE_TEST_BINARY) + " -q generate --accounts 2000 --seed 7 --profile hard --out " +
                          dir + " --output-format csv --gzip";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  EXPECT_TRUE(fs::exists(dir + "/truth.json"));
  Snapshot s;
  ASSERT_NO_THROW(s = load_snapshot(dir + "/snapshot"));
  EXPECT_GT(s.num_edges(), 2000u);
  const std::string bad = std::string(HYDRASCOPE_TEST_BINARY) + " -q generate --accounts 2000 --seed 7 --profile nope --out " +
                          dir + " 2>/dev/null";
  EXPECT_NE(std::system(bad.c_str()), 0);
}

TEST(Generator, CliWritesTheRandomProfile) {
  const std::string dir = tmp_dir("cli_random");
  const std::string cmd = std::string(HYDRASCOPE_TEST_BINARY) +
                          " -q generate --accounts 2000 --seed 3 --profile random --out " + dir;
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  Snapshot s;
  ASSERT_NO_THROW(s = load_snapshot(dir + "/snapshot.ndjson"));
  EXPECT_EQ(s.meta().id, "synth-random-3-2000");
  const std::string truth = read_existing(dir + "/truth.json");
  rapidjson::Document d;
  d.Parse(truth.c_str(), truth.size());
  ASSERT_FALSE(d.HasParseError());
  EXPECT_TRUE(d.HasMember("world") && d["world"].IsObject());
  EXPECT_EQ(read_truth(dir + "/truth.json").all.size(), 2000u);
}

}  // namespace
}  // namespace hydrascope
