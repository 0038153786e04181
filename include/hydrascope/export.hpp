// Exports of a run (docs/formats.md section 8): accounts.csv,
// communities.json, one loadable subgraph per suspect community (JSON, plus
// GraphML / GEXF / DOT / CSV / Neo4j on request) and run.json; and the
// subgraph selection and writers behind `hydrascope export`. Every file is written
// atomically; the same input gives byte-identical files (timings live only in
// run.json).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "hydrascope/common.hpp"
#include "hydrascope/graph.hpp"
#include "hydrascope/partition.hpp"
#include "hydrascope/scoring.hpp"
#include "hydrascope/snapshot.hpp"
#include "hydrascope/tracking.hpp"

namespace hydrascope {

/// Extra per-node columns for accounts.csv (empty spans are left out).
struct AccountColumns {
  std::span<const double> pagerank;
  std::span<const double> ppr;
  std::span<const std::uint32_t> core;
  /// Per CommunityId: its hydra id ("" for communities too small to be
  /// tracked); TrackingResult::hydra_ids(). Empty = no hydra_id column.
  std::span<const std::string> hydra_id;
};

/// accounts.csv: header `account_id,community_id,risk_score,suspect,community_risk,
/// top_family[,pagerank][,ppr][,core][,hydra_id]`, one row per account, sorted by risk_score
/// (as printed, 6 decimals) descending, then account id bytewise ascending.
/// Ids are quoted per RFC 4180 when they hold a comma, quote or line break.
/// Returns the number of rows.
/// Ids are analyst-table cells (append_sheet_cell): with `formula_guard` one
/// that a spreadsheet would run as a formula gets a leading ', and one that
/// starts with ' always does; every reader of accounts.csv removes it.
/// Rows are formatted by `threads` threads (0 = all cores) in chunks written
/// in order: the bytes are the same for any thread count.
std::uint64_t write_accounts_csv(const std::string& path, const Snapshot& snapshot, const Partition& partition,
                                 const ScoringResult& scoring, const AccountColumns& columns = {},
                                 bool formula_guard = true, int threads = 0);

/// communities.json: the threshold, the references, the ranking of suspect
/// communities, a full record (counts by type, features, z-scores, group
/// strengths, risk, explanation) for every scored community, and a compact
/// `[id, nodes, accounts, risk]` row for every smaller one. With `tracking`
/// (a run with a previous run or reviews): each record's hydra_id, event,
/// previous ids, change, history, review decision and infrastructure, and the
/// top-level `tracking`, `changes` and `reviews` sections (docs/formats.md);
/// without it, the same bytes as before tracking existed.
void write_communities_json(const std::string& path, const Snapshot& snapshot, const ScoringResult& scoring,
                            const TrackingResult* tracking = nullptr);

/// The formats a subgraph can be written in (`--format` / `--export` lists).
struct ExportFormats {
  bool json = false;     ///< <name>.json: the snapshot JSON document (loads back)
  bool graphml = false;  ///< <name>.graphml (igraph, networkx, Gephi, Cytoscape)
  bool gexf = false;     ///< <name>.gexf, GEXF 1.2 (Gephi, networkx, igraph through networkx)
  bool gexf13 = false;   ///< <name>.gexf, GEXF 1.3 (Gephi 0.9.3+); not with `gexf`
  bool dot = false;      ///< <name>.dot (Graphviz; sfdp layout, suspects coloured)
  bool csv = false;      ///< <name>/nodes.csv + edges.csv (+ snapshot.csv, activity.csv; loads back) + accounts.txt
  /// neo4j/ for all subgraphs of a call, each node and edge once (Neo4jImport);
  /// write_subgraph itself writes nothing for it.
  bool neo4j = false;
  /// csv and neo4j: text cells a spreadsheet would run as formulas get a
  /// leading ' (`--csv-guard all`); off by default, the files are data.
  bool guard_csv = false;
  [[nodiscard]] bool any() const noexcept { return json || graphml || gexf || gexf13 || dot || csv || neo4j; }
};

/// Parses format names (`json`, `graphml`, `gexf` (1.2; also `gexf12`),
/// `gexf13`, `dot`, `csv`, `neo4j`; case-insensitive, blanks ignored, each
/// entry may itself be a comma list). Throws std::invalid_argument naming an
/// unknown one, or `gexf` together with `gexf13` (both write <name>.gexf).
[[nodiscard]] ExportFormats parse_export_formats(const std::vector<std::string>& names);

/// `--csv-guard sheets|all|none` (Python: `csv_guard=`; docs/reliability.md,
/// "CSV and spreadsheets"): which CSV outputs get a leading ' before a cell a
/// spreadsheet would run as a formula. `sheets` (the default): the analyst
/// tables (accounts.csv, detect's, score's and baseline's CSV), undone by
/// every hydrascope reader; `all`: the data files too (nodes.csv, edges.csv,
/// Neo4j CSV, accounts.txt; they then no longer load back exactly); `none`.
enum class CsvGuardMode { Sheets, All, None };
/// What a mode guards: the analyst tables, the data files.
struct CsvGuard {
  bool sheets = true;
  bool data = false;
};
[[nodiscard]] CsvGuard csv_guard_of(CsvGuardMode mode) noexcept;
/// The mode's name: sheets, all, none.
[[nodiscard]] std::string_view to_string(CsvGuardMode mode) noexcept;
/// The mode of a name; throws std::invalid_argument
/// "csv_guard: expected sheets, all or none, got 'x'" for any other.
[[nodiscard]] CsvGuardMode parse_csv_guard_mode(std::string_view name);

/// A file name stem made from any string: bytes outside [A-Za-z0-9._-] become
/// `_`, a leading `.` becomes `_`, at most `max_bytes` bytes are kept, and when
/// anything was changed a `-` and 16 hex digits of the string's FNV-1a hash
/// are appended (so different strings keep different names). Never empty,
/// never `.`/`..`, never holds a `/`: a name from it stays inside its folder.
[[nodiscard]] std::string safe_file_stem(std::string_view text, std::size_t max_bytes = 64);

/// What a run adds to an exported subgraph: each account's community, the
/// ranking of suspect communities and, as node attributes prefixed
/// `hydrascope_`, the account's accounts.csv columns (community_id,
/// risk_score, suspect, community_risk, evidence, centralities) and its
/// community's features from communities.json. Built from a run folder or
/// from a run still in memory; both give the same values (and so the same
/// export bytes).
class RunData {
 public:
  RunData();
  ~RunData();
  RunData(RunData&&) noexcept;
  RunData& operator=(RunData&&) noexcept;

