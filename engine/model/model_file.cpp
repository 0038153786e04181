// The model file: a JSON envelope {"format":"hydrascope.model","version":1,
// "features":[...],"info":{...},"booster":<XGBoost's JSON model>} (plain or
// gzip). Reading checks the envelope and every tree of the booster before
// XGBoost sees it: XGBoost 1.7 trusts child, parent and feature indices in a
// model and would read out of bounds on a crafted one (docs/formats.md).
#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <xgboost/c_api.h>
#include <zlib.h>

#include <algorithm>
#include <charconv>
#include <limits>
#include <string>
#include <unordered_set>
#include <vector>

#include "hydrascope/error.hpp"
#include "model_impl.hpp"

namespace hydrascope {
namespace detail {

namespace {

constexpr std::string_view kFormat = "hydrascope.model";
constexpr int kVersion = 1;
// Nesting of JSON objects and arrays (root included); a booster needs 6.
constexpr int kMaxNesting = 64;
// Largest uncompressed model accepted (a 300-tree depth-6 model is ~3 MB).
constexpr std::size_t kMaxModelBytes = std::size_t{1} << 30;
// Deepest tree accepted (training allows 30; XGBoost's TreeSHAP recurses per level).
constexpr int kMaxTreeDepth = 64;
constexpr const char* kProbeConfig =
    R"({"type":1,"training":false,"iteration_begin":0,"iteration_end":0,"strict_shape":false,"missing":NaN,"cache_id":0})";

using rapidjson::SizeType;
using rapidjson::Value;

// ---------------------------------------------------------------- paths ----

struct PathElem {
  std::string key;
  std::size_t index = 0;
  bool is_index = false;
};
using Path = std::vector<PathElem>;

std::string path_string(const Path& path) {
  std::string s;
  for (const auto& e : path) {
    if (e.is_index) {
      s += '[' + std::to_string(e.index) + ']';
    } else {
      if (!s.empty()) s += '.';
      s += e.key;
    }
  }
  return s;
}

// A schema violation at `path`; turned into an InputError with the byte offset
// of that place once the whole check has stopped.
struct SchemaError {
  Path path;
  std::string message;
};

// Pushes one path element for the life of the scope.
class At {
 public:
  At(Path& path, std::string_view key) : path_(path) { path_.push_back({std::string(key), 0, false}); }
  At(Path& path, std::size_t index) : path_(path) { path_.push_back({{}, index, true}); }
  ~At() { path_.pop_back(); }
  At(const At&) = delete;
  At& operator=(const At&) = delete;

 private:
  Path& path_;
};

[[noreturn]] void fail(const Path& path, std::string message) { throw SchemaError{path, std::move(message)}; }

std::size_t skip_separators(std::string_view text, std::size_t pos) {
  auto ws = [&] {
    while (pos < text.size() && (text[pos] == ' ' || text[pos] == '\t' || text[pos] == '\n' || text[pos] == '\r'))
      ++pos;
  };
  ws();
  if (pos < text.size() && (text[pos] == ',' || text[pos] == ':')) {
    ++pos;
    ws();
  }
  return pos;
}

constexpr unsigned kParseFlags = rapidjson::kParseIterativeFlag | rapidjson::kParseNanAndInfFlag;

// SAX pass that finds the byte offset where the value at `target` starts.
class Locator {
 public:
  Locator(std::string_view text, const rapidjson::MemoryStream& in, const Path& target)
      : text_(text), in_(in), target_(target) {}
  bool Null() { return scalar(); }
  bool Bool(bool) { return scalar(); }
  bool Int(int) { return scalar(); }
  bool Uint(unsigned) { return scalar(); }
  bool Int64(std::int64_t) { return scalar(); }
  bool Uint64(std::uint64_t) { return scalar(); }
  bool Double(double) { return scalar(); }
  bool RawNumber(const char*, SizeType, bool) { return scalar(); }
  bool String(const char*, SizeType, bool) { return scalar(); }
  bool Key(const char* s, SizeType n, bool) {
    frames_.back().key.assign(s, n);
    last_end_ = in_.Tell();
    return true;
  }
  bool StartObject() { return open(false); }
  bool EndObject(SizeType) { return close(); }
  bool StartArray() { return open(true); }
  bool EndArray(SizeType) { return close(); }

  std::uint64_t found = kNoPosition;

