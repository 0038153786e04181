// Warm-start benchmark (docs/performance.md, "Warm start"): community
// detection on one snapshot from scratch (cold) and started from a previous
// run's communities (warm), side by side, best of REPS each, with the
// modularity of each result and how similar the two partitions are.
//
//   warm_start_bench --snapshot DAY2 --previous RUN_DAY1 [--reps 3] [--threads 2]
//                    [--iterations K] [--seed S]
//
// The graph is built as `hydrascope run` builds it (default GraphOptions);
// Leiden with default options (the run's). The warm labels are computed
// once (warm_start_labels) and timed apart: `warm_total` adds them.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "hydrascope/community.hpp"
#include "hydrascope/export.hpp"
#include "hydrascope/graph.hpp"
#include "hydrascope/io.hpp"
#include "hydrascope/tracking.hpp"

using namespace hydrascope;

namespace {

double now() { return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count(); }

}  // namespace

int main(int argc, char** argv) {
  std::string snapshot_path, previous_path;
  int reps = 3, threads = 2, iterations = CommunityOptions{}.max_iterations;
  std::uint64_t seed = 1;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "warm_start_bench: %s needs a value\n", a.c_str());
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--snapshot") snapshot_path = next();
    else if (a == "--previous") previous_path = next();
    else if (a == "--reps") reps = std::atoi(next().c_str());
    else if (a == "--threads") threads = std::atoi(next().c_str());
    else if (a == "--iterations") iterations = std::atoi(next().c_str());
    else if (a == "--seed") seed = std::strtoull(next().c_str(), nullptr, 10);
    else {
      std::fprintf(stderr, "usage: warm_start_bench --snapshot FILE --previous RUN_DIR [--reps N] [--threads T] [--iterations K] [--seed S]\n");
      return 2;
    }
  }
  if (snapshot_path.empty() || previous_path.empty() || reps < 1) {
    std::fprintf(stderr, "warm_start_bench: --snapshot and --previous are required\n");
    return 2;
  }
  try {
    double t = now();
    const Snapshot s = load_snapshot(snapshot_path);
    const AnalysisGraph g = build_analysis_graph(s);
    const double load_s = now() - t;
    t = now();
    const TrackedRun prev = RunData::read_tracking(previous_path);
    const double read_s = now() - t;
    t = now();
    const std::vector<CommunityId> labels = warm_start_labels(s, g, prev);
    const double labels_s = now() - t;
    std::uint64_t warm_nodes = 0;
    for (CommunityId c : labels) warm_nodes += c != kNoCommunity;
    std::printf("case=input snapshot=%s n=%u m=%llu previous=%s load_build_s=%.2f read_previous_s=%.2f warm_nodes=%llu\n",
                snapshot_path.c_str(), g.num_nodes(), static_cast<unsigned long long>(g.num_edges()),
                previous_path.c_str(), load_s, read_s, static_cast<unsigned long long>(warm_nodes));
    CommunityOptions o;
    o.threads = threads;
    o.seed = seed;
    o.max_iterations = iterations;
    double best_cold = 1e300, best_warm = 1e300;
    CommunityResult cold, warm;
    for (int r = 0; r < reps; ++r) {
      o.initial = {};
      t = now();
      cold = detect_communities(g, o);
      best_cold = std::min(best_cold, now() - t);
      o.initial = labels;
      t = now();
      warm = detect_communities(g, o);
      best_warm = std::min(best_warm, now() - t);
    }
    const double nmi = normalized_mutual_information(cold.partition, warm.partition);
    std::printf("case=detect impl=cold threads=%d n=%u m=%llu iterations=%d best_s=%.3f modularity=%.6f communities=%u moves=%llu\n",
                threads, g.num_nodes(), static_cast<unsigned long long>(g.num_edges()), cold.iterations, best_cold,
                cold.quality, cold.partition.num_communities, static_cast<unsigned long long>(cold.moves));
    std::printf("case=detect impl=warm threads=%d n=%u m=%llu iterations=%d best_s=%.3f labels_s=%.3f warm_total_s=%.3f "
                "modularity=%.6f communities=%u moves=%llu\n",
                threads, g.num_nodes(), static_cast<unsigned long long>(g.num_edges()), warm.iterations, best_warm,
                labels_s, best_warm + labels_s, warm.quality, warm.partition.num_communities,
                static_cast<unsigned long long>(warm.moves));
    std::printf("case=compare speedup=%.2f speedup_with_labels=%.2f modularity_gain=%+.6f nmi_cold_warm=%.4f reps=%d\n",
                best_cold / best_warm, best_cold / (best_warm + labels_s), warm.quality - cold.quality, nmi, reps);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "warm_start_bench: %s\n", e.what());
    return 1;
  }
  return 0;
}
