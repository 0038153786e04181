// A run folder full of hostile strings, written by the real export writers:
// the scoring test world (a planted hydra among families, a company and a
// carrier NAT) with the hydra's ids, attributes, the snapshot id and the input
// path replaced by script payloads, quotes, backslashes, CJK, emoji,
// right-to-left text, U+2028/2029 and a very long id. Each payload, if it ever
// ran, would set data-pwned on <html> or add a <pwned> element.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "export/export_test_util.hpp"
#include "hydrascope/export.hpp"
#include "hydrascope/graph.hpp"
#include "hydrascope/scoring.hpp"
#include "scoring/scored_world.hpp"
#include "scoring/test_world.hpp"

namespace hydrascope::testing {

inline const std::string kPwn = "document.documentElement.setAttribute('data-pwned','1');"
                                "document.body.appendChild(document.createElement('pwned'))";

/// The payloads, by the world id they replace.
inline std::map<std::string, std::string> hostile_names() {
  return {
      {"a:h0", "a:<script>" + kPwn + "</script>"},
      {"a:h1", "a:\"><img src=x onerror=\"" + kPwn + "\">"},
      {"a:h2", "a:'><svg onload='" + kPwn + "'>"},
      {"a:h3", "a:quote\"s 'single' back\\slash\\\\ & amp;&lt;"},
      {"a:h4", "a:\xE4\xB8\xAD\xE6\x96\x87\xE8\xB4\xA6\xE6\x88\xB7 \xF0\x9F\x90\x8D\xF0\x9F\x91\xBE "
               "\xD8\xAD\xD8\xB3\xD8\xA7\xD8\xA8 \xE2\x80\xAE" "evil\xE2\x80\xAC \xE2\x80\xA8\xE2\x80\xA9"},
      {"a:h5", "a:" + std::string(3000, 'L') + "<script>" + kPwn + "</script>"},
      {"pm:h0", "pm:</script><script>" + kPwn + "</script><!--"},
      {"px:relay", "px:<b>relay</b>\"><iframe src=javascript:" + kPwn + ">"},
  };
}

inline const std::string kHostileInput = "/tmp/</script><script>" + kPwn + "</script>\xE2\x80\xA8.ndjson";

/// Copies `s` with node ids renamed and a hostile attribute on renamed accounts.
inline Snapshot rename_nodes(const Snapshot& s, const std::map<std::string, std::string>& names) {
  SnapshotBuilder b("hostile");
  SnapshotMeta meta = s.meta();
  meta.id = "<script>" + kPwn + "</script>";
  b.set_meta(meta);
  auto name = [&](NodeId v) {
    const auto it = names.find(std::string(s.node_id(v)));
    return it == names.end() ? std::string(s.node_id(v)) : it->second;
  };
  RecordRef ref;
  const std::string evil = "\"><img src=x onerror=\"" + kPwn + "\">";
  for (NodeId v = 0; v < s.num_nodes(); ++v) {
    std::vector<AttrInput> attrs;
    for (const Attr& a : s.attrs(v)) {
      AttrInput in;
      in.key = s.attr_keys().get(a.key);
      in.type = a.type;
      in.text = a.type == AttrType::String ? s.attr_strings().get(a.as_string_id()) : std::string_view();
      in.integer = a.as_int();
      in.real = a.type == AttrType::Double ? a.as_double() : 0.0;
      in.boolean = a.as_bool();
      attrs.push_back(in);
    }
    if (names.count(std::string(s.node_id(v))) != 0) {
      AttrInput in;
      in.key = "note";
      in.text = evil;
      attrs.push_back(in);
    }
    std::vector<double> dense;
    if (s.has_activity(v)) {
      dense.assign(s.meta().activity.buckets, 0.0);
      s.for_each_activity(v, [&](std::uint32_t k, float x) { dense[k] = x; });
    }
    const Label label = name(v) == "a:h6" ? Label::Banned : s.label(v);
    b.add_node(ref, name(v), s.node_type(v), label, s.created_at(v), attrs, s.has_activity(v) ? &dense : nullptr);
  }
  for (EdgeId e = 0; e < s.num_edges(); ++e)
    b.add_edge(ref, name(s.edge_src(e)), name(s.edge_dst(e)), s.edge_type(e), s.edge_weight(e), s.first_seen(e),
               s.last_seen(e));
  return b.finish();
}

/// Writes the hostile run folder into `dir` (created fresh) and returns the
/// number of suspect communities.
inline std::size_t make_hostile_run(const std::string& dir) {
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  World w = make_world(7, false);
  const Snapshot s = rename_nodes(w.snapshot, hostile_names());
  const Incidence inc = build_incidence(s);
  const FeatureTable ft = compute_features(s, inc, w.partition);
  const ScoringResult scoring = score_snapshot(s, w.partition, ft, tiny_model());
  write_accounts_csv(dir + "/accounts.csv", s, w.partition, scoring);
  write_communities_json(dir + "/communities.json", s, scoring);
  const auto files = write_suspect_subgraphs(dir + "/suspects", s, inc, w.partition, scoring);
  RunReport report;
  report.command = "run";
  report.input_path = kHostileInput;
  report.input_checksum = "fnv1a64:0000000000000000";
  RunOption o;
  o.key = "<i>option</i>";
  o.text = "\"'><script>" + kPwn + "</script>";
  report.options.push_back(o);
  report.counts = {{"nodes", s.num_nodes()}, {"edges", s.num_edges()}};
  report.files = {"accounts.csv", "communities.json"};
  for (const auto& f : files) report.files.push_back("suspects/" + f);
  write_run_json(dir + "/run.json", report);
  return scoring.ranking.size();
}

}  // namespace hydrascope::testing
