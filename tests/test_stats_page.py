"""The statistics and ranking pages (R8.3): one self-contained HTML page each, SVG charts drawn on the server, no
script, nothing a strict CSP blocks, readable on a 360 px phone — checked in the page and in headless Chromium
(the scorecard's checks: CSP violations seen by the browser, axe-core, layout at phone width)."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from tests.browser import serve
from tests.test_scorecard import _LAYOUT_JS, CSP, _axe, _csp_violations
from tests.test_stats_events import history_repo  # noqa: F401 - the scripted county
from zhanqun.stats import engine, page, ranking, render

BASIS = "按合入主分支的时间统计（不是头信息里写的日期）"


@pytest.fixture(scope="module")
def pages(history_repo):  # noqa: F811
    root, shas = history_repo
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", "1795219200")
        made = {by: render.as_html(engine.run(root, "quarter", "2026-01-01", "2026-06-30", by)) for by in engine.BY}
        made["ranking"] = page.as_html(ranking.run(root, 2026))
    return made, shas


def test_each_page_states_the_basis_and_the_commit(pages):
    made, shas = pages
    for name, html in made.items():
        soup = BeautifulSoup(html, "html.parser")
        assert BASIS in soup.header.get_text(), name
        assert shas["c-deleted"] in soup.header.get_text(), name


def test_charts_draw_one_bar_per_row_with_its_number_written(pages):
    made, _ = pages
    soup = BeautifulSoup(made["unit"], "html.parser")
    first = soup.find("section")
    published, cycles = first.find_all("svg")
    labels = [t.get_text() for t in published.find_all("text")]
    assert labels == ["示例县青山镇人民政府 6", "示例县人民政府 0"]
    bars = [r for r in published.find_all("rect") if "track" not in (r.get("class") or [])]
    assert [b["width"] for b in bars] == ["64.0%"]  # the town's 6 of 6 fill the bar area; 0 draws none
    # the cycle chart: on time 2 of 3 (green), late 1 of 3 (dots); the portal 3 missed (stripes)
    drawn = [r for r in cycles.find_all("rect") if r.find_parent("defs") is None]
    town = drawn[1:3]
    assert [(r.get("class"), r.get("fill"), r["width"]) for r in town] == [
        (["b-ok"], None, "42.7%"), (None, "url(#p-c1-cyc-dots)", "21.3%")]
    assert [(r.get("fill"), r["width"]) for r in drawn[4:]] == [("url(#p-c1-cyc-hatch)", "64.0%")]
    assert "按时 2 个、超期后补发 1 个、超期未更新 3 个" in cycles.desc.get_text()
    assert [t.get_text() for t in cycles.find_all("text")] == ["示例县青山镇人民政府 67%", "示例县人民政府 0%"]


def test_person_page_names_people_and_has_no_cycle_chart(pages):
    made, _ = pages
    soup = BeautifulSoup(made["person"], "html.parser")
    first = soup.find("section")
    assert len(first.find_all("svg")) == 1
    assert "王莉" in first.table.get_text() and "wang-li" not in first.table.get_text()


def test_ranking_page_explains_every_figure(pages):
    made, shas = pages
    soup = BeautifulSoup(made["ranking"], "html.parser")
    steps = [li.get_text() for li in soup.find("ol").find_all("li")]
    assert shas["c-deleted"] in steps[0]
    assert any("100 − 5 ×" in s for s in steps) and any("按时答复的 ÷（已答复的 + 逾期未答复的）" in s for s in steps)
    assert [th.get_text() for th in soup.find("tbody").find_all("th")] == ["示例县青山镇人民政府", "示例县人民政府"]


@pytest.mark.parametrize("name", ["unit", "column", "person", "ranking"])
def test_pages_are_self_contained(pages, name):
    made, _ = pages
    soup = BeautifulSoup(made[name], "html.parser")
    assert not soup.find_all(["script", "link", "img", "iframe", "object"])
    assert not soup.find_all(style=True)  # a strict CSP would block style attributes
    assert not [t for t in soup.find_all(True) if any(a.startswith("on") for a in t.attrs)]
    assert "url(" not in soup.style.get_text()
    ids = [t["id"] for t in soup.find_all(id=True)]
    assert len(ids) == len(set(ids))


def test_names_from_config_are_text():
    evil = "<script>alert(1)</script>\u202e"
    row = engine.Row("x", evil, published=1)
    import datetime as dt

    period = engine.PeriodStats(engine.periods.whole(dt.date(2026, 1, 1), dt.date(2026, 1, 31)), [row], row)
    html = render.as_html(engine.Stats(evil, "0" * 40, "unit", "month", period.period.first, period.period.last,
                                       [period], period))
    assert "<script>" not in html and "\u202e" not in html and "&lt;script&gt;" in html


# -- in the browser ------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def served(pages, tmp_path_factory):
    made, _ = pages
    folder = tmp_path_factory.mktemp("stats-pages")
    for name, html in made.items():
        (folder / f"{name}.html").write_text(html, encoding="utf-8")
    with serve(folder, {"Content-Security-Policy": CSP}) as url:
        yield url


@pytest.mark.browser
@pytest.mark.parametrize("name", ["unit", "column", "person", "ranking"])
def test_in_chromium_no_csp_violation_no_axe_finding_and_no_sideways_scroll_at_360px(browser, served, name):
    url = f"{served}/{name}.html"
    assert _csp_violations(browser, url) == []
    try:
        for width, height in ((360, 740), (1280, 900)):
            browser.set_window_size(width, height)
            browser.get(url)
            assert _axe(browser) == [], (name, width)
            layout = browser.execute_script(_LAYOUT_JS)
            assert layout["scroll"] <= layout["inner"], layout
            assert layout["small"] == [], layout["small"][:5]
            assert layout["svgRight"] <= layout["inner"]
        # the styles apply under the policy: bars are coloured
        assert browser.execute_script(
            "return getComputedStyle(document.querySelector('svg rect.b-ok')).fill") == "rgb(27, 110, 53)"
    finally:
        browser.set_window_size(1280, 900)


_RANKING_CELLS_JS = """
const wrap = document.querySelector('table.stack').parentElement;
const cells = [...document.querySelectorAll('table.stack tbody td, table.stack tbody th')];
return {wrap: [wrap.scrollWidth, wrap.clientWidth], inner: innerWidth,
        right: Math.max(...cells.map(c => c.getBoundingClientRect().right)),
        left: Math.min(...cells.map(c => c.getBoundingClientRect().left)),
        display: getComputedStyle(cells[0]).display,
        labels: cells.map(c => getComputedStyle(c, '::before').content.replace(/^"|"$/g, '')),
        texts: cells.map(c => c.textContent)};
