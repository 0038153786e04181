#!/usr/bin/env bash
# Hydra tracking on an evolved world (docs/tracking.md, "Measured"): a world
# of ACCOUNTS accounts, DAYS evolved days, one run per day with --previous
# (and, from day 2, --reviews with decisions an analyst made after day 1),
# then bench/tracking_eval.py scores the regrown heads, false links, hydra_id
# stability and the review decisions; and `diff` of each run with itself.
#
# usage: bench/tracking_bench.sh [ACCOUNTS] [DAYS] [WORLD_SEED] [EVOLVE_SEED]
#   defaults: 200000 7 21 1. Output under out/tracking-ACCOUNTS-PROFILE-WORLD_SEED/.
#   Environment: PROFILE (mixed), BAN_RATE (0.15: a farm's daily probability
#   of a ban), THREADS (2), HYDRASCOPE=path/to/binary (./build/hydrascope).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
accounts="${1:-200000}"
days="${2:-7}"
wseed="${3:-21}"
eseed="${4:-1}"
threads="${THREADS:-2}"
profile="${PROFILE:-mixed}"
ban_rate="${BAN_RATE:-0.15}"
bin="${HYDRASCOPE:-$root/build/hydrascope}"
out="$root/out/tracking-$accounts-$profile-$wseed"
export OMP_WAIT_POLICY=passive
[[ -x "$bin" ]] || { echo "tracking_bench: $bin not built" >&2; exit 1; }
mkdir -p "$out"

echo "# world: $accounts accounts, profile $profile, seed $wseed; $days days evolved with seed $eseed, ban rate $ban_rate"
[[ -f "$out/world/truth.json" ]] || "$bin" -q generate --accounts "$accounts" --seed "$wseed" --profile "$profile" --out "$out/world" --force
[[ -f "$out/days/day-$days/truth.json" ]] || "$bin" generate --evolve "$out/world" --days "$days" --seed "$eseed" --ban-rate "$ban_rate" --out "$out/days" --force 2>&1 | sed 's/^hydrascope: /# /'

run_day() {  # day, snapshot, extra options...
  local d="$1" snap="$2"
  shift 2
  "$bin" -q run "$snap" --out "$out/runs/day-$d" --force --threads "$threads" "$@" > "$out/runs/day-$d.stdout"
  local t
  t=$(python3 -c "import json,sys; t=json.load(open(sys.argv[1]))['timings_seconds']; print('detect %.2f s, track %.2f s, total %.2f s' % (t['detect'], t.get('track', 0), t['total']))" "$out/runs/day-$d/timings.json")
  echo "day $d: $t; $(grep '^tracking:' "$out/runs/day-$d.stdout" || echo 'no tracking (day 0)')"
}
mkdir -p "$out/runs"
run_day 0 "$out/world/snapshot.ndjson"
run_day 1 "$out/days/day-1/snapshot.ndjson" --previous "$out/runs/day-0"
python3 "$root/bench/tracking_eval.py" --make-reviews "$out/reviews.csv" --world "$out/days" --runs "$out/runs" --day 1
for ((d = 2; d <= days; d++)); do
  run_day "$d" "$out/days/day-$d/snapshot.ndjson" --previous "$out/runs/day-$((d - 1))" --reviews "$out/reviews.csv"
done
echo
python3 "$root/bench/tracking_eval.py" --world "$out/days" --runs "$out/runs" --reviews "$out/reviews.csv" | tee "$out/eval.txt"
python3 "$root/bench/tracking_eval.py" --world "$out/days" --runs "$out/runs" --reviews "$out/reviews.csv" --json > "$out/eval.json"
echo
for ((d = 0; d <= days; d++)); do
  echo "diff day-$d day-$d: $("$bin" -q diff "$out/runs/day-$d" "$out/runs/day-$d" | head -1)"
done
