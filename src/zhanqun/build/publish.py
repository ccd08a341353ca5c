"""Fingerprints and publishing: a site is rebuilt only when its inputs changed, built aside, and swapped
in one step; unchanged files keep their inode and mtime, so rsync and deploys see only real changes."""

from __future__ import annotations

import ctypes
import ctypes.util
import filecmp
import hashlib
import json
import os
import shutil
from collections.abc import Collection
from pathlib import Path
from typing import TYPE_CHECKING

from zhanqun.build import feeds
from zhanqun.build.view import SiteView
from zhanqun.cache import blob_id, code_digest

if TYPE_CHECKING:
    from zhanqun.cluster import Cluster

_RENAME_EXCHANGE = 2


def fingerprint(view: SiteView) -> str:
    """Digest of everything that can change a site's bytes (issue 16: per-site dependency sets).

    Three parts: what every site shares (:func:`_shared_digest`: code, theme, schemas, every config file, today's
    date); every file under the site's own unit folders and which of its items are not out yet (embargo,
    unanswered messages: R3.10, R9); and, of other units, only the items the site shows
    (:attr:`SiteView.dependencies`) with their front matter, plus their feed summary where a feed shows it. A
    cluster's own templates or ``build: plugins:`` can read anything: then every file of every unit counts, every item
    of the other units with its front matter, and which of them are not out yet."""
    cluster = view.cluster
    digest = hashlib.sha256()
    digest.update(_shared_digest(cluster).encode())
    units = set(view.site.unit_ids)
    anything = reads_anything(view)
    # code that can read anything can show any file of any unit (a body in full, an attachment's size): then every
    # unit's files count as the site's own do (issue 16, aincr)
    for unit_id in sorted(cluster.units if anything else units):
        digest.update(_unit_digest(cluster, unit_id).encode() + b"\n")
    for item in cluster.items:  # in file order: the same files give the same order
        # code that can read any item can read whether it is out: then every item's embargo counts (issue 16,
        # aincr: the portal stayed stale when another unit's pushed item's embargo passed)
        if (anything or item.unit_id in units) and not cluster.published(item):
            digest.update(b"held\0" + item.rel.encode("utf-8", "surrogateescape") + b"\n")
    if anything:
        shown = {i.rel: True for i in cluster.items if i.unit_id not in units}
    else:
        shown = view.dependencies
    records = _records(cluster)
    for rel in sorted(shown):
        digest.update(records.line(rel, summary=shown[rel]))
    return digest.hexdigest()


class _Records:
    """Per item of the cluster, the line a fingerprint digests of it when another site shows it: path and front
    matter, with the feed summary when asked (computed once per build, shared by every site)."""

    def __init__(self, cluster: Cluster) -> None:
        self._items = {item.rel: item for item in cluster.items}
        self._lines: dict[tuple[str, bool], bytes] = {}

    def line(self, rel: str, summary: bool) -> bytes:
        key = (rel, summary)
        found = self._lines.get(key)
        if found is None:
            item = self._items[rel]
            shown: list[object] = [item.rel, item.meta, feeds.summary(item) if summary else None]
            found = self._lines[key] = json.dumps(shown, ensure_ascii=False, sort_keys=True,
                                                  default=str).encode("utf-8", "surrogateescape") + b"\n"
        return found


def _records(cluster: Cluster) -> _Records:
    cached: _Records | None = getattr(cluster, "_zq_records", None)
    if cached is None:
        cached = cluster._zq_records = _Records(cluster)  # type: ignore[attr-defined]  # once per build
    return cached


def reads_anything(view: SiteView) -> bool:
    """Whether the site's pages come from code other than zhanqun's own templates and plugins: ``build: plugins:``,
    or a cluster template that is not byte for byte the package's (they may read any item of the cluster)."""
    if view.plugins:
        return True
    cache: dict[Path, bool] = view.cluster.__dict__.setdefault("_zq_reads_anything", {})
    if view.code_root not in cache:
        cache[view.code_root] = _own_templates_differ(view.code_root)
    return cache[view.code_root]


