"""The parse cache keeps each item's HTML apart from its metadata, read only when a page needs it (issue 16, R3.1,
R3.9): a one-site rebuild no longer decodes the bodies of every item in the cluster. What the sites show must not
change; a cache that disappears or is damaged costs only time (the bodies are parsed again from their files), and
one that disappears while an item is saved is a clear B010, never a half-published output."""

from __future__ import annotations

import shutil
import sqlite3
import time
from pathlib import Path

from tests.conftest import copy_repo, tree_digest
from zhanqun import cluster as cluster_mod, markup, source
from zhanqun.cache import CachedHtml


def test_items_loaded_from_the_cache_read_their_html_when_asked_and_it_is_the_rendered_body(tmp_path):
    root = copy_repo(tmp_path / "县 #1?a=%20")  # a folder name that is URI syntax: the cache is opened as a URI
    uncached, _ = cluster_mod.load(root, use_cache=False)
    assert uncached is not None and all(isinstance(i.html_source, str) for i in uncached.items)  # no cache: in memory
    fresh, findings = cluster_mod.load(root)
    assert fresh is not None and not [f for f in findings if f.severity.value == "error"]
    # parsed now and stored: not kept in memory either (a cold build's workers inherit no bodies)
    assert all(isinstance(i.html_source, CachedHtml) or i.html_source == "" for i in fresh.items)
    assert sum(isinstance(i.html_source, CachedHtml) for i in fresh.items) > 50
    cached, _ = cluster_mod.load(root)
    assert cached is not None and len(cached.items) == len(fresh.items) > 50
    assert all(isinstance(i.html_source, CachedHtml) for i in cached.items)  # nothing decoded yet
    by_rel = {i.rel: i for i in uncached.items}
    for item in cached.items:
        text = (root / item.rel).read_text(encoding="utf-8")
        body = source.split_front_matter(text, item.rel)[1]
        assert item.html == by_rel[item.rel].html == markup.render(body), item.rel
        assert isinstance(item.html_source, str)  # read once, then kept
    with sqlite3.connect(root / ".zhanqun-cache" / "parse.sqlite3") as db:
        stored = db.execute("SELECT count(*) FROM html").fetchone()[0]
        inline = db.execute("SELECT count(*) FROM parsed WHERE value LIKE '%<p>%'").fetchone()[0]
    assert stored >= len(fresh.items) and inline == 0  # the bodies are not in the decoded values


def test_sites_built_from_the_cache_are_the_sites_built_by_parsing_everything(tmp_path, zq, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(time.time())))  # one built_at for both manifests
    root = copy_repo(tmp_path / "repo")
    assert zq("build", "--root", root, "--output", tmp_path / "cold", "--jobs", "2").code == 0
    assert zq("build", "--root", root, "--output", tmp_path / "warm", "--jobs", "2").code == 0
    cold = {k: v[0] for k, v in tree_digest(tmp_path / "cold").items() if not k.startswith(".zhanqun/")}
    warm = {k: v[0] for k, v in tree_digest(tmp_path / "warm").items() if not k.startswith(".zhanqun/")}
    assert len(cold) > 100 and warm == cold


def _cleaner(repo: Path, name: str, also: str = "") -> None:
    """A county plugin stands in for whoever cleans .zhanqun-cache while a build runs: it is loaded after the
    cluster (metadata from the cache) and before any page is written (the bodies); ``also``: code it runs then."""
    cache = repo / ".zhanqun-cache" / "parse.sqlite3"
    assert cache.is_file()
    (repo / "plugins" / f"{name}.py").write_text(
        f"import os\n\nfor name in os.listdir({str(cache.parent)!r}):\n    os.remove(os.path.join({str(cache.parent)!r}, name))\n"
        f"{also}\n\ndef register():\n    pass\n", encoding="utf-8")
    config = repo / "content" / "cluster.yaml"
    config.write_text(config.read_text(encoding="utf-8") + f"build:\n  plugins: [{name}]\n", encoding="utf-8")


def test_a_parse_cache_removed_while_the_build_runs_costs_only_time(demo_repo, zq, tmp_path):
    """Issue 16 (aincr): the bodies the cache no longer has are parsed again from their files, which still hold the
    bytes the metadata came from: the build succeeds with the pages a build from nothing writes."""
    _cleaner(demo_repo, "county_cleaner_quiet")
    assert zq("build", "--root", demo_repo, "--jobs", "2").code == 0
    shutil.rmtree(demo_repo / ".zhanqun-cache")
    assert zq("build", "--root", demo_repo, "--output", tmp_path / "cold", "--jobs", "2").code == 0
    built = {k: v[0] for k, v in tree_digest(demo_repo / "output").items() if not k.startswith(".zhanqun/")}
    cold = {k: v[0] for k, v in tree_digest(tmp_path / "cold").items() if not k.startswith(".zhanqun/")}
    assert len(built) > 100 and built == cold


def test_a_parse_cache_removed_while_an_item_is_saved_is_b010_and_publishes_nothing(demo_repo, zq):
    """The cache gone and the item's file changed since the load: its body cannot be had from the bytes its
    metadata came from; B010, nothing published."""
    item = sorted((demo_repo / "content" / "fgw" / "gzdt").glob("*.md"))[0]
    _cleaner(demo_repo, "county_cleaner", f"with open({str(item)!r}, 'a', encoding='utf-8') as f:\n    f.write('\\n构建中保存的一句。\\n')\n")
    before = tree_digest(demo_repo / "output")
    result = zq("build", "--root", demo_repo, "--jobs", "2")
    assert result.code == 1 and "B010" in result.err and "解析缓存" in result.err, result.text
    assert "Traceback" not in result.text and "内部错误" not in result.text
    assert tree_digest(demo_repo / "output") == before
    assert zq("build", "--root", demo_repo, "--jobs", "2").code == 0  # the next build parses again


def test_a_cache_deleted_and_made_anew_is_read_afresh_by_a_process_that_read_the_old_one(tmp_path):
    """zhanqun serve loads the cluster again on every change: after .zhanqun-cache was deleted and the next load
    made a new one, the bodies are read from the new file, not from the old one the process still had open."""
    import shutil

    root = copy_repo(tmp_path / "repo")
    first, _ = cluster_mod.load(root)
    assert first is not None
    item = next(i for i in first.items if i.html_source != "")
    assert item.html  # the process now holds a connection to this cache file
    shutil.rmtree(root / ".zhanqun-cache")
    path = root / item.rel
    path.write_text(path.read_text(encoding="utf-8") + "\n缓存重建后补充的一句。\n", encoding="utf-8")
    again, _ = cluster_mod.load(root)  # the edited item's parse is only in the new file
    assert again is not None
    same = next(i for i in again.items if i.rel == item.rel)
    assert isinstance(same.html_source, CachedHtml) and "缓存重建后补充的一句" in same.html
