// The binary snapshot (.hsnap): round trips, determinism, format detection,
// and one located error per way a file can be bad (truncated, damaged,
// inconsistent behind valid checksums). Plus a short mutation sweep that
// must never crash: every outcome is a snapshot that validates or an
// InputError naming the file and a byte offset.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cmath>
#include <fstream>
#include <iterator>
#include <random>
#include <sstream>
#include <thread>

#include "hsnap_layout.hpp"
#include "hydrascope/io.hpp"
#include "test_util.hpp"
#include "files.hpp"

namespace hydrascope {
namespace {
using testing::dataset;
using testing::fixture;
using testing::tmp_path;
using testing::write_tmp;
namespace L = hsnap_layout;

using hydrascope::testing::read_all;

WriteOptions hsnap_options() {
  WriteOptions o;
  o.format = SnapshotFormat::Hsnap;
  return o;
}

// full.json (attrs, activity, labels, edge times) as .hsnap bytes.
const std::string& full_bytes() {
  static const std::string bytes = [] {
    const Snapshot s = load_snapshot(fixture("good/full.json"));
    const std::string p = tmp_path("full.hsnap");
    write_snapshot(s, p, hsnap_options());
    return read_all(p);
  }();
  return bytes;
}

// The InputError of loading `bytes` as a .hsnap ("" when it loads).
InputError load_bad(const std::string& name, const std::string& bytes) {
  const std::string p = write_tmp(name, bytes);
  try {
    (void)load_snapshot(p);
  } catch (const InputError& e) {
    return e;
  }
  ADD_FAILURE() << name << " loaded";
  return InputError(SourceLocation{}, "");
}

TEST(Hsnap, RoundTripIsTheSameModel) {
  for (const std::string& in : {fixture("good/full.json"), dataset("sample/snapshot.json.gz"), dataset("karate/karate.edges")}) {
    const Snapshot s = load_snapshot(in);
    const std::string p = tmp_path("rt.hsnap");
    write_snapshot(s, p, hsnap_options());
    LoadReport r;
    const Snapshot back = load_snapshot(p, {}, &r);
    EXPECT_EQ(r.format, SnapshotFormat::Hsnap) << in;
    back.validate();
    EXPECT_TRUE(back == s) << in;
    // The id index works after a reload.
    for (NodeId v = 0; v < s.num_nodes(); v += 1 + s.num_nodes() / 50) EXPECT_EQ(back.find_node(s.node_id(v)), v);
    EXPECT_EQ(back.find_node("no such id"), kInvalidNode);
  }
}

TEST(Hsnap, WritingIsDeterministic) {
  const Snapshot s = load_snapshot(dataset("sample/snapshot.json.gz"));
  write_snapshot(s, tmp_path("d1.hsnap"), hsnap_options());
  write_snapshot(s, tmp_path("d2.hsnap"), hsnap_options());
  const Snapshot back = load_snapshot(tmp_path("d1.hsnap"));
  write_snapshot(back, tmp_path("d3.hsnap"), hsnap_options());
  EXPECT_EQ(read_all(tmp_path("d1.hsnap")), read_all(tmp_path("d2.hsnap")));
  EXPECT_EQ(read_all(tmp_path("d1.hsnap")), read_all(tmp_path("d3.hsnap")));
}

TEST(Hsnap, DetectedByExtensionAndByMagic) {
  EXPECT_EQ(write_options_for_path("x.hsnap").format, SnapshotFormat::Hsnap);
  const std::string other = write_tmp("no_extension_snapshot", full_bytes());
  EXPECT_EQ(detect_format(other), SnapshotFormat::Hsnap);
  LoadReport r;
  LoadOptions o;
  o.checksum = true;
  const Snapshot s = load_snapshot(other, o, &r);
  EXPECT_EQ(r.format, SnapshotFormat::Hsnap);
  EXPECT_EQ(r.checksum.rfind("hsnap-crc32:", 0), 0u) << r.checksum;
  EXPECT_EQ(s.num_nodes(), 4u);
  const RecordCount c = count_records(other);
  EXPECT_EQ(c.nodes, 4u);
  EXPECT_EQ(c.edges, 3u);
}

TEST(Hsnap, ReadsFromAPipe) {
  const std::string p = write_tmp("pipe_src.hsnap", full_bytes());
  const std::string fifo = tmp_path("pipe.hsnap");
  std::remove(fifo.c_str());
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  std::thread writer([&] {
    std::ofstream out(fifo, std::ios::binary);
    out << full_bytes();
  });
  const Snapshot s = load_snapshot(fifo);
  writer.join();
  EXPECT_TRUE(s == load_snapshot(p));
}

TEST(Hsnap, GzipOutputRefused) {
  WriteOptions o = hsnap_options();
  o.gzip = true;
  const Snapshot s = load_snapshot(fixture("good/full.json"));
  EXPECT_THROW(write_snapshot(s, tmp_path("x.hsnap.gz"), o), std::invalid_argument);
}

TEST(Hsnap, EmptyAndShortFiles) {
  const InputError e = load_bad("empty.hsnap", "");
  EXPECT_EQ(e.where().byte_offset, 0u);
  EXPECT_NE(std::string(e.what()).find("shorter than the 64-byte .hsnap header"), std::string::npos) << e.what();
  EXPECT_NE(std::string(e.what()).find("empty.hsnap"), std::string::npos) << e.what();
}

TEST(Hsnap, BadMagic) {
  std::string b = full_bytes();
  b[1] = 'X';
  const InputError e = load_bad("magic.hsnap", b);
  EXPECT_EQ(e.where().field, "magic");
  EXPECT_EQ(e.where().byte_offset, 0u);
}

TEST(Hsnap, OtherVersion) {
  for (const std::uint32_t v : {1u, 4u}) {
    std::string b = full_bytes();
    L::put<std::uint32_t>(b, L::kVersionAt, v);
    L::fix_checksums(b);
    const InputError e = load_bad("version.hsnap", b);
    EXPECT_EQ(e.where().field, "version");
    EXPECT_EQ(e.where().byte_offset, L::kVersionAt);
    EXPECT_NE(std::string(e.what()).find("unsupported .hsnap version " + std::to_string(v)), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("convert the snapshot again"), std::string::npos) << e.what();
  }
}

// A .hsnap of a generated world reloads as the same model as the NDJSON it
// was converted from, read in place (mapped), the id index working.
TEST(Hsnap, ReloadEqualsTheNdjsonLoad) {
  const Snapshot src = load_snapshot(dataset("sample/snapshot.json.gz"));
  WriteOptions nd;
  nd.format = SnapshotFormat::Ndjson;
  write_snapshot(src, tmp_path("eq.ndjson"), nd);
  const Snapshot text = load_snapshot(tmp_path("eq.ndjson"));
  write_snapshot(text, tmp_path("eq.hsnap"), hsnap_options());
  const Snapshot back = load_snapshot(tmp_path("eq.hsnap"));
  EXPECT_TRUE(back == text);
  back.validate();
  EXPECT_EQ(text.mapped_bytes(), 0u);
  EXPECT_GT(back.mapped_bytes(), 0u);
  // Columns are read in place: the heap part is the small pools and the index.
  EXPECT_LT(back.memory_bytes(), text.memory_bytes());
  for (NodeId v = 0; v < text.num_nodes(); ++v) ASSERT_EQ(back.find_node(text.node_id(v)), v);
}

// The model's views keep the mapping alive: through moves, after the file
// is removed, and in a copy of a pool that outlives the model.
TEST(Hsnap, ViewsStayValidAfterMovesAndRemoval) {
  const Snapshot ref = load_snapshot(fixture("good/full.json"));
  const std::string p = write_tmp("moved.hsnap", full_bytes());
  Snapshot s = load_snapshot(p);
  ASSERT_EQ(std::remove(p.c_str()), 0);
  std::vector<Snapshot> many;
  many.push_back(std::move(s));
  for (int i = 0; i < 20; ++i) many.push_back(load_snapshot(fixture("good/full.json")));  // reallocations move [0]
  Snapshot moved = std::move(many.front());
  many.clear();
  EXPECT_TRUE(moved == ref);
  moved.validate();
  StringPool ids = moved.id_pool();
  Snapshot other;
  other = std::move(moved);
  EXPECT_TRUE(other == ref);
  { const Snapshot gone = std::move(other); }
  ASSERT_EQ(ids.size(), ref.num_nodes());
  for (NodeId v = 0; v < ref.num_nodes(); ++v) {
    EXPECT_EQ(ids.get(v), ref.node_id(v));
    EXPECT_EQ(ids.find(ref.node_id(v)), v);
  }
  // A copy that changes becomes its own (copy on write): the original view is untouched.
  StringPool grown = ids;
  EXPECT_EQ(grown.intern("new:id"), ref.num_nodes());
  EXPECT_EQ(ids.size(), ref.num_nodes());
  EXPECT_EQ(ids.find("new:id"), StringPool::kNotFound);
  EXPECT_EQ(grown.find(ref.node_id(1)), 1u);
}

// The id index is built once by the first find_node, whichever thread asks.
TEST(Hsnap, FindNodeFromManyThreads) {
  const Snapshot ref = load_snapshot(dataset("sample/snapshot.json.gz"));
  write_snapshot(ref, tmp_path("threads.hsnap"), hsnap_options());
  const Snapshot s = load_snapshot(tmp_path("threads.hsnap"));
  std::vector<std::thread> threads;
  std::vector<int> wrong(4, 0);
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (NodeId v = static_cast<NodeId>(t); v < ref.num_nodes(); v += 4)
        if (s.find_node(ref.node_id(v)) != v) ++wrong[t];
    });
  for (auto& th : threads) th.join();
  for (int t = 0; t < 4; ++t) EXPECT_EQ(wrong[t], 0) << t;
}

