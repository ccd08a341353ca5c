"""Self-inspection of freshness and honest dates (R7.1, issue 11): scripted git histories with commit dates,
inspected at a fixed moment (``--at``)."""

from __future__ import annotations

import pytest

from tests.inspectrepo import Repo, column, news
from zhanqun.inspect import engine
from zhanqun.inspect.model import Level

TOWN = "qingshan.shilixian.gov.cn"
GZDT = "content/qingshan/gzdt"


def inspect(repo: Repo, at: str, hosts=("qingshan",)):
    return engine.run(repo.root, list(hosts) if hosts else None, at)


def codes(report, host: str = TOWN) -> list[str]:
    site = next(s for s in report.sites if s.host == host)
    return [p.code for p in site.problems]


def problems(report, code: str, host: str = TOWN):
    site = next(s for s in report.sites if s.host == host)
    return [p for p in site.problems if p.code == code]


@pytest.fixture
def town(tmp_path) -> Repo:
    return Repo(tmp_path / "repo")


# -- J001 / J002 / J019: 13 days is fresh (with an early warning), 15 days is stale ------------------------
def test_news_column_13_days_old_is_fresh_but_warned(town):
    town.commit("2026-11-08", {f"{GZDT}/a.md": news("青山镇召开秋冬季农田水利建设推进会", "2026-11-08")})
    report = inspect(town, "2026-11-21")
    assert "J002" not in codes(report) and "J001" not in codes(report)
    warnings = [p.message for p in problems(report, "J019")]
    assert "青山镇·工作动态 1 天后将超过 2 周未更新（最新一条 2026-11-08）。" in warnings
    assert any("首页 1 天后将超过 2 周未更新" in m for m in warnings)
    state = next(s for s in report.sites if s.host == TOWN).columns[0]
    assert (state.age_days, state.stale, state.stale_on) == (13, False, "2026-11-22")
    assert not report.sites[0].vetoed


def test_news_column_15_days_old_is_stale_and_the_homepage_vetoed(town):
    town.commit("2026-11-06", {f"{GZDT}/a.md": news("青山镇召开秋冬季农田水利建设推进会", "2026-11-06")})
    report = inspect(town, "2026-11-21")
    [stale] = problems(report, "J002")
    assert stale.message.startswith("青山镇·工作动态 已 15 天未更新（最新一条 2026-11-06）")
    [home] = problems(report, "J001")
    assert home.level is Level.VETO and "首页已 15 天未更新" in home.message
    assert "J019" not in codes(report)
    assert report.sites[0].vetoed


def test_exactly_two_weeks_is_the_veto_and_says_so(town):
    """19号: no update within the 2 weeks before the inspection. An item 14 days old is outside them."""
    town.commit("2026-11-07", {f"{GZDT}/a.md": news("青山镇召开秋冬季农田水利建设推进会", "2026-11-07")})
    [home] = problems(inspect(town, "2026-11-21"), "J001")
    assert "首页已 14 天未更新" in home.message and home.message.endswith("已满 2 周。")


def test_warning_horizon_follows_cluster_config(town):
    text = (town.root / "content/cluster.yaml").read_text(encoding="utf-8") + "inspect:\n  warn_days: 5\n"
    town.commit("2026-11-02", {"content/cluster.yaml": text,
                               f"{GZDT}/a.md": news("青山镇开展森林防火宣传", "2026-11-11")})
    at_six = inspect(town, "2026-11-19")  # due 2026-11-25: 6 days away, outside 5
    assert "J019" not in codes(at_six)
    at_five = inspect(town, "2026-11-20")
    assert any("5 天后将超过 2 周未更新" in p.message for p in problems(at_five, "J019"))


def test_cycle_in_unit_yaml_sets_the_limit(tmp_path):
    repo = Repo(tmp_path / "r", town=[column("gzdt", "工作动态", cycle="weekly"),
                                      column("tzgg", "通知公告", "notice", "通知公告")])
    repo.commit("2026-11-12", {f"{GZDT}/a.md": news("青山镇部署冬季安全生产检查", "2026-11-12"),
                               "content/qingshan/tzgg/b.md": NOTICE.format(date="2026-06-01")})
    report = inspect(repo, "2026-11-20")
    stale = {p.column: p.message for p in problems(report, "J002")}
    assert "1 周" in stale["gzdt"]  # weekly: 8 days is stale
    assert "tzgg" not in stale  # a notice column (as_needed) has 6 months: 2026-06-01 + 6 months = 2026-12-01
    report = inspect(repo, "2026-12-01")
    assert "半年" in {p.column: p.message for p in problems(report, "J002")}["tzgg"]
    soon = inspect(repo, "2026-11-29")
    assert "青山镇·通知公告 2 天后将超过半年未更新（最新一条 2026-06-01）。" in [p.message for p in problems(soon, "J019")]


