"""Review of issue 11 (R7.1, R9): bugs the review of the merged inspection found, each kept by a test.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import copy_repo
from tests.inspectrepo import Repo, column
from zhanqun.inspect import engine

WWW = "www.shilixian.gov.cn"
HDJL = "content/xzf/hdjl"

REPLY = """---
title: {title}
question: |
  {question}
category: 咨询
received: {received}
{answered}---

{body}
"""


def reply(received: str, answered: str | None, body: str = "", title: str = "关于农村公路日常养护的咨询") -> str:
    return REPLY.format(title=title, question="请问村里的道路坑洼由哪个部门负责修补？", received=received,
                        answered=f"answered: {answered}\n" if answered else "", body=body)


@pytest.fixture
def portal(tmp_path) -> Repo:
    return Repo(tmp_path / "repo", portal=[column("zwyw", "政务要闻"),
                                           column("hdjl", "互动交流", type="reply", column_type="互动交流")])


def _problems(report, path: str) -> list[str]:
    return [p.code for p in report.all_problems() if p.path == path]


# -- 1. A message is committed when received (pending, as docs/handbook.md §5a asks) and answered later -----------
def test_a_message_kept_pending_then_answered_is_not_a_redated_item(portal):
    rel = f"{HDJL}/2026-11-02-gonglu.md"
    portal.commit("2026-11-02", {rel: reply("2026-11-02", None)}, "收到留言")
    # 7 working days: 3–6, 9–11 November; answered on the last day, on time
    portal.commit("2026-11-11", {rel: reply("2026-11-02", "2026-11-11", "您好！村道日常养护由所在乡镇负责，已转交办理。")},
                  "答复留言")
    report = engine.run(portal.root, None, "2026-11-21")
    assert _problems(report, rel) == []  # today: ['J009'] (单项否决), "发布日期 2026-11-11 比它实际发布的日期 2026-11-02 晚 9 天"


# -- 2. A pending message's draft answer is not on the site -----------------------------------------------------------
def test_a_pending_messages_draft_is_not_judged_for_broken_links(portal):
    rel = f"{HDJL}/2026-11-18-gonglu.md"
    portal.commit("2026-11-18", {rel: reply("2026-11-18", None, "草稿：参见[通知](https://www.shilixian.gov.cn/zwyw/meiyou.html)。")})
    report = engine.run(portal.root, None, "2026-11-21")
    assert _problems(report, rel) == []  # today: ['J010'] for a page nobody can open


# -- 3. One mistake, one error at check time -------------------------------------------------------------------------
def test_a_future_answer_date_is_one_error_not_two(tmp_path, zq):
    repo = copy_repo(tmp_path / "demo")
    rel = f"{HDJL}/2026-11-19-chunji-zhaosheng-zixun.md"
    path = repo / rel
    text = path.read_text(encoding="utf-8").replace("answer_unit: jyj\n", "answer_unit: jyj\nanswered: 2026-11-25\n")
    path.write_text(text + "您好！转学手续请于开学前两周到县教育局办理。\n", encoding="utf-8")
    result = zq("check", "--root", repo)
    found = re.findall(rf"^{re.escape(rel)}:\d+:\d+: ([A-Z]\d{{3}}) ", result.out, re.MULTILINE)
    assert found == ["C108"], result.out  # today: C108 and J007 for the same line


# -- 4. A reply's date is its answer day, a record: never judged as a publication date ------------------------------
def test_a_reply_recorded_weeks_after_its_answer_is_not_back_dated(portal):
    rel = f"{HDJL}/2026-10-09-gonglu.md"
    # answered on 9 October, recorded on the site six weeks later
    portal.commit("2026-11-20", {rel: reply("2026-10-08", "2026-10-09", "您好！已转交所在乡镇办理。")})
    report = engine.run(portal.root, None, "2026-11-21")
    found = [p for p in report.all_problems() if p.path == rel and p.code in ("J008", "J009")]
    assert found == []  # its timeliness is J014's (answered against received), not J008's


# -- 5. Pushed items: one problem, counted once for the cluster -----------------------------------------------------
def test_the_cluster_counts_a_pushed_late_reply_once(tmp_path):
    repo = Repo(tmp_path / "repo", portal=[column("hdjl", "互动交流", type="reply", column_type="互动交流")],
                town=[column("gzdt", "工作动态"), column("hdjl", "互动交流", type="reply", column_type="互动交流")])
    rel = "content/qingshan/hdjl/2026-11-02-gonglu.md"
    text = reply("2026-11-02", "2026-11-20", "您好！已安排修补。").replace("category: 咨询\n",
                                                                       "category: 咨询\npush_to_portal: [hdjl]\n")
    repo.commit("2026-11-20", {rel: text})
    report = engine.run(repo.root, None, "2026-11-21")
    late = [p for p in report.all_problems() if p.code == "J014"]
    assert sorted(p.host for p in late) == ["qingshan.shilixian.gov.cn", WWW]  # per site: right
    assert report.to_json()["counts"]["deduct"] == sum(
        1 for p in {(q.code, q.path) for q in report.all_problems() if q.level.value == "deduct"})


# -- 6. An answer date without an answer: one error, with a hint that fits a reply ---------------------------------
def test_an_answered_message_without_an_answer_is_one_error(tmp_path, zq):
    repo = copy_repo(tmp_path / "demo")
    rel = f"{HDJL}/2026-11-19-chunji-zhaosheng-zixun.md"
    path = repo / rel
    path.write_text(path.read_text(encoding="utf-8").replace("answer_unit: jyj\n", "answer_unit: jyj\nanswered: 2026-11-20\n"),
                    encoding="utf-8")
    result = zq("check", "--root", repo)
    found = re.findall(rf"^{re.escape(rel)}:\d+:\d+: ([A-Z]\d{{3}}) ", result.out, re.MULTILINE)
    assert found == ["J041"], result.out  # today: J006 "正文是空的，也没有附件" and J041 on the same line

# -- 7. A deadline inside a covered year is known even when the next year is not -------------------------------------
def test_a_3_workday_column_stale_in_december_is_stale_before_the_next_years_schedule_exists(tmp_path):
    from tests.inspectrepo import news

    repo = Repo(tmp_path / "repo", town=[column("gzdt", "工作动态", cycle="3_workdays")])
    # Tuesday 1 December 2026: the 3rd working day after it is Friday 4 December, well inside 2026
    repo.commit("2026-12-01", {"content/qingshan/gzdt/a.md": news("青山镇部署冬季防火", "2026-12-01")})
    report = engine.run(repo.root, ["qingshan"], "2026-12-20")
    assert "J002" in [p.code for p in report.all_problems()]  # today: only J023 "日历中没有 2027 年…"

def test_review_helpers_work(portal):
    """Not a bug: the fixture above builds a cluster inspect can load (so the tests above fail for their reason)."""
    report = engine.run(portal.root, None, "2026-11-21")
    assert {s.host for s in report.sites} >= {WWW}
    assert Path(portal.root / "content" / "xzf" / "unit.yaml").read_text(encoding="utf-8").count("type: reply") == 1
