#!/usr/bin/python3
"""Evaluates `hydrascope detect` partitions (node_id,community_id CSVs) against a
generated snapshot's truth.json (SNAPSHOT_FORMAT.md section 5) and prints one
markdown row per partition:
  communities, largest community, hydra clusters kept whole (>= 80% of the
  cluster's accounts in one community), look-alike clusters merged into giant
  communities (the community holding most of the cluster is more than 10 times
  the cluster's size and over 500 nodes: strangers glued together).
With `-` for truth.json (a snapshot without ground truth) it prints sizes only:
communities, largest, communities of 500+ nodes and the nodes inside them.
usage: community_damping.py truth.json|- NAME=partition.csv ..."""
import csv
import json
import sys
from collections import Counter


def sizes_only(args):
    print("| damping | communities | largest | communities >= 500 nodes | nodes in them |")
    print("|---|---|---|---|---|")
    for arg in args:
        name, path = arg.split("=", 1)
        with open(path, newline="") as f:
            r = csv.reader(f)
            next(r)
            sizes = Counter(int(row[1]) for row in r)
        big = [s for s in sizes.values() if s >= 500]
        print(f"| {name} | {len(sizes)} | {max(sizes.values())} | {len(big)} | {sum(big)} |")


def main():
    if sys.argv[1] == "-":
        return sizes_only(sys.argv[2:])
    truth = json.load(open(sys.argv[1]))
    clusters = truth.get("clusters", [])
    print("| damping | communities | largest | hydra clusters kept whole (>= 80% in one community) | "
          "look-alike clusters merged into a giant community | look-alike kinds affected |")
    print("|---|---|---|---|---|---|")
    for arg in sys.argv[2:]:
        name, path = arg.split("=", 1)
        comm = {}
        with open(path, newline="") as f:
            r = csv.reader(f)
            next(r)
            for row in r:
                comm[row[0]] = int(row[1])
        sizes = Counter(comm.values())
        hydra_total = hydra_whole = 0
        look_total = look_merged = 0
        kinds = Counter()
        for c in clusters:
            accts = [a for a in c.get("accounts", []) if a in comm]
            if not accts:
                continue
            top, cnt = Counter(comm[a] for a in accts).most_common(1)[0]
            if c.get("kind") == "hydra":
                hydra_total += 1
                hydra_whole += cnt >= 0.8 * len(accts)
            else:
                look_total += 1
                if sizes[top] > max(500, 10 * len(accts)):
                    look_merged += 1
                    kinds[c.get("kind")] += 1
        kinds_s = ", ".join(f"{k} {v}" for k, v in sorted(kinds.items())) or "none"
        print(f"| {name} | {len(sizes)} | {max(sizes.values()) if sizes else 0} | {hydra_whole} of {hydra_total} | "
              f"{look_merged} of {look_total} | {kinds_s} |")


if __name__ == "__main__":
    sys.exit(main())
