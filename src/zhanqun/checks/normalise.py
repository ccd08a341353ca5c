"""One normalisation in front of every text scanner (R4.10): what a reader sees, not how it was typed.

:func:`normalise` returns the text the scanners read plus a map from its offsets back to the original, so
findings are located in the file as the editor wrote it. It

* removes invisible format characters (Unicode category Cf: zero-width space and joiners, word joiner,
  soft hyphen, BOM inside text, bidi controls …) and variation selectors;
* decodes HTML entities, named and numeric (``&#49;`` is ``1``, ``&shy;`` disappears), except those of
  ``<`` and ``>`` (escaped markup stays text);
* folds full-width letters and digits (``１３８`` → ``138``), mathematical and circled letters, CJK
  compatibility ideographs and Kangxi radicals (PDF text often carries ``⼈⺠`` for ``人民``);
* turns every kind of space (no-break, thin, ideographic …) into an ASCII space;
* turns look-alikes of ★ (☆ ✩ ✭ ⭐ ＊ ✱ …) into ★; ASCII ``*`` and ※ stay (Markdown bold, notes): the
  secrets rules accept them only in the shape of a marking (``秘密*3年``);
* between two digits, writes every dash (‐ ‑ – — − －) as ``-`` and every dot (· ・ ． 。 •) as ``.``, so a
  number's separators are one of space, ``-`` and ``.`` (commas and slashes are not separators: amounts,
  fractions and dates keep them);
* joins digits spaced one by one (``1 3 8 0 0 …``, as some PDF generators write every glyph).

Line breaks are never added or removed, so a line of the normalised text is the same line of the original.
The tables are code, not rule data: they are a codec, and changing them must invalidate cached parses.
"""

from __future__ import annotations

import bisect
import html
import re
import unicodedata
from collections.abc import Callable, Iterable
from html.entities import html5

__all__ = ["INVISIBLE", "Normalised", "is_invisible", "normalise"]

# Unicode 15 category Cf (tests/test_normalise.py compares it with unicodedata), plus variation selectors,
# the combining grapheme joiner and the Hangul fillers: all render as nothing.
_CF_RANGES = (
    (0x00AD, 0x00AD), (0x0600, 0x0605), (0x061C, 0x061C), (0x06DD, 0x06DD), (0x070F, 0x070F),
    (0x0890, 0x0891), (0x08E2, 0x08E2), (0x180E, 0x180E), (0x200B, 0x200F), (0x202A, 0x202E),
    (0x2060, 0x2064), (0x2066, 0x206F), (0xFEFF, 0xFEFF), (0xFFF9, 0xFFFB), (0x110BD, 0x110BD),
    (0x110CD, 0x110CD), (0x13430, 0x1343F), (0x1BCA0, 0x1BCA3), (0x1D173, 0x1D17A), (0xE0001, 0xE0001),
    (0xE0020, 0xE007F),
)
_OTHER_INVISIBLE = ((0x034F, 0x034F), (0x115F, 0x1160), (0x180B, 0x180D), (0x180F, 0x180F), (0x3164, 0x3164),
                    (0xFE00, 0xFE0F), (0xFFA0, 0xFFA0), (0xE0100, 0xE01EF))


def _char_class(ranges: Iterable[tuple[int, int]]) -> str:
    return "".join(re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in ranges)


INVISIBLE = _char_class(_CF_RANGES + _OTHER_INVISIBLE)  # a regex character class body
_INVISIBLE_RE = re.compile(f"[{INVISIBLE}]")


def is_invisible(char: str) -> bool:
    return bool(_INVISIBLE_RE.match(char))


