// `hydrascope inspect` and `hydrascope convert` end to end through the binary:
// exit codes (0 ok, 1 bad input, 2 bad usage), results on stdout only, no
// output file (or temporary) left behind on error, and conversions that reload equal.
#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "cli/cli_run.hpp"
#include "hydrascope/io.hpp"
#include "io_write/write_util.hpp"

namespace hydrascope {
namespace {

using testing::fresh_dir;
using testing::hostile_snapshot;
using testing::list_dir;
using testing::read_all;
using testing::CliRun;

// Runs `hydrascope ARGS` with stdout and stderr captured to files in `dir`.
using testing::run;

// A fresh folder holding the hostile snapshot as s.ndjson.
std::string with_snapshot(const std::string& name) {
  const std::string dir = fresh_dir("cli_" + name);
  write_snapshot(hostile_snapshot(), dir + "/s.ndjson", {SnapshotFormat::Ndjson});
  return dir;
}

TEST(InspectCli, TextTableOnStdoutOnly) {
  const std::string dir = with_snapshot("inspect_text");
  const CliRun r = run(dir, "inspect " + dir + "/s.ndjson --hubs 1");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(r.err.empty()) << r.err;  // stderr is not a terminal: no progress
  EXPECT_NE(r.out.find("\nnodes       7\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\nedges       6\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("labels      banned 1, suspect 1, trusted 1, unknown 0\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("components  1; giant 7 nodes (100.00%); 0 isolated nodes\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("node type       count  isolated  mean deg  median  p99  max\n"
                       "account             3         0      1.67       2    2    2\n"
                       "ip                  1         0      3.00       3    3    3\n"),
            std::string::npos)
      << r.out;
  // Control characters of ids are shown escaped; hubs list one per type.
  EXPECT_NE(r.out.find("ip              ip:203.0.113.7       3\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("snap \"quoted\" \\ back\\nslash, taken 2026-02-20T00:00:00.25Z"), std::string::npos) << r.out;
}

TEST(InspectCli, JsonParsesAndHasTheStats) {
  const std::string dir = with_snapshot("inspect_json");
  const CliRun r = run(dir, "--quiet inspect " + dir + "/s.ndjson --json --hubs 3 --threads 2");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(r.err.empty());
  rapidjson::Document d;
  d.Parse(r.out.c_str(), r.out.size());
  ASSERT_FALSE(d.HasParseError()) << r.out;
  ASSERT_TRUE(d.IsObject());
  EXPECT_EQ(std::string(d["format"].GetString()), "hydrascope.inspect");
  EXPECT_EQ(d["nodes"].GetUint64(), 7u);
  EXPECT_EQ(d["edges"].GetUint64(), 6u);
  EXPECT_GT(d["memory_bytes"].GetUint64(), 0u);
  EXPECT_EQ(std::string(d["input"]["format"].GetString()), "ndjson");
  EXPECT_EQ(d["components"]["count"].GetUint64(), 1u);
  EXPECT_EQ(d["labels"]["banned"].GetUint64(), 1u);
  EXPECT_EQ(d["activity"]["buckets"].GetUint(), 6u);
  EXPECT_EQ(std::string(d["activity"]["end"].GetString()), "2026-02-13T06:00:00Z");
  const auto& types = d["node_types"];
  ASSERT_EQ(types.Size(), 5u);
  EXPECT_EQ(std::string(types[0]["type"].GetString()), "account");
  EXPECT_EQ(types[0]["hubs"].Size(), 3u);
  EXPECT_EQ(types[0]["degree"]["max"].GetUint64(), 2u);
  // The hostile id comes back exactly through JSON escaping.
  EXPECT_EQ(std::string(types[0]["hubs"][2]["id"].GetString(), types[0]["hubs"][2]["id"].GetStringLength()),
            "a:\"1\"\\\n\t\x01 é€😀");
}

TEST(InspectCli, ErrorsExitWithTheRightCode) {
  const std::string dir = fresh_dir("cli_inspect_err");
  CliRun r = run(dir, "inspect " + dir + "/missing.json");
  EXPECT_EQ(r.code, 1);
  EXPECT_TRUE(r.out.empty());
  EXPECT_NE(r.err.find("missing.json"), std::string::npos) << r.err;
  std::ofstream(dir + "/bad.json") << "{\"format\":\"hydrascope.snapshot\",\"version\":1,\"nodes\":[{\"id\":\"a\"}]}";
  r = run(dir, "inspect " + dir + "/bad.json");
  EXPECT_EQ(r.code, 1);
  EXPECT_TRUE(r.out.empty());
  EXPECT_NE(r.err.find("bad.json"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("type"), std::string::npos) << r.err;
  EXPECT_EQ(run(dir, "inspect " + dir + "/bad.json --hubs -1").code, 2);
  EXPECT_EQ(run(dir, "inspect").code, 2);
  EXPECT_EQ(run(dir, "inspect a b").code, 2);
  EXPECT_EQ(run(dir, "").code, 2);
  r = run(dir, "--version");
  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.out, std::string(version()) + "\n");
}

TEST(ConvertCli, EveryFormatReloadsEqual) {
  const std::string dir = with_snapshot("convert_all");
  const Snapshot original = hostile_snapshot();
  const Snapshot csv_safe = hostile_snapshot(true);
  for (const std::string out : {"s.json", "s.json.gz", "s.jsonl", "s.ndjson.gz", "pretty.json"}) {
    const CliRun r = run(dir, "-q convert " + dir + "/s.ndjson " + dir + "/" + out + (out == "pretty.json" ? " --pretty" : ""));
    ASSERT_EQ(r.code, 0) << out << ": " << r.err;
    EXPECT_TRUE(r.out.empty());
    EXPECT_TRUE(load_snapshot(dir + "/" + out) == original) << out;
  }
  EXPECT_NE(read_all(dir + "/pretty.json").find("\n    {\"id\": "), std::string::npos);
  // CSV: a folder, and edges.csv.gz naming one; the header and the activity
  // travel in snapshot.csv and activity.csv, so nothing is dropped or warned about.
  CliRun r = run(dir, "convert " + dir + "/s.json " + dir + "/csv");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.err.find("warning"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("wrote " + dir + "/csv (csv)"), std::string::npos) << r.err;
  EXPECT_TRUE(load_snapshot(dir + "/csv") == csv_safe);
  EXPECT_TRUE(load_snapshot(dir + "/csv").meta().activity.present());
  r = run(dir, "-q convert " + dir + "/csv " + dir + "/csvgz/edges.csv.gz");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(list_dir(dir + "/csvgz"),
            (std::vector<std::string>{"activity.csv.gz", "edges.csv.gz", "nodes.csv.gz", "snapshot.csv.gz"}));
  EXPECT_TRUE(load_snapshot(dir + "/csvgz") == csv_safe);
  // --output-format and --gzip override the name.
  r = run(dir, "-q convert " + dir + "/s.json " + dir + "/forced.out --output-format ndjson --gzip");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(read_all(dir + "/forced.out").substr(0, 2), "\x1f\x8b");
  LoadOptions lo;
  lo.format = SnapshotFormat::Ndjson;
  EXPECT_TRUE(load_snapshot(dir + "/forced.out", lo) == original);
}

TEST(ConvertCli, EdgeListBecomesASnapshot) {
  const std::string dir = fresh_dir("cli_convert_edges");
  std::ofstream(dir + "/g.txt") << "# comment\n1 2\n2 3 2.5\n";
  const CliRun r = run(dir, "-q convert " + dir + "/g.txt " + dir + "/g.json");
  ASSERT_EQ(r.code, 0) << r.err;
  const Snapshot s = load_snapshot(dir + "/g.json");
  EXPECT_EQ(s.num_nodes(), 3u);
  EXPECT_EQ(s.num_edges(), 2u);
}

TEST(ConvertCli, ErrorsLeaveNoOutput) {
  const std::string dir = with_snapshot("convert_err");
  // Unknown output extension: usage error before reading.
  CliRun r = run(dir, "convert " + dir + "/s.ndjson " + dir + "/out.txt");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("out.txt"), std::string::npos) << r.err;
  EXPECT_EQ(run(dir, "convert " + dir + "/s.ndjson " + dir + "/o.ndjson --pretty").code, 2);
  EXPECT_EQ(run(dir, "convert " + dir + "/s.ndjson " + dir + "/o.json --output-format xml").code, 2);
  EXPECT_EQ(run(dir, "convert " + dir + "/s.ndjson").code, 2);
  // Bad input: exit 1 naming the file and line; nothing written.
  std::ofstream(dir + "/bad.ndjson") << "{\"format\":\"hydrascope.snapshot\",\"version\":1}\n"
                                     << "{\"kind\":\"node\",\"id\":\"a\",\"type\":\"account\"}\n"
                                     << "{\"kind\":\"edge\",\"src\":\"a\",\"dst\":\"a\",\"type\":\"x\"}\n";
  r = run(dir, "convert " + dir + "/bad.ndjson " + dir + "/o.json");
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("bad.ndjson:3"), std::string::npos) << r.err;
  r = run(dir, "convert " + dir + "/missing.json " + dir + "/o.json");
  EXPECT_EQ(r.code, 1);
  // Unwritable output: exit 1, message names it.
  r = run(dir, "convert " + dir + "/s.ndjson " + dir + "/no/such/dir/o.json");
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("no/such/dir/o.json"), std::string::npos) << r.err;
  EXPECT_EQ(list_dir(dir), (std::vector<std::string>{"bad.ndjson", "s.ndjson"}));
}

