"""One rule for what counts as a publication (issue 12 review (a)–(c), R8.3, R8.4): ``zhanqun stats``, the annual
ranking and the annual report leave out the initial import (the repository's first commit, and what was merged
before ``inspect.live_from``) and say how many; days before the first commit are not shown as zeros; git authors
no unit.yaml lists are marked; a range without sign-off records says so.

The scripted county (China time; SOURCE_DATE_EPOCH 2026-11-21): the first commit on 2026-03-02 brings the old
site (i1, i2 and an attachment in the town's 工作动态, a 专题专栏 column zt with z0, the demo's two topics) and the
go-live day 2026-04-01; i3 (03-05) and a revision of i1 (03-20) are migration work before it. After going live:
n1 (04-10, by 潘小军, who is in unit.yaml), n2 (05-08), a new 专题专栏 column zt2 with z1 (05-20), a revision of
i1 (05-12), i2 deleted (06-01), a new topic in cluster.yaml (06-10).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os

import pytest
from bs4 import BeautifulSoup

from tests.inspectrepo import Repo, column, news
from zhanqun.stats import counted, engine, events, render

EPOCH = "1795219200"  # 2026-11-21
G = "content/qingshan/gzdt"
TOWN_COLUMNS = [column("gzdt", "工作动态", cycle="monthly"), column("zt", "专题", column_type="专题专栏")]
NEW_TOPIC = "  - {id: wmcj, name: 文明创建, tag: 文明创建, description: 文明创建工作。}\n"


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)


def _amend_first_commit(repo: Repo, files: dict[str, str]) -> None:
    """The initial import: the old site's items in the repository's first commit itself."""
    repo.write(files)
    repo._git("add", "-A")
    repo._git("commit", "-q", "--amend", "--no-edit", when="2026-03-02T09:00:00+08:00")


def _commit_as(repo: Repo, author: str, when: str, files: dict[str, str | None]) -> str:
    repo.write(files)
    repo._git("add", "-A")
    env = {**os.environ, "GIT_AUTHOR_NAME": author, "GIT_AUTHOR_EMAIL": "x@example.invalid",
           "GIT_COMMITTER_NAME": "test", "GIT_COMMITTER_EMAIL": "test@example.invalid", "GIT_CONFIG_GLOBAL": os.devnull,
           "GIT_CONFIG_NOSYSTEM": "1", "GIT_AUTHOR_DATE": f"{when}T09:00:00+08:00",
           "GIT_COMMITTER_DATE": f"{when}T09:00:00+08:00"}
    repo.repo.git.execute(["git", "commit", "-q", "-m", "更新"], env=env)
    return repo.repo.head.commit.hexsha


@pytest.fixture(scope="module")
def county(tmp_path_factory):
    repo = Repo(tmp_path_factory.mktemp("counted") / "county", town=TOWN_COLUMNS, when="2026-03-02T09:00:00+08:00")
    config = repo.root / "content/cluster.yaml"
    _amend_first_commit(repo, {
        f"{G}/i1.md": news("原网站一", "2025-06-01"), f"{G}/i2.md": news("原网站二", "2025-07-01"),
        f"{G}/attachments/old.pdf": "%PDF-1.4\n", "content/qingshan/zt/z0.md": news("原专题", "2025-08-01"),
        "content/cluster.yaml": config.read_text(encoding="utf-8") + "inspect:\n  live_from: 2026-04-01\n"})
    repo.commit("2026-03-05", {f"{G}/i3.md": news("原网站三", "2025-09-01")})
    repo.commit("2026-03-20", {f"{G}/i1.md": news("原网站一", "2025-06-01", body="迁移时改正。")})
    _commit_as(repo, "潘小军", "2026-04-10", {f"{G}/n1.md": news("上线第一条", "2026-04-10")})
    repo.commit("2026-05-08", {f"{G}/n2.md": news("五月工作", "2026-05-08")})
    repo.commit("2026-05-12", {f"{G}/i1.md": news("原网站一", "2026-05-12", body="上线后更新。")})
    town = repo.root / "content/qingshan/unit.yaml"
    repo.commit("2026-05-20", {"content/qingshan/unit.yaml": town.read_text(encoding="utf-8")
                               + column("zt2", "新专题", column_type="专题专栏"),
                               "content/qingshan/zt2/z1.md": news("新专题第一条", "2026-05-20")})
    repo.commit("2026-06-01", {f"{G}/i2.md": None})
    text = config.read_text(encoding="utf-8")
    repo.commit("2026-06-10", {"content/cluster.yaml": text.replace("topics:\n", "topics:\n" + NEW_TOPIC, 1)})
    return repo


def _rows(period) -> dict[str, tuple]:
    return {r.key: (r.published, r.revised, r.withdrawn, r.attachments) for r in [*period.rows, period.total]}


def test_stats_leave_out_the_import_and_say_how_many(county):
    """R8.3: the first commit and everything before the go-live day are the old site moved in."""
    stats = engine.run(county.root, "month", "2026-01-01", "2026-06-30", "unit", unit="qingshan")
    by_month = {p.period.label: _rows(p)["qingshan"] for p in stats.periods}
    assert by_month == {"2026年3月": (0, 0, 0, 0),  # i1, i2, old.pdf, z0, i3 and the revision: the import
                        "2026年4月": (1, 0, 0, 0), "2026年5月": (2, 1, 0, 0), "2026年6月": (0, 0, 1, 0)}
    assert _rows(stats.whole)["qingshan"] == (3, 1, 1, 0)
    assert stats.imported == 4  # i1, i2, z0 (first commit) and i3 (before 04-01)
    assert "首次导入的 4 条不计为发布（仓库的第一个提交及上线日 2026-04-01（inspect.live_from）以前合入的，是原网站迁移的存量）。" \
        in stats.notes
    # update cycles are judged from going live, that day counting as the column's update: April on time (04-01,
    # then n1), May on time (n2 on 05-08 within a month of n1), June missed (nothing after n2)
    months = {p.period.label: p.rows[0].compliance for p in stats.periods}
    assert months["2026年3月"] is None
    assert [(c["on_time"], c["late"], c["missed"], c["windows"]) for c in
            (months["2026年4月"], months["2026年5月"], months["2026年6月"])] == [(1, 0, 0, 1), (1, 0, 0, 1), (0, 0, 1, 1)]
    whole = stats.whole.rows[0].compliance
    assert (whole["on_time"], whole["missed"], whole["windows"]) == (2, 1, 3)
    assert engine.run(county.root, "month", "2026-01-01", "2026-06-30", "unit", unit="xzf").imported == 0


def test_stats_and_the_annual_report_count_the_same_publications(county, zq):
    """R8.4 = R8.3: one rule. The town's report counts n1, n2, z1 — what ``zhanqun stats`` counts for 2026."""
    stats = engine.run(county.root, "year", "2026-01-01", "2026-11-21", "unit", unit="qingshan")
    result = zq("annual-report", "2026", "--root", county.root, "--format", "json")
    assert result.code == 0, result.text
    reports = {r["unit"]: r for r in json.loads(result.out)["reports"]}
    town = {row["id"]: row["value"] for row in reports["qingshan"]["rows"]}
    assert town["info_total"] == stats.whole.rows[0].published == 3
    assert "首次导入的 4 条不计为发布" in " ".join(reports["qingshan"]["notes"])
    # 专栏专题: zt came with the import, zt2 is new; the portal's two topics came with it too, wmcj is new
    assert (town["topics_maintained"], town["topics_new"]) == (2, 1)
    portal = {row["id"]: row["value"] for row in reports["xzf"]["rows"]}
    assert (portal["topics_maintained"], portal["topics_new"]) == (3, 1)


