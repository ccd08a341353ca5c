"""``zhanqun inspect`` as a library function (R7.3): load the cluster as it stood at one moment, read main's
history once, run every inspection rule module, and assemble the :class:`~zhanqun.inspect.model.Report`.

Rule modules are pure (``problems(ctx)``); this module is the I/O: git (through :mod:`zhanqun.inspect.timeline`)
and ``cluster.load``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

from zhanqun import cache as cache_mod, cluster as cluster_mod, content
from zhanqun.audit import history
from zhanqun.errors import FindingsError, UsageError
from zhanqun.findings import Severity
from zhanqun.inspect import content_rules, freshness, replies, timeline
from zhanqun.inspect.model import Context, Level, Moment, Problem, Report, SiteReport

_ORDER = {Level.VETO: 0, Level.DEDUCT: 1, Level.WARN: 2}


@dataclasses.dataclass
class Comparison:
    """A change judged by inspection (a pull request): its base and head at the same moment."""

    base: Report
    head: Report

    @property
    def fixed(self) -> list[Problem]:
        keys = {p.key for p in self.head.all_problems()}
        return [p for p in self.base.all_problems() if p.key not in keys]

    @property
    def created(self) -> list[Problem]:
        keys = {p.key for p in self.base.all_problems()}
        return [p for p in self.head.all_problems() if p.key not in keys]

    @property
    def creates_veto(self) -> bool:
        return any(p.level is Level.VETO for p in self.created)

    def to_json(self) -> dict[str, Any]:
        return {"base": self.base.to_json(), "head": self.head.to_json(),
                "fixed": [p.to_json() for p in self.fixed], "created": [p.to_json() for p in self.created],
                "creates_veto": self.creates_veto}


def run(root: Path, hosts: list[str] | tuple[str, ...] | None = None, at: str | None = None,
        compare: str | None = None, *, jobs: int = 1) -> Report | Comparison:
    """Inspect the cluster in ``root``: the working tree at the reference time (``SOURCE_DATE_EPOCH``
    respected), or with ``at`` (a date or a revision) the tree of main as it stood then. With ``compare``
    (a base revision) the base's tree is inspected too, at the same moment, and a :class:`Comparison` returned.
    """
    root = Path(root)
    history.ensure_repo(root)
    if history.is_shallow(root):  # the cut-off would pass for the first import and hide every back-dating
        raise UsageError("这是浅克隆（shallow clone），历史不完整，无法判断信息的实际发布时间。",
                         hint="运行 git fetch --unshallow；CI 中检出时设 fetch-depth: 0。")
    with ThreadPoolExecutor(max_workers=1) as pool:  # git log runs beside the loading (on the other core)
        if compare is None:
            return _run_one(root, hosts, at, None, jobs, pool)
        base = history.resolve(root, compare)
        if base is None:
            raise UsageError(f"--compare 的提交不存在：{compare}", hint="给出合并目标的提交或分支，如 origin/main。")
        base_line = pool.submit(timeline.read, root, base)
        if at is not None:
            head = _run_one(root, hosts, at, None, jobs, pool)
            when = dt.datetime.fromisoformat(head.at)
        else:
            when = cluster_mod.reference_time()
            head = _run_one(root, hosts, None, (base_line, when, base), jobs, pool)
        with timeline.exported(root, base) as tree:
            base_report = inspect_tree(tree, root, when, base, base_line, hosts, jobs)
        return Comparison(base_report, head)


def _run_one(root: Path, hosts: Sequence[str] | None, at: str | None,
             given: tuple[Future[timeline.Timeline], dt.datetime, str] | None, jobs: int, pool: ThreadPoolExecutor) -> Report:
    if at is not None:
        sha, when = timeline.resolve_at(root, at)
        line = pool.submit(timeline.read, root, sha)
        with timeline.exported(root, sha) as tree:
            return inspect_tree(tree, root, when, sha, line, hosts, jobs)
    if given is not None:
        line, when, tip = given
    else:
        resolved = history.resolve(root, timeline.main_branch(root))
        assert resolved is not None  # main_branch names a revision that resolves
        tip = resolved
        line, when = pool.submit(timeline.read, root, tip), cluster_mod.reference_time()
    return inspect_tree(root, root, when, "", line, hosts, jobs, tip=tip)


def inspect_tree(tree: Path, repo: Path, when: dt.datetime, sha: str,
                 future_line: Future[timeline.Timeline] | timeline.Timeline,
                 hosts: Sequence[str] | None, jobs: int = 1, tip: str | None = None) -> Report:
    """The report of the cluster in ``tree`` (the working tree, whose history ends at ``tip``, or a commit
    exported aside) at ``when``; ``line`` is main's history up to it (or the future of it)."""
    working = tip is not None
    cache_dir = None if cache_mod.committed(repo) else repo / cache_mod.CACHE_DIR
    cluster, findings = cluster_mod.load(tree, jobs=jobs, render=False, now=when, cache_dir=cache_dir)
    if cluster is None:
        raise FindingsError([f for f in findings if f.severity is Severity.ERROR])
    sites = [cluster.site(h) for h in hosts] if hosts else cluster.sites()
    sites = list({site.host: site for site in sites}.values())
    line = future_line.result() if isinstance(future_line, Future) else future_line
    if working and tip is not None and line.tip and any(item.rel not in line.first_seen for item in cluster.items):
        # items the history does not know: new in the working tree, or renamed there (which keeps the date)
        line = dataclasses.replace(line, first_seen=dict(line.first_seen), first_version=dict(line.first_version),
                                   changed_later=set(line.changed_later), initial=set(line.initial))
        line.carry_renames(timeline.working_tree_renames(repo, tip))
    published = {}
    live_from = cluster.config.inspect.live_from
    imported = set(line.initial)
    for item in cluster.items:
        first = line.first_seen.get(item.rel)
        if first is not None:
            if live_from is not None and first.date() < live_from:
                imported.add(item.rel)  # the site as the county brought it in before it went live
            # a reference time before the commit (SOURCE_DATE_EPOCH in the past, working tree): as of the moment
            # the item would reach the site now, not on a day still to come
            first = min(first, when)
            embargo = item.meta.get("publish_at")
            published[item.rel] = max(first, content.to_datetime(embargo)) if embargo else first
    ctx = Context(cluster, Moment(when, sha), findings, published, _calendar(tree),
                  first_dates=_first_dates(repo, cluster, line, published, working),
                  imported=imported)
    problems = [*freshness.problems(ctx), *content_rules.problems(ctx), *replies.problems(ctx)]
    problems.sort(key=lambda p: (_ORDER[p.level], p.unit, p.column, p.path, p.code, p.message))
    report = Report(when.isoformat(timespec="minutes"), sha, cluster.config.name,
                    warn_days=cluster.config.inspect.warn_days)
    by_host: dict[str, list[Problem]] = {}
    for problem in problems:
        by_host.setdefault(problem.host, []).append(problem)
    report.problems = by_host.pop("", [])
    for site in sites:
        report.sites.append(SiteReport(
            site.host, freshness.survey(ctx)[site.host].name, list(site.unit_ids),
            columns=freshness.columns(ctx, site.host),
            homepage_last_update=freshness.homepage_last_update(ctx, site.host),
            problems=by_host.get(site.host, []), replies=replies.site_stats(ctx, site)))
    return report


