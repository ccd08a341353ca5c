"""The theme as a visitor meets it, in headless Chromium (R3.8, issue 14): one page of every template of the
demo county (tests/browser.py ``representative_pages``), served under the CSP ``zhanqun nginx`` sends.

- axe-core, WCAG 2.1 A and AA rules (tags wcag2a, wcag2aa, wcag21a, wcag21aa), normal and high contrast (the
  toolbar's button clicked), desktop 1280×900 and phone 375×812: no violation.
- The W3C Nu HTML checker over every HTML file of every site: no error.
- A keyboard walk (Tab from the top) of the portal's homepage and an item page: every link, button, input and
  summary in document order, no trap, the focus always visible and inside the viewport, the skip link first.
- No sideways scrolling at 320 CSS px at any step of the font-size switch (WCAG 1.4.10); no visible text
  under 16 px; targets of at least 44×44 px (WCAG 2.5.5) except links in running text (``TARGETS``)."""

from __future__ import annotations

import json
import subprocess

import pytest

from tests.browser import (
    DESKTOP,
    PHONE,
    TEMPLATES,
    VNU,
    Page,
    Viewport,
    axe,
    describe_violations,
    fresh,
    need,
    need_file,
    representative_pages,
    serve_cluster,
    viewport,
)
from zhanqun.deploy.nginx import CSP

pytestmark = pytest.mark.browser

NARROW = Viewport("320px", 320, 640, True)
VIEWS = (DESKTOP, PHONE)


@pytest.fixture(scope="module")
def pages(built_demo) -> dict[str, Page]:
    return representative_pages(built_demo / "output")


@pytest.fixture(scope="module")
def sites(built_demo):
    with serve_cluster(built_demo / "output", {"Content-Security-Policy": CSP}) as urls:
        yield urls


def _url(sites: dict[str, str], page: Page) -> str:
    return f"{sites[page.host]}/{page.path}"


def _where(page: Page) -> str:
    return f"{page.template} ({page.host}/{page.path})"


def _in_order(pages: dict[str, Page]) -> list[Page]:
    return [pages[t] for t in TEMPLATES if t in pages] + [p for t, p in pages.items() if t not in TEMPLATES]


def _contrast_on(browser) -> None:
    """High contrast the way a visitor turns it on: the toolbar's button, clicked."""
    from selenium.webdriver.common.by import By

    browser.find_element(By.CSS_SELECTOR, '[data-a11y="contrast"]').click()
    assert "high-contrast" in browser.execute_script("return document.documentElement.className"), \
        "the contrast button must put class high-contrast on <html>"


def test_every_template_has_a_page_in_the_demo(pages):
    """The demo county shows every template, so the checks below see all of them."""
    assert [t for t in TEMPLATES if t not in pages] == []


@pytest.mark.parametrize("view", VIEWS, ids=lambda v: v.name)
def test_axe_finds_no_wcag_violation_on_any_template_in_either_mode(browser, sites, pages, view):
    found: list[str] = []
    with viewport(browser, view):
        for page in _in_order(pages):
            fresh(browser, _url(sites, page))
            found += describe_violations(f"{_where(page)} [{view.name}, normal]", axe(browser))
            _contrast_on(browser)
            found += describe_violations(f"{_where(page)} [{view.name}, high contrast]", axe(browser))
    assert found == [], "\n".join(found)


def test_the_nu_html_checker_finds_no_error_on_any_page(built_demo):
    java = need("java")
    jar = need_file(VNU, "the Nu HTML checker (npm vnu-jar)")
    output = built_demo / "output"
    folders = sorted(str(p) for p in output.iterdir() if p.is_dir() and not p.name.startswith("."))
    done = subprocess.run([java, "-jar", str(jar), "--errors-only", "--format", "json", "--skip-non-html", *folders],
                          capture_output=True, text=True, timeout=600)
    report = json.loads(done.stderr or done.stdout)  # vnu writes its JSON report to stderr
    prefix = f"file:{output}/"
    errors = [f"{m.get('url', '?').removeprefix(prefix)}:{m.get('lastLine', '?')}: {m.get('message')}"
              for m in report["messages"]]
    assert errors == [], "\n".join(errors)
    assert done.returncode == 0, done.stderr[-2000:]


