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
