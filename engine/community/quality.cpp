// Quality functions (modularity, CPM), NMI and the connectivity check: serial,
// from scratch, independent of the searches that optimise them.
#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "hydrascope/community.hpp"

namespace hydrascope {

namespace {

void check_cover(const AnalysisGraph& g, const Partition& p) {
  if (p.membership.size() != g.num_nodes()) {
    throw std::invalid_argument("partition has " + std::to_string(p.membership.size()) +
                                " nodes but the graph has " + std::to_string(g.num_nodes()));
  }
  for (CommunityId c : p.membership) {
    if (c >= p.num_communities) {
      throw std::invalid_argument("partition: community id " + std::to_string(c) + " >= num_communities " +
                                  std::to_string(p.num_communities));
    }
  }
}

// Weight of edges inside each community (each undirected edge once).
std::vector<double> internal_weights(const AnalysisGraph& g, const Partition& p) {
  std::vector<double> in(p.num_communities, 0.0);
  for (NodeId u = 0; u < g.num_nodes(); ++u) {
    const auto nb = g.neighbors(u);
    const auto ws = g.weights(u);
    const CommunityId cu = p.membership[u];
    for (std::size_t i = 0; i < nb.size(); ++i) {
      if (nb[i] > u && p.membership[nb[i]] == cu) in[cu] += ws[i];
    }
  }
  return in;
}

}  // namespace

std::string_view to_string(Algorithm algorithm) noexcept {
  switch (algorithm) {
    case Algorithm::Leiden: return "leiden";
    case Algorithm::Louvain: return "louvain";
    case Algorithm::LabelPropagation: return "lpa";
    case Algorithm::Components: return "components";
  }
  return "?";
}

std::string_view to_string(QualityFunction quality) noexcept {
  switch (quality) {
    case QualityFunction::Modularity: return "modularity";
    case QualityFunction::Cpm: return "cpm";
  }
  return "?";
}

std::optional<Algorithm> parse_algorithm(std::string_view text) noexcept {
  if (text == "leiden") return Algorithm::Leiden;
  if (text == "louvain") return Algorithm::Louvain;
  if (text == "lpa") return Algorithm::LabelPropagation;
  if (text == "components") return Algorithm::Components;
  return std::nullopt;
}

std::optional<QualityFunction> parse_quality(std::string_view text) noexcept {
  if (text == "modularity") return QualityFunction::Modularity;
  if (text == "cpm") return QualityFunction::Cpm;
  return std::nullopt;
}

double modularity(const AnalysisGraph& g, const Partition& p, double resolution) {
  check_cover(g, p);
  const double m = g.total_weight();
  if (!(m > 0.0)) return 0.0;
  const std::vector<double> in = internal_weights(g, p);
  std::vector<double> tot(p.num_communities, 0.0);
  for (NodeId u = 0; u < g.num_nodes(); ++u) tot[p.membership[u]] += g.strength(u);
  double q = 0.0;
  for (CommunityId c = 0; c < p.num_communities; ++c) {
    const double k = tot[c] / (2.0 * m);
    q += in[c] / m - resolution * k * k;
  }
  return q;
}

double cpm_quality(const AnalysisGraph& g, const Partition& p, double resolution) {
  check_cover(g, p);
  const std::vector<double> in = internal_weights(g, p);
  const std::vector<std::uint64_t> sizes = p.sizes();
  double q = 0.0;
  for (CommunityId c = 0; c < p.num_communities; ++c) {
    const double n = static_cast<double>(sizes[c]);
    q += in[c] - resolution * n * (n - 1.0) / 2.0;
  }
  return q;
}

double quality(const AnalysisGraph& g, const Partition& p, QualityFunction quality, double resolution) {
  switch (quality) {
    case QualityFunction::Modularity: return modularity(g, p, resolution);
    case QualityFunction::Cpm: return cpm_quality(g, p, resolution);
  }
  return 0.0;
}

double normalized_mutual_information(const std::vector<std::uint64_t>& a, const std::vector<std::uint64_t>& b) {
  if (a.size() != b.size()) {
    throw std::invalid_argument("normalized_mutual_information: labelings of different lengths (" +
                                std::to_string(a.size()) + " and " + std::to_string(b.size()) + ")");
  }
  const std::size_t n = a.size();
  if (n == 0) return 1.0;
  // Dense relabel each side, then count pairs by sorting (no hash iteration).
  auto dense = [n](const std::vector<std::uint64_t>& x, std::vector<std::uint32_t>& out) {
    std::vector<std::pair<std::uint64_t, std::uint32_t>> s(n);
    for (std::size_t i = 0; i < n; ++i) s[i] = {x[i], static_cast<std::uint32_t>(i)};
    std::sort(s.begin(), s.end());
    out.assign(n, 0);
    std::uint32_t k = 0;
    for (std::size_t i = 0; i < n; ++i) {
      if (i > 0 && s[i].first != s[i - 1].first) ++k;
      out[s[i].second] = k;
    }
    return static_cast<std::size_t>(k) + 1;
  };
  std::vector<std::uint32_t> da, db;
  const std::size_t ka = dense(a, da);
  const std::size_t kb = dense(b, db);
  std::vector<double> ca(ka, 0.0), cb(kb, 0.0);
  std::vector<std::uint64_t> pairs(n);
  for (std::size_t i = 0; i < n; ++i) {
    ++ca[da[i]];
    ++cb[db[i]];
    pairs[i] = (static_cast<std::uint64_t>(da[i]) << 32) | db[i];
  }
  std::sort(pairs.begin(), pairs.end());
  const double dn = static_cast<double>(n);
  double ha = 0.0, hb = 0.0, mi = 0.0;
  for (double c : ca) ha -= c / dn * std::log(c / dn);
  for (double c : cb) hb -= c / dn * std::log(c / dn);
  for (std::size_t i = 0; i < n;) {
    std::size_t j = i;
    while (j < n && pairs[j] == pairs[i]) ++j;
    const double nij = static_cast<double>(j - i);
    const double pa = ca[pairs[i] >> 32];
    const double pb = cb[pairs[i] & 0xffffffffu];
    mi += nij / dn * std::log(nij * dn / (pa * pb));
    i = j;
  }
  if (ha + hb <= 0.0) return 1.0;
  return std::clamp(2.0 * mi / (ha + hb), 0.0, 1.0);
}

double normalized_mutual_information(const Partition& a, const Partition& b) {
  std::vector<std::uint64_t> la(a.membership.begin(), a.membership.end());
  std::vector<std::uint64_t> lb(b.membership.begin(), b.membership.end());
  return normalized_mutual_information(la, lb);
}

bool communities_connected(const AnalysisGraph& g, const Partition& p) {
  check_cover(g, p);
  const NodeId n = g.num_nodes();
  // BFS restricted to same-community edges; count BFS roots per community.
  std::vector<std::uint8_t> seen(n, 0);
  std::vector<std::uint8_t> rooted(p.num_communities, 0);
  std::vector<NodeId> stack;
  for (NodeId s = 0; s < n; ++s) {
    if (seen[s]) continue;
    const CommunityId c = p.membership[s];
    if (rooted[c]) return false;
    rooted[c] = 1;
    seen[s] = 1;
    stack.push_back(s);
    while (!stack.empty()) {
      const NodeId u = stack.back();
      stack.pop_back();
      for (NodeId v : g.neighbors(u)) {
        if (!seen[v] && p.membership[v] == c) {
          seen[v] = 1;
          stack.push_back(v);
        }
      }
    }
  }
  return true;
}

}  // namespace hydrascope
