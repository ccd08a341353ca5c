"""The pieces every self-contained report page is made of (R7.3, R8.3): the stylesheet, escaping, and SVG
charts drawn in Python — the inspection's scorecard and the statistics pages share them.

No script and no external resource: a page renders under ``default-src 'none'; style-src 'unsafe-inline';
img-src data:`` (styles in one ``<style>`` element, no ``style`` attributes). Charts are inline SVG with
percentage widths and pixel text, so bars scale with the screen while text stays 14 px. Everything shown is
text to this module: escaped, control characters made visible, numbers of 11+ digits masked.
"""

from __future__ import annotations

import html as _html

from zhanqun.findings import mask_numbers

LABEL_WIDTH = 36  # percent of a chart's width kept for the text in front of the bars
NAME_CHARS = 18  # a chart shows this much of a name (the table shows all of it)

CSS = """
:root{--ink:#1a1a1a;--muted:#4a4a4a;--line:#8a8f98;--veto:#b3261e;--deduct:#8a5300;--warn:#1f5fa8;--ok:#1b6e35}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;color:var(--ink);background:#fff;font:16px/1.6 "Noto Sans CJK SC","Source Han Sans SC","Microsoft YaHei",
sans-serif;overflow-wrap:anywhere}
.skip{position:absolute;left:-999em}.skip:focus{left:1rem;top:1rem;background:#fff;padding:.5rem;z-index:1}
a{color:#0b4f9c}a:focus,[tabindex]:focus{outline:3px solid #0b4f9c;outline-offset:2px}
header,main,footer,nav{max-width:64rem;margin:0 auto;padding:0 1rem}
header{padding-top:1rem}h1{font-size:1.5rem;margin:.5rem 0}h2{font-size:1.3rem;margin:2rem 0 .5rem;
padding-top:1rem;border-top:3px solid #d0d4da}h3{font-size:1.1rem;margin:1.5rem 0 .5rem}
.meta{margin:0;color:var(--muted)}code{font-family:monospace,monospace;font-size:1em}
nav ul{padding-left:1.25rem;margin:.25rem 0}
.verdict{display:inline-block;padding:0 .5rem;border-radius:3px;color:#fff;font-weight:bold}
.verdict.fail{background:var(--veto)}.verdict.pass{background:var(--ok)}
.host{color:var(--muted);font-size:.875rem;font-weight:normal}
ul.problems{list-style:none;padding:0;margin:0}
.problems li{border-left:6px solid var(--line);padding:.25rem .75rem;margin:.5rem 0;background:#f6f7f9}
.problems li.veto{border-color:var(--veto)}.problems li.deduct{border-color:var(--deduct)}
.problems li.warn{border-color:var(--warn)}
.problems .code{font-family:monospace;font-weight:bold}.problems .where,.problems .when{color:var(--muted);
font-size:.875rem}.problems .hint{margin:.25rem 0 0;font-size:.875rem}
.none{color:var(--muted)}
figure{margin:.5rem 0}svg{display:block;width:100%}svg text{font-size:14px;fill:var(--ink)}
.legend{font-size:.875rem;color:var(--muted);margin:.25rem 0}
.b-veto{fill:var(--veto)}.b-deduct{fill:var(--deduct)}.b-warn{fill:var(--warn)}.b-ok{fill:var(--ok)}
.track{fill:#eceef1}.mark{stroke:var(--ink);stroke-width:2}
.table-wrap{overflow-x:auto;max-width:100%;margin:.5rem 0}
table{border-collapse:collapse;width:100%;font-size:.875rem}caption{text-align:left;font-weight:bold;
padding:.25rem 0}
th,td{border:1px solid var(--line);padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#eef2f7}thead th{white-space:nowrap}.cols{min-width:44rem}.cols th[scope=row]{min-width:10em}td.num{text-align:right;white-space:nowrap}
.cols td{text-align:right;white-space:nowrap}.cols td:nth-child(2),.cols td:last-child{text-align:left}
.s-stale{color:var(--veto);font-weight:bold}.s-near{color:var(--deduct);font-weight:bold}
.s-empty{color:var(--veto)}.s-ok{color:var(--ok)}.s-none{color:var(--muted)}
footer{margin-top:2rem;padding-bottom:2rem;color:var(--muted);font-size:.875rem}
@media print{body{font-size:11pt}nav,.skip{display:none}.site{break-before:page}
.table-wrap{overflow:visible}tr,li,figure{break-inside:avoid}a{color:inherit;text-decoration:none}
*{-webkit-print-color-adjust:exact;print-color-adjust:exact}}
"""


