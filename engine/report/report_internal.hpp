// Private parts of the report module: what is read from the run folder, one
// community's section (built in parallel, sections.cpp), the page's inlined
// browser code (assets.cpp) and small encoders (encode.cpp).
#pragma once

#include <array>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "hydrascope/report.hpp"

namespace hydrascope::rpt {

// --- the page's browser code (assets.cpp) ------------------------------------------

/// cytoscape.min.js as installed from npm (engine/report/web/node_modules).
[[nodiscard]] std::string_view graph_library_js() noexcept;
/// "cytoscape.js 3.35.0".
[[nodiscard]] std::string_view graph_library_name() noexcept;
/// engine/report/web/report.js and report.css.
[[nodiscard]] std::string_view report_js() noexcept;
[[nodiscard]] std::string_view report_css() noexcept;

// --- encoders (encode.cpp) ------------------------------------------------------------

/// A palette PNG (8-bit indices, `palette` RGB triples, at most 256) of
/// width x height pixels, row by row; deterministic bytes (zlib level 9).
[[nodiscard]] std::string encode_png(std::uint32_t width, std::uint32_t height, const std::vector<std::uint8_t>& pixels,
                                     const std::vector<std::uint8_t>& palette);

/// Standard base64 with padding.
[[nodiscard]] std::string base64(std::string_view bytes);

/// Splits one RFC 4180 CSV record (no line break inside) into fields;
/// false on a stray quote.
[[nodiscard]] bool split_csv_line(std::string_view line, std::vector<std::string>& fields);

// --- the run folder ---------------------------------------------------------------------

inline constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

struct Reference {
  double median = kNaN, p90 = kNaN, p99 = kNaN;
};
struct Band {
  std::uint64_t lo = 0, hi = 0;  // hi 0 = open
  std::unordered_map<std::string, Reference> ref;  // per community feature
};
struct ReasonRow {
  std::string family, feature;
  double value = kNaN, contribution = kNaN;
};
struct Community {
  std::uint32_t id = 0;
  std::uint64_t nodes = 0, accounts = 0, flagged = 0;
  std::uint32_t band = 0;
  std::vector<std::pair<std::string, std::uint64_t>> by_type;
  double risk = 0.0;
  std::vector<std::string> explanation;
  std::vector<ReasonRow> reasons;
  std::vector<std::pair<std::string, double>> families;  // mean contribution per family
  std::unordered_map<std::string, double> features;
  std::vector<std::array<std::string, 3>> top_entities;  // type, id, accounts
  // Tracking across snapshots (issue 18), when communities.json carries it.
  std::string event, hydra_id, review;
};
struct AccountRow {
  double risk = 0.0;
  bool suspect = false;
  std::string family;
  double pagerank = kNaN;
  std::int64_t core = -1;
  std::string hydra_id;
};

// communities.json `changes` (a run with --previous; docs/tracking.md).
struct ChangedCommunity {
  std::string hydra_id, event;
  std::uint32_t community = 0;
  std::uint64_t accounts = 0, accounts_before = 0, new_heads = 0;
  bool flagged = false, after_ban = false;
};
struct Changes {
  bool present = false;
  std::string since;
  std::vector<std::pair<std::string, std::uint64_t>> counts;  // per event, in the file's order
  std::uint64_t new_heads = 0;
  std::vector<std::string> reappeared_after_ban;
  std::vector<ChangedCommunity> communities;  // every community whose event is not `same`
};

struct RunFolder {
  // run.json
  std::string engine_version, input_path, checksum;
  std::vector<std::pair<std::string, std::string>> options, counts;
  // communities.json
  double threshold = kNaN;
  std::uint64_t communities = 0, scored = 0, suspect_communities = 0, suspect_accounts = 0;
  std::string model, calibration;
  std::vector<Band> bands;
  std::vector<Community> ranked;  // suspect communities in ranking order
  bool has_events = false, has_hydra_ids = false;
  Changes changes;
  // accounts.csv, accounts of ranked communities with a section
  std::unordered_map<std::string, AccountRow> accounts;
  bool accounts_have_pagerank = false, accounts_have_core = false, accounts_have_hydra = false;
};

// --- one section (sections.cpp) -------------------------------------------------------------

/// What a community's section contributes to the page: its data (a JSON
/// object for the page's script), its static markup (explanation, evidence
/// bars, heatmap: escaped here, cloned by the script from <template>
/// elements) and the ids of its entities, for the links between communities.
struct Section {
  std::string json;       ///< {"id":..,"members":..,"entities":..,"graph":..,...} without the links
  std::string templates;  ///< <template id="t-ID">...</template><template id="h-ID">...</template>
  std::vector<std::string> entity_ids;  ///< in the order of the section's entity rows
};

/// Builds the section of community `c` (rank from 1) from its subgraph file
/// (run_dir/suspects/community-<id>.json) and the run folder. Throws
/// InputError when the subgraph file is malformed; a missing file gives a
/// section with a note and no graph.
[[nodiscard]] Section build_section(const RunFolder& r, const Community& c, std::size_t rank, const std::string& run_dir,
                                    const ReportOptions& o);

/// Appends a finite number with at most `decimals` decimals and no trailing
/// zeros ("0.5", "12", "0.000123"); `null` when not finite.
void append_json_number(std::string& out, double v, int decimals = 6);

/// At most `max` code points of `s`, with an ellipsis when cut (never inside a UTF-8 sequence).
[[nodiscard]] std::string shorten(std::string_view s, std::size_t max);

/// "n/a" or the value with `decimals` decimals.
[[nodiscard]] std::string fixed(double v, int decimals);

}  // namespace hydrascope::rpt
