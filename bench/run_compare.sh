#!/usr/bin/env bash
# Before/after of `hydrascope run` on a shared machine: bench/run_bench.sh
# (without the peer) alternately with two binaries, RUNS times each, then the
# per-stage median of each binary, the ratio, and every run's figures. Each
# binary writes its own run folder under OUT_DIR, and the script checks that
# both folders hold the same bytes (every file but timings.json).
#
# usage: bench/run_compare.sh BEFORE_BINARY AFTER_BINARY SNAPSHOT [RUNS] [OUT_DIR]
#   RUNS defaults to 3; OUT_DIR to out/run_compare; 2 threads.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
before="${1:?usage: run_compare.sh BEFORE_BINARY AFTER_BINARY SNAPSHOT [RUNS] [OUT_DIR]}"
after="${2:?usage: run_compare.sh BEFORE_BINARY AFTER_BINARY SNAPSHOT [RUNS] [OUT_DIR]}"
snap="${3:?usage: run_compare.sh BEFORE_BINARY AFTER_BINARY SNAPSHOT [RUNS] [OUT_DIR]}"
runs="${4:-3}"
dir="${5:-$root/out/run_compare}"
mkdir -p "$dir"
log="$dir/runs.txt"
: > "$log"
for ((i = 1; i <= runs; i++)); do
  for which in before after; do
    bin="$before"
    [[ $which == after ]] && bin="$after"
    echo "=== $which $i" >> "$log"
    HYDRASCOPE="$bin" RUN_BENCH_OUT="$dir/$which" "$root/bench/run_bench.sh" "$snap" 2 --no-peer >> "$log"
  done
done
sums() { (cd "$1" && find . -type f ! -name timings.json | sort | xargs sha256sum); }
if diff <(sums "$dir/before") <(sums "$dir/after") > /dev/null; then
  echo "outputs: the same bytes ($(sums "$dir/after" | wc -l) files, timings.json aside)"
else
  echo "outputs: DIFFER"
fi
/usr/bin/python3 - "$log" <<'PY'
import re, statistics, sys
text = open(sys.argv[1]).read()
runs = {"before": [], "after": []}
for which, body in re.findall(r"^=== (before|after) \d+\n(.*?)(?=^=== |\Z)", text, re.M | re.S):
    t = {k: float(v) for k, v in re.findall(r"^(\w+) +([\d.]+)$", body, re.M)}
    t["peak RSS (GB)"] = float(re.search(r"peak RSS: ([\d.]+) GB \(time -v\)", body).group(1))
    t["load average"] = float(re.search(r"load before the run: ([\d.]+)", body).group(1))
    runs[which].append(t)
keys = ["load", "build", "detect", "centrality", "refine", "features", "score", "export", "total", "peak RSS (GB)"]
print("| stage | before, median (s) | after, median (s) | before / after | before, each run | after, each run |")
print("|---|---|---|---|---|---|")
for k in keys:
    b = [r[k] for r in runs["before"]]
    a = [r[k] for r in runs["after"]]
    mb, ma = statistics.median(b), statistics.median(a)
    print("| %s | %.2f | %.2f | %.2fx | %s | %s |" % (k, mb, ma, mb / ma if ma > 0 else float("nan"),
          ", ".join("%.2f" % x for x in b), ", ".join("%.2f" % x for x in a)))
print("load average before each run: before %s; after %s" % (
    ", ".join("%.2f" % r["load average"] for r in runs["before"]),
    ", ".join("%.2f" % r["load average"] for r in runs["after"])))
PY
