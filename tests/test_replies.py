"""Replies to the public (R9): working days with the holiday calendar, the reply type and its check-time rules,
the inspection rules J014–J016/J018, the public replies page with its statistics (001 §19(五)), issue 11."""

from __future__ import annotations

import datetime as dt
import random
import re
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from tests import fakes
from tests.conftest import copy_repo
from zhanqun import cluster as cluster_mod
from zhanqun.inspect import replies
from zhanqun.inspect.model import Context, Level, Moment
from zhanqun.workdays import Calendar, CalendarGap

WWW = "www.shilixian.gov.cn"
FGW = "fgw.shilixian.gov.cn"
D = dt.date


@pytest.fixture(scope="module")
def library() -> Calendar:
    return Calendar.load(Path(__file__).resolve().parent.parent)  # the project has no content/calendar.yaml


# -- working days -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("day, working", [
    # National Day 2025: 1–8 October off, Sunday 28 September and Saturday 11 October are working days
    (D(2025, 9, 27), False), (D(2025, 9, 28), True), (D(2025, 9, 30), True), (D(2025, 10, 1), False),
    (D(2025, 10, 6), False), (D(2025, 10, 8), False), (D(2025, 10, 9), True), (D(2025, 10, 11), True),
    (D(2025, 10, 12), False),
    # Spring Festival 2026: 15–23 February off, Saturdays 14 and 28 February are working days
    (D(2026, 2, 13), True), (D(2026, 2, 14), True), (D(2026, 2, 15), False), (D(2026, 2, 23), False),
    (D(2026, 2, 24), True), (D(2026, 2, 21), False), (D(2026, 2, 28), True), (D(2026, 3, 1), False),
])
def test_real_holidays_and_weekend_working_days(library, day, working):
    assert library.is_workday(day) is working


def test_the_day_of_receipt_is_not_counted_and_a_deadline_skips_the_holiday(library):
    assert library.add(D(2025, 11, 3), 1) == D(2025, 11, 4)  # Monday → Tuesday
    assert library.add(D(2025, 11, 7), 1) == D(2025, 11, 10)  # Friday → Monday
    assert library.add(D(2025, 11, 7), 0) == D(2025, 11, 7)
    # received the day before National Day 2025: day 1 is 9 October, day 3 the working Saturday 11 October
    assert library.add(D(2025, 9, 30), 3) == D(2025, 10, 11)
    assert library.add(D(2025, 9, 30), 4) == D(2025, 10, 13)
    # received during the holiday: counted from the next working day
    assert library.add(D(2025, 10, 3), 1) == D(2025, 10, 9)
    assert library.between(D(2025, 9, 30), D(2025, 10, 13)) == 4
    assert library.between(D(2025, 11, 7), D(2025, 11, 7)) == 0
    assert library.between(D(2025, 11, 7), D(2025, 11, 3)) == 0


def test_a_message_received_on_a_working_saturday(library):
    # Saturday 14 February 2026 is a working day; the next ones are after the Spring Festival
    assert library.add(D(2026, 2, 14), 1) == D(2026, 2, 24)
    assert library.add(D(2026, 2, 13), 1) == D(2026, 2, 14)
    # an ordinary Saturday is not: a message received then is counted from Monday
    assert library.add(D(2026, 11, 21), 1) == D(2026, 11, 23)
    # 7 working days from before the Spring Festival run into March, the working Saturday 28 February included
    assert library.add(D(2026, 2, 12), 7) == D(2026, 2, 28)


def test_a_year_nothing_covers_is_a_gap_never_a_guess(library):
    assert library.covers(2026) and library.covers(2004) and not library.covers(2027)
    with pytest.raises(CalendarGap) as info:
        library.is_workday(D(2027, 1, 4))
    assert info.value.year == 2027
    with pytest.raises(CalendarGap):
        library.add(D(2026, 12, 30), 3)  # runs into 2027
    assert library.add(D(2026, 12, 28), 3) == D(2026, 12, 31)  # stays inside 2026: known


CALENDAR_2027 = """\
# 国务院办公厅关于2027年部分节假日安排的通知（示例：本测试自拟的安排）
years:
  - year: 2027
    notice: 国务院办公厅关于2027年部分节假日安排的通知
    holidays:
      - 2027-01-01 ~ 2027-01-03
      - 2027-02-06 至 2027-02-14
      - "2027-10-01 ~ 2027-10-07"
    workdays:
      - 2027-01-30
      - 2027-02-20
"""


