#!/usr/bin/env python3
"""Why a world's farms are missed: for docs/quality.md (section 6).

usage: farm_causes.py [--run SUBDIR] [--farms] WORLD_DIR...

Each WORLD_DIR holds truth.json, snapshot.ndjson and SUBDIR/accounts.csv (the
output of `hydrascope run`, default SUBDIR `run`). Every farm (truth cluster of
kind hydra) gets one cause:

- caught: at least half of its accounts flagged;
- split: no community holds half of its accounts;
- merged: one community holds half of them, but they are under half of it;
- low risk: one community holds half of them and they are most of it.

and a visibility figure, `tied`: the share of its accounts tied to another
account of the same farm by an entity of at most 200 accounts or an
account-to-account edge (what any graph method could see). `clean` is the
farm's truth parameter (no shared card, no shared IP). Prints one summary table
per world (farms and accounts per cause, clean farms apart), and with --farms
one line per farm on stderr (with the most common truth kind of the
community holding most of it; accounts in no cluster are `individual`).
"""
import argparse
import collections
import csv
import json
import os
import sys

POOL_MAX = 200


def load_run(path):
    acc = {}
    with open(path, newline="") as f:
        for r in csv.DictReader(f):
            aid = r["account_id"]
            if aid.startswith("'"):
                aid = aid[1:]
            acc[aid] = (r["community_id"], r["suspect"] in ("1", "true"))
    return acc


def tied_accounts(snapshot, farm_of):
    """Accounts tied to another account of their farm (pool entity or link)."""
    entity_accounts = collections.defaultdict(set)
    tied = set()
    with open(snapshot) as f:
        for line in f:
            if '"kind":"edge"' not in line:
                continue
            e = json.loads(line)
            s, d = e["src"], e["dst"]
            if s in farm_of or d in farm_of:
                if farm_of.get(s) is not None and farm_of.get(s) == farm_of.get(d):
                    tied.update((s, d))
            if d not in farm_of and not d.startswith("a:"):
                entity_accounts[d].add(s)
            elif s not in farm_of and not s.startswith("a:"):
                entity_accounts[s].add(d)
    for accs in entity_accounts.values():
        if len(accs) > POOL_MAX:
            continue
        per_farm = collections.Counter(farm_of.get(a) for a in accs)
        for a in accs:
            if farm_of.get(a) is not None and per_farm[farm_of[a]] >= 2:
                tied.add(a)
    return tied


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--run", default="run")
    ap.add_argument("--farms", action="store_true")
    ap.add_argument("worlds", nargs="+")
    a = ap.parse_args()
    print("| world | cause | farms (clean) | accounts (clean) | mean tied share |")
    print("|---|---|---|---|---|")
    for w in a.worlds:
        w = w.rstrip("/")
        truth = json.load(open(os.path.join(w, "truth.json")))
        acc = load_run(os.path.join(w, a.run, "accounts.csv"))
        farms = [c for c in truth["clusters"] if c["kind"] == "hydra"]
        farm_of = {x: c["id"] for c in farms for x in c["accounts"]}
        tied = tied_accounts(os.path.join(w, "snapshot.ndjson"), farm_of)
        size = collections.Counter(v[0] for v in acc.values())
        kind_of = {x: c["kind"] for c in truth["clusters"] for x in c["accounts"]}
        kinds = collections.defaultdict(collections.Counter)  # community -> truth kinds of its accounts
        for x, v in acc.items():
            kinds[v[0]][kind_of.get(x, "individual")] += 1
        summary = collections.defaultdict(lambda: [0, 0, 0, 0, []])
        for c in farms:
            xs = [x for x in c["accounts"] if x in acc]
            if not xs:
                continue
            n = len(xs)
            flagged = sum(acc[x][1] for x in xs) / n
            top, top_n = collections.Counter(acc[x][0] for x in xs).most_common(1)[0]
            if flagged >= 0.5:
                cause = "caught"
            elif top_n / n < 0.5:
                cause = "split"
            elif top_n / size[top] < 0.5:
                cause = "merged"
            else:
                cause = "low risk"
            clean = bool(c.get("params", {}).get("clean"))
            t = sum(x in tied for x in xs) / n
            s = summary[cause]
            s[0] += 1
            s[1] += clean
            s[2] += n
            s[3] += n if clean else 0
            s[4].append(t)
            if a.farms:
                print("%s %s size=%d clean=%d cause=%s flagged=%.2f largest_community_share=%.2f community_accounts=%d "
                      "farm_share_of_community=%.2f community_top_kind=%s tied=%.2f" % (
                          os.path.basename(w), c["id"], n, clean, cause, flagged, top_n / n, size[top],
                          top_n / size[top], kinds[top].most_common(1)[0][0], t),
                      file=sys.stderr)
        for cause in ("caught", "low risk", "merged", "split"):
            if cause not in summary:
                continue
            s = summary[cause]
            print("| %s | %s | %d (%d) | %d (%d) | %.2f |" % (os.path.basename(w), cause, s[0], s[1], s[2], s[3],
                                                             sum(s[4]) / len(s[4])))


if __name__ == "__main__":
    main()