def test_without_a_go_live_day_the_first_commit_alone_is_the_import(tmp_path, zq):
    """A repository whose first commit, in the year, brought items, a 专题专栏 column and topics: none is new."""
    repo = Repo(tmp_path / "county", town=TOWN_COLUMNS, when="2026-03-02T09:00:00+08:00")
    _amend_first_commit(repo, {f"{G}/i1.md": news("原网站一", "2025-06-01"),
                               "content/qingshan/zt/z0.md": news("原专题", "2025-08-01")})
    repo.commit("2026-03-05", {f"{G}/i3.md": news("新一条", "2026-03-05")})
    stats = engine.run(repo.root, "year", "2026-01-01", "2026-06-30", "unit", unit="qingshan")
    assert _rows(stats.whole)["qingshan"] == (1, 0, 0, 0) and stats.imported == 2
    assert "首次导入的 2 条不计为发布（仓库的第一个提交带来的，是原网站迁移的存量）。" in stats.notes
    result = zq("annual-report", "2026", "--root", repo.root, "--format", "json")
    reports = {r["unit"]: {row["id"]: row["value"] for row in r["rows"]} for r in json.loads(result.out)["reports"]}
    assert reports["qingshan"]["info_total"] == 1
    assert (reports["qingshan"]["topics_new"], reports["xzf"]["topics_new"]) == (0, 0)
    assert reports["xzf"]["topics_maintained"] == 2  # the demo cluster.yaml's two topics


