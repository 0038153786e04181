#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz with clang (ASan + UBSan) in
# build-fuzz/, makes seed corpora from tests/fixtures and datasets/sample,
# and runs each target for the given time, one after another.
#
# Usage: scripts/fuzz.sh [seconds per target, default 600] [target ...]
#   targets: json ndjson csv edgelist gzip timestamp number hsnap run (default: all)
#   run: the whole `hydrascope run` pipeline (tests/fuzz/fuzz_run.cpp), from a
#   generated world with mutated ids, attributes, weights and options.
#   FUZZ_JOBS=2 runs two targets at a time (each still gets its full time).
# Output: build-fuzz/fuzz-logs/<target>.log (libFuzzer's log with final
# stats), build-fuzz/fuzz-corpus/<target>/ (the grown corpus, kept between
# runs), build-fuzz/fuzz-artifacts/<target>/ (crash-*, timeout-*, oom-*
# inputs: each finding to turn into a tests/fixtures/bad/ regression file),
# and a summary table on stdout. Fork mode: a crash, timeout or OOM is saved
# and fuzzing goes on, so each target runs its whole time. Rerun one finding:
#   build-fuzz/fuzz_<target> build-fuzz/fuzz-artifacts/<target>/crash-...
# Not part of CI (scripts/test.sh); needs clang and libclang-rt (installed
# here when missing).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
SECONDS_PER=${1:-600}
shift || true
ALL=(json ndjson csv edgelist gzip timestamp number hsnap run)
TARGETS=("$@")
(( ${#TARGETS[@]} )) || TARGETS=("${ALL[@]}")
JOBS=${FUZZ_JOBS:-1}
B=$ROOT/build-fuzz

need=()
command -v clang++ >/dev/null || need+=(clang)
dpkg-query -W -f='${Status}' libclang-rt-14-dev 2>/dev/null | grep -q "install ok installed" || need+=(libclang-rt-14-dev)
if (( ${#need[@]} )); then
  SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

CC=clang CXX=clang++ cmake -S . -B "$B" -DCMAKE_BUILD_TYPE=Release -DHYDRASCOPE_FUZZ=ON \
  -DHYDRASCOPE_TESTS=OFF -DHYDRASCOPE_BENCHMARKS=OFF -DHYDRASCOPE_OPENMP=OFF >/dev/null
cmake --build "$B" -j"$(nproc)" --target "${TARGETS[@]/#/fuzz_}" >/dev/null

# --- seed corpora ---------------------------------------------------------------
S=$B/fuzz-seeds
rm -rf "$S"
mkdir -p "$S"/{json,ndjson,csv,edgelist,gzip,timestamp,number,hsnap,run}
cp tests/fixtures/hsnap-corpus/* "$S/hsnap/"
G=tests/fixtures/good
X=tests/fixtures/bad
cp $G/*.json $X/*.json "$S/json/"
cp $G/*.ndjson $X/*.ndjson "$S/ndjson/"
{ zcat datasets/sample/snapshot.json.gz || true; } | head -c 8192 >"$S/json/sample_head.json"
for d in $G/csv_* $X/csv_*; do
  [[ -f $d/nodes.csv ]] || continue
  { cat "$d/nodes.csv"; printf '\036'; if [[ -f $d/edges.csv ]]; then cat "$d/edges.csv"; fi; } >"$S/csv/$(basename "$d")"
done
cp $X/*.edges "$S/edgelist/"
for f in datasets/*/*.edges datasets/*/*.txt; do
  if [[ -f $f ]]; then head -c 4096 "$f" >"$S/edgelist/$(basename "$f")"; fi
done
for f in "$S"/json/* "$S"/ndjson/* "$S"/edgelist/*; do
  gzip -9nc "$f" >"$S/gzip/$(basename "$f").gz"
done
cp $X/*.gz "$S/gzip/"
gzip -9nc "$S/json/sample_head.json" "$S/ndjson/bom_edges_first.ndjson" >"$S/gzip/two_members.gz"
{ grep -rhoaE '[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9:.]+([Zz]|[+-][0-9]{2}:[0-9]{2})?' $G $X || true; } | sort -u |
  while read -r t; do printf '%s' "$t" >"$S/timestamp/$(printf '%s' "$t" | md5sum | cut -c1-12)"; done
i=0
for v in 1 0 -3 2.5 1e999 1e-400 NaN nan inf 007 -0 0x10 9223372036854775808 -62167219200 253402300799 \
  1771545600 '"2026-02-20T00:00:00Z"' '"x"' true '[1]' '{"a":1}' 2026-02-20T01:02:03.25+05:30 \
  0000-01-01T00:00:00+00:01 9999-12-31T23:59:59-00:01; do
  printf '%s' "$v" >"$S/number/n$i"
  printf '%s' "$v" >"$S/timestamp/n$i"
  i=$((i + 1))
done

# run: option bytes, a seed and a few edits (rename to "=cmd", an ESC id, a
# huge weight, an attr), and plain random programs.
printf '\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x01' >"$S/run/plain"
printf '\x19\x3f\x21\x00\x00\x00\x00\x00\x00\x00\x09\x00\x00\x05\x04=cmd\x00\x00\x07\x05a\x1b[1m\x02\x00\x03\x08\x00\x00\x00\x00\x00\x00\xf0\x7f' >"$S/run/hostile"
printf '\xc1\xff\xff\x00\x00\x00\x00\x00\x00\x20\x01\x01\x00\x09\x06\x2bk\x3d1+2' >"$S/run/attrs"
for i in 1 2 3 4 5 6; do head -c $((40 * i)) /dev/urandom >"$S/run/random$i"; done

dict_for() {
  case $1 in
    json|ndjson|gzip) echo tests/fuzz/json.dict ;;
    csv) echo tests/fuzz/csv.dict ;;
    run) echo tests/fuzz/run.dict ;;
    *) echo tests/fuzz/numbers.dict ;;
  esac
}

run_one() {
  local t=$1
  mkdir -p "$B/fuzz-corpus/$t" "$B/fuzz-artifacts/$t" "$B/fuzz-logs"
  # pointer-overflow reports inside RapidJSON's own header are suppressed (see ubsan.supp).
  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:suppressions=$ROOT/tests/fuzz/ubsan.supp \
  ASAN_OPTIONS=detect_leaks=1 \
    "$B/fuzz_$t" "$B/fuzz-corpus/$t" "$S/$t" -dict="$(dict_for "$t")" \
    -max_total_time="$SECONDS_PER" -rss_limit_mb=2048 -timeout=10 -max_len=16384 \
    -fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 \
    -artifact_prefix="$B/fuzz-artifacts/$t/" \
    >"$B/fuzz-logs/$t.log" 2>&1 || echo "fuzz_$t stopped with a finding: see $B/fuzz-logs/$t.log" >&2
}

running=0
for t in "${TARGETS[@]}"; do
  echo "fuzz_$t: ${SECONDS_PER}s (log build-fuzz/fuzz-logs/$t.log)" >&2
  run_one "$t" &
  running=$((running + 1))
  if (( running >= JOBS )); then wait -n || true; running=$((running - 1)); fi
done
wait || true

# Fork mode logs "#<executions>: cov: <edges> ft: <features> corp: <inputs> exec/s: <rate> oom/timeout/crash: a/b/c ...".
printf '%-10s %12s %8s %8s %8s %s\n' target executions exec/s cov corpus oom/timeout/crash
for t in "${TARGETS[@]}"; do
  last=$(grep -aE '^#[0-9]+: cov:' "$B/fuzz-logs/$t.log" | tail -1 || true)
  read -r execs cov corp secs bad <<<"$(sed -E 's/^#([0-9]+): cov: ([0-9]+) ft: [0-9]+ corp: ([0-9]+) exec\/s:? [0-9]+ oom\/timeout\/crash: ([0-9/]+) time: ([0-9]+)s.*/\1 \2 \3 \5 \4/' <<<"$last")"
  rate=$(( ${execs:-0} / (${secs:-0} > 0 ? ${secs:-1} : 1) ))  # average over the run
  printf '%-10s %12s %8s %8s %8s %s\n' "$t" "${execs:-?}" "${rate:-?}" "${cov:-?}" "${corp:-?}" "${bad:-?}"
done
