#!/usr/bin/env python3
"""Scores hydra tracking over an evolved world (docs/tracking.md, "Measured").

    tracking_eval.py --world EVOLVED --runs RUNS [--reviews FILE] [--json]
    tracking_eval.py --make-reviews OUT.csv --world EVOLVED --runs RUNS --day D

EVOLVED holds day-1 .. day-N (each with truth.json) written by
`hydrascope generate --evolve`; RUNS holds day-0 .. day-N, the run folders of
`hydrascope run` on each day (day-0 on the original world, day d with
--previous RUNS/day-(d-1)). Reported, per day and in total:

- regrown heads: the new accounts of a banned farm on the day they appear,
  and how many carry the farm's original hydra_id (the one the plurality of
  the farm's accounts had on the day its accounts were labelled banned);
- false links: accounts new that day that carry the original hydra_id of a
  banned farm without belonging to that farm;
- stability: communities whose account set is exactly the previous day's
  (the same ids) and keep their hydra_id; truth groups that did not change
  (same accounts) and keep the plurality hydra_id of their accounts;
- trusted decisions (--reviews): on every day after the decision, whether the
  hydra is still not flagged, or the decision lapsed and why.

--make-reviews writes a review file: `trusted` for every flagged community
of run D none of whose flagged accounts is a farm's in truth (false positives) and for
the largest tracked sharded_service groups, `confirmed` for the largest
flagged farm; decided at the snapshot time of day D.
"""
import argparse
import collections
import csv
import json
import os
import sys

csv.field_size_limit(1 << 30)


def load_accounts(run):
    rows = {}
    with open(os.path.join(run, "accounts.csv"), newline="") as f:
        r = csv.reader(f)
        header = next(r)
        hi = header.index("hydra_id") if "hydra_id" in header else None
        for row in r:
            rows[row[0]] = (int(row[1]), row[3] == "true", row[hi] if hi is not None else "")
    return rows


def load_truth(day_dir):
    with open(os.path.join(day_dir, "truth.json")) as f:
        return json.load(f)


def load_communities(run):
    with open(os.path.join(run, "communities.json")) as f:
        return json.load(f)


def plurality(ids):
    c = collections.Counter(i for i in ids if i)
    if not c:
        return ""
    best = max(c.values())
    return min(k for k, v in c.items() if v == best)


def days_of(world):
    d = 1
    while os.path.isdir(os.path.join(world, "day-%d" % d)):
        d += 1
    return d - 1


def make_reviews(args):
    run = os.path.join(args.runs, "day-%d" % args.day)
    truth = load_truth(os.path.join(args.world, "day-%d" % args.day)) if args.day > 0 else None
    kind_of = {}
    for c in truth["clusters"]:
        for a in c["accounts"]:
            kind_of[a] = c["kind"]
    acc = load_accounts(run)
    comms = load_communities(run)
    members = collections.defaultdict(list)
    for a, (c, s, h) in acc.items():
        members[c].append(a)
    taken_at = None
    rows = []
    farms = []
    sharded = []
    for rec in comms["communities"]:
        ids = members[rec["id"]]
        kinds = collections.Counter(kind_of.get(a, "individual") for a in ids)
        flagged = [a for a in ids if acc[a][1]]
        flagged_hydra = sum(kind_of.get(a) == "hydra" for a in flagged)
        if rec["suspect"] and flagged and flagged_hydra == 0:
            # A false positive: not one of its flagged accounts is a farm's.
            fk = collections.Counter(kind_of.get(a, "individual") for a in flagged)
            rows.append((rec["hydra_id"], "trusted", "false positive: %s" % fk.most_common(1)[0][0]))
        elif rec["suspect"] and kinds["hydra"] > 0.9 * len(ids):
            farms.append((rec["accounts"], rec["hydra_id"]))
        elif kinds.most_common(1)[0][0] == "sharded_service" and kinds["sharded_service"] >= 0.9 * len(ids):
            sharded.append((rec["accounts"], rec["hydra_id"]))
    for _, h in sorted(sharded, reverse=True)[:3]:
        rows.append((h, "trusted", "known sharded service"))
    if farms:
        rows.append((max(farms)[1], "confirmed", "confirmed farm"))
    at = "2026-02-%02dT09:00:00Z" % (20 + args.day)
    with open(args.make_reviews, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["hydra_id", "decision", "note", "by", "at"])
        for h, d, note in rows:
            w.writerow([h, d, note, "analyst", at])
    print("wrote %s: %d decisions (%d trusted, %d confirmed)" % (
        args.make_reviews, len(rows), sum(r[1] == "trusted" for r in rows), sum(r[1] == "confirmed" for r in rows)))


