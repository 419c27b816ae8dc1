"""The web UI (issue 13) over real HTTP: a DStream program (examples/
streaming_ui, a socket word count that prints each completed batch's
figures from its own listener) and `spate sql` running a query, with the UI
on a free port (spate.ui.port=0, the address read from the INFO log line).
The REST API's and /metrics/prometheus's figures are checked against what
the program's listener printed and the progress reports it logged."""
import json
import os
import re
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request

import pytest

BOUND_RE = re.compile(r"Bound SparkUI to \S+, and started at (http://[\d.]+:(\d+))")
BATCH_RE = re.compile(r"^batch (\d+) records=(\d+) sched=(-?\d+) proc=(-?\d+) total=(-?\d+)$")
PROGRESS_RE = re.compile(r"Streaming query made progress: (\{.*\})$")
DEADLINE = 60


class Proc:
    """A child whose stdout and stderr lines are collected by two threads."""

    def __init__(self, args, env=None):
        self.p = subprocess.Popen([str(a) for a in args], stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True, env=env)
        self.out, self.err = [], []
        self.threads = [threading.Thread(target=self._read, args=(s, v), daemon=True)
                        for s, v in ((self.p.stdout, self.out), (self.p.stderr, self.err))]
        for t in self.threads:
            t.start()

    @staticmethod
    def _read(stream, lines):
        for line in stream:
            lines.append(line.rstrip("\n"))

    def wait_for(self, what, pred):
        deadline = time.monotonic() + DEADLINE
        while time.monotonic() < deadline:
            got = pred()
            if got:
                return got
            if self.p.poll() is not None:
                break
            time.sleep(0.02)
        pytest.fail(f"timed out waiting for {what}; stderr:\n" + "\n".join(self.err[-30:]))

    def url(self):
        def find():
            for line in list(self.err):
                m = BOUND_RE.search(line)
                if m:
                    return m
            return None
        return self.wait_for("the UI's address", find)

    def stop(self):
        if self.p.poll() is None:
            self.p.terminate()
        try:
            rc = self.p.wait(timeout=DEADLINE)
        except subprocess.TimeoutExpired:
            self.p.kill()
            rc = self.p.wait()
        for t in self.threads:
            t.join(timeout=10)
        return rc


def get(url, expect=200):
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            code, ctype, body = r.status, r.headers.get("Content-Type"), r.read().decode()
    except urllib.error.HTTPError as e:
        code, ctype, body = e.code, e.headers.get("Content-Type"), e.read().decode()
    assert code == expect, f"{url}: {code} {body}"
    return ctype, body


def get_json(url, expect=200):
    ctype, body = get(url, expect)
    assert ctype == "application/json", ctype
    return json.loads(body)


METRIC_RE = re.compile(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})? (\S+)$")
LABEL_RE = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"(,|$)')


def parse_prometheus(text):
    """Strict text exposition format: every sample under its family's TYPE,
    each family typed once, legal names, labels and float values. Returns
    {(name, frozenset(labels)): value}."""
    assert text.endswith("\n"), "no final newline"
    typed, current, samples = set(), None, {}
    for n, line in enumerate(text.split("\n")[:-1]):
        if line.startswith("# HELP "):
            continue
        if line.startswith("# TYPE "):
            name, kind = line[7:].split(" ")
            assert kind == "gauge" and name not in typed, f"line {n}: {line}"
            typed.add(name)
            current = name
            continue
        assert not line.startswith("#"), f"line {n}: {line}"
        m = METRIC_RE.match(line)
        assert m, f"line {n}: {line!r}"
        name, labels, value = m.groups()
        assert name == current, f"line {n}: {name} not under its TYPE"
        pairs = {}
        if labels:
            inner, pos = labels[1:-1], 0
            while pos < len(inner):
                lm = LABEL_RE.match(inner, pos)
                assert lm, f"line {n}: bad labels {labels}"
                pairs[lm.group(1)] = lm.group(2)
                pos = lm.end()
        samples[(name, frozenset(pairs.items()))] = float(value)
    return samples


def by_name(samples, name):
    return {dict(k[1]).get("query", ""): v for k, v in samples.items() if k[0] == name}


def feeder():
    """A line server sending 7 lines every 50 ms to the one client, for a while."""
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", 0))
    srv.listen(1)
    stop = threading.Event()

    def serve():
        srv.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = srv.accept()
            except OSError:
                continue
            try:
                while not stop.is_set():
                    conn.sendall(b"to be or not\n" * 7)
                    time.sleep(0.05)
            except OSError:
                pass
            conn.close()

    t = threading.Thread(target=serve, daemon=True)
    t.start()
    return srv.getsockname()[1], lambda: (stop.set(), t.join(5), srv.close())


