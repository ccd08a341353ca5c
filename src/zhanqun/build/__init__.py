"""``zhanqun build``: one static site per host, never half-written (R3.1)."""

from __future__ import annotations

import contextlib
import dataclasses
import fcntl
import multiprocessing
import os
import shutil
import tempfile
import traceback
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from zhanqun.build import stamp
from zhanqun.build.rules import BUILD_DISK_FULL, BUILD_RUNNING, PARSE_CACHE_LOST, SEARCH_INDEX_FAILED, SITE_FAILED
from zhanqun.errors import FindingsError, ZhanqunError, disk_problem, is_disk_full

if TYPE_CHECKING:  # the rest is imported only when the build has something to do (issue 16: no-change builds)
    from zhanqun import cluster as cluster_mod
    from zhanqun.build.view import SiteView
    from zhanqun.preview import Preview

__all__ = ["BuildReport", "build_cluster"]


@dataclasses.dataclass
class BuildReport:
    output: Path
    built: dict[str, int] = dataclasses.field(default_factory=dict)  # host -> files changed
    unchanged: list[str] = dataclasses.field(default_factory=list)
    removed: list[str] = dataclasses.field(default_factory=list)  # sites the cluster no longer has
    warnings: int = 0

    def text(self) -> str:
        lines = [f"{host}：已构建，{n} 个文件有变化" for host, n in self.built.items()]
        lines += [f"{host}：内容未变，跳过" for host in self.unchanged]
        lines += [f"{host}：站群中已没有这个站点，已从输出目录删除" for host in self.removed]
        lines.append(f"输出目录：{self.output}" + (f"（有 {self.warnings} 个警告，用 zhanqun check 查看）" if self.warnings else ""))
        return "\n".join(lines)


def build_cluster(root: Path, output: Path, hosts: Sequence[str] = (), *, jobs: int = 1, strict: bool = False,
                  key_text: str | None = None, preview: tuple[str, str] | None = None,
                  code_from: str | None = None) -> BuildReport:
    """Build ``hosts`` (every site when empty) into ``output``. ``preview`` (preview domain, pull request number)
    makes it a preview build (issue 15, :mod:`zhanqun.preview`): into an output folder of its own, every cluster
    host mapped to its preview host, every page noindex with the banner. ``code_from`` (a revision) takes the
    theme, the plugins and ``build: plugins:`` from that commit instead of the working tree (the base's code
    for a pull request's preview: its own templates and plugins are code and do not run)."""
    root = root.resolve()
    output = output.resolve()
    # issue 16: when nothing a build reads has changed since the last successful one with these options, every
    # site is current; found from git's index and a walk of the inputs, without loading the cluster (stamp.py)
    stamp_file, key, now = None, None, stamp.reference_time()
    if preview is None and code_from is None and now is not None:
        options = stamp.options_text(root, output, hosts, strict, key_text is not None)
        key = stamp.inputs_key(root, options, now)
        if key is not None:
            stamp_file = stamp.path_for(output, options)
            found = stamp.current(stamp_file, key, output, now)
            if found is not None:
                from zhanqun.preview import build as preview_build

                preview_build.refuse_preview_output(output)
                return BuildReport(output, unchanged=list(found.hosts), warnings=found.warnings)
    from zhanqun import cluster as cluster_mod
    from zhanqun.findings import Severity
    from zhanqun.preview import build as preview_build

    cluster, findings = cluster_mod.load(root, jobs=jobs)
    blocking = [f for f in findings if f.severity is Severity.ERROR or strict]
    if cluster is None or blocking:
        raise FindingsError(blocking or findings)
    sites = list({s.host: s for s in map(cluster.site, hosts)}.values()) if hosts else cluster.sites()
    the_preview = preview_build.prepare(cluster, output, preview, [s.host for s in sites]) if preview else None
    if the_preview is None:
        preview_build.refuse_preview_output(output)
    with preview_build.code_of(root, code_from, cluster.config.build_plugins) as (code_root, plugins):
        report, prints = _build(cluster, findings, sites, output, code_root, plugins, the_preview, jobs, key_text,
                                every_site=not hosts)
    if stamp_file is not None and key is not None:  # only after a build that succeeded
        stamp.write(stamp_file, stamp.Stamp(key, _until(cluster), [s.host for s in sites], prints, report.warnings,
                                            cluster.now.isoformat()))
    return report


