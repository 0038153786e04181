// `hydrascope report`: the self-contained HTML page of a run folder. Reads
// run.json, communities.json, accounts.csv and suspects/community-<id>.json,
// and writes one page; every string from the data goes through append_html
// or append_script_json_string.
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
#include "report_assets.hpp"
#include "report_internal.hpp"

namespace hydrascope {

void ReportOptions::validate() const {
  if (graph_accounts < 1 || graph_accounts > 2000) throw std::invalid_argument("graph accounts must be in 1..2000");
  if (graph_entities > 2000) throw std::invalid_argument("graph entities must be at most 2000");
  if (graph_edges < 1) throw std::invalid_argument("graph edges must be at least 1");
  if (heatmap_rows < 1 || heatmap_rows > 1000) throw std::invalid_argument("heatmap rows must be in 1..1000");
  if (heatmap_columns < 8 || heatmap_columns > 4096) throw std::invalid_argument("heatmap columns must be in 8..4096");
  if (top_accounts > 1000) throw std::invalid_argument("top accounts must be at most 1000");
}

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

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

bool file_exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
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
};
struct AccountRow {
  double risk = 0.0;
  std::string family;
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
  std::unordered_map<std::uint32_t, std::string> hydra_id;  // of the ranked communities, when tracked
  Changes changes;
  // accounts.csv, accounts of ranked communities with a section
  std::unordered_map<std::string, AccountRow> accounts;
};

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
    if (const JVal* hid = member(c, "hydra_id"); hid != nullptr && hid->IsString()) r.hydra_id[com.id] = str_or(hid);
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
    r.ranked.push_back(std::move(com));
  }
  (void)max_sections;
}

// accounts.csv: the risk and evidence of accounts of the communities in `wanted`.
void read_accounts_csv(const std::string& path, RunFolder& r, const std::vector<std::uint32_t>& wanted) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(path, "", std::string("cannot read: ") + std::strerror(errno));
  std::vector<std::uint8_t> want;
  for (std::uint32_t c : wanted) {
    if (c >= want.size()) want.resize(std::size_t{c} + 1, 0);
    want[c] = 1;
  }
  std::vector<std::string> fields;
  int col_id = -1, col_comm = -1, col_risk = -1, col_fam = -1;
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
        if (fields[i] == "account_id") col_id = static_cast<int>(i);
        else if (fields[i] == "community_id") col_comm = static_cast<int>(i);
        else if (fields[i] == "risk_score") col_risk = static_cast<int>(i);
        else if (fields[i] == "top_family") col_fam = static_cast<int>(i);
      }
      if (col_id < 0 || col_comm < 0 || col_risk < 0)
        fail(path, "", "header must name account_id, community_id and risk_score", rec_line);
      continue;
    }
    const auto need = static_cast<std::size_t>(std::max({col_id, col_comm, col_risk, col_fam}));
    if (fields.size() <= need) fail(path, "", "expected at least " + std::to_string(need + 1) + " fields", rec_line);
    char* stop = nullptr;
    const unsigned long long c = std::strtoull(fields[col_comm].c_str(), &stop, 10);
    if (stop == fields[col_comm].c_str() || *stop != '\0') fail(path, "community_id", "not a community id", rec_line);
    if (c >= want.size() || !want[c]) continue;
    AccountRow row;
    row.risk = std::strtod(fields[col_risk].c_str(), &stop);
    if (*stop != '\0' || !std::isfinite(row.risk)) fail(path, "risk_score", "not a number", rec_line);
    if (col_fam >= 0) row.family = fields[col_fam];
    r.accounts[std::string(sheet_cell_text(fields[col_id]))] = row;
  }
}

// --- writing ----------------------------------------------------------------------------

std::string fixed(double v, int decimals) {
  if (!std::isfinite(v)) return "n/a";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}
std::string num(double v) { return std::isfinite(v) ? format_number(v) : "n/a"; }

// At most `max` code points of `s`, with an ellipsis when cut (never inside a UTF-8 sequence).
std::string shorten(std::string_view s, std::size_t max) {
  std::size_t count = 0, i = 0;
  for (; i < s.size(); ++i)
    if ((static_cast<unsigned char>(s[i]) & 0xC0u) != 0x80u && count++ == max) break;
  if (i >= s.size()) return std::string(s);
  return std::string(s.substr(0, i)) + "\xE2\x80\xA6";
}

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