@pytest.mark.parametrize(("column_type", "stale"), [("互动交流", False), ("专题专栏", False), ("其他", True)])
def test_columns_without_an_age_limit(tmp_path, column_type, stale):
    repo = Repo(tmp_path / "r", town=[column("gzdt", "工作动态"), column("zt", "栏目", column_type=column_type)])
    repo.commit("2026-11-18", {f"{GZDT}/a.md": news("青山镇动态", "2026-11-18"),
                               "content/qingshan/zt/a.md": news("青山镇旧信息", "2025-11-01", "migrated_from: 原网站\n")})
    report = inspect(repo, "2026-11-20")
    assert bool(problems(report, "J002")) is stale  # 其他: 1 year


NOTICE = """---
title: 青山镇关于开展农村人居环境整治的通知
date: {date}
publisher: 示例县青山镇人民政府
---

各村：现将有关事项通知如下。
"""


# -- J021 / J022: five stale or empty columns fail the site, four do not -------------------------------
def _columns(n: int) -> list[str]:
    return [column(f"dt{i}", f"动态{i}", cycle="weekly") for i in range(n)]


@pytest.mark.parametrize(("stale", "vetoed"), [(5, True), (4, False)])
def test_five_stale_columns_veto_the_site_four_do_not(tmp_path, stale, vetoed):
    repo = Repo(tmp_path / "r", town=_columns(6))
    files = {f"content/qingshan/dt{i}/a.md": news(f"青山镇动态{i}", "2026-11-01" if i < stale else "2026-11-19")
             for i in range(6)}
    repo.commit("2026-11-01", files)
    report = inspect(repo, "2026-11-20")
    assert len(problems(report, "J002")) == stale
    assert bool(problems(report, "J021")) is vetoed
    if vetoed:
        assert problems(report, "J021")[0].message == "示例县青山镇人民政府（qingshan.shilixian.gov.cn）有 5 个栏目超期未更新（5 个以上即单项否决）。"


@pytest.mark.parametrize(("empty", "vetoed"), [(5, True), (4, False)])
def test_five_empty_columns_veto_the_site_four_do_not(tmp_path, empty, vetoed):
    repo = Repo(tmp_path / "r", town=_columns(7))
    repo.commit("2026-11-18", {f"content/qingshan/dt{i}/a.md": news(f"青山镇动态{i}", "2026-11-18")
                               for i in range(empty, 7)})
    report = inspect(repo, "2026-11-20")
    found = problems(report, "J003")
    assert len(found) == empty and all(p.level is Level.WARN for p in found)
    assert "青山镇·动态0 是空白栏目：没有任何已发布的信息。" in [p.message for p in found]
    assert bool(problems(report, "J022")) is vetoed
    assert "J002" not in codes(report)  # an empty column is counted once, as empty


def test_withdrawn_and_embargoed_items_do_not_update_a_column(town):
    withdrawn = "withdrawn: {date: 2026-11-19, reason: 信息有误}\n"
    town.commit("2026-11-01", {f"{GZDT}/old.md": news("青山镇十月工作", "2026-11-01")})
    town.commit("2026-11-19", {f"{GZDT}/w.md": news("青山镇撤回的信息", "2026-11-19", withdrawn),
                               f"{GZDT}/e.md": news("青山镇定时发布的信息", "2026-11-25", "publish_at: 2026-11-25 08:00\n")})
    report = inspect(town, "2026-11-20")
    assert "最新一条 2026-11-01" in problems(report, "J002")[0].message
    later = inspect(town, "2026-11-25")  # the embargo is over: the column is updated, and the date is honest
    assert "J002" not in codes(later) and "J009" not in codes(later)


def test_pushed_items_update_the_portal_column(tmp_path):
    repo = Repo(tmp_path / "r")
    repo.commit("2026-11-19", {f"{GZDT}/a.md": news("青山镇推进农村公路建设", "2026-11-19", "push_to_portal: [zwyw]\n")})
    report = inspect(repo, "2026-11-20", hosts=None)
    portal = next(s for s in report.sites if s.host == "www.shilixian.gov.cn")
    assert portal.columns[0].items == 1 and portal.columns[0].last_update == "2026-11-19"
    assert not [p for p in portal.problems if p.code in ("J002", "J003", "J001")]


