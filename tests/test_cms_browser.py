"""The web editor in headless Chromium (issue 15, R10): the editor ``zhanqun cms --backend local`` writes, served
with the CSP ``zhanqun nginx --editor-host`` sends, against Decap's local backend (npm ``decap-server``, pinned
in scripts/test.sh) on a real git working tree of the demo county. An item made through the form lands in its
column folder and passes ``zhanqun check``; a missing required field or a too-long title is refused in the
form, in Chinese, and nothing is written; the page breaks no rule of its CSP."""

from __future__ import annotations

import os
import socket
import subprocess
import time
from pathlib import Path

import pytest

from tests.browser import NPM, fresh, need, need_file, serve
from tests.conftest import copy_repo
from zhanqun.deploy import nginx

DECAP_SERVER = NPM / "decap-server" / "dist" / "index.js"
BUNDLE = NPM / "decap-cms" / "dist" / "decap-cms.js"
WAIT = 20  # seconds: Decap is a 5 MB React app
EXISTING = "content/fgw/zcwj/2026-03-10-yigongdaizhen-shishi-xize.md"

_WATCH_CSP = ("window.__csp = []; document.addEventListener('securitypolicyviolation', "
              "e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The demo county as a git repository, decap-server on it, and the editor served on loopback."""
    import git

    from zhanqun.cli import main

    node = need("node")
    need_file(DECAP_SERVER, "the decap-server npm package")
    need_file(BUNDLE, "the decap-cms npm package")
    work = tmp_path_factory.mktemp("cms-browser")
    root = copy_repo(work / "repo")
    existing = root / EXISTING
    existing.write_text(existing.read_text(encoding="utf-8").replace(
        "tags: [乡村振兴]\n", "tags: [乡村振兴]\nmigrated_from: 原网站 http://old.shilixian.gov.cn/art/2026/3/10/1.html\n"),
        encoding="utf-8")  # a key the form does not show
    repo = git.Repo.init(root, initial_branch="main")
    repo.git.add(A=True)
    repo.git.commit("-m", "示例县站群", author="test <test@example.invalid>",
                    env={"GIT_COMMITTER_NAME": "test", "GIT_COMMITTER_EMAIL": "test@example.invalid"})
    port = _free_port()
    proxy = f"http://127.0.0.1:{port}"
    env = {**os.environ, "PORT": str(port), "BIND_HOST": "127.0.0.1", "MODE": "fs", "GIT_REPO_DIRECTORY": str(root),
           "LOG_LEVEL": "warn"}
    server = subprocess.Popen([node, str(DECAP_SERVER)], cwd=root, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT)
    try:
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if server.poll() is not None:
                    pytest.fail("decap-server did not start: " + server.stdout.read().decode(errors="replace"))
                time.sleep(0.05)
        out = work / "cms"
        assert main(["cms", "--root", str(root), "--backend", "local", "--proxy-url", f"{proxy}/api/v1",
                     "--output", str(out)]) == 0
        headers = {"Content-Security-Policy": nginx.editor_csp([proxy])}
        with serve(out, headers) as base:
            yield {"root": root, "base": base}
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture
def editor(browser, site):
    """The fgw editor, logged in to the local backend, CSP violations collected in ``window.__csp``."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    script = browser.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": _WATCH_CSP})
    fresh(browser, site["base"] + "/fgw/")  # logged out: Decap keeps the login in localStorage
    WebDriverWait(browser, WAIT).until(ec.element_to_be_clickable((By.XPATH, "//button[contains(., '登录')]"))).click()
    WebDriverWait(browser, WAIT).until(ec.presence_of_element_located((By.XPATH, "//a[contains(., '工作动态')]")))
    yield browser
    browser.execute_cdp_cmd("Page.removeScriptToEvaluateOnNewDocument", {"identifier": script["identifier"]})
    browser.execute_script("window.onbeforeunload = null")
    browser.get("about:blank")


def _new_news(driver, site) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get(site["base"] + "/fgw/#/collections/fgw-gzdt/new")
    WebDriverWait(driver, WAIT).until(ec.presence_of_element_located((By.CSS_SELECTOR, 'input[id^="title-field-"]')))


def _publish(driver) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    driver.find_element(By.XPATH, "//span[text()='发布']").click()
    WebDriverWait(driver, WAIT).until(ec.element_to_be_clickable((By.XPATH, "//*[text()='立即发布']"))).click()


def _write_body(driver, text: str) -> None:
    from selenium.webdriver.common.by import By

    body = driver.find_element(By.CSS_SELECTOR, '[contenteditable="true"]')
    body.click()
    body.send_keys(text)


def _items(root: Path) -> set[str]:
    return {p.name for p in (root / "content" / "fgw" / "gzdt").glob("*.md")}


def test_an_item_made_through_the_form_lands_in_its_column_and_passes_check(editor, site, zq, monkeypatch):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    root = site["root"]
    before = _items(root)
    _new_news(editor, site)
    page = editor.find_element(By.TAG_NAME, "body").text
    assert "标题" in page and "发布日期" in page and "重要程度 (可选)" in page  # Chinese labels, Decap in Chinese
    author = editor.find_element(By.CSS_SELECTOR, 'input[id^="author-field-"]')
    assert author.get_attribute("value") == "示例县发展和改革委员会"  # as zhanqun new fills it
    editor.find_element(By.CSS_SELECTOR, 'input[id^="title-field-"]').send_keys("县发改委召开冬季安全生产工作会议")
    assert editor.find_element(By.CSS_SELECTOR, 'input[id^="date-field-"]').get_attribute("value")  # now, as zhanqun new
    _write_body(editor, "会议部署了冬季安全生产工作。")
    _publish(editor)
    WebDriverWait(editor, WAIT).until(lambda d: _items(root) - before)
    (name,) = _items(root) - before
    assert name.endswith("-县发改委召开冬季安全生产工作会议.md")  # zhanqun new's date prefix; Decap keeps the characters
    path = root / "content" / "fgw" / "gzdt" / name
    WebDriverWait(editor, WAIT).until(lambda d: "会议部署了冬季安全生产工作。" in path.read_text(encoding="utf-8"))
    text = path.read_text(encoding="utf-8")
    assert "title: 县发改委召开冬季安全生产工作会议\n" in text and "importance: routine\n" in text
    assert '""' not in text and "[]" not in text  # untouched optional fields are not written (zhanqun-cms.js)
    # "现在" is the browser's clock: check against today, not the suite's fixed day (conftest.py)
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    result = zq("check", "--root", root, f"content/fgw/gzdt/{name}")
    assert result.code == 0, result.text + text
    assert editor.execute_script("return window.__csp") == []


def test_a_missing_required_field_and_a_too_long_title_are_refused_in_the_form(editor, site):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    root = site["root"]
    before = _items(root)
    _new_news(editor, site)
    _write_body(editor, "没有标题的正文。")
    _publish(editor)
    WebDriverWait(editor, WAIT).until(ec.presence_of_element_located((By.XPATH, "//li[text()='“标题”是必填项']")))
    editor.find_element(By.CSS_SELECTOR, 'input[id^="title-field-"]').send_keys("长" * 201)
    _publish(editor)
    WebDriverWait(editor, WAIT).until(ec.presence_of_element_located((By.XPATH, "//li[text()='“标题”最多 200 个字。']")))
    time.sleep(0.5)  # a save that was wrongly let through would have written by now
    assert _items(root) == before
    assert editor.execute_script("return window.__csp") == []


def test_a_policy_made_through_the_form_gets_its_index_number_on_the_branch_and_passes_check(editor, site, zq,
                                                                                             monkeypatch):
    """The index number is not in the form: the cms-pr workflow's step (zhanqun cms index-numbers) assigns it
    as zhanqun new would; dates without a time and the keyword list are written as the schema wants them."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    root = site["root"]
    folder = root / "content" / "fgw" / "zcwj"
    before = {p.name for p in folder.glob("*.md")}
    editor.get(site["base"] + "/fgw/#/collections/fgw-zcwj/new")
    WebDriverWait(editor, WAIT).until(ec.presence_of_element_located((By.CSS_SELECTOR, 'input[id^="title-field-"]')))
    assert not editor.find_elements(By.CSS_SELECTOR, 'input[id^="index_no-field-"]')  # not typed by the editor
    editor.find_element(By.CSS_SELECTOR, 'input[id^="title-field-"]').send_keys("示例县重点项目前期工作经费管理补充规定")
    editor.find_element(By.CSS_SELECTOR, 'input[id^="doc_number-field-"]').send_keys("示发改〔2026〕21号")
    editor.find_element(By.CSS_SELECTOR, 'input[id^="topic-field-"]').send_keys("国民经济管理")
    editor.find_element(By.XPATH, "//button[contains(., '新增主题词')]").click()
    WebDriverWait(editor, WAIT).until(ec.presence_of_element_located(
        (By.XPATH, "//label[starts-with(@for, 'keywords-field')]/following::input[@type='text'][1]"))).send_keys("重点项目")
    _write_body(editor, "为进一步规范前期工作经费管理，制定本补充规定。")
    _publish(editor)
    WebDriverWait(editor, WAIT).until(lambda d: {p.name for p in folder.glob("*.md")} - before)
    (name,) = {p.name for p in folder.glob("*.md")} - before
    path = folder / name
    WebDriverWait(editor, WAIT).until(lambda d: "补充规定。" in path.read_text(encoding="utf-8"))
    text = path.read_text(encoding="utf-8")
    assert "index_no" not in text and "status: 有效\n" in text and "重点项目" in text
    monkeypatch.delenv("SOURCE_DATE_EPOCH")  # the browser's today
    assigned = zq("cms", "index-numbers", "--root", root)
    assert assigned.code == 0 and assigned.out == f"content/fgw/zcwj/{name}\tSLXFGW-02-{name[:4]}-0000{1 + (name[:4] == '2026')}\n"
    result = zq("check", "--root", root, f"content/fgw/zcwj/{name}")
    assert result.code == 0, result.text + path.read_text(encoding="utf-8")


def test_editing_an_existing_item_keeps_what_the_form_does_not_show(editor, site, zq):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    root = site["root"]
    path = root / EXISTING
    editor.get(site["base"] + "/fgw/#/collections/fgw-zcwj/entries/" + Path(EXISTING).stem)
    title = WebDriverWait(editor, WAIT).until(ec.presence_of_element_located((By.CSS_SELECTOR, 'input[id^="title-field-"]')))
    WebDriverWait(editor, WAIT).until(lambda d: title.get_attribute("value") == "示例县以工代赈项目实施管理细则")
    _write_body(editor, "（补充说明）")
    _publish(editor)
    WebDriverWait(editor, WAIT).until(lambda d: "（补充说明）" in path.read_text(encoding="utf-8"))
    text = path.read_text(encoding="utf-8")
    assert 'index_no: SLXFGW-02-2026-00001\n' in text or 'index_no: "SLXFGW-02-2026-00001"\n' in text
    assert "migrated_from: 原网站 http://old.shilixian.gov.cn/art/2026/3/10/1.html\n" in text
    assert "doc_number: 示发改〔2026〕5号\n" in text
    result = zq("check", "--root", root, EXISTING)
    assert result.code == 0, result.text + text


def test_an_attachment_uploaded_in_the_form_is_stored_in_the_columns_attachments_folder(editor, site, zq, monkeypatch,
                                                                                         tmp_path):
    """R2.8: the file goes to content/<unit>/<column>/attachments/, the item lists it as attachments/<file>."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    root = site["root"]
    folder = root / "content" / "fgw" / "tzgg"
    before = {p.name for p in folder.glob("*.md")}
    upload = tmp_path / "shenbao-biao.pdf"
    upload.write_bytes((root / "content/xzf/tzgg/attachments/2026-zhaopin-gangwei-biao.pdf").read_bytes())
    editor.get(site["base"] + "/fgw/#/collections/fgw-tzgg/new")
    WebDriverWait(editor, WAIT).until(ec.presence_of_element_located((By.CSS_SELECTOR, 'input[id^="title-field-"]')))
    editor.find_element(By.CSS_SELECTOR, 'input[id^="title-field-"]').send_keys("关于开展2027年度项目申报工作的通知")
    editor.find_element(By.XPATH, "//button[contains(., '新增附件')]").click()
    WebDriverWait(editor, WAIT).until(ec.element_to_be_clickable((By.XPATH, "//button[contains(., '选择')]"))).click()
    chooser = WebDriverWait(editor, WAIT).until(ec.presence_of_element_located((By.CSS_SELECTOR, "input[type='file']")))
    chooser.send_keys(str(upload))  # a draft until the item is saved
    WebDriverWait(editor, WAIT).until(ec.element_to_be_clickable((By.XPATH, "//button[contains(., '选用已选中项目')]"))).click()
    _write_body(editor, "现将有关事项通知如下。")
    _publish(editor)
    stored = folder / "attachments" / upload.name
    WebDriverWait(editor, WAIT).until(lambda d: stored.is_file() and {p.name for p in folder.glob("*.md")} - before)
    assert stored.read_bytes() == upload.read_bytes()
    (name,) = {p.name for p in folder.glob("*.md")} - before
    path = folder / name
    WebDriverWait(editor, WAIT).until(lambda d: "通知如下" in path.read_text(encoding="utf-8"))
    text = path.read_text(encoding="utf-8")
    assert "attachments:\n  - file: attachments/shenbao-biao.pdf\n" in text, text
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    result = zq("check", "--root", root, f"content/fgw/tzgg/{name}")
    assert result.code == 0, result.text + text