_SPACES = "\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
STARS = "☆✩✪✫✬✭✮✯✰⭐⭑⋆✦✧✱✲✳✴✵✶✷✸✹✺✻✼✽＊﹡⁎∗٭🌟"  # look like ★ in a 密级 marking
# Radicals that PDF text extraction gives instead of the ideograph (no NFKC mapping exists for these).
_RADICALS = dict(zip("⺠⻓⻔⻋⻉⻅⻛⻜⻢⻥⻦⻚⻬⻰⻄⻘⻝⻩⻨⻮⺁⺇⺮⻌⻍⻎", "民长门车贝见风飞马鱼鸟页齐龙西青食黄麦齿厂几竹辶辶辶"))
DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"
DOTS = "\u00b7\u2027\u30fb\uff65\uff0e\u3002\u2022\u22c5"


def _fold_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for code in range(0xFF10, 0xFF5B):  # full-width digits and letters (not punctuation: ，：（ are Chinese)
        if chr(code).isalnum():
            table[code] = chr(code - 0xFEE0)
    nfkc = [(0x1D400, 0x1D7FF), (0x24B6, 0x24E9), (0xF900, 0xFAD9), (0x2F800, 0x2FA1D), (0x2F00, 0x2FD5)]
    for low, high in nfkc:  # mathematical and circled letters, CJK compatibility ideographs, Kangxi radicals
        for code in range(low, high + 1):
            folded = unicodedata.normalize("NFKC", chr(code))
            if len(folded) == 1 and folded != chr(code):
                table[code] = folded
    table.update((ord(c), " ") for c in _SPACES)
    table.update((ord(c), "★") for c in STARS)
    table.update((ord(k), v) for k, v in _RADICALS.items())
    return table


_FOLD = _fold_table()


def _ranges(codes: list[int]) -> list[tuple[int, int]]:
    ranges: list[tuple[int, int]] = []
    for code in codes:
        if ranges and ranges[-1][1] == code - 1:
            ranges[-1] = (ranges[-1][0], code)
        else:
            ranges.append((code, code))
    return ranges


_EXACT = sorted(set(_FOLD) | {c for a, b in _CF_RANGES + _OTHER_INVISIBLE for c in range(a, b + 1)})
# Every character that may need work. The regex engine tests a class of BMP characters with one bitmap lookup,
# but every astral range is one more test for every character: the astral ones are looked for only in a text
# that has astral characters at all (its UTF-16 is longer than two bytes a character).
# (A single-character pattern: the engine's fast skip does not apply to "[…]+".)
_CANDIDATE = re.compile(f"[{_char_class(_ranges([c for c in _EXACT if c <= 0xFFFF]))}]")
_ASTRAL_CANDIDATE = re.compile(f"[{_char_class(_ranges([c for c in _EXACT if c > 0xFFFF]))}]")
_ALL_CANDIDATES = re.compile(f"[{_char_class(_ranges(_EXACT))}]+")
_ENTITY = re.compile(r"&(?:#[0-9]{1,7};|#[xX][0-9a-fA-F]{1,6};|[A-Za-z][A-Za-z0-9]{1,31};)")
_SEPARATOR = re.compile(f"[{DASHES}{DOTS}](?<=[0-9].)(?=[0-9])")
_SEPARATOR_TO = str.maketrans({**{c: "-" for c in DASHES}, **{c: "." for c in DOTS}})
_DIGIT_WORK = re.compile(f"[0-9](?:[{DASHES}{DOTS}](?=[0-9])| [0-9] [0-9] [0-9] [0-9] [0-9])")  # either of the two below
_SPACED_DIGITS = re.compile(r"[0-9](?<![0-9][0-9])(?<![0-9] [0-9])(?: [0-9]){5,}(?![0-9])")


class Normalised:
    """The normalised ``text`` and the way back: :meth:`original` maps an offset of ``text`` to the original."""

    __slots__ = ("_stages", "source", "text")

    def __init__(self, text: str, source: str, stages: list[tuple[list[int], list[int]]]) -> None:
        self.text = text
        self.source = source
        self._stages = stages  # per length-changing step: breakpoints (new offsets, old offsets), last step first

    def original(self, offset: int) -> int:
        for new, old in self._stages:
            index = bisect.bisect_right(new, offset) - 1
            if index >= 0:
                offset = old[index] + max(0, offset - new[index])
        return offset

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """The original text's span behind ``text[start:end]`` (entities and hidden characters inside included)."""
        return self.original(start), self.original(end)


