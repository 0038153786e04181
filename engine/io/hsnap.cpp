// The binary snapshot (.hsnap, docs/formats.md "Binary snapshot"): the
// model's columns and string pools as one versioned, checksummed file. The
// reader maps the file, checks it, and hands the mapped sections to the
// model as its columns (views, no copy: the model keeps the mapping alive),
// so that a snapshot loaded once from text costs only its checks the next
// times. The reader trusts nothing: every offset, size, checksum and
// invariant of the model is checked before the model is returned, and every
// problem is an InputError naming the file, the byte offset, the section and
// the field.
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cerrno>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "hydrascope/atomic_file.hpp"
#include "io_internal.hpp"
#include "utf8.hpp"

static_assert(std::endian::native == std::endian::little, "the .hsnap layout is little-endian");

namespace hydrascope {
namespace io {

namespace {

// --- layout ---------------------------------------------------------------------
constexpr char kMagic[8] = {'\x89', 'H', 'S', 'N', 'A', 'P', '\r', '\n'};
// 2: adds ids.order (the node ids' sorted order, which proves them unique
// without hashing every id at load). Version 1 files are refused with a
// located error that says to convert again.
// 3: activity in the snapshot's ActivityLayout (buckets 1, 2 or 4 bytes,
// values uint16 or float32, told by the sections' element sizes). Version 2
// files (4-byte buckets, float32 values) are still read: their activity is
// narrowed onto the heap into the canonical layout.
constexpr std::uint32_t kVersion = 3;
constexpr std::uint32_t kOldestVersion = 2;
constexpr std::uint64_t kAlign = 64;  // every section starts at a multiple of this

struct FileHeader {             // 64 bytes at offset 0
  char magic[8];
  std::uint32_t version;
  std::uint32_t header_bytes;   // 64
  std::uint64_t file_bytes;     // the whole file (a truncated copy is caught here)
  std::uint32_t sections;       // entries in the table that follows the header
  std::uint32_t table_crc;      // crc32 of the section table
  std::uint64_t nodes;
  std::uint64_t edges;
  std::uint64_t reserved;       // 0
  std::uint32_t reserved2;      // 0
  std::uint32_t header_crc;     // crc32 of the 60 bytes before this field
};
static_assert(sizeof(FileHeader) == 64);

struct SectionEntry {  // 32 bytes each
  std::uint32_t id;
  std::uint32_t elem_bytes;
  std::uint64_t offset;
  std::uint64_t count;     // elements
  std::uint32_t crc;       // crc32 of the count * elem_bytes bytes
  std::uint32_t reserved;  // 0
};
static_assert(sizeof(SectionEntry) == 32);

// Serialized Attr: key u32, type u8, three zero bytes, bits u64.
static_assert(sizeof(Attr) == 16 && offsetof(Attr, key) == 0 && offsetof(Attr, type) == 4 && offsetof(Attr, bits) == 8);
static_assert(sizeof(NodeKind) == 1 && sizeof(Label) == 1 && sizeof(NodeId) == 4 && sizeof(Timestamp) == 8);

enum Section : std::uint32_t {
  kMeta = 1,
  kIdBytes, kIdOffsets, kTypeBytes, kTypeOffsets, kEtypeBytes, kEtypeOffsets,
  kAttrKeyBytes, kAttrKeyOffsets, kAttrStringBytes, kAttrStringOffsets,
  kKind, kType, kLabel, kCreated, kAttrOffsets, kAttrs, kHasActivity, kActOffsets, kActBucket, kActValue,
  kSrc, kDst, kEtype, kWeight, kFirstSeen, kLastSeen, kEdgeOrder, kIdOrder,
  kNumSections = kIdOrder  // ids 1..kNumSections, each exactly once, in this order
};

struct SectionInfo {
  const char* name;
  std::uint32_t elem;  // element size (kEdgeOrder: 4, or 8 past 2^32 edges)
};
constexpr std::array<SectionInfo, kNumSections + 1> kInfo = {{
    {"", 0},
    {"meta", 1},
    {"ids.bytes", 1}, {"ids.offsets", 8}, {"node_types.bytes", 1}, {"node_types.offsets", 8},
    {"edge_types.bytes", 1}, {"edge_types.offsets", 8}, {"attr_keys.bytes", 1}, {"attr_keys.offsets", 8},
    {"attr_strings.bytes", 1}, {"attr_strings.offsets", 8},
    {"kind", 1}, {"type", 2}, {"label", 1}, {"created_at", 8}, {"attr_offsets", 8}, {"attrs", 16},
    {"has_activity", 1}, {"activity_offsets", 8}, {"activity_buckets", 4}, {"activity_values", 4},
    {"src", 4}, {"dst", 4}, {"edge_type", 2}, {"weight", 8}, {"first_seen", 8}, {"last_seen", 8},
    {"edge_order", 4}, {"ids.order", 4},
}};

// meta: version i32, reserved u32, taken_at i64, activity start i64,
// bucket_seconds i64, buckets u32, id length u32, id bytes.
constexpr std::size_t kMetaFixed = 4 + 4 + 8 + 8 + 8 + 4 + 4;

std::uint64_t align_up(std::uint64_t x) { return (x + kAlign - 1) / kAlign * kAlign; }

std::uint32_t crc_of(const void* p, std::uint64_t n) {
  return static_cast<std::uint32_t>(::crc32_z(0L, static_cast<const Bytef*>(p), static_cast<z_size_t>(n)));
}

std::string hex8(std::uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%08x", static_cast<unsigned>(v));
  return buf;
}

// Timestamps the text formats can carry: years 0000-9999 (or absent).
constexpr Timestamp kMinTime = kMinUnixSeconds * kMicrosPerSecond;
constexpr Timestamp kMaxTime = (kMaxUnixSeconds + 1) * kMicrosPerSecond - 1;
bool good_time(Timestamp t) { return t == kNoTime || (t >= kMinTime && t <= kMaxTime); }



struct OutSection {
  std::uint32_t id = 0;
  std::uint32_t elem = 1;
  const void* data = nullptr;
  std::uint64_t count = 0;
  [[nodiscard]] std::uint64_t bytes() const { return count * elem; }
};

// The bytes of the file: a read-only mapping of a regular file, or the
// whole stream in memory (a pipe). Shared by the model's columns that view it.
struct Mapping {
  const std::uint8_t* data = nullptr;
  std::uint64_t size = 0;
  bool mapped = false;
  std::vector<std::uint8_t> heap;
  Mapping() = default;
  Mapping(const Mapping&) = delete;
  Mapping& operator=(const Mapping&) = delete;
  ~Mapping() {
    if (mapped && data != nullptr) ::munmap(const_cast<std::uint8_t*>(data), size);
  }
};

}  // namespace

// Friend of Snapshot: reads and writes its private columns.
struct HsnapCodec {
  static void write(const Snapshot& s, const std::string& path);
  static Snapshot read(const std::string& path, const LoadOptions& options, std::shared_ptr<const Mapping> map,
                       std::uint32_t& identity);
};

// --- writer --------------------------------------------------------------------

void HsnapCodec::write(const Snapshot& s, const std::string& path) {
  const SnapshotMeta& meta = s.meta();
  std::string meta_bytes(kMetaFixed + meta.id.size(), '\0');
  {
    char* p = meta_bytes.data();
    const std::int32_t version = meta.version;
    const std::uint32_t buckets = meta.activity.buckets;
    const auto id_len = static_cast<std::uint32_t>(meta.id.size());
    std::memcpy(p, &version, 4);
    std::memcpy(p + 8, &meta.taken_at, 8);
    std::memcpy(p + 16, &meta.activity.start, 8);
    std::memcpy(p + 24, &meta.activity.bucket_seconds, 8);
    std::memcpy(p + 32, &buckets, 4);
    std::memcpy(p + 36, &id_len, 4);
    if (id_len > 0) std::memcpy(p + 40, meta.id.data(), id_len);
  }
  // Edges in increasing (src, dst, type) order: lets the reader check that no
  // two edges share a key in one pass (keys are unique: duplicates were merged).
  const EdgeId m = s.num_edges();
  std::vector<std::uint64_t> order(m);
  for (EdgeId e = 0; e < m; ++e) order[e] = e;
  std::sort(order.begin(), order.end(), [&](std::uint64_t a, std::uint64_t b) {
    if (s.src_[a] != s.src_[b]) return s.src_[a] < s.src_[b];
    if (s.dst_[a] != s.dst_[b]) return s.dst_[a] < s.dst_[b];
    if (s.etype_[a] != s.etype_[b]) return s.etype_[a] < s.etype_[b];
    return a < b;
  });
  // Node ids in increasing byte order: the reader proves them unique by
  // comparing neighbours (no hash of every id at load).
  const NodeId n_ids = s.num_nodes();
  std::vector<std::uint32_t> id_order(n_ids);
  for (NodeId v = 0; v < n_ids; ++v) id_order[v] = v;
  std::sort(id_order.begin(), id_order.end(), [&](std::uint32_t a, std::uint32_t b) { return s.ids_.get(a) < s.ids_.get(b); });
  std::vector<std::uint32_t> order32;  // 4 bytes per edge while the count fits
  if (m <= 0xFFFFFFFFull) order32.assign(order.begin(), order.end());
  // Attrs with their padding bytes zeroed (the in-memory padding is unspecified).
  std::vector<std::uint8_t> attrs(s.attrs_.size() * 16, 0);
  for (std::size_t i = 0; i < s.attrs_.size(); ++i) {
    std::memcpy(attrs.data() + 16 * i, &s.attrs_[i].key, 4);
    std::memcpy(attrs.data() + 16 * i + 4, &s.attrs_[i].type, 1);
    std::memcpy(attrs.data() + 16 * i + 8, &s.attrs_[i].bits, 8);
  }
  std::vector<OutSection> sec;
  auto pool = [&](std::uint32_t bytes_id, const StringPool& p) {
    sec.push_back({bytes_id, 1, p.bytes().data(), p.bytes().size()});
    sec.push_back({bytes_id + 1, 8, p.offsets().data(), p.offsets().size()});
  };
  const NodeId n = s.num_nodes();
  sec.push_back({kMeta, 1, meta_bytes.data(), meta_bytes.size()});
  pool(kIdBytes, s.ids_);
  pool(kTypeBytes, s.type_names_);
  pool(kEtypeBytes, s.edge_type_names_);
  pool(kAttrKeyBytes, s.attr_keys_);
  pool(kAttrStringBytes, s.attr_strings_);
  sec.push_back({kKind, 1, s.kind_.data(), n});
  sec.push_back({kType, 2, s.type_.data(), n});
  sec.push_back({kLabel, 1, s.label_.data(), n});
  sec.push_back({kCreated, 8, s.created_.data(), n});
  sec.push_back({kAttrOffsets, 8, s.attr_offsets_.data(), s.attr_offsets_.size()});
  sec.push_back({kAttrs, 16, attrs.data(), s.attrs_.size()});
  sec.push_back({kHasActivity, 1, s.has_activity_.data(), n});
  sec.push_back({kActOffsets, 8, s.act_offsets_.data(), s.act_offsets_.size()});
  const ActivityLayout layout = s.act_layout_;
  sec.push_back({kActBucket, layout.bucket_bytes, s.activity_bucket_data(), s.act_offsets_.back()});
  sec.push_back({kActValue, layout.value_bytes, s.activity_value_data(), s.act_offsets_.back()});
  sec.push_back({kSrc, 4, s.src_.data(), m});
  sec.push_back({kDst, 4, s.dst_.data(), m});
  sec.push_back({kEtype, 2, s.etype_.data(), m});
  sec.push_back({kWeight, 8, s.weight_.data(), m});
  sec.push_back({kFirstSeen, 8, s.first_seen_.data(), m});
  sec.push_back({kLastSeen, 8, s.last_seen_.data(), m});
  if (m <= 0xFFFFFFFFull) sec.push_back({kEdgeOrder, 4, order32.data(), m});
  else sec.push_back({kEdgeOrder, 8, order.data(), m});
  sec.push_back({kIdOrder, 4, id_order.data(), n});

  std::vector<SectionEntry> table(sec.size());
  std::uint64_t at = align_up(sizeof(FileHeader) + sec.size() * sizeof(SectionEntry));
  for (std::size_t i = 0; i < sec.size(); ++i) {
    SectionEntry& t = table[i];
    std::memset(&t, 0, sizeof t);
    t.id = sec[i].id;
    t.elem_bytes = sec[i].elem;
    t.offset = at;
    t.count = sec[i].count;
    t.crc = crc_of(sec[i].data, sec[i].bytes());
    at = align_up(at + sec[i].bytes());
  }
  FileHeader h;
  std::memset(&h, 0, sizeof h);
  std::memcpy(h.magic, kMagic, sizeof kMagic);
  h.version = kVersion;
  h.header_bytes = sizeof(FileHeader);
  h.file_bytes = at;
  h.sections = static_cast<std::uint32_t>(sec.size());
  h.table_crc = crc_of(table.data(), table.size() * sizeof(SectionEntry));
  h.nodes = n;
  h.edges = m;
  h.header_crc = crc_of(&h, offsetof(FileHeader, header_crc));

  AtomicFile file(path);
  std::uint64_t written = 0;
  auto put = [&](const void* p, std::uint64_t bytes) {
    const char* c = static_cast<const char*>(p);
    while (bytes > 0) {  // in 1 GiB pieces
      const std::uint64_t k = std::min<std::uint64_t>(bytes, std::uint64_t{1} << 30);
      file.write(std::string_view(c, static_cast<std::size_t>(k)));
      c += k;
      bytes -= k;
      written += k;
    }
  };
  static const char kZeros[kAlign] = {};
  auto pad = [&] {
    const std::uint64_t to = align_up(written);
    if (to > written) put(kZeros, to - written);
  };
  put(&h, sizeof h);
  put(table.data(), table.size() * sizeof(SectionEntry));
  pad();
  for (const OutSection& o : sec) {
    put(o.data, o.bytes());
    pad();
  }
  file.commit();
}

// --- reader --------------------------------------------------------------------

namespace {

class Reader {
 public:
  Reader(const std::string& path, const LoadOptions& options, std::shared_ptr<const Mapping> map)
      : path_(path), options_(options), base_(map->data), size_(map->size), map_(std::move(map)) {}

