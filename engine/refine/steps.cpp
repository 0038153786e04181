// Community refinement, the stage between detection and features: cuts
// communities where they glue unrelated groups (a proxy's clientele, groups
// tied by nothing of their own, a group separated but for a few links),
// re-homes accounts that nothing anchors to their pool's community, and
// joins a farm cut in two along its pool. Every threshold is a named field of
// RefineOptions; docs/architecture.md and docs/quality.md (ablation) say
// which steps run by default and why. Each step is one pass over the incident
// edges of the members, O(sum of member degrees x log degree); no pairs of
// accounts.
#include <algorithm>
#include <vector>

#include "hydrascope/community.hpp"
#include "hydrascope/refine.hpp"

namespace hydrascope {


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
  // An entity with `here` accounts in a community is one of its own: two or
  // more of them, and at least half of all its accounts.
  [[nodiscard]] bool own(NodeId entity, std::uint32_t here) const {
    return here >= 2 && 2 * here >= account_degree[entity];
  }
  std::vector<std::uint32_t> account_degree;
  std::vector<std::uint64_t> offsets;
  std::vector<NodeId> members;
  std::vector<std::uint64_t> label;
  std::uint64_t next;
};

// The accounts of community c and their (entity, account index) links,
// sorted; false when c is too small to be split (fewer than 2 x o.min_piece
// or min_accounts accounts).
bool community_links(const Snapshot& s, const Incidence& inc, const std::vector<std::uint64_t>& offsets,
                     const std::vector<NodeId>& members, CommunityId c, std::uint32_t min_accounts,
                     std::vector<NodeId>& accounts, std::vector<std::pair<NodeId, std::uint32_t>>& links, const RefineOptions& o) {
  accounts.clear();
  for (std::uint64_t i = offsets[c]; i < offsets[c + 1]; ++i)
    if (s.kind(members[i]) == NodeKind::Account) accounts.push_back(members[i]);
  const std::uint64_t na = accounts.size();
  if (na < 2 * o.min_piece || na < min_accounts) return false;
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

// The communities of the distinct accounts of entity u, sorted, in `seen`;
// stops past o.max_pool accounts (a hub: seen.size() > o.max_pool).
void pool_communities(const Snapshot& s, const Incidence& inc, const Partition& partition, NodeId u,
                      std::vector<CommunityId>& seen, const RefineOptions& o) {
  seen.clear();
  NodeId last = kInvalidNode;
  for (NodeId a : inc.neighbors(u)) {
    if (a == last || s.kind(a) != NodeKind::Account) continue;
    last = a;
    seen.push_back(partition.membership[a]);
    if (seen.size() > o.max_pool) return;
  }
  std::sort(seen.begin(), seen.end());
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
                  const RefineOptions& o) {
  const std::uint32_t min_accounts = o.min_accounts;
  if (!fits(s, inc, partition)) return partition;
  Split st(s, inc, partition);
  bool changed = false;
  std::vector<NodeId> accounts, ent;
  std::vector<std::pair<NodeId, std::uint32_t>> links;  // (entity, account index)
  for (CommunityId c = 0; c < partition.num_communities; ++c) {
    if (!community_links(s, inc, st.offsets, st.members, c, min_accounts, accounts, links, o)) continue;
    const std::uint64_t na = accounts.size();
    // Candidate hubs: proxies with o.min_piece or more of the accounts here
    // that are the community's own (at least half of their accounts here).
    std::vector<std::pair<NodeId, std::uint64_t>> hubs;  // (proxy, accounts here), ascending proxy
    for (std::size_t i = 0; i < links.size();) {
      std::size_t j = i;
      while (j < links.size() && links[j].first == links[i].first) ++j;
      const auto cnt = static_cast<std::uint64_t>(j - i);
      if (s.kind(links[i].first) == NodeKind::Proxy && cnt >= o.min_piece && 2 * cnt >= st.account_degree[links[i].first])
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
      if (piece_size[h] >= o.min_piece && static_cast<double>(piece_size[h]) < o.max_piece_share * static_cast<double>(na))
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
// entities that are mostly theirs; each connected piece of o.min_piece tied
// accounts or more that does not hold most of the community becomes a
// community of its own, with the untied accounts linked to its entities.
Partition split_tied_groups(const Snapshot& s, const Incidence& inc, const Partition& partition,
                  const RefineOptions& o) {
  const std::uint32_t min_accounts = o.min_accounts;
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
    if (!community_links(s, inc, st.offsets, st.members, c, min_accounts, accounts, links, o)) continue;
    const auto na = static_cast<std::uint32_t>(accounts.size());
    // Own entities (>= 2 accounts here, at least half of all theirs), and
    // the tied accounts: linked to two or more of them.
    std::vector<std::uint8_t> own(links.size(), 0);
    std::vector<std::uint32_t> own_links(na, 0);
    for (std::size_t i = 0; i < links.size();) {
      std::size_t j = i;
      while (j < links.size() && links[j].first == links[i].first) ++j;
      const auto cnt = static_cast<std::uint32_t>(j - i);
      if (st.own(links[i].first, cnt))
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
      if (comp_size[i] >= o.min_piece) ++pieces;
    if (pieces < 2) continue;
    // Untied accounts go with the piece of a tying entity they use (the
    // biggest piece if several); others stay.
    std::vector<std::uint32_t> piece(na, UINT32_MAX);
    for (std::uint32_t i = 0; i < na; ++i)
      if (own_links[i] >= 2 && comp_size[find(i)] >= o.min_piece) piece[i] = find(i);
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
      if (static_cast<double>(piece_accounts[p]) < o.max_piece_share * static_cast<double>(na)) piece_label[p] = ++st.next;
    }
    if (move_pieces(st, s, inc, partition, c, accounts, piece, piece_label)) changed = true;
  }
  if (!changed) return partition;
  return canonicalize(st.label);
}

// Third split (docs/scoring.md, "Communities split by separation"): a
// small farm next to an aggregator's thousands of customers is tied to
// them by the few accounts it sends through the aggregator's proxy and
// egress IPs, so neither split above sees two groups; over the whole
// snapshot, modularity's resolution limit keeps it inside the big
// community. Inside the community, on the graph of its accounts and their
// own entities, it stands out: Leiden (modularity, resolution 1, seed 1,
// one thread) finds it, and its conductance (links leaving it over its
// links) is small. Each group of o.min_piece accounts or more that does not
// hold most of the community and keeps all but o.max_conductance of its
// links inside becomes a community of its own; groups that are only parts
// of one well-knit whole (a farm cut by modularity into halves that share
// its cards and IPs) have a high conductance and stay.
Partition split_separated_groups(const Snapshot& s, const Incidence& inc, const Partition& partition,
                  const RefineOptions& o) {
  const std::uint32_t min_accounts = o.min_accounts;
  if (!fits(s, inc, partition)) return partition;
  Split st(s, inc, partition);
  bool changed = false;
  std::vector<NodeId> accounts;
  std::vector<std::pair<NodeId, std::uint32_t>> links;  // (entity, account index), sorted
  std::vector<WeightedEdge> edges;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> cross;  // (group, other group) per leaving link
  CommunityOptions leiden = CommunityOptions::leiden_modularity(1.0);
  leiden.threads = 1;
  leiden.seed = 1;
  for (CommunityId c = 0; c < partition.num_communities; ++c) {
    if (!community_links(s, inc, st.offsets, st.members, c, min_accounts, accounts, links, o)) continue;
    const auto na = static_cast<std::uint32_t>(accounts.size());
    // Local graph: accounts 0..na-1, then the own entities (>= 2 accounts
    // here, at least half of all theirs), one unit edge per link.
    edges.clear();
    NodeId local = na;
    for (std::size_t i = 0; i < links.size();) {
      std::size_t j = i;
      while (j < links.size() && links[j].first == links[i].first) ++j;
      const auto cnt = static_cast<std::uint32_t>(j - i);
      if (st.own(links[i].first, cnt)) {
        for (std::size_t k = i; k < j; ++k) edges.push_back(WeightedEdge{links[k].second, local, 1.0});
        ++local;
      }
      i = j;
    }
    if (edges.size() < 2 * o.min_piece) continue;
    const AnalysisGraph g = AnalysisGraph::from_edges(local, edges);
    const auto groups = detect_communities(g, leiden).partition;
    const auto k = static_cast<std::size_t>(groups.num_communities);
    std::vector<std::uint64_t> group_accounts(k, 0), volume(k, 0), inside(k, 0);
    for (const auto& e : edges) {
      const auto gu = groups.membership[e.u], gv = groups.membership[e.v];
      ++volume[gu];
      ++volume[gv];
      if (gu == gv) inside[gu] += 2;
    }
    for (std::uint32_t i = 0; i < na; ++i) ++group_accounts[groups.membership[i]];
    const std::uint64_t total = 2 * edges.size();
    // Separated groups: enough accounts, not most of the community, few
    // links leaving, and knit (a star of one IP and its users is no group).
    std::vector<std::uint32_t> join(k, UINT32_MAX);  // group -> the separated group it goes with
    bool any = false;
    for (std::size_t p = 0; p < k; ++p) {
      const std::uint64_t cut = volume[p] - inside[p];
      const double smaller = static_cast<double>(std::min(volume[p], total - volume[p]));
      if (group_accounts[p] < o.min_piece || static_cast<double>(group_accounts[p]) >= o.max_piece_share * na ||
          static_cast<double>(cut) > o.max_conductance * smaller ||
          static_cast<double>(inside[p]) < 2.0 * o.min_own_links * static_cast<double>(group_accounts[p]))
        continue;
      join[p] = static_cast<std::uint32_t>(p);
      any = true;
    }
    if (!any) continue;
    // Satellites: a smaller group whose leaving links go mostly to one
    // separated group goes with it (a farm IP whose accounts run on popular
    // fingerprints hangs on the farm by a few device links only).
    cross.clear();
    for (const auto& e : edges) {
      const auto gu = static_cast<std::uint32_t>(groups.membership[e.u]), gv = static_cast<std::uint32_t>(groups.membership[e.v]);
      if (gu == gv) continue;
      cross.emplace_back(gu, gv);
      cross.emplace_back(gv, gu);
    }
    std::sort(cross.begin(), cross.end());
    for (std::size_t i = 0; i < cross.size();) {
      const std::uint32_t q = cross[i].first;
      std::size_t j = i;
      std::uint32_t best = UINT32_MAX;
      std::uint64_t best_links = 0;
      while (j < cross.size() && cross[j].first == q) {
        std::size_t l = j;
        while (l < cross.size() && cross[l].first == q && cross[l].second == cross[j].second) ++l;
        const std::uint32_t to = cross[j].second;
        if (join[to] == to && join[q] != q && l - j > best_links) best = to, best_links = l - j;
        j = l;
      }
      if (best != UINT32_MAX && 2 * best_links >= j - i && group_accounts[q] <= group_accounts[best]) join[q] = best;
      i = j;
    }
    std::vector<std::uint32_t> piece(na, UINT32_MAX);
    std::vector<std::uint64_t> piece_label(k, 0);  // 0 = stays in c
    std::vector<std::uint64_t> piece_size(k, 0);
    for (std::uint32_t i = 0; i < na; ++i)
      if (join[groups.membership[i]] != UINT32_MAX) ++piece_size[join[groups.membership[i]]];
    for (std::uint32_t i = 0; i < na; ++i) {  // ascending account order: deterministic labels
      const std::uint32_t p = join[groups.membership[i]];
      if (p == UINT32_MAX || static_cast<double>(piece_size[p]) >= o.max_piece_share * na) continue;
      piece[i] = p;
      if (piece_label[p] == 0) piece_label[p] = ++st.next;
    }
    if (move_pieces(st, s, inc, partition, c, accounts, piece, piece_label)) changed = true;
  }
  if (!changed) return partition;
  return canonicalize(st.label);
}

// Fourth step (docs/scoring.md, "Accounts re-homed to their pool"): a farm's
// pool IP or device can end up with its accounts in two communities, when
// the accounts that run on popular fingerprints are put next to a VPN exit
// community instead of the farm. An account that nothing anchors where it
// is (no card, IP or device of its own, the mark of a person, and no IP,
// device, card or proxy of 2 to o.max_pool accounts whose largest share of
// accounts is in its community) moves to the community that holds
// most of the accounts of its pool (an IP, device or card of at most
// o.max_pool accounts, o.pool_home or more of them in that community; the
// largest such if several). Hubs (carrier NAT, popular fingerprints, big
// VPN exits) neither anchor nor move anyone. One pass over the incident
// edges of entities of at most o.max_pool accounts and of every account.
Partition rehome_pool_accounts(const Snapshot& s, const Incidence& inc, const Partition& partition,
                  const RefineOptions& o) {
  if (!fits(s, inc, partition)) return partition;
  const NodeId n = s.num_nodes();
  // Home of every small entity: the community with most of its accounts.
  std::vector<CommunityId> home(n, 0);
  std::vector<std::uint32_t> home_count(n, 0);
  std::vector<std::uint8_t> personal(n, 0);  // an IP, device or card of one account
  std::vector<CommunityId> seen;
  for (NodeId u = 0; u < n; ++u) {
    const NodeKind kind = s.kind(u);
    if (kind == NodeKind::Account || kind == NodeKind::Other) continue;
    pool_communities(s, inc, partition, u, seen, o);
    if (seen.size() == 1) personal[u] = 1;
    if (seen.size() < 2 || seen.size() > o.max_pool) continue;
    for (std::size_t i = 0; i < seen.size();) {
      std::size_t j = i;
      while (j < seen.size() && seen[j] == seen[i]) ++j;
      if (j - i > home_count[u]) home[u] = seen[i], home_count[u] = static_cast<std::uint32_t>(j - i);
      i = j;
    }
  }
  std::vector<std::uint64_t> label(partition.membership.begin(), partition.membership.end());
  bool changed = false;
  for (NodeId v = 0; v < n; ++v) {
    if (s.kind(v) != NodeKind::Account) continue;
    const CommunityId c = partition.membership[v];
    bool anchored = false;
    NodeId pool = kInvalidNode;
    NodeId last = kInvalidNode;
    for (NodeId u : inc.neighbors(v)) {
      if (u == last) continue;
      last = u;
      if (personal[u] && s.kind(u) != NodeKind::Proxy) {
        anchored = true;  // a person's own card, home IP or device
        break;
      }
      if (home_count[u] == 0) continue;
      if (home[u] == c) {
        anchored = true;
        break;
      }
      const NodeKind kind = s.kind(u);
      if ((kind == NodeKind::Ip || kind == NodeKind::Device || kind == NodeKind::PaymentMethod) &&
          home_count[u] >= o.pool_home && (pool == kInvalidNode || home_count[u] > home_count[pool]))
        pool = u;
    }
    if (anchored || pool == kInvalidNode) continue;
    label[v] = home[pool];
    changed = true;
  }
  if (!changed) return partition;
  return canonicalize(label);
}

// Last step (docs/scoring.md, "Communities merged by shared pools"): a
// large farm can come out of community detection and the splits in two
// parts, cut along its pool: the accounts on its own devices in one, those
// on popular fingerprints in the other, most of its residential IPs with
// accounts on both sides. The part that owns little has a core of a few accounts and
// scores nothing. Two communities are merged when o.min_shared_pools or more
// IPs, devices or cards of at most o.max_pool accounts have 2 or more
// accounts in each (the two communities with most of the entity's
// accounts), and those entities carry, on each side, at least half as
// many accounts as the smaller community has. Two companies, a carrier's NAT pools (hubs of more
// than o.max_pool accounts) or a family and its neighbours share no such
// set. One pass over the links of the entities of at most o.max_pool
// accounts, then union-find over community pairs.
Partition merge_pool_communities(const Snapshot& s, const Incidence& inc, const Partition& partition,
                  const RefineOptions& o) {
  if (!fits(s, inc, partition)) return partition;
  const NodeId n = s.num_nodes();
  std::vector<std::uint64_t> accounts_in(partition.num_communities, 0);
  for (NodeId v = 0; v < n; ++v)
    if (s.kind(v) == NodeKind::Account) ++accounts_in[partition.membership[v]];
  struct Shared {
    CommunityId a, b;
    std::uint32_t on_a, on_b;
  };
  std::vector<Shared> shared;
  std::vector<CommunityId> seen;
  for (NodeId u = 0; u < n; ++u) {
    const NodeKind kind = s.kind(u);
    if (kind != NodeKind::Ip && kind != NodeKind::Device && kind != NodeKind::PaymentMethod) continue;
    pool_communities(s, inc, partition, u, seen, o);
    if (seen.size() < 4 || seen.size() > o.max_pool) continue;
    // The two communities with most of its accounts (ties: smaller id).
    CommunityId c1 = 0, c2 = 0;
    std::uint32_t n1 = 0, n2 = 0;
    for (std::size_t i = 0; i < seen.size();) {
      std::size_t j = i;
      while (j < seen.size() && seen[j] == seen[i]) ++j;
      const auto cnt = static_cast<std::uint32_t>(j - i);
      if (cnt > n1) c2 = c1, n2 = n1, c1 = seen[i], n1 = cnt;
      else if (cnt > n2) c2 = seen[i], n2 = cnt;
      i = j;
    }
    if (n2 < 2) continue;
    if (c1 < c2) shared.push_back({c1, c2, n1, n2});
    else shared.push_back({c2, c1, n2, n1});
  }
  std::sort(shared.begin(), shared.end(), [](const Shared& x, const Shared& y) {
    return x.a != y.a ? x.a < y.a : x.b < y.b;
  });
  std::vector<CommunityId> parent(partition.num_communities);
  for (CommunityId c = 0; c < partition.num_communities; ++c) parent[c] = c;
  auto find = [&](CommunityId x) {
    while (parent[x] != x) x = parent[x] = parent[parent[x]];
    return x;
  };
  bool changed = false;
  for (std::size_t i = 0; i < shared.size();) {
    std::size_t j = i;
    std::uint64_t on_a = 0, on_b = 0;
    while (j < shared.size() && shared[j].a == shared[i].a && shared[j].b == shared[i].b) {
      on_a += shared[j].on_a;
      on_b += shared[j].on_b;
      ++j;
    }
    const CommunityId a = shared[i].a, b = shared[i].b;
    // Both sides on the shared pools with at least half the smaller
    // community's worth of accounts: a farm whose cards have two strays
    // each in an aggregator's community is no farm cut in two.
    const std::uint64_t small = std::min(accounts_in[a], accounts_in[b]);
    if (j - i >= o.min_shared_pools && 2 * std::min(on_a, on_b) >= small) {
      const CommunityId ra = find(a), rb = find(b);
      if (ra != rb) {
        parent[std::max(ra, rb)] = std::min(ra, rb);
        changed = true;
      }
    }
    i = j;
  }
  if (!changed) return partition;
  std::vector<std::uint64_t> label(n);
  for (NodeId v = 0; v < n; ++v) label[v] = find(partition.membership[v]);
  return canonicalize(label);
}

}  // namespace hydrascope
