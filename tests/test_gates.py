"""The review gates as an editor meets them (R4): findings with codes, masked numbers, suppressions with
reasons, baselines, attachments, the pre-commit mode, and a build that refuses what the gates refuse."""

from __future__ import annotations

import json
import random
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest

from tests import fakes
from tests.conftest import copy_repo, tree_digest

NEWS = "content/fgw/gzdt/2026-11-20-gates.md"
HEAD = """---
title: 县发改委开展入户走访
date: 2026-11-20
author: 刘晓
source: 示例县发展和改革委员会
---

"""


@pytest.fixture
def repo(tmp_path) -> Path:
    """An unbuilt copy of the demo county."""
    return copy_repo(tmp_path / "repo")


@pytest.fixture
def rng() -> random.Random:
    return random.Random(20261122)


def write(repo: Path, body: str, rel: str = NEWS) -> str:
    path = repo / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(HEAD + body, encoding="utf-8")
    return rel


def codes(result) -> list[str]:
    return re.findall(r"^\S+:\d+:\d+: ([A-Z]\d{3}) ", result.out, re.MULTILINE)


def test_id_number_is_reported_masked_with_line_and_fix(repo, zq, rng):
    number = fakes.id18(rng)
    rel = write(repo, f"走访对象：李秀兰，身份证号码 {number}，已登记。\n")
    result = zq("check", "--root", repo)
    assert result.code == 1
    masked = number[:6] + "********" + number[-4:]
    assert f"{rel}:8:" in result.out and "P001" in result.out and masked in result.out
    assert "提示：" in result.out
    assert number not in result.text  # R4.2: never print the full number
    as_json = zq("check", "--root", repo, "--format", "json")
    assert number not in as_json.out
    entry = next(e for e in json.loads(as_json.out)["findings"] if e["code"] == "P001")
    assert entry["path"] == rel and entry["line"] == 8 and entry["severity"] == "error" and masked in entry["message"]


def test_each_family_reports_its_code(repo, zq, rng):
    rel = write(repo, "\n".join([
        f"联系人：张建华，联系电话：{fakes.mobile(rng)}。",
        f"补贴发放卡号：{fakes.card(rng)}。",
        "申请人王建国，家住清水镇柳树湾村5组32号。",
        "机密★1年",
        "（内部资料 注意保存）",
        "澳门威尼斯人娱乐城官网，注册即送彩金。",
        "中国入民政治协商会议示例县委员会。",
        "美国、日本、台湾等国家。",
        "县长方震宇出席会议。",
        "详见 [淘宝店铺](https://shop.taobao.com/x) 与 [项目库](https://github.com/example/x)。",
        "另见 [通知](https://www.shilixian.gov.cn/tzgg/no-such-notice.html)。",
        "![](images/huiyi.jpg)",
        "![示例县行政区划图](https://www.shilixian.gov.cn/lanmu/zerenbiao.csv)",
        "",
    ]))
    result = zq("check", rel, "--root", repo)
    assert result.code == 1
    found = codes(result)
    for code in ["P002", "P003", "P004", "M001", "M002", "X001", "W001", "W002", "W003", "L001", "L002", "L003", "I001", "I002"]:
        assert code in found, (code, result.out)


def test_ordinary_government_prose_passes(repo, zq):
    rel = write(repo, (
        "县公安局持续开展打击赌博违法犯罪专项行动，破获一起利用“百家乐”进行网络赌博的案件。\n\n"
        "网站不得含有散布淫秽、色情、赌博、暴力的内容。保守国家秘密是每个公民的义务，国家秘密分为绝密、机密、秘密三级。\n\n"
        "县委副书记、县长方振宇，副县长贺建军出席会议。监督电话：0000-12345678。办公地址：示例县人民路1号。\n\n"
        "详见[中国政府网](https://www.gov.cn/zhengce/)和[本县营商环境政策](https://www.shilixian.gov.cn/zcwj/2025-03-18-youhua-yingshang-huanjing.html)，"
        "以及发改委[项目申报汇总表](https://fgw.shilixian.gov.cn/tzgg/attachments/2027-xiangmu-shenbao-huizong-biao.xlsx)。\n"
    ))
    result = zq("check", rel, "--root", repo, "--strict")
    assert result.code == 0, result.out
    assert "检查通过" in result.err


