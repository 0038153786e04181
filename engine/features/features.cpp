// compute_features(): every account's and every community's feature vector
// in one pass over the incident snapshot edges of the accounts (plus one over
// the entities for their account counts and home communities) and
// O(accounts x buckets) for the activity features. Never touches pairs of
// accounts.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#if defined(_OPENMP)
#include <omp.h>
#endif

#include "hydrascope/features.hpp"
#include "schema.hpp"
#include "signals.hpp"

namespace hydrascope {

using namespace features;

namespace {

constexpr float kNaNf = std::numeric_limits<float>::quiet_NaN();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr std::int64_t kHour = 3600LL * kMicrosPerSecond;
// Creation windows of the burst features, and the one a_in_burst uses.
constexpr std::int64_t kBurstWindows[4] = {kHour, 6 * kHour, 24 * kHour, 7 * 24 * kHour};
constexpr int kInBurstWindow = 1;
// Activity vectors of a community are kept (as floats) for the second pass
// of the lock-step correlation when they fit in this many values per thread;
// bigger communities standardise each account twice instead.
constexpr std::size_t kMaxKeptActivity = std::size_t{1} << 22;

int slot_of(NodeKind k) noexcept {
  switch (k) {
    case NodeKind::PaymentMethod: return kSlotPayment;
    case NodeKind::Ip: return kSlotIp;
    case NodeKind::Proxy: return kSlotProxy;
    case NodeKind::Device: return kSlotDevice;
    case NodeKind::Other: return kSlotEntity;
    case NodeKind::Account: return -1;
  }
  return -1;
}


// Mid-rank quantile of x among sorted values: (below + equal / 2) / count.
float midrank(const std::vector<double>& sorted, double x) {
  const auto lo = std::lower_bound(sorted.begin(), sorted.end(), x);
  const auto hi = std::upper_bound(lo, sorted.end(), x);
  const double below = static_cast<double>(lo - sorted.begin());
  const double equal = static_cast<double>(hi - lo);
  return static_cast<float>((below + 0.5 * equal) / static_cast<double>(sorted.size()));
}


// Snapshot-level facts every community pass reads.
struct Prep {
  std::vector<std::uint32_t> acc_deg;    // per node: distinct account neighbours
  std::vector<float> seed_w;             // per node: 1 banned, 0 otherwise (accounts)
  std::vector<std::uint8_t> suspect;     // per node (accounts): labelled suspect
  std::vector<std::uint8_t> trusted;     // per node (accounts)
  std::vector<float> ent_seed;           // per node: banned accounts among its distinct accounts
  std::vector<std::uint32_t> ent_suspect;
  std::vector<std::uint32_t> ent_trusted;
  std::vector<CommunityId> home;         // per entity: the community holding most of its accounts
  std::vector<std::uint32_t> home_count; // its accounts there
  std::vector<std::uint64_t> ip_prefix;  // per IP node (0 none)
  std::vector<std::uint64_t> ip_asn;     // per IP node (0 none)
  std::vector<float> ppr_ratio, pagerank_ratio;  // per node (accounts)
  std::vector<std::uint64_t> links;     // account-to-account edges as (src << 32 | dst), sorted, unique
  bool ip_prefixes = false;

