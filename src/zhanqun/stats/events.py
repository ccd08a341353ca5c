"""The event history of the cluster (R8.3): every publication, revision, withdrawal and attachment, with the
moment it reached the public, read from main's first-parent git history.

Moments, not typed dates (ISSUE12 "Shared facts"): a publication is the first-parent commit that first added
the item (committer time, China time), or its embargo's end (``publish_at``) when later; re-adding a deleted
path restores the page, it is not a new publication. A revision is a later commit changing the item (a rename
alone is not one, a rename with an edit is). A withdrawal is the first commit whose version of the item has
``withdrawn:`` (撤稿), or the deletion of a published item. Renames are followed, unit folders' too
(``git mv content/old content/new`` moves ``unit.yaml`` with the items), so every event is under the path and
unit id it has at the end of the range.

Git is asked in bulk, never once per item: ONE streamed ``git log --first-parent`` of the history up to the range's
end (the lean format of :mod:`zhanqun.inspect.timeline`, with parents and author name), kept in the repository's git
folder keyed by that commit, so a later run ending there reads one file and a run after new merges walks only those
(:meth:`_Walk.extend`); which items are withdrawn or embargoed at the end from one ``cat-file --batch`` of the items
changed since the kept walk (on the first walk, of those a ``git grep -l`` of the tip names); one ``cat-file
--batch`` for the versions of withdrawn and deleted items, each judged once; the unit configs at the end from one
``git ls-tree`` and one ``cat-file --batch``; the range's sign-off notes kept with the notes commit they came from.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import gc
import hashlib
import os
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import orjson

from zhanqun import content, gitio, source
from zhanqun.audit import history
from zhanqun.errors import UsageError, ZhanqunError
from zhanqun.inspect import timeline
from zhanqun.stats import codes

KINDS = ("published", "revised", "withdrawn", "attachment")
ITEM_SUFFIX = ".md"
UNIT_FILE = "unit.yaml"


@dataclasses.dataclass(frozen=True)
class Event:
    kind: str  # "published" | "revised" | "withdrawn" | "attachment"
    at: dt.datetime  # China time, naive: the moment (see the module docstring)
    path: str  # repository path at the end of the range (renames followed)
    unit: str  # unit id at the end of the range
    column: str  # column id
    author: str  # login (the sign-off record's author) or git author name
    commit: str
    deleted: bool = False  # withdrawn by deleting the file


@dataclasses.dataclass
class History:
    start: dt.datetime  # the range, China time (both ends included)
    end: dt.datetime
    tip: str  # the last first-parent commit of main at or before end
    events: list[Event]
    # (unit, column) -> newest publication moment before start (of items still on the site at start)
    last_before: dict[tuple[str, str], dt.datetime]
    # (unit, column) -> when the column first existed (added to unit.yaml, or its first file), if in the range
    column_since: dict[tuple[str, str], dt.datetime]
    records: dict[str, list[history.Record]]  # sign-off records of the range's commits (sha -> records)
    # (unit, column) pairs declared in the unit configs at the tip: the columns the range ends with
    columns: set[tuple[str, str]] = dataclasses.field(default_factory=set)
    first_commit: dt.datetime | None = None  # when the history begins (the repository's first commit)

    def of(self, kind: str) -> list[Event]:
        return [e for e in self.events if e.kind == kind]


def read(root: Path, start: dt.datetime, end: dt.datetime) -> History:
    """The events of main between ``start`` and ``end`` (China time, naive, both included)."""
    root = Path(root)
    history.ensure_repo(root)
    if history.is_shallow(root):
        raise codes.fail(codes.SHALLOW, "这是浅克隆（shallow clone），历史不完整，无法统计。",
                         "运行 git fetch --unshallow；CI 中检出时设 fetch-depth: 0。")
    branch = timeline.main_branch(root)
    tip = last_commit(root, branch, end)
    collecting = gc.isenabled()
    gc.disable()  # tens of thousands of small objects, none cyclic: the collector would only rescan them
    try:
        with ThreadPoolExecutor(max_workers=4) as pool:  # git works on other cores while the walk is read
            folder = kept_folder(root)
            records = pool.submit(_records, root, folder, start, tip)
            walk = _Walk(start, end)
            restored = walk.restore(folder, tip)  # the walk up to the tip kept: one file read
            if not restored:
                walk.extend(root, folder, tip, pool)
            found = walk.finish(root, tip, records.result())
            if not restored or walk.learnt:
                walk.save(folder, tip)
            return found
    finally:
        if collecting:
            gc.enable()


def _records(root: Path, folder: Path, start: dt.datetime, tip: str) -> dict[str, list[history.Record]]:
    """The sign-off records of the range's commits (``history.note_records`` of just those). Kept per range with the
    notes commit they were read from (stats.notes-<range>.json): a later run reads only the notes changed since
    (one ``git diff-tree`` of the two notes commits; a merge after the range changes none of the range's)."""
    base = _base(root, tip, start)
    notes = history.resolve(root, history.NOTES_REF)
    if notes is None:
        return {}
    path = folder / f"stats.notes-{hashlib.sha1(f'{base}..{tip}'.encode()).hexdigest()}.json"
    kept = _kept_records(path, base, tip)
    if kept is not None and kept[0] == notes:
        return kept[2]
    if kept is not None and (records := _updated_records(root, kept, notes)) is not None:
        _keep_records(path, notes, base, tip, kept[1], records)
        return records
    commits = history.git(root, "rev-list", "--first-parent", f"{base}..{tip}" if base else tip).decode().split()
    records = history.note_records(root, only=set(commits))
    _keep_records(path, notes, base, tip, commits, records)
    return records


_NOTES_KEPT = 8  # ranges whose notes are kept


def _kept_records(path: Path, base: str | None, tip: str) -> tuple[str, list[str], dict[str, list[history.Record]]] | None:
    try:
        data = orjson.loads(path.read_bytes())
        notes, commits, records = data["notes"], data["commits"], data["records"]
        if (data.get("version") == 1 and data.get("range") == [base, tip] and isinstance(notes, str)
                and isinstance(commits, list) and isinstance(records, dict)
                and all(isinstance(rs, list) and all(isinstance(r, dict) for r in rs) for rs in records.values())):
            return notes, commits, records
    except (OSError, KeyError, TypeError, AttributeError, orjson.JSONDecodeError):
        pass
    return None


def _updated_records(root: Path, kept: tuple[str, list[str], dict[str, list[history.Record]]],
                     notes: str) -> dict[str, list[history.Record]] | None:
    """The kept records with the notes of the range's commits that changed since (None: cannot tell)."""
    then, commits, records = kept
    try:
        raw = history.git(root, "diff-tree", "-r", "--no-renames", "--name-status", then, notes).decode()
    except UsageError:  # the old notes commit is gone (the notes rewritten and pruned)
        return None
    ours = set(commits)
    changed = [line.split("\t", 1) for line in raw.splitlines() if "\t" in line]
    records = dict(records)
    for status, name in changed:  # removals first: a re-fanned notes tree removes and adds the same note
        if status == "D" and name.replace("/", "") in ours:
            records.pop(name.replace("/", ""), None)
    added = [name for status, name in changed if status != "D" and name.replace("/", "") in ours]
    for name, blob in zip(added, history.cat_files(root, [f"{notes}:{name}" for name in added])):
        records[name.replace("/", "")] = history.parse_records(blob or b"")
    return dict(sorted(records.items()))  # as git notes list orders them: by commit


def _keep_records(path: Path, notes: str, base: str | None, tip: str, commits: list[str],
                  records: dict[str, list[history.Record]]) -> None:
    data = {"version": 1, "range": [base, tip], "notes": notes, "commits": commits, "records": records}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.write_bytes(orjson.dumps(data))
        os.replace(tmp, path)
        for old in sorted(path.parent.glob("stats.notes-*.json"), key=lambda p: p.stat().st_mtime)[:-_NOTES_KEPT]:
            old.unlink(missing_ok=True)
    except (OSError, TypeError):  # TypeError: a record orjson cannot write (then it is read again next time)
        pass


def _base(root: Path, tip: str, start: dt.datetime) -> str | None:
    """The last first-parent commit before the range (None: the range starts with the history)."""
    stamp = (start - dt.timedelta(seconds=1)).strftime("%Y-%m-%d %H:%M:%S +0800")
    found = history.git(root, "rev-list", "--first-parent", "-1", f"--before={stamp}", tip).decode().split()
    return found[0] if found else None


def _on_first_parent_line(root: Path, sha: str, tip: str) -> bool:
    """Whether ``sha`` is ``tip`` or one of its first-parent ancestors: the oldest commit of ``sha..tip`` on the
    first-parent line has ``sha`` as its first parent (one ``rev-list``, stopping at ``sha`` when it is)."""
    listed = gitio.ok(root, "rev-list", "--first-parent", "--parents", f"{sha}..{tip}")
    lines = listed.split(b"\n")[-2:-1] if listed is not None else []
    fields = lines[0].split() if lines else []
    return len(fields) > 1 and fields[1].decode() == sha


# -- git -------------------------------------------------------------------------------------------------
# timeline's lean log, with the parents and the author's name (a NUL-free field last: the file list follows)
_LOG = ["log", "--first-parent", "--diff-merges=first-parent", "-M", "--name-status", "-z",
        "--format=%x01%H%x00%ct%x00%P%x00%an"]


def last_commit(root: Path, branch: str, end: dt.datetime) -> str:
    """The last first-parent commit of ``branch`` at or before ``end`` (T003 when there is none)."""
    stamp = end.strftime("%Y-%m-%d %H:%M:%S +0800")
    found = history.git(root, "rev-list", "--first-parent", "-1", f"--before={stamp}", branch).decode().split()
    if found:
        return found[0]
    first = history.roots(root, branch)[-1]
    shown = timeline.china(int(history.git(root, "show", "-s", "--format=%ct", first).decode().strip()))
    raise codes.fail(codes.BEFORE_HISTORY,
                     f"统计区间在 {end:%Y-%m-%d} 结束，早于仓库的第一个提交（{shown:%Y-%m-%d %H:%M}），那时还没有网站内容。",
                     f"把统计区间改到 {shown:%Y-%m-%d} 以后。")


def _log(root: Path, tip: str) -> list[tuple[str, int, str, str, list[tuple[str, str, str | None]]]]:
    """The first-parent history up to ``tip``, oldest first: (sha, committer time, parents, author name,
    [(status with score, path, old path)]) for the changes under content/. Parsed while git still writes."""
    commits = []
    for piece in gitio.stream(root, *_LOG, tip, "--", "content", separator=b"\x01",
                              hint="确认 git 可用、仓库完整（CI 中 fetch-depth: 0）。"):
        commits.extend(_parse(piece))
    commits.reverse()
    return commits


def _parse(raw: bytes) -> list[tuple[str, int, str, str, list[tuple[str, str, str | None]]]]:
    commits = []
    for chunk in raw.decode("utf-8", "replace").split("\x01"):
        if not chunk:
            continue
        tokens = chunk.split("\0")
        if len(tokens) < 4 or len(tokens[0]) != 40 or not tokens[1].isdigit():
            raise ZhanqunError("无法解析 git log 的输出。", hint="请把 git 升级到 2.31 或更新版本后重试。")
        files: list[tuple[str, str, str | None]] = []
        i, end = 4, len(tokens)
        while i < end:
            status = tokens[i].lstrip("\n")
            if not status:
                i += 1
            elif status[0] in "RC":
                if i + 2 < end:
                    files.append((status, tokens[i + 2], tokens[i + 1]))
                i += 3
            else:
                if i + 1 < end:
                    files.append((status, tokens[i + 1], None))
                i += 2
        commits.append((tokens[0], int(tokens[1]), tokens[2], tokens[3], files))
    return commits


def _git_ok(root: Path, *args: str) -> bytes:
    """``git`` for a command whose exit code 1 means "nothing found" (``git grep``)."""
    return gitio.run(root, *args, accept=(0, 1), hint="确认 git 可用、仓库完整。")


_MARK = r"^(withdrawn|撤稿|publish_at|定时发布)[ \t]*:"
_VALUE = re.compile(r"^[ \t]*['\"]?([^'\"#]*?)['\"]?[ \t]*(?:#.*)?$")


_GREP_OVER = 2000  # more items than this to read: a git grep of the tree names the few with a mark line first


def _marked(root: Path, tip: str) -> set[str]:
    """The files at ``tip`` with a withdrawal or embargo line anywhere (one ``git grep -l``): for many items to read
    (the first walk of a repository), only these are, by :func:`_front_marks`."""
    raw = _git_ok(root, "grep", "-l", "-z", "-I", "-E", "-e", _MARK, tip, "--", "content")
    prefix = f"{tip}:"
    return {name.removeprefix(prefix) for name in raw.decode("utf-8", "replace").split("\0") if name}


def _front_marks(root: Path, tip: str, paths: list[str]) -> tuple[set[str], dict[str, dt.datetime]]:
    """(withdrawn, embargo) at the tip of the item ``paths``, from their front matter (one ``cat-file --batch``; a
    grep with thousands of pathspecs matches each against every file of the tree: slower than reading them)."""
    withdrawn: set[str] = set()
    embargo: dict[str, dt.datetime] = {}
    for path, blob in zip(paths, history.cat_files(root, [f"{tip}:{p}" for p in paths])):
        if blob is None or not blob.startswith(b"---"):
            continue
        end = blob.find(b"\n---", 3)
        head = blob[: end if end > 0 else len(blob)].decode("utf-8", "replace")
        for match in _MARK_LINE.finditer(head):
            _note_mark(path, match.group(1), match.group(2), withdrawn, embargo)
    return withdrawn, embargo


_MARK_LINE = re.compile(r"^(withdrawn|撤稿|publish_at|定时发布)[ \t]*:(.*)$", re.MULTILINE)


def _note_mark(path: str, key: str, value: str, withdrawn: set[str], embargo: dict[str, dt.datetime]) -> None:
    if key in ("withdrawn", "撤稿"):
        if _truthy(value):
            withdrawn.add(path)
    else:
        when = _moment(value)
        if when is not None:
            embargo[path] = when


def _truthy(value: str) -> bool:
    """Whether a top-level ``withdrawn:`` value withdraws (an empty value opens the nested mapping)."""
    match = _VALUE.match(value)
    shown = match.group(1).strip().lower() if match else value.strip()
    return shown not in ("否", "false", "no", "null", "~", "{}")


def _moment(value: str) -> dt.datetime | None:
    match = _VALUE.match(value)
    if not match:
        return None
    parsed = content.parse_date(match.group(1).strip())[0]
    return content.to_datetime(parsed) if parsed else None


def _withdrawn_version(data: bytes | None) -> bool:
    """Whether a version of an item has a top-level ``withdrawn:`` (撤稿) in its front matter."""
    if not data:
        return False
    text = data.decode("utf-8", "replace")
    if not text.startswith("---"):
        return False
    end = text.find("\n---", 3)
    head = text[: end if end > 0 else len(text)]
    return any(_truthy(m.group(2)) for m in _WITHDRAWN.finditer(head))


_WITHDRAWN = re.compile(r"^(withdrawn|撤稿)[ \t]*:(.*)$", re.MULTILINE)


def _declared_columns(root: Path, tip: str) -> set[tuple[str, str]]:
    """(unit, column) of every column the unit configs declare at ``tip``."""
    listed = history.git(root, "ls-tree", "--name-only", tip, "content/").decode("utf-8", "replace").splitlines()
    units = [p.split("/", 1)[1] for p in listed if p.count("/") == 1]
    blobs = history.cat_files(root, [f"{tip}:content/{u}/{UNIT_FILE}" for u in units])
    return {(u, c) for u, blob in zip(units, blobs) for c in _column_ids(blob)}


def _column_ids(blob: bytes | None) -> list[str]:
    if not blob:
        return []
    doc, _ = source.load_yaml(blob.decode("utf-8", "replace"), UNIT_FILE)
    if doc is None or not isinstance(doc.data, dict) or not isinstance(doc.data.get("columns"), list):
        return []
    return [str(c["id"]) for c in doc.data["columns"] if isinstance(c, dict) and c.get("id")]


# -- the walk --------------------------------------------------------------------------------------------
class _File:
    """One item or attachment, followed across renames."""

    __slots__ = (
        "added",
        "attachment",
        "deleted",
        "embargo",
        "epoch",
        "path",
        "place",
        "revisions",
        "touched",
        "versions",
        "withdrawn",
    )

    def __init__(self, path: str, attachment: bool, added: tuple[str, dt.datetime, str]) -> None:
        self.path = path
        self.epoch = 0  # how many unit renames were known when it was deleted (to map its unit to the end's)
        self.attachment = attachment
        self.added = added  # (sha, moment, author)
        # (sha, path then, moment) of each version, a fourth field once judged (withdrawn); a kept walk's moments
        # are ISO text (Any: the tuples change length, and JSON gives lists back)
        self.versions: list[tuple[Any, ...]] = [(added[0], path, added[1])]
        self.revisions: list[tuple[str, dt.datetime, str]] = []
        self.deleted: tuple[str, dt.datetime, str] | None = None
        self.touched = False  # changed since the kept walk (then its front matter is read at the tip)
        self.withdrawn = False  # withdrawn (撤稿) at the tip
        self.embargo: dt.datetime | None = None  # its publish_at at the tip
        self.place: tuple[str, str] | None = None  # (unit, column) at the tip, once known (:meth:`_Walk.where`)


def _place(path: str) -> tuple[str, str] | None:
    """(unit, column) of a file inside a column folder (content/<unit>/<column>/…)."""
    parts = path.split("/", 3)
    if len(parts) < 4 or parts[0] != "content" or parts[3].startswith(".") or "/." in parts[3]:
        return None
    return parts[1], parts[2]


def _unit_file(path: str | None) -> str | None:
    if path is None:
        return None
    parts = path.split("/")
    return parts[1] if len(parts) == 3 and parts[0] == "content" and parts[2] == UNIT_FILE else None


_KEPT_VERSION = 6
_KEPT = 8  # walks kept (one per tip)
_KEPT_GLOB = "stats-" + "?" * 40 + ".json"  # stats-<commit>.json (not the other kept files, stats.*.json)


def kept_folder(root: Path) -> Path:
    path = Path(history.git(root, "rev-parse", "--git-common-dir").decode().strip())
    return (path if path.is_absolute() else root / path) / "zhanqun"


class _Walk:
    def __init__(self, start: dt.datetime, end: dt.datetime) -> None:
        self.start, self.end = start, end
        self.live: dict[str, _File] = {}
        self.gone: dict[str, _File] = {}
        self.files: list[_File] = []
        self.unit_renames: list[tuple[str, str]] = []
        # (unit then, epoch, sha, path, moment) of each change of a unit.yaml (to find when a column was added)
        self.unit_versions: list[tuple[str, int, str, str, dt.datetime]] = []
        self.first_in_column: dict[tuple[str, str], tuple[dt.datetime, int]] = {}
        self.first: dt.datetime | None = None
        self.columns: set[tuple[str, str]] = set()  # (unit, column) declared in the unit configs at the tip
        # "sha:path" of a unit.yaml version -> the column ids it declares (read when a range first needs it)
        self.unit_columns: dict[str, list[str]] = {}
        self.learnt = False  # unit.yaml versions read since the walk was restored: kept again

    def commit(self, sha: str, time: int, parents: str, author: str,
               files: list[tuple[str, str, str | None]]) -> None:
        at = timeline.china(time)
        if self.first is None:
            self.first = at
        deleted = []
        for status, path, old in files:
            kind = status[0]
            unit = _unit_file(path)
            if unit is not None:
                if kind == "R" and _unit_file(old) is not None:
                    self.unit_renames.append((_unit_file(old) or "", unit))
                if kind != "D":
                    self.unit_versions.append((unit, len(self.unit_renames), sha, path, at))
                continue
            place = _place(path)
            if kind == "D":
                found = self.live.pop(path, None)
                if found is not None:
                    found.deleted = (sha, at, author)
                    self.gone[path] = found
                    deleted.append(found)
                continue
            if place is None:
                if kind == "R":  # moved out of the columns: no longer followed
                    self.live.pop(old or "", None)
                continue
            if place not in self.first_in_column:
                self.first_in_column[place] = (at, len(self.unit_renames))
            if kind == "R" and old in self.live:
                moved = self.live.pop(old)
                moved.path = path
                if status[1:] != "100":  # git paired it with an edit: the move carries a revision
                    moved.revisions.append((sha, at, author))
                    moved.versions.append((sha, path, at))
                    moved.touched = True
                self.live[path] = moved
            elif kind in "ACR" and path not in self.live:
                back = self.gone.pop(path, None)
                if back is not None:  # the deleted page restored: not a new publication
                    back.deleted = None
                    back.versions.append((sha, path, at))
                    back.touched = True
                    self.live[path] = back
                else:
                    new = _File(path, not path.endswith(ITEM_SUFFIX), (sha, at, author))
                    new.touched = True
                    self.live[path] = new
                    self.files.append(new)
            elif (changed := self.live.get(path)) is not None:  # M, T (and an A over a path followed already)
                changed.revisions.append((sha, at, author))
                changed.versions.append((sha, path, at))
                changed.touched = True
        for found in deleted:
            found.epoch = len(self.unit_renames)

    # -- the walk up to the tip, kept --------------------------------------------------------------------
    # What the history says up to a commit never changes, so the walk up to the range's last commit is kept in the
    # repository's git folder, keyed by that commit: the next run ending there (a monthly statistic run again, the
    # ranking after the statistics, another period of the same year) reads one file, and a run after new commits
    # walks only those, from the newest kept walk its tip descends from. A kept walk that cannot be read is ignored.
    def extend(self, root: Path, folder: Path, tip: str, pool: ThreadPoolExecutor) -> None:
        """Walk up to ``tip`` from the newest kept walk on its first-parent line (else from the first commit),
        then read the withdrawal and embargo marks at ``tip`` of the items changed on the way."""
        declared = pool.submit(_declared_columns, root, tip)
        since = self._restore_ancestor(root, folder, tip)
        marked = None if since else pool.submit(_marked, root, tip)  # every item is new: grep beside the walk
        for commit in _log(root, f"{since}..{tip}" if since else tip):
            self.commit(*commit)
        deleted = pool.submit(self._read_versions, root, [f for f in self.files if f.deleted is not None])
        changed = sorted(p for p, f in self.live.items() if f.touched and not f.attachment)
        if marked is None and len(changed) > _GREP_OVER:
            marked = pool.submit(_marked, root, tip)
        if marked is not None:  # only the items with a mark line are read
            hits = marked.result()
            changed_marked = [p for p in changed if p in hits]
        else:
            changed_marked = changed
        withdrawn, embargo = _front_marks(root, tip, changed_marked)
        for path in changed:
            f = self.live[path]
            f.withdrawn, f.embargo = path in withdrawn, embargo.get(path)
        for f in self.files:
            f.touched = False
            f.place = None  # (a walk restored from an older commit knew the places there)
        self._read_versions(root, [f for f in self.live.values() if f.withdrawn])
        deleted.result()
        self.columns = declared.result()

    def _read_versions(self, root: Path, files: list[_File]) -> None:
        """What no later commit changes, read once for the kept walk (one ``cat-file --batch``): whether each version
        of the ``files`` (the deleted items, those withdrawn at the tip) has ``withdrawn:`` (撤稿)."""
        unjudged = [(f, i) for f in files if not f.attachment for i, v in enumerate(f.versions) if len(v) < 4]
        blobs = history.cat_files(root, [f"{f.versions[i][0]}:{f.versions[i][1]}" for f, i in unjudged])
        for (f, i), blob in zip(unjudged, blobs):
            f.versions[i] = (*f.versions[i][:3], _withdrawn_version(blob))

    def _restore_ancestor(self, root: Path, folder: Path, tip: str) -> str | None:
        """The newest kept walk at a commit on ``tip``'s first-parent line, restored (None: none is)."""
        try:
            kept = sorted(folder.glob(_KEPT_GLOB), key=lambda p: p.stat().st_mtime, reverse=True)
        except OSError:
            return None
        for path in kept:
            sha = path.stem.removeprefix("stats-")
            if len(sha) != 40 or not _on_first_parent_line(root, sha, tip):
                continue
            if self.restore(folder, sha):
                return sha
        return None

    def save(self, folder: Path, tip: str) -> None:
        """Keep the walk up to ``tip``."""
        files = [[f.path, f.epoch, f.attachment, list(f.added), [list(v) for v in f.versions],
                  [list(r) for r in f.revisions], list(f.deleted) if f.deleted else None, self.live.get(f.path) is f,
                  f.withdrawn, f.embargo, list(self.where(f))]
                 for f in self.files]
        data = {"version": _KEPT_VERSION, "tip": tip, "first": self.first, "unit_renames": self.unit_renames,
                "unit_versions": self.unit_versions, "columns": sorted(self.columns), "unit_columns": self.unit_columns,
                "first_in_column": [[u, c, at, e] for (u, c), (at, e) in self.first_in_column.items()], "files": files}
        try:
            folder.mkdir(parents=True, exist_ok=True)
            tmp = folder / f".stats-{tip}.{os.getpid()}.tmp"
            tmp.write_bytes(orjson.dumps(data))
            os.replace(tmp, folder / f"stats-{tip}.json")
            for old in sorted(folder.glob(_KEPT_GLOB), key=lambda p: p.stat().st_mtime)[:-_KEPT]:
                old.unlink(missing_ok=True)
        except OSError:
            pass  # a read-only copy simply walks again next time

    def restore(self, folder: Path, tip: str) -> bool:
        path = folder / f"stats-{tip}.json"
        try:
            data = orjson.loads(path.read_bytes())
            if data.get("version") != _KEPT_VERSION or data.get("tip") != tip:
                return False
            when = dt.datetime.fromisoformat
            self.first = when(data["first"]) if data["first"] else None
            self.unit_renames = [tuple(r) for r in data["unit_renames"]]
            self.unit_versions = [(u, e, sha, p, when(at)) for u, e, sha, p, at in data["unit_versions"]]
            self.first_in_column = {(u, c): (when(at), e) for u, c, at, e in data["first_in_column"]}
            self.columns = {(u, c) for u, c in data["columns"]}
            self.unit_columns = data["unit_columns"]
            for (name, epoch, attachment, added, versions, revisions, deleted, live, withdrawn, embargo,
                 (unit, column)) in data["files"]:
                f = _File(name, attachment, (added[0], when(added[1]), added[2]))
                f.place = (unit, column)
                f.epoch, f.withdrawn, f.embargo = epoch, withdrawn, when(embargo) if embargo else None
                f.versions = versions  # [sha, path then, moment as text]: read only if withdrawn
                f.revisions = [(sha, when(at), author) for sha, at, author in revisions]
                f.deleted = (deleted[0], when(deleted[1]), deleted[2]) if deleted else None
                self.files.append(f)
                if live:
                    self.live[name] = f
                elif f.deleted:
                    self.gone[name] = f
        except (OSError, ValueError, KeyError, TypeError, IndexError, orjson.JSONDecodeError):
            self.__init__(self.start, self.end)  # type: ignore[misc]
            return False
        try:
            os.utime(path)  # recently used: the last to go
        except OSError:
            pass
        return True

    # -- the end of the range ----------------------------------------------------------------------------
    def unit_now(self, unit: str, epoch: int) -> str:
        """The unit id at the end of the range of a unit named ``unit`` after ``epoch`` renames."""
        for old, new in self.unit_renames[epoch:]:
            if unit == old:
                unit = new
        return unit

    def where(self, f: _File) -> tuple[str, str]:
        unit, column = _place(f.path) or ("", "")
        return (self.unit_now(unit, f.epoch) if f.deleted else unit), column

    def finish(self, root: Path, tip: str, records: dict[str, list[history.Record]]) -> History:
        start, end, columns = self.start, self.end, self.columns
        for f in self.files:
            if f.place is None:
                f.place = self.where(f)
        items = [f for f in self.files if not f.attachment and (f.deleted or f.place in columns)]
        flagged = self._withdrawals(root, [f for f in items if (f.deleted is None and f.withdrawn)
                                           or (f.deleted is not None and f.deleted[1] >= start)])
        events: list[Event] = []
        last_before: dict[tuple[str, str], dt.datetime] = {}

        def add(kind: str, f: _File, when: dt.datetime, sha: str, author: str, deleted: bool = False) -> None:
            if start <= when <= end and f.place is not None:  # every item in the range has its place by now
                unit, column = f.place
                events.append(Event(kind, when, f.path, unit, column, _author(records, sha, author), sha, deleted))

        for f in items:
            sha, added, author = f.added
            until = f.embargo if f.deleted is None else None
            moment = max(added, until) if until else added
            out = flagged.get(id(f))
            gone_at = f.deleted[1] if f.deleted else None
            public = gone_at is None or moment <= gone_at
            if not public:
                continue  # deleted before its embargo ended: the public never saw it
            add("published", f, moment, sha, author)
            out_sha = out[0] if out else None
            for rev_sha, rev_at, rev_author in f.revisions:
                if rev_sha != out_sha:
                    add("revised", f, rev_at, rev_sha, rev_author)
            if out is not None:
                add("withdrawn", f, out[1], out[0], out[2])
            elif f.deleted is not None:
                add("withdrawn", f, f.deleted[1], f.deleted[0], f.deleted[2], deleted=True)
            off = out[1] if out else gone_at
            if moment < start and (off is None or off >= start):
                key = f.place
                if key is not None and (key not in last_before or last_before[key] < moment):
                    last_before[key] = moment
        for f in self.files:
            if f.attachment and (f.deleted or f.place in columns):
                add("attachment", f, f.added[1], f.added[0], f.added[2])
        events.sort(key=lambda e: (e.at, e.unit, e.column, e.path, KINDS.index(e.kind)))
        since = self._column_since(root, columns)
        return History(start, end, tip, events, last_before, since, records, columns, self.first)

    def _withdrawals(self, root: Path, candidates: list[_File]) -> dict[int, tuple[str, dt.datetime, str]]:
        """id(file) -> (sha, moment, author) of the first version with ``withdrawn:``, for the few files that
        are withdrawn at the tip or deleted in the range (one ``cat-file --batch`` of their versions as the range
        sees them: the one it began with and those of the range). Each version was judged once, for the kept walk."""
        specs = [(f, v) for f in candidates for v in _seen_from(f.versions, self.start)]
        unjudged = [v for _, v in specs if len(v) < 4]
        read = dict(zip([f"{v[0]}:{v[1]}" for v in unjudged],
                        map(_withdrawn_version, history.cat_files(root, [f"{v[0]}:{v[1]}" for v in unjudged]))))
        found: dict[int, tuple[str, dt.datetime, str]] = {}
        authors = {f.added[0]: f.added[2] for f in candidates}
        for f in candidates:
            authors.update({sha: a for sha, _, a in f.revisions})
        for f, (sha, path, at, *judged) in specs:
            if id(f) not in found and (judged[0] if judged else read[f"{sha}:{path}"]):
                found[id(f)] = (sha, dt.datetime.fromisoformat(at) if isinstance(at, str) else at, authors.get(sha, ""))
        return found

    def _column_since(self, root: Path, columns: set[tuple[str, str]]) -> dict[tuple[str, str], dt.datetime]:
        """When each column first existed, for those that began in the range: the earlier of the commit that
        added it to unit.yaml and its first file."""
        first_file: dict[tuple[str, str], dt.datetime] = {}
        for (unit, column), (at, epoch) in self.first_in_column.items():
            key = (self.unit_now(unit, epoch), column)
            if key not in first_file or at < first_file[key]:
                first_file[key] = at
        young = {key for key in columns if key not in first_file or first_file[key] >= self.start}
        if not young:
            return {}
        units = {u for u, _ in young}
        versions = [(self.unit_now(u, epoch), sha, path, at) for u, epoch, sha, path, at in self.unit_versions]
        versions = [v for v in versions if v[0] in units]
        unread = sorted({f"{sha}:{path}" for _, sha, path, _ in versions} - self.unit_columns.keys())
        for spec, blob in zip(unread, history.cat_files(root, unread)):
            self.unit_columns[spec] = _column_ids(blob)
        self.learnt = self.learnt or bool(unread)
        declared: dict[tuple[str, str], dt.datetime] = {}
        for unit, sha, path, at in versions:
            for column in self.unit_columns[f"{sha}:{path}"]:
                declared.setdefault((unit, column), at)
        since = {}
        for key in young:
            moments = [m for m in (declared.get(key), first_file.get(key)) if m is not None]
            if moments and min(moments) >= self.start:
                since[key] = min(moments)
        return since


def _seen_from(versions: list[tuple[Any, ...]], start: dt.datetime) -> list[tuple[Any, ...]]:
    """The versions from the one current when ``start`` came (the last before it) on; moments as datetimes or as
    the ISO text a kept walk holds."""
    def moment(at: str | dt.datetime) -> dt.datetime:
        return dt.datetime.fromisoformat(at) if isinstance(at, str) else at

    first = 0
    for i, (_, _, at, *_) in enumerate(versions):
        if moment(at) < start:
            first = i
        else:
            break
    return versions[first:]


def _author(records: dict[str, list[history.Record]], sha: str, git_name: str) -> str:
    """The pull request's author from the sign-off record of ``sha``, else the git author name."""
    for record in records.get(sha, []):
        author = record.get("author")
        if isinstance(author, str) and author:
            return author
    return git_name
