#!/usr/bin/python3
"""Peer side of the community benchmark: runs one igraph / leidenalg method on a
`u v [w]` edge list (n = max id + 1, the graph community_bench sees) and prints
one self-describing line like community_bench. Run with /usr/bin/python3."""
import argparse
import resource
import sys
import time

import igraph as ig


def read_graph(path):
    edges, weights, n, weighted = [], [], 0, False
    seen = {}
    with open(path) as f:
        for line in f:
            if not line.strip() or line[0] in "#%":
                continue
            parts = line.replace(",", " ").split()
            u, v = int(parts[0]), int(parts[1])
            w = float(parts[2]) if len(parts) > 2 else 1.0
            weighted = weighted or len(parts) > 2
            n = max(n, u + 1, v + 1)
            if u == v:
                continue
            key = (u, v) if u < v else (v, u)
            # Same rule as community_bench: repeated pairs keep the max weight.
            i = seen.get(key)
            if i is None:
                seen[key] = len(edges)
                edges.append(key)
                weights.append(w)
            elif w > weights[i]:
                weights[i] = w
    del seen
    g = ig.Graph(n=n, edges=edges)
    if weighted:
        g.es["weight"] = weights
    return g, weighted


def read_truth(path, n):
    t = [-1] * n
    with open(path) as f:
        for line in f:
            if not line.strip() or line[0] == "#":
                continue
            v, c = line.split()[:2]
            v = int(v)
            if v < n:
                t[v] = int(c)
    nxt = max(t + [0]) + 1
    for i in range(n):
        if t[i] < 0:
            t[i] = nxt
            nxt += 1
    return t


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--edges", required=True)
    ap.add_argument("--truth")
    ap.add_argument("--name")
    ap.add_argument("--method", required=True, choices=["igraph_leiden", "leidenalg", "igraph_louvain"])
    ap.add_argument("--iterations", type=int, default=2, help="igraph_leiden n_iterations")
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    t0 = time.perf_counter()
    g, weighted = read_graph(a.edges)
    load_s = time.perf_counter() - t0
    w = "weight" if weighted else None
    import random
    random.seed(a.seed)
    ig.set_random_number_generator(random)
    t1 = time.perf_counter()
    c1 = time.process_time()
    if a.method == "igraph_leiden":
        membership = g.community_leiden(objective_function="modularity", weights=w,
                                        n_iterations=a.iterations).membership
    elif a.method == "leidenalg":
        import leidenalg
        membership = leidenalg.find_partition(g, leidenalg.ModularityVertexPartition, weights=w,
                                              seed=a.seed).membership
    else:
        membership = g.community_multilevel(weights=w).membership
    secs = time.perf_counter() - t1
    cpu = time.process_time() - c1
    q = g.modularity(membership, weights=w)
    nmi = -1.0
    if a.truth:
        nmi = ig.compare_communities(membership, read_truth(a.truth, g.vcount()), method="nmi")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    iters = a.iterations if a.method == "igraph_leiden" else 0
    print(f"tool={a.method} graph={a.name or a.edges} n={g.vcount()} m={g.ecount()} iterations={iters} "
          f"seed={a.seed} load_s={load_s:.3f} time_s={secs:.3f} cpu_s={cpu:.3f} modularity={q:.6f} "
          f"communities={max(membership) + 1 if membership else 0} nmi={nmi:.4f} peak_rss_mb={rss:.1f}")


if __name__ == "__main__":
    sys.exit(main())
