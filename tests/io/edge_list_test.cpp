// Edge-list reader: SNAP datasets, comments, weights, self-loops, merging of
// u v / v u, gzip, and its error messages.
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <map>
#include <random>
#include <sstream>
#include <tuple>

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


// Issue 22: integer ids are taken as integers (no interning) when every id
// is a canonical decimal integer. The model must be the one the string path
// builds: nodes in order of first appearance, named by the ids' own text.
// The oracle below is the reader's string logic, written out with the builder.
namespace {
Snapshot oracle(const std::string& text, bool merge) {
  SnapshotBuilder b("oracle");
  b.set_meta(SnapshotMeta{});
  StringPool ids;
  std::map<std::pair<std::uint32_t, std::uint32_t>, std::size_t> pair_slot;
  std::vector<std::tuple<std::string, std::string, double>> merged;
  std::istringstream in(text);
  std::string line;
  std::uint64_t ln = 0;
  while (std::getline(in, line)) {
    ++ln;
    std::istringstream f(line);
    std::string u, v, w;
    if (!(f >> u) || u[0] == '#' || u[0] == '%') continue;
    f >> v;
    const double weight = (f >> w) ? std::stod(w) : 1.0;
    for (const std::string* t : {&u, &v}) {
      const std::uint32_t before = ids.size();
      if (ids.intern(*t) == before) b.add_node(RecordRef{ln, kNoPosition, before}, *t, "node", Label::Unknown, kNoTime, {}, nullptr);
    }
    if (u == v) continue;
    if (!merge) {
      b.add_edge(RecordRef{ln, kNoPosition, 0}, u, v, "edge", weight, kNoTime, kNoTime);
      continue;
    }
    const std::uint32_t a = ids.find(u), c = ids.find(v);
    const auto key = std::make_pair(std::min(a, c), std::max(a, c));
    const auto it = pair_slot.find(key);
    if (it == pair_slot.end()) {
      pair_slot[key] = merged.size();
      merged.emplace_back(u, v, weight);
    } else {
      std::get<2>(merged[it->second]) = std::max(std::get<2>(merged[it->second]), weight);
    }
  }
  for (const auto& [u, v, w] : merged) b.add_edge(RecordRef{}, u, v, "edge", w, kNoTime, kNoTime);
  return b.finish();
}

void expect_same_as_oracle(const std::string& name, const std::string& text) {
  const std::string p = write_tmp(name, text);
  for (const bool merge : {true, false}) {
    LoadOptions o;
    o.edge_list_directed_merge = merge;
    const Snapshot s = load_snapshot(p, o);
    s.validate();
    const Snapshot want = oracle(text, merge);
    EXPECT_TRUE(s == want) << name << " merge=" << merge;
    ASSERT_EQ(s.num_nodes(), want.num_nodes()) << name;
    for (NodeId v = 0; v < s.num_nodes(); ++v) ASSERT_EQ(s.node_id(v), want.node_id(v)) << name << " node " << v;
    EXPECT_EQ(s.find_node(want.node_id(want.num_nodes() / 2)), want.num_nodes() / 2);
  }
}
}  // namespace

TEST(EdgeList, IntegerIdsGiveTheStringPathsModel) {
  std::mt19937_64 rng(22);
  std::string small, large, mixed;
  for (int i = 0; i < 5000; ++i) {
    const std::uint64_t u = rng() % 700, v = rng() % 700;
    small += std::to_string(u) + (i % 2 ? "\t" : " ") + std::to_string(v) + (i % 7 == 0 ? " 2.5" : "") + "\n";
    // Values past the dense table (2^24) and up to 18 digits.
    const std::uint64_t a = i % 3 == 0 ? (rng() % 500) * 1000003ull * 1000003ull : rng() % 500;
    const std::uint64_t c = i % 5 == 0 ? 999999999999999999ull - rng() % 100 : rng() % 500;
    large += std::to_string(a) + " " + std::to_string(c) + "\n";
    // Integers first, then ids that are not canonical integers: "007" is
    // not "7", "+5" not "5", 19 digits not an 18-digit integer, "x1" a name.
    if (i == 2500) mixed += "007 7\n+5 5\n1234567890123456789 9\nx1 1\n";
    mixed += std::to_string(rng() % 300) + " " + std::to_string(rng() % 300) + "\n";
  }
  expect_same_as_oracle("int_small.edges", "# SNAP-style header\n" + small);
  expect_same_as_oracle("int_large.edges", large);
  expect_same_as_oracle("int_mixed.edges", mixed);
  expect_same_as_oracle("int_zero_first.edges", "0 00\n00 0\n0 1\n");
}

TEST(EdgeList, IntegerIdsOnSnapDatasetsMatchTheOracle) {
  for (const char* f : {"karate/karate.edges", "email-eu-core/email-Eu-core.txt"}) {
    std::ifstream in(dataset(f), std::ios::binary);
    const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    expect_same_as_oracle(std::string("copy_") + std::to_string(text.size()) + ".edges", text);
  }
}

}  // namespace
}  // namespace hydrascope
