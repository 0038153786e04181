// The learned model: gradient-boosted trees (XGBoost 1.7's C API, binary
// logistic objective, CPU `hist`) trained on named feature columns, saved as a
// versioned JSON envelope, and used for risk margins, probabilities and exact
// per-feature contributions (TreeSHAP). Sits between features/ and findings.
// docs/formats.md ("Model files") describes the file; nothing here prints.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "hydrascope/common.hpp"

namespace hydrascope {

/// Rows per block of prediction and contributions: features are gathered (or
/// pointed at) this many rows at a time, so no call holds more than one block
/// in XGBoost's own structures (65,536 rows x 150 features = 39 MB).
inline constexpr std::uint64_t kModelBlockRows = 65536;

/// A dense row-major matrix of named float features; NaN = missing value.
///
/// Invariants (validate() checks them; every Model function calls it):
/// - `values.size() == rows * names.size()`; row r is values[r*cols, (r+1)*cols);
/// - names are unique and non-empty and use printable ASCII (0x20-0x7e) other
///   than `"` and `\` (they are stored in XGBoost's JSON, whose 1.7 writer does
///   not escape those two in a form its own reader, or a standard one, reads back).
/// Values: NaN means missing (a tree sends it down the branch it learned for
/// missing values); +-inf are refused by training and are ordinary values in
/// prediction (+inf goes right of every split, -inf left).
struct FeatureMatrix {
  std::vector<std::string> names;  ///< column names, unique
  std::uint64_t rows = 0;
  std::vector<float> values;  ///< rows * names.size(), row-major

  /// A rows x names.size() matrix with every value set to `fill` (NaN = all missing).
  [[nodiscard]] static FeatureMatrix filled(std::vector<std::string> names, std::uint64_t rows,
                                            float fill = std::numeric_limits<float>::quiet_NaN());

