// SnapshotWriter and write_snapshot: exact bytes per format, escaping (checked
// by an independent JSON parser), spooling order, atomicity, gzip, determinism,
// and every misuse error.
#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <zlib.h>

#include <algorithm>
#include <filesystem>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "hydrascope/atomic_file.hpp"
#include "hydrascope/io.hpp"
#include "io_write/write_util.hpp"

// Records are built with brace lists that leave trailing fields at their defaults.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace hydrascope {
namespace {

using testing::fresh_dir;
using testing::hostile_snapshot;
using testing::list_dir;
using testing::read_all;

std::string gunzip(const std::string& path) {
  gzFile f = gzopen(path.c_str(), "rb");
  EXPECT_NE(f, nullptr);
  std::string out;
  char buf[4096];
  int n = 0;
  while ((n = gzread(f, buf, sizeof buf)) > 0) out.append(buf, static_cast<std::size_t>(n));
  gzclose(f);
  return out;
}

SnapshotMeta small_meta() {
  SnapshotMeta m;
  m.id = "s1";
  m.taken_at = 1771545600LL * kMicrosPerSecond;
  m.activity = {1770940800LL * kMicrosPerSecond, 3600, 3};
  return m;
}

// a:1 (banned, activity [0, 0.1, 2]) -- ip:1, written edge first.
void write_small(SnapshotWriter& w) {
  w.header(small_meta());
  EdgeRecord e{"a:1", "ip:1", "uses_ip", 2.5, 1771545600LL * kMicrosPerSecond + 500000, kNoTime};
  w.edge(e);
  const std::uint32_t buckets[] = {1, 2};
  const float values[] = {0.1f, 2.0f};
  AttrInput attrs[] = {{"country", AttrType::String, "S\"G"}, {"n", AttrType::Int, {}, 7},
                       {"x", AttrType::Double, {}, 0, 1.0}, {"ok", AttrType::Bool, {}, 0, 0, true}};
  NodeRecord a{"a:1", "account", Label::Banned, 0, attrs, true, ActivityRow(buckets, values)};
  w.node(a);
  AttrInput ip_attrs[] = {{"n", AttrType::Int, {}, -1}};
  NodeRecord ip{"ip:1", "ip", Label::Unknown, kNoTime, ip_attrs};
  w.node(ip);
  w.commit();
}

TEST(SnapshotWriter, JsonDocumentPutsNodesBeforeSpooledEdges) {
  const std::string dir = fresh_dir("json_small");
  SnapshotWriter w(dir + "/s.json", {SnapshotFormat::Json});
  write_small(w);
  EXPECT_EQ(read_all(dir + "/s.json"),
            "{\"format\":\"hydrascope.snapshot\",\"version\":1,\"snapshot\":{\"id\":\"s1\",\"taken_at\":"
            "\"2026-02-20T00:00:00Z\",\"activity\":{\"start\":\"2026-02-13T00:00:00Z\",\"bucket_seconds\":3600,"
            "\"buckets\":3}},\"nodes\":[{\"id\":\"a:1\",\"type\":\"account\",\"label\":\"banned\",\"created_at\":"
            "\"1970-01-01T00:00:00Z\",\"activity\":[0,0.1,2],\"attrs\":{\"country\":\"S\\\"G\",\"n\":7,\"x\":1.0,"
            "\"ok\":true}},{\"id\":\"ip:1\",\"type\":\"ip\",\"attrs\":{\"n\":-1}}],\"edges\":[{\"src\":\"a:1\","
            "\"dst\":\"ip:1\",\"type\":\"uses_ip\",\"weight\":2.5,\"first_seen\":\"2026-02-20T00:00:00.5Z\"}]}\n");
  EXPECT_EQ(list_dir(dir), std::vector<std::string>{"s.json"});  // no spool or temp left
}

TEST(SnapshotWriter, PrettyJsonIsOneRecordPerLine) {
  const std::string dir = fresh_dir("json_pretty");
  SnapshotWriter w(dir + "/s.json", {SnapshotFormat::Json, false, true});
  write_small(w);
  const std::string text = read_all(dir + "/s.json");
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 12);
  EXPECT_NE(text.find("\n    {\"id\": \"ip:1\", \"type\": \"ip\", \"attrs\": {\"n\": -1}}\n  ],\n  \"edges\": [\n"),
            std::string::npos);
  rapidjson::Document d;
  d.Parse(text.c_str(), text.size());
  ASSERT_FALSE(d.HasParseError());
  ASSERT_TRUE(d["nodes"].IsArray());
  EXPECT_EQ(d["nodes"].Size(), 2u);
  EXPECT_EQ(d["edges"].Size(), 1u);
}

