// Progress as a person at a terminal sees it: `hydrascope run` and `hydrascope
// score --centrality betweenness` run on a pseudo-terminal (forkpty), and every
// line they draw is read back. Each stage must show its start (0 %) and its
// end (100 %, "done"), with a share of the work in between; stages that run
// long enough show an estimate of the time left. And the same with
// --log-format json, terminal or not. The size of the generated world is
// HYDRASCOPE_PROGRESS_ACCOUNTS (default 20,000; docs/cli.md shows the
// 200,000-account run of the same test).
#include <gtest/gtest.h>
#include <pty.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <regex>
#include <string>
#include <vector>

#include "cli/cli_run.hpp"
#include "cli_util.hpp"

namespace hydrascope {
namespace {

namespace fs = std::filesystem;

struct PtyRun {
  int code = -1;
  std::string text;  // stdout and stderr as the terminal got them
};

// Runs the binary with `args` on a new pseudo-terminal and reads it to the end.
PtyRun run_on_pty(const std::vector<std::string>& args) {
  std::vector<char*> argv;
  std::string bin = HYDRASCOPE_TEST_BINARY;
  argv.push_back(bin.data());
  std::vector<std::string> copy = args;
  for (auto& a : copy) argv.push_back(a.data());
  argv.push_back(nullptr);
  struct winsize ws {};
  ws.ws_col = 200;
  ws.ws_row = 50;
  int master = -1;
  const pid_t pid = ::forkpty(&master, nullptr, nullptr, &ws);
  if (pid == 0) {
    ::setenv("OMP_WAIT_POLICY", "passive", 1);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  PtyRun r;
  if (pid < 0) return r;
  char buf[65536];
  for (;;) {
    const ssize_t got = ::read(master, buf, sizeof buf);
    if (got > 0) {
      r.text.append(buf, static_cast<std::size_t>(got));
      continue;
    }
    if (got < 0 && errno == EINTR) continue;
    break;  // EIO once the child has closed its side
  }
  ::close(master);
  int status = 0;
  ::waitpid(pid, &status, 0);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

// The frames drawn for each stage: the text between carriage returns and line
// ends, with the erase-line sequence taken out, grouped by "stage: ".
std::map<std::string, std::vector<std::string>> frames_by_stage(const std::string& text) {
  std::map<std::string, std::vector<std::string>> out;
  std::string frame;
  auto flush = [&] {
    std::string f;
    for (std::size_t i = 0; i < frame.size(); ++i) {
      if (frame.compare(i, 3, "\x1b[K") == 0) {
        i += 2;
        continue;
      }
      f.push_back(frame[i]);
    }
    static const std::regex stage("^([a-z]+): (.*%.*)$");
    std::smatch m;
    if (std::regex_match(f, m, stage)) out[m[1].str()].push_back(f);
    frame.clear();
  };
  for (const char c : text) {
    if (c == '\r' || c == '\n') flush();
    else frame.push_back(c);
  }
  flush();
  return out;
}

// 20,000 accounts; 5,000 in a sanitizer build (scripts/test.sh, second
// pass), whose sanitized `hydrascope` is several times slower: every stage
// still draws its start and end frames.
std::string accounts() {
  const char* env = std::getenv("HYDRASCOPE_PROGRESS_ACCOUNTS");
#if defined(HYDRASCOPE_SANITIZED)
  const char* fallback = "5000";
#else
  const char* fallback = "20000";
#endif
  return env != nullptr && *env != '\0' ? env : fallback;
}

class ProgressOnTerminal : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new std::string(std::string(HYDRASCOPE_TEST_TMP) + "/progress-" + std::to_string(::getpid()));
    fs::remove_all(*dir_);
    fs::create_directories(*dir_);
    const auto g = testing::run_hydrascope("-q generate --accounts " + accounts() + " --seed 3 --out " + *dir_ + "/world",
                                           *dir_ + "/gen");
    ASSERT_EQ(g.code, 0) << g.err;
  }
  static void TearDownTestSuite() {
    fs::remove_all(*dir_);
    delete dir_;
  }
  static std::string* dir_;
};
std::string* ProgressOnTerminal::dir_ = nullptr;

void expect_start_and_end(const std::map<std::string, std::vector<std::string>>& frames, const std::string& stage,
                          const std::string& all) {
  const auto it = frames.find(stage);
  ASSERT_NE(it, frames.end()) << "no progress drawn for " << stage << "; the terminal got:\n" << all.substr(0, 4000);
  const auto& f = it->second;
  const bool zero = f.front().find("(0%") != std::string::npos || f.front().find(": 0% ") != std::string::npos;
  EXPECT_TRUE(zero) << stage << " starts with: " << f.front();
  EXPECT_NE(f.back().find("100%"), std::string::npos) << stage << " ends with: " << f.back();
  EXPECT_NE(f.back().find("done"), std::string::npos) << f.back();
}

TEST_F(ProgressOnTerminal, RunShowsEveryStageFromStartToEnd) {
  const PtyRun r = run_on_pty({"run", *dir_ + "/world/snapshot.ndjson", "--out", *dir_ + "/run", "--force", "--report",
                               "--export-formats", "graphml"});
  ASSERT_EQ(r.code, 0) << r.text;
  const auto frames = frames_by_stage(r.text);
  for (const char* stage :
       {"load", "build", "detect", "centrality", "refine", "features", "score", "explain", "export", "report"})
    expect_start_and_end(frames, stage, r.text);
  // Bytes for the load, counted units where the work has one.
  EXPECT_NE(frames.at("load").back().find(" MB / "), std::string::npos) << frames.at("load").back();
  EXPECT_NE(frames.at("refine").back().find("1 / 1 steps"), std::string::npos) << frames.at("refine").back();
  // The time left is drawn from 0.5 s into a stage, which a run this small
  // may never reach: its text is tested in ProgressText below.
  // The closing lines are ordinary log lines, not overwritten by progress.
  EXPECT_NE(r.text.find("hydrascope: score: "), std::string::npos);
  EXPECT_NE(r.text.find("hydrascope run: "), std::string::npos);
}

TEST_F(ProgressOnTerminal, SampledBetweennessShowsSourcesAndTimeLeft) {
  const PtyRun r = run_on_pty({"score", *dir_ + "/world/snapshot.ndjson", "--centrality", "betweenness",
                               "--betweenness-samples", "40", "--out", *dir_ + "/b.csv"});
  ASSERT_EQ(r.code, 0) << r.text;
  const auto frames = frames_by_stage(r.text);
  expect_start_and_end(frames, "load", r.text);
  expect_start_and_end(frames, "betweenness", r.text);
  EXPECT_NE(frames.at("betweenness").front().find("0 / 40 sources (0%"), std::string::npos)
      << frames.at("betweenness").front();
  EXPECT_NE(frames.at("betweenness").back().find("40 / 40 sources (100%"), std::string::npos)
      << frames.at("betweenness").back();
}

TEST_F(ProgressOnTerminal, JsonEventsCarryUnitElapsedAndEstimate) {
  const auto r = testing::run_hydrascope("--log-format json score " + *dir_ + "/world/snapshot.ndjson" +
                                             " --centrality betweenness --betweenness-samples 40 --out " + *dir_ + "/b.csv",
                                         *dir_ + "/json");
  ASSERT_EQ(r.code, 0) << r.err;
  // stderr is a file here: JSON progress all the same, one object per line.
  const std::regex first("\\{\"level\":\"progress\",\"stage\":\"betweenness\",\"done\":0,\"total\":40,"
                         "\"unit\":\"sources\",\"elapsed_seconds\":[0-9.]+\\}");
  const std::regex last("\\{\"level\":\"progress\",\"stage\":\"betweenness\",\"done\":40,\"total\":40,"
                        "\"unit\":\"sources\",\"elapsed_seconds\":[0-9.]+\\}");
  EXPECT_TRUE(std::regex_search(r.err, first)) << r.err;
  EXPECT_TRUE(std::regex_search(r.err, last)) << r.err;
  const std::regex load("\\{\"level\":\"progress\",\"stage\":\"load\",\"done\":[0-9]+,\"total\":[0-9]+,\"unit\":\"bytes\"");
  EXPECT_TRUE(std::regex_search(r.err, load)) << r.err;
}

TEST_F(ProgressOnTerminal, QuietDrawsNothing) {
  const PtyRun r = run_on_pty({"-q", "score", *dir_ + "/world/snapshot.ndjson", "--centrality", "pagerank", "--out",
                               *dir_ + "/p.csv"});
  ASSERT_EQ(r.code, 0) << r.text;
  EXPECT_TRUE(frames_by_stage(r.text).empty()) << r.text;
}

}  // namespace

// The progress line itself: the time left once a stage has run 0.5 s and is
// not done, `done` at the end, nothing to estimate before.
TEST(ProgressText, TimeLeftOnlyPastHalfASecondAndBeforeTheEnd) {
  using hydrascope::cli::progress_eta;
  using hydrascope::cli::progress_text;
  EXPECT_DOUBLE_EQ(progress_eta(1, 4, 1.0), 3.0);
  EXPECT_LT(progress_eta(1, 4, 0.4), 0.0);
  EXPECT_LT(progress_eta(0, 4, 2.0), 0.0);
  EXPECT_LT(progress_eta(4, 4, 2.0), 0.0);
  EXPECT_LT(progress_eta(1, 0, 2.0), 0.0);
  EXPECT_NE(progress_text("features", 1, 4, 1.0).find(" left)"), std::string::npos) << progress_text("features", 1, 4, 1.0);
  EXPECT_EQ(progress_text("features", 1, 4, 0.2).find(" left)"), std::string::npos);
  EXPECT_NE(progress_text("features", 4, 4, 1.0).find("done"), std::string::npos);
}

}  // namespace hydrascope
