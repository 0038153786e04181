// The pipeline as one module: load, build, detect, centralities, refine,
// features, score, track (with a previous run or review decisions), in
// memory (run_pipeline), and the run folder of
// `hydrascope run` (write_run_folder). The command line (`run`, `train`,
// `features`), the Python module, the benchmarks and the tests all call it;
// nothing else strings the stages together.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "hydrascope/centrality.hpp"
#include "hydrascope/common.hpp"
#include "hydrascope/community.hpp"
#include "hydrascope/export.hpp"
#include "hydrascope/features.hpp"
#include "hydrascope/graph.hpp"
#include "hydrascope/io.hpp"
#include "hydrascope/model.hpp"
#include "hydrascope/refine.hpp"
#include "hydrascope/report.hpp"
#include "hydrascope/scoring.hpp"
#include "hydrascope/snapshot.hpp"
#include "hydrascope/tracking.hpp"

namespace hydrascope {

/// One finished stage, as the pipeline reports it.
struct StageReport {
  std::string name;     ///< load, build, detect, centrality, refine, features, score, track
  double seconds = 0.0;
  std::string summary;  ///< one line for people ("47,820 communities (leiden, quality 0.9891)")
  std::vector<std::string> warnings;  ///< what the user should know (the snapshot has no activity, ...)
  /// The process's resident set at the end of the stage, and its peak so far
  /// (rss_sample(); timings.json records both per stage).
  std::uint64_t rss_bytes = 0;
  std::uint64_t peak_rss_bytes = 0;
};

/// The process's memory at the end of one stage (timings.json).
struct StageMemory {
  std::string name;
  std::uint64_t rss_bytes = 0;       ///< resident set at the end of the stage
  std::uint64_t peak_rss_bytes = 0;  ///< peak resident set since the process started
};

struct PipelineOptions {
  GraphOptions graph;
  CommunityOptions community;
  PageRankOptions pagerank;
  RefineOptions refine;
  FeatureOptions features;
  ScoringOptions scoring;
  /// The model that scores accounts; null = stop after the features (train,
  /// `hydrascope features`). The RunResult overloads of run_pipeline() always
  /// score: with no model given they load `model_file`, or the built-in
  /// model when that is empty.
  const Model* model = nullptr;
  /// Where `model` came from, for run.json: a file name, or empty for the
  /// built-in model. The RunResult overloads load it when `model` is null.
  std::string model_file;
  /// How the path overload of run_pipeline() reads the snapshot (its
  /// threads, progress and cancel are the pipeline's).
  LoadOptions load;
  /// Replaces load_snapshot() in the path overload of run_pipeline() when
  /// set; it must return what load_snapshot(path, options, report) would
  /// (the MPI launcher's collective load, engine/mpi).
  std::function<Snapshot(const std::string& path, const LoadOptions& options, LoadReport* report)> loader;
  /// Tracking (docs/tracking.md), after scoring: the previous run (read with
  /// RunData::read_tracking) and review decisions (read_reviews). Tracking
  /// runs when either is given (and a model is); without both the results
  /// are exactly those of a run without tracking.
  const TrackedRun* previous = nullptr;
  const Reviews* reviews = nullptr;
  TrackingOptions tracking;
  /// With `previous`: community detection (Leiden, Louvain, LPA) starts from
  /// the previous run's communities (warm_start_labels) instead of singletons.
  bool warm_start = true;
  /// Free what no later stage and no run-folder file reads, as soon as the
  /// last stage reading it is done: the analysis graph after the
  /// centralities, detection's membership after refinement (its count
  /// stays), the feature table after scoring; and drop the pages of a mapped
  /// binary snapshot out of the resident set after every stage
  /// (Snapshot::release_mapped_pages). `hydrascope run` sets it; the result
  /// then has an empty `graph`, `detected.partition.membership` and
  /// `features` (docs/performance.md, "Memory"). Outputs are the same.
  bool release = false;
  /// Worker threads of every stage (0 = all cores); overrides the stages' own.
  int threads = 0;
  ProgressFn progress;
  CancelToken cancel;
  /// Called after each stage (never from a parallel region).
  std::function<void(const StageReport&)> on_stage;
  /// Throws std::invalid_argument naming the bad value.
  void validate() const;
};

/// Everything the pipeline made. The snapshot stays the caller's.
struct PipelineResult {
  AnalysisGraph graph;             ///< empty after the run with PipelineOptions::release
  std::uint64_t analysis_edges = 0;  ///< graph.num_edges(), kept when the graph is freed
  GraphBuildReport build;
  Incidence incidence;
  CommunityResult detected;       ///< the partition community detection found
  CentralityResult pagerank, ppr; ///< ppr: from the labelled seeds (all zeros without seeds)
  CoreResult cores;
  std::vector<NodeId> seeds;
  RefineResult refined;           ///< refined.partition is the final partition
  FeatureTable features;
  std::optional<ScoringResult> scoring;  ///< empty when no model was given
  /// With a previous run or reviews: hydra ids, events, decisions (already
  /// applied to `scoring`).
  std::optional<TrackingResult> tracking;
  /// Nodes whose detection started in a previous community (0: cold start).
  std::uint64_t warm_started_nodes = 0;
  std::vector<StageReport> stages;
  [[nodiscard]] const Partition& partition() const noexcept { return refined.partition; }
};

/// Runs build -> detect -> centrality -> refine -> features [-> score [-> track]] on
/// `snapshot`. Deterministic for the same snapshot, options and thread
/// count (and, for every stage but detection, for any thread count).
/// Throws std::invalid_argument on bad options, Cancelled when cancelled.
[[nodiscard]] PipelineResult run_pipeline(const Snapshot& snapshot, const PipelineOptions& options);

/// A whole run in memory: the snapshot, the model, every stage's result and
/// what run.json records. Owns everything it refers to (the snapshot and the
/// model are shared, so that a Python object can keep them alive).
struct RunResult {
  std::shared_ptr<const Snapshot> snapshot;
  /// The model scored with: owned, or the caller's PipelineOptions::model (which must then outlive the result).
  std::shared_ptr<const Model> model;
  std::string model_source;    ///< "built-in" or the model file
  std::string model_checksum;  ///< "hash64:<16 hex>" of the model's bytes
  std::string input_path;      ///< the file or CSV folder read; empty for a snapshot given in memory
  LoadReport load;             ///< zero for a snapshot given in memory
  PipelineOptions options;     ///< as run (callbacks and the model, previous and reviews pointers cleared)
  PipelineResult stages;       ///< stages.scoring is always set
  std::uint64_t accounts = 0;  ///< account nodes of the snapshot
  std::vector<std::pair<std::string, double>> timings;  ///< seconds per stage, load first when loaded
  std::vector<StageMemory> memory;                      ///< resident memory per stage, as `timings`
  std::chrono::steady_clock::time_point started{};      ///< when run_pipeline() began (for "total")
  /// Every stage's warnings in stage order (StageReport::warnings), and a
  /// model trained with other detection or refinement (model_mismatch()),
  /// whichever overload ran.
  std::vector<std::string> warnings;

