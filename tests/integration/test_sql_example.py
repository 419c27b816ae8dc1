"""examples/sql/orders_dashboard.sql over `spate gen orders --out DIR`
(event time: the orders' `time` column) checked

- against DuckDB on the same files (duckdb_orders_dashboard.mjs): (a) every
  second's count per kind that the watermark has closed, (b) the final top 5
  clients, (c) every 1-hour window sliding every 5 seconds written to the CSV
  sink, and the top 5 stocks of the latest one (the script's static query);
- against the DStream dashboard (examples/orders_dashboard) on the same files:
  the figures that do not depend on its processing-time batches, the orders
  per kind over the whole input and the final top 5 clients. (Its TOP5STOCKS
  is the top over a processing-time hour, here all the orders; no event-time
  hour holds them all, so it has no SQL counterpart to compare with.)"""
import collections
import csv
import datetime
import subprocess

import pytest

import test_dashboard as dstream
from conftest import ROOT
from orders_dashboard_check import (DELAY_S, GEN, check_per_second, check_top_clients,
                                    duckdb_figures, latest_top_stocks, tables)

SCRIPT = ROOT / "examples" / "sql" / "orders_dashboard.sql"


def top_stocks_query(run_spate, out):
    """Runs the static query given in the comment at the end of the script."""
    lines = SCRIPT.read_text().splitlines()
    start = next(i for i, x in enumerate(lines) if x.rstrip().endswith('-e "'))
    query = []
    for x in lines[start + 1:]:
        query.append(x.lstrip("-").strip())
        if x.endswith('"'):
            break
    query = "\n".join(query).rstrip('"').replace("\\$", "$")
    r = run_spate("sql", "-d", f"output={out}", "-e", query)
    assert r.returncode == 0, r.stderr
    return r.stdout.decode()


@pytest.fixture(scope="module")
def dashboard_run(spate_bin, tmp_path_factory):
    """The orders, the script's console text and its output directory."""
    root = tmp_path_factory.mktemp("sql_dashboard")
    orders, out = root / "orders", root / "out"
    r = subprocess.run([str(spate_bin), "gen", "orders", "--out", str(orders), *GEN],
                               stderr=subprocess.PIPE, timeout=60)
    assert r.returncode == 0, r.stderr
    r = subprocess.run([str(spate_bin), "sql", "-d", f"input={orders}", "-d",
                                f"output={out}", "-d", "trigger=availableNow", str(SCRIPT)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               timeout=300)
    assert r.returncode == 0, r.stderr.decode()
    return orders, r.stdout.decode(), out


def test_orders_dashboard_sql_against_duckdb(dashboard_run, run_spate):
    orders, text, out = dashboard_run
    duck = duckdb_figures(orders)
    # (a) orders per second by kind, append mode over the watermark.
    check_per_second(tables(text, ("second", "kind", "orders")), duck)
    # (b) the top 5 clients, complete mode: the last table.
    check_top_clients(tables(text, ("clientId", "total"))[-1], duck)
    # (c) every hour window the watermark closed, each row written once.
    rows = []
    for f in sorted((out / "stock_volume").glob("part-*.csv")):
        with open(f, newline="") as fh:
            rows += [[s, e, sym, int(v)] for s, e, sym, v in csv.reader(fh)]
    assert len(rows) == len(duck["windows"]) > 0
    assert sorted(rows) == duck["windows"]
    top = tables(top_stocks_query(run_spate, out),
                 ("window_start", "window_end", "symbol", "volume"))
    assert [[s, e, sym, int(v)] for s, e, sym, v in top[0]] == latest_top_stocks(duck)


def test_orders_dashboard_sql_against_dstreams(dashboard_run, example, tmp_path):
    orders, text, _ = dashboard_run
    d = dstream.Dashboard(example("orders_dashboard"), tmp_path / "dstream", window="1h")
    try:
        d.start().wait_first_batch()
        for f in dstream.input_files(orders):  # each file whole, by a rename
            tmp = d.root / f.name
            tmp.write_bytes(f.read_bytes())
            tmp.rename(d.in_dir / f.name)
        exp = dstream.Expected(dstream.input_files(d.in_dir))
        d.wait_all_orders(exp.valid)
        assert d.stop() == 0, d.log_tail()
    finally:
        d.kill_if_running()
    batches = dstream.read_batches(d.out_dir)
    buys_sells = {k: sum(b.counts.get(k, 0) for b in batches) for k in ("BUYS", "SELLS")}
    # The SQL seconds and those the watermark left open make up every order.
    sql = collections.Counter()
    for t in tables(text, ("second", "kind", "orders")):
        for _, kind, n in t:
            sql["BUYS" if kind == "B" else "SELLS"] += int(n)
    # ... the seconds still open: those that end after the final watermark.
    times = [line.split(",", 1)[0] for f in dstream.input_files(orders)
             for line in f.read_text().splitlines()]
    last = max(datetime.datetime.fromisoformat(t) for t in times)
    for f in dstream.input_files(orders):
        for line in f.read_text().splitlines():
            t = datetime.datetime.fromisoformat(line.split(",", 1)[0])
            if t + datetime.timedelta(seconds=1) > last - datetime.timedelta(seconds=DELAY_S):
                sql["BUYS" if line.endswith(",B") else "SELLS"] += 1
    assert buys_sells == dict(sql)
    top_sql = [c for c, _ in tables(text, ("clientId", "total"))[-1]]
    assert batches[-1].top["TOP5CLIENTS"] == top_sql
