// Exports: accounts.csv order and quoting, communities.json content,
// suspect subgraphs that load back, hostile strings in every format, run.json,
// the checksum; and `hydrascope run` end to end (outputs, determinism, errors
// leave no folder behind).
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "export/export_test_util.hpp"
#include "hydrascope/export.hpp"
#include "hydrascope/io.hpp"
#include "scoring/scored_world.hpp"

namespace hydrascope {
namespace {

namespace fs = std::filesystem;

std::string tmp_dir(const std::string& name) { return testing::fresh_dir("export-" + name); }
using testing::read_all;

using testing::Scored;
Scored scored_world(bool hostile) { return testing::score_world(testing::make_world(7, hostile)); }

TEST(Export, AccountsCsvSortedAndQuoted) {
  const Scored s = scored_world(true);
  const std::string dir = tmp_dir("csv");
  const auto rows = write_accounts_csv(dir + "/accounts.csv", s.world.snapshot, s.world.partition, s.scoring);
  std::uint64_t accounts = 0;
  for (NodeKind k : s.world.snapshot.kinds()) accounts += k == NodeKind::Account;
  EXPECT_EQ(rows, accounts);
  const std::string text = read_all(dir + "/accounts.csv");
  EXPECT_EQ(text.rfind("account_id,community_id,risk_score,suspect,community_risk,top_family\n", 0), 0u);
  // The hostile prefix a:"<&>,\n must be quoted with doubled quotes.
  EXPECT_NE(text.find("\"a:\"\"<&>,\n"), std::string::npos);
  // First data row is a hydra account (highest risk); risk column non-increasing.
  EXPECT_NE(text.find("\"a:\"\"<&>,\nh"), std::string::npos);
  const auto first_row = text.find('\n') + 1;
  EXPECT_EQ(text.compare(first_row, 11, "\"a:\"\"<&>,\nh"), 0);
  EXPECT_EQ(fs::exists(dir + "/accounts.csv"), true);
}

TEST(Export, CommunitiesJsonHasExplanations) {
  const Scored s = scored_world(false);
  const std::string dir = tmp_dir("communities");
  write_communities_json(dir + "/communities.json", s.world.snapshot, s.scoring);
  const std::string text = read_all(dir + "/communities.json");
  rapidjson::Document doc;
  doc.Parse(text.c_str(), text.size());
  ASSERT_FALSE(doc.HasParseError());
  ASSERT_TRUE(doc.IsObject());
  ASSERT_TRUE(doc["format"].IsString());
  EXPECT_STREQ(doc["format"].GetString(), "hydrascope.communities");
  ASSERT_TRUE(doc["ranking"].IsArray());
  ASSERT_EQ(doc["ranking"].Size(), 1u);
  ASSERT_TRUE(doc["ranking"][0].IsUint());
  EXPECT_EQ(doc["ranking"][0].GetUint(), s.world.hydra_community);
  ASSERT_TRUE(doc["communities"].IsArray());
  bool found = false;
  for (const auto& c : doc["communities"].GetArray()) {
    ASSERT_TRUE(c["id"].IsUint());
    if (c["id"].GetUint() != s.world.hydra_community) continue;
    found = true;
    ASSERT_TRUE(c["suspect"].IsBool());
    EXPECT_TRUE(c["suspect"].GetBool());
    ASSERT_TRUE(c["explanation"].IsArray());
    ASSERT_GE(c["explanation"].Size(), 2u);
    ASSERT_TRUE(c["reasons"].IsArray());
    ASSERT_GE(c["reasons"].Size(), 1u);
    EXPECT_EQ(c["explanation"].Size(), c["reasons"].Size() + 1);
    ASSERT_TRUE(c["reasons"][0]["contribution"].IsNumber());
    EXPECT_GT(c["reasons"][0]["contribution"].GetDouble(), 0.0);
    ASSERT_TRUE(c["features"].IsObject());
    ASSERT_TRUE(c["features"]["c_proxy_top_share"].IsNumber());
    EXPECT_DOUBLE_EQ(c["features"]["c_proxy_top_share"].GetDouble(), 1.0);
    ASSERT_TRUE(c["top_entities"]["proxy"]["id"].IsString());
    EXPECT_STREQ(c["top_entities"]["proxy"]["id"].GetString(), "px:relay");
    ASSERT_TRUE(c["explanation"][0].IsString());
    EXPECT_EQ(std::string(c["explanation"][0].GetString()).rfind("Flagged:", 0), 0u);
    ASSERT_TRUE(c["by_type"].IsObject());
    ASSERT_TRUE(c["by_type"]["account"].IsUint());
    EXPECT_EQ(c["by_type"]["account"].GetUint(), 40u);
  }
  EXPECT_TRUE(found);
  // Small communities are listed compactly.
  ASSERT_TRUE(doc["small_communities"].IsObject());
  ASSERT_TRUE(doc["small_communities"]["rows"].IsArray());
  EXPECT_EQ(doc["small_communities"]["rows"].Size() + doc["communities"].Size(), s.scoring.communities.size());
}

TEST(Export, SuspectSubgraphsLoadBack) {
  const Scored s = scored_world(false);
  const std::string dir = tmp_dir("suspects");
  SuspectExportOptions o;
  o.graphml = o.gexf = o.dot = true;
  const auto files =
      write_suspect_subgraphs(dir + "/suspects", s.world.snapshot, s.incidence, s.world.partition, s.scoring, o);
  ASSERT_EQ(files.size(), 4u);
  const std::string base = "community-" + std::to_string(s.world.hydra_community);
  EXPECT_EQ(files[0], base + ".json");
  const Snapshot sub = load_snapshot(dir + "/suspects/" + files[0]);
  // 40 accounts + 3 cards + 8 IPs + 1 proxy + 4 devices, 160 edges.
  EXPECT_EQ(sub.num_nodes(), 56u);
  EXPECT_EQ(sub.num_edges(), 160u);
  for (const auto& id : s.world.hydra) EXPECT_NE(sub.find_node(id), kInvalidNode);
  EXPECT_EQ(sub.meta().activity, s.world.snapshot.meta().activity);
  const NodeId a = sub.find_node(s.world.hydra[0]);
  const NodeId orig = s.world.snapshot.find_node(s.world.hydra[0]);
  EXPECT_EQ(sub.activity_total(a), s.world.snapshot.activity_total(orig));
}

// Subgraphs are written in parallel: the same files, in ranking order, with
// the same bytes for 1 and 3 threads; progress comes from the calling thread,
// from 0 to all, never backwards.
TEST(Export, SuspectSubgraphsAreTheSameForAnyThreadCount) {
  const Scored s = scored_world(true);
  ScoringResult scoring = s.scoring;
  const auto sizes = s.world.partition.sizes();
  for (CommunityId c = 0; c < sizes.size() && scoring.ranking.size() < 8; ++c)
    if (sizes[c] >= 2 && c != s.world.hydra_community) scoring.ranking.push_back(c);
  ASSERT_GE(scoring.ranking.size(), 4u);
  std::vector<std::vector<std::string>> lists;
  std::vector<std::string> dirs;
  for (int threads : {1, 3}) {
    const std::string dir = tmp_dir("suspects-threads-" + std::to_string(threads));
    SuspectExportOptions o;
    o.graphml = o.gexf = o.dot = o.csv = o.neo4j = true;
    o.threads = threads;
    const auto caller = std::this_thread::get_id();
    std::vector<std::uint64_t> done;
    o.progress = [&](std::string_view stage, std::uint64_t d, std::uint64_t total) {
      EXPECT_EQ(stage, "export");
      EXPECT_EQ(total, scoring.ranking.size());
      EXPECT_TRUE(std::this_thread::get_id() == caller);
      done.push_back(d);
    };
    lists.push_back(write_suspect_subgraphs(dir, s.world.snapshot, s.incidence, s.world.partition, scoring, o));
    dirs.push_back(dir);
    ASSERT_GE(done.size(), 2u);
    EXPECT_EQ(done.front(), 0u);
    EXPECT_EQ(done.back(), scoring.ranking.size());
    EXPECT_TRUE(std::is_sorted(done.begin(), done.end()));
  }
  ASSERT_EQ(lists[0], lists[1]);
  EXPECT_EQ(lists[0][0], "community-" + std::to_string(scoring.ranking[0]) + ".json");
  for (const auto& f : lists[0]) EXPECT_TRUE(read_all(dirs[0] + "/" + f) == read_all(dirs[1] + "/" + f)) << f;
}

TEST(Export, HostileIdsAreEscapedInEveryFormat) {
  const Scored s = scored_world(true);
  const std::string dir = tmp_dir("hostile");
  SuspectExportOptions o;
  o.graphml = o.gexf = o.dot = true;
  const auto files =
      write_suspect_subgraphs(dir + "/s", s.world.snapshot, s.incidence, s.world.partition, s.scoring, o);
  ASSERT_EQ(files.size(), 4u);
  const Snapshot back = load_snapshot(dir + "/s/" + files[0]);
  EXPECT_NE(back.find_node(s.world.hydra[0]), kInvalidNode);
  for (const auto& f : {files[1], files[2]}) {
    const std::string xml = read_all(dir + "/s/" + f);
    EXPECT_EQ(xml.find("a:\"<"), std::string::npos) << f;
    EXPECT_NE(xml.find("a:&quot;&lt;&amp;&gt;,"), std::string::npos) << f;
    // The raw line break inside the id is kept as data (allowed in attribute values as a character).
  }
  const std::string dot = read_all(dir + "/s/" + files[3]);
  // Quotes escaped, `&` as an entity (Graphviz decodes entities in labels), the line break as \n.
  EXPECT_NE(dot.find("\"a:\\\"<&amp;>,\\nh0\""), std::string::npos);
}

// accounts.csv of a snapshot larger than one formatting range and one output
// chunk, with ids of every length sharing a prefix, many tied risks, and
// hostile ids: the same bytes for 1, 2 and 3 threads, equal to the rows
// written one by one with printf's formats and a plain sort.
TEST(Export, AccountsCsvIsTheSameForAnyThreadCount) {
  SnapshotBuilder b("t");
  RecordRef r;
  const int accounts = 70000;
  std::vector<std::string> ids;
  for (int i = 0; i < accounts; ++i) {
    std::string id = "acct:" + std::to_string((i * 7919) % 100003);
    if (i % 97 == 0) id += ",\"q\"";
    if (i % 1013 == 0) id = "=" + id;
    if (i % 4099 == 0) id = "'" + id;
    if (i % 3 == 0) b.add_node(r, "ip:" + std::to_string(i), "ip", Label::Unknown, kNoTime, {}, nullptr);
    b.add_node(r, id, "account", Label::Unknown, kNoTime, {}, nullptr);
    ids.push_back(id);
  }
  const Snapshot snap = b.finish();
  const NodeId n = snap.num_nodes();
  Partition p;
  p.membership.resize(n);
  p.num_communities = 50;
  for (NodeId v = 0; v < n; ++v) p.membership[v] = (v * 31) % 50;
  ScoringResult sc;
  sc.account_risk.assign(n, 0.0);
  sc.account_suspect.assign(n, 0);
  sc.account_family.assign(n, 255);
  sc.communities.resize(50);
  for (CommunityId c = 0; c < 50; ++c) sc.communities[c].risk = c / 49.0;
  std::vector<double> pagerank(n), ppr(n);
  std::vector<std::uint32_t> core(n);
  for (NodeId v = 0; v < n; ++v) {
    if (snap.kind(v) != NodeKind::Account) continue;
    sc.account_risk[v] = v % 5 == 0 ? 0.25 : std::fmod(v * 0.6180339887, 1.0) / (v % 7 == 0 ? 1e5 : 1.0);
    sc.account_suspect[v] = sc.account_risk[v] >= 0.8;
    sc.account_family[v] = static_cast<std::uint8_t>(v % 11 == 0 ? v % kNumFeatureFamilies : 255);
    pagerank[v] = 1.0 / (v + 3.0);
    ppr[v] = v % 2 ? 0.0 : std::ldexp(1.0, -static_cast<int>(v % 60));
    core[v] = v % 9;
  }
  std::vector<std::string> hydra(50);
  hydra[3] = "hydra-3,x";
  AccountColumns cols{pagerank, ppr, core, hydra};

  // The reference: rows one by one, printf formats, sorted by (printed risk desc, id bytes).
  std::vector<NodeId> order;
  for (NodeId v = 0; v < n; ++v)
    if (snap.kind(v) == NodeKind::Account) order.push_back(v);
  const auto printed = [&](NodeId v) { return std::llround(sc.account_risk[v] * 1e6); };
  std::sort(order.begin(), order.end(), [&](NodeId a, NodeId b) {
    if (printed(a) != printed(b)) return printed(a) > printed(b);
    return snap.node_id(a) < snap.node_id(b);
  });
  std::string want = "account_id,community_id,risk_score,suspect,community_risk,top_family,pagerank,ppr,core,hydra_id\n";
  const auto fmt = [](const char* f, double x) {
    char buf[64];
    std::snprintf(buf, sizeof buf, f, x);
    return std::string(buf);
  };
  for (NodeId v : order) {
    append_sheet_cell(want, snap.node_id(v), true);
    const CommunityId c = p.membership[v];
    want += "," + std::to_string(c) + "," + fmt("%.6f", static_cast<double>(printed(v)) / 1e6) + "," +
            (sc.account_suspect[v] ? "true" : "false") + "," + fmt("%.6f", sc.communities[c].risk) + "," +
            (sc.account_family[v] < kNumFeatureFamilies ? std::string(to_string(static_cast<FeatureFamily>(sc.account_family[v])))
                                                         : std::string("none")) +
            "," + fmt("%.6g", pagerank[v]) + "," + fmt("%.6g", ppr[v]) + "," + std::to_string(core[v]) + ",";
    append_csv_field(want, hydra[c]);
    want += '\n';
  }
  const std::string dir = tmp_dir("csv-threads");
  for (int threads : {1, 2, 3}) {
    const std::string path = dir + "/accounts-" + std::to_string(threads) + ".csv";
    EXPECT_EQ(write_accounts_csv(path, snap, p, sc, cols, true, threads), static_cast<std::uint64_t>(accounts));
    EXPECT_TRUE(read_all(path) == want) << threads << " threads";
  }
}

TEST(Export, RunJsonAndChecksum) {
  const std::string dir = tmp_dir("run");
  {
    std::ofstream f(dir + "/a.txt", std::ios::binary);
    f << "a";
  }
  const auto [sum, bytes] = input_checksum(dir + "/a.txt");
  EXPECT_EQ(sum, "fnv1a64:af63dc4c8601ec8c");  // FNV-1a 64 test vector for "a"
  EXPECT_EQ(bytes, 1u);
  EXPECT_THROW((void)input_checksum(dir + "/missing"), InputError);
  RunReport r;
  r.command = "run";
  r.input_path = "x\"y";
  r.input_checksum = sum;
  r.options.push_back({"threshold", "", 0.5, true, false, false});
  r.timings = {{"load", 1.5}};
  r.counts = {{"nodes", 3}};
  write_run_json(dir + "/run.json", r);
  const std::string text = read_all(dir + "/run.json");
  rapidjson::Document doc;
  doc.Parse(text.c_str(), text.size());
  ASSERT_FALSE(doc.HasParseError());
  ASSERT_TRUE(doc["input"]["path"].IsString());
  EXPECT_STREQ(doc["input"]["path"].GetString(), "x\"y");
  ASSERT_TRUE(doc["options"]["threshold"].IsNumber());
  EXPECT_EQ(doc["options"]["threshold"].GetDouble(), 0.5);
  ASSERT_TRUE(doc["timings_seconds"]["load"].IsNumber());
}

// --- the CLI ---------------------------------------------------------------------

int run_cli(const std::string& args) {
  const std::string cmd = std::string(HYDRASCOPE_TEST_BINARY) + " -q run " + args + " > /dev/null 2>&1";
  const int rc = std::system(cmd.c_str());
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

TEST(RunCommand, WritesOutputsDeterministically) {
  const std::string dir = tmp_dir("cli");
  const auto w = testing::make_world();
  write_snapshot(w.snapshot, dir + "/world.json", WriteOptions{});
  ASSERT_EQ(run_cli(dir + "/world.json --out " + dir + "/out1 --threads 2 --seed 3"), 0);
  ASSERT_EQ(run_cli(dir + "/world.json --out " + dir + "/out2 --threads 2 --seed 3"), 0);
  for (const char* f : {"accounts.csv", "communities.json", "run.json"}) EXPECT_TRUE(fs::exists(dir + "/out1/" + f)) << f;
  EXPECT_TRUE(fs::is_directory(dir + "/out1/suspects"));
  EXPECT_EQ(read_all(dir + "/out1/accounts.csv"), read_all(dir + "/out2/accounts.csv"));
  EXPECT_EQ(read_all(dir + "/out1/communities.json"), read_all(dir + "/out2/communities.json"));
  // Re-running into an existing folder is refused without --force, and replaces it with --force.
  ASSERT_EQ(run_cli(dir + "/world.json --out " + dir + "/out1 --threads 1 --seed 3"), 2);
  ASSERT_EQ(run_cli(dir + "/world.json --out " + dir + "/out1 --threads 1 --seed 3 --force"), 0);
  EXPECT_TRUE(fs::exists(dir + "/out1/run.json"));
  for (const auto& e : fs::directory_iterator(dir))
    EXPECT_EQ(e.path().filename().string().find(".tmp-"), std::string::npos) << e.path();
}

TEST(RunCommand, BadInputLeavesNoFolder) {
  const std::string dir = tmp_dir("cli-bad");
  {
    std::ofstream f(dir + "/bad.json");
    f << "{\"format\":\"hydrascope.snapshot\",\"version\":1,\"nodes\":[{\"id\":\"a\",\"type\":\"account\"}],"
         "\"edges\":[{\"src\":\"a\",\"dst\":\"zz\",\"type\":\"t\"}]}";
  }
  EXPECT_EQ(run_cli(dir + "/bad.json --out " + dir + "/out"), 1);
  EXPECT_FALSE(fs::exists(dir + "/out"));
  EXPECT_EQ(run_cli(dir + "/missing.json --out " + dir + "/out"), 1);
  EXPECT_EQ(run_cli(dir + "/bad.json --out " + dir + "/out --threshold 2"), 2);
  EXPECT_EQ(run_cli(dir + "/bad.json --out " + dir + "/out --export-formats pdf"), 2);
  EXPECT_FALSE(fs::exists(dir + "/out"));
  for (const auto& e : fs::directory_iterator(dir))
    EXPECT_EQ(e.path().filename().string().find(".tmp-"), std::string::npos) << e.path();
}

TEST(RunCommand, ReadsConfigFile) {
  const std::string dir = tmp_dir("cli-config");
  const auto w = testing::make_world();
  write_snapshot(w.snapshot, dir + "/world.json", WriteOptions{});
  {
    std::ofstream f(dir + "/run.toml");
    f << "threshold = 0.99\nmin-flagged = 8\n";
  }
  ASSERT_EQ(run_cli(dir + "/world.json --out " + dir + "/out --config " + dir + "/run.toml"), 0);
  const std::string run = read_all(dir + "/out/run.json");
  EXPECT_NE(run.find("\"threshold\":0.99"), std::string::npos) << run;
  EXPECT_NE(run.find("\"min_flagged\":8"), std::string::npos) << run;
}

}  // namespace
}  // namespace hydrascope