// A mistyped command or long option is a usage error (exit 2) that names
// what was probably meant; a word far from every name gets no guess.
TEST(Cli, TyposGetASuggestion) {
  const std::string dir = with_snapshot("typo");
  CliRun r = run(dir, "rnu " + dir + "/s.ndjson");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("unknown command 'rnu'; did you mean 'run'?"), std::string::npos) << r.err;
  r = run(dir, "--quiet inspcet " + dir + "/s.ndjson");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("did you mean 'inspect'?"), std::string::npos) << r.err;
  r = run(dir, "inspect " + dir + "/s.ndjson --jsno");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("unknown option '--jsno' for inspect; did you mean '--json'?"), std::string::npos) << r.err;
  r = run(dir, "run " + dir + "/s.ndjson --out " + dir + "/o --dampnig 0.5");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("did you mean '--damping'?"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(dir + "/o"));
  // The unknown option is named even when CLI11 first saw a missing one.
  r = run(dir, "run " + dir + "/s.ndjson --verbsoe");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("unknown option '--verbsoe' for run; did you mean '--verbose'?"), std::string::npos) << r.err;
  r = run(dir, "zzzzzz " + dir + "/s.ndjson");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("unknown command 'zzzzzz'"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("did you mean"), std::string::npos) << r.err;
  r = run(dir, "");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("A subcommand is required"), std::string::npos) << r.err;
}

