#!/usr/bin/env bash
# bench/run.sh - spate's benchmarks and their peers, measured in the same run.
#
#   bench/run.sh [BUILD_DIR]        (make bench runs it on ./build)
#
# 1. bench_pipeline: a stateless map/filter/count pipeline, elements/s per
#    executor thread on local[1] and local[2], against a plain C loop and awk.
# 2. bench_orders: 5 M orders from a file (made once into bench/data/ by
#    `spate gen orders`), parsed into typed tuples and counted by kind, against
#    awk -F, '{c[$7]++}' and DuckDB (npm @duckdb/node-api) on the same file.
# 3. bench_dashboard.sh: the orders dashboard (5 M orders in 50 files, one per
#    batch) against DuckDB computing the same three metrics; checks they agree.
# 4. bench_window: reduceByKeyAndWindow over a 1 h window sliding every 5 s,
#    time per batch with the inverse function against without (target 50x).
# 5. bench_state: mapWithState with 1 M and 10 M live keys, 100 k updates per
#    batch: ns per updated key (target 200), store bytes per key beyond the key
#    and state (target 64), delta checkpoint vs full snapshot (target 20x).
# 6. bench_kafka.sh: Kafka -> parse -> count by type -> Kafka over 5 M orders
#    against kcat -C (target 0.7x), and writeToKafka alone against kcat -P
#    (target 0.8x), on one `spate kafka-mock`.
# 7. bench_wal: a receiver with the write-ahead log, records/s with
#    store_many (chunks of 500, one sync each) against store (one sync per
#    record), the log in bench/data (no target).
# 8. bench_columnar: SELECT v * 2 WHERE v % 3 = 0 over 100 M int64 rows in
#    column batches, rows/s on one thread against a plain C loop and a
#    branch-free one (target 500 M rows/s).
# 9. bench_sql.sh: Structured Streaming in SQL: count by kind (against
#    DuckDB and bench_orders), the top 5 clients over 50 files (against
#    DuckDB), rate-micro-batch -> noop rows/s, memory -> memory latency.
# 10. bench_agg: the SQL hash aggregation against a plain C loop.
# Each orders figure is the best of $BENCH_RUNS runs (default 3). Plain timing:
# clock_gettime inside the programs, date +%s.%N around awk. Not a test: it
# prints figures and ratios, and exits 0 unless something failed to run.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
build="$(cd "${1:-$root/build}" && pwd)"
runs="${BENCH_RUNS:-3}"
data="$root/bench/data"
orders="$data/orders-5m.txt"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

for bin in spate bench/bench_pipeline bench/bench_orders; do
  [ -x "$build/$bin" ] || { echo "run.sh: $build/$bin not found: build first (make)" >&2; exit 1; }
done

mkdir -p "$data"
if [ ! -s "$orders" ]; then
  echo "== making $orders (spate gen orders --count 5000000)"
  "$build/spate" gen orders --count 5000000 --seed 1 >"$orders.tmp"
  mv "$orders.tmp" "$orders"
fi

# The smallest "seconds=" of the RESULT lines in file $1.
best_seconds() {
  sed -n 's/^RESULT .*seconds=\([0-9.]*\).*/\1/p' "$1" | sort -g | head -n 1
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
meets() { awk -v r="$1" -v t="$2" 'BEGIN { print (r >= t) ? "meets" : "BELOW" }'; }

echo "== stateless pipeline (bench_pipeline)"
"$build/bench/bench_pipeline" | tee "$tmp/pipeline.txt"
echo

echo "== orders by kind, $(wc -l <"$orders") lines, best of $runs"
for _ in $(seq "$runs"); do
  "$build/bench/bench_orders" "$orders" | tee -a "$tmp/spate.txt"
done
spate_s="$(best_seconds "$tmp/spate.txt")"

for _ in $(seq "$runs"); do
  t0="$(date +%s.%N)"
  awk -F, '{c[$7]++} END{for(k in c) print k, c[k]}' "$orders" >"$tmp/awk.out"
  t1="$(date +%s.%N)"
  echo "RESULT name=awk seconds=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.6f", b - a }')" \
    >>"$tmp/awk.txt"
done
awk_s="$(best_seconds "$tmp/awk.txt")"
echo "awk: $(tr '\n' ' ' <"$tmp/awk.out")in $awk_s s"

duck_s=""
if command -v node >/dev/null && command -v npm >/dev/null; then
  if [ ! -d "$root/bench/node_modules/@duckdb/node-api" ]; then
    (cd "$root/bench" && npm install --no-audit --no-fund >"$tmp/npm.log" 2>&1) ||
      { echo "run.sh: npm install failed (DuckDB skipped):"; tail -5 "$tmp/npm.log"; }
  fi
  if [ -d "$root/bench/node_modules/@duckdb/node-api" ]; then
    for _ in $(seq "$runs"); do
      (cd "$root/bench" && node duckdb_orders.mjs "$orders") | tee -a "$tmp/duck.txt"
    done
    duck_s="$(best_seconds "$tmp/duck.txt")"
  fi
