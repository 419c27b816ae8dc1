#!/usr/bin/env bash
# scripts/ui-address.sh PID [LOG] - prints the web UI address of the spate
# process PID (issue 13), for the demos: the address the process logged
# ("Bound SparkUI to H, and started at http://H:P", at INFO) when LOG has it,
# else the TCP port PID listens on (read from /proc: the UI's server is the
# only listening socket of the dashboards), as http://127.0.0.1:P. Waits up
# to 5 s for it; exits 1 (printing nothing) when there is none, e.g. with
# spate.ui.enabled=false or every port of the range taken.
set -euo pipefail
pid="$1" log="${2:-}"

from_log() {
  [ -n "$log" ] && [ -f "$log" ] &&
    sed -n 's/.*Bound SparkUI to [^,]*, and started at \(http:\/\/[^ ]*\).*/\1/p' "$log" | head -n 1
}

# The listening sockets of pid: its fds' socket inodes matched against
# /proc/net/tcp{,6} rows in state 0A (LISTEN); the port is hex.
from_proc() {
  local inodes hex
  inodes="$(ls -l "/proc/$pid/fd" 2>/dev/null | sed -n 's/.*socket:\[\([0-9]*\)\].*/\1/p' | tr '\n' ' ')"
  [ -n "$inodes" ] || return 0
  hex="$(cat /proc/net/tcp /proc/net/tcp6 2>/dev/null | awk -v want=" $inodes" '
    $4 == "0A" && index(want, " " $10 " ") { n = split($2, a, ":"); print a[n]; exit }')"
  [ -z "$hex" ] || echo "http://127.0.0.1:$((16#$hex))"
}

for _ in $(seq 50); do
  url="$(from_log || true)"
  [ -n "$url" ] || url="$(from_proc || true)"
  if [ -n "$url" ]; then echo "$url"; exit 0; fi
  kill -0 "$pid" 2>/dev/null || exit 1
  sleep 0.1
done
exit 1
