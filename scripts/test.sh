#!/usr/bin/env bash
# Install what the tests need (Debian packages: headless Chromium and its driver, CJK fonts; Python
# packages into .venv) and run the whole test suite with pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
APT_PACKAGES="chromium chromium-driver fonts-noto-cjk"
if ! command -v chromedriver >/dev/null 2>&1; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $APT_PACKAGES >/dev/null
fi
python3 -m venv .venv
.venv/bin/pip install --quiet --upgrade pip
.venv/bin/pip install --quiet -e '.[test]'
exec .venv/bin/python -m pytest "$@"
