"""One normalisation in front of every scanner (R4.10, issue 10 §4).

Numbers, markings and terms hidden by invisible characters, entities, full-width or look-alike forms and
separators are found; every finding points at the line and column of the ORIGINAL text; no message shows a
full number. Numbers are generated, checksum-valid fakes (tests/fakes.py).
"""

from __future__ import annotations

import random
import re
import sys
import unicodedata
from pathlib import Path

import pytest

from tests import fakes
from tests.conftest import copy_repo
from zhanqun.checks import attachments, gates as gates_mod, links, ruledata
from zhanqun.checks.normalise import INVISIBLE, normalise
from zhanqun.checks.textscan import Text
from zhanqun.findings import Finding, mask_numbers

REL = "content/fgw/gzdt/2026-11-20-norm.md"
GATES = gates_mod.for_data(ruledata.load())


@pytest.fixture
def rng(request) -> random.Random:
    return random.Random(f"norm-{request.node.name}")


def scan(text: str) -> list[Finding]:
    return list(GATES.scan_item(text, text, REL, "news", 1))


def where(findings: list[Finding], code: str) -> list[tuple[int, int]]:
    return [(f.line, f.column) for f in findings if f.code == code]


def column_of(line: str, needle: str) -> int:
    return line.index(needle) + 1


def entities(digits: str, hexadecimal: bool = False) -> str:
    return "".join(f"&#x{ord(d):x};" if hexadecimal else f"&#{ord(d)};" for d in digits)


def fullwidth(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if c.isascii() and c.isalnum() else c for c in text)


def assert_masked(findings: list[Finding], *numbers: str) -> None:
    """Neither the message nor the key holds any of the numbers, in any writing."""
    for finding in findings:
        for shown in (finding.message, finding.key):
            digits = re.sub(r"\D", "", normalise(shown).text)
            for number in numbers:
                assert number.upper() not in digits.upper() and number not in shown, finding


# --- personal data written to hide -----------------------------------------------------------------------


ID_WRITINGS = {
    "zero-width space": lambda n: n[:6] + "\u200b" + n[6:14] + "\u200b" + n[14:],
    "word joiner and ZWJ": lambda n: n[:3] + "\u2060" + n[3:10] + "\u200d" + n[10:],
    "soft hyphens": lambda n: "\u00ad".join(n[i:i + 6] for i in range(0, 18, 6)),
    "BOM inside": lambda n: n[:9] + "\ufeff" + n[9:],
    "bidi controls": lambda n: "\u202d" + n[:8] + "\u202e\u202c" + n[8:],
    "full-width digits": fullwidth,
    "decimal entities": entities,
    "hex entities": lambda n: entities(n, hexadecimal=True),
    "entities and zero-width": lambda n: entities(n[:4]) + "\u200c" + n[4:],
    "thin spaces in groups of four": lambda n: "\u2009".join(n[i:i + 4] for i in range(0, 18, 4)),
    "ideographic spaces": lambda n: "\u3000".join((n[:6], n[6:14], n[14:])),
    "dots": lambda n: ".".join((n[:6], n[6:14], n[14:])),
    "non-breaking hyphens": lambda n: "\u2011".join((n[:6], n[6:14], n[14:])),
    "spaced glyph by glyph": lambda n: " ".join(n),
    "full-width and soft hyphen": lambda n: fullwidth(n[:9]) + "\u00ad" + n[9:],
}


@pytest.mark.parametrize("writing", ID_WRITINGS)
def test_id_number_hidden_is_found_at_its_original_column(writing, rng):
    number = fakes.id18(rng)
    written = ID_WRITINGS[writing](number)
    prefix = "走\u200b访对象：李秀兰，身份证号码："  # an invisible character earlier in the line counts as a column
    text = f"# 入户走访\n\n{prefix}{written}，已登记。\n"
    found = scan(text)
    assert where(found, "P001") == [(3, len(prefix) + 1 + (1 if written[0] == "\u202d" else 0))], found
    assert_masked(found, number)


