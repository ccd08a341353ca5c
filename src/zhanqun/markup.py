"""Markdown to safe HTML (R3.9): Python-Markdown (extra, sane_lists) is the reference, pulldown-cmark (pyromark)
a fast path for the Markdown editors write most (issue 16), then an nh3 allowlist either way.

The fast path is taken only when a prescan can promise Python-Markdown's answer: paragraphs, ATX headings, flat
tight lists, one-paragraph quotes, plain ``[links](https://…)`` and ``**bold**`` (even where CommonMark's flanking
rule would refuse it next to CJK punctuation: ``**形成工作合力。**全年``). Anything else goes to Python-Markdown.
tests/test_markdown_fastpath.py is the differential test.
"""

from __future__ import annotations

import re
from typing import Any

import nh3
import pyromark

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "col", "colgroup", "dd", "del", "div", "dl", "dt",
    "em", "figcaption", "figure", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "ol", "p",
    "pre", "s", "span", "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul",
}
ALLOWED_ATTRIBUTES = {
    "*": {"id", "title", "lang"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan", "align"},
    "th": {"colspan", "rowspan", "align", "scope"},
    "ol": {"start"},
}
# data: and javascript: are not here, so nh3 drops such URLs; style attributes are not allowed at all.
URL_SCHEMES = {"http", "https", "mailto", "tel"}

# What each Python-Markdown processor needs in a body before it can do anything: a body without it is converted by
# a copy of the converter without those processors (issue 16: the inline patterns are most of Python-Markdown's
# time, each searched in every piece of text). The same output by construction: inline text, table rows and
# attribute lists only ever hold the body's own characters (and placeholders of other characters), and the
# patterns left keep their order. A line break needs two spaces before the end of a line, or a tab expanded.
_PRUNABLE: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("`", "inline", ("backtick",)),
    ("\\", "inline", ("escape",)),
    ("[", "inline", ("reference", "link", "image_link", "image_reference", "short_reference", "short_image_ref",
                     "footnote")),
    ("<", "inline", ("autolink", "automail", "html")),
    ("&", "inline", ("entity",)),
    ("  ", "inline", ("linebreak",)),
    ("|", "block", ("table",)),
    ("{", "tree", ("attr_list",)),
)
_converters: dict[tuple[str, ...] | None, Any] = {}


def _python_markdown(body: str, prune: bool = True) -> Any:
    """A reused Python-Markdown converter (extra, sane_lists) for ``body``: one per set of processors pruned,
    made on first use (a process whose bodies all take the fast path never imports Markdown). ``prune=False``:
    the full converter, the reference, made as the design names it."""
    absent: tuple[str, ...] | None = None
    if prune:
        if "\x02" in body or "\x03" in body:
            # Python-Markdown deletes these two first (its placeholders' delimiters): "甲 \x02 \n" becomes a line
            # break ("  \n") that the body did not hold
            body = body.replace("\x02", "").replace("\x03", "")
        absent = tuple(mark for mark, _, _ in _PRUNABLE if mark not in body)
        if "\t" in body:
            absent = tuple(mark for mark in absent if mark != "  ")
    converter = _converters.get(absent)
    if converter is None:
        import markdown

        if absent is None:
            converter = markdown.Markdown(extensions=["extra", "sane_lists"], output_format="html")
        else:
            converter = markdown.Markdown(extensions=_extensions(), output_format="html")
            registries: dict[str, Any] = {"inline": converter.inlinePatterns, "tree": converter.treeprocessors,
                                          "block": converter.parser.blockprocessors}
            for mark, kind, names in _PRUNABLE:
                if mark in absent:
                    for name in names:
                        registries[kind].deregister(name)
        _converters[absent] = converter
    converter.reset()
    return converter


def _extensions() -> list[Any]:
    """extra's extensions and sane_lists as instances, in the order extra registers them: named, each is looked up
    among the installed packages' entry points (importlib.metadata, some 40 ms at start-up)."""
    import importlib

    from markdown.extensions import extra

    return [importlib.import_module(f"markdown.extensions.{name}").makeExtension()
            for name in [*extra.extensions, "sane_lists"]]


# One reusable cleaner: nh3.clean() builds its configuration from these sets on every call (a third of its time
# on a 1,500-character body).
_CLEANER = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    url_schemes=URL_SCHEMES,
    link_rel="noopener noreferrer",
    strip_comments=True,
)


def sanitize(html: str) -> str:
    return _CLEANER.clean(html)


def unsanitised(body: str, prune: bool = True) -> str:
    """Python-Markdown's HTML before the allowlist: what the page would hold without it (for the H checks)."""
    return str(_python_markdown(body, prune).convert(body))


def render(body: str, *, fast: bool = True) -> str:
    """Render a Markdown body to sanitised HTML. Headings start at h2: the page title is the h1. ``fast=False``
    skips the fast path and the pruning: the reference the differential test compares them with."""
    html = fast_html(body) if fast else None
    if html is None:
        html = unsanitised(body, prune=fast)
    html = html.replace("<h1", "<h2").replace("</h1>", "</h2>")
    return sanitize(html)


