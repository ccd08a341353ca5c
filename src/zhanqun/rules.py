"""The rule registry, complete: importing this module imports every rule family."""

from __future__ import annotations

import difflib

from zhanqun import cluster, schemas, source  # noqa: F401 - they define rules
from zhanqun.checks import html_safety, labels, references  # noqa: F401
from zhanqun.errors import UsageError
from zhanqun.findings import RULES, Rule

__all__ = ["RULES", "lookup"]


def lookup(code: str) -> Rule:
    code = code.strip().upper()
    if code in RULES:
        return RULES[code]
    close = difflib.get_close_matches(code, list(RULES), n=3)
    hint = ("是不是想查 " + "、".join(close) + "？") if close else "全部规则：" + " ".join(sorted(RULES))
    raise UsageError(f"没有规则 {code}。", hint=hint)
