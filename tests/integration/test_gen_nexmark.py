"""`spate gen nexmark`: Nexmark events as JSON lines in the shape of Flink
Nexmark's tables, to stdout, to files in a directory (atomic renames), and to
a Kafka topic of a `spate kafka-mock` cluster read back with kafka-python.

Run with the system python (pytest, kafka-python):
    SPATE_BUILD=build /usr/bin/python3 -m pytest tests/integration/test_gen_nexmark.py
"""
import json
import re
import subprocess
import time

import pytest

from test_kafka_mock import KAFKA_PYTHON_API, Mock

PERSON = ["id", "name", "emailAddress", "creditCard", "city", "state", "dateTime", "extra"]
AUCTION = ["id", "itemName", "description", "initialBid", "reserve", "dateTime", "expires",
           "seller", "category", "extra"]
BID = ["auction", "bidder", "price", "channel", "url", "dateTime", "extra"]
TS_RE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}$")


def gen(spate_bin, *args):
    return subprocess.run([str(spate_bin), "gen", "nexmark", *map(str, args)],
                          capture_output=True, timeout=60)


@pytest.fixture(scope="module")
def lines(spate_bin):
    r = gen(spate_bin, "--events", 5000, "--seed", 7)
    assert r.returncode == 0, r.stderr.decode()
    assert r.stderr == b""
    assert r.stdout.endswith(b"\n")
    return r.stdout[:-1].split(b"\n")


def test_stdout_is_json_lines_in_flink_nexmarks_shape(lines):
    assert len(lines) == 5000
    kinds = {0: ("person", PERSON), 1: ("auction", AUCTION), 2: ("bid", BID)}
    people = auctions = 0
    for n, line in enumerate(lines):
        o = json.loads(line)
        assert list(o) == ["event_type", "person", "auction", "bid"]
        t = o["event_type"]
        assert t == (0 if n % 50 == 0 else 1 if n % 50 < 4 else 2), n
        name, fields = kinds[t]
        for other, _ in kinds.values():
            assert (o[other] is None) == (other != name)
        ev = o[name]
        assert list(ev) == fields
        assert TS_RE.match(ev["dateTime"]), ev["dateTime"]
        if t == 0:
            assert ev["id"] == 1000 + people
            people += 1
        elif t == 1:
            assert ev["id"] == 1000 + auctions
            assert TS_RE.match(ev["expires"]) and ev["expires"] > ev["dateTime"]
            assert 10 <= ev["category"] <= 14
            auctions += 1
        else:
            assert 1000 <= ev["auction"] <= 1000 + auctions - 1 + 10
            assert 1000 <= ev["bidder"] <= 1000 + people - 1 + 10
            assert ev["url"].startswith("https://www.nexmark.com/")
    assert (people, auctions) == (100, 300)


def test_the_default_rate_is_ten_million_events_per_second(lines):
    first, last = json.loads(lines[0]), json.loads(lines[-1])
    assert first["person"]["dateTime"] == "2015-07-15 00:00:00.000"
    assert last["bid"]["dateTime"] == "2015-07-15 00:00:00.000"  # 5000 events: 0.5 ms


def test_rate_sets_the_event_times(spate_bin):
    r = gen(spate_bin, "--events", 2001, "--rate", "1000/s")
    assert r.returncode == 0, r.stderr.decode()
    got = [json.loads(line) for line in r.stdout.splitlines()]
    assert got[2000]["person"]["dateTime"] == "2015-07-15 00:00:02.000"  # event n at n ms
    assert got[1999]["bid"]["dateTime"] == "2015-07-15 00:00:01.999"
    assert got[1001]["auction"]["dateTime"] == "2015-07-15 00:00:01.001"


def test_the_same_seed_gives_the_same_bytes(spate_bin, lines):
    again = gen(spate_bin, "--events", 5000, "--seed", 7).stdout
    other = gen(spate_bin, "--events", 5000, "--seed", 8).stdout
    assert again == b"\n".join(lines) + b"\n"
    assert other != again


def test_out_writes_k_files_atomically(spate_bin, tmp_path, lines):
    d = tmp_path / "in" / "nexmark"
    r = gen(spate_bin, "--events", 5000, "--seed", 7, "--out", d, "--files", 3)
    assert r.returncode == 0, r.stderr.decode()
    names = sorted(p.name for p in d.iterdir())
    assert names == ["nexmark-00001.json", "nexmark-00002.json", "nexmark-00003.json"]
    parts = [(d / n).read_bytes() for n in names]
    assert [p.count(b"\n") for p in parts] == [1666, 1667, 1667]
    assert b"".join(parts) == b"\n".join(lines) + b"\n"
    assert r.stderr.decode().splitlines() == [
        f"spate gen: wrote {d}/{n} ({c} events)" for n, c in zip(names, [1666, 1667, 1667])]


