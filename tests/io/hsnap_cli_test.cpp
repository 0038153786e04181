// `hydrascope convert IN OUT.hsnap` and every command reading the result:
// `run` on the .hsnap writes the same files, byte for byte, as `run` on the
// NDJSON it came from (run.json apart from the input's own description and
// timings.json, wall times);
// convert is deterministic and atomic; a bad .hsnap is a located error with
// exit code 1 and no output.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <string>

#include "cli/cli_run.hpp"
#include "test_util.hpp"
#include "files.hpp"

namespace hydrascope {
namespace {
namespace fs = std::filesystem;
using testing::run_hydrascope;

using hydrascope::testing::read_all;

// A per-process folder: ctest runs the tests of this file in parallel processes.
std::string dir() {
  static const std::string d = [] {
    const std::string p = testing::tmp_path("hsnap_cli." + std::to_string(::getpid()));
    fs::remove_all(p);
    fs::create_directories(p);
    return p;
  }();
  return d;
}

// run.json without what describes the input file itself: the `input`
// object (path, bytes, checksum) and options.format.
std::string run_json_core(const std::string& path) {
  std::string s = read_all(path);
  const std::size_t at = s.find("\"input\":{");
  if (at != std::string::npos) s.erase(at, s.find('}', at) + 1 - at);
  for (const char* f : {"\"format\":\"ndjson\"", "\"format\":\"hsnap\""}) {
    const std::size_t k = s.find(f);
    if (k != std::string::npos) s.replace(k, std::string(f).size(), "\"format\":\"?\"");
  }
  return s;
}

TEST(HsnapCli, RunOnHsnapMatchesRunOnNdjson) {
  const std::string d = dir();
  ASSERT_EQ(run_hydrascope("generate --accounts 3000 --seed 7 --output-format ndjson --out " + d + "/world", d + "/g").code, 0);
  std::string ndjson;
  for (const auto& e : fs::directory_iterator(d + "/world"))
    if (e.path().extension() == ".ndjson") ndjson = e.path().string();
  ASSERT_FALSE(ndjson.empty());
  const auto c = run_hydrascope("convert " + ndjson + " " + d + "/w.hsnap", d + "/c");
  ASSERT_EQ(c.code, 0) << c.err;
  // Deterministic: a second convert writes the same bytes.
  ASSERT_EQ(run_hydrascope("convert " + ndjson + " " + d + "/w2.hsnap", d + "/c2").code, 0);
  EXPECT_EQ(read_all(d + "/w.hsnap"), read_all(d + "/w2.hsnap"));
  // No temporary left beside it.
  for (const auto& e : fs::directory_iterator(d)) EXPECT_EQ(e.path().string().find(".tmp"), std::string::npos) << e.path();

  const auto a = run_hydrascope("run " + ndjson + " --out " + d + "/run-ndjson", d + "/ra");
  ASSERT_EQ(a.code, 0) << a.err;
  const auto b = run_hydrascope("run " + d + "/w.hsnap --out " + d + "/run-hsnap", d + "/rb");
  ASSERT_EQ(b.code, 0) << b.err;
  std::set<std::string> names;
  for (const auto& e : fs::recursive_directory_iterator(d + "/run-ndjson"))
    if (e.is_regular_file()) names.insert(fs::relative(e.path(), d + "/run-ndjson").string());
  std::set<std::string> names_b;
  for (const auto& e : fs::recursive_directory_iterator(d + "/run-hsnap"))
    if (e.is_regular_file()) names_b.insert(fs::relative(e.path(), d + "/run-hsnap").string());
  EXPECT_EQ(names, names_b);
  EXPECT_GE(names.size(), 2u);
  for (const std::string& n : names) {
    const std::string pa = d + "/run-ndjson/" + n, pb = d + "/run-hsnap/" + n;
    if (n == "timings.json") continue;  // wall times
    if (n == "run.json") EXPECT_EQ(run_json_core(pa), run_json_core(pb));
    else EXPECT_TRUE(read_all(pa) == read_all(pb)) << n << " differs";
  }

  // inspect reads it too (format by magic, whatever the name).
  fs::copy_file(d + "/w.hsnap", d + "/w.bin", fs::copy_options::overwrite_existing);
  const auto i = run_hydrascope("inspect " + d + "/w.bin", d + "/i");
  EXPECT_EQ(i.code, 0) << i.err;
}

TEST(HsnapCli, BadHsnapIsALocatedErrorWithoutOutput) {
  const std::string d = dir();
  ASSERT_EQ(run_hydrascope("convert " + testing::fixture("good/full.json") + " " + d + "/f.hsnap", d + "/c").code, 0);
  std::string b = read_all(d + "/f.hsnap");
  b.resize(b.size() - 100);
  std::ofstream(d + "/cut.hsnap", std::ios::binary) << b;
  const auto r = run_hydrascope("run " + d + "/cut.hsnap --out " + d + "/run-cut", d + "/r");
  EXPECT_EQ(r.code, 1) << r.err;
  EXPECT_NE(r.err.find("cut.hsnap"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("truncated"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(d + "/run-cut/run.json"));
  const auto c = run_hydrascope("convert " + d + "/cut.hsnap " + d + "/back.ndjson", d + "/c3");
  EXPECT_EQ(c.code, 1);
  EXPECT_FALSE(fs::exists(d + "/back.ndjson"));
}

}  // namespace
}  // namespace hydrascope
