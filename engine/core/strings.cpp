// StringPool: one byte buffer, an offsets column and an open-addressing index.
#include "hydrascope/strings.hpp"

#include <algorithm>
#include <cstring>

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

StringPool::StringPool() : offsets_{0} {}

void StringPool::reserve(std::size_t strings, std::size_t bytes) {
  offsets_.reserve(strings + 1);
  bytes_.reserve(bytes);
  index_capacity(strings);
}

std::size_t StringPool::memory_bytes() const noexcept {
  return bytes_.capacity() + offsets_.capacity() * sizeof(std::uint64_t) + slots_.capacity() * sizeof(std::uint64_t);
}

std::uint32_t StringPool::append(std::string_view s) {
  bytes_.insert(bytes_.end(), s.begin(), s.end());
  offsets_.push_back(bytes_.size());
  return size() - 1;
}

namespace {
constexpr std::uint64_t kEmptySlot = ~0ULL;
inline std::uint64_t tag_of(std::uint64_t h) noexcept { return h >> 32; }
}  // namespace

std::uint32_t StringPool::find(std::string_view s) const noexcept {
  if (slots_.empty()) return kNotFound;
  const std::uint64_t h = hash_bytes(s);
  const std::uint64_t tag = tag_of(h);
  std::uint64_t i = h & mask_;
  while (true) {
    const std::uint64_t slot = slots_[i];
    if (slot == kEmptySlot) return kNotFound;
    if ((slot >> 32) == tag) {
      const auto id = static_cast<std::uint32_t>(slot);
      if (get(id) == s) return id;
    }
    i = (i + 1) & mask_;
  }
}

void StringPool::index_capacity(std::size_t strings) {
  std::size_t cap = 1024;
  while (cap < strings * 2 + 2) cap *= 2;
  if (cap <= slots_.size()) return;
  slots_.assign(cap, kEmptySlot);
  mask_ = cap - 1;
  for (std::uint32_t id = 0; id < size(); ++id) {
    const std::uint64_t h = hash_bytes(get(id));
    std::uint64_t i = h & mask_;
    while (slots_[i] != kEmptySlot) i = (i + 1) & mask_;
    slots_[i] = (tag_of(h) << 32) | id;
  }
}

std::uint32_t StringPool::intern(std::string_view s) { return intern(s, hash_bytes(s)); }

std::uint32_t StringPool::intern(std::string_view s, std::uint64_t h) {
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
  slots_.clear();
  index_capacity(size());
}

void StringPool::drop_index() {
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

}  // namespace hydrascope