def test_suppression_needs_code_and_reason_and_is_listed_in_audits(repo, zq):
    rel = write(repo, (
        "<!-- zhanqun: ignore[L002] 国家开源项目托管地址，已由电子政务办核实 -->\n"
        "[源代码](https://github.com/example/project)\n\n"
        "[另一个](https://gitee.com/example/y) <!-- zhanqun: ignore[L002] -->\n\n"
        "<!-- zhanqun: ignore[W001] 这一行没有错别字 -->\n"
        "本段内容正常。\n"
    ))
    result = zq("check", rel, "--root", repo, "--format", "json")
    found = {(e["code"], e["line"]) for e in json.loads(result.out)["findings"]}
    assert ("L002", 9) not in found  # suppressed with a reason (applies to the next line)
    assert ("N001", 11) in found and ("L002", 11) in found  # no reason: the suppression does not count
    assert ("N002", 13) in found  # suppresses nothing
    audit = zq("check", rel, "--root", repo, "--no-suppress")
    assert "L002" in audit.out and "国家开源项目托管地址" in audit.out  # everything, with the reason given


def test_personal_data_cannot_be_suppressed_for_a_whole_file(repo, zq, rng):
    number = fakes.id18(rng)
    rel = write(repo, f"<!-- zhanqun: ignore-file[P001] 名单已公示 -->\n\n身份证号 {number}\n")
    result = zq("check", rel, "--root", repo)
    assert result.code == 1 and "N003" in codes(result) and "P001" in codes(result)
    # A line suppression with a reason is allowed (a number that only looks like an ID, say).
    write(repo, f"样品编号 {number} <!-- zhanqun: ignore[P001] 这是仪器出厂编号，不是身份证号 -->\n")
    assert zq("check", rel, "--root", repo).code == 0


def test_suppressing_a_format_rule_is_not_allowed(repo, zq):
    rel = write(repo, "<!-- zhanqun: ignore[S001] 想跳过 -->\n县发改委开展入户走访。\n")
    result = zq("check", rel, "--root", repo)
    assert result.code == 1 and "N004" in codes(result)


def test_baseline_reports_only_new_findings_after_lines_move(repo, zq, rng, tmp_path):
    write(repo, f"联系人手机：{fakes.mobile(rng)}\n\n[外链](https://github.com/example/a)\n")
    baseline = tmp_path / "baseline.json"
    made = zq("check", "--root", repo, "--write-baseline", baseline)
    assert made.code == 0 and baseline.is_file()
    recorded = json.loads(baseline.read_text(encoding="utf-8"))
    assert {e["code"] for e in recorded["findings"]} == {"P002", "L002"}
    assert not re.search(r"1[3-9]\d{9}", baseline.read_text(encoding="utf-8"))  # only masked numbers
    # Insert paragraphs above the old findings: their lines change, they stay known.
    text = (repo / NEWS).read_text(encoding="utf-8")
    (repo / NEWS).write_text(text.replace("联系人", "新增一段说明。\n\n再一段。\n\n联系人"), encoding="utf-8")
    assert zq("check", "--root", repo, "--baseline", baseline).code == 0
    with (repo / NEWS).open("a", encoding="utf-8") as handle:
        handle.write("\n代开发票，加微信联系。\n")
    again = zq("check", "--root", repo, "--baseline", baseline)
    assert again.code == 1 and codes(again) == ["X001"]
    missing = zq("check", "--root", repo, "--baseline", tmp_path / "nope.json")
    assert missing.code == 2 and "基线文件" in missing.err


def test_pre_commit_mode_agrees_with_the_full_check(repo, zq, rng):
    rel = write(repo, f"联系电话 {fakes.mobile(rng)}；县长沈丽华出席；[坏链](https://jyj.shilixian.gov.cn/zcwj/x.html)\n")
    files_mode = zq("check", rel, "--root", repo, "--format", "json")
    full = zq("check", "--root", repo, "--format", "json")
    assert json.loads(files_mode.out) == json.loads(full.out)
    assert {e["code"] for e in json.loads(full.out)["findings"]} == {"P002", "W003", "L003"}


