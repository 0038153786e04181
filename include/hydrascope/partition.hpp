// Partition: the result every community algorithm returns and every later
// stage (scoring, export) reads.
#pragma once

#include <cstdint>
#include <vector>

#include "hydrascope/types.hpp"

namespace hydrascope {

/// A partition of the nodes 0..n-1 into communities 0..k-1.
/// Invariants: membership.size() == n; every value < num_communities; every
/// community non-empty. Community ids are canonical (see canonicalize()):
/// numbered by decreasing size, ties by smallest member NodeId, so the same
/// partition always carries the same ids.
struct Partition {
  std::vector<CommunityId> membership;
  CommunityId num_communities = 0;

  [[nodiscard]] std::size_t num_nodes() const noexcept { return membership.size(); }
  /// Community sizes, indexed by community id.
  [[nodiscard]] std::vector<std::uint64_t> sizes() const;
  /// Members of every community, each list ascending: offsets (k+1) + nodes.
  void members(std::vector<std::uint64_t>& offsets, std::vector<NodeId>& nodes) const;
};

/// Renumbers communities canonically (size descending, then smallest member
/// NodeId ascending); any labels (not necessarily dense) in, dense ids out. O(n + k log k).
[[nodiscard]] Partition canonicalize(const std::vector<std::uint64_t>& labels);

}  // namespace hydrascope
