"""`spate kafka-mock`: librdkafka's mock cluster as a broker real clients use.

Two independent clients talk to it: kcat (librdkafka) and kafka-python (a
pure-Python protocol implementation), each producing what the other consumes.
Run with the system python, which has pytest and kafka-python:
    SPATE_BUILD=build /usr/bin/python3 -m pytest tests/integration/test_kafka_mock.py
"""
import json
import os
import re
import select
import signal
import subprocess
import time

import pytest

kafka = pytest.importorskip("kafka", reason="needs kafka-python (Debian: python3-kafka)")

# kafka-python guesses the broker version by probing (an extra connection per
# client); pinning it skips the probe. The mock takes any version from 0.11 on
# (it only knows v2 record batches: older Produce requests get
# UNSUPPORTED_VERSION); 2.5 is the newest kafka-python 2.0.2 knows well.
KAFKA_PYTHON_API = (2, 5, 0)
BOOT_RE = re.compile(r"^127\.0\.0\.1:\d+(,127\.0\.0\.1:\d+)*$")
N = 1000


def need_kcat():
    if not os.path.exists("/usr/bin/kcat"):
        pytest.skip("needs kcat (Debian: kcat)")


class Mock:
    """A running `spate kafka-mock`; stop() sends a signal and returns
    (exit status, seconds it took to exit)."""

    def __init__(self, spate_bin, *args):
        self.proc = subprocess.Popen([str(spate_bin), "kafka-mock", *map(str, args)],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.boot = self._first_line(timeout=10)

    def _first_line(self, timeout):
        buf = b""
        deadline = time.monotonic() + timeout
        while b"\n" not in buf:
            left = deadline - time.monotonic()
            r, _, _ = select.select([self.proc.stdout], [], [], max(left, 0))
            if not r:
                self.proc.kill()
                pytest.fail("spate kafka-mock printed no bootstrap line in time")
            chunk = os.read(self.proc.stdout.fileno(), 4096)
            if not chunk:
                pytest.fail(f"spate kafka-mock exited: {self.proc.stderr.read().decode()}")
            buf += chunk
        return buf.split(b"\n", 1)[0].decode()

    def stop(self, sig=signal.SIGTERM):
        if self.proc.poll() is not None:
            return self.proc.returncode, 0.0
        start = time.monotonic()
        self.proc.send_signal(sig)
        try:
            rc = self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            rc = self.proc.wait()
        return rc, time.monotonic() - start


@pytest.fixture(scope="module")
def cluster(spate_bin, tmp_path_factory):
    """One 3-broker mock with topic orders (4 partitions) for the module."""
    boot_file = tmp_path_factory.mktemp("kafka") / "bootstrap"
    m = Mock(spate_bin, "--brokers", 3, "--topic", "orders:4", "--bootstrap-file", boot_file)
    m.boot_file = boot_file
    yield m
    m.stop()


def metadata(boot, topic):
    """kcat's JSON metadata of one topic: (broker ids, partition count)."""
    out = subprocess.run(["kcat", "-b", boot, "-L", "-J", "-t", topic], capture_output=True,
                         text=True, timeout=20, check=True).stdout
    md = json.loads(out)
    (t,) = md["topics"]
    assert not t.get("error"), t
    return sorted(b["id"] for b in md["brokers"]), len(t["partitions"])


def kafka_python_consume(boot, topic, partitions, want):
    """Reads `want` messages from the start of every partition, without a
    consumer group (a group join costs the mock ~3 s of rebalance delay)."""
    c = kafka.KafkaConsumer(bootstrap_servers=boot.split(","), api_version=KAFKA_PYTHON_API,
                            enable_auto_commit=False)
    try:
        c.assign([kafka.TopicPartition(topic, p) for p in range(partitions)])
        c.seek_to_beginning()
        got = []
        deadline = time.monotonic() + 20
        while len(got) < want and time.monotonic() < deadline:
            for tp, records in c.poll(timeout_ms=200).items():
                got += [(tp.partition, r.value.decode()) for r in records]
        return got
    finally:
        c.close()


def test_first_line_is_the_bootstrap_servers_and_the_file_holds_it(cluster):
    assert BOOT_RE.match(cluster.boot), cluster.boot
    assert len(cluster.boot.split(",")) == 3
    assert cluster.boot_file.read_text() == cluster.boot + "\n"
    assert os.listdir(cluster.boot_file.parent) == ["bootstrap"]  # no temporary left
    need_kcat()
    assert metadata(cluster.boot, "orders") == ([1, 2, 3], 4)


def test_kcat_produces_kafka_python_consumes(cluster):
    need_kcat()
    # Keyed ("key:value"): librdkafka sends keyless messages of one batch to a
    # single partition (the sticky partitioner), keys hash over all four.
    lines = "".join(f"client-{i}:order-{i}\n" for i in range(N))
    subprocess.run(["kcat", "-b", cluster.boot, "-t", "orders", "-P", "-K:"], input=lines,
                   text=True, timeout=30, check=True)
    got = kafka_python_consume(cluster.boot, "orders", 4, N)
    assert sorted(v for _, v in got) == sorted(f"order-{i}" for i in range(N))
    assert {p for p, _ in got} == {0, 1, 2, 3}


def test_kafka_python_produces_kcat_consumes_and_topics_auto_create(cluster):
    need_kcat()
    p = kafka.KafkaProducer(bootstrap_servers=cluster.boot.split(","),
                            api_version=KAFKA_PYTHON_API, linger_ms=5)
    try:
        futures = [p.send("trades", f"trade-{i}".encode()) for i in range(N)]
        p.flush(timeout=20)
        assert all(f.succeeded() for f in futures)
    finally:
        p.close()
    out = subprocess.run(["kcat", "-b", cluster.boot, "-t", "trades", "-C", "-e", "-q", "-o",
                          "beginning"], capture_output=True, text=True, timeout=30, check=True)
    assert sorted(out.stdout.split()) == sorted(f"trade-{i}" for i in range(N))
    # "trades" was never created: the mock made it on first use, 4 partitions.
    assert metadata(cluster.boot, "trades") == ([1, 2, 3], 4)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_signal_stops_it_promptly_with_status_0(spate_bin, tmp_path, sig):
    boot_file = tmp_path / "boot"
    m = Mock(spate_bin, "--brokers", 1, "--partitions", 2, "--topic", "a", "--topic", "b:5",
             "--bootstrap-file", boot_file)
    try:
        if os.path.exists("/usr/bin/kcat"):
            assert metadata(m.boot, "a") == ([1], 2)
            assert metadata(m.boot, "b") == ([1], 5)
    finally:
        rc, took = m.stop(sig)
    assert rc == 0, m.proc.stderr.read().decode()
    assert took < 3, f"took {took:.2f}s to exit"
    assert not boot_file.exists()  # its addresses are dead: the file goes too


@pytest.mark.parametrize("args, message", [
    (["--brokers", "0"], "--brokers expects a whole number from 1 to 100, got '0'"),
    (["--brokers=x"], "--brokers expects a whole number"),
    (["--brokers"], "option '--brokers' needs a value"),
    (["--partitions", "-1"], "--partitions expects a whole number"),
    (["--topic", "a b"], 'Topic name "a b" is illegal, it contains a character other than'),
    (["--topic", ""], "Topic name is illegal, it can't be empty"),
    (["--topic", ".."], 'Topic name cannot be "." or ".."'),
    (["--topic", "t:0"], "--topic partitions expects a whole number from 1 to 10000, got '0'"),
    (["--topic", "t", "--topic", "t:3"], "--topic t given twice"),
    (["--bootstrap-file="], "--bootstrap-file expects a file name"),
    (["--bogus"], "unknown option '--bogus'"),
    (["extra"], "unknown argument 'extra'"),
])
def test_bad_arguments_exit_2_with_a_message(run_spate, args, message):
    r = run_spate("kafka-mock", *args, timeout=10)
    assert r.returncode == 2
    assert r.stdout == b""
    assert message in r.stderr.decode()


def test_help(run_spate):
    r = run_spate("kafka-mock", "--help")
    assert r.returncode == 0 and b"--bootstrap-file F" in r.stdout
    assert b"kafka-mock" in run_spate("help").stdout
