// suspects/ of `hydrascope run`: one subgraph per suspect community, selected
// and written exactly as `hydrascope export --run` selects and writes it, so
// both give the same bytes.
#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <exception>
#include <numeric>
#include <stdexcept>
#include <string>
#include <vector>

#if defined(_OPENMP)
#include <omp.h>
#endif

#include "hydrascope/export.hpp"

namespace hydrascope {

std::vector<std::string> write_suspect_subgraphs(const std::string& dir, const Snapshot& s, const Incidence& inc,
                                                 const Partition& p, const ScoringResult& scoring,
                                                 const SuspectExportOptions& options, const AccountColumns& columns) {
  if (::mkdir(dir.c_str(), 0777) != 0 && errno != EEXIST)
    throw std::runtime_error("cannot create " + dir + ": " + std::strerror(errno));
  ExportFormats f;
  f.json = true;
  f.graphml = options.graphml;
  f.gexf = options.gexf;
  f.gexf13 = options.gexf13;
  f.dot = options.dot;
  f.csv = options.csv;
  f.neo4j = options.neo4j;
  f.guard_csv = options.guard_csv;
  std::vector<CommunityId> chosen = scoring.ranking;
  if (options.max_communities != 0 && chosen.size() > options.max_communities) chosen.resize(options.max_communities);
  RunData run = RunData::from_result(s, p, scoring, columns);
  const auto accounts = run.accounts_of(chosen);
  // Every subgraph is selected first, and the run's attributes of all their
  // nodes prepared, so that the files can then be written in parallel (each
  // file's bytes depend only on its subgraph). Costs are in the suspects'
  // nodes and edges.
  std::vector<Subgraph> subs;
  subs.reserve(chosen.size());
  {
    SubgraphSelector select(s, inc, SelectionLimits{});
    std::vector<NodeId> nodes;
    for (std::size_t i = 0; i < chosen.size(); ++i) {
      subs.push_back(select.community(chosen[i], accounts[i], 0));
      nodes.insert(nodes.end(), subs.back().nodes.begin(), subs.back().nodes.end());
    }
    run.prepare(nodes);
  }
  // Largest first, so that the threads finish together.
  std::vector<std::size_t> by_size(subs.size());
  std::iota(by_size.begin(), by_size.end(), std::size_t{0});
  std::stable_sort(by_size.begin(), by_size.end(), [&](std::size_t a, std::size_t b) {
    return subs[a].nodes.size() + subs[a].edges.size() > subs[b].nodes.size() + subs[b].edges.size();
  });
  const int threads = resolve_threads(options.threads);
  std::vector<std::vector<std::string>> written(subs.size());
  std::vector<std::exception_ptr> failed(subs.size());
  std::atomic<std::size_t> done{0};
  std::size_t reported = 0;
  if (options.progress) options.progress("export", 0, chosen.size());
  const std::int64_t count = static_cast<std::int64_t>(subs.size());
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads) if (threads > 1 && count > 1)
  for (std::int64_t k = 0; k < count; ++k) {
    const std::size_t i = by_size[static_cast<std::size_t>(k)];
    try {
      written[i] = write_subgraph(dir, s, subs[i], &run, f);
    } catch (...) {
      failed[i] = std::current_exception();
    }
    const std::size_t now = ++done;
    bool calling_thread = true;
#if defined(_OPENMP)
    calling_thread = omp_get_thread_num() == 0;
#endif
    // Progress is reported by the calling thread only (callbacks need not be thread-safe).
    if (calling_thread && options.progress && now > reported && now < subs.size()) {
      try {
        options.progress("export", now, chosen.size());
        reported = now;
      } catch (...) {  // a cancelled run: kept with the subgraph just written
        if (!failed[i]) failed[i] = std::current_exception();
      }
    }
  }
  // The first failure in ranking order, whatever the order of writing.
  for (const auto& e : failed)
    if (e) std::rethrow_exception(e);
  std::vector<std::string> files;
  for (auto& names : written)
    for (auto& name : names) files.push_back(std::move(name));
  if (options.neo4j && !chosen.empty()) {
    Neo4jImport neo4j(s, options.guard_csv);
    for (const Subgraph& sub : subs) neo4j.add(sub, &run);
    for (auto& name : neo4j.write(dir)) files.push_back(std::move(name));
  }
  if (options.progress && !chosen.empty()) options.progress("export", chosen.size(), chosen.size());
  return files;
}

}  // namespace hydrascope
