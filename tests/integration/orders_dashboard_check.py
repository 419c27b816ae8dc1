"""Helpers for the tests of the SQL orders dashboard (examples/sql/
orders_dashboard.sql and its C twin examples/sql_orders.c): DuckDB's figures
for the same order files (duckdb_orders_dashboard.mjs, with DuckDB from
bench/'s npm packages), show() tables by header, and the checks shared by
both tests."""
import datetime
import json
import math
import pathlib
import shutil
import subprocess

import pytest

from conftest import ROOT

BENCH = ROOT / "bench"
DELAY_S = 5  # the watermark delay of both examples
# Orders over 4000 s of event time (two per second): more than an hour, so
# that 1-hour windows close. The same bytes in every run.
GEN = ["--count", "8000", "--per-second", "2", "--seed", "5", "--files", "10",
       "--interval", "0", "--quiet"]


def duckdb_figures(orders_dir):
    """DuckDB's dashboard over orders_dir (see duckdb_orders_dashboard.mjs).
    Skips when node is missing; installs bench/'s packages when absent."""
    if not shutil.which("node"):
        pytest.skip("node not found: DuckDB (npm @duckdb/node-api) is the oracle")
    if not (BENCH / "node_modules" / "@duckdb" / "node-api").is_dir():
        npm = shutil.which("npm")
        assert npm, "node without npm: cannot install bench/'s DuckDB"
        r = subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=BENCH,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=600)
        assert r.returncode == 0, "npm ci in bench/ failed:\n" + r.stdout.decode()[-2000:]
    script = pathlib.Path(__file__).with_name("duckdb_orders_dashboard.mjs")
    r = subprocess.run(["node", str(script), str(orders_dir), str(DELAY_S)],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=300)
    assert r.returncode == 0, r.stderr.decode()
    return json.loads(r.stdout)


def tables(text, header):
    """Every show() table in text whose header cells are `header` (a tuple),
    in order: each a list of rows, each a list of cell strings."""
    lines, out = text.splitlines(), []
    for i, line in enumerate(lines):
        if not line.startswith("|") or i == 0 or not lines[i - 1].startswith("+"):
            continue
        if tuple(c.strip() for c in line.strip("|").split("|")) != header:
            continue
        rows = []
        for x in lines[i + 2:]:
            if not x.startswith("|"):
                break
            rows.append([c.strip() for c in x.strip("|").split("|")])
        out.append(rows)
    return out


def closed_seconds(duck):
    """DuckDB's per-second rows split at the watermark the queries end with
    (the latest order's time less the delay): (closed, open), each a list of
    (second, kind, orders). Append mode has emitted the closed ones."""
    def secs(t):
        return datetime.datetime.strptime(t, "%Y-%m-%d %H:%M:%S").timestamp()
    watermark = secs(duck["maxTime"]) - DELAY_S
    rows = [tuple(r) for r in duck["perSecond"]]
    return ([r for r in rows if secs(r[0]) + 1 <= watermark],
            [r for r in rows if secs(r[0]) + 1 > watermark])


def check_per_second(got_tables, duck):
    """(a): every closed second's count per kind, each printed once, and no
    second still open."""
    got = [(s, k, int(n)) for t in got_tables for s, k, n in t]
    assert len(got) == len(set(got)), "a second printed twice"
    closed, _ = closed_seconds(duck)
    assert sorted(got) == sorted(closed)


def check_top_clients(rows, duck):
    """(b): the last top 5 clients table against DuckDB's."""
    assert [int(c) for c, _ in rows] == [c for c, _ in duck["topClients"]]
    for (_, got), (_, want) in zip(rows, duck["topClients"]):
        assert math.isclose(float(got), want, rel_tol=1e-9)


def latest_top_stocks(duck):
    """DuckDB's top 5 symbols of the latest window the watermark closed:
    [window_start, window_end, symbol, volume] rows."""
    end = max(w[1] for w in duck["windows"])
    latest = [w for w in duck["windows"] if w[1] == end]
    return sorted(latest, key=lambda w: (-w[3], w[2]))[:5]
