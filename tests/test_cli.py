"""The command line as editors and admins use it: rule docs, JSON output, scaffolding (R4, R10)."""

from __future__ import annotations

import json
import re

import pytest

from zhanqun.rules import RULES


@pytest.mark.parametrize("code", sorted(RULES))
def test_every_rule_is_documented(zq, code):
    result = zq("rule", code.lower())
    assert result.code == 0
    for section in ("为什么：", "示例：", "如何修改：", "依据：R"):
        assert section in result.out, (code, section)


def test_unknown_rule_is_a_usage_error_with_suggestion(zq):
    result = zq("rule", "S01")
    assert result.code == 2 and "是不是想查" in result.err


def test_clean_demo_checks_clean(built_demo, zq):
    result = zq("check", "--root", built_demo, "--format", "json")
    assert result.code == 0
    assert [f for f in json.loads(result.out)["findings"] if f["severity"] == "error"] == []


def test_json_findings_have_the_documented_shape(demo_repo, zq):
    (demo_repo / "content/fgw/gzdt/x.md").write_text("---\ntitle: 测试\n---\n", encoding="utf-8")
    result = zq("check", "content/fgw/gzdt", "--root", demo_repo, "--format", "json")
    assert result.code == 1
    findings = json.loads(result.out)["findings"]
    assert findings and all(set(f) == {"code", "severity", "path", "line", "column", "message", "hint"} for f in findings)
    assert {f["path"] for f in findings} == {"content/fgw/gzdt/x.md"}


def test_usage_errors_exit_2(zq, built_demo):
    assert zq("check", "--root", built_demo, "--format", "xml").code == 2
    assert zq("check", "--root", built_demo / "content" / "fgw").code == 2


def test_new_policy_gets_the_next_index_number_and_passes_once_filled(demo_repo, zq):
    result = zq("new", "fgw", "zcwj", "关于印发《示例县重点项目管理办法》的通知", "--root", demo_repo, "--date", "2026-11-20")
    assert result.code == 0
    path = demo_repo / result.out.strip()
    text = path.read_text(encoding="utf-8")
    assert 'index_no: "SLXFGW-02-2026-' in text and "doc_number:" in text
    first_no = int(re.search(r'index_no: "SLXFGW-02-2026-(\d{5})"', text).group(1))
    before = zq("check", str(path), "--root", demo_repo)
    assert before.code == 1 and "doc_number" in before.out  # empty required values must be filled in
    text = text.replace('doc_number: ""', 'doc_number: "示发改〔2026〕9号"').replace('topic: ""', 'topic: "国民经济管理"')
    text = text.replace("keywords: []", "keywords: [重点项目]")
    path.write_text(text, encoding="utf-8")
    placeholder = zq("check", str(path), "--root", demo_repo)
    assert placeholder.code == 1 and "J006" in placeholder.out  # the scaffold's body is not a page yet (R7.1)
    path.write_text(text.replace("（在这里写正文。）", "第一条 为规范全县重点项目管理，制定本办法。"), encoding="utf-8")
    after = zq("check", str(path), "--root", demo_repo)
    assert after.code == 0, after.text
    second = zq("new", "fgw", "zcwj", "第二份文件", "--root", demo_repo, "--date", "2026-11-20")
    assert f'SLXFGW-02-2026-{first_no + 1:05d}' in (demo_repo / second.out.strip()).read_text(encoding="utf-8")


def test_new_rejects_unknown_unit_and_column(demo_repo, zq):
    result = zq("new", "fgx", "zcwj", "标题", "--root", demo_repo)
    assert result.code == 2 and "是不是想写“fgw”" in result.err
    assert zq("new", "fgw", "zcwjj", "标题", "--root", demo_repo).code == 2


def test_rules_page_lists_every_rule():
    from pathlib import Path

    from zhanqun.rules import markdown

    text = (Path(__file__).resolve().parent.parent / "docs" / "rules.md").read_text(encoding="utf-8")
    assert all(f"| {code} |" in text for code in RULES)
    assert text == markdown(), "regenerate: zhanqun rule --list > docs/rules.md"
