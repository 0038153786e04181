// `hydrascope detect` end to end: CSV and summary, determinism, error paths
// (bad options exit 2, bad input exit 1, no output file left behind).
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "files.hpp"

namespace {

const std::string kBin = HYDRASCOPE_TEST_BINARY;
const std::string kDatasets = HYDRASCOPE_TEST_DATASETS;
const std::string kTmp = HYDRASCOPE_TEST_TMP;

int run(const std::string& args, std::string* out = nullptr) {
  // One pair of files per process: ctest runs the tests of this file in parallel.
  const std::string tag = std::to_string(::getpid());
  const std::string so = kTmp + "/detect_cli_stdout-" + tag + ".txt";
  const int rc =
      std::system((kBin + " -q " + args + " > " + so + " 2> " + kTmp + "/detect_cli_stderr-" + tag + ".txt").c_str());
  if (out) {
    std::ifstream in(so);
    std::stringstream ss;
    ss << in.rdbuf();
    *out = ss.str();
  }
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

using hydrascope::testing::read_all;

bool exists(const std::string& path) { return std::ifstream(path).good(); }

TEST(DetectCli, KarateCsvAndJsonSummary) {
  const std::string csv = kTmp + "/karate_communities.csv";
  std::string out;
  ASSERT_EQ(run("detect " + kDatasets + "/karate/karate.edges --out " + csv + " --json --threads 2", &out), 0);
  const std::string text = read_all(csv);
  EXPECT_EQ(text.rfind("node_id,community_id\n", 0), 0u);
  int lines = 0;
  for (char c : text) lines += c == '\n';
  EXPECT_EQ(lines, 35);
  EXPECT_NE(out.find("\"communities\":4"), std::string::npos) << out;
  EXPECT_NE(out.find("\"quality\":0.41978"), std::string::npos) << out;
}

TEST(DetectCli, SameSeedByteIdenticalAcrossThreads) {
  const std::string a = kTmp + "/email_a.csv", b = kTmp + "/email_b.csv";
  const std::string in = kDatasets + "/email-eu-core/email-Eu-core.txt";
  ASSERT_EQ(run("detect " + in + " --out " + a + " --seed 7 --threads 1"), 0);
  ASSERT_EQ(run("detect " + in + " --out " + b + " --seed 7 --threads 2"), 0);
  EXPECT_EQ(read_all(a), read_all(b));
  EXPECT_FALSE(read_all(a).empty());
}

TEST(DetectCli, EveryAlgorithmAndWriteGraph) {
  const std::string in = kDatasets + "/football/football.edges";
  for (const char* algo : {"leiden", "louvain", "lpa", "components"}) {
    std::string out;
    EXPECT_EQ(run(std::string("detect ") + in + " --algo " + algo + " --out " + kTmp + "/fb.csv", &out), 0) << algo;
    EXPECT_NE(out.find(std::string("algorithm     ") + algo), std::string::npos) << out;
  }
  ASSERT_EQ(run("detect " + in + " --quality cpm --resolution 0.1 --out " + kTmp + "/fb.csv --write-graph " + kTmp +
                "/fb.graph"),
            0);
  int lines = 0;
  for (char c : read_all(kTmp + "/fb.graph")) lines += c == '\n';
  EXPECT_EQ(lines, 613);
}

TEST(DetectCli, BadOptionsExitTwoAndWriteNothing) {
  const std::string csv = kTmp + "/never_written.csv";
  std::remove(csv.c_str());
  const std::string in = kDatasets + "/karate/karate.edges";
  EXPECT_EQ(run("detect " + in + " --out " + csv + " --algo magic"), 2);
  EXPECT_EQ(run("detect " + in + " --out " + csv + " --weights heavy"), 2);
  EXPECT_EQ(run("detect " + in + " --out " + csv + " --damping 2"), 2);
  EXPECT_EQ(run("detect " + in + " --out " + csv + " --resolution -1"), 2);
  EXPECT_EQ(run("detect " + in + " --out " + csv + " --max-iterations 0"), 2);
  EXPECT_EQ(run("detect " + in + " --out " + csv + " --type-weight paid_with"), 2);
  EXPECT_EQ(run("detect " + in + " --out " + csv + " --type-weight paid_with=abc"), 2);
  EXPECT_EQ(run("detect " + in), 2);  // --out missing
  EXPECT_FALSE(exists(csv));
}

// --weights and --damping default to what suits the input: an edge list is
// taken as it is (unit weights, no damping), a snapshot as GraphOptions{}
// (log of requests, degree damping); given, they apply to either.
TEST(DetectCli, GraphDefaultsDependOnTheInput) {
  const std::string edges = kTmp + "/weighted_edges.txt";
  {
    std::ofstream f(edges);
    f << "0 1 5\n1 2 1\n2 0 9\n2 3 2\n3 4 7\n4 5 1\n5 3 3\n";
  }
  const auto graph = [](const std::string& input, const std::string& options) {
    const std::string g = kTmp + "/defaults.graph";
    std::remove(g.c_str());
    EXPECT_EQ(run("detect " + input + " --out " + kTmp + "/defaults.csv --write-graph " + g + " " + options), 0) << options;
    return read_all(g);
  };
  EXPECT_EQ(graph(edges, ""), graph(edges, "--weights unit --damping none"));
  EXPECT_NE(graph(edges, ""), graph(edges, "--weights requests"));
  const std::string snapshot = kDatasets + "/sample/snapshot.json.gz";
  EXPECT_EQ(graph(snapshot, ""), graph(snapshot, "--weights log --damping degree"));
  EXPECT_NE(graph(snapshot, ""), graph(snapshot, "--damping none"));
}

TEST(DetectCli, BadInputExitOne) {
  const std::string bad = kTmp + "/bad_edges.txt";
  {
    std::ofstream f(bad);
    f << "0 1\n1 2 -3\n";
  }
  const std::string csv = kTmp + "/never_written2.csv";
  std::remove(csv.c_str());
  EXPECT_EQ(run("detect " + bad + " --out " + csv), 1);
  EXPECT_EQ(run("detect " + kTmp + "/does_not_exist.txt --out " + csv), 1);
  EXPECT_FALSE(exists(csv));
}

}  // namespace