  void read_header() {
    if (size_ < sizeof(FileHeader))
      fail(0, "header", "is " + std::to_string(size_) + " bytes long, shorter than the 64-byte .hsnap header (truncated?)");
    std::memcpy(&header_, base_, sizeof header_);
    if (std::memcmp(header_.magic, kMagic, sizeof kMagic) != 0)
      fail(0, "magic", "not a hydrascope binary snapshot (the file must start with \\x89HSNAP\\r\\n)");
    if (header_.version < kOldestVersion || header_.version > kVersion)
      fail(offsetof(FileHeader, version), "version",
           "unsupported .hsnap version " + std::to_string(header_.version) + " (this engine reads versions " +
               std::to_string(kOldestVersion) + " and " + std::to_string(kVersion) + "; convert the snapshot again)");
    if (crc_of(&header_, offsetof(FileHeader, header_crc)) != header_.header_crc)
      fail(offsetof(FileHeader, header_crc), "header_crc", "header checksum mismatch: the header is damaged");
    if (header_.header_bytes != sizeof(FileHeader))
      fail(offsetof(FileHeader, header_bytes), "header_bytes", "header size " + std::to_string(header_.header_bytes) + ", expected 64");
    if (header_.file_bytes != size_)
      fail(offsetof(FileHeader, file_bytes), "file_bytes",
           "the header says the file has " + std::to_string(header_.file_bytes) + " bytes, it has " +
               std::to_string(size_) + (size_ < header_.file_bytes ? " (truncated)" : " (bytes appended)"));
    if (header_.sections != kNumSections)
      fail(offsetof(FileHeader, sections), "sections",
           "has " + std::to_string(header_.sections) + " sections, version " + std::to_string(header_.version) + " has " +
               std::to_string(kNumSections));
    if (header_.reserved != 0 || header_.reserved2 != 0) fail(offsetof(FileHeader, reserved), "reserved", "must be 0");
    if (header_.nodes >= kInvalidNode) fail(offsetof(FileHeader, nodes), "nodes", "too many nodes (limit 2^32-2)");
    const std::uint64_t table_bytes = std::uint64_t{header_.sections} * sizeof(SectionEntry);
    if (sizeof(FileHeader) + table_bytes > size_) fail(sizeof(FileHeader), "sections", "the section table is cut off (truncated?)");
    table_.resize(header_.sections);
    std::memcpy(table_.data(), base_ + sizeof(FileHeader), table_bytes);
    if (crc_of(table_.data(), table_bytes) != header_.table_crc)
      fail(sizeof(FileHeader), "sections", "section table checksum mismatch: the table is damaged");
    std::uint64_t prev_end = sizeof(FileHeader) + table_bytes;
    for (std::size_t i = 0; i < table_.size(); ++i) {
      const SectionEntry& t = table_[i];
      const std::uint64_t at = sizeof(FileHeader) + i * sizeof(SectionEntry);
      if (t.id != i + 1)
        fail(at, "id", "section table entry " + std::to_string(i) + " names section " + std::to_string(t.id) + ", expected " +
                           std::to_string(i + 1));
      const SectionInfo& info = kInfo[t.id];
      // Activity widths (version 3): buckets 1, 2 or 4 bytes, values 2 (uint16) or 4 (float32).
      const bool v3 = header_.version >= 3;
      const bool other_width = (t.id == kEdgeOrder && t.elem_bytes == 8) ||
                               (v3 && t.id == kActBucket && (t.elem_bytes == 1 || t.elem_bytes == 2)) ||
                               (v3 && t.id == kActValue && t.elem_bytes == 2);
      if (t.elem_bytes != info.elem && !other_width)
        fail(at + 4, std::string(info.name) + ".elem_bytes",
             "element size " + std::to_string(t.elem_bytes) + ", expected " +
                 (v3 && t.id == kActBucket ? std::string("1, 2 or 4")
                  : v3 && t.id == kActValue ? std::string("2 or 4")
                                            : std::to_string(info.elem)));
      if (t.reserved != 0) fail(at + 28, std::string(info.name) + ".reserved", "must be 0");
      if (t.offset % kAlign != 0 || t.offset < prev_end)
        fail(at + 8, std::string(info.name) + ".offset",
             "section offset " + std::to_string(t.offset) + " is misaligned or overlaps the section before");
      if (t.count > (size_ - std::min(size_, t.offset)) / t.elem_bytes)
        fail(at + 16, std::string(info.name) + ".count",
             "section of " + std::to_string(t.count) + " elements at offset " + std::to_string(t.offset) +
                 " runs past the end of the file (truncated?)");
      prev_end = t.offset + t.count * t.elem_bytes;
    }
    if (align_up(prev_end) != size_) fail(prev_end, "", "unexpected bytes after the last section");
  }