"""


@pytest.mark.browser
def test_the_ranking_table_shows_every_sub_score_on_a_phone_without_sideways_scrolling(browser, served):
    """Issue 12 (d), R8.3: at 360 px every unit is a card, each score after its heading, nothing cut off or
    scrolled aside; at 1280 px the same table is a table."""
    try:
        browser.set_window_size(360, 740)
        browser.get(f"{served}/ranking.html")
        phone = browser.execute_script(_RANKING_CELLS_JS)
        assert phone["wrap"][0] <= phone["wrap"][1], phone  # the table's own box does not scroll either
        assert phone["left"] >= 0 and phone["right"] <= phone["inner"], phone
        assert phone["display"] == "flex"
        heads = ["名次", "单位", "综合得分", "栏目按时更新率", "差错", "留言按时答复率", "检查错误", "自查问题"]
        assert phone["labels"] == heads * 2  # two units, every figure labelled
        assert phone["texts"][:3] == ["1", "示例县青山镇人民政府", phone["texts"][2]] and "—" not in phone["texts"][4]
        browser.set_window_size(1280, 900)
        browser.get(f"{served}/ranking.html")
        wide = browser.execute_script(_RANKING_CELLS_JS)
        assert wide["display"] == "table-cell" and set(wide["labels"]) == {"none"}
    finally:
        browser.set_window_size(1280, 900)
