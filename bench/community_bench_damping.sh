#!/usr/bin/env bash
# How hub damping and the degree cap change community detection on a generated
# snapshot with ground truth: generates ACCOUNTS accounts (profile mixed, seed
# SEED), runs `hydrascope detect` (Leiden, modularity, seed 1) once per
# damping/cap setting, everything else at the GraphOptions{} defaults, and
# evaluates each partition against truth.json (bench/peers/community_damping.py).
# usage: bench/community_bench_damping.sh
#   BUILD=build-dir  OUT=out/community-damping  ACCOUNTS=200000  SEED=11
#   CONFIGS="none:5000 log:5000 ..." (damping:cap, cap 0 = no cap)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$ROOT/build}
OUT=${OUT:-$ROOT/out/community-damping}
ACCOUNTS=${ACCOUNTS:-200000}
SEED=${SEED:-11}
CONFIGS=${CONFIGS:-"none:0 none:5000 log:0 log:5000 log:1000 sqrt:5000 degree:5000"}
mkdir -p "$OUT"
GEN=$OUT/gen$ACCOUNTS-s$SEED
[ -s "$GEN/snapshot.ndjson" ] || "$BUILD/hydrascope" -q generate --accounts "$ACCOUNTS" --seed "$SEED" --profile mixed \
  --out "$GEN" --output-format ndjson
ARGS=()
for cfg in $CONFIGS; do
  d=${cfg%%:*}; cap=${cfg##*:}
  name="$d cap $cap"; [ "$cap" = 0 ] && name="$d no cap"
  f=$OUT/damping-$d-cap$cap
  "$BUILD/hydrascope" -q detect "$GEN/snapshot.ndjson" --damping "$d" --degree-cap "$cap" --seed 1 \
    --out "$f.csv" --json > "$f.json"
  ARGS+=("$name=$f.csv")
done
/usr/bin/python3 "$ROOT/bench/peers/community_damping.py" "$GEN/truth.json" "${ARGS[@]}" | tee "$OUT/damping.md"
