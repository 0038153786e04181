// The HTML report: escaping for text, attributes and <script> JSON; the
// layout (deterministic, finite, inside the box, no shared points); sampling
// of big communities; the page built from a hostile run folder (a section per
// suspect community, every payload escaped, same bytes twice); bad run
// folders; and `hydrascope run --report` / `hydrascope report` giving the same page.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <set>
#include <string>

#include "export/export_test_util.hpp"
#include "hydrascope/error.hpp"
#include "hydrascope/report.hpp"
#include "report/hostile_run.hpp"
#include "report/many_run.hpp"
#include "report/regex.hpp"

namespace hydrascope {
namespace {

namespace fs = std::filesystem;
using testing::read_all;

std::size_t count(const std::string& s, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t p = s.find(what); p != std::string::npos; p = s.find(what, p + what.size())) ++n;
  return n;
}

// --- escaping -----------------------------------------------------------------------

TEST(ReportEscape, HtmlEscapesMarkupAndKeepsText) {
  EXPECT_EQ(html_escape("<script>alert(\"x\")</script>"), "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;");
  EXPECT_EQ(html_escape("a'b&c"), "a&#39;b&amp;c");
  EXPECT_EQ(html_escape("\"><img src=x onerror=y>"), "&quot;&gt;&lt;img src=x onerror=y&gt;");
  // CJK, emoji and right-to-left text are kept as they are.
  const std::string text = "\xE4\xB8\xAD\xE6\x96\x87 \xF0\x9F\x90\x8D \xD8\xAD\xD8\xB3\xD8\xA7\xD8\xA8 \xE2\x80\xAE";
  EXPECT_EQ(html_escape(text), text);
  // Tab and LF stay; other controls, DEL and invalid UTF-8 become U+FFFD.
  EXPECT_EQ(html_escape("a\tb\nc"), "a\tb\nc");
  EXPECT_EQ(html_escape(std::string("a\0b", 3)), "a\xEF\xBF\xBD" "b");
  EXPECT_EQ(html_escape("\x1b[31m\x7f"), "\xEF\xBF\xBD[31m\xEF\xBF\xBD");
  EXPECT_EQ(html_escape("\xC0\xAF"), "\xEF\xBF\xBD\xEF\xBF\xBD");          // overlong '/'
  EXPECT_EQ(html_escape("\xED\xA0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // a surrogate
  EXPECT_EQ(html_escape("\xE4\xB8"), "\xEF\xBF\xBD\xEF\xBF\xBD");          // cut short
  EXPECT_EQ(html_escape(""), "");
}

std::string script_json(std::string_view s) {
  std::string out;
  append_script_json_string(out, s);
  return out;
}

TEST(ReportEscape, ScriptJsonCannotCloseTheScript) {
  EXPECT_EQ(script_json("</script><!--"), "\"\\u003c/script\\u003e\\u003c!--\"");
  EXPECT_EQ(script_json("a&b"), "\"a\\u0026b\"");
  EXPECT_EQ(script_json("\xE2\x80\xA8\xE2\x80\xA9"), "\"\\u2028\\u2029\"");
  EXPECT_EQ(script_json("q\"b\\n\n\t\x01"), "\"q\\\"b\\\\n\\n\\t\\u0001\"");
  EXPECT_EQ(script_json("\xFF"), "\"\\ufffd\"");
  // Every hostile name parses back to itself as JSON.
  for (const auto& [from, to] : testing::hostile_names()) {
    const std::string j = script_json(to);
    EXPECT_EQ(j.find('<'), std::string::npos);
    EXPECT_EQ(j.find('>'), std::string::npos);
    rapidjson::Document d;
    d.Parse(j.data(), j.size());
    ASSERT_FALSE(d.HasParseError()) << j;
    EXPECT_EQ(std::string(d.GetString(), d.GetStringLength()), to);
  }
}

// --- layout -------------------------------------------------------------------------------

using Edges = std::vector<std::pair<std::uint32_t, std::uint32_t>>;

void expect_valid(const std::vector<LayoutPoint>& pos, double w, double h, double margin) {
  std::set<std::pair<double, double>> seen;
  for (const auto& p : pos) {
    ASSERT_TRUE(std::isfinite(p.x) && std::isfinite(p.y));
    EXPECT_GE(p.x, margin);
    EXPECT_LE(p.x, w - margin);
    EXPECT_GE(p.y, margin);
    EXPECT_LE(p.y, h - margin);
    EXPECT_TRUE(seen.insert({p.x, p.y}).second) << "two nodes at " << p.x << "," << p.y;
  }
}

TEST(ReportLayout, DeterministicFiniteInsideAndDistinct) {
  // A star of 3 hubs with 60 leaves, plus isolated nodes and a separate pair.
  Edges edges;
  for (std::uint32_t i = 3; i < 63; ++i) edges.emplace_back(i % 3, i);
  edges.emplace_back(63, 64);
  const std::uint32_t n = 70;
  const auto a = layout_graph(n, edges, 560, 420, 14, 42);
  const auto b = layout_graph(n, edges, 560, 420, 14, 42);
  ASSERT_EQ(a.size(), n);
  for (std::uint32_t v = 0; v < n; ++v) {
    EXPECT_EQ(a[v].x, b[v].x);
    EXPECT_EQ(a[v].y, b[v].y);
  }
  expect_valid(a, 560, 420, 14);
  // The layout uses the box (not a clump) and a different seed moves nodes.
  double lx = 1e9, hx = -1e9;
  for (const auto& p : a) {
    lx = std::min(lx, p.x);
    hx = std::max(hx, p.x);
  }
  EXPECT_GT(hx - lx, 400);
  const auto c = layout_graph(n, edges, 560, 420, 14, 43);
  int moved = 0;
  for (std::uint32_t v = 0; v < n; ++v) moved += a[v].x != c[v].x || a[v].y != c[v].y;
  EXPECT_GT(moved, 0);
}

TEST(ReportLayout, EdgeCasesAndErrors) {
  EXPECT_TRUE(layout_graph(0, {}, 100, 100, 10, 1).empty());
  const auto one = layout_graph(1, {}, 100, 80, 10, 1);
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(one[0].x, 50);
  EXPECT_EQ(one[0].y, 40);
  // No edges at all, and many nodes in a small box: still distinct points.
  expect_valid(layout_graph(300, {}, 60, 60, 5, 9), 60, 60, 5);
  // A complete graph whose nodes all attract each other.
  Edges k;
  for (std::uint32_t i = 0; i < 12; ++i)
    for (std::uint32_t j = i + 1; j < 12; ++j) k.emplace_back(i, j);
  expect_valid(layout_graph(12, k, 200, 200, 10, 3), 200, 200, 10);
  const Edges bad = {{0, 5}};
  EXPECT_THROW((void)layout_graph(3, bad, 100, 100, 10, 1), std::invalid_argument);
  EXPECT_THROW((void)layout_graph(3, {}, 20, 100, 10, 1), std::invalid_argument);
}

// --- sampling ---------------------------------------------------------------------------------

// accounts a0..a{n-1}; each uses pm:{i % payments} and ip:{i % ips}.
Snapshot star_world(int accounts, int payments, int ips) {
  SnapshotBuilder b("sample");
  RecordRef ref;
  for (int i = 0; i < payments; ++i) b.add_node(ref, "pm:" + std::to_string(i), "payment_method", Label::Unknown, kNoTime, {}, nullptr);
  for (int i = 0; i < ips; ++i) b.add_node(ref, "ip:" + std::to_string(i), "ip", Label::Unknown, kNoTime, {}, nullptr);
  for (int i = 0; i < accounts; ++i) {
    const std::string a = "a" + std::to_string(i);
    b.add_node(ref, a, "account", Label::Unknown, kNoTime, {}, nullptr);
    b.add_edge(ref, a, "pm:" + std::to_string(i % payments), "paid_with", 1, kNoTime, kNoTime);
    b.add_edge(ref, a, "ip:" + std::to_string(i % ips), "uses_ip", 1, kNoTime, kNoTime);
  }
  return b.finish();
}

TEST(ReportSample, SmallCommunityDrawnWhole) {
  const Snapshot s = star_world(20, 2, 5);
  const DrawnSubgraph d = sample_subgraph(s, {}, 50, 25);
  EXPECT_EQ(d.nodes.size(), s.num_nodes());
  EXPECT_EQ(d.edges.size(), s.num_edges());
  EXPECT_EQ(d.accounts_shown, 20u);
  EXPECT_EQ(d.accounts_total, 20u);
  EXPECT_EQ(d.entities_shown, 7u);
}

TEST(ReportSample, BigCommunitySampledDeterministically) {
  const Snapshot s = star_world(3000, 3, 400);
  std::vector<double> risk(s.num_nodes(), 0.1);
  const NodeId riskiest = s.find_node("a2999");
  risk[riskiest] = 0.99;
  const DrawnSubgraph d = sample_subgraph(s, risk, 40, 20);
  EXPECT_EQ(d.accounts_total, 3000u);
  EXPECT_EQ(d.accounts_shown, 40u);
  EXPECT_EQ(d.entities_total, 403u);
  EXPECT_EQ(d.entities_shown, 20u);
  EXPECT_EQ(d.nodes.size(), 60u);
  EXPECT_TRUE(std::is_sorted(d.nodes.begin(), d.nodes.end()));
  // The riskiest account and the most used entities (the 3 payment methods) are drawn.
  EXPECT_TRUE(std::binary_search(d.nodes.begin(), d.nodes.end(), riskiest));
  for (int i = 0; i < 3; ++i)
    EXPECT_TRUE(std::binary_search(d.nodes.begin(), d.nodes.end(), s.find_node("pm:" + std::to_string(i))));
  // Edges only among drawn nodes; every drawn account keeps its card edge.
  for (EdgeId e : d.edges) {
    EXPECT_TRUE(std::binary_search(d.nodes.begin(), d.nodes.end(), s.edge_src(e)));
    EXPECT_TRUE(std::binary_search(d.nodes.begin(), d.nodes.end(), s.edge_dst(e)));
  }
  EXPECT_GE(d.edges.size(), 40u);
  const DrawnSubgraph again = sample_subgraph(s, risk, 40, 20);
  EXPECT_EQ(again.nodes, d.nodes);
  EXPECT_EQ(again.edges, d.edges);
}

// --- the page ----------------------------------------------------------------------------------

// The page's data block (#hs-data), parsed.
rapidjson::Document page_data(const std::string& html) {
  const std::string open = "<script type=\"application/json\" id=\"hs-data\">";
  const auto a = html.find(open);
  rapidjson::Document d;
  if (a == std::string::npos) return d;
  const auto b = html.find("</script>", a);
  const std::string json = html.substr(a + open.size(), b - a - open.size());
  EXPECT_EQ(json.find('<'), std::string::npos) << "a '<' in the data block";
  d.Parse(json.data(), json.size());
  EXPECT_FALSE(d.HasParseError()) << d.GetErrorOffset();
  return d;
}

// The page without the bodies of its script elements: the markup only.
std::string markup_of(const std::string& html) {
  std::string out;
  std::size_t p = 0;
  while (true) {
    const auto a = html.find("<script", p);
    if (a == std::string::npos) break;
    const auto gt = html.find('>', a);
    const auto b = html.find("</script>", gt);
    out.append(html, p, gt + 1 - p);
    p = b;
  }
  out.append(html, p, std::string::npos);
  return out;
}

TEST(ReportBuild, HostileRunSectionsAndEscaping) {
  const std::string dir = testing::fresh_dir("report-hostile");
  const std::size_t suspects = testing::make_hostile_run(dir);
  ASSERT_GE(suspects, 1u);
  ReportSummary summary;
  const std::string html = build_report_html(dir, {}, &summary);
  EXPECT_EQ(summary.suspect_communities, suspects);
  EXPECT_EQ(summary.sections, suspects);
  EXPECT_EQ(summary.bytes, html.size());
  // The data: one ranking entry and one section per suspect community, each
  // section with its members (all of them by default), entities (one
  // row of links each), graph nodes and edges.
  const rapidjson::Document d = page_data(html);
  ASSERT_TRUE(d.IsObject());
  ASSERT_EQ(d["communities"].Size(), suspects);
  ASSERT_EQ(d["sections"].Size(), suspects);
  for (const auto& s : d["sections"].GetArray()) {
    EXPECT_GT(s["members"].Size(), 0u);
    EXPECT_EQ(s["members"].Size(), s["accounts_total"].GetUint());
    EXPECT_GT(s["entities"].Size(), 0u);
    EXPECT_EQ(s["entity_links"].Size(), s["entities"].Size());
    EXPECT_GT(s["graph"]["nodes"].Size(), 0u);
    ASSERT_TRUE(s["graph"]["edges"].IsArray());  // one key "edges" (the count is edges_total)
    EXPECT_GT(s["graph"]["edges"].Size(), 0u);
    EXPECT_LE(s["graph"]["edges"].Size(), s["graph"]["edges_total"].GetUint());
    EXPECT_EQ(s["graph"]["edges"].Size(), s["graph"]["edges_shown"].GetUint());
    for (const auto& e : s["entities"].GetArray()) EXPECT_LE(e[3].GetUint(), e[2].GetUint());  // flagged <= accounts
  }
  // Static markup per section (cloned by the script): explanation and
  // evidence (two bar tables), and the heatmap.
  EXPECT_EQ(count(html, "<template id=\"t-"), suspects);
  EXPECT_EQ(count(html, "<template id=\"h-"), suspects);
  EXPECT_EQ(count(html, "<table class=\"bartable\">"), 2 * suspects);  // families, key features
  EXPECT_EQ(count(html, "<figure class=\"heatmap\">"), suspects);
  // The workbench: search box, filters, ranking and detail.
  for (const char* id : {"id=\"search\"", "id=\"f-risk\"", "id=\"f-signal\"", "id=\"f-min\"", "id=\"f-max\"",
                         "id=\"f-event\"", "id=\"ranking\"", "id=\"detail\""})
    EXPECT_EQ(count(html, id), 1u) << id;
  // Exactly our three script elements (data, graph library, our script);
  // no payload markup survives anywhere outside them, and the data block has no '<'.
  EXPECT_EQ(count(html, "<script"), 3u);
  EXPECT_EQ(count(html, "</script>"), 3u);
  const std::string markup = markup_of(html);
  for (const char* bad : {"<img", "<svg onload", "<iframe", "<b>relay", "<i>option", "<!--", "<pwned"})
    EXPECT_EQ(markup.find(bad), std::string::npos) << bad;
  // Payloads appear as escaped text (markup) or as JSON escapes (data).
  EXPECT_NE(markup.find("a:&lt;script&gt;document.documentElement.setAttribute(&#39;data-pwned&#39;"), std::string::npos);
  EXPECT_NE(markup.find("a:&quot;&gt;&lt;img src=x onerror=&quot;"), std::string::npos);
  EXPECT_NE(markup.find("back\\slash\\\\ &amp; amp;&amp;lt;"), std::string::npos);
  EXPECT_NE(html.find("\xE4\xB8\xAD\xE6\x96\x87\xE8\xB4\xA6\xE6\x88\xB7 \xF0\x9F\x90\x8D"), std::string::npos);
  EXPECT_NE(html.find("\\u003c/script\\u003e\\u003cscript\\u003e"), std::string::npos);  // the input path in JSON
  EXPECT_NE(html.find("\"a:\\u003cscript\\u003edocument.documentElement"), std::string::npos);  // an account id in JSON
  EXPECT_NE(html.find("\\u2028"), std::string::npos);
  // Every element the markup has is one we write.
  std::set<std::string> tags;
  const std::regex tag("<([a-zA-Z][a-zA-Z0-9]*)");
  for (auto it = std::sregex_iterator(markup.begin(), markup.end(), tag); it != std::sregex_iterator(); ++it)
    tags.insert((*it)[1]);
  const std::set<std::string> ours = {"html", "head", "meta", "title", "style", "script", "body", "div", "header", "h1",
                                      "p", "code", "main", "section", "h2", "details", "summary", "table", "tbody", "tr",
                                      "th", "td", "h3", "thead", "a", "span", "button", "ul", "li", "h4", "figure",
                                      "svg", "title", "text", "figcaption", "image", "line", "footer", "noscript",
                                      "input", "label", "select", "option", "template", "strong"};
  for (const auto& t : tags) EXPECT_TRUE(ours.count(t) != 0) << "unexpected element <" << t << ">";
  // Same folder => same bytes.
  EXPECT_EQ(build_report_html(dir), html);
}

TEST(ReportBuild, SectionCapMembersCapAndLighterTail) {
  const std::string dir = testing::fresh_dir("report-cap");
  (void)testing::make_many_run(dir, 5);
  ReportOptions o;
  o.max_communities = 3;
  o.top_accounts = 4;
  o.graph_accounts = 8;
  o.full_detail = 2;  // sections ranked 3rd and below get half the graph caps
  ReportSummary summary;
  const std::string html = build_report_html(dir, o, &summary);
  EXPECT_EQ(summary.suspect_communities, 5u);
  EXPECT_EQ(summary.sections, 3u);
  EXPECT_EQ(count(html, "<template id=\"t-"), 3u);
  const rapidjson::Document d = page_data(html);
  ASSERT_TRUE(d.IsObject());
  EXPECT_EQ(d["communities"].Size(), 5u);  // the ranking still lists every suspect
  ASSERT_EQ(d["sections"].Size(), 3u);
  EXPECT_EQ(count(html, "\"section\":-1"), 2u);
  for (const auto& s : d["sections"].GetArray()) {
    EXPECT_EQ(s["members"].Size(), 4u);  // --members 4 of 12, the riskiest first
    EXPECT_EQ(s["accounts_total"].GetUint(), 12u);
  }
  EXPECT_EQ(d["sections"][0]["graph"]["accounts_shown"].GetUint(), 8u);
  EXPECT_EQ(d["sections"][1]["graph"]["accounts_shown"].GetUint(), 8u);
  EXPECT_EQ(d["sections"][2]["graph"]["accounts_shown"].GetUint(), 4u);
  o.graph_accounts = 0;
  EXPECT_THROW((void)build_report_html(dir, o), std::invalid_argument);
}

// Communities that share an entity are linked both ways; each entity row
// counts its accounts and the flagged ones (many_run: community k's card
// is used by all 12 of its accounts, all flagged; communities 2j-1 and 2j
// share "ip:shared-j" through their even-numbered accounts).
TEST(ReportBuild, SharedEntitiesAndLinks) {
  const std::string dir = testing::fresh_dir("report-links");
  (void)testing::make_many_run(dir, 6);
  const std::string html = build_report_html(dir);
  const rapidjson::Document d = page_data(html);
  ASSERT_TRUE(d.IsObject());
  ASSERT_EQ(d["sections"].Size(), 6u);
  std::map<std::uint32_t, const rapidjson::Value*> by_id;
  for (const auto& s : d["sections"].GetArray()) by_id[s["id"].GetUint()] = &s;
  for (std::uint32_t id = 1; id <= 6; ++id) {
    const rapidjson::Value& s = *by_id.at(id);
    const std::uint32_t partner = (id - 1) % 2 == 0 ? id + 1 : id - 1;  // shares ip:shared-((id-1)/2)
    ASSERT_EQ(s["links"].Size(), 1u) << id;
    EXPECT_EQ(s["links"][0][0].GetUint(), partner);
    EXPECT_EQ(s["links"][0][1].GetUint(), 1u);
    bool card = false, shared = false;
    for (rapidjson::SizeType i = 0; i < s["entities"].Size(); ++i) {
      const auto& e = s["entities"][i];
      const std::string eid = e[0].GetString();
      if (eid == "pm:" + std::to_string(id)) {
        card = true;
        EXPECT_STREQ(e[1].GetString(), "payment_method");
        EXPECT_EQ(e[2].GetUint(), 12u);
        EXPECT_EQ(e[3].GetUint(), 12u);
        EXPECT_EQ(s["entity_links"][i].Size(), 0u);
      }
      if (eid == "ip:shared-" + std::to_string((id - 1) / 2)) {
        shared = true;
        EXPECT_EQ(e[2].GetUint(), 6u);
        ASSERT_EQ(s["entity_links"][i].Size(), 1u);
        EXPECT_EQ(s["entity_links"][i][0].GetUint(), partner);
      }
    }
    EXPECT_TRUE(card && shared) << id;
    EXPECT_EQ(s["members"].Size(), 12u);
  }
  // The ranking entry counts the linked communities.
  for (const auto& c : d["communities"].GetArray()) EXPECT_EQ(c["links"].GetUint(), 1u);
}

TEST(ReportBuild, BadRunFolderNamesTheFile) {
  const std::string dir = testing::fresh_dir("report-bad");
  testing::make_hostile_run(dir);
  fs::remove(dir + "/communities.json");
  try {
    (void)build_report_html(dir);
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("communities.json"), std::string::npos) << e.what();
  }
  {
    std::ofstream(dir + "/communities.json") << "{\"format\":\"hydrascope.communities\",\"ranking\":[1,";
  }
  try {
    (void)build_report_html(dir);
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("communities.json"), std::string::npos) << e.what();
    EXPECT_NE(e.where().byte_offset, kNoPosition);
  }
  {
    std::ofstream(dir + "/communities.json") << "{\"format\":\"hydrascope.communities\",\"ranking\":[5],\"communities\":[]}";
  }
  EXPECT_THROW((void)build_report_html(dir), InputError);
  EXPECT_THROW((void)build_report_html(dir + "/missing"), InputError);
  // accounts.csv: the line of a bad row is named (a quoted id spans two lines).
  {
    const std::string good = testing::fresh_dir("report-bad-csv");
    testing::make_hostile_run(good);
    std::ofstream(good + "/accounts.csv") << "account_id,community_id,risk_score\n\"a\nb\",0,0.5\nc,zero,0.1\n";
    try {
      (void)build_report_html(good);
      FAIL() << "no error";
    } catch (const InputError& e) {
      EXPECT_EQ(e.where().line, 4u) << e.what();
      EXPECT_EQ(e.where().field, "community_id") << e.what();
    }
  }
  // A failed write leaves no file.
  EXPECT_THROW((void)write_report(dir, dir + "/r.html"), InputError);
  EXPECT_FALSE(fs::exists(dir + "/r.html"));
}

TEST(ReportCli, RunReportEqualsReportCommand) {
  const std::string dir = testing::fresh_dir("report-cli");
  const std::string bin = HYDRASCOPE_TEST_BINARY;
  const std::string snap = std::string(HYDRASCOPE_TEST_DATASETS) + "/sample/snapshot.json.gz";
  ASSERT_TRUE(fs::exists(snap));
  ASSERT_EQ(std::system((bin + " -q run " + snap + " --out " + dir + "/run --show 0 --report > /dev/null").c_str()), 0);
  ASSERT_TRUE(fs::exists(dir + "/run/report.html"));
  EXPECT_NE(read_all(dir + "/run/run.json").find("\"report.html\""), std::string::npos);
  ASSERT_EQ(std::system((bin + " -q report --run " + dir + "/run --out " + dir + "/again.html").c_str()), 0);
  EXPECT_EQ(read_all(dir + "/again.html"), read_all(dir + "/run/report.html"));
  // --report FILE outside the folder; a bad option is a usage error before any work.
  ASSERT_EQ(std::system((bin + " -q run " + snap + " --out " + dir + "/run2 --show 0 --report " + dir + "/out.html > /dev/null").c_str()), 0);
  EXPECT_EQ(read_all(dir + "/out.html"), read_all(dir + "/run/report.html"));
  EXPECT_EQ(WEXITSTATUS(std::system((bin + " -q report --run " + dir + "/run --out " + dir + "/x.html --graph-accounts 0 2> /dev/null").c_str())), 2);
  EXPECT_EQ(WEXITSTATUS(std::system((bin + " -q report --run " + dir + "/nothing --out " + dir + "/x.html 2> /dev/null").c_str())), 1);
  EXPECT_FALSE(fs::exists(dir + "/x.html"));
}

}  // namespace
}  // namespace hydrascope
