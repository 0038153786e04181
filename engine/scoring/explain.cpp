// Plain-language reasons: one sentence per feature, with the community's
// value and its snapshot reference (the median and p99 of the same feature
// over the snapshot's communities of similar size).
#include <cmath>
#include <cstdio>
#include <string>

#include "scoring_impl.hpp"

namespace hydrascope::detail {

namespace {

std::string pct(double v) {
  if (!std::isfinite(v)) return "n/a";
  char buf[32];
  const double p = 100.0 * v;
  if (std::fabs(p - std::round(p)) < 0.05) std::snprintf(buf, sizeof buf, "%.0f%%", p);
  else std::snprintf(buf, sizeof buf, "%.1f%%", p);
  return buf;
}

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }
bool ends_with(std::string_view s, std::string_view p) {
  return s.size() >= p.size() && s.substr(s.size() - p.size()) == p;
}

// Whether a feature is a share (printed as a percentage).
bool is_share(std::string_view name) {
  return ends_with(name, "_share") || ends_with(name, "_coverage") || ends_with(name, "_exclusive") ||
         starts_with(name, "c_burst_") || name == "c_pivot" || name == "c_conductance" || ends_with(name, "_q") ||
         name == "a_comm_banned" || name == "a_ent_banned" || name == "a_links_banned" || name == "a_comm_trusted" ||
         name == "a_ent_trusted" || name == "a_links_in_comm" || name == "a_in_burst" || name == "a_pivot" ||
         name == "c_exclusive" || starts_with(name, "q_");
}

std::string value_text(std::string_view name, double v) { return is_share(name) ? pct(v) : format_number(v); }

// The words for an entity slot.
const char* slot_words(int slot) {
  static const char* words[kNumEntitySlots] = {"payment methods", "IPs", "proxies", "devices (client fingerprints)",
                                               "shared entities of other types"};
  return words[slot];
}

int slot_of_name(std::string_view name) {
  static const char* slots[kNumEntitySlots] = {"payment", "ip", "proxy", "device", "entity"};
  for (int i = 0; i < kNumEntitySlots; ++i) {
    const std::string a = std::string("a_") + slots[i] + "_";
    const std::string c = std::string("c_") + slots[i] + "_";
    if (starts_with(name, a) || starts_with(name, c)) return i;
  }
  return -1;
}

}  // namespace

std::string band_text(std::span<const std::uint32_t> bounds, std::uint32_t band, const BandReference& r) {
  if (r.pooled) return "communities of 2+ accounts";
  std::string out = "communities of " + std::to_string(bounds[band]);
  if (band + 1 < bounds.size()) {
    const std::uint32_t hi = bounds[band + 1] - 1;
    if (hi != bounds[band]) out += "-" + std::to_string(hi);
  } else {
    out += "+";
  }
  out += bounds[band] == 1 && band + 1 < bounds.size() && bounds[band + 1] == 2 ? " account" : " accounts";
  return out;
}