const char* kind_class(NodeKind k) {
  switch (k) {
    case NodeKind::Account: return "k-account";
    case NodeKind::PaymentMethod: return "k-payment";
    case NodeKind::Ip: return "k-ip";
    case NodeKind::Proxy: return "k-proxy";
    case NodeKind::Device: return "k-device";
    default: return "k-other";
  }
}

std::string reason_families(const Community& c) {
  std::string out;
  for (const auto& r : c.reasons) {
    if (!out.empty()) out += ", ";
    out += r.family;
  }
  return out;
}

const Band* band_of(const RunFolder& r, const Community& c) {
  return c.band < r.bands.size() ? &r.bands[c.band] : nullptr;
}

void write_head(Html& h, const RunFolder& r) {
  h.raw("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:; "
        "style-src 'unsafe-inline'; script-src 'unsafe-inline'\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>hydrascope report: ")
      .text(shorten(r.input_path.empty() ? "run" : r.input_path, 80))
      .raw("</title>\n<style>")
      .raw(rpt::kReportCss)
      .raw("</style>\n<script>")
      .raw(rpt::kReportJs)
      .raw("</script>\n</head>\n");
}

void write_overview(Html& h, const RunFolder& r, std::size_t sections) {
  h.raw("<body>\n<div id=\"hs-status\" data-state=\"loading\" data-errors=\"0\" hidden></div>\n<header><h1>hydrascope "
        "report</h1>\n<p class=\"meta\">Input <code>")
      .text(r.input_path)
      .raw("</code> &middot; <code>")
      .text(r.checksum)
      .raw("</code> &middot; hydrascope ")
      .text(r.engine_version)
      .raw("</p>\n</header>\n<main>\n<section id=\"overview\">\n<h2>Overview</h2>\n<div class=\"cards\">");
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
  card("risk threshold", num(r.threshold));
  h.raw("</div>\n<p class=\"meta\">Model <code>").text(r.model).raw("</code>; ").text(r.calibration).raw(".</p>\n<div>");
  h.raw("</div>\n<details class=\"opts\"><summary>Run options and counts</summary><table class=\"kv\"><tbody>");
  for (const auto* list : {&r.options, &r.counts})
    for (const auto& [k, v] : *list) h.raw("<tr><th>").text(k).raw("</th><td>").text(v).raw("</td></tr>");
  h.raw("</tbody></table></details>\n");

  h.raw("<h3>Suspect communities, ranked by risk</h3>\n");
  if (r.ranked.empty()) {
    h.raw("<p class=\"none\">No community reached the risk threshold.</p>\n");
  } else {
    if (sections < r.ranked.size())
      h.raw("<p class=\"note\">Details below for the first ").n(sections).raw(" of ").n(r.ranked.size()).raw(".</p>\n");
    h.raw("<p class=\"note\">Click a column to sort; click a community to open its details.</p>\n"
          "<div class=\"tablewrap\"><table id=\"ranking\" class=\"sortable\"><thead><tr>"
          "<th data-k=\"rank\">rank</th><th data-k=\"id\">community</th><th data-k=\"accounts\">accounts</th>"
          "<th data-k=\"nodes\">nodes</th><th data-k=\"risk\">risk</th><th data-k=\"flagged\">flagged accounts</th>"
          "<th data-k=\"signals\" data-s=\"1\">evidence</th></tr></thead>\n<tbody>\n");
    for (std::size_t i = 0; i < r.ranked.size(); ++i) {
      const auto& c = r.ranked[i];
      const std::string groups = reason_families(c);
      h.raw("<tr data-rank=\"").n(i + 1).raw("\" data-id=\"").n(c.id).raw("\" data-accounts=\"").n(c.accounts);
      h.raw("\" data-nodes=\"").n(c.nodes).raw("\" data-risk=\"").raw(fixed(c.risk, 6)).raw("\" data-flagged=\"");
      h.n(c.flagged).raw("\" data-signals=\"").text(groups).raw("\">");
      h.raw("<td>").n(i + 1).raw("</td><td>");
      if (i < sections) h.raw("<a href=\"#c-").n(c.id).raw("\">").n(c.id).raw("</a>");
      else h.n(c.id);
      h.raw("</td><td>").n(c.accounts).raw("</td><td>").n(c.nodes).raw("</td><td><span class=\"risk\" style=\"--r:");
      h.raw(fixed(c.risk, 3)).raw("\">").raw(fixed(c.risk, 3)).raw("</span></td><td>");
      h.n(c.flagged).raw("</td><td>").text(groups).raw("</td></tr>\n");
    }
    h.raw("</tbody></table></div>\n");
  }
  h.raw("</section>\n");
}

