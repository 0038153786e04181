// JSON document reader (docs/formats.md section 2): RapidJSON SAX over a
// chunked stream (memory independent of the file size, never a DOM). Top-level
// keys may come in any order; each node/edge object is checked and handed to
// SnapshotBuilder as soon as it ends. Errors carry the record's byte offset.
#include <rapidjson/error/en.h>
#include <rapidjson/reader.h>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <exception>
#include <mutex>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "io_internal.hpp"
#include "record_sax.hpp"

namespace hydrascope::io {

namespace {

// Smallest plain file read with two threads (below, a thread costs more than it saves).
constexpr std::uint64_t kTwoThreadBytes = std::uint64_t{1} << 20;

constexpr unsigned kDocFlags =
    rapidjson::kParseValidateEncodingFlag | rapidjson::kParseFullPrecisionFlag | rapidjson::kParseIterativeFlag;

// RapidJSON input-stream concept (Peek/Take/Tell) over an InputStream. A NUL
// byte in the data ends the stream there (and is reported after parsing).
class JsonStream {
 public:
  using Ch = char;
  JsonStream(InputStream& in, const LoadOptions& options) : in_(in), options_(options), buf_(in.buffer_size(kChunkBytes) + 1) {
    cur_ = last_ = buf_.data();
    refill();
    if (last_ - cur_ >= 3 && std::memcmp(cur_, "\xEF\xBB\xBF", 3) == 0) cur_ += 3;  // UTF-8 BOM
  }
  [[nodiscard]] Ch Peek() const { return *cur_; }
  Ch Take() {
    const Ch c = *cur_;
    if (cur_ < last_) {
      ++cur_;
      if (cur_ == last_ && !eof_) refill();
    }
    return c;
  }
  [[nodiscard]] std::size_t Tell() const { return static_cast<std::size_t>(base_ + static_cast<std::uint64_t>(cur_ - buf_.data())); }
  // Output side of the concept (unused by a reader).
  Ch* PutBegin() { return nullptr; }
  void Put(Ch) {}
  void Flush() {}
  std::size_t PutEnd(Ch*) { return 0; }

  [[nodiscard]] std::uint64_t nul_offset() const noexcept { return nul_; }
  static std::uint64_t tell(const void* self) { return static_cast<const JsonStream*>(self)->Tell(); }

 private:
  void refill() {
    base_ += static_cast<std::uint64_t>(last_ - buf_.data());
    std::size_t got = 0;
    while (got == 0 && !eof_) {
      got = in_.read(buf_.data(), buf_.size() - 1);
      if (got == 0) eof_ = true;
    }
    if (got > 0) {
      if (const void* z = std::memchr(buf_.data(), '\0', got); z != nullptr) {
        got = static_cast<std::size_t>(static_cast<const char*>(z) - buf_.data());
        nul_ = base_ + got;
        eof_ = true;
      }
      report_progress(options_, in_);
    }
    cur_ = buf_.data();
    last_ = buf_.data() + got;
    *last_ = '\0';  // RapidJSON reads '\0' as the end of the data
  }

  InputStream& in_;
  const LoadOptions& options_;
  std::vector<char> buf_;
  char* cur_ = nullptr;
  char* last_ = nullptr;
  std::uint64_t base_ = 0;
  bool eof_ = false;
  std::uint64_t nul_ = kNoPosition;
};

// Feeds checked records to the builder, and sizes its columns from the
// records per byte seen so far (plain files: nodes from the first 64k nodes,
// edges from the first 64k edges; a document lists nodes, then edges).
// Where the node records of a plain document end, estimated by bisection
// over small samples of the file between `lo` (inside the nodes) and its
// end: a sample whose first "id" or "src" key is "src" lies in the edges.
// Only a size hint (the usual layout: nodes, then edges); the file size when
// unsure.
std::uint64_t nodes_end_estimate(const std::string& path, std::uint64_t lo, std::uint64_t size) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return size;
  constexpr std::size_t kSample = 16 << 10;
  std::vector<char> buf(kSample);
  // 1 = nodes, 2 = edges, 0 = cannot tell.
  const auto classify = [&](std::uint64_t at) {
    const ssize_t got = ::pread(fd, buf.data(), kSample, static_cast<off_t>(at));
    if (got <= 0) return 0;
    const std::string_view v(buf.data(), static_cast<std::size_t>(got));
    const std::size_t id = v.find("\"id\""), src = v.find("\"src\"");
    if (id == std::string_view::npos && src == std::string_view::npos) return 0;
    return id < src ? 1 : 2;
  };
  std::uint64_t hi = size;
  if (classify(size > kSample ? size - kSample : 0) != 2) hi = 0;  // no edges at the end: no estimate
  while (hi != 0 && hi - lo > kSample) {
    const std::uint64_t mid = lo + (hi - lo) / 2;
    const int c = classify(mid);
    if (c == 0) {
      hi = 0;
      break;
    }
    (c == 1 ? lo : hi) = mid;
  }
  ::close(fd);
  return hi == 0 ? size : hi;
}

class Feeder {
 public:
  Feeder(SnapshotBuilder& builder, const InputStream& in) : builder_(builder), in_(in) {}