def test_out_quiet_and_one_file_by_default(spate_bin, tmp_path):
    r = gen(spate_bin, "--events", 10, "--out", tmp_path, "--quiet")
    assert r.returncode == 0 and r.stderr == b"" and r.stdout == b""
    assert [p.name for p in tmp_path.iterdir()] == ["nexmark-00001.json"]


@pytest.fixture(scope="module")
def cluster(spate_bin, tmp_path_factory):
    boot_file = tmp_path_factory.mktemp("kafka") / "bootstrap"
    m = Mock(spate_bin, "--brokers", 1, "--topic", "nexmark:2", "--bootstrap-file", boot_file)
    yield m
    m.stop()


def test_kafka_sends_one_record_per_event(spate_bin, cluster, lines):
    kafka = pytest.importorskip("kafka", reason="needs kafka-python (Debian: python3-kafka)")
    r = gen(spate_bin, "--events", 5000, "--seed", 7, "--kafka", cluster.boot)
    assert r.returncode == 0, r.stderr.decode()
    assert r.stdout == b""
    assert r.stderr.decode() == f"spate gen: sent 5000 events to topic nexmark at {cluster.boot}\n"
    c = kafka.KafkaConsumer(bootstrap_servers=cluster.boot.split(","),
                            api_version=KAFKA_PYTHON_API, enable_auto_commit=False)
    try:
        c.assign([kafka.TopicPartition("nexmark", p) for p in range(2)])
        c.seek_to_beginning()
        got = []
        deadline = time.monotonic() + 20
        while len(got) < 5000 and time.monotonic() < deadline:
            for records in c.poll(timeout_ms=200).values():
                got += records
    finally:
        c.close()
    assert len(got) == 5000
    assert all(r.key is None for r in got)
    for p in range(2):
        in_p = [r.value for r in sorted(got, key=lambda r: r.offset) if r.partition == p]
        assert in_p == lines[p::2], f"partition {p}"  # event n in partition n % 2


def test_unreachable_broker_exits_1(spate_bin):
    r = gen(spate_bin, "--kafka", "127.0.0.1:1", "--events", 10)
    assert r.returncode == 1
    err = r.stderr.decode()
    assert err.startswith("spate gen nexmark: cannot reach Kafka at 127.0.0.1:1: "), err


@pytest.mark.parametrize("args, message", [
    (["--events", "-1"], "--events expects a whole number from 0 to 100000000000, got '-1'"),
    (["--events", "1e3"], "--events expects a whole number"),
    (["--rate", "0"], "--rate expects events per second above 0 and at most 1e9"),
    (["--rate", "10/m"], "--rate expects events per second"),
    (["--seed", "x"], "--seed expects a whole number from 0 to 18446744073709551615, got 'x'"),
    (["--files", "0", "--out", "d"], "--files expects a whole number from 1 to 99999"),
    (["--files", "2"], "--files needs --out DIR"),
    (["--topic", "t"], "--topic needs --kafka BOOTSTRAP"),
    (["--kafka", "b:1", "--topic", "a b"], 'Topic name "a b" is illegal'),
    (["--kafka", ""], "--kafka expects bootstrap servers"),
    (["--kafka", "b:1", "--out", "d"], "--out and --kafka cannot be used together"),
    (["--count", "5"], "unknown option '--count' (try 'spate gen nexmark --help')"),
    (["extra"], "unknown argument 'extra'"),
    (["--events"], "option '--events' needs a value"),
])
def test_bad_arguments_exit_2(spate_bin, args, message):
    r = gen(spate_bin, *args)
    assert r.returncode == 2
    err = r.stderr.decode()
    assert err.startswith("spate gen nexmark: "), err
    assert message in err
    assert r.stdout == b""


def test_help_and_the_dataset_list(spate_bin):
    out = gen(spate_bin, "--help").stdout.decode()
    for opt in ("--events N", "--rate R[/s]", "--seed S", "--out DIR", "--files K",
                "--kafka BOOTSTRAP", "--topic NAME", "--quiet"):
        assert opt in out
    r = subprocess.run([str(spate_bin), "gen", "--help"], capture_output=True, timeout=10)
    assert "nexmark" in r.stdout.decode()
    r = subprocess.run([str(spate_bin), "gen", "nope"], capture_output=True, timeout=10)
    assert r.returncode == 2
    assert "(known: orders, nexmark)" in r.stderr.decode()
