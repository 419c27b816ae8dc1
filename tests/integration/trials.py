"""How many kill -9 trials a test runs: all of them against the plain
build, a third (at least 2) against a sanitizer build ($SPATE_SANITIZED, set
by scripts/run-tests.sh for ASan and by scripts/run-tsan.sh). Each process
runs several times slower there; the trials are about where a crash lands,
which the plain build's runs cover, and the sanitizers about memory and
races, which a few trials of each kind already exercise."""
import os


def trials(n):
    return range(max(2, n // 3) if os.environ.get("SPATE_SANITIZED") else n)