def listener_batches(proc):
    out = {}
    for line in list(proc.out):
        m = BATCH_RE.match(line)
        if m:
            t, rec, sched, proc_ms, total = map(int, m.groups())
            out[t] = (rec, sched, proc_ms, total)
    return out


@pytest.fixture
def dstream_ui(example):
    port, close = feeder()
    proc = Proc([example("streaming_ui"), "--port", port, "--batch", "200ms",
                 "--conf", "spate.ui.port=0", "--conf", "spate.log.level=INFO",
                 "--conf", "spate.app.name=ui \"test\""])
    yield proc
    # SIGTERM stops gracefully once the context has started.
    proc.wait_for("a completed batch", lambda: listener_batches(proc))
    rc = proc.stop()
    close()
    assert rc == 0, "\n".join(proc.err[-20:])


def test_dstream_rest_matches_the_listener(dstream_ui):
    proc = dstream_ui
    base = proc.url().group(1)
    proc.wait_for("3 batches with records",
                  lambda: sum(1 for v in listener_batches(proc).values() if v[0] > 0) >= 3)
    apps = get_json(base + "/api/v1/applications")
    assert len(apps) == 1 and apps[0]["name"] == 'ui "test"', apps
    assert apps[0]["id"].startswith("local-") and not apps[0]["attempts"][0]["completed"]
    api = f"{base}/api/v1/applications/{apps[0]['id']}/streaming"

    stats = get_json(api + "/statistics")
    assert stats["batchDuration"] == 200
    assert stats["numReceivers"] == 1 and stats["numActiveReceivers"] == 1
    assert stats["numTotalCompletedBatches"] >= 3
    assert stats["numProcessedRecords"] >= 21

    batches = get_json(api + "/batches?status=COMPLETED")
    seen = listener_batches(proc)
    ids = [b["batchId"] for b in batches]
    assert ids == sorted(ids, reverse=True) and len(ids) >= 3
    checked = 0
    for b in batches:
        want = seen.get(b["batchId"])
        if want is None:  # completed after the listener's lines were read
            continue
        rec, sched, proc_ms, total = want
        assert (b["inputSize"], b["schedulingDelay"], b["processingTime"], b["totalDelay"]) == \
            (rec, sched, proc_ms, total), b
        assert b["status"] == "COMPLETED" and b["numTotalOutputOps"] == 1
        assert b["batchTime"].endswith("GMT")
        one = get_json(f"{api}/batches/{b['batchId']}")
        assert one == b
        ops = get_json(f"{api}/batches/{b['batchId']}/operations")
        assert [(o["outputOpId"], o["name"]) for o in ops] == [(0, "foreachRDD")]
        checked += 1
    assert checked >= 3
    # Every completed batch the statistics count was heard by the listener.
    assert sum(r for r, *_ in seen.values()) >= stats["numProcessedRecords"]

    receivers = get_json(api + "/receivers")
    assert [(r["streamId"], r["streamName"], r["isActive"]) for r in receivers] == \
        [(0, "SocketReceiver", True)]
    assert receivers[0]["eventRates"] and receivers[0]["avgEventRate"] > 0

    env = dict(map(tuple, get_json(f"{base}/api/v1/applications/{apps[0]['id']}/environment")
                   ["sparkProperties"]))
    assert env["spate.ui.port"] == "0" and env["spate.app.name"] == 'ui "test"'
    assert env["spate.streaming.ui.retainedBatches"] == "1000"

    err = get_json(f"{api}/batches/12345", expect=404)
    assert err == {"message": "unknown batch: 12345"}
    assert "unknown app" in get_json(f"{base}/api/v1/applications/nope/streaming/statistics",
                                     expect=404)["message"]
    get_json(f"{base}/api/v1/applications/{apps[0]['id']}/sql/streaming/queries", expect=404)


def test_dstream_prometheus_matches_the_listener(dstream_ui):
    proc = dstream_ui
    base = proc.url().group(1)
    proc.wait_for("a batch with records",
                  lambda: any(v[0] > 0 for v in listener_batches(proc).values()))
    ctype, text = get(base + "/metrics/prometheus")
    assert ctype.startswith("text/plain; version=0.0.4"), ctype
    samples = parse_prometheus(text)
    labels = {dict(k[1])["application_name"] for k in samples}
    assert labels == {'ui \\"test\\"'}, labels
    g = {k[0]: v for k, v in samples.items()}
    done = int(g["spate_streaming_totalCompletedBatches"])
    # The last completed batch the metrics show is the listener's done-th line.
    lines = proc.wait_for(f"{done} listener lines",
                          lambda: [l for l in list(proc.out) if BATCH_RE.match(l)][done - 1:])
    rec, sched, proc_ms, total = map(int, BATCH_RE.match(lines[0]).groups()[1:])
    assert g["spate_streaming_lastReceivedBatch_records"] == rec
    assert g["spate_streaming_lastCompletedBatch_schedulingDelay"] == sched
    assert g["spate_streaming_lastCompletedBatch_processingDelay"] == proc_ms
    assert g["spate_streaming_lastCompletedBatch_totalDelay"] == total
    assert g["spate_streaming_lastCompletedBatch_inputRate"] == rec * 1000 / 200
    assert g["spate_streaming_receivers"] == 1


