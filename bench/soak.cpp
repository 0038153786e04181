// soak: the whole pipeline many times in one process, to show that memory
// returns to its baseline (no leak, no unbounded cache). Each iteration
// generates a world of a size taken in turn from --sizes (seed = iteration),
// then runs the pipeline of `hydrascope run` on it (run_pipeline: load, build,
// detect, centralities, refine, features, score with the built-in model) and
// writes the run folder with every subgraph format (write_run_folder), then
// deletes its files. After every iteration it prints one line:
//   iteration accounts nodes edges suspects rss_kb seconds
// with rss_kb the resident set after malloc_trim(0) (memory the allocator
// could give back is given back, so what stays is what is still held).
// bench/soak.sh runs it, and runs it under the ASan build (leak check).
#include <malloc.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "hydrascope/export.hpp"
#include "hydrascope/io.hpp"
#include "hydrascope/model.hpp"
#include "hydrascope/pipeline.hpp"
#include "hydrascope/synth.hpp"

namespace {

long rss_kb() {
  std::ifstream in("/proc/self/statm");
  long pages = 0, resident = 0;
  in >> pages >> resident;
  return resident * (::sysconf(_SC_PAGESIZE) / 1024);
}

std::vector<std::uint64_t> parse_sizes(const std::string& s) {
  std::vector<std::uint64_t> out;
  std::stringstream in(s);
  for (std::string part; std::getline(in, part, ',');) out.push_back(std::stoull(part));
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace hydrascope;
  int iterations = 100;
  std::string sizes_text = "1000,4000,2000,8000,3000";
  std::string dir = "/tmp/hydrascope-soak-" + std::to_string(::getpid());
  int threads = 2;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i];
    if (a == "--iterations") iterations = std::atoi(argv[i + 1]);
    else if (a == "--sizes") sizes_text = argv[i + 1];
    else if (a == "--dir") dir = argv[i + 1];
    else if (a == "--threads") threads = std::atoi(argv[i + 1]);
    else {
      std::fprintf(stderr, "usage: soak [--iterations N] [--sizes A,B,...] [--dir DIR] [--threads T]\n");
      return 2;
    }
  }
  const std::vector<std::uint64_t> sizes = parse_sizes(sizes_text);
  if (sizes.empty() || iterations < 1) return 2;
  namespace fs = std::filesystem;
  const Model model = default_model();
  std::printf("# iteration accounts nodes edges suspect_accounts rss_kb seconds\n");
  std::printf("start - - - - %ld -\n", rss_kb());
  for (int it = 0; it < iterations; ++it) {
    const auto t0 = std::chrono::steady_clock::now();
    const std::string world = dir + "/world";
    const std::string out = dir + "/out";
    fs::remove_all(dir);
    fs::create_directories(out);
    std::uint64_t accounts = sizes[static_cast<std::size_t>(it) % sizes.size()];
    std::uint64_t nodes = 0, edges = 0, suspects = 0;
    {
      GeneratorOptions go = GeneratorOptions::for_profile(WorldProfile::Mixed, accounts, static_cast<std::uint64_t>(it) + 1);
      go.format = it % 3 == 0 ? SnapshotFormat::Json : it % 3 == 1 ? SnapshotFormat::Ndjson : SnapshotFormat::CsvPair;
      go.gzip = it % 4 == 0 && go.format != SnapshotFormat::CsvPair;
      const GenerateReport gr = generate_world(go, world);
      PipelineOptions po;
      po.community.seed = static_cast<std::uint64_t>(it) + 1;
      po.threads = threads;
      po.model = &model;
      const RunResult r = run_pipeline(gr.snapshot_path, po);
      nodes = r.snapshot->num_nodes();
      edges = r.snapshot->num_edges();
      suspects = r.scoring().suspect_accounts;
      RunFolderOptions fo;
      fo.suspects.graphml = fo.suspects.gexf = fo.suspects.dot = fo.suspects.csv = fo.suspects.neo4j = true;
      fo.replace = true;
      (void)write_run_folder(r, out, fo);
    }
    fs::remove_all(dir);
    ::malloc_trim(0);
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::printf("%d %llu %llu %llu %llu %ld %.2f\n", it, static_cast<unsigned long long>(accounts),
                static_cast<unsigned long long>(nodes), static_cast<unsigned long long>(edges),
                static_cast<unsigned long long>(suspects), rss_kb(), secs);
    std::fflush(stdout);
  }
  return 0;
}
