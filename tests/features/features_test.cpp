// The feature layer: the schema, values against brute-force references on a
// literal world (shares, synchrony as the mean pairwise Pearson correlation),
// missing data staying missing, labels never feeding an account's own
// features, hubs, determinism across thread counts, and every input error.
//
//   hydra      40 accounts: 3 cards (14/13/13), 8 IPs, one proxy, 4 devices,
//              created within 2 hours, lock-step activity   (test_world.hpp)
//   corporate  40 accounts: 1 card, 1 office IP, 1 device
//   carrier    200 accounts on one NAT IP, own cards
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

#include "hydrascope/features.hpp"
#include "hydrascope/graph.hpp"
#include "scoring/test_world.hpp"
#include "signals.hpp"

namespace hydrascope {
namespace {

int idx(std::string_view name) {
  const int i = feature_index(name);
  EXPECT_GE(i, 0) << name;
  return i;
}

class FeatureWorld : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    world_ = new testing::World(testing::make_world());
    incidence_ = new Incidence(build_incidence(world_->snapshot));
    FeatureOptions o;
    o.detrend = false;  // plain Pearson correlation: checked against a brute-force reference
    table_ = new FeatureTable(compute_features(world_->snapshot, *incidence_, world_->partition, {}, o));
  }
  static void TearDownTestSuite() {
    delete table_;
    delete incidence_;
    delete world_;
  }
  static float community(std::uint64_t c, std::string_view name) {
    return table_->community_value(static_cast<CommunityId>(c), idx(name));
  }
  static float account(const std::string& id, std::string_view name) {
    const NodeId v = world_->snapshot.find_node(id);
    return table_->value(table_->row_of(v), idx(name));
  }
  static testing::World* world_;
  static Incidence* incidence_;
  static FeatureTable* table_;
};
testing::World* FeatureWorld::world_ = nullptr;
Incidence* FeatureWorld::incidence_ = nullptr;
FeatureTable* FeatureWorld::table_ = nullptr;

TEST(FeatureSchema, NamesAreUniqueAndQuantilesRankCommunityFeatures) {
  const auto schema = feature_schema();
  std::set<std::string_view> names;
  for (std::size_t i = 0; i < schema.size(); ++i) {
    const auto& f = schema[i];
    EXPECT_TRUE(names.insert(f.name).second) << f.name;
    EXPECT_EQ(feature_index(f.name), static_cast<int>(i));
    EXPECT_FALSE(f.description.empty()) << f.name;
    const char prefix = f.level == FeatureLevel::Account ? 'a' : f.level == FeatureLevel::Community ? 'c' : 'q';
    EXPECT_EQ(f.name.front(), prefix) << f.name;
    if (f.level == FeatureLevel::Quantile) {
      ASSERT_GE(f.source, 0);
      EXPECT_EQ(schema[static_cast<std::size_t>(f.source)].level, FeatureLevel::Community) << f.name;
      EXPECT_EQ(schema[static_cast<std::size_t>(f.source)].family, f.family) << f.name;
    }
  }
  EXPECT_EQ(feature_index("no_such_feature"), -1);
  for (int fam = 0; fam < kNumFeatureFamilies; ++fam)
    EXPECT_EQ(parse_feature_family(to_string(static_cast<FeatureFamily>(fam))), static_cast<FeatureFamily>(fam));
  EXPECT_THROW((void)parse_feature_family("nope"), std::invalid_argument);
}

// docs/features.md lists every feature of the schema with its family.
TEST(FeatureSchema, DocsListEveryFeature) {
  std::ifstream in(std::string(HYDRASCOPE_TEST_SOURCE_ROOT) + "/docs/features.md");
  ASSERT_TRUE(in) << "docs/features.md not found";
  std::stringstream text;
  text << in.rdbuf();
  const std::string doc = text.str();
  for (const auto& f : feature_schema())
    EXPECT_NE(doc.find("| `" + std::string(f.name) + "` |"), std::string::npos) << f.name << " is not in docs/features.md";
  for (int fam = 0; fam < kNumFeatureFamilies; ++fam)
    EXPECT_NE(doc.find("### " + std::string(to_string(static_cast<FeatureFamily>(fam)))), std::string::npos);
}

