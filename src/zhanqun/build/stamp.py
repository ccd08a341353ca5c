"""The whole-build stamp (issue 16): a build with nothing changed answers 内容未变 without loading the cluster.

After a successful build, ``output/.zhanqun/build-<options>.json`` records a digest of every input of that build
(:func:`inputs_key`), the span of time in which time changes nothing (from the build's reference time to the
earliest embargo still to pass), the hosts
and their fingerprints and the number of warnings. The next build with the same options computes the key again —
git's index gives the blob id of every tracked file it vouches for, so nothing is read but what git cannot vouch
for — and, when the key is the same, the time is within that span and every host's output and fingerprint are still
there, reports every site unchanged without importing Pelican or loading a single item.

The key covers everything a build's result (pages, findings, failure) depends on:

* every file and folder under the build inputs (``content``, ``schemas``, ``themes``, ``plugins``, ``rules``,
  ``pelicanconf.py``) as it is on disk, walked like the loader walks them (hidden and gitignored files too): a
  file git lists as unchanged by its index blob id (``git ls-files -s`` minus ``git diff-files``, whose stat
  check re-reads racily clean entries), any other by the blob id of its bytes; empty folders by name (an
  undeclared column folder is an error). A link or special file anywhere there: no stamp (C011 refuses it);
* what the check reads elsewhere: compiled code outside the inputs (C021) and a committed parse cache (C014);
* zhanqun's code (the package's sources, its theme, plugins and schemas), its version, Pagefind's and
  chinese-calendar's versions;
* the options (root, output, hosts, strict, signed) and today's date (China time).

Outside a git repository, for previews and ``--code-from``, or when anything is unusual (git fails, a link, a bad
``SOURCE_DATE_EPOCH``), there is no stamp: the build takes the careful path, which loads and fingerprints.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import os
import stat
import sys
from collections.abc import Sequence
from pathlib import Path

STAMP_VERSION = 2  # 2: ``since`` (issue 16, aincr)
INPUTS = ("content", "schemas", "themes", "plugins", "rules", "pelicanconf.py")  # = deploy.manifest.BUILD_INPUTS
CHINA = dt.timezone(dt.timedelta(hours=8))


@dataclasses.dataclass
class Stamp:
    key: str
    until: str | None  # ISO time (China, naive) at which the stamp stops being valid, None: never
    hosts: list[str]  # in the order of the report
    prints: dict[str, str]  # host -> its fingerprint (output/.zhanqun/<host>.fingerprint)
    warnings: int
    # ISO time (China, naive) of the build that wrote it: before it (a clock put back) an embargo passed since may
    # not have passed yet, and the stamp does not answer
    since: str = ""


def reference_time() -> dt.datetime | None:
    """:func:`zhanqun.cluster.reference_time` without importing the loader; None for a malformed
    ``SOURCE_DATE_EPOCH`` (the careful path then reports it)."""
    epoch = (os.environ.get("SOURCE_DATE_EPOCH") or "").strip()
    if not epoch:
        return dt.datetime.now(CHINA).replace(tzinfo=None)
    if not (epoch.isascii() and epoch.isdigit()):
        return None
    try:
        moment = dt.datetime.fromtimestamp(int(epoch), CHINA)
    except (ValueError, OverflowError, OSError):
        return None
    return moment.replace(tzinfo=None) if 1970 <= moment.year <= 2999 else None


def path_for(output: Path, options: str) -> Path:
    return output / ".zhanqun" / f"build-{hashlib.sha256(options.encode()).hexdigest()[:16]}.json"


def options_text(root: Path, output: Path, hosts: Sequence[str], strict: bool, signed: bool) -> str:
    return json.dumps({"root": str(root), "output": str(output), "hosts": list(hosts), "strict": strict,
                       "signed": signed, "version": STAMP_VERSION}, sort_keys=True)


def inputs_key(root: Path, options: str, now: dt.datetime) -> str | None:
    """The digest of every input of a build of ``root`` with ``options`` today, or None when there is none to
    trust (not a git repository, git failing, a link or special file among the inputs)."""
    if not (root / ".git").exists():
        return None
    from zhanqun import gitio
    from zhanqun.cache import blob_id, finish_index_blobs, start_index_blobs

    try:
        listed, dirty = start_index_blobs(root)
    except (OSError, gitio.GitError):
        return None
    digest = hashlib.sha256(options.encode() + b"\0" + now.date().isoformat().encode() + b"\0")
    digest.update(_code_digest().encode())
    walked = _walk(root)  # while git answers
    blobs, paths = finish_index_blobs(listed, dirty)
    if walked is None or not paths:
        return None
    cache_tracked = any(p.startswith(".zhanqun-cache/") for p in paths)
    folders, files = walked
    for rel in folders:
        digest.update(b"d\0" + rel.encode("utf-8", "surrogateescape") + b"\n")
    for rel in files:
        blob = blobs.get(rel)
        if blob is None:
            try:
                blob = blob_id(_read_regular(root / rel))
            except OSError:  # gone or replaced since the walk: nothing to trust
                return None
        digest.update(b"f\0" + rel.encode("utf-8", "surrogateescape") + b"\0" + blob.encode() + b"\n")
    cache = root / ".zhanqun-cache"
    digest.update(f"cache committed {cache_tracked or cache.is_symlink()}\n".encode())
    digest.update(json.dumps(_compiled_elsewhere(root)).encode())
    return digest.hexdigest()


def _read_regular(path: Path) -> bytes:
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            raise OSError("not a regular file")
        return handle.read()


def _walk(root: Path) -> tuple[list[str], list[str]] | None:
    """Every folder and file under the build inputs, by repository path, sorted; None at a link or special file."""
    folders: list[str] = []
    files: list[str] = []
    for top in INPUTS:
        try:
            mode = os.lstat(root / top).st_mode
        except FileNotFoundError:
            continue
        if stat.S_ISREG(mode):
            files.append(top)
            continue
        if not stat.S_ISDIR(mode):
            return None
        stack = [top]
        while stack:
            rel = stack.pop()
            folders.append(rel)
            try:
                entries = list(os.scandir(root / rel))
            except OSError:
                return None
            for entry in entries:
                entry_rel = f"{rel}/{entry.name}"
                if entry.is_dir(follow_symlinks=False):
                    stack.append(entry_rel)
                elif entry.is_file(follow_symlinks=False):
                    files.append(entry_rel)
                else:
                    return None
    folders.sort()
    files.sort()
    return folders, files


def _compiled_elsewhere(root: Path) -> list[str]:
    """The C021 findings' paths, as the check finds them (compiled code where Python could import it from)."""
    from zhanqun import defaults
    from zhanqun.checks import files

    checkout = defaults.checkout()
    if checkout is not None and defaults.same(root, checkout):
        return []
    return sorted(f.path for f in files._compiled_elsewhere(root, files._on_path(None)))


