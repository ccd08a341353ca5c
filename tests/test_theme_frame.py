"""The theme's page frame in a real browser (issue 14, R3.8): the navigation, the masthead, the footer's pages and
links, the favicon, the font and contrast settings carried across the cluster's hosts before the first paint,
text and targets sizes, and no horizontal scrolling at 320 px at any font step (WCAG 1.4.10)."""

from __future__ import annotations

import http.server
import os
import re
import threading
import urllib.request
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from tests.conftest import PROJECT
from tests.test_browser import _need

pytestmark = pytest.mark.browser

DOMAIN = "shilixian.gov.cn"
PORTAL = f"www.{DOMAIN}"
POLICY = "/zcwj/2025-08-06-xiangcun-zhenxing-shifancun.html"
FONT_STEPS = range(5)


class _HostHandler(http.server.SimpleHTTPRequestHandler):
    """Serves ``output/<Host>/``: one server for every site of the cluster, as nginx does by server_name."""

    output: Path

    def translate_path(self, path: str) -> str:
        host = (self.headers.get("Host") or PORTAL).split(":")[0]
        site = self.output / host
        if not site.is_dir():  # 127.0.0.1: a preview of the portal
            site = self.output / PORTAL
        return str(site / path.split("?")[0].lstrip("/"))

    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="module")
def port(built_demo):
    handler = type("Handler", (_HostHandler,), {"output": built_demo / "output"})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1]
    server.shutdown()


