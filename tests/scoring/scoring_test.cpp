// Scoring with a learned model: risks in [0, 1], the hydra flagged and its
// look-alikes not (on the world the tiny model learned), reasons with
// snapshot references, trusted accounts never flagged, calibration on the
// snapshot's own labels (applied only with enough of both kinds, and right on
// a literal case), the community rule, determinism across thread counts, and
// every option / input error.
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "hydrascope/graph.hpp"
#include "hydrascope/scoring.hpp"
#include "scoring/scored_world.hpp"

namespace hydrascope {
namespace {

const CommunityDetail* detail_of(const ScoringResult& r, std::uint64_t c) {
  const auto& cs = r.communities.at(c);
  return cs.detail == UINT32_MAX ? nullptr : &r.details[cs.detail];
}

// A copy of `s` with the labels of some accounts changed.
Snapshot relabel(const Snapshot& s, const std::map<std::string, Label>& labels) {
  SnapshotBuilder b("relabelled");
  b.set_meta(s.meta());
  RecordRef ref;
  std::vector<double> dense;
  for (NodeId v = 0; v < s.num_nodes(); ++v) {
    std::vector<AttrInput> attrs;
    for (const Attr& a : s.attrs(v)) {
      AttrInput in;
      in.key = s.attr_keys().get(a.key);
      in.type = a.type;
      in.text = a.type == AttrType::String ? s.attr_strings().get(a.as_string_id()) : std::string_view();
      in.integer = a.as_int();
      in.real = a.type == AttrType::Double ? a.as_double() : 0.0;
      in.boolean = a.as_bool();
      attrs.push_back(in);
    }
    dense.assign(s.meta().activity.buckets, 0.0);
    s.for_each_activity(v, [&](std::uint32_t k, float x) { dense[k] = x; });
    const auto it = labels.find(std::string(s.node_id(v)));
    b.add_node(ref, s.node_id(v), s.node_type(v), it == labels.end() ? s.label(v) : it->second, s.created_at(v), attrs,
               s.has_activity(v) ? &dense : nullptr);
  }
  for (EdgeId e = 0; e < s.num_edges(); ++e)
    b.add_edge(ref, s.node_id(s.edge_src(e)), s.node_id(s.edge_dst(e)), s.edge_type(e), s.edge_weight(e),
               s.first_seen(e), s.last_seen(e));
  return b.finish();
}

class ScoringWorld : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { scored_ = new testing::Scored(testing::score_world(testing::make_world())); }
  static void TearDownTestSuite() { delete scored_; }
  static const ScoringResult& result() { return scored_->scoring; }
  static const testing::World& world() { return scored_->world; }
  static double risk_of(const std::string& id) { return result().account_risk[world().snapshot.find_node(id)]; }
  static testing::Scored* scored_;
};
testing::Scored* ScoringWorld::scored_ = nullptr;

TEST_F(ScoringWorld, HydraIsFlaggedAndExplained) {
  const auto& cs = result().communities[world().hydra_community];
  EXPECT_TRUE(cs.suspect);
  EXPECT_EQ(cs.flagged, 40u);
  EXPECT_GT(cs.risk, 0.9);
  ASSERT_EQ(result().ranking.size(), 1u);
  EXPECT_EQ(result().ranking[0], world().hydra_community);
  const CommunityDetail* d = detail_of(result(), world().hydra_community);
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->summary.rfind("Flagged: 40 of 40 accounts", 0), 0u) << d->summary;
  ASSERT_FALSE(d->reasons.empty());
  EXPECT_LE(d->reasons.size(), 4u);
  for (std::size_t i = 0; i < d->reasons.size(); ++i) {
    EXPECT_GE(d->reasons[i].contribution, 0.05);
    if (i > 0) {
      EXPECT_LE(d->reasons[i].contribution, d->reasons[i - 1].contribution);
    }
    EXPECT_FALSE(d->reasons[i].text.empty());
    EXPECT_GE(feature_index(d->reasons[i].feature), 0) << d->reasons[i].feature;
  }
  // Family contributions over the explained accounts add up to their mean
  // margin minus the bias: all positive here.
  double sum = 0;
  for (double c : d->family_contribution) sum += c;
  EXPECT_GT(sum, 1.0);
  EXPECT_EQ(d->explained, 40u);
  // Community-level reasons carry their snapshot reference.
  for (const auto& r : d->reasons) {
    if (r.feature.rfind("c_", 0) != 0) continue;
    EXPECT_NE(r.text.find("(snapshot, communities of"), std::string::npos) << r.text;
    EXPECT_GT(r.reference.communities, 0u);
  }
  EXPECT_EQ(d->top_entity[2], world().snapshot.find_node("px:relay"));
  EXPECT_EQ(d->top_count[2], 40u);
  // Explained accounts name their strongest family.
  EXPECT_LT(result().account_family[world().snapshot.find_node(world().hydra.front())], kNumFeatureFamilies);
}