 private:
  struct Frame {
    bool array;
    std::size_t next = 0;
    std::string key;
  };
  bool matches() const {
    if (frames_.size() != target_.size()) return false;
    for (std::size_t i = 0; i < frames_.size(); ++i) {
      const Frame& f = frames_[i];
      const PathElem& t = target_[i];
      if (f.array != t.is_index) return false;
      if (f.array ? f.next != t.index : f.key != t.key) return false;
    }
    return true;
  }
  // In iterative mode RapidJSON calls StartObject/StartArray and
  // EndObject/EndArray with the stream AT the bracket, and scalar and key
  // events just AFTER their token.
  bool scalar() {
    if (matches()) {
      found = skip_separators(text_, last_end_);
      return false;  // stop: found
    }
    after_value(in_.Tell());
    return true;
  }
  bool open(bool array) {
    if (matches()) {
      found = in_.Tell();
      return false;
    }
    frames_.push_back({array, 0, {}});
    last_end_ = in_.Tell() + 1;
    return true;
  }
  bool close() {
    frames_.pop_back();
    after_value(in_.Tell() + 1);
    return true;
  }
  void after_value(std::size_t end) {
    if (!frames_.empty() && frames_.back().array) ++frames_.back().next;
    last_end_ = end;
  }

  std::string_view text_;
  const rapidjson::MemoryStream& in_;
  const Path& target_;
  std::vector<Frame> frames_;
  std::size_t last_end_ = 0;
};

// Offset of the value at `path`, or of its nearest existing ancestor.
std::uint64_t locate(std::string_view text, Path path) {
  for (;;) {
    rapidjson::MemoryStream in(text.data(), text.size());
    Locator loc(text, in, path);
    rapidjson::Reader reader;
    reader.Parse<kParseFlags>(in, loc);
    if (loc.found != kNoPosition || path.empty()) return loc.found;
    path.pop_back();
  }
}

// ------------------------------------------------------------- parsing ----

// Builds the DOM (forwarding every event to the Document) while refusing
// duplicate keys at any level and nesting past kMaxNesting, and records the
// byte range of the top-level "booster" value for XGBoost. (Iterative mode:
// container events come with the stream at the bracket, see Locator.)
class EnvelopeHandler {
 public:
  EnvelopeHandler(rapidjson::Document& doc, std::string_view text, const rapidjson::MemoryStream& in)
      : doc_(doc), text_(text), in_(in) {}
  bool Null() { return scalar() && doc_.Null(); }
  bool Bool(bool b) { return scalar() && doc_.Bool(b); }
  bool Int(int i) { return scalar() && doc_.Int(i); }
  bool Uint(unsigned u) { return scalar() && doc_.Uint(u); }
  bool Int64(std::int64_t i) { return scalar() && doc_.Int64(i); }
  bool Uint64(std::uint64_t u) { return scalar() && doc_.Uint64(u); }
  bool Double(double d) { return scalar() && doc_.Double(d); }
  bool RawNumber(const char* s, SizeType n, bool copy) { return scalar() && doc_.RawNumber(s, n, copy); }
  bool String(const char* s, SizeType n, bool copy) { return scalar() && doc_.String(s, n, copy); }
  bool Key(const char* s, SizeType n, bool copy) {
    const std::size_t start = skip_separators(text_, last_end_);
    last_end_ = in_.Tell();
    std::string key(s, n);
    if (!keys_.back().insert(key).second) {
      error = "duplicate key \"" + key + "\"";
      error_offset = start;
      return false;
    }
    if (keys_.size() == 1) booster_next_ = key == "booster";
    return doc_.Key(s, n, copy);
  }
  bool StartObject() {
    if (!open()) return false;
    keys_.emplace_back();
    return doc_.StartObject();
  }
  bool EndObject(SizeType n) {
    keys_.pop_back();
    close();
    return doc_.EndObject(n);
  }
  bool StartArray() { return open() && doc_.StartArray(); }
  bool EndArray(SizeType n) {
    close();
    return doc_.EndArray(n);
  }

  std::string error;  // set when the handler stopped the parse
  std::uint64_t error_offset = kNoPosition;
  std::size_t booster_begin = 0, booster_end = 0;

 private:
  bool scalar() {
    if (depth_ == 1) booster_next_ = false;
    last_end_ = in_.Tell();
    return true;
  }
  bool open() {
    if (depth_ >= kMaxNesting) {
      error = "nesting deeper than " + std::to_string(kMaxNesting) + " levels";
      error_offset = in_.Tell();
      return false;
    }
    if (depth_ == 1 && booster_next_) {
      booster_begin = in_.Tell();
      in_booster_ = true;
      booster_next_ = false;
    }
    ++depth_;
    last_end_ = in_.Tell() + 1;
    return true;
  }
  void close() {
    --depth_;
    if (depth_ == 1 && in_booster_) {
      booster_end = in_.Tell() + 1;
      in_booster_ = false;
    }
    last_end_ = in_.Tell() + 1;
  }

