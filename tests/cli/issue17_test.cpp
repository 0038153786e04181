// Regression tests of issue 17 ("Reliability round 2"), one or more per case,
// end to end through the `hydrascope` executable (and a few library calls):
// pipes read once, inputs never overwritten, temporaries, hash flooding, CSV
// and terminal injection, memory limits, thread failures, overflowing sums,
// exact integers in run.json, round trips, and the --out lock.
// docs/reliability.md ("Hostile input and faults") lists them.
#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <sys/file.h>
#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "cli/cli_run.hpp"
#include "cli_util.hpp"
#include "hydrascope/eval.hpp"
#include "hydrascope/io.hpp"
#include "hydrascope/strings.hpp"
#include "files.hpp"

namespace {

namespace fs = std::filesystem;
using hydrascope::testing::CliRun;
const std::string kBin = HYDRASCOPE_TEST_BINARY;

using hydrascope::testing::read_all;
void write_all(const std::string& path, const std::string& text) { std::ofstream(path, std::ios::binary) << text; }

std::string fresh(const std::string& name) {
  const std::string dir = std::string(HYDRASCOPE_TEST_TMP) + "/issue17-" + name + "-" + std::to_string(::getpid());
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

CliRun run(const std::string& dir, const std::string& args) { return hydrascope::testing::run_hydrascope(args, dir + "/cap"); }

// `bash -c SCRIPT` (for process substitution and ulimit); B is the executable.
CliRun bash(const std::string& dir, const std::string& script) {
  const std::string file = dir + "/script.sh";
  write_all(file, "B=" + kBin + "\n" + script + "\n");
  const std::string so = dir + "/bash.out", se = dir + "/bash.err";
  const int rc = std::system(("bash " + file + " > " + so + " 2> " + se + " < /dev/null").c_str());
  CliRun r;
  r.code = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
  r.out = read_all(so);
  r.err = read_all(se);
  return r;
}

// A generated 1,000-account world (NDJSON), made once per test binary.
const std::string& world() {
  static const std::string path = [] {
    const std::string dir = fresh("world");
    const CliRun g = run(dir, "-q generate --accounts 1000 --seed 3 --out " + dir + "/w");
    EXPECT_EQ(g.code, 0) << g.err;
    return dir + "/w/snapshot.ndjson";
  }();
  return path;
}

rapidjson::Document json_of(const std::string& text) {
  rapidjson::Document d;
  d.Parse(text.c_str(), text.size());
  return d;
}

// --- 1. pipes and FIFOs are read once ----------------------------------------------

TEST(Issue17, PipeInputIsReadOnceWithTheChecksumOfTheFile) {
  const std::string dir = fresh("pipe");
  const CliRun file = run(dir, "-q run " + world() + " --out " + dir + "/f");
  ASSERT_EQ(file.code, 0) << file.err;
  const auto ref = json_of(read_all(dir + "/f/run.json"));
  ASSERT_TRUE(ref.IsObject());
  for (int i = 0; i < 4; ++i) {  // the race lost data about one run in six
    const std::string out = dir + "/p" + std::to_string(i);
    const CliRun p = bash(dir, "$B -q run <(cat " + world() + ") --out " + out);
    ASSERT_EQ(p.code, 0) << p.err;
    const auto got = json_of(read_all(out + "/run.json"));
    ASSERT_TRUE(got.IsObject());
    EXPECT_EQ(got["counts"]["accounts"].GetUint64(), ref["counts"]["accounts"].GetUint64());
    EXPECT_EQ(std::string(got["input"]["checksum"].GetString()), ref["input"]["checksum"].GetString());
    EXPECT_EQ(got["input"]["bytes"].GetUint64(), ref["input"]["bytes"].GetUint64());
    EXPECT_EQ(read_all(out + "/accounts.csv"), read_all(dir + "/f/accounts.csv"));
  }
}

TEST(Issue17, EndlessDeviceFailsAtOnce) {
  const std::string dir = fresh("zero");
  const auto t0 = std::chrono::steady_clock::now();
  const CliRun z = bash(dir, "timeout 60 $B run /dev/zero --out " + dir + "/z");
  EXPECT_EQ(z.code, 1) << z.err;  // not 124 (timeout)
  EXPECT_NE(z.err.find("/dev/zero: cannot tell the format"), std::string::npos) << z.err;
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(), 30.0);
  EXPECT_FALSE(fs::exists(dir + "/z"));
}

// --- 2. no command writes over or deletes its inputs -----------------------------------

TEST(Issue17, NoCommandOverwritesOrDeletesItsInputs) {
  const std::string dir = fresh("inputs");
  fs::create_directories(dir + "/w");
  const std::string s = dir + "/w/snapshot.ndjson";
  fs::copy_file(world(), s);
  write_all(dir + "/w/truth.json", "{}");
  const std::string before = read_all(s);
  fs::create_symlink(s, dir + "/link.ndjson");
  const std::vector<std::string> cases = {
      "-q run " + s + " --out " + dir + "/o --report " + s,
      "-q detect " + s + " --out " + s,
      "-q run " + s + " --out " + dir + "/w --force",
      "-q run " + s + " --out " + dir + " --force",
      "-q score " + s + " --out " + dir + "/link.ndjson",
      "-q convert " + s + " " + s,
      "-q baseline " + s + " --out " + s,
  };
  for (const auto& c : cases) {
    const CliRun r = run(dir, c);
    EXPECT_EQ(r.code, 2) << c << "\n" << r.err;
    EXPECT_NE(r.err.find("input"), std::string::npos) << c << "\n" << r.err;
    ASSERT_TRUE(fs::exists(s)) << c;
    EXPECT_TRUE(read_all(s) == before) << c;
    EXPECT_TRUE(fs::exists(dir + "/w/truth.json")) << c;
  }
  // A CSV folder converted onto itself, and the files a report reads.
  ASSERT_EQ(run(dir, "-q convert " + s + " " + dir + "/csv/").code, 0);
  EXPECT_EQ(run(dir, "-q convert " + dir + "/csv " + dir + "/csv/").code, 2);
  ASSERT_EQ(run(dir, "-q run " + s + " --out " + dir + "/r").code, 0);
  const std::string accounts = read_all(dir + "/r/accounts.csv");
  EXPECT_EQ(run(dir, "-q report --run " + dir + "/r --out " + dir + "/r/accounts.csv").code, 2);
  EXPECT_TRUE(read_all(dir + "/r/accounts.csv") == accounts);
}

// --- 3. temporaries: random names, never through a symlink (tests/core too) -------------

TEST(Issue17, RunTemporariesAreNotAtPredictableNames) {
  const std::string dir = fresh("tmpnames");
  // A planted symlink at every name the old scheme (NAME.tmp-PID) could use
  // for a few PIDs around ours is never followed: the victim stays intact.
  write_all(dir + "/victim", "precious");
  const pid_t me = ::getpid();
  for (pid_t p = me; p < me + 200; ++p) fs::create_symlink(dir + "/victim", dir + "/o.tmp-" + std::to_string(p));
  ASSERT_EQ(run(dir, "-q run " + world() + " --out " + dir + "/o").code, 0);
  EXPECT_EQ(read_all(dir + "/victim"), "precious");
  EXPECT_TRUE(fs::exists(dir + "/o/accounts.csv"));
}

// --- 5. formula and terminal injection --------------------------------------------------

// The world with six accounts renamed to spreadsheet formulas (and one to a
// negative number) and a proxy whose id holds ESC, BEL and CR.
std::string hostile_world(const std::string& dir) {
  std::istringstream in(read_all(world()));
  std::map<std::string, std::string> rename;
  const std::vector<std::string> names = {"=cmd|' /C calc'!A0", "+1+2", "-5", "@SUM(1)", "'quoted", "\\tTAB"};
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  std::size_t next = 0;
  for (const auto& l : lines) {
    const auto d = json_of(l);
    if (!d.HasMember("kind") || std::string(d["kind"].GetString()) != "node") continue;
    const std::string type = d["type"].GetString(), id = d["id"].GetString();
    if (type == "account" && next < names.size()) rename["\"" + id + "\""] = "\"" + names[next++] + "\"";
    if (type == "proxy" && rename.size() < names.size() + 3) rename["\"" + id + "\""] = "\"" + id + "\\u001b[31m\\u0007\\r\"";
  }
  std::string out;
  for (auto l : lines) {
    for (const auto& [from, to] : rename)
      for (std::size_t p = l.find(from); p != std::string::npos; p = l.find(from, p + to.size())) l.replace(p, from.size(), to);
    out += l + "\n";
  }
  write_all(dir + "/hostile.ndjson", out);
  return dir + "/hostile.ndjson";
}

TEST(Issue17, AnalystTablesAreGuardedAndReadBack) {
  const std::string dir = fresh("formula");
  const std::string h = hostile_world(dir);
  const CliRun r = run(dir, "-q run " + h + " --out " + dir + "/o --threshold 0.05 --export-formats csv,neo4j");
  ASSERT_EQ(r.code, 0) << r.err;
  const std::string csv = read_all(dir + "/o/accounts.csv");
  EXPECT_NE(csv.find("\n'=cmd|' /C calc'!A0,"), std::string::npos);
  EXPECT_NE(csv.find("\n'+1+2,"), std::string::npos);
  EXPECT_NE(csv.find("\n'@SUM(1),"), std::string::npos);
  EXPECT_NE(csv.find("\n''quoted,"), std::string::npos);
  EXPECT_NE(csv.find("\n-5,"), std::string::npos) << "a number is not a formula: left as it is";
  for (const char* bad : {"\n=", "\n+", "\n@", "\n\"=", "\n\"+", "\n\"@"}) EXPECT_EQ(csv.find(bad), std::string::npos) << bad;
  // eval, export --run and report read the ids back exactly.
  std::set<std::string> ids;
  for (const auto& row : hydrascope::load_accounts_csv(dir + "/o/accounts.csv")) ids.insert(row.account_id);
  for (const char* id : {"=cmd|' /C calc'!A0", "+1+2", "-5", "@SUM(1)", "'quoted"}) EXPECT_TRUE(ids.count(id)) << id;
  EXPECT_EQ(run(dir, "-q export " + h + " --run " + dir + "/o --out " + dir + "/e --export-formats json --account '=cmd|'\"'\"' /C calc'\"'\"'!A0'").code, 0);
  EXPECT_EQ(run(dir, "-q report --run " + dir + "/o --out " + dir + "/report.html").code, 0);
  // Data files stay exact (and load back); --csv-guard all guards them, none leaves accounts.csv raw.
  for (const auto& e : fs::directory_iterator(dir + "/o/suspects"))
    if (e.is_directory() && e.path().filename() != "neo4j") {  // neo4j/: one import for all subgraphs, not a snapshot
      EXPECT_EQ(run(dir, "-q inspect " + e.path().string()).code, 0) << e.path();
    }
  ASSERT_EQ(run(dir, "-q run " + h + " --out " + dir + "/n --csv-guard none").code, 0);
  EXPECT_NE(read_all(dir + "/n/accounts.csv").find("\n=cmd|' /C calc'!A0,"), std::string::npos);
  ASSERT_EQ(run(dir, "-q convert " + h + " " + dir + "/g/ --csv-guard all").code, 0);
  const std::string nodes = read_all(dir + "/g/nodes.csv");
  EXPECT_NE(nodes.find("\n'=cmd|' /C calc'!A0,account"), std::string::npos);
  EXPECT_NE(nodes.find("\n-5,account"), std::string::npos);
  ASSERT_EQ(run(dir, "-q convert " + h + " " + dir + "/x/").code, 0);
  EXPECT_NE(read_all(dir + "/x/nodes.csv").find("\n=cmd|' /C calc'!A0,account"), std::string::npos);
}

TEST(Issue17, TerminalNeverGetsControlCharactersFromInput) {
  EXPECT_EQ(hydrascope::cli::terminal_text("px:1\x1b[31m\x07\rX\n"), "px:1\\x1b[31m\\x07\\x0dX\n");
  EXPECT_EQ(hydrascope::cli::terminal_text("a\xc2\x9b" "31m"), "a\\u009b31m");  // C1 CSI
  EXPECT_EQ(hydrascope::cli::one_line("a\nb\x1b"), "a\\nb\\x1b");
  // eval prints cluster ids from truth.json: escaped too.
  const std::string dir = fresh("terminal");
  ASSERT_EQ(run(dir, "-q run " + world() + " --out " + dir + "/o").code, 0);
  write_all(dir + "/truth.json",
            "{\"format\":\"hydrascope.truth\",\"version\":1,\"clusters\":[{\"id\":\"h\\u001b[2J\\u0007\",\"kind\":\"hydra\","
            "\"accounts\":[\"nobody\"]}]}");
  const CliRun e = run(dir, "eval --truth " + dir + "/truth.json --accounts-csv " + dir + "/o/accounts.csv");
  ASSERT_EQ(e.code, 0) << e.err;
  for (char c : {'\x1b', '\x07', '\r'}) {
    EXPECT_EQ(e.out.find(c), std::string::npos);
    EXPECT_EQ(e.err.find(c), std::string::npos);
  }
  EXPECT_NE(e.out.find("h\\x1b[2J\\x07"), std::string::npos) << e.out;
}

// --- 6. memory: activity counted, stopped while loading, bombs refused -------------------

TEST(Issue17, ActivityCountsInTheEstimateAndTheLoadStopsAtTheLimit) {
  const std::string dir = fresh("memory");
  // 40 accounts with 200,000 activity buckets each: 8 M values, a small gzip file.
  {
    std::string text = "{\"format\":\"hydrascope.snapshot\",\"version\":1,\"snapshot\":{\"activity\":{\"bucket_seconds\":60,\"buckets\":200000}}}\n";
    std::string act = "[1";
    for (int i = 1; i < 200000; ++i) act += ",1";
    act += "]";
    for (int i = 0; i < 40; ++i)
      text += "{\"kind\":\"node\",\"id\":\"a:" + std::to_string(i) + "\",\"type\":\"account\",\"activity\":" + act + "}\n";
    write_all(dir + "/act.ndjson", text);
  }
  const CliRun e = run(dir, "-q run " + dir + "/act.ndjson --out " + dir + "/o --estimate");
  ASSERT_EQ(e.code, 0) << e.err;
  const auto est = json_of(e.out);
  ASSERT_TRUE(est.IsObject()) << e.out;
  EXPECT_GT(est["estimated_peak_bytes"].GetUint64(), 40u * 200000u * 8u) << "activity values must count";
  const CliRun refused = run(dir, "-q run " + dir + "/act.ndjson --out " + dir + "/o --max-memory 60M");
  EXPECT_EQ(refused.code, 4) << refused.err;
  // Through a pipe nothing can be counted ahead: the load itself stops.
  const CliRun piped = bash(dir, "$B -q run <(cat " + dir + "/act.ndjson) --out " + dir + "/p --max-memory 60M");
  EXPECT_EQ(piped.code, 4) << piped.err;
  EXPECT_NE(piped.err.find("the load stopped here"), std::string::npos) << piped.err;
  EXPECT_FALSE(fs::exists(dir + "/p"));
}

TEST(Issue17, GzipBombOfWhitespaceAndMaxInputBytesAreRefusedQuickly) {
  const std::string dir = fresh("bomb");
  // 200 MiB of blanks, gzip-compressed to about 200 KB.
  ASSERT_EQ(bash(dir, "{ echo '{\"format\":\"hydrascope.snapshot\",\"version\":1}'; head -c 209715200 /dev/zero | tr '\\0' ' '; } | gzip -1 > " +
                          dir + "/bomb.ndjson.gz").code, 0);
  const auto t0 = std::chrono::steady_clock::now();
  const CliRun b = run(dir, "-q run " + dir + "/bomb.ndjson.gz --out " + dir + "/o");
  EXPECT_EQ(b.code, 1) << b.err;
  EXPECT_NE(b.err.find("MiB of whitespace in a row"), std::string::npos) << b.err;
  const CliRun est = run(dir, "-q run " + dir + "/bomb.ndjson.gz --out " + dir + "/o --max-memory 1G");
  EXPECT_EQ(est.code, 1) << est.err;
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(), 60.0);
  const CliRun cap = run(dir, "-q run " + world() + " --out " + dir + "/o --max-input-bytes 100K");
  EXPECT_EQ(cap.code, 1) << cap.err;
  EXPECT_NE(cap.err.find("--max-input-bytes"), std::string::npos) << cap.err;
}

