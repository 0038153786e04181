// generate_world: plans the groups of a synthetic world, then streams every
// account (in a shuffled order), its edges, the shared entities and truth.json.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "hydrascope/atomic_file.hpp"
#include "hydrascope/error.hpp"
#include "hydrascope/synth.hpp"
#include "random_profile.hpp"
#include "synth_internal.hpp"

namespace hydrascope {

namespace {

using synth::AddressSpace;
using synth::hash2;
using synth::mix64;
using synth::Permutation;
using synth::Rng;
using synth::FarmKnobs;
using synth::WorldDraws;
using synth::kGenericCatalog;
using synth::kGenericTypes;

constexpr std::uint32_t kBuckets = 168;
constexpr std::int64_t kTakenAt = 1771545600;  // 2026-02-20T00:00:00Z
constexpr std::int64_t kStart = kTakenAt - 7 * 86400;
constexpr std::uint32_t kReleaseBucket = 80;  // model release: Thursday 08:00 UTC
constexpr std::int64_t kDay = 86400;

// ProxyCustomer (random profile only): genuine customers of a farm's reseller proxy.
enum class Kind : std::uint8_t {
  Individual, Family, Corporate, Sharded, University, CarrierNat, VpnExit, Aggregator, PowerUser, Hydra, ProxyCustomer
};
constexpr std::array<const char*, 11> kKindNames = {"individual", "family",     "corporate",  "sharded_service",
                                                    "university", "carrier_nat", "vpn_exit",  "legit_aggregator",
                                                    "power_user", "hydra",       "proxy_customer"};

// Id classes: every entity id is the hex of a bijective hash of (class, a, b).
// Generic entities (random profile): personal (account, type), group pools
// (group, type << 20 | slot), public hubs (type, hub).
enum Cls : std::uint64_t { kAcc = 1, kCardP, kCardG, kDevP, kDevG, kDevPop, kProxyG, kGenP, kGenG, kGenHub };

struct Group {
  Kind kind = Kind::Individual;
  char tactic = 0;             // hydra: 'a'..'d'
  std::uint64_t start = 0;     // first logical account index
  std::uint64_t size = 0;
  std::uint64_t key = 0;       // group seed
  std::uint32_t ordinal = 0;   // n-th group of its kind (truth id)
  std::uint64_t resi_base = 0, resi_count = 0;  // group-owned residential/office/NAT IPs
  std::uint64_t dc_base = 0, dc_count = 0;      // group-owned datacenter IPs
  std::uint32_t cards = 0, devices = 0;
  bool proxy = false;
  bool carrier = false;  // resi IPs come from the carrier space
  // Random profile only.
  std::uint32_t proxies = 0;  // hydra: proxies of the farm (0 = one when `proxy`)
  std::uint32_t param = 0;    // hydra: index into farms_
  std::uint32_t host = 0;     // proxy_customer: the hydra group whose proxies it uses
};

struct Country { const char* code; double tz; };
constexpr std::array<Country, 16> kCountries = {{{"US", -6}, {"IN", 5.5}, {"GB", 0}, {"DE", 1}, {"BR", -3},
                                                 {"JP", 9}, {"FR", 1}, {"CA", -5}, {"KR", 9}, {"ID", 7},
                                                 {"SG", 8}, {"NG", 1}, {"VN", 7}, {"AU", 10}, {"MX", -6},
                                                 {"PL", 1}}};
constexpr std::array<std::uint32_t, 20> kResiOctets = {24, 50, 67, 68, 69, 70, 71, 72, 73, 75,
                                                       76, 86, 90, 92, 98, 99, 108, 174, 176, 178};
constexpr std::array<std::uint32_t, 5> kCarrierOctets = {39, 42, 49, 117, 223};
std::string hex16(std::uint64_t v) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

// The whole plan plus the address spaces; everything else is derived by hashing.
class World {
 public:
  World(const GeneratorOptions& o)
      : opt_(o), key_(mix64(o.seed ^ 0x68796472615f7379ULL)), random_(o.profile == WorldProfile::Random) {
    load_spaces();
    if (random_) {
      Rng wr(hash2(key_, 0x776f726c64ULL));
      world_ = synth::draw_world(wr);
      plan_random();
    } else {
      plan();
    }
  }

  void write(const std::string& snapshot_path, const std::string& truth_path, GenerateReport& rep,
             const ProgressFn& progress);

 private:
  // --- ids ----------------------------------------------------------------
  std::string id(const char* prefix, std::uint64_t cls, std::uint64_t a, std::uint64_t b = 0) const {
    return std::string(prefix) + hex16(mix64(((cls << 56) | (a << 24) | b) ^ key_));
  }
  std::string account_id(std::uint64_t i) const { return id("a:", kAcc, i); }

  // --- address spaces -------------------------------------------------------
  void load_spaces();
  std::uint32_t resi_ip(std::uint64_t slot) const { return resi_.at(resi_perm_(slot % resi_.total())); }
  std::uint32_t carrier_ip(std::uint64_t slot) const { return carrier_.at(carrier_perm_(slot % carrier_.total())); }
  std::uint32_t dc_ip(std::uint64_t slot) const { return dc_.at(dc_perm_(slot)); }
  std::uint32_t vpn_ip(std::uint64_t slot) const { return vpn_.at(vpn_perm_(slot)); }

  // --- plan ------------------------------------------------------------------
  void plan();
  void plan_random();
  std::uint64_t fill(Kind kind, double share, Rng& rng, const std::function<std::uint64_t()>& size_fn);
  void finish_plan(Rng& rng, std::uint64_t used);
  void add_group(Kind kind, std::uint64_t size, Rng& rng, char tactic = 0);
  const Group& group_of(std::uint64_t logical) const {
    auto it = std::upper_bound(starts_.begin(), starts_.end(), logical);
    return groups_[static_cast<std::size_t>(it - starts_.begin()) - 1];
  }

  // --- streaming -------------------------------------------------------------
  void emit_account(std::uint64_t logical, SnapshotWriter& w);
  void emit_group_entities(const Group& g, SnapshotWriter& w);
  void emit_globals(SnapshotWriter& w);
  // Random profile: generic entities, invitations, and the world's data availability.
  struct Link { std::string node; const char* node_type; const char* edge; bool personal; };
  std::uint32_t generic_pool(const Group& g, int t) const;
  void generic_links(std::uint64_t i, const Group& g, std::uint64_t rank, std::vector<Link>& links) const;
  std::uint64_t inviter_of(std::uint64_t i, const Group& g) const;  // ~0 = none
  std::string generic_id(int t, std::uint64_t cls, std::uint64_t a, std::uint64_t b) const {
    return id(kGenericCatalog[static_cast<std::size_t>(t)].prefix, cls, a, b);
  }
  void put_node(SnapshotWriter& w, NodeRecord& rec);
  void ip_node(SnapshotWriter& w, std::uint32_t ip, const char* network, bool datacenter, std::uint64_t asn,
               const char* country);
  void edge(SnapshotWriter& w, const std::string& a, const std::string& b, const char* type, double weight,
            std::int64_t first, std::int64_t last);

