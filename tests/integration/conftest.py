"""Fixtures shared by the integration tests: where the build is, how to run
the spate command and the examples, a line server, and a parser for the
output of DStream.print().

The build directory comes from $SPATE_BUILD (default "build", relative to
the repository root). When $SPATE_SANITIZER_REPORTS names a directory (the
sanitizers' log_path, set by scripts/run-tsan.sh), a test after which a new
report appears there fails, with the report."""
import os
import pathlib
import re
import select
import socket
import subprocess
import threading
import time

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
DASHES = "-" * 43
TIME_RE = re.compile(r"^Time: (\d+) ms$")


def build_dir() -> pathlib.Path:
    b = pathlib.Path(os.environ.get("SPATE_BUILD", "build"))
    return b if b.is_absolute() else ROOT / b


@pytest.fixture(autouse=True)
def sanitizer_reports():
    """Fails the test when a sanitizer wrote a report during it: a child that
    is killed, or whose exit status a test ignores, is still caught."""
    d = os.environ.get("SPATE_SANITIZER_REPORTS")
    if not d:
        yield
        return
    d = pathlib.Path(d)
    before = set(d.iterdir()) if d.is_dir() else set()
    yield
    # A process that outlives its test (a module-scoped broker) and writes a
    # report later is caught by scripts/run-tsan.sh's final check.
    new = sorted(set(d.iterdir()) - before) if d.is_dir() else []
    if new:
        text = "\n".join(f"== {p.name}\n{p.read_text(errors='replace')}" for p in new)
        pytest.fail(f"{len(new)} sanitizer report(s) during this test:\n{text}", pytrace=False)


@pytest.fixture(scope="session")
def build():
    d = build_dir()
    if not d.is_dir():
        pytest.fail(f"build directory {d} not found: build first (make) or set SPATE_BUILD")
    return d


@pytest.fixture(scope="session")
def spate_bin(build):
    p = build / "spate"
    if not p.exists():
        pytest.fail(f"{p} not found: build first (make)")
    return p


@pytest.fixture(scope="session")
def example(build):
    """example("queue_stream") -> the path of that example binary."""

    def find(name):
        p = build / "examples" / name
        if not p.exists():
            pytest.fail(f"{p} not found: build first (make)")
        return p

    return find


@pytest.fixture
def run_spate(spate_bin):
    """run_spate("gen", "orders", ...) -> CompletedProcess (bytes stdout, text stderr)."""

    def run(*args, timeout=60, **kw):
        return subprocess.run([str(spate_bin), *map(str, args)], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, timeout=timeout, **kw)

    return run


class LineServer:
    """A TCP server on 127.0.0.1 (a free port) that sends `lines` to each
    client that connects and keeps the connection open until close()."""

    def __init__(self, lines):
        self.data = "".join(line + "\n" for line in lines).encode()
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(4)
        self.port = self.sock.getsockname()[1]
        self.clients = []
        self.connected = threading.Event()
        self.closed = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        self.sock.settimeout(0.2)
        while not self.closed.is_set():
            try:
                conn, _ = self.sock.accept()
            except (socket.timeout, OSError):
                continue
            self.clients.append(conn)
            try:
                conn.sendall(self.data)
            except OSError:
                pass
            self.connected.set()

    def close(self):
        self.closed.set()
        self.thread.join(timeout=5)
        for c in self.clients:
            c.close()
        self.sock.close()


@pytest.fixture
def line_server():
    """line_server(lines) -> a started LineServer, closed after the test."""
    servers = []

    def start(lines):
        s = LineServer(lines)
        servers.append(s)
        return s

    yield start
    for s in servers:
        s.close()


def parse_print_blocks(text):
    """Splits DStream.print() output into [(time_ms, [element lines], truncated)].
    Asserts the exact layout: 43 dashes, "Time: <ms> ms", 43 dashes, the
    elements, "..." when cut, then an empty line."""
    lines = text.split("\n")
    blocks, i = [], 0
    while i < len(lines):
        if lines[i] == "" and i == len(lines) - 1:
            break
        assert lines[i] == DASHES, f"line {i}: expected 43 dashes, got {lines[i]!r}"
        m = TIME_RE.match(lines[i + 1])
        assert m, f"line {i + 1}: expected 'Time: <ms> ms', got {lines[i + 1]!r}"
        assert lines[i + 2] == DASHES, f"line {i + 2}: expected 43 dashes"
        i += 3
        elems = []
        while i < len(lines) and lines[i] != "":
            elems.append(lines[i])
            i += 1
        truncated = bool(elems) and elems[-1] == "..."
        if truncated:
            elems.pop()
        blocks.append((int(m.group(1)), elems, truncated))
        i += 1  # the empty line closing the block
    return blocks


def parse_pair(elem):
    """"(word,3)" -> ("word", 3)."""
    assert elem.startswith("(") and elem.endswith(")"), elem
    key, _, val = elem[1:-1].rpartition(",")
    return key, int(val)


class OutputReader:
    """Collects a child's stdout on a thread so a test can wait, with a
    deadline, until the output satisfies a condition."""

    def __init__(self, proc):
        self.proc = proc
        self.chunks = []
        self.lock = threading.Lock()
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self):
        fd = self.proc.stdout.fileno()
        while True:
            r, _, _ = select.select([fd], [], [], 0.5)
            if not r:
                if self.proc.poll() is not None:
                    break
                continue
            data = os.read(fd, 65536)
            if not data:
                break
            with self.lock:
                self.chunks.append(data)

    def text(self):
        with self.lock:
            return b"".join(self.chunks).decode()

    def wait_for(self, cond, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if cond(self.text()):
                return True
            if self.proc.poll() is not None and not self.thread.is_alive():
                return cond(self.text())
            time.sleep(0.05)
        return False

    def join(self, timeout=10):
        self.thread.join(timeout)
        return self.text()