  rapidjson::Document& doc_;
  std::string_view text_;
  const rapidjson::MemoryStream& in_;
  std::vector<std::unordered_set<std::string>> keys_;
  int depth_ = 0;
  bool booster_next_ = false, in_booster_ = false;
  std::size_t last_end_ = 0;
};

SourceLocation where(const std::string& source, std::uint64_t offset, std::string field = {}) {
  SourceLocation w;
  w.file = source;
  w.byte_offset = offset;
  w.field = std::move(field);
  return w;
}

std::string gunzip(std::string_view in, const std::string& source) {
  z_stream z{};
  if (inflateInit2(&z, 15 + 16) != Z_OK) throw InputError(file_location(source), "cannot start gzip decompression");
  std::string out;
  std::size_t consumed = 0;
  int rc = Z_OK;
  for (;;) {
    const std::size_t have = out.size();
    out.resize(have + (std::size_t{1} << 20));
    z.next_out = reinterpret_cast<Bytef*>(out.data() + have);
    z.avail_out = static_cast<uInt>(std::size_t{1} << 20);
    const std::size_t chunk = std::min<std::size_t>(in.size() - consumed, std::size_t{1} << 30);
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data() + consumed));
    z.avail_in = static_cast<uInt>(chunk);
    rc = inflate(&z, Z_NO_FLUSH);
    consumed += chunk - z.avail_in;
    out.resize(out.size() - z.avail_out);
    if (out.size() > kMaxModelBytes) {
      inflateEnd(&z);
      throw InputError(file_location(source),
                       "decompresses to more than " + std::to_string(kMaxModelBytes >> 20) + " MiB: not a model file");
    }
    if (rc == Z_STREAM_END) {
      if (consumed == in.size()) break;
      if (inflateReset(&z) != Z_OK) {  // another gzip member follows
        inflateEnd(&z);
        throw InputError(file_location(source), "cannot restart gzip decompression");
      }
      continue;
    }
    if (rc == Z_OK) continue;
    if (rc == Z_BUF_ERROR && consumed == in.size()) {
      inflateEnd(&z);
      throw InputError(file_location(source),
                       "truncated gzip: the compressed data ends before the end of the stream (after " +
                           std::to_string(out.size()) + " uncompressed bytes)");
    }
    const std::string msg = z.msg != nullptr ? z.msg : "inflate failed";
    inflateEnd(&z);
    throw InputError(file_location(source),
                     "corrupt gzip data: " + msg + " (at compressed byte " + std::to_string(consumed) + ")");
  }
  inflateEnd(&z);
  return out;
}

// ------------------------------------------------------------ checking ----

const char* type_name(const Value& v) {
  switch (v.GetType()) {
    case rapidjson::kNullType:
      return "null";
    case rapidjson::kFalseType:
    case rapidjson::kTrueType:
      return "a boolean";
    case rapidjson::kObjectType:
      return "an object";
    case rapidjson::kArrayType:
      return "an array";
    case rapidjson::kStringType:
      return "a string";
    case rapidjson::kNumberType:
      return "a number";
  }
  return "a value";
}

std::string quoted(std::string_view s) {
  std::string q = "\"";
  for (const char ch : s.substr(0, 80)) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c == 0x7f) {
      static const char* hex = "0123456789abcdef";
      q += "\\x";
      q += hex[c >> 4];
      q += hex[c & 15];
    } else {
      q += ch;
    }
  }
  if (s.size() > 80) q += "...";
  return q + "\"";
}

const Value& member(const Value& obj, std::string_view key, Path& path) {
  const auto it = obj.FindMember(Value(rapidjson::StringRef(key.data(), static_cast<SizeType>(key.size()))));
  if (it == obj.MemberEnd()) {
    At at(path, key);
    fail(path, "is required");
  }
  return it->value;
}

const Value& typed_member(const Value& obj, std::string_view key, rapidjson::Type type, const char* what, Path& path) {
  const Value& v = member(obj, key, path);
  const bool ok = type == rapidjson::kTrueType ? v.IsBool() : v.GetType() == type;
  if (!ok) {
    At at(path, key);
    fail(path, std::string("must be ") + what + ", got " + type_name(v));
  }
  return v;
}

