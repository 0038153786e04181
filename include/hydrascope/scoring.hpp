// Scoring: per-community features (payment and IP-pool sharing, proxy routing,
// synchrony, load balance, creation burst, traffic pivot, seed mass), their
// standardisation against the whole snapshot, the combined risk score of
// every community and account, and the plain-language explanation of each.
// docs/scoring.md is the user-facing description of everything here.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "hydrascope/common.hpp"
#include "hydrascope/graph.hpp"
#include "hydrascope/partition.hpp"
#include "hydrascope/snapshot.hpp"
#include "hydrascope/types.hpp"

namespace hydrascope {

/// Independent signal groups. A community is flagged only when several fire
/// together; each group contributes at most 1 to the combined evidence.
enum class SignalGroup : std::uint8_t {
  Payment = 0,  ///< accounts concentrated on few payment methods
  IpPool,       ///< accounts concentrated on few IPs / one /24 / one ASN / datacenter IPs
  Proxy,        ///< accounts routed through one proxy
  Synchrony,    ///< activity in lock-step (after removing the snapshot-wide daily shape)
  Balance,      ///< request volumes evenly balanced across accounts
  Burst,        ///< accounts created in one short window
  Pivot,        ///< a shared step change in traffic
  Seed,         ///< banned / suspect accounts in or near the community
  Device,       ///< accounts run from a pool of shared client fingerprints
  None,         ///< descriptive feature, not scored
};
inline constexpr int kNumSignalGroups = 9;

/// Community features. Each is a number per community (NaN when undefined,
/// e.g. synchrony without activity data). See docs/scoring.md.
enum class Feature : std::uint8_t {
  AccountsPerPayment = 0,  ///< accounts with a payment method / distinct payment methods they use (descriptive)
  AccountsPerIp,           ///< accounts with an IP / distinct IPs they use
  IpPrefixShare,           ///< share of account->IP links into the community's most used /24 (IPv6: /48)
  IpAsnShare,              ///< share of account->IP links into the most used ASN (attr `asn`)
  DatacenterShare,         ///< share of account->IP links to IPs marked datacenter/hosting
  ProxyShare,              ///< share of accounts routed via the community's top proxy
  VolumeCv,                ///< coefficient of variation of account volumes (low = balanced)
  Synchrony,               ///< mean pairwise correlation of detrended activity vectors
  CreationBurst,           ///< share of accounts created within the densest burst window
  Pivot,                   ///< share of accounts with a step change at the community's change point
  SeedShare,               ///< share of accounts labelled banned or suspect
  SeedProximity,           ///< mean personalized PageRank per account / snapshot mean per account
  Density,                 ///< internal snapshot edges / (members choose 2)
  Conductance,             ///< cut edges / min(volume, total volume - volume)
  CardPoolShare,           ///< share of paying core accounts on a shared card other than the top one (a card pool)
  VolumeSpread,            ///< 1.4826 x MAD of ln(account volume) (low = balanced)
  CoreAccounts,            ///< accounts in the community's core (the ones features are computed on)
  DevicePoolShare,         ///< share of core accounts on one of the community's own shared devices other than the top one
};
inline constexpr int kNumFeatures = 18;

[[nodiscard]] std::string_view to_string(SignalGroup group) noexcept;
/// Stable snake_case name of a feature (used as JSON key and CSV column).
[[nodiscard]] std::string_view to_string(Feature feature) noexcept;
[[nodiscard]] SignalGroup group_of(Feature feature) noexcept;

using FeatureVector = std::array<double, kNumFeatures>;

/// Options of score_snapshot().
struct ScoringOptions {
  /// A community (and its evidenced accounts) is suspect when risk >= threshold. In (0, 1].
  double threshold = 0.5;
  /// Communities with fewer accounts get no community score (risk from seeds only). >= 2.
  std::uint32_t min_accounts = 3;
  /// Signal groups that must fire (strength >= 0.5) before the risk can pass
  /// the threshold: size and sharing alone (two groups) never flag. 1..9.
  int min_groups = 3;
  /// Logistic combination: risk = gate * 1 / (1 + exp(-slope * (E - midpoint)))
  /// where E = sum of group strengths (each in [0, 1]).
  double midpoint = 2.5;
  double slope = 3.0;
  /// Creation-burst window in seconds. > 0.
  std::int64_t burst_window_seconds = 6 * 3600;
  /// Robust z-score at which a feature starts to count, and at which it counts fully.
  double z_start = 3.0;
  double z_full = 8.0;
  /// Size bands (lower bounds, in accounts) for the reference distributions;
  /// a band with fewer than min_band_communities communities uses all bands pooled.
  std::vector<std::uint32_t> band_bounds{3, 5, 10, 20, 50, 100, 300};
  std::uint32_t min_band_communities = 30;
  /// Remove the snapshot-wide activity shape (e.g. day/night) before synchrony.
  bool detrend = true;
  /// Worker threads (0 = OpenMP default). Results do not depend on it.
  int threads = 0;
  ProgressFn progress;
  CancelToken cancel;
  /// Throws std::invalid_argument naming the bad value.
  void validate() const;
};

/// Optional per-node centralities that scoring uses (empty = not available).
struct ScoringInputs {
  std::span<const double> ppr;       ///< personalized PageRank from seeds, per node
  std::span<const double> pagerank;  ///< PageRank, per node (exported only)
};

/// The reference a feature value is compared with.
struct FeatureReference {
  double median = 0.0;
  double scale = 0.0;  ///< 1.4826 * MAD, floored per feature
  double p99 = 0.0;
  std::uint64_t communities = 0;  ///< how many communities the reference was taken over
  std::uint32_t band_lo = 0, band_hi = 0;  ///< account-count band (band_hi 0 = open)
};

/// A signal that fired, with the value and its snapshot reference.
struct FiredSignal {
  Feature feature = Feature::AccountsPerPayment;
  double value = 0.0;
  double strength = 0.0;  ///< in (0, 1]
  std::string text;       ///< plain English, e.g. "31 accounts per payment method (snapshot p99: 3)"
};

/// Everything known about one scored community (>= min_accounts accounts).
struct CommunityDetail {
  CommunityId community = kNoCommunity;
  std::uint32_t band = 0;
  FeatureVector features{};
  FeatureVector z{};  ///< robust z in the suspicious direction (NaN when undefined)
  std::array<double, kNumSignalGroups> group_strength{};
  /// Graded strengths (>= group_strength): the same z ranges with the gates
  /// relaxed into ramps; they order communities that do not meet the
  /// requirements (below the threshold), never flag one.
  std::array<double, kNumSignalGroups> graded_strength{};
  int fired_groups = 0;
  std::vector<FiredSignal> fired;  ///< strongest first
  std::string top_payment, top_ip_prefix, top_proxy;  ///< ids / prefix behind the sharing features ("" if none)
  std::uint64_t core = 0;      ///< accounts in the core (see docs/scoring.md); features are computed on them
  std::uint64_t banned = 0;    ///< core accounts labelled banned
  std::uint64_t suspects = 0;  ///< core accounts labelled suspect
  std::uint64_t pool_cards = 0;  ///< shared cards besides the top one
  std::uint64_t pool_devices = 0;  ///< own devices used by 5+ core accounts when there are two or more (0 otherwise)
  bool requirements_met = false; ///< balance and an acquisition signal (proxy, card pool, burst, seed) fired
  std::string summary;  ///< first sentence of the explanation: flagged or not, and why
};

/// Summary of every community.
struct CommunityScore {
  std::uint64_t nodes = 0;
  std::uint64_t accounts = 0;
  std::array<std::uint64_t, kNumNodeKinds> by_kind{};
  double risk = 0.0;
  bool suspect = false;
  std::uint32_t detail = UINT32_MAX;  ///< index into ScoringResult::details, or UINT32_MAX
};

/// Result of score_snapshot().
struct ScoringResult {
  std::vector<CommunityScore> communities;  ///< indexed by CommunityId
  std::vector<CommunityDetail> details;     ///< scored communities, ascending community id
  /// Per node (accounts only meaningful; entities 0): risk in [0, 1].
  std::vector<double> account_risk;
  /// Per node: share of its community's fired signals the account itself shows, in [0, 1].
  std::vector<float> account_evidence;
  /// Per node: the fired groups the account itself shows (bit g = SignalGroup g).
  std::vector<std::uint16_t> account_groups;
  std::vector<std::uint8_t> account_suspect;
  /// References per band and feature: bands x kNumFeatures (band index as in CommunityDetail::band).
  std::vector<std::array<FeatureReference, kNumFeatures>> references;
  /// Snapshot-wide entity references: p99 / max of accounts per payment method and per IP.
  double payment_accounts_p99 = 0.0, ip_accounts_p99 = 0.0;
  /// Ranking of suspect communities: risk desc, then size desc, then id.
  std::vector<CommunityId> ranking;
  std::uint64_t suspect_communities = 0, suspect_accounts = 0;
  double threshold = 0.5;
  double seconds = 0.0;
};

/// Scores every community of `partition` (over all snapshot nodes) and every account.
///
/// Features are computed per community, on its core (accounts linked to 2+
/// entities that mostly belong to the community, plus those linked to a mostly
/// core entity), in one pass over the incident snapshot edges of its members
/// (O(sum of member degrees x log degree)), plus O(accounts x buckets) for the
/// activity features; never over pairs of accounts. Each feature is turned
/// into a robust z-score against the features of all scored communities of
/// comparable size (median / MAD per size band), then into a strength in
/// [0, 1]; each signal group takes its strongest feature; the groups are
/// combined by combine_groups(), which keeps a community below the threshold
/// unless min_groups groups fired, balance among them, plus an acquisition
/// signal (proxy, card pool, burst or seeds).
/// Account risk = community risk x (0.2 + 0.8 x the account's own evidence;
/// outside the core only behavioural evidence, counted when the account moves
/// in lock-step with the core, at weight 0.85), raised by its seed proximity; accounts in communities
/// below min_accounts get only the seed part (at most 0.3).
/// Deterministic for any thread count. Throws std::invalid_argument on bad
/// options or a partition / input not covering the snapshot.
[[nodiscard]] ScoringResult score_snapshot(const Snapshot& snapshot, const Incidence& incidence,
                                           const Partition& partition, const ScoringInputs& inputs = {},
                                           const ScoringOptions& options = {});

/// The combination of group strengths into a community risk (see docs/scoring.md).
struct GroupCombination {
  double risk = 0.0;
  int fired_groups = 0;           ///< groups with strength >= 0.5
  bool acquisition = false;       ///< proxy, payment (card pool), burst or seed fired
  bool requirements_met = false;  ///< >= min_groups fired, balance fired, acquisition
};
/// risk = logistic(slope x (E - unmet - midpoint)), E = sum of strengths, unmet =
/// missing groups below min_groups + (balance silent) + (no acquisition signal);
/// multiplied by 0.9 x threshold unless every requirement is met, so a community
/// that misses one can never reach the threshold. Graded: a group counts as
/// fired to the degree min(1, 2 x strength), so unmet is fractional below the
/// threshold. `graded` (optional, elementwise >= strength) replaces the
/// strengths in that below-threshold part: risk = 0.9 x threshold x
/// logistic(graded) when a requirement is unmet, else the larger of that and
/// logistic(strength). Non-decreasing in every strength.
[[nodiscard]] GroupCombination combine_groups(const std::array<double, kNumSignalGroups>& strength,
                                              const ScoringOptions& options,
                                              const std::array<double, kNumSignalGroups>* graded = nullptr);

/// An account's share of its community's risk: community_risk x (0.2 + 0.8 x
/// evidence), where evidence in [0, 1] is the account's share of the fired
/// groups' strength that it shows itself. `shown` is the mask of groups the
/// account shows (bit g = SignalGroup g). An account whose shown groups are
/// IpPool and at most one other gets at most 0.95 x threshold: an IP (a VPN
/// exit, a NAT, a cafe) is the least personal thing two accounts share, so it
/// makes such an account a lead, ranked just under the flag, never a suspect.
[[nodiscard]] double account_community_risk(double community_risk, double evidence, unsigned shown,
                                            double threshold);

/// Splits every community that holds the clientele of one or more of its
/// own proxies (each used by >= 10 of its accounts, at least half of that
/// proxy's accounts in it) by proxy: every account goes with the biggest of
/// those proxies it uses; each piece of >= 10 accounts that does not hold
/// 80 % of the accounts becomes its own community (a farm's relay-proxy
/// clientele apart from an aggregator's customers; an aggregator's customers
/// apart from the farms they were merged with). Accounts behind none of them
/// stay; entities follow their accounts when these all went to one piece.
/// Communities renumbered canonically; the partition is returned unchanged
/// when nothing is split. O(sum of member degrees x log degree).
/// Deterministic.
[[nodiscard]] Partition split_hub_communities(const Snapshot& snapshot, const Incidence& incidence,
                                              const Partition& partition, std::uint32_t min_accounts = 3);

/// Splits every community whose tied accounts (linked to 2 or more of its
/// own entities) fall apart into two or more groups of >= 10 that share no
/// entity: accounts are joined through own entities whose accounts in the
/// community are at least 2/3 tied (a popular fingerprint shared with
/// strangers joins nothing). Each group that does not hold 80 % of the
/// accounts becomes its own community, with the untied accounts that use one
/// of its joining entities (two farms, or a farm and a company, that
/// community detection put together). Entities follow their accounts as in
/// split_hub_communities(). O(sum of member degrees x log degree).
/// Deterministic.
[[nodiscard]] Partition split_tied_groups(const Snapshot& snapshot, const Incidence& incidence,
                                          const Partition& partition, std::uint32_t min_accounts = 3);

/// Splits off every group of >= 10 accounts that is well separated inside
/// its community: on the community's graph of accounts and own entities,
/// Leiden (modularity, resolution 1, seed 1, one thread) finds groups, and
/// a group that does not hold 80 % of the accounts and keeps at least 90 %
/// of its links inside (conductance <= 0.1) becomes its own community (a
/// small farm that community detection left inside an aggregator's
/// clientele, tied to it by a few camouflage links). Entities follow their
/// accounts as in split_hub_communities(). Deterministic.
[[nodiscard]] Partition split_separated_groups(const Snapshot& snapshot, const Incidence& incidence,
                                               const Partition& partition, std::uint32_t min_accounts = 3);

/// Raises the risk of pool members (docs/scoring.md, "Accounts flagged with
/// their pool"), the last step of score_snapshot(): an account of a suspect
/// community that is not flagged but shows a fired group other than ip_pool
/// itself (account_groups) takes the mean risk of the other accounts of one of
/// its IPs, devices or payment methods when that entity belongs to its
/// community (at least half of the entity's accounts are there), has 4 or
/// more other accounts, and at least half of them are flagged (risk >=
/// result.threshold). Reads only the risks it was given (one pass, order
/// free); O(edges). Does not update account_suspect.
/// With `in_step` (is account v in lock-step with community c? score_snapshot()
/// passes the synchrony test), an account on exactly one such entity, of a
/// suspect community wherever the account sits, is raised too when the
/// account has no other IP, device or card of 2 to 100 accounts and is in
/// lock-step with the entity's community.
using InStep = std::function<bool(NodeId account, CommunityId community)>;
void raise_pool_members(const Snapshot& snapshot, const Incidence& incidence, const Partition& partition,
                        ScoringResult& result, const InStep& in_step = {});

/// Moves every account that nothing anchors in its community (no IP,
/// device or card of its own alone, and no IP, device, card or proxy of 2
/// to 100 accounts whose largest share of accounts is there) to the community holding most of the accounts of its
/// pool: an IP, device or payment method of at most 100 accounts with 5 or
/// more of them in that community (the largest such). A farm's pool IP
/// whose popular-fingerprint accounts were put next to a VPN exit community
/// is made whole; hubs of more than 100 accounts neither anchor nor move
/// anyone. Entities stay where they are. Deterministic, one pass.
[[nodiscard]] Partition rehome_pool_accounts(const Snapshot& snapshot, const Incidence& incidence,
                                             const Partition& partition);

/// Merges two communities that share 10 or more IPs, devices or payment
/// methods of at most 100 accounts (each with 2 or more accounts in both,
/// the two communities holding most of its accounts) when those entities
/// carry, on each side, at least half as many accounts as the smaller
/// community has: a large farm that community detection cut in two along
/// its pool. Deterministic,
/// one pass.
[[nodiscard]] Partition merge_pool_communities(const Snapshot& snapshot, const Incidence& incidence,
                                               const Partition& partition);

/// Formats a number for explanations: integers without decimals, else 2-3 significant digits.
[[nodiscard]] std::string format_number(double value);

}  // namespace hydrascope
