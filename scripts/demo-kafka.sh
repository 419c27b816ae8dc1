#!/usr/bin/env bash
# scripts/demo-kafka.sh - `make demo-kafka`: the stock-orders dashboard on
# Kafka (Spark in Action, ch. 6.2), live, on a Kafka-protocol broker of its own.
#
# 1. Starts `spate kafka-mock` (3 brokers; topic orders with 8 partitions,
#    metrics with 1 so the lines print in order); its stdin takes fault
#    commands.
# 2. Starts build/examples/kafka_orders_dashboard reading orders from the
#    beginning and writing metrics exactly-once (--transactional-id), 1 s
#    batches, checkpoint in demo-run/kafka-checkpoint, and prints its web
#    UI's address as it logged it (INFO): the Streaming tab shows seed 002's
#    four figures move while the demo runs.
# 3. Sends the seed's 500,000 orders with `spate gen orders --kafka` at
#    10,000 a second (the book's streamOrders.sh), a few malformed on purpose.
# 4. Prints the metrics as they arrive (kcat consuming topic metrics: the
#    batch from the spate.batch.time header, then its lines). Half-way, broker
#    2 goes down for 3 s ("down 2" / "up 2" on the mock's stdin): the
#    dashboard rides it out.
# 5. When a batch after the last order has completed, stops the dashboard
#    with SIGTERM (graceful) and prints a summary; exits non-zero when the
#    BUYS and SELLS counts do not add up to the orders sent, or a batch was
#    written twice.
#
#   scripts/demo-kafka.sh [--count N] [--rate N/s] [--batch D] [--no-fault] [BUILD_DIR]
#
# The mock keeps only the last 5 MB of each partition (librdkafka's mock):
# 500,000 orders need the 8 partitions to stay whole.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
count=500000 rate=10000/s batch=1s malformed=0.00002 fault=1 build_arg=""
while [ $# -gt 0 ]; do
  case "$1" in
    --count) count="$2"; shift 2 ;;
    --rate) rate="$2"; shift 2 ;;
    --batch) batch="$2"; shift 2 ;;
    --no-fault) fault=0; shift ;;
    -h|--help) sed -n '2,27p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "demo-kafka: unknown option '$1'" >&2; exit 2 ;;
    *) build_arg="$1"; shift ;;
  esac
done
build="$(cd "${build_arg:-$root/build}" && pwd)"
dash="$build/examples/kafka_orders_dashboard"
spate="$build/spate"
for bin in "$dash" "$spate"; do
  [ -x "$bin" ] || { echo "demo-kafka: $bin not found: build first (make)" >&2; exit 1; }
done
command -v kcat >/dev/null || { echo "demo-kafka: kcat not found (Debian: kcat)" >&2; exit 1; }

run="$root/demo-run"
ckpt="$run/kafka-checkpoint" log="$run/kafka-dashboard.log" ctl="$run/kafka-mock.ctl"
mkdir -p "$run"
rm -rf "$ckpt" "$log" "$ctl" "$run/kafka-mock.out" "$run/kafka-metrics.txt"
mkfifo "$ctl"

mock_pid="" dash_pid="" gen_pid="" kcat_pid="" show_pid=""
cleanup() {
  for pid in $gen_pid $dash_pid $kcat_pid $show_pid $mock_pid; do kill "$pid" 2>/dev/null || true; done
  rm -f "$ctl"
}
trap cleanup EXIT

now_ms() { date +%s%3N; }
hms() { date -d "@$(($1 / 1000))" +%T; }

# The mock reads fault commands from the FIFO, held open on fd 3.
"$spate" kafka-mock --brokers 3 --topic orders:8 --topic metrics:1 \
  <"$ctl" >"$run/kafka-mock.out" 2>"$run/kafka-mock.err" &
mock_pid=$!
exec 3>"$ctl"
for _ in $(seq 100); do [ -s "$run/kafka-mock.out" ] && break; sleep 0.1; done
boot="$(head -n 1 "$run/kafka-mock.out")"
[ -n "$boot" ] || { echo "demo-kafka: spate kafka-mock did not start" >&2; exit 1; }
echo "demo-kafka: spate kafka-mock --brokers 3 --topic orders:8 --topic metrics:1 -> $boot"

# Sends one command to the mock and waits for its answer.
mock_cmd() {
  local n
  n="$(wc -l <"$run/kafka-mock.out")"
  echo "$1" >&3
  for _ in $(seq 50); do [ "$(wc -l <"$run/kafka-mock.out")" -gt "$n" ] && break; sleep 0.1; done
  echo "demo-kafka: kafka-mock $(tail -n 1 "$run/kafka-mock.out")"
}

# The metrics as they arrive: "[batch HH:MM:SS]" at each new batch time.
show() {
  local hdrs key value t last=""
  while IFS=$'\t' read -r hdrs key value; do
    t="$(sed -n 's/.*spate\.batch\.time=\([0-9]*\).*/\1/p' <<<"$hdrs")"
    if [ -n "$t" ] && [ "$t" != "$last" ]; then
      echo "[batch $(hms "$t")]"
      last="$t"
    fi
    printf '    %-12s %s\n' "$key" "$value"
  done
}
metrics="$run/kafka-metrics.txt"
: >"$metrics" # exists before tail -f opens it (see scripts/demo.sh)
kcat -C -b "$boot" -t metrics -o beginning -u -q -X isolation.level=read_committed \
  -f '%h\t%k\t%s\n' >>"$metrics" &
