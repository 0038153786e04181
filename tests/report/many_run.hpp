// A run folder with many suspect communities, written directly (not by a run:
// a generated world needs minutes of scoring to flag a thousand communities):
// communities of a few accounts sharing a card and an IP, neighbouring
// communities sharing one entity, activity in lock-step, tracking events
// (new, grown, same, same) and hydra ids. The report reads it
// like any run folder; the browser test checks that the page stays usable.
#pragma once

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "hydrascope/export.hpp"
#include "hydrascope/io.hpp"
#include "hydrascope/snapshot.hpp"

namespace hydrascope::testing {

struct ManyRun {
  std::size_t communities = 0;
  std::uint32_t last_community = 0;  // the lowest ranked
};

/// `communities` communities of `accounts_each` accounts; the first (rank 1)
/// has `first_accounts` accounts when that is not 0 (a long member list).
inline ManyRun make_many_run(const std::string& dir, std::size_t communities, std::size_t accounts_each = 12,
                             std::size_t first_accounts = 0) {
  namespace fs = std::filesystem;
  fs::remove_all(dir);
  fs::create_directories(dir + "/suspects");
  ManyRun out;
  out.communities = communities;
  std::string ranking, list, csv = "account_id,community_id,risk_score,suspect,community_risk,top_family\n";
  std::size_t total_accounts = 0;
  for (std::size_t c = 0; c < communities; ++c) {
    const std::size_t n = c == 0 && first_accounts != 0 ? first_accounts : accounts_each;
    total_accounts += n;
    const double risk = 0.99 - 0.9 * static_cast<double>(c) / static_cast<double>(communities);
    char rbuf[32];
    std::snprintf(rbuf, sizeof rbuf, "%.6f", risk);
    const std::string id = std::to_string(c + 1);
    ranking += (c ? "," : "") + id;
    list += std::string(c ? "," : "") + "{\"id\":" + id + ",\"size\":" + std::to_string(n + 3) +
            ",\"accounts\":" + std::to_string(n) + ",\"by_type\":{\"account\":" + std::to_string(n) +
            ",\"payment_method\":1,\"ip\":2},\"risk\":" + rbuf + ",\"flagged\":" + std::to_string(n) +
            ",\"suspect\":true,\"event\":\"" + (c % 4 == 0 ? "new" : c % 4 == 1 ? "grown" : "same") +
            "\",\"hydra_id\":\"h-" + id + "\",\"band\":0,\"explanation\":[\"Flagged: community " + id +
            " shares one card and one IP.\",\"its accounts share one card\"],\"reasons\":[{\"family\":\"" +
            (c % 3 == 0 ? "payment" : c % 3 == 1 ? "ip" : "synchrony") +
            "\",\"feature\":\"c_payment_top_share\",\"value\":1,\"contribution\":2.5}],\"families\":{\"payment\":2.5,"
            "\"ip\":1.2,\"synchrony\":0.4},\"features\":{\"c_payment_top_share\":1,\"c_ip_top_share\":0.9},"
            "\"top_entities\":{\"payment_method\":{\"id\":\"pm:" + id + "\",\"type\":\"payment_method\",\"accounts\":" +
            std::to_string(n) + "}}}";
    SnapshotMeta meta;
    meta.id = "many/community-" + id;
    meta.activity = {1770940800LL * kMicrosPerSecond, 3600, 168};
    SnapshotBuilder b("many");
    b.set_meta(meta);
    RecordRef ref;
    const std::string pm = "pm:" + id, ip = "ip:10.0." + std::to_string(c / 250) + "." + std::to_string(c % 250);
    const std::string shared = "ip:shared-" + std::to_string(c / 2);  // two neighbouring communities share it
    for (const std::string& e : {pm, ip, shared})
      b.add_node(ref, e, e[0] == 'p' ? "payment_method" : "ip", Label::Unknown, kNoTime, {}, nullptr);
    std::vector<double> act(168, 0.0);
    for (std::size_t a = 0; a < n; ++a) {
      const std::string acc = "a:" + id + "-" + std::to_string(a);
      for (std::size_t k = 0; k < 168; ++k) act[k] = (k % 24 == (c % 24) || k % 24 == ((c + 7) % 24)) ? 10.0 + a : 0.0;
      b.add_node(ref, acc, "account", a == 0 ? Label::Banned : Label::Unknown, 1770000000LL * kMicrosPerSecond, {}, &act);
      b.add_edge(ref, acc, pm, "paid_with", 1, kNoTime, kNoTime);
      b.add_edge(ref, acc, a % 2 ? ip : shared, "uses_ip", 3, kNoTime, kNoTime);
      char line[96];
      std::snprintf(line, sizeof line, ",%s,%s,true,%s,payment\n", id.c_str(), rbuf, rbuf);
      csv += acc + line;
    }
    write_snapshot(b.finish(), dir + "/suspects/community-" + id + ".json", WriteOptions{});
    out.last_community = static_cast<std::uint32_t>(c + 1);
  }
  std::ofstream(dir + "/communities.json")
      << "{\"format\":\"hydrascope.communities\",\"version\":2,\"threshold\":0.1,\"model\":\"many\",\"counts\":{"
         "\"communities\":" << communities << ",\"scored_communities\":" << communities
      << ",\"suspect_communities\":" << communities << ",\"suspect_accounts\":" << total_accounts
      << "},\"snapshot_references\":{\"bands\":[{\"accounts_min\":2,\"accounts_max\":null,\"features\":{"
         "\"c_payment_top_share\":{\"median\":0.2,\"p90\":0.5,\"p99\":0.9,\"communities\":100}}}]},\"ranking\":["
      << ranking << "],\"communities\":[" << list << "]}";
  std::ofstream(dir + "/accounts.csv") << csv;
  RunReport report;
  report.command = "run";
  report.input_path = "many.ndjson";
  report.input_checksum = "fnv1a64:0000000000000000";
  report.counts = {{"accounts", total_accounts}};
  write_run_json(dir + "/run.json", report);
  return out;
}

}  // namespace hydrascope::testing
