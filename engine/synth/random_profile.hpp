// The `random` profile's distribution: what a world and each of its farms
// draw (docs/generator.md, "The random profile"). Pure functions of a seeded
// Rng; generator.cpp turns the draws into a world.
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "synth_internal.hpp"

namespace hydrascope::synth {

/// A generic shared entity type (docs/formats.md section 1, "any other").
struct GenericType {
  const char* name;    ///< node type
  const char* prefix;  ///< node id prefix
  const char* edge;    ///< account -> entity edge type
  std::uint32_t hubs;  ///< public hubs (gmail-like domains, placeholder numbers, ...)
};
inline constexpr int kGenericTypes = 5;
inline constexpr std::array<GenericType, kGenericTypes> kGenericCatalog = {{
    {"phone", "ph:", "has_phone", 3},
    {"email_domain", "dom:", "has_email_domain", 30},
    {"org", "org:", "member_of", 0},
    {"billing_address", "addr:", "billed_to", 5},
    {"payout_account", "pay:", "pays_out_to", 2},
}};

/// Farm tactics: (a)-(d) as in the fixed profiles, (e) free-tier ghosts (no
/// card, a fresh home-looking IP and fingerprint each: only synchrony shows),
/// (f) mules (own card, own home IPs, a popular client: almost no shared infrastructure).
inline constexpr int kTactics = 6;
enum class Archetype : std::uint8_t { Mixed, Pure, FreeTier, NoInfra };
enum class DeviceMode : std::uint8_t { Pool, AntiDetect, Popular };
enum class InviteMode : std::uint8_t { None, Star, Chain, Tree };

/// World-level draws. Ranges are the documented ones; `draw_world` keeps them.
struct WorldDraws {
  bool minimal = false;  ///< p 0.12: one generic type only, no activity, no timestamps, nothing else
  // Data availability (what the snapshot carries at all).
  bool activity = true;    ///< p 0.75: node activity + snapshot.activity
  bool created_at = true;  ///< p 0.85
  bool timestamps = true;  ///< p 0.75: edge first_seen / last_seen
  bool weights = true;     ///< p 0.8: edge weights (else all 1)
  bool payment = true;     ///< p 0.8: payment_method nodes, paid_with
  bool proxies = true;     ///< p 0.7: proxy nodes, via_proxy, egress_ip
  bool devices = true;     ///< p 0.6: device nodes, uses_device
  bool ips = true;         ///< p 0.9: ip nodes, uses_ip, egress_ip
  std::array<bool, kGenericTypes> generic{};  ///< 0-3 types, uniform count, distinct types
  bool invites = false;    ///< p 0.35: account -> account `invited` edges
  // Shares of N (uniform in the ranges).
  double hydra_share = 0.05;    ///< [0.01, 0.12]
  double family = 0.04;         ///< [0.01, 0.08]
  double corporate = 0.06;      ///< [0.02, 0.12]
  double sharded = 0.01;        ///< [0.002, 0.03]
  double university = 0.03;     ///< [0, 0.06]
  double carrier_nat = 0.08;    ///< [0.02, 0.15]
  double vpn_exit = 0.03;       ///< [0, 0.06]
  double aggregator = 0.03;     ///< [0, 0.08]
  double power_user = 0.01;     ///< [0, 0.03]
  double max_cluster = 2000;    ///< log-uniform [150, 5000]; farms are also capped at max(40, 5% of N)
  // Look-alike forms.
  double corporate_gateway = 0.3;  ///< [0.1, 0.7] prob. a company sits behind an API gateway proxy
  double corporate_median = 25;    ///< [10, 60] median staff
  double sharded_max = 60;         ///< log-uniform [60, 400] largest sharded service
  double sharded_spread = 0.05;    ///< log-uniform [0.005, 0.1] volume / load-curve spread of a sharded service
  int aggregators = 2;             ///< {1..4}
  int power_user_max = 3;          ///< {2..8} accounts of one power user, at most
  double public_email = 0.75;      ///< [0.4, 0.9] individuals on a public email domain hub
  double invite_rate = 0.1;        ///< [0.02, 0.25] individuals invited by another individual
  // Labels.
  double seed_rate = 0.0;      ///< 0 with p 0.25, else [0.002, 0.10]: banned share of a farm
  bool seed_varies = false;    ///< p 0.5: per farm uniform in [0, 2 x seed_rate], at most 0.10
  double trusted_rate = 0.0;   ///< 0 with p 0.5, else [0, 0.05]: benign accounts labelled trusted
  double suspect_rate = 0.0;   ///< 0 with p 0.3, else log-uniform [1e-4, 5e-3]: benign false leads
};

/// Per-farm draws.
struct FarmKnobs {
  Archetype archetype = Archetype::Mixed;
  std::array<double, kTactics> mix{};  ///< tactic mixture a..f, sums to 1
  double camouflage = 0;               ///< [0, 1]
  double balance_cv = 0;               ///< log-uniform [0.02, 3]
  double synchrony = 0;                ///< [0, 0.95]; free-tier farms [0.5, 0.95]
  double seed_fraction = 0;            ///< [0, 0.1] (world seed_rate, maybe varied)
  double aged_fraction = 0;            ///< [0, 1]
  double pivot_probability = 0;        ///< [0, 1]
  bool pivots = false;                 ///< drawn with pivot_probability
  double resold_share = 0;             ///< [0, 1]
  double accounts_per_card = 1;        ///< log-uniform [1, 300]
  double hydra_volume = 1000;          ///< log-uniform [100, 1e6] median weekly requests
  int proxies = 0;                     ///< 0 (p 0.3), 1 (p 0.4), 2-6; none for free-tier / no-infra farms
  double cover_share = 0;              ///< 0, or [0.3, 0.7] (p 0.35 when proxied): benign share of the proxy's clientele
  std::uint64_t egress_pool = 1;       ///< log-uniform [1, max(1, size/3)] IPs
  DeviceMode device_mode = DeviceMode::Pool;  ///< pool 0.5, anti-detect 0.3, popular 0.2
  std::uint64_t devices = 0;           ///< pool: log-uniform [1, max(1, size/5)]
  double burst_spread_hours = 6;       ///< log-uniform [2, 2160] (hours to three months)
  double burst_age_days = 30;          ///< [1, 365] age of the newest burst
  double burst_gap_days = 10;          ///< [1, 60] between bursts
  int bursts = 1;                      ///< {1..8}
  int rotation = 0;                    ///< 0 (p 0.5) or {2..4} shifts
  double burstiness = 0.5;             ///< [0, 1] spikes in the common traffic profile
  std::array<double, kGenericTypes> generic_share{};        ///< [0, 1] accounts on the farm's pool
  std::array<std::uint32_t, kGenericTypes> generic_pool{};  ///< pool size per type (0 if the type is absent)
  InviteMode invite_mode = InviteMode::None;
  double invite_share = 0;  ///< [0.2, 1]
  int invite_fanout = 1;    ///< star: roots {1..5}; tree: branching {2..10}
};

[[nodiscard]] WorldDraws draw_world(Rng& r);
[[nodiscard]] FarmKnobs draw_farm(Rng& r, const WorldDraws& w, std::uint64_t size);
/// The most weighted tactic.
[[nodiscard]] char main_tactic(const FarmKnobs& f) noexcept;

[[nodiscard]] const char* to_string(Archetype a) noexcept;
[[nodiscard]] const char* to_string(DeviceMode m) noexcept;
[[nodiscard]] const char* to_string(InviteMode m) noexcept;

/// Appends `"key":value` pairs (no braces) for truth.json.
void append_world_json(std::string& out, const WorldDraws& w);
void append_farm_json(std::string& out, const FarmKnobs& f);

}  // namespace hydrascope::synth
