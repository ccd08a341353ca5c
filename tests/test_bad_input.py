"""Every mistake an editor makes gets a Chinese message with file and line, a stable code, a non-zero
exit, no traceback, and leaves the published output untouched (issue 2 "Bad input"; R2, R4.1, R4.8)."""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import pytest

from tests.conftest import tree_digest

NEWS = "content/fgw/gzdt"
GOOD = """---
title: 县发改委召开重点项目推进会
date: 2026-03-05
author: 刘晓
source: 示例县发展和改革委员会
---

3月5日，县发改委召开重点项目推进会。
"""


def _write(repo: Path, rel: str, data: str | bytes) -> None:
    path = repo / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))


def _replace(repo: Path, rel: str, old: str, new: str) -> None:
    path = repo / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture drift: {old!r} not in {rel}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _first_policy(repo: Path, unit: str = "fgw") -> Path:
    return sorted((repo / "content" / unit / "zcwj").glob("*.md"))[0]


def _policy_index(repo: Path, unit: str) -> str:
    return re.search(r"^index_no:\s*\"?([^\"\s]+)", _first_policy(repo, unit).read_text(encoding="utf-8"), re.M).group(1)


def case_fullwidth_colon(repo):
    _write(repo, f"{NEWS}/bad.md", GOOD.replace("author: 刘晓", "作者：刘晓"))
    return f"{NEWS}/bad.md", 4, "Y003"


def case_gbk(repo):
    _write(repo, f"{NEWS}/bad.md", GOOD.encode("gbk"))
    return f"{NEWS}/bad.md", 2, "F001"


def case_bom(repo):
    _write(repo, f"{NEWS}/bad.md", b"\xef\xbb\xbf" + GOOD.encode())
    return f"{NEWS}/bad.md", 1, "F002"


def case_crlf(repo):
    _write(repo, f"{NEWS}/bad.md", GOOD.replace("\n", "\r\n"))
    return f"{NEWS}/bad.md", 1, "F003"


def case_tab(repo):
    _write(repo, f"{NEWS}/bad.md", GOOD.replace("source:", "tags:\n\t- 乡村振兴\nsource:"))
    return f"{NEWS}/bad.md", 6, "Y002"


def case_duplicate_key(repo):
    _write(repo, f"{NEWS}/bad.md", GOOD.replace("source:", "date: 2026-03-06\nsource:"))
    return f"{NEWS}/bad.md", 5, "Y004"


def case_alias_duplicate(repo):
    _write(repo, f"{NEWS}/bad.md", GOOD.replace("author: 刘晓", "author: 刘晓\n作者: 王芳"))
    return f"{NEWS}/bad.md", 5, "Y004"


def case_missing_field(repo):
    _write(repo, f"{NEWS}/bad.md", GOOD.replace("author: 刘晓\n", ""))
    return f"{NEWS}/bad.md", 2, "S001"


def case_date_format(repo):
    _write(repo, f"{NEWS}/bad.md", GOOD.replace("date: 2026-03-05", "date: 2025/3/5"))
    return f"{NEWS}/bad.md", 3, "S004"


def case_date_not_exist(repo):
    _write(repo, f"{NEWS}/bad.md", GOOD.replace("date: 2026-03-05", "date: 2025-02-30"))
    return f"{NEWS}/bad.md", 3, "S005"


def case_bad_enum(repo):
    _write(repo, f"{NEWS}/bad.md", GOOD.replace("source:", "importance: 非常重要\nsource:"))
    return f"{NEWS}/bad.md", 5, "S003"


def case_malformed_yaml(repo):
    _write(repo, f"{NEWS}/bad.md", GOOD.replace("author: 刘晓", 'author: "刘晓'))
    return f"{NEWS}/bad.md", 0, "Y001"


def case_duplicate_index_no(repo):
    number = _policy_index(repo, "xzf")
    path = _first_policy(repo, "fgw")
    text = re.sub(r"^index_no:.*$", f'index_no: "{number}"', path.read_text(encoding="utf-8"), count=1, flags=re.M)
    path.write_text(text, encoding="utf-8")
    line = text.split("\n").index(f'index_no: "{number}"') + 1
    return path.relative_to(repo).as_posix(), line, "C101"


def case_unit_without_config(repo):
    _write(repo, "content/shj/gzdt/a.md", GOOD)
    return "content/shj/", 0, "C001"


def case_undeclared_column(repo):
    _write(repo, "content/fgw/xwfb/a.md", GOOD)
    return "content/fgw/xwfb/", 0, "C002"


