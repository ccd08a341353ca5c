"""One code namespace (issue 13, R4, R10): every code a user can see is registered and documented, removed
codes are never reused, a finding without its own hint shows its rule's fix."""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Callable, Iterator

import pytest

from tests.conftest import PROJECT, Result
from zhanqun import findings, output
from zhanqun.findings import REMOVED, Finding, Severity, define
from zhanqun.rules import RULES, markdown

SRC = PROJECT / "src" / "zhanqun"
_CODE = re.compile(r"^[A-Z]\d{3}$")
_CODE_IN_TEXT = re.compile(r"(?<![A-Za-z0-9])[A-Z]\d{3}(?![0-9])")


def _docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def codes_in_source() -> Iterator[tuple[str, str]]:
    """(code, where) for every code literal in src/: a string that is a code ("B001", a Finding's code
    argument), and a code quoted in a message or an f-string's text ("审计会把它列为 V001"). Docstrings
    (which speak of ranges such as T001–T019) are not shown to users."""
    for path in sorted(SRC.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        skip = _docstrings(tree)
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Constant) and isinstance(node.value, str)) or id(node) in skip:
                continue
            where = f"{path.relative_to(PROJECT)}:{node.lineno}"
            if _CODE.match(node.value):
                yield node.value, where
            else:
                for code in _CODE_IN_TEXT.findall(node.value):
                    yield code, where


def test_source_scan_finds_codes() -> None:
    seen = {code for code, _ in codes_in_source()}
    # the codes issue 13 named as seen but unknown, and one only ever quoted in a message (cli.py)
    assert {"B001", "B002", "D001", "D002", "D003", "D004", "V001", "V005", "V009"} <= seen


def test_every_code_a_user_can_see_is_registered() -> None:
    unknown = sorted({f"{code} ({where})" for code, where in codes_in_source() if code not in RULES | REMOVED})
    assert not unknown, "codes shown to users but unknown to `zhanqun rule`: " + ", ".join(unknown)


def test_removed_codes_are_not_registered() -> None:
    assert not set(REMOVED) & set(RULES)


@pytest.fixture
def removed_code(monkeypatch: pytest.MonkeyPatch) -> str:
    """A removed code, as the registry will list one: Q999 stands for it (the family Q does not exist)."""
    monkeypatch.setitem(REMOVED, "Q999", "2026-12 并入 Q998（issue 13 的测试用）")
    return "Q999"


def test_define_refuses_a_removed_code(removed_code: str) -> None:
    with pytest.raises(ValueError, match="never reused"):
        define(removed_code, "reused", Severity.ERROR, "不应注册。", why="", example="", fix="", requirement="")
    assert removed_code not in RULES


def test_rule_explains_a_removed_code(zq: Callable[..., Result], removed_code: str) -> None:
    result = zq("rule", removed_code.lower())
    assert result.code == 0
    assert result.out.strip() == f"{removed_code} 已停用：2026-12 并入 Q998（issue 13 的测试用）"


def test_rules_page_lists_removed_codes(removed_code: str) -> None:
    page = markdown()
    assert "## 已停用的代码" in page and f"| {removed_code} | 2026-12 并入 Q998（issue 13 的测试用） |" in page


def test_unknown_code_is_still_a_usage_error(zq: Callable[..., Result]) -> None:
    assert zq("rule", "Q999").code == 2


def test_hint_defaults_to_the_rules_fix() -> None:
    rule = RULES["F001"]
    bare = Finding("content/fgw/x.md", 3, 1, "F001", "问题。")
    own = Finding("content/fgw/x.md", 4, 1, "F001", "问题。", "自己的提示。")
    assert bare.hint == "" and bare.shown_hint == rule.fix and own.shown_hint == "自己的提示。"
    assert f"    提示：{rule.fix}" in output.findings_text([bare])
    records = json.loads(output.findings_json([bare, own]))["findings"]
    assert [r["hint"] for r in records] == [rule.fix, "自己的提示。"]
    # equality and sorting (baselines, caches) still see the stored hint
    assert bare == Finding("content/fgw/x.md", 3, 1, "F001", "问题。", "")
    assert findings.RULES is RULES

