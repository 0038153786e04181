#!/usr/bin/env python3
"""Would timing group farms? (docs/quality.md section 8)

usage: timing_neighbours.py [--k K] WORLD_DIR...

Each WORLD_DIR holds snapshot.ndjson (with activity) and truth.json. Every
account's activity is divided by the snapshot's load per bucket (so that
everyone's daytime does not look alike), log-scaled, centred and
normalised; its K most similar accounts (cosine) are found by brute force.
Prints per truth kind the share of those neighbours that belong to the
account's own truth cluster (accounts in no cluster: `none`, always 0) and
the mean similarity. A high share means timing alone would tie the kind
together. Needs numpy (Debian python3-numpy); 20,000 accounts take a few
seconds.
"""
import argparse
import collections
import json

import numpy as np

ap = argparse.ArgumentParser()
ap.add_argument("--k", type=int, default=5)
ap.add_argument("worlds", nargs="+")
args = ap.parse_args()
for w in args.worlds:
    truth = json.load(open(w + "/truth.json"))
    kind, cluster = {}, {}
    for c in truth["clusters"]:
        for a in c["accounts"]:
            kind[a], cluster[a] = c["kind"], c["id"]
    ids, rows = [], []
    for line in open(w + "/snapshot.ndjson"):
        if '"activity":[' not in line:
            continue
        d = json.loads(line)
        if d.get("type") == "account" and "activity" in d:
            ids.append(d["id"])
            rows.append(d["activity"])
    if not ids:
        print("%s: no activity" % w)
        continue
    x = np.array(rows, dtype=np.float32)
    load = x.sum(0)
    load = load / max(load.mean(), 1e-9)
    r = np.log1p(x / np.maximum(load, 1e-9))
    r -= r.mean(1, keepdims=True)
    r /= np.maximum(np.linalg.norm(r, axis=1, keepdims=True), 1e-9)
    n, k = len(ids), args.k
    same, sim = collections.defaultdict(list), collections.defaultdict(list)
    for s in range(0, n, 2000):
        block = r[s:s + 2000] @ r.T
        for i in range(block.shape[0]):
            block[i, s + i] = -2.0
        top = np.argpartition(-block, k, axis=1)[:, :k]
        for i in range(block.shape[0]):
            a = ids[s + i]
            c = cluster.get(a)
            same[kind.get(a, "none")].append(np.mean([c is not None and cluster.get(ids[j]) == c for j in top[i]]))
            sim[kind.get(a, "none")].append(float(block[i, top[i]].mean()))
    print("%s (%d accounts with activity, k=%d)" % (w, n, k))
    for kd in sorted(same, key=lambda kd: -len(same[kd])):
        print("  %-18s accounts %6d  own-cluster neighbours %.3f  mean similarity %.3f" %
              (kd, len(same[kd]), np.mean(same[kd]), np.mean(sim[kd])))
