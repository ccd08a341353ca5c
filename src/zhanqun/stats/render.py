"""``zhanqun stats`` as text for the terminal, JSON, CSV (UTF-8 with BOM: Excel opens it) and one self-contained
HTML page with SVG charts drawn here (R8.3). Every rendering says that moments are merge times, not typed dates.

The HTML follows the scorecard (:mod:`zhanqun.htmlpage`): no script, no external resource, no ``style``
attribute, so it renders under ``default-src 'none'; style-src 'unsafe-inline'``; tables scroll in their own
box and charts scale, so a 360 px phone reads it.
"""

from __future__ import annotations

from typing import Any

from zhanqun import htmlpage
from zhanqun.htmlpage import LABEL_WIDTH, escape, figure, number, patterns, short, table, text
from zhanqun.output import visible
from zhanqun.stats import compliance, publishing
from zhanqun.stats.engine import BASIS, PeriodStats, Row, Stats

BY_LABELS = {"unit": "单位", "column": "栏目", "person": "人员"}
KIND_LABELS = {"month": "按月", "quarter": "按季度", "year": "按年"}


def share(counts: dict[str, Any] | None) -> str:
    if not counts or counts.get("share") is None:
        return "—"
    return f"{counts['share'] * 100:.0f}%"


def _title(stats: Stats) -> str:
    return f"{stats.cluster} 信息发布统计（{stats.first} 至 {stats.last}）"


# -- text -----------------------------------------------------------------------------------------------------
def _row_text(row: Row) -> str:
    unit = f"（{row.unit}）" if row.unit else ""
    parts = [f"发布 {row.published}，修改 {row.revised}，撤稿 {row.withdrawn}，附件 {row.attachments}"]
    c = row.compliance
    if c and c["windows"]:
        parts.append(f"更新周期 按时 {c['on_time']}/{c['windows']}（{share(c)}；超期后补发 {c['late']}，超期未更新 "
                     f"{c['missed']}" + (f"，无法判断 {c['unknown']}" if c["unknown"] else "") + "）")
    r = row.replies
    if r is not None:
        average = "—" if r["average_workdays"] is None else f"{r['average_workdays']:.1f}"
        parts.append(f"留言 收到 {r['received']}，已答复 {r['answered']}，超期答复 {r['late']}，逾期未答复 "
                     f"{r['overdue']}，平均用时 {average} 个工作日")
    if row.reviews:
        parts.append(review_text(row.reviews))
    return f"  {row.name}{unit}：" + "；".join(parts)


def review_text(reviews: dict[str, Any]) -> str:
    """A reviewer's approvals (:meth:`zhanqun.stats.reviews.Summary.by_person`: approvals, by role, average
    hours of the timed ones, how many had no time)."""
    roles = "，".join(f"{k} {v}" for k, v in (reviews.get("by_role") or {}).items())
    hours = reviews.get("average_hours")
    untimed = reviews.get("untimed") or 0
    return (f"审核 {reviews.get('approvals', 0)} 次" + (f"（{roles}）" if roles else "")
            + (f"，平均用时 {hours:.1f} 小时" if isinstance(hours, (int, float)) else "")
            + (f"（{untimed} 次无时间，不计用时）" if untimed else ""))


def as_text(stats: Stats) -> str:
    lines = [_title(stats), f"按{BY_LABELS[stats.by]}、{KIND_LABELS[stats.kind]}统计，截至提交 {stats.commit[:10]}。",
             f"{BASIS}。", ""]
    for period in [*stats.periods, stats.whole] if len(stats.periods) > 1 else stats.periods:
        title = "全部区间合计" if period is stats.whole else period.period.label
        lines.append(f"{title}（{period.period.first} 至 {period.period.last}）")
        lines += [_row_text(r) for r in period.rows]
        lines.append(_row_text(period.total))
        lines.append("")
    lines += stats.notes
    return visible("\n".join(lines).rstrip() + "\n")


# -- JSON and CSV ---------------------------------------------------------------------------------------------
def as_json(data: dict[str, Any], kind: str = "stats") -> str:
    """The statistics (or the annual ranking, ``ranking``) in zhanqun's JSON envelope (issue 13), by orjson."""
    from zhanqun.output import json_document

    return json_document(kind, data)


CSV_HEADER = ["统计期", "开始日期", "结束日期", "统计对象", "标识", "名称", "所属单位", "发布", "修改", "撤稿", "附件",
              "考核窗口", "按时", "超期后补发", "超期未更新", "无法判断", "按时率", "收到留言", "已答复", "按时答复",
              "超期答复", "逾期未答复", "平均答复用时（工作日）", "统计截至提交", "统计口径", "说明"]


