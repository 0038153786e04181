// `hydrascope features SNAPSHOT --out FILE.csv`: the feature layer's rows
// (one per account) after build, detect, centralities and refinement; with
// --truth, the planted truth beside them (for training outside hydrascope and
// for checking a feature). `--list` prints the schema.
#include <CLI/CLI.hpp>

#include <cmath>
#include <cstdio>
#include <string>
#include <unordered_map>

#include "cli_util.hpp"
#include "hydrascope/atomic_file.hpp"
#include "hydrascope/eval.hpp"
#include "hydrascope/features.hpp"
#include "hydrascope/io.hpp"
#include "hydrascope/pipeline.hpp"

namespace hydrascope::cli {
namespace {

struct FeaturesArgs {
  std::string input, out, truth;
  bool list = false;
  std::uint64_t seed = 1;
  int threads = 0;
  std::vector<std::string> refine_on, refine_off;  // --refine, --refine-off (as for run)
  bool no_refine = false;                          // the old spelling of --refine none
};

int list_schema() {
  std::string out = "name,family,level,description\n";
  for (const auto& f : feature_schema()) {
    out += std::string(f.name) + "," + std::string(to_string(f.family)) + "," +
           (f.level == FeatureLevel::Account ? "account" : f.level == FeatureLevel::Community ? "community" : "quantile") +
           ",";
    append_csv_field(out, f.description);
    out += "\n";
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  return kExitOk;
}

int run_features(const FeaturesArgs& args, const Context& ctx) {
  if (args.list) return list_schema();
  if (args.input.empty() || args.out.empty()) throw std::invalid_argument("features needs SNAPSHOT and --out (or --list)");
  std::unordered_map<std::string, std::pair<int, std::string>> truth_of;
  if (!args.truth.empty()) {
    const Truth truth = load_truth(args.truth);
    for (const auto& c : truth.clusters)
      for (const auto& a : c.accounts) truth_of[a] = {c.kind == "hydra" ? 1 : 0, c.kind};
  }
  const Snapshot snapshot = load_input(ctx, args.input, SnapshotFormat::Auto, args.threads);
  PipelineOptions po;
  po.community.seed = args.seed;
  po.threads = args.threads;
  po.refine = args.no_refine ? RefineOptions::none() : RefineOptions::from_steps(args.refine_on, args.refine_off);
  po.progress = ctx.progress();
  po.on_stage = [&](const StageReport& r) {
    ctx.end_progress();
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2f", r.seconds);
    ctx.info(r.name + ": " + r.summary + " (" + buf + " s)");
  };
  const PipelineResult result = run_pipeline(snapshot, po);
  const FeatureTable& ft = result.features;
  const auto schema = feature_schema();
  AtomicFile file(args.out);
  std::string buf = "account_id,community_id";
  if (!args.truth.empty()) buf += ",hydra,kind";
  for (const auto& f : schema) buf += "," + std::string(f.name);
  buf += "\n";
  FeatureMatrix m;
  const auto accounts = ft.accounts();
  for (std::uint64_t first = 0; first < accounts.size(); first += 65536) {
    const std::uint64_t count = std::min<std::uint64_t>(65536, accounts.size() - first);
    ft.rows(first, count, m);
    for (std::uint64_t i = 0; i < count; ++i) {
      const NodeId a = accounts[first + i];
      append_csv_field(buf, snapshot.node_id(a));
      buf += "," + std::to_string(result.partition().membership[a]);
      if (!args.truth.empty()) {
        const auto it = truth_of.find(std::string(snapshot.node_id(a)));
        buf += it == truth_of.end() ? ",0," : "," + std::to_string(it->second.first) + ",";
        if (it != truth_of.end()) append_csv_field(buf, it->second.second);
      }
      for (std::size_t f = 0; f < schema.size(); ++f) {
        const float x = m.values[i * schema.size() + f];
        buf += ',';
        if (!std::isnan(x)) {
          char num[32];
          std::snprintf(num, sizeof num, "%.6g", static_cast<double>(x));
          buf += num;
        }
      }
      buf += '\n';
      if (buf.size() >= (1u << 20)) {
        file.write(buf);
        buf.clear();
      }
    }
  }
  file.write(buf);
  file.commit();
  ctx.info("features: " + std::to_string(accounts.size()) + " rows x " + std::to_string(schema.size()) +
           " features written to " + args.out);
  return kExitOk;
}

}  // namespace

void add_features(CLI::App& app, const Context& ctx, Action& action) {
  auto args = std::make_shared<FeaturesArgs>();
  auto* sub = app.add_subcommand("features", "The feature rows of every account (CSV), as the model sees them");
  sub->add_option("snapshot", args->input, "Snapshot file (JSON, NDJSON, .gz) or CSV-pair folder");
  sub->add_option("-o,--out", args->out, "Output CSV (account_id, community_id, [hydra, kind,] one column per feature)");
  sub->add_option("--truth", args->truth, "truth.json: adds the hydra (1/0) and kind columns");
  sub->add_flag("--list", args->list, "Print the feature schema (name, family, level, description) and exit");
  sub->add_option("--seed", args->seed, "Seed of community detection")->capture_default_str();
  sub->add_option("-t,--threads", args->threads, "Worker threads (0 = all cores)")->capture_default_str();
  sub->add_option("--refine", args->refine_on,
                                 "Refinement steps to run: split_by_proxy,split_tied,split_separated,rehome,merge, all "
                                 "or none (default split_separated; as for run)")
      ->delimiter(',');
  sub->add_option("--refine-off", args->refine_off, "Refinement steps to skip (after --refine)")->delimiter(',');
  sub->add_flag("--no-refine", args->no_refine)->description("Deprecated spelling of --refine none")->group("");
  sub->callback([&action, &ctx, args] { action = [&ctx, args] { return run_features(*args, ctx); }; });
}

}  // namespace hydrascope::cli
