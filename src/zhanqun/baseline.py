"""Baselines (R4): a cluster importing years of legacy pages records today's findings once and is then told
only about new ones. Findings are matched by path, code and key (the masked number, the term, the link …)
and their order among equals, never by line number, so editing above an old finding does not make it new.

The file is JSON, readable in review, and holds no personal data: numbers appear only masked.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from pathlib import Path

from zhanqun.errors import UsageError
from zhanqun.findings import Finding
from zhanqun.source import load_json

VERSION = 1


def fingerprints(findings: Iterable[Finding]) -> list[tuple[str, Finding]]:
    counts: dict[tuple[str, str, str], int] = {}
    result = []
    for finding in sorted(findings):
        identity = (finding.path, finding.code, finding.key or finding.message)
        occurrence = counts.get(identity, 0)
        counts[identity] = occurrence + 1
        digest = hashlib.sha256("\0".join((*identity, str(occurrence))).encode("utf-8")).hexdigest()[:20]
        result.append((digest, finding))
    return result


def write(path: Path, findings: Sequence[Finding]) -> int:
    entries = [{"fingerprint": fp, "path": f.path, "code": f.code, "message": f.message}
               for fp, f in fingerprints(findings)]
    try:
        path.write_text(json.dumps({"version": VERSION, "findings": entries}, ensure_ascii=False, indent=1) + "\n",
                        encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"无法写入基线文件 {path}：{exc.strerror}。", hint="检查目录是否存在、是否有写权限。") from None
    return len(entries)


def read(path: Path) -> set[str]:
    try:
        data = load_json(path.read_text(encoding="utf-8"))
        return {entry["fingerprint"] for entry in data["findings"]}
    except FileNotFoundError:
        raise UsageError(f"找不到基线文件 {path}。", hint="先用 zhanqun check --write-baseline 文件名 生成。") from None
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        raise UsageError(f"基线文件 {path} 格式不对。", hint="重新用 zhanqun check --write-baseline 生成。") from None


def new_only(findings: Sequence[Finding], known: set[str]) -> list[Finding]:
    return [f for fp, f in fingerprints(findings) if fp not in known]