// --damping changes the analysis graph of run and is recorded in run.json;
// a bad name is a usage error that leaves no output folder.
TEST(RunCli, DampingIsAppliedRecordedAndChecked) {
  const std::string dir = with_snapshot("run_damping");
  CliRun r = run(dir, "-q run " + dir + "/s.ndjson --out " + dir + "/deg --damping degree");
  ASSERT_EQ(r.code, 0) << r.err;
  const std::string run_json = read_all(dir + "/deg/run.json");
  EXPECT_NE(run_json.find("\"damping\""), std::string::npos) << run_json;
  EXPECT_NE(run_json.find("\"degree\""), std::string::npos) << run_json;
  r = run(dir, "-q run " + dir + "/s.ndjson --out " + dir + "/bad --damping cubic");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("--damping"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("cubic"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(dir + "/bad"));
}

// inspect's output without the lines of measurements (the load's time and
// rate, peak memory), which change from run to run.
std::string without_timing(const std::string& text) {
  std::istringstream in(text);
  std::string out, line;
  while (std::getline(in, line))
    if (!line.starts_with("input ") && line.find("\"load_seconds\"") == std::string::npos &&
        line.find("\"peak_rss_bytes\"") == std::string::npos)
      out += line + "\n";
  return out;
}

// Occurrences of `needle` in `text`.
std::size_t count_of(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (std::size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

// One name per concept (docs/cli.md): each old spelling does what the new
// name does, with one warning line on stderr (-q keeps it); both at once is
// a usage error.
TEST(Cli, OldSpellingsWorkWithOneWarning) {
  const std::string dir = with_snapshot("aliases");
  const std::string s = dir + "/s.ndjson";
  struct Case {
    std::string command, now, before, warning;
  };
  const std::vector<Case> cases = {
      {"inspect " + s, "--hubs 1", "--top 1", "--top for inspect is now --hubs"},
      {"score " + s + " --out " + dir + "/OUT", "--alpha 0.5", "--damping 0.5", "--damping for score is now --alpha"},
      {"score " + s + " --out " + dir + "/OUT", "--pagerank-iterations 500", "--max-iterations 500",
       "--max-iterations for score is now --pagerank-iterations"},
      {"convert " + s + " " + dir + "/OUT", "--output-format json", "--format json", "--format for convert is now --output-format"},
      {"run " + s + " --out " + dir + "/OUT", "--show 1", "--top 1", "--top for run is now --show"},
      {"run " + s + " --out " + dir + "/OUT", "--export-formats graphml", "--export graphml",
       "--export for run is now --export-formats"},
      {"export " + s + " --around a:3 --out " + dir + "/OUT", "--export-formats graphml", "--format graphml",
       "--format for export is now --export-formats"},
      {"features " + s + " --out " + dir + "/OUT", "--refine none", "--no-refine", "--no-refine for features is now --refine none"},
  };
  int i = 0;
  for (const Case& c : cases) {
    const std::string a = "new" + std::to_string(i), b = "old" + std::to_string(i);
    ++i;
    auto with = [&](const std::string& command, const std::string& out) {
      std::string r = command;
      const auto at = r.find("OUT");
      if (at != std::string::npos) r.replace(at, 3, out);
      return r;
    };
    const CliRun now = run(dir, "-q " + with(c.command, a) + " " + c.now);
    const CliRun before = run(dir, "-q " + with(c.command, b) + " " + c.before);
    ASSERT_EQ(now.code, 0) << c.now << ": " << now.err;
    ASSERT_EQ(before.code, 0) << c.before << ": " << before.err;
    EXPECT_EQ(now.err.find("warning"), std::string::npos) << now.err;
    EXPECT_EQ(count_of(before.err, "hydrascope: warning: " + c.warning + "\n"), 1u) << before.err;
    if (c.command.starts_with("inspect")) {
      EXPECT_EQ(without_timing(now.out), without_timing(before.out));
    }
    for (const std::string f : {"", "/accounts.csv", "/communities.json"}) {
      if (std::filesystem::is_regular_file(dir + "/" + a + f)) {
        EXPECT_EQ(read_all(dir + "/" + a + f), read_all(dir + "/" + b + f)) << c.now << f;
      }
    }
  }
  // eval --accounts, on a run's accounts.csv.
  std::ofstream(dir + "/truth.json") << "{\"format\":\"hydrascope.truth\",\"version\":1,\"clusters\":[]}";
  const CliRun now = run(dir, "eval --truth " + dir + "/truth.json --accounts-csv " + dir + "/new4/accounts.csv --json");
  const CliRun before = run(dir, "eval --truth " + dir + "/truth.json --accounts " + dir + "/new4/accounts.csv --json");
  ASSERT_EQ(now.code, 0) << now.err;
  ASSERT_EQ(before.code, 0) << before.err;
  EXPECT_EQ(now.out, before.out);
  EXPECT_NE(before.err.find("warning: --accounts for eval is now --accounts-csv"), std::string::npos) << before.err;
  // Both spellings at once: exit 2, nothing written.
  const CliRun both = run(dir, "score " + s + " --out " + dir + "/both.csv --alpha 0.5 --damping 0.5");
  EXPECT_EQ(both.code, 2);
  EXPECT_NE(both.err.find("give --alpha or its old spelling --damping, not both"), std::string::npos) << both.err;
  EXPECT_FALSE(std::filesystem::exists(dir + "/both.csv"));
  // The old names are not in --help; the new ones are.
  const CliRun help = run(dir, "score --help");
  EXPECT_NE(help.out.find("--alpha"), std::string::npos);
  EXPECT_EQ(help.out.find("--damping"), std::string::npos) << help.out;
}

// --config FILE on any command: CLI11's TOML/INI reader, the command line
// wins, [COMMAND] sections, other commands' sections skipped.
TEST(Cli, ConfigFileForEveryCommand) {
  const std::string dir = with_snapshot("config");
  const std::string s = dir + "/s.ndjson";
  auto config = [&](const std::string& name, const std::string& text) {
    std::ofstream(dir + "/" + name) << text;
    return dir + "/" + name;
  };
  const CliRun plain = run(dir, "inspect " + s + " --hubs 1 --json");
  ASSERT_EQ(plain.code, 0) << plain.err;
  CliRun r = run(dir, "inspect " + s + " --config " + config("a.toml", "# inspect\nhubs = 1\njson = true\n"));
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(without_timing(r.out), without_timing(plain.out));
  EXPECT_TRUE(r.err.empty()) << r.err;
  // The command line wins over the file.
  r = run(dir, "inspect " + s + " --hubs 1 --config " + config("b.toml", "hubs = 3\njson = true\n"));
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(without_timing(r.out), without_timing(plain.out));
  // One file for several commands: its own section applies, the others' are skipped.
  const std::string shared = config("shared.ini", "[run]\nthreshold = 0.5\n[inspect]   # this command\nhubs = 1\njson = true\n[score]\nalpha = 0.5\n");
  r = run(dir, "inspect " + s + " --config " + shared);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(without_timing(r.out), without_timing(plain.out));
  ASSERT_EQ(run(dir, "-q score " + s + " --out " + dir + "/a.csv --alpha 0.5").code, 0);
  r = run(dir, "-q score " + s + " --out " + dir + "/b.csv --config " + shared);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(read_all(dir + "/a.csv"), read_all(dir + "/b.csv"));
  // Lists, both ways, and a flag; an old spelling in a file warns too.
  ASSERT_EQ(run(dir, "-q convert " + s + " " + dir + "/c1 --output-format csv").code, 0);
  r = run(dir, "-q convert " + s + " " + dir + "/c2 --config " + config("c.toml", "format = \"csv\"\n"));
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.err.find("warning: --format for convert is now --output-format"), std::string::npos) << r.err;
  EXPECT_EQ(read_all(dir + "/c1/nodes.csv"), read_all(dir + "/c2/nodes.csv"));
  ASSERT_EQ(run(dir, "-q run " + s + " --out " + dir + "/r1 --export-formats graphml,csv --no-detrend").code, 0);
  r = run(dir, "-q run " + s + " --out " + dir + "/r2 --config " +
                   config("r.toml", "export_formats = [\"graphml\", \"csv\"]\nno-detrend = true\n"));
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(read_all(dir + "/r1/run.json"), read_all(dir + "/r2/run.json"));
  EXPECT_EQ(list_dir(dir + "/r1/suspects"), list_dir(dir + "/r2/suspects"));
}

// A bad config file: a usage error (exit 2) naming file, line and key;
// nothing written.
TEST(Cli, BadConfigFileIsALocatedUsageError) {
  const std::string dir = with_snapshot("config_bad");
  const std::string s = dir + "/s.ndjson";
  struct Case {
    std::string text, message;
  };
  const std::vector<Case> cases = {
      {"# ok\nthreshold = 0.5\ntreshold = 0.9\n", "bad.toml:3: unknown key 'treshold' for run; did you mean 'threshold'?"},
      {"threshold = high\n", "bad.toml:1: key 'threshold': "},
      {"\n\nno-detrend = maybe\n", "bad.toml:3: key 'no-detrend': expected true or false, got 'maybe'"},
      {"[run]\nseed = 1\n[nosuch]\nx = 1\n", "bad.toml:4: key 'nosuch.x': unknown section [nosuch]"},
      {"snapshot = other.ndjson\n", "bad.toml:1: key 'snapshot' cannot be set in a config file"},
      {"seed = -5\n", "bad.toml:1: key 'seed': "},
      {"algo = leiden\nalgo2 = x\n", "bad.toml:2: unknown key 'algo2' for run"},
  };
  for (const Case& c : cases) {
    std::ofstream(dir + "/bad.toml") << c.text;
    const CliRun r = run(dir, "run " + s + " --out " + dir + "/o --config " + dir + "/bad.toml");
    EXPECT_EQ(r.code, 2) << c.text << r.err;
    EXPECT_NE(r.err.find(c.message), std::string::npos) << c.text << r.err;
    EXPECT_EQ(count_of(r.err, "\n"), 1u) << r.err;
    EXPECT_FALSE(std::filesystem::exists(dir + "/o")) << c.text;
  }
  // Unreadable: missing, a folder.
  CliRun r = run(dir, "inspect " + s + " --config " + dir + "/nosuch.toml");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("nosuch.toml: cannot read"), std::string::npos) << r.err;
  r = run(dir, "inspect " + s + " --config " + dir);
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("is a folder"), std::string::npos) << r.err;
  // Another command's key at the top level is unknown to this one.
  std::ofstream(dir + "/other.toml") << "threshold = 0.5\n";
  r = run(dir, "inspect " + s + " --config " + dir + "/other.toml");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("other.toml:1: unknown key 'threshold' for inspect"), std::string::npos) << r.err;
}