std::string describe_feature(std::string_view name, double v, const ExplainContext& ctx) {
  const int slot = slot_of_name(name);
  std::string text;
  const double n = static_cast<double>(ctx.accounts);
  auto of_accounts = [&](double share) {
    return format_number(std::round(share * n)) + " of " + format_number(n) + " accounts (" + pct(share) + ")";
  };
  if (slot >= 0) {
    const std::string words = slot_words(slot);
    std::string top;
    if (!ctx.top_entity_id[slot].empty()) top = " (" + ctx.top_entity_id[slot] + ")";
    if (ends_with(name, "_top_share")) text = of_accounts(v) + " use one of its " + words + top;
    else if (ends_with(name, "_owned_share")) text = of_accounts(v) + " use " + words + " owned by this community (" + std::to_string(ctx.owned_entities[slot]) + " of them: most of each one's accounts are here)";
    else if (ends_with(name, "_per_account")) text = format_number(v) + " distinct " + words + " per account that has one (low = a few shared by many)";
    else if (ends_with(name, "_exclusive")) text = pct(v) + " of the accounts on its shared " + words + " are in this community (" + (v >= 0.5 ? "its own infrastructure" : "infrastructure it shares with outside accounts") + ")";
    else if (ends_with(name, "_coverage")) text = of_accounts(v) + " have " + words;
    else if (ends_with(name, "_max_shared")) text = "its flagged accounts share one of their " + words + " with up to " + format_number(std::expm1(v)) + " other accounts (mean)";
    else if (ends_with(name, "_owned")) text = "its flagged accounts use " + format_number(v) + " of the community's own " + words + " each (mean)";
  } else if (name == "c_ip_prefix_share") {
    text = of_accounts(v) + " use an IP in one /24 (IPv6 /48) prefix";
  } else if (name == "c_ip_asn_share") {
    text = of_accounts(v) + " use an IP of one network (ASN)";
  } else if (name == "c_sync" || name == "c_sync_core") {
    text = "activity in lock-step: mean pairwise correlation " + format_number(v) + (name == "c_sync_core" ? " among its core accounts" : "") + " after each account's daily routine is removed";
  } else if (name == "a_sync") {
    text = "its flagged accounts move in lock-step with the rest of the community (mean correlation " + format_number(v) + ")";
  } else if (name == "c_spread" || name == "c_spread_core") {
    text = "request volumes balanced across accounts: robust spread of ln(volume) " + format_number(v) + " (most within a factor " + format_number(std::exp(v)) + " of the median)";
  } else if (name == "a_volume_dev") {
    text = "its flagged accounts' volumes sit within a factor " + format_number(std::exp(v)) + " of the community median (mean)";
  } else if (name == "c_active_share") {
    text = of_accounts(v) + " made requests";
  } else if (starts_with(name, "c_burst_")) {
    const std::string window = name == "c_burst_1h" ? "one hour" : name == "c_burst_6h" ? "six hours" : name == "c_burst_24h" ? "one day" : "one week";
    text = of_accounts(v) + " were created within " + window;
  } else if (name == "a_in_burst") {
    text = pct(v) + " of its flagged accounts were created in its densest 6-hour window";
  } else if (name == "a_created_gap") {
    text = "its flagged accounts were created " + format_number(std::expm1(v)) + " hours from the nearest other account of the community (mean of logs)";
  } else if (name == "c_pivot") {
    text = pct(v) + " of its active accounts changed their traffic together at one moment (x4 or more)";
  } else if (name == "a_pivot") {
    text = pct(v) + " of its flagged accounts changed their traffic at the community's change point";
  } else if (name == "c_core_share") {
    text = of_accounts(v) + " are tied to two or more entities the community owns";
  } else if (name == "c_tie_share") {
    text = of_accounts(v) + " are tied to an entity the community owns";
  } else if (name == "c_exclusive") {
    text = pct(v) + " of the accounts on its shared entities are in this community (" + std::string(v >= 0.5 ? "its own infrastructure" : "infrastructure it shares with outside accounts") + ")";
  } else if (name == "c_conductance") {
    text = pct(v) + " of its links leave it";
  } else if (name == "c_entities_per_account") {
    text = format_number(v) + " distinct entities per account";
  } else if (name == "c_log_accounts") {
    text = format_number(std::exp(v)) + " accounts";
  } else if (name == "c_links_internal") {
    text = format_number(v) + " account-to-account links inside it per account";
  } else if (name == "c_links_share") {
    text = pct(v) + " of its accounts' account-to-account links stay inside it";
  } else if (name == "a_links") {
    text = "its flagged accounts are linked to " + format_number(std::expm1(v)) + " other accounts each (mean)";
  } else if (name == "a_links_in_comm") {
    text = pct(v) + " of its flagged accounts' account links stay inside the community";
  } else if (name == "a_comm_banned") {
    text = pct(v) + " of the community's other accounts are labelled banned (" + std::to_string(ctx.banned) + " banned, " + std::to_string(ctx.suspects) + " suspect)";
  } else if (name == "a_ent_banned") {
    text = "its flagged accounts share entities whose other accounts are " + pct(v) + " banned (mean of the largest share)";
  } else if (name == "a_ent_banned_count") {
    text = "its flagged accounts share pools with " + format_number(std::expm1(v)) + " banned accounts each (mean)";
  } else if (name == "a_links_banned") {
    text = pct(v) + " of its flagged accounts' linked accounts are banned";
  } else if (name == "a_ppr_ratio") {
    text = "close to labelled accounts in the graph: personalized PageRank from the banned and suspect accounts " + format_number(std::expm1(v)) + " x the average account's";
  } else if (name == "a_comm_trusted" || name == "a_ent_trusted") {
    text = pct(v) + " of the accounts around them are labelled trusted";
  } else if (name == "a_owned_entities") {
    text = "its flagged accounts use " + format_number(v) + " entities the community owns each (mean)";
  } else if (name == "a_owned_share") {
    text = pct(v) + " of its flagged accounts' entities are owned by the community";
  } else if (name == "a_shared_entities") {
    text = "its flagged accounts share " + format_number(std::expm1(v)) + " entities each with other accounts (mean)";
  } else if (name == "a_min_shared") {
    text = "its flagged accounts each share an entity with as few as " + format_number(std::expm1(v)) + " other accounts (mean): small pools, not public hubs";
  } else if (name == "a_max_shared") {
    text = "its flagged accounts' most shared entity has " + format_number(std::expm1(v)) + " other accounts (mean)";
  } else if (name == "a_pool_entities") {
    text = "its flagged accounts use " + format_number(v) + " pooled entities (2 to 200 accounts) each (mean)";
  } else if (name == "a_core_number" || name == "a_pagerank_ratio") {
    text = std::string(name == "a_core_number" ? "k-core number " : "PageRank ratio ") + format_number(name == "a_core_number" ? std::expm1(v) : std::exp(v)) + " (mean)";
  }
  if (text.empty()) text = std::string(name) + " = " + value_text(name, v);
  return text;
}

std::string reference_text(std::string_view name, const BandReference& r, std::span<const std::uint32_t> bounds,
                           std::uint32_t band) {
  if (r.communities == 0 || !std::isfinite(r.median)) return "";
  return " (snapshot, " + band_text(bounds, band, r) + ": median " + value_text(name, r.median) + ", p99 " +
         value_text(name, r.p99) + ")";
}

}  // namespace hydrascope::detail