# -- J004: a subsite's news every 3 working days (a warning) -------------------------------------------
def test_subsite_news_older_than_three_working_days_is_warned(tmp_path):
    repo = Repo(tmp_path / "r", town=[column("gzdt", "工作动态", cycle="weekly")])
    repo.commit("2026-11-16", {f"{GZDT}/a.md": news("青山镇部署冬季农业生产", "2026-11-16")})  # a Monday
    assert "J004" not in codes(inspect(repo, "2026-11-18"))  # Wednesday: 2 working days
    [warning] = problems(inspect(repo, "2026-11-19"), "J004")  # Thursday: the 3rd working day
    assert warning.level is Level.WARN and "3 个工作日" in warning.message
    # a weekend does not count: Friday's item is 3 working days old on Wednesday, not on Monday
    repo.commit("2026-11-20", {f"{GZDT}/b.md": news("青山镇召开周例会", "2026-11-20")})
    assert "J004" not in codes(inspect(repo, "2026-11-24"))
    assert "J004" in codes(inspect(repo, "2026-11-25"))


def test_portal_news_is_not_held_to_the_subsite_rule(tmp_path):
    repo = Repo(tmp_path / "r", portal=[column("zwyw", "政务要闻", cycle="weekly")])
    repo.commit("2026-11-16", {"content/xzf/zwyw/a.md": news("县政府召开常务会议", "2026-11-16", source="示例县人民政府")})
    report = inspect(repo, "2026-11-20", hosts=("www",))
    assert "J004" not in codes(report, "www.shilixian.gov.cn")


# -- J005: an item without a usable date ----------------------------------------------------------------
def test_item_with_unusable_date_is_reported_and_does_not_count(town):
    town.commit("2026-11-01", {f"{GZDT}/a.md": news("青山镇十月工作", "2026-11-01")})
    town.commit("2026-11-19", {f"{GZDT}/b.md": news("青山镇新信息", "2026年11月19日"),
                               f"{GZDT}/c.md": news("青山镇没日期", "2026-11-19").replace("date: 2026-11-19\n", "")})
    report = inspect(town, "2026-11-20")
    found = {p.path: p for p in problems(report, "J005")}
    assert set(found) == {f"{GZDT}/b.md", f"{GZDT}/c.md"}
    assert "发布日期写法不对（2026年11月19日）" in found[f"{GZDT}/b.md"].message
    assert found[f"{GZDT}/b.md"].line == 3 and found[f"{GZDT}/b.md"].level is Level.DEDUCT
    assert "没有发布日期" in found[f"{GZDT}/c.md"].message
    assert "J002" in codes(report)  # the column is still not updated


def test_item_with_good_date_is_not_j005(town):
    town.commit("2026-11-19", {f"{GZDT}/b.md": news("青山镇新信息", "2026-11-19 10:30")})
    assert "J005" not in codes(inspect(town, "2026-11-20"))


# -- J008: back-dated, unless a marked legacy import or the repository's first import -------------------
def test_item_dated_weeks_before_it_was_published_is_backdated(town):
    town.commit("2026-11-20", {f"{GZDT}/a.md": news("青山镇补发的动态", "2026-10-08")})
    [problem] = problems(inspect(town, "2026-11-21"), "J008")
    assert problem.level is Level.VETO and (problem.path, problem.line) == (f"{GZDT}/a.md", 3)
    assert "发布日期 2026-10-08 比它实际发布的日期 2026-11-20 早 43 天" in problem.message
    assert "migrated_from" in problem.hint


def test_item_dated_within_tolerance_is_not_backdated(town):
    town.commit("2026-11-20", {f"{GZDT}/a.md": news("青山镇上周的会议", "2026-11-13")})  # 7 days: allowed
    assert "J008" not in codes(inspect(town, "2026-11-21"))


def test_marked_legacy_import_is_not_backdated(town):
    marked = news("青山镇2019年工作总结", "2019-12-30", "migrated_from: http://qingshan.example.invalid/2019/zj.html\n")
    unmarked = news("青山镇2019年工作计划", "2019-01-10")
    town.commit("2026-11-20", {f"{GZDT}/old-marked.md": marked, f"{GZDT}/old-unmarked.md": unmarked})
    found = [p.path for p in problems(inspect(town, "2026-11-21"), "J008")]
    assert found == [f"{GZDT}/old-unmarked.md"]


