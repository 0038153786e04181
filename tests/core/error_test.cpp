// InputError messages name the file, place, record and field.
#include <gtest/gtest.h>

#include "hydrascope/error.hpp"

namespace hydrascope {
namespace {

TEST(InputError, MessageNamesEveryPart) {
  SourceLocation w;
  w.file = "snap.ndjson";
  w.line = 17;
  w.record_kind = "edge";
  w.record_index = 15;
  w.record_id = "a:1 -> ip:9";
  w.field = "weight";
  InputError e(w, "must be a positive finite number");
  EXPECT_STREQ(e.what(), "snap.ndjson:17: edge #15 (a:1 -> ip:9), field \"weight\": must be a positive finite number");
  EXPECT_EQ(e.where().line, 17u);
}

TEST(InputError, ByteOffsetAndControlCharactersEscaped) {
  SourceLocation w;
  w.file = "s.json";
  w.byte_offset = 1234;
  w.record_kind = "node";
  w.record_index = 3;
  w.record_id = std::string("a\n1");
  InputError e(w, "duplicate node id");
  EXPECT_STREQ(e.what(), "s.json: byte 1234: node #3 (a\\x0a1): duplicate node id");
}

TEST(InputError, FileOnly) {
  SourceLocation w;
  w.file = "x.csv";
  InputError e(w, "cannot open");
  EXPECT_STREQ(e.what(), "x.csv: cannot open");
}

}  // namespace
}  // namespace hydrascope
