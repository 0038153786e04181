// write_run_folder(): the run folder of `hydrascope run` (accounts.csv,
// communities.json, suspects/, run.json, timings.json, report.html on
// request), written into a temporary folder and swapped into place.
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "hydrascope/atomic_file.hpp"
#include "hydrascope/pipeline.hpp"

namespace hydrascope {

namespace {

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
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

// A folder that exists must be a folder, and empty unless `replace`.
void check_folder(const std::string& dir, bool replace) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const auto st = fs::status(dir, ec);
  if (ec || !fs::exists(st)) return;
  if (!fs::is_directory(st)) throw std::invalid_argument("run folder " + dir + " exists and is not a folder");
  if (replace) return;
  if (!fs::is_empty(dir, ec) || ec)
    throw std::invalid_argument("run folder " + dir + " exists and is not empty (replace = true to replace its results)");
}

RunReport run_report(const RunResult& result, const RunFolderOptions& options) {
  const ScoringResult& scoring = result.scoring();
  const Snapshot& snapshot = *result.snapshot;
  RunReport report;
  report.command = options.command;
  report.input_path = result.input_path;
  report.input_bytes = result.load.input_bytes;
  report.input_checksum = result.load.checksum;
  report.options = recorded_options(result, options);
  report.model.name = scoring.model;
  report.model.source = result.model_source;
  report.model.checksum = result.model_checksum;
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
                   {"accounts", result.accounts},
                   {"analysis_edges", result.stages.analysis_edges},
                   {"excluded_hubs", result.stages.build.excluded_hubs},
                   {"seeds", result.stages.seeds.size()},
                   {"detected_communities", result.stages.detected.partition.num_communities},
                   {"communities", result.partition().num_communities},
                   {"scored_communities", scoring.details.size()},
                   {"suspect_communities", scoring.suspect_communities},
                   {"suspect_accounts", scoring.suspect_accounts}};
  return report;
}

}  // namespace

void RunFolderOptions::validate() const {
  report_options.validate();
  if (command.empty()) throw std::invalid_argument("RunFolderOptions::command must not be empty");
}

std::vector<RunOption> recorded_options(const RunResult& result, const RunFolderOptions& folder) {
  const PipelineOptions& po = result.options;
  const SuspectExportOptions& so = folder.suspects;
  std::vector<RunOption> o = {
      opt_str("format", result.input_path.empty() ? std::string("memory") : std::string(to_string(result.load.format))),
      opt_uint("seed", po.community.seed),
      opt_num("threads", po.threads),
      opt_str("algorithm", std::string(to_string(po.community.algorithm))),
      opt_num("resolution", po.community.resolution),
      opt_num("degree_cap", po.graph.degree_cap),
      opt_str("damping", std::string(to_string(po.graph.damping))),
      opt_str("type_weighting", std::string(to_string(po.graph.type_weighting))),
      opt_str("refine", po.refine.steps_text()),
      opt_bool("detrend", po.features.detrend),
      opt_num("threshold", po.scoring.threshold),
      opt_num("min_accounts", po.scoring.min_accounts),
      opt_num("min_flagged", po.scoring.min_flagged),
      opt_num("min_flagged_share", po.scoring.min_flagged_share),
      opt_bool("calibrate", po.scoring.calibrate),
      opt_str("model", result.model_source),
      opt_num("max_suspects", so.max_communities),
      opt_bool("graphml", so.graphml),
      opt_bool("gexf", so.gexf),
      opt_bool("gexf13", so.gexf13),
      opt_bool("dot", so.dot),
      opt_bool("csv", so.csv),
      opt_bool("neo4j", so.neo4j),
      // --csv-guard: which CSV files get a leading ' before formula-like cells
      opt_str("csv_guard", so.guard_csv ? "all" : folder.guard_sheets ? "sheets" : "none")};
  if (result.tracking() != nullptr) {
    o.push_back(opt_str("previous", folder.previous));
    o.push_back(opt_str("reviews", folder.reviews));
    o.push_back(opt_bool("warm_start", po.warm_start && !folder.previous.empty()));
  }
  for (const RunOption& extra : folder.extra_options) o.push_back(extra);
  return o;
}

namespace {
void append_name(std::string& out, const std::string& name) {
  out += '"';
  for (const char c : name) {  // stage names are ours, but stay valid JSON whatever they hold
    if (c == '"' || c == '\\') out += '\\';
    if (static_cast<unsigned char>(c) >= 0x20) out += c;
  }
  out += '"';
}
}  // namespace