// The model's evidence: one bar per feature family, its mean contribution
// (log-odds) over the community's explained accounts; then the community's
// key feature values against the median and p99 of communities of its size.
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

void write_signal_bars(Html& h, const RunFolder& r, const Community& c) {
  h.raw("<div class=\"bars\"><h4>Evidence by feature family <span class=\"sub\">(mean contribution to the "
        "log-odds of its flagged accounts)</span></h4>\n<table class=\"bartable\"><tbody>\n");
  double top = 0.0;
  for (const auto& [name, v] : c.families)
    if (std::isfinite(v)) top = std::max(top, std::fabs(v));
  for (const auto& [name, v] : c.families) {
    if (!std::isfinite(v) || std::fabs(v) < 0.01) continue;
    bool reason = false;
    for (const auto& rr : c.reasons) reason = reason || rr.family == name;
    h.raw("<tr class=\"").raw(reason ? "fired" : v > 0 ? "high" : "plain").raw("\"><th>").text(name).raw("</th><td class=\"bar\">");
    h.raw("<div class=\"track\"><div class=\"fill\" style=\"width:").raw(fixed(top > 0 ? 100.0 * std::fabs(v) / top : 0.0, 1));
    h.raw("%\"></div></div></td><td class=\"val\">").raw(v >= 0 ? "+" : "").raw(fixed(v, 2)).raw("</td></tr>\n");
  }
  h.raw("</tbody></table>\n");
  const Band* band = band_of(r, c);
  h.raw("<h4>Key features against the snapshot");
  if (band != nullptr) {
    h.raw(" <span class=\"sub\">(communities of ").n(band->lo);
    if (band->hi != 0) h.raw("&ndash;").n(band->hi);
    else h.raw("+");
    h.raw(" accounts)</span>");
  }
  h.raw("</h4>\n<table class=\"bartable\"><tbody>\n");
  std::vector<std::string> shown;
  for (const auto& rr : c.reasons)
    if (rr.feature.rfind("c_", 0) == 0) shown.push_back(rr.feature);
  for (const char* f : {"c_payment_top_share", "c_ip_top_share", "c_proxy_top_share", "c_device_top_share",
                        "c_entity_top_share", "c_core_share", "c_exclusive", "c_sync", "c_spread", "c_burst_6h", "c_pivot"})
    if (std::find(shown.begin(), shown.end(), f) == shown.end()) shown.emplace_back(f);
  for (const auto& name : shown) {
    const auto it = c.features.find(name);
    const double v = it == c.features.end() ? kNaN : it->second;
    if (!std::isfinite(v)) continue;
    Reference ref;
    if (band != nullptr)
      if (const auto rit = band->ref.find(name); rit != band->ref.end()) ref = rit->second;
    bool reason = false;
    for (const auto& rr : c.reasons) reason = reason || rr.feature == name;
    h.raw("<tr class=\"").raw(reason ? "fired" : "plain").raw("\"><th>").text(name).raw("</th><td class=\"bar\">");
    double mx = 0.0;
    for (double x : {v, ref.median, ref.p99})
      if (std::isfinite(x)) mx = std::max(mx, std::fabs(x));
    if (mx > 0.0) {
      mx *= 1.05;
      auto pct = [&](double x) { return fixed(std::clamp(100.0 * std::fabs(x) / mx, 0.0, 100.0), 1); };
      h.raw("<div class=\"track\"><div class=\"fill\" style=\"width:").raw(pct(v)).raw("%\"></div>");
      if (std::isfinite(ref.median)) h.raw("<div class=\"mark med\" style=\"left:").raw(pct(ref.median)).raw("%\"></div>");
      if (std::isfinite(ref.p99)) h.raw("<div class=\"mark ext\" style=\"left:").raw(pct(ref.p99)).raw("%\"></div>");
      h.raw("</div>");
    } else {
      h.raw("<div class=\"track\"></div>");
    }
    h.raw("</td><td class=\"val\">").raw(num(v)).raw("</td><td class=\"ref\">median ").raw(num(ref.median));
    h.raw(", p99 ").raw(num(ref.p99)).raw("</td></tr>\n");
  }
  h.raw("</tbody></table>\n<p class=\"legend\"><span class=\"sw fill\"></span> this community <span class=\"sw med\"></span> "
        "median <span class=\"sw ext\"></span> p99 of communities of its size; red: a reason it was flagged</p></div>\n");
}

