#!/usr/bin/env bash
# hydrascope set-up: installs the Debian packages the build and tests need
# (only those missing), then configures and builds into build/.
# Usage: scripts/setup.sh [--peers]   (--peers also installs the benchmark peers)
set -euo pipefail
cd "$(dirname "$0")/.."

PKGS=(
  build-essential cmake pkg-config
  ninja-build               # Ninja: the generator of new build folders (CMAKE_GENERATOR below)
  libboost-graph-dev        # Boost.Graph: CSR graph, components, core numbers, Brandes
  rapidjson-dev             # RapidJSON: SAX reader and Writer
  libeigen3-dev             # Eigen: the dense reference PageRank of tests/centrality (the engine does not use it)
  libgtest-dev libgmock-dev # GoogleTest
  libcli11-dev              # CLI11: the command line
  zlib1g-dev                # .gz input and output
  libbenchmark-dev          # Google Benchmark: micro benchmarks
  libxgboost-dev            # XGBoost C API: learned scoring (gradient-boosted trees that route
                            # missing values down a learned branch, exact per-feature contributions)
  # The Python module (engine/python, docs/python.md): pybind11 binds the
  # engine, numpy views its arrays without copies, pytest runs its tests in
  # ctest; python3-dev holds the headers the extension compiles against.
  pybind11-dev python3-pybind11
  python3-dev
  python3-numpy
  python3-pytest
  python3-jsonschema        # checks every output against docs/schema/*.json (tests/schema)
  # Test tools: exports are read back by the programs they are for, and the
  # HTML report is rendered in a headless browser.
  python3-networkx python3-igraph  # read GraphML back
  graphviz                  # dot -Tsvg renders the DOT export
  chromium                  # headless rendering of the HTML report
  # Open MPI: `mpirun -np P hydrascope run` (engine/mpi, docs/scale.md). The
  # Release build turns HYDRASCOPE_MPI on so that ctest runs the MPI tests.
  openmpi-bin libopenmpi-dev
)
PEERS=(
  python3-leidenalg libsimdjson-dev time
)
want=("${PKGS[@]}")
if [[ "${1:-}" == "--peers" ]]; then want+=("${PEERS[@]}"); fi

missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# npm (Debian's nodejs + npm when there is no npm at all): the report's
# browser code comes from the npm registry, below.
command -v npm > /dev/null 2>&1 || missing+=(nodejs npm)
if (( ${#missing[@]} )); then
  echo "setup: installing ${missing[*]}" >&2
  SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The report's browser code (docs/export.md, "Report"): cytoscape.js, inlined
# into every report.html at build time, and puppeteer-core, which drives
# Debian's chromium in the browser test (it never downloads a browser).
# Versions are pinned by engine/report/web/package-lock.json; `npm ci` runs
# only when node_modules is missing or was installed from another lock file,
# with install scripts off (none of these packages needs one).
web=engine/report/web
stamp="$web/node_modules/.hydrascope-lock.sha256"
lock_sum=$(sha256sum "$web/package-lock.json" | cut -d" " -f1)
if [[ ! -f "$stamp" || "$(cat "$stamp")" != "$lock_sum" ]]; then
  echo "setup: npm ci in $web" >&2
  (cd "$web" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
  echo "$lock_sum" > "$stamp"
fi

# New build folders use Ninja (it keeps both cores busy to the last step and
# has less overhead per step than make); a folder configured before with
# another generator keeps it (CMake reads CMAKE_GENERATOR for new folders only).
export CMAKE_GENERATOR="${CMAKE_GENERATOR:-Ninja}"
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DHYDRASCOPE_MPI=ON >/dev/null
cmake --build build -j"$(nproc)"
