"""The examples: queue_stream (seed 001) and network_wordcount (Spark's
NetworkWordCount), checked against Spark's print() format."""
import collections
import signal
import subprocess

from conftest import OutputReader, parse_pair, parse_print_blocks
from orders_dashboard_check import (GEN, check_per_second, check_top_clients, duckdb_figures,
                                    latest_top_stocks, tables)

FIRST = {"(Spark,1)", "(Streaming,1)", "(Sample,1)", "(ssc,1)"}
SECOND = {"(Spark,2)", "(Queue,1)", "(API,1)"}


def test_queue_stream_prints_sparks_format(example):
    r = subprocess.run([str(example("queue_stream")), "--batch", "200ms", "--batches", "4"],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
    assert r.returncode == 0, r.stderr.decode()
    blocks = parse_print_blocks(r.stdout.decode())
    assert len(blocks) >= 4
    times = [t for t, _, _ in blocks]
    assert all(t % 200 == 0 for t in times), times
    assert all(b - a == 200 for a, b in zip(times, times[1:])), times
    # countByValue's order is not fixed: compare each batch as a set.
    assert set(blocks[0][1]) == FIRST and len(blocks[0][1]) == 4
    assert set(blocks[1][1]) == SECOND and len(blocks[1][1]) == 3
    for _, elems, truncated in blocks[2:]:
        assert elems == [] and not truncated


def test_queue_stream_stops_on_sigterm(example):
    p = subprocess.Popen([str(example("queue_stream")), "--batch", "100ms"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out = OutputReader(p)
    try:
        assert out.wait_for(lambda t: "(Queue,1)" in t, timeout=30), out.text()
        p.send_signal(signal.SIGTERM)
        assert p.wait(timeout=20) == 0, p.stderr.read().decode()
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
    blocks = parse_print_blocks(out.join())
    assert set(blocks[0][1]) == FIRST


def totals(text):
    """Word counts summed over every complete print() block in text."""
    complete = text[:text.rfind("\n\n") + 2] if "\n\n" in text else ""
    counts = collections.Counter()
    for _, elems, truncated in parse_print_blocks(complete):
        assert not truncated
        for e in elems:
            word, n = parse_pair(e)
            counts[word] += n
    return counts


def test_network_wordcount_counts_words(example, line_server):
    lines = ["to be or not to be"] * 3 + ["that is the question"]
    expected = collections.Counter(w for line in lines for w in line.split(" "))
    server = line_server(lines)
    p = subprocess.Popen([str(example("network_wordcount")), "127.0.0.1", str(server.port)],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out = OutputReader(p)
    try:
        ok = out.wait_for(lambda t: totals(t) == expected, timeout=30)
        assert ok, f"expected {dict(expected)}, output:\n{out.text()}"
        p.send_signal(signal.SIGTERM)
        assert p.wait(timeout=20) == 0, p.stderr.read().decode()
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
    text = out.join()
    blocks = parse_print_blocks(text)
    times = [t for t, _, _ in blocks]
    assert all(t % 1000 == 0 for t in times), times  # 1 s batches
    assert totals(text) == expected


def test_examples_usage_errors_exit_2(example):
    cases = [
        ("network_wordcount", []),
        ("network_wordcount", ["localhost"]),
        ("network_wordcount", ["localhost", "notaport"]),
        ("network_wordcount", ["localhost", "70000"]),
        ("network_wordcount", ["localhost", "9999", "--bogus", "1"]),
        ("queue_stream", ["--batch", "soon"]),
        ("queue_stream", ["--batches", "0"]),
        ("queue_stream", ["--batches"]),
        ("queue_stream", ["--frobnicate", "1"]),
    ]
    for name, args in cases:
        r = subprocess.run([str(example(name)), *args], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=10)
        assert r.returncode == 2, (name, args, r.stderr)
        assert r.stderr, (name, args)


def test_sql_orders_dashboard_metrics(example, run_spate, tmp_path):
    """examples/sql_orders (the DataFrame API twin of
    examples/sql/orders_dashboard.sql) over `spate gen orders` files,
    availableNow, against DuckDB on the same files: (a) the orders per
    second by kind the watermark closed, (b) the final top 5 clients, (c) per
    batch the top 5 stocks of the latest hour window completed, ending with
    the latest window the final watermark closed."""
    src = tmp_path / "in"
    r = run_spate("gen", "orders", "--out", src, *GEN)
    assert r.returncode == 0, r.stderr
    r = subprocess.run([str(example("sql_orders")), str(src)], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=300)
    assert r.returncode == 0, r.stderr.decode()
    text = r.stdout.decode()
    duck = duckdb_figures(src)
    check_per_second(tables(text, ("second", "kind", "orders")), duck)
    check_top_clients(tables(text, ("clientId", "total"))[-1], duck)
    # (the first batches close no hour: their tables are empty)
    tops = [t for t in tables(text, ("window_start", "window_end", "symbol", "volume")) if t]
    assert tops and all(len(t) == 5 and len({row[1] for row in t}) == 1 for t in tops), text
    ends = [t[0][1] for t in tops]
    assert ends == sorted(set(ends)), "a batch's latest window is not later than the last's"
    assert [[s, e, sym, int(v)] for s, e, sym, v in tops[-1]] == latest_top_stocks(duck)
    windows = {(w[1], w[2]): w[3] for w in duck["windows"]}
    for t in tops:
        assert [int(v) for _, _, _, v in t] == sorted((windows[(e, sym)] for _, e, sym, _ in t),
                                                      reverse=True)
    bad = subprocess.run([str(example("sql_orders"))], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, timeout=10)
    assert bad.returncode == 2 and bad.stderr
