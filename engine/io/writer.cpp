// Snapshot output: SnapshotWriter streams records into a JSON document, an
// NDJSON stream or a CSV pair (each optionally gzip), atomically; write_snapshot
// drives it from a loaded Snapshot. The inverse of the readers in this folder.
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "hydrascope/strings.hpp"
#include "hydrascope/atomic_file.hpp"
#include "hydrascope/io.hpp"
#include "io_internal.hpp"

namespace hydrascope {

namespace {

constexpr std::size_t kFlushBytes = std::size_t{1} << 20;

bool ends_with_ci(std::string_view s, std::string_view suffix) {
  if (s.size() < suffix.size()) return false;
  for (std::size_t i = 0; i < suffix.size(); ++i) {
    char c = s[s.size() - suffix.size() + i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != suffix[i]) return false;
  }
  return true;
}

[[noreturn]] void fail_errno(const std::string& what, const std::string& path) {
  throw std::runtime_error("cannot " + what + " " + path + ": " + std::strerror(errno));
}

// ---------------------------------------------------------------------------
// Text formatting

// Appends `s` as a JSON string literal. Quotes, backslashes and control
// characters are escaped; other bytes (UTF-8) pass through unchanged.
void append_json_string(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  std::size_t run = 0;  // start of the pending unescaped run
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(s.data() + run, i - run);
    run = i + 1;
    switch (c) {
      case '"': out.append("\\\""); break;
      case '\\': out.append("\\\\"); break;
      case '\n': out.append("\\n"); break;
      case '\r': out.append("\\r"); break;
      case '\t': out.append("\\t"); break;
      case '\b': out.append("\\b"); break;
      case '\f': out.append("\\f"); break;
      default: {
        const char esc[6] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 15]};
        out.append(esc, 6);
      }
    }
  }
  out.append(s.data() + run, s.size() - run);
  out.push_back('"');
}