TEST_F(ScoringWorld, LookAlikesAreNotFlagged) {
  for (const auto& a : world().corporate) EXPECT_LT(risk_of(a), 0.5) << a;
  for (const auto& a : world().carrier) EXPECT_LT(risk_of(a), 0.5) << a;
  EXPECT_FALSE(result().communities[world().corporate_community].suspect);
  EXPECT_FALSE(result().communities[world().carrier_community].suspect);
  const CommunityDetail* d = detail_of(result(), world().carrier_community);
  ASSERT_NE(d, nullptr);
  EXPECT_TRUE(d->reasons.empty());
  EXPECT_EQ(d->summary.rfind("Not flagged", 0), 0u);
}

TEST_F(ScoringWorld, RiskIsInUnitIntervalAndEntitiesHaveNone) {
  const Snapshot& s = world().snapshot;
  std::uint64_t suspects = 0;
  for (NodeId v = 0; v < s.num_nodes(); ++v) {
    const double r = result().account_risk[v];
    EXPECT_GE(r, 0.0);
    EXPECT_LE(r, 1.0);
    if (s.kind(v) != NodeKind::Account) {
      EXPECT_EQ(r, 0.0);
    }
    EXPECT_EQ(result().account_suspect[v] != 0, r >= result().threshold);
    suspects += result().account_suspect[v];
  }
  EXPECT_EQ(suspects, result().suspect_accounts);
  for (CommunityId c = 0; c < result().communities.size(); ++c) {
    const auto& cs = result().communities[c];
    EXPECT_EQ(cs.suspect, cs.accounts >= 2 && cs.flagged >= ScoringOptions{}.min_flagged &&
                              cs.flagged >= ScoringOptions{}.min_flagged_share * static_cast<double>(cs.accounts));
  }
}

TEST_F(ScoringWorld, SameResultForAnyThreadCount) {
  ScoringOptions o;
  o.threads = 1;
  const ScoringResult one = score_snapshot(world().snapshot, world().partition, scored_->features, testing::tiny_model(), o);
  o.threads = 2;
  const ScoringResult two = score_snapshot(world().snapshot, world().partition, scored_->features, testing::tiny_model(), o);
  EXPECT_EQ(one.account_risk, two.account_risk);
  EXPECT_EQ(one.ranking, two.ranking);
  ASSERT_EQ(one.details.size(), two.details.size());
  for (std::size_t i = 0; i < one.details.size(); ++i) {
    ASSERT_EQ(one.details[i].reasons.size(), two.details[i].reasons.size());
    for (std::size_t j = 0; j < one.details[i].reasons.size(); ++j)
      EXPECT_EQ(one.details[i].reasons[j].text, two.details[i].reasons[j].text);
  }
}

TEST_F(ScoringWorld, TrustedAccountsAreNeverFlagged) {
  const Snapshot s = relabel(world().snapshot, {{world().hydra[0], Label::Trusted}, {world().hydra[1], Label::Trusted}});
  const Incidence inc = build_incidence(s);
  const FeatureTable ft = compute_features(s, inc, world().partition);
  const ScoringResult r = score_snapshot(s, world().partition, ft, testing::tiny_model());
  EXPECT_EQ(r.account_risk[s.find_node(world().hydra[0])], 0.0);
  EXPECT_EQ(r.account_suspect[s.find_node(world().hydra[0])], 0);
  EXPECT_EQ(r.communities[world().hydra_community].flagged, 38u);
  EXPECT_FALSE(r.calibration.applied);  // 0 banned and 2 trusted: far too few
  EXPECT_EQ(r.calibration.negatives, 2u);
  EXPECT_NE(r.calibration.note.find("not calibrated"), std::string::npos);
}

