"""The parse cache shared by CI jobs (issue 16, docs/ci.md): its key, and filling it once for a whole matrix.

A parse cache entry is keyed by the sha256 of an item's bytes and a salt of zhanqun's own code, the schemas and
the rule data (:mod:`zhanqun.cache`), and the versions of the libraries that decide a parse (``cache.LIBRARIES``:
another Python-Markdown or PyYAML renders other HTML from the same bytes). What the salt does not cover is the rest
of the environment (Python's build, a library outside that list). A cache moved between machines (actions/cache)
is therefore keyed by an *environment digest* (zhanqun's code, the Python version, every installed
distribution's name and version) and the commit's tree: jobs with another environment never share a cache.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import platform
import sys
from pathlib import Path

from zhanqun import cache as cache_mod

KEY_PREFIX = "zhanqun-parse"
CACHE_FILE = f"{cache_mod.CACHE_DIR}/parse.sqlite3"  # the one file CI saves and restores (not the folder)


def environment_digest() -> str:
    """What, besides an item's bytes, decides its cached parse: zhanqun's code, Python, the installed packages."""
    digest = hashlib.sha256()
    digest.update(cache_mod.code_digest().encode() + b"\0")
    digest.update(f"{sys.version}\0{platform.machine()}\0".encode())
    dists = sorted({f"{(d.metadata['Name'] or '').lower()}=={d.version}" for d in importlib.metadata.distributions()})
    digest.update("\n".join(dists).encode())
    return digest.hexdigest()


def prefix() -> str:
    """The key's prefix: a cache saved for another commit under the same environment is a good start (its
    entries are content-keyed: an entry of a changed file is never looked up, only stored)."""
    return f"{KEY_PREFIX}-{environment_digest()[:24]}-"


def key(root: Path) -> str:
    """The key of the cache for the commit checked out at ``root``: the prefix and ``HEAD``'s tree."""
    from zhanqun import gitio

    tree = gitio.run(root, "rev-parse", "--verify", "HEAD^{tree}").decode().strip()
    return prefix() + tree


def fill(root: Path, jobs: int) -> tuple[int, bool]:
    """Parse every item of the cluster at ``root`` as ``zhanqun build`` does (rendered: a check is served by the
    same entries), leaving the parses in ``root/.zhanqun-cache``. Returns (entries, whether the cache was usable:
    False for a committed cache, which is never read or written). Findings are not judged here: a build reports
    them."""
    import sqlite3

    from zhanqun import cluster as cluster_mod

    if cache_mod.committed(root):
        return 0, False
    cluster_mod.load(root, jobs=jobs)
    path = root / CACHE_FILE
    if not path.exists():
        return 0, False
    with sqlite3.connect(path) as db:
        (count,) = db.execute("SELECT count(*) FROM parsed").fetchone()
    db.close()
    return int(count), True
