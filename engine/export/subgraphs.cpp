// suspects/ of `hydrascope run`: one subgraph per suspect community, selected
// and written exactly as `hydrascope export --run` selects and writes it, so
// both give the same bytes.
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

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
  SubgraphSelector select(s, inc, SelectionLimits{});
  std::vector<std::string> files;
  std::optional<Neo4jImport> neo4j;
  if (options.neo4j) neo4j.emplace(s, options.guard_csv);
  if (options.progress) options.progress("export", 0, chosen.size());
  for (std::size_t i = 0; i < chosen.size(); ++i) {
    const Subgraph sub = select.community(chosen[i], accounts[i], 0);
    for (auto& name : write_subgraph(dir, s, sub, &run, f)) files.push_back(std::move(name));
    if (neo4j) neo4j->add(sub, &run);
    if (options.progress) options.progress("export", i + 1, chosen.size());
  }
  if (neo4j && !chosen.empty())
    for (auto& name : neo4j->write(dir)) files.push_back(std::move(name));
  return files;
}

}  // namespace hydrascope