def _repo(tmp_path: Path, name: str = "repo") -> Path:
    return copy_repo(tmp_path / name)


def test_a_year_only_the_clusters_calendar_covers(tmp_path, zq):
    repo = _repo(tmp_path)
    (repo / "content" / "calendar.yaml").write_text(CALENDAR_2027, encoding="utf-8")
    assert zq("check", "--root", repo).code == 0  # not an unknown file, and valid
    calendar = Calendar.load(repo)
    assert calendar.covers(2027) and calendar.covers(2026)
    assert not calendar.is_workday(D(2027, 2, 10))  # inside the range written with 至
    assert calendar.is_workday(D(2027, 2, 20))  # a Saturday made a working day
    assert not calendar.is_workday(D(2027, 2, 21))
    assert calendar.is_workday(D(2027, 2, 15))
    assert calendar.add(D(2027, 2, 5), 1) == D(2027, 2, 15)
    assert calendar.add(D(2026, 12, 31), 1) == D(2027, 1, 4)


def test_the_clusters_calendar_replaces_the_librarys_year(tmp_path):
    repo = _repo(tmp_path)
    (repo / "content" / "calendar.yaml").write_text(
        "years:\n  - year: 2026\n    holidays: [2026-11-20]\n    workdays: [2026-11-22]\n", encoding="utf-8")
    calendar = Calendar.load(repo)
    assert not calendar.is_workday(D(2026, 11, 20)) and calendar.is_workday(D(2026, 11, 22))
    assert calendar.is_workday(D(2026, 10, 5))  # the library's National Day is gone with its year


@pytest.mark.parametrize("text, code, needle, line", [
    ("years:\n  - year: 2027\n    holidays: [2027/1/1]\n", "S003", "holidays", 3),
    ("years:\n  - year: 2027\n    holidays:\n      - 2027-01-01\n      - 2028-01-01\n", "J040", "不在 2027 年内", 5),
    ("years:\n  - year: 2027\n    holidays: []\n    workdays:\n      - 2027-02-10\n", "J040", "星期三", 5),
    ("years:\n  - year: 2027\n    holidays: [2027-02-06 ~ 2027-02-14]\n    workdays: [2027-02-13]\n", "J040", "同时", 4),
    ("years:\n  - year: 2027\n    holidays: [2027-02-14 ~ 2027-02-06]\n", "J040", "早于", 3),
    ("years:\n  - year: 2027\n    holidays: [2027-02-30]\n", "J040", "不存在", 3),
    ("years:\n  - year: 2027\n    holidays: []\n  - year: 2027\n    holidays: []\n", "J040", "两次", 4),
    ("years:\n  - year: 2027\n    holiday: []\n", "S002", "holiday", 3),
])
def test_a_wrong_calendar_is_a_clear_error_with_file_and_line(tmp_path, zq, text, code, needle, line):
    repo = _repo(tmp_path)
    (repo / "content" / "calendar.yaml").write_text(text, encoding="utf-8")
    for args in (("check", "--root", repo), ("check", repo / "content" / "calendar.yaml", "--root", repo)):
        result = zq(*args)
        assert result.code == 1, result.text
        assert f"content/calendar.yaml:{line}" in result.out and code in result.out and needle in result.out, result.out
        assert "Traceback" not in result.text


# -- the reply type and its check-time rules -----------------------------------------------------------------
def _reply(title="关于道路维修的咨询", question="请问人民路的维修什么时候完工？", category="咨询",
           received="2026-11-02", answered: str | None = "2026-11-05", body="您好！预计12月底完工。", extra="") -> str:
    lines = ["---", f"title: {title}", "question: |", f"  {question}", f"category: {category}", f"received: {received}"]
    if answered:
        lines.append(f"answered: {answered}")
    lines += [extra] if extra else []
    return "\n".join(lines + ["---", "", body, ""])


