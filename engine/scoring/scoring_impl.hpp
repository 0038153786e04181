// Private pieces of the scoring module: the explanation sentences.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "hydrascope/scoring.hpp"

namespace hydrascope::detail {

/// What a sentence about a community may mention.
struct ExplainContext {
  std::uint64_t accounts = 0;
  std::uint64_t banned = 0, suspects = 0;
  std::array<std::string, kNumEntitySlots> top_entity_id;   ///< ids of the most used entity per slot ("" if none)
  std::array<std::uint32_t, kNumEntitySlots> owned_entities{};
};

/// "communities of 20-49 accounts" (or "of 2+ accounts" when pooled).
[[nodiscard]] std::string band_text(std::span<const std::uint32_t> bounds, std::uint32_t band, const BandReference& r);
/// One sentence about feature `name` at value v (account-level: the mean over the explained accounts).
[[nodiscard]] std::string describe_feature(std::string_view name, double v, const ExplainContext& ctx);
/// " (snapshot, communities of 20-49 accounts: median 3%, p99 41%)", or "" without a reference.
[[nodiscard]] std::string reference_text(std::string_view name, const BandReference& r,
                                         std::span<const std::uint32_t> bounds, std::uint32_t band);

}  // namespace hydrascope::detail
