"""sitemap.xml per site, the portal's sitemap index and robots.txt (R3.8, issue 14), read as a search engine
reads them: parsed as XML in the sitemap protocol's namespace, every address resolving to a page of the site."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import unquote, urlsplit

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def _sites(built: Path) -> list[Path]:
    return sorted(p for p in (built / "output").iterdir() if p.is_dir() and not p.name.startswith("."))


def test_each_site_lists_every_page_once_by_its_canonical_address(built_demo):
    for site in _sites(built_demo):
        root = ET.parse(site / "sitemap.xml").getroot()
        assert root.tag == f"{{{NS['s']}}}urlset"
        locs = [loc.text or "" for loc in root.findall("s:url/s:loc", NS)]
        assert len(locs) == len(set(locs)) and locs == sorted(locs)
        pages = set()
        for loc in locs:
            parts = urlsplit(loc)
            assert (parts.scheme, parts.netloc) == ("https", site.name), loc
            path = unquote(parts.path).lstrip("/")
            page = site / (path + "index.html" if path == "" or path.endswith("/") else path)
            assert page.is_file(), loc
            pages.add(page)
        assert pages == set(site.rglob("*.html")), site.name  # every page, nothing else


def test_the_portal_indexes_every_sites_sitemap_and_robots_point_at_them(built_demo):
    sites = _sites(built_demo)
    portal = next(s for s in sites if s.name.startswith("www."))
    index = ET.parse(portal / "sitemap_index.xml").getroot()
    assert index.tag == f"{{{NS['s']}}}sitemapindex"
    listed = [loc.text for loc in index.findall("s:sitemap/s:loc", NS)]
    assert listed == [f"https://{s.name}/sitemap.xml" for s in sites]
    for site in sites:
        robots = (site / "robots.txt").read_text(encoding="utf-8").splitlines()
        assert "User-agent: *" in robots and f"Sitemap: https://{site.name}/sitemap.xml" in robots
        assert (f"Sitemap: https://{site.name}/sitemap_index.xml" in robots) == (site == portal)
        assert not (site / "sitemap_index.xml").exists() or site == portal
