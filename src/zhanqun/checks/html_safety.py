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
    "H003", "html-script-url", Severity.ERROR, "链接或图片使用了 javascript:、vbscript:、data: 或 file: 地址。",
    why="这类地址点击后会执行代码、夹带无法审核的内容，或指向访问者自己电脑上的文件。浏览器会先解开字符实体"
        "（&#106;、&colon;）、去掉其中的 Tab 和换行再判断，所以这些写法同样危险；本规则按浏览器的方式判断，不能豁免。",
    example="[点击](javascript:alert(1))\n[点击](&#106;avascript&colon;alert(1))\n[x]: javascript:alert(1)\n![图](file:///C:/a.png)",
    fix="改为以 https:// 开头的正常网址，或站内相对路径；图片随条目一起提交。",
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
UNSAFE_SCHEMES = ("javascript", "vbscript", "livescript", "data", "file")
_BAD_SCHEME = re.compile(r"^\s*(javascript|vbscript|livescript|data|file)\s*:", re.IGNORECASE)
_MD_LINK = re.compile(r"\]\(\s*<?\s*((?:javascript|vbscript|livescript|data|file)\s*:)", re.IGNORECASE)
# A URL as a browser reads it (WHATWG URL): leading and trailing C0 controls and spaces dropped, every tab and
# newline inside removed, then the scheme is what comes before the first ":" (ASCII letters, digits, + - .).
_URL_STRIP = re.compile(r"[\t\n\r]")
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):")
# Cheap prefilter over the whole body (entities decoded, controls and white space gone): only a body that could
# hold such a URL is rendered to find it exactly.
_ANY_CONTROL_OR_SPACE = re.compile(r"[\x00-\x20\x7f\u00a0\u3000]+")
_PREFILTER = re.compile(r"(?:javascript|vbscript|livescript|data|file):", re.IGNORECASE)
# _PREFILTER's schemes at the end of the text before one colon: under IGNORECASE each letter of the pattern is one
# character of the text, so a match ends at a colon and starts at most 10 characters before it (issue 16: a
# case-blind search at every character of every body cost as much as the rest of this module)
_SCHEME_AT_END = re.compile(r"(?:javascript|vbscript|livescript|data|file)\Z", re.IGNORECASE)
_LONGEST_SCHEME = max(map(len, UNSAFE_SCHEMES))


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
            elif name in _URL_ATTRS and value and unsafe_scheme(value):
                self.hits.append((line, col, SCRIPT_URL, f"<{tag}> 的 {name} 使用了 {unsafe_scheme(value)}: 地址。"))

    handle_startendtag = handle_starttag


def scan(body: str, rel: str, first_line: int) -> Iterator[Finding]:
    """Yield a finding for each unsafe construct in a Markdown body, at its line in the file."""
    found: list[Finding] = []
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
                found.append(Finding(rel, first_line + line + hit_line - 2, (col if hit_line == 1 else 0) + hit_col + 1,
                                     code, message, _HINTS[code]))
    for match in _MD_LINK.finditer(body):
        line = body.count("\n", 0, match.start()) + 1
        col = match.start(1) - (body.rfind("\n", 0, match.start()) + 1) + 1
        scheme = match.group(1).split(":")[0].strip().lower()
        found.append(Finding(rel, first_line + line - 1, col, SCRIPT_URL, f"链接使用了 {scheme}: 地址。", _HINTS[SCRIPT_URL]))
    for match in _ATTR_LIST.finditer(body):  # Python-Markdown's attr_list: {: onclick="…" style="…" }
        line = body.count("\n", 0, match.start()) + 1
        for name in re.findall(r"([A-Za-z_:][-\w:.]*)\s*=", match.group(1)):
            attr = EVENT_HANDLER if name.lower().startswith("on") else CSS_EXPRESSION if name.lower() == "style" else None
            if attr:
                found.append(Finding(rel, first_line + line - 1, match.start() - body.rfind("\n", 0, match.start()),
                                     attr, f"属性列表 {{: … }} 中写了 {name}=。", _HINTS[attr]))
    taken = {f.line - first_line + 1 for f in found if f.code == SCRIPT_URL}
    found += _disguised_urls(body, rel, first_line, taken)
    yield from found


_ATTR_LIST = re.compile(r"\{:?([^{}\n]{0,2000})\}")

# A link destination, a reference definition, an autolink or a URL attribute, in a line read as a browser reads
# a URL (entities decoded, controls and white space gone).
_DESTINATION = re.compile(r"(?:\]\(<?|\]:<?|^<|(?:href|src|action|formaction|background|poster|data|xlink:href)=[\"']?)"
                          r"(javascript|vbscript|livescript|data|file):", re.IGNORECASE)


