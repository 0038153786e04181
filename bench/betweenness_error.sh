#!/usr/bin/env bash
# Sampled betweenness against exact: the error of `hydrascope score
# --centrality betweenness` (sampled, default epsilon and delta) on a generated
# world small enough for the exact computation, and the time of both.
# Usage: HYDRASCOPE=./build/hydrascope bench/betweenness_error.sh [ACCOUNTS] [WORKDIR]
# (default 20000 accounts in /tmp/betweenness_error). docs/centrality.md has the figures.
set -euo pipefail
HS=${HYDRASCOPE:-./build/hydrascope}
N=${1:-20000}
W=${2:-/tmp/betweenness_error}
mkdir -p "$W"
export OMP_WAIT_POLICY=passive
[[ -f $W/world/snapshot.ndjson ]] || "$HS" -q generate --accounts "$N" --seed 11 --out "$W/world" --force
t() { /usr/bin/env time -f "%e s wall, %U s user" "$@"; }
echo "exact:" >&2
t "$HS" -q score "$W/world/snapshot.ndjson" -c betweenness --exact-betweenness --out "$W/exact.csv" --json > "$W/exact.json"
for eps in 0.1 0.05; do
  echo "sampled, epsilon $eps:" >&2
  t "$HS" -q score "$W/world/snapshot.ndjson" -c betweenness --epsilon "$eps" --out "$W/sampled-$eps.csv" --json > "$W/sampled-$eps.json"
done
python3 - "$W" <<'PY'
import csv, json, sys
w = sys.argv[1]
def read(p):
    return {r["node_id"]: float(r["betweenness"]) for r in csv.DictReader(open(p, newline=""))}
ex = read(f"{w}/exact.csv")
n = len(ex)
pairs = (n - 1) * (n - 2) / 2
exn = {k: v / pairs for k, v in ex.items()}
top = sorted(exn, key=lambda k: (-exn[k], k))
print(f"nodes {n}; largest exact normalised betweenness {exn[top[0]]:.6f}; "
      f"100th {exn[top[99]]:.6f}; nodes above 0.001: {sum(v > 1e-3 for v in exn.values())}")
for eps in ("0.1", "0.05"):
    d = json.load(open(f"{w}/sampled-{eps}.json"))["centralities"][0]
    sa = read(f"{w}/sampled-{eps}.csv")
    san = {k: v / pairs for k, v in sa.items()}
    err = max(abs(san[k] - exn[k]) for k in exn)
    stop = sorted(san, key=lambda k: (-san[k], k))
    rel = max(abs(san[k] - exn[k]) / exn[k] for k in top[:20])
    overlap = len(set(top[:100]) & set(stop[:100]))
    print(f"epsilon {eps}: {d['sources']} sources, {d['seconds']:.2f} s; bound {d['epsilon']:.4f} (delta {d['delta']}); "
          f"largest observed error {err:.6f}; top 20 nodes within {100 * rel:.1f}% of exact; "
          f"top 100 shared {overlap}/100")
PY