def test_bad_requests(dstream_ui):
    base = dstream_ui.url().group(1)
    host, port = base[len("http://"):].split(":")
    for path in ("/static/../../etc/passwd", "/static/%2e%2e/%2e%2e/etc/passwd",
                 "/api/v1/../../etc/passwd", "/nope"):
        with socket.create_connection((host, int(port)), timeout=10) as s:
            s.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
            reply = b""
            while chunk := s.recv(65536):
                reply += chunk
        status = reply.split(b"\r\n", 1)[0]
        assert status.startswith(b"HTTP/1.1 404") or status.startswith(b"HTTP/1.1 400"), \
            (path, reply[:200])
        assert b"root:" not in reply
    req = urllib.request.Request(base + "/api/v1/applications", data=b"x", method="POST")
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(req, timeout=10)
    assert e.value.code in (400, 405)
    with socket.create_connection((host, int(port)), timeout=10) as s:
        s.sendall(b"NONSENSE\r\n\r\n")
        reply = s.recv(65536)
    assert reply.startswith(b"HTTP/1.1 400") or reply == b"", reply[:100]
    get_json(base + "/api/v1/applications")  # still serving


def test_many_connections_and_large_requests(dstream_ui):
    """200 clients at once all get their answer; a request past the
    per-connection memory limit is refused; the server keeps serving."""
    base = dstream_ui.url().group(1)
    host, port = base[len("http://"):].split(":")
    app = get_json(base + "/api/v1/applications")[0]["id"]
    path = f"/api/v1/applications/{app}/streaming/statistics"
    socks = [socket.create_connection((host, int(port)), timeout=30) for _ in range(200)]
    try:
        for s in socks:
            s.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
        for s in socks:
            reply = b""
            while chunk := s.recv(65536):
                reply += chunk
            head, _, body = reply.partition(b"\r\n\r\n")
            assert head.startswith(b"HTTP/1.1 200"), head[:100]
            assert json.loads(body)["batchDuration"] == 200
    finally:
        for s in socks:
            s.close()
    with socket.create_connection((host, int(port)), timeout=30) as s:
        big = "x" * 100_000
        try:
            s.sendall(f"GET /{big} HTTP/1.1\r\nHost: x\r\nX-Big: {big}\r\n\r\n".encode())
            reply = s.recv(65536)
        except (ConnectionResetError, BrokenPipeError):
            reply = b""
    assert not reply.startswith(b"HTTP/1.1 200"), reply[:100]
    get_json(base + path)


def taken_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen(1)
    return s, s.getsockname()[1]


def test_port_search_and_no_port_left(example):
    port, close = feeder()
    held, taken = taken_port()
    try:
        # The port is taken: the UI binds a later one.
        proc = Proc([example("streaming_ui"), "--port", port, "--conf",
                     f"spate.ui.port={taken}", "--conf", "spate.log.level=INFO"])
        try:
            bound = int(proc.url().group(2))
            assert taken < bound <= taken + 16
            # SIGTERM stops gracefully once the context has started.
            proc.wait_for("a completed batch", lambda: listener_batches(proc))
        finally:
            assert proc.stop() == 0
        # No retries left: a warning, and the job runs without a UI.
        proc = Proc([example("streaming_ui"), "--port", port, "--conf",
                     f"spate.ui.port={taken}", "--conf", "spate.port.maxRetries=0"])
        try:
            proc.wait_for("a completed batch", lambda: listener_batches(proc))
            assert any("could not bind" in l and "WARN" in l for l in proc.err), proc.err
        finally:
            assert proc.stop() == 0
        # Disabled: no UI and nothing said about it.
        proc = Proc([example("streaming_ui"), "--port", port, "--conf", "spate.ui.enabled=false",
                     "--conf", "spate.log.level=INFO"])
        try:
            proc.wait_for("a completed batch", lambda: listener_batches(proc))
            assert not any("SparkUI" in l for l in proc.err)
        finally:
            assert proc.stop() == 0
    finally:
        held.close()
        close()


SQL = """
CREATE TABLE r USING rate OPTIONS (rowsPerSecond 200);
CREATE TABLE out USING noop OPTIONS (queryName 'rates', trigger '100 milliseconds',
                                     outputMode 'update');
INSERT INTO out SELECT value % 5 AS k, count(*) AS c FROM STREAM(r) GROUP BY value % 5;
"""


