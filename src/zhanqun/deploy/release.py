"""Atomic deploys (R6.2): ``DIR/HOST/releases/<id>/`` holds each release whole, ``DIR/HOST/current`` is a
symlink switched in one ``rename``. A deploy killed at any point leaves ``current`` on a complete release: the
new release is copied under a temporary name, renamed into place, and only then does ``current`` move.

Files identical to the release being replaced are hard-linked, not copied, so a deploy costs what changed.
``history.json`` lists the releases in the order they went live, for ``rollback``.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from zhanqun.deploy import manifest
from zhanqun.deploy.rules import DISK_FULL, NOT_WRITABLE, TAMPERED
from zhanqun.errors import UsageError, ZhanqunError, disk_problem, is_disk_full
from zhanqun.source import load_json

_ID = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._-]{0,80}$")
_HOST = re.compile(r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$")


def deploy(host: str, source: Path, target: Path, keep: int = 5) -> str:
    """Deploy the built site ``source`` as a new release of ``host`` under ``target``; returns its id.

    Every file is checked against the build's manifest while it is copied (read once): a build folder
    changed after the build is refused, and nothing of it goes live. One deploy or rollback of a host at a time."""
    _check_host(host)
    if not Path(source).is_dir():
        raise UsageError(f"{source} 不是构建好的站点目录。", hint="先运行 zhanqun build，再用 --from output/<主机名>。")
    data = manifest.read(source)  # a build's output always has one: refuse anything else
    if data.get("host") not in (host, None):
        raise UsageError(f"{source} 是 {data.get('host')} 的站点，不是 {host}。", hint="检查 --from 与主机名是否对应。")
    release = release_id(data)
    home = target / host
    with _locked(home):
        releases = home / "releases"
        final = releases / release
        if final.is_dir() and (not manifest.verify(final)[1].clean or _signature(final) != _signature(source)):
            # (a release whose signature was removed or changed on the server is as altered as a changed page)
            # an existing release that was altered on the server: set aside, deployed afresh below
            os.rename(final, releases / f".{release}.tampered-{os.getpid()}")
        if not final.is_dir():
            current = _current(home)
            tmp = releases / f".{release}.partial-{os.getpid()}"
            shutil.rmtree(tmp, ignore_errors=True)
            try:
                _copy(source, tmp, data["files"], current)
                os.rename(tmp, final)  # complete, or not there at all
            except ZhanqunError:
                shutil.rmtree(tmp, ignore_errors=True)
                raise
            except OSError as exc:
                shutil.rmtree(tmp, ignore_errors=True)
                raise _write_failed(exc, home) from None
        try:
            switch(home, release)
        except OSError as exc:
            raise _write_failed(exc, home) from None
        with contextlib.suppress(OSError):  # the release is live; what is not pruned now goes next time
            _prune(home, keep)
    return release


def _write_failed(exc: OSError, home: Path) -> ZhanqunError:
    """A copy or switch that could not be written (a full disk above all): nothing went live."""
    what = disk_problem(exc)
    where = f"（{exc.filename}）" if exc.filename else ""
    if is_disk_full(exc):
        return ZhanqunError(f"部署到 {home} 时{what}{where}。不完整的新版本已删除，current 仍指向原来的版本。",
                            code=DISK_FULL, hint="清理该磁盘（旧的发布版本、日志等）或扩大配额后，重新运行 zhanqun deploy。")
    return ZhanqunError(f"无法写入部署目录 {home}：{what}{where}。不完整的新版本已删除，current 未改变。", code=NOT_WRITABLE,
                        hint="检查部署目录是否存在、运行部署的用户是否有写权限。")


@contextlib.contextmanager
def _locked(home: Path) -> Iterator[None]:
    """One deploy or rollback of a host at a time (a second one waits)."""
    try:
        (home / "releases").mkdir(parents=True, exist_ok=True)
        handle = open(home / ".lock", "a")
    except OSError as exc:
        raise ZhanqunError(f"无法写入部署目录 {home}：{exc.strerror}", code=NOT_WRITABLE,
                           hint="检查部署目录是否存在、运行部署的用户是否有写权限。") from None
    with handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def _signature(folder: Path) -> bytes | None:
    try:
        return (folder / manifest.SIGNATURE).read_bytes()
    except OSError:
        return None


def release_id(data: dict[str, Any]) -> str:
    """The commit (short) and a digest of the files: the same build deploys as the same release."""
    digest = hashlib.sha256(json.dumps(data["files"], sort_keys=True).encode()).hexdigest()[:10]
    commit = re.sub(r"[^0-9A-Za-z-]", "", str(data.get("commit") or "nocommit"))[:17]
    return f"{commit}-{digest}"


def switch(home: Path, release: str) -> None:
    """Point ``home/current`` at ``releases/<release>`` in one rename, and note it in history.json."""
    if not (home / "releases" / release).is_dir():
        raise UsageError(f"没有发布版本 {release}。", hint=f"可用的版本：{', '.join(list_releases(home)) or '（无）'}")
    link = home / f".current.{os.getpid()}"
    history = _history_file(home, [r for r in _history(home) if r != release] + [release])
    try:
        # both written before anything moves: a full disk fails here, with current untouched
        link.unlink(missing_ok=True)
        os.symlink(Path("releases") / release, link)
    except OSError:
        history.unlink(missing_ok=True)
        raise
    os.replace(link, home / "current")
    os.replace(history, home / "history.json")


def _write_history(home: Path, history: list[str]) -> None:
    os.replace(_history_file(home, history), home / "history.json")


def _history_file(home: Path, history: list[str]) -> Path:
    """history.json's next version, written aside (removed again if it cannot be written whole)."""
    tmp = home / f".history.{os.getpid()}"
    try:
        tmp.write_text(json.dumps(history, indent=1) + "\n", encoding="utf-8")
    except OSError:
        tmp.unlink(missing_ok=True)
        raise
    return tmp


