"""Site search (R3.7, issue 14): each site's Pagefind bundle is built with the site and only when it changed, and
the real nginx config serves exactly that bundle, with the CSP and CORS the portal's 统一检索 needs."""

from __future__ import annotations

import hashlib
import json
import os
import re

import pytest
from bs4 import BeautifulSoup

from tests import test_nginx
from tests.conftest import tree_digest
from tests.test_nginx import _https
from zhanqun.build import search

served = test_nginx.served  # the real nginx, with this module's own instance

ITEM = "content/xzf/zcwj/2025-08-06-xiangcun-zhenxing-shifancun.md"
LEADER = "ldxx/fang-zhenyu.html"


def _page(site, rel: str) -> BeautifulSoup:
    return BeautifulSoup((site / rel).read_text(encoding="utf-8"), "lxml")


def test_every_site_has_its_search_bundle_in_its_manifest(built_demo):
    output = built_demo / "output"
    hosts = sorted(p.name for p in output.iterdir() if not p.name.startswith("."))
    assert len(hosts) >= 5
    for host in hosts:
        bundle = output / host / search.BUNDLE
        entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
        assert list(entry["languages"]) == ["zh-cn"] and entry["languages"]["zh-cn"]["page_count"] > 0, host
        assert (bundle / "pagefind.js").is_file() and (bundle / "pagefind-worker.js").is_file()
        assert list(bundle.glob("index/*.pf_index")) and list(bundle.glob("fragment/*.pf_fragment"))
        assert list(bundle.glob("filter/*.pf_filter")), host  # the unit and column-type filters
        names = {p.name for p in bundle.rglob("*") if p.is_file()}
        assert not {n for n in names if "-ui" in n or n.endswith(".css")}, host  # Pagefind's UI injects styles
        assert {p.name.rsplit(".", 1)[-1] for p in bundle.rglob("*") if p.is_file()} <= set(search.TYPES)
        listed = json.loads((output / host / "zhanqun-manifest.json").read_text(encoding="utf-8"))["files"]
        assert "pagefind/pagefind-entry.json" in listed, host  # indexed before the manifest was written (R6.3)
        page = _page(output / host, "sousuo/index.html")
        assert page.find("div", class_="search-app")["data-bundle"] == "/pagefind/"
        assert "JavaScript" in page.find("noscript").get_text()
        form = _page(output / host, "index.html").find("form", class_="site-search")
        assert form["action"] == "/sousuo/" and form["method"] == "get" and form.find("input", attrs={"name": "q"})
    merge = _page(output / "www.shilixian.gov.cn", "sousuo/index.html").find("div", class_="search-app")["data-merge"]
    assert merge.split() == [f"https://{h}/pagefind/" for h in hosts if h != "www.shilixian.gov.cn"]
    assert _page(output / "fgw.shilixian.gov.cn", "sousuo/index.html").find("div", class_="search-app")["data-merge"] == ""


def test_item_pages_are_indexed_with_filters_and_date_and_list_pages_are_not(built_demo):
    site = built_demo / "output" / "www.shilixian.gov.cn"
    page = _page(site, "zcwj/2025-08-06-xiangcun-zhenxing-shifancun.html")  # ITEM
    body = page.find(attrs={"data-pagefind-body": True})
    assert body.name == "article" and body.find("h1")
    filters = [e["data-pagefind-filter"] for e in page.find_all(attrs={"data-pagefind-filter": True})]
    assert filters == ["unit:示例县人民政府", f"column_type:{_column_type('xzf', 'zcwj')}"], filters
    assert page.find(attrs={"data-pagefind-meta": "unit:示例县人民政府"})
    # the date sort on every item page, also where the template replaces the date line (a policy's is in its
    # 信息公开 table, a leader's profile has none)
    for rel in ("zcwj/2025-08-06-xiangcun-zhenxing-shifancun.html", LEADER, "bmdt/2025-11-05-nongtian-shuili.html"):
        sort = _page(site, rel).find(attrs={"data-pagefind-sort": True})
        assert sort is not None and sort.find_parent(attrs={"data-pagefind-body": True}), rel
        assert re.fullmatch(r"date:\d{4}-\d{2}-\d{2} \d{2}:\d{2}", sort["data-pagefind-sort"]), sort
    assert sort_of(page).startswith("date:2025-08-06 ")
    assert not page.find("nav", class_="site-nav").find_parent(attrs={"data-pagefind-body": True})
    for rel in ("index.html", "sousuo/index.html", "zcwj/index.html"):
        assert "data-pagefind-body" not in (site / rel).read_text(encoding="utf-8"), rel


