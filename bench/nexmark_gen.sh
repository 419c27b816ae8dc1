#!/bin/sh
# bench/nexmark_gen.sh [BUILD_DIR] [N] - the Nexmark generator's events/s on
# one thread, without and with JSON formatting, and `spate gen nexmark`
# writing to /dev/null. Compiles bench/nexmark_gen/bench_nexmark_gen.c
# against BUILD_DIR's libspate.a (default build; build it first) with the
# connect layer's headers.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-build}
n=${2:-20000000}
case $build in /*) ;; *) build=$root/$build ;; esac
out=$build/bench/bench_nexmark_gen
mkdir -p "$build/bench"
cc -O2 -std=c11 -D_GNU_SOURCE -I "$root/include" -I "$build/layer-include/connect" \
    "$root/bench/nexmark_gen/bench_nexmark_gen.c" "$build/libspate.a" -lm -lpthread -o "$out"
"$out" "$n"
start=$(date +%s.%N)
"$build/spate" gen nexmark --events "$n" >/dev/null
end=$(date +%s.%N)
echo "$n $start $end" | awk '{ printf "spate gen nexmark > /dev/null: %12.0f events/s\n", $1 / ($3 - $2) }'
