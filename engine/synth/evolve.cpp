// A world that evolves: reads a world written by generate_world (world A:
// snapshot + truth.json) as day 0 and writes day-by-day snapshots with
// truth in which farms are banned (their accounts labelled banned the next
// day, gone some days later) and regrow new heads on the same
// infrastructure, other farms grow, benign groups churn and ordinary users
// come and go (docs/generator.md, "A world that evolves").
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "hydrascope/atomic_file.hpp"
#include "hydrascope/error.hpp"
#include "hydrascope/eval.hpp"
#include "hydrascope/graph.hpp"
#include "hydrascope/io.hpp"
#include "hydrascope/synth.hpp"
#include "synth_internal.hpp"

namespace hydrascope {

namespace {

using synth::hash2;
using synth::Rng;

constexpr std::int64_t kDay = 86400 * kMicrosPerSecond;
constexpr std::uint32_t kNone = UINT32_MAX;

// A node made by the evolution: a copy of a day-0 node (its type, attrs,
// activity) under a new id.
struct AddedNode {
  std::string id;
  NodeId templ = 0;
  Timestamp created = kNoTime;  // accounts: when the account was made
  std::uint32_t day = 0;        // the day it appeared
  bool account = false;
};

// An edge made by the evolution: a copy of a day-0 edge between new ends.
struct AddedEdge {
  std::uint32_t src = 0, dst = 0;  // global node indices
  EdgeId templ = 0;
};

struct Wave {
  std::uint32_t day = 0;
  std::uint32_t ban_day = 0;  // heads: the day their farm's accounts were labelled banned
  std::vector<std::uint32_t> accounts;
};

struct Cluster {
  std::string id, kind;
  bool farm = false;
  std::vector<NodeId> base;            // day-0 members (snapshot nodes)
  std::vector<std::uint32_t> members;  // every member ever (global indices), in order of arrival
  // farms
  std::vector<std::pair<std::uint32_t, std::uint64_t>> bans;  // (label day, accounts labelled)
  std::uint32_t regrow_day = 0;   // 0 = no regrowth pending
  std::uint32_t regrow_ban_day = 0;
  std::uint64_t regrow_count = 0;
  std::vector<Wave> heads, grown;
  // today
  std::uint64_t joined_today = 0, left_today = 0;
};

std::string hex16(std::uint64_t v) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

void append_json_string(std::string& out, std::string_view s) {
  out.push_back('"');
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(ch);
    } else if (c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out.append(buf);
    } else {
      out.push_back(ch);
    }
  }
  out.push_back('"');
}

std::string find_snapshot(const std::string& dir) {
  for (const char* name : {"snapshot.ndjson", "snapshot.ndjson.gz", "snapshot.json", "snapshot.json.gz", "snapshot"})
    if (std::filesystem::exists(dir + "/" + name)) return dir + "/" + name;
  throw InputError(file_location(dir), "no snapshot.ndjson, snapshot.json (optionally .gz) or snapshot/ folder: not a generated world");
}

class Evolution {
 public:
  Evolution(const EvolveOptions& o, const std::string& out_dir) : o_(o), out_(out_dir) {}

  EvolveReport run(const ProgressFn& progress);

 private:
  [[nodiscard]] bool is_account(std::uint32_t g) const {
    return g < n0_ ? s_.kind(g) == NodeKind::Account : added_[g - n0_].account;
  }
  [[nodiscard]] std::string_view id_of(std::uint32_t g) const {
    return g < n0_ ? s_.node_id(g) : std::string_view(added_[g - n0_].id);
  }
  std::uint32_t add_node(AddedNode node, std::int32_t cluster);
  std::string fresh_id(NodeId templ, Rng& r);
  std::uint32_t clone_account(NodeId templ, std::uint32_t day, std::int32_t cluster, Rng& r);
  void step(std::uint32_t day, EvolveDay& rep);
  void write_day(std::uint32_t day, const std::string& dir, EvolveDay& rep);

