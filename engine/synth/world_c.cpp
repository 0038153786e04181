// World C: an economy of principals (docs/generator.md, "World C"). Every
// account belongs to a principal (individual, family, company, class,
// hackathon, research lab, app developer, a reseller's clientele, farm
// operator) who acquires its resources from markets that legitimate
// principals and farms both use. A training family written from another idea
// than world A (planted tactics) so that held-out world B stays unseen.
//
// Streams like world A: the plan holds one small record per principal group;
// account i is drawn from (seed, i) and its group's key, written in a seeded
// Feistel order. Personal entities are declared with their account, group
// entities after all accounts, market pools last (only the entries used).
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "hydrascope/atomic_file.hpp"
#include "hydrascope/error.hpp"
#include "hydrascope/io.hpp"
#include "hydrascope/synth.hpp"
#include "synth_internal.hpp"

namespace hydrascope::synth {
namespace {

constexpr std::int64_t kTakenAt = 1772755200;  // 2026-03-06T00:00:00Z
constexpr std::int64_t kDay = 86400;
constexpr std::uint64_t kNone = ~std::uint64_t{0};

double uni(Rng& r, double lo, double hi) { return lo + (hi - lo) * r.uniform(); }
double logu(Rng& r, double lo, double hi) { return lo * std::exp(r.uniform() * std::log(hi / lo)); }
// Index drawn from unnormalised weights.
template <std::size_t K>
int choose(Rng& r, const std::array<double, K>& w) {
  double sum = 0;
  for (double x : w) sum += x;
  double u = r.uniform() * sum;
  for (std::size_t k = 0; k < K; ++k) {
    if (u < w[k]) return static_cast<int>(k);
    u -= w[k];
  }
  return static_cast<int>(K - 1);
}
template <std::size_t K>
std::string pick(Rng& r, const std::array<const char*, K>& names) { return names[r.below(K)]; }
std::uint64_t ceil_div(std::uint64_t a, double per) {
  return std::max<std::uint64_t>(1, static_cast<std::uint64_t>(std::ceil(static_cast<double>(a) / std::max(1.0, per))));
}

struct Country { const char* code; double tz; };
constexpr std::array<Country, 16> kCountries = {{{"US", -6}, {"IN", 5.5}, {"GB", 0}, {"DE", 1}, {"BR", -3},
                                                 {"JP", 9}, {"FR", 1}, {"CA", -5}, {"KR", 9}, {"ID", 7},
                                                 {"SG", 8}, {"NG", 1}, {"VN", 7}, {"AU", 10}, {"MX", -6},
                                                 {"PL", 1}}};
constexpr std::array<std::uint32_t, 20> kResiOctets = {24, 50, 67, 68, 69, 70, 71, 72, 73, 75,
                                                       76, 86, 90, 92, 98, 99, 108, 174, 176, 178};
constexpr std::array<std::uint32_t, 5> kCarrierOctets = {39, 42, 49, 117, 223};

enum class PKind : std::uint8_t {
  Individual, Family, Company, Classroom, Hackathon, Lab, Developer, Reseller, Farm, FrontCustomer
};
constexpr std::array<const char*, 10> kKindNames = {"individual", "family",        "company",         "class",
                                                    "hackathon",  "research_lab",  "app_developer",   "reseller_client",
                                                    "hydra",      "front_customer"};

// --- per world ---------------------------------------------------------------

// Type names of the world's entities and relations (drawn: the engine must not lean on one spelling).
struct Names {
  std::string card, paid, ip, uses_ip, device, uses_device, proxy, via_proxy, egress;
  std::string phone, has_phone, domain, has_domain, key, uses_key, workspace, member, ua, sends_ua;
  std::string referral, transfer, tier;
};

// What the snapshot carries at all; absent data is absent (no field, no type).
struct Data {
  bool sparse = false;  // p 0.1: one or two entity types, no activity, no edge times
  bool activity = true, created_at = true, edge_times = true, weights = true;
  std::uint32_t buckets = 168;  // hourly buckets of the activity window
  bool card = true, ip = true, device = true, proxy = true;
  bool phone = false, domain = false, key = false, workspace = false, ua = false;
  bool referral = false, transfer = false;
  bool country = true, tier = true, signup = false, entity_attrs = true;
};

// The markets every principal buys from.
struct Market {
  double carrier_people = 1000;  // strangers per carrier-grade NAT IP
  double carrier_use = 0.5;      // a person also uses the API from a phone on a carrier network
  double rproxy_ratio = 0.01;    // residential proxy pool, exits per account of the world
  double rproxy_home = 0.3;      // share of the pool's exits that are real people's home IPs
  double rproxy_people = 0.01;   // individuals who use a residential proxy service (scrapers, privacy)
  double vpn_people = 0.03;      // individuals on a consumer VPN
  double vpn_per_exit = 500;     // accounts of the world per VPN exit
  double wifi_people = 0.05;     // individuals seen on a public wifi hotspot
  double sms_people = 0.01;      // individuals verified with a rented SMS number
  double sms_ratio = 0.005;      // SMS pool numbers per account of the world
  double webmail = 0.8;          // individuals on a webmail domain
  double popular_device = 0.7;   // people on a popular fingerprint
  double popular_ua = 0.8;       // people on a popular SDK / client
  double own_key = 0.6;          // people with an own API key entity
  double virtual_cards = 0.2;    // a company issues one virtual card per staff member
  double free_tier = 0.45;       // individuals without a card
  std::uint32_t popular_devices = 200, popular_uas = 30, webmail_hubs = 20;
};

struct Shares {
  double farm = 0.05, family = 0.05, company = 0.08, classroom = 0.03, hackathon = 0.3, lab = 0.01, developer = 0.02,
         reseller = 0.05;
  int resellers = 2;
  double farm_cap = 500;  // largest farm (also at most max(30, 4% of N))
  double front_cap = 0.15;
};

struct Labels {
  double ban_rate = 0.05;  // banned share of a farm
  bool ban_varies = false;
  double trusted_rate = 0;  // verified organisations' accounts labelled trusted
  double suspect_rate = 0;  // benign false leads
};

// --- per farm --------------------------------------------------------------------

enum IpSource : int { kCloudPool, kProxyMarket, kCarrier, kSticky, kVpn };
constexpr std::array<const char*, 5> kIpSourceNames = {"cloud_pool", "residential_proxy_market", "mobile_carrier",
                                                       "sticky_residential", "vpn"};
constexpr std::array<const char*, 4> kCardSourceNames = {"consumer", "virtual", "prepaid", "none"};
constexpr std::array<const char*, 3> kDeviceNames = {"pool", "anti_detect", "popular"};
constexpr std::array<const char*, 3> kPhoneNames = {"own_sim", "sms_market", "own_pool"};
constexpr std::array<const char*, 3> kEmailNames = {"webmail", "catch_all", "privacy_relay"};
constexpr std::array<const char*, 5> kReferralNames = {"none", "star", "chain", "tree", "random"};
constexpr std::array<const char*, 4> kTransferNames = {"none", "hub", "ring", "random"};
constexpr std::array<const char*, 3> kTrafficNames = {"lockstep", "spread", "human"};
constexpr std::array<const char*, 3> kChannelNames = {"direct", "own_relay", "legit_reseller"};

struct Farm {
  int card_source = 0;  double card_reuse = 1;    // accounts per card (1 = nothing shared)
  int ip_source = 0;    double ip_reuse = 1;      // cloud pool: accounts per IP
  int device_mode = 0;  double device_reuse = 1;
  int phone_source = 0; double phone_reuse = 1;
  int email_mode = 0;
  double ua_share = 0, key_share = 0, key_reuse = 1, ws_share = 0;
  int referral = 0; double referral_share = 0; int fanout = 1;
  int transfer = 0; double transfer_share = 0;
  double acq_burst = 1, acq_trickle = 0, acq_aged = 0;
  int bursts = 1; double burst_hours = 6, newest_days = 10, trickle_days = 60;
  int traffic = 0; double sync = 0.5, jitter_hours = 1, volume = 1000, volume_cv = 0.5; int op_country = 0;
  int channel = 0; double reseller_paid = 0; std::uint32_t reseller = 0;  // legit reseller: its group index
  double cover = 0, camouflage = 0, ban_share = 0;
  bool clean = false;  // shares no card and no IP (p 0.25)
};

struct Group {
  PKind kind = PKind::Individual;
  std::uint64_t start = 0, size = 0, key = 0;
  std::uint32_t ordinal = 0;
  std::uint32_t farm = 0;  // Farm: index into farms_
  std::uint32_t host = 0;  // FrontCustomer: the farm group whose relay it uses
  std::uint64_t resi_base = 0, resi_count = 0;    // office / campus / venue NAT IPs
  std::uint64_t cloud_base = 0, cloud_count = 0;  // cloud IPs (CI, lab cluster, gateway or relay egress, farm pool)
  std::uint32_t cards = 0, devices = 0, phones = 0, domains = 0, uas = 0, keys = 0, workspaces = 0, proxies = 0;
  int country = 0;
};

// Id classes: ids are hex of a bijective hash of (class, a, b).
enum Cls : std::uint64_t {
  kAcc = 1, kCardP, kCardG, kDevP, kDevG, kDevPop, kProxyG, kPhoneP, kPhoneG, kSms, kDomP, kDomG, kDomHub,
  kUaP, kUaG, kUaHub, kKeyP, kKeyG, kWsG
};

std::string hex16(std::uint64_t v) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}
std::int64_t us(std::int64_t s) { return s * kMicrosPerSecond; }

// One edge from an account to an entity; traffic edges weigh a share of its requests.
struct Link {
  std::string node;
  const std::string* type;
  double share;  // > 0: traffic share; <= 0: weight -share (1 when 0)
  bool window;   // traffic edge: first/last seen inside the activity window
};
// An entity declared with its account.
struct Own {
  std::string id;
  const std::string* type;
  int what;  // 0 card, 1 ip (home), 2 ip (cloud), 3 plain
  const char* issuer = "";
  std::uint32_t ip = 0;
};

class WorldC {
 public:
  explicit WorldC(const WorldCOptions& o) : opt_(o), key_(mix64(o.seed ^ 0x776f726c645f63ULL)) {
    load_spaces();
    Rng wr(hash2(key_, 0x776f726c64ULL));
    draw_world(wr);
    plan();
  }
  void write(const std::string& snapshot_path, const std::string& truth_path, GenerateReport& rep,
             const ProgressFn& progress);

 private:
  // ids
  std::string id(const std::string& type, std::uint64_t cls, std::uint64_t a, std::uint64_t b = 0) const {
    return type + ":" + hex16(mix64(((cls << 56) | (a << 24) | (b & 0xffffff)) ^ key_));
  }
  std::string account_id(std::uint64_t i) const { return "a:" + hex16(mix64(((kAcc << 56) | (i << 20)) ^ key_)); }
  static std::string ip_id(std::uint32_t ip) { return "ip:" + ip_text(ip); }

  // address spaces: residential slots [0, N) households, then group NAT, hotspots, proxy pool
  void load_spaces();
  std::uint32_t resi_ip(std::uint64_t slot) const { return resi_.at(resi_perm_(slot % resi_.total())); }
  std::uint32_t carrier_ip(std::uint64_t slot) const { return carrier_.at(carrier_perm_(slot % carrier_.total())); }
  std::uint32_t cloud_ip(std::uint64_t slot) const { return dc_.at(dc_perm_(slot % dc_.total())); }
  std::uint32_t vpn_ip(std::uint64_t slot) const { return vpn_.at(vpn_perm_(slot % vpn_.total())); }
  // A residential proxy exit: a pool address, or a real person's home IP (declared with that person).
  bool exit_is_home(std::uint64_t e, std::uint64_t& person) const {
    if (individual_size_ == 0) return false;
    const std::uint64_t h = hash2(key_ ^ 0x65786974ULL, e);
    if (static_cast<double>(h >> 11) * 0x1.0p-53 >= market_.rproxy_home) return false;
    person = individual_start_ + mix64(h) % individual_size_;
    return true;
  }
  std::uint32_t exit_ip(std::uint64_t e) const {
    std::uint64_t person = 0;
    return exit_is_home(e, person) ? resi_ip(person) : resi_ip(rproxy_base_ + e);
  }

