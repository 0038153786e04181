// Subgraph exports: file names from hostile ids stay inside the output
// folder; every format escapes a fixture full of hostile strings and is read
// back equal (the snapshot JSON and CSV pair by hydrascope, GraphML by
// networkx and igraph, GEXF 1.2 by networkx and igraph, GEXF 1.3 by an XML
// parser, DOT by Graphviz, Neo4j by the import's rules); selections are
// bounded on hubs; `run --export` and `export --run` write the same bytes; a
// big community's DOT drawing is not a strip; several communities make one
// Neo4j import without duplicate ids; bad input and options give clear errors.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "export/export_test_util.hpp"
#include "hydrascope/export.hpp"
#include "hydrascope/graph.hpp"
#include "hydrascope/io.hpp"

namespace hydrascope {
namespace {

namespace fs = std::filesystem;

std::string tmp_dir(const std::string& name) { return testing::fresh_dir("exportf-" + name); }
using testing::read_all;

int run_cli(const std::string& args, const std::string& out_file = "/dev/null") {
  const std::string cmd = std::string(HYDRASCOPE_TEST_BINARY) + " -q " + args + " > " + out_file + " 2>&1";
  const int rc = std::system(cmd.c_str());
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

bool have_python_tools() {
  return std::system("/usr/bin/python3 -c 'import networkx, igraph' > /dev/null 2>&1") == 0 &&
         std::system("command -v dot > /dev/null 2>&1") == 0;
}

// Runs check_neo4j.py on DIR/neo4j; returns its report ("" when importable).
std::string neo4j_check(const std::string& dir, int subgraphs) {
  const std::string report = dir + "/neo4j.check.txt";
  const std::string cmd = "/usr/bin/python3 " + std::string(HYDRASCOPE_TEST_SOURCE) + "/export/check_neo4j.py '" + dir +
                          "' " + std::to_string(subgraphs) + " > '" + report + "' 2>&1";
  const int rc = std::system(cmd.c_str());
  const std::string text = read_all(report);
  return rc == 0 ? std::string() : (text.empty() ? std::string("check_neo4j.py failed") : text);
}

// Runs check_exports.py on DIR/NAME.*; returns its report ("" when all matched).
std::string python_check(const std::string& dir, const std::string& name) {
  const std::string report = dir + "/" + name + ".check.txt";
  const std::string cmd = "/usr/bin/python3 " + std::string(HYDRASCOPE_TEST_SOURCE) + "/export/check_exports.py '" +
                          dir + "' '" + name + "' > '" + report + "' 2>&1";
  const int rc = std::system(cmd.c_str());
  const std::string text = read_all(report);
  return rc == 0 ? std::string() : (text.empty() ? std::string("check_exports.py failed") : text);
}

// The hostile strings every format must carry as data. The last one is not
// valid UTF-8: the JSON reader rejects it, so only the fixture with
// `invalid_utf8` holds it (XML and DOT must still come out well-formed).
const std::vector<std::string>& hostile_ids(bool invalid_utf8 = false) {
  static const std::vector<std::string> ids = {
      "a:<script>alert(1)</script>",
      "a:\"><img src=x onerror=alert(1)>",
      "a:quote\"and'apos,comma",
      "a:back\\slash\\",
      "a:\xE7\x94\xA8\xE6\x88\xB7-\xE8\xB4\xA6\xE5\x8F\xB7",          // CJK
      "a:\xF0\x9F\x98\x80\xF0\x9F\x94\xA5",                          // emoji
      "a:\xE2\x80\xAE" "evil\xE2\x80\xAC-\xD8\xAD\xD8\xB3\xD8\xA7\xD8\xA8",  // RTL override + Arabic
      "a:" + std::string(300, 'x'),
      "../../etc/x",
      "a:line\nbreak\r\tend",
      "a:ctrl\x01\x1f\x7f-controls",
      "a:&amp;-entity-&#x3c;",
      " a:leading-and-trailing-blank ",
  };
  static const std::vector<std::string> with_invalid = [] {
    auto v = ids;
    v.emplace_back("a:bad-utf8\xff\xfe\xc0\x80\xed\xa0\x80");
    return v;
  }();
  return invalid_utf8 ? with_invalid : ids;
}

// A hostile snapshot: the accounts above sharing a card, an IP and a proxy,
// with hostile attribute keys and values, and edge times.
Snapshot hostile_snapshot(bool invalid_utf8 = false) {
  SnapshotBuilder b("hostile");
  SnapshotMeta meta;
  meta.id = "hostile</description><script>";
  meta.activity.start = 0;
  meta.activity.bucket_seconds = 3600;
  meta.activity.buckets = 4;
  b.set_meta(meta);
  RecordRef ref;
  const std::vector<double> act = {0, 3, 0, 1.5};
  b.add_node(ref, "pm:<card>&\"", "payment_method", Label::Unknown, kNoTime, {}, nullptr);
  std::vector<AttrInput> ipattrs(2);
  ipattrs[0].key = "asn";
  ipattrs[0].type = AttrType::Int;
  ipattrs[0].integer = 64500;
  ipattrs[1].key = "type";  // collides with a built-in column in flat formats
  ipattrs[1].text = "</data><data key=\"type\">pwned";
  b.add_node(ref, "ip:203.0.113.7", "ip", Label::Unknown, kNoTime, ipattrs, nullptr);
  b.add_node(ref, "px:relay \"7\"", "proxy", Label::Unknown, kNoTime, {}, nullptr);
  int i = 0;
  const auto& ids = hostile_ids(invalid_utf8);
  for (const auto& id : ids) {
    std::vector<AttrInput> attrs(3);
    attrs[0].key = "note";
    attrs[0].text = ids[(i + 1) % ids.size()];
    attrs[1].key = "<k ey=\"1\">";
    attrs[1].type = AttrType::Double;
    attrs[1].real = 0.1 * i;
    attrs[2].key = "verified";
    attrs[2].type = AttrType::Bool;
    attrs[2].boolean = (i % 2) == 0;
    b.add_node(ref, id, "account", i % 3 == 0 ? Label::Banned : Label::Unknown,
               1700000000LL * kMicrosPerSecond + i, attrs, &act);
    b.add_edge(ref, id, "pm:<card>&\"", "paid_with", 1, kNoTime, kNoTime);
    b.add_edge(ref, id, "ip:203.0.113.7", "uses_ip\"<>", 120.5, 1700000000LL * kMicrosPerSecond,
               1700003600LL * kMicrosPerSecond);
    b.add_edge(ref, id, "px:relay \"7\"", "via_proxy", 3, kNoTime, kNoTime);
    ++i;
  }
  return b.finish();
}

TEST(ExportNames, StayInsideTheFolder) {
  for (const auto& id : hostile_ids()) {
    const std::string stem = safe_file_stem(id);
    EXPECT_EQ(stem.find('/'), std::string::npos) << stem;
    EXPECT_NE(stem.front(), '.') << stem;
    EXPECT_LE(stem.size(), 64u + 17u) << stem;
    for (char c : stem) EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.');
  }
  EXPECT_EQ(safe_file_stem("a-b_c.d"), "a-b_c.d");  // clean names are kept
  EXPECT_NE(safe_file_stem("a/b"), safe_file_stem("a_b"));  // changed names carry a hash
  EXPECT_NE(safe_file_stem(std::string(300, 'x')), safe_file_stem(std::string(301, 'x')));
  EXPECT_NE(safe_file_stem(".."), "..");
  EXPECT_NE(safe_file_stem(""), "");
}

TEST(ExportFormatsList, ParsesAndRejects) {
  const ExportFormats f = parse_export_formats({"json, GraphML", "gexf,dot", "csv", "neo4j"});
  EXPECT_TRUE(f.json && f.graphml && f.gexf && f.dot && f.csv && f.neo4j);
  EXPECT_FALSE(f.gexf13);  // GEXF 1.2 by default
  EXPECT_TRUE(parse_export_formats({"gexf13"}).gexf13);
  EXPECT_TRUE(parse_export_formats({"GEXF12"}).gexf);
  EXPECT_FALSE(parse_export_formats({}).any());
  EXPECT_THROW((void)parse_export_formats({"json,svg"}), std::invalid_argument);
  EXPECT_THROW((void)parse_export_formats({"gexf,gexf13"}), std::invalid_argument);
}

ExportFormats all_formats() {
  ExportFormats f;
  f.json = f.graphml = f.gexf = f.dot = f.csv = f.neo4j = true;
  return f;
}

TEST(ExportHostile, EveryFormatKeepsStringsAsData) {
  const Snapshot s = hostile_snapshot();
  const Incidence inc = build_incidence(s);
  const std::string dir = tmp_dir("hostile");
  SubgraphSelector select(s, inc);
  const NodeId center = s.find_node("ip:203.0.113.7");
  const Subgraph sub = select.around(center, 2);
  EXPECT_EQ(sub.nodes.size(), s.num_nodes());
  EXPECT_EQ(sub.edges.size(), s.num_edges());
  const auto files = write_subgraph(dir, s, sub, nullptr, all_formats());
  // json, graphml, gexf, dot, and the CSV form: nodes, edges, snapshot, activity, accounts.txt.
  ASSERT_EQ(files.size(), 9u);
  EXPECT_EQ(files[6], sub.name + "/snapshot.csv");
  EXPECT_EQ(files[7], sub.name + "/activity.csv");
  Neo4jImport neo4j(s);
  neo4j.add(sub, nullptr);
  EXPECT_EQ(neo4j.write(dir), (std::vector<std::string>{"neo4j/nodes.csv", "neo4j/relationships.csv",
                                                        "neo4j/subgraphs.csv", "neo4j/members.csv"}));

  // JSON loads back equal (ids, types, labels, attrs, activity, edges).
  const Snapshot back = load_snapshot(dir + "/" + sub.name + ".json");
  back.validate();
  ASSERT_EQ(back.num_nodes(), s.num_nodes());
  ASSERT_EQ(back.num_edges(), s.num_edges());
  for (NodeId v = 0; v < s.num_nodes(); ++v) {
    const NodeId w = back.find_node(s.node_id(v));
    ASSERT_NE(w, kInvalidNode) << s.node_id(v);
    EXPECT_EQ(back.node_type(w), s.node_type(v));
    EXPECT_EQ(back.label(w), s.label(v));
    EXPECT_EQ(back.created_at(w), s.created_at(v));
    ASSERT_EQ(back.attrs(w).size(), s.attrs(v).size());
    for (std::size_t k = 0; k < s.attrs(v).size(); ++k) {
      EXPECT_EQ(back.attr_keys().get(back.attrs(w)[k].key), s.attr_keys().get(s.attrs(v)[k].key));
      if (s.attrs(v)[k].type == AttrType::String) {
        EXPECT_EQ(back.attr_strings().get(back.attrs(w)[k].as_string_id()),
                  s.attr_strings().get(s.attrs(v)[k].as_string_id()));
      }
    }
    EXPECT_EQ(back.activity_total(w), s.activity_total(v));
  }
  EXPECT_EQ(back.meta().activity, s.meta().activity);

  // The CSV pair loads back (attrs named like a built-in column are renamed attr_<key>).
  const Snapshot csv = load_snapshot(dir + "/" + sub.name);
  ASSERT_EQ(csv.num_nodes(), s.num_nodes());
  ASSERT_EQ(csv.num_edges(), s.num_edges());
  for (NodeId v = 0; v < s.num_nodes(); ++v) ASSERT_NE(csv.find_node(s.node_id(v)), kInvalidNode) << s.node_id(v);
  const NodeId ip = csv.find_node("ip:203.0.113.7");
  bool renamed = false;
  for (const Attr& a : csv.attrs(ip))
    if (csv.attr_keys().get(a.key) == "attr_type") {
      renamed = true;
      EXPECT_EQ(csv.attr_strings().get(a.as_string_id()), "</data><data key=\"type\">pwned");
    }
  EXPECT_TRUE(renamed);

  // accounts.txt: one line per account; ids with line breaks as JSON strings.
  const std::string txt = read_all(dir + "/" + sub.name + "/accounts.txt");
  EXPECT_NE(txt.find("\"a:line\\nbreak\\r\tend\"\n"), std::string::npos);
  EXPECT_NE(txt.find("a:<script>alert(1)</script>\n"), std::string::npos);
  EXPECT_EQ(static_cast<std::size_t>(std::count(txt.begin(), txt.end(), '\n')), hostile_ids().size());

  // XML: nothing of the hostile strings survives as markup.
  for (const char* ext : {".graphml", ".gexf"}) {
    const std::string xml = read_all(dir + "/" + sub.name + ext);
    EXPECT_EQ(xml.find("<script>"), std::string::npos) << ext;
    EXPECT_EQ(xml.find("<img"), std::string::npos) << ext;
    EXPECT_EQ(xml.find('\x01'), std::string::npos) << ext;  // XML 1.0 forbids it
    EXPECT_NE(xml.find("&lt;script&gt;"), std::string::npos) << ext;
    EXPECT_NE(xml.find("a:line&#10;break&#13;&#9;end"), std::string::npos) << ext;
  }
  // DOT: quotes and backslashes escaped.
  const std::string dot = read_all(dir + "/" + sub.name + ".dot");
  EXPECT_NE(dot.find("\"a:back\\\\slash\\\\\""), std::string::npos);
  EXPECT_NE(dot.find("\"a:\\\"><img src=x onerror=alert(1)>\""), std::string::npos);
  // Neo4j: RFC 4180 quoting.
  const std::string neo = read_all(dir + "/neo4j/nodes.csv");
  EXPECT_NE(neo.find("\"a:quote\"\"and'apos,comma\""), std::string::npos);
  // The CSV form keeps the activity.
  EXPECT_EQ(load_snapshot(dir + "/" + sub.name).meta().activity, s.meta().activity);

  if (!have_python_tools()) GTEST_SKIP() << "/usr/bin/python3 with networkx and igraph, or dot, not installed";
  EXPECT_EQ(python_check(dir, sub.name), "");
  EXPECT_EQ(neo4j_check(dir, 1), "");
  // The same subgraph in GEXF 1.3 (structure checked, read after renaming the namespace).
  ExportFormats v13;
  v13.json = v13.gexf13 = v13.graphml = v13.dot = true;
  const std::string dir13 = tmp_dir("hostile13");
  (void)write_subgraph(dir13, s, sub, nullptr, v13);
  EXPECT_NE(read_all(dir13 + "/" + sub.name + ".gexf").find("version=\"1.3\""), std::string::npos);
  EXPECT_EQ(python_check(dir13, sub.name), "");
}

TEST(ExportHostile, InvalidUtf8StaysWellFormedXmlAndDot) {
  const Snapshot s = hostile_snapshot(true);
  const Incidence inc = build_incidence(s);
  const std::string dir = tmp_dir("badutf8");
  SubgraphSelector select(s, inc);
  const Subgraph sub = select.around(s.find_node("ip:203.0.113.7"), 2);
  ExportFormats f;
  f.json = f.graphml = f.gexf = f.dot = true;
  (void)write_subgraph(dir, s, sub, nullptr, f);
  std::set<std::string> ids;
  for (const char* ext : {".graphml", ".gexf", ".dot"}) {
    const std::string text = read_all(dir + "/" + sub.name + ext);
    EXPECT_EQ(text.find('\xff'), std::string::npos) << ext;  // replaced by U+FFFD
    EXPECT_NE(text.find("a:bad-utf8\xEF\xBF\xBD"), std::string::npos) << ext;
    EXPECT_NE(text.find("#"), std::string::npos) << ext;  // changed ids carry their hash
  }
  if (!have_python_tools()) GTEST_SKIP() << "/usr/bin/python3 with networkx and igraph, or dot, not installed";
  EXPECT_EQ(python_check(dir, sub.name), "");
}

TEST(ExportHostile, AroundFileNameStaysInside) {
  const Snapshot s = hostile_snapshot();
  const std::string snap = tmp_dir("inside") + "/snap.json";
  write_snapshot(s, snap, WriteOptions{});
  const std::string out = tmp_dir("inside-out");
  ASSERT_EQ(run_cli("export " + snap + " --out " + out + " --export-formats json,csv --around ../../etc/x --hops 1"), 0);
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(out)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  ASSERT_EQ(names.size(), 2u);
  EXPECT_EQ(names[0].rfind("around-", 0), 0u);
  EXPECT_EQ(names[0].find('/'), std::string::npos);
  EXPECT_FALSE(fs::exists(out + "/../../etc/x.json"));
  const Snapshot back = load_snapshot(out + "/" + names[1]);
  EXPECT_NE(back.find_node("../../etc/x"), kInvalidNode);
  EXPECT_EQ(back.num_nodes(), 4u);  // the account and its card, IP and proxy
}

TEST(ExportSelection, HubIsBoundedAndContextAddsNeighbours) {
  // One IP shared by 100,000 accounts; two of them also share a card.
  SnapshotBuilder b("hub");
  RecordRef ref;
  b.add_node(ref, "ip:nat", "ip", Label::Unknown, kNoTime, {}, nullptr);
  b.add_node(ref, "pm:1", "payment_method", Label::Unknown, kNoTime, {}, nullptr);
  for (int i = 0; i < 100000; ++i) {
    const std::string a = "a:" + std::to_string(i);
    b.add_node(ref, a, "account", Label::Unknown, kNoTime, {}, nullptr);
    b.add_edge(ref, a, "ip:nat", "uses_ip", 1, kNoTime, kNoTime);
  }
  b.add_edge(ref, "a:1", "pm:1", "paid_with", 1, kNoTime, kNoTime);
  b.add_edge(ref, "a:2", "pm:1", "paid_with", 1, kNoTime, kNoTime);
  const Snapshot s = b.finish();
  const Incidence inc = build_incidence(s);
  SelectionLimits lim;
  lim.max_degree = 500;
  SubgraphSelector select(s, inc, lim);
  const Subgraph ego = select.around(s.find_node("ip:nat"), 3);
  EXPECT_LE(ego.nodes.size(), 1u + 500u + 500u);
  EXPECT_GT(ego.left_out, 0u);
  // Community {a:1}: context 0 = a:1 + its IP and card; context 1 adds up to 500 accounts per entity.
  const NodeId a1 = s.find_node("a:1");
  const std::vector<NodeId> members{a1};
  const Subgraph c0 = select.community(3, members, 0);
  EXPECT_EQ(c0.nodes.size(), 3u);
  EXPECT_EQ(c0.edges.size(), 2u);
  EXPECT_EQ(c0.name, "community-3");
  const Subgraph c1 = select.community(3, members, 1);
  EXPECT_LE(c1.nodes.size(), 3u + 500u + 1u);
  EXPECT_NE(std::find(c1.nodes.begin(), c1.nodes.end(), s.find_node("a:2")), c1.nodes.end());
  EXPECT_EQ(c1.accounts, members);
  // Same selection twice: same result (the marker array is reset).
  EXPECT_EQ(select.community(3, members, 1).nodes, c1.nodes);
}

// `run --export-formats all` on the sample, then `export --run` of that folder: the
// same bytes; the run's attributes are in every format; tools read them.
// Communities that share entities (a card, an IP): one Neo4j import holds
// every node once; each community is a Subgraph node its members point to,
// and a shared entity points to both.
TEST(ExportNeo4j, SharedEntitiesImportOnce) {
  SnapshotBuilder b("shared");
  RecordRef ref;
  for (const char* e : {"pm:shared", "ip:shared", "ip:a", "ip:b"})
    b.add_node(ref, e, e[0] == 'p' ? "payment_method" : "ip", Label::Unknown, kNoTime, {}, nullptr);
  std::vector<NodeId> a, c;
  for (int i = 0; i < 6; ++i) {
    const std::string id = "a:" + std::to_string(i);
    b.add_node(ref, id, "account", Label::Unknown, kNoTime, {}, nullptr);
    b.add_edge(ref, id, "pm:shared", "paid_with", 1, kNoTime, kNoTime);
    b.add_edge(ref, id, "ip:shared", "uses_ip", 2, kNoTime, kNoTime);
    b.add_edge(ref, id, i < 3 ? "ip:a" : "ip:b", "uses_ip", 3, kNoTime, kNoTime);
  }
  const Snapshot s = b.finish();
  for (int i = 0; i < 6; ++i) (i < 3 ? a : c).push_back(s.find_node("a:" + std::to_string(i)));
  const Incidence inc = build_incidence(s);
  SubgraphSelector select(s, inc);
  const Subgraph first = select.community(1, a, 0), second = select.community(2, c, 0);
  EXPECT_EQ(first.nodes.size(), 6u);  // 3 accounts, the shared card and IP, ip:a
  const std::string dir = tmp_dir("neo4j-shared");
  Neo4jImport neo4j(s);
  neo4j.add(first, nullptr);
  neo4j.add(second, nullptr);
  (void)neo4j.write(dir);
  const std::string nodes = read_all(dir + "/neo4j/nodes.csv");
  EXPECT_EQ(std::count(nodes.begin(), nodes.end(), '\n'), 1 + 10);  // header + 6 accounts + 4 entities, once each
  const std::string members = read_all(dir + "/neo4j/members.csv");
  EXPECT_NE(members.find("pm:shared,community-1,IN_SUBGRAPH\n"), std::string::npos);
  EXPECT_NE(members.find("pm:shared,community-2,IN_SUBGRAPH\n"), std::string::npos);
  EXPECT_NE(members.find("a:0,community-1,MEMBER_OF\n"), std::string::npos);
  const std::string rels = read_all(dir + "/neo4j/relationships.csv");
  EXPECT_EQ(std::count(rels.begin(), rels.end(), '\n'), 1 + 18);
  EXPECT_EQ(read_all(dir + "/neo4j/subgraphs.csv"),
            "name:ID(Subgraph),:LABEL,community:long,accounts:long,nodes:long,edges:long\n"
            "community-1,Subgraph;Community,1,3,6,9\ncommunity-2,Subgraph;Community,2,3,6,9\n");
  if (!have_python_tools()) GTEST_SKIP() << "/usr/bin/python3 not installed";
  EXPECT_EQ(neo4j_check(dir, 2), "");
  // The checker does fail: the per-community folders of before (each with
  // the shared card and IP) collide when imported together.
  std::ofstream(dir + "/neo4j/nodes.csv", std::ios::app) << "pm:shared,PaymentMethod,payment_method,,\n";
  EXPECT_NE(neo4j_check(dir, 2).find("duplicate ID 'pm:shared'"), std::string::npos);
}

// A community of 400 accounts around a few cards and IPs, with suspects among
// them: `dot -Tpng` gives a drawing of sensible proportions (it was a 13,400
// x 251 strip with dot's layered layout) and the suspects are red.
TEST(ExportDot, BigCommunityDrawsAsABlockWithSuspectsColoured) {
  if (std::system("command -v dot > /dev/null 2>&1") != 0) GTEST_SKIP() << "graphviz not installed";
  SnapshotBuilder b("big");
  RecordRef ref;
  for (int k = 0; k < 4; ++k) b.add_node(ref, "pm:" + std::to_string(k), "payment_method", Label::Unknown, kNoTime, {}, nullptr);
  for (int k = 0; k < 12; ++k) b.add_node(ref, "ip:" + std::to_string(k), "ip", Label::Unknown, kNoTime, {}, nullptr);
  for (int i = 0; i < 400; ++i) {
    const std::string id = "a:" + std::to_string(i);
    AttrInput run[] = {{"hydrascope_suspect", AttrType::Bool, {}, 0, 0, i % 5 == 0}};
    b.add_node(ref, id, "account", Label::Unknown, kNoTime, run, nullptr);
    b.add_edge(ref, id, "pm:" + std::to_string(i % 4), "paid_with", 1, kNoTime, kNoTime);
    b.add_edge(ref, id, "ip:" + std::to_string(i % 12), "uses_ip", 1, kNoTime, kNoTime);
  }
  const Snapshot s = b.finish();
  const Incidence inc = build_incidence(s);
  std::vector<NodeId> accounts;
  for (NodeId v = 0; v < s.num_nodes(); ++v)
    if (s.kind(v) == NodeKind::Account) accounts.push_back(v);
  SubgraphSelector select(s, inc);
  const Subgraph sub = select.community(7, accounts, 0);
  ASSERT_EQ(sub.nodes.size(), 416u);
  const std::string dir = tmp_dir("dot-big");
  ExportFormats f;
  f.dot = true;
  (void)write_subgraph(dir, s, sub, nullptr, f);
  const std::string dot = read_all(dir + "/community-7.dot");
  EXPECT_NE(dot.find("layout=sfdp"), std::string::npos);
  EXPECT_NE(dot.find("\"a:0\" [label=\"a:0\", shape=ellipse, fillcolor=\"#d62728\""), std::string::npos);
  EXPECT_NE(dot.find("\"a:1\" [label=\"a:1\", shape=ellipse, fillcolor=\"#9ecae9\""), std::string::npos);
  const std::string png = dir + "/c.png";
  ASSERT_EQ(std::system(("dot -Tpng '" + dir + "/community-7.dot' -o '" + png + "' 2> '" + dir + "/dot.err'").c_str()), 0)
      << read_all(dir + "/dot.err");
  EXPECT_EQ(read_all(dir + "/dot.err"), "");
  const std::string bytes = read_all(png);
  ASSERT_GT(bytes.size(), 24u);
  auto be32 = [&](std::size_t at) {
    return (static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at])) << 24) |
           (static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at + 1])) << 16) |
           (static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at + 2])) << 8) |
           static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at + 3]));
  };
  const std::uint32_t w = be32(16), h = be32(20);  // IHDR
  EXPECT_LE(std::max(w, h), 2400u) << w << " x " << h;
  EXPECT_LE(std::max(w, h), 3 * std::min(w, h)) << w << " x " << h;
}

