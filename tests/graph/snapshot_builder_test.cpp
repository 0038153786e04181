// SnapshotBuilder: the whole-picture rules (duplicates, unknown endpoints,
// edges before nodes, merging, activity) and the model's invariants.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "hydrascope/snapshot.hpp"

namespace hydrascope {
namespace {

RecordRef at(std::uint64_t line, std::uint64_t index) { return RecordRef{line, kNoPosition, index}; }

SnapshotMeta meta_with_buckets(std::uint32_t buckets) {
  SnapshotMeta m;
  m.id = "t";
  m.activity.start = 0;
  m.activity.bucket_seconds = 3600;
  m.activity.buckets = buckets;
  return m;
}

TEST(SnapshotBuilder, BuildsColumnsAndLooksUpIds) {
  SnapshotBuilder b("t.ndjson");
  b.set_meta(meta_with_buckets(4));
  std::vector<double> act{0, 3, 0, 12};
  AttrInput attrs[] = {{"country", AttrType::String, "SG"}, {"asn", AttrType::Int, {}, 64500}};
  b.add_node(at(2, 0), "a:1", "account", Label::Banned, 42 * kMicrosPerSecond, attrs, &act);
  b.add_node(at(3, 1), "ip:1", "ip", Label::Unknown, kNoTime, {}, nullptr);
  b.add_edge(at(4, 0), "a:1", "ip:1", "uses_ip", 10, kNoTime, kNoTime);
  Snapshot s = b.finish();
  s.validate();
  ASSERT_EQ(s.num_nodes(), 2u);
  ASSERT_EQ(s.num_edges(), 1u);
  EXPECT_EQ(s.find_node("ip:1"), 1u);
  EXPECT_EQ(s.find_node("ip:2"), kInvalidNode);
  EXPECT_EQ(s.kind(0), NodeKind::Account);
  EXPECT_EQ(s.label(0), Label::Banned);
  EXPECT_EQ(s.created_at(0), 42 * kMicrosPerSecond);
  ASSERT_EQ(s.activity(0).size(), 2u);  // zeros are not stored
  EXPECT_EQ(s.activity(0).bucket(1), 3u);
  EXPECT_EQ(s.activity(0).value(1), 12.0f);
  EXPECT_DOUBLE_EQ(s.activity_total(0), 15.0);
  EXPECT_FALSE(s.has_activity(1));
  ASSERT_EQ(s.attrs(0).size(), 2u);
  EXPECT_EQ(s.attr_keys().get(s.attrs(0)[1].key), "asn");
  EXPECT_EQ(s.attrs(0)[1].as_int(), 64500);
  EXPECT_EQ(s.attr_strings().get(s.attrs(0)[0].as_string_id()), "SG");
  EXPECT_EQ(s.edge_type(0), "uses_ip");
  EXPECT_GT(s.memory_bytes(), 0u);
}

TEST(SnapshotBuilder, EdgesBeforeNodesResolveInDeclarationOrder) {
  SnapshotBuilder b("t");
  b.add_edge(at(1, 0), "x", "y", "e", 1, kNoTime, kNoTime);
  b.add_node(at(2, 0), "y", "ip", Label::Unknown, kNoTime, {}, nullptr);
  b.add_node(at(3, 1), "x", "account", Label::Unknown, kNoTime, {}, nullptr);
  Snapshot s = b.finish();
  s.validate();
  EXPECT_EQ(s.node_id(0), "y");
  EXPECT_EQ(s.node_id(1), "x");
  EXPECT_EQ(s.edge_src(0), 1u);
  EXPECT_EQ(s.edge_dst(0), 0u);
  EXPECT_EQ(s.find_node("x"), 1u);
}

TEST(SnapshotBuilder, DuplicateEdgesMerge) {
  SnapshotBuilder b("t");
  b.add_node(at(1, 0), "a", "account", Label::Unknown, kNoTime, {}, nullptr);
  b.add_node(at(2, 1), "p", "payment_method", Label::Unknown, kNoTime, {}, nullptr);
  b.add_edge(at(3, 0), "a", "p", "paid_with", 2, 100, 200);
  b.add_edge(at(4, 1), "a", "p", "other", 1, kNoTime, kNoTime);
  b.add_edge(at(5, 2), "a", "p", "paid_with", 3, 50, 150);
  b.add_edge(at(6, 3), "a", "p", "paid_with", 5, kNoTime, 400);
  Snapshot s = b.finish();
  s.validate();
  ASSERT_EQ(s.num_edges(), 2u);
  EXPECT_EQ(b.merged_edges(), 2u);
  EXPECT_EQ(s.edge_type(0), "paid_with");  // order of first appearance
  EXPECT_DOUBLE_EQ(s.edge_weight(0), 10.0);
  EXPECT_EQ(s.first_seen(0), 50);
  EXPECT_EQ(s.last_seen(0), 400);
  EXPECT_EQ(s.edge_type(1), "other");
}

TEST(SnapshotBuilder, ReversedEdgeIsNotADuplicate) {
  SnapshotBuilder b("t");
  b.add_node(at(1, 0), "a", "account", Label::Unknown, kNoTime, {}, nullptr);
  b.add_node(at(2, 1), "c", "account", Label::Unknown, kNoTime, {}, nullptr);
  b.add_edge(at(3, 0), "a", "c", "knows", 1, kNoTime, kNoTime);
  b.add_edge(at(4, 1), "c", "a", "knows", 1, kNoTime, kNoTime);
  EXPECT_EQ(b.finish().num_edges(), 2u);
}

template <class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.what();
  }
  return "no error";
}

