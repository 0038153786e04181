// Private helpers of the feature layer: the activity standardiser (what
// synchrony correlates), IP prefix keys, robust statistics.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "hydrascope/snapshot.hpp"

namespace hydrascope::features {

/// An account's activity vector, detrended (the snapshot's overall shape,
/// then the account's own mean per hour of day and per day taken out) and
/// standardised to mean 0, variance 1: what synchrony correlates. Without
/// detrending only standardised.
struct ActivityStandardiser {
  std::uint32_t buckets = 0, period = 0;  ///< period: buckets per day (0: no daily detrending)
  bool detrend = false;
  std::vector<double> profile;  ///< snapshot-wide activity per bucket
  double profile_norm2 = 0.0;
  std::vector<std::uint32_t> phase_count, day_count;
  ActivityStandardiser() = default;
  ActivityStandardiser(const Snapshot& s, bool detrend_option);
  /// Scratch of one thread.
  struct Scratch {
    std::vector<double> dense, phase, day;
  };
  [[nodiscard]] Scratch scratch() const;
  /// Writes the standardised vector of `account` into sc.dense (size
  /// buckets); false when it is constant (no activity or no variation).
  bool operator()(const Snapshot& s, NodeId account, Scratch& sc) const;
};

/// /24 (IPv4) or /48 (IPv6) key of an IP node id such as "ip:203.0.113.7"
/// or "2001:db8::1"; 0 when the id is not an address.
[[nodiscard]] std::uint64_t ip_prefix_key(std::string_view id) noexcept;

/// Percentile (q in [0, 1]) of a sorted vector by linear interpolation; NaN if empty.
[[nodiscard]] double percentile_sorted(const std::vector<double>& sorted, double q) noexcept;

}  // namespace hydrascope::features
