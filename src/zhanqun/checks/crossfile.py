"""Gates that need more than one file: leader names against the leader pages (W003), links against the
cluster's sites (L001–L003), and the attachments in the column folders (A001, A002 and the text gates).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from zhanqun.checks import attachments, links, wording
from zhanqun.findings import Finding

if TYPE_CHECKING:
    from zhanqun.cache import ParseCache
    from zhanqun.checks.gates import Gates
    from zhanqun.checks.ruledata import RuleData
    from zhanqun.cluster import Cluster
    from zhanqun.content import Item


def leader_check(items: Iterable[Item], data: RuleData) -> wording.LeaderCheck:
    leaders = [wording.Leader(str(i.meta["name"]), str(i.meta["post"]), i.rel)
               for i in items if i.type == "leader" and i.meta.get("name") and i.meta.get("post")]
    return wording.LeaderCheck(leaders, data["wording"]["posts"], data["wording"].get("former_markers", []))


def check_items(cluster: Cluster, items: Iterable[Item], gates: Gates, leaders: wording.LeaderCheck) -> Iterator[Finding]:
    link_check = links.LinkCheck(gates.data["links"], links.SiteMap.of(cluster), cluster.config.link_allowlist)
    for item in items:
        if item.mentions:
            yield from leaders.check(item.rel, item.mentions)
        if item.links:
            yield from link_check.check(item.rel, cluster.url_of(item), item.links)


# The gates of a pool worker: set by the pool's initializer in the worker process (issue 13), never by the parent.
_worker_gates: Gates | None = None


def _init_worker(gates: Gates) -> None:
    global _worker_gates
    _worker_gates = gates


class _Scan(NamedTuple):
    path: Path
    rel: str
    key: str


FindingRow = list[Any]  # line, column, code, message, hint, key (a Finding without its path)


def _scan_one(job: _Scan, gates: Gates | None = None) -> tuple[str, list[FindingRow]]:
    gates = gates or _worker_gates
    if gates is None:  # a worker started without _init_worker: a programming error, not an editor's
        raise RuntimeError("attachment worker without gates")
    findings = attachments.scan(job.path, job.rel, gates)
    return job.key, [[f.line, f.column, f.code, f.message, f.hint, f.key] for f in findings]


def scan_attachments(files: list[tuple[Path, str]], gates: Gates, cache: ParseCache, salt: str,
                     jobs: int) -> list[Finding]:
    """Scan attachments, reusing cached results for unchanged bytes (keyed by content, path and rule data)."""
    entries = []
    unreadable: list[Finding] = []
    for path, rel in files:
        try:
            digest = _file_digest(path)
        except OSError:  # a dangling symlink, a file without read permission
            unreadable.append(Finding(rel, 0, 0, attachments.UNREADABLE, "附件无法自动检查：文件无法打开（可能是失效的链接或没有读取权限）。",
                                      "把真实文件提交到仓库。"))
            continue
        entries.append(_Scan(path, rel, f"att:{digest}:{rel}:{salt}"))
    known = cache.get_many(e.key for e in entries)
    todo = [e for e in entries if e.key not in known]
    fresh: dict[str, list[FindingRow]]
    if jobs > 1 and len(todo) > 4:
        import multiprocessing

        with multiprocessing.get_context("fork").Pool(min(jobs, len(todo)), initializer=_init_worker,
                                                      initargs=(gates,)) as pool:
            fresh = dict(pool.map(_scan_one, todo, chunksize=1))
    else:
        fresh = dict(_scan_one(e, gates) for e in todo)
    cache.put_many((k, {"findings": v}) for k, v in fresh.items())
    findings = unreadable
    for entry in entries:
        rows = known[entry.key]["findings"] if entry.key in known else fresh[entry.key]
        findings += [Finding(entry.rel, *row) for row in rows]
    return findings


def _file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
