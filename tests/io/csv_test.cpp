// CSV pair reader: column typing, RFC 4180 quoting, CRLF, BOM, folder vs
// edges.csv paths, gzip, and the file/line/column of every error.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "hydrascope/io.hpp"
#include "test_util.hpp"

namespace hydrascope {
namespace {
using testing::fixture;
using testing::load_error;
using testing::tmp_path;
using testing::write_tmp;
using testing::write_tmp_gz;

TEST(Csv, BasicFolderTypedAttrsAndMerge) {
  LoadReport r;
  const Snapshot s = load_snapshot(fixture("good/csv_basic"), {}, &r);
  EXPECT_EQ(r.format, SnapshotFormat::CsvPair);
  ASSERT_EQ(s.num_nodes(), 4u);
  EXPECT_EQ(s.label(0), Label::Banned);
  Timestamp t = 0;
  ASSERT_TRUE(parse_rfc3339("2026-02-01T10:22:00Z", t));
  EXPECT_EQ(s.created_at(0), t);
  EXPECT_EQ(s.created_at(2), 1771545600 * kMicrosPerSecond);
  // a:1001: country=SG (String), score=0.5 (Double), verified=true (Bool), zip=007 (String); asn empty = absent.
  const auto a = s.attrs(0);
  ASSERT_EQ(a.size(), 4u);
  EXPECT_EQ(s.attr_keys().get(a[0].key), "country");
  EXPECT_EQ(a[0].type, AttrType::String);
  EXPECT_EQ(a[1].type, AttrType::Double);
  EXPECT_EQ(a[2].type, AttrType::Bool);
  EXPECT_EQ(a[3].type, AttrType::String);
  EXPECT_EQ(s.attr_strings().get(a[3].as_string_id()), "007");
  EXPECT_TRUE(s.attrs(1).empty());
  const auto ip = s.attrs(2);
  ASSERT_EQ(ip.size(), 3u);
  EXPECT_EQ(ip[0].type, AttrType::Int);
  EXPECT_EQ(ip[0].as_int(), 64500);
  EXPECT_EQ(ip[1].as_double(), -1000.0);
  EXPECT_FALSE(ip[2].as_bool());
  ASSERT_EQ(s.num_edges(), 3u);
  EXPECT_EQ(r.merged_edges, 1u);
  EXPECT_EQ(s.edge_weight(1), 4.0);  // 1 (empty cell = default) + 3
  EXPECT_EQ(s.edge_weight(2), 2.5);
  s.validate();
  // Pointing at edges.csv gives the same model.
  EXPECT_TRUE(load_snapshot(fixture("good/csv_basic/edges.csv")) == s);
}

TEST(Csv, QuotingCrlfBomAndColumnOrder) {
  const Snapshot s = load_snapshot(fixture("good/csv_odd"));
  ASSERT_EQ(s.num_nodes(), 2u);
  EXPECT_EQ(s.node_id(0), "a:1");
  EXPECT_EQ(s.node_id(1), "d:\"x\"");
  EXPECT_EQ(s.node_type(1), "device");
  ASSERT_EQ(s.attrs(0).size(), 1u);
  EXPECT_EQ(s.attr_strings().get(s.attrs(0)[0].as_string_id()), "line one\r\nline two");
  ASSERT_EQ(s.num_edges(), 1u);
  EXPECT_EQ(s.node_id(s.edge_src(0)), "a:1");
  EXPECT_EQ(s.node_id(s.edge_dst(0)), "d:\"x\"");
}

TEST(Csv, GzipParts) {
  const std::string dir = tmp_path("csv_gz");
  std::filesystem::create_directories(dir);
  write_tmp_gz("csv_gz/nodes.csv.gz", "id,type\na,account\nb,ip\n");
  write_tmp_gz("csv_gz/edges.csv.gz", "src,dst,type\na,b,uses_ip\n");
  LoadReport r;
  const Snapshot s = load_snapshot(dir, {}, &r);
  EXPECT_TRUE(r.gzip);
  EXPECT_EQ(s.num_edges(), 1u);
  EXPECT_EQ(load_snapshot(dir + "/edges.csv.gz").num_nodes(), 2u);
}

TEST(Csv, LargeRecordsAcrossChunks) {
  const std::string dir = tmp_path("csv_large");
  std::filesystem::create_directories(dir);
  std::string nodes = "id,type,blob\n";
  const std::string blob(300000, 'x');
  for (int i = 0; i < 40; ++i) nodes += "n" + std::to_string(i) + ",ip,\"" + blob + "\n\"\"" + "\"\n";
  write_tmp("csv_large/nodes.csv", nodes);
  write_tmp("csv_large/edges.csv", "src,dst,type\nn0,n39,link\n");
  const Snapshot s = load_snapshot(dir);
  ASSERT_EQ(s.num_nodes(), 40u);
  EXPECT_EQ(s.attr_strings().get(s.attrs(39)[0].as_string_id()).size(), 300002u);
}

TEST(Csv, MissingPartner) {
  const std::string dir = tmp_path("csv_half");
  std::filesystem::create_directories(dir);
  write_tmp("csv_half/edges.csv", "src,dst,type\n");
  EXPECT_NE(load_error(dir + "/edges.csv").find("has no nodes.csv or nodes.csv.gz"), std::string::npos);
}

// The warehouse form of activity: snapshot.csv (the header) and activity.csv
// (one row per node and bucket, by index or by time) beside the pair.
std::string csv_world(const std::string& name, const std::string& snapshot, const std::string& activity) {
  const std::string dir = tmp_path(name);
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  write_tmp(name + "/nodes.csv", "id,type\na:1,account\na:2,account\na:3,account\nip:1,ip\n");
  write_tmp(name + "/edges.csv", "src,dst,type\na:1,ip:1,uses_ip\na:2,ip:1,uses_ip\n");
  if (!snapshot.empty()) write_tmp(name + "/snapshot.csv", snapshot);
  if (!activity.empty()) write_tmp(name + "/activity.csv", activity);
  return dir;
}

const std::string kSnapshotCsv =
    "id,taken_at,activity_start,activity_bucket_seconds,activity_buckets\n"
    "wh-1,2026-02-20T00:00:00Z,2026-02-13T00:00:00Z,3600,4\n";

TEST(CsvActivity, HeaderAndActivityByBucket) {
  const std::string dir = csv_world("csv_act_bucket", kSnapshotCsv,
                                    "id,bucket,requests\na:1,0,3\na:1,3,0.5\na:2,1,7\na:1,3,1.5\na:3,0,0\n");
  const Snapshot s = load_snapshot(dir);
  EXPECT_EQ(s.meta().id, "wh-1");
  EXPECT_EQ(s.meta().taken_at, 1771545600LL * kMicrosPerSecond);
  EXPECT_EQ(s.meta().activity.start, 1770940800LL * kMicrosPerSecond);
  EXPECT_EQ(s.meta().activity.bucket_seconds, 3600);
  EXPECT_EQ(s.meta().activity.buckets, 4u);
  const NodeId a1 = s.find_node("a:1"), a2 = s.find_node("a:2"), a3 = s.find_node("a:3"), ip = s.find_node("ip:1");
  // Repeated (node, bucket) rows are summed: 0.5 + 1.5 in bucket 3.
  ASSERT_EQ(s.activity(a1).size(), 2u);
  EXPECT_EQ(s.activity(a1).bucket(0), 0u);
  EXPECT_EQ(s.activity(a1).bucket(1), 3u);
  EXPECT_EQ(s.activity(a1).value(1), 2.0f);
  EXPECT_DOUBLE_EQ(s.activity_total(a2), 7.0);
  // A row of 0 keeps the node's (all-zero) activity; nodes without rows have none.
  EXPECT_TRUE(s.has_activity(a3));
  EXPECT_TRUE(s.activity(a3).empty());
  EXPECT_FALSE(s.has_activity(ip));
  s.validate();
}

TEST(CsvActivity, ByTimeInTheBucketThatHoldsIt) {
  const std::string by_time = csv_world("csv_act_time", kSnapshotCsv,
                                        "requests,time,id\n3,2026-02-13T00:59:59Z,a:1\n5,1770944400,a:1\n"
                                        "1,2026-02-13T03:00:00Z,a:2\n");
  const Snapshot s = load_snapshot(by_time);
  const NodeId a1 = s.find_node("a:1"), a2 = s.find_node("a:2");
  ASSERT_EQ(s.activity(a1).size(), 2u);
  EXPECT_EQ(s.activity(a1).bucket(0), 0u);
  EXPECT_EQ(s.activity(a1).bucket(1), 1u);  // 1770944400 = 01:00:00
  EXPECT_EQ(s.activity(a2).bucket(0), 3u);
  EXPECT_FALSE(s.has_activity(s.find_node("a:3")));
}

TEST(CsvActivity, SnapshotCsvAloneGivesTheHeader) {
  const Snapshot s = load_snapshot(csv_world("csv_act_header", "id,taken_at\nonly-id,1771545600\n", ""));
  EXPECT_EQ(s.meta().id, "only-id");
  EXPECT_FALSE(s.meta().activity.present());
}

TEST(CsvActivity, BadInputNamesFileLineAndField) {
  struct Case {
    const char* name;
    std::string snapshot, activity, message;
  };
  const std::vector<Case> cases = {
      {"no_window", "", "id,bucket,requests\na:1,0,1\n",
       "activity.csv:1: activity needs the activity window: snapshot.csv beside it"},
      {"unknown_id", kSnapshotCsv, "id,bucket,requests\na:1,0,1\nzz:9,1,1\n",
       "activity.csv:3: node (zz:9), field \"id\": no node of nodes.csv has this id"},
      {"bucket_range", kSnapshotCsv, "id,bucket,requests\na:1,4,1\n",
       "activity.csv:2: field \"bucket\": must be an integer from 0 to 3 (activity_buckets - 1), got \"4\""},
      {"time_outside", kSnapshotCsv, "id,time,requests\na:1,2026-02-13T04:00:00Z,1\n",
       "activity.csv:2: field \"time\": is outside the activity window 2026-02-13T00:00:00Z .. 2026-02-13T04:00:00Z"},
      {"both_columns", kSnapshotCsv, "id,bucket,time,requests\n",
       "activity.csv:1: field \"time\": the header row needs exactly one of \"bucket\""},
      {"negative", kSnapshotCsv, "id,bucket,requests\na:1,0,-2\n",
       "activity.csv:2: field \"requests\": must be a non-negative number, got \"-2\""},
      {"no_requests", kSnapshotCsv, "id,bucket\n",
       "activity.csv:1: field \"requests\": the header row has no \"requests\" column (it is required)"},
      {"two_rows", kSnapshotCsv + "wh-2,,,,\n", "",
       "snapshot.csv:3: a second data row (snapshot.csv describes one snapshot)"},
      {"half_window", "id,activity_buckets\nx,24\n", "",
       "snapshot.csv:2: field \"activity_bucket_seconds\": activity_bucket_seconds and activity_buckets go together"},
      {"bad_seconds", "activity_bucket_seconds,activity_buckets\n0,24\n", "",
       "snapshot.csv:2: field \"activity_bucket_seconds\": must be an integer from 1 to 1000000000, got \"0\""},
  };
  for (const auto& c : cases) {
    const std::string dir = csv_world(std::string("csv_act_bad_") + c.name, c.snapshot, c.activity);
    const std::string err = load_error(dir);
    EXPECT_NE(err.find(c.message), std::string::npos) << c.name << ": " << err;
  }
}

}  // namespace
}  // namespace hydrascope
