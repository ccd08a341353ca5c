"""The 政府网站工作年度报表 (R8.4, issue 12): the official rows, the fill-in file, the figures computed from a
scripted git history (every one asserted exactly), the formats and ``--publish`` (with J017 before and after)."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from tests.conftest import PROJECT, copy_repo
from tests.inspectrepo import Repo, column, news
from zhanqun import cluster as cluster_mod
from zhanqun.stats import annual, annual_figures, annual_render

# The rows of 国办函〔2018〕12号 附件《政府网站工作年度报表》, typed here from the form, independently of
# stats/data/annual_report.yaml: (headings at the left, outer to inner, and the row's own words).
OFFICIAL = [
    ((), "网站名称"), ((), "首页网址"), ((), "主办单位"), ((), "网站类型"), ((), "政府网站标识码"),
    ((), "ICP备案编号"), ((), "公安机关备案号"), ((), "独立用户访问总量（单位：个）"), ((), "网站总访问量（单位：次）"),
    (("信息发布（单位：条）",), "总数"), (("信息发布（单位：条）",), "概况类信息更新量"),
    (("信息发布（单位：条）",), "政务动态信息更新量"), (("信息发布（单位：条）",), "信息公开目录信息更新量"),
    (("专栏专题（单位：个）",), "维护数量"), (("专栏专题（单位：个）",), "新开设数量"),
    (("解读回应", "解读信息发布"), "总数（单位：条）"), (("解读回应", "解读信息发布"), "其中：解读材料数量（单位：条）"),
    (("解读回应", "解读信息发布"), "解读产品数量（单位：个）"), (("解读回应", "解读信息发布"), "媒体评论文章数量（单位：篇）"),
    (("解读回应",), "回应公众关注热点或重大舆情数量（单位：次）"),
    (("办事服务",), "是否发布服务事项目录"), (("办事服务",), "注册用户数（单位：万）"),
    (("办事服务",), "政务服务事项数量（单位：项）"), (("办事服务",), "可全程在线办理政务服务事项数量（单位：项）"),
    (("办事服务", "办件量（单位：万件）"), "总数"), (("办事服务", "办件量（单位：万件）"), "自然人办件量"),
    (("办事服务", "办件量（单位：万件）"), "法人办件量"),
    (("互动交流",), "是否使用统一平台"),
    (("互动交流", "留言办理"), "收到留言数量（单位：条）"), (("互动交流", "留言办理"), "办结留言数量（单位：条）"),
    (("互动交流", "留言办理"), "平均办理时间（单位：天）"), (("互动交流", "留言办理"), "公开答复数量（单位：条）"),
    (("互动交流", "征集调查"), "征集调查期数（单位：期）"), (("互动交流", "征集调查"), "收到意见数量（单位：条）"),
    (("互动交流", "征集调查"), "公布调查结果期数（单位：期）"),
    (("互动交流", "在线访谈"), "访谈期数（单位：期）"), (("互动交流", "在线访谈"), "网民留言数量（单位：条）"),
    (("互动交流", "在线访谈"), "答复网民提问数量（单位：条）"),
    (("互动交流",), "是否提供智能问答功能"),
    (("安全防护",), "安全检测评估次数（单位：次）"), (("安全防护",), "发现问题数量（单位：个）"),
    (("安全防护",), "问题整改数量（单位：个）"), (("安全防护",), "是否建立安全监测预警机制"),
    (("安全防护",), "是否开展应急演练"), (("安全防护",), "是否明确网站安全负责人"),
    (("移动新媒体",), "是否有移动新媒体"),
    (("移动新媒体", "微博"), "名称"), (("移动新媒体", "微博"), "信息发布量（单位：条）"), (("移动新媒体", "微博"), "关注量（单位：个）"),
    (("移动新媒体", "微信"), "名称"), (("移动新媒体", "微信"), "信息发布量（单位：条）"), (("移动新媒体", "微信"), "订阅数（单位：个）"),
    (("移动新媒体",), "其他"),
    (("创新发展",), "搜索即服务"), (("创新发展",), "多语言版本"), (("创新发展",), "无障碍浏览"),
    (("创新发展",), "千人千网"), (("创新发展",), "其他"),
]
SIGNATURE = ["单位负责人", "审核人", "填报人", "联系电话", "填报日期"]


def table_rows(table) -> list[tuple[tuple[str, ...], str]]:
    """The rows of a rendered table as a reader sees them: each cell's heading text, rowspans carried down."""
    rows, carried = [], []  # carried: [text, rows left] per heading column
    for tr in table.tbody.find_all("tr"):
        headings = [(th.get_text(), int(th.get("rowspan", 1))) for th in tr.find_all("th")]
        live = [(text, left - 1) for text, left in carried if left > 1]
        texts = [t for t, _ in live] + [t for t, _ in headings]
        carried = live + headings
        rows.append((tuple(texts[:-1]), texts[-1]))
    return rows


