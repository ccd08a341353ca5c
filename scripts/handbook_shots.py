"""The handbook's pictures (issue 15): what an editor sees in the web editor and what a leader sees on a phone —
the preview's landing page, a previewed page and the review sheet — made from the real parts, written to
docs/screenshots/handbook/ where docs/handbook.md and docs/signoff.md show them.

    .venv/bin/python scripts/handbook_shots.py

The walk is the handbook's: a copy of the demo county as a git repository; ``zhanqun cms`` writes the editor
(Decap CMS, the local backend ``decap-server`` on that working tree, as tests/test_cms_browser.py does), an editor
of 发改委 writes a news item in the form (and first tries to save it without a title); the item, and a corrected
sentence in an older one, go on a branch as a pull request would; ``zhanqun build --preview-domain --pr
--code-from`` builds its preview, ``zhanqun review-sheet`` its sheet with 初审 approved, ``zhanqun preview landing``
the landing page; Chromium (Debian chromium, chromium-driver, fonts-noto-cjk: what scripts/test.sh installs) takes
each picture at a desktop (editor) or a phone's (leader) width. The git host's own pages (the pull request, the
preview comment) are not pictured: they are Gitea's or GitHub's and differ by version."""

from __future__ import annotations

import base64
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

from tests.browser import DESKTOP, NPM, PHONE, Viewport, chromium, emulate, fresh, serve  # noqa: E402
from tests.conftest import copy_repo  # noqa: E402

OUT = PROJECT / "docs" / "screenshots" / "handbook"
DOMAIN = "preview.shilixian.gov.cn"
PR = 7
WAIT = 30
MAX_HEIGHT = 1400
EDITOR = Viewport("editor", 1280, 860, False)
TITLE = "县发改委召开冬季安全生产工作会议"
BODY = "12月2日，县发改委召开冬季安全生产工作会议，部署全县重点项目工地冬季施工安全工作。"
CORRECTED = "content/fgw/gzdt/2026-10-15-zhongdian-xiangmu-diaodu.md"
ENV = {"GIT_AUTHOR_NAME": "王莉", "GIT_AUTHOR_EMAIL": "wang-li-fgw@example.invalid", "GIT_COMMITTER_NAME": "王莉",
       "GIT_COMMITTER_EMAIL": "wang-li-fgw@example.invalid", "GIT_CONFIG_GLOBAL": os.devnull,
       "GIT_CONFIG_NOSYSTEM": "1"}


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=root, env={**os.environ, **ENV}, check=True, capture_output=True,
                          text=True).stdout.strip()


def zhanqun(*args: str | Path) -> None:
    from zhanqun.cli import main

    if main([str(a) for a in args]) != 0:
        raise SystemExit(f"zhanqun {' '.join(map(str, args))} failed")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def decap_server(root: Path) -> Iterator[str]:
    """Decap's local backend (npm decap-server) on the working tree ``root``; yields its API address."""
    port = free_port()
    env = {**os.environ, "PORT": str(port), "BIND_HOST": "127.0.0.1", "MODE": "fs", "GIT_REPO_DIRECTORY": str(root),
           "LOG_LEVEL": "warn"}
    server = subprocess.Popen(["node", str(NPM / "decap-server" / "dist" / "index.js")], cwd=root, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    try:
        for _ in range(400):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        else:
            raise SystemExit("decap-server did not start")
        yield f"http://127.0.0.1:{port}/api/v1"
    finally:
        server.terminate()
        server.wait(timeout=10)


def shot(driver, file: Path, view: Viewport, *, full: bool = True, element: str | None = None) -> None:
    """The page (``full``: all of it, cut at MAX_HEIGHT), or from the element ``element`` (a CSS selector) down
    one screen, at ``view``'s width."""
    top = 0
    if element is not None:
        top = int(driver.execute_script("const e = document.querySelector(arguments[0]);"
                                        "return e.getBoundingClientRect().top + window.scrollY;", element))
    height = view.height
    if full and element is None:
        height = min(int(driver.execute_script("return document.documentElement.scrollHeight")), MAX_HEIGHT)
    emulate(driver, view, max(height, view.height) if element is None else top + view.height)
    clip = {"x": 0, "y": top, "width": view.width, "height": height, "scale": 1}
    data = driver.execute_cdp_cmd("Page.captureScreenshot", {"format": "png", "clip": clip,
                                                             "captureBeyondViewport": True})
    file.write_bytes(base64.b64decode(data["data"]))
    print(file.relative_to(PROJECT))


def until(driver, xpath: str):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, WAIT).until(ec.presence_of_element_located((By.XPATH, xpath)))


