// The bad-input corpus through the CLI: `hydrascope inspect` on every file in
// tests/fixtures/bad exits 1, prints nothing on stdout, and prints the same
// located message as the library on stderr; good fixtures exit 0.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "bad_expectations.hpp"
#include "test_util.hpp"
#include "files.hpp"

namespace hydrascope {
namespace {

struct CliRun {
  int code = -1;
  std::string out, err;
};

using hydrascope::testing::read_all;

CliRun inspect(const std::string& input) {
  // Per-process names: ctest runs this file's tests in parallel processes.
  const std::string tag = std::to_string(::getpid());
  const std::string so = testing::tmp_path("io_cli." + tag + ".stdout"), se = testing::tmp_path("io_cli." + tag + ".stderr");
  const std::string cmd = std::string(HYDRASCOPE_TEST_BINARY) + " inspect '" + input + "' > '" + so + "' 2> '" + se +
                          "' < /dev/null";
  const int rc = std::system(cmd.c_str());
  CliRun r;
  r.code = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
  r.out = read_all(so);
  r.err = read_all(se);
  return r;
}

TEST(IoCli, EveryBadFixtureExitsOneWithTheLibraryMessage) {
  for (const std::string& name : testing::bad_entries()) {
    const auto it = testing::bad_expectations().find(name);
    ASSERT_NE(it, testing::bad_expectations().end()) << name;
    const CliRun r = inspect(testing::fixture("bad/" + name));
    EXPECT_EQ(r.code, 1) << name << ": " << r.err;
    EXPECT_TRUE(r.out.empty()) << name;
    EXPECT_NE(r.err.find(testing::fixture("bad/") + it->second), std::string::npos) << name << ": " << r.err;
  }
}

TEST(IoCli, GoodFixturesExitZero) {
  for (const char* name : {"full.json", "reordered.json", "bom.json", "escapes.json", "crlf.ndjson",
                           "bom_edges_first.ndjson", "csv_basic", "csv_odd"}) {
    const CliRun r = inspect(testing::fixture(std::string("good/") + name));
    EXPECT_EQ(r.code, 0) << name << ": " << r.err;
    EXPECT_FALSE(r.out.empty()) << name;
  }
}

}  // namespace
}  // namespace hydrascope