  void add(const CheckedRecord& c, bool nodes, std::uint64_t offset, std::span<const AttrInput> attrs,
           const std::vector<double>* activity) {
    const std::uint64_t index = nodes ? nodes_ : edges_;
    if (index == kSizeAt) reserve(nodes, offset);
    if (index == 0) (nodes ? first_node_ : first_edge_) = offset;
    const RecordRef where{0, offset, index};
    if (nodes) {
      builder_.add_node(where, c.a, c.type, c.label, c.t1, attrs, activity);
      ++nodes_;
    } else {
      builder_.add_edge(where, c.a, c.b, c.type, c.weight, c.t1, c.t2);
      ++edges_;
    }
  }
  std::uint64_t nodes_ = 0, edges_ = 0;

 private:
  static constexpr std::uint64_t kSizeAt = 65536;
  void reserve(bool nodes, std::uint64_t offset) {
    std::uint64_t size = in_.file_size();
    const std::uint64_t first = nodes ? first_node_ : first_edge_;
    if (in_.gzip() || size <= offset || offset <= first) return;
    if (nodes) size = std::max(offset + 1, nodes_end_estimate(in_.path(), offset, size));
    const double per_byte = static_cast<double>(kSizeAt) / static_cast<double>(offset - first);
    const auto rest = static_cast<std::size_t>(per_byte * static_cast<double>(size - offset) * 1.03);
    if (nodes) builder_.reserve(std::min<std::size_t>(nodes_ + rest, kInvalidNode - 2), 0);
    else builder_.reserve(nodes_, edges_ + rest);
  }
  SnapshotBuilder& builder_;
  const InputStream& in_;
  std::uint64_t first_node_ = 0, first_edge_ = 0;
};

// Records of the document in batches, handed from the parsing thread to the
// feeding thread (two threads or more). Strings are copied into the batch.
struct DocBatch {
  struct Rec {
    CheckedRecord c;
    bool nodes = false;
    std::uint64_t offset = 0;
    std::uint32_t attr_begin = 0, attr_count = 0;
    std::uint64_t act_begin = 0, act_count = 0;
  };
  std::vector<Rec> recs;
  std::vector<AttrInput> attrs;
  std::vector<double> activity;
  Arena text;
  bool has_meta = false;
  SnapshotMeta meta;
  void clear() {
    recs.clear();
    attrs.clear();
    activity.clear();
    text.reset();
    has_meta = false;
  }
};

// A bounded queue of batches between the two threads. The parser stops when
// the feeder has failed (its error comes first in the file).
class BatchQueue {
 public:
  static constexpr std::size_t kDepth = 3;
  // Parser side: an empty batch to fill (reused), or nullptr if the feeder stopped.
  DocBatch* take_empty() {
    std::unique_lock lock(m_);
    cv_.wait(lock, [&] { return !free_.empty() || feeder_stopped_; });
    if (feeder_stopped_) return nullptr;
    DocBatch* b = free_.back();
    free_.pop_back();
    return b;
  }
  void push_full(DocBatch* b) {
    change([&] { full_.push_back(b); });
  }
  void close() {
    change([&] { closed_ = true; });
  }
  // Feeder side: the next full batch, or nullptr at the end.
  DocBatch* take_full() {
    std::unique_lock lock(m_);
    cv_.wait(lock, [&] { return !full_.empty() || closed_; });
    if (full_.empty()) return nullptr;
    DocBatch* b = full_.front();
    full_.pop_front();
    return b;
  }
  void give_back(DocBatch* b) {
    change([&] { free_.push_back(b); });
  }
  void feeder_stopped() {
    change([&] { feeder_stopped_ = true; });
  }
  BatchQueue() {
    for (DocBatch& b : batches_) free_.push_back(&b);
  }

 private:
  // Applies `update` under the lock, then wakes both sides.
  template <class Update>
  void change(Update update) {
    {
      std::lock_guard lock(m_);
      update();
    }
    cv_.notify_all();
  }
  DocBatch batches_[kDepth];
  std::mutex m_;
  std::condition_variable cv_;
  std::vector<DocBatch*> free_;
  std::deque<DocBatch*> full_;
  bool closed_ = false, feeder_stopped_ = false;
};

// Thrown inside the parser when the feeder has failed: parsing just stops.
struct FeederStopped {};

class DocLoader final : public RecordSink {
 public:
  DocLoader(const std::string& path, SnapshotBuilder& builder, Feeder& feeder, BatchQueue* queue)
      : path_(path), builder_(builder), feeder_(feeder), queue_(queue) {}

