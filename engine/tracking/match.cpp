// Tracking, part 1: the names, a run's tracked communities and their
// infrastructure, the matching of two runs (links, hydra ids, events) and the
// warm start labels of community detection. The rules are in docs/tracking.md.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <utility>

#include "hydrascope/tracking.hpp"

namespace hydrascope {

namespace {

constexpr std::array<std::string_view, kNumHydraEvents> kEventNames = {"new",    "same",  "grown",   "shrunk",
                                                                       "merged", "split", "regrown", "dissolved"};
constexpr std::array<std::string_view, 3> kDecisionNames = {"trusted", "confirmed", "ignore"};
constexpr std::array<std::string_view, 3> kTargetNames = {"hydra_id", "account_id", "entity_id"};

// One link candidate between previous community p and current community c.
struct Pair {
  std::uint32_t p = 0, c = 0;
  std::uint64_t accounts = 0;  // shared accounts
  std::uint32_t infra = 0;     // shared infrastructure entities
  double carried = 0.0;        // share of p's accounts + share of p's infrastructure found in c
  double made_of = 0.0;        // share of c's accounts + share of c's infrastructure that were p's
};

// Strongest first. For a current community: the previous one it is most
// made of; for a previous one: the current one that carries most of it.
// Shares of accounts and of infrastructure are added, so that heads regrown
// on a banned farm's cards and proxies (no account in common) carry the farm
// more than a few of its old neighbours do. Ties: more shared accounts, then
// the other side's index.
bool stronger_for_current(const Pair& a, const Pair& b) {
  if (a.made_of != b.made_of) return a.made_of > b.made_of;
  if (a.accounts != b.accounts) return a.accounts > b.accounts;
  return a.p < b.p;
}
bool stronger_for_previous(const Pair& a, const Pair& b) {
  if (a.carried != b.carried) return a.carried > b.carried;
  if (a.accounts != b.accounts) return a.accounts > b.accounts;
  return a.c < b.c;
}

double share(double part, double whole) { return whole > 0.0 ? part / whole : 0.0; }

// Sorted counts of packed (previous << 32 | current) keys.
std::vector<std::pair<std::uint64_t, std::uint64_t>> count_keys(std::vector<std::uint64_t>& keys) {
  std::sort(keys.begin(), keys.end());
  std::vector<std::pair<std::uint64_t, std::uint64_t>> out;
  for (std::size_t i = 0; i < keys.size();) {
    std::size_t j = i;
    while (j < keys.size() && keys[j] == keys[i]) ++j;
    out.emplace_back(keys[i], j - i);
    i = j;
  }
  return out;
}

bool hot(const TrackedCommunity& p) {
  return p.flagged || p.banned > 0 || p.history.flagged_runs > 0 || p.history.banned_before ||
         (p.review && p.review->decision == ReviewDecision::Confirmed);
}

}  // namespace

std::string_view to_string(HydraEvent event) noexcept { return kEventNames[static_cast<std::size_t>(event)]; }

int hydra_event_rank(HydraEvent event) noexcept {
  switch (event) {
    case HydraEvent::Regrown: return 0;
    case HydraEvent::Merged: return 1;
    case HydraEvent::Split: return 2;
    case HydraEvent::New: return 3;
    case HydraEvent::Grown: return 4;
    case HydraEvent::Shrunk: return 5;
    default: return 6;
  }
}

std::optional<HydraEvent> parse_hydra_event(std::string_view text) noexcept {
  for (std::size_t i = 0; i < kEventNames.size(); ++i)
    if (kEventNames[i] == text) return static_cast<HydraEvent>(i);
  return std::nullopt;
}

std::string_view to_string(ReviewDecision decision) noexcept {
  return kDecisionNames[static_cast<std::size_t>(decision)];
}

std::optional<ReviewDecision> parse_review_decision(std::string_view text) noexcept {
  for (std::size_t i = 0; i < kDecisionNames.size(); ++i)
    if (kDecisionNames[i] == text) return static_cast<ReviewDecision>(i);
  return std::nullopt;
}

std::string_view to_string(ReviewTarget target) noexcept { return kTargetNames[static_cast<std::size_t>(target)]; }

std::string hydra_name(std::uint64_t number) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "h-%06llu", static_cast<unsigned long long>(number));
  return buf;
}