def case_wrong_label(repo):
    _replace(repo, "content/fgw/unit.yaml", "label: fgw", "label: fagaiwei")
    return "content/fgw/unit.yaml", 0, "C003"


def case_yaml_bomb(repo):
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
        for i in range(8))
    _write(repo, f"{NEWS}/bad.md", "---\n" + bomb + GOOD.removeprefix("---\n"))
    return f"{NEWS}/bad.md", 2, "Y005"


def case_huge_file(repo):
    body = ("县发改委召开重点项目推进会。" * 4000 + "\n") * 300
    _write(repo, f"{NEWS}/bad.md", GOOD + body)  # about 50 MB
    return f"{NEWS}/bad.md", 0, "F005"


def case_binary(repo):
    _write(repo, f"{NEWS}/bad.md", b"PK\x03\x04\x14\x00\x06\x00" + bytes(range(256)) * 40)
    return f"{NEWS}/bad.md", 0, "F004"


def case_script(repo):
    _write(repo, f"{NEWS}/bad.md", GOOD + "\n<script>alert(1)</script>\n")
    return f"{NEWS}/bad.md", 10, "H001"


def case_onerror(repo):
    _write(repo, f"{NEWS}/bad.md", GOOD + '\n<img src="a.png" alt="会场" onerror="alert(1)">\n')
    return f"{NEWS}/bad.md", 10, "H002"


def case_javascript_url(repo):
    _write(repo, f"{NEWS}/bad.md", GOOD + "\n[查看详情](javascript:alert(1))\n")
    return f"{NEWS}/bad.md", 10, "H003"


def case_missing_policy(repo):
    path = sorted((repo / "content/fgw/zcjd").glob("*.md"))[0]
    text = re.sub(r"^policy:.*$", 'policy: "SLXFGW-02-2020-00099"', path.read_text(encoding="utf-8"), count=1, flags=re.M)
    path.write_text(text, encoding="utf-8")
    return path.relative_to(repo).as_posix(), text.split("\n").index('policy: "SLXFGW-02-2020-00099"') + 1, "C102"


def case_unapproved_source(repo):
    _write(repo, f"{NEWS}/bad.md", GOOD.replace("source: 示例县发展和改革委员会", "source: 某某自媒体"))
    return f"{NEWS}/bad.md", 5, "C104"


def case_missing_attachment(repo):
    _write(repo, f"{NEWS}/bad.md", GOOD.replace("source:", "attachments: [attachments/nope.pdf]\nsource:"))
    return f"{NEWS}/bad.md", 5, "C106"


# --- issue 10 §9: bad input that still broke ------------------------------------------------------------------


def case_deep_flow_sequence(repo):
    _write(repo, f"{NEWS}/bad.md", GOOD.replace("source:", "tags: " + "[" * 4000 + "乡村振兴" + "]" * 4000 + "\nsource:"))
    return f"{NEWS}/bad.md", 5, "Y007"


def case_deep_flow_mapping_in_cluster_config(repo):
    path = repo / "content/cluster.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "extra: " + "{a: " * 3000 + "1" + "}" * 3000 + "\n",
                    encoding="utf-8")
    return "content/cluster.yaml", len(path.read_text(encoding="utf-8").split("\n")) - 1, "Y007"


def case_deep_block_mapping_in_unit_config(repo):
    path = repo / "content/fgw/unit.yaml"
    text = path.read_text(encoding="utf-8")
    deep = "notes:\n" + "".join(" " * (i + 1) + f"k{i}:\n" for i in range(1500)) + " " * 1501 + "v: 1\n"
    path.write_text(text + deep, encoding="utf-8")
    return "content/fgw/unit.yaml", text.count("\n") + 21, "Y007"  # the 21st level


def case_deep_block_sequence_in_front_matter(repo):
    _write(repo, f"{NEWS}/bad.md", GOOD.replace("source:", "tags:\n" + "- " * 2500 + "x\nsource:"))
    return f"{NEWS}/bad.md", 6, "Y007"


def case_escape_sequence_in_body(repo):
    _write(repo, f"{NEWS}/bad.md", GOOD + "\n会议强调，\x1b[2J\x1b[31m要抓好项目落地。\n")
    return f"{NEWS}/bad.md", 10, "F007"


def case_c1_control_in_title(repo):
    _write(repo, f"{NEWS}/bad.md", GOOD.replace("推进会\n", "推进会\x9b1m\n", 1))
    return f"{NEWS}/bad.md", 2, "F007"


