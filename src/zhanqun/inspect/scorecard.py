"""The HTML scorecard of ``zhanqun inspect --format html`` (R7.3): one self-contained page.

A cluster overview (verdict and problems per site, as a bar chart and a table), then one section per site:
verdict, veto items, deductions, early warnings, a chart of column ages against their limits, the columns
table and the replies statistics. No script and no external resource: the page renders under
``default-src 'none'; style-src 'unsafe-inline'; img-src data:``. The charts are inline SVG drawn here, with
percentage widths and pixel text, so bars scale with the screen while text stays 14 px (docs/architecture.md).

Everything the report carries is text to this module: escaped, and numbers of 11+ digits masked.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from zhanqun.htmlpage import (
    CSS as _CSS,
    LABEL_WIDTH as _LABEL_WIDTH,
    bar as _bar,
    escape as _escape,
    figure as _figure,
    number as _number,
    patterns as _patterns,
    short as _short,
    table as _table,
    text as _text,
)
from zhanqun.inspect.model import ColumnState, Level, Problem, Report, SiteReport

EARLY_WARNING = "J019"  # the rule whose warning says a column becomes stale soon
_LEVELS = (Level.VETO, Level.DEDUCT, Level.WARN)
_REPLY_ROWS = (("received", "收到留言"), ("answered", "已答复"), ("on_time", "按时答复"), ("late", "超期答复"),
               ("pending", "待答复"), ("overdue", "逾期未答复"), ("average_workdays", "平均答复用时（工作日）"))



def html(report: Report) -> str:
    """The scorecard page of ``report``; the same report gives the same bytes."""
    title = f"{_text(report.cluster)} 网站自查报告"
    parts = [
        "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">",
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">",
        f"<title>{title}</title><style>{_CSS}</style></head><body>",
        "<a class=\"skip\" href=\"#main\">跳到主要内容</a>",
        _header(report, title), _nav(report),
        "<main id=\"main\" tabindex=\"-1\">", _overview(report),
        *(_site(site, number) for number, site in enumerate(report.sites, 1)),
        "</main>",
        "<footer><p>由 zhanqun inspect 生成。单项否决、扣分、预警的含义和整改办法见编辑手册（docs/handbook.md）“如何阅读自查报告”一节。</p></footer>",
        "</body></html>\n",
    ]
    return "\n".join(parts)


# -- text -----------------------------------------------------------------------------------------------------

def _day(iso: str | None) -> str:
    return iso[:10] if iso else "—"


def _moment(iso: str) -> str:
    return iso.replace("T", " ")[:19] if iso else "—"


def _days(value: int | None) -> str:
    return "—" if value is None else f"{value} 天"


def _site_label(site: SiteReport) -> str:
    return _text(site.name or site.host)


def _site_owner(site: SiteReport) -> str:
    """The site in the names of its charts and tables: two units may share a public name, never a host."""
    return f"{_site_label(site)}（{_text(site.host)}）" if site.name else _text(site.host)


def _verdict(vetoed: bool) -> str:
    return "<span class=\"verdict fail\">不合格</span>" if vetoed else "<span class=\"verdict pass\">合格</span>"


# -- page frame -----------------------------------------------------------------------------------------------

def _header(report: Report, title: str) -> str:
    failed = sum(1 for s in report.sites if s.vetoed)
    commit = f"<code>{_escape(report.commit)}</code>" if report.commit else "未提交的工作区"
    whole = f"；另有全站群问题 {len(report.problems)} 项，见总览" if report.problems else ""
    return (f"<header><h1>{title}</h1>"
            f"<p class=\"meta\">检查时刻：{_escape(_moment(report.at))}（北京时间）　提交：{commit}</p>"
            f"<p class=\"meta\">结论：{_verdict(report.vetoed)}　共 {len(report.sites)} 个站点，"
            f"{failed} 个站点有单项否决项{whole}。</p></header>")


def _nav(report: Report) -> str:
    links = "".join(f"<li><a href=\"#site-{n}\">{_site_label(s)}</a>（{'不合格' if s.vetoed else '合格'}）</li>"
                    for n, s in enumerate(report.sites, 1))
    return ("<nav aria-label=\"站点目录\"><p class=\"meta\">站点目录：</p><ul>"
            f"<li><a href=\"#overview\">站群总览</a></li>{links}</ul></nav>")


# -- overview -------------------------------------------------------------------------------------------------

def _overview(report: Report) -> str:
    parts = ["<section aria-labelledby=\"overview\"><h2 id=\"overview\">站群总览</h2>",
             "<h3>各站点问题数量</h3>", _overview_chart(report), _overview_table(report.sites)]
    if report.problems:
        parts += ["<h3>全站群问题</h3>", _problem_list(report.problems)]
    parts.append("</section>")
    return "\n".join(parts)


def _overview_chart(report: Report) -> str:
    sites = report.sites
    if not sites:
        return "<p class=\"none\">报告中没有站点。</p>"
    top = max(1, *(s.count(lv) for s in sites for lv in _LEVELS))
    rows, y = [], 0
    for site in sites:
        rows.append(f"<text x=\"0\" y=\"{y + 16}\">{_short(site.name or site.host)}</text>")
        for i, level in enumerate(_LEVELS):
            count = site.count(level)
            bar_y = y + 24 + i * 20
            rows.append(f"<text x=\"0\" y=\"{bar_y + 13}\">{level.label} {count}</text>"
                        + _bar(bar_y, count / top, "p-ov-hatch" if level is Level.VETO else f"b-{level.value}"))
        y += 24 + 3 * 20 + 8
    failed = sum(1 for s in sites if s.vetoed)
    summary = (f"{len(sites)} 个站点中 {failed} 个有单项否决项；合计" + "、".join(
        f"{lv.label} {report.distinct(lv)} 项" for lv in _LEVELS) + "（推送到门户的信息在两个站点各计一次，合计只算一次）。各站点的数字见下表。")
    return _figure("ov", y, "各站点单项否决、扣分、预警数量", summary, _patterns("ov"), rows,
                   "图例：每个站点三条横条，依次为单项否决（红色斜纹）、扣分（棕色）、预警（蓝色），条前写有项数。")


def _overview_table(sites: Sequence[SiteReport]) -> str:
    head = "<tr><th scope=\"col\">站点</th><th scope=\"col\">结论</th>" + "".join(
        f"<th scope=\"col\">{lv.label}</th>" for lv in _LEVELS) + "</tr>"
    body = "".join(
        f"<tr><th scope=\"row\"><a href=\"#site-{n}\">{_site_label(s)}</a><br><span class=\"host\">"
        f"{_text(s.host)}</span></th><td>{'不合格' if s.vetoed else '合格'}</td>"
        + "".join(f"<td class=\"num\">{s.count(lv)}</td>" for lv in _LEVELS) + "</tr>"
        for n, s in enumerate(sites, 1))
    return _table("各站点结论与问题数量", head, body)


# -- one site -------------------------------------------------------------------------------------------------

def _site(site: SiteReport, number: int) -> str:
    anchor = f"site-{number}"
    warned = {(p.unit, p.column) for p in site.problems if p.code == EARLY_WARNING}
    parts = [f"<section class=\"site\" aria-labelledby=\"{anchor}\">",
             f"<h2 id=\"{anchor}\">{_site_label(site)} <span class=\"host\">{_text(site.host)}</span></h2>",
             f"<p>结论：{_verdict(site.vetoed)}　单项否决 {site.count(Level.VETO)} 项，扣分 {site.count(Level.DEDUCT)} 项，"
             f"预警 {site.count(Level.WARN)} 项。首页最近更新：{_escape(_day(site.homepage_last_update))}。</p>"]
    for level, heading in ((Level.VETO, "单项否决"), (Level.DEDUCT, "扣分项"), (Level.WARN, "预警")):
        items = [p for p in site.problems if p.level is level]
        parts += [f"<h3>{heading}（{len(items)} 项）</h3>", _problem_list(items, level)]
    parts += ["<h3>栏目更新情况</h3>", _age_chart(site.columns, warned, anchor, _site_owner(site)),
              f"<h3>栏目一览（{len(site.columns)} 个）</h3>", _columns_table(site.columns, warned, _site_owner(site)),
              "<h3>留言答复</h3>", _replies(site.replies, _site_owner(site)), "</section>"]
    return "\n".join(parts)


def _problem_list(problems: Sequence[Problem], level: Level | None = None) -> str:
    if not problems:
        return f"<p class=\"none\">没有{level.label if level else '问题'}项。</p>"
    return "<ul class=\"problems\">" + "".join(_problem(p) for p in problems) + "</ul>"


def _problem(p: Problem) -> str:
    where = f"{_text(p.path)}{f':{p.line}' if p.line else ''}" if p.path else ""
    parts = [f"<li class=\"{p.level.value}\"><span class=\"code\">{_text(p.code)}</span> {_text(p.message)}"]
    if where:
        parts.append(f"<br><span class=\"where\">文件：<code>{where}</code></span>")
    if p.since:
        # An early warning's day is ahead: the day it falls due; any other problem's is the day it began
        label = "到期日" if p.code == EARLY_WARNING else "起始日"
        parts.append(f"<br><span class=\"when\">{label}：{_escape(_day(p.since))}</span>")
    if p.hint:
        parts.append(f"<p class=\"hint\">整改：{_text(p.hint)}</p>")
    parts.append("</li>")
    return "".join(parts)


def _state(column: ColumnState, warned: set[tuple[str, str]]) -> tuple[str, str]:
    """(css class, label) of a column: the label says what the colour says."""
    if column.empty:
        return "empty", "空栏目"
    if column.stale:
        return "stale", "超期"
    if (column.unit, column.column) in warned:
        return "near", "即将超期"
    if column.limit_days is None:
        return "none", "不计更新周期"
    return "ok", "正常"


def _charted(columns: Iterable[ColumnState]) -> list[ColumnState]:
    """Columns with an age and a limit, the most overdue (age against limit) first."""
    dated = [c for c in columns if not c.empty and c.age_days is not None and c.limit_days]
    return sorted(dated, key=lambda c: -(c.age_days or 0) / (c.limit_days or 1))


def _age_chart(columns: Sequence[ColumnState], warned: set[tuple[str, str]], anchor: str, owner: str) -> str:
    shown = _charted(columns)
    left_out = len(columns) - len(shown)
    note = (f"<p class=\"legend\">另有 {left_out} 个栏目为空栏目或不计更新周期，不在图中，见下表。</p>"
            if left_out else "")
    if not shown:
        return "<p class=\"none\">没有可比较更新周期的栏目。</p>" + note
    mark_x = _LABEL_WIDTH + (100 - _LABEL_WIDTH) / 2
    rows, y = [], 0
    for column in shown:
        css, label = _state(column, warned)
        ratio = (column.age_days or 0) / (column.limit_days or 1)
        fill = {"stale": f"p-{anchor}-hatch", "near": f"p-{anchor}-dots"}.get(css, "b-ok")
        rows.append(f"<text x=\"0\" y=\"{y + 16}\">{_short(column.name)}</text>"
                    f"<text x=\"100%\" y=\"{y + 16}\" text-anchor=\"end\">{label}</text>"
                    f"<text x=\"0\" y=\"{y + 37}\">{column.age_days}/{column.limit_days} 天"
                    f"{' »' if ratio > 2 else ''}</text>"
                    + _bar(y + 24, min(ratio, 2) / 2, fill)
                    + f"<line class=\"mark\" x1=\"{mark_x:g}%\" x2=\"{mark_x:g}%\" y1=\"{y + 20}\" y2=\"{y + 42}\"/>")
        y += 50
    stale = sum(1 for c in shown if _state(c, warned)[0] == "stale")
    near = sum(1 for c in shown if _state(c, warned)[0] == "near")
    summary = f"{len(shown)} 个栏目中 {stale} 个超期、{near} 个即将超期；各栏目天数见下表。"
    defs = _patterns(anchor)
    legend = ("图例：横条长度为距最近更新的天数，竖线为更新期限，竖线右侧即超期；条前数字为“已过天数/期限天数”，"
              "» 表示超过期限两倍以上。超期为红色斜纹，即将超期为棕色圆点，正常为绿色。")
    return _figure(anchor, y, f"{owner}：栏目距最近更新的天数与更新期限", summary, defs, rows, legend) + note


def _columns_table(columns: Sequence[ColumnState], warned: set[tuple[str, str]], owner: str) -> str:
    if not columns:
        return "<p class=\"none\">本站没有栏目。</p>"
    head = "<tr>" + "".join(f"<th scope=\"col\">{h}</th>" for h in (
        "栏目", "类型", "信息数", "最近更新", "已过天数", "更新期限", "预计超期日", "状态")) + "</tr>"
    rows = []
    for c in columns:
        css, label = _state(c, warned)
        limit = _days(c.limit_days) if c.limit_days is not None else "不计"
        rows.append(f"<tr><th scope=\"row\">{_text(c.name)}</th><td>{_text(c.column_type)}</td><td>{c.items}</td>"
                    f"<td>{_escape(_day(c.last_update))}</td><td>{_days(c.age_days)}</td><td>{limit}</td>"
                    f"<td>{_escape(_day(c.stale_on))}</td><td class=\"s-{css}\">{label}</td></tr>")
    return _table("栏目一览", head, "".join(rows), "cols", owner)


def _replies(stats: dict[str, Any], owner: str) -> str:
    if not stats:
        return "<p class=\"none\">本站没有留言答复统计（没有互动交流栏目）。</p>"
    body = "".join(f"<tr><th scope=\"row\">{label}</th><td class=\"num\">{_number(stats.get(key))}</td></tr>"
                   for key, label in _REPLY_ROWS)
    return _table("留言答复统计", "<tr><th scope=\"col\">项目</th><th scope=\"col\">数量</th></tr>", body,
                  owner=owner)


# -- drawing --------------------------------------------------------------------------------------------------

__all__ = ["html"]
