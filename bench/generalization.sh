#!/usr/bin/env bash
# Held-out quality for docs/quality.md: worlds that no rule or model was
# fitted on, scored by hydrascope (a model file, default the built-in one),
# by today's rule-based engine when its binary is given, and by every simple
# baseline; one JSON line per (world, method) on stdout.
#
# usage: bench/generalization.sh [SPEC...]
#   SPEC = WORLD:PROFILE:ACCOUNTS:SEED, e.g. b:hard:200000:901 or a:random:20000:5001
#   default: the held-out suite of docs/quality.md (below)
# env: HYDRASCOPE  binary (default build/hydrascope)
#      MODEL       model file for hydrascope (default: the built-in model)
#      RULES       binary of the rule-based engine (bench/build_rules_engine.sh); left out when unset
#      WORLDS      where worlds are generated or reused (default out/heldout)
#      BASELINES   methods (default: shared-card ip-fanin proxy degree)
#      THREADS     threads of every run (default 2)
# The training recipe (hydrascope train --recipe default) uses worlds a and c,
# profile random, seeds 1001-1048; every seed here is outside that range, and
# world b is never used in training or tuning.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bin="${HYDRASCOPE:-$root/build/hydrascope}"
worlds="${WORLDS:-$root/out/heldout}"
methods="${BASELINES:-shared-card ip-fanin proxy degree}"
threads="${THREADS:-2}"
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-passive}"
specs=("$@")
if (( ${#specs[@]} == 0 )); then
  for n in 20000 200000; do
    for p in easy mixed hard; do specs+=("a:$p:$n:901"); done
    specs+=("a:random:$n:5001" "a:random:$n:5002")
    for p in easy mixed hard bare; do specs+=("b:$p:$n:901"); done
    specs+=("c:random:$n:5001" "c:random:$n:5002")
    [[ $n == 20000 ]] && specs+=("c:random:$n:5003")
  done
fi
model_args=()
[[ -n "${MODEL:-}" ]] && model_args=(--model "$MODEL")
for spec in "${specs[@]}"; do
  IFS=: read -r world profile accounts seed <<< "$spec"
  w="$worlds/$world-$profile-$accounts-$seed"
  if [[ ! -f "$w/truth.json" ]]; then
    "$bin" -q generate --world "$world" --profile "$profile" --accounts "$accounts" --seed "$seed" \
      --ip-ranges "$root/datasets/ip-ranges" --out "$w"
  fi
  head="\"world\":\"$world\",\"profile\":\"$profile\",\"accounts\":$accounts,\"seed\":$seed"
  start=$(date +%s.%N)
  "$bin" -q run "$w/snapshot.ndjson" --out "$w/run" --force --seed 1 --threads "$threads" --show 0 "${model_args[@]}" > /dev/null
  secs=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.3f", b - a }')
  echo "{$head,\"method\":\"hydrascope\",\"seconds\":$secs,\"eval\":$("$bin" -q eval --truth "$w/truth.json" --accounts-csv "$w/run/accounts.csv" --json)}"
  if [[ -n "${RULES:-}" ]]; then
    "$RULES" -q run "$w/snapshot.ndjson" --out "$w/rules" --force --seed 1 --threads "$threads" --show 0 > /dev/null 2>&1 &&
      echo "{$head,\"method\":\"rules\",\"eval\":$("$bin" -q eval --truth "$w/truth.json" --accounts-csv "$w/rules/accounts.csv" --json)}"
  fi
  for m in $methods; do
    "$bin" -q baseline --method "$m" "$w/snapshot.ndjson" --out "$w/baseline-$m.csv" > /dev/null 2>&1 || continue
    echo "{$head,\"method\":\"$m\",\"eval\":$("$bin" -q eval --truth "$w/truth.json" --accounts-csv "$w/baseline-$m.csv" --json)}"
  done
done
