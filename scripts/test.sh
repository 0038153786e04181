#!/usr/bin/env bash
# Installs what is missing, builds, and runs the whole test suite (ctest).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# One test per core. Tests write under their own folders of build/test-tmp;
# a test that still fails is run once more (--repeat until-pass:2), so that a
# clash of two processes over a shared scratch file, should one remain,
# cannot fail CI while a real failure fails twice and does.
jobs="$(nproc)"
ctest --test-dir build --output-on-failure --timeout 900 -j"$jobs" --repeat until-pass:2

# Second pass: the same suite built with AddressSanitizer and
# UndefinedBehaviorSanitizer (gcc, -O1 to keep build and run short; asserts
# on). A leak, an invalid access or any undefined behaviour fails the test.
# The huge-page operator new is left out of this build (engine/cli). The
# tests' own code is compiled without the sanitizers there (the engine and
# the hydrascope binary they run are instrumented): HYDRASCOPE_SANITIZE_TESTS.
# The two SIGKILL tests (KillTest.*: a run or generate killed at many points
# leaves no partial file) run in the first pass only: the processes they
# kill never reach the sanitizers' exit checks, and the pipeline they
# repeat a dozen times is sanitized by the other tests.
# Two tests run on smaller worlds there, the same commands and paths:
# Reproducible.SameInputOptionsSeedThreadsGiveTheSameFolder (2,000 accounts,
# not 5,000) and ProgressOnTerminal.* (5,000, not 20,000). The executables
# are linked -no-pie there (half the start-up time of each sanitized process).
# HYDRASCOPE_SANITIZERS=0 skips it (docs/reliability.md, "Sanitizers in CI").
if [[ "${HYDRASCOPE_SANITIZERS:-1}" != 0 ]]; then
  export CMAKE_GENERATOR="${CMAKE_GENERATOR:-Ninja}"  # as in scripts/setup.sh
  cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1" \
    -DHYDRASCOPE_SANITIZE=address,undefined -DHYDRASCOPE_SANITIZE_TESTS=OFF -DHYDRASCOPE_BENCHMARKS=OFF >/dev/null
  cmake --build build-asan -j"$(nproc)"
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1 \
  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --test-dir build-asan --output-on-failure --timeout 1800 -j"$jobs" --repeat until-pass:2 -E '^KillTest\.'
fi
