"""The annual ranking as text, JSON, CSV and HTML, and the 通报 item ``--publish`` writes into the portal column
cluster.yaml names (R8.3). Every rendering says how each figure was computed and from which commit, so a unit
can recompute its own rank (``zhanqun stats --ranking YEAR`` on that commit)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from zhanqun.config import Unit
from zhanqun.htmlpage import CSS, bar, escape, figure, number, short, table, text
from zhanqun.output import visible
from zhanqun.stats import codes, publishing
from zhanqun.stats.engine import BASIS
from zhanqun.stats.ranking import ERROR_POINTS, MEASURE_LABELS, MEASURES, Entry, Ranking

ITEM_NAME = "{year}-niandu-zonghe-ceping"


def title(ranking: Ranking) -> str:
    return f"关于{ranking.year}年度全县政府网站综合测评结果的通报"


def method(ranking: Ranking) -> list[str]:
    """How each figure was computed, in the words every rendering uses."""
    w = ranking.weights
    scope = (f"统计 {ranking.year}-01-01 至 {ranking.last}" + ("" if ranking.complete else "（年度尚未结束，统计到当天）")
             + f"，数据来自站群仓库主分支的提交 {ranking.commit}（该年最后一个提交）。")
    return [
        scope,
        f"{BASIS}；任何单位都可以在该提交上运行 zhanqun stats --ranking {ranking.year} 重算自己的名次。",
        f"栏目按时更新率（权重 {w.get('updates', 0)}）：各栏目按更新周期逐个日历周期判断，按时的周期数 ÷ 考核的周期数 × 100。"
        "更新期限与网站自查相同；互动交流、专题专栏不按周期考核。",
        f"差错（权重 {w.get('errors', 0)}）：100 − {ERROR_POINTS} ×（该提交上 zhanqun check 在本单位文件中发现的错误数 + "
        f"zhanqun inspect --at {ranking.last} 发现的本单位单项否决和扣分问题数），最低 0 分。",
        f"留言按时答复率（权重 {w.get('replies', 0)}）：当年收到的留言中，按时答复的 ÷（已答复的 + 逾期未答复的）× 100；"
        "答复时限按工作日计算，与自查报告和公开的留言答复统计相同。",
        "综合得分：各项得分按权重加权平均；某一项没有数据（没有按周期考核的栏目、当年没有到期的留言）的单位，这一项不计，"
        "按其余各项的权重计算。得分相同的单位名次相同。",
        *ranking.notes,
    ]


def _score(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


# -- text, JSON, CSV -----------------------------------------------------------------------------------------
def as_text(ranking: Ranking) -> str:
    lines = [f"{ranking.cluster} {ranking.year} 年度综合测评", ""]
    for e in ranking.entries:
        lines.append(f"{e.rank:>3}. {e.name}：{e.total:.1f} 分（" + "，".join(
            f"{MEASURE_LABELS[m]} {_score(e.scores[m])}" for m in MEASURES)
            + f"；检查错误 {e.check_errors}，自查问题 {e.inspect_problems}）")
    lines += ["", "计算方法："] + [f"  {line}" for line in method(ranking)]
    return visible("\n".join(lines) + "\n")


CSV_HEADER = ["名次", "单位标识", "单位", "综合得分", "栏目按时更新率得分", "差错得分", "留言按时答复率得分", "考核窗口",
              "按时窗口", "检查错误数", "自查问题数", "收到留言", "按时答复", "超期答复", "逾期未答复", "权重（更新/差错/答复）",
              "统计截至", "数据提交", "说明"]


def as_csv(ranking: Ranking) -> str:
    """UTF-8 with a BOM for Excel; a unit name starting like a formula (= + - @ …) is written as text."""
    w = ranking.weights
    rows: list[list[object]] = [list(CSV_HEADER)]
    for e in ranking.entries:
        c, r = e.compliance or {}, e.replies or {}
        rows.append([e.rank, e.unit, e.name, f"{e.total:.1f}", *(_score(e.scores[m]) for m in MEASURES),
                     c.get("windows", ""), c.get("on_time", ""), e.check_errors, e.inspect_problems,
                     r.get("received", ""), r.get("on_time", ""), r.get("late", ""), r.get("overdue", ""),
                     f"{w.get('updates', 0)}/{w.get('errors', 0)}/{w.get('replies', 0)}", ranking.last.isoformat(),
                     ranking.commit, " ".join(ranking.notes)])
    return publishing.csv_text(rows)


# -- HTML -----------------------------------------------------------------------------------------------------
def as_html(ranking: Ranking) -> str:
    heading = text(f"{ranking.cluster} {ranking.year} 年度综合测评")
    rows, y = [], 0
    for e in ranking.entries:
        rows.append(f"<text x=\"0\" y=\"{y + 13}\">{e.rank}. {short(e.name)} {e.total:.1f}</text>"
                    + bar(y + 18, e.total / 100, "b-ok"))
        y += 40
    chart = (figure("rk", y, f"{heading}：各单位综合得分", f"{len(ranking.entries)} 个单位的综合得分（满分 100），"
                    "各项得分见下表。", "", rows, "图例：横条长度为综合得分（满分 100），条前为名次和得分。")
             if ranking.entries else "<p class=\"none\">没有单位。</p>")
    head = "<tr>" + "".join(f"<th scope=\"col\">{h}</th>" for h in _HEADS) + "</tr>"
    body = "".join(_ranking_row(e) for e in ranking.entries)
    steps = "".join(f"<li>{text(line)}</li>" for line in method(ranking))
    return "\n".join([
        "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">",
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">",
        f"<title>{heading}</title><style>{CSS}{_STACK_CSS}</style></head><body>",
        "<a class=\"skip\" href=\"#main\">跳到主要内容</a>",
        f"<header><h1>{heading}</h1><p class=\"meta\">数据提交：<code>{escape(ranking.commit)}</code>　统计截至 "
        f"{ranking.last}</p><p class=\"meta\"><strong>{BASIS}</strong>。</p></header>",
        "<main id=\"main\" tabindex=\"-1\"><h2>综合得分</h2>", chart, table("各单位得分与名次", head, body, "cols stack"),
        f"<h2>计算方法</h2><ol>{steps}</ol></main>",
        "<footer><p>由 zhanqun stats --ranking 从 git 历史生成。</p></footer></body></html>\n"])


_HEADS = ("名次", "单位", "综合得分", *(MEASURE_LABELS[m] for m in MEASURES), "检查错误", "自查问题")
# On a phone (under 40rem) the ranking table is a stack of cards, one per unit, each figure on its own line after its
# heading (the cell's data-label): every sub-score readable without scrolling sideways. Wider, a normal table.
_STACK_CSS = """
@media (max-width:40rem){
table.stack{min-width:0}table.stack thead{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
table.stack,table.stack tbody,table.stack tr{display:block;width:100%}
table.stack tr{border:1px solid var(--line);margin:.75rem 0}
table.stack td,table.stack th{display:flex;justify-content:space-between;gap:1rem;border:0;
border-top:1px solid #d0d4da;white-space:normal;text-align:right}
table.stack tr>:first-child{border-top:0}
table.stack td::before,table.stack th::before{content:attr(data-label);font-weight:bold;text-align:left}
}
"""


def _ranking_row(e: Entry) -> str:
    """One unit's row; every cell carries its column's heading for the stacked (phone) layout."""
    cells = [str(e.rank), text(e.name), f"{e.total:.1f}", *(_score(e.scores[m]) for m in MEASURES),
             number(e.check_errors), number(e.inspect_problems)]
    out = []
    for head, cell in zip(_HEADS, cells):
        tag, extra = ("th", " scope=\"row\"") if head == "单位" else ("td", " class=\"num\"")
        out.append(f"<{tag}{extra} data-label=\"{head}\">{cell}</{tag}>")
    return "<tr>" + "".join(out) + "</tr>"


# -- the 通报 on the portal -------------------------------------------------------------------------------------
def publish(root: Path, ranking: Ranking, force: bool = False, today: dt.date | None = None) -> tuple[Path, Path]:
    """Write the 通报 item and its CSV into the portal column cluster.yaml ``stats: ranking_column`` names, in the
    working tree (the e-gov office commits them through a pull request like any item). A link on the way, or a
    special file where a file goes, is T011 before anything is written; both files are written whole or not at
    all (:mod:`zhanqun.stats.publishing`)."""
    from zhanqun import cluster as cluster_mod

    cluster, findings = cluster_mod.load_structure(Path(root))
    if cluster is None:
        from zhanqun.errors import FindingsError

        raise FindingsError(findings)
    portal = cluster.portal
    name = cluster.config.stats.ranking_column
    if not name:
        raise codes.fail(codes.NO_RANKING_COLUMN, "cluster.yaml 中没有 stats: ranking_column，不知道把测评通报发布到门户的哪个栏目。",
                         "在 content/cluster.yaml 中写 stats: {ranking_column: tzgg}（门户的通知公告栏目标识），再运行。")
    column = portal.columns.get(name)
    if column is None or column.type not in _FRONT:
        shown = "、".join(f"{c.id}（{c.name}）" for c in portal.columns.values() if c.type in _FRONT)
        problem = "不是门户的栏目" if column is None else "不是通知公告或工作动态类栏目"
        raise codes.fail(codes.NO_RANKING_COLUMN, f"stats.ranking_column 的 {name} {problem}（门户单位 {portal.id}）。",
                         f"改成门户中的通知公告或工作动态栏目：{shown or '门户还没有这类栏目，请先在 unit.yaml 中添加'}。")
    stem = ITEM_NAME.format(year=ranking.year)
    folder = Path(root) / "content" / portal.id / column.id
    item, data = folder / f"{stem}.md", folder / "attachments" / f"{stem}.csv"
    publishing.check_targets(Path(root), (item, data), codes.UNSAFE_TARGET, "测评通报")
    existing = [p for p in (item, data) if p.exists()]
    if existing and not force:
        raise codes.fail(codes.RANKING_EXISTS, f"{existing[0].relative_to(root)} 已经存在，没有覆盖。",
                         "确认要用新的结果替换时加 --force。")
    text = markdown(ranking, portal, column.type, today or cluster_mod.reference_time().date())
    publishing.write_all(Path(root), {item: text, data: as_csv(ranking)}, codes.UNSAFE_TARGET, "测评通报")
    return item, data


_FRONT = {"notice": "publisher: {unit}\n", "news": "author: {office}\nsource: {unit}\n"}


def markdown(ranking: Ranking, portal: Unit, content_type: str, today: dt.date) -> str:
    """The 通报 item: front matter of the column's type, the ranking table and how it was computed."""
    # Names come from unit.yaml: quoted as JSON strings (valid YAML), so a ": " or a line break adds no key.
    front = _FRONT[content_type].format(unit=_yaml(portal.name), office=_yaml(f"{portal.short_name}电子政务办"))
    csv_name = ITEM_NAME.format(year=ranking.year) + ".csv"
    lines = ["---", f"title: {title(ranking)}", f"date: {today.isoformat()}", front.rstrip("\n"), "importance: general",
             "attachments:", f"  - file: attachments/{csv_name}", f"    title: {ranking.year}年度综合测评结果（CSV）", "---", "",
             "各单位：", "",
             f"根据站群仓库的更新、检查和留言答复记录，现将{ranking.year}年度全县政府网站综合测评结果通报如下。", "",
             "| 名次 | 单位 | 综合得分 | " + " | ".join(MEASURE_LABELS[m] for m in MEASURES) + " |",
             "|---|---|---|" + "---|" * len(MEASURES)]
    for e in ranking.entries:
        lines.append(f"| {e.rank} | {_cell(e.name)} | {e.total:.1f} | "
                     + " | ".join(_score(e.scores[m]) for m in MEASURES) + " |")
    lines += ["", "## 计算方法", ""] + [f"{i}. {line}" for i, line in enumerate(method(ranking), 1)]
    lines += ["", "请得分较低的单位对照各项指标认真整改。", ""]
    return "\n".join(lines)


def _cell(value: str) -> str:
    return value.replace("|", "｜")


def _yaml(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)
