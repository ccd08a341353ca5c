"""Replies to public messages as an inspector counts them (R9; 001 §12, 003 §13, 19号 互动回应).

A message is a ``reply`` item: received on ``received``, answered on ``answered`` (absent: pending). Its
deadline is ``config.deadline(category, needs_verification)`` working days, counted from the first working day
after the day of receipt (:mod:`zhanqun.workdays`). On the day inspected (``ctx.at``) a message is

- answered on time, or late (J014, deduct);
- pending within its deadline, or overdue (J015, deduct), or unanswered for more than ``reply_max_days``
  calendar days (J016, 长期不回应: veto; it replaces J015);
- unknown where the holiday schedule of a year it needs is missing (J018, one warning naming the years).

:func:`judge` and :func:`stats` are pure and shared by the inspection and the public replies page
(:mod:`zhanqun.build.view`), so the page and the scorecard never disagree.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from zhanqun.findings import Severity, define
from zhanqun.inspect.model import Context, Level, Problem, SiteReport, Where
from zhanqun.workdays import CALENDAR_REL, Calendar, CalendarGap

if TYPE_CHECKING:
    from zhanqun.cluster import Cluster, Site
    from zhanqun.config import InspectConfig
    from zhanqun.content import Item

LATE = define(
    "J014", "reply-late", Severity.WARNING, "留言答复超过了答复时限。",
    why="网民留言应在时限内答复（001 §12：收到之日起 4 个工作日；003 §13：找错 3 个、咨询建议 7 个、需查证 15 个工作日），"
        "超期答复在检查中扣分（国办秘函〔2019〕19号 互动回应）。",
    example="category: 咨询（时限 7 个工作日）\nreceived: 2026-09-25\nanswered: 2026-10-16      # 国庆假期后第 8 个工作日",
    fix="已答复的不能改日期补救（那是伪造记录）；落实每日登录留言系统、按时限办理（001 §19(五)），需查证的写 needs_verification: true。",
    requirement="R9",
)
LATE_LEVEL = Level.DEDUCT
OVERDUE = define(
    "J015", "reply-overdue", Severity.WARNING, "留言已过答复时限，仍未答复。",
    why="超过时限未答复的留言在检查中扣分（19号 互动回应）；再拖到 3 个月即“长期不回应”，单项否决。",
    example="category: 建议\nreceived: 2026-11-02\n（没有 answered，已过第 7 个工作日）",
    fix="尽快办理并答复：写上 answered: 答复日期，正文写答复内容，按审核流程发布。",
    requirement="R9",
)
OVERDUE_LEVEL = Level.DEDUCT
ABANDONED = define(
    "J016", "reply-unanswered-long", Severity.ERROR, "留言超过 3 个月未答复（长期不回应）。",
    why="国办秘函〔2019〕19号 单项否决指标：互动交流栏目对网民留言长期不回应（超过 3 个月）的，网站直接判为不合格。",
    example="received: 2026-07-01\n（没有 answered，到 2026-10-01 已超过 90 天）",
    fix="立即办理并答复；答复时限见 cluster.yaml inspect.reply_max_days（默认 90 天，不能超过 3 个月）。",
    requirement="R9",
)
ABANDONED_LEVEL = Level.VETO
CALENDAR_GAP = define(
    "J018", "calendar-gap", Severity.WARNING, "某年的节假日安排未知，留言答复时限无法按工作日计算。",
    why="答复时限按工作日计算，要用国务院办公厅每年发布的节假日安排（含调休上班的周末）；没有这一年的安排时，"
        "zhanqun 不作推测，这些留言是否超期无法判断。",
    example="received: 2027-01-04（chinese-calendar 只到 2026 年，content/calendar.yaml 也没有 2027 年）",
    fix="在 content/calendar.yaml 中按当年的通知写入放假日期和调休上班日期（docs/content-format.md），或升级 chinese-calendar。",
    requirement="R9",
)
CALENDAR_GAP_LEVEL = Level.WARN
RECEIVED_LATER = define(
    "J043", "reply-received-moved-later", Severity.ERROR,
    "留言的收到日期晚于它第一次记入仓库的日期：收到日期被改晚，答复期限被人为放宽（单项否决）。",
    why="收到日期是计算答复时限的起点（R9）。一条留言在仓库里出现的那天就已经收到了；收到日期写得更晚，"
        "只能是事后改动，迟复的留言就被算成按时答复——这和伪造发稿日期一样，是伪造办理记录。",
    example="2026-11-02 提交的待答复留言，2026-11-25 答复时把 received 从 2026-11-02 改成 2026-11-18",
    fix="把 received 改回留言系统中的实际收到日期；答复晚了就如实记录（J014 扣分，比伪造记录轻）。",
    requirement="R9, R7.2",
)
RECEIVED_LATER_LEVEL = Level.VETO

STATUSES = ("on_time", "late", "pending", "overdue", "abandoned", "unknown")


@dataclasses.dataclass(frozen=True)
class Outcome:
    """One message on the day inspected."""

    item: Item
    received: dt.date
    answered: dt.date | None  # None: not answered on the day
    limit: int  # working days allowed
    status: str  # one of STATUSES
    workdays: int | None = None  # working days an answer took; None if unknown (or pending)
    deadline: dt.date | None = None  # the last day to answer; None if unknown
    gap: int | None = None  # the year whose schedule was missing, if any


def received_on(item: Item) -> dt.date | None:
    return _day(item.meta.get("received"))


def judge(item: Item, calendar: Calendar, today: dt.date, config: InspectConfig) -> Outcome | None:
    """How one reply item stands on ``today`` (None: not received yet on that day, or no usable date).

    ``gap`` is set only where the missing year leaves something unknown: whether it is late or overdue, the
    working days an answer took, or the deadline of a message still pending."""
    received = received_on(item)
    if received is None or received > today:
        return None
    answered = _day(item.meta.get("answered"))
    if answered is not None and answered > today:
        answered = None  # as the inspector sees the day: not answered yet
    limit = config.deadline(item.meta.get("category", "其他"), bool(item.meta.get("needs_verification")))
    deadline, deadline_gap = _deadline(calendar, received, limit)
    if answered is not None:
        taken, over, gap = _count(calendar, received, answered, limit)
        if deadline is not None:  # late is a matter of dates: an answer on the Sunday after the deadline is late
            status = "late" if answered > deadline else "on_time"
        else:  # the deadline falls in a missing year: known only if the answer came before it, or the limit passed
            status = "late" if over else ("unknown" if taken is None else "on_time")
        return Outcome(item, received, answered, limit, status, taken, deadline, gap)
    if (today - received).days > config.reply_max_days:  # calendar days: no schedule needed
        return Outcome(item, received, None, limit, "abandoned", None, deadline, None)
    if deadline is not None:
        status = "overdue" if today > deadline else "pending"
        return Outcome(item, received, None, limit, status, None, deadline, None)
    elapsed, over, gap = _count(calendar, received, today, limit)
    status = "overdue" if over else ("unknown" if elapsed is None else "pending")
    return Outcome(item, received, None, limit, status, elapsed, None, gap or (None if over else deadline_gap))


def _deadline(calendar: Calendar, received: dt.date, limit: int) -> tuple[dt.date | None, int | None]:
    try:
        return calendar.add(received, limit), None
    except CalendarGap as gap:
        return None, gap.year


def _count(calendar: Calendar, start: dt.date, end: dt.date, limit: int | None) -> tuple[int | None, bool, int | None]:
    """(working days in (start, end], over ``limit``?, missing year). Walks day by day and stops at a missing
    year: whether the limit was passed is known if it was passed before the gap; the count is then None."""
    count = 0
    day = start + dt.timedelta(days=1)
    while day <= end:
        try:
            if calendar.is_workday(day):
                count += 1
        except CalendarGap as gap:
            return None, limit is not None and count > limit, gap.year
        day += dt.timedelta(days=1)
    return count, limit is not None and count > limit, None


def stats(outcomes: Iterable[Outcome]) -> dict[str, Any]:
    """The counts the scorecard and the public replies page show (001 §19(五)).

    ``received`` messages received by the day; ``answered`` of them answered (``on_time`` + ``late`` + answered
    ones whose working days are unknown); ``pending`` not answered, of which ``overdue`` are past their deadline
    (J015 or J016); ``average_workdays`` the mean working days of the answered ones whose count is known
    (``averaged`` of them; None when none); ``gap_years`` the years whose holiday schedule was missing."""
    outcomes = list(outcomes)
    answered = [o for o in outcomes if o.answered is not None]
    known = [o.workdays for o in answered if o.workdays is not None]
    return {
        "received": len(outcomes),
        "answered": len(answered),
        "on_time": sum(1 for o in answered if o.status == "on_time"),
        "late": sum(1 for o in answered if o.status == "late"),
        "pending": len(outcomes) - len(answered),
        "overdue": sum(1 for o in outcomes if o.status in ("overdue", "abandoned")),
        "average_workdays": round(sum(known) / len(known), 1) if known else None,
        "averaged": len(known),
        "gap_years": sorted({o.gap for o in outcomes if o.gap is not None}),
    }


def site_items(cluster: Cluster, site: Site) -> list[Item]:
    """The reply items a site answers for: those in its units' reply columns, and (on the portal) those pushed
    to one of its reply columns. Withdrawn ones count: withdrawing a record does not answer a message."""
    units = set(site.unit_ids)
    portal = cluster.config.portal
    portal_reply_columns = {c.id for c in cluster.units[portal].columns.values() if c.type == "reply"}
    chosen = []
    for item in cluster.items:
        if item.type != "reply":
            continue
        if item.unit_id in units or (site.is_portal and portal_reply_columns & set(item.meta.get("push_to_portal", []))):
            chosen.append(item)
    return chosen


def outcomes_for(cluster: Cluster, site: Site, calendar: Calendar | Callable[[], Calendar], today: dt.date) -> list[Outcome]:
    """``calendar``: a :class:`Calendar`, or a function returning one (called only if the site has replies)."""
    items = site_items(cluster, site)
    if not items:
        return []
    calendar = calendar() if callable(calendar) else calendar
    config = cluster.config.inspect
    return [o for o in (judge(i, calendar, today, config) for i in items) if o is not None]


# -- the inspection -----------------------------------------------------------------------------------------
def calendar_of(ctx: Context) -> Calendar:
    """``ctx.calendar``, loaded from the cluster (library + content/calendar.yaml) the first time it is needed."""
    if ctx.calendar is None:
        ctx.calendar = Calendar.load(ctx.cluster.root)
    return ctx.calendar


def site_stats(ctx: Context, site: Site | SiteReport | str) -> dict[str, Any]:
    """:func:`stats` for one site: a :class:`zhanqun.cluster.Site`, a :class:`SiteReport` or a host name."""
    if isinstance(site, (SiteReport, str)):
        site = ctx.cluster.site(site if isinstance(site, str) else site.host)
    return stats(outcomes_for(ctx.cluster, site, lambda: calendar_of(ctx), ctx.at.date()))


def problems(ctx: Context) -> list[Problem]:
    cluster = ctx.cluster
    items = [i for i in cluster.items if i.type == "reply"]
    if not items:
        return []
    calendar = calendar_of(ctx)
    today = ctx.at.date()
    found: list[Problem] = []
    gaps: dict[int, list[str]] = {}
    for item in items:
        outcome = judge(item, calendar, today, cluster.config.inspect)
        if outcome is None:
            continue
        if outcome.gap is not None:
            gaps.setdefault(outcome.gap, []).append(_where(cluster, item))
        problem = _problem(cluster, outcome, today)
        if problem is not None:
            found += [dataclasses.replace(problem, host=host) for host in _hosts(cluster, item)]
    if gaps:
        found.append(_gap_problem(gaps))
    found += received_moved_later(ctx, items)
    return found


def received_moved_later(ctx: Context, items: list[Item]) -> list[Problem]:
    """J043: a message whose ``received`` is a later day than the commit that first brought its file to main."""
    found: list[Problem] = []
    for item in items:
        received, first = received_on(item), ctx.published.get(item.rel)
        if received is None or first is None or received <= first.date():
            continue
        message = (f"{_where(ctx.cluster, item)}：留言“{_short(item.title)}”{first.date().isoformat()} 已记入仓库，"
                   f"收到日期却写 {received.isoformat()}：收到日期被改晚，答复时限从更晚的一天算起。")
        problem = Problem(RECEIVED_LATER, RECEIVED_LATER_LEVEL, "", message,
                          f"把 received 改回实际收到的日期（不晚于 {first.date().isoformat()}）。", item.unit_id,
                          item.column_id, item.rel, _line(ctx, item, "received"), first.date().isoformat())
        found += [dataclasses.replace(problem, host=host) for host in _hosts(ctx.cluster, item)]
    return found


def _line(ctx: Context, item: Item, key: str) -> int:
    from zhanqun.checks.references import _at

    return _at(ctx.cluster, item, key)[0]


def _problem(cluster: Cluster, o: Outcome, today: dt.date) -> Problem | None:
    item = o.item
    where = _where(cluster, item)
    title = _short(item.title)
    category = item.meta.get("category", "其他") + ("，需查证" if item.meta.get("needs_verification") else "")
    limit = f"时限 {o.limit} 个工作日（{category}）"
    common: Where = {"unit": item.unit_id, "column": item.column_id, "path": item.rel, "line": 0}
    if o.status == "late" and o.answered is not None:  # a late message is an answered one
        taken = f"用时 {o.workdays} 个工作日" if o.workdays is not None else "用时超过时限"
        due = f"，期限 {o.deadline.isoformat()}" if o.deadline else ""
        return Problem(LATE, LATE_LEVEL, "", f"{where}：留言“{title}”{o.received.isoformat()} 收到，"
                       f"{o.answered.isoformat()} 才答复，{taken}，超过{limit}{due}。",
                       "答复日期是办理记录，不能改动；今后每日查看留言、按时限答复（001 §19(五)）。",
                       since=o.answered.isoformat(), **common)
    if o.status == "abandoned":
        days = (today - o.received).days
        gave_up = o.received + dt.timedelta(days=cluster.config.inspect.reply_max_days + 1)
        return Problem(ABANDONED, ABANDONED_LEVEL, "", f"{where}：留言“{title}”{o.received.isoformat()} 收到，"
                       f"已 {days} 天未答复，超过 {cluster.config.inspect.reply_max_days} 天即长期不回应（单项否决）。",
                       "立即办理并答复：在条目中写 answered: 答复日期，正文写答复内容，按审核流程发布。",
                       since=gave_up.isoformat(), **common)
    if o.status == "overdue":
        due = f"答复期限 {o.deadline.isoformat()}" if o.deadline else "答复期限已过"
        since = (o.deadline + dt.timedelta(days=1)).isoformat() if o.deadline else ""
        return Problem(OVERDUE, OVERDUE_LEVEL, "", f"{where}：留言“{title}”{o.received.isoformat()} 收到，"
                       f"{due}（{limit}），至今未答复。",
                       "尽快答复：写上 answered: 答复日期，正文写答复内容；拖到 "
                       f"{cluster.config.inspect.reply_max_days} 天即单项否决。", since=since, **common)
    return None


def _gap_problem(gaps: dict[int, list[str]]) -> Problem:
    years = sorted(gaps)
    shown = "、".join(str(y) for y in years)
    count = sum(len(v) for v in gaps.values())
    places = sorted({w for v in gaps.values() for w in v})
    hint = CalendarGap(years[0]).hint if len(years) == 1 else (
        f"在 {CALENDAR_REL} 中为每一年按国务院办公厅的节假日安排通知写入放假日期（holidays）和调休上班日期（workdays），"
        "或升级 chinese-calendar（docs/content-format.md）。")
    return Problem(CALENDAR_GAP, CALENDAR_GAP_LEVEL, "",
                   f"{shown} 年的节假日安排未知：{count} 条留言的答复用时无法按工作日计算，不作推测"
                   f"（{'、'.join(places[:5])}{' 等' if len(places) > 5 else ''}）。", hint, path=CALENDAR_REL)


def _hosts(cluster: Cluster, item: Item) -> list[str]:
    hosts = [cluster.host_of(item.unit_id)]
    portal = cluster.config.portal
    if item.unit_id != portal and cluster.portal_host not in hosts:
        reply_columns = {c.id for c in cluster.units[portal].columns.values() if c.type == "reply"}
        if reply_columns & set(item.meta.get("push_to_portal", [])):
            hosts.append(cluster.portal_host)
    return hosts


def _where(cluster: Cluster, item: Item) -> str:
    unit = cluster.units[item.unit_id]
    column = unit.columns.get(item.column_id)
    return f"{unit.short_name}·{column.name if column else item.column_id}"


def _short(title: str, limit: int = 30) -> str:
    return title if len(title) <= limit else title[: limit - 1] + "…"


def _day(value: object) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None
