"""The annual report as text, JSON, CSV (UTF-8 with BOM, for Excel) and one self-contained HTML page in the
official table layout (R8.4), and ``--publish``: the portal item plus its CSV.

The table's row headings span their rows as in the official form (信息发布 over its four rows, 解读回应 over
解读信息发布 and its four rows …). The HTML page has no script and no style attribute (the stylesheet is the
scorecard's, :mod:`zhanqun.inspect.scorecard`, plus the table's rules), so it renders under
``default-src 'none'; style-src 'unsafe-inline'``; the same table, without classes, is the published item's body.
Identity numbers (标识码, 备案号) are public and shown whole; everything else is escaped text.
"""

from __future__ import annotations

import datetime as dt
import html as _html
import json
from pathlib import Path
from typing import TYPE_CHECKING

from zhanqun.stats import annual, publishing
from zhanqun.stats.annual_figures import Figure, Report

if TYPE_CHECKING:
    from zhanqun.cluster import Cluster
    from zhanqun.config import Column

_DEPTH = 3  # heading columns of the table: a group of two levels and the row's own label
_TABLE_CSS = """
.report{min-width:20rem;font-size:1rem}.report th,.report td{padding:.4rem .5rem}
.report th{font-weight:normal;background:#f3f6fa}.report td{min-width:6em;font-weight:bold}
.report td.missing{color:var(--veto);font-weight:normal}.report td.unknown{color:var(--muted);font-weight:normal}
.sign{display:flex;flex-wrap:wrap;gap:.25rem 2rem;margin:1rem 0;padding:0}.sign li{list-style:none}
.notes{font-size:.9rem;color:var(--muted)}
"""


def text(reports: list[Report]) -> str:
    parts = []
    for report in reports:
        lines = [f"{report.title}", f"{report.site.host}　统计：{report.year} 年（北京时间），{annual.BY_MERGE}"]
        lines += [f"  {f.row.path}：{f.shown}{_origin(f)}" for f in report.figures]
        lines += [f"  * {note}" for note in report.notes]
        parts.append("\n".join(lines))
    return "\n\n".join(parts)


def _origin(f: Figure) -> str:
    return {"filled": "（填报）", "visits": "（访问日志）"}.get(f.origin, "")


def as_json(reports: list[Report]) -> str:
    from zhanqun.output import json_document

    return json_document("annual-report", {"reports": [r.to_json() for r in reports]})


_SOURCES = {"computed": "zhanqun 统计", "visits": "访问日志", "filled": "填报", "missing": "未填报", "unknown": "无法统计"}


def as_csv(reports: list[Report]) -> str:
    """The official rows in order, one line each (a second site's rows follow the first's); with a BOM. A site
    name or a filled text starting like a formula (= + - @ …) is written as text (:mod:`zhanqun.stats.publishing`)."""
    rows = [["网站", "栏目", "项目", "数值", "来源"]]
    rows += [[report.site.name, "·".join(f.row.group), f.row.label, f.shown, _SOURCES[f.origin]]
             for report in reports for f in report.figures]
    return publishing.csv_text(rows)


# -- HTML -----------------------------------------------------------------------------------------------------------

def _esc(value: object) -> str:
    from zhanqun.output import visible

    return _html.escape(visible(str(value)), quote=True)


def table(report: Report, classes: bool = True) -> str:
    """The official table of one report (the page's and the published item's). ``classes`` False: no class
    attribute (the item's HTML goes through the allowlist, which drops them)."""
    rows = [f for f in report.figures if f.row.part == "table"]
    def cls(name: str) -> str:
        return _class(name, classes)

    out = [f"<table{cls('report')}>", f"<caption>{_esc(report.title)}</caption>",
           f'<thead><tr><th scope="col" colspan="{_DEPTH}">栏目</th><th scope="col">{report.year}年度</th></tr></thead>',
           "<tbody>"]
    for index, f in enumerate(rows):
        cells = []
        group = f.row.group
        for level in range(len(group)):
            if index and rows[index - 1].row.group[: level + 1] == group[: level + 1]:
                continue  # spanned by the heading above
            span = 1
            while index + span < len(rows) and rows[index + span].row.group[: level + 1] == group[: level + 1]:
                span += 1
            cells.append(f'<th scope="rowgroup"{_span("rowspan", span)}>{_esc(group[level])}</th>')
        cells.append(f'<th scope="row"{_span("colspan", _DEPTH - len(group))}>{_esc(f.row.label)}</th>')
        state = "" if f.value is not None else cls(f.origin)
        cells.append(f"<td{state}>{_esc(f.shown)}</td>")
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</tbody></table>")
    return "\n".join(out)


def _class(name: str, wanted: bool) -> str:
    return f' class="{name}"' if wanted else ""


def _span(name: str, count: int) -> str:
    return f' {name}="{count}"' if count > 1 else ""


def signature(report: Report, classes: bool = True) -> str:
    items = "".join(f"<li>{_esc(f.row.label)}：{_esc(f.shown)}</li>" for f in report.figures if f.row.part == "footer")
    return f"<ul{_class('sign', classes)}>{items}</ul>"


def notes(report: Report, classes: bool = True) -> str:
    lines = "".join(f"<li>{_esc(n)}</li>" for n in report.notes)
    sources = "；".join(f"{_esc(f.row.path)}：{_esc(annual.explain(f.row))}" for f in report.figures
                       if f.origin == "computed" and annual.explain(f.row))
    return (f"<h3>数据来源</h3><ul{_class('notes', classes)}>{lines}"
            f"<li>zhanqun 统计的栏目：{sources}。</li><li>统计依据的提交：{_esc(report.commit or '（无）')}。</li></ul>")


