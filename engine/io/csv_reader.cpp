// CSV pair reader (docs/formats.md section 4): RFC 4180 records (quoted
// fields, "" escapes, newlines inside quotes, CRLF), header row required,
// columns found by name. nodes.csv is read first, then edges.csv.
#include <sys/stat.h>

#include <cfloat>
#include <charconv>
#include <cmath>
#include <cstring>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "io_internal.hpp"
#include "utf8.hpp"

namespace hydrascope::io {

namespace {

// Reads RFC 4180 records from an InputStream. A record is first delimited
// (quote-aware scan for its end), then split with "" unescaped in place, so
// fields are views into the buffer valid until the next call.
class CsvRecords {
 public:
  CsvRecords(InputStream& in, const LoadOptions& options) : in_(in), options_(options) {
    buf_.resize(in.buffer_size(kChunkBytes) + 1);
  }

  /// Next record's fields; false at the end. `line` = its first line.
  bool next(std::vector<std::string_view>& fields, std::uint64_t& line) {
    for (;;) {
      // Skip blank lines (a lone CR counts as blank).
      while (true) {
        if (pos_ == end_ && !fill()) return false;
        if (pos_ < end_ && buf_[pos_] == '\n') {
          ++pos_;
          ++line_;
          continue;
        }
        if (pos_ + 1 < end_ && buf_[pos_] == '\r' && buf_[pos_ + 1] == '\n') {
          pos_ += 2;
          ++line_;
          continue;
        }
        if (pos_ + 1 == end_ && buf_[pos_] == '\r' && !eof_) {
          if (!fill()) return false;
          continue;
        }
        break;
      }
      if (pos_ == end_) return false;
      // Find the end of the record.
      std::size_t i = pos_;
      bool quoted = false, field_start = true, just_closed = false;
      std::uint64_t newlines = 0;
      std::uint64_t quote_line = 0;
      bool found = false;
      for (; i < end_; ++i) {
        const char c = buf_[i];
        if (quoted) {
          if (c == '"') {
            quoted = false;
            just_closed = true;
          } else if (c == '\n') {
            ++newlines;
          } else if (c == '\0') {
            fail_at(line_ + newlines, "", "NUL byte in the data");
          }
          continue;
        }
        if (c == '"') {
          // Opens a quoted field at its start, or is the second half of "".
          if (field_start || just_closed) {
            if (field_start) quote_line = line_ + newlines;
            quoted = true;
          }
          field_start = just_closed = false;
        } else if (c == '\n') {
          found = true;
          break;
        } else if (c == ',') {
          field_start = true;
          just_closed = false;
        } else if (c == '\0') {
          fail_at(line_ + newlines, "", "NUL byte in the data");
        } else {
          field_start = just_closed = false;
        }
      }
      if (!found && !eof_) {
        if (!fill()) {
          // fill() found the end: loop to finish with eof_ set.
        }
        continue;
      }
      if (!found && quoted)
        fail_at(quote_line, "", "unterminated quoted field (the quote opened on line " + std::to_string(quote_line) +
                                    " is never closed)");
      const std::size_t rec_end = i;  // index of '\n' or end_
      line = line_;
      split(pos_, rec_end, fields);
      for (std::size_t k = 0; k < fields.size(); ++k)  // fuzz finding: strings must be UTF-8 to be written as JSON
        if (const std::size_t bad = invalid_utf8_at(fields[k]); bad != std::string_view::npos)
          fail_at(line_, column(k),
                  "invalid UTF-8 at byte " + std::to_string(bad) + " of field " + std::to_string(k + 1));
      line_ += newlines + (found ? 1 : 0);
      pos_ = found ? rec_end + 1 : rec_end;
      return true;
    }
  }

  /// Header names, for naming the column of syntax errors.
  void set_columns(const std::vector<std::string>* names) noexcept { names_ = names; }

  [[noreturn]] void fail_at(std::uint64_t line, const std::string& field, const std::string& message) const {
    SourceLocation loc;
    loc.file = in_.path();
    loc.line = line;
    loc.field = field;
    throw InputError(std::move(loc), message);
  }

