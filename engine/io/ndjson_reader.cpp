// NDJSON reader (docs/formats.md section 3). Blocks of whole lines are
// cut into one piece per thread at line boundaries; each piece is parsed in
// situ (RapidJSON SAX, no DOM) into a batch of checked records that point
// into the block; batches then feed SnapshotBuilder in file order, so the
// snapshot and the first error reported are the same for any thread count.
#include <rapidjson/error/en.h>
#include <rapidjson/reader.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <utility>
#include <cstring>
#include <exception>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "io_internal.hpp"
#include "record_sax.hpp"

namespace hydrascope::io {

namespace {

constexpr unsigned kLineFlags = rapidjson::kParseInsituFlag | rapidjson::kParseValidateEncodingFlag |
                                rapidjson::kParseFullPrecisionFlag | rapidjson::kParseIterativeFlag;

struct BatchRecord {
  std::uint64_t line = 0;  // 0-based line within the piece
  CheckedRecord rec;
  std::uint32_t attr_begin = 0, attr_count = 0;
  std::uint64_t act_begin = 0;  // index into Batch::activity
};

// Records of one piece, and the piece's first error (after which it stops).
struct Batch {
  std::vector<BatchRecord> records;
  std::vector<AttrInput> attrs;
  // Activity vectors, swapped in from the parser (no copy); the first
  // `activities` are this piece's, the rest keep their capacity for reuse.
  std::vector<std::vector<double>> activity;
  std::size_t activities = 0;
  std::uint64_t lines = 0;  // lines in the piece
  bool failed = false;
  SourceLocation where;      // line and index relative to the piece
  std::string message;
  void clear() {
    records.clear();
    attrs.clear();
    activities = 0;
    lines = 0;
    failed = false;
    where = SourceLocation{};
    message.clear();
  }
};

struct Worker {
  rapidjson::Reader reader;
  RecordSax sax{SaxMode::Line};
  std::string field, message, name;
};

inline bool is_blank_line(const char* p, const char* end) {
  for (; p < end; ++p)
    if (*p != ' ' && *p != '\t' && *p != '\r') return false;
  return true;
}

// Parses one line (NUL-terminated in place) into worker.sax.record. On
// failure fills `field` and `message` and returns false.
bool parse_line(Worker& w, char* line, std::size_t len) {
  w.sax.reset();
  // In-situ parsing writes NULs into the buffer, so look for NUL bytes first.
  if (const void* nul = std::memchr(line, '\0', len); nul != nullptr) {
    w.field.clear();
    w.message = "NUL byte at column " + std::to_string(static_cast<const char*>(nul) - line + 1);
    return false;
  }
  rapidjson::InsituStringStream ss(line);
  w.reader.Parse<kLineFlags>(ss, w.sax);
  if (w.reader.HasParseError()) {
    if (!w.sax.error.empty()) {
      w.field = w.sax.error_field;
      w.message = w.sax.error;
      return false;
    }
    w.field = w.sax.current_field() != kFUnknown ? field_name(w.sax.current_field()) : "";
    w.message = std::string("invalid JSON at column ") + std::to_string(w.reader.GetErrorOffset() + 1) + ": " +
                rapidjson::GetParseError_En(w.reader.GetParseErrorCode());
    return false;
  }
  return true;
}

// After a failed parse_line: what the record was, as far as it was read
// ("node", "edge" or "record"), naming it in w.name when its id or
// endpoints were read.
const char* failed_record_kind(Worker& w) {
  const ParsedRecord& r = w.sax.record;
  const bool node = r.has(kFKind) && r.kind == "node", edge = r.has(kFKind) && r.kind == "edge";
  if (node && r.has(kFId)) w.name = std::string(r.id);
  if (edge && r.has(kFSrc) && r.has(kFDst)) w.name = std::string(r.src) + " -> " + std::string(r.dst);
  return node ? "node" : edge ? "edge" : "record";
}

// Whether the parsed record is a node (true) or an edge (false); nullopt,
// with w.field and w.message set, when its `kind` is neither.
std::optional<bool> record_is_node(Worker& w) {
  const ParsedRecord& r = w.sax.record;
  if (r.has(kFKind) && r.kind == "node") return true;
  if (r.has(kFKind) && r.kind == "edge") return false;
  w.field = "kind";
  if (r.has(kFKind))
    w.message = "must be \"node\" or \"edge\", got \"" + std::string(r.kind.substr(0, 64)) + "\"";
  else if ((r.wrong >> kFKind) & 1u)
    w.message = std::string("must be \"node\" or \"edge\", got ") + r.wrong_type[kFKind];
  else if (r.has(kFFormat))
    w.message = "is required (\"node\" or \"edge\"); a header is allowed only on the first line";
  else
    w.message = "is required (\"node\" or \"edge\")";
  return std::nullopt;
}

// Parses the lines of [begin, end) into `out`.
void parse_piece(Worker& w, char* begin, char* end, Batch& out) {
  out.clear();
  std::uint64_t nodes = 0, edges = 0;
  char* p = begin;
  std::uint64_t line = 0;
  for (; p < end; ++line) {
    char* eol = static_cast<char*>(std::memchr(p, '\n', static_cast<std::size_t>(end - p)));
    char* const line_end = eol != nullptr ? eol : end;
    char* const start = p;
    p = line_end + 1;
    if (eol != nullptr) *eol = '\0';
    if (is_blank_line(start, line_end)) continue;
    auto fail = [&](const char* kind, std::uint64_t index) {
      out.failed = true;
      out.where.line = line;
      out.where.record_kind = kind;
      out.where.record_index = index;
      out.where.record_id = w.name;
      out.where.field = w.field;
      out.message = w.message;
      out.lines = line + 1;
    };
    w.name.clear();
    const auto len = static_cast<std::size_t>(line_end - start);
    if (!parse_line(w, start, len)) {
      const std::string_view kind = failed_record_kind(w);
      fail(kind.data(), kind == "node" ? nodes : kind == "edge" ? edges : kNoPosition);
      return;
    }
    const ParsedRecord& r = w.sax.record;
    const std::optional<bool> node_or_edge = record_is_node(w);
    if (!node_or_edge) {
      fail("record", kNoPosition);
      return;
    }
    const bool is_node = *node_or_edge;
    BatchRecord b;
    b.line = line;
    if (!check_record(r, is_node, b.rec, w.field, w.message, w.name)) {
      fail(is_node ? "node" : "edge", is_node ? nodes : edges);
      return;
    }
    if (is_node) {
      b.attr_begin = static_cast<std::uint32_t>(out.attrs.size());
      b.attr_count = static_cast<std::uint32_t>(r.attrs.size());
      out.attrs.insert(out.attrs.end(), r.attrs.begin(), r.attrs.end());
      if (b.rec.has_activity) {
        if (out.activities == out.activity.size()) out.activity.emplace_back();
        b.act_begin = out.activities++;
        std::swap(out.activity[b.act_begin], w.sax.record.activity);  // r.activity is not read again
      }
      ++nodes;
    } else {
      ++edges;
    }
    out.records.push_back(b);
  }
  out.lines = line;
}

}  // namespace

namespace {

// Helper threads for the blocks: run(job) calls job(0) on the caller and
// job(1..n-1) on the helpers, and returns when all are done. Waits sleep on a
// condition variable (an OpenMP barrier spins: on a shared machine the
// spinning thread took a core from the one doing the work).
class Crew {
 public:
  // Starts n-1 helpers. When the system refuses a thread (a limit on
  // threads or on address space), the helpers already started are stopped
  // and joined again -- their stacks freed, since memory is then short too --
  // and the caller works alone: size() is 1. The results do not depend on it.
  explicit Crew(int n) {
    try {
      for (int t = 1; t < n; ++t) threads_.emplace_back([this, t] { loop(t); });
    } catch (const std::system_error&) {
      stop_and_join();
      threads_.clear();
      stop_ = false;
    }
  }
  [[nodiscard]] int size() const noexcept { return static_cast<int>(threads_.size()) + 1; }
  ~Crew() { stop_and_join(); }
  Crew(const Crew&) = delete;
  Crew& operator=(const Crew&) = delete;