const Value& object_member(const Value& obj, std::string_view key, Path& path) {
  return typed_member(obj, key, rapidjson::kObjectType, "an object", path);
}
const Value& array_member(const Value& obj, std::string_view key, Path& path) {
  return typed_member(obj, key, rapidjson::kArrayType, "an array", path);
}
std::string_view string_member(const Value& obj, std::string_view key, Path& path) {
  const Value& v = typed_member(obj, key, rapidjson::kStringType, "a string", path);
  return {v.GetString(), v.GetStringLength()};
}

// XGBoost stores its parameters as decimal strings ("num_trees": "300").
std::int64_t param_int(const Value& obj, std::string_view key, Path& path) {
  const std::string_view s = string_member(obj, key, path);
  std::int64_t v = 0;
  const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || r.ec != std::errc() || r.ptr != s.data() + s.size()) {
    At at(path, key);
    fail(path, "must be a decimal integer in a string, got " + quoted(s));
  }
  return v;
}

void expect_param(const Value& obj, std::string_view key, std::int64_t want, std::string_view why, Path& path) {
  const std::int64_t got = param_int(obj, key, path);
  if (got != want) {
    At at(path, key);
    fail(path, "is " + std::to_string(got) + ", expected " + std::to_string(want) + " (" + std::string(why) + ")");
  }
}

// Element i of an integer array, in [lo, hi].
std::int64_t int_at(const Value& arr, std::size_t i, std::int64_t lo, std::int64_t hi, Path& path) {
  const Value& v = arr[static_cast<SizeType>(i)];
  if (!v.IsInt64() || v.GetInt64() < lo || v.GetInt64() > hi) {
    At at(path, i);
    fail(path, std::string("must be an integer in [") + std::to_string(lo) + ", " + std::to_string(hi) + "], got " +
                   (v.IsInt64()    ? std::to_string(v.GetInt64())
                    : v.IsNumber() ? format_double(v.GetDouble())
                                   : type_name(v)));
  }
  return v.GetInt64();
}

// The arrays of one tree, each checked to hold n values of its kind.
struct TreeArrays {
  const Value* left = nullptr;
  const Value* right = nullptr;
  const Value* parents = nullptr;
  const Value* split_indices = nullptr;
  const Value* default_left = nullptr;
  const Value* split_type = nullptr;
};