// --- 7. thread creation failing -------------------------------------------------------------

TEST(Issue17, ThreadCreationFailureDoesNotHang) {
#if defined(HYDRASCOPE_SANITIZED)
  GTEST_SKIP() << "ASan reserves terabytes of address space: ulimit -v cannot be used";
#else
  const std::string dir = fresh("threads");
  // 1 GB of address space: a few hundred 8 MB thread stacks at most.
  const CliRun r = bash(dir, "ulimit -v 1000000; timeout 120 $B -q inspect " + world() + " --threads 1000 --json");
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(json_of(r.out).IsObject());
  EXPECT_EQ(run(dir, "-q inspect " + world() + " --threads 5000").code, 2);
#endif
}

// --- 8. sums that overflow ---------------------------------------------------------------------

TEST(Issue17, WeightSumsStayFiniteAndJsonValid) {
  const std::string dir = fresh("overflow");
  write_all(dir + "/near.ndjson",
            "{\"format\":\"hydrascope.snapshot\",\"version\":1}\n{\"kind\":\"node\",\"id\":\"a\",\"type\":\"account\"}\n"
            "{\"kind\":\"node\",\"id\":\"b\",\"type\":\"ip\"}\n{\"kind\":\"node\",\"id\":\"c\",\"type\":\"ip\"}\n"
            "{\"kind\":\"edge\",\"src\":\"a\",\"dst\":\"b\",\"type\":\"t\",\"weight\":4e99}\n"
            "{\"kind\":\"edge\",\"src\":\"a\",\"dst\":\"c\",\"type\":\"t\",\"weight\":5e99}\n");
  const CliRun i = run(dir, "-q inspect " + dir + "/near.ndjson --json");
  ASSERT_EQ(i.code, 0) << i.err;
  const auto d = json_of(i.out);
  ASSERT_FALSE(d.HasParseError()) << i.out;
  EXPECT_DOUBLE_EQ(d["edge_types"][0]["weight_sum"].GetDouble(), 9e99);
  const CliRun det = run(dir, "-q detect " + dir + "/near.ndjson --out " + dir + "/c.csv --json");
  ASSERT_EQ(det.code, 0) << det.err;
  const auto dd = json_of(det.out);
  ASSERT_FALSE(dd.HasParseError()) << det.out;
  EXPECT_TRUE(dd["quality"].IsNumber()) << det.out;
  EXPECT_EQ(det.out.find("nan"), std::string::npos) << det.out;
  EXPECT_EQ(run(dir, "-q detect " + std::string(HYDRASCOPE_TEST_FIXTURES) + "/bad/weight_1e308.edges --out " + dir + "/x.csv --json").code, 1);
  EXPECT_EQ(run(dir, "-q detect " + dir + "/near.ndjson --out " + dir + "/c.csv --type-weight t=1e300").code, 2);
}

