"""The figures of the annual report (R8.4): what zhanqun computes from git and content, what the access logs
say, what the e-gov office filled in, assembled per report site in the official row order.

Computed for the calendar year in China time (1 January 00:00 to 31 December 24:00):

- 信息发布: the items first published in the year (:mod:`zhanqun.stats.events`, publication moments), by the
  column_type of their column (``data/annual_report.yaml`` ``information``); replies are not counted here. The
  items the repository's first commit brought, or merged before ``inspect.live_from``, are the old site moved
  in, not publications of the year (the report says how many were left out).
- 专栏专题: cluster.yaml ``topics`` and 专题专栏 columns at the year's end; new = not there when the year began
  (topics) or created in the year (columns, ``History.column_since``).
- 解读材料: items of interpretation columns first published in the year; 解读信息发布总数 = 材料 + 产品 + 评论.
- 留言办理: messages received in the year, judged on 31 December with :func:`zhanqun.inspect.replies.judge`
  (answered by then, working days as :func:`~zhanqun.inspect.replies.stats` averages them), and those whose
  answer was on the site then (公开答复).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from zhanqun.findings import Finding, Severity, define
from zhanqun.stats import annual, counted
from zhanqun.stats.annual import NOT_FILLED, ReportSite, Row

if TYPE_CHECKING:
    from zhanqun.cluster import Cluster
    from zhanqun.content import Item
    from zhanqun.stats import events

NO_HISTORY = define(
    "T030", "annual-report-no-history", Severity.WARNING, "这一年在仓库的历史开始之前，信息发布等栏目无法统计。",
    why="信息发布、专栏专题、解读材料的数字都从 git 历史算出；仓库第一个提交以前没有历史，zhanqun 不作推测。",
    example="仓库 2026-11 才建立，却生成 2025 年的年度报表",
    fix="这一年的数字只能按原网站平台的统计填报（这些栏目在报表中注明“无法统计”）；下一年起由 zhanqun 统计。",
    requirement="R8.4",
)


@dataclasses.dataclass
class Figure:
    row: Row
    value: Any  # None: not filled, or not computable
    origin: str  # computed | visits | filled | missing | unknown

    @property
    def shown(self) -> str:
        if self.value is None:
            return {"unknown": "无法统计", "computed": "—", "not_applicable": "—"}.get(self.origin, NOT_FILLED)
        if isinstance(self.value, bool):
            return "是" if self.value else "否"
        if isinstance(self.value, float):
            return f"{self.value:g}"
        return str(self.value)


@dataclasses.dataclass
class Report:
    year: int
    site: ReportSite
    figures: list[Figure]
    commit: str  # the last commit of main in the year ("" when none)
    notes: list[str]  # how the computed figures were obtained, and what was left out
    findings: list[Finding]  # T023, T027, T030 …: warnings about this report

    @property
    def title(self) -> str:
        return annual.title(self.site.name, self.year)

    @property
    def missing(self) -> list[Row]:
        return [f.row for f in self.figures if f.origin == "missing"]

    def figure(self, row_id: str) -> Figure:
        return next(f for f in self.figures if f.row.id == row_id)

    def to_json(self) -> dict[str, Any]:
        return {"title": self.title, "year": self.year, "host": self.site.host, "unit": self.site.unit_id,
                "commit": self.commit, "counted_by": annual.BY_MERGE, "notes": self.notes,
                "rows": [{"id": f.row.id, "group": list(f.row.group), "label": f.row.label,
                          "value": f.value, "shown": f.shown, "source": f.origin} for f in self.figures],
                "missing": [r.id for r in self.missing]}


def year_range(year: int) -> tuple[dt.datetime, dt.datetime]:
    """First and last moment of ``year`` in China time (naive), both included."""
    return dt.datetime(year, 1, 1), dt.datetime(year, 12, 31, 23, 59, 59, 999999)


def build(cluster: Cluster, year: int, sites: list[ReportSite], access_logs: Sequence[Path] = (), now: dt.datetime | None = None,
          jobs: int | None = None) -> tuple[list[Report], list[Finding]]:
    """The reports of ``sites`` for ``year``, and the findings of reading the fill-in file and the logs."""
    from zhanqun.errors import UsageError

    now = now or cluster.now
    start, end = year_range(year)
    if start > now:
        raise UsageError(f"{year} 年还没有开始，不能生成年度报表。", hint=f"写已经过去的年份，如 {now.year - 1}。",
                         code=annual.FUTURE_YEAR)
    filled, findings = annual.read_fill(cluster, year)
    if any(f.severity is Severity.ERROR for f in findings):
        from zhanqun.errors import FindingsError

        raise FindingsError(findings)
    general: list[Finding] = []
    if end > now:
        general.append(Finding(annual.fill_rel(cluster.config.portal, year), 0, 0, annual.YEAR_NOT_OVER,
                               f"{year} 年还没有结束：报表的数字只统计到 {now:%Y-%m-%d %H:%M}。", "次年 1 月再生成并发布。"))
    computed = _history_figures(cluster, year, sites, min(end, now), general)
    visits = _visits(list(access_logs), start, min(end, now), sites, jobs, general)
    reports = []
    for site in sites:
        values = filled.get(site.unit_id, filled.get("", {}))
        figures = [_figure(r, computed.get(site.unit_id), values, visits, site) for r in annual.rows()]
        notes = list(computed[site.unit_id]["_notes"]) if computed.get(site.unit_id) else []
        report = Report(year, site, figures, computed.get("_commit", ""), notes, [])
        if report.missing:
            shown = "、".join(r.path for r in report.missing[:8]) + (" 等" if len(report.missing) > 8 else "")
            report.findings.append(Finding(annual.fill_rel(cluster.config.portal, year), 0, 0, annual.ROWS_MISSING,
                                           f"{site.name}（{site.host}）有 {len(report.missing)} 个栏目未填报：{shown}。",
                                           f"在 sites: {site.unit_id}: 下（或各网站相同的写在 all: 下）补上。"))
        reports.append(report)
    return reports, findings + general


def _figure(r: Row, computed: dict[str, Any] | None, values: dict[str, Any], visits: dict[str, Any] | None,
            site: ReportSite) -> Figure:
    if r.needs and r.id not in values and values.get(r.needs) in ("否", False):
        return Figure(r, None, "not_applicable")  # 微博名称 … of a site without new media: nothing to fill
    if r.fillable and r.id in values:
        value = values[r.id]
        if r.kind == "yesno" and isinstance(value, str):
            value = value == "是"
        return Figure(r, value, "filled")
    if r.source == "visits":
        if visits is not None:
            return Figure(r, getattr(visits[site.host], r.id), "visits")
        return Figure(r, None, "missing")
    if r.source == "computed":
        if computed is None:
            return Figure(r, None, "unknown")
        if r.id == "interpretation_total":
            parts = [values.get("interpretation_products"), values.get("media_articles")]
            if computed.get("interpretation_materials") is None:
                return Figure(r, None, "unknown")
            if any(p is None for p in parts):
                return Figure(r, None, "missing")
            return Figure(r, computed["interpretation_materials"] + sum(p for p in parts if p is not None), "computed")
        value = computed.get(r.id)
        return Figure(r, value, "computed" if value is not None or r.id in computed else "unknown")
    return Figure(r, None, "missing")


# -- identity ------------------------------------------------------------------------------------------------------

def sponsor(cluster: Cluster, site: ReportSite) -> str | None:
    """主办单位 of a report site: the ``identity.sponsor`` its own unit.yaml gives; else, for the portal, the county's
    (cluster.yaml); else the site's own unit. 国办发〔2017〕47号: a department's site is sponsored by the department
    itself, a town's (街道's) by the town government, the portal by the county government — not the county for all."""
    unit = cluster.units[site.unit_id]
    own = unit.identity.get("sponsor") if isinstance(unit.identity, dict) else None
    if own:
        return str(own)
    if site.is_portal:
        return str(cluster.config.identity.get("sponsor") or unit.name)
    return unit.name

def _identity(cluster: Cluster, site: ReportSite) -> dict[str, Any]:
    idn = cluster.identity_of(site.unit_id)
    unit = cluster.units[site.unit_id]
    police = idn.get("police_record")
    return {
        "site_name": site.name,
        "homepage": f"https://{site.host}/",
        "sponsor": sponsor(cluster, site),
        "site_type": "政府门户网站" if site.is_portal or unit.kind in ("town", "street") else "部门网站",
        "id_code": idn.get("id_code"),
        "icp": idn.get("icp"),
        "police_record": f"{idn.get('police_record_prefix') or '公网安备'} {police}号" if police else None,
    }


# -- git and content ----------------------------------------------------------------------------------------------

def _history_figures(cluster: Cluster, year: int, sites: list[ReportSite], end: dt.datetime,
                     general: list[Finding]) -> dict[str, Any]:
    """unit id of a report site -> row id -> value (and ``_notes``); ``_commit``: the year's last commit.

    The history is read up to now, not to the year's end, so that every event carries the unit and path the
    config has now (a town folder renamed in January keeps its year); events after the year are left out."""
    from zhanqun.stats import events

    start = dt.datetime(year, 1, 1)
    result: dict[str, Any] = {}
    hist = events.read(cluster.root, start, max(end, cluster.now))
    replies = _replies(cluster, year, sites)
    if hist.first_commit is None or hist.first_commit > end:
        first = f"{hist.first_commit:%Y-%m-%d}" if hist.first_commit else "（还没有提交）"
        general.append(Finding(annual.fill_rel(cluster.config.portal, year), 0, 0, NO_HISTORY,
                               f"仓库的历史从 {first} 开始，{year} 年没有可统计的历史。",
                               "信息发布、专栏专题、解读材料在报表中注明“无法统计”；按原网站平台的统计另行说明。"))
        for site in sites:
            result[site.unit_id] = {**_identity(cluster, site), **replies[site.unit_id],
                                    "_notes": [f"{year} 年在仓库的历史开始之前：信息发布、专栏专题、解读材料无法统计。"]}
        return result
    tip = _tip(cluster.root, end)
    result["_commit"] = tip
    # The go-live day as main's newest commit states it, as zhanqun stats and the ranking read it (not the
    # working tree's cluster.yaml, which may hold an edit nobody merged).
    from zhanqun.stats import engine

    imports = counted.read(cluster.root, hist, engine.go_live(cluster.root, end))
    topics = _topics(cluster, tip, start, imports)
    for site in sites:
        figures = {**_identity(cluster, site), **_publications(cluster, hist.events, end, site, imports),
                   **_topic_counts(cluster, hist, end, site, topics, imports), **replies[site.unit_id]}
        figures["_notes"] = _notes(figures.pop("_imported"), year, imports) + _gap_note(figures)
        result[site.unit_id] = figures
    return result


def _tip(root: Path, end: dt.datetime) -> str:
    """The last first-parent commit of main at or before ``end``."""
    from zhanqun.audit import history
    from zhanqun.inspect import timeline

    stamp = end.strftime("%Y-%m-%d %H:%M:%S +0800")
    found = history.git(root, "rev-list", "--first-parent", "-1", f"--before={stamp}", timeline.main_branch(root))
    return found.decode().strip()


def _publications(cluster: Cluster, found: list[events.Event], end: dt.datetime, site: ReportSite,
                  imports: counted.Imports) -> dict[str, Any]:
    """信息发布 and 解读材料 of one report site: the publications :func:`zhanqun.stats.counted.counted` keeps (the
    rule ``zhanqun stats`` counts by), up to ``end``."""
    info = annual.layout()["information"]
    units = set(site.unit_ids)
    counts = {"info_total": 0, "info_overview": 0, "info_news": 0, "info_disclosure": 0, "interpretation_materials": 0}

    def ours(event: events.Event) -> bool:
        if event.kind != "published" or event.unit not in units or event.at > end:
            return False
        column = cluster.units[event.unit].columns.get(event.column) if event.unit in cluster.units else None
        return column is not None and column.type not in info["not_counted_types"]

    kept, left_out = counted.counted([e for e in found if ours(e)], imports)
    for event in kept:
        column = cluster.units[event.unit].columns[event.column]
        counts["info_total"] += 1
        for key in ("overview", "news", "disclosure"):
            if column.column_type in info[key]:
                counts[f"info_{key}"] += 1
        if column.type == annual.layout()["interpretation_type"]:
            counts["interpretation_materials"] += 1
    counts["_imported"] = left_out
    return counts


def _topics(cluster: Cluster, tip: str, start: dt.datetime, imports: counted.Imports) -> tuple[set[str], set[str]]:
    """The topic ids of cluster.yaml at the year's end and when it began (one ``cat-file --batch``). A topic
    the initial import brought is not new: "when it began" is at the earliest the last commit before going live,
    and the first commit when the year began before the history."""
    from zhanqun.audit import history

    begin = start
    if imports.live_from is not None:
        begin = max(begin, dt.datetime.combine(imports.live_from, dt.time()))
    stamp = (begin - dt.timedelta(seconds=1)).strftime("%Y-%m-%d %H:%M:%S +0800")
    before = history.git(cluster.root, "rev-list", "--first-parent", "-1", f"--before={stamp}", tip).decode().split()
    before = before or sorted(imports.commits)[:1]
    specs = [f"{tip}:content/cluster.yaml"] + ([f"{before[0]}:content/cluster.yaml"] if before else [])
    blobs = history.cat_files(cluster.root, specs)
    at_end = _topic_ids(blobs[0])
    at_start = _topic_ids(blobs[1]) if before else set()
    return at_end, at_start


def _topic_ids(blob: bytes | None) -> set[str]:
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    if not blob:
        return set()
    try:
        data = YAML(typ="safe", pure=True).load(blob.decode("utf-8"))
        return {str(t["id"]) for t in (data or {}).get("topics") or [] if isinstance(t, dict) and "id" in t}
    except (YAMLError, UnicodeDecodeError, AttributeError, TypeError):
        return set()  # a broken version on main: its topics cannot be told


def _topic_counts(cluster: Cluster, hist: events.History, end: dt.datetime, site: ReportSite,
                  topics: tuple[set[str], set[str]],
                  imports: counted.Imports) -> dict[str, int]:
    """专题专栏 columns declared now that existed at the year's end (a column created later is not counted), and
    the topics of cluster.yaml (portal only); new: created in the year, and not by the initial import."""
    kind = annual.layout()["topic_column_type"]
    units = set(site.unit_ids)
    columns = [(u, c) for u, c in hist.columns if u in units and u in cluster.units
               and (col := cluster.units[u].columns.get(c)) is not None and col.column_type == kind
               and hist.column_since.get((u, c), end) <= end]
    maintained = len(columns)
    new = sum(1 for key in columns if key in hist.column_since and not imports.holds_moment(hist.column_since[key]))
    if site.is_portal:  # cluster.yaml's topics live on the portal (/zhuanti/<id>/)
        at_end, at_start = topics
        maintained += len(at_end)
        new += len(at_end - at_start)
    return {"topics_maintained": maintained, "topics_new": new}


def _replies(cluster: Cluster, year: int, sites: list[ReportSite]) -> dict[str, dict[str, Any]]:
    """留言办理 per report site: messages received in ``year``, judged on its last day."""
    from zhanqun import content
    from zhanqun.cluster import Site
    from zhanqun.inspect import replies
    from zhanqun.workdays import Calendar

    last_day = dt.date(year, 12, 31)
    end = dt.datetime(year, 12, 31, 23, 59, 59)
    calendar = None
    result = {}
    for site in sites:
        site_obj = Site(site.host, site.unit_id, list(site.unit_ids), site.is_portal)
        items = [i for i in replies.site_items(cluster, site_obj)
                 if (replies.received_on(i) or dt.date.min).year == year]
        if items and calendar is None:
            calendar = Calendar.load(cluster.root)
        # (no items: no judging, and no calendar needed)
        outcomes = [o for o in (replies.judge(i, calendar, last_day, cluster.config.inspect) for i in items
                                if calendar is not None) if o]
        figures = replies.stats(outcomes)
        published = sum(1 for o in outcomes if o.answered is not None and content.out_at(o.item, end)
                        and not _withdrawn_by(o.item, last_day))
        result[site.unit_id] = {"messages_received": figures["received"], "messages_answered": figures["answered"],
                                "messages_days": figures["average_workdays"], "messages_published": published,
                                "_gap_years": figures["gap_years"], "_averaged": figures["averaged"]}
    return result


def _withdrawn_by(item: Item, day: dt.date) -> bool:
    withdrawn = item.meta.get("withdrawn")
    if not withdrawn:
        return False
    when = withdrawn.get("date") if isinstance(withdrawn, dict) else None
    try:
        return when is None or dt.date.fromisoformat(str(when)[:10]) <= day
    except ValueError:
        return True


def _gap_note(figures: dict[str, Any]) -> list[str]:
    """What a year without a holiday schedule leaves out of 平均办理时间 (never guessed: J018)."""
    years = figures.get("_gap_years")
    if not years:
        return []
    shown = "、".join(str(y) for y in years)
    return [f"{shown} 年的节假日安排未知：平均办理时间只计算了能按工作日计算的 {figures['_averaged']} 条答复（J018）。"]


def _notes(imported: int, year: int, imports: counted.Imports) -> list[str]:
    notes = [(f"信息发布、解读材料{annual.BY_MERGE}：统计 {year} 年 1 月 1 日至 12 月 31 日（北京时间）首次发布的信息，"
              "修改和撤稿不另计（与 zhanqun stats 的“发布”口径相同）。")]
    if imported:
        notes.append(counted.note(imported, imports))
    notes.append("留言办理：统计这一年收到的留言，按 12 月 31 日的状态判断是否办结；平均办理时间按工作日计算，"
                 "与自查报告和留言统计页相同。")
    return notes


# -- visits ---------------------------------------------------------------------------------------------------------

def _visits(paths: list[Path], start: dt.datetime, end: dt.datetime, sites: list[ReportSite], jobs: int | None,
            general: list[Finding]) -> dict[str, Any] | None:
    if not paths:
        return None
    from zhanqun.stats import visits

    tally = visits.count(paths, start, end + dt.timedelta(microseconds=1), [s.host for s in sites], jobs=jobs)
    general += tally.findings
    return dict(tally)
