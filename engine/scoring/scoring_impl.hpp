// Private pieces of the scoring module shared by features.cpp and score.cpp.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "hydrascope/scoring.hpp"

namespace hydrascope::detail {

/// Bits of per-account evidence: bit g set = the account itself shows the
/// signal of group g (uses the top payment method, is in the burst, ...).
using EvidenceMask = std::uint16_t;

/// What the feature pass hands to the scorer.
struct FeaturePass {
  std::vector<CommunityDetail> details;  ///< one per scored community, ascending id
  std::vector<EvidenceMask> evidence;    ///< per node
  std::vector<std::uint8_t> in_core;     ///< per node: 1 = account in its community's core
  std::vector<double> seed_ratio;        ///< per node: ppr / snapshot mean account ppr (0 without ppr)
  double payment_accounts_p99 = 0.0;
  double ip_accounts_p99 = 0.0;
};

[[nodiscard]] FeaturePass compute_features(const Snapshot& snapshot, const Incidence& incidence,
                                           const Partition& partition, const std::vector<std::uint64_t>& offsets,
                                           const std::vector<NodeId>& members,
                                           const std::vector<CommunityScore>& communities,
                                           const ScoringInputs& inputs, const ScoringOptions& options);

/// Percentile (0..1) of a sorted vector by linear interpolation; NaN if empty.
[[nodiscard]] double percentile_sorted(const std::vector<double>& sorted, double q);

[[nodiscard]] int resolve_threads(int threads);

}  // namespace hydrascope::detail
