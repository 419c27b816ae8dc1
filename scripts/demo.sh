#!/usr/bin/env bash
# scripts/demo.sh - `make demo`: the stock-orders dashboard of Spark in Action,
# ch. 6 (spate's flagship example), live.
#
# 1. Starts build/examples/orders_dashboard on demo-run/input/ with 1 s
#    batches (the book uses 5 s with a file every 3 s; here a file arrives
#    every second, so 1 s batches show one file - about 10,000 orders, the
#    book's figures - per batch, and the demo lasts about a minute), and
#    prints its web UI's address (scripts/ui-address.sh): the Streaming tab
#    shows seed 002's four figures move while the demo runs.
# 2. Generates the seed's 500,000 orders with `spate gen orders` and drops them
#    into the input directory as 50 files of 10,000 lines, one per --interval
#    (the book's splitAndSend.sh; --interval 3s replays its pace). A few lines
#    are malformed on purpose (--malformed) to show "Wrong line format".
# 3. Shows, per batch, the StreamingListener's metrics line (records in,
#    scheduling delay, processing time, total delay) and the batch's results
#    as saveAsTextFiles wrote them (demo-run/output/output-<ms>.txt/part-00000).
# 4. Once a batch has completed after the last file, stops the dashboard with
#    SIGTERM (graceful) and prints a summary; exits non-zero when the counts do
#    not add up to the lines generated.
#
#   scripts/demo.sh [--interval D] [--batch D] [--malformed F] [BUILD_DIR]
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
interval=1s batch=1s malformed=0.00002 count=500000 files=50 build_arg=""
while [ $# -gt 0 ]; do
  case "$1" in
    --interval) interval="$2"; shift 2 ;;
    --batch) batch="$2"; shift 2 ;;
    --malformed) malformed="$2"; shift 2 ;;
    -h|--help) sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "demo: unknown option '$1'" >&2; exit 2 ;;
    *) build_arg="$1"; shift ;;
  esac
done
build="$(cd "${build_arg:-$root/build}" && pwd)"
dash="$build/examples/orders_dashboard"
spate="$build/spate"
for bin in "$dash" "$spate"; do
  [ -x "$bin" ] || { echo "demo: $bin not found: build first (make)" >&2; exit 1; }
done

run="$root/demo-run"
in="$run/input" out="$run/output" ckpt="$run/checkpoint" log="$run/dashboard.log"
rm -rf "$in" "$out" "$ckpt" "$log"
mkdir -p "$in" "$out"

