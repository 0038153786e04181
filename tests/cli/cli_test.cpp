// `hydrascope inspect` and `hydrascope convert` end to end through the binary:
// exit codes (0 ok, 1 bad input, 2 bad usage), results on stdout only, no
// output file (or temporary) left behind on error, and conversions that reload equal.
#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

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
  const CliRun r = run(dir, "inspect " + dir + "/s.ndjson --top 1");
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
  const CliRun r = run(dir, "--quiet inspect " + dir + "/s.ndjson --json --top 3 --threads 2");
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
  EXPECT_EQ(run(dir, "inspect " + dir + "/bad.json --top -1").code, 2);
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
  // --format and --gzip override the name.
  r = run(dir, "-q convert " + dir + "/s.json " + dir + "/forced.out --format ndjson --gzip");
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
  EXPECT_EQ(run(dir, "convert " + dir + "/s.ndjson " + dir + "/o.json --format xml").code, 2);
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

}  // namespace
}  // namespace hydrascope
