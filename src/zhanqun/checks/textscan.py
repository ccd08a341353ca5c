"""What every text scanner shares: a text with its file's line numbers, and a finding at an offset.

A :class:`Text` is normalised once when it is made (R4.10, :mod:`zhanqun.checks.normalise`): scanners read
``text``, the normalised text, and every offset they report is mapped back to ``original`` for the line and
column, so an editor is pointed at what they wrote.
"""

from __future__ import annotations

import bisect
import dataclasses
import functools
import re

from zhanqun.checks.normalise import Normalised, normalise
from zhanqun.findings import Finding

__all__ = ["Normalised", "Text", "normalise"]

_SENTENCE_END = re.compile(r"[。！？!?；;\n]")


@dataclasses.dataclass
class Text:
    """A text to scan. ``first_line`` is the file line of ``original[0]``; ``where`` prefixes attachment messages.
    ``text`` is the normalised text the scanners read; offsets into it are mapped back for findings."""

    original: str
    rel: str
    first_line: int = 1
    content_type: str = "news"
    where: str = ""  # an attachment's location ("第 2 页"): then every finding is on line ``first_line``
    text: str = dataclasses.field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.normalised = normalise(self.original)
        self.text = self.normalised.text

    @functools.cached_property
    def _line_starts(self) -> list[int]:
        starts = [0]
        find = self.original.find
        i = find("\n")
        while i != -1:
            starts.append(i + 1)
            i = find("\n", i + 1)
        return starts

    def position(self, offset: int) -> tuple[int, int]:
        """File line and column of ``text[offset]`` (the normalised text), counted in the original."""
        return self.original_position(self.normalised.original(offset))

    def original_position(self, offset: int) -> tuple[int, int]:
        index = bisect.bisect_right(self._line_starts, offset) - 1
        return self.first_line + (0 if self.where else index), offset - self._line_starts[index] + 1

    def line_at(self, offset: int) -> tuple[int, int]:
        """Start and end offsets of the line holding ``offset`` (found locally: no table of every line)."""
        start = self.text.rfind("\n", 0, offset) + 1
        end = self.text.find("\n", offset)
        return start, len(self.text) if end == -1 else end

    def sentence_at(self, start: int, end: int, following: int = 0) -> str:
        """The sentence holding [start, end), plus ``following`` sentences after it (each at most 120 characters)."""
        left = max((m.end() for m in _SENTENCE_END.finditer(self.text, max(0, start - 120), start)), default=max(0, start - 120))
        right = end
        for _ in range(following + 1):
            match = _SENTENCE_END.search(self.text, right, right + 120)
            right = match.end() if match else min(len(self.text), right + 120)
        return self.text[left:right]

    def paragraph_at(self, start: int, end: int) -> str:
        line_start, line_end = self.line_at(start)
        return self.text[max(line_start, start - 200): min(line_end, end + 200)]

    def finding(self, start: int, code: str, message: str, hint: str, key: str = "") -> Finding:
        line, column = self.position(start)
        if self.where:
            message = f"{self.where}：{message}"
        return Finding(self.rel, line, column, code, message, hint, key)