  // The caller's exception first, else the first helper's.
  void run(const std::function<void(int)>& job) {
    {
      std::lock_guard lock(m_);
      job_ = &job;
      ++generation_;
      pending_ = threads_.size();
    }
    go_.notify_all();
    std::exception_ptr mine;
    try {
      job(0);
    } catch (...) {
      mine = std::current_exception();
    }
    std::exception_ptr theirs;
    {
      std::unique_lock lock(m_);
      done_.wait(lock, [&] { return pending_ == 0; });
      theirs = std::exchange(error_, nullptr);
      job_ = nullptr;
    }
    if (mine) std::rethrow_exception(mine);
    if (theirs) std::rethrow_exception(theirs);
  }

 private:
  void stop_and_join() {
    {
      std::lock_guard lock(m_);
      stop_ = true;
    }
    go_.notify_all();
    for (std::thread& t : threads_) t.join();
  }
  void loop(int tid) {
    std::uint64_t seen = 0;
    for (;;) {
      const std::function<void(int)>* job = nullptr;
      {
        std::unique_lock lock(m_);
        go_.wait(lock, [&] { return stop_ || generation_ != seen; });
        if (stop_) return;
        seen = generation_;
        job = job_;
      }
      std::exception_ptr error;
      try {
        (*job)(tid);
      } catch (...) {
        error = std::current_exception();
      }
      std::lock_guard lock(m_);
      if (error && !error_) error_ = error;
      if (--pending_ == 0) done_.notify_all();
    }
  }

