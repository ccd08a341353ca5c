"""Working days with the Chinese holiday calendar (R9): reply deadlines are counted in working days.

A day is a working day if it is a weekday that is not a public holiday, or a weekend day made a working day
(调休上班). The schedule of each year is the State Council's notice (国务院办公厅关于部分节假日安排的通知):
PyPI ``chinese-calendar`` carries it for 2004–2026; a cluster adds later years (or corrects one) in
``content/calendar.yaml`` (docs/content-format.md). A day in a year neither covers raises
:class:`CalendarGap`: the inspection says which year is missing (J018) and never guesses.

Counting (期间开始之日不计算在内): the day a message is received is not counted; day 1 is the first working
day after it. A message received on a Saturday, a holiday or a working day alike is counted from the next
working day, so ``add(received, n)`` is the last day to answer and ``between(received, answered)`` the working
days a reply took (0 when answered the same day).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from zhanqun.findings import Finding, Severity, define

if TYPE_CHECKING:
    from zhanqun.schemas import Locate, SchemaSet

CALENDAR_REL = "content/calendar.yaml"
MAX_SPAN_DAYS = 3700  # ten years: a count over a longer span is a mistake in the data, not a deadline

BAD_CALENDAR = define(
    "J040", "calendar-inconsistent", Severity.ERROR, "content/calendar.yaml 的节假日安排自相矛盾。",
    why="留言答复时限按工作日计算（R9）；放假日期和调休上班日期写错一天，每条留言的期限就跟着错，自查会误报超期或漏报。",
    example="years:\n  - year: 2027\n    holidays: [2028-01-01]      # 不在 2027 年内\n    workdays: [2027-02-10]      # 星期三本来就是工作日",
    fix="对照国务院办公厅当年的节假日安排通知改正：日期都在该年内、范围的结束不早于开始、"
        "调休上班日是周六或周日、同一天不能既放假又上班、每年只写一次。",
    requirement="R9",
)

LIBRARY_CHANGED = define(
    "J042", "calendar-overrides-library", Severity.WARNING, "content/calendar.yaml 改写了日历库已有年份的节假日安排。",
    why="content/calendar.yaml 用来补上日历库（chinese-calendar）还没有的年份；它写的年份会整年替换库里的安排。"
        "库里的安排来自国务院办公厅的通知，改写它会让留言答复期限和栏目更新期限跟着变（多放一天假，期限就宽一天），"
        "自查和检查对不上。确需更正库中错误的，应能对照通知说明。",
    example="years:\n  - year: 2026\n    holidays: [2026-01-01 ~ 2026-01-31]   # 库中 2026 年元旦只放 1 天",
    fix="删除这一年的项（库里已经有了）；确认库有错误时，按通知写全这一年的安排，并在 notice 中写明通知的文号。",
    requirement="R9",
)
MAX_WEEKDAY_HOLIDAYS = 25  # the State Council's schedules 2004–2026 give 16–23 weekdays off a year

_DAY = r"\d{4}-\d{2}-\d{2}"
_RANGE_RE = re.compile(rf"^\s*({_DAY})\s*(?:(?:~|～|至|到)\s*({_DAY})\s*)?$")
_WEEKDAYS = "一二三四五六日"


class CalendarGap(Exception):
    """No holiday schedule is known for ``year``: working days cannot be counted there."""

    def __init__(self, year: int) -> None:
        super().__init__(f"{year} 年的节假日安排未知")
        self.year = year

    @property
    def hint(self) -> str:
        return (f"在 {CALENDAR_REL} 中按国务院办公厅《关于{self.year}年部分节假日安排的通知》写入 {self.year} 年的"
                "放假日期（holidays）和调休上班日期（workdays），或升级 chinese-calendar（docs/content-format.md）。")


@dataclasses.dataclass(frozen=True)
class YearSchedule:
    """One year's holidays and weekend working days; ``source`` says where it came from."""

    year: int
    holidays: frozenset[dt.date]
    workdays: frozenset[dt.date]
    source: str