TEST(ExportCli, RunAndExportWriteTheSameBytes) {
  const std::string dir = tmp_dir("cli");
  const std::string sample = std::string(HYDRASCOPE_TEST_DATASETS) + "/sample/snapshot.json.gz";
  ASSERT_EQ(run_cli("run " + sample + " --out " + dir + "/run --export-formats graphml,gexf,dot,csv,neo4j"), 0);
  ASSERT_EQ(run_cli("export " + sample + " --run " + dir + "/run --out " + dir + "/exp --export-formats json,graphml,gexf,dot,csv,neo4j"), 0);
  std::set<std::string> run_files, exp_files;
  for (const auto& e : fs::recursive_directory_iterator(dir + "/run/suspects"))
    if (e.is_regular_file()) run_files.insert(fs::relative(e.path(), dir + "/run/suspects").string());
  for (const auto& e : fs::recursive_directory_iterator(dir + "/exp"))
    if (e.is_regular_file()) exp_files.insert(fs::relative(e.path(), dir + "/exp").string());
  ASSERT_FALSE(run_files.empty()) << "the sample run flagged no community: a scoring regression?";
  EXPECT_EQ(run_files, exp_files);
  for (const auto& f : run_files) EXPECT_EQ(read_all(dir + "/run/suspects/" + f), read_all(dir + "/exp/" + f)) << f;
  // Deterministic: again, same bytes.
  ASSERT_EQ(run_cli("export " + sample + " --run " + dir + "/run --out " + dir + "/exp2 --export-formats json,graphml,gexf,dot,csv,neo4j"), 0);
  for (const auto& f : exp_files) EXPECT_EQ(read_all(dir + "/exp/" + f), read_all(dir + "/exp2/" + f)) << f;

  // The run's attributes: community, risk and features on every account.
  const std::string first = *run_files.begin();  // community-<id>.dot or similar
  const std::string name = first.substr(0, first.find_first_of("./"));
  const Snapshot sub = load_snapshot(dir + "/exp/" + name + ".json");
  std::uint64_t accounts = 0, with_attrs = 0;
  for (NodeId v = 0; v < sub.num_nodes(); ++v) {
    if (sub.kind(v) != NodeKind::Account) continue;
    ++accounts;
    std::set<std::string> keys;
    for (const Attr& a : sub.attrs(v)) keys.emplace(sub.attr_keys().get(a.key));
    with_attrs += keys.count("hydrascope_community_id") && keys.count("hydrascope_risk_score") &&
                  keys.count("hydrascope_c_sync");
  }
  EXPECT_GT(accounts, 0u);
  EXPECT_EQ(with_attrs, accounts);
  // One Neo4j import for every suspect community.
  EXPECT_TRUE(run_files.count("neo4j/nodes.csv"));
  EXPECT_FALSE(run_files.count(name + "/neo4j_nodes.csv"));
  if (!have_python_tools()) GTEST_SKIP() << "/usr/bin/python3 with networkx and igraph, or dot, not installed";
  EXPECT_EQ(python_check(dir + "/exp", name), "");
  std::size_t communities = 0;
  for (const auto& f : run_files) communities += f.ends_with(".json") ? 1 : 0;
  EXPECT_EQ(neo4j_check(dir + "/exp", static_cast<int>(communities)), "");
}