def _disguised_urls(body: str, rel: str, first_line: int, taken: set[int]) -> list[Finding]:
    """H003 for what the plain patterns miss: a scheme written with character references (&#106;, &colon;), with
    a tab, a newline or a control character inside, in a reference definition, or split over lines in raw HTML.
    Two views: each line of the source as a browser would read a URL in it (so a renderer that kept the tab is
    covered too), and the URLs of the page as Python-Markdown renders it. Only bodies that could hold such a
    URL are looked at twice."""
    import html

    if not _maybe_unsafe_url(html.unescape(body)):
        return []
    found = []
    for number, text in enumerate(body.split("\n"), 1):
        if number in taken:
            continue
        match = _DESTINATION.search(_ANY_CONTROL_OR_SPACE.sub("", html.unescape(text)))
        if match:
            taken.add(number)
            found.append(Finding(rel, first_line + number - 1, 1, SCRIPT_URL,
                                 f"链接使用了 {match.group(1).lower()}: 地址（写成字符实体或夹带 Tab、控制字符，浏览器仍会执行）。",
                                 _HINTS[SCRIPT_URL]))
    collector = _UrlCollector()
    from zhanqun.markup import unsanitised

    collector.feed(unsanitised(body))
    collector.close()
    for tag, _, scheme in collector.unsafe:
        line = _line_of(body, scheme, taken)
        if line is None:
            continue
        taken.add(line)
        what = "图片" if tag == "img" else "链接"
        found.append(Finding(rel, first_line + line - 1, 1, SCRIPT_URL,
                             f"{what}使用了 {scheme}: 地址（浏览器会解开字符实体、去掉 Tab 和换行后执行）。", _HINTS[SCRIPT_URL]))
    return found


def _maybe_unsafe_url(text: str) -> bool:
    """``_PREFILTER.search`` of ``text`` without its controls and white space, found from the colons: most bodies have
    none (the stripping removes no colon)."""
    if ":" not in text:
        return False
    squeezed = _ANY_CONTROL_OR_SPACE.sub("", text)
    at = squeezed.find(":")
    while at != -1:
        if _SCHEME_AT_END.search(squeezed[max(0, at - _LONGEST_SCHEME):at]):
            return True
        at = squeezed.find(":", at + 1)
    return False


def unsafe_scheme(url: str) -> str:
    """The unsafe scheme (``javascript`` …) a browser would see in ``url`` (an attribute value with its
    character references already decoded, or raw: they are decoded here too), or ''."""
    import html

    value = _URL_STRIP.sub("", html.unescape(url)).strip("\x00\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c\x0e\x0f"
                                                       "\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c"
                                                       "\x1d\x1e\x1f ")
    match = _SCHEME.match(value)
    scheme = match.group(1).lower() if match else ""
    return scheme if scheme in UNSAFE_SCHEMES else ""


class _UrlCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)  # attribute values arrive decoded, as the browser decodes them
        self.unsafe: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in _URL_ATTRS and value and (scheme := unsafe_scheme(value)):
                self.unsafe.append((tag, name, scheme))

    handle_startendtag = handle_starttag




def _line_of(body: str, scheme: str, taken: set[int]) -> int | None:
    """The first line (1-based) whose text, read as a browser reads a URL, holds ``scheme:``; lines already
    reported are skipped (one finding per line), None when every such line was reported."""
    import html

    first = None
    for number, text in enumerate(body.split("\n"), 1):
        if f"{scheme}:" in _ANY_CONTROL_OR_SPACE.sub("", html.unescape(text)).lower():
            if number not in taken:
                return number
            first = first or number
    if first:
        return None
    # split over lines (a raw HTML attribute with a newline inside): the line where the joined text holds it
    joined, starts = "", []
    for text in body.split("\n"):
        starts.append(len(joined))
        joined += _ANY_CONTROL_OR_SPACE.sub("", html.unescape(text)).lower()
    at = joined.find(f"{scheme}:")
    line = max(1, sum(1 for start in starts if start <= at)) if at >= 0 else 1
    return None if line in taken else line


_HINTS = {
    SCRIPT: "删除该标签；需要嵌入视频或地图时请联系电子政务办。",
    EVENT_HANDLER: "删除 on 开头的属性。",
    SCRIPT_URL: "改为 https:// 开头的网址或站内相对路径。",
    CSS_EXPRESSION: "删除 style，样式由网站模板统一负责。",
}
