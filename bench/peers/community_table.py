#!/usr/bin/python3
"""Turns bench/community_bench.sh's results.txt (key=value lines) into a
markdown table per graph: time, CPU, peak RSS, modularity, NMI, speed-up over
igraph's Leiden with the same iteration count and over leidenalg."""
import sys
from collections import OrderedDict


def parse(path):
    rows = []
    for line in open(path):
        if not line.startswith("tool="):
            continue
        kv = dict(p.split("=", 1) for p in line.split() if "=" in p)
        rows.append(kv)
    return rows


def main():
    rows = parse(sys.argv[1])
    # Keep the last run of each configuration.
    last = OrderedDict()
    for r in rows:
        key = (r["graph"], r["tool"], r.get("algo", ""), r.get("threads", "1"),
               r.get("max_iterations", r.get("iterations", "")))
        last[key] = r
    graphs = OrderedDict((k[0], None) for k in last)
    for g in graphs:
        sel = [r for k, r in last.items() if k[0] == g]
        base = {r["iterations"]: float(r["time_s"]) for r in sel if r["tool"] == "igraph_leiden"}
        la = [float(r["time_s"]) for r in sel if r["tool"] == "leidenalg"]
        any_r = sel[0]
        print(f"\n### {g} (n = {any_r['n']}, m = {any_r['m']})\n")
        print("| tool | iterations | threads | time s | CPU s | peak RSS MB | modularity | NMI | communities | vs igraph Leiden | vs leidenalg |")
        print("|---|---|---|---|---|---|---|---|---|---|---|")
        for r in sel:
            if r["tool"] == "hydrascope":
                name = f"hydrascope {r['algo']}"
                its = r["max_iterations"] + (f" (ran {r['iterations']})" if r["algo"] != "lpa" else "")
                threads = r["threads"]
                q = r["value"]
            else:
                name = r["tool"]
                its = r["iterations"] if r["tool"] == "igraph_leiden" else "default"
                threads = "1"
                q = r["modularity"]
            t = float(r["time_s"])
            it_key = r.get("max_iterations", r.get("iterations"))
            speed = f"{base[it_key] / t:.1f}x" if it_key in base and t > 0 else ""
            # leidenalg runs its default 2 iterations: compared with 2-iteration runs only.
            speed_la = (f"{la[0] / t:.1f}x" if la and t > 0 and r["tool"] == "hydrascope"
                        and r.get("max_iterations") == "2" else "")
            rss = int(r["max_rss_kb"]) / 1024 if r.get("max_rss_kb") else float(r["peak_rss_mb"])
            nmi = r["nmi"] if float(r["nmi"]) >= 0 else ""
            print(f"| {name} | {its} | {threads} | {t:.2f} | {float(r.get('cpu_s', 'nan')):.2f} | {rss:.0f} | "
                  f"{float(q):.4f} | {nmi} | {r['communities']} | {speed} | {speed_la} |")
        loads = sorted({r.get("load", "") for r in sel})
        print(f"\nload average during runs: {', '.join(loads)}")


if __name__ == "__main__":
    main()
