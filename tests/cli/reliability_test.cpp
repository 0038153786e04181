// Reliability of the `hydrascope` executable, end to end (docs/reliability.md):
// exit codes and one-line errors (text and --log-format json), --out that
// exists and is not empty refused unless --force, nothing written outside
// --out, byte-identical reruns, the memory estimate and --max-memory, and
// SIGKILL at several moments leaving no truncated file under a final name.
#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "cli/cli_run.hpp"
#include "files.hpp"

namespace {

namespace fs = std::filesystem;
const std::string kBin = HYDRASCOPE_TEST_BINARY;
const std::string kFixtures = HYDRASCOPE_TEST_FIXTURES;

using hydrascope::testing::read_all;

// A fresh, empty folder for one test (per process, so parallel ctest runs do not meet).
std::string fresh(const std::string& name) {
  const std::string dir = std::string(HYDRASCOPE_TEST_TMP) + "/reliability-" + name + "-" + std::to_string(::getpid());
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

using CliResult = hydrascope::testing::CliRun;

// `hydrascope ARGS`, stdout and stderr captured beside `dir` (never inside an --out folder).
CliResult run(const std::string& dir, const std::string& args) { return hydrascope::testing::run_hydrascope(args, dir); }

// Every regular file under `dir`, relative path -> bytes.
std::map<std::string, std::string> tree(const std::string& dir) {
  std::map<std::string, std::string> files;
  if (!fs::exists(dir)) return files;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file()) files[fs::relative(e.path(), dir).string()] = read_all(e.path().string());
  return files;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

// A generated world (NDJSON) in `dir`/world, made once per test binary run.
std::string world(const std::string& dir, int accounts = 2000, int seed = 5) {
  const std::string out = dir + "/world";
  const CliResult g = run(dir, "-q generate --accounts " + std::to_string(accounts) + " --seed " + std::to_string(seed) +
                             " --out " + out);
  EXPECT_EQ(g.code, 0) << g.err;
  return out + "/snapshot.ndjson";
}

// --- exit codes and error lines -------------------------------------------------

TEST(ExitCodes, EachKindHasItsCodeAndOneErrorLine) {
  const std::string dir = fresh("codes");
  const std::string snap = world(dir);
  // 0: success
  EXPECT_EQ(run(dir, "-q inspect " + snap).code, 0);
  // 2: bad usage (unknown option, bad value, missing argument)
  for (const std::string& args : std::vector<std::string>{"inspect " + snap + " --no-such-option", "run " + snap + " --out " + dir + "/o --threshold 7",
                                 "run " + snap, "frobnicate"}) {
    const CliResult r = run(dir, args);
    EXPECT_EQ(r.code, 2) << args << "\n" << r.err;
    EXPECT_EQ(lines_of(r.err).size(), 1u) << args << "\n" << r.err;
    EXPECT_EQ(r.err.rfind("hydrascope: error: ", 0), 0u) << r.err;
  }
  // 1: bad input, the line names file, line, record and field
  const CliResult bad = run(dir, "inspect " + kFixtures + "/bad/weight_negative.ndjson");
  EXPECT_EQ(bad.code, 1);
  ASSERT_EQ(lines_of(bad.err).size(), 1u) << bad.err;
  EXPECT_NE(bad.err.find("weight_negative.ndjson:"), std::string::npos) << bad.err;
  EXPECT_NE(bad.err.find("field \"weight\""), std::string::npos) << bad.err;
  EXPECT_EQ(run(dir, "inspect " + dir + "/missing.ndjson").code, 1);
  // 4: resource limit, refused before building, nothing written
  const CliResult big = run(dir, "run " + snap + " --out " + dir + "/o --max-memory 1M");
  EXPECT_EQ(big.code, 4) << big.err;
  EXPECT_EQ(lines_of(big.err).size(), 1u) << big.err;
  EXPECT_NE(big.err.find("--max-memory"), std::string::npos) << big.err;
  EXPECT_FALSE(fs::exists(dir + "/o"));
  // 3: internal error (a broken invariant), injected through the test hook
  ::setenv("HYDRASCOPE_FAULT", "internal", 1);
  const CliResult internal = run(dir, "inspect " + snap);
  ::unsetenv("HYDRASCOPE_FAULT");
  EXPECT_EQ(internal.code, 3) << internal.err;
  EXPECT_EQ(internal.err.rfind("hydrascope: internal error: ", 0), 0u) << internal.err;
}

TEST(ExitCodes, HostileBytesInAnErrorStayOnOneLine) {
  const std::string dir = fresh("oneline");
  {
    std::ofstream f(dir + "/s.ndjson", std::ios::binary);
    f << "{\"format\": \"hydrascope.snapshot\", \"version\": 1}\n"
      << "{\"kind\": \"node\", \"id\": \"a\\n\\r\\u001b[31mevil\", \"type\": \"account\", \"label\": \"x\\ny\"}\n";
  }
  const CliResult r = run(dir, "inspect " + dir + "/s.ndjson");
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(lines_of(r.err).size(), 1u) << r.err;
  EXPECT_EQ(r.err.find('\x1b'), std::string::npos) << r.err;
}

TEST(LogFormat, JsonLinesForEveryKind) {
  const std::string dir = fresh("json");
  const std::string snap = world(dir);
  auto parse_lines = [](const std::string& err) {
    std::vector<rapidjson::Document> docs;
    for (const auto& l : lines_of(err)) {
      rapidjson::Document d;
      d.Parse(l.c_str(), l.size());
      EXPECT_FALSE(d.HasParseError()) << l;
      EXPECT_TRUE(d.IsObject() && d.HasMember("level")) << l;
      docs.push_back(std::move(d));
    }
    return docs;
  };
  const CliResult ok = run(dir, "--log-format json run " + snap + " --out " + dir + "/o");
  ASSERT_EQ(ok.code, 0) << ok.err;
  const auto info = parse_lines(ok.err);
  std::map<std::string, int> levels;
  for (const auto& d : info) ++levels[d["level"].GetString()];
  EXPECT_GT(levels["info"], 4) << ok.err;      // one per stage
  EXPECT_GT(levels["progress"], 0) << ok.err;  // stderr is not a terminal: JSON progress all the same
  const CliResult bad = run(dir, "--log-format json inspect " + kFixtures + "/bad/weight_negative.ndjson");
  EXPECT_EQ(bad.code, 1);
  // The load's start may come as a progress event; then the one error line.
  auto e = parse_lines(bad.err);
  std::erase_if(e, [](const rapidjson::Document& d) { return std::string(d["level"].GetString()) == "progress"; });
  ASSERT_EQ(e.size(), 1u) << bad.err;
  EXPECT_STREQ(e[0]["level"].GetString(), "error");
  EXPECT_EQ(e[0]["exit"].GetInt(), 1);
  EXPECT_STREQ(e[0]["kind"].GetString(), "input");
  EXPECT_STREQ(e[0]["field"].GetString(), "weight");
  EXPECT_GT(e[0]["line"].GetInt(), 0);
  const CliResult usage = run(dir, "--log-format json run " + snap + " --out " + dir + "/o2 --bogus");
  EXPECT_EQ(usage.code, 2);
  const auto u = parse_lines(usage.err);
  ASSERT_EQ(u.size(), 1u) << usage.err;
  EXPECT_STREQ(u[0]["kind"].GetString(), "usage");
  const CliResult limit = run(dir, "--log-format=json run " + snap + " --out " + dir + "/o3 --max-memory 1K");
  EXPECT_EQ(limit.code, 4);
  const auto l = parse_lines(limit.err);
  ASSERT_EQ(l.size(), 1u) << limit.err;
  EXPECT_STREQ(l[0]["kind"].GetString(), "resource");
  EXPECT_EQ(run(dir, "--log-format yaml inspect " + snap).code, 2);
}

// --- --out and --force --------------------------------------------------------------

TEST(OutFolder, NonEmptyIsRefusedUnlessForce) {
  const std::string dir = fresh("force");
  const std::string snap = world(dir);
  fs::create_directories(dir + "/o");
  {
    std::ofstream f(dir + "/o/keep.txt");
    f << "mine";
  }
  const std::vector<std::string> commands = {
      "run " + snap + " --out " + dir + "/o",
      "generate --accounts 1000 --seed 1 --out " + dir + "/o",
      "export " + snap + " --around a:0 --export-formats json --out " + dir + "/o",
  };
  for (const auto& c : commands) {
    const CliResult r = run(dir, c);
    EXPECT_EQ(r.code, 2) << c << "\n" << r.err;
    EXPECT_NE(r.err.find("--force"), std::string::npos) << r.err;
    EXPECT_EQ(lines_of(r.err).size(), 1u) << r.err;
    EXPECT_EQ(read_all(dir + "/o/keep.txt"), "mine");
  }
  // An empty folder is fine; a file is not a folder.
  fs::create_directories(dir + "/empty");
  EXPECT_EQ(run(dir, "-q run " + snap + " --out " + dir + "/empty").code, 0);
  { std::ofstream f(dir + "/file"); }
  EXPECT_EQ(run(dir, "-q run " + snap + " --out " + dir + "/file --force").code, 2);
  // --force: run replaces the folder whole; generate writes beside what is there.
  EXPECT_EQ(run(dir, "-q run " + snap + " --out " + dir + "/o --force").code, 0);
  EXPECT_TRUE(fs::exists(dir + "/o/run.json"));
  EXPECT_FALSE(fs::exists(dir + "/o/keep.txt"));
  EXPECT_EQ(run(dir, "-q generate --accounts 1000 --seed 1 --out " + dir + "/o --force").code, 0);
  EXPECT_TRUE(fs::exists(dir + "/o/truth.json"));
}

TEST(OutFolder, NothingIsWrittenOutsideOut) {
  // Account ids that look like paths, every export format, and --around one of them.
  const std::string dir = fresh("contain");
  const std::string snap = world(dir, 1000, 3);
  const std::string hostile = dir + "/world/hostile.ndjson";
  {
    std::string text = read_all(snap);
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
      if (text.compare(i, 3, "\"a:") == 0) {
        out += "\"../../x/a:";
        i += 2;
      } else {
        out.push_back(text[i]);
      }
    }
    std::ofstream(hostile, std::ios::binary) << out;
  }
  const std::string first_account = [&] {
    const std::string t = read_all(hostile);
    const auto p = t.find("\"../../x/a:");
    return t.substr(p + 1, t.find('"', p + 1) - p - 1);
  }();
  const std::string work = dir + "/deep/er";
  fs::create_directories(work);
  auto before = tree(dir);
  const CliResult r = run(work, "-q run " + hostile + " --out " + work + "/o --threshold 0.05 --export-formats graphml,gexf,dot,csv,neo4j --report");
  ASSERT_EQ(r.code, 0) << r.err;
  const CliResult e = run(work, "-q export " + hostile + " --run " + work + "/o --around '" + first_account +
                              "' --format json,graphml,gexf,dot,csv,neo4j --out " + work + "/e");
  ASSERT_EQ(e.code, 0) << e.err;
  for (const auto& [path, bytes] : tree(dir)) {
    if (before.count(path)) continue;
    EXPECT_TRUE(path.rfind("deep/er/o/", 0) == 0 || path.rfind("deep/er/e/", 0) == 0) << path;
  }
  EXPECT_FALSE(fs::exists(dir + "/x"));
  EXPECT_FALSE(fs::exists(dir + "/deep/x"));
}

// --- reproducibility ----------------------------------------------------------------

// 5,000 accounts; 2,000 in a sanitizer build (scripts/test.sh, second pass),
// where the four whole runs with every export and the report were an eighth
// of that pass: the same commands, exports and thread counts, a smaller world.
#if defined(HYDRASCOPE_SANITIZED)
constexpr int kReproAccounts = 2000;
#else
constexpr int kReproAccounts = 5000;
#endif

TEST(Reproducible, SameInputOptionsSeedThreadsGiveTheSameFolder) {
  const std::string dir = fresh("repro");
  const std::string snap = world(dir, kReproAccounts, 11);
  std::map<int, std::map<std::string, std::string>> by_threads;
  for (int threads : {1, 2}) {
    for (const char* name : {"a", "b"}) {
      const std::string out = dir + "/" + name + std::to_string(threads);
      const CliResult r = run(dir, "-q run " + snap + " --out " + out + " --seed 9 --threshold 0.05 --threads " + std::to_string(threads) +
                                 " --export graphml,gexf,dot,csv,neo4j --report");
      ASSERT_EQ(r.code, 0) << r.err;
      auto files = tree(out);
      ASSERT_TRUE(files.count("timings.json"));
      files.erase("timings.json");  // times and peak memory: the only file allowed to differ
      ASSERT_GT(files.size(), 5u);
      if (by_threads.count(threads)) {
        EXPECT_EQ(files.size(), by_threads[threads].size());
        for (const auto& [path, bytes] : files) EXPECT_TRUE(bytes == by_threads[threads][path]) << path << " differs";
      } else {
        by_threads[threads] = std::move(files);
      }
    }
  }
  // 1 and 2 threads: everything but the recorded thread count (run.json, report.html) is identical.
  for (const auto& [path, bytes] : by_threads[1]) {
    if (path == "run.json" || path == "report.html") continue;
    EXPECT_TRUE(bytes == by_threads[2][path]) << path << " differs between 1 and 2 threads";
  }
}

// --- memory estimate ------------------------------------------------------------------

TEST(MemoryEstimate, PrintsAndStopsOrRefuses) {
  const std::string dir = fresh("estimate");
  const std::string snap = world(dir);
  const CliResult e = run(dir, "-q run " + snap + " --out " + dir + "/o --estimate");
  ASSERT_EQ(e.code, 0) << e.err;
  rapidjson::Document d;
  d.Parse(e.out.c_str(), e.out.size());
  ASSERT_FALSE(d.HasParseError()) << e.out;
  EXPECT_GT(d["estimated_peak_bytes"].GetUint64(), 1000000u);
  EXPECT_GT(d["nodes"].GetUint64(), 2000u);
  EXPECT_GT(d["edges"].GetUint64(), 2000u);
  EXPECT_FALSE(fs::exists(dir + "/o")) << "--estimate must not run";
  EXPECT_EQ(run(dir, "-q run " + snap + " --out " + dir + "/o --estimate --max-memory 1K").code, 4);
  EXPECT_EQ(run(dir, "-q run " + snap + " --out " + dir + "/o --max-memory lots").code, 2);
  EXPECT_EQ(run(dir, "-q run " + snap + " --out " + dir + "/o --max-memory 64G").code, 0);
  EXPECT_TRUE(fs::exists(dir + "/o/run.json"));
}

// --- SIGKILL at several moments ----------------------------------------------------------

// Starts `hydrascope ARGS` and kills it with SIGKILL after `ms` milliseconds
// (if it is still running). Returns true if it was killed.
bool run_and_kill(const std::vector<std::string>& args, int ms) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::freopen("/dev/null", "w", stdout);
    ::freopen("/dev/null", "w", stderr);
    std::vector<char*> argv;
    argv.push_back(const_cast<char*>(kBin.c_str()));
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::execv(kBin.c_str(), argv.data());
    ::_exit(127);
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(ms));
  const bool killed = ::kill(pid, SIGKILL) == 0;
  int status = 0;
  ::waitpid(pid, &status, 0);
  return killed && WIFSIGNALED(status);
}

