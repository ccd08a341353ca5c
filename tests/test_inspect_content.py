"""Content indicators of the inspection (R7.1, R7.2, issue 11): placeholder pages (J006) and future dates (J007) as
errors of ``zhanqun check`` and veto items of inspect; broken links (J010), expired but unmarked policies (J011),
important policies without interpretation (J012), guides with blank elements (J013) and the annual report on the
portal homepage (J017) as deductions. Every case runs on a real copy of the demo county."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from tests.conftest import copy_repo
from zhanqun import cluster as cluster_mod
from zhanqun.inspect import content_rules
from zhanqun.inspect.model import Context, Level, Moment

REFERENCE = dt.datetime(2026, 11, 21, 8, 0)  # SOURCE_DATE_EPOCH of the tests (conftest) in China time
NOTICE = "content/fgw/tzgg/2026-11-20-inspect.md"
NOTICE_HEAD = "---\ntitle: {title}\ndate: {date}\npublisher: 示例县发展和改革委员会\n{extra}---\n\n"


@pytest.fixture
def repo(tmp_path) -> Path:
    return copy_repo(tmp_path / "repo")


def write(repo: Path, rel: str, text: str) -> str:
    path = repo / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return rel


def notice(repo: Path, body: str, *, title: str = "关于开展冬季安全生产检查的通知", date: str = "2026-11-20",
           extra: str = "", rel: str = NOTICE) -> str:
    return write(repo, rel, NOTICE_HEAD.format(title=title, date=date, extra=extra) + body)


def context(repo: Path, at: dt.datetime = REFERENCE, published: dict | None = None) -> Context:
    cluster, findings = cluster_mod.load(repo, render=False)
    assert cluster is not None
    return Context(cluster, Moment(at), findings, published or {})


def found(ctx: Context, code: str, path: str | None = None) -> list:
    return [p for p in content_rules.problems(ctx) if p.code == code and (path is None or p.path == path)]


def codes(result) -> list[str]:
    return re.findall(r"^\S+:\d+:\d+: ([A-Z]\d{3}) ", result.out, re.MULTILINE)


# --- J006 placeholder content: check time ------------------------------------------------------------------------

def test_a_scaffolded_item_fails_check_until_its_body_is_written(repo, zq):
    """`zhanqun new` writes （在这里写正文。）: committed as it is, it would publish an empty page (R7.1, R10)."""
    made = zq("new", "--root", repo, "fgw", "tzgg", "关于开展冬季安全生产检查的通知")
    assert made.code == 0, made.text
    path = next((repo / "content/fgw/tzgg").glob("*dong-ji-an-quan*.md"))
    rel = path.relative_to(repo).as_posix()
    result = zq("check", "--root", repo)
    assert result.code == 1 and "J006" in codes(result)
    assert f"{rel}:" in result.out and "在这里写正文" in result.out
    text = path.read_text(encoding="utf-8").replace("（在这里写正文。）", "经研究，定于11月25日开展全县冬季安全生产检查。")
    path.write_text(text, encoding="utf-8")
    fixed = zq("check", "--root", repo)
    assert "J006" not in codes(fixed) and fixed.code == 0, fixed.out


@pytest.mark.parametrize("body", [
    "待补充\n",
    "正文：待补充……\n",
    "测试\n",
    "测试测试123\n",
    "ＸＸＸ\n",  # full-width letters are what they look like (normalised)
    "×××××\n",
    "## 正文\n\n此处填写\n",
    "本栏目暂无信息。\n",
    "待\u200b补充\n",  # an invisible character does not hide it
    "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor.\n",
    "根据工作安排，现将有关事项通知如下。\n\n（在这里写正文。）\n",  # the scaffold line left under real text
    "",
    "\n\n<!-- 稍后补正文 -->\n",
    "。\n",
])
def test_placeholder_bodies_are_j006_errors(repo, zq, body):
    rel = notice(repo, body)
    result = zq("check", "--root", repo)
    assert result.code == 1 and "J006" in codes(result), result.out
    assert re.search(rf"^{re.escape(rel)}:\d+:\d+: J006 ", result.out, re.MULTILINE)


@pytest.mark.parametrize("body", [
    "经研究，定于2026年11月25日8:00至12:00对城区供水管网进行检修，届时停水。特此通知。\n",
    "本周暂无停电计划。\n",
    "测试结果显示，全县集中式饮用水水源地水质全部达标。\n",
    "XXX同志任示例县发展和改革委员会副主任。\n",
    "特此公告。\n",
    "内容详见附件。\n",
    "略有调整：报名截止时间延至11月30日。\n",
])
def test_real_short_items_are_not_placeholders(repo, zq, body):
    notice(repo, body)
    result = zq("check", "--root", repo)
    assert "J006" not in codes(result), result.out


def test_an_empty_body_is_fine_where_the_front_matter_or_an_attachment_is_the_content(repo, zq):
    policy = repo / "content/xzf/zcwj/2025-03-18-youhua-yingshang-huanjing.md"
    text = policy.read_text(encoding="utf-8")
    head, _ = text.rsplit("---", 1)
    assert "attachments" in head
    policy.write_text(head + "---\n", encoding="utf-8")  # a policy published as its attachment only
    guide = repo / "content/xzf/bszn/linshi-jiuzhu-shenqing.md"
    head, _ = guide.read_text(encoding="utf-8").rsplit("---", 1)
    guide.write_text(head + "---\n", encoding="utf-8")  # a guide: its elements are the front matter
    result = zq("check", "--root", repo)
    assert "J006" not in codes(result), result.out
    assert result.code == 0, result.out


@pytest.mark.parametrize("title, bad", [("未命名", True), ("标题", True), ("测试1", True), ("Untitled", True),
                                        ("关于测试设备采购的公告", False), ("2026年第1号公告", False),
                                        ("标题党治理工作推进会召开", False)])
def test_placeholder_titles(repo, zq, title, bad):
    rel = notice(repo, "经研究，定于11月25日开展全县冬季安全生产检查。\n", title=title)
    result = zq("check", "--root", repo)
    title_finding = re.search(rf"^{re.escape(rel)}:2:\d+: J006 ", result.out, re.MULTILINE)
    assert bool(title_finding) is bad, result.out


def test_pre_commit_mode_refuses_a_placeholder_body(repo, zq):
    rel = notice(repo, "（在这里写正文。）\n")
    result = zq("check", "--root", repo, repo / rel)
    assert result.code == 1 and codes(result) == ["J006"], result.out
    notice(repo, "经研究，定于11月25日开展全县冬季安全生产检查。\n")
    assert zq("check", "--root", repo, repo / rel).code == 0


# --- J007 future date: check time ---------------------------------------------------------------------------------

def test_a_future_date_fails_check_and_build_until_it_is_fixed_or_embargoed(repo, zq):
    """Reference 2026-11-21 (SOURCE_DATE_EPOCH): 2026-12-21 is a typo for 11-21, or needs publish_at (R7.1, R3.10)."""
    rel = notice(repo, "经研究，定于12月25日开展全县冬季安全生产检查。\n", date="2026-12-21")
    result = zq("check", "--root", repo)
    assert result.code == 1 and codes(result) == ["J007"], result.out
    assert f"{rel}:3:" in result.out and "2026-12-21" in result.out and "publish_at" in result.text
    built = zq("build", "--root", repo)
    assert built.code == 1 and "J007" in built.text and not (repo / "output").exists()
    notice(repo, "经研究，定于12月25日开展全县冬季安全生产检查。\n", date="2026-12-21", extra="publish_at: 2026-12-21 08:00\n")
    assert zq("check", "--root", repo).code == 0
    notice(repo, "经研究，定于11月25日开展全县冬季安全生产检查。\n", date="2026-11-21")
    assert zq("check", "--root", repo).code == 0


@pytest.mark.parametrize("date, extra, bad", [
    ("\"2026-11-21 23:30\"", "", False),  # later today is still today
    ("2026-11-22", "", True),
    ("2027-01-05", "", True),
    ("2062-11-20", "", True),
    ("2027-01-05", "publish_at: 2026-12-01\n", True),  # out on 12-01 showing a January date
    ("2026-12-01", "publish_at: \"2026-12-01 09:00\"\n", False),
    ("2026-11-20", "publish_at: 2026-12-01\n", False),  # an earlier date under an embargo is the writer's choice
    ("2025-11-20", "", False),
])
def test_future_date_tolerance(repo, zq, date, extra, bad):
    notice(repo, "经研究，定于近期开展全县冬季安全生产检查。\n", date=date, extra=extra)
    result = zq("check", "--root", repo)
    assert ("J007" in codes(result)) is bad, result.out


def test_source_date_epoch_decides_today(repo, zq, monkeypatch):
    notice(repo, "经研究，定于近期开展全县冬季安全生产检查。\n", date="2026-12-21")
    later = dt.datetime(2026, 12, 21, 1, 0, tzinfo=dt.UTC)  # 09:00 China time on 12-21
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(later.timestamp())))
    assert "J007" not in codes(zq("check", "--root", repo))


def test_pre_commit_mode_refuses_a_future_date(repo, zq):
    rel = notice(repo, "经研究，定于近期开展全县冬季安全生产检查。\n", date="2027-11-20")
    result = zq("check", "--root", repo, repo / rel)
    assert result.code == 1 and codes(result) == ["J007"], result.out


# --- J006 / J007 in inspect -----------------------------------------------------------------------------------------

def test_inspect_vetoes_a_placeholder_page_on_its_site_and_on_the_portal_it_is_pushed_to(repo):
    rel = notice(repo, "待补充\n", extra="push_to_portal: [tzgg]\n")
    problems = found(context(repo), "J006", rel)
    assert {p.host for p in problems} == {"fgw.shilixian.gov.cn", "www.shilixian.gov.cn"}
    assert all(p.level is Level.VETO and p.unit == "fgw" and p.column == "tzgg" and p.line == 8 for p in problems)
    assert "发改委·通知公告" in problems[0].message and "待补充" in problems[0].message
    notice(repo, "经研究，定于11月25日开展全县冬季安全生产检查。\n", extra="push_to_portal: [tzgg]\n")
    assert found(context(repo), "J006") == []


def test_inspect_ignores_a_placeholder_still_under_embargo(repo):
    rel = notice(repo, "待补充\n", extra="publish_at: 2026-12-01\n")
    assert found(context(repo), "J006", rel) == []
    assert len(found(context(repo, dt.datetime(2026, 12, 1, 0, 0)), "J006", rel)) == 1


def test_inspect_judges_the_date_against_the_moment_inspected(repo):
    rel = notice(repo, "经研究，定于近期开展全县冬季安全生产检查。\n", date="2026-12-05")
    problems = found(context(repo), "J007", rel)
    assert len(problems) == 1 and problems[0].level is Level.VETO and "2026-12-05" in problems[0].message
    assert problems[0].host == "fgw.shilixian.gov.cn" and problems[0].line == 3
    assert found(context(repo, dt.datetime(2026, 12, 5, 7, 0)), "J007", rel) == []  # that day, even before the hour
    assert len(found(context(repo, dt.datetime(2026, 12, 4, 23, 59)), "J007", rel)) == 1


def test_inspect_does_not_count_an_embargoed_future_date(repo):
    rel = notice(repo, "经研究，定于近期开展全县冬季安全生产检查。\n", date="2026-12-05", extra="publish_at: 2026-12-05\n")
    assert found(context(repo), "J007", rel) == []


# --- J010 broken links ----------------------------------------------------------------------------------------------

def test_broken_links_are_one_deduction_per_item_with_the_count(repo):
    rel = notice(repo, "详见[申报表](attachments/bucunzai.xlsx)和[上一期通知](https://www.shilixian.gov.cn/tzgg/meiyou.html)。\n"
                       "另见[本单位首页](https://fgw.shilixian.gov.cn/)。\n")
    problems = found(context(repo), "J010")
    assert [p.path for p in problems] == [rel]
    assert problems[0].level is Level.DEDUCT and "2 个站内链接" in problems[0].message and problems[0].line == 7
    assert problems[0].host == "fgw.shilixian.gov.cn"
    notice(repo, "另见[本单位首页](https://fgw.shilixian.gov.cn/)和[县政府通知公告](https://www.shilixian.gov.cn/tzgg/)。\n")
    assert found(context(repo), "J010") == []


# --- J011 expired but unmarked policies -----------------------------------------------------------------------------

POLICY = "content/fgw/zcwj/2024-04-15-qianqi-gongzuo-jingfei.md"  # expires 2026-04-30, status 有效


def test_a_passed_expiry_with_status_still_valid_is_j011(repo):
    problems = found(context(repo), "J011", POLICY)
    assert len(problems) == 1 and problems[0].level is Level.DEDUCT and "2026-04-30" in problems[0].message
    assert problems[0].since.startswith("2026-04-30") and problems[0].line == 10
    assert found(context(repo, dt.datetime(2026, 4, 29, 18, 0)), "J011", POLICY) == []  # not yet expired
    path = repo / POLICY
    path.write_text(path.read_text(encoding="utf-8").replace("status: 有效", "status: 失效"), encoding="utf-8")
    assert found(context(repo), "J011", POLICY) == []


def test_status_repealed_with_an_expiry_still_to_come_is_j011(repo):
    path = repo / POLICY
    text = path.read_text(encoding="utf-8").replace("expires: 2026-04-30", "expires: 2027-06-30")
    text = text.replace("status: 有效", "status: 废止")
    path.write_text(text, encoding="utf-8")
    problems = found(context(repo), "J011", POLICY)
    assert len(problems) == 1 and "废止" in problems[0].message and "2027-06-30" in problems[0].message


def test_an_expiry_before_the_policy_took_effect_is_j011(repo):
    path = repo / POLICY
    text = path.read_text(encoding="utf-8")
    effective = re.search(r"^effective: (\S+)", text, re.MULTILINE).group(1)
    assert effective < "2026-04-30"
    path.write_text(text.replace("expires: 2026-04-30", "expires: 2024-01-01"), encoding="utf-8")
    problems = found(context(repo, dt.datetime(2023, 12, 1, 9, 0)), "J011", POLICY)
    assert len(problems) == 1 and "早于生效日期" in problems[0].message


def test_consistent_validity_is_not_j011(repo):
    # czj: 废止 with a past 废止日期; jyj: 失效 without one; most: 有效 without expiry
    ctx = context(repo)
    flagged = {p.path for p in found(ctx, "J011")}
    assert "content/czj/zcwj/2024-05-20-zhuanxiang-zijin-zanxing.md" not in flagged
    assert "content/jyj/zcwj/2024-03-05-2024-zhaosheng-shishi-fangan.md" not in flagged
    assert "content/fgw/zcwj/2026-03-10-yigongdaizhen-shishi-xize.md" not in flagged


# --- J012 important policies without interpretation -----------------------------------------------------------------

def policy(repo: Path, *, importance: str = "important", doc_number: str = "示发改〔2026〕9号", index: str = "00099",
           expires: str = "") -> str:
    return write(repo, f"content/fgw/zcwj/2026-11-10-xin-{index}.md", (
        "---\ntitle: 示例县促进民间投资若干措施\ndate: 2026-11-10\n"
        f"doc_number: {doc_number}\npublisher: 示例县发展和改革委员会\nindex_no: SLXFGW-02-2026-{index}\n"
        f"keywords: [民间投资]\ntopic: 综合政务\neffective: 2026-11-10\n{expires}status: 有效\nimportance: {importance}\n---\n\n"
        "第一条 为促进民间投资健康发展，制定本措施。\n"))


def test_an_important_policy_without_interpretation_is_j012_after_the_grace_period(repo):
    rel = policy(repo)
    first = dt.datetime(2026, 11, 18, 10, 0)
    assert found(context(repo, dt.datetime(2026, 11, 20, 10, 0), {rel: first}), "J012", rel) == []  # 2 days
    problems = found(context(repo, dt.datetime(2026, 11, 21, 10, 0), {rel: first}), "J012", rel)
    assert len(problems) == 1 and problems[0].level is Level.DEDUCT and problems[0].since == "2026-11-21T10:00:00"
    assert "SLXFGW-02-2026-00099" in problems[0].hint
    write(repo, "content/fgw/zcjd/2026-11-19-jiedu-00099.md", (
        "---\ntitle: 《示例县促进民间投资若干措施》解读\ndate: 2026-11-19\npolicy: SLXFGW-02-2026-00099\n---\n\n"
        "一、出台背景。为促进民间投资健康发展……\n"))
    assert found(context(repo, dt.datetime(2026, 11, 21, 10, 0), {rel: first}), "J012", rel) == []


def test_a_normative_document_needs_an_interpretation_too(repo):
    rel = policy(repo, importance="routine", doc_number="示发改规〔2026〕1号")
    assert len(found(context(repo), "J012", rel)) == 1  # first shown on its date, 2026-11-10


@pytest.mark.parametrize("kwargs", [{"importance": "routine"}, {"importance": "general"},
                                    {"expires": "expires: 2026-11-15\n"}])
def test_routine_or_expired_policies_need_no_interpretation(repo, kwargs):
    rel = policy(repo, **kwargs)
    assert found(context(repo), "J012", rel) == []


def test_an_interpretation_still_under_embargo_does_not_count(repo):
    rel = policy(repo)
    write(repo, "content/fgw/zcjd/2026-11-19-jiedu-00099.md", (
        "---\ntitle: 《示例县促进民间投资若干措施》解读\ndate: 2026-12-01\npublish_at: 2026-12-01\n"
        "policy: SLXFGW-02-2026-00099\n---\n\n一、出台背景。为促进民间投资健康发展……\n"))
    assert len(found(context(repo), "J012", rel)) == 1


# --- J013 guides ------------------------------------------------------------------------------------------------------

GUIDE = "content/xzf/bszn/linshi-jiuzhu-shenqing.md"


def edit_guide(repo: Path, **values: str) -> None:
    path = repo / GUIDE
    text = path.read_text(encoding="utf-8")
    for key, value in values.items():
        text, count = re.subn(rf"^{key}: .*(?:\n  .*)*", f"{key}: {value}", text, count=1, flags=re.MULTILINE)
        assert count == 1, key
    path.write_text(text, encoding="utf-8")


def test_blank_guide_elements_are_named_by_their_labels(repo):
    edit_guide(repo, location="暂无", hours="待定。", phone="\"-\"", process="详见")
    problems = found(context(repo), "J013", GUIDE)
    assert len(problems) == 1 and problems[0].level is Level.DEDUCT
    assert "办理地点、办理时间、联系电话、办理流程" in problems[0].message
    assert "县政府·办事指南《临时救助申请》" in problems[0].message


def test_see_the_attachment_is_an_element_only_when_there_is_one(repo):
    edit_guide(repo, materials="详见附件")  # the demo guide has forms to download
    assert found(context(repo), "J013", GUIDE) == []
    path = repo / GUIDE
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"^forms:\n(?:  .*\n)+", "", text, flags=re.MULTILINE), encoding="utf-8")
    problems = found(context(repo), "J013", GUIDE)
    assert len(problems) == 1 and "办理材料" in problems[0].message


@pytest.mark.parametrize("values", [{"fee": "无"}, {"fee": "免费"}, {"conditions": "详见《社会救助暂行办法》第四十七条"},
                                    {"hours": "工作日 9:00-17:00"}])
def test_real_guide_values_are_not_blank(repo, values):
    edit_guide(repo, **values)
    assert found(context(repo), "J013", GUIDE) == []


# --- J017 the annual report on the portal homepage ------------------------------------------------------------------

REPORT_TITLE = "示例县人民政府门户网站2025年政府网站工作年度报表"


def report(repo: Path, date: str = "2026-01-20", title: str = REPORT_TITLE, extra: str = "") -> str:
    return write(repo, f"content/xzf/tzgg/{date}-ndbb.md", (
        f"---\ntitle: {title}\ndate: {date}\npublisher: 示例县人民政府办公室\n{extra}---\n\n"
        "根据《政府网站与政务新媒体检查指标》，现将本网站2025年度工作报表公布如下。\n"))


def newer_notices(repo: Path, count: int = 6) -> None:
    for n in range(count):
        write(repo, f"content/xzf/tzgg/2026-11-0{n + 1}-tz{n}.md", (
            f"---\ntitle: 关于第{n + 1}批事项的公告\ndate: 2026-11-0{n + 1}\npublisher: 示例县人民政府办公室\n---\n\n"
            "经研究，现将有关事项公告如下。\n"))


def test_no_annual_report_after_31_january_is_j017_and_before_it_is_not(repo):
    assert found(context(repo, dt.datetime(2026, 1, 31, 23, 59)), "J017") == []
    problems = found(context(repo, dt.datetime(2026, 2, 1, 0, 0)), "J017")
    assert len(problems) == 1 and problems[0].host == "www.shilixian.gov.cn" and problems[0].level is Level.DEDUCT
    assert "2025" in problems[0].message and problems[0].since == "2026-02-01T00:00:00"


def test_an_annual_report_listed_on_the_portal_homepage_is_fine(repo):
    report(repo, date="2026-01-20")
    assert found(context(repo), "J017") == []  # tzgg's homepage block lists it among the newest 6


def test_an_annual_report_that_dropped_off_the_homepage_is_j017(repo):
    rel = report(repo)
    newer_notices(repo)
    problems = found(context(repo), "J017")
    assert len(problems) == 1 and problems[0].path == rel and "已发布" in problems[0].message


def test_an_annual_report_linked_from_a_homepage_item_is_fine(repo):
    rel = report(repo)
    newer_notices(repo)
    path = repo / "content/xzf/tzgg/2026-11-06-tz5.md"
    link = "\n附：[2025年政府网站工作年度报表](2026-01-20-ndbb.html)\n"
    path.write_text(path.read_text(encoding="utf-8") + link, encoding="utf-8")
    assert rel.endswith("2026-01-20-ndbb.md")
    assert found(context(repo), "J017") == []


def test_a_headline_annual_report_is_fine_and_the_wrong_year_is_not(repo):
    report(repo, extra="homepage: true\n")
    newer_notices(repo)
    assert found(context(repo), "J017") == []
    assert len(found(context(repo, dt.datetime(2027, 2, 2, 9, 0)), "J017")) == 1  # 2027 wants the 2026 report


def test_the_placeholder_test_is_linear_on_a_long_run_of_letters():
    """(xx|xxx)+ would backtrack for ages on 1,999 x's and a y (R4.9); the word break answers at once."""
    import time

    from zhanqun.checks import placeholder, ruledata

    scanner = placeholder.Scanner(ruledata.load()["placeholder"])
    start = time.perf_counter()
    assert list(scanner.check("x" * 1999 + "y\n", 7, {}, "notice", "a.md", lambda: 2)) == []
    assert len(list(scanner.check("xx" * 900 + "\n", 7, {}, "notice", "a.md", lambda: 2))) == 1
    assert time.perf_counter() - start < 1