def case_yaml_escape_writes_a_control_character(repo):
    _write(repo, f"{NEWS}/bad.md", GOOD.replace("author: 刘晓", 'author: "刘晓\\e[8m"'))
    return f"{NEWS}/bad.md", 4, "F007"


def case_character_reference_to_a_control_character(repo):
    _write(repo, f"{NEWS}/bad.md", GOOD + "\n项目&#x1B;[8m清单&#8;。\n")
    return f"{NEWS}/bad.md", 10, "F007"


def case_backspace_in_unit_config(repo):
    _replace(repo, "content/fgw/unit.yaml", "short_name: 发改委", "short_name: 发改\b\b委")
    return "content/fgw/unit.yaml", 2, "F007"


def case_nul_after_the_binary_sniffing_window(repo):
    _write(repo, f"{NEWS}/bad.md", GOOD + ("重点项目。" * 800 + "\n") * 3 + "末尾\x00\n")
    return f"{NEWS}/bad.md", 12, "F007"


def case_ten_thousand_character_title(repo):
    _write(repo, f"{NEWS}/bad.md", GOOD.replace("县发改委召开重点项目推进会", "县" * 10_000))
    return f"{NEWS}/bad.md", 2, "S003"


def case_long_tag_and_attachment_title(repo):
    _write(repo, f"{NEWS}/bad.md", GOOD.replace("source:", "tags: [" + "乡村振兴" * 20 + "]\nsource:"))
    return f"{NEWS}/bad.md", 5, "S003"


def case_long_unit_name(repo):
    _replace(repo, "content/fgw/unit.yaml", "name: 示例县发展和改革委员会", "name: " + "示例县发展和改革委员会" * 30)
    return "content/fgw/unit.yaml", 1, "S003"


def case_utf16_with_bom(repo):
    _write(repo, f"{NEWS}/bad.md", GOOD.encode("utf-16"))
    return f"{NEWS}/bad.md", 1, "F001"


def case_utf16_be_without_bom(repo):
    _write(repo, f"{NEWS}/bad.md", GOOD.encode("utf-16-be"))
    return f"{NEWS}/bad.md", 1, "F001"


def case_utf32_unit_config(repo):
    path = repo / "content/fgw/unit.yaml"
    path.write_bytes(path.read_text(encoding="utf-8").encode("utf-32"))
    return "content/fgw/unit.yaml", 1, "F001"


def case_hash_and_space_in_attachment_name(repo):
    _write(repo, "content/fgw/tzgg/attachments/申报表 #2.csv", "项目,金额\n道路,100\n")
    return "content/fgw/tzgg/attachments/申报表 #2.csv", 0, "C020"


def case_percent_in_item_name(repo):
    _write(repo, f"{NEWS}/完成率100%.md", GOOD)
    return f"{NEWS}/完成率100%.md", 0, "C020"


def case_question_mark_in_folder_name(repo):
    _write(repo, "content/fgw/tzgg/附件?/a.txt", "说明\n")
    return "content/fgw/tzgg/附件?/", 0, "C020"


def case_id_number_only_in_an_xlsx_comment(repo):
    openpyxl = pytest.importorskip("openpyxl")
    from openpyxl.comments import Comment

    from tests import fakes

    wb = openpyxl.Workbook()
    wb.active.append(["姓名", "补贴"])
    wb.active.append(["张某", 1200])
    wb.active["A2"].comment = Comment(f"身份证号 {fakes.id18(random.Random(77))}", "经办人")
    path = repo / "content/fgw/tzgg/attachments/补贴名单.xlsx"
    wb.save(path)
    return "content/fgw/tzgg/attachments/补贴名单.xlsx", 0, "P001"


def case_id_number_only_in_an_xlsx_footer(repo):
    openpyxl = pytest.importorskip("openpyxl")
    from tests import fakes

    wb = openpyxl.Workbook()
    wb.active.append(["项目", "金额"])
    wb.active.oddFooter.center.text = f"经办人身份证 {fakes.id18(random.Random(78))}"
    path = repo / "content/fgw/tzgg/attachments/项目表.xlsx"
    wb.save(path)
    return "content/fgw/tzgg/attachments/项目表.xlsx", 0, "P001"


def case_file_name_not_utf8(repo):
    """GBK bytes in a name (a zip made on Windows, extracted on Linux): shown escaped, never a crash (issue 13)."""
    import os

    _write(repo, f"{NEWS}/" + os.fsdecode(b"\xd6\xd0\xce\xc4.md"), GOOD)
    return f"{NEWS}/\\xd6\\xd0\\xce\\xc4.md", 0, "F008"


