// Tracking: hydras over time. After scoring, every community of a run is
// matched to the previous run's by the accounts and the infrastructure
// (cards, IPs, proxies, devices, ...) they share, carries a persistent
// hydra_id, and gets an event (new, same, grown, shrunk, merged, split,
// regrown, dissolved); analysts' review decisions (trusted, confirmed,
// ignore) are applied through hydra ids so that they survive reruns.
// run_pipeline calls track_run(); `hydrascope diff` calls match_runs() on two
// run folders read with RunData::read_tracking(). docs/tracking.md is the
// user-facing description (rules, a worked example).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hydrascope/graph.hpp"
#include "hydrascope/partition.hpp"
#include "hydrascope/scoring.hpp"
#include "hydrascope/snapshot.hpp"
#include "hydrascope/types.hpp"

namespace hydrascope {

/// What happened to a community since the previous run (docs/tracking.md, "Events").
enum class HydraEvent : std::uint8_t { New, Same, Grown, Shrunk, Merged, Split, Regrown, Dissolved };
inline constexpr int kNumHydraEvents = 8;
[[nodiscard]] std::string_view to_string(HydraEvent event) noexcept;
/// The order in which changes are listed (communities.json `changes`, `diff`):
/// what an analyst looks at first, regrown before merged, split, new, grown,
/// shrunk, then the rest.
[[nodiscard]] int hydra_event_rank(HydraEvent event) noexcept;
/// Parses the names above (`new`, `same`, ...); nullopt otherwise.
[[nodiscard]] std::optional<HydraEvent> parse_hydra_event(std::string_view text) noexcept;

/// An analyst's verdict on a hydra (docs/formats.md, "Review decisions").
///  - Trusted: the community is not flagged until it changes materially.
///  - Confirmed: the community stays flagged (every account but the
///    trusted-labelled ones), so it goes to the ban list.
///  - Ignore: recorded, changes nothing; as the latest decision it withdraws
///    an earlier trusted or confirmed one.
enum class ReviewDecision : std::uint8_t { Trusted, Confirmed, Ignore };
[[nodiscard]] std::string_view to_string(ReviewDecision decision) noexcept;
/// Parses `trusted|confirmed|ignore`; nullopt otherwise.
[[nodiscard]] std::optional<ReviewDecision> parse_review_decision(std::string_view text) noexcept;

/// What a review row names.
enum class ReviewTarget : std::uint8_t { Hydra, Account, Entity };
[[nodiscard]] std::string_view to_string(ReviewTarget target) noexcept;

/// One row of a review file.
struct Review {
  ReviewTarget target_kind = ReviewTarget::Hydra;
  std::string target;  ///< the hydra, account or entity id as written
  ReviewDecision decision = ReviewDecision::Ignore;
  std::string note;
  std::string by;
  Timestamp at = kNoTime;
  std::uint64_t line = 0;  ///< line of the row in the file (1 = header)
};

/// A review file, rows in file order.
struct Reviews {
  std::string file;
  std::vector<Review> rows;
};

/// Reads a review file: CSV (RFC 4180) with a header naming the columns;
/// exactly one of `hydra_id`, `account_id`, `entity_id` filled per row,
/// `decision` (trusted|confirmed|ignore), `by` (not empty), `at` (RFC 3339 or
/// integer Unix seconds), `note` optional; other columns ignored. Throws
/// InputError naming the file, line and column of the first bad cell.
[[nodiscard]] Reviews read_reviews(const std::string& path);

/// Options of the matching, the events and the reviews. Every rule is in
/// docs/tracking.md with its default.
struct TrackingOptions {
  /// A previous community P and a current one C are linked when they share
  /// at least `containment` of the smaller side's accounts, or of the smaller
  /// side's infrastructure, ... In (0, 1].
  double containment = 0.5;
  /// ... and the shared accounts (or infrastructure) are at least
  /// `significance` of P's (a few accounts drifting away are no split). In [0, 1].
  double significance = 0.1;
  /// grown / shrunk: the account count changed by at least this share of the
  /// previous count (and by one account). In (0, 1].
  double change = 0.1;
  /// regrown: at least this many accounts that were not in the previous run. >= 1.
  std::uint32_t min_new_heads = 2;
  /// A trusted decision lapses when the model flags more of the community's
  /// accounts than at the decision, by at least 2 and `material_share` of
  /// the accounts it had then ... In [0, 1].
  double material_share = 0.05;
  /// ... or the community has at least (1 + material_size) x its accounts at
  /// the decision (it merged with another) ... In (0, 10].
  double material_size = 1.0;
  /// ... or (when true) it shares a card or proxy that it did not share then,
  /// used by at least 2 and `material_share` of the accounts it had then.
  bool material_new_infrastructure = true;
  /// The snapshot's trusted labels act as a trusted decision on a community
  /// when at least this share of its accounts are labelled trusted. In (0, 1].
  double trusted_label_share = 0.5;
  /// A dissolved hydra that was flagged, banned or confirmed is remembered
  /// this many runs, so that heads regrown on its infrastructure later get
  /// its id back. 0 = not remembered.
  std::uint32_t dormant_runs = 30;
  /// Infrastructure entities kept per community (most used first). >= 1.
  std::uint32_t max_infrastructure = 1000;
  /// Throws std::invalid_argument naming the bad value.
  void validate() const;
};

/// An entity of a community's infrastructure: a non-account node of the
/// community used by at least two of its accounts.
struct InfraEntity {
  std::string id;
  std::string type;           ///< the snapshot's node type
  std::uint32_t accounts = 0; ///< its accounts in the community
};

/// What tracking remembers of a hydra from run to run.
struct HydraHistory {
  std::uint64_t first_run = 0;     ///< the run its id was minted in
  std::uint64_t flagged_runs = 0;  ///< runs in which it was flagged (a suspect community)
  bool banned_before = false;      ///< had accounts labelled banned in some run
};

/// A decision as applied to a hydra and recorded with it, so that the next
/// run carries its binding, baseline and lapse.
struct ReviewState {
  ReviewDecision decision = ReviewDecision::Ignore;
  bool from_labels = false;  ///< made from the snapshot's trusted labels, not a review row
  ReviewTarget target_kind = ReviewTarget::Hydra;
  std::string target, by, note;
  Timestamp at = kNoTime;
  std::uint64_t since_run = 0;  ///< the run that first applied it
  bool in_force = true;         ///< trusted: false once the community changed materially
  std::string lapsed;           ///< why it lapsed (empty while in force)
  /// Trusted: the community when the decision was taken (accounts, accounts
  /// the model flagged, and its shared cards and proxies, sorted).
  std::uint64_t baseline_accounts = 0;
  std::uint64_t baseline_flagged = 0;
  std::vector<std::string> baseline_infrastructure;
  /// The same decision (same row of the same log): target, decision, by, at.
  [[nodiscard]] bool same_decision(const ReviewState& o) const noexcept {
    return from_labels == o.from_labels && decision == o.decision && target_kind == o.target_kind &&
           target == o.target && by == o.by && at == o.at;
  }
};

/// One community of a run as tracking sees it.
struct TrackedCommunity {
  CommunityId community = kNoCommunity;  ///< its id in that run (dormant hydras: kNoCommunity)
  std::string hydra_id;                  ///< empty when the run was written without tracking
  std::uint64_t accounts = 0;
  std::uint64_t banned = 0;          ///< accounts labelled banned
  std::uint64_t trusted_labels = 0;  ///< accounts labelled trusted
  bool flagged = false;              ///< a suspect community (after review decisions)
  std::uint64_t model_flagged = 0;   ///< accounts the model flagged (before review decisions)
  std::vector<InfraEntity> infrastructure;  ///< most used first, then by id
  HydraHistory history;
  std::optional<ReviewState> review;  ///< the decision that applies, if any
  std::uint64_t dissolved_run = 0;    ///< dormant hydras: the run in which it dissolved
};

/// A run as tracking sees it: read from a run folder
/// (RunData::read_tracking) or made from a run in memory (track_run).
struct TrackedRun {
  static constexpr std::uint32_t kUntracked = UINT32_MAX;
  std::string name;         ///< the folder, or empty for the run being made
  bool tracked = false;     ///< the run carries hydra ids
  std::uint64_t run = 0;    ///< tracking run number: 1 for the first tracked run
  std::uint64_t next_hydra = 1;  ///< number of the next hydra id to mint
  /// Every account of the run, its community id in that run and the index of
  /// that community in `communities` (kUntracked for communities too small
  /// to be tracked).
  std::vector<std::string> account_ids;
  std::vector<CommunityId> account_community;
  std::vector<std::uint32_t> account_tracked;
  std::vector<TrackedCommunity> communities;  ///< tracked communities, ascending community id
  std::vector<TrackedCommunity> dormant;      ///< dissolved hydras remembered, by hydra id
};

/// `h-` and the number in at least six digits: hydra_name(123) = "h-000123".
[[nodiscard]] std::string hydra_name(std::uint64_t number);

/// How one current community relates to the previous run.
struct CommunityTrack {
  std::string hydra_id;  ///< its hydra id (inherited or newly minted)
  HydraEvent event = HydraEvent::New;
  /// Linked previous hydra ids, strongest link first (a dormant hydra's id
  /// when it regrew from one).
  std::vector<std::string> previous;
  std::uint64_t accounts_before = 0;  ///< accounts of the strongest link in the previous run
  std::uint64_t carried = 0;          ///< its accounts that were in the strongest link
  std::uint64_t new_heads = 0;        ///< its accounts that were not in the previous run at all
  std::uint32_t shared_infrastructure = 0;  ///< infrastructure shared with the strongest link
  /// Regrown after a ban: at least half of the hydra's accounts were labelled
  /// banned in the previous run, or are now (or when it dissolved, for a dormant one).
  bool after_ban = false;
  bool from_dormant = false;  ///< regrown from a hydra that had dissolved in an earlier run
};

/// A previous hydra whose id does not go on.
struct EndedHydra {
  std::string hydra_id;
  HydraEvent event = HydraEvent::Dissolved;  ///< Dissolved, or Merged into `into`
  std::string into;
  std::uint64_t accounts = 0;  ///< in the previous run
  bool flagged = false;
  std::uint64_t banned = 0;
};

/// Result of match_runs().
struct TrackingMatch {
  std::vector<CommunityTrack> tracks;  ///< parallel to the current run's communities
  std::vector<EndedHydra> ended;       ///< by hydra id
  /// Communities per event; [Dissolved] counts ended hydras without successor.
  std::array<std::uint64_t, kNumHydraEvents> counts{};
  std::uint64_t minted = 0;            ///< new hydra ids
  std::uint64_t new_heads = 0;         ///< sum over regrown communities
};

/// Matches `current` against `previous` (docs/tracking.md, "Matching"):
/// links by shared accounts and infrastructure, hydra ids inherited by
/// mutual strongest links, new ids minted from previous.next_hydra in
/// community order, events, and regrowth from previous.dormant. A previous
/// run without hydra ids gets them minted in community order (h-000001, ...).
/// Deterministic; O(accounts + infrastructure) with hash maps of ids.
/// Does not modify either run (track_run() writes the result into its own).
[[nodiscard]] TrackingMatch match_runs(const TrackedRun& previous, const TrackedRun& current,
                                       const TrackingOptions& options = {});

/// What happened to each review row.
struct ReviewOutcome {
  std::uint64_t line = 0;
  std::string target;
  ReviewDecision decision = ReviewDecision::Ignore;
  std::string hydra_id;  ///< the hydra it applies to (empty: none)
  /// `applied` (the decision in force on its hydra), `lapsed` (trusted, the
  /// community changed materially), `superseded` (a later decision on the
  /// same hydra wins), `unmatched` (no tracked community: unknown id, or too small).
  std::string status;
};

/// Everything track_run() did.
struct TrackingResult {
  TrackedRun run;        ///< this run: ids, infrastructure, histories, decisions, dormant hydras
  TrackingMatch match;   ///< tracks parallel to run.communities
  /// Per CommunityId of the partition: index into run.communities, or TrackedRun::kUntracked.
  std::vector<std::uint32_t> index_of;
  std::string previous;  ///< the previous run's folder (empty: none)
  std::uint64_t previous_run = 0;
  std::string reviews_file;
  std::vector<ReviewOutcome> reviews;  ///< one per row, file order
  /// Decisions of the previous run whose row is not in this run's review file (withdrawn).
  std::uint64_t withdrawn = 0;
  std::uint64_t suppressed_accounts = 0;  ///< flagged by the model, not flagged after trusted decisions
  std::uint64_t confirmed_accounts = 0;   ///< not flagged by the model, flagged after confirmed decisions
  /// Per CommunityId: the hydra id ("" for communities too small to be
  /// tracked), as accounts.csv and the exports write it.
  [[nodiscard]] std::vector<std::string> hydra_ids() const;
};

/// The tracked communities of a run in memory: those scoring kept a detail
/// for (communities.json records), with their accounts, labels, flags and
/// infrastructure. Hydra ids, histories and decisions are left empty.
[[nodiscard]] TrackedRun tracked_run_of(const Snapshot& snapshot, const Partition& partition,
                                        const Incidence& incidence, const ScoringResult& scoring,
                                        const TrackingOptions& options = {});

/// After scoring (run_pipeline): tracked_run_of(), match_runs() against
/// `previous` (null: every community new, ids from h-000001), then the review
/// decisions (`reviews`, may be null) and the snapshot's trusted labels are
/// resolved to hydras and applied to `scoring`: trusted in force clears the
/// flags of the community's accounts (risk kept), confirmed flags all of them
/// but the trusted-labelled; community flags, counts, ranking and summaries
/// follow. Then histories and the dormant list are brought up to date.
/// Deterministic. Throws std::invalid_argument on bad options.
[[nodiscard]] TrackingResult track_run(const Snapshot& snapshot, const Partition& partition,
                                       const Incidence& incidence, ScoringResult& scoring,
                                       const TrackedRun* previous, const Reviews* reviews,
                                       const TrackingOptions& options = {});

/// Warm start of community detection from a previous run: per node of
/// `graph` (the snapshot's node ids), the previous community of an account
/// found there by id; for any other node the previous community holding most
/// of its neighbours' edge weight among those accounts (ties: the smaller
/// id); kNoCommunity (start alone) for nodes with none. O(n + m).
[[nodiscard]] std::vector<CommunityId> warm_start_labels(const Snapshot& snapshot, const AnalysisGraph& graph,
                                                         const TrackedRun& previous);

}  // namespace hydrascope