@pytest.fixture(scope="module")
def demo_reports(tmp_path_factory):
    """The demo county's reports of 2025 (its history is one commit: every item is the old site moved in)."""
    import git

    from tests.gitrepo import ENV

    root = copy_repo(tmp_path_factory.mktemp("annual") / "demo")
    repo = git.Repo.init(root, initial_branch="main")
    repo.git.add(A=True)
    repo.git.commit("-m", "示例县站群", env={**ENV, "GIT_CONFIG_GLOBAL": "/dev/null",
                                            "GIT_COMMITTER_DATE": "2025-03-01T09:00:00+08:00"})
    cluster, _ = cluster_mod.load(root, render=False)
    reports, _ = annual_figures.build(cluster, 2025, annual.report_sites(cluster))
    return root, reports


# -- the official layout ----------------------------------------------------------------------------------------

def test_the_rendered_table_has_the_official_rows_in_order_one_by_one(demo_reports):
    """R8.4: the page's table, read cell by cell, is the form of 国办函〔2018〕12号, row for row."""
    _, reports = demo_reports
    soup = BeautifulSoup(annual_render.html(reports[:1]), "lxml")
    rendered = table_rows(soup.find("table"))
    assert len(rendered) == len(OFFICIAL)
    for number, (got, want) in enumerate(zip(rendered, OFFICIAL), 1):
        assert got == want, f"row {number}"
    signed = [li.get_text().split("：")[0] for li in soup.select("ul.sign li")]
    assert signed == SIGNATURE


def test_csv_and_text_carry_the_same_rows_in_the_same_order(demo_reports):
    _, reports = demo_reports
    data = annual_render.as_csv(reports[:1])
    assert data.startswith("\ufeff网站,栏目,项目,数值,来源\r\n")
    lines = list(csv.reader(io.StringIO(data[1:])))[1:]
    assert [(tuple(filter(None, g.split("·"))), label) for _, g, label, _, _ in lines] == \
        OFFICIAL + [((), s) for s in SIGNATURE]
    text_rows = [line.strip().rpartition("：")[0] for line in annual_render.text(reports[:1]).splitlines()[2:]
                 if not line.strip().startswith("*")]
    assert text_rows == ["·".join((*g, label)) for g, label in OFFICIAL] + SIGNATURE


def test_the_schema_file_is_the_rows_written_out():
    """One source of truth: schemas/annual-report.schema.json is what stats.annual.schema() derives from the rows."""
    on_disk = json.loads((PROJECT / "schemas" / "annual-report.schema.json").read_text(encoding="utf-8"))
    assert on_disk == annual.schema()
    fillable = on_disk["$defs"]["values"]["properties"]
    assert "info_total" not in fillable and "registered_users" in fillable and "page_views" in fillable
    assert fillable["registered_users"]["x-aliases"] == ["注册用户数", "注册用户数（单位：万）"]