def _own_templates_differ(code_root: Path) -> bool:
    from zhanqun import defaults
    from zhanqun.build.pelican_run import own_theme

    own = own_theme(code_root)
    if own is None or not (own / "templates").is_dir():
        return False
    shipped = defaults.theme_dir() / "templates"
    for path in (own / "templates").rglob("*"):
        if path.is_file() or path.is_symlink():
            twin = shipped / path.relative_to(own / "templates")
            if path.is_symlink() or not twin.is_file() or twin.read_bytes() != path.read_bytes():
                return True
    return False


def _unit_digest(cluster: Cluster, unit_id: str) -> str:
    """Every file under ``content/<unit>/`` by path: an item by the sha256 its parse was made from, any other file
    (unit.yaml, attachments, images) by its git blob id, from git's index when git vouches for it (issue 16: no
    file read twice), else from its bytes."""
    cache: dict[str, str] = cluster.__dict__.setdefault("_zq_unit_digests", {})
    if unit_id in cache:
        return cache[unit_id]
    root = cluster.root
    shas: dict[str, str] | None = cluster.__dict__.get("_zq_item_shas")
    if shas is None:
        shas = cluster.__dict__["_zq_item_shas"] = {item.rel: item.sha for item in cluster.items + cluster.invalid}
    blobs: dict[str, str] = getattr(cluster, "_zq_blobs", None) or {}
    found: list[str] = []
    stack = [f"content/{unit_id}"]
    while stack:  # DirEntry carries the type: no stat per file; never into a link (C011 refuses them first)
        folder = stack.pop()
        try:
            entries = list(os.scandir(root / folder))
        except OSError:
            continue
        for entry in entries:
            rel = f"{folder}/{entry.name}"
            if entry.is_dir(follow_symlinks=False):
                stack.append(rel)
            elif entry.is_file(follow_symlinks=False):
                sha = shas.get(rel) or blobs.get(rel) or blob_id(Path(entry.path).read_bytes())
                found.append(f"{rel}\0{sha}\n")  # any name: F008 refuses a build first
    digest = hashlib.sha256()
    for line in sorted(found):
        digest.update(line.encode("utf-8", "surrogateescape"))
    cache[unit_id] = digest.hexdigest()
    return cache[unit_id]


