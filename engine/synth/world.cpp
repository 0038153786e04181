// Generator building blocks: random variates, the Feistel permutation that
// shuffles account order, IPv4 address spaces from range lists, and the
// output paths every world model writes to.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <string_view>

#include "hydrascope/error.hpp"
#include "synth_internal.hpp"

namespace hydrascope::synth {

double Rng::normal() noexcept {
  const double u1 = std::max(uniform(), 1e-300), u2 = uniform();
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
}
double Rng::lognormal(double mu, double sigma) noexcept { return std::exp(mu + sigma * normal()); }
double Rng::gamma1(double shape) noexcept {
  if (shape < 1.0) return gamma1(shape + 1.0) * std::pow(std::max(uniform(), 1e-300), 1.0 / shape);
  const double d = shape - 1.0 / 3.0, c = 1.0 / std::sqrt(9.0 * d);
  for (;;) {  // Marsaglia-Tsang
    double x, v;
    do { x = normal(); v = 1.0 + c * x; } while (v <= 0.0);
    v = v * v * v;
    const double u = uniform();
    if (u < 1.0 - 0.0331 * x * x * x * x) return d * v;
    if (std::log(std::max(u, 1e-300)) < 0.5 * x * x + d * (1.0 - v + std::log(v))) return d * v;
  }
}
std::uint64_t Rng::zipf(std::uint64_t n) noexcept {
  if (n <= 1) return 0;
  // Inverse CDF of the continuous 1/x law on [1, n+1).
  const double x = std::exp(uniform() * std::log(static_cast<double>(n) + 1.0)) - 1.0;
  return std::min<std::uint64_t>(static_cast<std::uint64_t>(x), n - 1);
}

Permutation::Permutation(std::uint64_t n, std::uint64_t key) : n_(n), key_(key) {
  unsigned bits = 2;
  while (bits < 64 && (std::uint64_t{1} << bits) < n) bits += 2;
  half_bits_ = bits / 2;
  mask_ = (std::uint64_t{1} << half_bits_) - 1;
}
std::uint64_t Permutation::operator()(std::uint64_t x) const noexcept {
  if (n_ <= 1) return x;
  do {  // cycle walking: re-encrypt until the value falls inside [0, n)
    std::uint64_t l = x >> half_bits_, r = x & mask_;
    for (std::uint64_t round = 0; round < 4; ++round) {
      const std::uint64_t f = hash2(key_ + round, r) & mask_;
      const std::uint64_t nl = r;
      r = l ^ f;
      l = nl;
    }
    x = (l << half_bits_) | r;
  } while (x >= n_);
  return x;
}

void AddressSpace::add(std::uint32_t first, std::uint32_t last) { ranges.emplace_back(first, last); }

void AddressSpace::finish(const AddressSpace* exclude) {
  std::sort(ranges.begin(), ranges.end());
  std::vector<std::pair<std::uint32_t, std::uint32_t>> merged;
  for (const auto& r : ranges) {
    if (!merged.empty() && static_cast<std::uint64_t>(r.first) <= static_cast<std::uint64_t>(merged.back().second) + 1)
      merged.back().second = std::max(merged.back().second, r.second);
    else
      merged.push_back(r);
  }
  if (exclude != nullptr) {
    std::vector<std::pair<std::uint32_t, std::uint32_t>> kept;
    for (auto r : merged) {
      std::uint64_t lo = r.first;
      const std::uint64_t hi = r.second;
      auto it = std::upper_bound(exclude->ranges.begin(), exclude->ranges.end(), std::make_pair(r.first, std::uint32_t{0}));
      if (it != exclude->ranges.begin()) --it;
      for (; it != exclude->ranges.end(); ++it) {
        const auto& x = *it;
        if (x.first > hi) break;
        if (x.second < lo) continue;
        if (x.first > lo) kept.emplace_back(static_cast<std::uint32_t>(lo), x.first - 1);
        lo = static_cast<std::uint64_t>(x.second) + 1;
        if (lo > hi) break;
      }
      if (lo <= hi) kept.emplace_back(static_cast<std::uint32_t>(lo), static_cast<std::uint32_t>(hi));
    }
    merged.swap(kept);
  }
  ranges.swap(merged);
  prefix_.assign(ranges.size() + 1, 0);
  for (std::size_t i = 0; i < ranges.size(); ++i)
    prefix_[i + 1] = prefix_[i] + (static_cast<std::uint64_t>(ranges[i].second) - ranges[i].first + 1);
  total_ = prefix_.back();
}

std::uint64_t AddressSpace::block_of(std::uint64_t index) const noexcept {
  return static_cast<std::uint64_t>(std::upper_bound(prefix_.begin(), prefix_.end(), index) - prefix_.begin()) - 1;
}
std::uint32_t AddressSpace::at(std::uint64_t index) const noexcept {
  const std::uint64_t b = block_of(index);
  return static_cast<std::uint32_t>(ranges[b].first + (index - prefix_[b]));
}
bool AddressSpace::contains(std::uint32_t ip) const noexcept {
  auto it = std::upper_bound(ranges.begin(), ranges.end(), std::make_pair(ip, std::uint32_t{0xffffffffu}));
  if (it == ranges.begin()) return false;
  --it;
  return ip >= it->first && ip <= it->second;
}

namespace {

// One `a.b.c.d/len` line (anything else is skipped, as comments are).
void add_cidr_line(const std::string& line, AddressSpace& space) {
  if (line.empty() || line[0] == '#') return;
  unsigned a, b, c, d, len;
  if (std::sscanf(line.c_str(), "%u.%u.%u.%u/%u", &a, &b, &c, &d, &len) != 5) return;
  if (a > 255 || b > 255 || c > 255 || d > 255 || len > 32 || len < 8) return;
  const std::uint32_t base = (a << 24) | (b << 16) | (c << 8) | d;
  const std::uint32_t size_mask = len == 32 ? 0u : (0xffffffffu >> len);
  space.add(base & ~size_mask, (base & ~size_mask) | size_mask);
}

}  // namespace

bool read_cidr_file(const std::string& path, AddressSpace& space) {
  std::ifstream in(path);
  if (!in) return false;
  std::string line;
  while (std::getline(in, line)) add_cidr_line(line, space);
  return true;
}

void read_cidr_text(std::string_view text, AddressSpace& space) {
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    add_cidr_line(std::string(text.substr(start, end - start)), space);
    start = end + 1;
  }
}

