// Tests of world C (docs/generator.md, "World C: an economy of principals"):
// determinism, truth consistent with the snapshot, the snapshot loads, worlds
// differ in what they carry and what they call it, and farms that share no
// card and no IP exist (visible only through interaction and timing).
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <set>
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
  const std::string d = std::string(HYDRASCOPE_TEST_TMP) + "/world_c_" + name;
  fs::remove_all(d);
  return d;
}

using hydrascope::testing::read_existing;

std::map<std::string, std::string> files_of(const std::string& dir) {
  std::map<std::string, std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file()) out[fs::relative(e.path(), dir).string()] = read_existing(e.path().string());
  return out;
}

GenerateReport make_world(std::uint64_t accounts, std::uint64_t seed, const std::string& dir,
                        SnapshotFormat format = SnapshotFormat::Ndjson) {
  WorldCOptions o;
  o.accounts = accounts;
  o.seed = seed;
  o.format = format;
  return generate_world_c(o, dir);
}

rapidjson::Document parse(const std::string& text) {
  rapidjson::Document d;
  d.Parse(text.c_str(), text.size());
  if (d.HasParseError() || !d.IsObject()) throw std::runtime_error("truth.json is not a JSON object");
  return d;
}

TEST(WorldC, SameSeedGivesByteIdenticalFiles) {
  for (SnapshotFormat f : {SnapshotFormat::Ndjson, SnapshotFormat::CsvPair}) {
    const std::string a = tmp_dir("det_a"), b = tmp_dir("det_b");
    make_world(3000, 11, a, f);
    make_world(3000, 11, b, f);
    const auto fa = files_of(a), fb = files_of(b);
    ASSERT_GE(fa.size(), 2u);
    ASSERT_EQ(fa.size(), fb.size());
    for (const auto& [name, bytes] : fa) {
      ASSERT_TRUE(fb.count(name)) << name;
      EXPECT_TRUE(bytes == fb.at(name)) << name << " differs between two runs with the same seed";
    }
  }
  const auto ra = make_world(3000, 11, tmp_dir("det_a")), rc = make_world(3000, 12, tmp_dir("det_c"));
  EXPECT_NE(read_existing(ra.snapshot_path), read_existing(rc.snapshot_path)) << "seeds 11 and 12 gave the same snapshot";
}

// Truth against the loaded snapshot, over several seeds (different data each).
TEST(WorldC, TruthMatchesTheSnapshotAndItLoads) {
  for (std::uint64_t seed : {1, 2, 3, 4, 5, 6}) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    const std::string dir = tmp_dir("truth");
    const GenerateReport r = make_world(2500, seed, dir);
    Snapshot s;
    ASSERT_NO_THROW(s = load_snapshot(r.snapshot_path));
    EXPECT_NO_THROW(s.validate());
    EXPECT_EQ(s.num_nodes(), r.nodes);
    const auto d = parse(read_existing(r.truth_path));
    ASSERT_TRUE(d.HasMember("generator") && d["generator"]["world"] == "c");
    ASSERT_TRUE(d.HasMember("world") && d["world"].IsObject());
    // Every account of the snapshot exactly once in "accounts", in snapshot order.
    std::vector<std::string> snapshot_accounts;
    for (NodeId v = 0; v < s.num_nodes(); ++v)
      if (s.kind(v) == NodeKind::Account) snapshot_accounts.emplace_back(s.node_id(v));
    ASSERT_EQ(snapshot_accounts.size(), 2500u);
    std::vector<std::string> listed;
    for (const auto& a : d["accounts"].GetArray()) listed.emplace_back(a.GetString());
    EXPECT_EQ(listed, snapshot_accounts);
    const std::unordered_set<std::string> all(listed.begin(), listed.end());
    EXPECT_EQ(all.size(), listed.size()) << "an account is listed twice";
    // Clusters: disjoint, members exist; farms carry their params; banned only in farms.
    std::unordered_set<std::string> seen, hydra;
    std::set<std::string> kinds;
    for (const auto& c : d["clusters"].GetArray()) {
      const std::string kind = c["kind"].GetString();
      kinds.insert(kind);
      EXPECT_GT(c["accounts"].Size(), 0u);
      if (kind == "hydra") { EXPECT_TRUE(c.HasMember("params") && c["params"].IsObject()); }
      for (const auto& a : c["accounts"].GetArray()) {
        EXPECT_TRUE(all.count(a.GetString())) << a.GetString() << " is not an account of the snapshot";
        EXPECT_TRUE(seen.insert(a.GetString()).second) << a.GetString() << " is in two clusters";
        if (kind == "hydra") hydra.insert(a.GetString());
      }
    }
    EXPECT_TRUE(kinds.count("hydra"));
    EXPECT_GE(kinds.size(), 4u);
    EXPECT_LT(seen.size(), all.size()) << "ordinary individuals are in no cluster";
    for (NodeId v = 0; v < s.num_nodes(); ++v)
      if (s.label(v) == Label::Banned) { EXPECT_TRUE(hydra.count(std::string(s.node_id(v)))) << s.node_id(v) << " banned but benign"; }
    // No isolated entity: every declared node is used.
    std::vector<std::uint32_t> degree(s.num_nodes(), 0);
    for (EdgeId e = 0; e < s.num_edges(); ++e) { ++degree[s.edge_src(e)]; ++degree[s.edge_dst(e)]; }
    for (NodeId v = 0; v < s.num_nodes(); ++v)
      if (s.kind(v) != NodeKind::Account) { EXPECT_GT(degree[v], 0u) << s.node_id(v) << " (" << s.node_type(v) << ") has no edge"; }
  }
}

