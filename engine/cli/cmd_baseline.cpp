// `hydrascope baseline --method M SNAPSHOT --out accounts.csv`: the simple
// signals an analyst tries first, in the accounts.csv layout of a run.
#include <CLI/CLI.hpp>

#include <memory>
#include <string>

#include "cli_enum.hpp"
#include "cli_util.hpp"
#include "hydrascope/atomic_file.hpp"
#include "hydrascope/eval.hpp"
#include "hydrascope/io.hpp"

namespace hydrascope::cli {

namespace {

struct BaselineArgs {
  std::string input, out;
  BaselineMethod method = BaselineMethod::SharedCard;
  double threshold = -1.0;
  CsvGuardMode csv_guard = CsvGuardMode::Sheets;
};

}  // namespace

void add_baseline(CLI::App& app, const Context& ctx, Action& action) {
  auto args = std::make_shared<BaselineArgs>();
  auto* sub = app.add_subcommand("baseline", "Score accounts with a simple baseline (accounts.csv)");
  sub->add_option("snapshot", args->input, "Snapshot file or CSV folder")->required();
  add_enum_option(*sub, "--method", args->method,
                  {{"shared-card", BaselineMethod::SharedCard}, {"ip-fanin", BaselineMethod::IpFanin},
                   {"proxy", BaselineMethod::Proxy}, {"degree", BaselineMethod::Degree}},
                  "shared-card, ip-fanin, proxy or degree");
  sub->add_option("--out", args->out, "accounts.csv to write")->required();
  add_csv_guard_option(*sub, args->csv_guard);
  sub->add_option("--threshold", args->threshold, "Flag at or above this count (default per method: 5, 20, 20, 6)");
  sub->callback([&ctx, &action, args] {
    action = [&ctx, args] {
      check_outputs_spare_inputs({args->input}, {{args->out, "--out", false}});
      const Snapshot s = load_input(ctx, args->input);
      write_file_atomic(args->out, accounts_csv(run_baseline(s, args->method, args->threshold), csv_guard_of(args->csv_guard).sheets));
      ctx.info("wrote " + args->out);
      return kExitOk;
    };
  });
}

}  // namespace hydrascope::cli