void TrackingOptions::validate() const {
  auto bad = [](const char* name, double v, const char* range) {
    throw std::invalid_argument(std::string("tracking ") + name + " must be in " + range + ", got " + std::to_string(v));
  };
  if (!(containment > 0.0 && containment <= 1.0)) bad("containment", containment, "(0, 1]");
  if (!(significance >= 0.0 && significance <= 1.0)) bad("significance", significance, "[0, 1]");
  if (!(change > 0.0 && change <= 1.0)) bad("change", change, "(0, 1]");
  if (min_new_heads < 1) bad("min_new_heads", min_new_heads, ">= 1");
  if (!(material_share >= 0.0 && material_share <= 1.0)) bad("material_share", material_share, "[0, 1]");
  if (!(material_size > 0.0 && material_size <= 10.0)) bad("material_size", material_size, "(0, 10]");
  if (!(trusted_label_share > 0.0 && trusted_label_share <= 1.0))
    bad("trusted_label_share", trusted_label_share, "(0, 1]");
  if (max_infrastructure < 1) bad("max_infrastructure", max_infrastructure, ">= 1");
}

std::vector<std::string> TrackingResult::hydra_ids() const {
  std::vector<std::string> ids(index_of.size());
  for (std::size_t c = 0; c < index_of.size(); ++c)
    if (index_of[c] != TrackedRun::kUntracked) ids[c] = run.communities[index_of[c]].hydra_id;
  return ids;
}

TrackedRun tracked_run_of(const Snapshot& s, const Partition& p, const Incidence& inc, const ScoringResult& scoring,
                          const TrackingOptions& options) {
  options.validate();
  TrackedRun r;
  const NodeId n = s.num_nodes();
  if (p.membership.size() != n || scoring.communities.size() != p.num_communities)
    throw std::invalid_argument("tracked_run_of: the partition and the scoring do not match the snapshot");
  std::vector<std::uint32_t> index_of(p.num_communities, TrackedRun::kUntracked);
  for (const auto& d : scoring.details) {
    index_of[d.community] = static_cast<std::uint32_t>(r.communities.size());
    const auto& cs = scoring.communities[d.community];
    TrackedCommunity t;
    t.community = d.community;
    t.accounts = cs.accounts;
    t.banned = d.banned;
    t.trusted_labels = d.trusted;
    t.flagged = cs.suspect;
    t.model_flagged = cs.flagged;
    r.communities.push_back(std::move(t));
  }
  for (NodeId v = 0; v < n; ++v) {
    const CommunityId c = p.membership[v];
    if (s.kind(v) == NodeKind::Account) {
      r.account_ids.emplace_back(s.node_id(v));
      r.account_community.push_back(c);
      r.account_tracked.push_back(index_of[c]);
      continue;
    }
    const std::uint32_t t = index_of[c];
    if (t == TrackedRun::kUntracked) continue;
    // Distinct accounts of the community using v (rows are sorted by neighbour).
    std::uint32_t used = 0;
    NodeId last = kInvalidNode;
    for (NodeId u : inc.neighbors(v)) {
      if (u == last) continue;
      last = u;
      used += s.kind(u) == NodeKind::Account && p.membership[u] == c;
    }
    if (used >= 2) r.communities[t].infrastructure.push_back({std::string(s.node_id(v)), std::string(s.node_type(v)), used});
  }
  for (auto& t : r.communities) {
    std::sort(t.infrastructure.begin(), t.infrastructure.end(), [](const InfraEntity& a, const InfraEntity& b) {
      if (a.accounts != b.accounts) return a.accounts > b.accounts;
      return a.id < b.id;
    });
    if (t.infrastructure.size() > options.max_infrastructure) t.infrastructure.resize(options.max_infrastructure);
  }
  return r;
}

