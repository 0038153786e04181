// `hydrascope generate` does not depend on the working folder (issue 19,
// item 6): the ranges of datasets/ip-ranges are built into the program, so
// the same arguments give byte-identical files from any folder, and the same
// files as naming that folder with --ip-ranges.
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "files.hpp"

namespace {

namespace fs = std::filesystem;

using hydrascope::testing::read_all;

// Runs `hydrascope ARGS` with `cwd` as the working folder; returns the exit code.
int run_in(const std::string& cwd, const std::string& args) {
  const std::string cmd = "cd '" + cwd + "' && " + std::string(HYDRASCOPE_TEST_BINARY) + " -q " + args + " < /dev/null";
  const int rc = std::system(cmd.c_str());
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

void expect_same_files(const std::string& a, const std::string& b) {
  for (const char* f : {"snapshot.ndjson", "truth.json"}) {
    ASSERT_TRUE(fs::exists(a + "/" + f)) << a << "/" << f;
    EXPECT_EQ(read_all(a + "/" + f), read_all(b + "/" + f)) << f;
  }
}

TEST(GenerateCwd, SameFilesFromAnyFolder) {
  const std::string dir = std::string(HYDRASCOPE_TEST_TMP) + "/generate-cwd";
  fs::remove_all(dir);
  fs::create_directories(dir + "/elsewhere");
  const std::string repo = fs::path(HYDRASCOPE_TEST_DATASETS).parent_path().string();
  for (const char* world : {"a", "b", "c"}) {
    // World C has only the random profile.
    const std::string w = std::string(" --world ") + world + (world[0] == 'c' ? " --profile random" : "") +
                          " --accounts 1500 --seed 3 --out ";
    ASSERT_EQ(run_in(repo, "generate" + w + dir + "/repo-" + world), 0);
    ASSERT_EQ(run_in(dir + "/elsewhere", "generate" + w + dir + "/elsewhere-" + world), 0);
    ASSERT_EQ(run_in("/", "generate" + w + dir + "/root-" + world), 0);
    ASSERT_EQ(run_in("/", "generate" + w + dir + "/named-" + world + " --ip-ranges " + HYDRASCOPE_TEST_DATASETS +
                              "/ip-ranges"),
              0);
    expect_same_files(dir + "/repo-" + world, dir + "/elsewhere-" + world);
    expect_same_files(dir + "/repo-" + world, dir + "/root-" + world);
    expect_same_files(dir + "/repo-" + world, dir + "/named-" + world);
  }
  // A folder without the files is an error, not a silent fallback.
  EXPECT_EQ(run_in("/", "generate --accounts 1500 --seed 3 --out " + dir + "/bad --ip-ranges " + dir + "/elsewhere"), 2);
}

}  // namespace
