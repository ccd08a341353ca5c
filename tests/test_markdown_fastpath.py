"""Differential test of the Markdown fast path (issue 16, R3.9).

Bodies are rendered by pulldown-cmark (pyromark) when a prescan (``zhanqun.markup.fast_html``) can promise
Python-Markdown's answer; Python-Markdown with extra and sane_lists is the reference and renders everything else,
through a copy of the converter without the processors the body cannot use (no "[": no link patterns …). Every
body below must give byte-identical sanitised HTML either way, and the same HTML before the allowlist pruned or
not: the demo cluster's items, a generated bench cluster, the test corpora and seeds, every string literal in the
tests, hand-written traps where the parsers differ (CJK punctuation beside ``**``, lists, tables, footnotes, raw
HTML, entities, hard breaks, code, links, headings, setext, rules, escapes …) and seeded random mixes of them.
Most ordinary bodies must take the fast path, or the test would prove nothing.
"""

from __future__ import annotations

import ast
import html.parser
import random
import subprocess
import sys
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import nh3
import pytest
from ruamel.yaml import YAML

from zhanqun import markup, source

ROOT = Path(__file__).resolve().parent.parent


def outcome(body: str, fast: bool) -> str:
    try:
        return markup.render(body, fast=fast)
    except UnicodeError as error:  # a lone surrogate, in a string literal of the tests only: nh3 refuses it
        return repr(type(error))


