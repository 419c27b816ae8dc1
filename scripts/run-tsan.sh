#!/usr/bin/env bash
# scripts/run-tsan.sh - the integration tests, which run every example and
# the spate command, against a ThreadSanitizer build (make test-tsan).
#
#   scripts/run-tsan.sh [BUILD_DIR]      (default: build-tsan, made by
#       cmake -DCMAKE_C_COMPILER=clang -DSPATE_TSAN=ON -DSPATE_TESTS=OFF)
#
# The unit tests are not run: Criterion's runner cannot start under TSan.
# Any report fails the run: each instrumented process writes its reports to
# BUILD_DIR/tsan-reports/tsan.<pid> (log_path) and exits 66 at the first one
# (halt_on_error); the integration tests' conftest fails the test during
# which a report appeared ($SPATE_SANITIZER_REPORTS), and this script fails
# when any report is there at the end, printing them.
# tests/tsan.supp holds the suppressions, each with the reason it is not a bug.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="$(cd "${1:-$root/build-tsan}" && pwd)"
for bin in spate examples/queue_stream; do
  [ -x "$build/$bin" ] || { echo "run-tsan: $build/$bin not found: make test-tsan builds it" >&2; exit 1; }
done
if ! nm "$build/spate" 2>/dev/null | grep __tsan_init >/dev/null; then
  echo "run-tsan: $build is not a ThreadSanitizer build (cmake -DSPATE_TSAN=ON)" >&2
  exit 1
fi

# librdkafka's C11 threads, mapped onto the intercepted pthread calls
# (tests/tsan_c11_threads.c says why). Not instrumented itself.
shim="$build/tsan-c11-threads.so"
clang -std=c11 -D_GNU_SOURCE -O2 -g -fPIC -shared -Wall -Wextra -Werror \
  -o "$shim" "$root/tests/tsan_c11_threads.c" -lpthread
export LD_PRELOAD="$shim${LD_PRELOAD:+:$LD_PRELOAD}"

reports="$build/tsan-reports"
rm -rf "$reports"
mkdir -p "$reports"
export TSAN_OPTIONS="halt_on_error=1:exitcode=66:log_path=$reports/tsan:second_deadlock_stack=1:suppressions=$root/tests/tsan.supp${TSAN_OPTIONS:+:$TSAN_OPTIONS}"
export SPATE_SANITIZER_REPORTS="$reports"
export SPATE_SANITIZED=1 # fewer kill -9 trials (tests/integration/trials.py)
export SPATE_BUILD="$build"

# TSan's shadow memory needs the address space layout it expects; kernels
# with more mmap randomisation bits make it abort at start ("unexpected memory
# mapping"). setarch -R turns ASLR off for the run and its children.
norand=()
if setarch "$(uname -m)" -R true 2>/dev/null; then norand=(setarch "$(uname -m)" -R); fi

echo "== integration tests under ThreadSanitizer ($build)"
cd "$root"
start=$(date +%s)
status=0
# Debian's pytest lives with /usr/bin/python3, whatever python3 is first on PATH.
"${norand[@]}" /usr/bin/python3 -m pytest -q -p no:cacheprovider tests/integration || status=$?
echo "run-tsan: $(($(date +%s) - start)) s"

shopt -s nullglob
found=("$reports"/tsan*)
if [ ${#found[@]} -gt 0 ]; then
  echo "run-tsan: ${#found[@]} ThreadSanitizer report(s):" >&2
  for f in "${found[@]}"; do echo "== $f" >&2; cat "$f" >&2; done
  exit 1
fi
exit "$status"