def test_one_report_per_site_with_its_own_id_code_and_the_portals(demo_reports):
    _root, reports = demo_reports
    assert [(r.site.host, r.figure("id_code").value) for r in reports] == [
        ("www.shilixian.gov.cn", "4199000001"), ("chengguan.shilixian.gov.cn", "4199000005"),
        ("dongcheng.shilixian.gov.cn", "4199000006"), ("fgw.shilixian.gov.cn", "4199000002"),
        ("jyj.shilixian.gov.cn", "4199000003"), ("wjw.shilixian.gov.cn", "4199000004")]
    portal = reports[0]
    assert set(portal.site.unit_ids) == {"xzf", "czj", "qingshui"}  # the channels count on the portal
    assert portal.title == "示例县人民政府2025年政府网站工作年度报表"
    assert portal.figure("police_record").value == "示公网安备 41990002000001号"
    assert portal.figure("site_type").value == "政府门户网站" and reports[3].figure("site_type").value == "部门网站"
    # the demo's 2025 fill-in file, with its Chinese keys
    assert portal.figure("registered_users").value == 2.35 and portal.figure("registered_users").origin == "filled"
    assert portal.figure("unified_platform").shown == "是"  # from 共同 (all)
    assert reports[3].figure("weibo_name").shown == "—"  # fgw has no new media: nothing to fill
    # the demo's history is one commit: all of it is the old site moved in, and says so
    assert portal.figure("info_total").value == 0
    assert any("迁移的存量" in n for n in portal.notes)


# -- a scripted history --------------------------------------------------------------------------------------

TYJ = """name: 示例县体育局
short_name: 体育局
kind: department
hosting: subdomain
hosting_reason: 经县政府同意单独建站
label: tyj
label_reason: ""
org_code: SLXTYJ
people:
  - {id: he-tyj, name: 何小平, roles: [editor, first, second, final]}
columns:
""" + column("gzdt", "工作动态")
PORTAL_COLUMNS = [column("zwyw", "政务要闻"), column("tzgg", "通知公告", "notice", "通知公告"),
                  column("jgzn", "机构职能", column_type="机构职能"), column("zcjd", "政策解读", "interpretation", "政策解读"),
                  column("zcwj", "政策文件", "policy", "政策文件"),
                  column("zt", "专题专栏", column_type="专题专栏"), column("hdjl", "互动交流", "reply", "互动交流"),
                  column("ndbb", "年度报表", "notice", "通知公告")]
NOTICE = "---\ntitle: {title}\ndate: {date}\npublisher: 示例县人民政府办公室\n---\n\n经研究，现将有关事项公告如下。\n"
INTERPRETATION = "---\ntitle: {title}\ndate: {date}\npolicy: SLXZF-02-2024-00009\n---\n\n现就有关内容解读如下。\n"
POLICY = """---
title: 示例县农村人居环境整治实施方案
date: 2024-12-02
doc_number: 示政〔2024〕9号
publisher: 示例县人民政府
keywords: [人居环境]
index_no: "SLXZF-02-2024-00009"
topic: 城乡建设
effective: 2024-12-02
status: 有效
---

各乡镇人民政府，县直各有关单位：现将实施方案印发给你们，请认真贯彻执行。
"""
XZF = "示例县人民政府"
REPLY = ("---\ntitle: {title}\nquestion: 请问办理时间。\ncategory: 咨询\nreceived: {received}\n{answered}{extra}---\n\n"
         "{body}\n")


def reply(title: str, received: str, answered: str | None = None, extra: str = "") -> str:
    return REPLY.format(title=title, received=received, answered=f"answered: {answered}\n" if answered else "",
                        extra=extra, body="您好，已按规定办理。" if answered else "")