  // Every section against its crc32, and the padding between sections must
  // be zero (the crcs do not cover it). Sections are cut into pieces of
  // kPiece bytes, crc'd in parallel and joined with crc32_combine (the same
  // crc32 as over the whole section, for any thread count).
  void check_checksums() {
    constexpr std::uint64_t kPiece = std::uint64_t{8} << 20;
    struct Piece {
      std::size_t section;
      std::uint64_t from, bytes;
      std::uint32_t crc;
    };
    std::vector<Piece> pieces;
    for (std::size_t i = 0; i < table_.size(); ++i) {
      const std::uint64_t bytes = table_[i].count * table_[i].elem_bytes;
      std::uint64_t from = 0;
      do {
        const std::uint64_t k = std::min(kPiece, bytes - from);
        pieces.push_back({i, table_[i].offset + from, k, 0});
        from += k;
      } while (from < bytes);
    }
#pragma omp parallel for schedule(dynamic, 1) num_threads(resolve_threads(options_.threads))
    for (std::int64_t i = 0; i < static_cast<std::int64_t>(pieces.size()); ++i) {
      Piece& p = pieces[static_cast<std::size_t>(i)];
      p.crc = crc_of(base_ + p.from, p.bytes);
      if (map_->mapped) {
        // Read once for its crc: out of the resident set again (the page
        // cache keeps it), so that checking a file never holds all of it.
        static const auto page = static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE));
        const std::uint64_t a = (p.from + page - 1) / page * page, b = (p.from + p.bytes) / page * page;
        if (b > a) (void)::madvise(const_cast<std::uint8_t*>(base_ + a), b - a, MADV_DONTNEED);
      }
    }
    std::vector<std::uint8_t> bad(table_.size(), 0);
    for (std::size_t j = 0; j < pieces.size();) {
      const std::size_t i = pieces[j].section;
      uLong crc = pieces[j].crc;
      for (++j; j < pieces.size() && pieces[j].section == i; ++j)
        crc = ::crc32_combine64(crc, pieces[j].crc, static_cast<z_off64_t>(pieces[j].bytes));
      bad[i] = static_cast<std::uint32_t>(crc) != table_[i].crc;
    }
    std::uint64_t from = sizeof(FileHeader) + table_.size() * sizeof(SectionEntry);
    for (std::size_t i = 0; i <= table_.size(); ++i) {
      const std::uint64_t to = i < table_.size() ? table_[i].offset : size_;
      for (std::uint64_t b = from; b < to; ++b)
        if (base_[b] != 0) fail(b, "padding", "non-zero padding byte between sections");
      if (i < table_.size()) from = table_[i].offset + table_[i].count * table_[i].elem_bytes;
    }
    for (std::size_t i = 0; i < table_.size(); ++i)
      if (bad[i])
        fail(table_[i].offset, kInfo[table_[i].id].name,
             "checksum (crc32) mismatch in section \"" + std::string(kInfo[table_[i].id].name) + "\" (bytes " +
                 std::to_string(table_[i].offset) + ".." +
                 std::to_string(table_[i].offset + table_[i].count * table_[i].elem_bytes) + "): the file is damaged");
  }