TEST_F(FeatureWorld, SharingMatchesCounts) {
  const auto h = world_->hydra_community;
  EXPECT_FLOAT_EQ(community(h, "c_payment_top_share"), 14.0f / 40.0f);  // card i % 3: 14, 13, 13
  EXPECT_FLOAT_EQ(community(h, "c_payment_per_account"), 3.0f / 40.0f);
  EXPECT_FLOAT_EQ(community(h, "c_ip_per_account"), 8.0f / 40.0f);
  EXPECT_FLOAT_EQ(community(h, "c_proxy_top_share"), 1.0f);
  EXPECT_FLOAT_EQ(community(h, "c_proxy_coverage"), 1.0f);
  EXPECT_FLOAT_EQ(community(h, "c_core_share"), 1.0f);
  EXPECT_FLOAT_EQ(community(h, "c_ip_prefix_share"), 1.0f);  // 198.51.100.0/24
  EXPECT_FLOAT_EQ(community(h, "c_burst_6h"), 1.0f);          // created within two hours
  EXPECT_FLOAT_EQ(community(h, "c_log_accounts"), static_cast<float>(std::log(40.0)));
  // Tie groups: the hydra's 40 accounts are one group through its own cards,
  // IPs, proxy and devices; a family's three through their card and home IP.
  EXPECT_FLOAT_EQ(community(h, "c_largest_tie_group"), 1.0f);
  EXPECT_FLOAT_EQ(account(world_->hydra.back(), "a_tie_group"), static_cast<float>(std::log(40.0)));
  const auto c = world_->carrier_community;
  EXPECT_FLOAT_EQ(community(c, "c_ip_top_share"), 1.0f);
  EXPECT_FLOAT_EQ(community(c, "c_ip_exclusive"), 1.0f);
  EXPECT_FLOAT_EQ(community(c, "c_payment_per_account"), 1.0f);  // own cards
  EXPECT_FLOAT_EQ(community(c, "c_core_share"), 0.0f);           // one shared entity each: no core
  // Per account: the hydra account shares its card with 13 others, the NAT IP with 199.
  EXPECT_FLOAT_EQ(account(world_->hydra.front(), "a_payment_max_shared"), static_cast<float>(std::log1p(13.0)));
  EXPECT_FLOAT_EQ(account(world_->carrier.front(), "a_ip_max_shared"), static_cast<float>(std::log1p(199.0)));
  EXPECT_FLOAT_EQ(account(world_->carrier.front(), "a_min_shared"), static_cast<float>(std::log1p(199.0)));
  EXPECT_FLOAT_EQ(account(world_->hydra.front(), "a_owned_entities"), 4.0f);  // its card, IP, proxy, device
  // Generic entity types: none in this world, so their slot is missing, not zero.
  EXPECT_TRUE(std::isnan(account(world_->hydra.front(), "a_entity_max_shared")));
  EXPECT_TRUE(std::isnan(community(h, "c_entity_top_share")));
}

// Mean pairwise Pearson correlation of the community's activity vectors and
// each account's mean correlation with the others, by brute force.
TEST_F(FeatureWorld, SynchronyIsTheMeanPairwiseCorrelation) {
  const Snapshot& s = world_->snapshot;
  const std::uint32_t B = s.meta().activity.buckets;
  for (auto c : {world_->hydra_community, world_->corporate_community}) {
    std::vector<std::vector<double>> z;
    std::vector<NodeId> who;
    for (NodeId v = 0; v < s.num_nodes(); ++v) {
      if (s.kind(v) != NodeKind::Account || world_->partition.membership[v] != c) continue;
      std::vector<double> x(B, 0.0);
      s.for_each_activity(v, [&](std::uint32_t k, float y) { x[k] = y; });
      double mean = 0, var = 0;
      for (double t : x) mean += t;
      mean /= B;
      for (double t : x) var += (t - mean) * (t - mean);
      var /= B;
      for (double& t : x) t = (t - mean) / std::sqrt(var);
      z.push_back(std::move(x));
      who.push_back(v);
    }
    double total = 0;
    std::size_t pairs = 0;
    std::vector<double> own(z.size(), 0.0);
    for (std::size_t i = 0; i < z.size(); ++i)
      for (std::size_t j = 0; j < z.size(); ++j) {
        if (i == j) continue;
        double r = 0;
        for (std::uint32_t t = 0; t < B; ++t) r += z[i][t] * z[j][t];
        r /= B;
        own[i] += r / static_cast<double>(z.size() - 1);
        if (i < j) {
          total += r;
          ++pairs;
        }
      }
    EXPECT_NEAR(community(c, "c_sync"), total / static_cast<double>(pairs), 1e-5);
    for (std::size_t i = 0; i < who.size(); i += 7)
      EXPECT_NEAR(table_->value(table_->row_of(who[i]), idx("a_sync")), own[i], 1e-5);
  }
  EXPECT_GT(community(world_->hydra_community, "c_sync"), 0.5f);
  EXPECT_LT(community(world_->corporate_community, "c_sync"), community(world_->hydra_community, "c_sync"));
}

