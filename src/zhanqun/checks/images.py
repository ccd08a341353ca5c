"""Images (R4.7): every image needs alternative text (R3.8 accessibility); a map needs its 审图号 (001 §10)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

from zhanqun.checks.textscan import Text
from zhanqun.findings import Finding, Severity, define

NO_ALT = define(
    "I001", "image-alt-missing", Severity.ERROR, "图片缺少替代文字（alt）。",
    why="读屏软件靠替代文字向视障人士说明图片内容（GB/T 37668，适老化与无障碍要求）；只写文件名等于没有写。",
    example="![](images/huiyi.jpg)  或  ![IMG_2031.JPG](IMG_2031.JPG)",
    fix="在方括号里用一句话说明图片内容：![县政府常务会议现场](images/huiyi.jpg)。",
    requirement="R4.7, R3.8",
)
MAP_APPROVAL = define(
    "I002", "map-without-approval-number", Severity.ERROR, "地图没有标注审图号。",
    why="公开使用的地图必须经过审核并标注审图号（001 号文件第十条；《地图管理条例》），问题地图是严重错误。",
    example="![示例县行政区划图](images/quhua.png)（下一行没有“审图号：……”）",
    fix="使用自然资源部门提供的标准地图，并在图片说明或图片下一行写明审图号，如“审图号：示S(2026)001号”。示意图不是地图，可写明“示意图”。",
    requirement="R4.7",
)

_MD_IMAGE = re.compile(r"!\[((?:[^\]\n]|\\\]){0,500})\]\(\s*<?([^)\s>]*)>?(?:\s+[\"']([^\"'\n]*)[\"'])?\s*\)")
_HTML_IMG = re.compile(r"<img\b([^>\n]{0,2000})>", re.IGNORECASE)
_ATTR = re.compile(r"\b(alt|src|title)\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s>]+))", re.IGNORECASE)


class Scanner:
    def __init__(self, data: dict[str, Any]) -> None:
        self.filename_alt = re.compile(data["filename_alt"], re.IGNORECASE)
        words = [w.lower() for w in data["map_words"]]
        # ASCII words match whole words only: county_map.jpg is a map, roadmap.png is not.
        self.map_words = re.compile("|".join(re.escape(w) if not w.isascii() else rf"(?<![a-z]){re.escape(w)}(?![a-z])"
                                             for w in words))
        self.not_map = tuple(data["not_map_words"])
        self.approval = re.compile(data["approval"])

    def scan(self, doc: Text) -> Iterator[Finding]:
        text = doc.text
        if "![" in text:
            for match in _MD_IMAGE.finditer(text):
                yield from self._image(doc, match.start(), match.group(1), match.group(2), match.group(3) or "", match.end())
        if "<" in text and "<img" in text.lower():  # (no copy of a text without "<")
            for match in _HTML_IMG.finditer(text):
                attrs = {m.group(1).lower(): next(g for g in m.groups()[1:] if g is not None) for m in _ATTR.finditer(match.group(1))}
                yield from self._image(doc, match.start(), attrs.get("alt"), attrs.get("src", ""), attrs.get("title", ""), match.end())

    def _image(self, doc: Text, start: int, alt: str | None, src: str, title: str, end: int) -> Iterator[Finding]:
        name = src.rsplit("/", 1)[-1]
        if alt is None or not alt.strip() or self.filename_alt.match(alt.strip()) or alt.strip() in (name, src):
            shown = f"“{name}”" if name else ""
            yield doc.finding(start, NO_ALT, f"图片{shown}缺少替代文字。",
                              "在 ![ ] 的方括号里用一句话说明图片内容。", key=name)
            alt = alt or ""
        if self.is_map(f"{alt} {title} {name}"):
            _, line_end = doc.line_at(end)
            next_end = doc.text.find("\n", line_end + 1)
            nearby = f"{alt} {title} " + doc.text[end: next_end if next_end != -1 else len(doc.text)]
            if not self.approval.search(nearby):
                yield doc.finding(start, MAP_APPROVAL, f"地图“{alt or name}”没有标注审图号。",
                                  "在图片下一行写“审图号：……”；示意图请在替代文字中写明“示意图”。", key=alt or name)

    def is_map(self, words: str) -> bool:
        lowered = words.lower()
        return bool(self.map_words.search(lowered)) and not any(w in words for w in self.not_map)

    def check_meta(self, meta: dict[str, Any], rel: str, line_of: Callable[[], int]) -> Iterator[Finding]:
        """Front-matter images (news ``images``, leader ``photo``): alt is required by the schema; maps need 审图号."""
        images = list(meta.get("images") or [])
        if isinstance(meta.get("photo"), dict):
            images.append(meta["photo"])
        for image in images:
            if not isinstance(image, dict):
                continue
            words = f"{image.get('alt', '')} {image.get('caption', '')} {image.get('src', '')}"
            if self.is_map(words) and not self.approval.search(words):
                yield Finding(rel, line_of(), 1, MAP_APPROVAL, f"地图“{image.get('alt') or image.get('src')}”没有标注审图号。",
                              "在图片的 caption 中写明“审图号：……”。", image.get("src", ""))
