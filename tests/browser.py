"""The real parts the browser tests share (R3.8, issue 14): one way to say a tool is missing, headless Chromium
at a desktop or a phone viewport, a static server for a built site, axe-core, the CSP violations a page causes.

``browser`` is a module-scoped fixture (tests/conftest.py imports it): one Chromium per test module, always
at the desktop viewport when a test begins. ``viewport(driver, PHONE)`` emulates a phone through CDP
(``Emulation.setDeviceMetricsOverride`` with ``mobile: true``: the page's ``<meta name="viewport">`` applies,
scrollbars overlay) and restores the desktop afterwards."""

from __future__ import annotations

import contextlib
import functools
import http.server
import json
import os
import re
import shutil
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parent.parent
NPM = PROJECT / ".venv" / "npm" / "node_modules"
AXE = NPM / "axe-core" / "axe.min.js"
VNU = NPM / "vnu-jar" / "build" / "dist" / "vnu.jar"

# The WCAG 2.1 A and AA rules of axe-core; the report pages add axe's best-practice rules on top.
WCAG21_AA = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")
BEST_PRACTICE = (*WCAG21_AA, "best-practice")


@dataclass(frozen=True)
class Viewport:
    name: str
    width: int
    height: int
    mobile: bool


DESKTOP = Viewport("desktop", 1280, 900, False)
PHONE = Viewport("phone", 375, 812, True)


def need(binary: str) -> str:
    """The path of a program the test needs; without it the test skips, or fails in CI (``CI`` set), where
    scripts/test.sh has installed it."""
    path = shutil.which(binary) or (f"/usr/sbin/{binary}" if Path(f"/usr/sbin/{binary}").exists() else None)
    if path is None:
        missing(binary)
    return str(path)


def need_file(path: Path, what: str) -> Path:
    if not path.is_file():
        missing(what)
    return path


