"""Parse cache keyed by content hash (never by mtime: CI checkouts reset mtimes)."""

from __future__ import annotations

import functools
import hashlib
import json
import os
import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import Any

_PACKAGE = Path(__file__).parent


@functools.cache
def code_digest() -> str:
    """Digest of zhanqun's own source: a changed parser invalidates every cached parse."""
    digest = hashlib.sha256()
    for path in sorted(_PACKAGE.rglob("*.py")):
        digest.update(path.relative_to(_PACKAGE).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


CACHE_DIR = ".zhanqun-cache"


def committed(root: Path) -> bool:
    """Whether the parse cache folder of ``root`` is in git (or is a link): then it came with the checkout, its
    entries say whatever its author wanted (no findings, any HTML), and it must not be read."""
    folder = root / CACHE_DIR
    if folder.is_symlink():
        return True
    if not folder.exists() or not (root / ".git").exists():
        return False
    import subprocess

    done = subprocess.run(["git", "-C", str(root), "ls-files", "-z", "--", CACHE_DIR], capture_output=True,
                          env={**os.environ, "LC_ALL": "C", "GIT_NO_REPLACE_OBJECTS": "1"}, check=False)
    return done.returncode == 0 and bool(done.stdout)


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
            for key, value in self._db.execute(f"SELECT key, value FROM parsed WHERE key IN ({marks})", chunk):
                found[key] = json.loads(value)
        return found

    def put_many(self, rows: Iterable[tuple[str, dict[str, Any]]]) -> None:
        if self._db is None:
            return
        try:
            self._db.execute("BEGIN")
            self._db.executemany("INSERT OR REPLACE INTO parsed VALUES (?, ?)",
                                 ((k, json.dumps(v, ensure_ascii=False)) for k, v in rows))
            self._db.execute("COMMIT")
        except sqlite3.Error:
            pass

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
