"""Inspection reports built by hand for the scorecard tests (R7.3): what the engine would fill in."""

from __future__ import annotations

import datetime as dt

from zhanqun.inspect.model import ColumnState, Level, Problem, Report, SiteReport

AT = "2026-11-21T09:30:00"
COMMIT = "3f9c2a1d8e7b6c5d4a3f2e1d0c9b8a7f6e5d4c3b"
LONG_NAME = "示例县自然资源和规划局（示例县林业局、示例县不动产登记中心）"


def column(host: str, unit: str, col: str, name: str, kind: str, limit: int | None, age: int | None,
           items: int = 12) -> ColumnState:
    """A column ``age`` days after its newest item (None: empty) with a limit of ``limit`` days."""
    at = dt.date.fromisoformat(AT[:10])
    last = None if age is None else (at - dt.timedelta(days=age)).isoformat()
    stale = age is not None and limit is not None and age > limit
    stale_on = None if age is None or limit is None or stale else (at + dt.timedelta(days=limit - age)).isoformat()
    return ColumnState(host=host, unit=unit, column=col, name=name, column_type=kind, limit_days=limit,
                       items=0 if age is None else items, last_update=last, age_days=age, stale=stale,
                       empty=age is None, stale_on=stale_on)


def _replies(received: int, late: int, pending: int, overdue: int, average: float | None) -> dict:
    answered = received - pending
    return {"received": received, "answered": answered, "on_time": answered - late, "late": late,
            "pending": pending, "overdue": overdue, "average_workdays": average}


def portal() -> SiteReport:
    host = "www.shilixian.gov.cn"
    cols = [column(host, "xzf", "zwyw", "示例县人民政府·政务要闻", "工作动态", 14, 2, 240),
            column(host, "xzf", "tzgg", "示例县人民政府·通知公告", "通知公告", 183, 40, 55),
            column(host, "xzf", "zcwj", "示例县人民政府·政策文件", "政策文件", 183, 200, 31),
            column(host, "xzf", "zcjd", "示例县人民政府·政策解读", "政策解读", 183, 181, 9),
            column(host, "xzf", "jgzn", "示例县人民政府·机构职能", "机构职能", 365, 30, 4),
            column(host, "xzf", "hdjl", "示例县人民政府·互动交流", "互动交流", None, 3, 18),
            column(host, "xzf", "ztzl", "示例县人民政府·专题专栏", "专题专栏", None, 90, 6),
            column(host, "xzf", "rsxx", "示例县人民政府·人事信息", "其他", 365, None)]
    problems = [
        Problem("J008", Level.VETO, host, "示例县人民政府·政务要闻《县政府召开常务会议》的发布日期 2026-10-01 早于首次发布 2026-11-18 共 48 天（伪造发稿日期）",
                hint="改回真实发布日期，或按手册标记为历史导入页面", unit="xzf", column="zwyw",
                path="content/xzf/zwyw/2026-11-18-changwu.md", line=3, since="2026-11-18T10:02:00"),
        Problem("J002", Level.DEDUCT, host, "示例县人民政府·政策文件 200 天未更新（期限 6 个月）", hint="发布新的政策文件",
                unit="xzf", column="zcwj", since="2026-11-04T00:00:00"),
        Problem("J010", Level.DEDUCT, host, "示例县人民政府·通知公告《停水通知》有失效链接 http://old.shilixian.gov.cn/a.html",
                hint="改正或删除链接", unit="xzf", column="tzgg", path="content/xzf/tzgg/tingshui.md", line=12),
        Problem("J019", Level.WARN, host, "示例县人民政府·政策解读 2 天后将超过 6 个月未更新", hint="在到期前发布政策解读",
                unit="xzf", column="zcjd", since="2026-11-23T00:00:00"),
        Problem("J003", Level.WARN, host, "示例县人民政府·人事信息 是空栏目（本栏目暂无信息）", hint="发布信息或撤下栏目",
                unit="xzf", column="rsxx", since="2026-09-01T00:00:00"),
    ]
    return SiteReport(host, "示例县人民政府", ["xzf"], cols, "2026-11-19", problems, _replies(42, 3, 2, 1, 4.6))


