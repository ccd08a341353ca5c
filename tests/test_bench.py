"""The speed benchmark's instrument (issue 16): bench/generate.py's Hugo tree builds cleanly with Hugo and holds
the same items; every one-item edit bench/run.py makes is a commit that a real build shows (R3.1, R3.10 embargoes),
and the staleness check notices a build that does not; ``bench/run.py --quick`` runs end to end. No test asserts a
time."""

from __future__ import annotations

import filecmp
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT / "bench"))
import generate  # noqa: E402 - bench/ is not a package
import run  # noqa: E402

ZHANQUN = Path(sys.executable).parent / "zhanqun"
HUGO = shutil.which("hugo")
needs_hugo = pytest.mark.skipif(HUGO is None, reason="Hugo is not installed (scripts/test.sh installs Debian's hugo)")


def _build(repo: Path, editor: run.Editor) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([str(ZHANQUN), "build", "--root", str(repo), "--jobs", "1"], cwd=repo, env=editor.env(),
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    return done


@needs_hugo
def test_hugo_tree_builds_without_warnings_and_has_every_item(tmp_path):
    """One site and one site per unit: exit 0, no WARN/ERROR, a page per item at <unit>/<column>/<stem>.html with
    its title, date and body, paginated column lists of 20, tag pages."""
    repo = tmp_path / "bench"
    counts = generate.generate(repo, 3, 240, embargoes=2)
    items = sorted((repo / "content").glob("*/*/*.md"))
    assert len(items) == counts["items"] == 242
    assert sorted(p.relative_to(repo / "hugo").as_posix() for p in (repo / "hugo" / "content").glob("*/*/*.md")
                  if p.name != "_index.md") == [p.relative_to(repo).as_posix() for p in items]
    one_cmd, loop_cmd = run.hugo_commands(HUGO, repo)
    for cmd in (one_cmd, loop_cmd):
        done = subprocess.run(cmd, cwd=repo / "hugo", capture_output=True, text=True, check=False)
        assert done.returncode == 0, done.stderr
        assert not re.search(r"\b(WARN|ERROR)", done.stdout + done.stderr), done.stdout + done.stderr
    for item in items:
        meta = run.front_matter(item)
        unit, column = item.parent.parent.name, item.parent.name
        body = item.read_text(encoding="utf-8").split("\n---\n", 1)[1]
        first = next(line for line in body.splitlines() if line and not re.match(r"[#*\d]", line))[:40]  # a paragraph
        for page in (repo / "hugo" / "public" / unit / column / f"{item.stem}.html",
                     repo / "hugo" / "sites" / unit / column / f"{item.stem}.html"):
            html = page.read_text(encoding="utf-8")
            assert f"<h1>{meta['title']}</h1>" in html and meta["date"][:10] in html and first in html
    column = repo / "hugo" / "public" / generate.PORTAL_ID / "gzdt"
    assert (column / "page" / "2.html").is_file()  # 80 portal items over three columns: 27 news, 20 a page
    assert len(re.findall(r"<li><a ", (repo / "hugo" / "public" / generate.PORTAL_ID / "gzdt.html")
                          .read_text(encoding="utf-8"))) == 20
    tagged = [p for p in items if "tags" in run.front_matter(p)]
    if tagged:
        assert (repo / "hugo" / "public" / "tags.html").is_file()


@needs_hugo
def test_the_baseline_with_search_indexes_each_item_page_once(tmp_path):
    """Hugo + Pagefind (the baseline that writes the search index zhanqun writes): the item pages and nothing
    else are indexed, in the one site and in each unit's own site."""
    repo = tmp_path / "bench"
    generate.generate(repo, 3, 60)
    items = sorted((repo / "content").glob("*/*/*.md"))
    one_cmd, loop_cmd = run.hugo_commands(HUGO, repo, run.pagefind_binary())
    for cmd in (one_cmd, loop_cmd):
        done = subprocess.run(cmd, cwd=repo / "hugo", capture_output=True, text=True, check=False)
        assert done.returncode == 0, done.stderr
    assert run.count_files(repo / "hugo" / "public-pf" / "pagefind", ".pf_fragment") == len(items)
    for unit in sorted({p.parent.parent.name for p in items}):
        own = [p for p in items if p.parent.parent.name == unit]
        assert run.count_files(repo / "hugo" / "sites-pf" / unit / "pagefind", ".pf_fragment") == len(own), unit
    entry = json.loads((repo / "hugo" / "public-pf" / "pagefind" / "pagefind-entry.json").read_text(encoding="utf-8"))
    assert list(entry["languages"]) == ["zh-cn"]


def test_generated_trees_are_a_pure_function_of_the_seed(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    generate.generate(first, 2, 40, seed=3, embargoes=1)
    generate.generate(second, 2, 40, seed=3, embargoes=1)
    for tree in ("content", "plain/content", "hugo"):
        compared = filecmp.dircmp(first / tree, second / tree)
        stack = [compared]
        while stack:
            node = stack.pop()
            assert not (node.left_only or node.right_only or node.diff_files), node.report()
            stack += node.subdirs.values()


def test_every_edit_kind_is_a_commit_that_the_build_shows(tmp_path):
    """Each edit row: one commit (none for the embargo, which moves SOURCE_DATE_EPOCH past a publish_at), the
    cluster still checks clean, the rebuilt output shows the edit; before the rebuild the check says stale."""
    repo = tmp_path / "bench"
    generate.generate(repo, 2, 80, embargoes=1, git=True)
    editor = run.Editor(repo, generate.epoch_of(generate.EMBARGO_BASE))
    _build(repo, editor)
    embargoed = next((repo / "content").glob("*/gzdt/*-e0001.md"))
    host = run.host_of(repo, embargoed.parent.parent.name)
    assert not (repo / "output" / host / "gzdt" / f"{embargoed.stem}.html").exists()
    commits = 1
    for kind in run.Editor.KINDS:
        edit = editor.make(kind)
        assert edit.path is not None
        if kind != "embargo":
            commits += 1
        log = subprocess.run(["git", "log", "--oneline"], cwd=repo, capture_output=True, text=True, check=True)
        assert len(log.stdout.splitlines()) == commits
        assert subprocess.run(["git", "status", "--porcelain"], cwd=repo, capture_output=True, text=True,
                              check=True).stdout == ""
        assert not run.shows(repo, repo / "output", edit), f"{kind}: seen before the rebuild"
        done = _build(repo, editor)
        assert run.built_sites(done)[0] >= 1
        assert run.shows(repo, repo / "output", edit), f"{kind}: the rebuilt output does not show the edit"
    check = subprocess.run([str(ZHANQUN), "check", "--root", str(repo)], env=editor.env(), capture_output=True,
                           text=True, check=False)
    assert check.returncode == 0 and "共 0 个错误" in check.stderr, check.stdout + check.stderr
    assert (repo / "output" / host / "gzdt" / f"{embargoed.stem}.html").is_file()


def test_pre_commit_files_are_new_to_the_cache_and_restored(tmp_path):
    repo = tmp_path / "bench"
    generate.generate(repo, 2, 60, git=True)
    files = run.pre_commit_files(repo)
    assert len(files) == run.CHECK_FILES == len(set(files))
    assert len({p.parent.parent.name for p in files}) == 2
    before = {p: p.read_bytes() for p in files}
    run.touch_for_check(repo, files, 1)
    staged = subprocess.run(["git", "diff", "--cached", "--name-only"], cwd=repo, capture_output=True, text=True,
                            check=True).stdout.split()
    assert sorted(staged) == sorted(p.relative_to(repo).as_posix() for p in files)
    run.restore(repo, files)
    assert {p: p.read_bytes() for p in files} == before
    assert subprocess.run(["git", "status", "--porcelain"], cwd=repo, capture_output=True, text=True,
                          check=True).stdout == ""


@needs_hugo
def test_quick_bench_runs_end_to_end(tmp_path):
    """The smoke test: every row measured and fresh (no STALE), a verdict per target, the Markdown table and the
    results JSON. The exit code is 0 or 1 (a target may fail at 200 items); 2 would mean a command failed."""
    done = subprocess.run([sys.executable, str(PROJECT / "bench" / "run.py"), "--quick", "--repeat", "1",
                           "--work", str(tmp_path)], capture_output=True, text=True, check=False,
                          env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
    assert done.returncode in (0, 1), done.stdout[-3000:] + done.stderr[-3000:]
    saved = json.loads((tmp_path / "results-u2-i200.json").read_text(encoding="utf-8"))
    keys = {"zq-cold", "pelican-cold", "hugo-one", "hugo-sites", "hugo-one-pf", "hugo-sites-pf", "noop",
            "check-files", "python", "check-cold",
            *(f"edit-{k}" for k in run.Editor.KINDS)}
    assert set(saved["rows"]) == keys
    assert all(row["ok"] and len(row["runs"]) == 1 for row in saved["rows"].values())
    assert saved["rows"]["edit-body"]["notes"][0].startswith("1 site(s)")
    assert len(saved["targets"]) == 16 and all(t["value"] != "n/a" for t in saved["targets"])
    assert "| Run | Wall s, median (range) |" in done.stdout and "STALE" not in done.stdout
    assert saved["pages"]["hugo"] > 200 and saved["pages"]["zhanqun"] > 200
    # both index about one page an item (the 200 items and the embargoed ones; zhanqun skips the withdrawn ones'
    # bodies and its portal adds the items pushed to it)
    assert saved["pages"]["hugo-pagefind"] >= 190 and saved["pages"]["zhanqun-pagefind"] >= 190
    assert [t["value"] != "n/a" for t in saved["with_search"]] == [True] * 4


def test_the_embargo_row_finds_its_item_in_any_cluster(tmp_path):
    """The embargoed items sit in the first generated department, which need not sort first (9 units: czj < fgw);
    the clock moves one step a row, past exactly that item's publish_at."""
    repo = tmp_path / "bench"
    generate.generate(repo, 9, 40, embargoes=2)
    editor = run.Editor(repo, generate.epoch_of(generate.EMBARGO_BASE))
    assert editor.department_news[0].parent.parent.name < "fgw"
    for k in range(2):
        edit = editor.make("embargo")
        assert edit.path is not None and edit.path.parent.parent.name == "fgw"
        due = generate.epoch_of(generate.dt.datetime.fromisoformat(run.front_matter(edit.path)["publish_at"]))
        assert editor.epoch - generate.EMBARGO_STEP.total_seconds() < due < editor.epoch, k