def evaluate(args):
    days = days_of(args.world)
    runs = [load_accounts(os.path.join(args.runs, "day-%d" % d)) for d in range(days + 1)]
    truths = [None] + [load_truth(os.path.join(args.world, "day-%d" % d)) for d in range(1, days + 1)]
    out = {"days": []}
    tot = collections.Counter()
    original = {}  # (farm, ban day) -> hydra id
    for d in range(1, days + 1):
        t = truths[d]
        run, prev = runs[d], runs[d - 1]
        day = collections.Counter()
        # --- regrown heads --------------------------------------------------------------
        farm_members = {}
        for c in t["clusters"]:
            if c["kind"] != "hydra":
                continue
            farm_members[c["id"]] = set(c["accounts"])
            for ban in c.get("bans", []):
                key = (c["id"], ban["day"])
                if key not in original and ban["day"] <= d:
                    bt = truths[ban["day"]]
                    accs = next(x for x in bt["clusters"] if x["id"] == c["id"])["accounts"]
                    original[key] = plurality(runs[ban["day"]].get(a, (0, False, ""))[2] for a in accs)
            for wave in c.get("heads", []):
                if wave["day"] != d:
                    continue
                orig = original.get((c["id"], wave["ban_day"]), "")
                for a in wave["accounts"]:
                    day["heads"] += 1
                    h = run.get(a, (0, False, ""))[2]
                    day["heads_linked"] += h != "" and h == orig
                    day["heads_untracked"] += h == ""
                    day["heads_flagged"] += run.get(a, (0, False, ""))[1]
        # --- false links: new accounts carrying a banned farm's original id -------------------
        orig_ids = collections.defaultdict(set)
        for (farm, _), h in original.items():
            if h:
                orig_ids[h].add(farm)
        for a, (c, s, h) in run.items():
            if a in prev or h not in orig_ids:
                continue
            day["new_with_farm_id"] += 1
            if not any(a in farm_members.get(f, ()) for f in orig_ids[h]):
                day["false_links"] += 1
        # --- stability: identical communities, unchanged truth groups ---------------------------
        def sets(rows):
            m = collections.defaultdict(list)
            for a, (c, s, h) in rows.items():
                m[c].append(a)
            return {frozenset(v): rows[v[0]][2] for v in m.values() if rows[v[0]][2]}
        before, now = sets(prev), sets(run)
        for accs, h in now.items():
            if accs in before and before[accs]:
                day["identical"] += 1
                day["identical_kept"] += before[accs] == h
        if d >= 2:
            old = {c["id"]: set(c["accounts"]) for c in truths[d - 1]["clusters"]}
            for c in t["clusters"]:
                accs = set(c["accounts"])
                if len(accs) < 3 or old.get(c["id"]) != accs:
                    continue
                h0 = plurality(prev.get(a, (0, False, ""))[2] for a in accs)
                h1 = plurality(run.get(a, (0, False, ""))[2] for a in accs)
                if not h0 or not h1:
                    continue
                day["unchanged_groups"] += 1
                day["unchanged_kept"] += h0 == h1
        day["banned_farms"] = sum(1 for c in t["clusters"] for b in c.get("bans", []) if b["day"] == d)
        out["days"].append(dict(day=d, **day))
        tot.update(day)
    out["total"] = dict(tot)
    # --- trusted decisions -------------------------------------------------------------------------------
    if args.reviews:
        with open(args.reviews, newline="") as f:
            decisions = [r for r in csv.DictReader(f)]
        survival = []
        for d in range(1, days + 1):
            comms = load_communities(os.path.join(args.runs, "day-%d" % d))
            if "reviews" not in comms:
                continue
            by_hydra = {c["hydra_id"]: c for c in comms["communities"] if "hydra_id" in c}
            for o in comms["reviews"]["outcomes"]:
                h = o["hydra_id"]
                c = by_hydra.get(h)
                rev = c.get("review") if c else None
                survival.append(dict(day=d, line=o["line"], target=o["target"], decision=o["decision"],
                                     status=o["status"], hydra_id=h,
                                     flagged=bool(c and c["suspect"]),
                                     accounts=c["accounts"] if c else 0,
                                     lapsed=rev["lapsed"] if rev else ""))
        out["reviews"] = survival
        out["decisions"] = len(decisions)
    return out


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--world", required=True)
    p.add_argument("--runs", required=True)
    p.add_argument("--reviews")
    p.add_argument("--json", action="store_true")
    p.add_argument("--make-reviews")
    p.add_argument("--day", type=int, default=1)
    args = p.parse_args()
    if args.make_reviews:
        make_reviews(args)
        return
    r = evaluate(args)
    if args.json:
        json.dump(r, sys.stdout, indent=1)
        print()
        return
    print("day  banned  heads  linked  untracked  flagged  false_links  identical(kept)  unchanged_groups(kept)")
    for x in r["days"]:
        print("%3d  %6d  %5d  %6d  %9d  %7d  %11d  %9d (%d)  %16d (%d)" % (
            x["day"], x.get("banned_farms", 0), x.get("heads", 0), x.get("heads_linked", 0),
            x.get("heads_untracked", 0), x.get("heads_flagged", 0), x.get("false_links", 0),
            x.get("identical", 0), x.get("identical_kept", 0), x.get("unchanged_groups", 0), x.get("unchanged_kept", 0)))
    t = r["total"]
    heads = t.get("heads", 0)
    print("regrown heads linked to their original hydra_id: %d of %d (%.2f%%); false links: %d (of %d new accounts carrying a banned farm's id)" % (
        t.get("heads_linked", 0), heads, 100.0 * t.get("heads_linked", 0) / max(1, heads), t.get("false_links", 0),
        t.get("new_with_farm_id", 0)))
    print("identical communities keeping their hydra_id: %d of %d; unchanged truth groups keeping it: %d of %d" % (
        t.get("identical_kept", 0), t.get("identical", 0), t.get("unchanged_kept", 0), t.get("unchanged_groups", 0)))
    if "reviews" in r:
        print("review decisions (%d rows):" % r["decisions"])
        print("day  line  decision   hydra_id   status      flagged  accounts  lapsed")
        for x in r["reviews"]:
            print("%3d  %4d  %-9s  %-9s  %-10s  %-7s  %8d  %s" % (
                x["day"], x["line"], x["decision"], x["hydra_id"] or "-", x["status"], "yes" if x["flagged"] else "no",
                x["accounts"], x["lapsed"]))


if __name__ == "__main__":
    main()