 private:
  // Moves pending bytes to the front and reads more. False when nothing was added.
  bool fill() {
    if (eof_) return false;
    if (pos_ > 0) {
      std::memmove(buf_.data(), buf_.data() + pos_, end_ - pos_);
      end_ -= pos_;
      pos_ = 0;
    }
    if (end_ + 1 >= buf_.size()) {
      if (end_ >= kMaxLineBytes)
        fail_at(line_, "", "record is longer than the limit of " + std::to_string(kMaxLineBytes >> 20) + " MiB");
      buf_.resize(std::min(buf_.size() * 2, kMaxLineBytes + 2));
    }
    const std::size_t got = in_.read(buf_.data() + end_, buf_.size() - 1 - end_);
    if (got == 0) {
      eof_ = true;
      return false;
    }
    end_ += got;
    if (!started_) {
      started_ = true;
      if (end_ >= 3 && std::memcmp(buf_.data(), "\xEF\xBB\xBF", 3) == 0) pos_ = 3;
    }
    report_progress(options_, in_);
    return true;
  }

  // Splits [b, e) (one whole record) into fields, unescaping quoted ones in place.
  void split(std::size_t b, std::size_t e, std::vector<std::string_view>& fields) {
    fields.clear();
    if (e > b && buf_[e - 1] == '\r') --e;
    char* p = buf_.data() + b;
    char* const end = buf_.data() + e;
    std::uint64_t line = line_;
    for (;;) {
      if (p < end && *p == '"') {
        char* out = p;
        char* q = p + 1;
        const char* start = out;
        for (;;) {
          if (q >= end) fail_at(line, "", "unterminated quoted field");
          if (*q == '"') {
            if (q + 1 < end && q[1] == '"') {
              *out++ = '"';
              q += 2;
              continue;
            }
            ++q;
            break;
          }
          if (*q == '\n') ++line;
          *out++ = *q++;
        }
        fields.emplace_back(start, static_cast<std::size_t>(out - start));
        if (q == end) return;
        if (*q != ',')
          fail_at(line, column(fields.size() - 1),
                  "unexpected character '" + std::string(1, *q) + "' after a closing quote (field " +
                      std::to_string(fields.size()) + ")");
        p = q + 1;
        if (p == end) {
          fields.emplace_back();
          return;
        }
      } else {
        char* q = p;
        while (q < end && *q != ',') {
          if (*q == '"')
            fail_at(line, column(fields.size()),
                    "quote inside an unquoted field (field " + std::to_string(fields.size() + 1) +
                        "); quote the whole field and double inner quotes");
          ++q;
        }
        fields.emplace_back(p, static_cast<std::size_t>(q - p));
        if (q == end) return;
        p = q + 1;
        if (p == end) {
          fields.emplace_back();
          return;
        }
      }
    }
  }

  std::string column(std::size_t i) const {
    return names_ != nullptr && i < names_->size() ? (*names_)[i] : std::string();
  }

  InputStream& in_;
  const LoadOptions& options_;
  const std::vector<std::string>* names_ = nullptr;
  std::vector<char> buf_;
  std::size_t pos_ = 0, end_ = 0;
  std::uint64_t line_ = 1;
  bool eof_ = false, started_ = false;
};

bool file_exists(const std::string& p) {
  struct stat st {};
  return ::stat(p.c_str(), &st) == 0 && !S_ISDIR(st.st_mode);
}

// `dir/name` or `dir/name.gz`, whichever exists ("" if neither); both is an
// error, since which one holds the snapshot cannot be told.
std::string find_part(const std::string& dir, const std::string& name) {
  const std::string base = dir.empty() ? name : (dir.back() == '/' ? dir + name : dir + "/" + name);
  const bool plain = file_exists(base), gz = file_exists(base + ".gz");
  if (plain && gz)
    fail_file(dir, "holds both " + name + " and " + name + ".gz: remove one (which one holds the snapshot cannot be told)");
  if (plain) return base;
  if (gz) return base + ".gz";
  return "";
}

// A timestamp cell: RFC 3339 or integer Unix seconds; empty = absent.
bool parse_time_cell(std::string_view v, Timestamp& out, std::string& message) {
  if (v.empty()) {
    out = kNoTime;
    return true;
  }
  if (parse_rfc3339(v, out)) return true;
  std::int64_t secs = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), secs);
  if (ec == std::errc() && p == v.data() + v.size()) {
    if (unix_seconds_to_timestamp(secs, out)) return true;
    message = "Unix seconds " + std::string(v) + " are outside years 0000-9999";
    return false;
  }
  message = "must be an RFC 3339 timestamp (like 2026-02-20T00:00:00Z) or integer Unix seconds, got \"" +
            std::string(v.substr(0, 64)) + "\"";
  return false;
}

