// World B generator (docs/generator.md, "World B: farms that interact"): an
// independent family of synthetic worlds for held-out evaluation only. Plans
// the groups from the seed, builds every account's edges as compact records
// (one RNG per group derived from (seed, group), one per ordinary person),
// then writes the snapshot through SnapshotWriter in a shuffled order, and
// truth.json. Shares only generic helpers (RNG, permutation, address spaces)
// with world A; the world itself is its own.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include "hydrascope/atomic_file.hpp"
#include "hydrascope/error.hpp"
#include "hydrascope/synth.hpp"
#include "synth_internal.hpp"

namespace hydrascope {

namespace {

using synth::AddressSpace;
using synth::hash2;
using synth::mix64;
using synth::Permutation;
using synth::Rng;

constexpr std::int64_t kTakenAt = 1773619200;  // 2026-03-16T00:00:00Z
constexpr std::int64_t kDay = 86400;
constexpr std::uint32_t kBuckets = 168;
constexpr std::uint32_t kNone = 0xffffffffu;
constexpr std::uint64_t kMaxAccounts = 50'000'000;

// --- what accounts link to -------------------------------------------------

/// Entity channels: one node type each.
enum Chan : std::uint8_t {
  kCard, kIp, kProxy, kDevice,                                       // infrastructure
  kDomain, kPhone, kAddress, kPayout, kUa, kTemplate, kWorkspace,    // generic types
  kNumChan
};
constexpr std::array<const char*, kNumChan> kChanType = {
    "payment_method", "ip", "proxy", "device", "email_domain", "phone",
    "billing_address", "payout_account", "user_agent", "prompt_template", "workspace"};
constexpr std::array<const char*, kNumChan> kChanPrefix = {"pm:", "ip:", "px:", "dev:", "dom:", "tel:",
                                                           "addr:", "pay:", "ua:", "tpl:", "ws:"};

/// Edge relations. The first kNumChan link an account to an entity of the
/// channel with the same index.
enum Rel : std::uint8_t {
  rPaid, rIp, rProxy, rDevice, rDomain, rPhone, rAddress, rPayout, rUa, rTemplate, rMember,
  rEgress, rInvited, rTransfer, rSameOrg, kNumRel
};
constexpr std::array<const char*, kNumRel> kRelName = {
    "paid_with", "uses_ip", "via_proxy", "uses_device", "email_at", "verified_by", "bills_to",
    "pays_out_to", "sends_ua", "uses_template", "member_of", "egress_ip", "invited",
    "transferred_to", "same_org"};

enum IpNet : std::uint8_t { kResi, kMobile, kEdu, kDc, kVpn };
enum DomainSub : std::uint8_t { kPublicDomain, kNamedDomain, kEduDomain };

enum class Kind : std::uint8_t {
  Individual, Hydra, ResellerClient, Team, Classroom, ReferralTree, OssProject, Family,
  CarrierNat, VpnExit, ViralTemplate, LegitReseller, ShardedService, Count
};
constexpr std::array<const char*, static_cast<std::size_t>(Kind::Count)> kKindName = {
    "individual", "hydra", "reseller_client", "team", "classroom", "referral_tree", "oss_project",
    "family", "carrier_nat", "vpn_exit", "viral_template", "legit_reseller", "sharded_service"};

enum Pattern : std::uint8_t { kHuman, kOffice, kCron, kService, kDormant };
enum Plan : std::uint8_t { kFree, kPayg, kTeamPlan, kEnterprise, kEduPlan };
constexpr std::array<const char*, 5> kPlanName = {"free", "pay_as_you_go", "team", "enterprise", "edu"};

struct Country {
  const char* code;
  int tz;
  double weight;
};
constexpr std::array<Country, 22> kCountries = {{
    {"US", -6, 22}, {"IN", 5, 12}, {"GB", 0, 6}, {"DE", 1, 6}, {"BR", -3, 6}, {"FR", 1, 4},
    {"JP", 9, 4},   {"CA", -5, 4}, {"ID", 7, 4}, {"VN", 7, 3}, {"NG", 1, 3},  {"PK", 5, 3},
    {"PH", 8, 3},   {"MX", -6, 3}, {"TR", 3, 3}, {"KR", 9, 3}, {"ES", 1, 2},  {"IT", 1, 2},
    {"PL", 1, 2},   {"EG", 2, 2},  {"AU", 10, 2}, {"NL", 1, 2}}};

// Free-mail providers, most popular first. None of them has the
// consonant-vowel form of generated names (checked at start-up).
constexpr std::array<const char*, 40> kPublicDomains = {
    "gmail.com",     "outlook.com",   "yahoo.com",      "hotmail.com",   "icloud.com",     "qq.com",
    "163.com",       "proton.me",     "mail.ru",        "yandex.ru",     "gmx.de",         "web.de",
    "hushmail.com",    "aol.com",       "naver.com",      "msn.com",       "protonmail.com", "zoho.com",
    "foxmail.com",   "126.com",       "rambler.ru",     "orange.fr",     "free.fr",        "seznam.cz",
    "wp.pl",         "o2.pl",         "t-online.de",    "comcast.net",   "verizon.net",    "att.net",
    "sbcglobal.net", "bigpond.com",   "rediffmail.com", "daum.net",      "hanmail.net",    "yahoo.co.jp",
    "tutamail.com",  "fastmail.com",  "mail.com",       "btinternet.com"};
constexpr std::array<const char*, 8> kTlds = {".com", ".net", ".io", ".co", ".org", ".dev", ".app", ".ai"};
constexpr std::array<const char*, 16> kUaLibs = {
    "python-httpx", "python-requests", "aiohttp", "node-fetch", "axios", "undici", "okhttp", "go-http-client",
    "curl", "openai-python", "langchain", "llamaindex", "litellm", "reqwest", "faraday", "guzzle"};
constexpr std::array<const char*, 6> kUaPlatforms = {"linux", "darwin", "win32", "android", "ios", "freebsd"};
constexpr std::array<const char*, 6> kProxySuffix = {"-api", "-gw", "-cloud", "-ai", "-relay", ""};
constexpr std::array<int, 12> kCallingCodes = {1, 44, 49, 33, 91, 55, 7, 86, 62, 63, 234, 48};
constexpr std::array<const char*, 4> kFunding = {"credit", "debit", "prepaid", "virtual"};

// Human rhythm by local hour (requests weight).
constexpr std::array<double, 24> kDiurnal = {0.10, 0.05, 0.03, 0.02, 0.02, 0.04, 0.10, 0.30, 0.60, 0.85, 0.95, 1.00,
                                             0.90, 0.95, 1.00, 0.95, 0.90, 0.85, 0.75, 0.80, 0.85, 0.75, 0.50, 0.25};

// Consumer ISP, mobile carrier and university /8 blocks (disjoint lists).
constexpr std::array<std::uint32_t, 30> kResiOctets = {24,  47,  67,  68,  71,  73,  76,  81,  82,  86,
                                                       90,  92,  98,  108, 109, 174, 176, 177, 178, 180,
                                                       182, 186, 187, 189, 190, 201, 217, 218, 219, 220};
constexpr std::array<std::uint32_t, 7> kMobileOctets = {37, 39, 46, 88, 117, 166, 223};
constexpr std::array<std::uint32_t, 8> kEduOctets = {128, 129, 130, 131, 132, 134, 137, 141};
// Generated names: base-65 digits written as consonant-vowel syllables, at
// least `min` of them. A bijection of the integers (different numbers give
// different strings), so names built from distinct ordinals never collide.
void append_syllables(std::string& out, std::uint64_t x, int min) {
  static constexpr char kC[] = "bdfklmnprstvz";
  static constexpr char kV[] = "aeiou";
  int k = 0;
  do {
    out.push_back(kC[x % 13]);
    x /= 13;
    out.push_back(kV[x % 5]);
    x /= 5;
    ++k;
  } while (x > 0 || k < min);
}
bool is_syllable_form(std::string_view s) {
  if (s.size() < 2 || s.size() % 2 != 0) return false;
  for (std::size_t i = 0; i < s.size(); i += 2)
    if (std::string_view("bdfklmnprstvz").find(s[i]) == std::string_view::npos ||
        std::string_view("aeiou").find(s[i + 1]) == std::string_view::npos)
      return false;
  return true;
}

void append_hex16(std::string& out, std::uint64_t x) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(x));
  out.append(buf, 16);
}

void append_json_str(std::string& out, std::string_view s) {
  out.push_back('"');
  for (char c : s) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('"');
}

std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4g", v);
  return buf;
}

// --- records ---------------------------------------------------------------

struct Entity {
  std::uint32_t value = 0;  ///< IPv4 address for kIp, the ordinal inside its channel otherwise
  std::uint8_t chan = 0;
  std::uint8_t sub = 0;     ///< IpNet, DomainSub, card funding
};

/// One edge. `owner` is the node whose output position orders the edge (the
/// account of an account edge, the source of an account-to-account edge, the
/// proxy of an egress edge); node indices: accounts [0, N), entities N + e.
struct Edge {
  std::uint32_t owner = 0, other = 0;
  float weight = 1.0F;
  std::int32_t first_ago = 0, last_ago = 0;  ///< seconds before taken_at
  std::uint8_t rel = 0;
};

struct Acc {
  std::int64_t created = 0;
  float volume = 0.0F;  ///< requests over the window
  float sync = 0.0F;    ///< weight of the group's common traffic profile
  std::uint32_t group = kNone;
  std::uint8_t pattern = kHuman, label = 0, country = 0, plan = kFree, shift = 0, aged = 0;
};

struct Group {
  Kind kind = Kind::Individual;
  std::uint32_t ordinal = 0;  ///< n-th group of its kind (truth id)
  std::uint64_t start = 0, size = 0;
  std::uint32_t link = kNone;     ///< hydra -> its reseller_client group and back
  std::uint32_t profile = kNone;  ///< common activity profile
  std::uint8_t rotation = 1;      ///< hydra: shifts rotating across days
  std::string extra;              ///< truth keys (JSON members, leading comma)
};

/// Every draw about what the world carries; public part is WorldBData.
struct DataDraw {
  WorldBData data;
  std::array<bool, kNumChan> chan{};
  std::array<bool, kNumRel> rel{};
  std::array<bool, kNumChan> contact{};  ///< Bare: channels written as the one type "contact"
  bool ip_country = false, ip_hosting = false, card_funding = false, free_mail = false;
  bool acc_country = false, acc_plan = false;
  int id_style = 0;
};

DataDraw draw_data(const WorldBOptions& o) {
  Rng r(hash2(hash2(o.seed, 0x77626461746131ULL), static_cast<std::uint64_t>(o.profile)));
  DataDraw d;
  WorldBData& w = d.data;
  d.id_style = static_cast<int>(r.below(3));
  if (o.profile == WorldBProfile::Bare) {
    // One generic type: "contact" (email domains and phone numbers in one
    // table, as a contacts export has them), or email domains or phones alone.
    const double u = r.uniform();
    if (u < 0.5) d.contact[kDomain] = d.contact[kPhone] = true;
    else if (u < 0.8) d.chan[kDomain] = true;
    else { d.chan[kPhone] = true; d.contact[kPhone] = r.chance(0.5); }
    for (int c : {kDomain, kPhone}) {
      d.chan[static_cast<std::size_t>(c)] = d.chan[static_cast<std::size_t>(c)] || d.contact[static_cast<std::size_t>(c)];
      d.rel[static_cast<std::size_t>(c)] = d.chan[static_cast<std::size_t>(c)];  // the account -> entity relation
    }
    d.rel[rInvited] = r.chance(0.5);
    const int only = d.chan[kDomain] ? kDomain : kPhone;
    w.generic_types.emplace_back(d.contact[static_cast<std::size_t>(only)] ? "contact" : kChanType[static_cast<std::size_t>(only)]);
    if (d.rel[rInvited]) w.account_edges.emplace_back("invited");
    return d;
  }
  w.activity = r.chance(0.6);
  w.created_at = r.chance(0.7);
  w.edge_times = r.chance(0.5);
  if (w.activity) {
    w.buckets = kBuckets;
    w.bucket_seconds = r.chance(0.5) ? 3600 : 7200;
  }
  w.card = r.chance(0.6);
  w.ip = r.chance(0.7);
  w.proxy = r.chance(0.35);
  w.device = r.chance(0.5);
  d.chan[kCard] = w.card;
  d.chan[kIp] = w.ip;
  d.chan[kProxy] = w.proxy;
  d.chan[kDevice] = w.device;
  constexpr std::array<double, kNumChan> kGenericP = {0, 0, 0, 0, 0.8, 0.6, 0.35, 0.3, 0.6, 0.5, 0.4};
  int generic = 0;
  for (int c = kDomain; c < kNumChan; ++c) generic += (d.chan[static_cast<std::size_t>(c)] = r.chance(kGenericP[static_cast<std::size_t>(c)]));
  while (generic < 2) {  // at least two generic types
    const auto c = static_cast<std::size_t>(kDomain + static_cast<int>(r.below(kNumChan - kDomain)));
    if (!d.chan[c]) { d.chan[c] = true; ++generic; }
  }
  for (int c = 0; c < kNumChan; ++c) d.rel[static_cast<std::size_t>(c)] = d.chan[static_cast<std::size_t>(c)];
  d.rel[rEgress] = w.proxy && w.ip;
  d.rel[rInvited] = r.chance(0.8);
  d.rel[rTransfer] = r.chance(0.45);
  d.rel[rSameOrg] = r.chance(0.45);
  for (int c = kDomain; c < kNumChan; ++c)
    if (d.chan[static_cast<std::size_t>(c)]) w.generic_types.emplace_back(kChanType[static_cast<std::size_t>(c)]);
  for (int x = rInvited; x <= rSameOrg; ++x)
    if (d.rel[static_cast<std::size_t>(x)]) w.account_edges.emplace_back(kRelName[static_cast<std::size_t>(x)]);
  d.acc_country = r.chance(0.6);
  d.acc_plan = r.chance(0.5);
  if (d.acc_country) w.account_attrs.emplace_back("country");
  if (d.acc_plan) w.account_attrs.emplace_back("plan");
  d.ip_country = r.chance(0.6);
  d.ip_hosting = r.chance(0.5);
  d.card_funding = r.chance(0.5);
  d.free_mail = r.chance(0.5);
  w.trusted_labels = r.chance(0.5);
  w.suspect_labels = r.chance(0.7);
  return d;
}