  std::vector<std::thread> threads_;
  std::mutex m_;
  std::condition_variable go_, done_;
  const std::function<void(int)>* job_ = nullptr;
  std::uint64_t generation_ = 0;
  std::size_t pending_ = 0;
  bool stop_ = false;
  std::exception_ptr error_;
};

// One block of whole lines, cut into pieces, and the pieces' batches.
struct Stage {
  std::uint64_t line = 0;    // number of the first line of cuts[0]
  std::uint64_t offset = 0;  // byte offset of cuts[0] in the uncompressed data
  int pieces = 0;
  std::vector<char*> cuts;
  std::vector<Batch> batches;
};

// Where one part of a sharded snapshot goes (read_ndjson_parts): the shared
// builder sees lines and record indices counted over all parts so far (its
// errors are mapped back to the part afterwards); the part's header must
// equal the first part's.
struct PartState {
  std::uint64_t line_base = 0, node_base = 0, edge_base = 0;
  const SnapshotMeta* first_meta = nullptr;  // null for the first part
};

class NdjsonLoader {
 public:
  NdjsonLoader(const std::string& path, const LoadOptions& options, InputStream& in, SnapshotBuilder& builder,
               PartState part = {})
      : path_(path), options_(options), in_(in), blocks_(in_), builder_(builder), part_(part) {
    builder_.set_memory_limit(options.max_memory_bytes, options.memory_model);
    threads_ = resolve_threads(options.threads);
    threads_ = std::max(threads_, 1);
    if (threads_ > 1) {
      crew_ = std::make_unique<Crew>(threads_);
      threads_ = crew_->size();
      if (threads_ == 1) crew_.reset();
    }
    workers_ = std::vector<Worker>(static_cast<std::size_t>(threads_));
    blocks_.set_double_buffered(true);  // block k is fed after block k+1 is read
  }

  Snapshot run(LoadReport& report) {
    read_all();
    Snapshot s = builder_.finish();
    report.gzip = in_.gzip();
    report.bytes_read = in_.bytes_out();
    report.records = nodes_ + edges_;
    report.merged_edges = builder_.merged_edges();
    return s;
  }

