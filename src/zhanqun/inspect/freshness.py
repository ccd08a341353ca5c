"""Is each site kept up to date, and are its dates honest? (R7.1, 国办秘函〔2019〕19号 单项否决)

Pure functions of the :class:`~zhanqun.inspect.model.Context`: the cluster as it stood at ``ctx.at``, and when
each item first reached main (``ctx.published``). What a site lists is what :class:`zhanqun.build.view.SiteView`
lists (published, not withdrawn, pushed items in the portal's column), so the inspection sees the pages the
public sees. Dates are the dates shown: a back-dated item still counts with its displayed date (J008 reports it).
"""

from __future__ import annotations

import calendar as calendar_mod
import dataclasses
import datetime as dt
import re
from typing import TYPE_CHECKING, Any

from zhanqun import content
from zhanqun.findings import Severity, define
from zhanqun.inspect.model import ColumnState, Context, Level, Problem, Where

if TYPE_CHECKING:
    from zhanqun.content import Item

HOMEPAGE_STALE = define(
    "J001", "homepage-not-updated", Severity.ERROR, "网站首页超过 2 周未更新（单项否决）。",
    why="国办秘函〔2019〕19号：首页栏目信息超过 2 周未更新，网站单项否决，直接判为不合格并被通报。首页显示的最新一条"
        "信息（头条、重要信息和首页各栏目区块）就是检查人员看到的更新日期。",
    example="清水镇网站首页最新的信息是 2026-11-01 发布的，2026-11-21 检查时已 20 天未更新",
    fix="尽快发布新的工作动态或通知公告（首页区块显示的栏目）；平时留意自查的预警（J019），在到期前更新。",
    requirement="R7.1",
)
HOMEPAGE_STALE_LEVEL = Level.VETO

COLUMN_STALE = define(
    "J002", "column-not-updated", Severity.WARNING, "栏目超过更新期限未更新（扣分）。",
    why="19号文按栏目类型规定更新期限：动态类 2 周，通知公告、政策文件 6 个月，其他 1 年；栏目在 unit.yaml 中写了更新周期"
        "（cycle）的按周期。超期未更新的栏目扣分，同一网站 5 个以上即单项否决（J021）。",
    example="城关镇·工作动态（每周更新）最新一条是 2026-11-05，2026-11-21 检查时已 16 天",
    fix="在该栏目发布新的信息；栏目确实没有新内容可发的，请电子政务办调整它的更新周期或与其他栏目合并。",
    requirement="R7.1",
)
COLUMN_STALE_LEVEL = Level.DEDUCT

COLUMN_EMPTY = define(
    "J003", "column-empty", Severity.WARNING, "空白栏目：栏目里没有任何已发布的信息。",
    why="空白栏目（页面显示“本栏目暂无信息”）不允许存在（003 §8）；同一网站 5 个以上空白栏目即单项否决（J022）。",
    example="清水镇·通知公告 没有任何已发布的信息",
    fix="在栏目中发布信息；暂时没有内容的栏目请电子政务办从 unit.yaml 中撤下。",
    requirement="R7.1",
)
COLUMN_EMPTY_LEVEL = Level.WARN

SUBSITE_NEWS = define(
    "J004", "subsite-news-3-workdays", Severity.WARNING, "子站工作动态超过 3 个工作日未更新（预警）。",
    why="000 §10 要求部门、乡镇网站的工作动态每 3 个工作日至少更新一条。没有达到这个频率还不到扣分期限，但说明栏目更新偏慢。",
    example="清水镇·工作动态 最新一条是 2026-11-16（周一），2026-11-19（周四）检查时已 3 个工作日",
    fix="按每 3 个工作日一条的频率发布工作动态。",
    requirement="R7.1",
)
SUBSITE_NEWS_LEVEL = Level.WARN

NO_DATE = define(
    "J005", "item-without-date", Severity.WARNING, "信息没有可用的发布日期，不算更新（扣分）。",
    why="发布日期缺失或写错的信息无法发布，检查时也不能算作栏目的更新；检查人员把它当作该栏目未更新。",
    example="date: 2026年11月5日（应写成 2026-11-05），或头信息中没有 date",
    fix="按原始文件写上正确的发布日期，格式 2026-11-05。",
    requirement="R7.1",
)
NO_DATE_LEVEL = Level.DEDUCT

