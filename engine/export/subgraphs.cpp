// suspects/: one subgraph per suspect community, in the snapshot JSON format
// (through io's SnapshotWriter, so it loads back) and optionally GraphML,
// GEXF and DOT, each escaping ids and attributes for its own syntax.
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include "hydrascope/atomic_file.hpp"
#include "hydrascope/export.hpp"
#include "hydrascope/io.hpp"

namespace hydrascope {

namespace {

void append_xml(std::string& out, std::string_view s) {
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    switch (ch) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default:
        // XML 1.0 forbids most control characters even as references: replace them.
        if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') out += "\xEF\xBF\xBD";
        else out.push_back(ch);
    }
  }
}

void append_dot_id(std::string& out, std::string_view s) {
  out.push_back('"');
  for (char ch : s) {
    if (ch == '"' || ch == '\\') {
      out.push_back('\\');
      out.push_back(ch);
    } else if (ch == '\n') {
      out += "\\n";
    } else if (ch == '\r') {
      out += "\\r";
    } else {
      out.push_back(ch);
    }
  }
  out.push_back('"');
}

std::string num_text(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

struct Sub {
  std::vector<NodeId> nodes;  // ascending
  std::vector<EdgeId> edges;  // ascending
};

// Members of community c plus the non-account entities its accounts touch; every edge among them.
Sub collect(const Snapshot& s, const Incidence& inc, const Partition& p, CommunityId c,
            const std::vector<NodeId>& members, std::vector<std::uint8_t>& mark) {
  Sub sub;
  for (NodeId v : members) {
    sub.nodes.push_back(v);
    mark[v] = 1;
  }
  for (NodeId v : members) {
    if (s.kind(v) != NodeKind::Account) continue;
    for (NodeId u : inc.neighbors(v))
      if (!mark[u] && s.kind(u) != NodeKind::Account) {
        mark[u] = 2;
        sub.nodes.push_back(u);
      }
  }
  std::sort(sub.nodes.begin(), sub.nodes.end());
  // Edges: from every member (members' rows are bounded by the community's
  // volume); an outside entity's edges are taken only through its member ends.
  for (NodeId v : members) {
    const auto nb = inc.neighbors(v);
    const auto es = inc.edges(v);
    for (std::size_t i = 0; i < nb.size(); ++i) {
      const NodeId u = nb[i];
      if (!mark[u]) continue;
      if (mark[u] == 1 && u < v) continue;  // member-member edge: take it once, from the smaller end
      sub.edges.push_back(es[i]);
    }
  }
  std::sort(sub.edges.begin(), sub.edges.end());
  sub.edges.erase(std::unique(sub.edges.begin(), sub.edges.end()), sub.edges.end());
  for (NodeId v : sub.nodes) mark[v] = 0;
  (void)p;
  (void)c;
  return sub;
}

std::vector<AttrInput> attr_inputs(const Snapshot& s, NodeId v) {
  std::vector<AttrInput> out;
  for (const Attr& a : s.attrs(v)) {
    AttrInput in;
    in.key = s.attr_keys().get(a.key);
    in.type = a.type;
    switch (a.type) {
      case AttrType::String: in.text = s.attr_strings().get(a.as_string_id()); break;
      case AttrType::Int: in.integer = a.as_int(); break;
      case AttrType::Double: in.real = a.as_double(); break;
      case AttrType::Bool: in.boolean = a.as_bool(); break;
    }
    out.push_back(in);
  }
  return out;
}

void write_json(const std::string& path, const Snapshot& s, const Sub& sub, CommunityId c) {
  WriteOptions wo;
  wo.format = SnapshotFormat::Json;
  SnapshotWriter w(path, wo);
  SnapshotMeta meta = s.meta();
  meta.id = (meta.id.empty() ? std::string("snapshot") : meta.id) + "/community-" + std::to_string(c);
  w.header(meta);
  for (NodeId v : sub.nodes) {
    const auto attrs = attr_inputs(s, v);
    NodeRecord r;
    r.id = s.node_id(v);
    r.type = s.node_type(v);
    r.label = s.label(v);
    r.created_at = s.created_at(v);
    r.attrs = attrs;
    r.has_activity = s.has_activity(v);
    r.activity_buckets = s.activity_buckets(v);
    r.activity_values = s.activity_values(v);
    w.node(r);
  }
  for (EdgeId e : sub.edges) {
    EdgeRecord r;
    r.src = s.node_id(s.edge_src(e));
    r.dst = s.node_id(s.edge_dst(e));
    r.type = s.edge_type(e);
    r.weight = s.edge_weight(e);
    r.first_seen = s.first_seen(e);
    r.last_seen = s.last_seen(e);
    w.edge(r);
  }
  w.commit();
}

void write_graphml(const std::string& path, const Snapshot& s, const Sub& sub, const Partition& p) {
  std::string b =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\">\n"
      "  <key id=\"type\" for=\"node\" attr.name=\"type\" attr.type=\"string\"/>\n"
      "  <key id=\"label\" for=\"node\" attr.name=\"label\" attr.type=\"string\"/>\n"
      "  <key id=\"community\" for=\"node\" attr.name=\"community\" attr.type=\"long\"/>\n"
      "  <key id=\"etype\" for=\"edge\" attr.name=\"type\" attr.type=\"string\"/>\n"
      "  <key id=\"weight\" for=\"edge\" attr.name=\"weight\" attr.type=\"double\"/>\n"
      "  <graph edgedefault=\"undirected\">\n";
  for (NodeId v : sub.nodes) {
    b += "    <node id=\"";
    append_xml(b, s.node_id(v));
    b += "\"><data key=\"type\">";
    append_xml(b, s.node_type(v));
    b += "</data><data key=\"label\">";
    b += to_string(s.label(v));
    b += "</data><data key=\"community\">" + std::to_string(p.membership[v]) + "</data></node>\n";
  }
  for (EdgeId e : sub.edges) {
    b += "    <edge source=\"";
    append_xml(b, s.node_id(s.edge_src(e)));
    b += "\" target=\"";
    append_xml(b, s.node_id(s.edge_dst(e)));
    b += "\"><data key=\"etype\">";
    append_xml(b, s.edge_type(e));
    b += "</data><data key=\"weight\">" + num_text(s.edge_weight(e)) + "</data></edge>\n";
  }
  b += "  </graph>\n</graphml>\n";
  write_file_atomic(path, b);
}

void write_gexf(const std::string& path, const Snapshot& s, const Sub& sub, const Partition& p) {
  std::string b =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<gexf xmlns=\"http://gexf.net/1.3\" version=\"1.3\">\n"
      "  <graph defaultedgetype=\"undirected\">\n"
      "    <attributes class=\"node\">\n"
      "      <attribute id=\"0\" title=\"type\" type=\"string\"/>\n"
      "      <attribute id=\"1\" title=\"label\" type=\"string\"/>\n"
      "      <attribute id=\"2\" title=\"community\" type=\"long\"/>\n"
      "    </attributes>\n"
      "    <nodes>\n";
  for (NodeId v : sub.nodes) {
    b += "      <node id=\"";
    append_xml(b, s.node_id(v));
    b += "\" label=\"";
    append_xml(b, s.node_id(v));
    b += "\"><attvalues><attvalue for=\"0\" value=\"";
    append_xml(b, s.node_type(v));
    b += "\"/><attvalue for=\"1\" value=\"";
    b += to_string(s.label(v));
    b += "\"/><attvalue for=\"2\" value=\"" + std::to_string(p.membership[v]) + "\"/></attvalues></node>\n";
  }
  b += "    </nodes>\n    <edges>\n";
  std::uint64_t id = 0;
  for (EdgeId e : sub.edges) {
    b += "      <edge id=\"" + std::to_string(id++) + "\" source=\"";
    append_xml(b, s.node_id(s.edge_src(e)));
    b += "\" target=\"";
    append_xml(b, s.node_id(s.edge_dst(e)));
    b += "\" label=\"";
    append_xml(b, s.edge_type(e));
    b += "\" weight=\"" + num_text(s.edge_weight(e)) + "\"/>\n";
  }
  b += "    </edges>\n  </graph>\n</gexf>\n";
  write_file_atomic(path, b);
}

void write_dot(const std::string& path, const Snapshot& s, const Sub& sub, CommunityId c) {
  std::string b = "graph \"community-" + std::to_string(c) + "\" {\n";
  for (NodeId v : sub.nodes) {
    b += "  ";
    append_dot_id(b, s.node_id(v));
    b += " [type=";
    append_dot_id(b, s.node_type(v));
    if (s.label(v) != Label::Unknown) {
      b += ", label_status=";
      append_dot_id(b, to_string(s.label(v)));
    }
    b += "];\n";
  }
  for (EdgeId e : sub.edges) {
    b += "  ";
    append_dot_id(b, s.node_id(s.edge_src(e)));
    b += " -- ";
    append_dot_id(b, s.node_id(s.edge_dst(e)));
    b += " [type=";
    append_dot_id(b, s.edge_type(e));
    b += ", weight=" + num_text(s.edge_weight(e)) + "];\n";
  }
  b += "}\n";
  write_file_atomic(path, b);
}

}  // namespace