def logged_progress(proc):
    out = {}
    for line in list(proc.err):
        m = PROGRESS_RE.search(line)
        if m:
            p = json.loads(m.group(1))
            out[p["batchId"]] = p
    return out


def test_sql_queries_and_prometheus(spate_bin, tmp_path):
    script = tmp_path / "q.sql"
    script.write_text(SQL)
    env = dict(os.environ, SPATE_LOG_LEVEL="INFO")
    proc = Proc([spate_bin, "sql", "--conf", "spate.ui.port=0", "--conf",
                 "spate.sql.streaming.ui.retainedProgressUpdates=1000", script], env=env)
    try:
        base = proc.url().group(1)
        proc.wait_for("3 progress reports", lambda: len(logged_progress(proc)) >= 3)
        app = get_json(base + "/api/v1/applications")[0]["id"]
        api = f"{base}/api/v1/applications/{app}/sql/streaming/queries"
        ctype, text = get(base + "/metrics/prometheus")
        samples = parse_prometheus(text)
        queries = get_json(api)
        assert len(queries) == 1
        q = queries[0]
        assert (q["name"], q["status"], q["error"]) == ("rates", "RUNNING", None)
        assert q["startTime"].endswith("GMT") and q["latestBatch"] >= 2
        reports = get_json(f"{api}/{q['runId']}/progress")
        assert get_json(f"{api}/{q['id']}/progress")[:len(reports)] == reports
        logged = proc.wait_for("the reports logged",
                               lambda: (lambda l: l if all(r["batchId"] in l for r in reports)
                                        else None)(logged_progress(proc)))
        assert [r["batchId"] for r in reports] == list(range(len(reports)))
        for r in reports:
            assert r == logged[r["batchId"]]
        assert q["lastProgress"] == logged[q["latestBatch"]]
        # Prometheus shows one of those reports (the last when it was read).
        inrate = by_name(samples, "spate_sql_streaming_inputRate_total")["rates"]
        latency = by_name(samples, "spate_sql_streaming_latency")["rates"]
        rows = by_name(samples, "spate_sql_streaming_states_rowsTotal")["rates"]
        mem = by_name(samples, "spate_sql_streaming_states_usedBytes")["rates"]
        match = [r for r in logged.values()
                 if abs(r.get("inputRowsPerSecond", float("nan")) - inrate) <= 1e-9 * inrate
                 and r["batchDuration"] == latency
                 and r["stateOperators"][0]["numRowsTotal"] == rows
                 and r["stateOperators"][0]["memoryUsedBytes"] == mem]
        assert match, (inrate, latency, rows, mem)
        # No watermark in this query: Spark's gauge says 0.
        assert by_name(samples, "spate_sql_streaming_eventTime_watermark") == {"rates": 0}
        assert get_json(f"{api}/no-such-query/progress", expect=404) == \
            {"message": "unknown query: no-such-query"}
    finally:
        rc = proc.stop()
    assert rc == 0, "\n".join(proc.err[-20:])


def post(url):
    req = urllib.request.Request(url, data=b"", method="POST")
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


def test_sql_stop_from_the_ui(spate_bin, tmp_path):
    """spate.ui.killEnabled: POST .../queries/{runId}/stop stops the query and
    `spate sql` ends; without it (the default) the UI refuses with 405."""
    script = tmp_path / "q.sql"
    script.write_text(SQL)
    env = dict(os.environ, SPATE_LOG_LEVEL="INFO")
    for enabled in (False, True):
        args = [spate_bin, "sql", "--conf", "spate.ui.port=0", script]
        if enabled:
            args[2:2] = ["--conf", "spate.ui.killEnabled=true"]
        proc = Proc(args, env=env)
        try:
            base = proc.url().group(1)
            proc.wait_for("a progress report", lambda: logged_progress(proc))
            app = get_json(base + "/api/v1/applications")[0]["id"]
            api = f"{base}/api/v1/applications/{app}/sql/streaming/queries"
            run = get_json(api)[0]["runId"]
            if enabled:
                assert post(f"{api}/no-such-run/stop")[0] == 404
            code, body = post(f"{api}/{run}/stop")
            if not enabled:
                assert code == 405 and "killEnabled" in body["message"], body
                assert get_json(api)[0]["status"] == "RUNNING"
                continue
            assert (code, body) == (200, {"stopping": run})
            # The query ended: spate sql has no query left and exits by itself.
            assert proc.p.wait(timeout=DEADLINE) == 0
        finally:
            rc = proc.stop()
        assert rc == 0, "\n".join(proc.err[-20:])