def as_csv(stats: Stats) -> str:
    """One line per period and row (the whole range last, 统计期 全部), with a BOM so Excel reads UTF-8; names
    come from unit.yaml, so every cell goes through ``publishing.csv_text`` (a formula start gets a ``'``)."""
    rows: list[list[Any]] = [CSV_HEADER]
    notes = " ".join(stats.notes)  # what was left out (the import, days before the history), on every line
    for period in [*stats.periods, stats.whole]:
        label = "全部" if period is stats.whole else period.period.label
        for row in [*period.rows, period.total]:
            c, r = row.compliance or {}, row.replies or {}
            rows.append([
                label, period.period.first.isoformat(), period.period.last.isoformat(),
                BY_LABELS[stats.by] if row.key else "合计", row.key, row.name, row.unit,
                row.published, row.revised, row.withdrawn, row.attachments,
                *(_cell(c.get(k)) for k in ("windows", "on_time", "late", "missed", "unknown")),
                "" if c.get("share") is None else f"{c['share']:.4f}",
                *(_cell(r.get(k)) for k in ("received", "answered", "on_time", "late", "overdue", "average_workdays")),
                stats.commit, BASIS, notes])
    return publishing.csv_text(rows)


def _cell(value: Any) -> str:
    return "" if value is None else str(value)


# -- HTML -----------------------------------------------------------------------------------------------------
_CSS = htmlpage.CSS + """
.stack-late{fill:var(--deduct)}.stack-missed{fill:var(--veto)}
dl.method dt{font-weight:bold;margin-top:.5rem}dl.method dd{margin:0 0 0 1rem}
"""


def as_html(stats: Stats) -> str:
    title = text(_title(stats))
    shown = [*stats.periods, stats.whole] if len(stats.periods) > 1 else stats.periods
    parts = [
        "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">",
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">",
        f"<title>{title}</title><style>{_CSS}</style></head><body>",
        "<a class=\"skip\" href=\"#main\">跳到主要内容</a>",
        f"<header><h1>{title}</h1><p class=\"meta\">按{BY_LABELS[stats.by]}、{KIND_LABELS[stats.kind]}统计；"
        f"截至提交 <code>{escape(stats.commit)}</code>。</p><p class=\"meta\"><strong>{BASIS}</strong>。</p>"
        + "".join(f"<p class=\"meta note\">{text(n)}</p>" for n in stats.notes) + "</header>",
        "<nav aria-label=\"统计期目录\"><ul>" + "".join(
            f"<li><a href=\"#p-{n}\">{text(_period_title(stats, p))}</a></li>" for n, p in enumerate(shown, 1))
        + "</ul></nav>",
        "<main id=\"main\" tabindex=\"-1\">",
        *(_period_html(stats, p, n) for n, p in enumerate(shown, 1)),
        _method(), "</main>",
        "<footer><p>由 zhanqun stats 从 git 历史生成，任何人用同一仓库运行同一命令都得到同样的数字。</p></footer>",
        "</body></html>\n",
    ]
    return "\n".join(parts)


def _period_title(stats: Stats, period: PeriodStats) -> str:
    return "全部区间合计" if period is stats.whole else period.period.label


def _period_html(stats: Stats, period: PeriodStats, number_: int) -> str:
    anchor = f"p-{number_}"
    label = _period_title(stats, period)
    rows = period.rows
    parts = [f"<section aria-labelledby=\"{anchor}\"><h2 id=\"{anchor}\">{text(label)}</h2>",
             f"<p class=\"meta\">{period.period.first} 至 {period.period.last}：共发布 {period.total.published} 条，"
             f"修改 {period.total.revised} 次，撤稿 {period.total.withdrawn} 条，附件 {period.total.attachments} 个。</p>",
             "<h3>发布数量</h3>", _published_chart(rows, f"c{number_}-pub", label)]
    if stats.by != "person":
        parts += ["<h3>栏目按更新周期更新的情况</h3>", _cycle_chart(rows, f"c{number_}-cyc", label)]
    parts += [f"<h3>明细（{len(rows)} 个{BY_LABELS[stats.by]}）</h3>", _table(stats, period, label)]
    if stats.reviewed is False:
        parts.append("<p class=\"none\">没有审核记录：这一期合并的变更都没有审核记录，审核次数和用时无法统计。</p>")
    parts.append("</section>")
    return "\n".join(parts)


def _published_chart(rows: list[Row], anchor: str, owner: str) -> str:
    if not rows:
        return "<p class=\"none\">这一期没有可统计的对象。</p>"
    top = max(1, *(r.published for r in rows))
    drawn, y = [], 0
    for row in rows:
        drawn.append(f"<text x=\"0\" y=\"{y + 13}\">{short(row.name)} {row.published}</text>"
                     + htmlpage.bar(y + 18, row.published / top, "b-ok"))
        y += 40
    total = sum(r.published for r in rows)
    return figure(anchor, y, f"{text(owner)}：各{'对象'}发布数量", f"共发布 {total} 条，各对象的数字见明细表。", "",
                  drawn, "图例：横条长度为发布条数（与最多的一个相比），条前写有条数。")