def rollback(host: str, target: Path, release: str | None = None) -> str:
    """Switch ``current`` back to ``release``, or to the release that was live before the current one. A release
    altered on the server is refused (deploy its build again instead)."""
    _check_host(host)
    home = target / host
    if _current(home) is None:
        raise UsageError(f"{home} 还没有部署过。", hint="先运行 zhanqun deploy。")
    with _locked(home):
        current = _current(home)
        if current is None:  # removed while this waited for the lock
            raise UsageError(f"{home} 还没有部署过。", hint="先运行 zhanqun deploy。")
        if release is None:
            earlier = [r for r in _history(home) if r != current.name and (home / "releases" / r).is_dir()]
            if not earlier:
                raise UsageError("没有更早的发布版本可以回滚。", hint=f"当前版本：{current.name}")
            release = earlier[-1]
        if not _ID.match(release):
            raise UsageError(f"发布版本名 {release} 不合法。")
        if (home / "releases" / release).is_dir() and not manifest.verify(home / "releases" / release)[1].clean:
            raise ZhanqunError(f"发布版本 {release} 在服务器上被改动过，不能回滚到它。", code=TAMPERED,
                               hint="用该版本的构建重新运行 zhanqun deploy（它会重新复制）。")
        history = _history(home)
        switch(home, release)
        # the release rolled back from goes to the front, so a second rollback does not bounce back to it
        rest = [r for r in history if r not in (release, current.name)]
        _write_history(home, [current.name, *rest, release])
    return release


def list_releases(home: Path) -> list[str]:
    folder = home / "releases"
    return sorted(p.name for p in folder.iterdir() if p.is_dir() and not p.name.startswith(".")) if folder.is_dir() else []


def _current(home: Path) -> Path | None:
    link = home / "current"
    return link.resolve() if link.is_symlink() and link.resolve().is_dir() else None


