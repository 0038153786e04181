// Connected components through Boost.Graph (wrapped once here, never exposed).
#include <boost/graph/strong_components.hpp>

#include "hydrascope/bgl.hpp"
#include "hydrascope/community.hpp"

namespace hydrascope {

Partition connected_components(const AnalysisGraph& g) {
  const NodeId n = g.num_nodes();
  if (n == 0) return {};
  // The BGL view holds both arcs of every edge, so its strong components are
  // exactly the undirected graph's connected components (BGL's
  // connected_components() demands an undirectedS graph type).
  const BglGraph bg = to_bgl(g);
  std::vector<NodeId> comp(n);
  boost::strong_components(bg, boost::make_iterator_property_map(comp.begin(), boost::get(boost::vertex_index, bg)));
  return canonicalize(std::vector<std::uint64_t>(comp.begin(), comp.end()));
}

}  // namespace hydrascope