// --- the world ---------------------------------------------------------------

class WorldB {
 public:
  explicit WorldB(const WorldBOptions& o);
  void build(const ProgressFn& progress);
  void write(const std::string& snapshot_path, const std::string& truth_path, WorldBReport& rep,
             const ProgressFn& progress);

 private:
  // planning
  void plan();
  std::uint64_t add_group(Kind k, std::uint64_t size);
  // entities and edges
  std::uint32_t entity(Chan c, std::uint8_t sub = 0);
  std::uint32_t new_ip(IpNet net);
  std::uint32_t pick(const std::vector<std::uint32_t>& pool, Rng& r, bool zipf = false) const;
  void reg(std::uint64_t a, std::uint32_t e, Rel rel);  // a registration-time link
  void use(std::uint64_t a, std::uint32_t e, Rel rel, double weight, Rng& r);  // a usage link
  void aa(std::uint64_t src, std::uint64_t dst, Rel rel, double weight, std::int64_t when);
  void egress(std::uint32_t proxy, std::uint32_t ip, double weight);
  [[nodiscard]] std::int32_t ago(std::int64_t t) const;
  // accounts
  void init(std::uint64_t i, std::uint32_t g, std::int64_t created, double volume, std::uint8_t pattern,
            std::uint8_t country, std::uint8_t plan);
  std::uint8_t country(Rng& r) const;
  std::int64_t person_created(Rng& r) const;
  double person_volume(Rng& r, std::uint8_t& pattern) const;
  std::uint64_t random_person(Rng& r) const;
  // default habits of a person, channel by channel
  void email_default(std::uint64_t i, Rng& r, bool vanity = true);
  void phone_default(std::uint64_t i, Rng& r, double own, double virt);
  bool card_default(std::uint64_t i, Rng& r, double p);
  void home_ips(std::uint64_t i, Rng& r, int k);
  void extra_ips(std::uint64_t i, Rng& r, double carrier, double vpn);
  void devices_default(std::uint64_t i, Rng& r);
  void ua_default(std::uint64_t i, Rng& r);
  void templates_default(std::uint64_t i, Rng& r, double pub, double own);
  void stranger_ties(std::uint64_t i, Rng& r, double invited, double transfer);
  void person(std::uint64_t i, Rng& r, bool home = true);
  // groups
  void build_individuals();
  void build_group(std::uint32_t gi);
  void build_farm(std::uint32_t gi, Rng& r);
  void build_clients(std::uint32_t gi, Rng& r);
  void build_team(std::uint32_t gi, Rng& r);
  void build_classroom(std::uint32_t gi, Rng& r);
  void build_referral(std::uint32_t gi, Rng& r);
  void build_oss(std::uint32_t gi, Rng& r);
  void build_family(std::uint32_t gi, Rng& r);
  void build_crowd(std::uint32_t gi, Rng& r);
  void build_reseller(std::uint32_t gi, Rng& r);
  void build_sharded(std::uint32_t gi, Rng& r);
  void assign_labels();
  // activity
  std::uint32_t new_profile();
  void own_profile(const Acc& a, Rng& r, double* w) const;
  void activity(std::uint64_t i, std::vector<std::uint32_t>& buckets, std::vector<float>& values) const;
  // output
  void entity_id(std::uint32_t e, std::string& out) const;
  void account_id(std::uint64_t i, std::string& out) const;
  [[nodiscard]] std::int64_t bucket_start(std::uint32_t b) const {
    return kTakenAt - static_cast<std::int64_t>(kBuckets - b) * bucket_seconds_;
  }

  const WorldBOptions& opt_;
  const std::uint64_t n_;
  const std::uint64_t key_;
  DataDraw draw_;
  std::int64_t bucket_seconds_ = 3600;

  std::vector<Group> groups_;
  std::array<std::uint32_t, static_cast<std::size_t>(Kind::Count)> kind_count_{};
  std::uint64_t individuals_start_ = 0;
  std::array<double, static_cast<std::size_t>(Kind::Count)> share_{};

  std::vector<Acc> acc_;
  std::vector<std::uint32_t> home_ip_;
  std::vector<Entity> ent_;
  std::array<std::uint32_t, kNumChan> ordinal_{};
  std::vector<Edge> edges_;
  std::vector<std::vector<float>> profiles_;

  AddressSpace spaces_[5];
  std::vector<Permutation> space_perm_;
  std::array<std::uint64_t, 5> space_used_{};

  // global pools
  std::vector<std::uint32_t> public_domains_, isp_domains_, virtual_numbers_, forwarders_, popular_ua_, rare_ua_,
      public_templates_, popular_devices_, carrier_nat_, vpn_exits_, providers_;
  std::vector<std::uint32_t> univ_domain_;
  std::vector<std::vector<std::uint32_t>> univ_ips_;

  Permutation name_perm_, phone_perm_;
  std::array<double, kCountries.size() + 1> country_cdf_{};
};

WorldB::WorldB(const WorldBOptions& o)
    : opt_(o),
      n_(o.accounts),
      key_(hash2(o.seed, 0x776f726c642d62ULL ^ static_cast<std::uint64_t>(o.profile))),
      draw_(draw_data(o)),
      name_perm_(1ULL << 40, key_ ^ 0x6e616d65ULL),
      phone_perm_(10'000'000'000ULL, key_ ^ 0x70686f6e65ULL) {
  for (const char* d : kPublicDomains) {
    const std::string_view s(d);
    if (is_syllable_form(s.substr(0, s.find('.')))) throw std::logic_error("public domain in generated-name form");
  }
  if (draw_.data.activity) bucket_seconds_ = draw_.data.bucket_seconds;
  double total = 0.0;
  for (std::size_t c = 0; c < kCountries.size(); ++c) {
    total += kCountries[c].weight;
    country_cdf_[c + 1] = total;
  }
  // Address spaces: consumer, mobile and university /8s without any cloud or
  // VPN range; cloud without VPN. Disjoint, so no address has two roles.
  AddressSpace dc_raw, vpn_raw;
  synth::read_ip_ranges(o.ip_ranges_dir, dc_raw, vpn_raw);  // --ip-ranges, or the built-in copy of datasets/ip-ranges
  vpn_raw.finish();
  dc_raw.finish(&vpn_raw);
  AddressSpace taken;
  for (const auto& r : dc_raw.ranges) taken.add(r.first, r.second);
  for (const auto& r : vpn_raw.ranges) taken.add(r.first, r.second);
  taken.finish();
  for (auto oct : kResiOctets) spaces_[kResi].add((oct << 24) | 0x010000u, (oct << 24) | 0xfffffeu);
  for (auto oct : kMobileOctets) spaces_[kMobile].add((oct << 24) | 0x010000u, (oct << 24) | 0xfffffeu);
  for (auto oct : kEduOctets) spaces_[kEdu].add((oct << 24) | 0x010000u, (oct << 24) | 0xfffffeu);
  for (int s = kResi; s <= kEdu; ++s) spaces_[s].finish(&taken);
  spaces_[kDc] = dc_raw;
  spaces_[kVpn] = vpn_raw;
  for (int s = 0; s < 5; ++s) {
    if (spaces_[s].total() == 0) throw std::invalid_argument("ip ranges: an address space is empty");
    space_perm_.emplace_back(spaces_[s].total(), key_ ^ (0x737061636530ULL + static_cast<std::uint64_t>(s)));
  }
}

// --- entities and edges --------------------------------------------------------

std::uint32_t WorldB::entity(Chan c, std::uint8_t sub) {
  Entity e;
  e.chan = c;
  e.sub = sub;
  e.value = ordinal_[c]++;
  ent_.push_back(e);
  return static_cast<std::uint32_t>(ent_.size() - 1);
}

std::uint32_t WorldB::new_ip(IpNet net) {
  const std::uint64_t slot = space_used_[net]++;
  if (slot >= spaces_[net].total()) throw std::invalid_argument("world b: the world needs more IP addresses than its ranges hold");
  Entity e;
  e.chan = kIp;
  e.sub = net;
  e.value = spaces_[net].at(space_perm_[net](slot));
  ent_.push_back(e);
  return static_cast<std::uint32_t>(ent_.size() - 1);
}

std::uint32_t WorldB::pick(const std::vector<std::uint32_t>& pool, Rng& r, bool zipf) const {
  return pool[zipf ? r.zipf(pool.size()) : r.below(pool.size())];
}

std::int32_t WorldB::ago(std::int64_t t) const {
  return static_cast<std::int32_t>(std::clamp<std::int64_t>(kTakenAt - t, 0, 0x7fffffff));
}

void WorldB::reg(std::uint64_t a, std::uint32_t e, Rel rel) {
  if (!draw_.rel[rel]) return;
  Edge x;
  x.owner = static_cast<std::uint32_t>(a);
  x.other = static_cast<std::uint32_t>(n_ + e);
  x.rel = rel;
  x.first_ago = ago(acc_[a].created);
  x.last_ago = x.first_ago;
  edges_.push_back(x);
}

void WorldB::use(std::uint64_t a, std::uint32_t e, Rel rel, double weight, Rng& r) {
  // Draws happen whether or not the relation is written, so a world's
  // structure does not depend on what data it carries.
  const double u = r.uniform(), v = r.uniform();
  if (!draw_.rel[rel]) return;
  const std::int64_t age = std::max<std::int64_t>(0, kTakenAt - acc_[a].created);
  Edge x;
  x.owner = static_cast<std::uint32_t>(a);
  x.other = static_cast<std::uint32_t>(n_ + e);
  x.rel = rel;
  x.weight = static_cast<float>(std::max(1.0, std::round(weight)));
  x.first_ago = static_cast<std::int32_t>(std::min<std::int64_t>(age, 0x7fffffff) * (0.05 + 0.95 * u));
  x.last_ago = static_cast<std::int32_t>(x.first_ago * v * v * v);
  edges_.push_back(x);
}

void WorldB::aa(std::uint64_t src, std::uint64_t dst, Rel rel, double weight, std::int64_t when) {
  if (!draw_.rel[rel] || src == dst) return;
  if (rel == rInvited && acc_[src].created > acc_[dst].created) std::swap(src, dst);  // the older one invited
  Edge x;
  x.owner = static_cast<std::uint32_t>(src);
  x.other = static_cast<std::uint32_t>(dst);
  x.rel = rel;
  x.weight = static_cast<float>(weight);
  x.first_ago = ago(std::max(when, std::max(acc_[src].created, acc_[dst].created)));
  x.last_ago = x.first_ago;
  edges_.push_back(x);
}

void WorldB::egress(std::uint32_t proxy, std::uint32_t ip, double weight) {
  if (!draw_.rel[rEgress]) return;
  Edge x;
  x.owner = static_cast<std::uint32_t>(n_ + proxy);
  x.other = static_cast<std::uint32_t>(n_ + ip);
  x.rel = rEgress;
  x.weight = static_cast<float>(std::max(1.0, std::round(weight)));
  x.first_ago = static_cast<std::int32_t>(30 * kDay);
  x.last_ago = 0;
  edges_.push_back(x);
}

// --- accounts ---------------------------------------------------------------------

void WorldB::init(std::uint64_t i, std::uint32_t g, std::int64_t created, double volume, std::uint8_t pattern,
                  std::uint8_t country, std::uint8_t plan) {
  Acc& a = acc_[i];
  a.group = g;
  a.created = std::min(created, kTakenAt - 600);
  a.volume = static_cast<float>(volume);
  a.pattern = pattern;
  a.country = country;
  a.plan = plan;
}

std::uint8_t WorldB::country(Rng& r) const {
  const double u = r.uniform() * country_cdf_.back();
  const auto it = std::upper_bound(country_cdf_.begin() + 1, country_cdf_.end(), u);
  return static_cast<std::uint8_t>(std::min<std::ptrdiff_t>(it - country_cdf_.begin() - 1, kCountries.size() - 1));
}

// Sign-ups over five years, denser recently.
std::int64_t WorldB::person_created(Rng& r) const {
  const double days = 1800.0 * std::pow(r.uniform(), 1.7);
  return kTakenAt - static_cast<std::int64_t>(days * kDay) - static_cast<std::int64_t>(r.below(kDay));
}

