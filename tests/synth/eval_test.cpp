// Metrics of hydrascope eval against hand-computed values on small literal cases.
#include <gtest/gtest.h>

#include "hydrascope/eval.hpp"

namespace hydrascope {
namespace {

TEST(Metrics, AurocPerfectAndInverted) {
  EXPECT_DOUBLE_EQ(auroc({0.9, 0.8, 0.1, 0.2}, {true, true, false, false}), 1.0);
  EXPECT_DOUBLE_EQ(auroc({0.1, 0.2, 0.9, 0.8}, {true, true, false, false}), 0.0);
}

TEST(Metrics, AurocTiesCountHalf) {
  // pos {0.5, 0.9}, neg {0.5, 0.1}: pairs (0.5,0.5)=0.5, (0.5,0.1)=1, (0.9,*)=2 -> 3.5/4
  EXPECT_DOUBLE_EQ(auroc({0.5, 0.9, 0.5, 0.1}, {true, true, false, false}), 0.875);
  EXPECT_DOUBLE_EQ(auroc({0.3, 0.3, 0.3}, {true, false, false}), 0.5);  // all equal
  EXPECT_DOUBLE_EQ(auroc({0.3, 0.4}, {false, false}), 0.5);            // no positives
}

TEST(Metrics, AveragePrecision) {
  // ranking: P N P -> (1/2)(1/1) + (1/2)(2/3)
  EXPECT_NEAR(average_precision({0.9, 0.8, 0.7}, {true, false, true}), 0.5 + 1.0 / 3.0, 1e-12);
  // all tied: one step, precision = 2/4
  EXPECT_DOUBLE_EQ(average_precision({1, 1, 1, 1}, {true, false, true, false}), 0.5);
  EXPECT_DOUBLE_EQ(average_precision({1, 2}, {false, false}), 0.0);
}

TEST(Metrics, RPrecisionTiesAtCut) {
  EXPECT_DOUBLE_EQ(r_precision({0.9, 0.8, 0.7, 0.1}, {true, false, true, false}), 0.5);
  // R = 1, top group of 2 tied with one positive -> expected 0.5
  EXPECT_DOUBLE_EQ(r_precision({0.5, 0.5, 0.1}, {true, false, false}), 0.5);
}

TEST(Metrics, AdjustedRandIndex) {
  EXPECT_DOUBLE_EQ(adjusted_rand_index({0, 0, 1, 1}, {5, 5, 7, 7}), 1.0);
  // a = {0,0,0,1,1,1}, b = {0,0,1,1,2,2}: index 2, expected 6*3/15 = 1.2, max 4.5 -> 0.8/3.3
  EXPECT_NEAR(adjusted_rand_index({0, 0, 0, 1, 1, 1}, {0, 0, 1, 1, 2, 2}), 0.8 / 3.3, 1e-12);
  EXPECT_THROW((void)adjusted_rand_index({0}, {0, 1}), std::invalid_argument);
}

TEST(Evaluate, CountsMissingUnknownDuplicateAndEmptyClusters) {
  Truth t;
  t.clusters.push_back({"hydra-1", "hydra", {"a", "b"}});
  t.clusters.push_back({"hydra-2", "hydra", {}});
  t.clusters.push_back({"family-1", "family", {"c", "d"}});
  t.accounts = {"a", "b", "c", "d", "e"};
  std::vector<AccountRow> rows = {{"a", 1, 0.9, true}, {"b", 1, 0.8, false}, {"c", 2, 0.7, true},
                                  {"a", 3, 0.1, false}, {"zz", 4, 0.5, true}};
  const EvalResult r = evaluate(t, rows);
  EXPECT_EQ(r.scored, 5u);
  EXPECT_EQ(r.missing, 2u);     // d, e
  EXPECT_EQ(r.unknown, 1u);     // zz
  EXPECT_EQ(r.duplicates, 1u);  // second a
  EXPECT_EQ(r.tp, 1u);
  EXPECT_EQ(r.fp, 1u);
  EXPECT_EQ(r.fn, 1u);
  EXPECT_DOUBLE_EQ(r.auroc, 1.0);
  ASSERT_EQ(r.hydra.size(), 2u);
  EXPECT_DOUBLE_EQ(r.hydra[0].recall, 0.5);
  EXPECT_DOUBLE_EQ(r.hydra[0].largest_community_share, 1.0);
  EXPECT_EQ(r.hydra[1].size, 0u);
  EXPECT_DOUBLE_EQ(r.hydra[1].recall, 0.0);
  EXPECT_DOUBLE_EQ(r.lookalikes.at("family").recall, 0.5);
  EvalOptions only;
  only.only_listed = true;
  const EvalResult o = evaluate(t, rows, only);
  EXPECT_EQ(o.scored, 4u);
  EXPECT_EQ(o.unknown, 0u);
}

}  // namespace
}  // namespace hydrascope
