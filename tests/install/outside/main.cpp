// A program outside the tree: loads a snapshot, runs the pipeline, writes the
// run folder, prints one line. Built against the installed package by
// tests/install/install_test.sh (CMake package and pkg-config).
#include <cstdio>
#include <exception>

#include "hydrascope/hydrascope.hpp"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: outside SNAPSHOT OUT\n");
    return 2;
  }
  try {
    hydrascope::PipelineOptions options;
    options.community.seed = 1;
    const hydrascope::RunResult run = hydrascope::run_pipeline(argv[1], options);
    hydrascope::write_run_folder(run, argv[2]);
    std::printf("outside: %llu accounts, %llu suspect accounts, engine %s\n",
                static_cast<unsigned long long>(run.accounts),
                static_cast<unsigned long long>(run.scoring().suspect_accounts),
                std::string(hydrascope::version()).c_str());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "outside: %s\n", e.what());
    return 1;
  }
  return 0;
}
