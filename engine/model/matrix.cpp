// FeatureMatrix helpers and BoosterOptions::validate(): the shape and option
// checks every Model entry point runs before XGBoost sees anything.
#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include "model_impl.hpp"

namespace hydrascope {

FeatureMatrix FeatureMatrix::filled(std::vector<std::string> names, std::uint64_t rows, float fill) {
  FeatureMatrix m;
  m.names = std::move(names);
  m.rows = rows;
  m.values.assign(static_cast<std::size_t>(rows * m.names.size()), fill);
  return m;
}

namespace {
[[noreturn]] void out_of_range(std::uint64_t r, std::uint64_t rows) {
  throw std::out_of_range("FeatureMatrix: row " + std::to_string(r) + " out of range (rows = " + std::to_string(rows) +
                          ")");
}
}  // namespace

std::span<const float> FeatureMatrix::row(std::uint64_t r) const {
  if (r >= rows) out_of_range(r, rows);
  return {values.data() + r * cols(), cols()};
}

std::span<float> FeatureMatrix::row(std::uint64_t r) {
  if (r >= rows) out_of_range(r, rows);
  return {values.data() + r * cols(), cols()};
}

float FeatureMatrix::at(std::uint64_t r, std::size_t c) const {
  if (c >= cols()) throw std::out_of_range("FeatureMatrix: column " + std::to_string(c) + " out of range");
  return row(r)[c];
}

float& FeatureMatrix::at(std::uint64_t r, std::size_t c) {
  if (c >= cols()) throw std::out_of_range("FeatureMatrix: column " + std::to_string(c) + " out of range");
  return row(r)[c];
}

std::optional<std::size_t> FeatureMatrix::column(std::string_view name) const {
  for (std::size_t c = 0; c < names.size(); ++c)
    if (names[c] == name) return c;
  return std::nullopt;
}

void FeatureMatrix::validate() const {
  const std::uint64_t c = cols();
  if (c != 0 && rows > std::numeric_limits<std::uint64_t>::max() / c)
    throw std::invalid_argument("FeatureMatrix: rows * cols overflows (" + std::to_string(rows) + " x " +
                                std::to_string(c) + ")");
  if (values.size() != rows * c)
    throw std::invalid_argument("FeatureMatrix: values.size() is " + std::to_string(values.size()) +
                                ", rows * cols is " + std::to_string(rows) + " x " + std::to_string(c) + " = " +
                                std::to_string(rows * c));
  std::vector<std::size_t> order(c);
  for (std::size_t i = 0; i < c; ++i) {
    if (!detail::usable_feature_name(names[i]))
      throw std::invalid_argument("FeatureMatrix: column " + std::to_string(i) + " name \"" + names[i] +
                                  "\" is not usable (need a non-empty printable ASCII name without '\"' or '\\')");
    order[i] = i;
  }
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return names[a] < names[b]; });
  for (std::size_t i = 1; i < c; ++i)
    if (names[order[i]] == names[order[i - 1]])
      throw std::invalid_argument("FeatureMatrix: duplicate column name \"" + names[order[i]] + "\" (columns " +
                                  std::to_string(std::min(order[i - 1], order[i])) + " and " +
                                  std::to_string(std::max(order[i - 1], order[i])) + ")");
}

void BoosterOptions::validate() const {
  auto bad = [](const char* name, const std::string& range, const std::string& got) {
    throw std::invalid_argument(std::string("BoosterOptions.") + name + " must be " + range + ", got " + got);
  };
  auto unit = [&](const char* name, double v) {  // (0, 1]
    if (!(v > 0.0 && v <= 1.0)) bad(name, "in (0, 1]", detail::format_double(v));
  };
  auto non_negative = [&](const char* name, double v) {
    if (!(v >= 0.0) || !std::isfinite(v)) bad(name, "finite and >= 0", detail::format_double(v));
  };
  if (rounds < 1 || rounds > 100000) bad("rounds", "in [1, 100000]", std::to_string(rounds));
  if (max_depth < 1 || max_depth > 30) bad("max_depth", "in [1, 30]", std::to_string(max_depth));
  unit("eta", eta);
  unit("subsample", subsample);
  unit("colsample_bytree", colsample_bytree);
  non_negative("min_child_weight", min_child_weight);
  non_negative("lambda", lambda);
  non_negative("alpha", alpha);
  non_negative("gamma", gamma);
  if (max_bin < 2 || max_bin > 65536) bad("max_bin", "in [2, 65536]", std::to_string(max_bin));
  if (threads < 0) bad("threads", ">= 0", std::to_string(threads));
}

}  // namespace hydrascope
