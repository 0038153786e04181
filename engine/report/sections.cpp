// One community's section of the report: from its subgraph file
// (suspects/community-<id>.json) and the run folder, the data the page's
// script needs (members, shared entities, the graph with its layout) as a
// JSON object, and the static markup (explanation, evidence bars, activity
// heatmap) as <template> elements. Sections are built in parallel
// (report.cpp); everything here depends only on the inputs.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <string>
#include <sys/stat.h>
#include <unordered_map>
#include <vector>

#include "hydrascope/io.hpp"
#include "hydrascope/report.hpp"
#include "hydrascope/scoring.hpp"
#include "hydrascope/strings.hpp"
#include "report_internal.hpp"

namespace hydrascope::rpt {

std::string fixed(double v, int decimals) {
  if (!std::isfinite(v)) return "n/a";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

void append_json_number(std::string& out, double v, int decimals) {
  if (!std::isfinite(v)) {
    out += "null";
    return;
  }
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  std::string s(buf);
  if (s.find('.') != std::string::npos) {
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
  }
  if (s == "-0") s = "0";
  out += s;
}

std::string shorten(std::string_view s, std::size_t max) {
  std::size_t count = 0, i = 0;
  for (; i < s.size(); ++i)
    if ((static_cast<unsigned char>(s[i]) & 0xC0u) != 0x80u && count++ == max) break;
  if (i >= s.size()) return std::string(s);
  return std::string(s.substr(0, i)) + "\xE2\x80\xA6";
}

namespace {

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

void json_str(std::string& out, std::string_view s) { append_script_json_string(out, s); }

bool file_exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

// --- static markup -------------------------------------------------------------------------

// The verdict, the reasons in words, the members by type and the most used entities.
void write_explanation(Html& h, const Community& c, std::size_t rank) {
  h.raw("<div class=\"explain\"><p class=\"verdict\">");
  if (!c.explanation.empty()) h.text(c.explanation.front());
  else h.raw("Community ").n(c.id).raw(", rank ").n(rank).raw(".");
  h.raw("</p>");
  if (!c.hydra_id.empty() || !c.event.empty()) {  // tracking across snapshots (run --previous)
    h.raw("<p class=\"tracking\">");
    if (!c.hydra_id.empty()) h.raw("Hydra <code>").text(c.hydra_id).raw("</code>");
    if (!c.event.empty()) h.raw(c.hydra_id.empty() ? "Event " : ", event ").text(c.event);
    h.raw(".</p>");
  }
  if (c.explanation.size() > 1) {
    h.raw("<ul>");
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
  h.raw("</p></div>\n");
}

// The model's evidence: one bar per feature family, its mean contribution
// (log-odds) over the community's explained accounts; then the community's
// key feature values against the median and p99 of communities of its size.
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
  const Band* band = c.band < r.bands.size() ? &r.bands[c.band] : nullptr;
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
    h.raw("</td><td class=\"val\">").raw(format_number(v)).raw("</td><td class=\"ref\">median ");
    h.raw(std::isfinite(ref.median) ? format_number(ref.median) : "n/a").raw(", p99 ");
    h.raw(std::isfinite(ref.p99) ? format_number(ref.p99) : "n/a").raw("</td></tr>\n");
  }
  h.raw("</tbody></table>\n<p class=\"legend\"><span class=\"sw fill\"></span> this community <span class=\"sw med\"></span> "
        "median <span class=\"sw ext\"></span> p99 of communities of its size; red: a reason it was flagged</p></div>\n");
}

// Accounts x time. Rows: accounts with activity (the riskiest first, up to
// heatmap_rows), then ordered by the cosine of their profile with the rows'
// mean profile, most similar first, so that accounts running in lock-step
// gather at the top as vertical stripes and the odd ones out sink. Each row
// is scaled to its own peak. Axes: days (dates when the window has a start)
// with 6-hour ticks, and the accounts' ids.
void write_heatmap(Html& h, const Snapshot& sub, const std::vector<NodeId>& riskiest, const ReportOptions& o) {
  const ActivitySpec& spec = sub.meta().activity;
  h.raw("<figure class=\"heatmap\"><h4>Activity, accounts &times; time</h4>");
  std::vector<NodeId> rows;
  for (NodeId v : riskiest)
    if (sub.activity_size(v) > 0 && rows.size() < o.heatmap_rows) rows.push_back(v);
  if (!spec.present() || rows.empty()) {
    h.raw("<p class=\"none\">No activity data for these accounts.</p></figure>\n");
    return;
  }
  const std::uint32_t group = (spec.buckets + o.heatmap_columns - 1) / o.heatmap_columns;
  const std::uint32_t cols = (spec.buckets + group - 1) / group;
  const auto height = static_cast<std::uint32_t>(rows.size());
  std::vector<std::vector<double>> grid(height, std::vector<double>(cols, 0.0));
  for (std::uint32_t y = 0; y < height; ++y) {
    sub.for_each_activity(rows[y], [&](std::uint32_t k, float x) { grid[y][k / group] += x; });
  }
  // Order: cosine with the mean of the unit rows.
  std::vector<double> mean(cols, 0.0);
  for (auto& row : grid) {
    double norm = 0.0;
    for (double x : row) norm += x * x;
    norm = std::sqrt(norm);
    if (norm > 0)
      for (std::uint32_t x = 0; x < cols; ++x) mean[x] += row[x] / norm;
  }
  std::vector<std::pair<double, std::uint32_t>> order;
  for (std::uint32_t y = 0; y < height; ++y) {
    double dot = 0.0, norm = 0.0, mnorm = 0.0;
    for (std::uint32_t x = 0; x < cols; ++x) {
      dot += grid[y][x] * mean[x];
      norm += grid[y][x] * grid[y][x];
      mnorm += mean[x] * mean[x];
    }
    order.emplace_back(norm > 0 && mnorm > 0 ? dot / std::sqrt(norm * mnorm) : 0.0, y);
  }
  std::stable_sort(order.begin(), order.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  std::vector<std::uint8_t> pixels(std::size_t{cols} * height, 0);
  for (std::uint32_t y = 0; y < height; ++y) {
    const auto& row = grid[order[y].second];
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
  const std::string png = encode_png(cols, height, pixels, palette);
  const double row_h = 11, label_w = 170, plot_w = 700, top_pad = 6, axis_h = 44;
  const double plot_h = row_h * height;
  const double total_h = top_pad + plot_h + axis_h;
  h.raw("<svg class=\"heat\" viewBox=\"0 0 ").raw(fixed(label_w + plot_w + 10, 0)).raw(" ").raw(fixed(total_h, 0));
  h.raw("\" role=\"img\" aria-label=\"activity heatmap\"><image x=\"").raw(fixed(label_w, 0)).raw("\" y=\"");
  h.raw(fixed(top_pad, 0)).raw("\" width=\"").raw(fixed(plot_w, 0)).raw("\" height=\"").raw(fixed(plot_h, 0));
  h.raw("\" preserveAspectRatio=\"none\" href=\"data:image/png;base64,").raw(base64(png)).raw("\"/>\n");
  for (std::uint32_t y = 0; y < height; ++y) {
    const NodeId v = rows[order[y].second];
    h.raw("<text class=\"rl\" x=\"").raw(fixed(label_w - 5, 0)).raw("\" y=\"").raw(fixed(top_pad + row_h * (y + 0.8), 1));
    h.raw("\"><title>").text(sub.node_id(v)).raw("</title>").text(shorten(sub.node_id(v), 24)).raw("</text>");
  }
  // Time axis: day boundaries (labelled), 6-hour ticks when a day is wide enough.
  const double span = static_cast<double>(spec.buckets) * static_cast<double>(spec.bucket_seconds);
  const double day = 86400.0;
  const double y0 = top_pad + plot_h;
  h.raw("<line class=\"axis\" x1=\"").raw(fixed(label_w, 0)).raw("\" x2=\"").raw(fixed(label_w + plot_w, 0));
  h.raw("\" y1=\"").raw(fixed(y0 + 0.5, 1)).raw("\" y2=\"").raw(fixed(y0 + 0.5, 1)).raw("\"/>");
  const double days = span / day;
  const double day_px = plot_w / std::max(days, 1e-9);
  const int label_every = day_px >= 60 ? 1 : day_px >= 20 ? 7 : 0;
  if (spec.bucket_seconds > 0 && days <= 400) {
    const Timestamp start = spec.start == kNoTime ? 0 : spec.start;
    // Day boundaries in UTC: the first midnight at or after the start.
    const std::int64_t start_s = start / kMicrosPerSecond;
    const std::int64_t first_midnight = ((start_s + 86399) / 86400) * 86400 - start_s;
    // Hour ticks every 6 hours of the UTC day (of the window when it has no
    // start), labelled 06, 12, 18 when a day is wide enough; days below them.
    const double tick = day_px >= 40 ? 6 * 3600.0 : 0.0;
    const std::int64_t first_tick = ((start_s + 21599) / 21600) * 21600 - start_s;
    if (tick > 0)
      for (double t = static_cast<double>(first_tick); t <= span; t += tick) {
        const double x = label_w + plot_w * t / span;
        h.raw("<line class=\"tk\" x1=\"").raw(fixed(x, 1)).raw("\" x2=\"").raw(fixed(x, 1)).raw("\" y1=\"").raw(fixed(y0, 0));
        h.raw("\" y2=\"").raw(fixed(y0 + 3, 0)).raw("\"/>");
        const auto hour = ((start_s + static_cast<std::int64_t>(t)) % 86400 + 86400) % 86400 / 3600;
        if (day_px < 96 || hour == 0 || x > label_w + plot_w - 12) continue;
        char label[8];
        std::snprintf(label, sizeof label, "%02d", static_cast<int>(hour));
        h.raw("<text class=\"ax hr\" x=\"").raw(fixed(x, 1)).raw("\" y=\"").raw(fixed(y0 + 12, 0)).raw("\">").raw(label).raw("</text>");
      }
    int k = 0;
    for (double t = static_cast<double>(spec.start == kNoTime ? 0 : first_midnight); t < span; t += day, ++k) {
      const double x = label_w + plot_w * t / span;
      h.raw("<line class=\"day\" x1=\"").raw(fixed(x, 1)).raw("\" x2=\"").raw(fixed(x, 1)).raw("\" y1=\"").raw(fixed(top_pad, 0));
      h.raw("\" y2=\"").raw(fixed(y0 + 6, 0)).raw("\"/>");
      if (label_every == 0 || k % label_every != 0 || x > label_w + plot_w - 30) continue;
      std::string text;
      if (spec.start == kNoTime) {
        text = "day " + std::to_string(k + 1);
      } else {
        const std::string iso = format_rfc3339(start + static_cast<Timestamp>(t) * kMicrosPerSecond);
        text = iso.substr(5, 5);  // MM-DD
      }
      h.raw("<text class=\"ax\" x=\"").raw(fixed(x + 2, 1)).raw("\" y=\"").raw(fixed(y0 + 24, 0)).raw("\">").text(text).raw("</text>");
    }
  }
  h.raw("<text class=\"ax\" x=\"").raw(fixed(label_w, 0)).raw("\" y=\"").raw(fixed(total_h - 4, 0)).raw("\">");
  if (spec.start != kNoTime) h.text(format_rfc3339(spec.start)).raw(" (UTC) &rarr; ");
  h.text(format_number(days)).raw(" days (hours of the day above the dates, UTC), one column = ");
  h.n(static_cast<std::uint64_t>(group) * static_cast<std::uint64_t>(spec.bucket_seconds) / 60).raw(" min</text>");
  h.raw("</svg><figcaption>").n(height).raw(" accounts (the riskiest with activity), ordered by how closely each "
                                           "follows the group's shared rhythm; each row scaled to its own peak. Vertical "
                                           "stripes through the top rows = accounts active in lock-step. Hover a row "
                                           "label for the full id.</figcaption></figure>\n");
}

const char* kind_name(NodeKind k) {
  switch (k) {
    case NodeKind::Account: return "account";
    case NodeKind::PaymentMethod: return "payment_method";
    case NodeKind::Ip: return "ip";
    case NodeKind::Proxy: return "proxy";
    case NodeKind::Device: return "device";
    default: return "other";
  }
}

}  // namespace

Section build_section(const RunFolder& r, const Community& c, std::size_t rank, const std::string& run_dir,
                      const ReportOptions& o) {
  Section sec;
  Html t;
  t.raw("<template id=\"t-").n(c.id).raw("\">");
  write_explanation(t, c, rank);
  t.raw("<div class=\"row\">");
  write_signal_bars(t, r, c);
  t.raw("</div></template>\n");

  std::string& js = sec.json;
  js = "{\"id\":" + std::to_string(c.id) + ",\"rank\":" + std::to_string(rank);
  const std::string path = run_dir + "/suspects/community-" + std::to_string(c.id) + ".json";
  if (!file_exists(path)) {
    js += ",\"missing\":true,\"members\":[],\"entities\":[]}";
    t.raw("<template id=\"h-").n(c.id).raw("\"><p class=\"none\">No subgraph file (suspects/community-").n(c.id);
    t.raw(".json) in the run folder: no graph, members or heatmap.</p></template>\n");
    sec.templates = std::move(t.out);
    return sec;
  }
  LoadOptions lo;
  lo.threads = 1;  // sections are built in parallel already
  const Snapshot sub = load_snapshot(path, lo);
  const NodeId n = sub.num_nodes();
  std::vector<double> risk(n, 0.0);
  std::vector<const AccountRow*> row_of(n, nullptr);
  std::vector<NodeId> accounts, entities;
  for (NodeId v = 0; v < n; ++v) {
    if (sub.kind(v) != NodeKind::Account) {
      entities.push_back(v);
      continue;
    }
    const auto it = r.accounts.find(std::string(sub.node_id(v)));
    if (it != r.accounts.end()) {
      risk[v] = it->second.risk;
      row_of[v] = &it->second;
    }
    accounts.push_back(v);
  }
  std::sort(accounts.begin(), accounts.end(), [&](NodeId a, NodeId b) {
    if (risk[a] != risk[b]) return risk[a] > risk[b];
    return sub.node_id(a) < sub.node_id(b);
  });
  // Per node: distinct neighbours; per entity: its accounts and the flagged ones.
  std::vector<std::uint32_t> degree(n, 0), flagged(n, 0);
  {
    std::vector<std::pair<NodeId, NodeId>> pairs;
    pairs.reserve(sub.num_edges());
    for (EdgeId e = 0; e < sub.num_edges(); ++e) {
      NodeId a = sub.edge_src(e), b = sub.edge_dst(e);
      if (a > b) std::swap(a, b);
      pairs.emplace_back(a, b);
    }
    std::sort(pairs.begin(), pairs.end());
    pairs.erase(std::unique(pairs.begin(), pairs.end()), pairs.end());
    for (const auto& [a, b] : pairs) {
      ++degree[a];
      ++degree[b];
      const bool acc_a = sub.kind(a) == NodeKind::Account, acc_b = sub.kind(b) == NodeKind::Account;
      if (acc_a && !acc_b && row_of[a] != nullptr && row_of[a]->suspect) ++flagged[b];
      if (acc_b && !acc_a && row_of[b] != nullptr && row_of[b]->suspect) ++flagged[a];
    }
  }
  std::vector<std::uint32_t> acc_of(n, 0);  // an entity's accounts
  {
    std::vector<std::pair<NodeId, NodeId>> links;  // (entity, account), distinct
    for (EdgeId e = 0; e < sub.num_edges(); ++e) {
      const NodeId a = sub.edge_src(e), b = sub.edge_dst(e);
      const bool acc_a = sub.kind(a) == NodeKind::Account, acc_b = sub.kind(b) == NodeKind::Account;
      if (acc_a != acc_b) links.emplace_back(acc_a ? b : a, acc_a ? a : b);
    }
    std::sort(links.begin(), links.end());
    links.erase(std::unique(links.begin(), links.end()), links.end());
    for (const auto& [ent, acc] : links) ++acc_of[ent];
  }
  std::sort(entities.begin(), entities.end(), [&](NodeId a, NodeId b) {
    if (acc_of[a] != acc_of[b]) return acc_of[a] > acc_of[b];
    return sub.node_id(a) < sub.node_id(b);
  });

  // --- members: [id, risk, suspect, family, label, created, requests, entities, pagerank, core, hydra_id]
  const std::size_t listed = o.top_accounts == 0 ? accounts.size() : std::min<std::size_t>(accounts.size(), o.top_accounts);
  std::vector<std::int64_t> member_index(n, -1), entity_index(n, -1);
  js += ",\"accounts_total\":" + std::to_string(accounts.size()) + ",\"members\":[";
  for (std::size_t i = 0; i < listed; ++i) {
    const NodeId v = accounts[i];
    member_index[v] = static_cast<std::int64_t>(i);
    const AccountRow* a = row_of[v];
    js += i ? ",[" : "[";
    json_str(js, sub.node_id(v));
    js += ',';
    append_json_number(js, risk[v]);
    js += a != nullptr && a->suspect ? ",1," : ",0,";
    json_str(js, a != nullptr ? a->family : std::string());
    js += ',';
    json_str(js, sub.label(v) == Label::Unknown ? std::string_view() : to_string(sub.label(v)));
    js += ',';
    json_str(js, sub.created_at(v) == kNoTime ? std::string() : format_rfc3339(sub.created_at(v)));
    js += ',';
    append_json_number(js, sub.activity_total(v), 3);
    js += ',' + std::to_string(degree[v]) + ',';
    if (a != nullptr && std::isfinite(a->pagerank)) {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%.4g", a->pagerank);
      js += buf;
    } else {
      js += "null";
    }
    js += ',';
    js += a != nullptr && a->core >= 0 ? std::to_string(a->core) : std::string("null");
    js += ',';
    json_str(js, a != nullptr ? a->hydra_id : std::string());
    js += ']';
  }
  // --- entities: [id, type, accounts, flagged]
  js += "],\"entities\":[";
  for (std::size_t i = 0; i < entities.size(); ++i) {
    const NodeId v = entities[i];
    entity_index[v] = static_cast<std::int64_t>(i);
    js += i ? ",[" : "[";
    json_str(js, sub.node_id(v));
    js += ',';
    json_str(js, sub.node_type(v));
    js += ',' + std::to_string(acc_of[v]) + ',' + std::to_string(flagged[v]) + ']';
    sec.entity_ids.emplace_back(sub.node_id(v));
  }
  js += ']';

  // --- the graph: the drawn nodes (sampled when big) with their positions.
  const DrawnSubgraph d = sample_subgraph(sub, risk, o.graph_accounts, o.graph_entities);
  std::vector<std::uint32_t> local(n, UINT32_MAX);
  for (std::uint32_t i = 0; i < d.nodes.size(); ++i) local[d.nodes[i]] = i;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> edges;
  for (EdgeId e : d.edges) {
    std::uint32_t a = local[sub.edge_src(e)], b = local[sub.edge_dst(e)];
    if (a > b) std::swap(a, b);
    edges.emplace_back(a, b);
  }
  std::sort(edges.begin(), edges.end());
  edges.erase(std::unique(edges.begin(), edges.end()), edges.end());  // parallel edges of several types: one line
  const auto pos = layout_graph(static_cast<std::uint32_t>(d.nodes.size()), edges, 1000, 750, 20,
                                o.seed ^ (std::uint64_t{c.id} * 0x9E3779B97F4A7C15ull));
  const std::size_t drawn_edges = std::min<std::size_t>(edges.size(), o.graph_edges);
  js += ",\"graph\":{\"accounts\":" + std::to_string(d.accounts_total) + ",\"accounts_shown\":" +
        std::to_string(d.accounts_shown) + ",\"entities\":" + std::to_string(d.entities_total) +
        ",\"entities_shown\":" + std::to_string(d.entities_shown) + ",\"edges_total\":" + std::to_string(edges.size()) +
        ",\"edges_shown\":" + std::to_string(drawn_edges) + ",\"nodes\":[";
  // [0, member row, x, y] for accounts (or [0, -1, x, y, id, kind] when not listed), [1, entity row, x, y]
  for (std::uint32_t i = 0; i < d.nodes.size(); ++i) {
    const NodeId v = d.nodes[i];
    const bool acc = sub.kind(v) == NodeKind::Account;
    const std::int64_t ref = acc ? member_index[v] : entity_index[v];
    js += i ? ",[" : "[";
    js += acc ? "0," : "1,";
    js += std::to_string(ref) + ',' + std::to_string(std::llround(pos[i].x)) + ',' + std::to_string(std::llround(pos[i].y));
    if (ref < 0) {
      js += ',';
      json_str(js, sub.node_id(v));
      js += ",\"";
      js += kind_name(sub.kind(v));
      js += '"';
    }
    js += ']';
  }
  js += "],\"edges\":[";
  for (std::size_t i = 0; i < drawn_edges; ++i) {
    js += i ? ",[" : "[";
    js += std::to_string(edges[i].first) + ',' + std::to_string(edges[i].second) + ']';
  }
  js += "]}}";

  t.raw("<template id=\"h-").n(c.id).raw("\">");
  write_heatmap(t, sub, accounts, o);
  t.raw("</template>\n");
  sec.templates = std::move(t.out);
  return sec;
}

}  // namespace hydrascope::rpt
