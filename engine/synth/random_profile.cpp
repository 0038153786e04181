// The `random` profile's draws (random_profile.hpp): every world and every
// farm its own data availability, shares, forms and knobs, recorded in truth.json.
#include "random_profile.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace hydrascope::synth {

namespace {

double uni(Rng& r, double lo, double hi) { return lo + (hi - lo) * r.uniform(); }
double log_uni(Rng& r, double lo, double hi) { return lo * std::exp(r.uniform() * std::log(hi / lo)); }
int int_in(Rng& r, int lo, int hi) { return lo + static_cast<int>(r.below(static_cast<std::uint64_t>(hi - lo + 1))); }
// An integer in [1, hi], log-uniform (floor of a log-uniform real on [1, hi + 1)).
std::uint64_t log_count(Rng& r, double hi) {
  const auto top = static_cast<std::uint64_t>(std::max(1.0, std::floor(hi)));
  const auto v = static_cast<std::uint64_t>(log_uni(r, 1.0, static_cast<double>(top) + 1.0));
  return std::clamp<std::uint64_t>(v, 1, top);
}

void key(std::string& out, bool& first, const char* k) {
  if (!first) out.push_back(',');
  first = false;
  out.push_back('"');
  out.append(k);
  out.append("\":");
}
void num(std::string& out, bool& first, const char* k, double v) {
  key(out, first, k);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  out.append(buf);
}
void flag(std::string& out, bool& first, const char* k, bool v) {
  key(out, first, k);
  out.append(v ? "true" : "false");
}
void text(std::string& out, bool& first, const char* k, const char* v) {
  key(out, first, k);
  out.push_back('"');
  out.append(v);
  out.push_back('"');
}

}  // namespace

WorldDraws draw_world(Rng& r) {
  WorldDraws w;
  w.minimal = r.chance(0.12);
  if (w.minimal) {
    w.activity = w.created_at = w.timestamps = w.weights = false;
    w.payment = w.proxies = w.devices = w.ips = false;
    w.generic[r.below(kGenericTypes)] = true;
    w.invites = false;
  } else {
    w.activity = r.chance(0.75);
    w.created_at = r.chance(0.85);
    w.timestamps = r.chance(0.75);
    w.weights = r.chance(0.8);
    w.payment = r.chance(0.8);
    w.proxies = r.chance(0.7);
    w.devices = r.chance(0.6);
    w.ips = r.chance(0.9);
    const auto count = r.below(4);  // 0-3 generic types, distinct
    for (std::uint64_t c = 0; c < count;) {
      const auto t = r.below(kGenericTypes);
      if (!w.generic[t]) { w.generic[t] = true; ++c; }
    }
    w.invites = r.chance(0.35);
    const bool any_generic = std::any_of(w.generic.begin(), w.generic.end(), [](bool b) { return b; });
    if (!w.payment && !w.proxies && !w.devices && !w.ips && !any_generic) w.ips = true;  // always something shared
  }
  w.hydra_share = uni(r, 0.01, 0.12);
  w.family = uni(r, 0.01, 0.08);
  w.corporate = uni(r, 0.02, 0.12);
  w.sharded = uni(r, 0.002, 0.03);
  w.university = uni(r, 0.0, 0.06);
  w.carrier_nat = uni(r, 0.02, 0.15);
  w.vpn_exit = uni(r, 0.0, 0.06);
  w.aggregator = uni(r, 0.0, 0.08);
  w.power_user = uni(r, 0.0, 0.03);
  w.max_cluster = log_uni(r, 150.0, 5000.0);
  w.corporate_gateway = uni(r, 0.1, 0.7);
  w.corporate_median = uni(r, 10.0, 60.0);
  w.sharded_max = log_uni(r, 60.0, 400.0);
  w.sharded_spread = log_uni(r, 0.005, 0.1);
  w.aggregators = int_in(r, 1, 4);
  w.power_user_max = int_in(r, 2, 8);
  w.public_email = uni(r, 0.4, 0.9);
  w.invite_rate = uni(r, 0.02, 0.25);
  w.seed_rate = r.chance(0.25) ? 0.0 : uni(r, 0.002, 0.10);
  w.seed_varies = r.chance(0.5);
  w.trusted_rate = r.chance(0.5) ? uni(r, 0.0, 0.05) : 0.0;
  w.suspect_rate = r.chance(0.3) ? 0.0 : log_uni(r, 1e-4, 5e-3);
  return w;
}