  // Reads the stream into the builder (without finishing it).
  void read_all() {
    Stage stages[2];
    // Stage 0 is parsed by every thread; afterwards thread 0 feeds block k
    // to the builder while the other threads parse block k+1, and joins them
    // when it is done (pieces are taken in turn: neither side waits for the
    // other while pieces are left).
    const int max_pieces = threads_ == 1 ? 1 : 4 * threads_;
    bool have = load(stages[0], max_pieces);
    if (have) parse_all(stages[0]);
    int cur = 0;
    while (have) {
      const int nxt = 1 - cur;
      const bool have_next = load(stages[nxt], max_pieces);
      if (threads_ == 1) {
        feed(stages[cur]);
        if (have_next) parse_all(stages[nxt]);
      } else {
        std::atomic<int> next_piece{0};
        crew_->run([&](int tid) {
          if (tid == 0) feed(stages[cur]);
          if (have_next) parse_pieces(stages[nxt], next_piece, tid);
        });
      }
      report_progress(options_, in_);
      cur = nxt;
      have = have_next;
    }
    if (!header_seen_) fail_file(path_, "has no header line (the file is empty)");
  }
  [[nodiscard]] std::uint64_t nodes() const noexcept { return nodes_; }
  [[nodiscard]] std::uint64_t edges() const noexcept { return edges_; }
  [[nodiscard]] std::uint64_t lines() const noexcept { return lines_; }
  [[nodiscard]] const SnapshotMeta& meta() const noexcept { return meta_; }

 private:
  // Reads the next block (the header first, if not seen) and cuts it into at
  // most `max_pieces` pieces at line boundaries. False at the end of data.
  bool load(Stage& st, int max_pieces) {
    char* data = nullptr;
    std::size_t size = 0;
    std::uint64_t line = 0, offset = 0;
    for (;;) {
      if (!blocks_.next(data, size, line, offset)) return false;
      char* p = data;
      char* const end = data + size;
      while (!header_seen_ && p < end) {
        char* eol = static_cast<char*>(std::memchr(p, '\n', static_cast<std::size_t>(end - p)));
        char* const line_end = eol != nullptr ? eol : end;
        char* const start = p;
        p = line_end + 1;
        if (eol != nullptr) *eol = '\0';
        const std::uint64_t this_line = line++;
        if (is_blank_line(start, line_end)) continue;
        header(start, line_end, this_line);
      }
      if (p >= end) continue;
      const std::size_t rest = static_cast<std::size_t>(end - p);
      const int pieces = rest < (std::size_t{256} << 10) ? 1 : max_pieces;
      st.line = line;
      st.offset = offset + static_cast<std::uint64_t>(p - data);
      st.pieces = pieces;
      st.cuts.assign(static_cast<std::size_t>(pieces) + 1, end);
      st.cuts[0] = p;
      for (int t = 1; t < pieces; ++t) {
        char* c = std::max(p + rest * static_cast<std::size_t>(t) / static_cast<std::size_t>(pieces),
                           st.cuts[static_cast<std::size_t>(t) - 1]);
        char* nl = static_cast<char*>(std::memchr(c, '\n', static_cast<std::size_t>(end - c)));
        st.cuts[static_cast<std::size_t>(t)] = nl != nullptr ? nl + 1 : end;
      }
      if (st.batches.size() < static_cast<std::size_t>(pieces)) st.batches.resize(static_cast<std::size_t>(pieces));
      return true;
    }
  }

  void header(char* start, char* line_end, std::uint64_t line) {
    Worker& w = workers_[0];
    SourceLocation loc;
    loc.file = path_;
    loc.line = line;
    loc.record_kind = "header";
    if (!parse_line(w, start, static_cast<std::size_t>(line_end - start))) {
      loc.field = w.field;
      throw InputError(std::move(loc), w.message);
    }
    const ParsedRecord& r = w.sax.record;
    if (r.has(kFKind) || (!r.has(kFFormat) && (r.has(kFId) || r.has(kFSrc)))) {
      loc.field = "format";
      throw InputError(std::move(loc),
                       "the first line must be the header {\"format\": \"hydrascope.snapshot\", \"version\": 1, ...}");
    }
    SnapshotMeta meta;
    if (!check_header(r, meta, w.field, w.message)) {
      loc.field = w.field;
      throw InputError(std::move(loc), w.message);
    }
    meta_ = meta;
    if (part_.first_meta != nullptr) {
      if (!(meta == *part_.first_meta))
        throw InputError(std::move(loc), "differs from the first part's header (every part of a sharded snapshot has the same header)");
    } else {
      builder_.set_meta(meta);
    }
    header_seen_ = true;
  }