TEST(SnapshotWriter, NdjsonKeepsTheOrderGiven) {
  const std::string dir = fresh_dir("ndjson_small");
  SnapshotWriter w(dir + "/s.ndjson", {SnapshotFormat::Ndjson});
  write_small(w);
  EXPECT_EQ(read_all(dir + "/s.ndjson"),
            "{\"format\":\"hydrascope.snapshot\",\"version\":1,\"snapshot\":{\"id\":\"s1\",\"taken_at\":"
            "\"2026-02-20T00:00:00Z\",\"activity\":{\"start\":\"2026-02-13T00:00:00Z\",\"bucket_seconds\":3600,"
            "\"buckets\":3}}}\n"
            "{\"kind\":\"edge\",\"src\":\"a:1\",\"dst\":\"ip:1\",\"type\":\"uses_ip\",\"weight\":2.5,\"first_seen\":"
            "\"2026-02-20T00:00:00.5Z\"}\n"
            "{\"kind\":\"node\",\"id\":\"a:1\",\"type\":\"account\",\"label\":\"banned\",\"created_at\":"
            "\"1970-01-01T00:00:00Z\",\"activity\":[0,0.1,2],\"attrs\":{\"country\":\"S\\\"G\",\"n\":7,\"x\":1.0,"
            "\"ok\":true}}\n"
            "{\"kind\":\"node\",\"id\":\"ip:1\",\"type\":\"ip\",\"attrs\":{\"n\":-1}}\n");
}

TEST(SnapshotWriter, CsvPairCollectsAttrColumnsAndQuotes) {
  const std::string dir = fresh_dir("csv_small");
  SnapshotWriter w(dir + "/snap", {SnapshotFormat::CsvPair});
  write_small(w);
  EXPECT_EQ(list_dir(dir + "/snap"),
            (std::vector<std::string>{"activity.csv", "edges.csv", "nodes.csv", "snapshot.csv"}));
  EXPECT_EQ(read_all(dir + "/snap/snapshot.csv"),
            "id,taken_at,activity_start,activity_bucket_seconds,activity_buckets\r\n"
            "s1,2026-02-20T00:00:00Z,2026-02-13T00:00:00Z,3600,3\r\n");
  EXPECT_EQ(read_all(dir + "/snap/activity.csv"), "id,bucket,requests\r\na:1,1,0.1\r\na:1,2,2\r\n");
  EXPECT_EQ(read_all(dir + "/snap/nodes.csv"),
            "id,type,label,created_at,country,n,x,ok\r\n"
            "a:1,account,banned,1970-01-01T00:00:00Z,\"S\"\"G\",7,1.0,true\r\n"
            "ip:1,ip,,,,-1,,\r\n");
  EXPECT_EQ(read_all(dir + "/snap/edges.csv"),
            "src,dst,type,weight,first_seen,last_seen\r\n"
            "a:1,ip:1,uses_ip,2.5,2026-02-20T00:00:00.5Z,\r\n");
}

TEST(SnapshotWriter, CsvPathMayNameEdgesCsv) {
  const std::string dir = fresh_dir("csv_edges_name");
  SnapshotWriter w(dir + "/edges.csv.gz", {SnapshotFormat::CsvPair, true});
  write_small(w);
  EXPECT_EQ(list_dir(dir),
            (std::vector<std::string>{"activity.csv.gz", "edges.csv.gz", "nodes.csv.gz", "snapshot.csv.gz"}));
  EXPECT_EQ(gunzip(dir + "/edges.csv.gz"),
            "src,dst,type,weight,first_seen,last_seen\r\na:1,ip:1,uses_ip,2.5,2026-02-20T00:00:00.5Z,\r\n");
}

TEST(SnapshotWriter, GzipHoldsTheSameBytesAndIsDeterministic) {
  const std::string dir = fresh_dir("gz");
  for (const char* name : {"a.json.gz", "b.json.gz"}) {
    SnapshotWriter w(dir + "/" + name, {SnapshotFormat::Json, true});
    write_small(w);
  }
  SnapshotWriter w(dir + "/plain.json", {SnapshotFormat::Json});
  write_small(w);
  EXPECT_EQ(gunzip(dir + "/a.json.gz"), read_all(dir + "/plain.json"));
  EXPECT_EQ(read_all(dir + "/a.json.gz"), read_all(dir + "/b.json.gz"));
  EXPECT_EQ(read_all(dir + "/a.json.gz").substr(0, 2), "\x1f\x8b");
}