def case_folder_name_not_utf8(repo):
    import os

    _write(repo, "content/fgw/tzgg/" + os.fsdecode(b"\xb8\xbd\xbc\xfe") + "/a.txt", "说明\n")
    return "content/fgw/tzgg/\\xb8\\xbd\\xbc\\xfe", 0, "F008"


def case_theme_file_name_not_utf8(repo):
    import os

    _write(repo, "themes/zhanqun/static/" + os.fsdecode(b"\xd6\xd0.png"), b"\x89PNG")
    return "themes/zhanqun/static/\\xd6\\xd0.png", 0, "F008"


def case_set_tag_in_unit_config(repo):
    """!!set, !!binary, !!omap, custom tags: refused like !!python/object, never a crash (issue 13)."""
    _replace(repo, "content/fgw/unit.yaml", "short_name: 发改委", "short_name: !!set {a, b}")
    return "content/fgw/unit.yaml", 2, "Y001"


def case_binary_tag_in_unit_config(repo):
    _replace(repo, "content/fgw/unit.yaml", "short_name: 发改委", "short_name: !!binary 5Y6v")
    return "content/fgw/unit.yaml", 2, "Y001"


def case_binary_tag_in_front_matter(repo):
    _write(repo, f"{NEWS}/bad.md", GOOD.replace("author: 刘晓", "author: !!binary 5YiY5pmT"))
    return f"{NEWS}/bad.md", 4, "Y001"


def case_omap_tag_in_front_matter(repo):
    _write(repo, f"{NEWS}/bad.md", GOOD.replace("author: 刘晓", "author: !!omap [a: 1]"))
    return f"{NEWS}/bad.md", 4, "Y001"


def case_custom_tag_in_cluster_config(repo):
    _replace(repo, "content/cluster.yaml", "sources: [", "sources: !local [")
    lines = (repo / "content/cluster.yaml").read_text(encoding="utf-8").splitlines()
    return "content/cluster.yaml", next(n for n, row in enumerate(lines, 1) if "!local" in row), "Y001"


def case_number_as_key_in_front_matter(repo):
    _write(repo, f"{NEWS}/bad.md", GOOD.replace("author: 刘晓", "author: 刘晓\n2026: 年度"))
    return f"{NEWS}/bad.md", 5, "Y001"


def case_null_key_in_unit_config(repo):
    _replace(repo, "content/fgw/unit.yaml", "short_name: 发改委", "short_name: 发改委\nnull: x")
    return "content/fgw/unit.yaml", 3, "Y001"


RULE = """categories:
  - id: local
    name: 本地
    severity: error
    terms: [本地赌场]
"""


def case_rules_file_in_gbk(repo):
    """A cluster's rules/ files are checked like content: encoding, YAML, shape, name (issue 13)."""
    _write(repo, "rules/banned.yaml", RULE.encode("gbk"))
    return "rules/banned.yaml", 3, "F001"


def case_rules_file_of_the_wrong_shape(repo):
    _write(repo, "rules/banned.yaml", "categories: {a: 1}\n")
    return "rules/banned.yaml", 1, "C023"


def case_rules_value_of_the_wrong_kind(repo):
    _write(repo, "rules/wording.yaml", "typos:\n  错字样例: 正确\n  另一错字: 1\n")
    return "rules/wording.yaml", 3, "C023"


def case_rules_unknown_key(repo):
    _write(repo, "rules/wording.yaml", "typoz:\n  错字样例: 正确\n")
    return "rules/wording.yaml", 1, "C023"


def case_rules_bad_yaml(repo):
    _write(repo, "rules/banned.yaml", "categories: [a\n")
    return "rules/banned.yaml", 1, "Y001"  # where the [ was opened


def case_rules_unknown_file(repo):
    _write(repo, "rules/baned.yaml", RULE)
    return "rules/baned.yaml", 0, "C022"


def case_rules_pattern_that_does_not_compile(repo):
    _write(repo, "rules/images.yaml", 'filename_alt: "(["\n')
    return "rules/images.yaml", 1, "C023"  # at its line, found with the file's shape


