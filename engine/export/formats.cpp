// One writer per subgraph format, shared by `hydrascope run` (suspects/) and
// `hydrascope export`. Each escapes ids and attributes for its own syntax;
// every file is written atomically and its bytes depend only on the snapshot,
// the selection and the run.
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>
#include <span>
#include <unordered_map>
#include <unordered_set>

#include "export_internal.hpp"
#include "hydrascope/atomic_file.hpp"
#include "hydrascope/io.hpp"

namespace hydrascope {

namespace {

using exp::append_csv;
using exp::append_dot;
using exp::append_double;
using exp::append_xml;

// Buffered atomic output.
class Out {
 public:
  explicit Out(const std::string& path) : file_(path) { buf_.reserve(kChunk + 4096); }
  std::string& buf() { return buf_; }
  void maybe_flush() {
    if (buf_.size() >= kChunk) {
      file_.write(buf_);
      buf_.clear();
    }
  }
  void commit() {
    file_.write(buf_);
    buf_.clear();
    file_.commit();
  }

 private:
  static constexpr std::size_t kChunk = std::size_t{1} << 20;
  AtomicFile file_;
  std::string buf_;
};

struct Style {
  const char* shape;
  const char* color;
  int r, g, b;
};

// Colours shared by DOT and GEXF. Accounts by suspicion when the run's
// attributes are there (suspect red, the others blue, unscored grey-blue);
// entities by type, in colours that never mean "suspect".
Style style_of(NodeKind k) {
  switch (k) {
    case NodeKind::Account: return {"ellipse", "#4e79a7", 78, 121, 167};
    case NodeKind::PaymentMethod: return {"box", "#f28e2b", 242, 142, 43};
    case NodeKind::Ip: return {"diamond", "#59a14f", 89, 161, 79};
    case NodeKind::Proxy: return {"hexagon", "#b07aa1", 176, 122, 161};
    case NodeKind::Device: return {"octagon", "#76b7b2", 118, 183, 178};
    default: return {"triangle", "#bab0ac", 186, 176, 172};
  }
}

// Whether the run flagged account v, from its attributes (-1: no run data).
int suspect_of(std::span<const AttrInput> attrs) {
  for (const AttrInput& a : attrs)
    if (a.key == "hydrascope_suspect") {
      if (a.type == AttrType::Bool) return a.boolean ? 1 : 0;
      if (a.type == AttrType::String) return a.text == "true" ? 1 : 0;
    }
  return -1;
}

Style node_style(NodeKind k, std::span<const AttrInput> attrs) {
  Style st = style_of(k);
  if (k != NodeKind::Account) return st;
  switch (suspect_of(attrs)) {
    case 1: return {"ellipse", "#d62728", 214, 39, 40};
    case 0: return {"ellipse", "#9ecae9", 158, 202, 233};
    default: return st;
  }
}

void append_value(std::string& out, const AttrInput& a) {
  switch (a.type) {
    case AttrType::String: out.append(a.text); break;
    case AttrType::Int: out += std::to_string(a.integer); break;
    case AttrType::Double: append_double(out, a.real); break;
    case AttrType::Bool: out += a.boolean ? "true" : "false"; break;
  }
}

std::string value_text(const AttrInput& a) {
  std::string s;
  append_value(s, a);
  return s;
}

// A flat attribute column (GraphML key, GEXF attribute, CSV / Neo4j column).
struct Column {
  std::string name;  // as written (reserved names renamed)
  AttrType type = AttrType::String;
};

// The subgraph with every node's attributes (snapshot attrs, those the run
// also sets replaced by the run's) and, for flat formats, one column per key.
struct View {
  const Snapshot& s;
  const Subgraph& sub;
  std::vector<std::vector<AttrInput>> attrs;  // per sub.nodes index
  std::vector<Column> columns;
  std::unordered_map<std::string_view, std::uint32_t> column_of;  // attr key -> column
  bool edge_times = false;