def editor_pictures(driver, root: Path, work: Path) -> None:
    """cms-login (the Gitea editor before logging in), cms-collection, cms-error, cms-form; the item is saved."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    gitea = work / "cms-gitea"
    zhanqun("cms", "--root", root, "--backend", "gitea", "--repo", "egov/site", "--base-url",
            "https://git.shilixian.gov.cn", "--output", gitea)
    with serve(gitea) as base:
        emulate(driver, EDITOR)
        fresh(driver, base + "/fgw/")
        until(driver, "//button[contains(., 'Gitea')]")
        shot(driver, OUT / "cms-login.png", EDITOR, full=False)
    local = work / "cms-local"
    with decap_server(root) as api:
        zhanqun("cms", "--root", root, "--backend", "local", "--proxy-url", api, "--output", local)
        with serve(local) as base:
            emulate(driver, EDITOR)
            fresh(driver, base + "/fgw/")
            until(driver, "//button[contains(., '登录')]").click()
            until(driver, "//a[contains(., '工作动态')]").click()
            until(driver, "//*[contains(., '重点项目')]")
            time.sleep(1)
            shot(driver, OUT / "cms-collection.png", EDITOR, full=False)
            driver.get(base + "/fgw/#/collections/fgw-gzdt/new")
            until(driver, "//input[starts-with(@id, 'title-field-')]")
            title = driver.find_element(By.CSS_SELECTOR, 'input[id^="title-field-"]')
            title.send_keys(TITLE)
            body = driver.find_element(By.CSS_SELECTOR, '[contenteditable="true"]')
            body.click()
            body.send_keys(BODY)
            time.sleep(0.5)
            shot(driver, OUT / "cms-form.png", EDITOR, full=False)
            title.send_keys(Keys.CONTROL, "a")
            title.send_keys(Keys.DELETE)
            driver.find_element(By.XPATH, "//span[text()='发布']").click()
            until(driver, "//*[text()='立即发布']").click()
            until(driver, "//li[text()='“标题”是必填项']")
            time.sleep(0.5)
            shot(driver, OUT / "cms-error.png", EDITOR, full=False)
            title.send_keys(TITLE)
            before = set((root / "content" / "fgw" / "gzdt").glob("*.md"))
            driver.find_element(By.XPATH, "//span[text()='发布']").click()
            until(driver, "//*[text()='立即发布']").click()
            for _ in range(WAIT * 10):
                made = set((root / "content" / "fgw" / "gzdt").glob("*.md")) - before
                if made and BODY in next(iter(made)).read_text(encoding="utf-8"):
                    break
                time.sleep(0.1)
            else:
                raise SystemExit("the editor did not save the item")
            driver.execute_script("window.onbeforeunload = null")
            driver.get("about:blank")


def pull_request(root: Path) -> str:
    """The saved item and a corrected sentence of an older item on the branch pr, as the editor's pull request."""
    path = root / CORRECTED
    text = path.read_text(encoding="utf-8")
    if "新开工项目21个" not in text:
        raise SystemExit(f"{CORRECTED} no longer says 新开工项目21个: pick another sentence to correct")
    path.write_text(text.replace("新开工项目21个", "新开工项目23个"), encoding="utf-8")
    git(root, "checkout", "-qb", "pr")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "发改委：冬季安全生产工作会议；更正新开工项目数")
    return git(root, "rev-parse", "HEAD")


def leader_pictures(driver, root: Path, work: Path, head: str) -> None:
    """preview-landing, preview-site, sheet-* at a phone's width."""
    hosts = subprocess.run([sys.executable, "-m", "zhanqun", "affected", "--root", str(root), "--base", "main",
                            "--head", "pr"], capture_output=True, text=True, check=True).stdout.split()
    out = work / "preview"
    zhanqun("build", *hosts, "--root", root, "--preview-domain", DOMAIN, "--pr", str(PR), "--code-from", "main",
            "--output", out)
    reviews = work / "reviews.json"
    reviews.write_text(json.dumps([{"id": 1, "user": {"login": "chen-hao-fgw"}, "state": "APPROVED",
                                    "commit_id": head, "submitted_at": "2026-12-03T02:00:00Z", "body": ""}]),
                       encoding="utf-8")
    sheet = work / "sheet.html"
    zhanqun("review-sheet", "--root", root, "--base", "main", "--head", "pr", "--author", "wang-li-fgw",
            "--reviews", reviews, "--pr", str(PR), "--pr-url", f"https://git.shilixian.gov.cn/egov/site/pulls/{PR}",
            "--preview-url", f"https://pr-{PR}-{{label}}.{DOMAIN}/", "--output", sheet)
    zhanqun("preview", "landing", "--root", root, "--from", out, "--sheet", sheet)
    with serve(out / "_landing") as base:
        emulate(driver, PHONE)
        fresh(driver, base + "/")
        shot(driver, OUT / "preview-landing.png", PHONE)
        fresh(driver, base + "/shenhe/")
        shot(driver, OUT / "sheet-summary.png", PHONE, full=False)
        for name, heading in (("sheet-changes", "一、"), ("sheet-where", "二、"), ("sheet-chain", "三、"),
                              ("sheet-approve", "读完")):
            ids = driver.execute_script(
                "const h = [...document.querySelectorAll('h2')].find(e => e.textContent.trim().startsWith(arguments[0]));"
                "if (!h) return null; h.setAttribute('data-shot', arguments[1]); return arguments[1];", heading, name)
            if ids is None:
                raise SystemExit(f"the sheet has no heading starting {heading}")
            shot(driver, OUT / f"{name}.png", PHONE, full=False, element=f'[data-shot="{name}"]')
    site = out / "fgw.shilixian.gov.cn"
    page = next((p for p in (site / "gzdt").glob("*.html") if TITLE in p.read_text(encoding="utf-8")), None)
    if page is None:
        raise SystemExit("the preview has no page of the new item")
    with serve(site) as base:
        emulate(driver, PHONE)
        fresh(driver, f"{base}/gzdt/{page.name}")
        shot(driver, OUT / "preview-site.png", PHONE, full=False)


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob("*.png"):
        old.unlink()
    os.environ.pop("SOURCE_DATE_EPOCH", None)  # the editor dates the item by the browser clock: today
    with tempfile.TemporaryDirectory() as temp:
        work = Path(temp)
        root = copy_repo(work / "repo")
        git(root, "init", "-q", "-b", "main")
        git(root, "add", "-A")
        git(root, "commit", "-qm", "示例县站群")
        driver = chromium()
        try:
            editor_pictures(driver, root, work)
            head = pull_request(root)
            leader_pictures(driver, root, work, head)
        finally:
            driver.quit()
    return 0


if __name__ == "__main__":
    sys.exit(main())
