"""Placeholder content (R7.1): a page whose body or title is still the text ``zhanqun new`` wrote, or nothing but
"待补充", "测试", "XXX" … An inspector counts a blank page as a veto item (国办秘函〔2019〕19号), so ``zhanqun check``
refuses it like any other error, and ``zhanqun inspect`` reports it as J006.

Pure and per file (cached with the parse): the body, the front matter and the rule data in
``checks/data/placeholder.yaml`` decide. The text is read normalised (:mod:`zhanqun.checks.normalise`) and lower
cased, so ``ＸＸＸ`` and ``待\u200b补充`` are what they look like.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from zhanqun.checks.textscan import Text
from zhanqun.findings import Finding, Severity, define

PLACEHOLDER = define(
    "J006", "placeholder-content", Severity.ERROR, "正文或标题还是占位文字（或正文为空），没有实际内容。",
    why="空白页面、只有“（在这里写正文。）”“待补充”“测试”之类文字的页面，在政府网站检查中按“空白栏目/无效内容”"
        "计为单项否决（国办秘函〔2019〕19号）；zhanqun new 写入的占位文字一旦发布，公众看到的就是一张空页。",
    example="---\ntitle: 关于开展秋季防火检查的通知\ndate: 2026-11-20\n---\n\n（在这里写正文。）",
    fix="删除占位文字，写上正文（政策文件、通知可以只放附件，但附件要写进头信息 attachments）；标题写实际标题。"
        "内容还没准备好时不要提交到主分支，或用 publish_at 定时发布。",
    requirement="R7.1, R2",
)

_COMMENT = re.compile(r"<!--.*?(?:-->|$)", re.DOTALL)
# Punctuation, spaces, Markdown marks: what is left are letters, digits and × (of "×××")
_NOT_WORD = re.compile(r"(?:[^\w×]|_)+")
_NOT_WORD_RUN = r"(?:[^\w×]|_)*"  # (as a part of a pattern)
# A character _NOT_WORD keeps (what a residue is made of)
_LETTER = re.compile(r"[^\W_]|×")
_LETTER_NOT_DECIMAL = re.compile(r"[^\W\d_]|×")  # (a class with Chinese characters takes milliseconds to compile)
# Raw HTML in Markdown: "<p></p>" or "<div>待补充</div>" says no more than its text (the tag names are not words)
_TAG = re.compile(r"</?[a-z][^<>\n]*>|<!--|-->")


class Scanner:
    def __init__(self, data: dict[str, Any]) -> None:
        self.anywhere = [str(t).lower() for t in data.get("anywhere", [])]
        # the same terms without spaces and punctuation: "在 这 里 写 正 文" is still the prompt
        self.squeezed = [t for t in (_NOT_WORD.sub("", t) for t in self.anywhere) if t]
        self.body_types = frozenset(data.get("body_types", []))
        self.only = _Words(data.get("only", []))
        self.titles = _Words([*data.get("titles", []), *data.get("only", [])])  # a title "待补充" is no title
        self.unfinished = _Words(data.get("unfinished", []))
        self.rest_max = int(data.get("rest_max", 0))

    def check(self, body: str, body_line: int, meta: dict[str, Any], content_type: str, rel: str,
              title_line: Callable[[], int]) -> Iterator[Finding]:
        """J006 for the body and the title of one parsed item (``title_line`` is called only for a finding)."""
        if content_type == "reply" and not meta.get("answered"):
            return  # a message not answered yet is kept, not published (R9): its answer is still to be written
        yield from self._body(body, body_line, meta, content_type, rel)
        title = meta.get("title")
        if isinstance(title, str) and title and (term := self._title(title)):
            yield Finding(rel, title_line(), 1, PLACEHOLDER, f"标题“{title}”是占位文字，不是实际标题。",
                          "写上这篇信息的实际标题。", key=f"title:{term}")

    def _body(self, body: str, body_line: int, meta: dict[str, Any], content_type: str, rel: str) -> Iterator[Finding]:
        doc = Text(_COMMENT.sub(lambda m: "\n" * m.group().count("\n"), body), rel, body_line, content_type)
        lowered = doc.text.lower()
        for term in self.anywhere:
            at = lowered.find(term)
            if at >= 0:
                shown = doc.text[at:at + len(term)]
                yield doc.finding(at, PLACEHOLDER, f"正文里还留着占位文字“{shown}”。",
                                  "删除占位文字，写上正文后再提交。", key=f"body:{term}")
                return
        words = _TAG.sub(" ", lowered) if "<" in lowered or "-->" in lowered else lowered  # (what _TAG needs)
        first = len(lowered) - len(lowered.lstrip())
        # The residue (``words`` without what is not a letter or digit) is made only when one of the rules below could
        # hold; the tests that say so look at ``words`` itself and stop at the first letters of a real text (issue
        # 16: making the residue of every body, then of each of its lines, was a fifth of a cold check).
        if self._could_be_placeholder(words):
            residue = _NOT_WORD.sub("", words)
            if not residue:
                if content_type in self.body_types and not _has_files(meta):
                    yield Finding(rel, body_line, 1, PLACEHOLDER, "正文是空的，也没有附件。",
                                  "写上正文；只发布文件的，把文件写进头信息 attachments。", key="body:empty")
                return
            if term := next((t for t in self.squeezed if t in residue), ""):
                yield doc.finding(first, PLACEHOLDER, f"正文里还留着占位文字“{term}”（字间有空格或标点）。",
                                  "删除占位文字，写上正文后再提交。", key=f"body:{term}")
                return
            if self.only.fullmatch(residue) or self.only.nearly(residue, self.rest_max):
                shown = doc.text.strip()
                shown = shown if len(shown) <= 30 else shown[:30] + "…"
                yield doc.finding(first, PLACEHOLDER, f"正文只有占位文字“{shown}”，没有实际内容。",
                                  "写上正文后再提交。", key="body:only")
                return
        yield from self._unfinished_lines(doc, words)

    def _could_be_placeholder(self, words: str) -> bool:
        """Whether the residue of ``words`` is empty, holds a squeezed term, or could be made of the words of ``only``
        (and digits) but for at most ``rest_max`` letters: a letter of no such word, not a digit, remains in what
        :meth:`_Words.nearly` leaves, so ``rest_max`` + 1 of them decide no."""
        if _LETTER.search(words) is None:
            return True
        if self.squeezed and self._squeezed_in(words):
            return True
        return self.only.at_most_foreign(words, max(0, self.rest_max))

    def _squeezed_in(self, words: str) -> bool:
        """Whether a squeezed term is in the residue of ``words``: a term whose every letter is in ``words`` is looked
        for as its letters in order with only what _NOT_WORD drops between them (compiled on first need)."""
        return any(all(map(words.__contains__, term)) for term in self.squeezed) and \
            self._squeezed_pattern.search(words) is not None

    @functools.cached_property
    def _squeezed_pattern(self) -> re.Pattern[str]:
        return re.compile("|".join(_NOT_WORD_RUN.join(map(re.escape, t)) for t in self.squeezed))

    def _unfinished_lines(self, doc: Text, words: str) -> Iterator[Finding]:
        """A line of nothing but "待补充" in a real body: a section still to be written (the first one)."""
        offset = 0
        for line in words.split("\n"):
            # the residue's first letter is the line's first letter: one that no word has (nor a digit) says no
            # (most lines begin with it: str.isalnum() is _LETTER's test, but for "×")
            head = line[:1]
            first = head if head.isalnum() else (found.group() if (found := _LETTER.search(line)) else "")
            if not first or not self.unfinished.could_start(first):
                offset += len(line) + 1
                continue
            residue = _NOT_WORD.sub("", line)
            if residue and self.unfinished.fullmatch(residue):
                at = offset + len(line) - len(line.lstrip())
                shown = doc.text[at:offset + len(line)].strip()[:30]
                yield doc.finding(at, PLACEHOLDER, f"正文中有一段还是占位文字“{shown}”，没有写完。",
                                  "把这一段写完，或删除它，再提交。", key=f"line:{residue}")
                return
            offset += len(line) + 1

    def _title(self, title: str) -> str:
        from zhanqun.checks.normalise import normalise

        lowered = normalise(title).text.lower()
        for term in self.anywhere:
            if term in lowered:
                return term
        residue = _NOT_WORD.sub("", lowered)
        if term := next((t for t in self.squeezed if t in residue), ""):
            return term
        return residue if residue and self.titles.fullmatch(residue) else ""


class _Words:
    """Whether a residue is made only of some words (and digits), at least one word: "测试1", "xxx xxx", "待补充……".
    A word break by dynamic programming, linear in the residue (a regular expression like (xx|xxx)+ would
    backtrack exponentially on a long run of x's, R4.9)."""

    def __init__(self, terms: Iterable[object]) -> None:
        self.words = {_NOT_WORD.sub("", str(t).lower()) for t in terms} - {""}
        self.lengths = sorted({len(w) for w in self.words})
        self.letters = frozenset("".join(self.words))

    def could_start(self, letter: str) -> bool:
        """Whether a residue beginning with ``letter`` could be made of the words (and digits)."""
        return letter in self.letters or letter.isdigit()

    def at_most_foreign(self, text: str, most: int) -> bool:
        """Whether at most ``most`` letters of ``text``'s residue are in no word and not a digit (the residue of a
        text made of the words has none; :meth:`nearly` allows ``rest_max`` others)."""
        if not self.words:
            return False
        count = 0
        letters = self.letters
        for match in _LETTER_NOT_DECIMAL.finditer(text):
            letter = match.group()
            if letter not in letters and not letter.isdigit():
                count += 1
                if count > most:
                    return False
        return True

    def fullmatch(self, residue: str) -> bool:
        if not self.words or residue.isdigit() or len(residue) > _LONGEST:
            return False
        # every character is a digit or inside a word: a letter of no word means no (most lines of a real text
        # say so at once; the word break below is a Python loop over every character)
        letters = self.letters
        for c in residue:
            if c not in letters and not c.isdigit():
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

    def nearly(self, residue: str, rest_max: int) -> bool:
        """Some of these words (two characters or more) and at most ``rest_max`` other letters: "待补充 会议"."""
        if rest_max <= 0 or len(residue) > _SHORT:
            return False
        rest, hit = residue, False
        for word in sorted((w for w in self.words if len(w) >= 2), key=len, reverse=True):
            if word in rest:
                rest, hit = rest.replace(word, ""), True
        rest = "".join(c for c in rest if not c.isdigit())
        return hit and len(rest) <= rest_max


_LONGEST = 2000  # a longer text is not a placeholder, whatever it is made of
_SHORT = 30  # a placeholder plus a word or two is short: a longer text with a placeholder word is a real text


def _has_files(meta: dict[str, Any]) -> bool:
    return bool(meta.get("attachments") or meta.get("images") or meta.get("forms"))