# -- the keyboard -------------------------------------------------------------------------------------------

_FOCUSABLES_JS = """
const all = [...document.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea, summary, '
                                          + '[tabindex]:not([tabindex="-1"])')];
// checkVisibility: false inside a closed <details> (its content is content-visibility: hidden, yet has boxes)
const shown = all.filter(e => !e.disabled && e.getClientRects().length && e.checkVisibility({visibilityProperty: true})
                              && !e.closest('[inert]'));
shown.forEach((e, i) => e.setAttribute('data-kb', i));
return shown.map(e => e.tagName.toLowerCase() + ' ' + (e.textContent || e.value || e.getAttribute('aria-label') || '')
                       .trim().slice(0, 24));
"""

_FOCUS_JS = """
const e = document.activeElement;
if (!e || e === document.body || e === document.documentElement) return null;
const s = getComputedStyle(e), r = e.getBoundingClientRect();
return {kb: e.getAttribute('data-kb'), id: e.id, tag: e.tagName.toLowerCase(),
        text: (e.textContent || e.value || '').trim().slice(0, 24),
        outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2, shadow: s.boxShadow !== 'none',
        inside: r.top >= -1 && r.left >= -1 && r.bottom <= innerHeight + 1 && r.right <= innerWidth + 1 && r.width > 0};
"""


def _walk(browser) -> tuple[list[str], list[str]]:
    """Tab from the top through the page: what was expected and the problems on the way."""
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    expected = browser.execute_script(_FOCUSABLES_JS)
    problems: list[str] = []
    previous = None
    for step in range(len(expected) + 1):
        ActionChains(browser).send_keys(Keys.TAB).perform()
        focus = browser.execute_script(_FOCUS_JS)
        if step == len(expected):
            if focus is not None and focus["kb"] == str(len(expected) - 1):
                problems.append(f"focus stays on the last control ({focus['tag']} {focus['text']}): a trap")
            break
        want = f"#{step} {expected[step]}"
        if focus is None:
            problems.append(f"{want}: focus left the page after {step} of {len(expected)} controls")
            break
        if previous is not None and focus["kb"] == previous:
            problems.append(f"{want}: focus stays on {focus['tag']} {focus['text']}: a trap")
            break
        if focus["kb"] != str(step):
            problems.append(f"{want}: Tab reached {focus['tag']} {focus['text']} (#{focus['kb']}) instead")
            break
        if not (focus["outline"] or focus["shadow"]):
            problems.append(f"{want}: no visible focus indicator (outline ≥ 2px or box-shadow)")
        if not focus["inside"]:
            problems.append(f"{want}: focused but not inside the viewport")
        previous = focus["kb"]
    return expected, problems


@pytest.mark.parametrize("template", ["home-portal", "item-news"])
def test_a_keyboard_reaches_every_control_in_order_with_the_focus_visible(browser, sites, pages, template):
    from selenium.webdriver.common.keys import Keys

    page = pages[template]
    fresh(browser, _url(sites, page))
    expected, problems = _walk(browser)
    assert expected and expected[0].startswith("a 跳到主要内容"), f"the skip link comes first: {expected[:3]}"
    assert problems == [], f"{_where(page)}:\n" + "\n".join(problems)
    fresh(browser, _url(sites, page))
    browser.switch_to.active_element.send_keys(Keys.TAB)
    browser.switch_to.active_element.send_keys(Keys.ENTER)
    assert browser.switch_to.active_element.get_attribute("id") == "main", "the skip link moves focus to main"


# -- what every visitor meets -------------------------------------------------------------------------------

_FONT_SIZE_JS = "return parseFloat(getComputedStyle(document.documentElement).fontSize)"
_OVERFLOW_JS = """
const d = document.documentElement, w = d.clientWidth;
const wide = [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > w + 1
    && !(e.parentElement && e.parentElement.getBoundingClientRect().right > w + 1));
return {scroll: d.scrollWidth, client: w,
        wide: wide.slice(0, 4).map(e => e.tagName.toLowerCase() + (e.className ? '.' + String(e.className).split(' ')[0] : '')
                                        + ' ' + Math.round(e.getBoundingClientRect().right) + 'px')};
"""


