#!/usr/bin/env bash
# Installs the Debian packages spate's build, tests and demo need, when missing.
# (npm packages, with the machine's node and npm: the build runs `npm ci` in bench/ for uPlot,
# which the web UI embeds, and playwright-core, which drives chromium in its tests; wrk loads
# the UI with 200 connections in tests/integration/test_ui_load.py.)
# Safe to run often: it does nothing when everything is there.
set -euo pipefail
PKGS=(cmake make gcc clang libclang-rt-14-dev clang-format pkg-config libxxhash-dev libcriterion-dev python3 python3-pytest
      librdkafka-dev kcat python3-kafka libpcre2-dev libmicrohttpd-dev tzdata libedit-dev
      chromium wrk)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "spate: installing Debian packages: ${missing[*]}" >&2
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
