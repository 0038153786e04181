// The ban list of a run: the flagged accounts, and the entities (cards, IPs,
// IP prefixes, proxies, devices, ...) they use with the share of each
// entity's accounts that are flagged, so that enforcement blocks only what no
// benign majority shares.
#include <arpa/inet.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

#include "export_internal.hpp"
#include "hydrascope/atomic_file.hpp"
#include "hydrascope/export.hpp"

namespace hydrascope {

namespace {

struct Row {
  std::string id, type;
  std::uint64_t accounts = 0, flagged = 0;
  bool block = false;
  std::set<std::string> hydras;
};

// The text of the prefix of an IP node's id ("ip:203.0.113.7" or
// "203.0.113.7"), e.g. "203.0.113.0/24"; empty when the id is not an address.
std::string prefix_of(std::string_view id, int v4, int v6) {
  if (id.size() > 3 && id.substr(0, 3) == "ip:") id.remove_prefix(3);
  if (id.empty() || id.size() > 45) return {};
  char text[64];
  std::memcpy(text, id.data(), id.size());
  text[id.size()] = '\0';
  unsigned char bytes[16];
  char out[INET6_ADDRSTRLEN];
  if (inet_pton(AF_INET, text, bytes) == 1) {
    for (int b = 0; b < 4; ++b) {
      const int keep = std::clamp(v4 - 8 * b, 0, 8);
      bytes[b] = static_cast<unsigned char>(bytes[b] & (0xff00 >> keep));
    }
    inet_ntop(AF_INET, bytes, out, sizeof out);
    return std::string(out) + "/" + std::to_string(v4);
  }
  if (inet_pton(AF_INET6, text, bytes) == 1) {
    for (int b = 0; b < 16; ++b) {
      const int keep = std::clamp(v6 - 8 * b, 0, 8);
      bytes[b] = static_cast<unsigned char>(bytes[b] & (0xff00 >> keep));
    }
    inet_ntop(AF_INET6, bytes, out, sizeof out);
    return std::string(out) + "/" + std::to_string(v6);
  }
  return {};
}

std::string share_text(std::uint64_t part, std::uint64_t whole) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6f", whole == 0 ? 0.0 : static_cast<double>(part) / static_cast<double>(whole));
  return buf;
}

}  // namespace

void BanListOptions::validate() const {
  if (!(min_share > 0.5 && min_share <= 1.0))
    throw std::invalid_argument("ban list min_share must be in (0.5, 1], got " + std::to_string(min_share));
  if (min_accounts < 1) throw std::invalid_argument("ban list min_accounts must be >= 1");
  if (ipv4_prefix < 8 || ipv4_prefix > 32)
    throw std::invalid_argument("ban list ipv4_prefix must be in [8, 32], got " + std::to_string(ipv4_prefix));
  if (ipv6_prefix < 16 || ipv6_prefix > 128)
    throw std::invalid_argument("ban list ipv6_prefix must be in [16, 128], got " + std::to_string(ipv6_prefix));
}