@pytest.fixture(scope="module")
def chromium():
    """Chromium resolving every host of the demo county to this machine (the sites' real names, so the
    cookie's parent domain is the real one)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = _need("chromium")
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 f"--host-resolver-rules=MAP *.{DOMAIN} 127.0.0.1", "--window-size=1280,900"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(_need("chromedriver")), options=options)
    yield driver
    driver.quit()


@pytest.fixture
def browser(chromium):
    chromium.delete_all_cookies()
    yield chromium
    chromium.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    chromium.execute_cdp_cmd("Network.clearBrowserCookies", {})


def _url(port: int, host: str = PORTAL, path: str = "/") -> str:
    return f"http://{host}:{port}{path}"


def _viewport(browser, width: int, height: int = 800) -> None:
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 700})


def _open_with(browser, url: str, step: int = 0, contrast: bool = False) -> None:
    """Open ``url`` with the settings cookie as a11y.js writes it."""
    browser.get(url)
    browser.execute_cdp_cmd("Network.clearBrowserCookies", {})
    browser.add_cookie({"name": "zq_a11y", "value": f"f{step}c{int(contrast)}", "path": "/"})
    browser.get(url)


# -- navigation ----------------------------------------------------------------------------------------

def test_phone_nav_is_one_closed_disclosure_and_the_content_starts_on_the_first_screen(browser, port):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    _viewport(browser, 390, 844)
    browser.get(_url(port))
    menu = browser.find_element(By.CSS_SELECTOR, ".site-nav details.nav-menu")
    summary = menu.find_element(By.CSS_SELECTOR, ":scope > summary")
    assert summary.is_displayed() and summary.text.startswith("栏目导航")
    assert menu.get_attribute("open") is None
    assert not browser.find_element(By.CSS_SELECTOR, ".nav-list a").is_displayed()
    main_top = browser.execute_script("return document.querySelector('main').getBoundingClientRect().top")
    assert main_top < 844 / 2, f"the content starts {main_top}px down a 844px screen"
    summary.send_keys(Keys.ENTER)  # a native disclosure: the keyboard opens it
    assert menu.get_attribute("open") is not None
    links = [a for a in browser.find_elements(By.CSS_SELECTOR, ".nav-list > li > a") if a.is_displayed()]
    assert [a.text for a in links][:2] == ["首页", "政务要闻"]


def test_desktop_nav_is_one_or_two_even_rows_with_the_units_grouped(browser, port):
    from selenium.webdriver.common.by import By

    _viewport(browser, 1280)
    # (selenium's is_displayed() calls anything in a closed <details> hidden, even where CSS shows it; and a
    # closed one's content still has boxes: checkVisibility() is what the visitor sees)
    shown = "return arguments[0].checkVisibility()"
    for host in (PORTAL, f"fgw.{DOMAIN}", f"chengguan.{DOMAIN}"):
        browser.get(_url(port, host))
        assert not browser.find_element(By.CSS_SELECTOR, ".nav-menu > summary").is_displayed()
        entries = browser.find_elements(By.CSS_SELECTOR, ".nav-list > li")
        assert all(browser.execute_script(shown, e) for e in entries), host
        rows: dict[int, int] = {}
        for entry in entries:
            rows[entry.rect["y"]] = rows.get(entry.rect["y"], 0) + 1
        assert len(rows) <= 2 and max(rows.values()) - min(rows.values()) <= 1, (host, rows)
    browser.get(_url(port))
    top = [e.text for e in browser.find_elements(By.CSS_SELECTOR, ".nav-list > li > a")]
    assert "财政局" not in top and "清水镇" not in top, "units are grouped, not listed at the top level"
    groups = {g.find_element(By.TAG_NAME, "summary").get_attribute("textContent"): g
              for g in browser.find_elements(By.CSS_SELECTOR, ".nav-group > details")}
    assert set(groups) == {"部门", "乡镇（街道）"}
    links = {a.get_attribute("textContent"): a.get_attribute("href")
             for a in groups["部门"].find_elements(By.TAG_NAME, "a")}
    assert links["财政局"].endswith("/czj/") and links["发改委"] == f"https://fgw.{DOMAIN}/"
    town_links = [a.get_attribute("textContent") for a in groups["乡镇（街道）"].find_elements(By.TAG_NAME, "a")]
    assert town_links == ["城关镇", "东城街道", "清水镇"]
    # the keyboard opens a group (focus, Enter); its links then take space on the page
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    link = groups["部门"].find_element(By.TAG_NAME, "a")
    assert not browser.execute_script(shown, link)
    browser.execute_script("arguments[0].focus()", groups["部门"].find_element(By.TAG_NAME, "summary"))
    ActionChains(browser).send_keys(Keys.ENTER).perform()
    assert groups["部门"].get_attribute("open") is not None and browser.execute_script(shown, link)


@pytest.mark.parametrize(("path", "current", "value"), [
    ("/", "首页", "page"),
    ("/zwyw/index.html", "政务要闻", "page"),
    (POLICY, "政策文件", "true"),
    ("/czj/", "财政局", "page"),
    ("/zhuanti/index.html", "专题专栏", "page"),
])
def test_the_current_column_is_marked_in_the_nav(built_demo, path, current, value):
    site = built_demo / "output" / PORTAL
    page = site / path.lstrip("/")
    html = (page / "index.html" if path.endswith("/") else page).read_text(encoding="utf-8")
    nav = html[html.index('<nav class="site-nav"'):html.index("</nav>", html.index('<nav class="site-nav"'))]
    marked = re.findall(r'<a href="[^"]*" aria-current="(\w+)">([^<]+)</a>', nav)
    assert marked == [(value, current)]


# -- masthead, footer and its pages --------------------------------------------------------------------

def _sites(built_demo) -> list[Path]:
    return sorted(p for p in (built_demo / "output").iterdir() if p.is_dir() and p.name.endswith(DOMAIN))


def test_masthead_has_the_search_form_of_the_contract_and_no_logo_unless_configured(built_demo):
    for site in _sites(built_demo):
        html = (site / "index.html").read_text(encoding="utf-8")
        assert '<form class="site-search" role="search" action="/sousuo/" method="get">' in html
        assert '<label for="site-search-q">' in html and '<input type="search" name="q" id="site-search-q"' in html
        assert '<button type="submit">搜索</button>' in html
        assert "site-logo" not in html  # the demo configures none: nothing printed


def test_the_footer_pages_exist_on_every_site_with_their_content_and_links(built_demo):
    import yaml

    config = yaml.safe_load((built_demo / "content/cluster.yaml").read_text(encoding="utf-8"))
    codes = {}
    for unit in (built_demo / "content").glob("*/unit.yaml"):
        data = yaml.safe_load(unit.read_text(encoding="utf-8"))
        if data["hosting"] == "subdomain" and data["kind"] != "portal":
            codes[f"{data['label']}.{DOMAIN}"] = data["identity"]["id_code"]
    sites = _sites(built_demo)
    assert len(sites) == 6
    for site in sites:
        code = codes.get(site.name, config["identity"]["id_code"])
        for path in ("index.html", "zwyw/index.html" if site.name == PORTAL else "gzdt/index.html", "wzdt/index.html"):
            footer = (site / path).read_text(encoding="utf-8").split('<footer class="site-footer">')[1]
            for href, text in (("/wzdt/index.html", "网站地图"), ("/gywm/index.html", "关于本网"),
                               ("/lxwm/index.html", "联系我们"),
                               (f"https://zfwzzc.www.gov.cn/check_web/errorSubmit_new.do?webSiteCode={code}", "我为政府网站找错")):
                assert f'<a href="{href}">{text}</a>' in footer, (site.name, path, text)
        about = (site / "gywm/index.html").read_text(encoding="utf-8")
        assert all(word in about for word in ("版权声明", "隐私声明", "链接声明", "主办单位", "承办单位", code))
        # 联系我们 gives the site's own contact, the one its footer names (a subdomain's own unit, not the county's)
        contact = (site / "lxwm/index.html").read_text(encoding="utf-8")
        own = BeautifulSoup(contact, "html.parser").select_one("footer a[href^='mailto:']")
        if site.name == PORTAL:
            assert config["identity"]["contact"]["phone"] in contact and config["identity"]["contact"]["email"] in contact
        if own is not None:
            assert f'<a href="{own["href"]}">' in contact.split('<footer class="site-footer">')[0], site.name
        sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
        assert all(f"https://{site.name}/{page}/</loc>" in sitemap for page in ("wzdt", "gywm", "lxwm"))
    portal_map = (built_demo / "output" / PORTAL / "wzdt/index.html").read_text(encoding="utf-8")
    for href in ("/zwyw/index.html", "/czj/", "/czj/tzgg/index.html", "/qingshui/", "/zhuanti/xczx/index.html",
                 f"https://fgw.{DOMAIN}/", f"https://chengguan.{DOMAIN}/", "/lanmu/index.html"):
        assert f'href="{href}"' in portal_map, href
    fgw_map = (built_demo / "output" / f"fgw.{DOMAIN}" / "wzdt/index.html").read_text(encoding="utf-8")
    assert 'href="/gzdt/index.html"' in fgw_map and f'href="https://{PORTAL}/"' in fgw_map


def test_every_site_serves_a_favicon(built_demo, port):
    for site in _sites(built_demo):
        head = (site / "index.html").read_text(encoding="utf-8").split("</head>")[0]
        assert '<link rel="icon" href="/favicon.ico">' in head
        request = urllib.request.Request(f"http://127.0.0.1:{port}/favicon.ico", headers={"Host": site.name})
        with urllib.request.urlopen(request) as response:
            icon = response.read()
        assert icon[:4] == b"\x00\x00\x01\x00" and int.from_bytes(icon[4:6], "little") >= 1, site.name
        assert icon == (PROJECT / "themes/zhanqun/static/favicon.ico").read_bytes()


# -- font size and contrast across the cluster -----------------------------------------------------------

# Runs before any script of the page (CDP): records <html>'s classes and font size the moment the parser
# inserts <body>, before anything of the body can be painted. A deferred a11y.js would not have run yet.
_AT_BODY = """
new MutationObserver(function (records, observer) {
  if (document.body) {
    observer.disconnect();
    window.__atBody = [document.documentElement.className, getComputedStyle(document.documentElement).fontSize];
  }
}).observe(document, {childList: true, subtree: true});
"""


def test_a_font_step_chosen_on_one_site_applies_on_another_before_the_first_paint(browser, port):
    from selenium.webdriver.common.by import By

    _viewport(browser, 1280)
    browser.get(_url(port, PORTAL, "/zwyw/index.html"))
    browser.find_element(By.CSS_SELECTOR, '[data-a11y="font-up"]').click()
    browser.find_element(By.CSS_SELECTOR, '[data-a11y="font-up"]').click()
    browser.find_element(By.CSS_SELECTOR, '[data-a11y="contrast"]').click()
    cookie = browser.get_cookie("zq_a11y")
    assert cookie["value"] == "f2c1" and cookie["domain"] == f".{DOMAIN}" and cookie["path"] == "/"
    assert cookie["sameSite"] == "Lax" and cookie["expiry"] > 1e9
    script = browser.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": _AT_BODY})
    try:
        browser.get(_url(port, f"fgw.{DOMAIN}", "/gzdt/index.html"))
        classes, size = browser.execute_script("return window.__atBody")
    finally:
        browser.execute_cdp_cmd("Page.removeScriptToEvaluateOnNewDocument", {"identifier": script["identifier"]})
    assert "zq-font-2" in classes.split() and "high-contrast" in classes.split()
    assert size == "20px"  # 16 px × 1.25, already when <body> begins
    pressed = browser.find_element(By.CSS_SELECTOR, '[data-a11y="contrast"]')
    assert pressed.get_attribute("aria-pressed") == "true"
    style = "return [getComputedStyle(arguments[0]).backgroundColor, getComputedStyle(arguments[0]).color]"
    unpressed = browser.find_element(By.CSS_SELECTOR, '[data-a11y="font-up"]')
    assert browser.execute_script(style, pressed) != browser.execute_script(style, unpressed), \
        "the pressed state must be visible in high contrast"


def test_on_a_preview_host_the_cookie_is_the_hosts_own(browser, port):
    from selenium.webdriver.common.by import By

    browser.get(f"http://127.0.0.1:{port}/zwyw/index.html")
    browser.find_element(By.CSS_SELECTOR, '[data-a11y="font-up"]').click()
    cookie = browser.get_cookie("zq_a11y")
    assert cookie["value"] == "f1c0" and cookie["domain"] == "127.0.0.1"
    browser.refresh()
    assert "zq-font-1" in browser.find_element(By.TAG_NAME, "html").get_attribute("class").split()


def test_the_settings_script_is_external_and_not_deferred(built_demo):
    head = (built_demo / "output" / PORTAL / "index.html").read_text(encoding="utf-8").split("</head>")[0]
    script = re.findall(r"<script[^>]*>", head)
    assert script == [f'<script src="/theme/js/a11y.js" data-cookie-domain="{DOMAIN}">']


# -- names, sizes, reflow ------------------------------------------------------------------------------

def _axe_source() -> str:
    path = Path(os.environ.get("AXE_CORE", PROJECT / ".venv/npm/node_modules/axe-core/axe.min.js"))
    if not path.is_file():
        if os.environ.get("CI"):
            pytest.fail("axe-core is missing: scripts/test.sh installs it")
        pytest.skip("axe-core not installed")
    return path.read_text(encoding="utf-8")


def test_controls_accessible_names_contain_their_visible_text(browser, port):
    from selenium.webdriver.common.by import By

    axe = _axe_source()
    for width in (1280, 390):
        _viewport(browser, width)
        browser.get(_url(port))
        browser.execute_script(axe)
        result = browser.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "axe.run(document, {runOnly: ['label-content-name-mismatch', 'label', 'button-name', 'link-name'],"
            " rules: {'label-content-name-mismatch': {enabled: true}}}).then(r => done(r.violations.map(v => v.id)));")
        assert result == [], (width, result)
    for button in browser.find_elements(By.CSS_SELECTOR, ".toolbar button"):
        assert button.get_attribute("aria-label") is None and button.text  # the name is the visible text


_SMALL_TEXT = """
const out = [];
const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
let node;
while ((node = walker.nextNode())) {
  const el = node.parentElement;
  if (!node.textContent.trim() || !el.checkVisibility({visibilityProperty: true})) continue;
  const style = getComputedStyle(el);
  if (style.visibility === 'hidden' || el.closest('.visually-hidden, .skip-link')) continue;
  if (parseFloat(style.fontSize) < 16) out.push(el.tagName + '.' + el.className + ': ' + node.textContent.trim().slice(0, 20));
}
return out;
"""

_SMALL_TARGETS = """
return [...document.querySelectorAll('button, summary, input, .site-nav a, .footer-links a')]
  .filter(el => el.checkVisibility({visibilityProperty: true}))
  .map(el => [el.tagName + ' ' + (el.textContent || el.name).trim().slice(0, 12), el.getBoundingClientRect()])
  .filter(([, r]) => r.width < 44 || r.height < 44)
  .map(([name, r]) => name + ' ' + Math.round(r.width) + '×' + Math.round(r.height));