TEST_F(FeatureWorld, RowsAssembleTheStoredValues) {
  FeatureMatrix m;
  table_->rows(5, 20, m);
  ASSERT_EQ(m.rows, 20u);
  ASSERT_EQ(m.names.size(), feature_schema().size());
  for (std::uint64_t r = 0; r < 20; ++r)
    for (std::size_t f = 0; f < m.names.size(); ++f) {
      const float a = m.values[r * m.names.size() + f];
      const float b = table_->value(5 + r, static_cast<int>(f));
      EXPECT_TRUE((std::isnan(a) && std::isnan(b)) || a == b) << m.names[f];
    }
  const std::vector<std::uint32_t> which = {30, 2, 30};
  table_->rows(which, m);
  ASSERT_EQ(m.rows, 3u);
  for (std::size_t f = 0; f < m.names.size(); ++f) {
    const float a = m.values[f], c = m.values[2 * m.names.size() + f];
    EXPECT_TRUE((std::isnan(a) && std::isnan(c)) || a == c);
  }
  EXPECT_THROW(table_->rows(table_->accounts().size(), 1, m), std::invalid_argument);
}

// A quantile is the mid-rank of its source value among the communities of
// its size band (or of all communities of 2+ accounts when the band is small).
TEST_F(FeatureWorld, QuantilesRankTheirSourceFeature) {
  const auto schema = feature_schema();
  int checked = 0;
  for (std::size_t q = 0; q < schema.size(); ++q) {
    if (schema[q].level != FeatureLevel::Quantile) continue;
    const int src = schema[q].source;
    std::vector<std::tuple<std::uint32_t, float, float>> pairs;  // (band, source value, quantile)
    for (CommunityId c = 0; c < world_->partition.num_communities; ++c) {
      if (table_->community_accounts(c) < 2) continue;
      const float v = table_->community_value(c, src), x = table_->community_value(c, static_cast<int>(q));
      EXPECT_EQ(std::isnan(v), std::isnan(x)) << schema[q].name;
      if (!std::isnan(v)) pairs.emplace_back(table_->band_of(c), v, x);
    }
    // Within a band the quantile is monotone in the value.
    for (const auto& [b1, v1, q1] : pairs)
      for (const auto& [b2, v2, q2] : pairs) {
        if (b1 != b2) continue;
        if (v1 < v2) {
          EXPECT_LT(q1, q2) << schema[q].name;
        }
        if (v1 == v2) {
          EXPECT_EQ(q1, q2) << schema[q].name;
        }
      }
    ++checked;
  }
  EXPECT_GT(checked, 20);
}

TEST_F(FeatureWorld, QuantilesAndReferencesAreOrdered) {
  const auto schema = feature_schema();
  for (std::size_t r = 0; r < table_->accounts().size(); r += 17)
    for (std::size_t f = 0; f < schema.size(); ++f) {
      if (schema[f].level != FeatureLevel::Quantile) continue;
      const float q = table_->value(r, static_cast<int>(f));
      if (!std::isnan(q)) {
        EXPECT_GE(q, 0.0f);
        EXPECT_LE(q, 1.0f);
      }
    }
  for (std::uint32_t b = 0; b < table_->band_bounds().size(); ++b)
    for (std::size_t f = 0; f < schema.size(); ++f) {
      if (schema[f].level != FeatureLevel::Community) continue;
      const BandReference& ref = table_->reference(b, static_cast<int>(f));
      if (ref.communities == 0) continue;
      EXPECT_LE(ref.median, ref.p90 + 1e-12);
      EXPECT_LE(ref.p90, ref.p99 + 1e-12);
    }
}

