// From features to risk: robust standardisation against the snapshot (per
// size band), per-group strengths, the gated logistic combination, account
// risk, explanations and the ranking. docs/scoring.md describes every step.
#include <algorithm>
#include <bit>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <limits>
#include <stdexcept>
#include <string>

#include "scoring_impl.hpp"

namespace hydrascope {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Graded strengths: a gate becomes a ramp that starts at this fraction of
// the gate (for "low is suspicious": at gate / fraction) and ends at the gate.
constexpr double kGateRamp = 0.5;
// An account outside the core earns its behavioural evidence only when it
// moves in lock-step with the core, and at this weight.
constexpr double kOutsideCoreWeight = 0.85;
// Highest account risk, as a share of the threshold, from an IP and one
// other group of evidence (see account_community_risk).
constexpr double kIpOnlyCap = 0.95;

// Groups an account shows by what it does rather than what it shares.
constexpr detail::EvidenceMask kBehaviourMask = static_cast<detail::EvidenceMask>(
    (1u << static_cast<int>(SignalGroup::Synchrony)) | (1u << static_cast<int>(SignalGroup::Balance)) |
    (1u << static_cast<int>(SignalGroup::Burst)) | (1u << static_cast<int>(SignalGroup::Pivot)) |
    (1u << static_cast<int>(SignalGroup::Seed)));

struct Spec {
  std::string_view name;
  SignalGroup group;
  int direction;       // +1: high is suspicious, -1: low is suspicious
  double gate;         // the value must be at least (direction +1) / at most (-1) this to count
  double scale_floor;  // minimum robust scale (so that a degenerate distribution does not make noise huge)
  double z_start = 0.0, z_full = 0.0;  // own z range (0 = the options' z_start / z_full)
};

// Indexed by Feature.
constexpr Spec kSpecs[kNumFeatures] = {
    {"accounts_per_payment", SignalGroup::None, +1, 0.0, 0.5},
    {"accounts_per_ip", SignalGroup::IpPool, +1, 3.0, 0.5},
    {"ip_prefix_share", SignalGroup::IpPool, +1, 0.5, 0.05},
    {"ip_asn_share", SignalGroup::IpPool, +1, 0.5, 0.05},
    {"datacenter_share", SignalGroup::IpPool, +1, 0.3, 0.05},
    {"proxy_share", SignalGroup::Proxy, +1, 0.5, 0.05},
    {"volume_cv", SignalGroup::Balance, -1, 0.5, 0.05},
    {"synchrony", SignalGroup::Synchrony, +1, 0.2, 0.02},
    {"creation_burst", SignalGroup::Burst, +1, 0.5, 0.05},
    {"pivot", SignalGroup::Pivot, +1, 0.3, 0.05},
    {"seed_share", SignalGroup::Seed, +1, 0.05, 0.02},
    {"seed_proximity", SignalGroup::Seed, +1, 5.0, 0.5},
    {"density", SignalGroup::None, +1, 0.0, 0.0},
    {"conductance", SignalGroup::None, -1, 0.0, 0.0},
    {"card_pool_share", SignalGroup::Payment, +1, 0.3, 0.05},
    {"volume_spread", SignalGroup::Balance, -1, 0.9, 0.1, 0.25, 0.75},
    {"core_accounts", SignalGroup::None, +1, 0.0, 0.0},
    {"device_pool_share", SignalGroup::Device, +1, 0.3, 0.05},
};

std::string pct(double v) {
  char buf[32];
  const double p = 100.0 * v;
  if (std::fabs(p - std::round(p)) < 0.05) std::snprintf(buf, sizeof buf, "%.0f%%", p);
  else std::snprintf(buf, sizeof buf, "%.1f%%", p);
  return buf;
}

std::string duration_text(std::int64_t seconds) {
  if (seconds % 86400 == 0) return format_number(static_cast<double>(seconds / 86400)) + (seconds == 86400 ? " day" : " days");
  if (seconds % 3600 == 0) return format_number(static_cast<double>(seconds / 3600)) + (seconds == 3600 ? " hour" : " hours");
  if (seconds % 60 == 0) return format_number(static_cast<double>(seconds / 60)) + " minutes";
  return format_number(static_cast<double>(seconds)) + " seconds";
}

std::string band_text(const FeatureReference& r) {
  std::string out = "communities of ";
  out += std::to_string(r.band_lo);
  if (r.band_hi == 0) out += "+";
  else out += "-" + std::to_string(r.band_hi);
  out += " accounts";
  return out;
}

bool is_share(Feature f) {
  switch (f) {
    case Feature::IpPrefixShare:
    case Feature::IpAsnShare:
    case Feature::DatacenterShare:
    case Feature::ProxyShare:
    case Feature::CardPoolShare:
    case Feature::DevicePoolShare:
    case Feature::CreationBurst:
    case Feature::Pivot:
    case Feature::SeedShare: return true;
    default: return false;
  }
}

std::string explain(Feature f, double value, const FeatureReference& ref, const CommunityDetail& d,
                    const detail::FeaturePass& pass, const ScoringOptions& options) {
  auto v = [&](double x) { return is_share(f) ? pct(x) : format_number(x); };
  const std::string community_ref = " (snapshot, " + band_text(ref) + ": median " + v(ref.median) +
                                    (kSpecs[static_cast<int>(f)].direction > 0 ? ", p99 " : ", p1 ") + v(ref.p99) + ")";
  switch (f) {
    case Feature::AccountsPerPayment:
      return format_number(value) + " accounts per payment method" +
             (d.top_payment.empty() ? std::string() : " (top: " + d.top_payment + ")") +
             "; snapshot p99 is " + format_number(pass.payment_accounts_p99) +
             (pass.payment_accounts_p99 == 1.0 ? " account" : " accounts") + " per payment method";
    case Feature::CardPoolShare:
      return pct(value) + " of paying accounts share " +
             (d.pool_cards == 1 ? std::string("a pooled payment method")
                                : "one of " + std::to_string(d.pool_cards) + " pooled payment methods") +
             " besides the top one" + community_ref + "; " +
             format_number(d.features[static_cast<int>(Feature::AccountsPerPayment)]) +
             " accounts per payment method, snapshot p99 is " + format_number(pass.payment_accounts_p99);
    case Feature::DevicePoolShare:
      return pct(value) + " of accounts run from one of " + std::to_string(d.pool_devices) +
             " shared devices (client fingerprints)" + community_ref;
    case Feature::VolumeSpread:
      return "request volume balanced across accounts: typical spread of ln(volume) " + format_number(value) +
             " (a factor of " + format_number(std::exp(value)) + ")" + community_ref;
    case Feature::AccountsPerIp:
      return format_number(value) + " accounts per IP; snapshot p99 is " + format_number(pass.ip_accounts_p99) +
             (pass.ip_accounts_p99 == 1.0 ? " account" : " accounts") + " per IP";
    case Feature::IpPrefixShare:
      return pct(value) + " of account-IP links fall in one prefix" +
             (d.top_ip_prefix.empty() ? std::string() : " (" + d.top_ip_prefix + ")") + community_ref;
    case Feature::IpAsnShare: return pct(value) + " of account-IP links fall in one ASN" + community_ref;
    case Feature::DatacenterShare: return pct(value) + " of account-IP links go to datacenter IPs" + community_ref;
    case Feature::ProxyShare:
      return pct(value) + " of accounts route through one proxy" +
             (d.top_proxy.empty() ? std::string() : " (" + d.top_proxy + ")") + community_ref;
    case Feature::VolumeCv:
      return "request volume balanced across accounts: coefficient of variation " + format_number(value) +
             community_ref;
    case Feature::Synchrony:
      return "accounts active in lock-step: mean pairwise activity correlation " + format_number(value) +
             community_ref;
    case Feature::CreationBurst:
      return pct(value) + " of accounts created within " + duration_text(options.burst_window_seconds) +
             community_ref;
    case Feature::Pivot: return pct(value) + " of accounts changed traffic level at the same moment" + community_ref;
    case Feature::SeedShare: return pct(value) + " of accounts already labelled banned or suspect" + community_ref;
    case Feature::SeedProximity:
      return "close to labelled accounts: personalized PageRank " + format_number(value) +
             "x the snapshot mean per account" + community_ref;
    default: return std::string(kSpecs[static_cast<int>(f)].name) + " " + format_number(value) + community_ref;
  }
}

}  // namespace

