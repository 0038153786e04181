// Training rows for the learned model: the feature rows of a snapshot's
// accounts with a 0/1 target each (from generated truth, or from the
// operator's own banned / trusted labels), negatives that sit alone in their
// community optionally sampled with matching weights, and whole feature
// families left out for ablations. `hydrascope train` gathers these over
// many snapshots and hands them to Model::train.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <unordered_set>
#include <vector>

#include "hydrascope/features.hpp"
#include "hydrascope/model.hpp"
#include "hydrascope/snapshot.hpp"

namespace hydrascope {

struct TrainingRowsOptions {
  /// Negatives in communities of fewer than `sample_below` accounts are kept
  /// with this probability and weighted 1 / probability (deterministic: a
  /// hash of the account id and seed decides). (0, 1].
  double negative_sample = 1.0;
  std::uint32_t sample_below = 2;
  std::uint64_t seed = 1;
  /// Every row's weight is multiplied by this (a world's weight in a recipe). > 0.
  double weight = 1.0;
  /// Feature families left out of the matrix (ablation).
  std::vector<FeatureFamily> drop_families;
  /// Throws std::invalid_argument naming the bad value.
  void validate() const;
};

/// The rows gathered so far.
struct TrainingSet {
  FeatureMatrix x;           ///< columns: the schema minus dropped families
  std::vector<float> label;  ///< 0 / 1
  std::vector<float> weight;
  std::uint64_t positives = 0, negatives = 0, sampled_out = 0;
  std::vector<std::string> sources;  ///< one line per snapshot added
  /// Per row: (index of its snapshot in `sources` << 32) | its community id,
  /// so that cross-validation keeps a community's rows in one fold. Empty for
  /// rows read from a cache.
  std::vector<std::uint64_t> group;
};

/// Column names of a training matrix: the schema without `drop`.
[[nodiscard]] std::vector<std::string> training_columns(std::span<const FeatureFamily> drop);

/// Appends the rows of every account whose target (indexed like
/// features.accounts()) is 0 or 1; NaN targets are skipped. `source` names
/// the snapshot in TrainingSet::sources. Throws std::invalid_argument when
/// target has the wrong length or a value other than 0, 1 or NaN.
void append_training_rows(TrainingSet& set, const Snapshot& snapshot, const FeatureTable& features,
                          std::span<const float> target, const TrainingRowsOptions& options,
                          const std::string& source);

/// Out-of-fold ranking of two ways to learn from the same rows: from scratch,
/// or boosting on from a base model (Model::train_from).
struct StartChoice {
  int folds = 0;                ///< folds that had both classes to train on
  double auroc_scratch = 0.5;   ///< AUROC of the out-of-fold risks, all rows pooled
  double auroc_continued = 0.5;
  bool continued = false;       ///< boosting on ranks at least as well
};

/// Grouped k-fold cross-validation: rows are split into `folds` folds by a
/// hash of their group (TrainingSet::group) and `seed`, so that accounts of
/// one community, whose features share that community's values, never sit on
/// both sides; each fold is scored by a model trained on the others, from
/// scratch on `set.x` and from `base` on `base_x` (the same rows in the
/// base's columns). The same rows, options and seed give the same choice.
/// Throws std::invalid_argument without groups, with fewer than 2 folds, or
/// with rows of one class only.
[[nodiscard]] StartChoice choose_start(const TrainingSet& set, const FeatureMatrix& base_x, const Model& base,
                                       const BoosterOptions& scratch, const BoosterOptions& continued, int folds,
                                       std::uint64_t seed);

/// The set without the columns of `drop` (ablation on rows already gathered).
[[nodiscard]] TrainingSet without_families(const TrainingSet& set, std::span<const FeatureFamily> drop);

/// Saves / loads a TrainingSet as a flat binary file (little-endian; a
/// header, the column names, then rows x columns floats, labels, weights,
/// and the source lines), for repeated training on the same rows (ablations).
/// `key` is stored and must match on load (it names what made the rows);
/// load returns false when the file is absent or was made for another key
/// or schema, and throws InputError on a damaged file.
void save_training_set(const TrainingSet& set, const std::string& path, const std::string& key);
[[nodiscard]] bool load_training_set(TrainingSet& set, const std::string& path, const std::string& key);

/// Targets from generated truth: 1 for accounts in `hydra_accounts`, else 0.
[[nodiscard]] std::vector<float> truth_targets(const Snapshot& snapshot, const FeatureTable& features,
                                               const std::unordered_set<std::string>& hydra_accounts);

/// Targets from the snapshot's own labels: banned 1, trusted 0, others NaN.
[[nodiscard]] std::vector<float> label_targets(const Snapshot& snapshot, const FeatureTable& features);

}  // namespace hydrascope
