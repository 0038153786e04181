// compute_features(): every account's and every community's feature vector
// in one pass over the incident snapshot edges of the accounts (plus one over
// the entities for their account counts and home communities) and
// O(accounts x buckets) for the activity features. Never touches pairs of
// accounts. This file gathers the snapshot-level facts, runs the pass over
// the communities in parallel (community.cpp: one community at a time, family
// by family) and ranks the community features within size bands.
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
#include "community.hpp"
#include "schema.hpp"
#include "signals.hpp"

namespace hydrascope {

using namespace features;

namespace {

// Mid-rank quantile of x among sorted values: (below + equal / 2) / count.
float midrank(const std::vector<double>& sorted, double x) {
  const auto lo = std::lower_bound(sorted.begin(), sorted.end(), x);
  const auto hi = std::upper_bound(lo, sorted.end(), x);
  const double below = static_cast<double>(lo - sorted.begin());
  const double equal = static_cast<double>(hi - lo);
  return static_cast<float>((below + 0.5 * equal) / static_cast<double>(sorted.size()));
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

// compute_features()'s inputs must cover the snapshot.
void check_inputs(const Snapshot& s, const Incidence& inc, const Partition& partition, const FeatureInputs& inputs) {
  const NodeId n = s.num_nodes();
  if (partition.membership.size() != n) throw std::invalid_argument("compute_features: partition does not cover the snapshot");
  if (inc.offsets.size() != static_cast<std::size_t>(n) + 1)
    throw std::invalid_argument("compute_features: incidence does not match the snapshot");
  if (!inputs.ppr.empty() && inputs.ppr.size() != n) throw std::invalid_argument("compute_features: ppr has the wrong size");
  if (!inputs.pagerank.empty() && inputs.pagerank.size() != n)
    throw std::invalid_argument("compute_features: pagerank has the wrong size");
  if (!inputs.core.empty() && inputs.core.size() != n) throw std::invalid_argument("compute_features: core has the wrong size");
  for (CommunityId c : partition.membership)
    if (c >= partition.num_communities) throw std::invalid_argument("compute_features: membership out of range");
}

// The communities with at least one account get a slot (in id order):
// comm_slot per community (UINT32_MAX without accounts), comm_ids per slot.
void communities_with_accounts(const Snapshot& s, const std::vector<std::uint64_t>& offsets,
                               const std::vector<NodeId>& members, CommunityId num_communities,
                               std::vector<std::uint32_t>& comm_slot, std::vector<CommunityId>& comm_ids) {
  comm_slot.assign(num_communities, UINT32_MAX);
  for (CommunityId c = 0; c < num_communities; ++c) {
    bool any = false;
    for (std::uint64_t i = offsets[c]; i < offsets[c + 1] && !any; ++i) any = s.kind(members[i]) == NodeKind::Account;
    if (!any) continue;
    comm_slot[c] = static_cast<std::uint32_t>(comm_ids.size());
    comm_ids.push_back(c);
  }
}

// The community pass over every slot: chunks of 1024 slots, each spread over
// the threads (every thread with its own scratch); cancel checked and
// progress reported between chunks.
void run_community_passes(const PassContext& ctx, int threads) {
  const FeatureOptions& options = ctx.options;
  const std::size_t num_slots = ctx.comm_ids.size();
  // Progress in members passed (a community's cost grows with its size;
  // the biggest ones come first).
  std::vector<std::uint64_t> work(num_slots + 1, 0);
  for (std::size_t slot = 0; slot < num_slots; ++slot) {
    const CommunityId c = ctx.comm_ids[slot];
    work[slot + 1] = work[slot] + (ctx.offsets[c + 1] - ctx.offsets[c]);
  }
  if (options.progress) options.progress("features", 0, work[num_slots]);
  constexpr std::size_t kChunk = 1024;
  for (std::size_t first = 0; first < num_slots; first += kChunk) {
    if (options.cancel.cancelled()) throw Cancelled();
    const auto last = static_cast<std::int64_t>(std::min(num_slots, first + kChunk));
#pragma omp parallel num_threads(threads)
    {
      PassScratch sc;
      sc.act = ctx.standardise.scratch();
#pragma omp for schedule(dynamic, 4)
      for (std::int64_t slot = static_cast<std::int64_t>(first); slot < last; ++slot)
        community_pass(ctx, static_cast<std::size_t>(slot), sc);
    }
    if (options.progress) options.progress("features", work[static_cast<std::size_t>(last)], work[num_slots]);
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
  check_inputs(s, inc, partition, inputs);
  const auto& membership = partition.membership;
  const int threads = resolve_threads(options.threads);

  FeatureTable table;
  DataAvailability& av = table.avail_;
  Prep p;

  scan_accounts(s, table.row_of_, table.accounts_, av, p);
  const bool have_seeds = av.banned > 0;
  const bool have_suspects = av.suspect > 0;
  const bool have_trusted = av.trusted > 0;

  scan_entities(s, inc, membership, threads, av, p);
  if (options.cancel.cancelled()) throw Cancelled();

  const std::uint32_t buckets = s.meta().activity.buckets;
  relative_centralities(s, inc, inputs, table.accounts_, have_seeds || have_suspects, p);
  const ActivityStandardiser standardise(s, options.detrend);

  // --- communities with accounts ----------------------------------------------------
  std::vector<std::uint64_t> offsets;
  std::vector<NodeId> members;
  partition.members(offsets, members);
  communities_with_accounts(s, offsets, members, partition.num_communities, table.comm_slot_, table.comm_ids_);
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

  const PassContext ctx{s, inc, membership, offsets, members, table.comm_ids_, p, inputs, options, av, standardise,
                        have_seeds, have_suspects, have_trusted, buckets, static_cast<double>(buckets),
                        PassOutputs{table.account_.data(), table.row_of_.data(), table.community_.data(),
                                    table.comm_accounts_.data(), table.comm_band_.data(), table.top_entity_.data(),
                                    table.top_count_.data(), table.owned_count_.data()}};

  run_community_passes(ctx, threads);

  band_quantiles(table.comm_band_, table.comm_accounts_, table.community_, table.quantile_, table.refs_, options);
  table.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return table;
}

}  // namespace hydrascope