  [[nodiscard]] std::size_t cols() const noexcept { return names.size(); }
  /// Row r (r < rows; std::out_of_range otherwise).
  [[nodiscard]] std::span<const float> row(std::uint64_t r) const;
  [[nodiscard]] std::span<float> row(std::uint64_t r);
  /// Value at (r, c), bounds-checked (std::out_of_range).
  [[nodiscard]] float at(std::uint64_t r, std::size_t c) const;
  [[nodiscard]] float& at(std::uint64_t r, std::size_t c);
  /// Index of the column called `name`, if any. O(cols).
  [[nodiscard]] std::optional<std::size_t> column(std::string_view name) const;
  /// Throws std::invalid_argument naming the broken invariant (shape, an empty,
  /// duplicate or unusable name). O(cols log cols); the values are not read.
  void validate() const;
};

/// Options of Model::train(): XGBoost's tree booster parameters under their
/// XGBoost names (docs: xgboost.readthedocs.io, "XGBoost Parameters").
struct BoosterOptions {
  int rounds = 300;               ///< boosting rounds = trees, in [1, 100000]
  int max_depth = 6;              ///< tree depth, in [1, 30]
  double eta = 0.1;               ///< learning rate (shrinkage), in (0, 1]
  double subsample = 1.0;         ///< share of rows sampled per tree, in (0, 1]
  double colsample_bytree = 1.0;  ///< share of features sampled per tree, in (0, 1]
  double min_child_weight = 1.0;  ///< least hessian sum in a child, finite >= 0
  double lambda = 1.0;            ///< L2 penalty on leaf weights, finite >= 0
  double alpha = 0.0;             ///< L1 penalty on leaf weights, finite >= 0
  double gamma = 0.0;             ///< least loss reduction to split, finite >= 0
  int max_bin = 256;              ///< histogram bins per feature, in [2, 65536]
  std::uint64_t seed = 1;         ///< the only source of randomness (row and column sampling)
  int threads = 0;                ///< worker threads, >= 0; 0 = OpenMP default. The model does not depend on it.
  /// Throws std::invalid_argument naming the bad value.
  void validate() const;
};

/// Diagnostics of one training run.
struct TrainReport {
  int rounds = 0;              ///< trees built
  double seconds = 0.0;        ///< wall time of train(), DMatrix construction included
  double train_logloss = 0.0;  ///< weighted mean of -[y ln p + (1 - y) ln(1 - p)] on the training rows
  double train_error = 0.0;    ///< weighted share of training rows on the wrong side of p = 0.5
  std::uint64_t rows = 0;
  std::uint64_t positives = 0;  ///< rows labelled 1
  double weight_sum = 0.0;      ///< sum of the weights (rows when no weights were given)
  int threads = 1;              ///< threads XGBoost was told to use (0 resolved)
};

/// Free-form provenance stored in the model file. train() fills `engine`,
/// `options` and `training_data`; the caller fills the rest.
struct ModelInfo {
  std::string recipe;         ///< how the features and labels were made (feature layer version, label source)
  std::string trained_on;     ///< which data (snapshot, worlds, seeds)
  std::string engine;         ///< "hydrascope X.Y.Z, XGBoost A.B.C" (set by train())
  std::string options;        ///< BoosterOptions as "key=value ..." (set by train(); threads left out)
  std::string training_data;  ///< "rows=R positives=P features=F weight_sum=W" (set by train())
  std::map<std::string, std::string> extra;  ///< anything else, kept sorted by key
  friend bool operator==(const ModelInfo&, const ModelInfo&) = default;
};

/// A trained binary classifier: gradient-boosted regression trees whose summed
/// leaf values are the log-odds (margin) m(x) of label 1; p(x) = 1 / (1 + e^-m(x)).
/// Move-only; owns one XGBoost booster. A moved-from Model is empty and every
/// member but the destructor and assignment throws std::logic_error.
/// Calls on one Model are serialised by an internal lock (XGBoost's thread
/// count is a booster parameter); each call itself runs on `threads` threads.
class Model {
 public:
  /// Fits `rounds` trees with XGBoost's `hist` method to labels in {0, 1}
  /// (optionally weighted; empty `weights` = all 1) minimising the weighted
  /// logistic loss sum_i w_i [ln(1 + e^{m_i}) - y_i m_i] plus the penalties
  /// of `options`, and records x's column names as the model's features.
  ///
  /// Determinism: byte-identical model for the same x, labels, weights,
  /// options (threads excepted) and info, for any thread count. XGBoost 1.7
  /// sums per-thread partial gradient histograms in an order that depends on
  /// the thread count, which changes last bits on large weighted data; so
  /// train() computes the logistic gradients itself and rounds them each round
  /// to a grid (a power-of-two step of 2^-24 to 2^-23 of the round's largest
  /// |gradient|, coarser past 2^28 rows; the same for the hessians) on which
  /// every histogram sum is exact in double, whatever its order (docs/model.md).
  /// seed: XGBoost's 31-bit seed is derived from all 64 bits.
  /// The Model returned is the one its own file bytes load to: no training
  /// state stays behind, and the file checks of load_file() have run on it.
  ///
  /// Progress: progress("train", round, rounds) after each round; the cancel
  /// token is checked before each round (throws hydrascope::Cancelled).
  /// Memory: XGBoost copies x into its own sparse matrix (8 bytes per present
  /// value, built by growing vectors) and a 1-4 byte bin index per present
  /// value; gradients and XGBoost's prediction cache add about 40 bytes per
  /// row. Measured peak on 1 M x 150 (600 MB): +2.1 GB, 3.6x the size of x.
  /// Time: O(rounds * (nnz + nodes * features * max_bin)).
  /// Throws std::invalid_argument for bad options, a bad x (validate(), no rows,
  /// no columns, an infinite value), labels not all 0 or 1, weights not finite
  /// and >= 0 or all 0, or labels / weights whose length is not x.rows;
  /// std::runtime_error("XGBoost ...: <its message>") if XGBoost fails (memory).
  [[nodiscard]] static Model train(const FeatureMatrix& x, std::span<const float> labels,
                                   std::span<const float> weights, const BoosterOptions& options,
                                   const ModelInfo& info = {}, TrainReport* report = nullptr,
                                   const ProgressFn& progress = {}, const CancelToken& cancel = {});

  /// Like train(), but boosting starts from `base`: its trees come first and
  /// `options.rounds` more are grown on these rows, each fitted to what the
  /// base (and the trees before it) still gets wrong. So a handful of an
  /// operator's labels adjust a general model to one provider without
  /// starting from nothing. `x` must have the base's columns, in its order
  /// (std::invalid_argument otherwise). The result holds base + new trees;
  /// rounds() counts both.
  [[nodiscard]] static Model train_from(const Model& base, const FeatureMatrix& x, std::span<const float> labels,
                                        std::span<const float> weights, const BoosterOptions& options,
                                        const ModelInfo& info = {}, TrainReport* report = nullptr,
                                        const ProgressFn& progress = {}, const CancelToken& cancel = {});

  /// Reads a model file (.json, or gzip-compressed: recognised by its magic
  /// bytes, whatever the name). Throws InputError naming the file, and where
  /// known the byte offset (in the uncompressed JSON) and the field, for an
  /// unreadable, truncated or corrupt file, a wrong format or version, a
  /// feature list that disagrees with the booster, or a booster that is not a
  /// well-formed binary-logistic tree ensemble (every tree is checked: sizes,
  /// child and parent links, split features in range, numerical splits only).
  [[nodiscard]] static Model load_file(const std::string& path);
  /// The same as load_file() on bytes already in memory (plain or gzip);
  /// `source_name` stands for the file name in errors.
  [[nodiscard]] static Model from_buffer(std::string_view bytes, const std::string& source_name);