def _write(repo: Path, name: str, text: str, unit: str = "xzf") -> Path:
    path = repo / "content" / unit / "hdjl" / f"{name}.md"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def repo(tmp_path) -> Path:
    repo = _repo(tmp_path)
    for folder in ("xzf", "fgw"):
        shutil.rmtree(repo / "content" / folder / "hdjl")
        (repo / "content" / folder / "hdjl").mkdir()
    return repo


@pytest.mark.parametrize("text, code, needle", [
    (_reply(received="2026-11-10", answered="2026-11-06"), "C108", "早于收到日期"),
    (_reply(received="2026-11-25", answered=None, body=""), "C108", "收到日期 2026-11-25 在今天"),
    (_reply(received="2026-11-18", answered="2026-11-23"), "C108", "答复日期 2026-11-23 在今天"),
    (_reply(extra="answer_unit: fagaiwei"), "C109", "fagaiwei"),
    (_reply(body=""), "J041", "没有答复内容"),
    (_reply(extra="date: 2026-11-05"), "S003", "date"),
    (_reply(category="表扬"), "S003", "category"),
])
def test_reply_check_time_errors(repo, zq, text, code, needle):
    path = _write(repo, "bad", text)
    for args in (("check", "--root", repo), ("check", path, "--root", repo)):
        result = zq(*args)
        assert result.code == 1, result.text
        assert code in result.out and needle in result.out and "content/xzf/hdjl/bad.md:" in result.out, result.out


def test_good_replies_pass_with_chinese_keys_and_value_aliases(repo, zq):
    _write(repo, "a", _reply(extra="answer_unit: fgw\nneeds_verification: true"))
    _write(repo, "b", "---\n标题: 网站错别字\n留言内容: 首页一处错别字\n留言类别: 纠错\n收到日期: 2026-11-02\n"
                      "答复日期: 2026-11-02\n---\n\n已改正，谢谢！\n")
    _write(repo, "pending", _reply(received="2026-11-20", answered=None, body=""))
    result = zq("check", "--root", repo)
    assert result.code == 0, result.text
    loaded, _ = cluster_mod.load(repo)
    by_slug = {i.slug: i for i in loaded.items if i.type == "reply"}
    assert by_slug["b"].meta["category"] == "找错" and by_slug["b"].meta["date"] == "2026-11-02"
    assert by_slug["a"].date == dt.datetime(2026, 11, 5)  # published on the day it was answered
    assert loaded.published(by_slug["a"]) and not loaded.published(by_slug["pending"])


@pytest.mark.parametrize("make, code", [
    (lambda rng: f"我的身份证号是{fakes.id18(rng)}，请帮忙查询社保。", "P001"),
    (lambda rng: f"有事请打我手机{fakes.mobile(rng)}，谢谢。", "P002"),
    (lambda rng: f"联系电话 {fakes.mobile_dash(rng)}", "P002"),
    (lambda rng: f"补贴请打到卡号 {fakes.card(rng)}", "P003"),
])
@pytest.mark.parametrize("answered", ["2026-11-05", None])
def test_personal_data_in_the_question_is_refused_even_while_pending(repo, zq, make, code, answered):
    text = _reply(question=make(random.Random(f"{code}{answered}")), answered=answered,
                  body="您好！已转相关部门办理。" if answered else "")
    _write(repo, "leak", text)
    result = zq("check", "--root", repo)
    assert result.code == 1 and code in result.out and "content/xzf/hdjl/leak.md:4" in result.out, result.out


def test_zhanqun_new_writes_a_pending_message(repo, zq):
    result = zq("new", "xzf", "hdjl", "关于农村公路养护的建议", "--root", repo, "--date", "2026-11-19")
    assert result.code == 0, result.text
    path = repo / result.out.strip()
    text = path.read_text(encoding="utf-8")
    assert 'received: "2026-11-19"' in text and "# answered:" in text and "date:" not in text
    before = zq("check", path, "--root", repo)
    assert before.code == 1 and "question" in before.out and "category" in before.out
    text = text.replace('question: ""', 'question: "建议加强农村公路日常养护。"').replace('category: ""', 'category: "建议"')
    path.write_text(text, encoding="utf-8")
    assert zq("check", path, "--root", repo).code == 0
    # answered without an answer is refused; with one it is published
    path.write_text(text.replace('# answered: ""', 'answered: "2026-11-20"'), encoding="utf-8")
    assert "J041" in zq("check", path, "--root", repo).out
    path.write_text(text.replace('# answered: ""', 'answered: "2026-11-20"') + "您好！已安排养护。\n", encoding="utf-8")
    assert zq("check", path, "--root", repo).code == 0


