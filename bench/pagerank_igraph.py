#!/usr/bin/python3
# Peer timing for docs/performance.md: python-igraph's weighted PageRank on the
# edge list written by `pagerank_bench --write-edges FILE`, and its largest
# difference from our values (FILE.pagerank). Run with /usr/bin/python3.
import sys
import time

import igraph as ig


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: pagerank_igraph.py EDGE_FILE NUM_NODES")
    path, n = sys.argv[1], int(sys.argv[2])
    t = time.perf_counter()
    edges, weights = [], []
    with open(path) as f:
        for line in f:
            u, v, w = line.split()
            edges.append((int(u), int(v)))
            weights.append(float(w))
    g = ig.Graph(n=n, edges=edges, directed=False)
    g.es["weight"] = weights
    del edges, weights
    print(f"igraph load_seconds={time.perf_counter() - t:.1f} n={g.vcount()} m={g.ecount()}")
    for implementation in ("prpack", "arpack"):
        t = time.perf_counter()
        pr = g.pagerank(weights="weight", damping=0.85, implementation=implementation)
        secs = time.perf_counter() - t
        line = f"igraph pagerank implementation={implementation} version={ig.__version__} seconds={secs:.3f}"
        try:
            with open(path + ".pagerank") as f:
                ours = [float(x) for x in f]
            line += f" max_abs_diff_vs_hydrascope={max(abs(a - b) for a, b in zip(ours, pr)):.3g}"
            line += f" l1_diff={sum(abs(a - b) for a, b in zip(ours, pr)):.3g}"
        except FileNotFoundError:
            pass
        print(line, flush=True)


if __name__ == "__main__":
    main()