// Every option of run that changes a file of the run folder is recorded in
// run.json: each changed alone shows up there.
TEST(RunCli, EveryOptionThatChangesAnOutputIsInRunJson) {
  const std::string dir = with_snapshot("run_json");
  const std::string s = dir + "/s.ndjson";
  ASSERT_EQ(run(dir, "-q run " + s + " --out " + dir + "/base").code, 0);
  const std::string base = read_all(dir + "/base/run.json");
  const std::vector<std::pair<std::string, std::vector<std::string>>> cases = {
      {"--seed 5", {"\"seed\":5"}},
      {"--threads 1", {"\"threads\":1"}},
      {"--algo louvain", {"\"algorithm\":\"louvain\""}},
      {"--resolution 0.5", {"\"resolution\":0.5"}},
      {"--degree-cap 7", {"\"degree_cap\":7"}},
      {"--damping sqrt", {"\"damping\":\"sqrt\""}},
      {"--type-weighting spread", {"\"type_weighting\":\"spread\""}},
      {"--type-weighting uniform", {"\"type_weighting\":\"uniform\""}},
      {"--refine none", {"\"refine\":\"none\""}},
      {"--refine-off split_separated", {"\"refine\":\"none\""}},
      {"--no-detrend", {"\"detrend\":false"}},
      {"--threshold 0.5", {"\"threshold\":0.5"}},
      {"--min-flagged 3", {"\"min_flagged\":3"}},
      {"--min-flagged-share 0.5", {"\"min_flagged_share\":0.5"}},
      {"--min-accounts 4", {"\"min_accounts\":4"}},
      {"--no-calibrate", {"\"calibrate\":false"}},
      {"--max-suspects 1", {"\"max_suspects\":1"}},
      {"--export-formats graphml,gexf13,dot,csv,neo4j",
       {"\"graphml\":true", "\"gexf13\":true", "\"dot\":true", "\"csv\":true", "\"neo4j\":true"}},
      {"--export-formats gexf", {"\"gexf\":true"}},
      {"--csv-guard all", {"\"csv_guard\":\"all\""}},
      {"--csv-guard none", {"\"csv_guard\":\"none\""}},
      {"--report --report-communities 3 --report-seed 9",
       {"\"report\":true", "\"report_communities\":3", "\"report_seed\":9"}},
  };
  EXPECT_NE(base.find("\"csv_guard\":\"sheets\""), std::string::npos) << base;
  EXPECT_NE(base.find("\"type_weighting\":\"named\""), std::string::npos) << base;
  int i = 0;
  for (const auto& [options, recorded] : cases) {
    const std::string out = dir + "/o" + std::to_string(i++);
    const CliRun r = run(dir, "-q run " + s + " --out " + out + " " + options);
    ASSERT_EQ(r.code, 0) << options << ": " << r.err;
    const std::string json = read_all(out + "/run.json");
    for (const std::string& field : recorded) {
      EXPECT_NE(json.find(field), std::string::npos) << options << ": " << field << " in " << json;
      EXPECT_EQ(base.find(field), std::string::npos) << options << ": " << field << " already in " << base;
    }
  }
}

