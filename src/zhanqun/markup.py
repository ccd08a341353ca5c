"""Markdown to safe HTML (R3.9): one reused Python-Markdown converter, then an nh3 allowlist."""

from __future__ import annotations

import markdown
import nh3

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

_converter = markdown.Markdown(extensions=["extra", "sane_lists"], output_format="html")


def sanitize(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def unsanitised(body: str) -> str:
    """Python-Markdown's HTML before the allowlist: what the page would hold without it (for the H checks)."""
    _converter.reset()
    return _converter.convert(body)


def render(body: str) -> str:
    """Render a Markdown body to sanitised HTML. Headings start at h2: the page title is the h1."""
    _converter.reset()
    html = _converter.convert(body)
    html = html.replace("<h1", "<h2").replace("</h1>", "</h2>")
    return sanitize(html)
