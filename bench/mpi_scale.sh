#!/usr/bin/env bash
# Time and memory of `mpirun -np P hydrascope run` beside plain `hydrascope run`
# on generated worlds (docs/scale.md quotes it). For each world and P it
# prints the wall time, the load stage's seconds (timings.json of rank 0),
# the peak RSS of rank 0 and the largest of the other ranks' (/usr/bin/time),
# and a digest of the outputs' sha256 sums (every file but timings.json),
# which must be the plain run's.
#
# usage: bench/mpi_scale.sh [ACCOUNTS...]     (default: 20000 200000)
#   Worlds are generated (seed 3, NDJSON) under DATA (default
#   out/mpi_scale) and reused. THREADS (default 1) is
#   every run's --threads; P_LIST (default "1 2 4") the rank counts.
#   HYDRASCOPE=path overrides ./build/hydrascope; needs a -DHYDRASCOPE_MPI=ON build.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bin="${HYDRASCOPE:-$root/build/hydrascope}"
data="${DATA:-$root/out/mpi_scale}"
threads="${THREADS:-1}"
plist="${P_LIST:-1 2 4}"
sizes=("$@")
(( ${#sizes[@]} )) || sizes=(20000 200000)
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
mkdir -p "$data"

sums() { (cd "$1" && find . -type f ! -name timings.json | LC_ALL=C sort | xargs sha256sum) | sha256sum | cut -c1-12; }
load_s() { python3 -c 'import json,sys; print("%.2f" % json.load(open(sys.argv[1]))["timings_seconds"]["load"])' "$1"; }

echo "# $(date -u +%FT%TZ) $(nproc) cpus, load: $(uptime | sed 's/.*load average: //'), threads per rank $threads"
printf "%-9s %-5s %8s %8s %12s %13s  %s\n" accounts ranks wall_s load_s rss_rank0_MB rss_others_MB "outputs (sha256 of sums)"
for n in "${sizes[@]}"; do
  w="$data/world$n"
  [[ -f "$w/snapshot.ndjson" ]] || "$bin" -q generate --accounts "$n" --seed 3 --output-format ndjson --out "$w" > /dev/null
  snap="$w/snapshot.ndjson"
  out="$data/out$n"
  rm -rf "$out" && mkdir -p "$out"
  log="$out/time.log"
  /usr/bin/time -f "%e %M" -o "$log" "$bin" -q run "$snap" --out "$out/plain" --threads "$threads" > /dev/null
  read -r wall rss < "$log"
  printf "%-9s %-5s %8s %8s %12d %13s  %s\n" "$n" plain "$wall" "$(load_s "$out/plain/timings.json")" $((rss / 1024)) - "$(sums "$out/plain")"
  for p in $plist; do
    rm -f "$out"/rank.*
    start=$(date +%s.%N)
    mpirun --oversubscribe -np "$p" bash -c '/usr/bin/time -f "%M" -o "$0.$OMPI_COMM_WORLD_RANK" "$@"' "$out/rank" \
      "$bin" -q run "$snap" --out "$out/np$p" --threads "$threads" > /dev/null
    wall=$(python3 -c "import sys; print('%.2f' % (float(sys.argv[2]) - float(sys.argv[1])))" "$start" "$(date +%s.%N)")
    rss0=$(cat "$out/rank.0"); others=-
    if (( p > 1 )); then others=$(( $(for r in $(seq 1 $((p - 1))); do cat "$out/rank.$r"; done | sort -n | tail -1) / 1024 )); fi
    printf "%-9s %-5s %8s %8s %12d %13s  %s\n" "$n" "$p" "$wall" "$(load_s "$out/np$p/timings.json")" $((rss0 / 1024)) "$others" "$(sums "$out/np$p")"
  done
done