TEST(ExportCli, SelectionsAndContext) {
  const std::string dir = tmp_dir("sel");
  const std::string sample = std::string(HYDRASCOPE_TEST_DATASETS) + "/sample/snapshot.json.gz";
  ASSERT_EQ(run_cli("run " + sample + " --out " + dir + "/run"), 0);
  const std::string base = "export " + sample + " --run " + dir + "/run --export-formats json ";
  // --min-score 0: every scored community, riskiest first; --min-score 2: none.
  ASSERT_EQ(run_cli(base + "--min-score 0 --out " + dir + "/all", dir + "/all.txt"), 0);
  const std::string all = read_all(dir + "/all.txt");
  EXPECT_GT(std::count(all.begin(), all.end(), '\n'), 3);
  ASSERT_EQ(all.rfind("community-", 0), 0u) << all;
  ASSERT_EQ(run_cli(base + "--min-score 2 --out " + dir + "/none", dir + "/none.txt"), 0);
  EXPECT_EQ(read_all(dir + "/none.txt"), "");
  const std::string name = all.substr(0, all.find(':'));
  const std::string id = name.substr(std::string("community-").size());
  // --community of the riskiest, then --context 1 (a superset).
  ASSERT_EQ(run_cli(base + "--community " + id + " --out " + dir + "/c0"), 0);
  EXPECT_EQ(read_all(dir + "/all/" + name + ".json"), read_all(dir + "/c0/" + name + ".json"));
  ASSERT_EQ(run_cli(base + "--community " + id + " --context 1 --out " + dir + "/c1"), 0);
  const Snapshot s0 = load_snapshot(dir + "/c0/" + name + ".json");
  const Snapshot s1 = load_snapshot(dir + "/c1/" + name + ".json");
  EXPECT_GE(s1.num_nodes(), s0.num_nodes());
  for (NodeId v = 0; v < s0.num_nodes(); ++v) EXPECT_NE(s1.find_node(s0.node_id(v)), kInvalidNode);
  // --account: the community of one of its accounts.
  NodeId acc = 0;
  while (s0.kind(acc) != NodeKind::Account) ++acc;
  ASSERT_EQ(run_cli(base + "--account '" + std::string(s0.node_id(acc)) + "' --out " + dir + "/acc"), 0);
  EXPECT_EQ(read_all(dir + "/acc/" + name + ".json"), read_all(dir + "/c0/" + name + ".json"));
  // --top 1: the first of the ranking (if the run flagged any).
  ASSERT_EQ(run_cli(base + "--top 1 --out " + dir + "/top", dir + "/top.txt"), 0);
  const std::string top = read_all(dir + "/top.txt");
  EXPECT_LE(std::count(top.begin(), top.end(), '\n'), 1);
}