TEST_F(ScoringWorld, CalibratedOnTheSnapshotsLabelsWhenItHasEnough) {
  std::map<std::string, Label> labels;
  for (int i = 0; i < 35; ++i) labels[world().hydra[static_cast<std::size_t>(i)]] = Label::Banned;
  for (int i = 0; i < 35; ++i) labels[world().carrier[static_cast<std::size_t>(i)]] = Label::Trusted;
  const Snapshot s = relabel(world().snapshot, labels);
  const Incidence inc = build_incidence(s);
  const FeatureTable ft = compute_features(s, inc, world().partition);
  const ScoringResult r = score_snapshot(s, world().partition, ft, testing::tiny_model());
  EXPECT_TRUE(r.calibration.applied);
  EXPECT_EQ(r.calibration.positives, 35u);
  EXPECT_EQ(r.calibration.negatives, 35u);
  EXPECT_NE(r.calibration.note.find("calibrated on 35 banned and 35 trusted"), std::string::npos);
  // Labels agree with the model here: the fit keeps the order and sharpens.
  EXPECT_GT(r.calibration.slope, 0.0);
  ScoringOptions off;
  off.calibrate = false;
  const ScoringResult u = score_snapshot(s, world().partition, ft, testing::tiny_model(), off);
  EXPECT_FALSE(u.calibration.applied);
  EXPECT_EQ(u.calibration.slope, 1.0);
  EXPECT_EQ(u.calibration.intercept, 0.0);
  ScoringOptions more;
  more.min_calibration_labels = 36;
  EXPECT_FALSE(score_snapshot(s, world().partition, ft, testing::tiny_model(), more).calibration.applied);
}

// Margins m with labels drawn at P(y = 1) = logistic(0.5 m - 1): the fit recovers (0.5, -1).
TEST(Scoring, CalibrationRecoversAKnownSlopeAndIntercept) {
  std::mt19937_64 rng(5);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  std::vector<double> m;
  std::vector<std::uint8_t> y;
  for (int i = 0; i < 40000; ++i) {
    const double x = -8.0 + 16.0 * u(rng);
    m.push_back(x);
    y.push_back(u(rng) < 1.0 / (1.0 + std::exp(-(0.5 * x - 1.0))) ? 1 : 0);
  }
  const auto [a, b] = fit_calibration(m, y, 1.0);
  EXPECT_NEAR(a, 0.5, 0.03);
  EXPECT_NEAR(b, -1.0, 0.06);
  // With no data the prior keeps the identity.
  const auto [a0, b0] = fit_calibration({}, {}, 1.0);
  EXPECT_DOUBLE_EQ(a0, 1.0);
  EXPECT_DOUBLE_EQ(b0, 0.0);
  EXPECT_THROW((void)fit_calibration({1.0}, {}, 1.0), std::invalid_argument);
}

TEST_F(ScoringWorld, MinFlaggedDecidesTheSuspectCommunities) {
  ScoringOptions o;
  o.min_flagged = 41;  // more than the hydra has
  const ScoringResult r = score_snapshot(world().snapshot, world().partition, scored_->features, testing::tiny_model(), o);
  EXPECT_FALSE(r.communities[world().hydra_community].suspect);
  EXPECT_TRUE(r.ranking.empty());
  EXPECT_EQ(r.suspect_accounts, result().suspect_accounts);  // accounts are still flagged
  const CommunityDetail* d = detail_of(r, world().hydra_community);
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->summary.rfind("Not flagged as a community: 40 of 40", 0), 0u) << d->summary;
}

