"""The stock-orders dashboard (seed 002, Spark in Action 6.1.4-6.1.8):
build/examples/orders_dashboard on orders made by `spate gen orders` and
dropped into its input directory while it runs.

- end to end: every batch directory is complete and its lines are exactly
  Spark's (`(BUYS,List(5074))`, `(TOP5CLIENTS,List(34, 69, 92, 36, 64))`...),
  BUYS + SELLS over all batches is the number of valid orders, malformed
  lines are reported and skipped, and the final TOP5CLIENTS and TOP5STOCKS
  are the ones computed here in Python from the same files;
- SIGTERM stops gracefully, and a run on the same checkpoint resumes;
- crash tests: kill -9 at random moments while files arrive, restart from the
  checkpoint, and compare with an uninterrupted run (exactly-once counts, the
  same final TOP5CLIENTS, every batch directory complete, none missing).

Short batches (200 ms) and small inputs keep the whole file to a couple of
minutes. Nothing waits for a batch by sleeping a fixed time: the tests poll
the output directory with deadlines."""
import collections
import os
import pathlib
import random
import re
import signal
import subprocess
import time

import pytest

from trials import trials

BATCH = "200ms"
BATCH_MS = 200
ORDER_RE = re.compile(
    r"^(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}),(\d+),(\d+),([A-Z]+),(\d+),(\d+\.\d{2}),([BS])$")
BATCH_DIR_RE = re.compile(r"^output-(\d+)\.txt$")
COUNT_RE = re.compile(r"^\((BUYS|SELLS),List\((\d+)\)\)$")
TOP_RE = {
    "TOP5CLIENTS": re.compile(r"^\(TOP5CLIENTS,List\(((?:\d+(?:, \d+){0,4})?)\)\)$"),
    "TOP5STOCKS": re.compile(r"^\(TOP5STOCKS,List\(((?:[A-Z]+(?:, [A-Z]+){0,4})?)\)\)$"),
}

# The orders of the crash tests (the same bytes in every trial).
CRASH_GEN = dict(count=4000, files=8, interval="150ms", seed=7, malformed=0.01)
CRASH_FEED_S = 7 * 0.15  # how long the files take to arrive
CRASH_TRIALS = 20


# ---- the input ----------------------------------------------------------------

class Expected:
    """What the dashboard must find in a set of order files, computed here:
    the valid orders, the clients' cumulative amount * price and the symbols'
    volumes (over everything: the end-to-end test's window covers it all)."""

    def __init__(self, files):
        self.valid = self.malformed = 0
        self.malformed_lines = set()
        self.kinds = collections.Counter()
        self.client_total = collections.defaultdict(float)
        self.symbol_volume = collections.Counter()
        for f in files:
            for line in pathlib.Path(f).read_text().splitlines():
                self.add(line)

    def add(self, line):
        m = ORDER_RE.match(line)
        if not m or int(m.group(5)) >= 2**31:  # the amount is an Int
            self.malformed += 1
            self.malformed_lines.add(line)
            return
        self.valid += 1
        self.kinds["BUYS" if m.group(7) == "B" else "SELLS"] += 1
        self.client_total[m.group(3)] += int(m.group(5)) * float(m.group(6))
        self.symbol_volume[m.group(4)] += int(m.group(5))


def assert_is_top5(names, totals, what):
    """names must be the five keys with the largest totals, largest first.
    Ties may come in any order, so the totals are compared, not the names."""
    best = sorted(totals.values(), reverse=True)[:5]
    got = [totals.get(n) for n in names]
    assert None not in got, f"{what} {names}: unknown keys"
    assert len(got) == len(best), f"{what} {names}: expected {len(best)} entries"
    for g, b in zip(got, best):
        assert abs(g - b) <= 1e-9 * max(1.0, abs(b)), f"{what} {names} totals {got}, best {best}"


def gen_args(out, count, files, interval, seed, malformed):
    return ["gen", "orders", "--out", out, "--count", count, "--files", files,
            "--interval", interval, "--seed", seed, "--malformed", malformed, "--quiet"]


