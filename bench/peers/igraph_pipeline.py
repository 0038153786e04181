#!/usr/bin/python3
"""Peer of `hydrascope run` for bench/run_bench.sh: the same pipeline scripted
with python-igraph on the same NDJSON snapshot.

Stages (timed separately, printed as one JSON line on stdout):
  load        parse the NDJSON (json module), intern node ids
  build       the analysis-graph weights hydrascope uses by default
              (1 + ln(requests)) x type weight (paid_with 3, egress_ip 0.5,
              others 1) x 1/ln(e + deg - 1) at each non-account end; entities
              with more than 5000 edges dropped; parallel edges summed
              (igraph simplify(combine_edges="sum"))
  leiden      Graph.community_leiden(objective_function="modularity", weights,
              n_iterations=-1 (until stable), seed from --seed)
  pagerank    Graph.pagerank(weights, damping 0.85)
  coreness    Graph.coreness()
No scoring or export: igraph has no counterpart; hydrascope's timings for
those stages are reported beside, not compared.

usage: bench/peers/igraph_pipeline.py SNAPSHOT.ndjson [--seed S]
"""
import json
import math
import random
import resource
import sys
import time

import igraph

TYPE_WEIGHT = {"paid_with": 3.0, "uses_ip": 1.0, "via_proxy": 1.0, "uses_device": 1.0, "egress_ip": 0.5}
DEGREE_CAP = 5000


def main(argv):
    if len(argv) < 2:
        sys.stderr.write(__doc__)
        return 2
    path = argv[1]
    seed = 1
    if "--seed" in argv:
        seed = int(argv[argv.index("--seed") + 1])
    times = {}
    t0 = time.perf_counter()
    ids = {}
    is_account = []
    src, dst, w_raw, etype = [], [], [], []
    with open(path, "rb") as f:
        header = True
        for line in f:
            if not line.strip():
                continue
            rec = json.loads(line)
            if header:
                header = False
                continue
            if rec.get("kind") == "node":
                nid = rec["id"]
                if nid not in ids:
                    ids[nid] = len(is_account)
                    is_account.append(rec["type"] == "account")
            else:
                src.append(rec["src"])
                dst.append(rec["dst"])
                w_raw.append(float(rec.get("weight", 1)))
                etype.append(rec["type"])
    s_idx = [ids[x] for x in src]
    d_idx = [ids[x] for x in dst]
    del src, dst
    times["load"] = time.perf_counter() - t0

    t = time.perf_counter()
    n = len(is_account)
    deg = [0] * n
    for u, v in zip(s_idx, d_idx):
        deg[u] += 1
        deg[v] += 1
    damp = [1.0 if is_account[v] else 1.0 / math.log(math.e + max(1, deg[v]) - 1.0) for v in range(n)]
    hub = [(not is_account[v]) and deg[v] > DEGREE_CAP for v in range(n)]
    edges, weights = [], []
    for u, v, w, ty in zip(s_idx, d_idx, w_raw, etype):
        if hub[u] or hub[v]:
            continue
        edges.append((u, v))
        weights.append((1.0 + math.log(max(1.0, w))) * TYPE_WEIGHT.get(ty, 1.0) * damp[u] * damp[v])
    g = igraph.Graph(n=n, edges=edges, directed=False)
    g.es["weight"] = weights
    g.simplify(multiple=True, loops=True, combine_edges="sum")
    del edges, weights
    times["build"] = time.perf_counter() - t

    t = time.perf_counter()
    random.seed(seed)
    igraph.set_random_number_generator(random)
    part = g.community_leiden(objective_function="modularity", weights="weight", n_iterations=-1)
    times["leiden"] = time.perf_counter() - t

    t = time.perf_counter()
    pr = g.pagerank(weights="weight", damping=0.85)
    times["pagerank"] = time.perf_counter() - t

    t = time.perf_counter()
    core = g.coreness()
    times["coreness"] = time.perf_counter() - t
    times["total"] = time.perf_counter() - t0

    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(json.dumps({
        "peer": "python-igraph " + igraph.__version__,
        "nodes": g.vcount(), "edges": g.ecount(),
        "communities": len(part), "modularity": g.modularity(part, weights="weight"),
        "max_core": max(core) if core else 0, "pagerank_sum": sum(pr),
        "seconds": {k: round(v, 3) for k, v in times.items()},
        "peak_rss_bytes": rss,
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