def sort_of(page) -> str:
    return page.find(attrs={"data-pagefind-sort": True})["data-pagefind-sort"]


def _column_type(unit: str, column: str) -> str:
    from tests.conftest import PROJECT
    from zhanqun.signoff.run import load_config

    return load_config(PROJECT).units[unit].columns[column].column_type


def test_only_a_changed_site_is_indexed_again(demo_repo, zq, monkeypatch):
    """An unchanged site is skipped before Pelican, so its bundle is neither rebuilt nor touched (R3.7)."""
    indexed: list[str] = []
    real = search.index
    monkeypatch.setattr(search, "index", lambda site, host, last=None: (indexed.append(host), real(site, host, last))[1])
    before = tree_digest(demo_repo / "output")
    item = sorted((demo_repo / "content/fgw").glob("*/*.md"))[0]
    item.write_text(item.read_text(encoding="utf-8") + "\n补充说明：搜索索引随站点更新。\n", encoding="utf-8")
    assert zq("build", "--root", demo_repo, "--jobs", "1").code == 0
    assert indexed == ["fgw.shilixian.gov.cn"]
    after = tree_digest(demo_repo / "output")
    changed = {k.split("/")[0] for k in after if before.get(k) != after[k] and not k.startswith(".")}
    assert changed == {"fgw.shilixian.gov.cn"}
    assert any(k.startswith("fgw.shilixian.gov.cn/pagefind/") and before.get(k) != after[k] for k in after)
    indexed.clear()
    assert zq("build", "--root", demo_repo, "--jobs", "1").code == 0 and indexed == []


def _bundle(site) -> dict[str, str]:
    return {p.relative_to(site).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted((site / search.BUNDLE).rglob("*")) if p.is_file()}


def _pagefind_runs(monkeypatch) -> list[str]:
    """The hosts Pagefind really runs for, in order (the real run, recorded)."""
    ran: list[str] = []
    real = search._run_pagefind
    monkeypatch.setattr(search, "_run_pagefind", lambda site, host: (ran.append(host), real(site, host))[1])
    return ran


