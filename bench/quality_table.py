#!/usr/bin/python3
"""Markdown tables for docs/quality.md from the JSON lines of bench/quality_eval.sh.

usage: bench/quality_eval.sh 200000 "101 102 103" "mixed hard" > q.jsonl
       /usr/bin/python3 bench/quality_table.py q.jsonl
"""
import json
import sys

KINDS = ["carrier_nat", "corporate", "family", "legit_aggregator", "power_user", "sharded_service", "university",
         "vpn_exit"]


def big_clusters(e):
    big = [h for h in e["hydra"] if h["size"] >= 40]
    ok = sum(1 for h in big if h["recall"] >= 0.9)
    low = min((h["recall"] for h in big), default=float("nan"))
    return ok, len(big), low


def main(path):
    rows = [json.loads(line) for line in open(path) if line.strip()]
    print("| profile | seed | method | AUROC | AP | precision | recall | F1 | clusters >= 40 recalled >= 90 % | lowest recall | "
          + " | ".join(KINDS) + " |")
    print("|---" * (10 + len(KINDS)) + "|")
    for r in rows:
        e = r["eval"]
        ok, n, low = big_clusters(e)
        shares = []
        for k in KINDS:
            v = e["lookalikes"].get(k)
            shares.append("-" if v is None else "%.2f %%" % (100.0 * v["flagged_share"]))
        name = "**hydrascope**" if r["method"] == "hydrascope" else r["method"]
        print("| %s | %d | %s | %.4f | %.4f | %.3f | %.3f | %.3f | %d / %d | %.2f | %s |" % (
            r["profile"], r["seed"], name, e["auroc"], e["average_precision"], e["precision"], e["recall"], e["f1"],
            ok, n, low, " | ".join(shares)))
    print()
    print("| profile | method | mean AUROC | mean AP (min-max) | worst look-alike share flagged (kind) |")
    print("|---|---|---|---|---|")
    groups = {}
    for r in rows:
        groups.setdefault((r["profile"], r["method"]), []).append(r["eval"])
    for (profile, method), evals in groups.items():
        aps = [e["average_precision"] for e in evals]
        auc = sum(e["auroc"] for e in evals) / len(evals)
        worst, kind = 0.0, "-"
        for e in evals:
            for k, v in e["lookalikes"].items():
                if v["flagged_share"] > worst:
                    worst, kind = v["flagged_share"], k
        print("| %s | %s | %.4f | %.4f (%.4f-%.4f) | %.2f %% (%s) |" % (
            profile, "**hydrascope**" if method == "hydrascope" else method, auc, sum(aps) / len(aps), min(aps),
            max(aps), 100.0 * worst, kind))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
