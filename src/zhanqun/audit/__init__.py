"""``zhanqun audit``: the sign-off chain of every change on main, and its violations, from git alone (R8)."""

from __future__ import annotations

import re
from pathlib import Path

from zhanqun.audit import history
from zhanqun.audit.report import PageEvent, Report, audit, page_history
from zhanqun.errors import UsageError

__all__ = ["run", "page", "Report", "PageEvent"]

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2})?)?$")


def run(root: Path, branch: str = "main", since: str | None = None) -> Report:
    """Audit ``branch``; ``since`` is a commit (audit what came after it) or a date (YYYY-MM-DD)."""
    history.ensure_repo(root)
    if history.resolve(root, branch) is None:
        raise UsageError(f"找不到分支 {branch}。", hint="用 --branch 指定主分支；CI 中请先 fetch 完整历史（fetch-depth: 0）。")
    since_rev, since_date = _since(root, since)
    search = history.start_suppression_search(root, branch, since_rev, since_date)
    try:
        commits = history.first_parent_history(root, branch, since_rev, since_date)
        records = history.note_records(root)
        reachable = history.reachable(root, branch)
    finally:
        suppressed = history.finish_suppression_search(search)
    start = commits[0].base if commits else None
    return audit(branch, commits, records, reachable, suppressed, lambda specs: history.cat_files(root, specs), start)


def page(root: Path, path: str, branch: str = "main") -> list[PageEvent]:
    """The provenance of one page (R8.1): created, each revision, approvers, withdrawal."""
    path = Path(path).as_posix().removeprefix("./")
    report = run(root, branch)
    commits = [e.commit for e in report.entries]
    events = page_history(path, commits, {e.commit.sha: e for e in report.entries},
                          lambda specs: history.cat_files(root, specs))
    if not events:
        raise UsageError(f"{branch} 的历史中没有 {path}。", hint="写仓库中的相对路径，如 content/fgw/gzdt/2026-11-21-xiangmu.md。")
    return events


def _since(root: Path, since: str | None) -> tuple[str | None, str | None]:
    if not since:
        return None, None
    if _DATE.match(since):
        return None, since
    rev = history.resolve(root, since)
    if rev is None:
        raise UsageError(f"--since {since} 既不是提交也不是日期。", hint="写提交哈希、标签，或日期如 2026-01-01。")
    return rev, None
