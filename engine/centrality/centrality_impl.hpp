// Private helpers of the centrality module (threads, timing, the Brandes
// kernel over a list of sources). Tests include it to check the kernel.
#pragma once

#include <chrono>
#include <span>
#include <vector>

#include "hydrascope/graph.hpp"

#ifdef _OPENMP
#include <omp.h>
#endif

namespace hydrascope::detail {

/// 0 -> all available threads (1 without OpenMP).
[[nodiscard]] inline int resolve_threads(int threads) {
#ifdef _OPENMP
  return threads > 0 ? threads : omp_get_max_threads();
#else
  (void)threads;
  return 1;
#endif
}

[[nodiscard]] inline double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

/// Sum over the given sources s (repeats count again) of Brandes' dependency
/// delta_s(v) = sum_{t != s, v} sigma_st(v) / sigma_st on hop-count shortest
/// paths. Sources are cut into fixed chunks (by position in the list), each
/// chunk accumulated in list order into its own vector and the chunks added in
/// chunk order, so the result is the same for any thread count.
/// O(k (n + m)) time, O(chunks * n) memory.
[[nodiscard]] std::vector<double> brandes_dependencies(const AnalysisGraph& g, std::span<const NodeId> sources,
                                                       int threads);

}  // namespace hydrascope::detail
