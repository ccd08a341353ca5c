"""The built sites, as a visitor and an inspector see them (R1.5, R2.7, R3.1–R3.6, R3.9, R3.10)."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from tests.conftest import copy_repo, tree_digest

WWW = "www.shilixian.gov.cn"
SUBDOMAINS = ["fgw", "jyj", "wjw", "chengguan", "dongcheng"]


def page(repo: Path, host: str, path: str) -> BeautifulSoup:
    return BeautifulSoup((repo / "output" / host / path).read_text(encoding="utf-8"), "lxml")


def meta(soup: BeautifulSoup) -> dict[str, str]:
    return {m["name"]: m["content"] for m in soup.find_all("meta", attrs={"name": True})}


def all_pages(repo: Path):
    for path in sorted((repo / "output").glob("*/**/*.html")):
        yield path, BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")


def item_pages(repo: Path, host: str, column: str) -> list[Path]:
    return sorted(p for p in (repo / "output" / host / column).glob("*.html") if not p.name.startswith("index"))


def test_one_site_per_subdomain_and_channels_under_the_portal(built_demo):
    hosts = sorted(p.name for p in (built_demo / "output").iterdir() if not p.name.startswith("."))
    assert hosts == sorted([WWW] + [f"{s}.shilixian.gov.cn" for s in SUBDOMAINS])
    for channel in ("czj", "qingshui"):  # R1.3 channel units live at www/<unit>/
        assert (built_demo / "output" / WWW / channel / "index.html").is_file()
        assert item_pages(built_demo, WWW, f"{channel}/gzdt")


def test_every_page_has_the_required_meta_tags_and_footer(built_demo):
    count = 0
    for path, soup in all_pages(built_demo):
        count += 1
        tags = meta(soup)
        assert soup.html["lang"] == "zh-CN"
        for name in ("SiteName", "SiteDomain", "SiteIDCode"):
            assert tags.get(name), f"{path}: no {name}"
        assert tags["SiteDomain"] == path.relative_to(built_demo / "output").parts[0]
        assert re.fullmatch(r"\d{10}|bm\d{8}", tags["SiteIDCode"])
        for name in ("ColumnName", "ColumnType"):
            assert tags.get(name), f"{path}: no {name}"
        footer = soup.find("footer").get_text(" ", strip=True)
        # 党政机关网站标识 only where configured, nothing otherwise (issue 14): tests/test_theme_content.py
        for label in ("主办单位", "承办单位", "网站标识码", "联系电话", "本网站支持IPv6"):
            assert label in footer, f"{path}: footer lacks {label}"
        assert soup.find("footer").find("a", href="https://beian.miit.gov.cn/"), path
        if "ArticleTitle" in tags:  # a detail page (R3.3)
            assert re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", tags["PubDate"])
            for name in ("ColumnDescription", "ColumnKeywords", "ContentSource", "Keywords", "Author", "Description", "Url"):
                assert tags.get(name), f"{path}: no {name}"
            assert tags["Url"].startswith(f"https://{tags['SiteDomain']}/")
            assert soup.find("time"), f"{path}: an item must show its date"
    assert count > 150


def test_subdomain_site_uses_its_own_id_code(built_demo):
    fgw = meta(page(built_demo, "fgw.shilixian.gov.cn", "index.html"))
    www = meta(page(built_demo, WWW, "index.html"))
    czj = meta(page(built_demo, WWW, "czj/index.html"))
    assert fgw["SiteIDCode"] != www["SiteIDCode"]
    assert czj["SiteIDCode"] == www["SiteIDCode"]  # a channel inherits the portal's identity (R1.4)
    assert fgw["SiteName"] == "示例县发展和改革委员会"


def test_policy_pages_show_the_disclosure_block(built_demo):
    for path in item_pages(built_demo, WWW, "zcwj") + item_pages(built_demo, "fgw.shilixian.gov.cn", "zcwj"):
        block = BeautifulSoup(path.read_text(encoding="utf-8"), "lxml").find("table", class_="gk-info")
        assert block is not None, path
        labels = [th.get_text(strip=True) for th in block.find_all("th") if th.get_text(strip=True) != "成文日期"]  # optional (issue 14)
        assert labels == ["索引号", "发布机构", "发布日期", "生效日期", "废止日期", "文号", "主题分类", "有效性"]


def _validity(path: Path) -> str:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "lxml").find("td", class_="validity").get_text(strip=True)


def test_expired_policies_are_marked(built_demo):
    policies = [p for h in [WWW] + [f"{s}.shilixian.gov.cn" for s in SUBDOMAINS] for p in (built_demo / "output" / h).glob("**/zcwj/*.html")
                if not p.name.startswith("index")]
    marks = {p: _validity(p) for p in policies}
    expired = [p for p, v in marks.items() if v in ("已失效", "失效", "废止")]
    assert len(expired) >= 4, marks
    assert any(v == "有效" for v in marks.values())
    # the past 废止日期 with status still 有效: the page says so anyway (R2.1, 47号)
    past = [p for p in expired if "已于" in BeautifulSoup(p.read_text(encoding="utf-8"), "lxml").find(class_="expired-note").get_text()]
    assert past


def test_policy_and_interpretation_link_each_other(built_demo):
    linked = 0
    for host in (WWW, "fgw.shilixian.gov.cn", "jyj.shilixian.gov.cn"):
        for path in item_pages(built_demo, host, "zcjd"):
            soup = BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")
            link = soup.find("section", class_="related").find("a")
            own_url = meta(soup)["Url"]
            href = link["href"]
            if href.startswith("https://"):
                target_host, target_path = href.split("/", 3)[2], href.split("/", 3)[3]
            else:
                target_host, target_path = host, href.lstrip("/")
            policy = page(built_demo, target_host, target_path)
            back = [a["href"] for a in policy.find("section", class_="related").find_all("a")]
            assert any(own_url.endswith(b) or b == own_url for b in back), (path, back)
            linked += 1
    assert linked >= 5


def test_portal_homepage_links_every_subsite_and_headlines(built_demo):
    home = page(built_demo, WWW, "index.html")
    subsites = {a["href"] for a in home.find("section", class_="subsites").find_all("a")}
    for label in SUBDOMAINS:
        assert f"https://{label}.shilixian.gov.cn/" in subsites
    assert {"/czj/", "/qingshui/"} <= subsites
    headlines = home.find("section", class_="headlines").find_all("a")
    assert len(headlines) == 3


def test_pushed_items_appear_on_the_portal_linking_to_their_canonical_page(built_demo):
    bmdt = page(built_demo, WWW, "bmdt/index.html")
    external = [a["href"] for a in bmdt.find(class_="item-list").find_all("a") if a["href"].startswith("https://")]
    assert external, "department news pushed to the portal must be listed there (R3.2)"
    for href in external:
        host, path = href.split("/", 3)[2], href.split("/", 3)[3]
        assert (built_demo / "output" / host / path).is_file(), href


def test_topic_collects_items_across_units(built_demo):
    topic = page(built_demo, WWW, "zhuanti/xczx/index.html")
    units = {span.get_text() for span in topic.find_all("span", class_="unit")}
    assert len(units) >= 3


def test_responsibility_table_page_and_csv(built_demo):
    rows = list(csv.reader(io.StringIO((built_demo / "output" / WWW / "lanmu/zerenbiao.csv").read_text(encoding="utf-8-sig"))))
    from zhanqun import cluster

    loaded, _ = cluster.load(built_demo)
    columns = sum(len(u.columns) for u in loaded.units.values())
    assert rows[0][:4] == ["单位", "栏目ID", "栏目名称", "责任单位"]
    assert len(rows) == columns + 1
    tables = page(built_demo, WWW, "lanmu/index.html").find_all("table", class_="responsibility")  # one per unit (issue 14)
    assert sum(len(t.find("tbody").find_all("tr")) for t in tables) == columns


def test_attachments_are_published_with_type_and_size(built_demo):
    found = 0
    for path, soup in all_pages(built_demo):
        section = soup.find("section", class_="attachments")
        if not section:
            continue
        for link in section.find_all("a"):
            found += 1
            assert link["href"].startswith("/")
            host = path.relative_to(built_demo / "output").parts[0]
            assert (built_demo / "output" / host / link["href"].lstrip("/")).is_file(), link["href"]
            assert re.search(r"（(PDF|DOCX|XLSX|DOC|XLS)，\d", link.find_next("span").get_text())
    assert found >= 6


def test_column_pagination(tmp_path, zq):
    repo = copy_repo(tmp_path / "repo")
    for n in range(45):
        (repo / "content/dongcheng/gzdt" / f"extra-{n:02d}.md").write_text(
            f"---\ntitle: 东城街道工作动态第{n}期\ndate: 2026-01-{n % 28 + 1:02d}\nauthor: 周宁\nsource: 示例县东城街道办事处\n---\n县发改委召开专题会议，部署近期重点工作。\n",
            encoding="utf-8")
    assert zq("build", "dongcheng", "--root", repo).code == 0
    out = repo / "output/dongcheng.shilixian.gov.cn/gzdt"
    assert (out / "index_3.html").is_file() and not (out / "index_4.html").exists()
    first = BeautifulSoup((out / "index.html").read_text(encoding="utf-8"), "lxml")
    assert len(first.find(class_="item-list").find_all("li")) == 20
    assert first.find("a", rel="next")["href"] == "/gzdt/index_2.html"


def test_builds_are_reproducible(built_demo, tmp_path, zq):
    other = copy_repo(tmp_path / "again")
    assert zq("build", "--root", other, "--jobs", "1").code == 0
    first = {k: v[0] for k, v in tree_digest(built_demo / "output").items() if not k.startswith(".")}
    second = {k: v[0] for k, v in tree_digest(other / "output").items() if not k.startswith(".")}
    assert first == second


def test_rebuild_touches_only_the_changed_site_and_files(demo_repo, zq):
    before = tree_digest(demo_repo / "output")
    item = sorted((demo_repo / "content/jyj/gzdt").glob("*.md"))[0]
    item.write_text(item.read_text(encoding="utf-8") + "\n补充说明：活动将持续至月底。\n", encoding="utf-8")
    result = zq("build", "--root", demo_repo)
    assert result.code == 0
    assert "fgw.shilixian.gov.cn：内容未变，跳过" in result.err
    after = tree_digest(demo_repo / "output")
    changed = sorted(k for k in after if before.get(k) != after[k] and not k.startswith("."))
    # the search bundle (R3.7, issue 14) changes with the page: its fragment, index chunk, metadata, entry
    indexed = [k for k in changed if k.startswith("jyj.shilixian.gov.cn/pagefind/")]
    assert "jyj.shilixian.gov.cn/pagefind/pagefind-entry.json" in indexed and len(indexed) <= 6, indexed
    changed = [k for k in changed if k not in indexed]
    assert f"jyj.shilixian.gov.cn：已构建，{2 + len(indexed)} 个文件有变化" in result.err  # the page, the manifest (R6.3)
    assert changed == [f"jyj.shilixian.gov.cn/gzdt/{item.stem}.html", "jyj.shilixian.gov.cn/zhanqun-manifest.json"]
    assert "活动将持续至月底" in (demo_repo / "output" / changed[0]).read_text(encoding="utf-8")
    listed = json.loads((demo_repo / "output" / changed[1]).read_text(encoding="utf-8"))["files"]
    assert listed[f"gzdt/{item.stem}.html"] == hashlib.sha256((demo_repo / "output" / changed[0]).read_bytes()).hexdigest()


def test_raw_html_is_sanitised():
    from zhanqun.markup import render

    html = render('正文<script>alert(1)</script><img src="a.png" alt="图" onerror="x()">'
                  '[链接](javascript:alert(1)) <iframe src="http://x"></iframe><a href="data:text/html,x">d</a>'
                  '<p style="display:none">暗链</p>')
    for bad in ("<script", "onerror", "javascript:", "<iframe", "data:", "style="):
        assert bad not in html
    assert 'alt="图"' in html


def test_embargoed_item_is_not_built_and_withdrawn_item_says_why(demo_repo, zq):
    news = demo_repo / "content/fgw/gzdt"
    (news / "embargo.md").write_text("---\ntitle: 定时发布的消息\ndate: 2026-12-01\npublish_at: \"2026-12-01 09:00\"\nauthor: 刘晓\n"
                                    "source: 示例县发展和改革委员会\n---\n县发改委召开专题会议，部署近期重点工作。\n", encoding="utf-8")
    (news / "gone.md").write_text("---\ntitle: 已撤回的消息\ndate: 2026-03-01\nauthor: 刘晓\nsource: 示例县发展和改革委员会\n"
                                 "withdrawn: {date: 2026-03-02, reason: 数据有误，待核实后重新发布}\n---\n县发改委召开专题会议，部署近期重点工作。\n", encoding="utf-8")
    assert zq("build", "fgw", "--root", demo_repo).code == 0
    out = demo_repo / "output/fgw.shilixian.gov.cn/gzdt"
    assert not (out / "embargo.html").exists()
    gone = BeautifulSoup((out / "gone.html").read_text(encoding="utf-8"), "lxml")
    assert "数据有误" in gone.find(class_="withdrawn").get_text()
    assert "已撤回的消息" not in (out / "index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("host", ["nosuch", "fgx"])
def test_unknown_host_is_a_usage_error(built_demo, zq, host):
    result = zq("build", host, "--root", built_demo)
    assert result.code == 2
    assert "没有这个站点" in result.err


def test_a_broken_theme_fails_the_build_without_touching_the_output(demo_repo, zq):
    before = tree_digest(demo_repo / "output")
    template = demo_repo / "themes/zhanqun/templates/news.html"
    template.write_text(template.read_text(encoding="utf-8") + "{% if %}\n", encoding="utf-8")
    result = zq("build", "--root", demo_repo)
    assert result.code == 1
    # found by the checks before anything is built (issue 13): the template's file and line, not a log file
    assert "themes/zhanqun/templates/news.html:7: B006" in result.out and "Traceback" not in result.text
    assert "内部错误" not in result.text and "crash.log" not in result.text
    assert tree_digest(demo_repo / "output") == before


def test_serve_previews_and_rebuilds_on_change(demo_repo):
    import socket
    import subprocess
    import sys
    import time
    import urllib.request

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "zhanqun", "serve", "dongcheng", "--root", str(demo_repo), "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)

    def fetch(path: str) -> str:
        return urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5).read().decode("utf-8")

    def wait_for(predicate, timeout: float = 30) -> bool:
        deadline = time.time() + timeout
        while time.time() < deadline:
            try:
                if predicate():
                    return True
            except OSError:
                pass
            time.sleep(0.3)
        return False

    try:
        assert wait_for(lambda: "示例县东城街道办事处" in fetch("/index.html"))
        item = sorted((demo_repo / "content/dongcheng/gzdt").glob("*.md"))[0]
        item.write_text(item.read_text(encoding="utf-8").replace("title: ", "title: 【更新】", 1), encoding="utf-8")
        assert wait_for(lambda: "【更新】" in fetch("/gzdt/index.html")), "the preview must rebuild after a change"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_a_second_concurrent_build_is_refused(demo_repo, zq):
    import fcntl

    (demo_repo / "content/fgw/gzdt/a-new.md").write_text(
        "---\ntitle: 新消息\ndate: 2026-03-05\nauthor: 刘晓\nsource: 示例县发展和改革委员会\n---\n县发改委召开专题会议，部署近期重点工作。\n", encoding="utf-8")
    with open(demo_repo / "output/.zhanqun/lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)  # another build holds the output folder
        result = zq("build", "fgw", "--root", demo_repo)
    assert result.code == 1 and "B002" in result.err and "另一个构建" in result.err
    assert not (demo_repo / "output/fgw.shilixian.gov.cn/gzdt/a-new.html").exists()


def test_a_scheduled_rebuild_publishes_an_embargo_that_has_just_passed(demo_repo, zq, monkeypatch):
    """R3.10 to the minute, in China time: the test's clock is 2026-11-21 08:00 (+08:00). An item due at 08:30
    is not built at 08:00 and is built by the schedule's run at 08:45 (the site's fingerprint changes)."""
    news = demo_repo / "content/fgw/gzdt"
    (news / "2026-11-21-dingshi.md").write_text(
        "---\ntitle: 八点半发布的消息\ndate: 2026-11-21\npublish_at: \"2026-11-21 08:30\"\nauthor: 刘晓\n"
        "source: 示例县发展和改革委员会\n---\n县发改委召开专题会议，部署近期重点工作。\n", encoding="utf-8")
    page = demo_repo / "output" / "fgw.shilixian.gov.cn" / "gzdt" / "2026-11-21-dingshi.html"
    attachment = demo_repo / "output" / "fgw.shilixian.gov.cn" / "gzdt" / "attachments" / "dingshi.csv"
    (news / "attachments").mkdir(exist_ok=True)
    (news / "attachments" / "dingshi.csv").write_text("项目,金额\n示范项目,100\n", encoding="utf-8")
    item = news / "2026-11-21-dingshi.md"
    item.write_text(item.read_text(encoding="utf-8").replace("author:", "attachments: [attachments/dingshi.csv]\nauthor:"),
                    encoding="utf-8")
    result = zq("build", "--root", demo_repo)
    assert result.code == 0, result.text
    assert not page.exists() and not attachment.exists()  # the attachment waits for its item too
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(1795219200 + 45 * 60))  # 08:45 China time
    result = zq("build", "--root", demo_repo)
    assert result.code == 0 and "fgw.shilixian.gov.cn：已构建" in result.err and page.exists() and attachment.exists()


def test_a_label_error_from_the_parse_cache_refuses_the_build_without_a_crash(demo_repo, zq):
    """C003 found by check, then build with the finding served from the cache (its rule module not imported)."""
    unit = demo_repo / "content" / "fgw" / "unit.yaml"
    unit.write_text(unit.read_text(encoding="utf-8").replace("label: fgw", "label: xyz"), encoding="utf-8")
    assert zq("check", "--root", demo_repo).code == 1
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "zhanqun", "build", "--root", str(demo_repo)], capture_output=True,
                          text=True, env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent / "src")})
    assert done.returncode == 1 and "C003" in done.stdout + done.stderr and "内部错误" not in done.stderr


def test_the_manifest_names_the_commit_and_says_dirty_for_anything_not_committed(cluster, zq):
    """R6.3: the manifest's commit is what an auditor looks the site up by; a build with an edited file, a rules
    change or an item not yet added to git is not that commit (review of issue 13: untracked files and rules/
    were not counted)."""
    root, repo = cluster
    repo.git.checkout("main")
    manifest = Path(root) / "output" / "www.shilixian.gov.cn" / "zhanqun-manifest.json"
    head = repo.head.commit.hexsha

    def built_commit() -> str:  # a site whose output does not change keeps its manifest: build afresh
        shutil.rmtree(Path(root) / "output", ignore_errors=True)
        assert zq("build", "--root", root, "--jobs", "1").code == 0
        return str(json.loads(manifest.read_text(encoding="utf-8"))["commit"])

    assert built_commit() == head
    column = Path(root) / "content" / "fgw" / "gzdt"
    item = column / "2026-11-30-xin.md"
    item.write_bytes(sorted(column.glob("*.md"))[0].read_bytes())
    assert built_commit() == f"{head}-dirty"  # an untracked item is on the site too
    item.unlink()
    (Path(root) / "rules").mkdir(exist_ok=True)
    (Path(root) / "rules" / "README.md").write_text("本地规则说明\n", encoding="utf-8")
    assert built_commit() == f"{head}-dirty"
    (Path(root) / "rules" / "README.md").unlink()
    assert built_commit() == head