kcat_pid=$!
tail -n +1 -f --pid="$kcat_pid" "$metrics" | show &
show_pid=$!

echo "demo-kafka: kafka_orders_dashboard --brokers \$BOOT --input-topic orders" \
  "--output-topic metrics --checkpoint $ckpt --batch $batch --transactional-id kafka-demo" \
  "--conf spate.log.level=INFO"
t_start="$(now_ms)"
"$dash" --brokers "$boot" --input-topic orders --output-topic metrics --checkpoint "$ckpt" \
  --batch "$batch" --transactional-id kafka-demo --conf spate.log.level=INFO 2>"$log" &
dash_pid=$!
# The address the dashboard logged at INFO ("Bound SparkUI to ...").
ui="$("$root/scripts/ui-address.sh" "$dash_pid" "$log" || true)"
echo "demo-kafka: web UI at ${ui:-(none: spate.ui.enabled is false or no port was free)}/streaming/" \
  "(input rate, scheduling delay, processing time, total delay)"

# The time of the last completed batch in the log (0 before the first).
last_batch_ms() {
  { sed -n 's/^batch \([0-9]*\) ms:.*/\1/p' "$log" | tail -n 1; echo 0; } | head -n 1
}
for _ in $(seq 300); do
  [ "$(last_batch_ms)" -gt 0 ] && break
  kill -0 "$dash_pid" 2>/dev/null || { echo "demo-kafka: the dashboard exited:" >&2; cat "$log" >&2; exit 1; }
  sleep 0.1
done

echo "demo-kafka: spate gen orders --kafka \$BOOT --topic orders --count $count --rate $rate"
"$spate" gen orders --kafka "$boot" --topic orders --count "$count" --rate "$rate" \
  --malformed "$malformed" --quiet &
gen_pid=$!
if [ "$fault" -eq 1 ]; then
  for _ in $(seq 200); do kill -0 "$gen_pid" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$gen_pid" 2>/dev/null; then
    mock_cmd "down 2"
    sleep 3
    mock_cmd "up 2"
  fi
fi
wait "$gen_pid" || { echo "demo-kafka: spate gen orders failed" >&2; exit 1; }
gen_pid=""
fed_ms="$(now_ms)"

# Until a batch later than the last order's arrival has completed.
batch_ms="$(sed -n 's/.* every \([0-9]*\) ms.*/\1/p' "$log" | head -n 1)"
until [ "$(last_batch_ms)" -ge $((fed_ms + ${batch_ms:-1000})) ]; do
  kill -0 "$dash_pid" 2>/dev/null || break
  sleep 0.1
done
kill -TERM "$dash_pid" 2>/dev/null || true
status=0
wait "$dash_pid" || status=$?
dash_pid=""
sleep 0.5 # the last lines reach kcat
kill "$kcat_pid" 2>/dev/null || true
wait "$kcat_pid" 2>/dev/null || true
kcat_pid=""
wait "$show_pid" 2>/dev/null || true # tail follows kcat out
show_pid=""
t_end="$(now_ms)"

# ---- summary ----------------------------------------------------------------
orders="$(sed -n 's/.*\t\(BUYS\|SELLS\)\t(\(BUYS\|SELLS\),List(\([0-9]*\)))$/\3/p' "$metrics" |
  awk '{ s += $1 } END { print s + 0 }')"
batches="$(sed -n 's/.*spate\.batch\.time=\([0-9]*\).*/\1/p' "$metrics" | sort -u | wc -l)"
# Exactly-once: each batch's metric names once.
twice="$(sed -n 's/.*spate\.batch\.time=\([0-9]*\).*\t\([A-Z0-9]*\)\t.*/\1 \2/p' "$metrics" |
  sort | uniq -d | wc -l)"
bad="$(grep -c 'WARN Executor: Wrong line format' "$log" || true)"
proc="$(sed -n 's/.*processing time \([0-9.]*\) s (\([0-9]*\) records\/s).*/\1 s, \2 records\/s/p' "$log")"
echo
echo "== demo-kafka summary"
echo "orders sent:         $count to topic orders at $rate"
echo "orders processed:    $orders (sum of BUYS and SELLS over $batches batches in topic metrics)"
echo "malformed records:   $bad skipped ('Wrong line format' reports)"
echo "batches written twice: $twice (exactly-once, transactional.id kafka-demo)"
echo "processing:          ${proc:-?} (sum of the batches' processing times)"
echo "demo duration:       $(awk -v a="$t_start" -v b="$t_end" 'BEGIN { printf "%.1f", (b - a) / 1000 }') s"
last="$(tail -n 1 "$metrics" | sed -n 's/.*spate\.batch\.time=\([0-9]*\).*/\1/p')"
echo "last batch:          $(grep "spate\.batch\.time=$last," "$metrics" | cut -f 3 | tr '\n' ' ')"
echo "log:                 $log"
echo "exit status:         $status (after SIGTERM; 0 = graceful stop)"
[ "$status" -eq 0 ] && [ $((orders + bad)) -eq "$count" ] && [ "$twice" -eq 0 ]