"""


@pytest.mark.parametrize("width", [1280, 390])
def test_no_text_below_16px_and_every_target_44px(browser, port, width):
    _viewport(browser, width)
    for path in ("/", "/zwyw/index.html", POLICY, "/hdjl/index.html", "/wzdt/index.html", "/gywm/index.html", "/lxwm/index.html"):
        for contrast in (False, True):
            _open_with(browser, _url(port, PORTAL, path), 0, contrast)
            assert browser.execute_script(_SMALL_TEXT) == [], (path, contrast)
            assert browser.execute_script(_SMALL_TARGETS) == [], (path, contrast)


@pytest.mark.parametrize("path", ["/", "/zwyw/index.html", POLICY, "/wzdt/index.html", "/gywm/index.html",
                                  "/lxwm/index.html", "/hdjl/index.html", "/zhuanti/xczx/index.html"])
def test_no_horizontal_scrolling_at_320px_at_any_font_step(browser, port, path):
    from selenium.webdriver.common.by import By

    _viewport(browser, 320, 640)
    for step in FONT_STEPS:
        _open_with(browser, _url(port, PORTAL, path), step)
        assert f"zq-font-{step}" in browser.find_element(By.TAG_NAME, "html").get_attribute("class").split()
        widths = browser.execute_script("return [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert widths[0] <= widths[1], (path, step, widths)
        if path == POLICY:  # the 信息公开 table: 索引号 and dates on one line each
            for cell in browser.find_elements(By.CSS_SELECTOR, ".gk-info td.nowrap"):
                if cell.text:
                    lines = browser.execute_script(
                        "const r = document.createRange(); r.selectNodeContents(arguments[0]);"
                        "return new Set([...r.getClientRects()].map(x => Math.round(x.top))).size", cell)
                    assert lines == 1, (step, cell.text)


# -- the logo (identity.logo) -----------------------------------------------------------------------------

def test_a_configured_logo_is_in_every_masthead_and_a_missing_one_is_c025(demo_repo, zq):
    config = demo_repo / "content/cluster.yaml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("identity:\n", "identity:\n  logo: images/guohui.png\n"), encoding="utf-8")
    result = zq("check", "--root", demo_repo)
    assert result.code == 1 and "C025" in result.text and "content/cluster.yaml:6" in result.text
    logo = demo_repo / "themes/zhanqun/static/images/guohui.png"
    logo.parent.mkdir(parents=True, exist_ok=True)
    logo.write_bytes(b"\x89PNG\r\n\x1a\n")
    assert zq("build", "--root", demo_repo).code == 0
    for site in _sites(demo_repo):
        html = (site / "index.html").read_text(encoding="utf-8")
        assert '<img class="site-logo" src="/theme/images/guohui.png" alt=""' in html, site.name
        assert (site / "theme/images/guohui.png").is_file()