TEST_F(FeatureWorld, SameTableForAnyThreadCount) {
  FeatureOptions o;
  o.detrend = false;
  o.threads = 1;
  const FeatureTable one = compute_features(world_->snapshot, *incidence_, world_->partition, {}, o);
  o.threads = 2;
  const FeatureTable two = compute_features(world_->snapshot, *incidence_, world_->partition, {}, o);
  FeatureMatrix a, b;
  one.rows(0, one.accounts().size(), a);
  two.rows(0, two.accounts().size(), b);
  ASSERT_EQ(a.values.size(), b.values.size());
  for (std::size_t i = 0; i < a.values.size(); ++i)
    ASSERT_TRUE((std::isnan(a.values[i]) && std::isnan(b.values[i])) || a.values[i] == b.values[i]) << i;
}

// A literal snapshot for labels and missing data:
//   a:0..a:9 share card pm:x and are one community; a:0, a:1 banned, a:9 trusted;
//   a:10..a:19 alone with own cards; no activity, no creation times.
struct Small {
  Snapshot s;
  Partition p;
};
Small small_world(Label label_of_a2) {
  SnapshotBuilder b("small");
  RecordRef ref;
  std::vector<std::uint64_t> labels;
  b.add_node(ref, "pm:x", "payment_method", Label::Unknown, kNoTime, {}, nullptr);
  labels.push_back(0);
  for (int i = 0; i < 20; ++i) {
    Label l = Label::Unknown;
    if (i < 2) l = Label::Banned;
    if (i == 2) l = label_of_a2;
    if (i == 9) l = Label::Trusted;
    const std::string a = "a:" + std::to_string(i);
    b.add_node(ref, a, "account", l, kNoTime, {}, nullptr);
    labels.push_back(i < 10 ? 0 : static_cast<std::uint64_t>(i));
    if (i < 10) {
      b.add_edge(ref, a, "pm:x", "paid_with", 1.0, kNoTime, kNoTime);
    } else {
      b.add_node(ref, "pm:" + a, "payment_method", Label::Unknown, kNoTime, {}, nullptr);
      labels.push_back(static_cast<std::uint64_t>(i));
      b.add_edge(ref, a, "pm:" + a, "paid_with", 1.0, kNoTime, kNoTime);
    }
  }
  Small w;
  w.s = b.finish();
  w.p = canonicalize(labels);
  return w;
}

TEST(Features, MissingDataStaysMissing) {
  const Small w = small_world(Label::Unknown);
  const Incidence inc = build_incidence(w.s);
  const FeatureTable t = compute_features(w.s, inc, w.p);
  EXPECT_FALSE(t.availability().activity);
  EXPECT_FALSE(t.availability().created_at);
  EXPECT_FALSE(t.availability().account_links);
  EXPECT_TRUE(t.availability().slot[0]);
  EXPECT_FALSE(t.availability().slot[1]);
  for (std::uint64_t r = 0; r < t.accounts().size(); ++r) {
    for (const char* f : {"a_sync", "a_volume_dev", "a_created_gap", "a_in_burst", "a_links", "a_ip_max_shared",
                          "c_sync", "c_spread", "c_pivot", "c_burst_6h", "c_ip_top_share", "c_links_internal",
                          "q_sync", "a_core_number", "a_pagerank_ratio"})
      EXPECT_TRUE(std::isnan(t.value(r, idx(f)))) << f;
    EXPECT_FALSE(std::isnan(t.value(r, idx("a_payment_max_shared"))));
    // Alone in its community (a:10..a:19): no concentration to speak of.
    EXPECT_EQ(std::isnan(t.value(r, idx("c_payment_top_share"))), t.row_community_accounts(r) == 1);
  }
}

