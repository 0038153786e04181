// The feature pass: every community's features in one sweep over the incident
// snapshot edges of its members (O(sum of member degrees)) plus O(accounts x
// buckets) for the activity features. Never touches pairs of accounts.
#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#if defined(_OPENMP)
#include <omp.h>
#endif

#include "scoring_impl.hpp"

namespace hydrascope::detail {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr std::uint64_t kV4 = 1ull << 62;
constexpr std::uint64_t kV6 = 2ull << 62;
// A pooled card (device) serves at least this many core accounts (a family shares a card among 2-4).
constexpr std::size_t kPoolAccounts = 5;

// /24 (IPv4) or /48 (IPv6) key of an IP node id such as "ip:203.0.113.7"; 0 if not an address.
std::uint64_t prefix_key(std::string_view id) {
  if (const auto colon = id.find(':'); colon != std::string_view::npos && id.find('.') != std::string_view::npos &&
                                       id.substr(colon + 1).find(':') == std::string_view::npos) {
    id.remove_prefix(colon + 1);
  } else if (id.size() > 3 && id.substr(0, 3) == "ip:") {
    id.remove_prefix(3);
  }
  if (id.find('.') != std::string_view::npos) {
    std::uint32_t parts[4] = {0, 0, 0, 0};
    int idx = 0;
    std::uint32_t cur = 0;
    int digits = 0;
    for (char ch : id) {
      if (ch >= '0' && ch <= '9') {
        cur = cur * 10 + static_cast<std::uint32_t>(ch - '0');
        if (++digits > 3 || cur > 255) return 0;
      } else if (ch == '.') {
        if (digits == 0 || idx >= 3) return 0;
        parts[idx++] = cur;
        cur = 0;
        digits = 0;
      } else if (ch == '/') {
        break;
      } else {
        return 0;
      }
    }
    if (idx != 3 || digits == 0) return 0;
    return kV4 | (parts[0] << 16) | (parts[1] << 8) | parts[2];
  }
  // IPv6: the first three hextets (zeros after "::").
  std::uint64_t key = 0;
  int groups = 0;
  std::uint32_t cur = 0;
  int digits = 0;
  bool any = false;
  for (std::size_t i = 0; i < id.size() && groups < 3; ++i) {
    const char ch = id[i];
    int val = -1;
    if (ch >= '0' && ch <= '9') val = ch - '0';
    else if (ch >= 'a' && ch <= 'f') val = ch - 'a' + 10;
    else if (ch >= 'A' && ch <= 'F') val = ch - 'A' + 10;
    if (val >= 0) {
      cur = cur * 16 + static_cast<std::uint32_t>(val);
      if (++digits > 4) return 0;
      any = true;
    } else if (ch == ':') {
      key = (key << 16) | cur;
      ++groups;
      cur = 0;
      digits = 0;
      if (i + 1 < id.size() && id[i + 1] == ':') break;
    } else {
      return 0;
    }
  }
  if (!any || id.find(':') == std::string_view::npos) return 0;
  while (groups < 3) {
    key <<= 16;
    ++groups;
  }
  return kV6 | key;
}

std::string prefix_text(std::uint64_t key) {
  char buf[64];
  if ((key & (3ull << 62)) == kV4) {
    std::snprintf(buf, sizeof buf, "%u.%u.%u.0/24", static_cast<unsigned>((key >> 16) & 255),
                  static_cast<unsigned>((key >> 8) & 255), static_cast<unsigned>(key & 255));
  } else {
    std::snprintf(buf, sizeof buf, "%x:%x:%x::/48", static_cast<unsigned>((key >> 32) & 0xffff),
                  static_cast<unsigned>((key >> 16) & 0xffff), static_cast<unsigned>(key & 0xffff));
  }
  return buf;
}

bool truthy(const Snapshot& s, const Attr& a) {
  switch (a.type) {
    case AttrType::Bool: return a.as_bool();
    case AttrType::Int: return a.as_int() != 0;
    case AttrType::Double: return a.as_double() != 0.0;
    case AttrType::String: {
      const auto v = s.attr_strings().get(a.as_string_id());
      return v == "true" || v == "yes" || v == "1" || v == "datacenter" || v == "hosting";
    }
  }
  return false;
}

struct IpInfo {
  std::vector<std::uint64_t> prefix;  // per node (0 = none)
  std::vector<std::uint64_t> asn;     // per node (0 = none)
  std::vector<std::uint8_t> datacenter;
};

IpInfo ip_info(const Snapshot& s) {
  IpInfo info;
  const NodeId n = s.num_nodes();
  info.prefix.assign(n, 0);
  info.asn.assign(n, 0);
  info.datacenter.assign(n, 0);
  const auto& keys = s.attr_keys();
  const std::uint32_t k_asn = keys.find("asn");
  std::vector<std::uint32_t> flag_keys, class_keys;
  for (const char* name : {"datacenter", "hosting", "is_datacenter", "dc", "is_hosting"})
    if (auto k = keys.find(name); k != StringPool::kNotFound) flag_keys.push_back(k);
  for (const char* name : {"ip_type", "class", "category", "asn_type", "network", "usage", "kind"})
    if (auto k = keys.find(name); k != StringPool::kNotFound) class_keys.push_back(k);
  for (NodeId v = 0; v < n; ++v) {
    if (s.kind(v) != NodeKind::Ip) continue;
    info.prefix[v] = prefix_key(s.node_id(v));
    for (const Attr& a : s.attrs(v)) {
      if (a.key == k_asn) {
        if (a.type == AttrType::Int) info.asn[v] = kV4 | static_cast<std::uint64_t>(a.as_int() & 0xffffffffffffll);
        else if (a.type == AttrType::String) info.asn[v] = kV6 | a.as_string_id();
        else if (a.type == AttrType::Double) info.asn[v] = kV4 | static_cast<std::uint64_t>(a.as_double());
      } else if (std::find(flag_keys.begin(), flag_keys.end(), a.key) != flag_keys.end()) {
        if (truthy(s, a)) info.datacenter[v] = 1;
      } else if (std::find(class_keys.begin(), class_keys.end(), a.key) != class_keys.end()) {
        if (a.type == AttrType::String) {
          const auto val = s.attr_strings().get(a.as_string_id());
          if (val == "datacenter" || val == "hosting" || val == "cloud" || val == "dc") info.datacenter[v] = 1;
        }
      }
    }
  }
  return info;
}

// Most frequent value of `keys` (sorted in place) and its count; ties -> smallest key. Keys 0 ignored.
std::pair<std::uint64_t, std::uint64_t> top_key(std::vector<std::uint64_t>& keys) {
  std::sort(keys.begin(), keys.end());
  std::uint64_t best = 0, best_count = 0;
  for (std::size_t i = 0; i < keys.size();) {
    std::size_t j = i;
    while (j < keys.size() && keys[j] == keys[i]) ++j;
    if (keys[i] != 0 && j - i > best_count) {
      best = keys[i];
      best_count = j - i;
    }
    i = j;
  }
  return {best, best_count};
}

std::uint64_t distinct(std::vector<std::uint64_t>& keys) {
  std::sort(keys.begin(), keys.end());
  return static_cast<std::uint64_t>(std::unique(keys.begin(), keys.end()) - keys.begin());
}

// The shared keys (card or device ids + 1, used by >= 2 accounts) and the
// pool (used by >= kPoolAccounts accounts, besides the top key) of `keys`
// (one per account link, sorted); returns how many of `accounts` use a
// pooled node of `kind`. With `top_joins`, the top key joins a non-empty
// pool (several pooled nodes: the top one is one of them, not the one
// managed node of a company).
std::uint64_t pooled_accounts(const Snapshot& s, const Incidence& inc, const std::vector<NodeId>& accounts, NodeKind kind,
                              const std::vector<std::uint64_t>& keys, std::uint64_t top, std::vector<std::uint64_t>& shared,
                              std::vector<std::uint64_t>& pool, bool top_joins = false) {
  shared.clear();
  pool.clear();
  bool top_pooled = false;
  for (std::size_t i = 0; i < keys.size();) {
    std::size_t j = i;
    while (j < keys.size() && keys[j] == keys[i]) ++j;
    if (j - i >= 2) shared.push_back(keys[i]);
    if (j - i >= kPoolAccounts) {
      if (keys[i] != top) pool.push_back(keys[i]);
      else top_pooled = true;
    }
    i = j;
  }
  if (top_joins && top_pooled && !pool.empty()) pool.insert(std::lower_bound(pool.begin(), pool.end(), top), top);
  std::uint64_t on_pool = 0;
  for (NodeId a : accounts)
    for (NodeId u : inc.neighbors(a))
      if (s.kind(u) == kind && std::binary_search(pool.begin(), pool.end(), std::uint64_t{u} + 1)) {
        ++on_pool;
        break;
      }
  return on_pool;
}

// Thread-local scratch of the pass.
struct Scratch {
  std::vector<NodeId> accounts, core, ent, owned, all, tight;
  std::vector<std::uint64_t> pm, ip, prefix, asn, proxy, tmp, shared_pm, pool_pm, dev, shared_dev, pool_dev;
  std::vector<std::int64_t> created;
  std::vector<double> dense, sum_z, series, volumes, own_ppr, phase, day;
  std::vector<std::uint32_t> in_count, tied_count, parent, rep, group_size;  // own-entity links, tied groups
  std::vector<std::uint8_t> core_entity;
};

}  // namespace

