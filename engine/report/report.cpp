// `hydrascope report`: the self-contained HTML page of a run folder. Reads
// run.json, communities.json and accounts.csv here, each community's
// suspects/community-<id>.json in sections.cpp, and writes one page: a shell
// of static markup, the data as one JSON block for the page's script
// (web/report.js), the graph library and the script inlined, and per section
// <template> elements with its static markup. Every string from the data
// goes through append_html or append_script_json_string.
#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <exception>
#include <fstream>
#include <cctype>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <sys/stat.h>
#include <unordered_map>
#include <vector>

#include "hydrascope/atomic_file.hpp"
#include "hydrascope/error.hpp"
#include "hydrascope/io.hpp"
#include "hydrascope/report.hpp"
#include "hydrascope/scoring.hpp"
#include "report_internal.hpp"

namespace hydrascope {

void ReportOptions::validate() const {
  if (graph_accounts < 1 || graph_accounts > 2000) throw std::invalid_argument("graph accounts must be in 1..2000");
  if (graph_entities > 2000) throw std::invalid_argument("graph entities must be at most 2000");
  if (graph_edges < 1) throw std::invalid_argument("graph edges must be at least 1");
  if (heatmap_rows < 1 || heatmap_rows > 1000) throw std::invalid_argument("heatmap rows must be in 1..1000");
  if (heatmap_columns < 8 || heatmap_columns > 4096) throw std::invalid_argument("heatmap columns must be in 8..4096");
}

namespace {

using rpt::kNaN;

// --- reading the run folder ---------------------------------------------------------

[[noreturn]] void fail(const std::string& file, const std::string& field, const std::string& message,
                       std::uint64_t line = 0) {
  SourceLocation where;
  where.file = file;
  where.field = field;
  where.line = line;
  throw InputError(where, message);
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(path, "", std::string("cannot read: ") + std::strerror(errno));
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

rapidjson::Document parse_json(const std::string& path) {
  const std::string text = read_file(path);
  rapidjson::Document d;
  d.Parse(text.data(), text.size());
  if (d.HasParseError()) {
    SourceLocation where;
    where.file = path;
    where.byte_offset = d.GetErrorOffset();
    throw InputError(where, rapidjson::GetParseError_En(d.GetParseError()));
  }
  if (!d.IsObject()) fail(path, "", "expected a JSON object");
  return d;
}

using JVal = rapidjson::Value;

const JVal* member(const JVal& obj, const char* name) {
  if (!obj.IsObject()) return nullptr;
  const auto it = obj.FindMember(name);
  return it == obj.MemberEnd() ? nullptr : &it->value;
}

double num_or(const JVal* v, double fallback) { return v != nullptr && v->IsNumber() ? v->GetDouble() : fallback; }
std::string str_or(const JVal* v, std::string fallback = {}) {
  return v != nullptr && v->IsString() ? std::string(v->GetString(), v->GetStringLength()) : fallback;
}
// A JSON scalar as display text.
std::string scalar_text(const JVal& v) {
  if (v.IsString()) return std::string(v.GetString(), v.GetStringLength());
  if (v.IsBool()) return v.GetBool() ? "true" : "false";
  if (v.IsInt64()) return std::to_string(v.GetInt64());
  if (v.IsUint64()) return std::to_string(v.GetUint64());
  if (v.IsNumber()) return format_number(v.GetDouble());
  if (v.IsNull()) return "null";
  return "...";
}

using rpt::AccountRow;
using rpt::Band;
using rpt::Community;
using rpt::ReasonRow;
using rpt::RunFolder;
using rpt::ChangedCommunity;
using rpt::Changes;

void read_run_json(const std::string& path, RunFolder& r) {
  const auto d = parse_json(path);
  r.engine_version = str_or(member(d, "engine_version"));
  if (const JVal* in = member(d, "input")) {
    r.input_path = str_or(member(*in, "path"));
    r.checksum = str_or(member(*in, "checksum"));
  }
  for (const char* section : {"options", "counts"}) {
    const JVal* obj = member(d, section);
    if (obj == nullptr) continue;
    if (!obj->IsObject()) fail(path, section, "expected an object");
    auto& out = std::string_view(section) == "options" ? r.options : r.counts;
    for (auto it = obj->MemberBegin(); it != obj->MemberEnd(); ++it)
      out.emplace_back(std::string(it->name.GetString(), it->name.GetStringLength()), scalar_text(it->value));
  }
}

void read_communities_json(const std::string& path, RunFolder& r, std::uint32_t max_sections) {
  const auto d = parse_json(path);
  if (str_or(member(d, "format")) != "hydrascope.communities") fail(path, "format", "expected \"hydrascope.communities\"");
  r.threshold = num_or(member(d, "threshold"), kNaN);
  if (const JVal* c = member(d, "counts")) {
    r.communities = static_cast<std::uint64_t>(num_or(member(*c, "communities"), 0));
    r.scored = static_cast<std::uint64_t>(num_or(member(*c, "scored_communities"), 0));
    r.suspect_communities = static_cast<std::uint64_t>(num_or(member(*c, "suspect_communities"), 0));
    r.suspect_accounts = static_cast<std::uint64_t>(num_or(member(*c, "suspect_accounts"), 0));
  }
  r.model = str_or(member(d, "model"));
  if (const JVal* ch = member(d, "changes"); ch != nullptr && ch->IsObject()) {
    Changes& x = r.changes;
    x.present = true;
    x.since = str_or(member(*ch, "since"));
    if (const JVal* c = member(*ch, "counts"); c != nullptr && c->IsObject())
      for (auto m = c->MemberBegin(); m != c->MemberEnd(); ++m)
        x.counts.emplace_back(m->name.GetString(), static_cast<std::uint64_t>(num_or(&m->value, 0)));
    x.new_heads = static_cast<std::uint64_t>(num_or(member(*ch, "new_heads"), 0));
    if (const JVal* a = member(*ch, "reappeared_after_ban"); a != nullptr && a->IsArray())
      for (const JVal& s : a->GetArray()) x.reappeared_after_ban.push_back(str_or(&s));
    if (const JVal* list = member(*ch, "communities"); list != nullptr && list->IsArray())
      for (const JVal& c : list->GetArray()) {
        ChangedCommunity cc;
        cc.hydra_id = str_or(member(c, "hydra_id"));
        cc.event = str_or(member(c, "event"));
        cc.community = static_cast<std::uint32_t>(num_or(member(c, "community"), 0));
        cc.accounts = static_cast<std::uint64_t>(num_or(member(c, "accounts"), 0));
        cc.accounts_before = static_cast<std::uint64_t>(num_or(member(c, "accounts_before"), 0));
        cc.new_heads = static_cast<std::uint64_t>(num_or(member(c, "new_heads"), 0));
        const JVal* f = member(c, "flagged");
        cc.flagged = f != nullptr && f->IsBool() && f->GetBool();
        const JVal* b = member(c, "after_ban");
        cc.after_ban = b != nullptr && b->IsBool() && b->GetBool();
        x.communities.push_back(std::move(cc));
      }
  }
  if (const JVal* cal = member(d, "calibration")) r.calibration = str_or(member(*cal, "note"));
  if (const JVal* refs = member(d, "snapshot_references")) {
    if (const JVal* bands = member(*refs, "bands"); bands != nullptr && bands->IsArray()) {
      for (const JVal& b : bands->GetArray()) {
        Band band;
        band.lo = static_cast<std::uint64_t>(num_or(member(b, "accounts_min"), 0));
        band.hi = static_cast<std::uint64_t>(num_or(member(b, "accounts_max"), 0));
        if (const JVal* fs = member(b, "features"); fs != nullptr && fs->IsObject())
          for (auto it = fs->MemberBegin(); it != fs->MemberEnd(); ++it)
            band.ref[std::string(it->name.GetString(), it->name.GetStringLength())] = {
                num_or(member(it->value, "median"), kNaN), num_or(member(it->value, "p90"), kNaN),
                num_or(member(it->value, "p99"), kNaN)};
        r.bands.push_back(std::move(band));
      }
    }
  }
  const JVal* ranking = member(d, "ranking");
  const JVal* list = member(d, "communities");
  if (ranking == nullptr || !ranking->IsArray()) fail(path, "ranking", "expected an array of community ids");
  if (list == nullptr || !list->IsArray()) fail(path, "communities", "expected an array");
  std::unordered_map<std::uint32_t, const JVal*> by_id;
  for (const JVal& c : list->GetArray()) {
    const JVal* id = member(c, "id");
    if (id == nullptr || !id->IsUint()) fail(path, "communities[].id", "expected a community id");
    by_id.emplace(id->GetUint(), &c);
  }
  for (rapidjson::SizeType i = 0; i < ranking->Size(); ++i) {
    const JVal& idv = (*ranking)[i];
    const std::string field = "ranking[" + std::to_string(i) + "]";
    if (!idv.IsUint()) fail(path, field, "expected a community id");
    const auto it = by_id.find(idv.GetUint());
    if (it == by_id.end()) fail(path, field, "community " + std::to_string(idv.GetUint()) + " has no record");
    const JVal& c = *it->second;
    Community com;
    com.id = idv.GetUint();
    com.nodes = static_cast<std::uint64_t>(num_or(member(c, "size"), 0));
    com.accounts = static_cast<std::uint64_t>(num_or(member(c, "accounts"), 0));
    com.risk = num_or(member(c, "risk"), 0);
    com.flagged = static_cast<std::uint64_t>(num_or(member(c, "flagged"), 0));
    com.band = static_cast<std::uint32_t>(num_or(member(c, "band"), 0));
    if (const JVal* bt = member(c, "by_type"); bt != nullptr && bt->IsObject())
      for (auto m = bt->MemberBegin(); m != bt->MemberEnd(); ++m)
        com.by_type.emplace_back(m->name.GetString(), static_cast<std::uint64_t>(num_or(&m->value, 0)));
    if (const JVal* ex = member(c, "explanation"); ex != nullptr && ex->IsArray())
      for (const JVal& s : ex->GetArray()) com.explanation.push_back(str_or(&s));
    if (const JVal* rs = member(c, "reasons"); rs != nullptr && rs->IsArray())
      for (const JVal& s : rs->GetArray())
        com.reasons.push_back({str_or(member(s, "family")), str_or(member(s, "feature")), num_or(member(s, "value"), kNaN),
                               num_or(member(s, "contribution"), kNaN)});
    if (const JVal* fs = member(c, "families"); fs != nullptr && fs->IsObject())
      for (auto m = fs->MemberBegin(); m != fs->MemberEnd(); ++m)
        com.families.emplace_back(m->name.GetString(), num_or(&m->value, kNaN));
    if (const JVal* fs = member(c, "features"); fs != nullptr && fs->IsObject())
      for (auto m = fs->MemberBegin(); m != fs->MemberEnd(); ++m)
        com.features[std::string(m->name.GetString(), m->name.GetStringLength())] = num_or(&m->value, kNaN);
    if (const JVal* te = member(c, "top_entities"); te != nullptr && te->IsObject())
      for (auto m = te->MemberBegin(); m != te->MemberEnd(); ++m)
        com.top_entities.push_back({str_or(member(m->value, "type")), str_or(member(m->value, "id")),
                                    scalar_text(*(member(m->value, "accounts") ? member(m->value, "accounts") : &m->value))});
    // Tracking across snapshots (issue 18), read when present.
    if (const JVal* ev = member(c, "event"); ev != nullptr && ev->IsString()) com.event = str_or(ev);
    if (const JVal* h = member(c, "hydra_id"); h != nullptr && !h->IsNull()) com.hydra_id = scalar_text(*h);
    if (const JVal* rv = member(c, "review"); rv != nullptr) {
      if (rv->IsString()) com.review = str_or(rv);
      else if (const JVal* dec = member(*rv, "decision"); dec != nullptr && dec->IsString()) com.review = str_or(dec);
    }
    r.has_events = r.has_events || !com.event.empty();
    r.has_hydra_ids = r.has_hydra_ids || !com.hydra_id.empty();
    r.ranked.push_back(std::move(com));
  }
  (void)max_sections;
}

// accounts.csv: the columns of accounts of the communities in `wanted`.
void read_accounts_csv(const std::string& path, RunFolder& r, const std::vector<std::uint32_t>& wanted) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(path, "", std::string("cannot read: ") + std::strerror(errno));
  std::vector<std::uint8_t> want;
  for (std::uint32_t c : wanted) {
    if (c >= want.size()) want.resize(std::size_t{c} + 1, 0);
    want[c] = 1;
  }
  std::vector<std::string> fields;
  int col_id = -1, col_comm = -1, col_risk = -1, col_suspect = -1, col_fam = -1, col_pr = -1, col_core = -1, col_hydra = -1;
  std::uint64_t line = 0;
  std::string rec, more;
  // Streamed record by record: a record goes on past a line break inside quotes.
  while (std::getline(in, rec)) {
    const std::uint64_t rec_line = ++line;
    while (std::count(rec.begin(), rec.end(), '"') % 2 != 0 && std::getline(in, more)) {
      ++line;
      rec += '\n';
      rec += more;
    }
    if (rec.empty() || rec == "\r") continue;
    if (!rpt::split_csv_line(rec, fields)) fail(path, "", "malformed CSV record (stray quote)", rec_line);
    if (col_id < 0) {
      for (std::size_t i = 0; i < fields.size(); ++i) {
        const auto c = static_cast<int>(i);
        if (fields[i] == "account_id") col_id = c;
        else if (fields[i] == "community_id") col_comm = c;
        else if (fields[i] == "risk_score") col_risk = c;
        else if (fields[i] == "suspect") col_suspect = c;
        else if (fields[i] == "top_family") col_fam = c;
        else if (fields[i] == "pagerank") col_pr = c;
        else if (fields[i] == "core") col_core = c;
        else if (fields[i] == "hydra_id") col_hydra = c;
      }
      if (col_id < 0 || col_comm < 0 || col_risk < 0)
        fail(path, "", "header must name account_id, community_id and risk_score", rec_line);
      r.accounts_have_pagerank = col_pr >= 0;
      r.accounts_have_core = col_core >= 0;
      r.accounts_have_hydra = col_hydra >= 0;
      continue;
    }
    const auto need = static_cast<std::size_t>(std::max({col_id, col_comm, col_risk, col_suspect, col_fam, col_pr, col_core, col_hydra}));
    if (fields.size() <= need) fail(path, "", "expected at least " + std::to_string(need + 1) + " fields", rec_line);
    char* stop = nullptr;
    const unsigned long long c = std::strtoull(fields[col_comm].c_str(), &stop, 10);
    if (stop == fields[col_comm].c_str() || *stop != '\0') fail(path, "community_id", "not a community id", rec_line);
    if (c >= want.size() || !want[c]) continue;
    AccountRow row;
    row.risk = std::strtod(fields[col_risk].c_str(), &stop);
    if (*stop != '\0' || !std::isfinite(row.risk)) fail(path, "risk_score", "not a number", rec_line);
    if (col_suspect >= 0) row.suspect = fields[col_suspect] == "true";
    if (col_fam >= 0) row.family = fields[col_fam];
    if (col_pr >= 0 && !fields[col_pr].empty()) row.pagerank = std::strtod(fields[col_pr].c_str(), &stop);
    if (col_core >= 0 && !fields[col_core].empty()) row.core = std::strtoll(fields[col_core].c_str(), &stop, 10);
    if (col_hydra >= 0) row.hydra_id = fields[col_hydra];
    r.accounts[std::string(sheet_cell_text(fields[col_id]))] = std::move(row);
  }
}

// --- the page -----------------------------------------------------------------------------

using rpt::fixed;

struct Html {
  std::string out;
  Html& raw(std::string_view s) {
    out += s;
    return *this;
  }
  Html& text(std::string_view s) {
    append_html(out, s);
    return *this;
  }
  Html& n(std::uint64_t v) {
    out += std::to_string(v);
    return *this;
  }
};

void write_head(Html& h, const RunFolder& r) {
  h.raw("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:; "
        "style-src 'unsafe-inline'; script-src 'unsafe-inline'\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>hydrascope report: ")
      .text(rpt::shorten(r.input_path.empty() ? "run" : r.input_path, 80))
      .raw("</title>\n<style>")
      .raw(rpt::report_css())
      .raw("</style>\n</head>\n");
}

void write_overview(Html& h, const RunFolder& r, std::size_t sections) {
  h.raw("<body>\n<div id=\"hs-status\" data-state=\"loading\" data-errors=\"0\" hidden></div>\n<header><h1>hydrascope "
        "report</h1>\n<p class=\"meta\">Input <code>")
      .text(r.input_path)
      .raw("</code> &middot; <code>")
      .text(r.checksum)
      .raw("</code> &middot; hydrascope ")
      .text(r.engine_version)
      .raw("</p>\n</header>\n<noscript><p class=\"noscript\">This report is an interactive page: it needs JavaScript "
           "(it makes no network requests).</p></noscript>\n<main>\n<section id=\"overview\">\n<div class=\"cards\">");
  auto card = [&](std::string_view label, const std::string& value) {
    h.raw("<div class=\"card\"><div class=\"v\">").text(value).raw("</div><div class=\"l\">").text(label).raw("</div></div>");
  };
  auto count = [&](std::string_view key) -> std::string {
    for (const auto& [k, v] : r.counts)
      if (k == key) return v;
    return "n/a";
  };
  card("accounts", count("accounts"));
  card("nodes", count("nodes"));
  card("edges", count("edges"));
  card("communities", std::to_string(r.communities));
  card("scored communities", std::to_string(r.scored));
  card("suspect communities", std::to_string(r.suspect_communities));
  card("suspect accounts", std::to_string(r.suspect_accounts));
  card("risk threshold", rpt::fixed(r.threshold, 2));
  h.raw("</div>\n<div id=\"event-chips\" class=\"changes\" hidden></div>\n<p class=\"meta\">Model <code>").text(r.model);
  h.raw("</code>; ").text(r.calibration).raw(".");
  if (sections < r.ranked.size())
    h.raw(" Details for the first ").n(sections).raw(" of ").n(r.ranked.size()).raw(" suspect communities (--report-communities).");
  h.raw("</p>\n<details class=\"opts\"><summary>Run options and counts</summary><table class=\"kv\"><tbody>");
  for (const auto* list : {&r.options, &r.counts})
    for (const auto& [k, v] : *list) h.raw("<tr><th>").text(k).raw("</th><td>").text(v).raw("</td></tr>");
  h.raw("</tbody></table></details>\n</section>\n");
}

// "What changed" since the previous run (run --previous): the events, the
// communities that came back after a ban, and the changed communities, the
// flagged ones first (as communities.json lists them).
void write_changes(Html& h, const RunFolder& r, std::size_t sections) {
  const Changes& x = r.changes;
  if (!x.present) return;
  h.raw("<section id=\"changes\">\n<h2>What changed since the previous run</h2>\n<p class=\"meta\">Previous run <code>")
      .text(x.since.empty() ? std::string("(none)") : x.since)
      .raw("</code>; ")
      .n(x.new_heads)
      .raw(" new heads (accounts new to the snapshot in a community that was flagged or banned before).</p>\n<div class=\"cards\">");
  for (const auto& [event, n] : x.counts)
    h.raw("<div class=\"card\"><div class=\"v\">").n(n).raw("</div><div class=\"l\">").text(event).raw("</div></div>");
  h.raw("</div>\n");
  if (x.reappeared_after_ban.empty()) {
    h.raw("<p class=\"none\">No community reappeared after a ban.</p>\n");
  } else {
    h.raw("<p><strong>Reappeared after a ban:</strong> ");
    for (std::size_t i = 0; i < x.reappeared_after_ban.size(); ++i)
      h.raw(i == 0 ? "" : ", ").raw("<code>").text(x.reappeared_after_ban[i]).raw("</code>");
    h.raw("</p>\n");
  }
  std::unordered_map<std::uint32_t, bool> has_section;
  for (std::size_t i = 0; i < sections && i < r.ranked.size(); ++i) has_section[r.ranked[i].id] = true;
  constexpr std::size_t kMaxRows = 100;
  if (!x.communities.empty()) {
    h.raw("<div class=\"tablewrap\"><table id=\"changed\"><thead><tr><th>hydra</th><th>event</th><th>community</th>"
          "<th>accounts before</th><th>accounts now</th><th>new heads</th><th>flagged</th></tr></thead>\n<tbody>\n");
    for (std::size_t i = 0; i < x.communities.size() && i < kMaxRows; ++i) {
      const ChangedCommunity& c = x.communities[i];
      h.raw("<tr><td><code>").text(c.hydra_id).raw("</code></td><td>").text(c.event);
      if (c.after_ban) h.raw(" (after a ban)");
      h.raw("</td><td>");
      if (has_section.count(c.community) != 0) h.raw("<a href=\"#c-").n(c.community).raw("\">").n(c.community).raw("</a>");
      else h.n(c.community);
      h.raw("</td><td>").n(c.accounts_before).raw("</td><td>").n(c.accounts).raw("</td><td>").n(c.new_heads);
      h.raw("</td><td>").raw(c.flagged ? "yes" : "no").raw("</td></tr>\n");
    }
    h.raw("</tbody></table></div>\n");
    if (x.communities.size() > kMaxRows)
      h.raw("<p class=\"note\">The first ").n(kMaxRows).raw(" of ").n(x.communities.size())
          .raw(" changed communities; communities.json lists every one.</p>\n");
  }
  h.raw("</section>\n");
}

// The workbench's fixed markup; report.js fills it from the data.
void write_workbench(Html& h) {
  h.raw(R"HTML(<section id="workbench">
<div class="toolbar" role="search">
<div class="searchbox"><input id="search" type="search" autocomplete="off" spellcheck="false" placeholder="Search an account, card, IP, proxy or device id, or a community number" aria-label="Search ids"><div id="search-results" class="results" role="listbox" hidden></div></div>
<label>risk &ge; <input id="f-risk" type="number" min="0" max="1" step="0.05" value="0"></label>
<label>signal <select id="f-signal"><option value="">any</option></select></label>
<label>accounts <input id="f-min" type="number" min="0" step="1" placeholder="min"> &ndash; <input id="f-max" type="number" min="0" step="1" placeholder="max"></label>
<label id="f-event-label" hidden>event <select id="f-event"><option value="">any</option></select></label>
<button type="button" id="f-reset">reset</button>
<span id="f-count" class="count" aria-live="polite"></span>
</div>
<div id="ranking" class="vtable ranking" role="grid" aria-label="Suspect communities, ranked by risk"></div>
<div id="detail" class="detail"><p class="none">Choose a community in the ranking, or search for an id.</p></div>
</section>
)HTML");
}

}  // namespace

std::string build_report_html(const std::string& run_dir, const ReportOptions& options, ReportSummary* summary) {
  options.validate();
  {  // the inlined scripts must not be able to close their element
    for (std::string_view js : {rpt::graph_library_js(), rpt::report_js()}) {
      std::string lower(js);
      for (char& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      if (lower.find("</script") != std::string::npos || lower.find("<!--") != std::string::npos)
        throw std::logic_error("report: an inlined script contains </script or <!--");
    }
  }
  RunFolder r;
  read_run_json(run_dir + "/run.json", r);
  read_communities_json(run_dir + "/communities.json", r, options.max_communities);
  const std::size_t sections = options.max_communities == 0 ? r.ranked.size()
                                                            : std::min<std::size_t>(r.ranked.size(), options.max_communities);
  std::vector<std::uint32_t> wanted;
  for (std::size_t i = 0; i < sections; ++i) wanted.push_back(r.ranked[i].id);
  read_accounts_csv(run_dir + "/accounts.csv", r, wanted);

  // --- sections: independent, built in parallel in batches (progress between
  // batches, never from the parallel region) and kept in ranking order, so
  // that the bytes do not depend on the thread count.
  std::vector<rpt::Section> parts(sections);
  {
    std::vector<std::exception_ptr> errors(sections);
    if (options.progress) options.progress("report", 0, sections);
    constexpr std::size_t kBatch = 16;
    for (std::size_t first = 0; first < sections; first += kBatch) {
      const std::size_t last = std::min(sections, first + kBatch);
#pragma omp parallel for schedule(dynamic, 1)
      for (std::int64_t i = static_cast<std::int64_t>(first); i < static_cast<std::int64_t>(last); ++i) {
        try {
          ReportOptions o = options;
          if (options.full_detail != 0 && i >= static_cast<std::int64_t>(options.full_detail)) {
            o.graph_accounts = std::max(1u, o.graph_accounts / 2);
            o.graph_entities /= 2;
            o.graph_edges = std::max(1u, o.graph_edges / 2);
            o.heatmap_rows = std::max(1u, o.heatmap_rows / 2);
          }
          parts[static_cast<std::size_t>(i)] =
              rpt::build_section(r, r.ranked[static_cast<std::size_t>(i)], static_cast<std::size_t>(i) + 1, run_dir, o);
        } catch (...) {
          errors[static_cast<std::size_t>(i)] = std::current_exception();
        }
      }
      for (std::size_t i = first; i < last; ++i)
        if (errors[i]) std::rethrow_exception(errors[i]);
      if (options.progress) options.progress("report", last, sections);
    }
  }

  // --- links: communities that share entities (by entity id, across sections).
  std::unordered_map<std::string_view, std::vector<std::uint32_t>> holders;
  for (std::uint32_t i = 0; i < sections; ++i)
    for (const auto& id : parts[i].entity_ids) holders[id].push_back(i);
  std::vector<std::map<std::uint32_t, std::uint64_t>> links(sections);  // section -> other section -> shared entities
  for (const auto& [id, list] : holders) {
    if (list.size() < 2) continue;
    for (std::uint32_t a : list)
      for (std::uint32_t b : list)
        if (a != b) ++links[a][b];
  }

  Html h;
  std::size_t reserve = std::size_t{1} << 20;
  for (const auto& p : parts) reserve += p.json.size() + p.templates.size() + 64;
  h.out.reserve(reserve + rpt::graph_library_js().size());
  write_head(h, r);
  write_overview(h, r, sections);
  write_changes(h, r, sections);
  write_workbench(h);
  h.raw("</main>\n<footer>Generated by hydrascope ").text(r.engine_version).raw(" with ").text(rpt::graph_library_name());
  h.raw(" (MIT licence, inlined). Self-contained: no network access.</footer>\n");

  // --- the data, for the page's script -------------------------------------------------
  h.raw("<script type=\"application/json\" id=\"hs-data\">{\"input\":");
  append_script_json_string(h.out, r.input_path);
  h.raw(",\"checksum\":");
  append_script_json_string(h.out, r.checksum);
  h.raw(",\"lib\":");
  append_script_json_string(h.out, rpt::graph_library_name());
  h.raw(",\"threshold\":");
  rpt::append_json_number(h.out, r.threshold);
  h.raw(",\"has_events\":").raw(r.has_events ? "true" : "false");
  h.raw(",\"has_hydra_ids\":").raw(r.has_hydra_ids ? "true" : "false");
  h.raw(",\"member_columns\":{\"pagerank\":").raw(r.accounts_have_pagerank ? "true" : "false");
  h.raw(",\"core\":").raw(r.accounts_have_core ? "true" : "false");
  h.raw(",\"hydra_id\":").raw(r.accounts_have_hydra ? "true" : "false");
  h.raw("},\"communities\":[");
  std::unordered_map<std::uint32_t, std::size_t> rank_of;
  for (std::size_t i = 0; i < r.ranked.size(); ++i) rank_of[r.ranked[i].id] = i;
  for (std::size_t i = 0; i < r.ranked.size(); ++i) {
    const Community& c = r.ranked[i];
    h.raw(i ? ",\n{" : "\n{").raw("\"id\":").n(c.id).raw(",\"rank\":").n(i + 1).raw(",\"accounts\":").n(c.accounts);
    h.raw(",\"nodes\":").n(c.nodes).raw(",\"flagged\":").n(c.flagged).raw(",\"risk\":");
    rpt::append_json_number(h.out, c.risk);
    h.raw(",\"signals\":[");
    for (std::size_t k = 0; k < c.reasons.size(); ++k) {
      if (k) h.raw(",");
      append_script_json_string(h.out, c.reasons[k].family);
    }
    h.raw("],\"section\":").raw(i < sections ? std::to_string(i) : std::string("-1"));
    if (i < sections) h.raw(",\"links\":").n(links[i].size());
    if (!c.event.empty()) {
      h.raw(",\"event\":");
      append_script_json_string(h.out, c.event);
    }
    if (!c.hydra_id.empty()) {
      h.raw(",\"hydra_id\":");
      append_script_json_string(h.out, c.hydra_id);
    }
    if (!c.review.empty()) {
      h.raw(",\"review\":");
      append_script_json_string(h.out, c.review);
    }
    h.raw("}");
  }
  h.raw("],\n\"sections\":[");
  for (std::size_t i = 0; i < sections; ++i) {
    h.raw(i ? ",\n" : "\n");
    // The section's object, with its links added before the closing brace:
    // [[other community id, shared entities], ...], most shared first.
    std::string& js = parts[i].json;
    js.pop_back();
    h.raw(js).raw(",\"links\":[");
    std::vector<std::pair<std::uint64_t, std::uint32_t>> order;
    for (const auto& [other, shared] : links[i]) order.emplace_back(shared, other);
    std::sort(order.begin(), order.end(), [&](const auto& a, const auto& b) {
      if (a.first != b.first) return a.first > b.first;
      return a.second < b.second;
    });
    for (std::size_t k = 0; k < order.size(); ++k) {
      if (k) h.raw(",");
      h.raw("[").n(r.ranked[order[k].second].id).raw(",").n(order[k].first).raw("]");
    }
    // Per entity row: the other sections that hold it (at most 20 listed).
    h.raw("],\"entity_links\":[");
    for (std::size_t e = 0; e < parts[i].entity_ids.size(); ++e) {
      if (e) h.raw(",");
      const auto& list = holders[parts[i].entity_ids[e]];
      h.raw("[");
      std::size_t listed = 0;
      for (std::uint32_t other : list) {
        if (other == i) continue;
        if (listed == 20) break;
        if (listed++) h.raw(",");
        h.n(r.ranked[other].id);
      }
      h.raw("]");
    }
    h.raw("]}");
    std::string().swap(js);
  }
  h.raw("]}</script>\n<script>");
  h.raw(rpt::graph_library_js());
  h.raw("</script>\n<script>");
  h.raw(rpt::report_js());
  h.raw("</script>\n");
  // Static markup of each section, cloned by the script when it is opened.
  for (auto& p : parts) {
    h.raw(p.templates);
    std::string().swap(p.templates);
  }
  h.raw("</body>\n</html>\n");
  if (summary != nullptr) {
    summary->suspect_communities = r.ranked.size();
    summary->sections = sections;
    summary->bytes = h.out.size();
  }
  return std::move(h.out);
}

ReportSummary write_report(const std::string& run_dir, const std::string& out_path, const ReportOptions& options) {
  ReportSummary s;
  const std::string html = build_report_html(run_dir, options, &s);
  write_file_atomic(out_path, html);
  return s;
}

}  // namespace hydrascope