BACKDATED = define(
    "J008", "backdated", Severity.ERROR, "发布日期远早于信息实际发布的时间：伪造发稿日期（倒签，单项否决）。",
    why="发布日期要如实反映信息在网站上发布的时间。把新发的信息写成几周前的日期（比如为了补齐栏目的更新记录）就是伪造发稿日期，"
        "检查发现即单项否决。信息首次合入 main 的时间（定时发布的取发布时间）就是它实际发布的时间，git 记录无法事后更改。"
        "从原网站迁移来的旧信息如实保留原日期，用 migrated_from 标明（页面显示“本文迁移自原网站”）；建站时第一个提交导入的内容也不算倒签。",
    example="2026-11-20 合入的工作动态写着 date: 2026-10-08",
    fix="把发布日期改为实际发布的日期；确是从原网站迁移的旧信息，在头信息中加 migrated_from: 原网址（见编辑手册“迁移旧网站的信息”）。",
    requirement="R7.1",
)
BACKDATED_LEVEL = Level.VETO

REDATED = define(
    "J009", "date-moved-later", Severity.ERROR, "发布日期被改晚，让旧信息看起来是新发的（伪造发稿日期，单项否决）。",
    why="把早已发布的信息的日期改成最近的日期，栏目看起来更新了，其实没有新内容，这也是伪造发稿日期。发布日期比信息首次发布"
        "（合入 main）晚好几天，或者发布后又被改成更晚的一天，都说明日期不是实际发布的日期。",
    example="2026-09-01 发布的信息，2026-11-20 把 date 从 2026-09-01 改成了 2026-11-20",
    fix="恢复原来的发布日期；确有新的内容，应作为一条新的信息发布。",
    requirement="R7.1",
)
REDATED_LEVEL = Level.VETO

EARLY_WARNING = define(
    "J019", "early-warning", Severity.WARNING, "预警：栏目或首页再过几天就超过更新期限。",
    why="超期未更新要扣分，首页超过 2 周未更新、5 个以上栏目超期都是单项否决。自查提前 inspect.warn_days 天（默认 3 天）提醒，"
        "让电子政务办和栏目编辑在到期前更新。每日定时自查用 --fail-within 在预警期内失败，通知管理员。",
    example="清水镇·工作动态 3 天后将超过 2 周未更新",
    fix="在提示的日期之前在该栏目（或首页区块显示的栏目）发布新的信息。",
    requirement="R7.1",
)
EARLY_WARNING_LEVEL = Level.WARN

MANY_STALE = define(
    "J021", "many-stale-columns", Severity.ERROR, "同一网站 5 个以上栏目超期未更新（单项否决）。",
    why="19号文：栏目超期未更新累计 5 个以上，网站单项否决。",
    example="乡镇网站的工作动态、通知公告、政策文件等 5 个栏目都已超过更新期限",
    fix="逐个更新超期的栏目（见该网站的 J002），先更新最容易补上新信息的栏目，使超期栏目少于 5 个。",
    requirement="R7.1",
)
MANY_STALE_LEVEL = Level.VETO

MANY_EMPTY = define(
    "J022", "many-empty-columns", Severity.ERROR, "同一网站 5 个以上空白栏目（单项否决）。",
    why="19号文：空白栏目 5 个以上，网站单项否决。",
    example="一个新开通的部门网站有 6 个栏目还没有任何信息",
    fix="在空白栏目发布信息，或请电子政务办撤下暂时用不上的栏目（见该网站的 J003）。",
    requirement="R7.1",
)
MANY_EMPTY_LEVEL = Level.VETO

NO_CALENDAR = define(
    "J023", "workday-limit-unknown", Severity.WARNING, "节假日安排缺少某一年，按工作日计的更新期限无法判断。",
    why="“每 3 个工作日”这样的期限要按国务院公布的节假日和调休安排计算；日历中没有的年份，自查不猜测，"
        "这些栏目的期限这次没有判断。",
    example="检查 2027 年的栏目，但日历库和 content/calendar.yaml 都还没有 2027 年的安排",
    fix="升级 zhanqun（更新 chinese-calendar），或按国务院办公厅的通知在 content/calendar.yaml 中补上这一年的安排。",
    requirement="R7.1",
)
NO_CALENDAR_LEVEL = Level.WARN

MANY = 5  # 19号: 5 or more stale or empty columns on one site fail it
HOMEPAGE_DAYS = 14
SUBSITE_NEWS_WORKDAYS = 3


