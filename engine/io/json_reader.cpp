// JSON document reader (SNAPSHOT_FORMAT.md section 2): RapidJSON SAX over a
// chunked stream (memory independent of the file size, never a DOM). Top-level
// keys may come in any order; each node/edge object is checked and handed to
// SnapshotBuilder as soon as it ends. Errors carry the record's byte offset.
#include <rapidjson/error/en.h>
#include <rapidjson/reader.h>

#include <cstring>
#include <string>
#include <vector>

#include "io_internal.hpp"
#include "record_sax.hpp"

namespace hydrascope::io {

namespace {

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

class DocLoader final : public RecordSink {
 public:
  DocLoader(const std::string& path, SnapshotBuilder& builder) : path_(path), builder_(builder) {}

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
    const RecordRef where{0, offset, index};
    if (nodes) {
      builder_.add_node(where, checked_.a, checked_.type, checked_.label, checked_.t1, r.attrs,
                        checked_.has_activity ? &r.activity : nullptr);
      ++nodes_;
    } else {
      builder_.add_edge(where, checked_.a, checked_.b, checked_.type, checked_.weight, checked_.t1, checked_.t2);
      ++edges_;
    }
    name_.clear();
  }
  std::uint64_t nodes_ = 0, edges_ = 0;
  const ParsedRecord* header_ = nullptr;

 private:
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
    if (header_->snapshot.present) builder_.set_meta(meta);
  }
  bool header_checked_ = false;
  const std::string& path_;
  SnapshotBuilder& builder_;
  CheckedRecord checked_;
  std::string field_, message_, name_;
};

}  // namespace

Snapshot read_json(const std::string& path, const LoadOptions& options, LoadReport& report) {
  InputStream in(path);
  SnapshotBuilder builder(path);
  DocLoader loader(path, builder);
  RecordSax sax(SaxMode::Document, &loader);
  sax.reset();
  loader.header_ = &sax.record;
  JsonStream stream(in, options);
  sax.set_tell(&JsonStream::tell, &stream);
  rapidjson::Reader reader;
  reader.Parse<kDocFlags>(stream, sax);

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
  report.records = loader.nodes_ + loader.edges_;
  report.merged_edges = builder.merged_edges();
  return s;
}

}  // namespace hydrascope::io