int elapsed_ms(std::chrono::steady_clock::time_point t0) {
  return static_cast<int>(
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count());
}

// Kill moments spread over the length of a complete run (measured just
// before, so that the test holds on a fast and on a loaded machine): 5% to 95%.
std::vector<int> kill_points(int full_ms) {
  std::vector<int> out;
  for (int i = 0; i < 8; ++i) out.push_back(std::max(5, full_ms * (5 + 90 * i / 7) / 100));
  return out;
}

bool is_temp_name(const std::string& path) { return path.find(".tmp-") != std::string::npos; }

TEST(KillTest, RunLeavesThePreviousResultOrPlainlyIncompleteFiles) {
  const std::string dir = fresh("kill-run");
  const std::string snap = world(dir, 20000, 2);
  const std::string out = dir + "/o";
  const std::vector<std::string> args = {"-q", "run", snap, "--out", out, "--threads", "2", "--force",
                                         "--export", "graphml,csv"};
  const auto t0 = std::chrono::steady_clock::now();
  ASSERT_EQ(run(dir, "-q run " + snap + " --out " + out + " --threads 2 --export-formats graphml,csv").code, 0);
  const int full_ms = elapsed_ms(t0);
  auto reference = tree(out);
  reference.erase("timings.json");
  int killed = 0;
  for (const int ms : kill_points(full_ms)) {
    if (run_and_kill(args, ms)) ++killed;
    // --out holds the previous complete result (or the new one, identical): never a partial file.
    auto now = tree(out);
    ASSERT_TRUE(now.count("timings.json")) << "after " << ms << " ms";
    now.erase("timings.json");
    ASSERT_EQ(now.size(), reference.size()) << "after " << ms << " ms";
    for (const auto& [path, bytes] : now) ASSERT_TRUE(bytes == reference[path]) << path << " after " << ms << " ms";
    // Beside it, only plainly temporary folders (and the lock file a killed
    // run leaves: unlocked by the kernel, taken over by the next run).
    for (const auto& e : fs::directory_iterator(dir)) {
      const std::string name = e.path().filename().string();
      if (name == "o" || name == "world" || name == "o.lock") continue;
      EXPECT_TRUE(is_temp_name(name)) << name;
      fs::remove_all(e.path());
    }
  }
  EXPECT_GE(killed, 3) << "the run finished before most kill points: use a larger world";
}

