#!/usr/bin/python3
"""Markdown tables for docs/quality.md from the JSON lines of
bench/generalization.sh (and of bench/ablation.sh with --ablation).

usage: bench/generalization.sh > heldout.jsonl
       /usr/bin/python3 bench/generalization_table.py heldout.jsonl
       /usr/bin/python3 bench/generalization_table.py --ablation ablation.jsonl
"""
import json
import sys


def worst_lookalike(e):
    worst, kind = 0.0, "-"
    for k, v in e["lookalikes"].items():
        if k == "trusted_user":
            continue
        if v["flagged_share"] > worst:
            worst, kind = v["flagged_share"], k
    return worst, kind


def farms(e):
    return "%d / %d" % (e.get("farms_flagged", sum(1 for h in e["hydra"] if 2 * h["flagged"] >= h["size"])), len(e["hydra"]))


def heldout(rows):
    print("| world | profile | accounts | seed | method | AP | AUROC | precision | recall | farms flagged | worst look-alike (share flagged) | ECE |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        e = r["eval"]
        worst, kind = worst_lookalike(e)
        name = "**hydrascope**" if r["method"] == "hydrascope" else r["method"]
        ece = ("%.3f" % e["ece"]) if r["method"] == "hydrascope" and "ece" in e else "-"
        print("| %s | %s | %d | %d | %s | %.4f | %.4f | %.3f | %.3f | %s | %s %.2f %% | %s |" % (
            r["world"], r["profile"], r["accounts"], r["seed"], name, e["average_precision"], e["auroc"],
            e["precision"], e["recall"], farms(e), kind, 100.0 * worst, ece))
    print()
    # One line per world: hydrascope beside the rule-based engine and the best baseline.
    print("| world | profile | accounts | seed | hydrascope AP / precision / recall | rule-based AP / precision / recall | best baseline AP (method) |")
    print("|---|---|---|---|---|---|---|")
    worlds = {}
    for r in rows:
        worlds.setdefault((r["world"], r["profile"], r["accounts"], r["seed"]), {})[r["method"]] = r["eval"]
    for key, m in worlds.items():
        h = m.get("hydrascope")
        rules = m.get("rules")
        base = [(e["average_precision"], k) for k, e in m.items() if k not in ("hydrascope", "rules")]
        best = max(base) if base else (float("nan"), "-")
        fmt = lambda e: "-" if e is None else "%.4f / %.3f / %.3f" % (e["average_precision"], e["precision"], e["recall"])
        print("| %s | %s | %d | %d | %s | %s | %.4f (%s) |" % (key + (fmt(h), fmt(rules), best[0], best[1])))


def ablation(rows):
    worlds = []
    for r in rows:
        if r["world"] not in worlds:
            worlds.append(r["world"])
    configs = []
    for r in rows:
        if r["config"] not in configs:
            configs.append(r["config"])
    table = {(r["config"], r["world"]): r["eval"] for r in rows}
    print("| configuration | " + " | ".join(worlds) + " | mean AP | mean recall | mean precision |")
    print("|---|" + "---|" * (len(worlds) + 3))
    for c in configs:
        cells, aps, recs, precs = [], [], [], []
        for w in worlds:
            e = table.get((c, w))
            if e is None:
                cells.append("-")
                continue
            cells.append("%.4f" % e["average_precision"])
            aps.append(e["average_precision"])
            recs.append(e["recall"])
            precs.append(e["precision"])
        mean = lambda v: sum(v) / len(v) if v else float("nan")
        print("| %s | %s | %.4f | %.3f | %.3f |" % (c, " | ".join(cells), mean(aps), mean(recs), mean(precs)))


def main(argv):
    if len(argv) == 3 and argv[1] == "--ablation":
        ablation([json.loads(l) for l in open(argv[2]) if l.strip()])
    elif len(argv) == 2:
        heldout([json.loads(l) for l in open(argv[1]) if l.strip()])
    else:
        sys.stderr.write(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
