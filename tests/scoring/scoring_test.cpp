// Scoring: features against independent brute-force references, the gate
// (size and sharing alone never flag), explanations, account risk, determinism
// across thread counts, and every option / input error.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

#include "hydrascope/graph.hpp"
#include "hydrascope/scoring.hpp"
#include "scoring/test_world.hpp"

namespace hydrascope {
namespace {

const CommunityDetail* detail_of(const ScoringResult& r, std::uint64_t c) {
  const auto& cs = r.communities.at(c);
  return cs.detail == UINT32_MAX ? nullptr : &r.details[cs.detail];
}

double feature(const CommunityDetail& d, Feature f) { return d.features[static_cast<int>(f)]; }

class ScoringWorld : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    world_ = new testing::World(testing::make_world());
    incidence_ = new Incidence(build_incidence(world_->snapshot));
    result_ = new ScoringResult(score_snapshot(world_->snapshot, *incidence_, world_->partition));
  }
  static void TearDownTestSuite() {
    delete result_;
    delete incidence_;
    delete world_;
  }
  static testing::World* world_;
  static Incidence* incidence_;
  static ScoringResult* result_;
};
testing::World* ScoringWorld::world_ = nullptr;
Incidence* ScoringWorld::incidence_ = nullptr;
ScoringResult* ScoringWorld::result_ = nullptr;

TEST_F(ScoringWorld, HydraIsFlaggedWithSeveralGroupsAndExplained) {
  const auto& cs = result_->communities[world_->hydra_community];
  EXPECT_TRUE(cs.suspect);
  EXPECT_GE(cs.risk, 0.9);
  const auto* d = detail_of(*result_, world_->hydra_community);
  ASSERT_NE(d, nullptr);
  EXPECT_GE(d->fired_groups, 5);
  bool payment = false, proxy = false;
  for (const auto& f : d->fired) {
    EXPECT_FALSE(f.text.empty());
    if (f.feature == Feature::CardPoolShare) {
      payment = true;
      EXPECT_NE(f.text.find("pooled payment methods"), std::string::npos) << f.text;
      EXPECT_NE(f.text.find("accounts per payment method, snapshot p99 is 3"), std::string::npos) << f.text;
    }
    if (f.feature == Feature::ProxyShare) {
      proxy = true;
      EXPECT_NE(f.text.find("px:relay"), std::string::npos) << f.text;
    }
  }
  EXPECT_TRUE(payment);
  EXPECT_TRUE(proxy);
  EXPECT_NEAR(feature(*d, Feature::AccountsPerPayment), 40.0 / 3.0, 1e-12);
  // Cards h0 (14 accounts), h1 (13), h2 (13): the pool is the two besides the top one.
  EXPECT_NEAR(feature(*d, Feature::CardPoolShare), 26.0 / 40.0, 1e-12);
  EXPECT_EQ(d->pool_cards, 2u);
  EXPECT_DOUBLE_EQ(feature(*d, Feature::CoreAccounts), 40.0);
  // Devices h0..h3 run 10 accounts each: several pooled devices, so the top
  // one is one of the pool (unlike a company's one managed fingerprint).
  EXPECT_NEAR(feature(*d, Feature::DevicePoolShare), 1.0, 1e-12);
  EXPECT_EQ(d->pool_devices, 4u);
  EXPECT_GE(d->group_strength[static_cast<int>(SignalGroup::Device)], 0.5);
  EXPECT_LT(feature(*d, Feature::VolumeSpread), 0.2);
  EXPECT_TRUE(d->requirements_met);
  EXPECT_EQ(d->summary.rfind("Flagged: ", 0), 0u) << d->summary;
  EXPECT_NEAR(feature(*d, Feature::AccountsPerIp), 5.0, 1e-12);
  EXPECT_DOUBLE_EQ(feature(*d, Feature::DatacenterShare), 1.0);
  EXPECT_DOUBLE_EQ(feature(*d, Feature::ProxyShare), 1.0);
  EXPECT_DOUBLE_EQ(feature(*d, Feature::CreationBurst), 1.0);
  EXPECT_DOUBLE_EQ(feature(*d, Feature::IpPrefixShare), 1.0);
  EXPECT_EQ(d->top_ip_prefix, "198.51.100.0/24");
  // Every hydra account is suspect.
  for (const auto& id : world_->hydra) {
    const NodeId v = world_->snapshot.find_node(id);
    EXPECT_TRUE(result_->account_suspect[v]) << id;
  }
  ASSERT_FALSE(result_->ranking.empty());
  EXPECT_EQ(result_->ranking.front(), world_->hydra_community);
}

TEST_F(ScoringWorld, LookAlikesAreNotFlagged) {
  // Corporate: one card and one office IP for 40 accounts (two sharing groups at most).
  const auto& corp = result_->communities[world_->corporate_community];
  EXPECT_FALSE(corp.suspect) << corp.risk;
  const auto* d = detail_of(*result_, world_->corporate_community);
  ASSERT_NE(d, nullptr);
  EXPECT_DOUBLE_EQ(feature(*d, Feature::AccountsPerPayment), 40.0);
  // One card for everyone is a single payer, not a card pool: payment stays
  // silent; one managed device for everyone is not a device pool either.
  EXPECT_DOUBLE_EQ(feature(*d, Feature::CardPoolShare), 0.0);
  EXPECT_LT(d->group_strength[static_cast<int>(SignalGroup::Payment)], 0.5);
  EXPECT_DOUBLE_EQ(feature(*d, Feature::DevicePoolShare), 0.0);
  EXPECT_EQ(d->pool_devices, 0u);
  EXPECT_LT(d->group_strength[static_cast<int>(SignalGroup::Device)], 0.5);
  EXPECT_LT(d->fired_groups, 3);
  EXPECT_FALSE(d->requirements_met);
  EXPECT_EQ(d->summary.rfind("Not flagged: ", 0), 0u) << d->summary;
  // Carrier NAT: 200 strangers on one IP.
  const auto& nat = result_->communities[world_->carrier_community];
  EXPECT_FALSE(nat.suspect) << nat.risk;
  EXPECT_EQ(result_->suspect_communities, 1u);
  for (const auto& id : world_->corporate) EXPECT_FALSE(result_->account_suspect[world_->snapshot.find_node(id)]);
  for (const auto& id : world_->carrier) EXPECT_FALSE(result_->account_suspect[world_->snapshot.find_node(id)]);
}

TEST_F(ScoringWorld, RiskIsInUnitIntervalAndEntitiesHaveNone) {
  for (NodeId v = 0; v < world_->snapshot.num_nodes(); ++v) {
    EXPECT_GE(result_->account_risk[v], 0.0);
    EXPECT_LE(result_->account_risk[v], 1.0);
    if (world_->snapshot.kind(v) != NodeKind::Account) {
      EXPECT_EQ(result_->account_risk[v], 0.0);
    }
  }
  for (const auto& cs : result_->communities) {
    EXPECT_GE(cs.risk, 0.0);
    EXPECT_LE(cs.risk, 1.0);
    EXPECT_EQ(cs.suspect, cs.risk >= result_->threshold);
  }
}