// --- 9. integers stay integers --------------------------------------------------------------------

TEST(Issue17, SeedsAreRecordedExactlyAndNegativesRefused) {
  const std::string dir = fresh("seed");
  for (const char* seed : {"9007199254740993", "9007199254740992", "18446744073709551615"}) {
    const std::string out = dir + "/o" + seed;
    ASSERT_EQ(run(dir, "-q run " + world() + " --out " + out + " --seed " + seed).code, 0);
    const auto d = json_of(read_all(out + "/run.json"));
    ASSERT_TRUE(d["options"]["seed"].IsUint64());
    EXPECT_EQ(std::to_string(d["options"]["seed"].GetUint64()), seed);
    EXPECT_NE(read_all(out + "/run.json").find(std::string("\"seed\":") + seed + ","), std::string::npos);
  }
  const std::string w = world(), o = dir + "/neg";
  for (const std::string& a : {"run " + w + " --out " + o + " --seed -5", "detect " + w + " --out " + o + " --seed -1",
                               "generate --accounts 1000 --seed -2 --out " + o, "generate --accounts -1000 --seed 2 --out " + o,
                               "run " + w + " --out " + o + " --degree-cap -1"}) {
    const CliRun r = run(dir, "-q " + a);
    EXPECT_EQ(r.code, 2) << a << "\n" << r.err;
  }
  // CSV: an integer past 64 bits stays text, digit for digit.
  fs::create_directories(dir + "/csv");
  write_all(dir + "/csv/nodes.csv", "id,type,big,neg\na:1,account,18446744073709551615,-5\n");
  write_all(dir + "/csv/edges.csv", "src,dst,type\n");
  ASSERT_EQ(run(dir, "-q convert " + dir + "/csv " + dir + "/c.ndjson").code, 0);
  EXPECT_NE(read_all(dir + "/c.ndjson").find("\"big\":\"18446744073709551615\",\"neg\":-5"), std::string::npos)
      << read_all(dir + "/c.ndjson");
}