  /// Reads DIR/communities.json and the community column of DIR/accounts.csv.
  /// Accounts unknown to the snapshot are an error (a run of another
  /// snapshot). Throws InputError naming file, line and field.
  [[nodiscard]] static RunData from_folder(const std::string& dir, const Snapshot& snapshot);
  /// The same from a run in memory; keeps references to its arguments.
  [[nodiscard]] static RunData from_result(const Snapshot& snapshot, const Partition& partition,
                                           const ScoringResult& scoring, const AccountColumns& columns = {});

  /// The run's community of account v; kNoCommunity for entities and unknown nodes.
  [[nodiscard]] CommunityId community(NodeId v) const noexcept;
  /// Suspect communities, highest risk first.
  [[nodiscard]] const std::vector<CommunityId>& ranking() const noexcept;
  /// Scored communities with risk >= min_risk, highest risk first (ties by id).
  [[nodiscard]] std::vector<CommunityId> communities_at_least(double min_risk) const;
  /// Accounts of each community (ascending NodeId), in one pass over the nodes.
  [[nodiscard]] std::vector<std::vector<NodeId>> accounts_of(std::span<const CommunityId> communities) const;
  /// Makes attrs() available for these nodes, keeping those prepared before
  /// (a run folder: one more pass over accounts.csv when any is new; so
  /// prepare the nodes of all subgraphs at once).
  void prepare(std::span<const NodeId> nodes);
  /// Drops the prepared attributes (memory).
  void forget();
  /// The run's attributes of node v (prepared accounts only; empty otherwise).
  [[nodiscard]] std::span<const AttrInput> attrs(NodeId v) const;
  /// Whether account v is flagged (accounts.csv `suspect`); false for others.
  [[nodiscard]] bool suspect(NodeId v) const noexcept;
  /// The hydra id of a community ("" when the run has none for it).
  [[nodiscard]] std::string_view hydra_id(CommunityId c) const noexcept;
  /// Whether a confirmed review decision holds the community flagged.
  [[nodiscard]] bool confirmed(CommunityId c) const noexcept;

