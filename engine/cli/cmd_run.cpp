// `hydrascope run SNAPSHOT --out DIR`: option binding around run_pipeline()
// and write_run_folder() (engine/pipeline): progress per stage on stderr, a
// short ranked summary on stdout, the memory estimate and limits, and the lock
// on DIR while the folder is written and swapped into place.
#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "cli_enum.hpp"
#include "cli_util.hpp"
#include "hydrascope/community.hpp"
#include "hydrascope/export.hpp"
#include "hydrascope/io.hpp"
#include "hydrascope/model.hpp"
#include "hydrascope/pipeline.hpp"
#include "hydrascope/report.hpp"
#include "hydrascope/scoring.hpp"
#include "hydrascope/strings.hpp"
#include "hydrascope/tracking.hpp"

namespace hydrascope::cli {
namespace {

struct RunArgs {
  std::string input;
  std::string out;
  // seed, threads and detection (--algo, --resolution, --degree-cap,
  // --damping) are bound straight into the pipeline's options
  PipelineOptions po;
  // refinement, features, scoring
  std::vector<std::string> refine_on;   // --refine split_separated,... (empty: the defaults)
  std::vector<std::string> refine_off;  // --refine-off split_by_proxy,...
  ScoringOptions scoring;
  bool no_detrend = false;
  bool no_calibrate = false;
  std::string model;  // --model FILE (default: the built-in model)
  // output
  std::vector<std::string> formats;
  std::uint32_t max_suspects = 0;
  int top = 10;
  std::string config;
  // --report [FILE]: the HTML report (DIR/report.html when FILE is not given)
  CLI::Option* report_option = nullptr;
  std::string report_file;
  ReportOptions report;
  // limits
  bool force = false;       // --force: replace a non-empty --out
  SnapshotFormat input_format = SnapshotFormat::Auto;  // as detected; kept for a future --input-format
  bool estimate = false;    // --estimate: print the memory estimate and stop
  std::string max_memory;   // --max-memory SIZE: refuse a run estimated above it
  std::string max_input = "64G";  // --max-input-bytes SIZE: most uncompressed bytes read from the input
  CsvGuardMode csv_guard = CsvGuardMode::Sheets;  // --csv-guard
  // tracking (docs/tracking.md)
  std::string previous;     // --previous DIR: the previous run's folder
  std::string reviews;      // --reviews FILE: review decisions
  bool no_warm_start = false;
};

// The names of --algo (as run.json writes them).
std::vector<std::pair<std::string, Algorithm>> algorithm_names() {
  std::vector<std::pair<std::string, Algorithm>> out;
  for (const Algorithm a : {Algorithm::Leiden, Algorithm::Louvain, Algorithm::LabelPropagation, Algorithm::Components})
    out.emplace_back(std::string(to_string(a)), a);
  return out;
}

std::string fmt(const char* format, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}


int run_command(RunArgs args, const Context& ctx) {
  // --- options, checked before any work ------------------------------------
  PipelineOptions po = args.po;
  po.refine = RefineOptions::from_steps(args.refine_on, args.refine_off);
  po.features.detrend = !args.no_detrend;
  po.scoring = args.scoring;
  po.scoring.calibrate = !args.no_calibrate;
  po.model_file = args.model;
  po.validate();
  args.report.validate();
  args.report.progress = ctx.progress();
  RunFolderOptions fo;
  SuspectExportOptions& so = fo.suspects;
  try {
    const ExportFormats ef = parse_export_formats(args.formats);  // json is always written
    so.graphml = ef.graphml;
    so.gexf = ef.gexf;
    so.gexf13 = ef.gexf13;
    so.dot = ef.dot;
    so.csv = ef.csv;
    so.neo4j = ef.neo4j;
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument(std::string("--export-formats: ") + e.what());
  }
  so.max_communities = args.max_suspects;
  const CsvGuard guard = csv_guard_of(args.csv_guard);
  so.guard_csv = guard.data;
  so.progress = ctx.progress();
  fo.guard_sheets = guard.sheets;
  fo.replace = args.force;
  const bool want_report = args.report_option != nullptr && args.report_option->count() > 0;
  fo.report = want_report && args.report_file.empty();  // DIR/report.html, inside the folder swapped into place
  fo.report_options = args.report;
  if (want_report) {  // the report's options change report.html: run.json records them
    RunOption file;  // whether a report was written (its place, DIR/report.html or FILE, changes no byte of it)
    file.key = "report";
    file.is_bool = true;
    file.boolean = true;
    RunOption sections;
    sections.key = "report_communities";
    sections.is_integer = true;
    sections.integer = args.report.max_communities;
    RunOption seed;
    seed.key = "report_seed";
    seed.is_integer = true;
    seed.integer = args.report.seed;
    fo.extra_options = {file, sections, seed};
  }
  fo.validate();
  if (args.out.empty()) throw std::invalid_argument("--out must name a folder");
  while (args.out.size() > 1 && args.out.back() == '/') args.out.pop_back();
  if (args.top < 0) throw std::invalid_argument("--show must be >= 0");
  const std::uint64_t max_memory = args.max_memory.empty() ? 0 : parse_size(args.max_memory);
  if (!args.max_memory.empty() && max_memory == 0) throw std::invalid_argument("--max-memory must be > 0");
  const std::uint64_t max_input = parse_size(args.max_input);
  if (max_input == 0) throw std::invalid_argument("--max-input-bytes must be > 0");
  // No output may write over or delete an input, whatever the flags.
  check_outputs_spare_inputs({args.input, args.config, args.model},
                             {{args.out, "--out", true}, {args.report_file, "--report", false}});

  // Under mpirun (docs/scale.md): every rank takes part in the load; the
  // other ranks then stop, and rank 0 runs the stages and writes --out alone.
  const Distributed* dist = distributed();
  if (dist != nullptr && dist->rank != 0) {
    if (args.estimate) return kExitOk;
    LoadOptions lo;
    lo.max_input_bytes = max_input;
    lo.memory_model = run_memory_model();
    lo.checksum = true;
    lo.format = args.input_format;
    lo.threads = po.threads;
    (void)dist->load(args.input, lo, nullptr);
    return kExitOk;
  }

  // --- memory estimate, before any work -------------------------------------------
  // A pipe or FIFO can be read only once: it is not counted ahead, and
  // --max-memory is then enforced while loading (below).
  const bool stream = input_is_stream(args.input);
  if (args.estimate || (max_memory > 0 && !stream)) {
    const auto t0 = std::chrono::steady_clock::now();
    const MemoryEstimate est = estimate_run_memory(args.input, args.input_format, max_input);
    const std::string line = "estimated peak memory " + human_bytes(static_cast<double>(est.peak_bytes)) + " (" +
                             std::to_string(est.count.nodes) + " nodes, " + std::to_string(est.count.edges) +
                             " edges counted in " + human_bytes(static_cast<double>(est.count.bytes)) + " of " +
                             std::string(to_string(est.count.format)) + ", " + fmt("%.2f", seconds_since(t0)) + " s)";
    if (args.estimate) {
      std::string out = "{\"estimated_peak_bytes\":" + std::to_string(est.peak_bytes) +
                        ",\"nodes\":" + std::to_string(est.count.nodes) + ",\"edges\":" +
                        std::to_string(est.count.edges) + ",\"activity_values\":" +
                        std::to_string(est.count.activity_values) + ",\"bytes\":" + std::to_string(est.count.bytes) +
                        ",\"format\":\"" + std::string(to_string(est.count.format)) + "\"";
      if (max_memory > 0) out += ",\"max_memory_bytes\":" + std::to_string(max_memory);
      out += "}\n";
      ctx.info(line);
      std::fwrite(out.data(), 1, out.size(), stdout);
      if (max_memory > 0 && est.peak_bytes > max_memory)
        throw ResourceLimitError(args.input + ": " + line + " is over --max-memory " + args.max_memory);
      return kExitOk;
    }
    if (est.peak_bytes > max_memory)
      throw ResourceLimitError(args.input + ": " + line + " is over --max-memory " + args.max_memory +
                               " (nothing was built; raise the limit or split the snapshot)");
    ctx.info(line + ", within --max-memory " + args.max_memory);
  }
  // One command at a time writes DIR: the lock is held until the folder is in place.
  const OutLock out_lock(args.out);
  check_out_folder(args.out, args.force);

  // --- the model, before the snapshot (a bad model file fails fast) ------------------
  const Model model = args.model.empty() ? default_model() : Model::load_file(args.model);
  po.model = &model;
  // --- tracking inputs, before the snapshot (a bad file fails fast) -----------------------
  std::optional<TrackedRun> previous;
  std::optional<Reviews> reviews;
  if (!args.previous.empty()) {
    previous = RunData::read_tracking(args.previous);
    po.previous = &*previous;
  }
  if (!args.reviews.empty()) {
    reviews = read_reviews(args.reviews);
    po.reviews = &*reviews;
  }
  po.warm_start = !args.no_warm_start;
  po.release = true;  // free each stage's inputs once no later stage or file reads them
  fo.previous = args.previous;  // run.json records them when the run is tracked
  fo.reviews = args.reviews;

  // --- load, build, detect, centralities, refine, features, score, track (read
  // once; the checksum is that of the bytes read) ------------------------------------------------
  po.load.max_input_bytes = max_input;
  po.load.max_memory_bytes = max_memory;
  po.load.memory_model = run_memory_model();
  po.load.checksum = true;  // run.json records the checksum of the bytes read
  po.load.format = args.input_format;
  if (dist != nullptr) po.loader = dist->load;
  po.progress = ctx.progress();
  po.on_stage = [&](const StageReport& r) {
    ctx.end_progress();
    ctx.info(r.name + ": " + r.summary + " (" + fmt("%.2f", r.seconds) + " s)");
    for (const std::string& w : r.warnings) ctx.warn(w);
  };
  const RunResult result = hydrascope::run_pipeline(args.input, po);
  if (dist != nullptr && dist->summary)
    if (const std::string line = dist->summary(); !line.empty()) ctx.debug(line);
  const ScoringResult& scoring = result.scoring();
  const Partition& partition = result.partition();
  previous.reset();
  const TrackingResult* track = result.tracking();
  if (track != nullptr && track->withdrawn > 0)
    ctx.warn(std::to_string(track->withdrawn) + " review decision(s) applied by the previous run are not in " +
             (args.reviews.empty() ? std::string("this run (no --reviews)") : args.reviews) + ": withdrawn");

  // --- the run folder, written into DIR.tmp-<random> and swapped into place -------------------------
  const RunFolderReport written = write_run_folder(result, args.out, fo);
  ctx.end_progress();
  if (want_report && !fo.report) (void)write_report(args.out, args.report_file, args.report);
  ctx.info("export: " + args.out + " (" + std::to_string(written.suspect_files.size()) + " suspect subgraph files, " +
           fmt("%.2f", written.seconds) + " s); total " + fmt("%.2f", seconds_since(result.started)) + " s, peak RSS " +
           human_bytes(static_cast<double>(written.peak_rss_bytes)));

  // --- ranked summary on stdout ---------------------------------------------------------------------
  std::ostringstream out;
  // The communities the results are about: detection's, after refinement
  // (the detect and refine lines above give both counts).
  out << "hydrascope run: " << result.accounts << " accounts, " << partition.num_communities << " communities ("
      << result.stages.detected.partition.num_communities << " detected, " << partition.num_communities
      << " after refinement; " << scoring.details.size() << " scored), " << scoring.suspect_communities
      << " suspect communities, " << scoring.suspect_accounts
      << " suspect accounts (threshold " << format_number(po.scoring.threshold) << ")\n";
  if (track != nullptr) out << tracking_summary(*track) << "\n";
  if (!scoring.ranking.empty() && args.top > 0) {
    out << "rank  community  accounts  flagged   risk  evidence\n";
    int rank = 0;
    for (CommunityId c : scoring.ranking) {
      if (rank >= args.top) break;
      ++rank;
      const auto& cs = scoring.communities[c];
      const auto& d = scoring.details[cs.detail];
      std::string fams;
      for (const auto& r : d.reasons) fams += (fams.empty() ? "" : ", ") + std::string(to_string(r.family));
      char line[128];
      std::snprintf(line, sizeof line, "%4d  %9u  %8llu  %7llu  %5.3f  ", rank, c,
                    static_cast<unsigned long long>(cs.accounts), static_cast<unsigned long long>(cs.flagged), cs.risk);
      out << line << one_line(fams);
      if (track != nullptr && track->index_of[c] != TrackedRun::kUntracked) {
        const auto i = track->index_of[c];
        out << "  [" << track->run.communities[i].hydra_id << " " << to_string(track->match.tracks[i].event) << "]";
      }
      out << "\n";
      if (!d.reasons.empty()) out << "      " << one_line(d.reasons.front().text) << "\n";
    }
    if (scoring.ranking.size() > static_cast<std::size_t>(args.top))
      out << "(" << scoring.ranking.size() - static_cast<std::size_t>(args.top) << " more in communities.json)\n";
  }
  out << "output: " << args.out << "/ (accounts.csv, communities.json, suspects/ with " << written.suspect_files.size()
      << " files, run.json, timings.json)\n";
  const std::string text = terminal_text(out.str());  // ids and reasons may hold ESC, BEL, CR...
  std::fwrite(text.data(), 1, text.size(), stdout);
  return kExitOk;
}

}  // namespace

void add_run(CLI::App& app, const Context& ctx, Action& action) {
  auto args = std::make_shared<RunArgs>();
  auto* sub = app.add_subcommand("run", "Full pipeline: load, build, detect, score, export (accounts.csv, "
                                        "communities.json, suspects/, run.json, timings.json)");
  // --config FILE: read by CLI11's reader and applied by the dispatcher (docs/cli.md, "Config files").
  sub->set_config("--config", "", kConfigHelp)
      ->type_name("FILE")
      ->each([args](const std::string& path) { args->config = path; });
  sub->add_option("snapshot", args->input, "Snapshot file (JSON, NDJSON, .gz) or CSV-pair folder")->required();
  sub->add_option("-o,--out", args->out, "Output folder (replaced atomically when the run completes)")->required();
  PipelineOptions& po = args->po;
  sub->add_option("--seed", po.community.seed, "Seed of community detection")->capture_default_str()->check(unsigned_integer());
  sub->add_option("-t,--threads", po.threads, "Worker threads (0 = all cores; at most 1024)")->capture_default_str()->check(CLI::Range(0, 1024));
  auto* det = "Detection";
  add_enum_option(*sub, "--algo", po.community.algorithm, algorithm_names(), "Community detection algorithm")->group(det);
  sub->add_option("--resolution", po.community.resolution, "Modularity resolution")->capture_default_str()->group(det);
  sub->add_option("--degree-cap", po.graph.degree_cap, "Entities with more neighbours leave the analysis graph (0 = none)")
      ->capture_default_str()
      ->check(unsigned_integer())
      ->group(det);
  add_enum_option(*sub, "--damping", po.graph.damping, damping_names(),
                  "Hub damping of shared entities' edges: none, log (1/ln(e+deg)), sqrt or degree (1/deg)")
      ->group(det);
  add_enum_option(*sub, "--type-weighting", po.graph.type_weighting, type_weighting_names(),
                  "Edge-type multipliers: named (by type name, docs/community.md), uniform (all 1), spread "
                  "(each account spreads one unit over its edges of each type) or balanced (each type divided by its "
                  "mean edges per account)")
      ->group(det);
  auto* sc = "Scoring";
  sub->add_option("--model", args->model,
                  "Model file (hydrascope train --out); default: the built-in model (docs/scoring.md)")
      ->group(sc);
  sub->add_option("--threshold", args->scoring.threshold, "Risk at or above which an account is suspect")
      ->capture_default_str()
      ->group(sc);
  sub->add_option("--min-flagged", args->scoring.min_flagged,
                  "Suspect accounts a community needs to be a suspect community")
      ->capture_default_str()
      ->group(sc);
  sub->add_option("--min-flagged-share", args->scoring.min_flagged_share,
                  "... and at least this share of its accounts suspect, in [0, 1]")
      ->capture_default_str()
      ->group(sc);
  sub->add_option("--min-accounts", args->scoring.min_accounts,
                  "Smallest community (in accounts) listed with its features in communities.json")
      ->capture_default_str()
      ->group(sc);
  sub->add_flag("--no-calibrate", args->no_calibrate,
                "Do not calibrate the model on the snapshot's banned and trusted labels")
      ->group(sc);
  sub->add_flag("--no-detrend", args->no_detrend,
                "Do not remove the snapshot-wide shape and each account's daily routine before synchrony")
      ->group(sc);
  sub->add_option("--refine", args->refine_on,
                  "Refinement steps to run: split_by_proxy,split_tied,split_separated,rehome,merge, all or none "
                  "(default split_separated; a model should be used with the steps it was trained with)")
      ->delimiter(',')
      ->group(det);
  sub->add_option("--refine-off", args->refine_off, "Refinement steps to skip (after --refine)")
      ->delimiter(',')
      ->group(det);
  auto* ex = "Output";
  auto* formats = sub->add_option("--export-formats", args->formats,
                                  "Extra subgraph formats: graphml,gexf (1.2),gexf13,dot,csv,neo4j (json is always written)")
                      ->delimiter(',')
                      ->group(ex);
  deprecated_alias(sub->add_option("--export", args->formats)->delimiter(','), formats);
  sub->add_option("--max-suspects", args->max_suspects, "Write subgraphs of at most this many suspect communities (0 = all)")
      ->capture_default_str()
      ->check(unsigned_integer())
      ->group(ex);
  auto* show = sub->add_option("--show", args->top, "Suspect communities listed on stdout")->capture_default_str()->group(ex);
  deprecated_alias(sub->add_option("--top", args->top), show);
  args->report_option =
      sub->add_option("--report", args->report_file,
                      "Also write the HTML report (hydrascope report) to FILE, or to DIR/report.html without FILE")
          ->expected(0, 1)
          ->group(ex);
  add_csv_guard_option(*sub, args->csv_guard)->group(ex);
  sub->add_flag("--force", args->force, "Replace the results in --out when it exists and is not empty")->group(ex);
  add_report_options(*sub, args->report, ex);
  auto* lim = "Limits";
  auto* tr = "Tracking (docs/tracking.md)";
  sub->add_option("--previous", args->previous,
                  "The previous run's output folder: warm-start detection from it, carry hydra ids, report events")
      ->group(tr);
  sub->add_option("--reviews", args->reviews,
                  "Review decisions (CSV: hydra_id|account_id|entity_id, decision, by, at, note; docs/formats.md)")
      ->group(tr);
  sub->add_flag("--no-warm-start", args->no_warm_start, "With --previous: detect communities from scratch (cold start)")
      ->group(tr);
  sub->add_flag("--estimate", args->estimate,
                "Print the estimated peak memory of the run (JSON on stdout) and exit without running")
      ->group(lim);
  sub->add_option("--max-memory", args->max_memory,
                  "Refuse, before building anything, a run whose estimated peak memory is over SIZE (e.g. 4G, 512M): "
                  "exit code 4")
      ->group(lim);
  sub->add_option("--max-input-bytes", args->max_input,
                  "Stop (exit 1) after this many uncompressed bytes of input, e.g. a gzip bomb (default 64G)")
      ->capture_default_str()
      ->group(lim);
  sub->callback([&action, &ctx, args] {
    action = [&ctx, args] { return run_command(*args, ctx); };
  });
}

}  // namespace hydrascope::cli
