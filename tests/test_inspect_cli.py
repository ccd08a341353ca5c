"""``zhanqun inspect`` on the command line (R7.3, issue 11): text, JSON, exit codes, bad input, the demo county."""

from __future__ import annotations

import json
import os

import pytest

from tests.inspectrepo import Repo, news

GZDT = "content/qingshan/gzdt"


@pytest.fixture
def town(tmp_path) -> Repo:
    repo = Repo(tmp_path / "repo")
    repo.commit("2026-11-01", {f"{GZDT}/a.md": news("青山镇召开秋冬季农田水利建设推进会", "2026-11-01")})
    return repo


def test_text_groups_by_site_with_a_verdict(town, zq):
    result = zq("inspect", "qingshan", "--root", town.root, "--at", "2026-11-20")
    assert result.code == 1  # the homepage veto stands
    lines = result.out.splitlines()
    assert lines[0] == "示例县人民政府 网站自查：2026-11-20 23:59，提交 " + town.repo.head.commit.hexsha[:10]
    assert "示例县青山镇人民政府（qingshan.shilixian.gov.cn）：不合格（单项否决 1 项，扣分 1 项，预警 0 项）" in lines
    assert lines.index("  单项否决：") < lines.index("  扣分：")
    assert "    J002 青山镇·工作动态 已 19 天未更新（最新一条 2026-11-01），超过更新期限（2 周）。" in lines
    assert "www.shilixian.gov.cn" not in result.out  # only the site asked for
    assert "Traceback" not in result.text


def test_fresh_site_passes_with_an_early_warning(town, zq):
    result = zq("inspect", "qingshan.shilixian.gov.cn", "--root", town.root, "--at", "2026-11-12")
    assert result.code == 0, result.text
    assert "青山镇·工作动态 3 天后将超过 2 周未更新（最新一条 2026-11-01）。" in result.out
    assert "：合格（" in result.out
    # the daily scheduled run fails inside the horizon it is given
    assert zq("inspect", "qingshan", "--root", town.root, "--at", "2026-11-12", "--fail-within", "3").code == 1
    quiet = zq("inspect", "qingshan", "--root", town.root, "--at", "2026-11-12", "--fail-within", "2")
    assert quiet.code == 0, quiet.text


def test_the_daily_run_takes_its_horizon_from_the_cluster_config(town, zq):
    """--scheduled (inspect.yml): the early warnings inside cluster.yaml inspect.warn_days fail the run."""
    args = ("inspect", "qingshan", "--root", town.root, "--at", "2026-11-12", "--scheduled")
    failed = zq(*args)
    assert failed.code == 1 and "预警：青山镇·工作动态 将于 2026-11-15 超过更新期限。" in failed.err
    config = (town.root / "content/cluster.yaml").read_text(encoding="utf-8") + "inspect:\n  warn_days: 2\n"
    town.commit("2026-11-11", {"content/cluster.yaml": config})
    assert zq(*args).code == 0


def test_json_output(town, zq, tmp_path):
    target = tmp_path / "out" / "inspect.json"
    result = zq("inspect", "--root", town.root, "--at", "2026-11-20", "--format", "json", "--output", target)
    assert result.code == 1
    data = json.loads(target.read_text(encoding="utf-8"))
    assert data["vetoed"] is True and data["at"] == "2026-11-20T23:59"
    site = next(s for s in data["sites"] if s["host"] == "qingshan.shilixian.gov.cn")
    assert site["columns"][0]["name"] == "青山镇·工作动态" and site["columns"][0]["stale"] is True
    assert site["homepage_last_update"] == "2026-11-01"
    assert "青山镇" in target.read_text(encoding="utf-8")  # not \\u escapes


def test_compare_fails_only_on_a_created_veto(town, zq):
    town.write({f"{GZDT}/b.md": news("青山镇今天的动态", "2026-11-21")})
    fixed = zq("inspect", "qingshan", "--root", town.root, "--compare", "main")
    assert fixed.code == 0, fixed.text
    assert "本次变更修正的问题：2 个" in fixed.out and "本次变更新增的问题：无" in fixed.out
    town.write({f"{GZDT}/b.md": news("青山镇倒签的动态", "2026-10-21")})
    created = zq("inspect", "qingshan", "--root", town.root, "--compare", "main", "--format", "json")
    assert created.code == 1
    assert [p["code"] for p in json.loads(created.out)["created"]] == ["J008"]


@pytest.mark.parametrize(("args", "message"), [
    (("--at", "2026-13-40"), "--at 的日期不存在"),
    (("--at", "no-such-rev"), "--at 既不是日期也不是提交"),
    (("--at", "2025-12-31"), "早于仓库的第一个提交"),
    (("--compare", "no-such-rev"), "--compare 的提交不存在"),
    (("no-such-host",), "没有这个站点"),
])
def test_bad_input_is_a_chinese_usage_error(town, zq, args, message):
    result = zq("inspect", "--root", town.root, *args)
    assert result.code == 2 and message in result.err
    assert "Traceback" not in result.text


def test_not_a_git_repository(tmp_path, zq):
    result = zq("inspect", "--root", tmp_path)
    assert result.code == 2 and "不是 git 仓库" in result.err


def test_demo_county_reads_as_an_inspector_would(cluster, zq):
    """The demo county as committed on 2026-11-21 (its first commit: the import), seen on that day."""
    root, _repo = cluster
    result = zq("inspect", "--root", root)
    out = result.out
    assert result.code == 1  # the demo's subsites have not been updated for weeks
    assert "J008" not in out and "J009" not in out  # the first commit is the county's import
    assert "示例县教育局（jyj.shilixian.gov.cn）：不合格" in out
    assert "J001 示例县教育局（jyj.shilixian.gov.cn）首页已 81 天未更新" in out
    # the reply column counts as an update: the last answer (2026-11-13) keeps fgw's homepage fresh (R9)
    assert "J001 示例县发展和改革委员会" not in out and "J014 县政府·互动交流" in out
    assert "清水镇·工作动态 已 56 天未更新（最新一条 2026-09-26），超过更新期限（1 周）。" in out
    assert "示例县东城街道办事处（dongcheng.shilixian.gov.cn）：合格" in out
    assert out.rstrip().splitlines()[-1].startswith("共 6 个网站：")


def test_html_scorecard_is_written(town, zq, tmp_path):
    target = tmp_path / "scorecard.html"
    result = zq("inspect", "--root", town.root, "--at", "2026-11-20", "--format", "html", "--output", target)
    assert result.code == 1 and "<html" in target.read_text(encoding="utf-8")
    umask = os.umask(0)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask  # others on the office share can open it


def test_a_migrated_page_says_so(tmp_path, zq):
    """The legacy mark is visible to an inspector reading the page, not only to zhanqun (R7.1)."""
    from tests.conftest import copy_repo

    repo = copy_repo(tmp_path / "demo")
    (repo / "content/dongcheng/gzdt/2019-05-06-jiu-wangzhan.md").write_text(
        "---\ntitle: 东城街道开展2019年邻里节活动\ndate: 2019-05-06\nauthor: 周宁\nsource: 示例县东城街道办事处\n"
        "迁移自: http://dongcheng.example.invalid/art/2019/5/6/art_1.html\n---\n\n邻里节活动在各社区举行。\n",
        encoding="utf-8")
    assert zq("build", "dongcheng", "--root", repo).code == 0
    page = (repo / "output/dongcheng.shilixian.gov.cn/gzdt/2019-05-06-jiu-wangzhan.html").read_text(encoding="utf-8")
    assert "本文迁移自原网站（http://dongcheng.example.invalid/art/2019/5/6/art_1.html）" in page
