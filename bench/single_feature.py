#!/usr/bin/python3
"""Best single feature: how well each model feature alone separates farm
accounts from the rest: its direction is the one of higher AUROC (the
feature or its negation; missing values rank last), and features are
ranked by the average precision of that direction, over the CSV of `hydrascope features
--truth`. docs/quality.md uses it for the check that no single feature
separates the farms of the hard profile alone.

usage: hydrascope features SNAPSHOT --truth truth.json --out rows.csv
       /usr/bin/python3 bench/single_feature.py rows.csv [--top 10]
"""
import csv
import math
import sys


def auroc(values, labels):
    """AUROC of `values` as a score of `labels` (ties count one half); NaN ranks lowest."""
    keyed = sorted(range(len(values)), key=lambda i: (not math.isnan(values[i]), values[i] if not math.isnan(values[i]) else 0.0))
    pos = sum(labels)
    neg = len(labels) - pos
    if pos == 0 or neg == 0:
        return 0.5
    rank_sum = 0.0
    i = 0
    while i < len(keyed):
        j = i
        vi = values[keyed[i]]
        while j + 1 < len(keyed) and (values[keyed[j + 1]] == vi or (math.isnan(vi) and math.isnan(values[keyed[j + 1]]))):
            j += 1
        mid = (i + j) / 2.0 + 1.0
        rank_sum += mid * sum(labels[keyed[k]] for k in range(i, j + 1))
        i = j + 1
    return (rank_sum - pos * (pos + 1) / 2.0) / (pos * neg)


def average_precision(values, labels):
    """Average precision of `values` as a score (NaN lowest; ties broken against the positives)."""
    order = sorted(range(len(values)), key=lambda i: (-(values[i] if not math.isnan(values[i]) else -math.inf), labels[i]))
    pos = sum(labels)
    if pos == 0:
        return 0.0
    hits = 0
    total = 0.0
    for rank, i in enumerate(order, 1):
        if labels[i]:
            hits += 1
            total += hits / rank
    return total / pos


def main(argv):
    if len(argv) < 2 or argv[1] in ("-h", "--help"):
        print(__doc__.strip())
        return 0 if len(argv) >= 2 else 2
    top = 10
    if "--top" in argv:
        top = int(argv[argv.index("--top") + 1])
    with open(argv[1], newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        rows = list(reader)
    if "hydra" not in header:
        print("single_feature: no hydra column (run `hydrascope features` with --truth)", file=sys.stderr)
        return 2
    label = [int(r[header.index("hydra")]) for r in rows]
    skip = {"account_id", "community_id", "hydra", "kind"}
    results = []
    for c, name in enumerate(header):
        if name in skip:
            continue
        vals = []
        for r in rows:
            cell = r[c]
            vals.append(float(cell) if cell not in ("", "nan", "NaN") else math.nan)
        a = auroc(vals, label)
        flipped = [-v for v in vals]
        neg = auroc(flipped, label)
        sign = "+" if a >= neg else "-"
        ap = average_precision(vals if sign == "+" else flipped, label)
        results.append((ap, max(a, neg), name, sign))
    results.sort(reverse=True)
    print(f"{len(rows)} accounts, {sum(label)} in farms, {len(results)} features")
    print("| feature | direction | AP alone | AUROC alone |")
    print("|---|---|---|---|")
    for ap, auc, name, sign in results[:top]:
        print(f"| {name} | {sign} | {ap:.3f} | {auc:.3f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
