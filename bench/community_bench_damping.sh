#!/usr/bin/env bash
# How hub damping changes community detection on a generated snapshot with
# ground truth: generates 50,000 accounts (seed 1), runs `hydrascope detect`
# once per damping mode (everything else GraphOptions{} defaults), and
# evaluates each partition against truth.json (bench/peers/community_damping.py).
# usage: bench/community_bench_damping.sh   (BUILD=build-dir OUT=out/community-damping ACCOUNTS=50000)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$ROOT/build}
OUT=${OUT:-$ROOT/out/community-damping}
ACCOUNTS=${ACCOUNTS:-50000}
mkdir -p "$OUT"
GEN=$OUT/gen$ACCOUNTS
if ! "$BUILD/hydrascope" generate --help 2>/dev/null | grep -q -- "--accounts"; then
  # No generator in this build: the loaders' stand-in snapshot (random wiring,
  # heavy-tailed sharing, no ground truth); sizes only.
  SNAP=$OUT/lb$ACCOUNTS.ndjson
  [ -s "$SNAP" ] || /usr/bin/python3 "$ROOT/bench/make_snapshot.py" --accounts "$ACCOUNTS" --seed 1 --out "$SNAP"
  TRUTH=-
else
  [ -e "$GEN" ] || "$BUILD/hydrascope" -q generate --accounts "$ACCOUNTS" --seed 1 --out "$GEN"
  TRUTH=${TRUTH:-$(find "$GEN" -name 'truth.json' | head -1)}
fi
# The snapshot: the generator's output folder or the first snapshot file in it.
SNAP=${SNAP:-}
if [ -z "$SNAP" ]; then
  for f in "$GEN"/snapshot.json "$GEN"/snapshot.json.gz "$GEN"/snapshot.ndjson "$GEN"/snapshot.ndjson.gz "$GEN"/*.ndjson* "$GEN"/*.json*; do
    case "$f" in *truth*|*eval*) continue ;; esac
    [ -e "$f" ] && { SNAP=$f; break; }
  done
  [ -z "$SNAP" ] && [ -d "$GEN/snapshot" ] && SNAP=$GEN/snapshot  # CSV pair folder
  [ -z "$SNAP" ] && SNAP=$GEN
fi
echo "snapshot $SNAP, truth $TRUTH" >&2
ARGS=()
for d in none log sqrt degree; do
  "$BUILD/hydrascope" -q detect "$SNAP" --damping $d --seed 1 --out "$OUT/damping-$d.csv" --json > "$OUT/damping-$d.json"
  ARGS+=("$d=$OUT/damping-$d.csv")
done
/usr/bin/python3 "$ROOT/bench/peers/community_damping.py" "$TRUTH" "${ARGS[@]}" | tee "$OUT/damping.md"
