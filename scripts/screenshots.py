"""Pictures of the theme for reviewers (issue 14, R3.8): one page of every template of the demo county, at a
desktop (1280 px) and a phone (375 px) width, written to docs/screenshots/ with a README index.

    .venv/bin/python scripts/screenshots.py

Builds the demo into a temporary folder with the tests' fixed date, serves each site on loopback, and takes
full-page pictures in headless Chromium (Debian chromium, chromium-driver, fonts-noto-cjk: what
scripts/test.sh installs), each cut at ``MAX_HEIGHT`` pixels to keep the files small. The pages are those the
browser tests check (tests/browser.py ``representative_pages``)."""

from __future__ import annotations

import base64
import os
import sys
import tempfile
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

from tests.browser import (  # noqa: E402 - after the path that finds the tests' helpers
    DESKTOP,
    PHONE,
    TEMPLATES,
    Page,
    Viewport,
    chromium,
    emulate,
    fresh,
    representative_pages,
    serve_cluster,
)

OUT = PROJECT / "docs" / "screenshots"
MAX_HEIGHT = 1300
VIEWS = (DESKTOP, PHONE)

README = """# 主题截图 / Screenshots of the theme

示例县每种页面模板各取一页，分别在桌面（1280 像素宽）和手机（375 像素宽）下截取整页（超过 {cap} 像素高的部分截去）。
这些页面与浏览器测试（`tests/test_theme_browser.py`）检查的页面相同。主题改动后重新生成：

One page of every template of the demo county at desktop (1280 px) and phone (375 px) width, full page cut at
{cap} px; the same pages the browser tests check. Regenerate them after a theme change with:

```sh
.venv/bin/python scripts/screenshots.py
```

(needs what `scripts/test.sh` installs: Debian `chromium`, `chromium-driver`, `fonts-noto-cjk`.)

| 模板 Template | 页面 Page | 桌面 Desktop | 手机 Phone |
|---|---|---|---|
{rows}
"""


def build(target: Path) -> Path:
    from zhanqun.cli import main

    os.environ["SOURCE_DATE_EPOCH"] = "1795219200"  # the tests' fixed "today" (tests/conftest.py)
    output = target / "output"
    if main(["build", "--root", str(PROJECT), "--output", str(output)]) != 0:
        raise SystemExit("the demo county did not build")
    return output


def shoot(driver, url: str, view: Viewport, file: Path) -> None:
    emulate(driver, view)
    fresh(driver, url)
    height = driver.execute_script("return document.documentElement.scrollHeight")
    emulate(driver, view, min(int(height), MAX_HEIGHT))
    shot = driver.execute_cdp_cmd("Page.captureScreenshot", {"format": "png", "fromSurface": True})
    file.write_bytes(base64.b64decode(shot["data"]))


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob("*.png"):  # a template gone from the theme leaves no picture behind
        old.unlink()
    with tempfile.TemporaryDirectory() as temp:
        output = build(Path(temp))
        pages = representative_pages(output)
        driver = chromium()
        rows = []
        try:
            with serve_cluster(output) as sites:
                for template in [t for t in TEMPLATES if t in pages]:
                    page: Page = pages[template]
                    for view in VIEWS:
                        shoot(driver, f"{sites[page.host]}/{page.path}", view, OUT / f"{template}-{view.name}.png")
                    rows.append(f"| {template} | `{page.host}/{page.path}` | ![{template} desktop]({template}-desktop.png) "
                                f"| ![{template} phone]({template}-phone.png) |")
                    print(template, page.host, page.path)
        finally:
            driver.quit()
    (OUT / "README.md").write_text(README.format(cap=MAX_HEIGHT, rows="\n".join(rows)), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
