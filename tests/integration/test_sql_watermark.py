"""`spate sql`: watermarks declared with the table (Flink's WATERMARK FOR
... AS ... - INTERVAL and spate's WATERMARK ... DELAY OF), a windowed
aggregation in append mode over files read one per trigger, as the
"append mode" case of Spark's EventTimeWatermarkSuite: a window is
printed once the watermark passes its end, a late row is dropped and
counted; the plan shows the watermark; a non-TIMESTAMP column is refused."""
import json
import os

DASHES = "-" * 43


def sql(run_spate, text, **kw):
    return run_spate("sql", "-e", text, timeout=60, **kw)


def stream_dir(tmp_path, batches):
    src = tmp_path / "in"
    src.mkdir()
    for i, rows in enumerate(batches):
        (src / f"{i}.csv").write_text("".join(f"1970-01-01 00:00:{s:02d},{s}\n" for s in rows))
    return src


QUERY = """
    CREATE TABLE c USING console OPTIONS (outputMode 'append', trigger 'availableNow');
    INSERT INTO c SELECT CAST(window.start AS BIGINT) AS start, count(*) AS n
      FROM STREAM(t) GROUP BY window(time, '5 seconds')"""

EMPTY = "+-----+---+\n|start|  n|\n+-----+---+\n+-----+---+\n\n"


def batch(n, body):
    return f"{DASHES}\nBatch: {n}\n{DASHES}\n{body}"


def test_append_mode_prints_a_window_once_the_watermark_passes_it(run_spate, tmp_path):
    src = stream_dir(tmp_path, [[10, 11, 12, 13, 14, 15], [25], [10]])
    for cols, clause in (("time TIMESTAMP, v INT, WATERMARK FOR time AS time - INTERVAL '10' "
                          "SECOND", ""),
                         ("time TIMESTAMP, v INT", "WATERMARK time DELAY OF INTERVAL 10 SECONDS")):
        r = sql(run_spate, f"""
            CREATE OR REPLACE TABLE t ({cols}) USING csv
              OPTIONS (path '{src}', maxFilesPerTrigger 1) {clause};""" + QUERY)
        assert r.returncode == 0, r.stderr
        # batch 2 reads the late 10 (dropped) with the watermark at 15,
        # which closes [10, 15)
        assert r.stdout.decode() == (
            batch(0, EMPTY) + batch(1, EMPTY) +
            batch(2, "+-----+---+\n|start|  n|\n+-----+---+\n|   10|  5|\n+-----+---+\n\n"))


def test_a_batch_without_data_closes_the_last_windows(run_spate, tmp_path):
    # Spark's no-data batch: after the batch of 25 the watermark is 15, and
    # Trigger.AvailableNow runs one more batch to emit [10, 15)
    src = stream_dir(tmp_path, [[10, 11, 12, 13, 14, 15], [25]])
    r = sql(run_spate, f"""
        CREATE TABLE t (time TIMESTAMP, v INT) USING csv
          OPTIONS (path '{src}', maxFilesPerTrigger 1) WATERMARK time DELAY OF '10 seconds';
        """ + QUERY, env={**os.environ, "SPATE_LOG_LEVEL": "INFO"})
    assert r.returncode == 0, r.stderr
    assert r.stdout.decode().endswith(
        batch(2, "+-----+---+\n|start|  n|\n+-----+---+\n|   10|  5|\n+-----+---+\n\n"))
    progress = [json.loads(line[line.index("{"):]) for line in r.stderr.decode().splitlines()
                if '"batchId"' in line]
    last = progress[-1]
    assert last["batchId"] == 2 and last["numInputRows"] == 0
    assert last["eventTime"] == {"watermark": "1970-01-01T00:00:15.000Z"}
    assert last["stateOperators"][0]["numRowsRemoved"] == 1


def test_the_plan_shows_the_watermark_and_bad_columns_are_refused(run_spate, tmp_path):
    src = stream_dir(tmp_path, [[10]])
    r = sql(run_spate, f"""
        CREATE TABLE t (time TIMESTAMP, v INT, WATERMARK FOR time AS time - INTERVAL '4' SECOND)
          USING csv OPTIONS (path '{src}');
        EXPLAIN SELECT v FROM STREAM(t)""")
    assert r.returncode == 0, r.stderr
    assert "+- EventTimeWatermark time#" in r.stdout.decode()
    r = sql(run_spate, f"""
        CREATE TABLE t (time TIMESTAMP, v INT) USING csv OPTIONS (path '{src}')
          WATERMARK v DELAY OF INTERVAL 1 MINUTE""")
    assert r.returncode != 0
    assert ("[EVENT_TIME_IS_NOT_ON_TIMESTAMP_TYPE] The event time `v` has the invalid type "
            "\"INT\", but expected \"TIMESTAMP\". SQLSTATE: 42K09") in r.stderr.decode()
    r = sql(run_spate, f"""
        CREATE TABLE t (time TIMESTAMP, v INT, WATERMARK FOR tme AS tme) USING csv
          OPTIONS (path '{src}')""")
    assert r.returncode != 0 and "UNRESOLVED_COLUMN.WITH_SUGGESTION" in r.stderr.decode()


def test_late_rows_go_to_the_late_rows_table(run_spate, tmp_path):
    # beyond Spark: lateRowsTable keeps what the watermark drops
    src = stream_dir(tmp_path, [[10, 11], [30], [12, 31]])
    late = tmp_path / "late"
    text = f"""
        CREATE TABLE t (time TIMESTAMP, v INT) USING csv
          OPTIONS (path '{src}', maxFilesPerTrigger 1) WATERMARK time DELAY OF '5 seconds';
        CREATE TABLE late USING json OPTIONS (path '{late}');
        CREATE TABLE c USING console OPTIONS (outputMode 'append', trigger 'availableNow',
          lateRowsTable 'late', checkpointLocation '{tmp_path / "ck"}');
        INSERT INTO c SELECT window.start, count(*) AS n FROM STREAM(t)
          GROUP BY window(time, '5 seconds')"""
    r = sql(run_spate, text)
    assert r.returncode == 0, r.stderr
    rows = [json.loads(line) for f in sorted(late.glob("*.json"))
            for line in f.read_text().splitlines()]
    assert rows == [{"time": "1970-01-01T00:00:12.000Z", "v": 12}]
    # the batch that dropped it is committed: a restart writes nothing again
    r = sql(run_spate, text)
    assert r.returncode == 0, r.stderr
    assert len([f for f in late.glob("*.json")]) == 1


def test_late_rows_table_refusals(run_spate, tmp_path):
    src = stream_dir(tmp_path, [[10]])
    base = f"""
        CREATE TABLE t (time TIMESTAMP, v INT) USING csv OPTIONS (path '{src}');
        CREATE TABLE late USING json OPTIONS (path '{tmp_path / "late"}');"""
    r = sql(run_spate, base + """
        CREATE TABLE c USING console OPTIONS (outputMode 'update', lateRowsTable 'nope');
        INSERT INTO c SELECT v, count(*) FROM STREAM(t) GROUP BY v""")
    assert r.returncode != 0 and "lateRowsTable: [TABLE_OR_VIEW_NOT_FOUND]" in r.stderr.decode()
    r = sql(run_spate, base + """
        CREATE TABLE c USING console OPTIONS (outputMode 'update', lateRowsTable 'late');
        INSERT INTO c SELECT v, count(*) FROM STREAM(t) GROUP BY v""")
    assert r.returncode != 0 and "lateRowsTable needs" in r.stderr.decode(), r.stderr
