#!/usr/bin/env python3
"""Writes a SNAP-style edge list (tab-separated integer ids, `#` header lines)
for the edge-list loading benchmark (bench/hsnap_bench.sh): EDGES edges over
NODES nodes, endpoints drawn with a heavy-tailed skew, deterministic per seed.
The default size is that of the issue-22 measurement (1.1 M edges, ~14 MB).

    bench/make_edgelist.py --edges 1100000 --nodes 320000 --seed 7 --out /tmp/snap.txt
"""
import argparse
import random

ap = argparse.ArgumentParser()
ap.add_argument("--edges", type=int, default=1100000)
ap.add_argument("--nodes", type=int, default=320000)
ap.add_argument("--seed", type=int, default=7)
ap.add_argument("--out", required=True)
a = ap.parse_args()
rng = random.Random(a.seed)
n = a.nodes
# A random relabelling so that ids are not in degree order.
label = list(range(n))
rng.shuffle(label)
with open(a.out, "w") as f:
    f.write("# Directed graph (each unordered pair of nodes is saved once): synthetic\n")
    f.write("# Nodes: %d Edges: %d\n" % (n, a.edges))
    f.write("# FromNodeId\tToNodeId\n")
    lines = []
    for _ in range(a.edges):
        u = label[int(n * rng.random() ** 2.2)]
        v = label[int(n * rng.random())]
        lines.append("%d\t%d\n" % (u, v))
        if len(lines) >= 100000:
            f.write("".join(lines))
            lines = []
    f.write("".join(lines))
