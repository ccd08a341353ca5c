"""The loader in stages (issue 13; docs/architecture.md "The loader"): scan (I/O: each item read once, hashed) ->
parse (a pure function of the bytes, the content type and the schema salt, cached by key) -> check. These tests use
the demo county as it is, in a real git repository, with the real parser, gates and cache (R2, R4, R4.11, R7)."""

from __future__ import annotations

import hashlib
import random
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from tests import fakes
from tests.conftest import PROJECT
from zhanqun import cluster as cluster_mod
from zhanqun.cache import ParseCache, code_digest
from zhanqun.checks import files, gates as gates_mod, ruledata

ITEM = "content/fgw/gzdt/2026-07-08-baogong-wenjia.md"


@pytest.fixture
def item_reads(monkeypatch):
    """How often each item file (``.md``) is opened for its bytes. The real read runs and is only counted: the
    loader's one way to an item's bytes is ``files.read_regular`` (which refuses links)."""
    reads: Counter[str] = Counter()
    real = files.read_regular

    def counted(path, limit=None):
        if str(path).endswith(".md"):
            reads[Path(path).as_posix()] += 1
        return real(path, limit)

    monkeypatch.setattr(files, "read_regular", counted)
    return reads


def _with_id(text: str) -> str:
    return text.rstrip("\n") + f"\n\n联系人身份证号 {fakes.id18(random.Random(7))}。\n"


def _context(root: Path, render: bool = False):
    structure, _ = cluster_mod.load_structure(root)
    assert structure is not None
    gates = gates_mod.for_data(ruledata.load(root), allow=gates_mod.allowed_domains(structure.config))
    salt = f"{code_digest()}:{structure.schemas.digest}:{gates.digest}"
    return structure, cluster_mod.ParseContext(structure.schemas, gates, render), salt


def test_the_structure_walk_names_its_records_and_reads_no_item(cluster, item_reads):
    """Stage 0 lists ItemFile records (named fields, not a 5-tuple) and opens no item (issue 13)."""
    root, _repo = cluster
    structure, _ = cluster_mod.load_structure(root)
    assert structure is not None and len(structure.item_files) > 100
    entry = cluster_mod.item_entry(structure, ITEM)
    assert entry == next(f for f in structure.item_files if f.rel == ITEM)
    assert (entry.unit_id, entry.column_id, entry.content_type, entry.path) == ("fgw", "gzdt", "news", root / ITEM)
    assert not item_reads


def test_a_cold_load_reads_every_item_exactly_once(cluster, item_reads):
    """Before issue 13 each item was read twice: once to hash it, once more by the parse (worker)."""
    root, _repo = cluster
    loaded, _findings = cluster_mod.load(root, use_cache=False, jobs=1)
    assert loaded is not None
    assert set(item_reads) == {f.path.as_posix() for f in loaded.item_files}
    assert set(item_reads.values()) == {1}, [p for p, n in item_reads.items() if n > 1][:3]


def test_a_warm_load_reads_only_the_edited_item_once(cluster, item_reads):
    """With git's index and the cache an unchanged item is not read at all; an edited one is read once and judged."""
    root, _repo = cluster
    cluster_mod.load(root, jobs=1)
    item_reads.clear()
    cluster_mod.load(root, jobs=1)
    assert not item_reads  # everything from git's index and the parse cache (issue 11)
    (root / ITEM).write_text(_with_id((root / ITEM).read_text(encoding="utf-8")), encoding="utf-8")
    _, findings = cluster_mod.load(root, jobs=1)
    assert dict(item_reads) == {(root / ITEM).as_posix(): 1}
    assert any(f.code == "P001" and f.path == ITEM for f in findings)


def test_a_file_git_vouches_for_is_read_once_when_its_parse_is_not_cached(cluster, item_reads):
    """A check caches parses without HTML; the build after it needs the HTML: the files git vouches for (their sha
    known from the blob id) are read then, each once, by the scan stage's read_missing."""
    root, _repo = cluster
    cluster_mod.load(root, jobs=1, render=False)
    cluster_mod.load(root, jobs=1, render=False)  # the blob -> sha pairs are learned from the first read
    item_reads.clear()
    loaded, _ = cluster_mod.load(root, jobs=1, render=True)
    assert loaded is not None and any(i.html for i in loaded.items)
    assert set(item_reads.values()) == {1} and len(item_reads) == len(loaded.item_files)


