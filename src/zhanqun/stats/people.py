"""Who a login is (R8.3): the name, the units and the roles of every person the unit configs have listed, over
the whole history up to the end of a statistics range.

People are shown by ``people[].name`` in ``unit.yaml``, not by their login (``people[].id``, the account on the
hosting platform). A person who left a unit's config, or moved to another unit, keeps their history: one
:class:`Person` per login (as ``policy.login_key`` compares them, so ``Chen-Hao`` is ``chen-hao``), named from
the latest config version that lists them, with every unit they were listed in (:class:`Stint`). A unit folder
renamed (``git mv content/old content/new``) is one unit under its id at the end of the range. A login nobody
ever listed is shown as the login, with a note saying so.

Git is asked twice, whatever the length of the history: ONE ``git log`` of main's first parents limited to the
config files (:func:`config_log`; every commit is listed, with only its changes to those files, so the same
log also tells the signature check which ``allowed_signers`` each record's base had and when each change was
merged), and ONE ``git cat-file --batch`` for every version of every ``unit.yaml`` and the ``cluster.yaml`` at
the end. Only the ``name`` and ``people`` blocks of a ``unit.yaml`` are parsed (the audit's
``ConfigVersions`` and ``_parse_config``, shared, not copied).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from zhanqun import signing
from zhanqun.audit import history
from zhanqun.audit.history import Commit
from zhanqun.audit.report import ConfigVersions, _is_config, _parse_config, _top_level_blocks
from zhanqun.config import CHINA, ClusterConfig, Unit
from zhanqun.signoff import policy

CLUSTER = "content/cluster.yaml"
# The files whose history the directory and the signature check read: the unit configs (who is who), the
# cluster config (portal, admins) and the keys CI signs records with (``zhanqun.audit.signatures``).
CONFIG_PATHS = (CLUSTER, "content/*/unit.yaml", signing.ALLOWED_SIGNERS)
ROLE_ORDER = ("editor", "first", "second", "final", "leader", policy.ADMIN)

UNLISTED = "未在任何单位的 unit.yaml 中列出，按登录名显示"
ADMIN_ONLY = "平台管理员（cluster.yaml 的 admins），unit.yaml 中没有其姓名，按登录名显示"


@dataclasses.dataclass(frozen=True)
class Stint:
    """A span during which a person was listed in one unit's ``unit.yaml``."""

    unit: str  # the unit's id at the end of the range (a renamed folder under its new id)
    roles: tuple[str, ...]  # every role they held there during the span, in the chain's order
    since: dt.datetime  # China time, naive: when the config version that first listed them was merged
    until: dt.datetime | None  # when the first version without them was merged; None: still listed at the end

    def as_dict(self) -> dict[str, Any]:
        return {"unit": self.unit, "roles": list(self.roles), "since": self.since.isoformat(),
                "until": self.until.isoformat() if self.until else None}


@dataclasses.dataclass(frozen=True)
class Person:
    key: str  # policy.login_key of the login: how the host compares accounts
    login: str  # as the latest config listing them spells it (else as asked for)
    name: str  # people[].name of the latest config version listing them; the login when none gives one
    stints: tuple[Stint, ...] = ()  # oldest first
    admin: bool = False  # a platform admin in cluster.yaml at the end of the range
    note: str = ""  # why the name is the login ("" when the name comes from a unit.yaml)

    @property
    def listed(self) -> bool:
        """Whether some unit.yaml has listed them (else they are shown as their login)."""
        return bool(self.stints)

    @property
    def units(self) -> tuple[str, ...]:
        """The units they were listed in, in the order they joined them (ids at the end of the range)."""
        return tuple(dict.fromkeys(s.unit for s in self.stints))

    @property
    def shown(self) -> str:
        """As people read them wherever a login would appear: ``policy.shown`` — ``陈浩（chen-hao-fgw）``, or
        the login with a short note when no unit.yaml names them."""
        if self.listed and self.name != self.login:
            return policy.shown(self.name, self.login)
        if self.listed:
            return policy.shown("", self.login, "unit.yaml 中没有写姓名")
        return policy.shown("", self.login, policy.ADMIN_NOT_NAMED if self.admin else policy.NOT_LISTED)

    def as_dict(self) -> dict[str, Any]:
        return {"login": self.login, "name": self.name, "units": list(self.units), "admin": self.admin,
                "stints": [s.as_dict() for s in self.stints], "note": self.note}


