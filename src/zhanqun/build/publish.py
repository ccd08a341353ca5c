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
from pathlib import Path
from typing import TYPE_CHECKING

from zhanqun.build import feeds
from zhanqun.build.view import SiteView
from zhanqun.cache import code_digest

if TYPE_CHECKING:
    from zhanqun.cluster import Cluster

_RENAME_EXCHANGE = 2


def fingerprint(view: SiteView) -> str:
    """Digest of everything that can change a site's bytes."""
    cluster = view.cluster
    root = cluster.root
    digest = hashlib.sha256()
    digest.update(_shared_digest(cluster).encode())
    units = set(view.site.unit_ids)
    shas = {item.rel: item.sha for item in cluster.items + cluster.invalid}
    for unit_id in sorted(units):
        for path in sorted((root / "content" / unit_id).rglob("*")):
            if path.is_file():
                rel = path.relative_to(root).as_posix()
                sha = shas.get(rel) or hashlib.sha256(path.read_bytes()).hexdigest()
                digest.update(f"{rel}\0{sha}\n".encode("utf-8", "surrogateescape"))  # any name: F008 refuses a build first
    # What this site shows of other units: titles, dates and links of pushed, headlined, tagged and
    # cross-referenced items (their bodies live on their own site).
    outside = _outside_digests(cluster)
    for unit_id in sorted(set(outside) - units):
        digest.update(f"{unit_id}\0{outside[unit_id]}\n".encode())
    return digest.hexdigest()


_LISTED_KEYS = ("title", "name", "date", "push_to_portal", "homepage", "tags", "policy", "index_no", "withdrawn",
                "publish_at", "importance", "status", "expires", "doc_number",
                "received", "answered", "category", "needs_verification")  # a pushed reply counts in the portal's statistics


def _shared_digest(cluster: Cluster) -> str:
    """Code, theme, plugins, schemas and all config: shared by every site, computed once per build."""
    cached: str | None = getattr(cluster, "_zq_shared_digest", None)
    if cached:
        return cached
    root = cluster.root
    digest = hashlib.sha256()
    digest.update(code_digest().encode() + cluster.today.isoformat().encode())
    # which embargoed items are out by now (a scheduled build at 09:15 must publish the 09:00 item, R3.10)
    for item in sorted(cluster.items, key=lambda i: i.rel):
        if item.meta.get("publish_at"):
            digest.update(f"{item.rel}\0{cluster.published(item)}\n".encode())
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


def _outside_digests(cluster: Cluster) -> dict[str, str]:
    """Per unit, a digest of the listing metadata of its items (what other sites can show of them, a pushed
    item's feed summary too)."""
    cached: dict[str, str] | None = getattr(cluster, "_zq_outside_digests", None)
    if cached is not None:
        return cached
    per_unit: dict[str, hashlib._Hash] = {}
    for item in sorted(cluster.items, key=lambda i: i.rel):
        listed = {k: item.meta.get(k) for k in _LISTED_KEYS}
        if item.meta.get("push_to_portal"):  # the portal's feeds show its summary, from the body when it has none
            listed["feed_summary"] = feeds.summary(item)
        line = json.dumps([item.rel, listed], ensure_ascii=False, sort_keys=True, default=str)
        per_unit.setdefault(item.unit_id, hashlib.sha256()).update(line.encode() + b"\n")
    outside = {unit: d.hexdigest() for unit, d in per_unit.items()}
    cluster._zq_outside_digests = outside  # type: ignore[attr-defined]  # kept on the cluster: once per build
    return outside


def stamp_path(output: Path, host: str) -> Path:
    return output / ".zhanqun" / f"{host}.fingerprint"


def is_current(output: Path, host: str, print_: str) -> bool:
    stamp = stamp_path(output, host)
    return (output / host).is_dir() and stamp.is_file() and stamp.read_text() == print_


def publish(staging: Path, output: Path, host: str, print_: str) -> int:
    """Swap ``staging`` in as ``output/host``. Returns the number of files that actually changed."""
    target = output / host
    changed = _reuse_unchanged(staging, target)
    stamp = stamp_path(output, host)
    stamp.parent.mkdir(parents=True, exist_ok=True)
    stamp.unlink(missing_ok=True)  # a crash between swap and stamp only costs a rebuild
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
