#!/usr/bin/env bash
# Detection choices on the dev worlds (docs/quality.md section 6, "Hub
# damping and resolution"): generates the dev worlds (world A fixed seed 701
# and random 3001-3006, world C random 3001-3005), runs hydrascope with the
# given options on each, and prints one JSON line per world with the eval and
# `farm_jaccard`: per farm, the best Jaccard overlap of a community with the
# farm's accounts, averaged over farm accounts (how whole and how pure the
# communities around farms are, before any scoring).
#
# usage: [DEV=wide] bench/dev_detection.sh TAG [RUN OPTIONS...] > TAG.jsonl
#   e.g. bench/dev_detection.sh log --damping log --model log.json.gz
#        bench/dev_detection.sh degree --damping degree
#   then /usr/bin/python3 bench/dev_detection_table.py log.jsonl degree.jsonl
# env: HYDRASCOPE (binary, default build/hydrascope), WORLDS (default out/dev)
# The held-out worlds of bench/generalization.sh are never used here.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bin="${HYDRASCOPE:-$root/build/hydrascope}"
worlds="${WORLDS:-$root/out/dev}"
tag="$1"; shift
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-passive}"
specs=()
for p in easy mixed hard; do specs+=("a:$p:20000:701"); done
specs+=("a:mixed:2000:7")
for s in 3001 3002 3003 3004 3005 3006; do specs+=("a:random:20000:$s"); done
for s in 3001 3002 3003 3004; do specs+=("c:random:20000:$s"); done
specs+=("c:random:5000:3005")
# The wider dev set (DEV=wide): eight more world C and four more world A
# random worlds at 20,000 accounts, and one of each at 200,000.
if [[ "${DEV:-}" == wide ]]; then
  for s in 3006 3007 3008 3009 3010 3011 3012 3013; do specs+=("c:random:20000:$s"); done
  for s in 3007 3008 3009 3010; do specs+=("a:random:20000:$s"); done
  specs+=("c:random:200000:3014" "a:random:200000:3011")
fi
for spec in "${specs[@]}"; do
  IFS=: read -r world profile accounts seed <<< "$spec"
  name="$world-$profile-$accounts-$seed"
  w="$worlds/$name"
  [[ -f "$w/truth.json" ]] || "$bin" -q generate --world "$world" --profile "$profile" --accounts "$accounts" \
    --seed "$seed" --ip-ranges "$root/datasets/ip-ranges" --out "$w"
  "$bin" -q run "$w/snapshot.ndjson" --out "$w/run-$tag" --force --seed 1 --threads 2 --show 0 "$@" > /dev/null
  jac=$(/usr/bin/python3 - "$w/truth.json" "$w/run-$tag/accounts.csv" <<'PY'
import collections, csv, json, sys
truth = json.load(open(sys.argv[1]))
community, size = {}, collections.Counter()
for row in csv.DictReader(open(sys.argv[2])):
    community[row["account_id"]] = row["community_id"]
    size[row["community_id"]] += 1
total = n = 0
for c in truth["clusters"]:
    if c["kind"] != "hydra":
        continue
    inside = collections.Counter(community[a] for a in c["accounts"] if a in community)
    best = max((k / (len(c["accounts"]) + size[cid] - k) for cid, k in inside.items()), default=0.0)
    total += best * len(c["accounts"])
    n += len(c["accounts"])
print("%.6f" % (total / n if n else 0.0))
PY
)
  echo "{\"config\":\"$tag\",\"world\":\"$name\",\"farm_jaccard\":$jac,\"eval\":$("$bin" -q eval --truth "$w/truth.json" --accounts-csv "$w/run-$tag/accounts.csv" --json)}"
done
