// `hydrascope`: the command line. Subcommands map 1:1 to pipeline stages;
// the dispatch lives in dispatch.cpp (shared with the fuzz targets).
#include "cli_util.hpp"

int main(int argc, char** argv) { return hydrascope::cli::run_command_line(argc, argv); }
