#!/bin/sh
# Export speed: `hydrascope export` of every suspect community of a run, and
# the peer (networkx writing the same subgraphs as GraphML) in the same run.
#
#   bench/export_bench.sh SNAPSHOT RUN_DIR [OUT]
#
# Prints hydrascope's load and select+write seconds (from its info line) for
# all formats and for GraphML alone, its peak RSS, and networkx's seconds to
# build and write the same subgraphs (read from our JSON export; only the
# graph construction and write_graphml are timed). Needs /usr/bin/python3
# with python3-networkx (scripts/setup.sh --peers).
set -eu
SNAP=${1:?usage: export_bench.sh SNAPSHOT RUN_DIR [OUT]}
RUN=${2:?usage: export_bench.sh SNAPSHOT RUN_DIR [OUT]}
OUT=${3:-out/export_bench}
HS=${HYDRASCOPE:-./build/hydrascope}
rm -rf "$OUT"
mkdir -p "$OUT"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load $(cut -d' ' -f1-3 /proc/loadavg)"
/usr/bin/time -v "$HS" export "$SNAP" --run "$RUN" --out "$OUT/all" --export-formats json,graphml,gexf,dot,csv,neo4j \
  > "$OUT/all.stdout" 2> "$OUT/all.stderr"
echo "hydrascope all formats: $(grep 'export:' "$OUT/all.stderr" | sed 's/.*export: //'); peak RSS $(grep 'Maximum resident' "$OUT/all.stderr" | awk '{print $6}') KB"
echo "  subgraphs: $(wc -l < "$OUT/all.stdout"), nodes: $(awk '{s+=$2} END {print s}' "$OUT/all.stdout"), bytes written: $(du -sb "$OUT/all" | cut -f1)"
"$HS" export "$SNAP" --run "$RUN" --out "$OUT/graphml" --export-formats graphml > /dev/null 2> "$OUT/graphml.stderr"
echo "hydrascope graphml only: $(grep 'export:' "$OUT/graphml.stderr" | sed 's/.*export: //')"
/usr/bin/python3 - "$OUT/all" "$OUT/peer" <<'PY'
import glob, json, os, sys, time
import networkx as nx
src, dst = sys.argv[1], sys.argv[2]
os.makedirs(dst, exist_ok=True)
total = 0.0
n = 0
for path in sorted(glob.glob(os.path.join(src, "community-*.json"))):
    with open(path, "rb") as f:
        doc = json.loads(f.read())
    t = time.perf_counter()
    g = nx.Graph()
    for node in doc["nodes"]:
        attrs = {"type": node["type"]}
        attrs.update(node.get("attrs", {}))
        g.add_node(node["id"], **attrs)
    for e in doc["edges"]:
        g.add_edge(e["src"], e["dst"], type=e["type"], weight=e.get("weight", 1))
    nx.write_graphml(g, os.path.join(dst, os.path.basename(path)[:-5] + ".graphml"))
    total += time.perf_counter() - t
    n += g.number_of_nodes()
print(f"networkx {nx.__version__} build + write_graphml: {total:.2f} s for {n} nodes")
PY
