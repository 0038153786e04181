// compute_stats: one linear pass over the Snapshot's columns for counts and
// degrees, nth_element for exact quantiles and hubs, union-find for components.
#include "hydrascope/stats.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

namespace hydrascope {

void StatsOptions::validate() const {
  if (top_k > 1'000'000) throw std::invalid_argument("StatsOptions.top_k must be <= 1000000, got " + std::to_string(top_k));
}

namespace {

// Disjoint sets over 0..n-1: path halving, union by size.
class UnionFind {
 public:
  explicit UnionFind(NodeId n) : parent_(n), size_(n, 1) { std::iota(parent_.begin(), parent_.end(), NodeId{0}); }
  NodeId find(NodeId v) noexcept {
    while (parent_[v] != v) {
      parent_[v] = parent_[parent_[v]];
      v = parent_[v];
    }
    return v;
  }
  void unite(NodeId a, NodeId b) noexcept {
    a = find(a);
    b = find(b);
    if (a == b) return;
    if (size_[a] < size_[b]) std::swap(a, b);
    parent_[b] = a;
    size_[a] += size_[b];
  }
  [[nodiscard]] std::uint32_t size_of_root(NodeId r) const noexcept { return size_[r]; }

 private:
  std::vector<NodeId> parent_;
  std::vector<std::uint32_t> size_;
};

// The ceil(q * n)-th smallest of `values` (1-based rank, at least 1). Reorders values.
std::uint64_t nearest_rank(std::vector<std::uint64_t>& values, double q) {
  if (values.empty()) return 0;
  const auto n = values.size();
  auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(n)));
  rank = std::clamp<std::size_t>(rank, 1, n);
  std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(rank - 1), values.end());
  return values[rank - 1];
}

}  // namespace

SnapshotStats compute_stats(const Snapshot& s, const StatsOptions& options) {
  options.validate();
  SnapshotStats st;
  st.meta = s.meta();
  const NodeId n = s.num_nodes();
  const EdgeId m = s.num_edges();
  st.nodes = n;
  st.edges = m;
  st.memory_bytes = s.memory_bytes();
  st.mapped_bytes = s.mapped_bytes();

  // Degrees (incident snapshot edges).
  std::vector<std::uint32_t> degree(n, 0);
  for (EdgeId e = 0; e < m; ++e) {
    ++degree[s.edge_src(e)];
    ++degree[s.edge_dst(e)];
  }

  // Per node type: members, then quantiles and hubs.
  const std::uint32_t num_types = s.type_names().size();
  st.node_types.resize(num_types);
  std::vector<std::vector<NodeId>> members(num_types);
  for (std::uint32_t t = 0; t < num_types; ++t) st.node_types[t].type = std::string(s.type_names().get(t));
  for (NodeId v = 0; v < n; ++v) {
    members[s.type_index(v)].push_back(v);
    if (s.kind(v) == NodeKind::Account) ++st.labels[static_cast<int>(s.label(v))];
    if (s.has_activity(v)) {
      ++st.nodes_with_activity;
      st.activity_total += s.activity_total(v);
    }
    if (!s.attrs(v).empty()) ++st.nodes_with_attrs;
  }
  std::vector<std::uint64_t> scratch;
  for (std::uint32_t t = 0; t < num_types; ++t) {
    TypeStats& ts = st.node_types[t];
    const auto& mem = members[t];
    ts.count = mem.size();
    if (mem.empty()) continue;
    ts.kind = s.kind(mem.front());
    scratch.clear();
    for (NodeId v : mem) {
      scratch.push_back(degree[v]);
      ts.degree_sum += degree[v];
      ts.max_degree = std::max<std::uint64_t>(ts.max_degree, degree[v]);
      if (degree[v] == 0) ++ts.isolated;
    }
    ts.mean_degree = static_cast<double>(ts.degree_sum) / static_cast<double>(ts.count);
    ts.median_degree = nearest_rank(scratch, 0.5);
    ts.p99_degree = nearest_rank(scratch, 0.99);
    // Hubs: the top_k by (degree desc, id asc), linear selection then a small sort.
    const std::size_t k = std::min<std::size_t>(options.top_k, mem.size());
    if (k > 0) {
      std::vector<NodeId> order(mem);
      auto before = [&](NodeId a, NodeId b) { return degree[a] != degree[b] ? degree[a] > degree[b] : a < b; };
      std::nth_element(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(k - 1), order.end(), before);
      order.resize(k);
      std::sort(order.begin(), order.end(), before);
      for (NodeId v : order) ts.hubs.push_back({v, std::string(s.node_id(v)), degree[v]});
    }
  }

  // Edge types and time range.
  st.edge_types.resize(s.edge_type_names().size());
  for (std::uint32_t t = 0; t < st.edge_types.size(); ++t)
    st.edge_types[t].type = std::string(s.edge_type_names().get(t));
  for (EdgeId e = 0; e < m; ++e) {
    EdgeTypeStats& et = st.edge_types[s.edge_type_index(e)];
    ++et.count;
    et.weight_sum += s.edge_weight(e);
    const Timestamp f = s.first_seen(e), l = s.last_seen(e);
    if (f != kNoTime && (st.earliest_first_seen == kNoTime || f < st.earliest_first_seen)) st.earliest_first_seen = f;
    if (l != kNoTime && (st.latest_last_seen == kNoTime || l > st.latest_last_seen)) st.latest_last_seen = l;
  }

  const ActivitySpec& a = st.meta.activity;
  if (a.present() && a.start != kNoTime)
    st.activity_end = a.start + static_cast<Timestamp>(a.buckets) * a.bucket_seconds * kMicrosPerSecond;

  // Components.
  UnionFind uf(n);
  for (EdgeId e = 0; e < m; ++e) uf.unite(s.edge_src(e), s.edge_dst(e));
  for (NodeId v = 0; v < n; ++v) {
    if (uf.find(v) != v) continue;
    ++st.components.count;
    const std::uint64_t size = uf.size_of_root(v);
    st.components.giant_size = std::max(st.components.giant_size, size);
    if (size == 1) ++st.components.singletons;
  }
  if (n > 0) st.components.giant_share = static_cast<double>(st.components.giant_size) / static_cast<double>(n);
  return st;
}

}  // namespace hydrascope