TrackingMatch match_runs(const TrackedRun& prev, const TrackedRun& cur, const TrackingOptions& options) {
  options.validate();
  TrackingMatch m;
  const std::size_t np = prev.communities.size(), nc = cur.communities.size();
  if (cur.account_ids.size() != cur.account_tracked.size() || prev.account_ids.size() != prev.account_tracked.size())
    throw std::invalid_argument("match_runs: account ids and communities differ in length");
  // The previous run's hydra ids; minted in community order when it had none.
  std::vector<std::string> prev_id(np);
  std::uint64_t next = prev.tracked ? prev.next_hydra : static_cast<std::uint64_t>(np) + 1;
  for (std::size_t i = 0; i < np; ++i)
    prev_id[i] = prev.tracked ? prev.communities[i].hydra_id : hydra_name(static_cast<std::uint64_t>(i) + 1);

  // --- shared accounts and infrastructure -------------------------------------------
  std::unordered_map<std::string_view, std::uint32_t> where;  // previous account -> tracked index
  where.reserve(prev.account_ids.size());
  for (std::size_t i = 0; i < prev.account_ids.size(); ++i) where.emplace(prev.account_ids[i], prev.account_tracked[i]);
  std::vector<std::uint64_t> keys;
  std::vector<std::uint64_t> new_heads(nc, 0);
  for (std::size_t j = 0; j < cur.account_ids.size(); ++j) {
    const std::uint32_t c = cur.account_tracked[j];
    if (c == TrackedRun::kUntracked) continue;
    const auto it = where.find(cur.account_ids[j]);
    if (it == where.end()) {
      ++new_heads[c];
    } else if (it->second != TrackedRun::kUntracked) {
      keys.push_back((static_cast<std::uint64_t>(it->second) << 32) | c);
    }
  }
  where.clear();
  const auto account_pairs = count_keys(keys);
  keys.clear();
  std::unordered_map<std::string_view, std::uint32_t> owner;  // previous infrastructure entity -> tracked index
  for (std::size_t i = 0; i < np; ++i)
    for (const auto& e : prev.communities[i].infrastructure) owner.emplace(e.id, static_cast<std::uint32_t>(i));
  for (std::size_t c = 0; c < nc; ++c)
    for (const auto& e : cur.communities[c].infrastructure) {
      const auto it = owner.find(e.id);
      if (it != owner.end()) keys.push_back((static_cast<std::uint64_t>(it->second) << 32) | c);
    }
  const auto infra_pairs = count_keys(keys);
  // Merge the two sorted lists into pairs.
  std::vector<Pair> pairs;
  {
    std::size_t i = 0, j = 0;
    while (i < account_pairs.size() || j < infra_pairs.size()) {
      std::uint64_t key;
      Pair q;
      if (j == infra_pairs.size() || (i < account_pairs.size() && account_pairs[i].first < infra_pairs[j].first)) {
        key = account_pairs[i].first;
        q.accounts = account_pairs[i++].second;
      } else if (i == account_pairs.size() || infra_pairs[j].first < account_pairs[i].first) {
        key = infra_pairs[j].first;
        q.infra = static_cast<std::uint32_t>(infra_pairs[j++].second);
      } else {
        key = account_pairs[i].first;
        q.accounts = account_pairs[i++].second;
        q.infra = static_cast<std::uint32_t>(infra_pairs[j++].second);
      }
      q.p = static_cast<std::uint32_t>(key >> 32);
      q.c = static_cast<std::uint32_t>(key & 0xffffffffu);
      pairs.push_back(q);
    }
  }

  // --- links: containment on the smaller side and significance for the previous side -----
  const double theta = options.containment, sigma = options.significance;
  std::vector<Pair> links;
  for (const Pair& q : pairs) {
    const auto& P = prev.communities[q.p];
    const auto& C = cur.communities[q.c];
    const double ap = static_cast<double>(P.accounts), ac = static_cast<double>(C.accounts);
    const double ep = static_cast<double>(P.infrastructure.size()), ec = static_cast<double>(C.infrastructure.size());
    const double a = static_cast<double>(q.accounts), e = static_cast<double>(q.infra);
    const bool contained = (a > 0 && a >= theta * std::min(ap, ac)) || (e > 0 && e >= theta * std::min(ep, ec));
    const bool significant = (a > 0 && a >= sigma * ap) || (e > 0 && e >= sigma * ep);
    if (!contained || !significant) continue;
    Pair l = q;
    l.carried = share(a, ap) + share(e, ep);
    l.made_of = share(a, ac) + share(e, ec);
    links.push_back(l);
  }
  std::vector<std::vector<Pair>> preds(nc), succs(np);
  for (const Pair& q : links) {
    preds[q.c].push_back(q);
    succs[q.p].push_back(q);
  }
  for (auto& v : preds) std::sort(v.begin(), v.end(), stronger_for_current);
  for (auto& v : succs) std::sort(v.begin(), v.end(), stronger_for_previous);

  // --- regrowth from dormant hydras: current communities without a live link ---------------
  std::vector<std::uint32_t> from_dormant(nc, TrackedRun::kUntracked);
  std::vector<std::uint32_t> dormant_shared(nc, 0);
  {
    std::unordered_map<std::string_view, std::uint32_t> downer;
    for (std::size_t d = 0; d < prev.dormant.size(); ++d)
      for (const auto& e : prev.dormant[d].infrastructure) downer.emplace(e.id, static_cast<std::uint32_t>(d));
    std::vector<Pair> cand;  // p = dormant index
    if (!downer.empty()) {
      std::vector<std::uint64_t> dkeys;
      for (std::size_t c = 0; c < nc; ++c) {
        if (!preds[c].empty()) continue;
        for (const auto& e : cur.communities[c].infrastructure) {
          const auto it = downer.find(e.id);
          if (it != downer.end()) dkeys.push_back((static_cast<std::uint64_t>(it->second) << 32) | c);
        }
      }
      for (const auto& [key, count] : count_keys(dkeys)) {
        Pair q;
        q.p = static_cast<std::uint32_t>(key >> 32);
        q.c = static_cast<std::uint32_t>(key & 0xffffffffu);
        q.infra = static_cast<std::uint32_t>(count);
        const double ed = static_cast<double>(prev.dormant[q.p].infrastructure.size());
        const double ec = static_cast<double>(cur.communities[q.c].infrastructure.size());
        if (static_cast<double>(q.infra) >= theta * std::min(ed, ec)) cand.push_back(q);
      }
    }
    // Strongest claims first; each dormant hydra regrows into one community,
    // each community regrows from one dormant hydra.
    std::sort(cand.begin(), cand.end(), [](const Pair& a, const Pair& b) {
      if (a.infra != b.infra) return a.infra > b.infra;
      if (a.c != b.c) return a.c < b.c;
      return a.p < b.p;
    });
    std::vector<std::uint8_t> taken(prev.dormant.size(), 0);
    for (const Pair& q : cand) {
      if (taken[q.p] || from_dormant[q.c] != TrackedRun::kUntracked) continue;
      taken[q.p] = 1;
      from_dormant[q.c] = q.p;
      dormant_shared[q.c] = q.infra;
    }
  }

  // --- ids and events ------------------------------------------------------------------------------
  m.tracks.resize(nc);
  std::vector<std::uint32_t> heir(np, TrackedRun::kUntracked);  // current community that took previous p's id
  for (std::size_t c = 0; c < nc; ++c) {
    CommunityTrack& t = m.tracks[c];
    const auto& C = cur.communities[c];
    t.new_heads = new_heads[c];
    if (preds[c].empty()) {
      if (from_dormant[c] != TrackedRun::kUntracked) {
        const auto& D = prev.dormant[from_dormant[c]];
        t.hydra_id = D.hydra_id;
        t.previous.push_back(D.hydra_id);
        t.event = HydraEvent::Regrown;
        t.from_dormant = true;
        t.after_ban = 2 * D.banned >= std::max<std::uint64_t>(1, D.accounts);
        t.accounts_before = D.accounts;
        t.shared_infrastructure = dormant_shared[c];
      } else {
        t.event = HydraEvent::New;
      }
      continue;
    }
    const Pair& main = preds[c].front();
    for (const Pair& q : preds[c]) t.previous.push_back(prev_id[q.p]);
    t.accounts_before = prev.communities[main.p].accounts;
    t.carried = main.accounts;
    t.shared_infrastructure = main.infra;
    if (succs[main.p].front().c == c) {
      t.hydra_id = prev_id[main.p];
      heir[main.p] = static_cast<std::uint32_t>(c);
    }
    // Events, in priority order.
    const Pair* hot_link = nullptr;
    for (const Pair& q : preds[c])
      if (hot(prev.communities[q.p]) || C.banned > 0) {
        hot_link = &q;
        break;
      }
    if (hot_link != nullptr && new_heads[c] >= options.min_new_heads) {
      const auto& P = prev.communities[hot_link->p];
      t.event = HydraEvent::Regrown;
      // After a ban: most of the hydra's accounts were banned, then or now.
      const std::uint64_t old_accounts = C.accounts > new_heads[c] ? C.accounts - new_heads[c] : 0;
      t.after_ban = 2 * P.banned >= std::max<std::uint64_t>(1, P.accounts) ||
                    2 * C.banned >= std::max<std::uint64_t>(1, old_accounts);
    } else if (preds[c].size() >= 2) {
      t.event = HydraEvent::Merged;
    } else if (succs[main.p].size() >= 2) {
      t.event = HydraEvent::Split;
    } else {
      const double before = static_cast<double>(t.accounts_before), now = static_cast<double>(C.accounts);
      const double step = std::max(1.0, options.change * before);
      t.event = now - before >= step ? HydraEvent::Grown : (before - now >= step ? HydraEvent::Shrunk : HydraEvent::Same);
    }
  }
  for (std::size_t c = 0; c < nc; ++c) {
    CommunityTrack& t = m.tracks[c];
    if (t.hydra_id.empty()) {
      t.hydra_id = hydra_name(next++);
      ++m.minted;
    }
    ++m.counts[static_cast<std::size_t>(t.event)];
    if (t.event == HydraEvent::Regrown) m.new_heads += t.new_heads;
  }
  for (std::size_t p = 0; p < np; ++p) {
    if (heir[p] != TrackedRun::kUntracked) continue;
    EndedHydra e;
    e.hydra_id = prev_id[p];
    e.accounts = prev.communities[p].accounts;
    e.flagged = prev.communities[p].flagged;
    e.banned = prev.communities[p].banned;
    if (succs[p].empty()) {
      e.event = HydraEvent::Dissolved;
      ++m.counts[static_cast<std::size_t>(HydraEvent::Dissolved)];
    } else {
      e.event = HydraEvent::Merged;
      e.into = m.tracks[succs[p].front().c].hydra_id;
    }
    m.ended.push_back(std::move(e));
  }
  std::sort(m.ended.begin(), m.ended.end(),
            [](const EndedHydra& a, const EndedHydra& b) { return a.hydra_id < b.hydra_id; });
  return m;
}