# -- limits ---------------------------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class Limit:
    """How long a column may go without a new item: ``n`` days, months or working days."""

    unit: str  # "days", "months", "workdays"
    n: int

    @property
    def label(self) -> str:
        if self.unit == "workdays":
            return f"{self.n} 个工作日"
        if self.unit == "months":
            return {12: "1 年", 6: "半年"}.get(self.n, f"{self.n} 个月")
        return {7: "1 周", 14: "2 周"}.get(self.n, f"{self.n} 天")

    @property
    def nominal_days(self) -> int:
        return {"days": self.n, "months": round(self.n * 30.44), "workdays": self.n}[self.unit]

    def due(self, last: dt.date, calendar: Any) -> dt.date | None:
        """The day the column becomes stale if nothing newer than ``last`` is published (None: the calendar
        does not cover the year)."""
        if self.unit == "days":
            return last + dt.timedelta(days=self.n)
        if self.unit == "months":
            return add_months(last, self.n)
        return add_workdays(calendar, last, self.n)


_CYCLES = {"daily": Limit("days", 1), "3_workdays": Limit("workdays", 3), "weekly": Limit("days", 7),
           "2_weeks": Limit("days", 14), "monthly": Limit("months", 1), "quarterly": Limit("months", 3),
           "half_year": Limit("months", 6), "yearly": Limit("months", 12)}
# cycle as_needed: by column type (003 §9: dynamic 2 weeks, policy 6 months, other 1 year)
_BY_TYPE = {"工作动态": Limit("days", 14), "通知公告": Limit("months", 6), "政策文件": Limit("months", 6),
            "政策解读": Limit("months", 6), "专题专栏": None}
_OTHER = Limit("months", 12)
REPLY_COLUMN = "互动交流"  # judged by its replies (R9), not by age


def limit_of(column: Any) -> Limit | None:
    """The update limit of a column (R7.1); None when no update cycle applies."""
    if column.column_type == REPLY_COLUMN or column.type == "reply":
        return None
    if column.cycle != "as_needed":
        return _CYCLES[column.cycle]
    return _BY_TYPE.get(column.column_type, _OTHER)


def add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar_mod.monthrange(year, month)[1]))


class Weekdays:
    """Monday to Friday: the stand-in when no holiday calendar is given (tests, or before zhanqun.workdays)."""

    def covers(self, year: int) -> bool:
        return True

    def is_workday(self, day: dt.date) -> bool:
        return day.weekday() < 5

    def add(self, day: dt.date, n: int) -> dt.date:
        while n > 0:
            day += dt.timedelta(days=1)
            n -= self.is_workday(day)
        return day


def uncovered_year(calendar: Any, day: dt.date, n: int) -> int | None:
    """The year the calendar lacks that counting n working days after ``day`` runs into (None if none)."""
    from zhanqun.workdays import CalendarGap

    try:
        (calendar or Weekdays()).add(day, n)
    except CalendarGap as gap:
        return gap.year
    return None


def add_workdays(calendar: Any, day: dt.date, n: int) -> dt.date | None:
    """The n-th working day after ``day``; None if the count runs into a year the calendar does not cover
    (counted day by day: a December date whose count ends before New Year is judged)."""
    from zhanqun.workdays import CalendarGap

    try:
        return (calendar or Weekdays()).add(day, n)
    except CalendarGap:
        return None


# -- what each site shows -------------------------------------------------------------------------------
@dataclasses.dataclass
class SiteSurvey:
    host: str
    name: str  # the site's name as the public sees it
    columns: list[ColumnState]
    limits: dict[tuple[str, str], Limit | None]
    homepage_last: Any  # content.Item | None: the newest item the homepage shows
    uncovered: set[int]  # years the calendar lacked


def survey(ctx: Context) -> dict[str, SiteSurvey]:
    """Every site's columns and homepage as they stood at ``ctx.at`` (computed once per context)."""
    cached: dict[str, SiteSurvey] | None = getattr(ctx, "_zq_survey", None)
    if cached is not None:
        return cached
    from zhanqun.build.view import SiteView

    cluster, today = ctx.cluster, ctx.at.date()
    result: dict[str, SiteSurvey] = {}
    shared: dict[str, Any] = {}
    for site in cluster.sites():
        view = SiteView(cluster, site)
        if shared:  # every site lists from the same sorted items: sort them once
            view.__dict__.update(shared)
        else:
            shared = {"_listed": view._listed, "_by_column": view._by_column}
        states: list[ColumnState] = []
        limits: dict[tuple[str, str], Limit | None] = {}
        uncovered: set[int] = set()
        for ref in view.columns:
            items = view.column_items(ref)
            limit = limit_of(ref.column)
            limits[ref.key] = limit
            states.append(_state(ctx, site.host, ref, items, limit, today, uncovered))
        shown = list(view.headlines) + [view.column_items(ref)[0] for ref in view.unit_columns(view.owner.id)
                                         if view.column_items(ref)]
        newest = max(shown, key=lambda i: i.date, default=None)
        result[site.host] = SiteSurvey(site.host, view.site_name, states, limits, newest, uncovered)
    ctx._zq_survey = result  # type: ignore[attr-defined]
    return result


