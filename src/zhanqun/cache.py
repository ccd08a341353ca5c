"""Parse cache keyed by content hash (never by mtime: CI checkouts reset mtimes)."""

from __future__ import annotations

import functools
import hashlib
import os
import re
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import orjson

_PACKAGE = Path(__file__).parent


# The libraries whose version decides what a parse holds or a page shows: the Markdown renderers and the
# sanitiser, the YAML loaders, the schema validator, the word gates' automaton, the pinyin tables, the code
# highlighter, Pelican and its templates, the search index, the holiday calendar. Upgrading one (pip install -U
# on the build machine) makes the cached parses and every site's fingerprint another: nothing rendered by the old
# one is kept (issue 16).
LIBRARIES = ("markdown", "pyromark", "nh3", "pyyaml", "ruamel-yaml", "jsonschema-rs", "ahocorasick-rs", "pypinyin",
             "pygments", "pelican", "jinja2", "markupsafe", "pagefind-bin-extended", "chinese-calendar")


@functools.cache
def code_digest() -> str:
    """Digest of zhanqun's own source and of the versions of :data:`LIBRARIES`: a changed parser or renderer
    invalidates every cached parse and every site's fingerprint."""
    digest = hashlib.sha256()
    for path in sorted(_PACKAGE.rglob("*.py")):
        digest.update(path.relative_to(_PACKAGE).as_posix().encode() + b"\0" + path.read_bytes())
    digest.update(library_versions().encode())
    return digest.hexdigest()


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


@functools.cache
def library_versions() -> str:
    """"name version" lines of :data:`LIBRARIES` as Python imports them: the first distribution of each name on
    ``sys.path``, read from the names of the ``*.dist-info``/``*.egg-info`` folders (one listing of each path entry:
    ``importlib.metadata.version`` costs milliseconds a name, on every build). "missing" for one not installed."""
    found: dict[str, str] = {}
    wanted = set(LIBRARIES)
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        for name in names:
            stem, dot, kind = name.rpartition(".")
            if not dot or kind not in ("dist-info", "egg-info"):
                continue
            project, _, rest = stem.partition("-")  # wheel folders escape the name's dashes as underscores
            key = _normal(project)
            if key in wanted and key not in found and rest:
                found[key] = rest.split("-", 1)[0]
    return "".join(f"{name} {found.get(name, 'missing')}\n" for name in LIBRARIES)


CACHE_DIR = ".zhanqun-cache"


def unchanged_blobs(root: Path, top: str = "content") -> Callable[[], dict[str, str]]:
    """Start asking git which regular files under ``top`` are unchanged against the index; returns a function that
    waits for the answer: repository path -> git blob id (``git ls-files -s`` minus ``git diff-files``: git's stat
    data, racy entries included, decide). Both run while the caller walks the tree. Empty outside a git
    repository or when git fails: every file is then read."""
    if not (root / ".git").exists():
        return dict
    from zhanqun import gitio

    # gitio drops a pre-commit hook's GIT_INDEX_FILE: both commands then read the repository's own index, and a
    # file whose stat data differs from it is listed by diff-files and simply read (never a wrong blob id)
    try:
        listed, changed = start_index_blobs(root, "--", top)
    except (OSError, gitio.GitError):
        return dict

    def result() -> dict[str, str]:
        return finish_index_blobs(listed, changed)[0]

    return result


# git's full stat check whatever the repository's config says: a weaker core.checkStat, core.trustctime off,
# core.ignoreStat or a file system monitor could vouch for a file edited in place (issue 16)
STRICT_STAT = ("-c", "core.checkStat=default", "-c", "core.trustctime=true", "-c", "core.fsmonitor=false",
               "-c", "core.ignoreStat=false")


def start_index_blobs(root: Path, *paths: str) -> tuple[subprocess.Popen[bytes], subprocess.Popen[bytes]]:
    """Start ``git ls-files -s -v`` and ``git diff-files`` (:func:`finish_index_blobs` collects them)."""
    from zhanqun import gitio

    return (gitio.start(root, *STRICT_STAT, "ls-files", "-s", "-v", "-z", *paths, stderr_to_null=True),
            gitio.start(root, *STRICT_STAT, "diff-files", "--name-only", "-z", *paths, stderr_to_null=True))