def test_no_sideways_scrolling_at_320px_at_any_font_step(browser, sites, pages):
    """WCAG 1.4.10: at 320 CSS px the page reflows, at the default size and after each 字号 A+ click up to the
    largest step."""
    from selenium.webdriver.common.by import By

    found: list[str] = []
    with viewport(browser, NARROW):
        for page in _in_order(pages):
            fresh(browser, _url(sites, page))
            for step in range(10):
                seen = browser.execute_script(_OVERFLOW_JS)
                if seen["scroll"] > seen["client"]:
                    found.append(f"{_where(page)} at font step {step}: {seen['scroll']}px wide in {seen['client']}px "
                                 f"({', '.join(seen['wide'])})")
                size = browser.execute_script(_FONT_SIZE_JS)
                browser.find_element(By.CSS_SELECTOR, '[data-a11y="font-up"]').click()
                if browser.execute_script(_FONT_SIZE_JS) == size:
                    break  # the largest step
            assert step > 0, f"{_where(page)}: 字号 A+ does not enlarge the text"
    assert found == [], "\n".join(found)


_SMALL_TEXT_JS = """
const small = [];
for (const el of document.querySelectorAll('body *')) {
  const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
  if (!own || !el.getClientRects().length || !el.checkVisibility({visibilityProperty: true})) continue;
  const r = el.getBoundingClientRect();
  if (r.right < 0 || r.bottom < 0 || el.closest('.visually-hidden')) continue;  // off screen (the skip link)
  const size = parseFloat(getComputedStyle(el).fontSize);
  if (size < 16) small.push(el.tagName.toLowerCase() + (el.className ? '.' + String(el.className).split(' ')[0] : '')
                            + ' ' + size + 'px «' + el.textContent.trim().slice(0, 16) + '»');
}
return small;
"""


@pytest.mark.parametrize("view", VIEWS, ids=lambda v: v.name)
def test_no_visible_text_is_smaller_than_16px(browser, sites, pages, view):
    found: list[str] = []
    with viewport(browser, view):
        for page in _in_order(pages):
            fresh(browser, _url(sites, page))
            found += [f"{_where(page)} [{view.name}]: {small}" for small in browser.execute_script(_SMALL_TEXT_JS)]
    assert found == [], "\n".join(found)


# The targets WCAG 2.5.5 asks to be 44×44 px: every button, form control and summary, and the links of the
# page's frame and navigation (toolbar, header, every nav — main menu, breadcrumb, pagination — and footer).
# Links inside running text (an item's body, a list entry's title, a sentence) are the criterion's "inline"
# exception and are not measured.
TARGETS = ("button, input:not([type=hidden]), select, textarea, summary, .toolbar a, header a, nav a, footer a")
_TARGETS_JS = """
const small = [];
for (const el of document.querySelectorAll(arguments[0])) {
  if (!el.getClientRects().length || !el.checkVisibility({visibilityProperty: true})) continue;
  // a link wrapped over two lines is two small targets, not one tall one: each line's box is measured
  const boxes = [...el.getClientRects()];
  const r = {width: Math.min(...boxes.map(b => b.width)), height: Math.min(...boxes.map(b => b.height))};
  if (r.width < 44 || r.height < 44)
    small.push(el.tagName.toLowerCase() + (el.className ? '.' + String(el.className).split(' ')[0] : '') + ' «'
               + (el.textContent || el.value || '').trim().slice(0, 16) + '» ' + Math.round(r.width) + '×'
               + Math.round(r.height));
}
return small;
"""


@pytest.mark.parametrize("view", VIEWS, ids=lambda v: v.name)
def test_controls_and_navigation_links_are_at_least_44px(browser, sites, pages, view):
    found: list[str] = []
    with viewport(browser, view):
        for page in _in_order(pages):
            fresh(browser, _url(sites, page))
            found += [f"{_where(page)} [{view.name}]: {small}" for small in browser.execute_script(_TARGETS_JS, TARGETS)]
    assert found == [], "\n".join(found)
