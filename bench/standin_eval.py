#!/usr/bin/python3
"""Account-level evaluation of a run against a truth file (stand-in for
`hydrascope eval` while it was not available): average precision of
risk_score, hydra accounts flagged, recall per hydra cluster of >= 40
accounts, and the share of each look-alike kind's accounts flagged.

usage: bench/standin_eval.py TRUTH.json ACCOUNTS.csv
"""
import csv, json, sys
truth = json.load(open(sys.argv[1])); col = sys.argv[3] if len(sys.argv) > 3 else "risk_score"
kind = {}
for c in truth["clusters"]:
    for a in c["accounts"]: kind[a] = (c["kind"], c["id"])
rows = list(csv.DictReader(open(sys.argv[2])))
items = sorted(((float(r[col]), kind.get(r["account_id"], ("benign", ""))[0] == "hydra", r) for r in rows), key=lambda x: -x[0])
P = sum(1 for x in items if x[1]); tp = 0; ap = 0
for k, x in enumerate(items, 1):
    if x[1]: tp += 1; ap += tp / k
flag = {r["account_id"]: r["suspect"] == "true" for r in rows}
print("AP %.4f  flagged %d  TP %d  P %d" % (ap / P, sum(flag.values()), sum(1 for a in flag if flag[a] and kind.get(a, ("",))[0] == "hydra"), P))
by = {}
for c in truth["clusters"]:
    f = sum(1 for a in c["accounts"] if flag.get(a)); by.setdefault(c["kind"], []).append((f, len(c["accounts"])))
for k, v in sorted(by.items()):
    if k == "hydra":
        big = [f / n for f, n in v if n >= 40]
        print("  hydra clusters %d, >=40: %d, min recall %.3f, mean %.3f" % (len(v), len(big), min(big) if big else -1, sum(big) / len(big) if big else -1))
    else:
        print("  %-18s flagged %d / %d (%.3f%%)" % (k, sum(f for f, n in v), sum(n for f, n in v), 100.0 * sum(f for f, n in v) / max(1, sum(n for f, n in v))))