// Synchrony from the sum of standardised vectors equals the mean over all
// pairs of Pearson correlations computed pair by pair.
TEST_F(ScoringWorld, SynchronyMatchesPairwiseReference) {
  ScoringOptions o;
  o.detrend = false;
  const ScoringResult r = score_snapshot(world_->snapshot, *incidence_, world_->partition, {}, o);
  for (std::uint64_t c : {world_->hydra_community, world_->corporate_community}) {
    std::vector<std::vector<double>> vecs;
    for (NodeId v = 0; v < world_->snapshot.num_nodes(); ++v) {
      if (world_->partition.membership[v] != c || world_->snapshot.kind(v) != NodeKind::Account) continue;
      std::vector<double> x(168, 0.0);
      const auto b = world_->snapshot.activity_buckets(v);
      const auto val = world_->snapshot.activity_values(v);
      for (std::size_t i = 0; i < b.size(); ++i) x[b[i]] = val[i];
      vecs.push_back(x);
    }
    double sum = 0.0, pairs = 0.0;
    for (std::size_t i = 0; i < vecs.size(); ++i)
      for (std::size_t j = i + 1; j < vecs.size(); ++j) {
        const auto& a = vecs[i];
        const auto& bb = vecs[j];
        const double ma = std::accumulate(a.begin(), a.end(), 0.0) / 168, mb = std::accumulate(bb.begin(), bb.end(), 0.0) / 168;
        double sab = 0, saa = 0, sbb = 0;
        for (int t = 0; t < 168; ++t) {
          sab += (a[t] - ma) * (bb[t] - mb);
          saa += (a[t] - ma) * (a[t] - ma);
          sbb += (bb[t] - mb) * (bb[t] - mb);
        }
        sum += sab / std::sqrt(saa * sbb);
        pairs += 1;
      }
    const auto* d = detail_of(r, c);
    ASSERT_NE(d, nullptr);
    EXPECT_NEAR(feature(*d, Feature::Synchrony), sum / pairs, 1e-9);
  }
}

TEST_F(ScoringWorld, VolumeCvMatchesDefinition) {
  const auto* d = detail_of(*result_, world_->corporate_community);
  std::vector<double> vol;
  for (const auto& id : world_->corporate) vol.push_back(world_->snapshot.activity_total(world_->snapshot.find_node(id)));
  const double mean = std::accumulate(vol.begin(), vol.end(), 0.0) / vol.size();
  double var = 0;
  for (double v : vol) var += (v - mean) * (v - mean);
  var /= vol.size();
  EXPECT_NEAR(feature(*d, Feature::VolumeCv), std::sqrt(var) / mean, 1e-9);
}

TEST_F(ScoringWorld, SameResultForAnyThreadCount) {
  for (int threads : {1, 2, 3}) {
    ScoringOptions o;
    o.threads = threads;
    const ScoringResult r = score_snapshot(world_->snapshot, *incidence_, world_->partition, {}, o);
    ASSERT_EQ(r.account_risk, result_->account_risk) << threads;
    ASSERT_EQ(r.details.size(), result_->details.size());
    for (std::size_t i = 0; i < r.details.size(); ++i) {
      for (int f = 0; f < kNumFeatures; ++f) {
        const double a = r.details[i].features[f], b = result_->details[i].features[f];
        EXPECT_TRUE((std::isnan(a) && std::isnan(b)) || a == b);
      }
    }
    EXPECT_EQ(r.ranking, result_->ranking);
  }
}

TEST_F(ScoringWorld, OneSignalAloneNeverFlags) {
  // Even with every other group silenced (min_groups default 3), a community
  // that fires only payment + ip_pool cannot reach the threshold.
  for (const auto& d : result_->details) {
    if (d.fired_groups < 3) {
      EXPECT_LT(result_->communities[d.community].risk, result_->threshold);
    }
  }
}

TEST_F(ScoringWorld, SeedsRaiseNeighbours) {
  // Label one carrier account banned and give the scorer a PPR vector peaked there.
  std::vector<double> ppr(world_->snapshot.num_nodes(), 1e-9);
  const NodeId v = world_->snapshot.find_node(world_->carrier.front());
  ppr[v] = 0.5;
  ScoringInputs in;
  in.ppr = ppr;
  const ScoringResult r = score_snapshot(world_->snapshot, *incidence_, world_->partition, in);
  EXPECT_GT(r.account_risk[v], result_->account_risk[v]);
  EXPECT_LE(r.account_risk[v], 1.0);
}

// Ordinary accounts put into a farm's community, tied to it by nothing of
// its own, stay outside the core: features are the farm's, and they keep
// only a fifth of the community's risk.
TEST_F(ScoringWorld, AccountsOutsideTheCoreAreNotFlagged) {
  Partition p = world_->partition;
  std::vector<NodeId> strays;
  for (int i = 0; i < 5; ++i) {
    const NodeId v = world_->snapshot.find_node("a:bg" + std::to_string(i));
    ASSERT_NE(v, kInvalidNode);
    p.membership[v] = static_cast<CommunityId>(world_->hydra_community);
    strays.push_back(v);
  }
  const ScoringResult r = score_snapshot(world_->snapshot, *incidence_, p);
  const auto* d = detail_of(r, world_->hydra_community);
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(r.communities[world_->hydra_community].accounts, 45u);
  EXPECT_EQ(d->core, 40u);
  EXPECT_DOUBLE_EQ(feature(*d, Feature::ProxyShare), 1.0);  // on the core, not diluted to 40 / 45
  EXPECT_TRUE(r.communities[world_->hydra_community].suspect);
  for (NodeId v : strays) {
    EXPECT_EQ(r.account_evidence[v], 0.0f);
    EXPECT_NEAR(r.account_risk[v], 0.2 * r.communities[world_->hydra_community].risk, 1e-12);
    EXPECT_FALSE(r.account_suspect[v]);
  }
  for (const auto& id : world_->hydra) EXPECT_TRUE(r.account_suspect[world_->snapshot.find_node(id)]) << id;
}

// Explanations name every fired group, and every fired signal carries its value.
TEST_F(ScoringWorld, ExplanationsNameTheFiredSignals) {
  for (const auto& d : result_->details) {
    for (int g = 0; g < kNumSignalGroups; ++g) {
      if (d.group_strength[g] < 0.5) continue;
      const auto name = std::string(to_string(static_cast<SignalGroup>(g)));
      EXPECT_NE(d.summary.find(name), std::string::npos) << d.summary;
      bool has_signal = false;
      for (const auto& f : d.fired)
        if (static_cast<int>(group_of(f.feature)) == g) {
          has_signal = true;
          EXPECT_FALSE(f.text.empty());
          EXPECT_GE(f.strength, 0.5);
        }
      EXPECT_TRUE(has_signal) << name;
    }
    for (const auto& f : d.fired) EXPECT_GE(d.group_strength[static_cast<int>(group_of(f.feature))], 0.5);
  }
}

// The combination never decreases when one group's strength grows, whatever
// the others are (a 3-level grid over all 8 groups, each group stepped 0 -> 1).
TEST(Scoring, CombinationIsMonotoneInEverySignal) {
  const ScoringOptions o;
  const double levels[3] = {0.0, 0.49, 1.0};
  std::array<double, kNumSignalGroups> s{};
  for (int code = 0; code < 6561; ++code) {  // 3^8
    int x = code;
    for (int g = 0; g < kNumSignalGroups; ++g, x /= 3) s[g] = levels[x % 3];
    const double base = combine_groups(s, o).risk;
    ASSERT_GE(base, 0.0);
    ASSERT_LE(base, 1.0);
    for (int g = 0; g < kNumSignalGroups; ++g) {
      auto t = s;
      for (double up : {0.5, 0.75, 1.0}) {
        if (up < t[g]) continue;
        t[g] = up;
        ASSERT_GE(combine_groups(t, o).risk, base) << "group " << g << " code " << code;
      }
    }
  }
}