constexpr double kGraphW = 560, kGraphH = 420;

std::string coord(double v) { return std::to_string(std::llround(v)); }

void write_graph(Html& h, const Snapshot& sub, const DrawnSubgraph& d, const ReportOptions& o, std::uint32_t cid) {
  std::vector<std::uint32_t> local(sub.num_nodes(), UINT32_MAX);
  for (std::uint32_t i = 0; i < d.nodes.size(); ++i) local[d.nodes[i]] = i;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> edges;
  edges.reserve(d.edges.size());
  for (EdgeId e : d.edges) edges.emplace_back(local[sub.edge_src(e)], local[sub.edge_dst(e)]);
  const auto pos = layout_graph(static_cast<std::uint32_t>(d.nodes.size()), edges, kGraphW, kGraphH, 14.0,
                                o.seed ^ (std::uint64_t{cid} * 0x9E3779B97F4A7C15ull));
  // Every edge shapes the layout; at most graph_edges are drawn: each node's
  // first edge, then the rest in edge order.
  std::vector<std::uint8_t> draw(edges.size(), 0), covered(d.nodes.size(), 0);
  std::size_t drawn = 0;
  for (int pass = 0; pass < 2; ++pass)
    for (std::size_t i = 0; i < edges.size() && drawn < o.graph_edges; ++i) {
      const auto [a, b] = edges[i];
      if (draw[i] || (pass == 0 && covered[a] && covered[b])) continue;
      draw[i] = 1;
      covered[a] = covered[b] = 1;
      ++drawn;
    }
  h.raw("<figure class=\"graph\"><svg viewBox=\"0 0 560 420\" role=\"img\" aria-label=\"subgraph of community ")
      .n(cid)
      .raw("\"><path class=\"edges\" d=\"");
  for (std::size_t i = 0; i < edges.size(); ++i) {
    if (!draw[i]) continue;
    const auto [a, b] = edges[i];
    h.raw("M").raw(coord(pos[a].x)).raw(" ").raw(coord(pos[a].y)).raw("L").raw(coord(pos[b].x)).raw(" ").raw(coord(pos[b].y));
  }
  h.raw("\"/>\n");
  // One group per node kind, accounts first (entities drawn on top).
  std::vector<std::uint64_t> uses(d.nodes.size(), 0);
  for (const auto& [a, b] : edges) {
    ++uses[a];
    ++uses[b];
  }
  for (int k = 0; k < kNumNodeKinds; ++k) {
    const auto kind = static_cast<NodeKind>(k);
    bool open = false;
    for (std::uint32_t i = 0; i < d.nodes.size(); ++i) {
      const NodeId v = d.nodes[i];
      if (sub.kind(v) != kind) continue;
      if (!open) h.raw("<g class=\"").raw(kind_class(kind)).raw("\">");
      open = true;
      const Label label = sub.label(v);
      h.raw("<circle cx=\"").raw(coord(pos[i].x)).raw("\" cy=\"").raw(coord(pos[i].y)).raw("\" r=\"");
      h.raw(kind == NodeKind::Account ? "3.5" : "6");
      if (label == Label::Banned || label == Label::Suspect) h.raw("\" class=\"seed");
      h.raw("\"><title>").text(sub.node_id(v)).raw(" (").text(sub.node_type(v)).raw(")</title></circle>");
    }
    if (open) h.raw("</g>\n");
  }
  std::vector<std::uint32_t> order;
  for (std::uint32_t i = 0; i < d.nodes.size(); ++i)
    if (sub.kind(d.nodes[i]) != NodeKind::Account) order.push_back(i);
  std::sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
    if (uses[a] != uses[b]) return uses[a] > uses[b];
    return a < b;
  });
  // Labels of the most used entities, skipping any that would overlap one already placed.
  std::vector<std::array<double, 4>> boxes;
  int placed = 0;
  for (std::uint32_t i : order) {
    if (placed == 5) break;
    const std::string text = shorten(sub.node_id(d.nodes[i]), 28);
    const bool right = pos[i].x > kGraphW * 0.6;
    const double w = 6.7 * static_cast<double>(std::min<std::size_t>(text.size(), 29));
    const double bx = right ? pos[i].x - 9 - w : pos[i].x + 9, by = pos[i].y - 7;
    bool clash = false;
    for (const auto& b : boxes) clash = clash || (bx < b[2] && b[0] < bx + w && by < b[3] && b[1] < by + 14);
    if (clash) continue;
    boxes.push_back({bx, by, bx + w, by + 14});
    ++placed;
    h.raw("<text x=\"").raw(coord(pos[i].x + (right ? -9 : 9))).raw("\" y=\"").raw(coord(pos[i].y + 4));
    h.raw(right ? "\" text-anchor=\"end\">" : "\">").text(text).raw("</text>\n");
  }
  h.raw("</svg><figcaption><span class=\"dot k-account\"></span>account <span class=\"dot k-payment\"></span>payment "
        "method <span class=\"dot k-ip\"></span>IP <span class=\"dot k-proxy\"></span>proxy <span class=\"dot "
        "k-device\"></span>device <span class=\"dot k-other\"></span>other <span class=\"dot k-account seed\"></span>"
        "labelled banned/suspect<br>");
  h.n(d.accounts_shown).raw(" of ").n(d.accounts_total).raw(" accounts, ").n(d.entities_shown).raw(" of ");
  h.n(d.entities_total).raw(" entities");
  if (drawn < edges.size()) h.raw(" and ").n(drawn).raw(" of their ").n(edges.size()).raw(" edges");
  h.raw(" drawn");
  if (d.accounts_shown < d.accounts_total) h.raw(" (the riskiest accounts, then a fixed sample)");
  h.raw("; hover a node for its id.</figcaption></figure>\n");
}

