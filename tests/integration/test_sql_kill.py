"""kill -9 at random points of streaming SQL queries, then restart from the
checkpoint: the committed output equals an uninterrupted run's, with
nothing lost and nothing doubled.

- file -> file: the rows the sink's _spark_metadata log lists (what a
  reader that honours it sees) after the kills and a final AvailableNow run;
- file -> aggregation: the complete-mode result of the final run, whose
  state went through every kill (deltas and snapshots of the state store,
  re-run batches)."""
import random
import signal
import subprocess
import time

import pytest

from test_sql_cli import committed_rows
from trials import trials

NFILES = 24


def make_input(src, rng):
    src.mkdir()
    rows = []
    for i in range(NFILES):
        lines = [f"{rng.randrange(1000)},k{rng.randrange(7)}" for _ in range(rng.randrange(1, 40))]
        rows += lines
        (src / f"part-{i:03d}.csv").write_text("".join(x + "\n" for x in lines))
    return rows


def kill_runs(spate_bin, script, rng, kills):
    """Starts the query `kills` times, killing it with SIGKILL at a random point."""
    for _ in range(kills):
        p = subprocess.Popen([str(spate_bin), "sql", "--conf", "spate.sql.shuffle.partitions=3",
                              "--conf", "spate.sql.streaming.stateStore.minDeltasForSnapshot=2",
                              "-e", script], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        time.sleep(rng.uniform(0.0, 0.35))
        p.send_signal(signal.SIGKILL)
        p.wait(timeout=30)


def final_run(spate_bin, script):
    r = subprocess.run([str(spate_bin), "sql", "--conf", "spate.sql.shuffle.partitions=3",
                        "--conf", "spate.sql.streaming.stateStore.minDeltasForSnapshot=2",
                        "-e", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
    assert r.returncode == 0, r.stderr.decode()
    return r.stdout.decode()


@pytest.mark.parametrize("trial", trials(12))
def test_file_to_file_survives_kill_9(spate_bin, tmp_path, trial):
    rng = random.Random(1000 + trial)
    src, out, ckpt = tmp_path / "in", tmp_path / "out", tmp_path / "ckpt"
    rows = make_input(src, rng)

    def script(trigger):
        return f"""
            CREATE TABLE t (n INT, k STRING) USING csv OPTIONS (path '{src}', maxFilesPerTrigger 1);
            CREATE TABLE o USING csv OPTIONS (path '{out}', checkpointLocation '{ckpt}'{trigger});
            INSERT INTO o SELECT n * 2 AS n2, k FROM STREAM(t) WHERE n % 3 <> 0"""

    kill_runs(spate_bin, script(""), rng, kills=3)
    final_run(spate_bin, script(", trigger 'availableNow'"))
    expected = []
    for line in rows:
        n, k = line.split(",")
        if int(n) % 3 != 0:
            expected.append(f"{int(n) * 2},{k}")
    assert sorted(committed_rows(out)) == sorted(expected)


def parse_console_table(text):
    """The rows of the last console batch's table, as tuples of strings."""
    block = text.split("Batch: ")[-1]
    lines = [x for x in block.splitlines() if x.startswith("|")]
    return [tuple(c.strip() for c in x.strip("|").split("|")) for x in lines[1:]]


@pytest.mark.parametrize("trial", trials(10))
def test_aggregation_state_survives_kill_9(spate_bin, tmp_path, trial):
    rng = random.Random(2000 + trial)
    src, ckpt = tmp_path / "in", tmp_path / "ckpt"
    rows = make_input(src, rng)

    def script(trigger):
        return f"""
            CREATE TABLE t (n INT, k STRING) USING csv OPTIONS (path '{src}', maxFilesPerTrigger 1);
            CREATE TABLE c USING console OPTIONS (outputMode 'complete', numRows 100,
                                                  checkpointLocation '{ckpt}'{trigger});
            INSERT INTO c SELECT k, count(*) AS c, sum(n) AS s FROM STREAM(t) GROUP BY k
            ORDER BY k"""

    kill_runs(spate_bin, script(""), rng, kills=3)
    # The final run may find nothing new (everything committed before the
    # last kill): add one more file so that it prints the whole state.
    (src / "part-999.csv").write_text("5,k0\n")
    rows.append("5,k0")
    got = parse_console_table(final_run(spate_bin, script(", trigger 'availableNow'")))
    want = {}
    for line in rows:
        n, k = line.split(",")
        c, s = want.get(k, (0, 0))
        want[k] = (c + 1, s + int(n))
    assert got == [(k, str(c), str(s)) for k, (c, s) in sorted(want.items())]


def stamp(s):
    return f"1970-01-01 {s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}"


@pytest.mark.parametrize("trial", trials(6))
def test_windows_in_append_mode_survive_kill_9(spate_bin, tmp_path, trial):
    """A watermark's windowed aggregation in append mode into a file sink:
    each window is written once, when the watermark passes it, whatever the
    kills; rows late for their batch are dropped the same way on re-runs."""
    rng = random.Random(3000 + trial)
    src, out, ckpt = tmp_path / "in", tmp_path / "out", tmp_path / "ckpt"
    src.mkdir()
    files = []
    for i in range(NFILES):  # times mostly rising, some out of order
        secs = [max(0, i * 7 + rng.randrange(-9, 7)) for _ in range(rng.randrange(1, 20))]
        files.append(secs)
        (src / f"part-{i:03d}.csv").write_text("".join(f"{stamp(s)},{s}\n" for s in secs))

    def script(trigger):
        return f"""
            CREATE TABLE t (time TIMESTAMP, v INT) USING csv
              OPTIONS (path '{src}', maxFilesPerTrigger 1) WATERMARK time DELAY OF '5 seconds';
            CREATE TABLE o USING csv OPTIONS (path '{out}', checkpointLocation '{ckpt}',
                                              outputMode 'append'{trigger});
            INSERT INTO o SELECT CAST(window.start AS BIGINT) AS w, count(*) AS n, sum(v) AS s
            FROM STREAM(t) GROUP BY window(time, '10 seconds')"""

    kill_runs(spate_bin, script(""), rng, kills=3)
    final_run(spate_bin, script(", trigger 'availableNow'"))
    # one file per batch: batch i runs with the watermark of files before it
    windows, seen, watermark = {}, -1, 0
    for secs in files:
        for s in secs:
            start = s - s % 10
            if start + 10 > watermark:  # not late for this batch
                n, total = windows.get(start, (0, 0))
                windows[start] = (n + 1, total + s)
        seen = max(seen, *secs)
        watermark = max(watermark, (seen - 5))
    want = sorted(f"{w},{n},{s}" for w, (n, s) in windows.items() if w + 10 <= watermark)
    assert sorted(committed_rows(out)) == want


@pytest.mark.parametrize("trial", trials(6))
def test_drop_duplicates_survives_kill_9(example, tmp_path, trial):
    """examples/sql_dedup (dropDuplicates on (id, time) over a 10 s
    watermark, into a csv sink) killed three times at random points, then
    run to the end: every event is written once, unless its first copy was
    late for its batch, whatever the kills."""
    rng = random.Random(4000 + trial)
    src, out, ckpt = tmp_path / "in", tmp_path / "out", tmp_path / "ckpt"
    src.mkdir()
    files = []
    for i in range(NFILES):  # times rising with repeats, some out of order
        rows = []
        for _ in range(rng.randrange(1, 20)):
            s = max(0, i * 5 + rng.randrange(-14, 4))
            rows.append((f"u{rng.randrange(4)}", s))
        files.append(rows)
        (src / f"part-{i:03d}.csv").write_text(
            "".join(f"{u},{stamp(s)},{s}\n" for u, s in rows))
    prog = [str(example("sql_dedup")), str(src), str(out), str(ckpt)]
    for _ in range(3):
        p = subprocess.Popen(prog, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        time.sleep(rng.uniform(0.0, 0.35))
        p.send_signal(signal.SIGKILL)
        p.wait(timeout=30)
    r = subprocess.run(prog + ["--available-now"], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=120)
    assert r.returncode == 0, r.stderr.decode()
    # one file per batch, each with the watermark of the files before it
    seen, want, latest = set(), [], -1
    for rows in files:
        watermark = max(0, latest - 10)  # the watermark starts at 0
        for u, s in rows:
            if (u, s) not in seen and s > watermark:
                want.append(f"{u},{stamp(s).replace(' ', 'T')}.000Z,{s}")
            seen.add((u, s))
        latest = max(latest, *(s for _, s in rows))
    assert sorted(committed_rows(out)) == sorted(want)


@pytest.mark.parametrize("trial", trials(4))
def test_stream_stream_outer_join_survives_kill_9(spate_bin, tmp_path, trial):
    """A left outer join of two file streams with watermarks and a time
    range, into a file sink, killed three times at random points then run
    to the end: its committed rows equal an uninterrupted run's (matched
    pairs once, and each unmatched impression once the watermark passes
    it), whatever the kills."""
    rng = random.Random(5000 + trial)
    imp, clk = tmp_path / "imp", tmp_path / "clk"
    imp.mkdir()
    clk.mkdir()
    for i in range(NFILES):
        ads = [(rng.randrange(40), max(0, i * 5 + rng.randrange(-3, 3)))
               for _ in range(rng.randrange(1, 8))]
        clicks = [(a, t + rng.randrange(0, 20)) for a, t in ads if rng.random() < 0.6]
        (imp / f"part-{i:03d}.csv").write_text("".join(f"{a},{stamp(t)}\n" for a, t in ads))
        (clk / f"part-{i:03d}.csv").write_text("".join(f"{a},{stamp(t)}\n" for a, t in clicks))

    def script(out, ckpt, trigger):
        return f"""
            CREATE TABLE imp (adId INT, impTime TIMESTAMP) USING csv
              OPTIONS (path '{imp}', maxFilesPerTrigger 1) WATERMARK impTime DELAY OF '5 seconds';
            CREATE TABLE clk (clickAdId INT, clickTime TIMESTAMP) USING csv
              OPTIONS (path '{clk}', maxFilesPerTrigger 1) WATERMARK clickTime DELAY OF '5 seconds';
            CREATE TABLE o USING csv OPTIONS (path '{out}', checkpointLocation '{ckpt}'{trigger});
            INSERT INTO o SELECT adId, CAST(impTime AS BIGINT) AS i, CAST(clickTime AS BIGINT) AS c
            FROM STREAM(imp) LEFT JOIN STREAM(clk) ON clickAdId = adId AND
              clickTime BETWEEN impTime AND impTime + INTERVAL 10 SECONDS"""

    now = ", trigger 'availableNow'"
    final_run(spate_bin, script(tmp_path / "ref", tmp_path / "ref_ckpt", now))
    want = sorted(committed_rows(tmp_path / "ref"))
    assert any(r.endswith(",") for r in want), "some impressions stay unmatched"
    kill_runs(spate_bin, script(tmp_path / "out", tmp_path / "ckpt", ""), rng, kills=3)
    final_run(spate_bin, script(tmp_path / "out", tmp_path / "ckpt", now))
    assert sorted(committed_rows(tmp_path / "out")) == want
