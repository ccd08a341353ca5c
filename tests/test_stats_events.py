"""The event history of ``zhanqun stats`` (R8.3) from a scripted git history whose every figure is known: a
unit folder renamed, a person moved between units, an item withdrawn with 撤稿 and two deleted, an embargo, a
late reply, an attachment, sign-off records naming the pull request's author.

:func:`county` builds the history; the engine, CLI and page tests use it too.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from tests import inspectrepo
from tests.inspectrepo import Repo, column, news
from zhanqun.stats import events

TOWN_PEOPLE = "people:\n  - {id: pan-qs, name: 潘小军, roles: [editor, first, second, final]}\n"
WANG = "  - {id: Wang-Li, name: 王莉, roles: [editor]}\n"
TOWN_COLUMNS = [column("gzdt", "工作动态", cycle="monthly"),
                column("hdjl", "互动交流", type="reply", column_type="互动交流")]
REPLY = """---
title: {title}
question: 请问{title}怎么办理？
category: 咨询
received: {received}
answered: {answered}
---

您好，已转有关部门办理。
"""
WITHDRAWN = "withdrawn:\n  date: 2026-03-20\n  reason: 信息有误\n"


def unit_yaml(template: str, columns: list[str], extra_people: str = "") -> str:
    head = template.split("people:\n")[0]
    people = template.split("people:\n")[1].split("columns:\n")[0]
    return head + "people:\n" + people + extra_people + "columns:\n" + "".join(columns)


def note(repo: Repo, sha: str, author: str, approvers: dict | None = None, opened: str = "") -> None:
    """The sign-off record CI writes on merge (docs/signoff.md), with the times when given."""
    record = {"version": 1, "author": author, "approvers": approvers or {}, "missing": {}, "required": [],
              "commit": sha, **({"opened": opened} if opened else {})}
    repo._git("notes", "--ref", "refs/notes/zhanqun", "add", "-m", json.dumps(record), sha)


def county(root: Path) -> dict[str, str]:
    """The scripted history (China time); returns the commits by name."""
    repo = Repo(root, town=TOWN_COLUMNS)
    town, portal = "content/qingshan/unit.yaml", "content/xzf/unit.yaml"
    g = "content/qingshan/gzdt"
    shas = {}
    shas["people"] = repo.commit("2026-01-06", {town: unit_yaml(inspectrepo.TOWN, TOWN_COLUMNS, WANG)})
    shas["a"] = repo.commit("2026-01-10", {f"{g}/a.md": news("甲", "2026-01-10")})
    note(repo, shas["a"], "Wang-Li", {"pan-qs": [{"unit": "qingshan", "role": "first",
                                                   "at": "2026-01-10T10:00:00+08:00"}]}, "2026-01-10T08:00:00+08:00")
    shas["e"] = repo.commit("2026-01-12", {f"{g}/e.md": news("戊", "2026-01-12")})
    embargoed = news("乙", "2026-02-03", extra="publish_at: 2026-02-03 08:00\n")
    shas["b"] = repo.commit("2026-01-20", {f"{g}/b.md": embargoed})
    shas["a-revised"] = repo.commit("2026-02-15", {f"{g}/a.md": news("甲", "2026-01-10", body="改正了一处笔误。")})
    shas["c"] = repo.commit("2026-03-10", {f"{g}/c.md": news("丙", "2026-03-10"),
                                           f"{g}/attachments/f.pdf": "%PDF-1.4\n"})
    shas["a-withdrawn"] = repo.commit("2026-03-20", {
        f"{g}/a.md": news("甲", "2026-01-10", extra=WITHDRAWN, body="改正了一处笔误。")})
    shas["e-deleted"] = repo.commit("2026-03-25", {f"{g}/e.md": None})
    shas["replies"] = repo.commit("2026-03-31", {
        "content/qingshan/hdjl/r1.md": REPLY.format(title="社保转移", received="2026-03-02", answered="2026-03-04"),
        "content/qingshan/hdjl/r2.md": REPLY.format(title="户口迁移", received="2026-03-09", answered="2026-03-30")})
    shas["renamed"] = repo.move("2026-04-01", "content/qingshan", "content/qingshui")
    shas["moved"] = repo.commit("2026-04-02", {
        "content/qingshui/unit.yaml": unit_yaml(inspectrepo.TOWN, TOWN_COLUMNS),
        portal: unit_yaml(inspectrepo.PORTAL, inspectrepo.DEFAULT_PORTAL, WANG.replace("Wang-Li", "wang-li"))})
    shas["d"] = repo.commit("2026-04-10", {"content/xzf/zwyw/d.md": news("丁", "2026-04-10", source="示例县人民政府")})
    note(repo, shas["d"], "wang-li", {"liu-xzf": [{"unit": "xzf", "role": "first", "at": "2026-04-10T12:00:00+08:00"}],
                                      "Pan-QS": [{"unit": "xzf", "role": "second"}]}, "2026-04-09T09:00:00+08:00")
    shas["c-deleted"] = repo.commit("2026-05-06", {"content/qingshui/gzdt/c.md": None})
    return shas


@pytest.fixture(scope="module")
def history_repo(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    root = tmp_path_factory.mktemp("stats") / "county"
    return root, county(root)


def _day(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def _read(root: Path, first: str, last: str) -> events.History:
    return events.read(root, _day(first + " 00:00:00"), _day(last + " 23:59:59"))


def test_every_event_of_the_half_year_under_the_unit_and_path_it_ends_with(history_repo):
    """R8.3: publications at merge (or embargo) time, revisions, withdrawals, attachments; the unit folder
    renamed keeps its history under the new id."""
    root, shas = history_repo
    found = _read(root, "2026-01-01", "2026-06-30")
    seen = [(e.kind, e.at.isoformat(sep=" "), e.path, e.unit, e.column, e.author, e.deleted) for e in found.events]
    q = "content/qingshui/gzdt"
    assert seen == [
        ("published", "2026-01-10 09:00:00", f"{q}/a.md", "qingshui", "gzdt", "Wang-Li", False),
        ("published", "2026-01-12 09:00:00", "content/qingshan/gzdt/e.md", "qingshui", "gzdt", "test", False),
        # committed on 01-20 with publish_at 02-03 08:00: published when the embargo ended
        ("published", "2026-02-03 08:00:00", f"{q}/b.md", "qingshui", "gzdt", "test", False),
        ("revised", "2026-02-15 09:00:00", f"{q}/a.md", "qingshui", "gzdt", "test", False),
        ("attachment", "2026-03-10 09:00:00", f"{q}/attachments/f.pdf", "qingshui", "gzdt", "test", False),
        ("published", "2026-03-10 09:00:00", f"{q}/c.md", "qingshui", "gzdt", "test", False),
        # the commit that adds 撤稿 is the withdrawal, not also a revision
        ("withdrawn", "2026-03-20 09:00:00", f"{q}/a.md", "qingshui", "gzdt", "test", False),
        # deleted before the unit was renamed: counted under the unit's id at the end of the range
        ("withdrawn", "2026-03-25 09:00:00", "content/qingshan/gzdt/e.md", "qingshui", "gzdt", "test", True),
        ("published", "2026-03-31 09:00:00", "content/qingshui/hdjl/r1.md", "qingshui", "hdjl", "test", False),
        ("published", "2026-03-31 09:00:00", "content/qingshui/hdjl/r2.md", "qingshui", "hdjl", "test", False),
        # the rename of 04-01 is no revision of anything; the sign-off record names the author
        ("published", "2026-04-10 09:00:00", "content/xzf/zwyw/d.md", "xzf", "zwyw", "wang-li", False),
        ("withdrawn", "2026-05-06 09:00:00", f"{q}/c.md", "qingshui", "gzdt", "test", True),
    ]
    assert found.tip == shas["c-deleted"]
    assert {e.commit for e in found.events if e.kind == "withdrawn"} == {shas["a-withdrawn"], shas["e-deleted"],
                                                                            shas["c-deleted"]}
    assert found.columns == {("qingshui", "gzdt"), ("qingshui", "hdjl"), ("xzf", "zwyw")}
    assert set(found.records) == {shas["a"], shas["d"]}


def test_a_range_sees_what_came_before_it_and_nothing_after(history_repo):
    """last_before: the newest publication still on the site when the range starts (a withdrawn one is not);
    the tip is the last commit at the range's end; a column that existed before is not "new"."""
    root, shas = history_repo
    found = _read(root, "2026-04-01", "2026-04-30")
    assert [(e.kind, e.path) for e in found.events] == [("published", "content/xzf/zwyw/d.md")]
    assert found.tip == shas["d"]
    assert found.last_before == {("qingshui", "gzdt"): _day("2026-03-10 09:00"),
                                 ("qingshui", "hdjl"): _day("2026-03-31 09:00")}
    assert found.column_since == {}


