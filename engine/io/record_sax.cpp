// RecordSax: one state machine for NDJSON lines and JSON documents. It keeps
// what each key held (or which wrong JSON type it held) so that the checks
// run once the record's kind is known: keys may come in any order.
#include "record_sax.hpp"

#include <charconv>
#include <cmath>
#include <cstring>

#include "io_internal.hpp"

namespace hydrascope::io {

std::string_view Arena::store(const char* s, std::size_t n) {
  for (;;) {
    if (block_ < blocks_.size() && sizes_[block_] - used_ >= n) {
      char* p = blocks_[block_].get() + used_;
      if (n > 0) std::memcpy(p, s, n);
      used_ += n;
      return {p, n};
    }
    if (block_ < blocks_.size() && used_ > 0) {
      ++block_;
      used_ = 0;
      continue;
    }
    if (block_ < blocks_.size()) {  // empty block too small for this string: replace it
      const std::size_t size = std::max<std::size_t>(n, 64 * 1024);
      blocks_[block_] = std::make_unique<char[]>(size);
      sizes_[block_] = size;
      continue;
    }
    const std::size_t size = std::max<std::size_t>(n, 64 * 1024);
    blocks_.push_back(std::make_unique<char[]>(size));
    sizes_.push_back(size);
    used_ = 0;
  }
}

const char* field_name(Field f) noexcept {
  switch (f) {
    case kFKind: return "kind";
    case kFId: return "id";
    case kFType: return "type";
    case kFSrc: return "src";
    case kFDst: return "dst";
    case kFLabel: return "label";
    case kFCreatedAt: return "created_at";
    case kFFirstSeen: return "first_seen";
    case kFLastSeen: return "last_seen";
    case kFWeight: return "weight";
    case kFActivity: return "activity";
    case kFAttrs: return "attrs";
    case kFFormat: return "format";
    case kFVersion: return "version";
    case kFSnapshot: return "snapshot";
    default: return "";
  }
}

namespace {

Field field_of(const char* s, std::size_t n) noexcept {
  auto is = [&](const char* name) { return std::strlen(name) == n && std::memcmp(s, name, n) == 0; };
  switch (n) {
    case 2: return is("id") ? kFId : kFUnknown;
    case 3:
      if (is("src")) return kFSrc;
      if (is("dst")) return kFDst;
      return kFUnknown;
    case 4:
      if (is("kind")) return kFKind;
      if (is("type")) return kFType;
      return kFUnknown;
    case 5:
      if (is("label")) return kFLabel;
      if (is("attrs")) return kFAttrs;
      return kFUnknown;
    case 6:
      if (is("weight")) return kFWeight;
      if (is("format")) return kFFormat;
      return kFUnknown;
    case 7: return is("version") ? kFVersion : kFUnknown;
    case 8:
      if (is("activity")) return kFActivity;
      if (is("snapshot")) return kFSnapshot;
      return kFUnknown;
    case 9: return is("last_seen") ? kFLastSeen : kFUnknown;
    case 10:
      if (is("created_at")) return kFCreatedAt;
      if (is("first_seen")) return kFFirstSeen;
      return kFUnknown;
    default: return kFUnknown;
  }
}

bool is_string_field(Field f) noexcept {
  return f == kFKind || f == kFId || f == kFType || f == kFSrc || f == kFDst || f == kFLabel || f == kFFormat;
}
bool is_time_field(Field f) noexcept { return f == kFCreatedAt || f == kFFirstSeen || f == kFLastSeen; }

RawTime& time_of(ParsedRecord& r, Field f) noexcept {
  return f == kFCreatedAt ? r.created_at : f == kFFirstSeen ? r.first_seen : r.last_seen;
}

constexpr std::int64_t kMaxBuckets = 1'000'000;

}  // namespace

std::string number_text(double d) {
  char buf[64];
  const auto [p, ec] = std::to_chars(buf, buf + sizeof buf, d);
  return ec == std::errc() ? std::string(buf, p) : std::string("?");
}

void ParsedRecord::clear() noexcept {
  present = 0;
  wrong = 0;
  kind = id = type = src = dst = label = format = {};
  created_at = first_seen = last_seen = RawTime{};
  weight = 1.0;
  weight_is_int = false;
  version = 0;
  version_is_int = false;
  activity.clear();
  activity_error.clear();
  attrs.clear();
  attrs_error.clear();
  if (snapshot.present) {
    snapshot.present = false;
    snapshot.id.clear();
    snapshot.taken_at = RawTime{};
    snapshot.has_activity = false;
    snapshot.start = RawTime{};
    snapshot.has_bucket_seconds = snapshot.has_buckets = false;
    snapshot.bucket_seconds_int = snapshot.buckets_int = false;
    snapshot.error_field.clear();
    snapshot.error.clear();
  }
}

void RecordSax::reset() {
  state_ = State::Top;
  record.clear();
  if (mode_ == SaxMode::Document) item.clear();  // lines never use it
  error.clear();
  error_field.clear();
  field_ = kFUnknown;
  key_ = {};
  depth_ = 0;
  in_items_ = items_nodes_ = seen_nodes_ = false;
  nodes_seen_ = edges_seen_ = item_offset_ = 0;
  root_key_ = -1;
  arena_.reset();
  item_arena_.reset();
}

void RecordSax::push_attr(const AttrInput& a) {
  ParsedRecord& r = cur();
  if (r.attrs.size() < kMaxAttrs) {
    r.attrs.push_back(a);
  } else if (r.attrs_error.empty()) {
    r.attrs_error = "has more than " + std::to_string(kMaxAttrs) + " attrs (the limit per node)";
  }
}

bool RecordSax::enter() {
  if (++depth_ <= kMaxJsonDepth) return true;
  std::string f;
  if (state_ == State::Attrs) f = "attrs";
  else if (in_record() && field_ != kFUnknown) f = field_name(field_);
  return fail(std::move(f), "JSON nesting is deeper than the limit of " + std::to_string(kMaxJsonDepth) + " levels");
}

void RecordSax::wrong(Field f, const char* type_name) {
  if (f == kFUnknown) return;
  ParsedRecord& r = cur();
  r.present &= ~(1u << f);
  r.wrong |= 1u << f;
  r.wrong_type[f] = type_name;
}

bool RecordSax::Scalar(const char* type_name) {
  switch (state_) {
    case State::Top: return fail("", std::string("expected a JSON object, got ") + type_name);
    case State::Root:
      if (root_key_ == 0 || root_key_ == 1) {
        record.wrong |= 1u << (root_key_ == 0 ? kFFormat : kFVersion);
        record.wrong_type[root_key_ == 0 ? kFFormat : kFVersion] = type_name;
      } else if (root_key_ == 2) {
        record.wrong |= 1u << kFSnapshot;
        record.wrong_type[kFSnapshot] = type_name;
      } else if (root_key_ == 3 || root_key_ == 4) {
        return fail(root_key_ == 3 ? "nodes" : "edges", std::string("must be an array, got ") + type_name);
      }
      return true;
    case State::Items:
      return fail(items_nodes_ ? "nodes" : "edges",
                  "element #" + std::to_string(item_index()) + " must be an object, got " + type_name);
    case State::Record:
      if (is_time_field(field_)) {  // e.g. "created_at": true -- an error, never silently dropped
        RawTime& t = time_of(cur(), field_);
        t.state = RawTime::Wrong;
        t.wrong = type_name;
        cur().present |= 1u << field_;
      }
      wrong(field_, type_name);
      field_ = kFUnknown;
      return true;
    case State::Attrs:
      if (cur().attrs_error.empty())
        cur().attrs_error = "attr \"" + std::string(attr_key_) + "\" is " + type_name +
                            "; attrs values must be strings, numbers or booleans";
      return true;
    case State::Activity:
      if (cur().activity_error.empty())
        cur().activity_error =
            "bucket " + std::to_string(cur().activity.size()) + " is " + type_name + ", expected a number";
      cur().activity.push_back(0.0);
      return true;
    case State::Snapshot:
    case State::SnapshotActivity: {
      RawSnapshot& s = record.snapshot;
      if (state_ == State::Snapshot && snap_key_ == 1) {
        s.taken_at.state = RawTime::Wrong;
        s.taken_at.wrong = type_name;
      } else if (state_ == State::SnapshotActivity && snap_key_ == 0) {
        s.start.state = RawTime::Wrong;
        s.start.wrong = type_name;
      } else if (snap_key_ >= 0 && s.error.empty()) {
        static const char* kSnap[] = {"snapshot.id", "snapshot.taken_at", "snapshot.activity"};
        static const char* kAct[] = {"snapshot.activity.start", "snapshot.activity.bucket_seconds",
                                     "snapshot.activity.buckets"};
        s.error_field = state_ == State::Snapshot ? kSnap[snap_key_] : kAct[snap_key_];
        s.error = std::string("has the wrong type: ") + type_name;
      }
      return true;
    }
    case State::Skip: return true;
    case State::Done: return fail("", "unexpected value after the object");
  }
  return true;
}

bool RecordSax::Null() {
  if (state_ == State::Record) {
    // null = absent for optional fields; required fields must be strings.
    if (field_ == kFId || field_ == kFType || field_ == kFSrc || field_ == kFDst || field_ == kFKind ||
        field_ == kFFormat || field_ == kFVersion)
      wrong(field_, "null");
    field_ = kFUnknown;
    return true;
  }
  if (state_ == State::Attrs) return true;  // null attr = absent
  return Scalar("null");
}

bool RecordSax::Bool(bool b) {
  if (state_ == State::Attrs) {
    AttrInput a;
    a.key = attr_key_;
    a.type = AttrType::Bool;
    a.boolean = b;
    push_attr(a);
    return true;
  }
  return Scalar("a boolean");
}

bool RecordSax::Integer(std::int64_t i) {
  if (state_ == State::Attrs) {
    AttrInput a;
    a.key = attr_key_;
    a.type = AttrType::Int;
    a.integer = i;
    push_attr(a);
    return true;
  }
  return Number(static_cast<double>(i), true, i);
}

bool RecordSax::Uint64(std::uint64_t u) {
  if (u <= static_cast<std::uint64_t>(INT64_MAX)) return Integer(static_cast<std::int64_t>(u));
  if (state_ == State::Attrs) {
    // Integers stay integers: one past the signed 64-bit range would become a
    // double (18446744073709551615 -> 1.8446744073709552e19) and be written
    // back as another number.
    if (cur().attrs_error.empty())
      cur().attrs_error = "attr \"" + std::string(attr_key_) + "\" is the integer " + std::to_string(u) +
                          ", outside the signed 64-bit range of integer attrs (write it as a string)";
    return true;
  }
  return Double(static_cast<double>(u));
}

bool RecordSax::Double(double d) {
  if (state_ == State::Attrs) {
    AttrInput a;
    a.key = attr_key_;
    a.type = AttrType::Double;
    a.real = d;
    push_attr(a);
    return true;
  }
  return Number(d, false, 0);
}

bool RecordSax::Number(double d, bool is_int, std::int64_t i) {
  switch (state_) {
    case State::Record: {
      ParsedRecord& r = cur();
      if (field_ == kFWeight) {
        r.weight = d;
        r.weight_is_int = is_int;
        r.present |= 1u << kFWeight;
      } else if (field_ == kFVersion) {
        r.version = d;
        r.version_is_int = is_int;
        r.present |= 1u << kFVersion;
      } else if (is_time_field(field_)) {
        RawTime& t = time_of(r, field_);
        if (is_int) {
          t.state = RawTime::Integer;
          t.integer = i;
          r.present |= 1u << field_;
        } else {
          t.state = RawTime::Wrong;
          t.wrong = "a non-integer number";
          wrong(field_, "a non-integer number");
        }
      } else {
        wrong(field_, "a number");
      }
      field_ = kFUnknown;  // the value is complete: later syntax errors are not this field's
      return true;
    }
    case State::Activity: cur().activity.push_back(d); return true;
    case State::Root:
      if (root_key_ == 1) {
        record.version = d;
        record.version_is_int = is_int;
        record.present |= 1u << kFVersion;
        return true;
      }
      return Scalar("a number");
    case State::Snapshot:
    case State::SnapshotActivity: {
      RawSnapshot& s = record.snapshot;
      if (state_ == State::Snapshot && snap_key_ == 1) {
        if (is_int) {
          s.taken_at.state = RawTime::Integer;
          s.taken_at.integer = i;
        } else {
          s.taken_at.state = RawTime::Wrong;
          s.taken_at.wrong = "a non-integer number";
        }
        return true;
      }
      if (state_ == State::SnapshotActivity) {
        if (snap_key_ == 0) {
          if (is_int) {
            s.start.state = RawTime::Integer;
            s.start.integer = i;
          } else {
            s.start.state = RawTime::Wrong;
            s.start.wrong = "a non-integer number";
          }
          return true;
        }
        if (snap_key_ == 1) {
          s.has_bucket_seconds = true;
          s.bucket_seconds = d;
          s.bucket_seconds_int = is_int;
          return true;
        }
        if (snap_key_ == 2) {
          s.has_buckets = true;
          s.buckets = d;
          s.buckets_int = is_int;
          return true;
        }
      }
      return Scalar("a number");
    }
    default: return Scalar("a number");
  }
}

bool RecordSax::String(const char* str, std::size_t n, bool copy) {
  switch (state_) {
    case State::Record: {
      ParsedRecord& r = cur();
      if (is_string_field(field_)) {
        const std::string_view v = keep(str, n, copy);
        switch (field_) {
          case kFKind: r.kind = v; break;
          case kFId: r.id = v; break;
          case kFType: r.type = v; break;
          case kFSrc: r.src = v; break;
          case kFDst: r.dst = v; break;
          case kFLabel: r.label = v; break;
          default: r.format = v; break;
        }
        r.present |= 1u << field_;
        r.wrong &= ~(1u << field_);
      } else if (is_time_field(field_)) {
        RawTime& t = time_of(r, field_);
        t.state = RawTime::Text;
        t.text = keep(str, n, copy);
        r.present |= 1u << field_;
      } else {
        wrong(field_, "a string");
      }
      field_ = kFUnknown;
      return true;
    }
    case State::Attrs: {
      AttrInput a;
      a.key = attr_key_;
      a.type = AttrType::String;
      a.text = keep(str, n, copy);
      push_attr(a);
      return true;
    }
    case State::Root:
      if (root_key_ == 0) {
        record.format = keep(str, n, copy);
        record.present |= 1u << kFFormat;
        return true;
      }
      return Scalar("a string");
    case State::Snapshot:
      if (snap_key_ == 0) {
        record.snapshot.id.assign(str, n);
        return true;
      }
      if (snap_key_ == 1) {
        record.snapshot.taken_at.state = RawTime::Text;
        record.snapshot.taken_at.text = keep(str, n, copy);
        return true;
      }
      return Scalar("a string");
    case State::SnapshotActivity:
      if (snap_key_ == 0) {
        record.snapshot.start.state = RawTime::Text;
        record.snapshot.start.text = keep(str, n, copy);
        return true;
      }
      return Scalar("a string");
    default: return Scalar("a string");
  }
}

bool RecordSax::Key(const char* s, std::size_t n, bool copy) {
  switch (state_) {
    case State::Record:
      field_ = field_of(s, n);
      return true;
    case State::Attrs: attr_key_ = keep(s, n, copy); return true;
    case State::Root: {
      const std::string_view k(s, n);
      root_key_ = k == "format" ? 0 : k == "version" ? 1 : k == "snapshot" ? 2 : k == "nodes" ? 3 : k == "edges" ? 4 : -1;
      return true;
    }
    case State::Snapshot: {
      const std::string_view k(s, n);
      snap_key_ = k == "id" ? 0 : k == "taken_at" ? 1 : k == "activity" ? 2 : -1;
      return true;
    }
    case State::SnapshotActivity: {
      const std::string_view k(s, n);
      snap_key_ = k == "start" ? 0 : k == "bucket_seconds" ? 1 : k == "buckets" ? 2 : -1;
      return true;
    }
    default: return true;
  }
}

bool RecordSax::StartObject() {
  if (!enter()) return false;
  switch (state_) {
    case State::Top:
      if (mode_ == SaxMode::Line) {
        state_ = State::Record;
        field_ = kFUnknown;
      } else {
        state_ = State::Root;
        root_key_ = -1;
      }
      return true;
    case State::Root:
      if (root_key_ == 2) {
        record.snapshot.present = true;
        record.present |= 1u << kFSnapshot;
        state_ = State::Snapshot;
        snap_key_ = -1;
        return true;
      }
      if (root_key_ == 3 || root_key_ == 4) return fail(root_key_ == 3 ? "nodes" : "edges", "must be an array, got an object");
      if (root_key_ == 0 || root_key_ == 1) Scalar("an object");
      start_skip(State::Root);
      return true;
    case State::Items:
      item.clear();
      item_arena_reset();
      item_offset_ = tell_ != nullptr ? tell_(stream_) : 0;  // the iterative parser calls StartObject before taking the brace
      state_ = State::Record;
      field_ = kFUnknown;
      return true;
    case State::Record:
      if (field_ == kFAttrs) {
        cur().present |= 1u << kFAttrs;
        cur().wrong &= ~(1u << kFAttrs);
        state_ = State::Attrs;
        return true;
      }
      if (field_ == kFSnapshot && mode_ == SaxMode::Line) {
        record.snapshot.present = true;
        record.present |= 1u << kFSnapshot;
        state_ = State::Snapshot;
        snap_key_ = -1;
        return true;
      }
      wrong(field_, "an object");
      start_skip(State::Record);
      return true;
    case State::Attrs:
      if (cur().attrs_error.empty())
        cur().attrs_error = "attr \"" + std::string(attr_key_) +
                            "\" is an object; attrs must be flat (string, number or boolean values)";
      start_skip(State::Attrs);
      return true;
    case State::Activity:
      if (cur().activity_error.empty())
        cur().activity_error = "bucket " + std::to_string(cur().activity.size()) + " is an object, expected a number";
      cur().activity.push_back(0.0);
      start_skip(State::Activity);
      return true;
    case State::Snapshot:
      if (snap_key_ == 2) {
        record.snapshot.has_activity = true;
        state_ = State::SnapshotActivity;
        snap_key_ = -1;
        return true;
      }
      if (snap_key_ >= 0) Scalar("an object");
      start_skip(State::Snapshot);
      return true;
    case State::SnapshotActivity:
      if (snap_key_ >= 0) Scalar("an object");
      start_skip(State::SnapshotActivity);
      return true;
    case State::Skip: ++skip_depth_; return true;
    case State::Done: return fail("", "unexpected value after the object");
  }
  return true;
}

bool RecordSax::EndObject(std::size_t) {
  --depth_;
  switch (state_) {
    case State::Root: state_ = State::Done; return true;
    case State::Record:
      if (mode_ == SaxMode::Line) {
        state_ = State::Done;
        return true;
      }
      sink_->on_record(item, items_nodes_, item_offset_);
      if (items_nodes_) ++nodes_seen_;
      else ++edges_seen_;
      state_ = State::Items;
      return true;
    case State::Attrs:
      state_ = State::Record;
      field_ = kFUnknown;
      return true;
    case State::Snapshot:
      state_ = mode_ == SaxMode::Line ? State::Record : State::Root;
      field_ = kFUnknown;
      root_key_ = -1;
      return true;
    case State::SnapshotActivity:
      state_ = State::Snapshot;
      snap_key_ = -1;
      return true;
    case State::Skip:
      if (--skip_depth_ == 0) {
        state_ = skip_back_;
        if (state_ == State::Record) field_ = kFUnknown;
      }
      return true;
    default: return true;
  }
}

bool RecordSax::StartArray() {
  if (!enter()) return false;
  switch (state_) {
    case State::Top: return fail("", "expected a JSON object, got an array");
    case State::Root:
      if (root_key_ == 3 || root_key_ == 4) {
        state_ = State::Items;
        in_items_ = true;
        items_nodes_ = root_key_ == 3;
        if (items_nodes_) seen_nodes_ = true;
        return true;
      }
      if (root_key_ >= 0) Scalar("an array");
      start_skip(State::Root);
      return true;
    case State::Items:
      return fail(items_nodes_ ? "nodes" : "edges",
                  "element #" + std::to_string(item_index()) + " must be an object, got an array");
    case State::Record:
      if (field_ == kFActivity) {
        cur().present |= 1u << kFActivity;
        cur().wrong &= ~(1u << kFActivity);
        cur().activity.clear();
        state_ = State::Activity;
        return true;
      }
      wrong(field_, "an array");
      start_skip(State::Record);
      return true;
    case State::Attrs:
      if (cur().attrs_error.empty())
        cur().attrs_error = "attr \"" + std::string(attr_key_) +
                            "\" is an array; attrs must be flat (string, number or boolean values)";
      start_skip(State::Attrs);
      return true;
    case State::Activity:
      if (cur().activity_error.empty())
        cur().activity_error = "bucket " + std::to_string(cur().activity.size()) + " is an array, expected a number";
      cur().activity.push_back(0.0);
      start_skip(State::Activity);
      return true;
    case State::Snapshot:
    case State::SnapshotActivity:
      if (snap_key_ >= 0) Scalar("an array");
      start_skip(state_);
      return true;
    case State::Skip: ++skip_depth_; return true;
    case State::Done: return fail("", "unexpected value after the object");
  }
  return true;
}

bool RecordSax::EndArray(std::size_t) {
  --depth_;
  switch (state_) {
    case State::Items:
      state_ = State::Root;
      in_items_ = false;
      root_key_ = -1;
      return true;
    case State::Activity:
      state_ = State::Record;
      field_ = kFUnknown;
      return true;
    case State::Skip:
      if (--skip_depth_ == 0) {
        state_ = skip_back_;
        if (state_ == State::Record) field_ = kFUnknown;
      }
      return true;
    default: return true;
  }
}

// --- checks -------------------------------------------------------------------

namespace {

bool check_time(const RawTime& t, Timestamp& out, std::string& message) {
  switch (t.state) {
    case RawTime::Absent: out = kNoTime; return true;
    case RawTime::Text:
      if (parse_rfc3339(t.text, out)) return true;
      message = "must be an RFC 3339 timestamp (like 2026-02-20T00:00:00Z) or integer Unix seconds, got \"" +
                std::string(t.text.substr(0, 64)) + "\"";
      return false;
    case RawTime::Integer:
      if (unix_seconds_to_timestamp(t.integer, out)) return true;
      message = "Unix seconds " + std::to_string(t.integer) + " are outside years 0000-9999";
      return false;
    case RawTime::Wrong:
      message = std::string("must be an RFC 3339 timestamp string or integer Unix seconds, got ") + t.wrong;
      return false;
  }
  return false;
}

}  // namespace

namespace {

bool check_fields(const ParsedRecord& r, bool is_node, CheckedRecord& out, std::string& field, std::string& message);

}  // namespace

bool check_record(const ParsedRecord& r, bool is_node, CheckedRecord& out, std::string& field, std::string& message,
                  std::string& name) {
  if (check_fields(r, is_node, out, field, message)) return true;
  // The record's name, only for the message (most records pass).
  if (is_node) {
    if (r.has(kFId)) name = std::string(r.id);
  } else if (r.has(kFSrc) || r.has(kFDst)) {
    name = (r.has(kFSrc) ? std::string(r.src) : std::string("?")) + " -> " +
           (r.has(kFDst) ? std::string(r.dst) : std::string("?"));
  }
  return false;
}

namespace {

bool check_fields(const ParsedRecord& r, bool is_node, CheckedRecord& out, std::string& field, std::string& message) {
  out.is_node = is_node;
  auto required = [&](Field f, std::string_view& dst) {
    if (r.has(f)) {
      dst = f == kFId ? r.id : f == kFType ? r.type : f == kFSrc ? r.src : r.dst;
      return true;
    }
    field = field_name(f);
    message = (r.wrong >> f) & 1u ? std::string("must be a string, got ") + r.wrong_type[f] : "is required";
    return false;
  };
  auto short_id = [&](Field f, std::string_view id) {
    if (id.size() <= kMaxIdBytes) return true;
    field = field_name(f);
    message = id_too_long(id.size());
    return false;
  };
  auto time = [&](Field f, const RawTime& t, Timestamp& dst) {
    if (check_time(t, dst, message)) return true;
    field = field_name(f);
    return false;
  };
  auto wrong_type = [&](Field f, const char* expected) {
    if (!((r.wrong >> f) & 1u)) return false;
    field = field_name(f);
    message = std::string("must be ") + expected + ", got " + r.wrong_type[f];
    return true;
  };
  if (is_node) {
    if (!required(kFId, out.a)) return false;
    if (!short_id(kFId, out.a)) return false;
    out.b = {};
    if (!required(kFType, out.type)) return false;
    if (wrong_type(kFLabel, "a string")) return false;
    out.label = Label::Unknown;
    if (r.has(kFLabel)) {
      const auto l = parse_label(r.label);
      if (!l) {
        field = "label";
        message = "must be one of banned, suspect, trusted, unknown; got \"" + std::string(r.label.substr(0, 64)) + "\"";
        return false;
      }
      out.label = *l;
    }
    if (!time(kFCreatedAt, r.created_at, out.t1)) return false;
    out.t2 = kNoTime;
    if (wrong_type(kFActivity, "an array of non-negative numbers")) return false;
    out.has_activity = r.has(kFActivity);
    if (out.has_activity) {
      if (!r.activity_error.empty()) {
        field = "activity";
        message = r.activity_error;
        return false;
      }
      for (std::size_t i = 0; i < r.activity.size(); ++i) {
        if (!(r.activity[i] >= 0.0)) {
          field = "activity";
          message = "bucket " + std::to_string(i) + " must be a non-negative number, got " + number_text(r.activity[i]);
          return false;
        }
      }
    }
    if (wrong_type(kFAttrs, "an object of string, number or boolean values")) return false;
    if (!r.attrs_error.empty()) {
      field = "attrs";
      message = r.attrs_error;
      return false;
    }
    out.weight = 1.0;
    return true;
  }
  if (!required(kFSrc, out.a)) return false;
  if (!required(kFDst, out.b)) return false;
  if (!short_id(kFSrc, out.a) || !short_id(kFDst, out.b)) return false;
  if (!required(kFType, out.type)) return false;
  if (wrong_type(kFWeight, "a positive finite number")) return false;
  out.weight = r.has(kFWeight) ? r.weight : 1.0;
  if (!(out.weight > 0.0) || !std::isfinite(out.weight)) {
    field = "weight";
    message = "must be a positive finite number, got " + number_text(out.weight);
    return false;
  }
  if (!time(kFFirstSeen, r.first_seen, out.t1)) return false;
  if (!time(kFLastSeen, r.last_seen, out.t2)) return false;
  out.label = Label::Unknown;
  out.has_activity = false;
  return true;
}

}  // namespace

bool check_header(const ParsedRecord& r, SnapshotMeta& meta, std::string& field, std::string& message) {
  meta = SnapshotMeta{};
  if (!r.has(kFFormat)) {
    field = "format";
    message = (r.wrong >> kFFormat) & 1u ? std::string("must be \"hydrascope.snapshot\", got ") + r.wrong_type[kFFormat]
                                          : "is required (\"hydrascope.snapshot\")";
    return false;
  }
  if (r.format != "hydrascope.snapshot") {
    field = "format";
    message = "must be \"hydrascope.snapshot\", got \"" + std::string(r.format.substr(0, 64)) + "\"";
    return false;
  }
  if (!r.has(kFVersion)) {
    field = "version";
    message = (r.wrong >> kFVersion) & 1u ? std::string("must be the integer 1, got ") + r.wrong_type[kFVersion]
                                           : "is required (1)";
    return false;
  }
  if (!r.version_is_int || r.version != 1.0) {
    field = "version";
    message = "unsupported version " + number_text(r.version) + " (this engine reads version 1)";
    return false;
  }
  meta.version = 1;
  if ((r.wrong >> kFSnapshot) & 1u) {
    field = "snapshot";
    message = std::string("must be an object, got ") + r.wrong_type[kFSnapshot];
    return false;
  }
  const RawSnapshot& s = r.snapshot;
  if (!s.present) return true;
  if (!s.error.empty()) {
    field = s.error_field;
    message = s.error;
    return false;
  }
  meta.id = s.id;
  if (meta.id.find('\0') != std::string::npos) {
    field = "snapshot.id";
    message = "holds a NUL character (\\u0000), which no CSV or export can carry";
    return false;
  }
  if (!check_time(s.taken_at, meta.taken_at, message)) {
    field = "snapshot.taken_at";
    return false;
  }
  if (s.has_activity) {
    if (!check_time(s.start, meta.activity.start, message)) {
      field = "snapshot.activity.start";
      return false;
    }
    if (!s.has_bucket_seconds || !s.bucket_seconds_int || s.bucket_seconds < 1 || s.bucket_seconds > 1e9) {
      field = "snapshot.activity.bucket_seconds";
      message = s.has_bucket_seconds ? "must be an integer from 1 to 1000000000, got " + number_text(s.bucket_seconds)
                                     : "is required (seconds per activity bucket)";
      return false;
    }
    if (!s.has_buckets || !s.buckets_int || s.buckets < 1 || s.buckets > static_cast<double>(kMaxBuckets)) {
      field = "snapshot.activity.buckets";
      message = s.has_buckets ? "must be an integer from 1 to " + std::to_string(kMaxBuckets) + ", got " +
                                    number_text(s.buckets)
                              : "is required (number of activity buckets)";
      return false;
    }
    meta.activity.bucket_seconds = static_cast<std::int64_t>(s.bucket_seconds);
    meta.activity.buckets = static_cast<std::uint32_t>(s.buckets);
  }
  return true;
}

}  // namespace hydrascope::io
