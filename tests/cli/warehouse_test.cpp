// `hydrascope run` on data as it arrives from a warehouse export (the CSV
// form with activity.csv and snapshot.csv), the run's config file and its
// summary line: the regressions of issue 20 (items 3 and 5).
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>

#include "cli/cli_run.hpp"
#include "files.hpp"

namespace hydrascope {
namespace {

namespace fs = std::filesystem;
using testing::run_hydrascope;

using hydrascope::testing::read_all;

class Warehouse : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new std::string(std::string(HYDRASCOPE_TEST_TMP) + "/warehouse-" + std::to_string(::getpid()));
    fs::remove_all(*dir_);
    fs::create_directories(*dir_);
    const auto g = run_hydrascope("-q generate --accounts 3000 --seed 4 --out " + *dir_ + "/world", *dir_ + "/gen");
    ASSERT_EQ(g.code, 0) << g.err;
  }
  static void TearDownTestSuite() {
    fs::remove_all(*dir_);
    delete dir_;
  }
  static std::string* dir_;
  const std::string& d() const { return *dir_; }
};
std::string* Warehouse::dir_ = nullptr;

TEST_F(Warehouse, CsvFormKeepsActivityAndGivesTheSameRun) {
  const auto c = run_hydrascope("convert " + d() + "/world/snapshot.ndjson " + d() + "/csv/", d() + "/conv");
  ASSERT_EQ(c.code, 0) << c.err;
  EXPECT_EQ(c.err.find("warning"), std::string::npos) << c.err;
  for (const char* part : {"nodes.csv", "edges.csv", "snapshot.csv", "activity.csv"})
    EXPECT_TRUE(fs::exists(d() + "/csv/" + part)) << part;
  // The same run from NDJSON and from the CSV form: no warning, same accounts.
  const auto a = run_hydrascope("run " + d() + "/world/snapshot.ndjson --out " + d() + "/run-ndjson --show 0", d() + "/ra");
  const auto b = run_hydrascope("run " + d() + "/csv --out " + d() + "/run-csv --show 0", d() + "/rb");
  ASSERT_EQ(a.code, 0) << a.err;
  ASSERT_EQ(b.code, 0) << b.err;
  EXPECT_EQ(b.err.find("warning"), std::string::npos) << b.err;
  EXPECT_EQ(read_all(d() + "/run-ndjson/accounts.csv"), read_all(d() + "/run-csv/accounts.csv"));
  EXPECT_EQ(a.out.substr(0, a.out.find('\n')), b.out.substr(0, b.out.find('\n')));
  // CSV -> JSON: the activity is back where it was.
  const auto j = run_hydrascope("-q convert " + d() + "/csv " + d() + "/back.ndjson", d() + "/conv2");
  ASSERT_EQ(j.code, 0) << j.err;
  EXPECT_EQ(read_all(d() + "/back.ndjson").find("\"activity\":{\"start\":"), read_all(d() + "/world/snapshot.ndjson").find("\"activity\":{\"start\":"));
}

TEST_F(Warehouse, RunWarnsWhenTheSnapshotHasNoActivity) {
  const auto c = run_hydrascope("-q convert " + d() + "/world/snapshot.ndjson " + d() + "/bare/", d() + "/conv3");
  ASSERT_EQ(c.code, 0) << c.err;
  fs::remove(d() + "/bare/activity.csv");
  const auto r = run_hydrascope("run " + d() + "/bare --out " + d() + "/run-bare --show 0", d() + "/rbare");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.err.find("warning: the snapshot has no activity: synchrony, balance and pivot features are missing"),
            std::string::npos)
      << r.err;
  // Warnings are not info lines: -q keeps them.
  const auto q = run_hydrascope("-q run " + d() + "/bare --out " + d() + "/run-bare --force --show 0", d() + "/rbareq");
  EXPECT_NE(q.err.find("warning: the snapshot has no activity"), std::string::npos) << q.err;
}

TEST_F(Warehouse, SummaryCountsAgreeWithTheStageLines) {
  const auto r = run_hydrascope("run " + d() + "/world/snapshot.ndjson --out " + d() + "/run-sum --show 3", d() + "/rsum");
  ASSERT_EQ(r.code, 0) << r.err;
  std::smatch detect, refine, summary;
  ASSERT_TRUE(std::regex_search(r.err, detect, std::regex("detect: ([0-9]+) communities"))) << r.err;
  ASSERT_TRUE(std::regex_search(r.err, refine, std::regex("refine: ([0-9]+) communities"))) << r.err;
  ASSERT_TRUE(std::regex_search(
      r.out, summary,
      std::regex("hydrascope run: 3000 accounts, ([0-9]+) communities \\(([0-9]+) detected, ([0-9]+) after refinement; "
                 "([0-9]+) scored\\)")))
      << r.out;
  EXPECT_EQ(summary[1].str(), refine[1].str());
  EXPECT_EQ(summary[2].str(), detect[1].str());
  EXPECT_EQ(summary[3].str(), refine[1].str());
  const std::string cj = read_all(d() + "/run-sum/communities.json");
  EXPECT_NE(cj.find("\"communities\":" + refine[1].str() + ","), std::string::npos);
  EXPECT_NE(cj.find("\"scored_communities\":" + summary[4].str() + ","), std::string::npos);
}

// `report = VALUE` in a --config file: true writes DIR/report.html (it wrote a
// file named ./true before), false writes none, anything else is the file.
TEST_F(Warehouse, ConfigReportTrueFalseOrFile) {
  const std::string work = d() + "/cfg";
  fs::create_directories(work);
  const std::string bin = HYDRASCOPE_TEST_BINARY;
  auto run_in = [&](const std::string& conf, const std::string& out) {
    std::ofstream(work + "/run.conf") << "# issue 20\n[run]\n" << conf << "\nshow = 0\n";
    const std::string cmd = "cd '" + work + "' && '" + bin + "' -q run " + d() + "/world/snapshot.ndjson --out " + out +
                            " --force --config run.conf > /dev/null 2> err.txt";
    const int rc = std::system(cmd.c_str());
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
  };
  ASSERT_EQ(run_in("report = true", "o1"), 0) << read_all(work + "/err.txt");
  EXPECT_TRUE(fs::exists(work + "/o1/report.html"));
  EXPECT_FALSE(fs::exists(work + "/true"));
  EXPECT_NE(read_all(work + "/o1/run.json").find("\"report.html\""), std::string::npos);
  ASSERT_EQ(run_in("report = false", "o2"), 0) << read_all(work + "/err.txt");
  EXPECT_FALSE(fs::exists(work + "/o2/report.html"));
  EXPECT_FALSE(fs::exists(work + "/false"));
  ASSERT_EQ(run_in("report = \"page.html\"", "o3"), 0) << read_all(work + "/err.txt");
  EXPECT_TRUE(fs::exists(work + "/page.html"));
  EXPECT_FALSE(fs::exists(work + "/o3/report.html"));
  // The command line wins over the file.
  std::ofstream(work + "/run.conf") << "report = true\n";
  const std::string cmd = "cd '" + work + "' && '" + bin + "' -q run " + d() + "/world/snapshot.ndjson --out o4 --show 0 " +
                          "--config run.conf --report=cli.html > /dev/null 2> err.txt";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << read_all(work + "/err.txt");
  EXPECT_TRUE(fs::exists(work + "/cli.html"));
  EXPECT_FALSE(fs::exists(work + "/o4/report.html"));
}

}  // namespace
}  // namespace hydrascope