void read_ip_ranges(const std::string& dir, AddressSpace& datacenter, AddressSpace& vpn) {
  if (dir.empty()) {
    read_cidr_text(builtin_datacenter_ranges(), datacenter);
    read_cidr_text(builtin_vpn_ranges(), vpn);
    return;
  }
  if (!read_cidr_file(dir + "/datacenter-ipv4.txt", datacenter) || !read_cidr_file(dir + "/vpn-ipv4.txt", vpn))
    throw std::invalid_argument("ip ranges: cannot read datacenter-ipv4.txt / vpn-ipv4.txt in " + dir);
}

std::string ip_text(std::uint32_t ip) {
  char buf[20];
  std::snprintf(buf, sizeof buf, "%u.%u.%u.%u", ip >> 24, (ip >> 16) & 255, (ip >> 8) & 255, ip & 255);
  return buf;
}

OutputPaths prepare_output(const std::string& out_dir, SnapshotFormat format, bool gzip) {
  std::error_code ec;
  std::filesystem::create_directories(out_dir, ec);
  if (ec) {
    SourceLocation where;
    where.file = out_dir;
    throw InputError(where, "cannot create output folder: " + ec.message());
  }
  std::string name = "snapshot";
  if (format == SnapshotFormat::Json) name += ".json";
  else if (format == SnapshotFormat::Ndjson) name += ".ndjson";
  if (gzip && format != SnapshotFormat::CsvPair) name += ".gz";
  return {out_dir + "/" + name, out_dir + "/truth.json"};
}

}  // namespace hydrascope::synth
