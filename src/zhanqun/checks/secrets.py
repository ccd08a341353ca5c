"""Secrets (R4.3, 001 §17 涉密信息不上网): classification markings and internal-document markings block."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from zhanqun.checks.textscan import Text
from zhanqun.findings import Finding, Severity, define

CLASSIFIED = define(
    "M001", "classification-marking", Severity.ERROR, "含有密级标志（绝密、机密、秘密★）。",
    why="涉密信息一律不得上网（001 号文件第十七条）。带密级标志的文件出现在网站上，就是泄密事件。",
    example="机密★1年\n关于……的通知",
    fix="立即停止发布，把文件交给本单位保密员确认。确属已解密的文件，请删除密级标志并注明“已解密”及解密文号。",
    requirement="R4.3",
)
INTERNAL = define(
    "M002", "internal-document-marking", Severity.ERROR, "含有“内部资料”“不宜公开”等内部文件标记。",
    why="标有“内部资料”“内部文件”“此件不宜公开”的材料不得在网站发布；这类标记往往说明粘贴了不该公开的原件。",
    example="（内部资料 注意保存）",
    fix="确认该材料是否可以公开。可以公开的，删除该标记并由审核人确认；不能公开的，撤下整篇内容。",
    requirement="R4.3",
)

_MARKUP = re.compile(r"[#>*_`|\-\s　]+")
_CLAUSE_BREAK = set("，,。.；;：:　 ")
_BRACKETS = re.compile(r"[（(【\[〔<]([^）)】\]〕>\n]{1,30})[）)】\]〕>]")  # not 《》: a title names, it does not mark


class Scanner:
    def __init__(self, data: dict[str, Any]) -> None:
        self.markings = [(re.compile(m["pattern"], re.MULTILINE), m["label"]) for m in data["markings"]]
        self.phrases = sorted(data["phrases"], key=len, reverse=True)
        self.phrase_re = re.compile("|".join(map(re.escape, self.phrases)))
        self.before = tuple(data["describing_before"])
        self.after = tuple(data["describing_after"])
        self.short = int(data["short_line"])

    def scan(self, doc: Text) -> Iterator[Finding]:
        text = doc.text
        seen: set[int] = set()  # one M001 and one M002 per line
        if "密" in text:
            for pattern, label in self.markings:
                for match in pattern.finditer(text):
                    line_start, _ = doc.line_at(match.start())
                    if line_start in seen:
                        continue
                    seen.add(line_start)
                    marking = match.group().strip(" #>*")
                    yield doc.finding(match.start() + match.group().find(marking), CLASSIFIED,
                                      f"出现{label}“{marking}”。", "涉密信息不得上网：停止发布，交保密员确认。", key=marking)
        seen_internal: set[int] = set()
        lines: dict[int, tuple[int, int, list[tuple[int, int]]]] = {}  # line start -> end, length, bracket spans
        for match in self.phrase_re.finditer(text):
            start, end = match.span()
            line_start, line_end = doc.line_at(start)
            if line_start in seen_internal or self._describing(text, start, end):
                continue
            if line_start not in lines:  # computed once per line, however many phrases it holds
                raw = text[line_start:line_end]
                sentence = raw.rstrip().endswith(("。", "！", "？"))  # a sentence, not a header line
                lines[line_start] = (line_end, 10_000 if sentence else len(_MARKUP.sub("", raw)),
                                     [(b.start(), b.end()) for b in _BRACKETS.finditer(raw)])
            _, length, brackets = lines[line_start]
            bracketed = any(b0 <= start - line_start < b1 for b0, b1 in brackets)
            at_start = not _MARKUP.sub("", text[line_start:start])
            # At the end of a line as a clause of its own ("…，不得外传"), not as a sentence's predicate
            # ("您申请公开的信息不宜公开。" is an answer, not a marking).
            at_end = not _MARKUP.sub("", text[end:line_end]).strip("。，,.；;!！") and \
                text[line_start:start].rstrip(" \t*_")[-1:] in _CLAUSE_BREAK
            if length - len(match.group()) <= self.short or bracketed or at_start or at_end:
                seen_internal.add(line_start)
                yield doc.finding(start, INTERNAL, f"出现内部文件标记“{match.group()}”。",
                                  "确认材料可以公开后删除该标记；不能公开的请撤下。", key=match.group())

    def _describing(self, text: str, start: int, end: int) -> bool:
        """'其他不宜公开的信息' describes a category (a regulation), it does not mark a document."""
        return text[end:end + 2].startswith(self.after) or text[max(0, start - 2):start].endswith(self.before)