def feed(spate_bin, in_dir, **gen):
    """Starts `spate gen orders --out in_dir ...`: files arrive one by one."""
    args = gen_args(in_dir, **{k: str(v) for k, v in gen.items()})
    return subprocess.Popen([str(spate_bin), *args], stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)


def input_files(in_dir):
    return sorted(p for p in pathlib.Path(in_dir).iterdir() if not p.name.startswith("."))


# ---- the output ---------------------------------------------------------------

class Batch:
    """One batch directory: its time and parsed lines."""

    def __init__(self, time_ms, lines):
        self.time_ms = time_ms
        self.lines = lines
        self.counts = {}
        self.top = {}
        for line in lines:
            m = COUNT_RE.match(line)
            if m:
                assert m.group(1) not in self.counts, f"batch {time_ms}: {line} twice"
                self.counts[m.group(1)] = int(m.group(2))
                continue
            for label, rx in TOP_RE.items():
                t = rx.match(line)
                if t:
                    assert label not in self.top, f"batch {time_ms}: {label} twice"
                    self.top[label] = t.group(1).split(", ") if t.group(1) else []
                    break
            else:
                raise AssertionError(f"batch {time_ms}: line not in Spark's format: {line!r}")
        assert set(self.top) == set(TOP_RE), f"batch {time_ms}: {lines}"
        # The union's order: buySellList, then top5clList, then topStocks.
        order = [0 if COUNT_RE.match(x) else 1 if "TOP5CLIENTS" in x else 2 for x in lines]
        assert order == sorted(order), f"batch {time_ms}: lines out of the union's order {lines}"

    @property
    def orders(self):
        return sum(self.counts.values())


def read_batches(out_dir):
    """[Batch] in time order. Asserts that every visible entry is a complete
    batch directory: exactly _SUCCESS and part-00000 (saveAsTextFiles writes
    into a hidden temporary directory and renames it into place)."""
    out_dir = pathlib.Path(out_dir)
    if not out_dir.exists():
        return []
    batches = []
    for name in sorted(os.listdir(out_dir)):
        if name.startswith("."):
            continue
        m = BATCH_DIR_RE.match(name)
        assert m, f"unexpected entry in the output directory: {name}"
        files = sorted(os.listdir(out_dir / name))
        assert files == ["_SUCCESS", "part-00000"], f"{name}: incomplete batch directory {files}"
        lines = (out_dir / name / "part-00000").read_text().splitlines()
        batches.append(Batch(int(m.group(1)), lines))
    return sorted(batches, key=lambda b: b.time_ms)


def poll_batches(out_dir):
    """read_batches, retried while a re-run batch replaces its directory."""
    for _ in range(20):
        try:
            return read_batches(out_dir)
        except FileNotFoundError:
            time.sleep(0.02)
    return read_batches(out_dir)


def wait_until(cond, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        v = cond()
        if v:
            return v
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def assert_batch_times(batches):
    """Batch times are multiples of the interval, and none is missing between
    the first and the last (after a restart Spark also runs the batches of the
    time it was down)."""
    times = [b.time_ms for b in batches]
    assert all(t % BATCH_MS == 0 for t in times), times
    missing = sorted(set(range(times[0], times[-1] + 1, BATCH_MS)) - set(times))
    assert not missing, f"batches missing: {missing[:10]} (of {len(missing)})"


# ---- the program --------------------------------------------------------------

class Dashboard:
    """orders_dashboard on root/in, root/out/output-<ms>.txt, root/ckpt, with
    its stderr appended to root/dashboard.log across restarts."""

    def __init__(self, exe, root, window="1s"):
        self.root = pathlib.Path(root)
        self.in_dir, self.out_dir = self.root / "in", self.root / "out"
        self.in_dir.mkdir(parents=True, exist_ok=True)
        self.log = self.root / "dashboard.log"
        self.argv = [str(exe), "--input", str(self.in_dir), "--output",
                     str(self.out_dir / "output"), "--checkpoint", str(self.root / "ckpt"),
                     "--batch", BATCH, "--window", window, "--master", "local[2]"]
        self.proc = None

    def start(self):
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen(self.argv, stdout=subprocess.DEVNULL, stderr=log)
        return self

    def wait_first_batch(self):
        """Until a batch directory exists: the context runs and has
        checkpointed (files that arrive before its start would be ignored, as
        Spark's newFilesOnly does)."""
        wait_until(lambda: self.proc.poll() is not None or poll_batches(self.out_dir), 20,
                   "the first batch")
        assert self.proc.poll() is None, self.log.read_text()

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

    def log_tail(self, n=30):
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-n:])

    def wait_all_orders(self, valid, timeout=60, idle_s=5):
        """Until the batches hold `valid` orders and two more batches have
        completed after that (so a double count would show). Gives up early
        when the count stays the same for idle_s while batches go on (orders
        lost: the caller's assertion then says how many)."""
        deadline = time.monotonic() + timeout
        seen, changed = -1, time.monotonic()
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, "the dashboard exited:\n" + self.log_tail()
            bs = poll_batches(self.out_dir)
            n = sum(b.orders for b in bs)
            if n != seen:
                seen, changed = n, time.monotonic()
            if n >= valid or time.monotonic() - changed > idle_s:
                break
            time.sleep(0.05)
        else:
            raise AssertionError(f"timed out after {timeout} s waiting for {valid} orders")
        last = bs[-1].time_ms
        wait_until(lambda: poll_batches(self.out_dir)[-1].time_ms >= last + 2 * BATCH_MS, 20,
                   "two more batches")


