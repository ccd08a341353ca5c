"""What ``zhanqun inspect`` reports (R7.3): problems by level, column states, sites and the cluster.

Everything here is plain data, serialisable to JSON (:meth:`Report.to_json`), so the text, JSON and HTML
renderings and the comparison of two reports (a pull request's base and head) read one structure.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
from typing import TYPE_CHECKING, Any, TypedDict

if TYPE_CHECKING:
    from zhanqun.cluster import Cluster
    from zhanqun.findings import Finding
    from zhanqun.workdays import Calendar


class Level(str, enum.Enum):
    """How an inspector counts a problem (国办秘函〔2019〕19号)."""

    VETO = "veto"  # 单项否决: the site fails outright
    DEDUCT = "deduct"  # 扣分: counts against the score
    WARN = "warn"  # 预警 / 提示: not scored yet, act before it is

    @property
    def label(self) -> str:
        return {"veto": "单项否决", "deduct": "扣分", "warn": "预警"}[self.value]


class Where(TypedDict, total=False):
    """The place fields of a :class:`Problem`, passed on as keywords (``Problem(…, **where)``)."""

    unit: str
    column: str
    path: str
    line: int


@dataclasses.dataclass(frozen=True)
class Problem:
    """One inspection finding. ``code`` is a rule in the registry (family J); ``host`` is the site it counts
    against ("" for the cluster as a whole); ``unit``/``column``/``path`` say where, as far as known."""

    code: str
    level: Level
    host: str
    message: str  # Chinese, names the unit and column by name ("清水镇·工作动态 …")
    hint: str = ""
    unit: str = ""  # unit id
    column: str = ""  # column id
    path: str = ""  # repository path of the item, when the problem is about one item
    line: int = 0
    # When it became (or becomes, for an early warning) a problem, China time, ISO 8601 without zone
    since: str = ""

    def __post_init__(self) -> None:
        # As for a Finding: a title or question quoted in a message may carry an ID or phone number; no number of
        # 11+ digits leaves in full, in the terminal, JSON or HTML (R4.2, R4.10)
        from zhanqun.findings import mask_numbers

        # (the hint is the rule's own text: it quotes identifiers such as an index number, never an item's text)
        if sum(c.isdigit() for c in self.message) >= 11:
            object.__setattr__(self, "message", mask_numbers(self.message))

    @property
    def key(self) -> tuple[str, str, str, str, str]:
        """Identity across two reports (base and head of a pull request): not the message, which carries ages."""
        return (self.code, self.host, self.unit, self.column, self.path)

    def to_json(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["level"] = self.level.value
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Problem:
        return cls(**{**data, "level": Level(data["level"])})


@dataclasses.dataclass(frozen=True)
class ColumnState:
    """One column as an inspector sees it on the day (R7.1)."""

    host: str
    unit: str
    column: str
    name: str  # "清水镇·工作动态"
    column_type: str  # 工作动态, 通知公告 … (unit.yaml column_type)
    limit_days: int | None  # the age after which it is stale; None: no update cycle applies
    items: int  # published, not withdrawn items listed in it on the day
    last_update: str | None  # ISO date of its newest item as displayed; None when empty
    age_days: int | None  # days from last_update to the moment
    stale: bool
    empty: bool
    stale_on: str | None  # ISO date it becomes stale if nothing more is published (early warning)

    def to_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclasses.dataclass
class SiteReport:
    host: str
    name: str  # the site's name as the public sees it
    units: list[str]
    columns: list[ColumnState] = dataclasses.field(default_factory=list)
    homepage_last_update: str | None = None  # ISO date of the newest item the homepage shows
    problems: list[Problem] = dataclasses.field(default_factory=list)
    # Replies to the public (R9) counted for the site: received, answered, on_time, late, pending, overdue,
    # average_workdays (float or None)
    replies: dict[str, Any] = dataclasses.field(default_factory=dict)

    @property
    def vetoed(self) -> bool:
        return any(p.level is Level.VETO for p in self.problems)

    def count(self, level: Level) -> int:
        return sum(1 for p in self.problems if p.level is level)

    def to_json(self) -> dict[str, Any]:
        return {"host": self.host, "name": self.name, "units": self.units,
                "columns": [c.to_json() for c in self.columns], "homepage_last_update": self.homepage_last_update,
                "problems": [p.to_json() for p in self.problems], "replies": self.replies,
                "vetoed": self.vetoed, "counts": {lv.value: self.count(lv) for lv in Level}}


@dataclasses.dataclass
class Report:
    """The scorecard of the cluster at one moment."""

    at: str  # the moment inspected, China time, ISO 8601 without zone
    commit: str  # the commit inspected ("" for an uncommitted working tree)
    cluster: str  # the cluster's name
    sites: list[SiteReport] = dataclasses.field(default_factory=list)
    problems: list[Problem] = dataclasses.field(default_factory=list)  # cluster-wide (host ""), e.g. no calendar
    warn_days: int = 3  # cluster.yaml inspect.warn_days: the early-warning horizon of the daily run

    def distinct(self, level: Level) -> int:
        """Problems of ``level`` in the cluster, each once: an item pushed to the portal counts on both sites, but is
        one problem to fix (by code, unit, column and item)."""
        return len({p.key[:1] + p.key[2:] for p in self.all_problems() if p.level is level})

    def all_problems(self) -> list[Problem]:
        return [*self.problems, *(p for s in self.sites for p in s.problems)]

    @property
    def vetoed(self) -> bool:
        return any(p.level is Level.VETO for p in self.all_problems())

    def to_json(self) -> dict[str, Any]:
        return {"at": self.at, "commit": self.commit, "cluster": self.cluster, "vetoed": self.vetoed,
                "warn_days": self.warn_days,
                "counts": {lv.value: self.distinct(lv) for lv in Level},
                "sites": [s.to_json() for s in self.sites], "problems": [p.to_json() for p in self.problems]}


@dataclasses.dataclass(frozen=True)
class Moment:
    """The moment an inspection looks at: ``at`` (China time, naive) and the commit the cluster stood at."""

    at: dt.datetime
    commit: str = ""


@dataclasses.dataclass
class Context:
    """What every inspection rule reads (``problems(ctx) -> list[Problem]`` in each rule module).

    ``cluster`` is loaded as it stood at ``moment``; its ``now``/``today`` are the moment. ``findings`` are
    what ``cluster.load`` reported for it (broken links, schema errors …). ``published`` maps an item's
    repository path to the moment it first reached main (the first-parent commit that added it, China time,
    naive; or its embargo's end when later); a path missing from it was never committed.
    ``calendar`` is the working-day calendar (:mod:`zhanqun.workdays`). ``first_dates`` maps the path of an
    item whose ``date`` was changed after it first reached main to the date it showed then (J009);
    ``imported`` holds the paths the repository's first commit added (the site as the county brought it in).
    """

    cluster: Cluster
    moment: Moment
    findings: list[Finding] = dataclasses.field(default_factory=list)
    published: dict[str, dt.datetime] = dataclasses.field(default_factory=dict)
    calendar: Calendar | None = None
    first_dates: dict[str, str] = dataclasses.field(default_factory=dict)
    imported: set[str] = dataclasses.field(default_factory=set)

    @property
    def at(self) -> dt.datetime:
        return self.moment.at

    @property
    def config(self) -> Any:  # zhanqun.config.InspectConfig
        return self.cluster.config.inspect