std::string_view to_string(SignalGroup group) noexcept {
  switch (group) {
    case SignalGroup::Payment: return "payment";
    case SignalGroup::IpPool: return "ip_pool";
    case SignalGroup::Proxy: return "proxy";
    case SignalGroup::Synchrony: return "synchrony";
    case SignalGroup::Balance: return "balance";
    case SignalGroup::Burst: return "burst";
    case SignalGroup::Pivot: return "pivot";
    case SignalGroup::Seed: return "seed";
    case SignalGroup::Device: return "device";
    case SignalGroup::None: return "none";
  }
  return "none";
}

std::string_view to_string(Feature feature) noexcept { return kSpecs[static_cast<int>(feature)].name; }
SignalGroup group_of(Feature feature) noexcept { return kSpecs[static_cast<int>(feature)].group; }

std::string format_number(double value) {
  if (!std::isfinite(value)) return "n/a";
  char buf[48];
  const double a = std::fabs(value);
  if (std::fabs(value - std::round(value)) < 1e-9 && a < 1e15) std::snprintf(buf, sizeof buf, "%.0f", value);
  else if (a >= 100) std::snprintf(buf, sizeof buf, "%.0f", value);
  else if (a >= 10) std::snprintf(buf, sizeof buf, "%.1f", value);
  else if (a >= 0.01) std::snprintf(buf, sizeof buf, "%.2f", value);
  else return (std::snprintf(buf, sizeof buf, "%.3g", value), std::string(buf));
  std::string out(buf);
  if (out.find('.') != std::string::npos) {
    while (out.back() == '0') out.pop_back();
    if (out.back() == '.') out.pop_back();
  }
  return out;
}

