#!/usr/bin/env bash
# Baseline floor (docs/baselines.md): generates 200,000-account worlds for the
# easy, mixed and hard profiles, runs the four count baselines on each and
# scores them with `hydrascope eval`. Prints one markdown table on stdout.
# Usage: bench/baselines.sh [BUILD_DIR] [ACCOUNTS] [SEEDS...]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
accounts=${2:-200000}
shift $(( $# > 2 ? 2 : $# )) || true
seeds=("$@")
[ ${#seeds[@]} -eq 0 ] && seeds=(1)
bin=$build/hydrascope
out=$root/out/baselines
mkdir -p "$out"
for seed in "${seeds[@]}"; do
  for profile in easy mixed hard; do
    world=$out/$profile-$seed
    [ -f "$world/truth.json" ] || "$bin" --quiet generate --accounts "$accounts" --seed "$seed" --profile "$profile" --out "$world"
    for method in shared-card ip-fanin proxy degree; do
      "$bin" --quiet baseline "$world/snapshot.ndjson" --method "$method" --out "$world/$method.csv"
      "$bin" --quiet eval --truth "$world/truth.json" --accounts-csv "$world/$method.csv" --json > "$world/$method.eval.json"
    done
  done
done
/usr/bin/python3 - "$out" "${seeds[@]}" <<'PY'
import json, sys
out, seeds = sys.argv[1], sys.argv[2:]
rows, kinds = [], set()
for seed in seeds:
    for profile in ("easy", "mixed", "hard"):
        for method in ("shared-card", "ip-fanin", "proxy", "degree"):
            r = json.load(open(f"{out}/{profile}-{seed}/{method}.eval.json"))
            kinds.update(r["lookalikes"])
            rows.append((profile, seed, method, r))
kinds = sorted(kinds)
print("| profile | seed | baseline | AUROC | AP | precision | recall | F1 | " + " | ".join(kinds) + " |")
print("|" + "---|" * (8 + len(kinds)))
f = lambda x: f"{x:.3f}"
for profile, seed, method, r in rows:
    la = [f(r["lookalikes"][k]["flagged_share"]) if k in r["lookalikes"] else "-" for k in kinds]
    print(f"| {profile} | {seed} | {method} | {f(r['auroc'])} | {f(r['average_precision'])} | "
          f"{f(r['precision'])} | {f(r['recall'])} | {f(r['f1'])} | " + " | ".join(la) + " |")
PY
