"""The `nexmark` source through `spate sql`: the benchmark's own files
(bench/nexmark/ddl.sql and q0, q1, q2) run over a small event count into a
json sink, and their rows are checked against the bids `spate gen nexmark`
prints for the same seed. Also a flat `kind`, and an option error."""
import datetime
import decimal
import json
import pathlib

ROOT = pathlib.Path(__file__).resolve().parents[2]
BENCH = ROOT / "bench" / "nexmark"
EVENTS, SEED = 3000, 1  # the source's seed option defaults to gen's 1


def gen_bids(run_spate):
    r = run_spate("gen", "nexmark", "--events", str(EVENTS), "--seed", str(SEED), timeout=60)
    assert r.returncode == 0, r.stderr
    events = [json.loads(line) for line in r.stdout.decode().splitlines()]
    assert len(events) == EVENTS
    return [e["bid"] for e in events if e["event_type"] == 2]


def run_query(run_spate, tmp_path, q, parts=2, options=""):
    out = tmp_path / q
    ddl = (BENCH / "ddl.sql").read_text()
    ddl = ddl.replace("${EVENTS}", str(EVENTS)).replace("${ROWS}", "700")
    ddl = ddl.replace("${PARTS}", str(parts) + options)
    text = (BENCH / f"{q}.sql").read_text()
    noop = "USING noop OPTIONS (trigger 'availableNow')"
    assert noop in text
    text = text.replace(noop, f"USING json OPTIONS (path '{out}', trigger 'availableNow')")
    script = tmp_path / f"{q}.sql"
    script.write_text(ddl + "\n" + text)
    r = run_spate("sql", "--conf", "spate.master=local[2]", str(script), timeout=120)
    assert r.returncode == 0, r.stderr.decode()
    rows = []
    for f in sorted(out.glob("part-*.json")):
        rows += [json.loads(line, parse_float=decimal.Decimal)
                 for line in f.read_text().splitlines()]
    return rows


def key(row):
    return (row["auction"], row["bidder"] if "bidder" in row else 0, str(row["price"]))


def test_q0_passes_every_bid_through(run_spate, tmp_path):
    bids = gen_bids(run_spate)
    rows = run_query(run_spate, tmp_path, "q0")
    assert len(rows) == len(bids) == EVENTS * 46 // 50
    want = sorted(((b["auction"], b["bidder"], str(b["price"]), b["extra"],
                    b["dateTime"].replace(" ", "T") + "Z") for b in bids))
    got = sorted(((r["auction"], r["bidder"], str(r["price"]), r["extra"], r["dateTime"])
                  for r in rows))
    assert got == want
    assert set(rows[0]) == {"auction", "bidder", "price", "dateTime", "extra"}


def test_q1_converts_prices_to_euros(run_spate, tmp_path):
    bids = gen_bids(run_spate)
    rows = run_query(run_spate, tmp_path, "q1", parts=3)
    want = sorted((b["auction"], b["bidder"], decimal.Decimal("0.908") * b["price"]) for b in bids)
    got = sorted((r["auction"], r["bidder"], r["price"]) for r in rows)
    assert got == want
    assert any(p != int(p) for _, _, p in got)  # a decimal, not a rounded long


def test_q2_selects_every_123rd_auction(run_spate, tmp_path):
    bids = gen_bids(run_spate)
    rows = run_query(run_spate, tmp_path, "q2", parts=1)
    want = sorted((b["auction"], b["price"]) for b in bids if b["auction"] % 123 == 0)
    assert want, "the events hold bids of an auction that is a multiple of 123"
    assert sorted((r["auction"], r["price"]) for r in rows) == want


def test_flat_bid_kind_and_bad_option(run_spate, tmp_path):
    bids = gen_bids(run_spate)
    out = tmp_path / "flat"
    r = run_spate("sql", "-e", f"""
        CREATE TABLE b USING nexmark OPTIONS (kind 'bid', maxEvents {EVENTS},
                                              rowsPerBatch 1000, numPartitions 2);
        CREATE TABLE o USING json OPTIONS (path '{out}', trigger 'availableNow');
        INSERT INTO o SELECT auction, price, channel, url FROM STREAM(b)""", timeout=60)
    assert r.returncode == 0, r.stderr.decode()
    rows = [json.loads(line) for f in sorted(out.glob("part-*.json"))
            for line in f.read_text().splitlines()]
    assert sorted((x["auction"], x["price"], x["channel"], x["url"]) for x in rows) == \
        sorted((b["auction"], b["price"], b["channel"], b["url"]) for b in bids)

    r = run_spate("sql", "-e", "CREATE TABLE b USING nexmark OPTIONS (eventsPerSec 5)",
                  timeout=60)
    assert r.returncode != 0
    assert "Unknown option 'eventsPerSec' for the nexmark source" in r.stderr.decode()