double WorldB::person_volume(Rng& r, std::uint8_t& pattern) const {
  const double u = r.uniform();
  if (u < 0.14) { pattern = kDormant; return static_cast<double>(r.below(5)); }
  pattern = u < 0.18 ? kCron : (u < 0.20 ? kService : kHuman);
  return std::min(5e6, r.lognormal(std::log(180.0), 1.9));
}

std::uint64_t WorldB::random_person(Rng& r) const {
  return n_ > individuals_start_ ? individuals_start_ + r.below(n_ - individuals_start_) : r.below(n_);
}

void WorldB::email_default(std::uint64_t i, Rng& r, bool vanity) {
  const double u = r.uniform();
  if (u < 0.88 || !vanity) reg(i, pick(public_domains_, r, true), rDomain);
  else if (u < 0.92) reg(i, pick(isp_domains_, r, true), rDomain);
  else reg(i, entity(kDomain, kNamedDomain), rDomain);  // own vanity domain
}

void WorldB::phone_default(std::uint64_t i, Rng& r, double own, double virt) {
  const double u = r.uniform();
  if (u < own) reg(i, entity(kPhone), rPhone);
  else if (u < own + virt) reg(i, pick(virtual_numbers_, r), rPhone);
  else return;
  if (r.chance(0.12)) reg(i, r.chance(0.8) ? entity(kPhone) : pick(virtual_numbers_, r), rPhone);  // a second number
}

bool WorldB::card_default(std::uint64_t i, Rng& r, double p) {
  if (!r.chance(p)) return false;
  const double f = r.uniform();  // credit, debit, prepaid, virtual (privacy cards)
  reg(i, entity(kCard, static_cast<std::uint8_t>(f < 0.58 ? 0 : (f < 0.91 ? 1 : (f < 0.96 ? 2 : 3)))), rPaid);
  if (acc_[i].plan == kFree) acc_[i].plan = kPayg;
  const double u = r.uniform();
  if (u < 0.8) reg(i, entity(kAddress), rAddress);
  else if (u < 0.84) reg(i, pick(forwarders_, r, true), rAddress);
  return true;
}

void WorldB::home_ips(std::uint64_t i, Rng& r, int k) {
  for (int j = 0; j < k; ++j) {
    const std::uint32_t ip = new_ip(kResi);
    if (j == 0) home_ip_[i] = ip;
    use(i, ip, rIp, acc_[i].volume * (j == 0 ? 0.6 : 0.2), r);
  }
}

void WorldB::extra_ips(std::uint64_t i, Rng& r, double carrier, double vpn) {
  if (r.chance(carrier)) use(i, pick(carrier_nat_, r, true), rIp, acc_[i].volume * 0.2, r);
  if (r.chance(vpn)) use(i, pick(vpn_exits_, r, true), rIp, acc_[i].volume * 0.1, r);
}

void WorldB::devices_default(std::uint64_t i, Rng& r) {
  const int k = 1 + static_cast<int>(r.chance(0.4));
  for (int j = 0; j < k; ++j)
    use(i, r.chance(0.55) ? pick(popular_devices_, r, true) : entity(kDevice), rDevice, acc_[i].volume / k, r);
}

void WorldB::ua_default(std::uint64_t i, Rng& r) {
  use(i, r.chance(0.92) ? pick(popular_ua_, r, true) : pick(rare_ua_, r), rUa, acc_[i].volume, r);
}

void WorldB::templates_default(std::uint64_t i, Rng& r, double pub, double own) {
  if (r.chance(pub)) {
    const int k = 1 + static_cast<int>(r.below(3));
    for (int j = 0; j < k; ++j) use(i, pick(public_templates_, r, true), rTemplate, acc_[i].volume * 0.2, r);
  }
  if (r.chance(own)) use(i, entity(kTemplate), rTemplate, acc_[i].volume * 0.3, r);
}

void WorldB::stranger_ties(std::uint64_t i, Rng& r, double invited, double transfer) {
  if (r.chance(invited)) {
    const std::uint64_t j = random_person(r);
    if (j != i) aa(j, i, rInvited, 1, acc_[i].created);
  }
  if (r.chance(transfer)) {
    const std::uint64_t j = random_person(r);
    if (j != i) aa(i, j, rTransfer, 1 + static_cast<double>(r.below(4)), kTakenAt - static_cast<std::int64_t>(r.below(60 * kDay)));
  }
}

// An ordinary person's footprint (Acc already initialised).
void WorldB::person(std::uint64_t i, Rng& r, bool home) {
  email_default(i, r);
  phone_default(i, r, 0.62, 0.05);
  card_default(i, r, 0.5);
  if (r.chance(0.02)) reg(i, entity(kPayout), rPayout);
  if (home) home_ips(i, r, 1 + static_cast<int>(r.below(3)));
  extra_ips(i, r, 0.45, 0.04);
  devices_default(i, r);
  ua_default(i, r);
  templates_default(i, r, 0.35, 0.15);
  if (r.chance(0.4)) reg(i, entity(kWorkspace), rMember);
  if (r.chance(0.012)) use(i, pick(providers_, r, true), rProxy, acc_[i].volume * 0.5, r);
}

// --- plan -------------------------------------------------------------------------

std::uint64_t WorldB::add_group(Kind k, std::uint64_t size) {
  Group g;
  g.kind = k;
  g.ordinal = ++kind_count_[static_cast<std::size_t>(k)];
  g.start = groups_.empty() ? 0 : groups_.back().start + groups_.back().size;
  g.size = size;
  groups_.push_back(std::move(g));
  return size;
}

void WorldB::plan() {
  Rng r(hash2(key_, 0x706c616eULL));
  const double n = static_cast<double>(n_);
  auto log_uniform = [&](double lo, double hi) { return std::exp(std::log(lo) + r.uniform() * (std::log(hi) - std::log(lo))); };
  auto jitter = [&] { return 0.6 + 0.8 * r.uniform(); };
  // farms first, each followed by its genuine clients when it is a reseller
  share_[static_cast<std::size_t>(Kind::Hydra)] = opt_.farm.share * (0.7 + 0.6 * r.uniform());
  const double farm_target = share_[static_cast<std::size_t>(Kind::Hydra)] * n;
  const double farm_max = std::clamp(0.02 * n, 20.0, 6000.0);
  double farms = 0;
  std::uint64_t used = 0;
  while (farms + 20 <= farm_target) {
    auto size = static_cast<std::uint64_t>(std::llround(log_uniform(20, std::max(20.5, farm_max))));
    size = std::min<std::uint64_t>(size, static_cast<std::uint64_t>(farm_target - farms));
    if (size < 20) break;
    used += add_group(Kind::Hydra, size);
    farms += static_cast<double>(size);
    const double cover = std::clamp(opt_.farm.cover + 0.3 * (r.uniform() - 0.5), 0.0, 1.0);
    if (r.chance(cover)) {
      const auto fi = static_cast<std::uint32_t>(groups_.size() - 1);
      const auto clients = std::max<std::uint64_t>(3, static_cast<std::uint64_t>(static_cast<double>(size) * (0.2 + r.uniform())));
      used += add_group(Kind::ResellerClient, clients);
      groups_[fi].link = static_cast<std::uint32_t>(groups_.size() - 1);
      groups_.back().link = fi;
    }
  }
  // benign look-alikes: share of N (jittered per world) and group sizes
  struct Spec { Kind k; double share; double lo, hi, cap; bool log; };
  const std::array<Spec, 10> specs = {{
      {Kind::Team, 0.07, 3, 400, 0.01, true},
      {Kind::Classroom, 0.03, 31, 301, 0.01, true},
      {Kind::ReferralTree, 0.03, 5, 600, 0.01, true},
      {Kind::OssProject, 0.04, 20, 3000, 0.02, true},
      {Kind::Family, 0.05, 2, 5, 1.0, false},
      {Kind::CarrierNat, 0.06, 300, 3000, 0.02, true},
      {Kind::VpnExit, 0.02, 100, 1000, 0.01, true},
      {Kind::ViralTemplate, 0.03, 200, 3000, 0.02, true},
      {Kind::LegitReseller, 0.03, 50, 3000, 0.02, true},
      {Kind::ShardedService, 0.012, 10, 200, 0.005, true},
  }};
  std::array<double, specs.size()> target{};
  double sum = 0;
  for (std::size_t s = 0; s < specs.size(); ++s) sum += target[s] = specs[s].share * jitter() * n;
  const double room = std::max(0.0, 0.85 * n - static_cast<double>(used));
  const double scale = sum > room ? room / sum : 1.0;
  for (std::size_t s = 0; s < specs.size(); ++s) {
    const Spec& sp = specs[s];
    const double hi = std::max(sp.lo, std::min(sp.hi, sp.cap * n));
    double have = 0;
    const double want = target[s] * scale;
    share_[static_cast<std::size_t>(sp.k)] = want / n;
    while (want - have >= std::min(sp.lo, 3.0)) {  // the last group may be cut short
      double size = sp.log ? (sp.k == Kind::Team ? std::min(hi, 3.0 + r.lognormal(std::log(9.0), 1.1))
                                                 : log_uniform(sp.lo, hi))
                           : sp.lo + static_cast<double>(r.below(static_cast<std::uint64_t>(sp.hi - sp.lo) + 1));
      size = std::min(size, want - have);
      const auto s64 = static_cast<std::uint64_t>(std::floor(size));
      used += add_group(sp.k, s64);
      have += static_cast<double>(s64);
    }
  }
  individuals_start_ = used;
  Group ind;
  ind.kind = Kind::Individual;
  ind.start = used;
  ind.size = n_ - used;
  groups_.push_back(std::move(ind));
}

// --- build ------------------------------------------------------------------------

void WorldB::build(const ProgressFn& progress) {
  acc_.assign(n_, Acc{});
  home_ip_.assign(n_, kNone);
  plan();
  edges_.reserve(n_ * 9);
  ent_.reserve(n_ * 4);
  // global pools (hubs shared by strangers)
  Rng r(hash2(key_, 0x676c6f62616cULL));
  for (std::size_t d = 0; d < kPublicDomains.size(); ++d) {
    Entity e;
    e.chan = kDomain;
    e.sub = kPublicDomain;
    e.value = static_cast<std::uint32_t>(d);
    ent_.push_back(e);
    public_domains_.push_back(static_cast<std::uint32_t>(ent_.size() - 1));
  }
  auto pool = [&](std::vector<std::uint32_t>& v, std::uint64_t count, auto make) {
    for (std::uint64_t k = 0; k < count; ++k) v.push_back(make());
  };
  const std::uint64_t n = n_;
  pool(isp_domains_, 200, [&] { return entity(kDomain, kNamedDomain); });
  pool(virtual_numbers_, std::max<std::uint64_t>(300, n / 80), [&] { return entity(kPhone); });
  pool(forwarders_, std::max<std::uint64_t>(20, n / 4000), [&] { return entity(kAddress); });
  pool(popular_ua_, 150, [&] { return entity(kUa); });
  pool(rare_ua_, std::max<std::uint64_t>(400, n / 150), [&] { return entity(kUa); });
  pool(public_templates_, std::max<std::uint64_t>(800, n / 40), [&] { return entity(kTemplate); });
  pool(popular_devices_, 300, [&] { return entity(kDevice); });
  pool(carrier_nat_, std::max<std::uint64_t>(40, n / 500), [&] { return new_ip(kMobile); });
  pool(vpn_exits_, std::max<std::uint64_t>(25, n / 1500), [&] { return new_ip(kVpn); });
  pool(providers_, 6, [&] { return entity(kProxy); });
  const std::uint64_t univs = std::max<std::uint64_t>(1, kind_count_[static_cast<std::size_t>(Kind::Classroom)] / 3);
  for (std::uint64_t u = 0; u < univs; ++u) {
    univ_domain_.push_back(entity(kDomain, kEduDomain));
    univ_ips_.emplace_back();
    const auto k = 2 + r.below(5);
    for (std::uint64_t j = 0; j < k; ++j) univ_ips_.back().push_back(new_ip(kEdu));
  }
  build_individuals();
  if (progress) progress("build", individuals_start_ > 0 ? n_ - individuals_start_ : 0, n_);
  for (std::uint32_t g = 0; g + 1 < groups_.size(); ++g) {
    if (groups_[g].kind == Kind::ResellerClient) continue;  // built with its farm
    build_group(g);
  }
  assign_labels();
  if (progress) progress("build", n_, n_);
}

void WorldB::build_individuals() {
  const auto gi = static_cast<std::uint32_t>(groups_.size() - 1);
  for (std::uint64_t i = individuals_start_; i < n_; ++i) {
    Rng r(hash2(key_ ^ 0x696e646976ULL, i));
    std::uint8_t pattern = kHuman;
    const double vol = person_volume(r, pattern);
    const std::uint8_t c = country(r);
    init(i, gi, person_created(r), vol, pattern, c, kFree);
    person(i, r);
    // friends' referrals: invited by an earlier person, a rare transfer
    if (i > individuals_start_ && r.chance(0.06)) {
      const std::uint64_t j = individuals_start_ + r.below(i - individuals_start_);
      aa(j, i, rInvited, 1, acc_[i].created);
    }
    if (r.chance(0.006)) {
      const std::uint64_t j = random_person(r);
      if (j != i) aa(i, j, rTransfer, 1 + static_cast<double>(r.below(4)), kTakenAt - static_cast<std::int64_t>(r.below(60 * kDay)));
    }
  }
}