TEST(WorldC, OtherFormatsLoad) {
  for (SnapshotFormat f : {SnapshotFormat::Json, SnapshotFormat::CsvPair}) {
    const std::string dir = tmp_dir("fmt");
    const GenerateReport r = make_world(1500, 4, dir, f);
    Snapshot s;
    ASSERT_NO_THROW(s = load_snapshot(r.snapshot_path)) << r.snapshot_path;
    EXPECT_EQ(s.num_nodes(), r.nodes);
  }
}

// What a world carries and calls things differs between seeds; missing data is absent.
TEST(WorldC, WorldsDifferInTypeNamesAndData) {
  std::set<std::string> card_names, signatures;
  std::set<std::set<std::string>> type_sets;
  int with_activity = 0, without_activity = 0;
  for (std::uint64_t seed = 1; seed <= 12; ++seed) {
    const std::string dir = tmp_dir("diff");
    const GenerateReport r = make_world(1000, seed, dir);
    const Snapshot s = load_snapshot(r.snapshot_path);
    const auto d = parse(read_existing(r.truth_path));
    const auto& data = d["world"]["data"];
    const auto& names = d["world"]["names"];
    std::set<std::string> types;
    bool activity = false;
    for (NodeId v = 0; v < s.num_nodes(); ++v) {
      types.emplace(s.node_type(v));
      activity = activity || s.has_activity(v);
    }
    EXPECT_EQ(activity, data["activity"].GetBool()) << "seed " << seed;
    EXPECT_EQ(s.meta().activity.present(), data["activity"].GetBool()) << "seed " << seed;
    EXPECT_EQ(types.count(names["card"].GetString()) > 0, data["card"].GetBool()) << "seed " << seed;
    EXPECT_EQ(types.count(names["ip"].GetString()) > 0, data["ip"].GetBool()) << "seed " << seed;
    (activity ? with_activity : without_activity)++;
    if (data["card"].GetBool()) card_names.insert(names["card"].GetString());
    type_sets.insert(types);
    std::string sig;
    for (const auto& m : data.GetObject()) sig += m.value.IsBool() ? (m.value.GetBool() ? '1' : '0') : 'n';
    signatures.insert(sig);
  }
  EXPECT_GE(card_names.size(), 2u) << "cards are always called the same";
  EXPECT_GE(type_sets.size(), 6u) << "too few distinct sets of node types";
  EXPECT_GE(signatures.size(), 10u) << "too few distinct data signatures";
  EXPECT_GT(with_activity, 0);
  EXPECT_GT(without_activity, 0);
}