  EvolveOptions o_;
  std::string out_;
  Snapshot s_;
  Incidence inc_;
  NodeId n0_ = 0;
  std::vector<std::uint32_t> account_degree_;  // day-0 entities: distinct account neighbours
  std::vector<AddedNode> added_;
  std::vector<AddedEdge> added_edges_;
  std::vector<std::uint8_t> alive_;
  std::vector<Label> label_;
  std::vector<std::uint32_t> leave_day_;  // banned accounts: the day they leave (0 = never)
  std::vector<std::int32_t> cluster_of_;  // -1 = individual or entity
  std::vector<Cluster> clusters_;
  std::vector<std::uint32_t> individuals_;  // every individual ever (global indices)
  std::vector<NodeId> base_individuals_;
  std::unordered_set<std::string> used_ids_;
  std::uint64_t counter_ = 0;
  std::vector<std::string> events_;  // today's truth events (JSON objects)
};

std::uint32_t Evolution::add_node(AddedNode node, std::int32_t cluster) {
  const auto g = static_cast<std::uint32_t>(n0_ + added_.size());
  used_ids_.insert(node.id);
  added_.push_back(std::move(node));
  alive_.push_back(1);
  label_.push_back(Label::Unknown);
  leave_day_.push_back(0);
  cluster_of_.push_back(cluster);
  return g;
}

// A new id in the style of the template's: its prefix up to the first ':',
// then for an IPv4 address another address of the same /16, else 16 hex digits.
std::string Evolution::fresh_id(NodeId templ, Rng& r) {
  const std::string_view t = s_.node_id(templ);
  const auto colon = t.find(':');
  const std::string prefix = colon == std::string_view::npos ? std::string(s_.node_type(templ)) + ":" : std::string(t.substr(0, colon + 1));
  const std::string_view rest = colon == std::string_view::npos ? t : t.substr(colon + 1);
  unsigned a = 0, b = 0, c = 0, d = 0;
  char tail = 0;
  const bool ipv4 = s_.kind(templ) == NodeKind::Ip &&
                    std::sscanf(std::string(rest).c_str(), "%u.%u.%u.%u%c", &a, &b, &c, &d, &tail) == 4 && a < 256 && b < 256;
  for (int attempt = 0;; ++attempt) {
    std::string id;
    if (ipv4) {
      const std::uint64_t x = r.next();
      // Same /16 for the first tries, then anywhere in the same /8.
      const unsigned bb = attempt < 32 ? b : static_cast<unsigned>(x >> 40) & 0xff;
      id = prefix + std::to_string(a) + "." + std::to_string(bb) + "." + std::to_string((x >> 8) & 0xff) + "." +
           std::to_string(1 + (x & 0xff) % 254);
    } else {
      id = prefix + hex16(hash2(o_.seed ^ 0x65766f6c7665ULL, ++counter_));
    }
    if (s_.find_node(id) == kInvalidNode && used_ids_.count(id) == 0) return id;
    if (attempt > 1000) throw std::runtime_error("evolve: cannot find a free id like " + std::string(t));
  }
}

// A new account like day-0 account `templ`: the entities it shares with
// other accounts (cards, proxies, pool IPs, devices, hubs) are shared again,
// its own entities (own card, home IP, own device) are made anew.
std::uint32_t Evolution::clone_account(NodeId templ, std::uint32_t day, std::int32_t cluster, Rng& r) {
  AddedNode node;
  for (;;) {
    node.id = "a:" + hex16(hash2(o_.seed ^ 0x6865616473ULL, ++counter_));
    if (s_.find_node(node.id) == kInvalidNode && used_ids_.count(node.id) == 0) break;
  }
  node.templ = templ;
  node.account = true;
  node.day = day;
  const Timestamp taken = s_.meta().taken_at == kNoTime ? kNoTime : s_.meta().taken_at + day * kDay;
  if (taken != kNoTime) node.created = taken - static_cast<Timestamp>(r.uniform() * static_cast<double>(kDay));
  const std::uint32_t h = add_node(std::move(node), cluster);
  std::unordered_map<NodeId, std::uint32_t> own;  // the template's own entities -> their copies
  const auto nb = inc_.neighbors(templ);
  const auto es = inc_.edges(templ);
  for (std::size_t i = 0; i < nb.size(); ++i) {
    const NodeId u = nb[i];
    if (s_.kind(u) == NodeKind::Account) continue;  // invitations and transfers are not copied
    std::uint32_t target = u;
    if (account_degree_[u] < 2) {
      auto it = own.find(u);
      if (it == own.end()) {
        AddedNode e;
        e.id = fresh_id(u, r);
        e.templ = u;
        e.day = day;
        it = own.emplace(u, add_node(std::move(e), -1)).first;
      }
      target = it->second;
    }
    AddedEdge ae;
    ae.templ = es[i];
    const bool templ_is_src = s_.edge_src(es[i]) == templ;
    ae.src = templ_is_src ? h : target;
    ae.dst = templ_is_src ? target : h;
    added_edges_.push_back(ae);
  }
  return h;
}

