"""The HTML scorecard of ``zhanqun inspect --format html`` (R7.3, issue 11): what the e-gov office reads.

Reports are built by hand (tests/scorecard_reports.py) as the engine would fill them. The page is read as
HTML (structure, escaping, masking, bytes) and in headless Chromium (the CSP, axe-core, phone width)."""

from __future__ import annotations

import dataclasses
import itertools
import random
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from tests import fakes
from tests.browser import BEST_PRACTICE, axe, csp_violations, serve
from tests.scorecard_reports import AT, COMMIT, LONG_NAME, column, many_sites, sample
from zhanqun.inspect.model import Level, Problem, Report, SiteReport
from zhanqun.inspect.scorecard import html

PROJECT = Path(__file__).resolve().parent.parent
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


def _soup(page: str) -> BeautifulSoup:
    return BeautifulSoup(page, "lxml")


def _section(soup: BeautifulSoup, name: str):
    heading = next(h for h in soup.find_all("h2") if h.get_text(" ", strip=True).startswith(name))
    return heading.find_parent("section")


def _bars(svg) -> list:
    """The bars of a chart, in order (not the tracks behind them nor the tiles of the patterns)."""
    return [r for r in svg.find_all("rect") if not r.find_parent("pattern") and "track" not in (r.get("class") or [])]


def _texts(tags) -> list[str]:
    return [t.get_text(" ", strip=True) for t in tags]


# -- the page as HTML -----------------------------------------------------------------------------------------

def test_overview_comes_first_with_each_sites_verdict_and_counts():
    soup = _soup(html(sample()))
    sections = soup.select("main > section")
    assert sections[0].h2.get_text() == "站群总览"
    assert [s.h2.contents[0].strip() for s in sections[1:]] == [
        "示例县人民政府", "示例县发展和改革委员会", "清水镇", "示例县体育局", LONG_NAME]
    rows = {r.th.a.get_text(): [td.get_text() for td in r.find_all("td")]
            for r in sections[0].select("table tbody tr")}
    assert rows["示例县人民政府"] == ["不合格", "1", "2", "2"]
    assert rows["示例县发展和改革委员会"] == ["不合格", "2", "5", "0"]
    assert rows["清水镇"] == ["合格", "0", "0", "2"]
    assert rows["示例县体育局"] == ["合格", "0", "0", "0"]
    header = soup.header.get_text(" ", strip=True)
    assert "2026-11-21 09:30:00" in header and COMMIT in header and "不合格" in header
    assert "3 个站点有单项否决项；另有全站群问题 1 项" in header
    assert "J018" in sections[0].get_text(), "the cluster-wide problem is in the overview"


def test_overview_chart_draws_one_bar_per_level_per_site_with_the_numbers_written():
    soup = _soup(html(sample()))
    chart = soup.select_one("#overview").find_parent("section").svg
    labels = _texts(chart.find_all("text"))
    assert labels[:4] == ["示例县人民政府", "单项否决 1", "扣分 2", "预警 2"]
    assert "扣分 5" in labels and "预警 4" in labels
    widths = [float(r["width"].rstrip("%")) for r in _bars(chart)]
    assert max(widths) == pytest.approx(64.0), "the largest count fills the bar area"
    assert chart.find("rect", attrs={"fill": "url(#p-ov-hatch)"}), "veto bars carry a pattern, not colour alone"


def test_commit_missing_says_working_tree_and_no_sites_says_so():
    page = html(Report(AT, "", "示例县网站群"))
    assert "未提交的工作区" in page and "报告中没有站点" in page and "合格" in page


