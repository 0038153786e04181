#!/usr/bin/env bash
# Community-detection benchmark: hydrascope Leiden (1 and 2 threads) beside
# python-igraph community_leiden (2 and 10 iterations), leidenalg and igraph's
# Louvain, each in its own process under /usr/bin/time -v, on the same edge
# files. Writes $OUT/results.txt (one line per run) and $OUT/table.md.
#
# usage: bench/community_bench.sh [graph ...]   graphs: enron lfr gen1m lb1m (default: enron lfr gen1m)
#   BUILD=build-dir (default build)   OUT=out/community-bench   SKIP_SLOW=1 skips leidenalg/louvain on gen1m/lb1m
#   BIG_ITERATIONS="2 10" also runs 10 iterations on the 1M graphs (default 2 only).
# hydrascope runs with OMP_WAIT_POLICY=passive: idle threads sleep instead of
# spinning, which costs microseconds per barrier on a quiet machine and saves
# whole time slices on a busy one (the peers are single-threaded).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$ROOT/build}
OUT=${OUT:-$ROOT/out/community-bench}
PY=/usr/bin/python3
mkdir -p "$OUT"
GRAPHS=("$@")
[ ${#GRAPHS[@]} -eq 0 ] && GRAPHS=(enron lfr gen1m)

prepare() {  # name -> sets EDGES TRUTH
  EDGES=""; TRUTH=""
  case "$1" in
    enron)
      EDGES=$OUT/email-Enron.txt
      [ -s "$EDGES" ] || gunzip -c "$ROOT/datasets/email-enron/email-Enron.txt.gz" > "$EDGES" ;;
    lfr)
      EDGES=$OUT/lfr200k.edges; TRUTH=$OUT/lfr200k.truth
      [ -s "$EDGES" ] || "$BUILD/lfr_gen" --n 200000 --mu 0.4 --seed 1 --out "$OUT/lfr200k" ;;
    gen1m)
      # The 1M-account generated snapshot's analysis graph (default GraphOptions, weighted).
      local snap=${GEN1M:-$ROOT/out/gen1m}
      if [ ! -e "$snap" ]; then echo "skip gen1m: $snap missing (hydrascope generate --accounts 1000000 --seed 1 --out out/gen1m)" >&2; return 1; fi
      if [ -d "$snap" ] && [ ! -e "$snap/nodes.csv" ] && [ ! -e "$snap/nodes.csv.gz" ]; then
        local f
        for f in "$snap"/snapshot.ndjson "$snap"/snapshot.ndjson.gz "$snap"/snapshot.json "$snap"/snapshot.json.gz "$snap"/*.ndjson* "$snap"/*.json*; do
          case "$f" in *truth*|*eval*) continue ;; esac
          [ -e "$f" ] && { snap=$f; break; }
        done
      fi
      EDGES=$OUT/gen1m.edges
      [ -s "$EDGES" ] || "$BUILD/hydrascope" -q detect "$snap" --algo components --out "$OUT/gen1m.components.csv" \
        --write-graph "$EDGES" > /dev/null ;;
    lb1m)
      # Stand-in 1M-account snapshot written by bench/load_bench.sh (out/loadbench-1000000), when the
      # generator's out/gen1m is not there; same conversion as gen1m.
      EDGES=$OUT/lb1m.edges
      [ -s "$EDGES" ] || "$BUILD/hydrascope" -q detect "$ROOT/out/loadbench-1000000/snapshot.ndjson" --algo components \
        --out "$OUT/lb1m.components.csv" --write-graph "$EDGES" > /dev/null ;;
    *) echo "unknown graph $1" >&2; return 1 ;;
  esac
}

run() {  # label cmd... : runs under /usr/bin/time -v, appends the result line plus peak RSS
  local log=$OUT/time.log
  local line
  line=$(/usr/bin/time -v "$@" 2> "$log" | grep '^tool=' | tail -1) || true
  local rss
  rss=$(awk -F: '/Maximum resident set size/ {gsub(/ /, "", $2); print $2}' "$log")
  if [ -z "$line" ]; then echo "FAILED: $*" >&2; cat "$log" >&2; return 0; fi
  echo "$line max_rss_kb=$rss load=$(cut -d' ' -f1 /proc/loadavg)" | tee -a "$OUT/results.txt"
}

echo "# community benchmark $(date -u +%FT%TZ) on $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores" | tee -a "$OUT/results.txt"
for name in "${GRAPHS[@]}"; do
  prepare "$name" || continue
  T=(); [ -n "$TRUTH" ] && T=(--truth "$TRUTH")
  ITS="2 10"; [ "$name" = lb1m ] || [ "$name" = gen1m ] && ITS=${BIG_ITERATIONS:-2}
  for it in $ITS; do
    for th in 1 2; do
      run env OMP_WAIT_POLICY=passive "$BUILD/community_bench" --edges "$EDGES" "${T[@]}" --name "$name" --threads $th --max-iterations $it
    done
    run $PY "$ROOT/bench/peers/community_peer.py" --edges "$EDGES" "${T[@]}" --name "$name" --method igraph_leiden --iterations $it
  done
  if { [ "$name" != gen1m ] && [ "$name" != lb1m ]; } || [ -z "${SKIP_SLOW:-}" ]; then
    run $PY "$ROOT/bench/peers/community_peer.py" --edges "$EDGES" "${T[@]}" --name "$name" --method leidenalg
    run $PY "$ROOT/bench/peers/community_peer.py" --edges "$EDGES" "${T[@]}" --name "$name" --method igraph_louvain
  fi
  run env OMP_WAIT_POLICY=passive "$BUILD/community_bench" --edges "$EDGES" "${T[@]}" --name "$name" --threads 2 --algo louvain --max-iterations 2
done
$PY "$ROOT/bench/peers/community_table.py" "$OUT/results.txt" > "$OUT/table.md"
cat "$OUT/table.md"
