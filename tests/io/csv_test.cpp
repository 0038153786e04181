// CSV pair reader: column typing, RFC 4180 quoting, CRLF, BOM, folder vs
// edges.csv paths, gzip, and the file/line/column of every error.
#include <gtest/gtest.h>

#include <filesystem>

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

}  // namespace
}  // namespace hydrascope