def test_the_first_commit_is_the_county_import(tmp_path):
    """The site as it stood when the county moved to zhanqun: its old dates are its real ones."""
    repo = Repo(tmp_path / "r")
    repo.repo.git.checkout("--orphan", "fresh")
    repo.write({f"{GZDT}/old.md": news("青山镇原网站的信息", "2025-03-01")})
    repo.repo.git.add(A=True)
    repo._git("commit", "-q", "-m", "导入原网站", when="2026-11-01T09:00:00+08:00")
    repo.repo.git.branch("-M", "main")
    assert "J008" not in codes(inspect(repo, "2026-11-02"))


def test_items_merged_before_the_go_live_day_are_the_import(town):
    """cluster.yaml inspect.live_from: a county migrating its old site in several commits before going live."""
    config = town.root / "content" / "cluster.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "inspect:\n  live_from: 2026-11-15\n", encoding="utf-8")
    town.commit("2026-11-10", {f"{GZDT}/old.md": news("青山镇原网站的旧信息", "2025-03-01")})
    town.commit("2026-11-20", {f"{GZDT}/late.md": news("青山镇上线后倒签的动态", "2026-10-01")})
    found = [p.path for p in problems(inspect(town, "2026-11-21"), "J008")]
    assert found == [f"{GZDT}/late.md"]


def test_a_go_live_day_that_does_not_exist_is_a_config_error(town, zq):
    config = town.root / "content" / "cluster.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "inspect:\n  live_from: 2026-02-30\n", encoding="utf-8")
    result = zq("check", "--root", town.root)
    assert result.code == 1 and "content/cluster.yaml" in result.out and "Traceback" not in result.text


def test_rename_keeps_the_first_publication(town):
    town.commit("2026-09-01", {f"{GZDT}/a.md": news("青山镇九月动态", "2026-09-01")})
    town.move("2026-11-20", f"{GZDT}/a.md", f"{GZDT}/2026/a.md")
    assert "J008" not in codes(inspect(town, "2026-11-21"))


def test_uncommitted_item_is_judged_as_published_now(town, monkeypatch):
    town.commit("2026-11-01", {f"{GZDT}/a.md": news("青山镇动态", "2026-11-01")})
    town.write({f"{GZDT}/b.md": news("青山镇补写的动态", "2026-10-01")})
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795219200")  # 2026-11-21 08:00 China time
    report = engine.run(town.root, ["qingshan"])
    assert [p.path for p in problems(report, "J008")] == [f"{GZDT}/b.md"]


# -- J009: a date moved later ---------------------------------------------------------------------------
def test_date_changed_later_to_a_later_day_is_redated(town):
    path = f"{GZDT}/a.md"
    town.commit("2026-11-10", {path: news("青山镇召开安全生产会议", "2026-11-10")})
    town.commit("2026-11-14", {path: news("青山镇召开安全生产会议", "2026-11-14")})
    [problem] = problems(inspect(town, "2026-11-21"), "J009")
    assert problem.level is Level.VETO
    assert "于 2026-11-10 发布，发布日期后来从 2026-11-10 改成了 2026-11-14" in problem.message


def test_typo_fix_of_the_body_later_is_not_redated(town):
    path = f"{GZDT}/a.md"
    town.commit("2026-11-10", {path: news("青山镇召开安全生产会议", "2026-11-10", body="会仪部署了工作。")})
    town.commit("2026-11-14", {path: news("青山镇召开安全生产会议", "2026-11-10", body="会议部署了工作。")})
    assert "J009" not in codes(inspect(town, "2026-11-21"))


def test_date_far_after_first_publication_is_redated(town):
    path = f"{GZDT}/a.md"
    town.commit("2026-09-01", {path: news("青山镇秋收工作", "2026-09-01")})
    town.commit("2026-11-18", {path: news("青山镇秋收工作", "2026-11-18", body="新的一段。")})
    [problem] = problems(inspect(town, "2026-11-21"), "J009")
    assert "晚 78 天" in problem.message


def test_correcting_a_wrong_date_toward_the_publication_day_is_not_redated(town):
    path = f"{GZDT}/a.md"
    town.commit("2026-11-10", {path: news("青山镇召开安全生产会议", "2026-11-09")})
    town.commit("2026-11-11", {path: news("青山镇召开安全生产会议", "2026-11-10")})  # the real day
    assert "J009" not in codes(inspect(town, "2026-11-21"))


