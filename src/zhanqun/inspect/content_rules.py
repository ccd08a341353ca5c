"""Content indicators of the inspection (R7.1, R7.2): placeholder pages (J006), future dates (J007), broken links
(J010), expired but unmarked policies (J011), important policies without interpretation (J012), guides with blank
elements (J013) and the annual report on the portal homepage (J017).

:func:`problems` is pure: it reads the :class:`~zhanqun.inspect.model.Context` only ("now" is ``ctx.at``). J006
and J007 are also errors of ``zhanqun check`` (the placeholder gate :mod:`zhanqun.checks.placeholder`, cached with
the parse, and :func:`zhanqun.checks.references.future_date`, judged against the reference time after loading);
here they are judged as an inspector sees the site at ``ctx.at``.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from functools import cached_property
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urljoin, urlsplit

from zhanqun.checks import ruledata
from zhanqun.checks.normalise import normalise
from zhanqun.checks.placeholder import PLACEHOLDER
from zhanqun.checks.references import FUTURE_DATE, future_date
from zhanqun.content import to_datetime
from zhanqun.findings import Finding, Severity, define
from zhanqun.inspect.model import Context, Level, Problem

if TYPE_CHECKING:
    from zhanqun.content import Item

BROKEN_LINKS = define(
    "J010", "inspect-broken-links", Severity.WARNING, "页面上有打不开的站内链接（错链），检查中扣分。",
    why="国办秘函〔2019〕19号把错链、断链列为扣分项；站内链接（含指向其他子站的链接）在发布前就能逐条核对（L003）。",
    example="发改委·通知公告《关于开展项目申报的通知》有 2 个站内链接打不开",
    fix="按 zhanqun check 的 L003 提示逐条改正链接，或删除链接。",
    requirement="R7.2, R4.6",
)
EXPIRED_UNMARKED = define(
    "J011", "inspect-expired-policy-unmarked", Severity.WARNING, "政策文件的有效性与废止日期矛盾（过期未标注失效）。",
    why="47号文要求政策文件标注有效性；废止日期已过而有效性仍写“有效”，信息公开目录的数据与网页不一致，"
        "在废止日期前构建的页面也不会标注；写了“废止”却标着尚未到来的废止日期，公众看到的是自相矛盾的文件信息。",
    example="expires: 2025-12-31，status: 有效（今天 2026-11-21）",
    fix="把有效性（status）改为“失效”或“废止”；若文件仍然有效，改正或删除废止日期（expires）。",
    requirement="R7.2, R2.1",
)
NO_INTERPRETATION = define(
    "J012", "inspect-policy-without-interpretation", Severity.WARNING, "重要政策文件或规范性文件没有政策解读。",
    why="001 §11、003 §11 要求重要政策文件与解读同步发布；检查中缺少解读扣分。规范性文件（文号中有“规”，如 示政规〔2026〕1号）"
        "按重要政策文件对待。解读最迟可在文件首次发布后 3 天内跟上（另走一条审核链），之后计入。",
    example="importance: important 的政策文件发布 3 天后，站群中仍没有 policy: 指向它的已发布解读",
    fix="编写政策解读，头信息 policy: 写该文件的索引号（index_no），与文件同步发布。",
    requirement="R7.2, R2.7",
)
GUIDE_ELEMENTS = define(
    "J013", "inspect-guide-elements-blank", Severity.WARNING, "办事指南的要素写的是“暂无”“待定”“详见”之类，等于缺失。",
    why="19号文要求办事指南要素齐全、准确；设定依据、申请条件、办理材料、办理地点、办理机构、收费标准、办理时间、"
        "联系电话、办理流程写“暂无”“略”“-”，或只写“见附件”却没有附件，检查中按要素缺失扣分。",
    example="location: 暂无；materials: 详见附件（没有 attachments 或 forms）",
    fix="把每个要素写具体；“见附件”须真有附件或表格下载。不收费的收费标准写“不收费”。",
    requirement="R7.2, R2.6",
)
ANNUAL_REPORT = define(
    "J017", "inspect-annual-report-missing", Severity.WARNING, "2 月 1 日后门户首页上找不到上一年度的政府网站工作年度报表。",
    why="国办函〔2018〕12号要求每年 1 月 31 日前在门户网站首页公开上一年度的政府网站工作年度报表；过期未公开扣分。",
    example="2026-02-01 起，门户首页的头条和各栏目区块里都没有《示例县人民政府网站2025年政府网站工作年度报表》",
    fix="在门户发布标题含“2025年”和“政府网站工作年度报表”的信息，放在首页能列出的位置：建议门户设一个“年度报表”栏目"
        "（首页区块列出该栏目最新 6 条），或设为首页头条（只保留最新 5 条），或在首页列出的某条信息中链接它。",
    requirement="R7.2, R8.4",
)

NOT_INSPECTED = define(
    "J030", "inspect-unit-not-inspected", Severity.ERROR, "单位或栏目的配置有错误，其内容没有参加自查。",
    why="unit.yaml 写错、单位目录缺少 unit.yaml 或栏目目录未登记时，站群读不到这些内容，自查也就看不到它们："
        "这样的单位网站若已多日未更新，自查不会报告，检查时却照样扣分或否决。看不到的内容不能算合格。",
    example="content/qingshan/unit.yaml 第 2 行用 Tab 缩进（Y002），青山镇的网站没有参加自查",
    fix="运行 zhanqun check，按提示改正 unit.yaml（或请电子政务办补上 unit.yaml、登记栏目），再运行 zhanqun inspect。",
    requirement="R7.1, R7.3",
)

LEVELS = {NOT_INSPECTED: Level.VETO, PLACEHOLDER: Level.VETO, FUTURE_DATE: Level.VETO, BROKEN_LINKS: Level.DEDUCT, EXPIRED_UNMARKED: Level.DEDUCT,
          NO_INTERPRETATION: Level.DEDUCT, GUIDE_ELEMENTS: Level.DEDUCT, ANNUAL_REPORT: Level.DEDUCT}
INTERPRETATION_GRACE = dt.timedelta(days=3)  # J012: an interpretation may follow its policy by this much
GUIDE_ELEMENTS_KEYS = ("basis", "conditions", "materials", "location", "agency", "fee", "hours", "phone", "process")
_INVALID_STATUS = ("失效", "废止")


def problems(ctx: Context) -> list[Problem]:
    data = ruledata.load(ctx.cluster.root)
    found: list[Problem] = []
    for rule in (not_inspected, placeholders, future_dates, broken_links, expired_unmarked):
        found += rule(ctx)
    found += interpretations(ctx, data["inspect"])
    found += guides(ctx, data["placeholder"])
    found += annual_report(ctx, data["inspect"])
    return found


# -- helpers ------------------------------------------------------------------------------------------------------

def visible(item: Item, at: dt.datetime) -> bool:
    """Out at ``at``: no embargo, or its publish_at has passed (to the minute, as the build decides)."""
    embargo = item.meta.get("publish_at")
    return not embargo or to_datetime(embargo) <= at


def _shown(ctx: Context) -> list[Item]:
    """Items a visitor can open at ``ctx.at`` (not withdrawn)."""
    from zhanqun.content import out_at

    return [i for i in ctx.cluster.items if out_at(i, ctx.at) and not i.meta.get("withdrawn")]


def where(ctx: Context, item: Item) -> str:
    unit = ctx.cluster.units[item.unit_id]
    return f"{unit.short_name}·{unit.columns[item.column_id].name}"


def _named(ctx: Context, item: Item) -> str:
    return f"{where(ctx, item)}《{item.title}》"


def _stamp(moment: dt.datetime | dt.date | None) -> str:
    if moment is None:
        return ""
    if not isinstance(moment, dt.datetime):
        moment = dt.datetime.combine(moment, dt.time())
    return moment.isoformat(timespec="seconds")


def first_shown(ctx: Context, item: Item) -> dt.datetime | None:
    """When the item first reached the public: its first commit on main (``ctx.published``), else its embargo's
    end, else its date (an item not committed yet); None when none is known."""
    if item.rel in ctx.published:
        return ctx.published[item.rel]
    embargo = item.meta.get("publish_at")
    return to_datetime(embargo) if embargo else _date(item)


def _date(item: Item) -> dt.datetime | None:
    value = item.meta.get("date")
    try:
        return to_datetime(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _problem(ctx: Context, code: str, item: Item, message: str, hint: str, line: int = 0, since: str = "",
             portal_too: bool = False) -> Iterator[Problem]:
    """One problem on the item's site; also on the portal when the portal lists it (pushed or a headline)."""
    host = ctx.cluster.host_of(item.unit_id)
    hosts = [host]
    listed_on_portal = item.meta.get("push_to_portal") or item.meta.get("homepage")
    if portal_too and listed_on_portal and host != ctx.cluster.portal_host:
        hosts.append(ctx.cluster.portal_host)
    for each in hosts:
        yield Problem(code, LEVELS[code], each, message, hint, item.unit_id, item.column_id, item.rel, line, since)