void Evolution::step(std::uint32_t day, EvolveDay& rep) {
  events_.clear();
  for (auto& c : clusters_) c.joined_today = c.left_today = 0;
  auto event = [&](const Cluster& c, const char* what, std::uint64_t accounts) {
    std::string e = "{\"cluster\":";
    append_json_string(e, c.id);
    e += ",\"event\":\"" + std::string(what) + "\",\"accounts\":" + std::to_string(accounts) + "}";
    events_.push_back(std::move(e));
  };
  auto alive_members = [&](const Cluster& c) {
    std::vector<std::uint32_t> v;
    for (std::uint32_t g : c.members)
      if (alive_[g]) v.push_back(g);
    return v;
  };
  // 1. Banned accounts leave the snapshot `banned_days` after their label.
  for (std::uint32_t g = 0; g < alive_.size(); ++g)
    if (alive_[g] && leave_day_[g] != 0 && leave_day_[g] <= day) {
      alive_[g] = 0;
      if (cluster_of_[g] >= 0) ++clusters_[static_cast<std::size_t>(cluster_of_[g])].left_today;
    }
  // 2. Bans decided yesterday: every live account of the farm labelled banned today.
  for (std::size_t ci = 0; ci < clusters_.size(); ++ci) {
    Cluster& c = clusters_[ci];
    if (!c.farm || c.regrow_day != 0) continue;
    std::vector<std::uint32_t> live;
    for (std::uint32_t g : alive_members(c))
      if (label_[g] != Label::Banned) live.push_back(g);
    if (live.size() < o_.min_ban_size) continue;
    Rng r(hash2(o_.seed, (static_cast<std::uint64_t>(day) << 32) | (ci << 2) | 0));
    if (!r.chance(o_.ban_rate)) continue;
    for (std::uint32_t g : alive_members(c)) {  // the seeds labelled banned before leave with the rest
      label_[g] = Label::Banned;
      if (leave_day_[g] == 0) leave_day_[g] = day + o_.banned_days;
    }
    c.bans.emplace_back(day, live.size());
    ++rep.banned_farms;
    rep.banned_accounts += live.size();
    event(c, "banned", live.size());
    if (r.chance(o_.regrow_probability)) {
      c.regrow_day = day + 1 + static_cast<std::uint32_t>(r.below(o_.regrow_delay_max));
      c.regrow_ban_day = day;
      const double share = o_.regrow_min + (o_.regrow_max - o_.regrow_min) * r.uniform();
      c.regrow_count = std::max<std::uint64_t>(1, static_cast<std::uint64_t>(std::llround(share * static_cast<double>(live.size()))));
    }
  }
  // 3. Regrowth due today: new heads on the farm's infrastructure.
  for (std::size_t ci = 0; ci < clusters_.size(); ++ci) {
    Cluster& c = clusters_[ci];
    if (!c.farm || c.regrow_day != day) continue;
    Rng r(hash2(o_.seed, (static_cast<std::uint64_t>(day) << 32) | (ci << 2) | 1));
    Wave w;
    w.day = day;
    w.ban_day = c.regrow_ban_day;
    for (std::uint64_t k = 0; k < c.regrow_count; ++k) {
      const std::uint32_t h = clone_account(c.base[r.below(c.base.size())], day, static_cast<std::int32_t>(ci), r);
      c.members.push_back(h);
      w.accounts.push_back(h);
    }
    c.joined_today += w.accounts.size();
    rep.heads += w.accounts.size();
    ++rep.regrown_farms;
    event(c, "regrown", w.accounts.size());
    c.heads.push_back(std::move(w));
    c.regrow_day = 0;
  }
  // 4. Farms that grow (not banned, not waiting to regrow).
  for (std::size_t ci = 0; ci < clusters_.size(); ++ci) {
    Cluster& c = clusters_[ci];
    if (!c.farm || c.regrow_day != 0) continue;
    std::uint64_t live = 0;
    for (std::uint32_t g : c.members) live += alive_[g] && label_[g] != Label::Banned;
    if (live == 0) continue;
    Rng r(hash2(o_.seed, (static_cast<std::uint64_t>(day) << 32) | (ci << 2) | 2));
    if (!r.chance(o_.grow_rate)) continue;
    const double share = o_.grow_min + (o_.grow_max - o_.grow_min) * r.uniform();
    const auto count = std::max<std::uint64_t>(1, static_cast<std::uint64_t>(std::llround(share * static_cast<double>(live))));
    Wave w;
    w.day = day;
    for (std::uint64_t k = 0; k < count; ++k) {
      const std::uint32_t h = clone_account(c.base[r.below(c.base.size())], day, static_cast<std::int32_t>(ci), r);
      c.members.push_back(h);
      w.accounts.push_back(h);
    }
    c.joined_today += w.accounts.size();
    rep.grown_accounts += w.accounts.size();
    event(c, "grown", w.accounts.size());
    c.grown.push_back(std::move(w));
  }
  // 5. Benign groups churn: members leave, as many new ones join.
  for (std::size_t ci = 0; ci < clusters_.size(); ++ci) {
    Cluster& c = clusters_[ci];
    if (c.farm || c.base.empty()) continue;
    Rng r(hash2(o_.seed, (static_cast<std::uint64_t>(day) << 32) | (ci << 2) | 3));
    std::uint64_t left = 0;
    for (std::uint32_t g : alive_members(c))
      if (r.chance(o_.group_churn)) {
        alive_[g] = 0;
        ++left;
      }
    for (std::uint64_t k = 0; k < left; ++k)
      c.members.push_back(clone_account(c.base[r.below(c.base.size())], day, static_cast<std::int32_t>(ci), r));
    c.left_today += left;
    c.joined_today += left;
    rep.churned_accounts += left;
  }
  // 6. Ordinary people come and go.
  if (!base_individuals_.empty()) {
    Rng r(hash2(o_.seed, (static_cast<std::uint64_t>(day) << 32) | 0xffffffffULL));
    std::uint64_t left = 0;
    for (std::uint32_t g : individuals_)
      if (alive_[g] && r.chance(o_.people_churn)) {
        alive_[g] = 0;
        ++left;
      }
    for (std::uint64_t k = 0; k < left; ++k)
      individuals_.push_back(clone_account(base_individuals_[r.below(base_individuals_.size())], day, -1, r));
    rep.people_left += left;
    rep.people_joined += left;
  }
}

