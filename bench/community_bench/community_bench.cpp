// community_bench: times detect_communities() on a `u v [w]` edge list and
// reports quality, NMI against a `node label` truth file and peak RSS; one
// self-describing line per case. Part of the community benchmark (docs/performance.md).
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "hydrascope/community.hpp"

namespace {

using namespace hydrascope;

struct Args {
  std::string edges;
  std::string truth;
  std::string name;
  std::vector<int> threads{1, 2};
  std::vector<std::string> algos{"leiden"};
  std::string quality = "modularity";
  double resolution = 1.0;
  int max_iterations = 2;
  std::uint64_t seed = 1;
  int repeat = 1;
  std::string membership_out;
};

[[noreturn]] void usage(const char* msg) {
  std::fprintf(stderr,
               "community_bench: %s\nusage: community_bench --edges FILE [--truth FILE] [--name NAME]"
               " [--threads 1,2] [--algo leiden,louvain,lpa,components] [--quality modularity|cpm]"
               " [--resolution R] [--max-iterations N] [--seed S] [--repeat R] [--membership-out FILE]\n",
               msg);
  std::exit(2);
}

std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  std::string x;
  while (std::getline(ss, x, ',')) out.push_back(x);
  return out;
}

// Reads `u v [w]` lines (# or % comments); n = max id + 1.
AnalysisGraph read_edges(const std::string& path, NodeId& n_out) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) throw std::runtime_error("cannot open " + path);
  std::vector<WeightedEdge> edges;
  std::vector<char> buf(1 << 20);
  std::string line;
  NodeId n = 0;
  char* l = nullptr;
  std::size_t cap = 0;
  ssize_t len;
  std::uint64_t lineno = 0;
  while ((len = getline(&l, &cap, f)) != -1) {
    ++lineno;
    char* p = l;
    while (*p == ' ' || *p == '\t') ++p;
    if (*p == '#' || *p == '%' || *p == '\n' || *p == '\r' || *p == 0) continue;
    char* e = nullptr;
    const unsigned long u = std::strtoul(p, &e, 10);
    if (e == p) throw std::runtime_error(path + ":" + std::to_string(lineno) + ": bad node id");
    p = e;
    while (*p == ' ' || *p == '\t' || *p == ',') ++p;
    const unsigned long v = std::strtoul(p, &e, 10);
    if (e == p) throw std::runtime_error(path + ":" + std::to_string(lineno) + ": bad node id");
    p = e;
    while (*p == ' ' || *p == '\t' || *p == ',') ++p;
    double w = 1.0;
    if (*p && *p != '\n' && *p != '\r') w = std::strtod(p, nullptr);
    edges.push_back(WeightedEdge{static_cast<NodeId>(u), static_cast<NodeId>(v), w});
    n = std::max<NodeId>(n, static_cast<NodeId>(std::max(u, v)) + 1);
  }
  std::free(l);
  std::fclose(f);
  n_out = n;
  return AnalysisGraph::from_edges(n, edges, MultiEdge::Max);
}

std::vector<std::uint64_t> read_truth(const std::string& path, NodeId n) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open " + path);
  std::vector<std::uint64_t> t(n, ~std::uint64_t{0});
  std::uint64_t v, c;
  std::uint64_t next_unlabelled = 1ULL << 40;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream ls(line);
    if (ls >> v >> c && v < n) t[v] = c;
  }
  for (auto& x : t) {
    if (x == ~std::uint64_t{0}) x = next_unlabelled++;  // unlabelled nodes: own cluster
  }
  return t;
}

double cpu_seconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         1e-6 * static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
}

double peak_rss_mb() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_maxrss) / 1024.0;
}

}  // namespace

int main(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    const std::string k = argv[i];
    auto val = [&]() -> std::string {
      if (i + 1 >= argc) usage(("missing value for " + k).c_str());
      return argv[++i];
    };
    if (k == "--edges") a.edges = val();
    else if (k == "--truth") a.truth = val();
    else if (k == "--name") a.name = val();
    else if (k == "--threads") {
      a.threads.clear();
      for (auto& t : split(val())) a.threads.push_back(std::stoi(t));
    } else if (k == "--algo") a.algos = split(val());
    else if (k == "--quality") a.quality = val();
    else if (k == "--resolution") a.resolution = std::stod(val());
    else if (k == "--max-iterations") a.max_iterations = std::stoi(val());
    else if (k == "--seed") a.seed = std::stoull(val());
    else if (k == "--repeat") a.repeat = std::stoi(val());
    else if (k == "--membership-out") a.membership_out = val();
    else usage(("unknown argument " + k).c_str());
  }
  if (a.edges.empty()) usage("--edges is required");
  if (a.name.empty()) a.name = a.edges;
  try {
    const auto t0 = std::chrono::steady_clock::now();
    NodeId n = 0;
    const AnalysisGraph g = read_edges(a.edges, n);
    const double load_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::vector<std::uint64_t> truth;
    if (!a.truth.empty()) truth = read_truth(a.truth, n);
    std::printf("# graph=%s n=%u m=%llu load_s=%.3f rss_after_load_mb=%.1f\n", a.name.c_str(), g.num_nodes(),
                static_cast<unsigned long long>(g.num_edges()), load_s, peak_rss_mb());
    for (const auto& algo_name : a.algos) {
      for (int threads : a.threads) {
        for (int rep = 0; rep < a.repeat; ++rep) {
          CommunityOptions o;
          const auto algo = parse_algorithm(algo_name);
          const auto qf = parse_quality(a.quality);
          if (!algo || !qf) usage("bad --algo or --quality");
          o.algorithm = *algo;
          o.quality = *qf;
          o.resolution = a.resolution;
          o.max_iterations = a.max_iterations;
          o.seed = a.seed;
          o.threads = threads;
          const auto t1 = std::chrono::steady_clock::now();
          const double c1 = cpu_seconds();
          const CommunityResult r = detect_communities(g, o);
          const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t1).count();
          const double cpu = cpu_seconds() - c1;
          const bool connected = communities_connected(g, r.partition);
          double nmi = -1.0;
          if (!truth.empty()) {
            std::vector<std::uint64_t> mine(r.partition.membership.begin(), r.partition.membership.end());
            nmi = normalized_mutual_information(mine, truth);
          }
          std::printf(
              "tool=hydrascope algo=%s graph=%s n=%u m=%llu threads=%d max_iterations=%d seed=%llu time_s=%.3f cpu_s=%.3f "
              "quality=%s value=%.6f communities=%u nmi=%.4f iterations=%d levels=%d converged=%d connected=%d "
              "lm_s=%.3f refine_s=%.3f agg_s=%.3f peak_rss_mb=%.1f\n",
              algo_name.c_str(), a.name.c_str(), g.num_nodes(), static_cast<unsigned long long>(g.num_edges()),
              r.threads, a.max_iterations, static_cast<unsigned long long>(a.seed), s, cpu, a.quality.c_str(), r.quality,
              r.partition.num_communities, nmi, r.iterations, r.levels, r.converged ? 1 : 0, connected ? 1 : 0,
              r.seconds.local_moving, r.seconds.refinement, r.seconds.aggregation, peak_rss_mb());
          std::fflush(stdout);
          if (!a.membership_out.empty()) {
            std::ofstream out(a.membership_out);
            for (NodeId v = 0; v < n; ++v) out << v << ' ' << r.partition.membership[v] << '\n';
          }
        }
      }
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "community_bench: error: %s\n", e.what());
    return 1;
  }
  return 0;
}
