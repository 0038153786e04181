#!/usr/bin/env bash
# Installs what is missing, builds, and runs the whole test suite (ctest).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# Serial: several CLI tests share files under build/test-tmp between the
# processes of one test program; the suite takes about a minute anyway.
ctest --test-dir build --output-on-failure --timeout 900
