"""What the item and list templates show, as a visitor and an inspector read it (issue 14, R3.4, R3.3, R2.4, R1.5).

Leaders in their configured order with their posts, profiles without 发布日期 and with 分工 once; each subdomain site's
footer naming its own unit; the 党政机关网站标识 badge only where configured; 文号 in policy lists; the 栏目责任表 by
unit; topic pages of ColumnType 专题专栏.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from bs4 import BeautifulSoup

from zhanqun import cluster as cluster_module

WWW = "www.shilixian.gov.cn"
FGW = "fgw.shilixian.gov.cn"
JYJ = "jyj.shilixian.gov.cn"


def page(repo: Path, host: str, path: str) -> BeautifulSoup:
    return BeautifulSoup((repo / "output" / host / path).read_text(encoding="utf-8"), "lxml")


def meta(soup: BeautifulSoup) -> dict[str, str]:
    return {m["name"]: m["content"] for m in soup.find_all("meta", attrs={"name": True})}


def resolves(repo: Path, host: str, href: str) -> bool:
    """Whether a link of a page on ``host`` reaches a built file."""
    if href.startswith("https://"):
        host, href = href.split("/", 3)[2], "/" + href.split("/", 3)[3]
    target = repo / "output" / host / href.lstrip("/")
    return (target / "index.html").is_file() if href.endswith("/") else target.is_file()


def footer_text(soup: BeautifulSoup) -> str:
    return soup.find("footer").get_text(" ", strip=True)


def loaded(repo: Path):
    result, _ = cluster_module.load(repo)
    return result


# -- leaders (R2.4) --------------------------------------------------------------------------------------------------

def test_leaders_are_listed_in_their_configured_order_with_their_posts(built_demo):
    county = loaded(built_demo)
    for unit_id, host, prefix in (("xzf", WWW, ""), ("fgw", FGW, ""), ("jyj", JYJ, ""), ("chengguan", "chengguan.shilixian.gov.cn", "")):
        leaders = [i for i in county.items if i.unit_id == unit_id and i.type == "leader"]
        expected = [i.meta["name"] for i in sorted(leaders, key=lambda i: i.meta["order"])]
        entries = page(built_demo, host, f"{prefix}ldxx/index.html").find("ul", class_="item-list").find_all("li")
        assert [li.find("a").get_text(strip=True) for li in entries] == expected, unit_id
        posts = {i.meta["name"]: i.meta["post"] for i in leaders}
        for li in entries:  # the post next to the name, not a date
            name = li.find("a").get_text(strip=True)
            assert li.find(class_="post").get_text(strip=True) == posts[name]
            assert li.find("time") is None
    heads = [li.find("a").get_text(strip=True) for li in page(built_demo, WWW, "ldxx/index.html").find("ul", class_="item-list").find_all("li")]
    assert heads[0] == "方振宇"  # 县长 first (order: 1), though his file sorts last by date and name


def test_a_leader_profile_has_no_publication_date_and_its_duties_once(built_demo):
    county = loaded(built_demo)
    seen = 0
    for item in (i for i in county.items if i.type == "leader"):
        host = county.host_of(item.unit_id)
        soup = page(built_demo, host, county.path_of(item))
        article = soup.find("article")
        text = article.get_text("", strip=True)
        assert "发布日期" not in text, item.rel
        assert text.count(item.meta["duties"].strip()) == 1, item.rel
        assert article.find("time") is not None and "更新日期" in text  # still dated (R3.4), as an update
        seen += 1
    assert seen >= 10


# -- identity (R3.4) -------------------------------------------------------------------------------------------------

def _organization(county, unit_id):
    return next(i for i in county.items if i.unit_id == unit_id and i.type == "organization").meta


def test_a_subdomain_footer_names_its_own_unit_and_contact(built_demo):
    county = loaded(built_demo)
    identity = county.config.identity
    for host, path in ((WWW, "index.html"), (WWW, "czj/index.html")):  # the portal and its channels: the county's
        footer = footer_text(page(built_demo, host, path))
        assert f"主办单位：{identity['sponsor']}" in footer
        assert f"承办单位：{identity['organizer']}" in footer
        assert identity["contact"]["phone"] in footer
    jyj = footer_text(page(built_demo, JYJ, "index.html"))
    assert "主办单位：示例县教育局" in jyj and "承办单位：示例县教育局" in jyj
    assert _organization(county, "jyj")["phone"] in jyj and _organization(county, "jyj")["email"] in jyj
    assert identity["sponsor"] not in jyj and identity["contact"]["phone"] not in jyj
    fgw = footer_text(page(built_demo, FGW, "gzdt/index.html"))
    assert "主办单位：示例县发展和改革委员会" in fgw
    assert "承办单位：示例县发展和改革委员会办公室" in fgw  # unit.yaml identity.organizer overrides
    assert _organization(county, "fgw")["phone"] in fgw and identity["contact"]["phone"] not in fgw
    assert "网站标识码：4199000002" in fgw and "网站标识码：4199000001" not in fgw


def test_the_party_gov_badge_links_its_verification_page_and_is_absent_where_not_configured(built_demo):
    county = loaded(built_demo)
    for host, href in ((WWW, county.config.identity["party_gov_mark"]["href"]),
                       (FGW, county.units["fgw"].identity["party_gov_mark"]["href"])):
        footer = page(built_demo, host, "index.html").find("footer")
        badge = footer.find("a", class_="dzjg-mark")
        assert badge["href"] == href
        image = badge.find("img")
        assert image["alt"] == "党政机关网站标识"
        assert resolves(built_demo, host, image["src"]), image["src"]
    # a site with no badge of its own (the portal's names the portal's domain) prints nothing, not a placeholder
    for host in (JYJ, "wjw.shilixian.gov.cn", "chengguan.shilixian.gov.cn"):
        footer = page(built_demo, host, "index.html").find("footer")
        assert "党政机关网站标识" not in str(footer), host
        assert footer.find(class_="dzjg-mark") is None


def test_the_badge_as_a_link_only_and_left_empty(demo_repo, zq):
    config = demo_repo / "content/cluster.yaml"
    text = config.read_text(encoding="utf-8")
    text = re.sub(r"  party_gov_mark:.*\n(    .*\n)+", '  party_gov_mark: "https://bszs.conac.cn/sitename?method=show&id=9"\n', text)
    config.write_text(text, encoding="utf-8")
    unit = demo_repo / "content/fgw/unit.yaml"
    unit.write_text(re.sub(r"  party_gov_mark:\n(    .*\n)+", '  party_gov_mark: ""\n', unit.read_text(encoding="utf-8")),
                    encoding="utf-8")
    assert zq("build", "--root", demo_repo, "--jobs", "2").code == 0
    badge = page(demo_repo, WWW, "index.html").find("footer").find("a", class_="dzjg-mark")
    assert badge["href"] == "https://bszs.conac.cn/sitename?method=show&id=9"
    assert badge.get_text(strip=True) == "党政机关网站标识" and badge.find("img") is None
    assert "党政机关网站标识" not in str(page(demo_repo, FGW, "index.html").find("footer"))


def test_a_badge_image_outside_the_theme_folder_is_refused_with_its_line(demo_repo, zq):
    config = demo_repo / "content/cluster.yaml"
    text = config.read_text(encoding="utf-8").replace("image: images/dzjg-shili.svg",
                                                      "image: content/xzf/dzjg.png")
    config.write_text(text, encoding="utf-8")
    line = next(n for n, row in enumerate(text.splitlines(), 1) if "content/xzf/dzjg.png" in row)
    result = zq("check", "--root", demo_repo)
    assert result.code != 0
    assert "cluster.yaml" in result.text and f":{line}" in result.text, result.text


def test_a_missing_badge_image_in_a_unit_is_c025_at_its_line_and_a_path_out_of_the_folder_is_refused(demo_repo, zq):
    """R1.4, R3.4: a subdomain's own 党政机关网站标识 names a picture of the theme's static folder, as cluster.yaml's
    does; a picture that is not there would be a broken image in every footer of that site."""
    unit = demo_repo / "content/fgw/unit.yaml"
    text = unit.read_text(encoding="utf-8").replace("image: images/dzjg-shili.svg", "image: images/dzjg-fgw.png")
    unit.write_text(text, encoding="utf-8")
    line = next(n for n, row in enumerate(text.splitlines(), 1) if "images/dzjg-fgw.png" in row)
    result = zq("check", "--root", demo_repo)
    assert result.code == 1
    assert f"content/fgw/unit.yaml:{line}:" in result.text and "C025" in result.text, result.text
    assert "images/dzjg-fgw.png" in result.text
    unit.write_text(text.replace("image: images/dzjg-fgw.png", "image: ../../etc/dzjg.png"), encoding="utf-8")
    result = zq("check", "--root", demo_repo)
    assert result.code == 1 and f"content/fgw/unit.yaml:{line}:" in result.text, result.text


# -- lists ------------------------------------------------------------------------------------------------------------

def test_policy_lists_show_the_document_number(built_demo):
    county = loaded(built_demo)
    numbers = {county.path_of(i): i.meta["doc_number"] for i in county.items if i.type == "policy"}
    for host, path in ((WWW, "zcwj/index.html"), (FGW, "zcwj/index.html"), (WWW, "czj/zcwj/index.html")):
        entries = page(built_demo, host, path).find("ul", class_="item-list").find_all("li")
        assert entries, path
        for li in entries:
            href = li.find("a")["href"]
            key = href.split("/", 3)[3] if href.startswith("https://") else href.lstrip("/")
            assert li.find(class_="doc-number").get_text(strip=True) == numbers[key], (host, path, href)


def test_the_responsibility_table_is_grouped_by_unit_and_links_columns_by_name(built_demo):
    county = loaded(built_demo)
    soup = page(built_demo, WWW, "lanmu/index.html")
    groups = soup.find_all("section", class_="responsibility-unit")
    names = [g.find("h2").get_text(strip=True) for g in groups]
    units = [u for u in county.units.values() if u.columns]
    assert names[0] == county.units[county.config.portal].name
    assert sorted(names) == sorted(u.name for u in units)
    for group in groups:
        unit = next(u for u in units if u.name == group.find("h2").get_text(strip=True))
        rows = group.find("tbody").find_all("tr")
        assert [r.find("a").get_text(strip=True) for r in rows] == [c.name for c in unit.columns.values()]
        for row in rows:
            assert resolves(built_demo, WWW, row.find("a")["href"]), row.find("a")["href"]
    cells = [c.get_text(strip=True) for c in soup.find("main").find_all(["td", "th"])]
    assert not any("https://" in c or c.startswith("/") for c in cells)  # no raw address column
    rows = list(csv.reader(io.StringIO((built_demo / "output" / WWW / "lanmu/zerenbiao.csv").read_text(encoding="utf-8-sig"))))
    assert rows[0][-1] == "栏目地址" and all(r[-1].startswith("https://") for r in rows[1:])  # the CSV stays complete
    assert len(rows) - 1 == sum(len(u.columns) for u in units)


def test_topic_pages_carry_column_type_topic(built_demo):
    county = loaded(built_demo)
    for topic in county.config.topics:
        tags = meta(page(built_demo, WWW, f"zhuanti/{topic.id}/index.html"))
        assert tags["ColumnType"] == "专题专栏"
        assert tags["ColumnName"] == topic.name and tags["ColumnDescription"] == topic.description
        assert topic.tag in tags["ColumnKeywords"].split(",")
    assert meta(page(built_demo, WWW, "zhuanti/index.html"))["ColumnType"] == "专题专栏"


# -- item pages -------------------------------------------------------------------------------------------------------

def test_news_and_notices_name_their_source_and_a_policy_its_date_once(built_demo):
    county = loaded(built_demo)
    for kind in ("news", "notice"):
        for item in (i for i in county.items if i.type == kind and county.published(i) and not i.meta.get("withdrawn")):
            soup = page(built_demo, county.host_of(item.unit_id), county.path_of(item))
            text = soup.find("p", class_="item-meta").get_text(strip=True)
            # 信息来源 (the metadata norm's ContentSource, shown): the source given, else the publishing unit
            assert f"信息来源：{item.meta.get('source') or county.units[item.unit_id].name}" in text, item.rel
    policy = next(i for i in county.items if i.type == "policy" and i.unit_id == "xzf" and not i.meta.get("withdrawn"))
    article = page(built_demo, WWW, county.path_of(policy)).find("article")
    assert article.get_text("", strip=True).count("发布日期") == 1  # in the 信息公开 block only
    assert article.find("table", class_="gk-info").find("time")["datetime"].startswith(policy.date.strftime("%Y-%m-%d"))


def test_a_policy_shows_its_written_date_when_given(built_demo):
    county = loaded(built_demo)
    policies = [i for i in county.items if i.type == "policy" and not i.meta.get("withdrawn")]
    assert any(i.meta.get("written") for i in policies)
    for item in policies:
        block = page(built_demo, county.host_of(item.unit_id), county.path_of(item)).find("table", class_="gk-info")
        cells = {th.get_text(strip=True): th.find_next_sibling("td").get_text(strip=True) for th in block.find_all("th")}
        if item.meta.get("written"):
            assert cells["成文日期"] == item.meta["written"], item.rel
            assert list(cells)[2:4] == ["成文日期", "发布日期"]
        else:
            assert "成文日期" not in cells, item.rel
