"""The cluster and unit configuration model (R1): ``content/cluster.yaml`` and ``content/<unit>/unit.yaml``."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

# The time zone of every date and time an editor writes (publish_at, --since) and every time the audit shows.
CHINA = dt.timezone(dt.timedelta(hours=8))

CYCLE_LABELS = {
    "daily": "每日", "3_workdays": "每3个工作日", "weekly": "每周", "2_weeks": "每两周", "monthly": "每月",
    "quarterly": "每季度", "half_year": "每半年", "yearly": "每年", "as_needed": "不定期",
}
KIND_LABELS = {"portal": "门户", "department": "部门", "town": "乡镇", "street": "街道", "other": "其他"}
ROLE_LABELS = {"editor": "录入员", "first": "初审", "second": "复审", "final": "终审", "leader": "领导"}


@dataclasses.dataclass(frozen=True)
class Column:
    id: str
    name: str
    type: str
    column_type: str
    cycle: str
    category: str
    description: str
    keywords: tuple[str, ...]
    index_category: str = "02"
    owners: tuple[str, ...] = ()

    @property
    def cycle_label(self) -> str:
        return CYCLE_LABELS[self.cycle]


@dataclasses.dataclass(frozen=True)
class Person:
    id: str
    name: str
    roles: tuple[str, ...]


@dataclasses.dataclass
class Unit:
    id: str
    name: str
    short_name: str
    kind: str
    hosting: str
    label: str
    org_code: str
    people: list[Person]
    columns: dict[str, Column]
    hosting_reason: str = ""
    label_reason: str = ""
    identity: dict[str, Any] = dataclasses.field(default_factory=dict)

    @classmethod
    def from_data(cls, unit_id: str, data: dict[str, Any]) -> Unit:
        columns: dict[str, Column] = {}
        for col in data.get("columns", []):
            columns.setdefault(col["id"], Column(
                id=col["id"], name=col["name"], type=col["type"], column_type=col["column_type"],
                cycle=col["cycle"], category=col["category"], description=col["description"],
                keywords=tuple(col.get("keywords", [])), index_category=col.get("index_category", "02"),
                owners=tuple(col.get("owners", [])),
            ))
        return cls(
            id=unit_id, name=data["name"], short_name=data["short_name"], kind=data["kind"],
            hosting=data["hosting"], label=data["label"], org_code=data["org_code"],
            people=[Person(p["id"], p["name"], tuple(p["roles"])) for p in data.get("people", [])],
            columns=columns, hosting_reason=data.get("hosting_reason", "") or "",
            label_reason=data.get("label_reason", "") or "", identity=dict(data.get("identity") or {}),
        )


@dataclasses.dataclass(frozen=True)
class Topic:
    id: str
    name: str
    tag: str
    description: str = ""


# Reply deadlines in working days by category (R9): 003 §13 — 找错 3, 咨询 and 建议 7, a message that needs
# verification 15, never over 3 months. A county with stricter rules (001 §12: 4 working days) sets its own.
DEFAULT_REPLY_DEADLINES = {"咨询": 7, "建议": 7, "投诉": 7, "求助": 7, "找错": 3, "其他": 7}


@dataclasses.dataclass(frozen=True)
class InspectConfig:
    """cluster.yaml ``inspect:`` (R7, R9); every key has a documented default."""

    warn_days: int = 3  # early warning horizon, in days
    backdate_days: int = 7  # a date this many days before (or after) its first publication is 伪造发稿日期
    reply_deadlines: tuple[tuple[str, int], ...] = tuple(DEFAULT_REPLY_DEADLINES.items())
    verification_days: int = 15
    reply_max_days: int = 90
    # The day the cluster went live on zhanqun: items that reached main before it are the site as the county
    # brought it in (migrated in several commits), like the first commit's, and are not judged for back-dating.
    live_from: dt.date | None = None

    def deadline(self, category: str, needs_verification: bool = False) -> int:
        """Working days allowed to answer a message of ``category``."""
        if needs_verification:
            return self.verification_days
        table = dict(self.reply_deadlines)
        return table.get(category, table.get("其他", DEFAULT_REPLY_DEADLINES["其他"]))

    @classmethod
    def from_data(cls, data: dict[str, Any] | None) -> InspectConfig:
        data = dict(data or {})
        deadlines = {**DEFAULT_REPLY_DEADLINES, **dict(data.pop("reply_deadlines", {}) or {})}
        live_from = data.pop("live_from", None)
        if isinstance(live_from, str):
            try:
                live_from = dt.date.fromisoformat(live_from)
            except ValueError:  # the schema reports a date that does not exist (S…); it is not judged then
                live_from = None
        return cls(reply_deadlines=tuple(deadlines.items()), live_from=live_from, **data)


# 年度综合测评 (R8.3): how much each measure counts; a measure with no data for a unit (no columns with an update
# cycle, no messages) leaves the unit's total to the others.
DEFAULT_RANKING_WEIGHTS = {"updates": 40, "errors": 30, "replies": 30}


@dataclasses.dataclass(frozen=True)
class StatsConfig:
    """cluster.yaml ``stats:`` (R8.3, R8.4): where the portal publishes what the statistics produce, and the ranking's
    weights; every key has a documented default."""

    ranking_column: str | None = None  # the portal column the ranking 通报 is published in
    ranking_weights: tuple[tuple[str, int], ...] = tuple(DEFAULT_RANKING_WEIGHTS.items())
    annual_report_column: str | None = None  # the portal column of the 政府网站工作年度报表 (annual-report --publish)

    @classmethod
    def from_data(cls, data: dict[str, Any] | None) -> StatsConfig:
        data = dict(data or {})
        weights = {**DEFAULT_RANKING_WEIGHTS, **dict(data.get("ranking_weights") or {})}
        return cls(ranking_column=data.get("ranking_column"), ranking_weights=tuple(weights.items()),
                   annual_report_column=data.get("annual_report_column"))


@dataclasses.dataclass
class ClusterConfig:
    name: str
    domain: str
    portal: str
    identity: dict[str, Any]
    sources: list[str]
    signoff: dict[str, list[str]]
    admins: list[str]
    topics: list[Topic]
    link_allowlist: list[str] = dataclasses.field(default_factory=list)
    inspect: InspectConfig = dataclasses.field(default_factory=InspectConfig)
    stats: StatsConfig = dataclasses.field(default_factory=StatsConfig)
    zhanqun: str | None = None  # the zhanqun versions the cluster was written for (R11.1, zhanqun.pin)
    build_plugins: tuple[str, ...] = ()  # build: plugins: extra Pelican plugins (R11.1)

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> ClusterConfig:
        return cls(
            name=data["name"], domain=data["domain"], portal=data["portal"], identity=dict(data["identity"]),
            sources=list(data["sources"]), signoff={k: list(v) for k, v in data["signoff"].items()},
            admins=list(data["admins"]),
            topics=[Topic(t["id"], t["name"], t["tag"], t.get("description", "")) for t in data.get("topics", [])],
            link_allowlist=list(data.get("link_allowlist", [])),
            inspect=InspectConfig.from_data(data.get("inspect")),
            stats=StatsConfig.from_data(data.get("stats")),
            zhanqun=data["zhanqun"] if isinstance(data.get("zhanqun"), str) else None,
            build_plugins=tuple((data.get("build") or {}).get("plugins") or ()),
        )