struct Columns {
  std::vector<std::string> names;
  int find(std::string_view n) const {
    for (std::size_t i = 0; i < names.size(); ++i)
      if (names[i] == n) return static_cast<int>(i);
    return -1;
  }
};

Columns read_header(CsvRecords& rows, const std::string& file, std::vector<std::string_view>& fields,
                    std::initializer_list<const char*> required) {
  std::uint64_t line = 0;
  if (!rows.next(fields, line)) fail_file(file, "is empty: a header row is required");
  Columns c;
  for (std::string_view f : fields) {
    if (c.find(f) >= 0) rows.fail_at(line, std::string(f), "column appears twice in the header row");
    c.names.emplace_back(f);
  }
  for (const char* r : required)
    if (c.find(r) < 0)
      rows.fail_at(line, r, std::string("the header row has no \"") + r + "\" column (it is required)");
  return c;
}

// The most activity buckets, as for JSON snapshots (record_sax.cpp).
constexpr std::uint64_t kMaxActivityBuckets = 1'000'000;

// A non-negative integer cell (empty = absent: `out` untouched).
bool parse_uint_cell(std::string_view v, std::uint64_t max, std::uint64_t& out) {
  if (v.empty()) return true;
  std::uint64_t x = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), x);
  if (ec != std::errc() || p != v.data() + v.size() || x > max) return false;
  out = x;
  return true;
}

// snapshot.csv: the header of a CSV snapshot (docs/formats.md section 2's
// `snapshot` object) as one data row under a header row, columns by name:
// id, taken_at, activity_start, activity_bucket_seconds, activity_buckets
// (each optional; other columns are ignored).
SnapshotMeta read_snapshot_csv(const std::string& path, const LoadOptions& options, std::uint64_t& bytes) {
  InputStream in(path);
  CsvRecords rows(in, options);
  std::vector<std::string_view> fields;
  const Columns cols = read_header(rows, path, fields, {});
  rows.set_columns(&cols.names);
  SnapshotMeta meta;
  std::uint64_t line = 0;
  if (!rows.next(fields, line)) rows.fail_at(1, "", "has a header row and no data row (one row describes the snapshot)");
  if (fields.size() != cols.names.size())
    rows.fail_at(line, "", "has " + std::to_string(fields.size()) + " fields, the header row has " +
                                std::to_string(cols.names.size()));
  auto cell = [&](const char* name) -> std::string_view {
    const int c = cols.find(name);
    return c < 0 ? std::string_view() : fields[static_cast<std::size_t>(c)];
  };
  std::string message;
  meta.id = std::string(cell("id"));
  if (!parse_time_cell(cell("taken_at"), meta.taken_at, message)) rows.fail_at(line, "taken_at", message);
  if (!parse_time_cell(cell("activity_start"), meta.activity.start, message)) rows.fail_at(line, "activity_start", message);
  std::uint64_t secs = 0, buckets = 0;
  if (!parse_uint_cell(cell("activity_bucket_seconds"), 1000000000, secs) || (!cell("activity_bucket_seconds").empty() && secs == 0))
    rows.fail_at(line, "activity_bucket_seconds",
                 "must be an integer from 1 to 1000000000, got \"" + std::string(cell("activity_bucket_seconds").substr(0, 64)) + "\"");
  if (!parse_uint_cell(cell("activity_buckets"), kMaxActivityBuckets, buckets) || (!cell("activity_buckets").empty() && buckets == 0))
    rows.fail_at(line, "activity_buckets",
                 "must be an integer from 1 to " + std::to_string(kMaxActivityBuckets) + ", got \"" +
                     std::string(cell("activity_buckets").substr(0, 64)) + "\"");
  if ((secs == 0) != (buckets == 0))
    rows.fail_at(line, secs == 0 ? "activity_bucket_seconds" : "activity_buckets",
                 "activity_bucket_seconds and activity_buckets go together (both or neither)");
  if (meta.activity.start != kNoTime && buckets == 0)
    rows.fail_at(line, "activity_start", "is given without activity_bucket_seconds and activity_buckets");
  meta.activity.bucket_seconds = static_cast<std::int64_t>(secs);
  meta.activity.buckets = static_cast<std::uint32_t>(buckets);
  if (rows.next(fields, line)) rows.fail_at(line, "", "a second data row (snapshot.csv describes one snapshot)");
  bytes += in.bytes_out();
  return meta;
}