void WorldB::build_group(std::uint32_t gi) {
  Rng r(hash2(key_ ^ 0x67726f7570ULL, gi));
  switch (groups_[gi].kind) {
    case Kind::Hydra: build_farm(gi, r); break;
    case Kind::Team: build_team(gi, r); break;
    case Kind::Classroom: build_classroom(gi, r); break;
    case Kind::ReferralTree: build_referral(gi, r); break;
    case Kind::OssProject: build_oss(gi, r); break;
    case Kind::Family: build_family(gi, r); break;
    case Kind::CarrierNat:
    case Kind::VpnExit:
    case Kind::ViralTemplate: build_crowd(gi, r); break;
    case Kind::LegitReseller: build_reseller(gi, r); break;
    case Kind::ShardedService: build_sharded(gi, r); break;
    case Kind::Individual:
    case Kind::ResellerClient:
    case Kind::Count: break;
  }
}

std::uint32_t WorldB::new_profile() {
  profiles_.emplace_back(kBuckets, 0.0F);
  return static_cast<std::uint32_t>(profiles_.size() - 1);
}

// A farm: accounts created in waves (or bought aged), tied by invites,
// transfers and workspaces, sharing generic entities; infrastructure mostly
// fresh or borrowed from strangers; traffic partly in lock-step.
void WorldB::build_farm(std::uint32_t gi, Rng& r) {
  const WorldBFarmKnobs& K = opt_.farm;
  const std::uint64_t n = groups_[gi].size, s0 = groups_[gi].start;
  auto jp = [&](double p) { return std::clamp(p + 0.3 * (r.uniform() - 0.5), 0.0, 1.0); };
  auto jf = [&](double x) { return x * std::exp(1.4 * (r.uniform() - 0.5)); };
  const double aa_rate = jp(K.aa_rate), transfer = jp(K.transfer_rate), org = jp(K.org_rate);
  const double shared = jp(K.shared_rate);
  auto share_of = [&] { return std::clamp(shared * (0.5 + 0.8 * r.uniform()), 0.0, 1.0); };
  const double p_domain = share_of(), p_ua = share_of(), p_tpl = share_of(), p_payout = 0.6 * share_of(),
               p_drop = 0.7 * share_of(), p_relay = share_of();
  const double reuse = std::max(1.0, jf(K.phone_reuse));
  const double infra = jp(K.infra_reuse), sync = jp(K.synchrony), aged = jp(K.aged_fraction);
  const double own_card = 0.2 + 0.5 * r.uniform(), popular_dev = 0.15 + 0.5 * aged;
  const double odd_funding = 0.1 + 0.6 * shared;  // prepaid / virtual cards, else stolen credit / debit
  const double chain = r.uniform();
  const double wave_h = jf(K.wave_hours);
  const double median = jf(K.volume_median), sigma = K.volume_sigma;
  const double dormant = 0.02 + 0.2 * aged;
  const auto waves = 1 + r.below(2 + n / 150);
  std::vector<std::int64_t> wave_at(waves);
  for (auto& w : wave_at) w = kTakenAt - static_cast<std::int64_t>((2.0 + 238.0 * r.uniform()) * kDay);
  std::array<std::uint8_t, 4> countries{};
  const auto n_countries = 1 + r.below(4);
  for (auto& c : countries) c = country(r);

  // the farm's own shared entities and small pools
  std::vector<std::uint32_t> domains, uas, tpls, payouts, drops, ip_pool, dev_pool, card_pool, numbers;
  for (std::uint64_t k = 0, m = 1 + std::min<std::uint64_t>(5, n / 400); k < m; ++k) domains.push_back(entity(kDomain, kNamedDomain));
  for (std::uint64_t k = 0, m = 1 + r.below(2); k < m; ++k) uas.push_back(entity(kUa));
  for (std::uint64_t k = 0, m = 1 + r.below(5); k < m; ++k) tpls.push_back(entity(kTemplate));
  for (std::uint64_t k = 0, m = 1 + r.below(3); k < m; ++k) payouts.push_back(entity(kPayout));
  for (std::uint64_t k = 0, m = 1 + r.below(4); k < m; ++k) drops.push_back(entity(kAddress));
  for (std::uint64_t k = 0, m = std::max<std::uint64_t>(2, n / 12); k < m; ++k) ip_pool.push_back(new_ip(kResi));
  for (std::uint64_t k = 0, m = std::max<std::uint64_t>(2, n / 15); k < m; ++k) dev_pool.push_back(entity(kDevice));
  for (std::uint64_t k = 0, m = std::max<std::uint64_t>(1, n / 20); k < m; ++k) card_pool.push_back(entity(kCard, 3));
  for (std::uint64_t k = 0, m = static_cast<std::uint64_t>(std::ceil(static_cast<double>(n) / reuse)); k < m; ++k)
    numbers.push_back(pick(virtual_numbers_, r));
  const std::uint32_t relay = entity(kProxy);
  for (std::uint64_t k = 0, m = 1 + r.below(4); k < m; ++k) egress(relay, new_ip(kDc), static_cast<double>(n) * median / 3);
  const std::uint64_t ws_size = 3 + r.below(23);
  std::vector<std::uint32_t> ws(std::max<std::uint64_t>(1, static_cast<std::uint64_t>(std::ceil(static_cast<double>(n) * org / static_cast<double>(ws_size)))));
  std::vector<std::uint64_t> ws_lead(ws.size(), kNone);
  for (auto& w : ws) w = entity(kWorkspace);

  // creation times, then everything in creation order
  std::vector<std::uint64_t> order(n);
  for (std::uint64_t k = 0; k < n; ++k) {
    const std::uint64_t i = s0 + k;
    order[k] = i;
    Acc& a = acc_[i];
    a.aged = r.chance(aged);
    a.created = a.aged ? kTakenAt - static_cast<std::int64_t>((180.0 + 1500.0 * r.uniform()) * kDay)
                       : wave_at[r.below(waves)] + static_cast<std::int64_t>(std::abs(r.normal()) * wave_h * 3600.0);
    a.created = std::min(a.created, kTakenAt - 3600);
  }
  std::stable_sort(order.begin(), order.end(), [&](std::uint64_t x, std::uint64_t y) { return acc_[x].created < acc_[y].created; });
  const std::uint64_t recruiters = 1 + r.below(5), funders = 1 + r.below(3);
  const bool cash_out = r.chance(0.5);
  const std::uint32_t prof = new_profile();
  groups_[gi].profile = prof;
  groups_[gi].rotation = static_cast<std::uint8_t>(1 + r.below(3));
  for (std::uint64_t k = 0; k < n; ++k) {
    const std::uint64_t i = order[k];
    Acc& a = acc_[i];
    std::uint8_t pattern = kHuman;
    double vol = std::min(5e6, median * std::exp(sigma * r.normal()));
    if (r.chance(dormant)) { pattern = kDormant; vol = static_cast<double>(r.below(5)); }
    init(i, gi, a.created, vol, pattern, countries[r.below(n_countries)], kFree);
    a.sync = pattern == kDormant ? 0.0F : static_cast<float>(std::clamp(sync * (0.8 + 0.4 * r.uniform()), 0.0, 1.0));
    a.shift = static_cast<std::uint8_t>(r.below(groups_[gi].rotation));
    // generic entities
    if (r.chance(p_domain)) reg(i, domains[r.below(domains.size())], rDomain);
    else email_default(i, r, false);
    if (r.chance(0.9)) reg(i, numbers[r.below(numbers.size())], rPhone);
    if (r.chance(0.3)) reg(i, numbers[r.below(numbers.size())], rPhone);  // re-verified after a number expired
    if (r.chance(own_card)) {
      const auto funding = static_cast<std::uint8_t>(r.chance(odd_funding) ? 2 + r.below(2) : r.below(2));
      reg(i, r.chance(infra) ? pick(card_pool, r) : entity(kCard, funding), rPaid);
      a.plan = kPayg;
      if (r.chance(p_drop)) reg(i, pick(drops, r), rAddress);
      else if (r.chance(0.7)) reg(i, entity(kAddress), rAddress);
    }
    if (r.chance(p_payout)) reg(i, pick(payouts, r), rPayout);
    use(i, r.chance(p_ua) ? pick(uas, r) : pick(popular_ua_, r, true), rUa, vol, r);
    if (r.chance(p_tpl)) {
      const int m = 1 + static_cast<int>(r.chance(0.4));
      for (int j = 0; j < m; ++j) use(i, pick(tpls, r), rTemplate, vol * 0.5, r);
    }
    templates_default(i, r, 0.25, 0.05);
    // infrastructure: rotating residential exits, anti-detect fingerprints
    const int ips = 1 + static_cast<int>(r.below(3));
    for (int j = 0; j < ips; ++j) {
      const double u = r.uniform();
      std::uint32_t ip;
      if (r.chance(infra)) ip = pick(ip_pool, r);
      else if (const std::uint32_t home = home_ip_[random_person(r)]; u < 0.35 && home != kNone) ip = home;  // a stranger's home
      else if (u < 0.45) ip = pick(carrier_nat_, r, true);
      else ip = new_ip(kResi);
      use(i, ip, rIp, vol / ips, r);
    }
    const int devs = 1 + static_cast<int>(r.chance(0.35));
    for (int j = 0; j < devs; ++j)
      use(i, r.chance(infra) ? pick(dev_pool, r) : (r.chance(popular_dev) ? pick(popular_devices_, r, true) : entity(kDevice)),
          rDevice, vol / devs, r);
    if (r.chance(p_relay)) use(i, relay, rProxy, vol, r);
    else if (r.chance(0.1)) use(i, pick(providers_, r, true), rProxy, vol * 0.5, r);
    // ties between farm accounts
    if (r.chance(org)) {
      const auto w = r.below(ws.size());
      reg(i, ws[w], rMember);
      if (ws_lead[w] == kNone) ws_lead[w] = i;
      else aa(i, ws_lead[w], rSameOrg, 1, a.created);
    } else if (r.chance(0.3)) {
      reg(i, entity(kWorkspace), rMember);
    }
    if (a.aged) stranger_ties(i, r, 0.06, 0.006);
    else if (k > 0 && r.chance(aa_rate)) {
      const std::uint64_t inviter = r.chance(chain) ? order[k - 1] : order[r.below(std::min(k, recruiters))];
      aa(inviter, i, rInvited, 1, a.created);
    }
    if (k >= funders && r.chance(transfer)) {
      const std::uint64_t f = order[r.below(funders)];
      const double w = 1 + static_cast<double>(r.below(6));
      const std::int64_t when = kTakenAt - static_cast<std::int64_t>(r.below(30 * kDay));
      if (cash_out) aa(i, f, rTransfer, w, when);
      else aa(f, i, rTransfer, w, when);
    }
  }
  // the storefront: the first accounts made, which invite the genuine clients
  const std::vector<std::uint64_t> front(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(std::min<std::uint64_t>(n, recruiters)));
  // banned seeds (Bare: exactly the configured share of every farm)
  std::uint64_t seeds = 0;
  double seed_rate = 0;
  if (opt_.profile == WorldBProfile::Bare) {
    seeds = static_cast<std::uint64_t>(std::llround(opt_.bare_banned_fraction * static_cast<double>(n)));
    seed_rate = opt_.bare_banned_fraction;
  } else if (!r.chance(K.seedless)) {
    seed_rate = K.seed_max * (0.2 + 0.8 * r.uniform());
    seeds = static_cast<std::uint64_t>(seed_rate * static_cast<double>(n) + r.uniform());
  }
  for (std::uint64_t k = 0; k < seeds && k < n; ++k) {  // partial Fisher-Yates over the members
    std::swap(order[k], order[k + r.below(n - k)]);
    acc_[order[k]].label = static_cast<std::uint8_t>(Label::Banned);
  }
  // the farm's traffic: one of three schedules, with shared lock-step noise
  std::vector<float>& p = profiles_[prof];
  const auto style = r.below(3);
  const int op_tz = kCountries[countries[0]].tz + static_cast<int>(r.below(5)) - 2;
  const auto gap = r.below(24), len = 8 + r.below(9);
  const std::uint32_t start_b = r.chance(0.25) ? static_cast<std::uint32_t>(r.below(kBuckets / 2)) : 0;
  std::vector<std::pair<std::int64_t, std::int64_t>> bursts;
  for (std::uint64_t k = 0, m = 3 + r.below(6); k < m; ++k) {
    const std::int64_t at = bucket_start(0) + static_cast<std::int64_t>(r.uniform() * static_cast<double>(kBuckets) * static_cast<double>(bucket_seconds_));
    bursts.emplace_back(at, at + static_cast<std::int64_t>((6 + r.below(25)) * 3600));
  }
  for (std::uint32_t b = 0; b < kBuckets; ++b) {
    const std::int64_t t = bucket_start(b) + bucket_seconds_ / 2;
    const auto hour = static_cast<std::uint64_t>(((t + op_tz * 3600) / 3600) % 24);
    double base;
    if (style == 0) base = (hour + 24 - gap) % 24 < 3 ? 0.02 : 1.0;  // 24/7 with a maintenance gap
    else if (style == 1) base = (hour + 24 - gap) % 24 < len ? 1.0 : 0.03;  // operator shifts
    else {
      base = 0.05;
      for (const auto& [s, e] : bursts) if (t >= s && t < e) base = 1.0;
    }
    if (b < start_b) base = 0.0;
    p[b] = static_cast<float>(base * r.lognormal(0.0, 0.45));
  }
  groups_[gi].extra = ",\"knobs\":{\"aa_rate\":" + num(aa_rate) + ",\"chain_share\":" + num(chain) +
                      ",\"transfer_rate\":" + num(transfer) + ",\"org_rate\":" + num(org) + ",\"shared_rate\":" + num(shared) +
                      ",\"domain\":" + num(p_domain) + ",\"user_agent\":" + num(p_ua) + ",\"template\":" + num(p_tpl) +
                      ",\"payout\":" + num(p_payout) + ",\"relay\":" + num(p_relay) + ",\"phone_reuse\":" + num(reuse) +
                      ",\"infra_reuse\":" + num(infra) + ",\"synchrony\":" + num(sync) +
                      ",\"rotation\":" + std::to_string(groups_[gi].rotation) + ",\"schedule\":" + std::to_string(style) +
                      ",\"aged_fraction\":" + num(aged) + ",\"waves\":" + std::to_string(waves) +
                      ",\"wave_hours\":" + num(wave_h) + ",\"volume_median\":" + num(median) +
                      ",\"seed_rate\":" + num(seed_rate) + "},\"seeds\":" + std::to_string(seeds);
  if (groups_[gi].link != kNone) {
    const Group& c = groups_[groups_[gi].link];
    groups_[gi].extra += ",\"cover_clients\":\"" + std::string(kKindName[static_cast<std::size_t>(c.kind)]) + "-" +
                         std::to_string(c.ordinal) + "\"";
    // genuine clients: ordinary people tied to the farm's storefront
    const Group& cg = groups_[groups_[gi].link];
    for (std::uint64_t k = 0; k < cg.size; ++k) {
      const std::uint64_t i = cg.start + k;
      std::uint8_t pattern = kHuman;
      const double vol = person_volume(r, pattern);
      init(i, groups_[gi].link, person_created(r), vol, pattern, country(r), kFree);
      email_default(i, r);
      phone_default(i, r, 0.6, 0.06);
      card_default(i, r, 0.3);
      home_ips(i, r, 1 + static_cast<int>(r.below(2)));
      extra_ips(i, r, 0.45, 0.05);
      devices_default(i, r);
      if (r.chance(0.4)) use(i, pick(uas, r), rUa, vol, r);
      else ua_default(i, r);
      if (r.chance(0.25)) use(i, pick(tpls, r), rTemplate, vol * 0.3, r);
      templates_default(i, r, 0.3, 0.1);
      if (r.chance(0.7)) use(i, relay, rProxy, vol, r);
      if (r.chance(0.6)) aa(front[r.below(front.size())], i, rInvited, 1, acc_[i].created);
      stranger_ties(i, r, 0.03, 0.006);
    }
    groups_[groups_[gi].link].extra = ",\"farm\":\"hydra-" + std::to_string(groups_[gi].ordinal) + "\"";
  }
}

