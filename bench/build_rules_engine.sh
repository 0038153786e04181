#!/usr/bin/env bash
# Builds today's-before-the-model engine, the rule-based scoring of commit
# c03c903 (hand-set gates and thresholds; docs/quality.md compares it), from
# this repository's own history into out/rules/, and prints the binary's path.
# Used by bench/generalization.sh through RULES=...; never by the tests.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
commit="${RULES_COMMIT:-c03c903}"
src="$root/out/rules/src"
build="$root/out/rules/build"
if [[ ! -d "$src" ]]; then
  git -C "$root" worktree add --detach "$src" "$commit" >&2
fi
cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=Release -DHYDRASCOPE_TESTS=OFF -DHYDRASCOPE_BENCHMARKS=OFF >/dev/null
cmake --build "$build" -j"$(nproc)" --target hydrascope >&2
echo "$build/hydrascope"