def test_the_parse_stage_uses_the_scanned_bytes_not_the_disk(cluster):
    """The scan's bytes are what is parsed and cached under their own hash: an edit landing between scan and parse
    cannot be cached under the old bytes' key (a stale "no problem" served later for the new bytes)."""
    root, _repo = cluster
    structure, context, salt = _context(root)
    scan = cluster_mod.scan_files([f for f in structure.item_files if f.rel == ITEM], ParseCache(None))
    (scanned,) = scan.files
    assert scanned.data == (root / ITEM).read_bytes() and scanned.sha == hashlib.sha256(scanned.data).hexdigest()
    (root / ITEM).write_text(_with_id(scanned.data.decode("utf-8")), encoding="utf-8")  # after the scan
    key = cluster_mod.parse_key(scanned.sha, scanned.file.content_type, context.render, salt)
    parsed, findings = cluster_mod.parse_scanned(scan, context, ParseCache(None), salt, jobs=1)
    assert not findings and [p.sha for p in parsed] == [scanned.sha]
    assert not [f for f in parsed[0].parsed.findings if f[2] == "P001"]
    ((got_key, _),) = cluster_mod.parse_many(
        [cluster_mod.ParseJob(key, scanned.data, ITEM, scanned.file.content_type)], context, jobs=1)
    assert got_key == key
    # the edited bytes, scanned again, are judged (P001) under another key
    again = cluster_mod.scan_files([scanned.file], ParseCache(None))
    assert again.files[0].sha != scanned.sha
    parsed, _ = cluster_mod.parse_scanned(again, context, ParseCache(None), salt, jobs=1)
    assert [f for f in parsed[0].parsed.findings if f[2] == "P001"]


def test_pool_workers_get_their_context_from_the_initializer(cluster):
    """Enough parses for the fork pool (>= 200): the same results as in-process, rendered or not, and the parent
    process never sets the workers' context (it travels through Pool(initializer=..., initargs=...))."""
    root, _repo = cluster
    structure, context, _salt = _context(root)
    scan = cluster_mod.scan_files(structure.item_files, ParseCache(None))
    jobs = [cluster_mod.ParseJob(f"{n}:{s.file.rel}", s.data, s.file.rel, s.file.content_type)
            for n in range(3) for s in scan.files if s.data is not None]
    assert len(jobs) >= 200
    for render in (False, True):
        ctx = context._replace(render=render)
        pooled = dict(cluster_mod.parse_many(jobs, ctx, jobs=2))
        assert cluster_mod._worker_context is None
        assert pooled == dict(cluster_mod.parse_many(jobs, ctx, jobs=1))
        assert any(v["html"] for v in pooled.values()) is render  # the render flag reached the workers


def test_a_huge_item_is_f005_at_the_scan_and_never_read(cluster, item_reads):
    root, _repo = cluster
    rel = "content/fgw/gzdt/2026-12-01-big.md"
    (root / rel).write_bytes(b"---\ntitle: x\n---\n" + b"a" * (6 * 1024 * 1024))
    structure, _ = cluster_mod.load_structure(root)
    assert structure is not None
    scan = cluster_mod.scan_files(structure.item_files, ParseCache(None))
    assert [(f.code, f.path) for f in scan.findings] == [("F005", rel)]
    assert (root / rel).as_posix() not in item_reads and all(s.file.rel != rel for s in scan.files)


def test_check_with_a_pool_says_what_one_process_says(tmp_path):
    """End to end on a generated cluster of 300 items with an ID number in one: ``--jobs 2`` (fork pool, cold cache)
    and ``--jobs 1`` report the same findings, byte for byte (R4.2, R7)."""
    repo = tmp_path / "bench"
    subprocess.run([sys.executable, str(PROJECT / "bench" / "generate.py"), str(repo), "--units", "3", "--items", "300"],
                   check=True, capture_output=True)
    item = sorted((repo / "content").rglob("*.md"))[17]
    item.write_text(item.read_text(encoding="utf-8") + f"\n身份证号 {fakes.id18(random.Random(5))}。\n", encoding="utf-8")
    outputs = []
    for jobs in ("2", "1"):
        shutil.rmtree(repo / ".zhanqun-cache", ignore_errors=True)
        done = subprocess.run([sys.executable, "-m", "zhanqun", "check", "--root", str(repo), "--jobs", jobs],
                              capture_output=True, text=True, check=False)
        outputs.append((done.returncode, done.stdout, done.stderr))
    assert outputs[0] == outputs[1]
    assert outputs[0][0] == 1 and "P001" in outputs[0][1] and item.relative_to(repo).as_posix() in outputs[0][1]
