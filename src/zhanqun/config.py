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
        columns = {}
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

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> ClusterConfig:
        return cls(
            name=data["name"], domain=data["domain"], portal=data["portal"], identity=dict(data["identity"]),
            sources=list(data["sources"]), signoff={k: list(v) for k, v in data["signoff"].items()},
            admins=list(data["admins"]),
            topics=[Topic(t["id"], t["name"], t["tag"], t.get("description", "")) for t in data.get("topics", [])],
            link_allowlist=list(data.get("link_allowlist", [])),
        )