def _calendar(tree: Path) -> Any:
    """The working-day calendar (R9: chinese-calendar and the cluster's content/calendar.yaml)."""
    from zhanqun import workdays

    return workdays.Calendar.load(tree)


def _first_dates(repo: Path, cluster: Any, line: timeline.Timeline, published: dict[str, dt.datetime],
                 working: bool) -> dict[str, str]:
    """J009's evidence: for items now dated after the day they first reached main and changed since (in a
    later commit, or in the working tree), the date their first published version showed — read in bulk, only
    for those few items."""
    wanted = [item for item in cluster.items
              if item.rel in published and item.date.date() > published[item.rel].date()
              and (working or item.rel in line.changed_later) and item.rel in line.first_version]
    blobs = timeline.old_versions(repo, [line.first_version[i.rel] for i in wanted])
    dates = {}
    for item, data in zip(wanted, blobs):
        before = timeline.shown_date(data) if data is not None else None
        if before is not None and before != item.meta["date"]:
            dates[item.rel] = before
    return dates


def due_within(report: Report, days: int) -> list[tuple[str, str]]:
    """(what, due date) for every column and homepage that becomes stale within ``days`` days of the moment
    (``--fail-within`` of the daily scheduled run)."""
    today = dt.datetime.fromisoformat(report.at).date()
    found = []
    for site in report.sites:
        if site.homepage_last_update:
            due = dt.date.fromisoformat(site.homepage_last_update) + dt.timedelta(days=freshness.HOMEPAGE_DAYS)
            if today < due <= today + dt.timedelta(days=days):
                found.append((f"{site.name}（{site.host}）首页", due.isoformat()))
        for state in site.columns:
            if state.stale_on and not state.stale:
                due = dt.date.fromisoformat(state.stale_on)
                if due <= today + dt.timedelta(days=days):
                    found.append((state.name, state.stale_on))
    return found
