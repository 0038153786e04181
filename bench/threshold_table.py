#!/usr/bin/python3
"""Suspect precision and recall at several risk thresholds, per world, from
a run's accounts.csv and the world's truth.json (docs/quality.md,
"Threshold"). Each WORLD folder holds truth.json and RUN/accounts.csv.

usage: /usr/bin/python3 bench/threshold_table.py [--run NAME] [--thresholds 0.5,0.7,0.8,0.9] WORLD...
       (NAME defaults to run)
"""
import csv
import json
import os
import sys


def main(argv):
    args = argv[1:]
    run = "run"
    thresholds = [0.5, 0.7, 0.8, 0.9]
    worlds = []
    i = 0
    while i < len(args):
        if args[i] == "--run":
            run = args[i + 1]
            i += 2
        elif args[i] == "--thresholds":
            thresholds = [float(t) for t in args[i + 1].split(",")]
            i += 2
        elif args[i] in ("-h", "--help"):
            print(__doc__.strip())
            return 0
        else:
            worlds.append(args[i].rstrip("/"))
            i += 1
    if not worlds:
        sys.stderr.write(__doc__)
        return 2
    print("| world | " + " | ".join("P / R at %.2g" % t for t in thresholds) + " |")
    print("|---|" + "---|" * len(thresholds))
    for w in worlds:
        truth = json.load(open(os.path.join(w, "truth.json")))
        farm = {a for c in truth["clusters"] if c["kind"] == "hydra" for a in c["accounts"]}
        risks = []
        with open(os.path.join(w, run, "accounts.csv"), newline="") as f:
            for r in csv.DictReader(f):
                risks.append((float(r["risk_score"]), r["account_id"].removeprefix("'") in farm))
        cells = []
        for t in thresholds:
            flagged = [hit for risk, hit in risks if risk >= t]
            tp = sum(flagged)
            p = tp / len(flagged) if flagged else 1.0
            r = tp / len(farm) if farm else 0.0
            cells.append("%.3f / %.3f" % (p, r))
        print("| %s | %s |" % (os.path.basename(w), " | ".join(cells)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