def test_a_site_lists_vetoes_then_deductions_then_warnings_with_the_day_a_warning_falls_due():
    section = _section(_soup(html(sample())), "示例县人民政府")
    headings = _texts(section.find_all("h3"))
    assert headings[:3] == ["单项否决（1 项）", "扣分项（2 项）", "预警（2 项）"]
    lists = [h.find_next_sibling() for h in section.find_all("h3")[:3]]
    assert [[li.select_one(".code").get_text() for li in ul.find_all("li")] for ul in lists] == [
        ["J008"], ["J002", "J010"], ["J019", "J003"]]
    warning = lists[2].find_all("li")[0].get_text(" ", strip=True)
    assert "到期日：2026-11-23" in warning and "在到期前发布政策解读" in warning
    veto = lists[0].li.get_text(" ", strip=True)
    assert "content/xfz/zwyw" not in veto and "content/xzf/zwyw/2026-11-18-changwu.md:3" in veto
    assert "起始日：2026-11-18" in veto and "整改：改回真实发布日期" in veto
    assert "首页最近更新：2026-11-19" in section.get_text()


def test_a_site_without_problems_or_columns_says_so():
    section = _section(_soup(html(sample())), "示例县体育局")
    text = section.get_text(" ", strip=True)
    assert "合格" in section.select_one(".verdict").get_text()
    for words in ("没有单项否决项", "没有扣分项", "没有预警项", "本站没有栏目", "没有留言答复统计"):
        assert words in text
    assert not section.find("svg") and not section.find("table")


def test_columns_table_shows_every_column_with_type_dates_age_limit_and_state():
    soup = _soup(html(sample()))
    table = _section(soup, "示例县人民政府").find("table", class_="cols")
    rows = {r.th.get_text(): [td.get_text() for td in r.find_all("td")] for r in table.tbody.find_all("tr")}
    assert rows["示例县人民政府·政策文件"] == ["政策文件", "31", "2026-05-05", "200 天", "183 天", "—", "超期"]
    assert rows["示例县人民政府·政策解读"] == ["政策解读", "9", "2026-05-24", "181 天", "183 天", "2026-11-23", "即将超期"]
    assert rows["示例县人民政府·政务要闻"][-1] == "正常"
    assert rows["示例县人民政府·人事信息"] == ["其他", "0", "—", "—", "365 天", "—", "空栏目"]
    assert rows["示例县人民政府·专题专栏"][-3:] == ["不计", "—", "不计更新周期"]
    big = _section(soup, LONG_NAME).find("table", class_="cols")
    assert len(big.tbody.find_all("tr")) == 40
    assert big.find("th", string=f"{LONG_NAME}·栏目40"), "the table gives the full name the chart shortens"


def test_age_chart_puts_each_age_against_its_limit_with_labels_and_patterns():
    section = _section(_soup(html(sample())), "示例县人民政府")
    chart = section.find("svg")
    labels = _texts(chart.find_all("text"))
    # the most overdue first; columns without a limit or without items are left to the table
    assert labels[:3] == ["示例县人民政府·政策文件", "超期", "200/183 天"]
    assert labels[3:6] == ["示例县人民政府·政策解读", "即将超期", "181/183 天"]
    assert "示例县人民政府·专题专栏" not in labels and "示例县人民政府·人事信息" not in labels
    assert "另有 3 个栏目" in section.get_text()
    bars = _bars(chart)
    assert bars[0]["fill"] == "url(#p-site-1-hatch)" and bars[1]["fill"] == "url(#p-site-1-dots)"
    assert bars[2].get("class") == ["b-ok"]
    # the limit mark stands at the middle of the bar area; an age at the limit reaches it
    marks = chart.find_all("line", class_="mark")
    assert {m["x1"] for m in marks} == {"68%"}
    assert float(bars[1]["width"].rstrip("%")) == pytest.approx(64 * 181 / 183 / 2, abs=0.1)
    fgw = _section(_soup(html(sample())), "示例县发展和改革委员会").find("svg")
    assert "400/183 天 »" in _texts(fgw.find_all("text")), "an age over twice the limit is marked beyond the scale"