// The built-in model records the detection and refinement it was trained
// with; a run with other settings still runs but says so, once, naming the
// options; a run with the same settings says nothing about the model.
TEST(RunCli, WarnsWhenTheModelWasTrainedWithOtherDetection) {
  const std::string dir = with_snapshot("model_mismatch");
  const std::string s = dir + "/s.ndjson";
  const CliRun same = run(dir, "-q run " + s + " --out " + dir + "/same --damping degree --resolution 1");
  ASSERT_EQ(same.code, 0) << same.err;
  EXPECT_EQ(same.err.find("the model was trained with"), std::string::npos) << same.err;
  const CliRun damping = run(dir, "-q run " + s + " --out " + dir + "/log --damping log");
  ASSERT_EQ(damping.code, 0) << damping.err;
  EXPECT_NE(damping.err.find("the model was trained with detection 'resolution 1, damping degree' where this run has "
                             "'resolution 1, damping log' (--damping, --resolution, --type-weighting)"),
            std::string::npos)
      << damping.err;
  const CliRun refine = run(dir, "-q run " + s + " --out " + dir + "/none --refine none --resolution 2");
  ASSERT_EQ(refine.code, 0) << refine.err;
  EXPECT_NE(refine.err.find("'resolution 2, damping degree'"), std::string::npos) << refine.err;
  EXPECT_NE(refine.err.find("refine 'split_separated' where this run has 'none' (--refine)"), std::string::npos)
      << refine.err;
  // The built-in model was trained with named type weights; the detection
  // text names the type weighting only when it is not `named`.
  const CliRun spread = run(dir, "-q run " + s + " --out " + dir + "/spread --type-weighting spread");
  ASSERT_EQ(spread.code, 0) << spread.err;
  EXPECT_NE(spread.err.find("where this run has 'resolution 1, damping degree, type weighting spread' (--damping, "
                            "--resolution, --type-weighting)"),
            std::string::npos)
      << spread.err;
}

