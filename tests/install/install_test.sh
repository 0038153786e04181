#!/usr/bin/env bash
# `cmake --install` into a fresh prefix, then everything from that prefix
# alone: the program runs the sample; a program outside the tree builds
# against the CMake package and against pkg-config and writes the same run
# folder; the Python module imported from the prefix writes it too; the man
# pages, bash completion and schemas are there.
# Usage: install_test.sh BUILD_DIR SOURCE_DIR WORK_DIR [PYTHON]
set -euo pipefail
build=$1 src=$2 work=$3 python=${4:-/usr/bin/python3}
rm -rf "$work" && mkdir -p "$work"
prefix=$work/prefix
cmake --install "$build" --prefix "$prefix" >/dev/null
sample=$src/datasets/sample/snapshot.json.gz
export OMP_WAIT_POLICY=passive

test -x "$prefix/bin/hydrascope"
for f in "$prefix"/share/man/man1/hydrascope.1 "$prefix"/share/man/man1/hydrascope-run.1 \
         "$prefix"/share/bash-completion/completions/hydrascope "$prefix"/share/hydrascope/schema/run.schema.json \
         "$prefix"/include/hydrascope/pipeline.hpp "$prefix"/lib/cmake/hydrascope/hydrascopeConfig.cmake \
         "$prefix"/lib/pkgconfig/hydrascope.pc; do
  test -f "$f" || { echo "missing after install: $f" >&2; exit 1; }
done
test ! -e "$prefix/include/hydrascope/bgl.hpp"
man_count=$(ls "$prefix"/share/man/man1/hydrascope-*.1 | wc -l)
[[ $man_count -ge 12 ]] || { echo "expected a man page per command, found $man_count" >&2; exit 1; }

# The installed program (from another folder: nothing depends on where it runs).
(cd "$work" && "$prefix/bin/hydrascope" -q run "$sample" --out "$work/cli" --seed 1 --threads 2 >/dev/null)

same_folder() {  # every file but timings.json byte-identical
  diff -r -x timings.json "$1" "$2" >/dev/null || { echo "$2 differs from $1" >&2; diff -rq -x timings.json "$1" "$2" >&2; exit 1; }
}

# A program outside the tree, through find_package(hydrascope).
cmake -S "$src/tests/install/outside" -B "$work/outside-build" -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$work/outside-build" >/dev/null
"$work/outside-build/outside" "$sample" "$work/outside-out" | grep -q "^outside: 2000 accounts"
# The outside program does not pass the thread count: compare what does not depend on it.
cmp "$work/cli/accounts.csv" "$work/outside-out/accounts.csv"

# The same through pkg-config.
PKG_CONFIG_PATH="$prefix/lib/pkgconfig" pkg-config --exists hydrascope
# shellcheck disable=SC2046
c++ -O1 -o "$work/outside-pc" "$src/tests/install/outside/main.cpp" $(PKG_CONFIG_PATH="$prefix/lib/pkgconfig" pkg-config --cflags --libs hydrascope)
"$work/outside-pc" "$sample" "$work/outside-pc-out" | grep -q "^outside: 2000 accounts"

# The Python module from the prefix, when it was built.
pydir=$(ls -d "$prefix"/lib/python3*/dist-packages 2>/dev/null | head -1 || true)
if [[ -n "$pydir" && -d "$pydir/hydrascope" ]]; then
  (cd "$work" && PYTHONPATH="$pydir" "$python" -c "
import hydrascope
r = hydrascope.run('$sample', seed=1, threads=2)
r.write('$work/py')
assert hydrascope.__file__.startswith('$pydir'), hydrascope.__file__
")
  same_folder "$work/cli" "$work/py"
fi
echo "install test: passed"