BanListReport write_ban_list(const std::string& dir, const Snapshot& s, const Incidence& inc, const RunData& run,
                             const BanListOptions& options) {
  options.validate();
  BanListReport rep;
  const NodeId n = s.num_nodes();
  // The hydra (or community) name of a ban-list account.
  auto hydra_of = [&](NodeId v) {
    const CommunityId c = run.community(v);
    const std::string_view h = run.hydra_id(c);
    return h.empty() ? "community-" + std::to_string(c) : std::string(h);
  };

  // --- accounts ---------------------------------------------------------------------------------
  std::vector<NodeId> banned;
  for (NodeId v = 0; v < n; ++v)
    if (s.kind(v) == NodeKind::Account && run.suspect(v)) banned.push_back(v);
  std::sort(banned.begin(), banned.end(), [&](NodeId a, NodeId b) { return s.node_id(a) < s.node_id(b); });
  {
    AtomicFile f(dir + "/ban_accounts.csv");
    std::string buf = "account_id,hydra_id,community_id,reason\n";
    for (NodeId v : banned) {
      const CommunityId c = run.community(v);
      exp::append_csv(buf, s.node_id(v));
      buf += ',';
      exp::append_csv(buf, run.hydra_id(c));
      buf += ',' + std::to_string(c) + ',';
      const bool confirmed = run.confirmed(c);
      buf += confirmed ? "confirmed\n" : "flagged\n";
      rep.confirmed_accounts += confirmed;
      if (buf.size() >= (1u << 20)) {
        f.write(buf);
        buf.clear();
      }
    }
    f.write(buf);
    f.commit();
    rep.accounts = banned.size();
    rep.files.emplace_back("ban_accounts.csv");
  }

  // --- entities: every one a ban-list account uses --------------------------------------------------
  std::vector<std::uint8_t> on_list(n, 0);
  for (NodeId v : banned) on_list[v] = 1;
  std::vector<Row> rows;
  std::map<std::string, std::uint32_t> flagged_ips_of_prefix;
  for (NodeId u = 0; u < n; ++u) {
    if (s.kind(u) == NodeKind::Account) continue;
    Row r;
    NodeId last = kInvalidNode;
    for (NodeId a : inc.neighbors(u)) {
      if (a == last || s.kind(a) != NodeKind::Account) continue;
      last = a;
      ++r.accounts;
      if (on_list[a]) {
        ++r.flagged;
        if (r.hydras.size() < 11) r.hydras.insert(hydra_of(a));
      }
    }
    if (r.flagged == 0) continue;
    r.id = std::string(s.node_id(u));
    r.type = std::string(s.node_type(u));
    if (s.kind(u) == NodeKind::Ip) {
      const std::string p = prefix_of(r.id, options.ipv4_prefix, options.ipv6_prefix);
      if (!p.empty()) ++flagged_ips_of_prefix[p];
    }
    rows.push_back(std::move(r));
  }
  // --- IP prefixes with two or more flagged addresses: all accounts of all their addresses ------------
  std::map<std::string, std::vector<NodeId>> members;  // prefix -> accounts (with repeats)
  for (const auto& [p, count] : flagged_ips_of_prefix)
    if (count >= 2) members[p];
  if (!members.empty())
    for (NodeId u = 0; u < n; ++u) {
      if (s.kind(u) != NodeKind::Ip) continue;
      const auto it = members.find(prefix_of(s.node_id(u), options.ipv4_prefix, options.ipv6_prefix));
      if (it == members.end()) continue;
      for (NodeId a : inc.neighbors(u))
        if (s.kind(a) == NodeKind::Account) it->second.push_back(a);
    }
  for (auto& [p, accts] : members) {
    std::sort(accts.begin(), accts.end());
    accts.erase(std::unique(accts.begin(), accts.end()), accts.end());
    Row r;
    r.id = p;
    r.type = "ip_prefix";
    r.accounts = accts.size();
    for (NodeId a : accts)
      if (on_list[a]) {
        ++r.flagged;
        if (r.hydras.size() < 11) r.hydras.insert(hydra_of(a));
      }
    rows.push_back(std::move(r));
  }
  for (auto& r : rows) {
    r.block = r.flagged >= options.min_accounts &&
              static_cast<double>(r.flagged) >= options.min_share * static_cast<double>(r.accounts);
    rep.blocked += r.block;
  }
  std::sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) {
    if (a.block != b.block) return a.block;
    if (a.type != b.type) return a.type < b.type;
    if (a.flagged != b.flagged) return a.flagged > b.flagged;
    return a.id < b.id;
  });
  {
    AtomicFile f(dir + "/ban_entities.csv");
    std::string buf = "entity_id,type,accounts,flagged,flagged_share,block,hydra_ids\n";
    for (const auto& r : rows) {
      exp::append_csv(buf, r.id);
      buf += ',';
      exp::append_csv(buf, r.type);
      buf += ',' + std::to_string(r.accounts) + ',' + std::to_string(r.flagged) + ',' + share_text(r.flagged, r.accounts) +
             (r.block ? ",true," : ",false,");
      std::string hydras;
      std::size_t k = 0;
      for (const auto& h : r.hydras) {
        if (k++ == 10) {
          hydras += ";...";
          break;
        }
        hydras += (hydras.empty() ? "" : ";") + h;
      }
      exp::append_csv(buf, hydras);
      buf += '\n';
      if (buf.size() >= (1u << 20)) {
        f.write(buf);
        buf.clear();
      }
    }
    f.write(buf);
    f.commit();
    rep.entities = rows.size();
    rep.files.emplace_back("ban_entities.csv");
  }
  return rep;
}

}  // namespace hydrascope
