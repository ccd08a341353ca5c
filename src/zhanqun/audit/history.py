"""The I/O edge of the audit (R8): main's history, the sign-off notes and file contents, read from git.

The audit has to stay within a small factor of ``git log --name-status`` over tens of thousands of commits,
so it asks git for everything in bulk: one ``git log`` for the history (streamed, not one call per commit), one
``git notes list`` and one ``git cat-file --batch`` for the notes, one more ``cat-file`` for the config files
and page versions it needs. GitPython's object model would walk commit by commit in Python.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from zhanqun import gitio
from zhanqun.errors import UsageError, ZhanqunError

if TYPE_CHECKING:
    import subprocess

NOTES_REF = "refs/notes/zhanqun"
# NUL-separated fields in a fixed order: a subject, name or path can hold any character but NUL, so nothing a
# committer writes can shift the fields (with -z the file list is NUL-separated too).
_FORMAT = "%H%x00%P%x00%ct%x00%an%x00%ae%x00%s"
_SHA = re.compile(r"[0-9a-f]{40}")
# --raw: ":old-mode new-mode old-sha new-sha STATUS" (the modes tell a symlink, 120000, from a file: R4.11)
_RAW = re.compile(r"\n?:(\d{6}) (\d{6}) [0-9a-f]+ [0-9a-f]+ ([ACDMRTUXB])\d*")


@dataclasses.dataclass(frozen=True)
class FileChange:
    status: str  # A, M, D, R (renames), T (type change), C (copy)
    path: str  # after the change; the deleted path for D
    old_path: str | None = None  # for R and C
    mode: str = ""  # git's mode after the change (before, for a deletion): 120000 a symlink, 160000 a submodule


@dataclasses.dataclass(frozen=True)
class Commit:
    sha: str
    parents: tuple[str, ...]
    author_name: str
    author_email: str
    time: int  # committer time (when it landed on the branch), seconds since the epoch
    subject: str
    files: tuple[FileChange, ...]

    @property
    def base(self) -> str | None:
        return self.parents[0] if self.parents else None


def git(root: Path, *args: str, input_bytes: bytes | None = None) -> bytes:
    """git's output (zhanqun.gitio: replace refs ignored, so no commit looks like a root or hides changes; grafts,
    the older mechanism, make the audit refuse to run: see has_grafts). G001 when git fails."""
    return gitio.run(root, *args, input_bytes=input_bytes)


def ensure_repo(root: Path) -> None:
    if not (root / ".git").exists():
        try:
            git(root, "rev-parse", "--git-dir")
        except gitio.GitError:
            raise UsageError(f"{root} 不是 git 仓库。", hint="在站群仓库的根目录运行，或用 --root 指定。") from None


def resolve(root: Path, rev: str) -> str | None:
    """The commit ``rev`` names, or None."""
    found = gitio.ok(root, "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}")
    return found.decode().strip() if found is not None else None


def resolve_tree(root: Path, rev: str) -> str | None:
    found = gitio.ok(root, "rev-parse", "--verify", "--quiet", f"{rev}^{{tree}}")
    return found.decode().strip() if found is not None else None


def first_parent_history(root: Path, branch: str, since_rev: str | None = None,
                         paths: Sequence[str] = ()) -> list[Commit]:
    """The commits of ``branch`` along its first parents, oldest first, each with its changes against its first
    parent (so a merged pull request is one commit with the whole change, as the sign-off judged it).

    With ``paths`` (git pathspecs) every commit is still listed, but with only its changes to those paths: a
    log without diffs lists the commits, a second one limited to the paths gives the changes (git skips the
    rest of each tree; together a third of one full ``--raw`` log, where ``--sparse`` would cost two)."""
    args = ["log", "--first-parent", "--diff-merges=first-parent", "-M", "--raw", "-z", f"--format={_FORMAT}"]
    args.append(f"{since_rev}..{branch}" if since_rev else branch)
    if not paths:
        commits = list(_parse_log(git(root, *args, "--")))
    else:
        with ThreadPoolExecutor(max_workers=1) as pool:  # the two logs side by side
            lean = pool.submit(git, root, "log", "--first-parent", "-z", f"--format={_FORMAT}", args[-1], "--")
            changed = {c.sha: c.files for c in _parse_log(git(root, *args, "--", *paths))}
            commits = [dataclasses.replace(c, files=changed.get(c.sha, ())) for c in _parse_log(lean.result())]
    commits.reverse()  # cheaper here than git's --reverse, which holds the whole walk before printing
    return commits


def _parse_log(raw: bytes) -> Iterator[Commit]:
    tokens = raw.decode("utf-8", "replace").split("\0")
    i, end = 0, len(tokens)
    while i < end:
        if not tokens[i] and i == end - 1:
            break  # the NUL after the last field
        if i + 6 > end or not _SHA.fullmatch(tokens[i]) or not tokens[i + 2].isdigit():
            raise ZhanqunError("无法解析 git log 的输出。", hint="请把 git 升级到 2.31 或更新版本后重试。")
        sha, parents, when, name, email, subject = tokens[i:i + 6]
        i += 6
        files = []
        while i < end and (status := _RAW.fullmatch(tokens[i])):
            old_mode, new_mode, kind = status.groups()
            mode = old_mode if kind == "D" else new_mode
            if kind in "RC":
                files.append(FileChange(kind, tokens[i + 2], tokens[i + 1], mode))
                i += 3
            else:
                files.append(FileChange(kind, tokens[i + 1], None, mode))
                i += 2
        yield Commit(sha, tuple(parents.split()), name, email, int(when), subject, tuple(files))


def roots(root: Path, tip: str) -> list[str]:
    """The commits without parents in ``tip``'s history (one, in a cluster's repository)."""
    return git(root, "rev-list", "--max-parents=0", tip).decode().split()


def unreachable(root: Path, branch: str, shas: set[str]) -> set[str]:
    """Those of ``shas`` that are not in ``branch``'s history: a few are asked one by one, many with one
    ``rev-list`` of the whole branch."""
    if len(shas) > 16:
        return shas - set(git(root, "rev-list", branch).decode().split())
    return {sha for sha in shas if gitio.ok(root, "merge-base", "--is-ancestor", sha, branch) is None}


Record = dict[str, Any]  # one line of a sign-off note, as zhanqun.signoff.gitdata.record writes it


def note_records(root: Path, notes: str = NOTES_REF, only: set[str] | None = None) -> dict[str, list[Record]]:
    """The sign-off records of every noted commit (refs/notes/zhanqun, or an older commit of it), oldest first;
    with ``only``, of those commits alone (the notes of other commits are not read)."""
    if resolve(root, notes) is None:
        return {}
    if notes == NOTES_REF:
        listed = git(root, "notes", "--ref", notes, "list").decode().splitlines()
    else:  # a commit of the notes history: its tree names each note by the noted commit (fanned out in folders)
        listed = [f"{line.split()[2]} {line.split(chr(9), 1)[1].replace('/', '')}"
                  for line in git(root, "ls-tree", "-r", notes).decode().splitlines() if "\t" in line]
    pairs = [line.split() for line in listed if line]
    if only is not None:
        pairs = [pair for pair in pairs if pair[1] in only]
    blobs = cat_files(root, [note for note, _ in pairs])
    return {commit: parse_records(blob or b"") for (_, commit), blob in zip(pairs, blobs)}


def parse_records(text: str | bytes) -> list[Record]:
    """A note holds one JSON record per line: the one written on merge, then any written later (an emergency
    publication's chain completed afterwards). A line that is not a record is kept as an unreadable record."""
    raw = text.encode("utf-8") if isinstance(text, str) else text
    records = []
    for line in raw.split(b"\n"):
        if not line.strip():
            continue
        try:
            data = orjson.loads(line)
        except orjson.JSONDecodeError:
            data = None
        records.append(data if _well_formed(data) else {"unreadable": True})
    # Records merged from several clones (git notes merge -s cat_sort_uniq) come back sorted by their text:
    # put them in the order they were written.
    return sorted(records, key=lambda r: str(r.get("recorded_at", "")))


def _well_formed(data: object) -> bool:
    """The shape ``zhanqun.signoff.gitdata.record`` writes (a note anyone can push must not crash the audit)."""
    if not isinstance(data, dict):
        return False
    approvers, missing, required = data.get("approvers", {}), data.get("missing", {}), data.get("required", [])
    return (isinstance(approvers, dict)
            and all(isinstance(v, list) and all(isinstance(h, dict) for h in v) for v in approvers.values())
            and isinstance(missing, dict) and all(isinstance(v, list) for v in missing.values())
            and isinstance(required, list)
            and all(isinstance(r, dict) and isinstance(r.get("roles", []), list) for r in required))


def cat_files(root: Path, specs: Iterable[str]) -> list[bytes | None]:
    """The contents of many objects (``sha``, or ``rev:path``) from one ``git cat-file --batch``; None if missing."""
    specs = list(specs)
    if not specs:
        return []
    for spec in specs:
        if "\n" in spec:
            raise UsageError("路径中不能有换行符。")
    raw = git(root, "cat-file", "--batch", input_bytes=("\n".join(specs) + "\n").encode("utf-8"))
    out: list[bytes | None] = []
    pos = 0
    for _ in specs:
        end = raw.index(b"\n", pos)
        header = raw[pos:end].split()
        pos = end + 1
        if len(header) < 3 or header[-1] in (b"missing", b"ambiguous"):
            out.append(None)
            continue
        size = int(header[2])
        out.append(raw[pos:pos + size] if header[1] == b"blob" else None)
        pos += size + 1
    return out


# The pickaxe finds the commits whose diff adds or removes a line that mentions zhanqun; git runs it in C, and
# only those commits' files are read back, where zhanqun.checks.suppressions.parse (the same parser the checks
# use) decides what was added. The plain word, not a pattern of the comment: any spacing the checks accept
# (full-width spaces included) is found. --text: a .gitattributes marking Markdown as binary must not hide it.
_SUPPRESSION_PICKAXE = "zhanqun"
_CACHE = "zhanqun/audit-suppressions.json"
_CACHE_VERSION = 2


def start_suppression_search(root: Path, tip: str, after: str | None = None) -> subprocess.Popen[bytes]:
    """Start ``git log -G`` over ``after..tip`` (all of it without ``after``) in the background; it runs
    beside the history read on a second core."""
    return gitio.start(root, "log", "--first-parent", "--diff-merges=first-parent", "--no-renames", "--text",
                       "-s", f"-G{_SUPPRESSION_PICKAXE}", "--format=%H", f"{after}..{tip}" if after else tip, "--")


def finish_suppression_search(process: subprocess.Popen[bytes]) -> set[str]:
    # never an audit that silently lists no suppressions
    out = gitio.finish(process, ("log", "-G"), hint="确认 git 可用、仓库完整（CI 中 fetch-depth: 0）。")
    return set(out.decode().split())


stop = gitio.stop


# Which commits touch a suppression comment never changes for a commit, so the search of a long history is
# kept in the repository's git folder and later runs search only the commits since ("tip..branch"). The
# caller accepts it only if the kept tip is still on the branch's first-parent path.
def suppression_cache(root: Path) -> tuple[str, set[str]] | None:
    """(tip, commits) from the last audit's search."""
    path = _git_dir(root) / _CACHE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("version") != _CACHE_VERSION or data.get("pattern") != _SUPPRESSION_PICKAXE:
            return None
        tip, shas = str(data["tip"]), set(map(str, data["commits"]))
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    return (tip, shas) if _SHA.fullmatch(tip) else None


def save_suppression_cache(root: Path, tip: str, shas: set[str]) -> None:
    """Best effort: an auditor's read-only copy simply searches again next time."""
    path = _git_dir(root) / _CACHE
    try:
        path.parent.mkdir(exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps({"version": _CACHE_VERSION, "pattern": _SUPPRESSION_PICKAXE, "tip": tip,
                                   "commits": sorted(shas)}), encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        pass


def has_grafts(root: Path) -> bool:
    return (_git_dir(root) / "info" / "grafts").exists()


def is_shallow(root: Path) -> bool:
    return git(root, "rev-parse", "--is-shallow-repository").decode().strip() == "true"


def _git_dir(root: Path) -> Path:
    path = Path(git(root, "rev-parse", "--git-common-dir").decode().strip())
    return path if path.is_absolute() else root / path


def vouched_notes(root: Path, checkpoint_tree: Callable[[bytes], str | None]) -> set[str]:
    """The noted commits whose notes are exactly as in a valid checkpoint (``zhanqun.audit.signatures``):
    ``checkpoint_tree(commit_text)`` gives the vouched notes tree or None."""
    from zhanqun.audit.signatures import CHECKPOINT_REF

    if resolve(root, CHECKPOINT_REF) is None or resolve(root, NOTES_REF) is None:
        return set()
    tree = checkpoint_tree(git(root, "cat-file", "commit", CHECKPOINT_REF))
    if tree is None:
        return set()
    listed = {line.split(chr(9), 1)[1].replace("/", "")
              for line in git(root, "ls-tree", "-r", tree).decode().splitlines() if chr(9) in line}
    changed = {line.split(chr(9), 1)[1].replace("/", "") for line in
               git(root, "diff-tree", "-r", "--no-renames", tree, f"{NOTES_REF}^{{tree}}").decode().splitlines()
               if chr(9) in line}
    return listed - changed