def _code_digest() -> str:
    """zhanqun's code as every site's fingerprint counts it (publish._shared_digest): the package's sources and the
    versions of the libraries that decide a page (``cache.code_digest``: Pelican, the renderers, Pagefind,
    chinese-calendar …), the shipped theme, plugins, schemas and pelicanconf.py, zhanqun's version."""
    from zhanqun import __version__, defaults
    from zhanqun.cache import code_digest

    digest = hashlib.sha256(f"{code_digest()}\nzhanqun {__version__}\npython {sys.version}\n".encode())
    for folder in (defaults.path("themes"), defaults.plugins_dir(), defaults.path("schemas")):
        for dirpath, dirnames, filenames in os.walk(folder):
            dirnames[:] = sorted(d for d in dirnames if d != "__pycache__")
            for name in sorted(filenames):
                path = Path(dirpath) / name
                digest.update(path.relative_to(folder.parent).as_posix().encode("utf-8", "surrogateescape") + b"\0"
                              + hashlib.sha256(path.read_bytes()).digest())
    digest.update(hashlib.sha256(defaults.path("pelicanconf.py").read_bytes()).digest())
    return digest.hexdigest()


def read(path: Path) -> Stamp | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return Stamp(str(data["key"]), data["until"], list(data["hosts"]), dict(data["prints"]), int(data["warnings"]),
                     str(data["since"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def current(path: Path, key: str, output: Path, now: dt.datetime) -> Stamp | None:
    """The stamp at ``path`` when it answers for this build: the same key, ``now`` neither before the build that
    wrote it (a clock put back: an embargo that had passed may not have passed now) nor at its ``until``, every host's output
    folder there with the fingerprint the stamp recorded."""
    found = read(path)
    if found is None or found.key != key:
        return None
    if found.until is not None and now >= dt.datetime.fromisoformat(found.until):
        return None
    try:
        if now < dt.datetime.fromisoformat(found.since):  # the clock went back: what was out may be held again
            return None
    except ValueError:
        return None
    for host in found.hosts:
        try:
            recorded = (output / ".zhanqun" / f"{host}.fingerprint").read_text()
        except OSError:
            return None
        if recorded != found.prints.get(host) or not (output / host).is_dir():
            return None
    return found


def write(path: Path, stamp: Stamp) -> None:
    """Write the stamp (a temporary file renamed over it: a reader sees the old one or the new one)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(dataclasses.asdict(stamp), ensure_ascii=False, sort_keys=True), encoding="utf-8")
    os.replace(tmp, path)


def forget(path: Path) -> None:
    path.unlink(missing_ok=True)
