// Connected components and the quality functions: edge-case zoo and literal fixtures.
#include <gtest/gtest.h>

#include <vector>

#include "hydrascope/community.hpp"

namespace hydrascope {
namespace {

AnalysisGraph make(NodeId n, std::vector<WeightedEdge> edges) { return AnalysisGraph::from_edges(n, edges); }

TEST(Components, EmptyGraph) {
  const AnalysisGraph g = make(0, {});
  const Partition p = connected_components(g);
  EXPECT_EQ(p.num_communities, 0u);
  EXPECT_TRUE(p.membership.empty());
}

TEST(Components, TwoComponentsAndIsolated) {
  //  0-1-2   3-4   5
  const AnalysisGraph g = make(6, {{0, 1}, {1, 2}, {3, 4}});
  const Partition p = connected_components(g);
  EXPECT_EQ(p.num_communities, 3u);
  EXPECT_EQ(p.membership, (std::vector<CommunityId>{0, 0, 0, 1, 1, 2}));
}

TEST(Components, ThroughDetect) {
  const AnalysisGraph g = make(4, {{0, 3}, {1, 2}});
  const CommunityResult r = detect_communities(g, CommunityOptions::components());
  EXPECT_EQ(r.partition.membership, (std::vector<CommunityId>{0, 1, 1, 0}));
  EXPECT_NEAR(r.quality, 0.5, 1e-12);  // two disjoint edges: 2 * (1/2 - 1/4)
}

TEST(Quality, ModularityOfTwoTriangles) {
  // 0-1-2 triangle, 3-4-5 triangle, bridge 2-3. m = 7.
  const AnalysisGraph g = make(6, {{0, 1}, {1, 2}, {0, 2}, {3, 4}, {4, 5}, {3, 5}, {2, 3}});
  const Partition p = canonicalize({0, 0, 0, 1, 1, 1});
  // each side: in = 3, tot = 7 -> 3/7 - (7/14)^2
  EXPECT_NEAR(modularity(g, p), 2 * (3.0 / 7 - 0.25), 1e-12);
  EXPECT_NEAR(cpm_quality(g, p, 0.5), 2 * (3.0 - 0.5 * 3), 1e-12);
  EXPECT_THROW((void)modularity(g, canonicalize({0, 0})), std::invalid_argument);
}

TEST(Quality, NmiIdenticalAndIndependent) {
  EXPECT_NEAR(normalized_mutual_information(std::vector<std::uint64_t>{0, 0, 1, 1},
                                            std::vector<std::uint64_t>{5, 5, 7, 7}),
              1.0, 1e-12);
  EXPECT_NEAR(normalized_mutual_information(std::vector<std::uint64_t>{0, 0, 1, 1},
                                            std::vector<std::uint64_t>{0, 1, 0, 1}),
              0.0, 1e-12);
  EXPECT_THROW((void)normalized_mutual_information(std::vector<std::uint64_t>{0}, std::vector<std::uint64_t>{}),
               std::invalid_argument);
}

TEST(Options, ValidateRejectsBadValues) {
  CommunityOptions o;
  o.resolution = -1;
  EXPECT_THROW(o.validate(), std::invalid_argument);
  o = {};
  o.max_iterations = 0;
  EXPECT_THROW(o.validate(), std::invalid_argument);
  o = {};
  o.threads = -2;
  EXPECT_THROW(o.validate(), std::invalid_argument);
}

}  // namespace
}  // namespace hydrascope
