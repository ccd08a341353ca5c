"""Atom feeds per site and per column (issue 14, R3.7), read as a feed reader reads them: found through the
``<link rel="alternate">`` of the homepage and of each column page, parsed with lxml, validated against the
RELAX NG grammar of RFC 4287 (tests/data/atom.rng) and the rules its Schematron annotations state, compared
with what the column's list pages show, and every entry's link resolved to a page of the output."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

import lxml.etree as ET
import lxml.html
import pytest

from zhanqun.build.view import FEED_NAME, FEED_SIZE

ATOM = "http://www.w3.org/2005/Atom"
NS = {"a": ATOM}
SCHEMA = Path(__file__).parent / "data" / "atom.rng"
# RFC 3339 date-time (section 5.6): a zone is required, which xsd:dateTime in the grammar does not demand.
RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})")


@cache
def _schema() -> ET.RelaxNG:
    return ET.RelaxNG(ET.parse(str(SCHEMA)))


def _sites(output: Path) -> list[Path]:
    return sorted(p for p in output.iterdir() if p.is_dir() and not p.name.startswith("."))


def _feed_links(page: Path) -> list[tuple[str, str]]:
    head = lxml.html.parse(str(page)).getroot().find("head")
    return [(link.get("href"), link.get("title")) for link in head.iter("link")
            if link.get("rel") == "alternate" and link.get("type") == "application/atom+xml"]


@cache
def _columns(root: Path) -> dict[str, list[str]]:
    """Every column list of each site (by host): the folder of its pages, from the site plan (the pages
    themselves are read from the output)."""
    from zhanqun import cluster
    from zhanqun.build.view import SiteView

    loaded, _ = cluster.load(root, render=False)
    assert loaded is not None
    plan = {}
    for site in loaded.sites():
        view = SiteView(loaded, site)
        plan[site.host] = [view.column_save_as(ref).removesuffix("index.html") for ref in view.columns]
    return plan


def _column_pages(root: Path, site: Path) -> dict[Path, list[Path]]:
    """The first page of every column list of a site, with all its pages (``index.html``, ``index_2.html`` …)."""
    columns = {}
    for folder in _columns(root)[site.name]:
        first = site / folder / "index.html"
        assert first.is_file(), first
        columns[first] = sorted(first.parent.glob("index*.html"), key=lambda p: (len(p.name), p.name))
    return columns


def _listed(site: Path, pages: list[Path]) -> list[str]:
    """The canonical addresses of the items a column's list pages show, in their order."""
    urls = []
    for page in pages:
        for a in lxml.html.parse(str(page)).getroot().xpath(
                "//ul[contains(concat(' ', @class, ' '), ' item-list ')]/li/a"):
            href = a.get("href")
            urls.append(unquote(href if href.startswith("https://") else f"https://{site.name}{href}"))
    return urls


def _entries(feed: ET._ElementTree) -> list[ET._Element]:
    return feed.getroot().findall("a:entry", NS)


def _link(element: ET._Element) -> str:
    (alternate,) = [link.get("href") for link in element.findall("a:link", NS) if link.get("rel", "alternate") == "alternate"]
    return unquote(alternate)


def _resolve(output: Path, url: str) -> Path:
    parts = urlsplit(url)
    assert parts.scheme == "https", url
    path = parts.path.lstrip("/")
    return output / parts.netloc / (path + "index.html" if path == "" or path.endswith("/") else path)


def test_every_homepage_and_column_page_links_its_feed_and_the_file_is_there(built_demo):
    output = built_demo / "output"
    linked = set()
    for site in _sites(output):
        ((href, title),) = _feed_links(site / "index.html")
        assert href == "/" + FEED_NAME and title
        linked.add(site / FEED_NAME)
        columns = _column_pages(built_demo, site)
        assert len(columns) >= 3, site.name
        for first, pages in columns.items():
            folder = first.parent.relative_to(site).as_posix()
            has_items = bool(_listed(site, pages))
            for page in pages:  # every page of a list links the same feed; an empty column has none
                assert _feed_links(page) == ([(f"/{folder}/{FEED_NAME}", _feed_links(first)[0][1])] if has_items else []), page
            if has_items:
                assert (first.parent / FEED_NAME).is_file(), first
                linked.add(first.parent / FEED_NAME)
            else:
                assert not (first.parent / FEED_NAME).exists(), first
    portal = next(s for s in _sites(output) if s.name.startswith("www."))
    assert any(len(p.relative_to(portal).parts) == 3 for p in linked if p.is_relative_to(portal))  # a channel unit's column
    assert set(output.glob(f"*/**/{FEED_NAME}")) == linked  # no feed that no page names


