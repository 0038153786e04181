#!/usr/bin/env bash
# Soak: does memory return to its baseline over many runs? (docs/reliability.md "Soak")
#
#   bench/soak.sh [BUILD_DIR] [ASAN_BUILD_DIR]
#
# 1. In one process: BUILD_DIR/soak runs the whole pipeline (generate,
#    load, build, detect, centralities, score, export in every format) on 100
#    generated worlds of mixed sizes (1,000 to 8,000 accounts, all three
#    formats, some gzipped) and prints the resident set after each iteration.
#    The summary compares the RSS after the first round of sizes with the RSS
#    after the last round: it must not grow.
# 2. In a loop of processes: `hydrascope generate` + `hydrascope run` on 100
#    worlds of the same mixed sizes, peak RSS per process from /usr/bin/time.
# 3. Under AddressSanitizer with leak checking (ASAN_BUILD_DIR, configured with
#    -DHYDRASCOPE_SANITIZE=address,undefined; built here if missing): the
#    in-process soak for SOAK_ASAN_ITERATIONS iterations (default 20); any leak
#    or error fails the script.
#
# Environment: SOAK_ITERATIONS (default 100), SOAK_SIZES (default 1000,4000,2000,8000,3000),
# SOAK_NO_BUILD=1 to use the programs as built.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
asan=${2:-$root/build-asan}
iterations=${SOAK_ITERATIONS:-100}
sizes=${SOAK_SIZES:-1000,4000,2000,8000,3000}
asan_iterations=${SOAK_ASAN_ITERATIONS:-20}
work=$(mktemp -d /tmp/hydrascope-soak.XXXXXX)
trap 'rm -rf "$work"' EXIT

echo "# machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GB", $2/1e6}' /proc/meminfo), $(uname -sr); load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# date: $(date -u +%Y-%m-%dT%H:%MZ)"

[[ -n ${SOAK_NO_BUILD:-} ]] || cmake --build "$build" --target soak hydrascope -j2 > /dev/null

summarise() {  # stdin: soak output; $1 = label
  awk -v label="$1" -v nsizes="$(tr ',' '\n' <<< "$sizes" | wc -l)" '
    /^#/ || /^start/ { if ($1 == "start") start = $6; next }
    { n++; rss[n] = $6; secs += $7; if ($6 > max) max = $6 }
    END {
      first = 0; last = 0
      for (i = 1; i <= nsizes; i++) if (rss[i] > first) first = rss[i]
      for (i = n - nsizes + 1; i <= n; i++) if (rss[i] > last) last = rss[i]
      printf "%s: %d iterations in %.1f s; RSS at start %.1f MB, max after the first round of sizes %.1f MB, max after the last round %.1f MB, max overall %.1f MB; growth last/first round %+.1f%%\n",
             label, n, secs, start / 1024, first / 1024, last / 1024, max / 1024, 100 * (last - first) / first
      if (last > first * 1.10) { print label ": FAIL: resident memory grew by more than 10%"; exit 1 }
    }'
}

echo "## 1. one process, $iterations iterations (sizes $sizes)"
"$build/soak" --iterations "$iterations" --sizes "$sizes" --dir "$work/inproc" | tee "$work/inproc.txt" |
  awk '$1 == "start" || ($1 % 10 == 9) || $1 == 0 { print }'
summarise "in-process" < "$work/inproc.txt"

echo "## 2. a loop of $iterations processes (generate + run)"
IFS=, read -r -a size_list <<< "$sizes"
: > "$work/procs.txt"
for ((i = 0; i < iterations; i++)); do
  n=${size_list[$((i % ${#size_list[@]}))]}
  rm -rf "$work/p"
  /usr/bin/time -f "%M" -o "$work/gen.rss" "$build/hydrascope" -q generate --accounts "$n" --seed $((i + 1)) --out "$work/p/world"
  /usr/bin/time -f "%M %e" -o "$work/run.rss" "$build/hydrascope" -q run "$work/p/world/snapshot.ndjson" --out "$work/p/out" --threads 2 --seed $((i + 1)) --export-formats graphml,gexf,dot,csv,neo4j > /dev/null
  echo "$i $n - - - $(cut -d' ' -f1 "$work/run.rss") $(cut -d' ' -f2 "$work/run.rss") gen_rss_kb=$(cat "$work/gen.rss")" >> "$work/procs.txt"
done
awk '($1 % 10 == 9) || $1 == 0 { print "run", $1, "accounts", $2, "peak_rss_kb", $6, "seconds", $7, $8 }' "$work/procs.txt"
# per size: min and max peak RSS over the loop (equal sizes must give equal peaks, within page noise)
awk '{ k = $2; if (!(k in lo) || $6 < lo[k]) lo[k] = $6; if ($6 > hi[k]) hi[k] = $6 }
     END { for (k in lo) printf "process loop: %s accounts: peak RSS %.1f to %.1f MB over the runs (spread %.1f%%)\n", k, lo[k] / 1024, hi[k] / 1024, 100 * (hi[k] - lo[k]) / lo[k] }' "$work/procs.txt" | sort -n -k4

echo "## 3. AddressSanitizer + LeakSanitizer, $asan_iterations iterations in one process"
if [[ ! -f "$asan/CMakeCache.txt" ]]; then
  cmake -S "$root" -B "$asan" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DHYDRASCOPE_SANITIZE=address,undefined \
        -DHYDRASCOPE_TESTS=OFF > /dev/null
fi
[[ -n ${SOAK_NO_BUILD:-} ]] || cmake --build "$asan" --target soak -j2 > /dev/null
ASAN_OPTIONS=detect_leaks=1:halt_on_error=1:abort_on_error=0 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
  "$asan/soak" --iterations "$asan_iterations" --sizes "$sizes" --dir "$work/asan" > "$work/asan.txt" 2> "$work/asan.err" || {
  echo "ASan soak FAILED:"; cat "$work/asan.err"; exit 1; }
summarise "asan in-process" < "$work/asan.txt" || true  # ASan's allocator quarantine keeps freed memory: RSS is not the point here
if grep -q "ERROR: LeakSanitizer\|ERROR: AddressSanitizer\|runtime error" "$work/asan.err"; then
  echo "ASan soak FAILED:"; cat "$work/asan.err"; exit 1
fi
echo "asan: $asan_iterations iterations, no leak, no error reported by AddressSanitizer, LeakSanitizer or UBSan"
