#!/bin/sh
# bench/nexmark_gen.sh [BUILD_DIR] [N] - the Nexmark generator's events/s on
# one thread, without and with JSON formatting (bench/bench_nexmark_gen.c,
# built by CMake with the other benches: `cmake --build BUILD_DIR --target
# bench_nexmark_gen`), and `spate gen nexmark` writing to /dev/null.
# bench/nexmark.sh runs the Nexmark queries.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-build}
n=${2:-20000000}
case $build in /*) ;; *) build=$root/$build ;; esac
cmake --build "$build" --target bench_nexmark_gen >/dev/null
"$build/bench/bench_nexmark_gen" "$n"
start=$(date +%s.%N)
"$build/spate" gen nexmark --events "$n" >/dev/null
end=$(date +%s.%N)
echo "$n $start $end" | awk '{ printf "spate gen nexmark > /dev/null: %12.0f events/s\n", $1 / ($3 - $2) }'