// activity.csv: requests per node and time bucket, one row per (node,
// bucket): `id`, `requests`, and the bucket as `bucket` (0-based index) or
// `time` (a timestamp inside the window, in the bucket that holds it).
// Repeated (node, bucket) rows are summed.
struct ActivityRows {
  struct Node {
    std::uint64_t line = 0;  // its first row
    std::vector<std::pair<std::uint32_t, double>> values;
  };
  std::unordered_map<std::string, Node> by_id;
  std::string file;
};

ActivityRows read_activity_csv(const std::string& path, const SnapshotMeta& meta, const LoadOptions& options,
                               std::uint64_t& bytes) {
  InputStream in(path);
  CsvRecords rows(in, options);
  std::vector<std::string_view> fields;
  const Columns cols = read_header(rows, path, fields, {"id", "requests"});
  rows.set_columns(&cols.names);
  const int c_id = cols.find("id"), c_req = cols.find("requests"), c_bucket = cols.find("bucket"),
            c_time = cols.find("time");
  if ((c_bucket < 0) == (c_time < 0))
    rows.fail_at(1, c_bucket < 0 ? "bucket" : "time",
                 "the header row needs exactly one of \"bucket\" (0-based index) and \"time\" (a timestamp)");
  const ActivitySpec& spec = meta.activity;
  if (!spec.present())
    rows.fail_at(1, "", "activity needs the activity window: snapshot.csv beside it with activity_bucket_seconds and "
                        "activity_buckets (docs/formats.md, section 4)");
  if (c_time >= 0 && spec.start == kNoTime)
    rows.fail_at(1, "time", "a \"time\" column needs activity_start in snapshot.csv");
  ActivityRows out;
  out.file = path;
  std::uint64_t line = 0;
  std::string message;
  while (rows.next(fields, line)) {
    if (fields.size() != cols.names.size())
      rows.fail_at(line, "", "has " + std::to_string(fields.size()) + " fields, the header row has " +
                                 std::to_string(cols.names.size()));
    const std::string_view id = fields[static_cast<std::size_t>(c_id)];
    if (id.empty()) rows.fail_at(line, "id", "is empty");
    if (id.size() > kMaxIdBytes) rows.fail_at(line, "id", id_too_long(id.size()));
    std::uint64_t bucket = 0;
    if (c_bucket >= 0) {
      const std::string_view b = fields[static_cast<std::size_t>(c_bucket)];
      if (b.empty() || !parse_uint_cell(b, UINT32_MAX, bucket) || bucket >= spec.buckets)
        rows.fail_at(line, "bucket",
                     "must be an integer from 0 to " + std::to_string(spec.buckets - 1) +
                         " (activity_buckets - 1), got \"" + std::string(b.substr(0, 64)) + "\"");
    } else {
      Timestamp t = kNoTime;
      const std::string_view tv = fields[static_cast<std::size_t>(c_time)];
      if (tv.empty()) rows.fail_at(line, "time", "is empty");
      if (!parse_time_cell(tv, t, message)) rows.fail_at(line, "time", message);
      const Timestamp width = static_cast<Timestamp>(spec.bucket_seconds) * kMicrosPerSecond;
      if (t < spec.start || (t - spec.start) / width >= static_cast<Timestamp>(spec.buckets))
        rows.fail_at(line, "time",
                     "is outside the activity window " + format_rfc3339(spec.start) + " .. " +
                         format_rfc3339(spec.start + width * static_cast<Timestamp>(spec.buckets)));
      bucket = static_cast<std::uint64_t>((t - spec.start) / width);
    }
    const std::string_view rv = fields[static_cast<std::size_t>(c_req)];
    double value = 0.0;
    auto [p, ec] = std::from_chars(rv.data(), rv.data() + rv.size(), value);
    if (rv.empty() || ec != std::errc() || p != rv.data() + rv.size() || !std::isfinite(value) || value < 0.0 ||
        value > FLT_MAX)
      rows.fail_at(line, "requests", "must be a non-negative number, got \"" + std::string(rv.substr(0, 64)) + "\"");
    auto [it, fresh] = out.by_id.try_emplace(std::string(id));
    if (fresh) it->second.line = line;
    it->second.values.emplace_back(static_cast<std::uint32_t>(bucket), value);
  }
  bytes += in.bytes_out();
  return out;
}

}  // namespace

