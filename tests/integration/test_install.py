"""The installable library: libspate.so exports exactly the public API, and a
program built the way its users build it (`cc app.c $(pkg-config --cflags
--libs spate)`) against an install into a temporary DESTDIR runs."""
import os
import re
import shutil
import subprocess

import pytest

from conftest import ROOT, parse_print_blocks

PREFIX = "/usr/local"


def cmake_cache(build):
    cache = {}
    for line in (build / "CMakeCache.txt").read_text().splitlines():
        m = re.match(r"^([A-Za-z_0-9]+):[A-Z]+=(.*)$", line)
        if m:
            cache[m.group(1)] = m.group(2)
    return cache


def defined_symbols(args):
    out = subprocess.run(["nm", *args], check=True, stdout=subprocess.PIPE, text=True).stdout
    return {f[2] for f in (line.split() for line in out.splitlines())
            if len(f) == 3 and f[1] in "TDBRVW"}


def test_shared_library_exports_only_the_public_api(build):
    exported = defined_symbols(["-D", "--defined-only", str(build / "libspate.so")])
    not_api = sorted(s for s in exported if not s.startswith("spate_"))
    assert not_api == [], f"libspate.so exports internal symbols: {not_api[:20]}"
    # Every spate_ function the library defines is exported: a public
    # declaration without SPATE_API would be missing here.
    defined = {s for s in defined_symbols([str(build / "libspate.a")]) if s.startswith("spate_")}
    assert defined - exported == set()
    assert len(exported) > 200


def test_shared_library_has_a_soversion(build):
    out = subprocess.run(["readelf", "-d", str(build / "libspate.so")], check=True,
                         stdout=subprocess.PIPE, text=True).stdout
    assert re.search(r"SONAME.*\[libspate\.so\.\d+\]", out), out


@pytest.fixture
def installed(build, tmp_path):
    destdir = tmp_path / "dest"
    env = dict(os.environ, DESTDIR=str(destdir))
    r = subprocess.run(["cmake", "--install", str(build), "--prefix", PREFIX], env=env,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=120)
    assert r.returncode == 0, r.stdout
    return destdir


def test_install_honours_prefix_and_destdir(installed):
    root = installed / PREFIX.lstrip("/")
    assert (root / "include/spate/spate.h").is_file()
    assert (root / "include/spate/export.h").is_file()
    libs = {p.name for p in (root / "lib").iterdir()}
    assert {"libspate.so", "libspate.a"} <= libs
    assert any(re.fullmatch(r"libspate\.so\.\d+", n) for n in libs), libs
    assert (root / "bin/spate").is_file()
    pc = (root / "lib/pkgconfig/spate.pc").read_text()
    assert f"prefix={PREFIX}\n" in pc
    assert not list(root.rglob("*_int.h")), "private headers installed"


def test_program_builds_with_pkg_config_and_runs(build, installed, tmp_path):
    cache = cmake_cache(build)
    cc = cache.get("CMAKE_C_COMPILER", "cc")
    flags = []
    if cache.get("SPATE_SANITIZE") == "ON":
        flags = ["-fsanitize=address,undefined"]
    if cache.get("SPATE_TSAN") == "ON":
        flags = ["-fsanitize=thread"]
    root = installed / PREFIX.lstrip("/")
    env = dict(os.environ, PKG_CONFIG_PATH=str(root / "lib/pkgconfig"),
               PKG_CONFIG_SYSROOT_DIR=str(installed))
    pc = subprocess.run(["pkg-config", "--cflags", "--libs", "spate"], env=env, check=True,
                        stdout=subprocess.PIPE, text=True).stdout.split()
    assert f"-I{root}/include" in pc and f"-L{root}/lib" in pc and "-lspate" in pc, pc
    app = tmp_path / "queue_stream.c"
    shutil.copy(ROOT / "examples/queue_stream.c", app)
    exe = tmp_path / "app"
    r = subprocess.run([cc, *flags, str(app), "-o", str(exe), *pc], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True, timeout=120)
    assert r.returncode == 0, r.stdout
    # It links the installed shared library, not the build tree's.
    run_env = dict(os.environ, LD_LIBRARY_PATH=str(root / "lib"))
    ldd = subprocess.run(["ldd", str(exe)], env=run_env, stdout=subprocess.PIPE, text=True).stdout
    assert str(root / "lib/libspate.so") in ldd, ldd
    r = subprocess.run([str(exe), "--batch", "200ms", "--batches", "2"], env=run_env,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    blocks = parse_print_blocks(r.stdout)
    assert set(blocks[0][1]) == {"(Spark,1)", "(Streaming,1)", "(Sample,1)", "(ssc,1)"}
