// Drawing a community: which nodes to draw (big communities are sampled) and
// where (Boost.Graph's Fruchterman-Reingold layout with a seeded start).
#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/fruchterman_reingold.hpp>
#include <boost/graph/random_layout.hpp>
#include <boost/graph/topology.hpp>
#include <boost/random/linear_congruential.hpp>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <set>
#include <stdexcept>
#include <utility>
#include <vector>

#include "hydrascope/report.hpp"
#include "hydrascope/strings.hpp"

namespace hydrascope {

namespace {

using Topology = boost::rectangle_topology<boost::minstd_rand>;
using Point = Topology::point_type;
using LayoutGraph = boost::adjacency_list<boost::vecS, boost::vecS, boost::undirectedS>;

double round_unit(double v) { return std::round(v); }

constexpr double kShorten = 0.25;
struct ShortAttraction {
  template <typename G, typename T>
  T operator()(typename boost::graph_traits<G>::edge_descriptor, T k, T d, const G&) const {
    return d * d / (kShorten * k);
  }
};
struct ShortRepulsion {
  template <typename G, typename T>
  T operator()(typename boost::graph_traits<G>::vertex_descriptor, typename boost::graph_traits<G>::vertex_descriptor,
               T k, T d, const G&) const {
    return kShorten * kShorten * k * k / d;
  }
};

}  // namespace

std::vector<LayoutPoint> layout_graph(std::uint32_t n, std::span<const std::pair<std::uint32_t, std::uint32_t>> edges,
                                      double width, double height, double margin, std::uint64_t seed, int iterations) {
  if (!(width > 2 * margin) || !(height > 2 * margin) || !(margin >= 0))
    throw std::invalid_argument("layout_graph: the box must be larger than twice the margin");
  for (const auto& [a, b] : edges)
    if (a >= n || b >= n) throw std::invalid_argument("layout_graph: an edge names a node >= n");
  std::vector<LayoutPoint> out(n);
  const double x0 = margin, x1 = width - margin, y0 = margin, y1 = height - margin;
  if (n == 0) return out;
  if (n == 1) {
    out[0] = {round_unit((x0 + x1) / 2), round_unit((y0 + y1) / 2)};
    return out;
  }
  // Several components: an undrawn extra node tied to the best connected node
  // of each keeps them together (unconnected parts would drift to the edges).
  std::vector<std::uint32_t> parent(n), degree(n, 0);
  for (std::uint32_t v = 0; v < n; ++v) parent[v] = v;
  auto find = [&](std::uint32_t v) {
    while (parent[v] != v) v = parent[v] = parent[parent[v]];
    return v;
  };
  for (const auto& [a, b] : edges) {
    ++degree[a];
    ++degree[b];
    parent[find(a)] = find(b);
  }
  std::vector<std::uint32_t> anchor(n, UINT32_MAX);
  std::uint32_t components = 0;
  for (std::uint32_t v = 0; v < n; ++v) {
    const std::uint32_t r = find(v);
    if (anchor[r] == UINT32_MAX) ++components;
    if (anchor[r] == UINT32_MAX || degree[v] > degree[anchor[r]]) anchor[r] = v;
  }
  LayoutGraph g(components > 1 ? n + 1 : n);
  for (const auto& [a, b] : edges)
    if (a != b) boost::add_edge(a, b, g);
  if (components > 1)
    for (std::uint32_t v = 0; v < n; ++v)
      if (find(v) == v) boost::add_edge(anchor[v], n, g);
  boost::minstd_rand gen(static_cast<std::uint32_t>(seed % 2147483646u) + 1u);
  // A square of side proportional to sqrt(n) keeps the ideal edge length
  // (sqrt(area / n)) constant whatever the size.
  const double half = 10.0 * std::sqrt(static_cast<double>(n));
  Topology topo(gen, -half, -half, half, half);
  std::vector<Point> pos(boost::num_vertices(g));
  auto pm = boost::make_iterator_property_map(pos.begin(), boost::get(boost::vertex_index, g));
  boost::random_graph_layout(g, pm, topo);
  // Forces of a quarter of Boost's ideal length (sqrt(area / n)) keep the
  // drawing clear of the walls, where a bounded layout otherwise piles up
  // leaves and small components; every pair repels (n is a few hundred at most).
  std::vector<Topology::point_difference_type> disp(pos.size());
  boost::fruchterman_reingold_force_directed_layout(
      g, pm, topo, ShortAttraction{}, ShortRepulsion{}, boost::all_force_pairs(),
      boost::linear_cooling<double>(std::max(1, iterations), half / 4),
      boost::make_iterator_property_map(disp.begin(), boost::get(boost::vertex_index, g)));

  // Rescale to fill the drawing box. The bounds are the 2nd and 98th
  // percentiles of each axis (for 50+ nodes), so that a small far-away
  // component cannot shrink the rest into a corner; outliers sit on the edge.
  // A non-finite result, which Boost should never give, falls back to a circle.
  bool finite = true;
  pos.resize(n);  // the extra node is not drawn
  for (const auto& p : pos) finite = finite && std::isfinite(p[0]) && std::isfinite(p[1]);
  double lx = 0, hx = 0, ly = 0, hy = 0;
  if (finite) {
    std::vector<double> xs(n), ys(n);
    for (std::uint32_t v = 0; v < n; ++v) {
      xs[v] = pos[v][0];
      ys[v] = pos[v][1];
    }
    std::sort(xs.begin(), xs.end());
    std::sort(ys.begin(), ys.end());
    const std::size_t cut = n >= 50 ? n / 50 : 0;
    lx = xs[cut];
    hx = xs[n - 1 - cut];
    ly = ys[cut];
    hy = ys[n - 1 - cut];
  }
  for (std::uint32_t v = 0; v < n; ++v) {
    double fx, fy;
    if (finite) {
      fx = hx > lx ? std::clamp((pos[v][0] - lx) / (hx - lx), 0.0, 1.0) : 0.5;
      fy = hy > ly ? std::clamp((pos[v][1] - ly) / (hy - ly), 0.0, 1.0) : 0.5;
    } else {
      const double a = 2.0 * std::numbers::pi * v / n;
      fx = 0.5 + 0.5 * std::cos(a);
      fy = 0.5 + 0.5 * std::sin(a);
    }
    out[v] = {round_unit(x0 + fx * (x1 - x0)), round_unit(y0 + fy * (y1 - y0))};
  }
  // No two nodes at one point: move a repeat along a small spiral, inside the box.
  std::set<std::pair<long long, long long>> taken;
  auto key = [](const LayoutPoint& p) { return std::pair{std::llround(p.x), std::llround(p.y)}; };
  for (std::uint32_t v = 0; v < n; ++v) {
    LayoutPoint p = out[v];
    for (int step = 1; taken.count(key(p)) != 0; ++step) {
      const double a = step * 2.39996;  // golden angle
      const double r = 1.5 * std::sqrt(static_cast<double>(step));
      p = {round_unit(std::clamp(out[v].x + r * std::cos(a), x0, x1)),
           round_unit(std::clamp(out[v].y + r * std::sin(a), y0, y1))};
    }
    taken.insert(key(p));
    out[v] = p;
  }
  return out;
}

DrawnSubgraph sample_subgraph(const Snapshot& sub, std::span<const double> risk, std::uint32_t max_accounts,
                              std::uint32_t max_entities) {
  const NodeId n = sub.num_nodes();
  DrawnSubgraph d;
  std::vector<NodeId> accounts, entities;
  std::vector<std::uint64_t> uses(n, 0);  // an entity's edges to accounts
  for (EdgeId e = 0; e < sub.num_edges(); ++e) {
    const NodeId a = sub.edge_src(e), b = sub.edge_dst(e);
    if (sub.kind(a) == NodeKind::Account && sub.kind(b) != NodeKind::Account) ++uses[b];
    if (sub.kind(b) == NodeKind::Account && sub.kind(a) != NodeKind::Account) ++uses[a];
  }
  for (NodeId v = 0; v < n; ++v) (sub.kind(v) == NodeKind::Account ? accounts : entities).push_back(v);
  d.accounts_total = accounts.size();
  d.entities_total = entities.size();

  std::vector<std::uint8_t> keep(n, 0);
  if (entities.size() > max_entities) {
    std::sort(entities.begin(), entities.end(), [&](NodeId a, NodeId b) {
      if (uses[a] != uses[b]) return uses[a] > uses[b];
      return sub.node_id(a) < sub.node_id(b);
    });
    entities.resize(max_entities);
  }
  for (NodeId v : entities) keep[v] = 1;
  if (accounts.size() > max_accounts) {
    auto r = [&](NodeId v) { return v < risk.size() && std::isfinite(risk[v]) ? risk[v] : 0.0; };
    std::sort(accounts.begin(), accounts.end(), [&](NodeId a, NodeId b) {
      if (r(a) != r(b)) return r(a) > r(b);
      return sub.node_id(a) < sub.node_id(b);
    });
    const std::size_t riskiest = max_accounts / 4;
    std::vector<NodeId> rest(accounts.begin() + static_cast<std::ptrdiff_t>(riskiest), accounts.end());
    accounts.resize(riskiest);
    std::vector<std::uint8_t> tied(n, 0);
    for (EdgeId e = 0; e < sub.num_edges(); ++e) {
      const NodeId a = sub.edge_src(e), b = sub.edge_dst(e);
      if (keep[a]) tied[b] = 1;
      if (keep[b]) tied[a] = 1;
    }
    std::vector<std::pair<std::uint64_t, NodeId>> order;
    order.reserve(rest.size());
    for (NodeId v : rest) order.emplace_back((tied[v] ? 0 : std::uint64_t{1} << 63) | (hash_bytes(sub.node_id(v)) >> 1), v);
    std::sort(order.begin(), order.end());
    for (std::size_t i = 0; accounts.size() < max_accounts; ++i) accounts.push_back(order[i].second);
  }
  for (NodeId v : accounts) keep[v] = 1;
  d.accounts_shown = accounts.size();
  d.entities_shown = entities.size();
  for (NodeId v = 0; v < n; ++v)
    if (keep[v]) d.nodes.push_back(v);
  for (EdgeId e = 0; e < sub.num_edges(); ++e)
    if (keep[sub.edge_src(e)] && keep[sub.edge_dst(e)]) d.edges.push_back(e);
  return d;
}

}  // namespace hydrascope
