// Partition helpers: canonical numbering and member lists.
#include "hydrascope/partition.hpp"

#include <algorithm>
#include <unordered_map>

namespace hydrascope {

std::vector<std::uint64_t> Partition::sizes() const {
  std::vector<std::uint64_t> s(num_communities, 0);
  for (CommunityId c : membership) ++s[c];
  return s;
}

void Partition::members(std::vector<std::uint64_t>& offsets, std::vector<NodeId>& nodes) const {
  offsets.assign(static_cast<std::size_t>(num_communities) + 1, 0);
  for (CommunityId c : membership) ++offsets[c + 1];
  for (CommunityId c = 0; c < num_communities; ++c) offsets[c + 1] += offsets[c];
  nodes.resize(membership.size());
  std::vector<std::uint64_t> pos(offsets.begin(), offsets.end() - 1);
  for (NodeId v = 0; v < membership.size(); ++v) nodes[pos[membership[v]]++] = v;
}

Partition canonicalize(const std::vector<std::uint64_t>& labels) {
  const std::size_t n = labels.size();
  // Dense relabel in order of first appearance (= smallest member id).
  std::vector<std::uint32_t> dense(n);
  std::vector<std::uint64_t> size;
  std::uint64_t max_label = 0;
  for (std::uint64_t l : labels) max_label = std::max(max_label, l);
  if (max_label < 4 * static_cast<std::uint64_t>(n) + 16) {
    // Labels are (nearly) dense, as every algorithm here returns: a direct table.
    std::vector<std::uint32_t> seen(static_cast<std::size_t>(max_label) + 1, UINT32_MAX);
    for (std::size_t v = 0; v < n; ++v) {
      std::uint32_t& d = seen[labels[v]];
      if (d == UINT32_MAX) {
        d = static_cast<std::uint32_t>(size.size());
        size.push_back(0);
      }
      dense[v] = d;
      ++size[d];
    }
  } else {
    std::unordered_map<std::uint64_t, std::uint32_t> seen;
    seen.reserve(n / 4 + 16);
    for (std::size_t v = 0; v < n; ++v) {
      auto [it, inserted] = seen.try_emplace(labels[v], static_cast<std::uint32_t>(size.size()));
      if (inserted) size.push_back(0);
      dense[v] = it->second;
      ++size[it->second];
    }
  }
  const std::size_t k = size.size();
  std::vector<std::uint32_t> order(k);
  for (std::uint32_t c = 0; c < k; ++c) order[c] = c;
  // First-appearance index == smallest member, so ties break by it.
  std::stable_sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) { return size[a] > size[b]; });
  std::vector<CommunityId> rank(k);
  for (std::uint32_t r = 0; r < k; ++r) rank[order[r]] = r;
  Partition p;
  p.num_communities = static_cast<CommunityId>(k);
  p.membership.resize(n);
  for (std::size_t v = 0; v < n; ++v) p.membership[v] = rank[dense[v]];
  return p;
}

}  // namespace hydrascope
