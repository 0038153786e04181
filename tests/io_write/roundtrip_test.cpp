// Write -> load round trips through every format and its .gz: the reloaded
// Snapshot equals the original (operator==) at every step of
// JSON -> NDJSON -> CSV -> JSON, hostile ids and all.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "hydrascope/io.hpp"
#include "io_write/write_util.hpp"

#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace hydrascope {
namespace {

using testing::fresh_dir;
using testing::hostile_snapshot;

Snapshot reload(const std::string& path, int threads = 1) {
  LoadOptions o;
  o.threads = threads;
  return load_snapshot(path, o);
}

// Path for a format in `dir`, with or without .gz.
std::string target(const std::string& dir, SnapshotFormat f, bool gz) {
  const std::string z = gz ? ".gz" : "";
  switch (f) {
    case SnapshotFormat::Json: return dir + "/s.json" + z;
    case SnapshotFormat::Ndjson: return dir + "/s.ndjson" + z;
    default: return gz ? dir + "/csv_gz/edges.csv.gz" : dir + "/csv";
  }
}

class RoundTrip : public ::testing::TestWithParam<std::tuple<SnapshotFormat, bool, bool>> {};

TEST_P(RoundTrip, ReloadEqualsOriginal) {
  const auto [format, gz, pretty] = GetParam();
  const Snapshot s = hostile_snapshot(format == SnapshotFormat::CsvPair);
  const std::string dir = fresh_dir("rt_" + std::string(to_string(format)) + (gz ? "_gz" : "") + (pretty ? "_p" : ""));
  const std::string p = target(dir, format, gz);
  WriteOptions w = write_options_for_path(p);
  EXPECT_EQ(w.format, format);
  EXPECT_EQ(w.gzip, gz);
  w.pretty = pretty;
  write_snapshot(s, p, w);
  LoadReport report;
  const Snapshot back = load_snapshot(p, {}, &report);
  EXPECT_EQ(report.format, format);
  EXPECT_EQ(report.gzip, gz);
  back.validate();
  EXPECT_TRUE(back == s);
  EXPECT_TRUE(reload(p, 2) == s);
}

INSTANTIATE_TEST_SUITE_P(AllFormats, RoundTrip,
                         ::testing::Values(std::tuple{SnapshotFormat::Json, false, false},
                                           std::tuple{SnapshotFormat::Json, false, true},
                                           std::tuple{SnapshotFormat::Json, true, false},
                                           std::tuple{SnapshotFormat::Json, true, true},
                                           std::tuple{SnapshotFormat::Ndjson, false, false},
                                           std::tuple{SnapshotFormat::Ndjson, true, false},
                                           std::tuple{SnapshotFormat::CsvPair, false, false},
                                           std::tuple{SnapshotFormat::CsvPair, true, false}));

// JSON -> NDJSON -> CSV -> JSON, each written from the previous reload. The
// CSV form carries the header (snapshot.csv) and the activity (activity.csv);
// only attr typing by text is lost, which the CSV-safe snapshot avoids.
TEST(RoundTripChain, JsonNdjsonCsvJson) {
  for (bool gz : {false, true}) {
    const std::string dir = fresh_dir(gz ? "chain_gz" : "chain");
    const Snapshot s = hostile_snapshot();
    const Snapshot s_csv = hostile_snapshot(true);
    const std::string p_json = target(dir, SnapshotFormat::Json, gz);
    write_snapshot(s, p_json, write_options_for_path(p_json));
    const Snapshot a = reload(p_json);
    ASSERT_TRUE(a == s) << "json gz=" << gz;
    const std::string p_nd = target(dir, SnapshotFormat::Ndjson, gz);
    write_snapshot(a, p_nd, write_options_for_path(p_nd));
    const Snapshot b = reload(p_nd);
    ASSERT_TRUE(b == s) << "ndjson gz=" << gz;
    // Same model through the CSV pair: drop what it cannot carry first.
    const std::string p_csv = target(dir, SnapshotFormat::CsvPair, gz);
    write_snapshot(b, p_csv, write_options_for_path(p_csv));
    const Snapshot c = reload(p_csv);
    ASSERT_TRUE(c == s_csv) << "csv gz=" << gz;
    const std::string p_json2 = dir + (gz ? "/again.json.gz" : "/again.json");
    write_snapshot(c, p_json2, write_options_for_path(p_json2));
    const Snapshot d = reload(p_json2);
    EXPECT_TRUE(d == s_csv) << "json again gz=" << gz;
    EXPECT_TRUE(d == s) << "header and activity kept through CSV, gz=" << gz;
    EXPECT_TRUE(d.meta().activity.present());
  }
}

// The streaming writer with nodes and edges interleaved (edges spooled for
// the JSON document, nodes spooled for the CSV pair) gives the same model.
TEST(RoundTripStreaming, InterleavedRecordsReloadEqual) {
  const Snapshot full = hostile_snapshot();
  const Snapshot safe = hostile_snapshot(true);
  const std::string dir = fresh_dir("rt_stream");
  for (const std::string name : {"s.json", "s.ndjson", "s.json.gz", "csv"}) {
    const Snapshot& s = name == "csv" ? safe : full;
    const std::string p = dir + "/" + name;
    SnapshotWriter w(p, write_options_for_path(p));
    w.header(s.meta());
    std::vector<AttrInput> attrs;
    for (NodeId v = 0; v < s.num_nodes(); ++v) {
      if (v < s.num_edges()) {  // edge e before node e: endpoints may come later
        const EdgeId e = v;
        w.edge({s.node_id(s.edge_src(e)), s.node_id(s.edge_dst(e)), s.edge_type(e), s.edge_weight(e),
                s.first_seen(e), s.last_seen(e)});
      }
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
    }
    for (EdgeId e = s.num_nodes(); e < s.num_edges(); ++e)
      w.edge({s.node_id(s.edge_src(e)), s.node_id(s.edge_dst(e)), s.edge_type(e), s.edge_weight(e), s.first_seen(e),
              s.last_seen(e)});
    w.commit();
    EXPECT_TRUE(reload(p) == s) << name;
  }
}

// A bigger generated snapshot (many records, several write buffers and spool
// chunks) survives every format.
TEST(RoundTripLarge, ManyRecordsAllFormats) {
  SnapshotBuilder b("gen");
  SnapshotMeta m;
  m.id = "gen";
  m.activity = {0, 3600, 24};
  b.set_meta(m);
  const int accounts = 20000;
  std::vector<double> act(24, 0.0);
  for (int i = 0; i < accounts; ++i) {
    std::fill(act.begin(), act.end(), 0.0);
    act[static_cast<std::size_t>(i % 24)] = i * 0.25;
    const std::string id = "a:" + std::to_string(i);
    const std::string country = i % 3 == 0 ? "SG" : "US";
    AttrInput attrs[] = {{"country", AttrType::String, country}, {"n", AttrType::Int, {}, i}};
    b.add_node({}, id, "account", i % 50 == 0 ? Label::Banned : Label::Unknown, i * kMicrosPerSecond, attrs,
               i % 2 == 0 ? &act : nullptr);
  }
  for (int j = 0; j < 700; ++j) b.add_node({}, "ip:" + std::to_string(j), "ip", Label::Unknown, kNoTime, {}, nullptr);
  for (int i = 0; i < accounts; ++i)
    for (int k = 0; k < 3; ++k)
      b.add_edge({}, "a:" + std::to_string(i), "ip:" + std::to_string((i * 7 + k * 13) % 700), "uses_ip",
                 1 + (i % 11) * 0.5, kNoTime, kNoTime);
  const Snapshot s = b.finish();
  const std::string dir = fresh_dir("rt_large");
  for (const std::string name : {"s.json", "s.ndjson.gz", "csv"}) {
    const std::string p = dir + "/" + name;
    write_snapshot(s, p, write_options_for_path(p));
    const Snapshot back = reload(p, 2);
    EXPECT_TRUE(back == s) << name;  // the CSV form too: activity.csv and snapshot.csv
  }
}

}  // namespace
}  // namespace hydrascope