std::vector<CommunityId> warm_start_labels(const Snapshot& s, const AnalysisGraph& g, const TrackedRun& previous) {
  const NodeId n = s.num_nodes();
  if (g.num_nodes() != n) throw std::invalid_argument("warm_start_labels: the graph does not match the snapshot");
  std::vector<CommunityId> label(n, kNoCommunity);
  std::vector<std::uint8_t> is_seed(n, 0);
  for (std::size_t i = 0; i < previous.account_ids.size(); ++i) {
    const NodeId v = s.find_node(previous.account_ids[i]);
    if (v == kInvalidNode || s.kind(v) != NodeKind::Account) continue;
    label[v] = previous.account_community[i];
    is_seed[v] = 1;
  }
  // Other nodes: the previous community with most edge weight from found accounts.
  std::vector<std::pair<CommunityId, double>> acc;
  for (NodeId v = 0; v < n; ++v) {
    if (is_seed[v]) continue;
    acc.clear();
    const auto nb = g.neighbors(v);
    const auto w = g.weights(v);
    for (std::size_t i = 0; i < nb.size(); ++i)
      if (is_seed[nb[i]]) acc.emplace_back(label[nb[i]], w[i]);
    if (acc.empty()) continue;
    std::sort(acc.begin(), acc.end());
    CommunityId best = kNoCommunity;
    double best_w = -1.0;
    for (std::size_t i = 0; i < acc.size();) {
      double sum = 0.0;
      std::size_t j = i;
      for (; j < acc.size() && acc[j].first == acc[i].first; ++j) sum += acc[j].second;
      if (sum > best_w) {  // strictly: ties keep the smaller label (sorted ascending)
        best_w = sum;
        best = acc[i].first;
      }
      i = j;
    }
    label[v] = best;
  }
  return label;
}

}  // namespace hydrascope