  // Parses every piece of `st` with all threads.
  void parse_all(Stage& st) {
    if (st.pieces == 1 || threads_ == 1) {
      for (int t = 0; t < st.pieces; ++t) parse_one(st, t, 0);
      return;
    }
    std::atomic<int> next{0};
    crew_->run([&](int tid) { parse_pieces(st, next, tid); });
  }
  // Takes pieces of `st` in turn until none is left (worker slot = tid).
  void parse_pieces(Stage& st, std::atomic<int>& next, int tid) {
    for (int t = next.fetch_add(1); t < st.pieces; t = next.fetch_add(1)) parse_one(st, t, tid);
  }
  void parse_one(Stage& st, int t, int tid) {
    const auto i = static_cast<std::size_t>(t);
    parse_piece(workers_[static_cast<std::size_t>(tid)], st.cuts[i], st.cuts[i + 1], st.batches[i]);
  }

  // Sizes the builder's columns once per record kind from the first block
  // that has records of that kind: its records per byte times the bytes left
  // (plain files only). Saves the copies and page faults of vector growth.
  void reserve_for(const Stage& st) {
    if (in_.gzip() || in_.file_size() == 0 || (reserved_nodes_ && reserved_edges_)) return;
    std::uint64_t stage_nodes = 0, stage_edges = 0;
    for (int t = 0; t < st.pieces; ++t)
      for (const BatchRecord& br : st.batches[static_cast<std::size_t>(t)].records)
        (br.rec.is_node ? stage_nodes : stage_edges) += 1;
    const auto bytes = static_cast<std::uint64_t>(st.cuts[static_cast<std::size_t>(st.pieces)] - st.cuts[0]);
    if (bytes == 0 || st.offset >= in_.file_size()) return;
    const double left = static_cast<double>(in_.file_size() - st.offset) / static_cast<double>(bytes);
    const bool nodes_now = !reserved_nodes_ && stage_nodes > 0, edges_now = !reserved_edges_ && stage_edges > 0;
    if (!nodes_now && !edges_now) return;
    const auto est_nodes = nodes_now ? static_cast<std::size_t>(nodes_ + static_cast<double>(stage_nodes) * left) : 0;
    const auto est_edges = edges_now ? static_cast<std::size_t>(edges_ + static_cast<double>(stage_edges) * left) : 0;
    builder_.reserve(std::min<std::size_t>(est_nodes, kInvalidNode - 2), est_edges);
    reserved_nodes_ = reserved_nodes_ || nodes_now;
    reserved_edges_ = reserved_edges_ || edges_now;
  }