def _cycle_chart(rows: list[Row], anchor: str, owner: str) -> str:
    judged = [r for r in rows if r.compliance and r.compliance["windows"]]
    if not judged:
        return "<p class=\"none\">这一期没有按更新周期考核的栏目。</p>"
    drawn, y = [], 0
    for row in judged:
        c = row.compliance or {}
        drawn.append(f"<text x=\"0\" y=\"{y + 13}\">{short(row.name)} {share(c)}</text>" + _stack(y + 18, c, anchor))
        y += 40
    total = {k: sum((r.compliance or {}).get(k, 0) for r in judged) for k in (*compliance.OUTCOMES, "windows")}
    summary = (f"{total['windows']} 个考核窗口中按时 {total['on_time']} 个、超期后补发 {total['late']} 个、超期未更新 "
               f"{total['missed']} 个；各对象的数字见明细表。")
    legend = ("图例：横条分三段，依次为按时（绿色）、超期后补发（棕色圆点）、超期未更新（红色斜纹）的窗口所占比例，"
              "条前为按时率。考核窗口是栏目更新周期的日历周期（每周更新的栏目按自然周，其余按月、季度、半年、年）。")
    return figure(anchor, y, f"{text(owner)}：栏目按时更新率", summary, patterns(anchor), drawn, legend)


def _stack(y: int, counts: dict[str, Any], anchor: str) -> str:
    """One bar split into the shares of on-time, late and missed windows (patterns as well as colours)."""
    windows = counts["windows"] or 1
    span = 100 - LABEL_WIDTH
    parts = [f"<rect class=\"track\" x=\"{LABEL_WIDTH}%\" y=\"{y}\" width=\"{span}%\" height=\"14\"/>"]
    x = float(LABEL_WIDTH)
    for outcome, paint in (("on_time", "class=\"b-ok\""), ("late", f"fill=\"url(#p-{anchor}-dots)\""),
                           ("missed", f"fill=\"url(#p-{anchor}-hatch)\"")):
        width = span * counts[outcome] / windows
        if width > 0:
            parts.append(f"<rect {paint} x=\"{x:.1f}%\" y=\"{y}\" width=\"{width:.1f}%\" height=\"14\"/>")
            x += width
    return "".join(parts)


def _table(stats: Stats, period: PeriodStats, owner: str) -> str:
    heads = [BY_LABELS[stats.by], "发布", "修改", "撤稿", "附件"]
    if stats.by != "person":
        heads += ["按时/考核窗口", "超期后补发", "超期未更新", "按时率", "收到留言", "已答复", "超期答复", "逾期未答复",
                  "平均答复用时（工作日）"]
    elif stats.reviewed is not False:
        heads += ["审核"]
    head = "<tr>" + "".join(f"<th scope=\"col\">{h}</th>" for h in heads) + "</tr>"
    body = "".join(_table_row(stats, row) for row in [*period.rows, period.total])
    return table(f"{text(owner)}明细", head, body, "cols", "")


def _table_row(stats: Stats, row: Row) -> str:
    name = text(row.name) + (f"<br><span class=\"host\">{text(row.unit)}</span>" if row.unit else "")
    cells: list[object] = [row.published, row.revised, row.withdrawn, row.attachments]
    if stats.by != "person":
        c, r = row.compliance, row.replies
        cells += ([f"{c['on_time']}/{c['windows']}", c["late"], c["missed"], share(c)] if c and c["windows"]
                  else ["—"] * 4)
        cells += ([r["received"], r["answered"], r["late"], r["overdue"], r["average_workdays"]] if r is not None
                  else ["—"] * 5)
    elif stats.reviewed is not False:
        cells.append(review_text(row.reviews) if row.reviews else "—")
    return (f"<tr><th scope=\"row\">{name}</th>" + "".join(f"<td class=\"num\">{number(v)}</td>" for v in cells)
            + "</tr>")


def _method() -> str:
    return ("<section aria-labelledby=\"method\"><h2 id=\"method\">统计口径</h2><dl class=\"method\">"
            "<dt>发布</dt><dd>信息第一次合入主分支（main）的时刻；设了定时发布（publish_at）的，取定时发布的时刻。"
            "删除后又恢复的信息不算新发布。</dd>"
            "<dt>修改</dt><dd>发布以后又合入的改动（只改文件名、不改内容的不算）。</dd>"
            "<dt>撤稿</dt><dd>信息第一次出现撤稿（withdrawn）标记的提交，或已发布的信息被删除的提交。</dd>"
            "<dt>附件</dt><dd>栏目文件夹中新增的非 Markdown 文件。</dd>"
            "<dt>栏目按时更新率</dt><dd>按栏目的更新周期（与网站自查相同的期限，工作日按国务院节假日安排），逐个日历周期判断："
            "整个周期都未超期为按时；中途超期、周期内补发为超期后补发；到周期结束仍超期为超期未更新。按时率＝按时÷考核窗口。"
            "互动交流、专题专栏不按周期考核。</dd>"
            "<dt>留言</dt><dd>按收到日期归入统计期；是否答复、是否超期、平均用时按统计区间最后一天的情况，与自查报告和公开的留言答复统计相同。</dd>"
            "</dl></section>")