// Accounts x time: each row is one account's requests per bucket (summed
// into at most heatmap_columns columns), scaled to the row's maximum, so that
// accounts running in lock-step show as vertical stripes.
void write_heatmap(Html& h, const Snapshot& sub, const std::vector<NodeId>& rows, const ReportOptions& o) {
  const ActivitySpec& spec = sub.meta().activity;
  h.raw("<figure class=\"heatmap\"><h4>Activity, accounts &times; time</h4>");
  std::vector<NodeId> active;
  for (NodeId v : rows)
    if (!sub.activity_buckets(v).empty()) active.push_back(v);
  if (!spec.present() || active.empty()) {
    h.raw("<p class=\"none\">No activity data for these accounts.</p></figure>\n");
    return;
  }
  const std::uint32_t group = (spec.buckets + o.heatmap_columns - 1) / o.heatmap_columns;
  const std::uint32_t cols = (spec.buckets + group - 1) / group;
  const auto height = static_cast<std::uint32_t>(active.size());
  std::vector<std::uint8_t> pixels(std::size_t{cols} * height, 0);
  std::vector<double> row(cols);
  for (std::uint32_t y = 0; y < height; ++y) {
    std::fill(row.begin(), row.end(), 0.0);
    const auto bs = sub.activity_buckets(active[y]);
    const auto vs = sub.activity_values(active[y]);
    for (std::size_t i = 0; i < bs.size(); ++i) row[bs[i] / group] += vs[i];
    const double top = *std::max_element(row.begin(), row.end());
    for (std::uint32_t x = 0; x < cols; ++x)
      if (row[x] > 0 && top > 0)
        pixels[std::size_t{y} * cols + x] = static_cast<std::uint8_t>(1 + std::lround(31.0 * row[x] / top));
  }
  static const std::vector<std::uint8_t> palette = [] {
    std::vector<std::uint8_t> p = {0xF1, 0xF3, 0xF6};
    const double anchors[4][3] = {{255, 240, 180}, {253, 160, 60}, {200, 30, 40}, {70, 0, 60}};
    for (int i = 1; i <= 32; ++i) {
      const double t = (i - 1) / 31.0 * 3.0;
      const int k = std::min(2, static_cast<int>(t));
      const double f = t - k;
      for (int ch = 0; ch < 3; ++ch)
        p.push_back(static_cast<std::uint8_t>(std::lround(anchors[k][ch] + f * (anchors[k + 1][ch] - anchors[k][ch]))));
    }
    return p;
  }();
  const std::string png = rpt::encode_png(cols, height, pixels, palette);
  const double row_h = height > 24 ? 6 : 10, label_w = row_h >= 10 ? 150 : 0, plot_w = 560, top_pad = 4;
  const double plot_h = row_h * height;
  const double total_h = top_pad + plot_h + 18;
  h.raw("<svg viewBox=\"0 0 ").raw(fixed(label_w + plot_w + 4, 0)).raw(" ").raw(fixed(total_h, 0)).raw("\">");
  h.raw("<image x=\"").raw(fixed(label_w, 0)).raw("\" y=\"").raw(fixed(top_pad, 0)).raw("\" width=\"").raw(fixed(plot_w, 0));
  h.raw("\" height=\"").raw(fixed(plot_h, 0)).raw("\" preserveAspectRatio=\"none\" href=\"data:image/png;base64,");
  h.raw(rpt::base64(png)).raw("\"/>\n");
  if (row_h >= 10)
    for (std::uint32_t y = 0; y < height; ++y) {
      h.raw("<text class=\"rl\" x=\"").raw(fixed(label_w - 4, 0)).raw("\" y=\"").raw(fixed(top_pad + row_h * (y + 0.8), 1));
      h.raw("\">").text(shorten(sub.node_id(active[y]), 22)).raw("</text>");
    }
  // Day ticks when buckets are shorter than a day.
  const double span = static_cast<double>(spec.buckets) * static_cast<double>(spec.bucket_seconds);
  const double day = 86400.0;
  if (spec.bucket_seconds > 0 && spec.bucket_seconds < 86400 && span / day <= 62)
    for (double t = day; t < span; t += day) {
      const double x = label_w + plot_w * t / span;
      h.raw("<line class=\"tick\" x1=\"").raw(fixed(x, 1)).raw("\" x2=\"").raw(fixed(x, 1)).raw("\" y1=\"").raw(fixed(top_pad, 0));
      h.raw("\" y2=\"").raw(fixed(top_pad + plot_h + 3, 0)).raw("\"/>");
    }
  h.raw("<text class=\"ax\" x=\"").raw(fixed(label_w, 0)).raw("\" y=\"").raw(fixed(total_h - 3, 0)).raw("\">");
  h.text(spec.start == kNoTime ? std::string("start") : format_rfc3339(spec.start)).raw("</text>");
  h.raw("<text class=\"ax\" text-anchor=\"end\" x=\"").raw(fixed(label_w + plot_w, 0)).raw("\" y=\"").raw(fixed(total_h - 3, 0)).raw("\">");
  if (spec.start != kNoTime)
    h.text(format_rfc3339(spec.start + static_cast<Timestamp>(span) * kMicrosPerSecond));
  h.raw("</text></svg><figcaption>").n(height).raw(" accounts (rows, riskiest first) &times; ").n(cols);
  h.raw(" columns of ").n(static_cast<std::uint64_t>(group) * static_cast<std::uint64_t>(spec.bucket_seconds) / 60);
  h.raw(" minutes; each row scaled to its own peak. Vertical stripes across rows = accounts active in lock-step.");
  if (!(row_h >= 10)) h.raw(" Row ids are in the table below.");
  h.raw("</figcaption></figure>\n");
}

