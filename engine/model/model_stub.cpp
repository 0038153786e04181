#include <stdexcept>
#include "hydrascope/model.hpp"
namespace hydrascope {
Model Model::load_file(const std::string&) { throw std::logic_error("model stub"); }
std::string Model::to_buffer() const { return {}; }
Model default_model() { throw std::logic_error("model stub"); }
std::vector<double> Model::predict_margin(const FeatureMatrix&, int) const { throw std::logic_error("model stub"); }
std::vector<double> Model::contributions(const FeatureMatrix&, std::span<const std::uint64_t>, int) const { throw std::logic_error("model stub"); }
}