void check_tree(const Value& tree, std::size_t id, std::int64_t num_feature, Path& path) {
  if (!tree.IsObject()) fail(path, std::string("must be an object, got ") + type_name(tree));
  {
    const Value& tid = member(tree, "id", path);
    if (!tid.IsInt64() || tid.GetInt64() != static_cast<std::int64_t>(id)) {
      At at(path, "id");
      fail(path, "must be the tree's index " + std::to_string(id));
    }
  }
  const Value& param = object_member(tree, "tree_param", path);
  std::int64_t n = 0;
  {
    At at(path, "tree_param");
    n = param_int(param, "num_nodes", path);
    if (n < 1 || n > std::numeric_limits<std::int32_t>::max()) {
      At at2(path, "num_nodes");
      fail(path, "must be in [1, 2^31 - 1], got " + std::to_string(n));
    }
    expect_param(param, "num_feature", num_feature, "the model's feature count", path);
    expect_param(param, "size_leaf_vector", 0, "scalar leaves", path);
  }
  auto sized = [&](std::string_view key) -> const Value& {
    const Value& a = array_member(tree, key, path);
    if (a.Size() != static_cast<SizeType>(n)) {
      At at(path, key);
      fail(path, "has " + std::to_string(a.Size()) + " values, tree_param.num_nodes is " + std::to_string(n));
    }
    return a;
  };
  for (const char* key : {"base_weights", "loss_changes", "sum_hessian", "split_conditions"}) {
    const Value& a = sized(key);
    At at(path, key);
    for (SizeType i = 0; i < a.Size(); ++i)
      if (!a[i].IsNumber()) {
        At ati(path, i);
        fail(path, std::string("must be a number, got ") + type_name(a[i]));
      }
  }
  for (const char* key : {"categories", "categories_nodes", "categories_segments", "categories_sizes"}) {
    const auto it = tree.FindMember(key);
    if (it != tree.MemberEnd() && !(it->value.IsArray() && it->value.Empty())) {
      At at(path, key);
      fail(path, "must be an empty array (categorical splits are not supported)");
    }
  }
  TreeArrays a;
  a.left = &sized("left_children");
  a.right = &sized("right_children");
  a.parents = &sized("parents");
  a.split_indices = &sized("split_indices");
  a.default_left = &sized("default_left");
  a.split_type = &sized("split_type");

  // Walk from the root: every reachable node is reached once; an internal
  // node's children are (left, left + 1), as XGBoost's predictor assumes,
  // and name it as their parent; its split feature is in range.
  const auto nn = static_cast<std::size_t>(n);
  std::vector<std::uint8_t> depth_of(nn, 0);
  std::vector<bool> seen(nn, false);
  std::vector<std::size_t> stack{0};
  seen[0] = true;
  std::size_t reached = 0;
  const std::int64_t max_index = n - 1;
  while (!stack.empty()) {
    const std::size_t v = stack.back();
    stack.pop_back();
    ++reached;
    const std::int64_t l = [&] {
      At at(path, "left_children");
      return int_at(*a.left, v, -1, max_index, path);
    }();
    const std::int64_t r = [&] {
      At at(path, "right_children");
      return int_at(*a.right, v, -1, max_index, path);
    }();
    if (const Value& t = (*a.split_type)[static_cast<SizeType>(v)]; !t.IsInt64() || t.GetInt64() != 0) {
      At at(path, "split_type");
      At ati(path, v);
      fail(path, "must be 0 (a numerical split; categorical splits are not supported)");
    }
    {
      At at(path, "split_indices");
      int_at(*a.split_indices, v, 0, num_feature - 1, path);
    }
    {
      At at(path, "default_left");
      int_at(*a.default_left, v, 0, 1, path);
    }
    if (l == -1) {
      if (r != -1) {
        At at(path, "right_children");
        At ati(path, v);
        fail(path, "is " + std::to_string(r) + " but left_children[" + std::to_string(v) +
                       "] is -1 (a leaf has no children)");
      }
      continue;
    }
    if (r != l + 1) {
      At at(path, "right_children");
      At ati(path, v);
      fail(path, "is " + std::to_string(r) + ", must be left_children[" + std::to_string(v) +
                     "] + 1 = " + std::to_string(l + 1));
    }
    if (depth_of[v] + 1 > kMaxTreeDepth) {
      At at(path, "left_children");
      At ati(path, v);
      fail(path, "the tree is deeper than " + std::to_string(kMaxTreeDepth) + " levels");
    }
    for (const std::int64_t c : {l, r}) {
      const auto cu = static_cast<std::size_t>(c);
      if (c == 0 || seen[cu]) {
        At at(path, c == l ? "left_children" : "right_children");
        At ati(path, v);
        fail(path, "node " + std::to_string(c) + " is reached twice (the nodes do not form a tree)");
      }
      seen[cu] = true;
      depth_of[cu] = static_cast<std::uint8_t>(depth_of[v] + 1);
      At at(path, "parents");
      if (int_at(*a.parents, cu, 0, max_index, path) != static_cast<std::int64_t>(v)) {
        At ati(path, cu);
        fail(path, "is " + std::to_string((*a.parents)[static_cast<SizeType>(cu)].GetInt64()) + ", but node " +
                       std::to_string(v) + " has it as a child");
      }
      stack.push_back(cu);
    }
  }
  // Nodes no path reaches are ones a pruner deleted; XGBoost still follows
  // their parent link when loading, so it must point inside the tree.
  for (std::size_t v = 1; v < nn; ++v) {
    if (seen[v]) continue;
    At at(path, "parents");
    int_at(*a.parents, v, 0, max_index, path);
  }
  {
    At at(path, "tree_param");
    expect_param(param, "num_deleted", static_cast<std::int64_t>(nn - reached), "nodes no path from the root reaches",
                 path);
  }
}