# ---------------------------------------------------------------------------------------------------- fast path
# Where Python-Markdown and CommonMark differ, or where this prescan does not follow what they do, the body goes
# to Python-Markdown: backslash escapes, code, emphasis with "_" or with one or three "*", images, footnotes,
# abbreviations and links other than the plain ones below ("[" "]" "_"), raw HTML and autolinks ("<"), attribute
# lists ("{" "}"), tables ("|"), character references ("&" before a name or "#"), tabs (Python-Markdown expands
# them), control characters, line and paragraph separators, and the two private-use characters that stand for
# <strong> and </strong> below.
_OUTSIDE = re.compile(r"[\\`<{}|\t\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ue000\ue001]")
_OUTSIDE_TOO = re.compile(r"&[#A-Za-z0-9]|\*\*\*")  # searched only when "&" or "***" is there: one class is faster
_LINKISH = re.compile(r"[_\[\]]")
# A plain link: text without brackets, stars or "_" and not starting or ending with a space; an address of ASCII
# letters, digits and URL punctuation, no parentheses, quotes, spaces or "*" (both parsers give href="…" as
# written, and nh3 writes the attribute the same way). Not after "!": that is an image.
_LINK = re.compile(r"(?<!!)\[[^\s\[\]*_](?:[^\[\]*_]*[^\s\[\]*_])?\]\([A-Za-z0-9/:._~%?#=+,;@-]+\)")
_HEADING = re.compile(r"(#{1,6}) (?=\S)")
_BULLET = re.compile(r"([-+*]) (?=\S)")
_NUMBER = re.compile(r"[1-9][0-9]{0,8}\. (?=\S)")
# A line starting so is, or may start, something other than a paragraph in one parser or the other: a heading
# (Python-Markdown takes "#x" too), a quote, a list (Python-Markdown's "\d" takes "１." and "٣." too), a setext
# underline, a fence, a definition, a rule.
_BLOCKISH = re.compile(r"[#>+=~:-]|\*(?!\*)|\d+[.)](?:\s|$)")
_STARS = re.compile(r"\*+")
_SPACE = re.compile(r"\s")  # Python-Markdown's own test for the side of a delimiter run
_OPEN, _CLOSE = "\ue000", "\ue001"


def _bold(text: str) -> str | None:
    """``text`` with each ``**…**`` pair replaced by private-use stand-ins, or None when the stars are anything
    else. Python-Markdown pairs ``**`` runs in order and makes ``<strong>`` whenever the opener is followed and
    the closer preceded by a non-space, whatever is outside (CJK punctuation included); CommonMark's flanking rule
    would refuse some of these, so pulldown-cmark never sees the stars. Also None for brackets and "_" outside
    plain links."""
    if _LINKISH.search(text) and _LINKISH.search(_LINK.sub("链", text)):
        return None
    if "*" not in text:
        return text
    runs = list(_STARS.finditer(text))
    if len(runs) % 2:
        return None
    pieces = []
    last = 0
    for i in range(0, len(runs), 2):
        opener, closer = runs[i], runs[i + 1]
        if opener.end() - opener.start() != 2 or closer.end() - closer.start() != 2:
            return None
        inner = text[opener.end() : closer.start()]
        if not inner or _SPACE.match(inner[0]) or _SPACE.match(inner[-1]):
            return None
        pieces += [text[last : opener.start()], _OPEN, inner, _CLOSE]
        last = closer.end()
    pieces.append(text[last:])
    return "".join(pieces)


def _block(lines: list[str], previous: str) -> tuple[str, str] | None:
    """(kind, text with the stand-ins) of one block between blank lines, or None when it is not in the subset.
    ``previous`` is the kind of the block before."""
    first = lines[0]
    if first.startswith("> "):
        if previous == "quote":
            return None  # Python-Markdown makes one quote of the two, CommonMark two quotes
        quoted = []
        for line in lines:
            content = line[2:]
            if not line.startswith("> ") or content[:1].isspace() or _BLOCKISH.match(content):
                return None  # a lazy continuation, a nested quote or another block inside the quote
            text = _bold(content)
            if text is None:
                return None
            quoted.append("> " + text)
        return "quote", "\n".join(quoted)
    heading = _HEADING.match(first)
    if heading:
        if len(lines) > 1 or first.endswith("#"):
            return None  # Python-Markdown strips trailing "#"s that CommonMark keeps unless after a space
        text = _bold(first)
        return None if text is None else ("heading", text)
    marker = _BULLET.match(first) or _NUMBER.match(first)
    if marker:
        if previous == "list":
            return None  # Python-Markdown joins the two lists into one, loose only beside the blank line
        same = _BULLET if _BULLET.match(first) else _NUMBER
        items = []
        for line in lines:
            match = same.match(line)
            if match is None or (same is _BULLET and match.group(1) != marker.group(1)):
                return None  # a continuation line, another marker or a paragraph: not a flat tight list
            content = line[match.end() :]
            if _BLOCKISH.match(content):
                return None
            text = _bold(content)
            if text is None:
                return None
            items.append(line[: match.end()] + text)
        return "list", "\n".join(items)
    paragraph = []
    for line in lines:
        if _BLOCKISH.match(line):
            return None
        text = _bold(line)
        if text is None:
            return None
        paragraph.append(text)
    return "paragraph", "\n".join(paragraph)


def fast_html(body: str) -> str | None:
    """pulldown-cmark's HTML for ``body`` where the allowlist makes of it what it makes of Python-Markdown's (the
    two differ only in how they escape text and end the last line), else None."""
    if _OUTSIDE.search(body) or (("&" in body or "***" in body) and _OUTSIDE_TOO.search(body)):
        return None
    blocks: list[str] = []
    kind = ""
    lines: list[str] = []
    for line in [*body.split("\n"), ""]:
        if line:
            if line[0].isspace() or line[-1].isspace():
                return None  # indentation, U+3000 and NBSP, hard breaks: the parsers strip and read them apart
            lines.append(line)
            continue
        if lines:
            block = _block(lines, kind)
            if block is None:
                return None
            kind = block[0]
            blocks.append(block[1])
            lines = []
    html = pyromark.html("\n\n".join(blocks))
    return html.replace(_OPEN, "<strong>").replace(_CLOSE, "</strong>").rstrip("\n")
