// Subgraph selection: a community's accounts with the entities they use (and
// optionally those entities' other accounts), or the ego network of one node.
// One marker array per selector; every selection costs time in the sum of
// the degrees of the nodes it takes, and hubs contribute at most max_degree
// neighbours when a selection expands through them.
#include <algorithm>
#include <string>

#include "export_internal.hpp"

namespace hydrascope {

SubgraphSelector::SubgraphSelector(const Snapshot& snapshot, const Incidence& incidence, SelectionLimits limits)
    : s_(snapshot), inc_(incidence), limits_(limits), mark_(snapshot.num_nodes(), 0) {}

namespace {

// Calls f(u) for the distinct neighbours of v, at most `cap` of them (0 = all);
// returns how many distinct neighbours were left out.
template <class F>
std::uint64_t for_neighbours(const Incidence& inc, NodeId v, std::uint32_t cap, F&& f) {
  const auto nb = inc.neighbors(v);
  std::uint64_t taken = 0, left = 0;
  for (std::size_t i = 0; i < nb.size(); ++i) {
    if (i > 0 && nb[i] == nb[i - 1]) continue;  // rows are sorted by neighbour
    if (cap != 0 && taken >= cap) {
      ++left;
      continue;
    }
    ++taken;
    f(nb[i]);
  }
  return left;
}

}  // namespace

void SubgraphSelector::add_edges(Subgraph& sub) {
  // Every snapshot edge whose both ends are marked; each edge is seen from
  // both ends, taken from the smaller one.
  for (NodeId v : sub.nodes) {
    const auto nb = inc_.neighbors(v);
    const auto es = inc_.edges(v);
    for (std::size_t i = 0; i < nb.size(); ++i)
      if (mark_[nb[i]] != 0 && v < nb[i]) sub.edges.push_back(es[i]);
  }
  std::sort(sub.edges.begin(), sub.edges.end());
  sub.edges.erase(std::unique(sub.edges.begin(), sub.edges.end()), sub.edges.end());
  for (NodeId v : sub.nodes) mark_[v] = 0;
}

Subgraph SubgraphSelector::community(CommunityId id, std::span<const NodeId> accounts, int context) {
  Subgraph sub;
  sub.name = "community-" + std::to_string(id);
  auto take = [&](NodeId u) {
    if (mark_[u] != 0) return false;
    if (limits_.max_nodes != 0 && sub.nodes.size() >= limits_.max_nodes) {
      ++sub.left_out;
      return false;
    }
    mark_[u] = 1;
    sub.nodes.push_back(u);
    return true;
  };
  for (NodeId v : accounts) {
    if (take(v)) sub.accounts.push_back(v);
  }
  std::vector<NodeId> entities;
  for (NodeId v : accounts)
    for (NodeId u : inc_.neighbors(v))
      if (s_.kind(u) != NodeKind::Account && take(u)) entities.push_back(u);
  if (context >= 1) {
    std::sort(entities.begin(), entities.end());
    for (NodeId e : entities)
      sub.left_out += for_neighbours(inc_, e, limits_.max_degree, [&](NodeId u) { take(u); });
  }
  std::sort(sub.nodes.begin(), sub.nodes.end());
  std::sort(sub.accounts.begin(), sub.accounts.end());
  add_edges(sub);
  return sub;
}

Subgraph SubgraphSelector::around(NodeId center, int hops) {
  Subgraph sub;
  sub.name = "around-" + safe_file_stem(s_.node_id(center)) + "-h" + std::to_string(hops);
  std::vector<NodeId> frontier{center}, next;
  mark_[center] = 1;
  sub.nodes.push_back(center);
  bool full = false;
  for (int h = 0; h < hops && !frontier.empty(); ++h) {
    next.clear();
    for (NodeId v : frontier) {
      sub.left_out += for_neighbours(inc_, v, limits_.max_degree, [&](NodeId u) {
        if (mark_[u] != 0) return;
        if (limits_.max_nodes != 0 && sub.nodes.size() >= limits_.max_nodes) {
          ++sub.left_out;
          full = true;
          return;
        }
        mark_[u] = 1;
        sub.nodes.push_back(u);
        next.push_back(u);
      });
    }
    std::sort(next.begin(), next.end());
    frontier.swap(next);
    if (full) break;
  }
  std::sort(sub.nodes.begin(), sub.nodes.end());
  for (NodeId v : sub.nodes)
    if (s_.kind(v) == NodeKind::Account) sub.accounts.push_back(v);
  add_edges(sub);
  return sub;
}

}  // namespace hydrascope