def _until(cluster: cluster_mod.Cluster) -> str | None:
    """The first moment after the build's reference time at which time alone changes a site: the earliest embargo
    (``publish_at``, R3.10) still to pass. Everything else that depends on time does so by the day (expiry, replies
    answered, the statistics' date), and today's date is part of the stamp's key."""
    import datetime as dt

    from zhanqun.content import to_datetime

    now = cluster.now
    later = []
    for item in cluster.items:
        when = item.meta.get("publish_at")
        if not when:
            continue
        moment = to_datetime(when) if isinstance(when, str) else when
        if not isinstance(moment, dt.datetime):  # a shape this does not know: the stamp holds for no time at all
            return now.isoformat()
        if moment > now:
            later.append(moment)
    return min(later).isoformat() if later else None


def _build(cluster: cluster_mod.Cluster, findings: Sequence[object], sites: Sequence[cluster_mod.Site], output: Path,
           code_root: Path, plugins: tuple[str, ...], the_preview: Preview | None, jobs: int,
           key_text: str | None, every_site: bool = False) -> tuple[BuildReport, dict[str, str]]:
    """Build the sites whose fingerprint changed; returns the report and every site's fingerprint. A build of every
    site also removes the sites the cluster no longer has (a unit that became a channel, a removed unit, a new
    label: a build from nothing would not write them)."""
    from zhanqun.build import code, publish
    from zhanqun.build.view import SiteView

    # build.plugins were judged from their source by the checks (B004, B005); now they are loaded, from .py
    # source only, before any site is built: a plugin failing to load stops here with its file and line
    code.load_plugins(code_root, plugins)
    report = BuildReport(output, warnings=len(findings))
    todo: list[tuple[SiteView, str]] = []  # (site, its fingerprint)
    prints: dict[str, str] = {}
    for site in sites:
        view = SiteView(cluster, site, preview=the_preview, code_root=code_root, plugins=plugins)
        # whether the manifest is to be signed is part of what a build is: an unsigned output is not current
        # for a signed build (and the other way round)
        print_ = publish.fingerprint(view) + (":signed" if key_text else "")
        if the_preview is not None or code_root != cluster.root:
            print_ += f":{the_preview.key if the_preview else ''}:{publish.tree_digest(code_root, plugins)}"
        prints[site.host] = print_
        if publish.is_current(output, site.host, print_):
            report.unchanged.append(site.host)
        else:
            todo.append((view, print_))
    gone = publish.gone(output, prints) if every_site and the_preview is None else []
    if not todo and not gone:
        return report, prints
    if the_preview is not None:
        from zhanqun.preview import build as preview_build

        preview_build.mark_output(output, the_preview)
    staging_root = output / ".zhanqun" / "staging"
    with _exclusive(output):
        if todo:
            _stage_and_publish(todo, staging_root, output, jobs, report, key_text)
        for host in gone:  # after the sites that linked to them were published
            publish.remove(output, host)
            report.removed.append(host)
    return report, prints


