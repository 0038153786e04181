// JSON document reader and the valid odd files in tests/fixtures/good:
// key order, late header, edges before nodes, BOM, CRLF, escapes, merging,
// and the same model from JSON, NDJSON and gzip.
#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "hydrascope/io.hpp"
#include "test_util.hpp"

namespace hydrascope {
namespace {
using testing::fixture;
using testing::load_error;
using testing::write_tmp;
using testing::write_tmp_gz;

Timestamp ts(const char* s) {
  Timestamp t = 0;
  EXPECT_TRUE(parse_rfc3339(s, t));
  return t;
}

TEST(Json, FullExample) {
  LoadReport r;
  const Snapshot s = load_snapshot(fixture("good/full.json"), {}, &r);
  EXPECT_EQ(r.format, SnapshotFormat::Json);
  EXPECT_EQ(r.records, 7u);
  EXPECT_EQ(s.meta().id, "prod-2026-02-20");
  EXPECT_EQ(s.meta().taken_at, ts("2026-02-20T00:00:00Z"));
  EXPECT_EQ(s.meta().activity.start, ts("2026-02-13T00:00:00Z"));
  ASSERT_EQ(s.num_nodes(), 4u);
  EXPECT_EQ(s.node_id(2), "ip:203.0.113.7");
  EXPECT_EQ(s.kind(3), NodeKind::Proxy);
  EXPECT_EQ(s.label(0), Label::Banned);
  EXPECT_DOUBLE_EQ(s.activity_total(0), 15.0);
  ASSERT_EQ(s.num_edges(), 3u);
  EXPECT_EQ(s.edge_weight(0), 1520.0);
  EXPECT_EQ(s.first_seen(0), ts("2026-02-14T02:00:00Z"));
  EXPECT_EQ(s.edge_weight(2), 2.5);
  EXPECT_EQ(s.edge_type(2), "egress_ip");
  s.validate();
}

TEST(Json, AnyKeyOrderLateHeaderUnknownKeysAndMerge) {
  LoadReport r;
  const Snapshot s = load_snapshot(fixture("good/reordered.json"), {}, &r);
  EXPECT_EQ(s.meta().id, "late");
  EXPECT_EQ(s.meta().activity.buckets, 2u);
  ASSERT_EQ(s.num_nodes(), 2u);
  EXPECT_EQ(s.node_id(0), "a:1");
  EXPECT_EQ(s.label(0), Label::Suspect);
  ASSERT_EQ(s.num_edges(), 1u);
  EXPECT_EQ(r.merged_edges, 1u);
  EXPECT_EQ(s.edge_weight(0), 5.0);  // 2 + 3
  EXPECT_EQ(s.first_seen(0), 1771459200 * kMicrosPerSecond);
  EXPECT_EQ(s.last_seen(0), ts("2026-02-21T00:00:00Z"));
  ASSERT_EQ(s.attrs(1).size(), 2u);
  EXPECT_EQ(s.attrs(1)[0].type, AttrType::Bool);
  EXPECT_EQ(s.attrs(1)[1].as_double(), -0.25);
  s.validate();
}

TEST(Json, BomAndEscapes) {
  const Snapshot b = load_snapshot(fixture("good/bom.json"));
  EXPECT_EQ(b.num_nodes(), 2u);
  EXPECT_EQ(b.num_edges(), 1u);
  const Snapshot e = load_snapshot(fixture("good/escapes.json"));
  EXPECT_EQ(e.node_id(0), "a:\xc3\xa9\"q\\\n");
  EXPECT_EQ(e.node_id(1), "ip:1");
  EXPECT_EQ(e.attr_strings().get(e.attrs(0)[0].as_string_id()), "J\xc3\xbcrgen \xf0\x9f\x98\x80");
  EXPECT_EQ(e.num_edges(), 1u);
}

TEST(Ndjson, CrlfBomEdgesFirstMerged) {
  const Snapshot c = load_snapshot(fixture("good/crlf.ndjson"));
  EXPECT_EQ(c.num_nodes(), 2u);
  EXPECT_EQ(c.num_edges(), 1u);
  LoadReport r;
  const Snapshot d = load_snapshot(fixture("good/bom_edges_first.ndjson"), {}, &r);
  ASSERT_EQ(d.num_nodes(), 2u);
  EXPECT_EQ(d.node_id(0), "b");
  ASSERT_EQ(d.num_edges(), 1u);
  EXPECT_EQ(d.edge_weight(0), 7.0);
  EXPECT_EQ(r.merged_edges, 1u);
}

TEST(Json, SameModelAsNdjsonAndGzip) {
  const std::string json = R"({"format": "hydrascope.snapshot", "version": 1,
    "snapshot": {"id": "x", "activity": {"start": 0, "bucket_seconds": 60, "buckets": 3}},
    "nodes": [{"id": "a", "type": "account", "activity": [0.5, 0, 7], "attrs": {"k": 1, "s": "v"}},
              {"id": "d", "type": "device", "created_at": "2026-01-01T00:00:00.123456Z"}],
    "edges": [{"src": "a", "dst": "d", "type": "uses_device", "weight": 0.125}]})";
  const std::string nd = R"({"format": "hydrascope.snapshot", "version": 1, "snapshot": {"id": "x", "activity": {"start": 0, "bucket_seconds": 60, "buckets": 3}}}
{"kind": "node", "id": "a", "type": "account", "activity": [0.5, 0, 7], "attrs": {"k": 1, "s": "v"}}
{"kind": "node", "id": "d", "type": "device", "created_at": "2026-01-01T00:00:00.123456Z"}
{"kind": "edge", "src": "a", "dst": "d", "type": "uses_device", "weight": 0.125}
)";
  const Snapshot a = load_snapshot(write_tmp("same.json", json));
  const Snapshot b = load_snapshot(write_tmp("same.ndjson", nd));
  const Snapshot c = load_snapshot(write_tmp_gz("same.json.gz", json));
  EXPECT_TRUE(a == b);
  EXPECT_TRUE(a == c);
  EXPECT_EQ(a.created_at(1) % kMicrosPerSecond, 123456);
}