@dataclasses.dataclass
class Directory:
    """login -> person as of the end of a range (see the module docstring); built by :func:`directory`."""

    tip: str  # the commit the range ends at
    portal: str  # the portal unit's id at the end
    people: dict[str, Person]  # login_key -> person: everyone a unit.yaml or the admins ever listed
    unit_names: dict[str, str]  # unit id at the end (or when last seen, for a unit since removed) -> its name
    renamed: dict[str, str] = dataclasses.field(default_factory=dict)  # an earlier unit id -> its id at the end

    def person(self, login: str) -> Person:
        """The person with this login; a login nobody lists is a person named by the login, with a note."""
        key = policy.login_key(login)
        return self.people.get(key) or Person(key, str(login), str(login), note=UNLISTED)

    def find(self, author: str) -> Person:
        """The person a sign-off record's author or a git author name stands for: by login, else by the name
        the configs give them (git author names are often names), if only one person has it; else a person
        named as given, with a note."""
        key = policy.login_key(author)
        if key in self.people:
            return self.people[key]
        named = [p for p in self.people.values() if p.listed and p.name == str(author).strip()]
        return named[0] if len(named) == 1 else self.person(author)

    def unit(self, unit_id: str) -> str:
        """A unit id as a sign-off record writes it (at its time) -> the id at the end of the range: renames
        followed, the portal's requirement key (``policy.PORTAL_UNIT``) is the portal unit."""
        if unit_id == policy.PORTAL_UNIT:
            return self.portal
        seen = set()
        while unit_id in self.renamed and unit_id not in seen:
            seen.add(unit_id)
            unit_id = self.renamed[unit_id]
        return unit_id

    def unit_name(self, unit_id: str) -> str:
        if unit_id == policy.PLATFORM:
            return "平台文件"
        unit_id = self.unit(unit_id)
        return self.unit_names.get(unit_id, unit_id)


def config_log(root: Path, tip: str) -> list[Commit]:
    """Main's first-parent history up to ``tip``, oldest first: every commit (its time, parents, subject), with
    only its changes to :data:`CONFIG_PATHS`. One ``git log``; pass it to :func:`directory` and
    ``reviews.trusted`` so they share it."""
    return history.first_parent_history(root, tip, paths=CONFIG_PATHS)


def china(timestamp: int) -> dt.datetime:
    """Seconds since the epoch -> China time, naive (the statistics' moments)."""
    return dt.datetime.fromtimestamp(timestamp, CHINA).replace(tzinfo=None)


def directory(root: Path, tip: str, log: Sequence[Commit] | None = None) -> Directory:
    """Everyone the configs have listed up to ``tip`` (the last commit of the statistics range), by login.

    Reads every version of ``content/*/unit.yaml`` on main's first-parent history up to ``tip`` and the
    ``content/cluster.yaml`` of ``tip`` (portal, admins). ``log`` is :func:`config_log` ``(root, tip)`` when
    the caller has it already (else it is read here). Returns a :class:`Directory`: ``person(login)`` never
    fails (a login nobody lists is shown as the login with a note), ``unit(id)`` maps a unit id of any time to
    its id at the end, ``unit_name(id)`` its name then."""
    root = Path(root)
    versions = _unit_versions(list(log) if log is not None else config_log(root, tip))
    cluster_spec = f"{tip}:{CLUSTER}"
    specs = [v.spec for v in versions if v.spec] + [cluster_spec]
    blobs = dict(zip(specs, history.cat_files(root, specs)))
    read = _UnitReader(blobs)
    builder = _Builder()
    for version in versions:
        if version.renamed_from:
            builder.rename(version.renamed_from, version.unit)
        unit = read(version.spec, version.unit) if version.spec else None
        if version.spec and unit is None:
            continue  # a version that cannot be read (broken YAML) changes nobody's place; check refused it
        builder.version(version.unit, unit, version.when)
    config = _cluster(blobs.get(cluster_spec), cluster_spec)
    return builder.finish(tip, config.portal if config else "", config.admins if config else [])


@dataclasses.dataclass(frozen=True)
class _Version:
    """One commit's change to one unit's ``unit.yaml``."""

    unit: str  # the unit's id then
    when: dt.datetime
    spec: str  # ``rev:path`` of the new version; "" when the file was deleted
    renamed_from: str | None = None  # the unit's id before, when its folder was renamed


def _unit_versions(commits: Sequence[Commit]) -> list[_Version]:
    versions = ConfigVersions(None)
    out = []
    for commit in commits:
        versions.advance(commit)
        for change in commit.files:
            if _is_config(change.path) and change.path != CLUSTER:
                spec = versions.snapshot().spec(change.path) if change.status != "D" else ""
                before = change.old_path.split("/")[1] if change.status == "R" and change.old_path else None
                out.append(_Version(change.path.split("/")[1], china(commit.time), spec or "", before))
    return out


