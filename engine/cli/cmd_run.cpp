// `hydrascope run SNAPSHOT --out DIR`: the whole pipeline (load, build,
// detect, centralities, score, export) with progress per stage on stderr, a
// short ranked summary on stdout and the output folder written atomically
// (into DIR.tmp-<random>, renamed into place at the end, under a lock on DIR).
#include <CLI/CLI.hpp>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "cli_util.hpp"
#include "hydrascope/atomic_file.hpp"
#include "hydrascope/centrality.hpp"
#include "hydrascope/community.hpp"
#include "hydrascope/export.hpp"
#include "hydrascope/graph.hpp"
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
  std::uint64_t seed = 1;
  int threads = 0;
  // detection
  std::string algorithm = "leiden";
  double resolution = 1.0;
  std::uint32_t degree_cap = 5000;
  std::string damping = "log";
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
  std::string input_format = "auto";  // as detected; kept for a future --format
  bool estimate = false;    // --estimate: print the memory estimate and stop
  std::string max_memory;   // --max-memory SIZE: refuse a run estimated above it
  std::string max_input = "64G";
  std::string csv_guard = "sheets";  // --csv-guard  // --max-input-bytes SIZE: most uncompressed bytes read from the input
  // tracking (docs/tracking.md)
  std::string previous;     // --previous DIR: the previous run's folder
  std::string reviews;      // --reviews FILE: review decisions
  bool no_warm_start = false;
};

std::string trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return std::string(s);
}

// Applies `key = value` lines of a config file to the options of `sub` that
// were not given on the command line. Throws std::invalid_argument naming the
// file and line on an unknown key or a bad value.
void apply_config(CLI::App& sub, const std::string& path) {
  check_config_file(path);  // a regular file of at most 1 MiB: not a folder, not /dev/zero
  std::ifstream in(path);
  if (!in) throw std::invalid_argument("--config: cannot read " + path);
  std::string line;
  int number = 0;
  std::string section;
  while (std::getline(in, line)) {
    ++number;
    if (line.find('\0') != std::string::npos)
      throw std::invalid_argument(path + ":" + std::to_string(number) + ": NUL byte in a config file");
    const std::string t = trim(line.substr(0, line.find('#')));
    if (t.empty()) continue;
    const std::string where = path + ":" + std::to_string(number) + ": ";
    if (t.front() == '[') {
      if (t.back() != ']') throw std::invalid_argument(where + "bad section header");
      section = trim(std::string_view(t).substr(1, t.size() - 2));
      if (section != "run") throw std::invalid_argument(where + "unknown section [" + section + "] (only [run])");
      continue;
    }
    const auto eq = t.find('=');
    if (eq == std::string::npos) throw std::invalid_argument(where + "expected key = value");
    std::string key = trim(std::string_view(t).substr(0, eq));
    std::string value = trim(std::string_view(t).substr(eq + 1));
    for (char& c : key)
      if (c == '_') c = '-';
    if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') && value.back() == value.front())
      value = value.substr(1, value.size() - 2);
    if (key == "config" || key == "snapshot") throw std::invalid_argument(where + "'" + key + "' cannot be set in a config file");
    CLI::Option* opt = nullptr;
    try {
      opt = sub.get_option("--" + key);
    } catch (const CLI::Error&) {
      throw std::invalid_argument(where + "unknown option '" + key + "'");
    }
    if (opt->count() > 0) continue;  // the command line wins
    if (value.size() >= 2 && value.front() == '[' && value.back() == ']') {
      value = value.substr(1, value.size() - 2);
      for (char& c : value)
        if (c == '"' || c == '\'') c = ' ';
    }
    try {
      if (key == "report") {  // --report takes an optional FILE: true / false, or the file
        if (value == "false" || value == "0") continue;
        opt->add_result(value == "true" || value == "1" ? std::string() : value);
      } else if (opt->get_type_size() == 0) {  // a flag
        if (value == "true" || value == "1") opt->add_result(std::string("true"));
        else if (value == "false" || value == "0") continue;
        else throw std::invalid_argument("expected true or false");
      } else {
        opt->add_result(value);
      }
      opt->run_callback();
    } catch (const CLI::Error& e) {
      throw std::invalid_argument(where + key + ": " + e.what());
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument(where + key + ": " + e.what());
    }
  }
}