void ScoringOptions::validate() const {
  if (!(threshold > 0.0 && threshold <= 1.0))
    throw std::invalid_argument("scoring threshold must be in (0, 1], got " + std::to_string(threshold));
  if (min_accounts < 2) throw std::invalid_argument("scoring min_accounts must be >= 2, got " + std::to_string(min_accounts));
  if (min_groups < 1 || min_groups > kNumSignalGroups)
    throw std::invalid_argument("scoring min_groups must be in 1.." + std::to_string(kNumSignalGroups) + ", got " + std::to_string(min_groups));
  if (!std::isfinite(midpoint)) throw std::invalid_argument("scoring midpoint must be finite");
  if (!(slope > 0.0) || !std::isfinite(slope))
    throw std::invalid_argument("scoring slope must be finite and > 0, got " + std::to_string(slope));
  if (burst_window_seconds <= 0)
    throw std::invalid_argument("scoring burst window must be > 0 seconds, got " + std::to_string(burst_window_seconds));
  if (!(z_full > z_start) || !std::isfinite(z_start) || !std::isfinite(z_full))
    throw std::invalid_argument("scoring z_full must be finite and > z_start");
  if (band_bounds.empty() || band_bounds.front() < 1)
    throw std::invalid_argument("scoring band_bounds must be non-empty and start at >= 1");
  for (std::size_t i = 1; i < band_bounds.size(); ++i)
    if (band_bounds[i] <= band_bounds[i - 1]) throw std::invalid_argument("scoring band_bounds must increase strictly");
  if (threads < 0) throw std::invalid_argument("scoring threads must be >= 0, got " + std::to_string(threads));
}

double account_community_risk(double community_risk, double evidence, unsigned shown, double threshold) {
  double part = community_risk * (0.2 + 0.8 * evidence);
  constexpr unsigned kIp = 1u << static_cast<int>(SignalGroup::IpPool);
  if ((shown & kIp) != 0 && std::popcount(shown & ~kIp) < 2) part = std::min(part, kIpOnlyCap * threshold);
  return part;
}

