#!/usr/bin/env bash
# The Python module's whole run against the command line's on the same
# snapshot (docs/python.md, "Cost"): `hydrascope run SNAP --out DIR` and
# `hydrascope.run(SNAP, threads=T).write(DIR)` alternately, ROUNDS times each,
# wall time and peak RSS of each process (/usr/bin/time), then the median of
# each and their ratio, and whether the two folders hold the same bytes
# (timings.json aside).
#
# usage: bench/python_vs_cli.sh SNAPSHOT [THREADS]     (env: ROUNDS, default 3; OUT, default out/python_vs_cli;
#   PY_ENV: extra VAR=value words for the Python process, e.g. GLIBC_TUNABLES=glibc.malloc.hugetlb=1)
#   needs the Release build in build/ (the module in build/python)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
snap="$1"
threads="${2:-2}"
rounds="${ROUNDS:-3}"
out="${OUT:-$root/out/python_vs_cli}"
bin="$root/build/hydrascope"
export OMP_WAIT_POLICY=passive  # what the command line sets for itself; the module runs in the caller's process
mkdir -p "$out"
echo "# $(date -u +%FT%TZ) $(nproc) cpus, load: $(uptime | sed 's/.*load average: //'), threads $threads, $snap${PY_ENV:+, python with $PY_ENV}"
cli=() py=()
for ((i = 1; i <= rounds; i++)); do
  rm -rf "$out/cli" "$out/py"
  /usr/bin/time -f "%e %M" -o "$out/cli.time" "$bin" -q run "$snap" --out "$out/cli" --threads "$threads" --seed 1 --show 0 > /dev/null
  /usr/bin/time -f "%e %M" -o "$out/py.time" env ${PY_ENV:-} PYTHONPATH="$root/build/python" /usr/bin/python3 -c \
    'import sys, hydrascope; hydrascope.run(sys.argv[1], threads=int(sys.argv[2]), seed=1).write(sys.argv[3])' \
    "$snap" "$threads" "$out/py"
  read -r cw cm < "$out/cli.time"
  read -r pw pm < "$out/py.time"
  same=$(diff -rq -x timings.json "$out/cli" "$out/py" > /dev/null && echo same || echo DIFFERENT)
  printf "round %d: cli %6.2f s %5d MB   python %6.2f s %5d MB   outputs %s\n" "$i" "$cw" $((cm / 1024)) "$pw" $((pm / 1024)) "$same"
  cli+=("$cw") py+=("$pw")
done
/usr/bin/python3 - "${cli[*]}" "${py[*]}" <<'PY'
import statistics, sys
c = [float(x) for x in sys.argv[1].split()]
p = [float(x) for x in sys.argv[2].split()]
mc, mp = statistics.median(c), statistics.median(p)
print("median: cli %.2f s, python %.2f s, python / cli %.3f" % (mc, mp, mp / mc))
PY
echo "# load at the end: $(uptime | sed 's/.*load average: //')"
