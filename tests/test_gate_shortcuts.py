"""The shortcuts of the cold check find what the plain algorithms find (issue 16, R4.9, R7.1, R4.8, R4.2).

Each shortcut skips work a text cannot need: J006 makes a body's residue only when a rule could hold and a line's
only when its first letter could begin a placeholder; H003's prefilter looks only before colons; P004's address
pattern starts where a number before a unit word allows it; the UTF-16 sniffing stops without a NUL byte; the
banned-content scanner lowers ASCII through bytes. Each is compared here with the plain version it replaced,
over seeded random texts built from the pieces that make these rules fire (and every string literal of the
tests for J006): the findings, their lines, columns and messages, must be the same.
"""

from __future__ import annotations

import ast
import html
import random
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from zhanqun import source
from zhanqun.checks import files, html_safety, personal_data, placeholder, ruledata
from zhanqun.checks.textscan import Text
from zhanqun.findings import Finding

ROOT = Path(__file__).resolve().parent.parent
RULES = ruledata.load_checked(None)[0]


class PlainWords(placeholder._Words):
    """The word break as it was: every position of the residue walked."""

    def fullmatch(self, residue: str) -> bool:
        if not self.words or residue.isdigit() or len(residue) > placeholder._LONGEST:
            return False
        reachable = [False] * (len(residue) + 1)
        reachable[0] = True
        for i in range(len(residue)):
            if not reachable[i]:
                continue
            if residue[i].isdigit():
                reachable[i + 1] = True
            for size in self.lengths:
                if i + size <= len(residue) and residue[i:i + size] in self.words:
                    reachable[i + size] = True
        return reachable[-1]


class PlainScanner(placeholder.Scanner):
    """J006 as it was: the residue of every body, then of every line, made and looked at."""

    def __init__(self, data: dict[str, Any]) -> None:
        super().__init__(data)
        self.only = PlainWords(data.get("only", []))
        self.titles = PlainWords([*data.get("titles", []), *data.get("only", [])])
        self.unfinished = PlainWords(data.get("unfinished", []))

    def _body(self, body: str, body_line: int, meta: dict[str, Any], content_type: str, rel: str) -> Iterator[Finding]:
        doc = Text(placeholder._COMMENT.sub(lambda m: "\n" * m.group().count("\n"), body), rel, body_line, content_type)
        lowered = doc.text.lower()
        for term in self.anywhere:
            at = lowered.find(term)
            if at >= 0:
                yield doc.finding(at, placeholder.PLACEHOLDER, f"正文里还留着占位文字“{doc.text[at:at + len(term)]}”。",
                                  "删除占位文字，写上正文后再提交。", key=f"body:{term}")
                return
        words = placeholder._TAG.sub(" ", lowered)
        residue = placeholder._NOT_WORD.sub("", words)
        first = len(lowered) - len(lowered.lstrip())
        if not residue:
            if content_type in self.body_types and not placeholder._has_files(meta):
                yield Finding(rel, body_line, 1, placeholder.PLACEHOLDER, "正文是空的，也没有附件。",
                              "写上正文；只发布文件的，把文件写进头信息 attachments。", key="body:empty")
            return
        if term := next((t for t in self.squeezed if t in residue), ""):
            yield doc.finding(first, placeholder.PLACEHOLDER, f"正文里还留着占位文字“{term}”（字间有空格或标点）。",
                              "删除占位文字，写上正文后再提交。", key=f"body:{term}")
            return
        if self.only.fullmatch(residue) or self.only.nearly(residue, self.rest_max):
            shown = doc.text.strip()
            shown = shown if len(shown) <= 30 else shown[:30] + "…"
            yield doc.finding(first, placeholder.PLACEHOLDER, f"正文只有占位文字“{shown}”，没有实际内容。",
                              "写上正文后再提交。", key="body:only")
            return
        offset = 0
        for line in words.split("\n"):
            residue = placeholder._NOT_WORD.sub("", line)
            if residue and self.unfinished.fullmatch(residue):
                at = offset + len(line) - len(line.lstrip())
                shown = doc.text[at:offset + len(line)].strip()[:30]
                yield doc.finding(at, placeholder.PLACEHOLDER, f"正文中有一段还是占位文字“{shown}”，没有写完。",
                                  "把这一段写完，或删除它，再提交。", key=f"line:{residue}")
                return
            offset += len(line) + 1