TEST(SnapshotBuilder, DuplicateNodeIdNamesBothRecords) {
  SnapshotBuilder b("n.csv");
  b.add_node(at(2, 0), "a", "account", Label::Unknown, kNoTime, {}, nullptr);
  EXPECT_EQ(error_of([&] { b.add_node(at(9, 7), "a", "ip", Label::Unknown, kNoTime, {}, nullptr); }),
            "n.csv:9: node #7 (a), field \"id\": duplicate node id (first declared as node #0)");
}

TEST(SnapshotBuilder, UnknownEndpointReportedAtItsEdge) {
  SnapshotBuilder b("e.ndjson");
  b.add_node(at(2, 0), "a", "account", Label::Unknown, kNoTime, {}, nullptr);
  b.add_edge(at(3, 0), "a", "ghost", "uses_ip", 1, kNoTime, kNoTime);
  EXPECT_EQ(error_of([&] { (void)b.finish(); }),
            "e.ndjson:3: edge #0 (a -> ghost), field \"dst\": unknown node id \"ghost\" (no node declares it)");
}

TEST(SnapshotBuilder, SelfLoopAndBadWeightRejected) {
  SnapshotBuilder b("e");
  EXPECT_NE(error_of([&] { b.add_edge(at(1, 0), "a", "a", "t", 1, kNoTime, kNoTime); }).find("self-loop"),
            std::string::npos);
  EXPECT_NE(error_of([&] { b.add_edge(at(1, 0), "a", "b", "t", 0, kNoTime, kNoTime); }).find("\"weight\""),
            std::string::npos);
  EXPECT_NE(error_of([&] { b.add_edge(at(1, 0), "a", "b", "t", -1, kNoTime, kNoTime); }).find("positive"),
            std::string::npos);
  EXPECT_NE(error_of([&] { b.add_edge(at(1, 0), "a", "b", "t", 1, 10, 5); }).find("last_seen"), std::string::npos);
}

TEST(SnapshotBuilder, ActivityLengthCheckedEvenWhenHeaderComesLast) {
  SnapshotBuilder b("s.json");
  std::vector<double> act{1, 2, 3};
  b.add_node(RecordRef{0, 77, 0}, "a", "account", Label::Unknown, kNoTime, {}, &act);
  EXPECT_EQ(error_of([&] { b.set_meta(meta_with_buckets(4)); }),
            "s.json: byte 77: node #0 (a), field \"activity\": has 3 buckets, snapshot.activity.buckets is 4");
}

TEST(SnapshotBuilder, ActivityNeedsHeader) {
  SnapshotBuilder b("s.json");
  std::vector<double> act{1};
  b.add_node(at(1, 0), "a", "account", Label::Unknown, kNoTime, {}, &act);
  EXPECT_NE(error_of([&] { (void)b.finish(); }).find("snapshot.activity is required"), std::string::npos);
}