  /// The model file's bytes (uncompressed JSON). Same model -> same bytes;
  /// loading them and saving again gives the same bytes.
  [[nodiscard]] std::string to_buffer() const;
  /// Writes to_buffer() to `path`, gzip-compressed when the name ends in .gz
  /// (deterministic: no time stamp), atomically (a temporary beside it, then
  /// rename: never a half-written file). std::runtime_error on I/O failure.
  void save_file(const std::string& path) const;

  /// The model's features, in its own column order (the order contributions use).
  [[nodiscard]] const std::vector<std::string>& feature_names() const;
  [[nodiscard]] const ModelInfo& info() const;
  /// Number of trees (= boosting rounds).
  [[nodiscard]] int rounds() const;

  /// Raw margins m(x) (log-odds), one per row of x. Columns of x are matched to
  /// the model's features BY NAME: a model feature absent from x is missing
  /// (NaN) in every row; columns of x the model does not know are ignored.
  /// Memory: no copy of x. When x's columns are exactly the model's features
  /// in order, XGBoost predicts in place from x's array (XGBoosterPredictFromDense,
  /// kModelBlockRows rows per call); otherwise each block of rows is gathered
  /// into the model's column order first (one block-sized buffer).
  /// Deterministic and identical for any `threads` (>= 0; 0 = OpenMP default):
  /// each row's margin is its trees' leaf values summed in tree order.
  /// O(rows * rounds * depth). Throws std::invalid_argument for a bad x or threads < 0.
  [[nodiscard]] std::vector<double> predict_margin(const FeatureMatrix& x, int threads = 0) const;
  /// 1 / (1 + exp(-margin)) for each row of x (computed in double from predict_margin()).
  [[nodiscard]] std::vector<double> predict_probability(const FeatureMatrix& x, int threads = 0) const;
  /// Exact per-feature contributions (TreeSHAP, Lundberg et al. 2020) of the
  /// given rows of x (indices < x.rows, repeats allowed): rows.size() x
  /// (features + 1) values, row-major, columns in feature_names() order, the
  /// last column the bias (the expected margin); each row sums to its margin
  /// up to float rounding (XGBoost accumulates both in float: at worst 1.3e-5
  /// over 5,000 rows of a 300-tree model). A feature absent from x
  /// contributes as a missing value. Rows are gathered kModelBlockRows at a
  /// time into a small XGBoost matrix. Identical for any `threads`.
  /// O(rows * rounds * leaves * depth^2). Throws std::invalid_argument for a
  /// bad x, a row index >= x.rows, or threads < 0.
  ///
  /// ContributionMethod::Approximate gives Saabas' path attributions instead
  /// (each split's change of the expected value credited to its feature):
  /// they also sum to the margin, cost O(rows * rounds * depth) like a
  /// prediction, and rank features the same way in most rows; scoring uses
  /// them for explanations at scale.
  enum class ContributionMethod : std::uint8_t { Exact, Approximate };
  [[nodiscard]] std::vector<double> contributions(const FeatureMatrix& x, std::span<const std::uint64_t> rows,
                                                  int threads = 0,
                                                  ContributionMethod method = ContributionMethod::Exact) const;

  Model(Model&&) noexcept;
  Model& operator=(Model&&) noexcept;
  Model(const Model&) = delete;
  Model& operator=(const Model&) = delete;
  ~Model();

  struct Impl;

 private:
  explicit Model(std::unique_ptr<Impl> impl);
  [[nodiscard]] static Model train_impl(const Model* base, const FeatureMatrix& x, std::span<const float> labels,
                                        std::span<const float> weights, const BoosterOptions& options,
                                        const ModelInfo& info, TrainReport* report, const ProgressFn& progress,
                                        const CancelToken& cancel);
  std::unique_ptr<Impl> impl_;
};

/// The XGBoost library version the engine runs with ("1.7.4").
[[nodiscard]] std::string xgboost_version();

/// The built-in model: datasets/model/hydrascope-default.json.gz, compiled
/// into the library at build time (trained by `hydrascope train --recipe
/// default`; docs/scoring.md, "The default model"). Throws std::runtime_error
/// when the build had no model file.
[[nodiscard]] Model default_model();
/// Whether this build carries a built-in model.
[[nodiscard]] bool has_default_model() noexcept;

}  // namespace hydrascope