int resolve_threads(int threads) {
#if defined(_OPENMP)
  return threads > 0 ? threads : omp_get_max_threads();
#else
  (void)threads;
  return 1;
#endif
}

double percentile_sorted(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) return kNaN;
  const double pos = q * static_cast<double>(sorted.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(pos));
  const auto hi = std::min(lo + 1, sorted.size() - 1);
  const double frac = pos - static_cast<double>(lo);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * frac;
}

ActivityStandardiser::ActivityStandardiser(const Snapshot& s, bool detrend_option) {
  buckets = s.meta().activity.buckets;
  // Snapshot-wide activity shape g (sum over accounts), for detrending.
  profile.assign(buckets, 0.0);
  if (buckets > 0) {
    for (NodeId v = 0; v < s.num_nodes(); ++v) {
      if (s.kind(v) != NodeKind::Account) continue;
      const auto b = s.activity_buckets(v);
      const auto x = s.activity_values(v);
      for (std::size_t i = 0; i < b.size(); ++i) profile[b[i]] += x[i];
    }
    for (double g : profile) profile_norm2 += g * g;
  }
  detrend = detrend_option && profile_norm2 > 0.0;
  // Buckets per day when the bucketing divides a day and covers at least two days.
  const std::int64_t bucket_seconds = s.meta().activity.bucket_seconds;
  if (bucket_seconds > 0 && 86400 % bucket_seconds == 0 && buckets >= 2 * (86400 / bucket_seconds))
    period = static_cast<std::uint32_t>(86400 / bucket_seconds);
  phase_count.assign(std::max<std::uint32_t>(period, 1), 0);
  for (std::uint32_t t = 0; period > 1 && t < buckets; ++t) ++phase_count[t % period];
  day_count.assign(period > 1 ? (buckets + period - 1) / period : 1, 0);
  for (std::uint32_t t = 0; period > 1 && t < buckets; ++t) ++day_count[t / period];
}

