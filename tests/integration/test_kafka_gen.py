"""`spate gen orders --kafka`: the orders sent to a Kafka topic (the book's
streamOrders.sh), read back by two independent clients, kcat and
kafka-python, from a `spate kafka-mock` cluster.

One record per line, value = the line without its newline, no key, order n
in partition (n - 1) % P. Run with the system python (pytest, kafka-python):
    SPATE_BUILD=build /usr/bin/python3 -m pytest tests/integration/test_kafka_gen.py
"""
import subprocess
import time

import pytest

from test_kafka_mock import KAFKA_PYTHON_API, Mock, need_kcat

kafka = pytest.importorskip("kafka", reason="needs kafka-python (Debian: python3-kafka)")

N = 10000
SEED = 3


@pytest.fixture(scope="module")
def cluster(spate_bin, tmp_path_factory):
    """A 3-broker mock with topic orders (4 partitions), for the module."""
    boot_file = tmp_path_factory.mktemp("kafka") / "bootstrap"
    m = Mock(spate_bin, "--brokers", 3, "--topic", "orders:4", "--bootstrap-file", boot_file)
    yield m
    m.stop()


@pytest.fixture(scope="module")
def expected(spate_bin):
    """The lines `spate gen orders` writes to stdout with the same seed."""
    out = subprocess.run([str(spate_bin), "gen", "orders", "--count", str(N), "--seed",
                          str(SEED)], stdout=subprocess.PIPE, timeout=30, check=True).stdout
    assert out.endswith(b"\n")
    return out[:-1].split(b"\n")


@pytest.fixture(scope="module")
def sent(spate_bin, cluster):
    """Runs `spate gen orders --kafka` into topic orders once; its result."""
    start = time.monotonic()
    r = subprocess.run([str(spate_bin), "gen", "orders", "--kafka", cluster.boot, "--topic",
                        "orders", "--count", str(N), "--seed", str(SEED)],
                       capture_output=True, timeout=60)
    r.took = time.monotonic() - start
    return r


def test_exits_0_after_every_delivery(sent, cluster):
    assert sent.returncode == 0, sent.stderr.decode()
    assert sent.stdout == b""
    assert sent.stderr.decode() == f"spate gen: sent {N} orders to topic orders at {cluster.boot}\n"


def test_kcat_reads_every_line_byte_identical_in_round_robin_partitions(sent, cluster, expected):
    need_kcat()
    assert sent.returncode == 0
    # %K is the key's length: -1 for no key (null), 0 would be an empty key.
    out = subprocess.run(["kcat", "-b", cluster.boot, "-t", "orders", "-C", "-e", "-q", "-o",
                          "beginning", "-f", "%p|%K|%s\n"], stdout=subprocess.PIPE, timeout=30,
                         check=True).stdout
    records = [line.split(b"|", 2) for line in out[:-1].split(b"\n")]
    assert len(records) == N
    assert {key_len for _, key_len, _ in records} == {b"-1"}
    for p in range(4):
        in_p = [value for part, _, value in records if part == str(p).encode()]
        assert in_p == expected[p::4], f"partition {p}"  # order n in (n - 1) % 4, in order


def test_kafka_python_reads_the_same_bytes(sent, cluster, expected):
    assert sent.returncode == 0
    c = kafka.KafkaConsumer(bootstrap_servers=cluster.boot.split(","),
                            api_version=KAFKA_PYTHON_API, enable_auto_commit=False)
    try:
        c.assign([kafka.TopicPartition("orders", p) for p in range(4)])
        c.seek_to_beginning()
        got = []
        deadline = time.monotonic() + 20
        while len(got) < N and time.monotonic() < deadline:
            for records in c.poll(timeout_ms=200).values():
                got += records
    finally:
        c.close()
    assert len(got) == N
    assert all(r.key is None for r in got)
    by_id = sorted(got, key=lambda r: int(r.value.split(b",")[1]))
    assert b"\n".join(r.value for r in by_id) == b"\n".join(expected)


def test_rate_paces_the_records(spate_bin, cluster):
    start = time.monotonic()
    r = subprocess.run([str(spate_bin), "gen", "orders", "--kafka", cluster.boot, "--topic",
                        "paced", "--count", "20", "--rate", "50/s", "--quiet"],
                       capture_output=True, timeout=30)
    took = time.monotonic() - start
    assert r.returncode == 0, r.stderr.decode()
    assert r.stderr == b""
    assert 19 / 50 <= took < 5, f"took {took:.2f}s"


@pytest.mark.parametrize("bootstrap, why", [
    ("127.0.0.1:1", "Connection refused"),
    ("nosuchhost.invalid:9092", "Failed to resolve"),
])
def test_unreachable_broker_exits_1_quickly_with_a_message(run_spate, bootstrap, why):
    start = time.monotonic()
    r = run_spate("gen", "orders", "--kafka", bootstrap, "--count", 10, timeout=30)
    took = time.monotonic() - start
    assert r.returncode == 1
    err = r.stderr.decode()
    assert err.startswith(f"spate gen orders: cannot reach Kafka at {bootstrap}: "), err
    assert why in err
    assert err.count("\n") == 1, err  # one line: librdkafka's own log stays quiet
    assert took < 5, f"took {took:.2f}s"


@pytest.mark.parametrize("args, message", [
    (["--kafka", "b:1", "--rate", "0"], "--rate expects records per second, e.g. 1000 or 1000/s"),
    (["--kafka", "b:1", "--rate", "10/m"], "--rate expects records per second"),
    (["--kafka", "b:1", "--topic", "a b"], 'Topic name "a b" is illegal'),
    (["--kafka", ""], "--kafka expects bootstrap servers"),
    (["--rate", "10"], "--topic and --rate need --kafka BOOTSTRAP"),
    (["--topic", "t"], "--topic and --rate need --kafka BOOTSTRAP"),
    (["--kafka", "b:1", "--out", "d"], "--out and --kafka cannot be used together"),
])
def test_bad_arguments_exit_2(run_spate, args, message):
    r = run_spate("gen", "orders", *args, timeout=10)
    assert r.returncode == 2
    assert message in r.stderr.decode()


def test_help_names_the_kafka_options(run_spate):
    out = run_spate("gen", "orders", "--help").stdout.decode()
    for opt in ("--kafka BOOTSTRAP", "--topic NAME", "--rate N[/s]"):
        assert opt in out
