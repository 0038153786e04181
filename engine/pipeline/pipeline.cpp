// run_pipeline(): the stages after loading, in order, each timed and
// reported through PipelineOptions::on_stage.
#include "hydrascope/pipeline.hpp"

#include "hydrascope/atomic_file.hpp"

#include <malloc.h>

#include <chrono>
#include <algorithm>
#include <cstdio>
#include <stdexcept>
#include <string>

namespace hydrascope {

namespace {

std::string fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

}  // namespace

void PipelineOptions::validate() const {
  graph.validate();
  community.validate();
  pagerank.validate();
  refine.validate();
  features.validate();
  scoring.validate();
  tracking.validate();
  if (threads < 0) throw std::invalid_argument("threads must be >= 0");
}

PipelineResult run_pipeline(const Snapshot& snapshot, const PipelineOptions& options) {
  options.validate();
  PipelineResult r;
  auto t = std::chrono::steady_clock::now();
  auto done = [&](const char* name, std::string summary) {
    StageReport rep;
    rep.name = name;
    rep.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
    rep.summary = std::move(summary);
    // Hand the stage's freed working memory back to the system: glibc keeps
    // freed blocks (and, once a large block was freed, serves later large
    // ones from its heaps), so without this a stage's scratch stays resident
    // to the end of the run.
    (void)::malloc_trim(0);
    const RssSample mem = rss_sample();
    rep.rss_bytes = mem.rss_bytes;
    rep.peak_rss_bytes = mem.peak_rss_bytes;
    r.stages.push_back(rep);
    if (options.on_stage) options.on_stage(rep);
    t = std::chrono::steady_clock::now();
  };
  auto check_cancel = [&] {
    if (options.cancel.cancelled()) throw Cancelled();
  };

  // --- build ---------------------------------------------------------------------
  // The incidence (refine onwards) is built after the centralities, once the
  // analysis graph may be freed: detection's working memory and it are never
  // resident together.
  if (options.progress) options.progress("build", 0, 1);
  r.graph = build_analysis_graph(snapshot, options.graph, &r.build);
  r.analysis_edges = r.graph.num_edges();
  if (options.progress) options.progress("build", 1, 1);
  const auto release_pages = [&] {
    if (options.release) snapshot.release_mapped_pages();
  };
  release_pages();
  done("build", std::to_string(r.graph.num_edges()) + " analysis edges, " + std::to_string(r.build.excluded_hubs) +
                    " hubs over the degree cap left out of detection");
  check_cancel();

  // --- detect ----------------------------------------------------------------------
  CommunityOptions co = options.community;
  co.threads = options.threads;
  co.progress = options.progress;
  co.cancel = options.cancel;
  std::vector<CommunityId> initial;
  const bool warm = options.previous != nullptr && options.warm_start && co.algorithm != Algorithm::Components;
  if (warm) {
    initial = warm_start_labels(snapshot, r.graph, *options.previous);
    for (CommunityId c : initial) r.warm_started_nodes += c != kNoCommunity;
    co.initial = initial;
  }
  r.detected = detect_communities(r.graph, co);
  done("detect", std::to_string(r.detected.partition.num_communities) + " communities (" +
                     std::string(to_string(co.algorithm)) + ", quality " + fixed(r.detected.quality, 4) +
                     (warm ? ", warm start: " + std::to_string(r.warm_started_nodes) + " nodes in previous communities"
                           : std::string()) +
                     ")");
  initial = {};
  check_cancel();

  // --- centralities --------------------------------------------------------------------
  PageRankOptions pro = options.pagerank;
  pro.threads = options.threads;
  pro.cancel = options.cancel;
  // One "centrality" progress over the sweeps of PageRank and personalized
  // PageRank, computed together (each sweep gathers both), and the k-core
  // pass (one step).
  std::uint64_t expected = 0;
  if (options.progress)
    pro.progress = [&](std::string_view, std::uint64_t done, std::uint64_t total) {
      expected = total;
      options.progress("centrality", std::min(done, expected), expected + 1);
    };
  r.seeds = seed_nodes(snapshot);
  PageRankPair both = pagerank_and_personalized(r.graph, r.seeds, pro);
  r.pagerank = std::move(both.pagerank);
  r.ppr = std::move(both.ppr);
  r.cores = core_numbers(r.graph);
  if (options.progress && expected > 0) options.progress("centrality", expected + 1, expected + 1);
  done("centrality", "PageRank (" + std::to_string(r.pagerank.iterations) + " iterations), personalized PageRank from " +
                         std::to_string(r.seeds.size()) + " seeds, k-core (degeneracy " +
                         std::to_string(r.cores.degeneracy) + ")");
  if (options.release) r.graph = AnalysisGraph();  // no later stage and no file reads it
  check_cancel();

  // --- refine ----------------------------------------------------------------------------
  RefineOptions ro = options.refine;
  ro.progress = options.progress;
  r.incidence = build_incidence(snapshot);
  r.refined = refine_partition(snapshot, r.incidence, r.detected.partition, ro);
  if (options.release) {
    r.detected.partition.membership = {};  // num_communities stays (run.json)
    release_pages();
  }
  {
    std::string what;
    for (const auto& st : r.refined.steps) {
      if (st.nodes_moved == 0) continue;
      if (!what.empty()) what += ", ";
      what += st.name + " " + std::to_string(st.nodes_moved);
    }
    done("refine", std::to_string(r.refined.partition.num_communities) + " communities" +
                       (what.empty() ? std::string(", nothing moved") : " (nodes moved: " + what + ")"));
  }
  check_cancel();

  // --- features ----------------------------------------------------------------------------
  FeatureOptions fo = options.features;
  fo.threads = options.threads;
  fo.progress = options.progress;
  fo.cancel = options.cancel;
  FeatureInputs inputs;
  inputs.pagerank = r.pagerank.values;
  inputs.core = r.cores.core;
  if (!r.seeds.empty()) {
    inputs.ppr = r.ppr.values;
    inputs.ppr_own_restart = (1.0 - pro.damping) / static_cast<double>(r.seeds.size());
  }
  r.features = compute_features(snapshot, r.incidence, r.refined.partition, inputs, fo);
  release_pages();  // the activity, read by the features only
  done("features", std::to_string(r.features.accounts().size()) + " accounts x " +
                       std::to_string(feature_schema().size()) + " features");
  check_cancel();

  // --- score ----------------------------------------------------------------------------------
  if (options.model != nullptr) {
    ScoringOptions so = options.scoring;
    so.threads = options.threads;
    so.progress = options.progress;
    so.cancel = options.cancel;
    r.scoring = score_snapshot(snapshot, r.refined.partition, r.features, *options.model, so);
    if (options.release) {
      r.features = FeatureTable();  // scoring keeps what the files need
      release_pages();
    }
    done("score", std::to_string(r.scoring->details.size()) + " communities scored, " +
                      std::to_string(r.scoring->suspect_communities) + " suspect, " +
                      std::to_string(r.scoring->suspect_accounts) + " suspect accounts" +
                      (r.scoring->calibration.applied ? ", calibrated on the snapshot's labels" : ""));
    check_cancel();

    // --- track ---------------------------------------------------------------------------------------
    if (options.previous != nullptr || options.reviews != nullptr) {
      r.tracking = track_run(snapshot, r.partition(), r.incidence, *r.scoring, options.previous, options.reviews,
                             options.tracking);
      const auto& m = r.tracking->match;
      std::string what;
      for (int e = 0; e < kNumHydraEvents; ++e) {
        if (m.counts[static_cast<std::size_t>(e)] == 0) continue;
        what += (what.empty() ? "" : ", ") + std::to_string(m.counts[static_cast<std::size_t>(e)]) + " " +
                std::string(to_string(static_cast<HydraEvent>(e)));
      }
      done("track", std::to_string(r.tracking->run.communities.size()) + " hydras" +
                        (what.empty() ? std::string() : " (" + what + ")") +
                        (options.reviews != nullptr ? ", " + std::to_string(options.reviews->rows.size()) + " review rows" : ""));
    }
  }
  return r;
}

}  // namespace hydrascope