def _state(ctx: Context, host: str, ref: Any, items: list[Item], limit: Limit | None, today: dt.date,
           uncovered: set[int]) -> ColumnState:
    name = column_name(ctx, ref.unit.id, ref.column.id)
    if not items:
        return ColumnState(host, ref.unit.id, ref.column.id, name, ref.column.column_type,
                           limit.nominal_days if limit else None, 0, None, None, False, True, None)
    last = items[0].date.date()
    due = limit.due(last, ctx.calendar) if limit else None
    if limit is not None and due is None:
        year = uncovered_year(ctx.calendar, last, limit.n)
        if year is not None:
            uncovered.add(year)
    return ColumnState(host, ref.unit.id, ref.column.id, name, ref.column.column_type,
                       (due - last).days if due else (limit.nominal_days if limit else None), len(items),
                       last.isoformat(), (today - last).days, bool(due and today >= due), False,
                       due.isoformat() if due else None)


def column_name(ctx: Context, unit_id: str, column_id: str) -> str:
    unit = ctx.cluster.units[unit_id]
    return f"{unit.short_name}·{unit.columns[column_id].name}"


def columns(ctx: Context, host: str) -> list[ColumnState]:
    return survey(ctx)[host].columns


def homepage_last_update(ctx: Context, host: str) -> str | None:
    newest = survey(ctx)[host].homepage_last
    return newest.date.date().isoformat() if newest is not None else None


# -- the rules ------------------------------------------------------------------------------------------
def problems(ctx: Context) -> list[Problem]:
    found: list[Problem] = []
    uncovered: set[int] = set()
    for site in survey(ctx).values():
        found += _homepage(ctx, site)
        found += _columns(ctx, site)
        uncovered |= site.uncovered
    found += [Problem(NO_CALENDAR, NO_CALENDAR_LEVEL, "", f"日历中没有 {year} 年的节假日安排，按工作日计的栏目更新期限"
                      f"（每 3 个工作日）这次没有判断。",
                      hint=f"升级 zhanqun（更新 chinese-calendar），或按国务院办公厅的通知在 content/calendar.yaml 中补上 {year} 年的安排。",
                      since=f"{year}-01-01") for year in sorted(uncovered)]
    found += _undated(ctx)
    found += _dates(ctx)
    return found


def _spaced(label: str) -> str:
    """"超过 2 周", "超过半年": a space only next to a number."""
    return f" {label}" if label[0].isdigit() else label


def _homepage(ctx: Context, site: SiteSurvey) -> list[Problem]:
    today, newest = ctx.at.date(), site.homepage_last
    where = f"{site.name}（{site.host}）首页"
    if newest is None:
        return [Problem(HOMEPAGE_STALE, HOMEPAGE_STALE_LEVEL, site.host, f"{where}没有任何信息。",
                        hint="在首页显示的栏目中发布信息。", since=ctx.at.date().isoformat())]
    last = newest.date.date()
    due = last + dt.timedelta(days=HOMEPAGE_DAYS)
    age = (today - last).days
    shown = f"最新信息是 {last.isoformat()}《{newest.title}》"
    if today >= due:
        return [Problem(HOMEPAGE_STALE, HOMEPAGE_STALE_LEVEL, site.host,
                        f"{where}已 {age} 天未更新（{shown}），{'已满' if age == HOMEPAGE_DAYS else '超过'} 2 周。",
                        hint="在首页显示的栏目（工作动态、通知公告等）发布新的信息。", since=due.isoformat())]
    left = (due - today).days
    if left <= ctx.config.warn_days:
        return [Problem(EARLY_WARNING, EARLY_WARNING_LEVEL, site.host,
                        f"{where} {left} 天后将超过 2 周未更新（{shown}）。",
                        hint=f"在 {due.isoformat()} 之前发布新的信息。", since=due.isoformat())]
    return []