@pytest.fixture
def dashboard(example, tmp_path):
    """dashboard(name, window) -> a Dashboard under tmp_path/name (killed at
    the end of the test if still running)."""
    made = []

    def make(name="run", window="1s"):
        d = Dashboard(example("orders_dashboard"), tmp_path / name, window)
        made.append(d)
        return d

    yield make
    for d in made:
        d.kill_if_running()


def finish_feed(feeder):
    assert feeder.wait(timeout=60) == 0, feeder.stderr.read().decode()


# ---- end to end ---------------------------------------------------------------

def test_end_to_end_metrics_match_the_input(dashboard, spate_bin):
    d = dashboard("e2e", window="1h").start()
    d.wait_first_batch()
    finish_feed(feed(spate_bin, d.in_dir, count=20000, files=10, interval="150ms", seed=3,
                     malformed=0.005))
    exp = Expected(input_files(d.in_dir))
    assert exp.malformed > 0
    d.wait_all_orders(exp.valid)
    assert d.stop() == 0, d.log_tail()

    batches = read_batches(d.out_dir)
    assert_batch_times(batches)
    assert sum(b.counts.get("BUYS", 0) for b in batches) == exp.kinds["BUYS"]
    assert sum(b.counts.get("SELLS", 0) for b in batches) == exp.kinds["SELLS"]
    last = batches[-1]
    assert_is_top5(last.top["TOP5CLIENTS"], exp.client_total, "TOP5CLIENTS")
    assert_is_top5(last.top["TOP5STOCKS"], exp.symbol_volume, "TOP5STOCKS")
    # Before any order: empty lists, as glom() of an empty partition gives.
    assert batches[0].lines == ["(TOP5CLIENTS,List())", "(TOP5STOCKS,List())"]

    log = d.log.read_text()
    bad = {line.split("): ", 1)[1] for line in log.splitlines()
           if "WARN Executor: Wrong line format" in line}
    assert bad == exp.malformed_lines
    metrics = re.findall(r"^batch (\d+) ms: (\d+) records in, scheduling delay \d+ ms, "
                         r"processing time \d+ ms, total delay \d+ ms$", log, re.M)
    assert {int(t) for t, _ in metrics} >= {b.time_ms for b in batches}
    assert sum(int(n) for _, n in metrics) == exp.valid + exp.malformed
    assert f"{exp.valid + exp.malformed} lines in" in log


def test_each_malformed_line_is_reported_once(dashboard, spate_bin):
    d = dashboard("malformed").start()
    d.wait_first_batch()
    finish_feed(feed(spate_bin, d.in_dir, count=2000, files=1, interval="0", seed=5,
                     malformed=0.01))
    exp = Expected(input_files(d.in_dir))
    d.wait_all_orders(exp.valid)
    assert d.stop() == 0, d.log_tail()
    log = d.log.read_text()
    assert log.count("WARN Executor: Wrong line format") == exp.malformed
    assert f'{exp.malformed} "Wrong line format" reports' in log


