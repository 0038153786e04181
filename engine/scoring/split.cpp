// Splitting communities that hold proxies' clienteles before scoring
// (docs/scoring.md, "Communities split by proxy"). A farm that sends part of
// its traffic through a legitimate aggregator's proxies is put by community
// detection into one community with the aggregator's thousands of customers;
// averaged together, the customers' heavy-tailed volumes hide the farm's
// balance. Here every community with one or more of its own proxies (each
// used by kMinPiece or more of its accounts, at least half of that proxy's
// accounts here) is cut by proxy: every account goes with the biggest of
// those proxies it uses, and each such piece of kMinPiece accounts or more
// that does not hold most (kMaxPieceShare) of the community becomes a
// community of its own (so a community behind one proxy is left alone, and
// one proxy's clientele is cut out of a community it makes a minority of). One pass over the incident edges of the members,
// O(sum of member degrees x log degree); no pairs of accounts.
#include <algorithm>
#include <vector>

#include "scoring_impl.hpp"

namespace hydrascope {

namespace {

constexpr std::uint64_t kMinPiece = 10;       // accounts in a piece split off
constexpr double kMaxPieceShare = 0.8;         // a piece with more of the accounts is the community itself

}  // namespace

namespace {

// Distinct accounts of every entity (0 for accounts).
std::vector<std::uint32_t> entity_account_degrees(const Snapshot& s, const Incidence& inc) {
  std::vector<std::uint32_t> degree(s.num_nodes(), 0);
  for (NodeId v = 0; v < s.num_nodes(); ++v) {
    if (s.kind(v) == NodeKind::Account) continue;
    NodeId last = kInvalidNode;
    for (NodeId u : inc.neighbors(v))
      if (u != last && s.kind(u) == NodeKind::Account) {
        ++degree[v];
        last = u;
      }
  }
  return degree;
}

bool fits(const Snapshot& s, const Incidence& inc, const Partition& partition) {
  return partition.membership.size() == s.num_nodes() && inc.offsets.size() == static_cast<std::size_t>(s.num_nodes()) + 1;
}

// What both splits start from: entity degrees, the members of every
// community, and the new labels (the old community ids; pieces numbered on).
struct Split {
  Split(const Snapshot& s, const Incidence& inc, const Partition& partition)
      : account_degree(entity_account_degrees(s, inc)),
        label(partition.membership.begin(), partition.membership.end()),
        next(partition.num_communities) {
    partition.members(offsets, members);
  }
  std::vector<std::uint32_t> account_degree;
  std::vector<std::uint64_t> offsets;
  std::vector<NodeId> members;
  std::vector<std::uint64_t> label;
  std::uint64_t next;
};

// The accounts of community c and their (entity, account index) links,
// sorted; false when c is too small to be split (fewer than 2 x kMinPiece
// or min_accounts accounts).
bool community_links(const Snapshot& s, const Incidence& inc, const std::vector<std::uint64_t>& offsets,
                     const std::vector<NodeId>& members, CommunityId c, std::uint32_t min_accounts,
                     std::vector<NodeId>& accounts, std::vector<std::pair<NodeId, std::uint32_t>>& links) {
  accounts.clear();
  for (std::uint64_t i = offsets[c]; i < offsets[c + 1]; ++i)
    if (s.kind(members[i]) == NodeKind::Account) accounts.push_back(members[i]);
  const std::uint64_t na = accounts.size();
  if (na < 2 * kMinPiece || na < min_accounts) return false;
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
  return true;
}

// An entity of community c follows its accounts when they all went to one piece.
void follow_accounts(const Snapshot& s, const Incidence& inc, const Partition& partition,
                     const std::vector<std::uint64_t>& offsets, const std::vector<NodeId>& members, CommunityId c,
                     std::vector<std::uint64_t>& label) {
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

// Moves the accounts of community c whose piece has a new label (not 0) to
// it, then the entities that follow them; false when no account moved.
bool move_pieces(Split& st, const Snapshot& s, const Incidence& inc, const Partition& partition, CommunityId c,
                 const std::vector<NodeId>& accounts, const std::vector<std::uint32_t>& piece,
                 const std::vector<std::uint64_t>& piece_label) {
  bool any = false;
  for (std::size_t i = 0; i < accounts.size(); ++i) {
    if (piece[i] == UINT32_MAX || piece_label[piece[i]] == 0) continue;
    st.label[accounts[i]] = piece_label[piece[i]];
    any = true;
  }
  if (any) follow_accounts(s, inc, partition, st.offsets, st.members, c, st.label);
  return any;
}

}  // namespace

Partition split_hub_communities(const Snapshot& s, const Incidence& inc, const Partition& partition,
                                std::uint32_t min_accounts) {
  if (!fits(s, inc, partition)) return partition;
  Split st(s, inc, partition);
  bool changed = false;
  std::vector<NodeId> accounts, ent;
  std::vector<std::pair<NodeId, std::uint32_t>> links;  // (entity, account index)
  for (CommunityId c = 0; c < partition.num_communities; ++c) {
    if (!community_links(s, inc, st.offsets, st.members, c, min_accounts, accounts, links)) continue;
    const std::uint64_t na = accounts.size();
    // Candidate hubs: proxies with kMinPiece or more of the accounts here
    // that are the community's own (at least half of their accounts here).
    std::vector<std::pair<NodeId, std::uint64_t>> hubs;  // (proxy, accounts here), ascending proxy
    for (std::size_t i = 0; i < links.size();) {
      std::size_t j = i;
      while (j < links.size() && links[j].first == links[i].first) ++j;
      const auto cnt = static_cast<std::uint64_t>(j - i);
      if (s.kind(links[i].first) == NodeKind::Proxy && cnt >= kMinPiece && 2 * cnt >= st.account_degree[links[i].first])
        hubs.emplace_back(links[i].first, cnt);
      i = j;
    }
    if (hubs.empty()) continue;
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
        piece_label[h] = ++st.next;
    if (move_pieces(st, s, inc, partition, c, accounts, piece, piece_label)) changed = true;
  }
  if (!changed) return partition;
  return canonicalize(st.label);
}

// Second split (docs/scoring.md, "Communities split by ties"): community
// detection also glues groups that share no payment method, IP, proxy or
// device of their own (two farms, or a farm and a company, next to each
// other through a popular fingerprint or a VPN exit). The tie graph of a
// community links its tied accounts (2 or more own entities) through the
// entities that are mostly theirs; each connected piece of kMinPiece tied
// accounts or more that does not hold most of the community becomes a
// community of its own, with the untied accounts linked to its entities.
Partition split_tied_groups(const Snapshot& s, const Incidence& inc, const Partition& partition,
                            std::uint32_t min_accounts) {
  if (!fits(s, inc, partition)) return partition;
  Split st(s, inc, partition);
  bool changed = false;
  std::vector<NodeId> accounts;
  std::vector<std::pair<NodeId, std::uint32_t>> links;  // (entity, account index), sorted
  std::vector<std::uint32_t> parent;
  auto find = [&](std::uint32_t x) {
    while (parent[x] != x) x = parent[x] = parent[parent[x]];
    return x;
  };
  for (CommunityId c = 0; c < partition.num_communities; ++c) {
    if (!community_links(s, inc, st.offsets, st.members, c, min_accounts, accounts, links)) continue;
    const auto na = static_cast<std::uint32_t>(accounts.size());
    // Own entities (>= 2 accounts here, at least half of all theirs), and
    // the tied accounts: linked to two or more of them.
    std::vector<std::uint8_t> own(links.size(), 0);
    std::vector<std::uint32_t> own_links(na, 0);
    for (std::size_t i = 0; i < links.size();) {
      std::size_t j = i;
      while (j < links.size() && links[j].first == links[i].first) ++j;
      const auto cnt = static_cast<std::uint32_t>(j - i);
      if (cnt >= 2 && 2 * cnt >= st.account_degree[links[i].first])
        for (std::size_t k = i; k < j; ++k) {
          own[k] = 1;
          ++own_links[links[k].second];
        }
      i = j;
    }
    // Union the tied accounts through entities whose accounts here are
    // mostly (2/3) tied: a fingerprint shared by a farm and 80 strangers
    // does not tie the farm to the company those strangers sit next to.
    parent.resize(na);
    for (std::uint32_t i = 0; i < na; ++i) parent[i] = i;
    std::vector<std::uint8_t> tie(links.size(), 0);
    for (std::size_t i = 0; i < links.size();) {
      std::size_t j = i;
      while (j < links.size() && links[j].first == links[i].first) ++j;
      if (own[i]) {
        std::uint32_t tied = 0, first = UINT32_MAX;
        for (std::size_t k = i; k < j; ++k)
          if (own_links[links[k].second] >= 2) ++tied;
        if (tied >= 2 && 3 * tied >= 2 * (j - i))
          for (std::size_t k = i; k < j; ++k) {
            tie[k] = 1;
            const std::uint32_t a = links[k].second;
            if (own_links[a] < 2) continue;
            if (first == UINT32_MAX) first = find(a);
            else parent[find(a)] = first, first = find(first);
          }
      }
      i = j;
    }
    std::vector<std::uint32_t> comp_size(na, 0);
    for (std::uint32_t i = 0; i < na; ++i)
      if (own_links[i] >= 2) ++comp_size[find(i)];
    std::uint32_t pieces = 0;
    for (std::uint32_t i = 0; i < na; ++i)
      if (comp_size[i] >= kMinPiece) ++pieces;
    if (pieces < 2) continue;
    // Untied accounts go with the piece of a tying entity they use (the
    // biggest piece if several); others stay.
    std::vector<std::uint32_t> piece(na, UINT32_MAX);
    for (std::uint32_t i = 0; i < na; ++i)
      if (own_links[i] >= 2 && comp_size[find(i)] >= kMinPiece) piece[i] = find(i);
    for (std::size_t i = 0; i < links.size();) {
      std::size_t j = i;
      while (j < links.size() && links[j].first == links[i].first) ++j;
      if (tie[i]) {
        std::uint32_t to = UINT32_MAX;
        for (std::size_t k = i; k < j && to == UINT32_MAX; ++k)
          if (own_links[links[k].second] >= 2) to = piece[links[k].second];
        if (to != UINT32_MAX)
          for (std::size_t k = i; k < j; ++k) {
            auto& p = piece[links[k].second];
            if (own_links[links[k].second] >= 2) continue;
            if (p == UINT32_MAX || comp_size[to] > comp_size[p] || (comp_size[to] == comp_size[p] && to < p)) p = to;
          }
      }
      i = j;
    }
    std::vector<std::uint32_t> piece_accounts(na, 0);
    for (std::uint32_t i = 0; i < na; ++i)
      if (piece[i] != UINT32_MAX) ++piece_accounts[piece[i]];
    std::vector<std::uint64_t> piece_label(na, 0);  // 0 = stays in c
    std::vector<std::uint8_t> labelled(na, 0);
    for (std::uint32_t i = 0; i < na; ++i) {  // ascending account order: deterministic labels
      const std::uint32_t p = piece[i];
      if (p == UINT32_MAX || labelled[p]) continue;
      labelled[p] = 1;
      if (static_cast<double>(piece_accounts[p]) < kMaxPieceShare * static_cast<double>(na)) piece_label[p] = ++st.next;
    }
    if (move_pieces(st, s, inc, partition, c, accounts, piece, piece_label)) changed = true;
  }
  if (!changed) return partition;
  return canonicalize(st.label);
}

}  // namespace hydrascope