def _columns(ctx: Context, site: SiteSurvey) -> list[Problem]:
    today, found = ctx.at.date(), []
    stale = empty = 0
    for state in site.columns:
        limit = site.limits[(state.unit, state.column)]
        where: Where = {"unit": state.unit, "column": state.column}
        if state.empty:
            empty += 1
            found.append(Problem(COLUMN_EMPTY, COLUMN_EMPTY_LEVEL, state.host,
                                 f"{state.name} 是空白栏目：没有任何已发布的信息。",
                                 hint="在栏目中发布信息，或请电子政务办撤下这个栏目。", **where))
            continue
        if limit is None or state.stale_on is None:
            continue
        due = dt.date.fromisoformat(state.stale_on)
        if state.stale:
            stale += 1
            found.append(Problem(COLUMN_STALE, COLUMN_STALE_LEVEL, state.host,
                                 f"{state.name} 已 {state.age_days} 天未更新（最新一条 {state.last_update}），"
                                 f"超过更新期限（{limit.label}）。",
                                 hint="在该栏目发布新的信息。", since=state.stale_on, **where))
            continue
        left = (due - today).days
        if left <= ctx.config.warn_days:
            found.append(Problem(EARLY_WARNING, EARLY_WARNING_LEVEL, state.host,
                                 f"{state.name} {left} 天后将超过{_spaced(limit.label)}未更新（最新一条 {state.last_update}）。",
                                 hint=f"在 {state.stale_on} 之前在该栏目发布新的信息。", since=state.stale_on, **where))
        found += _subsite_news(ctx, state, limit, site.uncovered)
    if stale >= MANY:
        found.append(Problem(MANY_STALE, MANY_STALE_LEVEL, site.host,
                             f"{site.name}（{site.host}）有 {stale} 个栏目超期未更新（5 个以上即单项否决）。",
                             hint="逐个更新超期的栏目（见本站的 J002），使超期栏目少于 5 个。"))
    if empty >= MANY:
        found.append(Problem(MANY_EMPTY, MANY_EMPTY_LEVEL, site.host,
                             f"{site.name}（{site.host}）有 {empty} 个空白栏目（5 个以上即单项否决）。",
                             hint="在空白栏目发布信息，或请电子政务办撤下用不上的栏目（见本站的 J003）。"))
    return found


def _subsite_news(ctx: Context, state: ColumnState, limit: Limit, uncovered: set[int]) -> list[Problem]:
    """000 §10: a department's or town's 工作动态 gets an item every 3 working days (a warning)."""
    unit = ctx.cluster.units[state.unit]
    if unit.kind == "portal" or state.column_type != "工作动态" or limit == Limit("days", 1):
        return []
    if limit.unit == "workdays" and limit.n <= SUBSITE_NEWS_WORKDAYS:
        return []  # its own cycle is already as strict (J002)
    last = dt.date.fromisoformat(state.last_update or "")
    due = add_workdays(ctx.calendar, last, SUBSITE_NEWS_WORKDAYS)
    if due is None:
        year = uncovered_year(ctx.calendar, last, SUBSITE_NEWS_WORKDAYS)
        if year is not None:
            uncovered.add(year)
        return []
    if ctx.at.date() < due:
        return []
    return [Problem(SUBSITE_NEWS, SUBSITE_NEWS_LEVEL, state.host,
                    f"{state.name} 已超过 3 个工作日没有新的工作动态（最新一条 {state.last_update}）。",
                    hint="部门和乡镇的工作动态每 3 个工作日至少更新一条（000 §10）。", unit=state.unit,
                    column=state.column, since=due.isoformat())]


def _listed(ctx: Context, item: Any) -> bool:
    return content.out_at(item, ctx.at) and not item.meta.get("withdrawn")


def _undated(ctx: Context) -> list[Problem]:
    """J005: items whose date is missing or unreadable (they are never built: the column is not updated)."""
    lines = {f.path: f.line for f in ctx.findings if f.line and ("date" in f.message or "日期" in f.message)}
    found = []
    for item in ctx.cluster.invalid:  # a valid item's date passed the schema
        raw = item.meta.get("date")
        if raw is not None and content.parse_date(raw)[0] is not None:
            continue
        if item.meta.get("withdrawn") or not _embargo_over(ctx, item):
            continue
        shown = "没有发布日期" if raw is None else f"发布日期写法不对（{raw}）"
        found.append(Problem(NO_DATE, NO_DATE_LEVEL, ctx.cluster.host_of(item.unit_id),
                             f"{column_name(ctx, item.unit_id, item.column_id)}《{item.title}》{shown}，不能发布，也不算栏目更新。",
                             hint="写上正确的发布日期，格式 2026-11-05。", unit=item.unit_id, column=item.column_id,
                             path=item.rel, line=lines.get(item.rel, 1)))
    return found


