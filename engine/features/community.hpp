// Private to the feature layer: what compute_features() gathers about the
// snapshot before the per-community pass (Prep), the pass's context and its
// per-thread scratch, and the pass itself (community.cpp), which computes
// every community-level feature of one community and the account-level
// features of its accounts.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <utility>
#include <vector>

#include "hydrascope/features.hpp"
#include "schema.hpp"
#include "signals.hpp"

namespace hydrascope::features {

inline constexpr float kNaNf = std::numeric_limits<float>::quiet_NaN();

/// The entity slot of a node kind (-1 for accounts).
inline int slot_of(NodeKind k) noexcept {
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

/// Snapshot-level facts every community pass reads.
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

/// Where the pass writes: the arrays of the FeatureTable being built. Each
/// community writes only its own slot's entries and its own accounts' rows,
/// so threads never share a value.
struct PassOutputs {
  float* account = nullptr;              // rows x kNumAccountFeatures
  const std::uint32_t* row_of = nullptr; // per node: its row (accounts)
  float* community = nullptr;            // slots x kNumCommunityFeatures
  std::uint32_t* comm_accounts = nullptr;  // per slot
  std::uint8_t* comm_band = nullptr;       // per slot
  NodeId* top_entity = nullptr;            // slots x kNumEntitySlots
  std::uint32_t* top_count = nullptr;      // slots x kNumEntitySlots
  std::uint32_t* owned_count = nullptr;    // slots x kNumEntitySlots
};

/// What every community's pass reads (shared by the threads, read only) and
/// where it writes.
struct PassContext {
  const Snapshot& s;
  const Incidence& inc;
  const std::vector<CommunityId>& membership;  // per node
  // The partition's members by community: community c's are
  // members[offsets[c] .. offsets[c + 1]).
  const std::vector<std::uint64_t>& offsets;
  const std::vector<NodeId>& members;
  const std::vector<CommunityId>& comm_ids;    // slot -> community
  const Prep& p;
  const FeatureInputs& inputs;
  const FeatureOptions& options;
  const DataAvailability& av;
  const ActivityStandardiser& standardise;
  bool have_seeds = false, have_suspects = false, have_trusted = false;
  std::uint32_t buckets = 0;  // activity buckets
  double B = 0.0;             // the same as a double
  PassOutputs out;

  /// The account-level feature row of account a.
  float* account_row(NodeId a) const {
    return out.account + static_cast<std::size_t>(out.row_of[a]) * kNumAccountFeatures;
  }
  /// Community c owns entity u: it holds >= 2 of u's accounts and at least half of them.
  bool owned(CommunityId c, NodeId u) const {
    return p.home[u] == c && p.home_count[u] >= 2 && 2 * p.home_count[u] >= p.acc_deg[u];
  }
};

/// One thread's buffers, reused from community to community.
struct PassScratch {
  std::vector<NodeId> acc;  // the community's accounts, in member order
  std::vector<std::pair<NodeId, std::uint32_t>> ent;  // (entity, account index) per link of the community's accounts
  std::vector<std::uint32_t> parent, group;  // tie groups (union-find over owned entities)
  std::vector<std::uint32_t> owned;     // per account: own entities linked
  std::vector<std::uint8_t> slot_has, slot_owned;  // per account x slot
  std::vector<std::pair<std::uint64_t, std::uint32_t>> keyed;  // (prefix or asn, account) pairs
  std::vector<std::pair<std::int64_t, std::uint32_t>> created;
  std::vector<double> sum_all, sum_core, series, logv, core_logv;
  std::vector<float> kept;
  std::vector<std::uint8_t> ok, core;
  ActivityStandardiser::Scratch act;
};

/// Every feature of the community in `slot` and of its accounts.
void community_pass(const PassContext& ctx, std::size_t slot, PassScratch& sc);

}  // namespace hydrascope::features
