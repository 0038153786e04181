// `hydrascope run`: placeholder until its issue lands.
#include <CLI/CLI.hpp>

#include "cli_util.hpp"

namespace hydrascope::cli {

void add_run(CLI::App& app, const Context& ctx, Action& action) {
  auto* sub = app.add_subcommand("run", "(not yet implemented)");
  sub->callback([&action] { action = [] { return kExitUsage; }; });
}

}  // namespace hydrascope::cli