CASES = {name.removeprefix("case_"): fn for name, fn in globals().items() if name.startswith("case_")}


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_input_is_refused_and_output_untouched(name, demo_repo, zq):
    before = tree_digest(demo_repo / "output")
    rel, line, code = CASES[name](demo_repo)

    check = zq("check", "--root", demo_repo, "--format", "json", "--jobs", "1")
    assert check.code == 1, check.text
    import json

    findings = [f for f in json.loads(check.out)["findings"] if f["code"] == code and f["path"] == rel]
    assert findings, f"{code} not reported:\n{check.out}"
    finding = findings[0]
    assert finding["path"] == rel
    if line:
        assert finding["line"] == line, finding
    assert re.search(r"[\u4e00-\u9fff]", finding["message"]), "message must be Chinese"
    assert finding["severity"] == "error"

    text = zq("check", "--root", demo_repo, "--jobs", "1")
    # where, as far as known: a whole file is its path alone, never path:0:0 (issue 12 (f))
    where = rel if not finding["line"] else f"{rel}:{finding['line']}" + (f":{finding['column']}" if finding["column"] else "")
    assert f"{where}: {code} " in text.out
    assert "Traceback" not in text.text

    build = zq("build", "--root", demo_repo, "--jobs", "1")
    assert build.code == 1
    assert code in build.text and "Traceback" not in build.text
    assert tree_digest(demo_repo / "output") == before, "a refused build must not touch the output"


def test_unknown_key_warns_with_suggestion_and_fails_only_when_strict(demo_repo, zq):
    _write(demo_repo, f"{NEWS}/typo.md", GOOD.replace("date:", "data: 2026-03-05\ndate:"))
    result = zq("check", f"{NEWS}/typo.md", "--root", demo_repo)
    assert result.code == 0
    assert f"{NEWS}/typo.md:3:1: S002 未知的键“data”" in result.out
    assert "是不是想写“date”" in result.out
    assert zq("check", f"{NEWS}/typo.md", "--root", demo_repo, "--strict").code == 1
    assert zq("build", "--root", demo_repo, "--strict").code == 1


def test_every_finding_in_a_file_is_reported(demo_repo, zq):
    bad = GOOD.replace("date: 2026-03-05", "date: 2025/3/5").replace("author: 刘晓\n", "") + "<script>x</script>\n"
    _write(demo_repo, f"{NEWS}/many.md", bad)
    result = zq("check", f"{NEWS}/many.md", "--root", demo_repo, "--format", "json")
    import json

    codes = sorted(f["code"] for f in json.loads(result.out)["findings"])
    assert codes == ["H001", "S001", "S004"]


def test_check_output_never_drives_the_terminal(demo_repo, zq):
    """Control characters quoted from a file (a key, a value, a file name) are shown as escapes (R2)."""
    _write(demo_repo, f"{NEWS}/bad.md", GOOD.replace("source:", '"\\e]0;owned\\a\\e[31mtitel": x\nimportance: "重要\\u009b2J"\nsource:')
           + "正文\x1b[2J\n")
    _write(demo_repo, f"{NEWS}/x\x1b[31m.md", GOOD)
    for fmt in ("text", "json"):
        result = zq("check", "--root", demo_repo, "--format", fmt, "--jobs", "1")
        assert result.code == 1
        assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", result.out + result.err), fmt
        assert "\\x1b" in result.out and "\\x9b" in result.out
    text = zq("check", "--root", demo_repo, "--jobs", "1").out
    assert f"{NEWS}/x\\x1b[31m.md: C020 " in text
    assert f"{NEWS}/bad.md:11:3: F007 " in text  # the raw ESC in the body
    assert re.search(rf"{NEWS}/bad\.md:6:\d+: F007 引号中的转义", text)  # "\e" written as an escape in a key


@pytest.mark.parametrize("encoding, name", [("utf-16", "UTF-16"), ("utf-16-le", "UTF-16"), ("utf-16-be", "UTF-16"),
                                            ("utf-32", "UTF-32"), ("utf-32-be", "UTF-32")])
def test_wide_unicode_says_what_it_is_and_to_save_as_utf8(demo_repo, zq, encoding, name):
    _write(demo_repo, f"{NEWS}/宽字符.md", GOOD.replace("3月5日", "３月５日，各乡镇") .encode(encoding))
    result = zq("check", f"{NEWS}/宽字符.md", "--root", demo_repo)
    assert result.code == 1
    assert f"F001 文件是 {name} 编码，不是 UTF-8。" in result.out and "另存为" in result.out and "“UTF-8”" in result.out
    assert "二进制" not in result.out