// One flipped bit anywhere in a section: the section's name and offset.
TEST(Hsnap, EveryFlippedSectionIsNamed) {
  const std::string& full = full_bytes();
  const char* names[] = {"", "meta", "ids.bytes", "ids.offsets", "node_types.bytes", "node_types.offsets",
                         "edge_types.bytes", "edge_types.offsets", "attr_keys.bytes", "attr_keys.offsets",
                         "attr_strings.bytes", "attr_strings.offsets", "kind", "type", "label", "created_at",
                         "attr_offsets", "attrs", "has_activity", "activity_offsets", "activity_buckets",
                         "activity_values", "src", "dst", "edge_type", "weight", "first_seen", "last_seen",
                         "edge_order", "ids.order"};
  int flipped = 0;
  for (std::uint32_t id = L::kMeta; id <= L::kIdOrder; ++id) {
    const std::uint64_t at = L::section_offset(full, id);
    const std::uint64_t bytes = L::section_count(full, id) * L::get<std::uint32_t>(full, L::entry_at(id) + 4);
    if (bytes == 0) continue;
    std::string b = full;
    b[at + bytes / 2] ^= 0x10;
    const InputError e = load_bad("flip.hsnap", b);
    EXPECT_EQ(e.where().field, names[id]) << e.what();
    EXPECT_EQ(e.where().byte_offset, at) << e.what();
    EXPECT_NE(std::string(e.what()).find("crc32"), std::string::npos) << e.what();
    ++flipped;
  }
  EXPECT_GE(flipped, 25);
}

