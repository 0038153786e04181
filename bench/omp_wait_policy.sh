#!/usr/bin/env bash
# OpenMP wait policy (docs/performance.md, "OpenMP wait policy"): `run` on
# one snapshot with OMP_WAIT_POLICY=active and =passive, alternately, first
# on the machine as it is, then beside BUSY processes that each keep a core
# busy (`yes > /dev/null`), as on a shared machine. Prints one line per run.
#
# usage: bench/omp_wait_policy.sh SNAPSHOT [REPS]     env: HYDRASCOPE, BUSY (default: nproc)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bin="${HYDRASCOPE:-$root/build/hydrascope}"
snapshot="$1"; reps="${2:-2}"
busy="${BUSY:-$(nproc)}"
out="$(mktemp -d)"
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$out"' EXIT
measure() {
  for ((i = 0; i < reps; ++i)); do
    for p in active passive; do
      s=$(date +%s.%N)
      OMP_WAIT_POLICY=$p "$bin" -q run "$snapshot" --out "$out/$p" --force --seed 1 > /dev/null
      echo "case=$1 policy=$p wall_s=$(awk -v a="$s" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }') load=\"$(cut -d' ' -f1-3 /proc/loadavg)\""
    done
  done
}
measure alone
for ((k = 0; k < busy; ++k)); do yes > /dev/null & done
sleep 2
measure "beside-$busy-busy"
