// StringPool: interning, lookup, growth, equality.
#include <gtest/gtest.h>

#include <string>

#include "hydrascope/atomic_file.hpp"
#include "hydrascope/strings.hpp"
#include "hydrascope/types.hpp"

namespace hydrascope {
namespace {

TEST(StringPool, InternReturnsSameIdForSameString) {
  StringPool p;
  EXPECT_EQ(p.intern("a:1"), 0u);
  EXPECT_EQ(p.intern("ip:1.2.3.4"), 1u);
  EXPECT_EQ(p.intern("a:1"), 0u);
  EXPECT_EQ(p.size(), 2u);
  EXPECT_EQ(p.get(1), "ip:1.2.3.4");
  EXPECT_EQ(p.find("nope"), StringPool::kNotFound);
}

TEST(StringPool, EmptyStringAndBinaryBytes) {
  StringPool p;
  const std::string nul("a\0b", 3);
  EXPECT_EQ(p.intern(""), 0u);
  EXPECT_EQ(p.intern(nul), 1u);
  EXPECT_EQ(p.find(nul), 1u);
  EXPECT_EQ(p.find("a"), StringPool::kNotFound);
  EXPECT_EQ(p.get(1).size(), 3u);
}

TEST(StringPool, GrowsPastManyStrings) {
  StringPool p;
  for (int i = 0; i < 100000; ++i) ASSERT_EQ(p.intern("id-" + std::to_string(i)), static_cast<std::uint32_t>(i));
  for (int i = 0; i < 100000; i += 997) EXPECT_EQ(p.find("id-" + std::to_string(i)), static_cast<std::uint32_t>(i));
  EXPECT_EQ(p.size(), 100000u);
}

TEST(StringPool, AppendThenRebuildIndex) {
  StringPool p;
  p.append("x");
  p.append("y");
  EXPECT_EQ(p.find("y"), StringPool::kNotFound);
  p.rebuild_index();
  EXPECT_EQ(p.find("y"), 1u);
  EXPECT_EQ(p.intern("z"), 2u);
}

TEST(StringPool, EqualityIsByContentAndOrder) {
  StringPool a, b;
  a.intern("1");
  a.intern("2");
  b.intern("1");
  b.intern("2");
  EXPECT_TRUE(a == b);
  StringPool c;
  c.intern("2");
  c.intern("1");
  EXPECT_FALSE(a == c);
}

TEST(Types, KindsAndLabels) {
  EXPECT_EQ(kind_from_type("account"), NodeKind::Account);
  EXPECT_EQ(kind_from_type("payment_method"), NodeKind::PaymentMethod);
  EXPECT_EQ(kind_from_type("email_domain"), NodeKind::Other);
  EXPECT_EQ(parse_label("banned"), Label::Banned);
  EXPECT_FALSE(parse_label("Banned").has_value());
  EXPECT_TRUE(is_valid_type_name("asn2"));
  EXPECT_FALSE(is_valid_type_name("2asn"));
  EXPECT_FALSE(is_valid_type_name("Account"));
  EXPECT_FALSE(is_valid_type_name(""));
}

TEST(AtomicFile, UncommittedFileLeavesNothing) {
  const std::string path = std::string(HYDRASCOPE_TEST_TMP) + "/atomic_uncommitted.txt";
  std::remove(path.c_str());
  {
    AtomicFile f(path);
    f.write("half");
  }
  EXPECT_EQ(std::fopen(path.c_str(), "rb"), nullptr);
  write_file_atomic(path, "whole");
  std::FILE* fp = std::fopen(path.c_str(), "rb");
  ASSERT_NE(fp, nullptr);
  char buf[16] = {};
  EXPECT_EQ(std::fread(buf, 1, sizeof buf, fp), 5u);
  std::fclose(fp);
  EXPECT_STREQ(buf, "whole");
}

}  // namespace
}  // namespace hydrascope
