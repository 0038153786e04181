// Boost.Graph view of an AnalysisGraph: a compressed_sparse_row_graph holding
// both arcs of every undirected edge, with the weight as an edge bundle.
// Built in O(n + m) from the already sorted CSR; wrap each BGL algorithm
// once behind our own API (never expose BGL templates in public headers).
#pragma once

#include <boost/graph/compressed_sparse_row_graph.hpp>

#include <utility>
#include <vector>

#include "hydrascope/graph.hpp"

namespace hydrascope {

struct BglEdge {
  double weight = 1.0;
};

/// Directed BGL CSR with arcs u->v and v->u for every undirected edge {u, v}.
using BglGraph = boost::compressed_sparse_row_graph<boost::directedS, boost::no_property, BglEdge, boost::no_property,
                                                    NodeId, EdgeId>;

/// O(n + m) copy of g into BGL's CSR (arcs are already sorted by source).
[[nodiscard]] inline BglGraph to_bgl(const AnalysisGraph& g) {
  const NodeId n = g.num_nodes();
  std::vector<std::pair<NodeId, NodeId>> arcs;
  std::vector<BglEdge> props;
  arcs.reserve(g.num_arcs());
  props.reserve(g.num_arcs());
  for (NodeId u = 0; u < n; ++u) {
    const auto nb = g.neighbors(u);
    const auto ws = g.weights(u);
    for (std::size_t i = 0; i < nb.size(); ++i) {
      arcs.emplace_back(u, nb[i]);
      props.push_back(BglEdge{ws[i]});
    }
  }
  return BglGraph(boost::edges_are_sorted, arcs.begin(), arcs.end(), props.begin(), n);
}

}  // namespace hydrascope