// ids.order out of order (the ids still unique) behind valid checksums.
TEST(Hsnap, IdOrderNotIncreasing) {
  std::string b = full_bytes();
  const std::uint64_t at = L::section_offset(b, L::kIdOrder);
  const auto x = L::get<std::uint32_t>(b, at), y = L::get<std::uint32_t>(b, at + 4);
  L::put<std::uint32_t>(b, at, y);
  L::put<std::uint32_t>(b, at + 4, x);
  L::fix_checksums(b);
  const InputError e = load_bad("idorder.hsnap", b);
  EXPECT_EQ(e.where().field, "ids.order");
  EXPECT_EQ(e.where().byte_offset, at + 4);
  // Not a permutation.
  L::put<std::uint32_t>(b, at, x);
  L::put<std::uint32_t>(b, at + 4, x);
  L::fix_checksums(b);
  const InputError p = load_bad("idperm.hsnap", b);
  EXPECT_EQ(p.where().field, "ids.order");
  EXPECT_NE(std::string(p.what()).find("not a permutation of the nodes"), std::string::npos) << p.what();
}

TEST(Hsnap, DamagedHeader) {
  std::string b = full_bytes();
  b[L::kNodesAt] ^= 1;
  const InputError e = load_bad("header.hsnap", b);
  EXPECT_EQ(e.where().field, "header_crc");
  EXPECT_EQ(e.where().byte_offset, L::kHeaderCrcAt);
}

