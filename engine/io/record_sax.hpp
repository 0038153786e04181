// The RapidJSON SAX handler shared by the NDJSON and JSON document readers:
// it fills a reusable ParsedRecord (no DOM, no per-record allocation once
// warm) and checks field syntax; SnapshotBuilder checks the rest.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "hydrascope/snapshot.hpp"

namespace hydrascope::io {

/// Stable storage for strings the parser hands out only for the duration of
/// a callback (non-in-situ parsing). Blocks never move; reset() keeps them.
class Arena {
 public:
  std::string_view store(const char* s, std::size_t n);
  void reset() noexcept {
    block_ = 0;
    used_ = 0;
  }

 private:
  std::vector<std::unique_ptr<char[]>> blocks_;
  std::vector<std::size_t> sizes_;
  std::size_t block_ = 0, used_ = 0;
};

/// Fields a record may carry (bit numbers in the `present`/`bad` masks).
enum Field : std::uint8_t {
  kFKind, kFId, kFType, kFSrc, kFDst, kFLabel, kFCreatedAt, kFFirstSeen, kFLastSeen, kFWeight,
  kFActivity, kFAttrs, kFFormat, kFVersion, kFSnapshot, kNumFields, kFUnknown = 255
};
[[nodiscard]] const char* field_name(Field f) noexcept;

/// A timestamp field as written: RFC 3339 text or integer Unix seconds.
struct RawTime {
  enum State : std::uint8_t { Absent, Text, Integer, Wrong } state = Absent;
  std::string_view text;
  std::int64_t integer = 0;
  const char* wrong = "";  ///< JSON type found when state == Wrong
};

/// The `snapshot` object of a header.
struct RawSnapshot {
  bool present = false;
  std::string id;
  RawTime taken_at;
  bool has_activity = false;
  RawTime start;
  bool has_bucket_seconds = false, has_buckets = false;
  double bucket_seconds = 0, buckets = 0;
  bool bucket_seconds_int = false, buckets_int = false;
  std::string error_field, error;  ///< first syntax problem inside `snapshot`
};

/// One parsed JSON object (node, edge or header), fields as written.
struct ParsedRecord {
  std::uint32_t present = 0;  ///< bit per Field: key seen with a usable type
  std::uint32_t wrong = 0;    ///< bit per Field: key seen with an unusable JSON type
  const char* wrong_type[kNumFields] = {};
  std::string_view kind, id, type, src, dst, label, format;
  RawTime created_at, first_seen, last_seen;
  double weight = 1.0;
  bool weight_is_int = false;
  double version = 0;
  bool version_is_int = false;
  std::vector<double> activity;
  std::string activity_error;  ///< first bad element of `activity`
  std::vector<AttrInput> attrs;
  std::string attrs_error;     ///< first bad entry of `attrs`
  RawSnapshot snapshot;

  void clear() noexcept;
  [[nodiscard]] bool has(Field f) const noexcept { return (present >> f) & 1u; }
};

/// Where the handler is used.
enum class SaxMode : std::uint8_t { Line, Document };

/// Receives each node/edge object of a JSON document as it ends.
class RecordSink {
 public:
  virtual ~RecordSink() = default;
  /// `nodes` = inside the "nodes" array (else "edges"); `offset` = byte
  /// offset of the object's '{'. Throws InputError on a bad record.
  virtual void on_record(ParsedRecord& r, bool nodes, std::uint64_t offset) = 0;
};

/// SAX handler. Line mode: the whole input is one object (an NDJSON line)
/// and ends in `record`. Document mode: the root object's `format`,
/// `version` and `snapshot` land in `record`; each element of `nodes` and
/// `edges` is parsed into `item` and handed to the sink.
class RecordSax {
 public:
  RecordSax(SaxMode mode, RecordSink* sink = nullptr) : mode_(mode), sink_(sink) {}
  void reset();
  /// Byte offset callback for Document mode (records' '{').
  void set_tell(std::uint64_t (*tell)(const void*), const void* stream) {
    tell_ = tell;
    stream_ = stream;
  }

  ParsedRecord record;  ///< the line's object, or the document's header fields
  ParsedRecord item;    ///< Document mode: the current node/edge
  /// Structural problem found by the handler (it then returned false).
  std::string error, error_field;
  /// The key being read when parsing stopped (names the field of syntax errors).
  [[nodiscard]] Field current_field() const noexcept { return field_; }
  [[nodiscard]] std::string_view current_key() const noexcept { return key_; }
  [[nodiscard]] bool in_items() const noexcept { return in_items_; }
  /// Inside a node/edge object (not between them).
  [[nodiscard]] bool in_record() const noexcept {
    const State s = state_ == State::Skip ? skip_back_ : state_;
    return s == State::Record || s == State::Attrs || s == State::Activity;
  }
  [[nodiscard]] bool items_are_nodes() const noexcept { return items_nodes_; }
  [[nodiscard]] std::uint64_t item_index() const noexcept { return items_nodes_ ? nodes_seen_ : edges_seen_; }
  [[nodiscard]] std::uint64_t item_offset() const noexcept { return item_offset_; }
  [[nodiscard]] bool seen_nodes_key() const noexcept { return seen_nodes_; }