// Checks XGBoost's model JSON (format of XGBoost 1.7: learner, version) for
// a binary-logistic gbtree over `features`; returns the number of trees.
int check_booster(const Value& booster, const std::vector<std::string>& features, Path& path) {
  const auto nf = static_cast<std::int64_t>(features.size());
  {
    const Value& version = array_member(booster, "version", path);
    At at(path, "version");
    if (version.Size() != 3) fail(path, "must hold 3 integers (XGBoost's major, minor, patch)");
    for (SizeType i = 0; i < 3; ++i) int_at(version, i, 0, 1000000, path);
  }
  const Value& learner = object_member(booster, "learner", path);
  At at_learner(path, "learner");
  {
    const Value& names = array_member(learner, "feature_names", path);
    At at(path, "feature_names");
    if (names.Size() != features.size())
      fail(path, "has " + std::to_string(names.Size()) + " names, the envelope's \"features\" lists " +
                     std::to_string(features.size()));
    for (SizeType i = 0; i < names.Size(); ++i) {
      At ati(path, i);
      if (!names[i].IsString()) fail(path, std::string("must be a string, got ") + type_name(names[i]));
      const std::string_view got(names[i].GetString(), names[i].GetStringLength());
      if (got != features[i])
        fail(path, "is " + quoted(got) + " but features[" + std::to_string(i) + "] is " + quoted(features[i]) +
                       " (the feature list disagrees with the booster)");
    }
  }
  {
    const Value& types = array_member(learner, "feature_types", path);
    if (!types.Empty()) {
      At at(path, "feature_types");
      fail(path, "must be empty (all features are numerical)");
    }
  }
  {
    const Value& mp = object_member(learner, "learner_model_param", path);
    At at(path, "learner_model_param");
    const std::int64_t got = param_int(mp, "num_feature", path);
    if (got != nf) {
      At at2(path, "num_feature");
      fail(path, "is " + std::to_string(got) + " but the envelope lists " + std::to_string(nf) +
                     " features (the feature list disagrees with the booster)");
    }
    expect_param(mp, "num_class", 0, "a binary model", path);
    if (mp.HasMember("num_target")) expect_param(mp, "num_target", 1, "a binary model", path);
    // XGBoost reads an unparsable base_score as its default without a word.
    const std::string_view base = string_member(mp, "base_score", path);
    float b = 0.0f;
    const auto r = std::from_chars(base.data(), base.data() + base.size(), b);
    if (base.empty() || r.ec != std::errc() || r.ptr != base.data() + base.size() || !(b > 0.0f && b < 1.0f)) {
      At at2(path, "base_score");
      fail(path, "must be a probability in (0, 1) written as a decimal string, got " + quoted(base));
    }
  }
  {
    const Value& objective = object_member(learner, "objective", path);
    At at(path, "objective");
    const std::string_view name = string_member(objective, "name", path);
    if (name != "binary:logistic") {
      At at2(path, "name");
      fail(path, "is " + quoted(name) + ", expected \"binary:logistic\"");
    }
  }
  const Value& gb = object_member(learner, "gradient_booster", path);
  At at_gb(path, "gradient_booster");
  {
    const std::string_view name = string_member(gb, "name", path);
    if (name != "gbtree") {
      At at(path, "name");
      fail(path, "is " + quoted(name) + ", expected \"gbtree\"");
    }
  }
  const Value& model = object_member(gb, "model", path);
  At at_model(path, "model");
  const Value& trees = array_member(model, "trees", path);
  const Value& param = object_member(model, "gbtree_model_param", path);
  {
    At at(path, "gbtree_model_param");
    expect_param(param, "num_trees", trees.Size(), "the length of \"trees\"", path);
    expect_param(param, "num_parallel_tree", 1, "one tree per round", path);
    if (param.HasMember("size_leaf_vector")) expect_param(param, "size_leaf_vector", 0, "scalar leaves", path);
  }
  {
    const Value& info = array_member(model, "tree_info", path);
    At at(path, "tree_info");
    if (info.Size() != trees.Size())
      fail(path,
           "has " + std::to_string(info.Size()) + " values, there are " + std::to_string(trees.Size()) + " trees");
    for (SizeType i = 0; i < info.Size(); ++i)
      if (!info[i].IsInt64() || info[i].GetInt64() != 0) {
        At ati(path, i);
        fail(path, "must be 0 (a binary model has one output group)");
      }
  }
  if (trees.Size() > static_cast<SizeType>(std::numeric_limits<int>::max())) fail(path, "too many trees");
  At at_trees(path, "trees");
  for (SizeType i = 0; i < trees.Size(); ++i) {
    At at(path, i);
    check_tree(trees[i], i, nf, path);
  }
  return static_cast<int>(trees.Size());
}

constexpr const char* kInfoKeys[] = {"recipe", "trained_on", "engine", "options", "training_data", "extra"};

ModelInfo read_info(const Value& obj, Path& path) {
  ModelInfo info;
  for (auto m = obj.MemberBegin(); m != obj.MemberEnd(); ++m) {
    const std::string_view key(m->name.GetString(), m->name.GetStringLength());
    bool known = false;
    for (const char* k : kInfoKeys) known = known || key == k;
    if (!known) {
      At at(path, key);
      fail(path, "unknown key (info holds recipe, trained_on, engine, options, training_data, extra)");
    }
  }
  auto text = [&](const char* key, std::string& out) {
    if (obj.HasMember(key)) out = std::string(string_member(obj, key, path));
  };
  text("recipe", info.recipe);
  text("trained_on", info.trained_on);
  text("engine", info.engine);
  text("options", info.options);
  text("training_data", info.training_data);
  if (obj.HasMember("extra")) {
    const Value& extra = object_member(obj, "extra", path);
    At at(path, "extra");
    for (auto m = extra.MemberBegin(); m != extra.MemberEnd(); ++m) {
      std::string key(m->name.GetString(), m->name.GetStringLength());
      if (!m->value.IsString()) {
        At atk(path, key);
        fail(path, std::string("must be a string, got ") + type_name(m->value));
      }
      info.extra[key] = std::string(m->value.GetString(), m->value.GetStringLength());
    }
  }
  return info;
}

