"""Was each column updated within its cycle, window by window? (R8.3, judged as the inspection judges, R7.1)

The limit is the inspection's (:func:`zhanqun.inspect.freshness.limit_of`, :meth:`Limit.due` with the
working-day calendar); the days counted are publication moments (merge to main, or the embargo's end), not
the dates typed in front matter. A column is stale on day d when d is after the due day of the newest
publication before d. Per window of the column's cycle:

- **on time** (按时): not stale on any day of the window;
- **late** (超期后补发): stale on some day but updated within the window, so not stale at its end;
- **missed** (超期未更新): still stale at the window's end;
- **unknown** (无法判断): a due day fell in a year the holiday calendar lacks (J023).

Windows are calendar windows (ISO weeks Monday–Sunday for weekly, daily, 3_workdays and 2_weeks; months,
quarters, half years, years), clipped to the period; columns whose limit comes from their type (cycle
as_needed) use calendar months. Pure functions.
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
from typing import Any

from zhanqun.inspect.freshness import Limit, limit_of

OUTCOMES = ("on_time", "late", "missed", "unknown")
LABELS = {"on_time": "按时", "late": "超期后补发", "missed": "超期未更新", "unknown": "无法判断"}
_MONTHS = {"monthly": 1, "quarterly": 3, "half_year": 6, "yearly": 12, "as_needed": 1}


@dataclasses.dataclass(frozen=True)
class Window:
    first: dt.date
    last: dt.date
    outcome: str  # one of OUTCOMES


def windows(cycle: str, first: dt.date, last: dt.date) -> list[tuple[dt.date, dt.date]]:
    """The calendar windows of ``cycle`` from ``first`` to ``last``, the first and last clipped."""
    found = []
    months = _MONTHS.get(cycle)
    if months is None:  # weekly, daily, 3_workdays, 2_weeks: ISO weeks
        begin = first - dt.timedelta(days=first.weekday())
        while begin <= last:
            after = begin + dt.timedelta(days=7)
            found.append((max(begin, first), min(after - dt.timedelta(days=1), last)))
            begin = after
        return found
    begin = dt.date(first.year, (first.month - 1) // months * months + 1, 1)
    while begin <= last:
        month = begin.month - 1 + months
        after = dt.date(begin.year + month // 12, month % 12 + 1, 1)
        found.append((max(begin, first), min(after - dt.timedelta(days=1), last)))
        begin = after
    return found


def judge(limit: Limit, days: list[dt.date], spans: list[tuple[dt.date, dt.date]], calendar: Any,
          baseline: dt.date | None = None) -> list[Window]:
    """Each window of ``spans`` judged against ``days`` (the days of the column's publication moments, any
    order, those before the first window included). ``baseline``: the day the column was created, which counts
    as its update until it has a real one."""
    pubs = sorted(set(days))
    due_of: dict[dt.date, dt.date | None] = {}

    def due(day: dt.date) -> dt.date | None:
        if day not in due_of:
            due_of[day] = limit.due(day, calendar)
        return due_of[day]

    judged = []
    for first, last in spans:
        i = bisect.bisect_left(pubs, first)
        newest = max(pubs[i - 1], baseline) if i and baseline else (pubs[i - 1] if i else baseline)
        stale = unknown = False
        cursor = first
        while cursor <= last:
            # days cursor .. segment_end have ``newest`` as their newest earlier publication
            segment_end = pubs[i] if i < len(pubs) and pubs[i] <= last else last
            if newest is None:
                stale = True
            elif (limit_day := due(newest)) is None:
                unknown = True
            elif segment_end > limit_day:
                stale = True
            if i < len(pubs) and pubs[i] <= last:
                newest, cursor, i = pubs[i], pubs[i] + dt.timedelta(days=1), i + 1
            else:
                break
        end_due = due(newest) if newest is not None else None
        if newest is None or (end_due is not None and last > end_due):
            outcome = "missed"
        elif stale:
            outcome = "late"
        elif unknown or end_due is None:
            outcome = "unknown"
        else:
            outcome = "on_time"
        judged.append(Window(first, last, outcome))
    return judged


def column_windows(column: Any, days: list[dt.date], first: dt.date, last: dt.date, calendar: Any,
                   since: dt.date | None = None) -> list[Window] | None:
    """The windows of one column (a :class:`zhanqun.config.Column`) from ``first`` to ``last``; None when no
    update cycle applies (reply columns, 专题专栏). A column created on ``since`` is judged from that day,
    its creation counting as its first update (it has one cycle to publish in)."""
    limit = limit_of(column)
    if limit is None:
        return None
    if since is not None:
        if since > last:
            return []
        first = max(first, since)
    return judge(limit, days, windows(column.cycle, first, last), calendar, since)


def counts(judged: list[Window]) -> dict[str, Any]:
    """on_time, late, missed, unknown, windows and share (on time / windows; None without windows)."""
    found: dict[str, Any] = {o: sum(1 for w in judged if w.outcome == o) for o in OUTCOMES}
    found["windows"] = len(judged)
    found["share"] = round(found["on_time"] / len(judged), 4) if judged else None
    return found


def add(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    """Two ``counts`` added (a unit's columns, a period's units)."""
    total: dict[str, Any] = {o: a.get(o, 0) + b.get(o, 0) for o in OUTCOMES}
    total["windows"] = a.get("windows", 0) + b.get("windows", 0)
    total["share"] = round(total["on_time"] / total["windows"], 4) if total["windows"] else None
    return total
