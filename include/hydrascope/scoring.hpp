// Scoring: every account's risk from the learned model (model.hpp) over its
// feature row (features.hpp), calibrated on the snapshot's own labels when it
// carries enough of them; trusted accounts never flagged; communities ranked;
// every suspect community explained from the model's per-feature
// contributions in plain sentences with snapshot references.
// docs/scoring.md is the user-facing description.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "hydrascope/common.hpp"
#include "hydrascope/features.hpp"
#include "hydrascope/graph.hpp"
#include "hydrascope/model.hpp"
#include "hydrascope/partition.hpp"
#include "hydrascope/snapshot.hpp"
#include "hydrascope/types.hpp"

namespace hydrascope {

/// Options of score_snapshot().
struct ScoringOptions {
  /// An account is suspect when its risk >= threshold. In (0, 1]. Risk is
  /// the model's probability that the account belongs to a farm; 0.8 keeps
  /// the suspects a ban list can act on (docs/quality.md, "Threshold").
  double threshold = 0.8;
  /// Communities with at least this many accounts get a detail entry
  /// (features, reasons). >= 2.
  std::uint32_t min_accounts = 3;
  /// A community is suspect when at least this many of its accounts are
  /// (and it has 2 or more accounts). >= 1.
  std::uint32_t min_flagged = 2;
  /// ... and at least this share of its accounts suspect, in [0, 1]: a
  /// community of 10,000 ordinary accounts with 2 flagged among them is not
  /// a suspect community (its flagged accounts still are suspect accounts).
  double min_flagged_share = 0.1;
  /// Calibrate the model on the snapshot's labels (banned = 1, trusted = 0)
  /// when it has at least min_calibration_labels of each.
  bool calibrate = true;
  std::uint32_t min_calibration_labels = 30;
  /// Accounts per suspect community whose contributions explain it (an
  /// evenly spaced sample of its suspect accounts). >= 1.
  std::uint32_t explain_accounts = 64;
  /// Reasons kept per community (strongest families first). >= 1.
  int max_reasons = 4;
  /// Explain with exact TreeSHAP contributions (O(leaves x depth^2) per tree
  /// and row) instead of Saabas' path attributions (O(depth), the default:
  /// both sum to the margin; docs/scoring.md, "Explanations").
  bool exact_contributions = false;
  int threads = 0;  ///< 0 = OpenMP default; results do not depend on it
  ProgressFn progress;
  CancelToken cancel;
  /// Throws std::invalid_argument naming the bad value.
  void validate() const;
};

/// One reason a community was flagged: a feature family whose mean
/// contribution (log-odds, over the explained accounts) pushed risk up.
struct Reason {
  FeatureFamily family = FeatureFamily::Structure;
  std::string feature;       ///< the schema feature carrying most of the family's contribution
  double value = 0.0;        ///< its value (account-level features: mean over the explained accounts)
  double contribution = 0.0; ///< the family's mean contribution, log-odds (> 0)
  BandReference reference;   ///< the feature's snapshot reference (communities = 0 for account-level)
  std::string text;          ///< plain English with the snapshot reference
};

/// The model's calibration to the snapshot's own labels.
struct Calibration {
  bool applied = false;
  std::uint64_t positives = 0;  ///< banned accounts used
  std::uint64_t negatives = 0;  ///< trusted accounts used
  double slope = 1.0, intercept = 0.0;  ///< risk = 1 / (1 + exp(-(slope x margin + intercept)))
  std::string note;  ///< why it was or was not applied
};

/// Everything known about one community with >= min_accounts accounts.
struct CommunityDetail {
  CommunityId community = kNoCommunity;
  std::uint32_t band = 0;               ///< size band (FeatureTable::band_of)
  std::uint64_t banned = 0, suspects = 0, trusted = 0;  ///< labelled accounts
  /// Mean contribution (log-odds) of each family over the explained accounts (suspect communities only).
  std::array<double, kNumFeatureFamilies> family_contribution{};
  std::uint64_t explained = 0;          ///< accounts whose contributions were averaged
  std::vector<Reason> reasons;          ///< strongest first; empty unless suspect
  std::array<NodeId, kNumEntitySlots> top_entity{};       ///< per slot (kInvalidNode if none)
  std::array<std::uint32_t, kNumEntitySlots> top_count{}; ///< its accounts in the community
  std::string summary;                  ///< first sentence: flagged or not, and why
  /// The community's community-level feature values, in schema order
  /// (features of FeatureLevel::Community, then of FeatureLevel::Quantile).
  std::vector<float> features;
};

/// Summary of every community.
struct CommunityScore {
  std::uint64_t nodes = 0;
  std::uint64_t accounts = 0;
  std::array<std::uint64_t, kNumNodeKinds> by_kind{};
  double risk = 0.0;           ///< mean risk of its accounts
  std::uint64_t flagged = 0;   ///< its suspect accounts
  bool suspect = false;
  std::uint32_t detail = UINT32_MAX;  ///< index into ScoringResult::details, or UINT32_MAX
};

/// Result of score_snapshot().
struct ScoringResult {
  std::vector<CommunityScore> communities;  ///< indexed by CommunityId
  std::vector<CommunityDetail> details;     ///< communities of >= min_accounts accounts, ascending id
  std::vector<double> account_risk;         ///< per node (0 for entities), in [0, 1]
  std::vector<std::uint8_t> account_suspect;///< per node
  /// Per node: the family with the largest contribution for an explained
  /// account, else 255.
  std::vector<std::uint8_t> account_family;
  /// Suspect communities: risk desc, then flagged accounts desc, then id.
  std::vector<CommunityId> ranking;
  std::uint64_t suspect_communities = 0, suspect_accounts = 0;
  double threshold = 0.8;
  Calibration calibration;
  /// Names of CommunityDetail::features (the schema's community-level and quantile features).
  std::vector<std::string> community_feature_names;
  /// Size bands (lower bounds in accounts) and, per band, the reference of
  /// every community-level feature: bands x community_feature_names.size()
  /// (quantile features' entries are empty).
  std::vector<std::uint32_t> band_bounds;
  std::vector<BandReference> references;
  std::string model;  ///< the model's name (ModelInfo)
  double seconds = 0.0;
};

/// Scores every account of the snapshot with `model` over `features` (made
/// on the same partition), then the communities of `partition`.
///
/// risk(a) = logistic(margin(a)), or the calibrated logistic when the
/// snapshot has enough banned and trusted labels; trusted accounts get risk 0
/// and are never flagged. Community risk = mean risk of its accounts.
/// Contributions (TreeSHAP) of up to explain_accounts suspect accounts per
/// suspect community are averaged per feature family into its reasons.
/// Rows are predicted in chunks (memory independent of the snapshot size).
/// Deterministic for any thread count. Throws std::invalid_argument on bad
/// options or inputs that do not match.
[[nodiscard]] ScoringResult score_snapshot(const Snapshot& snapshot, const Partition& partition,
                                           const FeatureTable& features, const Model& model,
                                           const ScoringOptions& options = {});

/// Platt calibration of margins against 0/1 labels: the (slope, intercept)
/// maximising the Bernoulli likelihood plus a Gaussian prior of strength
/// `prior` pulling them to (1, 0), by Newton's method. Labels 0/1 only.
[[nodiscard]] std::pair<double, double> fit_calibration(const std::vector<double>& margins,
                                                        const std::vector<std::uint8_t>& labels, double prior = 1.0);

/// Formats a number for explanations: integers without decimals, else 2-3 significant digits.
[[nodiscard]] std::string format_number(double value);

}  // namespace hydrascope
