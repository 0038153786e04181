// RFC 3339 timestamps <-> microseconds since the Unix epoch (UTC), with
// proleptic Gregorian calendar arithmetic (leap years: /4, not /100, /400).
#include <cstdio>
#include <string>

#include "io_internal.hpp"

namespace hydrascope {

namespace {

constexpr bool is_leap(std::int64_t y) noexcept { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

constexpr int days_in_month(std::int64_t y, int m) noexcept {
  constexpr int kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : kDays[m - 1];
}

// Days from 1970-01-01 to y-m-d. Counts in 400-year eras shifted to start
// on March 1st, so that the leap day is the last day of the shifted year.
constexpr std::int64_t days_from_civil(std::int64_t y, int m, int d) noexcept {
  y -= m <= 2 ? 1 : 0;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const std::int64_t yoe = y - era * 400;                         // [0, 399]
  const std::int64_t mp = (m + 9) % 12;                           // March = 0
  const std::int64_t doy = (153 * mp + 2) / 5 + d - 1;            // [0, 365]
  const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;  // [0, 146096]
  return era * 146097 + doe - 719468;
}

// Inverse of days_from_civil.
constexpr void civil_from_days(std::int64_t z, std::int64_t& y, int& m, int& d) noexcept {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const std::int64_t doe = z - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  y = yoe + era * 400 + (m <= 2 ? 1 : 0);
}

static_assert(days_from_civil(1970, 1, 1) == 0);
static_assert(days_from_civil(2000, 3, 1) == 11017);

// Reads exactly n digits at text[pos..]; false if any is not a digit.
bool digits(std::string_view text, std::size_t pos, int n, int& out) noexcept {
  if (pos + static_cast<std::size_t>(n) > text.size()) return false;
  int v = 0;
  for (int i = 0; i < n; ++i) {
    const char c = text[pos + static_cast<std::size_t>(i)];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  out = v;
  return true;
}

}  // namespace

// Accepted: YYYY-MM-DD('T'|'t')hh:mm:ss[.f+]('Z'|'z'|('+'|'-')hh:mm).
// Fractions beyond 6 digits are truncated to microseconds; leap seconds
// (ss = 60) are rejected.
bool parse_rfc3339(std::string_view t, Timestamp& out) noexcept {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (t.size() < 20) return false;
  if (!digits(t, 0, 4, year) || t[4] != '-' || !digits(t, 5, 2, month) || t[7] != '-' || !digits(t, 8, 2, day))
    return false;
  if (t[10] != 'T' && t[10] != 't') return false;
  if (!digits(t, 11, 2, hour) || t[13] != ':' || !digits(t, 14, 2, minute) || t[16] != ':' ||
      !digits(t, 17, 2, second))
    return false;
  if (month < 1 || month > 12 || day < 1 || day > days_in_month(year, month)) return false;
  if (hour > 23 || minute > 59 || second > 59) return false;
  std::size_t pos = 19;
  std::int64_t micros = 0;
  if (t[pos] == '.') {
    ++pos;
    int n = 0;
    while (pos < t.size() && t[pos] >= '0' && t[pos] <= '9') {
      if (n < 6) micros = micros * 10 + (t[pos] - '0');
      ++n;
      ++pos;
    }
    if (n == 0) return false;
    for (int i = n; i < 6; ++i) micros *= 10;
  }
  if (pos >= t.size()) return false;
  std::int64_t offset_minutes = 0;
  if (t[pos] == 'Z' || t[pos] == 'z') {
    ++pos;
  } else if (t[pos] == '+' || t[pos] == '-') {
    int oh = 0, om = 0;
    if (!digits(t, pos + 1, 2, oh) || pos + 3 >= t.size() || t[pos + 3] != ':' || !digits(t, pos + 4, 2, om))
      return false;
    if (oh > 23 || om > 59) return false;
    offset_minutes = (oh * 60 + om) * (t[pos] == '-' ? -1 : 1);
    pos += 6;
  } else {
    return false;
  }
  if (pos != t.size()) return false;
  const std::int64_t days = days_from_civil(year, month, day);
  const std::int64_t seconds = days * 86400 + hour * 3600 + minute * 60 + second - offset_minutes * 60;
  // The offset may carry the instant outside years 0000-9999 UTC, which
  // format_rfc3339 could not write back (fuzz finding: 9999-12-31T23:59:59-00:01).
  if (seconds < io::kMinUnixSeconds || seconds > io::kMaxUnixSeconds) return false;
  out = seconds * kMicrosPerSecond + micros;
  return true;
}

std::string format_rfc3339(Timestamp t) {
  std::int64_t seconds = t / kMicrosPerSecond;
  std::int64_t micros = t % kMicrosPerSecond;
  if (micros < 0) {
    micros += kMicrosPerSecond;
    --seconds;
  }
  std::int64_t days = seconds / 86400;
  std::int64_t sod = seconds % 86400;
  if (sod < 0) {
    sod += 86400;
    --days;
  }
  std::int64_t year = 0;
  int month = 0, day = 0;
  civil_from_days(days, year, month, day);
  char buf[64];
  int n = std::snprintf(buf, sizeof buf, "%04lld-%02d-%02dT%02d:%02d:%02d", static_cast<long long>(year), month, day,
                        static_cast<int>(sod / 3600), static_cast<int>(sod / 60 % 60), static_cast<int>(sod % 60));
  std::string s(buf, static_cast<std::size_t>(n));
  if (micros != 0) {
    n = std::snprintf(buf, sizeof buf, ".%06lld", static_cast<long long>(micros));
    std::string frac(buf, static_cast<std::size_t>(n));
    while (frac.back() == '0') frac.pop_back();
    s += frac;
  }
  s += 'Z';
  return s;
}

namespace io {
bool unix_seconds_to_timestamp(std::int64_t seconds, Timestamp& out) noexcept {
  if (seconds < kMinUnixSeconds || seconds > kMaxUnixSeconds) return false;
  out = seconds * kMicrosPerSecond;
  return true;
}
}  // namespace io

}  // namespace hydrascope