else
  echo "run.sh: node/npm not found: DuckDB skipped"
fi

echo
"$root/bench/bench_dashboard.sh" "$build" "$runs" | tee "$tmp/dashboard.txt" ||
  echo "run.sh: bench_dashboard.sh failed"

echo
echo "== reduceByKeyAndWindow, 1 h window, 5 s slide (bench_window)"
"$build/bench/bench_window" | tee "$tmp/window.txt" || echo "run.sh: bench_window failed"

echo
echo "== mapWithState with 1 M and 10 M live keys (bench_state)"
"$build/bench/bench_state" | tee "$tmp/state.txt" || echo "run.sh: bench_state failed"

echo
"$root/bench/bench_kafka.sh" "$build" "$runs" | tee "$tmp/kafka.txt" ||
  echo "run.sh: bench_kafka.sh failed"
"$root/bench/bench_sql_kafka.sh" "$build" "$runs" | tee -a "$tmp/kafka.txt" || echo "run.sh: bench_sql_kafka.sh failed"

echo
echo "== receiver write-ahead log (bench_wal)"
"$build/bench/bench_wal" "$data" | tee "$tmp/wal.txt" || echo "run.sh: bench_wal failed"

echo
echo "== columnar filter + projection, 100 M rows (bench_columnar)"
"$build/bench/bench_columnar" | tee "$tmp/columnar.txt" || echo "run.sh: bench_columnar failed"

echo
"$root/bench/bench_sql.sh" "$build" "$runs" | tee "$tmp/sql.txt" || echo "run.sh: bench_sql.sh failed"

echo
echo "== SQL hash aggregation (bench_agg)"
"$build/bench/bench_agg" | tee "$tmp/agg.txt" || echo "run.sh: bench_agg failed"
echo; "$root/bench/bench_ui_overhead.sh" "$build" "$runs" || echo "run.sh: bench_ui_overhead.sh failed"

echo
echo "== summary"
{ grep '^RESULT name=spate_local' "$tmp/pipeline.txt" || true; } | while read -r line; do
  per="$(echo "$line" | sed 's/.*per_thread=\([0-9]*\).*/\1/')"
  name="$(echo "$line" | sed 's/.*name=\([^ ]*\).*/\1/')"
  echo "pipeline $name: $(awk -v p="$per" 'BEGIN { printf "%.1f", p / 1e6 }') M elements/s per thread" \
    "($(meets "$(ratio "$per" 20000000)" 1) the 20 M target)"
done
echo "orders: spate $spate_s s, awk $awk_s s, DuckDB ${duck_s:-n/a} s"
r="$(ratio "$awk_s" "$spate_s")"
echo "spate vs awk:    ${r}x faster ($(meets "$r" 4) the 4x target)"
if [ -n "$duck_s" ]; then
  r="$(ratio "$duck_s" "$spate_s")"
  echo "spate vs DuckDB: ${r}x faster ($(meets "$r" 2) the 2x target)"
fi
grep '^dashboard summary' "$tmp/dashboard.txt" || true
r="$(sed -n 's/^RESULT name=window_ratio ratio=\([0-9.]*\).*/\1/p' "$tmp/window.txt")"
[ -z "$r" ] || echo "window: the inverse is ${r}x cheaper per batch ($(meets "$r" 50) the 50x target)"
{ grep '^RESULT name=state_update' "$tmp/state.txt" || true; } | while read -r line; do
  keys="$(echo "$line" | sed 's/.*keys=\([0-9]*\).*/\1/')"
  ns="$(echo "$line" | sed 's/.*ns_per_update=\([0-9]*\).*/\1/')"
  over="$(echo "$line" | sed 's/.*overhead_per_key=\([0-9.]*\).*/\1/')"
  echo "state $keys keys: $ns ns per updated key ($(meets "$(ratio 200 "$ns")" 1) the 200 ns target)," \
    "$over bytes overhead per key ($(meets "$(ratio 64 "$over")" 1) the 64 target)"
done
r="$(sed -n 's/^RESULT name=state_checkpoint.* ratio=\([0-9.]*\).*/\1/p' "$tmp/state.txt")"
[ -z "$r" ] || echo "state checkpoint: the delta is ${r}x faster than a full snapshot ($(meets "$r" 20) the 20x target)"
grep -E '^(sql )?kafka summary' "$tmp/kafka.txt" || true
grep '^wal summary' "$tmp/wal.txt" || true
grep '^columnar summary' "$tmp/columnar.txt" || true
sed -n '/^== summary (spate sql)/,$p' "$tmp/sql.txt" | tail -n +2 || true