dash_pid="" gen_pid="" show_pid=""
cleanup() {
  for pid in $gen_pid $dash_pid $show_pid; do kill "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT

now_ms() { date +%s%3N; }
hms() { date -d "@$(($1 / 1000))" +%T; }

# Prints the dashboard's stderr as it comes; a listener line "batch <ms> ms:
# ..." is followed by that batch's output file, indented.
show() {
  local line t
  while IFS= read -r line; do
    if [[ "$line" =~ ^batch\ ([0-9]+)\ ms:\ (.*)$ ]]; then
      t="${BASH_REMATCH[1]}"
      echo "[batch $(hms "$t")] ${BASH_REMATCH[2]}"
      sed 's/^/    /' "$out/output-$t.txt/part-00000" 2>/dev/null || true
    else
      echo "$line"
    fi
  done
}

# The time of the last completed batch in the log (0 before the first).
last_batch_ms() {
  { sed -n 's/^batch \([0-9]*\) ms:.*/\1/p' "$log" | tail -n 1; echo 0; } | head -n 1
}

echo "demo: orders_dashboard --input $in --output $out/output --checkpoint $ckpt --batch $batch"
t_start="$(now_ms)"
# The log exists before tail opens it: the dashboard's own "2>" would create
# it only once its subshell runs, and a tail -f started first finds no file,
# gives up, and the batches would show only in the summary.
: >"$log"
"$dash" --input "$in" --output "$out/output" --checkpoint "$ckpt" --batch "$batch" 2>>"$log" &
dash_pid=$!
tail -n +1 --pid="$dash_pid" -f "$log" | show &
show_pid=$!
ui="$("$root/scripts/ui-address.sh" "$dash_pid" "$log" || true)"
echo "demo: web UI at ${ui:-(none: spate.ui.enabled is false or no port was free)}/streaming/" \
  "(input rate, scheduling delay, processing time, total delay)"

# The dashboard only takes files that arrive after it started (Spark's
# newFilesOnly), so the feed starts after its first batch, half a batch later.
for _ in $(seq 300); do
  [ "$(last_batch_ms)" -gt 0 ] && break
  kill -0 "$dash_pid" 2>/dev/null || { echo "demo: the dashboard exited" >&2; exit 1; }
  sleep 0.1
done
[ "$(last_batch_ms)" -gt 0 ] || { echo "demo: no batch after 30 s" >&2; exit 1; }
batch_ms="$(sed -n 's/.* every \([0-9]*\) ms.*/\1/p' "$log" | head -n 1)"
sleep "$(awk -v b="${batch_ms:-1000}" -v n="$(now_ms)" \
  'BEGIN { w = (b / 2 - n % b + b) % b; printf "%.3f", w / 1000 }')"

echo "demo: spate gen orders --count $count --files $files --interval $interval --out $in"
"$spate" gen orders --count "$count" --files "$files" --interval "$interval" \
  --malformed "$malformed" --out "$in" --quiet &
gen_pid=$!
wait "$gen_pid" || { echo "demo: spate gen orders failed" >&2; exit 1; }
gen_pid=""
fed_ms="$(now_ms)"

# Until a batch later than the last file's arrival has completed: all counted.
until [ "$(last_batch_ms)" -ge $((fed_ms + ${batch_ms:-1000})) ]; do
  kill -0 "$dash_pid" 2>/dev/null || break
  sleep 0.1
done
kill -TERM "$dash_pid" 2>/dev/null || true
status=0
wait "$dash_pid" || status=$?
dash_pid=""
wait "$show_pid" 2>/dev/null || true
show_pid=""
t_end="$(now_ms)"

# ---- summary ----------------------------------------------------------------
shopt -s nullglob
parts=("$out"/output-*.txt/part-00000)
[ ${#parts[@]} -gt 0 ] || { echo "demo: no output in $out (log: $log)" >&2; exit 1; }
orders="$(cat "${parts[@]}" | sed -n 's/^(\(BUYS\|SELLS\),List(\([0-9]*\)))$/\2/p' |
  awk '{ s += $1 } END { print s + 0 }')"
# The orders stream is cached (orders.cache()), so each malformed line is
# parsed and reported once; distinct lines still, in case a batch ran again
# after a restart from the checkpoint.
reports="$(grep -c 'WARN Executor: Wrong line format' "$log" || true)"
bad="$(grep 'WARN Executor: Wrong line format' "$log" | sed 's/^[^)]*): //' | sort -u | wc -l)"
last="$(dirname "${parts[${#parts[@]} - 1]}")"
proc="$(sed -n 's/.*processing time \([0-9.]*\) s (\([0-9]*\) lines\/s).*/\1 s, \2 lines\/s/p' "$log")"
echo
echo "== demo summary"
echo "orders generated:    $count in $files files, one every $interval"
echo "orders processed:    $orders (sum of BUYS and SELLS over ${#parts[@]} batches)"
echo "malformed lines:     $bad skipped ($reports 'Wrong line format' reports)"
echo "processing:          ${proc:-?} (sum of the batches' processing times)"
echo "demo duration:       $(awk -v a="$t_start" -v b="$t_end" 'BEGIN { printf "%.1f", (b - a) / 1000 }') s"
echo "final metrics:       $(tr '\n' ' ' <"$last/part-00000")"
echo "output:              $out/output-<ms>.txt/part-00000 (log: $log)"
echo "checkpoint:          $ckpt (run the same command again to resume from it)"
echo "exit status:         $status (after SIGTERM; 0 = graceful stop)"
[ "$status" -eq 0 ] && [ $((orders + bad)) -eq "$count" ]