void write_timings_json(const std::string& path, const std::vector<std::pair<std::string, double>>& timings,
                        std::uint64_t peak_rss, const std::vector<StageMemory>& memory) {
  std::string out = "{\"format\":\"hydrascope.timings\",\"version\":1,\"timings_seconds\":{";
  bool first = true;
  for (const auto& [name, seconds] : timings) {
    if (!first) out += ',';
    first = false;
    append_name(out, name);
    char buf[32];
    std::snprintf(buf, sizeof buf, ":%.6f", seconds);
    out += buf;
  }
  out += "},\"peak_rss_bytes\":" + std::to_string(peak_rss);
  if (!memory.empty()) {
    // Per stage: the resident set at its end and the peak up to its end.
    for (const bool peak : {false, true}) {
      out += peak ? ",\"stage_peak_rss_bytes\":{" : ",\"stage_rss_bytes\":{";
      first = true;
      for (const StageMemory& m : memory) {
        if (!first) out += ',';
        first = false;
        append_name(out, m.name);
        out += ':' + std::to_string(peak ? m.peak_rss_bytes : m.rss_bytes);
      }
      out += '}';
    }
  }
  out += "}\n";
  write_file_atomic(path, out);
}

RunFolderReport write_run_folder(const RunResult& result, const std::string& dir_given, const RunFolderOptions& options) {
  options.validate();
  if (result.snapshot == nullptr || !result.stages.scoring)
    throw std::invalid_argument("write_run_folder: the result holds no scored run");
  if (dir_given.empty()) throw std::invalid_argument("write_run_folder: the folder name is empty");
  std::string dir = dir_given;
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  check_folder(dir, options.replace);
  const auto t = std::chrono::steady_clock::now();
  {
    const std::filesystem::path parent = std::filesystem::path(dir).parent_path();
    std::error_code ec;
    if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  }
  const std::string tmp = create_temp_folder(dir + ".tmp-");  // a new, random name
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

  const Snapshot& snapshot = *result.snapshot;
  const ScoringResult& scoring = result.scoring();
  const AccountColumns columns = result.columns();
  RunFolderReport out;
  out.account_rows =
      write_accounts_csv(tmp + "/accounts.csv", snapshot, result.partition(), scoring, columns, options.guard_sheets,
                         result.options.threads);
  const TrackingResult* track = result.tracking();
  write_communities_json(tmp + "/communities.json", snapshot, scoring, track);
  SuspectExportOptions suspects = options.suspects;
  if (suspects.threads == 0) suspects.threads = result.options.threads;
  out.suspect_files = write_suspect_subgraphs(tmp + "/suspects", snapshot, result.stages.incidence, result.partition(),
                                              scoring, suspects, columns);
  out.seconds = seconds_since(t);
  std::vector<std::pair<std::string, double>> timings = result.timings;
  timings.emplace_back("export", out.seconds);
  timings.emplace_back("total", seconds_since(result.started));
  std::vector<StageMemory> memory = result.memory;
  {
    const RssSample mem = rss_sample();
    memory.push_back({"export", mem.rss_bytes, mem.peak_rss_bytes});
  }

  RunReport report = run_report(result, options);
  report.counts.emplace_back("account_rows", out.account_rows);
  if (track != nullptr) {
    report.counts.emplace_back("hydras", track->run.communities.size());
    report.counts.emplace_back("warm_started_nodes", result.stages.warm_started_nodes);
    for (int e = 0; e < kNumHydraEvents; ++e)
      report.counts.emplace_back("event_" + std::string(to_string(static_cast<HydraEvent>(e))),
                                 track->match.counts[static_cast<std::size_t>(e)]);
  }
  out.files = {"accounts.csv", "communities.json"};
  for (const auto& f : out.suspect_files) out.files.push_back("suspects/" + f);
  if (options.report) out.files.push_back("report.html");
  out.files.push_back("run.json");
  out.files.push_back("timings.json");
  report.files = out.files;
  write_run_json(tmp + "/run.json", report);
  out.peak_rss_bytes = peak_rss_bytes();
  write_timings_json(tmp + "/timings.json", timings, out.peak_rss_bytes, memory);
  if (options.report) (void)write_report(tmp, tmp + "/report.html", options.report_options);

  swap_folder_into_place(tmp, dir);
  cleanup.armed = false;
  return out;
}

}  // namespace hydrascope
