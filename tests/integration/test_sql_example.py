"""examples/sql/orders_dashboard.sql over `spate gen orders --out DIR`: its
last batches agree with the same metrics computed in Python from the files."""
import collections
import math

from conftest import ROOT


def last_table(text, header):
    """The rows of the last console table whose header line is `header`."""
    lines = text.splitlines()
    starts = [i for i, x in enumerate(lines) if x.replace(" ", "") == header]
    assert starts, text
    rows = []
    for x in lines[starts[-1] + 2:]:
        if not x.startswith("|"):
            break
        rows.append([c.strip() for c in x.strip("|").split("|")])
    return rows


def test_orders_dashboard_sql(run_spate, tmp_path):
    out = tmp_path / "orders"
    r = run_spate("gen", "orders", "--count", "3000", "--seed", "5", "--files", "10",
                  "--interval", "0", "--out", out)
    assert r.returncode == 0, r.stderr
    r = run_spate("sql", "-d", f"input={out}", "-d", "trigger=availableNow",
                  ROOT / "examples" / "sql" / "orders_dashboard.sql", timeout=120)
    assert r.returncode == 0, r.stderr
    text = r.stdout.decode()
    kinds, totals = collections.Counter(), collections.defaultdict(float)
    for f in sorted(out.iterdir()):
        for line in f.read_text().splitlines():
            s = line.split(",")
            kinds[s[6]] += 1
            totals[int(s[2])] += int(s[4]) * float(s[5])
    assert last_table(text, "|kind|orders|") == [[k, str(n)] for k, n in sorted(kinds.items())]
    top = sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))[:5]
    got = last_table(text, "|clientId|total|")
    assert [int(c) for c, _ in got] == [c for c, _ in top]
    for (_, t), (_, want) in zip(got, top):
        assert math.isclose(float(t), want, rel_tol=1e-9)