TEST(SnapshotBuilder, NegativeActivityAndLabelOnEntityRejected) {
  SnapshotBuilder b("s");
  b.set_meta(meta_with_buckets(2));
  std::vector<double> act{1, -1};
  EXPECT_NE(error_of([&] { b.add_node(at(1, 0), "a", "account", Label::Unknown, kNoTime, {}, &act); })
                .find("bucket 1 must be a non-negative"),
            std::string::npos);
  EXPECT_NE(error_of([&] { b.add_node(at(1, 0), "ip:1", "ip", Label::Banned, kNoTime, {}, nullptr); })
                .find("only accounts carry a label"),
            std::string::npos);
  EXPECT_NE(error_of([&] { b.add_node(at(1, 0), "x", "Bad-Type", Label::Unknown, kNoTime, {}, nullptr); })
                .find("\"type\""),
            std::string::npos);
  EXPECT_NE(error_of([&] { b.add_node(at(1, 0), "", "ip", Label::Unknown, kNoTime, {}, nullptr); }).find("\"id\""),
            std::string::npos);
}

// Activity layout (ActivityLayout): chosen per snapshot, never lossy.
// Rows: node i has `rows[i]` as its dense activity (nullptr = none).
Snapshot with_activity(std::uint32_t buckets, const std::vector<std::vector<double>>& rows, bool header_last = false) {
  SnapshotBuilder b("layout.ndjson");
  if (!header_last) b.set_meta(meta_with_buckets(buckets));
  for (std::size_t i = 0; i < rows.size(); ++i)
    b.add_node(at(i + 2, i), "a:" + std::to_string(i), "account", Label::Unknown, kNoTime, {}, &rows[i]);
  if (header_last) b.set_meta(meta_with_buckets(buckets));
  Snapshot s = b.finish();
  s.validate();
  return s;
}

std::vector<double> dense(std::uint32_t buckets, std::initializer_list<std::pair<std::uint32_t, double>> at) {
  std::vector<double> d(buckets, 0.0);
  for (const auto& [k, x] : at) d[k] = x;
  return d;
}

TEST(ActivityLayout, WholeValuesInRangeAreCompact) {
  const Snapshot s = with_activity(168, {dense(168, {{0, 1}, {5, 65535}, {167, 300}}), dense(168, {})});
  EXPECT_EQ(s.activity_layout(), (ActivityLayout{1, 2}));
  ASSERT_EQ(s.activity(0).size(), 3u);
  EXPECT_EQ(s.activity(0).bucket(2), 167u);
  EXPECT_EQ(s.activity(0).value(1), 65535.0f);
  EXPECT_TRUE(s.activity(1).empty());
  EXPECT_EQ(s.activity_entries(), 3u);
}

TEST(ActivityLayout, AFractionalOrLargeValueKeepsFloatsForTheWholeSnapshot) {
  for (const double odd : {2.5, 65536.0, 1e30, 0.25}) {
    // The odd value comes after rows that fit: those are widened too.
    const Snapshot s = with_activity(24, {dense(24, {{1, 7}}), dense(24, {{3, 9}, {4, odd}}), dense(24, {{2, 11}})});
    EXPECT_EQ(s.activity_layout(), (ActivityLayout{1, 4})) << odd;
    EXPECT_EQ(s.activity(0).value(0), 7.0f);
    EXPECT_EQ(s.activity(1).value(1), static_cast<float>(odd)) << odd;
    EXPECT_EQ(s.activity(2).value(0), 11.0f);
  }
}

TEST(ActivityLayout, MoreThan256BucketsWidenTheBuckets) {
  EXPECT_EQ(with_activity(256, {dense(256, {{255, 1}})}).activity_layout(), (ActivityLayout{1, 2}));
  const Snapshot s2 = with_activity(257, {dense(257, {{0, 2}, {256, 3}})});
  EXPECT_EQ(s2.activity_layout(), (ActivityLayout{2, 2}));
  EXPECT_EQ(s2.activity(0).bucket(1), 256u);
  const Snapshot s4 = with_activity(70000, {dense(70000, {{69999, 4.5}, {3, 1}})});
  EXPECT_EQ(s4.activity_layout(), (ActivityLayout{4, 4}));
  EXPECT_EQ(s4.activity(0).bucket(1), 69999u);
  EXPECT_EQ(s4.activity(0).value(1), 4.5f);
  // The header after the nodes: the same layout.
  EXPECT_EQ(with_activity(257, {dense(257, {{256, 3}})}, true).activity_layout(), (ActivityLayout{2, 2}));
  // No activity at all: the spec alone sets the bucket width.
  SnapshotBuilder b("none.ndjson");
  b.set_meta(meta_with_buckets(1000));
  b.add_node(at(2, 0), "ip:1", "ip", Label::Unknown, kNoTime, {}, nullptr);
  const Snapshot none = b.finish();
  none.validate();
  EXPECT_EQ(none.activity_layout(), (ActivityLayout{2, 2}));
}