  void draw_world(Rng& r);
  Farm draw_farm(Rng& r);
  void plan();
  void add_group(PKind kind, std::uint64_t size, Rng& rng);
  std::uint64_t fill(PKind kind, double share, Rng& rng, const std::function<std::uint64_t()>& size_fn);
  const Group& group_of(std::uint64_t logical) const {
    auto it = std::upper_bound(starts_.begin(), starts_.end(), logical);
    return groups_[static_cast<std::size_t>(it - starts_.begin()) - 1];
  }

  void emit_account(std::uint64_t i, SnapshotWriter& w);
  void emit_group(const Group& g, SnapshotWriter& w);
  void emit_markets(SnapshotWriter& w);
  void put_node(SnapshotWriter& w, NodeRecord& rec);
  void ip_node(SnapshotWriter& w, std::uint32_t ip, const char* network, bool datacenter, const char* country);
  void entity(SnapshotWriter& w, const std::string& nid, const std::string& type);
  void edge(SnapshotWriter& w, const std::string& a, const std::string& b, const std::string& type, double weight,
            std::int64_t first, std::int64_t last);
  void truth(const std::string& path, const Permutation& order, GenerateReport& rep);
  void world_json(rapidjson::Writer<rapidjson::StringBuffer>& j) const;
  void farm_json(rapidjson::Writer<rapidjson::StringBuffer>& j, const Group& g) const;

  // activity
  void local(std::uint32_t h, double tz, int& hour, int& dow) const {
    const std::int64_t t = start_ + static_cast<std::int64_t>(h) * 3600 + static_cast<std::int64_t>(tz * 3600);
    const std::int64_t d = t / kDay;
    dow = static_cast<int>((d + 3) % 7);  // 1970-01-01 was a Thursday; 0 = Monday
    hour = static_cast<int>((t - d * kDay) / 3600);
  }
  void human(Rng& r, double tz, std::vector<float>& w) const;
  void office(double tz, std::vector<float>& w) const;
  void farm_common(const Group& g, const Farm& f, std::vector<float>& w) const;