  // Records between an id's prefetch and its use: enough to cover a miss.
  static constexpr std::size_t kPrefetchAhead = 12;
  // Feeds the stage's batches to the builder in file order.
  void feed(const Stage& st) {
    reserve_for(st);
    std::uint64_t line = st.line;
    for (int t = 0; t < st.pieces; ++t) {
      const Batch& b = st.batches[static_cast<std::size_t>(t)];
      const std::uint64_t nodes0 = nodes_, edges0 = edges_;
      const std::size_t count = b.records.size();
      for (std::size_t i = 0; i < count; ++i) {
        if (i + kPrefetchAhead < count) {  // the index slots of a later record's ids
          const CheckedRecord& later = b.records[i + kPrefetchAhead].rec;
          builder_.prefetch(later.a);
          if (!later.is_node) builder_.prefetch(later.b);
        }
        const BatchRecord& br = b.records[i];
        const CheckedRecord& c = br.rec;
        if (c.is_node) {
          const std::vector<double>* act = c.has_activity ? &b.activity[br.act_begin] : nullptr;
          builder_.add_node(RecordRef{part_.line_base + line + br.line, kNoPosition, part_.node_base + nodes_}, c.a, c.type, c.label, c.t1,
                            std::span<const AttrInput>(b.attrs.data() + br.attr_begin, br.attr_count), act);
          ++nodes_;
        } else {
          builder_.add_edge(RecordRef{part_.line_base + line + br.line, kNoPosition, part_.edge_base + edges_}, c.a, c.b,
                            c.type, c.weight, c.t1, c.t2);
          ++edges_;
        }
      }
      if (b.failed) {
        SourceLocation loc = b.where;
        loc.file = path_;
        loc.line += line;
        if (loc.record_index != kNoPosition) loc.record_index += loc.record_kind == "node" ? nodes0 : edges0;
        throw InputError(std::move(loc), b.message);
      }
      line += b.lines;
    }
    lines_ = line - 1;
  }

  const std::string& path_;
  const LoadOptions& options_;
  InputStream& in_;
  BlockReader blocks_;
  SnapshotBuilder& builder_;
  PartState part_;
  SnapshotMeta meta_;        // the header read
  std::uint64_t lines_ = 0;  // lines fed so far (the part's line count at the end)
  int threads_ = 1;
  std::vector<Worker> workers_;
  std::unique_ptr<Crew> crew_;  // helper threads (2+ threads)
  std::uint64_t nodes_ = 0, edges_ = 0;
  bool header_seen_ = false, reserved_nodes_ = false, reserved_edges_ = false;
};

}  // namespace

Snapshot read_ndjson(const std::string& path, const LoadOptions& options, LoadReport& report, InputStream& in) {
  SnapshotBuilder builder(path);
  NdjsonLoader loader(path, options, in, builder);
  return loader.run(report);
}

Snapshot read_ndjson_parts(const SnapshotManifest& m, const LoadOptions& options, LoadReport& report) {
  // The builder names the folder; its errors carry lines and indices counted
  // over all parts, mapped back to the part below.
  SnapshotBuilder builder(m.folder);
  builder.set_memory_limit(options.max_memory_bytes, options.memory_model);
  struct Span { std::uint64_t line_base, lines, node_base, edge_base; };
  std::vector<Span> spans;
  SnapshotMeta first;
  PartState st;
  std::uint64_t bytes_out = 0, bytes_in = 0;
  bool gzip = false;
  auto remap = [&](const InputError& e) -> InputError {
    SourceLocation loc = e.where();
    if (loc.file != m.folder || loc.line == 0) return e;
    for (std::size_t i = 0; i < spans.size(); ++i) {
      if (loc.line > spans[i].line_base && loc.line <= spans[i].line_base + spans[i].lines) {
        loc.file = m.part_path(i);
        loc.line -= spans[i].line_base;
        if (loc.record_index != kNoPosition) {
          if (loc.record_kind == "node") loc.record_index -= spans[i].node_base;
          if (loc.record_kind == "edge") loc.record_index -= spans[i].edge_base;
        }
        return InputError(std::move(loc), e.message());
      }
    }
    return e;
  };
  try {
    for (std::size_t i = 0; i < m.parts.size(); ++i) {
      const std::string path = m.part_path(i);
      InputStream in(path, options.max_input_bytes, true);
      NdjsonLoader loader(path, options, in, builder, st);
      loader.read_all();
      in.drain();
      const SnapshotPart& p = m.parts[i];
      if (checksum_text(in.checksum()) != p.checksum || in.bytes_in() != p.bytes)
        throw InputError(file_location(m.folder + "/" + kManifestName, 0, "parts[" + std::to_string(i) + "].checksum"),
                         p.file + " has " + std::to_string(in.bytes_in()) + " bytes with checksum " +
                             checksum_text(in.checksum()) + ", the manifest says " + std::to_string(p.bytes) +
                             " bytes, " + p.checksum + " (a part changed or was cut short)");
      if (loader.nodes() != p.nodes || loader.edges() != p.edges)
        throw InputError(file_location(m.folder + "/" + kManifestName, 0, "parts[" + std::to_string(i) + "].nodes"),
                         p.file + " holds " + std::to_string(loader.nodes()) + " nodes and " +
                             std::to_string(loader.edges()) + " edges, the manifest says " + std::to_string(p.nodes) +
                             " and " + std::to_string(p.edges));
      spans.push_back(Span{st.line_base, loader.lines(), st.node_base, st.edge_base});
      st.line_base += loader.lines();
      st.node_base += loader.nodes();
      st.edge_base += loader.edges();
      bytes_out += in.bytes_out();
      bytes_in += in.bytes_in();
      gzip = gzip || in.gzip();
      if (i == 0) {
        first = loader.meta();
        st.first_meta = &first;
      }
    }
    Snapshot s = builder.finish();
    report.gzip = gzip;
    report.bytes_read = bytes_out;
    report.records = st.node_base + st.edge_base;
    report.merged_edges = builder.merged_edges();
    report.input_bytes = bytes_in + m.manifest_bytes;
    report.checksum = m.checksum;
    return s;
  } catch (const InputError& e) {
    throw remap(e);
  }
}

}  // namespace hydrascope::io

