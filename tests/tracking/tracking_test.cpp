// Tracking: every event on a small literal pair of runs, the hydra id rules,
// every review decision through track_run() on a tiny scored snapshot, the
// material-change rule, trusted labels, withdrawal, and bad review files
// with located errors.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "hydrascope/error.hpp"
#include "hydrascope/graph.hpp"
#include "hydrascope/tracking.hpp"

namespace hydrascope {
namespace {

// --- match_runs on hand-made runs ---------------------------------------------------------------
//
// A run is a list of communities; each lists its accounts and its
// infrastructure (entity ids). Accounts of the run not in a community are
// given separately (untracked, e.g. singletons).
struct C {
  std::vector<std::string> accounts;
  std::vector<std::string> infra;
  bool flagged = false;
  std::uint64_t banned = 0;
};

TrackedRun make_run(const std::vector<C>& cs, bool tracked = true, std::vector<std::string> loose = {}) {
  TrackedRun r;
  r.tracked = tracked;
  r.run = tracked ? 1 : 0;
  r.next_hydra = cs.size() + 1;
  for (std::size_t i = 0; i < cs.size(); ++i) {
    TrackedCommunity t;
    t.community = static_cast<CommunityId>(i);
    if (tracked) t.hydra_id = hydra_name(i + 1);
    t.accounts = cs[i].accounts.size();
    t.flagged = cs[i].flagged;
    t.banned = cs[i].banned;
    for (const auto& e : cs[i].infra) t.infrastructure.push_back({e, e.substr(0, 2) == "pm" ? "payment_method" : "proxy", 2});
    for (const auto& a : cs[i].accounts) {
      r.account_ids.push_back(a);
      r.account_community.push_back(static_cast<CommunityId>(i));
      r.account_tracked.push_back(static_cast<std::uint32_t>(i));
    }
    r.communities.push_back(std::move(t));
  }
  for (const auto& a : loose) {
    r.account_ids.push_back(a);
    r.account_community.push_back(1000);
    r.account_tracked.push_back(TrackedRun::kUntracked);
  }
  return r;
}

std::vector<std::string> ids(const std::string& prefix, int from, int to) {
  std::vector<std::string> v;
  for (int i = from; i < to; ++i) v.push_back(prefix + std::to_string(i));
  return v;
}

std::vector<std::string> cat(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

//   previous: P1 = a0..a9            current: C1 = a0..a9          -> same, keeps h-000001
TEST(TrackingMatch, SameKeepsTheId) {
  const auto prev = make_run({{ids("a", 0, 10), {"pm:1"}}});
  const auto cur = make_run({{ids("a", 0, 10), {"pm:1"}}}, false);
  const auto m = match_runs(prev, cur);
  ASSERT_EQ(m.tracks.size(), 1u);
  EXPECT_EQ(m.tracks[0].event, HydraEvent::Same);
  EXPECT_EQ(m.tracks[0].hydra_id, "h-000001");
  EXPECT_EQ(m.tracks[0].carried, 10u);
  EXPECT_EQ(m.tracks[0].shared_infrastructure, 1u);
  EXPECT_EQ(m.minted, 0u);
  EXPECT_TRUE(m.ended.empty());
  EXPECT_EQ(m.counts[static_cast<int>(HydraEvent::Same)], 1u);
}

//   P1 = a0..a9   ->   C1 = a0..a9 + b0..b2 (3 new accounts, P1 not flagged)  -> grown
TEST(TrackingMatch, Grown) {
  const auto m = match_runs(make_run({{ids("a", 0, 10), {}}}), make_run({{cat(ids("a", 0, 10), ids("b", 0, 3)), {}}}, false));
  EXPECT_EQ(m.tracks[0].event, HydraEvent::Grown);
  EXPECT_EQ(m.tracks[0].hydra_id, "h-000001");
  EXPECT_EQ(m.tracks[0].new_heads, 3u);
  EXPECT_EQ(m.tracks[0].accounts_before, 10u);
}

//   P1 = a0..a9   ->   C1 = a0..a6  -> shrunk
TEST(TrackingMatch, Shrunk) {
  const auto m = match_runs(make_run({{ids("a", 0, 10), {}}}), make_run({{ids("a", 0, 7), {}}}, false));
  EXPECT_EQ(m.tracks[0].event, HydraEvent::Shrunk);
  EXPECT_EQ(m.tracks[0].hydra_id, "h-000001");
}

//   Under 10 % is no change: P1 = a0..a19 -> C1 = a0..a19, b0 (+5 %) -> same; +2 (10 %) -> grown
TEST(TrackingMatch, SmallChangeIsSame) {
  const auto prev = make_run({{ids("a", 0, 20), {}}});
  EXPECT_EQ(match_runs(prev, make_run({{cat(ids("a", 0, 20), {"b0"}), {}}}, false)).tracks[0].event, HydraEvent::Same);
  EXPECT_EQ(match_runs(prev, make_run({{cat(ids("a", 0, 20), {"b0", "b1"}), {}}}, false)).tracks[0].event, HydraEvent::Grown);
}

//   P1 = a0..a5, P2 = a6..a9   ->   C1 = a0..a9  -> merged; id of the larger part, P2 ends merged into it
TEST(TrackingMatch, Merged) {
  const auto m = match_runs(make_run({{ids("a", 0, 6), {}}, {ids("a", 6, 10), {}}}), make_run({{ids("a", 0, 10), {}}}, false));
  ASSERT_EQ(m.tracks.size(), 1u);
  EXPECT_EQ(m.tracks[0].event, HydraEvent::Merged);
  EXPECT_EQ(m.tracks[0].hydra_id, "h-000001");
  EXPECT_EQ(m.tracks[0].previous, (std::vector<std::string>{"h-000001", "h-000002"}));
  ASSERT_EQ(m.ended.size(), 1u);
  EXPECT_EQ(m.ended[0].hydra_id, "h-000002");
  EXPECT_EQ(m.ended[0].event, HydraEvent::Merged);
  EXPECT_EQ(m.ended[0].into, "h-000001");
  EXPECT_EQ(m.counts[static_cast<int>(HydraEvent::Dissolved)], 0u);
}

//   P1 = a0..a9   ->   C1 = a0..a5, C2 = a6..a9  -> both split; the larger keeps the id, the other gets the next
TEST(TrackingMatch, Split) {
  auto prev = make_run({{ids("a", 0, 10), {}}});
  prev.next_hydra = 40;
  const auto m = match_runs(prev, make_run({{ids("a", 6, 10), {}}, {ids("a", 0, 6), {}}}, false));
  ASSERT_EQ(m.tracks.size(), 2u);
  EXPECT_EQ(m.tracks[0].event, HydraEvent::Split);
  EXPECT_EQ(m.tracks[1].event, HydraEvent::Split);
  EXPECT_EQ(m.tracks[1].hydra_id, "h-000001");
  EXPECT_EQ(m.tracks[0].hydra_id, "h-000040");
  EXPECT_EQ(m.tracks[0].previous, (std::vector<std::string>{"h-000001"}));
  EXPECT_EQ(m.minted, 1u);
}

//   A few accounts drifting off a large community are no split:
//   P1 = a0..a99 -> C1 = a0..a96, C2 = a97..a99 (+ c0): C2 is new
TEST(TrackingMatch, DriftIsNotASplit) {
  const auto m = match_runs(make_run({{ids("a", 0, 100), {}}}),
                            make_run({{ids("a", 0, 97), {}}, {cat(ids("a", 97, 100), {"c0"}), {}}}, false));
  EXPECT_EQ(m.tracks[0].event, HydraEvent::Same);
  EXPECT_EQ(m.tracks[1].event, HydraEvent::New);
}

//   P1 flagged = a0..a9 on pm:1, px:1   ->   C1 = a0..a9 + h0..h3 (new heads) -> regrown
TEST(TrackingMatch, RegrownOnAFlaggedHydra) {
  const auto m = match_runs(make_run({{ids("a", 0, 10), {"pm:1", "px:1"}, true}}),
                            make_run({{cat(ids("a", 0, 10), ids("h", 0, 4)), {"pm:1", "px:1"}}}, false));
  EXPECT_EQ(m.tracks[0].event, HydraEvent::Regrown);
  EXPECT_EQ(m.tracks[0].hydra_id, "h-000001");
  EXPECT_EQ(m.tracks[0].new_heads, 4u);
  EXPECT_FALSE(m.tracks[0].after_ban);
  EXPECT_EQ(m.new_heads, 4u);
}

//   P1 = a0..a9, all banned, on pm:1, pm:2, px:1   ->   C1 = h0..h5 (all new) on the same entities:
//   the banned accounts are gone, the heads are linked by infrastructure alone -> regrown after a ban
TEST(TrackingMatch, RegrownAfterABanByInfrastructureAlone) {
  const auto m = match_runs(make_run({{ids("a", 0, 10), {"pm:1", "pm:2", "px:1"}, false, 10}}),
                            make_run({{ids("h", 0, 6), {"pm:1", "pm:2", "px:1"}}}, false));
  EXPECT_EQ(m.tracks[0].event, HydraEvent::Regrown);
  EXPECT_EQ(m.tracks[0].hydra_id, "h-000001");
  EXPECT_TRUE(m.tracks[0].after_ban);
  EXPECT_EQ(m.tracks[0].carried, 0u);
  EXPECT_EQ(m.tracks[0].shared_infrastructure, 3u);
}

//   A dormant hydra (dissolved two runs ago, banned) and new heads on its card -> regrown with its id
TEST(TrackingMatch, RegrownFromADormantHydra) {
  auto prev = make_run({{ids("x", 0, 5), {"pm:9"}}});
  TrackedCommunity d;
  d.hydra_id = "h-000007";
  d.accounts = 12;
  d.banned = 12;
  d.dissolved_run = 1;
  d.infrastructure = {{"pm:1", "payment_method", 12}, {"px:1", "proxy", 12}};
  prev.dormant.push_back(d);
  const auto m = match_runs(prev, make_run({{ids("x", 0, 5), {"pm:9"}}, {ids("h", 0, 4), {"pm:1", "px:1"}}}, false));
  EXPECT_EQ(m.tracks[0].event, HydraEvent::Same);
  EXPECT_EQ(m.tracks[1].event, HydraEvent::Regrown);
  EXPECT_EQ(m.tracks[1].hydra_id, "h-000007");
  EXPECT_TRUE(m.tracks[1].from_dormant);
  EXPECT_TRUE(m.tracks[1].after_ban);
}

//   P1 = a0..a9 ->  nothing of it in the current run -> dissolved; C1 unrelated -> new
TEST(TrackingMatch, DissolvedAndNew) {
  auto prev = make_run({{ids("a", 0, 10), {"pm:1"}, true}});
  const auto m = match_runs(prev, make_run({{ids("z", 0, 5), {"pm:2"}}}, false));
  EXPECT_EQ(m.tracks[0].event, HydraEvent::New);
  EXPECT_EQ(m.tracks[0].hydra_id, "h-000002");  // next_hydra of the previous run
  ASSERT_EQ(m.ended.size(), 1u);
  EXPECT_EQ(m.ended[0].event, HydraEvent::Dissolved);
  EXPECT_TRUE(m.ended[0].flagged);
  EXPECT_EQ(m.counts[static_cast<int>(HydraEvent::Dissolved)], 1u);
  EXPECT_EQ(m.counts[static_cast<int>(HydraEvent::New)], 1u);
}

// A previous run written without tracking gets ids minted in community order.
TEST(TrackingMatch, UntrackedPreviousGetsGenesisIds) {
  const auto prev = make_run({{ids("a", 0, 5), {}}, {ids("b", 0, 5), {}}}, false);
  const auto m = match_runs(prev, make_run({{ids("b", 0, 5), {}}, {ids("a", 0, 5), {}}, {ids("n", 0, 3), {}}}, false));
  EXPECT_EQ(m.tracks[0].hydra_id, "h-000002");
  EXPECT_EQ(m.tracks[1].hydra_id, "h-000001");
  EXPECT_EQ(m.tracks[2].hydra_id, "h-000003");
}

// A run matched with itself: every community the same, nothing ended.
TEST(TrackingMatch, RunWithItselfIsAllSame) {
  const auto r = make_run({{ids("a", 0, 6), {"pm:1"}, true, 2}, {ids("b", 0, 3), {}}, {ids("c", 0, 40), {"px:1", "pm:3"}}},
                          true, {"loose1", "loose2"});
  const auto m = match_runs(r, r);
  for (std::size_t i = 0; i < m.tracks.size(); ++i) {
    EXPECT_EQ(m.tracks[i].event, HydraEvent::Same);
    EXPECT_EQ(m.tracks[i].hydra_id, r.communities[i].hydra_id);
  }
  EXPECT_TRUE(m.ended.empty());
  EXPECT_EQ(m.minted, 0u);
}

TEST(TrackingMatch, NamesAndOptions) {
  EXPECT_EQ(hydra_name(123), "h-000123");
  EXPECT_EQ(hydra_name(12345678), "h-12345678");
  for (int e = 0; e < kNumHydraEvents; ++e)
    EXPECT_EQ(parse_hydra_event(to_string(static_cast<HydraEvent>(e))), static_cast<HydraEvent>(e));
  EXPECT_FALSE(parse_hydra_event("gone"));
  EXPECT_EQ(parse_review_decision("confirmed"), ReviewDecision::Confirmed);
  EXPECT_FALSE(parse_review_decision("Trusted"));
  TrackingOptions o;
  o.containment = 0.0;
  EXPECT_THROW(o.validate(), std::invalid_argument);
  o = {};
  o.trusted_label_share = 1.5;
  EXPECT_THROW(o.validate(), std::invalid_argument);
}

// --- track_run on a tiny scored snapshot ------------------------------------------------------------
//
// Communities of accounts; every account of a community uses each of its
// entities (so each entity is infrastructure). A flagged community has every
// account suspect.
struct G {
  std::string prefix;
  int accounts = 0;
  std::vector<std::string> entities;
  bool flagged = false;
  int trusted = 0;    // accounts labelled trusted (the first ones)
  int unflagged = 0;  // of a flagged group, the last accounts the model does not flag
};

struct World {
  Snapshot s;
  Partition p;
  Incidence inc;
  ScoringResult sc;
};

World make_world(const std::vector<G>& groups) {
  World w;
  SnapshotBuilder b("test");
  std::vector<CommunityId> membership;
  for (std::size_t g = 0; g < groups.size(); ++g) {
    for (int i = 0; i < groups[g].accounts; ++i) {
      b.add_node({}, groups[g].prefix + std::to_string(i), "account", i < groups[g].trusted ? Label::Trusted : Label::Unknown,
                 kNoTime, {}, nullptr);
      membership.push_back(static_cast<CommunityId>(g));
    }
    for (const auto& e : groups[g].entities) {
      b.add_node({}, e, e.substr(0, 3) == "px:" ? "proxy" : "payment_method", Label::Unknown, kNoTime, {}, nullptr);
      membership.push_back(static_cast<CommunityId>(g));
      for (int i = 0; i < groups[g].accounts; ++i)
        b.add_edge({}, groups[g].prefix + std::to_string(i), e, e.substr(0, 3) == "px:" ? "via_proxy" : "paid_with", 1.0,
                   kNoTime, kNoTime);
    }
  }
  w.s = b.finish();
  w.p.membership = membership;
  w.p.num_communities = static_cast<CommunityId>(groups.size());
  w.inc = build_incidence(w.s);
  const NodeId n = w.s.num_nodes();
  w.sc.account_risk.assign(n, 0.0);
  w.sc.account_suspect.assign(n, 0);
  w.sc.account_family.assign(n, 255);
  w.sc.communities.resize(groups.size());
  for (NodeId v = 0; v < n; ++v) {
    const CommunityId c = membership[v];
    auto& cs = w.sc.communities[c];
    ++cs.nodes;
    if (w.s.kind(v) != NodeKind::Account) continue;
    const bool last = static_cast<int>(cs.accounts) >= groups[c].accounts - groups[c].unflagged;
    ++cs.accounts;
    const bool flag = groups[c].flagged && w.s.label(v) != Label::Trusted && !last;
    w.sc.account_risk[v] = flag ? 0.95 : 0.05;
    w.sc.account_suspect[v] = flag;
    cs.flagged += flag;
  }
  for (CommunityId c = 0; c < groups.size(); ++c) {
    auto& cs = w.sc.communities[c];
    cs.suspect = cs.flagged >= 2;
    cs.risk = groups[c].flagged ? 0.9 : 0.05;
    cs.detail = c;
    CommunityDetail d;
    d.community = c;
    d.trusted = static_cast<std::uint64_t>(groups[c].trusted);
    d.summary = "model summary";
    w.sc.details.push_back(d);
    if (cs.suspect) {
      w.sc.ranking.push_back(c);
      ++w.sc.suspect_communities;
    }
    w.sc.suspect_accounts += cs.flagged;
  }
  return w;
}

std::string write_reviews(const std::string& name, const std::string& text) {
  const std::string dir = std::string(HYDRASCOPE_TEST_TMP) + "/tracking";
  std::filesystem::create_directories(dir);
  const std::string path = dir + "/" + name;
  std::ofstream(path) << text;
  return path;
}

// Day 1: farm F (10 accounts on pm:f, px:f, flagged) and service S (8
// accounts on pm:s, flagged: a false positive) start tracking.
std::vector<G> day1() { return {{"f", 10, {"pm:f", "px:f"}, true}, {"s", 8, {"pm:s"}, true}}; }

TEST(TrackingReviews, WithoutDecisionsFlagsStay) {
  World w = make_world(day1());
  const auto r = track_run(w.s, w.p, w.inc, w.sc, nullptr, nullptr);
  EXPECT_EQ(r.run.run, 1u);
  ASSERT_EQ(r.run.communities.size(), 2u);
  EXPECT_EQ(r.run.communities[0].hydra_id, "h-000001");
  EXPECT_EQ(r.run.communities[1].hydra_id, "h-000002");
  EXPECT_EQ(r.match.tracks[0].event, HydraEvent::New);
  EXPECT_EQ(r.run.communities[0].infrastructure.size(), 2u);
  EXPECT_EQ(w.sc.suspect_accounts, 18u);
  EXPECT_EQ(r.hydra_ids(), (std::vector<std::string>{"h-000001", "h-000002"}));
  EXPECT_EQ(r.run.communities[0].history.flagged_runs, 1u);
}

TEST(TrackingReviews, TrustedByHydraIdClearsTheFlagAndSurvivesReruns) {
  World w1 = make_world(day1());
  auto r1 = track_run(w1.s, w1.p, w1.inc, w1.sc, nullptr, nullptr);
  const Reviews rv = read_reviews(write_reviews("trusted.csv",
                                                "hydra_id,decision,note,by,at\n"
                                                "h-000002,trusted,\"sharded service, known\",ana,2026-02-21T09:00:00Z\n"));
  // Day 2: the same world.
  World w2 = make_world(day1());
  r1.run.name = "day1";
  auto r2 = track_run(w2.s, w2.p, w2.inc, w2.sc, &r1.run, &rv);
  const auto& S = r2.run.communities[1];
  ASSERT_TRUE(S.review.has_value());
  EXPECT_EQ(S.review->decision, ReviewDecision::Trusted);
  EXPECT_TRUE(S.review->in_force);
  EXPECT_EQ(S.review->baseline_accounts, 8u);
  EXPECT_EQ(S.review->baseline_infrastructure, (std::vector<std::string>{"pm:s"}));
  EXPECT_EQ(S.review->since_run, 2u);
  EXPECT_FALSE(w2.sc.communities[1].suspect);
  EXPECT_EQ(w2.sc.communities[1].flagged, 0u);
  EXPECT_EQ(w2.sc.suspect_accounts, 10u);
  EXPECT_EQ(w2.sc.suspect_communities, 1u);
  EXPECT_EQ(w2.sc.ranking, (std::vector<CommunityId>{0}));
  EXPECT_EQ(r2.suppressed_accounts, 8u);
  EXPECT_DOUBLE_EQ(w2.sc.account_risk[w2.s.find_node("s0")], 0.95);  // risk kept
  EXPECT_EQ(w2.sc.details[1].summary.rfind("Not flagged: trusted by ana", 0), 0u);
  ASSERT_EQ(r2.reviews.size(), 1u);
  EXPECT_EQ(r2.reviews[0].status, "applied");
  EXPECT_EQ(r2.reviews[0].hydra_id, "h-000002");
  EXPECT_FALSE(r2.run.communities[1].flagged);
  // Day 3: one more account (+12 %): not material, still trusted, baseline carried.
  auto g3 = day1();
  g3[1].accounts = 9;
  World w3 = make_world(g3);
  auto r3 = track_run(w3.s, w3.p, w3.inc, w3.sc, &r2.run, &rv);
  ASSERT_TRUE(r3.run.communities[1].review.has_value());
  EXPECT_TRUE(r3.run.communities[1].review->in_force);
  EXPECT_EQ(r3.run.communities[1].review->since_run, 2u);
  EXPECT_FALSE(w3.sc.communities[1].suspect);
}

TEST(TrackingReviews, TrustedLapsesWhenTheModelFlagsMore) {
  World w1 = make_world(day1());
  auto r1 = track_run(w1.s, w1.p, w1.inc, w1.sc, nullptr, nullptr);
  const Reviews rv = read_reviews(write_reviews("lapse.csv", "hydra_id,decision,by,at\nh-000002,trusted,ana,1771664400\n"));
  auto g2 = day1();
  g2[1].accounts = 10;  // 8 -> 10 accounts, all flagged by the model: +25 %
  World w2 = make_world(g2);
  auto r2 = track_run(w2.s, w2.p, w2.inc, w2.sc, &r1.run, &rv);
  const auto& st = r2.run.communities[1].review;
  ASSERT_TRUE(st.has_value());
  EXPECT_EQ(st->baseline_flagged, 8u);
  EXPECT_FALSE(st->in_force);
  EXPECT_EQ(st->lapsed, "the model flags 10 of its accounts, 8 at the decision");
  EXPECT_TRUE(w2.sc.communities[1].suspect);
  EXPECT_EQ(r2.reviews[0].status, "lapsed");
  EXPECT_EQ(w2.sc.details[1].summary.rfind("Trusted by ana", 0), 0u);
  // Once lapsed, it stays lapsed even if the community shrinks back.
  World w3 = make_world(day1());
  auto r3 = track_run(w3.s, w3.p, w3.inc, w3.sc, &r2.run, &rv);
  EXPECT_FALSE(r3.run.communities[1].review->in_force);
  EXPECT_TRUE(w3.sc.communities[1].suspect);
}

TEST(TrackingReviews, TrustedHoldsWhileGrowthIsBenignUntilItDoubles) {
  World w1 = make_world(day1());
  auto r1 = track_run(w1.s, w1.p, w1.inc, w1.sc, nullptr, nullptr);
  const Reviews rv = read_reviews(write_reviews("benign.csv", "hydra_id,decision,by,at\nh-000002,trusted,ana,1771664400\n"));
  auto g2 = day1();
  g2[1].accounts = 14;  // 8 -> 14 (+75 %), the 6 new ones not flagged by the model
  g2[1].unflagged = 6;
  World w2 = make_world(g2);
  auto r2 = track_run(w2.s, w2.p, w2.inc, w2.sc, &r1.run, &rv);
  ASSERT_TRUE(r2.run.communities[1].review.has_value());
  EXPECT_TRUE(r2.run.communities[1].review->in_force);
  EXPECT_FALSE(w2.sc.communities[1].suspect);
  g2[1].accounts = 16;  // twice the accounts at the decision: merged with something, lapses
  g2[1].unflagged = 8;
  World w3 = make_world(g2);
  auto r3 = track_run(w3.s, w3.p, w3.inc, w3.sc, &r2.run, &rv);
  EXPECT_FALSE(r3.run.communities[1].review->in_force);
  EXPECT_EQ(r3.run.communities[1].review->lapsed, "accounts grew by 100% (8 -> 16)");
  EXPECT_TRUE(w3.sc.communities[1].suspect);
}

TEST(TrackingReviews, TrustedLapsesOnANewSharedCard) {
  World w1 = make_world(day1());
  auto r1 = track_run(w1.s, w1.p, w1.inc, w1.sc, nullptr, nullptr);
  const Reviews rv = read_reviews(write_reviews("card.csv", "hydra_id,decision,by,at\nh-000002,trusted,ana,1771664400\n"));
  auto g2 = day1();
  g2[1].entities.push_back("pm:new");
  World w2 = make_world(g2);
  auto r2 = track_run(w2.s, w2.p, w2.inc, w2.sc, &r1.run, &rv);
  ASSERT_TRUE(r2.run.communities[1].review.has_value());
  EXPECT_FALSE(r2.run.communities[1].review->in_force);
  EXPECT_EQ(r2.run.communities[1].review->lapsed,
            "shares payment_method pm:new (8 accounts) that it did not share at the decision");
  EXPECT_TRUE(w2.sc.communities[1].suspect);
}

TEST(TrackingReviews, ConfirmedFlagsEveryAccountButTrustedOnes) {
  // Community 2 is not flagged by the model; one of its accounts is labelled trusted.
  auto groups = day1();
  groups.push_back({"q", 6, {"pm:q"}, false, 1});
  World w = make_world(groups);
  const Reviews rv = read_reviews(write_reviews("confirmed.csv", "account_id,decision,by,at,note\nq3,confirmed,bo,1771664400,farm\n"));
  auto r = track_run(w.s, w.p, w.inc, w.sc, nullptr, &rv);
  ASSERT_TRUE(r.run.communities[2].review.has_value());
  EXPECT_EQ(r.run.communities[2].review->decision, ReviewDecision::Confirmed);
  EXPECT_EQ(r.run.communities[2].review->target_kind, ReviewTarget::Account);
  EXPECT_TRUE(w.sc.communities[2].suspect);
  EXPECT_EQ(w.sc.communities[2].flagged, 5u);
  EXPECT_FALSE(w.sc.account_suspect[w.s.find_node("q0")]);  // trusted-labelled
  EXPECT_TRUE(w.sc.account_suspect[w.s.find_node("q5")]);
  EXPECT_EQ(r.confirmed_accounts, 5u);
  EXPECT_EQ(w.sc.suspect_communities, 3u);
  EXPECT_EQ(w.sc.ranking.back(), 2u);  // lowest risk last
  EXPECT_EQ(r.reviews[0].status, "applied");
  EXPECT_EQ(r.reviews[0].hydra_id, "h-000003");
}

TEST(TrackingReviews, EntityTargetAndLatestDecisionWins) {
  World w1 = make_world(day1());
  auto r1 = track_run(w1.s, w1.p, w1.inc, w1.sc, nullptr, nullptr);
  // Trusted through the service's card, then withdrawn by a later `ignore`.
  const Reviews rv = read_reviews(write_reviews("ignore.csv",
                                                "entity_id,decision,by,at\n"
                                                "pm:s,trusted,ana,2026-02-21T09:00:00Z\n"
                                                "pm:s,ignore,bo,2026-02-22T09:00:00Z\n"));
  World w2 = make_world(day1());
  auto r2 = track_run(w2.s, w2.p, w2.inc, w2.sc, &r1.run, &rv);
  ASSERT_TRUE(r2.run.communities[1].review.has_value());
  EXPECT_EQ(r2.run.communities[1].review->decision, ReviewDecision::Ignore);
  EXPECT_TRUE(w2.sc.communities[1].suspect);
  ASSERT_EQ(r2.reviews.size(), 2u);
  EXPECT_EQ(r2.reviews[0].status, "superseded");
  EXPECT_EQ(r2.reviews[1].status, "applied");
  EXPECT_EQ(r2.reviews[1].hydra_id, "h-000002");
}

TEST(TrackingReviews, UnknownTargetsAreUnmatchedAndRemovedRowsWithdrawn) {
  World w1 = make_world(day1());
  const Reviews rv1 = read_reviews(write_reviews("w1.csv", "hydra_id,decision,by,at\nh-000002,trusted,ana,1771664400\n"));
  auto r1 = track_run(w1.s, w1.p, w1.inc, w1.sc, nullptr, &rv1);
  EXPECT_FALSE(w1.sc.communities[1].suspect);
  // Day 2: the row is gone from the file, another names an unknown hydra and account.
  const Reviews rv2 = read_reviews(write_reviews("w2.csv",
                                                 "hydra_id,account_id,decision,by,at\n"
                                                 "h-000999,,trusted,ana,1771664400\n"
                                                 ",nobody,confirmed,ana,1771664400\n"));
  World w2 = make_world(day1());
  auto r2 = track_run(w2.s, w2.p, w2.inc, w2.sc, &r1.run, &rv2);
  EXPECT_EQ(r2.withdrawn, 1u);
  EXPECT_TRUE(w2.sc.communities[1].suspect);
  EXPECT_FALSE(r2.run.communities[1].review.has_value());
  ASSERT_EQ(r2.reviews.size(), 2u);
  EXPECT_EQ(r2.reviews[0].status, "unmatched");
  EXPECT_EQ(r2.reviews[1].status, "unmatched");
}

TEST(TrackingReviews, TrustedLabelsActAsADecision) {
  // The service's accounts are labelled trusted in the snapshot: 5 of 8 (>= half).
  auto groups = day1();
  groups[1].trusted = 5;
  World w1 = make_world(groups);
  auto r1 = track_run(w1.s, w1.p, w1.inc, w1.sc, nullptr, nullptr);
  ASSERT_TRUE(r1.run.communities[1].review.has_value());
  EXPECT_TRUE(r1.run.communities[1].review->from_labels);
  EXPECT_FALSE(w1.sc.communities[1].suspect);  // the 3 unlabelled accounts are not flagged either
  EXPECT_EQ(r1.suppressed_accounts, 3u);
  // Next day one more labelled and two unlabelled keys join (8 -> 11, +37 %; 6 of 11
  // labelled): material, flagged again.
  auto g2 = groups;
  g2[1].accounts = 11;
  g2[1].trusted = 6;
  World w2 = make_world(g2);
  auto r2 = track_run(w2.s, w2.p, w2.inc, w2.sc, &r1.run, nullptr);
  ASSERT_TRUE(r2.run.communities[1].review.has_value());
  EXPECT_FALSE(r2.run.communities[1].review->in_force);
  EXPECT_TRUE(w2.sc.communities[1].suspect);
  // Fewer than half labelled: no decision.
  auto g3 = day1();
  g3[1].trusted = 3;
  World w3 = make_world(g3);
  auto r3 = track_run(w3.s, w3.p, w3.inc, w3.sc, nullptr, nullptr);
  EXPECT_FALSE(r3.run.communities[1].review.has_value());
  EXPECT_TRUE(w3.sc.communities[1].suspect);
}

TEST(TrackingReviews, DissolvedFlaggedHydraIsRememberedAndRegrows) {
  World w1 = make_world(day1());
  auto r1 = track_run(w1.s, w1.p, w1.inc, w1.sc, nullptr, nullptr);
  // Day 2: the farm is gone (accounts and entities).
  World w2 = make_world({{"s", 8, {"pm:s"}, true}});
  auto r2 = track_run(w2.s, w2.p, w2.inc, w2.sc, &r1.run, nullptr);
  ASSERT_EQ(r2.match.ended.size(), 1u);
  EXPECT_EQ(r2.match.ended[0].event, HydraEvent::Dissolved);
  ASSERT_EQ(r2.run.dormant.size(), 1u);
  EXPECT_EQ(r2.run.dormant[0].hydra_id, "h-000001");
  EXPECT_EQ(r2.run.dormant[0].dissolved_run, 2u);
  // Day 3: new heads on the farm's card and proxy.
  World w3 = make_world({{"s", 8, {"pm:s"}, true}, {"head", 5, {"pm:f", "px:f"}, false}});
  auto r3 = track_run(w3.s, w3.p, w3.inc, w3.sc, &r2.run, nullptr);
  EXPECT_EQ(r3.run.communities[1].hydra_id, "h-000001");
  EXPECT_EQ(r3.match.tracks[1].event, HydraEvent::Regrown);
  EXPECT_TRUE(r3.match.tracks[1].from_dormant);
  EXPECT_TRUE(r3.run.dormant.empty());
  EXPECT_EQ(r3.run.communities[1].history.flagged_runs, 1u);  // its history came back with it
}

// docs/tracking.md, "A worked example", step by step.
TEST(TrackingReviews, WorkedExampleOfTheDocs) {
  // Day 1: an ordinary run (no tracking): what a folder without ids reads as.
  World w1 = make_world(day1());
  TrackedRun d1 = tracked_run_of(w1.s, w1.p, w1.inc, w1.sc);
  d1.name = "day1";
  // Day 2: the same communities; ids minted for day 1 carry over.
  World w2 = make_world(day1());
  auto r2 = track_run(w2.s, w2.p, w2.inc, w2.sc, &d1, nullptr);
  EXPECT_EQ(r2.run.communities[0].hydra_id, "h-000001");
  EXPECT_EQ(r2.run.communities[1].hydra_id, "h-000002");
  EXPECT_EQ(r2.match.tracks[0].event, HydraEvent::Same);
  EXPECT_EQ(r2.match.tracks[1].event, HydraEvent::Same);
  r2.run.name = "day2";
  // Day 3: the farm is banned; the service has a ninth key; the analyst trusts the service.
  const Reviews rv = read_reviews(write_reviews("worked.csv",
                                                "hydra_id,decision,note,by,at\n"
                                                "h-000002,trusted,\"sharded service, known\",ana,2026-02-21T09:00:00Z\n"));
  auto g3 = day1();
  g3[1].accounts = 9;
  World w3 = make_world(g3);
  {
    SnapshotBuilder b("day3");
    // The same world with the farm's accounts labelled banned.
    for (NodeId v = 0; v < w3.s.num_nodes(); ++v)
      b.add_node({}, w3.s.node_id(v), w3.s.node_type(v), w3.s.node_id(v)[0] == 'f' && w3.s.kind(v) == NodeKind::Account
                                                              ? Label::Banned
                                                              : w3.s.label(v),
                 kNoTime, {}, nullptr);
    for (EdgeId e = 0; e < w3.s.num_edges(); ++e)
      b.add_edge({}, w3.s.node_id(w3.s.edge_src(e)), w3.s.node_id(w3.s.edge_dst(e)), w3.s.edge_type(e), 1.0, kNoTime, kNoTime);
    w3.s = b.finish();
    w3.sc.details[0].banned = 10;
  }
  auto r3 = track_run(w3.s, w3.p, w3.inc, w3.sc, &r2.run, &rv);
  EXPECT_EQ(r3.match.tracks[0].event, HydraEvent::Same);
  EXPECT_EQ(r3.run.communities[0].banned, 10u);
  ASSERT_TRUE(r3.run.communities[1].review.has_value());
  EXPECT_TRUE(r3.run.communities[1].review->in_force);
  EXPECT_EQ(r3.run.communities[1].review->baseline_flagged, 8u);
  EXPECT_FALSE(w3.sc.communities[1].suspect);
  EXPECT_EQ(w3.sc.details[1].summary,
            "Not flagged: trusted by ana (2026-02-21T09:00:00Z) until it changes materially; the model alone flags 9 of "
            "its 9 accounts.");
  EXPECT_EQ(r3.reviews[0].status, "applied");
  r3.run.name = "day3";
  // Day 4: the banned accounts are gone; six heads on the farm's card and proxy.
  World w4 = make_world({{"s", 9, {"pm:s"}, true}, {"h", 6, {"pm:f", "px:f"}, false}});
  auto r4 = track_run(w4.s, w4.p, w4.inc, w4.sc, &r3.run, &rv);
  EXPECT_EQ(r4.run.communities[1].hydra_id, "h-000001");
  EXPECT_EQ(r4.match.tracks[1].event, HydraEvent::Regrown);
  EXPECT_TRUE(r4.match.tracks[1].after_ban);
  EXPECT_EQ(r4.match.tracks[1].new_heads, 6u);
  EXPECT_EQ(r4.match.tracks[1].shared_infrastructure, 2u);
  EXPECT_TRUE(r4.run.communities[0].review->in_force);
}

// --- bad review files ------------------------------------------------------------------------------------

void expect_error(const std::string& name, const std::string& text, const std::string& message) {
  const std::string path = write_reviews(name, text);
  try {
    (void)read_reviews(path);
    ADD_FAILURE() << name << ": no error";
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()), path + message) << name;
  }
}

TEST(TrackingReviewFile, BadFilesGiveLocatedErrors) {
  expect_error("empty.csv", "", ":1: empty file: a header row is required");
  expect_error("no_target.csv", "decision,by,at\ntrusted,ana,1\n",
               ":1: field \"hydra_id\": the header names no target column (hydra_id, account_id or entity_id)");
  expect_error("no_at.csv", "hydra_id,decision,by\nh-1,trusted,ana\n", ":1: field \"at\": the header has no \"at\" column (it is required)");
  expect_error("twice.csv", "hydra_id,decision,by,at,by\n", ":1: field \"by\": column appears twice in the header");
  expect_error("decision.csv", "hydra_id,decision,by,at\nh-1,trusted,ana,1\nh-2,trust,ana,1\n",
               ":3: review #1, field \"decision\": must be trusted, confirmed or ignore, got \"trust\"");
  expect_error("at.csv", "hydra_id,decision,by,at\nh-1,trusted,ana,yesterday\n",
               ":2: review #0, field \"at\": must be an RFC 3339 time (2026-02-20T09:30:00Z) or integer Unix seconds, got \"yesterday\"");
  expect_error("by.csv", "hydra_id,decision,by,at\nh-1,trusted,,1\n", ":2: review #0, field \"by\": is empty (who decided is required)");
  expect_error("two.csv", "hydra_id,account_id,decision,by,at\nh-1,a:1,trusted,ana,1\n",
               ":2: review #0, field \"account_id\": exactly one of hydra_id, account_id, entity_id must be filled, found 2");
  expect_error("hydra.csv", "hydra_id,decision,by,at\ncommunity-5,trusted,ana,1\n",
               ":2: review #0, field \"hydra_id\": not a hydra id (h- and digits, as in accounts.csv): \"community-5\"");
  expect_error("fields.csv", "hydra_id,decision,by,at\nh-1,trusted,ana\n", ":2: review #0: has 3 fields, the header has 4");
  expect_error("quote.csv", "hydra_id,decision,by,at,note\nh-1,trusted,ana,1,\"never closed\n",
               ":2: a quoted field is never closed");
  try {
    (void)read_reviews("/nonexistent/reviews.csv");
    ADD_FAILURE() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/reviews.csv: cannot open"), std::string::npos);
  }
}

TEST(TrackingReviewFile, GoodFileParses) {
  const Reviews r = read_reviews(write_reviews("good.csv",
                                               "\xEF\xBB\xBFnote,at,by,decision,entity_id,hydra_id,extra\r\n"
                                               "\"a, quoted \"\"note\"\"\",2026-02-21T09:00:00+01:00,ana,ignore,,h-000004,x\r\n"
                                               "\r\n"
                                               ",1771664400,bo,confirmed,ip:10.0.0.1,,y\r\n"));
  ASSERT_EQ(r.rows.size(), 2u);
  EXPECT_EQ(r.rows[0].target_kind, ReviewTarget::Hydra);
  EXPECT_EQ(r.rows[0].target, "h-000004");
  EXPECT_EQ(r.rows[0].note, "a, quoted \"note\"");
  EXPECT_EQ(r.rows[0].at, Timestamp{1771660800} * kMicrosPerSecond);
  EXPECT_EQ(r.rows[0].line, 2u);
  EXPECT_EQ(r.rows[1].target_kind, ReviewTarget::Entity);
  EXPECT_EQ(r.rows[1].decision, ReviewDecision::Confirmed);
  EXPECT_EQ(r.rows[1].line, 4u);
}

}  // namespace
}  // namespace hydrascope