// No single group, and no set of groups missing balance or an acquisition
// signal, reaches the threshold; sharing alone (payment + ip_pool + proxy)
// flags nothing.
TEST(Scoring, SingleSignalOrSharingAloneNeverFlags) {
  const ScoringOptions o;
  for (int g = 0; g < kNumSignalGroups; ++g) {
    std::array<double, kNumSignalGroups> s{};
    s[g] = 1.0;
    EXPECT_LT(combine_groups(s, o).risk, o.threshold) << g;
  }
  std::array<double, kNumSignalGroups> sharing{};
  for (SignalGroup g : {SignalGroup::Payment, SignalGroup::IpPool, SignalGroup::Proxy, SignalGroup::Synchrony,
                        SignalGroup::Burst, SignalGroup::Pivot, SignalGroup::Seed})
    sharing[static_cast<int>(g)] = 1.0;
  EXPECT_LT(combine_groups(sharing, o).risk, o.threshold) << "no balance";
  std::array<double, kNumSignalGroups> service{};
  for (SignalGroup g : {SignalGroup::IpPool, SignalGroup::Synchrony, SignalGroup::Balance, SignalGroup::Pivot})
    service[static_cast<int>(g)] = 1.0;
  EXPECT_LT(combine_groups(service, o).risk, o.threshold) << "no acquisition signal";
  auto hydra = service;
  hydra[static_cast<int>(SignalGroup::Proxy)] = 1.0;
  const auto c = combine_groups(hydra, o);
  EXPECT_TRUE(c.requirements_met);
  EXPECT_GE(c.risk, 0.9);
}

// Same input, same options: byte-identical results, run after run.
TEST_F(ScoringWorld, RepeatedRunsAreIdentical) {
  const ScoringResult r = score_snapshot(world_->snapshot, *incidence_, world_->partition);
  EXPECT_EQ(r.account_risk, result_->account_risk);
  ASSERT_EQ(r.details.size(), result_->details.size());
  for (std::size_t i = 0; i < r.details.size(); ++i) {
    EXPECT_EQ(r.details[i].summary, result_->details[i].summary);
    ASSERT_EQ(r.details[i].fired.size(), result_->details[i].fired.size());
    for (std::size_t j = 0; j < r.details[i].fired.size(); ++j)
      EXPECT_EQ(r.details[i].fired[j].text, result_->details[i].fired[j].text);
  }
}

TEST(Scoring, OptionsAreValidated) {
  ScoringOptions o;
  o.threshold = 0.0;
  EXPECT_THROW(o.validate(), std::invalid_argument);
  o = {};
  o.min_groups = kNumSignalGroups + 1;
  EXPECT_THROW(o.validate(), std::invalid_argument);
  o.min_groups = kNumSignalGroups;
  EXPECT_NO_THROW(o.validate());
  o = {};
  o.min_accounts = 1;
  EXPECT_THROW(o.validate(), std::invalid_argument);
  o = {};
  o.burst_window_seconds = 0;
  EXPECT_THROW(o.validate(), std::invalid_argument);
  o = {};
  o.z_full = o.z_start;
  EXPECT_THROW(o.validate(), std::invalid_argument);
  o = {};
  o.band_bounds = {3, 3};
  EXPECT_THROW(o.validate(), std::invalid_argument);
  o = {};
  o.threads = -1;
  EXPECT_THROW(o.validate(), std::invalid_argument);
  EXPECT_NO_THROW(ScoringOptions{}.validate());
}

TEST(Scoring, MismatchedInputsThrow) {
  const auto w = testing::make_world();
  const Incidence inc = build_incidence(w.snapshot);
  Partition p = w.partition;
  p.membership.pop_back();
  EXPECT_THROW((void)score_snapshot(w.snapshot, inc, p), std::invalid_argument);
  std::vector<double> ppr(3, 0.0);
  ScoringInputs in;
  in.ppr = ppr;
  EXPECT_THROW((void)score_snapshot(w.snapshot, inc, w.partition, in), std::invalid_argument);
}

TEST(Scoring, EmptySnapshotGivesEmptyResult) {
  SnapshotBuilder b("empty");
  const Snapshot s = b.finish();
  const Incidence inc = build_incidence(s);
  const ScoringResult r = score_snapshot(s, inc, Partition{});
  EXPECT_TRUE(r.communities.empty());
  EXPECT_TRUE(r.details.empty());
  EXPECT_EQ(r.suspect_accounts, 0u);
}

TEST(Scoring, NoActivityLeavesActivityFeaturesUndefined) {
  // Star: 5 accounts on one card, no activity, no creation times.
  SnapshotBuilder b("star");
  RecordRef ref;
  b.add_node(ref, "pm:1", "payment_method", Label::Unknown, kNoTime, {}, nullptr);
  for (int i = 0; i < 5; ++i) {
    b.add_node(ref, "a:" + std::to_string(i), "account", Label::Unknown, kNoTime, {}, nullptr);
    b.add_edge(ref, "a:" + std::to_string(i), "pm:1", "paid_with", 1.0 + i, kNoTime, kNoTime);
  }
  const Snapshot s = b.finish();
  const Incidence inc = build_incidence(s);
  const Partition p = canonicalize(std::vector<std::uint64_t>(6, 0));
  const ScoringResult r = score_snapshot(s, inc, p);
  ASSERT_EQ(r.details.size(), 1u);
  const auto& d = r.details[0];
  EXPECT_TRUE(std::isnan(feature(d, Feature::Synchrony)));
  EXPECT_TRUE(std::isnan(feature(d, Feature::Pivot)));
  EXPECT_TRUE(std::isnan(feature(d, Feature::CreationBurst)));
  EXPECT_DOUBLE_EQ(feature(d, Feature::AccountsPerPayment), 5.0);
  // Volumes fall back to edge weights 1..5.
  const double mean = 3.0, sd = std::sqrt(2.0);
  EXPECT_NEAR(feature(d, Feature::VolumeCv), sd / mean, 1e-12);
  EXPECT_DOUBLE_EQ(feature(d, Feature::Density), 5.0 / 15.0);
  EXPECT_DOUBLE_EQ(feature(d, Feature::Conductance), 0.0);
  EXPECT_FALSE(r.communities[0].suspect);
}

TEST(Scoring, FormatNumber) {
  EXPECT_EQ(format_number(31.0), "31");
  EXPECT_EQ(format_number(13.3333), "13.3");
  EXPECT_EQ(format_number(0.8234), "0.82");
  EXPECT_EQ(format_number(std::nan("")), "n/a");
}

}  // namespace
}  // namespace hydrascope