  void on_record(ParsedRecord& r, bool nodes, std::uint64_t offset) override {
    if (!header_checked_) early_header();
    const std::uint64_t index = nodes ? nodes_ : edges_;
    if (!check_record(r, nodes, checked_, field_, message_, name_)) {
      SourceLocation loc;
      loc.file = path_;
      loc.byte_offset = offset;
      loc.record_kind = nodes ? "node" : "edge";
      loc.record_index = index;
      loc.record_id = name_;
      loc.field = field_;
      throw InputError(std::move(loc), message_);
    }
    if (queue_ == nullptr) {
      feeder_.add(checked_, nodes, offset, r.attrs, checked_.has_activity ? &r.activity : nullptr);
    } else {
      batch_record(r, nodes, offset);
    }
    if (nodes) ++nodes_;
    else ++edges_;
    name_.clear();
  }
  // Hands the last partial batch over (two-thread mode).
  void flush() {
    if (batch_ != nullptr && (!batch_->recs.empty() || batch_->has_meta)) {
      queue_->push_full(batch_);
      batch_ = nullptr;
    }
  }
  std::uint64_t nodes_ = 0, edges_ = 0;
  const ParsedRecord* header_ = nullptr;

 private:
  static constexpr std::size_t kBatchRecords = 16384;
  DocBatch& batch() {
    if (batch_ == nullptr) {
      batch_ = queue_->take_empty();
      if (batch_ == nullptr) throw FeederStopped{};
      batch_->clear();
    }
    return *batch_;
  }
  void batch_record(const ParsedRecord& r, bool nodes, std::uint64_t offset) {
    DocBatch& b = batch();
    DocBatch::Rec rec;
    rec.c = checked_;
    rec.c.a = b.text.store(checked_.a.data(), checked_.a.size());
    rec.c.b = b.text.store(checked_.b.data(), checked_.b.size());
    rec.c.type = b.text.store(checked_.type.data(), checked_.type.size());
    rec.nodes = nodes;
    rec.offset = offset;
    if (nodes) {
      rec.attr_begin = static_cast<std::uint32_t>(b.attrs.size());
      rec.attr_count = static_cast<std::uint32_t>(r.attrs.size());
      for (AttrInput a : r.attrs) {
        a.key = b.text.store(a.key.data(), a.key.size());
        if (a.type == AttrType::String) a.text = b.text.store(a.text.data(), a.text.size());
        b.attrs.push_back(a);
      }
      if (checked_.has_activity) {
        rec.act_begin = b.activity.size();
        rec.act_count = r.activity.size();
        b.activity.insert(b.activity.end(), r.activity.begin(), r.activity.end());
      }
    }
    b.recs.push_back(rec);
    if (b.recs.size() >= kBatchRecords) flush();
  }
  // When `format` and `version` come before the first record (the usual
  // order), a wrong header fails at once instead of after the whole file.
  void early_header() {
    header_checked_ = true;
    const auto seen = [&](Field f) { return header_->has(f) || ((header_->wrong >> f) & 1u) != 0; };
    if (header_ == nullptr || !seen(kFFormat) || !seen(kFVersion)) return;
    SnapshotMeta meta;
    if (!check_header(*header_, meta, field_, message_)) {
      SourceLocation loc;
      loc.file = path_;
      loc.record_kind = "header";
      loc.field = field_;
      throw InputError(std::move(loc), message_);
    }
    if (!header_->snapshot.present) return;
    if (queue_ == nullptr) {
      builder_.set_meta(meta);
    } else {
      DocBatch& b = batch();
      b.has_meta = true;
      b.meta = meta;
    }
  }
  bool header_checked_ = false;
  const std::string& path_;
  SnapshotBuilder& builder_;
  Feeder& feeder_;
  BatchQueue* queue_;
  DocBatch* batch_ = nullptr;
  CheckedRecord checked_;
  std::string field_, message_, name_;
};

// The feeding thread: batches in order into the builder until the end or
// the first builder error (kept for the caller).
void feed_batches(BatchQueue& queue, SnapshotBuilder& builder, Feeder& feeder, std::exception_ptr& error) {
  std::vector<double> activity;
  try {
    while (DocBatch* b = queue.take_full()) {
      if (b->has_meta) builder.set_meta(b->meta);
      for (const DocBatch::Rec& r : b->recs) {
        const std::vector<double>* act = nullptr;
        if (r.c.has_activity) {
          activity.assign(b->activity.begin() + static_cast<std::ptrdiff_t>(r.act_begin),
                          b->activity.begin() + static_cast<std::ptrdiff_t>(r.act_begin + r.act_count));
          act = &activity;
        }
        feeder.add(r.c, r.nodes, r.offset,
                   r.nodes ? std::span<const AttrInput>(b->attrs.data() + r.attr_begin, r.attr_count)
                           : std::span<const AttrInput>(),
                   act);
      }
      queue.give_back(b);
    }
  } catch (...) {
    error = std::current_exception();
    queue.feeder_stopped();
  }
}

}  // namespace