Snapshot read_csv_pair(const std::string& path, const LoadOptions& options, LoadReport& report) {
  // Resolve the two files.
  std::string dir, nodes_path, edges_path;
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
    dir = path;
  } else {
    const std::size_t slash = path.find_last_of('/');
    dir = slash == std::string::npos ? "." : path.substr(0, slash);
    if (dir.empty()) dir = "/";
  }
  bool named_nodes = false, named_edges = false;  // the path names one of the two files itself
  if (!S_ISDIR(st.st_mode) && file_exists(path)) {
    const std::string name = path.substr(path.find_last_of('/') + 1);
    if (name.rfind("nodes.csv", 0) == 0) {
      nodes_path = path;
      named_nodes = true;
    } else {
      edges_path = path;
      named_edges = true;
    }
  }
  if (!named_nodes) nodes_path = find_part(dir, "nodes.csv");
  if (!named_edges) edges_path = find_part(dir, "edges.csv");
  if (nodes_path.empty())
    fail_file(dir, "has no nodes.csv or nodes.csv.gz (a CSV snapshot needs both nodes.csv and edges.csv)");
  if (edges_path.empty())
    fail_file(dir, "has no edges.csv or edges.csv.gz (a CSV snapshot needs both nodes.csv and edges.csv)");

  // Optional parts beside them: the header (snapshot.csv) and the activity (activity.csv).
  const std::string snapshot_path = find_part(dir, "snapshot.csv");
  const std::string activity_path = find_part(dir, "activity.csv");
  std::uint64_t records = 0, bytes = 0;
  const SnapshotMeta meta = snapshot_path.empty() ? SnapshotMeta{} : read_snapshot_csv(snapshot_path, options, bytes);
  ActivityRows activity;
  if (!activity_path.empty()) activity = read_activity_csv(activity_path, meta, options, bytes);
  std::vector<double> dense;

  SnapshotBuilder builder(nodes_path);
  builder.set_meta(meta);
  builder.set_memory_limit(options.max_memory_bytes, options.memory_model);
  std::uint64_t fnv = kFnvBasis, raw_bytes = 0;  // both files as one stream, nodes first
  std::vector<std::string_view> fields;
  std::vector<AttrInput> attrs;
  bool gzip = false;

  auto fail = [](const std::string& file, std::uint64_t line, const char* kind, std::uint64_t index, std::string id,
                 std::string field, std::string message) {
    SourceLocation loc;
    loc.file = file;
    loc.line = line;
    loc.record_kind = kind;
    loc.record_index = index;
    loc.record_id = std::move(id);
    loc.field = std::move(field);
    throw InputError(std::move(loc), std::move(message));
  };

  {  // nodes.csv
    InputStream in(nodes_path, options.max_input_bytes, options.checksum);
    CsvRecords rows(in, options);
    const Columns cols = read_header(rows, nodes_path, fields, {"id", "type"});
    rows.set_columns(&cols.names);
    const int c_id = cols.find("id"), c_type = cols.find("type"), c_label = cols.find("label"),
              c_created = cols.find("created_at");
    {  // attr columns: every column but the four known ones
      std::size_t attr_columns = 0;
      for (std::size_t c = 0; c < cols.names.size(); ++c) {
        const auto ci = static_cast<int>(c);
        if (ci == c_id || ci == c_type || ci == c_label || ci == c_created) continue;
        if (++attr_columns > kMaxAttrs)
          rows.fail_at(1, cols.names[c],
                       "the header row has more than " + std::to_string(kMaxAttrs) + " attr columns (the limit per node)");
      }
    }
    std::uint64_t line = 0, index = 0;
    std::string message;
    while (rows.next(fields, line)) {
      if (fields.size() != cols.names.size())
        fail(nodes_path, line, "node", index, fields.empty() ? "" : std::string(fields[0]), "",
             "has " + std::to_string(fields.size()) + " fields, the header row has " +
                 std::to_string(cols.names.size()));
      const std::string_view id = fields[static_cast<std::size_t>(c_id)];
      if (id.size() > kMaxIdBytes) fail(nodes_path, line, "node", index, std::string(id), "id", id_too_long(id.size()));
      Label label = Label::Unknown;
      if (c_label >= 0 && !fields[static_cast<std::size_t>(c_label)].empty()) {
        const auto l = parse_label(fields[static_cast<std::size_t>(c_label)]);
        if (!l)
          fail(nodes_path, line, "node", index, std::string(id), "label",
               "must be one of banned, suspect, trusted, unknown; got \"" +
                   std::string(fields[static_cast<std::size_t>(c_label)].substr(0, 64)) + "\"");
        label = *l;
      }
      Timestamp created = kNoTime;
      if (c_created >= 0 && !parse_time_cell(fields[static_cast<std::size_t>(c_created)], created, message))
        fail(nodes_path, line, "node", index, std::string(id), "created_at", message);
      attrs.clear();
      for (std::size_t c = 0; c < fields.size(); ++c) {
        const auto ci = static_cast<int>(c);
        if (ci == c_id || ci == c_type || ci == c_label || ci == c_created || fields[c].empty()) continue;
        attrs.push_back(typed_attr(cols.names[c], fields[c]));
      }
      const std::vector<double>* act = nullptr;
      if (!activity.by_id.empty()) {
        if (const auto it = activity.by_id.find(std::string(id)); it != activity.by_id.end()) {
          dense.assign(meta.activity.buckets, 0.0);
          for (const auto& [b, x] : it->second.values) dense[b] += x;
          act = &dense;
          activity.by_id.erase(it);
        }
      }
      builder.add_node(RecordRef{line, kNoPosition, index}, id, fields[static_cast<std::size_t>(c_type)], label,
                       created, attrs, act);
      ++index;
    }
    records += index;
    bytes += in.bytes_out();
    gzip = in.gzip();
    if (options.checksum) in.drain();
    fnv = in.checksum();
    raw_bytes += in.bytes_in();
  }
  if (!activity.by_id.empty()) {  // rows for ids nodes.csv does not declare: the first in the file
    auto first = activity.by_id.begin();
    for (auto it = activity.by_id.begin(); it != activity.by_id.end(); ++it)
      if (it->second.line < first->second.line) first = it;
    fail(activity.file, first->second.line, "node", kNoPosition, first->first, "id",
         "no node of nodes.csv has this id (activity rows must name declared nodes)");
  }

  builder.set_file(edges_path);
  {  // edges.csv
    InputStream in(edges_path, options.max_input_bytes, options.checksum, fnv);
    CsvRecords rows(in, options);
    const Columns cols = read_header(rows, edges_path, fields, {"src", "dst", "type"});
    rows.set_columns(&cols.names);
    const int c_src = cols.find("src"), c_dst = cols.find("dst"), c_type = cols.find("type"),
              c_weight = cols.find("weight"), c_first = cols.find("first_seen"), c_last = cols.find("last_seen");
    std::uint64_t line = 0, index = 0;
    std::string message;
    while (rows.next(fields, line)) {
      if (fields.size() != cols.names.size())
        fail(edges_path, line, "edge", index, "", "",
             "has " + std::to_string(fields.size()) + " fields, the header row has " +
                 std::to_string(cols.names.size()));
      const std::string_view src = fields[static_cast<std::size_t>(c_src)];
      const std::string_view dst = fields[static_cast<std::size_t>(c_dst)];
      auto name = [&] { return std::string(src) + " -> " + std::string(dst); };
      if (src.size() > kMaxIdBytes) fail(edges_path, line, "edge", index, name(), "src", id_too_long(src.size()));
      if (dst.size() > kMaxIdBytes) fail(edges_path, line, "edge", index, name(), "dst", id_too_long(dst.size()));
      double weight = 1.0;
      if (c_weight >= 0 && !fields[static_cast<std::size_t>(c_weight)].empty()) {
        const std::string_view w = fields[static_cast<std::size_t>(c_weight)];
        auto [p, ec] = std::from_chars(w.data(), w.data() + w.size(), weight);
        if (ec != std::errc() || p != w.data() + w.size() || !std::isfinite(weight) || !(weight > 0.0))
          fail(edges_path, line, "edge", index, name(), "weight",
               "must be a positive finite number, got \"" + std::string(w.substr(0, 64)) + "\"");
      }
      Timestamp first = kNoTime, last = kNoTime;
      if (c_first >= 0 && !parse_time_cell(fields[static_cast<std::size_t>(c_first)], first, message))
        fail(edges_path, line, "edge", index, name(), "first_seen", message);
      if (c_last >= 0 && !parse_time_cell(fields[static_cast<std::size_t>(c_last)], last, message))
        fail(edges_path, line, "edge", index, name(), "last_seen", message);
      builder.add_edge(RecordRef{line, kNoPosition, index}, src, dst, fields[static_cast<std::size_t>(c_type)], weight,
                       first, last);
      ++index;
    }
    records += index;
    bytes += in.bytes_out();
    gzip = gzip || in.gzip();
    if (options.checksum) in.drain();
    fnv = in.checksum();
    raw_bytes += in.bytes_in();
  }
  Snapshot s = builder.finish();
  report.gzip = gzip;
  report.bytes_read = bytes;
  report.records = records;
  report.merged_edges = builder.merged_edges();
  report.input_bytes = raw_bytes;
  if (options.checksum) report.checksum = checksum_text(fnv);
  return s;
}

}  // namespace hydrascope::io

