// Format names and Auto detection: by extension (after an optional .gz),
// then by the first bytes of the (decompressed) content.
#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <string>
#include <vector>

#include "io_internal.hpp"

namespace hydrascope {

std::string_view to_string(SnapshotFormat format) noexcept {
  switch (format) {
    case SnapshotFormat::Auto: return "auto";
    case SnapshotFormat::Json: return "json";
    case SnapshotFormat::Ndjson: return "ndjson";
    case SnapshotFormat::CsvPair: return "csv";
    case SnapshotFormat::EdgeList: return "edgelist";
    case SnapshotFormat::Hsnap: return "hsnap";
  }
  return "unknown";
}

namespace {

bool ends_with(std::string_view s, std::string_view suffix) {
  if (s.size() < suffix.size()) return false;
  for (std::size_t i = 0; i < suffix.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(s[s.size() - suffix.size() + i])) != suffix[i]) return false;
  return true;
}

bool exists(const std::string& p) {
  struct stat st {};
  return ::stat(p.c_str(), &st) == 0;
}

}  // namespace

namespace io {

// Content sniffing on the first 64 KiB: '{' starts JSON. It is NDJSON when the
// first line is one complete object and more non-blank text follows it.
SnapshotFormat format_by_content(std::string_view head, const std::string& path) {
  if (is_hsnap_magic(head)) return SnapshotFormat::Hsnap;
  std::size_t i = 0;
  if (head.compare(0, 3, "\xEF\xBB\xBF") == 0) i = 3;
  while (i < head.size() && std::isspace(static_cast<unsigned char>(head[i]))) ++i;
  if (i == head.size()) io::fail_file(path, "is empty: cannot tell its format (give the format explicitly)");
  const char c = head[i];
  if (c == '{') {
    int depth = 0;
    bool in_string = false, escape = false;
    std::size_t j = i;
    for (; j < head.size() && head[j] != '\n'; ++j) {
      const char x = head[j];
      if (in_string) {
        if (escape) escape = false;
        else if (x == '\\') escape = true;
        else if (x == '"') in_string = false;
      } else if (x == '"') {
        in_string = true;
      } else if (x == '{' || x == '[') {
        ++depth;
      } else if (x == '}' || x == ']') {
        --depth;
      }
    }
    if (depth == 0 && j < head.size()) {
      for (std::size_t k = j; k < head.size(); ++k)
        if (!std::isspace(static_cast<unsigned char>(head[k]))) return SnapshotFormat::Ndjson;
    }
    return SnapshotFormat::Json;
  }
  if (c == '#' || c == '%' || std::isalnum(static_cast<unsigned char>(c))) return SnapshotFormat::EdgeList;
  io::fail_file(path, "cannot tell the format from the content (give the format explicitly)");
}

SnapshotFormat format_by_name(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) io::fail_file(path, "cannot open: no such file or directory");
  if (S_ISDIR(st.st_mode)) {
    if (is_sharded_snapshot(path)) return SnapshotFormat::Ndjson;  // NDJSON parts (section 3a)
    const std::string dir = path.empty() || path.back() == '/' ? path : path + "/";
    if (exists(dir + "edges.csv") || exists(dir + "edges.csv.gz") || exists(dir + "nodes.csv") ||
        exists(dir + "nodes.csv.gz"))
      return SnapshotFormat::CsvPair;
    io::fail_file(path, "is a folder without nodes.csv / edges.csv");
  }
  std::string_view name = path;
  if (ends_with(name, ".hsnap")) return SnapshotFormat::Hsnap;
  if (ends_with(name, ".gz")) name.remove_suffix(3);
  if (ends_with(name, ".json")) return SnapshotFormat::Json;
  if (ends_with(name, ".ndjson") || ends_with(name, ".jsonl")) return SnapshotFormat::Ndjson;
  if (ends_with(name, ".csv")) return SnapshotFormat::CsvPair;
  if (ends_with(name, ".edges") || ends_with(name, ".edgelist") || ends_with(name, ".el") ||
      ends_with(name, ".tsv") || ends_with(name, ".txt"))
    return SnapshotFormat::EdgeList;
  return SnapshotFormat::Auto;
}

}  // namespace io

SnapshotFormat detect_format(const std::string& path) {
  const SnapshotFormat by_name = io::format_by_name(path);
  if (by_name != SnapshotFormat::Auto) return by_name;
  io::InputStream in(path);
  return io::format_by_content(in.peek(io::kSniffBytes), path);
}