FarmKnobs draw_farm(Rng& r, const WorldDraws& w, std::uint64_t size) {
  FarmKnobs f;
  const double s = static_cast<double>(size);
  const double u = r.uniform();
  f.archetype = u < 0.55 ? Archetype::Mixed : u < 0.75 ? Archetype::Pure : u < 0.87 ? Archetype::FreeTier : Archetype::NoInfra;
  switch (f.archetype) {
    case Archetype::Mixed: {  // a Dirichlet-like mixture; e and f rarer
      double sum = 0;
      for (int t = 0; t < kTactics; ++t) {
        f.mix[t] = r.gamma1(t < 4 ? 0.6 : 0.25);
        sum += f.mix[t];
      }
      for (auto& m : f.mix) m /= sum;
      break;
    }
    case Archetype::Pure: f.mix[r.below(4)] = 1.0; break;
    case Archetype::FreeTier: f.mix[4] = 1.0; break;
    case Archetype::NoInfra: f.mix[5] = uni(r, 0.5, 1.0); f.mix[4] = 1.0 - f.mix[5]; break;
  }
  f.camouflage = r.uniform();
  f.balance_cv = log_uni(r, 0.02, 3.0);
  f.synchrony = f.archetype == Archetype::FreeTier ? uni(r, 0.5, 0.95) : uni(r, 0.0, 0.95);
  f.seed_fraction = w.seed_varies ? std::min(0.1, uni(r, 0.0, 2.0 * w.seed_rate)) : w.seed_rate;
  f.aged_fraction = r.uniform();
  f.pivot_probability = r.uniform();
  f.pivots = r.chance(f.pivot_probability);
  f.resold_share = r.uniform();
  f.accounts_per_card = log_uni(r, 1.0, 300.0);
  f.hydra_volume = log_uni(r, 100.0, 1e6);
  const bool bare = f.archetype == Archetype::FreeTier || f.archetype == Archetype::NoInfra;
  const double pu = r.uniform();
  f.proxies = bare ? 0 : pu < 0.3 ? 0 : pu < 0.7 ? 1 : int_in(r, 2, 6);
  f.cover_share = f.proxies > 0 && r.chance(0.35) ? uni(r, 0.3, 0.7) : 0.0;
  f.egress_pool = log_count(r, s / 3.0);
  const double du = r.uniform();
  f.device_mode = bare ? DeviceMode::AntiDetect : du < 0.5 ? DeviceMode::Pool : du < 0.8 ? DeviceMode::AntiDetect : DeviceMode::Popular;
  if (f.device_mode == DeviceMode::Pool) f.devices = log_count(r, s / 5.0);
  f.burst_spread_hours = log_uni(r, 2.0, 2160.0);
  f.burst_age_days = uni(r, 1.0, 365.0);
  f.burst_gap_days = uni(r, 1.0, 60.0);
  f.bursts = int_in(r, 1, 8);
  f.rotation = r.chance(0.5) ? 0 : int_in(r, 2, 4);
  f.burstiness = r.uniform();
  for (int t = 0; t < kGenericTypes; ++t) {
    if (!w.generic[t]) continue;
    f.generic_share[t] = w.minimal ? uni(r, 0.3, 1.0) : (f.archetype == Archetype::NoInfra ? uni(r, 0.0, 0.3) : r.uniform());
    std::uint64_t pool = 1;
    switch (t) {
      case 0: pool = log_count(r, s / 2.0); break;                      // virtual numbers
      case 3: pool = log_count(r, std::clamp(s / 10.0, 1.0, 50.0)); break;  // drop addresses
      case 4: pool = 1 + r.below(5); break;  // payout accounts
      default: pool = 1 + r.below(3); break;  // catch-all domains, shell orgs
    }
    f.generic_pool[t] = static_cast<std::uint32_t>(std::max<std::uint64_t>(1, std::min<std::uint64_t>(pool, size)));
  }
  if (w.invites) {
    const double iu = r.uniform();
    f.invite_mode = iu < 0.3 ? InviteMode::None : iu < 0.6 ? InviteMode::Star : iu < 0.8 ? InviteMode::Chain : InviteMode::Tree;
    if (f.invite_mode != InviteMode::None) {
      f.invite_share = uni(r, 0.2, 1.0);
      f.invite_fanout = f.invite_mode == InviteMode::Star ? int_in(r, 1, 5) : f.invite_mode == InviteMode::Tree ? int_in(r, 2, 10) : 1;
    }
  }
  return f;
}

char main_tactic(const FarmKnobs& f) noexcept {
  return static_cast<char>('a' + (std::max_element(f.mix.begin(), f.mix.end()) - f.mix.begin()));
}

const char* to_string(Archetype a) noexcept {
  switch (a) {
    case Archetype::Mixed: return "mixed";
    case Archetype::Pure: return "pure";
    case Archetype::FreeTier: return "free_tier";
    case Archetype::NoInfra: return "no_infra";
  }
  return "mixed";
}
const char* to_string(DeviceMode m) noexcept {
  switch (m) {
    case DeviceMode::Pool: return "pool";
    case DeviceMode::AntiDetect: return "anti_detect";
    case DeviceMode::Popular: return "popular";
  }
  return "pool";
}
const char* to_string(InviteMode m) noexcept {
  switch (m) {
    case InviteMode::None: return "none";
    case InviteMode::Star: return "star";
    case InviteMode::Chain: return "chain";
    case InviteMode::Tree: return "tree";
  }
  return "none";
}

