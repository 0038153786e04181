// The feature layer: per-account and per-community vectors over every entity
// type of the snapshot, the input of the learned model (model.hpp) and of the
// explanations. Signals whose data the snapshot does not carry (no activity,
// no creation times, no cards, no account-to-account edges) are missing
// (NaN), never zero. Community values also come as their quantile among the
// snapshot's communities of similar size, so that a snapshot is compared
// with itself. docs/features.md describes every feature.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "hydrascope/common.hpp"
#include "hydrascope/graph.hpp"
#include "hydrascope/model.hpp"
#include "hydrascope/partition.hpp"
#include "hydrascope/snapshot.hpp"
#include "hydrascope/types.hpp"

namespace hydrascope {

/// Families of features: the unit of explanations ("why was this flagged")
/// and of the ablation in docs/quality.md. Each family is one kind of
/// evidence an analyst would name.
enum class FeatureFamily : std::uint8_t {
  Structure = 0,  ///< size, ties to the community's own entities, conductance, centralities
  Sharing,        ///< how shared the account's entities are, over every entity type
  Payment,        ///< payment methods
  Ip,             ///< IP addresses, their /24 prefixes and ASNs
  Proxy,          ///< proxy / reseller services
  Device,         ///< client fingerprints
  Entity,         ///< entity types the snapshot invents (phone, email_domain, org, ...)
  Links,          ///< account-to-account edges (invites, transfers, ...)
  Synchrony,      ///< activity in lock-step
  Balance,        ///< request volumes balanced across accounts
  Burst,          ///< accounts created together; account age
  Pivot,          ///< a shared step change in traffic
  Seed,           ///< the operator's labels (banned, suspect, trusted) nearby
};
inline constexpr int kNumFeatureFamilies = 13;

/// Where a feature's value comes from.
enum class FeatureLevel : std::uint8_t {
  Account = 0,  ///< the account itself (in the context of its community)
  Community,    ///< the account's community (same value for every member)
  Quantile,     ///< a community value's quantile among communities of similar size
};

/// The entity kinds that have their own feature slots; every other type is
/// pooled into Entity (FeatureFamily::Entity).
inline constexpr int kNumEntitySlots = 5;  // payment, ip, proxy, device, entity (generic)

struct FeatureSpec {
  std::string_view name;  ///< stable snake_case name (model column, CSV column)
  FeatureFamily family = FeatureFamily::Structure;
  FeatureLevel level = FeatureLevel::Account;
  /// For Quantile features: index (in the schema) of the community feature it ranks.
  int source = -1;
  std::string_view description;  ///< one line, for docs/features.md and `hydrascope features --list`
};

/// The fixed schema, in column order. Names are stable across versions (a
/// model file records the names it was trained on and columns are matched
/// by name, so adding a feature never breaks an old model).
[[nodiscard]] std::span<const FeatureSpec> feature_schema() noexcept;
/// Index of a feature in the schema, or -1.
[[nodiscard]] int feature_index(std::string_view name) noexcept;
[[nodiscard]] std::string_view to_string(FeatureFamily family) noexcept;
/// Parses a family name as printed by to_string(); throws std::invalid_argument otherwise.
[[nodiscard]] FeatureFamily parse_feature_family(std::string_view name);

/// Options of compute_features().
struct FeatureOptions {
  /// Size bands (lower bounds, in accounts) for the quantile features; a band
  /// with fewer than min_band_communities communities is ranked among all
  /// communities of >= 2 accounts. Ascending, first >= 1.
  std::vector<std::uint32_t> band_bounds{1, 2, 3, 5, 10, 20, 50, 100, 300, 1000};
  std::uint32_t min_band_communities = 30;
  /// Entities with more accounts than this count as hubs, not pools, in the
  /// "smallest shared entity" and pool counts. >= 2.
  std::uint32_t pool_max_accounts = 200;
  /// Remove the snapshot-wide activity shape and each account's own daily
  /// routine before correlating activity (synchrony).
  bool detrend = true;
  int threads = 0;  ///< 0 = OpenMP default; results do not depend on it
  ProgressFn progress;
  CancelToken cancel;
  /// Throws std::invalid_argument naming the bad value.
  void validate() const;
};

/// Optional per-node centralities (empty = not available: their features are missing).
struct FeatureInputs {
  std::span<const double> ppr;       ///< personalized PageRank from the labelled seeds
  std::span<const double> pagerank;  ///< PageRank
  std::span<const std::uint32_t> core;  ///< k-core number
  /// Restart mass every seed receives in `ppr`, (1 - damping) / |seeds|:
  /// taken out of a seed's own value so that its label does not feed its
  /// own feature.
  double ppr_own_restart = 0.0;
};

/// What the snapshot carries (decides which features are missing).
struct DataAvailability {
  bool activity = false;       ///< some account has an activity vector
  bool created_at = false;     ///< some account has a creation time
  bool account_links = false;  ///< some edge joins two accounts
  bool ip_asn = false;         ///< some IP has an `asn` attr
  std::array<bool, kNumEntitySlots> slot{};  ///< some node of the slot's kind exists
  std::uint64_t banned = 0, suspect = 0, trusted = 0;  ///< labelled accounts
};

/// A size band's reference values of one community feature (over the
/// communities of the band), for explanations.
struct BandReference {
  double median = 0.0, p90 = 0.0, p99 = 0.0;
  std::uint32_t communities = 0;
  /// True when the band had too few communities and the reference is taken
  /// over every community of >= 2 accounts instead.
  bool pooled = false;
};

/// Everything compute_features() found. Rows are the snapshot's accounts in
/// NodeId order (`accounts`); values are stored per account and per
/// community and assembled into model rows by rows(), so that a million
/// accounts never need the whole matrix at once.
class FeatureTable {
 public:
  [[nodiscard]] const DataAvailability& availability() const noexcept { return avail_; }
  /// Accounts, ascending NodeId: row i is accounts()[i].
  [[nodiscard]] std::span<const NodeId> accounts() const noexcept { return accounts_; }
  /// Row index of an account node, or UINT32_MAX for a non-account.
  [[nodiscard]] std::uint32_t row_of(NodeId v) const noexcept { return row_of_[v]; }
  /// The dense value of schema feature `f` for row `r` (NaN = missing).
  [[nodiscard]] float value(std::uint64_t r, int f) const noexcept;
  /// Rows [first, first + count) as a model matrix with every schema column.
  void rows(std::uint64_t first, std::uint64_t count, FeatureMatrix& out) const;
  /// The given rows (any order) as a model matrix.
  void rows(std::span<const std::uint32_t> which, FeatureMatrix& out) const;
  /// Community-level value of schema feature `f` (Community or Quantile
  /// level) for community c; NaN when c has no account.
  [[nodiscard]] float community_value(CommunityId c, int f) const noexcept;
  /// Accounts in community c.
  [[nodiscard]] std::uint32_t community_accounts(CommunityId c) const noexcept;
  /// Accounts in the community of row r.
  [[nodiscard]] std::uint32_t row_community_accounts(std::uint64_t r) const noexcept { return comm_accounts_[row_comm_[r]]; }
  /// The community of row r.
  [[nodiscard]] CommunityId row_community(std::uint64_t r) const noexcept { return comm_ids_[row_comm_[r]]; }
  /// Size band of community c (index into band_bounds) and the reference of
  /// community feature f in that band (communities of >= 2 accounts).
  [[nodiscard]] std::uint32_t band_of(CommunityId c) const noexcept;
  [[nodiscard]] const BandReference& reference(std::uint32_t band, int f) const noexcept;
  [[nodiscard]] std::span<const std::uint32_t> band_bounds() const noexcept { return bands_; }
  /// The community's most used entity of each slot (kInvalidNode if none) and its accounts there.
  [[nodiscard]] NodeId top_entity(CommunityId c, int slot) const noexcept;
  [[nodiscard]] std::uint32_t top_entity_accounts(CommunityId c, int slot) const noexcept;
  /// Distinct entities of each slot that the community owns (>= 2 of its
  /// accounts, at least half of the entity's accounts).
  [[nodiscard]] std::uint32_t owned_entities(CommunityId c, int slot) const noexcept;
  [[nodiscard]] std::size_t memory_bytes() const noexcept;
  double seconds = 0.0;

