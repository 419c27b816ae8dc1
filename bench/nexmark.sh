#!/bin/sh
# bench/nexmark.sh [BUILD_DIR] [EVENTS] - the Nexmark queries spate runs
# (bench/nexmark/qN.sql over bench/nexmark/ddl.sql, the built-in `nexmark`
# source, no I/O, the `noop` sink, Trigger.AvailableNow over EVENTS events):
# events/s on one core (spate.master=local[1], numPartitions 1) and on all
# cores (local[*], numPartitions = cores), best of 3 runs of `spate sql`
# (the whole process: start, every micro-batch, stop). In the same run, the
# batch peer: DuckDB over the same events written once by `spate gen nexmark
# --out` (bench/duckdb_nexmark.mjs: load timed apart, then each query), and
# the published per-core figures for reference. Then the generator's own
# events/s (bench/bench_nexmark_gen, built by CMake with the benches).
# BUILD_DIR (default build) must hold a built `spate`.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-build}
events=${2:-5000000}
case $build in /*) ;; *) build=$root/$build ;; esac
spate=$build/spate
cores=$(nproc)
rows=1000000
[ "$events" -lt "$rows" ] && rows=$events
queries="q0 q1 q2 q3 q10 q11 q13 q14 q17 q20 q21 q22"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# the side input of q13: keys 0..9999
mkdir -p "$tmp/side"
awk 'BEGIN { for (i = 0; i < 10000; i++) printf "%d,side-%d\n", i, i }' >"$tmp/side/side.csv"

# one run of query q on `master` with `parts` partitions: "wall cpu"
# seconds on stdout (cpu: user + system time of the process)
run_spate() {
    sed -e "s/\${EVENTS}/$events/; s/\${ROWS}/$rows/; s/\${PARTS}/$3/; s#\${SIDE_INPUT}#$tmp/side#" \
        "$root/bench/nexmark/ddl.sql" "$root/bench/nexmark/$1.sql" >"$tmp/$1.sql"
    start=$(date +%s.%N)
    /usr/bin/time -f "%U %S" -o "$tmp/time" "$spate" sql --conf "spate.master=$2" "$tmp/$1.sql" \
        >"$tmp/out" 2>&1 || {
        echo "spate sql failed on $1:" >&2
        tail -5 "$tmp/out" >&2
        return 1
    }
    end=$(date +%s.%N)
    echo "$start $end $(cat "$tmp/time")" | awk '{ printf "%.6f %.2f\n", $2 - $1, $3 + $4 }'
}

# the best wall time of 3 runs, with that run's CPU time
best_of_3() {
    for i in 1 2 3; do run_spate "$@"; done | sort -g | head -1
}

rate() { echo "$events $1" | awk '{ if ($2 > 0) printf "%.0f", $1 / $2; else printf "-" }'; }

echo "Nexmark on spate: $events events, $rows per micro-batch, $cores cores"
printf '%-5s %12s %12s %12s %12s %12s\n' query "1 core" "per CPU-s" "$cores cores" "DuckDB" "1core/DuckDB"
duck=""
if [ -d "$root/bench/node_modules/@duckdb/node-api" ] && command -v node >/dev/null; then
    "$spate" gen nexmark --events "$events" --out "$tmp/events" --quiet
    duck=$(cd "$root/bench" && node duckdb_nexmark.mjs "$tmp/events" "$tmp/side" $queries)
    rm -rf "$tmp/events"
fi
for q in $queries; do
    set -- $(best_of_3 "$q" "local[1]" 1)
    one=$1 cpu=$2
    set -- $(best_of_3 "$q" "local[*]" "$cores")
    all=$1
    d=$(echo "$duck" | awk -v n="duckdb_$q" '$2 == "name=" n { for (i = 3; i <= NF; i++) if ($i ~ /^seconds=/) print substr($i, 9) }')
    ratio=-
    [ -n "$d" ] && ratio=$(echo "$d $one" | awk '{ printf "%.2f", $1 / $2 }')
    printf '%-5s %12s %12s %12s %12s %12s\n' "$q" "$(rate "$one")" "$(rate "$cpu")" "$(rate "$all")" \
        "$([ -n "$d" ] && rate "$d" || echo -)" "$ratio"
done
echo "(events/s; 1 core: wall time, local[1]; per CPU-s: that run's user + system time)"
load=$(echo "$duck" | awk '$2 == "name=duckdb_load" { for (i = 3; i <= NF; i++) if ($i ~ /^seconds=/) print substr($i, 9) }')
[ -n "$load" ] && echo "DuckDB: all cores, batch, after loading the JSON events once ($(rate "$load") events/s, not counted)"
cat <<'EOF'
Published per-core figures (events/s/core), for reference:
  Flink:   q0 ~380 K, q5 ~75 K, q7 ~23 K
  Feldera: q0 436 K, q5 412 K, q7 196 K, q8 415 K
EOF

# the generator alone (J's benchmark)
if [ -x "$build/bench/bench_nexmark_gen" ]; then
    "$build/bench/bench_nexmark_gen" "$events"
fi
