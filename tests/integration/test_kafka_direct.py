"""The Kafka direct stream end to end: examples/kafka_word_count (Spark's
DirectKafkaWordCount) against `spate kafka-mock`, fed by two independent
clients, kcat (librdkafka) and kafka-python.

Checks: every record counted exactly once with offset ranges that tile each
partition; commitAsync visible to kafka-python as the group's committed
offsets; a restart from the checkpoint continues where the first run
stopped (not from auto.offset.reset); a topic created later that the
pattern matches is read; an unreachable broker fails within the timeout.

    SPATE_BUILD=build /usr/bin/python3 -m pytest tests/integration/test_kafka_direct.py
"""
import collections
import os
import re
import select
import signal
import subprocess
import threading
import time

import pytest

from conftest import OutputReader, parse_pair, parse_print_blocks

kafka = pytest.importorskip("kafka", reason="needs kafka-python (Debian: python3-kafka)")

KAFKA_PYTHON_API = (2, 5, 0)  # the mock's protocol versions; skips the probe
RANGE_RE = re.compile(r"^(\S+)-(\d+):(\d+)-(\d+)$")


class Mock:
    """A running `spate kafka-mock`."""

    def __init__(self, spate_bin, *args):
        self.proc = subprocess.Popen([str(spate_bin), "kafka-mock", *map(str, args)],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        r, _, _ = select.select([self.proc.stdout], [], [], 10)
        if not r:
            self.proc.kill()
            pytest.fail("spate kafka-mock printed no bootstrap line")
        self.boot = self.proc.stdout.readline().decode().strip()

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


@pytest.fixture
def cluster(spate_bin):
    m = Mock(spate_bin, "--brokers", 3, "--topic", "words:3")
    yield m
    m.stop()


def need_kcat():
    if not os.path.exists("/usr/bin/kcat"):
        pytest.skip("needs kcat (Debian: kcat)")


def kcat_send(boot, topic, partition, lines):
    need_kcat()
    r = subprocess.run(["kcat", "-P", "-b", boot, "-t", topic, "-p", str(partition)],
                       input="".join(l + "\n" for l in lines).encode(),
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=30)
    assert r.returncode == 0, r.stderr.decode()


def python_send(boot, topic, partition, lines):
    p = kafka.KafkaProducer(bootstrap_servers=boot, api_version=KAFKA_PYTHON_API)
    for line in lines:
        p.send(topic, value=line.encode(), partition=partition)
    p.flush(timeout=30)
    p.close()


class StderrReader(OutputReader):
    """OutputReader over the child's stderr."""

    def __init__(self, proc):
        class Shim:
            stdout = proc.stderr
            poll = proc.poll
        super().__init__(Shim)


class WordCount:
    def __init__(self, example, boot, group, topics, *opts):
        self.proc = subprocess.Popen(
            [str(example("kafka_word_count")), boot, group, topics, "--batch", "300ms",
             "--ranges", *map(str, opts)], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.out = OutputReader(self.proc)
        self.err = StderrReader(self.proc)

    def counts(self):
        text = self.out.text()
        complete = text[:text.rfind("\n\n") + 2] if "\n\n" in text else ""
        c = collections.Counter()
        for _, elems, truncated in parse_print_blocks(complete):
            assert not truncated
            for e in elems:
                w, n = parse_pair(e)
                c[w] += n
        return c

    def wait_counts(self, want, timeout=30):
        ok = self.out.wait_for(lambda _: self.counts() == want, timeout)
        assert ok, f"counts {dict(self.counts())} != {dict(want)}\nstderr: {self.err.text()}"

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        rc = self.proc.wait(timeout=30)
        self.out.join()
        self.err.join()
        assert rc == 0, self.err.text()

    def ranges(self):
        """[(time, [(topic, partition, from, until)])] from the --ranges lines."""
        batches = []
        for line in self.err.text().splitlines():
            if not line.startswith("ranges "):
                continue
            parts = line.split()
            rs = []
            for p in parts[2:]:
                m = RANGE_RE.match(p)
                assert m, p
                rs.append((m.group(1), int(m.group(2)), int(m.group(3)), int(m.group(4))))
            batches.append((int(parts[1]), rs))
        return batches


def words(lines):
    return collections.Counter(w for l in lines for w in l.split(" "))


# print() shows 10 elements: few distinct words per batch.
A = ["to be or not to be", "to be"]
B = ["the question is", "the question"]
C = ["slings and arrows"]


def test_every_record_counted_once_with_ranges_that_tile_partitions(cluster, example):
    kcat_send(cluster.boot, "words", 0, A)
    python_send(cluster.boot, "words", 1, B)
    wc = WordCount(example, cluster.boot, "wc1", "words", "--offset-reset", "earliest")
    try:
        wc.wait_counts(words(A + B))
        python_send(cluster.boot, "words", 2, C)
        wc.wait_counts(words(A + B + C))
    finally:
        wc.stop()
    assert wc.counts() == words(A + B + C)
    next_from = collections.defaultdict(int)
    for _, rs in wc.ranges():
        assert [(t, p) for t, p, _, _ in rs] == [("words", 0), ("words", 1), ("words", 2)]
        for t, p, f, u in rs:
            assert f == next_from[(t, p)] and u >= f, rs
            next_from[(t, p)] = u
    assert dict(next_from) == {("words", 0): 2, ("words", 1): 2, ("words", 2): 1}


def test_commit_async_is_the_groups_committed_offset(cluster, example):
    kcat_send(cluster.boot, "words", 0, A)
    python_send(cluster.boot, "words", 2, B)
    wc = WordCount(example, cluster.boot, "wc2", "words", "--offset-reset", "earliest",
                   "--commit")
    try:
        wc.wait_counts(words(A + B))
    finally:
        wc.stop()
    c = kafka.KafkaConsumer(bootstrap_servers=cluster.boot, group_id="wc2",
                            api_version=KAFKA_PYTHON_API, enable_auto_commit=False)
    try:
        tps = [kafka.TopicPartition("words", p) for p in range(3)]
        committed = [c.committed(tp) for tp in tps]
    finally:
        c.close()
    assert committed[0] == 2 and committed[2] == 2, committed
    assert committed[1] in (None, 0), committed


def test_restart_from_checkpoint_continues_where_it_stopped(cluster, example, tmp_path):
    ckpt = tmp_path / "ckpt"
    kcat_send(cluster.boot, "words", 1, A)
    wc = WordCount(example, cluster.boot, "wc3", "words", "--offset-reset", "earliest",
                   "--checkpoint", ckpt)
    try:
        wc.wait_counts(words(A))
    finally:
        wc.stop()
    python_send(cluster.boot, "words", 1, B)
    wc = WordCount(example, cluster.boot, "wc3", "words", "--offset-reset", "earliest",
                   "--checkpoint", ckpt)
    try:
        wc.wait_counts(words(B))
        # A is not read again: the offsets come from the checkpoint
        time.sleep(1.0)
    finally:
        wc.stop()
    assert wc.counts() == words(B)


def test_pattern_takes_a_topic_created_later(cluster, example):
    kcat_send(cluster.boot, "words", 0, A)
    wc = WordCount(example, cluster.boot, "wc4", "words|extra\\d+", "--pattern",
                   "--offset-reset", "earliest")
    try:
        wc.wait_counts(words(A))
        python_send(cluster.boot, "extra7", 3, B)  # auto-created by the mock
        python_send(cluster.boot, "extra7x", 0, C)  # not matched: whole names only
        wc.wait_counts(words(A + B))
        time.sleep(1.0)
    finally:
        wc.stop()
    assert wc.counts() == words(A + B)


def test_unreachable_broker_fails_within_the_metadata_timeout(example):
    start = time.monotonic()
    r = subprocess.run([str(example("kafka_word_count")), "127.0.0.1:1", "g", "words",
                        "--conf", "spate.streaming.kafka.metadata.timeout=1s"],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=30)
    took = time.monotonic() - start
    assert r.returncode == 1
    assert took < 10, took
    assert ("Timeout expired while fetching topic metadata from bootstrap.servers 127.0.0.1:1"
            in r.stderr.decode()), r.stderr.decode()