def test_cross_site_links_resolve_against_the_cluster(repo, zq):
    good = [
        "https://www.shilixian.gov.cn/", "https://www.shilixian.gov.cn/zcwj/", "https://www.shilixian.gov.cn/tzgg/index.html",
        "https://www.shilixian.gov.cn/zhuanti/xczx/index.html", "https://fgw.shilixian.gov.cn/ldxx/qian-yongming.html",
        "https://www.shilixian.gov.cn/czj/gzdt/2026-11-05-bumen-yusuan-bianzhi.html", "../ldxx/bai-xiaolin.html",
        "https://www.shilixian.gov.cn/tzgg/attachments/2026-zhaopin-gangwei-biao.pdf", "#top", "mailto:fgw@shilixian.gov.cn",
    ]
    bad = [
        "https://www.shilixian.gov.cn/xwzx/", "https://jyj.shilixian.gov.cn/zcwj/2025-03-18-youhua-yingshang-huanjing.html",
        "https://abc.shilixian.gov.cn/", "../ldxx/no-such-leader.html", "https://fgw.shilixian.gov.cn/gzdt/missing.pdf",
    ]
    rel = write(repo, "\n\n".join(f"[链接{i}]({u})" for i, u in enumerate(good + bad)) + "\n")
    result = zq("check", rel, "--root", repo, "--format", "json")
    broken = [e["message"] for e in json.loads(result.out)["findings"] if e["code"] == "L003"]
    assert len(broken) == len(bad), broken
    assert all(any(u in m for m in broken) for u in bad)


def test_link_allowlist_from_cluster_config(repo, zq):
    rel = write(repo, "[标准全文](https://std.samr.example.org/a)\n")
    assert "L002" in codes(zq("check", rel, "--root", repo))
    config = repo / "content" / "cluster.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "link_allowlist: [samr.example.org]\n", encoding="utf-8")
    assert zq("check", rel, "--root", repo).code == 0


def test_cluster_rule_data_extends_the_term_lists(repo, zq):
    rel = write(repo, "本次活动由示例牌白酒冠名。\n")
    assert zq("check", rel, "--root", repo).code == 0
    (repo / "rules").mkdir()
    (repo / "rules" / "banned.yaml").write_text(
        "categories:\n  - id: local\n    name: 本地禁止\n    severity: error\n    terms: [示例牌白酒]\n    strong: [示例牌白酒]\n",
        encoding="utf-8")
    assert "X001" in codes(zq("check", rel, "--root", repo))


def _xlsx(path: Path, rows: list[list[object]]) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "发放名单"
    for row in rows:
        sheet.append(row)
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)


def test_id_numbers_in_a_spreadsheet_attachment(repo, zq, rng):
    numbers = [fakes.id18(rng) for _ in range(3)]
    rel = "content/fgw/tzgg/attachments/butie-mingdan.xlsx"
    _xlsx(repo / rel, [["序号", "姓名", "身份证号", "金额"]] + [[i + 1, f"村民{i}", n, 1200] for i, n in enumerate(numbers)])
    result = zq("check", rel, "--root", repo)
    assert result.code == 1
    assert result.out.count("P001") == 3 and "工作表“发放名单”第 2 行" in result.out
    assert f"{rel}:2:" in result.out
    assert not any(n in result.text for n in numbers)


