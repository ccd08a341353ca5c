"""HTML safety at commit time (R4.8): what the build would strip (R3.9) is reported to the editor first."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser

from zhanqun.findings import Finding, Severity, define

SCRIPT = define(
    "H001", "html-script", Severity.ERROR, "正文中含有 <script> 等可执行或嵌入标签。",
    why="脚本和嵌入框架可被用来篡改页面、挂马或插入赌博链接，政府网站一律不允许。",
    example="<script src=\"http://example.com/x.js\"></script>",
    fix="删除该标签。需要展示视频或地图时请联系电子政务办。",
    requirement="R3.9, R4.8",
)
EVENT_HANDLER = define(
    "H002", "html-event-handler", Severity.ERROR, "HTML 标签中含有事件属性（如 onerror=、onclick=）。",
    why="事件属性会执行脚本，是最常见的网页注入方式。",
    example="<img src=\"x.png\" onerror=\"alert(1)\">",
    fix="删除 on 开头的属性；图片请用 Markdown 写法 ![说明](图片路径)。",
    requirement="R3.9, R4.8",
)
SCRIPT_URL = define(
    "H003", "html-script-url", Severity.ERROR, "链接使用了 javascript:、vbscript: 或 data: 地址。",
    why="这类地址点击后会执行代码，或夹带无法审核的内容。",
    example="[点击](javascript:alert(1))",
    fix="改为以 https:// 开头的正常网址，或站内相对路径。",
    requirement="R3.9, R4.8",
)
CSS_EXPRESSION = define(
    "H004", "html-style", Severity.ERROR, "正文中含有 <style> 标签或 style 属性。",
    why="内嵌样式可以隐藏文字（暗链）或执行 CSS 表达式，统一样式由网站模板负责。",
    example="<div style=\"display:none\"><a href=\"http://bet.example\">…</a></div>",
    fix="删除 style 属性或 <style> 标签。",
    requirement="R3.9, R4.8",
)

_TAG = re.compile(r"<[!/?]?[A-Za-z][^<>]{0,4000}>")
_BLOCKED_TAGS = {"script", "iframe", "object", "embed", "applet", "frame", "frameset", "form", "base", "meta", "link", "svg", "math"}
_URL_ATTRS = {"href", "src", "action", "formaction", "xlink:href", "background", "poster", "data"}
_BAD_SCHEME = re.compile(r"^\s*(javascript|vbscript|data)\s*:", re.IGNORECASE)
_MD_LINK = re.compile(r"\]\(\s*<?\s*((?:javascript|vbscript|data)\s*:)", re.IGNORECASE)


class _Scanner(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hits: list[tuple[int, int, str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        line, col = self.getpos()
        if tag in _BLOCKED_TAGS:
            self.hits.append((line, col, SCRIPT, f"不允许使用 <{tag}> 标签。"))
        if tag == "style":
            self.hits.append((line, col, CSS_EXPRESSION, "不允许使用 <style> 标签。"))
        for name, value in attrs:
            if name.startswith("on"):
                self.hits.append((line, col, EVENT_HANDLER, f"<{tag}> 标签带有事件属性 {name}=。"))
            elif name == "style":
                self.hits.append((line, col, CSS_EXPRESSION, f"<{tag}> 标签带有 style 属性。"))
            elif name in _URL_ATTRS and value and _BAD_SCHEME.match(value):
                scheme = _BAD_SCHEME.match(value).group(1).lower()
                self.hits.append((line, col, SCRIPT_URL, f"<{tag}> 的 {name} 使用了 {scheme}: 地址。"))

    handle_startendtag = handle_starttag


def scan(body: str, rel: str, first_line: int) -> Iterator[Finding]:
    """Yield a finding for each unsafe construct in a Markdown body, at its line in the file."""
    if "<" in body:
        # Each complete tag goes through its own parser: fed the whole body, HTMLParser rescans from every
        # unclosed "<" (a line of 20,000 "<img " took over a minute); a tag never closed is not HTML anyway.
        for tag in _TAG.finditer(body):
            scanner = _Scanner()
            scanner.feed(tag.group())
            scanner.close()
            if not scanner.hits:
                continue
            line = body.count("\n", 0, tag.start()) + 1
            col = tag.start() - (body.rfind("\n", 0, tag.start()) + 1)
            for hit_line, hit_col, code, message in scanner.hits:
                yield Finding(rel, first_line + line + hit_line - 2, (col if hit_line == 1 else 0) + hit_col + 1,
                              code, message, _HINTS[code])
    for match in _MD_LINK.finditer(body):
        line = body.count("\n", 0, match.start()) + 1
        col = match.start(1) - (body.rfind("\n", 0, match.start()) + 1) + 1
        scheme = match.group(1).split(":")[0].strip().lower()
        yield Finding(rel, first_line + line - 1, col, SCRIPT_URL, f"链接使用了 {scheme}: 地址。", _HINTS[SCRIPT_URL])


_HINTS = {
    SCRIPT: "删除该标签；需要嵌入视频或地图时请联系电子政务办。",
    EVENT_HANDLER: "删除 on 开头的属性。",
    SCRIPT_URL: "改为 https:// 开头的网址或站内相对路径。",
    CSS_EXPRESSION: "删除 style，样式由网站模板统一负责。",
}