def test_unsafe_names_are_refused_in_pre_commit_mode_too(demo_repo, zq):
    rel = "content/fgw/tzgg/attachments/名单 (终稿).txt"
    _write(demo_repo, rel, "无\n")
    result = zq("check", rel, "--root", demo_repo)
    assert result.code == 1 and f"{rel}: C020 " in result.out and "空格" in result.out
    assert "名单-(终稿).txt" in result.out  # a name that works is suggested


def test_chinese_file_names_build_links_that_resolve(demo_repo, zq):
    """Chinese names (full-width brackets, +, digits) stay allowed; every link of the page reaches a file (R2)."""
    import urllib.parse

    openpyxl = pytest.importorskip("openpyxl")
    from bs4 import BeautifulSoup

    folder = demo_repo / "content/fgw/tzgg"
    wb = openpyxl.Workbook()
    wb.active.append(["项目", "金额"])
    wb.save(folder / "attachments" / "2027年项目申报表（汇总）+附件.xlsx")
    (folder / "attachments" / "填报说明_第2版.txt").write_text("按表填写。\n", encoding="utf-8")
    _write(demo_repo, "content/fgw/tzgg/2026-10-08-申报通知.md", GOOD.replace(
        "title: 县发改委召开重点项目推进会", "title: 关于报送申报表的通知\npublisher: 示例县发展和改革委员会").replace(
        "author: 刘晓\n", "").replace("source: 示例县发展和改革委员会\n", "attachments:\n  - attachments/2027年项目申报表（汇总）+附件.xlsx\n")
        + "\n填报前请阅读[填报说明](attachments/填报说明_第2版.txt)。\n")
    assert zq("check", "--root", demo_repo, "--jobs", "1").code == 0
    assert zq("build", "--root", demo_repo, "--jobs", "1").code == 0
    host = demo_repo / "output" / "fgw.shilixian.gov.cn"
    page = next(p for p in host.rglob("*.html") if "关于报送申报表的通知</h1>" in p.read_text(encoding="utf-8"))
    page_url = "https://fgw.shilixian.gov.cn/" + urllib.parse.quote(page.relative_to(host).as_posix())
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    targets = [a["href"] for a in soup.select("article a[href], section.attachments a[href]")
               if "申报表" in a["href"] or "填报说明" in a["href"] or "%" in a["href"]]
    assert len(targets) >= 2, targets
    for href in targets:
        resolved = urllib.parse.urlsplit(urllib.parse.urljoin(page_url, href))
        assert resolved.netloc == "fgw.shilixian.gov.cn" and not resolved.query and not resolved.fragment, href
        assert (host / urllib.parse.unquote(resolved.path).lstrip("/")).is_file(), href


def test_deep_json_and_rule_data_are_messages_not_crashes(demo_repo, zq, tmp_path):
    deep = "[" * 100_000 + "]" * 100_000
    baseline = tmp_path / "baseline.json"
    baseline.write_text('{"findings": ' + deep + "}", encoding="utf-8")
    result = zq("check", "--root", demo_repo, "--baseline", baseline)
    assert result.code == 2 and "基线文件" in result.err and "内部错误" not in result.err
    site = demo_repo / "output" / "www.shilixian.gov.cn"
    (site / "zhanqun-manifest.json").write_text(deep, encoding="utf-8")
    verify = zq("verify", site)
    assert verify.code == 1 and "D001" in verify.err and "内部错误" not in verify.err
    _write(demo_repo, "rules/banned.yaml", "terms: " + "[" * 5000 + "]" * 5000 + "\n")
    rules = zq("check", "--root", demo_repo, "--jobs", "1")
    assert rules.code == 1 and "rules/banned.yaml:1:" in rules.out and " Y007 " in rules.out and "内部错误" not in rules.err


