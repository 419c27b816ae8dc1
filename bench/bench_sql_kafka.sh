#!/usr/bin/env bash
# bench/bench_sql_kafka.sh - Structured Streaming on Kafka in SQL (issue 12's
# performance section) against its peers on one `spate kafka-mock` (3
# brokers), in the same run:
#
#   Kafka -> CAST(value AS STRING) -> the order CSV parsed in SQL (split, a
#   cast per field, a line whose fields do not all parse left out, as the
#   DStream parser skips it) -> count by kind -> Kafka (BUYS / SELLS keys,
#   complete mode), `spate sql` over 5 M orders loaded once with
#   `spate gen orders --kafka` into a 64-partition topic,
#
# against kcat -C -e -o beginning consuming the same topic (target: 1.5x
# kcat's rate) and spate's DStream Kafka benchmark (bench_kafka pipeline:
# the same input parsed by the dashboard's C parser, BUYS/SELLS counted and
# written to Kafka; target: 0.8x its rate). Both spate queries read the
# topic in 10 micro-batches (maxOffsetsPerTrigger / maxRatePerPartition) on
# local[*] with a consumer per executor thread keeping all 64 partitions
# open (spate.streaming.kafka.consumer.cache.maxCapacity=64). Why 64
# partitions: bench_kafka.sh (the mock keeps 5 MB per partition).
#
# spate sql's figure is wall-clock around the whole command (start,
# planning, the checkpoint's files in a tmpfs when there is one, the
# consumers' shutdown); the DStream one runs from the context's start to
# the end of the batch that read the last record; kcat's is wall-clock.
# Every count is checked: kcat's lines, the rows the SQL query read (the
# sum of its progress reports' numInputRows, logged at INFO) and the
# DStream's records all equal the topic's records; the last BUYS and SELLS
# values the SQL query wrote sum to them, and match the DStream's last
# counts. Figures: best of RUNS runs.
#
#   bench/bench_sql_kafka.sh [BUILD_DIR] [RUNS]     (bench/run.sh calls it)
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
build="$(cd "${1:-$root/build}" && pwd)"
runs="${2:-${BENCH_RUNS:-3}}"
orders="$root/bench/data/orders-5m.txt"
count="${SQL_KAFKA_COUNT:-5000000}" partitions=64 batches=10
prog=bench_sql_kafka
tmp="$(mktemp -d)"
ckpt_tmp="$tmp"
if [ -d /dev/shm ] && [ -w /dev/shm ]; then ckpt_tmp="$(mktemp -d /dev/shm/spate-bench-XXXXXX)"; fi
# shellcheck source=bench/kafka_common.sh
. "$root/bench/kafka_common.sh"
trap 'kafka_cleanup; rm -rf "$ckpt_tmp"' EXIT

need_bins spate bench/bench_kafka
orders_file "$orders" 5000000
start_mock --brokers 3 --topic "orders:$partitions" --topic counts:1 --topic sql_counts:1
load orders "$count"

cache=spate.streaming.kafka.consumer.cache.maxCapacity=$partitions
per_trigger=$(((count + batches - 1) / batches))

# The query: every field cast (try_cast: a line that does not parse gives
# NULLs and is left out by the WHERE, as the DStream side skips it).
query() {
  cat <<EOF
CREATE TABLE k USING kafka OPTIONS (kafka.bootstrap.servers '$boot', subscribe 'orders',
  startingOffsets 'earliest', maxOffsetsPerTrigger $per_trigger);
CREATE TABLE o USING kafka OPTIONS (kafka.bootstrap.servers '$boot', topic 'sql_counts',
  checkpointLocation '$1', trigger 'availableNow', outputMode 'complete');
INSERT INTO o
SELECT CASE kind WHEN 'B' THEN 'BUYS' ELSE 'SELLS' END AS key, CAST(count(*) AS STRING) AS value
FROM (SELECT try_cast(f[0] AS TIMESTAMP) AS time, try_cast(f[1] AS BIGINT) AS orderId,
             try_cast(f[2] AS BIGINT) AS clientId, f[3] AS symbol,
             try_cast(f[4] AS INT) AS amount, try_cast(f[5] AS DOUBLE) AS price,
             f[6] AS kind
      FROM (SELECT split(CAST(value AS STRING), ',') AS f FROM STREAM(k)))
WHERE kind IN ('B', 'S') AND time IS NOT NULL AND orderId IS NOT NULL
  AND clientId IS NOT NULL AND amount IS NOT NULL AND price IS NOT NULL
GROUP BY kind
EOF
}