# -- the inspection ----------------------------------------------------------------------------------------
def _inspect(repo: Path, at: str, calendar: Calendar | None = None):
    loaded, findings = cluster_mod.load(repo)
    moment = dt.datetime.fromisoformat(at)
    ctx = Context(loaded, Moment(moment), findings, calendar=calendar)
    return replies.problems(ctx), ctx


def _codes(problems, path=None) -> list[str]:
    return sorted(p.code for p in problems if path is None or p.path.endswith(path))


def test_j014_late_answer_at_the_boundary(repo):
    # 咨询: 7 working days. Received Wednesday 24 September 2025: 25, 26, 28 (Sunday, working), 29, 30 September,
    # then 9 and 10 October after the holiday; an answer on the working Saturday 11 October is the 8th day
    _write(repo, "on-deadline", _reply(received="2025-09-24", answered="2025-10-10"))
    _write(repo, "day-late", _reply(received="2025-09-24", answered="2025-10-11"))
    # 找错: 3 working days
    _write(repo, "fix-ok", _reply(category="找错", received="2026-11-13", answered="2026-11-18"))
    _write(repo, "fix-late", _reply(category="找错", received="2026-11-13", answered="2026-11-19"))
    found, _ = _inspect(repo, "2026-11-21 08:00")
    assert _codes(found, "on-deadline.md") == [] and _codes(found, "fix-ok.md") == []
    late = [p for p in found if p.path.endswith("day-late.md")]
    assert [p.code for p in late] == ["J014"] and late[0].level is Level.DEDUCT
    assert late[0].host == WWW and "县政府·互动交流" in late[0].message and "8 个工作日" in late[0].message
    assert late[0].path == "content/xzf/hdjl/day-late.md" and late[0].since == "2025-10-11"
    assert _codes(found, "fix-late.md") == ["J014"]


def test_an_answer_on_the_weekend_after_the_deadline_is_late(repo):
    # 建议 received Thursday 12 February 2026, due Saturday 28 February (a working day); Sunday 1 March is late
    # although no working day passed in between
    _write(repo, "sunday", _reply(category="建议", received="2026-02-12", answered="2026-03-01"))
    _write(repo, "saturday", _reply(category="建议", received="2026-02-12", answered="2026-02-28"))
    found, _ = _inspect(repo, "2026-11-21 08:00")
    assert _codes(found, "sunday.md") == ["J014"] and _codes(found, "saturday.md") == []


def test_needs_verification_gets_the_longer_deadline(repo):
    _write(repo, "verify", _reply(category="投诉", received="2026-10-26", answered="2026-11-16",
                                  extra="needs_verification: true"))  # 15 working days exactly
    _write(repo, "no-verify", _reply(category="投诉", received="2026-10-26", answered="2026-11-16"))
    found, _ = _inspect(repo, "2026-11-21 08:00")
    assert _codes(found, "/verify.md") == [] and _codes(found, "no-verify.md") == ["J014"]


def test_j015_overdue_pending_message_at_the_boundary(repo):
    # 建议 received Thursday 12 February 2026: 7 working days are 13, 14 (Saturday), 24, 25, 26, 27, 28 (Saturday)
    _write(repo, "pending", _reply(category="建议", received="2026-02-12", answered=None, body=""))
    on_day, _ = _inspect(repo, "2026-02-28 18:00")
    assert on_day == []
    after, _ = _inspect(repo, "2026-03-01 09:00")
    assert [(p.code, p.level, p.since) for p in after] == [("J015", Level.DEDUCT, "2026-03-01")]
    assert "2026-02-28" in after[0].message and "至今未答复" in after[0].message
    # answered later: then it is the late answer, not the pending one, that counts
    _write(repo, "pending", _reply(category="建议", received="2026-02-12", answered="2026-03-02"))
    answered, _ = _inspect(repo, "2026-03-05 09:00")
    assert _codes(answered) == ["J014"]
    # as the inspector saw 1 March, before the answer existed
    before_answer, _ = _inspect(repo, "2026-03-01 09:00")
    assert _codes(before_answer) == ["J015"]