  [[nodiscard]] std::uint32_t identity() const noexcept { return header_.header_crc; }
  [[nodiscard]] std::uint64_t nodes() const noexcept { return header_.nodes; }
  [[nodiscard]] std::uint64_t edges() const noexcept { return header_.edges; }

  [[noreturn]] void fail(std::uint64_t offset, const std::string& field, const std::string& message,
                         const char* kind = "", std::uint64_t index = kNoPosition, std::string id = {}) const {
    SourceLocation loc;
    loc.file = path_;
    loc.byte_offset = offset;
    loc.record_kind = kind;
    if (index != kNoPosition) loc.record_index = index;
    loc.record_id = std::move(id);
    loc.field = field;
    throw InputError(std::move(loc), message);
  }

  const SectionEntry& entry(Section id) const { return table_[id - 1]; }
  template <class T>
  const T* ptr(Section id) const {
    return reinterpret_cast<const T*>(base_ + entry(id).offset);
  }
  std::uint64_t count(Section id) const { return entry(id).count; }
  [[nodiscard]] std::uint32_t version() const noexcept { return header_.version; }
  // The pages of these sections out of the resident set once checked (a
  // private read-only mapping: they stay in the page cache and come back
  // on the next read), so that the load's peak is about the largest
  // column's checks, not the file. Whole pages, rounded outward: a page
  // shared with a neighbour is only read back if it is touched again.
  void release(std::initializer_list<Section> ids) const noexcept {
    if (!map_->mapped) return;
    static const auto page = static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE));
    for (const Section id : ids) {
      const SectionEntry& t = entry(id);
      const std::uint64_t a = t.offset / page * page;
      const std::uint64_t b = std::min(size_, (t.offset + t.count * t.elem_bytes + page - 1) / page * page);
      if (b > a) (void)::madvise(const_cast<std::uint8_t*>(base_ + a), b - a, MADV_DONTNEED);
    }
  }
  // A section as a model column: a view into the mapping, which it keeps
  // alive (sections are 64-byte aligned in the file and the mapping is
  // page-aligned, so every element is aligned).
  template <class T>
  Column<T> column(Section id) const {
    return Column<T>::view(ptr<T>(id), count(id), map_);
  }
  void expect_count(Section id, std::uint64_t want) const {
    if (count(id) != want)
      fail(sizeof(FileHeader) + (id - 1) * sizeof(SectionEntry) + 16, std::string(kInfo[id].name) + ".count",
           "has " + std::to_string(count(id)) + " elements, expected " + std::to_string(want));
  }
  // Byte offset of element i of a section, for messages.
  std::uint64_t at(Section id, std::uint64_t i) const { return entry(id).offset + i * entry(id).elem_bytes; }

  // A string pool: offsets monotone from 0 to the byte count, valid UTF-8
  // without NUL bytes, no string starting inside a character; `nonempty`
  // refuses empty strings; `unique` refuses two equal strings.
  StringPool pool(Section bytes_id, const char* what, bool nonempty, bool unique) const {
    const auto oid = static_cast<Section>(bytes_id + 1);
    const std::uint64_t bytes = count(bytes_id);
    const std::uint64_t entries = count(oid);
    if (entries == 0) fail(entry(oid).offset, kInfo[oid].name, "no offsets (at least one needed)");
    if (entries - 1 >= StringPool::kNotFound) fail(entry(oid).offset, kInfo[oid].name, "too many strings");
    const auto* off = ptr<std::uint64_t>(oid);
    const char* data = ptr<char>(bytes_id);
    if (off[0] != 0) fail(at(oid, 0), kInfo[oid].name, "the first offset must be 0");
    if (off[entries - 1] != bytes)
      fail(at(oid, entries - 1), kInfo[oid].name, "the last offset must be the byte count " + std::to_string(bytes));
    const std::string_view all(data, bytes);
    if (const std::size_t bad = invalid_utf8_at(all); bad != std::string_view::npos)
      fail(at(bytes_id, bad), kInfo[bytes_id].name, std::string(what) + " text is not valid UTF-8");
    if (const std::size_t nul = all.find('\0'); nul != std::string_view::npos)
      fail(at(bytes_id, nul), kInfo[bytes_id].name, std::string(what) + " holds a NUL byte");
    const std::uint64_t first = first_bad(entries - 1, [&](std::uint64_t i) {
      return off[i + 1] < off[i] || (nonempty && off[i + 1] == off[i]) ||
             (bytes_id == kIdBytes && off[i + 1] - off[i] > kMaxIdBytes) ||
             (off[i] < bytes && (static_cast<unsigned char>(data[off[i]]) & 0xC0) == 0x80);
    });
    for (std::uint64_t i = first; i + 1 < entries; ++i) {
      if (off[i + 1] < off[i] || (nonempty && off[i + 1] == off[i]))
        fail(at(oid, i + 1), kInfo[oid].name,
             std::string(what) + " #" + std::to_string(i) + (off[i + 1] < off[i] ? ": offsets decrease" : " is empty"));
      if (bytes_id == kIdBytes && off[i + 1] - off[i] > kMaxIdBytes)
        fail(at(oid, i + 1), kInfo[oid].name, "node id #" + std::to_string(i) + ": " + id_too_long(off[i + 1] - off[i]));
      if (off[i] < bytes && (static_cast<unsigned char>(data[off[i]]) & 0xC0) == 0x80)
        fail(at(bytes_id, off[i]), kInfo[bytes_id].name,
             std::string(what) + " #" + std::to_string(i) + " starts inside a UTF-8 character");
    }
    if (bytes_id == kIdBytes) {
      // Unique by ids.order: a permutation under which the ids increase
      // strictly. The index is built by the first find_node().
      check_id_order(off, data, entries - 1);
      return StringPool::from_parts_lazy(column<char>(bytes_id), column<std::uint64_t>(oid));
    }
    if (!unique) return StringPool::from_parts_lazy(column<char>(bytes_id), column<std::uint64_t>(oid));
    std::uint32_t dup = StringPool::kNotFound;
    StringPool p = StringPool::from_parts(column<char>(bytes_id), column<std::uint64_t>(oid), &dup);
    if (dup != StringPool::kNotFound) {
      const std::string s(p.get(dup));
      if (bytes_id == kIdBytes) fail(at(bytes_id, off[dup]), "id", "duplicate node id", "node", dup, s);
      fail(at(bytes_id, off[dup]), kInfo[bytes_id].name, std::string(what) + " \"" + s + "\" appears twice");
    }
    return p;
  }

  // ids.order lists every node once, in strictly increasing id order: so
  // no two ids are equal. Two equal neighbours are a duplicate node id
  // (named at the later node's bytes); anything else is a bad order.
  void check_id_order(const std::uint64_t* off, const char* data, std::uint64_t n) const {
    expect_count(kIdOrder, n);
    const auto* order = ptr<std::uint32_t>(kIdOrder);
    check_permutation(kIdOrder, order, n, "node");
    auto id = [&](std::uint32_t v) { return std::string_view(data + off[v], off[v + 1] - off[v]); };
    // The ids are visited in sorted order, not in file order: each compare
    // would wait on two cache misses (the offset, then the bytes), so both
    // are prefetched a few entries ahead.
    constexpr std::uint64_t kAhead = 16;
    const std::uint64_t bad = first_bad(n > 0 ? n - 1 : 0, [&](std::uint64_t i) {
      if (i + 2 * kAhead < n) __builtin_prefetch(off + order[i + 2 * kAhead]);
      if (i + kAhead < n) __builtin_prefetch(data + off[order[i + kAhead]]);
      return !(id(order[i]) < id(order[i + 1]));
    });
    if (n > 0 && bad < n - 1) {
      const std::uint32_t a = order[bad], b = order[bad + 1];
      if (id(a) == id(b)) {
        const std::uint32_t later = std::max(a, b);
        fail(at(kIdBytes, off[later]), "id", "duplicate node id", "node", later, std::string(id(later)));
      }
      fail(at(kIdOrder, bad + 1), "ids.order", "node ids are not in increasing order");
    }
  }

  void meta(SnapshotMeta& meta) const {
    const std::uint64_t mb = count(kMeta);
    const std::uint64_t mo = entry(kMeta).offset;
    if (mb < kMetaFixed) fail(mo, "meta", "the meta section is too short");
    const auto* p = ptr<char>(kMeta);
    std::int32_t version = 0;
    std::uint32_t reserved = 0, buckets = 0, id_len = 0;
    std::memcpy(&version, p, 4);
    std::memcpy(&reserved, p + 4, 4);
    std::memcpy(&meta.taken_at, p + 8, 8);
    std::memcpy(&meta.activity.start, p + 16, 8);
    std::memcpy(&meta.activity.bucket_seconds, p + 24, 8);
    std::memcpy(&buckets, p + 32, 4);
    std::memcpy(&id_len, p + 36, 4);
    if (version != 1) fail(mo, "snapshot.version", "snapshot format version " + std::to_string(version) + ", expected 1");
    if (reserved != 0) fail(mo + 4, "meta.reserved", "must be 0");
    meta.version = 1;
    if (mb != kMetaFixed + std::uint64_t{id_len}) fail(mo + 36, "snapshot.id", "id length does not match the meta section size");
    meta.id.assign(p + kMetaFixed, id_len);
    if (invalid_utf8_at(meta.id) != std::string_view::npos || meta.id.find('\0') != std::string::npos)
      fail(mo + kMetaFixed, "snapshot.id", "not valid UTF-8 text without NUL bytes");
    if (!good_time(meta.taken_at)) fail(mo + 8, "snapshot.taken_at", "timestamp outside years 0000-9999");
    meta.activity.buckets = buckets;
    if (buckets > 0) {
      if (!good_time(meta.activity.start) || meta.activity.start == kNoTime)
        fail(mo + 16, "snapshot.activity.start", "timestamp missing or outside years 0000-9999");
      if (meta.activity.bucket_seconds < 1 || meta.activity.bucket_seconds > 1000000000)
        fail(mo + 24, "snapshot.activity.bucket_seconds", "must be from 1 to 1000000000");
      if (buckets > 1000000) fail(mo + 32, "snapshot.activity.buckets", "must be from 1 to 1000000");
    } else if (meta.activity.start != kNoTime || meta.activity.bucket_seconds != 0) {
      fail(mo + 16, "snapshot.activity", "an activity spec without buckets");
    }
  }

  // The first index in [0, count) where bad(i) holds, or count: parallel
  // over fixed blocks, the smallest failing index wins (the same error for
  // any thread count).
  template <class F>
  std::uint64_t first_bad(std::uint64_t count, F&& bad) const {
    constexpr std::uint64_t kBlock = 1 << 16;
    const auto blocks = static_cast<std::int64_t>((count + kBlock - 1) / kBlock);
    std::uint64_t first = count;
#pragma omp parallel for schedule(dynamic, 1) reduction(min : first) num_threads(resolve_threads(options_.threads))
    for (std::int64_t b = 0; b < blocks; ++b) {
      const std::uint64_t lo = static_cast<std::uint64_t>(b) * kBlock, hi = std::min(count, lo + kBlock);
      for (std::uint64_t i = lo; i < hi; ++i)
        if (bad(i)) {
          first = std::min(first, i);
          break;
        }
    }
    return first;
  }

  template <class T>
  void check_permutation(Section id, const T* order, std::uint64_t count, const char* what = "edge") const {
    std::vector<std::uint8_t> seen(count, 0);
    for (std::uint64_t i = 0; i < count; ++i) {
      const std::uint64_t x = order[i];
      if (x >= count || seen[x])
        fail(at(id, i), kInfo[id].name,
             std::string("not a permutation of the ") + what + "s (entry " + std::to_string(i) + " is " + std::to_string(x) + ")");
      seen[x] = 1;
    }
  }

 private:
  const std::string& path_;
  const LoadOptions& options_;
  const std::uint8_t* base_ = nullptr;
  std::uint64_t size_ = 0;
  std::shared_ptr<const Mapping> map_;
  FileHeader header_{};
  std::vector<SectionEntry> table_;
};

}  // namespace