Snapshot read_json(const std::string& path, const LoadOptions& options, LoadReport& report, InputStream& in) {
  SnapshotBuilder builder(path);
  builder.set_memory_limit(options.max_memory_bytes, options.memory_model);
  Feeder feeder(builder, in);
  // Two threads or more, and more than a small file: one thread parses and
  // checks, another feeds the builder (batches of records, in file order).
  const int threads = resolve_threads(options.threads);
  bool two = threads >= 2 && (in.gzip() || in.file_size() == 0 || in.file_size() >= kTwoThreadBytes);
  BatchQueue* queue = nullptr;
  std::unique_ptr<BatchQueue> queue_owner;
  std::exception_ptr feed_error;
  std::thread feeding;
  if (two) {
    queue_owner = std::make_unique<BatchQueue>();
    queue = queue_owner.get();
    try {
      feeding = std::thread([&] { feed_batches(*queue, builder, feeder, feed_error); });
    } catch (const std::system_error&) {  // no thread to be had: parse and feed on this one
      two = false;
      queue = nullptr;
    }
  }
  struct JoinGuard {  // an exception before the join below must not leave the thread running
    BatchQueue* queue;
    std::thread& thread;
    ~JoinGuard() {
      if (thread.joinable()) {
        queue->close();
        thread.join();
      }
    }
  } join_guard{queue, feeding};
  DocLoader loader(path, builder, feeder, queue);
  RecordSax sax(SaxMode::Document, &loader);
  sax.reset();
  loader.header_ = &sax.record;
  JsonStream stream(in, options);
  sax.set_tell(&JsonStream::tell, &stream);
  rapidjson::Reader reader;
  if (!two) {
    reader.Parse<kDocFlags>(stream, sax);
  } else {
    // The parser's own exception (a bad record, a cancel) is reported only if
    // the feeder got through every record before it.
    std::exception_ptr parse_error;
    try {
      reader.Parse<kDocFlags>(stream, sax);
      loader.flush();
    } catch (const FeederStopped&) {
    } catch (...) {
      parse_error = std::current_exception();
      try {
        loader.flush();
      } catch (const FeederStopped&) {
      }
    }
    queue->close();
    feeding.join();
    if (feed_error) std::rethrow_exception(feed_error);
    if (parse_error) std::rethrow_exception(parse_error);
  }

  SourceLocation loc;
  loc.file = path;
  if (stream.nul_offset() != kNoPosition && (!reader.HasParseError() || reader.GetErrorOffset() >= stream.nul_offset())) {
    loc.byte_offset = stream.nul_offset();
    throw InputError(std::move(loc), "NUL byte in the document");
  }
  if (reader.HasParseError()) {
    loc.byte_offset = reader.GetErrorOffset();
    if (sax.in_items()) {
      loc.record_kind = sax.items_are_nodes() ? "node" : "edge";
      loc.record_index = sax.item_index();
      if (!sax.in_record()) {
        // between records: the item fields are stale
      } else if (sax.items_are_nodes() && sax.item.has(kFId)) loc.record_id = std::string(sax.item.id);
      if (!sax.items_are_nodes() && sax.item.has(kFSrc) && sax.item.has(kFDst))
        loc.record_id = std::string(sax.item.src) + " -> " + std::string(sax.item.dst);
    }
    if (!sax.error.empty()) {
      loc.field = sax.error_field;
      throw InputError(std::move(loc), sax.error);
    }
    if (sax.in_record() && sax.current_field() != kFUnknown) loc.field = field_name(sax.current_field());
    const auto code = reader.GetParseErrorCode();
    std::string message = std::string("invalid JSON: ") + rapidjson::GetParseError_En(code);
    if (code == rapidjson::kParseErrorDocumentEmpty && reader.GetErrorOffset() == 0) message = "the file is empty";
    throw InputError(std::move(loc), message);
  }
  loc.record_kind = "header";
  SnapshotMeta meta;
  std::string field, message;
  if (!check_header(sax.record, meta, field, message)) {
    loc.field = field;
    throw InputError(std::move(loc), message);
  }
  builder.set_meta(meta);
  Snapshot s = builder.finish();
  report.gzip = in.gzip();
  report.bytes_read = in.bytes_out();
  report.records = feeder.nodes_ + feeder.edges_;
  report.merged_edges = builder.merged_edges();
  return s;
}

}  // namespace hydrascope::io
