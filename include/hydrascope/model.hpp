// TEMPORARY stub until the model module lands (branch `model`).
#pragma once
#include <cstdint>
#include <span>
#include <string>
#include <vector>
namespace hydrascope {
struct FeatureMatrix {
  std::vector<std::string> names;
  std::uint64_t rows = 0;
  std::vector<float> values;
};
struct ModelInfo {
  std::string name;
};
class Model {
 public:
  static Model load_file(const std::string& path);
  [[nodiscard]] std::string to_buffer() const;
  [[nodiscard]] const std::vector<std::string>& feature_names() const { return names_; }
  [[nodiscard]] const ModelInfo& info() const { return info_; }
  [[nodiscard]] std::vector<double> predict_margin(const FeatureMatrix& x, int threads = 0) const;
  [[nodiscard]] std::vector<double> contributions(const FeatureMatrix& x, std::span<const std::uint64_t> rows, int threads = 0) const;
 private:
  std::vector<std::string> names_;
  ModelInfo info_;
};
Model default_model();
}  // namespace hydrascope