@pytest.fixture
def history(tmp_path) -> Repo:
    """2025 in a county's repository: publications around the year's edges in China time, a revision, a rename,
    a withdrawal, a deletion, an embargo into 2026, a new topic, a new column, messages received and answered."""
    repo = Repo(tmp_path / "county", portal=PORTAL_COLUMNS, when="2024-06-03T09:00:00+08:00")
    z = "content/xzf/zwyw/"
    repo.commit("2024-12-02", {"content/xzf/zcwj/p1.md": POLICY})  # a policy column of the portal, before 2025
    repo.commit("2024-12-31T23:30:00+08:00", {z + "a.md": news("十二月工作会议", "2024-12-31", source=XZF)})
    # 00:10 China time on 1 January is still 31 December in UTC: counted in 2025, whatever the typed date
    repo.commit("2025-01-01T00:10:00+08:00", {z + "b.md": news("元旦值班安排", "2024-12-20", source=XZF)})
    repo.commit("2025-02-10", {"content/xzf/tzgg/n1.md": NOTICE.format(title="关于春季植树的公告", date="2025-02-10")})
    # a revision, not a publication
    repo.commit("2025-03-01", {z + "b.md": news("元旦值班安排（更新）", "2024-12-20", source=XZF)})
    repo.commit("2025-03-10", {"content/xzf/jgzn/o.md": news("县政府机构职能", "2025-03-10", source=XZF)})
    config = (repo.root / "content/cluster.yaml").read_text(encoding="utf-8")
    repo.commit("2025-03-15", {"content/cluster.yaml": config.replace(
        "topics:\n", "topics:\n  - {id: wmcj, name: 文明创建, tag: 文明创建}\n")})
    repo.commit("2025-04-01", {z + "e.md": news("春耕生产", "2025-04-01", source=XZF)})
    repo.commit("2025-04-10", {"content/xzf/zcjd/i1.md": INTERPRETATION.format(title="政策解读", date="2025-04-10")})
    repo.commit("2025-05-01", {z + "f.md": news("劳动节安全检查", "2025-05-01", source=XZF)})
    town = (repo.root / "content/qingshan/unit.yaml").read_text(encoding="utf-8")
    repo.commit("2025-02-01", {"content/qingshan/gzdt/q1.md": news("青山镇春节慰问", "2025-02-01")})
    repo.commit("2025-05-05", {"content/qingshan/unit.yaml": town + column("zt", "专题", column_type="专题专栏"),
                               "content/qingshan/zt/q2.md": news("青山镇专题", "2025-05-05")})
    withdrawn = "withdrawn: {date: 2025-06-01, reason: 数据有误}\n"
    repo.commit("2025-06-01", {z + "e.md": news("春耕生产", "2025-04-01", source=XZF, extra=withdrawn)})
    repo.commit("2025-07-01", {z + "f.md": None})  # deleted: it was still published in 2025
    repo.move("2025-08-01", z + "b.md", z + "b2.md")  # a rename is not a new publication
    repo.commit("2025-09-01", {"content/tyj/unit.yaml": TYJ,
                               "content/tyj/gzdt/t1.md": news("全民健身日", "2025-09-01", source="示例县体育局")})
    embargo = "publish_at: 2026-01-10 08:00\n"
    repo.commit("2025-12-20", {z + "g.md": news("新年献词", "2026-01-10", source=XZF, extra=embargo)})
    repo.commit("2025-12-31T23:50:00+08:00", {z + "c.md": news("年终总结", "2025-12-31", source=XZF)})
    # 00:05 on 1 January 2026 China time is 31 December 2025 in UTC: not counted
    repo.commit("2026-01-01T00:05:00+08:00", {z + "d.md": news("新年第一天", "2026-01-01", source=XZF)})
    h = "content/xzf/hdjl/"
    repo.commit("2026-01-06", {
        h + "r1.md": reply("咨询一", "2025-03-02", "2025-03-06"),  # Sunday; Mon–Thu: 4 working days
        h + "r2.md": reply("咨询二", "2025-06-03", "2025-06-05", "withdrawn: {date: 2025-07-01, reason: 涉及个人信息}\n"),
        h + "r3.md": reply("咨询三", "2025-12-29", "2026-01-05"),  # answered after the year: not 办结 in 2025
        h + "r4.md": reply("咨询四", "2024-12-20", "2025-01-03"),  # received in 2024: counted there
    })
    return repo