TEST(Json, ErrorCarriesByteOffsetOfRecord) {
  const std::string doc =
      R"({"format": "hydrascope.snapshot", "version": 1, "nodes": [{"id": "a", "type": "account"}, {"id": "b", "type": "ip", "label": "banned"}]})";
  const std::string p = write_tmp("err_off.json", doc);
  const std::string e = load_error(p);
  const std::size_t off = doc.find("{\"id\": \"b\"");
  EXPECT_EQ(e, p + ": byte " + std::to_string(off) +
                   ": node #1 (b), field \"label\": only accounts carry a label, this node is a ip");
}

TEST(Json, StreamsLargeDocumentsAcrossChunks) {
  // Bigger than one 4 MiB chunk, so records straddle chunk borders.
  std::string doc = R"({"format": "hydrascope.snapshot", "version": 1, "nodes": [)";
  const int n = 120000;
  for (int i = 0; i < n; ++i) {
    if (i > 0) doc += ",";
    doc += R"({"id": "account-number-)" + std::to_string(i) + R"(", "type": "account", "attrs": {"i": )" +
           std::to_string(i) + "}}";
  }
  doc += R"(], "edges": [)";
  for (int i = 1; i < n; ++i) {
    if (i > 1) doc += ",";
    doc += R"({"src": "account-number-)" + std::to_string(i - 1) + R"(", "dst": "account-number-)" +
           std::to_string(i) + R"(", "type": "knows"})";
  }
  doc += "]}";
  ASSERT_GT(doc.size(), std::size_t{4} << 20);
  const Snapshot s = load_snapshot(write_tmp("large.json", doc));
  EXPECT_EQ(s.num_nodes(), static_cast<NodeId>(n));
  EXPECT_EQ(s.num_edges(), static_cast<EdgeId>(n - 1));
  EXPECT_EQ(s.attrs(n - 1)[0].as_int(), n - 1);
}

}  // namespace
}  // namespace hydrascope