// --- 10. what is accepted reads back the same ----------------------------------------------------

TEST(Issue17, AcceptedInputReadsBackTheSame) {
  const std::string dir = fresh("roundtrip");
  // Control characters and line breaks in ids: CSV and back.
  write_all(dir + "/ids.ndjson",
            "{\"format\":\"hydrascope.snapshot\",\"version\":1,\"snapshot\":{\"activity\":{\"bucket_seconds\":3600,\"buckets\":2}}}\n"
            "{\"kind\":\"node\",\"id\":\"a:esc\\u001bx\",\"type\":\"account\",\"activity\":[1,2]}\n"
            "{\"kind\":\"node\",\"id\":\"a:nl\\nx\",\"type\":\"account\"}\n"
            "{\"kind\":\"node\",\"id\":\"a:cr\\r\\\"q,\",\"type\":\"account\"}\n"
            "{\"kind\":\"node\",\"id\":\"ip:1\",\"type\":\"ip\"}\n"
            "{\"kind\":\"edge\",\"src\":\"a:esc\\u001bx\",\"dst\":\"ip:1\",\"type\":\"uses_ip\"}\n"
            "{\"kind\":\"edge\",\"src\":\"a:nl\\nx\",\"dst\":\"ip:1\",\"type\":\"uses_ip\"}\n");
  ASSERT_EQ(run(dir, "-q convert " + dir + "/ids.ndjson " + dir + "/csv/").code, 0);
  ASSERT_EQ(run(dir, "-q convert " + dir + "/csv " + dir + "/back.ndjson").code, 0);
  const hydrascope::Snapshot a = hydrascope::load_snapshot(dir + "/ids.ndjson");
  const hydrascope::Snapshot b = hydrascope::load_snapshot(dir + "/back.ndjson");
  ASSERT_EQ(a.num_nodes(), b.num_nodes());
  for (hydrascope::NodeId v = 0; v < a.num_nodes(); ++v) EXPECT_EQ(a.node_id(v), b.node_id(v));
  // An activity header without start: written without it, and read back equal.
  ASSERT_EQ(run(dir, "-q convert " + dir + "/ids.ndjson " + dir + "/ids.json").code, 0);
  EXPECT_TRUE(hydrascope::load_snapshot(dir + "/ids.json") == a);
  const CliRun i = run(dir, "-q inspect " + dir + "/ids.ndjson");
  EXPECT_NE(i.out.find("start unknown"), std::string::npos) << i.out;
  EXPECT_EQ(i.out.find("-290308"), std::string::npos) << i.out;
  // eval on a run's own accounts.csv whose ids hold quoted line breaks.
  ASSERT_EQ(run(dir, "-q run " + dir + "/ids.ndjson --out " + dir + "/o").code, 0);
  write_all(dir + "/truth.json", "{\"format\":\"hydrascope.truth\",\"version\":1,\"clusters\":[{\"id\":\"h\",\"kind\":\"hydra\","
                                 "\"accounts\":[\"a:nl\\nx\",\"a:cr\\r\\\"q,\"]}]}");
  const CliRun e = run(dir, "eval --truth " + dir + "/truth.json --accounts-csv " + dir + "/o/accounts.csv --json");
  ASSERT_EQ(e.code, 0) << e.err;
  EXPECT_EQ(e.err.find("missing"), std::string::npos) << e.err;
  // --config naming a folder or a device is refused, not ignored.
  fs::create_directories(dir + "/cfg");
  EXPECT_EQ(run(dir, "-q run " + world() + " --out " + dir + "/c --config " + dir + "/cfg").code, 2);
  EXPECT_EQ(run(dir, "-q run " + world() + " --out " + dir + "/c --config /dev/zero").code, 2);
  EXPECT_FALSE(fs::exists(dir + "/c"));
}

