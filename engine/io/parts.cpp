// Sharded snapshots (docs/formats.md, section 3a): a folder of NDJSON parts
// and manifest.json naming each part with its record counts, size and
// checksum. The writer cuts the records into contiguous runs (nodes first,
// as write_snapshot writes them), so that the parts read in manifest order
// are the same records in the same order as the single NDJSON file.
#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "hydrascope/atomic_file.hpp"
#include "io_internal.hpp"

namespace hydrascope {

namespace {

std::string strip_slashes(std::string p) {
  while (p.size() > 1 && p.back() == '/') p.pop_back();
  return p;
}

// FNV-1a 64 and size of a file's bytes as stored.
std::uint64_t file_fnv(const std::string& path, std::uint64_t& bytes) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) io::fail_file(path, std::string("cannot open: ") + std::strerror(errno));
  std::vector<unsigned char> buf(std::size_t{1} << 20);
  std::uint64_t h = io::kFnvBasis;
  bytes = 0;
  for (;;) {
    const std::size_t n = std::fread(buf.data(), 1, buf.size(), f);
    for (std::size_t i = 0; i < n; ++i) {
      h ^= buf[i];
      h *= 0x100000001b3ULL;
    }
    bytes += n;
    if (n < buf.size()) break;
  }
  const bool bad = std::ferror(f) != 0;
  std::fclose(f);
  if (bad) io::fail_file(path, "read error");
  return h;
}

bool valid_part_name(const std::string& name) {
  if (name.empty() || name == "." || name == ".." || name == kManifestName) return false;
  for (char c : name)
    if (c == '/' || c == '\0') return false;
  return true;
}

}  // namespace

bool is_sharded_snapshot(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) return false;
  return ::stat((strip_slashes(path) + "/" + kManifestName).c_str(), &st) == 0;
}

SnapshotManifest read_manifest(const std::string& folder) {
  SnapshotManifest m;
  m.folder = strip_slashes(folder);
  const std::string path = m.folder + "/" + kManifestName;
  std::uint64_t bytes = 0;
  const std::uint64_t fnv = file_fnv(path, bytes);
  if (bytes > (std::uint64_t{64} << 20)) io::fail_file(path, "is over 64 MiB: not a manifest");
  m.manifest_bytes = bytes;
  m.checksum = io::checksum_text(fnv);
  std::string text(bytes, '\0');
  {
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (f == nullptr || std::fread(text.data(), 1, text.size(), f) != text.size()) {
      if (f != nullptr) std::fclose(f);
      io::fail_file(path, "read error");
    }
    std::fclose(f);
  }
  rapidjson::Document d;
  d.Parse<rapidjson::kParseValidateEncodingFlag | rapidjson::kParseIterativeFlag>(text.data(), text.size());
  auto fail = [&](const std::string& field, const std::string& message) -> void {
    throw InputError(file_location(path, 0, field), message);
  };
  if (d.HasParseError()) {
    SourceLocation loc = file_location(path);
    loc.byte_offset = d.GetErrorOffset();
    throw InputError(std::move(loc), std::string("invalid JSON: ") + rapidjson::GetParseError_En(d.GetParseError()));
  }
  if (!d.IsObject()) fail("", "must be a JSON object");
  if (!d.HasMember("format") || !d["format"].IsString() || std::string(d["format"].GetString()) != "hydrascope.snapshot.parts")
    fail("format", "must be \"hydrascope.snapshot.parts\"");
  if (!d.HasMember("version") || !d["version"].IsInt() || d["version"].GetInt() != 1)
    fail("version", "must be the integer 1");
  if (!d.HasMember("parts") || !d["parts"].IsArray() || d["parts"].Empty()) fail("parts", "must be a non-empty array");
  const auto& parts = d["parts"];
  for (rapidjson::SizeType i = 0; i < parts.Size(); ++i) {
    const std::string at = "parts[" + std::to_string(i) + "]";
    const auto& p = parts[i];
    if (!p.IsObject()) fail(at, "must be an object");
    SnapshotPart part;
    if (!p.HasMember("file") || !p["file"].IsString() || !valid_part_name(p["file"].GetString()))
      fail(at + ".file", "must be a file name inside the folder (no '/')");
    part.file = p["file"].GetString();
    for (const char* key : {"nodes", "edges", "bytes"}) {
      if (!p.HasMember(key) || !p[key].IsUint64()) fail(at + "." + key, "must be a non-negative integer");
    }
    part.nodes = p["nodes"].GetUint64();
    part.edges = p["edges"].GetUint64();
    part.bytes = p["bytes"].GetUint64();
    if (!p.HasMember("checksum") || !p["checksum"].IsString() ||
        std::string_view(p["checksum"].GetString()).substr(0, 8) != "fnv1a64:" || p["checksum"].GetStringLength() != 24)
      fail(at + ".checksum", "must be \"fnv1a64:\" and 16 hex digits");
    part.checksum = p["checksum"].GetString();
    for (const SnapshotPart& q : m.parts)
      if (q.file == part.file) fail(at + ".file", "names " + part.file + " a second time");
    struct stat st {};
    if (::stat((m.folder + "/" + part.file).c_str(), &st) != 0 || !S_ISREG(st.st_mode))
      fail(at + ".file", m.folder + "/" + part.file + " is missing (or not a regular file)");
    m.parts.push_back(std::move(part));
  }
  return m;
}

