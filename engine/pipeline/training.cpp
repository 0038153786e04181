// Training rows: feature rows with targets, sampled negatives, dropped families.
#include "hydrascope/training.hpp"

#include <cmath>
#include <limits>
#include <stdexcept>

#include "hydrascope/strings.hpp"

namespace hydrascope {

void TrainingRowsOptions::validate() const {
  if (!(negative_sample > 0.0 && negative_sample <= 1.0))
    throw std::invalid_argument("negative_sample must be in (0, 1]");
  if (sample_below < 1) throw std::invalid_argument("sample_below must be >= 1");
  if (!(weight > 0.0) || !std::isfinite(weight)) throw std::invalid_argument("weight must be finite and > 0");
}

std::vector<std::string> training_columns(std::span<const FeatureFamily> drop) {
  std::vector<std::string> names;
  for (const auto& f : feature_schema()) {
    bool dropped = false;
    for (FeatureFamily d : drop) dropped = dropped || d == f.family;
    if (!dropped) names.emplace_back(f.name);
  }
  return names;
}

void append_training_rows(TrainingSet& set, const Snapshot& s, const FeatureTable& features,
                          std::span<const float> target, const TrainingRowsOptions& options, const std::string& source) {
  options.validate();
  const auto accounts = features.accounts();
  if (target.size() != accounts.size()) throw std::invalid_argument("append_training_rows: one target per account needed");
  const auto schema = feature_schema();
  std::vector<std::size_t> keep;
  for (std::size_t f = 0; f < schema.size(); ++f) {
    bool dropped = false;
    for (FeatureFamily d : options.drop_families) dropped = dropped || d == schema[f].family;
    if (!dropped) keep.push_back(f);
  }
  if (set.x.names.empty()) {
    for (std::size_t f : keep) set.x.names.emplace_back(schema[f].name);
  } else if (set.x.names.size() != keep.size()) {
    throw std::invalid_argument("append_training_rows: the dropped families differ from the rows already gathered");
  }
  const double threshold = options.negative_sample * 18446744073709551616.0;  // 2^64
  std::vector<std::uint32_t> rows;
  std::vector<float> weights;
  std::uint64_t pos = 0, neg = 0, out = 0;
  for (std::size_t r = 0; r < accounts.size(); ++r) {
    const float t = target[r];
    if (std::isnan(t)) continue;
    if (t != 0.0f && t != 1.0f) throw std::invalid_argument("append_training_rows: targets must be 0, 1 or NaN");
    float w = static_cast<float>(options.weight);
    if (t == 0.0f && options.negative_sample < 1.0) {
      if (features.row_community_accounts(r) < options.sample_below) {
        const std::uint64_t h = hash_bytes(std::string(s.node_id(accounts[r])) + "#" + std::to_string(options.seed));
        if (static_cast<double>(h) >= threshold) {
          ++out;
          continue;
        }
        w = static_cast<float>(options.weight / options.negative_sample);
      }
    }
    rows.push_back(static_cast<std::uint32_t>(r));
    weights.push_back(w);
    (t == 1.0f ? pos : neg) += 1;
  }
  FeatureMatrix chunk;
  const std::size_t cols = keep.size();
  set.x.values.reserve(set.x.values.size() + rows.size() * cols);
  for (std::size_t first = 0; first < rows.size(); first += 65536) {
    const std::size_t count = std::min<std::size_t>(65536, rows.size() - first);
    features.rows(std::span<const std::uint32_t>(rows.data() + first, count), chunk);
    for (std::size_t i = 0; i < count; ++i) {
      const float* src = chunk.values.data() + i * schema.size();
      for (std::size_t f : keep) set.x.values.push_back(src[f]);
      set.label.push_back(target[rows[first + i]]);
      set.weight.push_back(weights[first + i]);
    }
  }
  set.x.rows += rows.size();
  set.positives += pos;
  set.negatives += neg;
  set.sampled_out += out;
  set.sources.push_back(source + ": " + std::to_string(pos) + " positive, " + std::to_string(neg) + " negative rows" +
                        (out > 0 ? ", " + std::to_string(out) + " negatives sampled out" : ""));
}

std::vector<float> truth_targets(const Snapshot& s, const FeatureTable& features,
                                 const std::unordered_set<std::string>& hydra_accounts) {
  const auto accounts = features.accounts();
  std::vector<float> t(accounts.size(), 0.0f);
  for (std::size_t r = 0; r < accounts.size(); ++r)
    if (hydra_accounts.count(std::string(s.node_id(accounts[r])))) t[r] = 1.0f;
  return t;
}

std::vector<float> label_targets(const Snapshot& s, const FeatureTable& features) {
  const auto accounts = features.accounts();
  std::vector<float> t(accounts.size(), std::numeric_limits<float>::quiet_NaN());
  for (std::size_t r = 0; r < accounts.size(); ++r) {
    const Label l = s.label(accounts[r]);
    if (l == Label::Banned) t[r] = 1.0f;
    else if (l == Label::Trusted) t[r] = 0.0f;
  }
  return t;
}

}  // namespace hydrascope