void write_top_accounts(Html& h, const Snapshot& sub, const std::vector<NodeId>& ranked_accounts, const RunFolder& r,
                        std::uint32_t k) {
  h.raw("<h4>Top accounts</h4><div class=\"tablewrap\"><table class=\"accounts\"><thead><tr><th>account</th><th>label</th>"
        "<th>risk</th><th>top family</th><th>created</th><th>requests</th><th>attributes</th></tr></thead><tbody>\n");
  for (std::size_t i = 0; i < ranked_accounts.size() && i < k; ++i) {
    const NodeId v = ranked_accounts[i];
    const auto it = r.accounts.find(std::string(sub.node_id(v)));
    h.raw("<tr><td class=\"id\">").text(sub.node_id(v)).raw("</td><td class=\"lbl l-").raw(to_string(sub.label(v))).raw("\">");
    h.raw(to_string(sub.label(v))).raw("</td><td>");
    h.raw(it == r.accounts.end() ? "n/a" : fixed(it->second.risk, 3)).raw("</td><td>");
    if (it != r.accounts.end()) h.text(it->second.family);
    h.raw("</td><td>");
    if (sub.created_at(v) != kNoTime) h.text(format_rfc3339(sub.created_at(v)));
    h.raw("</td><td>").raw(num(sub.activity_total(v))).raw("</td><td class=\"attrs\">");
    bool first = true;
    for (const Attr& a : sub.attrs(v)) {
      const std::string_view key = sub.attr_keys().get(a.key);
      if (key.starts_with("hydrascope_")) continue;
      if (!first) h.raw(", ");
      first = false;
      h.text(key).raw("=");
      switch (a.type) {
        case AttrType::String: h.text(sub.attr_strings().get(a.as_string_id())); break;
        case AttrType::Int: h.raw(std::to_string(a.as_int())); break;
        case AttrType::Double: h.raw(num(a.as_double())); break;
        case AttrType::Bool: h.raw(a.as_bool() ? "true" : "false"); break;
      }
    }
    h.raw("</td></tr>\n");
  }
  h.raw("</tbody></table></div>\n");
}