// --- 11. the --out lock ----------------------------------------------------------------------------

TEST(Issue17, SecondWriterOfTheSameOutIsRefused) {
  const std::string dir = fresh("lock");
  // Another process holds the lock (as a running hydrascope does).
  const int fd = ::open((dir + "/o.lock").c_str(), O_RDWR | O_CREAT, 0644);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::flock(fd, LOCK_EX | LOCK_NB), 0);
  ASSERT_EQ(::write(fd, "4242\n", 5), 5);
  for (const std::string& cmd : {"-q run " + world() + " --out " + dir + "/o",
                                 "-q generate --accounts 1000 --seed 1 --out " + dir + "/o",
                                 "-q export " + world() + " --around a:x --out " + dir + "/o --export-formats json"}) {
    const CliRun r = run(dir, cmd);
    EXPECT_EQ(r.code, 2) << cmd << "\n" << r.err;
    EXPECT_NE(r.err.find("being written by another hydrascope process (pid 4242"), std::string::npos) << r.err;
  }
  EXPECT_FALSE(fs::exists(dir + "/o"));
  ::close(fd);  // released: the next run takes the lock over and removes the file
  ASSERT_EQ(run(dir, "-q run " + world() + " --out " + dir + "/o").code, 0);
  EXPECT_FALSE(fs::exists(dir + "/o.lock"));
  // Two real runs at once into one new folder: exactly one succeeds.
  const CliRun both = bash(dir, "$B -q run " + world() + " --out " + dir + "/two >/dev/null & $B -q run " + world() +
                                    " --out " + dir + "/two >/dev/null; a=$?; wait $!; b=$?; echo $a $b");
  const std::string codes = both.out;
  EXPECT_TRUE(codes == "0 2\n" || codes == "2 0\n") << codes << both.err;
}

}  // namespace
