"""The stock-orders dashboard on Kafka: build/examples/kafka_orders_dashboard
against `spate kafka-mock` (librdkafka 2.0.2's mock cluster), its input
produced by two independent clients (kcat and kafka-python, or `spate gen
orders --kafka`), its output read back by both.

Every run reads a preloaded topic with spate.streaming.kafka.maxRatePerPartition
set, so batch i reads exactly the records [i*R, (i+1)*R) of every partition
whatever the timing: the metrics of each batch are known in advance (computed
here in Python) and two runs of the same input - one of them killed and
restarted - must write the same batches.

- end to end: every metric line in Spark's format, keyed by its metric name,
  each key in one partition and in batch order there; the BUYS/SELLS counts of
  each batch and the TOP5 lists are the ones computed here; records whose value
  is not an order (malformed, null) are reported, counted and skipped; SIGTERM
  stops gracefully (exit 0);
- crash tests: kill -9 at random moments, restart from the checkpoint,
  compare with an uninterrupted run batch by batch (exactly-once: every batch
  once, with the same lines; at-least-once: nothing lost, a batch re-run at
  most duplicated);
- bad input: an unreachable bootstrap server or a missing topic fails the
  start within spate.streaming.kafka.metadata.timeout with a clear message;
- broker faults through the mock's stdin commands (each broker down and back,
  slow round trips, Produce/Fetch/ListOffsets/transaction request errors):
  the job keeps going without a failed batch, nothing lost or duplicated
  (exactly-once), nothing lost (at-least-once).

What the mock cannot show (librdkafka 2.0.2): its read_committed consumers
see aborted records too (no transaction markers, no last stable offset), and
a new producer with the same transactional.id does not fence the old one.
The crash tests therefore write to a one-partition topic, where the four
lines of a batch reach the log in one produce request: all or nothing. A
batch whose transaction was open at the kill is then either absent (run
again on restart) or whole (found by the sink's restart scan, which reads
the topic's tail and skips batches already there); on a real broker the
second case is an aborted transaction, hidden from read_committed readers,
and the batch runs again. So these tests verify that each batch's lines are
in the topic exactly once and equal to the uninterrupted run's, across kills
before, during and after a batch's transaction (the log counts the re-run
batches the sink found committed and skipped); they cannot verify that an
aborted transaction's records are hidden from read_committed consumers (none
of the three clients can show it here: kafka-python 2.0.2 has no
isolation.level at all), that a batch spread over several partitions
becomes visible atomically, nor that a zombie instance is fenced.

Run with the system python (pytest, kafka-python):
    SPATE_BUILD=build /usr/bin/python3 -m pytest tests/integration/test_kafka_dashboard.py
"""
import collections
import math
import os
import random
import re
import select
import signal
import subprocess
import time

import pytest

from test_dashboard import COUNT_RE, TOP_RE, Expected, assert_is_top5
from test_kafka_mock import KAFKA_PYTHON_API, need_kcat
from trials import trials

kafka = pytest.importorskip("kafka", reason="needs kafka-python (Debian: python3-kafka)")

BATCH, BATCH_MS = "200ms", 200
PARTITIONS = 4
PER_BATCH = 500  # records per partition and batch
WINDOW, WINDOW_BATCHES = "600ms", 3
METRICS = ("BUYS", "SELLS", "TOP5CLIENTS", "TOP5STOCKS")
HEADER_TIME = "spate.batch.time"

# The crash tests' input, in the module's cluster (the same bytes every run).
CRASH_GEN = dict(count=8000, seed=7, malformed=0.01)
CRASH_TRIALS = 12  # exactly-once
ALO_TRIALS = 3  # at-least-once


# ---- the cluster ----------------------------------------------------------------

