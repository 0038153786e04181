// Small graphs shared by the centrality tests: karate from datasets/, seeded
// random graphs, and the edge-case zoo (empty, one node, edgeless, two
// components, star hub).
#pragma once

#include <cstdint>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "hydrascope/graph.hpp"

namespace hydrascope::test {

/// Zachary's karate club (34 nodes, 78 edges) from datasets/karate/karate.edges.
inline AnalysisGraph karate(bool random_weights = false) {
  std::ifstream in(std::string(HYDRASCOPE_TEST_DATASETS) + "/karate/karate.edges");
  std::vector<WeightedEdge> edges;
  std::string line;
  NodeId n = 0;
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> w(0.5, 3.0);
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#' || line[0] == '%') continue;
    std::istringstream ss(line);
    NodeId u = 0, v = 0;
    if (!(ss >> u >> v)) continue;
    edges.push_back({u, v, random_weights ? w(rng) : 1.0});
    n = std::max(n, std::max(u, v) + 1);
  }
  return AnalysisGraph::from_edges(n, edges);
}

/// Erdos-Renyi-like G(n, m) with weights in [0.5, 3) (self-loops dropped, repeats summed).
inline AnalysisGraph random_graph(NodeId n, std::size_t m, std::uint64_t seed, bool weighted = true) {
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<NodeId> node(0, n - 1);
  std::uniform_real_distribution<double> w(0.5, 3.0);
  std::vector<WeightedEdge> edges;
  for (std::size_t i = 0; i < m; ++i) edges.push_back({node(rng), node(rng), weighted ? w(rng) : 1.0});
  return AnalysisGraph::from_edges(n, edges);
}

/// Star: hub 0 with `leaves` leaves.
inline AnalysisGraph star(NodeId leaves) {
  std::vector<WeightedEdge> edges;
  for (NodeId i = 1; i <= leaves; ++i) edges.push_back({0, i, 1.0});
  return AnalysisGraph::from_edges(leaves + 1, edges);
}

/// Two components: triangle {0,1,2} and path 3-4-5-6.
inline AnalysisGraph two_components() {
  std::vector<WeightedEdge> edges{{0, 1, 1}, {1, 2, 2}, {0, 2, 1}, {3, 4, 1}, {4, 5, 1}, {5, 6, 1}};
  return AnalysisGraph::from_edges(7, edges);
}

inline AnalysisGraph edgeless(NodeId n) { return AnalysisGraph::from_edges(n, std::vector<WeightedEdge>{}); }

}  // namespace hydrascope::test
