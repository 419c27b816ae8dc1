#!/usr/bin/env bash
# bench/bench_dashboard.sh - the stock-orders dashboard over 5 M orders in 50
# files (bench_dashboard: the example's graph, one file per 5 s batch of a
# manual clock, checkpoints included) against DuckDB computing the same three
# metrics over the same files (duckdb_dashboard.mjs), in the same run. The
# files are made once into bench/data/orders-5m-50/ by `spate gen orders`
# (seed 1: the same orders as bench/data/orders-5m.txt). Each figure is the
# best of RUNS runs; the last spate run's output is checked against DuckDB's
# results (per-batch BUYS/SELLS, TOP5 totals). Not a test: prints figures,
# exits non-zero only when something fails to run or the results disagree.
#
#   bench/bench_dashboard.sh [BUILD_DIR] [RUNS]     (bench/run.sh calls it)
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
build="$(cd "${1:-$root/build}" && pwd)"
runs="${2:-${BENCH_RUNS:-3}}"
data="$root/bench/data/orders-5m-50"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

for bin in spate bench/bench_dashboard; do
  [ -x "$build/$bin" ] || { echo "bench_dashboard: $build/$bin not found: build first" >&2; exit 1; }
done
if [ ! -s "$data/orders-00050.txt" ]; then
  echo "== making $data (spate gen orders --count 5000000 --files 50)"
  rm -rf "$data.tmp"
  "$build/spate" gen orders --count 5000000 --seed 1 --files 50 --interval 0 --out "$data.tmp" \
    --quiet
  mv "$data.tmp" "$data"
fi

best_seconds() { sed -n 's/^RESULT .*seconds=\([0-9.]*\).*/\1/p' "$1" | sort -g | head -n 1; }

echo "== dashboard, 5 M orders in 50 files (one per batch), best of $runs"
for _ in $(seq "$runs"); do
  rm -rf "$tmp/out"
  "$build/bench/bench_dashboard" "$data" --output "$tmp/out/output" | tee -a "$tmp/spate.txt"
done
spate_s="$(best_seconds "$tmp/spate.txt")"
lines="$(sed -n 's/^RESULT name=spate_dashboard .*lines=\([0-9]*\).*/\1/p' "$tmp/spate.txt" |
  head -n 1)"

duck_s="" agree="not checked (no DuckDB)"
if [ -d "$root/bench/node_modules/@duckdb/node-api" ] && command -v node >/dev/null; then
  for i in $(seq "$runs"); do
    check=()
    [ "$i" -eq 1 ] && check=(--check "$tmp/out")
    if (cd "$root/bench" && node duckdb_dashboard.mjs "$data" "${check[@]}") |
      tee -a "$tmp/duck.txt"; then
      [ "$i" -eq 1 ] && agree="agree"
    else
      agree="DISAGREE"
    fi
  done
  duck_s="$(best_seconds "$tmp/duck.txt")"
else
  echo "bench_dashboard: node or bench/node_modules/@duckdb/node-api missing: DuckDB skipped"
fi

rate() { awk -v n="$lines" -v s="$1" 'BEGIN { printf "%.2f", n / s / 1e6 }'; }
duck="DuckDB n/a"
if [ -n "$duck_s" ]; then
  duck="DuckDB $(rate "$duck_s") M lines/s ($duck_s s), spate/DuckDB"
  duck="$duck $(awk -v a="$duck_s" -v b="$spate_s" 'BEGIN { printf "%.2f", a / b }')x"
fi
echo "dashboard summary: spate $(rate "$spate_s") M lines/s ($spate_s s), $duck, results $agree"
[ "$agree" != "DISAGREE" ]