  View(const Snapshot& snapshot, const Subgraph& subgraph, const RunData* run) : s(snapshot), sub(subgraph) {
    attrs.resize(sub.nodes.size());
    for (std::size_t i = 0; i < sub.nodes.size(); ++i) {
      const NodeId v = sub.nodes[i];
      const auto extra = run != nullptr ? run->attrs(v) : std::span<const AttrInput>{};
      auto& out = attrs[i];
      for (const Attr& a : s.attrs(v)) {
        const AttrInput in = attr_input(s, a);
        if (std::any_of(extra.begin(), extra.end(), [&](const AttrInput& x) { return x.key == in.key; })) continue;
        out.push_back(in);
      }
      out.insert(out.end(), extra.begin(), extra.end());
      for (const AttrInput& a : out) {
        auto it = column_of.find(a.key);
        if (it == column_of.end()) {
          const std::string_view k = a.key;
          const bool reserved = k == "id" || k == "type" || k == "label" || k == "created_at";
          columns.push_back({reserved ? "attr_" + std::string(k) : std::string(k), a.type});
          column_of.emplace(k, static_cast<std::uint32_t>(columns.size() - 1));
        } else {
          AttrType& t = columns[it->second].type;
          if (t == a.type) continue;
          const bool numeric = (t == AttrType::Int || t == AttrType::Double) &&
                               (a.type == AttrType::Int || a.type == AttrType::Double);
          t = numeric ? AttrType::Double : AttrType::String;
        }
      }
    }
    for (EdgeId e : sub.edges)
      if (s.first_seen(e) != kNoTime || s.last_seen(e) != kNoTime) edge_times = true;
  }