def _embargo_over(ctx: Context, item: Any) -> bool:
    when = item.meta.get("publish_at")
    canonical = content.parse_date(when)[0] if when else None
    return canonical is None or content.to_datetime(canonical) <= ctx.at


def published_at(ctx: Context, item: Any) -> dt.datetime:
    """When the item reached the site: its first commit on main (or embargo end); an uncommitted item (a pull
    request's head, the working tree) would reach it now."""
    when = ctx.published.get(item.rel)
    if when is None:
        when = ctx.at
        embargo = item.meta.get("publish_at")
        if embargo:
            when = max(when, content.to_datetime(embargo))
    return when


_DATE_KEY = re.compile(r"^(?:date|发布日期|日期)\s*:", re.MULTILINE)


def date_line(ctx: Context, item: Any) -> int:
    """The line of the ``date:`` key in the item's file (read only for an item a problem is about)."""
    try:
        text = (ctx.cluster.root / item.rel).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return 1
    match = _DATE_KEY.search(text)
    return text.count("\n", 0, match.start()) + 1 if match else 1


def _dates(ctx: Context) -> list[Problem]:
    """J008 / J009: the displayed date against the moment the item first reached main (伪造发稿日期)."""
    tolerance = ctx.config.backdate_days
    found = []
    for item in ctx.cluster.items:
        if item.type == "reply":
            continue  # its date is the day it was answered, a record (C108, J014): not a publication date
        shown, first = item.date.date(), published_at(ctx, item).date()
        gap = (first - shown).days
        if -tolerance <= gap <= tolerance and item.rel not in ctx.first_dates:
            continue  # the common case, decided without anything else
        if not _listed(ctx, item):
            continue
        if gap > tolerance and (item.meta.get("migrated_from") or item.rel in ctx.imported):
            continue
        if gap < 0 and item.date > ctx.at:
            continue  # a date still to come is J007 (content_rules)
        if gap < 0 and item.type == "reply":
            continue  # a reply is dated by its answer: recorded when received, answered later (R9; J043 checks it)
        found += _date_problem(ctx, item, shown, first, tolerance)
    return found


def _date_problem(ctx: Context, item: Any, shown: dt.date, first: dt.date, tolerance: int) -> list[Problem]:
    name = f"{column_name(ctx, item.unit_id, item.column_id)}《{item.title}》"
    where: Where = {"unit": item.unit_id, "column": item.column_id, "path": item.rel, "line": date_line(ctx, item)}
    host = ctx.cluster.host_of(item.unit_id)
    if (first - shown).days > tolerance:
        return [Problem(BACKDATED, BACKDATED_LEVEL, host,
                        f"{name}的发布日期 {shown.isoformat()} 比它实际发布的日期 {first.isoformat()} "
                        f"早 {(first - shown).days} 天：伪造发稿日期（倒签）。",
                        hint=f"把发布日期改为 {first.isoformat()}；确是从原网站迁移的旧信息，"
                             "在头信息中加 migrated_from: 原网址（页面会显示“本文迁移自原网站”）。",
                        since=first.isoformat(), **where)]
    if (shown - first).days > tolerance:
        return [Problem(REDATED, REDATED_LEVEL, host,
                        f"{name}的发布日期 {shown.isoformat()} 比它实际发布的日期 {first.isoformat()} "
                        f"晚 {(shown - first).days} 天：发布日期不是实际发布的日期。",
                        hint=f"把发布日期改为实际发布的日期 {first.isoformat()}。", since=shown.isoformat(), **where)]
    before = ctx.first_dates.get(item.rel)
    if before is not None and shown > first and content.to_datetime(before).date() < shown:
        return [Problem(REDATED, REDATED_LEVEL, host,
                        f"{name}于 {first.isoformat()} 发布，发布日期后来从 {before[:10]} 改成了 "
                        f"{shown.isoformat()}：旧信息改晚日期冒充新信息。",
                        hint=f"恢复原来的发布日期 {before[:10]}；确有新的内容，应作为一条新的信息发布。",
                        since=shown.isoformat(), **where)]
    return []