def test_sigterm_then_resume_from_the_checkpoint(dashboard, spate_bin):
    d = dashboard("resume").start()
    d.wait_first_batch()
    finish_feed(feed(spate_bin, d.in_dir, count=3000, files=3, interval="0", seed=11,
                     malformed=0))
    first = Expected(input_files(d.in_dir))
    d.wait_all_orders(first.valid)
    assert d.stop() == 0, d.log_tail()
    before = read_batches(d.out_dir)
    assert sum(b.orders for b in before) == first.valid

    d.start()
    # Files named after the first ones, so the generator does not overwrite them.
    later = d.root / "later"
    finish_feed(feed(spate_bin, later, count=3000, files=3, interval="0", seed=12,
                     malformed=0))
    for f in input_files(later):
        os.rename(f, d.in_dir / ("z-" + f.name))
    exp = Expected(input_files(d.in_dir))
    d.wait_all_orders(exp.valid)
    assert d.stop() == 0, d.log_tail()
    log = d.log.read_text()
    assert "resumed from checkpoint" in log, log

    batches = read_batches(d.out_dir)
    assert [b.lines for b in batches[:len(before)]] == [b.lines for b in before]
    assert sum(b.orders for b in batches) == exp.valid
    # The clients' totals carried over the restart: the top 5 is that of all
    # the orders, not of the second half only.
    assert_is_top5(batches[-1].top["TOP5CLIENTS"], exp.client_total, "TOP5CLIENTS")
    assert_batch_times(batches)


def test_usage_errors_exit_2(example, tmp_path):
    exe = str(example("orders_dashboard"))
    for argv in ([], ["--input", str(tmp_path)], ["--bogus", "x"],
                 ["--input", "a", "--output", "b", "--checkpoint", "c", "--batch", "soon"]):
        r = subprocess.run([exe, *argv], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=20)
        assert r.returncode == 2, (argv, r.stderr)
        assert r.stderr, argv


# ---- crash tests --------------------------------------------------------------

@pytest.fixture(scope="module")
def uninterrupted(example, spate_bin, tmp_path_factory):
    """The crash tests' orders through a run that is never killed:
    (its batches, the expected figures)."""
    d = Dashboard(example("orders_dashboard"), tmp_path_factory.mktemp("uninterrupted"))
    try:
        d.start().wait_first_batch()
        finish_feed(feed(spate_bin, d.in_dir, **CRASH_GEN))
        exp = Expected(input_files(d.in_dir))
        d.wait_all_orders(exp.valid)
        assert d.stop() == 0, d.log_tail()
    finally:
        d.kill_if_running()
    batches = read_batches(d.out_dir)
    assert sum(b.orders for b in batches) == exp.valid
    assert_is_top5(batches[-1].top["TOP5CLIENTS"], exp.client_total, "TOP5CLIENTS")
    return batches, exp


@pytest.mark.parametrize("trial", trials(CRASH_TRIALS))
def test_kill9_while_files_arrive_then_recover(trial, dashboard, spate_bin, uninterrupted):
    ref_batches, exp = uninterrupted
    rng = random.Random(trial)
    d = dashboard(f"crash{trial}").start()
    d.wait_first_batch()
    feeder = feed(spate_bin, d.in_dir, **CRASH_GEN)
    # Kill while the files arrive; every third trial crashes again soon after.
    for delay in [rng.uniform(0, CRASH_FEED_S)] + [rng.uniform(0, 0.5)] * (trial % 3 == 0):
        time.sleep(delay)
        d.kill9()
        d.start()
    finish_feed(feeder)
    d.wait_all_orders(exp.valid)
    assert d.stop() == 0, d.log_tail()

    batches = read_batches(d.out_dir)  # every batch directory complete
    assert_batch_times(batches)
    assert sum(b.orders for b in batches) == exp.valid, "orders lost or counted twice"
    final = batches[-1].top["TOP5CLIENTS"]
    assert_is_top5(final, exp.client_total, "TOP5CLIENTS")
    assert final == ref_batches[-1].top["TOP5CLIENTS"]
    assert d.log.read_text().count("resumed from checkpoint") >= 1
