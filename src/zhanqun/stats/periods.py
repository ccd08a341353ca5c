"""The periods a statistic is given for (R8.3: 一月一统计、一季一通报, the yearly ranking): ``--period
month|quarter|year`` and ``--from/--to``, with the labels the e-gov office writes (2026年11月, 2026年第四季度,
2026年). Pure functions of dates."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

from zhanqun.stats import codes

KINDS = ("month", "quarter", "year")
_QUARTERS = "一二三四"
_DAY = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


@dataclasses.dataclass(frozen=True)
class Period:
    """Whole days ``first`` to ``last`` (both included), China time."""

    label: str
    first: dt.date
    last: dt.date

    @property
    def start(self) -> dt.datetime:
        return dt.datetime.combine(self.first, dt.time())

    @property
    def end(self) -> dt.datetime:
        return dt.datetime.combine(self.last, dt.time(23, 59, 59))

    def holds(self, moment: dt.datetime | dt.date) -> bool:
        day = moment.date() if isinstance(moment, dt.datetime) else moment
        return self.first <= day <= self.last


def parse_day(text: str, option: str) -> dt.date:
    """``YYYY-MM-DD`` as a date (T001 otherwise)."""
    match = _DAY.fullmatch(text.strip())
    try:
        if match:
            return dt.date(*map(int, match.groups()))
    except ValueError:
        pass
    raise codes.fail(codes.BAD_DATE, f"{option} 的日期无法识别：{text}",
                     "写成 2026-11-01 这样的日期（年-月-日，北京时间）。")


def range_of(kind: str, first: str | None, last: str | None, today: dt.date) -> tuple[dt.date, dt.date]:
    """The days a statistic covers: ``--from``/``--to`` as given (``--to`` defaults to today), else the
    year so far (1 January to today)."""
    if kind not in KINDS:
        raise codes.fail(codes.BAD_DATE, f"统计周期只能是 month、quarter 或 year，不能是 {kind}。",
                         "用 --period month（按月）、quarter（按季度）或 year（按年）。")
    if first is None and last is not None:
        raise codes.fail(codes.BAD_OPTIONS, "给了 --to 却没有给 --from。",
                         "同时给出 --from 和 --to，如 --from 2026-11-01 --to 2026-11-30。")
    if first is None:
        return dt.date(today.year, 1, 1), today
    start = parse_day(first, "--from")
    if start > today:
        raise codes.fail(codes.BAD_OPTIONS, f"统计区间从 {start} 开始，还没有到。", f"给出 {today} 以前的日期。")
    end = parse_day(last, "--to") if last is not None else today
    if start > end:
        raise codes.fail(codes.FROM_AFTER_TO, f"--from {start} 晚于 --to {end}。",
                         f"交换两个日期：--from {end} --to {start}。")
    return start, end


def label(kind: str, day: dt.date) -> str:
    if kind == "month":
        return f"{day.year}年{day.month}月"
    if kind == "quarter":
        return f"{day.year}年第{_QUARTERS[(day.month - 1) // 3]}季度"
    return f"{day.year}年"


def _begin(kind: str, day: dt.date) -> dt.date:
    if kind == "month":
        return day.replace(day=1)
    if kind == "quarter":
        return dt.date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
    return dt.date(day.year, 1, 1)


def _next(kind: str, day: dt.date) -> dt.date:
    """The first day of the period after the one that begins on ``day``."""
    months = {"month": 1, "quarter": 3, "year": 12}[kind]
    month = day.month - 1 + months
    return dt.date(day.year + month // 12, month % 12 + 1, 1)


def split(kind: str, first: dt.date, last: dt.date) -> list[Period]:
    """The calendar periods of ``kind`` from ``first`` to ``last``, the first and last clipped to the range.
    A clipped period keeps its label (2026年11月 from 11-01 to 11-21 is still 2026年11月)."""
    periods = []
    begin = _begin(kind, first)
    while begin <= last:
        after = _next(kind, begin)
        periods.append(Period(label(kind, begin), max(begin, first), min(after - dt.timedelta(days=1), last)))
        begin = after
    return periods


def whole(first: dt.date, last: dt.date) -> Period:
    """The whole range as one period (the totals row)."""
    return Period(f"{first:%Y-%m-%d} 至 {last:%Y-%m-%d}", first, last)
