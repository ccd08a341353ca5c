"""The inspection's git edge (R7.1): when each item first reached main, which moment ``--at`` means, and the
cluster's tree as it stood then.

Everything comes from ONE streamed ``git log --first-parent`` of main (:func:`zhanqun.audit.history.
first_parent_history`), plus one ``git cat-file --batch`` for the few old versions J009 needs and, for the
working tree, one ``git diff`` for its renames. No git call per item.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import io
import re
import shutil
import tarfile
import tempfile
from collections.abc import Iterator
from pathlib import Path

from zhanqun.audit import history
from zhanqun.config import CHINA
from zhanqun.errors import UsageError, ZhanqunError

_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2}))?$")
ITEM_SUFFIX = ".md"


def china(epoch: int) -> dt.datetime:
    """A git time (seconds since the epoch) as China time, naive (as editors write dates)."""
    return dt.datetime.fromtimestamp(epoch, CHINA).replace(tzinfo=None)


@dataclasses.dataclass
class Timeline:
    """What main's first-parent history says about the items, up to one commit."""

    tip: str  # the last commit read ("" for a repository without commits)
    tip_time: dt.datetime | None
    # path -> the moment the commit that first added it landed (renames carry it over)
    first_seen: dict[str, dt.datetime] = dataclasses.field(default_factory=dict)
    # path -> (commit, path then) of the version first published: the old blob J009 compares with
    first_version: dict[str, tuple[str, str]] = dataclasses.field(default_factory=dict)
    # paths changed in a later commit than the one that added them
    changed_later: set[str] = dataclasses.field(default_factory=set)
    # paths added by the repository's first commit: the site as it stood when the county moved to zhanqun
    initial: set[str] = dataclasses.field(default_factory=set)

    def carry_renames(self, renames: dict[str, str]) -> None:
        """Uncommitted renames (new path -> old path) keep the old path's history."""
        for new, old in renames.items():
            if old in self.first_seen and new not in self.first_seen:
                self.first_seen[new] = self.first_seen[old]
                self.first_version[new] = self.first_version[old]
                if old in self.changed_later:
                    self.changed_later.add(new)
                if old in self.initial:
                    self.initial.add(new)


def _is_item(path: str) -> bool:
    return path.startswith("content/") and path.endswith(ITEM_SUFFIX)


def build(commits: list[history.Commit]) -> Timeline:
    """The timeline of ``commits`` (oldest first, as ``first_parent_history`` gives them)."""
    return _build([(c.sha, c.time, [(f.status, f.path, f.old_path) for f in c.files]) for c in commits])


def _build(commits: list[tuple[str, int, list[tuple[str, str, str | None]]]]) -> Timeline:
    """The timeline of (sha, committer time, [(status, path, old path)]) oldest first."""
    if not commits:
        return Timeline("", None)
    line = Timeline(commits[-1][0], china(commits[-1][1]))
    first_seen, first_version, changed, initial = line.first_seen, line.first_version, line.changed_later, line.initial
    root = commits[0][0]
    # paths deleted, with what they had: a path added again is the page the public saw before, not a new one (an old
    # item deleted and committed again with a fresh date is a re-dated item, J009)
    gone: dict[str, tuple[dt.datetime, tuple[str, str], bool]] = {}
    for sha, time, files in commits:
        when = None
        for status, path, old_path in files:
            if not _is_item(path) and not (old_path and _is_item(old_path)):
                continue
            if status == "D":
                if path in first_seen:
                    gone[path] = (first_seen.pop(path), first_version.pop(path), path in initial)
                changed.discard(path)
                initial.discard(path)
            elif status in "AC" and path not in first_seen and path in gone:
                first_seen[path], first_version[path], was_initial = gone.pop(path)
                changed.add(path)
                if was_initial:
                    initial.add(path)
            elif status == "R" and old_path in first_seen:
                old = old_path
                first_seen[path] = first_seen.pop(old)
                first_version[path] = first_version.pop(old)
                if old in changed:
                    changed.discard(old)
                    changed.add(path)
                if old in initial:
                    initial.discard(old)
                    initial.add(path)
                # a rename may carry an edit too (git pairs files by similarity): treat it as one
                changed.add(path)
            elif path in first_seen:
                changed.add(path)
            else:  # A, C, or an R / M of a path not seen (a file that becomes an item)
                when = when or china(time)
                first_seen[path] = when
                first_version[path] = (sha, path)
                if sha == root:
                    initial.add(path)
    return line


