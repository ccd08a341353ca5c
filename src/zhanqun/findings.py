"""Findings and the rule registry.

Scanners yield :class:`Finding` records and never print. Every code is stable and never reused; each
rule has a documentation page shown by ``zhanqun rule CODE``.
"""

from __future__ import annotations

import dataclasses
import enum
import re
from collections.abc import Iterable

from zhanqun.checks.normalise import INVISIBLE, normalise


class Severity(str, enum.Enum):
    ERROR = "error"
    WARNING = "warning"

    @property
    def label(self) -> str:
        return {"error": "错误", "warning": "警告"}[self.value]


@dataclasses.dataclass(frozen=True)
class Rule:
    code: str
    name: str
    severity: Severity
    summary: str  # one line, Chinese
    why: str
    example: str
    fix: str
    requirement: str  # requirement ids, e.g. "R2, R4.1"

    def doc(self) -> str:
        return (
            f"{self.code} {self.name}（{self.severity.label}）\n\n"
            f"{self.summary}\n\n"
            f"为什么：{self.why}\n\n"
            f"示例：\n{_indent(self.example)}\n\n"
            f"如何修改：{self.fix}\n\n"
            f"依据：{self.requirement}\n"
        )


def _indent(text: str) -> str:
    return "\n".join("    " + line for line in text.strip("\n").splitlines())


@dataclasses.dataclass(frozen=True, order=True)
class Finding:
    path: str  # relative to the repository root, POSIX separators
    line: int  # 1-based; 0 when the finding concerns the whole file
    column: int  # 1-based; 0 when unknown
    code: str
    message: str
    hint: str = ""
    # What the finding is about, independent of its line (the masked number, the term …): baselines match
    # findings by path, code and key, so inserting a paragraph above a legacy finding does not make it new.
    key: str = dataclasses.field(default="", compare=False)

    def __post_init__(self) -> None:
        # Whatever a rule quotes (a file name, a link, a term), no number of 11+ digits leaves in full, however it
        # was written (138.0013.8000, full-width digits, entities, zero-width characters inside): it may be an ID
        # or phone number, and messages reach terminals, CI logs, JSON and baseline files (R4.2, R4.10).
        # Invisible characters are dropped: a bidi control would reorder the line a reviewer reads.
        for name in ("message", "key"):
            value = getattr(self, name)
            if (shown_value := masked(value)) is not value:
                object.__setattr__(self, name, shown_value)
        # A name from the file system that was not UTF-8 holds lone surrogates, which no output can encode (a
        # print, a JSON dump, a baseline would crash): every text of a finding shows such bytes as \xNN (F008).
        for name in ("path", "message", "hint", "key"):
            value = getattr(self, name)
            if SURROGATE.search(value):
                object.__setattr__(self, name, shown(value))

    @property
    def rule(self) -> Rule:
        return rule_of(self.code)

    @property
    def severity(self) -> Severity:
        return rule_of(self.code).severity

    @property
    def shown_hint(self) -> str:
        """The hint a user sees: the finding's own, else its rule's fix (issue 13). Only output uses it; the
        stored ``hint`` stays as the scanner gave it, so equality, caches and baselines do not change."""
        if self.hint:
            return self.hint
        found = RULES.get(self.code)
        return found.fix if found is not None else ""

    def as_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "severity": self.severity.value,
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "message": self.message,
            "hint": self.shown_hint,
        }


SURROGATE = re.compile("[\ud800-\udfff]")


def shown(text: str) -> str:
    """``text`` with each byte of a name that was not UTF-8 (``surrogateescape``) written as ``\\xNN`` and any
    other lone surrogate as ``\\uNNNN``: printable, encodable, and it still says which bytes the name holds."""
    if not SURROGATE.search(text):
        return text
    return SURROGATE.sub(lambda m: f"\\x{ord(m.group()) - 0xDC00:02x}" if "\udc80" <= m.group() <= "\udcff"
                         else f"\\u{ord(m.group()):04x}", text)


_DIGIT = re.compile(r"\d")
_INVISIBLE = re.compile(f"[{INVISIBLE}]")
# In normalised text (checks/normalise.py) a number's separators are a space, "-" or ".".
_LONG_NUMBER = re.compile(r"\d(?:[ .\-]?\d){10,}")


def _maybe_number(text: str) -> bool:
    """At least 11 digits (an entity-encoded digit holds digits too): only then can a full number hide."""
    return len(_DIGIT.findall(text)) >= 11


def masked(text: str) -> str:
    """``text`` as any output may show it: :func:`mask_numbers` where a number could hide or an invisible
    character stands, else ``text`` itself (the same object, cheaply). For text people wrote that reaches output
    outside a finding too (a commit subject in the audit)."""
    if _maybe_number(text) or _INVISIBLE.search(text):
        return mask_numbers(text)
    return text


def mask_numbers(text: str) -> str:
    """Mask the middle digits of every number of 11 or more digits, as every message shows a number:
    419900********1234 (IDs, cards: six and four kept), 170****5678 (mobiles: three and four). The number is
    found in the normalised text, so separators, full-width digits, entities and invisible characters do not
    hide it; the masked digits are replaced where they stand in ``text``, whose other characters stay."""
    norm = normalise(text)
    masked: list[tuple[int, int]] = []  # spans of ``text`` to write as "*"
    for match in _LONG_NUMBER.finditer(norm.text):
        digits = [i for i in range(match.start(), match.end()) if norm.text[i].isdigit()]
        keep = 6 if len(digits) >= 15 else 3
        masked += [norm.original_span(i, i + 1) for i in digits[keep:len(digits) - 4]]
    pieces = []
    done = 0
    for start, end in masked:
        pieces += [text[done:start], "*"]
        done = end
    pieces.append(text[done:])
    return _INVISIBLE.sub("", "".join(pieces))


RULES: dict[str, Rule] = {}

# Codes that once existed and are gone, with why and when: never defined again for something else (as ruff
# keeps its removed rules), and ``zhanqun rule CODE`` still says what became of them (issue 13). When a rule
# is removed, renamed or merged, its code moves here in the same commit. As of issue 13 none has been: the
# history of docs/rules.md and of every define() call (git log -p, git log -S) shows no code that left.
REMOVED: dict[str, str] = {}


def rule_of(code: str) -> Rule:
    """The rule of ``code``. A finding can come back from the parse cache before the module that defines its
    rule was imported (C003 from a cached unit.yaml, say): then the whole registry is loaded first."""
    if code not in RULES:
        import zhanqun.rules  # noqa: F401 - defines every rule
    return RULES[code]


def define(
    code: str,
    name: str,
    severity: Severity,
    summary: str,
    *,
    why: str,
    example: str,
    fix: str,
    requirement: str,
) -> str:
    """Register a rule and return its code (so modules can keep ``CODE = define(...)``)."""
    if code in RULES:
        raise ValueError(f"rule code {code} defined twice")
    if code in REMOVED:
        raise ValueError(f"rule code {code} was removed ({REMOVED[code]}); codes are never reused")
    RULES[code] = Rule(code, name, severity, summary, why, example, fix, requirement)
    return code


def errors(findings: Iterable[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity is Severity.ERROR]
