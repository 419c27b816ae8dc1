"""`spate gen orders`: the stock orders of the dashboard example."""
import datetime
import os
import re
import subprocess
import time

import pytest

LINE_RE = re.compile(
    r"^(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}),(\d+),(\d+),([A-Z]+),(\d+),(\d+\.\d{2}),([BS])$")
REQUIRED_TICKERS = {"EPE", "NFLX", "VALE", "SRPT", "BP", "MNKD", "AMD", "INTC", "TOT", "BBL",
                    "EGO", "NEM"}
START = datetime.datetime(2016, 3, 22, 20, 25, 28)


def gen_lines(run_spate, *args):
    r = run_spate("gen", "orders", *args)
    assert r.returncode == 0, r.stderr
    text = r.stdout.decode()
    assert text.endswith("\n")
    return text[:-1].split("\n")


def is_valid_order(line):
    """The book's parser, in Python: seven fields, B/S, numbers, a date."""
    s = line.split(",")
    if len(s) < 7 or s[6] not in ("B", "S"):
        return False
    try:
        datetime.datetime.strptime(s[0], "%Y-%m-%d %H:%M:%S")
        int(s[1]), int(s[2])
        amount = int(s[4])
        float(s[5])
    except ValueError:
        return False
    return -2**31 <= amount < 2**31


def is_good(line):
    return bool(LINE_RE.match(line)) and is_valid_order(line)


def test_count_and_format(run_spate):
    lines = gen_lines(run_spate, "--count", 3000)
    assert len(lines) == 3000
    prev = START
    for i, line in enumerate(lines, 1):
        m = LINE_RE.match(line)
        assert m, f"line {i} does not match the orders format: {line!r}"
        t = datetime.datetime.strptime(m.group(1), "%Y-%m-%d %H:%M:%S")
        assert prev <= t <= prev + datetime.timedelta(seconds=1)
        prev = t
        assert int(m.group(2)) == i
        assert 1 <= int(m.group(3)) <= 100
        assert 1 <= int(m.group(5)) <= 1000
        assert 1.0 <= float(m.group(6)) <= 100.0
    assert lines[0].startswith("2016-03-22 20:25:28,1,")


def test_default_count_is_500000(run_spate):
    r = run_spate("gen", "orders")
    assert r.returncode == 0
    assert r.stdout.count(b"\n") == 500000


def test_per_second_sets_the_event_time(run_spate):
    lines = gen_lines(run_spate, "--count", 25, "--per-second", 10)
    times = [line.split(",")[0] for line in lines]
    assert times[0] == times[9] == "2016-03-22 20:25:28"
    assert times[10] == times[19] == "2016-03-22 20:25:29"
    assert times[20] == "2016-03-22 20:25:30"


def test_same_seed_same_bytes(run_spate):
    a = run_spate("gen", "orders", "--count", 5000, "--seed", 7).stdout
    b = run_spate("gen", "orders", "--count", 5000, "--seed", 7).stdout
    c = run_spate("gen", "orders", "--count", 5000, "--seed", 8).stdout
    assert a == b
    assert a != c


def test_tickers_include_the_books(run_spate):
    lines = gen_lines(run_spate, "--count", 20000)
    symbols = {line.split(",")[3] for line in lines}
    assert REQUIRED_TICKERS <= symbols
    assert len(symbols) == 80
    kinds = [line[-1] for line in lines]
    assert 0.45 < kinds.count("B") / len(kinds) < 0.55


@pytest.mark.parametrize("fraction", [0.05, 0.3])
def test_malformed_fraction_is_honoured(run_spate, fraction):
    n = 20000
    lines = gen_lines(run_spate, "--count", n, "--malformed", fraction, "--seed", 3)
    clean = gen_lines(run_spate, "--count", n, "--seed", 3)
    assert len(lines) == n
    bad = [i for i, line in enumerate(lines) if not is_good(line)]
    assert abs(len(bad) / n - fraction) < 0.02
    for i, line in enumerate(lines):
        if is_good(line):
            assert line == clean[i]  # the good lines are those of the clean run
        else:
            assert not is_valid_order(line), f"injected line parses: {line!r}"