def test_unreadable_attachments_are_reported_and_the_rest_still_checked(repo, zq, rng):
    folder = repo / "content" / "fgw" / "tzgg" / "attachments"
    bomb = folder / "shenbao-zhinan.docx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w", force_zip64=True) as member:
            chunk = b"<" + b"a" * (1 << 20)
            for _ in range(300):
                member.write(chunk)
    (folder / "gbk-bad.csv").write_bytes(b"\xff\xfe\x00\xd8" * 10 + b"\x81\x20\xfe\xff" * 10)
    (folder / "huge.pdf").write_bytes(b"%PDF-1.4\n" + b"0" * (21 * 1024 * 1024))
    (folder / "jiu-geshi.doc").write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 600)
    numbers = fakes.id18(rng)
    (folder / "mingdan.csv").write_text(f"姓名,身份证号\n赵六,{numbers}\n", encoding="gb18030")
    result = zq("check", "--root", repo, "--format", "json")
    findings = json.loads(result.out)["findings"]
    by_path = {}
    for entry in findings:
        by_path.setdefault(entry["path"].rsplit("/", 1)[-1], set()).add(entry["code"])
    for name in ["shenbao-zhinan.docx", "gbk-bad.csv", "huge.pdf", "jiu-geshi.doc"]:
        assert by_path.get(name) == {"A001"}, (name, by_path)
    assert by_path["mingdan.csv"] == {"P001"}
    assert all(re.search(r"[\u4e00-\u9fff]", e["message"]) for e in findings)
    assert "Traceback" not in result.err


def test_build_refuses_content_the_gates_refuse_and_publishes_nothing(demo_repo, zq, rng):
    output = demo_repo / "output"
    before = tree_digest(output)
    write(demo_repo, f"困难群众名单：李秀兰 {fakes.id18(rng)}\n")
    result = zq("build", "--root", demo_repo)
    assert result.code == 1 and "P001" in result.text
    assert tree_digest(output) == before


def test_rule_docs_for_every_gate(zq):
    for code in ["P001", "M001", "X001", "W003", "L003", "I002", "A001", "N003"]:
        result = zq("rule", code)
        assert result.code == 0 and "为什么" in result.out and "如何修改" in result.out


def test_suppression_in_front_matter_as_a_yaml_comment(repo, zq, rng):
    path = repo / NEWS
    path.write_text(HEAD.replace("author: 刘晓\n", f"author: 刘晓\n# zhanqun: ignore[P002] 该号码是镇政府值班手机，已公开多年\n"
                                 f"summary: 值班手机 {fakes.mobile(rng)}\n") + "县发改委开展入户走访。\n", encoding="utf-8")
    result = zq("check", NEWS, "--root", repo)
    assert result.code == 0, result.out


def test_check_names_a_path_that_does_not_exist(repo, zq):
    result = zq("check", "content/fgw/gzdt/no-such-file.md", "--root", repo)
    assert result.code == 2 and "找不到" in result.err and "Traceback" not in result.err


def test_spam_is_an_error_even_after_a_review_term_and_with_cheerful_words(repo, zq):
    rel = write(repo, "本地菠萝基地今年丰收，六合彩。合作社带动增收。真人荷官，注册送彩金，日赚千元。\n\n"
                      "真人荷官在线百家乐，首充送100%，不要错过！\n")
    result = zq("check", rel, "--root", repo, "--format", "json")
    lines = {e["line"] for e in json.loads(result.out)["findings"] if e["code"] == "X001"}
    assert lines == {8, 10}, result.out


def test_full_and_pre_commit_modes_agree_on_an_item_with_gate_errors(repo, zq, rng):
    path = repo / NEWS
    path.write_text(HEAD.replace("source: 示例县发展和改革委员会", "source: 某某商业网\nattachments: [attachments/nope.pdf]")
                    + f"登记对象身份证号 {fakes.id18(rng)}。\n", encoding="utf-8")
    files_mode = {(e["code"], e["line"]) for e in json.loads(zq("check", NEWS, "--root", repo, "--format", "json").out)["findings"]}
    full = {(e["code"], e["line"]) for e in json.loads(zq("check", "--root", repo, "--format", "json").out)["findings"]}
    assert files_mode == full
    assert {c for c, _ in full} == {"P001", "C104", "C106"}


def test_pre_commit_mode_reports_a_file_in_an_undeclared_column(repo, zq, rng):
    rel = write(repo, f"身份证号 {fakes.id18(rng)}\n", rel="content/fgw/xxgk/a.md")
    result = zq("check", rel, "--root", repo)
    assert result.code == 1 and "C002" in result.out