TEST(Hsnap, DamagedSectionTable) {
  std::string b = full_bytes();
  b[L::entry_at(L::kSrc) + 16] ^= 1;  // the count of `src`
  const InputError e = load_bad("table.hsnap", b);
  EXPECT_EQ(e.where().field, "sections");
  EXPECT_EQ(e.where().byte_offset, L::kHeader);
  EXPECT_NE(std::string(e.what()).find("section table checksum mismatch"), std::string::npos) << e.what();
}

TEST(Hsnap, DamagedSectionNamesTheSectionAndOffset) {
  std::string b = full_bytes();
  const std::uint64_t at = L::section_offset(b, L::kIdBytes);
  b[at + 1] ^= 0x20;
  const InputError e = load_bad("section.hsnap", b);
  EXPECT_EQ(e.where().field, "ids.bytes");
  EXPECT_EQ(e.where().byte_offset, at);
  EXPECT_NE(std::string(e.what()).find("checksum (crc32) mismatch in section \"ids.bytes\""), std::string::npos) << e.what();
}

TEST(Hsnap, EveryTruncationIsALocatedError) {
  const std::string& full = full_bytes();
  for (std::size_t n = 0; n < full.size(); ++n) {
    const InputError e = load_bad("cut.hsnap", full.substr(0, n));
    EXPECT_NE(e.where().byte_offset, kNoPosition) << n;
    EXPECT_EQ(e.where().file, tmp_path("cut.hsnap")) << n;
    if (n >= L::kHeader) {
      EXPECT_NE(std::string(e.what()).find("(truncated)"), std::string::npos) << n << ": " << e.what();
    }
  }
}

TEST(Hsnap, AppendedBytes) {
  const InputError e = load_bad("append.hsnap", full_bytes() + "x");
  EXPECT_EQ(e.where().field, "file_bytes");
  EXPECT_NE(std::string(e.what()).find("bytes appended"), std::string::npos) << e.what();
}

TEST(Hsnap, NonZeroPadding) {
  std::string b = full_bytes();
  // The byte after the meta section (sections start on 64-byte boundaries).
  const std::uint64_t end = L::section_offset(b, L::kMeta) + L::section_count(b, L::kMeta);
  ASSERT_LT(end, L::section_offset(b, L::kIdBytes));
  b[end] = 1;
  const InputError e = load_bad("pad.hsnap", b);
  EXPECT_EQ(e.where().field, "padding");
  EXPECT_EQ(e.where().byte_offset, end);
}

