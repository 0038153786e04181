#!/usr/bin/env bash
# `mpirun -np P hydrascope run` against plain `hydrascope run` (docs/scale.md).
# Usage: mpi_run_test.sh CASE HYDRASCOPE MPIRUN TMPDIR DATASETS
#   sample    the bundled sample as one NDJSON file (P = 1..4), as 3 parts
#             (P = 2) and as its .json.gz (read by rank 0 alone, P = 2)
#   world20k  a generated 20,000-account world as one NDJSON file (P = 1..4)
#             and as 4 parts (P = 3)
#   failures  a changed part, a bad line, a killed rank, a refused --out, a
#             rank killed or failing in the middle of a round, a bad
#             HYDRASCOPE_MPI_ROUND_BYTES: every rank ends non-zero, the error
#             is located, --out is untouched
# The sample and the 20,000-account world are also run with a small round
# budget (HYDRASCOPE_MPI_ROUND_BYTES: 4 KiB and 64 KiB), so that the load's
# transfers take hundreds of rounds; the outputs must not change.
# Outputs are compared by the sha256 of every file but timings.json (seconds
# and peak memory: the one file that differs between identical runs).
set -euo pipefail
case_name=$1 H=$2 MPIRUN=$3 T=$4 DATA=$5
rm -rf "$T" && mkdir -p "$T"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
mpirun() { "$MPIRUN" --oversubscribe -np "$@"; }
fail() { echo "FAIL: $*" >&2; exit 1; }

sums() { (cd "$1" && find . -type f ! -name timings.json | LC_ALL=C sort | xargs sha256sum); }
same() {  # same OUT_A OUT_B WHAT
  if ! diff <(sums "$1") <(sums "$2") > "$T/diff.txt"; then cat "$T/diff.txt" >&2; fail "$3: outputs differ"; fi
  echo "ok: $3 ($(sums "$1" | wc -l) files identical)"
}
run_plain() { "$H" -q run "$1" --out "$2" --threads 1 > "$2.stdout"; }
run_mpi() { mpirun "$1" "$H" -q run "$2" --out "$3" --threads 1 > "$3.stdout"; }
# run_rounds P BUDGET IN OUT MIN: a run with that round budget; --verbose names
# the rounds (stderr), of which each transfer must take at least MIN (P > 1).
run_rounds() {
  HYDRASCOPE_MPI_ROUND_BYTES=$2 mpirun "$1" "$H" -v run "$3" --out "$4" --threads 1 > "$4.stdout" 2> "$4.stderr"
  local line; line=$(grep -m1 'mpirun: load over' "$4.stderr") || fail "$4: no rounds line"
  [[ "$line" =~ ([0-9]+)\ round\(s\)\ to\ the\ owners,\ ([0-9]+)\ round\(s\)\ to\ rank\ 0 ]] || fail "$4: '$line'"
  if (( $1 > 1 )) && (( BASH_REMATCH[1] < $5 || BASH_REMATCH[2] < $5 )); then fail "$4: too few rounds: $line"; fi
  echo "   ${line#*debug: }"
}

