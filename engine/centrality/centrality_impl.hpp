// Private helpers of the centrality module (threads, timing, the Brandes
// kernel over a list of sources). Tests include it to check the kernel.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdlib>
#include <new>
#include <span>
#include <vector>

#ifdef __linux__
#include <sys/mman.h>
#endif

#include "hydrascope/common.hpp"
#include "hydrascope/graph.hpp"

#ifdef _OPENMP
#include <omp.h>
#endif

namespace hydrascope::detail {

/// Allocator for the big per-run arrays: from 4 MiB on, 2 MiB-aligned memory
/// marked MADV_HUGEPAGE (Linux), so first touch faults once per 2 MiB instead
/// of once per 4 KiB. On this project's VM small-page faults are slow enough
/// that first-touching PageRank's vectors on 3.5 M nodes cost more than
/// several iterations. Elsewhere: plain allocation.
template <class T>
struct HugePageAllocator {
  using value_type = T;
  HugePageAllocator() noexcept = default;
  template <class U>
  HugePageAllocator(const HugePageAllocator<U>&) noexcept {}  // NOLINT(google-explicit-constructor)

  [[nodiscard]] T* allocate(std::size_t count) {
    const std::size_t bytes = count * sizeof(T);
#ifdef __linux__
    constexpr std::size_t kHuge = std::size_t{2} << 20;
    if (bytes >= 2 * kHuge) {
      const std::size_t rounded = (bytes + kHuge - 1) / kHuge * kHuge;
      void* p = std::aligned_alloc(kHuge, rounded);
      if (p == nullptr) throw std::bad_alloc();
      (void)::madvise(p, rounded, MADV_HUGEPAGE);  // a hint: failure only costs speed
      return static_cast<T*>(p);
    }
#endif
    void* p = std::malloc(bytes == 0 ? 1 : bytes);
    if (p == nullptr) throw std::bad_alloc();
    return static_cast<T*>(p);
  }
  void deallocate(T* p, std::size_t) noexcept { std::free(p); }
  friend bool operator==(const HugePageAllocator&, const HugePageAllocator&) noexcept { return true; }
};

template <class T>
using BigVector = std::vector<T, HugePageAllocator<T>>;

using hydrascope::resolve_threads;  // common.hpp

[[nodiscard]] inline double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

/// Sum over the given sources s (repeats count again) of Brandes' dependency
/// delta_s(v) = sum_{t != s, v} sigma_st(v) / sigma_st on hop-count shortest
/// paths. Sources are cut into fixed chunks (by position in the list), each
/// chunk accumulated in list order into its own vector and the chunks added in
/// chunk order, so the result is the same for any thread count.
/// Runs on a copy of the graph renumbered in BFS order (memory locality).
/// `progress` ("betweenness", sources done, sources) and `cancel` are
/// checked between rounds of a few sources per chunk.
/// O(k (n + m)) time, O(chunks * n + m) memory.
[[nodiscard]] std::vector<double> brandes_dependencies(const AnalysisGraph& g, std::span<const NodeId> sources,
                                                       int threads, const ProgressFn& progress = {},
                                                       const CancelToken& cancel = {});

}  // namespace hydrascope::detail