  // The value as its column's type: Int in a Double column as a double; any in a String column as text.
  void append_cell(std::string& out, const AttrInput& a, AttrType column_type) const {
    if (column_type == AttrType::Double && a.type == AttrType::Int) append_double(out, static_cast<double>(a.integer));
    else append_value(out, a);
  }
  [[nodiscard]] const std::string& id(NodeId v, bool xml, std::string& scratch) const {
    scratch = exp::clean_id(s.node_id(v), xml);
    return scratch;
  }
};

// ---------------------------------------------------------------------------
// Snapshot JSON and CSV pair through io's SnapshotWriter (so they load back).

void write_snapshot_format(const std::string& path, const View& view, SnapshotFormat format, bool flat,
                           bool guard_csv = false) {
  const Snapshot& s = view.s;
  WriteOptions wo;
  wo.format = format;
  wo.guard_csv = guard_csv;
  SnapshotWriter w(path, wo);
  SnapshotMeta meta = s.meta();
  meta.id = (meta.id.empty() ? std::string("snapshot") : meta.id) + "/" + view.sub.name;
  w.header(meta);
  std::vector<AttrInput> renamed;
  for (std::size_t i = 0; i < view.sub.nodes.size(); ++i) {
    const NodeId v = view.sub.nodes[i];
    if (flat) {
      renamed = view.attrs[i];
      for (auto& a : renamed) a.key = view.columns[view.column_of.at(a.key)].name;
      w.node(node_record(s, v, renamed));
    } else {
      w.node(node_record(s, v, view.attrs[i]));
    }
  }
  for (EdgeId e : view.sub.edges) w.edge(edge_record(s, e));
  w.commit();
}

// accounts.txt: one account id per line, bytewise sorted. An id that holds a
// line break or starts with `"` is written as a JSON string literal. With
// `guard`, an id a spreadsheet would run as a formula gets a leading '.
void write_accounts_txt(const std::string& path, const View& view, bool guard) {
  std::vector<std::string_view> ids;
  for (NodeId v : view.sub.accounts) ids.push_back(view.s.node_id(v));
  std::sort(ids.begin(), ids.end());
  Out out(path);
  for (std::string_view id : ids) {
    std::string& b = out.buf();
    if (id.find_first_of("\r\n") != std::string_view::npos || (!id.empty() && id.front() == '"')) {
      b.push_back('"');
      for (char c : id) {
        switch (c) {
          case '"': b += "\\\""; break;
          case '\\': b += "\\\\"; break;
          case '\n': b += "\\n"; break;
          case '\r': b += "\\r"; break;
          default: b.push_back(c);
        }
      }
      b.push_back('"');
    } else {
      if (guard && csv_formula_risk(id)) b.push_back('\'');
      b.append(id);
    }
    b.push_back('\n');
    out.maybe_flush();
  }
  out.commit();
}

// ---------------------------------------------------------------------------
// GraphML

// The XML type name of an attribute column (GraphML and GEXF use the same words).
const char* xml_type(AttrType t) {
  switch (t) {
    case AttrType::Int: return "long";
    case AttrType::Double: return "double";
    case AttrType::Bool: return "boolean";
    default: return "string";
  }
}

void write_graphml(const std::string& path, const View& view) {
  const Snapshot& s = view.s;
  Out out(path);
  std::string& b = out.buf();
  b += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
       "<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\" "
       "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
       "xsi:schemaLocation=\"http://graphml.graphdrawing.org/xmlns "
       "http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd\">\n"
       "  <key id=\"type\" for=\"node\" attr.name=\"type\" attr.type=\"string\"/>\n"
       "  <key id=\"label\" for=\"node\" attr.name=\"label\" attr.type=\"string\"/>\n"
       "  <key id=\"created_at\" for=\"node\" attr.name=\"created_at\" attr.type=\"string\"/>\n";
  for (std::size_t c = 0; c < view.columns.size(); ++c) {
    b += "  <key id=\"a" + std::to_string(c) + "\" for=\"node\" attr.name=\"";
    append_xml(b, view.columns[c].name);
    b += "\" attr.type=\"";
    b += xml_type(view.columns[c].type);
    b += "\"/>\n";
  }
  b += "  <key id=\"etype\" for=\"edge\" attr.name=\"type\" attr.type=\"string\"/>\n"
       "  <key id=\"weight\" for=\"edge\" attr.name=\"weight\" attr.type=\"double\"/>\n"
       "  <key id=\"first_seen\" for=\"edge\" attr.name=\"first_seen\" attr.type=\"string\"/>\n"
       "  <key id=\"last_seen\" for=\"edge\" attr.name=\"last_seen\" attr.type=\"string\"/>\n"
       "  <graph id=\"";
  append_xml(b, view.sub.name);
  b += "\" edgedefault=\"undirected\">\n";
  std::string scratch;
  for (std::size_t i = 0; i < view.sub.nodes.size(); ++i) {
    const NodeId v = view.sub.nodes[i];
    b += "    <node id=\"";
    append_xml(b, view.id(v, true, scratch));
    b += "\"><data key=\"type\">";
    append_xml(b, s.node_type(v));
    b += "</data>";
    if (s.label(v) != Label::Unknown) {
      b += "<data key=\"label\">";
      b += to_string(s.label(v));
      b += "</data>";
    }
    if (s.created_at(v) != kNoTime) b += "<data key=\"created_at\">" + format_rfc3339(s.created_at(v)) + "</data>";
    for (const AttrInput& a : view.attrs[i]) {
      const std::uint32_t c = view.column_of.at(a.key);
      b += "<data key=\"a" + std::to_string(c) + "\">";
      std::string cell;
      view.append_cell(cell, a, view.columns[c].type);
      append_xml(b, cell);
      b += "</data>";
    }
    b += "</node>\n";
    out.maybe_flush();
  }
  std::uint64_t id = 0;
  for (EdgeId e : view.sub.edges) {
    b += "    <edge id=\"e" + std::to_string(id++) + "\" source=\"";
    append_xml(b, view.id(s.edge_src(e), true, scratch));
    b += "\" target=\"";
    append_xml(b, view.id(s.edge_dst(e), true, scratch));
    b += "\"><data key=\"etype\">";
    append_xml(b, s.edge_type(e));
    b += "</data><data key=\"weight\">";
    append_double(b, s.edge_weight(e));
    b += "</data>";
    if (s.first_seen(e) != kNoTime) b += "<data key=\"first_seen\">" + format_rfc3339(s.first_seen(e)) + "</data>";
    if (s.last_seen(e) != kNoTime) b += "<data key=\"last_seen\">" + format_rfc3339(s.last_seen(e)) + "</data>";
    b += "</edge>\n";
    out.maybe_flush();
  }
  b += "  </graph>\n</graphml>\n";
  out.commit();
}

// ---------------------------------------------------------------------------
// GEXF: node type as a string attribute (Gephi's partition), colour per type
// (accounts by suspicion), edge type and first/last seen as attributes.
// 1.2 (the default) is what Debian's networkx 2.8 reads: its reader knows no
// `dateTime` time format, so edges' intervals are Unix seconds (timeformat
// "double"). 1.3 keeps them as dateTime.

void write_gexf(const std::string& path, const View& view, bool v13) {
  const Snapshot& s = view.s;
  Out out(path);
  std::string& b = out.buf();
  b += v13 ? "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
             "<gexf xmlns=\"http://gexf.net/1.3\" xmlns:viz=\"http://gexf.net/1.3/viz\" "
             "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
             "xsi:schemaLocation=\"http://gexf.net/1.3 http://gexf.net/1.3/gexf.xsd\" version=\"1.3\">\n"
           : "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
             "<gexf xmlns=\"http://www.gexf.net/1.2draft\" xmlns:viz=\"http://www.gexf.net/1.2draft/viz\" "
             "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
             "xsi:schemaLocation=\"http://www.gexf.net/1.2draft http://www.gexf.net/1.2draft/gexf.xsd\" "
             "version=\"1.2\">\n";
  b += "  <meta>\n    <creator>hydrascope</creator>\n    <description>";
  append_xml(b, view.sub.name);
  b += "</description>\n  </meta>\n";
  if (!view.edge_times) b += "  <graph defaultedgetype=\"undirected\" mode=\"static\">\n";
  else if (v13)
    b += "  <graph defaultedgetype=\"undirected\" mode=\"dynamic\" timeformat=\"dateTime\" timerepresentation=\"interval\">\n";
  else b += "  <graph defaultedgetype=\"undirected\" mode=\"dynamic\" timeformat=\"double\">\n";
  b += "    <attributes class=\"node\" mode=\"static\">\n"
       "      <attribute id=\"type\" title=\"type\" type=\"string\"/>\n"
       "      <attribute id=\"label\" title=\"label\" type=\"string\"/>\n"
       "      <attribute id=\"created_at\" title=\"created_at\" type=\"string\"/>\n";
  for (std::size_t c = 0; c < view.columns.size(); ++c) {
    b += "      <attribute id=\"a" + std::to_string(c) + "\" title=\"";
    append_xml(b, view.columns[c].name);
    b += "\" type=\"";
    b += xml_type(view.columns[c].type);
    b += "\"/>\n";
  }
  b += "    </attributes>\n"
       "    <attributes class=\"edge\" mode=\"static\">\n"
       "      <attribute id=\"type\" title=\"type\" type=\"string\"/>\n"
       "      <attribute id=\"first_seen\" title=\"first_seen\" type=\"string\"/>\n"
       "      <attribute id=\"last_seen\" title=\"last_seen\" type=\"string\"/>\n"
       "    </attributes>\n"
       "    <nodes>\n";
  std::string scratch;
  for (std::size_t i = 0; i < view.sub.nodes.size(); ++i) {
    const NodeId v = view.sub.nodes[i];
    b += "      <node id=\"";
    append_xml(b, view.id(v, true, scratch));
    b += "\" label=\"";
    append_xml(b, s.node_id(v));
    b += "\">\n        <attvalues>\n          <attvalue for=\"type\" value=\"";
    append_xml(b, s.node_type(v));
    b += "\"/>\n";
    if (s.label(v) != Label::Unknown) {
      b += "          <attvalue for=\"label\" value=\"";
      b += to_string(s.label(v));
      b += "\"/>\n";
    }
    if (s.created_at(v) != kNoTime)
      b += "          <attvalue for=\"created_at\" value=\"" + format_rfc3339(s.created_at(v)) + "\"/>\n";
    for (const AttrInput& a : view.attrs[i]) {
      const std::uint32_t c = view.column_of.at(a.key);
      b += "          <attvalue for=\"a" + std::to_string(c) + "\" value=\"";
      std::string cell;
      view.append_cell(cell, a, view.columns[c].type);
      append_xml(b, cell);
      b += "\"/>\n";
    }
    const Style st = node_style(s.kind(v), view.attrs[i]);
    b += "        </attvalues>\n        <viz:color r=\"" + std::to_string(st.r) + "\" g=\"" + std::to_string(st.g) +
         "\" b=\"" + std::to_string(st.b) + "\"/>\n      </node>\n";
    out.maybe_flush();
  }
  b += "    </nodes>\n    <edges>\n";
  std::uint64_t id = 0;
  auto time_value = [&](Timestamp t) {
    if (v13) return format_rfc3339(t);
    std::string x;  // Unix seconds, exact (microseconds as a fraction)
    append_double(x, static_cast<double>(t) / static_cast<double>(kMicrosPerSecond));
    return x;
  };
  for (EdgeId e : view.sub.edges) {
    b += "      <edge id=\"" + std::to_string(id++) + "\" source=\"";
    append_xml(b, view.id(s.edge_src(e), true, scratch));
    b += "\" target=\"";
    append_xml(b, view.id(s.edge_dst(e), true, scratch));
    b += "\" label=\"";
    append_xml(b, s.edge_type(e));
    b += "\" weight=\"";
    append_double(b, s.edge_weight(e));
    b += "\"";
    if (s.first_seen(e) != kNoTime) b += " start=\"" + time_value(s.first_seen(e)) + "\"";
    if (s.last_seen(e) != kNoTime) b += " end=\"" + time_value(s.last_seen(e)) + "\"";
    b += ">\n        <attvalues>\n          <attvalue for=\"type\" value=\"";
    append_xml(b, s.edge_type(e));
    b += "\"/>\n";
    if (s.first_seen(e) != kNoTime)
      b += "          <attvalue for=\"first_seen\" value=\"" + format_rfc3339(s.first_seen(e)) + "\"/>\n";
    if (s.last_seen(e) != kNoTime)
      b += "          <attvalue for=\"last_seen\" value=\"" + format_rfc3339(s.last_seen(e)) + "\"/>\n";
    b += "        </attvalues>\n      </edge>\n";
    out.maybe_flush();
  }
  b += "    </edges>\n  </graph>\n</gexf>\n";
  out.commit();
}

// ---------------------------------------------------------------------------
// DOT: laid out by sfdp whatever command renders it (`layout=sfdp` in the
// file: `dot -Tpng` of a star-shaped community is otherwise one long row),
// drawn at most 24 inches square; shape per node type, fill by suspicion for
// accounts; data as extra attributes (snapshot attrs prefixed `attr_` so that
// none can act as a Graphviz attribute).

void write_dot(const std::string& path, const View& view) {
  const Snapshot& s = view.s;
  Out out(path);
  std::string& b = out.buf();
  b += "// hydrascope: accounts red = flagged by the run (suspect), light blue = not flagged, blue = no run\n"
       "// data; payment methods orange boxes, IPs green diamonds, proxies purple hexagons, devices teal\n"
       "// octagons, other entities grey triangles; a black ring = labelled banned or suspect in the snapshot.\n"
       "graph ";
  append_dot(b, view.sub.name);
  // Components packed into an array (a community is often one big piece and
  // a few pairs: side by side they made a strip).
  b += " {\n  graph [layout=sfdp, overlap=prism, splines=false, outputorder=edgesfirst, size=\"24,24\", pack=true, "
       "packmode=\"array\"];\n"
       "  node [style=filled, fontsize=9, fontcolor=\"#000000\", color=\"#ffffff\", penwidth=0.6];\n"
       "  edge [color=\"#99999966\", penwidth=0.6];\n";
  std::string scratch;
  for (std::size_t i = 0; i < view.sub.nodes.size(); ++i) {
    const NodeId v = view.sub.nodes[i];
    const Style st = node_style(s.kind(v), view.attrs[i]);
    b += "  ";
    append_dot(b, view.id(v, true, scratch));
    b += " [label=";
    append_dot(b, view.id(v, true, scratch));
    b += ", shape=";
    b += st.shape;
    b += ", fillcolor=\"";
    b += st.color;
    b += "\"";
    if (s.label(v) == Label::Banned || s.label(v) == Label::Suspect) b += ", color=\"#000000\", penwidth=2";
    b += ", type=";
    append_dot(b, s.node_type(v));
    if (s.label(v) != Label::Unknown) {
      b += ", status=";
      append_dot(b, to_string(s.label(v)));
    }
    if (s.created_at(v) != kNoTime) b += ", created_at=\"" + format_rfc3339(s.created_at(v)) + "\"";
    for (const AttrInput& a : view.attrs[i]) {
      b += ", ";
      const std::string_view k = a.key;
      append_dot(b, k.starts_with("hydrascope_") ? std::string(k) : "attr_" + std::string(k));
      b += '=';
      append_dot(b, value_text(a));
    }
    b += "];\n";
    out.maybe_flush();
  }
  for (EdgeId e : view.sub.edges) {
    b += "  ";
    append_dot(b, view.id(s.edge_src(e), true, scratch));
    b += " -- ";
    append_dot(b, view.id(s.edge_dst(e), true, scratch));
    b += " [type=";
    append_dot(b, s.edge_type(e));
    b += ", requests=\"";
    append_double(b, s.edge_weight(e));
    b += "\"";
    if (s.first_seen(e) != kNoTime) b += ", first_seen=\"" + format_rfc3339(s.first_seen(e)) + "\"";
    if (s.last_seen(e) != kNoTime) b += ", last_seen=\"" + format_rfc3339(s.last_seen(e)) + "\"";
    b += "];\n";
    out.maybe_flush();
  }
  b += "}\n";
  out.commit();
}

// ---------------------------------------------------------------------------
// Neo4j admin import (`neo4j-admin database import full --nodes=... --relationships=...`).

std::string neo4j_label(std::string_view type) {
  std::string out;
  bool up = true;
  for (char c : type) {
    if (c == '_') {
      up = true;
      continue;
    }
    out.push_back(up ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c);
    up = false;
  }
  return out.empty() ? std::string("Node") : out;
}

void make_dir(const std::string& dir) {
  if (::mkdir(dir.c_str(), 0777) != 0 && errno != EEXIST)
    throw std::runtime_error("cannot create " + dir + ": " + std::strerror(errno));
}

}  // namespace

std::vector<std::string> write_subgraph(const std::string& dir, const Snapshot& s, const Subgraph& sub, RunData* run,
                                        const ExportFormats& f) {
  if (sub.name.empty() || sub.name.find('/') != std::string::npos || sub.name == "." || sub.name == "..")
    throw std::logic_error("write_subgraph: unsafe subgraph name");
  if (run != nullptr) run->prepare(sub.nodes);
  const View view(s, sub, run);
  std::vector<std::string> files;
  const std::string base = dir + "/" + sub.name;
  if (f.json) {
    write_snapshot_format(base + ".json", view, SnapshotFormat::Json, false);
    files.push_back(sub.name + ".json");
  }
  if (f.graphml) {
    write_graphml(base + ".graphml", view);
    files.push_back(sub.name + ".graphml");
  }
  if (f.gexf || f.gexf13) {
    if (f.gexf && f.gexf13) throw std::invalid_argument("gexf and gexf13 both write " + sub.name + ".gexf");
    write_gexf(base + ".gexf", view, f.gexf13);
    files.push_back(sub.name + ".gexf");
  }
  if (f.dot) {
    write_dot(base + ".dot", view);
    files.push_back(sub.name + ".dot");
  }
  if (f.csv) make_dir(base);
  if (f.csv) {
    write_snapshot_format(base, view, SnapshotFormat::CsvPair, true, f.guard_csv);
    write_accounts_txt(base + "/accounts.txt", view, f.guard_csv);
    // snapshot.csv (the header) is always there, activity.csv when the snapshot has activity.
    for (const char* n : {"/nodes.csv", "/edges.csv", "/snapshot.csv", "/activity.csv", "/accounts.txt"}) {
      struct stat st {};
      if (::stat((base + n).c_str(), &st) == 0) files.push_back(sub.name + n);
    }
  }
  return files;
}

// ---------------------------------------------------------------------------
// Neo4j admin import of several subgraphs (export.hpp, Neo4jImport).

struct Neo4jImport::Impl {
  const Snapshot& s;
  bool guard = false;  // cells a spreadsheet would run as formulas get a leading ' (--csv-guard all)
  Impl(const Snapshot& snapshot, bool guard_csv) : s(snapshot), guard(guard_csv) {}
  std::vector<std::uint8_t> node_seen, edge_seen;
  struct Col {
    std::string name;  // as in the header, before the type
    AttrType type;
  };
  std::vector<Col> columns;
  std::unordered_map<std::string, std::uint32_t> column_of;
  struct Row {
    NodeId v;
    std::vector<std::pair<std::uint32_t, std::string>> cells;
  };
  std::vector<Row> rows;
  std::vector<EdgeId> edges;
  struct Sub {
    std::string name;
    bool community = false;
    std::string community_id;
    std::uint64_t accounts = 0, nodes = 0, edges = 0;
  };
  std::vector<Sub> subs;
  struct Member {
    NodeId v;
    std::uint32_t sub;
    bool member;
  };
  std::vector<Member> members;

