// Edge-list reader: SNAP datasets, comments, weights, self-loops, merging of
// u v / v u, gzip, and its error messages.
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

#include "hydrascope/io.hpp"
#include "test_util.hpp"

namespace hydrascope {
namespace {
using testing::dataset;
using testing::load_error;
using testing::write_tmp;
using testing::write_tmp_gz;

TEST(EdgeList, Karate) {
  LoadReport r;
  const Snapshot s = load_snapshot(dataset("karate/karate.edges"), {}, &r);
  EXPECT_EQ(s.num_nodes(), 34u);
  EXPECT_EQ(s.num_edges(), 78u);
  EXPECT_EQ(r.format, SnapshotFormat::EdgeList);
  EXPECT_EQ(s.node_type(0), "node");
  EXPECT_EQ(s.edge_type(0), "edge");
  EXPECT_EQ(s.node_id(0), "0");
  s.validate();
}

TEST(EdgeList, Football) {
  const Snapshot s = load_snapshot(dataset("football/football.edges"));
  EXPECT_EQ(s.num_nodes(), 115u);
  EXPECT_EQ(s.num_edges(), 613u);
}

TEST(EdgeList, EmailEuCoreMergesReciprocalEdges) {
  LoadReport r;
  const Snapshot s = load_snapshot(dataset("email-eu-core/email-Eu-core.txt"), {}, &r);
  EXPECT_EQ(s.num_nodes(), 1005u);
  EXPECT_EQ(s.num_edges(), 16064u);
  EXPECT_EQ(r.skipped_self_loops, 642u);
  s.validate();
}

TEST(EdgeList, CommentsWeightsSelfLoopsAndMerge) {
  const std::string p = write_tmp("el1.txt",
                                  "# comment\n% also\n\n  a b 2\r\nb a 5\nb\tc\n c c 3\n d a 1.5 extra\n");
  LoadReport r;
  const Snapshot s = load_snapshot(p, {}, &r);
  ASSERT_EQ(s.num_nodes(), 4u);
  EXPECT_EQ(s.node_id(0), "a");
  EXPECT_EQ(s.node_id(1), "b");
  EXPECT_EQ(s.node_id(2), "c");
  EXPECT_EQ(s.node_id(3), "d");
  ASSERT_EQ(s.num_edges(), 3u);
  EXPECT_EQ(s.edge_weight(0), 5.0);  // max of 2 and 5
  EXPECT_EQ(s.node_id(s.edge_src(0)), "a");
  EXPECT_EQ(s.edge_weight(1), 1.0);
  EXPECT_EQ(s.edge_weight(2), 1.5);
  EXPECT_EQ(r.skipped_self_loops, 1u);
  EXPECT_EQ(r.merged_edges, 1u);
}

TEST(EdgeList, DirectedWithoutMerge) {
  const std::string p = write_tmp("el2.txt", "a b 2\nb a 5\na b 1\n");
  LoadOptions o;
  o.edge_list_directed_merge = false;
  const Snapshot s = load_snapshot(p, o);
  ASSERT_EQ(s.num_edges(), 2u);
  EXPECT_EQ(s.edge_weight(0), 3.0);  // a b twice: summed by the builder
  EXPECT_EQ(s.edge_weight(1), 5.0);
}

TEST(EdgeList, Gzip) {
  const std::string p = write_tmp_gz("el3.edges.gz", "1 2\n2 3\n");
  LoadReport r;
  const Snapshot s = load_snapshot(p, {}, &r);
  EXPECT_TRUE(r.gzip);
  EXPECT_EQ(s.num_edges(), 2u);
  // Detected by magic bytes even with a plain name.
  const std::string q = write_tmp_gz("el4.txt", "1 2\n2 3\n3 1\n");
  EXPECT_EQ(load_snapshot(q).num_edges(), 3u);
}

TEST(EdgeList, TruncatedGzip) {
  std::string text;
  for (int i = 0; i < 20000; ++i) text += std::to_string(i) + " " + std::to_string(i + 1) + "\n";
  const std::string full = write_tmp_gz("el_trunc_full.gz", text);
  std::ifstream f(full, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  const std::string p = write_tmp("el_trunc.edges.gz", bytes.substr(0, bytes.size() / 2));
  const std::string e = load_error(p);
  EXPECT_NE(e.find("el_trunc.edges.gz: truncated gzip"), std::string::npos) << e;
}

TEST(EdgeList, Errors) {
  EXPECT_NE(load_error(write_tmp("el_bad1.txt", "1 2\n3\n")).find("el_bad1.txt:2: edge #1 (3), field \"dst\""),
            std::string::npos);
  const std::string e = load_error(write_tmp("el_bad2.txt", "1 2 0\n"));
  EXPECT_NE(e.find("el_bad2.txt:1: edge #0 (1 -> 2), field \"weight\": must be a positive finite number, got \"0\""),
            std::string::npos)
      << e;
  for (const char* w : {"-1", "nan", "inf", "1e999", "x", "2x"}) {
    const std::string p = write_tmp("el_bad3.txt", std::string("1 2 ") + w + "\n");
    EXPECT_NE(load_error(p).find("field \"weight\""), std::string::npos) << w;
  }
  EXPECT_NE(load_error("/nonexistent/x.edges").find("/nonexistent/x.edges: cannot open"), std::string::npos);
}

}  // namespace
}  // namespace hydrascope
