// The command line's dispatch: parses argv, runs the chosen subcommand and
// maps its exceptions to exit codes and one error line. main() is only a call
// to this, so that the fuzz target of the whole pipeline (tests/fuzz/fuzz_run.cpp)
// goes through the very entry the `hydrascope` executable uses.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <map>
#include <string>
#include <new>
#include <stdexcept>

#include "cli_util.hpp"
#include "hydrascope/common.hpp"
#include "hydrascope/error.hpp"

namespace hydrascope::cli {

int run_command_line(int argc, char** argv) {
  CLI::App app{"hydrascope: find hydra-style reseller networks in an API provider's account graph"};
  app.set_version_flag("--version", std::string(hydrascope::version()));
  app.require_subcommand(1);
  app.fallthrough();
  Context ctx;
  app.add_flag("-q,--quiet", ctx.quiet, "No progress or info lines on stderr (errors still print)");
  app.add_flag("-v,--verbose", ctx.verbose, "Debug lines on stderr");
  app.add_option("--log-format", ctx.log_format,
                 "text (default) or json: every progress, info, warning and error line on stderr as one JSON object")
      ->transform(CLI::CheckedTransformer(std::map<std::string, LogFormat>{{"text", LogFormat::Text}, {"json", LogFormat::Json}}));
  // Seen before parsing, so that a parse error is reported in the asked format too.
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--log-format=json" || (a == "--log-format" && i + 1 < argc && std::string(argv[i + 1]) == "json"))
      ctx.log_format = LogFormat::Json;
  }

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
  add_features(app, ctx, action);
  add_train(app, ctx, action);
  add_diff(app, ctx, action);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e) == 0 ? kExitOk : kExitUsage;  // --help, --version
    ctx.error("usage", kExitUsage, std::string(e.what()) + " (see hydrascope --help)");
    return kExitUsage;
  }
  try {
    // Test hook (tests/cli/reliability_test.cpp): a broken invariant on demand.
    if (const char* fault = std::getenv("HYDRASCOPE_FAULT"); fault != nullptr && std::string(fault) == "internal")
      throw std::logic_error("fault injected by HYDRASCOPE_FAULT=internal");
    return action ? action() : kExitUsage;
  } catch (const hydrascope::InputError& e) {
    ctx.end_progress();
    ctx.error("input", kExitInputError, e.what(), &e.where());
    return kExitInputError;
  } catch (const std::invalid_argument& e) {
    ctx.end_progress();
    ctx.error("usage", kExitUsage, std::string("invalid option: ") + e.what());
    return kExitUsage;
  } catch (const hydrascope::ResourceLimitError& e) {
    ctx.end_progress();
    ctx.error("resource", kExitResourceLimit, e.what());
    return kExitResourceLimit;
  } catch (const std::bad_alloc&) {
    ctx.end_progress();
    ctx.error("resource", kExitResourceLimit, "out of memory");
    return kExitResourceLimit;
  } catch (const std::logic_error& e) {
    ctx.end_progress();
    ctx.error("internal", kExitInternal, e.what());
    return kExitInternal;
  } catch (const std::runtime_error& e) {  // I/O failures: cannot read, write or rename a file
    ctx.end_progress();
    ctx.error("input", kExitInputError, e.what());
    return kExitInputError;
  } catch (const std::exception& e) {
    ctx.end_progress();
    ctx.error("internal", kExitInternal, e.what());
    return kExitInternal;
  }
}

}  // namespace hydrascope::cli
