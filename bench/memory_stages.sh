#!/usr/bin/env bash
# Where the memory of `hydrascope run` goes (docs/performance.md, "Memory").
#
#   bench/memory_stages.sh BINARY SNAPSHOT.hsnap [INPUT...]
#
# 1. The Snapshot model, column by column: a .hsnap file holds the model's
#    columns exactly as they sit in memory (ids, types, activity, edges, plus
#    the id and edge order indexes), so its section table gives the bytes of
#    every column, per node, per edge and per stored activity value.
# 2. For each INPUT (default: the .hsnap itself): `hydrascope run INPUT --seed 1
#    --threads 2` under /usr/bin/time, then the process's resident set at the
#    end of every stage and its peak so far (timings.json stage_rss_bytes,
#    stage_peak_rss_bytes), with the counts of run.json.
# 3. The structures the stages build, from those counts and the element sizes
#    of their declarations (include/hydrascope/*.hpp), per node and per edge.
#
# Prints the machine, its load and the time first. Needs python3.
set -euo pipefail
[[ $# -ge 2 ]] || { echo "usage: $0 BINARY SNAPSHOT.hsnap [INPUT...]" >&2; exit 2; }
bin=$1
hsnap=$2
shift 2
inputs=("$@")
[[ ${#inputs[@]} -gt 0 ]] || inputs=("$hsnap")
work=$(mktemp -d /tmp/hydrascope-memory.XXXXXX)
trap 'rm -rf "$work"' EXIT
echo "# machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GB", $2/1e6}' /proc/meminfo); load $(cut -d' ' -f1-3 /proc/loadavg); $(date -u +%Y-%m-%dT%H:%MZ); $("$bin" --version 2>/dev/null | head -1)"

echo
echo "## 1. Snapshot model ($hsnap)"
python3 - "$hsnap" <<'PY'
import struct, sys
f = open(sys.argv[1], "rb")
h = f.read(64)
_, _, _, _, sections, _, nodes, edges = struct.unpack_from("<8sIIQIIQQ", h)
names = [None, "meta", "ids.bytes", "ids.offsets", "node_types.bytes", "node_types.offsets", "edge_types.bytes",
         "edge_types.offsets", "attr_keys.bytes", "attr_keys.offsets", "attr_strings.bytes", "attr_strings.offsets",
         "kind", "type", "label", "created_at", "attr_offsets", "attrs", "has_activity", "activity_offsets",
         "activity_buckets", "activity_values", "src", "dst", "edge_type", "weight", "first_seen", "last_seen",
         "edge_order", "ids.order"]
rows = {}
for i in range(sections):
    sid, elem, off, count, crc, _ = struct.unpack("<IIQQII", f.read(32))
    rows[names[sid]] = (elem, count, elem * count)
values = rows["activity_values"][1]
print(f"nodes {nodes:,}  edges {edges:,}  stored (non-zero) activity values {values:,}"
      f" ({values / max(1, nodes):.1f} per node)")
groups = [
    ("node ids (bytes + offsets + order index)", ["ids.bytes", "ids.offsets", "ids.order"], "node"),
    ("node columns (kind, type, label, created_at, has_activity)", ["kind", "type", "label", "created_at", "has_activity"], "node"),
    ("attrs (offsets + 16-byte entries + pools)", ["attr_offsets", "attrs", "attr_keys.bytes", "attr_keys.offsets",
                                                    "attr_strings.bytes", "attr_strings.offsets"], "node"),
    ("activity offsets", ["activity_offsets"], "node"),
    (f"activity buckets ({rows['activity_buckets'][0]} B) + values ({rows['activity_values'][0]} B)",
     ["activity_buckets", "activity_values"], "value"),
    ("edges (src, dst, type, weight, first/last seen)", ["src", "dst", "edge_type", "weight", "first_seen", "last_seen"], "edge"),
    ("edge order index", ["edge_order"], "edge"),
]
total = 0
print(f"{'part':<62} {'MB':>9} {'per node':>9} {'per edge':>9} {'per value':>9}")
for label, keys, per in groups:
    b = sum(rows[k][2] for k in keys if k in rows)
    total += b
    pn = f"{b / nodes:9.1f}" if per == "node" else " " * 9
    pe = f"{b / edges:9.1f}" if per == "edge" else " " * 9
    pv = f"{b / values:9.1f}" if per == "value" and values else " " * 9
    print(f"{label:<62} {b / 1e6:9.1f} {pn} {pe} {pv}")
print(f"{'total':<62} {total / 1e6:9.1f}")
PY

for input in "${inputs[@]}"; do
  out=$work/run
  echo
  echo "## 2. hydrascope run $input --seed 1 --threads 2"
  /usr/bin/time -f "%e %M" -o "$work/time" "$bin" -q run "$input" --out "$out" --seed 1 --threads 2 --force > /dev/null
  python3 - "$out" "$work/time" <<'PY'
import json, sys
out, timef = sys.argv[1], sys.argv[2]
wall, kb = open(timef).read().split()[-2:]
t = json.load(open(out + "/timings.json"))
r = json.load(open(out + "/run.json"))
c = r["counts"]
print(f"wall {float(wall):.1f} s, peak RSS {int(kb) * 1024 / 1e6:,.0f} MB (/usr/bin/time); counts: " +
      ", ".join(f"{k} {c[k]:,}" for k in ("nodes", "edges", "accounts", "analysis_edges", "communities")))
print(f"{'stage':<11} {'seconds':>8} {'RSS at end MB':>14} {'change MB':>10} {'peak so far MB':>15}")
prev = 0
for k, v in t["stage_rss_bytes"].items():
    p = t["stage_peak_rss_bytes"][k]
    print(f"{k:<11} {t['timings_seconds'].get(k, 0):8.2f} {v / 1e6:14.0f} {(v - prev) / 1e6:+10.0f} {p / 1e6:15.0f}")
    prev = v
n, m, a, am, k = c["nodes"], c["edges"], c["accounts"], c["analysis_edges"], c["communities"]
print()
print("## 3. Structures of the stages (element sizes from include/hydrascope/*.hpp)")
# (name, bytes, alive until)
acc_feats, comm_feats = 30, 57  # engine/features/schema.hpp: account-level, community + quantile values per slot
parts = [
    ("analysis graph: offsets u64 (n+1), targets u32 + weights f64 (2 per analysis edge), strength f64 (n)",
     8 * (n + 1) + 12 * 2 * am + 8 * n, "centrality (freed after it by `run`)"),
    ("incidence: offsets u64 (n+1), neighbour u32 + edge id u64 (2 per edge)", 8 * (n + 1) + 12 * 2 * m, "export"),
    ("partition (detected, refined): u32 per node each", 2 * 4 * n, "detected: refine; refined: export"),
    ("PageRank, personalized PageRank: f64 per node each; core numbers u32", 8 * 2 * n + 4 * n, "export"),
    (f"FeatureTable: {acc_feats} f32 per account, row/slot maps, {comm_feats} f32 per community",
     4 * (acc_feats * a + n + 2 * a) + 4 * comm_feats * k, "score (freed after it by `run`)"),
    ("scoring: risk f64 + suspect u8 + family u8 per node, 32 B per community", 10 * n + 32 * k, "export"),
]
print(f"{'structure':<100} {'MB':>8} {'B/node':>7} {'B/edge':>7}  alive until")
for name, b, until in parts:
    print(f"{name:<100} {b / 1e6:8.1f} {b / n:7.1f} {b / m:7.1f}  {until}")
PY
done