void write_community(Html& h, const RunFolder& r, const Community& c, std::size_t rank, const std::string& dir,
                     const ReportOptions& o) {
  h.raw("<details class=\"community\" id=\"c-").n(c.id).raw("\"").raw(rank <= 3 ? " open" : "").raw("><summary><b>#");
  h.n(rank).raw(" community ").n(c.id).raw("</b>");
  if (const auto it = r.hydra_id.find(c.id); it != r.hydra_id.end()) h.raw(" <code>").text(it->second).raw("</code>");
  h.raw(" &middot; risk <span class=\"risk\" style=\"--r:").raw(fixed(c.risk, 3));
  h.raw("\">").raw(fixed(c.risk, 3)).raw("</span> &middot; ").n(c.accounts).raw(" accounts, ").n(c.nodes).raw(" nodes &middot; ");
  h.text(reason_families(c)).raw("</summary>\n<div class=\"cbody\">\n<div class=\"explain\">");
  if (!c.explanation.empty()) {
    h.raw("<p class=\"verdict\">").text(c.explanation.front()).raw("</p><ul>");
    for (std::size_t i = 1; i < c.explanation.size(); ++i) h.raw("<li>").text(c.explanation[i]).raw("</li>");
    h.raw("</ul>");
  }
  h.raw("<p class=\"members\">Members: ");
  for (std::size_t i = 0; i < c.by_type.size(); ++i) {
    if (i > 0) h.raw(", ");
    h.n(c.by_type[i].second).raw(" ").text(c.by_type[i].first);
  }
  h.raw(".");
  for (const auto& [type, id, accounts] : c.top_entities)
    h.raw(" Most used ").text(type).raw(": <code>").text(id).raw("</code> (").text(accounts).raw(" accounts).");
  h.raw("</p></div>\n<div class=\"row\">\n");
  write_signal_bars(h, r, c);

  const std::string path = dir + "/suspects/community-" + std::to_string(c.id) + ".json";
  if (!file_exists(path)) {
    h.raw("<p class=\"none\">No subgraph file (suspects/community-").n(c.id).raw(".json) in the run folder.</p></div>\n");
    h.raw("</div></details>\n");
    return;
  }
  LoadOptions lo;
  lo.threads = 1;  // sections are loaded in parallel already
  const Snapshot sub = load_snapshot(path, lo);
  std::vector<double> risk(sub.num_nodes(), 0.0);
  std::vector<NodeId> accounts;
  for (NodeId v = 0; v < sub.num_nodes(); ++v) {
    if (sub.kind(v) != NodeKind::Account) continue;
    const auto it = r.accounts.find(std::string(sub.node_id(v)));
    if (it != r.accounts.end()) risk[v] = it->second.risk;
    accounts.push_back(v);
  }
  std::sort(accounts.begin(), accounts.end(), [&](NodeId a, NodeId b) {
    if (risk[a] != risk[b]) return risk[a] > risk[b];
    return sub.node_id(a) < sub.node_id(b);
  });
  const DrawnSubgraph d = sample_subgraph(sub, risk, o.graph_accounts, o.graph_entities);
  write_graph(h, sub, d, o, c.id);
  h.raw("</div>\n");
  // Heatmap rows: the drawn accounts, riskiest first.
  std::vector<std::uint8_t> drawn(sub.num_nodes(), 0);
  for (NodeId v : d.nodes) drawn[v] = 1;
  std::vector<NodeId> rows;
  for (NodeId v : accounts)
    if (drawn[v] && rows.size() < o.heatmap_rows) rows.push_back(v);
  write_heatmap(h, sub, rows, o);
  write_top_accounts(h, sub, accounts, r, o.top_accounts);
  h.raw("</div></details>\n");
}

}  // namespace