namespace {

// Counts '\n' and the occurrences of two needles over the whole (decompressed) file.
// With `json`, also the "activity" keys and the first "buckets" value (the
// activity length of the header), for the activity term of the estimate.
struct Scan {
  std::uint64_t lines = 0, a = 0, b = 0, activity = 0, buckets = 0, bytes = 0;
  bool ends_with_newline = true;
};

Scan scan(const std::string& path, std::string_view needle_a, std::string_view needle_b, std::uint64_t max_bytes,
          bool json = false) {
  io::InputStream in(path, max_bytes);
  Scan r;
  constexpr std::string_view kActivity = "\"activity\"", kBuckets = "\"buckets\"";
  bool have_buckets = false;
  const std::size_t keep = std::max({needle_a.size(), needle_b.size(), json ? kActivity.size() + 32 : 0});
  std::vector<char> buf(io::kChunkBytes + keep);
  std::size_t carry = 0;  // bytes kept from the previous chunk (a needle may straddle)
  auto count = [](std::string_view hay, std::string_view needle, std::size_t from) {
    std::uint64_t n = 0;
    if (needle.empty()) return n;
    for (std::size_t pos = hay.find(needle, 0); pos != std::string_view::npos; pos = hay.find(needle, pos + 1))
      if (pos + needle.size() > from) ++n;  // not already counted in the previous chunk
    return n;
  };
  for (;;) {
    const std::size_t got = in.read(buf.data() + carry, buf.size() - carry);
    if (got == 0) break;
    const std::string_view hay(buf.data(), carry + got);
    const std::string_view fresh = hay.substr(carry);
    for (const char* p = fresh.data(); (p = static_cast<const char*>(std::memchr(p, '\n', static_cast<std::size_t>(
                                            fresh.data() + fresh.size() - p)))) != nullptr;
         ++p)
      ++r.lines;
    r.a += count(hay, needle_a, carry);
    r.b += count(hay, needle_b, carry);
    if (json) {
      r.activity += count(hay, kActivity, carry);
      if (const std::size_t at = hay.find(kBuckets); !have_buckets && at != std::string_view::npos) {
        std::size_t i = at + kBuckets.size();
        while (i < hay.size() && (hay[i] == ' ' || hay[i] == ':' || hay[i] == '\t' || hay[i] == '\n' || hay[i] == '\r')) ++i;
        std::uint64_t v = 0;
        std::size_t digits = 0;
        for (; i < hay.size() && hay[i] >= '0' && hay[i] <= '9' && digits < 12; ++i, ++digits)
          v = v * 10 + static_cast<std::uint64_t>(hay[i] - '0');
        if (i < hay.size() && digits > 0) {  // a complete number (not cut by the chunk's end)
          r.buckets = v;
          have_buckets = true;
        }
      }
    }
    r.bytes += got;
    r.ends_with_newline = fresh.back() == '\n';
    carry = std::min(keep, hay.size());
    std::memmove(buf.data(), hay.data() + hay.size() - carry, carry);
  }
  if (!r.ends_with_newline) ++r.lines;
  return r;
}

}  // namespace

RecordCount count_records(const std::string& path, SnapshotFormat format, std::uint64_t max_input_bytes) {
  RecordCount c;
  if (is_sharded_snapshot(path)) {  // the parts' counts and sizes, from the manifest
    const SnapshotManifest m = read_manifest(path);
    c.format = SnapshotFormat::Ndjson;
    for (std::size_t i = 0; i < m.parts.size(); ++i) {
      const Scan sc = scan(m.part_path(i), "\"id\"", "\"src\"", max_input_bytes, true);
      c.nodes += sc.a;
      c.edges += sc.b;
      c.activity_values += sc.activity * sc.buckets;
      c.bytes += sc.bytes;
    }
    return c;
  }
  c.format = format == SnapshotFormat::Auto ? detect_format(path) : format;
  switch (c.format) {
    case SnapshotFormat::Hsnap: {
      if (!io::read_hsnap_counts(path, c.nodes, c.edges, c.bytes))
        io::fail_file(path, "not a hydrascope binary snapshot (bad magic bytes)");
      break;
    }
    case SnapshotFormat::CsvPair: {
      struct stat st {};
      std::string dir = path;
      if (::stat(path.c_str(), &st) == 0 && !S_ISDIR(st.st_mode)) {  // a path to edges.csv / nodes.csv
        const auto slash = dir.find_last_of('/');
        dir = slash == std::string::npos ? "." : dir.substr(0, slash);
      }
      if (!dir.empty() && dir.back() != '/') dir += '/';
      auto rows = [&](const std::string& name) -> std::uint64_t {
        const std::string p = exists(dir + name) ? dir + name : dir + name + ".gz";
        if (!exists(p)) return 0;
        const Scan s = scan(p, {}, {}, max_input_bytes);
        c.bytes += s.bytes;
        return s.lines > 0 ? s.lines - 1 : 0;  // header row (quoted newlines count as rows: an over-estimate)
      };
      c.nodes = rows("nodes.csv");
      c.edges = rows("edges.csv");
      break;
    }
    case SnapshotFormat::Json:
    case SnapshotFormat::Ndjson: {
      const Scan s = scan(path, "\"id\"", "\"src\"", max_input_bytes, true);
      c.nodes = s.a;
      c.edges = s.b;
      c.activity_values = s.activity * s.buckets;  // every array at the header's length (one count too many: the header's own key)
      c.bytes = s.bytes;
      break;
    }
    default: {
      const Scan s = scan(path, {}, {}, max_input_bytes);
      c.edges = s.lines;
      c.nodes = s.lines;
      c.bytes = s.bytes;
      break;
    }
  }
  return c;
}

}  // namespace hydrascope
