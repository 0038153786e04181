#!/usr/bin/python3
"""Reads one exported subgraph back with the tools each format is for and
compares it with the subgraph's snapshot JSON (the loadable reference).

usage: check_exports.py DIR NAME   (DIR/NAME.json, .graphml, .gexf, .dot must exist)

GraphML: networkx and python-igraph (Debian python3-networkx, python3-igraph).
GEXF: parsed as XML and checked against the schema's structure; GEXF 1.2 (the
default) read as it is by networkx's read_gexf and into python-igraph through
Graph.from_networkx (igraph has no GEXF reader of its own); GEXF 1.3
(`gexf13`) read by networkx after renaming the namespace to 1.2draft
(networkx 2.8 reads only up to 1.2draft). DOT: rendered by `dot -Tsvg`, which
must not warn.
Exit 0 when everything matches, 1 with one line per mismatch otherwise."""
import json
import math
import subprocess
import sys
import xml.etree.ElementTree as ET

import igraph
import networkx as nx

RESERVED = {"id", "type", "label", "created_at"}
problems = []


def fail(msg):
    problems.append(msg)


def clean(s):
    """The id as it must appear in XML / DOT: itself unless it has bytes XML 1.0 cannot hold."""
    if isinstance(s, str) and all(ord(c) >= 0x20 or c in "\t\n\r" for c in s) and \
            not any(0xDC80 <= ord(c) <= 0xDCFF or ord(c) in (0xFFFE, 0xFFFF) for c in s):
        return s
    return None  # replaced and hashed: compare by count only


def same(a, b):
    if isinstance(a, bool) or isinstance(b, bool):
        return bool(a) == bool(b)
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return math.isclose(float(a), float(b), rel_tol=1e-12, abs_tol=0.0)
    return a == b


def repr_seconds(t):
    return f"{t:.6f}"