def _terms(data: dict[str, Any]) -> list[str]:
    return [str(t) for value in data.values() if isinstance(value, list) for t in value]


PLACEHOLDER_DATA = RULES["placeholder"]
# the built-in data, and the shapes a county's rules/placeholder.yaml could give it
PLACEHOLDER_VARIANTS = [
    PLACEHOLDER_DATA,
    {**PLACEHOLDER_DATA, "rest_max": 0},
    {**PLACEHOLDER_DATA, "only": [], "unfinished": [], "anywhere": []},
    {**PLACEHOLDER_DATA, "only": [*PLACEHOLDER_DATA["only"], "×××", "a]b", "c-d", "^e", "\\f"], "rest_max": 3,
     "anywhere": [*PLACEHOLDER_DATA["anywhere"], "a]b c", "x.y"]},
]
PIECES = [*_terms(PLACEHOLDER_DATA), *"，。 \n\n\t-*#_×xX①²٣0123456789的一是会议通知", "<p>", "</p>", "<!--", "-->",
          "<!-- 注释 -->", "**", "## ", "\n- ", "ＸＸＸ", "待\u200b补充", "a]b", "c-d", "^e", "\\f", "在 这 里 写 正 文",
          "Lorem Ipsum", "x.y", "本周暂无停电计划。"]


def _literals() -> list[str]:
    found = []
    for path in sorted((ROOT / "tests").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and len(node.value) < 3000:
                found.append(node.value)
    return found


def _j006(scanner: placeholder.Scanner, body: str, meta: dict[str, Any], content_type: str) -> list[Finding]:
    return list(scanner.check(body, 5, meta, content_type, "content/fgw/tzgg/a.md", lambda: 2))


@pytest.mark.parametrize("variant", range(len(PLACEHOLDER_VARIANTS)))
def test_placeholder_findings_are_the_plain_scan_s(variant: int) -> None:
    data = PLACEHOLDER_VARIANTS[variant]
    fast, plain = placeholder.Scanner(data), PlainScanner(data)
    rng = random.Random(variant)
    texts = [("".join(rng.choice(PIECES) for _ in range(rng.randint(0, 14))),
              rng.choice([{}, {"attachments": ["a.pdf"]}, {"title": rng.choice(PIECES)}]),
              rng.choice(["news", "guide", "notice", "reply"])) for _ in range(6000)]
    assert sum(bool(_j006(plain, *t)) for t in texts) > 200  # the random texts do make J006 fire
    texts += [(text, {"answered": "2026-01-02"}, kind) for text in _literals() for kind in ("news", "reply")]
    differing = [t for t in texts if _j006(fast, *t) != _j006(plain, *t)]
    assert not differing, f"{len(differing)} bodies judged differently, e.g. {differing[:3]!r}"


def _plain_prefilter(body: str) -> bool:
    return bool(html_safety._PREFILTER.search(html_safety._ANY_CONTROL_OR_SPACE.sub("", html.unescape(body))))


def test_unsafe_url_prefilter_is_the_plain_search() -> None:
    rng = random.Random(3)
    pieces = [*"javscriptVBSCRIPTlivedatfilDATAFILE:：\t\n \x00\u3000\u00a0ſKİı文", "&colon;", "&#58;", "&#106;",
              "&Tab;", "javascript", "data", "FILE", "vbscript", "livescript", "](", "href="]
    texts = ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 30))) for _ in range(30000)]
    differing = [t for t in texts if html_safety._maybe_unsafe_url(html.unescape(t)) != _plain_prefilter(t)]
    assert not differing, differing[:5]
    assert sum(map(_plain_prefilter, texts)) > 1000


def test_address_search_starts_where_it_finds_the_same_matches() -> None:
    rng = random.Random(4)
    pieces = [*"0123456789一二三四五六七八九十百零〇号栋幢单元室组排户楼院 \t\u3000\n，。：", "号楼", "单元", "家住", "人民路",
              "幸福小区", "３", "٣", "²", "办公室"]
    checked = 0
    for _ in range(30000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 30)))
        everywhere = [m.span() for m in personal_data._DETAIL.finditer(text)]
        begin = personal_data._first_detail(text)
        assert everywhere == ([m.span() for m in personal_data._DETAIL.finditer(text, begin)] if begin is not None else [])
        checked += bool(everywhere)
    assert checked > 3000