TEST(Features, LabelsNeverFeedTheAccountsOwnFeatures) {
  const Small plain = small_world(Label::Unknown);
  const Small banned = small_world(Label::Banned);
  const Incidence inc = build_incidence(plain.s);
  const FeatureTable a = compute_features(plain.s, inc, plain.p);
  const FeatureTable b = compute_features(banned.s, build_incidence(banned.s), banned.p);
  const NodeId a2 = plain.s.find_node("a:2");
  ASSERT_EQ(a2, banned.s.find_node("a:2"));
  for (const char* f : {"a_comm_banned", "a_ent_banned", "a_ent_banned_count"})
    EXPECT_FLOAT_EQ(a.value(a.row_of(a2), idx(f)), b.value(b.row_of(a2), idx(f))) << f;
  // Two of the other nine accounts of a:2's community are banned.
  EXPECT_FLOAT_EQ(a.value(a.row_of(a2), idx("a_comm_banned")), 2.0f / 9.0f);
  EXPECT_FLOAT_EQ(a.value(a.row_of(a2), idx("a_ent_banned")), 2.0f / 9.0f);
  // a:0 (banned) sees only the other banned account.
  const NodeId a0 = plain.s.find_node("a:0");
  EXPECT_FLOAT_EQ(a.value(a.row_of(a0), idx("a_comm_banned")), 1.0f / 9.0f);
  // Trusted: a:9 is the only one, so its own feature is 0 and the others see 1/9.
  EXPECT_FLOAT_EQ(a.value(a.row_of(plain.s.find_node("a:9")), idx("a_comm_trusted")), 0.0f);
  EXPECT_FLOAT_EQ(a.value(a.row_of(a2), idx("a_comm_trusted")), 1.0f / 9.0f);
  // An account alone in its community has no community share to speak of.
  EXPECT_TRUE(std::isnan(a.value(a.row_of(plain.s.find_node("a:15")), idx("a_comm_banned"))));
}

TEST(Features, NoLabelsMeansSeedFeaturesAreMissing) {
  SnapshotBuilder b("nolabels");
  RecordRef ref;
  b.add_node(ref, "a:1", "account", Label::Unknown, kNoTime, {}, nullptr);
  b.add_node(ref, "a:2", "account", Label::Unknown, kNoTime, {}, nullptr);
  b.add_node(ref, "e:1", "email_domain", Label::Unknown, kNoTime, {}, nullptr);
  b.add_edge(ref, "a:1", "e:1", "has_email", 1.0, kNoTime, kNoTime);
  b.add_edge(ref, "a:2", "e:1", "has_email", 1.0, kNoTime, kNoTime);
  b.add_edge(ref, "a:1", "a:2", "invited", 1.0, kNoTime, kNoTime);
  const Snapshot s = b.finish();
  const Partition p = canonicalize({0, 0, 0});
  const FeatureTable t = compute_features(s, build_incidence(s), p);
  EXPECT_TRUE(t.availability().account_links);
  EXPECT_TRUE(t.availability().slot[4]);  // a generic type is an entity too
  for (std::uint64_t r = 0; r < 2; ++r) {
    EXPECT_TRUE(std::isnan(t.value(r, idx("a_comm_banned"))));
    EXPECT_TRUE(std::isnan(t.value(r, idx("a_comm_trusted"))));
    EXPECT_FLOAT_EQ(t.value(r, idx("a_links")), static_cast<float>(std::log1p(1.0)));
    EXPECT_FLOAT_EQ(t.value(r, idx("a_links_in_comm")), 1.0f);
    EXPECT_FLOAT_EQ(t.value(r, idx("a_entity_max_shared")), static_cast<float>(std::log1p(1.0)));
    EXPECT_FLOAT_EQ(t.value(r, idx("c_entity_top_share")), 1.0f);
  }
  EXPECT_FLOAT_EQ(t.community_value(0, idx("c_links_internal")), 0.5f);
}

