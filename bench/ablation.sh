#!/usr/bin/env bash
# Ablation for docs/quality.md: one model per configuration, trained by the
# default recipe with a feature family left out or a refinement step off,
# each scored on the given worlds (folders holding snapshot.ndjson and
# truth.json); one JSON line per (configuration, world) on stdout.
#
# usage: bench/ablation.sh WORLD_DIR...
# env: HYDRASCOPE   binary (default build/hydrascope)
#      RECIPE_WORK  folder of the recipe's generated worlds, kept between
#                   configurations (default out/ablation/recipe)
#      MODELS       where the models go (default out/ablation/models)
#      CONFIGS      space-separated: full, family:NAME, refine:STEPS (the
#                   refinement steps that run, comma-separated, all or none;
#                   default: full, every family, none, all, and the default
#                   step with each other step added)
#      THREADS      (default 2)
# A configuration's model is reused when its file exists.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bin="${HYDRASCOPE:-$root/build/hydrascope}"
work="${RECIPE_WORK:-$root/out/ablation/recipe}"
models="${MODELS:-$root/out/ablation/models}"
threads="${THREADS:-2}"
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-passive}"
configs="${CONFIGS:-}"
if [[ -z "$configs" ]]; then
  configs="full"
  for f in structure sharing payment ip proxy device entity links synchrony balance burst pivot seed; do configs+=" family:$f"; done
  configs+=" refine:none refine:all"
  for s in split_by_proxy split_tied rehome merge; do configs+=" refine:split_separated,$s"; done
fi
mkdir -p "$work" "$models"
for config in $configs; do
  train_args=()
  run_args=()
  case "$config" in
    full) ;;
    family:*) train_args=(--drop-family "${config#family:}") ;;
    refine:*) train_args=(--refine "${config#refine:}"); run_args=(--refine "${config#refine:}") ;;
    *) echo "ablation: unknown configuration $config" >&2; exit 2 ;;
  esac
  model="$models/${config//[:,]/-}.json.gz"
  if [[ ! -f "$model" ]]; then
    start=$(date +%s)
    # Rows are gathered once per refinement setting and reused for every
    # dropped family (train --rows-cache).
    cache="$work/rows-${config#refine:}.bin"
    [[ "$config" == refine:* ]] || cache="$work/rows-default.bin"
    "$bin" -q train --recipe default --work "$work" --threads "$threads" --rows-cache "$cache" --out "$model" "${train_args[@]}" > /dev/null
    echo "ablation: trained $config in $(( $(date +%s) - start )) s" >&2
  fi
  for w in "$@"; do
    w="${w%/}"
    "$bin" -q run "$w/snapshot.ndjson" --out "$w/run-ablation" --force --seed 1 --threads "$threads" --show 0 \
      --model "$model" "${run_args[@]}" > /dev/null 2>&1
    echo "{\"config\":\"$config\",\"world\":\"$(basename "$w")\",\"eval\":$("$bin" -q eval --truth "$w/truth.json" --accounts-csv "$w/run-ablation/accounts.csv" --json)}"
  done
done