// train --type-weighting records the type weighting in the model's detection
// text, and a run with the same setting takes the model without a warning.
TEST(TrainCli, RecordsTheTypeWeighting) {
  const std::string dir = with_snapshot("train_type_weighting");
  const std::string s = dir + "/s.ndjson";
  const CliRun train = run(dir, "-q train " + s + " --labels --rounds 3 --type-weighting spread --out " + dir + "/m.json");
  ASSERT_EQ(train.code, 0) << train.err;
  EXPECT_NE(read_all(dir + "/m.json").find("\"detection\":\"resolution 1, damping degree, type weighting spread\""),
            std::string::npos);
  const CliRun same = run(dir, "-q run " + s + " --out " + dir + "/same --model " + dir + "/m.json --type-weighting spread");
  ASSERT_EQ(same.code, 0) << same.err;
  EXPECT_EQ(same.err.find("the model was trained with"), std::string::npos) << same.err;
  const CliRun named = run(dir, "-q run " + s + " --out " + dir + "/named --model " + dir + "/m.json");
  ASSERT_EQ(named.code, 0) << named.err;
  EXPECT_NE(named.err.find("'resolution 1, damping degree, type weighting spread' where this run has 'resolution 1, "
                           "damping degree'"),
            std::string::npos)
      << named.err;
}

// train --labels learns banned (1) against trusted (0) accounts of the
// snapshot; --from boosts on from a model (here the built-in one), whose
// trees come first and whose name the new model records.
TEST(TrainCli, LearnsTheSnapshotsLabelsFromScratchOrFromABase) {
  const std::string dir = with_snapshot("train_labels");
  const std::string s = dir + "/s.ndjson";
  const CliRun scratch = run(dir, "-q train " + s + " --labels --rounds 3 --out " + dir + "/own.json");
  ASSERT_EQ(scratch.code, 0) << scratch.err;
  EXPECT_NE(scratch.out.find("2 rows, 1 positive"), std::string::npos) << scratch.out;
  const CliRun more = run(dir, "-q train " + s + " --labels --from default --rounds 3 --out " + dir + "/more.json");
  ASSERT_EQ(more.code, 0) << more.err;
  const std::string model = read_all(dir + "/more.json");
  EXPECT_NE(model.find("\"continued_from\":\"hydrascope-default ("), std::string::npos);
  EXPECT_NE(model.find("continued_rounds=3"), std::string::npos);
  // auto: cross-validated; with two rows no fold has both classes to train on,
  // so nothing speaks against the base and boosting on is kept.
  const CliRun chosen = run(dir, "-q train " + s + " --labels --from auto --rounds 3 --out " + dir + "/auto.json");
  ASSERT_EQ(chosen.code, 0) << chosen.err;
  EXPECT_NE(read_all(dir + "/auto.json").find("\"start\":\"boosting on from the built-in model (grouped 0-fold AUROC"),
            std::string::npos);
  const CliRun used = run(dir, "-q run " + s + " --out " + dir + "/run --model " + dir + "/more.json");
  ASSERT_EQ(used.code, 0) << used.err;
  const CliRun bad = run(dir, "-q train " + s + " --labels --from default --drop-family seed --out " + dir + "/x.json");
  EXPECT_NE(bad.code, 0);
  EXPECT_NE(bad.err.find("--from and --drop-family exclude each other"), std::string::npos) << bad.err;
  EXPECT_FALSE(std::filesystem::exists(dir + "/x.json"));
  const CliRun missing = run(dir, "-q train " + s + " --labels --from " + dir + "/nope.json --out " + dir + "/y.json");
  EXPECT_NE(missing.code, 0);
  EXPECT_NE(missing.err.find("nope.json"), std::string::npos) << missing.err;
}

