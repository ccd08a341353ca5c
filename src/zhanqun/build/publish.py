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

from zhanqun.build.view import SiteView
from zhanqun.cache import code_digest

_RENAME_EXCHANGE = 2


def fingerprint(view: SiteView) -> str:
    """Digest of everything that can change a site's bytes."""
    cluster = view.cluster
    root = cluster.root
    digest = hashlib.sha256()

    def add(label: str, data: bytes) -> None:
        digest.update(label.encode() + b"\0" + hashlib.sha256(data).digest())

    add("code", code_digest().encode())
    add("today", cluster.today.isoformat().encode())
    for folder in ("themes", "plugins", "schemas"):
        for path in sorted((root / folder).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                add(path.relative_to(root).as_posix(), path.read_bytes())
    for path in [root / "pelicanconf.py", root / "content" / "cluster.yaml", *sorted((root / "content").glob("*/unit.yaml"))]:
        if path.is_file():
            add(path.relative_to(root).as_posix(), path.read_bytes())
    units = set(view.site.unit_ids)
    for unit_id in sorted(units):
        for path in sorted((root / "content" / unit_id).rglob("*")):
            if path.is_file():
                add(path.relative_to(root).as_posix(), path.read_bytes())
    # What this site shows of other sites: titles, dates and links of pushed, headlined, tagged and
    # cross-referenced items (their bodies live on their own site).
    outside = [
        {k: i.meta.get(k) for k in ("title", "name", "date", "push_to_portal", "homepage", "tags", "policy",
                                     "index_no", "withdrawn", "publish_at", "importance", "status", "expires")}
        | {"rel": i.rel, "unit": i.unit_id}
        for i in cluster.items if i.unit_id not in units
    ]
    add("outside", json.dumps(outside, ensure_ascii=False, sort_keys=True, default=str).encode())
    return digest.hexdigest()


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
    return result == 0
