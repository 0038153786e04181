// lfr_gen: an LFR-style benchmark graph (Lancichinetti, Fortunato & Radicchi
// 2008) for the community benchmark: power-law degrees and community sizes,
// mixing parameter mu, configuration-model wiring inside and across
// communities, all from one seed. Writes OUT.edges (`u v`, u < v, unique) and
// OUT.truth (`node community`).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <utility>
#include <vector>

namespace {

struct Args {
  std::uint32_t n = 200000;
  double tau1 = 2.0;   // degree exponent
  double tau2 = 1.5;   // community size exponent
  std::uint32_t kmin = 8, kmax = 300;
  std::uint32_t cmin = 20, cmax = 1000;
  double mu = 0.4;
  std::uint64_t seed = 1;
  std::string out = "out/lfr";
};

[[noreturn]] void usage(const std::string& msg) {
  std::fprintf(stderr,
               "lfr_gen: %s\nusage: lfr_gen [--n N] [--tau1 T] [--tau2 T] [--kmin K] [--kmax K] [--cmin C] [--cmax C]"
               " [--mu MU] [--seed S] --out PREFIX\n",
               msg.c_str());
  std::exit(2);
}

// Continuous power law p(x) ~ x^-tau on [lo, hi], rounded down.
std::uint32_t power_law(std::mt19937_64& rng, double tau, double lo, double hi) {
  const double u = std::uniform_real_distribution<double>(0.0, 1.0)(rng);
  double x;
  if (std::abs(tau - 1.0) < 1e-9) {
    x = lo * std::pow(hi / lo, u);
  } else {
    const double a = std::pow(lo, 1.0 - tau), b = std::pow(hi, 1.0 - tau);
    x = std::pow(a + (b - a) * u, 1.0 / (1.0 - tau));
  }
  return static_cast<std::uint32_t>(std::min(hi, std::floor(x)));
}

}  // namespace