void append_world_json(std::string& out, const WorldDraws& w) {
  bool first = true;
  flag(out, first, "minimal", w.minimal);
  key(out, first, "data");
  out.push_back('{');
  bool f2 = true;
  flag(out, f2, "activity", w.activity);
  flag(out, f2, "created_at", w.created_at);
  flag(out, f2, "timestamps", w.timestamps);
  flag(out, f2, "weights", w.weights);
  flag(out, f2, "payment", w.payment);
  flag(out, f2, "proxies", w.proxies);
  flag(out, f2, "devices", w.devices);
  flag(out, f2, "ips", w.ips);
  flag(out, f2, "invites", w.invites);
  out.push_back('}');
  key(out, first, "generic_types");
  out.push_back('[');
  bool f3 = true;
  for (int t = 0; t < kGenericTypes; ++t)
    if (w.generic[t]) {
      if (!f3) out.push_back(',');
      f3 = false;
      out.push_back('"');
      out.append(kGenericCatalog[t].name);
      out.push_back('"');
    }
  out.push_back(']');
  key(out, first, "shares");
  out.push_back('{');
  bool f4 = true;
  num(out, f4, "hydra", w.hydra_share);
  num(out, f4, "family", w.family);
  num(out, f4, "corporate", w.corporate);
  num(out, f4, "sharded_service", w.sharded);
  num(out, f4, "university", w.university);
  num(out, f4, "carrier_nat", w.carrier_nat);
  num(out, f4, "vpn_exit", w.vpn_exit);
  num(out, f4, "legit_aggregator", w.aggregator);
  num(out, f4, "power_user", w.power_user);
  out.push_back('}');
  num(out, first, "max_cluster", w.max_cluster);
  num(out, first, "corporate_gateway", w.corporate_gateway);
  num(out, first, "corporate_median", w.corporate_median);
  num(out, first, "sharded_max", w.sharded_max);
  num(out, first, "sharded_spread", w.sharded_spread);
  num(out, first, "aggregators", w.aggregators);
  num(out, first, "power_user_max", w.power_user_max);
  num(out, first, "public_email", w.public_email);
  num(out, first, "invite_rate", w.invite_rate);
  num(out, first, "seed_rate", w.seed_rate);
  flag(out, first, "seed_varies", w.seed_varies);
  num(out, first, "trusted_rate", w.trusted_rate);
  num(out, first, "suspect_rate", w.suspect_rate);
}

void append_farm_json(std::string& out, const FarmKnobs& f) {
  bool first = true;
  text(out, first, "archetype", to_string(f.archetype));
  key(out, first, "tactics");
  out.push_back('{');
  bool f2 = true;
  for (int t = 0; t < kTactics; ++t) {
    const char name[2] = {static_cast<char>('a' + t), 0};
    num(out, f2, name, f.mix[t]);
  }
  out.push_back('}');
  num(out, first, "camouflage", f.camouflage);
  num(out, first, "balance_cv", f.balance_cv);
  num(out, first, "synchrony", f.synchrony);
  num(out, first, "seed_fraction", f.seed_fraction);
  num(out, first, "aged_fraction", f.aged_fraction);
  num(out, first, "pivot_probability", f.pivot_probability);
  flag(out, first, "pivots", f.pivots);
  num(out, first, "resold_share", f.resold_share);
  num(out, first, "accounts_per_card", f.accounts_per_card);
  num(out, first, "hydra_volume", f.hydra_volume);
  num(out, first, "proxies", f.proxies);
  num(out, first, "cover_share", f.cover_share);
  num(out, first, "egress_pool", static_cast<double>(f.egress_pool));
  text(out, first, "device_mode", to_string(f.device_mode));
  num(out, first, "devices", static_cast<double>(f.devices));
  num(out, first, "burst_spread_hours", f.burst_spread_hours);
  num(out, first, "burst_age_days", f.burst_age_days);
  num(out, first, "burst_gap_days", f.burst_gap_days);
  num(out, first, "bursts", f.bursts);
  num(out, first, "rotation", f.rotation);
  num(out, first, "burstiness", f.burstiness);
  key(out, first, "generic");
  out.push_back('{');
  bool f3 = true;
  for (int t = 0; t < kGenericTypes; ++t) {
    if (f.generic_pool[t] == 0) continue;
    key(out, f3, kGenericCatalog[t].name);
    out.append("{");
    bool f4 = true;
    num(out, f4, "share", f.generic_share[t]);
    num(out, f4, "pool", f.generic_pool[t]);
    out.append("}");
  }
  out.push_back('}');
  text(out, first, "invite_mode", to_string(f.invite_mode));
  num(out, first, "invite_share", f.invite_share);
  num(out, first, "invite_fanout", f.invite_fanout);
}

}  // namespace hydrascope::synth
