// Partition: canonical ids depend only on the partition, whatever the labels.
#include <gtest/gtest.h>

#include <vector>

#include "hydrascope/partition.hpp"

namespace hydrascope {
namespace {

TEST(Canonicalize, SizeDescendingThenSmallestMember) {
  // communities {0,3}, {1,2,4}, {5}: the triple first, then the pair, then the singleton
  const Partition p = canonicalize({7, 9, 9, 7, 9, 2});
  EXPECT_EQ(p.num_communities, 3u);
  EXPECT_EQ(p.membership, (std::vector<CommunityId>{1, 0, 0, 1, 0, 2}));
  EXPECT_EQ(p.sizes(), (std::vector<std::uint64_t>{3, 2, 1}));
}

TEST(Canonicalize, SparseAndDenseLabelsGiveTheSameIds) {
  const std::vector<std::uint64_t> dense{0, 1, 1, 2, 0, 2, 2};
  std::vector<std::uint64_t> sparse;
  for (auto l : dense) sparse.push_back(l * 1'000'000'007ULL + 123456789ULL);
  const Partition a = canonicalize(dense);
  const Partition b = canonicalize(sparse);
  EXPECT_EQ(a.membership, b.membership);
  EXPECT_EQ(a.num_communities, b.num_communities);
}

TEST(Canonicalize, TiesBreakBySmallestMember) {
  const Partition p = canonicalize({5, 4, 5, 4});
  EXPECT_EQ(p.membership, (std::vector<CommunityId>{0, 1, 0, 1}));
}

TEST(Partition, MembersListsAreAscending) {
  const Partition p = canonicalize({1, 0, 1, 0, 1});
  std::vector<std::uint64_t> off;
  std::vector<NodeId> nodes;
  p.members(off, nodes);
  ASSERT_EQ(off, (std::vector<std::uint64_t>{0, 3, 5}));
  EXPECT_EQ(nodes, (std::vector<NodeId>{0, 2, 4, 1, 3}));
}

TEST(Canonicalize, Empty) {
  const Partition p = canonicalize({});
  EXPECT_EQ(p.num_communities, 0u);
  EXPECT_TRUE(p.membership.empty());
}

}  // namespace
}  // namespace hydrascope