def test_inspect_reads_the_moment_not_the_clock(repo, monkeypatch):
    """problems() is pure: SOURCE_DATE_EPOCH (the build's today) does not change what an inspection at ctx.at sees."""
    rel = notice(repo, "经研究，定于近期开展全县冬季安全生产检查。\n", date="2026-12-05")
    ctx = context(repo, dt.datetime(2026, 12, 1, 9, 0))
    before = [p.to_json() for p in content_rules.problems(ctx)]
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(dt.datetime(2027, 6, 1, tzinfo=dt.UTC).timestamp())))
    assert [p.to_json() for p in content_rules.problems(ctx)] == before
    assert any(p["code"] == "J007" and p["path"] == rel for p in before)


def test_a_pending_reply_is_not_a_placeholder_page_but_an_answered_one_is():
    """A reply's body is its answer (R9): a message not answered yet is not published, so it may have none."""
    from zhanqun.checks import placeholder, ruledata

    scanner = placeholder.Scanner(ruledata.load()["placeholder"])
    pending = {"title": "咨询城区停水时间", "received": "2026-11-18"}
    assert list(scanner.check("", 9, pending, "reply", "r.md", lambda: 2)) == []
    answered = {**pending, "answered": "2026-11-19"}
    # an answered message without an answer is J041 (checks/replies.py), one error, not also J006
    assert [f.code for f in scanner.check("", 9, answered, "reply", "r.md", lambda: 2)] == []
    assert [f.code for f in scanner.check("待补充\n", 9, answered, "reply", "r.md", lambda: 2)] == ["J006"]
