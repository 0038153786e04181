// NDJSON reader: every field, header rules, error messages with line, record
// index, id and field, and identical results for any thread count.
#include <gtest/gtest.h>

#include "hydrascope/io.hpp"
#include "test_util.hpp"

namespace hydrascope {
namespace {
using testing::load_error;
using testing::write_tmp;
using testing::write_tmp_gz;

const char* kHeader =
    R"({"format": "hydrascope.snapshot", "version": 1, "snapshot": {"id": "t1", "taken_at": "2026-02-20T00:00:00Z", "activity": {"start": "2026-02-13T00:00:00Z", "bucket_seconds": 3600, "buckets": 4}}})";

LoadOptions opts(int threads) {
  LoadOptions o;
  o.threads = threads;
  return o;
}
LoadOptions fmt(SnapshotFormat f) {
  LoadOptions o;
  o.format = f;
  return o;
}

std::string doc(const std::string& body) { return std::string(kHeader) + "\n" + body; }

TEST(Ndjson, AllFields) {
  const std::string p = write_tmp("n1.ndjson", doc(R"({"kind": "node", "id": "a:1", "type": "account", "created_at": "2026-02-01T10:22:00Z", "label": "banned", "activity": [0, 0, 3, 12.5], "attrs": {"country": "SG", "n": 3, "x": 1.5, "ok": true, "z": null}}
{"kind": "node", "id": "ip:1", "type": "ip", "extra": {"deep": [1, {"a": 2}]}}

{"kind": "edge", "src": "a:1", "dst": "ip:1", "type": "uses_ip", "weight": 1520, "first_seen": 1771545600, "last_seen": "2026-02-20T01:00:00+01:00"}
)"));
  LoadReport r;
  const Snapshot s = load_snapshot(p, {}, &r);
  EXPECT_EQ(r.format, SnapshotFormat::Ndjson);
  EXPECT_EQ(r.records, 3u);
  EXPECT_EQ(s.meta().id, "t1");
  EXPECT_EQ(s.meta().activity.buckets, 4u);
  EXPECT_EQ(s.meta().activity.bucket_seconds, 3600);
  ASSERT_EQ(s.num_nodes(), 2u);
  EXPECT_EQ(s.label(0), Label::Banned);
  Timestamp t = 0;
  ASSERT_TRUE(parse_rfc3339("2026-02-01T10:22:00Z", t));
  EXPECT_EQ(s.created_at(0), t);
  EXPECT_EQ(s.created_at(1), kNoTime);
  ASSERT_EQ(s.activity(0).size(), 2u);
  EXPECT_EQ(s.activity(0).bucket(1), 3u);
  EXPECT_FLOAT_EQ(s.activity(0).value(1), 12.5f);
  ASSERT_EQ(s.attrs(0).size(), 4u);  // null attr = absent
  EXPECT_EQ(s.attr_keys().get(s.attrs(0)[0].key), "country");
  EXPECT_EQ(s.attrs(0)[1].type, AttrType::Int);
  EXPECT_EQ(s.attrs(0)[2].type, AttrType::Double);
  EXPECT_EQ(s.attrs(0)[3].type, AttrType::Bool);
  ASSERT_EQ(s.num_edges(), 1u);
  EXPECT_EQ(s.edge_weight(0), 1520.0);
  EXPECT_EQ(s.first_seen(0), 1771545600 * kMicrosPerSecond);
  EXPECT_EQ(s.last_seen(0), 1771545600 * kMicrosPerSecond);
  s.validate();
}

TEST(Ndjson, ErrorShape) {
  const std::string p = write_tmp("n_err.ndjson", doc(R"({"kind": "node", "id": "a:1", "type": "account"}
{"kind": "node", "id": "ip:9", "type": "ip"}
{"kind": "edge", "src": "a:1", "dst": "ip:9", "type": "uses_ip"}
{"kind": "edge", "src": "a:1", "dst": "ip:9", "type": "uses_ip", "weight": -3}
)"));
  EXPECT_EQ(load_error(p), p + ":5: edge #1 (a:1 -> ip:9), field \"weight\": must be a positive finite number, got -3");
}

TEST(Ndjson, HeaderRules) {
  EXPECT_EQ(load_error(write_tmp("h1.ndjson", "{\"version\": 1}\n")),
            testing::tmp_path("h1.ndjson") + ":1: header, field \"format\": is required (\"hydrascope.snapshot\")");
  EXPECT_NE(load_error(write_tmp("h2.ndjson", "{\"format\": \"hydrascope.snapshot\", \"version\": 2}\n"))
                .find("field \"version\": unsupported version 2"),
            std::string::npos);
  EXPECT_NE(load_error(write_tmp("h3.ndjson", "")).find("has no header line"), std::string::npos);
  EXPECT_NE(load_error(write_tmp("h4.ndjson", "{\"kind\": \"node\", \"id\": \"a\", \"type\": \"ip\"}\n"), fmt(SnapshotFormat::Ndjson))
                .find("first line must be the header"),
            std::string::npos);
}

std::string big_ndjson(int accounts) {
  std::string s = std::string(kHeader) + "\n";
  for (int i = 0; i < accounts; ++i) {
    s += R"({"kind": "node", "id": "a:)" + std::to_string(i) + R"(", "type": "account", "activity": [1, 2, 0, )" +
         std::to_string(i % 7) + R"(], "attrs": {"tier": "free", "k": )" + std::to_string(i) + "}}\n";
    s += R"({"kind": "node", "id": "ip:)" + std::to_string(i) + R"(", "type": "ip"})" "\n";
    s += R"({"kind": "edge", "src": "a:)" + std::to_string(i) + R"(", "dst": "ip:)" + std::to_string(i / 3) +
         R"(", "type": "uses_ip", "weight": )" + std::to_string(1 + i % 5) + "}\n";
  }
  return s;
}

TEST(Ndjson, SameResultForAnyThreadCount) {
  // Over 8 MiB: three 4 MiB blocks, so both pipeline buffers are reused.
  const std::string text = big_ndjson(45000);
  ASSERT_GT(text.size(), std::size_t{9} << 20);
  const std::string p = write_tmp("n_big.ndjson", text);
  const Snapshot one = load_snapshot(p, opts(1));
  for (int t : {2, 3, 4}) {
    const Snapshot many = load_snapshot(p, opts(t));
    EXPECT_TRUE(one == many) << t;
  }
  EXPECT_EQ(one.num_nodes(), 90000u);
  EXPECT_EQ(one.num_edges(), 45000u);
  // Gzip gives the same model.
  const std::string g = write_tmp_gz("n_big.ndjson.gz", text);
  EXPECT_TRUE(load_snapshot(g, opts(2)) == one);
}

TEST(Ndjson, SameErrorForAnyThreadCount) {
  std::string s = big_ndjson(20000);
  // A duplicate id early and a syntax error late: the earlier one wins.
  s += R"({"kind": "node", "id": "a:5", "type": "account"})" "\n";
  s += "{\"kind\": \"edge\", \"src\": \"a:1\"\n";
  const std::string p = write_tmp("n_err2.ndjson", s);
  const std::string e1 = load_error(p, opts(1));
  EXPECT_NE(e1.find(":60002: node #40000 (a:5), field \"id\": duplicate node id"), std::string::npos) << e1;
  for (int t : {2, 3}) EXPECT_EQ(load_error(p, opts(t)), e1);
  std::string s2 = big_ndjson(20000) + "{\"kind\": \"edge\", \"src\": \"a:1\"\n";
  const std::string p2 = write_tmp("n_err3.ndjson", s2);
  const std::string e2 = load_error(p2, opts(1));
  EXPECT_NE(e2.find(":60002: edge #20000: invalid JSON at column"), std::string::npos) << e2;
  for (int t : {2, 3}) EXPECT_EQ(load_error(p2, opts(t)), e2);
}

TEST(Ndjson, FirstErrorInsideABlockForAnyThreadCount) {
  // Errors inside one 4 MiB block, which two or more threads cut into
  // several pieces parsed in any order: the builder's error on an early line
  // and the parser's on a later one; then the parser's alone.
  const std::string body = big_ndjson(30000);
  const auto line_start = [&](int line) {  // 1-based line number -> byte offset
    std::size_t at = 0;
    for (int l = 1; l < line; ++l) at = body.find('\n', at) + 1;
    return at;
  };
  const std::string dup = R"({"kind": "node", "id": "a:3", "type": "account"})" "\n";
  const std::string bad = R"({"kind": "node", "id": "x", "type": "ip", "label": 7})" "\n";
  std::string both = body;
  both.insert(line_start(20001), bad);
  both.insert(line_start(5001), dup);
  const std::string p = write_tmp("n_err_block.ndjson", both);
  const std::string e1 = load_error(p, opts(1));
  EXPECT_NE(e1.find(":5001: node #"), std::string::npos) << e1;
  EXPECT_NE(e1.find("duplicate node id"), std::string::npos) << e1;
  for (int t : {2, 3, 4}) EXPECT_EQ(load_error(p, opts(t)), e1) << t;
  std::string late = body;
  late.insert(line_start(20001), bad);
  const std::string p2 = write_tmp("n_err_block2.ndjson", late);
  const std::string e2 = load_error(p2, opts(1));
  EXPECT_NE(e2.find(":20001: node #"), std::string::npos) << e2;
  EXPECT_NE(e2.find("field \"label\": must be a string, got a number"), std::string::npos) << e2;
  for (int t : {2, 3, 4}) EXPECT_EQ(load_error(p2, opts(t)), e2) << t;
}

}  // namespace
}  // namespace hydrascope