def _json(zq, root: Path, *args: str) -> dict[str, dict]:
    result = zq("annual-report", "2025", "--root", root, "--format", "json", *args)
    assert result.code == 0, result.text
    return {r["host"]: {row["id"]: row["value"] for row in r["rows"]} | {"_report": r}
            for r in json.loads(result.out)["reports"]}, result


def test_every_computed_figure_of_a_scripted_year(history, zq):
    """R8.4: publications at their merge moments (China time), not their typed dates; revisions, renames and the
    embargo into 2026 not counted; withdrawn and deleted items were still published; replies as inspect judges."""
    reports, _ = _json(zq, history.root)
    assert list(reports) == ["www.shilixian.gov.cn", "qingshan.shilixian.gov.cn"]  # tyj has no id_code of its own
    www, town = reports["www.shilixian.gov.cn"], reports["qingshan.shilixian.gov.cn"]
    # b (00:10 on 1 January), n1, o, e (withdrawn later), i1, f (deleted later), c (23:50 on 31 December), and
    # tyj's t1 (a site without an id_code of its own counts on the portal)
    assert (www["info_total"], www["info_overview"], www["info_news"], www["info_disclosure"]) == (8, 1, 6, 1)
    assert (www["interpretation_materials"], www["topics_maintained"], www["topics_new"]) == (1, 4, 1)
    messages = (www["messages_received"], www["messages_answered"], www["messages_days"], www["messages_published"])
    assert messages == (3, 2, 3.0, 1)
    assert (town["info_total"], town["info_news"], town["topics_maintained"], town["topics_new"]) == (2, 1, 1, 1)
    assert (town["messages_received"], town["messages_days"]) == (0, None)
    assert www["_report"]["commit"] == history.repo.git.rev_list("-1", "--before=2025-12-31T23:59:59+08:00", "main")
    assert www["_report"]["counted_by"] == "按合入主分支的时间统计（不是头信息里写的日期）"
    assert www["interpretation_total"] is None and "interpretation_total" in www["_report"]["missing"]


def test_a_town_folder_renamed_keeps_its_publications_and_the_old_site_moved_in_is_left_out(history, zq):
    """``git mv content/qingshan content/qingshui2`` after the year keeps the town's 2025 publications; with
    ``inspect.live_from`` the items merged before the go-live day are the old site moved in, and are not counted."""
    history.move("2026-02-01", "content/qingshan", "content/qingshanzhen")
    config = history.root / "content/cluster.yaml"
    history.commit("2026-02-02", {"content/cluster.yaml": config.read_text(encoding="utf-8")
                                  + "inspect:\n  live_from: 2025-02-05\n"})
    reports, _ = _json(zq, history.root)
    www, town = reports["www.shilixian.gov.cn"], reports["qingshan.shilixian.gov.cn"]
    assert town["_report"]["unit"] == "qingshanzhen"
    # b (1 January) on the portal and q1 (1 February) in the town were merged before 5 February
    assert (www["info_total"], www["info_news"], town["info_total"], town["info_news"]) == (7, 5, 1, 0)
    assert any("首次导入的 1 条不计为发布" in n for n in town["_report"]["notes"])


def test_a_year_before_the_history_renders_what_it_can_and_says_what_it_cannot(history, zq):
    result = zq("annual-report", "2023", "--root", history.root, "--format", "json")
    assert result.code == 0, result.text
    www = json.loads(result.out)["reports"][0]
    shown = {row["id"]: row["shown"] for row in www["rows"]}
    assert shown["info_total"] == "无法统计" and shown["topics_new"] == "无法统计"
    assert shown["id_code"] == "4199000001" and shown["messages_received"] == "0"
    assert "T030" in result.err


