"""The review sheet 审核单 in headless Chromium (issue 15, R10.5, R3.8): a leader reads it on a phone, so it passes
axe-core's WCAG 2.1 A and AA rules at a phone's width and on the desktop, reflows at 320 CSS px without sideways
scrolling, shows its text at 16 px, and loads nothing (no script, no request) under the report pages' CSP."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from tests import fakes
from tests.browser import DESKTOP, PHONE, Viewport, axe, csp_violations, describe_violations, serve, viewport
from tests.gitrepo import ITEM, NEWS, commit, github_reviews

NARROW = Viewport("320px", 320, 640, True)
DIAODU = "content/fgw/gzdt/2026-10-15-zhongdian-xiangmu-diaodu.md"
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"
_OVERFLOW_JS = """
const d = document.documentElement, w = d.clientWidth;
const wide = [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > w + 1);
return {scroll: d.scrollWidth, client: w, wide: wide.slice(0, 4).map(e => e.tagName.toLowerCase() + ' '
        + Math.round(e.getBoundingClientRect().right) + 'px')};
"""


@pytest.fixture
def sheet_site(cluster, zq, tmp_path) -> Path:
    """A sheet with every part filled: a modified item (a changed sentence, a long address), a new one on the
    portal's homepage and pushed, a finding, the chain half done; written as the preview serves it (/shenhe/)."""
    root, repo = cluster
    text = (root / DIAODU).read_text(encoding="utf-8").replace("新开工项目21个", "新开工项目23个")
    commit(repo, DIAODU, text, "更正")
    number = fakes.id18(random.Random(20261203))
    new = ITEM.format(importance="general").replace("importance: general", "importance: general\nhomepage: true\n"
                                                    "push_to_portal: [bmdt]") + f"\n身份证号码 {number}。\n"
    sha = commit(repo, NEWS, new, "新动态")
    site = tmp_path / "preview"
    result = zq("review-sheet", "--root", root, "--base", "main", "--head", "pr", "--author", "wang-li-fgw",
                "--reviews", github_reviews(tmp_path / "r.json", ("chen-hao-fgw", "APPROVED", sha)), "--pr", "7",
                "--pr-url", "https://git.shilixian.gov.cn/egov/site/pulls/7",
                "--preview-url", "https://pr-7.preview.shilixian.gov.cn/{host}/",
                "--output", site / "shenhe" / "index.html")
    assert result.code == 0, result.text
    return site


@pytest.mark.parametrize("view", [PHONE, NARROW, DESKTOP], ids=lambda v: v.name)
def test_the_sheet_passes_axe_and_never_scrolls_sideways(browser, sheet_site, view):
    with serve(sheet_site, {"Content-Security-Policy": CSP}) as base, viewport(browser, view):
        url = f"{base}/shenhe/"
        assert csp_violations(browser, url) == []  # nothing blocked: the page asks for nothing
        assert "审核单" in browser.title
        found = describe_violations(f"shenhe [{view.name}]", axe(browser))
        assert found == [], "\n".join(found)
        size = browser.execute_script(_OVERFLOW_JS)
        assert size["scroll"] <= size["client"], f"sideways scrolling at {view.name}: {size}"
        body = browser.execute_script("return parseFloat(getComputedStyle(document.querySelector('main p')).fontSize)")
        assert body >= 16
        # the marks show: the changed sentence underlined on green, the old one struck through
        ins = browser.execute_script("const e = document.querySelector('section[aria-label=\"修改后\"] ins');"
                                     "const s = getComputedStyle(e); return [e.textContent, s.textDecorationLine];")
        assert ins[0].startswith("新开工项目23个") and "underline" in ins[1]
        gone = browser.execute_script("const e = document.querySelector('section[aria-label=\"修改前\"] del');"
                                      "return getComputedStyle(e).textDecorationLine")
        assert "line-through" in gone


def test_the_sheet_is_valid_html(sheet_site):
    """The Nu HTML Checker (vnu.jar, as the theme's pages are checked): no errors, headings in order (the items'
    own headings moved below the sheet's)."""
    import json
    import subprocess

    from tests.browser import VNU, need, need_file

    java = need("java")
    checked = subprocess.run([java, "-jar", str(need_file(VNU, "the vnu-jar npm package")), "--errors-only",
                              "--format", "json", str(sheet_site / "shenhe" / "index.html")],
                             capture_output=True, text=True, check=False)
    messages = json.loads(checked.stderr or checked.stdout or '{"messages": []}')["messages"]
    assert [m for m in messages if m.get("type") == "error"] == [], messages