class _UnitReader:
    """The ``name`` and ``people`` of unit.yaml versions; most versions differ only in columns, so each
    distinct text is parsed once."""

    def __init__(self, blobs: dict[str, bytes | None]) -> None:
        self.blobs = blobs
        self.parsed: dict[tuple[str, bytes], object] = {}

    def __call__(self, spec: str, unit_id: str) -> Unit | None:
        blob = self.blobs.get(spec)
        if not blob:
            return None
        if (unit_id, blob) not in self.parsed:
            blocks = _top_level_blocks(blob.decode("utf-8", "replace"), ("name", "people"))
            self.parsed[(unit_id, blob)] = _parse_config(blocks, spec, unit_id)
        found = self.parsed[(unit_id, blob)]
        return found if isinstance(found, Unit) else None


def _cluster(blob: bytes | None, spec: str) -> ClusterConfig | None:
    if not blob:
        return None
    found = _parse_config(_top_level_blocks(blob.decode("utf-8", "replace"), ("portal", "admins")), spec, "")
    return found if isinstance(found, ClusterConfig) else None


class _Builder:
    """The stints of every person, from the unit config versions in the order they were merged."""

    def __init__(self) -> None:
        self.lineage: dict[str, list[str]] = {}  # unit id now -> [its id at the end] (shared across renames)
        self.current: dict[str, dict[str, tuple[str, str, tuple[str, ...]]]] = {}  # unit id -> key -> (login, name, roles)
        self.open: dict[tuple[int, str], dict[str, Any]] = {}  # (lineage, person key) -> the open stint
        self.stints: dict[str, list[dict[str, Any]]] = {}  # person key -> stints (dicts until finish)
        self.latest: dict[str, tuple[dt.datetime, str, str]] = {}  # person key -> (when, login, name)
        self.names: dict[int, str] = {}  # lineage -> the unit's latest name
        self.renamed: dict[str, str] = {}

    def _line(self, unit_id: str) -> list[str]:
        return self.lineage.setdefault(unit_id, [unit_id])

    def rename(self, old: str, new: str) -> None:
        line = self.lineage.pop(old, None) or [old]
        self.lineage[new] = line
        self.current[new] = self.current.pop(old, {})
        self.renamed[old] = new

    def version(self, unit_id: str, unit: Unit | None, when: dt.datetime) -> None:
        line = self._line(unit_id)
        ident = id(line)
        now: dict[str, tuple[str, str, tuple[str, ...]]] = {}
        if unit is not None:
            self.names[ident] = unit.name
            for person in unit.people:
                now[policy.login_key(person.id)] = (person.id, person.name, person.roles)
        before = self.current.get(unit_id, {})
        for key in before.keys() - now.keys():  # left the unit (or the unit.yaml was removed)
            stint = self.open.pop((ident, key))
            stint["until"] = when
        for key, (login, name, roles) in now.items():
            found = self.open.get((ident, key))
            if found is not None:
                stint = found
            else:
                stint = self.open[(ident, key)] = {"line": line, "roles": set(), "since": when, "until": None}
                self.stints.setdefault(key, []).append(stint)
            stint["roles"].update(roles)
            if key not in self.latest or when >= self.latest[key][0]:
                earlier = self.latest.get(key, (when, login, ""))[2]
                self.latest[key] = (when, login, name.strip() or earlier)
        self.current[unit_id] = now

    def finish(self, tip: str, portal: str, admins: Sequence[str]) -> Directory:
        for unit_id, line in self.lineage.items():
            line[0] = unit_id  # the id each unit ends with
        unit_names = {line[0]: self.names[id(line)] for line in self.lineage.values() if id(line) in self.names}
        people: dict[str, Person] = {}
        order = {role: i for i, role in enumerate(ROLE_ORDER)}
        for key, stints in self.stints.items():
            _, login, name = self.latest[key]
            shown = tuple(Stint(s["line"][0], tuple(sorted(s["roles"], key=lambda r: (order.get(r, len(order)), r))),
                                s["since"], s["until"]) for s in stints)
            people[key] = Person(key, login, name or login, shown, note="" if name else "unit.yaml 中没有写姓名，按登录名显示")
        for login in admins:
            key = policy.login_key(login)
            if key in people:
                people[key] = dataclasses.replace(people[key], admin=True)
            else:
                people[key] = Person(key, str(login), str(login), admin=True, note=ADMIN_ONLY)
        renamed = {old: new for old, new in self.renamed.items() if old != new}
        return Directory(tip, portal, people, unit_names, renamed)
