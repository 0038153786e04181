// Reading and writing snapshots in every format of docs/formats.md
// (JSON document, NDJSON stream, CSV pair, each optionally .gz) and plain
// whitespace edge lists (SNAP style). The only module that parses input.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "hydrascope/common.hpp"
#include "hydrascope/snapshot.hpp"

namespace hydrascope {

enum class SnapshotFormat : std::uint8_t {
  Auto,      ///< by extension, then by content
  Json,      ///< one JSON document (section 2)
  Ndjson,    ///< header line + one record per line (section 3)
  CsvPair,   ///< nodes.csv + edges.csv in one folder (section 4)
  EdgeList,  ///< `u v [weight]` per line, `#`/`%` comments
  Hsnap,     ///< binary snapshot (.hsnap): the model's columns, checksummed (docs/formats.md)
};

/// Default of LoadOptions::max_input_bytes (`--max-input-bytes`): 64 GiB
/// uncompressed per input file, about 40 times the 1,000,000-account world.
inline constexpr std::uint64_t kDefaultMaxInputBytes = std::uint64_t{64} << 30;

struct LoadOptions {
  SnapshotFormat format = SnapshotFormat::Auto;
  /// Most uncompressed bytes read from one input file (0 = no limit): past
  /// it the load stops with an InputError. A gzip bomb cannot run for long.
  std::uint64_t max_input_bytes = kDefaultMaxInputBytes;
  /// When non-zero, the load stops with ResourceLimitError (naming the file
  /// and the record) as soon as `memory_model` projects more than this.
  std::uint64_t max_memory_bytes = 0;
  MemoryModel memory_model;
  /// Hash the raw bytes as they are read (FNV-1a 64; LoadReport::checksum):
  /// the checksum of exactly the bytes parsed, read once (`run` records it).
  bool checksum = false;
  /// Worker threads for parsing (0 = OpenMP default). Output is identical for any count.
  int threads = 0;
  ProgressFn progress;  ///< called with stage "load", bytes done, bytes total (0 if unknown)
  CancelToken cancel;
  // Edge lists only:
  bool edge_list_directed_merge = true;  ///< u v and v u are one edge (weights combined as max)
};

struct LoadReport {
  SnapshotFormat format = SnapshotFormat::Auto;
  bool gzip = false;
  std::uint64_t bytes_read = 0;        ///< uncompressed bytes parsed
  std::uint64_t records = 0;           ///< nodes + edges read (before merging)
  std::uint64_t merged_edges = 0;      ///< duplicate edges folded into earlier ones
  std::uint64_t skipped_self_loops = 0;///< edge lists only (snapshots reject them)
  std::uint64_t input_bytes = 0;       ///< raw bytes of the input file(s), as read
  std::string checksum;                ///< with LoadOptions::checksum: "fnv1a64:<16 hex>" of those bytes (CSV: nodes then edges file)
  double seconds = 0.0;
};

/// Loads any supported input. `path` is a file, or a folder holding
/// nodes.csv[.gz] and edges.csv[.gz]. Throws InputError (with file, line or
/// byte offset, record and field) on bad data, std::system_error-free:
/// I/O failures are InputError too (field empty, message from errno).
[[nodiscard]] Snapshot load_snapshot(const std::string& path, const LoadOptions& options = {},
                                     LoadReport* report = nullptr);

/// Format chosen for `path` under Auto (without reading it all). Throws InputError if unknown.
[[nodiscard]] SnapshotFormat detect_format(const std::string& path);

/// A quick count of an input's records without parsing it, for memory
/// estimates (`hydrascope run --estimate`): the rows of a CSV pair, the
/// `"id"` and `"src"` keys of JSON and NDJSON (node and edge records), the
/// lines of an edge list (nodes then unknown: at most 2 per edge, counted as 1).
/// Approximate on purpose (a key inside a string counts); one pass at the
/// speed of memchr / inflate; I/O errors are InputError.
/// JSON and NDJSON also count the `"activity"` keys times the header's
/// `buckets` (an upper bound of the activity values held). Reads the input
/// once: a pipe cannot be loaded after it is counted.
struct RecordCount {
  SnapshotFormat format = SnapshotFormat::Auto;
  std::uint64_t nodes = 0;
  std::uint64_t edges = 0;
  std::uint64_t activity_values = 0;  ///< activity buckets of all nodes (JSON, NDJSON)
  std::uint64_t bytes = 0;  ///< uncompressed bytes scanned
};
[[nodiscard]] RecordCount count_records(const std::string& path, SnapshotFormat format = SnapshotFormat::Auto,
                                        std::uint64_t max_input_bytes = kDefaultMaxInputBytes);

struct WriteOptions {
  SnapshotFormat format = SnapshotFormat::Json;  ///< Json, Ndjson, CsvPair or Hsnap
  bool gzip = false;
  bool pretty = false;  ///< JSON only: one record per line, indented
  /// CSV pair only: a text cell that a spreadsheet would run as a formula
  /// (csv_formula_risk: = + - @ TAB CR) gets a leading ' (`--csv-guard all`).
  /// Off by default: nodes.csv / edges.csv are data and must load back exactly.
  bool guard_csv = false;
};

/// Writes the snapshot; `path` is a file (Json, Ndjson) or folder (CsvPair).
/// Atomic: written to a temporary name and renamed when complete.
void write_snapshot(const Snapshot& snapshot, const std::string& path, const WriteOptions& options);

/// A node as written by SnapshotWriter (views; nothing is copied).
struct NodeRecord {
  std::string_view id;
  std::string_view type;
  Label label = Label::Unknown;
  Timestamp created_at = kNoTime;
  std::span<const AttrInput> attrs;
  bool has_activity = false;  ///< write an `activity` array
  /// Non-zero buckets, increasing, and their values (dense array written,
  /// zeros filled): a Snapshot's row in any layout, or ActivityRow(buckets, values).
  ActivityRow activity;
};

/// An edge as written by SnapshotWriter.
struct EdgeRecord {
  std::string_view src;
  std::string_view dst;
  std::string_view type;
  double weight = 1.0;
  Timestamp first_seen = kNoTime;
  Timestamp last_seen = kNoTime;
};

/// Text of a CSV cell as a typed attr (the rule of nodes.csv attribute
/// columns, docs/formats.md section 4): `true`/`false` -> Bool, an integer
/// without leading zeros -> Int (Double instead when `allow_int` is false, for
/// columns whose type must not change from row to row), another plain decimal
/// number -> Double when finite, anything else -> String (views into `text`).
[[nodiscard]] AttrInput typed_attr(std::string_view key, std::string_view text, bool allow_int = true);

/// Attr `a` of `s` as writer input (views into `s`).
[[nodiscard]] inline AttrInput attr_input(const Snapshot& s, const Attr& a) {
  AttrInput in;
  in.key = s.attr_keys().get(a.key);
  in.type = a.type;
  switch (a.type) {
    case AttrType::String: in.text = s.attr_strings().get(a.as_string_id()); break;
    case AttrType::Int: in.integer = a.as_int(); break;
    case AttrType::Double: in.real = a.as_double(); break;
    case AttrType::Bool: in.boolean = a.as_bool(); break;
  }
  return in;
}

/// Node v of `s` as a record (views into `s`; `attrs` as given, since a
/// snapshot's attrs are interned and must be converted by the caller).
[[nodiscard]] inline NodeRecord node_record(const Snapshot& s, NodeId v, std::span<const AttrInput> attrs) {
  NodeRecord r;
  r.id = s.node_id(v);
  r.type = s.node_type(v);
  r.label = s.label(v);
  r.created_at = s.created_at(v);
  r.attrs = attrs;
  r.has_activity = s.has_activity(v);
  r.activity = s.activity(v);
  return r;
}

/// Edge e of `s` as a record (views into `s`).
[[nodiscard]] inline EdgeRecord edge_record(const Snapshot& s, EdgeId e) {
  EdgeRecord r;
  r.src = s.node_id(s.edge_src(e));
  r.dst = s.node_id(s.edge_dst(e));
  r.type = s.edge_type(e);
  r.weight = s.edge_weight(e);
  r.first_seen = s.first_seen(e);
  r.last_seen = s.last_seen(e);
  return r;
}

/// Streaming snapshot output in any format, record by record, in bounded
/// memory (the generator writes 10 M accounts through it). Nodes and edges
/// may be interleaved: NDJSON keeps the order given; the JSON document and
/// the CSV pair write nodes first and edges after (edges are spooled to a
/// temporary file). Output appears atomically at commit(); destroying the
/// writer without commit() leaves nothing behind. Strings are escaped for
/// the format; numbers are written in shortest round-trip form.
class SnapshotWriter {
 public:
  SnapshotWriter(std::string path, WriteOptions options);
  ~SnapshotWriter();
  SnapshotWriter(const SnapshotWriter&) = delete;
  SnapshotWriter& operator=(const SnapshotWriter&) = delete;
  /// Must be called once, before any record.
  void header(const SnapshotMeta& meta);
  void node(const NodeRecord& record);
  void edge(const EdgeRecord& record);
  void commit();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// A sharded snapshot (docs/formats.md, section 3a): a folder holding
/// `manifest.json` and NDJSON parts (optionally .gz), each part a complete
/// NDJSON stream with the same header line; read in manifest order, the parts
/// are one snapshot (an edge may name a node of another part).
struct SnapshotPart {
  std::string file;            ///< name inside the folder, e.g. part-00003.ndjson
  std::uint64_t nodes = 0;     ///< node records of the part
  std::uint64_t edges = 0;     ///< edge records of the part
  std::uint64_t bytes = 0;     ///< size of the file as stored (compressed when .gz)
  std::string checksum;        ///< "fnv1a64:<16 hex>" of the file as stored
};
struct SnapshotManifest {
  std::string folder;          ///< as given (no trailing '/')
  std::vector<SnapshotPart> parts;
  std::string checksum;        ///< "fnv1a64:<16 hex>" of manifest.json's bytes: the snapshot's checksum
  std::uint64_t manifest_bytes = 0;
  [[nodiscard]] std::string part_path(std::size_t i) const { return folder + "/" + parts[i].file; }
};
/// Name of the manifest file inside a sharded snapshot folder.
inline constexpr const char* kManifestName = "manifest.json";
/// Whether `path` is a folder holding manifest.json.
[[nodiscard]] bool is_sharded_snapshot(const std::string& path);
/// Reads and checks `folder`/manifest.json (InputError naming the manifest and
/// the field, e.g. `parts[2].checksum`, or a part file that is missing).
[[nodiscard]] SnapshotManifest read_manifest(const std::string& folder);
/// Checks part `i`'s stored size and checksum against the manifest
/// (InputError naming the part file). Reads the part once.
void verify_part(const SnapshotManifest& manifest, std::size_t i);
/// Writes `snapshot` as a folder of `parts` NDJSON parts (contiguous runs of
/// the records in the order write_snapshot writes them, nodes first, split by
/// record count) and the manifest, into a temporary folder renamed into
/// place. `gzip`: parts as .ndjson.gz. Refuses a folder that exists and is
/// not empty (std::invalid_argument).
void write_sharded_snapshot(const Snapshot& snapshot, const std::string& folder, int parts, bool gzip = false);

/// The whole (decompressed: plain or gzip) content of a file, at most
/// `max_bytes` (0 = no limit; past it an InputError). For the MPI launcher's parts.
[[nodiscard]] std::string read_input_file(const std::string& path, std::uint64_t max_bytes = kDefaultMaxInputBytes);
/// Whether the file starts with the gzip magic bytes (false when it cannot be read).
[[nodiscard]] bool is_gzip_file(const std::string& path);

/// One NDJSON line checked on its own, with the loader's checks and messages
/// (the MPI launcher parses its share of the lines with it; the checks that
/// need the whole snapshot -- duplicate ids, unknown endpoints, activity
/// length -- stay with SnapshotBuilder).
struct CheckedLine {
  enum class Kind : std::uint8_t { Blank, Header, Node, Edge } kind = Kind::Blank;
  std::string a, b;  ///< node: id, ""; edge: src, dst (decoded)
  SnapshotMeta meta; ///< Header only
};
/// Checks `line` (without its '\n'). `header_expected`: the first non-blank
/// line of a stream. Throws InputError at `file`:`line_no`, naming the
/// record (kind, `node_index`/`edge_index` among its kind) and the field.
[[nodiscard]] CheckedLine check_ndjson_line(std::string_view line, bool header_expected, const std::string& file,
                                            std::uint64_t line_no, std::uint64_t node_index, std::uint64_t edge_index);

/// Format implied by an output path's extension (.json, .ndjson/.jsonl, a
/// folder or edges.csv for CSV; optional .gz; .hsnap). Throws std::invalid_argument.
[[nodiscard]] WriteOptions write_options_for_path(const std::string& path);

[[nodiscard]] std::string_view to_string(SnapshotFormat format) noexcept;

/// RFC 3339 (`2026-02-20T00:00:00Z`, `...T01:02:03.25+05:30`) to microseconds UTC.
/// Returns false on anything else (no partial parse).
[[nodiscard]] bool parse_rfc3339(std::string_view text, Timestamp& out) noexcept;
/// Microseconds UTC to RFC 3339 in UTC with `Z`, fraction only when non-zero.
[[nodiscard]] std::string format_rfc3339(Timestamp t);

}  // namespace hydrascope