def test_the_fill_in_file_fills_its_rows_and_the_rest_is_named_as_missing(history, zq):
    (history.root / "content/xzf/annual-report").mkdir()
    (history.root / "content/xzf/annual-report/2025.yaml").write_text(
        "共同:\n  是否使用统一平台: 是\n网站:\n  xzf:\n    解读产品数量: 2\n    媒体评论文章数量: 1\n    注册用户数: 1.5\n"
        "  qingshan:\n    是否使用统一平台: 否\n", encoding="utf-8")
    reports, result = _json(zq, history.root)
    www, town = reports["www.shilixian.gov.cn"], reports["qingshan.shilixian.gov.cn"]
    assert www["interpretation_total"] == 1 + 2 + 1 and www["registered_users"] == 1.5
    assert www["unified_platform"] is True and town["unified_platform"] is False  # a site's own value wins
    assert "T023" in result.err and "示例县人民政府（www.shilixian.gov.cn）有 " in result.err
    assert "注册用户数" not in re.search(r"示例县人民政府（www[^\n]*", result.err).group()


def test_without_a_fill_in_file_the_report_renders_with_every_filled_row_marked(history, zq):
    result = zq("annual-report", "2025", "www", "--root", history.root)
    assert result.code == 0, result.text
    assert "办事服务·注册用户数（单位：万）：未填报" in result.out and "信息发布（单位：条）·总数：8" in result.out
    assert "qingshan" not in result.out
    assert re.search(r"T023 示例县人民政府（www\.shilixian\.gov\.cn）有 \d+ 个栏目未填报", result.err)


def test_access_logs_give_the_visit_rows(history, zq, tmp_path):
    agent = "Mozilla/5.0 (X11; Linux x86_64) Chrome/120"
    lines = [("2025-03-01T10:00:00+08:00", "www.shilixian.gov.cn", "10.0.0.1", "/"),
             ("2025-03-01T10:01:00+08:00", "www.shilixian.gov.cn", "10.0.0.1", "/zwyw/b.html"),
             ("2025-05-01T10:00:00+08:00", "www.shilixian.gov.cn", "10.0.0.2", "/"),
             ("2025-12-31T16:30:00+00:00", "www.shilixian.gov.cn", "10.0.0.3", "/"),  # 00:30 on 1 January 2026
             ("2025-06-01T10:00:00+08:00", "qingshan.shilixian.gov.cn", "10.0.0.9", "/")]
    log = tmp_path / "access.log"
    log.write_text("".join(f"zq1\t{t}\t{h}\t{ip}\tGET\t{u}\tHTTP/1.1\t200\t512\t-\t{agent}\n" for t, h, ip, u in lines),
                   encoding="utf-8")
    reports, _ = _json(zq, history.root, "--access-log", log)
    assert (reports["www.shilixian.gov.cn"]["page_views"], reports["www.shilixian.gov.cn"]["unique_visitors"]) == (3, 2)
    town = reports["qingshan.shilixian.gov.cn"]
    assert (town["page_views"], town["unique_visitors"]) == (1, 1)


def test_a_year_not_begun_is_refused_and_a_year_not_over_says_so(history, zq):
    later = zq("annual-report", "2027", "--root", history.root)
    assert later.code == 2 and "T026" in later.err and "还没有开始" in later.err
    now = zq("annual-report", "2026", "--root", history.root)
    assert now.code == 0 and "T027" in now.err


def test_a_host_without_its_own_id_code_is_told_where_it_counts(history, zq):
    result = zq("annual-report", "2025", "tyj", "--root", history.root)
    assert result.code == 2 and "T029" in result.err and "计入门户" in result.err


# -- the fill-in file as zhanqun check sees it ------------------------------------------------------------------

@pytest.fixture
def repo(tmp_path) -> Path:
    return copy_repo(tmp_path / "repo")


def _check(zq, repo: Path, text: str | bytes, name: str = "2025.yaml", unit: str = "xzf"):
    path = repo / "content" / unit / "annual-report" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return zq("check", "--root", repo)


