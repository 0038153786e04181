// `hydrascope report --run DIR --out report.html`: the self-contained HTML
// report of a run folder (docs/export.md, section "Report").
#include <CLI/CLI.hpp>

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>

#include "cli_util.hpp"
#include "hydrascope/report.hpp"

namespace hydrascope::cli {

void add_report_options(CLI::App& sub, ReportOptions& o, const std::string& group) {
  sub.add_option("--report-communities", o.max_communities,
                 "Suspect communities given a section in the report, in ranking order (0 = all)")
      ->capture_default_str()
      ->group(group);
  sub.add_option("--report-seed", o.seed, "Seed of the report's graph layout")->capture_default_str()->check(unsigned_integer())->group(group);
}

void add_report(CLI::App& app, const Context& ctx, Action& action) {
  struct Args {
    std::string run;
    std::string out;
    ReportOptions options;
  };
  auto args = std::make_shared<Args>();
  auto* sub = app.add_subcommand("report", "Self-contained HTML workbench of a run folder (search, filters, ranked "
                                           "suspect communities, evidence, interactive graphs, members, shared entities, "
                                           "linked communities, activity heatmaps)");
  sub->add_option("--run", args->run, "Run folder written by `hydrascope run --out`")->required();
  sub->add_option("-o,--out", args->out, "HTML file to write (atomically)")->required();
  add_report_options(*sub, args->options, "Report");
  sub->add_option("--graph-accounts", args->options.graph_accounts, "Accounts drawn per community (bigger ones are sampled)")
      ->capture_default_str()
      ->group("Report");
  sub->add_option("--graph-entities", args->options.graph_entities, "Entities drawn per community (the most used ones)")
      ->capture_default_str()
      ->group("Report");
  sub->add_option("--graph-edges", args->options.graph_edges, "Edges drawn per community")
      ->capture_default_str()
      ->group("Report");
  sub->add_option("--heatmap-rows", args->options.heatmap_rows, "Accounts (rows) per activity heatmap")
      ->capture_default_str()
      ->group("Report");
  sub->add_option("--members,--top-accounts", args->options.top_accounts,
                  "Members listed per community, riskiest first (0 = every account)")
      ->capture_default_str()
      ->group("Report");
  sub->callback([&action, &ctx, args] {
    action = [&ctx, args] {
      const auto t = std::chrono::steady_clock::now();
      {  // the files of the run folder that the report reads may not be overwritten
        std::vector<std::string> inputs;
        std::error_code ec;
        for (const std::string& d : {args->run, args->run + "/suspects"})
          for (const auto& e : std::filesystem::directory_iterator(d, ec))
            if (e.path().filename() != "report.html") inputs.push_back(e.path().string());
        check_outputs_spare_inputs(inputs, {{args->out, "--out", false}});
      }
      ReportOptions o = args->options;
      o.progress = ctx.progress();
      const ReportSummary s = write_report(args->run, args->out, o);
      ctx.end_progress();
      ctx.info("report: " + args->out + " (" + std::to_string(s.sections) + " of " +
               std::to_string(s.suspect_communities) + " suspect communities, " +
               human_bytes(static_cast<double>(s.bytes)) + ", " + std::to_string(seconds_since(t)).substr(0, 5) + " s)");
      return kExitOk;
    };
  });
}

}  // namespace hydrascope::cli
