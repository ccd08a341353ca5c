"""``zhanqun review-sheet``: the review sheet 审核单 of a pull request (issue 15, R10.5, R10.6), on real git
repositories (a copy of the demo county, commits on the branch ``pr``, reviews in the GitHub and Gitea shapes).

What a leader reads on a phone before approving: the change as rendered pages with the changed sentences marked
(and only those), where it will appear, the chain by name with what is missing, and the gates' findings."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from tests import fakes
from tests.gitrepo import ITEM, NEWS, commit, gitea_reviews, github_reviews
from tests.test_hosting import host, pull_request  # noqa: F401 - fixtures: the host's API on loopback, a pull request

DIAODU = "content/fgw/gzdt/2026-10-15-zhongdian-xiangmu-diaodu.md"  # an important item pushed to 部门动态
OLD = "新开工项目21个，竣工项目9个。"
NEW = "新开工项目23个，竣工项目11个。"
KEPT = "截至9月底，已累计完成投资约42.6亿元，占年度计划的82%；"
PREVIEW = "https://pr-7.preview.shilixian.gov.cn/{host}/"


def sheet(zq, root: Path, reviews: Path, *extra: str, author: str = "wang-li-fgw", fmt: str = "html"):
    return zq("review-sheet", "--root", root, "--base", "main", "--head", "pr", "--author", author,
              "--reviews", reviews, "--format", fmt, *extra)


def page(zq, root: Path, reviews: Path, *extra: str, **kw) -> BeautifulSoup:
    result = sheet(zq, root, reviews, *extra, **kw)
    assert result.code == 0, result.text
    return BeautifulSoup(result.out, "html.parser")


def data(zq, root: Path, reviews: Path, *extra: str, **kw) -> dict:
    result = sheet(zq, root, reviews, *extra, fmt="json", **kw)
    assert result.code == 0, result.text
    return json.loads(result.out)


def edit(root: Path, rel: str, old: str, new: str) -> str:
    text = (root / rel).read_text(encoding="utf-8")
    assert old in text
    return text.replace(old, new, 1)


def section(soup: BeautifulSoup, label: str):
    found = soup.find("section", attrs={"aria-label": label})
    assert found is not None, f"no section {label}"
    return found


def marked(node, tag: str) -> list[str]:
    return [m.get_text() for m in node.find_all(tag)]


def test_a_modified_item_shows_before_and_after_with_only_the_changed_sentence_marked(cluster, zq, tmp_path):
    """R10.5: the changed sentence is marked in both versions; the sentences around it and the other paragraphs
    are shown unmarked."""
    root, repo = cluster
    sha = commit(repo, DIAODU, edit(root, DIAODU, OLD, NEW), "更正开工和竣工项目数")
    reviews = github_reviews(tmp_path / "r.json", ("chen-hao-fgw", "APPROVED", sha))
    soup = page(zq, root, reviews)
    article = soup.find("article", class_="change")
    assert "修改" in article.h3.get_text() and "重点项目调度会" in article.h3.get_text()
    after, before = section(article, "修改后"), section(article, "修改前")
    assert marked(after, "ins") == [NEW] and marked(after, "del") == []
    assert marked(before, "del") == [OLD] and marked(before, "ins") == []
    # the unchanged sentence of the same paragraph and an untouched paragraph: shown, not marked
    for version in (after, before):
        assert KEPT in version.get_text()
        assert all(KEPT not in m for m in marked(version, "ins") + marked(version, "del"))
        assert "会议指出，部分项目仍存在前期手续办理滞后" in version.get_text()
    assert "正文：有 1 处修改" in article.get_text()
    # the same in JSON: one changed block, the sentence inserted and deleted
    item = data(zq, root, reviews)["items"][0]
    assert item["status"] == "M" and item["path"] == DIAODU
    changed = [b for b in item["body"] if b["kind"] != "same"]
    assert changed == [{"kind": "changed", "inserted": [NEW], "deleted": [OLD]}]
    assert not any(f["changed"] for f in item["fields"])


def test_a_changed_field_and_a_new_paragraph_are_marked(cluster, zq, tmp_path):
    root, repo = cluster
    text = edit(root, DIAODU, "importance: important", "importance: general")
    text = text.replace("县直有关单位、各项目业主单位负责同志参加会议。",
                        "县直有关单位、各项目业主单位负责同志参加会议。\n\n会后，县发改委将通报各项目进度。")
    sha = commit(repo, DIAODU, text, "降为一般，加一段")
    soup = page(zq, root, github_reviews(tmp_path / "r.json", ("chen-hao-fgw", "APPROVED", sha)))
    fields = soup.find("dl", class_="fields")
    importance = next(dt for dt in fields.find_all("dt") if dt.get_text().startswith("重要程度"))
    assert "已修改" in importance.get_text()
    value = importance.find_next_sibling("dd")
    assert marked(value, "ins") == ["一般"] and marked(value, "del") == ["重要"]
    title = next(dt for dt in fields.find_all("dt") if dt.get_text().startswith("标题"))
    assert "已修改" not in title.get_text()
    after = section(soup, "修改后")
    assert [m.get_text(" ", strip=True) for m in after.find_all("ins", class_="block")] == ["会后，县发改委将通报各项目进度。"]


def test_a_new_item_appears_as_added_with_its_future_address_headline_and_portal_columns(cluster, zq, tmp_path):
    """R10.5 "where it will appear": the site, the column page, the address it will have, the portal's homepage
    headline (homepage: true, as the build decides) and the portal columns it is pushed to; the preview link."""
    root, repo = cluster
    text = ITEM.format(importance="general").replace("importance: general", "importance: general\nhomepage: true\n"
                                                     "push_to_portal: [bmdt]")
    sha = commit(repo, NEWS, text, "推进会动态上首页")
    reviews = github_reviews(tmp_path / "r.json", ("chen-hao-fgw", "APPROVED", sha))
    result = data(zq, root, reviews, "--preview-url", PREVIEW)
    item = result["items"][0]
    assert item["status"] == "A" and item["title"] == "县发改委推进重点项目建设"
    place = item["placement"]
    assert place["url"] == "https://fgw.shilixian.gov.cn/gzdt/2026-11-21-xiangmu-tuijin.html"
    assert place["column"] == "工作动态" and place["column_url"] == "https://fgw.shilixian.gov.cn/gzdt/"
    assert place["preview"] == "https://pr-7.preview.shilixian.gov.cn/fgw.shilixian.gov.cn/gzdt/2026-11-21-xiangmu-tuijin.html"
    assert len(place["headline"]) == 1 and place["headline"][0].startswith("门户首页头条")
    assert "前 5 条之内" in place["headline"][0]  # the newest item: the build puts it among the headlines
    assert place["pushed"] == [["示例县人民政府「部门动态」", "https://www.shilixian.gov.cn/bmdt/"]]
    # the homepage adds the portal leader to the chain: 沈丽华, still missing
    portal = next(c for c in result["chain"] if c["unit"] == "__portal__")
    assert portal["roles"][0]["people"] == [{"name": "沈丽华", "login": "shen-lihua-xzf"}]
    assert "示例县人民政府（门户首页） 领导" in result["missing"]

    soup = page(zq, root, reviews, "--preview-url", PREVIEW)
    article = soup.find("article", class_="change")
    assert "新增" in article.h3.get_text()
    assert section(article, "新增的页面").find_all(["ins", "del"]) == []  # all of it is new: nothing to mark
    where = soup.find(id="where").find_next("ul", class_="places").get_text()
    assert "https://fgw.shilixian.gov.cn/gzdt/2026-11-21-xiangmu-tuijin.html" in where
    assert "首页头条：门户首页头条" in where and "报送门户：同时出现在 示例县人民政府「部门动态」 栏目" in where
    links = [a["href"] for a in article.find_all("a")]
    assert place["preview"] in links


def test_a_template_without_host_puts_the_site_in_a_folder_and_label_fills_in(cluster, zq, tmp_path):
    from zhanqun.signoff.sheet import preview_link

    assert preview_link("https://pr-7.preview.example", "www.shilixian.gov.cn", "zwyw/a.html") == \
        "https://pr-7.preview.example/www.shilixian.gov.cn/zwyw/a.html"
    assert preview_link("https://{label}.pr-7.preview.example/", "fgw.shilixian.gov.cn", "gzdt/a.html") == \
        "https://fgw.pr-7.preview.example/gzdt/a.html"


def test_the_chain_names_the_people_from_unit_yaml_and_the_missing_role(cluster, zq, tmp_path):
    """R10.6: 王莉 wrote it, 陈浩 approved (初审), 复审 by 杨秀梅 is missing; logins only in smaller text."""
    root, repo = cluster
    sha = commit(repo, NEWS, ITEM.format(importance="一般"), "推进会动态")
    reviews = gitea_reviews(tmp_path / "r.json", ("chen-hao-fgw", "APPROVED", sha))
    soup = page(zq, root, reviews)
    assert "作者：王莉 wang-li-fgw" in soup.header.get_text(" ", strip=True)
    assert soup.header.find("span", class_="login").get_text() == "wang-li-fgw"
    roles = soup.find(id="chain").find_next("ul", class_="roles").find_all("li")
    first, second = roles[0], roles[1]
    assert "done" in first["class"] and "初审" in first.get_text() and "✓ 已批准" in first.get_text()
    assert first.get_text().endswith("陈浩 chen-hao-fgw")
    assert "missing" in second["class"] and "复审" in second.get_text() and "杨秀梅" in second.get_text()
    assert second.find("span", class_="login").get_text() == "yang-xiumei-fgw"
    summary = soup.find("section", class_="summary").get_text()
    assert "审核链未满足" in summary and "示例县发展和改革委员会 的复审" in summary
    assert soup.find(id="chain").find_next("h3", string="审核意见").find_next("ul").get_text() == "陈浩 chen-hao-fgw：已批准"
    as_json = data(zq, root, reviews)
    assert as_json["missing"] == ["示例县发展和改革委员会 复审"] and as_json["satisfied"] is False
    assert as_json["author"] == {"name": "王莉", "login": "wang-li-fgw"}
    # once 杨秀梅 approves, the chain is complete
    done = data(zq, root, gitea_reviews(tmp_path / "r2.json", ("chen-hao-fgw", "APPROVED", sha),
                                        ("yang-xiumei-fgw", "APPROVED", sha)))
    assert done["satisfied"] is True and done["missing"] == []


def test_a_stale_approval_and_a_request_for_changes_are_said_by_name(cluster, zq, tmp_path):
    root, repo = cluster
    first = commit(repo, NEWS, ITEM.format(importance="routine"), "初稿")
    commit(repo, NEWS, ITEM.format(importance="routine").replace("推进会", "推进大会"), "修改")
    soup = page(zq, root, github_reviews(tmp_path / "r.json", ("chen-hao-fgw", "APPROVED", first),
                                         ("yang-xiumei-fgw", "CHANGES_REQUESTED", first)))
    chain = soup.find(id="chain").parent.get_text()
    assert "陈浩 chen-hao-fgw：已批准（早于最后一次修改，已失效）" in chain
    assert "杨秀梅（yang-xiumei-fgw）要求修改" in chain  # the check's reason, with the name


def test_an_emergency_is_shown(cluster, zq, tmp_path):
    root, repo = cluster
    sha = commit(repo, "content/xzf/zwyw/2026-11-21-jinji.md", ITEM.format(importance="important")
                 .replace("示例县发展和改革委员会", "示例县人民政府"), "突发事件通告")
    result = data(zq, root, github_reviews(tmp_path / "r.json", ("shen-lihua-xzf", "APPROVED", sha)),
                  "--emergency", "暴雨红色预警，须立即发布转移通知")
    assert result["emergency"] is True and result["satisfied"] is True
    assert result["emergency_reason"] == "暴雨红色预警，须立即发布转移通知"
    soup = page(zq, root, github_reviews(tmp_path / "r.json", ("shen-lihua-xzf", "APPROVED", sha)),
                "--emergency", "暴雨红色预警，须立即发布转移通知")
    assert "突发事件紧急发布" in soup.find("section", class_="summary").get_text()
    assert "暴雨红色预警" in soup.find(id="chain").find_next("p").get_text()


@pytest.fixture
def rng() -> random.Random:
    return random.Random(20261203)


def test_a_finding_of_the_gates_appears_with_its_code_and_the_number_masked(cluster, zq, tmp_path, rng):
    """R4 through the sheet: a fake but checksum-valid ID number is P001 at its file and line, masked in the
    finding and in the rendered page alike; a clean change says 未发现问题."""
    root, repo = cluster
    number = fakes.id18(rng)
    sha = commit(repo, NEWS, ITEM.format(importance="routine") + f"\n走访对象身份证号码 {number}，已登记。\n", "走访")
    reviews = github_reviews(tmp_path / "r.json", ("chen-hao-fgw", "APPROVED", sha))
    result = sheet(zq, root, reviews)
    assert result.code == 0 and number not in result.out
    soup = BeautifulSoup(result.out, "html.parser")
    problems = soup.find(id="findings").find_next("ul", class_="problems").get_text(" ", strip=True)
    masked = number[:6] + "********" + number[-4:]
    assert "P001" in problems and f"{NEWS}:11" in problems and masked in problems
    assert masked in section(soup, "新增的页面").get_text()
    assert "检查发现 1 个问题" in soup.find("section", class_="summary").get_text()
    finding = data(zq, root, reviews)["findings"]
    assert [(f["code"], f["path"], f["line"], f["severity"]) for f in finding] == [("P001", NEWS, 11, "error")]

    repo.git.checkout("main")
    repo.git.checkout("-b", "clean")
    clean = commit(repo, NEWS, ITEM.format(importance="routine"), "干净的动态")
    soup = BeautifulSoup(zq("review-sheet", "--root", root, "--base", "main", "--head", "clean", "--author",
                            "wang-li-fgw", "--reviews", github_reviews(tmp_path / "c.json",
                                                                       ("chen-hao-fgw", "APPROVED", clean))).out,
                         "html.parser")
    assert soup.find(id="findings").find_next("p").get_text() == "未发现问题。"


def test_hostile_content_is_text_on_the_sheet(cluster, zq, tmp_path):
    """A <script> in a title or body, an event handler, a javascript: link: all text or dropped, nothing runs."""
    root, repo = cluster
    hostile = ITEM.format(importance="routine").replace(
        "title: 县发改委推进重点项目建设", "title: \"<script>alert('t')</script>推进</title><b onmouseover=x>\"").replace(
        "11月21日", "<script>alert('b')</script><img src=x onerror=alert(1) alt=\"图\"><a href=\"javascript:alert(2)\">点</a>"
                   "<style>body{display:none}</style>11月21日")
    sha = commit(repo, NEWS, hostile, "恶意内容")
    result = sheet(zq, root, github_reviews(tmp_path / "r.json", ("chen-hao-fgw", "APPROVED", sha)))
    assert result.code == 0, result.text
    soup = BeautifulSoup(result.out, "html.parser")
    assert soup.find_all("script") == [] and soup.find_all("img") == [] and len(soup.find_all("style")) == 1
    assert soup.find_all("b") == [] and soup.find_all("title") == [soup.title]
    assert not [tag for tag in soup.find_all(True) for attr in tag.attrs if attr.startswith("on")]
    assert not [a for a in soup.find_all("a") if "javascript" in a.get("href", "")]
    assert "<script>alert('t')</script>推进" in soup.find("article").h3.get_text()
    codes = {f["code"] for f in data(zq, root, github_reviews(tmp_path / "r.json", ("chen-hao-fgw", "APPROVED", sha)))["findings"]}
    assert "H001" in codes  # and the gates say so


def test_deleted_renamed_withdrawn_embargoed_and_other_files(cluster, zq, tmp_path):
    root, repo = cluster
    old = "content/fgw/gzdt/2026-07-08-baogong-wenjia.md"
    repo.git.mv(old, "content/fgw/gzdt/2026-07-08-baogong-wenjia-new.md")
    repo.git.rm("content/fgw/gzdt/2025-05-20-yigongdaizhen-diaoyan.md")
    text = edit(root, DIAODU, "importance: important", "importance: important\npublish_at: \"2026-12-31 09:00\"")
    (root / DIAODU).write_text(text, encoding="utf-8")
    jiedu = "content/fgw/zcjd/2026-03-12-yigongdaizhen-jiedu.md"
    (root / jiedu).write_text(edit(root, jiedu, "\n---\n", "\nwithdrawn:\n  date: 2026-11-20\n  reason: 内容有误\n---\n"),
                              encoding="utf-8")
    (root / "content/fgw/tzgg/attachments/biao.xlsx").write_bytes(b"PK\x03\x04")
    unit = root / "content/fgw/unit.yaml"
    unit.write_text(unit.read_text(encoding="utf-8").replace("name: 王莉", "name: 王丽"), encoding="utf-8")
    sha = commit(repo, NEWS, ITEM.format(importance="routine"), "一次改很多")
    result = data(zq, root, github_reviews(tmp_path / "r.json", ("chen-hao-fgw", "APPROVED", sha)))
    items = {i["path"]: i for i in result["items"]}
    renamed = items["content/fgw/gzdt/2026-07-08-baogong-wenjia-new.md"]
    assert renamed["status"] == "R" and renamed["old_path"] == old
    assert renamed["old_url"] == "https://fgw.shilixian.gov.cn/gzdt/2026-07-08-baogong-wenjia.html"
    assert renamed["placement"]["url"] == "https://fgw.shilixian.gov.cn/gzdt/2026-07-08-baogong-wenjia-new.html"
    deleted = items["content/fgw/gzdt/2025-05-20-yigongdaizhen-diaoyan.md"]
    assert deleted["status"] == "D" and deleted["placement"] is None and deleted["old_title"]
    assert deleted["old_url"] == "https://fgw.shilixian.gov.cn/gzdt/2025-05-20-yigongdaizhen-diaoyan.html"
    assert items[DIAODU]["placement"]["embargo"].startswith("定时发布：2026-12-31 09:00")
    assert items[DIAODU]["placement"]["headline"] == ["示例县发展和改革委员会网站首页头条（重要信息）：合并后不在最新 5 条之内。"]
    assert "内容有误" in items[jiedu]["placement"]["withdrawn"]
    others = {o["path"]: o["what"] for o in result["others"]}
    assert others["content/fgw/tzgg/attachments/biao.xlsx"] == "示例县发展和改革委员会「通知公告」栏目的附件（biao.xlsx）"
    assert others["content/fgw/unit.yaml"].startswith("单位配置：示例县发展和改革委员会")
    assert any(c["unit"] == "__platform__" for c in result["chain"])  # unit.yaml needs a platform admin
    soup = page(zq, root, github_reviews(tmp_path / "r.json", ("chen-hao-fgw", "APPROVED", sha)))
    where = soup.find(id="where").parent.get_text(" ", strip=True)
    assert "合并后从网站上删除，原网址 https://fgw.shilixian.gov.cn/gzdt/2025-05-20-yigongdaizhen-diaoyan.html 将无法访问" in where
    assert "删除的页面（合并后从网站上撤下）" in soup.get_text()


def test_bad_revisions_a_folder_that_is_no_cluster_and_bad_links_are_clear_messages(cluster, zq, tmp_path):
    """K001 (a base or head that does not exist), K002 (no git repository, or a base without cluster.yaml),
    K003 (a link that is not http(s)): Chinese, exit code 2, no traceback."""
    root, repo = cluster
    sha = commit(repo, NEWS, ITEM.format(importance="routine"), "动态")
    reviews = github_reviews(tmp_path / "r.json", ("chen-hao-fgw", "APPROVED", sha))
    bad = zq("review-sheet", "--root", root, "--base", "main", "--head", "没有这个分支", "--author", "wang-li-fgw",
             "--reviews", reviews)
    assert bad.code == 2 and "K001" in bad.err and "找不到 --head 给出的提交 没有这个分支" in bad.err
    assert "Traceback" not in bad.text
    empty = tmp_path / "empty"
    empty.mkdir()
    outside = zq("review-sheet", "--root", empty, "--base", "main", "--head", "pr", "--author", "x", "--reviews", reviews)
    assert outside.code == 2 and "K002" in outside.err and "不是 git 仓库" in outside.err
    repo.git.rm("content/cluster.yaml")
    repo.git.commit("-m", "删掉配置")
    # a pull request that deletes the config still gets its sheet: the finding says what it breaks
    broken = data(zq, root, reviews)
    assert [f["code"] for f in broken["findings"]] == ["C010"] and "cluster.yaml 无法使用" in broken["notes"][0]
    assert broken["items"][0]["placement"]["url"] == "https://fgw.shilixian.gov.cn/gzdt/2026-11-21-xiangmu-tuijin.html"
    # a base without one is no cluster to judge against
    repo.git.checkout("-b", "later")
    later = commit(repo, NEWS, ITEM.format(importance="一般"), "又改了")
    gone = zq("review-sheet", "--root", root, "--base", "pr", "--head", later, "--author", "wang-li-fgw",
              "--reviews", reviews)
    assert gone.code == 2 and "K002" in gone.err and "--base" in gone.err and "Traceback" not in gone.text
    link = sheet(zq, root, reviews, "--preview-url", "javascript:alert(1)")
    assert link.code == 2 and "K003" in link.err and "--preview-url" in link.err
    as_json = sheet(zq, root, reviews, "--pr-url", "ftp://x", fmt="json")
    assert as_json.code == 2 and json.loads(as_json.out)["findings"][0]["code"] == "K003"


def test_written_to_a_file_with_the_pr_link(cluster, zq, tmp_path):
    root, repo = cluster
    sha = commit(repo, NEWS, ITEM.format(importance="routine"), "动态")
    out = tmp_path / "site" / "shenhe" / "index.html"
    result = sheet(zq, root, github_reviews(tmp_path / "r.json", ("chen-hao-fgw", "APPROVED", sha)), "--pr", "7",
                   "--pr-url", "https://git.shilixian.gov.cn/egov/site/pulls/7", "--output", out)
    assert result.code == 0, result.text
    soup = BeautifulSoup(out.read_text(encoding="utf-8"), "html.parser")
    assert soup.title.get_text() == "审核单：示例县人民政府 合并请求 #7"
    assert "https://git.shilixian.gov.cn/egov/site/pulls/7" in [a["href"] for a in soup.find_all("a")]
    # self-contained: no script, no stylesheet or image to fetch
    assert not soup.find_all(["script", "link", "img", "iframe"]) and "审核链已满足" in soup.get_text()


def test_read_from_the_gitea_api_it_links_back_to_the_pull_request(pull_request, host, zq):  # noqa: F811
    """--pr N --api gitea (a real HTTP server on loopback with Gitea's recorded shapes): base, head, author and
    reviews from the host, the number and the page of the pull request on the sheet; the host's logins by name."""
    import copy

    from tests.test_hosting import PREFIX, recording

    root, _, shas = pull_request
    review = recording("gitea_review.json", **shas)
    review.update({"state": "APPROVED", "commit_id": shas["HEAD"]})
    review["user"].update({"login": "chen-hao-fgw", "full_name": "chen-hao-fgw"})
    host.routes[("GET", f"{PREFIX}/pulls/7")] = (200, recording("gitea_pull.json", **shas))
    host.routes[("GET", f"{PREFIX}/pulls/7/reviews?limit=50&page=1")] = (200, [copy.deepcopy(review)], {"Link": ""})
    host.routes[("GET", f"{PREFIX}/pulls/7/commits?limit=50&page=1")] = (200, recording("gitea_commits.json", **shas),
                                                                         {"Link": ""})
    result = zq("review-sheet", "--root", root, "--pr", "7", "--api", "gitea", "--format", "json")
    assert result.code == 0, result.text
    sheet_data = json.loads(result.out)
    assert sheet_data["pr"] == "7" and sheet_data["head"] == shas["HEAD"] and sheet_data["base"] == shas["BASE"]
    assert sheet_data["pr_url"] == "https://git.shilixian.gov.cn/shilixian/zhanqun-site/pulls/7"
    assert sheet_data["author"]["name"] == "王莉"
    assert sheet_data["reviews"] == [{"name": "陈浩", "login": "chen-hao-fgw", "state": "已批准", "current": True}]
    assert sheet_data["missing"] == ["示例县发展和改革委员会 复审"]
    soup = BeautifulSoup(zq("review-sheet", "--root", root, "--pr", "7", "--api", "gitea").out, "html.parser")
    assert soup.title.get_text() == "审核单：示例县人民政府 合并请求 #7"
    assert soup.find("a", href="https://git.shilixian.gov.cn/shilixian/zhanqun-site/pulls/7") is not None


def test_a_channel_units_item_is_on_the_portal_under_the_units_folder(cluster, zq, tmp_path):
    root, repo = cluster
    rel = "content/czj/gzdt/2026-11-21-yusuan.md"
    sha = commit(repo, rel, ITEM.format(importance="routine").replace("示例县发展和改革委员会", "示例县财政局"), "预算动态")
    result = data(zq, root, github_reviews(tmp_path / "r.json", ("chen-hao-fgw", "APPROVED", sha)), "--preview-url",
                  "https://pr-7.preview.shilixian.gov.cn")
    place = result["items"][0]["placement"]
    assert place["site"] == "示例县人民政府" and place["host"] == "www.shilixian.gov.cn"
    assert place["url"] == "https://www.shilixian.gov.cn/czj/gzdt/2026-11-21-yusuan.html"
    assert place["column_url"] == "https://www.shilixian.gov.cn/czj/gzdt/"
    assert place["preview"] == "https://pr-7.preview.shilixian.gov.cn/www.shilixian.gov.cn/czj/gzdt/2026-11-21-yusuan.html"
    # 陈浩 is no reviewer of 财政局: the chain names who is
    first = result["chain"][0]["roles"][0]
    assert first["approved_by"] is None and first["people"] and first["people"][0]["name"] != first["people"][0]["login"]


def test_logins_in_the_checks_reasons_get_their_names_once():
    from zhanqun.config import Person as UnitPerson, Unit
    from zhanqun.signoff.sheet import _Names

    unit = Unit("fgw", "发改委", "发改委", "department", "subdomain", "fgw", "X",
                [UnitPerson("chen-hao-fgw", "陈浩", ("first",))], {})
    names = _Names({"fgw": unit})
    assert names.in_text("Chen-Hao-FGW 要求修改，须由其重新批准后才能合并。") == "陈浩（Chen-Hao-FGW） 要求修改，须由其重新批准后才能合并。"
    assert names.in_text("陈浩（chen-hao-fgw） 要求修改") == "陈浩（chen-hao-fgw） 要求修改"
    assert names.in_text("GitHub 最多列出 250 个") == "GitHub 最多列出 250 个"
    assert names.person("nobody") == names.person("nobody") and names.person("nobody").name == "nobody"


def test_a_changed_list_item_is_marked_and_the_other_items_are_not(cluster, zq, tmp_path):
    root, repo = cluster
    text = edit(root, DIAODU, "由牵头单位挂图作战；", "由牵头单位每周调度；").replace(
        "支付保障要求。\n", "支付保障要求；\n5. 年底前完成全部项目的投资统计。\n")
    sha = commit(repo, DIAODU, text, "改第二条，加第五条")
    soup = page(zq, root, github_reviews(tmp_path / "r.json", ("chen-hao-fgw", "APPROVED", sha)))
    after, before = section(soup, "修改后").find("ol"), section(soup, "修改前").find("ol")
    assert after.find_all("li")[0].get_text() == "对尚未开工的项目逐一“过堂”，能开尽开；"
    assert after.find_all("li")[0].find(["ins", "del"]) is None  # an unchanged item: not marked
    assert marked(after, "ins") == ["对进度滞后的项目实行“一项目一专班”，由牵头单位每周调度；",
                                    "严格落实项目建设安全生产和农民工工资支付保障要求；", "年底前完成全部项目的投资统计。"]
    assert marked(before, "del") == ["对进度滞后的项目实行“一项目一专班”，由牵头单位挂图作战；",
                                     "严格落实项目建设安全生产和农民工工资支付保障要求。"]
    assert len(after.find_all("li")) == 5 and len(before.find_all("li")) == 4


def test_the_pull_requests_code_never_runs(cluster, zq, tmp_path):
    """Security (issue 15): the sheet reads and checks the head's files; a plugin the pull request adds and lists
    in build.plugins, and a changed pelicanconf.py, are read at most, never imported."""
    root, repo = cluster
    marker = tmp_path / "ran"
    code = f"open({str(marker)!r}, 'w').write('ran')\n"
    (root / "plugins" / "boom.py").write_text(code, encoding="utf-8")
    (root / "pelicanconf.py").write_text((root / "pelicanconf.py").read_text(encoding="utf-8") + code, encoding="utf-8")
    config = root / "content" / "cluster.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "build:\n  plugins: [boom]\n", encoding="utf-8")
    sha = commit(repo, NEWS, ITEM.format(importance="routine"), "带插件的合并请求")
    result = data(zq, root, github_reviews(tmp_path / "r.json", ("chen-hao-fgw", "APPROVED", sha)))
    assert not marker.exists()
    assert {o["path"]: o["what"] for o in result["others"]}["plugins/boom.py"] == "平台文件：构建插件（程序）（需平台管理员审核）"
    assert any(c["unit"] == "__platform__" and c["roles"][0]["approved_by"] is None for c in result["chain"])