case "$case_name" in
  sample)
    "$H" -q convert "$DATA/sample/snapshot.json.gz" "$T/s.ndjson"
    "$H" -q convert "$T/s.ndjson" --shards 3 --out "$T/s.parts"
    run_plain "$T/s.ndjson" "$T/base"
    for p in 1 2 3 4; do
      run_mpi $p "$T/s.ndjson" "$T/np$p"
      same "$T/base" "$T/np$p" "sample NDJSON, $p rank(s) vs hydrascope run"
      cmp -s <(sed '$d' "$T/base.stdout") <(sed '$d' "$T/np$p.stdout") || fail "sample NDJSON, $p rank(s): stdout differs"  # the last line names --out
    done
    for p in 1 2 3 4; do  # a 4 KiB round budget: hundreds of rounds each way
      run_rounds $p 4k "$T/s.ndjson" "$T/r4k_np$p" 100
      same "$T/base" "$T/r4k_np$p" "sample NDJSON, $p rank(s), 4 KiB rounds vs hydrascope run"
      cmp -s <(sed '$d' "$T/base.stdout") <(sed '$d' "$T/r4k_np$p.stdout") || fail "sample NDJSON, $p rank(s), 4 KiB rounds: stdout differs"
    done
    run_plain "$T/s.parts" "$T/base_parts"
    for p in 2; do
      run_mpi $p "$T/s.parts" "$T/parts_np$p"
      same "$T/base_parts" "$T/parts_np$p" "sample in 3 parts, $p ranks vs hydrascope run"
    done
    for p in 2 3; do
      run_rounds $p 4k "$T/s.parts" "$T/parts_r4k_np$p" 100
      same "$T/base_parts" "$T/parts_r4k_np$p" "sample in 3 parts, $p ranks, 4 KiB rounds vs hydrascope run"
    done
    run_plain "$DATA/sample/snapshot.json.gz" "$T/base_gz"
    run_mpi 2 "$DATA/sample/snapshot.json.gz" "$T/gz_np2"
    same "$T/base_gz" "$T/gz_np2" "sample .json.gz (rank 0 reads it), 2 ranks vs hydrascope run"
    ;;
  world20k)
    "$H" -q generate --accounts 20000 --seed 3 --output-format ndjson --out "$T/w" > /dev/null
    snap=$(ls "$T"/w/snapshot*.ndjson)
    "$H" -q convert "$snap" --shards 4 --out "$T/w.parts"
    run_plain "$snap" "$T/base"
    for p in 1 2 3 4; do
      run_mpi $p "$snap" "$T/np$p"
      same "$T/base" "$T/np$p" "20,000-account world, $p rank(s) vs hydrascope run"
    done
    run_plain "$T/w.parts" "$T/base_parts"
    run_mpi 3 "$T/w.parts" "$T/parts_np3"
    same "$T/base_parts" "$T/parts_np3" "20,000-account world in 4 parts, 3 ranks vs hydrascope run"
    run_rounds 4 64k "$snap" "$T/r64k_np4" 100
    same "$T/base" "$T/r64k_np4" "20,000-account world, 4 ranks, 64 KiB rounds vs hydrascope run"
    run_rounds 2 64k "$T/w.parts" "$T/parts_r64k_np2" 100
    same "$T/base_parts" "$T/parts_r64k_np2" "20,000-account world in 4 parts, 2 ranks, 64 KiB rounds vs hydrascope run"
    ;;
  failures)
    "$H" -q convert "$DATA/sample/snapshot.json.gz" "$T/s.ndjson"
    # 1. A part changed after the manifest was written: the rank reading it reports it.
    "$H" -q convert "$T/s.ndjson" --shards 3 --out "$T/bad.parts"
    echo '{"kind": "node", "id": "late", "type": "account"}' >> "$T/bad.parts/part-00002.ndjson"
    set +e; mpirun 3 "$H" run "$T/bad.parts" --out "$T/out1" > /dev/null 2> "$T/err1"; rc=$?; set -e
    [[ $rc -ne 0 ]] || fail "a changed part: exit 0"
    grep -q 'manifest.json: field "parts\[2\].checksum": part-00002.ndjson has' "$T/err1" || { cat "$T/err1" >&2; fail "a changed part: no located error"; }
    [[ ! -e "$T/out1" ]] || fail "a changed part: --out was written"
    echo "ok: a changed part ends the job (exit $rc) with: $(grep -m1 'error:' "$T/err1")"
    # 2. A bad line in the last quarter of one NDJSON file: the same error line as hydrascope run.
    n=$(wc -l < "$T/s.ndjson"); k=$(( n * 7 / 8 ))
    awk -v k="$k" 'NR == k { sub(/"type":"[^"]*"/, "\"type\":7") } { print }' "$T/s.ndjson" > "$T/bad.ndjson"
    set +e; "$H" run "$T/bad.ndjson" --out "$T/out2a" > /dev/null 2> "$T/err2a"; rc_a=$?
    mpirun 3 "$H" run "$T/bad.ndjson" --out "$T/out2" > /dev/null 2> "$T/err2"; rc=$?; set -e
    [[ $rc_a -ne 0 && $rc -ne 0 ]] || fail "a bad line: exit $rc_a / $rc"
    want=$(grep -m1 'error:' "$T/err2a"); got=$(grep -m1 'error:' "$T/err2" || true)
    [[ -n "$want" && "$want" == "$got" ]] || fail "a bad line: hydrascope run says '$want', 3 ranks say '$got'"
    [[ ! -e "$T/out2" ]] || fail "a bad line: --out was written"
    echo "ok: a bad line on rank 2 of 3 gives hydrascope run's error: $got"
    # 2b. An edge to a node nobody declares (found by rank 0's build): the same error line too.
    awk -v k="$k" 'NR == k { sub(/"dst":"[^"]*"/, "\"dst\":\"ip:nosuch\"") } { print }' "$T/s.ndjson" > "$T/bad2.ndjson"
    set +e; "$H" run "$T/bad2.ndjson" --out "$T/out2b" > /dev/null 2> "$T/err2b"; rc_a=$?
    mpirun 4 "$H" run "$T/bad2.ndjson" --out "$T/out2c" > /dev/null 2> "$T/err2c"; rc=$?; set -e
    [[ $rc_a -ne 0 && $rc -ne 0 ]] || fail "an unknown endpoint: exit $rc_a / $rc"
    want=$(grep -m1 'error:' "$T/err2b"); got=$(grep -m1 'error:' "$T/err2c" || true)
    [[ -n "$want" && "$want" == "$got" ]] || fail "an unknown endpoint: hydrascope run says '$want', 4 ranks say '$got'"
    [[ ! -e "$T/out2c" ]] || fail "an unknown endpoint: --out was written"
    echo "ok: an unknown endpoint under 4 ranks gives hydrascope run's error: $got"
    # 3. A rank killed before it starts: every rank ends, non-zero, nothing written.
    set +e
    "$MPIRUN" --oversubscribe -np 3 bash -c 'if [ "$OMPI_COMM_WORLD_RANK" = 1 ]; then kill -9 $$; fi; exec "$0" "$@"' \
      "$H" -q run "$T/s.ndjson" --out "$T/out3" > /dev/null 2> "$T/err3"; rc=$?
    set -e
    [[ $rc -ne 0 ]] || fail "a killed rank: exit 0"
    [[ ! -e "$T/out3" ]] || fail "a killed rank: --out was written"
    echo "ok: a killed rank ends the job (exit $rc)"
    # 4. Rank 0 refuses a non-empty --out after the others joined the load: all end, the folder is untouched.
    mkdir -p "$T/out4" && echo keep > "$T/out4/keep.txt"
    set +e; mpirun 3 "$H" run "$T/s.ndjson" --out "$T/out4" > /dev/null 2> "$T/err4"; rc=$?; set -e
    [[ $rc -ne 0 ]] || fail "a refused --out: exit 0"
    [[ "$(ls "$T/out4")" == keep.txt ]] || fail "a refused --out: the folder changed"
    grep -q 'error:' "$T/err4" || fail "a refused --out: no error line"
    echo "ok: a refused --out ends the job (exit $rc) with: $(grep -m1 'error:' "$T/err4")"
    # 5. A rank killed, or failing, in the middle round of either transfer (4 KiB
    # rounds; the test hook HYDRASCOPE_FAULT=mpi-round:PHASE:ACTION acts on the
    # last rank): every rank ends (within the timeout), non-zero, nothing written.
    for phase in shuffle gather; do
      for action in kill fail; do
        o="$T/out5_${phase}_$action"
        set +e
        HYDRASCOPE_FAULT=mpi-round:$phase:$action HYDRASCOPE_MPI_ROUND_BYTES=4k \
          timeout 300 "$MPIRUN" --oversubscribe -np 3 "$H" run "$T/s.ndjson" --out "$o" --threads 1 > /dev/null 2> "$o.err"
        rc=$?
        set -e
        [[ $rc -ne 0 ]] || fail "a rank that does '$action' in the $phase: exit 0"
        [[ $rc -ne 124 ]] || fail "a rank that does '$action' in the $phase: the job did not end"
        [[ ! -e "$o" ]] || fail "a rank that does '$action' in the $phase: --out was written"
        if [[ $action == kill ]]; then
          msg=$(grep -m1 'exited on signal 9' "$o.err") || { cat "$o.err" >&2; fail "a rank killed in the $phase: mpirun does not say so"; }
        else
          msg=$(grep -m1 "^hydrascope: error: HYDRASCOPE_FAULT=mpi-round:$phase:fail: rank 2 fails in round [0-9]* of [0-9]* of the $phase\$" "$o.err") ||
            { cat "$o.err" >&2; fail "a rank failing in the $phase: no error line"; }
        fi
        echo "ok: a rank that does '$action' in the middle round of the $phase ends the job (exit $rc) with: $msg"
      done
    done
    # 6. A round budget that is not one: rank 0 refuses it before anything is read, naming the variable.
    set +e; HYDRASCOPE_MPI_ROUND_BYTES=12x mpirun 3 "$H" run "$T/s.ndjson" --out "$T/out6" > /dev/null 2> "$T/err6"; rc=$?; set -e
    [[ $rc -ne 0 ]] || fail "a bad round budget: exit 0"
    [[ ! -e "$T/out6" ]] || fail "a bad round budget: --out was written"
    grep -q '^hydrascope: error: invalid option: HYDRASCOPE_MPI_ROUND_BYTES=12x: want a number of bytes' "$T/err6" ||
      { cat "$T/err6" >&2; fail "a bad round budget: no error line"; }
    echo "ok: a bad round budget ends the job (exit $rc) with: $(grep -m1 'error:' "$T/err6")"
    ;;
  *) fail "unknown case $case_name" ;;
esac