TEST(SnapshotWriter, NothingAppearsWithoutCommit) {
  const std::string dir = fresh_dir("nocommit");
  for (auto fmt : {SnapshotFormat::Json, SnapshotFormat::Ndjson, SnapshotFormat::CsvPair}) {
    for (bool gz : {false, true}) {
      SnapshotWriter w(dir + "/out" + (fmt == SnapshotFormat::CsvPair ? "" : ".x"), {fmt, gz});
      w.header(small_meta());
      w.edge({"a", "b", "t"});
      w.node({"a", "account"});
    }
  }
  EXPECT_TRUE(list_dir(dir).empty());
}

TEST(SnapshotWriter, EmptySnapshotIsValidJson) {
  const std::string dir = fresh_dir("empty");
  {
    SnapshotWriter w(dir + "/e.json", {SnapshotFormat::Json});
    w.header({});
    w.commit();
  }
  EXPECT_EQ(read_all(dir + "/e.json"), "{\"format\":\"hydrascope.snapshot\",\"version\":1,\"nodes\":[],\"edges\":[]}\n");
  {
    SnapshotWriter w(dir + "/e.pretty.json", {SnapshotFormat::Json, false, true});
    w.header({});
    w.commit();
  }
  rapidjson::Document d;
  const std::string pretty = read_all(dir + "/e.pretty.json");
  d.Parse(pretty.c_str(), pretty.size());
  EXPECT_FALSE(d.HasParseError());
  {
    SnapshotWriter w(dir + "/csv", {SnapshotFormat::CsvPair});
    w.header({});
    w.commit();
  }
  EXPECT_EQ(read_all(dir + "/csv/nodes.csv"), "id,type,label,created_at\r\n");
  EXPECT_EQ(read_all(dir + "/csv/edges.csv"), "src,dst,type,weight,first_seen,last_seen\r\n");
}

// Every string of the hostile snapshot reads back through an independent
// parser (RapidJSON) exactly, and every number round-trips bit for bit.
TEST(WriteSnapshot, HostileStringsAndNumbersSurviveAJsonParser) {
  const Snapshot s = hostile_snapshot();
  const std::string dir = fresh_dir("hostile_json");
  write_snapshot(s, dir + "/h.json", {SnapshotFormat::Json});
  const std::string text = read_all(dir + "/h.json");
  rapidjson::Document d;
  d.Parse<rapidjson::kParseFullPrecisionFlag>(text.c_str(), text.size());
  ASSERT_FALSE(d.HasParseError()) << d.GetErrorOffset();
  ASSERT_TRUE(d["snapshot"]["id"].IsString());
  EXPECT_EQ(std::string(d["snapshot"]["id"].GetString(), d["snapshot"]["id"].GetStringLength()), s.meta().id);
  EXPECT_EQ(std::string(d["snapshot"]["taken_at"].GetString()), "2026-02-20T00:00:00.25Z");
  const auto& nodes = d["nodes"];
  ASSERT_EQ(nodes.Size(), s.num_nodes());
  for (NodeId v = 0; v < s.num_nodes(); ++v) {
    const auto& id = nodes[v]["id"];
    ASSERT_TRUE(id.IsString());
    EXPECT_EQ(std::string_view(id.GetString(), id.GetStringLength()), s.node_id(v));
  }
  EXPECT_EQ(std::string(nodes[0]["created_at"].GetString()), "2026-02-02T02:40:00.000001Z");
  EXPECT_EQ(std::string(nodes[1]["created_at"].GetString()), "1969-12-31T23:59:59.999999Z");
  const auto& act = nodes[0]["activity"];
  ASSERT_EQ(act.Size(), 6u);
  EXPECT_TRUE(act[0].IsInt());
  EXPECT_EQ(static_cast<float>(act[1].GetDouble()), 0.1f);
  EXPECT_EQ(static_cast<float>(act[4].GetDouble()), 1e-7f);
  EXPECT_EQ(nodes[1]["activity"].Size(), 6u);
  EXPECT_FALSE(nodes[2].HasMember("activity"));
  const auto& attrs = nodes[0]["attrs"];
  EXPECT_EQ(std::string(attrs["country"].GetString()), "S,G \"x\"\r\nline2");
  ASSERT_TRUE(attrs["asn"].IsInt64());
  EXPECT_EQ(attrs["asn"].GetInt64(), -9007199254740993LL);
  ASSERT_TRUE(attrs["score"].IsDouble());
  EXPECT_EQ(attrs["score"].GetDouble(), 0.1);
  ASSERT_TRUE(attrs["whole"].IsDouble());  // written 3.0, not 3
  EXPECT_TRUE(attrs["vip"].IsTrue());
  EXPECT_EQ(nodes[3]["attrs"]["big"].GetDouble(), 1e300);
  EXPECT_EQ(nodes[4]["attrs"]["score"].GetDouble(), -2.5e-300);
  const auto& edges = d["edges"];
  ASSERT_EQ(edges.Size(), s.num_edges());
  for (EdgeId e = 0; e < s.num_edges(); ++e) {
    EXPECT_EQ(std::string_view(edges[e]["src"].GetString(), edges[e]["src"].GetStringLength()),
              s.node_id(s.edge_src(e)));
    const double w = edges[e].HasMember("weight") ? edges[e]["weight"].GetDouble() : 1.0;
    EXPECT_EQ(w, s.edge_weight(e)) << e;
  }
  EXPECT_EQ(std::string(edges[0]["last_seen"].GetString()), "2026-02-19T23:00:00.999999Z");
  EXPECT_EQ(std::string(edges[3]["first_seen"].GetString()), "1969-12-31T23:59:59.999995Z");
}