void append_int(std::string& out, std::int64_t v) {
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

// Shortest text that reads back to exactly `v`. With `keep_real`, a value
// with an integral shortest form gets ".0" so that readers keep it a double.
void append_double(std::string& out, double v, bool keep_real) {
  char buf[40];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
  if (keep_real && std::find_if(buf, r.ptr, [](char c) { return c == '.' || c == 'e' || c == 'n' || c == 'i'; }) == r.ptr)
    out.append(".0");
}

void append_float(std::string& out, float v) {
  char buf[32];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

void append_time_json(std::string& out, Timestamp t) {
  out.push_back('"');
  out.append(format_rfc3339(t));
  out.push_back('"');
}

// ---------------------------------------------------------------------------
// Byte sinks

// A file written atomically, optionally through gzip (deflate with a gzip
// wrapper, header mtime 0, so equal input gives equal bytes).
class Sink {
 public:
  Sink(std::string path, bool gzip) : file_(std::move(path)), gzip_(gzip) {
    if (gzip_) {
      if (deflateInit2(&z_, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        throw std::runtime_error("cannot start gzip compression for " + file_.path());
      zinit_ = true;
      zout_.resize(std::size_t{1} << 18);
    }
  }
  ~Sink() {
    if (zinit_) deflateEnd(&z_);
  }
  Sink(const Sink&) = delete;
  Sink& operator=(const Sink&) = delete;

  void write(std::string_view bytes) {
    if (!gzip_) {
      file_.write(bytes);
      return;
    }
    z_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
    z_.avail_in = static_cast<uInt>(bytes.size());
    pump(Z_NO_FLUSH);
  }
  void commit() {
    if (gzip_) {
      z_.next_in = nullptr;
      z_.avail_in = 0;
      pump(Z_FINISH);
    }
    file_.commit();
  }

 private:
  void pump(int flush) {
    for (;;) {
      z_.next_out = zout_.data();
      z_.avail_out = static_cast<uInt>(zout_.size());
      const int rc = deflate(&z_, flush);
      if (rc == Z_STREAM_ERROR) throw std::runtime_error("gzip compression failed for " + file_.path());
      const std::size_t have = zout_.size() - z_.avail_out;
      if (have > 0) file_.write(std::string_view(reinterpret_cast<const char*>(zout_.data()), have));
      if (flush == Z_FINISH ? rc == Z_STREAM_END : (z_.avail_in == 0 && z_.avail_out != 0)) break;
    }
  }
  AtomicFile file_;
  bool gzip_;
  z_stream z_{};
  bool zinit_ = false;
  std::vector<Bytef> zout_;
};

// A scratch file beside the output, without a name (so it vanishes with the
// process whatever happens), read back at commit.
class Spool {
 public:
  // Unnamed (O_TMPFILE) or created exclusively under a random name and
  // unlinked at once: never through a planted symlink.
  explicit Spool(const std::string& near) : path_(near + ".spool") { file_ = open_scratch_file(near); }
  ~Spool() {
    if (file_ != nullptr) std::fclose(file_);
  }
  Spool(const Spool&) = delete;
  Spool& operator=(const Spool&) = delete;
  void write(std::string_view bytes) {
    if (!bytes.empty() && std::fwrite(bytes.data(), 1, bytes.size(), file_) != bytes.size()) fail_errno("write", path_);
    size_ += bytes.size();
  }
  [[nodiscard]] std::uint64_t size() const noexcept { return size_; }
  /// Calls fn(chunk) over the whole content, from the start.
  template <class Fn>
  void replay(Fn&& fn) {
    if (std::fflush(file_) != 0) fail_errno("write", path_);
    std::rewind(file_);
    std::vector<char> buf(std::size_t{1} << 20);
    std::uint64_t left = size_;
    while (left > 0) {
      const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(left, buf.size()));
      const std::size_t got = std::fread(buf.data(), 1, want, file_);
      if (got == 0) fail_errno("read back", path_);
      fn(std::string_view(buf.data(), got));
      left -= got;
    }
  }

 private:
  std::string path_;
  std::FILE* file_ = nullptr;
  std::uint64_t size_ = 0;
};

// A sink with a write buffer in front.
class BufferedSink {
 public:
  BufferedSink(std::string path, bool gzip) : sink_(std::move(path), gzip) { buf_.reserve(kFlushBytes + 4096); }
  std::string& buf() noexcept { return buf_; }
  void maybe_flush() {
    if (buf_.size() >= kFlushBytes) flush();
  }
  void flush() {
    sink_.write(buf_);
    buf_.clear();
  }
  void write_through(std::string_view bytes) {
    flush();
    sink_.write(bytes);
  }
  void commit() {
    flush();
    sink_.commit();
  }

 private:
  Sink sink_;
  std::string buf_;
};

std::string join_path(const std::string& dir, const std::string& name) {
  if (dir.empty()) return name;
  return dir.back() == '/' ? dir + name : dir + "/" + name;
}

bool is_directory(const std::string& p) {
  struct stat st {};
  return ::stat(p.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

}  // namespace

// ---------------------------------------------------------------------------
// The writer proper. Shared by SnapshotWriter (streaming, order unknown) and
// write_snapshot (nodes known to come first, attr keys known up front: no spooling).

namespace io {

class WriterCore {
 public:
  // A text cell of the CSV pair: exact, or guarded against spreadsheet formulas.
  void csv_cell(std::string& b, std::string_view text) const {
    if (opt_.guard_csv) append_guarded_csv_field(b, text);
    else append_csv_field(b, text);
  }
  WriterCore(std::string path, WriteOptions options) : path_(std::move(path)), opt_(options) {
    if (opt_.format != SnapshotFormat::Json && opt_.format != SnapshotFormat::Ndjson &&
        opt_.format != SnapshotFormat::CsvPair)
      throw std::invalid_argument("WriteOptions.format must be json, ndjson or csv, got " +
                                  std::string(to_string(opt_.format)));
    if (path_.empty()) throw std::invalid_argument("output path is empty");
    if (opt_.format != SnapshotFormat::Json) opt_.pretty = false;  // JSON document only
    if (opt_.format == SnapshotFormat::CsvPair) {
      // `path` is the folder, or its edges.csv / nodes.csv file.
      std::string dir = path_;
      for (std::string_view f : {"edges.csv.gz", "nodes.csv.gz", "edges.csv", "nodes.csv"}) {
        if (ends_with_ci(dir, f) && (dir.size() == f.size() || dir[dir.size() - f.size() - 1] == '/')) {
          dir.resize(dir.size() - f.size());
          if (dir.empty()) dir = ".";
          break;
        }
      }
      while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
      if (!is_directory(dir)) {
        if (::mkdir(dir.c_str(), 0777) != 0) fail_errno("create folder", dir);
        created_dir_ = dir;
      }
      dir_ = dir;
      const std::string ext = opt_.gzip ? ".csv.gz" : ".csv";
      nodes_out_.emplace(join_path(dir_, "nodes" + ext), opt_.gzip);
      edges_out_.emplace(join_path(dir_, "edges" + ext), opt_.gzip);
    } else {
      out_.emplace(path_, opt_.gzip);
    }
  }

  ~WriterCore() {
    if (!committed_) {
      // Close (and so remove) the temporaries, then the folder we made.
      out_.reset();
      nodes_out_.reset();
      edges_out_.reset();
      snap_out_.reset();
      act_out_.reset();
      if (!created_dir_.empty()) ::rmdir(created_dir_.c_str());
    }
  }

  /// Promise that every node has been given (write_snapshot): edges then go
  /// straight to the output instead of a spool.
  void nodes_complete() {
    if (opt_.format == SnapshotFormat::Json && edges_spool_ == nullptr && !nodes_closed_) close_nodes_array();
  }
  /// Attr columns known up front (CSV): nodes are written directly, no spool.
  void set_csv_columns(std::vector<std::string> keys) {
    if (opt_.format != SnapshotFormat::CsvPair || header_written_csv_ || node_spool_ != nullptr) return;
    for (auto& k : keys) column_of(k);
    write_csv_node_header();
  }

  void header(const SnapshotMeta& meta) {
    if (committed_) throw std::logic_error("SnapshotWriter: header after commit");
    if (has_header_) throw std::logic_error("SnapshotWriter: header given twice");
    has_header_ = true;
    meta_ = meta;
    switch (opt_.format) {
      case SnapshotFormat::Json: {
        std::string& b = out_->buf();
        b.append(opt_.pretty ? "{\n  \"format\": \"hydrascope.snapshot\",\n  \"version\": "
                             : "{\"format\":\"hydrascope.snapshot\",\"version\":");
        append_int(b, meta_.version);
        if (has_snapshot_object()) {
          b.append(opt_.pretty ? ",\n  \"snapshot\": " : ",\"snapshot\":");
          append_snapshot_object(b);
        }
        b.append(opt_.pretty ? ",\n  \"nodes\": [" : ",\"nodes\":[");
        break;
      }
      case SnapshotFormat::Ndjson: {
        std::string& b = out_->buf();
        b.append("{\"format\":\"hydrascope.snapshot\",\"version\":");
        append_int(b, meta_.version);
        if (has_snapshot_object()) {
          b.append(",\"snapshot\":");
          append_snapshot_object(b);
        }
        b.append("}\n");
        break;
      }
      default: csv_header(); break;  // snapshot.csv and activity.csv beside the pair, when needed
    }
  }

  void node(const NodeRecord& r) {
    check_open();
    check_node(r);
    switch (opt_.format) {
      case SnapshotFormat::Json: {
        if (nodes_closed_) throw std::logic_error("SnapshotWriter: node after nodes_complete()");
        std::string& b = out_->buf();
        if (nodes_ > 0) b.push_back(',');
        if (opt_.pretty) b.append("\n    ");
        append_node_json(b, r, false);
        out_->maybe_flush();
        break;
      }
      case SnapshotFormat::Ndjson: {
        std::string& b = out_->buf();
        append_node_json(b, r, true);
        b.push_back('\n');
        out_->maybe_flush();
        break;
      }
      default:
        csv_node(r);
        csv_activity(r);
        break;
    }
    ++nodes_;
  }

  void edge(const EdgeRecord& r) {
    check_open();
    if (!std::isfinite(r.weight) || r.weight <= 0)
      throw std::invalid_argument("edge " + std::string(r.src) + " -> " + std::string(r.dst) +
                                  ": weight must be a positive finite number");
    switch (opt_.format) {
      case SnapshotFormat::Json: {
        if (nodes_closed_) {
          std::string& b = out_->buf();
          if (edges_ > 0) b.push_back(',');
          if (opt_.pretty) b.append("\n    ");
          append_edge_json(b, r, false);
          out_->maybe_flush();
        } else {
          if (edges_spool_ == nullptr) edges_spool_ = std::make_unique<Spool>(path_);
          if (edges_ > 0) scratch_.push_back(',');
          if (opt_.pretty) scratch_.append("\n    ");
          append_edge_json(scratch_, r, false);
          if (scratch_.size() >= kFlushBytes) flush_scratch();
        }
        break;
      }
      case SnapshotFormat::Ndjson: {
        std::string& b = out_->buf();
        append_edge_json(b, r, true);
        b.push_back('\n');
        out_->maybe_flush();
        break;
      }
      default: {
        std::string& b = edges_out_->buf();
        if (edges_ == 0) b.append("src,dst,type,weight,first_seen,last_seen\r\n");
        csv_cell(b, r.src);
        b.push_back(',');
        csv_cell(b, r.dst);
        b.push_back(',');
        csv_cell(b, r.type);
        b.push_back(',');
        append_double(b, r.weight, false);
        b.push_back(',');
        if (r.first_seen != kNoTime) b.append(format_rfc3339(r.first_seen));
        b.push_back(',');
        if (r.last_seen != kNoTime) b.append(format_rfc3339(r.last_seen));
        b.append("\r\n");
        edges_out_->maybe_flush();
        break;
      }
    }
    ++edges_;
  }

  void commit() {
    if (committed_) throw std::logic_error("SnapshotWriter: commit twice");
    if (!has_header_) throw std::logic_error("SnapshotWriter: commit without header");
    switch (opt_.format) {
      case SnapshotFormat::Json: {
        if (!nodes_closed_) close_nodes_array();
        if (edges_spool_ != nullptr) {
          flush_scratch();
          out_->flush();
          edges_spool_->replay([&](std::string_view chunk) { out_->write_through(chunk); });
          edges_spool_.reset();
        }
        std::string& b = out_->buf();
        b.append(opt_.pretty ? (edges_ > 0 ? "\n  ]\n}\n" : "]\n}\n") : "]}\n");
        out_->commit();
        break;
      }
      case SnapshotFormat::Ndjson: out_->commit(); break;
      default: {
        if (!header_written_csv_) write_csv_node_header();
        if (node_spool_ != nullptr) replay_csv_nodes();
        if (edges_ == 0) edges_out_->buf().append("src,dst,type,weight,first_seen,last_seen\r\n");
        nodes_out_->commit();
        edges_out_->commit();
        if (snap_out_) snap_out_->commit();
        if (act_out_) act_out_->commit();
        // A snapshot.csv or activity.csv of an earlier snapshot in this folder
        // (or the other compression of one written now) would be read with
        // this pair: take it away.
        for (const char* part : {"snapshot.csv", "activity.csv"}) {
          const bool written = std::string_view(part) == "snapshot.csv" ? snap_out_.has_value() : act_out_.has_value();
          for (const bool gz : {false, true}) {
            if (written && gz == opt_.gzip) continue;
            const std::string stale = join_path(dir_, std::string(part) + (gz ? ".gz" : ""));
            if (::unlink(stale.c_str()) != 0 && errno != ENOENT) fail_errno("remove the stale", stale);
          }
        }
        break;
      }
    }
    committed_ = true;
  }

 private:
  void check_open() const {
    if (!has_header_) throw std::logic_error("SnapshotWriter: header() must come before any record");
    if (committed_) throw std::logic_error("SnapshotWriter: record after commit");
  }

  void check_node(const NodeRecord& r) const {
    if (r.id.empty()) throw std::invalid_argument("node with an empty id");
    if (r.activity.size() != r.activity.value_count())
      throw std::invalid_argument("node " + std::string(r.id) + ": activity buckets and values differ in length");
    if (r.has_activity && !meta_.activity.present())
      throw std::invalid_argument("node " + std::string(r.id) + " has activity but the header has no activity spec");
    std::uint32_t prev = 0;
    for (std::size_t i = 0; i < r.activity.size(); ++i) {
      const std::uint32_t k = r.activity.bucket(i);
      if (k >= meta_.activity.buckets || (i > 0 && k <= prev))
        throw std::invalid_argument("node " + std::string(r.id) + ": activity buckets must be increasing and < " +
                                    std::to_string(meta_.activity.buckets));
      if (!std::isfinite(r.activity.value(i)) || r.activity.value(i) < 0)
        throw std::invalid_argument("node " + std::string(r.id) + ": activity values must be finite and >= 0");
      prev = k;
    }
    for (const AttrInput& a : r.attrs)
      if (a.type == AttrType::Double && !std::isfinite(a.real))
        throw std::invalid_argument("node " + std::string(r.id) + ": attr " + std::string(a.key) + " is not finite");
  }

  [[nodiscard]] bool has_snapshot_object() const {
    return !meta_.id.empty() || meta_.taken_at != kNoTime || meta_.activity.present();
  }

  void append_snapshot_object(std::string& b) const {
    const std::string_view colon = opt_.pretty ? ": " : ":";
    const std::string_view comma = opt_.pretty ? ", " : ",";
    std::string_view sep;
    b.push_back('{');
    if (!meta_.id.empty()) {
      b.append("\"id\"").append(colon);
      append_json_string(b, meta_.id);
      sep = comma;
    }
    if (meta_.taken_at != kNoTime) {
      b.append(sep).append("\"taken_at\"").append(colon);
      append_time_json(b, meta_.taken_at);
      sep = comma;
    }
    if (meta_.activity.present()) {
      // `start` is optional (absent = unknown): written only when known.
      b.append(sep).append("\"activity\"").append(colon).append("{");
      if (meta_.activity.start != kNoTime) {
        b.append("\"start\"").append(colon);
        append_time_json(b, meta_.activity.start);
        b.append(comma);
      }
      b.append("\"bucket_seconds\"").append(colon);
      append_int(b, meta_.activity.bucket_seconds);
      b.append(comma).append("\"buckets\"").append(colon);
      append_int(b, meta_.activity.buckets);
      b.push_back('}');
    }
    b.push_back('}');
  }

  void append_node_json(std::string& b, const NodeRecord& r, bool kind) const {
    const char* colon = opt_.pretty ? ": " : ":";
    const char* comma = opt_.pretty ? ", " : ",";
    b.push_back('{');
    if (kind) b.append("\"kind\":\"node\",");
    b.append("\"id\"").append(colon);
    append_json_string(b, r.id);
    b.append(comma).append("\"type\"").append(colon);
    append_json_string(b, r.type);
    if (r.label != Label::Unknown) {
      b.append(comma).append("\"label\"").append(colon);
      append_json_string(b, to_string(r.label));
    }
    if (r.created_at != kNoTime) {
      b.append(comma).append("\"created_at\"").append(colon);
      append_time_json(b, r.created_at);
    }
    if (r.has_activity) {
      b.append(comma).append("\"activity\"").append(colon).push_back('[');
      std::size_t next = 0;
      for (std::uint32_t k = 0; k < meta_.activity.buckets; ++k) {
        if (k > 0) b.append(comma);
        if (next < r.activity.size() && r.activity.bucket(next) == k) {
          append_float(b, r.activity.value(next));
          ++next;
        } else {
          b.push_back('0');
        }
      }
      b.push_back(']');
    }
    if (!r.attrs.empty()) {
      b.append(comma).append("\"attrs\"").append(colon).push_back('{');
      bool first = true;
      for (const AttrInput& a : r.attrs) {
        if (!first) b.append(comma);
        first = false;
        append_json_string(b, a.key);
        b.append(colon);
        switch (a.type) {
          case AttrType::String: append_json_string(b, a.text); break;
          case AttrType::Int: append_int(b, a.integer); break;
          case AttrType::Double: append_double(b, a.real, true); break;
          case AttrType::Bool: b.append(a.boolean ? "true" : "false"); break;
        }
      }
      b.push_back('}');
    }
    b.push_back('}');
  }

  void append_edge_json(std::string& b, const EdgeRecord& r, bool kind) const {
    const char* colon = opt_.pretty ? ": " : ":";
    const char* comma = opt_.pretty ? ", " : ",";
    b.push_back('{');
    if (kind) b.append("\"kind\":\"edge\",");
    b.append("\"src\"").append(colon);
    append_json_string(b, r.src);
    b.append(comma).append("\"dst\"").append(colon);
    append_json_string(b, r.dst);
    b.append(comma).append("\"type\"").append(colon);
    append_json_string(b, r.type);
    if (r.weight != 1.0) {
      b.append(comma).append("\"weight\"").append(colon);
      append_double(b, r.weight, false);
    }
    if (r.first_seen != kNoTime) {
      b.append(comma).append("\"first_seen\"").append(colon);
      append_time_json(b, r.first_seen);
    }
    if (r.last_seen != kNoTime) {
      b.append(comma).append("\"last_seen\"").append(colon);
      append_time_json(b, r.last_seen);
    }
    b.push_back('}');
  }

  void close_nodes_array() {
    std::string& b = out_->buf();
    b.append(opt_.pretty ? (nodes_ > 0 ? "\n  ],\n  \"edges\": [" : "],\n  \"edges\": [") : "],\"edges\":[");
    nodes_closed_ = true;
  }

  void flush_scratch() {
    if (edges_spool_ != nullptr && !scratch_.empty()) edges_spool_->write(scratch_);
    scratch_.clear();
  }

  // --- CSV ------------------------------------------------------------------
  // nodes.csv columns: id,type,label,created_at, then one column per attr key
  // in order of first appearance. In streaming mode the keys are known only
  // at the end, so nodes are spooled (fixed part as CSV text, attrs as
  // (column, CSV text) pairs) and written after the header at commit.

  std::uint32_t column_of(std::string_view key) {
    auto it = columns_.find(key);
    if (it != columns_.end()) return it->second;
    if (key == "id" || key == "type" || key == "label" || key == "created_at")
      throw std::invalid_argument("attr key \"" + std::string(key) +
                                  "\" cannot be written to CSV: it names a fixed nodes.csv column");
    const auto c = static_cast<std::uint32_t>(column_names_.size());
    column_names_.emplace_back(key);
    columns_.emplace(std::string(key), c);
    return c;
  }

  void write_csv_node_header() {
    std::string& b = nodes_out_->buf();
    b.append("id,type,label,created_at");
    for (const auto& k : column_names_) {
      b.push_back(',');
      csv_cell(b, k);
    }
    b.append("\r\n");
    header_written_csv_ = true;
  }

  void append_attr_csv(std::string& b, const AttrInput& a) const {
    switch (a.type) {
      case AttrType::String: csv_cell(b, a.text); break;
      case AttrType::Int: append_int(b, a.integer); break;
      case AttrType::Double: append_double(b, a.real, true); break;
      case AttrType::Bool: b.append(a.boolean ? "true" : "false"); break;
    }
  }

  void append_csv_fixed(std::string& b, const NodeRecord& r) {
    csv_cell(b, r.id);
    b.push_back(',');
    csv_cell(b, r.type);
    b.push_back(',');
    if (r.label != Label::Unknown) b.append(to_string(r.label));
    b.push_back(',');
    if (r.created_at != kNoTime) b.append(format_rfc3339(r.created_at));
  }

  void csv_node(const NodeRecord& r) {
    if (header_written_csv_) {
      // Direct: columns are fixed; every attr key must be one of them.
      std::string& b = nodes_out_->buf();
      append_csv_fixed(b, r);
      cells_.assign(column_names_.size(), std::string());
      for (const AttrInput& a : r.attrs) {
        auto it = columns_.find(a.key);
        if (it == columns_.end())
          throw std::invalid_argument("node " + std::string(r.id) + ": attr \"" + std::string(a.key) +
                                      "\" is not among the declared CSV columns");
        append_attr_csv(cells_[it->second], a);
      }
      for (std::size_t c = 0; c < cells_.size(); ++c) {
        b.push_back(',');
        b.append(cells_[c]);
      }
      b.append("\r\n");
      nodes_out_->maybe_flush();
      return;
    }
    if (node_spool_ == nullptr) node_spool_ = std::make_unique<Spool>(join_path(dir_, "nodes.csv"));
    std::string fixed;
    append_csv_fixed(fixed, r);
    put_u32(scratch_, static_cast<std::uint32_t>(fixed.size()));
    scratch_.append(fixed);
    put_u32(scratch_, static_cast<std::uint32_t>(r.attrs.size()));
    for (const AttrInput& a : r.attrs) {
      put_u32(scratch_, column_of(a.key));
      std::string cell;
      append_attr_csv(cell, a);
      put_u32(scratch_, static_cast<std::uint32_t>(cell.size()));
      scratch_.append(cell);
    }
    if (scratch_.size() >= kFlushBytes) {
      node_spool_->write(scratch_);
      scratch_.clear();
    }
  }

  // snapshot.csv: the header (id, taken_at, the activity window) as one row,
  // when the snapshot has one; activity.csv's header row when it has activity.
  void csv_header() {
    const std::string ext = opt_.gzip ? ".csv.gz" : ".csv";
    if (has_snapshot_object()) {
      snap_out_.emplace(join_path(dir_, "snapshot" + ext), opt_.gzip);
      std::string& b = snap_out_->buf();
      b.append("id,taken_at,activity_start,activity_bucket_seconds,activity_buckets\r\n");
      append_csv_field(b, meta_.id);
      b.push_back(',');
      if (meta_.taken_at != kNoTime) b.append(format_rfc3339(meta_.taken_at));
      b.push_back(',');
      if (meta_.activity.start != kNoTime) b.append(format_rfc3339(meta_.activity.start));
      b.push_back(',');
      if (meta_.activity.present()) append_int(b, meta_.activity.bucket_seconds);
      b.push_back(',');
      if (meta_.activity.present()) append_int(b, meta_.activity.buckets);
      b.append("\r\n");
    }
    if (meta_.activity.present()) {
      act_out_.emplace(join_path(dir_, "activity" + ext), opt_.gzip);
      act_out_->buf().append("id,bucket,requests\r\n");
    }
  }

  // activity.csv rows of a node: one per non-zero bucket; a node whose
  // activity is all zeros gets one row of 0 (so that it keeps its activity).
  void csv_activity(const NodeRecord& r) {
    if (!r.has_activity || !act_out_) return;
    std::string& b = act_out_->buf();
    auto row = [&](std::uint32_t bucket, float value) {
      append_csv_field(b, r.id);
      b.push_back(',');
      append_int(b, bucket);
      b.push_back(',');
      append_float(b, value);
      b.append("\r\n");
    };
    bool any = false;
    r.activity.for_each([&](std::uint32_t k, float x) {
      if (x == 0.0f) return;
      row(k, x);
      any = true;
    });
    if (!any) row(0, 0.0f);
    act_out_->maybe_flush();
  }

  static void put_u32(std::string& b, std::uint32_t v) { b.append(reinterpret_cast<const char*>(&v), 4); }

  void replay_csv_nodes() {
    node_spool_->write(scratch_);
    scratch_.clear();
    std::string pending;  // bytes of a record cut by a chunk boundary
    const std::size_t ncol = column_names_.size();
    std::vector<std::string_view> cell(ncol);
    node_spool_->replay([&](std::string_view chunk) {
      pending.append(chunk);
      std::size_t pos = 0;
      auto get_u32 = [&](std::size_t at, std::uint32_t& v) {
        if (at + 4 > pending.size()) return false;
        std::memcpy(&v, pending.data() + at, 4);
        return true;
      };
      for (;;) {
        // Parse one record if complete.
        std::size_t p = pos;
        std::uint32_t flen = 0, nattr = 0;
        if (!get_u32(p, flen) || p + 4 + flen > pending.size()) break;
        const std::string_view fixed(pending.data() + p + 4, flen);
        p += 4 + flen;
        if (!get_u32(p, nattr)) break;
        p += 4;
        std::fill(cell.begin(), cell.end(), std::string_view());
        bool complete = true;
        for (std::uint32_t i = 0; i < nattr; ++i) {
          std::uint32_t col = 0, len = 0;
          if (!get_u32(p, col) || !get_u32(p + 4, len) || p + 8 + len > pending.size()) {
            complete = false;
            break;
          }
          cell[col] = std::string_view(pending.data() + p + 8, len);
          p += 8 + len;
        }
        if (!complete) break;
        std::string& b = nodes_out_->buf();
        b.append(fixed);
        for (std::size_t c = 0; c < ncol; ++c) {
          b.push_back(',');
          b.append(cell[c]);
        }
        b.append("\r\n");
        nodes_out_->maybe_flush();
        pos = p;
      }
      pending.erase(0, pos);
    });
    if (!pending.empty()) throw std::runtime_error("internal: node spool ended inside a record");
    node_spool_.reset();
  }

  std::string path_;
  WriteOptions opt_;
  SnapshotMeta meta_;
  bool has_header_ = false, committed_ = false, nodes_closed_ = false, header_written_csv_ = false;
  std::uint64_t nodes_ = 0, edges_ = 0;
  std::optional<BufferedSink> out_, nodes_out_, edges_out_, snap_out_, act_out_;
  std::string dir_, created_dir_;
  std::unique_ptr<Spool> edges_spool_, node_spool_;
  std::string scratch_;
  std::map<std::string, std::uint32_t, std::less<>> columns_;
  std::vector<std::string> column_names_;
  std::vector<std::string> cells_;
};

}  // namespace io

// ---------------------------------------------------------------------------

struct SnapshotWriter::Impl {
  io::WriterCore core;
  Impl(std::string path, WriteOptions options) : core(std::move(path), options) {}
};

SnapshotWriter::SnapshotWriter(std::string path, WriteOptions options)
    : impl_(std::make_unique<Impl>(std::move(path), options)) {}
SnapshotWriter::~SnapshotWriter() = default;
void SnapshotWriter::header(const SnapshotMeta& meta) { impl_->core.header(meta); }
void SnapshotWriter::node(const NodeRecord& record) { impl_->core.node(record); }
void SnapshotWriter::edge(const EdgeRecord& record) { impl_->core.edge(record); }
void SnapshotWriter::commit() { impl_->core.commit(); }

void write_snapshot(const Snapshot& s, const std::string& path, const WriteOptions& options) {
  if (options.format == SnapshotFormat::Hsnap) {
    if (options.gzip) throw std::invalid_argument("a binary snapshot (.hsnap) is not compressed: it is read as it is");
    io::write_hsnap(s, path);
    return;
  }
  io::WriterCore w(path, options);
  w.header(s.meta());
  if (options.format == SnapshotFormat::CsvPair) {
    // Columns in order of first appearance among the nodes (the attr key
    // pool's order may include keys no node uses any more).
    std::vector<std::string> keys;
    std::vector<char> seen(s.attr_keys().size(), 0);
    for (NodeId v = 0; v < s.num_nodes(); ++v)
      for (const Attr& a : s.attrs(v))
        if (!seen[a.key]) {
          seen[a.key] = 1;
          keys.emplace_back(s.attr_keys().get(a.key));
        }
    w.set_csv_columns(std::move(keys));
  }
  std::vector<AttrInput> attrs;
  for (NodeId v = 0; v < s.num_nodes(); ++v) {
    attrs.clear();
    for (const Attr& a : s.attrs(v)) attrs.push_back(attr_input(s, a));
    w.node(node_record(s, v, attrs));
  }
  w.nodes_complete();
  for (EdgeId e = 0; e < s.num_edges(); ++e) w.edge(edge_record(s, e));
  w.commit();
}

WriteOptions write_options_for_path(const std::string& path) {
  if (path.empty()) throw std::invalid_argument("output path is empty");
  WriteOptions o;
  std::string_view name = path;
  if (name.back() == '/' || is_directory(path)) {
    o.format = SnapshotFormat::CsvPair;
    return o;
  }
  if (ends_with_ci(name, ".hsnap")) {
    o.format = SnapshotFormat::Hsnap;
    return o;
  }
  if (ends_with_ci(name, ".gz")) {
    o.gzip = true;
    name.remove_suffix(3);
  }
  if (ends_with_ci(name, ".json")) {
    o.format = SnapshotFormat::Json;
  } else if (ends_with_ci(name, ".ndjson") || ends_with_ci(name, ".jsonl")) {
    o.format = SnapshotFormat::Ndjson;
  } else if (ends_with_ci(name, "edges.csv") || ends_with_ci(name, "nodes.csv")) {
    o.format = SnapshotFormat::CsvPair;
  } else {
    const std::size_t slash = name.rfind('/');
    const std::string_view last = slash == std::string_view::npos ? name : name.substr(slash + 1);
    if (last.find('.') != std::string_view::npos || o.gzip)
      throw std::invalid_argument("cannot tell the output format from \"" + path +
                                  "\": use .json, .ndjson, .jsonl, a folder or edges.csv (optionally .gz), .hsnap, or --output-format");
    o.format = SnapshotFormat::CsvPair;  // a new folder
  }
  return o;
}

}  // namespace hydrascope
