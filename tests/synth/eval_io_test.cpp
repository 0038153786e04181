// eval/baseline beyond the metrics: truth.json and accounts.csv error paths
// (file, line, field), a baseline on a literal snapshot with exact scores,
// and `hydrascope eval` end to end.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "hydrascope/error.hpp"
#include "hydrascope/eval.hpp"
#include "hydrascope/snapshot.hpp"
#include "files.hpp"

namespace hydrascope {
namespace {

std::string tmp(const std::string& name) { return std::string(HYDRASCOPE_TEST_TMP) + "/eval_io_" + name; }

std::string write(const std::string& name, const std::string& text) {
  const std::string p = tmp(name);
  std::ofstream(p, std::ios::binary) << text;
  return p;
}

using hydrascope::testing::read_all;

template <class F>
SourceLocation expect_input_error(F&& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.where();
  }
  ADD_FAILURE() << "no InputError";
  return {};
}

TEST(TruthFile, ReadsClustersAndIgnoresUnknownKeys) {
  const auto p = write("ok.json",
                       R"({"format":"hydrascope.truth","version":1,"note":"x",)"
                       R"("clusters":[{"id":"hydra-1","kind":"hydra","accounts":["a:1","a:2"],"extra":3},)"
                       R"({"id":"fam-1","kind":"family","accounts":[]}]})");
  const Truth t = load_truth(p);
  ASSERT_EQ(t.clusters.size(), 2u);
  EXPECT_EQ(t.clusters[0].kind, "hydra");
  EXPECT_EQ(t.clusters[0].accounts.size(), 2u);
  EXPECT_TRUE(t.clusters[1].accounts.empty());
}

TEST(TruthFile, ErrorsNameFileOffsetAndField) {
  const auto bad_json = write("bad.json", R"({"format":"hydrascope.truth", "version":1, "clusters": [}")");
  auto w = expect_input_error([&] { (void)load_truth(bad_json); });
  EXPECT_EQ(w.file, bad_json);
  EXPECT_NE(w.byte_offset, kNoPosition);

  const auto bad_format = write("fmt.json", R"({"format":"other","version":1,"clusters":[]})");
  w = expect_input_error([&] { (void)load_truth(bad_format); });
  EXPECT_EQ(w.field, "format");

  const auto bad_kind = write("kind.json", R"({"format":"hydrascope.truth","version":1,"clusters":[{"id":"c","kind":3,"accounts":[]}]})");
  w = expect_input_error([&] { (void)load_truth(bad_kind); });
  EXPECT_EQ(w.field, "kind");

  const auto bad_acc = write("acc.json", R"({"format":"hydrascope.truth","version":1,"clusters":[{"id":"c","kind":"hydra","accounts":[1]}]})");
  w = expect_input_error([&] { (void)load_truth(bad_acc); });
  EXPECT_EQ(w.field, "accounts");

  w = expect_input_error([&] { (void)load_truth(tmp("does-not-exist.json")); });
  EXPECT_EQ(w.file, tmp("does-not-exist.json"));
}

TEST(AccountsCsv, ReadsRowsWithExtraColumnsAndCrlf) {
  const auto p = write("ok.csv", "account_id,community_id,risk_score,suspect,pagerank\r\na:1,7,0.25,true,0.1\r\na:2,8,1,false,0.2\r\n");
  const auto rows = load_accounts_csv(p);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].account_id, "a:1");
  EXPECT_EQ(rows[0].community_id, 7);
  EXPECT_DOUBLE_EQ(rows[0].risk_score, 0.25);
  EXPECT_TRUE(rows[0].suspect);
  EXPECT_FALSE(rows[1].suspect);
}

TEST(AccountsCsv, ErrorsNameLineAndField) {
  auto w = expect_input_error([&] { (void)load_accounts_csv(write("hdr.csv", "id,community_id,risk_score,suspect\n")); });
  EXPECT_EQ(w.line, 1u);
  w = expect_input_error(
      [&] { (void)load_accounts_csv(write("score.csv", "account_id,community_id,risk_score,suspect\na:1,1,0.5,true\na:2,1,abc,true\n")); });
  EXPECT_EQ(w.line, 3u);
  EXPECT_EQ(w.field, "risk_score");
  w = expect_input_error(
      [&] { (void)load_accounts_csv(write("flag.csv", "account_id,community_id,risk_score,suspect\na:1,1,0.5,yes\n")); });
  EXPECT_EQ(w.line, 2u);
  EXPECT_EQ(w.field, "suspect");
  w = expect_input_error([&] { (void)load_accounts_csv(write("short.csv", "account_id,community_id,risk_score,suspect\na:1,1\n")); });
  EXPECT_EQ(w.line, 2u);
  w = expect_input_error([&] { (void)load_accounts_csv(write("empty.csv", "")); });
  EXPECT_EQ(w.line, 1u);
}

