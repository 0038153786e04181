// Private to engine/model: the Model's state, RAII handles over XGBoost's C
// API, its error strings turned into exceptions, and the file codec.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "hydrascope/model.hpp"

namespace hydrascope {
namespace detail {

/// XGBoost's handles are void*; these free them.
struct BoosterFree {
  void operator()(void* handle) const noexcept;
};
struct DMatrixFree {
  void operator()(void* handle) const noexcept;
};
using BoosterPtr = std::unique_ptr<void, BoosterFree>;
using DMatrixPtr = std::unique_ptr<void, DMatrixFree>;

/// Sets XGBoost's verbosity to 0 for the calling thread (XGBoost 1.7 keeps its
/// global configuration per thread) and routes its log lines to a sink that
/// drops them. Cheap after the first call on a thread; every entry point calls it.
void quiet_xgboost();

/// XGBGetLastError() without its time stamp, source position and stack trace.
[[nodiscard]] std::string xgboost_error();

/// Throws std::runtime_error("XGBoost <what>: <error>") when rc != 0.
void check(int rc, std::string_view what);

/// The __array_interface__ JSON of a row-major float32 matrix (read-only).
[[nodiscard]] std::string dense_interface(const float* data, std::uint64_t rows, std::uint64_t cols);

/// Shortest decimal text that reads back as the same double.
[[nodiscard]] std::string format_double(double v);

/// A feature name is usable when non-empty, printable ASCII, and free of `"` and `\`.
[[nodiscard]] bool usable_feature_name(std::string_view name) noexcept;

/// gzip with no time stamp (same input -> same bytes).
[[nodiscard]] std::string gzip_compress(std::string_view bytes);

}  // namespace detail

/// The state behind a Model: the booster, its features and provenance.
struct Model::Impl {
  detail::BoosterPtr booster;
  std::vector<std::string> features;
  ModelInfo info;
  int rounds = 0;
  /// Serialises every use of `booster` (its thread count is a parameter, and
  /// XGBoost reconfigures the learner lazily on the next call).
  std::mutex lock;
  /// The `nthread` currently set on the booster (-1 = not set yet).
  int threads = -1;
};

namespace detail {

/// The model file text (JSON envelope around XGBoost's own JSON).
[[nodiscard]] std::string encode_model(Model::Impl& impl);

/// Parses and checks a model file (plain or gzip bytes) and loads its booster.
/// Throws InputError naming `source` (and the byte offset and field when known).
[[nodiscard]] std::unique_ptr<Model::Impl> decode_model(std::string_view bytes, const std::string& source);

}  // namespace detail
}  // namespace hydrascope
