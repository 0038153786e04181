// Splitting communities that hold several proxies' clienteles before scoring
// (docs/scoring.md, "Communities split by proxy"). A farm that sends part of
// its traffic through a legitimate aggregator's proxies is put by community
// detection into one community with the aggregator's thousands of customers;
// averaged together, the customers' heavy-tailed volumes hide the farm's
// balance. Here every community with two or more of its own proxies (each
// used by kMinPiece or more of its accounts, at least half of that proxy's
// accounts here) is cut by proxy: every account goes with the biggest of
// those proxies it uses, and each such piece of kMinPiece accounts or more
// that does not hold most (kMaxPieceShare) of the community becomes a
// community of its own. One pass over the incident edges of the members,
// O(sum of member degrees x log degree); no pairs of accounts.
#include <algorithm>
#include <vector>

#include "scoring_impl.hpp"

namespace hydrascope {

namespace {

constexpr std::uint64_t kMinPiece = 10;       // accounts in a piece split off
constexpr double kMaxPieceShare = 0.8;         // a piece with more of the accounts is the community itself

}  // namespace

Partition split_hub_communities(const Snapshot& s, const Incidence& inc, const Partition& partition,
                                std::uint32_t min_accounts) {
  const NodeId n = s.num_nodes();
  if (partition.membership.size() != n || inc.offsets.size() != static_cast<std::size_t>(n) + 1) return partition;
  // Distinct accounts of every entity.
  std::vector<std::uint32_t> account_degree(n, 0);
  for (NodeId v = 0; v < n; ++v) {
    if (s.kind(v) == NodeKind::Account) continue;
    NodeId last = kInvalidNode;
    for (NodeId u : inc.neighbors(v))
      if (u != last && s.kind(u) == NodeKind::Account) {
        ++account_degree[v];
        last = u;
      }
  }
  std::vector<std::uint64_t> offsets;
  std::vector<NodeId> members;
  partition.members(offsets, members);
  std::vector<std::uint64_t> label(partition.membership.begin(), partition.membership.end());
  std::uint64_t next = partition.num_communities;
  bool changed = false;
  std::vector<NodeId> accounts, ent;
  std::vector<std::pair<NodeId, std::uint32_t>> links;  // (entity, account index)
  for (CommunityId c = 0; c < partition.num_communities; ++c) {
    accounts.clear();
    for (std::uint64_t i = offsets[c]; i < offsets[c + 1]; ++i)
      if (s.kind(members[i]) == NodeKind::Account) accounts.push_back(members[i]);
    const std::uint64_t na = accounts.size();
    if (na < 2 * kMinPiece || na < min_accounts) continue;
    links.clear();
    for (std::uint32_t i = 0; i < na; ++i) {
      NodeId last = kInvalidNode;
      for (NodeId u : inc.neighbors(accounts[i])) {
        if (u == last) continue;
        last = u;
        if (s.kind(u) != NodeKind::Account) links.emplace_back(u, i);
      }
    }
    std::sort(links.begin(), links.end());
    // Candidate hubs: proxies with kMinPiece or more of the accounts here
    // that are the community's own (at least half of their accounts here).
    std::vector<std::pair<NodeId, std::uint64_t>> hubs;  // (proxy, accounts here), ascending proxy
    for (std::size_t i = 0; i < links.size();) {
      std::size_t j = i;
      while (j < links.size() && links[j].first == links[i].first) ++j;
      const auto cnt = static_cast<std::uint64_t>(j - i);
      if (s.kind(links[i].first) == NodeKind::Proxy && cnt >= kMinPiece && 2 * cnt >= account_degree[links[i].first])
        hubs.emplace_back(links[i].first, cnt);
      i = j;
    }
    if (hubs.size() < 2) continue;
    // Every account goes with its biggest hub (ties: the smaller node index);
    // accounts behind no hub stay.
    std::vector<std::uint32_t> piece(na, UINT32_MAX);
    for (std::size_t i = 0; i < links.size(); ++i) {
      const auto it = std::lower_bound(hubs.begin(), hubs.end(), std::make_pair(links[i].first, std::uint64_t{0}));
      if (it == hubs.end() || it->first != links[i].first) continue;
      const auto h = static_cast<std::uint32_t>(it - hubs.begin());
      auto& p = piece[links[i].second];
      if (p == UINT32_MAX || hubs[h].second > hubs[p].second) p = h;
    }
    std::vector<std::uint64_t> piece_size(hubs.size(), 0);
    for (std::uint32_t i = 0; i < na; ++i)
      if (piece[i] != UINT32_MAX) ++piece_size[piece[i]];
    std::vector<std::uint64_t> piece_label(hubs.size(), 0);  // 0 = stays in c
    for (std::size_t h = 0; h < hubs.size(); ++h)
      if (piece_size[h] >= kMinPiece && static_cast<double>(piece_size[h]) < kMaxPieceShare * static_cast<double>(na))
        piece_label[h] = ++next;
    bool any = false;
    for (std::uint32_t i = 0; i < na; ++i) {
      const std::uint64_t p = piece[i] == UINT32_MAX ? 0 : piece_label[piece[i]];
      if (p != 0) {
        label[accounts[i]] = p;
        any = true;
      }
    }
    if (!any) continue;
    changed = true;
    // An entity of the community follows its accounts when they all went to one piece.
    for (std::uint64_t i = offsets[c]; i < offsets[c + 1]; ++i) {
      const NodeId v = members[i];
      if (s.kind(v) == NodeKind::Account) continue;
      std::uint64_t to = 0;
      bool first = true, same = true;
      for (NodeId u : inc.neighbors(v)) {
        if (s.kind(u) != NodeKind::Account || partition.membership[u] != c) continue;
        const std::uint64_t l = label[u];
        if (first) {
          to = l;
          first = false;
        } else if (l != to) {
          same = false;
          break;
        }
      }
      if (!first && same && to != c) label[v] = to;
    }
  }
  if (!changed) return partition;
  return canonicalize(label);
}

}  // namespace hydrascope