def test_the_demo_file_passes_check_and_is_not_a_column(repo, zq):
    result = zq("check", "--root", repo)
    assert result.code == 0 and "C002" not in result.text and "annual-report" not in result.text, result.text
    cluster, _ = cluster_mod.load(repo, render=False)
    assert not any("annual-report" in i.rel for i in cluster.items)


@pytest.mark.parametrize("text,code,line,words", [
    ("网站:\n  xzf:\n    信息发布总数: 1200\n", "T021", 3, "由 zhanqun 计算"),
    ("网站:\n  xzf:\n    注册用户: 3\n", "S002", 3, "是不是想写“注册用户数”"),
    ("网站:\n  xzf:\n    注册用户数: 很多\n", "S003", 3, "“网站.xzf.注册用户数”应为数字或空"),
    ("网站:\n  czj:\n    注册用户数: 1\n", "T022", 2, "门户的频道"),
    ("网站:\n  xzf:\n\t注册用户数: 1\n", "Y002", 3, ""),
    ("共同:\n  填报日期: 2026-02-30\n", "S005", 2, "填报日期不存在"),
    ("总计: 3\n", "S002", 1, "未知的键“总计”"),
])
def test_mistakes_in_the_fill_in_file_are_findings_with_file_and_line(repo, zq, text, code, line, words):
    result = _check(zq, repo, text)
    assert f"content/xzf/annual-report/2025.yaml:{line}:" in result.out and code in result.out, result.text
    assert words in result.out
    assert "Traceback" not in result.text


def test_a_bom_or_a_stray_file_or_a_folder_outside_the_portal_is_refused(repo, zq):
    bom = _check(zq, repo, b"\xef\xbb\xbf\xe5\x85\xb1\xe5\x90\x8c: {}\n")
    assert bom.code == 1 and re.search(r"annual-report/2025\.yaml:\d+:\d+: F\d{3}", bom.out), bom.out
    (repo / "content/xzf/annual-report/2025.yaml").write_text("共同: {}\n", encoding="utf-8")
    stray = _check(zq, repo, "x", name="说明.txt")
    assert stray.code == 1 and "content/xzf/annual-report/说明.txt: T020" in stray.out
    (repo / "content/xzf/annual-report/说明.txt").unlink()
    outside = _check(zq, repo, "共同: {}\n", unit="fgw")
    assert outside.code == 1 and "content/fgw/annual-report/: T020" in outside.out and "C002" not in outside.out


def test_a_broken_fill_in_file_stops_the_report_with_its_findings(repo, zq):
    _check(zq, repo, "网站:\n  xzf:\n    信息发布总数: 3\n")
    result = zq("annual-report", "2025", "--root", repo)
    assert result.code == 1 and "T021" in result.text and "Traceback" not in result.text


# -- publishing --------------------------------------------------------------------------------------------------

def _with_column(history: Repo) -> None:
    config = history.root / "content/cluster.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "stats:\n  annual_report_column: ndbb\n", encoding="utf-8")


