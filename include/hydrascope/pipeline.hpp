// The pipeline as one function: build, detect, centralities, refine,
// features, score, in memory. The command line (`hydrascope run`, `train`,
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

namespace hydrascope {

/// One finished stage, as the pipeline reports it.
struct StageReport {
  std::string name;     ///< build, detect, centrality, refine, features, score
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
  std::vector<StageReport> stages;
  [[nodiscard]] const Partition& partition() const noexcept { return refined.partition; }
};

/// Runs build -> detect -> centrality -> refine -> features [-> score] on
/// `snapshot`. Deterministic for the same snapshot, options and thread
/// count (and, for every stage but detection, for any thread count).
/// Throws std::invalid_argument on bad options, Cancelled when cancelled.
[[nodiscard]] PipelineResult run_pipeline(const Snapshot& snapshot, const PipelineOptions& options);

}  // namespace hydrascope
