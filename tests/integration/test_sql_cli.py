"""`spate sql`: statements from -e and files, streaming queries to the
console (compared byte for byte with Spark's format), file sinks with their
_spark_metadata log, restarts from a checkpoint, and exit statuses."""
import json
import pathlib

DASHES = "-" * 43


def batch(n, table):
    return f"{DASHES}\nBatch: {n}\n{DASHES}\n{table}\n"


def sql(run_spate, text, *conf, timeout=60):
    args = ["sql"]
    for c in conf:
        args += ["--conf", c]
    return run_spate(*args, "-e", text, timeout=timeout)


def test_console_truncates_nulls_and_top_rows(run_spate, tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.csv").write_text("a,1,1.5\na very long string that exceeds twenty,2,\n,3,2.25\n")
    r = sql(run_spate, f"""
        CREATE TABLE t (s STRING, n INT, d DOUBLE) USING csv OPTIONS (path '{src}');
        CREATE TABLE c USING console OPTIONS (numRows 2, trigger 'availableNow');
        INSERT INTO c SELECT * FROM STREAM(t)""")
    assert r.returncode == 0, r.stderr
    assert r.stdout.decode() == batch(0, (
        "+--------------------+---+----+\n"
        "|                   s|  n|   d|\n"
        "+--------------------+---+----+\n"
        "|                   a|  1| 1.5|\n"
        "|a very long strin...|  2|NULL|\n"
        "+--------------------+---+----+\n"
        "only showing top 2 rows\n"))


def test_console_untruncated_numbers(run_spate):
    r = sql(run_spate, """
        CREATE TABLE r USING `rate-micro-batch` OPTIONS (rowsPerBatch 3, numPartitions 1);
        CREATE TABLE c USING console OPTIONS (truncate false, trigger 'once');
        INSERT INTO c SELECT value, value / 2 AS half, CAST(value AS DECIMAL(5,2)) AS d,
               timestamp FROM STREAM(r)""")
    assert r.returncode == 0, r.stderr
    assert r.stdout.decode() == batch(0, (
        "+-----+----+----+-------------------+\n"
        "|value|half|d   |timestamp          |\n"
        "+-----+----+----+-------------------+\n"
        "|0    |0.0 |0.00|1970-01-01 00:00:00|\n"
        "|1    |0.5 |1.00|1970-01-01 00:00:00|\n"
        "|2    |1.0 |2.00|1970-01-01 00:00:00|\n"
        "+-----+----+----+-------------------+\n"))


def test_complete_mode_aggregation_over_batches(run_spate, tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "1.csv").write_text("x,1\ny,2\n")
    (src / "2.csv").write_text("x,3\n")
    r = sql(run_spate, f"""
        CREATE TABLE t (k STRING, v INT) USING csv OPTIONS (path '{src}', maxFilesPerTrigger 1);
        CREATE TABLE c USING console OPTIONS (outputMode 'complete', trigger 'availableNow');
        INSERT INTO c SELECT k, sum(v) AS total FROM STREAM(t) GROUP BY k ORDER BY k""")
    assert r.returncode == 0, r.stderr
    assert r.stdout.decode() == (
        batch(0, "+---+-----+\n|  k|total|\n+---+-----+\n|  x|    1|\n|  y|    2|\n+---+-----+\n")
        + batch(1, "+---+-----+\n|  k|total|\n+---+-----+\n|  x|    4|\n|  y|    2|\n+---+-----+\n"))


def committed_rows(sink):
    """The rows of the part files that sink's _spark_metadata lists."""
    rows = []
    meta = sink / "_spark_metadata"
    # Entries are named by batch id; anything else (a write killed before
    # its rename) is not part of the log.
    entries = [p for p in meta.iterdir() if p.name.isdigit()]
    for entry in sorted(entries, key=lambda p: int(p.name)):
        lines = entry.read_text().splitlines()
        assert lines[0] == "v1"
        for line in lines[1:]:
            path = json.loads(line)["path"]
            assert path.startswith("file:")
            rows += pathlib.Path(path[len("file:"):]).read_text().splitlines()
    return rows


def test_file_to_file_restart(run_spate, tmp_path):
    src, out, ckpt = tmp_path / "in", tmp_path / "out", tmp_path / "ckpt"
    src.mkdir()
    (src / "1.csv").write_text("1,a\n2,b\n")
    script = f"""
        CREATE TABLE t (n INT, s STRING) USING csv OPTIONS (path '{src}');
        CREATE TABLE o USING csv OPTIONS (path '{out}', trigger 'availableNow',
                                          checkpointLocation '{ckpt}');
        INSERT INTO o SELECT n * 10 AS n10, upper(s) AS s FROM STREAM(t) WHERE n > 1"""
    r = sql(run_spate, script)
    assert r.returncode == 0, r.stderr
    assert committed_rows(out) == ["20,B"]
    (src / "2.csv").write_text("3,c\n")
    r = sql(run_spate, script)
    assert r.returncode == 0, r.stderr
    assert committed_rows(out) == ["20,B", "30,C"]
    assert sorted(p.name for p in (ckpt / "offsets").iterdir()) == ["0", "1"]
    assert sorted(p.name for p in (ckpt / "commits").iterdir()) == ["0", "1"]
    assert (ckpt / "metadata").exists()


def test_errors_name_position_and_exit_1(run_spate):
    r = sql(run_spate, "SELECT 1 FORM x")
    assert r.returncode == 1
    assert "[PARSE_SYNTAX_ERROR] Syntax error at or near 'x'" in r.stderr.decode() or \
        "PARSE_SYNTAX_ERROR" in r.stderr.decode()
    r = sql(run_spate, "CREATE TABLE t USING nosuchformat")
    assert r.returncode == 1
    assert "nosuchformat" in r.stderr.decode()
    r = sql(run_spate, """CREATE TABLE r USING rate;
        CREATE TABLE c USING console OPTIONS (outputMode 'complete');
        INSERT INTO c SELECT value FROM STREAM(r)""")
    assert r.returncode == 1
    assert "Complete output mode not supported when there are no streaming aggregations" \
        in r.stderr.decode()


def test_csv_column_pruning_and_failfast(run_spate, tmp_path):
    """Only the columns a query reads are converted (Spark's CSV column
    pruning): a bad value in another column does not fail FAILFAST, one in
    a column it reads does, naming the record."""
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.csv").write_text("1,x\n2,notanumber\n3,y\n")
    script = f"""
        CREATE TABLE t (a INT, b INT) USING csv OPTIONS (path '{src}', mode 'FAILFAST');
        CREATE TABLE c USING console OPTIONS (trigger 'availableNow');
        INSERT INTO c SELECT {{}} FROM STREAM(t)"""
    r = sql(run_spate, script.format("a * 10 AS a10"))
    assert r.returncode == 0, r.stderr
    assert "| 10|\n| 20|\n| 30|\n" in r.stdout.decode()
    r = sql(run_spate, script.format("b"))
    assert r.returncode == 1
    assert "FAILFAST" in r.stderr.decode() or "Malformed" in r.stderr.decode(), r.stderr


def test_file_splits_read_each_line_once(run_spate, tmp_path):
    """A file cut into many splits (maxPartitionBytes of 97 bytes, lines of
    varying length, a header) is read line for line exactly once."""
    src = tmp_path / "in"
    src.mkdir()
    lines = [f"{i},{'x' * (i % 13)}" for i in range(1, 1001)]
    (src / "a.csv").write_text("n,s\n" + "\n".join(lines) + "\n")
    r = sql(run_spate, f"""
        CREATE TABLE t (n INT, s STRING) USING csv OPTIONS (path '{src}', header true);
        CREATE TABLE c USING console OPTIONS (outputMode 'complete', trigger 'availableNow');
        INSERT INTO c SELECT count(*) AS c, sum(n) AS s, sum(length(s)) AS l FROM STREAM(t)
        GROUP BY 'all'""", "spate.files.maxPartitionBytes=97", "spate.files.openCostInBytes=0")
    assert r.returncode == 0, r.stderr
    want_len = sum(i % 13 for i in range(1, 1001))
    assert f"|1000|500500|{want_len}|" in r.stdout.decode().replace(" ", ""), r.stdout.decode()


def test_date_and_time_functions(run_spate, tmp_path):
    """year, month, dayofmonth, hour, minute, second, date_add, date_sub and
    datediff with Spark's answers (2016 is a leap year); NULL in, NULL out;
    hour in the session time zone."""
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.csv").write_text("2016-03-22 20:25:28\n\n2016-12-31 23:59:59\n")
    r = sql(run_spate, f"""
        CREATE TABLE t (ts TIMESTAMP) USING csv OPTIONS (path '{src}');
        SELECT year(ts) AS y, month(ts) AS m, dayofmonth(ts) AS d, hour(ts) AS h,
               minute(ts) AS mi, second(ts) AS s, date_add(ts, 10) AS a,
               date_sub(ts, 31) AS b, datediff(ts, '2016-01-01') AS dd FROM t""")
    assert r.returncode == 0, r.stderr
    rows = [x for x in r.stdout.decode().splitlines() if x.startswith("|")][1:]
    assert [x.replace(" ", "") for x in rows] == [
        "|2016|3|22|20|25|28|2016-04-01|2016-02-20|81|",
        "|2016|12|31|23|59|59|2017-01-10|2016-11-30|365|",
    ]
    r = sql(run_spate, f"""
        CREATE TABLE t (ts TIMESTAMP) USING csv OPTIONS (path '{src}');
        SELECT hour(ts) AS h FROM t""", "spate.sql.session.timeZone=+09:00")
    assert r.returncode == 0, r.stderr
    assert "|20|" in r.stdout.decode().replace(" ", "")


def test_date_parsing_and_formatting(run_spate, tmp_path):
    """date_format, unix_timestamp, from_unixtime, to_date with a format,
    date_trunc and trunc with Spark's answers; unparsable text fails the
    statement with CANNOT_PARSE_TIMESTAMP under ANSI mode, NULL without."""
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.csv").write_text("2016-03-22 20:25:28\n2016-12-31 23:59:59\n")
    table = f"CREATE TABLE t (ts TIMESTAMP) USING csv OPTIONS (path '{src}');"
    r = sql(run_spate, table + """
        SELECT date_format(ts, 'yyyy/MM/dd HH:mm') AS f, unix_timestamp(ts) AS u,
               from_unixtime(unix_timestamp(ts)) AS b,
               to_date(date_format(ts, 'dd.MM.yyyy'), 'dd.MM.yyyy') AS d,
               date_trunc('MONTH', ts) AS m, trunc(ts, 'YEAR') AS y FROM t""")
    assert r.returncode == 0, r.stderr
    rows = [x for x in r.stdout.decode().splitlines() if x.startswith("|")][1:]
    assert [" ".join(x.split()).replace(" |", "|").replace("| ", "|") for x in rows] == [
        "|2016/03/22 20:25|1458678328|2016-03-22 20:25:28|2016-03-22|2016-03-01 00:00:00|"
        "2016-01-01|",
        "|2016/12/31 23:59|1483228799|2016-12-31 23:59:59|2016-12-31|2016-12-01 00:00:00|"
        "2016-01-01|",
    ]
    bad = table + "SELECT to_date('31/12/2016', 'yyyy-MM-dd') AS d FROM t"
    r = sql(run_spate, bad)
    assert r.returncode == 1
    assert "[CANNOT_PARSE_TIMESTAMP] Text '31/12/2016' could not be parsed" in r.stderr.decode()
    r = sql(run_spate, bad, "spate.sql.ansi.enabled=false")
    assert r.returncode == 0, r.stderr
    assert "|NULL|" in r.stdout.decode().replace(" ", "")


def test_update_mode_after_restart(run_spate, tmp_path):
    """A key updated by the first batch after a restart is emitted in update
    mode (the marks of changed keys must not repeat across processes)."""
    src, ckpt = tmp_path / "in", tmp_path / "ckpt"
    src.mkdir()
    script = f"""
        CREATE TABLE t (k STRING) USING csv OPTIONS (path '{src}');
        CREATE TABLE c USING console OPTIONS (outputMode 'update', trigger 'availableNow',
                                              checkpointLocation '{ckpt}');
        INSERT INTO c SELECT k, count(*) AS n FROM STREAM(t) GROUP BY k"""
    (src / "1.csv").write_text("a\nb\n")
    r = sql(run_spate, script)
    assert r.returncode == 0, r.stderr
    (src / "2.csv").write_text("a\n")
    r = sql(run_spate, script)
    assert r.returncode == 0, r.stderr
    assert r.stdout.decode() == batch(1, "+---+---+\n|  k|  n|\n+---+---+\n|  a|  2|\n+---+---+\n")


def test_stream_static_join_to_console(run_spate, tmp_path):
    orders, clients = tmp_path / "orders", tmp_path / "clients"
    orders.mkdir()
    clients.mkdir()
    (orders / "1.csv").write_text("1,7,2\n2,8,5\n3,7,1\n4,9,4\n")
    (clients / "c.csv").write_text("7,ann\n8,bob\n")
    r = sql(run_spate, f"""
        CREATE TABLE o (oid BIGINT, client BIGINT, qty INT) USING csv OPTIONS (path '{orders}');
        CREATE TABLE clients (id BIGINT, name STRING) USING csv OPTIONS (path '{clients}');
        CREATE TABLE c USING console OPTIONS (trigger 'availableNow', outputMode 'complete');
        INSERT INTO c SELECT coalesce(name, 'unknown') AS who, sum(qty) AS total
          FROM STREAM(o) LEFT JOIN clients ON client = id GROUP BY 1 ORDER BY total DESC""")
    assert r.returncode == 0, r.stderr
    assert r.stdout.decode() == batch(0, (
        "+-------+-----+\n"
        "|    who|total|\n"
        "+-------+-----+\n"
        "|    bob|    5|\n"
        "|unknown|    4|\n"
        "|    ann|    3|\n"
        "+-------+-----+\n"))


def test_select_without_from_and_union(run_spate):
    r = sql(run_spate, "SELECT 1 + 1 AS two, 'x' AS s UNION ALL SELECT 3, 'y'")
    assert r.returncode == 0, r.stderr
    assert r.stdout.decode() == (
        "+---+---+\n"
        "|two|  s|\n"
        "+---+---+\n"
        "|  2|  x|\n"
        "|  3|  y|\n"
        "+---+---+\n")


def test_mod_is_the_remainder_under_its_name(run_spate):
    # Spark: mod(a, b) is a % b (Remainder), named mod(a, b); a negative
    # dividend keeps its sign (pmod does not)
    r = sql(run_spate, "SELECT mod(7, 3), mod(-7, 3) AS m, pmod(-7, 3) AS p, mod(7.5, 2)")
    assert r.returncode == 0, r.stderr
    assert r.stdout.decode() == (
        "+---------+---+---+-----------+\n"
        "|mod(7, 3)|  m|  p|mod(7.5, 2)|\n"
        "+---------+---+---+-----------+\n"
        "|        1| -1|  2|        1.5|\n"
        "+---------+---+---+-----------+\n")
    r = sql(run_spate, "SELECT mod(1)")
    assert r.returncode == 1
    assert "[WRONG_NUM_ARGS.WITHOUT_SUGGESTION] The `mod` requires 2 parameters" in r.stderr.decode()


def test_trigger_once_ignores_max_files_per_trigger(run_spate, tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    for i in range(3):
        (src / f"{i}.csv").write_text(f"{i}\n")
    r = sql(run_spate, f"""
        CREATE TABLE t (n INT) USING csv OPTIONS (path '{src}', maxFilesPerTrigger 1);
        CREATE TABLE c USING console OPTIONS (trigger 'once', outputMode 'complete');
        INSERT INTO c SELECT count(*) AS files FROM STREAM(t)""")
    assert r.returncode == 0, r.stderr
    assert r.stdout.decode() == batch(0, (
        "+-----+\n"
        "|files|\n"
        "+-----+\n"
        "|    3|\n"
        "+-----+\n"))


def test_from_json_over_a_text_stream(run_spate, tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text(
        '{"orderId": 1, "kind": "buy", "price": 10.5}\n'
        '{"orderId": 2, "kind": "sell"}\n'
        'not json\n'
        '{"orderId": 3, "kind": "buy", "price": 1}\n')
    r = sql(run_spate, f"""
        CREATE TABLE t USING text OPTIONS (path '{src}');
        CREATE TABLE c USING console OPTIONS (trigger 'availableNow', outputMode 'complete');
        INSERT INTO c SELECT o.kind, count(*) AS n, sum(o.price) AS total
          FROM (SELECT from_json(value, 'orderId BIGINT, kind STRING, price DOUBLE') AS o
                FROM STREAM(t))
          GROUP BY o.kind ORDER BY n DESC, kind DESC""")
    assert r.returncode == 0, r.stderr
    assert r.stdout.decode() == batch(0, (
        "+----+---+-----+\n"
        "|kind|  n|total|\n"
        "+----+---+-----+\n"
        "| buy|  2| 11.5|\n"
        "|sell|  1| NULL|\n"
        "|NULL|  1| NULL|\n"
        "+----+---+-----+\n"))


def test_union_of_file_streams_restarts(run_spate, tmp_path):
    a, b, ckpt = tmp_path / "a", tmp_path / "b", tmp_path / "ckpt"
    a.mkdir()
    b.mkdir()
    (a / "1.csv").write_text("buy,1\nsell,2\n")
    (b / "1.json").write_text('{"kind": "buy", "qty": 10}\n')
    text = f"""
        CREATE TABLE a (kind STRING, qty INT) USING csv OPTIONS (path '{a}');
        CREATE TABLE b (kind STRING, qty INT) USING json OPTIONS (path '{b}');
        CREATE TABLE c USING console OPTIONS (trigger 'availableNow', outputMode 'complete',
                                              checkpointLocation '{ckpt}');
        INSERT INTO c SELECT kind, sum(qty) AS total FROM
          (SELECT * FROM STREAM(a) UNION ALL SELECT * FROM STREAM(b)) GROUP BY kind
          ORDER BY kind"""
    r = sql(run_spate, text)
    assert r.returncode == 0, r.stderr
    assert r.stdout.decode() == batch(0, (
        "+----+-----+\n"
        "|kind|total|\n"
        "+----+-----+\n"
        "| buy|   11|\n"
        "|sell|    2|\n"
        "+----+-----+\n"))
    (b / "2.json").write_text('{"kind": "sell", "qty": 5}\n')
    r = sql(run_spate, text)
    assert r.returncode == 0, r.stderr
    assert r.stdout.decode() == batch(1, (
        "+----+-----+\n"
        "|kind|total|\n"
        "+----+-----+\n"
        "| buy|   11|\n"
        "|sell|    7|\n"
        "+----+-----+\n"))
    assert (ckpt / "sources" / "0").is_dir() and (ckpt / "sources" / "1").is_dir()


def test_set_time_zone_applies_to_later_statements(run_spate):
    r = sql(run_spate, """
        SELECT hour(TIMESTAMP '2020-01-01 00:00:00Z') AS h;
        SET spark.sql.session.timeZone = America/Los_Angeles;
        SELECT hour(TIMESTAMP '2020-01-01 00:00:00Z') AS h""")
    assert r.returncode == 0, r.stderr
    table = "+---+\n|  h|\n+---+\n|{:>3}|\n+---+\n"
    assert r.stdout.decode() == (table.format(0) + "spate.sql.session.timeZone\tAmerica/Los_Angeles\n"
                                 + table.format(16))
    r = sql(run_spate, "SET spark.sql.session.timeZone = Nowhere/Land")
    assert r.returncode == 1
    assert "[INVALID_CONF_VALUE.TIME_ZONE] The value 'Nowhere/Land'" in r.stderr.decode()
