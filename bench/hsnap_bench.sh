#!/usr/bin/env bash
# Issue 22 figures (docs/performance.md, "Binary snapshot and edge lists"):
#  (a) reloading a .hsnap vs loading the NDJSON it was converted from;
#  (b) loading a SNAP-style integer edge list vs python-igraph's
#      Graph.Read_Edgelist on the same file.
# Runs the cases alternately, REPS times, in one run (the machine is shared:
# read the ratios of the best times). Load times are hydrascope's own
# (`inspect --json`: input.load_seconds, the load_snapshot call), peak RSS
# and wall time are /usr/bin/time's for the whole process.
#
#   bench/hsnap_bench.sh [BUILD_DIR] [ACCOUNTS] [DATA_DIR]
#     defaults: build, 200000, /tmp/hsnap-bench (big data never in the repo)
# Environment:
#   REPS=3          rounds of the alternation
#   BASE=path       another build's hydrascope (e.g. an older commit): its own
#                   convert (snapshot.base.hsnap) and reload join the rounds
#   COLD=1          before each .hsnap reload, drop that file's pages from the
#                   page cache (posix_fadvise DONTNEED on the file only: the
#                   reload reads it from disk; nothing else is evicted)
#   SKIP_SNAPSHOT=1 / SKIP_EDGELIST=1  skip part (a) / (b)
#   SKIP_NDJSON=1   part (a) without the NDJSON loads (reloads only)
#   REUSE=1         keep the .hsnap files already in DATA (no convert)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$(cd "${1:-$ROOT/build}" && pwd)
ACCOUNTS=${2:-200000}
DATA=${3:-/tmp/hsnap-bench}
REPS=${REPS:-3}
HS=$BUILD/hydrascope
PY=/usr/bin/python3
mkdir -p "$DATA"
echo "# machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores, $(free -g | awk '/^Mem:/ {print $2}') GiB, load $(cut -d' ' -f1-3 /proc/loadavg); $(date -u +%FT%TZ)"

# (a) NDJSON vs .hsnap.
W=$DATA/w$((ACCOUNTS / 1000))k
if ! ls "$W"/*.ndjson >/dev/null 2>&1; then
  "$HS" -q generate --accounts "$ACCOUNTS" --seed 7 --output-format ndjson --out "$W"
fi
SRC=$(ls "$W"/*.ndjson | head -1)
HSNAP=$W/snapshot.hsnap
t0=$(date +%s.%N)
if [[ ${REUSE:-0} == 1 && -s $HSNAP ]]; then echo "# reusing $HSNAP (REUSE=1: not converted again)"; else
  "$HS" -q convert "$SRC" "$HSNAP"
t1=$(date +%s.%N)
echo "case=convert accounts=$ACCOUNTS from_bytes=$(stat -c %s "$SRC") to_bytes=$(stat -c %s "$HSNAP") seconds=$(awk "BEGIN {printf \"%.2f\", $t1 - $t0}")"
fi
BASE_HSNAP=$W/snapshot.base.hsnap
if [[ -n ${BASE:-} ]] && ! [[ ${REUSE:-0} == 1 && -s $BASE_HSNAP ]]; then
  "$BASE" -q convert "$SRC" "$BASE_HSNAP"
  echo "case=convert-base to_bytes=$(stat -c %s "$BASE_HSNAP")"
fi

uncache() {  # uncache FILE: drop this file's pages from the page cache
  $PY -c 'import os, sys; fd = os.open(sys.argv[1], os.O_RDONLY); os.fsync(fd); os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)' "$1"
}

inspect() {  # inspect CASE FILE [BINARY]: one line with load_s, wall, peak RSS, model heap and mapped bytes
  local name=$1 in=$2 bin=${3:-$HS}
  [[ ${COLD:-0} == 1 && $in == *.hsnap ]] && uncache "$in"
  /usr/bin/time -v "$bin" -q inspect "$in" --json --threads 2 > "$DATA/inspect.json" 2> "$DATA/time.txt"
  $PY - "$name" "$in" "$DATA/inspect.json" "$DATA/time.txt" <<'PY'
import json, re, sys
name, path, js, tt = sys.argv[1:5]
d = json.load(open(js))
t = open(tt).read()
rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", t).group(1)) * 1024
wall = re.search(r"Elapsed \(wall clock\) time.*: (\S+)", t).group(1)
print("case=%s impl=hydrascope n=%d m=%d load_s=%.3f wall=%s peak_rss_mb=%.0f model_heap_mb=%.0f mapped_mb=%.0f" %
      (name, d["nodes"], d["edges"], d["input"]["load_seconds"], wall, rss / 1e6, d["memory_bytes"] / 1e6,
       d.get("mapped_bytes", 0) / 1e6))
PY
}

igraph() {  # igraph FILE
  $PY - "$1" <<'PY'
import sys, time, igraph as ig
t0 = time.perf_counter()
g = ig.Graph.Read_Edgelist(sys.argv[1], directed=False)
t = time.perf_counter() - t0
print("case=edgelist impl=igraph-%s Read_Edgelist n=%d m=%d load_s=%.3f" % (ig.__version__, g.vcount(), g.ecount(), t))
PY
}

[[ ${SKIP_SNAPSHOT:-0} == 1 ]] || for r in $(seq "$REPS"); do
  [[ ${SKIP_NDJSON:-0} == 1 ]] || inspect ndjson "$SRC"
  inspect hsnap "$HSNAP"
  [[ -z ${BASE:-} ]] || inspect hsnap-base "$BASE_HSNAP" "$BASE"
done
[[ ${SKIP_EDGELIST:-0} == 1 ]] && exit 0

# (b) SNAP-style edge list.
# igraph's Read_Edgelist takes no comment lines: both read the list without
# its `#` header.
E=$DATA/snap-1.1m.txt
if [[ ! -s $E ]]; then
  $PY "$ROOT/bench/make_edgelist.py" --edges 1100000 --nodes 320000 --seed 7 --out "$E.with-header"
  grep -v '^#' "$E.with-header" > "$E"
fi
echo "# edge list: $E ($(stat -c %s "$E") bytes)"
for r in $(seq "$REPS"); do
  inspect edgelist "$E"
  igraph "$E"
done