_last: list[Normalised] = []  # the last two results: the gates read a file's text and its body, each twice


def normalise(text: str) -> Normalised:
    """Normalise ``text`` for scanning (see the module docstring). Text without anything to fold is returned as
    it is, without a copy: that is most text, and the check costs one regular-expression search."""
    for done in _last:
        if done.source is text:
            return done
    result = _normalise(text)
    _last[:] = [result, *_last[:1]]
    return result


def _normalise(text: str) -> Normalised:
    stages: list[tuple[list[int], list[int]]] = []  # the last step first
    result = text
    if "&" in result and _ENTITY.search(result):
        result, stage = _replace(result, _ENTITY.finditer(result), _entity)
        stages.insert(0, stage)
    if _CANDIDATE.search(result) or (_has_astral(result) and _ASTRAL_CANDIDATE.search(result)):
        result, folded = _fold(result)
        if folded:
            stages.insert(0, folded)
    if _DIGIT_WORK.search(result):
        if _SEPARATOR.search(result):
            result = _SEPARATOR.sub(lambda m: m.group().translate(_SEPARATOR_TO), result)
        if _SPACED_DIGITS.search(result):
            result, stage = _replace(result, _SPACED_DIGITS.finditer(result), lambda digits: digits.replace(" ", ""))
            stages.insert(0, stage)
    return Normalised(result, text, stages)


def _has_astral(text: str) -> bool:
    return len(text.encode("utf-16-le", "surrogatepass")) != 2 * len(text)


def _replace(text: str, matches: Iterable[re.Match[str]], replace: Callable[[str], str]) -> tuple[str, tuple[list[int], list[int]]]:
    """Each match replaced by ``replace(match)``; each character of a replacement maps back to the matching
    character of the match while there is one (so a joined digit keeps its own column)."""
    pieces: list[str] = []
    new: list[int] = []
    old: list[int] = []
    done = length = 0
    for match in matches:
        start, end = match.span()
        pieces.append(text[done:start])
        length += start - done
        replacement = replace(match.group())
        pieces.append(replacement)
        if replacement.replace(" ", "") == match.group().replace(" ", "") and " " in match.group():
            for index, char in enumerate(match.group()):  # joined digits: each maps to its own glyph
                if char != " ":
                    new.append(length)
                    old.append(start + index)
                    length += 1
        else:
            length += len(replacement)
        new.append(length)
        old.append(end)
        done = end
    pieces.append(text[done:])
    return "".join(pieces), (new, old)


def _fold(text: str) -> tuple[str, tuple[list[int], list[int]] | None]:
    pieces: list[str] = []
    new: list[int] = []
    old: list[int] = []
    done = 0  # original offset copied so far
    length = 0  # length of the output so far
    for match in _ALL_CANDIDATES.finditer(text):
        start, end = match.span()
        pieces.append(text[done:start])
        length += start - done
        folded = match.group().translate(_FOLD)
        if _INVISIBLE_RE.search(folded):  # hidden characters go: map every kept one back
            for index, char in enumerate(folded):
                if not is_invisible(char):
                    new.append(length)
                    old.append(start + index)
                    pieces.append(char)
                    length += 1
            new.append(length)
            old.append(end)
        else:
            pieces.append(folded)
            length += len(folded)
        done = end
    pieces.append(text[done:])
    return "".join(pieces), (new, old) if new else None


def _entity(entity: str) -> str:
    if entity[1] != "#" and entity[1:] not in html5:
        return entity  # &nosuch; stays as written
    decoded = html.unescape(entity)
    if "<" in decoded or ">" in decoded:
        return entity  # &lt;img&gt; is text about markup, not markup: the image rules must not see a tag
    return decoded.replace("\n", " ").replace("\r", " ")  # never a new line
