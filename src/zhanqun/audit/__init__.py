"""``zhanqun audit``: the sign-off chain of every change on main, and its violations, from git alone (R8)."""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import re
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from zhanqun.audit import history, signatures
from zhanqun.audit.report import Entry, PageEvent, Report, Violation, audit, page_history, violation
from zhanqun.config import CHINA
from zhanqun.errors import UsageError

__all__ = ["PageEvent", "Report", "page", "run", "trusted", "without_gc"]

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2})?)?$")


@contextlib.contextmanager
def without_gc() -> Iterator[None]:
    """The audit and its rendering build a few objects per commit and no reference cycles: the cyclic
    collector would only rescan them again and again (a fifth of the run over 20,000 commits)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def run(root: Path, branch: str = "main", since: str | None = None, use_cache: bool = True) -> Report:
    """Audit ``branch``; ``since`` is a commit (audit what came after it) or a date (YYYY-MM-DD). With
    ``use_cache`` the suppression search covers only the commits since the last audit."""
    with without_gc():
        return _run(root, branch, since, use_cache)


def _run(root: Path, branch: str, since: str | None, use_cache: bool) -> Report:
    history.ensure_repo(root)
    tip = history.resolve(root, branch)  # one commit for every read below, even if the branch moves meanwhile
    if not tip:
        raise UsageError(f"找不到分支 {branch}。", hint="用 --branch 指定主分支；CI 中请先 fetch 完整历史（fetch-depth: 0）。")
    if history.is_shallow(root):  # the cut-off commit would pass for the first import, hiding what came before
        raise UsageError("这是浅克隆（shallow clone），历史不完整，无法审计。",
                         hint="运行 git fetch --unshallow；CI 中检出时设 fetch-depth: 0。")
    if history.has_grafts(root):
        raise UsageError("仓库中有 .git/info/grafts，提交的父子关系被本地改写，无法审计。",
                         hint="删除该文件（或在一个新克隆中）再审计。")
    since_rev, since_time = _since(root, since)
    # git does most of the work. The suppression search (git log -G, the costliest call) runs beside
    # everything else and is waited for last; the notes are read in a thread beside the history read (a
    # thread waiting on a process does not hold the GIL).
    cached = history.suppression_cache(root) if use_cache and not since_rev else None
    search = history.start_suppression_search(root, tip, cached[0] if cached else since_rev)
    try:
        with ThreadPoolExecutor(max_workers=1) as pool:
            notes = pool.submit(history.note_records, root)
            roots = pool.submit(history.roots, root, tip)
            commits = history.first_parent_history(root, tip, since_rev)
            records = notes.result()
            all_roots = roots.result()
        if cached and cached[0] not in {c.sha for c in commits}:
            # the kept tip left the first-parent path (a force-push, a fast-forward to another line): search all
            history.stop(search)
            cached, search = None, history.start_suppression_search(root, tip)

        def suppression_commits() -> set[str]:
            found = history.finish_suppression_search(search)
            if cached:
                found |= cached[1]
            if use_cache and not since_rev:  # a complete answer up to the tip
                history.save_suppression_cache(root, tip, found)
            return found

        whole = commits if not since_rev else None  # main's whole first-parent history: the names' config log
        own_root = commits[0].sha if commits and not commits[0].parents else None
        extra_roots = sorted(set(all_roots) - {own_root}) if own_root else []
        if since_time is not None:
            # From the first commit that landed on or after the date, everything after it: a commit with a
            # back-dated time further up is still audited (dates are what committers say; the order is git's).
            first = next((i for i, c in enumerate(commits) if c.time >= since_time), len(commits))
            commits = commits[first:]
        start = commits[0].base if commits else None
        trust = trusted(root, commits, records, tip)
        report = audit(branch, commits, trust.records, lambda shas: history.unreachable(root, tip, shas),
                       suppression_commits, lambda specs: history.cat_files(root, specs), start,
                       extra_roots)
        _add_problems(report, trust)
        report.notes_missing = not records
        report.names = names(root, tip, report.entries, whole)
        return report
    finally:
        history.stop(search)


def names(root: Path, tip: str, entries: Sequence[Entry], log: Sequence[history.Commit] | None = None) -> dict[str, str]:
    """Every author and approver of ``entries`` -> how people read them (issue 15: names, not logins), from
    the unit configs over main's history up to ``tip`` (``zhanqun.stats.people.directory``, the one resolver of
    logins over history: a person is named by the latest unit.yaml listing them, also after they left). A
    git author name that is a listed person's name finds them too. ``log`` is main's whole first-parent
    history when the caller has it (else the config files' log is read)."""
    from zhanqun.stats import people

    directory = people.directory(root, tip, log)
    wanted = dict.fromkeys(who for e in entries for who in
                           [e.author or e.commit.author_name, *(login for login, _, _ in e.approvers)] if who)
    return {who: directory.find(who).shown for who in wanted}


def trusted(root: Path, commits: Sequence[history.Commit], records: dict[str, list[history.Record]],
            tip: str) -> signatures.Outcome:
    """Which of ``records`` CI wrote (V009) and which contradict their base's config (V013), as the audit
    judges them: ``commits`` is main's first-parent history up to ``tip`` (only their changes to
    ``.zhanqun/allowed_signers`` and ``content/cluster.yaml`` matter here), ``records`` as
    ``history.note_records`` reads them. The audit, CI's checkpoint and the reviewers' statistics all ask this."""
    return signatures.check(commits, records, tip, lambda specs: history.cat_files(root, specs),
                            lambda notes: history.note_records(root, notes),
                            lambda signers: history.vouched_notes(
                                root, lambda text: signatures.checkpoint_tree(text, signers)))


def checkpoint(root: Path, key_text: str, remote: str | None = None) -> bool:
    """CI, after writing records: check every record of HEAD's history as the audit does (incrementally, from
    the last checkpoint) and, if all are trusted, sign the notes tree as refs/zhanqun/checkpoint (and push it).
    Returns whether a checkpoint was written; an untrusted record anywhere means none is (the audit then checks
    the records written since the last one by one)."""
    from zhanqun import signing

    if remote:  # the last checkpoint makes the check incremental (a fresh CI clone has none)
        try:
            history.git(root, "fetch", "--no-tags", remote, f"+{signatures.CHECKPOINT_REF}:{signatures.CHECKPOINT_REF}")
        except UsageError:
            pass  # none yet
    tip = history.resolve(root, "HEAD")
    notes_tree = history.resolve_tree(root, history.NOTES_REF)
    if tip is None or notes_tree is None:
        return False
    with without_gc():
        commits = history.first_parent_history(root, tip)
        trust = trusted(root, commits, history.note_records(root), tip)
    if not trust.enabled or any(code == signatures.NOT_SIGNED for _, code, _ in trust.problems):
        return False
    when = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
    armored = signing.sign(signatures.checkpoint_payload(notes_tree, when), key_text, signing.RECORD)
    made = history.git(root, "commit-tree", notes_tree, "-m",
                       signatures.checkpoint_message(notes_tree, when, armored)).decode().strip()
    history.git(root, "update-ref", signatures.CHECKPOINT_REF, made)
    if remote:
        history.git(root, "push", "--force", remote, f"{signatures.CHECKPOINT_REF}:{signatures.CHECKPOINT_REF}")
    return True


def _add_problems(report: Report, trust: signatures.Outcome) -> None:
    """The signature and config findings (V009, V013), on their commits' entries, in the entries' order."""
    entries = {e.commit.sha: e for e in report.entries}
    found: list[Violation] = []
    for sha, code, message in trust.problems:
        entry = entries.get(sha)
        problem = violation(code, sha, entry.commit.time if entry else 0, message)
        if entry is not None:
            entry.violations.append(problem)
        found.append(problem)
    order = {sha: i for i, sha in enumerate(entries)}
    found.sort(key=lambda v: order.get(v.sha, -1))
    report.violations[:0] = found
    report.violations.sort(key=lambda v: order.get(v.sha, len(order)))
    report.signing = "enabled" if trust.enabled else "disabled"
    report.legacy_records = trust.legacy


def page(root: Path, path: str, branch: str = "main", use_cache: bool = True) -> list[PageEvent]:
    """The provenance of one page (R8.1): created, each revision, approvers, withdrawal."""
    return page_and_names(root, path, branch, use_cache)[0]


def page_and_names(root: Path, path: str, branch: str = "main", use_cache: bool = True) -> tuple[list[PageEvent], dict[str, str]]:
    """:func:`page`, and the names its authors and approvers are shown by (``Report.names``)."""
    path = Path(path).as_posix().removeprefix("./")
    report = run(root, branch, use_cache=use_cache)
    commits = [e.commit for e in report.entries]
    events = page_history(path, commits, {e.commit.sha: e for e in report.entries},
                          lambda specs: history.cat_files(root, specs))
    if not events:
        raise UsageError(f"{branch} 的历史中没有 {path}。", hint="写仓库中的相对路径，如 content/fgw/gzdt/2026-11-21-xiangmu.md。")
    return events, report.names


def _since(root: Path, since: str | None) -> tuple[str | None, int | None]:
    """A commit to audit after, or the time (a date in China's time zone, 00:00) to audit from."""
    if not since:
        return None, None
    if _DATE.match(since):
        try:
            when = dt.datetime.fromisoformat(since.replace(" ", "T"))
        except ValueError:
            raise UsageError(f"--since {since} 不是有效的日期。", hint="写成 2026-01-01 或 2026-01-01 08:00。") from None
        return None, int(when.replace(tzinfo=when.tzinfo or CHINA).timestamp())
    rev = history.resolve(root, since)
    if rev is None:
        raise UsageError(f"--since {since} 既不是提交也不是日期。", hint="写提交哈希、标签，或日期如 2026-01-01。")
    return rev, None
