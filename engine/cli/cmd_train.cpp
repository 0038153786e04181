// `hydrascope train`: a model from labelled snapshots. Targets come from
// generated truth (--truth, one file per snapshot) or from the snapshots' own
// banned / trusted labels (--labels); `--recipe default` generates the worlds
// of the documented default recipe itself (docs/scoring.md, "The default
// model"), so that the shipped model is one deterministic command.
#include <CLI/CLI.hpp>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <string>
#include <unordered_set>
#include <vector>

#include "cli_enum.hpp"
#include "cli_util.hpp"
#include "hydrascope/eval.hpp"
#include "hydrascope/io.hpp"
#include "hydrascope/model.hpp"
#include "hydrascope/pipeline.hpp"
#include "hydrascope/synth.hpp"
#include "hydrascope/training.hpp"

namespace hydrascope::cli {
namespace {

// The boosting defaults of `train` (and of the shipped model): 150 trees of
// depth 6 at learning rate 0.2, each on 80 % of the rows and 80 % of the
// features, which keeps any one feature from carrying a model alone. (300
// trees at 0.1 scored the same on the development worlds and cost twice the
// prediction time: docs/quality.md.)
BoosterOptions default_booster() {
  BoosterOptions b;
  b.rounds = 150;
  b.max_depth = 6;
  b.eta = 0.2;
  b.subsample = 0.8;
  b.colsample_bytree = 0.8;
  b.min_child_weight = 1.0;
  return b;
}

// Folds of `--from auto`'s cross-validation.
constexpr int kStartFolds = 5;

struct TrainArgs {
  std::vector<std::string> snapshots, truths;
  bool labels = false;
  std::string from;  // --from MODEL|default: keep boosting from this model
  bool min_child_weight_given = false;
  std::string recipe;
  std::string out;
  std::string name;
  std::string work;
  bool keep_worlds = false;
  BoosterOptions booster = default_booster();
  TrainingRowsOptions rows;
  std::vector<std::string> drop;
  std::vector<std::string> refine_on;
  std::vector<std::string> refine_off;
  double resolution = CommunityOptions{}.resolution;
  HubDamping damping = GraphOptions{}.damping;
  TypeWeighting type_weighting = GraphOptions{}.type_weighting;
  std::string rows_cache;
  std::uint64_t seed = 1;
  int threads = 0;
};

// One world of a recipe: generated with `generate --world W --profile P --accounts N --seed S`.
struct RecipeWorld {
  std::string world;  // a or c (world b is held out: never in a recipe)
  std::string profile;
  std::uint64_t accounts = 0;
  std::uint64_t seed = 0;
};

// The default recipe (docs/scoring.md, "The default model"): worlds of the
// random profile only, so that no fixed profile is ever seen in training;
// seeds 1001 and up are reserved for training (evaluations use others).
std::vector<RecipeWorld> recipe_worlds(const std::string& name) {
  std::vector<RecipeWorld> worlds;
  // From a small provider's snapshot to a large one; every size counts
  // (world weights, below), so the model does not learn one scale.
  auto family = [&worlds](const std::string& world) {
    std::uint64_t seed = 1001;
    for (int i = 0; i < 12; ++i) worlds.push_back({world, "random", 2000, seed++});
    for (int i = 0; i < 12; ++i) worlds.push_back({world, "random", 5000, seed++});
    for (int i = 0; i < 12; ++i) worlds.push_back({world, "random", 20000, seed++});
    for (int i = 0; i < 8; ++i) worlds.push_back({world, "random", 60000, seed++});
    for (int i = 0; i < 4; ++i) worlds.push_back({world, "random", 150000, seed++});
  };
  if (name == "default") {  // two world models written from different ideas
    family("a");
    family("c");
  } else if (name == "a-only") {  // the built-in model before world C (docs/quality.md compares them)
    family("a");
  } else if (name == "quick") {  // for tests and trying the command: seconds, not minutes
    worlds = {{"a", "random", 3000, 1001}, {"a", "random", 3000, 1002}, {"a", "random", 4000, 1003}};
  } else {
    throw std::invalid_argument("--recipe must be default, a-only or quick, got '" + name + "'");
  }
  return worlds;
}

std::string recipe_world_label(const RecipeWorld& w) {
  return w.world + "/" + w.profile + "/" + std::to_string(w.accounts) + "/seed " + std::to_string(w.seed);
}

// Writes one recipe world into dir (snapshot.ndjson + truth.json).
void generate_recipe_world(const RecipeWorld& w, const std::string& dir) {
  const std::string ip_ranges = std::string(HYDRASCOPE_DATASETS_DIR) + "/ip-ranges";
  if (w.world == "c") {
    WorldCOptions c;
    c.accounts = w.accounts;
    c.seed = w.seed;
    c.ip_ranges_dir = ip_ranges;
    (void)generate_world_c(c, dir);
    return;
  }
  GeneratorOptions g = GeneratorOptions::for_profile(parse_profile(w.profile), w.accounts, w.seed);
  g.ip_ranges_dir = ip_ranges;
  (void)generate_world(g, dir);
}

std::string recipe_text(const std::string& name, const std::vector<RecipeWorld>& worlds) {
  std::string out = "recipe " + name + ": weights sqrt(mean accounts / accounts), ";
  std::uint64_t total = 0;
  for (const auto& w : worlds) total += w.accounts;
  out += std::to_string(worlds.size()) + " worlds (" + std::to_string(total) + " accounts): ";
  for (std::size_t i = 0; i < worlds.size(); ++i) {
    if (i > 0) out += ", ";
    out += recipe_world_label(worlds[i]);
  }
  return out;
}

int run_train(TrainArgs args, const Context& ctx) {
  const auto t_total = std::chrono::steady_clock::now();
  if (args.out.empty()) throw std::invalid_argument("--out must name the model file to write");
  args.booster.seed = args.seed;
  args.booster.threads = args.threads;
  args.booster.validate();
  args.rows.seed = args.seed;
  for (const auto& f : args.drop) args.rows.drop_families.push_back(parse_feature_family(f));
  args.rows.validate();
  const bool use_recipe = !args.recipe.empty();
  if (use_recipe && !args.snapshots.empty()) throw std::invalid_argument("give snapshots or --recipe, not both");
  if (!use_recipe && args.snapshots.empty()) throw std::invalid_argument("give one or more snapshots, or --recipe default");
  if (!use_recipe && !args.labels && args.truths.size() != args.snapshots.size())
    throw std::invalid_argument("give one --truth per snapshot (same order), or --labels to train on the snapshots' own labels");
  if (args.labels && !args.truths.empty()) throw std::invalid_argument("--labels and --truth exclude each other");

  PipelineOptions po;
  po.threads = args.threads;
  po.community.seed = args.seed;
  po.refine = RefineOptions::from_steps(args.refine_on, args.refine_off);
  po.community.resolution = args.resolution;
  po.graph.damping = args.damping;
  po.graph.type_weighting = args.type_weighting;
  po.validate();
  const std::string detection = detection_text(po);
  TrainingSet set;
  auto add_snapshot = [&](const std::string& path, const std::string& truth_path, const std::string& label,
                          double weight) {
    const auto t0 = std::chrono::steady_clock::now();
    const Snapshot snapshot = load_input(ctx, path, SnapshotFormat::Auto, args.threads, nullptr, /*progress=*/false);
    const PipelineResult r = run_pipeline(snapshot, po);
    std::vector<float> target;
    if (truth_path.empty()) {
      target = label_targets(snapshot, r.features);
    } else {
      const Truth truth = load_truth(truth_path);
      std::unordered_set<std::string> hydra;
      for (const auto& c : truth.clusters)
        if (c.kind == "hydra") hydra.insert(c.accounts.begin(), c.accounts.end());
      target = truth_targets(snapshot, r.features, hydra);
    }
    TrainingRowsOptions ro = args.rows;
    ro.drop_families.clear();  // every column is gathered; families are dropped below
    ro.weight = weight;
    append_training_rows(set, snapshot, r.features, target, ro, label);
    ctx.info("train: " + set.sources.back() + " (" + std::to_string(seconds_since(t0)).substr(0, 5) + " s)");
  };

  // The rows depend on the snapshots (or recipe), the refinement, the
  // sampling and the seed: that is the cache key (the schema is checked too).
  std::string cache_key = "recipe=" + (use_recipe ? recipe_text(args.recipe, recipe_worlds(args.recipe)) : "") + ";seed=" + std::to_string(args.seed) +
                          ";negative_sample=" + std::to_string(args.rows.negative_sample) + ";labels=" +
                          (args.labels ? "1" : "0") + ";refine=" + po.refine.steps_text() + ";detection=" + detection;
  for (const auto& x : args.snapshots) cache_key += ";snapshot=" + x;
  for (const auto& x : args.truths) cache_key += ";truth=" + x;
  const bool cached = !args.rows_cache.empty() && load_training_set(set, args.rows_cache, cache_key);
  if (cached) ctx.info("train: " + std::to_string(set.x.rows) + " rows from " + args.rows_cache);
  std::string trained_on;
  if (use_recipe) trained_on = recipe_text(args.recipe, recipe_worlds(args.recipe));
  if (cached) {
    if (!use_recipe) {
      trained_on = std::to_string(args.snapshots.size()) + " snapshot(s): ";
      for (std::size_t i = 0; i < args.snapshots.size(); ++i) trained_on += (i ? ", " : "") + args.snapshots[i];
    }
  } else if (use_recipe) {
    const auto worlds = recipe_worlds(args.recipe);
    trained_on = recipe_text(args.recipe, worlds);
    namespace fs = std::filesystem;
    const std::string work = args.work.empty() ? args.out + ".worlds-" + std::to_string(::getpid()) : args.work;
    std::error_code ec;
    fs::create_directories(work, ec);
    if (ec) throw std::runtime_error("cannot create " + work + ": " + ec.message());
    struct Cleanup {
      std::string dir;
      bool armed;
      ~Cleanup() {
        std::error_code e;
        if (armed) std::filesystem::remove_all(dir, e);
      }
    } cleanup{work, !args.keep_worlds && args.work.empty()};
    // World weights: sqrt(mean accounts / accounts), so that a small world
    // counts more per row than a large one without its few rows dominating.
    double mean_accounts = 0.0;
    for (const auto& w : worlds) mean_accounts += static_cast<double>(w.accounts);
    mean_accounts /= static_cast<double>(worlds.size());
    for (const auto& w : worlds) {
      // World A keeps the folder names of earlier recipes, so that a --work
      // folder of generated worlds stays reusable.
      const std::string dir = work + "/" + (w.world == "a" ? "" : w.world + "-") + w.profile + "-" +
                              std::to_string(w.accounts) + "-" + std::to_string(w.seed);
      if (!fs::exists(dir + "/truth.json")) generate_recipe_world(w, dir);
      add_snapshot(dir + "/snapshot.ndjson", dir + "/truth.json", recipe_world_label(w),
                   std::sqrt(mean_accounts / static_cast<double>(w.accounts)));
      if (!args.keep_worlds && args.work.empty()) fs::remove_all(dir, ec);
    }
  } else {
    for (std::size_t i = 0; i < args.snapshots.size(); ++i)
      add_snapshot(args.snapshots[i], args.labels ? std::string() : args.truths[i], args.snapshots[i], 1.0);
    trained_on = std::to_string(args.snapshots.size()) + " snapshot(s): ";
    for (std::size_t i = 0; i < args.snapshots.size(); ++i) trained_on += (i ? ", " : "") + args.snapshots[i];
  }
  if (!cached && !args.rows_cache.empty()) save_training_set(set, args.rows_cache, cache_key);
  if (!args.rows.drop_families.empty()) set = without_families(set, args.rows.drop_families);
  if (!args.from.empty() && !args.rows.drop_families.empty())
    throw std::invalid_argument("--from and --drop-family exclude each other (the base model reads every family)");
  if (set.positives == 0 || set.negatives == 0)
    throw std::invalid_argument("the training rows need both classes: " + std::to_string(set.positives) +
                                " positive and " + std::to_string(set.negatives) + " negative rows");

  ModelInfo info;
  info.recipe = "hydrascope features (" + std::to_string(set.x.names.size()) + " columns" +
                (args.rows.drop_families.empty() ? std::string() : ", families dropped: " + [&] {
                  std::string d;
                  for (auto f : args.rows.drop_families) d += (d.empty() ? "" : ",") + std::string(to_string(f));
                  return d;
                }()) +
                "); targets: " + (args.labels ? "the snapshots' banned (1) and trusted (0) labels" : "generated truth (hydra = 1)") +
                "; negatives alone in their community sampled at " + std::to_string(args.rows.negative_sample).substr(0, 5);
  info.trained_on = trained_on;
  info.extra["refine"] = po.refine.steps_text();
  info.extra["detection"] = detection;
  info.extra["name"] = args.name.empty() ? (use_recipe ? "hydrascope-" + args.recipe : "custom") : args.name;
  ctx.info("train: " + std::to_string(set.x.rows) + " rows (" + std::to_string(set.positives) + " positive) x " +
           std::to_string(set.x.names.size()) + " features; boosting " + std::to_string(args.booster.rounds) + " rounds");
  TrainReport report;
  Model model = [&] {
    if (args.from.empty()) return Model::train(set.x, set.label, set.weight, args.booster, info, &report, ctx.progress());
    const bool automatic = args.from == "auto";
    const Model base = automatic || args.from == "default" ? default_model() : Model::load_file(args.from);
    const std::string base_name = args.from == "default" || automatic ? std::string("the built-in model") : args.from;
    // The rows in the base model's columns (a column it has and the rows
    // lack stays missing; a column only the rows have is not used).
    FeatureMatrix x = FeatureMatrix::filled(base.feature_names(), set.x.rows);
    for (std::size_t c = 0; c < x.cols(); ++c) {
      const auto from = set.x.column(x.names[c]);
      if (!from) continue;
      for (std::uint64_t r = 0; r < x.rows; ++r) x.at(r, c) = set.x.at(r, *from);
    }
    // A confident base leaves hessians p (1 - p) near 0 on the rows it
    // already gets right, so a least hessian sum per leaf would keep any tree
    // from growing on a few hundred labels; lambda still bounds each leaf.
    BoosterOptions bo = args.booster;
    if (!args.min_child_weight_given) bo.min_child_weight = 0.0;
    if (automatic) {
      const StartChoice choice = choose_start(set, x, base, args.booster, bo, kStartFolds, args.seed);
      char text[256];
      std::snprintf(text, sizeof text, "%s (grouped %d-fold AUROC: boosting on %.4f, from scratch %.4f)",
                    choice.continued ? "boosting on from the built-in model" : "from scratch", choice.folds,
                    choice.auroc_continued, choice.auroc_scratch);
      ctx.info(std::string("train: --from auto: ") + text);
      info.extra["start"] = text;
      if (!choice.continued) return Model::train(set.x, set.label, set.weight, args.booster, info, &report, ctx.progress());
    }
    ctx.info("train: continuing from " + base_name + " (" + std::to_string(base.rounds()) + " trees)");
    return Model::train_from(base, x, set.label, set.weight, bo, info, &report, ctx.progress());
  }();
  ctx.end_progress();
  model.save_file(args.out);
  const std::string bytes = model.to_buffer();
  char line[256];
  std::snprintf(line, sizeof line, "train: %s written (%s, %d trees, train logloss %.4f, error %.4f); training %.1f s, total %.1f s",
                args.out.c_str(), human_bytes(static_cast<double>(std::filesystem::file_size(args.out))).c_str(),
                report.rounds, report.train_logloss, report.train_error, report.seconds, seconds_since(t_total));
  ctx.info(line);
  std::string out = "hydrascope train: " + std::to_string(set.x.rows) + " rows, " + std::to_string(set.positives) +
                    " positive, " + std::to_string(set.x.names.size()) + " features -> " + args.out + "\n";
  std::fwrite(out.data(), 1, out.size(), stdout);
  return kExitOk;
}

}  // namespace

void add_train(CLI::App& app, const Context& ctx, Action& action) {
  auto args = std::make_shared<TrainArgs>();
  auto* sub = app.add_subcommand("train", "Train a scoring model on labelled snapshots (or the default recipe of generated worlds)");
  sub->add_option("snapshots", args->snapshots, "Snapshots to learn from");
  sub->add_option("--truth", args->truths, "truth.json per snapshot, in the same order (hydra clusters = 1)");
  sub->add_flag("--labels", args->labels, "Learn from the snapshots' own labels: banned = 1, trusted = 0 (others skipped)");
  sub->add_option("--from", args->from,
                  "Keep boosting from this model file (or `default`, the built-in model): its trees first, --rounds more "
                  "fitted to these rows (an operator's own labels adjusting a general model); `auto`: boost on from the "
                  "built-in model or start from scratch, whichever ranks the rows better in grouped 5-fold cross-validation");
  sub->add_option("--recipe", args->recipe, "Generate and learn from the worlds of a recipe: default (the shipped model: worlds a and c), a-only (world a alone) or quick");
  sub->add_option("-o,--out", args->out, "Model file to write (.json or .json.gz)")->required();
  sub->add_option("--name", args->name, "Name recorded in the model (default: hydrascope-<recipe> or custom)");
  sub->add_option("--work", args->work, "Folder for the recipe's generated worlds (kept; default: a temporary folder beside --out)");
  sub->add_flag("--keep-worlds", args->keep_worlds, "Keep the generated worlds");
  sub->add_option("--seed", args->seed, "Seed of detection, sampling and boosting")->capture_default_str();
  sub->add_option("-t,--threads", args->threads, "Worker threads (0 = all cores); the model does not depend on it")
      ->capture_default_str();
  auto* b = "Boosting";
  sub->add_option("--rounds", args->booster.rounds, "Trees")->capture_default_str()->group(b);
  sub->add_option("--depth", args->booster.max_depth, "Tree depth")->capture_default_str()->group(b);
  sub->add_option("--eta", args->booster.eta, "Learning rate")->capture_default_str()->group(b);
  sub->add_option("--subsample", args->booster.subsample, "Share of rows per tree")->capture_default_str()->group(b);
  sub->add_option("--colsample", args->booster.colsample_bytree, "Share of features per tree")->capture_default_str()->group(b);
  sub->add_option("--min-child-weight", args->booster.min_child_weight,
                  "Least hessian sum per leaf (with --from: 0 unless given, docs/model.md)")
      ->capture_default_str()
      ->each([args](const std::string&) { args->min_child_weight_given = true; })
      ->group(b);
  auto* r = "Rows";
  sub->add_option("--negative-sample", args->rows.negative_sample,
                  "Keep this share of negatives alone in their community (weighted back)")
      ->capture_default_str()
      ->group(r);
  sub->add_option("--drop-family", args->drop, "Feature families to leave out (ablation), e.g. synchrony,seed")
      ->delimiter(',')
      ->group(r);
  sub->add_option("--rows-cache", args->rows_cache,
                  "Keep the gathered rows in FILE and reuse them when FILE was made by the same data and options "
                  "(ablations: every --drop-family trains on the same rows)")
      ->group(r);
  sub->add_option("--refine", args->refine_on,
                  "Refinement steps to run (as for run; a model should be used with the same steps it was trained with)")
      ->delimiter(',')
      ->group(r);
  sub->add_option("--refine-off", args->refine_off, "Refinement steps to skip (after --refine)")
      ->delimiter(',')
      ->group(r);
  sub->add_option("--resolution", args->resolution,
                  "Modularity resolution of community detection (as for run; a model should be used with the detection it was trained with)")
      ->capture_default_str()
      ->group(r);
  add_enum_option(*sub, "--damping", args->damping, damping_names(), "Hub damping of shared entities' edges (as for run)")
      ->group(r);
  add_enum_option(*sub, "--type-weighting", args->type_weighting, type_weighting_names(),
                  "Edge-type multipliers: named, uniform, spread or balanced (as for run)")
      ->group(r);
  sub->callback([&action, &ctx, args] { action = [&ctx, args] { return run_train(*args, ctx); }; });
}

}  // namespace hydrascope::cli