// Some farms share no card and no IP between their accounts: only their
// interactions, generic entities and timing can show them.
TEST(WorldC, InfrastructureFreeFarmsExist) {
  int found = 0, farms = 0;
  for (std::uint64_t seed = 1; seed <= 8 && found == 0; ++seed) {
    const std::string dir = tmp_dir("noinfra");
    const GenerateReport r = make_world(4000, seed, dir);
    const Snapshot s = load_snapshot(r.snapshot_path);
    const auto d = parse(read_existing(r.truth_path));
    if (!d["world"]["data"]["card"].GetBool() || !d["world"]["data"]["ip"].GetBool()) continue;
    const std::string card = d["world"]["names"]["card"].GetString(), ip = d["world"]["names"]["ip"].GetString();
    std::unordered_map<std::string, NodeId> index;
    for (NodeId v = 0; v < s.num_nodes(); ++v) index.emplace(std::string(s.node_id(v)), v);
    std::vector<std::vector<NodeId>> adj(s.num_nodes());
    for (EdgeId e = 0; e < s.num_edges(); ++e) {
      adj[s.edge_src(e)].push_back(s.edge_dst(e));
      adj[s.edge_dst(e)].push_back(s.edge_src(e));
    }
    for (const auto& c : d["clusters"].GetArray()) {
      if (std::string(c["kind"].GetString()) != "hydra") continue;
      ++farms;
      std::unordered_map<NodeId, int> users;  // card / IP -> farm accounts on it
      for (const auto& a : c["accounts"].GetArray())
        for (NodeId x : adj[index.at(a.GetString())]) {
          const std::string_view t = s.node_type(x);
          if (t == card || t == ip) ++users[x];
        }
      bool shared = false;
      for (const auto& [x, u] : users) shared = shared || u > 1;
      if (c["params"]["clean"].GetBool()) {
        EXPECT_FALSE(shared) << c["id"].GetString() << " is clean but shares a card or an IP";
      }
      if (!shared && c["accounts"].Size() >= 8) ++found;
    }
  }
  EXPECT_GT(farms, 0);
  EXPECT_GE(found, 1) << "no farm without a shared card or IP in seeds 1-8";
}

TEST(WorldC, FarmsInteractAndSomeAccountsAreBanned) {
  std::uint64_t banned = 0, referral_edges = 0;
  for (std::uint64_t seed = 1; seed <= 6; ++seed) {
    const std::string dir = tmp_dir("interact");
    const GenerateReport r = make_world(3000, seed, dir);
    const Snapshot s = load_snapshot(r.snapshot_path);
    const auto d = parse(read_existing(r.truth_path));
    const std::string ref = d["world"]["names"]["referral"].GetString();
    for (NodeId v = 0; v < s.num_nodes(); ++v) banned += s.label(v) == Label::Banned ? 1 : 0;
    for (EdgeId e = 0; e < s.num_edges(); ++e)
      if (s.edge_type(e) == ref) {
        ++referral_edges;
        EXPECT_EQ(s.kind(s.edge_src(e)), NodeKind::Account);
        EXPECT_EQ(s.kind(s.edge_dst(e)), NodeKind::Account);
      }
    if (!d["world"]["data"]["referral"].GetBool()) {
      for (EdgeId e = 0; e < s.num_edges(); ++e) EXPECT_NE(s.edge_type(e), ref) << "seed " << seed;
    }
  }
  EXPECT_GT(banned, 0u);
  EXPECT_GT(referral_edges, 0u);
}

TEST(WorldC, CliWritesWorldCAndRefusesOtherProfiles) {
  const std::string dir = tmp_dir("cli");
  const std::string cmd = std::string(HYDRASCOPE_TEST_BINARY) + " -q generate --world c --profile random --accounts 1500 --seed 3 --out " + dir;
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  Snapshot s;
  ASSERT_NO_THROW(s = load_snapshot(dir + "/snapshot.ndjson"));
  const auto d = parse(read_existing(dir + "/truth.json"));
  EXPECT_EQ(std::string(d["generator"]["world"].GetString()), "c");
  EXPECT_EQ(d["accounts"].Size(), 1500u);
  const std::string bad = std::string(HYDRASCOPE_TEST_BINARY) + " -q generate --world c --profile hard --accounts 1500 --seed 3 --out " +
                          tmp_dir("cli_bad") + " 2>/dev/null";
  EXPECT_NE(std::system(bad.c_str()), 0);
  WorldCOptions o;
  o.accounts = 10;
  EXPECT_THROW(o.validate(), std::invalid_argument);
}

}  // namespace
}  // namespace hydrascope