def test_name_and_address_findings_on_the_corpus_texts() -> None:
    """P004 (and the other personal-data rules) over the tests' texts: the same as a scan from the first character."""
    scanner = personal_data.Scanner(RULES["personal_data"])

    def plain(doc: Text) -> list[Finding]:
        start = personal_data._first_detail
        personal_data._first_detail = lambda text: 0  # type: ignore[assignment]  # every character, as before
        try:
            return list(scanner.scan(doc))
        finally:
            personal_data._first_detail = start

    texts = [t for t in _literals() if "号" in t or "室" in t or "组" in t or "户" in t]
    assert len(texts) > 50
    for text in texts:
        assert list(scanner.scan(Text(text, "a.md"))) == plain(Text(text, "a.md")), text


def _plain_wide(data: bytes) -> str | None:
    for bom, name in source._WIDE_BOMS:
        if data.startswith(bom):
            return name
    head = data[:4096]
    for name, width, codecs in (("UTF-32", 4, ("utf-32-le", "utf-32-be")), ("UTF-16", 2, ("utf-16-le", "utf-16-be"))):
        sample = head[: len(head) - len(head) % width]
        if any(sample and source._plausible_text(sample, codec) for codec in codecs):
            return name
    return None


def test_wide_unicode_sniffing_without_nul_bytes() -> None:
    rng = random.Random(5)
    samples = ["关于开展秋季防火检查的通知\n".encode(enc) for enc in ("utf-8", "utf-16-le", "utf-16-be", "utf-32-le", "gb18030")]
    samples += [bytes(rng.choice(b"\x00\n\r a\xff\xfe\xe4\xb8\xad") for _ in range(rng.randint(0, 40))) for _ in range(20000)]
    assert [source._wide_unicode(s) for s in samples] == [_plain_wide(s) for s in samples]
    assert source._wide_unicode(samples[1]) == "UTF-16"


def test_ascii_lowering_through_bytes_keeps_every_other_character() -> None:
    rng = random.Random(6)
    alphabet = "AZaz09İıſKÀÉ文字\ud800\udfff\U0001f600 \n"
    table = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
    for _ in range(5000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 20)))
        assert text.encode("utf-8", "surrogatepass").lower().decode("utf-8", "surrogatepass") == text.translate(table)


def test_yaml_prescan_patterns_need_the_characters_it_looks_for() -> None:
    rng = random.Random(7)
    pieces = [*"：:&*|>-#'\" \t", "key", "值", "- ", "? ", "[", "{", "|-", ">+2", "\"a&b\"", "'*x'"]
    for _ in range(20000):
        line = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 10)))
        if source._FULLWIDTH_KEY_RE.match(line):
            assert "：" in line
        if source._ANCHOR_RE.search(source._without_quotes(line)):
            assert "&" in line or "*" in line
        if source._BLOCK_SCALAR_RE.search(line):
            assert "|" in line or ">" in line


@pytest.mark.parametrize("rel", ["a.py", "a.pyc", "b/__pycache__/x.txt", "__pycache__", "x/__pycache__", "A.PYD",
                                 "m.cpython-311-x86_64-linux-gnu.so", "z.SO", "q.pyo", "__pycache__x/a", "a/__pycache__b/c",
                                 "c.abi3.so", "d.pyc.txt"])
def test_compiled_code_is_recognised_as_before(rel: str) -> None:
    name = rel.rsplit("/", 1)[-1].lower()
    plain = "__pycache__" in rel.split("/")[:-1] or any(name.endswith(s) for s in files.COMPILED_SUFFIXES)
    assert files.is_compiled(rel) is plain


def test_no_shortcut_hides_a_planted_placeholder_line() -> None:
    """What an editor sees: a real body with one section left as 待补充 is still J006, at that line."""
    body = "县防火办开展秋季防火检查。\n\n## 二、检查安排\n\n待补充\n\n## 三、工作要求\n\n各乡镇要高度重视。\n"
    (finding,) = _j006(placeholder.Scanner(PLACEHOLDER_DATA), body, {"title": "通知"}, "notice")
    assert finding.code == "J006" and finding.line == 5 + 4 and "待补充" in finding.message
    assert re.search("没有写完", finding.message)