def test_j016_unanswered_for_more_than_reply_max_days_is_a_veto(repo):
    _write(repo, "old", _reply(received="2026-06-01", answered=None, body=""))
    at_limit, _ = _inspect(repo, "2026-08-30 10:00")  # 90 days
    assert _codes(at_limit) == ["J015"]
    over, _ = _inspect(repo, "2026-08-31 10:00")  # 91 days: J016 replaces J015
    assert [(p.code, p.level, p.since) for p in over] == [("J016", Level.VETO, "2026-08-31")]
    assert "91 天" in over[0].message and "长期不回应" in over[0].message


def test_reply_max_days_is_cluster_config(repo):
    config = repo / "content" / "cluster.yaml"
    demo = config.read_text(encoding="utf-8").split("\ninspect:")[0]  # the demo's own block is replaced
    config.write_text(demo.rstrip("\n") + "\ninspect:\n  reply_max_days: 30\n  reply_deadlines: {咨询: 4}\n",
                      encoding="utf-8")
    _write(repo, "old", _reply(received="2026-06-01", answered=None, body=""))
    _write(repo, "four", _reply(received="2026-11-02", answered="2026-11-09"))  # 5 working days > 4 (001 §12)
    found, _ = _inspect(repo, "2026-07-02 10:00")
    assert _codes(found, "old.md") == ["J016"]
    found, _ = _inspect(repo, "2026-11-21 10:00")
    assert _codes(found, "four.md") == ["J014"]


def test_j018_a_missing_year_is_reported_and_nothing_is_guessed(repo, tmp_path):
    _write(repo, "pending-2027", _reply(received="2027-01-04", answered=None, body=""))
    _write(repo, "answered-2027", _reply(received="2027-01-04", answered="2027-01-06"))
    found, ctx = _inspect(repo, "2027-03-01 10:00")  # 56 days: overdue by any count, if one guessed
    assert [p.code for p in found] == ["J018"]
    gap = found[0]
    assert gap.level is Level.WARN and gap.host == "" and gap.path == "content/calendar.yaml"
    assert "2027 年" in gap.message and "2 条留言" in gap.message and "content/calendar.yaml" in gap.hint
    stats = replies.site_stats(ctx, WWW)
    assert stats["received"] == 2 and stats["answered"] == 1 and stats["average_workdays"] is None
    assert stats["gap_years"] == [2027] and stats["on_time"] == stats["late"] == stats["overdue"] == 0
    # a late answer is still known when the deadline passed before the missing year
    _write(repo, "late-into-2027", _reply(received="2026-12-01", answered="2027-01-05"))
    found, _ = _inspect(repo, "2027-03-01 10:00")
    assert _codes(found, "late-into-2027.md") == ["J014"]
    assert "用时超过时限" in next(p.message for p in found if p.code == "J014")
    assert "3 条留言" in next(p.message for p in found if p.code == "J018")
    # the cluster adds 2027: the counts are made, J015 appears
    (repo / "content" / "calendar.yaml").write_text(CALENDAR_2027, encoding="utf-8")
    found, ctx = _inspect(repo, "2027-03-01 10:00")
    assert _codes(found) == ["J014", "J015"]
    assert replies.site_stats(ctx, WWW)["gap_years"] == []


def test_a_reply_pushed_to_the_portal_counts_on_both_sites(repo):
    _write(repo, "pushed", _reply(received="2026-11-02", answered="2026-11-20", extra="push_to_portal: [hdjl]"), unit="fgw")
    found, ctx = _inspect(repo, "2026-11-21 08:00")
    assert sorted(p.host for p in found) == [FGW, WWW] and {p.code for p in found} == {"J014"}
    assert "发改委·互动交流" in found[0].message
    assert replies.site_stats(ctx, WWW)["late"] == 1 and replies.site_stats(ctx, FGW)["late"] == 1