  /// Per CommunityId its hydra id (TrackingResult::hydra_ids()) when the run
  /// was tracked (PipelineOptions::previous or reviews); empty otherwise.
  std::vector<std::string> hydra_ids;

  [[nodiscard]] const ScoringResult& scoring() const { return *stages.scoring; }
  [[nodiscard]] const TrackingResult* tracking() const noexcept {
    return stages.tracking ? &*stages.tracking : nullptr;
  }
  [[nodiscard]] const Partition& partition() const noexcept { return stages.partition(); }
  /// accounts.csv's centrality columns (ppr only when the snapshot has seeds) and hydra ids (when tracked).
  [[nodiscard]] AccountColumns columns() const noexcept;
};

/// Loads `path` (any snapshot format, PipelineOptions::load), then runs the
/// pipeline and scores with the model (PipelineOptions::model, model_file or
/// the built-in one; the model is loaded before the snapshot, so that a bad
/// model file fails fast). Reported stages start with "load". Throws
/// InputError on bad input (file, line or byte, record, field),
/// std::invalid_argument on bad options, ResourceLimitError past
/// load.max_memory_bytes, Cancelled when cancelled.
[[nodiscard]] RunResult run_pipeline(const std::string& path, const PipelineOptions& options);
/// The community detection a model is trained with, as recorded in the
/// model (`detection`): "resolution R, damping D", then ", type weighting T"
/// when T is not `named`.
[[nodiscard]] std::string detection_text(const PipelineOptions& options);
/// A warning when `model` records a detection or refinement (`train`) other
/// than the options': its scores would be read off communities of another
/// shape. Empty when they agree or the model records neither.
[[nodiscard]] std::string model_mismatch(const Model& model, const PipelineOptions& options);
/// The same on a snapshot already in memory (built with SnapshotBuilder, or
/// loaded); nothing is read.
[[nodiscard]] RunResult run_pipeline(std::shared_ptr<const Snapshot> snapshot, const PipelineOptions& options);

/// What write_run_folder() writes besides accounts.csv, communities.json,
/// suspects/*.json, run.json and timings.json.
struct RunFolderOptions {
  /// Extra subgraph formats of suspects/ and how many communities get files.
  SuspectExportOptions suspects;
  /// accounts.csv: a leading ' before ids a spreadsheet would run as
  /// formulas (`--csv-guard sheets`, the default; `none` turns it off).
  bool guard_sheets = true;
  /// Replace the contents of a folder that exists and is not empty
  /// (`--force`); without it such a folder is refused (std::invalid_argument).
  bool replace = false;
  /// Also write report.html into the folder (`run --report` without FILE).
  bool report = false;
  ReportOptions report_options;
  /// The tracking inputs as run.json names them (`--previous DIR`,
  /// `--reviews FILE`): recorded, with warm_start, only when the run was
  /// tracked (PipelineOptions::previous or reviews), so that a run without
  /// tracking writes the same run.json as before tracking existed.
  std::string previous;
  std::string reviews;
  /// Options of the command line that change no result file but that
  /// run.json records after the pipeline's (item by item, in order).
  std::vector<RunOption> extra_options;
  /// run.json's "command".
  std::string command = "run";
  /// Throws std::invalid_argument naming the bad value.
  void validate() const;
};

/// What write_run_folder() wrote.
struct RunFolderReport {
  std::uint64_t account_rows = 0;
  std::vector<std::string> suspect_files;  ///< relative to suspects/, in ranking order
  std::vector<std::string> files;          ///< every file of the folder, relative, as run.json lists them
  double seconds = 0.0;                    ///< the export
  std::uint64_t peak_rss_bytes = 0;        ///< of the process, as timings.json records it
};

/// Writes the run folder `dir` of `result`: accounts.csv, communities.json,
/// suspects/ (one loadable subgraph per suspect community, and the extra
/// formats), run.json (input, options, model, counts, files) and
/// timings.json (seconds per stage, peak memory: the only file that differs
/// between identical runs), and report.html on request. Everything is
/// written into a new DIR.tmp-<random> beside it and swapped into place at
/// the end (swap_folder_into_place), so that a failure or a kill leaves
/// either the previous folder or the complete new one. Byte-identical files
/// for the same input, options, seed and thread count, whoever calls it
/// (`hydrascope run`, the Python module, a program).
RunFolderReport write_run_folder(const RunResult& result, const std::string& dir,
                                 const RunFolderOptions& options = {});

/// The options run.json records for `result` written with `folder`, in order.
[[nodiscard]] std::vector<RunOption> recorded_options(const RunResult& result, const RunFolderOptions& folder);

/// timings.json: seconds per stage, the peak resident memory, and the
/// resident memory at the end of each stage (`memory`; left out when empty).
void write_timings_json(const std::string& path, const std::vector<std::pair<std::string, double>>& timings,
                        std::uint64_t peak_rss, const std::vector<StageMemory>& memory = {});

}  // namespace hydrascope