def _shared_digest(cluster: Cluster) -> str:
    """What every site shares, computed once per build: zhanqun's code, the package's theme, plugins and schemas,
    the cluster's own ones, every config file (cluster.yaml, calendar.yaml, each unit.yaml: names and addresses of
    every unit are on every site's navigation, map and responsibility table) and today's date (expiry marks, the
    statistics' 截至 line)."""
    cached: str | None = getattr(cluster, "_zq_shared_digest", None)
    if cached:
        return cached
    root = cluster.root
    digest = hashlib.sha256()
    digest.update(code_digest().encode() + cluster.today.isoformat().encode())
    # the package's defaults (R11.1), then the cluster's own theme files, plugins and schema overrides
    from zhanqun import __version__, defaults

    digest.update(f"zhanqun {__version__}\n".encode())
    from zhanqun.build import search

    digest.update(f"pagefind {search.binary_version()}\n".encode())  # the search bundle it writes (R3.7)
    shipped = [defaults.path("themes"), defaults.plugins_dir(), defaults.path("schemas")]
    for folder in shipped:
        for path in sorted(folder.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(b"zhanqun:" + path.relative_to(folder.parent).as_posix().encode("utf-8", "surrogateescape") + b"\0"
                              + hashlib.sha256(path.read_bytes()).digest())
    digest.update(hashlib.sha256(defaults.path("pelicanconf.py").read_bytes()).digest())
    own = [root / folder for folder in ("themes", "plugins", "schemas")]
    paths = [p for folder in own if folder.is_dir() and not any(defaults.same(folder, s) for s in shipped)
             for p in sorted(folder.rglob("*")) if p.is_file() and "__pycache__" not in p.parts]
    paths += [root / "content" / "cluster.yaml", root / "content" / "calendar.yaml",
              *sorted((root / "content").glob("*/unit.yaml"))]
    if any(item.type == "reply" for item in cluster.items):  # the holiday schedule behind the replies' statistics
        from importlib.metadata import version

        digest.update(f"chinese-calendar {version('chinese-calendar')}\n".encode())
    for path in paths:
        if path.is_file():
            digest.update(path.relative_to(root).as_posix().encode("utf-8", "surrogateescape") + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    shared = digest.hexdigest()
    cluster._zq_shared_digest = shared  # type: ignore[attr-defined]  # kept on the cluster: once per build
    return shared


def stamp_path(output: Path, host: str) -> Path:
    return output / ".zhanqun" / f"{host}.fingerprint"


def is_current(output: Path, host: str, print_: str) -> bool:
    stamp = stamp_path(output, host)
    return (output / host).is_dir() and stamp.is_file() and stamp.read_text() == print_


def gone(output: Path, kept: Collection[str]) -> list[str]:
    """The site folders of ``output`` a build wrote (they hold a manifest) whose host is not in ``kept``."""
    from zhanqun.deploy import manifest

    if not output.is_dir():
        return []
    return sorted(p.name for p in output.iterdir() if not p.name.startswith(".") and p.name not in kept
                  and p.is_dir() and not p.is_symlink() and (p / manifest.NAME).is_file())


def remove(output: Path, host: str) -> None:
    """Remove the site ``output/<host>``: its fingerprint and search record first, then the folder, renamed aside
    in one step (a reader sees the whole site or none)."""
    from zhanqun.build import search

    stamp_path(output, host).unlink(missing_ok=True)
    search.forget(output, host)
    aside = output / ".zhanqun" / f"removed-{host}"
    shutil.rmtree(aside, ignore_errors=True)
    os.rename(output / host, aside)
    shutil.rmtree(aside)


def publish(staging: Path, output: Path, host: str, print_: str) -> int:
    """Swap ``staging`` in as ``output/host``. Returns the number of files that actually changed. The fingerprint
    and the search bundle's record (``search.remember``) describe the published folder: both are removed before
    the swap and written after it."""
    from zhanqun.build import search

    target, built = output / host, staging
    changed = _reuse_unchanged(staging, target)
    stamp = stamp_path(output, host)
    stamp.parent.mkdir(parents=True, exist_ok=True)
    stamp.unlink(missing_ok=True)  # a crash between swap and stamp only costs a rebuild
    search.forget(output, host)
    if target.exists():
        if not _exchange(staging, target):
            old = staging.with_name(staging.name + ".old")
            os.rename(target, old)
            os.rename(staging, target)
            staging = old
        shutil.rmtree(staging)
    else:
        os.rename(staging, target)
    stamp.write_text(print_)
    search.remember(built, output, host)
    return changed


def _reuse_unchanged(staging: Path, target: Path) -> int:
    changed = 0
    for dirpath, _, files in os.walk(staging):
        for name in files:
            new = Path(dirpath) / name
            old = target / new.relative_to(staging)
            if old.is_file() and old.stat().st_size == new.stat().st_size and filecmp.cmp(old, new, shallow=False):
                tmp = new.with_name(name + ".zq-link")
                os.link(old, tmp)
                os.replace(tmp, new)
            else:
                changed += 1
    return changed


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two directories (Linux renameat2). False where unsupported."""
    libc_name = ctypes.util.find_library("c")
    if not libc_name:
        return False
    libc = ctypes.CDLL(libc_name, use_errno=True)
    if not hasattr(libc, "renameat2"):
        return False
    at_fdcwd = -100
    result = libc.renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), _RENAME_EXCHANGE)
    return bool(result == 0)


def tree_digest(code_root: Path, plugins: tuple[str, ...]) -> str:
    """The theme and plugins a build takes from ``code_root`` (``--code-from``, issue 15) and its plugin list."""
    digest = hashlib.sha256(json.dumps(list(plugins)).encode())
    for folder in ("themes", "plugins"):
        for path in sorted((code_root / folder).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(path.relative_to(code_root).as_posix().encode("utf-8", "surrogateescape") + b"\0"
                              + hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()
