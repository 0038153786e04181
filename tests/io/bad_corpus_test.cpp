// Walks tests/fixtures/bad: every file (or CSV folder) must fail with an
// InputError naming the file, the place and the field, exactly as listed
// below, with any thread count - never a crash, never a silent load. Also
// the cases too big to commit (a 10 MB line, 100k-deep nesting that closes).
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "hydrascope/io.hpp"
#include "bad_expectations.hpp"
#include "test_util.hpp"

namespace hydrascope {
namespace {
using testing::fixture;
using testing::bad_entries;
using testing::bad_expectations;
using testing::write_tmp;

class BadInput : public ::testing::TestWithParam<std::string> {};

TEST_P(BadInput, FailsWithLocatedMessage) {
  const std::string name = GetParam();
  const auto it = bad_expectations().find(name);
  ASSERT_NE(it, bad_expectations().end()) << "no expectation for tests/fixtures/bad/" << name;
  const std::string path = fixture("bad/" + name);
  for (int threads : {1, 2}) {
    LoadOptions options;
    options.threads = threads;
    try {
      (void)load_snapshot(path, options);
      ADD_FAILURE() << name << " loaded without error";
    } catch (const InputError& e) {
      EXPECT_EQ(std::string(e.what()), fixture("bad/") + it->second) << "threads " << threads;
      EXPECT_FALSE(e.where().file.empty());
    }
  }
}

std::string param_name(const ::testing::TestParamInfo<std::string>& info) {
  std::string s = info.param;
  for (char& c : s)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  return s;
}

INSTANTIATE_TEST_SUITE_P(Corpus, BadInput, ::testing::ValuesIn(bad_entries()), param_name);

TEST(BadInputTable, EveryExpectationHasAFile) {
  const auto names = bad_entries();
  for (const auto& [name, message] : bad_expectations())
    EXPECT_TRUE(std::find(names.begin(), names.end(), name) != names.end()) << name;
}

TEST(BadInputLarge, TenMegabyteLineIsFineLongerThanLimitIsAnError) {
  // A 10 MB line is legal (below the 64 MiB limit)...
  const std::string header = R"({"format": "hydrascope.snapshot", "version": 1})";
  const std::string big(10'000'000, 'x');  // in an attr: ids are limited to 4096 bytes
  const std::string p = write_tmp("ten_mb_line.ndjson", header + "\n" +
                                                            R"({"kind": "node", "type": "ip", "id": "ip:1", "attrs": {"note": ")" +
                                                            big + "\"}}\n");
  const Snapshot s = load_snapshot(p);
  ASSERT_EQ(s.num_nodes(), 1u);
  // ... and a line over the limit fails cleanly, naming the line.
  std::string huge = header + "\n{\"kind\": \"node\", \"id\": \"";
  huge.append((std::size_t{64} << 20) + 10, 'y');
  const std::string q = write_tmp("too_long_line.ndjson", huge);
  huge.clear();
  huge.shrink_to_fit();
  const std::string e = testing::load_error(q);
  EXPECT_NE(e.find("too_long_line.ndjson:2: line is longer than the limit of 64 MiB"), std::string::npos) << e;
  std::filesystem::remove(q);
  std::filesystem::remove(p);
}

TEST(BadInputLarge, DeepNestingInUnknownKeyIsSkippedUpToTheLimit) {
  // 60 levels in an unknown key are skipped (64 is the limit, the record's own levels included) ...
  const std::string deep = std::string(60, '[') + std::string(60, ']');
  const std::string nd = R"({"format": "hydrascope.snapshot", "version": 1})" "\n" +
                         std::string(R"({"kind": "node", "id": "a", "type": "ip", "x": )") + deep + "}\n";
  EXPECT_EQ(load_snapshot(write_tmp("deep_ok.ndjson", nd)).num_nodes(), 1u);
  const std::string js = R"({"format": "hydrascope.snapshot", "version": 1, "extra": )" + deep +
                         R"(, "nodes": [{"id": "a", "type": "ip", "x": )" + deep + "}]}";
  EXPECT_EQ(load_snapshot(write_tmp("deep_ok.json", js)).num_nodes(), 1u);
  // ... 100,000 levels are an error naming the record, not a stack overflow.
  const std::string deeper = std::string(100000, '[') + std::string(100000, ']');
  const std::string e = testing::load_error(write_tmp("deep_bad.ndjson", R"({"format": "hydrascope.snapshot", "version": 1})" "\n" +
                                                                       std::string(R"({"kind": "node", "id": "a", "type": "ip", "x": )") +
                                                                       deeper + "}\n"));
  EXPECT_NE(e.find("deep_bad.ndjson:2: node #0 (a): JSON nesting is deeper than the limit of 64 levels"), std::string::npos) << e;
}

}  // namespace
}  // namespace hydrascope