TEST(ExportCli, ErrorsAreClear) {
  const std::string dir = tmp_dir("err");
  const std::string sample = std::string(HYDRASCOPE_TEST_DATASETS) + "/sample/snapshot.json.gz";
  const std::string log = dir + "/log.txt";
  // Usage errors: exit 2, before writing anything.
  EXPECT_EQ(run_cli("export " + sample + " --out " + dir + "/o --export-formats json --community 3", log), 2);
  EXPECT_NE(read_all(log).find("need --run"), std::string::npos) << read_all(log);
  EXPECT_EQ(run_cli("export " + sample + " --out " + dir + "/o --export-formats svg --around x", log), 2);
  EXPECT_NE(read_all(log).find("unknown export format 'svg'"), std::string::npos) << read_all(log);
  EXPECT_EQ(run_cli("export " + sample + " --out " + dir + "/o --export-formats json --around no-such-node", log), 2);
  EXPECT_NE(read_all(log).find("no-such-node"), std::string::npos) << read_all(log);
  EXPECT_FALSE(fs::exists(dir + "/o"));
  // A broken run folder: exit 1 naming file and line.
  fs::create_directories(dir + "/run");
  {
    std::ofstream(dir + "/run/communities.json") << R"({"format":"hydrascope.communities","ranking":[0],"communities":[]})";
    std::ofstream(dir + "/run/accounts.csv") << "account_id,community_id,risk_score,suspect\nnot-an-account,0,0.5,true\n";
  }
  EXPECT_EQ(run_cli("export " + sample + " --run " + dir + "/run --out " + dir + "/o --export-formats json", log), 1);
  EXPECT_NE(read_all(log).find("accounts.csv:2"), std::string::npos) << read_all(log);
  EXPECT_NE(read_all(log).find("not in the snapshot"), std::string::npos) << read_all(log);
  {
    std::ofstream(dir + "/run/accounts.csv") << "account_id,community_id,risk_score,suspect\n\"unterminated,0,0.5,true\n";
  }
  EXPECT_EQ(run_cli("export " + sample + " --run " + dir + "/run --out " + dir + "/o --export-formats json", log), 1);
  EXPECT_NE(read_all(log).find("unterminated"), std::string::npos) << read_all(log);
}

}  // namespace
}  // namespace hydrascope
