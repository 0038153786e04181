#!/usr/bin/python3
"""Evaluates `hydrascope detect` partitions (node_id,community_id CSVs, each
with the `--json` summary beside it as NAME.json) against a generated
snapshot's truth.json (docs/generator.md, "Output"); one markdown row per
partition:
  communities, largest community, modularity (from the JSON summary);
  hydra clusters kept whole (>= 80 % of the cluster's accounts in one community);
  hydra recall: mean over hydra clusters of the share of its accounts in its
    best community; hydra purity: mean share of that community's accounts that
    belong to the hydra (accounts only: entity nodes are not counted);
  stranger clusters glued: carrier_nat, vpn_exit and legit_aggregator clusters
    (accounts that only share a NAT/egress IP) with >= 50 % of their accounts in
    one community holding >= 20 of them: strangers put together.
usage: community_damping.py truth.json NAME=partition.csv ..."""
import csv
import json
import os
import sys
from collections import Counter

STRANGERS = ("carrier_nat", "vpn_exit", "legit_aggregator")


def main():
    truth = json.load(open(sys.argv[1]))
    clusters = truth.get("clusters", [])
    print("| setting | communities | largest | modularity | hydra kept whole (>= 80 %) | hydra recall | "
          "hydra purity | stranger clusters glued (NAT, VPN exit, aggregator) |")
    print("|---|---|---|---|---|---|---|---|")
    for arg in sys.argv[2:]:
        name, path = arg.split("=", 1)
        comm = {}
        with open(path, newline="") as f:
            r = csv.reader(f)
            next(r)
            for row in r:
                comm[row[0]] = int(row[1])
        sizes = Counter(comm.values())
        acc_sizes = Counter(c for k, c in comm.items() if k.startswith("a:"))
        summary = os.path.splitext(path)[0] + ".json"
        q = json.load(open(summary)).get("modularity", float("nan")) if os.path.exists(summary) else float("nan")
        whole = total = 0
        recall = purity = 0.0
        glued = strangers = 0
        glued_kinds = Counter()
        for c in clusters:
            accts = [a for a in c.get("accounts", []) if a in comm]
            if not accts:
                continue
            top, cnt = Counter(comm[a] for a in accts).most_common(1)[0]
            if c.get("kind") == "hydra":
                total += 1
                whole += cnt >= 0.8 * len(accts)
                recall += cnt / len(accts)
                purity += cnt / acc_sizes[top]
            elif c.get("kind") in STRANGERS:
                strangers += 1
                if cnt >= 20 and cnt >= 0.5 * len(accts):
                    glued += 1
                    glued_kinds[c["kind"]] += 1
        kinds = ", ".join(f"{k} {v}" for k, v in sorted(glued_kinds.items()))
        print(f"| {name} | {len(sizes)} | {max(sizes.values()) if sizes else 0} | {q:.4f} | {whole} of {total} | "
              f"{recall / max(total, 1):.3f} | {purity / max(total, 1):.3f} | {glued} of {strangers}"
              f"{' (' + kinds + ')' if kinds else ''} |")


if __name__ == "__main__":
    sys.exit(main())
