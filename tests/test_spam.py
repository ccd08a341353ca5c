"""Spam that mutates and pasted commercial watermarks (issue 10 §5, R4.4): X004–X008 as an editor meets them,
judged by shape; the cluster's allowlisted domains and government sites exempt; long lines scanned in
bounded pieces (R4.9). The corpus-wide numbers are in test_accuracy.py (corpus/spam.yaml)."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest

from tests.conftest import copy_repo
from zhanqun.checks import gates as gates_mod, ruledata, spam
from zhanqun.checks.textscan import Text

NEWS = "content/fgw/gzdt/2026-11-20-spam.md"
HEAD = "---\ntitle: 县发改委开展入户走访\ndate: 2026-11-20\nauthor: 刘晓\nsource: 示例县发展和改革委员会\n---\n\n"


@pytest.fixture(scope="module")
def scan():
    gates = gates_mod.for_data(ruledata.load(), allow=("shilixian.gov.cn",))

    def run(text: str) -> list[str]:
        return [f.code for f in gates.banned.scan(Text(text, "case.md"))]

    return run


@pytest.fixture
def repo(tmp_path) -> Path:
    return copy_repo(tmp_path / "repo")


def write(repo: Path, body: str) -> str:
    (repo / NEWS).write_text(HEAD + body, encoding="utf-8")
    return NEWS


# Invented brands only (鑫鲲, 豪霆, 琨澜 …); the spellings vary the way injected spam does.
@pytest.mark.parametrize("text, code", [
    ("示例县住房和城乡建设局_qk365体育_365qk官网", spam.CHAIN),          # glued to an agency name
    ("关于开展冬季征兵工作的通知_琨澜娱乐_琨澜棋牌", spam.CHAIN),        # Chinese brand names chained
    ("tz9988 tz6677 最新", spam.CHAIN),                                    # two-pair lucky numbers
    ("rx-365|365-rx|rx365ty", spam.CHAIN),                                 # separators inside the tokens
    ("琨澜娱乐官网", spam.SUFFIX),
    ("琨澜体育 手机版", spam.SUFFIX),
    ("qk365开户", spam.SUFFIX),
    ("666棋牌官方网站", spam.SUFFIX),
    ("kunlantiyu官网", spam.SUFFIX),                                        # pinyin spelling
    ("澳门琨澜官网", spam.SUFFIX),
    ("琨 澜 体 育 手 机 版", spam.SUFFIX),                                  # spaced out
    ("【琨澜娛樂】官網", spam.SUFFIX),                                       # traditional, in brackets
    ("琨☆澜☆娱☆乐☆，注册送☆", spam.NOISE),
    ("县教育局召开会议✿部署冬季校园安全✿要求各校✿开展隐患排查✿免费体检", spam.NOISE),
    ("当前位置：首页 > 琨澜娱乐 > 正文", spam.MARKS),
    ("来源：琨澜棋牌", spam.MARKS),
    ("责任编辑：tz9988", spam.MARKS),
    ("冬小麦播种已完成（来自:www.nongjia-baike.com）。", spam.PASTED),
    ("www.nongjia-baike.com", spam.PASTED),
    ("原文链接：https://m.nongjia-baike.net/a/1.html", spam.PASTED),
    ("本文来源于农家百科网", spam.PASTED),
    ("当前位置：首页 > 健康频道 > 正文", spam.PASTED),                      # a foreign site's breadcrumb
])
def test_a_shape_is_an_error_with_its_code(scan, text, code):
    assert scan(text) == [code]


@pytest.mark.parametrize("text", [
    "（来源：国务院网站 www.gov.cn）",
    "原文链接：https://www.gov.cn/zhengce/content/202611/content_6912345.htm",
    "来源：人民网 www.people.com.cn",
    "https://www.shilixian.gov.cn/",                                        # the cluster's own domain
    "请登录县人民政府官网查询。",
    "开奖结果以中国福利彩票官网公布为准。",
    "可通过县体育中心官网或12306官网办理。",
    "经检查，发现部分网站被植入赌博类暗链，已督促整改。",
    "严厉打击网络赌博，依法查处为赌博网站提供推广的行为。",
    "检查发现，个别网站被植入“琨澜娱乐官网”“qk365体育”等暗链，已清理。",  # a notice quoting the spam
    "当前位置：首页 > 政务公开 > 通知公告",                                 # a government breadcrumb
    "★ 重点任务一：推进农村供水保障工程建设",
    "办理流程：✔ 线上申请 ✔ 材料审核 ✔ 当场领证",
    "G3011柳格高速、G5511集阿高速、G1111、GB50016-2014、ISO9001 认证",
    "Better services between Tibet and the alphabet song",
    "报名网址：\nhttps://www.kaoshi-baoming.com/",                          # a labelled address, not a watermark
])
def test_government_text_is_quiet(scan, text):
    assert scan(text) == []


def test_a_domain_alone_on_a_line_of_an_attachment_is_a_letterhead_not_a_watermark():
    gates = gates_mod.for_data(ruledata.load())
    footer = "示例建设工程有限公司\nwww.shili-jianshe.com\n"
    assert [f.code for f in gates.banned.scan(Text(footer, "case.md"))] == [spam.PASTED]
    assert [f.code for f in gates.banned.scan(Text(footer, "a.pdf", where="第 3 页"))] == []
    pasted = "本项目情况（来自:www.shili-jianshe.com）\n"  # a watermark in an attachment still is one
    assert [f.code for f in gates.banned.scan(Text(pasted, "a.pdf", where="第 3 页"))] == [spam.PASTED]


def test_a_pasted_watermark_is_an_error_with_file_line_and_a_chinese_fix(repo, zq):
    rel = write(repo, "冬小麦播种已完成。\n\n当前位置：首页 > 琨澜娱乐 > 正文\n\n本文来源于农家百科网\n")
    result = zq("check", rel, "--root", repo, "--format", "json")
    assert result.code == 1
    found = {(f["code"], f["line"]) for f in json.loads(result.out)["findings"] if f["code"].startswith("X")}
    assert found == {("X008", 10), ("X004", 12)}
    messages = [f for f in json.loads(result.out)["findings"] if f["code"] == "X004"]
    assert "农家百科网" in messages[0]["message"] and messages[0]["severity"] == "error"
    text = zq("check", rel, "--root", repo)
    assert f"{rel}:12:" in text.out and "提示" in text.out


def test_the_cluster_allowlist_exempts_a_source_address(repo, zq):
    """A domain in cluster.yaml link_allowlist, or in rules/links.yaml, is no commercial watermark — and the
    parse cache does not serve the old finding after the allowlist changed."""
    rel = write(repo, "标准全文见国家标准馆（来源：www.std-guan.example.org）。\n\nwww.bzw-zixun.example.net\n")
    first = zq("check", rel, "--root", repo, "--format", "json")
    assert sorted(f["line"] for f in json.loads(first.out)["findings"] if f["code"] == "X004") == [8, 10]
    config = repo / "content" / "cluster.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "link_allowlist: [std-guan.example.org]\n", encoding="utf-8")
    second = zq("check", rel, "--root", repo, "--format", "json")
    assert [f["line"] for f in json.loads(second.out)["findings"] if f["code"] == "X004"] == [10]
    (repo / "rules").mkdir()
    (repo / "rules" / "links.yaml").write_text("allow: [example.net]\n", encoding="utf-8")
    full = zq("check", "--root", repo, "--format", "json")
    assert not [f for f in json.loads(full.out)["findings"] if f["code"] == "X004"]


def test_inspection_notice_about_spam_passes_the_gates(repo, zq):
    rel = write(repo, "县网信办通报2026年第三季度政府网站安全检查情况。经检查，发现部分网站被植入赌博类暗链，"
                      "存在“琨澜娱乐官网”“qk365开户”等违规信息，相关单位已完成整改。\n\n"
                      "下一步，各单位要严厉打击网络赌博，定期巡查网站内容。请登录县人民政府官网查看通报全文。\n")
    result = zq("check", rel, "--root", repo)
    assert result.code == 0, result.out


def test_long_lines_are_scanned_in_bounded_pieces_and_spam_at_the_end_is_found(scan):
    """R4.9 without a stopwatch: no regular expression ever sees more than WINDOW + OVERLAP characters, so a
    100 KB line costs linear time whatever it holds; spam at the far end of such a line is still found."""
    size = 100_000
    pieces = list(spam.windows(0, size))
    assert max(end - start for start, end in pieces) <= spam.WINDOW + spam.OVERLAP
    assert pieces[0][0] == 0 and pieces[-1][1] == size
    assert all(b[0] < a[1] for a, b in itertools.pairwise(pieces))  # overlapping: no shape falls in a gap
    adversarial = ["qk365_" * (size // 6 + 1), "★a" * (size // 2), "www." + "a." * (size // 2), "当前位置：" + ">" * size,
                   "本文来源于" + "网" * size, "来自" + "a-" * (size // 2), "1" * size, "琨澜娱乐" * (size // 4),
                   "（来自：" * (size // 4), "ab365" + "9" * size, "a_" * (size // 2), "](" * (size // 2),
                   "src='" * (size // 5), "vb365_a.b" * (size // 9 + 1)]
    for line in adversarial:
        assert len(line) >= size
        scan(line)  # returns: each piece is bounded
    assert scan("冬季安全生产" * 20_000 + "琨澜娱乐官网") == [spam.SUFFIX]


@pytest.mark.parametrize("prefix", ["İ" * 40, "ẞ" * 10 + "İ", "<!-- Aİİİ -->"])
def test_letters_whose_lower_case_is_longer_do_not_shift_the_findings(scan, prefix):
    """'İ'.lower() is two characters: lowering the whole text would move every offset after it (issue 10 review)."""
    plain = scan("欢迎访问鑫鲲娱乐官网注册")
    assert plain and scan(prefix + "\n欢迎访问鑫鲲娱乐官网注册") == plain