class Calendar:
    """Working days of the years it covers. Lookups are set membership (no call into the library per day)."""

    def __init__(self, years: Iterable[YearSchedule] = ()) -> None:
        self.years: dict[int, YearSchedule] = {y.year: y for y in years}

    @classmethod
    def load(cls, root: Path) -> Calendar:
        """The library's years, then the cluster's ``content/calendar.yaml`` (its years replace the library's).

        A broken calendar.yaml raises :class:`zhanqun.errors.FindingsError` with its findings (``zhanqun check``
        reports the same findings from :func:`check_file`)."""
        schedules, findings = read_file(root)
        if any(f.severity is Severity.ERROR for f in findings):
            from zhanqun.errors import FindingsError

            raise FindingsError(findings)
        return cls([*library_years(), *schedules])

    def covers(self, year: int) -> bool:
        return year in self.years

    def is_workday(self, day: dt.date) -> bool:
        if isinstance(day, dt.datetime):
            day = day.date()
        schedule = self.years.get(day.year)
        if schedule is None:
            raise CalendarGap(day.year)
        if day in schedule.workdays:
            return True
        return day.weekday() < 5 and day not in schedule.holidays

    def add(self, day: dt.date, n: int) -> dt.date:
        """The n-th working day after ``day`` (``day`` itself is not counted); ``add(day, 0)`` is ``day``."""
        if n < 0:
            raise ValueError("n must not be negative")
        day = _as_date(day)
        current, found = day, 0
        while found < n:
            current += dt.timedelta(days=1)
            if (current - day).days > MAX_SPAN_DAYS:
                raise ValueError(f"no {n} working days within {MAX_SPAN_DAYS} days")
            if self.is_workday(current):
                found += 1
        return current

    def between(self, a: dt.date, b: dt.date) -> int:
        """Working days after ``a`` up to and including ``b`` (0 when ``b`` is not after ``a``)."""
        a, b = _as_date(a), _as_date(b)
        if (b - a).days > MAX_SPAN_DAYS:
            raise ValueError(f"span longer than {MAX_SPAN_DAYS} days")
        return sum(1 for day in _days(a, b) if self.is_workday(day))


def _as_date(day: dt.date) -> dt.date:
    return day.date() if isinstance(day, dt.datetime) else day


def _days(a: dt.date, b: dt.date) -> Iterator[dt.date]:
    current = a + dt.timedelta(days=1)
    while current <= b:
        yield current
        current += dt.timedelta(days=1)


def library_years() -> list[YearSchedule]:
    """Every year PyPI ``chinese-calendar`` knows. Imported here, not at the top: ``zhanqun check`` (pre-commit)
    never counts working days and should not pay for the import (docs/performance.md)."""
    import chinese_calendar

    source = f"chinese-calendar {chinese_calendar.__version__}"
    holidays: dict[int, set[dt.date]] = {}
    workdays: dict[int, set[dt.date]] = {}
    for day in chinese_calendar.holidays:
        holidays.setdefault(day.year, set()).add(day)
    for day in chinese_calendar.workdays:
        workdays.setdefault(day.year, set()).add(day)
    return [YearSchedule(year, frozenset(holidays[year]), frozenset(workdays.get(year, ())), source)
            for year in range(min(holidays), max(holidays) + 1) if year in holidays]


# -- content/calendar.yaml -------------------------------------------------------------------------------------
def check_file(root: Path, schemas: SchemaSet | None = None) -> list[Finding]:
    """The findings of ``content/calendar.yaml`` (none when there is no such file): for ``zhanqun check``."""
    return read_file(root, schemas)[1]


def read_file(root: Path, schemas: SchemaSet | None = None) -> tuple[list[YearSchedule], list[Finding]]:
    """``schemas``: the cluster's :class:`zhanqun.schemas.SchemaSet` (read from ``root/schemas`` when None)."""
    path = root / CALENDAR_REL
    if not path.exists() and not path.is_symlink():
        return [], []
    from zhanqun import source
    from zhanqun.checks import files

    if path.is_symlink() or not path.is_file():
        return [], [files.link_finding(CALENDAR_REL, path)]
    doc, findings = source.load_yaml_file(path, CALENDAR_REL)
    if doc is None:
        return [], findings
    if schemas is None:
        from zhanqun.schemas import SchemaSet

        schemas = SchemaSet.for_root(root)
    if "calendar" not in schemas.raw:  # a cluster whose schemas/ predates the calendar
        from zhanqun.errors import UsageError

        raise UsageError(f"有 {CALENDAR_REL}，但 schemas/ 中没有 calendar.schema.json。",
                         hint="从 zhanqun 仓库复制 schemas/calendar.schema.json。")
    found = schemas.validate("calendar", doc.data, doc.locate, CALENDAR_REL)
    findings += found
    if any(f.severity is Severity.ERROR for f in found):
        return [], findings
    schedules, problems = parse_years(doc.data, doc.locate)
    return schedules, findings + problems + overrides(schedules, doc.data, doc.locate)