std::string read_input_file(const std::string& path, std::uint64_t max_bytes) {
  io::InputStream in(path, max_bytes);
  std::string out;
  std::vector<char> buf(io::kChunkBytes);
  for (;;) {
    const std::size_t n = in.read(buf.data(), buf.size());
    if (n == 0) break;
    out.append(buf.data(), n);
  }
  return out;
}

bool is_gzip_file(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) return false;
  unsigned char m[2] = {0, 0};
  const bool gz = std::fread(m, 1, 2, f) == 2 && m[0] == 0x1f && m[1] == 0x8b;
  std::fclose(f);
  return gz;
}

void verify_part(const SnapshotManifest& m, std::size_t i) {
  std::uint64_t bytes = 0;
  const std::string path = m.part_path(i);
  const std::uint64_t fnv = file_fnv(path, bytes);
  const SnapshotPart& p = m.parts[i];
  if (bytes != p.bytes || io::checksum_text(fnv) != p.checksum)
    throw InputError(file_location(m.folder + "/" + kManifestName, 0, "parts[" + std::to_string(i) + "].checksum"),
                     p.file + " has " + std::to_string(bytes) + " bytes with checksum " + io::checksum_text(fnv) +
                         ", the manifest says " + std::to_string(p.bytes) + " bytes, " + p.checksum +
                         " (a part changed or was cut short)");
}

void write_sharded_snapshot(const Snapshot& s, const std::string& folder_in, int parts, bool gzip) {
  if (parts < 1) throw std::invalid_argument("--shards must be >= 1, got " + std::to_string(parts));
  const std::string folder = strip_slashes(folder_in);
  struct stat st {};
  if (::stat(folder.c_str(), &st) == 0) {
    if (!S_ISDIR(st.st_mode)) throw std::invalid_argument(folder + " exists and is not a folder");
    if (::rmdir(folder.c_str()) != 0)  // only an empty folder may be replaced
      throw std::invalid_argument(folder + " exists and is not empty: give a new folder for the parts");
  }
  const std::string tmp = create_temp_folder(folder + ".tmp-");
  try {
    const std::uint64_t records = std::uint64_t{s.num_nodes()} + s.num_edges();
    const auto n = static_cast<std::uint64_t>(parts);
    std::vector<SnapshotPart> out(static_cast<std::size_t>(parts));
    std::vector<AttrInput> attrs;
    for (std::uint64_t k = 0; k < n; ++k) {
      const std::uint64_t lo = records * k / n, hi = records * (k + 1) / n;
      char name[40];
      std::snprintf(name, sizeof name, "part-%05llu.ndjson%s", static_cast<unsigned long long>(k), gzip ? ".gz" : "");
      SnapshotPart& part = out[static_cast<std::size_t>(k)];
      part.file = name;
      WriteOptions wo;
      wo.format = SnapshotFormat::Ndjson;
      wo.gzip = gzip;
      SnapshotWriter w(tmp + "/" + part.file, wo);
      w.header(s.meta());
      for (std::uint64_t r = lo; r < hi; ++r) {
        if (r < s.num_nodes()) {
          const auto v = static_cast<NodeId>(r);
          attrs.clear();
          for (const Attr& a : s.attrs(v)) attrs.push_back(attr_input(s, a));
          w.node(node_record(s, v, attrs));
          ++part.nodes;
        } else {
          w.edge(edge_record(s, static_cast<EdgeId>(r - s.num_nodes())));
          ++part.edges;
        }
      }
      w.commit();
      part.checksum = io::checksum_text(file_fnv(tmp + "/" + part.file, part.bytes));
    }
    rapidjson::StringBuffer sb;
    rapidjson::Writer<rapidjson::StringBuffer> jw(sb);
    jw.StartObject();
    jw.Key("format");
    jw.String("hydrascope.snapshot.parts");
    jw.Key("version");
    jw.Int(1);
    jw.Key("nodes");
    jw.Uint64(s.num_nodes());
    jw.Key("edges");
    jw.Uint64(s.num_edges());
    jw.Key("parts");
    jw.StartArray();
    for (const SnapshotPart& p : out) {
      jw.StartObject();
      jw.Key("file");
      jw.String(p.file);
      jw.Key("nodes");
      jw.Uint64(p.nodes);
      jw.Key("edges");
      jw.Uint64(p.edges);
      jw.Key("bytes");
      jw.Uint64(p.bytes);
      jw.Key("checksum");
      jw.String(p.checksum);
      jw.EndObject();
    }
    jw.EndArray();
    jw.EndObject();
    std::string text(sb.GetString(), sb.GetSize());
    text += '\n';
    write_file_atomic(tmp + "/" + kManifestName, text);
    swap_folder_into_place(tmp, folder);
  } catch (...) {
    // Remove what was written (files first, then the folder).
    std::vector<std::string> names{kManifestName};
    for (int k = 0; k < parts; ++k) {
      char name[40];
      std::snprintf(name, sizeof name, "part-%05d.ndjson%s", k, gzip ? ".gz" : "");
      names.emplace_back(name);
    }
    for (const std::string& n : names) (void)std::remove((tmp + "/" + n).c_str());
    (void)::rmdir(tmp.c_str());
    throw;
  }
}

}  // namespace hydrascope
