"""The web UI's pages in a real browser: headless Chromium (Debian's) driven
by playwright-core (npm, bench/package.json) through ui_browser.mjs opens
the Streaming tab while a DStream program runs and the Structured Streaming
tab while `spate sql` runs a query, checks that the uPlot charts draw data
points, that the batch table (or the latest batch) grows while the page
stays open, and saves screenshots under the test's tmp_path."""
import json
import os
import pathlib
import shutil
import subprocess

import pytest

from test_ui import SQL, Proc, feeder, listener_batches

ROOT = pathlib.Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("SPATE_CHROMIUM", "/usr/bin/chromium")
SCRIPT = pathlib.Path(__file__).with_name("ui_browser.mjs")

pytestmark = pytest.mark.skipif(
    not (os.path.exists(CHROMIUM) and shutil.which("node")
         and (ROOT / "bench/node_modules/playwright-core").is_dir()),
    reason="needs Debian's chromium, node and bench/node_modules (scripts/install-deps.sh)")


def browse(base, tab, out):
    r = subprocess.run(["node", str(SCRIPT), base, tab, str(out)], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, text=True, timeout=180)
    assert r.returncode == 0, r.stderr[-3000:]
    got = json.loads(r.stdout.strip().splitlines()[-1])
    assert got["errors"] == [] and got["error"] == "", got
    return got


def test_streaming_tab_draws_and_grows(example, tmp_path):
    port, close = feeder()
    proc = Proc([example("streaming_ui"), "--port", port, "--batch", "200ms",
                 "--conf", "spate.ui.port=0", "--conf", "spate.log.level=INFO"])
    try:
        base = proc.url().group(1)
        got = browse(base, "streaming", tmp_path)
        # 4 timelines, 4 histograms and the one input stream's rate (SocketInputDStream)
        assert len(got["points"]) == 9 and min(got["points"]) >= 3, got
        assert got["rowsAfter"] > got["rowsBefore"] >= 3, got
        assert got["canvases"] >= 9
        assert "Running batches of 200 ms" in got["summary"]
        assert got["ops"] == ["foreachRDD"]
        assert (tmp_path / "streaming.png").stat().st_size > 10000
        # the Executors tab: one row per executor thread, tasks counted live
        assert got["tasksBefore"] > 0 and got["threads"] >= 1, got
        assert (tmp_path / "executors.png").stat().st_size > 10000
        proc.wait_for("a completed batch", lambda: listener_batches(proc))
    finally:
        rc = proc.stop()
        close()
    assert rc == 0, "\n".join(proc.err[-20:])


def test_structured_streaming_tab_draws_and_grows(spate_bin, tmp_path):
    script = tmp_path / "q.sql"
    script.write_text(SQL)
    proc = Proc([spate_bin, "sql", "--conf", "spate.ui.port=0", script],
                env=dict(os.environ, SPATE_LOG_LEVEL="INFO"))
    try:
        base = proc.url().group(1)
        got = browse(base, "queries", tmp_path)
        assert len(got["points"]) == 9 and min(got["points"]) >= 3, got
        assert [(q[0], q[1]) for q in got["queries"]] == [("rates", "RUNNING")], got
        assert got["latestAfter"] > got["latestBefore"], got
        assert got["canvases"] >= 9
        assert (tmp_path / "queries.png").stat().st_size > 10000
    finally:
        rc = proc.stop()
    assert rc == 0, "\n".join(proc.err[-20:])
