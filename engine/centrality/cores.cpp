// k-core numbers through Boost.Graph's core_numbers (Batagelj-Zaversnik
// bucket algorithm), wrapped once here, and k-core membership.
#include <boost/graph/core_numbers.hpp>

#include <algorithm>
#include <chrono>

#include "centrality_impl.hpp"
#include "hydrascope/bgl.hpp"
#include "hydrascope/centrality.hpp"

namespace hydrascope {

CoreResult core_numbers(const AnalysisGraph& g) {
  const auto start = std::chrono::steady_clock::now();
  CoreResult result;
  const NodeId n = g.num_nodes();
  if (n == 0) return result;
  // BGL's unweighted core_numbers computes *in-degree* cores: it starts from
  // in-degrees and, on removing v, decrements the targets of v's out-arcs.
  // The BGL view holds both arcs of every undirected edge, so in-degree is the
  // undirected degree and v's out-arcs reach exactly its neighbours: the
  // result is the undirected core number (the tests check it against an
  // independent peeling and the defining property).
  const BglGraph bg = to_bgl(g);
  std::vector<EdgeId> core(n, 0);
  boost::core_numbers(bg, boost::make_iterator_property_map(core.begin(), boost::get(boost::vertex_index, bg)));
  result.core.resize(n);
  for (NodeId v = 0; v < n; ++v) {
    result.core[v] = static_cast<std::uint32_t>(core[v]);
    result.degeneracy = std::max(result.degeneracy, result.core[v]);
  }
  result.seconds = detail::seconds_since(start);
  return result;
}

std::vector<NodeId> k_core(const CoreResult& cores, std::uint32_t k) {
  std::vector<NodeId> nodes;
  for (NodeId v = 0; v < static_cast<NodeId>(cores.core.size()); ++v)
    if (cores.core[v] >= k) nodes.push_back(v);
  return nodes;
}

}  // namespace hydrascope