def test_an_embedded_object_that_cannot_be_read_is_named(demo_repo, zq):
    """A003 (a warning, like A001): the part is named so the reviewer knows what to open by hand (R4.2)."""
    openpyxl = pytest.importorskip("openpyxl")
    import zipfile

    path = demo_repo / "content/fgw/tzgg/attachments/带附件的表.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["项目", "金额"])
    wb.save(path)
    with zipfile.ZipFile(path, "a") as zf:
        zf.writestr("xl/embeddings/oleObject1.bin", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    result = zq("check", "--root", demo_repo, "--jobs", "1")
    rel = path.relative_to(demo_repo).as_posix()
    assert f"{rel}: A003 附件中的嵌入对象 xl/embeddings/oleObject1.bin无法自动检查。" in result.out
    assert result.code == 0  # a warning: a person decides


def test_a_build_that_cannot_write_is_b003_and_leaves_the_output(demo_repo):
    """RLIMIT_FSIZE makes every larger write fail with EFBIG, as a full disk or quota would (no root needed)."""
    import os
    import signal
    import subprocess
    import sys

    before = tree_digest(demo_repo / "output")
    theme = demo_repo / "themes/zhanqun/templates/base.html"
    theme.write_text(theme.read_text(encoding="utf-8") + "<!-- 新版 -->\n", encoding="utf-8")  # every site rebuilds

    def limit() -> None:
        import resource

        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (4000, 4000))

    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent / "src")}
    done = subprocess.run([sys.executable, "-m", "zhanqun", "build", "--root", str(demo_repo), "--jobs", "1"],
                          env=env, capture_output=True, text=True, preexec_fn=limit)
    assert done.returncode == 1, done.stderr
    assert "B003" in done.stderr and "文件超过允许的大小" in done.stderr and "内部错误" not in done.stderr
    assert tree_digest(demo_repo / "output") == before


def test_a_name_that_is_not_utf8_is_printed_escaped_by_the_real_cli(demo_repo):
    """Through a real process (a UTF-8 stdout, which refuses lone surrogates): check as a whole, check of the file
    alone (pre-commit), JSON and build all name the file with its bytes escaped and exit 1 (issue 13)."""
    import json
    import os
    import subprocess
    import sys

    name = os.fsdecode(b"\xd6\xd0\xce\xc4.md")
    _write(demo_repo, f"{NEWS}/{name}", GOOD)
    before = tree_digest(demo_repo / "output")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent / "src"), "PYTHONIOENCODING": "utf-8"}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "zhanqun", *args, "--root", str(demo_repo)], env=env,
                              capture_output=True, text=True, encoding="utf-8", cwd=demo_repo)

    shown = f"{NEWS}/\\xd6\\xd0\\xce\\xc4.md"
    for args in (("check", "--jobs", "1"), ("check", f"{NEWS}/{name}"), ("build", "--jobs", "1")):
        done = run(*args)
        assert done.returncode == 1, (args, done.stdout, done.stderr)
        assert f"{shown}: F008 " in done.stdout + done.stderr, args
        assert "中文.md" in done.stdout + done.stderr  # what the bytes say in GBK: the editor knows the file
        assert "内部错误" not in done.stderr and "Traceback" not in done.stderr
    done = run("check", "--format", "json", "--jobs", "1")
    assert done.returncode == 1 and [f["path"] for f in json.loads(done.stdout)["findings"]] == [shown]
    assert tree_digest(demo_repo / "output") == before


def test_a_finding_never_holds_a_lone_surrogate():
    from zhanqun.errors import UsageError
    from zhanqun.findings import Finding

    bad = "content/a/b/" + "\udcd6\udcd0" + ".md"
    finding = Finding(bad, 0, 0, "F008", f"名称 {bad}", f"改名 {bad}", key=bad)
    for text in (finding.path, finding.message, finding.hint, finding.key, str(UsageError(bad, hint=bad))):
        text.encode("utf-8")  # never raises
        assert "\\xd6\\xd0" in text


@pytest.mark.parametrize("value", ["!!binary 5Y6v", "!!set {a, b}", "!foo bar", "!!pairs [a: 1]"])
def test_a_yaml_tag_says_which_tag_in_chinese(demo_repo, zq, value):
    _replace(demo_repo, "content/fgw/unit.yaml", "short_name: 发改委", f"short_name: {value}")
    result = zq("check", "--root", demo_repo, "--jobs", "1")
    tag = value.split()[0]
    assert result.code == 1 and f"content/fgw/unit.yaml:2:13: Y001 不能使用 YAML 类型标记 {tag}" in result.out
    assert "内部错误" not in result.err


def test_rules_findings_are_chinese_and_point_to_the_docs(demo_repo, zq):
    _write(demo_repo, "rules/banned.yaml", "categories: {a: 1}\n")
    _write(demo_repo, "rules/wordng.yaml", "typos:\n  a: b\n")
    result = zq("check", "--root", demo_repo, "--jobs", "1")
    assert result.code == 1 and "Traceback" not in result.err and "内部错误" not in result.err
    assert "rules/banned.yaml:1:1: C023 categories 应为列表，这里写成了键值表。" in result.out
    assert "rules/wordng.yaml: C022 " in result.out and "是不是想写 rules/wording.yaml？" in result.out
    assert "docs/handbook.md" in result.out and "src/zhanqun/checks/data" not in result.out + result.err
    pre_commit = zq("check", "rules/banned.yaml", "--root", demo_repo)
    assert pre_commit.code == 1 and "C023" in pre_commit.out