TEST_F(ScoringWorld, MinFlaggedShareKeepsLargeMostlyOrdinaryCommunitiesOut) {
  // Every community with a flagged account, under a share no community reaches:
  // none is suspect, while every flagged account stays flagged.
  ScoringOptions o;
  o.min_flagged_share = 1.0;
  const ScoringResult r = score_snapshot(world().snapshot, world().partition, scored_->features, testing::tiny_model(), o);
  std::uint64_t suspect = 0;
  for (const CommunityScore& cs : r.communities) {
    EXPECT_EQ(cs.suspect, cs.accounts >= 2 && cs.flagged >= o.min_flagged && cs.flagged == cs.accounts);
    suspect += cs.suspect;
  }
  EXPECT_EQ(suspect, r.ranking.size());
  EXPECT_EQ(r.suspect_accounts, result().suspect_accounts);
  // A share of 0 gives back the count rule alone.
  o.min_flagged_share = 0.0;
  const ScoringResult all = score_snapshot(world().snapshot, world().partition, scored_->features, testing::tiny_model(), o);
  for (const CommunityScore& cs : all.communities) EXPECT_EQ(cs.suspect, cs.accounts >= 2 && cs.flagged >= o.min_flagged);
  EXPECT_GE(all.ranking.size(), result().ranking.size());
}

TEST(Scoring, OptionsAreValidated) {
  const auto bad = [](auto edit) {
    ScoringOptions o;
    edit(o);
    return o;
  };
  EXPECT_THROW(bad([](ScoringOptions& o) { o.threshold = 0.0; }).validate(), std::invalid_argument);
  EXPECT_THROW(bad([](ScoringOptions& o) { o.threshold = 1.5; }).validate(), std::invalid_argument);
  EXPECT_THROW(bad([](ScoringOptions& o) { o.min_accounts = 1; }).validate(), std::invalid_argument);
  EXPECT_THROW(bad([](ScoringOptions& o) { o.min_flagged = 0; }).validate(), std::invalid_argument);
  EXPECT_THROW(bad([](ScoringOptions& o) { o.min_flagged_share = 1.5; }).validate(), std::invalid_argument);
  EXPECT_THROW(bad([](ScoringOptions& o) { o.min_flagged_share = -0.1; }).validate(), std::invalid_argument);
  EXPECT_THROW(bad([](ScoringOptions& o) { o.explain_accounts = 0; }).validate(), std::invalid_argument);
  EXPECT_THROW(bad([](ScoringOptions& o) { o.max_reasons = 0; }).validate(), std::invalid_argument);
  EXPECT_THROW(bad([](ScoringOptions& o) { o.threads = -1; }).validate(), std::invalid_argument);
  EXPECT_NO_THROW(ScoringOptions{}.validate());
}

TEST(Scoring, MismatchedInputsThrow) {
  const testing::World w = testing::make_world();
  const testing::World other = testing::make_world(7, false, true);  // two more accounts
  const FeatureTable ft = compute_features(other.snapshot, build_incidence(other.snapshot), other.partition);
  EXPECT_THROW((void)score_snapshot(w.snapshot, w.partition, ft, testing::tiny_model()), std::invalid_argument);
  Partition wrong;
  wrong.membership.assign(2, 0);
  wrong.num_communities = 1;
  const FeatureTable mine = compute_features(w.snapshot, build_incidence(w.snapshot), w.partition);
  EXPECT_THROW((void)score_snapshot(w.snapshot, wrong, mine, testing::tiny_model()), std::invalid_argument);
}

// A model that never saw a family still scores a full table (columns by name).
TEST(Scoring, ModelsMatchColumnsByName) {
  const testing::World w = testing::make_world();
  const Incidence inc = build_incidence(w.snapshot);
  const FeatureTable ft = compute_features(w.snapshot, inc, w.partition);
  TrainingRowsOptions ro;
  ro.drop_families = {FeatureFamily::Synchrony, FeatureFamily::Proxy};
  TrainingSet set;
  const std::unordered_set<std::string> hydra(w.hydra.begin(), w.hydra.end());
  append_training_rows(set, w.snapshot, ft, truth_targets(w.snapshot, ft, hydra), ro, "test");
  for (const auto& name : set.x.names) {
    EXPECT_EQ(name.find("sync"), std::string::npos);
    EXPECT_EQ(name.find("proxy"), std::string::npos);
  }
  BoosterOptions bo;
  bo.rounds = 20;
  bo.max_depth = 3;
  const Model m = Model::train(set.x, set.label, set.weight, bo);
  const ScoringResult r = score_snapshot(w.snapshot, w.partition, ft, m);
  EXPECT_TRUE(r.communities[w.partition.membership[w.snapshot.find_node(w.hydra.front())]].suspect);
  const CommunityDetail* d = detail_of(r, w.partition.membership[w.snapshot.find_node(w.hydra.front())]);
  ASSERT_NE(d, nullptr);
  for (const auto& reason : d->reasons) {
    EXPECT_NE(reason.family, FeatureFamily::Synchrony);
    EXPECT_NE(reason.family, FeatureFamily::Proxy);
  }
}