std::string fmt(const char* format, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}

RunOption opt_num(std::string key, double v) {
  RunOption o;
  o.key = std::move(key);
  o.number = v;
  o.is_number = true;
  return o;
}
RunOption opt_uint(std::string key, std::uint64_t v) {
  RunOption o;
  o.key = std::move(key);
  o.integer = v;
  o.is_integer = true;
  return o;
}
RunOption opt_str(std::string key, std::string v) {
  RunOption o;
  o.key = std::move(key);
  o.text = std::move(v);
  return o;
}
RunOption opt_bool(std::string key, bool v) {
  RunOption o;
  o.key = std::move(key);
  o.is_bool = true;
  o.boolean = v;
  return o;
}

SnapshotFormat lo_format(const RunArgs& args) { return parse_format_name(args.input_format); }

// A checksum of the model's file bytes, for run.json.
std::string model_bytes_checksum(const Model& model) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(hash_bytes(model.to_buffer())));
  return std::string("hash64:") + buf;
}

int run_command(RunArgs args, const Context& ctx) {
  const auto t_total = std::chrono::steady_clock::now();
  // --- options, checked before any work ------------------------------------
  const auto algo = parse_algorithm(args.algorithm);
  if (!algo) throw std::invalid_argument("--algo must be leiden, louvain, lpa or components, got '" + args.algorithm + "'");
  PipelineOptions po;
  po.community.algorithm = *algo;
  po.community.resolution = args.resolution;
  po.community.seed = args.seed;
  po.graph.degree_cap = args.degree_cap;
  po.graph.damping = parse_damping_name(args.damping);
  po.threads = args.threads;
  po.refine = refine_options(args.refine_on, args.refine_off);
  po.features.detrend = !args.no_detrend;
  po.scoring = args.scoring;
  po.scoring.calibrate = !args.no_calibrate;
  po.validate();
  args.report.validate();
  args.report.progress = ctx.progress();
  SuspectExportOptions so;
  try {
    const ExportFormats ef = parse_export_formats(args.formats);  // json is always written
    so.graphml = ef.graphml;
    so.gexf = ef.gexf;
    so.gexf13 = ef.gexf13;
    so.dot = ef.dot;
    so.csv = ef.csv;
    so.neo4j = ef.neo4j;
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument(std::string("--export: ") + e.what());
  }
  so.max_communities = args.max_suspects;
  const CsvGuard guard = parse_csv_guard(args.csv_guard);
  so.guard_csv = guard.data;
  so.progress = ctx.progress();
  if (args.out.empty()) throw std::invalid_argument("--out must name a folder");
  while (args.out.size() > 1 && args.out.back() == '/') args.out.pop_back();
  if (args.top < 0) throw std::invalid_argument("--top must be >= 0");
  const std::uint64_t max_memory = args.max_memory.empty() ? 0 : parse_size(args.max_memory);
  if (!args.max_memory.empty() && max_memory == 0) throw std::invalid_argument("--max-memory must be > 0");
  const std::uint64_t max_input = parse_size(args.max_input);
  if (max_input == 0) throw std::invalid_argument("--max-input-bytes must be > 0");
  // No output may write over or delete an input, whatever the flags.
  check_outputs_spare_inputs({args.input, args.config, args.model},
                             {{args.out, "--out", true}, {args.report_file, "--report", false}});

  // --- memory estimate, before any work -------------------------------------------
  // A pipe or FIFO can be read only once: it is not counted ahead, and
  // --max-memory is then enforced while loading (below).
  const bool stream = input_is_stream(args.input);
  if (args.estimate || (max_memory > 0 && !stream)) {
    const auto t0 = std::chrono::steady_clock::now();
    const MemoryEstimate est = estimate_run_memory(args.input, lo_format(args), max_input);
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
  const std::string model_checksum = model_bytes_checksum(model);
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
  const bool tracking = po.previous != nullptr || po.reviews != nullptr;

  std::vector<std::pair<std::string, double>> timings;
  auto stage_done = [&](const std::string& name, std::chrono::steady_clock::time_point t, const std::string& what) {
    const double s = seconds_since(t);
    timings.emplace_back(name, s);
    ctx.end_progress();
    ctx.info(name + ": " + what + " (" + fmt("%.2f", s) + " s)");
  };

  // --- load (read once; the checksum is that of the bytes read) ----------------
  auto t = std::chrono::steady_clock::now();
  LoadOptions lo;
  lo.max_input_bytes = max_input;
  lo.max_memory_bytes = max_memory;
  lo.memory_model = run_memory_model();
  lo.checksum = true;  // run.json records the checksum of the bytes read
  lo.format = lo_format(args);
  lo.threads = args.threads;
  lo.progress = ctx.progress();
  LoadReport load_report;
  const Snapshot snapshot = load_snapshot(args.input, lo, &load_report);
  std::uint64_t num_accounts = 0, with_activity = 0;
  for (NodeId v = 0; v < snapshot.num_nodes(); ++v)
    if (snapshot.kind(v) == NodeKind::Account) {
      ++num_accounts;
      with_activity += snapshot.has_activity(v) ? 1 : 0;
    }
  stage_done("load", t,
             std::to_string(snapshot.num_nodes()) + " nodes (" + std::to_string(num_accounts) + " accounts), " +
                 std::to_string(snapshot.num_edges()) + " edges, " + std::string(to_string(load_report.format)));
  if (num_accounts > 0 && with_activity == 0)
    ctx.warn("the snapshot has no activity: synchrony, balance and pivot features are missing (docs/features.md); "
             "a CSV snapshot carries it in activity.csv (docs/formats.md, section 4)");

  // --- build, detect, centralities, refine, features, score ---------------------------------------
  po.progress = ctx.progress();
  po.on_stage = [&](const StageReport& r) {
    timings.emplace_back(r.name, r.seconds);
    ctx.end_progress();
    ctx.info(r.name + ": " + r.summary + " (" + fmt("%.2f", r.seconds) + " s)");
  };
  const PipelineResult result = hydrascope::run_pipeline(snapshot, po);
  const ScoringResult& scoring = *result.scoring;
  const Partition& partition = result.partition();
  previous.reset();
  const TrackingResult* track = result.tracking ? &*result.tracking : nullptr;
  if (track != nullptr && track->withdrawn > 0)
    ctx.warn(std::to_string(track->withdrawn) + " review decision(s) applied by the previous run are not in " +
             (args.reviews.empty() ? std::string("this run (no --reviews)") : args.reviews) + ": withdrawn");
  const std::vector<std::string> hydra_ids = track != nullptr ? track->hydra_ids() : std::vector<std::string>{};

  // --- export into DIR.tmp-<random>, then rename ----------------------------------------------------
  t = std::chrono::steady_clock::now();
  namespace fs = std::filesystem;
  const std::string tmp = create_temp_folder(args.out + ".tmp-");  // a new, random name
  struct Cleanup {
    std::string dir;
    bool armed = true;
    ~Cleanup() {
      if (armed) {
        std::error_code e;
        std::filesystem::remove_all(dir, e);
      }
    }
  } cleanup{tmp};
  AccountColumns columns;
  columns.pagerank = result.pagerank.values;
  if (!result.seeds.empty()) columns.ppr = result.ppr.values;
  columns.core = result.cores.core;
  columns.hydra_id = hydra_ids;
  const std::uint64_t rows = write_accounts_csv(tmp + "/accounts.csv", snapshot, partition, scoring, columns, guard.sheets);
  write_communities_json(tmp + "/communities.json", snapshot, scoring, track);
  const std::vector<std::string> suspect_files =
      write_suspect_subgraphs(tmp + "/suspects", snapshot, result.incidence, partition, scoring, so, columns);
  const double export_seconds = seconds_since(t);
  ctx.end_progress();
  timings.emplace_back("export", export_seconds);
  timings.emplace_back("total", seconds_since(t_total));

  RunReport report;
  report.command = "run";
  report.input_path = args.input;
  report.input_bytes = load_report.input_bytes;
  report.input_checksum = load_report.checksum;
  const std::string refine_steps = refine_steps_text(po.refine);
  report.options = {opt_str("format", std::string(to_string(load_report.format))),
                    opt_uint("seed", args.seed),
                    opt_num("threads", args.threads),
                    opt_str("algorithm", std::string(to_string(po.community.algorithm))),
                    opt_num("resolution", args.resolution),
                    opt_num("degree_cap", args.degree_cap),
                    opt_str("damping", args.damping),
                    opt_str("refine", refine_steps),
                    opt_bool("detrend", po.features.detrend),
                    opt_num("threshold", po.scoring.threshold),
                    opt_num("min_accounts", po.scoring.min_accounts),
                    opt_num("min_flagged", po.scoring.min_flagged),
                    opt_num("min_flagged_share", po.scoring.min_flagged_share),
                    opt_bool("calibrate", po.scoring.calibrate),
                    opt_str("model", args.model.empty() ? std::string("built-in") : args.model),
                    opt_num("max_suspects", args.max_suspects),
                    opt_bool("graphml", so.graphml),
                    opt_bool("gexf", so.gexf),
                    opt_bool("gexf13", so.gexf13),
                    opt_bool("dot", so.dot),
                    opt_bool("csv", so.csv),
                    opt_bool("neo4j", so.neo4j)};
  if (tracking) {  // only then, so that a run without tracking writes the same run.json as before
    report.options.push_back(opt_str("previous", args.previous));
    report.options.push_back(opt_str("reviews", args.reviews));
    report.options.push_back(opt_bool("warm_start", po.warm_start && po.previous != nullptr));
  }
  report.model.name = scoring.model;
  report.model.source = args.model.empty() ? "built-in" : args.model;
  report.model.checksum = model_checksum;
  report.model.calibrated = scoring.calibration.applied;
  report.model.slope = scoring.calibration.slope;
  report.model.intercept = scoring.calibration.intercept;
  report.model.banned = scoring.calibration.positives;
  report.model.trusted = scoring.calibration.negatives;
  report.model.note = scoring.calibration.note;
  // Times and peak memory vary from run to run: they go to timings.json, so
  // that every other file of the folder is byte-identical for the same input,
  // options, seed and thread count.
  report.counts = {{"nodes", snapshot.num_nodes()},
                   {"edges", snapshot.num_edges()},
                   {"accounts", num_accounts},
                   {"analysis_edges", result.graph.num_edges()},
                   {"excluded_hubs", result.build.excluded_hubs},
                   {"seeds", result.seeds.size()},
                   {"detected_communities", result.detected.partition.num_communities},
                   {"communities", partition.num_communities},
                   {"scored_communities", scoring.details.size()},
                   {"suspect_communities", scoring.suspect_communities},
                   {"suspect_accounts", scoring.suspect_accounts},
                   {"account_rows", rows}};
  if (track != nullptr) {
    report.counts.emplace_back("hydras", track->run.communities.size());
    report.counts.emplace_back("warm_started_nodes", result.warm_started_nodes);
    for (int e = 0; e < kNumHydraEvents; ++e)
      report.counts.emplace_back("event_" + std::string(to_string(static_cast<HydraEvent>(e))),
                                 track->match.counts[static_cast<std::size_t>(e)]);
  }
  report.files = {"accounts.csv", "communities.json"};
  for (const auto& f : suspect_files) report.files.push_back("suspects/" + f);
  const bool want_report = args.report_option != nullptr && args.report_option->count() > 0;
  const bool report_inside = want_report && args.report_file.empty();
  if (report_inside) report.files.push_back("report.html");
  report.files.push_back("run.json");
  report.files.push_back("timings.json");
  write_run_json(tmp + "/run.json", report);
  const std::uint64_t peak_rss = peak_rss_bytes();
  write_timings_json(tmp + "/timings.json", timings, peak_rss);
  if (report_inside) (void)write_report(tmp, tmp + "/report.html", args.report);
  ctx.end_progress();

  // Swap the finished folder into place: one atomic exchange when the folder
  // exists, so that a kill at any moment leaves either the previous result or
  // the new one under DIR (and at most a DIR.tmp-<random> beside it).
  swap_folder_into_place(tmp, args.out);
  cleanup.armed = false;
  if (want_report && !report_inside) (void)write_report(args.out, args.report_file, args.report);
  ctx.info("export: " + args.out + " (" + std::to_string(suspect_files.size()) + " suspect subgraph files, " +
           fmt("%.2f", export_seconds) + " s); total " + fmt("%.2f", seconds_since(t_total)) + " s, peak RSS " +
           human_bytes(static_cast<double>(peak_rss)));

  // --- ranked summary on stdout ---------------------------------------------------------------------
  std::ostringstream out;
  // The communities the results are about: detection's, after refinement
  // (the detect and refine lines above give both counts).
  out << "hydrascope run: " << num_accounts << " accounts, " << partition.num_communities << " communities ("
      << result.detected.partition.num_communities << " detected, " << partition.num_communities
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
  out << "output: " << args.out << "/ (accounts.csv, communities.json, suspects/ with " << suspect_files.size()
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
  sub->add_option("--config", args->config,
                  "Read options from a file of `key = value` lines (keys = long option names without --; "
                  "`#` comments; an optional [run] section); the command line wins");
  sub->add_option("snapshot", args->input, "Snapshot file (JSON, NDJSON, .gz) or CSV-pair folder")->required();
  sub->add_option("-o,--out", args->out, "Output folder (replaced atomically when the run completes)")->required();
  sub->add_option("--seed", args->seed, "Seed of community detection")->capture_default_str()->check(unsigned_integer());
  sub->add_option("-t,--threads", args->threads, "Worker threads (0 = all cores; at most 1024)")->capture_default_str()->check(CLI::Range(0, 1024));
  auto* det = "Detection";
  sub->add_option("--algo", args->algorithm, "leiden | louvain | lpa | components")->capture_default_str()->group(det);
  sub->add_option("--resolution", args->resolution, "Modularity resolution")->capture_default_str()->group(det);
  sub->add_option("--degree-cap", args->degree_cap, "Entities with more neighbours leave the analysis graph (0 = none)")
      ->capture_default_str()
      ->check(unsigned_integer())
      ->group(det);
  sub->add_option("--damping", args->damping, "Hub damping of shared entities' edges: none, log (1/ln(e+deg)), sqrt or degree")
      ->capture_default_str()
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
  sub->add_option("--export", args->formats, "Extra subgraph formats: graphml,gexf (1.2),gexf13,dot,csv,neo4j (json is always written)")->delimiter(',')->group(ex);
  sub->add_option("--max-suspects", args->max_suspects, "Write subgraphs of at most this many suspect communities (0 = all)")
      ->capture_default_str()
      ->check(unsigned_integer())
      ->group(ex);
  sub->add_option("--top", args->top, "Suspect communities listed on stdout")->capture_default_str()->group(ex);
  args->report_option =
      sub->add_option("--report", args->report_file,
                      "Also write the HTML report (hydrascope report) to FILE, or to DIR/report.html without FILE")
          ->expected(0, 1)
          ->group(ex);
  sub->add_option("--csv-guard", args->csv_guard, kCsvGuardHelp)->capture_default_str()->group(ex);
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
  sub->callback([&action, &ctx, args, sub] {
    action = [&ctx, args, sub] {
      if (!args->config.empty()) apply_config(*sub, args->config);
      return run_command(*args, ctx);
    };
  });
}

}  // namespace hydrascope::cli