// Reciprocity and shape of the links inside a community: a:1 and a:2 link
// both ways, a:1 also invited a:3 and a:4 (a star around a:1), and a:5, in
// another community, was invited by a:4.
TEST(Features, LinksMutualCoverageAndHub) {
  SnapshotBuilder b("links");
  RecordRef ref;
  for (const char* id : {"a:1", "a:2", "a:3", "a:4", "a:5", "a:6"})
    b.add_node(ref, id, "account", Label::Unknown, kNoTime, {}, nullptr);
  b.add_edge(ref, "a:1", "a:2", "transferred_to", 1.0, kNoTime, kNoTime);
  b.add_edge(ref, "a:2", "a:1", "transferred_to", 1.0, kNoTime, kNoTime);
  b.add_edge(ref, "a:1", "a:3", "invited", 1.0, kNoTime, kNoTime);
  b.add_edge(ref, "a:1", "a:4", "invited", 1.0, kNoTime, kNoTime);
  b.add_edge(ref, "a:4", "a:5", "invited", 1.0, kNoTime, kNoTime);
  const Snapshot s = b.finish();
  // Community 0: a:1..a:4 and a:6 (unlinked); community 1: a:5.
  std::vector<std::uint64_t> m(s.num_nodes(), 0);
  m[s.find_node("a:5")] = 1;
  const Partition p = canonicalize(m);
  const FeatureTable t = compute_features(s, build_incidence(s), p);
  auto row = [&](const char* id) { return t.row_of(s.find_node(id)); };
  EXPECT_FLOAT_EQ(t.value(row("a:1"), idx("a_links_mutual")), 1.0f / 3.0f);  // a:2 of a:2, a:3, a:4
  EXPECT_FLOAT_EQ(t.value(row("a:2"), idx("a_links_mutual")), 1.0f);
  EXPECT_FLOAT_EQ(t.value(row("a:4"), idx("a_links_mutual")), 0.0f);
  EXPECT_FLOAT_EQ(t.value(row("a:6"), idx("a_links_mutual")), 0.0f);  // no links: 0, links exist in the snapshot
  const CommunityId c = p.membership[s.find_node("a:1")];
  EXPECT_FLOAT_EQ(t.community_value(c, idx("c_links_coverage")), 4.0f / 5.0f);  // a:6 is not linked inside
  // Linked pairs inside, counted from both ends: (1,2) (2,1) mutual; (1,3) (3,1) (1,4) (4,1) not.
  EXPECT_FLOAT_EQ(t.community_value(c, idx("c_links_mutual")), 2.0f / 6.0f);
  EXPECT_FLOAT_EQ(t.community_value(c, idx("c_links_hub")), 3.0f / 4.0f);  // a:1 reaches 3 of the 4 others
  // A community of one account has no other accounts to link to.
  EXPECT_TRUE(std::isnan(t.community_value(p.membership[s.find_node("a:5")], idx("c_links_hub"))));
  EXPECT_TRUE(std::isnan(t.community_value(p.membership[s.find_node("a:5")], idx("c_links_mutual"))));
}

// A hub of 20,000 accounts on one IP: linear work, exact counts.
TEST(Features, HubsAreCountedNotPaired) {
  SnapshotBuilder b("hub");
  RecordRef ref;
  b.add_node(ref, "ip:100.64.0.1", "ip", Label::Unknown, kNoTime, {}, nullptr);
  std::vector<std::uint64_t> labels{0};
  for (int i = 0; i < 20000; ++i) {
    const std::string a = "a:" + std::to_string(i);
    b.add_node(ref, a, "account", Label::Unknown, kNoTime, {}, nullptr);
    b.add_edge(ref, a, "ip:100.64.0.1", "uses_ip", 1.0, kNoTime, kNoTime);
    labels.push_back(0);
  }
  const Snapshot s = b.finish();
  const FeatureTable t = compute_features(s, build_incidence(s), canonicalize(labels));
  EXPECT_FLOAT_EQ(t.value(0, idx("a_ip_max_shared")), static_cast<float>(std::log1p(19999.0)));
  EXPECT_FLOAT_EQ(t.value(0, idx("a_pool_entities")), 0.0f);  // a hub, not a pool
  EXPECT_FLOAT_EQ(t.community_value(0, idx("c_ip_top_share")), 1.0f);
  EXPECT_EQ(t.top_entity_accounts(0, 1), 20000u);
}

TEST(Features, InputsAndOptionsAreChecked) {
  const Small w = small_world(Label::Unknown);
  const Incidence inc = build_incidence(w.s);
  Partition wrong;
  wrong.membership.assign(2, 0);
  wrong.num_communities = 1;
  EXPECT_THROW((void)compute_features(w.s, inc, wrong), std::invalid_argument);
  std::vector<double> short_ppr(3, 0.0);
  FeatureInputs in;
  in.ppr = short_ppr;
  EXPECT_THROW((void)compute_features(w.s, inc, w.p, in), std::invalid_argument);
  FeatureOptions o;
  o.band_bounds = {};
  EXPECT_THROW(o.validate(), std::invalid_argument);
  o.band_bounds = {1, 5, 3};
  EXPECT_THROW(o.validate(), std::invalid_argument);
  o = {};
  o.pool_max_accounts = 1;
  EXPECT_THROW(o.validate(), std::invalid_argument);
  std::atomic<bool> stop{true};
  o = {};
  o.cancel.flag = &stop;
  EXPECT_THROW((void)compute_features(w.s, inc, w.p, {}, o), Cancelled);
}

