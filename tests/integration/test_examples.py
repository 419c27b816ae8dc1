"""The examples: queue_stream (seed 001) and network_wordcount (Spark's
NetworkWordCount), checked against Spark's print() format."""
import collections
import signal
import subprocess

from conftest import OutputReader, parse_pair, parse_print_blocks

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


def console_tables(text):
    """The show() tables of console sink output, in order: each a list of
    rows, each row a list of cell strings (the header row first)."""
    tables, rows = [], None
    for line in text.splitlines():
        if line.startswith("Batch: "):
            rows = []
            tables.append(rows)
        elif rows is not None and line.startswith("|"):
            rows.append([c.strip() for c in line.strip("|").split("|")])
    return tables


def test_sql_orders_dashboard_metrics(example, run_spate, tmp_path):
    """examples/sql_orders (the DataFrame API): orders per kind and the top 5
    clients by amount * price over `spate gen orders` files, availableNow."""
    src = tmp_path / "in"
    r = run_spate("gen", "orders", "--count", 1500, "--out", src, "--files", 3,
                  "--interval", "0s", "--quiet")
    assert r.returncode == 0, r.stderr
    kinds, totals_by_client = collections.Counter(), collections.defaultdict(float)
    for f in sorted(src.iterdir()):
        for line in f.read_text().splitlines():
            _, _, client, _, amount, price, kind = line.split(",")
            kinds[kind] += 1
            totals_by_client[int(client)] += int(amount) * float(price)
    r = subprocess.run([str(example("sql_orders")), str(src)], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=120)
    assert r.returncode == 0, r.stderr.decode()
    tables = console_tables(r.stdout.decode())
    assert len(tables) == 2, r.stdout.decode()
    by_kind, top = tables
    assert by_kind[0] == ["kind", "orders"]
    assert {k: int(n) for k, n in by_kind[1:]} == dict(kinds)
    assert top[0] == ["clientId", "total"]
    expected = sorted(totals_by_client.items(), key=lambda kv: -kv[1])[:5]
    assert [int(c) for c, _ in top[1:]] == [c for c, _ in expected]
    for (_, got), (_, want) in zip(top[1:], expected):
        assert abs(float(got) - want) <= 1e-6 * want
    bad = subprocess.run([str(example("sql_orders"))], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, timeout=10)
    assert bad.returncode == 2 and bad.stderr