namespace hydrascope {

AttrInput typed_attr(std::string_view key, std::string_view v, bool allow_int) {
  AttrInput a;
  a.key = key;
  if (v == "true" || v == "false") {
    a.type = AttrType::Bool;
    a.boolean = v == "true";
    return a;
  }
  const std::size_t digits_from = !v.empty() && v[0] == '-' ? 1 : 0;
  const bool leading_zero = v.size() > digits_from + 1 && v[digits_from] == '0' && v[digits_from + 1] != '.' &&
                            v[digits_from + 1] != 'e' && v[digits_from + 1] != 'E';
  const bool starts_numeric = v.size() > digits_from && v[digits_from] >= '0' && v[digits_from] <= '9';
  if (starts_numeric && !leading_zero) {
    const char* b = v.data();
    const char* e = v.data() + v.size();
    std::int64_t i = 0;
    auto [p, ec] = std::from_chars(b, e, i);
    if (allow_int && ec == std::errc() && p == e) {
      a.type = AttrType::Int;
      a.integer = i;
      return a;
    }
    // An integer past 64 bits stays text: as a double it would lose digits
    // and come back written as another number.
    if (allow_int && ec == std::errc::result_out_of_range && p == e) {
      a.type = AttrType::String;
      a.text = v;
      return a;
    }
    double d = 0;
    auto [p2, ec2] = std::from_chars(b, e, d);
    if (ec2 == std::errc() && p2 == e && std::isfinite(d)) {
      a.type = AttrType::Double;
      a.real = d;
      return a;
    }
  }
  a.type = AttrType::String;
  a.text = v;
  return a;
}

}  // namespace hydrascope
