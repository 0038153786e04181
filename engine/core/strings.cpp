// StringPool: one byte buffer, an offsets column and an open-addressing index.
#include "hydrascope/strings.hpp"

#include <sys/random.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <random>

#include "hydrascope/error.hpp"

namespace hydrascope {

std::uint64_t hash_bytes(std::string_view s) noexcept {
  // 64-bit FNV-1a over 8-byte words with a final avalanche (murmur3 fmix).
  std::uint64_t h = 0xcbf29ce484222325ULL ^ (s.size() * 0x9E3779B97F4A7C15ULL);
  const char* p = s.data();
  std::size_t n = s.size();
  while (n >= 8) {
    std::uint64_t w;
    std::memcpy(&w, p, 8);
    h = (h ^ w) * 0x100000001b3ULL;
    h ^= h >> 29;
    p += 8;
    n -= 8;
  }
  std::uint64_t tail = 0;
  std::memcpy(&tail, p, n);
  h = (h ^ tail) * 0x100000001b3ULL;
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ULL;
  h ^= h >> 33;
  return h;
}

namespace {

// The per-process key of hash_id(), from the kernel's random source.
struct HashKey {
  std::uint64_t k0 = 0x0706050403020100ULL, k1 = 0x0f0e0d0c0b0a0908ULL;
  HashKey() {
    std::uint64_t k[2];
    std::size_t have = 0;
    auto* bytes = reinterpret_cast<unsigned char*>(k);
    while (have < sizeof k) {
      const ssize_t got = ::getrandom(bytes + have, sizeof k - have, 0);
      if (got <= 0) break;
      have += static_cast<std::size_t>(got);
    }
    if (have < sizeof k) {
      std::random_device rd;
      k[0] = (static_cast<std::uint64_t>(rd()) << 32) ^ rd();
      k[1] = (static_cast<std::uint64_t>(rd()) << 32) ^ rd();
    }
    k0 = k[0];
    k1 = k[1];
  }
};
const HashKey& hash_key() {
  static const HashKey key;
  return key;
}

inline std::uint64_t rotl(std::uint64_t x, int b) noexcept { return (x << b) | (x >> (64 - b)); }
struct Sip {
  std::uint64_t v0, v1, v2, v3;
  void round() noexcept {
    v0 += v1;
    v1 = rotl(v1, 13);
    v1 ^= v0;
    v0 = rotl(v0, 32);
    v2 += v3;
    v3 = rotl(v3, 16);
    v3 ^= v2;
    v0 += v3;
    v3 = rotl(v3, 21);
    v3 ^= v0;
    v2 += v1;
    v1 = rotl(v1, 17);
    v1 ^= v2;
    v2 = rotl(v2, 32);
  }
  void block(std::uint64_t m) noexcept {  // SipHash-1-3: one round per block
    v3 ^= m;
    round();
    v0 ^= m;
  }
  std::uint64_t finish() noexcept {  // three rounds at the end
    v2 ^= 0xff;
    round();
    round();
    round();
    return v0 ^ v1 ^ v2 ^ v3;
  }
};
Sip sip_start() noexcept {
  const HashKey& k = hash_key();
  return Sip{k.k0 ^ 0x736f6d6570736575ULL, k.k1 ^ 0x646f72616e646f6dULL, k.k0 ^ 0x6c7967656e657261ULL,
             k.k1 ^ 0x7465646279746573ULL};
}

}  // namespace

std::uint64_t hash_id(std::string_view s) noexcept {
  Sip sip = sip_start();
  const char* p = s.data();
  std::size_t n = s.size();
  while (n >= 8) {
    std::uint64_t w;
    std::memcpy(&w, p, 8);
    sip.block(w);
    p += 8;
    n -= 8;
  }
  std::uint64_t last = static_cast<std::uint64_t>(s.size()) << 56;
  for (std::size_t i = 0; i < n; ++i) last |= static_cast<std::uint64_t>(static_cast<unsigned char>(p[i])) << (8 * i);
  sip.block(last);
  return sip.finish();
}

std::uint64_t hash_id(std::uint64_t x) noexcept {
  Sip sip = sip_start();
  sip.block(x);
  sip.block(std::uint64_t{8} << 56);
  return sip.finish();
}

struct StringPool::LazyIndex {
  std::once_flag once;
  std::vector<std::uint64_t> slots;
  std::uint64_t mask = 0;
};

StringPool::StringPool() : offsets_{0} {}

void StringPool::reserve(std::size_t strings, std::size_t bytes) {
  detach();
  offsets_.reserve(strings + 1);
  bytes_.reserve(bytes);
  index_capacity(strings);
}

std::size_t StringPool::memory_bytes() const noexcept {
  return bytes_.owned_bytes() + offsets_.owned_bytes() + slots_.capacity() * sizeof(std::uint64_t) +
         (lazy_ ? lazy_->slots.capacity() * sizeof(std::uint64_t) : 0);
}

std::uint32_t StringPool::append(std::string_view s) {
  detach();
  bytes_.insert_back(s.begin(), s.end());
  offsets_.push_back(bytes_.size());
  return size() - 1;
}

namespace {
constexpr std::uint64_t kEmptySlot = ~0ULL;
inline std::uint64_t tag_of(std::uint64_t h) noexcept { return h >> 32; }
}  // namespace

namespace {
// An index of every string of the pool at load <= 1/2; the first id of each
// string wins (a pool given by the caller as unique has no other).
template <class Get>
void fill_index(std::vector<std::uint64_t>& slots, std::uint64_t& mask, std::uint32_t n, const Get& get) {
  std::size_t cap = 1024;
  while (cap < static_cast<std::size_t>(n) * 2 + 2) cap *= 2;
  slots.assign(cap, kEmptySlot);
  mask = cap - 1;
  for (std::uint32_t id = 0; id < n; ++id) {
    const std::uint64_t h = hash_id(get(id));
    std::uint64_t i = h & mask;
    while (slots[i] != kEmptySlot) i = (i + 1) & mask;
    slots[i] = (tag_of(h) << 32) | id;
  }
}
}  // namespace

std::uint32_t StringPool::find(std::string_view s) const noexcept {
  const std::uint64_t* slots = slots_.data();
  std::uint64_t mask = mask_;
  if (lazy_) {
    LazyIndex& lazy = *lazy_;
    // std::call_once may throw (bad_alloc while building): find() is
    // noexcept, so that ends the process as any allocation failure would.
    std::call_once(lazy.once, [&] { fill_index(lazy.slots, lazy.mask, size(), [this](std::uint32_t i) { return get(i); }); });
    slots = lazy.slots.data();
    mask = lazy.mask;
  } else if (slots_.empty()) {
    return kNotFound;
  }
  const std::uint64_t h = hash_id(s);
  const std::uint64_t tag = tag_of(h);
  std::uint64_t i = h & mask;
  while (true) {
    const std::uint64_t slot = slots[i];
    if (slot == kEmptySlot) return kNotFound;
    if ((slot >> 32) == tag) {
      const auto id = static_cast<std::uint32_t>(slot);
      if (get(id) == s) return id;
    }
    i = (i + 1) & mask;
  }
}

void StringPool::detach() {
  if (!lazy_) return;
  lazy_.reset();
  slots_.clear();
  index_capacity(size());
}

void StringPool::index_capacity(std::size_t strings) {
  std::size_t cap = 1024;
  while (cap < strings * 2 + 2) cap *= 2;
  if (cap <= slots_.size()) return;
  slots_.assign(cap, kEmptySlot);
  mask_ = cap - 1;
  for (std::uint32_t id = 0; id < size(); ++id) {
    const std::uint64_t h = hash_id(get(id));
    std::uint64_t i = h & mask_;
    while (slots_[i] != kEmptySlot) i = (i + 1) & mask_;
    slots_[i] = (tag_of(h) << 32) | id;
  }
}

std::uint32_t StringPool::intern(std::string_view s) { return intern(s, hash_id(s)); }

StringPool StringPool::from_parts_lazy(Column<char> bytes, Column<std::uint64_t> offsets) {
  StringPool p;
  p.bytes_ = std::move(bytes);
  p.offsets_ = std::move(offsets);
  p.lazy_ = std::make_shared<LazyIndex>();
  return p;
}

StringPool StringPool::from_parts(Column<char> bytes, Column<std::uint64_t> offsets, std::uint32_t* duplicate) {
  StringPool p;
  p.bytes_ = std::move(bytes);
  p.offsets_ = std::move(offsets);
  if (duplicate != nullptr) *duplicate = kNotFound;
  std::size_t cap = 1024;
  while (cap < static_cast<std::size_t>(p.size()) * 2 + 2) cap *= 2;
  p.slots_.assign(cap, kEmptySlot);
  p.mask_ = cap - 1;
  for (std::uint32_t id = 0; id < p.size(); ++id) {
    const std::string_view s = p.get(id);
    const std::uint64_t h = hash_id(s);
    const std::uint64_t tag = tag_of(h);
    std::uint64_t i = h & p.mask_;
    bool dup = false;
    while (p.slots_[i] != kEmptySlot) {
      if ((p.slots_[i] >> 32) == tag && p.get(static_cast<std::uint32_t>(p.slots_[i])) == s) {
        dup = true;
        break;
      }
      i = (i + 1) & p.mask_;
    }
    if (dup) {
      if (duplicate != nullptr && *duplicate == kNotFound) *duplicate = id;
      continue;
    }
    p.slots_[i] = (tag << 32) | id;
  }
  return p;
}

std::uint32_t StringPool::intern(std::string_view s, std::uint64_t h) {
  if (lazy_) detach();
  // Keep the load factor at most 1/2.
  if ((static_cast<std::uint64_t>(size()) + 1) * 2 > slots_.size()) index_capacity(std::max<std::size_t>(size() + 1, slots_.size()));
  const std::uint64_t tag = tag_of(h);
  std::uint64_t i = h & mask_;
  while (true) {
    const std::uint64_t slot = slots_[i];
    if (slot == kEmptySlot) break;
    if ((slot >> 32) == tag) {
      const auto id = static_cast<std::uint32_t>(slot);
      if (get(id) == s) return id;
    }
    i = (i + 1) & mask_;
  }
  const std::uint32_t id = append(s);
  slots_[i] = (tag << 32) | id;
  return id;
}

void StringPool::reorder(std::span<const std::uint32_t> new_to_old, std::span<const std::uint32_t> old_to_new) {
  detach();
  const std::uint32_t n = size();
  std::vector<char> bytes(bytes_.size());
  std::vector<std::uint64_t> offsets(static_cast<std::size_t>(n) + 1);
  std::uint64_t at = 0;
  for (std::uint32_t i = 0; i < n; ++i) {
    const std::string_view s = get(new_to_old[i]);
    offsets[i] = at;
    if (!s.empty()) std::memcpy(bytes.data() + at, s.data(), s.size());
    at += s.size();
  }
  offsets[n] = at;
  bytes_ = std::move(bytes);
  offsets_ = std::move(offsets);
  for (std::uint64_t& slot : slots_)
    if (slot != kEmptySlot) slot = (slot & ~0xFFFFFFFFULL) | old_to_new[static_cast<std::uint32_t>(slot)];
}

void StringPool::rebuild_index() {
  lazy_.reset();
  slots_.clear();
  index_capacity(size());
}

void StringPool::drop_index() {
  lazy_.reset();
  slots_.clear();
  slots_.shrink_to_fit();
  mask_ = 0;
}

void StringPool::shrink_to_fit() {
  bytes_.shrink_to_fit();
  offsets_.shrink_to_fit();
}

void append_csv_field(std::string& out, std::string_view s) {
  const bool quote = s.find_first_of(",\"\r\n") != std::string_view::npos ||
                     (!s.empty() && (s.front() == ' ' || s.back() == ' '));
  if (!quote) {
    out.append(s);
    return;
  }
  out.push_back('"');
  for (const char c : s) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
}

void for_each_csv_record(const std::string& path,
                         const std::function<void(std::uint64_t, std::vector<std::string>&)>& f) {
  std::FILE* fp = std::fopen(path.c_str(), "rb");
  if (fp == nullptr) throw InputError(file_location(path), std::string("cannot read: ") + std::strerror(errno));
  struct Closer {
    std::FILE* fp;
    ~Closer() { std::fclose(fp); }
  } closer{fp};
  std::vector<char> buf(std::size_t{1} << 20);
  std::vector<std::string> fields(1);
  bool quoted = false, after_quote = false, any = false;
  std::uint64_t line = 1, record_line = 1;
  auto end_record = [&] {
    if (any || fields.size() > 1 || !fields[0].empty()) f(record_line, fields);
    fields.assign(1, std::string());
    any = false;
    after_quote = false;
  };
  std::size_t got;
  bool cr = false;
  while ((got = std::fread(buf.data(), 1, buf.size(), fp)) > 0) {
    for (std::size_t i = 0; i < got; ++i) {
      const char c = buf[i];
      if (c == '\n') ++line;
      if (quoted) {
        if (c == '"') {
          quoted = false;
          after_quote = true;
        } else {
          fields.back().push_back(c);
        }
        continue;
      }
      if (cr && c == '\n') {
        cr = false;
        record_line = line;
        continue;
      }
      cr = false;
      if (c == '"') {
        if (after_quote) fields.back().push_back('"');  // "" inside a quoted field
        else if (!fields.back().empty()) throw InputError(file_location(path, line), "stray quote inside an unquoted field");
        quoted = true;
        after_quote = false;
        any = true;
      } else if (c == ',') {
        fields.emplace_back();
        after_quote = false;
        any = true;
      } else if (c == '\n' || c == '\r') {
        end_record();
        cr = c == '\r';
        record_line = line;
      } else {
        if (after_quote) throw InputError(file_location(path, line), "text after a closing quote");
        fields.back().push_back(c);
        any = true;
      }
    }
  }
  if (std::ferror(fp) != 0) throw InputError(file_location(path), std::string("read error: ") + std::strerror(errno));
  if (quoted) throw InputError(file_location(path, record_line), "unterminated quoted field");
  end_record();
}


namespace {
bool plain_number(std::string_view s) {
  std::size_t i = 0;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
  std::size_t digits = 0;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i, ++digits;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i, ++digits;
  }
  if (digits == 0) return false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
    std::size_t exp = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i, ++exp;
    if (exp == 0) return false;
  }
  return i == s.size();
}
}  // namespace

bool csv_formula_risk(std::string_view s) {
  if (s.empty()) return false;
  const char c = s.front();
  if (c == '=' || c == '@' || c == '\t' || c == '\r') return true;
  if (c == '+' || c == '-') return !plain_number(s);
  return false;
}

void append_sheet_cell(std::string& out, std::string_view s, bool formula_guard) {
  if (!s.empty() && (s.front() == '\'' || (formula_guard && csv_formula_risk(s)))) {
    std::string t;
    t.reserve(s.size() + 1);
    t.push_back('\'');
    t.append(s);
    append_csv_field(out, t);
    return;
  }
  append_csv_field(out, s);
}

std::string_view sheet_cell_text(std::string_view cell) noexcept {
  if (!cell.empty() && cell.front() == '\'') cell.remove_prefix(1);
  return cell;
}

void append_guarded_csv_field(std::string& out, std::string_view s) {
  if (csv_formula_risk(s)) {
    std::string t = "'";
    t.append(s);
    append_csv_field(out, t);
    return;
  }
  append_csv_field(out, s);
}

}  // namespace hydrascope