// A company: members invite each other and share the corporate domain,
// office IPs, cards, a gateway, internal templates; office hours.
void WorldB::build_team(std::uint32_t gi, Rng& r) {
  const std::uint64_t n = groups_[gi].size, s0 = groups_[gi].start;
  const std::uint8_t ctry = country(r);
  const int tz = kCountries[ctry].tz;
  const std::uint32_t domain = entity(kDomain, kNamedDomain), hq = entity(kAddress);
  std::vector<std::uint32_t> cards, office, tpls, wss;
  for (std::uint64_t k = 0, m = 1 + r.below(3); k < m; ++k) cards.push_back(entity(kCard, static_cast<std::uint8_t>(r.below(2))));
  for (std::uint64_t k = 0, m = 1 + r.below(4); k < m; ++k) office.push_back(new_ip(kResi));
  for (std::uint64_t k = 0, m = 1 + r.below(8); k < m; ++k) tpls.push_back(entity(kTemplate));
  for (std::uint64_t k = 0, m = 1 + r.below(3); k < m; ++k) wss.push_back(entity(kWorkspace));
  const std::uint32_t image = r.chance(0.5) ? entity(kDevice) : kNone;
  const std::uint32_t ua = r.chance(0.6) ? entity(kUa) : kNone;
  std::uint32_t gateway = kNone;
  if (r.chance(0.25)) {
    gateway = entity(kProxy);
    for (std::uint64_t k = 0, m = 1 + r.below(2); k < m; ++k) egress(gateway, new_ip(kDc), 1000.0 * static_cast<double>(n));
  }
  const std::int64_t founded = kTakenAt - static_cast<std::int64_t>((30.0 + 1470.0 * r.uniform()) * kDay);
  std::vector<std::int64_t> waves(1 + r.below(5));
  for (auto& w : waves) w = founded + static_cast<std::int64_t>(r.uniform() * static_cast<double>(kTakenAt - founded));
  const double median = 500.0 * std::exp(r.normal() * 0.6);
  const std::uint32_t prof = new_profile();
  groups_[gi].profile = prof;
  const double sync = 0.2 + 0.2 * r.uniform();
  for (std::uint64_t k = 0; k < n; ++k) {
    const std::uint64_t i = s0 + k;
    const std::int64_t created = k == 0 ? founded : waves[r.below(waves.size())] + static_cast<std::int64_t>(r.uniform() * 5 * kDay);
    const double vol = std::min(5e6, median * std::exp(1.4 * r.normal()));
    init(i, gi, created, vol, kOffice, r.chance(0.9) ? ctry : country(r), n > 30 ? kEnterprise : kTeamPlan);
    acc_[i].sync = static_cast<float>(sync);
    if (r.chance(0.92)) reg(i, domain, rDomain);
    else email_default(i, r, false);
    phone_default(i, r, 0.6, 0.01);
    if (r.chance(0.6)) { reg(i, pick(cards, r), rPaid); reg(i, hq, rAddress); }
    else card_default(i, r, 0.2);
    if (r.chance(0.85)) {
      use(i, pick(office, r), rIp, vol * 0.6, r);
      if (office.size() > 1 && r.chance(0.3)) use(i, pick(office, r), rIp, vol * 0.2, r);
    }
    if (r.chance(0.6)) home_ips(i, r, 1 + static_cast<int>(r.below(2)));
    extra_ips(i, r, 0.4, 0.03);
    if (image != kNone && r.chance(0.7)) use(i, image, rDevice, vol * 0.6, r);
    else devices_default(i, r);
    if (ua != kNone && r.chance(0.6)) use(i, ua, rUa, vol, r);
    else ua_default(i, r);
    if (r.chance(0.6)) for (int j = 0, m = 1 + static_cast<int>(r.below(3)); j < m; ++j) use(i, pick(tpls, r), rTemplate, vol * 0.3, r);
    templates_default(i, r, 0.2, 0.1);
    if (r.chance(0.85)) {
      reg(i, pick(wss, r), rMember);
      if (wss.size() > 1 && r.chance(0.3)) reg(i, pick(wss, r), rMember);
    }
    if (gateway != kNone && r.chance(0.9)) use(i, gateway, rProxy, vol * 0.7, r);
    if (k > 0) {
      const double u = r.uniform();
      if (u < 0.6) aa(s0, i, rInvited, 1, created);
      else if (u < 0.85) aa(s0 + r.below(k), i, rInvited, 1, created);
      if (r.chance(0.7)) aa(i, s0, rSameOrg, 1, created);
      if (r.chance(0.25)) aa(s0, i, rTransfer, 1 + static_cast<double>(r.below(3)), kTakenAt - static_cast<std::int64_t>(r.below(60 * kDay)));
    }
  }
  std::vector<float>& p = profiles_[prof];
  for (std::uint32_t b = 0; b < kBuckets; ++b) {
    const std::int64_t t = bucket_start(b) + bucket_seconds_ / 2 + tz * 3600;
    const auto hour = (t / 3600) % 24, day = t / kDay, wd = (day + 4) % 7;
    const bool work = wd != 0 && wd != 6 && hour >= 9 && hour < 18;
    p[b] = static_cast<float>((work ? 1.0 : 0.03) * r.lognormal(0.0, 0.3));
  }
  groups_[gi].extra = ",\"members_sharing_domain\":0.92,\"office_ips\":" + std::to_string(office.size()) +
                      ",\"cards\":" + std::to_string(cards.size()) + ",\"gateway\":" + (gateway != kNone ? "true" : "false");
}

// A teacher invites 30-300 students who sign up on the first day of the
// course, share the university's domain and campus NAT, an assignment
// template and the course notebook's user agent; a deadline spike.
void WorldB::build_classroom(std::uint32_t gi, Rng& r) {
  const std::uint64_t n = groups_[gi].size, s0 = groups_[gi].start;
  const auto u = r.below(univ_domain_.size());
  const std::uint32_t domain = univ_domain_[u];
  const auto& campus = univ_ips_[u];
  const std::uint8_t ctry = country(r);
  const int tz = kCountries[ctry].tz;
  const std::uint32_t ua = entity(kUa), ws = entity(kWorkspace);
  std::vector<std::uint32_t> tpls;
  for (std::uint64_t k = 0, m = 1 + r.below(3); k < m; ++k) tpls.push_back(entity(kTemplate));
  const std::int64_t course = kTakenAt - static_cast<std::int64_t>((10.0 + 110.0 * r.uniform()) * kDay);
  const std::uint32_t prof = new_profile();
  groups_[gi].profile = prof;
  const double sync = 0.25 + 0.25 * r.uniform();
  for (std::uint64_t k = 0; k < n; ++k) {
    const std::uint64_t i = s0 + k;
    std::int64_t created;
    if (k == 0) created = course - static_cast<std::int64_t>((30.0 + 700.0 * r.uniform()) * kDay);
    else if (r.chance(0.15)) created = person_created(r);
    else if (r.chance(0.8)) created = course + static_cast<std::int64_t>(r.uniform() * 2 * kDay);
    else created = course + static_cast<std::int64_t>(r.uniform() * 21 * kDay);
    const double vol = k == 0 ? 300.0 * std::exp(r.normal()) : std::min(1e6, 60.0 * std::exp(1.2 * r.normal()));
    init(i, gi, created, vol, kHuman, r.chance(0.85) ? ctry : country(r), kEduPlan);
    acc_[i].sync = k == 0 ? 0.0F : static_cast<float>(sync);
    if (k == 0 || r.chance(0.8)) reg(i, domain, rDomain);
    else email_default(i, r, false);
    phone_default(i, r, 0.5, 0.02);
    card_default(i, r, k == 0 ? 0.5 : 0.1);
    if (r.chance(0.75)) use(i, pick(campus, r), rIp, vol * 0.5, r);
    home_ips(i, r, 1);
    extra_ips(i, r, 0.5, 0.03);
    devices_default(i, r);
    if (r.chance(0.7)) use(i, ua, rUa, vol * 0.7, r);
    else ua_default(i, r);
    if (r.chance(0.65)) use(i, pick(tpls, r), rTemplate, vol * 0.4, r);
    templates_default(i, r, 0.25, 0.05);
    if (r.chance(0.7)) reg(i, ws, rMember);
    if (k > 0) {
      if (r.chance(0.85)) aa(s0, i, rInvited, 1, created);
      else if (k > 1 && r.chance(0.3)) aa(s0 + 1 + r.below(k - 1), i, rInvited, 1, created);
    }
  }
  std::vector<float>& p = profiles_[prof];
  const std::int64_t deadline = bucket_start(kBuckets / 2) +
                                static_cast<std::int64_t>(r.below(kBuckets / 2)) * bucket_seconds_;
  for (std::uint32_t b = 0; b < kBuckets; ++b) {
    const std::int64_t t = bucket_start(b) + bucket_seconds_ / 2;
    const auto hour = ((t + tz * 3600) / 3600) % 24;
    double base = hour >= 18 ? 0.35 : (hour >= 9 ? 0.2 : 0.02);
    if (t <= deadline && t > deadline - 10 * 3600) base *= 25.0;
    if (t > deadline) base *= 0.3;
    p[b] = static_cast<float>(base * r.lognormal(0.0, 0.3));
  }
  groups_[gi].extra = ",\"university\":" + std::to_string(u) + ",\"students\":" + std::to_string(n - 1);
}

// A benign referral program: one popular referrer, a tree of referees who are
// otherwise ordinary people, joining after a campaign.
void WorldB::build_referral(std::uint32_t gi, Rng& r) {
  const std::uint64_t n = groups_[gi].size, s0 = groups_[gi].start;
  const std::int64_t campaign = kTakenAt - static_cast<std::int64_t>((10.0 + 390.0 * r.uniform()) * kDay);
  const double to_root = 0.3 + 0.4 * r.uniform();
  for (std::uint64_t k = 0; k < n; ++k) {
    const std::uint64_t i = s0 + k;
    std::uint8_t pattern = kHuman;
    const double vol = person_volume(r, pattern);
    std::int64_t created;
    if (k == 0) created = campaign - static_cast<std::int64_t>((30.0 + 900.0 * r.uniform()) * kDay);
    else created = campaign + static_cast<std::int64_t>(-std::log(std::max(1e-12, r.uniform())) * (r.chance(0.2) ? 60.0 : 8.0) * kDay);
    init(i, gi, created, vol, pattern, country(r), kFree);
    person(i, r);
    if (k == 0) reg(i, entity(kPayout), rPayout);
    else {
      const std::uint64_t inviter = r.chance(to_root) ? s0 : s0 + r.below(k);
      aa(inviter, i, rInvited, 1, std::max(created, acc_[inviter].created));
      if (k < 10 && r.chance(0.5)) reg(i, entity(kPayout), rPayout);  // active referrers get paid
    }
  }
  groups_[gi].extra = ",\"invited_by_root\":" + num(to_root);
}