def _line(ctx: Context, item: Item, key: str) -> int:
    from zhanqun.checks.references import _at

    return _at(ctx.cluster, item, key)[0]


# -- J030: what cluster.load could not read is not inspected ---------------------------------------------------------

def not_inspected(ctx: Context) -> list[Problem]:
    """J030: one cluster-level problem per unit directory whose unit.yaml, or one of whose column directories,
    has an error: cluster.load leaves that unit or column out, so no other rule sees its content."""
    first: dict[str, Finding] = {}
    for finding in ctx.findings:
        if finding.severity is not Severity.ERROR:
            continue
        parts = finding.path.split("/")
        if len(parts) < 3 or parts[0] != "content" or not (parts[-1] == "unit.yaml" or finding.path.endswith("/")):
            continue
        unit = ctx.cluster.units.get(parts[1])
        left_out = unit is None or (len(parts) == 4 and parts[3] == "" and parts[2] not in unit.columns)
        if left_out:  # a unit.yaml error that still let the unit load is zhanqun check's alone
            first.setdefault(parts[1], finding)
    found = []
    for unit_id, finding in sorted(first.items()):
        unit = ctx.cluster.units.get(unit_id)
        name = unit.short_name if unit is not None else f"单位 {unit_id} "
        line = f" 第 {finding.line} 行" if finding.line else ""
        message = (f"content/{unit_id}/ 的配置有错误（{finding.path}{line}：{finding.code} {finding.message}），"
                   f"{name}的内容没有参加自查，不能算合格。")
        found.append(Problem(NOT_INSPECTED, LEVELS[NOT_INSPECTED], "", message,
                             "运行 zhanqun check，按提示改正后再自查。", unit_id, "", finding.path, finding.line))
    return found