TEST(Features, EmptySnapshotGivesAnEmptyTable) {
  SnapshotBuilder b("empty");
  const Snapshot s = b.finish();
  const FeatureTable t = compute_features(s, build_incidence(s), Partition{});
  EXPECT_TRUE(t.accounts().empty());
  FeatureMatrix m;
  t.rows(0, 0, m);
  EXPECT_EQ(m.rows, 0u);
}

}  // namespace
}  // namespace hydrascope

namespace hydrascope {
namespace {

// The activity standardisation (fused passes) gives exactly the values of the
// plain definition: the snapshot's profile removed, then the mean per hour
// of day, then the mean per day (the last day partial), then z-scored.
bool plain_standardise(const features::ActivityStandardiser& st, const Snapshot& s, NodeId a, std::vector<double>& dense) {
  dense.assign(st.buckets, 0.0);
  const ActivityRow row = s.activity(a);
  if (row.empty() || st.buckets < 2) return false;
  double dot = 0.0;
  for (std::size_t i = 0; i < row.size(); ++i) {
    dense[row.bucket(i)] = row.value(i);
    dot += row.value(i) * st.profile[row.bucket(i)];
  }
  if (st.detrend) {
    const double beta = dot / st.profile_norm2;
    for (std::uint32_t t = 0; t < st.buckets; ++t) dense[t] -= beta * st.profile[t];
    if (st.period > 1) {
      std::vector<double> phase(st.period, 0.0), day(st.day_count.size(), 0.0);
      for (std::uint32_t t = 0; t < st.buckets; ++t) phase[t % st.period] += dense[t];
      for (std::uint32_t t = 0; t < st.buckets; ++t)
        dense[t] -= phase[t % st.period] / static_cast<double>(st.phase_count[t % st.period]);
      for (std::uint32_t t = 0; t < st.buckets; ++t) day[t / st.period] += dense[t];
      for (std::uint32_t t = 0; t < st.buckets; ++t)
        dense[t] -= day[t / st.period] / static_cast<double>(st.day_count[t / st.period]);
    }
  }
  const double B = static_cast<double>(st.buckets);
  double mean = 0.0;
  for (double v : dense) mean += v;
  mean /= B;
  double var = 0.0;
  for (double v : dense) var += (v - mean) * (v - mean);
  var /= B;
  if (!(var > 1e-18)) return false;
  const double inv = 1.0 / std::sqrt(var);
  for (double& v : dense) v = (v - mean) * inv;
  return true;
}

TEST(ActivityStandardiser, SameValuesAsThePlainDefinition) {
  for (std::uint32_t buckets : {100u, 168u, 7u}) {
    SnapshotBuilder b("t");
    SnapshotMeta meta;
    meta.activity.start = 0;
    meta.activity.bucket_seconds = 3600;
    meta.activity.buckets = buckets;
    b.set_meta(meta);
    RecordRef r;
    std::uint64_t state = 12345;
    for (int i = 0; i < 300; ++i) {
      std::vector<double> act(buckets, 0.0);
      for (std::uint32_t t = 0; t < buckets; ++t) {
        state = state * 6364136223846793005ull + 1442695040888963407ull;
        if ((state >> 60) < (i % 3 == 0 ? 2u : 9u)) act[t] = static_cast<double>((state >> 33) % 1000) / 7.0;
      }
      if (i == 5) act.assign(buckets, 3.0);  // constant: no variation
      b.add_node(r, "a" + std::to_string(i), "account", Label::Unknown, kNoTime, {}, i == 6 ? nullptr : &act);
    }
    const Snapshot s = b.finish();
    for (bool detrend : {true, false}) {
      const features::ActivityStandardiser st(s, detrend);
      EXPECT_EQ(st.period, buckets >= 48 ? 24u : 0u);
      EXPECT_EQ(st.detrend, detrend);
      auto sc = st.scratch();
      std::vector<double> want;
      int ok = 0;
      for (NodeId v = 0; v < s.num_nodes(); ++v) {
        const bool got = st(s, v, sc);
        ASSERT_EQ(got, plain_standardise(st, s, v, want)) << v;
        if (!got) continue;
        ++ok;
        for (std::uint32_t t = 0; t < buckets; ++t) ASSERT_EQ(sc.dense[t], want[t]) << "account " << v << " bucket " << t;
      }
      EXPECT_GT(ok, 250);
    }
  }
}

}  // namespace
}  // namespace hydrascope