namespace hydrascope {

// The per-line checks of parse_piece() and NdjsonLoader::header() on one
// line, for callers that hold lines one at a time (engine/mpi).
CheckedLine check_ndjson_line(std::string_view text, bool header_expected, const std::string& file,
                              std::uint64_t line_no, std::uint64_t node_index, std::uint64_t edge_index) {
  using namespace io;
  CheckedLine out;
  const char* p = text.data();
  if (is_blank_line(p, p + text.size())) return out;
  thread_local Worker w;
  thread_local std::string buf;
  buf.assign(text);
  w.name.clear();
  SourceLocation loc;
  loc.file = file;
  loc.line = line_no;
  if (header_expected) {
    loc.record_kind = "header";
    if (!parse_line(w, buf.data(), buf.size())) {
      loc.field = w.field;
      throw InputError(std::move(loc), w.message);
    }
    const ParsedRecord& r = w.sax.record;
    if (r.has(kFKind) || (!r.has(kFFormat) && (r.has(kFId) || r.has(kFSrc)))) {
      loc.field = "format";
      throw InputError(std::move(loc),
                       "the first line must be the header {\"format\": \"hydrascope.snapshot\", \"version\": 1, ...}");
    }
    if (!check_header(r, out.meta, w.field, w.message)) {
      loc.field = w.field;
      throw InputError(std::move(loc), w.message);
    }
    out.kind = CheckedLine::Kind::Header;
    return out;
  }
  auto fail = [&](const char* kind, std::uint64_t index) {
    loc.record_kind = kind;
    loc.record_index = index;
    loc.record_id = w.name;
    loc.field = w.field;
    throw InputError(std::move(loc), w.message);
  };
  if (!parse_line(w, buf.data(), buf.size())) {
    const std::string_view kind = failed_record_kind(w);
    fail(kind.data(), kind == "node" ? node_index : kind == "edge" ? edge_index : kNoPosition);
  }
  const ParsedRecord& r = w.sax.record;
  const std::optional<bool> node_or_edge = record_is_node(w);
  if (!node_or_edge) fail("record", kNoPosition);
  const bool is_node = *node_or_edge;
  CheckedRecord c;
  if (!check_record(r, is_node, c, w.field, w.message, w.name))
    fail(is_node ? "node" : "edge", is_node ? node_index : edge_index);
  out.kind = is_node ? CheckedLine::Kind::Node : CheckedLine::Kind::Edge;
  out.a.assign(c.a);
  if (!is_node) out.b.assign(c.b);
  return out;
}

}  // namespace hydrascope
