// Activity standardisation and IP prefix keys for the feature layer.
#include "signals.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace hydrascope::features {

namespace {
constexpr std::uint64_t kV4 = 1ull << 62;
constexpr std::uint64_t kV6 = 2ull << 62;
}  // namespace

ActivityStandardiser::ActivityStandardiser(const Snapshot& s, bool detrend_option) {
  buckets = s.meta().activity.buckets;
  profile.assign(buckets, 0.0);
  if (buckets > 0) {
    for (NodeId v = 0; v < s.num_nodes(); ++v) {
      if (s.kind(v) != NodeKind::Account) continue;
      s.for_each_activity(v, [&](std::uint32_t k, float x) { profile[k] += x; });
    }
    for (double g : profile) profile_norm2 += g * g;
  }
  detrend = detrend_option && profile_norm2 > 0.0;
  // Buckets per day when the bucketing divides a day and covers at least two days.
  const std::int64_t bucket_seconds = s.meta().activity.bucket_seconds;
  if (bucket_seconds > 0 && 86400 % bucket_seconds == 0 && buckets >= 2 * (86400 / bucket_seconds))
    period = static_cast<std::uint32_t>(86400 / bucket_seconds);
  phase_count.assign(std::max<std::uint32_t>(period, 1), 0);
  for (std::uint32_t t = 0; period > 1 && t < buckets; ++t) ++phase_count[t % period];
  day_count.assign(period > 1 ? (buckets + period - 1) / period : 1, 0);
  for (std::uint32_t t = 0; period > 1 && t < buckets; ++t) ++day_count[t / period];
}

ActivityStandardiser::Scratch ActivityStandardiser::scratch() const {
  Scratch sc;
  sc.dense.assign(buckets, 0.0);
  sc.phase.assign(std::max<std::uint32_t>(period, 1), 0.0);
  sc.day.assign(day_count.size(), 0.0);
  return sc;
}

bool ActivityStandardiser::operator()(const Snapshot& s, NodeId a, Scratch& sc) const {
  auto& dense = sc.dense;
  std::fill(dense.begin(), dense.end(), 0.0);
  if (s.activity_size(a) == 0 || buckets < 2) return false;
  double dot = 0.0;
  s.for_each_activity(a, [&](std::uint32_t k, float x) {
    dense[k] = x;
    dot += x * profile[k];
  });
  const double B = static_cast<double>(buckets);
  double* d = dense.data();
  double mean = 0.0;
  if (detrend) {
    // The snapshot's shape, then the account's own mean per hour of day (a
    // shared office schedule is not lock-step automation), then its own
    // level per day (weekends, days off): what is left are the within-day
    // deviations from its own routine. Each pass over the buckets also sums
    // what the next one needs (the same sums, in the same order), and buckets
    // are visited day by day, phase by phase (no division per bucket).
    const double beta = dot / profile_norm2;
    if (period > 1) {
      double* phase = sc.phase.data();
      double* day = sc.day.data();
      std::fill(sc.phase.begin(), sc.phase.end(), 0.0);
      std::fill(sc.day.begin(), sc.day.end(), 0.0);
      for (std::uint32_t t0 = 0; t0 < buckets; t0 += period)
        for (std::uint32_t ph = 0, t = t0; ph < period && t < buckets; ++ph, ++t) {
          d[t] -= beta * profile[t];
          phase[ph] += d[t];
        }
      for (std::uint32_t ph = 0; ph < period; ++ph) phase[ph] /= static_cast<double>(phase_count[ph]);
      for (std::uint32_t t0 = 0, dd = 0; t0 < buckets; t0 += period, ++dd)
        for (std::uint32_t ph = 0, t = t0; ph < period && t < buckets; ++ph, ++t) {
          d[t] -= phase[ph];
          day[dd] += d[t];
        }
      for (std::size_t dd = 0; dd < sc.day.size(); ++dd) day[dd] /= static_cast<double>(day_count[dd]);
      for (std::uint32_t t0 = 0, dd = 0; t0 < buckets; t0 += period, ++dd)
        for (std::uint32_t t = t0, end = std::min(buckets, t0 + period); t < end; ++t) {
          d[t] -= day[dd];
          mean += d[t];
        }
    } else {
      for (std::uint32_t t = 0; t < buckets; ++t) {
        d[t] -= beta * profile[t];
        mean += d[t];
      }
    }
  } else {
    for (std::uint32_t t = 0; t < buckets; ++t) mean += d[t];
  }
  mean /= B;
  double var = 0.0;
  for (double v : dense) var += (v - mean) * (v - mean);
  var /= B;
  if (!(var > 1e-18)) return false;
  const double inv = 1.0 / std::sqrt(var);
  for (double& v : dense) v = (v - mean) * inv;
  return true;
}

std::uint64_t ip_prefix_key(std::string_view id) noexcept {
  // Strip a "type:" style prefix ("ip:203.0.113.7"); an IPv6 address has
  // several colons, so only a leading "ip:" is stripped there.
  if (id.size() > 3 && id.substr(0, 3) == "ip:") id.remove_prefix(3);
  if (id.find('.') != std::string_view::npos && id.find(':') == std::string_view::npos) {
    std::uint32_t parts[4] = {0, 0, 0, 0};
    int idx = 0;
    std::uint32_t cur = 0;
    int digits = 0;
    for (char ch : id) {
      if (ch >= '0' && ch <= '9') {
        cur = cur * 10 + static_cast<std::uint32_t>(ch - '0');
        if (++digits > 3 || cur > 255) return 0;
      } else if (ch == '.') {
        if (digits == 0 || idx >= 3) return 0;
        parts[idx++] = cur;
        cur = 0;
        digits = 0;
      } else if (ch == '/') {
        break;
      } else {
        return 0;
      }
    }
    if (idx != 3 || digits == 0) return 0;
    return kV4 | (parts[0] << 16) | (parts[1] << 8) | parts[2];
  }
  // IPv6: the first three hextets (zeros after "::").
  if (id.find(':') == std::string_view::npos) return 0;
  std::uint64_t key = 0;
  int groups = 0;
  std::uint32_t cur = 0;
  int digits = 0;
  bool any = false;
  for (std::size_t i = 0; i < id.size() && groups < 3; ++i) {
    const char ch = id[i];
    int val = -1;
    if (ch >= '0' && ch <= '9') val = ch - '0';
    else if (ch >= 'a' && ch <= 'f') val = ch - 'a' + 10;
    else if (ch >= 'A' && ch <= 'F') val = ch - 'A' + 10;
    if (val >= 0) {
      cur = cur * 16 + static_cast<std::uint32_t>(val);
      if (++digits > 4) return 0;
      any = true;
    } else if (ch == ':') {
      key = (key << 16) | cur;
      ++groups;
      cur = 0;
      digits = 0;
      if (i + 1 < id.size() && id[i + 1] == ':') break;
    } else {
      return 0;
    }
  }
  if (!any) return 0;
  while (groups < 3) {
    key <<= 16;
    ++groups;
  }
  return kV6 | key;
}

double percentile_sorted(const std::vector<double>& sorted, double q) noexcept {
  if (sorted.empty()) return std::numeric_limits<double>::quiet_NaN();
  const double pos = q * static_cast<double>(sorted.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(pos));
  const auto hi = std::min(lo + 1, sorted.size() - 1);
  const double frac = pos - static_cast<double>(lo);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * frac;
}

}  // namespace hydrascope::features
