"""`spate sql`: window() in GROUP BY, with the cases (inputs and expected
rows) of Spark's DataFrameTimeWindowingSuite: tumbling and sliding windows,
a start offset, rows without a time dropped, the window column and its
fields, a streaming aggregation over windows in complete mode, and Spark's
checks of the durations."""

DASHES = "-" * 43

ROWS = ("2016-03-27 19:39:34,1,a\n2016-03-27 19:39:56,2,a\n"
        "2016-03-27 19:39:27,4,b\n,5,c\n")


def sql(run_spate, text):
    return run_spate("sql", "-e", text, timeout=60)


def table(tmp_path, rows=ROWS):
    src = tmp_path / "in"
    src.mkdir(exist_ok=True)
    (src / "a.csv").write_text(rows)
    return (f"CREATE TABLE t (time TIMESTAMP, value INT, id STRING) USING csv "
            f"OPTIONS (path '{src}');")


def test_sliding_windows_as_spark_groups_them(run_spate, tmp_path):
    # DataFrameTimeWindowingSuite "sliding window grouping": 19:39:27 falls
    # in 4 windows, 19:39:34 and 19:39:56 in 3 each; the NULL time in none
    r = sql(run_spate, table(tmp_path) + """
        SELECT CAST(window.start AS STRING) AS s, CAST(window.end AS STRING) AS e,
               count(*) AS counts
        FROM t GROUP BY window(time, '10 seconds', '3 seconds', '0 second') ORDER BY s""")
    assert r.returncode == 0, r.stderr
    assert r.stdout.decode() == (
        "+-------------------+-------------------+------+\n"
        "|                  s|                  e|counts|\n"
        "+-------------------+-------------------+------+\n"
        "|2016-03-27 19:39:18|2016-03-27 19:39:28|     1|\n"
        "|2016-03-27 19:39:21|2016-03-27 19:39:31|     1|\n"
        "|2016-03-27 19:39:24|2016-03-27 19:39:34|     1|\n"
        "|2016-03-27 19:39:27|2016-03-27 19:39:37|     2|\n"
        "|2016-03-27 19:39:30|2016-03-27 19:39:40|     1|\n"
        "|2016-03-27 19:39:33|2016-03-27 19:39:43|     1|\n"
        "|2016-03-27 19:39:48|2016-03-27 19:39:58|     1|\n"
        "|2016-03-27 19:39:51|2016-03-27 19:40:01|     1|\n"
        "|2016-03-27 19:39:54|2016-03-27 19:40:04|     1|\n"
        "+-------------------+-------------------+------+\n")


def test_tumbling_windows_with_and_without_a_start(run_spate, tmp_path):
    r = sql(run_spate, table(tmp_path) + """
        SELECT window.start, window.end, sum(value) AS total FROM t
        GROUP BY window(time, '10 seconds') ORDER BY start;
        SELECT window, count(*) AS n FROM t AS o WHERE o.value < 5
        GROUP BY window(o.time, INTERVAL 10 SECONDS, '10 seconds', '5 seconds')
        ORDER BY window.start""")
    assert r.returncode == 0, r.stderr
    assert r.stdout.decode() == (
        "+-------------------+-------------------+-----+\n"
        "|              start|                end|total|\n"
        "+-------------------+-------------------+-----+\n"
        "|2016-03-27 19:39:20|2016-03-27 19:39:30|    4|\n"
        "|2016-03-27 19:39:30|2016-03-27 19:39:40|    1|\n"
        "|2016-03-27 19:39:50|2016-03-27 19:40:00|    2|\n"
        "+-------------------+-------------------+-----+\n"
        "+--------------------+---+\n"
        "|              window|  n|\n"
        "+--------------------+---+\n"
        "|{2016-03-27 19:39...|  2|\n"
        "|{2016-03-27 19:39...|  1|\n"
        "+--------------------+---+\n")