def test_each_feed_is_valid_atom(built_demo):
    """RFC 4287: the grammar of its Appendix B, then what the grammar's Schematron rules and the text add."""
    feeds = sorted((built_demo / "output").glob(f"*/**/{FEED_NAME}"))
    assert len(feeds) > 20
    for path in feeds:
        data = path.read_bytes()
        assert data.startswith(b'<?xml version="1.0" encoding="utf-8"?>'), path
        feed = ET.parse(str(path))
        assert _schema().validate(feed), (path, str(_schema().error_log))
        root = feed.getroot()
        assert root.tag == f"{{{ATOM}}}feed" and root.get("{http://www.w3.org/XML/1998/namespace}lang") == "zh-CN"
        assert root.findtext("a:title", namespaces=NS) and root.findtext("a:id", namespaces=NS)
        self_link = [link.get("href") for link in root.findall("a:link", NS) if link.get("rel") == "self"]
        site = path.relative_to(built_demo / "output").parts[0]
        assert self_link == [f"https://{site}/{path.relative_to(built_demo / 'output' / site).as_posix()}"]
        assert _resolve(built_demo / "output", _link(root)).is_file()  # the list page the feed stands for
        entries = _entries(feed)
        assert 1 <= len(entries) <= FEED_SIZE, path
        assert root.find("a:author/a:name", NS) is not None or all(e.find("a:author/a:name", NS) is not None for e in entries)
        dates = [root.findtext("a:updated", namespaces=NS)]
        ids = [root.findtext("a:id", namespaces=NS)]
        for entry in entries:
            assert entry.findtext("a:title", namespaces=NS), path
            assert entry.find("a:author/a:name", NS).text  # the publishing unit
            dates += [entry.findtext("a:updated", namespaces=NS), entry.findtext("a:published", namespaces=NS)]
            ids.append(entry.findtext("a:id", namespaces=NS))
            summary = entry.find("a:summary", NS)
            if summary is not None:  # plain text, not markup
                assert summary.get("type") == "text" and "<" not in (summary.text or "") and "&lt;" not in (summary.text or "")
        assert all(d and RFC3339.fullmatch(d) for d in dates), (path, dates)
        assert len(ids) == len(set(ids)), path
        updated = [e.findtext("a:updated", namespaces=NS) for e in entries]
        assert updated == sorted(updated, reverse=True), path  # newest first
        assert dates[0] == updated[0], path  # the feed changed when its newest entry did, never at build time


def test_a_column_feed_is_its_list_and_a_site_feed_the_newest_of_its_lists(built_demo):
    output = built_demo / "output"
    pushed = False
    for site in _sites(output):
        union: dict[str, str] = {}
        for first, pages in _column_pages(built_demo, site).items():
            listed = _listed(site, pages)
            if not listed:
                continue
            feed = ET.parse(str(first.parent / FEED_NAME))
            links = [_link(e) for e in _entries(feed)]
            assert links == listed[:FEED_SIZE], first  # the same items in the same order
            for entry in _entries(feed):
                assert entry.findtext("a:id", namespaces=NS) == _link(entry)
                assert _resolve(output, _link(entry)).is_file(), _link(entry)
                union[_link(entry)] = entry.findtext("a:updated", namespaces=NS)
            pushed |= any(urlsplit(link).netloc != site.name for link in links)
        site_feed = ET.parse(str(site / FEED_NAME))
        links = [_link(e) for e in _entries(site_feed)]
        assert len(links) == min(FEED_SIZE, len(union)) and set(links) <= set(union.keys()), site.name
        oldest = min(union[link] for link in links)
        assert {link for link, date in union.items() if date > oldest} <= set(links), site.name
    assert pushed  # the portal's aggregated columns link items on their home sites