  // a and b are linked in both directions (they are linked in at least one).
  bool mutual(NodeId a, NodeId b) const {
    auto key = [](NodeId x, NodeId y) { return static_cast<std::uint64_t>(x) << 32 | y; };
    return std::binary_search(links.begin(), links.end(), key(a, b)) &&
           std::binary_search(links.begin(), links.end(), key(b, a));
  }
};

struct Scratch {
  std::vector<NodeId> acc;
  std::vector<std::pair<NodeId, std::uint32_t>> ent;  // (entity, account index) per link of the community's accounts
  std::vector<std::uint32_t> parent, group;  // tie groups (union-find over owned entities)
  std::vector<std::uint32_t> owned;     // per account: own entities linked
  std::vector<std::uint8_t> slot_has, slot_owned;  // per account x slot
  std::vector<std::pair<std::uint64_t, std::uint32_t>> keyed;  // (prefix or asn, account) pairs
  std::vector<std::pair<std::int64_t, std::uint32_t>> created;
  std::vector<double> sum_all, sum_core, series, logv, tmp;
  std::vector<float> kept;
  std::vector<std::uint8_t> ok, core;
  ActivityStandardiser::Scratch act;
};

// Most common key of sorted unique (key, account) pairs and its account count.
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

}  // namespace

float FeatureTable::value(std::uint64_t r, int f) const noexcept {
  if (f < kNumAccountFeatures) return account_[r * kNumAccountFeatures + static_cast<std::uint64_t>(f)];
  const std::uint64_t slot = row_comm_[r];
  if (f < kNumAccountFeatures + kNumCommunityFeatures)
    return community_[slot * kNumCommunityFeatures + static_cast<std::uint64_t>(f - kNumAccountFeatures)];
  return quantile_[slot * kNumQuantileFeatures + static_cast<std::uint64_t>(f - kNumAccountFeatures - kNumCommunityFeatures)];
}

namespace {
void prepare_matrix(FeatureMatrix& out, std::uint64_t rows) {
  if (out.names.size() != static_cast<std::size_t>(kNumFeatures)) {
    out.names.clear();
    for (const auto& spec : feature_schema()) out.names.emplace_back(spec.name);
  }
  out.rows = rows;
  out.values.resize(rows * static_cast<std::uint64_t>(kNumFeatures));
}
// Accounts: their rows, what the snapshot carries (availability) and their
// labels; the account-to-account edges with their direction.
void scan_accounts(const Snapshot& s, std::vector<std::uint32_t>& row_of, std::vector<NodeId>& accounts,
                   DataAvailability& av, Prep& p) {
  const NodeId n = s.num_nodes();
  row_of.assign(n, UINT32_MAX);
  p.seed_w.assign(n, 0.0f);
  p.suspect.assign(n, 0);
  p.trusted.assign(n, 0);
  for (NodeId v = 0; v < n; ++v) {
    const NodeKind k = s.kind(v);
    if (k != NodeKind::Account) {
      av.slot[static_cast<std::size_t>(slot_of(k))] = true;
      continue;
    }
    row_of[v] = static_cast<std::uint32_t>(accounts.size());
    accounts.push_back(v);
    if (s.has_activity(v)) av.activity = true;
    if (s.created_at(v) != kNoTime) av.created_at = true;
    switch (s.label(v)) {
      case Label::Banned:
        p.seed_w[v] = 1.0f;
        ++av.banned;
        break;
      case Label::Suspect:
        p.suspect[v] = 1;
        ++av.suspect;
        break;
      case Label::Trusted:
        p.trusted[v] = 1;
        ++av.trusted;
        break;
      default: break;
    }
  }
  av.activity = av.activity && s.meta().activity.buckets >= 2;
  // Account-to-account edges with their direction, for reciprocity (the
  // incidence lists are undirected). One pass; sorted, so lookups are log E.
  for (EdgeId e = 0; e < s.num_edges(); ++e) {
    const NodeId u = s.edge_src(e), v = s.edge_dst(e);
    if (u == v || s.kind(u) != NodeKind::Account || s.kind(v) != NodeKind::Account) continue;
    p.links.push_back(static_cast<std::uint64_t>(u) << 32 | v);
  }
  av.account_links = !p.links.empty();
  std::sort(p.links.begin(), p.links.end());
  p.links.erase(std::unique(p.links.begin(), p.links.end()), p.links.end());
}

// Entities: their distinct accounts, the labels among them, the community
// holding most of them (their home), and IP prefixes and ASNs.
void scan_entities(const Snapshot& s, const Incidence& inc, const std::vector<CommunityId>& membership, int threads,
                   DataAvailability& av, Prep& p) {
  const NodeId n = s.num_nodes();
  const std::uint32_t asn_key = s.attr_keys().find("asn");
  p.acc_deg.assign(n, 0);
  p.ent_seed.assign(n, 0.0f);
  p.ent_suspect.assign(n, 0);
  p.ent_trusted.assign(n, 0);
  p.ip_prefix.assign(n, 0);
  p.ip_asn.assign(n, 0);
  p.home.assign(n, kNoCommunity);
  p.home_count.assign(n, 0);
  {
    const auto nn = static_cast<std::int64_t>(n);
    bool any_prefix = false, any_asn = false;
#pragma omp parallel num_threads(threads) reduction(|| : any_prefix, any_asn)
    {
      std::vector<CommunityId> comms;
#pragma omp for schedule(dynamic, 1024)
      for (std::int64_t i = 0; i < nn; ++i) {
        const auto v = static_cast<NodeId>(i);
        std::uint32_t accounts = 0;
        float seed = 0.0f;
        std::uint32_t trusted = 0, suspects = 0;
        const bool entity = s.kind(v) != NodeKind::Account;
        comms.clear();
        NodeId last = kInvalidNode;
        for (NodeId u : inc.neighbors(v)) {
          if (u == last) continue;
          last = u;
          if (s.kind(u) != NodeKind::Account) continue;
          ++accounts;
          seed += p.seed_w[u];
          trusted += p.trusted[u];
          suspects += p.suspect[u];
          if (entity) comms.push_back(membership[u]);
        }
        p.acc_deg[v] = accounts;
        if (!entity) continue;
        p.ent_seed[v] = seed;
        p.ent_trusted[v] = trusted;
        p.ent_suspect[v] = suspects;
        if (comms.size() >= 2) {
          std::sort(comms.begin(), comms.end());
          CommunityId best = kNoCommunity;
          std::uint32_t best_count = 0;
          for (std::size_t a = 0; a < comms.size();) {
            std::size_t b = a;
            while (b < comms.size() && comms[b] == comms[a]) ++b;
            if (b - a > best_count) {
              best_count = static_cast<std::uint32_t>(b - a);
              best = comms[a];
            }
            a = b;
          }
          p.home[v] = best;
          p.home_count[v] = best_count;
        }
        if (s.kind(v) == NodeKind::Ip) {
          p.ip_prefix[v] = ip_prefix_key(s.node_id(v));
          any_prefix = any_prefix || p.ip_prefix[v] != 0;
          for (const Attr& a : s.attrs(v)) {
            if (a.key != asn_key) continue;
            if (a.type == AttrType::Int) p.ip_asn[v] = (1ull << 62) | (static_cast<std::uint64_t>(a.as_int()) & ((1ull << 62) - 1));
            else if (a.type == AttrType::String) p.ip_asn[v] = (2ull << 62) | a.as_string_id();
            else if (a.type == AttrType::Double && std::isfinite(a.as_double()))
              p.ip_asn[v] = (3ull << 62) | (static_cast<std::uint64_t>(std::fabs(a.as_double())) & ((1ull << 62) - 1));
            any_asn = any_asn || p.ip_asn[v] != 0;
          }
        }
      }
    }
    p.ip_prefixes = any_prefix;
    av.ip_asn = any_asn;
  }
}

// Centralities relative to the snapshot: personalized PageRank per degree
// over its mean (labelled accounts without their own restart mass), PageRank
// over the uniform value.
void relative_centralities(const Snapshot& s, const Incidence& inc, const FeatureInputs& inputs,
                           const std::vector<NodeId>& accounts, bool labelled, Prep& p) {
  const NodeId n = s.num_nodes();
  p.ppr_ratio.assign(n, kNaNf);
  p.pagerank_ratio.assign(n, kNaNf);
  {
    if (!inputs.ppr.empty() && labelled) {
      double sum = 0.0;
      for (NodeId a : accounts) {
        double x = inputs.ppr[a];
        if (p.seed_w[a] > 0.0f || p.suspect[a]) x = std::max(0.0, x - inputs.ppr_own_restart);
        const double r = x / static_cast<double>(std::max<EdgeId>(1, inc.degree(a)));
        p.ppr_ratio[a] = static_cast<float>(r);
        sum += r;
      }
      const double mean = accounts.empty() ? 0.0 : sum / static_cast<double>(accounts.size());
      for (NodeId a : accounts)
        p.ppr_ratio[a] = mean > 0.0 ? static_cast<float>(std::log1p(p.ppr_ratio[a] / mean)) : 0.0f;
    }
    if (!inputs.pagerank.empty())
      for (NodeId a : accounts)
        p.pagerank_ratio[a] = inputs.pagerank[a] > 0.0
                                  ? static_cast<float>(std::log(inputs.pagerank[a] * static_cast<double>(n)))
                                  : kNaNf;
  }
}

// Quantiles of the community features within size bands, and the
// references (median, p90, p99 per band) that explanations quote.
void band_quantiles(const std::vector<std::uint8_t>& comm_band, const std::vector<std::uint32_t>& comm_accounts,
                    const std::vector<float>& community, std::vector<float>& quantile,
                    std::vector<BandReference>& refs, const FeatureOptions& options) {
  const std::size_t num_slots = comm_band.size();
  const auto num_bands = static_cast<std::uint32_t>(options.band_bounds.size());
  refs.assign(static_cast<std::size_t>(num_bands) * kNumFeatures, BandReference{});
  {
    std::vector<std::uint32_t> band_count(num_bands, 0);
    for (std::size_t slot = 0; slot < num_slots; ++slot) ++band_count[comm_band[slot]];
    std::vector<std::vector<double>> sorted(num_bands + 1);  // last: every community of >= 2 accounts
    const auto fill_sorted = [&](int f) {
      for (auto& v : sorted) v.clear();
      for (std::size_t slot = 0; slot < num_slots; ++slot) {
        const float x = community[slot * kNumCommunityFeatures + static_cast<std::size_t>(f)];
        if (std::isnan(x)) continue;
        sorted[comm_band[slot]].push_back(x);
        if (comm_accounts[slot] >= 2) sorted[num_bands].push_back(x);
      }
      for (auto& v : sorted) std::sort(v.begin(), v.end());
    };
    for (int f = 0; f < kNumCommunityFeatures; ++f) {
      fill_sorted(f);
      for (std::uint32_t b = 0; b < num_bands; ++b) {
        BandReference& r = refs[static_cast<std::size_t>(b) * kNumFeatures + schema_index_community(f)];
        const auto& v = band_count[b] >= options.min_band_communities ? sorted[b] : sorted[num_bands];
        r.communities = static_cast<std::uint32_t>(v.size());
        r.pooled = band_count[b] < options.min_band_communities;
        r.median = percentile_sorted(v, 0.5);
        r.p90 = percentile_sorted(v, 0.9);
        r.p99 = percentile_sorted(v, 0.99);
      }
      // Quantile features ranking this community feature.
      for (int q = 0; q < kNumQuantileFeatures; ++q) {
        if (kQuantileSource[q] != f) continue;
        for (std::size_t slot = 0; slot < num_slots; ++slot) {
          const float x = community[slot * kNumCommunityFeatures + static_cast<std::size_t>(f)];
          if (std::isnan(x)) continue;
          const std::uint32_t b = comm_band[slot];
          const auto& v = band_count[b] >= options.min_band_communities ? sorted[b] : sorted[num_bands];
          if (v.empty()) continue;
          quantile[slot * kNumQuantileFeatures + static_cast<std::size_t>(q)] = midrank(v, x);
        }
      }
    }
  }
}

}  // namespace

namespace {

// Row r of a table as the model's row: the account's values, then its
// community's, then the community's quantiles.
void assemble_row(const float* account, const float* community, const float* quantile, std::uint64_t r,
                  std::uint64_t slot, float* dst) {
  std::copy_n(account + r * kNumAccountFeatures, kNumAccountFeatures, dst);
  std::copy_n(community + slot * kNumCommunityFeatures, kNumCommunityFeatures, dst + kNumAccountFeatures);
  std::copy_n(quantile + slot * kNumQuantileFeatures, kNumQuantileFeatures,
              dst + kNumAccountFeatures + kNumCommunityFeatures);
}

}  // namespace

void FeatureTable::rows(std::uint64_t first, std::uint64_t count, FeatureMatrix& out) const {
  if (first > accounts_.size() || count > accounts_.size() - first) throw std::invalid_argument("FeatureTable::rows: out of range");
  prepare_matrix(out, count);
  for (std::uint64_t i = 0; i < count; ++i)
    assemble_row(account_.data(), community_.data(), quantile_.data(), first + i, row_comm_[first + i],
                 out.values.data() + i * kNumFeatures);
}

void FeatureTable::rows(std::span<const std::uint32_t> which, FeatureMatrix& out) const {
  prepare_matrix(out, which.size());
  for (std::size_t i = 0; i < which.size(); ++i) {
    const std::uint64_t r = which[i];
    if (r >= accounts_.size()) throw std::invalid_argument("FeatureTable::rows: row out of range");
    assemble_row(account_.data(), community_.data(), quantile_.data(), r, row_comm_[r], out.values.data() + i * kNumFeatures);
  }
}

float FeatureTable::community_value(CommunityId c, int f) const noexcept {
  if (c >= comm_slot_.size() || comm_slot_[c] == UINT32_MAX) return kNaNf;
  const std::uint64_t slot = comm_slot_[c];
  if (f >= kNumAccountFeatures && f < kNumAccountFeatures + kNumCommunityFeatures)
    return community_[slot * kNumCommunityFeatures + static_cast<std::uint64_t>(f - kNumAccountFeatures)];
  if (f >= kNumAccountFeatures + kNumCommunityFeatures && f < kNumFeatures)
    return quantile_[slot * kNumQuantileFeatures + static_cast<std::uint64_t>(f - kNumAccountFeatures - kNumCommunityFeatures)];
  return kNaNf;
}

std::uint32_t FeatureTable::community_accounts(CommunityId c) const noexcept {
  if (c >= comm_slot_.size() || comm_slot_[c] == UINT32_MAX) return 0;
  return comm_accounts_[comm_slot_[c]];
}

std::uint32_t FeatureTable::band_of(CommunityId c) const noexcept {
  if (c >= comm_slot_.size() || comm_slot_[c] == UINT32_MAX) return 0;
  return comm_band_[comm_slot_[c]];
}

const BandReference& FeatureTable::reference(std::uint32_t band, int f) const noexcept {
  return refs_[static_cast<std::size_t>(band) * kNumFeatures + static_cast<std::size_t>(f)];
}

NodeId FeatureTable::top_entity(CommunityId c, int slot) const noexcept {
  if (c >= comm_slot_.size() || comm_slot_[c] == UINT32_MAX) return kInvalidNode;
  return top_entity_[static_cast<std::size_t>(comm_slot_[c]) * kNumEntitySlots + static_cast<std::size_t>(slot)];
}

std::uint32_t FeatureTable::top_entity_accounts(CommunityId c, int slot) const noexcept {
  if (c >= comm_slot_.size() || comm_slot_[c] == UINT32_MAX) return 0;
  return top_count_[static_cast<std::size_t>(comm_slot_[c]) * kNumEntitySlots + static_cast<std::size_t>(slot)];
}

std::uint32_t FeatureTable::owned_entities(CommunityId c, int slot) const noexcept {
  if (c >= comm_slot_.size() || comm_slot_[c] == UINT32_MAX) return 0;
  return owned_count_[static_cast<std::size_t>(comm_slot_[c]) * kNumEntitySlots + static_cast<std::size_t>(slot)];
}

std::size_t FeatureTable::memory_bytes() const noexcept {
  return accounts_.capacity() * sizeof(NodeId) + row_of_.capacity() * 4 + row_comm_.capacity() * 4 +
         account_.capacity() * 4 + comm_ids_.capacity() * 4 + comm_slot_.capacity() * 4 + community_.capacity() * 4 +
         quantile_.capacity() * 4 + comm_accounts_.capacity() * 4 + comm_band_.capacity() + top_entity_.capacity() * 4 +
         top_count_.capacity() * 4 + owned_count_.capacity() * 4 + refs_.capacity() * sizeof(BandReference);
}

FeatureTable compute_features(const Snapshot& s, const Incidence& inc, const Partition& partition,
                              const FeatureInputs& inputs, const FeatureOptions& options) {
  options.validate();
  const auto t0 = std::chrono::steady_clock::now();
  const NodeId n = s.num_nodes();
  if (partition.membership.size() != n) throw std::invalid_argument("compute_features: partition does not cover the snapshot");
  if (inc.offsets.size() != static_cast<std::size_t>(n) + 1)
    throw std::invalid_argument("compute_features: incidence does not match the snapshot");
  if (!inputs.ppr.empty() && inputs.ppr.size() != n) throw std::invalid_argument("compute_features: ppr has the wrong size");
  if (!inputs.pagerank.empty() && inputs.pagerank.size() != n)
    throw std::invalid_argument("compute_features: pagerank has the wrong size");
  if (!inputs.core.empty() && inputs.core.size() != n) throw std::invalid_argument("compute_features: core has the wrong size");
  const auto& membership = partition.membership;
  for (CommunityId c : membership)
    if (c >= partition.num_communities) throw std::invalid_argument("compute_features: membership out of range");
  const int threads = resolve_threads(options.threads);
  auto check_cancel = [&] {
    if (options.cancel.cancelled()) throw Cancelled();
  };

  FeatureTable table;
  DataAvailability& av = table.avail_;
  Prep p;

  scan_accounts(s, table.row_of_, table.accounts_, av, p);
  const bool have_seeds = av.banned > 0;
  const bool have_suspects = av.suspect > 0;
  const bool have_trusted = av.trusted > 0;

  scan_entities(s, inc, membership, threads, av, p);
  check_cancel();

  const std::uint32_t buckets = s.meta().activity.buckets;
  relative_centralities(s, inc, inputs, table.accounts_, have_seeds || have_suspects, p);
  const ActivityStandardiser standardise(s, options.detrend);

  // --- communities with accounts ----------------------------------------------------
  std::vector<std::uint64_t> offsets;
  std::vector<NodeId> members;
  partition.members(offsets, members);
  table.comm_slot_.assign(partition.num_communities, UINT32_MAX);
  for (CommunityId c = 0; c < partition.num_communities; ++c) {
    bool any = false;
    for (std::uint64_t i = offsets[c]; i < offsets[c + 1] && !any; ++i) any = s.kind(members[i]) == NodeKind::Account;
    if (!any) continue;
    table.comm_slot_[c] = static_cast<std::uint32_t>(table.comm_ids_.size());
    table.comm_ids_.push_back(c);
  }
  const std::size_t num_slots = table.comm_ids_.size();
  const std::size_t num_rows = table.accounts_.size();
  table.row_comm_.resize(num_rows);
  for (std::size_t r = 0; r < num_rows; ++r) table.row_comm_[r] = table.comm_slot_[membership[table.accounts_[r]]];
  table.account_.assign(num_rows * kNumAccountFeatures, kNaNf);
  table.community_.assign(num_slots * kNumCommunityFeatures, kNaNf);
  table.quantile_.assign(num_slots * kNumQuantileFeatures, kNaNf);
  table.comm_accounts_.assign(num_slots, 0);
  table.comm_band_.assign(num_slots, 0);
  table.top_entity_.assign(num_slots * kNumEntitySlots, kInvalidNode);
  table.top_count_.assign(num_slots * kNumEntitySlots, 0);
  table.owned_count_.assign(num_slots * kNumEntitySlots, 0);
  table.bands_ = options.band_bounds;

  const double B = static_cast<double>(buckets);
  auto community_pass = [&](std::size_t slot, Scratch& sc) {
    const CommunityId c = table.comm_ids_[slot];
    float* cf = table.community_.data() + slot * kNumCommunityFeatures;
    sc.acc.clear();
    for (std::uint64_t i = offsets[c]; i < offsets[c + 1]; ++i)
      if (s.kind(members[i]) == NodeKind::Account) sc.acc.push_back(members[i]);
    const std::size_t na = sc.acc.size();
    const double nd = static_cast<double>(na);
    table.comm_accounts_[slot] = static_cast<std::uint32_t>(na);
    {
      std::uint32_t band = 0;
      for (std::size_t b = 0; b < options.band_bounds.size(); ++b)
        if (na >= options.band_bounds[b]) band = static_cast<std::uint32_t>(b);
      table.comm_band_[slot] = static_cast<std::uint8_t>(band);
    }
    auto owned = [&](NodeId u) {
      return p.home[u] == c && p.home_count[u] >= 2 && 2 * p.home_count[u] >= p.acc_deg[u];
    };
    auto af = [&](std::size_t i) { return table.account_.data() + static_cast<std::size_t>(table.row_of_[sc.acc[i]]) * kNumAccountFeatures; };

    // --- per-account structure and sharing -----------------------------------------
    sc.ent.clear();
    sc.owned.assign(na, 0);
    sc.slot_has.assign(na * kNumEntitySlots, 0);
    sc.slot_owned.assign(na * kNumEntitySlots, 0);
    double links_total = 0.0, links_in_total = 0.0, mutual_in_total = 0.0;
    std::uint32_t linked_inside = 0, hub_links = 0;
    double seeds_c = 0.0, trusted_c = 0.0, suspects_c = 0.0;
    for (std::size_t i = 0; i < na; ++i) {
      const NodeId a = sc.acc[i];
      float* x = af(i);
      std::uint32_t degree = 0, shared = 0, pool = 0, own = 0, links = 0, links_in = 0, mutual = 0, mutual_in = 0;
      std::uint32_t max_shared = 0, min_shared = UINT32_MAX;
      std::uint32_t slot_count[kNumEntitySlots] = {}, slot_max[kNumEntitySlots] = {}, slot_own[kNumEntitySlots] = {};
      double ent_banned = 0.0, ent_banned_count = 0.0, ent_trusted = 0.0, ent_suspect = 0.0, links_seed = 0.0;
      const double sus = p.suspect[a];
      const double w = p.seed_w[a];
      const double t = p.trusted[a];
      NodeId last = kInvalidNode;
      for (NodeId u : inc.neighbors(a)) {
        if (u == last) continue;
        last = u;
        ++degree;
        if (s.kind(u) == NodeKind::Account) {
          ++links;
          links_in += membership[u] == c;
          links_seed += p.seed_w[u];
          if (p.mutual(a, u)) {
            ++mutual;
            mutual_in += membership[u] == c;
          }
          continue;
        }
        sc.ent.emplace_back(u, static_cast<std::uint32_t>(i));
        const int sl = slot_of(s.kind(u));
        const std::uint32_t others = p.acc_deg[u] > 0 ? p.acc_deg[u] - 1 : 0;
        ++slot_count[sl];
        slot_max[sl] = std::max(slot_max[sl], others);
        max_shared = std::max(max_shared, others);
        if (others >= 1) {
          ++shared;
          min_shared = std::min(min_shared, others);
          if (p.acc_deg[u] <= options.pool_max_accounts) {
            ++pool;
            ent_banned_count += std::max(0.0, static_cast<double>(p.ent_seed[u]) - w);
          }
          ent_banned = std::max(ent_banned, std::max(0.0, static_cast<double>(p.ent_seed[u]) - w) / others);
          ent_trusted = std::max(ent_trusted, std::max(0.0, static_cast<double>(p.ent_trusted[u]) - t) / others);
          ent_suspect = std::max(ent_suspect, std::max(0.0, static_cast<double>(p.ent_suspect[u]) - sus) / others);
        }
        if (owned(u)) {
          ++own;
          ++slot_own[sl];
        }
      }
      const std::uint32_t entities = degree - links;
      if (!inputs.core.empty()) x[AF::a_core_number] = static_cast<float>(std::log1p(inputs.core[a]));
      x[AF::a_pagerank_ratio] = p.pagerank_ratio[a];
      x[AF::a_owned_entities] = static_cast<float>(own);
      x[AF::a_owned_share] = entities > 0 ? static_cast<float>(own) / static_cast<float>(entities) : 0.0f;
      x[AF::a_shared_entities] = static_cast<float>(std::log1p(shared));
      x[AF::a_max_shared] = static_cast<float>(std::log1p(max_shared));
      x[AF::a_min_shared] = shared > 0 ? static_cast<float>(std::log1p(min_shared)) : kNaNf;
      x[AF::a_pool_entities] = static_cast<float>(pool);
      for (int sl = 0; sl < kNumEntitySlots; ++sl) {
        if (!av.slot[static_cast<std::size_t>(sl)]) continue;
        const int base = AF::a_payment_max_shared + 2 * sl;
        x[base] = static_cast<float>(std::log1p(slot_max[sl]));
        x[base + 1] = static_cast<float>(slot_own[sl]);
        sc.slot_has[i * kNumEntitySlots + static_cast<std::size_t>(sl)] = slot_count[sl] > 0;
        sc.slot_owned[i * kNumEntitySlots + static_cast<std::size_t>(sl)] = slot_own[sl] > 0;
      }
      sc.owned[i] = own;
      if (av.account_links) {
        x[AF::a_links] = static_cast<float>(std::log1p(links));
        x[AF::a_links_in_comm] = links > 0 ? static_cast<float>(links_in) / static_cast<float>(links) : 0.0f;
        x[AF::a_links_mutual] = links > 0 ? static_cast<float>(mutual) / static_cast<float>(links) : 0.0f;
        if (have_seeds) x[AF::a_links_banned] = links > 0 ? static_cast<float>(links_seed / links) : 0.0f;
      }
      links_total += links;
      links_in_total += links_in;
      mutual_in_total += mutual_in;
      linked_inside += links_in > 0;
      hub_links = std::max(hub_links, links_in);
      if (have_seeds) {
        x[AF::a_ent_banned] = static_cast<float>(ent_banned);
        x[AF::a_ent_banned_count] = static_cast<float>(std::log1p(ent_banned_count));
      }
      x[AF::a_ppr_ratio] = p.ppr_ratio[a];
      if (have_suspects) x[AF::a_ent_suspect] = static_cast<float>(ent_suspect);
      if (have_trusted) x[AF::a_ent_trusted] = static_cast<float>(ent_trusted);
      seeds_c += w;
      trusted_c += t;
      suspects_c += sus;
    }
    for (std::size_t i = 0; i < na; ++i) {
      float* x = af(i);
      const NodeId a = sc.acc[i];
      if (have_seeds) x[AF::a_comm_banned] = na >= 2 ? static_cast<float>((seeds_c - p.seed_w[a]) / (nd - 1.0)) : kNaNf;
      if (have_trusted) x[AF::a_comm_trusted] = na >= 2 ? static_cast<float>((trusted_c - p.trusted[a]) / (nd - 1.0)) : kNaNf;
      if (have_suspects) x[AF::a_comm_suspect] = na >= 2 ? static_cast<float>((suspects_c - p.suspect[a]) / (nd - 1.0)) : kNaNf;
    }

    // --- the community's entities: concentration, ownership, exclusivity -----------
    std::sort(sc.ent.begin(), sc.ent.end());
    std::uint32_t distinct[kNumEntitySlots] = {}, top[kNumEntitySlots] = {}, owned_n[kNumEntitySlots] = {};
    NodeId top_id[kNumEntitySlots];
    std::fill(std::begin(top_id), std::end(top_id), kInvalidNode);
    double ex_in[kNumEntitySlots] = {}, ex_all[kNumEntitySlots] = {};
    std::size_t unique_entities = 0;
    sc.parent.resize(na);
    for (std::uint32_t i = 0; i < na; ++i) sc.parent[i] = i;
    auto find = [&](std::uint32_t x) {
      while (sc.parent[x] != x) x = sc.parent[x] = sc.parent[sc.parent[x]];
      return x;
    };
    for (std::size_t i = 0; i < sc.ent.size();) {
      std::size_t j = i;
      while (j < sc.ent.size() && sc.ent[j].first == sc.ent[i].first) ++j;
      const NodeId u = sc.ent[i].first;
      // Accounts tied through an entity the community owns form one group
      // (union by smaller index keeps the result independent of order).
      if (owned(u))
        for (std::size_t k = i + 1; k < j; ++k) {
          const std::uint32_t x = find(sc.ent[i].second), y = find(sc.ent[k].second);
          if (x != y) sc.parent[std::max(x, y)] = std::min(x, y);
        }
      const auto cnt = static_cast<std::uint32_t>(j - i);
      const int sl = slot_of(s.kind(u));
      ++unique_entities;
      ++distinct[sl];
      if (cnt > top[sl]) {
        top[sl] = cnt;
        top_id[sl] = u;
      }
      if (owned(u)) ++owned_n[sl];
      if (cnt >= 2) {
        ex_in[sl] += cnt;
        ex_all[sl] += p.acc_deg[u];
      }
      i = j;
    }
    sc.group.assign(na, 0);
    for (std::uint32_t i = 0; i < na; ++i) ++sc.group[find(i)];
    std::uint32_t largest_group = 0;
    for (std::uint32_t i = 0; i < na; ++i) {
      const std::uint32_t g = sc.group[find(i)];
      largest_group = std::max(largest_group, g);
      af(i)[AF::a_tie_group] = static_cast<float>(std::log(static_cast<double>(g)));
    }
    cf[CF::c_largest_tie_group] = static_cast<float>(static_cast<double>(largest_group) / nd);
    std::size_t core = 0, tie = 0;
    for (std::size_t i = 0; i < na; ++i) {
      core += sc.owned[i] >= 2;
      tie += sc.owned[i] >= 1;
    }
    cf[CF::c_log_accounts] = static_cast<float>(std::log(nd));
    cf[CF::c_entities_per_account] = static_cast<float>(static_cast<double>(unique_entities) / nd);
    cf[CF::c_core_share] = static_cast<float>(static_cast<double>(core) / nd);
    cf[CF::c_tie_share] = static_cast<float>(static_cast<double>(tie) / nd);
    double ex_in_all = 0.0, ex_all_all = 0.0;
    for (int sl = 0; sl < kNumEntitySlots; ++sl) {
      ex_in_all += ex_in[sl];
      ex_all_all += ex_all[sl];
      table.top_entity_[slot * kNumEntitySlots + static_cast<std::size_t>(sl)] = top_id[sl];
      table.top_count_[slot * kNumEntitySlots + static_cast<std::size_t>(sl)] = top[sl];
      table.owned_count_[slot * kNumEntitySlots + static_cast<std::size_t>(sl)] = owned_n[sl];
      if (!av.slot[static_cast<std::size_t>(sl)]) continue;
      std::size_t with = 0, with_owned = 0;
      for (std::size_t i = 0; i < na; ++i) {
        with += sc.slot_has[i * kNumEntitySlots + static_cast<std::size_t>(sl)];
        with_owned += sc.slot_owned[i * kNumEntitySlots + static_cast<std::size_t>(sl)];
      }
      const int base = CF::c_payment_coverage + 5 * sl;
      cf[base] = static_cast<float>(static_cast<double>(with) / nd);
      cf[base + 1] = with > 0 ? static_cast<float>(static_cast<double>(distinct[sl]) / static_cast<double>(with)) : kNaNf;
      cf[base + 2] = static_cast<float>(static_cast<double>(top[sl]) / nd);
      cf[base + 3] = static_cast<float>(static_cast<double>(with_owned) / nd);
      cf[base + 4] = ex_all[sl] > 0.0 ? static_cast<float>(ex_in[sl] / ex_all[sl]) : kNaNf;
    }
    cf[CF::c_exclusive] = ex_all_all > 0.0 ? static_cast<float>(ex_in_all / ex_all_all) : kNaNf;

    // IP prefixes and ASNs: share of accounts on the most used one.
    if (av.slot[kSlotIp] && (p.ip_prefixes || av.ip_asn)) {
      for (int pass = 0; pass < 2; ++pass) {
        if ((pass == 0 && !p.ip_prefixes) || (pass == 1 && !av.ip_asn)) continue;
        sc.keyed.clear();
        for (std::size_t i = 0; i < na; ++i) {
          NodeId last = kInvalidNode;
          for (NodeId u : inc.neighbors(sc.acc[i])) {
            if (u == last) continue;
            last = u;
            if (s.kind(u) != NodeKind::Ip) continue;
            const std::uint64_t key = pass == 0 ? p.ip_prefix[u] : p.ip_asn[u];
            if (key != 0) sc.keyed.emplace_back(key, static_cast<std::uint32_t>(i));
          }
        }
        const auto best = top_key(sc.keyed);
        cf[pass == 0 ? CF::c_ip_prefix_share : CF::c_ip_asn_share] = static_cast<float>(best.second / nd);
      }
    }

    // Conductance over every member (accounts and entities).
    {
      double volume = 0.0, cut = 0.0;
      for (std::uint64_t i = offsets[c]; i < offsets[c + 1]; ++i)
        for (NodeId u : inc.neighbors(members[i])) {
          volume += 1.0;
          cut += membership[u] != c;
        }
      cf[CF::c_conductance] = volume > 0.0 ? static_cast<float>(cut / volume) : 0.0f;
    }
    if (av.account_links) {
      cf[CF::c_links_internal] = static_cast<float>(links_in_total / 2.0 / nd);
      cf[CF::c_links_share] = links_total > 0.0 ? static_cast<float>(links_in_total / links_total) : kNaNf;
      cf[CF::c_links_coverage] = static_cast<float>(linked_inside / nd);
      cf[CF::c_links_mutual] = links_in_total > 0.0 ? static_cast<float>(mutual_in_total / links_in_total) : kNaNf;
      cf[CF::c_links_hub] = na >= 2 ? static_cast<float>(hub_links / (nd - 1.0)) : kNaNf;
    }

    // --- activity: synchrony, balance, pivot ------------------------------------------
    if (av.activity) {
      sc.ok.assign(na, 0);
      sc.core.assign(na, 0);
      sc.sum_all.assign(buckets, 0.0);
      sc.sum_core.assign(buckets, 0.0);
      const bool keep = na * static_cast<std::size_t>(buckets) <= kMaxKeptActivity;
      if (keep) sc.kept.resize(na * static_cast<std::size_t>(buckets));
      std::uint64_t k_all = 0, k_core = 0;
      for (std::size_t i = 0; i < na; ++i) {
        if (!standardise(s, sc.acc[i], sc.act)) continue;
        sc.ok[i] = 1;
        sc.core[i] = sc.owned[i] >= 2;
        ++k_all;
        for (std::uint32_t t = 0; t < buckets; ++t) sc.sum_all[t] += sc.act.dense[t];
        if (sc.core[i]) {
          ++k_core;
          for (std::uint32_t t = 0; t < buckets; ++t) sc.sum_core[t] += sc.act.dense[t];
        }
        if (keep)
          for (std::uint32_t t = 0; t < buckets; ++t)
            sc.kept[i * buckets + t] = static_cast<float>(sc.act.dense[t]);
      }
      auto mean_corr = [&](const std::vector<double>& sum, std::uint64_t k) {
        double s2 = 0.0;
        for (double v : sum) s2 += v * v;
        const double kd = static_cast<double>(k);
        return (s2 - kd * B) / (kd * (kd - 1.0) * B);
      };
      if (k_all >= 2) cf[CF::c_sync] = static_cast<float>(mean_corr(sc.sum_all, k_all));
      if (k_core >= 3) cf[CF::c_sync_core] = static_cast<float>(mean_corr(sc.sum_core, k_core));
      if (k_all >= 2) {
        const double kd = static_cast<double>(k_all);
        for (std::size_t i = 0; i < na; ++i) {
          if (!sc.ok[i]) continue;
          double dot = 0.0;
          if (keep) {
            const float* z = sc.kept.data() + i * buckets;
            for (std::uint32_t t = 0; t < buckets; ++t) dot += static_cast<double>(z[t]) * sc.sum_all[t];
            double self = 0.0;
            for (std::uint32_t t = 0; t < buckets; ++t) self += static_cast<double>(z[t]) * z[t];
            dot -= self;
          } else {
            (void)standardise(s, sc.acc[i], sc.act);
            for (std::uint32_t t = 0; t < buckets; ++t) dot += sc.act.dense[t] * (sc.sum_all[t] - sc.act.dense[t]);
          }
          af(i)[AF::a_sync] = static_cast<float>(dot / ((kd - 1.0) * B));
        }
      }
      // Volumes.
      sc.logv.clear();
      sc.tmp.clear();
      std::size_t active = 0;
      std::vector<double> core_logv;
      for (std::size_t i = 0; i < na; ++i) {
        const NodeId a = sc.acc[i];
        if (!s.has_activity(a)) continue;
        const double vol = s.activity_total(a);
        if (!(vol > 0.0)) continue;
        ++active;
        sc.logv.push_back(std::log(vol));
        if (sc.owned[i] >= 2) core_logv.push_back(std::log(vol));
      }
      cf[CF::c_active_share] = static_cast<float>(static_cast<double>(active) / nd);
      auto robust_spread = [](std::vector<double>& v, double* median) {
        std::sort(v.begin(), v.end());
        const double med = percentile_sorted(v, 0.5);
        if (median) *median = med;
        std::vector<double> dev;
        dev.reserve(v.size());
        for (double x : v) dev.push_back(std::fabs(x - med));
        std::sort(dev.begin(), dev.end());
        return 1.4826 * percentile_sorted(dev, 0.5);
      };
      if (sc.logv.size() >= 3) {
        double med = 0.0;
        cf[CF::c_spread] = static_cast<float>(robust_spread(sc.logv, &med));
        for (std::size_t i = 0; i < na; ++i) {
          const double vol = s.has_activity(sc.acc[i]) ? s.activity_total(sc.acc[i]) : 0.0;
          if (vol > 0.0) af(i)[AF::a_volume_dev] = static_cast<float>(std::fabs(std::log(vol) - med));
        }
      }
      if (core_logv.size() >= 3) cf[CF::c_spread_core] = static_cast<float>(robust_spread(core_logv, nullptr));
      // Pivot: the change point of the community's summed series, then which
      // active accounts step (x4) the same way there.
      sc.series.assign(buckets, 0.0);
      double total_series = 0.0;
      for (NodeId a : sc.acc) {
        const auto b = s.activity_buckets(a);
        const auto x = s.activity_values(a);
        for (std::size_t i = 0; i < b.size(); ++i) {
          sc.series[b[i]] += x[i];
          total_series += x[i];
        }
      }
      if (total_series > 0.0 && active >= 2 && buckets >= 4) {
        const std::uint32_t lo = std::max<std::uint32_t>(1, buckets / 10);
        const std::uint32_t hi = buckets - lo;
        double prefix = 0.0, best = -1.0;
        std::uint32_t best_t = lo;
        for (std::uint32_t t = 0; t < lo; ++t) prefix += sc.series[t];
        for (std::uint32_t t = lo; t <= hi && t < buckets; ++t) {
          const double before = prefix / t;
          const double after = (total_series - prefix) / (B - t);
          const double stat = std::fabs(after - before) * std::sqrt(static_cast<double>(t) * (B - t)) / B;
          if (stat > best) {
            best = stat;
            best_t = t;
          }
          prefix += sc.series[t];
        }
        double pre = 0.0;
        for (std::uint32_t t = 0; t < best_t; ++t) pre += sc.series[t];
        const double dir = (total_series - pre) / (B - best_t) >= pre / best_t ? 1.0 : -1.0;
        std::size_t stepped = 0;
        for (std::size_t i = 0; i < na; ++i) {
          const NodeId a = sc.acc[i];
          const auto b = s.activity_buckets(a);
          const auto x = s.activity_values(a);
          double before = 0.0, tot = 0.0;
          for (std::size_t j = 0; j < b.size(); ++j) {
            tot += x[j];
            if (b[j] < best_t) before += x[j];
          }
          if (!(tot > 0.0)) continue;
          const double eps = 0.05 * tot / B + 1e-12;
          const double mb = before / best_t + eps;
          const double ma = (tot - before) / (B - best_t) + eps;
          const bool step = dir * std::log(ma / mb) >= std::log(4.0);
          stepped += step;
          af(i)[AF::a_pivot] = step ? 1.0f : 0.0f;
        }
        cf[CF::c_pivot] = static_cast<float>(static_cast<double>(stepped) / static_cast<double>(active));
      }
    }

    // --- creation times: bursts, gaps, age -----------------------------------------------
    if (av.created_at) {
      sc.created.clear();
      sc.tmp.clear();
      for (std::size_t i = 0; i < na; ++i) {
        const Timestamp t = s.created_at(sc.acc[i]);
        if (t == kNoTime) continue;
        sc.created.emplace_back(t, static_cast<std::uint32_t>(i));
      }
      std::sort(sc.created.begin(), sc.created.end());
      const std::size_t m = sc.created.size();
      if (m >= 2) {
        for (std::size_t j = 0; j < m; ++j) {
          std::int64_t gap = std::numeric_limits<std::int64_t>::max();
          if (j > 0) gap = std::min(gap, sc.created[j].first - sc.created[j - 1].first);
          if (j + 1 < m) gap = std::min(gap, sc.created[j + 1].first - sc.created[j].first);
          af(sc.created[j].second)[AF::a_created_gap] =
              static_cast<float>(std::log1p(static_cast<double>(gap) / static_cast<double>(kHour)));
        }
      }
      if (m >= 3) {
        for (int w = 0; w < 4; ++w) {
          std::size_t best = 0, best_lo = 0, lo = 0;
          for (std::size_t hi = 0; hi < m; ++hi) {
            while (sc.created[hi].first - sc.created[lo].first > kBurstWindows[w]) ++lo;
            if (hi - lo + 1 > best) {
              best = hi - lo + 1;
              best_lo = lo;
            }
          }
          cf[CF::c_burst_1h + w] = static_cast<float>(static_cast<double>(best) / static_cast<double>(m));
          if (w == kInBurstWindow) {
            const std::int64_t w0 = sc.created[best_lo].first, w1 = w0 + kBurstWindows[w];
            for (const auto& [t, i] : sc.created) af(i)[AF::a_in_burst] = t >= w0 && t <= w1 ? 1.0f : 0.0f;
          }
        }
      }
    }
    // A community of one account says nothing about concentration (its one
    // account is always "100 % on its top card"): its shares are missing.
    if (na == 1)
      for (int f = 0; f < kNumCommunityFeatures; ++f)
        if (f != CF::c_log_accounts && f != CF::c_conductance) cf[f] = kNaNf;
  };

  {
    // Progress in members passed (a community's cost grows with its size;
    // the biggest ones come first).
    std::vector<std::uint64_t> work(num_slots + 1, 0);
    for (std::size_t slot = 0; slot < num_slots; ++slot) {
      const CommunityId c = table.comm_ids_[slot];
      work[slot + 1] = work[slot] + (offsets[c + 1] - offsets[c]);
    }
    if (options.progress) options.progress("features", 0, work[num_slots]);
    constexpr std::size_t kChunk = 1024;
    for (std::size_t first = 0; first < num_slots; first += kChunk) {
      check_cancel();
      const auto last = static_cast<std::int64_t>(std::min(num_slots, first + kChunk));
#pragma omp parallel num_threads(threads)
      {
        Scratch sc;
        sc.act = standardise.scratch();
#pragma omp for schedule(dynamic, 4)
        for (std::int64_t slot = static_cast<std::int64_t>(first); slot < last; ++slot)
          community_pass(static_cast<std::size_t>(slot), sc);
      }
      if (options.progress) options.progress("features", work[static_cast<std::size_t>(last)], work[num_slots]);
    }
  }

  band_quantiles(table.comm_band_, table.comm_accounts_, table.community_, table.quantile_, table.refs_, options);
  table.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return table;
}

}  // namespace hydrascope
