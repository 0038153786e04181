#!/usr/bin/env bash
# Checks `hydrascope run --estimate` against the measured peak RSS of the same
# run on generated worlds (docs/reliability.md, "Limits").
#
#   bench/estimate_check.sh [BUILD_DIR] [ACCOUNTS...]
#
# For each size: generate (NDJSON, seed 1), print the estimate, run the
# pipeline under /usr/bin/time, and print measured / estimated. Fails when a
# ratio is outside [1/FACTOR, FACTOR] (FACTOR = ESTIMATE_FACTOR, default 1.5).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
shift || true
sizes=("$@")
[[ ${#sizes[@]} -gt 0 ]] || sizes=(5000 50000 200000)
factor=${ESTIMATE_FACTOR:-1.5}
bin=$build/hydrascope
work=$(mktemp -d /tmp/hydrascope-estimate.XXXXXX)
trap 'rm -rf "$work"' EXIT
echo "# machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GB", $2/1e6}' /proc/meminfo); load $(cut -d' ' -f1-3 /proc/loadavg); $(date -u +%Y-%m-%dT%H:%MZ)"
printf "%-9s %-10s %-10s %-12s %-12s %-12s %s\n" accounts nodes edges estimate_MB measured_MB ratio estimate_s
status=0
for n in "${sizes[@]}"; do
  "$bin" -q generate --accounts "$n" --seed 1 --out "$work/w$n"
  snap=$work/w$n/snapshot.ndjson
  start=$(date +%s.%N)
  est=$("$bin" -q run "$snap" --out "$work/o$n" --estimate)
  est_s=$(echo "$(date +%s.%N) - $start" | bc)
  /usr/bin/time -f "%M" -o "$work/rss" "$bin" -q run "$snap" --out "$work/o$n" --threads 2 > /dev/null
  python3 - "$est" "$(cat "$work/rss")" "$n" "$factor" "$est_s" <<'PY' || status=1
import json, sys
e = json.loads(sys.argv[1]); measured = int(sys.argv[2]) * 1024; factor = float(sys.argv[4])
ratio = measured / e["estimated_peak_bytes"]
print("%-9s %-10d %-10d %-12.1f %-12.1f %-12.2f %.2f" % (sys.argv[3], e["nodes"], e["edges"],
      e["estimated_peak_bytes"] / 1e6, measured / 1e6, ratio, float(sys.argv[5])))
sys.exit(0 if 1 / factor <= ratio <= factor else 1)
PY
  rm -rf "$work/w$n" "$work/o$n"
done
[[ $status == 0 ]] && echo "every measured peak within a factor $factor of the estimate" || echo "FAIL: a measured peak is outside a factor $factor of the estimate"
exit $status
