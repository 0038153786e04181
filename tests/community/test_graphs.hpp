// Small graph makers and readers shared by the community tests.
#pragma once

#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "hydrascope/graph.hpp"

namespace hydrascope::testing {

/// Planted partition: `groups` groups of `size` nodes, edge probability p_in
/// inside and p_out across, random weights in [1, 2] if `weighted`.
inline AnalysisGraph planted(int groups, int size, double p_in, double p_out, std::uint64_t seed,
                             bool weighted = false, std::vector<std::uint64_t>* truth = nullptr) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  const NodeId n = static_cast<NodeId>(groups * size);
  std::vector<WeightedEdge> edges;
  for (NodeId a = 0; a < n; ++a) {
    for (NodeId b = a + 1; b < n; ++b) {
      const bool same = a / size == b / size;
      if (u(rng) < (same ? p_in : p_out)) edges.push_back({a, b, weighted ? 1.0 + u(rng) : 1.0});
    }
  }
  if (truth) {
    truth->resize(n);
    for (NodeId v = 0; v < n; ++v) (*truth)[v] = v / size;
  }
  return AnalysisGraph::from_edges(n, edges);
}

/// `u v` per line (# comments); n = max id + 1; parallel edges collapsed (structural view).
inline AnalysisGraph read_edge_list(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open " + path);
  std::vector<WeightedEdge> edges;
  NodeId n = 0;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#' || line[0] == '%') continue;
    std::istringstream ls(line);
    NodeId a, b;
    if (!(ls >> a >> b)) throw std::runtime_error("bad line in " + path + ": " + line);
    edges.push_back({a, b, 1.0});
    n = std::max({n, a + 1, b + 1});
  }
  return AnalysisGraph::from_edges(n, edges, MultiEdge::Max);
}

/// `node label` per line; nodes without a label get their own.
inline std::vector<std::uint64_t> read_labels(const std::string& path, NodeId n) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open " + path);
  std::vector<std::uint64_t> t(n, ~std::uint64_t{0});
  std::uint64_t v, c;
  while (in >> v >> c) {
    if (v < n) t[v] = c;
  }
  std::uint64_t next = 1ULL << 40;
  for (auto& x : t) {
    if (x == ~std::uint64_t{0}) x = next++;
  }
  return t;
}

}  // namespace hydrascope::testing