def test_the_embargo_moves_a_publication_into_the_next_month(history_repo):
    root, _ = history_repo
    january = _read(root, "2026-01-01", "2026-01-31")
    assert [e.path.rsplit("/", 1)[1] for e in january.of("published")] == ["a.md", "e.md"]
    for kept in (root / ".git" / "zhanqun").glob("stats-*.json"):
        kept.unlink()
    february = _read(root, "2026-02-01", "2026-02-28")
    assert [(e.kind, e.path.rsplit("/", 1)[1]) for e in february.events] == [("published", "b.md"), ("revised", "a.md")]
    # b was committed before February and not changed in it: its embargo is read from the tree as February began,
    # and kept with the walk for the next run
    assert _read(root, "2026-02-01", "2026-02-28") == february


def test_columns_created_in_the_range_say_when(history_repo):
    """A column's first day: the commit that declared it in unit.yaml (here the first commit). In January the
    town was still qingshan: units are named as the range's end names them."""
    root, _ = history_repo
    found = _read(root, "2026-01-01", "2026-01-31")
    assert found.column_since == {("qingshan", "gzdt"): _day("2026-01-05 09:00"),
                                  ("qingshan", "hdjl"): _day("2026-01-05 09:00"),
                                  ("xzf", "zwyw"): _day("2026-01-05 09:00")}
    assert found.first_commit == _day("2026-01-05 09:00")


