#!/usr/bin/env bash
# The static checks CI runs before the tests (issue 13): ruff over src/ and tests/ with pyproject.toml's rule
# selection, then mypy --strict over src/zhanqun (pyproject.toml [tool.mypy]). Any finding fails the run.
# Needs the .venv scripts/test.sh installs (ruff and mypy are pinned in the test extra).
set -euo pipefail
cd "$(dirname "$0")/.."
status=0
.venv/bin/ruff check src tests || status=1
.venv/bin/mypy || status=1
exit $status