def test_malformed_cluster_rule_data_is_a_chinese_finding(repo, zq):
    """A pattern that does not compile: C023, exit 1 like any finding (issue 13; was a usage error, exit 2)."""
    (repo / "rules").mkdir()
    (repo / "rules" / "banned.yaml").write_text("watermarks: ['(unclosed']\n", encoding="utf-8")
    result = zq("check", "--root", repo)
    assert result.code == 1 and "rules/banned.yaml:1:14: C023 watermarks[0] 的正则表达式不能使用：缺少右括号" in result.out
    assert "Traceback" not in result.err


def test_numbers_are_masked_wherever_a_rule_quotes_them(repo, zq, rng):
    number = fakes.id18(rng)
    rel = write(repo, f"![]({number}.jpg)\n\n[名单](https://example.org/q?sfz={number})\n")
    result = zq("check", rel, "--root", repo, "--format", "json")
    assert number not in result.out and number[:6] + "********" + number[-4:] in result.out
    baseline = repo / "b.json"
    zq("check", "--root", repo, "--write-baseline", baseline)
    assert number not in baseline.read_text(encoding="utf-8")


def test_full_width_digits_and_numbers_excel_rounded(repo, zq, rng):
    number = fakes.id18(rng)
    wide = number.translate(str.maketrans("0123456789X", "０１２３４５６７８９Ｘ"))
    rel = write(repo, f"身份证号：{wide}\n")
    assert "P001" in codes(zq("check", rel, "--root", repo))
    sheet = "content/fgw/tzgg/attachments/mingdan.xlsx"
    _xlsx(repo / sheet, [["姓名", "身份证号"], ["张三", float(number[:15] + "000")]])
    assert "P001" in codes(zq("check", sheet, "--root", repo))


def test_stacked_and_multi_line_suppressions(repo, zq, rng):
    rel = write(repo, (
        "<!-- zhanqun: ignore[L002] 国家标准全文公开系统，已核实 -->\n"
        "<!-- zhanqun: ignore[P002] 镇政府值班手机，已公开多年 -->\n"
        f"[标准](https://std.example.org/a) 值班手机 {fakes.mobile(rng)}\n\n"
        "<!--\nzhanqun: ignore[L002] 国家标准全文公开系统，已核实\n-->\n"
        "[标准](https://std.example.org/b)\n"
    ))
    result = zq("check", rel, "--root", repo)
    assert result.code == 0 and not result.out, result.out


def test_pathological_lines_are_checked_without_hanging(repo, zq):
    """Long single lines that make naive patterns backtrack (quadratic) still pass through every scanner."""
    rel = write(repo, "\n".join([
        "1" * 50_000 + "号", "一" * 50_000, "[a](b)" + "[1]" * 20_000, "<img " * 20_000,
        "| x | " + " | ".join(["17012345678"] * 2000) + " |", "bet365 " * 5_000, "内部资料 " * 5_000,
    ]) + "\n")
    result = zq("check", rel, "--root", repo)
    assert result.code == 1 and "Traceback" not in result.err


def test_map_in_front_matter_is_reported_at_its_key_and_can_be_suppressed(repo, zq):
    head = HEAD.replace("author: 刘晓\n", "author: 刘晓\nimages:\n  - {src: images/quhua.png, alt: 示例县行政区划图}\n")
    (repo / NEWS).write_text(head + "县发改委开展入户走访。\n", encoding="utf-8")
    result = zq("check", NEWS, "--root", repo, "--format", "json")
    assert [(e["code"], e["line"]) for e in json.loads(result.out)["findings"] if e["code"] == "I002"] == [("I002", 5)]
    (repo / NEWS).write_text(head.replace("images:\n", "# zhanqun: ignore[I002] 标准地图服务系统下载，审图号见图片本身\nimages:\n")
                             + "县发改委开展入户走访。\n", encoding="utf-8")
    assert not [e for e in json.loads(zq("check", NEWS, "--root", repo, "--format", "json").out)["findings"]
                if e["code"] in ("I002", "N002")]