// The parts of a checked envelope.
struct Envelope {
  std::vector<std::string> features;
  ModelInfo info;
  int rounds = 0;
};

Envelope check_envelope(const Value& root, Path& path) {
  if (!root.IsObject())
    fail(path, std::string("not a hydrascope model file: the document is ") + type_name(root) + ", not an object");
  Envelope env;
  {
    const auto it = root.FindMember("format");
    if (it == root.MemberEnd()) {
      At at(path, "format");
      fail(path, "is required (not a hydrascope model file)");
    }
    At at(path, "format");
    if (!it->value.IsString() || std::string_view(it->value.GetString(), it->value.GetStringLength()) != kFormat)
      fail(path,
           "not a hydrascope model file: format is " +
               (it->value.IsString() ? quoted(std::string_view(it->value.GetString(), it->value.GetStringLength()))
                                     : std::string(type_name(it->value))) +
               ", expected \"hydrascope.model\"");
  }
  {
    const Value& version = member(root, "version", path);
    At at(path, "version");
    if (!version.IsInt64()) fail(path, std::string("must be an integer, got ") + type_name(version));
    if (version.GetInt64() != kVersion)
      fail(path, "unsupported version " + std::to_string(version.GetInt64()) + " (this engine reads version " +
                     std::to_string(kVersion) + ")");
  }
  for (auto m = root.MemberBegin(); m != root.MemberEnd(); ++m) {
    const std::string_view key(m->name.GetString(), m->name.GetStringLength());
    if (key != "format" && key != "version" && key != "features" && key != "info" && key != "booster") {
      At at(path, key);
      fail(path, "unknown key (a version 1 model holds format, version, features, info, booster)");
    }
  }
  {
    const Value& features = array_member(root, "features", path);
    At at(path, "features");
    if (features.Empty()) fail(path, "must list at least one feature");
    std::unordered_set<std::string_view> seen;
    for (SizeType i = 0; i < features.Size(); ++i) {
      At ati(path, i);
      const Value& f = features[i];
      if (!f.IsString()) fail(path, std::string("must be a string, got ") + type_name(f));
      const std::string_view name(f.GetString(), f.GetStringLength());
      if (!usable_feature_name(name))
        fail(path, quoted(name) + " is not a usable feature name (printable ASCII without '\"' or '\\')");
      if (!seen.insert(name).second) fail(path, "duplicate feature " + quoted(name));
      env.features.emplace_back(name);
    }
  }
  {
    const Value& info = object_member(root, "info", path);
    At at(path, "info");
    env.info = read_info(info, path);
  }
  const Value& booster = object_member(root, "booster", path);
  At at(path, "booster");
  env.rounds = check_booster(booster, env.features, path);
  return env;
}

}  // namespace

// -------------------------------------------------------------- public ----

std::string encode_model(Model::Impl& impl) {
  quiet_xgboost();
  bst_ulong len = 0;
  const char* raw = nullptr;
  check(XGBoosterSaveModelToBuffer(impl.booster.get(), R"({"format":"json"})", &len, &raw), "save");
  rapidjson::StringBuffer sb;
  rapidjson::Writer<rapidjson::StringBuffer> w(sb);
  w.StartObject();
  w.Key("format");
  w.String(kFormat.data(), static_cast<SizeType>(kFormat.size()));
  w.Key("version");
  w.Int(kVersion);
  w.Key("features");
  w.StartArray();
  for (const auto& f : impl.features) w.String(f.data(), static_cast<SizeType>(f.size()));
  w.EndArray();
  w.Key("info");
  w.StartObject();
  auto text = [&](const char* key, const std::string& value) {
    w.Key(key);
    w.String(value.data(), static_cast<SizeType>(value.size()));
  };
  text("recipe", impl.info.recipe);
  text("trained_on", impl.info.trained_on);
  text("engine", impl.info.engine);
  text("options", impl.info.options);
  text("training_data", impl.info.training_data);
  w.Key("extra");
  w.StartObject();
  for (const auto& [k, v] : impl.info.extra) text(k.c_str(), v);  // std::map: sorted keys
  w.EndObject();
  w.EndObject();
  w.Key("booster");
  w.RawValue(raw, static_cast<std::size_t>(len), rapidjson::kObjectType);
  w.EndObject();
  std::string out(sb.GetString(), sb.GetSize());
  out += '\n';
  return out;
}

