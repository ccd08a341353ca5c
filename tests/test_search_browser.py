"""The portal's 统一检索 in headless Chromium against the real nginx config (R3.7, issue 14): the browser reaches
the cluster's TLS hosts on loopback by their own names, so the CSP, the WebAssembly, the cross-site merges and the
CORS answers are the production ones. If the CSP blocked WebAssembly or a merge, no result would appear."""

from __future__ import annotations

from urllib.parse import quote, urlsplit

import pytest

from tests import test_nginx
from tests.test_browser import _need

pytestmark = pytest.mark.browser

served = test_nginx.served  # this module's own real nginx
PORTAL = "www.shilixian.gov.cn"


@pytest.fixture(scope="module")
def browser(served):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = _need("chromium")
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
                 "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--window-size=1280,900", "--ignore-certificate-errors",
                 # every cluster host at the test's nginx: the origins stay https://<host> (port 443)
                 f"--host-resolver-rules=MAP *.shilixian.gov.cn 127.0.0.1:{served['https']}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(_need("chromedriver")), options=options)
    yield driver
    driver.quit()


def _search(browser, query: str, **params: str) -> list[tuple[str, str]]:
    """Open the portal's results page for ``query``, load every result, return (href, text) of each."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    extra = "".join(f"&{k}={quote(v)}" for k, v in params.items())
    browser.get(f"https://{PORTAL}/sousuo/?q={quote(query)}{extra}")
    status = browser.find_element(By.CSS_SELECTOR, ".search-status")
    WebDriverWait(browser, 20).until(lambda d: status.text and status.text != "正在搜索……")
    more = browser.find_element(By.CSS_SELECTOR, ".search-more")
    for _ in range(20):
        if not more.is_displayed():
            break
        count = len(browser.find_elements(By.CSS_SELECTOR, ".search-results li"))
        more.click()
        WebDriverWait(browser, 10).until(lambda d, seen=count: len(d.find_elements(By.CSS_SELECTOR, ".search-results li")) > seen)
    links = browser.find_elements(By.CSS_SELECTOR, ".search-results li a.search-title")
    return [(a.get_attribute("href"), a.find_element(By.XPATH, "..").text) for a in links]


def _csp_errors(browser) -> list[str]:
    return [e["message"] for e in browser.get_log("browser") if "Content Security Policy" in e["message"]
            or "Access-Control" in e["message"] or "CORS" in e["message"]]


def test_cluster_search_finds_results_from_several_sites_under_the_real_csp(browser):
    results = _search(browser, "示例县")
    hosts = {urlsplit(href).hostname for href, _ in results}
    assert len(hosts) >= 4 and PORTAL in hosts and "fgw.shilixian.gov.cn" in hosts, hosts
    assert all(href.startswith("https://") for href, _ in results)  # each result links to its canonical host
    assert not _csp_errors(browser)


def test_chinese_is_segmented_and_a_result_shows_its_excerpt_with_marks(browser):
    from selenium.webdriver.common.by import By

    results = _search(browser, "乡村振兴")
    assert any(href == f"https://{PORTAL}/zcwj/2025-08-06-xiangcun-zhenxing-shifancun.html" and "示范村" in text
               for href, text in results), results
    marks = browser.find_elements(By.CSS_SELECTOR, ".search-excerpt mark")
    assert marks and all(m.find_elements(By.XPATH, "./*") == [] for m in marks)  # text only inside a mark
    assert {"乡村", "振兴"} <= {m.text for m in marks}  # the words Pagefind segmented the query into


def test_a_unit_filter_narrows_the_results_to_that_unit(browser):
    everything = _search(browser, "示例县")
    only = _search(browser, "示例县", unit="示例县发展和改革委员会")
    assert only and len(only) < len(everything)
    assert {urlsplit(href).hostname for href, _ in only} == {"fgw.shilixian.gov.cn"}
    by_date = _search(browser, "示例县", sort="date")
    assert sorted(href for href, _ in by_date) == sorted(href for href, _ in everything)