// Damage behind valid checksums: the model's own checks.
TEST(Hsnap, SelfLoopBehindValidChecksums) {
  std::string b = full_bytes();
  const std::uint64_t src = L::section_offset(b, L::kSrc), dst = L::section_offset(b, L::kDst);
  L::put<std::uint32_t>(b, dst + 4, L::get<std::uint32_t>(b, src + 4));  // edge 1: dst = src
  L::fix_checksums(b);
  const InputError e = load_bad("loop.hsnap", b);
  EXPECT_EQ(e.where().field, "dst");
  EXPECT_EQ(e.where().record_kind, "edge");
  EXPECT_EQ(e.where().record_index, 1u);
  EXPECT_EQ(e.where().byte_offset, dst + 4);
}

TEST(Hsnap, EndpointOutOfRange) {
  std::string b = full_bytes();
  const std::uint64_t src = L::section_offset(b, L::kSrc);
  L::put<std::uint32_t>(b, src + 8, 77);  // edge 2
  L::fix_checksums(b);
  const InputError e = load_bad("range.hsnap", b);
  EXPECT_EQ(e.where().field, "src");
  EXPECT_EQ(e.where().record_index, 2u);
  EXPECT_NE(std::string(e.what()).find("node 77 >= 4 nodes"), std::string::npos) << e.what();
}

TEST(Hsnap, DuplicateNodeId) {
  std::string b = full_bytes();
  // Ids "a:1001" "pm:9f2c" "ip:203.0.113.7" "px:relay-7": node 3 becomes
  // "pm:9f2c" and node 2 takes the 3 spare bytes, so the pool keeps its size.
  const std::uint64_t bytes = L::section_offset(b, L::kIdBytes), offs = L::section_offset(b, L::kIdOffsets);
  const auto o1 = L::get<std::uint64_t>(b, offs + 8), o2 = L::get<std::uint64_t>(b, offs + 16);
  const auto o3 = L::get<std::uint64_t>(b, offs + 24), o4 = L::get<std::uint64_t>(b, offs + 32);
  const std::string id1 = b.substr(bytes + o1, o2 - o1);
  ASSERT_EQ(id1, "pm:9f2c");
  const std::string id2 = b.substr(bytes + o2, o3 - o2) + std::string(o4 - o3 - id1.size(), 'z');
  b.replace(bytes + o2, o4 - o2, id2 + id1);
  L::put<std::uint64_t>(b, offs + 24, o2 + id2.size());
  L::fix_checksums(b);
  const InputError e = load_bad("dup.hsnap", b);
  EXPECT_EQ(e.where().field, "id");
  EXPECT_EQ(e.where().record_kind, "node");
  EXPECT_EQ(e.where().record_index, 3u);
  EXPECT_EQ(e.where().record_id, id1);
  EXPECT_EQ(e.where().byte_offset, bytes + o2 + id2.size());
  EXPECT_NE(std::string(e.what()).find("duplicate node id"), std::string::npos) << e.what();
}

TEST(Hsnap, BadUtf8Id) {
  std::string b = full_bytes();
  const std::uint64_t at = L::section_offset(b, L::kIdBytes);
  b[at + 2] = static_cast<char>(0xFF);
  L::fix_checksums(b);
  const InputError e = load_bad("utf8.hsnap", b);
  EXPECT_EQ(e.where().field, "ids.bytes");
  EXPECT_EQ(e.where().byte_offset, at + 2);
}

TEST(Hsnap, TypeIndexOutOfRange) {
  std::string b = full_bytes();
  const std::uint64_t at = L::section_offset(b, L::kType);
  L::put<std::uint16_t>(b, at + 2 * 2, 999);  // node 2
  L::fix_checksums(b);
  const InputError e = load_bad("type.hsnap", b);
  EXPECT_EQ(e.where().field, "type");
  EXPECT_EQ(e.where().record_index, 2u);
  EXPECT_EQ(e.where().record_id, "ip:203.0.113.7");
  EXPECT_EQ(e.where().byte_offset, at + 4);
}

