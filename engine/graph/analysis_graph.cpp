// AnalysisGraph construction (edge list -> CSR, Snapshot -> CSR with weights,
// hub damping and cap), Incidence, and invariant checks. All O(n + m) apart
// from the per-row sorts (O(d log d) per row, never quadratic in a hub).
#include <algorithm>
#include <chrono>
#include <cmath>
#include <stdexcept>
#include <string>

#include "hydrascope/graph.hpp"

namespace hydrascope {

namespace {
[[noreturn]] void broken_graph(const std::string& what) {
  throw std::logic_error("AnalysisGraph invariant broken: " + what);
}
}  // namespace

std::string_view to_string(HubDamping d) noexcept {
  switch (d) {
    case HubDamping::None: return "none";
    case HubDamping::InvLog: return "log";
    case HubDamping::InvSqrt: return "sqrt";
    case HubDamping::InvDegree: return "degree";
  }
  return "log";
}

HubDamping hub_damping_from(std::string_view name, std::string_view option) {
  for (const auto d : {HubDamping::None, HubDamping::InvLog, HubDamping::InvSqrt, HubDamping::InvDegree})
    if (name == to_string(d)) return d;
  throw std::invalid_argument(std::string(option) + ": expected none, log, sqrt or degree, got '" + std::string(name) + "'");
}

std::string_view to_string(TypeWeighting t) noexcept {
  switch (t) {
    case TypeWeighting::Named: return "named";
    case TypeWeighting::Uniform: return "uniform";
    case TypeWeighting::Spread: return "spread";
    case TypeWeighting::Balanced: return "balanced";
  }
  return "named";
}

TypeWeighting type_weighting_from(std::string_view name, std::string_view option) {
  for (const auto t : {TypeWeighting::Named, TypeWeighting::Uniform, TypeWeighting::Spread, TypeWeighting::Balanced})
    if (name == to_string(t)) return t;
  throw std::invalid_argument(std::string(option) + ": expected named, uniform, spread or balanced, got '" +
                              std::string(name) + "'");
}

std::size_t AnalysisGraph::memory_bytes() const noexcept {
  return offsets_.capacity() * sizeof(EdgeId) + targets_.capacity() * sizeof(NodeId) +
         weights_.capacity() * sizeof(double) + strength_.capacity() * sizeof(double);
}

void AnalysisGraph::finish_strengths() {
  const NodeId n = num_nodes();
  strength_.assign(n, 0.0);
  double total = 0.0;
#pragma omp parallel for schedule(dynamic, 1024) reduction(+ : total)
  for (std::int64_t vi = 0; vi < static_cast<std::int64_t>(n); ++vi) {
    const auto v = static_cast<NodeId>(vi);
    double s = 0.0;
    for (double w : weights(v)) s += w;
    strength_[v] = s;
    total += s;
  }
  // Sum serially for a thread-count-independent total.
  total = 0.0;
  for (double s : strength_) total += s;
  total_weight_ = total / 2.0;
}

AnalysisGraph AnalysisGraph::from_edges(NodeId n, std::span<const WeightedEdge> edges, MultiEdge combine) {
  for (std::size_t i = 0; i < edges.size(); ++i) {
    const auto& e = edges[i];
    if (e.u >= n || e.v >= n)
      throw std::invalid_argument("edge " + std::to_string(i) + " has an endpoint >= n = " + std::to_string(n));
    if (!(e.w > 0.0) || !std::isfinite(e.w))
      throw std::invalid_argument("edge " + std::to_string(i) + " has a weight that is not finite and > 0");
  }
  std::vector<EdgeId> off(static_cast<std::size_t>(n) + 1, 0);
  for (const auto& e : edges) {
    if (e.u == e.v) continue;
    ++off[e.u + 1];
    ++off[e.v + 1];
  }
  for (NodeId v = 0; v < n; ++v) off[v + 1] += off[v];
  // Two stable counting passes sort every row by target in O(n + m) with no
  // comparisons: first file each arc s -> t under t (in edge order), then walk
  // targets in increasing order and append each arc to its source row. Equal
  // targets (parallel edges) keep edge order in both directions, so a pair's
  // weights are combined in the same order, bit for bit, on both sides.
  std::vector<NodeId> tgt(off[n]);
  std::vector<double> wgt(off[n]);
  {
    std::vector<NodeId> by_target_src(off[n]);
    std::vector<double> by_target_w(off[n]);
    std::vector<EdgeId> pos(off.begin(), off.end() - 1);
    for (const auto& e : edges) {
      if (e.u == e.v) continue;
      by_target_src[pos[e.v]] = e.u;
      by_target_w[pos[e.v]++] = e.w;
      by_target_src[pos[e.u]] = e.v;
      by_target_w[pos[e.u]++] = e.w;
    }
    std::copy(off.begin(), off.end() - 1, pos.begin());
    for (NodeId t = 0; t < n; ++t) {
      for (EdgeId i = off[t]; i < off[t + 1]; ++i) {
        const NodeId src = by_target_src[i];
        tgt[pos[src]] = t;
        wgt[pos[src]++] = by_target_w[i];
      }
    }
  }
  // Fold equal targets in place; count kept entries per row.
  std::vector<EdgeId> kept(n, 0);
#pragma omp parallel for schedule(dynamic, 4096)
  for (std::int64_t vi = 0; vi < static_cast<std::int64_t>(n); ++vi) {
    const auto v = static_cast<NodeId>(vi);
    const EdgeId b = off[v], e = off[v + 1];
    EdgeId out = b;
    for (EdgeId i = b; i < e; ++i) {
      if (out > b && tgt[out - 1] == tgt[i]) {
        wgt[out - 1] = combine == MultiEdge::Sum ? wgt[out - 1] + wgt[i] : std::max(wgt[out - 1], wgt[i]);
      } else {
        tgt[out] = tgt[i];
        wgt[out] = wgt[i];
        ++out;
      }
    }
    kept[v] = out - b;
  }
  AnalysisGraph g;
  g.offsets_.assign(static_cast<std::size_t>(n) + 1, 0);
  for (NodeId v = 0; v < n; ++v) g.offsets_[v + 1] = g.offsets_[v] + kept[v];
  if (g.offsets_[n] == off[n]) {
    g.targets_ = std::move(tgt);
    g.weights_ = std::move(wgt);
  } else {
    g.targets_.resize(g.offsets_[n]);
    g.weights_.resize(g.offsets_[n]);
#pragma omp parallel for schedule(dynamic, 1024)
    for (std::int64_t vi = 0; vi < static_cast<std::int64_t>(n); ++vi) {
      const auto v = static_cast<NodeId>(vi);
      std::copy_n(tgt.begin() + static_cast<std::ptrdiff_t>(off[v]), kept[v],
                  g.targets_.begin() + static_cast<std::ptrdiff_t>(g.offsets_[v]));
      std::copy_n(wgt.begin() + static_cast<std::ptrdiff_t>(off[v]), kept[v],
                  g.weights_.begin() + static_cast<std::ptrdiff_t>(g.offsets_[v]));
    }
  }
  g.finish_strengths();
  return g;
}

AnalysisGraph AnalysisGraph::from_csr(std::vector<EdgeId> offsets, std::vector<NodeId> targets,
                                      std::vector<double> weights) {
  AnalysisGraph g;
  g.offsets_ = std::move(offsets);
  g.targets_ = std::move(targets);
  g.weights_ = std::move(weights);
  if (g.offsets_.empty()) g.offsets_.push_back(0);
  if (g.offsets_.front() != 0 || g.offsets_.back() != g.targets_.size() || g.weights_.size() != g.targets_.size() ||
      !std::is_sorted(g.offsets_.begin(), g.offsets_.end()))
    throw std::invalid_argument("from_csr: offsets do not describe the target and weight arrays");
  g.finish_strengths();
  g.validate();
  return g;
}

void AnalysisGraph::validate() const {
  if (offsets_.empty()) broken_graph("offsets empty (need n+1 entries)");
  const NodeId n = num_nodes();
  if (offsets_[0] != 0) broken_graph("offsets[0] != 0");
  if (offsets_[n] != targets_.size() || weights_.size() != targets_.size()) broken_graph("offsets[n] != arc count");
  if (targets_.size() % 2 != 0) broken_graph("odd arc count (not symmetric)");
  if (strength_.size() != n) broken_graph("strength column size");
  double total = 0.0;
  for (NodeId v = 0; v < n; ++v) {
    if (offsets_[v] > offsets_[v + 1]) broken_graph("offsets not monotone at " + std::to_string(v));
    const auto nb = neighbors(v);
    const auto ws = weights(v);
    double s = 0.0;
    for (std::size_t i = 0; i < nb.size(); ++i) {
      const NodeId u = nb[i];
      if (u >= n) broken_graph("neighbour out of range at " + std::to_string(v));
      if (u == v) broken_graph("self-loop at " + std::to_string(v));
      if (i > 0 && nb[i - 1] >= u) broken_graph("row not strictly sorted at " + std::to_string(v));
      if (!(ws[i] > 0.0) || !std::isfinite(ws[i])) broken_graph("weight not finite positive at " + std::to_string(v));
      const auto back = neighbors(u);
      const auto it = std::lower_bound(back.begin(), back.end(), v);
      if (it == back.end() || *it != v) broken_graph("missing reverse arc " + std::to_string(u) + "->" + std::to_string(v));
      if (weights(u)[static_cast<std::size_t>(it - back.begin())] != ws[i])
        broken_graph("asymmetric weight " + std::to_string(v) + "-" + std::to_string(u));
      s += ws[i];
    }
    if (std::abs(s - strength_[v]) > 1e-9 * std::max(1.0, std::abs(s))) broken_graph("strength mismatch at " + std::to_string(v));
    total += s;
  }
  if (std::abs(total / 2.0 - total_weight_) > 1e-9 * std::max(1.0, total)) broken_graph("total weight mismatch");
}

Incidence build_incidence(const Snapshot& s) {
  const NodeId n = s.num_nodes();
  const EdgeId m = s.num_edges();
  Incidence inc;
  inc.offsets.assign(static_cast<std::size_t>(n) + 1, 0);
  for (EdgeId e = 0; e < m; ++e) {
    ++inc.offsets[s.edge_src(e) + 1];
    ++inc.offsets[s.edge_dst(e) + 1];
  }
  for (NodeId v = 0; v < n; ++v) inc.offsets[v + 1] += inc.offsets[v];
  inc.neighbor.resize(2 * m);
  inc.edge.resize(2 * m);
  // Two counting passes make rows sorted by (neighbour, edge) in O(n + m):
  // place arcs bucketed by neighbour in edge order, then scatter them to
  // their owner rows in neighbour order.
  std::vector<EdgeId> by_nb_off = inc.offsets;
  std::vector<NodeId> owner(2 * m);
  std::vector<EdgeId> owner_edge(2 * m);
  {
    std::vector<EdgeId> pos(by_nb_off.begin(), by_nb_off.end() - 1);
    for (EdgeId e = 0; e < m; ++e) {
      const NodeId u = s.edge_src(e), v = s.edge_dst(e);
      // arc owner u -> neighbour v is filed under v, and vice versa
      owner[pos[v]] = u;
      owner_edge[pos[v]++] = e;
      owner[pos[u]] = v;
      owner_edge[pos[u]++] = e;
    }
  }
  std::vector<EdgeId> pos(inc.offsets.begin(), inc.offsets.end() - 1);
  for (NodeId nb = 0; nb < n; ++nb) {
    for (EdgeId i = by_nb_off[nb]; i < by_nb_off[nb + 1]; ++i) {
      const NodeId o = owner[i];
      inc.neighbor[pos[o]] = nb;
      inc.edge[pos[o]++] = owner_edge[i];
    }
  }
  return inc;
}

std::vector<std::uint32_t> distinct_degrees(const Incidence& inc) {
  const auto n = static_cast<NodeId>(inc.offsets.size() - 1);
  std::vector<std::uint32_t> d(n, 0);
#pragma omp parallel for schedule(dynamic, 4096)
  for (std::int64_t vi = 0; vi < static_cast<std::int64_t>(n); ++vi) {
    const auto v = static_cast<NodeId>(vi);
    const auto nb = inc.neighbors(v);
    std::uint32_t c = 0;
    for (std::size_t i = 0; i < nb.size(); ++i) c += (i == 0 || nb[i] != nb[i - 1]) ? 1 : 0;
    d[v] = c;
  }
  return d;
}

std::map<std::string, double, std::less<>> GraphOptions::default_type_weights() {
  // A shared card is the strongest tie between accounts; an egress IP behind
  // a proxy is the weakest (it ties the proxy to its pool, not accounts to
  // each other). docs/community.md gives the reasons.
  return {{"paid_with", 3.0}, {"uses_ip", 1.0}, {"via_proxy", 1.0}, {"uses_device", 1.0}, {"egress_ip", 0.5}};
}

GraphOptions GraphOptions::structural() {
  GraphOptions o;
  o.weight_source = WeightSource::Unit;
  o.damping = HubDamping::None;
  o.degree_cap = 0;
  o.type_weight.clear();
  o.default_type_weight = 1.0;
  o.combine = MultiEdge::Max;
  return o;
}

void GraphOptions::validate() const {
  // At most 1e6: snapshot weights sum to at most kMaxTotalWeight (1e100), so
  // weighted sums and their products in detection stay finite.
  if (!(default_type_weight >= 0.0) || !(default_type_weight <= 1e6))
    throw std::invalid_argument("default_type_weight must be a number from 0 to 1e6, got " +
                                std::to_string(default_type_weight));
  for (const auto& [type, w] : type_weight) {
    if (!(w >= 0.0) || !(w <= 1e6))
      throw std::invalid_argument("type weight for \"" + type + "\" must be a number from 0 to 1e6, got " +
                                  std::to_string(w));
  }
}

namespace {

// k(u, t) = the analysis edges of type t at account u, counted per snapshot
// edge (hub-capped edges left out, so that what an account spreads over its
// kept edges of a type sums to one), kept per edge end (0: that end is not an
// account). Edges are bucketed by account (counting sort), then each
// account's bucket is counted by type with a scratch array reset through the
// edges it touched: O(n + m) time, 8 bytes per arc at an account plus 4 per
// edge end. With `balanced`, the mean k(u, t) over the accounts with a type-t
// edge replaces each account's own k(u, t) (exact integer sums, so
// deterministic).
struct AccountTypeShares {
  std::vector<std::uint32_t> k_src, k_dst;
  std::vector<double> mean_k;  // per type; empty unless balanced
  /// The multiplier of edge e: 1 / (share at src x share at dst).
  [[nodiscard]] double factor(const Snapshot& s, EdgeId e) const {
    const auto end = [&](std::uint32_t k) {
      return k == 0 ? 1.0 : !mean_k.empty() ? mean_k[s.edge_type_index(e)] : static_cast<double>(k);
    };
    return 1.0 / (end(k_src[e]) * end(k_dst[e]));
  }
};

template <class IsHub>
AccountTypeShares account_type_shares(const Snapshot& s, const IsHub& is_hub, std::size_t num_types, bool balanced) {
  const NodeId n = s.num_nodes();
  const EdgeId m = s.num_edges();
  AccountTypeShares out;
  std::vector<EdgeId> start(static_cast<std::size_t>(n) + 1, 0);
  for (EdgeId e = 0; e < m; ++e) {
    const NodeId u = s.edge_src(e), v = s.edge_dst(e);
    if (is_hub(u) || is_hub(v)) continue;
    if (s.kind(u) == NodeKind::Account) ++start[u + 1];
    if (s.kind(v) == NodeKind::Account) ++start[v + 1];
  }
  for (NodeId v = 0; v < n; ++v) start[v + 1] += start[v];
  std::vector<EdgeId> arc(start[n]);  // edge ids, bucketed by account end (an edge twice for a self-loop)
  {
    std::vector<EdgeId> fill(start.begin(), start.end() - 1);
    for (EdgeId e = 0; e < m; ++e) {
      const NodeId u = s.edge_src(e), v = s.edge_dst(e);
      if (is_hub(u) || is_hub(v)) continue;
      if (s.kind(u) == NodeKind::Account) arc[fill[u]++] = e;
      if (s.kind(v) == NodeKind::Account) arc[fill[v]++] = e;
    }
  }
  out.k_src.assign(m, 0);
  out.k_dst.assign(m, 0);
  std::vector<double> type_ends(num_types, 0.0), type_accounts(num_types, 0.0);
  std::vector<std::uint32_t> count(num_types, 0);
  for (NodeId v = 0; v < n; ++v) {
    for (EdgeId i = start[v]; i < start[v + 1]; ++i) {
      const std::uint32_t t = s.edge_type_index(arc[i]);
      if (count[t]++ == 0) type_accounts[t] += 1.0;
      type_ends[t] += 1.0;
    }
    for (EdgeId i = start[v]; i < start[v + 1]; ++i) {
      const EdgeId e = arc[i];
      const std::uint32_t k = count[s.edge_type_index(e)];
      if (s.edge_src(e) == v) out.k_src[e] = k;
      if (s.edge_dst(e) == v) out.k_dst[e] = k;
    }
    for (EdgeId i = start[v]; i < start[v + 1]; ++i) count[s.edge_type_index(arc[i])] = 0;
  }
  if (balanced) {
    out.mean_k.assign(num_types, 1.0);
    for (std::size_t t = 0; t < num_types; ++t)
      if (type_accounts[t] > 0.0) out.mean_k[t] = type_ends[t] / type_accounts[t];
  }
  return out;
}

}  // namespace

AnalysisGraph build_analysis_graph(const Snapshot& s, const GraphOptions& opt, GraphBuildReport* report) {
  opt.validate();
  const auto t0 = std::chrono::steady_clock::now();
  const NodeId n = s.num_nodes();
  const EdgeId m = s.num_edges();
  // Degree = snapshot edges at the node (hubs are judged on raw fan-in).
  std::vector<std::uint32_t> deg(n, 0);
  for (EdgeId e = 0; e < m; ++e) {
    ++deg[s.edge_src(e)];
    ++deg[s.edge_dst(e)];
  }
  auto is_hub = [&](NodeId v) {
    return opt.degree_cap > 0 && s.kind(v) != NodeKind::Account && deg[v] > opt.degree_cap;
  };
  auto damp = [&](NodeId v) -> double {
    if (s.kind(v) == NodeKind::Account) return 1.0;
    const double d = std::max<double>(1.0, deg[v]);
    switch (opt.damping) {
      case HubDamping::None: return 1.0;
      case HubDamping::InvLog: return 1.0 / std::log(std::exp(1.0) + d - 1.0);
      case HubDamping::InvSqrt: return 1.0 / std::sqrt(d);
      case HubDamping::InvDegree: return 1.0 / d;
    }
    return 1.0;
  };
  // Per-type multipliers resolved once.
  const auto& types = s.edge_type_names();
  const bool named = opt.type_weighting == TypeWeighting::Named;
  std::vector<double> type_mult(types.size(), named ? opt.default_type_weight : 1.0);
  for (std::uint32_t t = 0; named && t < types.size(); ++t) {
    auto it = opt.type_weight.find(types.get(t));
    if (it != opt.type_weight.end()) type_mult[t] = it->second;
  }
  // Spread and balanced: each edge's share at its account ends.
  const AccountTypeShares shares =
      opt.type_weighting == TypeWeighting::Spread || opt.type_weighting == TypeWeighting::Balanced
          ? account_type_shares(s, is_hub, types.size(), opt.type_weighting == TypeWeighting::Balanced)
          : AccountTypeShares{};
  std::vector<WeightedEdge> edges;
  edges.reserve(m);
  GraphBuildReport rep;
  for (EdgeId e = 0; e < m; ++e) {
    const NodeId u = s.edge_src(e), v = s.edge_dst(e);
    if (is_hub(u) || is_hub(v)) {
      ++rep.excluded_edges;
      continue;
    }
    double base = 1.0;
    switch (opt.weight_source) {
      case WeightSource::Unit: base = 1.0; break;
      case WeightSource::LogRequests: base = 1.0 + std::log(std::max(1.0, s.edge_weight(e))); break;
      case WeightSource::Requests: base = s.edge_weight(e); break;
    }
    double w = base * type_mult[s.edge_type_index(e)] * damp(u) * damp(v);
    if (!shares.k_src.empty()) w *= shares.factor(s, e);
    if (w > 0.0 && std::isfinite(w)) edges.push_back({u, v, w});
  }
  for (NodeId v = 0; v < n; ++v) {
    if (is_hub(v)) rep.excluded.push_back(v);
  }
  rep.excluded_hubs = rep.excluded.size();
  AnalysisGraph g = AnalysisGraph::from_edges(n, edges, opt.combine);
  rep.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (report != nullptr) *report = std::move(rep);
  return g;
}

}  // namespace hydrascope