def test_a_site_rebuilt_without_a_change_to_its_indexed_pages_keeps_its_bundle_without_pagefind(demo_repo, zq,
                                                                                               monkeypatch, tmp_path):
    """Issue 16: a pushed item's new title rebuilds the portal (its lists show the title) but none of the portal's
    item pages, which are all Pagefind reads: its bundle is the previous one, byte for byte what a fresh build
    writes, and Pagefind runs only for the item's own site. A bundle changed since, or a changed indexed page, is
    indexed again."""
    ran = _pagefind_runs(monkeypatch)
    portal = demo_repo / "output" / PORTAL
    before = _bundle(portal)
    item = demo_repo / "content/fgw/gzdt/2026-10-15-zhongdian-xiangmu-diaodu.md"
    text = item.read_text(encoding="utf-8")
    assert "push_to_portal" in text
    item.write_text(re.sub(r"^title: .*$", "title: 重点项目调度会召开（更新标题）", text, count=1, flags=re.M),
                    encoding="utf-8")
    result = zq("build", "--root", demo_repo, "--jobs", "1")
    assert result.code == 0, result.text
    assert f"{PORTAL}：已构建" in result.err and f"{FGW}：已构建" in result.err  # the portal was rebuilt
    assert "更新标题" in (portal / "index.html").read_text(encoding="utf-8") or any(
        "更新标题" in p.read_text(encoding="utf-8") for p in portal.rglob("*.html"))
    assert ran == [FGW]
    assert _bundle(portal) == before
    fresh = tmp_path / "fresh"
    assert zq("build", "--root", demo_repo, "--output", fresh, "--jobs", "1").code == 0
    assert _bundle(fresh / PORTAL) == _bundle(portal)  # the kept bundle is the one indexing gives
    # a bundle file altered since it was published is not handed on: the portal is indexed again
    chunk = sorted((portal / search.BUNDLE / "fragment").glob("*.pf_fragment"))[0]
    chunk.write_bytes(chunk.read_bytes() + b"x")
    ran.clear()
    item.write_text(text, encoding="utf-8")
    assert zq("build", "--root", demo_repo, "--jobs", "1").code == 0
    assert sorted(ran) == [FGW, PORTAL], ran
    assert _bundle(portal) == before
    # a portal item's own page changed: indexed again
    ran.clear()
    own = sorted((demo_repo / "content/xzf").glob("zwyw/*.md"))[0]
    own.write_text(own.read_text(encoding="utf-8") + "\n补充说明：索引要跟着变。\n", encoding="utf-8")
    assert zq("build", "--root", demo_repo, "--jobs", "1").code == 0
    assert ran == [PORTAL] and _bundle(portal) != before


def test_a_manifest_that_names_files_outside_the_bundle_hands_nothing_on(demo_repo, zq, monkeypatch, tmp_path):
    """The old manifest is what vouches for the kept bundle: an entry ``pagefind/../…`` (a manifest edited by hand,
    with the right sha256 of the file it reaches) must not be copied into the new site; the portal is indexed
    again and its bundle is what indexing gives."""
    ran = _pagefind_runs(monkeypatch)
    portal = demo_repo / "output" / PORTAL
    before = _bundle(portal)
    secret = tmp_path / "secret.txt"
    secret.write_text("不该出现在网站上", encoding="utf-8")
    manifest = portal / "zhanqun-manifest.json"
    data = json.loads(manifest.read_text(encoding="utf-8"))
    rel = "pagefind/" + os.path.relpath(secret, portal / "pagefind")
    data["files"][rel] = hashlib.sha256(secret.read_bytes()).hexdigest()
    manifest.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    item = demo_repo / "content/fgw/gzdt/2026-10-15-zhongdian-xiangmu-diaodu.md"
    text = item.read_text(encoding="utf-8")
    item.write_text(re.sub(r"^title: .*$", "title: 重点项目调度会召开（再次更新）", text, count=1, flags=re.M),
                    encoding="utf-8")
    assert zq("build", "--root", demo_repo, "--jobs", "1").code == 0
    assert sorted(ran) == [FGW, PORTAL], ran
    assert _bundle(portal) == before
    assert not any("不该出现在网站上" in p.read_text(encoding="utf-8", errors="replace")
                   for p in portal.rglob("*") if p.is_file())


def test_an_index_that_cannot_be_built_is_b008_and_publishes_nothing(demo_repo, zq, monkeypatch, tmp_path):
    before = tree_digest(demo_repo / "output")
    monkeypatch.setattr(search, "_executable", lambda: tmp_path / "no-pagefind")
    item = sorted((demo_repo / "content/jyj").glob("*/*.md"))[0]
    item.write_text(item.read_text(encoding="utf-8") + "\n补充。\n", encoding="utf-8")
    result = zq("build", "--root", demo_repo, "--jobs", "1")
    assert result.code != 0 and "B008" in result.err and "站内搜索索引生成失败" in result.err, result.text
    assert "Traceback" not in result.text
    assert tree_digest(demo_repo / "output") == before