def main():
    d, name = sys.argv[1], sys.argv[2]
    with open(f"{d}/{name}.json", "rb") as f:
        ref = json.loads(f.read().decode("utf-8", "surrogateescape"))
    nodes = {n["id"]: n for n in ref["nodes"]}
    edges = ref["edges"]

    def flat_attrs(n):
        return {("attr_" + k if k in RESERVED else k): v for k, v in n.get("attrs", {}).items()}

    # --- GraphML with networkx -------------------------------------------------
    g = nx.read_graphml(f"{d}/{name}.graphml")
    if g.number_of_nodes() != len(nodes):
        fail(f"graphml/networkx: {g.number_of_nodes()} nodes, expected {len(nodes)}")
    if g.number_of_edges() != len(edges):
        fail(f"graphml/networkx: {g.number_of_edges()} edges, expected {len(edges)}")
    for nid, n in nodes.items():
        key = clean(nid)
        if key is None:
            continue
        if key not in g.nodes:
            fail(f"graphml/networkx: node {key!r} missing")
            continue
        data = g.nodes[key]
        if data.get("type") != n["type"]:
            fail(f"graphml/networkx: node {key!r} type {data.get('type')!r} != {n['type']!r}")
        if n.get("label", "unknown") != "unknown" and data.get("label") != n["label"]:
            fail(f"graphml/networkx: node {key!r} label {data.get('label')!r}")
        for k, v in flat_attrs(n).items():
            if clean(k) is None or (isinstance(v, str) and clean(v) is None):
                continue
            if k not in data:
                fail(f"graphml/networkx: node {key!r} lacks attr {k!r}")
            elif not same(data[k], v) and str(data[k]) != str(v):
                fail(f"graphml/networkx: node {key!r} attr {k!r} = {data[k]!r}, expected {v!r}")
    etypes = sorted(e["type"] for e in edges if clean(e["type"]) is not None)
    got = sorted(t for _, _, t in g.edges(data="type") if t is not None and clean(t) is not None)
    if got != etypes:
        fail("graphml/networkx: edge types differ")

    # --- GraphML with igraph ----------------------------------------------------
    h = igraph.Graph.Read_GraphML(f"{d}/{name}.graphml")
    if h.vcount() != len(nodes) or h.ecount() != len(edges):
        fail(f"graphml/igraph: {h.vcount()} nodes / {h.ecount()} edges, expected {len(nodes)} / {len(edges)}")
    # libxml2 as igraph 0.10 drives it hands `&amp;` inside an XML attribute
    # (the node id) over as `&#38;`: undo that known igraph quirk.
    for v in h.vs:
        v["id"] = v["id"].replace("&#38;", "&")
    ids = set(h.vs["id"])
    for nid, n in nodes.items():
        key = clean(nid)
        if key is not None and key not in ids:
            fail(f"graphml/igraph: node {key!r} missing")
    for v in h.vs:
        n = nodes.get(v["id"])
        if n is not None and v["type"] != n["type"]:
            fail(f"graphml/igraph: node {v['id']!r} type {v['type']!r}")
        if n is not None:
            for k, val in flat_attrs(n).items():
                if k in h.vs.attributes() and isinstance(val, str) and clean(val) is not None and v[k] != val:
                    fail(f"graphml/igraph: node {v['id']!r} attr {k!r} = {v[k]!r}, expected {val!r}")

    # --- GEXF 1.2 or 1.3 ----------------------------------------------------------
    raw = open(f"{d}/{name}.gexf", encoding="utf-8").read()
    v13 = 'version="1.3"' in raw.split("\n", 2)[1]
    uri = "http://gexf.net/1.3" if v13 else "http://www.gexf.net/1.2draft"
    ns = {"g": uri}
    root = ET.parse(f"{d}/{name}.gexf").getroot()
    if root.tag != "{%s}gexf" % uri or root.get("version") != ("1.3" if v13 else "1.2"):
        fail(f"gexf: root is not <gexf version={'1.3' if v13 else '1.2'}> in its namespace")
    graph = root.find("g:graph", ns)
    titles = {a.get("id"): a.get("title") for a in graph.findall("g:attributes[@class='node']/g:attribute", ns)}
    if titles.get("type") != "type":
        fail("gexf: no node attribute 'type'")
    xnodes = graph.findall("g:nodes/g:node", ns)
    xedges = graph.findall("g:edges/g:edge", ns)
    if len(xnodes) != len(nodes) or len(xedges) != len(edges):
        fail(f"gexf: {len(xnodes)} nodes / {len(xedges)} edges, expected {len(nodes)} / {len(edges)}")
    xids = {x.get("id") for x in xnodes}
    if len(xids) != len(xnodes):
        fail("gexf: node ids are not unique")
    for x in xnodes:
        n = nodes.get(x.get("id"))
        vals = {a.get("for"): a.get("value") for a in x.findall("g:attvalues/g:attvalue", ns)}
        if n is not None and vals.get("type") != n["type"]:
            fail(f"gexf: node {x.get('id')!r} type {vals.get('type')!r}")
        if n is not None and x.get("label") != n["id"]:
            fail(f"gexf: node {x.get('id')!r} label {x.get('label')!r}")
    timed = [e for e in edges if "first_seen" in e or "last_seen" in e]
    if timed:
        want_format = "dateTime" if v13 else "double"
        if graph.get("mode") != "dynamic" or graph.get("timeformat") != want_format:
            fail(f"gexf: edges have first/last seen but the graph is not dynamic with {want_format}")
        starts = sorted(x.get("start") for x in xedges if x.get("start") is not None)
        firsts = [e["first_seen"] for e in edges if "first_seen" in e]
        if not v13:  # Unix seconds
            from datetime import datetime
            firsts = [repr_seconds(datetime.fromisoformat(t.replace("Z", "+00:00")).timestamp()) for t in firsts]
            starts = sorted(repr_seconds(float(t)) for t in starts)
        if starts != sorted(firsts):
            fail(f"gexf: edge start times {starts[:3]} != first_seen {sorted(firsts)[:3]}")
    for x in xedges:
        if x.get("source") not in xids or x.get("target") not in xids:
            fail("gexf: an edge names an unknown node")
            break
    if v13:
        old = raw.replace('"http://gexf.net/1.3"', '"http://www.gexf.net/1.2draft"').replace('version="1.3"', 'version="1.2"')
        old = old.replace('http://gexf.net/1.3/viz', 'http://www.gexf.net/1.2draft/viz').replace('timeformat="dateTime"', 'timeformat="date"')
        path = f"{d}/{name}.nx.gexf"
        with open(path, "w", encoding="utf-8") as f:
            f.write(old)
    else:
        path = f"{d}/{name}.gexf"  # as written: Debian's networkx reads GEXF 1.2 directly
    x = nx.read_gexf(path)
    if x.number_of_nodes() != len(nodes) or x.number_of_edges() != len(edges):
        fail(f"gexf/networkx: {x.number_of_nodes()} nodes / {x.number_of_edges()} edges")
    if not v13:
        for nid, n in nodes.items():
            key = clean(nid)
            if key is not None and key in x.nodes and x.nodes[key].get("type") != n["type"]:
                fail(f"gexf/networkx: node {key!r} type {x.nodes[key].get('type')!r}")
        types = sorted(t for _, _, t in x.edges(data="type") if t is not None and clean(t) is not None)
        if types != sorted(e["type"] for e in edges if clean(e["type"]) is not None):
            fail("gexf/networkx: edge types differ")
        h = igraph.Graph.from_networkx(x)
        if h.vcount() != len(nodes) or h.ecount() != len(edges):
            fail(f"gexf/igraph: {h.vcount()} nodes / {h.ecount()} edges, expected {len(nodes)} / {len(edges)}")
        if sorted(h.vs["type"]) != sorted(n["type"] for n in nodes.values()):
            fail("gexf/igraph: node types differ")

    # --- DOT through Graphviz -------------------------------------------------------------
    r = subprocess.run(["dot", "-Tsvg", f"{d}/{name}.dot"], capture_output=True)
    if r.returncode != 0 or r.stderr.strip():
        fail(f"dot: exit {r.returncode}, stderr {r.stderr[:300]!r}")
    else:
        svg = ET.fromstring(r.stdout)
        svgns = "{http://www.w3.org/2000/svg}"
        drawn = [e for e in svg.iter(svgns + "g") if e.get("class") == "node"]
        if len(drawn) != len(nodes):
            fail(f"dot: {len(drawn)} nodes drawn, expected {len(nodes)}")
        for e in svg.iter():
            if e.tag.lower().endswith("script") or any(k.lower().startswith("on") for k in e.attrib):
                fail("dot: the SVG holds a script element or an event handler")
                break
        shown = {"".join(t.itertext()) for e in drawn for t in e.iter(svgns + "text")}
        for nid in nodes:
            if clean(nid) is not None and "\\" not in nid and "\n" not in nid and "\r" not in nid and nid not in shown:
                # Graphviz may break long labels; compare what it drew only for short ids.
                if len(nid) < 60:
                    fail(f"dot: node label {nid!r} not drawn as text")

    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