class ControlledMock:
    """A running `spate kafka-mock` whose stdin takes fault commands."""

    def __init__(self, spate_bin, log_path, *args):
        self.log = open(log_path, "ab")
        self.proc = subprocess.Popen([str(spate_bin), "kafka-mock", *map(str, args)],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=self.log)
        self.buf = b""
        self.boot = self._line(10)

    def _line(self, timeout):
        deadline = time.monotonic() + timeout
        while b"\n" not in self.buf:
            left = deadline - time.monotonic()
            r, _, _ = select.select([self.proc.stdout], [], [], max(left, 0))
            if not r:
                raise AssertionError("spate kafka-mock did not answer in time")
            chunk = os.read(self.proc.stdout.fileno(), 4096)
            if not chunk:
                raise AssertionError("spate kafka-mock exited")
            self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        return line.decode()

    def command(self, cmd):
        """Sends one command; returns the reply ("ok: ..." or "error: ...")."""
        self.proc.stdin.write(cmd.encode() + b"\n")
        self.proc.stdin.flush()
        return self._line(15)

    def do(self, cmd):
        reply = self.command(cmd)
        assert reply == "ok: " + " ".join(cmd.split()), reply

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


def gen_lines(spate_bin, count, seed, malformed):
    """The lines `spate gen orders` writes (and sends to Kafka with --kafka)."""
    out = subprocess.run([str(spate_bin), "gen", "orders", "--count", str(count), "--seed",
                          str(seed), "--malformed", str(malformed)], stdout=subprocess.PIPE,
                         timeout=30, check=True).stdout.decode()
    return out.splitlines()


def by_partition(values):
    """Value i in partition i % 4, as `spate gen orders --kafka` sends them."""
    return [values[p::PARTITIONS] for p in range(PARTITIONS)]


