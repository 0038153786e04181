// The pipeline as one function: build, detect, centralities, refine,
// features, score, track (with a previous run or review decisions), in memory. The command line (`hydrascope run`, `train`,
// `features`), the benchmarks and the tests all call it; nothing else strings
// the stages together.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "hydrascope/centrality.hpp"
#include "hydrascope/common.hpp"
#include "hydrascope/community.hpp"
#include "hydrascope/features.hpp"
#include "hydrascope/graph.hpp"
#include "hydrascope/model.hpp"
#include "hydrascope/refine.hpp"
#include "hydrascope/scoring.hpp"
#include "hydrascope/snapshot.hpp"
#include "hydrascope/tracking.hpp"

namespace hydrascope {

/// One finished stage, as the pipeline reports it.
struct StageReport {
  std::string name;     ///< build, detect, centrality, refine, features, score, track
  double seconds = 0.0;
  std::string summary;  ///< one line for people ("47,820 communities (leiden, quality 0.9891)")
};

struct PipelineOptions {
  GraphOptions graph;
  CommunityOptions community;
  PageRankOptions pagerank;
  RefineOptions refine;
  FeatureOptions features;
  ScoringOptions scoring;
  /// The model that scores accounts; null = stop after the features (train, `hydrascope features`).
  const Model* model = nullptr;
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
  AnalysisGraph graph;
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

}  // namespace hydrascope
