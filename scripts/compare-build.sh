#!/usr/bin/env bash
# Build the demo county at another commit and at the working tree, and compare the output byte for byte
# (issue 13: "the demo still builds the same bytes"). Usage: bash scripts/compare-build.sh REV
# Each build uses its own .venv with that commit's zhanqun; both use the same SOURCE_DATE_EPOCH (now), so
# embargoes and "expired" marks agree. Only what names the build itself may differ: each site's
# zhanqun-manifest.json (built_at, commit) and output/.zhanqun/*.fingerprint (they cover zhanqun's code).
# Exit 0 when nothing else differs, 1 when something does (listed), 2 on a usage error.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ $# -ne 1 ]; then echo "用法：bash scripts/compare-build.sh 提交" >&2; exit 2; fi
rev=$(git rev-parse --verify --quiet "$1^{commit}") || { echo "没有这个提交：$1" >&2; exit 2; }
work=$(mktemp -d); trap 'git worktree remove --force "$work/before" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(date +%s)}
git worktree add --detach --quiet "$work/before" "$rev"
python3 -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet -e "$work/before" >"$work/log" 2>&1 || { cat "$work/log"; exit 2; }  # editable: older commits read their defaults from the checkout
(cd "$work/before" && "$work/venv/bin/zhanqun" build --output "$work/out-before" >"$work/log" 2>&1) || { cat "$work/log"; exit 2; }
[ -x .venv/bin/zhanqun ] || { python3 -m venv .venv && .venv/bin/pip install --quiet -e .; }
.venv/bin/zhanqun build --output "$work/out-now" >"$work/log" 2>&1 || { cat "$work/log"; exit 2; }
differ=$(diff -rq "$work/out-before" "$work/out-now" | grep -v -e '/zhanqun-manifest.json and ' -e '\.fingerprint and ' || true)
for site in "$work"/out-now/*/; do  # the manifests: every key but built_at and commit
  name=$(basename "$site")
  .venv/bin/python - "$work/out-before/$name/zhanqun-manifest.json" "$site/zhanqun-manifest.json" <<'PY' || differ+=$'\n'"$name/zhanqun-manifest.json"
import json, sys
a, b = (json.load(open(p, encoding="utf-8")) for p in sys.argv[1:])
for m in (a, b):
    m.pop("built_at", None), m.pop("commit", None)
sys.exit(a != b)
PY
done
if [ -n "${differ//[$'\n']/}" ]; then printf '与 %s 的构建结果不同：\n%s\n' "$1" "$differ"; exit 1; fi
echo "与 $1 的构建结果逐字节相同（只有各站点清单的 built_at、commit 和 .zhanqun 指纹不同）。"