// Users of an open-source tool: its user agent and prompt templates; a few
// maintainers share a workspace.
void WorldB::build_oss(std::uint32_t gi, Rng& r) {
  const std::uint64_t n = groups_[gi].size, s0 = groups_[gi].start;
  std::vector<std::uint32_t> uas, tpls;
  for (std::uint64_t k = 0, m = 1 + r.below(2); k < m; ++k) uas.push_back(entity(kUa));
  for (std::uint64_t k = 0, m = 1 + r.below(3); k < m; ++k) tpls.push_back(entity(kTemplate));
  const std::uint32_t ws = entity(kWorkspace);
  const std::uint64_t maintainers = 3 + r.below(6);
  const std::int64_t release = kTakenAt - static_cast<std::int64_t>((5.0 + 300.0 * r.uniform()) * kDay);
  for (std::uint64_t k = 0; k < n; ++k) {
    const std::uint64_t i = s0 + k;
    std::uint8_t pattern = kHuman;
    double vol = person_volume(r, pattern);
    const bool ci = r.chance(0.1);
    if (ci) { pattern = kCron; vol = std::max(vol, 200.0); }
    const std::int64_t created = r.chance(0.25) ? release + static_cast<std::int64_t>(r.uniform() * 4 * kDay) : person_created(r);
    init(i, gi, created, vol, pattern, country(r), kFree);
    email_default(i, r);
    phone_default(i, r, 0.6, 0.04);
    card_default(i, r, 0.4);
    home_ips(i, r, 1 + static_cast<int>(r.below(2)));
    extra_ips(i, r, 0.4, 0.04);
    if (ci) use(i, new_ip(kDc), rIp, vol, r);
    devices_default(i, r);
    if (r.chance(0.85)) use(i, pick(uas, r), rUa, vol, r);
    else ua_default(i, r);
    if (r.chance(0.5)) use(i, pick(tpls, r), rTemplate, vol * 0.4, r);
    templates_default(i, r, 0.2, 0.1);
    if (k < maintainers) {
      if (r.chance(0.8)) reg(i, ws, rMember);
      if (k > 0 && r.chance(0.5)) aa(s0, i, rInvited, 1, created);
    } else if (r.chance(0.4)) {
      reg(i, entity(kWorkspace), rMember);
    }
    stranger_ties(i, r, 0.05, 0.005);
  }
  groups_[gi].extra = ",\"maintainers\":" + std::to_string(std::min(n, maintainers));
}

// A household: home IPs, a card and its address, sometimes a device or a
// family domain; a parent invites the others and tops up their credit.
void WorldB::build_family(std::uint32_t gi, Rng& r) {
  const std::uint64_t n = groups_[gi].size, s0 = groups_[gi].start;
  std::vector<std::uint32_t> home;
  for (std::uint64_t k = 0, m = 1 + r.below(2); k < m; ++k) home.push_back(new_ip(kResi));
  const std::uint32_t card = r.chance(0.7) ? entity(kCard, static_cast<std::uint8_t>(r.below(2))) : kNone;
  const std::uint32_t addr = entity(kAddress);
  const std::uint32_t device = r.chance(0.4) ? entity(kDevice) : kNone;
  const std::uint32_t domain = r.chance(0.15) ? entity(kDomain, kNamedDomain) : kNone;
  const std::uint32_t landline = r.chance(0.1) ? entity(kPhone) : kNone;
  const std::uint8_t ctry = country(r);
  for (std::uint64_t k = 0; k < n; ++k) {
    const std::uint64_t i = s0 + k;
    std::uint8_t pattern = kHuman;
    const double vol = person_volume(r, pattern);
    init(i, gi, person_created(r), vol, pattern, ctry, card != kNone ? kPayg : kFree);
    if (domain != kNone) reg(i, domain, rDomain);
    else email_default(i, r);
    if (landline != kNone) reg(i, landline, rPhone);
    else phone_default(i, r, 0.6, 0.01);
    if (card != kNone) { reg(i, card, rPaid); reg(i, addr, rAddress); }
    for (auto ip : home) use(i, ip, rIp, vol * 0.6 / static_cast<double>(home.size()), r);
    if (home_ip_[i] == kNone) home_ip_[i] = home[0];
    extra_ips(i, r, 0.5, 0.02);
    if (device != kNone) use(i, device, rDevice, vol * 0.5, r);
    devices_default(i, r);
    ua_default(i, r);
    templates_default(i, r, 0.35, 0.1);
    if (k > 0) {
      if (r.chance(0.6)) aa(s0, i, rInvited, 1, acc_[i].created);
      if (r.chance(0.3)) aa(s0, i, rTransfer, 1 + static_cast<double>(r.below(3)), kTakenAt - static_cast<std::int64_t>(r.below(60 * kDay)));
    }
  }
  groups_[gi].extra = ",\"shared_card\":" + std::string(card != kNone ? "true" : "false");
}

// Strangers behind one public hub: a carrier's CGNAT pool, a VPN's exits, or
// a viral prompt template (with the app that spread it).
void WorldB::build_crowd(std::uint32_t gi, Rng& r) {
  const Kind kind = groups_[gi].kind;
  const std::uint64_t n = groups_[gi].size, s0 = groups_[gi].start;
  std::vector<std::uint32_t> hub;
  std::uint32_t app = kNone;
  std::int64_t viral = 0;
  if (kind == Kind::CarrierNat) for (std::uint64_t k = 0, m = 2 + r.below(9); k < m; ++k) hub.push_back(new_ip(kMobile));
  else if (kind == Kind::VpnExit) for (std::uint64_t k = 0, m = 3 + r.below(18); k < m; ++k) hub.push_back(new_ip(kVpn));
  else {
    for (std::uint64_t k = 0, m = 1 + r.below(3); k < m; ++k) hub.push_back(entity(kTemplate));
    app = entity(kUa);
    viral = kTakenAt - static_cast<std::int64_t>((3.0 + 200.0 * r.uniform()) * kDay);
  }
  for (std::uint64_t k = 0; k < n; ++k) {
    const std::uint64_t i = s0 + k;
    std::uint8_t pattern = kHuman;
    const double vol = person_volume(r, pattern);
    std::int64_t created = person_created(r);
    if (kind == Kind::ViralTemplate && r.chance(0.35)) created = viral + static_cast<std::int64_t>(r.uniform() * 3 * kDay);
    init(i, gi, created, vol, pattern, country(r), kFree);
    if (kind == Kind::ViralTemplate) {
      person(i, r);
      use(i, hub[0], rTemplate, vol * 0.5, r);
      for (std::size_t j = 1; j < hub.size(); ++j) if (r.chance(0.3)) use(i, hub[j], rTemplate, vol * 0.2, r);
      if (r.chance(0.5)) use(i, app, rUa, vol * 0.5, r);
      continue;
    }
    const bool vpn = kind == Kind::VpnExit;
    email_default(i, r);
    phone_default(i, r, vpn ? 0.45 : 0.8, vpn ? 0.2 : 0.02);
    if (card_default(i, r, 0.45) && vpn && r.chance(0.1)) reg(i, pick(forwarders_, r, true), rAddress);
    const int m = 1 + static_cast<int>(r.chance(0.4));
    for (int j = 0; j < m; ++j) use(i, pick(hub, r, true), rIp, vol * 0.6 / m, r);
    if (r.chance(0.3)) home_ips(i, r, 1);
    devices_default(i, r);
    ua_default(i, r);
    templates_default(i, r, 0.35, 0.15);
    if (r.chance(0.4)) reg(i, entity(kWorkspace), rMember);
    stranger_ties(i, r, 0.06, 0.006);
  }
  groups_[gi].extra = ",\"hub_entities\":" + std::to_string(hub.size());
}

// A legitimate reseller: a few operator accounts and many independent
// customers routed through its proxy with its client library.
void WorldB::build_reseller(std::uint32_t gi, Rng& r) {
  const std::uint64_t n = groups_[gi].size, s0 = groups_[gi].start;
  const std::uint32_t proxy = entity(kProxy), ua = entity(kUa), domain = entity(kDomain, kNamedDomain),
                      card = entity(kCard, 0);
  const std::uint64_t ops = 1 + r.below(3);
  std::vector<std::uint32_t> hosts;
  for (std::uint64_t k = 0, m = 2 + r.below(7); k < m; ++k) hosts.push_back(new_ip(kDc));
  for (auto h : hosts) egress(proxy, h, 300.0 * static_cast<double>(n) / static_cast<double>(hosts.size()));
  const std::int64_t opened = kTakenAt - static_cast<std::int64_t>((60.0 + 700.0 * r.uniform()) * kDay);
  for (std::uint64_t k = 0; k < n; ++k) {
    const std::uint64_t i = s0 + k;
    std::uint8_t pattern = kHuman;
    if (k < ops) {
      init(i, gi, opened - static_cast<std::int64_t>(r.below(30 * kDay)), 2000.0 * std::exp(r.normal()), kService, country(r), kEnterprise);
      reg(i, domain, rDomain);
      reg(i, card, rPaid);
      use(i, pick(hosts, r), rIp, acc_[i].volume, r);
      use(i, ua, rUa, acc_[i].volume, r);
      use(i, proxy, rProxy, acc_[i].volume, r);
      if (k > 0) aa(i, s0, rSameOrg, 1, acc_[i].created);
      continue;
    }
    const double vol = person_volume(r, pattern) * 1.5;
    const std::int64_t created = opened + static_cast<std::int64_t>(r.uniform() * static_cast<double>(kTakenAt - opened));
    init(i, gi, created, vol, pattern, country(r), kFree);
    email_default(i, r);
    phone_default(i, r, 0.6, 0.05);
    card_default(i, r, 0.7);
    home_ips(i, r, 1 + static_cast<int>(r.below(3)));
    extra_ips(i, r, 0.45, 0.04);
    devices_default(i, r);
    if (r.chance(0.6)) use(i, ua, rUa, vol, r);
    else ua_default(i, r);
    templates_default(i, r, 0.35, 0.2);
    if (r.chance(0.9)) use(i, proxy, rProxy, vol * 0.8, r);
    if (r.chance(0.4)) aa(s0 + r.below(ops), i, rInvited, 1, created);
    stranger_ties(i, r, 0.03, 0.004);
  }
  groups_[gi].extra = ",\"operators\":" + std::to_string(std::min(n, ops));
}

// One company's many keys: provisioned in minutes, one card, a few cloud IPs,
// one client, balanced 24/7 traffic that rises and falls together.
void WorldB::build_sharded(std::uint32_t gi, Rng& r) {
  const std::uint64_t n = groups_[gi].size, s0 = groups_[gi].start;
  const std::uint32_t domain = entity(kDomain, kNamedDomain), card = entity(kCard, 0), addr = entity(kAddress),
                      ua = entity(kUa), ws = entity(kWorkspace);
  const std::uint32_t image = r.chance(0.8) ? entity(kDevice) : kNone;
  std::vector<std::uint32_t> ips, tpls;
  for (std::uint64_t k = 0, m = 2 + r.below(5); k < m; ++k) ips.push_back(new_ip(kDc));
  for (std::uint64_t k = 0, m = 1 + r.below(2); k < m; ++k) tpls.push_back(entity(kTemplate));
  std::vector<std::int64_t> waves(1 + r.below(3));
  for (auto& w : waves) w = kTakenAt - static_cast<std::int64_t>((1.0 + 700.0 * r.uniform()) * kDay);
  const double vol0 = 20000.0 * std::exp(r.normal());
  const std::uint32_t prof = new_profile();
  groups_[gi].profile = prof;
  const std::uint8_t ctry = country(r);
  for (std::uint64_t k = 0; k < n; ++k) {
    const std::uint64_t i = s0 + k;
    const std::int64_t created = waves[r.below(waves.size())] + static_cast<std::int64_t>(r.uniform() * 720.0);
    const double vol = vol0 * std::max(0.5, 1.0 + 0.05 * r.normal());
    init(i, gi, created, vol, kService, ctry, kEnterprise);
    acc_[i].sync = 0.9F;
    reg(i, domain, rDomain);
    reg(i, card, rPaid);
    reg(i, addr, rAddress);
    reg(i, ws, rMember);
    const int m = 1 + static_cast<int>(r.chance(0.5));
    for (int j = 0; j < m; ++j) use(i, pick(ips, r), rIp, vol / m, r);
    if (image != kNone) use(i, image, rDevice, vol, r);
    use(i, ua, rUa, vol, r);
    if (r.chance(0.9)) use(i, pick(tpls, r), rTemplate, vol, r);
    if (k > 0) {
      aa(i, s0, rSameOrg, 1, created);
      if (r.chance(0.4)) aa(s0, i, rInvited, 1, created);
    }
  }
  std::vector<float>& p = profiles_[prof];
  for (std::uint32_t b = 0; b < kBuckets; ++b) {
    const std::int64_t t = bucket_start(b) + bucket_seconds_ / 2;
    const double hour = static_cast<double>((t / 3600) % 24);
    p[b] = static_cast<float>((1.0 + 0.35 * std::sin(6.283185307179586 * (hour - 8.0) / 24.0)) * r.lognormal(0.0, 0.08));
  }
  groups_[gi].extra = ",\"cloud_ips\":" + std::to_string(ips.size()) + ",\"volume\":" + num(vol0);
}