def test_malformed_kinds_all_appear(run_spate):
    lines = gen_lines(run_spate, "--count", 4000, "--malformed", 1)
    assert not any(is_good(line) for line in lines)
    fields = [line.split(",") for line in lines]
    assert any(len(f) < 7 for f in fields)                        # wrong field count
    assert any(len(f) == 7 and f[6] not in "BS" for f in fields)  # bad kind
    assert any(not re.match(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$", f[0]) for f in fields)
    assert any(len(f) == 7 and not re.match(r"\d+$", f[4]) for f in fields)  # not a number
    assert any(len(f) == 7 and len(f[4]) > 10 for f in fields)  # overflows an Int


def test_malformed_zero_and_determinism(run_spate):
    a = run_spate("gen", "orders", "--count", 3000, "--malformed", 0.2, "--seed", 5).stdout
    b = run_spate("gen", "orders", "--count", 3000, "--malformed", 0.2, "--seed", 5).stdout
    assert a == b
    clean = gen_lines(run_spate, "--count", 3000, "--malformed", 0)
    assert all(is_good(line) for line in clean)


def test_split_mode_writes_equal_atomic_files(run_spate, tmp_path):
    out = tmp_path / "in"
    r = run_spate("gen", "orders", "--count", 1000, "--out", out, "--files", 4,
                  "--interval", "0", "--seed", 9)
    assert r.returncode == 0, r.stderr
    names = sorted(os.listdir(out))
    assert names == [f"orders-0000{i}.txt" for i in range(1, 5)]
    data = b""
    for name in names:
        content = (out / name).read_bytes()
        assert content.count(b"\n") == 250
        data += content
    assert data == run_spate("gen", "orders", "--count", 1000, "--seed", 9).stdout


def test_split_mode_files_appear_whole_one_per_interval(spate_bin, tmp_path):
    out = tmp_path / "in"
    start = time.monotonic()
    p = subprocess.Popen([str(spate_bin), "gen", "orders", "--count", "300000", "--out", str(out),
                          "--files", "3", "--interval", "150ms", "--quiet"],
                         stderr=subprocess.PIPE)
    seen = set()
    try:
        while p.poll() is None and time.monotonic() - start < 30:
            if out.is_dir():
                for name in os.listdir(out):
                    if name.startswith("."):
                        continue
                    # A visible file is always complete: it was renamed into place.
                    assert (out / name).read_bytes().count(b"\n") == 100000
                    seen.add(name)
            time.sleep(0.01)
    finally:
        p.wait(timeout=30)
    elapsed = time.monotonic() - start
    assert p.returncode == 0, p.stderr.read()
    assert elapsed >= 0.3  # two pauses of 150 ms between three files
    assert sorted(os.listdir(out)) == ["orders-00001.txt", "orders-00002.txt", "orders-00003.txt"]


def test_split_defaults_to_50_files(run_spate, tmp_path):
    r = run_spate("gen", "orders", "--count", 500, "--out", tmp_path, "--interval", "0")
    assert r.returncode == 0, r.stderr
    assert len(os.listdir(tmp_path)) == 50
    assert "orders-00050.txt" in r.stderr.decode()


@pytest.mark.parametrize("args,needle", [
    (["--count", "abc"], "--count"),
    (["--count", "-5"], "--count"),
    (["--count", "99999999999999999999999"], "--count"),
    (["--seed", "x"], "--seed"),
    (["--malformed", "1.5"], "--malformed"),
    (["--malformed", "nan"], "--malformed"),
    (["--malformed", ""], "--malformed"),
    (["--per-second", "0"], "--per-second"),
    (["--bogus", "1"], "--bogus"),
    (["--count"], "--count"),
    (["extra"], "extra"),
    (["--files", "3"], "--out"),
    (["--out", "OUT", "--files", "0"], "--files"),
    (["--out", "OUT", "--count", "10", "--files", "3"], "equal"),
    (["--out", "OUT", "--interval", "soon"], "soon"),
    (["--out", "OUT", "--interval", "-3s"], "interval"),
])
def test_bad_arguments_exit_2(run_spate, tmp_path, args, needle):
    args = [str(tmp_path / "o") if a == "OUT" else a for a in args]
    r = run_spate("gen", "orders", *args)
    assert r.returncode == 2
    assert needle in r.stderr.decode()
    assert r.stdout == b""


def test_unwritable_directory_exit_2(run_spate, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    r = run_spate("gen", "orders", "--count", 10, "--files", 1, "--out", blocker / "sub")
    assert r.returncode == 2
    assert "cannot create directory" in r.stderr.decode()


def test_commands_and_usage_errors(run_spate):
    assert run_spate().returncode == 2
    r = run_spate("frobnicate")
    assert r.returncode == 2 and "frobnicate" in r.stderr.decode()
    r = run_spate("gen", "customers")
    assert r.returncode == 2 and "customers" in r.stderr.decode()
    assert run_spate("gen").returncode == 2
    r = run_spate("version")
    assert r.returncode == 0 and re.match(rb"spate \d+\.\d+\.\d+\n$", r.stdout)
    r = run_spate("help")
    assert r.returncode == 0 and b"gen" in r.stdout
    assert run_spate("gen", "orders", "--help").returncode == 0


def test_config_markdown(run_spate):
    r = run_spate("config", "--markdown")
    assert r.returncode == 0, r.stderr
    text = r.stdout.decode()
    assert "spate.master" in text and "|" in text
    r = run_spate("config")
    assert r.returncode == 2 and "--markdown" in r.stderr.decode()
    r = run_spate("config", "--yaml")
    assert r.returncode == 2 and "--yaml" in r.stderr.decode()