def test_publish_writes_an_item_and_its_csv_that_pass_check_and_build(history, zq, tmp_path):
    _with_column(history)
    result = zq("annual-report", "2025", "--root", history.root, "--publish")
    assert result.code == 0, result.text
    md = history.root / "content/xzf/ndbb/2025-niandu-baobiao-xzf.md"
    data = history.root / "content/xzf/ndbb/2025-niandu-baobiao-xzf.csv"
    assert md.is_file() and data.read_bytes().startswith(b"\xef\xbb\xbf")
    assert (history.root / "content/xzf/ndbb/2025-niandu-baobiao-qingshan.md").is_file()
    text = md.read_text(encoding="utf-8")
    assert 'title: "示例县人民政府2025年政府网站工作年度报表"' in text and "2025-niandu-baobiao-xzf.csv" in text
    checked = zq("check", "--root", history.root)
    assert checked.code == 0, checked.text
    import shutil

    for part in ("themes", "plugins"):
        shutil.copytree(PROJECT / part, history.root / part, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy2(PROJECT / "pelicanconf.py", history.root / "pelicanconf.py")
    built = zq("build", "--root", history.root, "--output", tmp_path / "out", "www")
    assert built.code == 0, built.text
    page = (tmp_path / "out/www.shilixian.gov.cn/ndbb/2025-niandu-baobiao-xzf.html").read_text(encoding="utf-8")
    soup = BeautifulSoup(page, "lxml")
    assert table_rows(soup.find("table")) == OFFICIAL
    assert (tmp_path / "out/www.shilixian.gov.cn/ndbb/2025-niandu-baobiao-xzf.csv").read_bytes() == data.read_bytes()
    again = zq("annual-report", "2025", "--root", history.root, "--publish")
    assert again.code == 2 and "T025" in again.err and "--force" in again.err
    assert zq("annual-report", "2025", "--root", history.root, "--publish", "--force").code == 0


def test_publish_without_a_configured_column_is_refused_before_anything_is_written(history, zq):
    result = zq("annual-report", "2025", "--root", history.root, "--publish")
    assert result.code == 2 and "T024" in result.err and "annual_report_column" in result.err
    assert not (history.root / "content/xzf/ndbb").exists()


def test_j017_recognises_the_published_report_by_the_same_title_function(repo, zq, monkeypatch):
    """Inspect's J017 (R7.2) before and after ``--publish``; the loose title match is switched off to show that
    the exact title of :func:`annual.title` is what J017 finds."""
    import datetime as dt

    from zhanqun.inspect import content_rules
    from zhanqun.inspect.model import Context, Moment

    config = repo / "content/cluster.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "stats:\n  annual_report_column: tzgg\n", encoding="utf-8")
    monkeypatch.setattr(content_rules, "_is_report", lambda *args: False)

    def j017() -> list:
        cluster, findings = cluster_mod.load(repo, render=False)
        ctx = Context(cluster, Moment(dt.datetime(2026, 11, 21, 8, 0)), findings, {})
        return [p for p in content_rules.problems(ctx) if p.code == "J017"]

    assert len(j017()) == 1
    import git

    from tests.gitrepo import ENV

    monkeypatch.setenv("GIT_CONFIG_GLOBAL", "/dev/null")
    for key, value in ENV.items():
        monkeypatch.setenv(key, value)
    git.Repo.init(repo, initial_branch="main").git.add(A=True)
    git.Repo(repo).git.commit("-m", "示例县站群", env={"GIT_COMMITTER_DATE": "2025-03-01T09:00:00+08:00"})
    assert zq("annual-report", "2025", "www", "--root", repo, "--publish").code == 0
    assert j017() == []


def test_the_sponsor_is_the_sites_own_unit_not_the_county_for_every_site(demo_reports):
    """R8.4, 国办发〔2017〕47号 (issue 12 (e)): the portal's 主办单位 is the county government; a department's site is
    sponsored by the department, a town's by the town government; a unit.yaml identity.sponsor wins."""
    root, reports = demo_reports
    sponsors = {r.site.unit_id: r.figure("sponsor").value for r in reports}
    assert sponsors == {"xzf": "示例县人民政府", "chengguan": "示例县城关镇人民政府", "dongcheng": "示例县东城街道办事处",
                        "fgw": "示例县发展和改革委员会", "jyj": "示例县教育局", "wjw": "示例县卫生健康委员会"}
    cluster, _ = cluster_mod.load(root, render=False)
    site = next(s for s in annual.report_sites(cluster) if s.unit_id == "fgw")
    cluster.units["fgw"].identity["sponsor"] = "示例县发展和改革委员会（示例县粮食和物资储备局）"
    assert annual_figures.sponsor(cluster, site) == "示例县发展和改革委员会（示例县粮食和物资储备局）"