Snapshot HsnapCodec::read(const std::string& path, const LoadOptions& options, std::shared_ptr<const Mapping> map,
                          std::uint32_t& identity) {
  Reader r(path, options, std::move(map));
  r.read_header();
  if (options.max_memory_bytes != 0) {
    const double projected = options.memory_model.bytes(r.nodes(), r.edges(), 0);
    if (projected > static_cast<double>(options.max_memory_bytes))
      throw ResourceLimitError(path + ": the run would need about " + std::to_string(static_cast<long long>(projected / 1e6)) +
                               " MB (" + std::to_string(r.nodes()) + " nodes, " + std::to_string(r.edges()) +
                               " edges), over the memory limit of " + std::to_string(options.max_memory_bytes) + " bytes");
  }
  r.check_checksums();
  identity = r.identity();
  const std::uint64_t n = r.nodes(), m = r.edges();
  Snapshot s;
  r.meta(s.meta_);
  for (Section id : {kKind, kType, kLabel, kCreated, kHasActivity}) r.expect_count(id, n);
  r.expect_count(kAttrOffsets, n + 1);
  r.expect_count(kActOffsets, n + 1);
  r.expect_count(kIdOffsets, n + 1);
  for (Section id : {kSrc, kDst, kEtype, kWeight, kFirstSeen, kLastSeen, kEdgeOrder}) r.expect_count(id, m);
  if (r.count(kActBucket) != r.count(kActValue))
    r.fail(r.entry(kActValue).offset, "activity_values", "holds " + std::to_string(r.count(kActValue)) + " values for " +
                                                             std::to_string(r.count(kActBucket)) + " buckets");
  s.type_names_ = r.pool(kTypeBytes, "node type", true, true);
  s.edge_type_names_ = r.pool(kEtypeBytes, "edge type", true, true);
  s.attr_keys_ = r.pool(kAttrKeyBytes, "attr key", false, true);
  s.attr_strings_ = r.pool(kAttrStringBytes, "attr string", false, false);
  r.release({kAttrKeyBytes, kAttrKeyOffsets, kAttrStringBytes, kAttrStringOffsets});
  s.ids_ = r.pool(kIdBytes, "node id", true, true);
  r.release({kIdBytes, kIdOffsets, kIdOrder});
  s.kind_ = r.column<NodeKind>(kKind);
  s.type_ = r.column<std::uint16_t>(kType);
  s.label_ = r.column<Label>(kLabel);
  s.created_ = r.column<Timestamp>(kCreated);
  s.attr_offsets_ = r.column<std::uint64_t>(kAttrOffsets);
  s.has_activity_ = r.column<std::uint8_t>(kHasActivity);
  s.act_offsets_ = r.column<std::uint64_t>(kActOffsets);
  // Activity in the layout the element sizes give (checked below).
  const std::uint32_t bucket_elem = r.entry(kActBucket).elem_bytes, value_elem = r.entry(kActValue).elem_bytes;
  s.act_layout_.bucket_bytes = static_cast<std::uint8_t>(bucket_elem);
  s.act_layout_.value_bytes = static_cast<std::uint8_t>(value_elem);
  if (bucket_elem == 1) s.act_bucket8_ = r.column<std::uint8_t>(kActBucket);
  else if (bucket_elem == 2) s.act_bucket16_ = r.column<std::uint16_t>(kActBucket);
  else s.act_bucket32_ = r.column<std::uint32_t>(kActBucket);
  if (value_elem == 2) s.act_value16_ = r.column<std::uint16_t>(kActValue);
  else s.act_value32_ = r.column<float>(kActValue);
  s.src_ = r.column<NodeId>(kSrc);
  s.dst_ = r.column<NodeId>(kDst);
  s.etype_ = r.column<std::uint16_t>(kEtype);
  s.weight_ = r.column<double>(kWeight);
  s.first_seen_ = r.column<Timestamp>(kFirstSeen);
  s.last_seen_ = r.column<Timestamp>(kLastSeen);
  // Attrs: checked as bytes (the padding must be zero), then viewed.
  const std::uint64_t num_attrs = r.count(kAttrs);
  {
    const auto* raw = r.ptr<std::uint8_t>(kAttrs);
    const std::uint32_t keys = s.attr_keys_.size(), strings = s.attr_strings_.size();
    const std::uint64_t bad = r.first_bad(num_attrs, [&](std::uint64_t i) {
      const std::uint8_t* a = raw + 16 * i;
      std::uint32_t key = 0;
      std::uint64_t bits = 0;
      std::memcpy(&key, a, 4);
      std::memcpy(&bits, a + 8, 8);
      const std::uint8_t type = a[4];
      double d = 0.0;
      std::memcpy(&d, &bits, 8);
      return key >= keys || type > 3 || (a[5] | a[6] | a[7]) != 0 ||
             (type == static_cast<std::uint8_t>(AttrType::String) && bits >= strings) ||
             (type == static_cast<std::uint8_t>(AttrType::Bool) && bits > 1) ||
             (type == static_cast<std::uint8_t>(AttrType::Double) && !std::isfinite(d));
    });
    if (bad < num_attrs) r.fail(r.at(kAttrs, bad), "attrs", "attr #" + std::to_string(bad) + " has a bad key, type, padding or value");
    r.release({kAttrs});
    // The serialized layout is Attr's (static_assert above), with a valid
    // type byte and zero padding: the section is the column.
    s.attrs_ = r.column<Attr>(kAttrs);
  }
  // Checks read through a const model: a view is never copied on access.
  const Snapshot& c = s;
  const StringPool& types = c.type_names_;
  const std::uint32_t num_types = types.size();
  if (num_types > 0x10000) r.fail(r.entry(kTypeOffsets).offset, "node_types.offsets", "more than 65536 node types");
  if (c.edge_type_names_.size() > 0x10000) r.fail(r.entry(kEtypeOffsets).offset, "edge_types.offsets", "more than 65536 edge types");
  std::vector<NodeKind> kind_of(num_types);
  for (std::uint32_t t = 0; t < num_types; ++t) {
    if (!is_valid_type_name(types.get(t)))
      r.fail(r.at(kTypeBytes, types.offsets()[t]), "node_types.bytes",
             "node type \"" + std::string(types.get(t)) + "\" must match [a-z][a-z0-9_]*");
    kind_of[t] = kind_from_type(types.get(t));
  }
  const auto& attr_off = c.attr_offsets_;
  const auto& act_off = c.act_offsets_;
  auto node_name = [&](NodeId v) { return std::string(c.ids_.get(v)); };
  // Nodes: type, kind, label, created_at, offsets, activity.
  const std::uint32_t buckets = c.meta_.activity.buckets;
  const std::uint64_t act_count = r.count(kActBucket);
  {
    const std::uint64_t bad = r.first_bad(n, [&](std::uint64_t v) {
      const std::uint16_t t = c.type_[v];
      return t >= num_types || c.kind_[v] != kind_of[t] || static_cast<std::uint8_t>(c.label_[v]) > 3 ||
             (c.label_[v] != Label::Unknown && c.kind_[v] != NodeKind::Account) || !good_time(c.created_[v]) ||
             attr_off[v + 1] < attr_off[v] || act_off[v + 1] < act_off[v] || c.has_activity_[v] > 1 ||
             (c.has_activity_[v] == 0 && act_off[v + 1] != act_off[v]);
    });
    if (bad < n) {
      const auto v = static_cast<NodeId>(bad);
      const std::uint16_t t = c.type_[v];
      const std::string id = node_name(v);
      if (t >= num_types)
        r.fail(r.at(kType, v), "type", "type index " + std::to_string(t) + " >= " + std::to_string(num_types) + " types", "node", v, id);
      if (c.kind_[v] != kind_of[t])
        r.fail(r.at(kKind, v), "kind", "kind does not match the type \"" + std::string(types.get(t)) + "\"", "node", v, id);
      if (static_cast<std::uint8_t>(c.label_[v]) > 3)
        r.fail(r.at(kLabel, v), "label", "unknown label code " + std::to_string(static_cast<int>(c.label_[v])), "node", v, id);
      if (c.label_[v] != Label::Unknown) r.fail(r.at(kLabel, v), "label", "only accounts carry a label", "node", v, id);
      if (!good_time(c.created_[v])) r.fail(r.at(kCreated, v), "created_at", "timestamp outside years 0000-9999", "node", v, id);
      if (attr_off[v + 1] < attr_off[v]) r.fail(r.at(kAttrOffsets, v + 1), "attr_offsets", "offsets decrease", "node", v, id);
      if (act_off[v + 1] < act_off[v]) r.fail(r.at(kActOffsets, v + 1), "activity_offsets", "offsets decrease", "node", v, id);
      if (c.has_activity_[v] > 1) r.fail(r.at(kHasActivity, v), "has_activity", "must be 0 or 1", "node", v, id);
      r.fail(r.at(kActOffsets, v), "activity", "activity on a node without activity", "node", v, id);
    }
  }
  r.release({kKind, kType, kLabel, kCreated});
  if (attr_off[0] != 0 || attr_off[n] != num_attrs)
    r.fail(r.at(kAttrOffsets, attr_off[0] != 0 ? 0 : n), "attr_offsets", "must run from 0 to the attr count " + std::to_string(num_attrs));
  if (act_off[0] != 0 || act_off[n] != act_count)
    r.fail(r.at(kActOffsets, act_off[0] != 0 ? 0 : n), "activity_offsets",
           "must run from 0 to the activity entry count " + std::to_string(act_count));
  if (buckets == 0) {  // as the text readers: an `activity` array needs snapshot.activity
    const std::uint64_t v = r.first_bad(n, [&](std::uint64_t i) { return c.has_activity_[i] != 0; });
    if (v < n)
      r.fail(r.at(kHasActivity, v), "activity", "snapshot.activity is required when nodes have activity", "node", v,
             node_name(static_cast<NodeId>(v)));
  }
  r.release({kAttrOffsets, kHasActivity});
  // Buckets strictly increasing within a node and < buckets; values finite
  // and > 0; in the canonical layout (version 3; a version 2 file is
  // narrowed into it below).
  auto check_activity = [&](const auto* bk, const auto* xs) {
    const std::uint64_t bad = r.first_bad(n, [&](std::uint64_t v) {
      for (std::uint64_t i = act_off[v]; i < act_off[v + 1]; ++i) {
        const auto x = static_cast<float>(xs[i]);
        const std::uint32_t k = bk[i];
        if (k >= buckets || (i > act_off[v] && k <= static_cast<std::uint32_t>(bk[i - 1])) || !(x > 0.0f) || !std::isfinite(x))
          return true;
      }
      return false;
    });
    if (bad < n) {
      const auto v = static_cast<NodeId>(bad);
      std::uint64_t i = act_off[v];
      while (i < act_off[v + 1] && bk[i] < buckets && (i == act_off[v] || bk[i] > bk[i - 1])) ++i;
      if (i < act_off[v + 1])
        r.fail(r.at(kActBucket, i), "activity",
               "bucket " + std::to_string(static_cast<std::uint32_t>(bk[i])) + " out of range or not increasing", "node", v,
               node_name(v));
      r.fail(r.at(kActValue, act_off[v]), "activity", "activity values must be finite and > 0", "node", v, node_name(v));
    }
  };
  auto check_values = [&](const auto* bk) {
    if (value_elem == 2) check_activity(bk, c.act_value16_.data());
    else check_activity(bk, c.act_value32_.data());
  };
  if (bucket_elem == 1) check_values(c.act_bucket8_.data());
  else if (bucket_elem == 2) check_values(c.act_bucket16_.data());
  else check_values(c.act_bucket32_.data());
  const ActivityLayout canonical = s.canonical_activity_layout();
  if (r.version() >= 3) {
    // One layout per content (ActivityLayout): the writer never picks another.
    if (bucket_elem != canonical.bucket_bytes)
      r.fail(sizeof(FileHeader) + (kActBucket - 1) * sizeof(SectionEntry) + 4, "activity_buckets.elem_bytes",
             "element size " + std::to_string(bucket_elem) + " for " + std::to_string(buckets) + " buckets, expected " +
                 std::to_string(canonical.bucket_bytes));
    if (value_elem != canonical.value_bytes)
      r.fail(sizeof(FileHeader) + (kActValue - 1) * sizeof(SectionEntry) + 4, "activity_values.elem_bytes",
             "float32 values that are all whole numbers from 1 to 65535: the layout for them is uint16 (element size 2)");
  }
  r.release({kActOffsets, kActBucket, kActValue});
  if (!(canonical == s.act_layout_)) s.set_activity_layout(canonical);  // version 2: onto the heap
  // Edges.
  {
    const std::uint32_t etypes = c.edge_type_names_.size();
    const std::uint64_t bad = r.first_bad(m, [&](std::uint64_t e) {
      const NodeId u = c.src_[e], w = c.dst_[e];
      const double x = c.weight_[e];
      const Timestamp f = c.first_seen_[e], l = c.last_seen_[e];
      return u >= n || w >= n || u == w || c.etype_[e] >= etypes || !(x > 0.0) || !std::isfinite(x) || !good_time(f) ||
             !good_time(l) || (f != kNoTime && l != kNoTime && f > l);
    });
    if (bad < m) {
      const NodeId u = c.src_[bad], w = c.dst_[bad];
      const std::string name = u < n && w < n ? node_name(u) + " -> " + node_name(w) : std::string();
      if (u >= n) r.fail(r.at(kSrc, bad), "src", "node " + std::to_string(u) + " >= " + std::to_string(n) + " nodes", "edge", bad);
      if (w >= n) r.fail(r.at(kDst, bad), "dst", "node " + std::to_string(w) + " >= " + std::to_string(n) + " nodes", "edge", bad);
      if (u == w) r.fail(r.at(kDst, bad), "dst", "self-loop", "edge", bad, name);
      if (c.etype_[bad] >= etypes) r.fail(r.at(kEtype, bad), "edge_type", "type index out of range", "edge", bad, name);
      if (!(c.weight_[bad] > 0.0) || !std::isfinite(c.weight_[bad]))
        r.fail(r.at(kWeight, bad), "weight", "must be a positive finite number", "edge", bad, name);
      if (!good_time(c.first_seen_[bad])) r.fail(r.at(kFirstSeen, bad), "first_seen", "timestamp outside years 0000-9999", "edge", bad, name);
      if (!good_time(c.last_seen_[bad])) r.fail(r.at(kLastSeen, bad), "last_seen", "timestamp outside years 0000-9999", "edge", bad, name);
      r.fail(r.at(kLastSeen, bad), "last_seen", "is before first_seen", "edge", bad, name);
    }
    double total = 0.0;
    for (EdgeId e = 0; e < m; ++e) total += c.weight_[e];
    if (!(total <= kMaxTotalWeight))
      r.fail(r.entry(kWeight).offset, "weight", "the weights of all edges add up to more than 1e100, the limit");
    r.release({kWeight, kFirstSeen, kLastSeen});
  }
  // No duplicate (src, dst, type): edge_order lists the edges in strictly increasing key order.
  {
    auto check = [&](const auto* order) {
      r.check_permutation(kEdgeOrder, order, m);
      const NodeId* src = c.src_.data();
      const NodeId* dst = c.dst_.data();
      const std::uint16_t* et = c.etype_.data();
      auto key_less = [&](std::uint64_t a, std::uint64_t b) {
        if (src[a] != src[b]) return src[a] < src[b];
        if (dst[a] != dst[b]) return dst[a] < dst[b];
        return et[a] < et[b];
      };
      const std::uint64_t bad = r.first_bad(m > 0 ? m - 1 : 0, [&](std::uint64_t i) { return !key_less(order[i], order[i + 1]); });
      if (m > 0 && bad < m - 1) {
        const std::uint64_t a = order[bad], b = order[bad + 1];
        if (!key_less(b, a))
          r.fail(r.at(kEdgeOrder, bad + 1), "edge", "duplicate edge (same src, dst and type as edge #" + std::to_string(a) + ")", "edge", b,
                 node_name(c.src_[b]) + " -> " + node_name(c.dst_[b]));
        r.fail(r.at(kEdgeOrder, bad + 1), "edge_order", "edges are not in increasing (src, dst, type) order");
      }
    };
    if (r.entry(kEdgeOrder).elem_bytes == 8) check(r.ptr<std::uint64_t>(kEdgeOrder));
    else check(r.ptr<std::uint32_t>(kEdgeOrder));
    r.release({kEdgeOrder, kSrc, kDst, kEtype});
  }
  return s;
}