MOBILE_WRITINGS = {
    "dots": lambda m: f"{m[:3]}.{m[3:7]}.{m[7:]}",
    "middle dots": lambda m: f"{m[:3]}·{m[3:7]}·{m[7:]}",
    "katakana middle dots": lambda m: f"{m[:3]}・{m[3:7]}・{m[7:]}",
    "full-width stops": lambda m: f"{m[:3]}。{m[3:7]}。{m[7:]}",
    "full-width dots and digits": lambda m: fullwidth(m[:3]) + "．" + fullwidth(m[3:7]) + "．" + fullwidth(m[7:]),
    "full-width hyphens": lambda m: f"{m[:3]}－{m[3:7]}－{m[7:]}",
    "en dashes": lambda m: f"{m[:3]}–{m[3:7]}–{m[7:]}",
    "minus signs": lambda m: f"{m[:3]}\u2212{m[3:7]}\u2212{m[7:]}",
    "no-break spaces": lambda m: f"{m[:3]}\u00a0{m[3:7]}\u00a0{m[7:]}",
    "narrow no-break spaces": lambda m: f"{m[:3]}\u202f{m[3:7]}\u202f{m[7:]}",
    "zero-width everywhere": lambda m: "\u200b".join(m),
    "entities": entities,
    "entity dots": lambda m: f"{m[:3]}&middot;{m[3:7]}&middot;{m[7:]}",
    "spaced glyph by glyph": lambda m: " ".join(m),
    "dots and soft hyphens": lambda m: f"{m[:3]}.\u00ad{m[3:7]}\u00ad.{m[7:]}",
}


@pytest.mark.parametrize("writing", MOBILE_WRITINGS)
def test_mobile_with_any_separator_is_found_at_its_original_column(writing, rng):
    number = fakes.mobile(rng)
    written = MOBILE_WRITINGS[writing](number)
    line = f"联系人：张建华（村民），&nbsp;联系电话：{written}。"
    found = scan(f"第一行\n{line}\n")
    assert where(found, "P002") == [(2, column_of(line, written))], found
    assert_masked(found, number)


@pytest.mark.parametrize("separator", [" ", "\u00a0", "\u2009", ".", "-", "\u2013", "\u200b", "\u3000"])
def test_bank_card_with_separators(separator, rng):
    number = fakes.card(rng)
    written = separator.join(number[i:i + 4] for i in range(0, len(number), 4))
    line = f"| 王建国 | 补贴发放卡号 {written} |"
    found = scan(f"| 姓名 | 账号 |\n|---|---|\n{line}\n")
    assert where(found, "P003") == [(3, column_of(line, written))], found
    assert_masked(found, number)


def test_several_numbers_on_one_line_each_at_its_own_column(rng):
    mobile, person = fakes.mobile(rng), fakes.id18(rng)
    first = f"{mobile[:3]}\u200b{mobile[3:]}"
    second = entities(person[:2]) + person[2:]
    line = f"李秀兰，手机 {first}，身份证 {second}。"
    found = scan(line + "\n")
    assert where(found, "P002") == [(1, column_of(line, first))]
    assert where(found, "P001") == [(1, column_of(line, second))]
    assert_masked(found, mobile, person)


# --- markings ------------------------------------------------------------------------------------------

MARKINGS = [
    "机\u00ad密★1年",
    "机密\u200b★1年",
    "秘密*3年",
    "秘密 * 5 年",
    "绝密*启用前",
    "机密※长期",
    "秘密✩5年",
    "秘密☆",
    "机密✭2年",
    "绝密⭐\ufe0f",
    "秘密＊10年",
    "机密✱1年",
    "秘&shy;密★3年",
    "&#26426;&#23494;★1年",
    "秘 密 ★ 5 年",
]


