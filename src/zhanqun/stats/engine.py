"""``zhanqun stats`` as a library function (R8.3): per unit, column or person and per period, the items
published, revised and withdrawn, the attachments, the share of each column's update cycle met, and the
replies to the public — every figure recomputable from the git history.

I/O lives here (the history through :mod:`zhanqun.stats.events`, the config and reply items at the range's
end through :func:`snapshot`); the counting is pure (:func:`tally`).
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import enum
import io
import math
import shutil
import tarfile
import tempfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from zhanqun import cluster as cluster_mod
from zhanqun.audit import history
from zhanqun.errors import FindingsError
from zhanqun.findings import Severity
from zhanqun.inspect import replies as replies_mod
from zhanqun.signoff.policy import login_key
from zhanqun.stats import codes, compliance, counted, events, periods

if TYPE_CHECKING:
    from collections.abc import Callable

    from zhanqun.config import ClusterConfig, Column, Unit
    from zhanqun.schemas import SchemaSet
    from zhanqun.stats import people as people_mod
    from zhanqun.workdays import Calendar

    Reviewed = Callable[[periods.Period], dict[str, dict[str, Any]]]
    Pubs = dict[tuple[str, str], list[Any]]
    Outcomes = list[tuple[str, str, replies_mod.Outcome]]

BASIS = "按合入主分支的时间统计（不是头信息里写的日期）"
BY = ("unit", "column", "person")
COUNTS = ("published", "revised", "withdrawn", "attachments")
REPLY_KEYS = ("received", "answered", "on_time", "late", "overdue", "average_workdays")


@dataclasses.dataclass
class Row:
    """One unit, column or person in one period."""

    key: str  # unit id, "unit/column", or the person's login key
    name: str  # as the config at the range's end names it
    unit: str = ""  # the unit's name (column rows; a person's unit)
    published: int = 0
    revised: int = 0
    withdrawn: int = 0
    attachments: int = 0
    compliance: dict[str, Any] | None = None  # compliance.counts; None: no update cycle applies
    replies: dict[str, Any] | None = None  # replies.stats of the messages received in the period
    reviews: dict[str, Any] | None = None  # reviewers: approvals by role and how long they took

    def to_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclasses.dataclass
class PeriodStats:
    period: periods.Period
    rows: list[Row]
    total: Row

    def to_json(self) -> dict[str, Any]:
        return {"label": self.period.label, "from": self.period.first.isoformat(), "to": self.period.last.isoformat(),
                "rows": [r.to_json() for r in self.rows], "total": self.total.to_json()}


@dataclasses.dataclass
class Stats:
    cluster: str
    commit: str  # the last commit of main at or before the range's end
    by: str
    kind: str  # month | quarter | year
    first: dt.date
    last: dt.date
    periods: list[PeriodStats]
    whole: PeriodStats  # the whole range
    notes: list[str] = dataclasses.field(default_factory=list)
    imported: int = 0  # publications of the range left out as the initial import (stats.counted)
    asked_from: dt.date | None = None  # the range's first day as asked, when the history begins later (clipped)
    reviewed: bool | None = None  # --by person: whether the range has sign-off records (None: not asked)

    def to_json(self) -> dict[str, Any]:
        return {"cluster": self.cluster, "commit": self.commit, "by": self.by, "period": self.kind,
                "from": self.first.isoformat(), "to": self.last.isoformat(), "basis": BASIS, "notes": self.notes,
                "imported": self.imported, "asked_from": self.asked_from.isoformat() if self.asked_from else None,
                "reviewed": self.reviewed,
                "periods": [p.to_json() for p in self.periods], "whole": self.whole.to_json()}


def run(root: Path, kind: str = "month", first: str | None = None, last: str | None = None, by: str = "unit",
        unit: str | None = None) -> Stats:
    """The statistics of the cluster in ``root`` (``first``/``last`` as ``--from``/``--to`` give them)."""
    root = Path(root)
    today = cluster_mod.reference_time().date()
    start, end = periods.range_of(kind, first, last, today)
    end = min(end, today)  # nothing after today has happened yet
    whole = periods.whole(start, end)
    with ThreadPoolExecutor(max_workers=1) as pool:  # the config at the range's end is read beside the history
        config = pool.submit(config_at, root, whole.end)
        found = events.read(root, whole.start, whole.end)
        cluster, calendar = config.result()
    if unit is not None and unit not in cluster.units:
        raise _unknown_unit(unit, cluster)
    imports = counted.read(root, found, go_live(root, whole.end, cluster))
    if by != "person":
        return tally(cluster, found, calendar, kind, start, end, by, unit, imports=imports)
    names, reviewed, notes = reviewers(root, found)
    result = tally(cluster, found, calendar, kind, start, end, by, unit, names, reviewed, imports=imports)
    result.reviewed = any(row.reviews for row in result.whole.rows)
    result.notes += notes if result.reviewed else [NO_REVIEWS]
    return result


def go_live(root: Path, end: dt.datetime, at_end: cluster_mod.Cluster | None = None) -> dt.date | None:
    """``inspect.live_from`` as main's newest commit (up to now) states it: the go-live day is a fact about the
    past that a county often writes down later, so every range, and stats, the ranking and the annual report alike,
    use the same day; not the working tree's, which may hold an edit nobody merged. ``at_end``: the cluster already
    read at ``end`` (reused when ``end`` reaches the newest commit)."""
    from zhanqun.inspect import timeline

    now = cluster_mod.reference_time()
    if at_end is not None and end >= now:
        return at_end.config.inspect.live_from
    branch = timeline.main_branch(root)
    if at_end is not None and events.last_commit(root, branch, end) == events.last_commit(root, branch, now):
        return at_end.config.inspect.live_from
    newest, _ = config_at(root, now)
    return newest.config.inspect.live_from


NO_REVIEWS = "没有审核记录：统计区间内合并的变更都没有审核记录（refs/notes/zhanqun），审核次数和用时无法统计。"


def _unknown_unit(unit: str, cluster: cluster_mod.Cluster) -> Exception:
    import difflib

    close = difflib.get_close_matches(unit, list(cluster.units), n=3)
    hint = ("是不是 " + "、".join(close) + "？") if close else "单位：" + " ".join(cluster.units)
    return codes.fail(codes.UNKNOWN_UNIT, f"没有单位 {unit}。", hint)


# -- the config and reply items at the range's end -------------------------------------------------------------
@contextlib.contextmanager
def snapshot(root: Path, tip: str) -> Iterator[Path]:
    """The config files (cluster.yaml, calendar.yaml, every unit.yaml, schemas/, rules/) and the reply items as
    they stood at ``tip``, in a temporary folder: not the other items (two ``git archive`` of just those)."""
    folder = Path(tempfile.mkdtemp(prefix="zhanqun-stats-"))
    try:
        wanted = ["content/cluster.yaml", "content/calendar.yaml", "schemas", "rules"]
        listed = history.git(root, "ls-tree", "--name-only", tip, *wanted).decode("utf-8", "replace").splitlines()
        units = history.git(root, "ls-tree", "--name-only", tip, "content/").decode("utf-8", "replace").splitlines()
        unit_files = [f"{u}/unit.yaml" for u in units if u.count("/") == 1 and not u.endswith(".yaml")]
        _extract(root, tip, [*listed, *unit_files], folder)
        reply_folders = [f"content/{u}/{c}" for u, c in _reply_columns(folder)]
        present = (history.git(root, "ls-tree", "--name-only", tip, *reply_folders).decode().splitlines()
                   if reply_folders else [])
        _extract(root, tip, present, folder)
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _extract(root: Path, tip: str, paths: list[str], folder: Path) -> None:
    if not paths:
        return
    from zhanqun.inspect.timeline import _regular_only

    data = history.git(root, "archive", "--format=tar", tip, "--", *paths)
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        tar.extractall(folder, filter=_regular_only)


def _reply_columns(folder: Path) -> list[tuple[str, str]]:
    from zhanqun import source

    found = []
    for path in sorted((folder / "content").glob("*/unit.yaml")):
        doc, _ = source.load_yaml(path.read_text(encoding="utf-8", errors="replace"), "unit.yaml")
        columns = doc.data.get("columns") if doc is not None and isinstance(doc.data, dict) else None
        for column in columns if isinstance(columns, list) else []:
            if isinstance(column, dict) and column.get("type") == "reply" and column.get("id"):
                found.append((path.parent.name, str(column["id"])))
    return found


def config_at(root: Path, when: dt.datetime) -> tuple[cluster_mod.Cluster, Calendar]:
    """(cluster, working-day calendar) as they stood at the last commit of main at or before ``when`` (kept for the
    next run ending at that commit: :func:`_kept_config`)."""
    from zhanqun.inspect import timeline

    tip = events.last_commit(root, timeline.main_branch(root), when)
    folder = events.kept_folder(root)
    kept = _kept_config(folder, tip)
    if kept is not None:
        cluster, calendar = kept
        cluster.today = when.date()
        return cluster, calendar
    with snapshot(root, tip) as tree:
        cluster, calendar = load_config(tree, when), _calendar(tree)
    _keep_config(folder, tip, cluster, calendar)
    return cluster, calendar


# The config at a commit never changes: what load_config and the calendar made of it is kept beside the walk
# (.git/zhanqun/stats.config-<commit>.json, keyed also by zhanqun's code and the calendar library), so the next run
# ending at that commit reads one small file instead of exporting the files, parsing the YAML and validating it.
# Plain JSON with tagged types and only the classes named here: never pickle (the folder may come from a CI cache).
_CONFIG_VERSION = 1
_CONFIG_KEPT = 8


class _Unkept(Exception):
    """A value the kept config cannot hold exactly: the config is then not kept."""


def _kept_classes() -> dict[str, type]:
    from zhanqun import config, workdays

    return {c.__name__: c for c in (config.Column, config.Person, config.Unit, config.Topic, config.InspectConfig,
                                    config.StatsConfig, config.ClusterConfig, workdays.YearSchedule, Reply)}


def _pack(value: Any, classes: dict[str, type]) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        raise _Unkept("float")  # JSON has no NaN or infinity
    if value is None or type(value) in (bool, int, float, str):
        return value
    if isinstance(value, enum.Enum):
        raise _Unkept(type(value).__name__)  # str() of an enum is not its value
    for plain in (bool, int, float, str):  # ruamel's scalar subclasses: the value they stand for
        if isinstance(value, plain):
            return plain(value)
    if isinstance(value, dt.datetime):
        return {"\0": "datetime", "v": value.isoformat()}
    if isinstance(value, dt.date):
        return {"\0": "date", "v": value.isoformat()}
    if isinstance(value, list):
        return [_pack(v, classes) for v in value]
    if type(value) in (tuple, frozenset):  # (a named tuple would come back as a plain one)
        return {"\0": type(value).__name__, "v": [_pack(v, classes) for v in value]}
    if isinstance(value, dict):
        return {"\0": "dict", "v": [[_pack(k, classes), _pack(v, classes)] for k, v in value.items()]}
    name = type(value).__name__
    if dataclasses.is_dataclass(value) and classes.get(name) is type(value):
        return {"\0": name, "v": {f.name: _pack(getattr(value, f.name), classes) for f in dataclasses.fields(value)}}
    raise _Unkept(name)


def _unpack(value: Any, classes: dict[str, type]) -> Any:
    if isinstance(value, list):
        return [_unpack(v, classes) for v in value]
    if not isinstance(value, dict):
        return value
    tag, inner = value["\0"], value["v"]
    if tag == "datetime":
        return dt.datetime.fromisoformat(inner)
    if tag == "date":
        return dt.date.fromisoformat(inner)
    if tag == "tuple":
        return tuple(_unpack(v, classes) for v in inner)
    if tag == "frozenset":
        return frozenset(_unpack(v, classes) for v in inner)
    if tag == "dict":
        return {_unpack(k, classes): _unpack(v, classes) for k, v in inner}
    return classes[tag](**{k: _unpack(v, classes) for k, v in inner.items()})


def _config_key(tip: str) -> str:
    import importlib.util

    from zhanqun import cache

    spec = importlib.util.find_spec("chinese_calendar")
    library = ""
    if spec is not None and spec.origin:
        constants = Path(spec.origin).with_name("constants.py")
        with contextlib.suppress(OSError):
            info = constants.stat()
            library = f"{constants}:{info.st_size}:{info.st_mtime_ns}"
    return f"{_CONFIG_VERSION}:{tip}:{cache.code_digest()}:{library}"


def _kept_config(folder: Path, tip: str) -> tuple[cluster_mod.Cluster, Calendar] | None:
    """(cluster, calendar) kept for ``tip``, or None (none kept, another code version, unreadable)."""
    import orjson

    from zhanqun import workdays

    try:
        data = orjson.loads((folder / f"stats.config-{tip}.json").read_bytes())
        if data.get("key") != _config_key(tip):
            return None
        classes = _kept_classes()
        config, units, items, years = (_unpack(data[k], classes) for k in ("config", "units", "items", "calendar"))
    except (OSError, ValueError, KeyError, TypeError, AttributeError, orjson.JSONDecodeError):
        return None  # read again and kept anew
    if not (isinstance(config, classes["ClusterConfig"]) and isinstance(units, dict) and isinstance(items, list)
            and isinstance(years, list) and all(isinstance(u, classes["Unit"]) for u in units.values())
            and all(isinstance(i, Reply) for i in items) and all(isinstance(y, classes["YearSchedule"]) for y in years)):
        return None  # (the shape the code writes; anything else is read again)
    calendar = workdays.Calendar(years)
    gone = folder / f"stats.config-{tip}"  # no such folder: as after a snapshot, the exported tree is gone
    # The kept shape was checked above (isinstance on the classes by name, which mypy cannot follow); a kept config
    # has no schemas: it is only counted with, never validated again.
    cluster = cluster_mod.Cluster(gone, cast("ClusterConfig", config), cast("dict[str, Unit]", units),
                                  items, cast("SchemaSet", None), cluster_mod.reference_date(), {})
    return cluster, calendar


def _keep_config(folder: Path, tip: str, cluster: cluster_mod.Cluster, calendar: Calendar) -> None:
    import os

    import orjson

    classes = _kept_classes()
    try:
        data = {"key": _config_key(tip), "config": _pack(cluster.config, classes),
                "units": _pack(cluster.units, classes), "items": _pack(list(cluster.items), classes),
                "calendar": _pack(list(calendar.years.values()), classes)}
    except _Unkept:
        return
    try:
        raw = orjson.dumps(data)
    except TypeError:  # orjson.JSONEncodeError: an integer over 64 bits
        return
    try:
        folder.mkdir(parents=True, exist_ok=True)
        tmp = folder / f".stats.config-{tip}.{os.getpid()}.tmp"
        tmp.write_bytes(raw)
        os.replace(tmp, folder / f"stats.config-{tip}.json")
        for old in sorted(folder.glob("stats.config-*.json"), key=lambda p: p.stat().st_mtime)[:-_CONFIG_KEPT]:
            old.unlink(missing_ok=True)
    except OSError:
        pass  # a read-only copy simply reads the config again next time


def load_config(tree: Path, when: dt.datetime) -> cluster_mod.Cluster:
    """The cluster of a :func:`snapshot`: its config and units validated (``cluster.load_structure``), and its reply
    items read (no other item is: the counts come from git, not from the items' text)."""
    from zhanqun import content

    cluster, findings = cluster_mod.load_structure(tree, item_types={"reply"})
    if cluster is None:
        raise FindingsError([f for f in findings if f.severity is Severity.ERROR])
    cluster.today = when.date()
    for path, rel, unit_id, column_id, content_type in cluster.item_files:
        parsed = content.parse(path.read_bytes(), rel, content_type, cluster.schemas, render=False)
        if parsed.meta is not None:
            # a stats cluster's items are Reply records: the fields replies.judge reads, nothing rendered
            cast("list[Any]", cluster.items).append(Reply(rel, unit_id, column_id, content_type, parsed.meta))
    return cluster


@dataclasses.dataclass(frozen=True)
class Reply:
    """A reply item as :func:`zhanqun.inspect.replies.judge` reads it."""

    rel: str
    unit_id: str
    column_id: str
    type: str
    meta: dict[str, Any]


def _calendar(tree: Path) -> Calendar:
    from zhanqun import workdays

    return workdays.Calendar.load(tree)


# -- counting (pure) ---------------------------------------------------------------------------------------------
def tally(cluster: cluster_mod.Cluster, found: events.History, calendar: Calendar, kind: str, start: dt.date,
          end: dt.date, by: str = "unit", unit: str | None = None, names: People | Directory | None = None,
          reviewed: Reviewed | None = None, imports: counted.Imports | None = None) -> Stats:
    """The :class:`Stats` of ``found`` with names from ``cluster`` (the config at the range's end). For people:
    ``names`` (default :class:`People`; :class:`Directory` follows them through the config history) and
    ``reviewed(period)`` -> {person key: approvals by role and their times} (:func:`reviewers`).

    Only what :func:`zhanqun.stats.counted.counted` keeps is counted (``imports``: the initial import, from
    :func:`zhanqun.stats.counted.read`; default: the go-live day alone). Days before the repository's first commit
    have no record: the range is clipped to it and says so."""
    names = names or People(cluster)
    imports = imports or counted.Imports(first_moment=found.first_commit, live_from=cluster.config.inspect.live_from)
    outcomes = _reply_outcomes(cluster, calendar, end)
    pubs = _publication_days(found)  # imported items too: they are the columns' state at go-live
    kept, _ = counted.counted(found.events, imports)
    _, left_out = counted.counted([e for e in found.events if unit is None or e.unit == unit], imports)
    own = dataclasses.replace(found, events=kept)
    asked = start
    history_from = None  # the first commit's day when messages (dated by their headers) reach back before it
    if found.first_commit is not None and start < found.first_commit.date() <= end:
        start = found.first_commit.date()
        # Messages carry their own received dates (imported with the history): the range keeps them, so stats, the
        # ranking and the annual report count the same messages; only publications have no record before.
        earlier = [o.received for _, _, o in outcomes if asked <= o.received < start]
        if earlier:
            history_from, start = start, min(earlier)
    result = []
    for period in [*periods.split(kind, start, end), periods.whole(start, end)]:
        rows = _rows(cluster, own, names, by, period, calendar, pubs, outcomes, unit, imports)
        if by == "person" and reviewed is not None:
            _add_reviews(rows, reviewed(period), names)
        if by == "person":
            _tell_apart(rows)
        result.append(PeriodStats(period, rows, _total(rows, by, own, period, unit, cluster, calendar, pubs,
                                                       outcomes, imports)))
    stats = Stats(cluster.config.name, found.tip, by, kind, start, end, result[:-1], result[-1], imported=left_out,
                  asked_from=asked if asked != start else None)
    if stats.asked_from is not None:
        stats.notes.append(clipped_note(asked, start))
    if history_from is not None:
        stats.notes.append(f"仓库的历史从 {history_from:%Y-%m-%d} 开始：{start:%Y-%m-%d} 至 "
                           f"{history_from - dt.timedelta(days=1):%Y-%m-%d} 没有发布记录，只按来信日期统计留言。")
    if left_out:
        stats.notes.append(counted.note(left_out, imports))
    if imports.live_from is not None and imports.live_from > start:
        stats.notes.append(f"网站 {imports.live_from:%Y-%m-%d} 上线（inspect.live_from）：栏目更新周期从这一天起考核。"
                           if imports.live_from <= end else
                           f"网站 {imports.live_from:%Y-%m-%d} 才上线（inspect.live_from）：统计区间内不考核栏目更新周期。")
    return stats


def clipped_note(asked: dt.date, first: dt.date) -> str:
    return (f"仓库尚无记录：仓库的历史从 {first:%Y-%m-%d} 开始，{asked:%Y-%m-%d} 至 "
            f"{first - dt.timedelta(days=1):%Y-%m-%d} 没有记录，不统计（统计从 {first:%Y-%m-%d} 算起）。")


class People:
    """Logins (and git author names) to the names in ``unit.yaml``: a person is keyed by
    ``policy.login_key(login)``, named from the config at the range's end (hook: ``zhanqun.stats.people``
    follows them across units and config history when the reviews helper's module is there)."""

    def __init__(self, cluster: cluster_mod.Cluster) -> None:
        self.by_key: dict[str, tuple[str, str]] = {}  # login key -> (name, unit name)
        self.by_name: dict[str, str] = {}  # a person's name -> login key (git author names are often names)
        for unit in cluster.units.values():
            for person in unit.people:
                key = login_key(person.id)
                self.by_key.setdefault(key, (person.name, unit.short_name or unit.name))
                self.by_name.setdefault(person.name, key)

    def key(self, author: str) -> str:
        key = login_key(author)
        if key in self.by_key:
            return key
        return self.by_name.get(author.strip(), key)

    def name(self, key: str) -> tuple[str, str]:
        return self.by_key.get(key, (key, ""))

    def shown(self, key: str, name: str) -> str:
        return name if key in self.by_key else unlisted(name)


UNLISTED = "未在 unit.yaml 登记"


def unlisted(name: str, admin: bool = False) -> str:
    """A git author name or login no unit.yaml lists (a developer, a tool, an admin): shown marked."""
    return f"{name}（{'平台管理员，' if admin else ''}{UNLISTED}）"


def _publication_days(found: events.History) -> dict[tuple[str, str], list[dt.date]]:
    days: dict[tuple[str, str], list[dt.date]] = {key: [moment.date()] for key, moment in found.last_before.items()}
    for event in found.events:
        if event.kind == "published":
            days.setdefault((event.unit, event.column), []).append(event.at.date())
    return days


def _reply_outcomes(cluster: cluster_mod.Cluster, calendar: Calendar, end: dt.date) -> Outcomes:
    """(unit, column, outcome) of every reply item as it stands at the range's end (judged as the inspection
    and the public replies page judge it)."""
    config = cluster.config.inspect
    judged = []
    for item in cluster.items:
        if item.type != "reply":
            continue
        outcome = replies_mod.judge(item, calendar, end, config)
        if outcome is not None:
            judged.append((item.unit_id, item.column_id, outcome))
    return judged


def _key(by: str, event: events.Event, names: People | Directory) -> str:
    if by == "unit":
        return event.unit
    if by == "column":
        return f"{event.unit}/{event.column}"
    return names.key(event.author)


_FIELD = {"published": "published", "revised": "revised", "withdrawn": "withdrawn", "attachment": "attachments"}


def _rows(cluster: cluster_mod.Cluster, found: events.History, names: People | Directory, by: str,
          period: periods.Period, calendar: Calendar, pubs: Pubs, outcomes: Outcomes, unit: str | None,
          imports: counted.Imports) -> list[Row]:
    rows: dict[str, Row] = {}
    units = [u for u in cluster.units.values() if unit is None or u.id == unit]
    if by == "unit":
        for u in units:
            rows[u.id] = Row(u.id, u.name)
    elif by == "column":
        for u in units:
            for column in u.columns.values():
                rows[f"{u.id}/{column.id}"] = Row(f"{u.id}/{column.id}", f"{u.short_name}·{column.name}", u.name)
    for event in found.events:
        if not period.holds(event.at) or (unit is not None and event.unit != unit):
            continue
        key = _key(by, event, names)
        if key not in rows:
            if by == "person":
                name, unit_name = names.name(key)
                rows[key] = Row(key, names.shown(key, name), unit_name)
            else:  # a unit or column gone from the config by the range's end
                rows[key] = Row(key, key)
        setattr(rows[key], _FIELD[event.kind], getattr(rows[key], _FIELD[event.kind]) + 1)
    if by != "person":
        for row in rows.values():
            unit_id, _, column_id = row.key.partition("/")
            chosen = [(u, c) for u, c in _columns(cluster, unit_id) if not column_id or c.id == column_id]
            row.compliance = _compliance(chosen, period, calendar, pubs, found, imports)
            row.replies = _replies([o for u, c, o in outcomes if u == unit_id and (not column_id or c == column_id)],
                                   period) if any(c.type == "reply" for _, c in chosen) else None
    ordered = list(rows.values())
    if by == "person":
        ordered.sort(key=lambda r: (r.unit, r.name, r.key))
    return ordered


def _columns(cluster: cluster_mod.Cluster, unit_id: str) -> list[tuple[Unit, Column]]:
    unit = cluster.units.get(unit_id)
    return [(unit, c) for c in unit.columns.values()] if unit is not None else []


def _compliance(chosen: list[tuple[Unit, Column]], period: periods.Period, calendar: Calendar, pubs: Pubs,
                found: events.History,
                imports: counted.Imports) -> dict[str, Any] | None:
    """The cycle windows of ``chosen`` columns in ``period``, judged from the go-live day (that day counting as the
    first update of every column there by then, as a new column's creation does)."""
    total: dict[str, Any] | None = None
    first = imports.judged_from(period.first)
    if first > period.last:
        return None  # the site was not live yet
    for unit, column in chosen:
        moment = found.column_since.get((unit.id, column.id))
        since = moment.date() if moment else None
        if imports.live_from is not None and period.holds(imports.live_from):  # the site went live in the period
            since = max(since or first, first)
        judged = compliance.column_windows(column, pubs.get((unit.id, column.id), []), first, period.last,
                                           calendar, since)
        if judged is None:
            continue
        total = compliance.add(total or {}, compliance.counts(judged))
    return total


def _replies(outcomes: list[replies_mod.Outcome], period: periods.Period) -> dict[str, Any]:
    stats = replies_mod.stats(o for o in outcomes if period.holds(o.received))
    return {k: stats[k] for k in (*REPLY_KEYS, "pending", "averaged", "gap_years")}


def _total(rows: list[Row], by: str, found: events.History, period: periods.Period, unit: str | None,
           cluster: cluster_mod.Cluster, calendar: Calendar, pubs: Pubs, outcomes: Outcomes,
           imports: counted.Imports) -> Row:
    total = Row("", "合计")
    for row in rows:
        for field in COUNTS:
            setattr(total, field, getattr(total, field) + getattr(row, field))
    if by != "person":
        units = [u for u in cluster.units if unit is None or u == unit]
        chosen = [pair for u in units for pair in _columns(cluster, u)]
        total.compliance = _compliance(chosen, period, calendar, pubs, found, imports)
        if any(c.type == "reply" for _, c in chosen):
            total.replies = _replies([o for u, _, o in outcomes if u in units], period)
    return total


# -- reviewers (zhanqun.stats.reviews, zhanqun.stats.people) --------------------------------------------------
class Directory:
    """:class:`People` through the whole config history (``people.directory``): a person who left a unit or moved
    keeps one key and the name of the latest config listing them; placed in the last unit they were listed in."""

    def __init__(self, directory: people_mod.Directory) -> None:
        self.directory = directory

    def key(self, author: str) -> str:
        return self.directory.find(author).key

    def name(self, key: str) -> tuple[str, str]:
        person = self.directory.people.get(key)
        if person is None:
            return key, ""
        return person.name, self.directory.unit_name(person.units[-1]) if person.units else ""

    def shown(self, key: str, name: str) -> str:
        person = self.directory.people.get(key)
        if person is not None and person.listed:
            return name
        return unlisted(name, admin=person is not None and person.admin)


def reviewers(root: Path, found: events.History) -> tuple[Directory, Reviewed, list[str]]:
    """(names, reviewed, notes) for ``--by person``: the config history's people, each period's approvals per
    person from the sign-off records the audit trusts (one more ``git log``, of the config files only)."""
    from zhanqun.stats import people, reviews

    log = people.config_log(root, found.tip)
    directory = people.directory(root, found.tip, log)
    trust = reviews.trusted(root, found.tip, found.records, log)

    def reviewed(period: periods.Period) -> dict[str, dict[str, Any]]:
        return reviews.summarise(trust, reviews.merged(log, period.start, period.end), directory).by_person()

    whole = reviews.summarise(trust, reviews.merged(log, found.start, found.end), directory)
    notes = [reviews.NOTE] if whole.rows else []
    if whole.untimed:
        notes.append(f"审核记录中有 {whole.untimed} 次批准没有时间（早期记录），只计次数。")
    if whole.left_out:
        notes.append(f"有 {whole.left_out} 条审核记录没有 CI 的有效签名（审计 V009），没有计入。")
    return Directory(directory), reviewed, notes


def _add_reviews(rows: list[Row], reviewed: dict[str, dict[str, Any]], names: People | Directory) -> None:
    """Each person's approvals in the period on their row (a reviewer who published nothing gets a row)."""
    by_key = {row.key: row for row in rows}
    for key, numbers in reviewed.items():
        row = by_key.get(key)
        if row is None:
            name, unit_name = names.name(key)
            name = numbers.get("name") or name
            row = by_key[key] = Row(key, names.shown(key, name), unit_name)
            rows.append(row)
        row.reviews = {k: numbers.get(k) for k in ("approvals", "by_role", "timed", "untimed", "median_hours",
                                                   "average_hours")}
    rows.sort(key=lambda r: (r.unit, r.name, r.key))


def _tell_apart(rows: list[Row]) -> None:
    """Two people of one name (two logins) are shown with their logins."""
    seen: dict[str, int] = {}
    for row in rows:
        seen[row.name] = seen.get(row.name, 0) + 1
    for row in rows:
        if seen[row.name] > 1 and row.key != row.name:
            row.name = f"{row.name}（{row.key}）"
