// Exports of a run (SNAPSHOT_FORMAT.md section 6): accounts.csv,
// communities.json, one loadable subgraph per suspect community (JSON, plus
// GraphML / GEXF / DOT on request) and run.json. Every file is written
// atomically; the same input gives byte-identical files (timings live only in
// run.json).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "hydrascope/graph.hpp"
#include "hydrascope/partition.hpp"
#include "hydrascope/scoring.hpp"
#include "hydrascope/snapshot.hpp"

namespace hydrascope {

/// Extra per-node columns for accounts.csv (empty spans are left out).
struct AccountColumns {
  std::span<const double> pagerank;
  std::span<const double> ppr;
  std::span<const std::uint32_t> core;
};

/// accounts.csv: header `account_id,community_id,risk_score,suspect,community_risk,
/// evidence[,pagerank][,ppr][,core]`, one row per account, sorted by risk_score
/// (as printed, 6 decimals) descending, then account id bytewise ascending.
/// Ids are quoted per RFC 4180 when they hold a comma, quote or line break.
/// Returns the number of rows.
std::uint64_t write_accounts_csv(const std::string& path, const Snapshot& snapshot, const Partition& partition,
                                 const ScoringResult& scoring, const AccountColumns& columns = {});

/// communities.json: the threshold, the references, the ranking of suspect
/// communities, a full record (counts by type, features, z-scores, group
/// strengths, risk, explanation) for every scored community, and a compact
/// `[id, nodes, accounts, risk]` row for every smaller one.
void write_communities_json(const std::string& path, const Snapshot& snapshot, const ScoringResult& scoring);

/// Subgraph export formats besides the snapshot JSON (always written).
struct SuspectExportOptions {
  bool graphml = false;
  bool gexf = false;
  bool dot = false;
  /// Write at most this many suspect communities (in ranking order); 0 = all.
  std::uint32_t max_communities = 0;
};

/// suspects/community-<id>.json for each suspect community: its nodes, the
/// non-account entities its accounts touch outside it (1 hop: shared IPs,
/// cards, proxies, hubs included), and every snapshot edge among those nodes,
/// in the snapshot JSON format (loads back with load_snapshot). Returns the
/// files written (relative names), in ranking order.
std::vector<std::string> write_suspect_subgraphs(const std::string& dir, const Snapshot& snapshot,
                                                 const Incidence& incidence, const Partition& partition,
                                                 const ScoringResult& scoring, const SuspectExportOptions& options = {});

/// A value in run.json's "options".
struct RunOption {
  std::string key;
  std::string text;     ///< string value (when !is_number && !is_bool)
  double number = 0.0;  ///< when is_number
  bool is_number = false;
  bool is_bool = false;
  bool boolean = false;
};

/// What run.json records.
struct RunReport {
  std::string command;  ///< e.g. "run"
  std::string input_path;
  std::uint64_t input_bytes = 0;
  std::string input_checksum;  ///< "fnv1a64:<16 hex digits>"
  std::vector<RunOption> options;
  std::vector<std::pair<std::string, double>> timings;  ///< seconds per stage, in order
  std::vector<std::pair<std::string, std::uint64_t>> counts;
  std::uint64_t peak_rss_bytes = 0;
  std::vector<std::string> files;  ///< files of the output folder, relative
};

void write_run_json(const std::string& path, const RunReport& report);

/// FNV-1a 64-bit over the bytes of `path` (a file), or of nodes.csv[.gz] then
/// edges.csv[.gz] when `path` is a folder. Returns "fnv1a64:<hex>" and the byte
/// count. Throws InputError when a file cannot be read.
[[nodiscard]] std::pair<std::string, std::uint64_t> input_checksum(const std::string& path);

}  // namespace hydrascope
