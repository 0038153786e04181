// RFC 3339 parsing and formatting: calendar arithmetic, offsets, fractions,
// and everything that must be rejected.
#include <gtest/gtest.h>

#include "hydrascope/io.hpp"

namespace hydrascope {
namespace {

Timestamp parse(std::string_view s) {
  Timestamp t = 0;
  EXPECT_TRUE(parse_rfc3339(s, t)) << s;
  return t;
}

TEST(Rfc3339, Epoch) {
  EXPECT_EQ(parse("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(format_rfc3339(0), "1970-01-01T00:00:00Z");
}

TEST(Rfc3339, KnownInstants) {
  EXPECT_EQ(parse("2026-02-20T00:00:00Z"), 1771545600LL * kMicrosPerSecond);
  EXPECT_EQ(parse("2000-02-29T12:00:00Z"), 951825600LL * kMicrosPerSecond);
  EXPECT_EQ(parse("1969-12-31T23:59:59Z"), -1 * kMicrosPerSecond);
  EXPECT_EQ(parse("2024-12-31T23:59:59Z"), 1735689599LL * kMicrosPerSecond);
  EXPECT_EQ(parse("2026-02-20t00:00:00z"), parse("2026-02-20T00:00:00Z"));
}

TEST(Rfc3339, Offsets) {
  EXPECT_EQ(parse("2026-02-20T05:30:00+05:30"), parse("2026-02-20T00:00:00Z"));
  EXPECT_EQ(parse("2026-02-19T19:00:00-05:00"), parse("2026-02-20T00:00:00Z"));
  EXPECT_EQ(parse("2026-02-20T00:00:00-00:00"), parse("2026-02-20T00:00:00Z"));
}

TEST(Rfc3339, Fractions) {
  EXPECT_EQ(parse("1970-01-01T00:00:00.5Z"), 500000);
  EXPECT_EQ(parse("1970-01-01T00:00:00.000001Z"), 1);
  EXPECT_EQ(parse("1970-01-01T00:00:00.1234569Z"), 123456);  // truncated, not rounded
  EXPECT_EQ(parse("1970-01-01T01:02:03.25+01:00"), 123 * kMicrosPerSecond + 250000);
  EXPECT_EQ(format_rfc3339(500000), "1970-01-01T00:00:00.5Z");
  EXPECT_EQ(format_rfc3339(1), "1970-01-01T00:00:00.000001Z");
  EXPECT_EQ(format_rfc3339(-1), "1969-12-31T23:59:59.999999Z");
}

TEST(Rfc3339, LeapYears) {
  Timestamp t = 0;
  EXPECT_TRUE(parse_rfc3339("2024-02-29T00:00:00Z", t));
  EXPECT_TRUE(parse_rfc3339("2000-02-29T00:00:00Z", t));
  EXPECT_FALSE(parse_rfc3339("1900-02-29T00:00:00Z", t));
  EXPECT_FALSE(parse_rfc3339("2023-02-29T00:00:00Z", t));
  EXPECT_FALSE(parse_rfc3339("2023-04-31T00:00:00Z", t));
}

TEST(Rfc3339, RoundTripEveryDayOfFourHundredYears) {
  // Day by day across a full Gregorian cycle (and a little before 1970).
  Timestamp prev = 0;
  bool first = true;
  for (std::int64_t day = -800; day < 146097 + 800; day += 1) {
    const Timestamp t = day * 86400 * kMicrosPerSecond + 3723 * kMicrosPerSecond;
    const std::string s = format_rfc3339(t);
    Timestamp back = 0;
    ASSERT_TRUE(parse_rfc3339(s, back)) << s;
    ASSERT_EQ(back, t) << s;
    if (!first) {
      ASSERT_LT(prev, back);
    }
    prev = back;
    first = false;
  }
}

TEST(Rfc3339, Rejects) {
  Timestamp t = 0;
  for (const char* bad : {"", "2026-02-20", "2026-02-20T00:00:00", "2026-02-20 00:00:00Z", "2026-2-20T00:00:00Z",
                          "2026-13-01T00:00:00Z", "2026-00-01T00:00:00Z", "2026-01-00T00:00:00Z",
                          "2026-01-01T24:00:00Z", "2026-01-01T00:60:00Z", "2026-01-01T00:00:60Z",
                          "2026-01-01T00:00:00.Z", "2026-01-01T00:00:00+0530", "2026-01-01T00:00:00+24:00",
                          "2026-01-01T00:00:00Z ", " 2026-01-01T00:00:00Z", "2026-01-01T00:00:00ZZ",
                          "2026-01-01T00:00:00+05:3", "+2026-01-01T00:00:00Z", "2026-01-01T00:00:00UTC",
                          "2026-01-01T00:00:00.12a4Z", "abcd-01-01T00:00:00Z"}) {
    EXPECT_FALSE(parse_rfc3339(bad, t)) << bad;
  }
}

TEST(SnapshotFormatNames, AllNamed) {
  EXPECT_EQ(to_string(SnapshotFormat::Json), "json");
  EXPECT_EQ(to_string(SnapshotFormat::Ndjson), "ndjson");
  EXPECT_EQ(to_string(SnapshotFormat::CsvPair), "csv");
  EXPECT_EQ(to_string(SnapshotFormat::EdgeList), "edgelist");
  EXPECT_EQ(to_string(SnapshotFormat::Auto), "auto");
}

}  // namespace
}  // namespace hydrascope
