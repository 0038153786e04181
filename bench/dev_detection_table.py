#!/usr/bin/env python3
"""Table of bench/dev_detection.sh runs (docs/quality.md section 6).

usage: dev_detection_table.py A.jsonl [B.jsonl ...]

One column per config: farm Jaccard / AP / suspect precision / recall, per
world, then the means of the three dev groups (world A fixed profiles,
world A random, world C).
"""
import collections
import json
import sys

rows = collections.OrderedDict()
configs = []
for path in sys.argv[1:]:
    for line in open(path):
        d = json.loads(line)
        rows.setdefault(d["world"], {})[d["config"]] = d
        if d["config"] not in configs:
            configs.append(d["config"])


def group(world):
    if world.startswith("c-"):
        return "C"
    return "A random" if "-random-" in world else "A fixed"


def cell(d):
    e = d["eval"]
    return (d["farm_jaccard"], e["average_precision"], e["precision"], e["recall"])


print("| world | " + " | ".join(configs) + " |")
print("|---|" + "---|" * len(configs))
means = collections.defaultdict(list)
for world, by_config in rows.items():
    cells = []
    for c in configs:
        if c not in by_config:
            cells.append("-")
            continue
        v = cell(by_config[c])
        means[(group(world), c)].append(v)
        cells.append("%.3f / %.4f / %.3f / %.3f" % v)
    print("| %s | %s |" % (world, " | ".join(cells)))
for g in ("A fixed", "A random", "C"):
    cells = []
    for c in configs:
        v = means[(g, c)]
        cells.append("**%.3f / %.4f / %.3f / %.3f**" % tuple(sum(x[i] for x in v) / len(v) for i in range(4)) if v else "-")
    print("| mean %s | %s |" % (g, " | ".join(cells)))