def test_long_names_are_shortened_in_charts_only():
    section = _section(_soup(html(sample())), LONG_NAME)
    names = [t.get_text() for t in section.svg.find_all("text")][::3]
    assert all(len(n) <= 18 for n in names) and all(n.endswith("…") for n in names)
    assert section.h2.get_text().startswith(LONG_NAME)


def test_replies_statistics_are_shown_in_order():
    section = _section(_soup(html(sample())), "示例县人民政府")
    table = section.find_all("table")[-1]
    assert table.caption.get_text() == "留言答复统计"
    assert [(r.th.get_text(), r.td.get_text()) for r in table.tbody.find_all("tr")] == [
        ("收到留言", "42"), ("已答复", "40"), ("按时答复", "37"), ("超期答复", "3"), ("待答复", "2"),
        ("逾期未答复", "1"), ("平均答复用时（工作日）", "4.6")]
    big = _section(_soup(html(sample())), LONG_NAME).find_all("table")[-1]
    assert big.tbody.find_all("tr")[-1].td.get_text() == "—", "no answers yet: no average"


def test_charts_have_text_alternatives_and_ids_are_unique():
    soup = _soup(html(sample()))
    charts = soup.find_all("svg")
    assert len(charts) == 5  # the overview and four sites with dated columns
    for svg in charts:
        assert svg["role"] == "img"
        title_id, desc_id = svg["aria-labelledby"].split()
        assert svg.find("title", id=title_id).get_text() and svg.find("desc", id=desc_id).get_text()
        assert svg.find_parent("figure").figcaption.get_text().startswith("图例")
    titles = [svg.title.get_text() for svg in charts]
    assert len(set(titles)) == len(titles) and titles[1].startswith("示例县人民政府（www.shilixian.gov.cn）：")


def test_two_sites_of_one_name_keep_their_charts_and_tables_apart():
    twin = sample()
    twin.sites[2] = dataclasses.replace(twin.sites[2], name=twin.sites[0].name)
    soup = _soup(html(twin))
    for names in ([svg.title.get_text() for svg in soup.find_all("svg")],
                  [box["aria-label"] for box in soup.select("[role=region]")]):
        assert len(names) == len(set(names)), names
    ids = [tag["id"] for tag in soup.find_all(id=True)]
    assert len(ids) == len(set(ids))
    for link in soup.select("a[href^='#']"):
        assert soup.find(id=link["href"][1:]), link


def test_headings_go_down_one_level_at_a_time_inside_landmarks():
    soup = _soup(html(sample()))
    assert soup.html["lang"] == "zh-CN"
    levels = [int(h.name[1]) for h in soup.find_all(re.compile(r"^h[1-6]$"))]
    assert levels[0] == 1 and levels.count(1) == 1
    assert all(b - a <= 1 for a, b in itertools.pairwise(levels))
    body = soup.body
    assert [c.name for c in body.find_all(recursive=False)] == ["a", "header", "nav", "main", "footer"]


def test_page_is_self_contained():
    page = html(sample())
    soup = _soup(page)
    assert not soup.find_all(["script", "link", "img", "iframe", "object", "embed", "base", "meta"],
                             attrs={"http-equiv": True})
    assert not soup.find_all(["script", "link", "iframe", "object", "embed", "base", "img", "image", "use"])
    for tag in soup.find_all(True):
        assert not any(name.startswith("on") for name in tag.attrs), tag.name
        for name in ("href", "src", "xlink:href", "action"):
            assert tag.get(name, "#").startswith("#"), (tag.name, tag.get(name))
    style = soup.style.get_text()
    assert "@import" not in style and "url(" not in style
    assert set(re.findall(r"url\(([^)]*)\)", page)) <= {f"#p-{p}-{k}" for p in ["ov", *(f"site-{n}" for n in range(1, 6))]
                                                        for k in ("hatch", "dots")}