def _history(home: Path) -> list[str]:
    try:
        data = load_json((home / "history.json").read_text(encoding="utf-8"))
        return [str(r) for r in data] if isinstance(data, list) else []
    except (OSError, ValueError):
        return list_releases(home)


def _copy(source: Path, dest: Path, expected: dict[str, str], previous: Path | None) -> None:
    """Copy ``source`` to ``dest``, checking each file against ``expected`` (the manifest) as it is read. A file
    the previous release has with the same digest is a hard link to it (already checked when it went live)."""
    before: dict[str, str] = {}
    if previous is not None:
        try:
            before = manifest.read(previous)["files"]
        except ZhanqunError:
            before = {}
    seen = set()
    for dirpath, dirnames, names in os.walk(source):
        rel_dir = Path(dirpath).relative_to(source)
        for name in dirnames:
            if (Path(dirpath) / name).is_symlink():
                raise ZhanqunError(f"站点中有符号链接 {(rel_dir / name).as_posix()}，拒绝部署。", code=TAMPERED,
                                   hint="站点只能是普通文件和目录。")
        (dest / rel_dir).mkdir(parents=True, exist_ok=True)
        for name in names:
            src = Path(dirpath) / name
            rel = (rel_dir / name).as_posix()
            if rel in (manifest.NAME, manifest.SIGNATURE):
                shutil.copy2(src, dest / rel)
                continue
            if src.is_symlink():
                raise ZhanqunError(f"站点中有符号链接 {rel}，拒绝部署。", code=TAMPERED, hint="站点只能是普通文件。")
            want = expected.get(rel)
            if want is None:
                raise ZhanqunError(f"{rel} 不在构建清单中（构建后被加入），拒绝部署。", code=TAMPERED, hint="重新运行 zhanqun build。")
            seen.add(rel)
            old = previous / rel if previous is not None else None
            if old is not None and before.get(rel) == want and old.is_file() and not old.is_symlink() \
                    and _sha256(old) == want:  # re-read: a file altered on the server is not passed on
                os.link(old, dest / rel)
                continue
            if _copy_checked(src, dest / rel) != want:
                raise ZhanqunError(f"{rel} 与构建清单不符（构建后被改动），拒绝部署。", code=TAMPERED, hint="重新运行 zhanqun build。")
    missing = sorted(set(expected) - seen)
    if missing:
        raise ZhanqunError(f"构建目录缺少清单中的 {len(missing)} 个文件（如 {missing[0]}），拒绝部署。", code=TAMPERED,
                           hint="重新运行 zhanqun build。")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def _copy_checked(src: Path, dest: Path) -> str:
    """Copy one file, returning the sha256 of the bytes written."""
    digest = hashlib.sha256()
    with open(src, "rb") as reader, open(dest, "wb") as writer:
        while block := reader.read(1 << 20):
            digest.update(block)
            writer.write(block)
    shutil.copystat(src, dest)
    return digest.hexdigest()


def _prune(home: Path, keep: int) -> None:
    """Keep the ``keep`` releases that went live last (the current one always), and no partial copies."""
    current = _current(home)
    history = _history(home)
    keep_names = set(history[-max(keep, 1):]) | ({current.name} if current else set())
    for path in (home / "releases").iterdir():
        if path.name.startswith(".") and ".tampered-" in path.name:
            continue  # kept for the investigation (001 §15): removed by hand
        if path.name.startswith(".") and ".partial-" in path.name:
            pid = path.name.rsplit("-", 1)[-1]
            if pid.isdigit() and _alive(int(pid)):
                continue  # another deploy is copying right now
            shutil.rmtree(path, ignore_errors=True)
        elif path.is_dir() and path.name not in keep_names:
            shutil.rmtree(path, ignore_errors=True)
    _write_history(home, [r for r in history if (home / "releases" / r).is_dir()])


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _check_host(host: str) -> None:
    if not _HOST.match(host):
        raise UsageError(f"主机名 {host} 不合法。", hint="写完整的主机名，如 www.shilixian.gov.cn。")
