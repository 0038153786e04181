// The per-community pass of compute_features(): every community-level
// feature of one community and the account-level features of its accounts,
// family by family. One scan of each account's distinct neighbours feeds the
// structure, sharing, per-entity-type, links and seed features; one sort of
// the community's (entity, account) links feeds the community's entity
// features; the activity families (synchrony, balance, pivot) and the
// creation-time family (burst) read the snapshot's per-account series.
#include "community.hpp"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <limits>

namespace hydrascope::features {

namespace {

constexpr std::int64_t kHour = 3600LL * kMicrosPerSecond;
// Creation windows of the burst features, and the one a_in_burst uses.
constexpr std::int64_t kBurstWindows[4] = {kHour, 6 * kHour, 24 * kHour, 7 * 24 * kHour};
constexpr int kInBurstWindow = 1;
// Activity vectors of a community are kept (as floats) for the second pass
// of the lock-step correlation when they fit in this many values per thread;
// bigger communities standardise each account twice instead.
constexpr std::size_t kMaxKeptActivity = std::size_t{1} << 22;

// The community a pass is on.
struct Community {
  std::size_t slot = 0;
  CommunityId c = 0;
  float* cf = nullptr;  // its community-level features
  std::size_t na = 0;   // its accounts (in PassScratch::acc)
  double nd = 0.0;      // the same as a double
};

// What one scan of an account's distinct neighbours finds.
struct AccountTally {
  std::uint32_t degree = 0, shared = 0, pool = 0, own = 0, links = 0, links_in = 0, mutual = 0, mutual_in = 0;
  std::uint32_t max_shared = 0, min_shared = UINT32_MAX;
  std::uint32_t slot_count[kNumEntitySlots] = {}, slot_max[kNumEntitySlots] = {}, slot_own[kNumEntitySlots] = {};
  double ent_banned = 0.0, ent_banned_count = 0.0, ent_trusted = 0.0, ent_suspect = 0.0, links_seed = 0.0;
};

// Sums over the community's accounts for its link and label features.
struct CommunityTally {
  double links_total = 0.0, links_in_total = 0.0, mutual_in_total = 0.0;
  std::uint32_t linked_inside = 0, hub_links = 0;
  double seeds = 0.0, trusted = 0.0, suspects = 0.0;
};

// The community's entities per slot: distinct ones, the most used one (and
// its accounts), the owned ones, and the accounts of the shared ones inside
// the community and in all.
struct EntityTally {
  std::uint32_t distinct[kNumEntitySlots] = {}, top[kNumEntitySlots] = {}, owned[kNumEntitySlots] = {};
  NodeId top_id[kNumEntitySlots];
  double ex_in[kNumEntitySlots] = {}, ex_all[kNumEntitySlots] = {};
  std::size_t unique = 0;
  EntityTally() { std::fill(std::begin(top_id), std::end(top_id), kInvalidNode); }
};

// The community's accounts (into sc.acc), its size and its size band.
Community begin_community(const PassContext& ctx, std::size_t slot, PassScratch& sc) {
  Community cm;
  cm.slot = slot;
  cm.c = ctx.comm_ids[slot];
  cm.cf = ctx.out.community + slot * kNumCommunityFeatures;
  sc.acc.clear();
  for (std::uint64_t i = ctx.offsets[cm.c]; i < ctx.offsets[cm.c + 1]; ++i)
    if (ctx.s.kind(ctx.members[i]) == NodeKind::Account) sc.acc.push_back(ctx.members[i]);
  cm.na = sc.acc.size();
  cm.nd = static_cast<double>(cm.na);
  ctx.out.comm_accounts[slot] = static_cast<std::uint32_t>(cm.na);
  std::uint32_t band = 0;
  for (std::size_t b = 0; b < ctx.options.band_bounds.size(); ++b)
    if (cm.na >= ctx.options.band_bounds[b]) band = static_cast<std::uint32_t>(b);
  ctx.out.comm_band[slot] = static_cast<std::uint8_t>(band);
  return cm;
}

// --- account level: one scan of the account's neighbours --------------------------

// Scans account i's distinct neighbours; appends its (entity, i) links to sc.ent.
AccountTally scan_account(const PassContext& ctx, const Community& cm, std::size_t i, PassScratch& sc) {
  const Prep& p = ctx.p;
  const NodeId a = sc.acc[i];
  AccountTally t;
  const double sus = p.suspect[a];
  const double w = p.seed_w[a];
  const double tr = p.trusted[a];
  NodeId last = kInvalidNode;
  for (NodeId u : ctx.inc.neighbors(a)) {
    if (u == last) continue;
    last = u;
    ++t.degree;
    if (ctx.s.kind(u) == NodeKind::Account) {
      ++t.links;
      t.links_in += ctx.membership[u] == cm.c;
      t.links_seed += p.seed_w[u];
      if (p.mutual(a, u)) {
        ++t.mutual;
        t.mutual_in += ctx.membership[u] == cm.c;
      }
      continue;
    }
    sc.ent.emplace_back(u, static_cast<std::uint32_t>(i));
    const int sl = slot_of(ctx.s.kind(u));
    const std::uint32_t others = p.acc_deg[u] > 0 ? p.acc_deg[u] - 1 : 0;
    ++t.slot_count[sl];
    t.slot_max[sl] = std::max(t.slot_max[sl], others);
    t.max_shared = std::max(t.max_shared, others);
    if (others >= 1) {
      ++t.shared;
      t.min_shared = std::min(t.min_shared, others);
      if (p.acc_deg[u] <= ctx.options.pool_max_accounts) {
        ++t.pool;
        t.ent_banned_count += std::max(0.0, static_cast<double>(p.ent_seed[u]) - w);
      }
      t.ent_banned = std::max(t.ent_banned, std::max(0.0, static_cast<double>(p.ent_seed[u]) - w) / others);
      t.ent_trusted = std::max(t.ent_trusted, std::max(0.0, static_cast<double>(p.ent_trusted[u]) - tr) / others);
      t.ent_suspect = std::max(t.ent_suspect, std::max(0.0, static_cast<double>(p.ent_suspect[u]) - sus) / others);
    }
    if (ctx.owned(cm.c, u)) {
      ++t.own;
      ++t.slot_own[sl];
    }
  }
  return t;
}

// Structure: k-core, PageRank, the entities its community owns.
void account_structure(const PassContext& ctx, NodeId a, const AccountTally& t, float* x) {
  const std::uint32_t entities = t.degree - t.links;
  if (!ctx.inputs.core.empty()) x[AF::a_core_number] = static_cast<float>(std::log1p(ctx.inputs.core[a]));
  x[AF::a_pagerank_ratio] = ctx.p.pagerank_ratio[a];
  x[AF::a_owned_entities] = static_cast<float>(t.own);
  x[AF::a_owned_share] = entities > 0 ? static_cast<float>(t.own) / static_cast<float>(entities) : 0.0f;
}

// Sharing: how many of its entities other accounts use, and how many others.
void account_sharing(const AccountTally& t, float* x) {
  x[AF::a_shared_entities] = static_cast<float>(std::log1p(t.shared));
  x[AF::a_max_shared] = static_cast<float>(std::log1p(t.max_shared));
  x[AF::a_min_shared] = t.shared > 0 ? static_cast<float>(std::log1p(t.min_shared)) : kNaNf;
  x[AF::a_pool_entities] = static_cast<float>(t.pool);
}

// Per entity type (payment, ip, proxy, device, entity): the most shared one
// and the owned ones; which types account i has (for the community's coverage).
void account_entity_types(const PassContext& ctx, const AccountTally& t, std::size_t i, PassScratch& sc, float* x) {
  for (int sl = 0; sl < kNumEntitySlots; ++sl) {
    if (!ctx.av.slot[static_cast<std::size_t>(sl)]) continue;
    const int base = AF::a_payment_max_shared + 2 * sl;
    x[base] = static_cast<float>(std::log1p(t.slot_max[sl]));
    x[base + 1] = static_cast<float>(t.slot_own[sl]);
    sc.slot_has[i * kNumEntitySlots + static_cast<std::size_t>(sl)] = t.slot_count[sl] > 0;
    sc.slot_owned[i * kNumEntitySlots + static_cast<std::size_t>(sl)] = t.slot_own[sl] > 0;
  }
}

// Links: account-to-account edges, inside the community and both ways.
void account_links(const PassContext& ctx, const AccountTally& t, float* x) {
  if (!ctx.av.account_links) return;
  x[AF::a_links] = static_cast<float>(std::log1p(t.links));
  x[AF::a_links_in_comm] = t.links > 0 ? static_cast<float>(t.links_in) / static_cast<float>(t.links) : 0.0f;
  x[AF::a_links_mutual] = t.links > 0 ? static_cast<float>(t.mutual) / static_cast<float>(t.links) : 0.0f;
}

// Seed: labelled accounts around it (through entities and links), and the
// personalized PageRank from them.
void account_seed(const PassContext& ctx, NodeId a, const AccountTally& t, float* x) {
  if (ctx.have_seeds) {
    x[AF::a_ent_banned] = static_cast<float>(t.ent_banned);
    x[AF::a_ent_banned_count] = static_cast<float>(std::log1p(t.ent_banned_count));
    if (ctx.av.account_links) x[AF::a_links_banned] = t.links > 0 ? static_cast<float>(t.links_seed / t.links) : 0.0f;
  }
  x[AF::a_ppr_ratio] = ctx.p.ppr_ratio[a];
  if (ctx.have_suspects) x[AF::a_ent_suspect] = static_cast<float>(t.ent_suspect);
  if (ctx.have_trusted) x[AF::a_ent_trusted] = static_cast<float>(t.ent_trusted);
}

// The account-level features one scan of each account's neighbours gives
// (sc.ent gathers the community's entity links, sc.owned, sc.slot_has and
// sc.slot_owned what the community features need), and the community's sums.
CommunityTally account_features(const PassContext& ctx, const Community& cm, PassScratch& sc) {
  const std::size_t na = cm.na;
  sc.ent.clear();
  sc.owned.assign(na, 0);
  sc.slot_has.assign(na * kNumEntitySlots, 0);
  sc.slot_owned.assign(na * kNumEntitySlots, 0);
  CommunityTally ct;
  for (std::size_t i = 0; i < na; ++i) {
    const NodeId a = sc.acc[i];
    float* x = ctx.account_row(a);
    const AccountTally t = scan_account(ctx, cm, i, sc);
    account_structure(ctx, a, t, x);
    account_sharing(t, x);
    account_entity_types(ctx, t, i, sc, x);
    account_links(ctx, t, x);
    account_seed(ctx, a, t, x);
    sc.owned[i] = t.own;
    ct.links_total += t.links;
    ct.links_in_total += t.links_in;
    ct.mutual_in_total += t.mutual_in;
    ct.linked_inside += t.links_in > 0;
    ct.hub_links = std::max(ct.hub_links, t.links_in);
    ct.seeds += static_cast<double>(ctx.p.seed_w[a]);
    ct.trusted += static_cast<double>(ctx.p.trusted[a]);
    ct.suspects += static_cast<double>(ctx.p.suspect[a]);
  }
  return ct;
}

// Seed: the share of the other accounts of the community with each label.
void account_label_shares(const PassContext& ctx, const Community& cm, const PassScratch& sc, const CommunityTally& ct) {
  const std::size_t na = cm.na;
  const double nd = cm.nd;
  for (std::size_t i = 0; i < na; ++i) {
    const NodeId a = sc.acc[i];
    float* x = ctx.account_row(a);
    if (ctx.have_seeds) x[AF::a_comm_banned] = na >= 2 ? static_cast<float>((ct.seeds - ctx.p.seed_w[a]) / (nd - 1.0)) : kNaNf;
    if (ctx.have_trusted)
      x[AF::a_comm_trusted] = na >= 2 ? static_cast<float>((ct.trusted - ctx.p.trusted[a]) / (nd - 1.0)) : kNaNf;
    if (ctx.have_suspects)
      x[AF::a_comm_suspect] = na >= 2 ? static_cast<float>((ct.suspects - ctx.p.suspect[a]) / (nd - 1.0)) : kNaNf;
  }
}

// --- community level: its entities ---------------------------------------------------

std::uint32_t find_root(std::vector<std::uint32_t>& parent, std::uint32_t x) {
  while (parent[x] != x) x = parent[x] = parent[parent[x]];
  return x;
}

// Sorts the community's (entity, account) links, tallies its entities and
// joins the accounts tied through an entity the community owns (sc.parent).
EntityTally tally_entities(const PassContext& ctx, const Community& cm, PassScratch& sc) {
  std::sort(sc.ent.begin(), sc.ent.end());
  EntityTally e;
  sc.parent.resize(cm.na);
  for (std::uint32_t i = 0; i < cm.na; ++i) sc.parent[i] = i;
  for (std::size_t i = 0; i < sc.ent.size();) {
    std::size_t j = i;
    while (j < sc.ent.size() && sc.ent[j].first == sc.ent[i].first) ++j;
    const NodeId u = sc.ent[i].first;
    // Accounts tied through an entity the community owns form one group
    // (union by smaller index keeps the result independent of order).
    if (ctx.owned(cm.c, u))
      for (std::size_t k = i + 1; k < j; ++k) {
        const std::uint32_t x = find_root(sc.parent, sc.ent[i].second), y = find_root(sc.parent, sc.ent[k].second);
        if (x != y) sc.parent[std::max(x, y)] = std::min(x, y);
      }
    const auto cnt = static_cast<std::uint32_t>(j - i);
    const int sl = slot_of(ctx.s.kind(u));
    ++e.unique;
    ++e.distinct[sl];
    if (cnt > e.top[sl]) {
      e.top[sl] = cnt;
      e.top_id[sl] = u;
    }
    if (ctx.owned(cm.c, u)) ++e.owned[sl];
    if (cnt >= 2) {
      e.ex_in[sl] += cnt;
      e.ex_all[sl] += ctx.p.acc_deg[u];
    }
    i = j;
  }
  return e;
}

// Structure: each account's tie group (a_tie_group) and the community's largest.
void tie_groups(const PassContext& ctx, const Community& cm, PassScratch& sc) {
  const std::size_t na = cm.na;
  sc.group.assign(na, 0);
  for (std::uint32_t i = 0; i < na; ++i) ++sc.group[find_root(sc.parent, i)];
  std::uint32_t largest_group = 0;
  for (std::uint32_t i = 0; i < na; ++i) {
    const std::uint32_t g = sc.group[find_root(sc.parent, i)];
    largest_group = std::max(largest_group, g);
    ctx.account_row(sc.acc[i])[AF::a_tie_group] = static_cast<float>(std::log(static_cast<double>(g)));
  }
  cm.cf[CF::c_largest_tie_group] = static_cast<float>(static_cast<double>(largest_group) / cm.nd);
}

// Structure: size, entities per account, accounts tied to owned entities.
void community_structure(const Community& cm, const PassScratch& sc, const EntityTally& e) {
  const double nd = cm.nd;
  std::size_t core = 0, tie = 0;
  for (std::size_t i = 0; i < cm.na; ++i) {
    core += sc.owned[i] >= 2;
    tie += sc.owned[i] >= 1;
  }
  cm.cf[CF::c_log_accounts] = static_cast<float>(std::log(nd));
  cm.cf[CF::c_entities_per_account] = static_cast<float>(static_cast<double>(e.unique) / nd);
  cm.cf[CF::c_core_share] = static_cast<float>(static_cast<double>(core) / nd);
  cm.cf[CF::c_tie_share] = static_cast<float>(static_cast<double>(tie) / nd);
}

// Per entity type: coverage, concentration, the most used one (also kept for
// explanations), ownership, exclusivity; sharing: exclusivity over all types.
void community_entity_types(const PassContext& ctx, const Community& cm, const PassScratch& sc, const EntityTally& e) {
  const std::size_t na = cm.na;
  const double nd = cm.nd;
  float* cf = cm.cf;
  double ex_in_all = 0.0, ex_all_all = 0.0;
  for (int sl = 0; sl < kNumEntitySlots; ++sl) {
    ex_in_all += e.ex_in[sl];
    ex_all_all += e.ex_all[sl];
    const std::size_t at = cm.slot * kNumEntitySlots + static_cast<std::size_t>(sl);
    ctx.out.top_entity[at] = e.top_id[sl];
    ctx.out.top_count[at] = e.top[sl];
    ctx.out.owned_count[at] = e.owned[sl];
    if (!ctx.av.slot[static_cast<std::size_t>(sl)]) continue;
    std::size_t with = 0, with_owned = 0;
    for (std::size_t i = 0; i < na; ++i) {
      with += sc.slot_has[i * kNumEntitySlots + static_cast<std::size_t>(sl)];
      with_owned += sc.slot_owned[i * kNumEntitySlots + static_cast<std::size_t>(sl)];
    }
    const int base = CF::c_payment_coverage + 5 * sl;
    cf[base] = static_cast<float>(static_cast<double>(with) / nd);
    cf[base + 1] = with > 0 ? static_cast<float>(static_cast<double>(e.distinct[sl]) / static_cast<double>(with)) : kNaNf;
    cf[base + 2] = static_cast<float>(static_cast<double>(e.top[sl]) / nd);
    cf[base + 3] = static_cast<float>(static_cast<double>(with_owned) / nd);
    cf[base + 4] = e.ex_all[sl] > 0.0 ? static_cast<float>(e.ex_in[sl] / e.ex_all[sl]) : kNaNf;
  }
  cf[CF::c_exclusive] = ex_all_all > 0.0 ? static_cast<float>(ex_in_all / ex_all_all) : kNaNf;
}

// Most common key of (key, account) pairs (sorted and made unique here) and its account count.
std::pair<std::uint64_t, std::uint32_t> top_key(std::vector<std::pair<std::uint64_t, std::uint32_t>>& pairs) {
  std::sort(pairs.begin(), pairs.end());
  pairs.erase(std::unique(pairs.begin(), pairs.end()), pairs.end());
  std::uint64_t best = 0;
  std::uint32_t best_count = 0;
  for (std::size_t i = 0; i < pairs.size();) {
    std::size_t j = i;
    while (j < pairs.size() && pairs[j].first == pairs[i].first) ++j;
    if (j - i > best_count) {
      best = pairs[i].first;
      best_count = static_cast<std::uint32_t>(j - i);
    }
    i = j;
  }
  return {best, best_count};
}

// IP: the share of accounts on the most used IP prefix, and on the most used ASN.
void ip_shares(const PassContext& ctx, const Community& cm, PassScratch& sc) {
  const Prep& p = ctx.p;
  if (!(ctx.av.slot[kSlotIp] && (p.ip_prefixes || ctx.av.ip_asn))) return;
  for (int pass = 0; pass < 2; ++pass) {
    if ((pass == 0 && !p.ip_prefixes) || (pass == 1 && !ctx.av.ip_asn)) continue;
    sc.keyed.clear();
    for (std::size_t i = 0; i < cm.na; ++i) {
      NodeId last = kInvalidNode;
      for (NodeId u : ctx.inc.neighbors(sc.acc[i])) {
        if (u == last) continue;
        last = u;
        if (ctx.s.kind(u) != NodeKind::Ip) continue;
        const std::uint64_t key = pass == 0 ? p.ip_prefix[u] : p.ip_asn[u];
        if (key != 0) sc.keyed.emplace_back(key, static_cast<std::uint32_t>(i));
      }
    }
    const auto best = top_key(sc.keyed);
    cm.cf[pass == 0 ? CF::c_ip_prefix_share : CF::c_ip_asn_share] = static_cast<float>(best.second / cm.nd);
  }
}

// Structure: conductance over every member (accounts and entities).
void conductance(const PassContext& ctx, const Community& cm) {
  double volume = 0.0, cut = 0.0;
  for (std::uint64_t i = ctx.offsets[cm.c]; i < ctx.offsets[cm.c + 1]; ++i)
    for (NodeId u : ctx.inc.neighbors(ctx.members[i])) {
      volume += 1.0;
      cut += ctx.membership[u] != cm.c;
    }
  cm.cf[CF::c_conductance] = volume > 0.0 ? static_cast<float>(cut / volume) : 0.0f;
}

// Links: account-to-account edges inside the community.
void community_links(const PassContext& ctx, const Community& cm, const CommunityTally& ct) {
  if (!ctx.av.account_links) return;
  const std::size_t na = cm.na;
  const double nd = cm.nd;
  float* cf = cm.cf;
  cf[CF::c_links_internal] = static_cast<float>(ct.links_in_total / 2.0 / nd);
  cf[CF::c_links_share] = ct.links_total > 0.0 ? static_cast<float>(ct.links_in_total / ct.links_total) : kNaNf;
  cf[CF::c_links_coverage] = static_cast<float>(ct.linked_inside / nd);
  cf[CF::c_links_mutual] = ct.links_in_total > 0.0 ? static_cast<float>(ct.mutual_in_total / ct.links_in_total) : kNaNf;
  cf[CF::c_links_hub] = na >= 2 ? static_cast<float>(ct.hub_links / (nd - 1.0)) : kNaNf;
}

// --- activity: synchrony, balance, pivot ------------------------------------------------

// Mean pairwise correlation of k standardised vectors of B buckets, from their sum.
double mean_corr(const std::vector<double>& sum, std::uint64_t k, double B) {
  double s2 = 0.0;
  for (double v : sum) s2 += v * v;
  const double kd = static_cast<double>(k);
  return (s2 - kd * B) / (kd * (kd - 1.0) * B);
}

// Synchrony of each account with the rest (a_sync): its standardised vector
// (sc.kept when `keep`, else standardised again) against sc.sum_all less itself.
void account_sync(const PassContext& ctx, const Community& cm, PassScratch& sc, std::uint64_t k_all, bool keep) {
  const std::uint32_t buckets = ctx.buckets;
  const double kd = static_cast<double>(k_all);
  for (std::size_t i = 0; i < cm.na; ++i) {
    if (!sc.ok[i]) continue;
    double dot = 0.0;
    if (keep) {
      const float* z = sc.kept.data() + i * buckets;
      for (std::uint32_t t = 0; t < buckets; ++t) dot += static_cast<double>(z[t]) * sc.sum_all[t];
      double self = 0.0;
      for (std::uint32_t t = 0; t < buckets; ++t) self += static_cast<double>(z[t]) * z[t];
      dot -= self;
    } else {
      (void)ctx.standardise(ctx.s, sc.acc[i], sc.act);
      for (std::uint32_t t = 0; t < buckets; ++t) dot += sc.act.dense[t] * (sc.sum_all[t] - sc.act.dense[t]);
    }
    ctx.account_row(sc.acc[i])[AF::a_sync] = static_cast<float>(dot / ((kd - 1.0) * ctx.B));
  }
}

// Synchrony: the community's mean correlation (of all its active accounts
// and of its core ones) from the sums of their standardised vectors, then each account's.
void synchrony(const PassContext& ctx, const Community& cm, PassScratch& sc) {
  const std::size_t na = cm.na;
  const std::uint32_t buckets = ctx.buckets;
  sc.ok.assign(na, 0);
  sc.core.assign(na, 0);
  sc.sum_all.assign(buckets, 0.0);
  sc.sum_core.assign(buckets, 0.0);
  const bool keep = na * static_cast<std::size_t>(buckets) <= kMaxKeptActivity;
  if (keep) sc.kept.resize(na * static_cast<std::size_t>(buckets));
  std::uint64_t k_all = 0, k_core = 0;
  for (std::size_t i = 0; i < na; ++i) {
    if (!ctx.standardise(ctx.s, sc.acc[i], sc.act)) continue;
    sc.ok[i] = 1;
    sc.core[i] = sc.owned[i] >= 2;
    ++k_all;
    for (std::uint32_t t = 0; t < buckets; ++t) sc.sum_all[t] += sc.act.dense[t];
    if (sc.core[i]) {
      ++k_core;
      for (std::uint32_t t = 0; t < buckets; ++t) sc.sum_core[t] += sc.act.dense[t];
    }
    if (keep)
      for (std::uint32_t t = 0; t < buckets; ++t) sc.kept[i * buckets + t] = static_cast<float>(sc.act.dense[t]);
  }
  if (k_all >= 2) cm.cf[CF::c_sync] = static_cast<float>(mean_corr(sc.sum_all, k_all, ctx.B));
  if (k_core >= 3) cm.cf[CF::c_sync_core] = static_cast<float>(mean_corr(sc.sum_core, k_core, ctx.B));
  if (k_all >= 2) account_sync(ctx, cm, sc, k_all, keep);
}

// Robust spread (1.4826 x MAD) of v (sorted here); its median into *median when asked.
double robust_spread(std::vector<double>& v, double* median) {
  std::sort(v.begin(), v.end());
  const double med = percentile_sorted(v, 0.5);
  if (median) *median = med;
  std::vector<double> dev;
  dev.reserve(v.size());
  for (double x : v) dev.push_back(std::fabs(x - med));
  std::sort(dev.begin(), dev.end());
  return 1.4826 * percentile_sorted(dev, 0.5);
}

// Balance: the spread of ln(volume) over the active accounts (and the core
// ones), each account's distance from the median. Returns the active accounts.
std::size_t balance(const PassContext& ctx, const Community& cm, PassScratch& sc) {
  const Snapshot& s = ctx.s;
  sc.logv.clear();
  sc.core_logv.clear();
  std::size_t active = 0;
  for (std::size_t i = 0; i < cm.na; ++i) {
    const NodeId a = sc.acc[i];
    if (!s.has_activity(a)) continue;
    const double vol = s.activity_total(a);
    if (!(vol > 0.0)) continue;
    ++active;
    sc.logv.push_back(std::log(vol));
    if (sc.owned[i] >= 2) sc.core_logv.push_back(std::log(vol));
  }
  cm.cf[CF::c_active_share] = static_cast<float>(static_cast<double>(active) / cm.nd);
  if (sc.logv.size() >= 3) {
    double med = 0.0;
    cm.cf[CF::c_spread] = static_cast<float>(robust_spread(sc.logv, &med));
    for (std::size_t i = 0; i < cm.na; ++i) {
      const double vol = s.has_activity(sc.acc[i]) ? s.activity_total(sc.acc[i]) : 0.0;
      if (vol > 0.0) ctx.account_row(sc.acc[i])[AF::a_volume_dev] = static_cast<float>(std::fabs(std::log(vol) - med));
    }
  }
  if (sc.core_logv.size() >= 3) cm.cf[CF::c_spread_core] = static_cast<float>(robust_spread(sc.core_logv, nullptr));
  return active;
}

// The change point of a summed series of total `total_series`: the bucket
// t (in the middle 80 %) that splits it into the most different means.
std::uint32_t change_point(const std::vector<double>& series, double total_series, std::uint32_t buckets, double B) {
  const std::uint32_t lo = std::max<std::uint32_t>(1, buckets / 10);
  const std::uint32_t hi = buckets - lo;
  double prefix = 0.0, best = -1.0;
  std::uint32_t best_t = lo;
  for (std::uint32_t t = 0; t < lo; ++t) prefix += series[t];
  for (std::uint32_t t = lo; t <= hi && t < buckets; ++t) {
    const double before = prefix / t;
    const double after = (total_series - prefix) / (B - t);
    const double stat = std::fabs(after - before) * std::sqrt(static_cast<double>(t) * (B - t)) / B;
    if (stat > best) {
      best = stat;
      best_t = t;
    }
    prefix += series[t];
  }
  return best_t;
}

// Pivot: the change point of the community's summed series, then which
// active accounts step (x4) the same way there.
void pivot(const PassContext& ctx, const Community& cm, PassScratch& sc, std::size_t active) {
  const Snapshot& s = ctx.s;
  const std::uint32_t buckets = ctx.buckets;
  const double B = ctx.B;
  sc.series.assign(buckets, 0.0);
  double total_series = 0.0;
  for (NodeId a : sc.acc) {
    s.for_each_activity(a, [&](std::uint32_t k, float x) {
      sc.series[k] += x;
      total_series += x;
    });
  }
  if (!(total_series > 0.0 && active >= 2 && buckets >= 4)) return;
  const std::uint32_t best_t = change_point(sc.series, total_series, buckets, B);
  double pre = 0.0;
  for (std::uint32_t t = 0; t < best_t; ++t) pre += sc.series[t];
  const double dir = (total_series - pre) / (B - best_t) >= pre / best_t ? 1.0 : -1.0;
  std::size_t stepped = 0;
  for (std::size_t i = 0; i < cm.na; ++i) {
    const NodeId a = sc.acc[i];
    double before = 0.0, tot = 0.0;
    s.for_each_activity(a, [&](std::uint32_t k, float x) {
      tot += x;
      if (k < best_t) before += x;
    });
    if (!(tot > 0.0)) continue;
    const double eps = 0.05 * tot / B + 1e-12;
    const double mb = before / best_t + eps;
    const double ma = (tot - before) / (B - best_t) + eps;
    const bool step = dir * std::log(ma / mb) >= std::log(4.0);
    stepped += step;
    ctx.account_row(a)[AF::a_pivot] = step ? 1.0f : 0.0f;
  }
  cm.cf[CF::c_pivot] = static_cast<float>(static_cast<double>(stepped) / static_cast<double>(active));
}

// --- creation times: bursts, gaps ---------------------------------------------------------

// Burst: hours from each account's creation to the nearest other one
// (sc.created: sorted (time, account index) pairs, two or more).
void creation_gaps(const PassContext& ctx, const PassScratch& sc) {
  const std::size_t m = sc.created.size();
  for (std::size_t j = 0; j < m; ++j) {
    std::int64_t gap = std::numeric_limits<std::int64_t>::max();
    if (j > 0) gap = std::min(gap, sc.created[j].first - sc.created[j - 1].first);
    if (j + 1 < m) gap = std::min(gap, sc.created[j + 1].first - sc.created[j].first);
    ctx.account_row(sc.acc[sc.created[j].second])[AF::a_created_gap] =
        static_cast<float>(std::log1p(static_cast<double>(gap) / static_cast<double>(kHour)));
  }
}

// Burst: the largest share of the accounts created within each window, and
// which accounts fall in the densest 6-hour one (sc.created: three or more).
void creation_bursts(const PassContext& ctx, const Community& cm, const PassScratch& sc) {
  const std::size_t m = sc.created.size();
  for (int w = 0; w < 4; ++w) {
    std::size_t best = 0, best_lo = 0, lo = 0;
    for (std::size_t hi = 0; hi < m; ++hi) {
      while (sc.created[hi].first - sc.created[lo].first > kBurstWindows[w]) ++lo;
      if (hi - lo + 1 > best) {
        best = hi - lo + 1;
        best_lo = lo;
      }
    }
    cm.cf[CF::c_burst_1h + w] = static_cast<float>(static_cast<double>(best) / static_cast<double>(m));
    if (w == kInBurstWindow) {
      const std::int64_t w0 = sc.created[best_lo].first, w1 = w0 + kBurstWindows[w];
      for (const auto& [t, i] : sc.created) ctx.account_row(sc.acc[i])[AF::a_in_burst] = t >= w0 && t <= w1 ? 1.0f : 0.0f;
    }
  }
}

// Burst: the accounts with a creation time, sorted by it, then gaps and bursts.
void burst(const PassContext& ctx, const Community& cm, PassScratch& sc) {
  sc.created.clear();
  for (std::size_t i = 0; i < cm.na; ++i) {
    const Timestamp t = ctx.s.created_at(sc.acc[i]);
    if (t == kNoTime) continue;
    sc.created.emplace_back(t, static_cast<std::uint32_t>(i));
  }
  std::sort(sc.created.begin(), sc.created.end());
  if (sc.created.size() >= 2) creation_gaps(ctx, sc);
  if (sc.created.size() >= 3) creation_bursts(ctx, cm, sc);
}

}  // namespace

void community_pass(const PassContext& ctx, std::size_t slot, PassScratch& sc) {
  const Community cm = begin_community(ctx, slot, sc);
  const CommunityTally ct = account_features(ctx, cm, sc);
  account_label_shares(ctx, cm, sc, ct);
  const EntityTally e = tally_entities(ctx, cm, sc);
  tie_groups(ctx, cm, sc);
  community_structure(cm, sc, e);
  community_entity_types(ctx, cm, sc, e);
  ip_shares(ctx, cm, sc);
  conductance(ctx, cm);
  community_links(ctx, cm, ct);
  if (ctx.av.activity) {
    synchrony(ctx, cm, sc);
    const std::size_t active = balance(ctx, cm, sc);
    pivot(ctx, cm, sc, active);
  }
  if (ctx.av.created_at) burst(ctx, cm, sc);
  // A community of one account says nothing about concentration (its one
  // account is always "100 % on its top card"): its shares are missing.
  if (cm.na == 1)
    for (int f = 0; f < kNumCommunityFeatures; ++f)
      if (f != CF::c_log_accounts && f != CF::c_conductance) cm.cf[f] = kNaNf;
}

}  // namespace hydrascope::features