@pytest.mark.parametrize("writes", ['{}', '{"languages": {"zh-cn": {"hash": "zh-cn_0000000"}}}'])
def test_a_pagefind_that_exits_0_without_an_index_is_b008_once_and_publishes_nothing(demo_repo, zq, monkeypatch,
                                                                                      tmp_path, writes):
    """A Pagefind that says nothing and leaves only an entry file (another version, a broken install) published the
    site with a search that cannot work; and B008's code and hint were said twice."""
    fake = tmp_path / "pagefind"
    fake.write_text(f"#!/bin/sh\nmkdir -p \"$2/pagefind\"\necho '{writes}' > \"$2/pagefind/pagefind-entry.json\"\n",
                    encoding="utf-8")
    fake.chmod(0o755)
    before = tree_digest(demo_repo / "output")
    monkeypatch.setattr(search, "_executable", lambda: fake)
    item = sorted((demo_repo / "content/jyj").glob("*/*.md"))[0]
    item.write_text(item.read_text(encoding="utf-8") + "\n补充。\n", encoding="utf-8")
    result = zq("build", "--root", demo_repo, "--jobs", "1")
    assert result.code != 0 and "站点 jyj.shilixian.gov.cn 的站内搜索索引生成失败" in result.err, result.text
    assert "B008: B008" not in result.err and result.err.count("提示") == 1, result.err
    assert tree_digest(demo_repo / "output") == before


# -- the real nginx config (R6.4) -----------------------------------------------------------------------------

PORTAL, FGW = "www.shilixian.gov.cn", "fgw.shilixian.gov.cn"


def _bundle_files(served, host: str) -> list[str]:
    bundle = served["srv"] / host / "current" / search.BUNDLE
    return sorted("/" + p.relative_to(bundle.parent).as_posix() for p in bundle.rglob("*") if p.is_file())


def test_the_bundle_is_served_with_its_types_the_search_csp_and_cors_for_the_portal_only(served):
    files = _bundle_files(served, FGW)
    kinds = {path.rsplit(".", 1)[-1] for path in files}
    assert kinds == set(search.TYPES), kinds
    for path in files:
        response, body = _https(served, FGW, path, headers={"Origin": f"https://{PORTAL}"})
        assert response.status == 200 and body, path
        assert response.getheader("Content-Type").split(";")[0] == search.TYPES[path.rsplit(".", 1)[-1]], path
        assert response.getheader("X-Content-Type-Options") == "nosniff"
        csp = response.getheader("Content-Security-Policy")
        assert "script-src 'self' 'wasm-unsafe-eval';" in csp and "'unsafe-eval'" not in csp.replace("'wasm-unsafe-eval'", "")
        assert "'unsafe-inline'" not in csp
        assert response.getheader("Access-Control-Allow-Origin") == f"https://{PORTAL}", path
    chunk = next(p for p in files if p.endswith(".pf_fragment"))
    assert "immutable" in _https(served, FGW, chunk)[0].getheader("Cache-Control")  # named by its content
    assert _https(served, FGW, "/pagefind/pagefind.js")[0].getheader("Cache-Control") == "no-cache"
    # the portal's own bundle is read by its own pages only: no CORS; its CSP may fetch the other sites' bundles
    own, _ = _https(served, PORTAL, "/pagefind/pagefind.js")
    assert own.status == 200 and own.getheader("Access-Control-Allow-Origin") is None
    csp = own.getheader("Content-Security-Policy")
    others = sorted(p.name for p in served["srv"].iterdir() if p.name.endswith(".gov.cn") and p.name != PORTAL)
    assert csp.endswith("; connect-src 'self' " + " ".join(f"https://{h}" for h in others))  # exactly the cluster
    fgw_csp = _https(served, FGW, "/pagefind/pagefind.js")[0].getheader("Content-Security-Policy")
    assert "connect-src" not in fgw_csp  # a site searches only itself
    page, body = _https(served, PORTAL, "/sousuo/")
    assert page.status == 200 and "'wasm-unsafe-eval'" in page.getheader("Content-Security-Policy")
    assert b"search-app" in body
    assert _https(served, PORTAL, "/sousuo/index.html?q=x")[0].getheader("Content-Security-Policy") == page.getheader("Content-Security-Policy")


