// Model: training (XGBoost hist with our own quantised logistic gradients, so
// that the model does not depend on the thread count), prediction in blocks
// of rows matched to the model's features by name, TreeSHAP contributions,
// and the file round trip.
#include <xgboost/c_api.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

#include "hydrascope/atomic_file.hpp"
#include "hydrascope/error.hpp"
#include "model_impl.hpp"

namespace hydrascope {

namespace {

using detail::check;

Model::Impl& need(const std::unique_ptr<Model::Impl>& impl) {
  if (!impl) throw std::logic_error("hydrascope::Model: the model is empty (moved from)");
  return *impl;
}

// splitmix64: XGBoost seeds a 32-bit Mersenne Twister from a signed 64-bit
// parameter; a 31-bit seed mixed from all 64 bits of ours keeps every bit
// meaningful and the parameter positive.
int xgboost_seed(std::uint64_t seed) {
  std::uint64_t z = seed + 0x9e3779b97f4a7c15ULL;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  z ^= z >> 31;
  return static_cast<int>(z & 0x7fffffffULL);
}

void set_param(void* booster, const char* name, const std::string& value) {
  check(XGBoosterSetParam(booster, name, value.c_str()), std::string("parameter ") + name);
}

// Sets the booster's thread count when it differs from the last one set.
void use_threads(Model::Impl& m, int threads) {
  const int t = resolve_threads(threads);
  if (m.threads == t) return;
  set_param(m.booster.get(), "nthread", std::to_string(t));
  m.threads = t;
}

// Grid step on which n values of magnitude <= max_abs sum exactly in double:
// 2^(e - b) where max_abs < 2^e and b = min(24, 52 - ceil(log2 n)): each value
// is an integer multiple of the step of at most 2^b (exact in float), and any
// sum of n of them stays below 2^53 steps (exact in double), in any order.
double grid_step(double max_abs, std::uint64_t n) {
  if (!(max_abs > 0.0)) return 1.0;
  int e = 0;
  std::frexp(max_abs, &e);  // max_abs = f 2^e, f in [0.5, 1)
  int log2n = 0;
  while (log2n < 63 && (std::uint64_t{1} << log2n) < n) ++log2n;
  const int bits = std::min(24, 52 - log2n);
  return std::ldexp(1.0, e - bits);
}

std::string options_text(const BoosterOptions& o) {
  std::string s = "objective=binary:logistic tree_method=hist";
  s += " rounds=" + std::to_string(o.rounds);
  s += " max_depth=" + std::to_string(o.max_depth);
  s += " eta=" + detail::format_double(o.eta);
  s += " subsample=" + detail::format_double(o.subsample);
  s += " colsample_bytree=" + detail::format_double(o.colsample_bytree);
  s += " min_child_weight=" + detail::format_double(o.min_child_weight);
  s += " lambda=" + detail::format_double(o.lambda);
  s += " alpha=" + detail::format_double(o.alpha);
  s += " gamma=" + detail::format_double(o.gamma);
  s += " max_bin=" + std::to_string(o.max_bin);
  s += " seed=" + std::to_string(o.seed);
  return s;
}

void check_inputs(const FeatureMatrix& x, std::span<const float> labels, std::span<const float> weights) {
  x.validate();
  if (x.rows == 0) throw std::invalid_argument("Model::train: the feature matrix has no rows");
  if (x.cols() == 0) throw std::invalid_argument("Model::train: the feature matrix has no columns");
  if (labels.size() != x.rows)
    throw std::invalid_argument("Model::train: " + std::to_string(labels.size()) + " labels for " +
                                std::to_string(x.rows) + " rows");
  if (!weights.empty() && weights.size() != x.rows)
    throw std::invalid_argument("Model::train: " + std::to_string(weights.size()) + " weights for " +
                                std::to_string(x.rows) + " rows (give none for all 1)");
  for (std::size_t i = 0; i < labels.size(); ++i)
    if (labels[i] != 0.0f && labels[i] != 1.0f)
      throw std::invalid_argument("Model::train: label of row " + std::to_string(i) + " must be 0 or 1, got " +
                                  detail::format_double(labels[i]));
  double sum = 0.0;
  for (std::size_t i = 0; i < weights.size(); ++i) {
    if (!(weights[i] >= 0.0f) || !std::isfinite(weights[i]))
      throw std::invalid_argument("Model::train: weight of row " + std::to_string(i) +
                                  " must be finite and >= 0, got " + detail::format_double(weights[i]));
    sum += weights[i];
  }
  if (!weights.empty() && !(sum > 0.0)) throw std::invalid_argument("Model::train: every weight is 0");
  for (std::size_t i = 0; i < x.values.size(); ++i)
    if (std::isinf(x.values[i]))
      throw std::invalid_argument("Model::train: value at row " + std::to_string(i / x.cols()) + ", column \"" +
                                  x.names[i % x.cols()] + "\" is infinite (NaN marks a missing value)");
}

// log(1 + e^m), without overflow.
double softplus(double m) { return m > 0 ? m + std::log1p(std::exp(-m)) : std::log1p(std::exp(m)); }

// Where each model feature sits in x (-1 = absent); identity when x's columns
// are the model's features in the model's order.
struct ColumnMap {
  std::vector<std::int64_t> source;
  bool identity = false;
};

ColumnMap map_columns(const std::vector<std::string>& features, const FeatureMatrix& x) {
  std::unordered_map<std::string_view, std::size_t> where;
  where.reserve(x.cols());
  for (std::size_t c = 0; c < x.cols(); ++c) where.emplace(x.names[c], c);
  ColumnMap map;
  map.source.resize(features.size(), -1);
  map.identity = x.cols() == features.size();
  for (std::size_t j = 0; j < features.size(); ++j) {
    const auto it = where.find(features[j]);
    if (it != where.end()) map.source[j] = static_cast<std::int64_t>(it->second);
    map.identity = map.identity && map.source[j] == static_cast<std::int64_t>(j);
  }
  return map;
}

// Copies rows `rows[0, count)` of x into `out` (count x features, model order).
void gather(const FeatureMatrix& x, const ColumnMap& map, const std::uint64_t* rows, std::uint64_t first,
            std::uint64_t count, std::vector<float>& out, int threads) {
  const std::size_t nf = map.source.size();
  const std::size_t xc = x.cols();
  out.resize(count * nf);
  const float missing = std::numeric_limits<float>::quiet_NaN();
#pragma omp parallel for num_threads(threads) schedule(static) if (count * nf > 65536)
  for (std::int64_t i = 0; i < static_cast<std::int64_t>(count); ++i) {
    const std::uint64_t r = rows != nullptr ? rows[i] : first + static_cast<std::uint64_t>(i);
    const float* src = x.values.data() + r * xc;
    float* dst = out.data() + static_cast<std::size_t>(i) * nf;
    for (std::size_t j = 0; j < nf; ++j) dst[j] = map.source[j] >= 0 ? src[map.source[j]] : missing;
  }
}

void check_threads(int threads, const char* who) {
  if (threads < 0)
    throw std::invalid_argument(std::string(who) + ": threads must be >= 0, got " + std::to_string(threads));
}

constexpr const char* kPredictMargin =
    R"({"type":1,"training":false,"iteration_begin":0,"iteration_end":0,"strict_shape":false,"missing":NaN,"cache_id":0})";
constexpr const char* kPredictContrib =
    R"({"type":2,"training":false,"iteration_begin":0,"iteration_end":0,"strict_shape":false})";
constexpr const char* kPredictApproxContrib =
    R"({"type":3,"training":false,"iteration_begin":0,"iteration_end":0,"strict_shape":false})";

}  // namespace

Model::Model(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Model::Model(Model&&) noexcept = default;
Model& Model::operator=(Model&&) noexcept = default;
Model::~Model() = default;

Model Model::train(const FeatureMatrix& x, std::span<const float> labels, std::span<const float> weights,
                   const BoosterOptions& options, const ModelInfo& info, TrainReport* report,
                   const ProgressFn& progress, const CancelToken& cancel) {
  return train_impl(nullptr, x, labels, weights, options, info, report, progress, cancel);
}

Model Model::train_from(const Model& base, const FeatureMatrix& x, std::span<const float> labels,
                        std::span<const float> weights, const BoosterOptions& options, const ModelInfo& info,
                        TrainReport* report, const ProgressFn& progress, const CancelToken& cancel) {
  if (x.names != base.feature_names())
    throw std::invalid_argument("train_from: the rows must have the base model's " +
                                std::to_string(base.feature_names().size()) + " columns in its order (got " +
                                std::to_string(x.names.size()) + ")");
  return train_impl(&base, x, labels, weights, options, info, report, progress, cancel);
}

Model Model::train_impl(const Model* base, const FeatureMatrix& x, std::span<const float> labels,
                        std::span<const float> weights, const BoosterOptions& options, const ModelInfo& info,
                        TrainReport* report, const ProgressFn& progress, const CancelToken& cancel) {
  const auto t0 = std::chrono::steady_clock::now();
  options.validate();
  check_inputs(x, labels, weights);
  detail::quiet_xgboost();
  const int threads = resolve_threads(options.threads);
  const std::uint64_t n = x.rows;

  // XGBoost's own copy of x (CSR without the missing values) and its labels.
  void* dm = nullptr;
  const std::string dense = detail::dense_interface(x.values.data(), n, x.cols());
  const std::string dm_config = R"({"missing":NaN,"nthread":)" + std::to_string(threads) + "}";
  check(XGDMatrixCreateFromDense(dense.c_str(), dm_config.c_str(), &dm), "training matrix");
  detail::DMatrixPtr dtrain(dm);
  check(XGDMatrixSetFloatInfo(dm, "label", labels.data(), n), "labels");
  if (!weights.empty()) check(XGDMatrixSetFloatInfo(dm, "weight", weights.data(), n), "weights");

  void* bh = nullptr;
  check(XGBoosterCreate(&dm, 1, &bh), "create");
  detail::BoosterPtr booster(bh);
  if (base != nullptr) {
    // The base's trees first (XGBoost's own JSON, loaded into this booster).
    std::lock_guard<std::mutex> guard(base->impl_->lock);
    bst_ulong len = 0;
    const char* raw = nullptr;
    check(XGBoosterSaveModelToBuffer(base->impl_->booster.get(), R"({"format":"json"})", &len, &raw), "base model");
    check(XGBoosterLoadModelFromBuffer(bh, raw, len), "base model");
  }
  set_param(bh, "verbosity", "0");
  set_param(bh, "objective", "binary:logistic");
  set_param(bh, "base_score", "0.5");  // margin 0 before the first tree
  set_param(bh, "tree_method", "hist");
  set_param(bh, "max_depth", std::to_string(options.max_depth));
  set_param(bh, "eta", detail::format_double(options.eta));
  set_param(bh, "subsample", detail::format_double(options.subsample));
  set_param(bh, "colsample_bytree", detail::format_double(options.colsample_bytree));
  set_param(bh, "min_child_weight", detail::format_double(options.min_child_weight));
  set_param(bh, "lambda", detail::format_double(options.lambda));
  set_param(bh, "alpha", detail::format_double(options.alpha));
  set_param(bh, "gamma", detail::format_double(options.gamma));
  set_param(bh, "max_bin", std::to_string(options.max_bin));
  set_param(bh, "seed", std::to_string(xgboost_seed(options.seed)));
  set_param(bh, "nthread", std::to_string(threads));

  // Each round: margins of the trees so far (XGBoost's prediction cache),
  // logistic gradient g = (p - y) w and hessian h = max(p (1 - p), 1e-16) w,
  // each rounded to its grid_step, then one tree from them.
  std::vector<double> gd(n), hd(n);
  std::vector<float> g(n), h(n);
  const float* w = weights.empty() ? nullptr : weights.data();
  const float* y = labels.data();
  const auto nn = static_cast<std::int64_t>(n);
  for (int round = 0; round < options.rounds; ++round) {
    if (cancel.cancelled()) throw Cancelled();
    bst_ulong len = 0;
    const float* margin = nullptr;
    check(XGBoosterPredict(bh, dm, 1, 0, 1, &len, &margin), "margins");
    if (len != n)
      throw std::runtime_error("XGBoost margins: got " + std::to_string(len) + " values for " + std::to_string(n) +
                               " rows");
    double gmax = 0.0, hmax = 0.0;
#pragma omp parallel for num_threads(threads) schedule(static) reduction(max : gmax, hmax)
    for (std::int64_t i = 0; i < nn; ++i) {
      const double p = 1.0 / (1.0 + std::exp(-static_cast<double>(margin[i])));
      const double wi = w != nullptr ? w[i] : 1.0;
      gd[i] = (p - y[i]) * wi;
      hd[i] = std::max(p * (1.0 - p), 1e-16) * wi;
      gmax = std::max(gmax, std::abs(gd[i]));
      hmax = std::max(hmax, hd[i]);
    }
    const double gs = grid_step(gmax, n), hs = grid_step(hmax, n);
#pragma omp parallel for num_threads(threads) schedule(static)
    for (std::int64_t i = 0; i < nn; ++i) {
      g[i] = static_cast<float>(std::nearbyint(gd[i] / gs) * gs);
      h[i] = static_cast<float>(std::nearbyint(hd[i] / hs) * hs);
    }
    check(XGBoosterBoostOneIter(bh, dm, g.data(), h.data(), n), "boosting round " + std::to_string(round));
    if (progress) progress("train", static_cast<std::uint64_t>(round) + 1, static_cast<std::uint64_t>(options.rounds));
  }

  // Training fit, summed in row order (deterministic).
  TrainReport rep;
  {
    bst_ulong len = 0;
    const float* margin = nullptr;
    check(XGBoosterPredict(bh, dm, 1, 0, 0, &len, &margin), "margins");
    double loss = 0.0, wrong = 0.0, wsum = 0.0;
    std::uint64_t positives = 0;
    for (std::uint64_t i = 0; i < n; ++i) {
      const double wi = w != nullptr ? w[i] : 1.0;
      const double m = margin[i];
      loss += wi * (y[i] == 1.0f ? softplus(-m) : softplus(m));
      wrong += wi * ((m > 0.0) != (y[i] == 1.0f) ? 1.0 : 0.0);
      wsum += wi;
      positives += y[i] == 1.0f ? 1 : 0;
    }
    rep.rounds = options.rounds + (base != nullptr ? base->rounds() : 0);
    rep.train_logloss = loss / wsum;
    rep.train_error = wrong / wsum;
    rep.rows = n;
    rep.positives = positives;
    rep.weight_sum = wsum;
    rep.threads = threads;
  }

  std::vector<const char*> names;
  for (const auto& s : x.names) names.push_back(s.c_str());
  check(XGBoosterSetStrFeatureInfo(bh, "feature_name", names.data(), names.size()), "feature names");

  auto impl = std::make_unique<Impl>();
  impl->booster = std::move(booster);
  impl->features = x.names;
  impl->info = info;
  impl->info.engine = "hydrascope " + std::string(version()) + ", XGBoost " + xgboost_version();
  impl->info.options = options_text(options);
  impl->info.training_data = "rows=" + std::to_string(n) + " positives=" + std::to_string(rep.positives) +
                             " features=" + std::to_string(x.cols()) +
                             " weight_sum=" + detail::format_double(rep.weight_sum);
  impl->rounds = rep.rounds;
  if (base != nullptr) {
    const ModelInfo& b = base->info();
    const auto name = b.extra.find("name");
    impl->info.extra["continued_from"] = (name != b.extra.end() ? name->second : std::string("a model")) + " (" +
                                         std::to_string(base->rounds()) + " trees; " + b.trained_on + ")";
    impl->info.options += " continued_rounds=" + std::to_string(options.rounds);
  }
  dtrain.reset();
  // The model returned is the one its own bytes load to: no training state
  // (caches, parameters) stays behind, and the file checks run on it.
  const std::string bytes = detail::encode_model(*impl);
  impl.reset();
  Model model(detail::decode_model(bytes, "<trained model>"));
  rep.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (report != nullptr) *report = rep;
  return model;
}

Model Model::load_file(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) throw InputError(file_location(path), std::string("cannot open: ") + std::strerror(errno));
  std::string bytes;
  char buf[1 << 16];
  std::size_t got = 0;
  while ((got = std::fread(buf, 1, sizeof buf, f)) > 0) {
    bytes.append(buf, got);
    if (bytes.size() > (std::size_t{1} << 30)) {
      std::fclose(f);
      throw InputError(file_location(path), "is over 1024 MiB: not a model file");
    }
  }
  const bool failed = std::ferror(f) != 0;
  std::fclose(f);
  if (failed) throw InputError(file_location(path), "cannot read: " + std::string(std::strerror(errno)));
  return from_buffer(bytes, path);
}

Model Model::from_buffer(std::string_view bytes, const std::string& source_name) {
  return Model(detail::decode_model(bytes, source_name));
}

std::string Model::to_buffer() const {
  Impl& m = need(impl_);
  std::lock_guard<std::mutex> hold(m.lock);
  return detail::encode_model(m);
}

void Model::save_file(const std::string& path) const {
  std::string bytes = to_buffer();
  const bool gz = path.size() >= 3 && path.compare(path.size() - 3, 3, ".gz") == 0;
  if (gz) bytes = detail::gzip_compress(bytes);
  write_file_atomic(path, bytes);
}

const std::vector<std::string>& Model::feature_names() const { return need(impl_).features; }
const ModelInfo& Model::info() const { return need(impl_).info; }
int Model::rounds() const { return need(impl_).rounds; }

std::vector<double> Model::predict_margin(const FeatureMatrix& x, int threads) const {
  Impl& m = need(impl_);
  check_threads(threads, "Model::predict_margin");
  x.validate();
  std::vector<double> out(x.rows);
  if (x.rows == 0) return out;
  detail::quiet_xgboost();
  const ColumnMap map = map_columns(m.features, x);
  const std::size_t nf = m.features.size();
  const int t = resolve_threads(threads);
  std::vector<float> block;
  std::lock_guard<std::mutex> hold(m.lock);
  use_threads(m, threads);
  for (std::uint64_t r0 = 0; r0 < x.rows; r0 += kModelBlockRows) {
    const std::uint64_t count = std::min(kModelBlockRows, x.rows - r0);
    const float* data = nullptr;
    if (map.identity) {
      data = x.values.data() + r0 * nf;  // in place: XGBoost reads x's own array
    } else {
      gather(x, map, nullptr, r0, count, block, t);
      data = block.data();
    }
    const std::string values = detail::dense_interface(data, count, nf);
    const bst_ulong* shape = nullptr;
    bst_ulong dim = 0;
    const float* result = nullptr;
    check(XGBoosterPredictFromDense(m.booster.get(), values.c_str(), kPredictMargin, nullptr, &shape, &dim, &result),
          "predict");
    bst_ulong total = 1;
    for (bst_ulong d = 0; d < dim; ++d) total *= shape[d];
    if (total != count)
      throw std::runtime_error("XGBoost predict: " + std::to_string(total) + " values for " + std::to_string(count) +
                               " rows");
    for (std::uint64_t i = 0; i < count; ++i) out[r0 + i] = result[i];
  }
  return out;
}

std::vector<double> Model::predict_probability(const FeatureMatrix& x, int threads) const {
  std::vector<double> p = predict_margin(x, threads);
  for (double& v : p) v = 1.0 / (1.0 + std::exp(-v));
  return p;
}

std::vector<double> Model::contributions(const FeatureMatrix& x, std::span<const std::uint64_t> rows,
                                         int threads, ContributionMethod method) const {
  Impl& m = need(impl_);
  check_threads(threads, "Model::contributions");
  x.validate();
  for (std::size_t i = 0; i < rows.size(); ++i)
    if (rows[i] >= x.rows)
      throw std::invalid_argument("Model::contributions: rows[" + std::to_string(i) + "] = " + std::to_string(rows[i]) +
                                  " is not a row of x (rows = " + std::to_string(x.rows) + ")");
  const std::size_t nf = m.features.size();
  const std::size_t width = nf + 1;
  std::vector<double> out(rows.size() * width);
  if (rows.empty()) return out;
  detail::quiet_xgboost();
  const ColumnMap map = map_columns(m.features, x);
  const int t = resolve_threads(threads);
  std::vector<float> block;
  std::vector<const char*> names;
  for (const auto& s : m.features) names.push_back(s.c_str());
  const std::string dm_config = R"({"missing":NaN,"nthread":)" + std::to_string(t) + "}";
  std::lock_guard<std::mutex> hold(m.lock);
  use_threads(m, threads);
  for (std::uint64_t r0 = 0; r0 < rows.size(); r0 += kModelBlockRows) {
    const std::uint64_t count = std::min<std::uint64_t>(kModelBlockRows, rows.size() - r0);
    gather(x, map, rows.data() + r0, 0, count, block, t);
    const std::string values = detail::dense_interface(block.data(), count, nf);
    void* dm = nullptr;
    check(XGDMatrixCreateFromDense(values.c_str(), dm_config.c_str(), &dm), "contribution matrix");
    detail::DMatrixPtr hold_dm(dm);
    check(XGDMatrixSetStrFeatureInfo(dm, "feature_name", names.data(), names.size()), "feature names");
    const bst_ulong* shape = nullptr;
    bst_ulong dim = 0;
    const float* result = nullptr;
    check(XGBoosterPredictFromDMatrix(m.booster.get(), dm,
                                      method == ContributionMethod::Exact ? kPredictContrib : kPredictApproxContrib,
                                      &shape, &dim, &result),
          "contributions");
    bst_ulong total = 1;
    for (bst_ulong d = 0; d < dim; ++d) total *= shape[d];
    if (total != count * width)
      throw std::runtime_error("XGBoost contributions: " + std::to_string(total) + " values for " +
                               std::to_string(count) + " rows x " + std::to_string(width));
    double* dst = out.data() + r0 * width;
    for (std::uint64_t i = 0; i < count * width; ++i) dst[i] = result[i];
  }
  return out;
}

}  // namespace hydrascope
