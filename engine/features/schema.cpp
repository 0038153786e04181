// The feature schema (feature_schema()) built from the X-macro lists of
// schema.hpp, plus the family names and FeatureOptions::validate().
#include <stdexcept>
#include <string>

#include "hydrascope/features.hpp"
#include "schema.hpp"

namespace hydrascope {

namespace {

using features::kNumFeatures;

struct SchemaTable {
  FeatureSpec specs[kNumFeatures];
  constexpr SchemaTable() : specs{} {
    int i = 0;
#define HS_X(name, fam, desc) specs[i++] = FeatureSpec{#name, FeatureFamily::fam, FeatureLevel::Account, -1, desc};
    HS_ACCOUNT_FEATURES(HS_X)
#undef HS_X
#define HS_X(name, fam, desc) specs[i++] = FeatureSpec{#name, FeatureFamily::fam, FeatureLevel::Community, -1, desc};
    HS_COMMUNITY_FEATURES(HS_X)
#undef HS_X
#define HS_X(name, fam, src)                                                                                  \
  specs[i++] = FeatureSpec{#name, FeatureFamily::fam, FeatureLevel::Quantile,                                  \
                           features::schema_index_community(features::src),                                   \
                           "quantile of " #src " among the snapshot's communities of similar size"};
    HS_QUANTILE_FEATURES(HS_X)
#undef HS_X
  }
};

constexpr SchemaTable kSchema{};

constexpr std::string_view kFamilyNames[kNumFeatureFamilies] = {
    "structure", "sharing", "payment", "ip", "proxy", "device", "entity",
    "links", "synchrony", "balance", "burst", "pivot", "seed"};

}  // namespace

std::span<const FeatureSpec> feature_schema() noexcept { return kSchema.specs; }

int feature_index(std::string_view name) noexcept {
  for (int i = 0; i < kNumFeatures; ++i)
    if (kSchema.specs[i].name == name) return i;
  return -1;
}

std::string_view to_string(FeatureFamily family) noexcept { return kFamilyNames[static_cast<int>(family)]; }

FeatureFamily parse_feature_family(std::string_view name) {
  for (int i = 0; i < kNumFeatureFamilies; ++i)
    if (kFamilyNames[i] == name) return static_cast<FeatureFamily>(i);
  std::string all;
  for (auto n : kFamilyNames) all += (all.empty() ? "" : ", ") + std::string(n);
  throw std::invalid_argument("unknown feature family '" + std::string(name) + "' (one of " + all + ")");
}

void FeatureOptions::validate() const {
  if (band_bounds.empty() || band_bounds.front() < 1)
    throw std::invalid_argument("band_bounds must be non-empty and start at >= 1");
  if (band_bounds.size() > 250) throw std::invalid_argument("band_bounds: at most 250 bands");
  for (std::size_t i = 1; i < band_bounds.size(); ++i)
    if (band_bounds[i] <= band_bounds[i - 1]) throw std::invalid_argument("band_bounds must be strictly ascending");
  if (pool_max_accounts < 2) throw std::invalid_argument("pool_max_accounts must be >= 2");
  if (threads < 0) throw std::invalid_argument("threads must be >= 0");
}

}  // namespace hydrascope
