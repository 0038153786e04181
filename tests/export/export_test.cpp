// Exports: accounts.csv order and quoting, communities.json content,
// suspect subgraphs that load back, hostile strings in every format, run.json,
// the checksum; and `hydrascope run` end to end (outputs, determinism, errors
// leave no folder behind).
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

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
