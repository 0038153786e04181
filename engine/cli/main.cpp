// `hydrascope`: the command line. Subcommands map 1:1 to pipeline stages.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <exception>
#include <new>
#include <stdexcept>

#include "cli_util.hpp"
#include "hydrascope/common.hpp"
#include "hydrascope/error.hpp"

int main(int argc, char** argv) {
  using namespace hydrascope::cli;
  CLI::App app{"hydrascope: find hydra-style reseller networks in an API provider's account graph"};
  app.set_version_flag("--version", std::string(hydrascope::version()));
  app.require_subcommand(1);
  app.fallthrough();
  Context ctx;
  app.add_flag("-q,--quiet", ctx.quiet, "No progress or info lines on stderr (errors still print)");
  app.add_flag("-v,--verbose", ctx.verbose, "Debug lines on stderr");

  Action action;
  add_run(app, ctx, action);
  add_inspect(app, ctx, action);
  add_detect(app, ctx, action);
  add_score(app, ctx, action);
  add_convert(app, ctx, action);
  add_generate(app, ctx, action);
  add_eval(app, ctx, action);
  add_baseline(app, ctx, action);
  add_report(app, ctx, action);
  add_export(app, ctx, action);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? kExitOk : kExitUsage;
  }
  try {
    return action ? action() : kExitUsage;
  } catch (const hydrascope::InputError& e) {
    ctx.end_progress();
    std::fprintf(stderr, "hydrascope: error: %s\n", e.what());
    return kExitInputError;
  } catch (const std::invalid_argument& e) {
    ctx.end_progress();
    std::fprintf(stderr, "hydrascope: error: invalid option: %s\n", e.what());
    return kExitUsage;
  } catch (const std::bad_alloc&) {
    ctx.end_progress();
    std::fprintf(stderr, "hydrascope: error: out of memory\n");
    return kExitInternal;
  } catch (const std::runtime_error& e) {
    ctx.end_progress();
    std::fprintf(stderr, "hydrascope: error: %s\n", e.what());
    return kExitInputError;
  } catch (const std::exception& e) {
    ctx.end_progress();
    std::fprintf(stderr, "hydrascope: internal error: %s\n", e.what());
    return kExitInternal;
  }
}
