#!/usr/bin/python3
"""Modularity of `hydrascope detect` over seeds, measured by igraph on
igraph's graph (docs/performance.md, "(c) Edge-list detection"), beside
igraph's own Leiden with `n_iterations=2` on the same seeds.

usage: bench/modularity_seeds.py EDGELIST [--hydrascope BIN] [--seeds N] [--no-igraph] [-- DETECT_OPTIONS...]
  EDGELIST without `#` lines (igraph's reader refuses them).
Prints one line per seed, then the mean and range of each.
"""
import argparse
import csv
import os
import random
import statistics
import subprocess
import sys
import tempfile

import igraph as ig

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    argv = sys.argv[1:]
    extra = []
    if "--" in argv:
        i = argv.index("--")
        argv, extra = argv[:i], argv[i + 1:]
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("edgelist")
    ap.add_argument("--hydrascope", default=os.path.join(os.path.dirname(HERE), "build", "hydrascope"))
    ap.add_argument("--seeds", type=int, default=10)
    ap.add_argument("--no-igraph", action="store_true")
    a = ap.parse_args(argv)
    g = ig.Graph.Read_Edgelist(a.edgelist, directed=False)
    ours, theirs = [], []
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "membership.csv")
        for seed in range(1, a.seeds + 1):
            subprocess.run([a.hydrascope, "-q", "detect", a.edgelist, "--out", out, "--threads", "2",
                            "--seed", str(seed)] + extra, check=True, capture_output=True)
            member = {}
            with open(out) as f:
                rows = csv.reader(f)
                next(rows)
                for row in rows:
                    member[int(row[0].lstrip("'"))] = int(row[1])
            labels = [member.get(v, -1) for v in range(g.vcount())]
            fresh = max(labels) + 1
            for i, c in enumerate(labels):  # a vertex the file never names: alone
                if c < 0:
                    labels[i], fresh = fresh, fresh + 1
            ours.append(g.modularity(labels))
            line = "seed %d: hydrascope Q %.4f" % (seed, ours[-1])
            if not a.no_igraph:
                random.seed(seed)
                theirs.append(g.modularity(g.community_leiden(objective_function="modularity",
                                                               n_iterations=2).membership))
                line += "   igraph Q %.4f" % theirs[-1]
            print(line, flush=True)
    for name, q in (("hydrascope", ours), ("igraph", theirs)):
        if q:
            print("%s: mean Q %.4f (%.4f-%.4f) over %d seeds" % (name, statistics.mean(q), min(q), max(q), len(q)))


if __name__ == "__main__":
    sys.exit(main())