def kcat_send(boot, topic, partition, lines):
    r = subprocess.run(["kcat", "-P", "-b", boot, "-t", topic, "-p", str(partition)],
                       input="".join(x + "\n" for x in lines).encode(),
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
    assert r.returncode == 0, r.stderr.decode()


def python_send(boot, topic, partition, values):
    """values: str, or None for a record with a null value (and a key:
    kafka-python sends no record with neither)."""
    p = kafka.KafkaProducer(bootstrap_servers=boot.split(","), api_version=KAFKA_PYTHON_API,
                            linger_ms=5)
    try:
        futures = [p.send(topic, value=v.encode(), partition=partition) if v is not None else
                   p.send(topic, key=b"tombstone", value=None, partition=partition)
                   for v in values]
        p.flush(timeout=60)
        assert all(f.succeeded() for f in futures)
    finally:
        p.close()


# ---- reading the output ----------------------------------------------------------

Msg = collections.namedtuple("Msg", "partition offset key value batch")


def end_offsets(boot, topic):
    c = kafka.KafkaConsumer(bootstrap_servers=boot.split(","), api_version=KAFKA_PYTHON_API,
                            enable_auto_commit=False)
    try:
        parts = c.partitions_for_topic(topic) or set()
        tps = [kafka.TopicPartition(topic, p) for p in sorted(parts)]
        return {tp.partition: off for tp, off in c.end_offsets(tps).items()}
    finally:
        c.close()


def header_time(headers):
    times = [int(v) for k, v in headers if k == HEADER_TIME]
    return times[0] if times else None


def read_kafka_python(boot, topic):
    """Every message of topic, by partition then offset (assigned partitions:
    no group join). kafka-python 2.0.2 has no isolation.level: it reads
    uncommitted, as the mock serves everyone anyway."""
    ends = end_offsets(boot, topic)
    c = kafka.KafkaConsumer(bootstrap_servers=boot.split(","), api_version=KAFKA_PYTHON_API,
                            enable_auto_commit=False)
    got = []
    try:
        tps = [kafka.TopicPartition(topic, p) for p in ends]
        c.assign(tps)
        c.seek_to_beginning()
        deadline = time.monotonic() + 30
        while any(c.position(tp) < ends[tp.partition] for tp in tps):
            assert time.monotonic() < deadline, "kafka-python: the topic's end not reached"
            for tp, records in c.poll(timeout_ms=200).items():
                got += [Msg(tp.partition, r.offset, r.key.decode() if r.key else None,
                            r.value.decode(), header_time(r.headers)) for r in records]
    finally:
        c.close()
    return sorted(got, key=lambda m: (m.partition, m.offset))


def read_kcat(boot, topic):
    """The same through kcat, one partition at a time, -c the partition's
    end offset (kcat -e alone was seen stopping early on the mock)."""
    need_kcat()
    got = []
    for p, end in sorted(end_offsets(boot, topic).items()):
        if end == 0:
            continue
        out = subprocess.run(["kcat", "-C", "-b", boot, "-t", topic, "-p", str(p), "-o",
                              "beginning", "-c", str(end), "-e", "-q", "-X",
                              "isolation.level=read_committed", "-f", "%p\t%o\t%k\t%h\t%s\n"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
        assert out.returncode == 0, out.stderr.decode()
        for line in out.stdout.decode().splitlines():
            part, off, key, hdrs, value = line.split("\t")
            headers = [tuple(h.split("=", 1)) for h in hdrs.split(",") if h]
            got.append(Msg(int(part), int(off), key or None, value, header_time(headers)))
    return got


def read_both(boot, topic):
    """kcat's and kafka-python's reading, which must agree."""
    a, b = read_kafka_python(boot, topic), read_kcat(boot, topic)
    assert a == b, "kcat and kafka-python read different messages"
    return a


def check_keys(msgs):
    """Each message: key = its metric name; a key stays in one partition."""
    part_of = {}
    for m in msgs:
        assert m.key in METRICS and m.value.startswith(f"({m.key},List("), m
        assert part_of.setdefault(m.key, m.partition) == m.partition, f"{m.key} in two partitions"


def batches_by_header(msgs):
    """{batch time: [lines]} from the spate.batch.time headers (exactly-once).
    Within a partition, batch times never go back (each metric in order)."""
    batches = collections.defaultdict(list)
    last = {}
    for m in msgs:
        assert m.batch is not None, m
        assert m.batch >= last.get(m.partition, 0), f"partition {m.partition} goes back: {m}"
        last[m.partition] = m.batch
        batches[m.batch].append(m.value)
    for t, lines in batches.items():
        names = [x[1:x.index(",")] for x in lines]
        assert len(names) == len(set(names)), f"batch {t} written more than once: {lines}"
    return dict(batches)


def batches_in_order(msgs):
    """[[lines]] of a one-partition topic without headers (at-least-once):
    each batch ends with its TOP5STOCKS line (the union's order)."""
    assert {m.partition for m in msgs} <= {0}
    batches, cur = [], []
    for m in msgs:
        cur.append(m.value)
        if m.key == "TOP5STOCKS":
            batches.append(cur)
            cur = []
    assert not cur, f"a batch without its TOP5STOCKS line: {cur}"
    return batches


def ordered(batches):
    """{time: lines} -> [lines] in time order; asserts times are contiguous
    multiples of the interval (after a restart Spark runs the batches of the
    time it was down)."""
    times = sorted(batches)
    assert all(t % BATCH_MS == 0 for t in times), times
    missing = sorted(set(range(times[0], times[-1] + 1, BATCH_MS)) - set(times))
    assert not missing, f"batches missing: {missing[:10]}"
    return [batches[t] for t in times]


# ---- what each batch must hold ---------------------------------------------------

class Plan:
    """The metrics of batch i, computed here from the records of each
    partition (values, None for a null value): batch i reads
    [i*per_batch, (i+1)*per_batch) of every partition."""

    def __init__(self, partitions, per_batch=PER_BATCH, window_batches=WINDOW_BATCHES):
        self.partitions = partitions
        self.data_batches = math.ceil(max(len(p) for p in partitions) / per_batch)
        self.batches = []
        clients = collections.defaultdict(float)
        volumes = []
        for i in range(self.data_batches + window_batches + 2):
            e = Expected([])
            for p in partitions:
                for v in p[i * per_batch:(i + 1) * per_batch]:
                    e.add(v if v is not None else "null")
            for c, t in e.client_total.items():
                clients[c] += t
            volumes.append(e.symbol_volume)
            window = collections.Counter()
            for v in volumes[-window_batches:]:
                window.update(v)
            for v in volumes:  # a symbol that left the window stays, with 0
                for s in v:
                    window.setdefault(s, 0)
            self.batches.append((e, dict(clients), dict(window)))

    def exact_batches(self):
        """How many batches from the first have no tie at the fifth place of
        either TOP5 list: their lines are the same in every run (a tie may be
        broken either way, and a restored state may order it differently)."""
        def tie(totals):
            best = sorted(totals.values(), reverse=True)
            return len(best) > 5 and best[4] == best[5]

        for i, (_, clients, window) in enumerate(self.batches):
            if tie(clients) or tie(window):
                return i
        return len(self.batches)

    def matches(self, i, lines):
        try:
            self.check(i, lines)
            return True
        except AssertionError:
            return False

    @property
    def all_valid(self):
        return sum(b[0].valid for b in self.batches)

    @property
    def all_malformed(self):
        return sum(b[0].malformed for b in self.batches)

    def check(self, i, lines):
        """lines must be batch i's metrics."""
        e, clients, window = self.batches[i]
        counts, top = {}, {}
        for line in lines:
            m = COUNT_RE.match(line)
            if m:
                assert m.group(1) not in counts, f"batch {i}: {line} twice"
                counts[m.group(1)] = int(m.group(2))
                continue
            for label, rx in TOP_RE.items():
                t = rx.match(line)
                if t:
                    assert label not in top, f"batch {i}: {label} twice"
                    top[label] = t.group(1).split(", ") if t.group(1) else []
                    break
            else:
                raise AssertionError(f"batch {i}: not in Spark's format: {line!r}")
        want = {k: n for k, n in e.kinds.items() if n}
        assert counts == want, f"batch {i}: counts {counts}, expected {want}"
        assert_is_top5(top["TOP5CLIENTS"], clients, f"batch {i} TOP5CLIENTS")
        assert_is_top5(top["TOP5STOCKS"], window, f"batch {i} TOP5STOCKS")

    def check_all(self, batches):
        """Every batch of a run (in order) against the plan, up to the plan's end."""
        n = min(len(batches), len(self.batches))
        assert n >= self.data_batches + 1, f"only {len(batches)} batches"
        for i in range(n):
            self.check(i, batches[i])


# ---- the program -----------------------------------------------------------------

class KafkaDashboard:
    """kafka_orders_dashboard with its checkpoint under root and its stderr
    appended to root/dashboard.log across restarts."""

    def __init__(self, exe, root, boot, input_topic, output_topic, txn_id=None,
                 per_batch=PER_BATCH):
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        self.log = root / "dashboard.log"
        self.argv = [str(exe), "--brokers", boot, "--input-topic", input_topic,
                     "--output-topic", output_topic, "--checkpoint", str(root / "ckpt"),
                     "--batch", BATCH, "--window", WINDOW, "--master", "local[2]",
                     "--conf", "spate.streaming.kafka.maxRatePerPartition="
                     f"{per_batch * 1000 // BATCH_MS}",
                     *(["--transactional-id", txn_id] if txn_id else []),
                     "--conf", "spate.log.level=INFO"]  # the sink's "not writing it again"
        self.proc = None

    def start(self):
        with open(self.log, "ab") as log:
            self.run_from = log.tell()  # where this run's lines begin
            self.proc = subprocess.Popen(self.argv, stdout=subprocess.DEVNULL, stderr=log)
        return self

    def log_text(self):
        return self.log.read_text(errors="replace")

    def log_tail(self, n=30):
        return "\n".join(self.log_text().splitlines()[-n:])

    def batch_times(self):
        """Times of the batches the listener saw complete: (in every run, in
        the running one), from one read of the log, so that a line appended
        meanwhile cannot be in the second list and missing from the first."""
        data = self.log.read_bytes()

        def times(start):
            text = data[start:].decode(errors="replace")
            return [int(t) for t in re.findall(r"^batch (\d+) ms: ", text, re.M)]

        return times(0), times(self.run_from)

    def failed_batches(self):
        return re.findall(r"^batch \d+ ms: .*FAILED: .*$", self.log_text(), re.M)

    def wait_batches(self, n, timeout=40):
        """Until the running process has completed batch number n (counted
        from the first batch of the first run)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, "the dashboard exited:\n" + self.log_tail()
            times, now = self.batch_times()
            if now and max(now) >= min(times) + (n - 1) * BATCH_MS:
                return
            time.sleep(0.05)
        raise AssertionError(f"timed out waiting for {n} batches:\n" + self.log_tail())

    def kill9(self):
        self.proc.kill()
        self.proc.wait()

    def stop(self):
        """SIGTERM, and the exit status of the graceful stop."""
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise AssertionError("no exit within 30 s of SIGTERM:\n" + self.log_tail())

    def kill_if_running(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


@pytest.fixture
def dashboard(example, tmp_path):
    """dashboard(name, boot, input, output, txn_id, per_batch) -> a
    KafkaDashboard (killed at the end of the test if still running)."""
    made = []

    def make(name, boot, input_topic, output_topic, txn_id=None, per_batch=PER_BATCH):
        d = KafkaDashboard(example("kafka_orders_dashboard"), tmp_path / name, boot,
                           input_topic, output_topic, txn_id, per_batch)
        made.append(d)
        return d

    yield make
    for d in made:
        d.kill_if_running()


@pytest.fixture
def mock(spate_bin, tmp_path):
    """mock(*args) -> a ControlledMock of 3 brokers (stopped after the test)."""
    made = []

    def start(*args):
        m = ControlledMock(spate_bin, tmp_path / f"mock{len(made)}.log", "--brokers", 3, *args)
        made.append(m)
        return m

    yield start
    for m in made:
        m.stop()


def run_to_end(d, plan, extra_batches=0):
    """Starts d, waits for every batch of the plan (and extra_batches), stops
    it with SIGTERM: exit 0."""
    d.start()
    d.wait_batches(len(plan.batches) + extra_batches)
    assert d.stop() == 0, d.log_tail()


# ---- end to end ------------------------------------------------------------------

def test_kcat_in_at_least_once_out_each_batch_as_computed(mock, dashboard, spate_bin):
    need_kcat()
    m = mock("--topic", "orders:4", "--topic", "metrics:1")
    lines = gen_lines(spate_bin, 12000, 3, 0.01)
    parts = by_partition(lines)
    for p, values in enumerate(parts):
        kcat_send(m.boot, "orders", p, values)
    plan = Plan(parts)
    assert plan.all_malformed > 0
    d = dashboard("alo", m.boot, "orders", "metrics")
    run_to_end(d, plan)

    msgs = read_both(m.boot, "metrics")
    check_keys(msgs)
    assert all(x.batch is None for x in msgs)  # no transaction, no batch header
    batches = batches_in_order(msgs)
    plan.check_all(batches)
    assert sum(COUNT_RE.match(v) is not None for b in batches for v in b) > 0
    log = d.log_text()
    assert "reading topic orders" in log and "from its beginning" in log and "at-least-once" in log
    bad = re.findall(r"WARN Executor: Wrong line format at orders-(\d) offset (\d+) "
                     r"\(partition (\d)\): (.*)$", log, re.M)
    assert len(bad) == plan.all_malformed
    for part, off, _, value in bad:  # each report names the record that holds it
        assert parts[int(part)][int(off)] == value
    assert f'{plan.all_malformed} "Wrong line format" reports' in log
    assert f"{plan.all_valid + plan.all_malformed} records in" in log


def test_kafka_python_in_exactly_once_out_keys_keep_each_metric_in_order(
        mock, dashboard, spate_bin):
    m = mock("--topic", "orders:4")  # metrics: auto-created, 4 partitions
    lines = gen_lines(spate_bin, 8000, 4, 0.005)
    parts = by_partition(lines)
    parts[1].insert(7, None)  # a record with a null value
    parts[2].insert(3, "not an order")
    for p, values in enumerate(parts):
        python_send(m.boot, "orders", p, values)
    plan = Plan(parts)
    d = dashboard("eos", m.boot, "orders", "metrics", txn_id="kdash-e2e")
    run_to_end(d, plan)

    msgs = read_both(m.boot, "metrics")
    check_keys(msgs)
    assert len({x.partition for x in msgs}) > 1  # the keys spread over partitions
    batches = batches_by_header(msgs)
    runs = ordered(batches)
    for lines_ in runs:
        assert len(lines_) == len(set(lines_)), f"a line twice in a batch: {lines_}"
    plan.check_all(runs)
    log = d.log_text()
    assert "exactly-once, transactional.id kdash-e2e" in log
    assert "Wrong line format at orders-1 offset 7 (partition 1): null" in log
    assert "Wrong line format at orders-2 offset 3 (partition 2): not an order" in log
    assert f'{plan.all_malformed} "Wrong line format" reports' in log


# ---- bad input -------------------------------------------------------------------

def failed_start(example, tmp_path, brokers, input_topic):
    """Runs the dashboard with a 2 s metadata timeout; checks that it exits 1
    within 8 s and returns its stderr."""
    start = time.monotonic()
    r = subprocess.run([str(example("kafka_orders_dashboard")), "--brokers", brokers,
                        "--input-topic", input_topic, "--output-topic", "metrics",
                        "--checkpoint", str(tmp_path / "ckpt"), "--conf",
                        "spate.streaming.kafka.metadata.timeout=2s"],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=30)
    took = time.monotonic() - start
    err = r.stderr.decode()
    assert r.returncode == 1, err
    assert took < 8, f"took {took:.1f} s"
    return err


def test_unreachable_bootstrap_fails_the_start_within_the_timeout(example, tmp_path):
    err = failed_start(example, tmp_path, "127.0.0.1:1", "orders")
    assert ("kafka_orders_dashboard: Kafka 0.10 direct stream: Timeout expired while "
            "fetching topic metadata from bootstrap.servers 127.0.0.1:1 after 2") in err, err


def test_missing_input_topic_fails_the_start_within_the_timeout(mock, example, tmp_path):
    m = mock("--topic", "orders:4")
    err = failed_start(example, tmp_path, m.boot, "nosuch")
    assert re.search(r"^kafka_orders_dashboard: Topic nosuch not present in metadata after "
                     r"\d+ ms\.$", err, re.M), err


@pytest.mark.parametrize("argv", [
    [],
    ["--brokers", "b:1", "--input-topic", "o", "--output-topic", "m"],
    ["--bogus", "x"],
    ["--brokers", "b:1", "--input-topic", "o", "--output-topic", "m", "--checkpoint", "c",
     "--batch", "soon"],
    ["--brokers", "b:1", "--input-topic", "o", "--output-topic", "m", "--checkpoint", "c",
     "--conf", "novalue"],
    ["--brokers", "", "--input-topic", "o", "--output-topic", "m", "--checkpoint", "c"],
])
def test_usage_errors_exit_2(example, argv):
    r = subprocess.run([str(example("kafka_orders_dashboard")), *argv], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=20)
    assert r.returncode == 2, (argv, r.stderr)
    assert r.stderr


def test_mock_control_commands_answer_one_line_each(mock):
    m = mock()
    assert m.command("help").startswith("ok: commands: down ID|all")
    m.do("create t1 1")
    assert m.command("create t1 1") == "error: cannot create topic t1: Broker: Topic already exists"
    m.do("rtt all 0")
    assert m.command("errors Nope 1 X").startswith("error: unknown API 'Nope'")
    assert m.command("errors Produce 1 NOPE").startswith("error: unknown error 'NOPE'")
    assert m.command("frobnicate").startswith("error: unknown command 'frobnicate'")
    m.do("errors Produce 2 NOT_LEADER_FOR_PARTITION")
    m.do("clear Produce")


# ---- crash tests -----------------------------------------------------------------

def load_crash_input(spate_bin, m):
    """CRASH_GEN into topic orders by `spate gen orders --kafka`; its plan."""
    r = subprocess.run([str(spate_bin), "gen", "orders", "--kafka", m.boot, "--topic", "orders",
                        "--count", str(CRASH_GEN["count"]), "--seed", str(CRASH_GEN["seed"]),
                        "--malformed", str(CRASH_GEN["malformed"]), "--quiet"],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
    assert r.returncode == 0, r.stderr.decode()
    return by_partition(gen_lines(spate_bin, **CRASH_GEN))


@pytest.fixture(scope="module")
def crash_cluster(spate_bin, tmp_path_factory):
    """A mock holding the crash tests' orders, and their plan."""
    m = ControlledMock(spate_bin, tmp_path_factory.mktemp("crash") / "mock.log", "--brokers", 3,
                       "--topic", "orders:4")
    try:
        m.plan = Plan(load_crash_input(spate_bin, m))
        yield m
    finally:
        m.stop()


@pytest.fixture(scope="module")
def uninterrupted(example, crash_cluster, tmp_path_factory):
    """The crash tests' orders through an exactly-once run never killed: its
    batches, in time order (checked against the plan)."""
    m, plan = crash_cluster, crash_cluster.plan
    m.do("create reference 1")
    d = KafkaDashboard(example("kafka_orders_dashboard"), tmp_path_factory.mktemp("reference"),
                       m.boot, "orders", "reference", "kdash-reference")
    try:
        run_to_end(d, plan)
    finally:
        d.kill_if_running()
    runs = ordered(batches_by_header(read_both(m.boot, "reference")))
    plan.check_all(runs)
    assert plan.exact_batches() > plan.data_batches, "a tie: pick another seed"
    return runs[:plan.exact_batches()]


def kill_at_random_moments(d, rng, trial):
    """Starts d, kills it with SIGKILL at a random moment while it reads the
    input (twice in every third trial) and restarts it each time."""
    d.start()
    for _ in range(1 + (trial % 3 == 0)):
        time.sleep(rng.uniform(0.1, 1.6))
        d.kill9()
        d.start()


@pytest.mark.parametrize("trial", trials(CRASH_TRIALS))
def test_kill9_exactly_once_output_equals_an_uninterrupted_run(trial, crash_cluster,
                                                                uninterrupted, dashboard):
    m, plan = crash_cluster, crash_cluster.plan
    topic = f"eos{trial}"
    m.do(f"create {topic} 1")
    d = dashboard(topic, m.boot, "orders", topic, txn_id=f"kdash-{topic}")
    kill_at_random_moments(d, random.Random(trial), trial)
    d.wait_batches(len(plan.batches))
    assert d.stop() == 0, d.log_tail()

    # Each batch once (batches_by_header), none missing (ordered), and the
    # same lines as the uninterrupted run's batch at the same place.
    runs = ordered(batches_by_header(read_both(m.boot, topic)))
    assert len(runs) >= len(uninterrupted)
    for i, ref in enumerate(uninterrupted):
        assert sorted(runs[i]) == sorted(ref), f"batch {i}: {runs[i]} != {ref}"
    plan.check_all(runs)
    log = d.log_text()
    print(f"trial {trial}: {log.count('resumed from checkpoint')} recoveries, "
          f"{log.count('not writing it again')} re-run batches found committed and skipped")


@pytest.mark.parametrize("trial", trials(ALO_TRIALS))
def test_kill9_at_least_once_output_loses_nothing(trial, crash_cluster, uninterrupted,
                                                  dashboard):
    m, plan = crash_cluster, crash_cluster.plan
    topic = f"alo{trial}"
    m.do(f"create {topic} 1")
    d = dashboard(topic, m.boot, "orders", topic)
    kill_at_random_moments(d, random.Random(100 + trial), trial)
    d.wait_batches(len(plan.batches))
    assert d.stop() == 0, d.log_tail()

    # The uninterrupted run's batches, in order, each at least once; any other
    # block is a batch written again (re-run after the kill).
    blocks = batches_in_order(read_both(m.boot, topic))
    i, dups = 0, 0
    for b in blocks:
        if i < len(uninterrupted) and sorted(b) == sorted(uninterrupted[i]):
            i += 1
        else:
            assert any(sorted(b) == sorted(r) for r in uninterrupted[:i]) or i == len(uninterrupted), \
                f"block {b} is neither the next batch nor one written before"
            dups += i < len(uninterrupted)
    assert i == len(uninterrupted), f"only {i} of {len(uninterrupted)} batches found"
    print(f"trial {trial}: {d.log_text().count('resumed from checkpoint')} recoveries, "
          f"{dups} batches written twice")
    assert dups <= 8, f"{dups} batches written again"


# ---- broker faults ---------------------------------------------------------------

FAULT_PER_BATCH = 100  # 20 batches of input: the faults land while it is read

# (command, seconds to wait after it): each broker down and back, slow round
# trips, then request errors librdkafka retries. Broker ids are 1..3; the
# mock spreads partition leaders and coordinators over all three.
FAULTS = [
    ("down 1", 1.5), ("up 1", 0.3),
    ("rtt all 300", 1.0), ("rtt all 0", 0.3),
    ("down 2", 1.0), ("up 2", 0.3),
    ("errors Produce 3 NOT_LEADER_FOR_PARTITION", 0.3),
    ("errors Fetch 3 NOT_LEADER_FOR_PARTITION", 0.3),
    ("errors Produce 2 _TRANSPORT", 0.3),
    ("down 3", 1.0), ("up 3", 0.3),
]
TXN_FAULTS = [
    ("errors AddPartitionsToTxn 2 CONCURRENT_TRANSACTIONS", 0.3),
    ("errors EndTxn 2 COORDINATOR_LOAD_IN_PROGRESS", 0.3),
]


def run_with_faults(spate_bin, mock, dashboard, txn_id, faults):
    """The crash input through a fresh cluster while the faults happen; the
    output's messages and the plan. The dashboard must not fail a batch."""
    m = mock("--topic", "orders:4", "--topic", "metrics:1")
    plan = Plan(load_crash_input(spate_bin, m), per_batch=FAULT_PER_BATCH)
    d = dashboard("faults", m.boot, "orders", "metrics", txn_id=txn_id,
                  per_batch=FAULT_PER_BATCH)
    d.start()
    d.wait_batches(1)
    for cmd, pause in faults:
        m.do(cmd)
        time.sleep(pause)
        assert d.proc.poll() is None, f"exited after {cmd!r}:\n{d.log_tail()}"
    d.wait_batches(len(plan.batches), timeout=60)
    assert d.stop() == 0, d.log_tail()
    assert not d.failed_batches(), d.failed_batches()
    assert plan.data_batches * BATCH_MS / 1000 > sum(p for _, p in faults) / 2
    return read_both(m.boot, "metrics"), plan


def test_broker_faults_exactly_once_nothing_lost_or_duplicated(spate_bin, mock, dashboard):
    msgs, plan = run_with_faults(spate_bin, mock, dashboard, "kdash-faults",
                                 FAULTS + TXN_FAULTS)
    plan.check_all(ordered(batches_by_header(msgs)))


def test_broker_faults_at_least_once_nothing_lost(spate_bin, mock, dashboard):
    msgs, plan = run_with_faults(spate_bin, mock, dashboard, None, FAULTS)
    blocks = batches_in_order(msgs)
    i = 0
    for b in blocks:  # the plan's batches in order; anything else a repeat
        if i < len(plan.batches) and plan.matches(i, b):
            i += 1
        else:
            assert any(plan.matches(j, b) for j in range(i)) or i == len(plan.batches), b
    assert i == len(plan.batches), f"only {i} of {len(plan.batches)} batches found"


def test_list_offsets_errors_do_not_fail_a_batch(spate_bin, mock, dashboard):
    run_with_faults(spate_bin, mock, dashboard, None,
                    [("errors ListOffsets 2 NOT_LEADER_FOR_PARTITION", 1.0)])