class _Tree(html.parser.HTMLParser):
    """Tags, attributes and text of an HTML fragment, references decoded, the newlines between blocks left out:
    what two renderers must agree on before the allowlist, however each escapes text."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.nodes: list[tuple[str, ...]] = []
        self.feed(text.replace("<h1", "<h2").replace("</h1>", "</h2>"))
        self.close()
        self.nodes = [node for node in self.nodes if node[0] != "text" or node[1].strip("\n")]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.nodes.append(("start", tag, *sorted(f"{name}={value}" for name, value in attrs)))

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag: str) -> None:
        self.nodes.append(("end", tag))

    def handle_data(self, data: str) -> None:
        if self.nodes and self.nodes[-1][0] == "text":
            data = self.nodes.pop()[1] + data
        self.nodes.append(("text", data))


def assert_same(bodies: list[str]) -> None:
    differing = [body for body in bodies if outcome(body, True) != outcome(body, False)]
    assert not differing, f"{len(differing)} bodies render differently, e.g. {differing[:3]!r}"
    pruned, unlike = [], []
    for body in bodies:
        # the converters without the processors a body cannot use: the same HTML before the allowlist (the H checks)
        unsanitised = markup.unsanitised(body)
        if unsanitised != markup.unsanitised(body, prune=False):
            pruned.append(body)
        # the H checks read Python-Markdown's HTML before the allowlist: on the fast path it must be the page's too
        page = markup.fast_html(body)
        if page is not None and _Tree(page).nodes != _Tree(unsanitised).nodes:
            unlike.append(body)
    assert not pruned, f"{len(pruned)} bodies convert differently when pruned, e.g. {pruned[:3]!r}"
    assert not unlike, f"{len(unlike)} bodies' HTML before the allowlist differs from the H checks', e.g. {unlike[:3]!r}"


def fast(body: str) -> bool:
    return markup.fast_html(body) is not None


def item_bodies(root: Path) -> list[str]:
    bodies = []
    for path in sorted(root.rglob("*.md")):
        split = source.split_front_matter(path.read_text(encoding="utf-8"), "x")
        if isinstance(split, tuple):
            bodies.append(split[1])
    return bodies


def test_demo_cluster_renders_the_same_and_takes_the_fast_path() -> None:
    bodies = item_bodies(ROOT / "content")
    assert len(bodies) > 100
    assert_same(bodies)
    assert sum(map(fast, bodies)) >= 0.9 * len(bodies)


def test_generated_bench_cluster_renders_the_same_and_takes_the_fast_path(tmp_path: Path) -> None:
    subprocess.run([sys.executable, str(ROOT / "bench" / "generate.py"), "--units", "5", "--items", "400",
                    "--seed", "16", str(tmp_path / "bench")], check=True, capture_output=True)
    bodies = item_bodies(tmp_path / "bench" / "content")
    assert len(bodies) >= 400
    # the bench writes "**形成工作合力。**全年…" in about half of its bodies: CommonMark drops that bold
    assert sum("。**" in body for body in bodies) > 0.3 * len(bodies)
    assert_same(bodies)
    assert sum(map(fast, bodies)) >= 0.9 * len(bodies)


def _corpus_texts() -> Iterator[str]:
    def walk(node: object) -> Iterator[str]:
        if isinstance(node, dict):
            for value in node.values():
                yield from walk(value)
        elif isinstance(node, list):
            for value in node:
                yield from walk(value)
        elif isinstance(node, str):
            yield node

    for path in sorted((ROOT / "tests" / "corpus").glob("*.yaml")):
        yield from walk(YAML(typ="safe").load(path.read_text(encoding="utf-8")))


def _string_literals() -> Iterator[str]:
    for path in sorted((ROOT / "tests").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                yield node.value
                split = source.split_front_matter(node.value, "x")
                if isinstance(split, tuple):
                    yield split[1]


def test_test_corpora_seeds_and_every_string_in_the_tests_render_the_same() -> None:
    texts = list(_corpus_texts()) + list(_string_literals())
    texts += [path.read_text(encoding="utf-8") for path in sorted((ROOT / "tests" / "seeds").glob("*"))]
    assert len(texts) > 5000
    assert_same(texts)


TRAPS = [
    # emphasis beside CJK punctuation: Python-Markdown's bold, which CommonMark's flanking rule refuses
    "**形成工作合力。**全年累计完成项目12个。", "全年**形成工作合力。**", "（**一**）加强领导", "**“放管服”**改革",
    "要求**：**各单位", "**一、**总体要求", "**形成**工作**合力**。", "**a**b**c**", "前**后", "**开**头**",
    "** 空格**", "**空格 **", "**\n**", "**甲\n乙**", "**甲**\n**乙**", "*强调*", "*强调。*全年", "***强调***",
    "****", "**", "*", "a * b", "a ** b ** c", "2*3*4", "**甲*乙**", "__甲__", "_甲_", "中_文_字", "snake_case",
    "~~删除~~", "~单~", "^上标^", "==高亮==",
    # lists: nesting, looseness, markers, numbers, a list after a paragraph without a blank line
    "- 甲\n- 乙", "* 甲\n* 乙", "+ 甲\n+ 乙", "- 甲\n* 乙", "1. 甲\n2. 乙", "3. 甲\n4. 乙", "0. 甲", "01. 甲",
    "1) 甲\n2) 乙", "1234567890. 甲", "123456789. 甲", "1.甲", "-甲", "- 甲\n\n- 乙", "1. 甲\n\n2. 乙",
    "1. 甲\n2. 乙\n\n1. 丙", "1. 甲\n\n- 乙", "- 甲\n\n1. 乙", "- 甲\n  - 乙\n  - 丙", "- 甲\n    - 乙",
    "1. 甲\n    1. 乙", "- 甲\n乙", "- 甲\n  乙", "段落\n- 甲\n- 乙", "段落\n1. 甲", "段落\n2. 甲", "- 甲\n\n段落",
    "- # 标题", "- > 引用", "- - 甲", "- 1. 甲", "-  甲", "- **甲。**乙", "* **甲。**乙", "- ", "-", "1.",
    "2026. 年", "2026年", "12月8日", "1、第一", "（一）第一", "一、总则", "１. 全角数字", "１．全角句点", "٣. 阿拉伯数字",
    "- １. 甲", "1. 甲\n２. 乙", "段落\n\n１. 甲\n２. 乙", "１) 甲", "¹. 上标数字", "①. 圈码",
    # headings, setext, rules
    "# 一", "## 二", "### 三", "#### 四", "##### 五", "###### 六", "####### 七", "#无空格", "## 标题 ##", "## 标题#",
    "## C#", "#", "# ", "## **加粗**标题", "## 标题\n正文", "正文\n## 标题", "标题\n===", "标题\n---", "标题\n- ",
    "---", "***", "___", "* * *", "- - -", "—— 破折号", "段落\n\n---\n\n段落",
    # tables, footnotes, abbreviations, definition lists, attribute lists, md_in_html
    "| 甲 | 乙 |\n|---|---|\n| 1 | 2 |", "甲 | 乙\n--- | ---\n1 | 2", "正文[^1]\n\n[^1]: 注释", "*[HTML]: 超文本\n\nHTML",
    "术语\n: 定义", "## 标题 {#id}", "段落\n{: .class}", "<div markdown=\"1\">**甲**</div>",
    # raw HTML, comments, entities, autolinks, links, images
    "<div>甲</div>", "<p>甲</p>", "甲<br>乙", "<!-- 注释 -->", "<script>alert(1)</script>", "a < b", "a > b",
    "> 引用", ">引用", "> 甲\n> 乙", "> 甲\n\n> 乙", "> 甲\n乙", ">  甲", "> > 甲", "> # 甲", "> **甲。**乙", "> 1. 甲",
    "> [甲](u)", "> 甲\n\n- 乙", "- 甲\n\n> 乙", "> 甲\n>\n> 乙", "> 甲\n> - 乙", "　> 甲", "&copy; 2026", "&#x4e2d;", "&#20013;", "&amp;", "R&D", "&", "&nosuch;", "a &b",
    "<https://www.gov.cn>", "<mail@example.com>", "https://www.gov.cn", "www.gov.cn", "mail@example.com",
    "[政府网站](https://www.gov.cn/)", "[中国政府网](https://www.gov.cn/首页)", "[甲](b \"标题\")", "[甲][1]\n\n[1]: /b",
    "![图片](a.png)", "[甲]", "[ ]", "!甲", "javascript:alert(1)", "[甲](https://www.gov.cn/a_b.html)", "[ 甲](u)",
    "[甲 ](u)", "[](u)", "[甲]()", '[甲](u "标题")', "[甲](<u>)", "[甲](u v)", "[甲](u(1))", "[甲](中文)", "[甲](u)_x_",
    "[**甲**](u)", "**[甲](u)**", "[甲](u)**乙**", "[甲_乙](u)", "[甲](javascript:alert(1))", "[甲](JAVASCRIPT:x)",
    "[甲](u)[乙](v)", "[甲][乙](u)", "[[甲](u)]", "[甲](u):x", "[甲]: u", "[甲](#x)", "[甲](u)(乙)", "a_b [甲](u)",
    "[甲](%E4%B8%AD)", "[甲](mailto:a@b.cn)", "[甲](tel:12345)", "[甲](data:x)", "[甲](/a?b=1&c=2)", "[甲](/a?b=1;c=2)",
    # code, escapes, hard breaks, indentation, whitespace
    "`**不是加粗**`", "``a`b``", "```\n**代码**\n```", "~~~\n代码\n~~~", "    缩进代码", "\t制表符", "a\tb",
    "\\*不是强调\\*", "\\# 不是标题", "a\\\nb", "甲  \n乙", "甲 \n乙", "甲\n乙", "　　首行缩进两个全角空格",
    "甲　", "\u00a0甲", "甲\u00a0", " 甲", "   甲", "甲\r\n乙", "甲\r乙", "甲\n \n乙", "甲\n\n\n\n乙", "\n\n甲\n\n",
    "", "\n", " ", "甲\x00乙", "甲\x02乙\x03", "甲\u2028乙", "甲\ue000乙\ue001", "\ufeff甲", "甲\u200b乙",
    "emoji 😀 **加粗😀**", '"引号" \'单引号\' “中文引号”', "a -- b --- c ... (c) (tm)", "1/2 3^2 x_1",
    "% 百分号 $美元$ @at #hash", "= 等号", "+ 加号", ": 冒号", "~ 波浪", "甲 # 乙", "<", ">", "<<", "**<b>**",
    # Python-Markdown deletes U+0002 and U+0003 before it parses: the two spaces of a line break appear (amd fuzz)
    "甲 \x02 \n乙", "甲 \x03 \n乙", "甲 \x02\x03 \n乙", "- 甲 \x02 \n- 乙",
]


def test_traps_render_the_same() -> None:
    assert_same(TRAPS)
    # and inside an ordinary body, as a block of their own and run into a paragraph
    assert_same([f"\n首段文字。\n\n{trap}\n\n末段文字。\n" for trap in TRAPS])
    assert_same([f"首段文字。\n{trap}\n末段文字。" for trap in TRAPS])
    assert_same([f"- 列表项\n{trap}" for trap in TRAPS])
    assert_same([f"## 标题\n\n{trap}\n" for trap in TRAPS])


PIECES = [
    "县政府召开常务会议，研究部署安全生产工作。", "**形成工作合力。**", "**营造良好氛围。**全年累计完成项目",
    "全年累计完成项目12个，涉及资金9800万元。", "“放管服”改革", "（一）", "《管理办法》", "2026年", "12. ", "1. ",
    "2. ", "- ", "* ", "+ ", "## ", "# ", "###### ", "> ", "**", "*", "***", "_", "__", "`", "\\", "[", "](", ")",
    "[链接](https://www.gov.cn/)", "<br>", "<div>", "&amp;", "&", "|", " | ", "---", "===", "{#id}", "{", ":",
    ": ", "~~", "  ", " ", "　", "\t", "。", "，", "：", "！", "？", "、", "；", "”", "“", "（", "）", "a", "Z", "9",
    "甲", "乙", "#", "-", "=", "!", "<", ">", "\u00a0", "😀", "１. ", "٣", "１",
]
BREAKS = ["", "", "", "\n", "\n", "\n\n", "\n\n", "\n\n\n"]


def _mix(rng: random.Random) -> str:
    return "".join(rng.choice(PIECES) + rng.choice(BREAKS) for _ in range(rng.randint(1, 24)))


def _plain_mix(rng: random.Random) -> str:
    """A mix close to what editors write: mostly text, bold, headings and lists, a few odd characters."""
    words = [*PIECES[:10], "甲", "乙", "。", "，", "“", "”", "**甲。**", "**乙**", "**“丙”**"] * 4
    words += ["**", " ", "#", "　", "*", "\n- ", "\n"]
    lines = []
    for _ in range(rng.randint(1, 8)):
        text = "".join(rng.choice(words) for _ in range(rng.randint(1, 6)))
        lines.append(rng.choice(["", "", "", "## ", "- ", "1. ", "2. ", "* ", "１. ", "> "]) + text)
    return "".join(line + rng.choice(["\n", "\n\n", "\n\n"]) for line in lines)


NEIGHBOURS = [*"甲乙aZ09。，：；！？、“”‘’（）《》【】…—·!\"#$%'()+,-./:;=>?@^~ ", "　", "\u00a0", "\u200b", "😀", "é"]


def _bold_mix(rng: random.Random) -> str:
    """``**…**`` pairs with every kind of neighbour inside and out, in a paragraph, a heading or a list item."""
    def word() -> str:
        return "".join(rng.choice(NEIGHBOURS) for _ in range(rng.randint(0, 3)))

    line = "".join(f"{word()}**{word()}**" for _ in range(rng.randint(1, 3))) + word()
    return rng.choice(["", "## ", "- ", "1. ", "> "]) + line


URL_PIECES = [*"abcXYZ019/:._~%?#=+,;@-", "https://www.gov.cn/", "http://x.cn/a_b.html", "/zcwj/", "#", "tel:123",
              "mailto:a@b.cn", "javascript:alert(1)", "%E4%B8%AD", "a_b_c", "中", " ", "(", ")", "*"]
LINK_TEXT = [*"甲乙。，“”（）!#:;=+-~ 　aZ0", "政府网站", "**", "(", ")", "_", "https://x.cn"]
AROUND = [*"甲。，“”（）!#: ", "**", "**甲**", "[", "]", "_", "(", ")", "\n", "\n\n", "- ", "1. ", "## "]


def _link_mix(rng: random.Random) -> str:
    def link() -> str:
        text = "".join(rng.choice(LINK_TEXT) for _ in range(rng.randint(0, 4)))
        url = "".join(rng.choice(URL_PIECES) for _ in range(rng.randint(0, 4)))
        return ("!" if rng.random() < 0.05 else "") + f"[{text}]({url})"

    pieces = [rng.choice(AROUND) if rng.random() < 0.6 else link() for _ in range(rng.randint(1, 6))]
    return rng.choice(["", "## ", "- ", "1. ", "**", "> "]) + "".join(pieces)


# Characters of every category, the digits, spaces, formats and punctuation of other scripts most often:
# Python-Markdown's regular expressions read "\d" and "\s" as Unicode, CommonMark reads ASCII digits only.
UNICODE = [chr(c) for c in range(0x20, 0x30000) if unicodedata.category(chr(c)) not in ("Cs", "Co", "Cn")]
UNICODE_ODD = [c for c in UNICODE if unicodedata.category(c) in ("Nd", "No", "Nl", "Zs", "Zl", "Zp", "Cc", "Cf", "Pd",
                                                                   "Po", "Sm", "Sk")]
STARTS = ["", "", "## ", "- ", "* ", "+ ", "1. ", "> ", "[甲](http://x.cn/)", "**甲**"]


def _unicode_mix(rng: random.Random) -> str:
    def piece() -> str:
        if rng.random() < 0.5:
            return rng.choice(["甲", "**", ". ", "1", " "])
        return rng.choice(UNICODE_ODD if rng.random() < 0.5 else UNICODE)

    lines = [rng.choice(STARTS) + "".join(piece() for _ in range(rng.randint(1, 5))) for _ in range(rng.randint(1, 3))]
    return "".join(line + rng.choice(["\n", "\n\n"]) for line in lines)


# What Python-Markdown deletes or rewrites before it parses (U+0002 and U+0003, its placeholders' delimiters; CR;
# tabs) among the spaces at a line's end and beside the marks that decide which processors a pruned converter keeps.
DELETED = ["\x02", "\x03", "\r", "\t", " ", " ", " "]
MARKS = ["[甲](u)", "<b>", "&amp;", "`", "\\", "|", "{#x}", "**", "- ", "# ", "> ", "", "", "", ""]


def _deleted_mix(rng: random.Random) -> str:
    def line() -> str:
        gap = "".join(rng.choice(DELETED) for _ in range(rng.randint(0, 4)))
        return rng.choice(MARKS) + rng.choice(["甲", "乙丙", "a"]) + rng.choice(MARKS) + gap

    return "\n".join(line() for _ in range(rng.randint(1, 4)))


def test_random_mixes_render_the_same() -> None:
    rng = random.Random(16)
    mixes = {"hostile": [_mix(rng) for _ in range(3000)], "plain": [_plain_mix(rng) for _ in range(3000)],
             "bold": [_bold_mix(rng) for _ in range(4000)], "links": [_link_mix(rng) for _ in range(6000)],
             "unicode": [_unicode_mix(rng) for _ in range(20000)], "deleted": [_deleted_mix(rng) for _ in range(3000)]}
    for bodies in mixes.values():
        assert_same(bodies)
    # the mixes would prove little if too few of them reached the fast path
    reached = {kind: sum(map(fast, bodies)) for kind, bodies in mixes.items()}
    assert reached["hostile"] > 50 and reached["plain"] > 300 and reached["bold"] > 1000 and reached["links"] > 600
    assert reached["unicode"] > 3000


@pytest.mark.parametrize("body, html", [
    ("**形成工作合力。**全年累计完成项目12个。", "<p><strong>形成工作合力。</strong>全年累计完成项目12个。</p>"),
    ("# 总则\n\n1. 第一条\n2. 第二条", "<h2>总则</h2>\n<ol>\n<li>第一条</li>\n<li>第二条</li>\n</ol>"),
    ("3. 第三条\n4. 第四条", '<ol start="3">\n<li>第三条</li>\n<li>第四条</li>\n</ol>'),
    ("见[中国政府网](https://www.gov.cn/)。", '<p>见<a href="https://www.gov.cn/" rel="noopener noreferrer">中国政府网</a>。</p>'),
])
def test_the_fast_path_keeps_the_bold_beside_cjk_punctuation_the_numbers_and_the_links(body: str, html: str) -> None:
    """What a reader sees: the bold an editor wrote stays bold, a heading starts at h2, a list keeps its numbers."""
    assert fast(body)
    assert markup.render(body) == html


@pytest.mark.parametrize("body", [
    "| 甲 | 乙 |\n|---|---|\n| 1 | 2 |", "正文[^1]\n\n[^1]: 注释", "![图片](a.png)", "<b>甲</b>", "[甲](中文)",
    "- 甲\n    - 乙", "　　首行缩进", "1. 甲\n\n1. 乙", "*强调*", "`代码`",
])
def test_what_the_prescan_cannot_promise_goes_to_python_markdown(body: str) -> None:
    assert not fast(body)
    assert markup.render(body) == markup.render(body, fast=False)


@pytest.mark.parametrize("html", [
    '<p onclick="x()">甲<script>alert(1)</script></p>', '<a href="javascript:alert(1)">甲</a>', "<!-- 注释 -->乙",
    '<img src="data:image/png;base64,AAAA" alt="图">', '<a href="https://www.gov.cn/" title="政府">丙</a>',
    '<div style="color:red" class="x" id="y">丁</div>', "<h1>标题</h1><iframe src=x></iframe><style>p{}</style>",
    '<ol start="3" type="a"><li>戊</li></ol>', "<table><tr><td colspan=2 onclick=x>己</td></tr></table>",
])
def test_the_reused_cleaner_is_the_allowlist_of_r3_9(html: str) -> None:
    """One nh3.Cleaner made once gives what nh3.clean with the same allowlist gives on every call."""
    assert markup.sanitize(html) == nh3.clean(html, tags=markup.ALLOWED_TAGS, attributes=markup.ALLOWED_ATTRIBUTES,
                                              url_schemes=markup.URL_SCHEMES, link_rel="noopener noreferrer",
                                              strip_comments=True)


def test_python_markdown_is_pruned_only_of_what_the_body_cannot_use() -> None:
    """The differential test above would pass if nothing were pruned: check that something is."""
    plain = markup._python_markdown("| 甲 | 乙 |\n|---|---|\n| 1 | 2 |")
    assert "link" not in plain.inlinePatterns and "table" in plain.parser.blockprocessors
    linked = markup._python_markdown("[甲](中文) `代码`")
    assert "link" in linked.inlinePatterns and "backtick" in linked.inlinePatterns
    assert "table" not in linked.parser.blockprocessors and "html" not in linked.inlinePatterns
    full = markup._python_markdown("甲", prune=False)
    assert "link" in full.inlinePatterns and "table" in full.parser.blockprocessors
