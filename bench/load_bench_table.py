#!/usr/bin/env python3
"""Summarises a load_bench.sh log (the `case=...` lines) as one markdown table:
per input, hydrascope's load rate with 1 and 2 threads, the RapidJSON SAX and
simdjson ceilings on the same bytes, their ratio, and peak RSS over model size.

    bench/load_bench_table.py out/loadbench-1000000/results.log
"""
import sys


def parse(path):
    rows = []
    for line in open(path, encoding="utf-8"):
        if not line.startswith("case="):
            continue
        rows.append(dict(kv.split("=", 1) for kv in line.split() if "=" in kv))
    return rows


def main():
    rows = parse(sys.argv[1])
    inputs = []
    for r in rows:
        if r["case"] == "load" and r["input"] not in inputs:
            inputs.append(r["input"])
    print("| input | MB | hydrascope 1 thr MB/s | 2 thr MB/s | RapidJSON SAX MB/s (same flags / default) "
          "| 1 thr / RapidJSON same flags | simdjson MB/s | peak RSS / model |")
    print("|---|---|---|---|---|---|---|---|")
    for inp in inputs:
        mine = [r for r in rows if r.get("input") == inp]
        load = {int(r["threads"]): r for r in mine if r["case"] == "load"}
        anyl = next(iter(load.values()))
        name = "%s%s" % (anyl["format"], ".gz" if anyl["gzip"] == "1" else "")
        mb = int(anyl["bytes"]) / 1e6
        def rate(t):
            return load[t]["MB_s"] if t in load else "-"
        same = next((r for r in mine if r.get("impl") == "rapidjson-sax-null" and r.get("flags") == "same_as_reader"), None)
        dflt = next((r for r in mine if r.get("impl") == "rapidjson-sax-null" and r.get("flags") == "default"), None)
        simd = next((r for r in mine if r.get("impl") == "simdjson-dom"), None)
        rss = next((r for r in rows if r["case"] == "peak_rss" and r["input"] == inp), None)
        print("| %s | %.0f | %s | %s | %s | %s | %s | %s |" % (
            name, mb, rate(1), rate(2),
            "%s / %s" % (same["MB_s"], dflt["MB_s"]) if same else "-",
            same["hydrascope_t1_ratio"] if same else "-",
            simd["MB_s"] if simd else "-",
            "%.2f (%.2f GB / %.2f GB)" % (float(rss["ratio"]), int(rss["peak_rss_bytes"]) / 1e9,
                                         int(rss["model_bytes"]) / 1e9) if rss else "-"))
    csr = [r for r in rows if r["case"] in ("csr_build", "incidence_build")]
    if csr:
        print()
        print("| build | n | m | best s |")
        print("|---|---|---|---|")
        for r in csr:
            what = "build_analysis_graph (%s)" % r["options"] if r["case"] == "csr_build" else "build_incidence"
            print("| %s | %s | %s | %s |" % (what, r["n"], r.get("m", r.get("snapshot_m")), r["best_s"]))


if __name__ == "__main__":
    main()