void write_hsnap(const Snapshot& snapshot, const std::string& path) { HsnapCodec::write(snapshot, path); }

bool is_hsnap_magic(std::string_view head) noexcept {
  return head.size() >= sizeof kMagic && std::memcmp(head.data(), kMagic, sizeof kMagic) == 0;
}

bool read_hsnap_counts(const std::string& path, std::uint64_t& nodes, std::uint64_t& edges, std::uint64_t& bytes) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) fail_file(path, std::string("cannot open: ") + std::strerror(errno));
  FileHeader h{};
  const ssize_t got = ::pread(fd, &h, sizeof h, 0);
  struct stat st {};
  const bool stat_ok = ::fstat(fd, &st) == 0;
  ::close(fd);
  if (got != static_cast<ssize_t>(sizeof h) || std::memcmp(h.magic, kMagic, sizeof kMagic) != 0) return false;
  nodes = h.nodes;
  edges = h.edges;
  bytes = stat_ok ? static_cast<std::uint64_t>(st.st_size) : h.file_bytes;
  return true;
}

Snapshot read_hsnap(const std::string& path, const LoadOptions& options, LoadReport& report, InputStream* in) {
  auto shared_map = std::make_shared<Mapping>();
  Mapping& map = *shared_map;
  std::vector<std::uint8_t>& buf = map.heap;
  std::size_t have = 0;
  auto grow = [&] {
    if (buf.size() - have < (std::size_t{1} << 16)) buf.resize(std::max<std::size_t>(buf.size() * 2, std::size_t{1} << 20));
  };
  auto too_big = [&](std::uint64_t size) {
    if (options.max_input_bytes != 0 && size > options.max_input_bytes)
      fail_file(path, "holds more than " + std::to_string(options.max_input_bytes) +
                          " bytes, the limit set by --max-input-bytes (LoadOptions.max_input_bytes)");
  };
  if (in != nullptr) {
    // A pipe or FIFO that load_snapshot opened to sniff the format: read
    // whole through it (opening a FIFO again would wait for another writer).
    if (in->gzip()) fail_file(path, "is gzip-compressed: a binary snapshot (.hsnap) is read as it is; decompress it first");
    for (;;) {
      grow();
      const std::size_t got = in->read(reinterpret_cast<char*>(buf.data()) + have, buf.size() - have);
      if (got == 0) break;
      have += got;
    }
  } else {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) fail_file(path, std::string("cannot open: ") + std::strerror(errno));
    struct Closer {
      int fd;
      ~Closer() { ::close(fd); }
    } closer{fd};
    struct stat st {};
    if (::fstat(fd, &st) != 0) fail_file(path, std::string("cannot stat: ") + std::strerror(errno));
    if (S_ISREG(st.st_mode)) {
      const auto size = static_cast<std::uint64_t>(st.st_size);
      too_big(size);
      if (size > 0) {
        // No MAP_POPULATE: that would make the whole file resident at once;
        // pages come in as the checks read them (the kernel maps several
        // per fault) and leave again after their crc (check_checksums).
        void* p = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (p == MAP_FAILED) fail_file(path, std::string("cannot map: ") + std::strerror(errno));
        map.data = static_cast<const std::uint8_t*>(p);
        map.size = size;
        map.mapped = true;
      }
    } else {
      // A pipe, FIFO or device named .hsnap: read whole from this descriptor.
      for (;;) {
        grow();
        const ssize_t got = ::read(fd, buf.data() + have, buf.size() - have);
        if (got < 0 && errno == EINTR) continue;
        if (got < 0) fail_file(path, std::string("cannot read: ") + std::strerror(errno));
        if (got == 0) break;
        have += static_cast<std::size_t>(got);
        too_big(have);
      }
    }
  }
  if (!map.mapped) {
    buf.resize(have);
    map.data = buf.data();
    map.size = have;
  }
  std::uint32_t identity = 0;
  const std::uint64_t size = map.size;
  const bool mapped = map.mapped;
  const std::uint8_t* const mapped_at = map.data;
  Snapshot s = HsnapCodec::read(path, options, std::move(shared_map), identity);
  if (mapped) {
    // Every page was read once (the crc32 of every section and the checks
    // above): unmap them from this process again. They stay in the page
    // cache and come back on the next read (a minor fault), so the resident
    // set holds only the columns the stages read, when they read them, not
    // the whole file from load to exit.
    (void)::madvise(const_cast<std::uint8_t*>(mapped_at), size, MADV_DONTNEED);
  }
  report.gzip = false;
  report.bytes_read = size;
  report.input_bytes = size;
  report.records = s.num_nodes() + s.num_edges();
  if (options.checksum) report.checksum = "hsnap-crc32:" + hex8(identity);
  return s;
}

}  // namespace io
}  // namespace hydrascope