  std::uint32_t column(std::string_view key, AttrType type) {
    std::string name(key);
    if (name == "id" || name == "type" || name == "label" || name == "created_at") name = "attr_" + name;
    std::replace(name.begin(), name.end(), ':', '_');  // ':' starts the header's type
    auto it = column_of.find(name);
    if (it == column_of.end()) {
      columns.push_back({name, type});
      return column_of.emplace(std::move(name), static_cast<std::uint32_t>(columns.size() - 1)).first->second;
    }
    AttrType& t = columns[it->second].type;
    if (t != type) {
      const bool numeric = (t == AttrType::Int || t == AttrType::Double) && (type == AttrType::Int || type == AttrType::Double);
      t = numeric ? AttrType::Double : AttrType::String;
    }
    return it->second;
  }
};

Neo4jImport::Neo4jImport(const Snapshot& snapshot, bool guard_csv)
    : impl_(std::make_unique<Impl>(snapshot, guard_csv)) {}
Neo4jImport::~Neo4jImport() = default;

void Neo4jImport::add(const Subgraph& sub, RunData* run) {
  Impl& m = *impl_;
  const Snapshot& s = m.s;
  if (m.node_seen.empty()) m.node_seen.assign(s.num_nodes(), 0);
  if (m.edge_seen.empty()) m.edge_seen.assign(s.num_edges(), 0);
  if (run != nullptr) run->prepare(sub.nodes);
  const View view(s, sub, run);
  Impl::Sub info;
  info.name = sub.name;
  info.community = sub.name.rfind("community-", 0) == 0;
  if (info.community) info.community_id = sub.name.substr(10);
  info.accounts = sub.accounts.size();
  info.nodes = sub.nodes.size();
  info.edges = sub.edges.size();
  const auto index = static_cast<std::uint32_t>(m.subs.size());
  m.subs.push_back(std::move(info));
  for (std::size_t i = 0; i < sub.nodes.size(); ++i) {
    const NodeId v = sub.nodes[i];
    const bool member = std::binary_search(sub.accounts.begin(), sub.accounts.end(), v);
    m.members.push_back({v, index, member});
    if (m.node_seen[v]) continue;
    m.node_seen[v] = 1;
    Impl::Row row{v, {}};
    for (const AttrInput& a : view.attrs[i]) row.cells.emplace_back(m.column(a.key, a.type), value_text(a));
    m.rows.push_back(std::move(row));
  }
  for (EdgeId e : sub.edges)
    if (!m.edge_seen[e]) {
      m.edge_seen[e] = 1;
      m.edges.push_back(e);
    }
}

std::vector<std::string> Neo4jImport::write(const std::string& dir) const {
  const Impl& m = *impl_;
  const Snapshot& s = m.s;
  // Exact cells (neo4j-admin reads them as data), or guarded against formulas.
  const auto append_csv = [guard = m.guard](std::string& out, std::string_view text) {
    if (guard) append_guarded_csv_field(out, text);
    else exp::append_csv(out, text);
  };
  make_dir(dir + "/neo4j");
  {
    Out out(dir + "/neo4j/nodes.csv");
    std::string& b = out.buf();
    b += "id:ID(Node),:LABEL,type,label,created_at:datetime";
    for (const auto& c : m.columns) {
      std::string name = c.name;
      switch (c.type) {
        case AttrType::Int: name += ":long"; break;
        case AttrType::Double: name += ":double"; break;
        case AttrType::Bool: name += ":boolean"; break;
        default: break;
      }
      b += ',';
      append_csv(b, name);
    }
    b += '\n';
    std::vector<const std::string*> cells(m.columns.size());
    for (const auto& row : m.rows) {
      const NodeId v = row.v;
      append_csv(b, s.node_id(v));
      b += ',';
      b += neo4j_label(s.node_type(v));
      b += ',';
      append_csv(b, s.node_type(v));
      b += ',';
      if (s.label(v) != Label::Unknown) b += to_string(s.label(v));
      b += ',';
      if (s.created_at(v) != kNoTime) b += format_rfc3339(s.created_at(v));
      std::fill(cells.begin(), cells.end(), nullptr);
      for (const auto& [c, text] : row.cells) cells[c] = &text;
      for (const std::string* c : cells) {
        b += ',';
        if (c != nullptr) append_csv(b, *c);
      }
      b += '\n';
      out.maybe_flush();
    }
    out.commit();
  }
  {
    Out out(dir + "/neo4j/relationships.csv");
    std::string& b = out.buf();
    b += ":START_ID(Node),:END_ID(Node),:TYPE,weight:double,first_seen:datetime,last_seen:datetime\n";
    for (EdgeId e : m.edges) {
      append_csv(b, s.node_id(s.edge_src(e)));
      b += ',';
      append_csv(b, s.node_id(s.edge_dst(e)));
      b += ',';
      std::string type(s.edge_type(e));
      for (char& c : type) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      append_csv(b, type);
      b += ',';
      append_double(b, s.edge_weight(e));
      b += ',';
      if (s.first_seen(e) != kNoTime) b += format_rfc3339(s.first_seen(e));
      b += ',';
      if (s.last_seen(e) != kNoTime) b += format_rfc3339(s.last_seen(e));
      b += '\n';
      out.maybe_flush();
    }
    out.commit();
  }
  {
    Out out(dir + "/neo4j/subgraphs.csv");
    std::string& b = out.buf();
    b += "name:ID(Subgraph),:LABEL,community:long,accounts:long,nodes:long,edges:long\n";
    for (const auto& sg : m.subs) {
      append_csv(b, sg.name);
      b += sg.community ? ",Subgraph;Community," : ",Subgraph;EgoNetwork,";
      b += sg.community_id + "," + std::to_string(sg.accounts) + "," + std::to_string(sg.nodes) + "," +
           std::to_string(sg.edges) + "\n";
    }
    out.commit();
  }
  {
    Out out(dir + "/neo4j/members.csv");
    std::string& b = out.buf();
    b += ":START_ID(Node),:END_ID(Subgraph),:TYPE\n";
    for (const auto& mem : m.members) {
      append_csv(b, s.node_id(mem.v));
      b += ',';
      append_csv(b, m.subs[mem.sub].name);
      b += mem.member ? ",MEMBER_OF\n" : ",IN_SUBGRAPH\n";
      out.maybe_flush();
    }
    out.commit();
  }
  return {"neo4j/nodes.csv", "neo4j/relationships.csv", "neo4j/subgraphs.csv", "neo4j/members.csv"};
}

}  // namespace hydrascope
