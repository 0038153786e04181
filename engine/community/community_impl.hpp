// Private to engine/community: the searches behind detect_communities().
#pragma once

#include "hydrascope/community.hpp"

namespace hydrascope::detail {

/// Leiden (refine = true) or Louvain (refine = false); fills all of result but quality.
void run_leiden(const AnalysisGraph& g, const CommunityOptions& options, bool refine, int threads,
                CommunityResult& result);
/// Synchronous-in-rounds weighted label propagation; fills all of result but quality.
void run_label_propagation(const AnalysisGraph& g, const CommunityOptions& options, int threads,
                           CommunityResult& result);

/// splitmix64 step: the project's seeded mixer.
[[nodiscard]] inline std::uint64_t mix64(std::uint64_t x) noexcept {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}
[[nodiscard]] inline std::uint64_t mix64(std::uint64_t a, std::uint64_t b) noexcept { return mix64(mix64(a) ^ b); }

}  // namespace hydrascope::detail