// Pool members (docs/scoring.md, "Accounts flagged with their pool"): a
// farm account that runs on a popular fingerprint and far from the labels
// shows fewer of its community's signals than its pool mates, but it shares
// the farm's own IPs, devices and cards with them. An account of a suspect
// community takes the mean risk of the other accounts of such an entity
// (one of its community's own: at least half of its accounts there; used by
// kPoolMates others or more) when at least kPoolFlaggedShare of them are
// flagged. An account put in another community needs two such pools, or
// one and nothing else shared (no other IP, device or card of 2 to
// kMaxShared accounts, and no pool of a suspect community that is mostly
// unflagged, whatever its size) and lock-step with the pool's community
// (in_step). Entity counts are gathered once per entity (O(edges)); every
// account reads its own entities' counts, so a hub costs its degree once;
// in_step is asked only for the few accounts that pass everything else.
void raise_pool_members(const Snapshot& s, const Incidence& inc, const Partition& partition, ScoringResult& result,
                        const InStep& in_step) {
  constexpr std::uint32_t kPoolMates = 4;
  constexpr std::uint32_t kMaxShared = 100;  // entities of more accounts are hubs, not ties
  constexpr double kPoolFlaggedShare = 0.5;
  const NodeId n = s.num_nodes();
  const double threshold = result.threshold;
  struct Pool {
    CommunityId home = 0;  // the community that holds at least half of its accounts
    std::uint32_t accounts = 0, flagged = 0;
    double risk = 0.0;
  };
  std::vector<Pool> pool(n);
  std::vector<std::uint32_t> users(n, 0);
  for (NodeId u = 0; u < n; ++u) {
    const NodeKind kind = s.kind(u);
    if (kind != NodeKind::Ip && kind != NodeKind::Device && kind != NodeKind::PaymentMethod) continue;
    // Majority vote (Boyer-Moore) for the home community, then a count.
    CommunityId candidate = 0;
    std::uint32_t votes = 0, accounts = 0;
    NodeId last = kInvalidNode;
    for (NodeId a : inc.neighbors(u)) {
      if (a == last || s.kind(a) != NodeKind::Account) continue;
      last = a;
      ++accounts;
      if (votes == 0) candidate = partition.membership[a], votes = 1;
      else votes += partition.membership[a] == candidate ? 1 : -1;
    }
    users[u] = accounts;
    if (accounts < kPoolMates + 1 || !result.communities[candidate].suspect) continue;
    Pool p;
    p.home = candidate;
    std::uint32_t here = 0;
    last = kInvalidNode;
    for (NodeId a : inc.neighbors(u)) {
      if (a == last || s.kind(a) != NodeKind::Account) continue;
      last = a;
      ++p.accounts;
      if (partition.membership[a] == candidate) ++here;
      if (result.account_risk[a] >= threshold) ++p.flagged;
      p.risk += result.account_risk[a];
    }
    if (2 * here >= p.accounts) pool[u] = p;
  }
  std::vector<double> raised(n, 0.0);
  for (NodeId v = 0; v < n; ++v) {
    if (s.kind(v) != NodeKind::Account || result.account_risk[v] >= threshold) continue;
    const CommunityId c = partition.membership[v];
    // One pool of its own community, when the account shows a fired group
    // other than ip_pool itself (a VPN user on an exit a farm also uses
    // shows none, or only the IP); or two pools of suspect communities,
    // wherever the account was put; or one, nothing else shared, and
    // lock-step with the pool's community (a farm's fragment elsewhere).
    constexpr unsigned kIp = 1u << static_cast<int>(SignalGroup::IpPool);
    const bool own_evidence = result.communities[c].suspect && (result.account_groups[v] & ~kIp) != 0;
    unsigned pools = 0, other_shared = 0;
    double best = 0.0, best_here = 0.0;
    CommunityId best_home = 0;
    NodeId last = kInvalidNode;
    for (NodeId u : inc.neighbors(v)) {
      if (u == last) continue;
      last = u;
      const Pool& p = pool[u];
      if (p.accounts == 0) {
        if (users[u] >= 2 && users[u] <= kMaxShared) ++other_shared;
        continue;
      }
      const double others = p.accounts - 1.0;
      if (p.flagged < kPoolFlaggedShare * others) {  // v itself is not flagged
        ++other_shared;
        continue;
      }
      const double mean = (p.risk - result.account_risk[v]) / others;
      ++pools;
      if (mean > best) best = mean, best_home = p.home;
      if (p.home == c) best_here = std::max(best_here, mean);
    }
    if (pools >= 2) {
      raised[v] = best;
    } else if (pools == 1) {
      if (own_evidence && best_here > 0.0) raised[v] = best_here;
      else if (other_shared == 0 && in_step && in_step(v, best_home)) raised[v] = best;
    }
  }
  for (NodeId v = 0; v < n; ++v) result.account_risk[v] = std::max(result.account_risk[v], raised[v]);
}

