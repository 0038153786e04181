// The HTML report of a run (`hydrascope report --run DIR --out report.html`):
// one self-contained page (inline CSS and scripts, the graph library inlined
// at build time, no network) built from a run folder (accounts.csv,
// communities.json, run.json, suspects/): an investigation workbench with a
// search box, filters, a sortable virtualized ranking of suspect communities,
// and per community its explanation, evidence against the snapshot, an
// interactive graph (cytoscape.js, positions from Boost.Graph's
// Fruchterman-Reingold with a fixed seed), the full member list, the table of
// shared entities and the communities it shares them with, and an activity
// heatmap. Same run folder and options => byte-identical page.
// docs/export.md (section "Report") is the user-facing description.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "hydrascope/common.hpp"
#include "hydrascope/snapshot.hpp"
#include "hydrascope/types.hpp"

namespace hydrascope {

// --- escaping ------------------------------------------------------------------

/// Appends `s` for HTML text or a double-quoted attribute value: `&`, `<`,
/// `>`, `"`, `'` as entities; invalid UTF-8 and control characters other than
/// tab and LF (and U+FFFE/U+FFFF) as U+FFFD. Everything else (CJK, emoji,
/// right-to-left text) is kept as it is.
void append_html(std::string& out, std::string_view s);
[[nodiscard]] std::string html_escape(std::string_view s);

/// Appends `s` as a JSON string literal that is safe inside an HTML <script>
/// element: valid UTF-8 (U+FFFD for invalid bytes), `"` `\` and controls
/// escaped as in JSON, and `<`, `>`, `&`, U+2028, U+2029 as \uXXXX, so that
/// neither `</script>` nor `<!--` can appear and JavaScript parsers agree.
void append_script_json_string(std::string& out, std::string_view s);

// --- layout and sampling -------------------------------------------------------------

struct LayoutPoint {
  double x = 0.0;
  double y = 0.0;
};

/// Positions of n nodes joined by `edges` (index pairs < n) inside
/// [margin, width - margin] x [margin, height - margin]: Boost.Graph's
/// Fruchterman-Reingold force-directed layout from a random start drawn
/// with `seed`, rescaled to fill the box; coordinates are whole numbers and
/// no two nodes share a point. Same arguments => same positions.
/// Throws std::invalid_argument when an edge names a node >= n or the box is
/// smaller than twice the margin.
[[nodiscard]] std::vector<LayoutPoint> layout_graph(std::uint32_t n,
                                                    std::span<const std::pair<std::uint32_t, std::uint32_t>> edges,
                                                    double width, double height, double margin, std::uint64_t seed,
                                                    int iterations = 120);

/// The part of a (suspect) subgraph that is drawn.
struct DrawnSubgraph {
  std::vector<NodeId> nodes;  ///< ascending
  std::vector<EdgeId> edges;  ///< edges among `nodes`, ascending
  std::uint64_t accounts_total = 0, accounts_shown = 0;
  std::uint64_t entities_total = 0, entities_shown = 0;
};

/// Chooses what to draw of `sub`: every node when it has at most
/// max_accounts accounts and max_entities other nodes; otherwise the
/// entities most used by its accounts (edge count, then id) and a sample of
/// accounts: the riskiest quarter of max_accounts by `risk` (per node of
/// `sub`, may be empty), the rest by a hash of the id, preferring accounts
/// tied to a drawn entity. Deterministic; depends only on ids, edges and risk.
[[nodiscard]] DrawnSubgraph sample_subgraph(const Snapshot& sub, std::span<const double> risk,
                                            std::uint32_t max_accounts, std::uint32_t max_entities);

// --- the report -------------------------------------------------------------------------

struct ReportOptions {
  /// Suspect communities given a section, in ranking order (0 = all). The
  /// overview table lists every suspect community whatever this is.
  std::uint32_t max_communities = 1000;
  /// Graph caps per community (big communities are sampled: the riskiest
  /// accounts, then a fixed sample; the entities most used).
  std::uint32_t graph_accounts = 200;
  std::uint32_t graph_entities = 100;
  /// Edges drawn per community (all edges among the drawn nodes shape the layout).
  std::uint32_t graph_edges = 3000;
  /// Heatmap: at most this many accounts (rows) and columns (buckets are summed into columns).
  std::uint32_t heatmap_rows = 40;
  std::uint32_t heatmap_columns = 168;
  /// Members listed per community, riskiest first (0 = every account).
  std::uint32_t top_accounts = 0;
  /// Sections ranked below this get half the graph and heatmap caps, so that
  /// 1,000 sections stay small and quick to build (0 = never).
  std::uint32_t full_detail = 200;
  /// Seed of the layout.
  std::uint64_t seed = 1;
  /// Called with stage "report", the sections built and the sections in all
  /// (not part of the page).
  ProgressFn progress;
  /// Throws std::invalid_argument naming a bad value.
  void validate() const;
};

struct ReportSummary {
  std::uint64_t suspect_communities = 0;  ///< in the ranking
  std::uint64_t sections = 0;             ///< communities given a section
  std::uint64_t bytes = 0;                ///< size of the page
};

/// Builds the page from run folder `run_dir`. Throws InputError naming the
/// file (and line or field) when a file is missing or malformed.
[[nodiscard]] std::string build_report_html(const std::string& run_dir, const ReportOptions& options = {},
                                            ReportSummary* summary = nullptr);

/// build_report_html written atomically to `out_path`.
ReportSummary write_report(const std::string& run_dir, const std::string& out_path, const ReportOptions& options = {});

}  // namespace hydrascope
