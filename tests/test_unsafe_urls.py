"""Unsafe URLs that look safe (R4.8, issue 10 §3): a javascript:, vbscript:, data: or file: URL is H003 — an
error no comment can suppress — however it is written: with character references, with &colon;, with a tab,
newline or control character inside the scheme, in a reference-style definition, in raw HTML, in an image."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import copy_repo
from zhanqun.checks import html_safety

HEAD = """---
title: 县发改委发布项目申报指南
date: 2026-11-20
author: 刘晓
source: 示例县发展和改革委员会
---

"""
NEWS = "content/fgw/gzdt/2026-11-20-lianjie.md"
BODY_LINE = HEAD.count("\n") + 1


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> Path:
    return copy_repo(tmp_path_factory.mktemp("urls") / "repo")


def check_body(zq, repo: Path, body: str) -> list[dict]:
    (repo / NEWS).write_text(HEAD + body, encoding="utf-8")
    try:
        return [f for f in json.loads(zq("check", "--root", repo, "--format", "json").out)["findings"] if f["path"] == NEWS]
    finally:
        (repo / NEWS).unlink()


DISGUISED = [
    ("[详情](&#106;avascript:alert(1))", "javascript"),
    ("[详情](&#x6A;&#X61;vascript:alert(1))", "javascript"),
    ("[详情](&#0000106avascript:alert(1))", "javascript"),  # leading zeros, no semicolon
    ("[详情](javascript&colon;alert(1))", "javascript"),
    ("[详情](javascript&#58;alert(1))", "javascript"),
    ("[详情](java\tscript:alert(1))", "javascript"),
    ("[详情](java&Tab;script:alert(1))", "javascript"),
    ("[详情](jav&#x0A;ascript:alert(1))", "javascript"),
    ("[详情](\x01javascript:alert(1))", "javascript"),
    ("[详情]( JaVaScRiPt:alert(1) )", "javascript"),
    ("[详情](<javascript:alert(1)>)", "javascript"),
    ("请看[详情][1]。\n\n[1]: javascript:alert(1)", "javascript"),
    ("请看[详情]。\n\n[详情]: <java&#9;script:void(0)>", "javascript"),
    ("[详情][a]\n\n  [a]:   vbscript:msgbox(1)  \"标题\"", "vbscript"),
    ("<a href=\"jav&#x09;ascript:alert(1)\">详情</a>", "javascript"),
    ("<a\nhref=\"java\nscript:alert(1)\">详情</a>", "javascript"),
    ("[文件](file:///etc/passwd)", "file"),
    ("![平面图](file:///C:/Users/a/desktop/x.png)", "file"),
    ("![图](FILE://server/share/a.png)", "file"),
    ("![图](data&colon;image/svg+xml;base64,PHN2Zz4=)", "data"),
    ("<img src=\"fi&#108;e:///etc/hosts\" alt=\"图\">", "file"),
]


@pytest.mark.parametrize("body, scheme", DISGUISED)
def test_a_disguised_unsafe_url_is_h003_on_its_line(body, scheme):
    found = [f for f in html_safety.scan(body, NEWS, BODY_LINE) if f.code == "H003"]
    assert found, body
    lines = [BODY_LINE + number for number, text in enumerate(body.split("\n"))
             if scheme in html_safety._ANY_CONTROL_OR_SPACE.sub("", __import__("html").unescape(text)).lower()
             or "<" in text or "](" in text or "]:" in text]
    assert found[0].line in lines, (body, found[0].line)


SAFE = [
    "不要点击以 javascript: 开头的可疑链接，谨防诈骗。",
    "数据来源 data: 县统计局；附件 file: 见文末。",
    "[县政府门户](https://www.shilixian.gov.cn/) 与 [站内通知](../tzgg/index.html)",
    "[邮箱](mailto:fgw@shilixian.gov.cn) 或 [电话](tel:0000-1234567)",
    "代码示例：`javascript:void(0)` 不是链接。",
    "[详情](javascript\\:alert(1))",  # the backslash makes it a relative path, not a scheme
]


@pytest.mark.parametrize("body", SAFE)
def test_ordinary_text_and_safe_links_are_not_h003(body):
    assert not [f for f in html_safety.scan(body, NEWS, BODY_LINE) if f.code == "H003"]


def test_in_a_real_check_it_is_an_error_that_no_comment_can_suppress_and_no_broken_link(repo, zq):
    found = check_body(zq, repo, "请看[详情][1]。\n\n[1]: &#106;avascript&colon;alert(1)\n")
    assert [f["code"] for f in found if f["code"] == "H003"] and all(f["severity"] == "error" for f in found if f["code"] == "H003")
    assert "L003" not in {f["code"] for f in found}  # not a suppressible "broken link" instead
    suppressed = check_body(zq, repo, "<!-- zhanqun: ignore[H003] 领导同意 -->\n[详情](java\tscript:alert(1))\n")
    codes = {f["code"] for f in suppressed}
    assert "H003" in codes and ("N004" in codes or "N003" in codes or "N001" in codes)


def test_the_build_refuses_it_and_the_sanitiser_would_have_dropped_it_anyway(repo, zq, tmp_path):
    (repo / NEWS).write_text(HEAD + "[详情](&#106;avascript:alert(1))\n", encoding="utf-8")
    try:
        result = zq("build", "--root", repo, "--output", tmp_path / "out")
        assert result.code == 1 and "H003" in result.text
        assert not (tmp_path / "out" / "fgw.shilixian.gov.cn").exists()
    finally:
        (repo / NEWS).unlink()
    from zhanqun.markup import render

    assert "javascript" not in render("[详情](&#106;avascript:alert(1))").lower().replace("&#106;", "j")


@pytest.mark.parametrize("body, code", [
    ('## 标题 {: onclick="alert(1)" }', "H002"),
    ('正文段落\n{: style="display:none" }', "H004"),
    ('## 标题 {: #id .cls onmouseover="x" }', "H002"),
])
def test_attr_list_attributes_are_reported(body, code):
    assert code in {f.code for f in html_safety.scan(body, NEWS, BODY_LINE)}
