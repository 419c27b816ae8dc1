#!/usr/bin/env bash
# bench/bench_kafka.sh - spate's Kafka paths against kcat on the same broker
# (one `spate kafka-mock`, 3 brokers) in the same run:
#
# (a) Kafka -> parse -> count by type -> Kafka (bench_kafka pipeline: the
#     Kafka dashboard's input and its BUYS/SELLS counts, written to Kafka)
#     over 5 M orders loaded once with `spate gen orders --kafka`, against
#     kcat -C -e -o beginning consuming the same topic (target: 0.7x kcat's
#     rate). spate runs twice: on local[*] (the default, 2 threads here) and
#     on local[1].
# (a4) the same on the issue's 4-partition topic, with as many orders as the
#     mock keeps there (see below): the first 250,000 of the 5 M. kcat -C
#     takes about 1 s even for an empty topic (timed too, on empty4), so at
#     this size its figure is mostly that fixed cost: (a4) shows that spate
#     keeps its rate on 4 partitions; (a) is the fair ratio.
# (b) the Kafka output alone (bench_kafka produce: writeToKafka of the 5 M
#     lines of bench/data/orders-5m.txt, already in memory) against kcat -P -l
#     sending the same file (target: 0.8x kcat's rate).
#
# The mock keeps at most 5 MB (or 100,000 message sets) per partition and
# deletes older records, as retention would (librdkafka 2.0.2 rdkafka_mock.c,
# no setting for it): 5 M orders (~270 MB) stay whole only on 64 partitions,
# so (a)'s topic has 64, not 4 (on 4 partitions kcat -C -e "stops early":
# the first records of each partition are gone); (a4) keeps 4 partitions
# and loads 250,000 orders (~3.4 MB a partition). With 64 partitions each
# executor thread's consumer keeps them all open
# (spate.streaming.kafka.consumer.cache.maxCapacity=64, Spark's default; spate's
# is 16). Every count is checked: kcat's output lines, spate's records read,
# the topics' watermarks (bench_kafka offsets). Figures: best of RUNS runs.
#
#   bench/bench_kafka.sh [BUILD_DIR] [RUNS]     (bench/run.sh calls it)
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
build="$(cd "${1:-$root/build}" && pwd)"
runs="${2:-${BENCH_RUNS:-3}}"
orders="$root/bench/data/orders-5m.txt"
count=5000000 partitions=64
count4=250000
prog=bench_kafka
tmp="$(mktemp -d)"
# shellcheck source=bench/kafka_common.sh
. "$root/bench/kafka_common.sh"
trap kafka_cleanup EXIT

need_bins spate bench/bench_kafka
orders_file "$orders" "$count"

start_mock --brokers 3 --topic "orders:$partitions" --topic orders4:4 --topic empty4:4 --topic counts:1 \
  --topic "kcat_out:$partitions" --topic "spate_out:$partitions"
load orders "$count"
load orders4 "$count4"

# pipeline_runs TOPIC COUNT PARTITIONS SUFFIX: appends kcat's and spate's
# (local[*] and local[1]) RESULT lines for TOPIC to $tmp/a.txt, names
# suffixed with SUFFIX.
pipeline_runs() {
  local topic="$1" n_rec="$2" parts="$3" sfx="$4"
  local cache=spate.streaming.kafka.consumer.cache.maxCapacity=$parts
  kcat_consume "$topic" "$n_rec" "kcat_consume$sfx" | tee -a "$tmp/a.txt"
  "$build/bench/bench_kafka" pipeline "$boot" "$topic" counts "$n_rec" "$parts" 10 "$cache" |
    sed "s/name=spate_kafka_pipeline/&$sfx/" | tee -a "$tmp/a.txt"
  "$build/bench/bench_kafka" pipeline "$boot" "$topic" counts "$n_rec" "$parts" 10 "$cache" \
    spate.master='local[1]' | sed "s/name=spate_kafka_pipeline/&${sfx}_1/" | tee -a "$tmp/a.txt"
}

echo "== (a) Kafka -> parse -> count by type -> Kafka, best of $runs"
for _ in $(seq "$runs"); do pipeline_runs orders "$count" "$partitions" ""; done
echo "== (a4) the same on 4 partitions, $count4 orders, best of $runs"
for _ in $(seq "$runs"); do
  pipeline_runs orders4 "$count4" 4 _4p
  t0="$(now)"
  kcat -C -b "$boot" -t empty4 -o beginning -e -q >/dev/null
  echo "RESULT name=kcat_consume_empty seconds=$(elapsed "$t0" "$(now)") records=0" | tee -a "$tmp/a.txt"
done

echo "== (b) the Kafka output alone, $count lines of $orders, best of $runs"
for _ in $(seq "$runs"); do
  before="$(high kcat_out)"
  t0="$(now)"
  kcat -P -b "$boot" -t kcat_out -q -l "$orders"
  t1="$(now)"
  n=$(($(high kcat_out) - before))
  [ "$n" -eq "$count" ] || { echo "bench_kafka: kcat -P wrote $n of $count records" >&2; exit 1; }
  echo "RESULT name=kcat_produce seconds=$(elapsed "$t0" "$t1") records=$n" | tee -a "$tmp/b.txt"
  before="$(high spate_out)"
  "$build/bench/bench_kafka" produce "$boot" spate_out "$orders" 10 | tee -a "$tmp/b.txt"
  n=$(($(high spate_out) - before))
  [ "$n" -eq "$count" ] || { echo "bench_kafka: spate wrote $n of $count records" >&2; exit 1; }
done

kc="$(best_seconds "$tmp/a.txt" kcat_consume)"
sp="$(best_seconds "$tmp/a.txt" spate_kafka_pipeline)"
sp1="$(best_seconds "$tmp/a.txt" spate_kafka_pipeline_1)"
kc4="$(best_seconds "$tmp/a.txt" kcat_consume_4p)"
kc0="$(best_seconds "$tmp/a.txt" kcat_consume_empty)"
sp4="$(best_seconds "$tmp/a.txt" spate_kafka_pipeline_4p)"
sp41="$(best_seconds "$tmp/a.txt" spate_kafka_pipeline_4p_1)"
kp="$(best_seconds "$tmp/b.txt" kcat_produce)"
so="$(best_seconds "$tmp/b.txt" spate_kafka_produce)"
ra="$(ratio "$kc" "$sp")" ra1="$(ratio "$kc" "$sp1")" rb="$(ratio "$kp" "$so")"
ra4="$(ratio "$kc4" "$sp4")" ra41="$(ratio "$kc4" "$sp41")"
echo
echo "kafka summary (a): spate $(rate "$sp") M records/s local[*] (${ra}x kcat, $(meets "$ra" 0.7)" \
  "the 0.7x target), $(rate "$sp1") M records/s local[1] (${ra1}x, $(meets "$ra1" 0.7));" \
  "kcat -C $(rate "$kc") M records/s; $count orders, $partitions partitions"
echo "kafka summary (a4): spate $(rate "$sp4" "$count4") M records/s local[*] (${ra4}x kcat," \
  "$(meets "$ra4" 0.7) the 0.7x target), $(rate "$sp41" "$count4") M records/s local[1]" \
  "(${ra41}x, $(meets "$ra41" 0.7)); kcat -C $(rate "$kc4" "$count4") M records/s;" \
  "$count4 orders, 4 partitions; kcat -C takes ${kc0} s on an empty topic"
echo "kafka summary (b): spate writeToKafka $(rate "$so") M records/s, kcat -P $(rate "$kp") M" \
  "records/s: ${rb}x ($(meets "$rb" 0.8) the 0.8x target)"
