#!/usr/bin/env bash
# Runs the unit tests (Criterion) and the integration tests (pytest) against
# one build directory, or only one of the two.
# Usage: scripts/run-tests.sh [--unit|--integration] BUILD_DIR
set -euo pipefail
unit=1 integration=1
case "${1:-}" in
  --unit) integration=0; shift ;;
  --integration) unit=0; shift ;;
esac
build="${1:-build}"
root="$(cd "$(dirname "$0")/.." && pwd)"
build="$(cd "$build" && pwd)"
export LSAN_OPTIONS="suppressions=$root/tests/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
if [ "$unit" -eq 1 ]; then
  echo "== unit tests ($build)"
  # Criterion forks a process per test; two jobs match the machine's two cores.
  # The output is kept so that a failure's lines can be printed again last:
  # CI shows only the tail of a long log.
  log="$(mktemp)"
  trap 'rm -f "$log"' EXIT
  if ! "$build/tests/unit_tests" --jobs 2 2>&1 | tee "$log"; then
    echo "== unit test failures ($build)"
    grep -E '^\[(----|FAIL)\]|Assertion|CRASH|Timed out' "$log" | grep -v ' WARN \| ERROR \| INFO ' || true
    exit 1
  fi
fi
if [ "$integration" -eq 1 ]; then
  echo "== integration tests ($build)"
  export SPATE_BUILD="$build"
  # An ASan build runs fewer kill -9 trials (tests/integration/trials.py).
  # (grep reads all of nm's output: with -q it would stop early, and nm's
  # SIGPIPE would fail the pipeline under pipefail.)
  if nm "$build/spate" 2>/dev/null | grep __asan_init >/dev/null; then export SPATE_SANITIZED=1; fi
  cd "$root"
  # Debian's pytest lives with /usr/bin/python3, whatever python3 is first on PATH.
  /usr/bin/python3 -m pytest -q -p no:cacheprovider tests/integration
fi