bool ActivityStandardiser::operator()(const Snapshot& s, NodeId a, std::vector<double>& dense,
                                      std::vector<double>& phase, std::vector<double>& day) const {
  std::fill(dense.begin(), dense.end(), 0.0);
  const auto b = s.activity_buckets(a);
  const auto x = s.activity_values(a);
  double dot = 0.0;
  for (std::size_t i = 0; i < b.size(); ++i) {
    dense[b[i]] = x[i];
    dot += x[i] * profile[b[i]];
  }
  if (b.empty()) return false;
  if (detrend) {
    const double beta = dot / profile_norm2;
    for (std::uint32_t t = 0; t < buckets; ++t) dense[t] -= beta * profile[t];
    // Remove the account's own daily shape (mean per hour of day), so
    // that a shared office schedule is not read as lock-step automation:
    // what is left are the day-to-day deviations.
    // Then its own level per day (weekends, days off), so that what is
    // correlated are the within-day deviations from its own routine.
    if (period > 1) {
      std::fill(phase.begin(), phase.end(), 0.0);
      for (std::uint32_t t = 0; t < buckets; ++t) phase[t % period] += dense[t];
      for (std::uint32_t t = 0; t < buckets; ++t) dense[t] -= phase[t % period] / static_cast<double>(phase_count[t % period]);
      std::fill(day.begin(), day.end(), 0.0);
      for (std::uint32_t t = 0; t < buckets; ++t) day[t / period] += dense[t];
      for (std::uint32_t t = 0; t < buckets; ++t) dense[t] -= day[t / period] / static_cast<double>(day_count[t / period]);
    }
  }
  const double B = static_cast<double>(buckets);
  double mean = 0.0;
  for (double v : dense) mean += v;
  mean /= B;
  double var = 0.0;
  for (double v : dense) var += (v - mean) * (v - mean);
  var /= B;
  if (!(var > 1e-18)) return false;
  const double inv = 1.0 / std::sqrt(var);
  for (double& v : dense) v = (v - mean) * inv;
  return true;
}