void Evolution::write_day(std::uint32_t day, const std::string& dir, EvolveDay& rep) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw InputError(file_location(dir), "cannot create the folder: " + ec.message());
  const std::size_t total = alive_.size();
  const EdgeId m0 = s_.num_edges();
  auto written_account = [&](std::uint32_t g) { return alive_[g] != 0; };
  // Entities: kept while an account uses them (or when no account ever did).
  std::vector<std::uint32_t> account_edges(total, 0);
  std::vector<std::uint8_t> had_accounts(total, 0);
  auto count_edge = [&](std::uint32_t a, std::uint32_t b) {
    const bool aa = is_account(a), ba = is_account(b);
    if (aa && !ba) {
      had_accounts[b] = 1;
      account_edges[b] += written_account(a);
    } else if (ba && !aa) {
      had_accounts[a] = 1;
      account_edges[a] += written_account(b);
    }
  };
  for (EdgeId e = 0; e < m0; ++e) count_edge(s_.edge_src(e), s_.edge_dst(e));
  for (const auto& e : added_edges_) count_edge(e.src, e.dst);
  std::vector<std::uint8_t> written(total, 0);
  for (std::uint32_t g = 0; g < total; ++g)
    written[g] = is_account(g) ? written_account(g) : (!had_accounts[g] || account_edges[g] > 0);
  // An entity whose every edge is gone (a proxy's egress IP after the proxy left) leaves too.
  std::vector<std::uint32_t> degree(total, 0);
  auto edge_written = [&](std::uint32_t a, std::uint32_t b) { return written[a] && written[b]; };
  for (EdgeId e = 0; e < m0; ++e)
    if (edge_written(s_.edge_src(e), s_.edge_dst(e))) ++degree[s_.edge_src(e)], ++degree[s_.edge_dst(e)];
  for (const auto& e : added_edges_)
    if (edge_written(e.src, e.dst)) ++degree[e.src], ++degree[e.dst];
  for (std::uint32_t g = 0; g < total; ++g) {
    const bool base_isolated = g < n0_ && inc_.degree(g) == 0;
    if (written[g] && !is_account(g) && degree[g] == 0 && !base_isolated) written[g] = 0;
  }

  const SnapshotMeta& m = s_.meta();
  SnapshotMeta meta = m;
  meta.id = (m.id.empty() ? std::string("evolved") : m.id) + "-day" + std::to_string(day);
  const Timestamp shift = static_cast<Timestamp>(day) * kDay;
  if (meta.taken_at != kNoTime) meta.taken_at += shift;
  if (meta.activity.present() && meta.activity.start != kNoTime) meta.activity.start += shift;
  WriteOptions wo;
  wo.format = o_.format;
  wo.gzip = o_.gzip;
  std::string name = "snapshot";
  if (o_.format == SnapshotFormat::Json) name += ".json";
  else if (o_.format == SnapshotFormat::Ndjson) name += ".ndjson";
  if (o_.gzip && o_.format != SnapshotFormat::CsvPair) name += ".gz";
  rep.snapshot_path = dir + "/" + name;
  SnapshotWriter w(rep.snapshot_path, wo);
  w.header(meta);
  std::vector<AttrInput> attrs;
  std::vector<std::uint32_t> buckets;
  std::vector<float> values;
  for (std::uint32_t g = 0; g < total; ++g) {
    if (!written[g]) continue;
    const NodeId t = g < n0_ ? g : added_[g - n0_].templ;
    attrs.clear();
    for (const Attr& a : s_.attrs(t)) attrs.push_back(attr_input(s_, a));
    NodeRecord r = node_record(s_, t, attrs);
    r.label = label_[g];
    if (g >= n0_) {
      const AddedNode& a = added_[g - n0_];
      r.id = a.id;
      r.created_at = a.account ? a.created : s_.created_at(t);
      if (a.account && r.has_activity) {
        // The template's traffic, jittered, from the hour the account was made.
        std::uint32_t first = 0;
        if (meta.activity.start != kNoTime && a.created != kNoTime && meta.activity.bucket_seconds > 0) {
          const Timestamp since = a.created - meta.activity.start;
          first = since <= 0 ? 0
                             : static_cast<std::uint32_t>(std::min<Timestamp>(
                                   meta.activity.buckets, since / (meta.activity.bucket_seconds * kMicrosPerSecond)));
        }
        Rng jr(hash2(o_.seed ^ 0x6a6974746572ULL, g));
        buckets.clear();
        values.clear();
        s_.for_each_activity(t, [&](std::uint32_t k, float x) {
          const float v = static_cast<float>(x * jr.lognormal(0.0, 0.3));
          if (k < first || !(v > 0.0f)) return;
          buckets.push_back(k);
          values.push_back(v);
        });
        r.activity = ActivityRow(buckets, values);
      } else if (!a.account) {
        r.has_activity = false;
        r.activity = {};
      }
    }
    w.node(r);
    if (is_account(g)) {
      ++rep.accounts;
      rep.banned += label_[g] == Label::Banned;
    }
    ++rep.nodes;
  }
  auto shifted = [&](Timestamp t) { return t == kNoTime ? t : t + shift; };
  for (EdgeId e = 0; e < m0; ++e) {
    if (!edge_written(s_.edge_src(e), s_.edge_dst(e))) continue;
    EdgeRecord r = edge_record(s_, e);
    r.first_seen = shifted(r.first_seen);
    r.last_seen = shifted(r.last_seen);
    w.edge(r);
    ++rep.edges;
  }
  for (const auto& e : added_edges_) {
    if (!edge_written(e.src, e.dst)) continue;
    EdgeRecord r = edge_record(s_, e.templ);
    r.src = id_of(e.src);
    r.dst = id_of(e.dst);
    r.first_seen = shifted(r.first_seen);
    r.last_seen = shifted(r.last_seen);
    for (std::uint32_t g : {e.src, e.dst})
      if (g >= n0_ && added_[g - n0_].account && added_[g - n0_].created != kNoTime && r.first_seen != kNoTime)
        r.first_seen = std::max(r.first_seen, added_[g - n0_].created);
    if (r.last_seen != kNoTime && r.first_seen != kNoTime) r.last_seen = std::max(r.last_seen, r.first_seen);
    w.edge(r);
    ++rep.edges;
  }
  w.commit();

  // truth.json: the clusters with their accounts today, what happened to them, every account.
  rep.truth_path = dir + "/truth.json";
  AtomicFile t(rep.truth_path);
  std::string b = "{\"format\":\"hydrascope.truth\",\"version\":1,\"evolve\":{\"from\":";
  append_json_string(b, o_.from_dir);
  char knobs[640];
  std::snprintf(knobs, sizeof knobs,
                ",\"day\":%u,\"days\":%u,\"seed\":%llu,\"ban_rate\":%g,\"min_ban_size\":%u,\"regrow_probability\":%g,"
                "\"regrow_min\":%g,\"regrow_max\":%g,\"regrow_delay_max\":%u,\"banned_days\":%u,\"grow_rate\":%g,"
                "\"grow_min\":%g,\"grow_max\":%g,\"group_churn\":%g,\"people_churn\":%g},\n",
                day, o_.days, static_cast<unsigned long long>(o_.seed), o_.ban_rate, o_.min_ban_size,
                o_.regrow_probability, o_.regrow_min, o_.regrow_max, o_.regrow_delay_max, o_.banned_days, o_.grow_rate,
                o_.grow_min, o_.grow_max, o_.group_churn, o_.people_churn);
  b += knobs;
  b += "\"events\":[";
  for (std::size_t i = 0; i < events_.size(); ++i) b += (i > 0 ? "," : "") + events_[i];
  b += "],\n\"clusters\":[";
  auto ids = [&](const std::vector<std::uint32_t>& v) {
    b.push_back('[');
    for (std::size_t i = 0; i < v.size(); ++i) {
      if (i > 0) b.push_back(',');
      append_json_string(b, id_of(v[i]));
    }
    b.push_back(']');
  };
  for (std::size_t ci = 0; ci < clusters_.size(); ++ci) {
    const Cluster& c = clusters_[ci];
    b += ci > 0 ? ",\n{\"id\":" : "\n{\"id\":";
    append_json_string(b, c.id);
    b += ",\"kind\":";
    append_json_string(b, c.kind);
    b += ",\"joined_today\":" + std::to_string(c.joined_today) + ",\"left_today\":" + std::to_string(c.left_today);
    if (c.farm) {
      b += ",\"bans\":[";
      for (std::size_t i = 0; i < c.bans.size(); ++i)
        b += (i > 0 ? "," : "") + std::string("{\"day\":") + std::to_string(c.bans[i].first) +
             ",\"accounts\":" + std::to_string(c.bans[i].second) + "}";
      b += "],\"heads\":[";
      for (std::size_t i = 0; i < c.heads.size(); ++i) {
        b += (i > 0 ? "," : "") + std::string("{\"day\":") + std::to_string(c.heads[i].day) +
             ",\"ban_day\":" + std::to_string(c.heads[i].ban_day) + ",\"accounts\":";
        ids(c.heads[i].accounts);
        b += "}";
      }
      b += "],\"grown\":[";
      for (std::size_t i = 0; i < c.grown.size(); ++i) {
        b += (i > 0 ? "," : "") + std::string("{\"day\":") + std::to_string(c.grown[i].day) + ",\"accounts\":";
        ids(c.grown[i].accounts);
        b += "}";
      }
      b += "]";
    }
    std::vector<std::uint32_t> live;
    for (std::uint32_t g : c.members)
      if (written[g]) live.push_back(g);
    b += ",\"accounts\":";
    ids(live);
    b += "}";
    if (b.size() > (1u << 20)) {
      t.write(b);
      b.clear();
    }
  }
  b += "],\n\"accounts\":[";
  bool first = true;
  for (std::uint32_t g = 0; g < total; ++g) {
    if (!written[g] || !is_account(g)) continue;
    if (!first) b.push_back(',');
    first = false;
    append_json_string(b, id_of(g));
    if (b.size() > (1u << 20)) {
      t.write(b);
      b.clear();
    }
  }
  b += "]}\n";
  t.write(b);
  t.commit();
}