@contextlib.contextmanager
def _exclusive(output: Path) -> Iterator[None]:
    """One build at a time per output folder: a second one is refused, not interleaved."""
    (output / ".zhanqun").mkdir(parents=True, exist_ok=True)
    with open(output / ".zhanqun" / "lock", "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ZhanqunError(f"另一个构建正在写入 {output}，请等它结束后再试。", code=BUILD_RUNNING) from None
        yield


def _stage_and_publish(todo: list[tuple[SiteView, str]], staging_root: Path, output: Path, jobs: int, report: BuildReport,
                       key_text: str | None = None) -> None:
    from zhanqun.build import publish
    from zhanqun.deploy import manifest

    shutil.rmtree(staging_root, ignore_errors=True)
    staging_root.mkdir(parents=True)
    try:
        _build_all([(v, staging_root / v.host, output / v.host) for v, _ in todo], jobs)
        commit = manifest.commit_of(todo[0][0].cluster.root)
        try:
            for view, _ in todo:  # R6.3: the sha256 of every file, for zhanqun verify on the server
                # a preview's manifest names its preview host: it is deployed and verified under that name
                named = view.preview.hosts[view.host] if view.preview is not None else view.host
                manifest.write(staging_root / view.host, named, commit, key_text)
        except OSError as exc:
            if not is_disk_full(exc):
                raise
            raise ZhanqunError(f"写入构建清单时{disk_problem(exc)}，输出目录保持原样。", code=BUILD_DISK_FULL,
                               hint="清理构建机磁盘（旧的 output、.zhanqun-cache 等）后重新构建。") from None
        # Every site built: only now does anything in the output change.
        for view, print_ in todo:
            report.built[view.host] = publish.publish(staging_root / view.host, output, view.host, print_)
    finally:
        shutil.rmtree(staging_root, ignore_errors=True)


_WORK: list[tuple[SiteView, Path, Path]] = []  # (site, its staging folder, the folder it replaces)


def _build_one(index: int) -> str | None:
    from zhanqun.build import pelican_run, publish, search

    view, staging, last = _WORK[index]
    try:
        for item in view.items_by_path.values():  # read from the parse cache here: Pelican's reader would bury B010
            _ = item.html
        pelican_run.run(view, staging)
        # the fingerprint would not cover them: a later edit of one would leave this site stale (a cluster's own
        # templates or plugins make every item a dependency: nothing to check then)
        missing = [] if publish.reads_anything(view) else view.undeclared()
        if missing:
            raise RuntimeError(f"site {view.host} showed items outside its dependency set: {missing[:5]}")
        if view.preview is not None:  # before the index and the manifest: both see the preview's bytes (issue 15)
            from zhanqun.preview import rewrite

            rewrite.apply(staging, view.preview, view.cluster.config.domain)
        search.index(staging, view.host, last)  # R3.7: the site's search bundle, inside the staging folder (issue 14)
    except FindingsError as exc:
        return "；".join(f"{f.path}:{f.line}: {f.code} {f.message}" for f in exc.findings)
    except ZhanqunError as exc:  # one hint: the build's
        return f"{exc.code}: {exc.message}" if exc.code in (SEARCH_INDEX_FAILED, PARSE_CACHE_LOST) else str(exc)
    except Exception as exc:
        if isinstance(exc, OSError) and is_disk_full(exc):
            return f"{BUILD_DISK_FULL}: 站点 {view.host} 构建时{disk_problem(exc)}（{exc.filename or staging}）。"
        fd, log = tempfile.mkstemp(prefix=f"zhanqun-build-{view.host}-", suffix=".log")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            traceback.print_exc(file=handle)
        return f"站点 {view.host} 构建时出现内部错误，详细信息已写入 {log}，请发给电子政务办。"
    return None


def _build_all(work: list[tuple[SiteView, Path, Path]], jobs: int) -> None:
    _WORK[:] = work
    if jobs <= 1 or len(work) == 1:
        results = [_build_one(i) for i in range(len(work))]
    else:
        # fork: workers inherit the loaded cluster (and _WORK) instead of pickling it
        with multiprocessing.get_context("fork").Pool(min(jobs, len(work))) as pool:
            results = pool.map(_build_one, range(len(work)), chunksize=1)
    failures = [r for r in results if r]
    if failures and all(f.startswith(BUILD_DISK_FULL) for f in failures):
        raise ZhanqunError("构建失败，输出目录保持原样：\n" + "\n".join(failures), code=BUILD_DISK_FULL,
                           hint="清理构建机磁盘（旧的 output、.zhanqun-cache 等）后重新构建。")
    if failures and all(f.startswith(PARSE_CACHE_LOST) for f in failures):
        raise ZhanqunError("构建失败，输出目录保持原样：\n" + "\n".join(failures), code=PARSE_CACHE_LOST,
                           hint="等构建结束后再清理 .zhanqun-cache，然后重新构建。")
    if failures and all(f.startswith(SEARCH_INDEX_FAILED) for f in failures):
        raise ZhanqunError("构建失败，输出目录保持原样：\n" + "\n".join(failures), code=SEARCH_INDEX_FAILED,
                           hint="重新安装 zhanqun（它依赖 pagefind[extended]）后重新构建；仍然失败请把完整输出发给电子政务办。")
    if failures:
        raise ZhanqunError("构建失败，输出目录保持原样：\n" + "\n".join(failures), code=SITE_FAILED)