@pytest.mark.parametrize("marking", MARKINGS)
def test_classification_marking_in_disguise(marking):
    line = f"关于做好有关工作的通知 {marking}"
    found = scan(f"---\ntitle: x\n---\n\n{line}\n")
    assert where(found, "M001") == [(5, column_of(line, marking))], found


@pytest.mark.parametrize("line", ["机　　密", "## 绝 密", "秘\u200b密"])
def test_marking_alone_on_its_line_with_spaces_or_invisibles(line):
    assert where(scan(f"正文。\n{line}\n"), "M001") == [(2, len(line) - len(line.lstrip("# ")) + 1)]


@pytest.mark.parametrize("text", [
    "依法保护**国家秘密**，不得泄露。",
    "属于*国家秘密*的事项，按规定办理。",
    "做好保密工作：秘密★级文件须按规定管理。".replace("秘密★级", "秘密级"),
    "“秘密*”不是密级标志的规范写法。",
    "机密性、完整性和可用性（信息安全的三个属性）。",
    "※ 注：本表数据截至 2026 年 10 月。",
])
def test_no_marking_in_ordinary_prose(text):
    assert where(scan(text + "\n"), "M001") == []


def test_internal_marking_with_soft_hyphen_and_zero_width():
    line = "（内部\u00ad资料 注意\u200b保存）"
    assert where(scan(f"正文。\n{line}\n"), "M002") == [(2, 2)]


# --- banned content and wording -------------------------------------------------------------------------

def test_banned_promotion_split_by_invisible_characters():
    line = "澳门威尼\u200b斯人娱乐\u2060城官网，注册即送彩\u00ad金，真人荷\u200c官在线。"
    found = scan(f"一\n二\n{line}\n")
    assert (3, 1) in where(found, "X001"), found


def test_brand_chain_in_full_width_and_mathematical_letters():
    line = "热门：ｂｅｔ３６５ 𝟏𝟖𝟖𝐛𝐞𝐭 ⓑⓦⓘⓝ 官方入口"
    found = scan(line + "\n")
    assert where(found, "X001") == [(1, column_of(line, "ｂｅｔ"))], found


@pytest.mark.parametrize("written", ["中国入\u200b民", "中国&#20837;民", "中国⼊民".replace("⼊", "\u2F0A"), "中\u00ad国入民"])
def test_typo_hidden_in_the_middle(written):
    line = f"开幕式上，{written}政治协商会议示例县委员会主席致辞。"
    found = scan(f"导语。\n\n{line}\n")
    assert where(found, "W001") == [(3, column_of(line, written))], found


def test_escaped_markup_stays_text():
    assert normalise("示例：&lt;img src=&quot;a.png&quot;&gt; &amp; &#60;b&#62;").text == '示例：&lt;img src="a.png"&gt; & &#60;b&#62;'
    assert where(scan("写法示例：&lt;img src=\"ditu.png\"&gt;\n"), "I001") == []


def test_kangxi_radicals_from_pdf_text_are_ideographs():
    assert normalise("中华⼈⺠共和国").text == "中华人民共和国"


# --- links ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("url", [
    "https://shop.ｔａｏｂａｏ.com/x",
    "https://shop.tao\u200bbao.com/x",
    "https://&#116;.&#99;&#110;/AbCdEf",
    "https://shop.taobao。com/x",
])
def test_commercial_link_host_is_read_as_a_browser_reads_it(url):
    site_map = links.SiteMap(Path("/nonexistent"), "shilixian.gov.cn", {}, {}, set(), "www.shilixian.gov.cn")
    check = links.LinkCheck(GATES.data["links"], site_map)
    body = f"详见[网店]({url})。\n"
    found = list(check.check(REL, "https://www.shilixian.gov.cn/gzdt/x.html", GATES.item_links(body, 7)))
    assert [(f.code, f.line, f.column) for f in found] == [("L001", 7, body.index(url) + 1)]


# --- negatives: what is not personal data stays quiet ----------------------------------------------------

