"""``zhanqun check``: every rule family over the cluster, or — for pre-commit — over the files given.

With no paths, or with folders, the whole cluster is loaded and checked, and findings are reported for the
paths asked about. With files only (what pre-commit passes), just those files are parsed, against the
cluster's config, its leader pages and its folder tree: fast enough for a commit hook (R4.9). The rules
that compare every item with every other (C101 duplicate index numbers, C102/C103 interpretations) need
the whole cluster and run in CI's full check.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from zhanqun import cluster as cluster_mod
from zhanqun.cluster import Cluster
from zhanqun.findings import Finding, Severity, shown


def run(root: Path, paths: Sequence[str] = (), *, jobs: int = 1, suppress: bool = True) -> list[Finding]:
    wanted = [_relative(root, p) for p in paths]
    missing = [p for p, w in zip(paths, wanted) if not os.path.lexists(root / w)]
    if missing:
        from zhanqun.errors import UsageError

        raise UsageError(f"找不到 {'、'.join(missing)}。", hint="路径相对于当前目录；检查整个站群时不写路径。")
    if paths and all((root / w).is_file() or (root / w).is_symlink() for w in wanted):
        return sorted(set(run_files(root, wanted, suppress=suppress)))
    _, findings = cluster_mod.load(root, jobs=jobs, suppress=suppress, render=False)
    if wanted:  # (a finding shows a name that is not UTF-8 escaped: F008)
        findings = [f for f in findings if any(_under(f.path, shown(w)) for w in wanted)]
    return sorted(set(findings))


def run_files(root: Path, rels: Sequence[str], *, suppress: bool = True) -> list[Finding]:
    """Check only the given files (paths relative to ``root``)."""
    from zhanqun.cache import ParseCache, code_digest
    from zhanqun.checks import attachments, crossfile, files, gates as gates_mod, references, suppressions

    changed = set(rels)
    leader_types = {"leader"}
    # Structure findings about a changed file, or about the folder holding it (an undeclared column): the
    # structure checks that can find nothing about these are not run (load_structure's ``about``).
    # A name that is not UTF-8 is F008 there, its path shown escaped; such a file is never read.
    cluster, structure = cluster_mod.load_structure(root, item_types=leader_types, about=changed)
    shown_changed = {shown(w) for w in changed}
    if cluster is None:  # the config itself is broken: nothing can be checked against it
        return structure
    findings = [f for f in structure if any(_under(f.path, w) or _under(w, f.path) for w in shown_changed)]
    changed = {w for w in changed if not files.undecodable(w)}
    findings += [f for rel in sorted(changed) if _published(cluster, rel) for f in cluster_mod.unsafe_names(rel)]
    gates, found = gates_mod.for_cluster(root, cluster.config, bulk=False)  # rules/ findings, whatever files were given
    findings += found
    salt = f"{code_digest()}:{cluster.schemas.digest}:{gates.digest}"
    # A link (or a path through a linked folder) is C011 from the structure scan, and is never read.
    readable = {r for r in changed if files.is_regular(root, r)}
    for rel in sorted(readable):
        if cluster_mod.item_entry(cluster, rel) is not None and (reserved := cluster_mod.reserved_name(rel)):
            findings.append(reserved)
            readable.discard(rel)
    wanted = list(cluster.item_files) + [e for e in (cluster_mod.item_entry(cluster, r) for r in sorted(readable))
                                         if e is not None and e.content_type not in leader_types]
    from zhanqun import cache as cache_mod

    trusted = not cache_mod.committed(root)
    cache = ParseCache(root / cache_mod.CACHE_DIR / "parse.sqlite3" if trusted else None)
    try:
        parsed, found = cluster_mod.parse_files(wanted, cluster.schemas, gates, cache, salt, jobs=1, render=False)
        findings += [f for f in found if f.path in changed]
        scanned = [(root / r, r) for r in sorted(readable) if Path(r).suffix.lower() in attachments.SCANNED_SUFFIXES
                   and r.startswith("content/")]
        findings += crossfile.scan_attachments(scanned, gates, cache, salt, jobs=1)
    finally:
        cache.close()

    items, leaders_pages, per_file = [], [], {}
    from zhanqun import content

    for (path, rel, unit_id, column_id, content_type), sha, result in parsed:
        item = content.Item(rel, unit_id, column_id, path.stem, content_type, result.meta or {}, "", sha,
                            result.links, result.mentions)
        if result.meta is not None and content_type in leader_types:
            leaders_pages.append(item)
        if rel not in changed:
            continue
        file_suppressions = suppressions.FileSuppressions(rel, result.suppressions)
        per_file[rel] = file_suppressions
        file_findings = file_suppressions.apply(result.findings_for(rel), suppress)
        findings += file_findings
        if result.meta is not None and not cluster_mod.malformed(file_findings):
            items.append(item)
    cluster.items = items
    leaders = crossfile.leader_check(leaders_pages, gates.data)
    cross = list(references.check_items(cluster, items)) + list(crossfile.check_items(cluster, items, gates, leaders))
    for finding in cross:
        findings += per_file[finding.path].apply([finding], suppress) if finding.path in per_file else [finding]
    for file_suppressions in per_file.values():
        findings += file_suppressions.unused()
    for rel in changed:
        if rel.endswith("/unit.yaml") and rel.count("/") == 2:
            from zhanqun.checks import labels

            unit = cluster.units.get(rel.split("/")[1])
            if unit is not None:
                findings += labels.check_unit(unit, rel, cluster.unit_docs[unit.id].locate)
    return findings


def _published(cluster: Cluster, rel: str) -> bool:
    """``rel`` is inside a declared column folder (so published at its own path)."""
    parts = rel.split("/")
    unit = cluster.units.get(parts[1]) if len(parts) > 3 and parts[0] == "content" else None
    return unit is not None and parts[2] in unit.columns


def exit_code(findings: Sequence[Finding], strict: bool = False) -> int:
    if any(f.severity is Severity.ERROR for f in findings):
        return 1
    return 1 if strict and findings else 0


def _relative(root: Path, path: str) -> str:
    """``path`` relative to ``root``, normalised without following links (a link is judged as itself)."""
    p = Path(path)
    absolute = Path(os.path.abspath(p if p.is_absolute() else (Path.cwd() / p)))
    try:
        return absolute.relative_to(Path(os.path.abspath(root))).as_posix().rstrip("/")
    except ValueError:
        return p.as_posix().rstrip("/")


def _under(path: str, wanted: str) -> bool:
    path, wanted = path.rstrip("/"), wanted.rstrip("/")
    return wanted in ("", ".") or path == wanted or path.startswith(wanted + "/")