def test_nothing_outside_the_bundle_gains_a_type_or_webassembly(served):
    """The bundle's types are opened under /pagefind/ only, and there only for the files Pagefind writes."""
    home = served["srv"] / FGW / "current"
    names = ("gzdt/x.pf_index", "gzdt/x.pagefind", "gzdt/x.json", "gzdt/pagefind.js", "pagefind/x.html", "pagefind/x.svg",
             "pagefind/.hidden.js", "pagefind/sub/deeper.js", "pagefind/index/x.js", "pagefind/x.wasm", "pagefind/x.php",
             "pagefind/fragment/x.pf_index", "pagefind/x.pf_fragment.html")
    planted = {name: f"planted-{i}-payload".encode() for i, name in enumerate(names)}
    for rel, data in planted.items():
        (home / rel).parent.mkdir(parents=True, exist_ok=True)
        (home / rel).write_bytes(data)
    try:
        for rel, data in planted.items():
            response, body = _https(served, FGW, "/" + rel)
            assert response.status == 404 and data not in body, rel
    finally:
        for rel in planted:
            (home / rel).unlink()
    for path in ("/", "/gzdt/", "/theme/js/a11y.js"):
        csp = _https(served, FGW, path)[0].getheader("Content-Security-Policy")
        assert "wasm" not in csp and "connect-src" not in csp, path  # WebAssembly only where Pagefind runs
    assert _https(served, PORTAL, "/")[0].getheader("Access-Control-Allow-Origin") is None
    assert _https(served, FGW, "/")[0].getheader("Access-Control-Allow-Origin") is None


COLUMN = """  - id: {id}
    name: 栏目{id}
    type: news
    column_type: 工作动态
    cycle: weekly
    category: 工作动态
    description: 与网站自带目录同名的栏目。
    keywords: [测试]
"""


def _add_column(repo, unit: str, column: str) -> int:
    """Add ``column`` first in ``unit``'s columns, with one item; the line of its id."""
    config = repo / f"content/{unit}/unit.yaml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("columns:\n", "columns:\n" + COLUMN.format(id=column), 1), encoding="utf-8")
    (repo / f"content/{unit}/{column}").mkdir(exist_ok=True)
    (repo / f"content/{unit}/{column}/2026-10-01-tongming.md").write_text(
        f"---\ntitle: {column} 栏目的稿件\ndate: 2026-10-01\nauthor: 某\nimportance: general\n---\n\n同名栏目里的正文。\n",
        encoding="utf-8")
    return text[: text.index("columns:\n")].count("\n") + 2


def test_a_column_or_channel_named_as_a_folder_the_build_writes_is_c026_and_nothing_is_built(demo_repo, zq):
    """A column ``pagefind`` was built "successfully" while the indexer deleted its pages (the nav linked to a
    404); ``sousuo``, ``wzdt``, ``gywm``, ``lxwm`` stopped the build with an internal error; a channel whose
    id is a portal column's mixed the two. Now each is C026 at its line, and the build publishes nothing."""
    before = tree_digest(demo_repo / "output")
    for column in ("pagefind", "sousuo", "wzdt"):  # each added first: the last one's id is on the first line
        line = _add_column(demo_repo, "chengguan", column)
    _add_column(demo_repo, "xzf", "qingshui")  # qingshui is a channel unit on the portal
    result = zq("check", "--root", demo_repo, "--format", "json")
    found = [(f["path"], f["line"]) for f in json.loads(result.out)["findings"] if f["code"] == "C026"]
    step = COLUMN.count("\n")
    assert sorted(found, key=str) == sorted([("content/chengguan/unit.yaml", line + i * step) for i in range(3)]
                                            + [("content/qingshui/unit.yaml", None)], key=str), result.out
    result = zq("build", "--root", demo_repo, "--jobs", "1")
    assert result.code != 0 and "C026" in result.text and "内部错误" not in result.text, result.text
    assert tree_digest(demo_repo / "output") == before
