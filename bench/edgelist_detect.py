#!/usr/bin/python3
"""Community detection on a plain edge list, end to end, beside python-igraph
(docs/performance.md, "Edge-list detection end to end"): alternately, ROUNDS
times,

  hydrascope   `hydrascope -q detect FILE --out CSV --threads T --json`: wall
               time of the whole process (read, build, Leiden, CSV written)
               and its own Leiden seconds;
  igraph       in this process: `Graph.Read_Edgelist(FILE, directed=False)`
               then `community_leiden(objective_function="modularity",
               n_iterations=2)` (igraph's Leiden, the same two outer
               iterations), each timed;

and the modularity of both partitions, computed by igraph on igraph's graph
(so that both are measured the same way). Round r seeds both with r
(`detect --seed r`, Python's `random.seed(r)`, which igraph's Python
interface uses), so the rounds also compare the two over seeds. Prints one
line per round, then medians, ratios and the modularity per seed and on
average.

usage: bench/edgelist_detect.py EDGELIST [--hydrascope BIN] [--threads T] [--rounds R] [--out DIR]
  (bench/make_edgelist.py writes such a file; bench/hsnap_bench.sh part (b) makes the one docs/ uses)
"""
import argparse
import csv
import json
import os
import random
import statistics
import subprocess
import sys
import time

import igraph as ig

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("edgelist")
    ap.add_argument("--hydrascope", default=os.path.join(os.path.dirname(HERE), "build", "hydrascope"))
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--out", default="/tmp/edgelist-detect")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    load = os.getloadavg()
    print("# %s, %d cpus, load %.2f %.2f %.2f, threads %d, %s" % (
        time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), os.cpu_count(), *load, a.threads, a.edgelist))
    hs_wall, hs_leiden, ig_read, ig_leiden, ig_total = [], [], [], [], []
    q_hs, q_ig = [], []
    for r in range(a.rounds):
        seed = r + 1
        out_csv = os.path.join(a.out, "membership.csv")
        t0 = time.perf_counter()
        res = subprocess.run([a.hydrascope, "-q", "detect", a.edgelist, "--out", out_csv, "--threads", str(a.threads),
                              "--seed", str(seed), "--json"], check=True, capture_output=True, text=True,
                             env=dict(os.environ, OMP_WAIT_POLICY="passive"))
        wall = time.perf_counter() - t0
        info = json.loads(res.stdout)
        hs_wall.append(wall)
        hs_leiden.append(info["seconds"]["detect"])
        t0 = time.perf_counter()
        g = ig.Graph.Read_Edgelist(a.edgelist, directed=False)
        random.seed(seed)
        t1 = time.perf_counter()
        part = g.community_leiden(objective_function="modularity", n_iterations=2)
        t2 = time.perf_counter()
        ig_read.append(t1 - t0)
        ig_leiden.append(t2 - t1)
        ig_total.append(t2 - t0)
        # hydrascope's partition on igraph's graph (node ids are the integers of the file)
        member = [0] * g.vcount()
        nxt = max(int(row["community_id"]) for row in csv.DictReader(open(out_csv))) + 1
        seen = set()
        for row in csv.DictReader(open(out_csv)):
            v = int(row["node_id"])
            member[v] = int(row["community_id"])
            seen.add(v)
        for v in range(g.vcount()):  # ids absent from the file (igraph makes 0..max): singletons
            if v not in seen:
                member[v] = nxt
                nxt += 1
        q_hs.append(g.modularity(member))
        q_ig.append(g.modularity(part.membership))
        print("round %d (seed %d): hydrascope %.3f s (Leiden %.3f s, Q %.4f)   igraph read %.3f s + Leiden %.3f s = %.3f s (Q %.4f)" % (
            r + 1, seed, wall, hs_leiden[-1], q_hs[-1], ig_read[-1], ig_leiden[-1], ig_total[-1], q_ig[-1]))
        sys.stdout.flush()
    m = statistics.median
    print("median: hydrascope %.3f s end to end (Leiden %.3f s); igraph %.3f s (read %.3f, Leiden %.3f)" % (
        m(hs_wall), m(hs_leiden), m(ig_total), m(ig_read), m(ig_leiden)))
    print("ratio igraph / hydrascope: end to end %.2fx, Leiden %.2fx" % (m(ig_total) / m(hs_wall), m(ig_leiden) / m(hs_leiden)))
    print("modularity on igraph's graph, mean over seeds 1-%d: hydrascope %.4f (%.4f-%.4f), igraph %.4f (%.4f-%.4f)" % (
        a.rounds, statistics.mean(q_hs), min(q_hs), max(q_hs), statistics.mean(q_ig), min(q_ig), max(q_ig)))
    load = os.getloadavg()
    print("# load at the end: %.2f %.2f %.2f" % load)
    return 0


if __name__ == "__main__":
    sys.exit(main())
