// Runs the `hydrascope` binary from the CLI tests with stdout and stderr
// captured, and hands back the exit code and both texts.
#pragma once

#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "files.hpp"

namespace hydrascope::testing {

struct CliRun {
  int code = -1;
  std::string out, err;
};

/// `hydrascope ARGS` (stdin from /dev/null); stdout and stderr go through
/// `capture`.stdout / `capture`.stderr, removed afterwards.
inline CliRun run_hydrascope(const std::string& args, const std::string& capture) {
  const std::string so = capture + ".stdout", se = capture + ".stderr";
  const int rc = std::system((std::string(HYDRASCOPE_TEST_BINARY) + " " + args + " > '" + so + "' 2> '" + se +
                              "' < /dev/null").c_str());
  CliRun r;
  r.code = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
  r.out = read_all(so);
  r.err = read_all(se);
  std::filesystem::remove(so);
  std::filesystem::remove(se);
  return r;
}

/// `hydrascope ARGS` with stdout and stderr captured beside the files of `dir`.
inline CliRun run(const std::string& dir, const std::string& args) { return run_hydrascope(args, dir + "/"); }

}  // namespace hydrascope::testing
