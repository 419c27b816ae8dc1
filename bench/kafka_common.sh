# bench/kafka_common.sh - shell functions the Kafka benchmarks share
# (bench_kafka.sh, bench_sql_kafka.sh): figures from RESULT lines, one
# `spate kafka-mock`, the 5 M orders file and loading it into a topic with
# every record checked. Sourced, not run; the caller sets
#   prog   its name, for messages      build  the build directory
#   tmp    a scratch directory         count  the records a figure counts
# and calls kafka_cleanup from its EXIT trap.
# shellcheck shell=bash
# shellcheck disable=SC2154 # build, tmp, prog, count: the caller's

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
# best_seconds FILE NAME: the smallest seconds= of FILE's RESULT lines named NAME.
best_seconds() { sed -n "s/^RESULT name=$2 .*seconds=\([0-9.]*\).*/\1/p" "$1" | sort -g | head -n 1; }
# rate SECONDS [RECORDS]: millions of records a second.
rate() { awk -v n="${2:-$count}" -v s="$1" 'BEGIN { printf "%.2f", n / s / 1e6 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
meets() { awk -v r="$1" -v t="$2" 'BEGIN { print (r >= t) ? "meets" : "BELOW" }'; }
# high TOPIC: the sum of TOPIC's high watermarks.
high() { "$build/bench/bench_kafka" offsets "$boot" "$1" | sed -n 's/.* high=\([0-9]*\).*/\1/p'; }

mock_pid=""
kafka_cleanup() {
  [ -z "$mock_pid" ] || kill "$mock_pid" 2>/dev/null || true
  rm -rf "$tmp"
}

# need_bins BIN...: each built under $build, and kcat installed.
need_bins() {
  for bin in "$@"; do
    [ -x "$build/$bin" ] || { echo "$prog: $build/$bin not found: build first" >&2; exit 1; }
  done
  command -v kcat >/dev/null || { echo "$prog: kcat not found (Debian: kcat)" >&2; exit 1; }
}

# orders_file PATH COUNT: the first COUNT orders of seed 1 in PATH, made once.
orders_file() {
  [ -s "$1" ] && return
  mkdir -p "$(dirname "$1")"
  "$build/spate" gen orders --count "$2" --seed 1 >"$1.tmp"
  mv "$1.tmp" "$1"
}

# start_mock ARG...: `spate kafka-mock ARG...` in the background; sets
# mock_pid and boot (its bootstrap servers).
start_mock() {
  "$build/spate" kafka-mock "$@" </dev/null >"$tmp/mock.out" 2>"$tmp/mock.err" &
  mock_pid=$!
  for _ in $(seq 100); do [ -s "$tmp/mock.out" ] && break; sleep 0.1; done
  boot="$(head -n 1 "$tmp/mock.out")"
  [ -n "$boot" ] || { echo "$prog: spate kafka-mock did not start" >&2; exit 1; }
}

# load TOPIC COUNT: the first COUNT orders (spate gen orders --seed 1) into
# TOPIC, checked whole through its watermarks.
load() {
  echo "== loading $2 orders into topic $1 at $boot"
  local t0
  t0="$(now)"
  "$build/spate" gen orders --kafka "$boot" --topic "$1" --count "$2" --seed 1 --quiet
  echo "spate gen orders --kafka: $(elapsed "$t0" "$(now)") s"
  "$build/bench/bench_kafka" offsets "$boot" "$1" | tee "$tmp/offsets.txt"
  grep -q "low=0 high=$2\$" "$tmp/offsets.txt" ||
    { echo "$prog: topic $1 does not hold the $2 orders" >&2; exit 1; }
}

# kcat_consume TOPIC RECORDS NAME: kcat -C of TOPIC from its beginning to its
# end, its lines counted (RECORDS expected); prints a RESULT line named NAME.
kcat_consume() {
  local t0 t1 n
  t0="$(now)"
  n="$(kcat -C -b "$boot" -t "$1" -o beginning -e -q -c "$2" | wc -l)"
  t1="$(now)"
  [ "$n" -eq "$2" ] || { echo "$prog: kcat -C read $n of $2 records" >&2; exit 1; }
  echo "RESULT name=$3 seconds=$(elapsed "$t0" "$t1") records=$n"
}
