// Scoring a run's accounts.csv against a synthetic world's truth.json, and the
// metrics as pure functions (AUROC, average precision, ARI, ...), plus simple baselines.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "hydrascope/snapshot.hpp"

namespace hydrascope {

struct TruthCluster {
  std::string id;
  std::string kind;  ///< "hydra" counts as positive; anything else is a benign look-alike
  std::vector<std::string> accounts;
};

struct Truth {
  std::vector<TruthCluster> clusters;
  std::vector<std::string> accounts;  ///< every account id (empty if the file has none)
};

/// Reads truth.json (docs/generator.md, "Output"). Throws InputError naming the place.
[[nodiscard]] Truth load_truth(const std::string& path);

struct AccountRow {
  std::string account_id;
  std::int64_t community_id = 0;
  double risk_score = 0.0;
  bool suspect = false;
};

/// Reads accounts.csv (section 6): header starting `account_id,community_id,risk_score,suspect`.
/// Throws InputError naming line and field.
[[nodiscard]] std::vector<AccountRow> load_accounts_csv(const std::string& path);

/// Area under the ROC curve; ties count one half (exact, by rank). 0.5 if
/// either class is empty. O(n log n).
[[nodiscard]] double auroc(const std::vector<double>& scores, const std::vector<bool>& positive);
/// Average precision (area under the precision-recall step curve), tied
/// scores form one threshold step: sum over distinct thresholds of
/// (recall gain) x (precision at that threshold). 0 if no positives.
[[nodiscard]] double average_precision(const std::vector<double>& scores, const std::vector<bool>& positive);
/// Precision among the top R scores, R = number of positives; ties at the cut
/// are counted fractionally (expected value over tie orders). 0 if no positives.
[[nodiscard]] double r_precision(const std::vector<double>& scores, const std::vector<bool>& positive);
/// Adjusted Rand index of two labelings of the same items (Hubert-Arabie).
/// 1 when both are identical partitions; 1 also when both put every item alone or all together.
[[nodiscard]] double adjusted_rand_index(const std::vector<std::int64_t>& a, const std::vector<std::int64_t>& b);

struct ClusterScore {
  std::string id, kind;
  std::uint64_t size = 0;        ///< accounts listed
  std::uint64_t present = 0;     ///< of them, found in accounts.csv
  std::uint64_t flagged = 0;     ///< suspect = true
  double recall = 0.0;           ///< flagged / size (0 if empty)
  double largest_community_share = 0.0;  ///< share of present members in their most common community
};

struct EvalOptions {
  bool only_listed = false;  ///< score only accounts listed in truth clusters
};

struct EvalResult {
  std::uint64_t scored = 0, positives = 0, negatives = 0;
  std::uint64_t missing = 0;    ///< truth accounts absent from accounts.csv (scored as 0, not suspect)
  std::uint64_t unknown = 0;    ///< rows whose id is not a truth account (ignored; only when truth lists all accounts)
  std::uint64_t duplicates = 0; ///< repeated rows (first one kept)
  double auroc = 0.5, average_precision = 0.0, r_precision = 0.0;
  std::uint64_t tp = 0, fp = 0, fn = 0;
  double precision = 0.0, recall = 0.0, f1 = 0.0;
  double ari = 0.0;  ///< community_id vs hydra clusters (benign accounts each alone)
  /// Hydra clusters with at least half of their accounts flagged.
  std::uint64_t farms_flagged = 0;
  /// Calibration (reliability) of risk_score: 10 bins of width 0.1 (the last
  /// closed); per bin the accounts, their mean risk and the share that are
  /// hydra. ece = sum over bins of accounts/scored x |mean risk - share|.
  struct CalibrationBin {
    std::uint64_t accounts = 0;
    double mean_risk = 0.0, positive_share = 0.0;
  };
  std::vector<CalibrationBin> calibration;
  double ece = 0.0;
  std::vector<ClusterScore> hydra;                 ///< per hydra cluster
  std::map<std::string, ClusterScore> lookalikes;  ///< per look-alike kind (all its clusters together)
};

[[nodiscard]] EvalResult evaluate(const Truth& truth, const std::vector<AccountRow>& rows, const EvalOptions& options = {});

enum class BaselineMethod : std::uint8_t { SharedCard, IpFanin, Proxy, Degree };
[[nodiscard]] BaselineMethod parse_baseline_method(const std::string& name);  ///< throws std::invalid_argument

/// One row per account in snapshot order: the simple signal an analyst tries
/// first. shared-card: accounts on the account's most shared card; ip-fanin:
/// accounts on its most shared IP; proxy: accounts behind its biggest proxy;
/// degree: its own degree. risk = log(1+x)/log(1+max x); community = node
/// index of the entity that drove the score (the account's own index if none);
/// suspect = x at or above `threshold` (defaults: 5, 20, 20, 6).
[[nodiscard]] std::vector<AccountRow> run_baseline(const Snapshot& snapshot, BaselineMethod method, double threshold = -1.0);

/// accounts.csv text for rows (header `account_id,community_id,risk_score,suspect`).
/// Ids are analyst-table cells, as in a run's accounts.csv (append_sheet_cell).
[[nodiscard]] std::string accounts_csv(const std::vector<AccountRow>& rows, bool formula_guard = true);

}  // namespace hydrascope