def test_windowed_streaming_aggregation_in_complete_mode(run_spate, tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "1.csv").write_text("2016-03-27 19:39:34,1,a\n2016-03-27 19:39:27,4,b\n")
    (src / "2.csv").write_text("2016-03-27 19:39:36,2,a\n")
    r = sql(run_spate, f"""
        CREATE TABLE t (time TIMESTAMP, value INT, id STRING) USING csv
          OPTIONS (path '{src}', maxFilesPerTrigger 1);
        CREATE TABLE c USING console OPTIONS (outputMode 'complete', trigger 'availableNow');
        INSERT INTO c SELECT window.start, id, sum(value) AS total FROM STREAM(t)
          GROUP BY window(time, '10 seconds'), id ORDER BY start, id""")
    assert r.returncode == 0, r.stderr
    head = "+-------------------+---+-----+\n|              start| id|total|\n" \
           "+-------------------+---+-----+\n"
    assert r.stdout.decode() == (
        f"{DASHES}\nBatch: 0\n{DASHES}\n" + head +
        "|2016-03-27 19:39:20|  b|    4|\n"
        "|2016-03-27 19:39:30|  a|    1|\n"
        "+-------------------+---+-----+\n\n"
        f"{DASHES}\nBatch: 1\n{DASHES}\n" + head +
        "|2016-03-27 19:39:20|  b|    4|\n"
        "|2016-03-27 19:39:30|  a|    3|\n"
        "+-------------------+---+-----+\n\n")


def test_window_durations_are_checked_as_spark_does(run_spate, tmp_path):
    cases = [
        ("window(time, '5 seconds', '10 seconds')",
         "[DATATYPE_MISMATCH.PARAMETER_CONSTRAINT_VIOLATION] Cannot resolve "
         "\"window(time, 5 seconds, 10 seconds)\" due to data type mismatch: The "
         "`slide_duration`(10000000L) must be <= the `window_duration`(5000000L)."),
        ("window(time, '10 seconds', '5 seconds', '5 seconds')",
         "must be < the `slide_duration`(5000000L)."),
        ("window(time, 'ten seconds')", "[INVALID_INTERVAL_FORMAT] Error parsing 'ten seconds'"),
        ("window(time)", "[WRONG_NUM_ARGS.WITHOUT_SUGGESTION] The `window` requires [2, 3, 4]"),
    ]
    for call, want in cases:
        r = sql(run_spate, table(tmp_path) + f"SELECT count(*) FROM t GROUP BY {call}")
        assert r.returncode == 1, call
        assert want in r.stderr.decode(), (call, r.stderr.decode())
    r = sql(run_spate, table(tmp_path) + """
        CREATE TABLE c USING console OPTIONS (outputMode 'append', trigger 'availableNow');
        INSERT INTO c SELECT window, count(*) FROM STREAM(t) GROUP BY window(time, '10 seconds')""")
    assert r.returncode == 1
    assert ("Append output mode not supported when there are streaming aggregations on "
            "streaming DataFrames/DataSets without watermark") in r.stderr.decode()


def test_window_time_is_the_last_microsecond_of_the_window(run_spate, tmp_path):
    r = sql(run_spate, table(tmp_path) + """
        SELECT date_format(window_time(window), 'HH:mm:ss.SSSSSS') AS wt, count(*) AS n FROM t
        GROUP BY window(time, '10 seconds') ORDER BY wt""")
    assert r.returncode == 0, r.stderr
    assert r.stdout.decode() == (
        "+---------------+---+\n"
        "|             wt|  n|\n"
        "+---------------+---+\n"
        "|19:39:29.999999|  1|\n"
        "|19:39:39.999999|  1|\n"
        "|19:39:59.999999|  1|\n"
        "+---------------+---+\n")


def test_windows_before_1970(run_spate):
    # window starts are floor-aligned: a time before the epoch is in the
    # windows that hold it, not rounded toward zero
    r = sql(run_spate, """
        SELECT CAST(window.start AS STRING) AS s, count(*) AS n
        FROM VALUES (TIMESTAMP '1969-12-31 23:59:55'), (TIMESTAMP '1970-01-01 00:00:00') AS v(ts)
        GROUP BY window(ts, '10 seconds', '5 seconds') ORDER BY s""")
    assert r.returncode == 0, r.stderr
    assert r.stdout.decode() == (
        "+-------------------+---+\n"
        "|                  s|  n|\n"
        "+-------------------+---+\n"
        "|1969-12-31 23:59:50|  1|\n"
        "|1969-12-31 23:59:55|  2|\n"
        "|1970-01-01 00:00:00|  1|\n"
        "+-------------------+---+\n")