TEST(Scoring, EmptySnapshotGivesEmptyResult) {
  SnapshotBuilder b("empty");
  const Snapshot s = b.finish();
  const FeatureTable ft = compute_features(s, build_incidence(s), Partition{});
  const ScoringResult r = score_snapshot(s, Partition{}, ft, testing::tiny_model());
  EXPECT_TRUE(r.communities.empty());
  EXPECT_TRUE(r.ranking.empty());
  EXPECT_EQ(r.suspect_accounts, 0u);
}

TEST(Scoring, FormatNumber) {
  EXPECT_EQ(format_number(31.0), "31");
  EXPECT_EQ(format_number(13.3333), "13.3");
  EXPECT_EQ(format_number(0.8234), "0.82");
  EXPECT_EQ(format_number(std::nan("")), "n/a");
}

// choose_start: grouped cross-validation between learning the rows from
// scratch and boosting on from a base. A base that already ranks the rows
// (at least as well) is kept; a base that ranks them backwards loses.
TEST(Training, ChooseStartKeepsAGoodBaseAndDropsABackwardOne) {
  TrainingSet set;
  set.x = FeatureMatrix::filled({"x", "noise"}, 400);
  std::mt19937 rng(3);
  std::uniform_real_distribution<float> unit(0.0f, 1.0f);
  std::vector<float> flipped;
  for (std::uint64_t r = 0; r < 400; ++r) {
    const float x = unit(rng);
    set.x.at(r, 0) = x;
    set.x.at(r, 1) = unit(rng);
    const float y = x > 0.5f ? 1.0f : 0.0f;
    set.label.push_back(y);
    flipped.push_back(1.0f - y);
    set.weight.push_back(1.0f);
    set.group.push_back(r / 4);  // communities of four rows
    (y == 1.0f ? set.positives : set.negatives) += 1;
  }
  BoosterOptions o;
  o.rounds = 20;
  o.max_depth = 2;
  o.threads = 1;
  const Model good = Model::train(set.x, set.label, set.weight, o);
  const Model backward = Model::train(set.x, flipped, set.weight, o);
  BoosterOptions little = o;  // one tiny step: the base's ranking stays
  little.rounds = 1;
  little.eta = 0.01;
  const StartChoice keep = choose_start(set, set.x, good, o, little, 5, 1);
  EXPECT_EQ(keep.folds, 5);
  EXPECT_TRUE(keep.continued);
  EXPECT_GT(keep.auroc_continued, 0.99);
  const StartChoice drop = choose_start(set, set.x, backward, o, little, 5, 1);
  EXPECT_FALSE(drop.continued);
  EXPECT_LT(drop.auroc_continued, 0.1);
  EXPECT_GT(drop.auroc_scratch, 0.95);
  const StartChoice again = choose_start(set, set.x, backward, o, little, 5, 1);
  EXPECT_EQ(again.auroc_scratch, drop.auroc_scratch);
  EXPECT_EQ(again.auroc_continued, drop.auroc_continued);
  EXPECT_THROW((void)choose_start(set, set.x, good, o, little, 1, 1), std::invalid_argument);
  TrainingSet cached = set;
  cached.group.clear();
  EXPECT_THROW((void)choose_start(cached, set.x, good, o, little, 5, 1), std::invalid_argument);
}

}  // namespace
}  // namespace hydrascope