  /// A run folder as tracking sees it (accounts, tracked communities with
  /// their hydra ids, infrastructure, histories and decisions, dormant
  /// hydras), without a snapshot: the `--previous` of `hydrascope run` and
  /// both sides of `hydrascope diff`. The same reader as from_folder (one
  /// pass over communities.json and accounts.csv). A folder written without
  /// tracking gives tracked = false and no hydra ids. Throws InputError
  /// naming file, line or byte offset, record and field.
  [[nodiscard]] static TrackedRun read_tracking(const std::string& dir);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Bounds of a selection, so that a hub (a carrier NAT with 100,000
/// accounts) never makes an export quadratic or unbounded.
struct SelectionLimits {
  /// A node with more neighbours than this contributes only its first
  /// max_degree neighbours (by node order) when a selection expands through
  /// it (--around hops, --context 1); 0 = no limit.
  std::uint32_t max_degree = 1000;
  /// Stop adding nodes past this many (0 = no limit).
  std::uint64_t max_nodes = 200000;
};

/// A selected subgraph: nodes and every snapshot edge among them.
struct Subgraph {
  std::string name;               ///< file stem: community-<id> or around-<safe id>-h<hops>
  std::vector<NodeId> nodes;      ///< ascending
  std::vector<EdgeId> edges;      ///< ascending
  std::vector<NodeId> accounts;   ///< the accounts the subgraph is about (accounts.txt), ascending
  std::uint64_t left_out = 0;     ///< neighbours not taken because of the limits
};

/// Selects subgraphs of one snapshot, reusing one marker array (O(n) once),
/// so that each selection costs time in its own size only.
class SubgraphSelector {
 public:
  SubgraphSelector(const Snapshot& snapshot, const Incidence& incidence, SelectionLimits limits = {});
  /// The accounts (a community's), the non-account entities they use and,
  /// with context 1, those entities' other accounts (at most max_degree per
  /// entity); every edge among them.
  [[nodiscard]] Subgraph community(CommunityId id, std::span<const NodeId> accounts, int context);
  /// The ego network of `center`: every node within `hops` (breadth first,
  /// at most max_degree neighbours taken from any node, max_nodes in all).
  [[nodiscard]] Subgraph around(NodeId center, int hops);

 private:
  void add_edges(Subgraph& sub);
  const Snapshot& s_;
  const Incidence& inc_;
  SelectionLimits limits_;
  std::vector<std::uint8_t> mark_;
};

/// Writes `sub` in every chosen format into `dir` (which must exist), adding
/// the run's attributes when `run` is given (prepared for sub.nodes here if
/// they were not before). `neo4j` is left to Neo4jImport (one import for
/// several subgraphs).
/// Returns the written names relative to dir, in a fixed order.
std::vector<std::string> write_subgraph(const std::string& dir, const Snapshot& snapshot, const Subgraph& sub,
                                        RunData* run, const ExportFormats& formats);

/// One `neo4j-admin database import full` folder for several subgraphs, so
/// that communities sharing a card or an IP import together without two
/// nodes of the same id: every node and every edge once, in order of first
/// appearance, plus a node per subgraph and a relationship from each of its
/// nodes to it. Files (docs/export.md, "Neo4j"):
///   neo4j/nodes.csv          id:ID(Node), :LABEL (the type in CamelCase), type, label,
///                            created_at:datetime, one typed column per attribute
///   neo4j/relationships.csv  :START_ID(Node), :END_ID(Node), :TYPE, weight:double,
///                            first_seen:datetime, last_seen:datetime
///   neo4j/subgraphs.csv      name:ID(Subgraph), :LABEL (Subgraph;Community or
///                            Subgraph;EgoNetwork), community:long, accounts:long, nodes:long, edges:long
///   neo4j/members.csv        :START_ID(Node), :END_ID(Subgraph), :TYPE (MEMBER_OF for the
///                            accounts a subgraph is about, IN_SUBGRAPH for the rest)
/// Memory: the rows of the nodes added (written at the end, when every
/// attribute column is known).
class Neo4jImport {
 public:
  /// guard_csv: as ExportFormats::guard_csv.
  explicit Neo4jImport(const Snapshot& snapshot, bool guard_csv = false);
  ~Neo4jImport();
  Neo4jImport(const Neo4jImport&) = delete;
  Neo4jImport& operator=(const Neo4jImport&) = delete;
  /// Adds a subgraph (with the run's attributes of its nodes when `run` is
  /// given; they are prepared here if they were not).
  void add(const Subgraph& sub, RunData* run);
  /// Writes DIR/neo4j/ (created if missing); returns the names relative to DIR.
  std::vector<std::string> write(const std::string& dir) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Subgraph export formats of `hydrascope run` besides the snapshot JSON (always written).
struct SuspectExportOptions {
  bool graphml = false;
  bool gexf = false;    ///< GEXF 1.2
  bool gexf13 = false;  ///< GEXF 1.3 instead
  bool dot = false;
  bool csv = false;
  bool neo4j = false;
  /// Write at most this many suspect communities (in ranking order); 0 = all.
  std::uint32_t max_communities = 0;
  bool guard_csv = false;  ///< as ExportFormats::guard_csv
  /// Called with stage "export", the communities written and the
  /// communities to write (not part of the output), always from the calling
  /// thread.
  ProgressFn progress;
  /// Subgraphs written at the same time (0 = all cores); the bytes and the
  /// list of files do not depend on it.
  int threads = 0;
};

/// suspects/community-<id>.* for each suspect community: the subgraph of
/// SubgraphSelector::community with context 0 (its accounts, the entities
/// they use, every edge among them) with the run's attributes, JSON always
/// (loads back with load_snapshot) and the other chosen formats. Returns the
/// files written (relative names), in ranking order. Same bytes as
/// `hydrascope export SNAPSHOT --run DIR` of the finished run.
std::vector<std::string> write_suspect_subgraphs(const std::string& dir, const Snapshot& snapshot,
                                                 const Incidence& incidence, const Partition& partition,
                                                 const ScoringResult& scoring, const SuspectExportOptions& options = {},
                                                 const AccountColumns& columns = {});

/// Options of write_ban_list().
struct BanListOptions {
  /// An entity (or IP prefix) is marked `block` when at least this share of
  /// the accounts using it are on the ban list: blocking it never hits a
  /// benign majority. In (0.5, 1].
  double min_share = 0.9;
  /// ... and at least this many ban-list accounts use it. >= 1.
  std::uint32_t min_accounts = 1;
  /// Prefix lengths of the `ip_prefix` rows: a prefix is listed when two or
  /// more of its addresses are used by ban-list accounts. IPv4 in [8, 32],
  /// IPv6 in [16, 128].
  int ipv4_prefix = 24;
  int ipv6_prefix = 48;
  /// Throws std::invalid_argument naming the bad value.
  void validate() const;
};

/// What write_ban_list() wrote.
struct BanListReport {
  std::uint64_t accounts = 0;            ///< rows of ban_accounts.csv
  std::uint64_t confirmed_accounts = 0;  ///< of them, in communities held flagged by a confirmed decision
  std::uint64_t entities = 0;            ///< rows of ban_entities.csv (entities and prefixes)
  std::uint64_t blocked = 0;             ///< of them, marked block
  std::vector<std::string> files;        ///< written, relative to the folder
};

/// The ban list of a run (docs/export.md, "Ban list"), for enforcement
/// tooling: `ban_accounts.csv` (`account_id,hydra_id,community_id,reason`):
/// every flagged account of the run (accounts.csv `suspect` = true; reason
/// `confirmed` when a confirmed review decision holds its community flagged,
/// else `flagged`), by account id; and `ban_entities.csv`
/// (`entity_id,type,accounts,flagged,flagged_share,block,hydra_ids`): every
/// entity used by a ban-list account, and every IP prefix two of whose
/// addresses are, with all the accounts that use it in the snapshot, how many
/// of them are on the list, and `block` = true when the share and count pass
/// the options. Rows: blocked first, then by type, flagged accounts
/// (descending) and id. Both files written atomically into `dir` (which must exist).
BanListReport write_ban_list(const std::string& dir, const Snapshot& snapshot, const Incidence& incidence,
                             const RunData& run, const BanListOptions& options = {});

/// A value in run.json's "options".
struct RunOption {
  std::string key;
  std::string text;     ///< string value (when !is_number && !is_bool && !is_integer)
  double number = 0.0;  ///< when is_number
  bool is_number = false;
  std::uint64_t integer = 0;  ///< when is_integer: written exactly (a seed past 2^53)
  bool is_integer = false;
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
  /// The scoring model (empty name: no "model" section): its name, where it
  /// came from ("built-in" or the file given), the checksum of its bytes,
  /// and its calibration to the snapshot's labels.
  struct ModelSection {
    std::string name, source, checksum;
    bool calibrated = false;
    double slope = 1.0, intercept = 0.0;
    std::uint64_t banned = 0, trusted = 0;
    std::string note;
  } model;
};

void write_run_json(const std::string& path, const RunReport& report);

/// FNV-1a 64-bit over the bytes of `path` (a file), or of nodes.csv[.gz] then
/// edges.csv[.gz] when `path` is a folder. Returns "fnv1a64:<hex>" and the byte
/// count. Throws InputError when a file cannot be read.
[[nodiscard]] std::pair<std::string, std::uint64_t> input_checksum(const std::string& path);

}  // namespace hydrascope
