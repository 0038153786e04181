// Private helpers of the generator: keyed hashing, a seeded bijective
// permutation of [0, n), and address spaces built from IP range lists.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "hydrascope/io.hpp"

namespace hydrascope::synth {

/// splitmix64 finaliser: a bijection of 64-bit words.
[[nodiscard]] inline std::uint64_t mix64(std::uint64_t x) noexcept {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}
[[nodiscard]] inline std::uint64_t hash2(std::uint64_t a, std::uint64_t b) noexcept {
  return mix64(a ^ mix64(b + 0x632be59bd9b4e019ULL));
}

/// Small deterministic generator (splitmix64 stream) seeded from a key.
class Rng {
 public:
  explicit Rng(std::uint64_t key) noexcept : s_(key) {}
  std::uint64_t next() noexcept { s_ += 0x9e3779b97f4a7c15ULL; return mix64(s_); }
  double uniform() noexcept { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  std::uint64_t below(std::uint64_t n) noexcept { return n == 0 ? 0 : next() % n; }
  bool chance(double p) noexcept { return uniform() < p; }
  double normal() noexcept;
  double lognormal(double mu, double sigma) noexcept;
  double gamma1(double shape) noexcept;  ///< Gamma(shape, 1), shape > 0
  /// Zipf-like index in [0, n) with exponent ~1 (popular items first).
  std::uint64_t zipf(std::uint64_t n) noexcept;
 private:
  std::uint64_t s_;
};

/// Seeded bijection of [0, n): a 4-round Feistel network on the smallest
/// even-bit power of two >= n with cycle walking.
class Permutation {
 public:
  Permutation(std::uint64_t n, std::uint64_t key);
  [[nodiscard]] std::uint64_t operator()(std::uint64_t x) const noexcept;
  [[nodiscard]] std::uint64_t size() const noexcept { return n_; }
 private:
  std::uint64_t n_, key_;
  unsigned half_bits_;
  std::uint64_t mask_;
};

/// A set of disjoint IPv4 intervals addressed by a dense index [0, total).
class AddressSpace {
 public:
  void add(std::uint32_t first, std::uint32_t last);  ///< inclusive
  /// Sorts, merges overlaps, removes the parts inside `exclude` (sorted, merged).
  void finish(const AddressSpace* exclude = nullptr);
  [[nodiscard]] std::uint64_t total() const noexcept { return total_; }
  [[nodiscard]] std::uint32_t at(std::uint64_t index) const noexcept;  ///< index < total
  /// Index of the interval holding `index` (for an ASN-like attribute).
  [[nodiscard]] std::uint64_t block_of(std::uint64_t index) const noexcept;
  [[nodiscard]] bool contains(std::uint32_t ip) const noexcept;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> ranges;  ///< inclusive, sorted, disjoint
 private:
  std::vector<std::uint64_t> prefix_;  ///< addresses before range i
  std::uint64_t total_ = 0;
};

/// Reads `a.b.c.d/len` lines into `space` (blank and `#` lines skipped).
/// Returns false if the file cannot be opened.
bool read_cidr_file(const std::string& path, AddressSpace& space);
/// The same over text already in memory.
void read_cidr_text(std::string_view text, AddressSpace& space);

/// The files of datasets/ip-ranges compiled into the library (ip_ranges.cpp):
/// what the generators use when no ip_ranges_dir is given, so that a world
/// does not depend on the working folder.
[[nodiscard]] std::string_view builtin_datacenter_ranges() noexcept;
[[nodiscard]] std::string_view builtin_vpn_ranges() noexcept;

/// `space` from `dir`/datacenter-ipv4.txt and vpn-ipv4.txt, or from the
/// built-in copies of datasets/ip-ranges when `dir` is empty.
/// std::invalid_argument naming the folder when a file cannot be read.
void read_ip_ranges(const std::string& dir, AddressSpace& datacenter, AddressSpace& vpn);

/// "a.b.c.d"
[[nodiscard]] std::string ip_text(std::uint32_t ip);

/// Paths of a generated world's two files, its folder created: every world
/// model writes out_dir/snapshot.{json,ndjson}[.gz] (or the CSV folder
/// out_dir/snapshot) and out_dir/truth.json. InputError naming the folder
/// when it cannot be created.
struct OutputPaths {
  std::string snapshot, truth;
};
[[nodiscard]] OutputPaths prepare_output(const std::string& out_dir, SnapshotFormat format, bool gzip);

}  // namespace hydrascope::synth