def test_flink_window_table_functions(run_spate, tmp_path):
    # Flink's TUMBLE(TABLE t, DESCRIPTOR(ts), size) and HOP(..., slide, size):
    # the rows with window_start, window_end and window_time added; a HOP row
    # in every window that holds it (the sliding case above, Flink's order)
    r = sql(run_spate, table(tmp_path) + """
        SELECT window_start, window_end, count(*) AS n, max(value) AS m
        FROM TABLE(TUMBLE(TABLE t, DESCRIPTOR(time), INTERVAL '10' SECOND))
        GROUP BY window_start, window_end ORDER BY window_start;
        SELECT count(*) AS rows, count(DISTINCT window_start) AS windows,
               max(CAST(window_time AS STRING)) AS last
        FROM TABLE(HOP(TABLE t, DESCRIPTOR(time), INTERVAL '3' SECOND, INTERVAL '10' SECOND))""")
    assert r.returncode == 0, r.stderr
    assert r.stdout.decode() == (
        "+-------------------+-------------------+---+---+\n"
        "|       window_start|         window_end|  n|  m|\n"
        "+-------------------+-------------------+---+---+\n"
        "|2016-03-27 19:39:20|2016-03-27 19:39:30|  1|  4|\n"
        "|2016-03-27 19:39:30|2016-03-27 19:39:40|  1|  1|\n"
        "|2016-03-27 19:39:50|2016-03-27 19:40:00|  1|  2|\n"
        "+-------------------+-------------------+---+---+\n"
        "+----+-------+--------------------+\n"
        "|rows|windows|                last|\n"
        "+----+-------+--------------------+\n"
        "|  10|      9|2016-03-27 19:40:...|\n"
        "+----+-------+--------------------+\n")
    r = sql(run_spate, table(tmp_path) + "SELECT * FROM TABLE(TUMBLE(TABLE t, DESCRIPTOR(time)))")
    assert r.returncode == 1
    assert "[WRONG_NUM_ARGS.WITHOUT_SUGGESTION] The `TUMBLE` requires [3, 4]" in r.stderr.decode()


SESSION_ROWS = ("2016-03-27 19:39:34,1,a\n2016-03-27 19:39:39,1,b\n2016-03-27 19:39:40,2,a\n"
                "2016-03-27 19:39:45,2,b\n2016-03-27 19:39:27,4,b\n,5,c\n")


def test_session_windows_as_spark_merges_them(run_spate, tmp_path):
    # DataFrameSessionWindowingSuite: "keys overlapped with sessions", a gap
    # per row (CASE), and rows whose gap is not a positive duration left out
    r = sql(run_spate, table(tmp_path, SESSION_ROWS) + """
        SELECT CAST(session_window.start AS STRING) AS s, CAST(session_window.end AS STRING) AS e,
               id, count(*) AS counts, sum(value) AS sum
        FROM t GROUP BY session_window(time, '10 seconds'), id ORDER BY s;
        SELECT CAST(session_window.start AS STRING) AS s, CAST(session_window.end AS STRING) AS e,
               count(*) AS n
        FROM t GROUP BY session_window(time, CASE WHEN value = 1 THEN '2 seconds'
                                                  WHEN value = 2 THEN '-1 seconds'
                                                  ELSE 'x sec' END) ORDER BY s""")
    assert r.returncode == 0, r.stderr
    assert r.stdout.decode() == (
        "+-------------------+-------------------+---+------+---+\n"
        "|                  s|                  e| id|counts|sum|\n"
        "+-------------------+-------------------+---+------+---+\n"
        "|2016-03-27 19:39:27|2016-03-27 19:39:37|  b|     1|  4|\n"
        "|2016-03-27 19:39:34|2016-03-27 19:39:50|  a|     2|  3|\n"
        "|2016-03-27 19:39:39|2016-03-27 19:39:55|  b|     2|  3|\n"
        "+-------------------+-------------------+---+------+---+\n"
        "+-------------------+-------------------+---+\n"
        "|                  s|                  e|  n|\n"
        "+-------------------+-------------------+---+\n"
        "|2016-03-27 19:39:34|2016-03-27 19:39:36|  1|\n"
        "|2016-03-27 19:39:39|2016-03-27 19:39:41|  1|\n"
        "+-------------------+-------------------+---+\n")


def test_one_window_per_group_by(run_spate, tmp_path):
    r = sql(run_spate, table(tmp_path) + """
        SELECT count(*) FROM t
        GROUP BY session_window(time, '10 seconds'), window(time, '10 seconds')""")
    assert r.returncode != 0
    assert "Multiple time/session window expressions would result in a cartesian product" \
        in r.stderr.decode()
