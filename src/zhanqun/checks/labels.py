"""Host labels and hosting mode (R1.2, R1.3): pinyin rules checked with pypinyin, every 多音字 reading accepted."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import TYPE_CHECKING

from zhanqun.config import Unit
from zhanqun.findings import Finding, Severity, define

if TYPE_CHECKING:
    from zhanqun.schemas import Locate

WRONG_LABEL = define(
    "C003", "label-pinyin", Severity.ERROR, "子域名标签与单位简称的拼音规则不符。",
    why="000 §5 规定：部门子站用简称的拼音首字母（发改委 → fgw），乡镇、街道用全拼（城关镇 → chengguan），便于群众记忆与识别。",
    example="short_name: 发改委\nlabel: fgwei",
    fix="改为提示中的标签；确需例外时，在 unit.yaml 中写 label_reason: 说明理由。",
    requirement="R1.2",
)
SUBDOMAIN_WITHOUT_REASON = define(
    "C005", "subdomain-without-reason", Severity.WARNING, "部门或乡镇使用独立子站，但没有写明理由。",
    why="47号文和 001 §7、003 §6 要求县级部门和乡镇原则上作为县政府门户的频道，不再单独建站。",
    example="kind: town\nhosting: subdomain",
    fix="改为 hosting: channel；确需独立子站时写 hosting_reason: 理由。",
    requirement="R1.3",
)

_SUFFIXES = ("街道办事处", "办事处", "街道", "镇", "乡")
_MAX_READINGS = 512


def _readings(text: str, initials: bool) -> set[str]:
    from pypinyin import Style, pinyin  # imported here: only config checks need it

    style = Style.FIRST_LETTER if initials else Style.NORMAL
    options = []
    # One character at a time: a phrase dictionary would hide the other readings of a 多音字.
    # errors= may return a list of strings (one syllable each); the pypinyin stubs only allow str
    for syllables in pinyin(list(text), style=style, heteronym=True,
                            errors=lambda chars: [c for c in chars.lower() if c.isalnum()]):  # type: ignore[arg-type, return-value]
        options.append(sorted({s.lower().replace("ü", "v") for s in syllables if s}))
    combos = itertools.islice(itertools.product(*options), _MAX_READINGS)
    return {"".join(c) for c in combos}


def expected_labels(unit: Unit) -> list[str]:
    """Every label the rules accept for a unit, best first."""
    if unit.kind == "portal":
        return ["www"]
    if unit.kind in ("town", "street"):
        names = [unit.short_name]
        for suffix in _SUFFIXES:
            if unit.short_name.endswith(suffix) and len(unit.short_name) > len(suffix):
                names.insert(0, unit.short_name[: -len(suffix)])
                break
        out: list[str] = []
        for name in names:
            out += sorted(_readings(name, initials=False), key=lambda s: (s != _common(name, False), s))
        return out
    return sorted(_readings(unit.short_name, initials=True), key=lambda s: (s != _common(unit.short_name, True), s))


def _common(text: str, initials: bool) -> str:
    from pypinyin import Style, lazy_pinyin

    style = Style.FIRST_LETTER if initials else Style.NORMAL
    # errors= may return a list of strings (one syllable each); the pypinyin stubs only allow str
    return "".join(lazy_pinyin(text, style=style,
                               errors=lambda chars: [c for c in chars.lower() if c.isalnum()])).lower()  # type: ignore[arg-type, return-value]


def check_unit(unit: Unit, rel: str, locate: Locate) -> Iterator[Finding]:
    if not unit.label_reason.strip():
        accepted = expected_labels(unit)
        if unit.label not in accepted:
            line, col = locate(("label",))
            rule = {"portal": "www", "town": "全拼", "street": "全拼"}.get(unit.kind, "简称拼音首字母")
            yield Finding(rel, line, col, WRONG_LABEL,
                          f"标签“{unit.label}”不符合规则（{unit.short_name} → {rule}）。",
                          f"建议改为 label: {accepted[0]}；确需例外请写 label_reason。")
    if unit.kind in ("department", "town", "street") and unit.hosting == "subdomain" and not unit.hosting_reason.strip():
        line, col = locate(("hosting",))
        kind = {"department": "部门", "town": "乡镇", "street": "街道"}[unit.kind]
        yield Finding(rel, line, col, SUBDOMAIN_WITHOUT_REASON,
                      f"{kind}“{unit.short_name}”使用独立子站，但没有写 hosting_reason。",
                      "原则上应作为门户频道（hosting: channel）；确需独立子站请写明理由。")
