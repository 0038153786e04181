#!/usr/bin/env bash
# Loading benchmark on the reference snapshot: makes the input if missing
# (hydrascope generate, or bench/make_snapshot.py when the generator is not
# available), converts it to every format with `hydrascope convert`, runs
# load_bench (load_snapshot per format and threads beside the RapidJSON /
# simdjson / zlib ceilings, CSR build), then measures the peak RSS of a
# separate `hydrascope inspect` per format under /usr/bin/time -v.
#
#   bench/load_bench.sh [BUILD_DIR] [ACCOUNTS]      (defaults: build, 1000000)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$(cd "${1:-$ROOT/build}" && pwd)
ACCOUNTS=${2:-1000000}
HS=$BUILD/hydrascope
LB=$BUILD/load_bench
REPS=${REPS:-3}
for b in "$HS" "$LB"; do
  [[ -x $b ]] || { echo "missing $b: cmake --build $BUILD --target hydrascope load_bench" >&2; exit 1; }
done

GEN=$ROOT/out/gen$((ACCOUNTS / 1000))k
[[ $ACCOUNTS -eq 1000000 ]] && GEN=$ROOT/out/gen1m
FMT=$ROOT/out/loadbench-$ACCOUNTS
mkdir -p "$FMT"
LOG=$FMT/results.log
: > "$LOG"

# 1. The NDJSON input.
SRC=$(ls "$GEN"/*.ndjson 2>/dev/null | head -1 || true)
if [[ -z $SRC ]]; then
  if "$HS" generate --help 2>/dev/null | grep -q -- "--accounts"; then
    echo "# generating: hydrascope generate --accounts $ACCOUNTS --seed 1 --out $GEN --output-format ndjson" >&2
    "$HS" generate --accounts "$ACCOUNTS" --seed 1 --out "$GEN" --output-format ndjson >&2
    SRC=$(ls "$GEN"/*.ndjson | head -1)
  else
    SRC=$FMT/snapshot.ndjson
    if [[ ! -s $SRC ]]; then
      echo "# hydrascope generate unavailable; bench/make_snapshot.py --accounts $ACCOUNTS --seed 1" >&2
      /usr/bin/python3 "$ROOT/bench/make_snapshot.py" --accounts "$ACCOUNTS" --seed 1 --out "$SRC"
    fi
  fi
fi
echo "# input: $SRC ($(du -h "$SRC" | cut -f1)); machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores, $(free -g | awk '/^Mem:/ {print $2}') GiB; $(date -u +%FT%TZ)" | tee -a "$LOG"

# 2. The other formats (hydrascope convert; timed, as a writer figure).
declare -a INPUTS=("$SRC")
convert() {  # convert OUT [flags]
  local out=$1
  shift
  if [[ ! -e $out ]]; then
    local t0 t1
    t0=$(date +%s.%N)
    "$HS" -q convert "$SRC" "$out" "$@"
    t1=$(date +%s.%N)
    echo "case=convert from=$(basename "$SRC") to=${out#$FMT/} seconds=$(awk "BEGIN {printf \"%.2f\", $t1 - $t0}")" | tee -a "$LOG"
  fi
  INPUTS+=("$out")
}
convert "$FMT/snapshot.json"
convert "$FMT/csv"
convert "$FMT/snapshot.ndjson.gz"
convert "$FMT/snapshot.json.gz"
convert "$FMT/csv_gz/edges.csv.gz"
[[ -d $FMT/csv_gz ]] && INPUTS[${#INPUTS[@]}-1]=$FMT/csv_gz

# 3. Load rates and ceilings.
echo "# load_bench --reps $REPS --threads 1,2 --csr"
"$LB" --reps "$REPS" --threads 1,2 --csr "${INPUTS[@]}" | tee -a "$LOG"

# 4. Peak RSS of a separate process per format vs the model's memory_bytes().
echo "# peak RSS: /usr/bin/time -v hydrascope -q inspect INPUT --json --threads 2"
for in in "${INPUTS[@]}"; do
  /usr/bin/time -v "$HS" -q inspect "$in" --json --threads 2 > "$FMT/inspect.json" 2> "$FMT/time.txt"
  rss_kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$FMT/time.txt")
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$FMT/time.txt")
  /usr/bin/python3 - "$in" "$rss_kb" "$wall" "$FMT/inspect.json" <<'PY'
import json, sys
path, rss_kb, wall, js = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
d = json.load(open(js))
model = d["memory_bytes"]
print("case=peak_rss input=%s format=%s gzip=%d n=%d m=%d peak_rss_bytes=%d model_bytes=%d ratio=%.2f "
      "load_s=%.2f wall=%s" % (path, d["input"]["format"], d["input"]["gzip"], d["nodes"], d["edges"],
                               rss_kb * 1024, model, rss_kb * 1024 / model, d["input"]["load_seconds"], wall))
PY
done | tee -a "$LOG"

# 5. The summary table (docs/performance.md, "Loading").
echo
/usr/bin/python3 "$ROOT/bench/load_bench_table.py" "$LOG"