def test_a_range_before_the_first_commit_is_refused(history_repo):
    root, _ = history_repo
    with pytest.raises(Exception) as caught:
        _read(root, "2025-01-01", "2025-12-31")
    assert caught.value.code == "T003" and "2026-01-05 09:00" in caught.value.message


def test_git_is_asked_a_fixed_number_of_times_whatever_the_history(history_repo, monkeypatch):
    """No git call per item or per commit (R8.3 speed): the same calls for a month as for the half year."""
    import subprocess

    root, _ = history_repo
    calls = []
    real_popen = subprocess.Popen

    def popen(args, *a, **k):  # subprocess.run starts its process through Popen too
        calls.append(next(arg for arg in args[3:] if not arg.startswith("-")))
        return real_popen(args, *a, **k)

    monkeypatch.setattr(subprocess, "Popen", popen)
    _read(root, "2026-01-01", "2026-06-30")
    half_year = sorted(calls)
    calls.clear()
    for kept in (root / ".git" / "zhanqun").glob("stats-*.json"):
        kept.unlink()
    _read(root, "2026-02-10", "2026-06-30")  # nothing kept: the history up to the range's end walked once
    first = sorted(calls)
    calls.clear()
    _read(root, "2026-02-10", "2026-06-30")  # again: the walk up to the range's end is kept in .git/zhanqun
    again = sorted(calls)
    calls.clear()
    _read(root, "2026-01-01", "2026-06-30")  # another start, the same end: the same kept walk
    other_start = sorted(calls)
    assert first.count("log") == 1 and first.count("grep") == 1 and len(first) <= 18, first  # the tip grepped once
    assert again.count("log") == 0 and again.count("grep") == 0 and len(again) <= 16, again  # R8.3: one file read
    assert other_start.count("log") == 0 and other_start.count("grep") == 0, other_start
    assert half_year.count("log") <= 1 and len(half_year) <= 16, half_year


def test_a_later_end_walks_on_from_the_kept_walk_and_counts_as_a_fresh_walk(history_repo, monkeypatch):
    """R8.3 speed: after new commits only those are walked, from the walk kept at an earlier end of main's
    first-parent line; the figures are those of a walk of the whole history."""
    import subprocess

    root, shas = history_repo
    kept = root / ".git" / "zhanqun"
    for old in kept.glob("stats-*.json"):
        old.unlink()
    fresh = _read(root, "2026-03-01", "2026-06-30")
    for old in kept.glob("stats-*.json"):
        old.unlink()
    _read(root, "2026-01-01", "2026-03-31")  # kept at March's last commit
    logs = []
    real_popen = subprocess.Popen

    def popen(args, *a, **k):
        if "log" in args:
            logs.append(args)
        return real_popen(args, *a, **k)

    monkeypatch.setattr(subprocess, "Popen", popen)
    assert _read(root, "2026-03-01", "2026-06-30") == fresh
    assert len(logs) == 1 and f"{shas['replies']}..{shas['c-deleted']}" in logs[0], logs
    assert {p.name for p in kept.glob("stats-*.json")} == {f"stats-{shas['replies']}.json",
                                                          f"stats-{shas['c-deleted']}.json"}


