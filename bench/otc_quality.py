#!/usr/bin/python3
"""Bitcoin OTC quality table for docs/quality.md: converts the dataset three
ways (bench/bitcoin_otc_to_snapshot.py), runs `hydrascope run` on each, and
scores the labelled users only (--only-listed semantics: accounts in no
truth cluster are ignored) by AUROC and average precision, beside the degree
baseline (lower undirected degree = more suspicious, the reference in
datasets/bitcoin-otc/SOURCE.md).

Variants:
  signed     every rating as rates_positive / rates_negative (signs visible)
  unsigned   every rating as `rates` (signs dropped)
  seeded-K   unsigned, with half of the fraudulent users labelled `banned`
             (random, seed K) and evaluated on the other half only

  seeded10-K unsigned, with 10 % of the fraudulent users labelled `banned`
  (the operator's labels in the generalization issue), evaluated on the rest
  own-K      unsigned, with half of the fraudulent users labelled `banned` and
             half of the benign users `trusted` (seed K); scored twice on the
             other halves: by the built-in model (which calibrates to those
             labels, scoring.md), by a model trained on that snapshot's own
             labels alone (`+trained`: `hydrascope train --labels`, then
             `run --model`) and by the built-in model boosted further on them
             (`+continued`: `train --labels --from default`), and by whichever
             of the two ranks the labels better in grouped cross-validation
             (`+auto`: `train --labels --from auto`)

--dataset alpha runs the same on datasets/bitcoin-alpha; --model FILE scores
with a model file instead of the built-in one.

usage: bench/otc_quality.py [--dataset otc|alpha] [--hydrascope BIN] [--model FILE] [--out DIR] [--seeds 1,2,3]
"""
import csv
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def auroc_ap(scores, labels):
    """AUROC (ties count one half) and average precision (ties broken against the positives)."""
    pos = sum(labels)
    neg = len(labels) - pos
    order = sorted(range(len(scores)), key=lambda i: scores[i])
    rank_sum = 0.0
    i = 0
    while i < len(order):
        j = i
        while j < len(order) and scores[order[j]] == scores[order[i]]:
            j += 1
        avg = (i + j + 1) / 2.0
        rank_sum += avg * sum(labels[order[k]] for k in range(i, j))
        i = j
    auc = (rank_sum - pos * (pos + 1) / 2.0) / (pos * neg)
    order = sorted(range(len(scores)), key=lambda i: (-scores[i], labels[i]))
    tp = 0
    ap = 0.0
    for k, i in enumerate(order, 1):
        if labels[i]:
            tp += 1
            ap += tp / k
    return auc, ap / pos


def main(argv):
    binary = os.path.join(ROOT, "build", "hydrascope")
    out = os.path.join(ROOT, "out", "otc-quality")
    seeds = [1, 2, 3]
    dataset = "otc"
    model = []
    it = iter(argv[1:])
    for a in it:
        if a == "--hydrascope":
            binary = next(it)
        elif a == "--out":
            out = next(it)
        elif a == "--dataset":
            dataset = next(it)
        elif a == "--model":
            model = ["--model", next(it)]
        elif a == "--seeds":
            seeds = [int(x) for x in next(it).split(",")]
    variants = [("signed", ["--signs"]), ("unsigned", ["--no-signs"])]
    variants += [("seeded-%d" % s, ["--no-signs", "--banned-fraction", "0.5", "--seed", str(s)]) for s in seeds]
    variants += [("seeded10-%d" % s, ["--no-signs", "--banned-fraction", "0.1", "--seed", str(s)]) for s in seeds]
    own = [("own-%d" % s, ["--no-signs", "--banned-fraction", "0.5", "--trusted-fraction", "0.5", "--seed", str(s)])
           for s in seeds]
    variants += own
    variants += [(name + "+trained", conv) for name, conv in own]
    variants += [(name + "+continued", conv) for name, conv in own]
    variants += [(name + "+auto", conv) for name, conv in own]
    out = os.path.join(out, dataset)
    print("| variant | labelled users (fraud / benign) | hydrascope AUROC | hydrascope AP | degree AUROC | degree AP |")
    print("|---|---|---|---|---|---|")
    for name, conv in variants:
        base, _, how = name.partition("+")
        trained = how != ""
        d = os.path.join(out, base)
        run_dir = os.path.join(d, "run-" + how if trained else "run")
        use = model
        if trained:
            # the operator's own model, from this snapshot's banned and trusted accounts only:
            # trained from nothing, or continued from the built-in model
            own_model = os.path.join(d, how + "-model.json.gz")
            start = {"trained": [], "continued": ["--from", "default"], "auto": ["--from", "auto"]}[how]
            subprocess.run([binary, "-q", "train", os.path.join(d, "snapshot.ndjson"), "--labels", "--seed", "1",
                            "--out", own_model] + start, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            use = ["--model", own_model]
        else:
            subprocess.run(["/usr/bin/python3", os.path.join(HERE, "bitcoin_otc_to_snapshot.py"), "--dataset", dataset] + conv + [d],
                           check=True, stderr=subprocess.DEVNULL)
        subprocess.run([binary, "-q", "run", os.path.join(d, "snapshot.ndjson"), "--out", run_dir,
                        "--seed", "1", "--show", "0", "--force"] + use, check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        truth = json.load(open(os.path.join(d, "truth.json")))
        label = {}
        for c in truth["clusters"]:
            for a in c["accounts"]:
                label[a] = 1 if c["kind"] == "hydra" else 0
        risk = {}
        with open(os.path.join(run_dir, "accounts.csv"), newline="") as f:
            for r in csv.DictReader(f):
                risk[r["account_id"]] = float(r["risk_score"])
        degree = {}
        pairs = set()
        with open(os.path.join(d, "snapshot.ndjson")) as f:
            for line in f:
                rec = json.loads(line)
                if rec.get("kind") == "edge":
                    pairs.add(tuple(sorted((rec["src"], rec["dst"]))))
        for u, v in pairs:
            degree[u] = degree.get(u, 0) + 1
            degree[v] = degree.get(v, 0) + 1
        users = sorted(label)
        y = [label[u] for u in users]
        h_auc, h_ap = auroc_ap([risk[u] for u in users], y)
        d_auc, d_ap = auroc_ap([-degree.get(u, 0) for u in users], y)
        print("| %s | %d / %d | %.4f | %.4f | %.4f | %.4f |" % (name, sum(y), len(y) - sum(y), h_auc, h_ap, d_auc, d_ap))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