// Trusted accounts (some worlds) and a few benign false leads (suspect).
void WorldB::assign_labels() {
  if (opt_.profile == WorldBProfile::Bare) return;
  Rng w(hash2(key_, 0x6c6162656cULL));
  const double trusted = draw_.data.trusted_labels ? 0.01 + 0.04 * w.uniform() : 0.0;
  const double suspect = draw_.data.suspect_labels ? 0.001 + 0.003 * w.uniform() : 0.0;
  for (std::uint64_t i = 0; i < n_; ++i) {
    Acc& a = acc_[i];
    if (a.label != 0) continue;
    Rng r(hash2(key_ ^ 0x6c6162656cULL, i));
    const Kind k = groups_[a.group].kind;
    const double u = r.uniform();
    if (k == Kind::Hydra) {
      if (a.aged && u < trusted * 0.1) a.label = static_cast<std::uint8_t>(Label::Trusted);  // bought with its history
      continue;
    }
    double t = trusted;
    if (k == Kind::Team || k == Kind::ShardedService || k == Kind::LegitReseller) t *= 2.5;
    else if (k == Kind::Classroom && i == groups_[a.group].start) t = std::min(1.0, t * 10);
    else if (k == Kind::ResellerClient || k == Kind::VpnExit) t *= 0.5;
    const double s = k == Kind::Individual ? suspect * 0.15 : suspect;
    if (u < t) a.label = static_cast<std::uint8_t>(Label::Trusted);
    else if (u < t + s) a.label = static_cast<std::uint8_t>(Label::Suspect);
  }
}

// --- activity -----------------------------------------------------------------------

void WorldB::own_profile(const Acc& a, Rng& r, double* w) const {
  const int tz = kCountries[a.country].tz;
  const double weekend = 0.3 + 0.9 * r.uniform(), active = 0.2 + 0.5 * r.uniform();
  std::array<bool, 24> cron{};
  for (std::uint64_t k = 0, m = 1 + r.below(3); k < m; ++k) cron[r.below(24)] = true;
  if (a.pattern == kDormant) {
    for (std::uint32_t b = 0; b < kBuckets; ++b) w[b] = 0.0;
    w[r.below(kBuckets)] = 1.0;
    w[r.below(kBuckets)] += 1.0;
    return;
  }
  for (std::uint32_t b = 0; b < kBuckets; ++b) {
    const std::int64_t t = bucket_start(b) + bucket_seconds_ / 2 + tz * 3600;
    const auto hour = static_cast<std::size_t>((t / 3600) % 24);
    const auto wd = (t / kDay + 4) % 7;
    const bool end = wd == 0 || wd == 6;
    switch (a.pattern) {
      case kOffice: w[b] = (!end && hour >= 9 && hour < 18) ? r.gamma1(2.0) : 0.02 * r.uniform(); break;
      case kCron: w[b] = cron[hour] ? 1.0 + 0.05 * r.uniform() : 0.0; break;
      case kService: w[b] = std::max(0.0, 1.0 + 0.1 * r.normal()); break;
      default:
        w[b] = kDiurnal[hour] * (end ? weekend : 1.0) * (r.chance(active) ? r.gamma1(0.7) : 0.02);
        break;
    }
  }
}

void WorldB::activity(std::uint64_t i, std::vector<std::uint32_t>& buckets, std::vector<float>& values) const {
  buckets.clear();
  values.clear();
  const Acc& a = acc_[i];
  Rng r(hash2(key_ ^ 0x616374ULL, i));
  std::array<double, kBuckets> own{}, w{};
  own_profile(a, r, own.data());
  const Group& g = groups_[a.group];
  double so = 0;
  for (double x : own) so += x;
  const bool common = a.sync > 0.0F && g.profile != kNone;
  double sc = 0;
  std::array<double, kBuckets> c{};
  if (common) {
    const auto& p = profiles_[g.profile];
    for (std::uint32_t b = 0; b < kBuckets; ++b) {
      const std::int64_t t = bucket_start(b);
      const bool off = g.rotation > 1 && static_cast<std::uint64_t>(t / kDay) % g.rotation == a.shift;
      c[b] = p[b] * (off ? 0.1 : 1.0);
      sc += c[b];
    }
  }
  const double s = common && sc > 0 ? a.sync : 0.0;
  double total = 0;
  for (std::uint32_t b = 0; b < kBuckets; ++b) {
    const bool alive = bucket_start(b) + bucket_seconds_ > a.created;
    w[b] = alive ? (so > 0 ? (1.0 - s) * own[b] / so : 0.0) + (s > 0 ? s * c[b] / sc : 0.0) : 0.0;
    total += w[b];
  }
  if (total <= 0) return;
  for (std::uint32_t b = 0; b < kBuckets; ++b) {
    const double e = static_cast<double>(a.volume) * w[b] / total;
    const double f = std::floor(e);
    const double v = f + (r.uniform() < e - f ? 1.0 : 0.0);
    if (v > 0) {
      buckets.push_back(b);
      values.push_back(static_cast<float>(v));
    }
  }
}

// --- output -------------------------------------------------------------------------

void WorldB::account_id(std::uint64_t i, std::string& out) const {
  const std::uint64_t x = mix64(key_ ^ 0x6163636f756e74ULL ^ i);  // bijective in i
  char buf[32];
  switch (draw_.id_style) {
    case 0: {
      out.append("acct_");
      char digits[16];
      int k = 0;
      std::uint64_t v = x;
      for (; k < 13; ++k) { const auto d = static_cast<int>(v % 36); digits[k] = static_cast<char>(d < 10 ? '0' + d : 'a' + d - 10); v /= 36; }
      for (int j = k - 1; j >= 0; --j) out.push_back(digits[j]);
      break;
    }
    case 1: out.push_back('u'); append_hex16(out, x); break;
    default:
      std::snprintf(buf, sizeof buf, "user-%llu", static_cast<unsigned long long>(x));
      out.append(buf);
      break;
  }
}

void WorldB::entity_id(std::uint32_t e, std::string& out) const {
  const Entity& x = ent_[e];
  out.append(draw_.contact[x.chan] ? "contact:" : kChanPrefix[x.chan]);  // phones start with '+', domains never
  const std::uint64_t h = mix64(key_ ^ (static_cast<std::uint64_t>(x.chan + 1) << 56) ^ x.value);  // bijective per channel
  switch (x.chan) {
    case kIp: out.append(synth::ip_text(x.value)); break;
    case kProxy:
      append_syllables(out, name_perm_(x.value), 3);
      out.append(kProxySuffix[mix64(x.value ^ key_) % kProxySuffix.size()]);
      break;
    case kDomain:
      if (x.sub == kPublicDomain) { out.append(kPublicDomains[x.value]); break; }
      append_syllables(out, name_perm_(x.value), 2 + static_cast<int>(mix64(key_ + x.value) % 3));
      out.append(x.sub == kEduDomain ? ".edu" : kTlds[mix64(x.value * 31 + key_) % kTlds.size()]);
      break;
    case kPhone: {
      char buf[40];
      std::snprintf(buf, sizeof buf, "+%d%010llu", kCallingCodes[h % kCallingCodes.size()],
                    static_cast<unsigned long long>(phone_perm_(x.value)));
      out.append(buf);
      break;
    }
    case kUa: {
      constexpr std::uint64_t kCap = kUaLibs.size() * kUaPlatforms.size() * 9 * 40 * 25;
      std::uint64_t v = x.value < kCap ? Permutation(kCap, key_ ^ 0x7561ULL)(x.value) : x.value;
      const auto lib = v % kUaLibs.size(); v /= kUaLibs.size();
      const auto plat = v % kUaPlatforms.size(); v /= kUaPlatforms.size();
      const auto major = v % 9; v /= 9;
      const auto minor = v % 40; v /= 40;
      const auto patch = v % 25; v /= 25;
      char buf[96];
      std::snprintf(buf, sizeof buf, "%s/%llu.%llu.%llu (%s)", kUaLibs[lib], static_cast<unsigned long long>(major),
                    static_cast<unsigned long long>(minor), static_cast<unsigned long long>(patch), kUaPlatforms[plat]);
      out.append(buf);
      if (v > 0) out.append(" b" + std::to_string(v));
      break;
    }
    default: append_hex16(out, h); break;
  }
}

