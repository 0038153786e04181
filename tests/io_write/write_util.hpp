// Helpers of the writer tests: a hostile literal snapshot (every attr type,
// labels, activity, fractional timestamps, ids with quotes, newlines and
// non-ASCII) and temp paths under HYDRASCOPE_TEST_TMP.
#pragma once

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "files.hpp"
#include "hydrascope/io.hpp"
#include "hydrascope/snapshot.hpp"

#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace hydrascope::testing {

inline std::string out_path(const std::string& name) {
  const std::string dir = std::string(HYDRASCOPE_TEST_TMP) + "/io_write";
  std::filesystem::create_directories(dir);
  return dir + "/" + name;
}

/// A clean scratch folder for one test.
inline std::string fresh_dir(const std::string& name) {
  const std::string dir = out_path(name);
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

inline std::vector<std::string> list_dir(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(dir)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

/// The hostile snapshot. With `csv_safe`, only what the CSV pair carries:
/// string attrs that do not look like numbers or booleans, are non-empty, and
/// every node's attrs follow the order of first appearance (the CSV column
/// order). The header and the activity travel in snapshot.csv and
/// activity.csv; `csv_safe` without `with_header` leaves both out (a bare pair).
inline Snapshot hostile_snapshot(bool csv_safe = false, bool with_header = true) {
  SnapshotBuilder b("hostile");
  SnapshotMeta m;
  const bool bare = csv_safe && !with_header;
  if (!bare) {
    m.id = "snap \"quoted\" \\ back\nslash";
    m.taken_at = 1771545600LL * kMicrosPerSecond + 250000;  // 2026-02-20T00:00:00.25Z
    m.activity.start = 1770940800LL * kMicrosPerSecond;
    m.activity.bucket_seconds = 3600;
    m.activity.buckets = 6;
  }
  b.set_meta(m);
  RecordRef at{};
  const std::vector<double> act{0, 0.1, 0, 3, 1e-7, 123456.5};
  const std::vector<double> zeros(6, 0.0);
  AttrInput a1[] = {{"country", AttrType::String, "S,G \"x\"\r\nline2"},
                    {"asn", AttrType::Int, {}, -9007199254740993LL},
                    {"score", AttrType::Double, {}, 0, 0.1},
                    {"whole", AttrType::Double, {}, 0, 3.0},
                    {"vip", AttrType::Bool, {}, 0, 0, true}};
  b.add_node(at, "a:\"1\"\\\n\t\x01 é€😀", "account", Label::Banned, 1770000000LL * kMicrosPerSecond + 1, a1,
             bare ? nullptr : &act);
  AttrInput a2[] = {{"country", AttrType::String, "日本"}, {"vip", AttrType::Bool, {}, 0, 0, false}};
  b.add_node(at, "a:2,comma", "account", Label::Trusted, -1, a2, bare ? nullptr : &zeros);
  b.add_node(at, "a:3", "account", Label::Suspect, kNoTime, {}, nullptr);
  AttrInput a4[] = {{"asn", AttrType::Int, {}, 64500}, {"big", AttrType::Double, {}, 0, 1e300}};
  b.add_node(at, "ip:203.0.113.7", "ip", Label::Unknown, kNoTime, a4, nullptr);
  AttrInput a5[] = {{"score", AttrType::Double, {}, 0, -2.5e-300}};
  b.add_node(at, "px:relay \"7\"", "proxy", Label::Unknown, 0, a5, nullptr);
  b.add_node(at, "pm:9f2c", "payment_method", Label::Unknown, kNoTime, {}, nullptr);
  b.add_node(at, "org:x", "org_domain", Label::Unknown, kNoTime, {}, nullptr);
  b.add_edge(at, "a:\"1\"\\\n\t\x01 é€😀", "ip:203.0.113.7", "uses_ip", 1520, 1771034400LL * kMicrosPerSecond,
             1771542000LL * kMicrosPerSecond + 999999);
  b.add_edge(at, "a:2,comma", "ip:203.0.113.7", "uses_ip", 0.1, kNoTime, kNoTime);
  b.add_edge(at, "a:3", "pm:9f2c", "paid_with", 1, kNoTime, 5);
  b.add_edge(at, "px:relay \"7\"", "ip:203.0.113.7", "egress_ip", 1e-300, -5, kNoTime);
  b.add_edge(at, "a:3", "px:relay \"7\"", "via_proxy", 2.0 / 3.0, kNoTime, kNoTime);
  b.add_edge(at, "a:2,comma", "org:x", "member_of", 7e22, kNoTime, kNoTime);
  return b.finish();
}

}  // namespace hydrascope::testing
