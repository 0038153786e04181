// Private plumbing of the readers: a chunked byte source over plain or gzip
// files, a block splitter at line boundaries, and the per-format entry points.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "hydrascope/error.hpp"
#include "hydrascope/io.hpp"

namespace hydrascope::io {

/// Longest line (NDJSON, edge list) or CSV record accepted: 64 MiB.
inline constexpr std::size_t kMaxLineBytes = std::size_t{64} << 20;
// Input limits (docs/reliability.md, "Limits"): past them a loader stops
// with an InputError naming the file, line or byte, record and field, so that
// an adversary's snapshot cannot make it use unbounded memory or stack.
/// Longest node id, edge src or dst, in bytes.
inline constexpr std::size_t kMaxIdBytes = 4096;
/// Most attrs on one node (JSON/NDJSON `attrs` keys, CSV attr columns).
inline constexpr std::size_t kMaxAttrs = 1024;
/// Deepest JSON nesting of objects and arrays, the document's root included.
inline constexpr std::size_t kMaxJsonDepth = 64;
/// The message of an id over kMaxIdBytes.
inline std::string id_too_long(std::size_t bytes) {
  return "is " + std::to_string(bytes) + " bytes long, over the limit of " + std::to_string(kMaxIdBytes) + " bytes";
}
/// Read granularity of InputStream consumers.
inline constexpr std::size_t kChunkBytes = std::size_t{4} << 20;

/// Throws InputError{file} with an empty field: I/O failures and whole-file problems.
[[noreturn]] void fail_file(const std::string& file, const std::string& message);

/// FNV-1a 64 offset basis: the checksum of no bytes.
inline constexpr std::uint64_t kFnvBasis = 0xcbf29ce484222325ULL;
/// "fnv1a64:<16 hex digits>".
[[nodiscard]] std::string checksum_text(std::uint64_t fnv);
/// Longest run of whitespace (space, tab, CR, LF) accepted anywhere in an
/// input: the same 64 MiB as a line. A gzip bomb of blanks stops here.
inline constexpr std::uint64_t kMaxBlankRun = std::uint64_t{64} << 20;

/// A byte source over a plain file or a gzip file (detected by its magic
/// bytes 1f 8b, whatever the name). Concatenated gzip members are read in
/// turn; a gzip stream that ends early is an InputError ("truncated gzip").
/// The file is read once, front to back (a pipe or FIFO works like a file);
/// with `checksum`, every raw byte read is hashed (FNV-1a 64) on the way, so
/// that the input checksum is that of the bytes parsed. InputErrors also for more than
/// `max_bytes` uncompressed bytes and for a run of more than kMaxBlankRun
/// whitespace bytes.
class InputStream {
 public:
  /// Opens `path`; throws InputError naming the file and errno's text.
  /// `max_bytes`: most uncompressed bytes handed out (0 = no limit);
  /// `checksum_seed`: FNV state to continue (another file's checksum(), so
  /// that the two files hash as one stream).
  /// `checksum`: hash the raw bytes (off: checksum() stays at the seed).
  explicit InputStream(std::string path, std::uint64_t max_bytes = 0, bool checksum = false,
                       std::uint64_t checksum_seed = kFnvBasis);
  ~InputStream();
  InputStream(const InputStream&) = delete;
  InputStream& operator=(const InputStream&) = delete;

  /// Reads up to `n` bytes into `dst`; 0 only at the end of the data.
  std::size_t read(char* dst, std::size_t n);
  /// The first `n` uncompressed bytes not yet read (fewer at the end of the
  /// data), without consuming them: read() hands them out again.
  std::string_view peek(std::size_t n);
  /// Reads the rest of the raw file (hashing it), so that checksum() and
  /// bytes_in() cover the whole file.
  void drain();
  /// FNV-1a 64 over every raw byte read from the file so far.
  [[nodiscard]] std::uint64_t checksum() const noexcept { return fnv_; }
  [[nodiscard]] bool gzip() const noexcept { return gzip_; }
  /// Uncompressed bytes handed out so far.
  [[nodiscard]] std::uint64_t bytes_out() const noexcept { return bytes_out_; }
  /// Bytes of the file consumed so far (for progress against file_size()).
  [[nodiscard]] std::uint64_t bytes_in() const noexcept { return bytes_in_; }
  /// Size of a regular file; 0 for a pipe, FIFO or device.
  [[nodiscard]] std::uint64_t file_size() const noexcept { return file_size_; }
  /// Size for a read buffer: the whole of a small plain file, 16 times a
  /// small gzip file (at least 64 KiB), else `cap` (a tiny input does not
  /// need a 4 MiB buffer; the fuzzers load thousands a second).
  [[nodiscard]] std::size_t buffer_size(std::size_t cap) const noexcept {
    if (file_size_ == 0 || file_size_ >= cap) return cap;
    if (!gzip_) return static_cast<std::size_t>(file_size_) + 1;
    return std::min(cap, std::max(static_cast<std::size_t>(file_size_) * 16, std::size_t{64} << 10));
  }
  [[nodiscard]] const std::string& path() const noexcept { return path_; }

