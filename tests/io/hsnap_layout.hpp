// The .hsnap layout as docs/formats.md describes it, for tests and the fuzz
// target that damage a file on purpose: where the header fields and the
// section table are, and fix_checksums(), which recomputes every crc32 so
// that a damaged file reaches the checks behind the checksums.
#pragma once

#include <zlib.h>

#include <cstdint>
#include <cstring>
#include <string>

namespace hydrascope::hsnap_layout {

inline constexpr std::size_t kHeader = 64, kEntry = 32;
// Header fields (byte offsets).
inline constexpr std::size_t kVersionAt = 8, kFileBytesAt = 16, kSectionsAt = 24, kTableCrcAt = 28, kNodesAt = 32,
                             kEdgesAt = 40, kHeaderCrcAt = 60;
// Section ids (1-based, table order).
enum : std::uint32_t {
  kMeta = 1, kIdBytes, kIdOffsets, kTypeBytes, kTypeOffsets, kEtypeBytes, kEtypeOffsets, kAttrKeyBytes,
  kAttrKeyOffsets, kAttrStringBytes, kAttrStringOffsets, kKind, kType, kLabel, kCreated, kAttrOffsets, kAttrs,
  kHasActivity, kActOffsets, kActBucket, kActValue, kSrc, kDst, kEtype, kWeight, kFirstSeen, kLastSeen, kEdgeOrder,
  kIdOrder
};

template <class T>
T get(const std::string& b, std::size_t at) {
  T v{};
  if (at + sizeof(T) <= b.size()) std::memcpy(&v, b.data() + at, sizeof(T));
  return v;
}
template <class T>
void put(std::string& b, std::size_t at, T v) {
  if (at + sizeof(T) <= b.size()) std::memcpy(b.data() + at, &v, sizeof(T));
}
inline std::size_t entry_at(std::uint32_t id) { return kHeader + (id - 1) * kEntry; }
inline std::uint64_t section_offset(const std::string& b, std::uint32_t id) { return get<std::uint64_t>(b, entry_at(id) + 8); }
inline std::uint64_t section_count(const std::string& b, std::uint32_t id) { return get<std::uint64_t>(b, entry_at(id) + 16); }

inline std::uint32_t crc(const char* p, std::uint64_t n) {
  return static_cast<std::uint32_t>(::crc32_z(0L, reinterpret_cast<const Bytef*>(p), static_cast<z_size_t>(n)));
}

/// Recomputes the section crcs (of the sections that lie inside the file),
/// the table crc and the header crc, as far as the bytes allow.
inline void fix_checksums(std::string& b) {
  if (b.size() < kHeader) return;
  const std::uint32_t sections = get<std::uint32_t>(b, kSectionsAt);
  if (sections > 1024 || kHeader + std::uint64_t{sections} * kEntry > b.size()) return;
  for (std::uint32_t i = 0; i < sections; ++i) {
    const std::size_t e = kHeader + i * kEntry;
    const auto elem = get<std::uint32_t>(b, e + 4);
    const auto off = get<std::uint64_t>(b, e + 8), count = get<std::uint64_t>(b, e + 16);
    if (elem == 0 || elem > 16 || off > b.size() || count > (b.size() - off) / elem) continue;
    put<std::uint32_t>(b, e + 24, crc(b.data() + off, count * elem));
  }
  put<std::uint32_t>(b, kTableCrcAt, crc(b.data() + kHeader, std::uint64_t{sections} * kEntry));
  put<std::uint32_t>(b, kHeaderCrcAt, crc(b.data(), kHeaderCrcAt));
}

}  // namespace hydrascope::hsnap_layout