  const WorldCOptions& opt_;
  std::uint64_t key_;
  Names names_;
  Data data_;
  Market market_;
  Shares shares_;
  Labels labels_;
  std::int64_t start_ = 0;  // activity window start
  AddressSpace resi_, carrier_, dc_, vpn_;
  Permutation resi_perm_{1, 0}, carrier_perm_{1, 0}, dc_perm_{1, 0}, vpn_perm_{1, 0};
  std::vector<Group> groups_;
  std::vector<Farm> farms_;
  std::vector<std::uint64_t> starts_;
  std::vector<std::uint32_t> resellers_;
  std::uint64_t individual_start_ = 0, individual_size_ = 0;
  std::uint64_t resi_next_ = 0, cloud_next_ = 0;
  std::uint64_t hotspot_base_ = 0, hotspots_ = 0, rproxy_base_ = 0, rproxy_pool_ = 0;
  std::uint64_t carrier_pool_ = 0, vpn_exits_ = 0, sms_pool_ = 0;
  double trusted_p_ = 0;
  // Market entries used by some account (declared once, at the end).
  std::vector<bool> used_carrier_, used_vpn_, used_rproxy_, used_hotspot_, used_sms_, used_dev_, used_ua_, used_mail_;
  bool used_relay_ = false;
  std::uint64_t nodes_ = 0, edges_ = 0;
};

void WorldC::load_spaces() {
  AddressSpace dc_raw, vpn_raw;
  read_ip_ranges(opt_.ip_ranges_dir, dc_raw, vpn_raw);  // --ip-ranges, or the built-in copy of datasets/ip-ranges
  // Every address has one role: residential and carrier /8s, datacenter, VPN are disjoint.
  AddressSpace reserved;
  for (auto o : kResiOctets) reserved.add(o << 24, (o << 24) | 0xffffffu);
  for (auto o : kCarrierOctets) reserved.add(o << 24, (o << 24) | 0xffffffu);
  reserved.finish();
  dc_raw.finish(&reserved);
  dc_ = dc_raw;
  AddressSpace excl = reserved;
  for (const auto& r : dc_.ranges) excl.add(r.first, r.second);
  excl.finish();
  vpn_raw.finish(&excl);
  vpn_ = vpn_raw;
  AddressSpace taken;
  for (const auto& r : dc_.ranges) taken.add(r.first, r.second);
  for (const auto& r : vpn_.ranges) taken.add(r.first, r.second);
  taken.finish();
  for (auto o : kResiOctets) resi_.add((o << 24) | 0x010000u, (o << 24) | 0xfffffeu);
  resi_.finish(&taken);
  for (auto o : kCarrierOctets) carrier_.add((o << 24) | 0x010000u, (o << 24) | 0xfffffeu);
  carrier_.finish(&taken);
  if (dc_.total() < 1000 || vpn_.total() < 100) throw std::invalid_argument("ip ranges: too few datacenter or VPN addresses");
  resi_perm_ = Permutation(resi_.total(), key_ ^ 11);
  carrier_perm_ = Permutation(carrier_.total(), key_ ^ 12);
  dc_perm_ = Permutation(dc_.total(), key_ ^ 13);
  vpn_perm_ = Permutation(vpn_.total(), key_ ^ 14);
}

void WorldC::draw_world(Rng& r) {
  Names& n = names_;
  n.card = pick(r, std::array{"payment_method", "payment_method", "card", "billing_account"});
  n.paid = pick(r, std::array{"paid_with", "billed_to", "uses_card"});
  n.ip = r.chance(0.75) ? "ip" : "ip_address";
  n.uses_ip = pick(r, std::array{"uses_ip", "seen_from", "connects_from"});
  n.device = pick(r, std::array{"device", "fingerprint", "browser_fingerprint"});
  n.uses_device = pick(r, std::array{"uses_device", "has_fingerprint"});
  n.proxy = pick(r, std::array{"proxy", "proxy", "relay", "gateway"});
  n.via_proxy = pick(r, std::array{"via_proxy", "routed_through"});
  n.egress = pick(r, std::array{"egress_ip", "exits_via"});
  n.phone = pick(r, std::array{"phone", "phone_number", "sms_number"});
  n.has_phone = pick(r, std::array{"has_phone", "verified_by"});
  n.domain = pick(r, std::array{"email_domain", "mail_domain"});
  n.has_domain = pick(r, std::array{"has_email_domain", "email_at"});
  n.key = pick(r, std::array{"api_key", "key", "credential"});
  n.uses_key = pick(r, std::array{"uses_key", "authenticates_with"});
  n.workspace = pick(r, std::array{"workspace", "team", "org"});
  n.member = pick(r, std::array{"member_of", "in_workspace"});
  n.ua = pick(r, std::array{"user_agent", "client", "sdk"});
  n.sends_ua = pick(r, std::array{"sends_user_agent", "uses_client"});
  n.referral = pick(r, std::array{"invited", "referred", "referral"});
  n.transfer = pick(r, std::array{"transferred_to", "sent_credits", "credit_transfer"});
  n.tier = r.chance(0.5) ? "tier" : "plan";

  Data& d = data_;
  d.sparse = r.chance(0.1);
  d.activity = r.chance(0.7);
  d.buckets = std::array<std::uint32_t, 4>{72, 168, 168, 336}[r.below(4)];
  d.created_at = r.chance(0.8);
  d.edge_times = r.chance(0.6);
  d.weights = r.chance(0.75);
  d.card = r.chance(0.75);
  d.ip = r.chance(0.85);
  d.device = r.chance(0.55);
  d.proxy = r.chance(0.55);
  d.phone = r.chance(0.5);
  d.domain = r.chance(0.6);
  d.key = r.chance(0.35);
  d.workspace = r.chance(0.45);
  d.ua = r.chance(0.3);
  d.referral = r.chance(0.5);
  d.transfer = r.chance(0.35);
  d.country = r.chance(0.75);
  d.tier = r.chance(0.6);
  d.signup = r.chance(0.3);
  d.entity_attrs = r.chance(0.6);
  if (d.sparse) {  // one or two kinds of entity, no time at all
    d.activity = d.edge_times = false;
    d.created_at = r.chance(0.3);
    std::array<bool*, 9> kinds = {&d.card, &d.ip, &d.device, &d.proxy, &d.phone, &d.domain, &d.key, &d.workspace, &d.ua};
    for (bool* k : kinds) *k = false;
    const auto keep = 1 + r.below(2);
    for (std::uint64_t c = 0; c < keep; ++c) *kinds[r.below(kinds.size())] = true;
  }
  if (!(d.card || d.ip || d.device || d.proxy || d.phone || d.domain || d.key || d.workspace || d.ua)) d.ip = true;

  Market& m = market_;
  m.carrier_people = logu(r, 150, 3000);
  m.carrier_use = uni(r, 0.1, 0.8);
  m.rproxy_ratio = logu(r, 0.002, 0.05);
  m.rproxy_home = uni(r, 0, 0.6);
  m.rproxy_people = uni(r, 0, 0.02);
  m.vpn_people = uni(r, 0, 0.06);
  m.vpn_per_exit = logu(r, 200, 2000);
  m.wifi_people = uni(r, 0, 0.1);
  m.sms_people = uni(r, 0.002, 0.05);
  m.sms_ratio = logu(r, 0.001, 0.02);
  m.webmail = uni(r, 0.5, 0.95);
  m.popular_device = uni(r, 0.4, 0.9);
  m.popular_ua = uni(r, 0.5, 0.95);
  m.own_key = uni(r, 0.2, 1.0);
  m.virtual_cards = uni(r, 0, 0.6);
  m.free_tier = uni(r, 0.2, 0.7);
  m.popular_devices = static_cast<std::uint32_t>(logu(r, 50, 500));
  m.popular_uas = static_cast<std::uint32_t>(5 + r.below(40));
  m.webmail_hubs = static_cast<std::uint32_t>(5 + r.below(30));

  Shares& s = shares_;
  s.farm = uni(r, 0.01, 0.10);
  s.family = uni(r, 0.02, 0.10);
  s.company = uni(r, 0.03, 0.18);
  s.classroom = uni(r, 0, 0.08);
  s.hackathon = uni(r, 0, 0.6);
  s.lab = uni(r, 0, 0.03);
  s.developer = uni(r, 0.005, 0.05);
  s.reseller = r.chance(0.2) ? 0.0 : uni(r, 0.01, 0.12);
  s.resellers = 1 + static_cast<int>(r.below(4));
  s.farm_cap = logu(r, 40, 3000);

  Labels& l = labels_;
  l.ban_rate = r.chance(0.2) ? 0.0 : logu(r, 0.003, 0.3);
  l.ban_varies = r.chance(0.5);
  l.trusted_rate = r.chance(0.6) ? 0.0 : uni(r, 0, 0.1);
  l.suspect_rate = r.chance(0.3) ? 0.0 : logu(r, 1e-4, 5e-3);
}

// A farm's tactic: a point in a continuous space, drawn per farm.
Farm WorldC::draw_farm(Rng& r) {
  Farm f;
  auto reuse = [&](double p_none, double hi) { return r.chance(p_none) ? 1.0 : logu(r, 1.5, hi); };
  f.card_source = choose(r, std::array{0.35, 0.35, 0.15, 0.15});
  f.card_reuse = f.card_source == 1 ? reuse(0.6, 50) : reuse(0.35, 80);
  f.ip_source = choose(r, std::array{0.35, 0.2, 0.15, 0.2, 0.1});
  f.ip_reuse = f.ip_source == kCloudPool ? logu(r, 1, 60) : 1.0;
  f.device_mode = choose(r, std::array{0.4, 0.35, 0.25});
  f.device_reuse = f.device_mode == 0 ? logu(r, 1.5, 100) : 1.0;
  f.phone_source = choose(r, std::array{0.4, 0.3, 0.3});
  f.phone_reuse = f.phone_source == 2 ? logu(r, 1.5, 30) : 1.0;
  f.email_mode = choose(r, std::array{0.45, 0.35, 0.2});
  f.ua_share = r.chance(0.5) ? 0.0 : uni(r, 0.2, 1);
  f.key_share = r.chance(0.5) ? 0.0 : uni(r, 0.2, 1);
  f.key_reuse = logu(r, 2, 50);
  f.ws_share = r.chance(0.55) ? 0.0 : uni(r, 0.2, 1);
  f.referral = choose(r, std::array{0.35, 0.2, 0.15, 0.15, 0.15});
  f.referral_share = uni(r, 0.2, 1);
  f.fanout = f.referral == 3 ? 2 + static_cast<int>(r.below(7)) : 1 + static_cast<int>(r.below(5));
  f.transfer = choose(r, std::array{0.5, 0.2, 0.15, 0.15});
  f.transfer_share = uni(r, 0.1, 1);
  {
    const double b = r.gamma1(0.5), t = r.gamma1(0.5), a = r.gamma1(0.5), sum = std::max(1e-12, a + b + t);
    f.acq_burst = b / sum;
    f.acq_trickle = t / sum;
    f.acq_aged = a / sum;
  }
  f.bursts = 1 + static_cast<int>(r.below(6));
  f.burst_hours = logu(r, 0.5, 720);
  f.newest_days = uni(r, 0.5, 300);
  f.trickle_days = logu(r, 7, 720);
  f.traffic = choose(r, std::array{0.4, 0.25, 0.35});
  f.sync = f.traffic == 0 ? uni(r, 0.5, 0.98) : (f.traffic == 1 ? uni(r, 0.3, 0.95) : uni(r, 0, 0.5));
  f.jitter_hours = logu(r, 0.1, 12);
  f.volume = logu(r, 30, 3e5);
  f.volume_cv = logu(r, 0.03, 2.5);
  f.op_country = static_cast<int>(r.below(kCountries.size()));
  f.channel = choose(r, std::array{0.45, 0.35, resellers_.empty() ? 0.0 : 0.2});
  if (f.channel == 2) {
    f.reseller = resellers_[r.below(resellers_.size())];
    f.reseller_paid = uni(r, 0, 1);
  }
  f.cover = f.channel == 1 && r.chance(0.4) ? uni(r, 0.2, 0.7) : 0.0;
  f.camouflage = r.chance(0.2) ? 0.0 : uni(r, 0, 1);
  // A clean farm shares no card and no IP: one card (or none) and one sticky
  // residential exit per account, no relay; only its interactions, its
  // generic entities and its timing can give it away.
  f.clean = r.chance(0.25);
  if (f.clean) {
    f.card_reuse = 1;
    f.ip_source = kSticky;
    f.ip_reuse = 1;
    f.channel = 0;
    f.cover = 0;
  }
  f.ban_share = labels_.ban_varies ? std::min(0.5, uni(r, 0, 2 * labels_.ban_rate)) : labels_.ban_rate;
  return f;
}

void WorldC::add_group(PKind kind, std::uint64_t size, Rng& rng) {
  Group g;
  g.kind = kind;
  g.size = size;
  g.key = rng.next();
  std::uint32_t ordinal = 1;
  for (auto it = groups_.rbegin(); it != groups_.rend(); ++it)
    if (it->kind == kind) { ordinal = it->ordinal + 1; break; }
  g.ordinal = ordinal;
  Rng r(hash2(g.key, 0x706c616eULL));
  g.country = static_cast<int>(r.zipf(kCountries.size()));
  auto resi = [&](std::uint64_t n) { g.resi_base = resi_next_; g.resi_count = std::min(n, size); resi_next_ += g.resi_count; };
  auto cloud = [&](std::uint64_t n) { g.cloud_base = cloud_next_; g.cloud_count = std::min(n, size); cloud_next_ += g.cloud_count; };
  auto cap = [&](std::uint64_t n) { return static_cast<std::uint32_t>(std::clamp<std::uint64_t>(n, 1, size)); };
  switch (kind) {
    case PKind::Family:
      g.cards = 1;
      g.domains = r.chance(0.2) ? 1 : 0;      // a family's own domain
      g.workspaces = r.chance(0.3) ? 1 : 0;   // a family plan
      g.devices = r.chance(0.3) ? 1 : 0;      // the shared tablet
      break;
    case PKind::Company:
      g.cards = r.chance(market_.virtual_cards) ? cap(size) : cap(1 + r.below(2));  // virtual card per staff, or the corporate card
      resi(1 + r.below(4));
      g.devices = r.chance(0.5) ? 1 : 0;  // managed image
      g.domains = 1;
      g.uas = r.chance(0.5) ? 1 : 0;      // internal tool
      g.keys = cap(1 + size / 10);
      g.workspaces = cap(1 + size / 25);
      g.phones = r.chance(0.3) ? 1 : 0;   // switchboard
      if (r.chance(0.3)) { g.proxies = 1; cloud(1 + r.below(2)); }  // API gateway
      break;
    case PKind::Classroom:
      resi(1 + r.below(3));
      g.devices = cap(2 + r.below(9));  // lab machines
      g.domains = 1;
      g.workspaces = 1;
      g.cards = r.chance(0.3) ? 1 : 0;  // the department's card
      break;
    case PKind::Hackathon: {
      resi(1 + r.below(2));
      const std::uint64_t team = 2 + (g.key >> 7) % 4;
      g.workspaces = cap(ceil_div(size, static_cast<double>(team)));
      g.keys = r.chance(0.6) ? g.workspaces : 0;
      g.cards = r.chance(0.4) ? 1 : 0;  // sponsor credits
      g.uas = r.chance(0.3) ? 1 : 0;    // the starter kit
      break;
    }
    case PKind::Lab:
      g.cards = 1;
      cloud(1 + size / 3);
      g.keys = cap(1 + r.below(2));
      g.workspaces = 1;
      g.domains = 1;
      g.uas = 1;
      break;
    case PKind::Developer:
      g.cards = r.chance(0.7) ? 1 : cap(size);
      cloud(1 + r.below(4));  // CI runners
      g.keys = cap(1 + r.below(3));
      g.uas = 1;
      g.workspaces = r.chance(0.6) ? 1 : 0;
      g.domains = r.chance(0.5) ? 1 : 0;
      break;
    case PKind::Reseller:
      g.cards = cap(1 + r.below(3));
      g.proxies = cap(1 + r.below(3));
      cloud(std::max<std::uint64_t>(2, size / 300));
      g.uas = 1;  // the reseller's SDK
      break;
    case PKind::Farm: {
      Rng fr(hash2(g.key, 0x6661726dULL));
      Farm f = draw_farm(fr);
      g.farm = static_cast<std::uint32_t>(farms_.size());
      g.cards = f.card_source == 3 ? 0 : cap(ceil_div(size, f.card_reuse));
      if (f.ip_source == kCloudPool && f.channel != 2) cloud(ceil_div(size, f.ip_reuse));
      if (f.channel == 1) {
        g.proxies = cap(1 + fr.below(4));
        if (g.cloud_count == 0) cloud(1 + fr.below(4));  // the relay's egress
      }
      g.devices = f.device_mode == 0 ? cap(ceil_div(size, f.device_reuse)) : 0;
      g.phones = f.phone_source == 2 ? cap(ceil_div(size, f.phone_reuse)) : 0;
      g.domains = f.email_mode == 1 ? cap(1 + fr.below(4)) : 0;
      g.uas = f.ua_share > 0 ? cap(1 + fr.below(3)) : 0;
      g.keys = f.key_share > 0 ? cap(ceil_div(static_cast<std::uint64_t>(std::ceil(f.key_share * static_cast<double>(size))), f.key_reuse)) : 0;
      g.workspaces = f.ws_share > 0 ? cap(1 + fr.below(4)) : 0;
      g.country = f.op_country;
      farms_.push_back(f);
      break;
    }
    case PKind::Individual:
    case PKind::FrontCustomer: break;
  }
  groups_.push_back(g);
}

std::uint64_t WorldC::fill(PKind kind, double share, Rng& rng, const std::function<std::uint64_t()>& size_fn) {
  const auto budget = static_cast<std::uint64_t>(share * static_cast<double>(opt_.accounts));
  std::uint64_t got = 0;
  while (got < budget) {
    std::uint64_t s = std::min(std::max<std::uint64_t>(2, size_fn()), budget - got);
    if (s < 2) break;
    add_group(kind, s, rng);
    got += s;
  }
  return got;
}

void WorldC::plan() {
  Rng rng(hash2(key_, 0x706c616e63ULL));
  const std::uint64_t n = opt_.accounts;
  const double nd = static_cast<double>(n);
  std::uint64_t used = 0;
  // Resellers first: farms may buy through them.
  const auto per_reseller = static_cast<std::uint64_t>(shares_.reseller * nd / shares_.resellers);
  if (per_reseller >= 20)
    for (int k = 0; k < shares_.resellers; ++k) {
      add_group(PKind::Reseller, per_reseller, rng);
      resellers_.push_back(static_cast<std::uint32_t>(groups_.size() - 1));
      used += per_reseller;
    }
  {  // farms: log-uniform sizes in [8, cap]
    const auto budget = static_cast<std::uint64_t>(shares_.farm * nd);
    const double cap = std::max(12.0, std::min(shares_.farm_cap, std::max(30.0, 0.04 * nd)));
    std::uint64_t got = 0;
    while (budget - got >= 8) {
      const std::uint64_t s = std::min(static_cast<std::uint64_t>(logu(rng, 8, cap)), budget - got);
      if (s < 8) break;
      add_group(PKind::Farm, s, rng);
      got += s;
    }
    used += got;
  }
  {  // genuine customers of farms that front as resellers: cover / (1 - cover) per farm account, capped
    const std::size_t farms_end = groups_.size();
    double total = 0;
    for (std::size_t gi = 0; gi < farms_end; ++gi)
      if (groups_[gi].kind == PKind::Farm) {
        const Farm& f = farms_[groups_[gi].farm];
        total += static_cast<double>(groups_[gi].size) * f.cover / (1 - f.cover);
      }
    const double scale = total > shares_.front_cap * nd ? shares_.front_cap * nd / total : 1.0;
    for (std::size_t gi = 0; gi < farms_end; ++gi) {
      if (groups_[gi].kind != PKind::Farm) continue;
      const Farm& f = farms_[groups_[gi].farm];
      const auto c = static_cast<std::uint64_t>(static_cast<double>(groups_[gi].size) * f.cover / (1 - f.cover) * scale);
      if (c < 1) continue;
      add_group(PKind::FrontCustomer, c, rng);
      groups_.back().host = static_cast<std::uint32_t>(gi);
      used += c;
    }
  }
  used += fill(PKind::Family, shares_.family, rng, [&] { return 2 + rng.below(4); });
  const double company_median = 8 + 32 * rng.uniform();
  used += fill(PKind::Company, shares_.company, rng, [&] {
    return std::min<std::uint64_t>(400, 3 + static_cast<std::uint64_t>(rng.lognormal(std::log(company_median), 1.0))); });
  used += fill(PKind::Classroom, shares_.classroom * (1 - shares_.hackathon), rng, [&] { return 15 + rng.below(286); });
  used += fill(PKind::Hackathon, shares_.classroom * shares_.hackathon, rng, [&] { return 30 + rng.below(371); });
  used += fill(PKind::Lab, shares_.lab, rng, [&] { return 3 + rng.below(38); });
  used += fill(PKind::Developer, shares_.developer, rng, [&] { return static_cast<std::uint64_t>(logu(rng, 2, 13)); });
  if (used >= n) throw std::invalid_argument("accounts: too few for the planned principals");
  // Trusted labels go to verified organisations (companies, labs, resellers' clients).
  std::uint64_t eligible = 0, farm = 0;
  for (const auto& g : groups_) {
    if (g.kind == PKind::Company || g.kind == PKind::Lab || g.kind == PKind::Reseller) eligible += g.size;
    if (g.kind == PKind::Farm) farm += g.size;
  }
  trusted_p_ = eligible > 0 ? std::min(1.0, labels_.trusted_rate * static_cast<double>(n - farm) / static_cast<double>(eligible)) : 0.0;
  // Logical ranges in plan order, individuals last.
  std::uint64_t at = 0;
  for (auto& g : groups_) { g.start = at; at += g.size; starts_.push_back(g.start); }
  individual_start_ = at;
  individual_size_ = n - used;
  Group ind;
  ind.kind = PKind::Individual;
  ind.start = at;
  ind.size = individual_size_;
  ind.key = rng.next();
  groups_.push_back(ind);
  starts_.push_back(at);
  // Residential slots: households [0, N), group NAT, public hotspots, the residential proxy pool.
  for (auto& g : groups_) { g.resi_base += n; g.cloud_base += n; }
  hotspot_base_ = n + resi_next_;
  hotspots_ = std::max<std::uint64_t>(5, n / 2000);
  rproxy_base_ = hotspot_base_ + hotspots_;
  rproxy_pool_ = std::max<std::uint64_t>(30, static_cast<std::uint64_t>(market_.rproxy_ratio * nd));
  carrier_pool_ = std::max<std::uint64_t>(4, static_cast<std::uint64_t>(nd * market_.carrier_use / market_.carrier_people));
  vpn_exits_ = std::min<std::uint64_t>(vpn_.total(), std::max<std::uint64_t>(10, static_cast<std::uint64_t>(nd / market_.vpn_per_exit)));
  sms_pool_ = std::max<std::uint64_t>(10, static_cast<std::uint64_t>(market_.sms_ratio * nd));
  if (n + cloud_next_ > dc_.total()) throw std::invalid_argument("ip ranges: too few datacenter addresses for this N");
  if (rproxy_base_ + rproxy_pool_ > resi_.total()) throw std::invalid_argument("accounts: too many for the residential space");
  used_carrier_.assign(carrier_pool_, false);
  used_vpn_.assign(vpn_exits_, false);
  used_rproxy_.assign(rproxy_pool_, false);
  used_hotspot_.assign(hotspots_, false);
  used_sms_.assign(sms_pool_, false);
  used_dev_.assign(market_.popular_devices, false);
  used_ua_.assign(market_.popular_uas, false);
  used_mail_.assign(market_.webmail_hubs, false);
  start_ = kTakenAt - static_cast<std::int64_t>(data_.buckets) * 3600;
}

// --- activity --------------------------------------------------------------------

void WorldC::human(Rng& r, double tz, std::vector<float>& w) const {
  const double peak = 10.0 + 12.0 * r.uniform();
  for (std::uint32_t h = 0; h < w.size(); ++h) {
    int hour, dow;
    local(h, tz, hour, dow);
    const double dist = std::min(std::fabs(hour - peak), 24 - std::fabs(hour - peak));
    double v = std::exp(-0.5 * (dist / 3.5) * (dist / 3.5)) + 0.02;
    if (dow >= 5) v *= 1.2;
    w[h] = static_cast<float>(v);
  }
  const auto sessions = 1 + r.below(3 * w.size() / 42 + 1);  // bursty sessions, a few per week
  for (std::uint64_t s = 0; s < sessions; ++s) {
    const auto b = r.below(w.size());
    for (std::uint64_t k = 0; k < 1 + r.below(3) && b + k < w.size(); ++k) w[b + k] *= static_cast<float>(4.0 + 8.0 * r.uniform());
  }
}

void WorldC::office(double tz, std::vector<float>& w) const {
  for (std::uint32_t h = 0; h < w.size(); ++h) {
    int hour, dow;
    local(h, tz, hour, dow);
    w[h] = (dow < 5 && hour >= 9 && hour < 18) ? 1.0f : 0.03f;
  }
}

// A farm operator's common schedule: lock-step job windows, an even 24/7 load, or office-like hours.
void WorldC::farm_common(const Group& g, const Farm& f, std::vector<float>& w) const {
  Rng r(hash2(g.key, 0x636f6d6dULL));
  const double tz = kCountries[static_cast<std::size_t>(f.op_country)].tz;
  switch (f.traffic) {
    case 0: {
      const auto begin = static_cast<int>(r.below(24)), len = 4 + static_cast<int>(r.below(17));
      for (std::uint32_t h = 0; h < w.size(); ++h) {
        int hour, dow;
        local(h, tz, hour, dow);
        const bool on = ((hour - begin + 24) % 24) < len;
        w[h] = on ? static_cast<float>(1.0 + 0.3 * std::sin(h * 0.7)) : 0.02f;
      }
      for (int b = 0, nb = static_cast<int>(r.below(8)); b < nb; ++b) {
        const auto at = r.below(w.size());
        for (std::uint64_t k = 0; k < 1 + r.below(5) && at + k < w.size(); ++k) w[at + k] *= static_cast<float>(3.0 + 5.0 * r.uniform());
      }
      break;
    }
    case 1:
      for (auto& x : w) x = static_cast<float>(std::max(0.2, 1.0 + 0.05 * r.normal()));
      break;
    default: office(tz, w); break;
  }
}

// Spreads `volume` over the buckets in proportion to w (non-zero buckets out).
void distribute(Rng& r, double volume, const std::vector<float>& w, std::vector<std::uint32_t>& buckets,
                std::vector<float>& values) {
  buckets.clear();
  values.clear();
  double sum = 0;
  for (float x : w) sum += x;
  if (volume < 1.0 || sum <= 0) return;
  thread_local std::vector<float> acc;
  acc.assign(w.size(), 0.0f);
  if (volume <= 200) {
    thread_local std::vector<double> cdf;
    cdf.resize(w.size());
    double c = 0;
    for (std::size_t h = 0; h < w.size(); ++h) { c += w[h]; cdf[h] = c; }
    for (int i = 0, n = static_cast<int>(volume); i < n; ++i) {
      const auto h = static_cast<std::size_t>(std::upper_bound(cdf.begin(), cdf.end(), r.uniform() * c) - cdf.begin());
      acc[std::min(h, w.size() - 1)] += 1.0f;
    }
  } else {
    for (std::size_t h = 0; h < w.size(); ++h)
      acc[h] = static_cast<float>(std::floor(volume * w[h] / sum * (0.75 + 0.5 * r.uniform()) + r.uniform()));
  }
  for (std::size_t h = 0; h < w.size(); ++h)
    if (acc[h] > 0) { buckets.push_back(static_cast<std::uint32_t>(h)); values.push_back(acc[h]); }
}

// --- output --------------------------------------------------------------------------

// Every node goes through here: what the world does not carry is dropped.
void WorldC::put_node(SnapshotWriter& w, NodeRecord& rec) {
  const std::string_view t = rec.type;
  if ((t == names_.card && !data_.card) || (t == names_.ip && !data_.ip) || (t == names_.device && !data_.device) ||
      (t == names_.proxy && !data_.proxy) || (t == names_.phone && !data_.phone) || (t == names_.domain && !data_.domain) ||
      (t == names_.key && !data_.key) || (t == names_.workspace && !data_.workspace) || (t == names_.ua && !data_.ua))
    return;
  if (!data_.created_at) rec.created_at = kNoTime;
  if (!data_.activity) { rec.has_activity = false; rec.activity = {}; }
  if (!data_.entity_attrs && t != "account") rec.attrs = {};
  w.node(rec);
  ++nodes_;
}

void WorldC::entity(SnapshotWriter& w, const std::string& nid, const std::string& type) {
  NodeRecord rec;
  rec.id = nid;
  rec.type = type;
  put_node(w, rec);
}

void WorldC::ip_node(SnapshotWriter& w, std::uint32_t ip, const char* network, bool datacenter, const char* country) {
  const std::string nid = ip_id(ip);
  std::array<AttrInput, 4> a;
  a[0].key = "asn"; a[0].type = AttrType::Int; a[0].integer = static_cast<std::int64_t>(datacenter ? 13000 + (ip >> 20) % 50000 : 7000 + (ip >> 24) * 37 + ((ip >> 20) & 7));
  a[1].key = "datacenter"; a[1].type = AttrType::Bool; a[1].boolean = datacenter;
  a[2].key = "country"; a[2].text = country;
  a[3].key = "network"; a[3].text = network;
  NodeRecord rec;
  rec.id = nid;
  rec.type = names_.ip;
  rec.attrs = a;
  put_node(w, rec);
}

// Every edge goes through here (same filter: absent types, times, weights).
void WorldC::edge(SnapshotWriter& w, const std::string& a, const std::string& b, const std::string& type, double weight,
                  std::int64_t first, std::int64_t last) {
  const Names& n = names_;
  if ((type == n.paid && !data_.card) || (type == n.uses_ip && !data_.ip) || (type == n.uses_device && !data_.device) ||
      (type == n.via_proxy && !data_.proxy) || (type == n.egress && !(data_.proxy && data_.ip)) ||
      (type == n.has_phone && !data_.phone) || (type == n.has_domain && !data_.domain) || (type == n.uses_key && !data_.key) ||
      (type == n.member && !data_.workspace) || (type == n.sends_ua && !data_.ua) || (type == n.referral && !data_.referral) ||
      (type == n.transfer && !data_.transfer))
    return;
  EdgeRecord e;
  e.src = a;
  e.dst = b;
  e.type = type;
  e.weight = data_.weights ? std::max(1.0, std::round(weight)) : 1.0;
  if (data_.edge_times) {
    e.first_seen = us(first);
    e.last_seen = us(std::max(first, last));
  }
  w.edge(e);
  ++edges_;
}

void WorldC::emit_account(std::uint64_t i, SnapshotWriter& w) {
  const Group& g = group_of(i);
  const std::uint64_t gi = static_cast<std::uint64_t>(&g - groups_.data());
  const std::uint64_t k = i - g.start;
  const bool farm = g.kind == PKind::Farm;
  const Farm* fp = farm ? &farms_[g.farm] : nullptr;
  Rng r(hash2(key_ ^ 0x61636374ULL, i));
  Rng gr(hash2(g.key, 0x6772ULL));  // draws shared by the whole group
  const Names& n = names_;
  const bool person_country = g.kind == PKind::Individual || g.kind == PKind::Reseller || g.kind == PKind::FrontCustomer ||
                              (farm && r.chance(0.5));
  const int ci = person_country ? static_cast<int>(r.zipf(kCountries.size())) : g.country;
  const Country& country = kCountries[static_cast<std::size_t>(ci)];
  const std::string aid = account_id(i);
  const char* tier = "free";
  const char* signup = "email";
  Label label = Label::Unknown;
  const std::uint32_t W = data_.buckets;
  thread_local std::vector<float> wts, own, common;
  wts.assign(W, 0.0f);
  own.assign(W, 0.0f);
  common.assign(W, 0.0f);
  double volume = 0;
  std::int64_t created = 0;
  std::vector<Link> links;
  std::vector<Own> owns;
  std::uint64_t inviter = kNone, sender = kNone;
  double transfer_amount = 0;
  const double scale = static_cast<double>(W) / 168.0;  // volumes are per week

  auto individual_created = [&] {
    const double age_days = std::pow(r.uniform(), 1.8) * 5 * 365.0;
    return kTakenAt - static_cast<std::int64_t>(age_days * kDay) - static_cast<std::int64_t>(r.below(kDay));
  };
  auto traffic = [&](const std::string& node, const std::string& type, double share) { links.push_back({node, &type, share, true}); };
  auto fixed = [&](const std::string& node, const std::string& type) { links.push_back({node, &type, 0.0, false}); };
  // Cards, devices, phones, ... owned by the account, or by its group (slot), or by a market.
  auto own_card = [&](const char* issuer) {
    const std::string cid = id(n.card, kCardP, i);
    owns.push_back({cid, &n.card, 0, issuer});
    fixed(cid, n.paid);
  };
  auto group_card = [&](const Group& owner, std::uint64_t slot) {
    fixed(id(n.card, kCardG, static_cast<std::uint64_t>(&owner - groups_.data()), slot % std::max<std::uint32_t>(1, owner.cards)), n.paid);
  };
  auto home = [&](std::uint64_t household, double share) {
    if (household == i) owns.push_back({ip_id(resi_ip(i)), &n.ip, 1, "", resi_ip(i)});
    traffic(ip_id(resi_ip(household)), n.uses_ip, share);
  };
  auto own_cloud = [&](double share) {
    owns.push_back({ip_id(cloud_ip(i)), &n.ip, 2, "", cloud_ip(i)});
    traffic(ip_id(cloud_ip(i)), n.uses_ip, share);
  };
  auto group_resi = [&](const Group& owner, std::uint64_t slot, double share) {
    traffic(ip_id(resi_ip(owner.resi_base + slot % std::max<std::uint64_t>(1, owner.resi_count))), n.uses_ip, share);
  };
  auto group_cloud = [&](const Group& owner, std::uint64_t slot, double share) {
    traffic(ip_id(cloud_ip(owner.cloud_base + slot % std::max<std::uint64_t>(1, owner.cloud_count))), n.uses_ip, share);
  };
  auto carrier = [&](double share) {
    const auto c = r.below(carrier_pool_);
    used_carrier_[c] = true;
    traffic(ip_id(carrier_ip(c)), n.uses_ip, share);
  };
  auto vpn = [&](double share) {
    const auto v = r.zipf(vpn_exits_);
    used_vpn_[v] = true;
    traffic(ip_id(vpn_ip(v)), n.uses_ip, share);
  };
  auto rproxy = [&](double share) {
    const auto e = r.below(rproxy_pool_);
    used_rproxy_[e] = true;
    traffic(ip_id(exit_ip(e)), n.uses_ip, share);
  };
  auto hotspot = [&](double share) {
    const auto h = r.zipf(hotspots_);
    used_hotspot_[h] = true;
    traffic(ip_id(resi_ip(hotspot_base_ + h)), n.uses_ip, share);
  };
  auto popular_device = [&] {
    const auto d = r.zipf(market_.popular_devices);
    used_dev_[d] = true;
    traffic(id(n.device, kDevPop, d), n.uses_device, 1.0);
  };
  auto own_device = [&] {
    const std::string did = id(n.device, kDevP, i);
    owns.push_back({did, &n.device, 3});
    traffic(did, n.uses_device, 1.0);
  };
  auto group_device = [&](std::uint64_t slot) { traffic(id(n.device, kDevG, gi, slot % std::max<std::uint32_t>(1, g.devices)), n.uses_device, 1.0); };
  auto person_device = [&] { if (r.chance(market_.popular_device)) popular_device(); else own_device(); };
  auto own_phone = [&] { const std::string p = id(n.phone, kPhoneP, i); owns.push_back({p, &n.phone, 3}); fixed(p, n.has_phone); };
  auto sms_phone = [&] { const auto s = r.below(sms_pool_); used_sms_[s] = true; fixed(id(n.phone, kSms, s), n.has_phone); };
  auto person_phone = [&](double p_own) {
    if (r.chance(market_.sms_people)) sms_phone();
    else if (r.chance(p_own)) own_phone();
  };
  auto webmail = [&] { const auto m = r.zipf(market_.webmail_hubs); used_mail_[m] = true; fixed(id(n.domain, kDomHub, m), n.has_domain); };
  auto relay_mail = [&] { used_relay_ = true; fixed(id(n.domain, kDomHub, 1u << 20), n.has_domain); };
  auto person_mail = [&] {
    const double u = r.uniform();
    if (u < market_.webmail) webmail();
    else if (u < market_.webmail + 0.4 * (1 - market_.webmail)) relay_mail();
    else { const std::string d = id(n.domain, kDomP, i); owns.push_back({d, &n.domain, 3}); fixed(d, n.has_domain); }
  };
  auto popular_ua = [&] { const auto u = r.zipf(market_.popular_uas); used_ua_[u] = true; traffic(id(n.ua, kUaHub, u), n.sends_ua, 1.0); };
  auto person_ua = [&] {
    if (r.chance(market_.popular_ua)) popular_ua();
    else { const std::string u = id(n.ua, kUaP, i); owns.push_back({u, &n.ua, 3}); traffic(u, n.sends_ua, 1.0); }
  };
  auto own_key = [&] { const std::string kid = id(n.key, kKeyP, i); owns.push_back({kid, &n.key, 3}); traffic(kid, n.uses_key, 1.0); };
  auto group_of_slot = [&](Cls cls, const std::string& type, const std::string& etype, std::uint64_t slot, std::uint32_t count, bool is_traffic) {
    const std::string nid = id(type, cls, gi, slot % std::max<std::uint32_t>(1, count));
    if (is_traffic) traffic(nid, etype, 1.0); else fixed(nid, etype);
  };
  // Member k below a pool's size takes slot k, so that every pool entity has a user.
  auto uses_pool = [&](std::uint32_t count, double p) { return count > 0 && (k < count || r.chance(p)); };
  auto slot_of = [&](std::uint32_t count) { return k < count ? k : r.below(count); };
  // The ordinary life of a person: time zone, schedule, volume, card or free tier, home, phone, mail, client.
  auto person = [&](bool with_home) {
    created = individual_created();
    human(r, country.tz, wts);
    const double u = r.uniform();
    if (u < 0.15) volume = static_cast<double>(r.below(4));  // dormant
    else volume = r.lognormal(std::log(250.0), 2.0);
    if (!r.chance(market_.free_tier)) {
      const bool prepaid = r.chance(0.1);
      tier = prepaid ? "prepaid" : "paid";
      own_card(prepaid ? "prepaid" : "consumer_bank");
    }
    if (with_home) home(i, 1.0);
    person_device();
    person_phone(0.85);
    person_mail();
    person_ua();
    if (r.chance(market_.own_key)) own_key();
    signup = r.chance(0.5) ? "google" : "email";
  };

  switch (g.kind) {
    case PKind::Individual: {
      person(true);
      const double u = r.uniform();
      if (u < 0.05) {  // a developer's cron job from a cloud box
        std::fill(wts.begin(), wts.end(), 0.01f);
        const auto hour = r.below(24), every = 1 + r.below(4);
        for (std::uint32_t h = 0; h < W; ++h) if ((h % 24) % every == hour % every) wts[h] = 1.0f;
        volume = r.lognormal(std::log(2000.0), 1.0);
        own_cloud(2.0);
      } else if (u < 0.07) {  // a 24/7 service
        for (auto& x : wts) x = static_cast<float>(std::max(0.05, 1.0 + 0.2 * r.normal()));
        volume = r.lognormal(std::log(40000.0), 1.5);
        own_cloud(3.0);
      }
      if (r.chance(market_.vpn_people)) vpn(0.7);
      if (r.chance(market_.rproxy_people)) rproxy(1.0);
      if (r.chance(market_.wifi_people)) hotspot(0.2);
      // Friends invite friends; a few people with a popular referral code invite hundreds of strangers.
      if (individual_size_ > 1 && r.chance(0.1)) inviter = individual_start_ + mix64(key_ ^ r.zipf(individual_size_)) % individual_size_;
      if (individual_size_ > 1 && r.chance(0.01)) { sender = individual_start_ + r.below(individual_size_); transfer_amount = r.lognormal(std::log(20.0), 1.0); }
      break;
    }
    case PKind::FrontCustomer: {  // a genuine customer of a farm's reseller front: its relay and its egress IPs
      const bool egress = r.chance(0.8);  // mostly seen at the front's egress, else at home
      person(!egress || r.chance(0.5));
      const Group& h = groups_[g.host];
      const auto hi = static_cast<std::uint64_t>(&h - groups_.data());
      traffic(id(n.proxy, kProxyG, hi, r.below(std::max<std::uint32_t>(1, h.proxies))), n.via_proxy, 0.8);
      if (egress) group_cloud(h, r.below(h.cloud_count), 1.5);
      break;
    }
    case PKind::Reseller: {  // member 0 is the reseller's master account; the rest are its clients
      person(r.chance(0.6));
      traffic(id(n.proxy, kProxyG, gi, r.below(g.proxies)), n.via_proxy, 0.8);
      group_cloud(g, slot_of(static_cast<std::uint32_t>(g.cloud_count)), 1.5);
      if (k == 0 || r.chance(0.3 + 0.7 * gr.uniform())) {  // clients on the reseller's card
        links.erase(std::remove_if(links.begin(), links.end(), [&](const Link& l) { return l.type == &n.paid; }), links.end());
        owns.erase(std::remove_if(owns.begin(), owns.end(), [&](const Own& o) { return o.what == 0; }), owns.end());
        group_card(g, slot_of(g.cards));
        tier = "paid";
      }
      if (uses_pool(g.uas, 0.9)) group_of_slot(kUaG, n.ua, n.sends_ua, slot_of(g.uas), g.uas, true);
      if (k == 0) volume = r.lognormal(std::log(5e4), 1.0);
      else {
        if (r.chance(0.4)) inviter = g.start;
        if (r.chance(0.6)) { sender = g.start; transfer_amount = r.lognormal(std::log(50.0), 1.0); }
      }
      break;
    }
    case PKind::Family: {
      created = individual_created();
      volume = r.lognormal(std::log(200.0), 1.8);
      human(r, country.tz, wts);
      group_card(g, 0);
      tier = "paid";
      home(g.start, 1.0);
      if (uses_pool(g.devices, 0.5)) group_device(0); else person_device();
      person_phone(0.7);
      if (uses_pool(g.domains, 0.8)) group_of_slot(kDomG, n.domain, n.has_domain, 0, 1, false); else person_mail();
      if (uses_pool(g.workspaces, 1.0)) group_of_slot(kWsG, n.workspace, n.member, 0, 1, false);
      person_ua();
      if (r.chance(market_.own_key)) own_key();
      if (k > 0 && r.chance(0.7)) inviter = g.start;
      if (k > 0 && r.chance(0.4)) { sender = g.start; transfer_amount = r.lognormal(std::log(20.0), 0.8); }
      break;
    }
    case PKind::Company: {
      const auto wave = r.below(1 + g.size / 30);  // onboarding waves
      created = kTakenAt - static_cast<std::int64_t>((30 + gr.uniform() * 1500) * kDay) +
                static_cast<std::int64_t>(static_cast<double>(wave) * 30 * kDay * gr.uniform()) + static_cast<std::int64_t>(r.below(8 * 3600));
      volume = r.lognormal(std::log(1500.0), 1.5);
      office(country.tz, own);
      human(r, country.tz, wts);
      for (std::uint32_t h = 0; h < W; ++h) wts[h] = 0.8f * own[h] + 0.2f * wts[h] / 3.0f;
      tier = "enterprise";
      signup = r.chance(0.8) ? "sso" : "email";
      group_card(g, slot_of(g.cards));
      group_resi(g, slot_of(static_cast<std::uint32_t>(g.resi_count)), 1.0);
      if (r.chance(0.3)) home(i, 0.2);
      if (r.chance(market_.carrier_use)) carrier(0.2);
      if (uses_pool(g.devices, 0.7)) group_device(0); else person_device();
      if (uses_pool(g.phones, 0.1)) group_of_slot(kPhoneG, n.phone, n.has_phone, 0, 1, false); else if (r.chance(0.8)) own_phone();
      if (uses_pool(g.domains, 0.95)) group_of_slot(kDomG, n.domain, n.has_domain, 0, 1, false); else person_mail();
      if (uses_pool(g.uas, 0.5)) group_of_slot(kUaG, n.ua, n.sends_ua, 0, 1, true); else person_ua();
      if (uses_pool(g.keys, 0.6)) group_of_slot(kKeyG, n.key, n.uses_key, slot_of(g.keys), g.keys, true); else own_key();
      group_of_slot(kWsG, n.workspace, n.member, k < g.workspaces ? k : k % g.workspaces, g.workspaces, false);
      if (g.proxies > 0) {
        traffic(id(n.proxy, kProxyG, gi, 0), n.via_proxy, 0.8);
        group_cloud(g, slot_of(static_cast<std::uint32_t>(g.cloud_count)), 0.5);
      }
      const std::uint64_t admins = 1 + g.size / 50;
      if (k >= admins && r.chance(0.6)) inviter = g.start + k % admins;
      if (k >= admins && r.chance(0.3)) { sender = g.start + k % admins; transfer_amount = r.lognormal(std::log(100.0), 1.0); }
      break;
    }
    case PKind::Classroom:
    case PKind::Hackathon: {
      const bool hack = g.kind == PKind::Hackathon;
      // One sign-up burst: the first session, or the hackathon's opening hours.
      const double age_days = hack ? gr.uniform() * 30 : 3 + gr.uniform() * 200;
      created = kTakenAt - static_cast<std::int64_t>(age_days * kDay) + static_cast<std::int64_t>(r.uniform() * (hack ? 10 : 3) * 3600);
      volume = r.lognormal(std::log(hack ? 1500.0 : 200.0), 1.2);
      human(r, country.tz, wts);
      if (hack) {  // the event: everyone works through the same 36-48 hours
        const auto at = static_cast<std::uint32_t>(gr.uniform() * W), len = 36 + static_cast<std::uint32_t>(gr.below(13));
        for (std::uint32_t h = at; h < std::min(W, at + len); ++h) wts[h] = wts[h] * 0.3f + 6.0f;
      } else {  // weekly lab sessions and an assignment deadline
        const auto s1 = static_cast<int>(gr.below(5)), s2 = static_cast<int>(gr.below(5)), hour = 9 + static_cast<int>(gr.below(8));
        for (std::uint32_t h = 0; h < W; ++h) {
          int lh, dow;
          local(h, country.tz, lh, dow);
          if ((dow == s1 || dow == s2) && lh >= hour && lh < hour + 2) wts[h] += 8.0f;
        }
        const auto deadline = static_cast<std::uint32_t>(gr.uniform() * std::max<std::uint32_t>(1, W - 12));
        for (std::uint32_t h = deadline; h < std::min(W, deadline + 10); ++h) wts[h] *= 15.0f;
      }
      tier = hack ? "free" : "education";
      signup = hack ? "github" : "email";
      group_resi(g, slot_of(static_cast<std::uint32_t>(g.resi_count)), 1.5);
      if (r.chance(0.6)) home(i, 0.5);
      if (r.chance(market_.carrier_use)) carrier(0.2);
      if (uses_pool(g.devices, 0.6)) group_device(slot_of(g.devices)); else person_device();
      if (uses_pool(g.cards, hack ? 0.5 : 0.2)) group_card(g, 0);
      person_phone(0.6);
      if (uses_pool(g.domains, 0.85)) group_of_slot(kDomG, n.domain, n.has_domain, 0, 1, false); else person_mail();
      const std::uint64_t team_size = hack ? 2 + (g.key >> 7) % 4 : g.size;
      if (hack) group_of_slot(kWsG, n.workspace, n.member, k / team_size, g.workspaces, false);
      else group_of_slot(kWsG, n.workspace, n.member, 0, 1, false);
      if (g.keys > 0) group_of_slot(kKeyG, n.key, n.uses_key, k / team_size, g.keys, true); else if (r.chance(market_.own_key)) own_key();
      if (uses_pool(g.uas, 0.7)) group_of_slot(kUaG, n.ua, n.sends_ua, 0, 1, true); else person_ua();
      if (k > 0 && r.chance(hack ? 0.5 : 0.7)) inviter = hack ? g.start + (k / team_size) * team_size : g.start;  // the instructor, the team lead
      if (inviter == i) inviter = kNone;
      break;
    }
    case PKind::Lab: {  // batch jobs in lock-step from the lab's cloud machines
      created = kTakenAt - static_cast<std::int64_t>((30 + r.uniform() * 1000) * kDay);
      const double sync = 0.5 + 0.45 * gr.uniform();
      const auto hour = static_cast<int>(gr.below(24)), len = 2 + static_cast<int>(gr.below(6));
      human(r, country.tz, wts);
      double ws = 0;
      for (float x : wts) ws += x;
      for (std::uint32_t h = 0; h < W; ++h) {
        int lh, dow;
        local(h, country.tz, lh, dow);
        const double batch = ((lh - hour + 24) % 24) < len ? 1.0 : 0.0;
        wts[h] = static_cast<float>(sync * batch * 24.0 / len + (1 - sync) * wts[h] / ws * static_cast<double>(W));
      }
      volume = std::exp(std::log(2e4) + 1.5 * (gr.uniform() - 0.5)) * r.lognormal(0, 0.3);
      tier = "enterprise";
      group_card(g, 0);
      group_cloud(g, slot_of(static_cast<std::uint32_t>(g.cloud_count)), 2.0);
      if (r.chance(0.5)) home(i, 0.3);
      person_device();
      person_phone(0.8);
      if (uses_pool(g.domains, 0.9)) group_of_slot(kDomG, n.domain, n.has_domain, 0, 1, false); else person_mail();
      group_of_slot(kKeyG, n.key, n.uses_key, slot_of(g.keys), g.keys, true);
      group_of_slot(kWsG, n.workspace, n.member, 0, 1, false);
      if (uses_pool(g.uas, 0.9)) group_of_slot(kUaG, n.ua, n.sends_ua, 0, 1, true); else person_ua();
      if (k > 0 && r.chance(0.6)) inviter = g.start;
      if (k > 0 && r.chance(0.5)) { sender = g.start; transfer_amount = r.lognormal(std::log(200.0), 1.0); }
      break;
    }
    case PKind::Developer: {  // several accounts of one developer: CI runners, cron, keys
      const double first_age = 200 + gr.uniform() * 1500;
      const auto hour = gr.below(24), every = 1 + gr.below(6);
      created = kTakenAt - static_cast<std::int64_t>((k == 0 ? first_age : r.uniform() * first_age) * kDay);
      std::fill(wts.begin(), wts.end(), 0.02f);
      for (std::uint32_t h = 0; h < W; ++h) if ((h % 24) % every == hour % every) wts[h] = 1.0f;
      human(r, kCountries[static_cast<std::size_t>(g.country)].tz, own);
      for (std::uint32_t h = 0; h < W; ++h) wts[h] += 0.1f * own[h];
      volume = r.lognormal(std::log(5000.0), 1.5);
      tier = "paid";
      signup = "github";
      group_card(g, k);  // one card, or a virtual card per account
      group_cloud(g, slot_of(static_cast<std::uint32_t>(g.cloud_count)), 2.0);
      home(g.start, 0.3);
      if (k == 0 || r.chance(0.3)) person_device();
      if (k == 0) own_phone();
      if (uses_pool(g.domains, 0.9)) group_of_slot(kDomG, n.domain, n.has_domain, 0, 1, false); else if (k == 0) person_mail();
      group_of_slot(kKeyG, n.key, n.uses_key, slot_of(g.keys), g.keys, true);
      group_of_slot(kUaG, n.ua, n.sends_ua, 0, 1, true);
      if (uses_pool(g.workspaces, 1.0)) group_of_slot(kWsG, n.workspace, n.member, 0, 1, false);
      if (k > 0 && r.chance(0.8)) inviter = g.start;
      if (k > 0 && r.chance(0.3)) { sender = g.start; transfer_amount = r.lognormal(std::log(100.0), 1.0); }
      break;
    }
    case PKind::Farm: {
      const Farm& f = *fp;
      // Acquisition: bursts, a trickle, or aged accounts bought on a market.
      const double u = r.uniform();
      if (u < f.acq_aged) {
        created = individual_created();
      } else if (u < f.acq_aged + f.acq_trickle) {
        created = kTakenAt - static_cast<std::int64_t>((f.newest_days + r.uniform() * f.trickle_days) * kDay);
      } else {
        const auto burst = r.below(static_cast<std::uint64_t>(f.bursts));
        created = kTakenAt - static_cast<std::int64_t>((f.newest_days + static_cast<double>(burst) * (f.burst_hours / 24 + 7)) * kDay) -
                  static_cast<std::int64_t>(r.uniform() * f.burst_hours * 3600);
      }
      // Traffic: the operator's common schedule, jittered per account, and a human-like rest.
      common.assign(W, 0.0f);
      farm_common(g, f, common);
      human(r, country.tz, own);
      const auto shift = static_cast<std::int64_t>(std::llround(f.jitter_hours * r.normal()));
      double cs = 0, os = 0;
      for (std::uint32_t h = 0; h < W; ++h) { cs += common[h]; os += own[h]; }
      for (std::uint32_t h = 0; h < W; ++h) {
        const auto src = static_cast<std::uint32_t>(((static_cast<std::int64_t>(h) + shift) % W + W) % W);
        wts[h] = static_cast<float>(f.sync * common[src] / cs + (1 - f.sync) * own[h] / os);
      }
      volume = f.volume * std::exp(f.volume_cv * r.normal() - 0.5 * f.volume_cv * f.volume_cv);
      tier = "paid";
      signup = r.chance(0.7) ? "email" : "google";
      // Resources, each from the farm's own pool (reuse) or a market.
      const bool via_reseller = f.channel == 2;
      const Group* res = via_reseller ? &groups_[f.reseller] : nullptr;
      if (via_reseller && k >= g.cards && r.chance(f.reseller_paid)) group_card(*res, r.below(res->cards));
      else if (f.card_source == 3) tier = "free";
      else {
        group_card(g, k);
        if (f.card_source == 2) tier = "prepaid";
      }
      if (f.channel == 1) {  // the farm's own relay: the provider sees its egress
        traffic(id(n.proxy, kProxyG, gi, k % g.proxies), n.via_proxy, 0.8);
        group_cloud(g, k, 1.0);
      } else if (via_reseller) {
        const auto ri = static_cast<std::uint64_t>(res - groups_.data());
        traffic(id(n.proxy, kProxyG, ri, r.below(res->proxies)), n.via_proxy, 0.8);
        group_cloud(*res, r.below(res->cloud_count), 1.0);
      } else {
        switch (f.ip_source) {
          case kCloudPool: group_cloud(g, k, 1.0); break;
          case kProxyMarket: rproxy(1.0); if (r.chance(0.5)) rproxy(0.5); break;
          case kCarrier: carrier(1.0); break;
          case kSticky: home(i, 1.0); break;
          default: vpn(1.0); break;
        }
      }
      switch (f.device_mode) {
        case 0: group_device(k); break;
        case 1: own_device(); break;
        default: popular_device(); break;
      }
      switch (f.phone_source) {
        case 0: own_phone(); break;
        case 1: sms_phone(); break;
        default: group_of_slot(kPhoneG, n.phone, n.has_phone, k, g.phones, false); break;
      }
      switch (f.email_mode) {
        case 1: group_of_slot(kDomG, n.domain, n.has_domain, k, g.domains, false); break;
        case 2: relay_mail(); break;
        default: webmail(); break;
      }
      if (uses_pool(g.uas, f.ua_share)) group_of_slot(kUaG, n.ua, n.sends_ua, slot_of(g.uas), g.uas, true);
      else if (via_reseller) traffic(id(n.ua, kUaG, f.reseller, 0), n.sends_ua, 1.0);  // the reseller's SDK
      else popular_ua();
      if (uses_pool(g.keys, f.key_share)) group_of_slot(kKeyG, n.key, n.uses_key, slot_of(g.keys), g.keys, true);
      else own_key();
      if (uses_pool(g.workspaces, f.ws_share)) group_of_slot(kWsG, n.workspace, n.member, slot_of(g.workspaces), g.workspaces, false);
      // Camouflage: a phone on a carrier network, a popular client, a second home-like exit.
      if (r.chance(f.camouflage)) {
        if (!f.clean) carrier(0.3);
        if (r.chance(0.5)) popular_device();
        if (!f.clean && r.chance(0.3)) hotspot(0.2);
      }
      // Interactions inside the farm.
      const auto fan = static_cast<std::uint64_t>(f.fanout);
      if (k > 0 && r.chance(f.referral_share)) switch (f.referral) {
          case 1: if (k >= fan) inviter = g.start + r.below(fan); break;
          case 2: inviter = i - 1; break;
          case 3: inviter = g.start + (k - 1) / fan; break;
          case 4: inviter = g.start + r.below(k); break;
          default: break;
        }
      if (r.chance(f.transfer_share)) switch (f.transfer) {
          case 1: if (k > 0) sender = g.start; break;
          case 2: sender = g.start + (k + g.size - 1) % g.size; break;
          case 3: sender = g.start + r.below(g.size); break;
          default: break;
        }
      if (sender == i) sender = kNone;
      transfer_amount = r.lognormal(std::log(50.0), 1.0);
      const auto bans = static_cast<std::uint64_t>(std::floor(f.ban_share * static_cast<double>(g.size) + gr.uniform()));
      if (Permutation(g.size, g.key ^ 0x62616e73ULL)(k) < bans) label = Label::Banned;
      break;
    }
  }
  // People also reach the API from a phone on a carrier network (carrier-grade NAT).
  if (!farm && g.kind != PKind::Developer && g.kind != PKind::Lab && volume >= 4 && r.chance(market_.carrier_use)) carrier(0.3);
  if (!farm) {
    Rng lr(hash2(key_ ^ 0x6c6162656cULL, i));
    const bool verified = g.kind == PKind::Company || g.kind == PKind::Lab || g.kind == PKind::Reseller;
    if (verified && lr.chance(trusted_p_)) label = Label::Trusted;
    else if (lr.chance(labels_.suspect_rate)) label = Label::Suspect;
  }
  volume *= scale;
  created = std::min(created, kTakenAt - 3600);
  const std::int64_t first_activity = std::max(start_, created);
  if (created > start_)
    for (std::uint32_t h = 0; h < W; ++h)
      if (start_ + static_cast<std::int64_t>(h) * 3600 < created) wts[h] = 0.0f;
  thread_local std::vector<std::uint32_t> bk;
  thread_local std::vector<float> vals;
  distribute(r, volume, wts, bk, vals);
  double total = 0;
  for (float v : vals) total += v;

  std::array<AttrInput, 3> attrs;
  std::size_t na = 0;
  if (data_.country) { attrs[na].key = "country"; attrs[na].text = country.code; ++na; }
  if (data_.tier) { attrs[na].key = n.tier; attrs[na].text = tier; ++na; }
  if (data_.signup) { attrs[na].key = "signup"; attrs[na].text = signup; ++na; }
  NodeRecord rec;
  rec.id = aid;
  rec.type = "account";
  rec.label = label;
  rec.created_at = us(created);
  rec.attrs = std::span<const AttrInput>(attrs.data(), na);
  rec.has_activity = true;
  rec.activity = ActivityRow(bk, vals);
  put_node(w, rec);

  for (const Own& o : owns) {
    if (o.what == 1) { ip_node(w, o.ip, "residential", false, country.code); continue; }
    if (o.what == 2) { ip_node(w, o.ip, "hosting", true, country.code); continue; }
    std::array<AttrInput, 2> a;
    a[0].key = "issuer"; a[0].text = o.issuer;
    a[1].key = "country"; a[1].text = country.code;
    NodeRecord x;
    x.id = o.id;
    x.type = *o.type;
    if (o.what == 0) x.attrs = a;
    put_node(w, x);
  }
  // Edges: traffic edges weigh their share of the requests in the window.
  std::sort(links.begin(), links.end(), [](const Link& a, const Link& b) { return a.node < b.node; });
  links.erase(std::unique(links.begin(), links.end(), [](const Link& a, const Link& b) { return a.node == b.node; }), links.end());
  double ip_shares = 0;
  for (const Link& l : links) if (l.type == &n.uses_ip) ip_shares += l.share;
  for (const Link& l : links) {
    if (!l.window) { edge(w, aid, l.node, *l.type, 1, created, kTakenAt - 1); continue; }
    const double share = l.type == &n.uses_ip ? l.share / std::max(1e-9, ip_shares) : std::min(1.0, l.share);
    const std::int64_t span = kTakenAt - first_activity;
    const std::int64_t f = first_activity + static_cast<std::int64_t>(r.uniform() * 0.5 * static_cast<double>(span));
    const std::int64_t last = f + static_cast<std::int64_t>(r.uniform() * static_cast<double>(kTakenAt - f));
    edge(w, aid, l.node, *l.type, std::max(1.0, total * share), f, std::min(last, kTakenAt - 1));
  }
  if (inviter != kNone && inviter != i) edge(w, account_id(inviter), aid, n.referral, 1, created, created);
  if (sender != kNone && sender != i) {
    const std::int64_t t = first_activity + static_cast<std::int64_t>(r.uniform() * static_cast<double>(kTakenAt - first_activity));
    edge(w, account_id(sender), aid, n.transfer, transfer_amount, t, t);
  }
}

// A group's own entities: cards, devices, phones, domains, clients, keys, workspaces, proxies and IPs.
void WorldC::emit_group(const Group& g, SnapshotWriter& w) {
  const std::uint64_t gi = static_cast<std::uint64_t>(&g - groups_.data());
  const Names& n = names_;
  const Country& country = kCountries[static_cast<std::size_t>(g.country)];
  Rng r(hash2(g.key, 0x656e74ULL));
  const char* issuer = "consumer_bank";
  if (g.kind == PKind::Farm) issuer = kCardSourceNames[static_cast<std::size_t>(std::min(2, farms_[g.farm].card_source))];
  else if ((g.kind == PKind::Company || g.kind == PKind::Developer) && g.cards == g.size && g.size > 1) issuer = "virtual";
  else if (g.kind == PKind::Company || g.kind == PKind::Lab || g.kind == PKind::Reseller) issuer = "business_bank";
  for (std::uint32_t c = 0; c < g.cards; ++c) {
    std::array<AttrInput, 2> a;
    a[0].key = "issuer"; a[0].text = issuer;
    // A stolen consumer card's country is unrelated to the operator's.
    a[1].key = "country";
    a[1].text = g.kind == PKind::Farm && issuer[0] == 'c' ? kCountries[r.below(kCountries.size())].code : country.code;
    const std::string cid = id(n.card, kCardG, gi, c);
    NodeRecord rec; rec.id = cid; rec.type = n.card; rec.attrs = a;
    put_node(w, rec);
  }
  for (std::uint32_t c = 0; c < g.devices; ++c) entity(w, id(n.device, kDevG, gi, c), n.device);
  for (std::uint32_t c = 0; c < g.phones; ++c) entity(w, id(n.phone, kPhoneG, gi, c), n.phone);
  for (std::uint32_t c = 0; c < g.domains; ++c) entity(w, id(n.domain, kDomG, gi, c), n.domain);
  for (std::uint32_t c = 0; c < g.uas; ++c) entity(w, id(n.ua, kUaG, gi, c), n.ua);
  for (std::uint32_t c = 0; c < g.keys; ++c) entity(w, id(n.key, kKeyG, gi, c), n.key);
  for (std::uint32_t c = 0; c < g.workspaces; ++c) entity(w, id(n.workspace, kWsG, gi, c), n.workspace);
  const char* network = g.kind == PKind::Company ? "business" : (g.kind == PKind::Classroom ? "education" : "residential");
  for (std::uint64_t c = 0; c < g.resi_count; ++c) ip_node(w, resi_ip(g.resi_base + c), network, false, country.code);
  for (std::uint64_t c = 0; c < g.cloud_count; ++c) {
    const std::uint32_t ip = cloud_ip(g.cloud_base + c);
    ip_node(w, ip, "hosting", true, kCountries[mix64(g.cloud_base + c) % kCountries.size()].code);
    if (g.proxies > 0)
      edge(w, id(n.proxy, kProxyG, gi, c % g.proxies), ip_id(ip), n.egress,
           3e4 * static_cast<double>(g.size) / static_cast<double>(g.cloud_count) * (0.5 + r.uniform()), start_, kTakenAt - 1);
  }
  for (std::uint32_t p = 0; p < g.proxies; ++p) {
    std::array<AttrInput, 1> a;
    a[0].key = "role";
    a[0].text = g.kind == PKind::Company ? "gateway" : (g.kind == PKind::Reseller ? "aggregator" : "relay");
    const std::string pid = id(n.proxy, kProxyG, gi, p);
    NodeRecord rec; rec.id = pid; rec.type = n.proxy; rec.attrs = a;
    put_node(w, rec);
  }
}

// Market entries some account used: carrier NAT, VPN exits, proxy exits, hotspots, SMS numbers, hubs.
void WorldC::emit_markets(SnapshotWriter& w) {
  const Names& n = names_;
  for (std::uint64_t c = 0; c < carrier_pool_; ++c)
    if (used_carrier_[c]) ip_node(w, carrier_ip(c), "mobile", false, kCountries[mix64(c + 5) % kCountries.size()].code);
  for (std::uint64_t v = 0; v < vpn_exits_; ++v)
    if (used_vpn_[v]) ip_node(w, vpn_ip(v), "vpn", true, kCountries[mix64(v + 7) % kCountries.size()].code);
  for (std::uint64_t e = 0; e < rproxy_pool_; ++e) {
    std::uint64_t person = 0;
    if (used_rproxy_[e] && !exit_is_home(e, person)) ip_node(w, exit_ip(e), "residential", false, kCountries[mix64(e + 3) % kCountries.size()].code);
  }
  for (std::uint64_t h = 0; h < hotspots_; ++h)
    if (used_hotspot_[h]) ip_node(w, resi_ip(hotspot_base_ + h), "residential", false, kCountries[mix64(h + 9) % kCountries.size()].code);
  for (std::uint64_t s = 0; s < sms_pool_; ++s)
    if (used_sms_[s]) entity(w, id(n.phone, kSms, s), n.phone);
  for (std::uint64_t d = 0; d < used_dev_.size(); ++d)
    if (used_dev_[d]) entity(w, id(n.device, kDevPop, d), n.device);
  for (std::uint64_t u = 0; u < used_ua_.size(); ++u)
    if (used_ua_[u]) entity(w, id(n.ua, kUaHub, u), n.ua);
  for (std::uint64_t m = 0; m < used_mail_.size(); ++m)
    if (used_mail_[m]) entity(w, id(n.domain, kDomHub, m), n.domain);
  if (used_relay_) entity(w, id(n.domain, kDomHub, 1u << 20), n.domain);
}

void WorldC::write(const std::string& snapshot_path, const std::string& truth_path, GenerateReport& rep,
                   const ProgressFn& progress) {
  WriteOptions wo;
  wo.format = opt_.format;
  wo.gzip = opt_.gzip;
  SnapshotWriter w(snapshot_path, wo);
  SnapshotMeta meta;
  meta.id = "synth-c-" + std::to_string(opt_.seed) + "-" + std::to_string(opt_.accounts);
  if (data_.activity || data_.created_at || data_.edge_times) meta.taken_at = us(kTakenAt);
  if (data_.activity) {
    meta.activity.start = us(start_);
    meta.activity.bucket_seconds = 3600;
    meta.activity.buckets = data_.buckets;
  }
  w.header(meta);
  const std::uint64_t n = opt_.accounts;
  const Permutation order(n, key_ ^ 0x6f72646572ULL);
  for (std::uint64_t p = 0; p < n; ++p) {
    emit_account(order(p), w);
    if (progress && (p & 0xffff) == 0) progress("generate", p, n);
  }
  for (const auto& g : groups_) emit_group(g, w);
  emit_markets(w);
  w.commit();
  truth(truth_path, order, rep);
  rep.accounts = n;
  rep.nodes = nodes_;
  rep.edges = edges_;
}

void WorldC::world_json(rapidjson::Writer<rapidjson::StringBuffer>& j) const {
  auto num = [&](const char* k, double v) { j.Key(k); j.Double(v); };
  auto flag = [&](const char* k, bool v) { j.Key(k); j.Bool(v); };
  auto str = [&](const char* k, const std::string& v) { j.Key(k); j.String(v.c_str()); };
  j.StartObject();
  j.Key("data");
  j.StartObject();
  const Data& d = data_;
  flag("sparse", d.sparse); flag("activity", d.activity);
  j.Key("buckets"); j.Uint(d.activity ? d.buckets : 0);
  flag("created_at", d.created_at); flag("edge_times", d.edge_times); flag("weights", d.weights);
  flag("card", d.card); flag("ip", d.ip); flag("device", d.device); flag("proxy", d.proxy); flag("phone", d.phone);
  flag("email_domain", d.domain); flag("api_key", d.key); flag("workspace", d.workspace); flag("user_agent", d.ua);
  flag("referral", d.referral); flag("transfer", d.transfer);
  flag("attr_country", d.country); flag("attr_tier", d.tier); flag("attr_signup", d.signup); flag("entity_attrs", d.entity_attrs);
  j.EndObject();
  j.Key("names");
  j.StartObject();
  const Names& n = names_;
  str("card", n.card); str("paid", n.paid); str("ip", n.ip); str("uses_ip", n.uses_ip); str("device", n.device);
  str("uses_device", n.uses_device); str("proxy", n.proxy); str("via_proxy", n.via_proxy); str("egress", n.egress);
  str("phone", n.phone); str("has_phone", n.has_phone); str("email_domain", n.domain); str("has_email_domain", n.has_domain);
  str("api_key", n.key); str("uses_key", n.uses_key); str("workspace", n.workspace); str("member", n.member);
  str("user_agent", n.ua); str("sends_user_agent", n.sends_ua); str("referral", n.referral); str("transfer", n.transfer);
  str("tier", n.tier);
  j.EndObject();
  j.Key("market");
  j.StartObject();
  const Market& m = market_;
  num("carrier_people", m.carrier_people); num("carrier_use", m.carrier_use); num("rproxy_ratio", m.rproxy_ratio);
  num("rproxy_home", m.rproxy_home); num("rproxy_people", m.rproxy_people); num("vpn_people", m.vpn_people);
  num("vpn_per_exit", m.vpn_per_exit); num("wifi_people", m.wifi_people); num("sms_people", m.sms_people);
  num("sms_ratio", m.sms_ratio); num("webmail", m.webmail); num("popular_device", m.popular_device);
  num("popular_ua", m.popular_ua); num("own_key", m.own_key); num("virtual_cards", m.virtual_cards); num("free_tier", m.free_tier);
  j.Key("popular_devices"); j.Uint(m.popular_devices);
  j.Key("popular_uas"); j.Uint(m.popular_uas);
  j.Key("webmail_hubs"); j.Uint(m.webmail_hubs);
  j.Key("carrier_ips"); j.Uint64(carrier_pool_);
  j.Key("vpn_exits"); j.Uint64(vpn_exits_);
  j.Key("proxy_exits"); j.Uint64(rproxy_pool_);
  j.Key("hotspots"); j.Uint64(hotspots_);
  j.Key("sms_numbers"); j.Uint64(sms_pool_);
  j.EndObject();
  j.Key("shares");
  j.StartObject();
  const Shares& s = shares_;
  num("hydra", s.farm); num("family", s.family); num("company", s.company); num("classroom", s.classroom);
  num("hackathon_of_classroom", s.hackathon); num("research_lab", s.lab); num("app_developer", s.developer);
  num("reseller", s.reseller);
  j.Key("resellers"); j.Int(s.resellers);
  num("farm_cap", s.farm_cap); num("front_cap", s.front_cap);
  j.EndObject();
  j.Key("labels");
  j.StartObject();
  num("ban_rate", labels_.ban_rate); flag("ban_varies", labels_.ban_varies);
  num("trusted_rate", labels_.trusted_rate); num("suspect_rate", labels_.suspect_rate);
  j.EndObject();
  j.EndObject();
}

void WorldC::farm_json(rapidjson::Writer<rapidjson::StringBuffer>& j, const Group& g) const {
  const Farm& f = farms_[g.farm];
  auto num = [&](const char* k, double v) { j.Key(k); j.Double(v); };
  auto str = [&](const char* k, const char* v) { j.Key(k); j.String(v); };
  auto cnt = [&](const char* k, std::uint64_t v) { j.Key(k); j.Uint64(v); };
  j.StartObject();
  str("card_source", kCardSourceNames[static_cast<std::size_t>(f.card_source)]); num("card_reuse", f.card_reuse);
  str("ip_source", kIpSourceNames[static_cast<std::size_t>(f.ip_source)]); num("ip_reuse", f.ip_reuse);
  str("device_mode", kDeviceNames[static_cast<std::size_t>(f.device_mode)]); num("device_reuse", f.device_reuse);
  str("phone_source", kPhoneNames[static_cast<std::size_t>(f.phone_source)]); num("phone_reuse", f.phone_reuse);
  str("email_mode", kEmailNames[static_cast<std::size_t>(f.email_mode)]);
  num("ua_share", f.ua_share); num("key_share", f.key_share); num("key_reuse", f.key_reuse); num("workspace_share", f.ws_share);
  str("referral", kReferralNames[static_cast<std::size_t>(f.referral)]); num("referral_share", f.referral_share);
  j.Key("fanout"); j.Int(f.fanout);
  str("transfer", kTransferNames[static_cast<std::size_t>(f.transfer)]); num("transfer_share", f.transfer_share);
  num("acquired_burst", f.acq_burst); num("acquired_trickle", f.acq_trickle); num("acquired_aged", f.acq_aged);
  j.Key("bursts"); j.Int(f.bursts);
  num("burst_hours", f.burst_hours); num("newest_days", f.newest_days); num("trickle_days", f.trickle_days);
  str("traffic", kTrafficNames[static_cast<std::size_t>(f.traffic)]); num("synchrony", f.sync); num("jitter_hours", f.jitter_hours);
  num("volume", f.volume); num("volume_cv", f.volume_cv);
  str("operator_country", kCountries[static_cast<std::size_t>(f.op_country)].code);
  str("channel", kChannelNames[static_cast<std::size_t>(f.channel)]);
  if (f.channel == 2) {
    j.Key("reseller"); j.String(("reseller_client-" + std::to_string(groups_[f.reseller].ordinal)).c_str());
    num("reseller_paid", f.reseller_paid);
  }
  num("cover", f.cover); num("camouflage", f.camouflage); num("ban_share", f.ban_share);
  j.Key("clean"); j.Bool(f.clean);
  cnt("cards", g.cards); cnt("cloud_ips", g.cloud_count); cnt("devices", g.devices); cnt("phones", g.phones);
  cnt("domains", g.domains); cnt("user_agents", g.uas); cnt("keys", g.keys); cnt("workspaces", g.workspaces); cnt("proxies", g.proxies);
  const bool shares_card = (g.cards > 0 && g.cards < g.size) || (f.channel == 2 && f.reseller_paid > 0);
  const bool shares_ip = !f.clean && (f.channel != 0 || (f.ip_source == kCloudPool && g.cloud_count < g.size) || f.ip_source == kCarrier ||
                         f.ip_source == kVpn || f.ip_source == kProxyMarket || f.camouflage > 0);
  j.Key("may_share_card"); j.Bool(shares_card);
  j.Key("may_share_ip"); j.Bool(shares_ip);
  j.EndObject();
}

void WorldC::truth(const std::string& path, const Permutation& order, GenerateReport& rep) {
  rapidjson::StringBuffer sb;
  rapidjson::Writer<rapidjson::StringBuffer> j(sb);
  AtomicFile out(path);
  auto flush = [&] {
    if (sb.GetSize() > (1u << 20)) { out.write(std::string_view(sb.GetString(), sb.GetSize())); sb.Clear(); }
  };
  j.StartObject();
  j.Key("format"); j.String("hydrascope.truth");
  j.Key("version"); j.Int(1);
  j.Key("generator");
  j.StartObject();
  j.Key("world"); j.String("c");
  j.Key("profile"); j.String("random");
  j.Key("seed"); j.Uint64(opt_.seed);
  j.Key("accounts"); j.Uint64(opt_.accounts);
  j.EndObject();
  j.Key("world");
  world_json(j);
  j.Key("clusters");
  j.StartArray();
  for (const auto& g : groups_) {
    if (g.kind == PKind::Individual) continue;
    if (g.kind == PKind::Farm) { ++rep.hydra_clusters; rep.hydra_accounts += g.size; } else { ++rep.lookalike_clusters; }
    const std::string kind = kKindNames[static_cast<std::size_t>(g.kind)];
    j.StartObject();
    j.Key("id"); j.String((kind + "-" + std::to_string(g.ordinal)).c_str());
    j.Key("kind"); j.String(kind.c_str());
    if (g.kind == PKind::Farm) { j.Key("params"); farm_json(j, g); }
    if (g.kind == PKind::FrontCustomer) { j.Key("host"); j.String(("hydra-" + std::to_string(groups_[g.host].ordinal)).c_str()); }
    j.Key("accounts");
    j.StartArray();
    for (std::uint64_t k = 0; k < g.size; ++k) { j.String(account_id(g.start + k).c_str()); flush(); }
    j.EndArray();
    j.EndObject();
  }
  j.EndArray();
  j.Key("accounts");
  j.StartArray();
  for (std::uint64_t p = 0; p < opt_.accounts; ++p) { j.String(account_id(order(p)).c_str()); flush(); }
  j.EndArray();
  j.EndObject();
  out.write(std::string_view(sb.GetString(), sb.GetSize()));
  out.write("\n");
  out.commit();
}

}  // namespace
}  // namespace hydrascope::synth

namespace hydrascope {

void WorldCOptions::validate() const {
  if (accounts < 1000 || accounts > 50'000'000)
    throw std::invalid_argument("accounts must be in [1000, 50,000,000], got " + std::to_string(accounts));
  if (format != SnapshotFormat::Json && format != SnapshotFormat::Ndjson && format != SnapshotFormat::CsvPair)
    throw std::invalid_argument("format must be json, ndjson or csv");
}

GenerateReport generate_world_c(const WorldCOptions& options, const std::string& out_dir, const ProgressFn& progress) {
  options.validate();
  const synth::OutputPaths paths = synth::prepare_output(out_dir, options.format, options.gzip);
  GenerateReport rep;
  rep.snapshot_path = paths.snapshot;
  rep.truth_path = paths.truth;
  synth::WorldC world(options);
  world.write(rep.snapshot_path, rep.truth_path, rep, progress);
  return rep;
}

}  // namespace hydrascope