# One lean first-parent log: the commit and its time, then the changed paths (-z: NUL-separated, so a path can
# hold any character but NUL). \x01 starts a commit; it cannot begin a status letter or a hash.
_LEAN = ["log", "--first-parent", "--diff-merges=first-parent", "-M", "--name-status", "-z", "--format=%x01%H%x00%ct"]


def _parse_lean(raw: bytes) -> list[tuple[str, int, list[tuple[str, str, str | None]]]]:
    """``git log`` output of :data:`_LEAN`, oldest first. Paths outside content/ are kept out early."""
    commits = []
    for chunk in raw.decode("utf-8", "replace").split("\x01")[1:]:
        tokens = chunk.split("\0")
        if len(tokens) < 2 or not tokens[1].isdigit() or len(tokens[0]) != 40:
            raise ZhanqunError("无法解析 git log 的输出。", hint="请把 git 升级到 2.31 或更新版本后重试。")
        files: list[tuple[str, str, str | None]] = []
        i, end = 2, len(tokens)
        while i < end:
            status = tokens[i].lstrip("\n")
            if not status:
                i += 1
                continue
            kind = status[0]
            if kind in "RC":
                if i + 2 >= end:
                    break
                old, new = tokens[i + 1], tokens[i + 2]
                if new.startswith("content/") or old.startswith("content/"):
                    files.append((kind, new, old))
                i += 3
            else:
                if i + 1 >= end:
                    break
                path = tokens[i + 1]
                if path.startswith("content/"):
                    files.append((kind, path, None))
                i += 2
        commits.append((tokens[0], int(tokens[1]), files))
    commits.reverse()
    return commits


def read(root: Path, rev: str) -> Timeline:
    """The timeline of ``rev``'s first-parent history (one ``git log``)."""
    return _build(_parse_lean(history.git(root, *_LEAN, rev, "--")))


def working_tree_renames(root: Path, rev: str) -> dict[str, str]:
    """Items renamed in the working tree (and index) against ``rev``: new path -> old path."""
    raw = history.git(root, "diff", "-M", "--name-status", "-z", rev, "--", "content")
    tokens = raw.decode("utf-8", "replace").split("\0")
    renames: dict[str, str] = {}
    i = 0
    while i < len(tokens) - 1:
        status = tokens[i]
        if status.startswith(("R", "C")):
            renames[tokens[i + 2]] = tokens[i + 1]
            i += 3
        else:
            i += 2
    return renames


# -- --at ----------------------------------------------------------------------------------------------
def parse_moment(text: str) -> dt.datetime | None:
    """``YYYY-MM-DD`` (the end of that day) or ``YYYY-MM-DD HH:MM``, China time; None if it is not a date."""
    match = _DATE.fullmatch(text.strip())
    if not match:
        return None
    y, m, d, hh, mm = match.groups()
    try:
        if hh is None:
            return dt.datetime(int(y), int(m), int(d), 23, 59, 59)
        return dt.datetime(int(y), int(m), int(d), int(hh), int(mm))
    except ValueError:
        raise UsageError(f"--at 的日期不存在：{text}", hint="写成 2026-11-21 或 2026-11-21 09:30（北京时间）。") from None


def main_branch(root: Path) -> str:
    """The branch the sites are published from: main, else origin/main (a CI checkout), else HEAD."""
    for rev in ("main", "origin/main", "HEAD"):
        if history.resolve(root, rev):
            return rev
    raise UsageError("仓库里还没有任何提交，无法自查。", hint="先提交站群内容（git commit），再运行 zhanqun inspect。")