FeaturePass compute_features(const Snapshot& s, const Incidence& inc, const Partition& partition,
                             const std::vector<std::uint64_t>& offsets, const std::vector<NodeId>& members,
                             const std::vector<CommunityScore>& communities, const ScoringInputs& inputs,
                             const ScoringOptions& options) {
  FeaturePass pass;
  const NodeId n = s.num_nodes();
  const auto& membership = partition.membership;
  const IpInfo ips = ip_info(s);
  const std::uint32_t buckets = s.meta().activity.buckets;
  const double total_volume = 2.0 * static_cast<double>(s.num_edges());

  // Snapshot-wide entity references: accounts per payment method and per IP;
  // and the number of distinct accounts of every entity (for the core).
  std::vector<std::uint32_t> account_degree(n, 0);
  {
    std::vector<double> pm_deg, ip_deg;
    for (NodeId v = 0; v < n; ++v) {
      const NodeKind k = s.kind(v);
      if (k == NodeKind::Account) continue;
      double accounts = 0;
      NodeId last = kInvalidNode;
      for (NodeId u : inc.neighbors(v))
        if (u != last && s.kind(u) == NodeKind::Account) {
          accounts += 1;
          last = u;
        }
      account_degree[v] = static_cast<std::uint32_t>(accounts);
      if (accounts == 0 || (k != NodeKind::PaymentMethod && k != NodeKind::Ip)) continue;
      (k == NodeKind::PaymentMethod ? pm_deg : ip_deg).push_back(accounts);
    }
    std::sort(pm_deg.begin(), pm_deg.end());
    std::sort(ip_deg.begin(), ip_deg.end());
    pass.payment_accounts_p99 = pm_deg.empty() ? 0.0 : percentile_sorted(pm_deg, 0.99);
    pass.ip_accounts_p99 = ip_deg.empty() ? 0.0 : percentile_sorted(ip_deg, 0.99);
  }

  // Seed ratio per node: degree-normalised ppr (ppr / snapshot degree, since
  // plain PageRank mass grows with degree) over its mean across accounts.
  pass.seed_ratio.assign(n, 0.0);
  bool have_ppr = false;
  if (inputs.ppr.size() == n) {
    double sum = 0.0;
    std::uint64_t count = 0;
    for (NodeId v = 0; v < n; ++v)
      if (s.kind(v) == NodeKind::Account) {
        pass.seed_ratio[v] = inputs.ppr[v] / static_cast<double>(std::max<EdgeId>(1, inc.degree(v)));
        sum += pass.seed_ratio[v];
        ++count;
      }
    if (sum > 0.0 && count > 0) {
      have_ppr = true;
      const double inv_mean = static_cast<double>(count) / sum;
      for (NodeId v = 0; v < n; ++v) pass.seed_ratio[v] *= inv_mean;
    } else {
      std::fill(pass.seed_ratio.begin(), pass.seed_ratio.end(), 0.0);
    }
  }

  pass.standardise = ActivityStandardiser(s, options.detrend);
  const std::uint32_t period = pass.standardise.period;
  const auto num_days = static_cast<std::uint32_t>(pass.standardise.day_count.size());

  // Which communities get details.
  std::vector<CommunityId> scored;
  for (CommunityId c = 0; c < communities.size(); ++c)
    if (communities[c].detail != UINT32_MAX) scored.push_back(c);
  pass.details.resize(scored.size());
  pass.core_mean.assign(scored.size() * static_cast<std::size_t>(buckets), 0.0f);
  pass.evidence.assign(n, 0);
  pass.in_core.assign(n, 0);

  const int threads = resolve_threads(options.threads);
  const auto total = static_cast<std::int64_t>(scored.size());
#pragma omp parallel num_threads(threads)
  {
    Scratch sc;
    sc.dense.resize(buckets);
    sc.sum_z.resize(buckets);
    sc.series.resize(buckets);
    sc.phase.resize(std::max<std::uint32_t>(period, 1));
    sc.day.resize(num_days);
#pragma omp for schedule(dynamic, 8)
    for (std::int64_t idx = 0; idx < total; ++idx) {
      const CommunityId c = scored[static_cast<std::size_t>(idx)];
      CommunityDetail& d = pass.details[static_cast<std::size_t>(idx)];
      d.community = c;
      d.features.fill(kNaN);
      const auto* mb = members.data() + offsets[c];
      const auto* me = members.data() + offsets[c + 1];
      const auto num_members = static_cast<std::uint64_t>(me - mb);

      // --- structure: density and conductance over all members ----------
      double internal2 = 0.0, volume = 0.0;
      sc.accounts.clear();
      for (const NodeId* p = mb; p != me; ++p) {
        const NodeId v = *p;
        if (s.kind(v) == NodeKind::Account) sc.accounts.push_back(v);
        for (NodeId u : inc.neighbors(v)) {
          volume += 1.0;
          if (membership[u] == c) internal2 += 1.0;
        }
      }
      const double internal = internal2 / 2.0;
      const double cut = volume - internal2;
      if (num_members >= 2)
        d.features[static_cast<int>(Feature::Density)] =
            internal / (static_cast<double>(num_members) * static_cast<double>(num_members - 1) / 2.0);
      {
        const double denom = std::min(volume, total_volume - volume);
        d.features[static_cast<int>(Feature::Conductance)] = denom > 0.0 ? cut / denom : 0.0;
      }
      // --- core: accounts tied to the community's own entities ---------------
      // An entity is the community's own when at least 2 of its accounts are
      // here and at least half of all its accounts are. The core is the
      // accounts with links to 2 or more own entities; accounts that only
      // touch hubs (popular devices, carrier NAT, VPN exits) are left out.
      // Every feature below is computed on the core (when it has >= 3 accounts).
      sc.ent.clear();
      for (NodeId a : sc.accounts) {
        NodeId last = kInvalidNode;
        for (NodeId u : inc.neighbors(a)) {
          if (u == last) continue;
          last = u;
          if (s.kind(u) != NodeKind::Account) sc.ent.push_back(u);
        }
      }
      std::sort(sc.ent.begin(), sc.ent.end());
      sc.owned.clear();
      for (std::size_t i = 0; i < sc.ent.size();) {
        std::size_t j = i;
        while (j < sc.ent.size() && sc.ent[j] == sc.ent[i]) ++j;
        const auto cnt = static_cast<std::uint32_t>(j - i);
        if (cnt >= 2 && 2 * cnt >= account_degree[sc.ent[i]]) sc.owned.push_back(sc.ent[i]);
        i = j;
      }
      sc.core.clear();
      for (NodeId a : sc.accounts) {
        int links = 0;
        NodeId last = kInvalidNode;
        for (NodeId u : inc.neighbors(a)) {
          if (u == last) continue;
          last = u;
          if (s.kind(u) != NodeKind::Account && std::binary_search(sc.owned.begin(), sc.owned.end(), u)) ++links;
        }
        if (links >= 2) sc.core.push_back(a);
      }
      sc.tight = sc.core;  // first step only: accounts tied by 2+ own entities
      if (sc.core.size() >= 3) {
        // Links of all accounts and of the tied ones to every own entity:
        // they decide the tied groups (balance) and the core entities.
        auto each_owned = [&](NodeId a, auto&& fn) {
          NodeId last = kInvalidNode;
          for (NodeId u : inc.neighbors(a)) {
            if (u == last) continue;
            last = u;
            const auto it = std::lower_bound(sc.owned.begin(), sc.owned.end(), u);
            if (it != sc.owned.end() && *it == u) fn(static_cast<std::size_t>(it - sc.owned.begin()));
          }
        };
        sc.in_count.assign(sc.owned.size(), 0);
        sc.tied_count.assign(sc.owned.size(), 0);
        for (NodeId a : sc.accounts) each_owned(a, [&](std::size_t e) { ++sc.in_count[e]; });
        for (NodeId a : sc.tight) each_owned(a, [&](std::size_t e) { ++sc.tied_count[e]; });
        // Balance is measured on the largest group of tied accounts joined
        // through own entities whose accounts here are mostly (2/3) tied
        // (as in split_tied_groups()): a farm's accounts, not the VPN users
        // who are tied by two exits the farm made its own.
        const auto nt = static_cast<std::uint32_t>(sc.tight.size());
        sc.parent.resize(nt);
        sc.group_size.assign(nt, 0);
        sc.rep.assign(sc.owned.size(), UINT32_MAX);
        for (std::uint32_t i = 0; i < nt; ++i) sc.parent[i] = i;
        auto find = [&](std::uint32_t x) {
          while (sc.parent[x] != x) x = sc.parent[x] = sc.parent[sc.parent[x]];
          return x;
        };
        for (std::uint32_t i = 0; i < nt; ++i)
          each_owned(sc.tight[i], [&](std::size_t e) {
            if (sc.tied_count[e] < 2 || 3 * sc.tied_count[e] < 2 * sc.in_count[e]) return;
            if (sc.rep[e] == UINT32_MAX) sc.rep[e] = i;
            else sc.parent[find(i)] = find(sc.rep[e]);
          });
        std::uint32_t best = 0, best_size = 0;
        for (std::uint32_t i = 0; i < nt; ++i) ++sc.group_size[find(i)];
        for (std::uint32_t i = 0; i < nt; ++i)
          if (sc.group_size[i] > best_size) best_size = sc.group_size[i], best = i;
        if (best_size >= 3 && best_size < nt) {
          std::size_t w = 0;
          for (std::uint32_t i = 0; i < nt; ++i)
            if (find(i) == best) sc.tight[w++] = sc.tight[i];
          sc.tight.resize(w);
        }
        // Second step: an own entity whose community accounts are mostly (2/3)
        // core, and at least 3 of them, is a core entity; an account linked to
        // one joins the core (a farm account that uses a popular fingerprint
        // has only one own entity left, its pool IP or card).
        if (sc.core.size() < sc.accounts.size()) {
          sc.core_entity.assign(sc.owned.size(), 0);
          for (std::size_t i = 0; i < sc.owned.size(); ++i)
            sc.core_entity[i] = sc.tied_count[i] >= 3 && 3 * sc.tied_count[i] >= 2 * sc.in_count[i];
          std::sort(sc.core.begin(), sc.core.end());
          const std::size_t first_pass = sc.core.size();
          for (NodeId a : sc.accounts) {
            if (std::binary_search(sc.core.begin(), sc.core.begin() + static_cast<std::ptrdiff_t>(first_pass), a)) continue;
            for (NodeId u : inc.neighbors(a)) {
              const auto it = std::lower_bound(sc.owned.begin(), sc.owned.end(), u);
              if (it != sc.owned.end() && *it == u && sc.core_entity[static_cast<std::size_t>(it - sc.owned.begin())]) {
                sc.core.push_back(a);
                break;
              }
            }
          }
          std::sort(sc.core.begin(), sc.core.end());
        }
      }
      // Keep every account of the community for the behavioural evidence
      // (balance, synchrony, pivot, burst, seeds), which an account outside
      // the core can show on its own; the features are the core's.
      sc.all = sc.accounts;
      if (sc.core.size() >= 3) sc.accounts.swap(sc.core);
      d.core = sc.accounts.size();
      d.features[static_cast<int>(Feature::CoreAccounts)] = static_cast<double>(d.core);
      for (NodeId a : sc.accounts) pass.in_core[a] = 1;
      const auto na = static_cast<double>(sc.accounts.size());

      // --- sharing: payment methods, IPs, proxies -------------------------
      sc.pm.clear();
      sc.ip.clear();
      sc.prefix.clear();
      sc.asn.clear();
      sc.proxy.clear();
      sc.dev.clear();
      std::uint64_t with_pm = 0, with_ip = 0, ip_links = 0, dc_links = 0;
      for (NodeId a : sc.accounts) {
        bool has_pm = false, has_ip = false;
        NodeId last = kInvalidNode;
        for (NodeId u : inc.neighbors(a)) {
          if (u == last) continue;  // parallel edges of different types count once
          last = u;
          switch (s.kind(u)) {
            case NodeKind::PaymentMethod:
              sc.pm.push_back(std::uint64_t{u} + 1);  // +1: key 0 means "none"
              has_pm = true;
              break;
            case NodeKind::Ip:
              sc.ip.push_back(u);
              has_ip = true;
              ++ip_links;
              sc.prefix.push_back(ips.prefix[u]);
              sc.asn.push_back(ips.asn[u]);
              dc_links += ips.datacenter[u];
              break;
            case NodeKind::Proxy: sc.proxy.push_back(std::uint64_t{u} + 1); break;
            case NodeKind::Device:
              // Only the community's own devices: a popular client fingerprint
              // used by thousands of strangers is nobody's pool.
              if (std::binary_search(sc.owned.begin(), sc.owned.end(), u)) sc.dev.push_back(std::uint64_t{u} + 1);
              break;
            default: break;
          }
        }
        with_pm += has_pm;
        with_ip += has_ip;
      }
      const auto [top_pm, top_pm_count] = top_key(sc.pm);
      // Shared cards (>= 2 core accounts) and the pool: shared cards besides the top one.
      const std::uint64_t on_card_pool =
          pooled_accounts(s, inc, sc.accounts, NodeKind::PaymentMethod, sc.pm, top_pm, sc.shared_pm, sc.pool_pm);
      d.pool_cards = sc.pool_pm.size();
      if (with_pm > 0) {
        d.features[static_cast<int>(Feature::CardPoolShare)] =
            static_cast<double>(on_card_pool) / static_cast<double>(with_pm);
        const auto k = distinct(sc.pm);
        d.features[static_cast<int>(Feature::AccountsPerPayment)] = static_cast<double>(with_pm) / static_cast<double>(k);
        if (top_pm_count >= 2) d.top_payment = std::string(s.node_id(static_cast<NodeId>(top_pm - 1)));
      }
      // Device pool: own devices (client fingerprints) that run several core
      // accounts, when there are two or more of them (one alone is a
      // company's managed fingerprint, a service's host). A farm runs its
      // accounts from a handful of machines; people bring their own. The top
      // device counts with the others: a farm of 45 on two machines has a
      // pool of 45, not of the 12 on the second one.
      const std::uint64_t top_dev = top_key(sc.dev).first;
      const std::uint64_t on_pool =
          pooled_accounts(s, inc, sc.accounts, NodeKind::Device, sc.dev, top_dev, sc.shared_dev, sc.pool_dev, true);
      d.pool_devices = sc.pool_dev.size();
      if (na > 0) d.features[static_cast<int>(Feature::DevicePoolShare)] = static_cast<double>(on_pool) / na;
      std::uint64_t top_prefix = 0, top_asn = 0;
      if (with_ip > 0) {
        const auto k = distinct(sc.ip);
        d.features[static_cast<int>(Feature::AccountsPerIp)] = static_cast<double>(with_ip) / static_cast<double>(k);
        const auto [tp, tp_count] = top_key(sc.prefix);
        top_prefix = tp;
        d.features[static_cast<int>(Feature::IpPrefixShare)] =
            static_cast<double>(tp_count) / static_cast<double>(ip_links);
        if (tp != 0) d.top_ip_prefix = prefix_text(tp);
        const auto [ta, ta_count] = top_key(sc.asn);
        top_asn = ta;
        d.features[static_cast<int>(Feature::IpAsnShare)] = static_cast<double>(ta_count) / static_cast<double>(ip_links);
        d.features[static_cast<int>(Feature::DatacenterShare)] =
            static_cast<double>(dc_links) / static_cast<double>(ip_links);
      }
      const auto [top_proxy, top_proxy_count] = top_key(sc.proxy);
      if (na > 0) {
        d.features[static_cast<int>(Feature::ProxyShare)] = static_cast<double>(top_proxy_count) / na;
        if (top_proxy_count > 0) d.top_proxy = std::string(s.node_id(static_cast<NodeId>(top_proxy - 1)));
      }
      // Per-account sharing evidence.
      for (NodeId a : sc.accounts) {
        EvidenceMask m = 0;
        NodeId last = kInvalidNode;
        for (NodeId u : inc.neighbors(a)) {
          if (u == last) continue;
          last = u;
          if (s.kind(u) == NodeKind::PaymentMethod &&
              std::binary_search(sc.shared_pm.begin(), sc.shared_pm.end(), std::uint64_t{u} + 1))
            m |= 1u << static_cast<int>(SignalGroup::Payment);
          if (s.kind(u) == NodeKind::Device &&
              std::binary_search(sc.shared_dev.begin(), sc.shared_dev.end(), std::uint64_t{u} + 1))
            m |= 1u << static_cast<int>(SignalGroup::Device);
          if (std::uint64_t{u} + 1 == top_proxy && top_proxy_count >= 2) m |= 1u << static_cast<int>(SignalGroup::Proxy);
          if (s.kind(u) == NodeKind::Ip &&
              ((top_prefix != 0 && ips.prefix[u] == top_prefix) || (top_asn != 0 && ips.asn[u] == top_asn) ||
               ips.datacenter[u]))
            m |= 1u << static_cast<int>(SignalGroup::IpPool);
        }
        pass.evidence[a] = m;
      }

      // --- volumes and load balance ---------------------------------------
      sc.volumes.clear();
      // Balance is measured on the tied accounts (2+ own entities) when there
      // are 3 or more: the second step of the core also brings in people
      // whose one link is a farm's exit IP (a residential proxy is someone's
      // home), and their heavy-tailed volumes would hide the farm's balance.
      const bool use_tight = sc.tight.size() >= 3 && sc.tight.size() < sc.accounts.size();
      for (NodeId a : (use_tight ? sc.tight : sc.accounts)) {
        double vol = 0.0;
        if (buckets > 0) {
          vol = s.activity_total(a);
        } else {
          for (EdgeId e : inc.edges(a)) vol += s.edge_weight(e);
        }
        sc.volumes.push_back(vol);
      }
      {
        double sum = 0.0, sum2 = 0.0, cnt = 0.0;
        for (double v : sc.volumes)
          if (v > 0.0) {
            sum += v;
            sum2 += v * v;
            cnt += 1.0;
          }
        if (cnt >= 2.0) {
          const double mean = sum / cnt;
          const double var = std::max(0.0, sum2 / cnt - mean * mean);
          d.features[static_cast<int>(Feature::VolumeCv)] = std::sqrt(var) / mean;
          sc.tmp.clear();
          std::vector<double> sorted_vol;
          for (double v : sc.volumes)
            if (v > 0.0) sorted_vol.push_back(v);
          std::sort(sorted_vol.begin(), sorted_vol.end());
          const double med = percentile_sorted(sorted_vol, 0.5);
          if (sorted_vol.size() >= 3) {
            std::vector<double> dev;
            dev.reserve(sorted_vol.size());
            const double lmed = std::log(med);
            for (double v : sorted_vol) dev.push_back(std::fabs(std::log(v) - lmed));
            std::sort(dev.begin(), dev.end());
            // Inflated by (1 + 2.5 / sqrt(n)): an upper bound, so that a few
            // accounts (a company of 15) cannot look balanced by chance.
            // Two robust estimates of the sigma of ln(volume), the larger
            // wins: 1.4826 x MAD ignores a minority of outliers (ordinary
            // customers left in a farm's core), the 20-80 % range (its log
            // over 2 x 0.8416) sees a heavy tail that a lucky middle half
            // hides (a company of 37 whose median half sits within a factor
            // 2.6 while its quintiles are a factor 5 apart).
            const double sigma =
                std::max(1.4826 * percentile_sorted(dev, 0.5),
                         std::log(percentile_sorted(sorted_vol, 0.8) / percentile_sorted(sorted_vol, 0.2)) / (2.0 * 0.8416));
            d.features[static_cast<int>(Feature::VolumeSpread)] =
                sigma * (1.0 + 2.5 / std::sqrt(static_cast<double>(dev.size())));
          }
          for (NodeId a : sc.all) {
            double vol = 0.0;
            if (buckets > 0) {
              vol = s.activity_total(a);
            } else {
              for (EdgeId e : inc.edges(a)) vol += s.edge_weight(e);
            }
            if (vol >= 0.5 * med && vol <= 2.0 * med)
              pass.evidence[a] |= 1u << static_cast<int>(SignalGroup::Balance);
          }
        }
      }

      // --- activity: synchrony and pivot -----------------------------------
      if (buckets >= 4 && !sc.accounts.empty()) {
        const double B = static_cast<double>(buckets);
        std::fill(sc.sum_z.begin(), sc.sum_z.end(), 0.0);
        std::fill(sc.series.begin(), sc.series.end(), 0.0);
        std::uint64_t k = 0;
        // Standardised (detrended) vector of account a into sc.dense; false if constant.
        auto standardise = [&](NodeId a) { return pass.standardise(s, a, sc.dense, sc.phase, sc.day); };
        for (NodeId a : sc.accounts) {
          const auto b = s.activity_buckets(a);
          const auto x = s.activity_values(a);
          for (std::size_t i = 0; i < b.size(); ++i) sc.series[b[i]] += x[i];
          if (!standardise(a)) continue;
          for (std::uint32_t t = 0; t < buckets; ++t) sc.sum_z[t] += sc.dense[t];
          ++k;
        }
        if (k >= 2) {
          double s2 = 0.0;
          for (double v : sc.sum_z) s2 += v * v;
          const double kd = static_cast<double>(k);
          const double sync = (s2 - kd * B) / (kd * (kd - 1.0) * B);
          d.features[static_cast<int>(Feature::Synchrony)] = sync;
          float* mean_out = pass.core_mean.data() + static_cast<std::size_t>(idx) * buckets;
          for (std::uint32_t t = 0; t < buckets; ++t) mean_out[t] = static_cast<float>(sc.sum_z[t] / kd);
          // Own correlation with the rest of the core (a core account's own
          // vector is in sum_z and is taken out; an account outside the core
          // is compared with all k core accounts).
          for (NodeId a : sc.all) {
            if (!standardise(a)) continue;
            const bool core_member = pass.in_core[a] != 0;
            double dot = 0.0;
            for (std::uint32_t t = 0; t < buckets; ++t)
              dot += sc.dense[t] * (sc.sum_z[t] - (core_member ? sc.dense[t] : 0.0));
            const double own = dot / ((core_member ? kd - 1.0 : kd) * B);
            if (in_lock_step(own, sync)) pass.evidence[a] |= 1u << static_cast<int>(SignalGroup::Synchrony);
          }
        }
        // Pivot: the change point of the community's summed series, then the
        // share of active accounts whose own traffic steps the same way there.
        double total_series = 0.0;
        for (double v : sc.series) total_series += v;
        if (total_series > 0.0 && sc.accounts.size() >= 2) {
          const std::uint32_t lo = std::max<std::uint32_t>(1, buckets / 10);
          const std::uint32_t hi = buckets - lo;
          double prefix = 0.0, best = -1.0;
          std::uint32_t best_t = 0;
          for (std::uint32_t t = 0; t < lo; ++t) prefix += sc.series[t];
          for (std::uint32_t t = lo; t <= hi && t < buckets; ++t) {
            const double before = prefix / t;
            const double after = (total_series - prefix) / (B - t);
            const double stat = std::fabs(after - before) * std::sqrt(static_cast<double>(t) * (B - t)) / B;
            if (stat > best) {
              best = stat;
              best_t = t;
            }
            prefix += sc.series[t];
          }
          double pre = 0.0;
          for (std::uint32_t t = 0; t < best_t; ++t) pre += sc.series[t];
          const double dir = (total_series - pre) / (B - best_t) >= pre / best_t ? 1.0 : -1.0;
          std::uint64_t active = 0, stepped = 0;
          for (NodeId a : sc.all) {
            const bool core_member = pass.in_core[a] != 0;
            const auto b = s.activity_buckets(a);
            const auto x = s.activity_values(a);
            if (b.empty()) continue;
            double before = 0.0, tot = 0.0;
            for (std::size_t i = 0; i < b.size(); ++i) {
              tot += x[i];
              if (b[i] < best_t) before += x[i];
            }
            active += core_member;
            const double eps = 0.05 * tot / B + 1e-12;
            const double mb_ = before / best_t + eps;
            const double ma = (tot - before) / (B - best_t) + eps;
            if (dir * std::log(ma / mb_) >= std::log(4.0)) {
              stepped += core_member;
              pass.evidence[a] |= 1u << static_cast<int>(SignalGroup::Pivot);
            }
          }
          if (active >= 2)
            d.features[static_cast<int>(Feature::Pivot)] = static_cast<double>(stepped) / static_cast<double>(active);
        }
      }

      // --- creation burst ---------------------------------------------------
      sc.created.clear();
      for (NodeId a : sc.accounts)
        if (s.created_at(a) != kNoTime) sc.created.push_back(s.created_at(a));
      if (sc.created.size() >= 3) {
        std::sort(sc.created.begin(), sc.created.end());
        const std::int64_t window = options.burst_window_seconds * kMicrosPerSecond;
        std::size_t best = 0, best_lo = 0, lo = 0;
        for (std::size_t hi = 0; hi < sc.created.size(); ++hi) {
          while (sc.created[hi] - sc.created[lo] > window) ++lo;
          if (hi - lo + 1 > best) {
            best = hi - lo + 1;
            best_lo = lo;
          }
        }
        d.features[static_cast<int>(Feature::CreationBurst)] =
            static_cast<double>(best) / static_cast<double>(sc.created.size());
        const std::int64_t w0 = sc.created[best_lo], w1 = w0 + window;
        for (NodeId a : sc.all)
          if (s.created_at(a) != kNoTime && s.created_at(a) >= w0 && s.created_at(a) <= w1)
            pass.evidence[a] |= 1u << static_cast<int>(SignalGroup::Burst);
      }

      // --- seeds ----------------------------------------------------------------
      if (na > 0) {
        // A banned account counts 1, a suspect one (an unconfirmed lead) 1/2.
        double seeds = 0.0;
        for (NodeId a : sc.accounts) {
          const Label l = s.label(a);
          if (l == Label::Banned || l == Label::Suspect) {
            seeds += l == Label::Banned ? 1.0 : 0.5;
            ++(l == Label::Banned ? d.banned : d.suspects);
            pass.evidence[a] |= 1u << static_cast<int>(SignalGroup::Seed);
          }
        }
        d.features[static_cast<int>(Feature::SeedShare)] = seeds / na;
        for (NodeId a : sc.all)
          if (s.label(a) == Label::Banned || s.label(a) == Label::Suspect)
            pass.evidence[a] |= 1u << static_cast<int>(SignalGroup::Seed);
        if (have_ppr) {
          double sum = 0.0;
          for (NodeId a : sc.accounts) sum += pass.seed_ratio[a];
          const double mean = sum / na;
          d.features[static_cast<int>(Feature::SeedProximity)] = mean;
          for (NodeId a : sc.all)
            if (pass.seed_ratio[a] >= 0.25 * mean && pass.seed_ratio[a] >= 2.0)
              pass.evidence[a] |= 1u << static_cast<int>(SignalGroup::Seed);
        }
      }
    }
  }
  return pass;
}

}  // namespace hydrascope::detail