# -- J006, J007, J010: from the items and the findings of cluster.load ----------------------------------------------

def placeholders(ctx: Context) -> list[Problem]:
    """J006: the findings of the placeholder gate, for items shown at ``ctx.at``."""
    by_path = _findings_by_path(ctx.findings, PLACEHOLDER)
    found: list[Problem] = []
    for item in _shown(ctx):
        if item.rel in by_path:
            first = by_path[item.rel][0]
            found += _problem(ctx, PLACEHOLDER, item, f"{_named(ctx, item)}：{first.message}",
                              first.hint or "写上实际内容后再发布。", first.line, _stamp(first_shown(ctx, item)), True)
    return found


def future_dates(ctx: Context) -> list[Problem]:
    """J007: an item out at ``ctx.at`` whose date is a later day (withdrawn items too: their page keeps the date)."""
    found: list[Problem] = []
    for item in ctx.cluster.items:
        if item.type == "reply" or not visible(item, ctx.at) or future_date(item.meta, ctx.at) is None:
            continue
        message = f"{_named(ctx, item)} 的发布日期 {item.meta['date']} 在检查当天（{ctx.at.date().isoformat()}）之后。"
        found += _problem(ctx, FUTURE_DATE, item, message,
                          "改正发布日期；要到那一天才发布的，用 publish_at 定时发布。", _line(ctx, item, "date"),
                          _stamp(first_shown(ctx, item)), True)
    return found


def broken_links(ctx: Context) -> list[Problem]:
    """J010: one problem per item with L003 findings (cluster.load resolves every internal link)."""
    by_path = _findings_by_path(ctx.findings, "L003")
    found: list[Problem] = []
    for item in _shown(ctx):
        links = by_path.get(item.rel)
        if not links:
            continue
        lines = "、".join(str(f.line) for f in links[:5]) + ("…" if len(links) > 5 else "")
        found += _problem(ctx, BROKEN_LINKS, item, f"{_named(ctx, item)} 有 {len(links)} 个站内链接打不开（第 {lines} 行）。",
                          "运行 zhanqun check，按 L003 的提示改正或删除这些链接。", links[0].line,
                          _stamp(first_shown(ctx, item)))
    return found