std::vector<std::string> write_suspect_subgraphs(const std::string& dir, const Snapshot& s, const Incidence& inc,
                                                 const Partition& p, const ScoringResult& scoring,
                                                 const SuspectExportOptions& options) {
  if (::mkdir(dir.c_str(), 0777) != 0 && errno != EEXIST)
    throw std::runtime_error("cannot create " + dir + ": " + std::strerror(errno));
  std::vector<std::string> files;
  std::vector<std::uint64_t> offsets;
  std::vector<NodeId> all;
  p.members(offsets, all);
  std::vector<std::uint8_t> mark(s.num_nodes(), 0);
  std::uint32_t written = 0;
  for (CommunityId c : scoring.ranking) {
    if (options.max_communities != 0 && written >= options.max_communities) break;
    ++written;
    const std::vector<NodeId> members(all.begin() + static_cast<std::ptrdiff_t>(offsets[c]),
                                      all.begin() + static_cast<std::ptrdiff_t>(offsets[c + 1]));
    const Sub sub = collect(s, inc, p, c, members, mark);
    const std::string base = "community-" + std::to_string(c);
    write_json(dir + "/" + base + ".json", s, sub, c);
    files.push_back(base + ".json");
    if (options.graphml) {
      write_graphml(dir + "/" + base + ".graphml", s, sub, p);
      files.push_back(base + ".graphml");
    }
    if (options.gexf) {
      write_gexf(dir + "/" + base + ".gexf", s, sub, p);
      files.push_back(base + ".gexf");
    }
    if (options.dot) {
      write_dot(dir + "/" + base + ".dot", s, sub, c);
      files.push_back(base + ".dot");
    }
  }
  return files;
}

}  // namespace hydrascope