std::unique_ptr<Model::Impl> decode_model(std::string_view bytes, const std::string& source) {
  quiet_xgboost();
  std::string inflated;
  std::string_view text = bytes;
  if (bytes.size() >= 2 && static_cast<unsigned char>(bytes[0]) == 0x1f &&
      static_cast<unsigned char>(bytes[1]) == 0x8b) {
    inflated = gunzip(bytes, source);
    text = inflated;
  }
  if (text.empty()) throw InputError(file_location(source), "empty file: not a model file");
  if (text.size() > kMaxModelBytes)
    throw InputError(file_location(source),
                     "is over " + std::to_string(kMaxModelBytes >> 20) + " MiB: not a model file");

  rapidjson::Document doc;
  rapidjson::MemoryStream in(text.data(), text.size());
  EnvelopeHandler handler(doc, text, in);
  rapidjson::Reader reader;
  auto generate = [&](rapidjson::Document& d) {
    (void)d;
    reader.Parse<kParseFlags>(in, handler);
    return !reader.HasParseError();
  };
  doc.Populate(generate);
  if (reader.HasParseError()) {
    if (!handler.error.empty()) throw InputError(where(source, handler.error_offset), handler.error);
    const std::size_t off = reader.GetErrorOffset();
    std::string msg = std::string("invalid JSON: ") + rapidjson::GetParseError_En(reader.GetParseErrorCode());
    if (off >= text.size()) msg = "truncated: the JSON text ends before the document does (" + msg + ")";
    throw InputError(where(source, off), msg);
  }

  Path path;
  Envelope env;
  try {
    env = check_envelope(doc, path);
  } catch (const SchemaError& e) {
    throw InputError(where(source, locate(text, e.path), path_string(e.path)), e.message);
  }
  doc.SetNull();  // the DOM is no longer needed; free it before XGBoost parses

  auto impl = std::make_unique<Model::Impl>();
  void* handle = nullptr;
  check(XGBoosterCreate(nullptr, 0, &handle), "create");
  impl->booster.reset(handle);
  const std::string_view booster = text.substr(handler.booster_begin, handler.booster_end - handler.booster_begin);
  if (XGBoosterLoadModelFromBuffer(handle, booster.data(), static_cast<bst_ulong>(booster.size())) != 0)
    throw InputError(where(source, handler.booster_begin, "booster"), "XGBoost cannot load it: " + xgboost_error());
  // Cross-check what XGBoost read against the envelope.
  bst_ulong nf = 0;
  int rounds = 0;
  check(XGBoosterGetNumFeature(handle, &nf), "num_feature");
  check(XGBoosterBoostedRounds(handle, &rounds), "boosted_rounds");
  bst_ulong n_names = 0;
  const char** names = nullptr;
  check(XGBoosterGetStrFeatureInfo(handle, "feature_name", &n_names, &names), "feature names");
  bool same = nf == env.features.size() && rounds == env.rounds && n_names == env.features.size();
  for (bst_ulong i = 0; same && i < n_names; ++i) same = env.features[i] == names[i];
  if (!same)
    throw InputError(where(source, handler.booster_begin, "booster"),
                     "XGBoost read " + std::to_string(nf) + " features and " + std::to_string(rounds) +
                         " trees with other names than the envelope's (string escapes?)");
  // XGBoost configures a loaded learner lazily, on its first prediction, and
  // only then checks some parameters: predict one all-missing row now so that
  // such a model fails here, as an input error, not later.
  {
    const std::vector<float> row(env.features.size(), std::numeric_limits<float>::quiet_NaN());
    const std::string values = dense_interface(row.data(), 1, row.size());
    const bst_ulong* shape = nullptr;
    bst_ulong dim = 0;
    const float* result = nullptr;
    if (XGBoosterSetParam(handle, "nthread", "1") != 0 ||
        XGBoosterPredictFromDense(handle, values.c_str(), kProbeConfig, nullptr, &shape, &dim, &result) != 0)
      throw InputError(where(source, handler.booster_begin, "booster"), "XGBoost cannot use it: " + xgboost_error());
    impl->threads = 1;
  }
  impl->features = std::move(env.features);
  impl->info = std::move(env.info);
  impl->rounds = rounds;
  return impl;
}

}  // namespace detail
}  // namespace hydrascope