TEST(Hsnap, NonFiniteWeight) {
  std::string b = full_bytes();
  const std::uint64_t at = L::section_offset(b, L::kWeight);
  L::put<double>(b, at + 8, std::nan(""));
  L::fix_checksums(b);
  const InputError e = load_bad("weight.hsnap", b);
  EXPECT_EQ(e.where().field, "weight");
  EXPECT_EQ(e.where().byte_offset, at + 8);
}

TEST(Hsnap, ActivityBucketOutOfRange) {
  std::string b = full_bytes();
  const std::uint64_t at = L::section_offset(b, L::kActBucket);
  L::put<std::uint8_t>(b, at + 1, 4);  // 4 buckets: 0..3 (one byte each: 4 buckets)
  L::fix_checksums(b);
  const InputError e = load_bad("bucket.hsnap", b);
  EXPECT_EQ(e.where().field, "activity");
  EXPECT_EQ(e.where().record_id, "a:1001");
}

TEST(Hsnap, ActivityWithoutSpec) {
  // karate (no activity spec): node 5 claims an activity array.
  const Snapshot k = load_snapshot(dataset("karate/karate.edges"));
  write_snapshot(k, tmp_path("karate.hsnap"), hsnap_options());
  std::string b = read_all(tmp_path("karate.hsnap"));
  const std::uint64_t at = L::section_offset(b, L::kHasActivity);
  b[at + 5] = 1;
  L::fix_checksums(b);
  const InputError e = load_bad("act_spec.hsnap", b);
  EXPECT_EQ(e.where().field, "activity");
  EXPECT_EQ(e.where().record_index, 5u);
  EXPECT_EQ(e.where().byte_offset, at + 5);
}

TEST(Hsnap, SectionCountDisagreesWithHeader) {
  std::string b = full_bytes();
  L::put<std::uint64_t>(b, L::kEdgesAt, 2);
  L::fix_checksums(b);
  const InputError e = load_bad("count.hsnap", b);
  EXPECT_EQ(e.where().field, "src.count");
  EXPECT_EQ(e.where().byte_offset, L::entry_at(L::kSrc) + 16);
}

TEST(Hsnap, DuplicateEdgeBehindValidChecksums) {
  std::string b = full_bytes();
  // Edge 2 (px -> ip, egress_ip) becomes a copy of edge 0's key (a -> ip, uses_ip).
  for (std::uint32_t s : {L::kSrc, L::kDst}) {
    const std::uint64_t at = L::section_offset(b, s);
    L::put<std::uint32_t>(b, at + 8, L::get<std::uint32_t>(b, at));
  }
  const std::uint64_t et = L::section_offset(b, L::kEtype);
  L::put<std::uint16_t>(b, et + 4, L::get<std::uint16_t>(b, et));
  L::fix_checksums(b);
  const InputError e = load_bad("dupedge.hsnap", b);
  EXPECT_TRUE(e.where().field == "edge" || e.where().field == "edge_order") << e.what();
}

// Both activity layouts (ActivityLayout) round trip, each written with its
// own element sizes; version 2 files (4-byte buckets, float values) still
// load, narrowed into the compact layout.
TEST(Hsnap, RoundTripInBothActivityLayouts) {
  const Snapshot compact = load_snapshot(fixture("good/full.json"));
  const Snapshot wide = load_snapshot(fixture("good/wide_activity.json"));
  ASSERT_EQ(compact.activity_layout(), (ActivityLayout{1, 2}));
  ASSERT_EQ(wide.activity_layout(), (ActivityLayout{2, 4}));
  for (const Snapshot* s : {&compact, &wide}) {
    const std::string p = tmp_path("layout.hsnap");
    write_snapshot(*s, p, hsnap_options());
    const std::string b = read_all(p);
    EXPECT_EQ(L::get<std::uint32_t>(b, L::kVersionAt), 3u);
    EXPECT_EQ(L::get<std::uint32_t>(b, L::entry_at(L::kActBucket) + 4), s->activity_layout().bucket_bytes);
    EXPECT_EQ(L::get<std::uint32_t>(b, L::entry_at(L::kActValue) + 4), s->activity_layout().value_bytes);
    const Snapshot back = load_snapshot(p);
    back.validate();
    EXPECT_TRUE(back == *s);
    EXPECT_EQ(back.activity_layout(), s->activity_layout());
    EXPECT_GT(back.mapped_bytes(), 0u);
  }
}

