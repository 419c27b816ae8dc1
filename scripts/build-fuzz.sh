#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz/ with clang (fuzzer, ASan, UBSan),
# compiling the src/ files each needs directly. With --run, runs each for
# FUZZ_SECONDS (default 20) seconds on a corpus in build-fuzz/corpus/<target>.
# Usage: scripts/build-fuzz.sh [--run]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$root/build-fuzz"
seconds="${FUZZ_SECONDS:-20}"
cc="${CC_FUZZ:-clang}"
flags=(-std=c11 -g -O1 -D_GNU_SOURCE -Wall -Wextra -Werror
       -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
       -I"$root/include" -I"$root/src")
base=(src/base/arena.c src/base/errbuf.c src/base/errors.c src/base/duration.c)
sql_parser=(src/sql/sql_error.c src/sql/sql_error_table.c src/sql/lexer.c src/sql/ast.c
            src/sql/ast_print.c src/sql/parser.c src/sql/parse_command.c src/sql/parse_ddl.c
            src/sql/parse_expr.c src/sql/parse_interval.c src/sql/parse_literal.c
            src/sql/parse_primary.c src/sql/parse_query.c src/sql/parse_relation.c
            src/sql/parse_type.c)

# the CSV and JSON scanners write column batches (exec/colbatch.c, which links
# the rest of exec/ and base/) and convert with the SQL types and datetimes
scan=(src/base/*.c src/exec/*.c src/sql/civil.c src/sql/tz*.c src/sql/datetime.c
      src/sql/datetime_cast.c src/sql/datetime_funcs.c src/sql/dtf_*.c src/sql/types.c
      src/sql/type_names.c src/sql/type_parse.c src/sql/type_column.c src/sql/scan_*.c)
declare -A sources=(
  [fuzz_duration]="${base[*]}"
  [fuzz_conf]="${base[*]} src/base/conf.c src/base/conf_table.c"
  [fuzz_datetime_format]="${base[*]} $(echo src/sql/civil.c src/sql/tz*.c src/sql/datetime.c src/sql/datetime_cast.c src/sql/datetime_funcs.c src/sql/dtf_*.c)"
  [fuzz_sql_parser]="${base[*]} ${sql_parser[*]}"
  [fuzz_scan_csv]="${scan[*]}"
  [fuzz_scan_json]="${scan[*]}"
)
declare -A seeds=(
  [fuzz_scan_csv]=$'\x05a,b,c\n1,2.5,"x,""y",1.5,2020-01-01,2020-01-01 00:00:00\n|\x01"a\\"b",NaN,,1e3\n#c\n\n3'
  [fuzz_scan_json]=$'\x10{"a":1,"b":2.5,"c":"x\\u00e9","z":[{}]}\n|\x03{a:01,/*c*/"f":"2020-01-01","e":"\\ud83d\\ude00"}\n[1]'
  [fuzz_duration]="5s|500 ms|Seconds(5)|interval 1 minute 30 seconds|2000us|100|-1s|1.5h"
  [fuzz_conf]="spate.master=local[4]|spark.streaming.blockInterval=50ms|kafka.group.id=g|spate.files.maxPartitionBytes=1g|spate.log.level=info"
  [fuzz_datetime_format]=$'yyyy-MM-dd\t2020-01-01|yyyy-MM-dd HH:mm:ss.SSSSSS XXX\t2019-10-14 09:39:07.1 +08:00|hh:mm a VV\t12:30 PM Asia/Kolkata|yyyyMMdd[HH]\t2020010112|\'T\'\'\' G QQQQ EEEE\t'
  [fuzz_sql_parser]="SELECT kind, count(*) FROM STREAM(orders) GROUP BY kind|SELECT a.b[0], CAST(x AS DECIMAL(10,2)), CASE WHEN a THEN 1 END FROM t JOIN u USING (k) WHERE a NOT IN (1, 2) ORDER BY 1 DESC LIMIT 5|CREATE TABLE t (ts TIMESTAMP NOT NULL) USING csv OPTIONS (path '/x') WATERMARK FOR ts AS ts - INTERVAL '5' SECONDS; SET a=b; INSERT INTO s SELECT * FROM TUMBLE(TABLE t, DESCRIPTOR(ts), INTERVAL 10 MINUTES)|WITH c AS (SELECT 1L, 'a' 'c', X'0a', DATE '2020-01-01') SELECT * FROM c UNION ALL SELECT * FROM c /* x */"
)

mkdir -p "$out"
cd "$root"
for target in "${!sources[@]}"; do
  # shellcheck disable=SC2086
  "$cc" "${flags[@]}" tests/fuzz/$target.c ${sources[$target]} -o "$out/$target" -lxxhash -lm
  echo "built $out/$target"
done

if [[ "${1:-}" == "--run" ]]; then
  for target in "${!sources[@]}"; do
    corpus="$out/corpus/$target"
    mkdir -p "$corpus"
    i=0
    IFS='|' read -ra list <<< "${seeds[$target]}"
    for s in "${list[@]}"; do printf '%s' "$s" > "$corpus/seed$i"; i=$((i + 1)); done
    echo "== $target for ${seconds}s"
    "$out/$target" -max_total_time="$seconds" -max_len=256 "$corpus" 2>&1 | tail -n 3
  done
fi