// The same rows read the same through every accessor in every layout.
TEST(ActivityLayout, AccessorsAgreeAcrossLayouts) {
  const std::vector<std::vector<double>> rows = {dense(168, {{0, 1}, {7, 40}, {100, 65535}}), dense(168, {}),
                                                 dense(168, {{3, 2}, {167, 9}})};
  const Snapshot compact = with_activity(168, rows);
  auto wide_rows = rows;
  wide_rows.push_back(dense(168, {{1, 0.5}}));  // one fractional value: floats for all
  const Snapshot wide = with_activity(168, wide_rows);
  ASSERT_EQ(compact.activity_layout(), (ActivityLayout{1, 2}));
  ASSERT_EQ(wide.activity_layout(), (ActivityLayout{1, 4}));
  for (NodeId v = 0; v < rows.size(); ++v) {
    const ActivityRow a = compact.activity(v), b = wide.activity(v);
    ASSERT_EQ(a.size(), b.size());
    EXPECT_EQ(compact.activity_size(v), wide.activity_size(v));
    std::vector<std::pair<std::uint32_t, float>> fa, fb;
    compact.for_each_activity(v, [&](std::uint32_t k, float x) { fa.emplace_back(k, x); });
    wide.for_each_activity(v, [&](std::uint32_t k, float x) { fb.emplace_back(k, x); });
    EXPECT_EQ(fa, fb);
    for (std::size_t i = 0; i < a.size(); ++i) {
      EXPECT_EQ(a.bucket(i), b.bucket(i));
      EXPECT_EQ(a.value(i), b.value(i));
    }
    EXPECT_EQ(compact.activity_total(v), wide.activity_total(v));
  }
  // A row over 1-, 2- and 4-byte buckets and uint16 / float values.
  const std::uint8_t b8[] = {1, 5, 200};
  const std::uint16_t b16[] = {1, 5, 200};
  const std::uint32_t b32[] = {1, 5, 200};
  const std::uint16_t x16[] = {3, 1, 65535};
  const float x32[] = {3, 1, 65535};
  const ActivityRow ref(b32, x32);
  for (const void* bk : {static_cast<const void*>(b8), static_cast<const void*>(b16), static_cast<const void*>(b32)}) {
    const std::uint8_t bb = bk == b8 ? 1 : bk == b16 ? 2 : 4;
    for (const std::uint8_t vb : {std::uint8_t{2}, std::uint8_t{4}}) {
      const ActivityRow r(bk, bb, vb == 2 ? static_cast<const void*>(x16) : static_cast<const void*>(x32), vb, 3);
      double total = 0.0;
      std::size_t i = 0;
      r.for_each([&](std::uint32_t k, float x) {
        EXPECT_EQ(k, ref.bucket(i));
        EXPECT_EQ(x, ref.value(i));
        ++i;
        total += x;
      });
      EXPECT_EQ(i, 3u);
      EXPECT_EQ(r.total(), ref.total());
      EXPECT_EQ(total, ref.total());
    }
  }
}

TEST(Snapshot, EqualityComparesContent) {
  auto make = [](double w) {
    SnapshotBuilder b("t");
    b.add_node(at(1, 0), "a", "account", Label::Unknown, kNoTime, {}, nullptr);
    b.add_node(at(2, 1), "b", "ip", Label::Unknown, kNoTime, {}, nullptr);
    b.add_edge(at(3, 0), "a", "b", "uses_ip", w, kNoTime, kNoTime);
    return b.finish();
  };
  EXPECT_TRUE(make(1) == make(1));
  EXPECT_FALSE(make(1) == make(2));
}

TEST(Snapshot, EmptySnapshotIsValid) {
  SnapshotBuilder b("t");
  Snapshot s = b.finish();
  s.validate();
  EXPECT_EQ(s.num_nodes(), 0u);
  EXPECT_EQ(s.num_edges(), 0u);
}

}  // namespace
}  // namespace hydrascope
