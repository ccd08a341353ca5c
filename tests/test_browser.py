"""What a visitor sees in a real browser (headless Chromium): R3.8 accessibility and 适老化 basics."""

from __future__ import annotations

import pytest

from tests import browser as shared
from tests.browser import serve

pytestmark = pytest.mark.browser


# The shared helpers (tests/browser.py) under the names test modules imported from here before
_need = shared.need
_QuietHandler = shared.QuietHandler
browser = shared.browser


@pytest.fixture(scope="module")
def served(built_demo):
    with serve(built_demo / "output" / "www.shilixian.gov.cn") as url:
        yield url


def _luminance(rgb: tuple[float, float, float]) -> float:
    def channel(c: float) -> float:
        c /= 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _contrast(fg, bg) -> float:
    a, b = sorted((_luminance(fg), _luminance(bg)), reverse=True)
    return (a + 0.05) / (b + 0.05)


_STYLE_JS = """
const el = arguments[0];
function bg(node) {
  while (node) {
    const c = getComputedStyle(node).backgroundColor;
    if (c && c !== 'rgba(0, 0, 0, 0)' && c !== 'transparent') return c;
    node = node.parentElement;
  }
  return 'rgb(255, 255, 255)';
}
return [getComputedStyle(el).color, bg(el), getComputedStyle(el).fontSize];
"""


def _rgb(text: str) -> tuple[float, float, float]:
    return tuple(float(x) for x in text[text.index("(") + 1 : text.index(")")].split(",")[:3])


def test_language_skip_link_and_keyboard_focus(browser, served):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    browser.get(served + "/index.html")
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "zh-CN"
    body = browser.find_element(By.TAG_NAME, "body")
    body.send_keys(Keys.TAB)
    focused = browser.switch_to.active_element
    assert focused.text == "跳到主要内容"
    assert focused.is_displayed(), "the skip link must become visible when focused"
    outline = browser.execute_script("return getComputedStyle(arguments[0]).outlineStyle", focused)
    assert outline != "none", "keyboard focus must be visible"
    focused.send_keys(Keys.ENTER)
    assert browser.switch_to.active_element.get_attribute("id") == "main"


def test_default_font_is_16px_and_font_switch_enlarges_it(browser, served):
    from selenium.webdriver.common.by import By

    browser.get(served + "/zwyw/index.html")
    browser.execute_script("localStorage.clear()")
    browser.refresh()
    link = browser.find_element(By.CSS_SELECTOR, ".item-list a")
    assert browser.execute_script(_STYLE_JS, link)[2] == "16px"
    browser.find_element(By.CSS_SELECTOR, '[data-a11y="font-up"]').click()
    assert float(browser.execute_script(_STYLE_JS, link)[2].removesuffix("px")) > 16
    browser.refresh()  # remembered across pages
    link = browser.find_element(By.CSS_SELECTOR, ".item-list a")
    assert float(browser.execute_script(_STYLE_JS, link)[2].removesuffix("px")) > 16
    browser.find_element(By.CSS_SELECTOR, '[data-a11y="font-reset"]').click()
    assert browser.execute_script(_STYLE_JS, link)[2] == "16px"


def test_text_contrast_meets_aa_in_both_modes(browser, served):
    from selenium.webdriver.common.by import By

    browser.get(served + "/index.html")
    browser.execute_script("localStorage.clear()")
    browser.refresh()
    selectors = ["main h2", ".item-list a", ".item-list time", ".site-name", ".site-nav a", ".site-footer p", ".toolbar button"]

    def ratios():
        out = {}
        for selector in selectors:
            element = browser.find_element(By.CSS_SELECTOR, selector)
            fg, bg, _ = browser.execute_script(_STYLE_JS, element)
            out[selector] = _contrast(_rgb(fg), _rgb(bg))
        return out

    normal = ratios()
    assert all(r >= 4.5 for r in normal.values()), normal
    button = browser.find_element(By.CSS_SELECTOR, '[data-a11y="contrast"]')
    button.click()
    assert button.get_attribute("aria-pressed") == "true"
    assert "high-contrast" in browser.find_element(By.TAG_NAME, "html").get_attribute("class")
    high = ratios()
    assert all(r >= 7 for r in high.values()), high
    button.click()


def test_images_have_alt_text_and_no_inline_script(browser, served, built_demo):
    from selenium.webdriver.common.by import By

    leaders = sorted((built_demo / "output/www.shilixian.gov.cn/ldxx").glob("*.html"))
    page = next(p for p in leaders if not p.name.startswith("index"))
    browser.get(f"{served}/ldxx/{page.name}")
    images = browser.find_elements(By.TAG_NAME, "img")
    assert images and all(img.get_attribute("alt") for img in images)
    assert browser.execute_script("return document.querySelectorAll('script:not([src])').length") == 0
    assert browser.execute_script("return document.querySelector('img').naturalWidth") > 0, "photo must load"


def test_audit_report_reads_in_a_browser(browser, cluster, zq, tmp_path):
    """R8.2: the inspectors' HTML audit shows each violation with its code and fix, and every commit's verdict,
    on a narrow (phone-sized) window too."""
    from tests.gitrepo import ITEM, NEWS, commit

    root, repo = cluster
    repo.git.checkout("main")
    pushed = commit(repo, NEWS, ITEM.format(importance="routine"), "直接推送的动态", "2026-11-22T08:00:00+08:00")
    report = tmp_path / "audit.html"
    assert zq("audit", "--root", root, "--format", "html", "--output", report).code == 1
    from selenium.webdriver.common.by import By

    browser.set_window_size(390, 844)
    try:
        browser.get(report.as_uri())
        assert browser.find_element(By.ID, "violation-count").text == "1"
        row = browser.find_element(By.CSS_SELECTOR, "#violations tbody tr")
        assert row.is_displayed() and "V001" in row.text and pushed[:10] in row.text and "zhanqun protect" in row.text
        verdicts = [r.text for r in browser.find_elements(By.CSS_SELECTOR, "#commits tbody tr")]
        assert any("初始导入" in v for v in verdicts) and any("无审核记录" in v for v in verdicts)
        assert browser.execute_script("return document.documentElement.lang") == "zh-CN"
        assert not browser.find_elements(By.TAG_NAME, "script")
    finally:
        browser.set_window_size(1280, 900)


def test_replies_page_fits_a_phone_and_keeps_contrast(browser, served):
    """R9, 001 §19(五): the replies column with its statistics block reads at 360 px without horizontal scroll,
    and its text keeps AA contrast in both modes."""
    from selenium.webdriver.common.by import By

    browser.set_window_size(360, 800)
    try:
        browser.get(served + "/hdjl/index.html")
        browser.execute_script("localStorage.clear()")
        browser.refresh()
        stats = browser.find_element(By.CSS_SELECTOR, ".reply-stats")
        assert stats.is_displayed() and "收到留言" in stats.text and "平均答复用时（工作日）" in stats.text
        width = browser.execute_script("return [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert width[0] <= width[1], width
        for selector in (".reply-stats dt", ".reply-stats dd", ".stats-note", ".reply-dates time"):
            element = browser.find_element(By.CSS_SELECTOR, selector)
            fg, bg, _ = browser.execute_script(_STYLE_JS, element)
            assert _contrast(_rgb(fg), _rgb(bg)) >= 4.5, selector
        browser.get(served + "/hdjl/2026-10-19-xiaoqu-yejian-shigong.html")
        width = browser.execute_script("return [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert width[0] <= width[1], width
        assert browser.execute_script("return document.querySelectorAll('script:not([src])').length") == 0
    finally:
        browser.set_window_size(1280, 900)