def test_the_rule_itself():
    imports = counted.Imports(frozenset({"root"}), dt.datetime(2026, 3, 2, 9), dt.date(2026, 4, 1))

    def event(kind: str, sha: str, day: str) -> events.Event:
        return events.Event(kind, dt.datetime.fromisoformat(day), "content/u/c/x.md", "u", "c", "a", sha)

    kept, left_out = counted.counted([event("published", "root", "2026-03-02 09:00"),
                                      event("attachment", "root", "2026-03-02 09:00"),
                                      event("revised", "x", "2026-03-31 23:59"),
                                      event("published", "y", "2026-04-01 00:00")], imports)
    assert [(e.kind, e.commit) for e in kept] == [("published", "y")] and left_out == 1
    assert imports.judged_from(dt.date(2026, 3, 1)) == dt.date(2026, 4, 1)
    assert imports.judged_from(dt.date(2026, 5, 1)) == dt.date(2026, 5, 1)
    assert counted.Imports().judged_from(dt.date(2026, 3, 1)) == dt.date(2026, 3, 1)
    assert counted.note(0, imports) == ""


# -- (b) days before the first commit ------------------------------------------------------------------------
def test_months_before_the_first_commit_are_not_shown_as_zeros_in_any_format(county):
    stats = engine.run(county.root, "month", "2026-01-01", "2026-03-31", "unit")
    assert [(p.period.label, str(p.period.first)) for p in stats.periods] == [("2026年3月", "2026-03-02")]
    assert (str(stats.first), str(stats.asked_from)) == ("2026-03-02", "2026-01-01")
    said = "仓库尚无记录：仓库的历史从 2026-03-02 开始，2026-01-01 至 2026-03-01 没有记录，不统计（统计从 2026-03-02 算起）。"
    text = render.as_text(stats)
    assert said in text and "2026年1月" not in text and "2026年2月" not in text
    data = json.loads(render.as_json(stats.to_json()))
    assert said in data["notes"] and data["asked_from"] == "2026-01-01" and data["from"] == "2026-03-02"
    assert [p["label"] for p in data["periods"]] == ["2026年3月"]
    lines = list(csv.DictReader(io.StringIO(render.as_csv(stats)[1:])))
    assert {line["统计期"] for line in lines} == {"2026年3月", "全部"}
    assert all(said in line["说明"] for line in lines)
    soup = BeautifulSoup(render.as_html(stats), "html.parser")
    assert said in soup.header.get_text()
    assert "2026年1月" not in soup.get_text()


# -- (c) people -------------------------------------------------------------------------------------------------
def test_authors_not_in_unit_yaml_are_marked_and_no_sign_off_records_is_said(county):
    stats = engine.run(county.root, "year", "2026-04-01", "2026-06-30", "person")
    assert [(r.key, r.name, r.published) for r in stats.whole.rows] == [
        ("test", "test（未在 unit.yaml 登记）", 2), ("pan-qs", "潘小军", 1)]
    assert stats.reviewed is False and engine.NO_REVIEWS in stats.notes
    assert "test（未在 unit.yaml 登记）：发布 2" in render.as_text(stats)
    assert "没有审核记录" in render.as_text(stats)
    soup = BeautifulSoup(render.as_html(stats), "html.parser")
    heads = [th.get_text() for th in soup.find("table").find_all("th", scope="col")]
    assert "审核" not in heads  # no column of dashes
    assert soup.find("p", class_="none", string=lambda s: s and s.startswith("没有审核记录"))
    assert "test（未在 unit.yaml 登记）" in soup.find("table").get_text()
    assert json.loads(render.as_json(stats.to_json()))["reviewed"] is False