def missing(what: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{what} is missing: scripts/test.sh installs it")
    pytest.skip(f"{what} not installed")


# -- serving a folder -----------------------------------------------------------------------------------------

class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Static files without a log line per request; ``headers`` are sent with every answer."""

    headers_to_send: Mapping[str, str] = {}

    def end_headers(self) -> None:
        for name, value in self.headers_to_send.items():
            self.send_header(name, value)
        super().end_headers()

    def log_message(self, *args: object) -> None:
        pass


@contextlib.contextmanager
def serve(folder: Path, headers: Mapping[str, str] | None = None) -> Iterator[str]:
    """Serve ``folder`` on a loopback port while the block runs; yields ``http://127.0.0.1:PORT``."""
    handler_class = type("Handler", (QuietHandler,), {"headers_to_send": dict(headers or {})})
    handler = functools.partial(handler_class, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@contextlib.contextmanager
def serve_cluster(output: Path, headers: Mapping[str, str] | None = None) -> Iterator[dict[str, str]]:
    """Every site of a build output (``output/<host>/``) on a port of its own: ``{host: base URL}``. The pages
    link their styles and script from the site's root (``/theme/…``), so each host needs its own root."""
    hosts = sorted(p.name for p in output.iterdir() if p.is_dir() and not p.name.startswith("."))
    with contextlib.ExitStack() as stack:
        yield {host: stack.enter_context(serve(output / host, headers)) for host in hosts}


# -- headless Chromium ----------------------------------------------------------------------------------------

CHROMIUM_FLAGS = ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
                  "--no-first-run", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--hide-scrollbars", "--force-device-scale-factor=1",
                  "--font-render-hinting=none", "--lang=zh-CN", f"--window-size={DESKTOP.width},{DESKTOP.height}")


def chromium():  # -> selenium.webdriver.Chrome (selenium is imported only by the tests that need it)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = need("chromium")
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    return webdriver.Chrome(service=Service(need("chromedriver")), options=options)


@pytest.fixture(scope="module")
def browser():
    driver = chromium()
    yield driver
    driver.quit()


def emulate(driver, view: Viewport, height: int | None = None) -> None:
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": view.width, "height": height or view.height, "deviceScaleFactor": 1, "mobile": view.mobile})
    driver.execute_cdp_cmd("Emulation.setTouchEmulationEnabled", {"enabled": view.mobile})


@contextlib.contextmanager
def viewport(driver, view: Viewport) -> Iterator[None]:
    """The page at ``view`` while the block runs (CDP emulation), the desktop window afterwards."""
    emulate(driver, view)
    try:
        yield
    finally:
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
        driver.execute_cdp_cmd("Emulation.setTouchEmulationEnabled", {"enabled": False})


def fresh(driver, url: str) -> None:
    """Open ``url`` as a first-time visitor: no remembered font size or contrast (local storage, cookies)."""
    driver.get(url)
    driver.delete_all_cookies()
    driver.execute_script("try { localStorage.clear(); sessionStorage.clear(); } catch (e) {}")
    driver.get(url)


# -- axe-core and the CSP -------------------------------------------------------------------------------------

_AXE_RUN = """
const done = arguments[arguments.length - 1];
axe.run(arguments[0] || document, {runOnly: {type: 'tag', values: arguments[1]}, resultTypes: ['violations']})
  .then(r => done(JSON.stringify(r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.map(n => ({target: n.target.join(' '), html: n.html.slice(0, 200)}))})))))
  .catch(e => done(JSON.stringify([{id: 'axe-error', help: String(e), nodes: []}])));
"""


def axe(driver, tags: tuple[str, ...] = WCAG21_AA, element=None) -> list[dict]:
    """axe-core's violations on the open page (or inside ``element``): ``[{id, impact, help, nodes: [{target,
    html}]}]``, empty when the page passes."""
    script = need_file(AXE, "the axe-core npm package")
    if not driver.execute_script("return typeof window.axe === 'object'"):
        driver.execute_script(script.read_text(encoding="utf-8"))
    return json.loads(driver.execute_async_script(_AXE_RUN, element, list(tags)))


def describe_violations(where: str, violations: list[dict]) -> list[str]:
    """One readable line per rule and element: ``page [mode]: rule-id (help) at selector``."""
    return [f"{where}: {v['id']} ({v['help']}) at {n['target']}" for v in violations for n in v["nodes"] or [{"target": "?"}]]


_WATCH_CSP = ("window.__csp = []; document.addEventListener('securitypolicyviolation', "
              "e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));")


def csp_violations(driver, url: str) -> list[str]:
    """Open ``url`` and return what its Content-Security-Policy blocked (directive and address)."""
    script = driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": _WATCH_CSP})
    try:
        driver.get(url)
        driver.execute_script("return document.readyState")
        return list(driver.execute_script("return window.__csp"))
    finally:
        driver.execute_cdp_cmd("Page.removeScriptToEvaluateOnNewDocument", {"identifier": script["identifier"]})


# -- one page per template ------------------------------------------------------------------------------------

# The pages every demo build must have, by template (see ``template_of``): the portal's and a department's
# homepage, a channel unit's page on the portal, a column list and an item of each type, the topics, the
# responsibility table, and the pages issue 14 adds (网站地图, 关于本网, 联系我们, search results).
ITEM_TYPES = ("news", "notice", "policy", "interpretation", "guide", "reply", "leader", "organization")
TEMPLATES = ("home-portal", "home-site", "unit", *(f"column-{t}" for t in ITEM_TYPES),
             *(f"item-{t}" for t in ITEM_TYPES), "topics", "topic", "responsibility",
             "sitemap", "about", "contact", "search")
# Pages at a fixed address: the URL says the template.
FIXED_PAGES = {"wzdt/index.html": "sitemap", "gywm/index.html": "about", "lxwm/index.html": "contact",
               "sousuo/index.html": "search", "lanmu/index.html": "responsibility", "zhuanti/index.html": "topics"}
_MARKER = re.compile(r'<body\b[^>]*\bdata-template="([a-z0-9-]+)"')
_ARTICLE = re.compile(r'<article class="item item-([a-z]+)"')


@dataclass(frozen=True)
class Page:
    template: str
    host: str
    path: str  # inside the site, without the leading slash: "zwyw/index.html"


def template_of(site: Path, path: str, portal: bool) -> str | None:
    """Which template wrote ``site/path``. A page that says so (``<body data-template="item-news">``, the marker
    base.html is to write from a ``{% block template %}`` each template fills) is taken at its word; until then
    the address and the page's structure tell: fixed addresses, the site's ``index.html``, ``zhuanti/<x>/``,
    an item's ``<article class="item item-<type>">``, and a folder's ``index.html`` as the list of the items
    beside it (``column-<their type>``) or, with sub-sites under it, a channel unit's page. Pagination pages
    (``index2.html``) and anything else are None."""
    html = (site / path).read_text(encoding="utf-8", errors="replace")
    marker = _MARKER.search(html)
    if marker:
        return marker.group(1)
    if path in FIXED_PAGES:
        return FIXED_PAGES[path]
    if path == "index.html":
        return "home-portal" if portal else "home-site"
    parts = path.split("/")
    if len(parts) == 3 and parts[0] == "zhuanti" and parts[2] == "index.html":
        return "topic"
    article = _ARTICLE.search(html)
    if article:
        return f"item-{article.group(1)}"
    if parts[-1] != "index.html":
        return None
    folder = (site / path).parent
    beside = sorted(p for p in folder.glob("*.html") if not p.name.startswith("index"))
    for item in beside:
        found = _ARTICLE.search(item.read_text(encoding="utf-8", errors="replace"))
        if found:
            return f"column-{found.group(1)}"
    if any((sub / "index.html").is_file() for sub in folder.iterdir() if sub.is_dir()):
        return "unit"
    return None


def representative_pages(output: Path) -> dict[str, Page]:
    """The first page of each template in a build output, the portal (the site with ``sitemap_index.xml``)
    first, then the other sites and their pages in sorted order."""
    sites = sorted((p for p in output.iterdir() if p.is_dir() and not p.name.startswith(".")),
                   key=lambda p: (not (p / "sitemap_index.xml").is_file(), p.name))
    found: dict[str, Page] = {}
    for site in sites:
        portal = (site / "sitemap_index.xml").is_file()
        for file in sorted(site.rglob("*.html")):
            path = file.relative_to(site).as_posix()
            if path.startswith("theme/"):
                continue
            template = template_of(site, path, portal)
            if template and template not in found:
                found[template] = Page(template, site.name, path)
    return found
