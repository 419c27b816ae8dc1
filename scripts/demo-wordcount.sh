#!/usr/bin/env bash
# scripts/demo-wordcount.sh - spate's word count over a socket, live (the
# first demo; `make demo` now runs the orders dashboard, scripts/demo.sh).
#
# Spark's NetworkWordCount: a small line server (inline python3) streams
# ticker symbols of the orders example on a free localhost port for about 8
# seconds; build/examples/network_wordcount counts the words in 1-second
# batches and prints them as Spark does; after ~10 s the script stops it with
# SIGTERM (a graceful stop: what was received is still counted) and prints a
# summary. Finishes by itself; exits non-zero when the example fails or
# miscounts.
#
#   scripts/demo-wordcount.sh [BUILD_DIR]      (default: build)
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
build="$(cd "${1:-$root/build}" && pwd)"
wordcount="$build/examples/network_wordcount"
run="$root/demo-run/wordcount"
seconds="${DEMO_SECONDS:-10}"
[ -x "$wordcount" ] || { echo "demo: $wordcount not found: build first (make)" >&2; exit 1; }
command -v python3 >/dev/null || { echo "demo: python3 is needed for the line server" >&2; exit 1; }
rm -rf "$run"
mkdir -p "$run"

server_pid="" wc_pid="" tail_pid=""
cleanup() {
  for pid in $tail_pid $wc_pid $server_pid; do kill "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT

# The line server: one client, ~20 lines a second of 3-6 symbols for
# $send seconds, then it keeps the connection open (idle) until stopped.
# Writes its port to port.txt and the number of words sent to sent.txt.
python3 - "$run" "$((seconds - 2))" <<'PY' &
import os, random, socket, sys, time
run, send = sys.argv[1], float(sys.argv[2])
symbols = ["EPE", "NFLX", "VALE", "SRPT", "BP", "MNKD", "AMD", "INTC"]
srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", 0))
srv.listen(1)
srv.settimeout(20)
with open(f"{run}/port.txt.tmp", "w") as f:
    f.write(str(srv.getsockname()[1]))
os.rename(f"{run}/port.txt.tmp", f"{run}/port.txt")
conn, _ = srv.accept()
rng, words, end = random.Random(42), 0, time.monotonic() + send
while time.monotonic() < end:
    line = [rng.choice(symbols) for _ in range(rng.randint(3, 6))]
    words += len(line)
    conn.sendall((" ".join(line) + "\n").encode())
    time.sleep(0.05)
with open(f"{run}/sent.txt", "w") as f:
    f.write(str(words))
time.sleep(60)
PY
server_pid=$!

for _ in $(seq 100); do [ -s "$run/port.txt" ] && break; sleep 0.05; done
[ -s "$run/port.txt" ] || { echo "demo: the line server did not start" >&2; exit 1; }
port="$(cat "$run/port.txt")"

echo "demo: network_wordcount 127.0.0.1 $port (1 s batches) for ${seconds} s, then SIGTERM"
: >"$run/wordcount.out" # exists before tail -f opens it (see scripts/demo.sh)
"$wordcount" 127.0.0.1 "$port" >>"$run/wordcount.out" 2>"$run/wordcount.err" &
wc_pid=$!
tail -n +1 --pid="$wc_pid" -f "$run/wordcount.out" &
tail_pid=$!

sleep "$seconds"
kill -TERM "$wc_pid" 2>/dev/null || true
for _ in $(seq 150); do kill -0 "$wc_pid" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$wc_pid" 2>/dev/null; then
  echo "demo: network_wordcount did not stop within 15 s of SIGTERM; killing it" >&2
  kill -KILL "$wc_pid" 2>/dev/null || true
fi
status=0
wait "$wc_pid" || status=$?
wc_pid=""
wait "$tail_pid" 2>/dev/null || true
tail_pid=""

batches="$(grep -c '^Time: ' "$run/wordcount.out" || true)"
counted="$(sed -n 's/^(\(.*\),\([0-9]*\))$/\2/p' "$run/wordcount.out" | awk '{s += $1} END {print s + 0}')"
sent="$(cat "$run/sent.txt" 2>/dev/null || echo "?")"
echo "== demo summary"
echo "batches printed:   $batches"
echo "words sent:        $sent"
echo "words counted:     $counted"
echo "exit status:       $status (after SIGTERM; 0 = graceful stop)"
echo "output and logs:   $run/"
if [ -s "$run/wordcount.err" ]; then
  echo "stderr (last lines):"
  tail -n 5 "$run/wordcount.err" | sed 's/^/  /'
fi
[ "$status" -eq 0 ] && [ "$counted" = "$sent" ]