TEST(WriteSnapshot, NdjsonLinesEachParseAndControlCharsAreEscaped) {
  const Snapshot s = hostile_snapshot();
  const std::string dir = fresh_dir("hostile_ndjson");
  write_snapshot(s, dir + "/h.ndjson", {SnapshotFormat::Ndjson});
  const std::string text = read_all(dir + "/h.ndjson");
  EXPECT_NE(text.find(R"("id":"a:\"1\"\\\n\t\u0001 é€😀")"), std::string::npos);
  std::size_t lines = 0, start = 0;
  for (std::size_t nl; (nl = text.find('\n', start)) != std::string::npos; start = nl + 1, ++lines) {
    rapidjson::Document d;
    d.Parse(text.c_str() + start, nl - start);
    EXPECT_FALSE(d.HasParseError()) << "line " << lines + 1;
  }
  EXPECT_EQ(start, text.size());
  EXPECT_EQ(lines, 1 + s.num_nodes() + s.num_edges());
}

TEST(WriteSnapshot, CsvFieldsAreQuotedPerRfc4180) {
  const Snapshot s = hostile_snapshot(true);
  const std::string dir = fresh_dir("hostile_csv");
  write_snapshot(s, dir + "/h", {SnapshotFormat::CsvPair});
  const std::string nodes = read_all(dir + "/h/nodes.csv");
  EXPECT_EQ(nodes.substr(0, nodes.find("\r\n")), "id,type,label,created_at,country,asn,score,whole,vip,big");
  EXPECT_NE(nodes.find("\r\n\"a:\"\"1\"\"\\\n\t\x01 é€😀\",account,banned,2026-02-02T02:40:00.000001Z,"
                       "\"S,G \"\"x\"\"\r\nline2\",-9007199254740993,0.1,3.0,true,\r\n"),
            std::string::npos);
  EXPECT_NE(nodes.find("\r\n\"a:2,comma\",account,trusted,1969-12-31T23:59:59.999999Z,日本,,,,false,\r\n"),
            std::string::npos);
  EXPECT_NE(nodes.find("\r\nip:203.0.113.7,ip,,,,64500,,,,1e+300\r\n"), std::string::npos);
  const std::string edges = read_all(dir + "/h/edges.csv");
  EXPECT_NE(edges.find("\r\n\"a:2,comma\",org:x,member_of,7e+22,,\r\n"), std::string::npos);
  EXPECT_NE(edges.find("\r\na:3,\"px:relay \"\"7\"\"\",via_proxy,0.6666666666666666,,\r\n"), std::string::npos);
}

TEST(WriteSnapshot, StreamingAndWholeSnapshotGiveTheSameCsv) {
  // write_snapshot knows the columns up front; SnapshotWriter spools. Same bytes.
  const Snapshot s = hostile_snapshot(true);
  const std::string dir = fresh_dir("csv_stream_vs_whole");
  write_snapshot(s, dir + "/whole", {SnapshotFormat::CsvPair});
  SnapshotWriter w(dir + "/stream", {SnapshotFormat::CsvPair});
  w.header(s.meta());
  std::vector<AttrInput> attrs;
  for (NodeId v = 0; v < s.num_nodes(); ++v) {
    attrs.clear();
    for (const Attr& a : s.attrs(v)) {
      AttrInput in{s.attr_keys().get(a.key), a.type};
      if (a.type == AttrType::String) in.text = s.attr_strings().get(a.as_string_id());
      in.integer = a.as_int();
      in.real = a.as_double();
      in.boolean = a.as_bool();
      attrs.push_back(in);
    }
    w.node({s.node_id(v), s.node_type(v), s.label(v), s.created_at(v), attrs, s.has_activity(v),
            s.activity(v)});
    if (v < s.num_edges()) {  // interleave edges with nodes
      const EdgeId e = v;
      w.edge({s.node_id(s.edge_src(e)), s.node_id(s.edge_dst(e)), s.edge_type(e), s.edge_weight(e), s.first_seen(e),
              s.last_seen(e)});
    }
  }
  w.commit();
  EXPECT_EQ(read_all(dir + "/whole/nodes.csv"), read_all(dir + "/stream/nodes.csv"));
  EXPECT_EQ(read_all(dir + "/whole/edges.csv"), read_all(dir + "/stream/edges.csv"));
  EXPECT_EQ(read_all(dir + "/whole/snapshot.csv"), read_all(dir + "/stream/snapshot.csv"));
  EXPECT_EQ(read_all(dir + "/whole/activity.csv"), read_all(dir + "/stream/activity.csv"));
}

TEST(WriteSnapshot, CsvOverAnEarlierSnapshotTakesItsActivityAway) {
  // A folder that held a snapshot with activity, rewritten with one without:
  // the old activity.csv and snapshot.csv must not be read with the new pair.
  const std::string dir = fresh_dir("csv_stale");
  write_snapshot(hostile_snapshot(true), dir + "/h", {SnapshotFormat::CsvPair});
  ASSERT_TRUE(std::filesystem::exists(dir + "/h/activity.csv"));
  const Snapshot bare = hostile_snapshot(true, false);
  write_snapshot(bare, dir + "/h", {SnapshotFormat::CsvPair});
  EXPECT_EQ(list_dir(dir + "/h"), (std::vector<std::string>{"edges.csv", "nodes.csv"}));
  EXPECT_TRUE(load_snapshot(dir + "/h") == bare);
  // And the gzip form over the plain one leaves only the gzip parts.
  write_snapshot(hostile_snapshot(true), dir + "/h", {SnapshotFormat::CsvPair, true});
  EXPECT_FALSE(std::filesystem::exists(dir + "/h/activity.csv"));
  EXPECT_TRUE(std::filesystem::exists(dir + "/h/activity.csv.gz"));
}

TEST(WriteSnapshot, SameSnapshotSameBytes) {
  const Snapshot s = hostile_snapshot();
  const std::string dir = fresh_dir("determinism");
  for (const char* ext : {".json", ".ndjson", ".json.gz", ".ndjson.gz"}) {
    const std::string a = dir + "/a" + ext, b = dir + "/b" + ext;
    write_snapshot(s, a, write_options_for_path(a));
    write_snapshot(s, b, write_options_for_path(b));
    EXPECT_EQ(read_all(a), read_all(b)) << ext;
  }
}

TEST(WriteSnapshot, OverwritesAnExistingFileOnlyAtCommit) {
  const std::string dir = fresh_dir("overwrite");
  const std::string p = dir + "/s.json";
  write_file_atomic(p, "old");
  {
    SnapshotWriter w(p, {SnapshotFormat::Json});
    w.header({});
    w.node({"a", "account"});
    EXPECT_EQ(read_all(p), "old");
  }
  EXPECT_EQ(read_all(p), "old");
  EXPECT_EQ(list_dir(dir), std::vector<std::string>{"s.json"});
}

TEST(WriteOptionsForPath, FormatFromExtension) {
  const std::string dir = fresh_dir("opts");
  auto fmt = [](const std::string& p) { return write_options_for_path(p); };
  EXPECT_EQ(fmt("x.json").format, SnapshotFormat::Json);
  EXPECT_FALSE(fmt("x.json").gzip);
  EXPECT_EQ(fmt("x.JSON.gz").format, SnapshotFormat::Json);
  EXPECT_TRUE(fmt("x.json.gz").gzip);
  EXPECT_EQ(fmt("x.ndjson").format, SnapshotFormat::Ndjson);
  EXPECT_EQ(fmt("x.jsonl.gz").format, SnapshotFormat::Ndjson);
  EXPECT_TRUE(fmt("x.jsonl.gz").gzip);
  EXPECT_EQ(fmt("d/edges.csv").format, SnapshotFormat::CsvPair);
  EXPECT_TRUE(fmt("d/edges.csv.gz").gzip);
  EXPECT_EQ(fmt(dir).format, SnapshotFormat::CsvPair);
  EXPECT_EQ(fmt("new/folder/").format, SnapshotFormat::CsvPair);
  EXPECT_EQ(fmt("out/gen1m").format, SnapshotFormat::CsvPair);
  EXPECT_THROW((void)fmt("x.txt"), std::invalid_argument);
  EXPECT_THROW((void)fmt("x.gz"), std::invalid_argument);
  EXPECT_THROW((void)fmt(""), std::invalid_argument);
}

TEST(SnapshotWriter, MisuseIsReported) {
  const std::string dir = fresh_dir("misuse");
  EXPECT_THROW(SnapshotWriter(dir + "/x", {SnapshotFormat::EdgeList}), std::invalid_argument);
  EXPECT_THROW(SnapshotWriter(dir + "/x", {SnapshotFormat::Auto}), std::invalid_argument);
  EXPECT_THROW(SnapshotWriter(dir + "/no/such/dir/x.json", {SnapshotFormat::Json}), std::runtime_error);
  {
    SnapshotWriter w(dir + "/a.json", {SnapshotFormat::Json});
    EXPECT_THROW(w.node({"a", "account"}), std::logic_error);
    EXPECT_THROW(w.commit(), std::logic_error);
    w.header({});
    EXPECT_THROW(w.header({}), std::logic_error);
    // Activity needs the header's activity spec.
    const std::uint32_t k[] = {0};
    const float x[] = {1.0f};
    EXPECT_THROW(w.node({"a", "account", Label::Unknown, kNoTime, {}, true, ActivityRow(k, x)}), std::invalid_argument);
    EXPECT_THROW(w.node({"", "account"}), std::invalid_argument);
    EXPECT_THROW(w.edge({"a", "b", "t", -1.0}), std::invalid_argument);
    EXPECT_THROW(w.edge({"a", "b", "t", std::numeric_limits<double>::infinity()}), std::invalid_argument);
    AttrInput nan_attr[] = {{"x", AttrType::Double, {}, 0, std::numeric_limits<double>::quiet_NaN()}};
    EXPECT_THROW(w.node({"a", "account", Label::Unknown, kNoTime, nan_attr}), std::invalid_argument);
    w.commit();
    EXPECT_THROW(w.node({"a", "account"}), std::logic_error);
    EXPECT_THROW(w.commit(), std::logic_error);
  }
  {
    SnapshotWriter w(dir + "/b.json", {SnapshotFormat::Json});
    w.header(small_meta());
    const std::uint32_t k[] = {3};  // out of range (3 buckets)
    const float x[] = {1.0f};
    EXPECT_THROW(w.node({"a", "account", Label::Unknown, kNoTime, {}, true, ActivityRow(k, x)}), std::invalid_argument);
    const std::uint32_t k2[] = {1, 1};  // not increasing
    const float x2[] = {1.0f, 2.0f};
    EXPECT_THROW(w.node({"a", "account", Label::Unknown, kNoTime, {}, true, ActivityRow(k2, x2)}), std::invalid_argument);
  }
  {
    SnapshotWriter w(dir + "/c", {SnapshotFormat::CsvPair});
    w.header({});
    AttrInput reserved[] = {{"label", AttrType::String, "x"}};
    EXPECT_THROW(w.node({"a", "account", Label::Unknown, kNoTime, reserved}), std::invalid_argument);
  }
  EXPECT_EQ(list_dir(dir), std::vector<std::string>{"a.json"});
}

}  // namespace
}  // namespace hydrascope