GroupCombination combine_groups(const std::array<double, kNumSignalGroups>& strength, const ScoringOptions& options,
                                const std::array<double, kNumSignalGroups>* graded) {
  GroupCombination c;
  for (double g : strength)
    if (g >= 0.5) ++c.fired_groups;
  // Requirements: enough groups, balanced load, and at least one
  // acquisition / concealment signal (proxy, card pool, creation burst,
  // seeds). Each unmet one costs a unit of evidence and caps the risk below
  // the threshold, so the order of communities still follows the evidence.
  auto fired = [&](SignalGroup g) { return strength[static_cast<int>(g)] >= 0.5; };
  c.acquisition = fired(SignalGroup::Proxy) || fired(SignalGroup::Payment) || fired(SignalGroup::Burst) ||
                  fired(SignalGroup::Seed);
  c.requirements_met =
      c.fired_groups >= options.min_groups && fired(SignalGroup::Balance) && c.acquisition;
  // The evidence and the unmet requirements, graded: a group counts as
  // fired to the degree min(1, 2 x strength) (fully at 0.5, as above), so a
  // community half way to a requirement pays half a unit. When every
  // requirement is met this is exactly the count of the rule above (0); when
  // not, the graded strengths (if given, never below the plain ones) say how
  // close the community came, which orders the communities below the
  // threshold without moving any across it.
  auto logistic = [&](const std::array<double, kNumSignalGroups>& s) {
    auto degree = [&](SignalGroup g) { return std::min(1.0, 2.0 * s[static_cast<int>(g)]); };
    double evidence = 0.0, fired_degree = 0.0;
    for (int g = 0; g < kNumSignalGroups; ++g) {
      evidence += s[g];
      fired_degree += std::min(1.0, 2.0 * s[g]);
    }
    const double acquisition = std::max({degree(SignalGroup::Proxy), degree(SignalGroup::Payment),
                                         degree(SignalGroup::Burst), degree(SignalGroup::Seed)});
    const double unmet = std::max(0.0, options.min_groups - fired_degree) + (1.0 - degree(SignalGroup::Balance)) +
                         (1.0 - acquisition);
    return 1.0 / (1.0 + std::exp(-options.slope * (evidence - unmet - options.midpoint)));
  };
  std::array<double, kNumSignalGroups> s{}, sg{};
  for (int g = 0; g < kNumSignalGroups; ++g) {
    s[g] = std::clamp(strength[g], 0.0, 1.0);
    sg[g] = graded != nullptr ? std::max(s[g], std::clamp((*graded)[g], 0.0, 1.0)) : s[g];
  }
  const double below = 0.9 * options.threshold * logistic(sg);
  c.risk = c.requirements_met ? std::max(logistic(s), below) : below;
  return c;
}