namespace hydrascope {
namespace {

// A community holding two proxies' clienteles (30 accounts behind px:farm,
// 20 behind px:agg, 5 behind neither) is split by proxy; a community behind
// one proxy is left alone; entities follow their accounts.
// An IP and one other group never flag an account (a VPN user in a farm's
// core); an IP with two other groups, or two groups without an IP, follow the
// plain rule community_risk x (0.2 + 0.8 x evidence).
TEST(Scoring, AnIpAndOneOtherGroupNeverFlagAnAccount) {
  auto bit = [](SignalGroup g) { return 1u << static_cast<int>(g); };
  const unsigned ip = bit(SignalGroup::IpPool);
  const double threshold = ScoringOptions{}.threshold;
  for (const SignalGroup other : {SignalGroup::Payment, SignalGroup::Proxy, SignalGroup::Synchrony,
                                  SignalGroup::Balance, SignalGroup::Burst, SignalGroup::Pivot, SignalGroup::Seed}) {
    for (const double e : {0.3, 0.5, 0.8, 1.0}) {
      const double r = account_community_risk(1.0, e, ip | bit(other), threshold);
      EXPECT_LT(r, threshold) << static_cast<int>(other) << " e=" << e;
      EXPECT_LE(r, 0.2 + 0.8 * e + 1e-12);
      EXPECT_DOUBLE_EQ(account_community_risk(1.0, e, bit(other) | bit(SignalGroup::Balance), threshold),
                       0.2 + 0.8 * e);
    }
    EXPECT_LT(account_community_risk(1.0, 1.0, ip, threshold), threshold);
  }
  EXPECT_DOUBLE_EQ(account_community_risk(0.9, 0.5, ip | bit(SignalGroup::Payment) | bit(SignalGroup::Balance), threshold),
                   0.9 * 0.6);
  EXPECT_GE(account_community_risk(1.0, 0.5, ip | bit(SignalGroup::Payment) | bit(SignalGroup::Balance), threshold),
            threshold);
  EXPECT_DOUBLE_EQ(account_community_risk(0.0, 1.0, ip, threshold), 0.0);
}

// A literal snapshot and the partition its nodes were put in, for the split
// and balance tests below.
struct Tiny {
  explicit Tiny(const std::string& name, std::uint32_t buckets = 0) : b(name) {
    if (buckets == 0) return;
    SnapshotMeta meta;
    meta.id = name;
    meta.activity.start = 0;
    meta.activity.bucket_seconds = 3600;
    meta.activity.buckets = buckets;
    b.set_meta(meta);
  }
  void node(const std::string& id, const std::string& type, std::uint64_t community,
            const std::vector<double>* activity = nullptr) {
    b.add_node(ref, id, type, Label::Unknown, kNoTime, {}, activity);
    labels.push_back(community);
  }
  void edge(const std::string& from, const std::string& to, const char* type) {
    b.add_edge(ref, from, to, type, 1.0, kNoTime, kNoTime);
  }
  SnapshotBuilder b;
  RecordRef ref;
  std::vector<std::uint64_t> labels;
};

TEST(Scoring, SplitByProxySeparatesClienteles) {
  Tiny w("split");
  w.node("px:farm", "proxy", 0);
  w.node("px:agg", "proxy", 0);
  w.node("px:solo", "proxy", 1);
  w.node("pm:farm", "payment_method", 0);
  for (int i = 0; i < 30; ++i) w.node("a:f" + std::to_string(i), "account", 0);
  for (int i = 0; i < 20; ++i) w.node("a:g" + std::to_string(i), "account", 0);
  for (int i = 0; i < 5; ++i) w.node("a:n" + std::to_string(i), "account", 0);
  for (int i = 0; i < 30; ++i) w.node("a:s" + std::to_string(i), "account", 1);
  for (int i = 0; i < 30; ++i) {
    w.edge("a:f" + std::to_string(i), "px:farm", "via_proxy");
    w.edge("a:f" + std::to_string(i), "pm:farm", "paid_with");
  }
  // Three farm accounts also use the aggregator: they stay with the bigger proxy.
  for (int i = 0; i < 3; ++i) w.edge("a:f" + std::to_string(i), "px:agg", "via_proxy");
  for (int i = 0; i < 20; ++i) w.edge("a:g" + std::to_string(i), "px:agg", "via_proxy");
  for (int i = 0; i < 5; ++i) w.edge("a:n" + std::to_string(i), "a:f0", "rates");
  for (int i = 0; i < 30; ++i) w.edge("a:s" + std::to_string(i), "px:solo", "via_proxy");
  const Snapshot s = w.b.finish();
  const Partition p = canonicalize(w.labels);
  const Incidence inc = build_incidence(s);
  const Partition q = split_hub_communities(s, inc, p);
  auto c = [&](const Partition& part, const char* id) { return part.membership[s.find_node(id)]; };
  // Before: one community of 55 accounts. After: farm, aggregator and the rest apart.
  ASSERT_EQ(c(p, "a:f0"), c(p, "a:g0"));
  EXPECT_NE(c(q, "a:f0"), c(q, "a:g0"));
  EXPECT_NE(c(q, "a:f0"), c(q, "a:n0"));
  EXPECT_NE(c(q, "a:g0"), c(q, "a:n0"));
  for (int i = 0; i < 30; ++i) EXPECT_EQ(c(q, ("a:f" + std::to_string(i)).c_str()), c(q, "a:f0"));
  for (int i = 0; i < 20; ++i) EXPECT_EQ(c(q, ("a:g" + std::to_string(i)).c_str()), c(q, "a:g0"));
  EXPECT_EQ(c(q, "px:farm"), c(q, "a:f0"));   // all its accounts went with the farm
  EXPECT_EQ(c(q, "pm:farm"), c(q, "a:f0"));
  EXPECT_EQ(c(q, "px:agg"), c(q, "a:n0"));    // used by both pieces: stays
  EXPECT_EQ(q.num_communities, p.num_communities + 2);
  // The one-proxy community is untouched, and splitting is idempotent.
  for (int i = 0; i < 30; ++i) EXPECT_EQ(c(q, ("a:s" + std::to_string(i)).c_str()), c(q, "px:solo"));
  const Partition r = split_hub_communities(s, inc, q);
  EXPECT_EQ(r.membership, q.membership);
}

// A community that holds a farm (15 accounts on a card pool and an IP pool),
// a company (12 accounts on one card and one office IP) and 20 strangers, all
// glued by one popular fingerprint, is split into farm, company and the
// rest: the fingerprint ties nobody (its accounts here are mostly untied).
// A community with one tied group is untouched; splitting is idempotent.
TEST(Scoring, SplitByTiesSeparatesGroupsThatShareNothing) {
  Tiny w("ties");
  w.node("dev:popular", "device", 0);
  for (int k = 0; k < 3; ++k) w.node("pm:farm" + std::to_string(k), "payment_method", 0);
  for (int k = 0; k < 2; ++k) w.node("ip:farm" + std::to_string(k), "ip", 0);
  w.node("pm:corp", "payment_method", 0);
  w.node("ip:office", "ip", 0);
  w.node("pm:solo", "payment_method", 1);
  w.node("ip:solo", "ip", 1);
  for (int i = 0; i < 15; ++i) w.node("a:f" + std::to_string(i), "account", 0);
  for (int i = 0; i < 12; ++i) w.node("a:c" + std::to_string(i), "account", 0);
  for (int i = 0; i < 20; ++i) w.node("a:x" + std::to_string(i), "account", 0);
  for (int i = 0; i < 30; ++i) w.node("a:s" + std::to_string(i), "account", 1);
  for (int i = 0; i < 15; ++i) {
    const std::string a = "a:f" + std::to_string(i);
    w.edge(a, "pm:farm" + std::to_string(i % 3), "paid_with");
    w.edge(a, "ip:farm" + std::to_string(i % 2), "uses_ip");
    w.edge(a, "dev:popular", "uses_device");
  }
  for (int i = 0; i < 12; ++i) {
    const std::string a = "a:c" + std::to_string(i);
    w.edge(a, "pm:corp", "paid_with");
    w.edge(a, "ip:office", "uses_ip");
    w.edge(a, "dev:popular", "uses_device");
  }
  for (int i = 0; i < 20; ++i) w.edge("a:x" + std::to_string(i), "dev:popular", "uses_device");
  // One stranger also uses the office IP: it goes with the company.
  w.edge("a:x0", "ip:office", "uses_ip");
  for (int i = 0; i < 30; ++i) {
    w.edge("a:s" + std::to_string(i), "pm:solo", "paid_with");
    w.edge("a:s" + std::to_string(i), "ip:solo", "uses_ip");
  }
  const Snapshot s = w.b.finish();
  const Partition p = canonicalize(w.labels);
  const Incidence inc = build_incidence(s);
  const Partition q = split_tied_groups(s, inc, p);
  auto c = [&](const Partition& part, const std::string& id) { return part.membership[s.find_node(id)]; };
  ASSERT_EQ(c(p, "a:f0"), c(p, "a:c0"));
  EXPECT_NE(c(q, "a:f0"), c(q, "a:c0"));
  EXPECT_NE(c(q, "a:f0"), c(q, "a:x1"));
  EXPECT_NE(c(q, "a:c0"), c(q, "a:x1"));
  for (int i = 0; i < 15; ++i) EXPECT_EQ(c(q, "a:f" + std::to_string(i)), c(q, "a:f0"));
  for (int i = 0; i < 12; ++i) EXPECT_EQ(c(q, "a:c" + std::to_string(i)), c(q, "a:c0"));
  for (int i = 1; i < 20; ++i) EXPECT_EQ(c(q, "a:x" + std::to_string(i)), c(q, "a:x1"));
  EXPECT_EQ(c(q, "a:x0"), c(q, "a:c0"));
  EXPECT_EQ(c(q, "pm:farm0"), c(q, "a:f0"));  // entities follow their accounts
  EXPECT_EQ(c(q, "ip:office"), c(q, "a:c0"));
  EXPECT_EQ(c(q, "dev:popular"), c(q, "a:x1"));  // used by every piece: stays
  EXPECT_EQ(q.num_communities, p.num_communities + 2);
  for (int i = 0; i < 30; ++i) EXPECT_EQ(c(q, "a:s" + std::to_string(i)), c(q, "pm:solo"));
  EXPECT_EQ(split_tied_groups(s, inc, q).membership, q.membership);
}

// One proxy's clientele (25 accounts behind px:agg) that is a minority of its
// community (60 more accounts on a card pool, no proxy) is cut out; a
// community that is one proxy's clientele is not.
TEST(Scoring, SplitByProxyCutsOutAMinorityClientele) {
  Tiny w("one-proxy");
  w.node("px:agg", "proxy", 0);
  w.node("px:solo", "proxy", 1);
  for (int k = 0; k < 4; ++k) w.node("pm:pool" + std::to_string(k), "payment_method", 0);
  for (int i = 0; i < 25; ++i) w.node("a:g" + std::to_string(i), "account", 0);
  for (int i = 0; i < 60; ++i) w.node("a:f" + std::to_string(i), "account", 0);
  for (int i = 0; i < 30; ++i) w.node("a:s" + std::to_string(i), "account", 1);
  for (int i = 0; i < 25; ++i) w.edge("a:g" + std::to_string(i), "px:agg", "via_proxy");
  for (int i = 0; i < 60; ++i) w.edge("a:f" + std::to_string(i), "pm:pool" + std::to_string(i % 4), "paid_with");
  for (int i = 0; i < 30; ++i) w.edge("a:s" + std::to_string(i), "px:solo", "via_proxy");
  const Snapshot s = w.b.finish();
  const Partition p = canonicalize(w.labels);
  const Incidence inc = build_incidence(s);
  const Partition q = split_hub_communities(s, inc, p);
  auto c = [&](const Partition& part, const std::string& id) { return part.membership[s.find_node(id)]; };
  ASSERT_EQ(c(p, "a:g0"), c(p, "a:f0"));
  EXPECT_NE(c(q, "a:g0"), c(q, "a:f0"));
  for (int i = 0; i < 25; ++i) EXPECT_EQ(c(q, "a:g" + std::to_string(i)), c(q, "a:g0"));
  for (int i = 0; i < 60; ++i) EXPECT_EQ(c(q, "a:f" + std::to_string(i)), c(q, "a:f0"));
  EXPECT_EQ(c(q, "px:agg"), c(q, "a:g0"));    // all its accounts went with the clientele
  EXPECT_EQ(c(q, "pm:pool0"), c(q, "a:f0"));
  for (int i = 0; i < 30; ++i) EXPECT_EQ(c(q, "a:s" + std::to_string(i)), c(q, "px:solo"));
  EXPECT_EQ(q.num_communities, p.num_communities + 1);
  EXPECT_EQ(split_hub_communities(s, inc, q).membership, q.membership);
}

// Balance needs more than a tight middle half: 40 accounts on a card pool
// whose middle 24 carry exactly 1,000 requests each (MAD 0) but whose 8
// lowest carry 10 and 8 highest 100,000 are not balanced (the 20-80 % range
// sees the tails); 40 accounts within +-10 % of 1,000 are.
TEST(Scoring, VolumeSpreadSeesTailsBehindATightMiddle) {
  auto spread_of = [](const std::vector<double>& volumes) {
    Tiny w("spread", 24);
    for (int k = 0; k < 4; ++k) w.node("pm:" + std::to_string(k), "payment_method", 0);
    w.node("ip:198.51.100.1", "ip", 0);
    for (std::size_t i = 0; i < volumes.size(); ++i) {
      std::vector<double> act(24, 0.0);
      act[i % 24] = volumes[i];
      const std::string a = "a:" + std::to_string(i);
      w.node(a, "account", 0, &act);
      w.edge(a, "pm:" + std::to_string(i % 4), "paid_with");
      w.edge(a, "ip:198.51.100.1", "uses_ip");
    }
    const Snapshot s = w.b.finish();
    const Incidence inc = build_incidence(s);
    const ScoringResult r = score_snapshot(s, inc, canonicalize(w.labels));
    const auto* d = detail_of(r, 0);
    return d == nullptr ? -1.0 : feature(*d, Feature::VolumeSpread);
  };
  std::vector<double> tails(8, 10.0), even;
  tails.insert(tails.end(), 24, 1000.0);
  tails.insert(tails.end(), 8, 100000.0);
  for (int i = 0; i < 40; ++i) even.push_back(900.0 + 5.0 * i);
  const double wide = spread_of(tails), tight = spread_of(even);
  // 20-80 % range: P20 = 802, P80 = 20,800 -> sigma ln(25.9) / 1.683 = 1.93, x (1 + 2.5 / sqrt(40)).
  EXPECT_NEAR(wide, std::log(20800.0 / 802.0) / (2.0 * 0.8416) * (1.0 + 2.5 / std::sqrt(40.0)), 1e-9);
  EXPECT_GT(wide, 0.9);
  EXPECT_GT(tight, 0.0);
  EXPECT_LT(tight, 0.9);
}

// Balance is measured on the largest group of tied accounts: a farm of 40
// (balanced, on 4 cards and 3 IPs) and 30 VPN users (heavy-tailed volumes,
// each on two of six exits) in one community: the volume spread is the
// farm's alone.
TEST(Scoring, BalanceIsMeasuredOnTheLargestTiedGroup) {
  Tiny w("tied-group", 24);
  for (int k = 0; k < 4; ++k) w.node("pm:farm" + std::to_string(k), "payment_method", 0);
  for (int k = 0; k < 3; ++k) w.node("ip:farm" + std::to_string(k), "ip", 0);
  for (int k = 0; k < 6; ++k) w.node("ip:vpn" + std::to_string(k), "ip", 0);
  std::vector<double> act(24, 0.0);
  for (int i = 0; i < 40; ++i) {
    act.assign(24, 0.0);
    act[i % 24] = 1000.0 + 10.0 * i;
    const std::string a = "a:f" + std::to_string(i);
    w.node(a, "account", 0, &act);
    w.edge(a, "pm:farm" + std::to_string(i % 4), "paid_with");
    w.edge(a, "ip:farm" + std::to_string(i % 3), "uses_ip");
  }
  for (int i = 0; i < 30; ++i) {
    act.assign(24, 0.0);
    act[i % 24] = std::exp(2.0 + 0.3 * i);  // 7 .. 45,000 requests
    const std::string a = "a:v" + std::to_string(i);
    w.node(a, "account", 0, &act);
    w.edge(a, "ip:vpn" + std::to_string(i % 6), "uses_ip");
    w.edge(a, "ip:vpn" + std::to_string((i + 1) % 6), "uses_ip");
  }
  const Snapshot s = w.b.finish();
  const Incidence inc = build_incidence(s);
  const ScoringResult r = score_snapshot(s, inc, canonicalize(w.labels));
  const auto* d = detail_of(r, 0);
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->core, 70u);  // everyone is tied (two own entities each)
  std::vector<double> farm;
  for (int i = 0; i < 40; ++i) farm.push_back(std::log(1000.0 + 10.0 * i));
  const double med = (farm[19] + farm[20]) / 2.0;
  std::vector<double> dev;
  for (double x : farm) dev.push_back(std::fabs(x - med));
  std::sort(dev.begin(), dev.end());
  const double mad_sigma = 1.4826 * (dev[19] + dev[20]) / 2.0;
  const double range_sigma = std::log((1000.0 + 10.0 * 31.2) / (1000.0 + 10.0 * 7.8)) / (2.0 * 0.8416);
  EXPECT_NEAR(feature(*d, Feature::VolumeSpread), std::max(mad_sigma, range_sigma) * (1.0 + 2.5 / std::sqrt(40.0)), 1e-9);
  EXPECT_LT(feature(*d, Feature::VolumeSpread), 0.9);
}

// A farm of 24 accounts (4 cards, 3 IPs, 2 devices of its own) inside an
// aggregator's clientele of 110 (one proxy, each customer on one of 3 egress
// IPs); 4 farm accounts also go through the aggregator's proxy and an egress
// IP, which ties the farm to the customers for the two splits above. A star
// of 6 accounts on one more farm IP, two of them on a farm device, hangs on
// the farm. The farm and its star are cut out; the customers stay; a
// community that is one farm is untouched; splitting is idempotent.
TEST(Scoring, SplitBySeparationCutsASmallFarmOutOfAnAggregator) {
  Tiny w("separated");
  w.node("px:agg", "proxy", 0);
  for (int k = 0; k < 3; ++k) w.node("ip:egress" + std::to_string(k), "ip", 0);
  for (int k = 0; k < 4; ++k) w.node("pm:farm" + std::to_string(k), "payment_method", 0);
  for (int k = 0; k < 3; ++k) w.node("ip:farm" + std::to_string(k), "ip", 0);
  for (int k = 0; k < 2; ++k) w.node("dev:farm" + std::to_string(k), "device", 0);
  w.node("ip:star", "ip", 0);
  for (int k = 0; k < 3; ++k) w.node("pm:solo" + std::to_string(k), "payment_method", 1);
  for (int i = 0; i < 110; ++i) w.node("a:g" + std::to_string(i), "account", 0);
  for (int i = 0; i < 24; ++i) w.node("a:f" + std::to_string(i), "account", 0);
  for (int i = 0; i < 6; ++i) w.node("a:h" + std::to_string(i), "account", 0);
  for (int i = 0; i < 30; ++i) w.node("a:s" + std::to_string(i), "account", 1);
  for (int i = 0; i < 110; ++i) {
    w.edge("a:g" + std::to_string(i), "px:agg", "via_proxy");
    w.edge("a:g" + std::to_string(i), "ip:egress" + std::to_string(i % 3), "uses_ip");
  }
  for (int i = 0; i < 24; ++i) {
    const std::string a = "a:f" + std::to_string(i);
    w.edge(a, "pm:farm" + std::to_string(i % 4), "paid_with");
    w.edge(a, "ip:farm" + std::to_string(i % 3), "uses_ip");
    w.edge(a, "dev:farm" + std::to_string(i % 2), "uses_device");
  }
  for (int i = 0; i < 4; ++i) {
    w.edge("a:f" + std::to_string(i), "px:agg", "via_proxy");
    w.edge("a:f" + std::to_string(i), "ip:egress" + std::to_string(i % 3), "uses_ip");
  }
  for (int i = 0; i < 6; ++i) w.edge("a:h" + std::to_string(i), "ip:star", "uses_ip");
  for (int i = 0; i < 2; ++i) w.edge("a:h" + std::to_string(i), "dev:farm" + std::to_string(i), "uses_device");
  for (int i = 0; i < 30; ++i) {  // one well-knit farm alone in its community
    w.edge("a:s" + std::to_string(i), "pm:solo" + std::to_string(i % 3), "paid_with");
    w.edge("a:s" + std::to_string(i), "pm:solo" + std::to_string((i + 1) % 3), "paid_with");
  }
  const Snapshot s = w.b.finish();
  const Partition p = canonicalize(w.labels);
  const Incidence inc = build_incidence(s);
  // The first two splits leave it whole: the proxy holds 114 of 140 accounts (over 80 %),
  // and the tied accounts form one group.
  const Partition first = split_tied_groups(s, inc, split_hub_communities(s, inc, p));
  EXPECT_EQ(first.membership, p.membership);
  const Partition q = split_separated_groups(s, inc, p);
  auto c = [&](const Partition& part, const std::string& id) { return part.membership[s.find_node(id)]; };
  ASSERT_EQ(c(p, "a:f0"), c(p, "a:g0"));
  EXPECT_NE(c(q, "a:f0"), c(q, "a:g0"));
  for (int i = 0; i < 24; ++i) EXPECT_EQ(c(q, "a:f" + std::to_string(i)), c(q, "a:f0"));
  for (int i = 0; i < 6; ++i) EXPECT_EQ(c(q, "a:h" + std::to_string(i)), c(q, "a:f0"));  // the star goes along
  for (int i = 0; i < 110; ++i) EXPECT_EQ(c(q, "a:g" + std::to_string(i)), c(q, "a:g0"));
  EXPECT_EQ(c(q, "pm:farm0"), c(q, "a:f0"));  // entities follow their accounts
  EXPECT_EQ(c(q, "ip:star"), c(q, "a:f0"));
  EXPECT_EQ(c(q, "px:agg"), c(q, "a:g0"));  // used by both: stays
  EXPECT_EQ(c(q, "ip:egress0"), c(q, "a:g0"));
  EXPECT_EQ(q.num_communities, p.num_communities + 1);
  for (int i = 0; i < 30; ++i) EXPECT_EQ(c(q, "a:s" + std::to_string(i)), c(q, "pm:solo0"));
  EXPECT_EQ(split_separated_groups(s, inc, q).membership, q.membership);
}

// Pool members: in a suspect community, an unflagged account that shows
// a fired group other than ip_pool takes the mean risk of the other accounts
// of its own IP when at least half of them (and 4 or more) are flagged; not
// when it shows no evidence or only the IP, not through an entity whose accounts are mostly elsewhere,
// not through a pool whose accounts are mostly unflagged. An account that
// community detection put elsewhere (a community that is not suspect) takes
// it only from two such pools.
TEST(Scoring, PoolMembersTakeTheirPoolsRisk) {
  Tiny w("pool");
  for (const char* ip : {"ip:pool", "ip:weak", "ip:shared", "ip:card-mates"}) w.node(ip, "ip", 0);
  w.node("pm:pool", "payment_method", 0);
  w.node("ip:other", "ip", 1);
  for (int i = 0; i < 9; ++i) w.node("a:p" + std::to_string(i), "account", 0);   // on ip:pool
  for (int i = 0; i < 6; ++i) w.node("a:w" + std::to_string(i), "account", 0);   // on ip:weak
  for (int i = 0; i < 8; ++i) w.node("a:o" + std::to_string(i), "account", 1);   // on ip:other / ip:shared
  w.node("a:away", "account", 1);  // on ip:pool and pm:pool, put in community 1
  w.node("a:once", "account", 1);  // on ip:pool only, put in community 1
  w.node("a:tied", "account", 1);  // on pm:pool and on community 1's ip:other
  for (int i = 0; i < 9; ++i) w.edge("a:p" + std::to_string(i), "ip:pool", "uses_ip");
  for (int i = 0; i < 5; ++i) w.edge("a:p" + std::to_string(i), "pm:pool", "paid_with");
  for (int i = 0; i < 6; ++i) w.edge("a:w" + std::to_string(i), "ip:weak", "uses_ip");
  for (int i = 0; i < 8; ++i) w.edge("a:o" + std::to_string(i), "ip:other", "uses_ip");
  for (int i = 0; i < 8; ++i) w.edge("a:o" + std::to_string(i), "ip:shared", "uses_ip");
  w.edge("a:w5", "ip:shared", "uses_ip");
  w.edge("a:away", "ip:pool", "uses_ip");
  w.edge("a:away", "pm:pool", "paid_with");
  w.edge("a:once", "ip:pool", "uses_ip");
  w.edge("a:tied", "pm:pool", "paid_with");
  w.edge("a:tied", "ip:other", "uses_ip");
  const Snapshot s = w.b.finish();
  const Partition p = canonicalize(w.labels);
  const Incidence inc = build_incidence(s);
  auto id = [&](const std::string& x) { return s.find_node(x); };
  ScoringResult r;
  r.threshold = 0.5;
  r.communities.resize(p.num_communities);
  r.communities[p.membership[id("a:p0")]].suspect = true;
  r.account_risk.assign(s.num_nodes(), 0.0);
  r.account_evidence.assign(s.num_nodes(), 0);
  r.account_groups.assign(s.num_nodes(), 0);
  // evidence 1: shows balance; 2: shows ip_pool only; 0: shows nothing.
  auto set = [&](const std::string& a, double risk, int evidence) {
    r.account_risk[id(a)] = risk;
    r.account_evidence[id(a)] = evidence == 0 ? 0.0f : 0.33f;
    r.account_groups[id(a)] = evidence == 0 ? 0 : 1u << static_cast<int>(evidence == 1 ? SignalGroup::Balance : SignalGroup::IpPool);
  };
  // ip:pool: 5 of 11 accounts flagged at 0.9; a:p5, a:p6 unflagged with
  // evidence (balance), a:p7 without, a:p8 with the IP only.
  for (int i = 0; i < 5; ++i) set("a:p" + std::to_string(i), 0.9, 1);
  set("a:p5", 0.4, 1);
  set("a:p6", 0.3, 1);
  set("a:p8", 0.45, 2);  // shows only the IP
  set("a:p7", 0.1, 0);
  // ip:weak: 2 of 6 flagged.
  for (int i = 0; i < 6; ++i) set("a:w" + std::to_string(i), i < 2 ? 0.9 : 0.4, 1);
  // Community 1 is not suspect, though its accounts are flagged.
  for (int i = 0; i < 8; ++i) set("a:o" + std::to_string(i), 0.9, 1);
  set("a:away", 0.05, 1);
  set("a:once", 0.05, 1);
  set("a:tied", 0.05, 1);
  const std::vector<double> before = r.account_risk;
  const ScoringResult given = r;
  raise_pool_members(s, inc, p, r);
  const double pool_sum = 5 * 0.9 + 0.4 + 0.3 + 0.1 + 0.45 + 0.05 + 0.05;  // the 11 accounts of ip:pool
  EXPECT_DOUBLE_EQ(r.account_risk[id("a:p5")], (pool_sum - 0.4) / 10.0);
  EXPECT_DOUBLE_EQ(r.account_risk[id("a:p6")], (pool_sum - 0.3) / 10.0);
  EXPECT_GE(r.account_risk[id("a:p5")], r.threshold);
  EXPECT_DOUBLE_EQ(r.account_risk[id("a:p7")], 0.1);   // shows no evidence itself
  EXPECT_DOUBLE_EQ(r.account_risk[id("a:p8")], 0.45);  // an IP is not enough
  for (int i = 0; i < 6; ++i)                         // a pool mostly unflagged; ip:shared is community 1's
    EXPECT_DOUBLE_EQ(r.account_risk[id("a:w" + std::to_string(i))], before[id("a:w" + std::to_string(i))]);
  // Two pools (pm:pool: 5 of its 6 others flagged at 0.9; ip:pool) raise an
  // account put elsewhere to the better mean; one does not (without in_step).
  EXPECT_DOUBLE_EQ(r.account_risk[id("a:away")], (5 * 0.9 + 0.05) / 6.0);
  EXPECT_DOUBLE_EQ(r.account_risk[id("a:once")], 0.05);
  EXPECT_DOUBLE_EQ(r.account_risk[id("a:tied")], 0.05);
  for (int i = 0; i < 5; ++i) EXPECT_DOUBLE_EQ(r.account_risk[id("a:p" + std::to_string(i))], 0.9);  // never lowered

  // One pool and nothing else shared: raised when in lock-step with the
  // pool's community (asked with that community), not otherwise; an account
  // that also shares community 1's ip:other is not raised either way. Lock-step
  // is evidence for a:p7 (none) and a:p8 (the IP only) too; a:p5 and a:p6
  // are raised by their own evidence without being asked.
  const CommunityId farm = p.membership[id("a:p0")];
  std::vector<NodeId> asked;
  ScoringResult in_step = given;
  raise_pool_members(s, inc, p, in_step, [&](NodeId v, CommunityId c) {
    asked.push_back(v);
    return c == farm;
  });
  EXPECT_DOUBLE_EQ(in_step.account_risk[id("a:once")], (pool_sum - 0.05) / 10.0);
  EXPECT_GE(in_step.account_risk[id("a:once")], in_step.threshold);
  EXPECT_DOUBLE_EQ(in_step.account_risk[id("a:tied")], 0.05);
  EXPECT_DOUBLE_EQ(in_step.account_risk[id("a:p7")], (pool_sum - 0.1) / 10.0);
  EXPECT_DOUBLE_EQ(in_step.account_risk[id("a:p8")], (pool_sum - 0.45) / 10.0);
  EXPECT_DOUBLE_EQ(in_step.account_risk[id("a:p5")], r.account_risk[id("a:p5")]);
  std::sort(asked.begin(), asked.end());
  std::vector<NodeId> expected{id("a:p7"), id("a:p8"), id("a:once")};
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(asked, expected);
  ScoringResult out_of_step = given;
  raise_pool_members(s, inc, p, out_of_step, [](NodeId, CommunityId) { return false; });
  EXPECT_DOUBLE_EQ(out_of_step.account_risk[id("a:once")], 0.05);
  EXPECT_EQ(out_of_step.account_risk, r.account_risk);
}

// The lock-step test of score_snapshot(): two accounts alone in communities
// of their own, each on the hydra's device dev:h0 and a card of their own;
// the one whose activity moves with the hydra is flagged with its pool, the
// one with a person's day is not.
TEST(Scoring, PoolFragmentInLockStepIsFlagged) {
  const testing::World w = testing::make_world(7, false, true);
  const Incidence inc = build_incidence(w.snapshot);
  const ScoringResult r = score_snapshot(w.snapshot, inc, w.partition);
  const NodeId frag = w.snapshot.find_node("a:frag"), person = w.snapshot.find_node("a:person");
  ASSERT_TRUE(r.communities[w.hydra_community].suspect);
  for (NodeId v : {frag, person}) {
    EXPECT_NE(w.partition.membership[v], w.hydra_community);
    EXPECT_FALSE(r.communities[w.partition.membership[v]].suspect);
  }
  EXPECT_TRUE(r.account_suspect[frag]) << r.account_risk[frag];
  EXPECT_GE(r.account_risk[frag], 0.9);
  EXPECT_FALSE(r.account_suspect[person]) << r.account_risk[person];
  EXPECT_LT(r.account_risk[person], 0.1);
  // Without the lock-step test (raise_pool_members alone) neither is raised.
  ScoringResult again = r;
  again.account_risk[frag] = 0.0;
  raise_pool_members(w.snapshot, inc, w.partition, again);
  EXPECT_DOUBLE_EQ(again.account_risk[frag], 0.0);
}

// Re-homing: a farm pool IP of 16 accounts, 9 in the farm's community
// (anchored there by a farm device) and 7 put in a neighbouring community
// of 110 accounts on one popular fingerprint (a hub: anchors nobody). The 5
// accounts with nothing else move to the farm; a person with a card of
// their own and an account that shares an IP with a neighbour stay.
TEST(Scoring, RehomeMovesUnanchoredAccountsToTheirPool) {
  Tiny w("rehome");
  w.node("ip:farm", "ip", 0);
  w.node("dev:farm", "device", 0);
  w.node("dev:popular", "device", 1);
  w.node("pm:person", "payment_method", 1);
  w.node("ip:neighbours", "ip", 1);
  for (int i = 0; i < 9; ++i) w.node("a:f" + std::to_string(i), "account", 0);
  for (int i = 0; i < 5; ++i) w.node("a:m" + std::to_string(i), "account", 1);
  w.node("a:person", "account", 1);
  w.node("a:neighbour", "account", 1);
  for (int i = 0; i < 110; ++i) w.node("a:x" + std::to_string(i), "account", 1);
  for (int i = 0; i < 9; ++i) {
    w.edge("a:f" + std::to_string(i), "ip:farm", "uses_ip");
    w.edge("a:f" + std::to_string(i), "dev:farm", "uses_device");
  }
  for (int i = 0; i < 5; ++i) {
    w.edge("a:m" + std::to_string(i), "ip:farm", "uses_ip");
    w.edge("a:m" + std::to_string(i), "dev:popular", "uses_device");
  }
  w.edge("a:person", "ip:farm", "uses_ip");
  w.edge("a:person", "pm:person", "paid_with");
  w.edge("a:neighbour", "ip:farm", "uses_ip");
  w.edge("a:neighbour", "ip:neighbours", "uses_ip");
  w.edge("a:x0", "ip:neighbours", "uses_ip");
  for (int i = 0; i < 110; ++i) w.edge("a:x" + std::to_string(i), "dev:popular", "uses_device");
  const Snapshot s = w.b.finish();
  const Partition p = canonicalize(w.labels);
  const Incidence inc = build_incidence(s);
  const Partition q = rehome_pool_accounts(s, inc, p);
  auto c = [&](const Partition& part, const std::string& id) { return part.membership[s.find_node(id)]; };
  ASSERT_NE(c(p, "a:m0"), c(p, "a:f0"));
  for (int i = 0; i < 5; ++i) EXPECT_EQ(c(q, "a:m" + std::to_string(i)), c(q, "a:f0"));
  EXPECT_EQ(c(q, "a:person"), c(q, "a:x0"));     // a card of its own
  EXPECT_EQ(c(q, "a:neighbour"), c(q, "a:x0"));  // an IP shared with a neighbour
  for (int i = 0; i < 110; ++i) EXPECT_EQ(c(q, "a:x" + std::to_string(i)), c(q, "a:x0"));  // the hub moves nobody
  EXPECT_EQ(c(q, "ip:farm"), c(q, "a:f0"));      // entities stay
  EXPECT_EQ(c(q, "dev:popular"), c(q, "a:x0"));
  EXPECT_EQ(q.num_communities, p.num_communities);
  EXPECT_EQ(rehome_pool_accounts(s, inc, q).membership, q.membership);
}

// Merging: a farm cut in two (30 + 20 accounts) whose 10 IPs each have 3
// accounts on one side and 2 on the other is made one community; two
// communities of 50 and 60 that share 10 such IPs on only 20 of the
// smaller side's accounts are not; nor is a pair sharing 9.
TEST(Scoring, MergeJoinsAFarmCutAlongItsPool) {
  Tiny w("merge");
  for (int k = 0; k < 10; ++k) w.node("ip:farm" + std::to_string(k), "ip", 0);
  for (int k = 0; k < 10; ++k) w.node("ip:mixed" + std::to_string(k), "ip", 2);
  for (int k = 0; k < 9; ++k) w.node("ip:nine" + std::to_string(k), "ip", 4);
  for (int i = 0; i < 30; ++i) w.node("a:a" + std::to_string(i), "account", 0);
  for (int i = 0; i < 20; ++i) w.node("a:b" + std::to_string(i), "account", 1);
  for (int i = 0; i < 50; ++i) w.node("a:c" + std::to_string(i), "account", 2);
  for (int i = 0; i < 60; ++i) w.node("a:d" + std::to_string(i), "account", 3);
  for (int i = 0; i < 18; ++i) w.node("a:e" + std::to_string(i), "account", 4);
  for (int i = 0; i < 18; ++i) w.node("a:f" + std::to_string(i), "account", 5);
  for (int i = 0; i < 30; ++i) w.edge("a:a" + std::to_string(i), "ip:farm" + std::to_string(i / 3), "uses_ip");
  for (int i = 0; i < 20; ++i) w.edge("a:b" + std::to_string(i), "ip:farm" + std::to_string(i / 2), "uses_ip");
  for (int i = 0; i < 20; ++i) w.edge("a:c" + std::to_string(i), "ip:mixed" + std::to_string(i / 2), "uses_ip");
  for (int i = 0; i < 20; ++i) w.edge("a:d" + std::to_string(i), "ip:mixed" + std::to_string(i / 2), "uses_ip");
  for (int i = 0; i < 18; ++i) w.edge("a:e" + std::to_string(i), "ip:nine" + std::to_string(i / 2), "uses_ip");
  for (int i = 0; i < 18; ++i) w.edge("a:f" + std::to_string(i), "ip:nine" + std::to_string(i / 2), "uses_ip");
  const Snapshot s = w.b.finish();
  const Partition p = canonicalize(w.labels);
  const Incidence inc = build_incidence(s);
  const Partition q = merge_pool_communities(s, inc, p);
  auto c = [&](const Partition& part, const std::string& id) { return part.membership[s.find_node(id)]; };
  ASSERT_NE(c(p, "a:a0"), c(p, "a:b0"));
  for (int i = 0; i < 20; ++i) EXPECT_EQ(c(q, "a:b" + std::to_string(i)), c(q, "a:a0"));
  EXPECT_EQ(c(q, "ip:farm0"), c(q, "a:a0"));
  EXPECT_NE(c(q, "a:c0"), c(q, "a:d0"));  // 20 of the smaller side's 50 accounts
  EXPECT_NE(c(q, "a:e0"), c(q, "a:f0"));  // 9 shared IPs
  EXPECT_EQ(q.num_communities, p.num_communities - 1);
  EXPECT_EQ(merge_pool_communities(s, inc, q).membership, q.membership);
}

}  // namespace
}  // namespace hydrascope