def test_demo_statistics_per_site(tmp_path):
    repo = _repo(tmp_path)
    found, ctx = _inspect(repo, "2026-11-21 08:00")
    assert [(p.code, p.host) for p in found] == [("J014", WWW)]  # the one late answer; the pending one is in time
    www = replies.site_stats(ctx, WWW)
    assert {k: www[k] for k in ("received", "answered", "on_time", "late", "pending", "overdue")} == {
        "received": 5, "answered": 4, "on_time": 3, "late": 1, "pending": 1, "overdue": 0}
    assert www["average_workdays"] == 4.8  # (1 + 10 + 3 + 5) / 4
    fgw = replies.site_stats(ctx, FGW)
    assert (fgw["received"], fgw["answered"], fgw["average_workdays"]) == (3, 3, 6.7)  # (2 + 4 + 14) / 3
    assert replies.site_stats(ctx, "jyj.shilixian.gov.cn")["received"] == 0
    assert replies.site_stats(ctx, ctx.cluster.site("fgw")) == fgw
    # later, the pending message (咨询, received 19 November, due 30 November) becomes overdue
    later = Context(ctx.cluster, Moment(dt.datetime(2026, 12, 1, 9)), calendar=ctx.calendar)
    assert [p.code for p in replies.problems(later) if p.path.endswith("chunji-zhaosheng-zixun.md")] == ["J015"]
    assert replies.site_stats(later, WWW)["overdue"] == 1


# -- the public replies page -------------------------------------------------------------------------------
def _page(repo: Path, host: str, path: str) -> BeautifulSoup:
    return BeautifulSoup((repo / "output" / host / path).read_text(encoding="utf-8"), "lxml")


def _stats(soup: BeautifulSoup) -> dict[str, str]:
    block = soup.find(class_="reply-stats")
    return {dt_.get_text(strip=True): dt_.find_next_sibling("dd").get_text(strip=True) for dt_ in block.find_all("dt")}


def test_the_replies_page_lists_dates_and_shows_the_statistics(built_demo):
    soup = _page(built_demo, WWW, "hdjl/index.html")
    assert _stats(soup) == {"收到留言": "5 条", "已答复": "4 条", "平均答复用时（工作日）": "4.8 个工作日"}
    rows = soup.find(class_="reply-list").find_all("li")
    assert len(rows) == 4
    late = next(r for r in rows if "夜间施工" in r.get_text())
    assert [t["datetime"] for t in late.find_all("time")] == ["2026-10-19", "2026-11-02"]
    assert "收到" in late.get_text() and "答复" in late.get_text()
    assert _stats(_page(built_demo, FGW, "hdjl/index.html"))["平均答复用时（工作日）"] == "6.7 个工作日"
    detail = _page(built_demo, WWW, "hdjl/2026-10-19-xiaoqu-yejian-shigong.html")
    text = detail.find("article").get_text(" ", strip=True)
    assert "留言内容" in text and "收到日期 2026-10-19" in text and "答复日期 2026-11-02" in text
    assert "答复单位 示例县东城街道办事处" in text and "答复内容" in text
    assert not detail.find_all(style=True) and not detail.find_all("script", src=False)  # CSP: no inline style/script


def test_a_pending_message_is_not_published_anywhere(built_demo):
    output = built_demo / "output"
    assert not list(output.rglob("*chunji-zhaosheng*"))
    for path in output.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".xml", ".json", ".txt", ".csv"):
            text = path.read_text(encoding="utf-8", errors="replace")
            assert "转学政策" not in text and "chunji-zhaosheng" not in text, path


def test_the_build_survives_a_calendar_gap_and_says_so(tmp_path, zq, monkeypatch):
    repo = _repo(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(dt.datetime(2027, 1, 20, tzinfo=dt.UTC).timestamp())))
    _write(repo, "2027-01-04-new-year", _reply(title="关于春运期间公交班次的咨询", received="2027-01-04", answered="2027-01-06"))
    result = zq("build", "--root", repo)
    assert result.code == 0, result.text
    soup = _page(repo, WWW, "hdjl/index.html")
    # the demo's pending message is still pending; the new answer cannot be counted in working days
    assert _stats(soup) == {"收到留言": "6 条", "已答复": "5 条", "平均答复用时（工作日）": "4.8 个工作日"}
    note = soup.find(class_="stats-note").get_text()
    assert "2027 年的节假日安排尚未录入" in note and re.search(r"只计入.*4 条", note)
    assert (repo / "output" / WWW / "hdjl" / "2027-01-04-new-year.html").is_file()
