#!/usr/bin/python3
"""The operator's own labels on a generated world (docs/quality.md, "Training
on the operator's own labels"): labels a share of the world's farm accounts
`banned` and a share of its other accounts `trusted` (random, --seed; every
label the world already carries is dropped first), then scores the accounts
left unlabelled three ways:

  built-in    `hydrascope run` with the built-in model (which calibrates to
              the labels when there are 30+ of each kind, scoring.md)
  trained     a model trained on the snapshot's labels alone
              (`hydrascope train --labels`), then `run --model`
  continued   the built-in model boosted further on those labels
              (`hydrascope train --labels --from default`), then `run --model`
  auto        whichever of trained and continued ranks the labels better in
              grouped cross-validation (`train --labels --from auto`)

and prints one table row per world and way: AUROC and AP of risk_score over
the unlabelled accounts (farm = 1).

usage: bench/own_labels.py [--hydrascope BIN] [--banned F] [--trusted F] [--seed S] --out DIR WORLD_DIR...
  (WORLD_DIR holds snapshot.ndjson and truth.json, as `hydrascope generate` writes them)
"""
import csv
import gzip
import json
import os
import random
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from otc_quality import auroc_ap  # noqa: E402


def gzip_text(data):
    return (gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data).decode("utf-8", "replace")


def main(argv):
    binary = os.path.join(os.path.dirname(HERE), "build", "hydrascope")
    banned_share, trusted_share, seed, out, worlds = 0.1, 0.02, 1, None, []
    it = iter(argv[1:])
    for a in it:
        if a == "--hydrascope":
            binary = next(it)
        elif a == "--banned":
            banned_share = float(next(it))
        elif a == "--trusted":
            trusted_share = float(next(it))
        elif a == "--seed":
            seed = int(next(it))
        elif a == "--out":
            out = next(it)
        else:
            worlds.append(a)
    if out is None or not worlds:
        sys.stderr.write(__doc__)
        return 2
    print("| world | labels (banned / trusted) | scored (farm / other) | built-in AUROC / AP | trained AUROC / AP | continued AUROC / AP | auto AUROC / AP (choice) |")
    print("|---|---|---|---|---|---|---|")
    for w in worlds:
        name = os.path.basename(os.path.normpath(w))
        d = os.path.join(out, name)
        os.makedirs(d, exist_ok=True)
        truth = json.load(open(os.path.join(w, "truth.json")))
        farm = set()
        for c in truth["clusters"]:
            if c["kind"] == "hydra":
                farm.update(c["accounts"])
        accounts = []
        lines = open(os.path.join(w, "snapshot.ndjson")).read().splitlines()
        for line in lines:
            rec = json.loads(line)
            if rec.get("kind") == "node" and rec.get("type") == "account":
                accounts.append(rec["id"])
        rng = random.Random(seed)
        farms = sorted(a for a in accounts if a in farm)
        others = sorted(a for a in accounts if a not in farm)
        banned = set(rng.sample(farms, int(round(banned_share * len(farms)))))
        trusted = set(rng.sample(others, int(round(trusted_share * len(others)))))
        snap = os.path.join(d, "snapshot.ndjson")
        with open(snap, "w") as f:
            for line in lines:
                rec = json.loads(line)
                if rec.get("kind") == "node" and rec.get("type") == "account":
                    rec.pop("label", None)
                    if rec["id"] in banned:
                        rec["label"] = "banned"
                    elif rec["id"] in trusted:
                        rec["label"] = "trusted"
                f.write(json.dumps(rec, separators=(",", ":")) + "\n")
        scored = [a for a in accounts if a not in banned and a not in trusted]
        y = [1 if a in farm else 0 for a in scored]
        cells = []
        for how in ("built-in", "trained", "continued", "auto"):
            model = []
            if how != "built-in":
                m = os.path.join(d, how + ".json.gz")
                start = {"trained": [], "continued": ["--from", "default"], "auto": ["--from", "auto"]}[how]
                subprocess.run([binary, "-q", "train", snap, "--labels", "--seed", "1", "--out", m] + start,
                               check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                model = ["--model", m]
            run = os.path.join(d, "run-" + how)
            subprocess.run([binary, "-q", "run", snap, "--out", run, "--seed", "1", "--show", "0", "--force"] + model,
                           check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            risk = {}
            with open(os.path.join(run, "accounts.csv"), newline="") as f:
                for r in csv.DictReader(f):
                    risk[r["account_id"]] = float(r["risk_score"])
            auc, ap = auroc_ap([risk[a] for a in scored], y)
            cell = "%.4f / %.4f" % (auc, ap)
            if how == "auto":
                with open(os.path.join(d, "auto.json.gz"), "rb") as f:
                    text = gzip_text(f.read())
                cell += " (%s)" % ("continued" if "boosting on from" in text else "trained")
            cells.append(cell)
        print("| %s | %d / %d | %d / %d | %s |" % (name, len(banned), len(trusted), sum(y), len(y) - sum(y), " | ".join(cells)))
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
