#!/usr/bin/env bash
# Install zhanqun into .venv, build the demo county (示例县) and serve its portal with live reload.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/pip install --quiet --upgrade pip
.venv/bin/pip install --quiet -e .
.venv/bin/zhanqun build
echo "全部站点已构建到 output/。下面预览门户 www（其他站点：.venv/bin/zhanqun serve fgw 等）。"
exec .venv/bin/zhanqun serve www --port "${PORT:-8000}"