// a:1..a:3 share pm:1, a:4 alone on pm:2; a:1 and a:4 share ip:1.
Snapshot tiny_snapshot() {
  SnapshotBuilder b("tiny");
  RecordRef ref;
  for (const char* id : {"a:1", "a:2", "a:3", "a:4"}) b.add_node(ref, id, "account", Label::Unknown, kNoTime, {}, nullptr);
  b.add_node(ref, "pm:1", "payment_method", Label::Unknown, kNoTime, {}, nullptr);
  b.add_node(ref, "pm:2", "payment_method", Label::Unknown, kNoTime, {}, nullptr);
  b.add_node(ref, "ip:1", "ip", Label::Unknown, kNoTime, {}, nullptr);
  for (const char* a : {"a:1", "a:2", "a:3"}) b.add_edge(ref, a, "pm:1", "paid_with", 1.0, kNoTime, kNoTime);
  b.add_edge(ref, "a:4", "pm:2", "paid_with", 1.0, kNoTime, kNoTime);
  b.add_edge(ref, "a:1", "ip:1", "uses_ip", 1.0, kNoTime, kNoTime);
  b.add_edge(ref, "a:4", "ip:1", "uses_ip", 1.0, kNoTime, kNoTime);
  return b.finish();
}

TEST(Baseline, SharedCardExactScores) {
  const Snapshot s = tiny_snapshot();
  const auto rows = run_baseline(s, BaselineMethod::SharedCard, 3.0);
  ASSERT_EQ(rows.size(), 4u);
  // x = 3, 3, 3, 1; risk = ln(1+x)/ln(4).
  for (int i = 0; i < 3; ++i) {
    EXPECT_DOUBLE_EQ(rows[i].risk_score, 1.0);
    EXPECT_TRUE(rows[i].suspect);
    EXPECT_EQ(rows[i].community_id, 4);  // pm:1
  }
  EXPECT_DOUBLE_EQ(rows[3].risk_score, std::log1p(1.0) / std::log1p(3.0));
  EXPECT_FALSE(rows[3].suspect);
  EXPECT_EQ(rows[3].community_id, 5);  // pm:2
  EXPECT_EQ(rows[0].account_id, "a:1");
}

TEST(Baseline, IpFaninAndDegree) {
  const Snapshot s = tiny_snapshot();
  const auto ip = run_baseline(s, BaselineMethod::IpFanin, 2.0);
  EXPECT_TRUE(ip[0].suspect);
  EXPECT_FALSE(ip[1].suspect);
  EXPECT_DOUBLE_EQ(ip[1].risk_score, 0.0);
  EXPECT_EQ(ip[1].community_id, 1);  // no IP: own index
  EXPECT_EQ(ip[3].community_id, 6);  // ip:1
  const auto deg = run_baseline(s, BaselineMethod::Degree);  // default threshold 6
  EXPECT_DOUBLE_EQ(deg[0].risk_score, 1.0);
  EXPECT_DOUBLE_EQ(deg[1].risk_score, std::log1p(1.0) / std::log1p(2.0));
  for (const auto& r : deg) EXPECT_FALSE(r.suspect);
  EXPECT_THROW((void)parse_baseline_method("pagerank"), std::invalid_argument);
  const std::string csv = accounts_csv(deg);
  EXPECT_EQ(csv.rfind("account_id,community_id,risk_score,suspect\n", 0), 0u);
}

int run(const std::string& args) {
  const int rc = std::system((std::string(HYDRASCOPE_TEST_BINARY) + " --quiet " + args).c_str());
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

TEST(EvalCli, EndToEndJsonAndErrors) {
  const auto truth = write("cli_truth.json",
                           R"({"format":"hydrascope.truth","version":1,"clusters":[{"id":"h","kind":"hydra","accounts":["a:1","a:2"]},)"
                           R"({"id":"c","kind":"corporate","accounts":["a:3"]}]})");
  const auto acc = write("cli_acc.csv",
                         "account_id,community_id,risk_score,suspect\na:1,1,0.9,true\na:2,1,0.8,true\na:3,2,0.1,false\na:4,3,0.2,true\n");
  const auto out = tmp("cli_out.json");
  ASSERT_EQ(run("eval --truth " + truth + " --accounts-csv " + acc + " --json > " + out), 0);
  const std::string j = read_all(out);
  EXPECT_NE(j.find("\"auroc\":1.0"), std::string::npos) << j;
  EXPECT_NE(j.find("\"average_precision\":1.0"), std::string::npos) << j;
  EXPECT_NE(j.find("\"precision\":0.6666666666666666"), std::string::npos) << j;
  EXPECT_NE(j.find("\"ari\":1.0"), std::string::npos) << j;
  const auto bad = write("cli_bad.csv", "account_id,community_id,risk_score,suspect\na:1,1,x,true\n");
  EXPECT_EQ(run("eval --truth " + truth + " --accounts-csv " + bad + " 2> /dev/null > /dev/null"), 1);
  EXPECT_EQ(run("eval --truth " + truth + " 2> /dev/null > /dev/null"), 2);
}

}  // namespace
}  // namespace hydrascope