# sql_run N: one timed `spate sql` run (checkpoint ckpt-N); its RESULT line,
# after checking the rows it read and the counts it wrote.
sql_run() {
  local ckpt="$ckpt_tmp/ckpt-$1" before t0 t1 rows wrote buys sells
  before="$(high sql_counts)"
  t0="$(now)"
  "$build/spate" sql --conf spate.log.level=INFO --conf "$cache" \
    --conf spate.sql.shuffle.partitions=2 -e "$(query "$ckpt")" \
    >"$tmp/sql.out" 2>"$tmp/sql.err" ||
    { tail -n 20 "$tmp/sql.err" >&2; echo "$prog: spate sql failed" >&2; exit 1; }
  t1="$(now)"
  # (the report's own numInputRows follows its batchDuration; its sources' come later)
  rows="$(grep -o '"batchDuration":[0-9]*,"numInputRows":[0-9]*' "$tmp/sql.err" |
    sed 's/.*://' | awk '{ s += $1 } END { print s + 0 }')"
  [ "$rows" -eq "$count" ] || { echo "$prog: spate sql read $rows of $count rows" >&2; exit 1; }
  wrote=$(($(high sql_counts) - before))
  kcat -C -b "$boot" -t sql_counts -o "$((before))" -e -q -f '%k %s\n' >"$tmp/counts.txt"
  buys="$(awk '$1 == "BUYS" { v = $2 } END { print v + 0 }' "$tmp/counts.txt")"
  sells="$(awk '$1 == "SELLS" { v = $2 } END { print v + 0 }' "$tmp/counts.txt")"
  [ $((buys + sells)) -eq "$count" ] ||
    { echo "$prog: spate sql counted BUYS $buys + SELLS $sells, not $count" >&2; exit 1; }
  echo "RESULT name=spate_sql_kafka seconds=$(elapsed "$t0" "$t1") records=$rows" \
    "buys=$buys sells=$sells written=$wrote"
}

echo "== Kafka -> CAST -> split + casts -> count by kind -> Kafka, $count orders," \
  "$partitions partitions, best of $runs"
for i in $(seq "$runs"); do
  kcat_consume orders "$count" kcat_consume | tee -a "$tmp/r.txt"
  "$build/bench/bench_kafka" pipeline "$boot" orders counts "$count" "$partitions" "$batches" \
    "$cache" | tee -a "$tmp/r.txt"
  sql_run "$i" | tee -a "$tmp/r.txt"
done

kc="$(best_seconds "$tmp/r.txt" kcat_consume)"
ds="$(best_seconds "$tmp/r.txt" spate_kafka_pipeline)"
sq="$(best_seconds "$tmp/r.txt" spate_sql_kafka)"
rk="$(ratio "$kc" "$sq")" rd="$(ratio "$ds" "$sq")"
echo
echo "sql kafka summary: spate sql $(rate "$sq") M records/s (${rk}x kcat, $(meets "$rk" 1.5)" \
  "the 1.5x target; ${rd}x the DStream benchmark, $(meets "$rd" 0.8) the 0.8x target);" \
  "kcat -C $(rate "$kc") M records/s; DStream bench_kafka pipeline $(rate "$ds") M records/s;" \
  "$count orders, $partitions partitions, $batches batches, local[*]"
