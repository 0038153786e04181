// `hydrascope score` end to end: CSV columns equal the library's results,
// byte-identical output for 1 and 2 threads, JSON diagnostics, and every error
// path exits non-zero without leaving an output file.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "hydrascope/centrality.hpp"
#include "test_graphs.hpp"
#include "files.hpp"

namespace hydrascope {
namespace {

const std::string kBin = HYDRASCOPE_TEST_BINARY;
// One folder per process: ctest runs the tests of this file in parallel.
const std::string kTmp = std::string(HYDRASCOPE_TEST_TMP) + "/centrality_cli-" + std::to_string(::getpid());
const std::string kKarate = std::string(HYDRASCOPE_TEST_DATASETS) + "/karate/karate.edges";

int run(const std::string& args, const std::string& stdout_file = "/dev/null") {
  std::filesystem::create_directories(kTmp);
  const std::string cmd = kBin + " -q score " + args + " > " + stdout_file + " 2> " + kTmp + "/stderr.txt";
  const int status = std::system(cmd.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

using hydrascope::testing::read_all;

std::vector<std::vector<std::string>> read_csv(const std::string& path) {
  std::vector<std::vector<std::string>> rows;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    std::vector<std::string> row;
    std::stringstream ss(line);
    std::string cell;
    while (std::getline(ss, cell, ',')) row.push_back(cell);
    rows.push_back(row);
  }
  return rows;
}

TEST(ScoreCli, KarateColumnsMatchLibrary) {
  const std::string out = kTmp + "/karate.csv";
  ASSERT_EQ(run(kKarate + " -c pagerank,degree,kcore,betweenness,ppr --out " + out), 0) << read_all(kTmp + "/stderr.txt");
  const auto rows = read_csv(out);
  ASSERT_EQ(rows.size(), 35u);
  EXPECT_EQ(rows[0], (std::vector<std::string>{"node_id", "pagerank", "degree", "kcore", "betweenness", "ppr"}));
  const AnalysisGraph g = test::karate();
  const CentralityResult pr = pagerank(g);
  const CoreResult cores = core_numbers(g);
  const BetweennessResult bt = betweenness(g);
  std::vector<bool> seen(34, false);
  for (std::size_t i = 1; i < rows.size(); ++i) {
    const auto& r = rows[i];
    ASSERT_EQ(r.size(), 6u);
    // The loader numbers nodes by first appearance; the id column is the file's label.
    const auto v = static_cast<NodeId>(std::stoul(r[0]));
    ASSERT_LT(v, 34u);
    EXPECT_FALSE(seen[v]);
    seen[v] = true;
    // The loader renumbers nodes, so sums run in another order: equal up to rounding.
    EXPECT_NEAR(std::stod(r[1]), pr.values[v], 1e-12);
    EXPECT_EQ(std::stod(r[2]), static_cast<double>(g.degree(v)));
    EXPECT_EQ(r[3], std::to_string(cores.core[v]));
    EXPECT_NEAR(std::stod(r[4]), bt.values[v], 1e-9);
    EXPECT_EQ(r[5], "0");  // an edge list has no labelled accounts
  }
}

TEST(ScoreCli, SameOutputForOneAndTwoThreadsAndJsonDiagnostics) {
  const std::string a = kTmp + "/t1.csv", b = kTmp + "/t2.csv", js = kTmp + "/diag.json";
  const std::string common = kKarate + " -c pagerank,betweenness --betweenness-samples 10 --exact-threshold 5 --seed 3";
  ASSERT_EQ(run(common + " --threads 1 --out " + a), 0);
  ASSERT_EQ(run(common + " --threads 2 --json --out " + b, js), 0);
  EXPECT_EQ(read_all(a), read_all(b));
  const std::string diag = read_all(js);
  EXPECT_NE(diag.find("\"name\":\"pagerank\""), std::string::npos) << diag;
  EXPECT_NE(diag.find("\"converged\":true"), std::string::npos);
  EXPECT_NE(diag.find("\"exact\":false,\"sources\":10"), std::string::npos);
  EXPECT_EQ(diag.back(), '\n');
}

TEST(ScoreCli, SnapshotWithBannedAccountSeedsPpr) {
  const std::string out = kTmp + "/full.csv";
  ASSERT_EQ(run(std::string(HYDRASCOPE_TEST_FIXTURES) + "/good/full.json -c ppr --out " + out), 0)
      << read_all(kTmp + "/stderr.txt");
  const auto rows = read_csv(out);
  ASSERT_EQ(rows.size(), 5u);
  EXPECT_EQ(rows[1][0], "a:1001");  // the banned account: the restart node ranks first
  double total = 0.0, top = 0.0;
  for (std::size_t i = 1; i < rows.size(); ++i) {
    total += std::stod(rows[i][1]);
    top = std::max(top, std::stod(rows[i][1]));
  }
  EXPECT_NEAR(total, 1.0, 1e-9);
  EXPECT_EQ(std::stod(rows[1][1]), top);
}

TEST(ScoreCli, ErrorsExitNonZeroAndWriteNothing) {
  const std::string out = kTmp + "/never.csv";
  std::filesystem::remove(out);
  EXPECT_EQ(run(kKarate + " -c pagerank,nope --out " + out), 2);
  EXPECT_EQ(run(kKarate + " -c pagerank,pagerank --out " + out), 2);
  EXPECT_EQ(run(kKarate + " --damping 1.5 --out " + out), 2);
  EXPECT_EQ(run(kKarate + " --epsilon 0 -c betweenness --out " + out), 2);
  EXPECT_EQ(run(kKarate + " --betweenness-samples 5 --epsilon 0.1 --out " + out), 2);  // exclusive
  EXPECT_EQ(run(kKarate), 2);  // --out missing
  EXPECT_EQ(run(kTmp + "/missing.edges --out " + out), 1);
  EXPECT_NE(read_all(kTmp + "/stderr.txt").find("missing.edges"), std::string::npos);
  EXPECT_EQ(run(std::string(HYDRASCOPE_TEST_FIXTURES) + "/bad/bad_format.ndjson --out " + out), 1);
  EXPECT_FALSE(std::filesystem::exists(out));
  EXPECT_EQ(run(kKarate + " --out " + kTmp + "/no/such/dir/x.csv"), 1);
}

}  // namespace
}  // namespace hydrascope