def sessions(times, gap):
    """Sessions [start, end) of sorted times, merged when they touch, each
    with its count (Spark's session_window)."""
    out = []
    for t in times:
        if out and t <= out[-1][1]:
            out[-1] = (out[-1][0], t + gap, out[-1][2] + 1)
        else:
            out.append((t, t + gap, 1))
    return out


def test_q11_user_sessions(run_spate, tmp_path):
    # Flink's legacy SESSION group window, as published, over the 4 s
    # watermark of ddl.sql: a session is written once the watermark passes
    # its end (the last ones stay open when the input ends)
    rate = 100  # events per second of event time: 3000 events span 30 s
    r = run_spate("gen", "nexmark", "--events", str(EVENTS), "--seed", str(SEED),
                  "--rate", str(rate), timeout=60)
    assert r.returncode == 0, r.stderr
    events = [json.loads(line) for line in r.stdout.decode().splitlines()]
    ms = lambda text: int(datetime.datetime.strptime(  # noqa: E731
        text, "%Y-%m-%d %H:%M:%S.%f").replace(tzinfo=datetime.timezone.utc).timestamp() * 1000)
    times = {}
    for e in events:
        if e["event_type"] == 2:
            times.setdefault(e["bid"]["bidder"], []).append(ms(e["bid"]["dateTime"]))
    watermark = max(ms(e[k]["dateTime"]) for e in events for k in ("person", "auction", "bid")
                    if e[k]) - 4000
    want = sorted((bidder, n, start, end) for bidder, ts in times.items()
                  for start, end, n in sessions(sorted(ts), 10000) if end <= watermark)
    assert want, "some sessions end before the last watermark"
    rows = run_query(run_spate, tmp_path, "q11", options=f", eventsPerSecond {rate}")
    iso = lambda text: int(datetime.datetime.strptime(  # noqa: E731
        text, "%Y-%m-%dT%H:%M:%S.%f%z").timestamp() * 1000)
    got = sorted((r["bidder"], r["bid_count"], iso(r["starttime"]), iso(r["endtime"]))
                 for r in rows)
    assert got == want


def gen_events(run_spate):
    r = run_spate("gen", "nexmark", "--events", str(EVENTS), "--seed", str(SEED), timeout=60)
    assert r.returncode == 0, r.stderr
    return [json.loads(line) for line in r.stdout.decode().splitlines()]


def test_q3_joins_two_streams(run_spate, tmp_path):
    # auction JOIN person (both views of one stream) as published: every
    # pair, whichever side came first, once
    events = gen_events(run_spate)
    people = {e["person"]["id"]: e["person"] for e in events if e["event_type"] == 0}
    want = sorted((people[a["seller"]]["name"], people[a["seller"]]["city"],
                   people[a["seller"]]["state"], a["id"])
                  for a in (e["auction"] for e in events if e["event_type"] == 1)
                  if a["category"] == 10 and a["seller"] in people
                  and people[a["seller"]]["state"] in ("OR", "ID", "CA"))
    assert want, "the events hold some pairs"
    rows = run_query(run_spate, tmp_path, "q3")
    assert sorted((r["name"], r["city"], r["state"], r["id"]) for r in rows) == want


def test_q20_expands_bids_with_their_auction(run_spate, tmp_path):
    events = gen_events(run_spate)
    auctions = {e["auction"]["id"]: e["auction"] for e in events if e["event_type"] == 1}
    want = sorted((b["auction"], b["bidder"], str(b["price"]), auctions[b["auction"]]["seller"])
                  for b in (e["bid"] for e in events if e["event_type"] == 2)
                  if b["auction"] in auctions and auctions[b["auction"]]["category"] == 10)
    assert want, "the events hold some pairs"
    rows = run_query(run_spate, tmp_path, "q20")
    assert sorted((r["auction"], r["bidder"], str(r["price"]), r["seller"]) for r in rows) == want
