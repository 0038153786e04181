#!/usr/bin/python3
"""Cost model of `hydrascope run` and `mpirun -np P hydrascope run` (docs/scale.md, "Cost model").

1. Measures, on two fitting worlds (default: generated, 20,000 and 200,000
   accounts, seed 3, NDJSON): plain `hydrascope run --threads 1` and
   `mpirun --oversubscribe -np P hydrascope run --threads 1` for P in 1 2 4,
   REPS times each; per-stage seconds from rank 0's timings.json, peak RSS
   of every rank (/usr/bin/time -f %M), nodes and edges of each snapshot
   (`hydrascope -q inspect FILE --json`). Medians of the repetitions.
2. Fits, per stage, seconds = a + b*x (x = the count the stage iterates,
   STAGE_X below) and peak memory = c + k*nodes (plain); rank 0's extra
   memory under mpirun = alpha + beta*B/P and the other ranks' = gamma +
   delta*B/P (B = input bytes); the mpirun load stage a_P + b_P*records per P.
3. Predicts the check world (default: generated, 1,000,000 accounts, seed 7),
   runs it (plain --threads 1, plain --threads 2, mpirun -np 2 --threads 1;
   CHECK_MODES) and prints predicted against measured, per stage and total.
4. Projects to 100 M and 1 B accounts: single-process time and memory, the
   per-rank memory today (rank 0 holds everything) and in the target design
   (each rank its 1/P share plus ghosts, measured by bench/partition_ghosts.py
   on the larger fitting world), and the bytes each rank sends in the load's
   shuffle.

usage: bench/cost_model.py [--data DIR] [--reps N] [--fit A.ndjson B.ndjson]
                           [--check C.ndjson] [--check-modes "plain1 plain2 mpi2"]
                           [--reuse] [--no-check]
  DIR (default out/cost_model) holds generated worlds, outputs and
  runs.json (every measurement); --reuse takes measurements already in
  runs.json instead of running again (only to reprint or refit).
  HYDRASCOPE=path overrides ./build/hydrascope (needs -DHYDRASCOPE_MPI=ON).
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "bench"))
import partition_ghosts  # noqa: E402

BIN = os.environ.get("HYDRASCOPE", os.path.join(ROOT, "build", "hydrascope"))
STAGES = ["load", "build", "detect", "centrality", "refine", "features", "score", "export"]
# What each stage iterates (docs/scale.md says why): records = nodes + edges
# (one NDJSON line each); edges for the graph stages; nodes for the per-account stages.
STAGE_X = {
    "load": "records",
    "build": "edges",
    "detect": "edges",
    "centrality": "edges",
    "refine": "edges",
    "features": "nodes",
    "score": "nodes",
    "export": "nodes",
}
MPI_ENV = {"OMPI_ALLOW_RUN_AS_ROOT": "1", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM": "1"}
MB = 1e6


def load_avg():
    return open("/proc/loadavg").read().split()[:3]


def log(msg):
    print(msg, file=sys.stderr, flush=True)


class Runs:
    """runs.json: every measurement, keyed by (file, mode, ranks, threads)."""

    def __init__(self, path):
        self.path = path
        self.rows = json.load(open(path)) if os.path.exists(path) else []

    def get(self, snap, mode, ranks, threads):
        return [r for r in self.rows if (r["file"], r["mode"], r["ranks"], r["threads"]) == (snap, mode, ranks, threads)]

    def add(self, row):
        self.rows.append(row)
        with open(self.path + ".tmp", "w") as f:
            json.dump(self.rows, f, indent=1)
        os.replace(self.path + ".tmp", self.path)


def run_once(snap, mode, ranks, threads, out):
    subprocess.run(["rm", "-rf", out], check=True)
    os.makedirs(os.path.dirname(out), exist_ok=True)
    before = load_avg()
    start = time.time()
    if mode == "plain":
        tlog = out + ".time"
        subprocess.run(["/usr/bin/time", "-f", "%M", "-o", tlog, BIN, "-q", "run", snap, "--out", out,
                        "--threads", str(threads)], check=True, stdout=subprocess.DEVNULL)
        rss = [int(open(tlog).read().split()[-1]) * 1024]
    else:
        prefix = out + ".rank"
        env = dict(os.environ, **MPI_ENV)
        subprocess.run(["mpirun", "--oversubscribe", "-np", str(ranks), "bash", "-c",
                        '/usr/bin/time -f "%M" -o "$0.$OMPI_COMM_WORLD_RANK" "$@"', prefix,
                        BIN, "-q", "run", snap, "--out", out, "--threads", str(threads)],
                       check=True, stdout=subprocess.DEVNULL, env=env)
        rss = [int(open(f"{prefix}.{r}").read().split()[-1]) * 1024 for r in range(ranks)]
    wall = time.time() - start
    t = json.load(open(os.path.join(out, "timings.json")))["timings_seconds"]
    counts = json.load(open(os.path.join(out, "run.json")))["counts"]
    return {"file": snap, "mode": mode, "ranks": ranks, "threads": threads, "wall": wall,
            "stages": {k: t[k] for k in STAGES if k in t}, "total": t.get("total", sum(t.get(k, 0) for k in STAGES)),
            "rss": rss, "counts": {k: counts[k] for k in ("nodes", "edges", "accounts")},
            "load_before": before, "load_after": load_avg(), "utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}


def measure(runs, snap, mode, ranks, threads, reps, data, reuse):
    have = runs.get(snap, mode, ranks, threads)
    while len(have) < reps and not (reuse and have):
        tag = f"{os.path.basename(os.path.dirname(snap))}_{mode}{ranks}_t{threads}"
        log(f"# run {tag} ({len(have) + 1}/{reps}), load {' '.join(load_avg())}")
        runs.add(run_once(snap, mode, ranks, threads, os.path.join(data, "out", tag)))
        have = runs.get(snap, mode, ranks, threads)
    med = {k: statistics.median(r["stages"].get(k, 0.0) for r in have) for k in STAGES}
    return {
        "stages": med,
        "total": statistics.median(r["total"] for r in have),
        "sum": statistics.median(sum(r["stages"].get(k, 0.0) for k in STAGES) for r in have),
        "rss0": statistics.median(r["rss"][0] for r in have),
        "rss_others": statistics.median(max(r["rss"][1:]) for r in have) if ranks > 1 else None,
        "counts": have[0]["counts"],
        "n": len(have),
        "loads": [r["load_before"][0] for r in have] + [have[-1]["load_after"][0]],
        "utc": [have[0]["utc"], have[-1]["utc"]],
    }


def inspect(snap):
    out = subprocess.run([BIN, "-q", "inspect", snap, "--json", "--threads", "1"], check=True,
                         capture_output=True, text=True).stdout
    j = json.loads(out)
    # inspect --json names its counts at the top level or under "counts"
    c = j.get("counts", j)
    return {"nodes": int(c["nodes"]), "edges": int(c["edges"])}


def world(data, accounts, seed):
    d = os.path.join(data, f"world{accounts}_seed{seed}")
    snap = os.path.join(d, "snapshot.ndjson")
    if not os.path.exists(snap):
        log(f"# generating {accounts} accounts, seed {seed}")
        subprocess.run([BIN, "-q", "generate", "--accounts", str(accounts), "--seed", str(seed),
                        "--output-format", "ndjson", "--out", d], check=True, stdout=subprocess.DEVNULL)
    return snap


def xs(size):
    return {"nodes": size["nodes"], "edges": size["edges"], "records": size["nodes"] + size["edges"]}


def line_fit(x, y):
    """Least squares y = a + b x; with two points it is exact."""
    A = np.vstack([np.ones(len(x)), np.asarray(x, float)]).T
    (a, b), *_ = np.linalg.lstsq(A, np.asarray(y, float), rcond=None)
    return float(a), float(b)


def rel(pred, meas):
    return (pred - meas) / meas if meas else float("nan")


def fmt_bytes(b):
    for unit, s in (("TB", 1e12), ("GB", 1e9), ("MB", 1e6)):
        if abs(b) >= s:
            return f"{b / s:.1f} {unit}"
    return f"{b / 1e3:.0f} kB"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default=os.path.join(ROOT, "out", "cost_model"))
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--fit", nargs=2, metavar="NDJSON")
    ap.add_argument("--check", metavar="NDJSON")
    ap.add_argument("--check-modes", default="plain1 plain2 mpi2")
    ap.add_argument("--check-reps", type=int, default=1)
    ap.add_argument("--ranks", default="1 2 4")
    ap.add_argument("--reuse", action="store_true")
    ap.add_argument("--no-check", action="store_true")
    args = ap.parse_args()
    os.makedirs(args.data, exist_ok=True)
    runs = Runs(os.path.join(args.data, "runs.json"))
    plist = [int(p) for p in args.ranks.split()]
    fit_files = args.fit or [world(args.data, 20000, 3), world(args.data, 200000, 3)]
    fit_files = [os.path.abspath(f) for f in fit_files]

    print(f"# cost model, {time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())}, {os.cpu_count()} cpus, "
          f"load {' '.join(load_avg())}, binary {BIN}")
    # --- 1. measurements on the fitting worlds ------------------------------------
    sizes, plain, mpi = [], [], {p: [] for p in plist}
    for f in fit_files:
        s = inspect(f)
        s["bytes"] = os.path.getsize(f)
        sizes.append(s)
        plain.append(measure(runs, f, "plain", 1, 1, args.reps, args.data, args.reuse))
        for p in plist:
            mpi[p].append(measure(runs, f, "mpi", p, 1, args.reps, args.data, args.reuse))
    print("\n## measured (medians; --threads 1; seconds from rank 0's timings.json, peak RSS from /usr/bin/time)")
    print(f"{'file':<48} {'nodes':>9} {'edges':>9} {'mode':>6} {'n':>2} "
          + " ".join(f"{k[:6]:>6}" for k in STAGES) + f" {'total':>7} {'rss0_MB':>8} {'other_MB':>8}  loads")
    for i, f in enumerate(fit_files):
        for mode, m in [("plain", plain[i])] + [(f"np{p}", mpi[p][i]) for p in plist]:
            print(f"{f[-48:]:<48} {sizes[i]['nodes']:>9} {sizes[i]['edges']:>9} {mode:>6} {m['n']:>2} "
                  + " ".join(f"{m['stages'][k]:>6.2f}" for k in STAGES) + f" {m['total']:>7.2f} "
                  f"{m['rss0'] / MB:>8.0f} {(m['rss_others'] or 0) / MB:>8.0f}  {'/'.join(m['loads'])}")

    # --- 2. fits -----------------------------------------------------------------
    X = [xs(s) for s in sizes]
    coef = {}
    for k in STAGES:
        coef[k] = line_fit([x[STAGE_X[k]] for x in X], [m["stages"][k] for m in plain])
    mem_c, mem_k = line_fit([s["nodes"] for s in sizes], [m["rss0"] for m in plain])
    load_p = {p: line_fit([x["records"] for x in X], [m["stages"]["load"] for m in mpi[p]]) for p in plist}
    # rank 0 under mpirun: plain + alpha + beta*B/P (the MPI library, then the load's
    # buffers for its share; least squares over sizes x P). Rank 0 runs every stage of
    # the plain run on the whole snapshot, so it never needs less than plain.
    rows, ys = [], []
    for p in plist:
        for i, s in enumerate(sizes):
            rows.append([1.0, s["bytes"] / p])
            ys.append(mpi[p][i]["rss0"] - plain[i]["rss0"])
    (alpha, beta), *_ = np.linalg.lstsq(np.array(rows, float), np.array(ys, float), rcond=None)
    rows, ys = [], []
    for p in plist:
        if p == 1:
            continue
        for i, s in enumerate(sizes):
            rows.append([1.0, s["bytes"] / p])
            ys.append(mpi[p][i]["rss_others"])
    (gamma, delta), *_ = np.linalg.lstsq(np.array(rows, float), np.array(ys, float), rcond=None)

    print("\n## fitted (two sizes: every line below passes exactly through both points; the check tests it)")
    print(f"{'stage':<11} {'x':<8} {'a_s':>9} {'b_s_per_million_x':>18}")
    for k in STAGES:
        a, b = coef[k]
        print(f"{k:<11} {STAGE_X[k]:<8} {a:>9.3f} {b * 1e6:>18.3f}")
    print(f"peak RSS plain: c = {mem_c / MB:.1f} MB, k = {mem_k:.1f} bytes per node "
          f"(nodes and edges grow together in these worlds, edges/nodes = "
          f"{sizes[0]['edges'] / sizes[0]['nodes']:.3f} and {sizes[1]['edges'] / sizes[1]['nodes']:.3f}: "
          f"k is per node with its share of edges)")
    for p in plist:
        a, b = load_p[p]
        print(f"mpirun -np {p} load: a = {a:.3f} s, b = {b * 1e6:.3f} s per million records")
    print(f"rank 0 under mpirun: plain + {alpha / MB:.1f} MB + {beta:.3f}*B/P (B = input bytes; least squares, "
          f"{len(plist) * 2} points)")
    print(f"other ranks: {gamma / MB:.1f} MB + {delta:.3f}*B/P (least squares, {2 * (len(plist) - 1)} points)")

    def predict(size, threads_note=""):
        x = xs(size)
        st = {k: coef[k][0] + coef[k][1] * x[STAGE_X[k]] for k in STAGES}
        return st, mem_c + mem_k * size["nodes"]

    # --- 3. the check ---------------------------------------------------------------
    check = None
    if not args.no_check:
        check = os.path.abspath(args.check or world(args.data, 1000000, 7))
        print(f"\n## check: {check} ({os.path.getsize(check)} bytes; per stage the median of the runs)")
        for mode in args.check_modes.split():
            if mode.startswith("plain"):
                m = measure(runs, check, "plain", 1, int(mode[5:]), args.check_reps, args.data, args.reuse)
                p = None
            else:
                p = int(mode[3:])
                m = measure(runs, check, "mpi", p, 1, args.check_reps, args.data, args.reuse)
            size = dict(m["counts"], bytes=os.path.getsize(check))
            st, mem = predict(size)
            if p is not None:
                if p not in load_p:
                    sys.exit(f"cost_model: --check-modes {mode} needs {p} in --ranks")
                fit_p = load_p[p]
                st["load"] = fit_p[0] + fit_p[1] * xs(size)["records"]
                mem0 = mem + alpha + beta * size["bytes"] / p
            tot_p, tot_m = sum(st.values()), m["sum"]  # the median run's sum of stages
            print(f"\n### {mode}: {size['nodes']} nodes, {size['edges']} edges (run.json), {m['n']} run(s), "
                  f"{m['utc'][0]}..{m['utc'][1]}, load averages {'/'.join(m['loads'])}"
                  + ("" if mode != "plain2" else "; predicted from the --threads 1 fit"))
            print(f"{'stage':<11} {'predicted_s':>11} {'measured_s':>10} {'error':>7}")
            for k in STAGES:
                print(f"{k:<11} {st[k]:>11.2f} {m['stages'][k]:>10.2f} {rel(st[k], m['stages'][k]):>+7.1%}")
            print(f"{'sum':<11} {tot_p:>11.2f} {tot_m:>10.2f} {rel(tot_p, tot_m):>+7.1%}   (measured: median over runs of the sum of stages)")
            if p is None:
                print(f"{'peak_MB':<11} {mem / MB:>11.0f} {m['rss0'] / MB:>10.0f} {rel(mem, m['rss0']):>+7.1%}")
            else:
                print(f"{'rank0_MB':<11} {mem0 / MB:>11.0f} {m['rss0'] / MB:>10.0f} {rel(mem0, m['rss0']):>+7.1%}")
                po = gamma + delta * size["bytes"] / p
                print(f"{'others_MB':<11} {po / MB:>11.0f} {m['rss_others'] / MB:>10.0f} "
                      f"{rel(po, m['rss_others']):>+7.1%}")

    # --- 4. projection -------------------------------------------------------------
    big = sizes[-1]
    acc = plain[-1]["counts"]["accounts"]
    per_acc = {k: big[k] / acc for k in ("nodes", "edges", "bytes")}
    log(f"# partition of {fit_files[-1]} (bench/partition_ghosts.py)")
    chunk, u, v, node_bytes, edge_bytes = partition_ghosts.load(fit_files[-1])
    PS = [64, 256, 1024]
    part = {p: partition_ghosts.shares(chunk, u, v, p) for p in PS}
    fe = edge_bytes / (node_bytes + edge_bytes)
    print(f"\n## projection (per account, from {os.path.basename(os.path.dirname(fit_files[-1]))}: "
          f"{per_acc['nodes']:.3f} nodes, {per_acc['edges']:.3f} edges, {per_acc['bytes']:.0f} NDJSON bytes, "
          f"{fe:.1%} of them edge lines)")
    print("partition of that world (the engine's owners: FNV-1a 64 + splitmix64, chunk = top 16 bits, owner = chunk % P):")
    print(f"{'P':>5} {'cut_edges':>9} {'ghosts/owned':>12} {'edges_held/even':>15} {'max_rank_nodes+ghosts/even':>26}")
    for p in PS:
        r = part[p]
        print(f"{p:>5} {r['cut_edge_fraction']:>9.3f} {r['ghosts_per_owned_mean']:>12.3f} "
              f"{r['edges_held_over_even_mean']:>15.3f} {r['nodes_held_over_even_max']:>26.3f}")
    # How much the choice of x matters: each stage fitted on nodes, edges and records instead.
    alt = {k: {x: line_fit([X[i][x] for i in range(len(X))], [m["stages"][k] for m in plain])
               for x in ("nodes", "edges", "records")} for k in STAGES}
    print("\nchoice of x: largest change of a stage's prediction if fitted on nodes, edges or records instead")
    for accounts in (1_000_000, 100_000_000, 1_000_000_000):
        size = xs({k: per_acc[k] * accounts for k in ("nodes", "edges")})
        worst = 0.0
        for k in STAGES:
            base = coef[k][0] + coef[k][1] * size[STAGE_X[k]]
            for x, (a, b) in alt[k].items():
                worst = max(worst, abs(a + b * size[x] - base) / abs(base))
        print(f"  {accounts:>13,} accounts: {worst:.1%}")
    for accounts in (100_000_000, 1_000_000_000):
        size = {k: per_acc[k] * accounts for k in per_acc}
        st, mem = predict(size)
        B = size["bytes"]
        print(f"\n### {accounts:,} accounts: {size['nodes']:.3g} nodes, {size['edges']:.3g} edges, NDJSON {fmt_bytes(B)}")
        print("single process, --threads 1: " + ", ".join(f"{k} {st[k]:.0f} s" for k in STAGES)
              + f"; total {sum(st.values()):.0f} s ({sum(st.values()) / 3600:.1f} h); peak {fmt_bytes(mem)}")
        print(f"{'P':>5} {'today_rank0':>12} {'today_other':>12} {'target_rank':>12} {'shuffle_sent/rank':>18} "
              f"{'gather_to_rank0':>16}")
        for p in PS:
            r = part[p]
            today0 = mem + alpha + beta * B / p
            other = gamma + delta * B / p
            target = mem_c + mem_k * (size["nodes"] / p) * (1 + r["ghosts_per_owned_mean"])
            send_rank = (B * (1 - fe) + B * fe * (1 + r["cut_edge_fraction"])) / p  # own share, edges to both owners
            off_rank = send_rank * (p - 1) / p
            gather = B * (p - 1) / p
            print(f"{p:>5} {fmt_bytes(today0):>12} {fmt_bytes(other):>12} {fmt_bytes(target):>12} "
                  f"{fmt_bytes(off_rank):>18} {fmt_bytes(gather):>16}")


    # --- limits -------------------------------------------------------------------
    # (MPI's 2 GiB int counts are no limit since the load's transfers go in
    # rounds of HYDRASCOPE_MPI_ROUND_BYTES, docs/scale.md.)
    print("\n## limits of today's code at this shape")
    print(f"32-bit NodeId (2^32 - 1 nodes, the last value is the sentinel): up to "
          f"{(2**32 - 1) / per_acc['nodes'] / 1e9:.2f} G accounts")
    if check is not None:
        print(f"the check world's half for -np 2: {os.path.getsize(check) / 2 / MB:.0f} MB")


if __name__ == "__main__":
    main()