// Enum options are bound straight into the options structs through CLI11's
// CheckedTransformer: the names are listed in --help with the default, and
// anything else (a number too) is a usage error naming the option.
TEST(Cli, EnumOptionsListTheirNamesAndRefuseOthers) {
  const std::string dir = with_snapshot("enums");
  const std::string s = dir + "/s.ndjson";
  const CliRun help = run(dir, "run --help");
  EXPECT_NE(help.out.find("{leiden,louvain,lpa,components}"), std::string::npos) << help.out;
  EXPECT_NE(help.out.find("{none,log,sqrt,degree}"), std::string::npos) << help.out;
  for (const char* option : {"--algo 0", "--algo Leiden", "--damping 1", "--type-weighting by_name"}) {
    const std::string bad = option;
    const CliRun r = run(dir, "run " + s + " --out " + dir + "/o " + bad);
    EXPECT_EQ(r.code, 2) << bad;
    EXPECT_NE(r.err.find(bad.substr(0, bad.find(' ')) + ": expected "), std::string::npos) << r.err;
    EXPECT_FALSE(std::filesystem::exists(dir + "/o"));
  }
  const CliRun train = run(dir, "train " + s + " --labels --out " + dir + "/m.json --damping bogus");
  EXPECT_EQ(train.code, 2);
  EXPECT_NE(train.err.find("--damping: expected none, log, sqrt or degree, got 'bogus'"), std::string::npos) << train.err;
  const CliRun train_tw = run(dir, "train " + s + " --labels --out " + dir + "/m.json --type-weighting Spread");
  EXPECT_EQ(train_tw.code, 2);
  EXPECT_NE(train_tw.err.find("--type-weighting: expected named, uniform, spread or balanced, got 'Spread'"), std::string::npos)
      << train_tw.err;
  // detect: --type-weight names a type, so it goes with named only.
  const CliRun detect_tw = run(dir, "detect " + s + " --out " + dir + "/d.csv --type-weighting spread --type-weight friend=2");
  EXPECT_EQ(detect_tw.code, 2) << detect_tw.err;
  EXPECT_NE(detect_tw.err.find("--type-weight sets a multiplier by type name: it needs --type-weighting named, not 'spread'"),
            std::string::npos)
      << detect_tw.err;
  EXPECT_FALSE(std::filesystem::exists(dir + "/d.csv"));
  CliRun r = run(dir, "detect " + s + " --out " + dir + "/d.csv --quality potts");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("--quality: expected modularity or cpm, got 'potts'"), std::string::npos) << r.err;
  // detect's --weights and --damping: named the same way, with no default in
  // --help (it depends on the input: snapshots log and degree, edge lists unit and none).
  const CliRun detect_help = run(dir, "detect --help");
  EXPECT_NE(detect_help.out.find("--weights TEXT:{unit,log,requests}"), std::string::npos) << detect_help.out;
  EXPECT_EQ(detect_help.out.find("--weights TEXT:{unit,log,requests}="), std::string::npos) << detect_help.out;
  EXPECT_NE(detect_help.out.find("--damping TEXT:{none,log,sqrt,degree}"), std::string::npos) << detect_help.out;
  EXPECT_EQ(detect_help.out.find("--damping TEXT:{none,log,sqrt,degree}="), std::string::npos) << detect_help.out;
  // Snapshot formats: --input-format (inspect, convert, detect), --output-format (convert, generate).
  for (const std::string name : {"inspect", "convert", "detect"}) {
    const CliRun h = run(dir, name + " --help");
    EXPECT_NE(h.out.find("--input-format TEXT:{auto,json,ndjson,csv,edgelist,hsnap}=auto"), std::string::npos) << h.out;
  }
  EXPECT_NE(run(dir, "convert --help").out.find("--output-format TEXT:{json,ndjson,csv,hsnap}\n"), std::string::npos);
  EXPECT_NE(run(dir, "generate --help").out.find("--output-format TEXT:{json,ndjson,csv}=ndjson"), std::string::npos);
  for (const auto& [command, message] : std::vector<std::pair<std::string, std::string>>{
           {"detect " + s + " --out " + dir + "/f.json --weights Log", "--weights: expected unit, log or requests, got 'Log'"},
           {"detect " + s + " --out " + dir + "/f.json --damping 3", "--damping: expected none, log, sqrt or degree, got '3'"},
           {"baseline " + s + " --out " + dir + "/f.json --method pagerank",
            "--method: expected shared-card, ip-fanin, proxy or degree, got 'pagerank'"},
           {"inspect " + s + " --input-format JSON", "--input-format: expected auto, json, ndjson, csv, edgelist or hsnap, got 'JSON'"},
           {"convert " + s + " " + dir + "/f.json --output-format xml", "--output-format: expected json, ndjson, csv or hsnap, got 'xml'"},
           {"convert " + s + " " + dir + "/f.json --format 1", "--format: expected json, ndjson, csv or hsnap, got '1'"},
           {"generate --accounts 1000 --seed 1 --out " + dir + "/f --world d", "--world: expected a, b or c, got 'd'"},
           {"generate --accounts 1000 --seed 1 --out " + dir + "/f --output-format hsnap", "--output-format: expected json, ndjson or csv, got 'hsnap'"}}) {
    r = run(dir, command);
    EXPECT_EQ(r.code, 2) << command;
    EXPECT_NE(r.err.find(message), std::string::npos) << r.err;
  }
  EXPECT_FALSE(std::filesystem::exists(dir + "/f.json"));
  EXPECT_FALSE(std::filesystem::exists(dir + "/f"));
  // --csv-guard on every command that writes CSV: refused before anything is read or written.
  for (const std::string& command : {"run " + s + " --out " + dir + "/g", "export " + s + " --run " + dir + "/g --out " + dir + "/g",
                                     "convert " + s + " " + dir + "/g/", "detect " + s + " --out " + dir + "/g",
                                     "score " + s + " --out " + dir + "/g", "baseline " + s + " --out " + dir + "/g"}) {
    const std::string name = command.substr(0, command.find(' '));
    const CliRun h = run(dir, name + " --help");
    EXPECT_NE(h.out.find("--csv-guard TEXT:{sheets,all,none}=sheets"), std::string::npos) << name << "\n" << h.out;
    r = run(dir, command + " --csv-guard formulas");
    EXPECT_EQ(r.code, 2) << command;
    EXPECT_NE(r.err.find("--csv-guard: expected sheets, all or none, got 'formulas'"), std::string::npos) << r.err;
    EXPECT_FALSE(std::filesystem::exists(dir + "/g")) << command;
  }
  r = run(dir, "-q detect " + s + " --out " + dir + "/d.csv --algo louvain --quality cpm --resolution 0.1 --json");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("\"algorithm\":\"louvain\",\"quality_function\":\"cpm\""), std::string::npos) << r.out;
  r = run(dir, "-q run " + s + " --out " + dir + "/lpa --algo lpa");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(read_all(dir + "/lpa/run.json").find("\"algorithm\":\"lpa\""), std::string::npos);
}

}  // namespace
// The program waits passively for OpenMP work unless the user chose a
// policy: with OMP_WAIT_POLICY unset it starts itself again with it set to
// passive (same process: its environment then shows the value), and a
// user's own value is kept. The program is held open on a FIFO that nobody
// writes yet, read from /proc, then let go.
namespace {
std::string wait_policy_of_running_program(const std::string& dir, const char* policy) {
  const std::string fifo = dir + "/in.ndjson";
  ::unlink(fifo.c_str());
  if (::mkfifo(fifo.c_str(), 0600) != 0) return "mkfifo failed";
  const pid_t pid = ::fork();
  if (pid == 0) {
    if (policy == nullptr) ::unsetenv("OMP_WAIT_POLICY");
    else ::setenv("OMP_WAIT_POLICY", policy, 1);
    const int devnull = ::open("/dev/null", O_WRONLY);
    ::dup2(devnull, 1);
    ::dup2(devnull, 2);
    ::execl(HYDRASCOPE_TEST_BINARY, HYDRASCOPE_TEST_BINARY, "-q", "inspect", fifo.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  std::string seen = "none";
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < until) {
    std::ifstream env("/proc/" + std::to_string(pid) + "/environ", std::ios::binary);
    std::string all((std::istreambuf_iterator<char>(env)), std::istreambuf_iterator<char>());
    const auto key = all.find("OMP_WAIT_POLICY=");
    if (key != std::string::npos && (key == 0 || all[key - 1] == '\0')) {
      seen = all.substr(key + 16, all.find('\0', key) - key - 16);
      break;
    }
    ::usleep(20000);
  }
  const int w = ::open(fifo.c_str(), O_WRONLY);  // the reader is blocked on its open: let it go (empty input)
  if (w >= 0) ::close(w);
  int status = 0;
  ::waitpid(pid, &status, 0);
  return seen;
}
}  // namespace

TEST(Cli, WaitsPassivelyForOpenMpUnlessTheUserChoseAPolicy) {
  const std::string dir = fresh_dir("cli_omp_wait");
  EXPECT_EQ(wait_policy_of_running_program(dir, nullptr), "passive");
  EXPECT_EQ(wait_policy_of_running_program(dir, "active"), "active");
}


}  // namespace hydrascope