 private:
  friend FeatureTable compute_features(const Snapshot&, const Incidence&, const Partition&, const FeatureInputs&,
                                       const FeatureOptions&);
  DataAvailability avail_;
  std::vector<NodeId> accounts_;
  std::vector<std::uint32_t> row_of_;          // per node
  std::vector<std::uint32_t> row_comm_;        // per row: community slot index
  std::vector<float> account_;                 // rows x account-level features
  std::vector<CommunityId> comm_ids_;          // community slot -> community id
  std::vector<std::uint32_t> comm_slot_;       // community id -> slot (UINT32_MAX if no account)
  std::vector<float> community_;               // slots x community-level features
  std::vector<float> quantile_;                // slots x quantile features
  std::vector<std::uint32_t> comm_accounts_;   // per slot
  std::vector<std::uint8_t> comm_band_;        // per slot
  std::vector<NodeId> top_entity_;             // slots x kNumEntitySlots
  std::vector<std::uint32_t> top_count_;       // slots x kNumEntitySlots
  std::vector<std::uint32_t> owned_count_;     // slots x kNumEntitySlots
  std::vector<std::uint32_t> bands_;
  std::vector<BandReference> refs_;            // bands x schema size (only community features filled)
};

/// Computes every feature of every account and community of `partition`
/// (over all snapshot nodes; communities without accounts are skipped).
///
/// Time O(sum of degrees x log degree + accounts x buckets + communities
/// log communities); never touches pairs of accounts (a hub of 100,000
/// accounts costs 100,000, not 10^10). Memory: about 4 bytes x (account
/// features x accounts + community features x communities).
/// Deterministic for any thread count. Throws std::invalid_argument on bad
/// options or a partition / inputs not covering the snapshot; Cancelled when
/// options.cancel fires.
[[nodiscard]] FeatureTable compute_features(const Snapshot& snapshot, const Incidence& incidence,
                                            const Partition& partition, const FeatureInputs& inputs = {},
                                            const FeatureOptions& options = {});

}  // namespace hydrascope