std::string build_report_html(const std::string& run_dir, const ReportOptions& options, ReportSummary* summary) {
  options.validate();
  RunFolder r;
  read_run_json(run_dir + "/run.json", r);
  read_communities_json(run_dir + "/communities.json", r, options.max_communities);
  const std::size_t sections = options.max_communities == 0 ? r.ranked.size()
                                                            : std::min<std::size_t>(r.ranked.size(), options.max_communities);
  std::vector<std::uint32_t> wanted;
  for (std::size_t i = 0; i < sections; ++i) wanted.push_back(r.ranked[i].id);
  read_accounts_csv(run_dir + "/accounts.csv", r, wanted);

  Html h;
  h.out.reserve(std::size_t{1} << 20);
  write_head(h, r);
  write_overview(h, r, sections);
  write_changes(h, r, sections);
  if (sections > 0) {
    h.raw("<section id=\"communities\"><h2>Suspect communities</h2>\n<p class=\"tools\"><button type=\"button\" "
          "id=\"open-all\">open all</button> <button type=\"button\" id=\"close-all\">close all</button></p>\n");
    // Sections are independent: built in parallel, joined in ranking order
    // (so the bytes do not depend on the thread count).
    std::vector<std::string> parts(sections);
    std::vector<std::exception_ptr> errors(sections);
    if (options.progress) options.progress("report", 0, sections);
    std::uint64_t built = 0;
#pragma omp parallel for schedule(dynamic, 1)
    for (std::int64_t i = 0; i < static_cast<std::int64_t>(sections); ++i) {
      try {
        Html part;
        ReportOptions o = options;
        if (options.full_detail != 0 && i >= static_cast<std::int64_t>(options.full_detail)) {
          o.graph_accounts = std::max(1u, o.graph_accounts / 2);
          o.graph_entities /= 2;
          o.graph_edges = std::max(1u, o.graph_edges / 2);
          o.heatmap_rows = std::max(1u, o.heatmap_rows / 2);
          o.top_accounts /= 2;
        }
        write_community(part, r, r.ranked[i], static_cast<std::size_t>(i) + 1, run_dir, o);
        parts[i] = std::move(part.out);
#pragma omp critical(hs_report_progress)
        {
          ++built;
          if (options.progress) options.progress("report", built, sections);
        }
      } catch (...) {
        errors[i] = std::current_exception();
      }
    }
    for (const auto& e : errors)
      if (e) std::rethrow_exception(e);
    for (auto& part : parts) {
      h.raw(part);
      std::string().swap(part);
    }
    h.raw("</section>\n");
  }
  // Data for the page's script (sorting needs none; the input name is shown in the status line).
  h.raw("</main>\n<footer>Generated by hydrascope ").text(r.engine_version);
  h.raw(". Self-contained: no network access.</footer>\n<script type=\"application/json\" id=\"hs-data\">{\"input\":");
  append_script_json_string(h.out, r.input_path);
  h.raw(",\"checksum\":");
  append_script_json_string(h.out, r.checksum);
  h.raw(",\"sections\":[");
  for (std::size_t i = 0; i < sections; ++i) h.raw(i ? "," : "").n(r.ranked[i].id);
  h.raw("]}</script>\n</body>\n</html>\n");
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
