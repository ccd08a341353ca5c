"""``zhanqun check``: every rule family over the cluster, filtered to the paths asked about."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from zhanqun import cluster as cluster_mod
from zhanqun.findings import Finding, Severity


def run(root: Path, paths: Sequence[str] = (), *, jobs: int = 1) -> list[Finding]:
    _, findings = cluster_mod.load(root, jobs=jobs)
    if paths:
        wanted = [_relative(root, p) for p in paths]
        findings = [f for f in findings if any(_under(f.path, w) for w in wanted)]
    return sorted(set(findings))


def exit_code(findings: Sequence[Finding], strict: bool = False) -> int:
    if any(f.severity is Severity.ERROR for f in findings):
        return 1
    return 1 if strict and findings else 0


def _relative(root: Path, path: str) -> str:
    p = Path(path)
    absolute = p if p.is_absolute() else (Path.cwd() / p)
    try:
        return absolute.resolve().relative_to(root.resolve()).as_posix().rstrip("/")
    except ValueError:
        return p.as_posix().rstrip("/")


def _under(path: str, wanted: str) -> bool:
    path = path.rstrip("/")
    return wanted in ("", ".") or path == wanted or path.startswith(wanted + "/")