void WorldB::write(const std::string& snapshot_path, const std::string& truth_path, WorldBReport& rep,
                   const ProgressFn& progress) {
  const std::uint64_t n = n_, ne = ent_.size();
  if (n + ne >= kNone) throw std::invalid_argument("world b: too many nodes");
  // Which entities appear (an entity with no written edge is not declared).
  std::vector<std::uint8_t> used(ne, 0);
  for (const Edge& e : edges_) {
    if (e.owner >= n) used[e.owner - n] = 1;
    if (e.other >= n) used[e.other - n] = 1;
  }
  // Output positions: accounts and entities each in a seeded shuffle.
  std::vector<std::uint32_t> pos(n + ne, kNone);
  const Permutation acc_order(n, key_ ^ 0x6f72646572ULL);
  std::vector<std::uint32_t> acc_at(n);
  for (std::uint64_t p = 0; p < n; ++p) {
    const std::uint64_t i = acc_order(p);
    acc_at[p] = static_cast<std::uint32_t>(i);
    pos[i] = static_cast<std::uint32_t>(p);
  }
  std::vector<std::uint32_t> ent_at;
  if (ne > 0) {
    const Permutation ent_order(ne, key_ ^ 0x656e74ULL);
    for (std::uint64_t p = 0; p < ne; ++p) {
      const auto e = static_cast<std::uint32_t>(ent_order(p));
      if (!used[e]) continue;
      pos[n + e] = static_cast<std::uint32_t>(n + ent_at.size());
      ent_at.push_back(e);
    }
  }
  const std::uint64_t nodes = n + ent_at.size();
  // Edges by their owner's position (counting sort), then by relation and the
  // other end's position; exact repeats folded.
  std::vector<std::uint64_t> start(nodes + 1, 0);
  for (const Edge& e : edges_) ++start[pos[e.owner] + 1];
  for (std::uint64_t v = 0; v < nodes; ++v) start[v + 1] += start[v];
  std::vector<Edge> sorted(edges_.size());
  {
    std::vector<std::uint64_t> fill(start.begin(), start.end() - 1);
    for (const Edge& e : edges_) sorted[fill[pos[e.owner]]++] = e;
  }
  std::vector<Edge>().swap(edges_);
  std::uint64_t kept = 0;
  for (std::uint64_t v = 0; v < nodes; ++v) {
    const auto first = sorted.begin() + static_cast<std::ptrdiff_t>(start[v]);
    const auto last = sorted.begin() + static_cast<std::ptrdiff_t>(start[v + 1]);
    std::sort(first, last, [&](const Edge& x, const Edge& y) {
      if (x.rel != y.rel) return x.rel < y.rel;
      if (pos[x.other] != pos[y.other]) return pos[x.other] < pos[y.other];
      return x.first_ago > y.first_ago;
    });
    for (auto it = first; it != last; ++it) {
      if (kept > 0 && sorted[kept - 1].owner == it->owner && sorted[kept - 1].other == it->other && sorted[kept - 1].rel == it->rel) {
        Edge& k = sorted[kept - 1];
        // usage adds up; a registration (email, phone, card, membership,
        // invite...) drawn twice is still one fact of weight 1
        const bool usage = k.rel == rIp || k.rel == rProxy || k.rel == rDevice || k.rel == rUa ||
                           k.rel == rTemplate || k.rel == rEgress || k.rel == rTransfer;
        k.weight = usage ? k.weight + it->weight : std::max(k.weight, it->weight);
        k.first_ago = std::max(k.first_ago, it->first_ago);
        k.last_ago = std::min(k.last_ago, it->last_ago);
        continue;
      }
      sorted[kept++] = *it;
    }
  }
  sorted.resize(kept);

  const WorldBData& data = draw_.data;
  WriteOptions wo;
  wo.format = opt_.format;
  wo.gzip = opt_.gzip;
  SnapshotWriter w(snapshot_path, wo);
  SnapshotMeta meta;
  meta.id = "snap-";
  append_hex16(meta.id, mix64(key_ ^ 0x736e6170ULL));
  meta.taken_at = kTakenAt * kMicrosPerSecond;
  if (data.activity) {
    meta.activity.start = bucket_start(0) * kMicrosPerSecond;
    meta.activity.bucket_seconds = bucket_seconds_;
    meta.activity.buckets = kBuckets;
  }
  w.header(meta);
  std::string id;
  std::vector<std::uint32_t> abk;
  std::vector<float> aval;
  std::array<AttrInput, 4> attrs;
  for (std::uint64_t p = 0; p < n; ++p) {
    const std::uint64_t i = acc_at[p];
    const Acc& a = acc_[i];
    id.clear();
    account_id(i, id);
    NodeRecord rec;
    rec.id = id;
    rec.type = "account";
    rec.label = static_cast<Label>(a.label);
    if (data.created_at) rec.created_at = a.created * kMicrosPerSecond;
    std::size_t na = 0;
    if (draw_.acc_country) { attrs[na] = AttrInput{}; attrs[na].key = "country"; attrs[na].text = kCountries[a.country].code; ++na; }
    if (draw_.acc_plan) { attrs[na] = AttrInput{}; attrs[na].key = "plan"; attrs[na].text = kPlanName[a.plan]; ++na; }
    rec.attrs = std::span<const AttrInput>(attrs.data(), na);
    if (data.activity) {
      activity(i, abk, aval);
      rec.has_activity = true;
      rec.activity = ActivityRow(abk, aval);
    }
    w.node(rec);
    if (a.label == static_cast<std::uint8_t>(Label::Banned)) ++rep.banned;
    else if (a.label == static_cast<std::uint8_t>(Label::Trusted)) ++rep.trusted;
    else if (a.label == static_cast<std::uint8_t>(Label::Suspect)) ++rep.suspect;
    if (progress && (p & 0xffff) == 0) progress("generate", p, n);
  }
  for (const std::uint32_t e : ent_at) {
    const Entity& x = ent_[e];
    id.clear();
    entity_id(e, id);
    NodeRecord rec;
    rec.id = id;
    rec.type = draw_.contact[x.chan] ? "contact" : kChanType[x.chan];
    std::size_t na = 0;
    std::string country_code;
    if (x.chan == kIp) {
      const std::uint64_t region = x.value >> 16;
      const std::uint64_t base = x.sub == kResi ? 7000 : x.sub == kMobile ? 21000 : x.sub == kEdu ? 1000 : x.sub == kDc ? 14000 : 60000;
      attrs[na] = AttrInput{}; attrs[na].key = "asn"; attrs[na].type = AttrType::Int;
      attrs[na].integer = static_cast<std::int64_t>(base + mix64(region >> (x.sub == kEdu ? 0 : 4)) % 2500); ++na;
      if (draw_.ip_country) { attrs[na] = AttrInput{}; attrs[na].key = "country"; attrs[na].text = kCountries[mix64(region >> 4) % kCountries.size()].code; ++na; }
      if (draw_.ip_hosting) { attrs[na] = AttrInput{}; attrs[na].key = "hosting"; attrs[na].type = AttrType::Bool; attrs[na].boolean = x.sub == kDc || x.sub == kVpn; ++na; }
    } else if (x.chan == kCard && draw_.card_funding) {
      attrs[na] = AttrInput{}; attrs[na].key = "funding"; attrs[na].text = kFunding[x.sub & 3]; ++na;
    } else if (x.chan == kDomain && draw_.free_mail && opt_.profile != WorldBProfile::Bare) {
      attrs[na] = AttrInput{}; attrs[na].key = "free_mail"; attrs[na].type = AttrType::Bool; attrs[na].boolean = x.sub == kPublicDomain; ++na;
    }
    rec.attrs = std::span<const AttrInput>(attrs.data(), na);
    w.node(rec);
  }
  std::string src, dst;
  for (const Edge& e : sorted) {
    src.clear();
    dst.clear();
    if (e.owner < n) account_id(e.owner, src); else entity_id(static_cast<std::uint32_t>(e.owner - n), src);
    if (e.other < n) account_id(e.other, dst); else entity_id(static_cast<std::uint32_t>(e.other - n), dst);
    EdgeRecord rec;
    rec.src = src;
    rec.dst = dst;
    rec.type = kRelName[e.rel];
    rec.weight = e.weight;
    if (data.edge_times) {
      rec.first_seen = (kTakenAt - e.first_ago) * kMicrosPerSecond;
      rec.last_seen = (kTakenAt - std::min(e.last_ago, e.first_ago)) * kMicrosPerSecond;
    }
    w.edge(rec);
  }
  w.commit();

  // truth.json
  AtomicFile t(truth_path);
  std::string b;
  b.assign("{\"format\":\"hydrascope.truth\",\"version\":1,\"generator\":{\"world\":\"b\",\"profile\":\"");
  b.append(to_string(opt_.profile));
  b.append("\",\"seed\":" + std::to_string(opt_.seed) + ",\"accounts\":" + std::to_string(n) + "},\n\"world\":{");
  auto flag = [&](const char* k, bool v) { b.append("\""); b.append(k); b.append(v ? "\":true," : "\":false,"); };
  auto list = [&](const char* k, const std::vector<std::string>& v) {
    b.append("\""); b.append(k); b.append("\":[");
    for (std::size_t j = 0; j < v.size(); ++j) { if (j) b.push_back(','); append_json_str(b, v[j]); }
    b.append("],");
  };
  flag("activity", data.activity);
  flag("created_at", data.created_at);
  flag("edge_times", data.edge_times);
  b.append("\"bucket_seconds\":" + std::to_string(data.bucket_seconds) + ",\"buckets\":" + std::to_string(data.buckets) + ",");
  flag("payment_method", data.card);
  flag("ip", data.ip);
  flag("proxy", data.proxy);
  flag("device", data.device);
  list("generic_types", data.generic_types);
  list("account_edges", data.account_edges);
  list("account_attrs", data.account_attrs);
  flag("trusted_labels", data.trusted_labels);
  flag("suspect_labels", data.suspect_labels);
  b.append("\"id_style\":" + std::to_string(draw_.id_style) + ",\"shares\":{");
  bool first = true;
  for (std::size_t k = 1; k < share_.size(); ++k) {
    if (share_[k] <= 0) continue;
    if (!first) b.push_back(',');
    first = false;
    b.append("\"" + std::string(kKindName[k]) + "\":" + num(share_[k]));
  }
  b.append("},\"farm_knobs\":{\"share\":" + num(opt_.farm.share) + ",\"aa_rate\":" + num(opt_.farm.aa_rate) +
           ",\"transfer_rate\":" + num(opt_.farm.transfer_rate) + ",\"org_rate\":" + num(opt_.farm.org_rate) +
           ",\"shared_rate\":" + num(opt_.farm.shared_rate) + ",\"phone_reuse\":" + num(opt_.farm.phone_reuse) +
           ",\"infra_reuse\":" + num(opt_.farm.infra_reuse) + ",\"synchrony\":" + num(opt_.farm.synchrony) +
           ",\"cover\":" + num(opt_.farm.cover) + ",\"aged_fraction\":" + num(opt_.farm.aged_fraction) +
           ",\"wave_hours\":" + num(opt_.farm.wave_hours) + ",\"volume_median\":" + num(opt_.farm.volume_median) +
           ",\"volume_sigma\":" + num(opt_.farm.volume_sigma) + ",\"seed_max\":" + num(opt_.farm.seed_max) +
           ",\"seedless\":" + num(opt_.farm.seedless) + "}},\n\"clusters\":[");
  first = true;
  for (const Group& g : groups_) {
    if (g.kind == Kind::Individual) continue;
    if (g.kind == Kind::Hydra) { ++rep.summary.hydra_clusters; rep.summary.hydra_accounts += g.size; }
    else ++rep.summary.lookalike_clusters;
    b.append(first ? "\n" : ",\n");
    first = false;
    const char* kind = kKindName[static_cast<std::size_t>(g.kind)];
    b.append("{\"id\":\"" + std::string(kind) + "-" + std::to_string(g.ordinal) + "\",\"kind\":\"" + kind +
             "\",\"world\":\"b\",\"size\":" + std::to_string(g.size));
    b.append(g.extra);
    b.append(",\"accounts\":[");
    for (std::uint64_t k = 0; k < g.size; ++k) {
      if (k > 0) b.push_back(',');
      id.clear();
      account_id(g.start + k, id);
      append_json_str(b, id);
      if (b.size() > (1u << 20)) { t.write(b); b.clear(); }
    }
    b.append("]}");
  }
  b.append("],\n\"accounts\":[");
  for (std::uint64_t p = 0; p < n; ++p) {
    if (p > 0) b.push_back(',');
    id.clear();
    account_id(acc_at[p], id);
    append_json_str(b, id);
    if (b.size() > (1u << 20)) { t.write(b); b.clear(); }
  }
  b.append("]}\n");
  t.write(b);
  t.commit();
  rep.summary.accounts = n;
  rep.summary.nodes = nodes;
  rep.summary.edges = kept;
  rep.data = data;
}

void in01(double v, const char* name) {
  if (!(v >= 0.0 && v <= 1.0)) throw std::invalid_argument(std::string("world b: ") + name + " must be in [0, 1], got " + std::to_string(v));
}

}  // namespace

std::string_view to_string(WorldBProfile p) noexcept {
  switch (p) {
    case WorldBProfile::Easy: return "easy";
    case WorldBProfile::Mixed: return "mixed";
    case WorldBProfile::Hard: return "hard";
    case WorldBProfile::Bare: return "bare";
  }
  return "mixed";
}

WorldBProfile parse_world_b_profile(std::string_view name) {
  if (name == "easy") return WorldBProfile::Easy;
  if (name == "mixed") return WorldBProfile::Mixed;
  if (name == "hard") return WorldBProfile::Hard;
  if (name == "bare") return WorldBProfile::Bare;
  throw std::invalid_argument("world b profile must be easy, mixed, hard or bare, got \"" + std::string(name) + "\"");
}

WorldBOptions WorldBOptions::for_profile(WorldBProfile p, std::uint64_t accounts, std::uint64_t seed) {
  WorldBOptions o;
  o.accounts = accounts;
  o.seed = seed;
  o.profile = p;
  WorldBFarmKnobs& f = o.farm;
  switch (p) {
    case WorldBProfile::Easy:
      f = {0.05, 0.9, 0.5, 0.4, 0.85, 8.0, 0.25, 0.85, 0.1, 0.05, 3.0, 5000, 0.3, 0.10, 0.1};
      break;
    case WorldBProfile::Mixed:
      f = {0.05, 0.6, 0.25, 0.2, 0.5, 3.0, 0.08, 0.55, 0.35, 0.3, 16.0, 1100, 0.8, 0.07, 0.25};
      break;
    case WorldBProfile::Hard:
      f = {0.05, 0.3, 0.08, 0.08, 0.22, 1.5, 0.02, 0.3, 0.6, 0.6, 96.0, 250, 1.4, 0.04, 0.5};
      break;
    case WorldBProfile::Bare:
      f = {0.06, 0.5, 0.0, 0.0, 0.55, 4.0, 0.0, 0.5, 0.3, 0.3, 16.0, 1100, 0.8, 0.0, 0.0};
      break;
  }
  return o;
}
WorldBOptions WorldBOptions::easy(std::uint64_t a, std::uint64_t s) { return for_profile(WorldBProfile::Easy, a, s); }
WorldBOptions WorldBOptions::mixed(std::uint64_t a, std::uint64_t s) { return for_profile(WorldBProfile::Mixed, a, s); }
WorldBOptions WorldBOptions::hard(std::uint64_t a, std::uint64_t s) { return for_profile(WorldBProfile::Hard, a, s); }
WorldBOptions WorldBOptions::bare(std::uint64_t a, std::uint64_t s) { return for_profile(WorldBProfile::Bare, a, s); }

void WorldBOptions::validate() const {
  if (accounts < 1000 || accounts > kMaxAccounts)
    throw std::invalid_argument("world b: accounts must be in [1000, 50000000], got " + std::to_string(accounts));
  if (format != SnapshotFormat::Json && format != SnapshotFormat::Ndjson && format != SnapshotFormat::CsvPair)
    throw std::invalid_argument("world b: format must be json, ndjson or csv");
  if (!(farm.share > 0.0 && farm.share <= 0.3)) throw std::invalid_argument("world b: farm share must be in (0, 0.3], got " + std::to_string(farm.share));
  in01(farm.aa_rate, "aa_rate");
  in01(farm.transfer_rate, "transfer_rate");
  in01(farm.org_rate, "org_rate");
  in01(farm.shared_rate, "shared_rate");
  in01(farm.infra_reuse, "infra_reuse");
  in01(farm.synchrony, "synchrony");
  in01(farm.cover, "cover");
  in01(farm.aged_fraction, "aged_fraction");
  in01(farm.seedless, "seedless");
  in01(bare_banned_fraction, "bare_banned_fraction");
  if (!(farm.phone_reuse >= 1.0 && farm.phone_reuse <= 100.0)) throw std::invalid_argument("world b: phone_reuse must be in [1, 100]");
  if (!(farm.wave_hours >= 0.1 && farm.wave_hours <= 5000.0)) throw std::invalid_argument("world b: wave_hours must be in [0.1, 5000]");
  if (!(farm.volume_median >= 1.0 && farm.volume_median <= 1e9)) throw std::invalid_argument("world b: volume_median must be in [1, 1e9]");
  if (!(farm.volume_sigma >= 0.0 && farm.volume_sigma <= 4.0)) throw std::invalid_argument("world b: volume_sigma must be in [0, 4]");
  if (!(farm.seed_max >= 0.0 && farm.seed_max <= 0.5)) throw std::invalid_argument("world b: seed_max must be in [0, 0.5]");
}

WorldBData draw_world_b_data(const WorldBOptions& options) {
  options.validate();
  return draw_data(options).data;
}

WorldBReport generate_world_b(const WorldBOptions& options, const std::string& out_dir, const ProgressFn& progress) {
  options.validate();
  const synth::OutputPaths paths = synth::prepare_output(out_dir, options.format, options.gzip);
  WorldBReport rep;
  rep.summary.snapshot_path = paths.snapshot;
  rep.summary.truth_path = paths.truth;
  WorldB world(options);
  world.build(progress);
  world.write(rep.summary.snapshot_path, rep.summary.truth_path, rep, progress);
  return rep;
}

}  // namespace hydrascope
