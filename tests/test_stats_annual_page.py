"""The annual report's HTML page (R8.4) in headless Chromium: the demo county's real reports under a strict
CSP, checked with axe-core at phone and desktop width, readable at 360 px (the table scrolls in its own box)."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from tests.browser import BEST_PRACTICE, axe, serve
from tests.test_scorecard import CSP, _axe, _csp_violations
from tests.test_stats_annual import demo_reports, history  # noqa: F401 - fixtures
from zhanqun.stats import annual_render

_LAYOUT_JS = """
const small = [];
for (const el of document.querySelectorAll('body *')) {
  const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
  if (own && el.getClientRects().length && parseFloat(getComputedStyle(el).fontSize) < 14)
    small.push(el.tagName + ' ' + getComputedStyle(el).fontSize + ' ' + el.textContent.slice(0, 20));
}
const wrap = document.querySelector('.table-wrap');
return {scroll: document.scrollingElement.scrollWidth, inner: innerWidth, small: small,
        wrap: [wrap.scrollWidth, wrap.clientWidth, getComputedStyle(wrap).overflowX],
        spans: [...document.querySelectorAll('th[rowspan]')].length};
"""


@pytest.fixture(scope="module")
def page_url(demo_reports, tmp_path_factory):  # noqa: F811
    _, reports = demo_reports
    folder = tmp_path_factory.mktemp("annual-page")
    (folder / "report.html").write_text(annual_render.html(reports), encoding="utf-8")
    with serve(folder, {"Content-Security-Policy": CSP}) as url:
        yield url + "/report.html"


def test_the_page_is_one_file_without_script_or_style_attributes(demo_reports):  # noqa: F811
    _, reports = demo_reports
    page = annual_render.html(reports)
    soup = BeautifulSoup(page, "lxml")
    assert not soup.find("script") and not soup.find(attrs={"style": True})
    assert not soup.find("link") and not soup.find("img")
    assert len(soup.find_all("table")) == len(reports) == 6
    assert "41990002000001" in page, "the police record number is public: shown whole, not masked"


@pytest.mark.browser
def test_renders_under_the_strict_policy_and_axe_finds_nothing(browser, page_url):
    assert _csp_violations(browser, page_url) == []
    for width, height in ((360, 740), (1280, 900)):
        browser.set_window_size(width, height)
        try:
            browser.get(page_url)
            assert _axe(browser) == [], width
        finally:
            browser.set_window_size(1280, 900)


@pytest.mark.browser
def test_readable_on_a_phone_the_table_scrolls_in_its_own_box(browser, page_url):
    browser.set_window_size(360, 740)
    try:
        browser.get(page_url)
        layout = browser.execute_script(_LAYOUT_JS)
        body = browser.find_element("tag name", "body").text
    finally:
        browser.set_window_size(1280, 900)
    assert layout["scroll"] <= layout["inner"], layout
    assert layout["small"] == [], layout["small"][:5]
    assert layout["wrap"][2] == "auto" and layout["spans"] > 0
    assert "未填报" in body, "a missing figure is told by its words, not by colour alone"


@pytest.mark.browser
def test_the_published_item_page_passes_axe_on_a_phone(browser, history, zq, tmp_path):  # noqa: F811
    """The portal page --publish writes, built by the real theme: the official table inside an article."""
    import shutil

    from tests.conftest import PROJECT

    config = history.root / "content/cluster.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "stats:\n  annual_report_column: ndbb\n", encoding="utf-8")
    assert zq("annual-report", "2025", "www", "--root", history.root, "--publish").code == 0
    for part in ("themes", "plugins"):
        shutil.copytree(PROJECT / part, history.root / part, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy2(PROJECT / "pelicanconf.py", history.root / "pelicanconf.py")
    assert zq("build", "--root", history.root, "--output", tmp_path / "out", "www").code == 0
    with serve(tmp_path / "out" / "www.shilixian.gov.cn") as base:
        browser.set_window_size(360, 740)
        try:
            browser.get(f"{base}/ndbb/2025-niandu-baobiao-xzf.html")
            assert "示例县人民政府2025年政府网站工作年度报表" in browser.title
            # the table only: the theme's own findings are tests/test_theme_browser.py's
            table = browser.find_element("css selector", "table")
            assert axe(browser, BEST_PRACTICE, element=table) == []
            wide = browser.execute_script(
                "return [...document.querySelectorAll('body *')]"
                ".filter(e => e.getBoundingClientRect().right > innerWidth + 1)"
                ".map(e => e.tagName + ' ' + e.textContent.slice(0, 12))")
            assert wide == [], wide[:6]
        finally:
            browser.set_window_size(1280, 900)