def overrides(schedules: list[YearSchedule], data: dict[str, Any], locate: Locate) -> list[Finding]:
    """J042 for each year of the file that the library covers and that differs from it (the library is imported
    only for a cluster that has a calendar.yaml)."""
    library = {y.year: y for y in library_years()}
    index = {entry["year"]: n for n, entry in enumerate(data.get("years") or [])}
    findings = []
    for mine in schedules:
        theirs = library.get(mine.year)
        if theirs is None or (mine.holidays, mine.workdays) == (theirs.holidays, theirs.workdays):
            continue
        changes = [(f"多放假 {len(d)} 天", d) for d in [mine.holidays - theirs.holidays] if d]
        changes += [(f"少放假 {len(d)} 天", d) for d in [theirs.holidays - mine.holidays] if d]
        changes += [(f"调休上班日多 {len(d)} 天", d) for d in [mine.workdays - theirs.workdays] if d]
        changes += [(f"调休上班日少 {len(d)} 天", d) for d in [theirs.workdays - mine.workdays] if d]
        shown = "；".join(f"{label}（{'、'.join(d.isoformat() for d in sorted(days)[:3])}"
                         f"{'…' if len(days) > 3 else ''}）" for label, days in changes)
        line, col = locate(("years", index[mine.year], "year"))
        findings.append(Finding(CALENDAR_REL, line, col, LIBRARY_CHANGED,
                                f"{mine.year} 年的安排与日历库（{theirs.source}）不同：{shown}。",
                                "删除这一年的项；确认库有错误时，在 notice 中写明国务院办公厅通知的文号。"))
    return findings


def parse_years(data: dict[str, Any], locate: Locate) -> tuple[list[YearSchedule], list[Finding]]:
    """Schedules from schema-valid calendar data, with J040 for what the schema cannot say."""
    findings: list[Finding] = []
    schedules: list[YearSchedule] = []
    seen: dict[int, int] = {}

    def problem(path: tuple[Any, ...], message: str, hint: str) -> None:
        line, col = locate(path)
        findings.append(Finding(CALENDAR_REL, line, col, BAD_CALENDAR, message, hint))

    for index, entry in enumerate(data.get("years") or []):
        year = entry["year"]
        if year in seen:
            problem(("years", index, "year"), f"{year} 年写了两次（第 {seen[year] + 1} 项和第 {index + 1} 项）。",
                    "每年只写一项；把两项的日期合并。")
            continue
        seen[year] = index
        days = {key: _listed_days(entry, index, key, problem) for key in ("holidays", "workdays")}
        both = sorted(days["holidays"] & days["workdays"])
        if both:
            shown = "、".join(d.isoformat() for d in both[:3])
            problem(("years", index, "workdays"), f"{shown} 同时写在放假（holidays）和调休上班（workdays）中。",
                    "核对通知：这一天要么放假，要么上班。")
            days["workdays"] -= set(both)
        off = [d for d in days["holidays"] if d.weekday() < 5]
        if len(off) > MAX_WEEKDAY_HOLIDAYS:
            problem(("years", index, "holidays"), f"{year} 年写了 {len(off)} 个放假的工作日（周一至周五），"
                    f"历年的安排都不超过 {MAX_WEEKDAY_HOLIDAYS} 天。",
                    "核对国务院办公厅的通知：holidays 只写法定节假日的放假日期。")
            continue
        schedules.append(YearSchedule(year, frozenset(days["holidays"]), frozenset(days["workdays"]), CALENDAR_REL))
    return schedules, findings


def _listed_days(entry: dict[str, Any], index: int, key: str,
                 problem: Callable[[tuple[Any, ...], str, str], None]) -> set[dt.date]:
    """The days of one year's ``holidays`` or ``workdays``; each wrong entry is reported and left out."""
    year = entry["year"]
    days: set[dt.date] = set()
    for number, text in enumerate(entry.get(key) or []):
        where = ("years", index, key, number)
        span, error = _span(text)
        if error:
            problem(where, f"“{text}”{error}", "日期写成 2027-10-01，连续几天写成 2027-10-01 ~ 2027-10-07。")
        elif span[0].year != year or span[-1].year != year:
            problem(where, f"“{text}”不在 {year} 年内。", f"只写 {year} 年的日期；其他年份另写一项 year。")
        elif key == "workdays" and (weekdays := [d for d in span if d.weekday() < 5]):
            shown = "、".join(f"{d.isoformat()}（星期{_WEEKDAYS[d.weekday()]}）" for d in weekdays[:3])
            problem(where, f"调休上班日 {shown} 本来就是工作日。", "workdays 只写调休上班的周六、周日；核对通知上的日期。")
        else:
            days.update(span)
    return days


def _span(text: str) -> tuple[list[dt.date], str]:
    match = _RANGE_RE.match(str(text))
    if not match:
        return [], "不是日期或日期范围。"
    try:
        first = dt.date.fromisoformat(match.group(1))
        last = dt.date.fromisoformat(match.group(2)) if match.group(2) else first
    except ValueError:
        return [], "中的日期不存在。"
    if last < first:
        return [], "的结束日期早于开始日期。"
    if (last - first).days > 31:
        return [], "超过 31 天，不像一次放假安排。"
    return [first + dt.timedelta(days=n) for n in range((last - first).days + 1)], ""