@pytest.mark.parametrize("text", [
    "会议于 2026.03.05 召开，会期 2026.03.05—2026.12.31。",
    "项目总投资 1,234,567.89 元，其中财政资金 12,345,678,901.00 元。",
    "发放资金 13800138000.50 元。",
    "版本 v1.13.8001.38000，服务器 192.168.100.200。",
    "示政发〔2026〕3号、示政办发〔2026〕138号。",
    "时间：2026-03-05 14:30—2026-03-06 17:30。",
    "咨询电话：138·0013·8000（工作日）。",
    "监督电话：0000-12345678 转 801。",
    "| 序号 | 金额（元） |\n|---|---|\n| 1 | 13 800 000 |\n| 2 | 1 380 000 |",
    "比例为 1:3:8:0:0:1:3:8:0:0:0。",
    "2026年1月2日至2026年3月4日，共 138 户 0013 人 8000 元。",
])
def test_dates_amounts_versions_and_public_numbers_are_not_personal_data(text):
    found = scan(text + "\n")
    assert [f for f in found if f.code.startswith("P")] == []


# --- attachments ----------------------------------------------------------------------------------------

def test_attachment_text_goes_through_the_same_normalisation(tmp_path, rng):
    person, mobile = fakes.id18(rng), fakes.mobile(rng)
    csv = tmp_path / "mingdan.csv"
    csv.write_text("姓名,身份证号,电话\n"
                   f"李秀兰,{person[:6]}\u200b{person[6:]},{mobile[:3]}.{mobile[3:7]}.{mobile[7:]}\n", encoding="utf-8")
    found = attachments.scan(csv, "content/fgw/gzdt/attachments/mingdan.csv", GATES)
    assert sorted((f.code, f.line) for f in found) == [("P001", 2), ("P002", 2)]
    assert_masked(found, person, mobile)
    txt = tmp_path / "tongzhi.txt"
    txt.write_text("关于某事的通知\n秘密*3年\n", encoding="utf-8")
    assert [(f.code, f.line) for f in attachments.scan(txt, "a/tongzhi.txt", GATES)] == [("M001", 2)]


def test_pdf_style_spaced_digits_in_an_attachment(tmp_path, rng):
    mobile = fakes.mobile(rng)
    txt = tmp_path / "page.txt"
    txt.write_text("联 系 人 ： 张 建 华\n" f"电 话 ： {' '.join(mobile)}\n", encoding="utf-8")
    found = attachments.scan(txt, "a/page.txt", GATES)
    assert [(f.code, f.line) for f in found] == [("P002", 2)]
    assert_masked(found, mobile)


# --- masking in every message ---------------------------------------------------------------------------

@pytest.mark.parametrize("writing", ["{m}", "{a}.{b}.{c}", "{a}·{b}·{c}", "{a}–{b}–{c}", "{a} {b} {c}", "{a}\u200b{b}{c}",
                                     "{fa}{fb}{fc}", "{e}{rest}", "{a}\u00a0{b}\u00a0{c}", "{a}\u202e{b}\u202c{c}"])
def test_every_message_masks_a_full_number_however_written(writing, rng):
    number = fakes.mobile(rng)
    a, b, c = number[:3], number[3:7], number[7:]
    written = writing.format(m=number, a=a, b=b, c=c, fa=fullwidth(a), fb=fullwidth(b), fc=fullwidth(c),
                             e=entities(number[0]), rest=number[1:])
    finding = Finding(REL, 1, 1, "S001", f"字段 phone 的值“{written}”格式不对", key=written)
    assert_masked([finding], number)
    assert "****" in finding.message


def test_a_link_with_a_number_in_its_query_is_masked(rng):
    number = fakes.id18(rng)
    site_map = links.SiteMap(Path("/nonexistent"), "shilixian.gov.cn", {}, {}, set(), "www.shilixian.gov.cn")
    check = links.LinkCheck(GATES.data["links"], site_map)
    url = f"https://example.org/q?id={number[:9]}-{number[9:]}"
    found = list(check.check(REL, "https://www.shilixian.gov.cn/x.html", [(1, 1, url)]))
    assert [f.code for f in found] == ["L002"]
    assert_masked(found, number)


