"""Inline suppressions (R4): ``zhanqun: ignore[CODE] 理由`` names the code and gives a reason.

In a Markdown body it is written as an HTML comment (which the build strips), in front matter as a YAML
comment::

    <!-- zhanqun: ignore[W002] 引用的是 1949 年以前的史料原文 -->
    # zhanqun: ignore[P002] 该号码是镇政府值班手机，已公开多年

A comment on a line of its own applies to the next non-blank line; otherwise to its own line.
``ignore-file[CODE]`` applies to the whole file, but never for personal data (P) or secrets (M): each such
finding needs its own reviewed reason. Suppressions without a reason, naming an unknown code, or suppressing
nothing are findings themselves; ``zhanqun check --no-suppress`` shows everything with the reasons given.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from typing import Any

from zhanqun.findings import RULES, Finding, Severity, define

NO_REASON = define(
    "N001", "suppression-without-reason", Severity.ERROR, "豁免注释没有写理由。",
    why="每一处豁免都会进入审计记录；没有理由的豁免无法审核。",
    example="<!-- zhanqun: ignore[W002] -->",
    fix="在方括号后写明理由：<!-- zhanqun: ignore[W002] 引用史料原文，保留原貌 -->。",
    requirement="R4",
)
UNUSED = define(
    "N002", "unused-suppression", Severity.WARNING, "豁免注释没有豁免任何问题。",
    why="多余的豁免会掩盖以后真正的问题，应当删除。",
    example="<!-- zhanqun: ignore[P002] … --> 所在行已经没有手机号",
    fix="删除这条豁免注释。",
    requirement="R4",
)
FILE_LEVEL_FORBIDDEN = define(
    "N003", "file-suppression-not-allowed", Severity.ERROR, "个人信息（P）和涉密（M）规则不能整篇豁免。",
    why="整篇豁免会让以后粘贴进来的身份证号、密级文件也被放过；每一处都必须单独说明理由。",
    example="<!-- zhanqun: ignore-file[P001] 名单 -->",
    fix="改为逐行豁免：在具体那一行写 <!-- zhanqun: ignore[P001] 理由 -->，或删除号码。",
    requirement="R4.2, R4.3",
)
UNKNOWN_CODE = define(
    "N004", "suppression-unknown-code", Severity.ERROR, "豁免注释中的规则代码不存在或不能豁免。",
    why="只有内容审核类规则（P、M、X、W、L、I）可以豁免；格式、结构类问题必须改正。附件里无法写注释，附件中的问题须改正附件。",
    example="<!-- zhanqun: ignore[S001] 头信息按原文件保留 -->",
    fix="用 zhanqun rule CODE 查看代码；格式问题请直接改正。",
    requirement="R4",
)

SUPPRESSIBLE_FAMILIES = "PMXWLI"  # not A: an attachment cannot carry a comment
NOT_FILE_WIDE = "PM"
_COMMENT = re.compile(r"zhanqun\s*[:：]\s*(ignore-file|ignore)\s*\[([^\]\n]*)\]([^\n]*)")
_REASON_PREFIX = re.compile(r"^\s*(?:理由|原因|reason)?\s*[:：]?\s*")


@dataclasses.dataclass(frozen=True)
class Suppression:
    line: int  # where the comment is
    target: int  # the line it applies to; 0 for the whole file
    codes: tuple[str, ...]
    reason: str

    def to_json(self) -> list[Any]:
        return [self.line, self.target, list(self.codes), self.reason]

    @classmethod
    def from_json(cls, data: list[Any]) -> Suppression:
        return cls(data[0], data[1], tuple(data[2]), data[3])


#: a malformed suppression as a cacheable tuple: line, column, rule code, message, hint, the code it named ("" if none)
Problem = tuple[int, int, str, str, str, str]


def parse(text: str) -> tuple[list[Suppression], list[Problem]]:
    """Suppressions in a file's text, and findings (as cacheable tuples) for malformed ones."""
    if "zhanqun" not in text:
        return [], []
    lines = text.split("\n")
    found: list[Suppression] = []
    problems: list[Problem] = []
    for index, line in enumerate(lines):
        match = _COMMENT.search(line)
        if not match:
            continue
        number = index + 1
        column = match.start() + 1
        kind, codes_text, rest = match.groups()
        codes = tuple(c.strip().upper() for c in re.split(r"[,，\s]+", codes_text) if c.strip())
        reason = _REASON_PREFIX.sub("", rest.replace("-->", "").strip()).strip()
        if len(reason) < 2:
            problems.append((number, column, NO_REASON, "豁免注释没有写理由，因此不生效。", "在方括号后写明理由。", ""))
            continue
        valid = []
        for code in codes or ("（空）",):
            if code not in RULES or code[0] not in SUPPRESSIBLE_FAMILIES:
                problems.append((number, column, UNKNOWN_CODE, f"豁免注释中的“{code}”不存在或不能豁免。",
                                 "可以豁免的是 P、M、X、W、L、I 开头的规则；用 zhanqun rule CODE 查看。", code))
            elif kind == "ignore-file" and code[0] in NOT_FILE_WIDE:
                problems.append((number, column, FILE_LEVEL_FORBIDDEN, f"{code} 不能整篇豁免，因此不生效。",
                                 "改为在具体那一行写 zhanqun: ignore[…] 理由。", code))
            else:
                valid.append(code)
        if not valid:
            continue
        if kind == "ignore-file":
            target = 0
        elif _alone(line, match):
            # The next line with content: stacked suppression comments and a closing "-->" are skipped.
            target = next((i + 1 for i in range(index + 1, len(lines)) if not _only_comment(lines[i])), number)
        else:
            target = number
        found.append(Suppression(number, target, tuple(valid), reason))
    return found, problems


def _only_comment(line: str) -> bool:
    """Blank, a bare <!-- or -->, or a suppression comment alone on its line."""
    if not re.sub(r"<!--|-->|\s", "", line):
        return True
    match = _COMMENT.search(line)
    return match is not None and _alone(line, match)


def _alone(line: str, match: re.Match[str]) -> bool:
    """Whether the comment is the only thing on its line (so it applies to the next line)."""
    rest = line[:match.start()] + line[match.end():]
    return not re.sub(r"<!--|-->|#|\s", "", rest)


class FileSuppressions:
    """The suppressions of one file and which of them were used."""

    def __init__(self, rel: str, suppressions: Iterable[Suppression]) -> None:
        self.rel = rel
        self.items = list(suppressions)
        self.used: set[tuple[int, str]] = set()

    def match(self, finding: Finding) -> Suppression | None:
        for index, s in enumerate(self.items):
            if finding.code in s.codes and s.target in (0, finding.line):
                self.used.add((index, finding.code))
                return s
        return None

    def apply(self, findings: Iterable[Finding], enabled: bool = True) -> list[Finding]:
        """Drop suppressed findings; with ``enabled=False`` keep them and say which suppression covers them."""
        kept = []
        for finding in findings:
            suppression = self.match(finding) if finding.code[0] in SUPPRESSIBLE_FAMILIES else None
            if suppression is None:
                kept.append(finding)
            elif not enabled:
                kept.append(dataclasses.replace(
                    finding, hint=f"（已豁免，第 {suppression.line} 行，理由：{suppression.reason}）{finding.hint}"))
        return kept

    def unused(self) -> list[Finding]:
        findings = []
        for index, s in enumerate(self.items):
            for code in s.codes:
                if (index, code) not in self.used:
                    findings.append(Finding(self.rel, s.line, 1, UNUSED, f"豁免注释 ignore[{code}] 没有豁免任何问题。",
                                            "删除这条豁免注释。", code))
        return findings