def finish_index_blobs(listed: subprocess.Popen[bytes], changed: subprocess.Popen[bytes],
                       ) -> tuple[dict[str, str], list[str]]:
    """Repository path -> blob id of every regular file git vouches for (the index entry is a plain cached one,
    stage 0, and diff-files does not list it), and every path the index holds; ({}, []) when git failed.
    -v tags entries marked assume-unchanged or skip-worktree, which diff-files never compares: only "H" entries
    are trusted."""
    outputs = [p.communicate()[0] for p in (listed, changed)]
    if listed.returncode != 0 or changed.returncode != 0:
        return {}, []
    dirty = set(outputs[1].decode("utf-8", "surrogateescape").split("\0"))
    blobs = {}
    paths = []
    for entry in outputs[0].decode("utf-8", "surrogateescape").split("\0"):
        head, _, path = entry.partition("\t")
        paths.append(path)
        fields = head.split(" ")  # tag, mode, blob, stage
        # a link is 120000, a submodule 160000; a conflict has stages 1-3
        if (len(fields) == 4 and fields[0] == "H" and fields[3] == "0" and fields[1] in ("100644", "100755")
                and path not in dirty):
            blobs[path] = fields[2]
    return blobs, paths


def blob_id(data: bytes) -> str:
    """git's id of a blob with these bytes (sha1 of the object header and content)."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def committed(root: Path) -> bool:
    """Whether the parse cache folder of ``root`` is in git (or is a link): then it came with the checkout, its
    entries say whatever its author wanted (no findings, any HTML), and it must not be read."""
    folder = root / CACHE_DIR
    if folder.is_symlink():
        return True
    if not folder.exists() or not (root / ".git").exists():
        return False
    from zhanqun import gitio

    try:
        return bool(gitio.ok(root, "ls-files", "-z", "--", CACHE_DIR))
    except gitio.GitError:  # no git at all: nothing is committed
        return False


class ParseCache:
    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._db: sqlite3.Connection | None = None
        if path is not None:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                ignore = path.parent / ".gitignore"
                if not ignore.exists():  # like .pytest_cache: never committed, whatever the repository's .gitignore
                    ignore.write_text("# zhanqun 的解析缓存，可随时删除\n*\n", encoding="utf-8")
                self._db = sqlite3.connect(path, isolation_level=None)
                self._db.execute("PRAGMA journal_mode=WAL")
                self._db.execute("CREATE TABLE IF NOT EXISTS parsed (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
                # a parse's HTML apart from the rest (CachedHtml): a build decodes every item's metadata but needs the
                # HTML only of the items its sites show, read when a page is written
                self._db.execute("CREATE TABLE IF NOT EXISTS html (key TEXT PRIMARY KEY, html TEXT NOT NULL)")
                # git blob id -> sha256 of the same bytes: a file git knows to be unchanged need not be read
                self._db.execute("CREATE TABLE IF NOT EXISTS blobs (blob TEXT PRIMARY KEY, sha TEXT NOT NULL)")
            except sqlite3.Error:
                self._db = None  # an unusable cache only costs time

    def get_many(self, keys: Iterable[str]) -> dict[str, dict[str, Any]]:
        found: dict[str, dict[str, Any]] = {}
        if self._db is None:
            return found
        keys = list(keys)
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            marks = ",".join("?" * len(chunk))
            try:
                rows = self._db.execute(f"SELECT key, value FROM parsed WHERE key IN ({marks})", chunk).fetchall()
            except sqlite3.Error:  # a damaged cache file (issue 16, aincr): each key alone, the damaged ones missed
                rows = self._each(chunk, "SELECT key, value FROM parsed WHERE key = ?")
            for key, value in rows:
                try:  # orjson: a third of json's time over 10,000 cached parses (docs/performance.md)
                    data = orjson.loads(value)
                except orjson.JSONDecodeError:
                    continue  # a damaged entry is a miss: the file is parsed again
                if isinstance(data, dict) and data.get("html") is True and self.path is not None:
                    data["html"] = CachedHtml(self.path, key)
                found[key] = data
        return found

    def _each(self, keys: list[str], query: str) -> list[tuple[str, str]]:
        """The rows of ``query`` for each key alone: those a damaged page hides are left out (a miss)."""
        assert self._db is not None
        rows = []
        for key in keys:
            try:
                row = self._db.execute(query, (key,)).fetchone()
            except sqlite3.Error:
                continue
            if row is not None:
                rows.append(row)
        return rows

    def shas_of(self, blobs: Iterable[str]) -> dict[str, str]:
        found: dict[str, str] = {}
        if self._db is None:
            return found
        blobs = list(blobs)
        for start in range(0, len(blobs), 500):
            chunk = blobs[start : start + 500]
            marks = ",".join("?" * len(chunk))
            try:
                found.update(self._db.execute(f"SELECT blob, sha FROM blobs WHERE blob IN ({marks})", chunk).fetchall())
            except sqlite3.Error:  # damaged (issue 16, aincr): each alone; a blob missed is read and hashed
                found.update(self._each(chunk, "SELECT blob, sha FROM blobs WHERE blob = ?"))
        return found

    def put_shas(self, rows: Iterable[tuple[str, str]]) -> None:
        rows = list(rows)
        if self._db is None or not rows:
            return
        try:
            self._db.execute("BEGIN")
            self._db.executemany("INSERT OR REPLACE INTO blobs VALUES (?, ?)", rows)
            self._db.execute("COMMIT")
        except sqlite3.Error:
            pass

    def put_many(self, rows: Iterable[tuple[str, dict[str, Any]]]) -> bool:
        """Store the parses; True when they are in the cache (its HTML then readable by :class:`CachedHtml`)."""
        if self._db is None:
            return False
        try:
            entries, pages = [], []
            for key, value in rows:
                if isinstance(value.get("html"), str):  # stored apart, with the parse (one transaction)
                    pages.append((key, value["html"]))
                    value = {**value, "html": True}
                entries.append((key, orjson.dumps(value).decode()))
            self._db.execute("BEGIN")
            self._db.executemany("INSERT OR REPLACE INTO parsed VALUES (?, ?)", entries)
            self._db.executemany("INSERT OR REPLACE INTO html VALUES (?, ?)", pages)
            self._db.execute("COMMIT")
        except sqlite3.Error:
            return False
        return True

    def close(self) -> None:
        if self._db is not None:
            self._db.close()


class CachedHtml:
    """The HTML of a cached parse, read from the cache the first time it is asked for (issue 16): a one-site
    rebuild writes the pages of a few hundred items, and decoding the HTML of all 10,000 with their metadata
    cost it a third of a second. The entry is keyed by the file's content hash, like the parse it belongs to,
    so what is read later is what would have been read at load time. Each process opens the cache once
    (build workers are forked: a connection is never shared across a fork)."""

    __slots__ = ("again", "key", "path")

    def __init__(self, path: Path, key: str) -> None:
        self.path = path
        self.key = key
        # the body made again from the item's file when the cache cannot give it (deleted, damaged), None when the
        # file no longer has the bytes the metadata was parsed from (set by the loader)
        self.again: Callable[[], str | None] | None = None

    def read(self) -> str:
        from zhanqun.build.rules import PARSE_CACHE_LOST
        from zhanqun.errors import ZhanqunError

        row = None
        for fresh in (False, True):  # a long-running process (zhanqun serve) may hold a cache deleted and made anew
            try:
                row = _reader(self.path, fresh).execute("SELECT html FROM html WHERE key = ?", (self.key,)).fetchone()
            except sqlite3.Error:
                row = None
            if row is not None and isinstance(row[0], str):
                return row[0]
        # deleted or damaged (issue 16, aincr: a damaged cache failed every build; it only costs time): parsed
        # again from the file, when it still holds the bytes the item's metadata came from
        html = self.again() if self.again is not None else None
        if html is None:
            raise ZhanqunError(f"解析缓存 {self.path} 在构建过程中被删除或改动，读不到一个条目的正文，而该条目的文件也已改动（或读不到），无法重新解析。", code=PARSE_CACHE_LOST,
                               hint="输出目录保持原样。不要在构建进行中保存稿件，构建结束后重新构建即可。")
        return html


_READERS: dict[tuple[int, Path], sqlite3.Connection] = {}


def _reader(path: Path, fresh: bool = False) -> sqlite3.Connection:
    key = (os.getpid(), path)
    if fresh and key in _READERS:
        _READERS.pop(key).close()
    if key not in _READERS:
        # as a URI (read-only), so a folder named with # ? % or spaces is quoted, not read as URI syntax
        _READERS[key] = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True, check_same_thread=False)
    return _READERS[key]