# -- --at -----------------------------------------------------------------------------------------------
def test_at_a_past_day_shows_that_days_problems(town):
    town.commit("2026-10-01", {f"{GZDT}/a.md": news("青山镇国庆值班安排", "2026-10-01")})
    second = town.commit("2026-11-20", {f"{GZDT}/b.md": news("青山镇冬季防火", "2026-11-20")})
    then = inspect(town, "2026-10-20")
    assert then.commit != second and then.at.startswith("2026-10-20T23:59")
    assert "已 19 天未更新" in problems(then, "J002")[0].message
    now = inspect(town, "2026-11-21")
    assert now.commit == second and "J002" not in codes(now)
    by_rev = engine.run(town.root, ["qingshan"], second)
    assert by_rev.commit == second and by_rev.at.startswith("2026-11-20T09:00")


# -- --compare ------------------------------------------------------------------------------------------
def test_compare_shows_fixed_and_created(town, monkeypatch):
    town.commit("2026-11-01", {f"{GZDT}/a.md": news("青山镇动态", "2026-11-01")})
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795219200")
    town.write({f"{GZDT}/b.md": news("青山镇今天的动态", "2026-11-21")})
    fixed = engine.run(town.root, ["qingshan"], None, "main")
    assert {p.code for p in fixed.fixed} == {"J002", "J001"} and not fixed.created and not fixed.creates_veto
    town.write({f"{GZDT}/b.md": news("青山镇倒签的动态", "2026-10-21")})
    created = engine.run(town.root, ["qingshan"], None, "main")
    assert [p.code for p in created.created] == ["J008"] and created.creates_veto


def test_rename_in_the_working_tree_keeps_the_first_publication(town, monkeypatch):
    town.commit("2026-09-01", {f"{GZDT}/a.md": news("青山镇九月动态", "2026-09-01")})
    town.repo.git.mv(f"{GZDT}/a.md", f"{GZDT}/2026-09-01-jiuyue.md")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795219200")
    report = engine.run(town.root, ["qingshan"])
    assert "J008" not in codes(report)
    assert problems(report, "J002")[0].message.startswith("青山镇·工作动态 已 81 天未更新")


class Calendar2026:
    """A holiday calendar that knows only 2026 (the interface of zhanqun.workdays.Calendar)."""

    def covers(self, year: int) -> bool:
        return year == 2026

    def add(self, day, n):
        """Counts day by day, as zhanqun.workdays does, and stops at the first day of a year it lacks."""
        import datetime as dt

        from zhanqun.workdays import CalendarGap

        while n > 0:
            day += dt.timedelta(days=1)
            if day.year != 2026:
                raise CalendarGap(day.year)
            n -= day.weekday() < 5
        return day


def test_a_year_the_calendar_lacks_is_said_not_guessed(tmp_path):
    import datetime as dt

    from zhanqun import cluster as cluster_mod
    from zhanqun.inspect import freshness
    from zhanqun.inspect.model import Context, Moment

    repo = Repo(tmp_path / "r", town=[column("gzdt", "工作动态", cycle="3_workdays"), column("dt", "动态")])
    repo.commit("2026-12-31", {f"{GZDT}/a.md": news("青山镇年终总结", "2026-12-31"),
                               "content/qingshan/dt/a.md": news("青山镇元旦安排", "2026-12-30")})
    at = dt.datetime(2027, 1, 8, 12, 0)
    loaded, findings = cluster_mod.load(repo.root, render=False, now=at)
    found = freshness.problems(Context(loaded, Moment(at), findings, calendar=Calendar2026()))
    [missing] = [p for p in found if p.code == "J023"]
    assert missing.host == "" and "2026 年" not in missing.message and "2027 年" in missing.message
    assert not [p for p in found if p.code in ("J002", "J004") and p.unit == "qingshan"]


def test_at_a_minute_picks_the_commit_of_that_minute(town):
    sha = town.commit("2026-11-20T09:30:00+08:00", {f"{GZDT}/a.md": news("青山镇冬季防火", "2026-11-20")})
    assert engine.run(town.root, ["qingshan"], "2026-11-20 09:30").commit == sha
    before = engine.run(town.root, ["qingshan"], "2026-11-20 09:29")
    assert before.commit != sha and "J003" in codes(before)  # the column was still empty