def test_embargoed_and_withdrawn_items_are_in_no_feed(demo_repo, zq):
    """R3.10 through the feeds: an item pushed to the portal and then withdrawn leaves every feed it was in,
    and one published later than now (but dated as the newest) is in none."""
    gone_url = "https://fgw.shilixian.gov.cn/gzdt/2026-10-15-zhongdian-xiangmu-diaodu.html"
    output = demo_repo / "output"

    def feeds_naming(url: str) -> list[Path]:
        return [p for p in sorted(output.glob(f"*/**/{FEED_NAME}")) if url.encode() in p.read_bytes()]

    assert len(feeds_naming(gone_url)) >= 3  # before: its column, its site, the portal's column and the portal
    news = demo_repo / "content/fgw/gzdt"
    item = news / "2026-10-15-zhongdian-xiangmu-diaodu.md"
    item.write_text(item.read_text(encoding="utf-8").replace(
        "push_to_portal:", "withdrawn: {date: 2026-11-20, reason: 数据有误，待核实后重新发布}\npush_to_portal:", 1),
        encoding="utf-8")
    (news / "embargo.md").write_text(
        "---\ntitle: 定时发布的消息\ndate: 2026-11-20\npublish_at: \"2026-12-01 09:00\"\nauthor: 刘晓\n"
        "source: 示例县发展和改革委员会\npush_to_portal: [bmdt]\n---\n县发改委召开专题会议，部署近期重点工作。\n",
        encoding="utf-8")
    result = zq("build", "--root", demo_repo)
    assert result.code == 0, result.text
    assert (output / "fgw.shilixian.gov.cn/gzdt/2026-10-15-zhongdian-xiangmu-diaodu.html").is_file()  # the notice page
    assert feeds_naming(gone_url) == []
    assert feeds_naming("embargo") == [] and not any(b"\xe5\xae\x9a\xe6\x97\xb6\xe5\x8f\x91\xe5\xb8\x83" in p.read_bytes()
                                                      for p in output.glob(f"*/**/{FEED_NAME}"))  # 定时发布


def test_two_builds_write_the_same_feed_bytes(built_demo, demo_repo, zq, tmp_path):
    again = tmp_path / "again"
    result = zq("build", "--root", demo_repo, "--output", again)
    assert result.code == 0, result.text
    first = {p.relative_to(built_demo / "output"): p.read_bytes() for p in (built_demo / "output").glob(f"*/**/{FEED_NAME}")}
    second = {p.relative_to(again): p.read_bytes() for p in again.glob(f"*/**/{FEED_NAME}")}
    assert first and first == second


@pytest.mark.parametrize("document, problem", [
    (b'<feed xmlns="http://www.w3.org/2005/Atom"><title>x</title><updated>2026-11-20T00:00:00+08:00</updated></feed>',
     "no id"),
    (b'<feed xmlns="http://www.w3.org/2005/Atom"><id>x</id><title>x</title><updated>2026-11-20</updated></feed>',
     "a date, not a date-time"),
    (b'<feed xmlns="http://www.w3.org/2005/Atom"><id>x</id><title>x</title><updated>2026-11-20T00:00:00Z</updated>'
     b'<entry><id>y</id><title>y</title></entry></feed>', "an entry without updated"),
])
def test_the_grammar_refuses_what_rfc_4287_refuses(document, problem):
    """The grammar in tests/data is not an empty one that lets everything through."""
    assert not _schema().validate(ET.fromstring(document)), problem


def test_an_empty_column_has_no_feed_and_its_page_names_none(demo_repo, zq):
    """A column with nothing listed yet: no feed (an empty one would need an ``updated`` no item gives), no link."""
    unit = demo_repo / "content/dongcheng/unit.yaml"
    unit.write_text(unit.read_text(encoding="utf-8") + (
        "  - id: zxzx\n    name: 征集调查\n    type: news\n    column_type: 工作动态\n    cycle: as_needed\n"
        "    category: 工作动态\n    description: 发布东城街道征集调查。\n    keywords: [东城街道, 征集调查]\n"), encoding="utf-8")
    (demo_repo / "content/dongcheng/zxzx").mkdir()
    result = zq("build", "dongcheng", "--root", demo_repo)
    assert result.code == 0, result.text
    site = demo_repo / "output/dongcheng.shilixian.gov.cn"
    assert "征集调查" in (site / "zxzx/index.html").read_text(encoding="utf-8")
    assert _feed_links(site / "zxzx/index.html") == [] and not (site / "zxzx" / FEED_NAME).exists()
    assert _feed_links(site / "gzdt/index.html") == [("/gzdt/atom.xml", "工作动态 - 示例县东城街道办事处")]


def test_a_pushed_items_new_opening_reaches_the_portals_feeds(demo_repo, zq):
    """The portal's feeds show a pushed item's summary, taken from its body when it has no 摘要: a change to that
    body alone must rebuild the portal (its fingerprint), or the portal's feeds keep the old text."""
    item = demo_repo / "content/wjw/gzdt/2026-10-20-jiating-yisheng-jincun.md"
    text = item.read_text(encoding="utf-8")
    assert "\nsummary:" not in text
    item.write_text(text.replace("10月以来，县卫健委组织", "10月以来，县卫健委统一组织", 1), encoding="utf-8")
    result = zq("build", "--root", demo_repo)
    assert result.code == 0, result.text
    for feed in ("www.shilixian.gov.cn/bmdt", "www.shilixian.gov.cn", "wjw.shilixian.gov.cn/gzdt"):
        assert "县卫健委统一组织" in (demo_repo / "output" / feed / FEED_NAME).read_text(encoding="utf-8"), feed