def test_valid_rules_files_still_add_to_the_lists(demo_repo, zq):
    _write(demo_repo, "rules/banned.yaml", RULE)
    _write(demo_repo, "rules/wording.yaml", "typos:\n  错字样例: 正确写法\n")
    _write(demo_repo, "rules/README.md", "本县词表说明\n")  # not rule data: never read, never a finding
    assert zq("check", "--root", demo_repo, "--jobs", "1").code == 0
    _write(demo_repo, f"{NEWS}/bad.md", GOOD + "\n注册就送，本地赌场官网开户。错字样例。\n")
    result = zq("check", "--root", demo_repo, "--jobs", "1")
    assert result.code == 1 and "X001" in result.out and "错字样例" in result.out


YAML_MISTAKES = [  # (front matter line as an editor mistypes it, words the message must have)
    ('title: 关于: 通知', "加引号"),
    ('title: "关于通知', "引号是否成对"),
    ("tags: [防汛, 安全", "方括号"),
    ("title: @县政府", "加引号"),
    ('title: "C:\\q"', "反斜杠"),
    ('title: "关于" 通知', "多余的文字"),
    ("tags: [", "没有闭合"),
]


@pytest.mark.parametrize(("line", "words"), YAML_MISTAKES, ids=[m[0] for m in YAML_MISTAKES])
def test_a_yaml_mistake_is_told_in_chinese_at_its_line(demo_repo, zq, line, words):
    """The parser's English ("mapping values are not allowed in this context") does not reach an editor: the
    message says what to do, at the line (review of issue 13)."""
    _write(demo_repo, f"{NEWS}/2026-03-05-yaml.md", GOOD.replace("title: 县发改委召开重点项目推进会", line))
    result = zq("check", f"{NEWS}/2026-03-05-yaml.md", "--root", demo_repo, "--format", "json")
    (finding,) = [f for f in json.loads(result.out)["findings"] if f["code"] == "Y001"]
    assert words in finding["message"] and finding["line"] in (2, 3), finding
    assert not re.search(r"[A-Za-z]{4,}", finding["message"].replace("YAML", "")), finding["message"]


def test_a_rules_pattern_that_backtracks_without_end_is_c023_at_its_line(demo_repo, zq):
    """rules/ patterns run over every item with Python's re: one that can backtrack without end is refused at its
    line before anything is scanned (review of issue 13)."""
    _write(demo_repo, "rules/images.yaml", 'approval: "(a+)+$"\n')
    result = zq("check", "--root", demo_repo, "--jobs", "1")
    assert result.code == 1 and "rules/images.yaml:1:" in result.out and "C023" in result.out, result.text
    assert "卡住" in result.out and "Traceback" not in result.text


def test_a_rules_pattern_that_does_not_compile_or_an_entry_missing_a_key_is_c023_in_chinese(demo_repo, zq):
    """Review of issue 13: these reached the editor as Python's English (missing ), unterminated subpattern;
    KeyError: 'label'), for the whole rules/ folder and no line."""
    _write(demo_repo, "rules/secrets.yaml", 'markings:\n  - pattern: "(机密"\n    label: 密级\n')
    result = zq("check", "--root", demo_repo, "--jobs", "1")
    assert result.code == 1, result.text
    assert "rules/secrets.yaml:2:" in result.out and "缺少右括号" in result.out
    assert "unterminated" not in result.text
    _write(demo_repo, "rules/secrets.yaml", 'markings:\n  - pattern: "内部资料"\n')  # no label
    missing = zq("check", "--root", demo_repo, "--jobs", "1")
    assert missing.code == 1 and "C023" in missing.text and "缺少“label”" in missing.text, missing.text
    assert "KeyError" not in missing.text and "Traceback" not in missing.text


def test_the_package_rule_files_copied_whole_into_rules_pass(demo_repo, zq):
    """A county that starts its rules/ from copies of zhanqun's own files gets no finding from them."""
    from zhanqun.checks import ruledata

    for path in ruledata._DEFAULTS.glob("*.yaml"):
        _write(demo_repo, f"rules/{path.name}", path.read_bytes())
    assert zq("check", "--root", demo_repo, "--jobs", "1").code == 0
