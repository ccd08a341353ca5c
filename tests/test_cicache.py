"""The parse cache shared by CI jobs (issue 16, R6.6, docs/ci.md): ``zhanqun cache key`` and ``zhanqun cache fill``
on real git repositories of the demo county. A job that restores the cache another job filled builds the same
bytes without parsing anything; the key follows the commit and zhanqun's environment."""

from __future__ import annotations

import filecmp
import sqlite3
import subprocess
from pathlib import Path

from zhanqun import cache as cache_mod, cachekey, cluster as cluster_mod

CACHE = Path(".zhanqun-cache") / "parse.sqlite3"
HOST = "fgw.shilixian.gov.cn"


def _clone(source: Path, target: Path) -> Path:
    """A fresh checkout, as actions/checkout gives each job (new mtimes, a new index, no cache)."""
    subprocess.run(["git", "clone", "-q", str(source), str(target)], check=True)
    return target


def _same_tree(left: Path, right: Path) -> bool:
    stack = [filecmp.dircmp(left, right, ignore=["lock"])]
    while stack:
        node = stack.pop()
        if node.left_only or node.right_only or node.funny_files:
            return False
        if filecmp.cmpfiles(node.left, node.right, node.common_files, shallow=False)[1:] != ([], []):
            return False
        stack.extend(node.subdirs.values())
    return True


def _tree(root: Path) -> str:
    return subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD^{tree}"], capture_output=True, text=True,
                          check=True).stdout.strip()


def test_the_key_is_the_environment_and_the_commits_tree(cluster, zq):
    root, repo = cluster
    first = zq("cache", "key", "--root", root)
    prefix = zq("cache", "key", "--prefix")
    assert first.code == 0 and prefix.code == 0
    assert first.out.strip() == prefix.out.strip() + _tree(root)
    assert prefix.out.startswith("zhanqun-parse-") and prefix.out.strip().endswith("-")
    news = root / "content" / "fgw" / "gzdt"
    item = sorted(news.glob("*.md"))[0]
    item.write_text(item.read_text(encoding="utf-8") + "\n补充一句。\n", encoding="utf-8")
    repo.git.commit("-am", "改一条")
    second = zq("cache", "key", "--root", root)
    assert second.out != first.out and second.out.startswith(prefix.out.strip())  # restore-keys: the prefix


def test_the_key_changes_with_zhanquns_code(monkeypatch):
    """Another parser is another cache: a cache saved by another zhanqun is never restored, not even by prefix."""
    before = cachekey.prefix()
    monkeypatch.setattr(cache_mod, "code_digest", lambda: "0" * 64)
    assert cachekey.prefix() != before


def test_a_key_outside_a_repository_is_a_clear_error(tmp_path, zq):
    result = zq("cache", "key", "--root", tmp_path)
    assert result.code == 2 and "G001" in result.text and "git rev-parse" in result.text
    assert "Traceback" not in result.text


def test_a_build_job_with_the_plan_jobs_cache_parses_nothing_and_builds_the_same_bytes(cluster, tmp_path, zq,
                                                                                         monkeypatch):
    root, _ = cluster
    plan = _clone(root, tmp_path / "plan")
    filled = zq("cache", "fill", "--root", plan, "--jobs", "1")
    assert filled.code == 0 and "解析缓存已就绪" in filled.text
    with sqlite3.connect(plan / CACHE) as db:
        (rows,) = db.execute("SELECT count(*) FROM parsed").fetchone()
    assert rows >= len(list((plan / "content").glob("*/*/*.md")))

    parsed: list[int] = []
    real = cluster_mod.parse_many
    monkeypatch.setattr(cluster_mod, "parse_many", lambda todo, context, jobs, *more: parsed.append(len(todo)) or
                        real(todo, context, jobs, *more))
    empty = _clone(root, tmp_path / "job-empty")
    assert zq("build", HOST, "--root", empty, "--jobs", "1").code == 0
    assert parsed and parsed[0] > 0  # without the cache the job parses every item of the cluster
    parsed.clear()
    shared = _clone(root, tmp_path / "job-shared")
    (shared / CACHE).parent.mkdir()
    (shared / CACHE).write_bytes((plan / CACHE).read_bytes())  # what actions/cache/restore gives the job
    assert zq("build", HOST, "--root", shared, "--jobs", "1").code == 0
    assert sum(parsed) == 0  # with it, nothing
    assert _same_tree(empty / "output" / HOST, shared / "output" / HOST)


def test_fill_never_uses_a_committed_cache(cluster, zq):
    root, repo = cluster
    (root / CACHE).parent.mkdir()
    (root / CACHE).write_bytes(b"not a cache")
    repo.git.add("-f", str(root / CACHE))
    repo.git.commit("-m", "提交了缓存")
    result = zq("cache", "fill", "--root", root)
    assert result.code == 0 and "被提交进了仓库" in result.text
    assert (root / CACHE).read_bytes() == b"not a cache"  # neither read nor written
