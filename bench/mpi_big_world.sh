#!/usr/bin/env bash
# One large world past the old 2 GiB limit of the distributed load
# (docs/scale.md, "1.5 M accounts"): generates it (seed 3, one NDJSON file),
# runs plain `hydrascope run` and `mpirun -np P hydrascope -v run` (every
# run --threads 1), and prints the wall time and peak RSS of each (every
# rank's under mpirun, /usr/bin/time), the load stage's seconds, the rounds
# the load took and a digest of the outputs' sha256 sums (every file but
# timings.json), which must be the plain run's. With BEFORE=path to an
# older build, also runs that one under mpirun and prints its error line.
#
# usage: bench/mpi_big_world.sh [ACCOUNTS]      (default 1500000: about 2.5 GB of NDJSON)
#   DATA (default out/mpi_big) holds the world and the runs; the world is
#   reused when present, and deleted at the end when KEEP_WORLD is unset.
#   P (default 2) the rank count; HYDRASCOPE=path overrides ./build/hydrascope
#   (a -DHYDRASCOPE_MPI=ON build). Check `df -h` first: the world, and the
#   anonymous memory file rank 0's loader reads, are each about its size.
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bin="${HYDRASCOPE:-$root/build/hydrascope}"
data="${DATA:-$root/out/mpi_big}"
np="${P:-2}"
n="${1:-1500000}"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
mkdir -p "$data"
sums() { (cd "$1" && find . -type f ! -name timings.json | LC_ALL=C sort | xargs sha256sum) | sha256sum | cut -c1-12; }
since() { python3 -c "import sys; print('%.1f' % (float(sys.argv[2]) - float(sys.argv[1])))" "$1" "$(date +%s.%N)"; }
load_s() { python3 -c 'import json,sys; print("%.2f" % json.load(open(sys.argv[1]))["timings_seconds"]["load"])' "$1"; }
stamp() { echo "# $(date -u +%FT%TZ) $(nproc) cpus, load: $(uptime | sed 's/.*load average: //')"; }
mb() { echo $(( $1 / 1024 )); }

w="$data/world$n"
stamp
t0=$(date +%s.%N)
[[ -f "$w/snapshot.ndjson" ]] || "$bin" -q generate --accounts "$n" --seed 3 --output-format ndjson --out "$w" > /dev/null
echo "world: $n accounts, $(stat -c %s "$w/snapshot.ndjson") bytes of NDJSON (generated or found in $(since "$t0") s)"
rm -rf "$data/plain" "$data/np$np" "$data/before"

/usr/bin/time -f "%e %M" -o "$data/plain.time" "$bin" -q run "$w/snapshot.ndjson" --out "$data/plain" --threads 1 > /dev/null
read -r wall rss < "$data/plain.time"
echo "plain: wall ${wall} s, load $(load_s "$data/plain/timings.json") s, peak RSS $(mb "$rss") MB, outputs $(sums "$data/plain")"

stamp
t0=$(date +%s.%N)
mpirun --oversubscribe -np "$np" bash -c '/usr/bin/time -f "%M" -o "$0.$OMPI_COMM_WORLD_RANK" "$@"' "$data/rank" \
  "$bin" -v run "$w/snapshot.ndjson" --out "$data/np$np" --threads 1 > /dev/null 2> "$data/np$np.stderr"
rc=$?
wall=$(since "$t0")
ranks=""
for r in $(seq 0 $((np - 1))); do ranks+=" rank $r $(mb "$(cat "$data/rank.$r")") MB,"; done
if [[ $rc -eq 0 ]]; then
  echo "mpirun -np $np: wall $wall s, load $(load_s "$data/np$np/timings.json") s, peak RSS${ranks%,}; outputs $(sums "$data/np$np")"
  grep -m1 'mpirun: load over' "$data/np$np.stderr" | sed 's/^hydrascope: debug: /  /'
else
  echo "mpirun -np $np: exit $rc after $wall s: $(grep -m1 'error' "$data/np$np.stderr")"
fi

if [[ -n "${BEFORE:-}" ]]; then
  stamp
  t0=$(date +%s.%N)
  mpirun --oversubscribe -np "$np" "$BEFORE" -q run "$w/snapshot.ndjson" --out "$data/before" --threads 1 > /dev/null 2> "$data/before.stderr"
  rc=$?
  echo "BEFORE under mpirun -np $np: exit $rc after $(since "$t0") s: $(grep -m1 'error' "$data/before.stderr")"
fi
[[ -n "${KEEP_WORLD:-}" ]] || rm -rf "$w"
stamp