def resolve_at(root: Path, text: str) -> tuple[str, dt.datetime]:
    """(commit, moment) for ``--at DATE|REV``.

    A date is China time (a bare date means the end of that day) and picks the last first-parent commit of
    main at or before it; a revision picks that commit, at its committer time. One ``git rev-list``: the
    history itself is read beside the loading of that commit's tree.
    """
    when = parse_moment(text)
    if when is None:
        sha = history.resolve(root, text)
        if sha is None:
            raise UsageError(f"--at 既不是日期也不是提交：{text}",
                             hint="写日期 2026-11-21（或 2026-11-21 09:30，北京时间），或者提交哈希、标签、分支名。")
        return sha, china(int(history.git(root, "show", "-s", "--format=%ct", sha).decode().strip()))
    branch = main_branch(root)
    tip = history.resolve(root, branch)
    if tip is not None and when >= china(int(history.git(root, "show", "-s", "--format=%ct", tip).decode().strip())):
        return tip, when  # after the last commit: the tip as it stands (git's --before cannot read years after 2099)
    # git reads a bare number here as anything but a timestamp: the moment goes in with its zone
    stamp = when.strftime("%Y-%m-%d %H:%M:%S +0800")
    found = history.git(root, "rev-list", "--first-parent", "-1", f"--before={stamp}", branch).decode().split()
    if not found:
        first = history.roots(root, branch)[-1]
        shown = china(int(history.git(root, "show", "-s", "--format=%ct", first).decode().strip()))
        stamp = shown.strftime("%Y-%m-%d %H:%M")
        raise UsageError(f"{text} 早于仓库的第一个提交（{stamp}），那时还没有网站内容。",
                         hint=f"给出 {stamp[:10]} 以后的日期。")
    return found[0], when


# -- the tree at a commit ------------------------------------------------------------------------------
_EXPORTED = ("content", "schemas", "rules")


@contextlib.contextmanager
def exported(root: Path, sha: str, wanted: tuple[str, ...] = _EXPORTED) -> Iterator[Path]:
    """The files ``cluster.load`` reads (content/, schemas/, rules/; or the top-level entries ``wanted``) as they
    stood at ``sha``, in a temporary folder removed afterwards. One ``git archive``;
    links and special files are left out (see :func:`_regular_only`)."""
    listed = history.git(root, "ls-tree", "--name-only", sha).decode("utf-8", "replace").split("\n")
    parts = [p for p in wanted if p in listed]
    folder = Path(tempfile.mkdtemp(prefix="zhanqun-inspect-"))
    try:
        if parts:
            data = history.git(root, "archive", "--format=tar", sha, "--", *parts)
            with tarfile.open(fileobj=io.BytesIO(data)) as tar:
                tar.extractall(folder, filter=_regular_only)
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _regular_only(member: tarfile.TarInfo, path: str) -> tarfile.TarInfo | None:
    """Folders and regular files only: a link in an old commit is not followed or recreated (the working
    tree's check reports links, C011)."""
    if not (member.isfile() or member.isdir()):
        return None
    return tarfile.data_filter(member, path)


_FRONT_DATE = re.compile(r"^(?:date|发布日期|日期)[ \t]*:[ \t]*['\"]?([^'\"#\n]*?)['\"]?[ \t]*(?:#.*)?$", re.MULTILINE)


def shown_date(data: bytes) -> str | None:
    """The ``date`` an old version of an item displayed (canonical ``YYYY-MM-DD[ HH:MM]``), read from its front
    matter's top-level ``date:`` line (or its Chinese alias) without parsing the whole file; None if unreadable."""
    text = data.decode("utf-8", "replace")
    if not text.startswith("---"):
        return None
    end = text.find("\n---", 3)
    match = _FRONT_DATE.search(text, 0, end if end > 0 else len(text))
    if not match:
        return None
    from zhanqun.content import parse_date

    return parse_date(match.group(1))[0]


def old_versions(root: Path, specs: list[tuple[str, str]]) -> list[bytes | None]:
    """The bytes of ``(commit, path)`` versions, from one ``git cat-file --batch``."""
    return history.cat_files(root, [f"{sha}:{path}" for sha, path in specs])