def fgw() -> SiteReport:
    host = "fgw.shilixian.gov.cn"
    names = ["工作动态", "通知公告", "政策文件", "政策解读", "办事服务", "概况信息"]
    limits = [14, 183, 183, 183, 365, 365]
    ages = [20, 190, 400, 10, 366, 50]
    cols = [column(host, "fgw", f"c{i}", f"示例县发展和改革委员会·{n}", n, lim, age)
            for i, (n, lim, age) in enumerate(zip(names, limits, ages))]
    problems = [
        Problem("J021", Level.VETO, host, "示例县发展和改革委员会 有 4 个栏目超期未更新", hint="逐个更新超期栏目", unit="fgw"),
        Problem("J001", Level.VETO, host, "示例县发展和改革委员会 首页 20 天未更新（期限 14 天）", hint="发布动态", unit="fgw",
                since="2026-11-15T00:00:00"),
        *(Problem("J002", Level.DEDUCT, host, f"{c.name} {c.age_days} 天未更新", unit="fgw", column=c.column)
          for c in cols if c.stale),
        Problem("J013", Level.DEDUCT, host, "示例县发展和改革委员会·办事服务《项目备案》办事指南缺少要素：办理时限写作“待定”",
                unit="fgw", column="c4", path="content/fgw/bsfw/beian.md", line=8),
    ]
    return SiteReport(host, "示例县发展和改革委员会", ["fgw"], cols, "2026-11-01", problems, {})


def qingshui() -> SiteReport:
    host = "qingshui.shilixian.gov.cn"
    cols = [column(host, "qingshui", "gzdt", "清水镇·工作动态", "工作动态", 14, 12, 80),
            column(host, "qingshui", "tzgg", "清水镇·通知公告", "通知公告", 183, 3),
            column(host, "qingshui", "hdjl", "清水镇·互动交流", "互动交流", None, 5)]
    problems = [Problem("J019", Level.WARN, host, "清水镇·工作动态 2 天后将超过 2 周未更新",
                        hint="在 2026-11-23 前发布一条工作动态", unit="qingshui", column="gzdt", since="2026-11-23T00:00:00"),
                Problem("J004", Level.WARN, host, "清水镇·工作动态 近 3 个工作日没有更新（乡镇子站每 3 个工作日一条）",
                        unit="qingshui", column="gzdt")]
    return SiteReport(host, "清水镇", ["qingshui"], cols, "2026-11-18", problems, _replies(5, 0, 1, 0, 2.0))


def empty_site() -> SiteReport:
    return SiteReport("tyj.shilixian.gov.cn", "示例县体育局", ["tyj"])


def big_site() -> SiteReport:
    """40 columns and a long unit name."""
    host = "zrzy.shilixian.gov.cn"
    kinds = [("工作动态", 14), ("通知公告", 183), ("政策文件", 183), ("其他", 365), ("专题专栏", None)]
    cols = []
    for i in range(40):
        kind, limit = kinds[i % len(kinds)]
        age = None if i % 9 == 8 else (i * 13) % 500
        cols.append(column(host, "zrzy", f"c{i:02d}", f"{LONG_NAME}·栏目{i + 1:02d}", kind, limit, age))
    problems = [Problem("J002", Level.DEDUCT, host, f"{c.name} {c.age_days} 天未更新", unit="zrzy", column=c.column)
                for c in cols if c.stale]
    problems += [Problem("J003", Level.WARN, host, f"{c.name} 是空栏目", unit="zrzy", column=c.column)
                 for c in cols if c.empty]
    problems.append(Problem("J022", Level.VETO, host, f"{LONG_NAME} 有 5 个空栏目", unit="zrzy"))
    return SiteReport(host, LONG_NAME, ["zrzy"], cols, "2026-11-20", problems, _replies(0, 0, 0, 0, None))


def sample() -> Report:
    """Five sites: a portal with one of each level, a failing unit site, a township with early warnings, an
    empty site and a site with 40 columns and a long name; one cluster-wide problem."""
    cluster_wide = [Problem("J018", Level.WARN, "", "工作日无法计算：日历不包含 2027 年", hint="在 content/calendar.yaml 中加入 2027 年的放假安排")]
    return Report(AT, COMMIT, "示例县网站群", [portal(), fgw(), qingshui(), empty_site(), big_site()], cluster_wide)


def many_sites(count: int = 20, columns: int = 15) -> Report:
    """A large cluster for the size budget: ``count`` sites of ``columns`` columns and 10 problems each."""
    sites = []
    for n in range(count):
        host = f"s{n:02d}.shilixian.gov.cn"
        cols = [column(host, f"u{n}", f"c{i}", f"示例县第{n + 1}单位·栏目{i + 1}", "工作动态", 14, (i * 7 + n) % 40)
                for i in range(columns)]
        problems = [Problem("J002", [Level.VETO, Level.DEDUCT, Level.WARN][i % 3], host,
                            f"示例县第{n + 1}单位·栏目{i + 1} 超过期限未更新", hint="发布新信息", unit=f"u{n}", column=f"c{i}",
                            path=f"content/u{n}/c{i}/item.md", line=4, since="2026-11-10T00:00:00")
                    for i in range(10)]
        sites.append(SiteReport(host, f"示例县第{n + 1}单位", [f"u{n}"], cols, "2026-11-20", problems, _replies(9, 1, 1, 0, 3.5)))
    return Report(AT, COMMIT, "示例县网站群", sites)