def _findings_by_path(findings: Iterable[Finding], code: str) -> dict[str, list[Finding]]:
    table: dict[str, list[Finding]] = defaultdict(list)
    for finding in findings:
        if finding.code == code:
            table[finding.path].append(finding)
    for same in table.values():
        same.sort(key=lambda f: (f.line, f.column))
    return table


# -- J011, J012: policies --------------------------------------------------------------------------------------------

def expired_unmarked(ctx: Context) -> list[Problem]:
    """J011: a policy whose 有效性 contradicts its 废止日期 on the day (see docs/architecture.md, Decisions)."""
    today = ctx.at.date()
    found: list[Problem] = []
    for item in _shown(ctx):
        if item.type != "policy":
            continue
        status = item.meta.get("status", "有效")
        expires = item.meta.get("expires")
        effective = item.meta.get("effective")
        end = to_datetime(expires).date() if expires else None
        if end is not None and end <= today and status == "有效":
            message = f"{_named(ctx, item)} 的废止日期 {expires} 已过，有效性仍写“有效”。"
            hint = "把 status 改为“失效”或“废止”；若文件仍然有效，改正或删除 expires。"
            since, key = _stamp(end), "expires"
        elif end is not None and end > today and status in _INVALID_STATUS:
            message = f"{_named(ctx, item)} 的有效性写“{status}”，但废止日期 {expires} 还没到。"
            hint = "核对文件：已经失效的，把 expires 改为实际失效的日期；尚未失效的，status 写“有效”。"
            since, key = _stamp(first_shown(ctx, item)), "status"
        elif end is not None and effective and end < to_datetime(effective).date():
            message = f"{_named(ctx, item)} 的废止日期 {expires} 早于生效日期 {effective}。"
            hint = "核对文件上的生效日期和废止日期后改正。"
            since, key = _stamp(first_shown(ctx, item)), "expires"
        else:
            continue
        found += _problem(ctx, EXPIRED_UNMARKED, item, message, hint, _line(ctx, item, key), since)
    return found


def interpretations(ctx: Context, data: dict[str, Any]) -> list[Problem]:
    """J012: an important (or normative) policy in force, shown for longer than the grace period, that no shown
    interpretation points at."""
    normative = re.compile(data.get("normative_doc_number") or r"(?!)")
    shown = _shown(ctx)
    explained = {i.meta.get("policy") for i in shown if i.type == "interpretation"}
    found: list[Problem] = []
    for item in shown:
        if item.type != "policy" or item.expired(ctx.at.date()) or item.meta.get("index_no") in explained:
            continue
        doc_number = normalise(str(item.meta.get("doc_number", ""))).text
        important = item.importance == "important"
        if not important and not normative.search(doc_number):
            continue
        shown_at = first_shown(ctx, item)
        due = (shown_at or ctx.at) + INTERPRETATION_GRACE
        if ctx.at < due:
            continue
        kind = "重要政策文件" if important else f"规范性文件（{doc_number}）"
        found += _problem(ctx, NO_INTERPRETATION, item, f"{_named(ctx, item)} 是{kind}，发布已超过 3 天，还没有政策解读。",
                          f"编写政策解读，头信息 policy: {item.meta.get('index_no', '（本文件的索引号）')}。",
                          _line(ctx, item, "importance" if important else "doc_number"), _stamp(due))
    return found


# -- J013: guides ------------------------------------------------------------------------------------------------------

_EDGE = re.compile(r"^[\s。．.，,；;：:]+|[\s。．，,；;：:]+$")


