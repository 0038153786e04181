#!/usr/bin/env bash
# End-to-end benchmark of `hydrascope run` (load -> written outputs) beside the
# same pipeline scripted with python-igraph (bench/peers/igraph_pipeline.py).
# Prints the per-stage times from timings.json, wall time and peak RSS from
# /usr/bin/time -v, then the peer's JSON line. docs/performance.md quotes it.
#
# usage: bench/run_bench.sh [SNAPSHOT] [THREADS] [--no-peer]
#   SNAPSHOT defaults to out/gen1m/snapshot.ndjson; make it with
#     ./build/hydrascope generate --accounts 1000000 --seed 1 --out out/gen1m --output-format ndjson
#   THREADS defaults to 2. HYDRASCOPE=path/to/binary overrides ./build/hydrascope;
#   RUN_BENCH_OUT=folder overrides the run folder out/run_bench (e.g. a data disk).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
snap="${1:-$root/out/gen1m/snapshot.ndjson}"
threads="${2:-2}"
peer=1
[[ "${3:-}" == "--no-peer" ]] && peer=0
bin="${HYDRASCOPE:-$root/build/hydrascope}"
out="${RUN_BENCH_OUT:-$root/out/run_bench}"
[[ -x "$bin" ]] || { echo "run_bench: $bin not built" >&2; exit 1; }
[[ -f "$snap" ]] || { echo "run_bench: $snap missing (see the usage line)" >&2; exit 1; }

echo "# machine: $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) cpus, $(free -g | awk '/Mem:/{print $2}') GiB"
echo "# input: $snap ($(du -h "$snap" | cut -f1)), threads $threads, binary $bin"
echo "# load before the run: $(cut -d' ' -f1-3 /proc/loadavg) ($(date -u +%H:%M:%S) UTC)"
mkdir -p "$(dirname "$out")"
log="$(mktemp)"
/usr/bin/time -v "$bin" -q run "$snap" --out "$out" --force --threads "$threads" --seed 1 --show 5 > "$out.stdout" 2> "$log" || {
  cat "$log" >&2; exit 1; }
wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$log")
rss_kb=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$log")
rm -f "$log"
/usr/bin/python3 - "$out/run.json" "$wall" "$rss_kb" "$out/timings.json" <<'PY'
import json, sys
run = json.load(open(sys.argv[1]))
times = json.load(open(sys.argv[4]))  # timings.json: stage times and peak RSS (run.json holds only deterministic data)
t = times["timings_seconds"]
c = run["counts"]
print("hydrascope run: %d nodes (%d accounts), %d edges; %d communities, %d suspect communities, %d suspect accounts"
      % (c["nodes"], c["accounts"], c["edges"], c["communities"], c["suspect_communities"], c["suspect_accounts"]))
print("stage       seconds")
for k in ["load", "build", "detect", "centrality", "refine", "features", "score", "export", "total"]:
    print("%-10s %8.2f" % (k, t.get(k, float("nan"))))
print("wall (time -v): %s   peak RSS: %.2f GB (time -v), %.2f GB (timings.json)"
      % (sys.argv[2], int(sys.argv[3]) * 1024 / 1e9, times["peak_rss_bytes"] / 1e9))
PY
if [[ $peer == 1 ]]; then
  echo "# peer: python-igraph pipeline (load, build, Leiden, PageRank, coreness) on the same file"
  /usr/bin/time -v /usr/bin/python3 "$root/bench/peers/igraph_pipeline.py" "$snap" --seed 1 2> "$out.peer.log" || {
    cat "$out.peer.log" >&2; exit 1; }
  echo "peer wall (time -v): $(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$out.peer.log")"
fi