EvolveReport Evolution::run(const ProgressFn& progress) {
  EvolveReport rep;
  LoadOptions lo;
  s_ = load_snapshot(find_snapshot(o_.from_dir), lo);
  const Truth truth = load_truth(o_.from_dir + "/truth.json");
  n0_ = s_.num_nodes();
  inc_ = build_incidence(s_);
  account_degree_.assign(n0_, 0);
  for (NodeId u = 0; u < n0_; ++u) {
    if (s_.kind(u) == NodeKind::Account) continue;
    NodeId last = kInvalidNode;
    for (NodeId a : inc_.neighbors(u)) {
      if (a == last) continue;
      last = a;
      account_degree_[u] += s_.kind(a) == NodeKind::Account;
    }
  }
  alive_.assign(n0_, 1);
  label_.assign(s_.labels().begin(), s_.labels().end());
  leave_day_.assign(n0_, 0);
  cluster_of_.assign(n0_, -1);
  for (const auto& tc : truth.clusters) {
    Cluster c;
    c.id = tc.id;
    c.kind = tc.kind;
    c.farm = tc.kind == "hydra";
    const auto ci = static_cast<std::int32_t>(clusters_.size());
    for (const auto& id : tc.accounts) {
      const NodeId v = s_.find_node(id);
      if (v == kInvalidNode || s_.kind(v) != NodeKind::Account) {
        SourceLocation w = file_location(o_.from_dir + "/truth.json");
        w.record_kind = "cluster";
        w.record_id = tc.id;
        w.field = "accounts";
        throw InputError(w, "account \"" + id + "\" is not an account of the snapshot (truth of another world?)");
      }
      if (cluster_of_[v] >= 0) continue;  // listed twice: first cluster wins
      cluster_of_[v] = ci;
      c.base.push_back(v);
      c.members.push_back(v);
    }
    clusters_.push_back(std::move(c));
  }
  for (NodeId v = 0; v < n0_; ++v)
    if (s_.kind(v) == NodeKind::Account && cluster_of_[v] < 0) {
      base_individuals_.push_back(v);
      individuals_.push_back(v);
    }
  for (std::uint32_t day = 1; day <= o_.days; ++day) {
    EvolveDay d;
    d.day = day;
    step(day, d);
    write_day(day, out_ + "/day-" + std::to_string(day), d);
    rep.days.push_back(std::move(d));
    if (progress) progress("evolve", day, o_.days);
  }
  return rep;
}

}  // namespace