def html(reports: list[Report]) -> str:
    """One page with every report: the official table, the signature lines and how each figure was obtained."""
    from zhanqun.inspect.scorecard import _CSS  # type: ignore[attr-defined]  # the scorecard's own style, shared

    first = reports[0] if reports else None
    page_title = first.title if first is not None and len(reports) == 1 else f"{reports[0].year if reports else ''}年政府网站工作年度报表"
    sections = []
    for number, report in enumerate(reports, 1):
        sections.append(
            f'<section aria-labelledby="r{number}"><h2 id="r{number}">{_esc(report.title)}</h2>'
            f'<p class="meta">{_esc(report.site.host)}</p>'
            f'<div class="table-wrap" tabindex="0" role="region" aria-label="{_esc(report.title)}（表格，可左右滚动）">'
            f"{table(report)}</div>"
            f"{signature(report)}{notes(report)}</section>")
    return "\n".join([
        '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_esc(page_title)}</title><style>{_CSS}{_TABLE_CSS}</style></head><body>",
        f'<header><h1>{_esc(page_title)}</h1><p class="meta">依据国办函〔2018〕12号；{_esc(annual.BY_MERGE)}。</p></header>',
        '<main id="main">', *(sections or ["<p>没有要生成的报表。</p>"]), "</main>",
        "<footer><p>由 zhanqun annual-report 生成。</p></footer></body></html>\n",
    ])


# -- publishing --------------------------------------------------------------------------------------------------

def item_name(report: Report) -> str:
    return f"{report.year}-niandu-baobiao-{report.site.unit_id}"


def publish(cluster: Cluster, reports: list[Report], force: bool, today: dt.date) -> list[str]:
    """Write each report as an item of the portal column ``stats.annual_report_column`` with its CSV beside
    it; returns the paths written. Refuses (T025) to replace an existing one unless ``force``, and (T031) to write
    through a link or into a special file; every file is written whole, or none (:mod:`zhanqun.stats.publishing`)."""
    from zhanqun.errors import UsageError

    column = _column(cluster)
    folder = target_folder(cluster, column)
    files: dict[Path, str] = {}
    for report in reports:
        md, data = folder / f"{item_name(report)}.md", folder / f"{item_name(report)}.csv"
        publishing.check_targets(cluster.root, (md, data), annual.UNSAFE_TARGET, "年度报表")
        if not force and (md.exists() or data.exists()):
            rel = md.relative_to(cluster.root).as_posix()
            raise UsageError(f"{rel} 已存在：{report.year} 年的报表已经发布过。", code=annual.EXISTS,
                             hint="确需更正时加 --force 重新生成，并在合并请求中说明更正的原因。")
        files[md] = _item(cluster, report, column, data.name, today)
        files[data] = as_csv([report])
    publishing.write_all(cluster.root, files, annual.UNSAFE_TARGET, "年度报表")
    return [path.relative_to(cluster.root).as_posix() for path in files]


def target_folder(cluster: Cluster, column: Column) -> Path:
    """The portal column folder the reports go to."""
    return cluster.root / "content" / cluster.config.portal / column.id


def _column(cluster: Cluster) -> Column:
    from zhanqun.errors import UsageError

    wanted = cluster.config.stats.annual_report_column
    portal = cluster.portal
    hint = "在门户 unit.yaml 中设“年度报表”栏目（type: notice 或 news），在 cluster.yaml 写 stats: {annual_report_column: 栏目id}。"
    if not wanted:
        raise UsageError("cluster.yaml 没有 stats.annual_report_column，不知道报表发布到门户的哪个栏目。", hint=hint,
                         code=annual.NO_COLUMN)
    column = portal.columns.get(wanted)
    if column is None:
        raise UsageError(f"stats.annual_report_column 是 {wanted}，但门户 content/{portal.id}/unit.yaml 没有这个栏目。",
                         hint=hint, code=annual.NO_COLUMN)
    if column.type not in ("notice", "news"):
        raise UsageError(f"栏目 {wanted}（{column.name}）的类型是 {column.type}，报表只能发布在 notice 或 news 类型的栏目中。",
                         hint=hint, code=annual.NO_COLUMN)
    return column


def _item(cluster: Cluster, report: Report, column: Column, csv_name: str, today: dt.date) -> str:
    idn = cluster.identity_of(cluster.config.portal)
    who = idn.get("organizer") or idn.get("sponsor") or cluster.config.name
    front = [f"title: {_yaml(report.title)}", f"date: {today.isoformat()}"]
    if column.type == "notice":
        front.append(f"publisher: {_yaml(who)}")
    else:
        front += [f"author: {_yaml(who)}", f"source: {_yaml(who)}"]
    front += ["importance: general", "attachments:", f"  - file: {csv_name}",
              f"    title: {_yaml(report.title + '（CSV）')}"]
    body = [f"{report.site.name}（{report.site.host}）{report.year} 年政府网站工作年度报表如下（依据国办函〔2018〕12号）。",
            "", table(report, classes=False), "", signature(report, classes=False), "",
            *(f"- {n}" for n in report.notes), f"- 统计依据的提交：{report.commit or '（无）'}。"]
    return "---\n" + "\n".join(front) + "\n---\n\n" + "\n".join(body) + "\n"


def _yaml(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)