class GuideValues:
    """Which guide elements say nothing (rule data ``placeholder.yaml``: guide_blank, guide_accepted …)."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.blank = {_clean(str(v)) for v in data.get("guide_blank", [])}
        self.accepted = {k: {_clean(str(v)) for v in vs} for k, vs in (data.get("guide_accepted") or {}).items()}
        self.to_attachment = re.compile(data.get("guide_refers_to_attachment") or r"(?!)")

    def blank_keys(self, meta: dict[str, Any]) -> list[str]:
        has_files = bool(meta.get("attachments") or meta.get("forms"))
        missing = []
        for key in GUIDE_ELEMENTS_KEYS:
            value = _clean(str(meta.get(key) or ""))
            if value in self.accepted.get(key, ()):
                continue
            if not value or value in self.blank or (not has_files and self.to_attachment.fullmatch(value)):
                missing.append(key)
        return missing


def _clean(value: str) -> str:
    return _EDGE.sub("", normalise(value).text).lower()


def guides(ctx: Context, data: dict[str, Any]) -> list[Problem]:
    """J013: one problem per guide, naming its blank elements by their Chinese labels (from the schema)."""
    values = GuideValues(data)
    props = ctx.cluster.schemas.properties("guide")
    found: list[Problem] = []
    for item in _shown(ctx):
        if item.type != "guide":
            continue
        missing = values.blank_keys(item.meta)
        if not missing:
            continue
        labels = "、".join(props.get(k, {}).get("description", k) for k in missing)
        found += _problem(ctx, GUIDE_ELEMENTS, item, f"{_named(ctx, item)} 的要素没有写具体：{labels}。",
                          "把这些要素写具体（“见附件”须真有附件或表格下载；不收费写“不收费”）。",
                          _line(ctx, item, missing[0]), _stamp(first_shown(ctx, item)))
    return found


# -- J017: the annual report on the portal homepage ------------------------------------------------------------------

def annual_report(ctx: Context, data: dict[str, Any]) -> list[Problem]:
    """J017: from 1 February, the previous year's 政府网站工作年度报表 must be an item the portal homepage lists (a
    headline or in a block of the portal's own columns), or linked from one."""
    at = ctx.at
    if (at.month, at.day) < (2, 1):
        return []
    year = at.year - 1
    names = [str(n) for n in data.get("annual_report_names", [])]
    pattern = re.compile(rf"(?<!\d){year}(?!\d)")
    from zhanqun.stats import annual

    published = annual.title(ctx.cluster.config.name, year)  # what zhanqun annual-report --publish writes (R8.4)
    reports = [i for i in _shown(ctx) if i.title == published or _is_report(i.title, pattern, names)]
    listed = homepage_items(ctx)
    if any(r in listed for r in reports) or _linked(ctx, listed, reports):
        return []
    cluster = ctx.cluster
    portal = cluster.config.portal
    if reports:
        message = (f"{year} 年政府网站工作年度报表已发布（{_named(ctx, reports[0])}），但门户首页上列不出它，"
                   "也没有首页信息链接它。")
    else:
        message = f"门户首页找不到 {year} 年政府网站工作年度报表（应在 {at.year}-01-31 前公开）。"
    hint = ("放在首页能列出的位置：门户设“年度报表”之类的栏目（首页区块列出最新 6 条），或设为首页头条（homepage: true，"
            "只保留最新 5 条），或在首页列出的信息中链接它。")
    return [Problem(ANNUAL_REPORT, LEVELS[ANNUAL_REPORT], cluster.portal_host, message, hint, portal,
                    reports[0].column_id if reports else "", reports[0].rel if reports else "", 0,
                    _stamp(dt.date(at.year, 2, 1)))]


def _is_report(title: str, year: re.Pattern[str], names: list[str]) -> bool:
    text = normalise(title).text.replace(" ", "")
    return bool(year.search(text)) and any(n in text for n in names)


def homepage_items(ctx: Context) -> list[Item]:
    """What the portal homepage lists at ``ctx.at``: its headlines and the blocks of the portal's own columns, as
    :class:`zhanqun.build.view.SiteView` computes them (but with ``ctx.at`` as now)."""
    from zhanqun.build.view import HOME_BLOCK_SIZE, SiteView

    class AtView(SiteView):
        @cached_property
        def _listed(self) -> list[Item]:
            return sorted(_shown(ctx), key=lambda i: (_date(i) or dt.datetime.min, i.rel), reverse=True)

    cluster = ctx.cluster
    site = next(s for s in cluster.sites() if s.is_portal)
    view = AtView(cluster, site)
    listed = list(view.headlines)
    for ref in view.unit_columns(view.owner.id):
        listed += view.column_items(ref)[:HOME_BLOCK_SIZE]
    return listed


def _linked(ctx: Context, listed: list[Item], reports: list[Item]) -> bool:
    cluster = ctx.cluster
    targets = {(cluster.host_of(r.unit_id), "/" + cluster.path_of(r)) for r in reports}
    if not targets:
        return False
    for item in listed:
        for _, _, url in item.links:
            try:
                parts = urlsplit(urljoin(cluster.url_of(item), html.unescape(url.strip())))
            except ValueError:
                continue
            if ((parts.hostname or "").lower(), unquote(parts.path)) in targets:
                return True
    return False