void EvolveOptions::validate() const {
  auto in01 = [](double v, const char* name) {
    if (!(v >= 0.0 && v <= 1.0)) throw std::invalid_argument(std::string(name) + " must be in [0, 1], got " + std::to_string(v));
  };
  if (from_dir.empty()) throw std::invalid_argument("evolve: the day-0 world folder is required");
  if (days < 1 || days > 366) throw std::invalid_argument("days must be in [1, 366], got " + std::to_string(days));
  if (format != SnapshotFormat::Json && format != SnapshotFormat::Ndjson && format != SnapshotFormat::CsvPair)
    throw std::invalid_argument("format must be json, ndjson or csv");
  in01(ban_rate, "ban_rate");
  in01(regrow_probability, "regrow_probability");
  in01(grow_rate, "grow_rate");
  in01(group_churn, "group_churn");
  in01(people_churn, "people_churn");
  if (!(regrow_min > 0.0 && regrow_min <= regrow_max && regrow_max <= 5.0))
    throw std::invalid_argument("regrow_min and regrow_max must satisfy 0 < min <= max <= 5");
  if (!(grow_min > 0.0 && grow_min <= grow_max && grow_max <= 5.0))
    throw std::invalid_argument("grow_min and grow_max must satisfy 0 < min <= max <= 5");
  if (regrow_delay_max < 1 || regrow_delay_max > 30) throw std::invalid_argument("regrow_delay_max must be in [1, 30]");
  if (banned_days < 1 || banned_days > 366) throw std::invalid_argument("banned_days must be in [1, 366]");
  if (min_ban_size < 1) throw std::invalid_argument("min_ban_size must be >= 1");
}

EvolveReport evolve_world(const EvolveOptions& options, const std::string& out_dir, const ProgressFn& progress) {
  options.validate();
  std::error_code ec;
  std::filesystem::create_directories(out_dir, ec);
  if (ec) throw InputError(file_location(out_dir), "cannot create output folder: " + ec.message());
  Evolution evo(options, out_dir);
  return evo.run(progress);
}

}  // namespace hydrascope