@pytest.mark.parametrize("evil", [
    '<script>alert("站群")</script>',
    '"><img src=x onerror=alert(1)>',
    "' onmouseover='alert(1)",
    "</title></svg><script>x</script>",
    "&lt;script&gt; & 引号“”",
])
def test_everything_from_the_report_is_text(evil):
    col = dataclasses.replace(column("h.example", "u", "c", f"清水镇·{evil}", evil, 14, 20), stale=True)
    problem = Problem("J002", Level.VETO, "h.example", f"{evil} 未更新", hint=evil, unit="u", column="c",
                      path=f"content/u/{evil}.md", line=2, since="2026-11-10T00:00:00")
    site = SiteReport(evil, f"单位{evil}", ["u"], [col], "2026-11-01", [problem], {"received": evil})
    report = Report(AT, evil, f"县{evil}", [site], [dataclasses.replace(problem, host="")])
    soup = _soup(html(report))
    assert not soup.find_all(["script", "img"])
    assert not [t for t in soup.find_all(True) if any(a.startswith("on") for a in t.attrs)]
    text = soup.get_text()
    assert text.count(f"{evil} 未更新") == 2 and f"县{evil} 网站自查报告" in soup.title.get_text()
    assert f"单位{evil}" in text and f"content/u/{evil}.md:2" in text
    assert f"清水镇·{evil}" in _texts(soup.find_all("th"))


def test_long_numbers_leave_masked_and_masked_ones_stay_as_they_are():
    rng = random.Random(11)
    mobile, person = fakes.mobile(rng), fakes.id18(rng)
    already = f"{mobile[:3]}****{mobile[-4:]}"
    problem = Problem("J010", Level.DEDUCT, "h.example", f"联系电话 {mobile}，身份证 {person}，来信人 {already}",
                      hint=f"致电 {mobile}", path=f"content/u/{mobile}.md")
    site = SiteReport("h.example", f"清水镇{mobile}", ["u"], [], None, [problem])
    page = html(Report(AT, COMMIT, "示例县网站群", [site]))
    assert mobile not in page and person not in page
    assert f"{person[:6]}********{person[-4:]}" in page
    assert page.count(already) >= 4, "a masked number is shown as the rule wrote it"
    assert COMMIT in page, "the commit is not a number to mask"


def test_same_report_gives_same_bytes_and_a_large_cluster_stays_small():
    assert html(sample()) == html(sample())
    page = html(many_sites(20, 15)).encode("utf-8")
    assert len(page) < 300_000, len(page)
    assert page.count(b"<section class=\"site\"") == 20


# -- the page in a browser ------------------------------------------------------------------------------------

pytest_browser = pytest.mark.browser


# A page breaking the policy in three ways, to show the violations are seen
_BAD_PAGE = ("<!DOCTYPE html><html lang=\"zh-CN\"><head><title>x</title><link rel=\"stylesheet\" href=\"/a.css\">"
             "</head><body><main><script>document.title='y'</script><img alt=\"\" src=\"/x.png\"></main></body></html>")


@pytest.fixture(scope="module")
def scorecard_server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("scorecard")
    (folder / "scorecard.html").write_text(html(sample()), encoding="utf-8")
    (folder / "bad.html").write_text(_BAD_PAGE, encoding="utf-8")
    with serve(folder, {"Content-Security-Policy": CSP}) as url:
        yield url


_csp_violations = csp_violations


@pytest_browser
def test_renders_fully_under_the_strict_policy(browser, scorecard_server):
    bad = _csp_violations(browser, scorecard_server + "/bad.html")
    assert {v.split()[0] for v in bad} >= {"script-src-elem", "style-src-elem", "img-src"}, bad
    assert _csp_violations(browser, scorecard_server + "/scorecard.html") == []
    # the inline style applies: bars are coloured, the stale one with its pattern, and nothing is hidden
    fill = browser.execute_script("return getComputedStyle(document.querySelector('svg rect.b-ok')).fill")
    assert fill == "rgb(27, 110, 53)"
    assert browser.execute_script("return getComputedStyle(document.querySelector('.verdict.fail')).backgroundColor") \
        == "rgb(179, 38, 30)"