namespace hydrascope {
namespace {

TEST(Json, WrongHeaderFailsBeforeReadingRecords) {
  // The bad version is reported even though a later record is also bad.
  const std::string p = testing::write_tmp(
      "early_header.json",
      R"({"format": "hydrascope.snapshot", "version": 7, "nodes": [{"id": "a", "type": "BAD"}]})");
  EXPECT_EQ(testing::load_error(p), p + ": header, field \"version\": unsupported version 7 (this engine reads version 1)");
}

TEST(Load, ProgressAndCancel) {
  std::string nd = R"({"format": "hydrascope.snapshot", "version": 1})" "\n";
  for (int i = 0; i < 200000; ++i) nd += R"({"kind": "node", "id": "n)" + std::to_string(i) + R"(", "type": "ip"})" "\n";
  const std::string p = testing::write_tmp("progress.ndjson", nd);
  std::uint64_t calls = 0, last_done = 0, total = 0;
  LoadOptions o;
  o.progress = [&](std::string_view stage, std::uint64_t done, std::uint64_t t) {
    EXPECT_EQ(stage, "load");
    EXPECT_GE(done, last_done);
    last_done = done;
    total = t;
    ++calls;
  };
  LoadReport r;
  (void)load_snapshot(p, o, &r);
  EXPECT_GE(calls, 2u);
  EXPECT_EQ(total, nd.size());
  EXPECT_EQ(last_done, nd.size());
  EXPECT_EQ(r.bytes_read, nd.size());
  EXPECT_EQ(r.records, 200000u);
  std::atomic<bool> stop{true};
  LoadOptions c;
  c.cancel.flag = &stop;
  for (const std::string& path : {p, testing::fixture("good/full.json"), testing::fixture("good/csv_basic"),
                                  testing::dataset("karate/karate.edges")})
    EXPECT_THROW((void)load_snapshot(path, c), Cancelled) << path;
}

// A document over 1 MiB is read by two threads when asked (one parses, one
// builds): the model and the first error must be those of one thread.
std::string big_document(std::size_t nodes, const std::string& node_at, std::size_t at, const std::string& edge_tail,
                         const std::string& node_at2 = "", std::size_t at2 = 0) {
  std::string d = "{\"format\": \"hydrascope.snapshot\", \"version\": 1, \"snapshot\": {\"id\": \"big\", \"activity\": "
                  "{\"start\": \"2026-02-13T00:00:00Z\", \"bucket_seconds\": 3600, \"buckets\": 4}},\n\"nodes\": [\n";
  for (std::size_t i = 0; i < nodes; ++i) {
    if (i > 0) d += ",\n";
    if (i == at && !node_at.empty()) {
      d += node_at;
      continue;
    }
    if (i == at2 && !node_at2.empty()) {
      d += node_at2;
      continue;
    }
    const std::string id = "a:" + std::to_string(i);
    d += "{\"id\": \"" + id + "\", \"type\": \"account\", \"created_at\": " + std::to_string(1771000000 + i) +
         ", \"activity\": [0, " + std::to_string(i % 7) + ", 1.5, 0], \"attrs\": {\"tier\": \"" +
         (i % 3 == 0 ? "free" : "pro") + "\", \"n\": " + std::to_string(i) + "}}";
    d += ",\n{\"id\": \"ip:" + std::to_string(i) + "\", \"type\": \"ip\", \"attrs\": {\"datacenter\": " +
         (i % 2 == 0 ? "true" : "false") + "}}";
  }
  d += "\n],\n\"edges\": [\n";
  for (std::size_t i = 0; i < nodes; ++i) {
    if (i > 0) d += ",\n";
    d += "{\"src\": \"a:" + std::to_string(i) + "\", \"dst\": \"ip:" + std::to_string((i * 7) % nodes) +
         "\", \"type\": \"uses_ip\", \"weight\": " + std::to_string(1 + i % 5) + "}";
  }
  d += edge_tail;
  d += "\n]}\n";
  return d;
}

std::string written(const Snapshot& s, const std::string& name) {
  const std::string p = testing::tmp_path(name);
  write_snapshot(s, p, write_options_for_path(p));
  std::ifstream f(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
}

LoadOptions with_threads(int t) {
  LoadOptions o;
  o.threads = t;
  return o;
}

TEST(Json, TwoThreadsBuildTheSameModel) {
  const std::string doc = big_document(12000, "", 0, "");
  ASSERT_GT(doc.size(), std::size_t{1} << 20);
  const std::string path = write_tmp("big_two_threads.json", doc);
  LoadReport r1, r2;
  const Snapshot one = load_snapshot(path, with_threads(1), &r1);
  const Snapshot two = load_snapshot(path, with_threads(2), &r2);
  EXPECT_EQ(one.num_nodes(), 24000u);
  EXPECT_EQ(one.num_edges(), 12000u);
  EXPECT_EQ(r2.records, r1.records);
  two.validate();
  EXPECT_EQ(written(one, "big_one.ndjson"), written(two, "big_two.ndjson"));
}

TEST(Json, TwoThreadsReportTheFirstErrorOfOneThread) {
  struct Case {
    const char* name;
    std::string doc;
    const char* expect;  // a part of the message
  };
  const std::string dup = "{\"id\": \"a:5\", \"type\": \"account\"}";
  const std::vector<Case> cases = {
      // A record the parser rejects, late in the nodes.
      {"late_bad_label", big_document(12000, "{\"id\": \"x\", \"type\": \"ip\", \"label\": \"nope\"}", 11000, ""), "label"},
      // A record the builder rejects (duplicate id), then a syntax error later:
      // the duplicate comes first in the file.
      {"dup_then_syntax", big_document(12000, dup, 9000, ",\n{\"src\": \"a:1\", \"dst\": \"ip:2\", \"type\": }"),
       "duplicate node id"},
      // A record the builder rejects, then one the parser rejects: the
      // builder's comes first in the file.
      {"dup_then_bad_record", big_document(12000, dup, 9000, "", "{\"id\": \"y\", \"type\": \"ip\", \"label\": 3}", 9005),
       "duplicate node id"},
      // The builder rejects a record while the parser is far ahead.
      {"builder_error", big_document(12000, dup, 100, ""), "duplicate node id"},
      // Only a syntax error, near the end.
      {"syntax_only", big_document(12000, "", 0, ",\n{\"src\": \"a:1\" \"dst\": \"ip:2\"}"), "invalid JSON"},
      // An endpoint no node declares (found when the model is finished).
      {"unknown_endpoint", big_document(12000, "", 0, ",\n{\"src\": \"a:1\", \"dst\": \"ip:nowhere\", \"type\": \"t\"}"),
       "unknown node id"},
      // A label on an ip (a builder rule) at the very last node.
      {"builder_last_node", big_document(12000, "{\"id\": \"z\", \"type\": \"ip\", \"label\": \"banned\"}", 11999, ""),
       "only accounts carry a label"},
  };
  for (const Case& c : cases) {
    const std::string path = write_tmp(std::string("big_err_") + c.name + ".json", c.doc);
    const std::string one = load_error(path, with_threads(1));
    EXPECT_NE(one.find(c.expect), std::string::npos) << c.name << ": " << one;
    for (int t : {2, 3}) EXPECT_EQ(load_error(path, with_threads(t)), one) << c.name << ", threads " << t;
  }
}

TEST(Load, DetectFormat) {
  EXPECT_EQ(detect_format(testing::fixture("good/full.json")), SnapshotFormat::Json);
  EXPECT_EQ(detect_format(testing::fixture("good/crlf.ndjson")), SnapshotFormat::Ndjson);
  EXPECT_EQ(detect_format(testing::fixture("good/csv_basic")), SnapshotFormat::CsvPair);
  EXPECT_EQ(detect_format(testing::fixture("good/csv_basic/edges.csv")), SnapshotFormat::CsvPair);
  EXPECT_EQ(detect_format(testing::dataset("karate/karate.edges")), SnapshotFormat::EdgeList);
  // By content when the name says nothing.
  EXPECT_EQ(detect_format(testing::write_tmp("noext1", "{\"format\": \"hydrascope.snapshot\", \"version\": 1}\n{\"kind\": \"node\"}\n")),
            SnapshotFormat::Ndjson);
  EXPECT_EQ(detect_format(testing::write_tmp("noext2", "{\n  \"format\": \"hydrascope.snapshot\"\n}\n")), SnapshotFormat::Json);
  EXPECT_EQ(detect_format(testing::write_tmp_gz("noext3", "1 2\n")), SnapshotFormat::EdgeList);
  EXPECT_THROW((void)detect_format(testing::write_tmp("noext4", "\x01\x02")), InputError);
  EXPECT_THROW((void)detect_format("/nonexistent/file"), InputError);
  LoadOptions bad;
  bad.threads = -1;
  EXPECT_THROW((void)load_snapshot(testing::fixture("good/full.json"), bad), std::invalid_argument);
}

}  // namespace
}  // namespace hydrascope