def test_the_kept_walk_gives_what_a_fresh_walk_gives_and_a_broken_one_is_ignored(history_repo):
    root, _ = history_repo
    kept = root / ".git" / "zhanqun"
    for old in kept.glob("stats-*.json"):
        old.unlink()
    fresh = _read(root, "2026-03-15", "2026-05-31")
    assert len(list(kept.glob("stats-*.json"))) == 1
    again = _read(root, "2026-03-15", "2026-05-31")
    assert again == fresh and [e.kind for e in fresh.events] == ["withdrawn", "withdrawn", "published", "published",
                                                                  "published", "withdrawn"]
    for path in kept.glob("stats-*.json"):
        path.write_bytes(b'{"version": 1, "base": "x", "files": [[1]]}')
    assert _read(root, "2026-03-15", "2026-05-31") == fresh
    for path in kept.glob("stats-*.json"):
        path.write_bytes(path.read_bytes()[:-40])  # cut short
    assert _read(root, "2026-03-15", "2026-05-31") == fresh


def test_the_range_s_sign_off_records_are_kept_and_follow_new_notes(history_repo):
    """R8.3 speed: the records of a range are kept with the notes commit they came from; a note added later to one
    of the range's commits is read (only it), one on a commit outside the range changes nothing."""
    import subprocess

    root, shas = history_repo
    git = ["git", "-C", str(root)]
    before = subprocess.run([*git, "rev-parse", "refs/notes/zhanqun"], capture_output=True, text=True,
                            check=True).stdout.strip()
    fresh = _read(root, "2026-04-01", "2026-06-30")
    assert len(list((root / ".git" / "zhanqun").glob("stats.notes-*.json"))) >= 1
    assert [len(r) for r in fresh.records.values()] == [1]  # d's record
    try:
        for sha in (shas["d"], shas["a"]):  # d is in the range, a (January) is not
            subprocess.run([*git, "notes", "--ref", "refs/notes/zhanqun", "append", "-m", "not a record", sha],
                           check=True, capture_output=True)
        again = _read(root, "2026-04-01", "2026-06-30")
        assert list(again.records) == [shas["d"]] and {"unreadable": True} in again.records[shas["d"]]
        assert len(again.records[shas["d"]]) == 2
        for path in (root / ".git" / "zhanqun").glob("stats.notes-*.json"):
            path.unlink()
        assert _read(root, "2026-04-01", "2026-06-30").records == again.records  # as read from scratch
        import orjson

        for path in (root / ".git" / "zhanqun").glob("stats.notes-*.json"):  # well-formed JSON, wrong shape
            data = orjson.loads(path.read_bytes())
            path.write_bytes(orjson.dumps({**data, "records": {sha: [1] for sha in data["records"]}}))
        assert _read(root, "2026-04-01", "2026-06-30").records == again.records
    finally:
        subprocess.run([*git, "update-ref", "refs/notes/zhanqun", before], check=True)


def test_a_kept_walk_is_walked_on_from_only_on_main_s_first_parent_line(history_repo):
    """A walk kept at a commit main's first-parent line does not pass through (a branch's commit, a later commit)
    is not a starting point: the history would be wrong (R8.3)."""
    import subprocess

    root, shas = history_repo
    assert events._on_first_parent_line(root, shas["a"], shas["d"])
    assert not events._on_first_parent_line(root, shas["d"], shas["a"])  # later, not an ancestor
    assert not events._on_first_parent_line(root, shas["d"], shas["d"])  # the tip itself is restored directly
    git = ["git", "-C", str(root)]
    subprocess.run([*git, "branch", "-f", "side", shas["c"]], check=True)
    env = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.org", "PATH": "/usr/bin:/bin"}
    tree = subprocess.run([*git, "rev-parse", f"{shas['c']}^{{tree}}"], capture_output=True, text=True,
                          check=True).stdout.strip()
    side = subprocess.run([*git, "commit-tree", tree, "-p", shas["c"], "-m", "side"], capture_output=True, text=True,
                          check=True, env=env).stdout.strip()
    assert not events._on_first_parent_line(root, side, shas["d"])  # not on main at all
    subprocess.run([*git, "branch", "-D", "side"], check=True, capture_output=True)