TEST(Hsnap, Version2StillReads) {
  // The fuzz corpus keeps version 2 files (a mode byte, then the file).
  const std::string v2 = read_all(fixture("hsnap-corpus/full-0.bin")).substr(1);
  ASSERT_EQ(L::get<std::uint32_t>(v2, L::kVersionAt), 2u);
  const Snapshot s = load_snapshot(write_tmp("v2.hsnap", v2));
  s.validate();
  EXPECT_TRUE(s == load_snapshot(fixture("good/full.json")));
  EXPECT_EQ(s.activity_layout(), (ActivityLayout{1, 2}));
}

TEST(Hsnap, CompactActivityDamageIsLocated) {
  const std::string& full = full_bytes();
  {  // cut inside the activity values
    const std::uint64_t at = L::section_offset(full, L::kActValue);
    const InputError e = load_bad("cut_act.hsnap", full.substr(0, at + 1));
    EXPECT_EQ(e.where().field, "file_bytes") << e.what();
    EXPECT_NE(std::string(e.what()).find("truncated"), std::string::npos) << e.what();
  }
  {  // a damaged uint16 value, checksums repaired: zero is not stored
    std::string b = full;
    const std::uint64_t at = L::section_offset(b, L::kActValue);
    L::put<std::uint16_t>(b, at + 2, 0);
    L::fix_checksums(b);
    const InputError e = load_bad("zero_act.hsnap", b);
    EXPECT_EQ(e.where().field, "activity") << e.what();
    EXPECT_EQ(e.where().record_id, "a:1001");
    EXPECT_EQ(e.where().byte_offset, at);
  }
  {  // a damaged uint16 value, checksums left: the crc names the section
    std::string b = full;
    const std::uint64_t at = L::section_offset(b, L::kActValue);
    L::put<std::uint16_t>(b, at, 77);
    const InputError e = load_bad("crc_act.hsnap", b);
    EXPECT_EQ(e.where().field, "activity_values") << e.what();
    EXPECT_EQ(e.where().byte_offset, at);
  }
  {  // an element size no layout has
    std::string b = full;
    L::put<std::uint32_t>(b, L::entry_at(L::kActValue) + 4, 1);
    L::fix_checksums(b);
    const InputError e = load_bad("elem_act.hsnap", b);
    EXPECT_EQ(e.where().field, "activity_values.elem_bytes") << e.what();
    EXPECT_EQ(e.where().byte_offset, L::entry_at(L::kActValue) + 4);
  }
}

// A short deterministic mutation sweep (the fuzz target's regression): flips
// and byte writes, with and without repaired checksums, never crash.
TEST(Hsnap, MutationsNeverCrash) {
  const std::string& full = full_bytes();
  std::mt19937_64 rng(22);
  int loaded = 0;
  for (int i = 0; i < 1000; ++i) {
    std::string b = full;
    const int edits = 1 + static_cast<int>(rng() % 3);
    for (int k = 0; k < edits; ++k) {
      const std::size_t at = rng() % b.size();
      if (rng() % 2) b[at] = static_cast<char>(b[at] ^ (1u << (rng() % 8)));
      else b[at] = static_cast<char>(rng());
    }
    const bool fixed = i % 2 == 1;
    if (fixed) L::fix_checksums(b);
    const std::string p = write_tmp("mut.hsnap", b);
    try {
      const Snapshot s = load_snapshot(p);
      s.validate();
      ++loaded;
    } catch (const InputError& e) {
      EXPECT_EQ(e.where().file, p);
      EXPECT_NE(e.where().byte_offset, kNoPosition) << e.what();
    }
  }
}

}  // namespace
}  // namespace hydrascope