ScoringResult score_snapshot(const Snapshot& snapshot, const Incidence& incidence, const Partition& partition,
                             const ScoringInputs& inputs, const ScoringOptions& options) {
  options.validate();
  const auto start = std::chrono::steady_clock::now();
  const NodeId n = snapshot.num_nodes();
  if (partition.membership.size() != n)
    throw std::invalid_argument("score_snapshot: partition covers " + std::to_string(partition.membership.size()) +
                                " nodes, snapshot has " + std::to_string(n));
  if (incidence.offsets.size() != static_cast<std::size_t>(n) + 1)
    throw std::invalid_argument("score_snapshot: incidence does not match the snapshot");
  if (!inputs.ppr.empty() && inputs.ppr.size() != n)
    throw std::invalid_argument("score_snapshot: ppr has " + std::to_string(inputs.ppr.size()) + " values, snapshot has " +
                                std::to_string(n) + " nodes");
  for (CommunityId c : partition.membership)
    if (c >= partition.num_communities) throw std::invalid_argument("score_snapshot: membership value out of range");

  ScoringResult result;
  result.threshold = options.threshold;
  const CommunityId k = partition.num_communities;
  result.communities.resize(k);
  std::vector<std::uint64_t> offsets;
  std::vector<NodeId> members;
  partition.members(offsets, members);
  for (NodeId v = 0; v < n; ++v) {
    auto& cs = result.communities[partition.membership[v]];
    ++cs.nodes;
    ++cs.by_kind[static_cast<int>(snapshot.kind(v))];
  }
  std::uint32_t scored = 0;
  for (auto& cs : result.communities) {
    cs.accounts = cs.by_kind[static_cast<int>(NodeKind::Account)];
    if (cs.accounts >= options.min_accounts) cs.detail = scored++;
  }
  if (options.cancel.cancelled()) throw Cancelled();

  detail::FeaturePass pass =
      detail::compute_features(snapshot, incidence, partition, offsets, members, result.communities, inputs, options);
  if (options.cancel.cancelled()) throw Cancelled();
  if (options.progress) options.progress("score: features", scored, scored);
  result.payment_accounts_p99 = pass.payment_accounts_p99;
  result.ip_accounts_p99 = pass.ip_accounts_p99;

  // --- references per size band ------------------------------------------------
  const auto& bounds = options.band_bounds;
  const auto num_bands = static_cast<std::uint32_t>(bounds.size());
  auto band_of = [&](std::uint64_t accounts) {
    std::uint32_t b = 0;
    while (b + 1 < num_bands && accounts >= bounds[b + 1]) ++b;
    return b;
  };
  std::vector<std::uint64_t> band_count(num_bands, 0);
  for (auto& d : pass.details) {
    d.band = band_of(result.communities[d.community].accounts);
    ++band_count[d.band];
  }
  result.references.resize(num_bands);
  auto make_ref = [&](int f, auto&& include, std::uint32_t lo, std::uint32_t hi) {
    std::vector<double> values;
    for (const auto& d : pass.details)
      if (include(d) && std::isfinite(d.features[f])) values.push_back(d.features[f]);
    FeatureReference r;
    r.band_lo = lo;
    r.band_hi = hi;
    r.communities = values.size();
    if (values.empty()) {
      r.median = kNaN;
      r.scale = kSpecs[f].scale_floor;
      r.p99 = kNaN;
      return r;
    }
    std::sort(values.begin(), values.end());
    r.median = detail::percentile_sorted(values, 0.5);
    r.p99 = detail::percentile_sorted(values, kSpecs[f].direction > 0 ? 0.99 : 0.01);
    std::vector<double> dev(values.size());
    for (std::size_t i = 0; i < values.size(); ++i) dev[i] = std::fabs(values[i] - r.median);
    std::sort(dev.begin(), dev.end());
    r.scale = std::max(1.4826 * detail::percentile_sorted(dev, 0.5), kSpecs[f].scale_floor);
    return r;
  };
  for (std::uint32_t b = 0; b < num_bands; ++b) {
    const bool own = band_count[b] >= options.min_band_communities;
    for (int f = 0; f < kNumFeatures; ++f) {
      if (own) {
        result.references[b][f] = make_ref(
            f, [b](const CommunityDetail& d) { return d.band == b; }, bounds[b],
            b + 1 < num_bands ? bounds[b + 1] - 1 : 0);
      } else {
        result.references[b][f] = make_ref(
            f, [](const CommunityDetail&) { return true; }, bounds[0], 0);
      }
    }
  }

  // --- strengths, combination, explanations --------------------------------------
  for (auto& d : pass.details) {
    auto& cs = result.communities[d.community];
    d.z.fill(kNaN);
    d.group_strength.fill(0.0);
    d.graded_strength.fill(0.0);
    for (int f = 0; f < kNumFeatures; ++f) {
      const double x = d.features[f];
      const auto& ref = result.references[d.band][f];
      if (!std::isfinite(x) || !std::isfinite(ref.median)) continue;
      const Spec& spec = kSpecs[f];
      const double z = spec.direction * (x - ref.median) / ref.scale;
      d.z[f] = z;
      if (spec.group == SignalGroup::None) continue;
      // A community whose only labels are its own suspects is "close to a
      // label" because it holds one: that is a lead, not evidence.
      if (f == static_cast<int>(Feature::SeedProximity) && d.banned == 0 && d.suspects > 0) continue;
      const double z0 = spec.z_start > 0.0 ? spec.z_start : options.z_start;
      const double z1 = spec.z_full > 0.0 ? spec.z_full : options.z_full;
      const double strength = std::clamp((z - z0) / (z1 - z0), 0.0, 1.0);
      // Graded: the gate becomes a ramp, from kGateRamp x gate (for "low is
      // suspicious": gate / kGateRamp) to the gate.
      {
        const double r = spec.direction > 0 ? (spec.gate > 0.0 ? x / spec.gate : 1.0) : (x > 0.0 ? spec.gate / x : 1.0);
        const double ramp = std::clamp((r - kGateRamp) / (1.0 - kGateRamp), 0.0, 1.0);
        auto& gg = d.graded_strength[static_cast<int>(spec.group)];
        gg = std::max(gg, strength * ramp);
      }
      const bool gate = spec.direction > 0 ? x >= spec.gate : x <= spec.gate;
      if (!gate) continue;
      if (strength <= 0.0) continue;
      auto& g = d.group_strength[static_cast<int>(spec.group)];
      g = std::max(g, strength);
      d.fired.push_back(FiredSignal{static_cast<Feature>(f), x, strength, {}});
    }
    for (int g = 0; g < kNumSignalGroups; ++g) d.graded_strength[g] = std::max(d.graded_strength[g], d.group_strength[g]);
    const GroupCombination combo = combine_groups(d.group_strength, options, &d.graded_strength);
    d.fired_groups = combo.fired_groups;
    d.requirements_met = combo.requirements_met;
    const double risk = combo.risk;
    auto fired = [&](SignalGroup g) { return d.group_strength[static_cast<int>(g)] >= 0.5; };
    const bool acquisition = combo.acquisition;
    cs.risk = risk;
    cs.suspect = risk >= options.threshold;
    {
      std::string groups;
      for (int g = 0; g < kNumSignalGroups; ++g)
        if (d.group_strength[g] >= 0.5) groups += (groups.empty() ? "" : ", ") + std::string(to_string(static_cast<SignalGroup>(g)));
      char num[64];
      std::snprintf(num, sizeof num, "risk %.3f", risk);
      const std::string fired_text = std::to_string(d.fired_groups) + " signal group" + (d.fired_groups == 1 ? "" : "s") +
                                     " fired" + (groups.empty() ? std::string() : " (" + groups + ")");
      if (cs.suspect) {
        d.summary = "Flagged: " + fired_text + ", including balanced load and an acquisition signal; " + num +
                    " >= threshold " + format_number(options.threshold) + ".";
      } else {
        std::string missing;
        auto add = [&](const std::string& m) { missing += (missing.empty() ? "" : "; ") + m; };
        if (d.fired_groups < options.min_groups) add("at least " + std::to_string(options.min_groups) + " groups needed");
        if (!fired(SignalGroup::Balance)) add("no balanced load across accounts");
        if (!acquisition) add("no acquisition signal (proxy, card pool, creation burst or seeds)");
        d.summary = "Not flagged: " + fired_text + (missing.empty() ? std::string() : "; " + missing) + "; " + num + ".";
      }
    }
    // Keep only signals of fired groups (strength >= 0.5), strongest first.
    std::vector<FiredSignal> kept;
    for (auto& s : d.fired)
      if (s.strength >= 0.5) kept.push_back(std::move(s));
    std::stable_sort(kept.begin(), kept.end(),
                     [](const FiredSignal& a, const FiredSignal& b) { return a.strength > b.strength; });
    for (auto& s : kept)
      s.text = explain(s.feature, s.value, result.references[d.band][static_cast<int>(s.feature)], d, pass, options);
    d.fired = std::move(kept);
  }

  // --- account risk --------------------------------------------------------------
  result.account_risk.assign(n, 0.0);
  result.account_evidence.assign(n, 0.0f);
  result.account_groups.assign(n, 0);
  result.account_suspect.assign(n, 0);
  for (NodeId v = 0; v < n; ++v) {
    if (snapshot.kind(v) != NodeKind::Account) continue;
    const auto& cs = result.communities[partition.membership[v]];
    const double ratio = pass.seed_ratio[v];
    const double seed_part = ratio > 1.0 ? 0.3 * std::clamp(std::log10(ratio) / 3.0, 0.0, 1.0) : 0.0;
    double risk = seed_part;
    if (cs.detail != UINT32_MAX) {
      const auto& d = pass.details[cs.detail];
      // An account outside the core (tied to the community only through
      // hubs) cannot show the sharing signals; it counts only what it does
      // itself (a volume in the core's range, creation in the burst, the
      // pivot, a label or seed proximity), and only when it also moves in
      // lock-step with the core, at weight kOutsideCoreWeight: a VPN user
      // whose volume happens to match a farm's shows no evidence.
      constexpr unsigned kSync = 1u << static_cast<int>(SignalGroup::Synchrony);
      detail::EvidenceMask shown =
          pass.in_core[v] ? pass.evidence[v] : static_cast<detail::EvidenceMask>(pass.evidence[v] & kBehaviourMask);
      if (!pass.in_core[v] && (shown & kSync) == 0) shown = 0;
      double num = 0.0, den = 0.0;
      for (int g = 0; g < kNumSignalGroups; ++g) {
        if (d.group_strength[g] < 0.5) continue;
        den += d.group_strength[g];
        if (shown & (1u << g)) {
          num += d.group_strength[g];
          result.account_groups[v] = static_cast<std::uint16_t>(result.account_groups[v] | (1u << g));
        }
      }
      const double e = (den > 0.0 ? num / den : 0.0) * (pass.in_core[v] ? 1.0 : kOutsideCoreWeight);
      result.account_evidence[v] = static_cast<float>(e);
      // An account keeps a fifth of the community's risk, plus the rest in
      // proportion to its own evidence (an IP alone does not flag it).
      risk = std::max(risk, account_community_risk(cs.risk, e, shown, options.threshold));
    }
    result.account_risk[v] = risk;
  }
  {
    // In lock-step with a community: the account's standardised activity
    // correlates with the mean of the community's core at least half as much
    // as the core's accounts correlate with each other (and above 0.1), the
    // test an account outside a core passes to show synchrony.
    const std::uint32_t buckets = pass.standardise.buckets;
    std::vector<double> dense(buckets), phase(std::max<std::uint32_t>(pass.standardise.period, 1)),
        day(pass.standardise.day_count.size());
    auto in_step = [&](NodeId v, CommunityId c) {
      const auto& cs = result.communities[c];
      if (buckets < 4 || cs.detail == UINT32_MAX) return false;
      const double sync = pass.details[cs.detail].features[static_cast<int>(Feature::Synchrony)];
      if (!std::isfinite(sync) || !pass.standardise(snapshot, v, dense, phase, day)) return false;
      const float* mean = pass.core_mean.data() + static_cast<std::size_t>(cs.detail) * buckets;
      double dot = 0.0;
      for (std::uint32_t t = 0; t < buckets; ++t) dot += dense[t] * mean[t];
      const double own = dot / static_cast<double>(buckets);
      return detail::in_lock_step(own, sync);
    };
    raise_pool_members(snapshot, incidence, partition, result, in_step);
  }
  for (NodeId v = 0; v < n; ++v)
    if (snapshot.kind(v) == NodeKind::Account && result.account_risk[v] >= options.threshold) {
      result.account_suspect[v] = 1;
      ++result.suspect_accounts;
    }

  // --- ranking ---------------------------------------------------------------------
  for (CommunityId c = 0; c < k; ++c)
    if (result.communities[c].suspect) result.ranking.push_back(c);
  std::sort(result.ranking.begin(), result.ranking.end(), [&](CommunityId a, CommunityId b) {
    const auto& x = result.communities[a];
    const auto& y = result.communities[b];
    if (x.risk != y.risk) return x.risk > y.risk;
    if (x.accounts != y.accounts) return x.accounts > y.accounts;
    return a < b;
  });
  result.suspect_communities = result.ranking.size();
  result.details = std::move(pass.details);
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

}  // namespace hydrascope
