#!/usr/bin/python3
"""Converts datasets/bitcoin-otc (SNAP soc-sign-bitcoinotc + REV2 labels) into a
hydrascope snapshot (JSON) and a truth file, for `hydrascope run` + `eval --only-listed`.

Users become accounts (created_at = their first rating, given or received);
every rating becomes an account-to-account edge with weight |rating| and
first_seen = last_seen = its time. With --signs the edge type is
`rates_positive` / `rates_negative`; with --no-signs every edge is `rates`
(the sign is dropped, so nothing the REV2 labels were derived from reaches
the engine except the graph's shape and timing).

truth.json: the 180 fraudulent users as one cluster of kind "hydra" and the
136 benign users as kind "trusted_user" (evaluation only; never read by run).

With --banned-fraction F (and --seed S), a random fraction F of the
fraudulent users is labelled `banned` in the snapshot (what analysts already
know; seeds of personalized PageRank) and left out of truth.json, so that the
evaluation runs on the held-out users only.

With --trusted-fraction T, a random fraction T of the benign users (drawn
after the banned ones, same seed) is labelled `trusted` and left out of
truth.json too: the labels an operator would train its own model on
(`hydrascope train --labels`).

With --dataset alpha the same is done for datasets/bitcoin-alpha (SNAP
soc-sign-bitcoinalpha + REV2 labels: 102 fraudulent, 138 benign users).

usage: bench/bitcoin_otc_to_snapshot.py [--dataset otc|alpha] [--signs|--no-signs] [--banned-fraction F] [--trusted-fraction T] [--seed S] OUT_DIR
"""
import csv
import json
import os
import random
import sys


def main(argv):
    signs = True
    args = []
    banned_fraction = 0.0
    trusted_fraction = 0.0
    seed = 1
    dataset = "otc"
    it = iter(argv[1:])
    for a in it:
        if a == "--dataset":
            dataset = next(it)
        elif a == "--banned-fraction":
            banned_fraction = float(next(it))
        elif a == "--trusted-fraction":
            trusted_fraction = float(next(it))
        elif a == "--seed":
            seed = int(next(it))
        elif a == "--signs":
            signs = True
        elif a == "--no-signs":
            signs = False
        else:
            args.append(a)
    if len(args) != 1:
        sys.stderr.write(__doc__)
        return 2
    out = args[0]
    here = os.path.dirname(os.path.abspath(__file__))
    if dataset not in ("otc", "alpha"):
        sys.stderr.write("--dataset must be otc or alpha\n")
        return 2
    data = os.path.join(here, "..", "datasets", "bitcoin-otc" if dataset == "otc" else "bitcoin-alpha")
    network = "soc-sign-bitcoinotc.csv" if dataset == "otc" else "soc-sign-bitcoinalpha.csv"
    gt = "otc_gt.csv" if dataset == "otc" else "alpha_gt.csv"
    first = {}
    edges = []
    with open(os.path.join(data, network), newline="") as f:
        for row in csv.reader(f):
            src, dst, rating, t = row[0], row[1], int(row[2]), int(float(row[3]))
            for u in (src, dst):
                if u not in first or t < first[u]:
                    first[u] = t
            if signs:
                etype = "rates_positive" if rating > 0 else "rates_negative"
            else:
                etype = "rates"
            edges.append((src, dst, etype, abs(rating), t))
    labels = {}
    with open(os.path.join(data, gt), newline="") as f:
        for row in csv.reader(f):
            labels[row[0]] = int(row[1])
    fraud = sorted((u for u in labels if labels[u] < 0), key=int)
    rng = random.Random(seed)
    banned = set(rng.sample(fraud, int(round(banned_fraction * len(fraud))))) if banned_fraction > 0 else set()
    benign = sorted((u for u in labels if labels[u] > 0), key=int)
    trusted = set(rng.sample(benign, int(round(trusted_fraction * len(benign))))) if trusted_fraction > 0 else set()
    os.makedirs(out, exist_ok=True)
    users = sorted(first, key=lambda u: int(u))
    with open(os.path.join(out, "snapshot.ndjson"), "w") as f:
        f.write(json.dumps({"format": "hydrascope.snapshot", "version": 1,
                            "snapshot": {"id": "bitcoin-" + dataset + ("-signed" if signs else "-unsigned")}}) + "\n")
        for u in users:
            f.write(json.dumps({"kind": "node", "id": "u:" + u, "type": "account", "created_at": first[u],
                                **({"label": "banned"} if u in banned else {"label": "trusted"} if u in trusted else {})}) + "\n")
        for src, dst, etype, w, t in edges:
            f.write(json.dumps({"kind": "edge", "src": "u:" + src, "dst": "u:" + dst, "type": etype,
                                "weight": w, "first_seen": t, "last_seen": t}) + "\n")
    truth = {"format": "hydrascope.truth", "version": 1, "clusters": [
        {"id": dataset + "-fraud", "kind": "hydra",
         "accounts": ["u:" + u for u in sorted(labels, key=int) if labels[u] < 0 and u not in banned]},
        {"id": dataset + "-benign", "kind": "trusted_user",
         "accounts": ["u:" + u for u in sorted(labels, key=int) if labels[u] > 0 and u not in trusted]},
    ]}
    with open(os.path.join(out, "truth.json"), "w") as f:
        json.dump(truth, f)
        f.write("\n")
    sys.stderr.write("wrote %s: %d accounts, %d edges (%s)\n" %
                     (out, len(users), len(edges), "signed" if signs else "unsigned"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