def text(value: object) -> str:
    """Report text as HTML: long numbers masked (as every message shows them), then escaped."""
    from zhanqun.output import visible

    # control characters (ESC, U+009B, bidi overrides) from a title or a unit name are shown as escapes, as in
    # the terminal: raw, they are invalid in HTML and reorder the line a reader sees
    return escape(visible(mask_numbers(str(value))))


def escape(value: str) -> str:
    return _html.escape(value, quote=True)


def number(value: object) -> str:
    if value is None or isinstance(value, bool):
        return "—"
    if isinstance(value, float):
        return f"{value:.1f}"
    if isinstance(value, int):
        return str(value)
    return text(value)


def short(name: str) -> str:
    return text(name if len(name) <= NAME_CHARS else name[:NAME_CHARS - 1] + "…")


def bar(y: int, share: float, fill: str) -> str:
    """A track across the bar area and a bar over ``share`` (0..1) of it, filled with a class or a pattern."""
    width = (100 - LABEL_WIDTH) * max(0.0, min(share, 1.0))
    track = f"<rect class=\"track\" x=\"{LABEL_WIDTH}%\" y=\"{y}\" width=\"{100 - LABEL_WIDTH}%\" height=\"14\"/>"
    if width <= 0:
        return track
    paint = f"fill=\"url(#{fill})\"" if fill.startswith("p-") else f"class=\"{fill}\""
    return track + f"<rect {paint} x=\"{LABEL_WIDTH}%\" y=\"{y}\" width=\"{width:.1f}%\" height=\"14\"/>"


def patterns(prefix: str) -> str:
    """The red bar with white stripes (stale, veto) and the brown bar with white dots (becomes stale soon):
    they differ from the plain bars by more than colour."""
    return (f"<pattern id=\"p-{prefix}-hatch\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" "
            "patternTransform=\"rotate(45)\"><rect class=\"b-veto\" width=\"6\" height=\"6\"/>"
            "<rect width=\"2\" height=\"6\" fill=\"#fff\"/></pattern>"
            f"<pattern id=\"p-{prefix}-dots\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\">"
            "<rect class=\"b-deduct\" width=\"6\" height=\"6\"/><circle cx=\"3\" cy=\"3\" r=\"1.3\" fill=\"#fff\"/>"
            "</pattern>")


def figure(anchor: str, height: int, title: str, summary: str, defs: str, rows: list[str], legend: str) -> str:
    """An SVG chart with a title and a description in words (its numbers are also in the table after it)."""
    return (f"<figure><svg role=\"img\" aria-labelledby=\"{anchor}-t {anchor}-d\" height=\"{height}\">"
            f"<title id=\"{anchor}-t\">{title}</title>"
            f"<desc id=\"{anchor}-d\">{summary}</desc><defs>{defs}</defs>{''.join(rows)}</svg>"
            f"<figcaption class=\"legend\">{legend}</figcaption></figure>")


def table(caption: str, head: str, body: str, css: str = "", owner: str = "") -> str:
    """A table in its own scrolling box, so a wide table never makes the page scroll sideways. The box is a
    region a keyboard can scroll, named after the table and its site (``owner``, escaped) to tell it apart."""
    opening = f"<table class=\"{css}\">" if css else "<table>"
    label = f"{owner}：{caption}" if owner else caption
    return (f"<div class=\"table-wrap\" role=\"region\" aria-label=\"{label}\" tabindex=\"0\">"
            f"{opening}<caption>{caption}</caption><thead>{head}</thead><tbody>{body}</tbody></table></div>")