 private:
  std::size_t read_raw(char* dst, std::size_t n);
  std::size_t read_fresh(char* dst, std::size_t n);
  void check_output(const char* p, std::size_t n);
  std::string path_;
  int fd_ = -1;
  bool gzip_ = false;
  bool eof_raw_ = false;
  bool stream_end_ = false;  // gzip: current member finished
  std::uint64_t bytes_out_ = 0, bytes_in_ = 0, file_size_ = 0, max_bytes_ = 0;
  std::uint64_t fnv_ = kFnvBasis;
  bool hash_ = false;
  std::uint64_t blank_run_ = 0;   // whitespace bytes at the end of what was produced
  std::string pending_;           // peeked bytes, handed out first
  std::size_t pending_at_ = 0;
  std::vector<unsigned char> zin_;  // compressed input buffer
  struct Z;
  std::unique_ptr<Z> z_;
};

/// Cuts an InputStream into blocks of whole lines (each block ends just after
/// a '\n', or at the end of the data). A UTF-8 byte-order mark at the start
/// is skipped. The block's bytes stay valid and writable until the next call.
class BlockReader {
 public:
  /// `target` = preferred block size; a line longer than `max_line` is an
  /// InputError naming its line number.
  BlockReader(InputStream& in, std::size_t target = kChunkBytes, std::size_t max_line = kMaxLineBytes);
  /// Next block, or false at the end. `first_line` = 1-based number of its
  /// first line, `offset` = byte offset of its first byte in the data.
  bool next(char*& data, std::size_t& size, std::uint64_t& first_line, std::uint64_t& offset);
  /// When set, blocks may also end inside a line (CSV does its own framing).
  void set_raw(bool raw) noexcept { raw_ = raw; }
  /// When set, the block returned by the previous call stays valid (and
  /// unchanged) during the next call and until the one after it.
  void set_double_buffered(bool on) noexcept { double_ = on; }

 private:
  InputStream& in_;
  std::size_t target_, max_line_;
  std::vector<char> bufs_[2];
  int cur_ = 0;
  bool double_ = false;
  std::vector<char>& buf() noexcept { return bufs_[cur_]; }
  std::size_t begin_ = 0, end_ = 0;  // pending bytes [begin_, end_) in buf_
  bool eof_ = false, started_ = false, raw_ = false, has_saved_ = false;
  char saved_ = 0;
  std::uint64_t line_ = 1, offset_ = 0;
};

/// Calls options.progress / checks options.cancel between blocks.
void report_progress(const LoadOptions& options, const InputStream& in);

// Timestamps in records: RFC 3339 string or integer Unix seconds.
/// Integer Unix seconds in years 0000..9999 to microseconds; false if out of range.
bool unix_seconds_to_timestamp(std::int64_t seconds, Timestamp& out) noexcept;
inline constexpr std::int64_t kMinUnixSeconds = -62167219200;  // 0000-01-01T00:00:00Z
inline constexpr std::int64_t kMaxUnixSeconds = 253402300799;  // 9999-12-31T23:59:59Z

// The readers (each returns the finished snapshot and fills `report`). The
// single-file readers read the stream `in` opened (and maybe peeked) by
// load_snapshot; the CSV reader opens its two files and sets the checksum.
Snapshot read_edge_list(const std::string& path, const LoadOptions& options, LoadReport& report, InputStream& in);
Snapshot read_ndjson(const std::string& path, const LoadOptions& options, LoadReport& report, InputStream& in);
/// A sharded snapshot's parts in manifest order (ndjson_reader.cpp); checks
/// each part's size, checksum and counts against the manifest.
Snapshot read_ndjson_parts(const SnapshotManifest& manifest, const LoadOptions& options, LoadReport& report);
Snapshot read_json(const std::string& path, const LoadOptions& options, LoadReport& report, InputStream& in);
Snapshot read_csv_pair(const std::string& path, const LoadOptions& options, LoadReport& report);
/// The binary snapshot (hsnap.cpp): a regular file is mapped; anything else
/// is read whole through `in` (opened by load_snapshot) or a stream of its own.
Snapshot read_hsnap(const std::string& path, const LoadOptions& options, LoadReport& report, InputStream* in);
void write_hsnap(const Snapshot& snapshot, const std::string& path);
/// Whether `head` starts with the .hsnap magic bytes.
[[nodiscard]] bool is_hsnap_magic(std::string_view head) noexcept;
/// Node and edge counts from a .hsnap header without reading the rest
/// (false when `path` is not a .hsnap); `bytes` = the file's size.
bool read_hsnap_counts(const std::string& path, std::uint64_t& nodes, std::uint64_t& edges, std::uint64_t& bytes);

/// Format by the path alone: CsvPair for a folder, else by extension
/// (after an optional .gz); Auto when the content must decide.
[[nodiscard]] SnapshotFormat format_by_name(const std::string& path);
/// Format by the first bytes of the (decompressed) content; InputError if it cannot be told.
[[nodiscard]] SnapshotFormat format_by_content(std::string_view head, const std::string& path);
/// Bytes of content that format_by_content() looks at.
inline constexpr std::size_t kSniffBytes = 64 * 1024;

}  // namespace hydrascope::io
