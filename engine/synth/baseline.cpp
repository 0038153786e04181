// Baselines an analyst tries first (shared card, IP fan-in, proxy, degree),
// scored per account and written in the accounts.csv layout of a run.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <stdexcept>

#include "hydrascope/eval.hpp"
#include "hydrascope/strings.hpp"

namespace hydrascope {

BaselineMethod parse_baseline_method(const std::string& name) {
  if (name == "shared-card") return BaselineMethod::SharedCard;
  if (name == "ip-fanin") return BaselineMethod::IpFanin;
  if (name == "proxy") return BaselineMethod::Proxy;
  if (name == "degree") return BaselineMethod::Degree;
  throw std::invalid_argument("baseline method must be shared-card, ip-fanin, proxy or degree, got \"" + name + "\"");
}

std::vector<AccountRow> run_baseline(const Snapshot& s, BaselineMethod method, double threshold) {
  const NodeId n = s.num_nodes();
  if (threshold < 0) {
    switch (method) {
      case BaselineMethod::SharedCard: threshold = 5; break;
      case BaselineMethod::IpFanin: threshold = 20; break;
      case BaselineMethod::Proxy: threshold = 20; break;
      case BaselineMethod::Degree: threshold = 6; break;
    }
  }
  NodeKind want = NodeKind::Other;
  if (method == BaselineMethod::SharedCard) want = NodeKind::PaymentMethod;
  if (method == BaselineMethod::IpFanin) want = NodeKind::Ip;
  if (method == BaselineMethod::Proxy) want = NodeKind::Proxy;
  // Accounts adjacent to each node (or degree of each account).
  std::vector<double> count(n, 0.0);
  for (EdgeId e = 0; e < s.num_edges(); ++e) {
    const NodeId u = s.edge_src(e), v = s.edge_dst(e);
    if (method == BaselineMethod::Degree) { count[u] += 1; count[v] += 1; continue; }
    if (s.kind(u) == NodeKind::Account && s.kind(v) == want) count[v] += 1;
    if (s.kind(v) == NodeKind::Account && s.kind(u) == want) count[u] += 1;
  }
  std::vector<double> x(n, 0.0);
  std::vector<std::int64_t> comm(n, -1);
  if (method == BaselineMethod::Degree) {
    for (NodeId v = 0; v < n; ++v) x[v] = count[v];
  } else {
    for (EdgeId e = 0; e < s.num_edges(); ++e) {
      NodeId a = s.edge_src(e), b = s.edge_dst(e);
      if (s.kind(a) != NodeKind::Account) std::swap(a, b);
      if (s.kind(a) != NodeKind::Account || s.kind(b) != want) continue;
      if (count[b] > x[a] || (count[b] == x[a] && static_cast<std::int64_t>(b) < comm[a])) { x[a] = count[b]; comm[a] = b; }
    }
  }
  double mx = 0;
  for (NodeId v = 0; v < n; ++v) if (s.kind(v) == NodeKind::Account) mx = std::max(mx, x[v]);
  std::vector<AccountRow> rows;
  for (NodeId v = 0; v < n; ++v) {
    if (s.kind(v) != NodeKind::Account) continue;
    AccountRow r;
    r.account_id = std::string(s.node_id(v));
    r.community_id = comm[v] >= 0 ? comm[v] : static_cast<std::int64_t>(v);
    r.risk_score = mx > 0 ? std::log1p(x[v]) / std::log1p(mx) : 0.0;
    r.suspect = x[v] >= threshold;
    rows.push_back(std::move(r));
  }
  return rows;
}

std::string accounts_csv(const std::vector<AccountRow>& rows, bool formula_guard) {
  std::string out = "account_id,community_id,risk_score,suspect\n";
  char buf[64];
  for (const auto& r : rows) {
    append_sheet_cell(out, r.account_id, formula_guard);  // as accounts.csv of a run
    std::snprintf(buf, sizeof buf, ",%lld,%.6f,%s\n", static_cast<long long>(r.community_id), r.risk_score,
                  r.suspect ? "true" : "false");
    out += buf;
  }
  return out;
}

}  // namespace hydrascope
