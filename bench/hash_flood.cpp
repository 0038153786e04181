// hash_flood: does a snapshot of ids crafted to collide load as fast as one of
// ordinary ids? Writes two NDJSON snapshots of N account nodes and N edges
// (each account to one of N/64 IPs): ids `a:<14 digits>`, and 16-byte ids that
// all share one value of hash_bytes() -- the unkeyed id hash the tables used
// before hash_id() (issue 17) -- then loads each with load_snapshot and prints
// the times. docs/reliability.md ("Hash flooding") has the figures.
//
//   hash_flood [N=1000000] [DIR=/tmp] [THREADS=2] [REPEATS=3]
// HASH_FLOOD_KEEP=1 keeps DIR/hash_flood_{normal,colliding}.ndjson (for
// example to load them with a build from before the keyed hash).
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "hydrascope/io.hpp"
#include "hydrascope/strings.hpp"

namespace {

// g(x) = (x * P) ^ ((x * P) >> 29): the word step of hash_bytes(), a bijection.
constexpr std::uint64_t kP = 0x100000001b3ULL;
std::uint64_t step(std::uint64_t h, std::uint64_t w) {
  h = (h ^ w) * kP;
  return h ^ (h >> 29);
}
std::uint64_t unshift29(std::uint64_t y) {  // inverse of y = x ^ (x >> 29)
  std::uint64_t x = y;
  for (int i = 0; i < 3; ++i) x = y ^ (x >> 29);
  return x;
}
std::uint64_t inverse_odd(std::uint64_t a) {  // a^-1 mod 2^64 (Newton)
  std::uint64_t x = a;
  for (int i = 0; i < 6; ++i) x *= 2 - a * x;
  return x;
}
// Every byte in 0x20..0x7E (printable ASCII: a JSON string without escapes
// but for '"' and '\').
bool printable(std::uint64_t w) {
  for (int i = 0; i < 8; ++i) {
    const unsigned b = (w >> (8 * i)) & 0xff;
    if (b < 0x20 || b > 0x7e) return false;
  }
  return true;
}
std::string word_text(std::uint64_t w) {
  std::string s(8, ' ');
  std::memcpy(s.data(), &w, 8);
  return s;
}

// N distinct 16-byte printable ids w1 w2 whose hash_bytes() state after both
// words is one fixed value, so that hash_bytes() is the same for all: w1 runs
// through printable words, w2 is solved for and kept when printable.
std::vector<std::string> colliding_ids(std::size_t n) {
  const std::uint64_t h0 = 0xcbf29ce484222325ULL ^ (16 * 0x9E3779B97F4A7C15ULL);  // hash_bytes' start for 16 bytes
  const std::uint64_t target = 0x0123456789abcdefULL;
  // step(s1, w2) = target  <=>  (s1 ^ w2) * P = unshift29(target)
  const std::uint64_t want = unshift29(target) * inverse_odd(kP);
  std::vector<std::string> ids;
  ids.reserve(n);
  std::uint64_t counter = 0;
  while (ids.size() < n) {
    // w1: a printable word from the counter (base 95 digits).
    std::uint64_t w1 = 0, c = counter++;
    for (int i = 0; i < 8; ++i) {
      w1 |= (0x20 + c % 95) << (8 * i);
      c /= 95;
    }
    const std::uint64_t w2 = step(h0, w1) ^ want;
    if (printable(w2)) ids.push_back(word_text(w1) + word_text(w2));
  }
  return ids;
}

void append_json_string(std::string& out, const std::string& s) {
  out.push_back('"');
  for (const char ch : s) {
    if (ch == '"' || ch == '\\') out.push_back('\\');
    out.push_back(ch);
  }
  out.push_back('"');
}

void write_snapshot(const std::string& path, const std::vector<std::string>& ids) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) {
    std::perror(path.c_str());
    std::exit(1);
  }
  std::string buf = "{\"format\":\"hydrascope.snapshot\",\"version\":1}\n";
  const std::size_t ips = ids.size() / 64 + 1;
  for (std::size_t i = 0; i < ips; ++i) buf += "{\"kind\":\"node\",\"id\":\"ip:" + std::to_string(i) + "\",\"type\":\"ip\"}\n";
  for (const auto& id : ids) {
    buf += "{\"kind\":\"node\",\"id\":";
    append_json_string(buf, id);
    buf += ",\"type\":\"account\"}\n";
  }
  for (std::size_t i = 0; i < ids.size(); ++i) {
    buf += "{\"kind\":\"edge\",\"src\":";
    append_json_string(buf, ids[i]);
    buf += ",\"dst\":\"ip:" + std::to_string(i % ips) + "\",\"type\":\"uses_ip\"}\n";
  }
  std::fwrite(buf.data(), 1, buf.size(), f);
  std::fclose(f);
}

double load_seconds(const std::string& path, int threads) {
  hydrascope::LoadOptions lo;
  lo.threads = threads;
  const auto t0 = std::chrono::steady_clock::now();
  const hydrascope::Snapshot s = hydrascope::load_snapshot(path, lo);
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (s.num_nodes() == 0) std::exit(2);
  return secs;
}

}  // namespace

int main(int argc, char** argv) {
  const std::size_t n = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 1000000;
  const std::string dir = argc > 2 ? argv[2] : "/tmp";
  const int threads = argc > 3 ? std::atoi(argv[3]) : 2;
  const int repeats = argc > 4 ? std::atoi(argv[4]) : 3;

  const auto t0 = std::chrono::steady_clock::now();
  const std::vector<std::string> flood = colliding_ids(n);
  const double craft = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const std::uint64_t h = hydrascope::hash_bytes(flood.front());
  for (const auto& id : flood)
    if (hydrascope::hash_bytes(id) != h) {
      std::fprintf(stderr, "hash_flood: crafted id does not collide\n");
      return 3;
    }
  std::vector<std::string> normal;
  normal.reserve(n);
  char buf[32];
  for (std::size_t i = 0; i < n; ++i) {
    std::snprintf(buf, sizeof buf, "a:%014zu", i);
    normal.emplace_back(buf);
  }
  const std::string normal_path = dir + "/hash_flood_normal.ndjson", flood_path = dir + "/hash_flood_colliding.ndjson";
  write_snapshot(normal_path, normal);
  write_snapshot(flood_path, flood);
  std::printf("hash_flood: n=%zu ids (+%zu ips, %zu edges) threads=%d; %zu ids with one hash_bytes value %016llx crafted in %.1f s\n",
              n, n / 64 + 1, n, threads, n, static_cast<unsigned long long>(h), craft);
  double best_normal = 1e300, best_flood = 1e300;
  for (int r = 0; r < repeats; ++r) {
    const double a = load_seconds(normal_path, threads);
    const double b = load_seconds(flood_path, threads);
    best_normal = std::min(best_normal, a);
    best_flood = std::min(best_flood, b);
    std::printf("hash_flood: repeat %d: normal ids %.3f s, colliding ids %.3f s\n", r + 1, a, b);
  }
  std::printf("hash_flood: best of %d: normal ids %.3f s, colliding ids %.3f s, ratio %.2f\n", repeats, best_normal,
              best_flood, best_flood / best_normal);
  if (std::getenv("HASH_FLOOD_KEEP") == nullptr) {  // kept: to load them with another build
    std::remove(normal_path.c_str());
    std::remove(flood_path.c_str());
  }
  return best_flood <= 2.0 * best_normal ? 0 : 1;
}
