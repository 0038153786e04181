// Sharded snapshots (docs/formats.md, section 3a): a folder of NDJSON parts
// and manifest.json loads as the same snapshot as the single NDJSON file,
// and every bad part is a located error (the part file and line, or the
// manifest and its field).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "hydrascope/io.hpp"
#include "test_util.hpp"

namespace hydrascope {
namespace {
namespace fs = std::filesystem;
using testing::load_error;
using testing::tmp_path;
using testing::write_tmp;

const char* kShardHeader = R"({"format": "hydrascope.snapshot", "version": 1, "snapshot": {"id": "sh1"}})";

std::string read_all(const std::string& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The snapshot as NDJSON text (the same for the same snapshot).
std::string as_ndjson(const Snapshot& s, const std::string& name) {
  const std::string p = tmp_path(name);
  WriteOptions wo;
  wo.format = SnapshotFormat::Ndjson;
  write_snapshot(s, p, wo);
  return read_all(p);
}

std::string fresh(const std::string& name) {
  const std::string p = tmp_path(name);
  fs::remove_all(p);
  return p;
}

// A part rewritten with `text`, and the manifest's size and checksum updated to match.
void replace_part(const std::string& dir, std::size_t i, const std::string& text) {
  const SnapshotManifest before = read_manifest(dir);
  std::ofstream(dir + "/" + before.parts[i].file, std::ios::binary) << text;
  std::string manifest = read_all(dir + "/manifest.json");
  // fix bytes and checksum of part i with the values verify_part reports
  try {
    verify_part(before, i);
  } catch (const InputError& e) {
    const std::string m = e.message();  // "<file> has N bytes with checksum fnv1a64:..., the manifest says ..."
    const std::string bytes = m.substr(m.find(" has ") + 5, m.find(" bytes with") - m.find(" has ") - 5);
    const std::string sum = m.substr(m.find("checksum ") + 9, 24);
    const std::string old_bytes = "\"bytes\":" + std::to_string(before.parts[i].bytes) + ",\"checksum\":\"" + before.parts[i].checksum;
    const auto at = manifest.find(old_bytes);
    ASSERT_NE(at, std::string::npos);
    manifest.replace(at, old_bytes.size(), "\"bytes\":" + bytes + ",\"checksum\":\"" + sum);
  }
  std::ofstream(dir + "/manifest.json", std::ios::binary) << manifest;
}

TEST(Sharded, SameSnapshotAsOneFile) {
  const Snapshot s = load_snapshot(testing::dataset("sample/snapshot.json.gz"));
  for (int parts : {1, 3, 7}) {
    const std::string dir = fresh("shards" + std::to_string(parts));
    write_sharded_snapshot(s, dir, parts);
    EXPECT_TRUE(is_sharded_snapshot(dir));
    EXPECT_EQ(detect_format(dir), SnapshotFormat::Ndjson);
    const SnapshotManifest m = read_manifest(dir);
    ASSERT_EQ(m.parts.size(), static_cast<std::size_t>(parts));
    std::uint64_t nodes = 0, edges = 0;
    for (const SnapshotPart& p : m.parts) {
      nodes += p.nodes;
      edges += p.edges;
    }
    EXPECT_EQ(nodes, s.num_nodes());
    EXPECT_EQ(edges, s.num_edges());
    LoadOptions lo;
    lo.checksum = true;
    LoadReport r;
    const Snapshot back = load_snapshot(dir, lo, &r);
    EXPECT_EQ(r.format, SnapshotFormat::Ndjson);
    EXPECT_EQ(r.checksum, m.checksum);
    EXPECT_EQ(r.records, s.num_nodes() + s.num_edges());
    EXPECT_EQ(as_ndjson(back, "back.ndjson"), as_ndjson(s, "orig.ndjson")) << parts << " parts";
    const RecordCount c = count_records(dir);
    EXPECT_GE(c.nodes, s.num_nodes());  // approximate: the headers' snapshot ids count too
  }
}

TEST(Sharded, GzipParts) {
  const Snapshot s = load_snapshot(testing::dataset("sample/snapshot.json.gz"));
  const std::string dir = fresh("shards_gz");
  write_sharded_snapshot(s, dir, 2, true);
  EXPECT_EQ(read_manifest(dir).parts[0].file, "part-00000.ndjson.gz");
  EXPECT_EQ(as_ndjson(load_snapshot(dir), "back_gz.ndjson"), as_ndjson(s, "orig_gz.ndjson"));
}

TEST(Sharded, RefusesAFolderThatIsNotEmpty) {
  const Snapshot s = load_snapshot(testing::dataset("sample/snapshot.json.gz"));
  const std::string dir = fresh("shards_busy");
  fs::create_directories(dir);
  std::ofstream(dir + "/keep.txt") << "x";
  EXPECT_THROW(write_sharded_snapshot(s, dir, 2), std::invalid_argument);
  EXPECT_TRUE(fs::exists(dir + "/keep.txt"));
}

// Three small parts: nodes in parts 0 and 1, edges in part 2 (naming nodes of other parts).
std::string small(const std::string& name) {
  const std::string src = write_tmp(name + ".ndjson", std::string(kShardHeader) + "\n" +
      R"({"kind": "node", "id": "a:1", "type": "account"}
{"kind": "node", "id": "a:2", "type": "account"}
{"kind": "node", "id": "ip:1", "type": "ip"}
{"kind": "node", "id": "ip:2", "type": "ip"}
{"kind": "edge", "src": "a:1", "dst": "ip:1", "type": "uses_ip"}
{"kind": "edge", "src": "a:2", "dst": "ip:1", "type": "uses_ip"}
)");
  const std::string dir = fresh(name);
  write_sharded_snapshot(load_snapshot(src), dir, 3);
  return dir;
}

TEST(Sharded, LocatedErrors) {
  {  // a changed part: the manifest's checksum names it
    const std::string dir = small("bad_sum");
    std::ofstream(dir + "/part-00001.ndjson", std::ios::app) << "\n";
    const std::string e = load_error(dir);
    EXPECT_NE(e.find("manifest.json"), std::string::npos) << e;
    EXPECT_NE(e.find("parts[1].checksum"), std::string::npos) << e;
    EXPECT_NE(e.find("part-00001.ndjson"), std::string::npos) << e;
  }
  {  // a bad record: the part file and its line
    const std::string dir = small("bad_line");
    const SnapshotManifest m = read_manifest(dir);
    std::string text = read_all(dir + "/part-00002.ndjson");
    const auto at = text.find("\"uses_ip\"");
    text.replace(at, 9, "\"uses_ip\",\"weight\":-3");
    replace_part(dir, 2, text);
    const std::string e = load_error(dir);
    EXPECT_NE(e.find("part-00002.ndjson:2: edge #0"), std::string::npos) << e;
    EXPECT_NE(e.find("field \"weight\""), std::string::npos) << e;
  }
  {  // an edge to a node no part declares: mapped back to its part and line
    const std::string dir = small("bad_endpoint");
    std::string text = read_all(dir + "/part-00002.ndjson");
    const auto at = text.find("\"ip:1\"", text.find("a:2"));
    text.replace(at, 6, "\"ip:9\"");
    replace_part(dir, 2, text);
    const std::string e = load_error(dir);
    EXPECT_NE(e.find("part-00002.ndjson:3: edge #1"), std::string::npos) << e;
    EXPECT_NE(e.find("ip:9"), std::string::npos) << e;
  }
  {  // a header that differs from the first part's
    const std::string dir = small("bad_header");
    std::string text = read_all(dir + "/part-00001.ndjson");
    text.replace(text.find("sh1"), 3, "sh2");
    replace_part(dir, 1, text);
    const std::string e = load_error(dir);
    EXPECT_NE(e.find("part-00001.ndjson:1: header"), std::string::npos) << e;
    EXPECT_NE(e.find("differs from the first part"), std::string::npos) << e;
  }
  {  // a missing part
    const std::string dir = small("missing");
    fs::remove(dir + "/part-00001.ndjson");
    const std::string e = load_error(dir);
    EXPECT_NE(e.find("parts[1].file"), std::string::npos) << e;
  }
  {  // a manifest that is not one
    const std::string dir = small("bad_manifest");
    std::ofstream(dir + "/manifest.json") << "{\"format\": \"x\"}";
    const std::string e = load_error(dir);
    EXPECT_NE(e.find("manifest.json"), std::string::npos) << e;
    EXPECT_NE(e.find("field \"format\""), std::string::npos) << e;
  }
}

TEST(Sharded, CheckLineMatchesTheLoader) {
  EXPECT_EQ(check_ndjson_line("  ", false, "f", 3, 0, 0).kind, CheckedLine::Kind::Blank);
  const CheckedLine e = check_ndjson_line(R"({"kind": "edge", "src": "a\u003a1", "dst": "b", "type": "t"})", false, "f", 3, 0, 0);
  EXPECT_EQ(e.kind, CheckedLine::Kind::Edge);
  EXPECT_EQ(e.a, "a:1");
  EXPECT_EQ(e.b, "b");
  EXPECT_EQ(check_ndjson_line(kShardHeader, true, "f", 1, 0, 0).meta.id, "sh1");
  try {
    (void)check_ndjson_line(R"({"kind": "edge", "src": "a:1", "dst": "b", "type": "t", "weight": -3})", false, "f.ndjson", 17, 0, 4);
    FAIL();
  } catch (const InputError& err) {
    const std::string text = err.what();
    EXPECT_EQ(text.rfind("f.ndjson:17: edge #4 (a:1 -> b), field \"weight\"", 0), 0u) << text;
  }
}

}  // namespace
}  // namespace hydrascope