def test_the_ranking_says_what_the_import_left_out_in_every_format(county):
    """R8.3: the ranking's update scores come from the same rule; its text, JSON, CSV, page and 通报 say so."""
    from zhanqun.stats import page, ranking

    ranked = ranking.run(county.root, 2026)
    said = "首次导入的 4 条不计为发布"
    assert any(said in n for n in ranked.notes)
    assert "网站 2026-04-01 上线（inspect.live_from）：栏目更新周期从这一天起考核。" in ranked.notes
    town = next(e for e in ranked.entries if e.unit == "qingshan")
    # April to the ranking's last day (2026-11-21): April and May on time, June to November missed
    assert (town.compliance["on_time"], town.compliance["windows"]) == (2, 8)
    assert said in page.as_text(ranked) and said in " ".join(json.loads(render.as_json(ranked.to_json()))["notes"])
    lines = list(csv.DictReader(io.StringIO(page.as_csv(ranked)[1:])))
    assert lines and all(said in line["说明"] for line in lines)
    assert said in BeautifulSoup(page.as_html(ranked), "html.parser").find("ol").get_text()


def test_messages_received_before_the_first_commit_are_counted_as_the_annual_report_counts_them(tmp_path):
    """R8.3, R8.4 (review of the merged statistics): a message carries its own received date, imported with the
    history; clipping the range to the first commit must not drop it from ``stats`` (and the ranking) while the
    annual report counts it. Publications before the first commit still have no record, and the output says so."""
    from tests.test_stats_events import REPLY, TOWN_COLUMNS as REPLY_COLUMNS

    repo = Repo(tmp_path / "county", town=REPLY_COLUMNS, when="2026-03-02T09:00:00+08:00")
    repo.commit("2026-03-10", {
        "content/qingshan/hdjl/r1.md": REPLY.format(title="社保转移", received="2026-02-10", answered="2026-02-12"),
        "content/qingshan/hdjl/r2.md": REPLY.format(title="户口迁移", received="2026-03-04", answered="2026-03-06")})
    stats = engine.run(repo.root, "month", "2026-01-01", "2026-06-30", "unit")
    town = next(r for r in stats.whole.rows if r.key == "qingshan")
    assert town.replies["received"] == 2 and town.replies["answered"] == 2
    assert next(p.period.label for p in stats.periods).startswith("2026年2月")  # from the earliest message
    assert any("没有发布记录，只按来信日期统计留言" in n for n in stats.notes)
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "zhanqun", "annual-report", "2026", "--root", str(repo.root),
                           "--format", "json"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    reports = json.loads(done.stdout)["reports"]
    received = sum(r["value"] or 0 for x in reports for r in x["rows"] if r["id"] == "messages_received")
    assert received == stats.whole.total.replies["received"] == 2


def test_the_annual_report_takes_the_go_live_day_from_the_commit_as_stats_does(county, zq, tmp_path):
    """R8.3 = R8.4: an edit of inspect.live_from nobody merged changes neither stats nor the annual report."""
    import shutil

    root = tmp_path / "copy"
    shutil.copytree(county.root, root, symlinks=True)
    config = root / "content/cluster.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("live_from: 2026-04-01", "live_from: 2026-05-15"),
                      encoding="utf-8")
    stats = engine.run(root, "year", "2026-01-01", "2026-11-21", "unit", unit="qingshan")
    result = zq("annual-report", "2026", "--root", root, "--format", "json")
    assert result.code == 0, result.text
    town = next(r for r in json.loads(result.out)["reports"] if r["unit"] == "qingshan")
    assert "首次导入的 4 条不计为发布" in " ".join(town["notes"]) and "2026-05-15" not in " ".join(town["notes"])
    assert {row["id"]: row["value"] for row in town["rows"]}["info_total"] == stats.whole.rows[0].published == 3


def test_a_go_live_day_written_down_later_applies_to_every_range(tmp_path):
    """R8.3: the go-live day is read from main's newest commit, so a range ending before the commit that wrote it
    down counts the same items as the import as the whole year does (the counts do not depend on --to)."""
    repo = Repo(tmp_path / "county", town=TOWN_COLUMNS, when="2026-03-02T09:00:00+08:00")
    repo.commit("2026-03-10", {f"{G}/old.md": news("迁移的一条", "2025-06-01")})
    repo.commit("2026-03-20", {f"{G}/new.md": news("上线后一条", "2026-03-20")})
    config = repo.root / "content/cluster.yaml"
    repo.commit("2026-03-25", {"content/cluster.yaml": config.read_text(encoding="utf-8")
                               + "inspect:\n  live_from: 2026-03-15\n"})
    early = engine.run(repo.root, "year", "2026-03-01", "2026-03-16", "unit", unit="qingshan")
    whole = engine.run(repo.root, "year", "2026-03-01", "2026-06-30", "unit", unit="qingshan")
    assert early.whole.rows[0].published == 0 and early.imported == 1
    assert whole.whole.rows[0].published == 1 and whole.imported == 1
