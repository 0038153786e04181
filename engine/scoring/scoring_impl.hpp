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

/// An account's activity vector, detrended (the snapshot's overall shape,
/// then the account's own mean per hour of day and per day taken out) and
/// standardised to mean 0, variance 1: what synchrony correlates.
struct ActivityStandardiser {
  std::uint32_t buckets = 0, period = 0;  ///< period: buckets per day (0: no daily detrending)
  bool detrend = false;
  std::vector<double> profile;  ///< snapshot-wide activity per bucket
  double profile_norm2 = 0.0;
  std::vector<std::uint32_t> phase_count, day_count;
  ActivityStandardiser() = default;
  ActivityStandardiser(const Snapshot& s, bool detrend_option);
  /// Writes the vector of `account` into dense (size buckets), using phase
  /// (size max(period, 1)) and day (size day_count.size()) as scratch;
  /// false when it is constant (no activity or no variation).
  bool operator()(const Snapshot& s, NodeId account, std::vector<double>& dense, std::vector<double>& phase,
                  std::vector<double>& day) const;
};

/// Whether an account whose mean correlation with a core is `own` moves in
/// lock-step with it: at least half the core's own synchrony, and above 0.1.
[[nodiscard]] inline bool in_lock_step(double own, double core_synchrony) {
  return own >= 0.5 * core_synchrony && own > 0.1;
}

/// What the feature pass hands to the scorer.
struct FeaturePass {
  std::vector<CommunityDetail> details;  ///< one per scored community, ascending id
  std::vector<EvidenceMask> evidence;    ///< per node
  std::vector<std::uint8_t> in_core;     ///< per node: 1 = account in its community's core
  std::vector<double> seed_ratio;        ///< per node: ppr / snapshot mean account ppr (0 without ppr)
  double payment_accounts_p99 = 0.0;
  double ip_accounts_p99 = 0.0;
  ActivityStandardiser standardise;
  /// Per detail: the mean standardised vector of its core (buckets values,
  /// all 0 when fewer than two core accounts have activity).
  std::vector<float> core_mean;
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