  // RapidJSON handler concept.
  bool Null();
  bool Bool(bool b);
  // Activity buckets (most numbers of a snapshot) take the inline path.
  bool Int(int i) {
    if (state_ == State::Activity) {
      cur().activity.push_back(static_cast<double>(i));
      return true;
    }
    return Integer(i);
  }
  bool Uint(unsigned u) {
    if (state_ == State::Activity) {
      cur().activity.push_back(static_cast<double>(u));
      return true;
    }
    return Integer(u);
  }
  bool Int64(std::int64_t i) { return Integer(i); }
  bool Uint64(std::uint64_t u);
  bool Double(double d);
  bool RawNumber(const char*, std::size_t, bool) { return false; }
  bool String(const char* s, std::size_t n, bool copy);
  bool StartObject();
  bool Key(const char* s, std::size_t n, bool copy);
  bool EndObject(std::size_t);
  bool StartArray();
  bool EndArray(std::size_t);

 private:
  enum class State : std::uint8_t {
    Top, Root, Items, Record, Attrs, Activity, Snapshot, SnapshotActivity, Skip, Done
  };
  bool Integer(std::int64_t i);
  bool Number(double d, bool is_int, std::int64_t i);
  bool Scalar(const char* type_name);  // a bool/null/string in a place that wants another type
  ParsedRecord& cur() noexcept { return mode_ == SaxMode::Line || !in_items_ ? record : item; }
  std::string_view keep(const char* s, std::size_t n, bool copy) {
    if (!copy) return {s, n};
    return in_items_ ? item_arena_.store(s, n) : arena_.store(s, n);
  }
  bool fail(std::string field, std::string message) {
    error_field = std::move(field);
    error = std::move(message);
    return false;
  }
  void start_skip(State back) {
    skip_back_ = back;
    skip_depth_ = 1;
    state_ = State::Skip;
  }
  void wrong(Field f, const char* type_name);
  void push_attr(const AttrInput& a);
  bool enter();  // depth check of StartObject / StartArray

  SaxMode mode_;
  RecordSink* sink_;
  State state_ = State::Top;
  State skip_back_ = State::Top;
  std::uint64_t skip_depth_ = 0;
  std::size_t depth_ = 0;       // current JSON nesting (root object = 1)
  Field field_ = kFUnknown;
  std::string_view key_;        // current key (record level, or attr key)
  std::string_view attr_key_;
  int snap_key_ = -1;           // key inside snapshot / snapshot.activity
  bool in_items_ = false, items_nodes_ = false, seen_nodes_ = false;
  int root_key_ = -1;           // Document: 0 format, 1 version, 2 snapshot, 3 nodes, 4 edges, -1 other
  std::uint64_t nodes_seen_ = 0, edges_seen_ = 0, item_offset_ = 0;
  Arena arena_, item_arena_;
  void item_arena_reset() noexcept { item_arena_.reset(); }
  std::uint64_t (*tell_)(const void*) = nullptr;
  const void* stream_ = nullptr;
};

/// A node or edge record checked for field syntax (strings still views).
struct CheckedRecord {
  bool is_node = false;
  std::string_view a, b, type;  ///< node: id, "", type; edge: src, dst, type
  Label label = Label::Unknown;
  Timestamp t1 = kNoTime, t2 = kNoTime;  ///< node: created_at; edge: first_seen, last_seen
  double weight = 1.0;
  bool has_activity = false;
};

/// Field-syntax check of a node (`is_node`) or edge. On failure returns false
/// with `field` and `message` set (and `name` = the record's id or "src -> dst"
/// as far as known). Activity values and attrs stay in `r`.
bool check_record(const ParsedRecord& r, bool is_node, CheckedRecord& out, std::string& field,
                  std::string& message, std::string& name);

/// Header check: `format`, `version` and `snapshot`. On failure returns false
/// with `field` (e.g. "snapshot.activity.buckets") and `message`.
bool check_header(const ParsedRecord& r, SnapshotMeta& meta, std::string& field, std::string& message);

/// Shortest text of a number for messages.
std::string number_text(double d);

}  // namespace hydrascope::io