  const GeneratorOptions& opt_;
  std::uint64_t key_;
  bool random_ = false;
  WorldDraws world_;             // random profile: world-level draws
  // Random profile: a farm's draws, and its members' tactics. Tactics are
  // stratified: round(mix x size) members each, laid out in the order of
  // kLayout over a seeded shuffle of the members, so that every planned card,
  // pool IP, proxy and device has a user.
  static constexpr const char* kLayout = "adbcef";
  struct Farm {
    FarmKnobs knobs;
    std::array<std::uint64_t, synth::kTactics + 1> bounds{};  // shuffled positions [bounds[t], bounds[t+1]) play kLayout[t]
  };
  std::vector<Farm> farms_;  // Group::param
  std::uint64_t farm_position(const Group& g, std::uint64_t k) const {
    return Permutation(g.size, g.key ^ 0x746163746963ULL)(k);
  }
  double trusted_p_ = 0;         // random profile: prob. an eligible benign account is trusted
  AddressSpace resi_, carrier_, dc_, vpn_;
  Permutation resi_perm_{1, 0}, carrier_perm_{1, 0}, dc_perm_{1, 0}, vpn_perm_{1, 0};
  std::vector<Group> groups_;
  std::vector<std::uint64_t> starts_;
  std::vector<std::uint32_t> carrier_groups_, aggregator_groups_, hydra_proxy_groups_;
  std::uint64_t individual_start_ = 0, individual_size_ = 0;
  std::uint64_t resi_next_ = 0, carrier_next_ = 0, dc_next_ = 0;
  std::uint64_t vpn_exits_ = 0, popular_devices_ = 300;
  std::uint64_t nodes_ = 0, edges_ = 0;
  std::string scratch_;
};

void World::load_spaces() {
  // The files of --ip-ranges, or the built-in copy of datasets/ip-ranges:
  // never the working folder.
  AddressSpace dc_raw, vpn_raw;
  synth::read_ip_ranges(opt_.ip_ranges_dir, dc_raw, vpn_raw);
  AddressSpace reserved;  // residential + carrier /8s
  for (auto o : kResiOctets) reserved.add(o << 24, (o << 24) | 0xffffffu);
  for (auto o : kCarrierOctets) reserved.add(o << 24, (o << 24) | 0xffffffu);
  reserved.finish();
  dc_raw.finish(&reserved);
  dc_ = dc_raw;
  // VPN exits: outside datacenter and reserved space, so every address has one role.
  AddressSpace excl = reserved;
  for (const auto& r : dc_.ranges) excl.add(r.first, r.second);
  excl.finish();
  vpn_raw.finish(&excl);
  vpn_ = vpn_raw;
  AddressSpace taken;  // dc + vpn, removed from the reserved /8s
  for (const auto& r : dc_raw.ranges) taken.add(r.first, r.second);
  for (const auto& r : vpn_raw.ranges) taken.add(r.first, r.second);
  taken.finish();
  for (auto o : kResiOctets) resi_.add((o << 24) | 0x010000u, (o << 24) | 0xfffffeu);
  resi_.finish(&taken);
  for (auto o : kCarrierOctets) carrier_.add((o << 24) | 0x010000u, (o << 24) | 0xfffffeu);
  carrier_.finish(&taken);
  if (dc_.total() < 1000 || vpn_.total() < 100 || resi_.total() == 0 || carrier_.total() == 0)
    throw std::invalid_argument("ip ranges: too few datacenter or VPN addresses");
  resi_perm_ = Permutation(resi_.total(), key_ ^ 1);
  carrier_perm_ = Permutation(carrier_.total(), key_ ^ 2);
  dc_perm_ = Permutation(dc_.total(), key_ ^ 3);
  vpn_perm_ = Permutation(vpn_.total(), key_ ^ 4);
}

void World::add_group(Kind kind, std::uint64_t size, Rng& rng, char tactic) {
  Group g;
  g.kind = kind;
  g.tactic = tactic;
  g.size = size;
  g.key = rng.next();
  std::uint32_t ordinal = 1;
  for (auto it = groups_.rbegin(); it != groups_.rend(); ++it)
    if (it->kind == kind) { ordinal = it->ordinal + 1; break; }
  g.ordinal = ordinal;
  Rng r(g.key);
  auto resi = [&](std::uint64_t n) { g.resi_base = resi_next_; g.resi_count = n; resi_next_ += n; };
  auto dc = [&](std::uint64_t n) { g.dc_base = dc_next_; g.dc_count = n; dc_next_ += n; };
  switch (kind) {
    case Kind::Family: resi(1); g.cards = 1; break;
    case Kind::Corporate:
      resi(1 + r.below(4)); g.cards = 1 + static_cast<std::uint32_t>(r.below(3)); g.devices = 1;
      g.proxy = r.chance(random_ ? world_.corporate_gateway : 0.3);
      if (g.proxy) dc(1 + r.below(2));
      break;
    case Kind::Sharded:
      if (random_) dc(1 + r.below(5)); else dc(2 + r.below(4));
      g.cards = 1; g.devices = 1; break;
    case Kind::University:
      resi(2 + r.below(5)); g.cards = 3 + static_cast<std::uint32_t>(r.below(8)); break;
    case Kind::CarrierNat:
      g.carrier = true; g.resi_base = carrier_next_; g.resi_count = std::max<std::uint64_t>(1, size / (300 + r.below(1500)));
      carrier_next_ += g.resi_count; break;
    case Kind::VpnExit: break;
    case Kind::Aggregator: g.proxy = true; dc(std::max<std::uint64_t>(8, size / 150)); break;
    case Kind::PowerUser: g.cards = 1; g.devices = 1; break;
    case Kind::Hydra: {
      if (random_) {  // every farm its own knobs (random_profile.hpp)
        Rng fr(hash2(g.key, 0x6661726dULL));
        Farm farm;
        FarmKnobs& f = farm.knobs;
        f = synth::draw_farm(fr, world_, size);
        g.tactic = synth::main_tactic(f);
        g.param = static_cast<std::uint32_t>(farms_.size());
        // Members per tactic: round(mix x size), largest remainders first.
        std::array<std::uint64_t, synth::kTactics> count{};
        std::array<double, synth::kTactics> rest{};
        std::uint64_t given = 0;
        for (int t = 0; t < synth::kTactics; ++t) {
          const double want = f.mix[t] * static_cast<double>(size);
          count[t] = static_cast<std::uint64_t>(want);
          rest[t] = want - static_cast<double>(count[t]);
          given += count[t];
        }
        while (given < size) {
          const auto t = static_cast<std::size_t>(std::max_element(rest.begin(), rest.end()) - rest.begin());
          ++count[t];
          rest[t] = -1;
          ++given;
        }
        for (int l = 0; l < synth::kTactics; ++l) farm.bounds[l + 1] = farm.bounds[l] + count[kLayout[l] - 'a'];
        const std::uint64_t n_ad = count[0] + count[3], n_bc = count[1] + count[2], n_ab = count[0] + count[1];
        const auto pool_share = [&](std::uint64_t part) {  // the egress pool split between cloud (a, d) and home-like (b, c) IPs
          const double v = std::round(static_cast<double>(f.egress_pool) * static_cast<double>(part) / static_cast<double>(n_ad + n_bc));
          return std::clamp<std::uint64_t>(static_cast<std::uint64_t>(v), 1, part);
        };
        if (n_ad > 0) {
          g.cards = static_cast<std::uint32_t>(
              std::clamp<std::uint64_t>(static_cast<std::uint64_t>(std::ceil(static_cast<double>(n_ad) / f.accounts_per_card)), 1, n_ad));
          dc(pool_share(n_ad));
        }
        if (n_bc > 0) resi(pool_share(n_bc));
        // What the plan could use is what is recorded: no proxy without proxied members, no pool larger than its users.
        f.proxies = static_cast<int>(std::min<std::uint64_t>(static_cast<std::uint64_t>(f.proxies), n_ab));
        if (f.proxies == 0) f.cover_share = 0;
        f.devices = std::min<std::uint64_t>(f.devices, size);
        for (int t = 0; t < kGenericTypes; ++t)
          if (f.generic_pool[t] > 0)
            f.generic_pool[t] = static_cast<std::uint32_t>(std::clamp<std::uint64_t>(
                static_cast<std::uint64_t>(std::ceil(f.generic_share[t] * static_cast<double>(size))), 1, f.generic_pool[t]));
        g.devices = static_cast<std::uint32_t>(f.devices);
        g.proxies = static_cast<std::uint32_t>(f.proxies);
        g.proxy = f.proxies > 0;
        farms_.push_back(farm);
        break;
      }
      const double h = opt_.camouflage;  // harder worlds: fewer shared devices
      g.devices = static_cast<std::uint32_t>(std::max<double>(1.0, std::ceil(size / (40.0 - 30.0 * h) )));
      const auto per_card = std::max(1.0, opt_.accounts_per_card * (0.7 + 0.6 * r.uniform()));
      switch (tactic) {
        case 'a': g.proxy = true; dc(std::max<std::uint64_t>(4, size / (10 + r.below(20))));
          g.cards = static_cast<std::uint32_t>(std::ceil(size / per_card)); break;
        case 'b': g.proxy = true; resi(std::max<std::uint64_t>(4, size / 8)); break;
        case 'c': resi(std::max<std::uint64_t>(3, size / 12)); break;
        default: dc(3 + r.below(4)); g.cards = static_cast<std::uint32_t>(std::ceil(size / per_card)); break;
      }
      break;
    }
    case Kind::Individual:
    case Kind::ProxyCustomer: break;
  }
  if (random_ && !g.carrier) {  // a group cut short by its kind's budget: no more cards or IPs than members
    g.cards = static_cast<std::uint32_t>(std::min<std::uint64_t>(g.cards, size));
    g.resi_count = std::min(g.resi_count, size);
    if (!g.proxy) g.dc_count = std::min(g.dc_count, size);  // a proxy's egress IPs are linked from the proxy
  }
  groups_.push_back(g);
}

// Adds groups of `kind` until `share` of N is used; returns the accounts used.
std::uint64_t World::fill(Kind kind, double share, Rng& rng, const std::function<std::uint64_t()>& size_fn) {
  const std::uint64_t budget = static_cast<std::uint64_t>(share * static_cast<double>(opt_.accounts));
  std::uint64_t got = 0;
  while (got < budget) {
    std::uint64_t s = std::max<std::uint64_t>(1, size_fn());
    s = std::min(s, budget - got);
    if (s < 2 && kind != Kind::PowerUser) break;
    add_group(kind, s, rng);
    got += s;
  }
  return got;
}

void World::plan() {
  Rng rng(hash2(key_, 0x706c616eULL));
  const std::uint64_t n = opt_.accounts;
  const double nd = static_cast<double>(n);
  std::uint64_t used = 0;
  auto fill = [&](Kind kind, double share, const std::function<std::uint64_t()>& size_fn) {
    used += World::fill(kind, share, rng, size_fn);
  };
  // Hydra clusters first so that their sizes follow the plan exactly.
  {
    const std::uint64_t budget = static_cast<std::uint64_t>(opt_.hydra_share * nd);
    const double max_size = std::max(40.0, 0.02 * nd);
    std::uint64_t got = 0;
    int t = static_cast<int>(rng.below(4));
    while (budget - got >= 30) {
      const char tactic = static_cast<char>('a' + (t++ % 4));
      std::uint64_t s = tactic == 'd' ? 30 + rng.below(51)
                                      : static_cast<std::uint64_t>(40.0 * std::exp(rng.uniform() * std::log(max_size / 40.0)));
      s = std::min(s, budget - got);
      if (s < 30) break;
      add_group(Kind::Hydra, s, rng, tactic);
      if (tactic == 'a' || tactic == 'b') hydra_proxy_groups_.push_back(static_cast<std::uint32_t>(groups_.size() - 1));
      got += s;
    }
    used += got;
  }
  fill(Kind::Family, 0.04, [&] { return 2 + rng.below(3); });
  fill(Kind::Corporate, 0.06, [&] { return std::min<std::uint64_t>(300, 5 + static_cast<std::uint64_t>(rng.lognormal(std::log(20.0), 1.0))); });
  fill(Kind::Sharded, 0.01, [&] { return 8 + rng.below(53); });
  fill(Kind::University, 0.03, [&] {
    return static_cast<std::uint64_t>(std::min(std::max(60.0, 0.01 * nd), 200.0 + rng.uniform() * 2800.0)); });
  const std::size_t before_carrier = groups_.size();
  fill(Kind::CarrierNat, 0.08, [&] {
    return static_cast<std::uint64_t>(std::min(std::max(100.0, 0.02 * nd), 300.0 + rng.uniform() * 2700.0)); });
  for (std::size_t i = before_carrier; i < groups_.size(); ++i) carrier_groups_.push_back(static_cast<std::uint32_t>(i));
  fill(Kind::VpnExit, 0.03, [&] { return 200 + rng.below(800); });
  const std::size_t before_agg = groups_.size();
  const std::uint64_t agg_count = 1 + rng.below(3);
  fill(Kind::Aggregator, 0.03, [&] { return static_cast<std::uint64_t>(0.03 * nd / static_cast<double>(agg_count)) + 1; });
  for (std::size_t i = before_agg; i < groups_.size(); ++i) aggregator_groups_.push_back(static_cast<std::uint32_t>(i));
  fill(Kind::PowerUser, 0.01, [&] { return 1 + rng.below(3); });
  finish_plan(rng, used);
}

// The random profile's plan: shares, sizes and forms from world_, every farm
// its own knobs (add_group), and the genuine customers of farms' reseller proxies.
void World::plan_random() {
  Rng rng(hash2(key_, 0x706c616e72ULL));
  const std::uint64_t n = opt_.accounts;
  const double nd = static_cast<double>(n);
  const WorldDraws& wd = world_;
  std::uint64_t used = 0;
  auto fill = [&](Kind kind, double share, const std::function<std::uint64_t()>& size_fn) {
    used += World::fill(kind, share, rng, size_fn);
  };
  {  // farms: log-uniform sizes in [20, cap]
    const std::uint64_t budget = static_cast<std::uint64_t>(wd.hydra_share * nd);
    const double cap = std::min(wd.max_cluster, std::max(40.0, 0.05 * nd));
    std::uint64_t got = 0;
    while (budget - got >= 20) {
      std::uint64_t s = static_cast<std::uint64_t>(20.0 * std::exp(rng.uniform() * std::log(cap / 20.0)));
      s = std::min(s, budget - got);
      if (s < 20) break;
      add_group(Kind::Hydra, s, rng);
      if (groups_.back().proxy) hydra_proxy_groups_.push_back(static_cast<std::uint32_t>(groups_.size() - 1));
      got += s;
    }
    used += got;
  }
  {  // a reseller's genuine customers: cover/(1-cover) per proxied farm account, at most 25% of N overall
    std::vector<std::pair<std::uint32_t, double>> want;
    double total = 0;
    for (std::uint32_t gi = 0; gi < groups_.size(); ++gi) {
      const Group& g = groups_[gi];
      if (g.kind != Kind::Hydra || !g.proxy) continue;
      const FarmKnobs& f = farms_[g.param].knobs;
      if (f.cover_share <= 0) continue;
      const auto& bd = farms_[g.param].bounds;  // layout a d b c e f
      const double proxied = static_cast<double>((bd[1] - bd[0]) + (bd[3] - bd[2]));
      const double c = proxied * f.cover_share / (1.0 - f.cover_share);
      if (c >= 1.0) { want.emplace_back(gi, c); total += c; }
    }
    const double scale = total > 0.25 * nd ? 0.25 * nd / total : 1.0;
    for (const auto& [gi, c] : want) {
      const auto s = static_cast<std::uint64_t>(c * scale);
      if (s < 1) continue;
      add_group(Kind::ProxyCustomer, s, rng);
      groups_.back().host = gi;
      used += s;
    }
  }
  fill(Kind::Family, wd.family, [&] { return 2 + rng.below(3); });
  fill(Kind::Corporate, wd.corporate, [&] {
    return std::min<std::uint64_t>(300, 3 + static_cast<std::uint64_t>(rng.lognormal(std::log(wd.corporate_median), 1.0))); });
  fill(Kind::Sharded, wd.sharded, [&] {
    return static_cast<std::uint64_t>(8.0 * std::exp(rng.uniform() * std::log(wd.sharded_max / 8.0))); });
  fill(Kind::University, wd.university, [&] {
    return static_cast<std::uint64_t>(std::min(std::max(60.0, 0.01 * nd), 200.0 + rng.uniform() * 2800.0)); });
  const std::size_t before_carrier = groups_.size();
  fill(Kind::CarrierNat, wd.carrier_nat, [&] {
    return static_cast<std::uint64_t>(std::min(std::max(100.0, 0.02 * nd), 300.0 + rng.uniform() * 2700.0)); });
  for (std::size_t i = before_carrier; i < groups_.size(); ++i) carrier_groups_.push_back(static_cast<std::uint32_t>(i));
  fill(Kind::VpnExit, wd.vpn_exit, [&] { return 200 + rng.below(800); });
  const std::size_t before_agg = groups_.size();
  const auto aggs = static_cast<double>(wd.aggregators);
  fill(Kind::Aggregator, wd.aggregator, [&] { return static_cast<std::uint64_t>(wd.aggregator * nd / aggs) + 1; });
  for (std::size_t i = before_agg; i < groups_.size(); ++i) aggregator_groups_.push_back(static_cast<std::uint32_t>(i));
  fill(Kind::PowerUser, wd.power_user, [&] { return 1 + rng.below(static_cast<std::uint64_t>(wd.power_user_max)); });
  // Trusted labels go to verified organisations' accounts: enough of them for trusted_rate of the benign accounts.
  std::uint64_t eligible = 0, hydra = 0;
  for (const auto& g : groups_) {
    if (g.kind == Kind::Corporate || g.kind == Kind::University || g.kind == Kind::Sharded || g.kind == Kind::Aggregator)
      eligible += g.size;
    if (g.kind == Kind::Hydra) hydra += g.size;
  }
  trusted_p_ = eligible > 0 ? std::min(1.0, wd.trusted_rate * static_cast<double>(n - hydra) / static_cast<double>(eligible)) : 0.0;
  finish_plan(rng, used);
}

// Individuals last, logical ranges, IP slot offsets (shared by both planners).
void World::finish_plan(Rng& rng, std::uint64_t used) {
  const std::uint64_t n = opt_.accounts;
  if (used >= n) throw std::invalid_argument("accounts: too few for the planned groups");
  individual_size_ = n - used;
  vpn_exits_ = std::max<std::uint64_t>(20, n / 400);
  // Logical ranges in plan order; individuals last.
  std::uint64_t at = 0;
  for (auto& g : groups_) { g.start = at; at += g.size; starts_.push_back(g.start); }
  individual_start_ = at;
  Group ind;
  ind.kind = Kind::Individual;
  ind.start = at;
  ind.size = individual_size_;
  ind.key = rng.next();
  groups_.push_back(ind);
  starts_.push_back(at);
  // Personal slots: 3 residential per account first, group slots after.
  for (auto& g : groups_) {
    if (!g.carrier) g.resi_base += 3 * n;
    g.dc_base += n;
  }
  if (dc_next_ + n > dc_.total()) throw std::invalid_argument("ip ranges: too few datacenter addresses for this N");
  if (vpn_exits_ > vpn_.total()) vpn_exits_ = vpn_.total();
}

// Hour-of-week weights for a person in time zone `tz`.
void human_pattern(Rng& r, double tz, bool office, std::array<float, kBuckets>& w) {
  const double peak = office ? 14.0 : 13.0 + 8.0 * r.uniform();
  for (std::uint32_t h = 0; h < kBuckets; ++h) {
    const double local = std::fmod(h + tz + 168.0, 168.0);
    const int day = static_cast<int>(local / 24.0), hour = static_cast<int>(std::fmod(local, 24.0));
    const bool weekend = ((day + 4) % 7) >= 5;  // bucket 0 is a Friday
    double v;
    if (office) v = (!weekend && hour >= 9 && hour < 18) ? 1.0 : 0.03;
    else v = std::exp(-0.5 * std::pow(std::min(std::fabs(hour - peak), 24 - std::fabs(hour - peak)) / 3.5, 2.0)) + 0.02;
    if (weekend) v *= office ? 0.3 : 1.2;
    w[h] = static_cast<float>(v);
  }
  // Bursty sessions: a few hours get most of the traffic.
  const int sessions = 1 + static_cast<int>(r.below(12));
  for (int s = 0; s < sessions; ++s) {
    const auto b = static_cast<std::uint32_t>(r.below(kBuckets));
    for (std::uint32_t k = 0; k < 1 + r.below(3) && b + k < kBuckets; ++k) w[b + k] *= static_cast<float>(4.0 + 8.0 * r.uniform());
  }
}

void flat_pattern(Rng& r, double noise, std::array<float, kBuckets>& w) {
  for (auto& x : w) x = static_cast<float>(std::max(0.05, 1.0 + noise * r.normal()));
}

// A shared per-group profile (service load curve or a hydra's traffic shape).
void group_pattern(std::uint64_t key, double burstiness, std::array<float, kBuckets>& w) {
  Rng r(key);
  const double phase = r.uniform() * 24.0;
  for (std::uint32_t h = 0; h < kBuckets; ++h)
    w[h] = static_cast<float>(1.0 + 0.4 * std::sin((h + phase) * 6.283185307179586 / 24.0));
  const int bursts = static_cast<int>(burstiness * 10);
  for (int b = 0; b < bursts; ++b) {
    const auto at = static_cast<std::uint32_t>(r.below(kBuckets));
    const auto len = 1 + r.below(6);
    for (std::uint32_t k = 0; k < len && at + k < kBuckets; ++k) w[at + k] *= static_cast<float>(3.0 + 5.0 * r.uniform());
  }
}

// Spreads `volume` requests over the buckets in proportion to w.
void distribute(Rng& r, double volume, const std::array<float, kBuckets>& w, std::vector<std::uint32_t>& buckets,
                std::vector<float>& values) {
  buckets.clear();
  values.clear();
  double sum = 0;
  for (float x : w) sum += x;
  if (volume < 1.0 || sum <= 0) return;
  std::array<float, kBuckets> acc{};
  if (volume <= 200) {
    std::array<double, kBuckets> cdf{};
    double c = 0;
    for (std::uint32_t h = 0; h < kBuckets; ++h) { c += w[h]; cdf[h] = c; }
    const auto n = static_cast<int>(volume);
    for (int i = 0; i < n; ++i) {
      const double u = r.uniform() * c;
      auto h = static_cast<std::uint32_t>(std::upper_bound(cdf.begin(), cdf.end(), u) - cdf.begin());
      acc[std::min(h, kBuckets - 1)] += 1.0f;
    }
  } else {
    for (std::uint32_t h = 0; h < kBuckets; ++h)
      acc[h] = static_cast<float>(std::floor(volume * w[h] / sum * (0.75 + 0.5 * r.uniform()) + r.uniform()));
  }
  for (std::uint32_t h = 0; h < kBuckets; ++h)
    if (acc[h] > 0) { buckets.push_back(h); values.push_back(acc[h]); }
}

std::int64_t us(std::int64_t seconds) { return seconds * kMicrosPerSecond; }

void World::ip_node(SnapshotWriter& w, std::uint32_t ip, const char* network, bool datacenter, std::uint64_t asn,
                    const char* country) {
  const std::string nid = "ip:" + synth::ip_text(ip);
  std::array<AttrInput, 4> attrs;
  attrs[0].key = "asn"; attrs[0].type = AttrType::Int; attrs[0].integer = static_cast<std::int64_t>(asn);
  attrs[1].key = "datacenter"; attrs[1].type = AttrType::Bool; attrs[1].boolean = datacenter;
  attrs[2].key = "country"; attrs[2].text = country;
  attrs[3].key = "network"; attrs[3].text = network;
  NodeRecord rec;
  rec.id = nid;
  rec.type = "ip";
  rec.attrs = attrs;
  put_node(w, rec);
}

// Every node goes through here: the random profile drops what its world does
// not carry (whole entity kinds, created_at, activity).
void World::put_node(SnapshotWriter& w, NodeRecord& rec) {
  if (random_) {
    const std::string_view t = rec.type;
    if ((t == "payment_method" && !world_.payment) || (t == "ip" && !world_.ips) || (t == "proxy" && !world_.proxies) ||
        (t == "device" && !world_.devices))
      return;
    if (!world_.created_at) rec.created_at = kNoTime;
    if (!world_.activity) {
      rec.has_activity = false;
      rec.activity = {};
    }
  }
  w.node(rec);
  ++nodes_;
}

// Every edge goes through here (same filter for edges, times and weights).
void World::edge(SnapshotWriter& w, const std::string& a, const std::string& b, const char* type, double weight,
                 std::int64_t first, std::int64_t last) {
  EdgeRecord e;
  e.src = a;
  e.dst = b;
  e.type = type;
  e.weight = std::max(1.0, std::round(weight));
  e.first_seen = us(first);
  e.last_seen = us(std::max(first, last));
  if (random_) {
    const std::string_view t = type;
    if ((t == "paid_with" && !world_.payment) || (t == "uses_ip" && !world_.ips) || (t == "via_proxy" && !world_.proxies) ||
        (t == "uses_device" && !world_.devices) || (t == "egress_ip" && !(world_.ips && world_.proxies)))
      return;
    if (!world_.timestamps) e.first_seen = e.last_seen = kNoTime;
    if (!world_.weights) e.weight = 1;
  }
  w.edge(e);
  ++edges_;
}

std::uint64_t resi_asn(std::uint32_t ip) { return 7000 + (ip >> 24) * 37 + ((ip >> 20) & 7); }
std::uint64_t dc_asn(std::uint64_t block) { return 13000 + mix64(block) % 50000; }

void World::emit_account(std::uint64_t i, SnapshotWriter& w) {
  const Group& g = group_of(i);
  const std::uint64_t k = i - g.start;  // member index
  Rng r(hash2(key_ ^ 0x6163636fULL, i));
  Rng gr(g.key);  // group-level draws (identical for all members)
  const double gu1 = gr.uniform(), gu2 = gr.uniform(), gu3 = gr.uniform();
  const auto& country = kCountries[(g.kind == Kind::Individual || g.kind == Kind::VpnExit || g.kind == Kind::Aggregator ||
                                    (g.kind == Kind::Hydra && g.tactic == 'b') || g.kind == Kind::ProxyCustomer)
                                       ? r.zipf(kCountries.size())
                                       : static_cast<std::size_t>(gu1 * 1e6) % kCountries.size()];
  const std::string aid = account_id(i);
  char tactic = g.tactic;  // the random profile: per account, from the farm's mixture (Farm::bounds)
  const char* tier = "paid";
  Label label = Label::Unknown;
  std::int64_t created = 0;
  double volume = 0;
  std::array<float, kBuckets> wts{};
  // Default: an individual's heavy-tailed life.
  auto individual_created = [&] {
    const double age_days = std::pow(r.uniform(), 1.8) * 5 * 365.0;  // more recent sign-ups are denser
    return kTakenAt - static_cast<std::int64_t>(age_days * kDay) - static_cast<std::int64_t>(r.below(kDay));
  };
  const std::string proxy_of_group = id("px:", kProxyG, static_cast<std::uint64_t>(&g - groups_.data()));
  const std::uint64_t gi = static_cast<std::uint64_t>(&g - groups_.data());
  std::vector<std::pair<std::string, double>> ips;  // (node id, share of traffic)
  std::string card, device, proxy;
  std::vector<std::string> extra_proxy;
  std::string personal_nodes;  // marker only
  bool personal_card = false, personal_device = false;
  int personal_resi = 0;
  bool personal_dc = false;
  std::int64_t first_activity = kStart;

  auto popular_device = [&] { return id("dev:", kDevPop, r.zipf(popular_devices_)); };
  auto own_card = [&] { personal_card = true; card = id("pm:", kCardP, i); };
  auto group_card = [&](std::uint64_t c) { card = id("pm:", kCardG, gi, c); };
  auto home = [&](int count, double share) {
    personal_resi = std::max(personal_resi, count);
    for (int c = 0; c < count; ++c) ips.emplace_back("ip:" + synth::ip_text(resi_ip(3 * i + c)), share / count);
  };
  auto group_resi = [&](std::uint64_t c, double share) {
    const std::uint64_t slot = g.resi_base + c % std::max<std::uint64_t>(1, g.resi_count);
    ips.emplace_back("ip:" + synth::ip_text(g.carrier ? carrier_ip(slot) : resi_ip(slot)), share);
  };
  auto group_dc = [&](std::uint64_t c, double share) {
    ips.emplace_back("ip:" + synth::ip_text(dc_ip(g.dc_base + c % std::max<std::uint64_t>(1, g.dc_count))), share);
  };
  auto vpn_exit = [&](double share) { ips.emplace_back("ip:" + synth::ip_text(vpn_ip(r.zipf(vpn_exits_))), share); };
  // Random profile: member k < count takes slot k of a group pool, so that every
  // planned card and IP has a user (`drawn` is drawn either way).
  auto slot = [&](std::uint64_t drawn, std::uint64_t count) { return random_ && k < count ? k : drawn; };

  switch (g.kind) {
    case Kind::Individual:
    case Kind::Aggregator:
    case Kind::VpnExit:
    case Kind::CarrierNat:
    case Kind::ProxyCustomer: {
      created = individual_created();
      const double u = r.uniform();
      if (g.kind == Kind::Individual && u < 0.15) {  // dormant
        volume = static_cast<double>(r.below(4));
        human_pattern(r, country.tz, false, wts);
      } else if (g.kind == Kind::Individual && u < 0.20) {  // cron-job developer
        volume = r.lognormal(std::log(2000.0), 1.0);
        std::fill(wts.begin(), wts.end(), 0.01f);
        const auto hour = r.below(24), every = 1 + r.below(4);
        for (std::uint32_t h = 0; h < kBuckets; ++h) if ((h % 24) % every == hour % every) wts[h] = 1.0f;
        personal_dc = true;
      } else if (g.kind == Kind::Individual && u < 0.23) {  // a 24/7 service
        volume = r.lognormal(std::log(40000.0), 1.5);
        flat_pattern(r, 0.2, wts);
        personal_dc = true;
      } else {
        volume = r.lognormal(std::log(250.0), 2.0);
        human_pattern(r, country.tz, false, wts);
      }
      if (r.chance(0.45)) tier = "free"; else own_card();
      home(1 + static_cast<int>(r.below(3)), personal_dc ? 0.2 : 1.0);  // slot 0 always: hydra (b) exits reuse it
      if (r.chance(0.8)) device = popular_device(); else { personal_device = true; device = id("dev:", kDevP, i); }
      if (g.kind == Kind::CarrierNat) {
        group_resi(r.below(g.resi_count), 2.0);
        if (r.chance(0.5)) group_resi(r.below(g.resi_count), 1.0);
      } else if (g.kind == Kind::VpnExit) {
        vpn_exit(2.0);
        if (r.chance(0.4)) vpn_exit(1.0);
      } else if (g.kind == Kind::Aggregator) {
        proxy = proxy_of_group;
        group_dc(r.below(g.dc_count), 1.5);
        if (r.chance(0.5)) group_dc(r.below(g.dc_count), 1.0);
      } else if (g.kind == Kind::ProxyCustomer) {  // a reseller's genuine customer: its proxy, mostly its egress IPs
        const Group& h = groups_[g.host];
        proxy = id("px:", kProxyG, g.host, r.below(std::max<std::uint32_t>(1, h.proxies)));
        if (r.chance(0.8)) {
          if (h.dc_count > 0) ips.emplace_back("ip:" + synth::ip_text(dc_ip(h.dc_base + r.below(h.dc_count))), 1.5);
          else if (h.resi_count > 0) ips.emplace_back("ip:" + synth::ip_text(resi_ip(h.resi_base + r.below(h.resi_count))), 1.5);
        }
      } else if (!hydra_proxy_groups_.empty() && r.chance(0.003)) {  // a benign customer of a hydra's proxy
        proxy = id("px:", kProxyG, hydra_proxy_groups_[r.below(hydra_proxy_groups_.size())]);
      }
      if (g.kind == Kind::Individual && r.chance(0.01)) vpn_exit(0.3);
      if (r.chance(0.0005)) label = Label::Suspect;
      break;
    }
    case Kind::Family:
      created = individual_created();
      volume = r.lognormal(std::log(200.0), 1.8);
      human_pattern(r, country.tz, false, wts);
      group_card(0);
      group_resi(0, 1.0);
      if (r.chance(0.4)) home(1, 0.3);
      if (r.chance(0.7)) device = popular_device(); else { personal_device = true; device = id("dev:", kDevP, i); }
      break;
    case Kind::Corporate: {
      // Onboarding bursts: the company signs up its staff in a few waves.
      const auto wave = r.below(1 + g.size / 40);
      created = kTakenAt - static_cast<std::int64_t>((50 + gu2 * 900) * kDay) + static_cast<std::int64_t>(wave * 40 * kDay * gu3) +
                static_cast<std::int64_t>(r.below(8 * 3600));
      volume = r.lognormal(std::log(1500.0), 1.5);
      human_pattern(r, country.tz, true, wts);
      tier = "enterprise";
      group_card(slot(r.below(g.cards), g.cards));
      group_resi(slot(r.below(g.resi_count), g.resi_count), 1.0);
      if (r.chance(0.3)) home(1, 0.2);
      device = id("dev:", kDevG, gi, 0);
      if (g.proxy) { proxy = proxy_of_group; group_dc(slot(r.below(g.dc_count), g.dc_count), 0.5); }
      if (r.chance(0.002)) label = Label::Suspect;
      break;
    }
    case Kind::Sharded: {
      created = kTakenAt - static_cast<std::int64_t>((30 + gu2 * 600) * kDay) + static_cast<std::int64_t>(r.below(3 * 86400));
      const double spread = random_ ? world_.sharded_spread : 0.05;
      volume = std::exp(std::log(2e5) + 1.0 * (gu3 - 0.5) * 3) * std::max(0.5, 1.0 + spread * r.normal());
      std::array<float, kBuckets> base{};
      group_pattern(g.key, 0.2, base);
      for (std::uint32_t h = 0; h < kBuckets; ++h) wts[h] = base[h] * static_cast<float>(std::max(0.2, 1.0 + spread * r.normal()));
      tier = "enterprise";
      group_card(0);
      group_dc(slot(r.below(g.dc_count), g.dc_count), 1.0);
      if (r.chance(0.5)) group_dc(r.below(g.dc_count), 1.0);
      device = id("dev:", kDevG, gi, 0);
      if (r.chance(0.01)) label = Label::Suspect;
      break;
    }
    case Kind::University: {
      // Semester sign-up bursts (September, February).
      const auto years = r.below(4);
      const bool spring = r.chance(0.4);
      created = kTakenAt - static_cast<std::int64_t>((years * 365 + (spring ? 15 : 165) + r.uniform() * 10) * kDay);
      volume = r.lognormal(std::log(200.0), 1.2);
      human_pattern(r, country.tz, false, wts);
      const auto deadline = static_cast<std::uint32_t>(gu2 * (kBuckets - 12));  // common assignment deadline
      for (std::uint32_t h = deadline; h < deadline + 10; ++h) wts[h] *= 25.0f;
      tier = "free";
      if (r.chance(0.4) || (random_ && k < g.cards)) { group_card(slot(r.below(g.cards), g.cards)); tier = "education"; }
      group_resi(slot(r.below(g.resi_count), g.resi_count), 1.5);
      if (r.chance(0.5)) home(1, 0.5);
      device = popular_device();
      if (r.chance(0.002)) label = Label::Suspect;
      break;
    }
    case Kind::PowerUser:
      created = individual_created();
      volume = r.lognormal(std::log(2e5), 1.0);
      human_pattern(r, country.tz, false, wts);
      for (auto& x : wts) x += 0.3f;
      group_card(0);
      device = id("dev:", kDevG, gi, 0);
      home(1, 1.0);
      if (r.chance(0.5)) { personal_dc = true; }
      break;
    case Kind::Hydra: {
      if (random_) {  // the farm's own knobs; the account's tactic from the farm's mixture
        const Farm& fm = farms_[g.param];
        const FarmKnobs& f = fm.knobs;
        const std::uint64_t pos = farm_position(g, k);
        const auto li = static_cast<std::size_t>(std::upper_bound(fm.bounds.begin() + 1, fm.bounds.end(), pos) - fm.bounds.begin() - 1);
        tactic = kLayout[li];
        const std::uint64_t n_a = fm.bounds[1], n_ad = fm.bounds[2];
        // Rank among the members on cards and cloud IPs (a, d), on home-like IPs (b, c), behind the proxies (a, b).
        const std::uint64_t rank_bc = pos >= n_ad ? pos - n_ad : 0, rank_ab = tactic == 'a' ? pos : n_a + rank_bc;
        const double sync = std::min(0.98, f.synchrony * (tactic == 'c' ? 1.25 : 1.0));
        const double cv = f.balance_cv;
        if (r.chance(f.aged_fraction)) {
          created = individual_created();
        } else {  // one of the farm's bursts, each spread over burst_spread_hours
          const auto burst = r.below(static_cast<std::uint64_t>(f.bursts));
          const double start_days = f.burst_age_days + f.burst_spread_hours / 24.0 + static_cast<double>(burst) * f.burst_gap_days;
          created = kTakenAt - static_cast<std::int64_t>(start_days * kDay) +
                    static_cast<std::int64_t>(r.uniform() * f.burst_spread_hours * 3600.0);
        }
        volume = f.hydra_volume * std::exp(cv * r.normal() - 0.5 * cv * cv);
        std::array<float, kBuckets> common{}, own{};
        group_pattern(g.key, f.burstiness, common);
        human_pattern(r, country.tz, false, own);
        double cs = 0, os = 0;
        for (std::uint32_t h = 0; h < kBuckets; ++h) { cs += common[h]; os += own[h]; }
        const auto rot = static_cast<std::uint64_t>(f.rotation), my_rot = rot > 0 ? k % rot : 0;
        for (std::uint32_t h = 0; h < kBuckets; ++h) {
          double v = sync * common[h] / cs + (1 - sync) * own[h] / os;
          if (f.pivots && h >= kReleaseBucket) v *= 3.0;
          if (rot > 0 && (h / 24 + my_rot) % rot == 0) v *= 0.1;  // rotation of subsets across days
          wts[h] = static_cast<float>(v);
        }
        volume *= 1.0 + f.resold_share * r.uniform();
        switch (f.device_mode) {
          case synth::DeviceMode::Pool:  // the first `devices` positions own the pool's devices; others may hide behind popular ones
            device = pos >= g.devices && r.chance(f.camouflage * 0.7) ? popular_device() : id("dev:", kDevG, gi, pos % g.devices);
            break;
          case synth::DeviceMode::AntiDetect: personal_device = true; device = id("dev:", kDevP, i); break;
          case synth::DeviceMode::Popular: device = popular_device(); break;
        }
        auto farm_proxy = [&] { if (g.proxies > 0) proxy = id("px:", kProxyG, gi, rank_ab % g.proxies); };
        switch (tactic) {
          case 'a':
            group_card(pos % g.cards);
            farm_proxy();
            group_dc(pos, 1.0);
            if (r.chance(0.5)) group_dc(r.below(g.dc_count), 1.0);
            break;
          case 'b':
            own_card();
            farm_proxy();
            group_resi(rank_bc, 1.0);
            if (individual_size_ > 0 && r.chance(0.7)) {  // residential exits that are real people's home IPs
              const std::uint64_t j = individual_start_ + hash2(g.key, r.below(std::max<std::uint64_t>(4, g.size / 3))) % individual_size_;
              ips.emplace_back("ip:" + synth::ip_text(resi_ip(3 * j)), 1.0);
            }
            break;
          case 'c':
            if (r.chance(0.5)) tier = "free"; else { tier = "prepaid"; own_card(); }
            group_resi(rank_bc, 1.0);
            break;
          case 'd':
            group_card(pos % g.cards);
            group_dc(pos, 1.0);
            break;
          case 'e':  // free-tier ghost: a fresh home-looking IP and fingerprint, nothing shared
            tier = "free";
            home(1, 1.0);
            personal_device = true;
            device = id("dev:", kDevP, i);
            break;
          default:  // 'f', mule: own card, own home IPs
            own_card();
            if (r.chance(0.3)) tier = "prepaid";
            home(1 + static_cast<int>(r.below(2)), 1.0);
            break;
        }
        if (r.chance(f.camouflage)) {  // edges into carrier NAT, VPN exits and aggregators
          const auto what = r.below(3);
          if (what == 0 && !carrier_groups_.empty()) {
            const Group& c = groups_[carrier_groups_[r.below(carrier_groups_.size())]];
            ips.emplace_back("ip:" + synth::ip_text(carrier_ip(c.resi_base + r.below(c.resi_count))), 1.0);
          } else if (what == 1 || aggregator_groups_.empty()) {
            vpn_exit(0.8);
          } else {
            const auto ag = aggregator_groups_[r.below(aggregator_groups_.size())];
            const Group& a = groups_[ag];
            extra_proxy.push_back(id("px:", kProxyG, ag));
            ips.emplace_back("ip:" + synth::ip_text(dc_ip(a.dc_base + r.below(a.dc_count))), 0.8);
          }
          if (r.chance(f.camouflage * 0.5)) home(1, 0.3);
        }
        // Banned seeds: exactly floor(seed_fraction x size + u) members, in a shuffled order (not the invite roots).
        const auto seeds = static_cast<std::uint64_t>(std::floor(f.seed_fraction * static_cast<double>(g.size) + gu3));
        if (Permutation(g.size, g.key ^ 0x7365656473ULL)(k) < seeds) label = Label::Banned;
        break;
      }
      const double sync = std::min(1.0, opt_.synchrony * (g.tactic == 'c' ? 1.25 : 1.0));
      const double cv = opt_.balance_cv * (g.tactic == 'c' ? 0.5 : 1.0);
      // Accounts made in bursts, or bought aged.
      if (r.chance(opt_.aged_fraction)) {
        created = individual_created();
      } else {
        const auto burst = r.below(1 + g.size / 50);
        created = kTakenAt - static_cast<std::int64_t>((10 + (gu2 + 0.13 * burst) * 150) * kDay) + static_cast<std::int64_t>(r.below(6 * 3600));
      }
      volume = opt_.hydra_volume * std::exp(2.0 * (gu3 - 0.5)) * std::exp(cv * r.normal() - 0.5 * cv * cv);
      std::array<float, kBuckets> common{}, own{};
      group_pattern(g.key, 0.8, common);
      human_pattern(r, country.tz, false, own);
      double cs = 0, os = 0;
      for (std::uint32_t h = 0; h < kBuckets; ++h) { cs += common[h]; os += own[h]; }
      const bool pivot = gu1 < opt_.pivot_probability;
      const std::uint64_t rot = 2 + static_cast<std::uint64_t>(gu2 * 2), my_rot = k % rot;
      for (std::uint32_t h = 0; h < kBuckets; ++h) {
        double v = sync * common[h] / cs + (1 - sync) * own[h] / os;
        if (pivot && h >= kReleaseBucket) v *= 3.0;
        if ((h / 24 + my_rot) % rot == 0 && sync > 0.3) v *= 0.1;  // rotation of subsets across days
        wts[h] = static_cast<float>(v);
      }
      // Resold ordinary traffic: part of the volume looks like a person.
      volume *= 1.0 + opt_.resold_share * r.uniform();
      tier = "paid";
      const std::uint64_t dev_pick = r.below(std::max<std::uint32_t>(1, g.devices));
      device = r.chance(opt_.camouflage * 0.7) ? popular_device() : id("dev:", kDevG, gi, dev_pick);
      switch (g.tactic) {
        case 'a':
          group_card(r.below(g.cards));
          proxy = proxy_of_group;
          group_dc(r.below(g.dc_count), 1.0);
          if (r.chance(0.5)) group_dc(r.below(g.dc_count), 1.0);
          break;
        case 'b':
          own_card();
          proxy = proxy_of_group;
          group_resi(r.below(g.resi_count), 1.0);
          if (individual_size_ > 0) {  // residential proxy exits that are real people's home IPs
            const std::uint64_t j = individual_start_ + hash2(g.key, r.below(std::max<std::uint64_t>(4, g.size / 3))) % individual_size_;
            if (r.chance(0.7)) ips.emplace_back("ip:" + synth::ip_text(resi_ip(3 * j)), 1.0);
          }
          break;
        case 'c':
          if (r.chance(0.5)) tier = "free"; else { tier = "prepaid"; own_card(); }
          group_resi(r.below(g.resi_count), 1.0);
          break;
        default:
          group_card(r.below(g.cards));
          group_dc(r.below(g.dc_count), 1.0);
          break;
      }
      // Camouflage: edges into carrier NAT, VPN exits and aggregators.
      if (r.chance(opt_.camouflage)) {
        const auto what = r.below(3);
        if (what == 0 && !carrier_groups_.empty()) {
          const Group& c = groups_[carrier_groups_[r.below(carrier_groups_.size())]];
          ips.emplace_back("ip:" + synth::ip_text(carrier_ip(c.resi_base + r.below(c.resi_count))), 1.0);
        } else if (what == 1 || aggregator_groups_.empty()) {
          vpn_exit(0.8);
        } else {
          const auto ag = aggregator_groups_[r.below(aggregator_groups_.size())];
          const Group& a = groups_[ag];
          extra_proxy.push_back(id("px:", kProxyG, ag));
          ips.emplace_back("ip:" + synth::ip_text(dc_ip(a.dc_base + r.below(a.dc_count))), 0.8);
        }
        if (r.chance(opt_.camouflage * 0.5)) home(1, 0.3);  // an own-looking home IP
      }
      const auto seeds = static_cast<std::uint64_t>(std::floor(opt_.seed_fraction * static_cast<double>(g.size) + gu3));
      if (k < seeds) label = Label::Banned;
      break;
    }
  }
  // People also use the API from a phone on a carrier network and from a
  // second device: edges into the shared hubs a real snapshot is full of
  // (carrier NAT pools, popular client fingerprints). Automation does not.
  // Random profile: a farm account mimics a person's with prob. `camouflage`.
  std::string device2;
  const bool mimic = random_ && g.kind == Kind::Hydra && r.chance(farms_[g.param].knobs.camouflage);
  if (((g.kind != Kind::Hydra && g.kind != Kind::Sharded) || mimic) && volume >= 4) {
    if (r.chance(0.7) && !carrier_groups_.empty()) {
      const Group& c = groups_[carrier_groups_[r.below(carrier_groups_.size())]];
      const auto pool = std::max<std::uint64_t>(1, c.resi_count);
      ips.emplace_back("ip:" + synth::ip_text(carrier_ip(c.resi_base + r.below(pool))), 0.3);
      if (r.chance(0.4)) ips.emplace_back("ip:" + synth::ip_text(carrier_ip(c.resi_base + r.below(pool))), 0.1);
    }
    if (r.chance(0.7)) {
      device2 = popular_device();
      if (device2 == device) device2.clear();
    }
  }
  // Random profile: the world's labels, generic entities and invitations.
  std::vector<Link> links;
  std::uint64_t inviter = ~std::uint64_t{0};
  if (random_) {
    if (g.kind != Kind::Hydra) {
      Rng lr(hash2(key_ ^ 0x6c6162656cULL, i));
      const bool eligible =
          g.kind == Kind::Corporate || g.kind == Kind::University || g.kind == Kind::Sharded || g.kind == Kind::Aggregator;
      label = Label::Unknown;
      if (eligible && lr.chance(trusted_p_)) label = Label::Trusted;
      else if (lr.chance(world_.suspect_rate)) label = Label::Suspect;
    }
    generic_links(i, g, g.kind == Kind::Hydra ? farm_position(g, k) : k, links);
    if (world_.invites) inviter = inviter_of(i, g);
  }
  created = std::min(created, kTakenAt - 3600);
  first_activity = std::max(kStart, created);
  if (created > kStart)  // an account made inside the window has no traffic before it
    for (std::uint32_t h = 0; h < kBuckets; ++h)
      if (kStart + static_cast<std::int64_t>(h) * 3600 < created) wts[h] = 0.0f;
  thread_local std::vector<std::uint32_t> bk;
  thread_local std::vector<float> vals;
  distribute(r, volume, wts, bk, vals);
  double total = 0;
  for (float v : vals) total += v;

  std::array<AttrInput, 2> attrs;
  attrs[0].key = "tier"; attrs[0].text = tier;
  attrs[1].key = "country"; attrs[1].text = country.code;
  NodeRecord rec;
  rec.id = aid;
  rec.type = "account";
  rec.label = label;
  rec.created_at = us(created);
  rec.attrs = attrs;
  rec.has_activity = true;
  rec.activity = ActivityRow(bk, vals);
  put_node(w, rec);

  // Personal entities are declared with their account.
  if (personal_card) {
    std::array<AttrInput, 2> a;
    a[0].key = "kind"; a[0].text = std::string_view(tier) == "prepaid" ? "prepaid" : "card";
    a[1].key = "country"; a[1].text = (g.kind == Kind::Hydra && tactic == 'b') ? kCountries[r.below(kCountries.size())].code : country.code;
    NodeRecord c; c.id = card; c.type = "payment_method"; c.attrs = a;
    put_node(w, c);
  }
  if (personal_device) {
    NodeRecord d; d.id = device; d.type = "device";
    put_node(w, d);
  }
  for (int c = 0; c < personal_resi; ++c) {
    const std::uint32_t ip = resi_ip(3 * i + c);
    ip_node(w, ip, "residential", false, resi_asn(ip), country.code);
  }
  if (personal_dc) {
    const std::uint64_t slot = i;  // one personal datacenter slot per account
    const std::uint32_t ip = dc_ip(slot);
    ip_node(w, ip, "hosting", true, dc_asn(dc_.block_of(dc_perm_(slot))), kCountries[mix64(slot) % kCountries.size()].code);
    ips.emplace_back("ip:" + synth::ip_text(ip), 1.0);
  }

  // Edges; weights are requests in the window.
  const std::int64_t span = kTakenAt - first_activity;
  auto times = [&](std::int64_t& f, std::int64_t& l) {
    f = first_activity + static_cast<std::int64_t>(r.uniform() * 0.5 * static_cast<double>(span));
    l = f + static_cast<std::int64_t>(r.uniform() * static_cast<double>(kTakenAt - f));
  };
  std::int64_t f, l;
  if (!card.empty()) { times(f, l); edge(w, aid, card, "paid_with", 1, first_activity, kTakenAt - 1); }
  double share_sum = 0;
  for (const auto& ip : ips) share_sum += ip.second;
  std::sort(ips.begin(), ips.end());
  ips.erase(std::unique(ips.begin(), ips.end(), [](const auto& a, const auto& b) { return a.first == b.first; }), ips.end());
  for (const auto& ip : ips) {
    times(f, l);
    edge(w, aid, ip.first, "uses_ip", std::max(1.0, total) * ip.second / std::max(1e-9, share_sum), f, l);
  }
  if (!device.empty()) { times(f, l); edge(w, aid, device, "uses_device", std::max(1.0, total), f, l); }
  if (!device2.empty()) { times(f, l); edge(w, aid, device2, "uses_device", std::max(1.0, total * 0.3), f, l); }
  if (!proxy.empty()) { times(f, l); edge(w, aid, proxy, "via_proxy", std::max(1.0, total * 0.8), f, l); }
  for (const auto& p : extra_proxy) { times(f, l); edge(w, aid, p, "via_proxy", std::max(1.0, total * 0.2), f, l); }
  for (const auto& link : links) {
    if (link.personal) { NodeRecord x; x.id = link.node; x.type = link.node_type; put_node(w, x); }
    edge(w, aid, link.node, link.edge, 1, first_activity, kTakenAt - 1);
  }
  if (inviter != ~std::uint64_t{0}) edge(w, account_id(inviter), aid, "invited", 1, first_activity, first_activity);
}

void World::emit_group_entities(const Group& g, SnapshotWriter& w) {
  const std::uint64_t gi = static_cast<std::uint64_t>(&g - groups_.data());
  Rng r(hash2(g.key, 0x656e74ULL));
  const auto& country = kCountries[static_cast<std::size_t>(Rng(g.key).uniform() * 1e6) % kCountries.size()];
  for (std::uint32_t c = 0; c < g.cards; ++c) {
    std::array<AttrInput, 2> a;
    a[0].key = "kind"; a[0].text = "card";
    a[1].key = "country"; a[1].text = country.code;
    const std::string cid = id("pm:", kCardG, gi, c);
    NodeRecord rec; rec.id = cid; rec.type = "payment_method"; rec.attrs = a;
    put_node(w, rec);
  }
  for (std::uint32_t d = 0; d < g.devices; ++d) {
    const std::string did = id("dev:", kDevG, gi, d);
    NodeRecord rec; rec.id = did; rec.type = "device";
    put_node(w, rec);
  }
  const char* network = g.carrier ? "mobile" : (g.kind == Kind::Corporate ? "business" : (g.kind == Kind::University ? "education" : "residential"));
  // A random-profile farm's proxies egress through its residential pool too.
  const bool resi_egress = random_ && g.kind == Kind::Hydra && g.proxy;
  const std::uint64_t proxies = g.proxy ? std::max<std::uint32_t>(1, g.proxies) : 0;  // IP c egresses proxy c % proxies
  for (std::uint64_t c = 0; c < g.resi_count; ++c) {
    const std::uint32_t ip = g.carrier ? carrier_ip(g.resi_base + c) : resi_ip(g.resi_base + c);
    ip_node(w, ip, network, false, resi_asn(ip), country.code);
    if (resi_egress) {
      const double weight = 3e4 * static_cast<double>(g.size) / static_cast<double>(g.resi_count) * (0.5 + r.uniform());
      edge(w, id("px:", kProxyG, gi, c % proxies), "ip:" + synth::ip_text(ip), "egress_ip", weight, kStart, kTakenAt - 1);
    }
  }
  for (std::uint64_t c = 0; c < g.dc_count; ++c) {
    const std::uint64_t slot = g.dc_base + c;
    const std::uint32_t ip = dc_ip(slot);
    ip_node(w, ip, "hosting", true, dc_asn(dc_.block_of(dc_perm_(slot))), kCountries[mix64(slot) % kCountries.size()].code);
    if (g.proxy) {
      const double weight = 3e4 * static_cast<double>(g.size) / static_cast<double>(g.dc_count) * (0.5 + r.uniform());
      edge(w, id("px:", kProxyG, gi, c % proxies), "ip:" + synth::ip_text(ip), "egress_ip", weight, kStart, kTakenAt - 1);
    }
  }
  for (std::uint64_t p = 0; p < proxies; ++p) {
    std::array<AttrInput, 1> a;
    a[0].key = "role";
    a[0].text = g.kind == Kind::Corporate ? "gateway" : (g.kind == Kind::Aggregator ? "aggregator" : "relay");
    const std::string pid = id("px:", kProxyG, gi, p);
    NodeRecord rec; rec.id = pid; rec.type = "proxy"; rec.attrs = a;
    put_node(w, rec);
  }
  if (random_)
    for (int t = 0; t < kGenericTypes; ++t)
      for (std::uint32_t c = 0, n = generic_pool(g, t); c < n; ++c) {
        const std::string nid = generic_id(t, kGenG, gi, (static_cast<std::uint64_t>(t) << 20) | c);
        NodeRecord rec; rec.id = nid; rec.type = kGenericCatalog[static_cast<std::size_t>(t)].name;
        put_node(w, rec);
      }
}

void World::emit_globals(SnapshotWriter& w) {
  for (std::uint64_t d = 0; d < popular_devices_; ++d) {
    const std::string did = id("dev:", kDevPop, d);
    NodeRecord rec; rec.id = did; rec.type = "device";
    put_node(w, rec);
  }
  for (std::uint64_t v = 0; v < vpn_exits_; ++v) {
    const std::uint32_t ip = vpn_ip(v);
    ip_node(w, ip, "vpn", true, dc_asn(vpn_.block_of(vpn_perm_(v)) + 777), kCountries[mix64(v + 99) % kCountries.size()].code);
  }
  if (random_)  // public hubs of the generic types (gmail-like domains, placeholder numbers, mail-forwarding addresses)
    for (int t = 0; t < kGenericTypes; ++t) {
      if (!world_.generic[static_cast<std::size_t>(t)]) continue;
      for (std::uint32_t h = 0; h < kGenericCatalog[static_cast<std::size_t>(t)].hubs; ++h) {
        const std::string nid = generic_id(t, kGenHub, static_cast<std::uint64_t>(t), h);
        NodeRecord rec; rec.id = nid; rec.type = kGenericCatalog[static_cast<std::size_t>(t)].name;
        put_node(w, rec);
      }
    }
}

// Random profile: pool size of generic type t owned by group g (0 = none).
std::uint32_t World::generic_pool(const Group& g, int t) const {
  if (!world_.generic[static_cast<std::size_t>(t)]) return 0;
  switch (g.kind) {
    case Kind::Hydra: return farms_[g.param].knobs.generic_pool[static_cast<std::size_t>(t)];
    case Kind::Family: return t == 2 || t == 4 ? 0 : 1;                 // home address, landline, family domain
    case Kind::Corporate: return t == 4 ? 0 : t == 3 ? 1 + static_cast<std::uint32_t>(g.key % 3) : 1;  // offices
    case Kind::University: return t == 0 || t == 4 ? 0 : 1;            // .edu domain, the university, campus
    case Kind::Sharded:
    case Kind::PowerUser: return 1;                                     // one owner behind every account
    default: return 0;
  }
}

// Random profile: the account's links into generic entities of the world's
// types: its group's pool, a public hub, or its own entity. Members of rank
// below the pool size take slot `rank`, so that every pool entity has a user.
void World::generic_links(std::uint64_t i, const Group& g, std::uint64_t rank, std::vector<Link>& links) const {
  Rng q(hash2(key_ ^ 0x67656e65726963ULL, i));
  const std::uint64_t gi = static_cast<std::uint64_t>(&g - groups_.data());
  for (int t = 0; t < kGenericTypes; ++t) {
    const auto ts = static_cast<std::size_t>(t);
    if (!world_.generic[ts]) continue;
    const auto& type = kGenericCatalog[ts];
    const std::uint32_t pool = generic_pool(g, t);
    // Prob. of using the group's pool, by kind and type (phone, email_domain, org, billing_address, payout_account).
    double p_pool = 0;
    switch (g.kind) {
      case Kind::Hydra: p_pool = farms_[g.param].knobs.generic_share[ts]; break;
      case Kind::Family: p_pool = std::array<double, 5>{0.3, 0.1, 0, 0.9, 0}[ts]; break;
      case Kind::Corporate: p_pool = std::array<double, 5>{0.3, 0.95, 0.9, 0.8, 0}[ts]; break;
      case Kind::University: p_pool = std::array<double, 5>{0, 0.85, 0.5, 0.3, 0}[ts]; break;
      case Kind::Sharded:
      case Kind::PowerUser: p_pool = 1.0; break;
      default: break;
    }
    if (pool > 0 && (rank < pool || q.chance(p_pool))) {
      const std::uint64_t slot = rank < pool ? rank : q.below(pool);
      links.push_back({generic_id(t, kGenG, gi, (static_cast<std::uint64_t>(t) << 20) | slot), type.name, type.edge, false});
      continue;
    }
    // Like an individual: a public hub, an own entity, or nothing.
    const double p_hub = std::array<double, 5>{0.02, world_.public_email, 0, 0.03, 0.02}[ts];
    const double p_own = std::array<double, 5>{0.8, 0.8, 0.4, 0.7, 0.1}[ts];
    if (type.hubs > 0 && q.chance(p_hub))
      links.push_back({generic_id(t, kGenHub, static_cast<std::uint64_t>(t), q.zipf(type.hubs)), type.name, type.edge, false});
    else if (q.chance(p_own))
      links.push_back({generic_id(t, kGenP, i, static_cast<std::uint64_t>(t)), type.name, type.edge, true});
  }
}

// Random profile: who invited account i (~0 = nobody). Friends among
// individuals, family and staff invitations, a farm's star / chain / tree.
std::uint64_t World::inviter_of(std::uint64_t i, const Group& g) const {
  constexpr std::uint64_t kNone = ~std::uint64_t{0};
  Rng q(hash2(key_ ^ 0x696e76697465ULL, i));
  const std::uint64_t k = i - g.start;
  std::uint64_t j = kNone;
  switch (g.kind) {
    case Kind::Family: if (k > 0 && q.chance(0.7)) j = g.start; break;
    case Kind::Corporate: if (k > 0 && q.chance(0.8)) j = g.start + k % (1 + g.size / 50); break;  // a few admins
    case Kind::University: if (k > 0 && q.chance(0.25)) j = i - 1; break;                         // classmates
    case Kind::Sharded:
    case Kind::PowerUser: if (k > 0 && q.chance(0.9)) j = g.start; break;
    case Kind::Hydra: {
      const FarmKnobs& f = farms_[g.param].knobs;
      if (!q.chance(f.invite_share)) break;
      const auto fan = static_cast<std::uint64_t>(f.invite_fanout);
      switch (f.invite_mode) {
        case synth::InviteMode::Star: if (k >= fan) j = g.start + q.below(fan); break;
        case synth::InviteMode::Chain: if (k > 0) j = i - 1; break;
        case synth::InviteMode::Tree: if (k > 0) j = g.start + (k - 1) / fan; break;
        case synth::InviteMode::None: break;
      }
      break;
    }
    default:  // individuals and the people behind carrier NAT, VPN exits, aggregators, resellers
      if (individual_size_ > 1 && q.chance(world_.invite_rate)) j = individual_start_ + q.below(individual_size_);
      break;
  }
  return j == i ? kNone : j;
}

void append_json_str(std::string& out, std::string_view s) {
  out.push_back('"');
  out.append(s);  // ids and kinds are [0-9a-z:_-] only
  out.push_back('"');
}

void World::write(const std::string& snapshot_path, const std::string& truth_path, GenerateReport& rep,
                  const ProgressFn& progress) {
  WriteOptions wo;
  wo.format = opt_.format;
  wo.gzip = opt_.gzip;
  SnapshotWriter w(snapshot_path, wo);
  SnapshotMeta meta;
  meta.id = "synth-" + std::string(to_string(opt_.profile)) + "-" + std::to_string(opt_.seed) + "-" + std::to_string(opt_.accounts);
  meta.taken_at = us(kTakenAt);
  meta.activity.start = us(kStart);
  meta.activity.bucket_seconds = 3600;
  meta.activity.buckets = kBuckets;
  if (random_ && !world_.activity) meta.activity = {};  // no activity anywhere: no snapshot.activity either
  if (random_ && !world_.activity && !world_.created_at && !world_.timestamps) meta.taken_at = kNoTime;  // no time at all
  w.header(meta);
  const std::uint64_t n = opt_.accounts;
  const Permutation order(n, key_ ^ 0x6f72646572ULL);
  for (std::uint64_t p = 0; p < n; ++p) {
    emit_account(order(p), w);
    if (progress && (p & 0xffff) == 0) progress("generate", p, n);
  }
  for (const auto& g : groups_) emit_group_entities(g, w);
  emit_globals(w);
  w.commit();

  // truth.json: one cluster per planted group, then every account id.
  AtomicFile t(truth_path);
  std::string& b = scratch_;
  b.assign("{\"format\":\"hydrascope.truth\",\"version\":1,\"generator\":{\"profile\":\"");
  b.append(to_string(opt_.profile));
  b.append("\",\"seed\":" + std::to_string(opt_.seed) + ",\"accounts\":" + std::to_string(n) + "},\n");
  std::vector<std::uint64_t> customers(random_ ? groups_.size() : 0, 0);  // genuine customers per farm (random profile)
  if (random_) {
    b.append("\"world\":{");
    synth::append_world_json(b, world_);
    b.append("},\n");
    for (const auto& g : groups_)
      if (g.kind == Kind::ProxyCustomer) customers[g.host] += g.size;
  }
  b.append("\"clusters\":[");
  bool first = true;
  for (const auto& g : groups_) {
    if (g.kind == Kind::Individual) continue;
    if (g.kind == Kind::Hydra) { ++rep.hydra_clusters; rep.hydra_accounts += g.size; } else { ++rep.lookalike_clusters; }
    b.append(first ? "\n" : ",\n");
    first = false;
    b.append("{\"id\":\"");
    b.append(kKindNames[static_cast<std::size_t>(g.kind)]);
    b.append("-" + std::to_string(g.ordinal) + "\",\"kind\":\"");
    b.append(kKindNames[static_cast<std::size_t>(g.kind)]);
    b.append("\"");
    if (g.tactic != 0) { b.append(",\"tactic\":\""); b.push_back(g.tactic); b.append("\""); }
    if (random_ && g.kind == Kind::Hydra) {  // the farm's knobs, and what the plan made of them
      b.append(",\"params\":{");
      const Farm& fm = farms_[g.param];
      synth::append_farm_json(b, fm.knobs);
      b.append(",\"tactic_counts\":{");
      for (int t = 0; t < synth::kTactics; ++t) {
        const auto l = static_cast<std::size_t>(std::string_view(kLayout).find(static_cast<char>('a' + t)));
        b.append(std::string(t > 0 ? "," : "") + "\"" + static_cast<char>('a' + t) + "\":" + std::to_string(fm.bounds[l + 1] - fm.bounds[l]));
      }
      b.push_back('}');
      b.append(",\"cards\":" + std::to_string(g.cards) + ",\"egress_dc\":" + std::to_string(g.dc_count) +
               ",\"egress_residential\":" + std::to_string(g.resi_count) + ",\"cover_customers\":" +
               std::to_string(customers[static_cast<std::size_t>(&g - groups_.data())]) + "}");
    }
    if (g.kind == Kind::ProxyCustomer) b.append(",\"host\":\"hydra-" + std::to_string(groups_[g.host].ordinal) + "\"");
    b.append(",\"accounts\":[");
    for (std::uint64_t k = 0; k < g.size; ++k) {
      if (k > 0) b.push_back(',');
      append_json_str(b, account_id(g.start + k));
      if (b.size() > (1u << 20)) { t.write(b); b.clear(); }
    }
    b.append("]}");
  }
  b.append("],\n\"accounts\":[");
  for (std::uint64_t p = 0; p < n; ++p) {
    if (p > 0) b.push_back(',');
    append_json_str(b, account_id(order(p)));
    if (b.size() > (1u << 20)) { t.write(b); b.clear(); }
  }
  b.append("]}\n");
  t.write(b);
  b.clear();
  t.commit();
  rep.accounts = n;
  rep.nodes = nodes_;
  rep.edges = edges_;
}

}  // namespace

std::string_view to_string(WorldProfile p) noexcept {
  switch (p) {
    case WorldProfile::Easy: return "easy";
    case WorldProfile::Mixed: return "mixed";
    case WorldProfile::Hard: return "hard";
    case WorldProfile::Random: return "random";
  }
  return "mixed";
}

GeneratorOptions GeneratorOptions::for_profile(WorldProfile p, std::uint64_t accounts, std::uint64_t seed) {
  GeneratorOptions o;
  o.accounts = accounts;
  o.seed = seed;
  o.profile = p;
  // Random draws its knobs per world and farm; the fields keep mixed's values and are not used.
  const double h = p == WorldProfile::Easy ? 0.0 : (p == WorldProfile::Hard ? 1.0 : 0.5);
  o.camouflage = 0.05 + 0.6 * h;
  o.balance_cv = 0.1 + 0.6 * h;
  o.synchrony = 0.9 - 0.55 * h;
  o.seed_fraction = 0.05 - 0.045 * h;
  o.aged_fraction = 0.05 + 0.65 * h;
  o.pivot_probability = 0.9 - 0.8 * h;
  o.resold_share = 0.1 + 0.5 * h;
  o.accounts_per_card = 20.0 - 16.0 * h;
  o.hydra_share = 0.05;
  o.hydra_volume = 30000.0 * std::pow(0.06, h);  // 30,000 (easy) .. 1,800 (hard): hidden in the heavy tail
  return o;
}
WorldProfile parse_profile(std::string_view name) {
  if (name == "easy") return WorldProfile::Easy;
  if (name == "mixed") return WorldProfile::Mixed;
  if (name == "hard") return WorldProfile::Hard;
  if (name == "random") return WorldProfile::Random;
  throw std::invalid_argument("profile must be easy, mixed, hard or random, got \"" + std::string(name) + "\"");
}

GeneratorOptions GeneratorOptions::easy(std::uint64_t a, std::uint64_t s) { return for_profile(WorldProfile::Easy, a, s); }
GeneratorOptions GeneratorOptions::mixed(std::uint64_t a, std::uint64_t s) { return for_profile(WorldProfile::Mixed, a, s); }
GeneratorOptions GeneratorOptions::hard(std::uint64_t a, std::uint64_t s) { return for_profile(WorldProfile::Hard, a, s); }

void GeneratorOptions::validate() const {
  auto in01 = [](double v, const char* name) {
    if (!(v >= 0.0 && v <= 1.0)) throw std::invalid_argument(std::string(name) + " must be in [0, 1], got " + std::to_string(v));
  };
  if (accounts < 1000 || accounts > (std::uint64_t{1} << 31))
    throw std::invalid_argument("accounts must be in [1000, 2^31], got " + std::to_string(accounts));
  if (format != SnapshotFormat::Json && format != SnapshotFormat::Ndjson && format != SnapshotFormat::CsvPair)
    throw std::invalid_argument("format must be json, ndjson or csv");
  if (!(hydra_share > 0.0 && hydra_share <= 0.2)) throw std::invalid_argument("hydra_share must be in (0, 0.2]");
  in01(camouflage, "camouflage");
  in01(synchrony, "synchrony");
  in01(seed_fraction, "seed_fraction");
  in01(aged_fraction, "aged_fraction");
  in01(pivot_probability, "pivot_probability");
  in01(resold_share, "resold_share");
  in01(false_lead_rate, "false_lead_rate");
  if (!(balance_cv >= 0.0 && balance_cv <= 5.0)) throw std::invalid_argument("balance_cv must be in [0, 5]");
  if (!(hydra_volume >= 1.0 && hydra_volume <= 1e9)) throw std::invalid_argument("hydra_volume must be in [1, 1e9]");
  if (!(accounts_per_card >= 1.0 && accounts_per_card <= 1000.0)) throw std::invalid_argument("accounts_per_card must be in [1, 1000]");
}

GenerateReport generate_world(const GeneratorOptions& options, const std::string& out_dir, const ProgressFn& progress) {
  options.validate();
  const synth::OutputPaths paths = synth::prepare_output(out_dir, options.format, options.gzip);
  GenerateReport rep;
  rep.snapshot_path = paths.snapshot;
  rep.truth_path = paths.truth;
  World world(options);
  world.write(rep.snapshot_path, rep.truth_path, rep, progress);
  return rep;
}

}  // namespace hydrascope