TEST(KillTest, GenerateNeverLeavesATruncatedFileUnderAFinalName) {
  const std::string dir = fresh("kill-gen");
  const std::string ref = dir + "/ref";
  for (const char* format : {"ndjson", "json", "csv"}) {
    fs::remove_all(ref);
    const auto t0 = std::chrono::steady_clock::now();
    ASSERT_EQ(run(dir, std::string("-q generate --accounts 20000 --seed 4 --output-format ") + format + " --out " + ref).code, 0);
    const int full_ms = elapsed_ms(t0);
    const auto reference = tree(ref);
    int killed = 0;
    for (const int ms : kill_points(full_ms)) {
      const std::string out = dir + "/g" + std::to_string(ms) + format;
      if (run_and_kill({"-q", "generate", "--accounts", "20000", "--seed", "4", "--output-format", format, "--out", out}, ms))
        ++killed;
      for (const auto& [path, bytes] : tree(out)) {
        if (is_temp_name(path)) continue;  // plainly incomplete
        ASSERT_TRUE(reference.count(path)) << path;
        ASSERT_TRUE(bytes == reference.at(path)) << format << ": " << path << " truncated after " << ms << " ms";
      }
      fs::remove_all(out);
    }
    EXPECT_GE(killed, 3) << format;
  }
}

}  // namespace