int main(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    const std::string k = argv[i];
    if (i + 1 >= argc) usage("missing value for " + k);
    const std::string v = argv[++i];
    if (k == "--n") a.n = static_cast<std::uint32_t>(std::stoul(v));
    else if (k == "--tau1") a.tau1 = std::stod(v);
    else if (k == "--tau2") a.tau2 = std::stod(v);
    else if (k == "--kmin") a.kmin = static_cast<std::uint32_t>(std::stoul(v));
    else if (k == "--kmax") a.kmax = static_cast<std::uint32_t>(std::stoul(v));
    else if (k == "--cmin") a.cmin = static_cast<std::uint32_t>(std::stoul(v));
    else if (k == "--cmax") a.cmax = static_cast<std::uint32_t>(std::stoul(v));
    else if (k == "--mu") a.mu = std::stod(v);
    else if (k == "--seed") a.seed = std::stoull(v);
    else if (k == "--out") a.out = v;
    else usage("unknown argument " + k);
  }
  if (a.n < 2 || a.kmin < 1 || a.kmax < a.kmin || a.cmin < 2 || a.cmax < a.cmin || a.mu < 0 || a.mu > 1) {
    usage("inconsistent parameters");
  }
  if (a.kmax * (1.0 - a.mu) >= a.cmax) usage("kmax * (1 - mu) must be below cmax");
  std::mt19937_64 rng(a.seed);
  const std::uint32_t n = a.n;
  // Degrees and their internal share.
  std::vector<std::uint32_t> deg(n), din(n);
  for (std::uint32_t v = 0; v < n; ++v) {
    deg[v] = power_law(rng, a.tau1, a.kmin, a.kmax);
    din[v] = static_cast<std::uint32_t>(std::lround((1.0 - a.mu) * deg[v]));
  }
  // Community sizes summing to n.
  std::vector<std::uint32_t> csize;
  std::uint64_t total = 0;
  while (total < n) {
    std::uint32_t s = power_law(rng, a.tau2, a.cmin, a.cmax);
    if (total + s > n) s = static_cast<std::uint32_t>(n - total);
    if (s < a.cmin && !csize.empty()) {
      csize.back() += s;  // fold a short tail into the last community
    } else {
      csize.push_back(s);
    }
    total += s;
  }
  const std::uint32_t k = static_cast<std::uint32_t>(csize.size());
  // Assign nodes, largest internal degree first, to a random community that
  // still has room and is big enough (size > internal degree).
  std::vector<std::uint32_t> order(n);
  for (std::uint32_t v = 0; v < n; ++v) order[v] = v;
  std::shuffle(order.begin(), order.end(), rng);
  std::stable_sort(order.begin(), order.end(), [&](std::uint32_t x, std::uint32_t y) { return din[x] > din[y]; });
  std::vector<std::uint32_t> room(csize), member(n);
  std::vector<std::uint32_t> by_size(k);
  for (std::uint32_t c = 0; c < k; ++c) by_size[c] = c;
  std::sort(by_size.begin(), by_size.end(), [&](std::uint32_t x, std::uint32_t y) { return csize[x] > csize[y]; });
  std::size_t largest_open = 0;
  for (std::uint32_t v : order) {
    std::uint32_t chosen = k;
    for (int attempt = 0; attempt < 32; ++attempt) {
      const std::uint32_t c = static_cast<std::uint32_t>(rng() % k);
      if (room[c] > 0 && csize[c] > din[v]) {
        chosen = c;
        break;
      }
    }
    if (chosen == k) {
      while (largest_open < k && room[by_size[largest_open]] == 0) ++largest_open;
      if (largest_open == k) usage("internal: no room left");
      chosen = by_size[largest_open];
      din[v] = std::min(din[v], csize[chosen] - 1);
    }
    member[v] = chosen;
    --room[chosen];
  }
  // Stubs: internal per community, external globally; configuration model.
  std::vector<std::vector<std::uint32_t>> in_stubs(k);
  std::vector<std::uint32_t> ex_stubs;
  for (std::uint32_t v = 0; v < n; ++v) {
    for (std::uint32_t i = 0; i < din[v]; ++i) in_stubs[member[v]].push_back(v);
    for (std::uint32_t i = din[v]; i < deg[v]; ++i) ex_stubs.push_back(v);
  }
  std::vector<std::pair<std::uint32_t, std::uint32_t>> edges;
  auto add = [&](std::uint32_t u, std::uint32_t v) {
    if (u != v) edges.emplace_back(std::min(u, v), std::max(u, v));
  };
  for (auto& stubs : in_stubs) {
    std::shuffle(stubs.begin(), stubs.end(), rng);
    for (std::size_t i = 0; i + 1 < stubs.size(); i += 2) add(stubs[i], stubs[i + 1]);
  }
  // External stubs: pairs landing inside one community are re-shuffled a few rounds, then dropped.
  for (int round = 0; round < 8 && ex_stubs.size() > 1; ++round) {
    std::shuffle(ex_stubs.begin(), ex_stubs.end(), rng);
    std::vector<std::uint32_t> left;
    for (std::size_t i = 0; i + 1 < ex_stubs.size(); i += 2) {
      const std::uint32_t u = ex_stubs[i], v = ex_stubs[i + 1];
      if (member[u] != member[v]) {
        add(u, v);
      } else {
        left.push_back(u);
        left.push_back(v);
      }
    }
    ex_stubs.swap(left);
  }
  std::sort(edges.begin(), edges.end());
  edges.erase(std::unique(edges.begin(), edges.end()), edges.end());
  const std::string ep = a.out + ".edges", tp = a.out + ".truth";
  const std::string etmp = ep + ".tmp", ttmp = tp + ".tmp";
  std::FILE* fe = std::fopen(etmp.c_str(), "w");
  std::FILE* ft = std::fopen(ttmp.c_str(), "w");
  if (!fe || !ft) usage("cannot write " + a.out + ".*");
  std::uint64_t internal = 0;
  for (const auto& [u, v] : edges) {
    std::fprintf(fe, "%u %u\n", u, v);
    internal += member[u] == member[v];
  }
  for (std::uint32_t v = 0; v < n; ++v) std::fprintf(ft, "%u %u\n", v, member[v]);
  if (std::fclose(fe) != 0 || std::fclose(ft) != 0) usage("write failed");
  std::rename(etmp.c_str(), ep.c_str());
  std::rename(ttmp.c_str(), tp.c_str());
  std::fprintf(stderr, "lfr_gen: n=%u m=%zu communities=%u mu=%.2f measured_mu=%.3f seed=%llu -> %s.{edges,truth}\n", n,
               edges.size(), k, a.mu, 1.0 - static_cast<double>(internal) / static_cast<double>(edges.size()),
               static_cast<unsigned long long>(a.seed), a.out.c_str());
  return 0;
}