def test_masking_keeps_short_numbers_and_drops_bidi_controls():
    assert mask_numbers("会期 2026.03.05，文号〔2026〕3号") == "会期 2026.03.05，文号〔2026〕3号"
    assert mask_numbers("名称\u202e反转") == "名称反转"
    assert mask_numbers("170.1234.5678") == "170.****.5678"
    assert mask_numbers(mask_numbers("4199001980010112 34")) == mask_numbers("4199001980010112 34")


# --- the normalisation itself ---------------------------------------------------------------------------

def test_every_format_character_of_unicodedata_is_removed():
    invisible = re.compile(f"[{INVISIBLE}]")
    missing = [f"U+{c:04X}" for c in range(sys.maxunicode + 1)
               if unicodedata.category(chr(c)) == "Cf" and not invisible.match(chr(c))]
    assert missing == []


def test_offsets_map_back_to_the_original(rng):
    pieces = ["文", "a", "1", "\u200b", "\u00ad", "&amp;", "&#49;", "１", "Ａ", "\u3000", "\u00a0", "☆", "·", " ", "\n", "–", "&nosuch;"]
    for _ in range(300):
        original = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 40)))
        norm = normalise(original)
        assert norm.text.count("\n") == original.count("\n")
        mapped = [norm.original(i) for i in range(len(norm.text) + 1)]
        assert mapped == sorted(mapped) and mapped[-1] <= len(original)
        assert norm.original(len(norm.text)) == len(original) or original[norm.original(len(norm.text)):].strip(
            "\u200b\u00ad") == ""
        for i, char in enumerate(norm.text):
            source = original[mapped[i]]
            assert source == char or source in "&１Ａ\u3000\u00a0☆·–" or source.isdigit(), (original, i)


def test_plain_text_is_returned_as_it_is():
    text = "示例县人民政府办公室关于做好 2026 年防汛工作的通知。\n" * 100
    norm = normalise(text)
    assert norm.text is text and norm.original(500) == 500


def test_built_in_term_lists_are_already_normalised():
    """Terms are matched against normalised text: a term that normalisation would change could never match."""
    data = ruledata.load()
    terms = [t for c in data["banned"]["categories"] for t in c.get("terms", []) + c.get("strong", [])]
    terms += list(data["wording"]["typos"]) + list(data["secrets"]["phrases"]) + list(data["wording"]["posts"])
    terms += list(data["personal_data"]["office_phone_labels"]) + list(data["personal_data"]["public_account_labels"])
    assert [t for t in terms if normalise(str(t)).text != str(t)] == []


def test_text_reports_original_columns_for_a_scanner():
    doc = Text("&amp;&amp;\u200b目标", "x.md", first_line=10)
    assert doc.text == "&&目标"
    assert doc.position(doc.text.index("目标")) == (10, 12)


# --- end to end -----------------------------------------------------------------------------------------

def test_check_reports_the_original_line_and_column(tmp_path, zq, rng):
    repo = copy_repo(tmp_path / "repo")
    number = fakes.id18(rng)
    head = "---\ntitle: 县发改委开展入户走访\ndate: 2026-11-20\nauthor: 刘晓\nsource: 示例县发展和改革委员会\n---\n\n"
    line = f"走访对象：&nbsp;李秀兰，身份证号码 {fullwidth(number[:6])}\u200b{number[6:]}。"
    path = repo / REL
    path.write_text(head + line + "\n", encoding="utf-8")
    result = zq("check", "--root", repo)
    assert result.code == 1
    assert f"{REL}:8:{column_of(line, fullwidth(number[:6]))}: P001" in result.out
    assert number not in result.text and number[6:] not in result.text
