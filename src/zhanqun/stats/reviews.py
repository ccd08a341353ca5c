"""Reviewers' statistics (R8.3): per person and role, how many merged changes they approved and how long
approval took, from the sign-off records (``refs/notes/zhanqun``).

- **Which records count**: only those the audit trusts (:func:`trusted`: CI's signature, V009, checked by
  ``zhanqun.audit.trusted`` exactly as ``zhanqun audit`` does), and of those the readable ones; who approved
  in which role is ``zhanqun.audit.report.approvals``, the same list the audit shows as a change's approvers.
- **What is counted**: a merged change (a first-parent commit of main in the range, :func:`merged`) counts
  once per person and role, however many records or units name them in it. An emergency publication's
  completion (a record appended after the merge) counts in the role it completed, in the change's period
  (the merge), and is also counted as ``later``.
- **How long**: approval time = the approval's ``at`` (the review's ``submitted_at``) - the record's ``opened``
  (the pull request's ``created_at``), in hours of the clock (not working days). Records written before these
  fields existed count the approval but not its duration; ``untimed`` says how many.

Everything here but :func:`trusted` is a pure function of data. Used as ``zhanqun stats`` does::

    log = people.config_log(root, history.tip)             # one read of main's config history
    directory = people.directory(root, history.tip, log)   # login -> person at the range's end
    trust = reviews.trusted(root, history.tip, history.records, log)
    for period in periods:                                  # each period's merged changes
        summary = reviews.summarise(trust, reviews.merged(log, period.start, period.end), directory)
        summary.rows, summary.by_person(), summary.as_dict()
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import statistics
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from zhanqun.audit.history import Commit
from zhanqun.audit.report import approvals, readable
from zhanqun.signoff import policy
from zhanqun.stats import people as people_mod
from zhanqun.stats.people import Directory, Person

NOTE = "审核用时 = 批准时间 − 合并请求创建时间（按小时计，不扣除节假日）；早期的审核记录没有这两个时间，只计次数，不计用时。"


@dataclasses.dataclass(frozen=True)
class Trust:
    """Sign-off records sorted by whether the audit trusts them."""

    records: dict[str, list[dict[str, Any]]]  # sha -> the trusted records only (all of them when signing is not enabled)
    left_out: int = 0  # readable records the audit would not trust (V009): not counted
    signing: bool = False  # whether the repository signs records (.zhanqun/allowed_signers at the tip)


@dataclasses.dataclass(frozen=True)
class Row:
    """One person in one role."""

    person: Person
    role: str  # first, second, final, leader, admin (policy)
    approvals: int  # merged changes they approved in this role
    timed: int  # of which the record says when the pull request was opened and when they approved
    median_hours: float | None  # of the timed ones; None when none is timed
    mean_hours: float | None
    later: int = 0  # of the approvals, given after the merge (completing an emergency publication's chain)
    by_unit: dict[str, int] = dataclasses.field(default_factory=dict)  # unit id at the end -> approvals there
    hours: tuple[float, ...] = ()  # the durations of the timed approvals, in the order of the changes

    @property
    def label(self) -> str:
        """初审, 复审, 终审, 领导, 平台管理员."""
        return policy.role_label(self.role)

    @property
    def untimed(self) -> int:
        return self.approvals - self.timed

    def as_dict(self) -> dict[str, Any]:
        return {"login": self.person.login, "name": self.person.name, "units": list(self.person.units),
                "note": self.person.note, "role": self.role, "role_label": self.label, "approvals": self.approvals,
                "timed": self.timed, "untimed": self.untimed, "median_hours": _rounded(self.median_hours),
                "mean_hours": _rounded(self.mean_hours), "later": self.later, "by_unit": dict(self.by_unit)}


@dataclasses.dataclass
class Summary:
    rows: list[Row]  # by person (name, then login), then role in the chain's order
    changes: int  # merged changes with at least one counted record
    left_out: int  # records not counted because the audit does not trust them (V009)
    note: str = NOTE

    @property
    def approvals(self) -> int:
        return sum(r.approvals for r in self.rows)

    @property
    def untimed(self) -> int:
        return sum(r.untimed for r in self.rows)

    def by_person(self) -> dict[str, dict[str, Any]]:
        """Per person (``login_key``), all roles together: ``{"name", "login", "units", "note", "approvals",
        "by_role": {"初审": 3, …}, "timed", "untimed", "median_hours", "average_hours"}``; approvals in two roles
        (in two units of one change) count in each."""
        out: dict[str, dict[str, Any]] = {}
        for row in self.rows:
            person = out.setdefault(row.person.key, {
                "name": row.person.name, "login": row.person.login, "units": list(row.person.units),
                "note": row.person.note, "approvals": 0, "by_role": {}, "hours": []})
            person["approvals"] += row.approvals
            person["by_role"][row.label] = row.approvals
            person["hours"] += row.hours
        for person in out.values():
            hours = person.pop("hours")
            person.update(timed=len(hours), untimed=person["approvals"] - len(hours),
                          median_hours=_rounded(statistics.median(hours)) if hours else None,
                          average_hours=_rounded(statistics.fmean(hours)) if hours else None)
        return out

    def as_dict(self) -> dict[str, Any]:
        return {"changes": self.changes, "approvals": self.approvals, "untimed": self.untimed,
                "left_out": self.left_out, "note": self.note, "rows": [r.as_dict() for r in self.rows]}


def trusted(root: Path, tip: str, records: dict[str, list[dict[str, Any]]], log: Sequence[Commit] | None = None) -> Trust:
    """The records the audit trusts (I/O: ``allowed_signers`` versions, the checkpoint). ``records`` as
    ``history.note_records`` gives them (``History.records``); ``log`` is ``people.config_log(root, tip)`` when
    the caller has it (the same log :func:`people.directory` reads)."""
    from zhanqun import audit

    root = Path(root)
    commits = list(log) if log is not None else people_mod.config_log(root, tip)
    outcome = audit.trusted(root, commits, records, tip)
    kept = {sha: recs for sha, recs in outcome.records.items() if sha in records}
    left_out = sum(len(readable(recs)) for recs in records.values()) - sum(len(readable(r)) for r in kept.values())
    return Trust(kept, left_out, outcome.enabled)


def merged(log: Sequence[Commit], start: dt.datetime, end: dt.datetime) -> dict[str, dt.datetime]:
    """sha -> moment (China time, naive) of main's first-parent commits merged between ``start`` and ``end``
    (both included), from ``people.config_log``: the changes of a period."""
    out = {}
    for commit in log:
        when = people_mod.china(commit.time)
        if start <= when <= end:
            out[commit.sha] = when
    return out


def summarise(trust: Trust, merged: Mapping[str, dt.datetime], directory: Directory) -> Summary:
    """Approvals per person and role over the changes ``merged`` names (sha -> moment; call once per period
    with that period's changes, :func:`merged`), from the records ``trust`` keeps (:func:`trusted`), people
    named by ``directory`` (``people.directory`` at the range's end). Pure."""
    counted: dict[tuple[str, str], dict[str, Any]] = {}  # (person key, role) -> tallies
    changes = 0
    for sha in merged:
        records = readable(trust.records.get(sha, []))
        if not records:
            continue
        changes += 1
        opened = next((str(r["opened"]) for r in records if r.get("opened")), "")
        seen: set[tuple[str, str]] = set()  # (person, role): once per change
        seen_in_unit: set[tuple[str, str, str]] = set()
        for approval in approvals(records):
            key = (policy.login_key(approval.login), approval.role)
            tally = counted.setdefault(key, {"login": approval.login, "approvals": 0, "hours": [], "later": 0,
                                             "by_unit": {}})
            unit = directory.unit(approval.unit)
            if (*key, unit) not in seen_in_unit:
                seen_in_unit.add((*key, unit))
                tally["by_unit"][unit] = tally["by_unit"].get(unit, 0) + 1
            if key in seen:
                continue
            seen.add(key)
            tally["approvals"] += 1
            tally["later"] += approval.later
            hours = _hours(str(approval.record.get("opened") or opened), approval.at)
            if hours is not None:
                tally["hours"].append(hours)
    order = {role: i for i, role in enumerate(people_mod.ROLE_ORDER)}
    rows = []
    for (_, role), tally in counted.items():
        hours = tally["hours"]
        rows.append(Row(directory.person(tally["login"]), role, tally["approvals"], len(hours),
                        statistics.median(hours) if hours else None, statistics.fmean(hours) if hours else None,
                        tally["later"], dict(sorted(tally["by_unit"].items())), tuple(hours)))
    rows.sort(key=lambda r: (r.person.name, r.person.key, order.get(r.role, len(order)), r.role))
    return Summary(rows, changes, trust.left_out)


def _hours(opened: str, at: str) -> float | None:
    """Hours from ``opened`` to ``at`` (ISO 8601 with offsets); None when either is missing or unreadable, or
    the approval would come before the pull request (a clock that cannot be right)."""
    start, end = policy.instant(opened), policy.instant(at)
    if not start or not end:
        return None
    seconds = (dt.datetime.fromisoformat(end) - dt.datetime.fromisoformat(start)).total_seconds()
    return seconds / 3600 if seconds >= 0 else None


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 2)