def _axe(driver) -> list[dict]:
    """axe-core's WCAG 2.1 A/AA and best-practice violations of the open page."""
    return axe(driver, BEST_PRACTICE)


@pytest_browser
@pytest.mark.parametrize("width,height", [(360, 740), (1280, 900)])
def test_axe_finds_nothing_at_phone_and_desktop_width(browser, scorecard_server, width, height):
    browser.set_window_size(width, height)
    try:
        browser.get(scorecard_server + "/scorecard.html")
        assert _axe(browser) == []
    finally:
        browser.set_window_size(1280, 900)


_LAYOUT_JS = """
const small = [];
for (const el of document.querySelectorAll('body *')) {
  const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
  if (own && el.getClientRects().length && parseFloat(getComputedStyle(el).fontSize) < 14)
    small.push(el.tagName + ' ' + getComputedStyle(el).fontSize + ' ' + el.textContent.slice(0, 20));
}
const svg = [...document.querySelectorAll('svg')].map(s => s.getBoundingClientRect().right);
return {scroll: document.scrollingElement.scrollWidth, inner: innerWidth, small: small,
        svgRight: Math.max(...svg), track: document.querySelector('rect.track').getBoundingClientRect().width};
"""


@pytest_browser
def test_no_sideways_scroll_and_no_small_text_on_a_phone_and_charts_scale(browser, scorecard_server):
    seen = {}
    try:
        for width, height in ((360, 740), (1280, 900)):
            browser.set_window_size(width, height)
            browser.get(scorecard_server + "/scorecard.html")
            seen[width] = layout = browser.execute_script(_LAYOUT_JS)
            assert layout["scroll"] <= layout["inner"], layout
            assert layout["small"] == [], layout["small"][:5]
            assert layout["svgRight"] <= layout["inner"]
    finally:
        browser.set_window_size(1280, 900)
    assert seen[1280]["track"] > 2 * seen[360]["track"], "bars stretch with the screen"


@pytest_browser
def test_the_wide_table_scrolls_in_its_own_box_and_print_drops_the_navigation(browser, scorecard_server):
    browser.set_window_size(360, 740)
    try:
        browser.get(scorecard_server + "/scorecard.html")
        box = browser.execute_script(
            "const w = document.querySelector('table.cols').parentElement;"
            "return [w.scrollWidth, w.clientWidth, getComputedStyle(w).overflowX]")
        assert box[0] > box[1] and box[2] == "auto", box
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
        assert browser.execute_script("return getComputedStyle(document.querySelector('nav')).display") == "none"
    finally:
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
        browser.set_window_size(1280, 900)


@pytest_browser
def test_the_demo_countys_real_scorecard_passes_the_same_checks(browser, cluster, tmp_path):
    """Not a hand-built report: the engine's report of the demo county (issue 11), under the strict policy, with
    axe-core, and on a phone without sideways scrolling."""
    from zhanqun.inspect import engine

    root, _repo = cluster
    report = engine.run(root)
    assert report.sites and any(site.problems for site in report.sites)
    (tmp_path / "web").mkdir()
    (tmp_path / "web" / "demo.html").write_text(html(report), encoding="utf-8")
    with serve(tmp_path / "web", {"Content-Security-Policy": CSP}) as base:
        url = f"{base}/demo.html"
        assert _csp_violations(browser, url) == []
        for site in report.sites:
            assert site.name in browser.find_element("tag name", "body").text
        browser.set_window_size(360, 740)
        try:
            browser.get(url)
            layout = browser.execute_script(_LAYOUT_JS)
            assert layout["scroll"] <= layout["inner"] and layout["small"] == [], layout
            assert _axe(browser) == []
        finally:
            browser.set_window_size(1280, 900)
