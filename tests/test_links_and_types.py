"""Nothing from outside the repository reaches a site (R4.11, issue 10 §1–2): a symlink anywhere the build
reads is C011 for check, build, pre-commit, sign-off and the audit alike; a column folder publishes only the
attachment types of R2.8 and images (C012); an SVG image carries no active content (H005)."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from tests.conftest import tree_digest
from tests.gitrepo import ITEM, commit, github_reviews

SECRET = "runner-credential-7f3a9c"  # stands in for a CI runner's token or key
NOTICE = "content/fgw/tzgg/2026-09-01-2027-zhongdian-xiangmu-shenbao.md"


@pytest.fixture
def secret_file(tmp_path) -> Path:
    path = tmp_path / "outside" / "token"
    path.parent.mkdir()
    path.write_text(SECRET, encoding="utf-8")
    return path


def _codes(result, path: str = "") -> set[str]:
    data = json.loads(result.out)["findings"]
    return {f["code"] for f in data if f["path"].startswith(path)}


def _nothing_leaked(output: Path) -> None:
    for path in output.rglob("*"):
        if path.is_file():
            assert SECRET.encode() not in path.read_bytes(), path


# --- §1 symlinks ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("rel, target", [
    ("content/fgw/tzgg/attachments/tongzhi.pdf", "secret"),  # an attachment pointing out of the repository
    ("content/fgw/tzgg/attachments/peizhi.pdf", ".git/config"),
    ("content/fgw/gzdt/2026-11-30-jiejie.md", "docs"),  # an item that is a page of docs/
    ("content/fgw/ldxx/images/zhaopian.png", "secret"),
    ("content/fgw/tzgg/.cache/x.pdf", "secret"),  # hidden folders are not exempt
])
def test_a_symlink_in_content_is_c011_and_the_build_publishes_nothing(demo_repo, zq, secret_file, rel, target):
    root = demo_repo
    (root / ".git").mkdir(exist_ok=True)
    (root / ".git" / "config").write_text(f"[remote]\n\ttoken = {SECRET}\n", encoding="utf-8")
    (root / "docs").mkdir(exist_ok=True)
    (root / "docs" / "page.md").write_text(f"---\ntitle: 说明\ndate: 2026-11-30\nhomepage: true\n---\n{SECRET}\n",
                                           encoding="utf-8")
    link = root / rel
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to({"secret": secret_file, ".git/config": root / ".git" / "config", "docs": root / "docs" / "page.md"}[target])
    before = tree_digest(root / "output")

    checked = zq("check", "--root", root, "--format", "json")
    assert checked.code == 1 and "C011" in _codes(checked, rel)
    built = zq("build", "--root", root)
    assert built.code == 1 and "C011" in built.text and rel in built.text
    assert tree_digest(root / "output") == before
    _nothing_leaked(root / "output")


def test_a_linked_column_unit_or_config_folder_is_refused_and_never_read(demo_repo, zq, secret_file, tmp_path):
    root = demo_repo
    outside = tmp_path / "elsewhere"
    (outside / "gzdt").mkdir(parents=True)
    (outside / "gzdt" / "2026-11-30-wailai.md").write_text(ITEM.format(importance="routine").replace("推进会", SECRET),
                                                           encoding="utf-8")
    column = root / "content" / "dongcheng" / "gzdt"
    os.rename(column, tmp_path / "moved")
    column.symlink_to(outside / "gzdt", target_is_directory=True)
    result = zq("check", "--root", root, "--format", "json")
    assert "C011" in _codes(result, "content/dongcheng/gzdt")
    assert SECRET not in result.out  # the linked folder's files were never parsed
    assert zq("build", "--root", root).code == 1
    _nothing_leaked(root / "output")


def test_links_in_the_build_inputs_outside_content_are_refused(demo_repo, zq, secret_file):
    root = demo_repo
    (root / "themes" / "zhanqun" / "static" / "token.txt").symlink_to(secret_file)
    result = zq("build", "--root", root)
    assert result.code == 1 and "C011" in result.text and "themes/zhanqun/static/token.txt" in result.text
    _nothing_leaked(root / "output")


def test_a_fifo_in_a_column_is_refused_without_hanging(demo_repo, zq):
    fifo = demo_repo / "content" / "fgw" / "tzgg" / "attachments" / "pipe.pdf"
    os.mkfifo(fifo)
    result = zq("check", "--root", demo_repo, "--format", "json")  # reading it would block for ever
    assert "C011" in _codes(result, "content/fgw/tzgg/attachments/pipe.pdf")


def test_pre_commit_mode_refuses_a_link_and_a_path_through_a_linked_folder(demo_repo, zq, secret_file, tmp_path):
    root = demo_repo
    item = root / "content" / "fgw" / "gzdt" / "2026-11-30-lianjie.md"
    real = tmp_path / "real.md"
    real.write_text(ITEM.format(importance="routine").replace("推进会", SECRET), encoding="utf-8")
    item.symlink_to(real)
    os.chdir(root)
    result = zq("check", "--root", root, "--format", "json", "content/fgw/gzdt/2026-11-30-lianjie.md")
    assert result.code == 1 and "C011" in _codes(result)
    assert SECRET not in result.out
    folder = tmp_path / "linked"
    folder.mkdir()
    (folder / "a.md").write_text(real.read_text(encoding="utf-8"), encoding="utf-8")
    (root / "content" / "fgw" / "tzgg" / "sub").symlink_to(folder, target_is_directory=True)
    through = zq("check", "--root", root, "--format", "json", "content/fgw/tzgg/sub/a.md")
    assert through.code == 1 and "C011" in _codes(through) and SECRET not in through.out


def test_the_plugin_never_copies_through_a_link(tmp_path, secret_file):
    """Defence in depth: even asked directly, the file walk of the build skips links and unpublished types."""
    from zhanqun.plugins.site import _published_files

    folder = tmp_path / "gzdt"
    (folder / "attachments").mkdir(parents=True)
    (folder / "attachments" / "ok.pdf").write_bytes(b"%PDF-1.4\n")
    (folder / "attachments" / "link.pdf").symlink_to(secret_file)
    (folder / "linked").symlink_to(secret_file.parent, target_is_directory=True)
    (folder / "page.html").write_text("<script>alert(1)</script>", encoding="utf-8")
    assert [rel.as_posix() for _, rel in _published_files(folder, Path("gzdt"))] == ["gzdt/attachments/ok.pdf"]


def _signoff(zq, root, reviews, author="wang-li-fgw"):
    return zq("signoff", "check", "--root", root, "--base", "main", "--head", "pr", "--author", author,
              "--reviews", reviews, "--format", "json")


def test_signoff_needs_the_admin_for_a_link_or_a_git_control_file_in_a_unit(cluster, zq, tmp_path):
    root, repo = cluster
    (Path(root) / "docs").mkdir(exist_ok=True)
    (Path(root) / "docs" / "x.md").write_text("说明\n", encoding="utf-8")
    link = Path(root) / "content" / "fgw" / "gzdt" / "2026-11-30-lianjie.md"
    link.symlink_to("../../../docs/x.md")
    repo.git.add(A=True)
    repo.git.commit("-m", "链接")
    sha = repo.head.commit.hexsha
    reviews = github_reviews(tmp_path / "r.json", ("chen-hao-fgw", "APPROVED", sha))
    result = json.loads(_signoff(zq, root, reviews).out)
    keys = {r["unit"]: r["missing"] for r in result["requirements"]}
    assert result["satisfied"] is False and keys["__platform__"] == ["admin"] and "fgw" in keys
    with_admin = github_reviews(tmp_path / "r.json", ("chen-hao-fgw", "APPROVED", sha), ("egov-zhou", "APPROVED", sha))
    assert json.loads(_signoff(zq, root, with_admin).out)["satisfied"] is True  # sign-off judges; check refuses

    repo.git.checkout("main")
    repo.git.checkout("-b", "attrs")
    sha = commit(repo, "content/fgw/gzdt/.gitattributes", "*.md -diff\n", "隐藏差异")
    reviews = github_reviews(tmp_path / "r.json", ("chen-hao-fgw", "APPROVED", sha))
    result = json.loads(zq("signoff", "check", "--root", root, "--base", "main", "--head", "attrs", "--author",
                           "wang-li-fgw", "--reviews", reviews, "--format", "json").out)
    assert result["satisfied"] is False
    assert {r["unit"]: r["missing"] for r in result["requirements"]}.get("__platform__") == ["admin"]


def test_the_audit_sees_a_link_pushed_to_main_as_needing_the_admin(cluster, zq, tmp_path):
    """A direct push of a link is V001; a record whose chain left the admin out is V008."""
    root, repo = cluster
    repo.git.checkout("main")
    (Path(root) / "content" / "fgw" / "gzdt" / "lianjie.pdf").symlink_to("/etc/hostname")
    repo.git.add(A=True)
    repo.git.commit("-m", "直接推送链接")
    sha = repo.head.commit.hexsha
    report = json.loads(zq("audit", "--root", root, "--format", "json").out)
    codes = {v["code"] for v in report["findings"] if v["commit"] == sha}
    assert "V001" in codes
    note = {"version": 1, "pr": "9", "commit": sha, "author": "wang-li-fgw", "time": "2026-11-21T09:00:00+08:00",
            "approvers": {"chen-hao-fgw": [{"unit": "fgw", "role": "first"}]},
            "required": [{"unit": "fgw", "name": "发改委", "importance": "routine", "roles": ["first"]}],
            "missing": {}, "satisfied": True, "emergency": False, "emergency_reason": "", "reasons": []}
    repo.git.notes("--ref", "refs/notes/zhanqun", "add", "-m", json.dumps(note, ensure_ascii=False), sha)
    report = json.loads(zq("audit", "--root", root, "--format", "json").out)
    mismatch = [v for v in report["findings"] if v["commit"] == sha and v["code"] == "V008"]
    assert mismatch and "__platform__" in mismatch[0]["message"]


# --- §2 publishable types -------------------------------------------------------------------------------------

@pytest.mark.parametrize("name, data", [
    ("baoming.html", b"<script>fetch('/')</script>"),
    ("tongji.js", b"alert(document.cookie)"),
    ("module.mjs", b"export default 1"),
    ("page.xhtml", b"<html xmlns='http://www.w3.org/1999/xhtml'><script/></html>"),
    ("style.css", b"body{background:url(http://x.invalid/)}"),
    ("data.json", b"{}"),
    ("app.wasm", b"\0asm\1\0\0\0"),
    ("setup.exe", b"MZ\x90\0"),
    ("ziliao.zip", b"PK\x03\x04"),
    ("Makefile", b"all:\n"),
    ("image.svgz", b"\x1f\x8b"),
])
def test_a_file_type_outside_r2_8_and_images_is_c012_and_never_published(demo_repo, zq, name, data):
    rel = f"content/qingshui/tzgg/attachments/{name}"
    (demo_repo / rel).parent.mkdir(parents=True, exist_ok=True)
    (demo_repo / rel).write_bytes(data)
    before = tree_digest(demo_repo / "output")
    result = zq("check", "--root", demo_repo, "--format", "json")
    assert result.code == 1 and "C012" in _codes(result, rel)
    assert zq("build", "--root", demo_repo).code == 1
    assert tree_digest(demo_repo / "output") == before


def test_published_types_still_publish_whatever_the_case_of_the_suffix(demo_repo, zq):
    folder = demo_repo / "content" / "fgw" / "tzgg" / "attachments"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "SAOMIAO.PNG").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 32)
    (folder / ".gitkeep").write_bytes(b"")
    assert zq("build", "--root", demo_repo).code == 0
    site = demo_repo / "output" / "fgw.shilixian.gov.cn"
    assert (site / "tzgg" / "attachments" / "SAOMIAO.PNG").is_file()
    assert not (site / "tzgg" / "attachments" / ".gitkeep").exists()


SVG_HEAD = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 10 10">'


@pytest.mark.parametrize("body", [
    "<script>alert(1)</script>",
    '<rect width="1" height="1" onload="alert(1)"/>',
    '<foreignObject><div xmlns="http://www.w3.org/1999/xhtml">钓鱼表单</div></foreignObject>',
    '<a xlink:href="javascript:alert(1)"><text>点此</text></a>',
    '<a href="https://bet.example.invalid/"><text>进入</text></a>',
    '<image href="https://tracker.invalid/p.png" width="1" height="1"/>',
    '<rect style="fill:url(https://x.invalid/a.svg#p)"/>',
    '<style>@import url(https://x.invalid/a.css);</style>',
    '<set attributeName="href" to="javascript:alert(1)"/>',
    '<ScRiPt>alert(1)</ScRiPt>',
])
def test_an_svg_with_active_content_is_h005(demo_repo, zq, body):
    rel = "content/fgw/ldxx/images/huodong.svg"
    (demo_repo / rel).write_text(SVG_HEAD + body + "</svg>", encoding="utf-8")
    result = zq("check", "--root", demo_repo, "--format", "json")
    assert result.code == 1 and "H005" in _codes(result, rel)


def test_a_plain_svg_with_internal_references_passes_and_an_entity_bomb_does_not(demo_repo, zq):
    rel = "content/fgw/ldxx/images/tubiao.svg"
    clean = (SVG_HEAD + '<defs><linearGradient id="g"><stop offset="0"/></linearGradient></defs>'
             '<rect id="r" style="fill:url(#g)" width="5" height="5"/><use href="#r" x="5"/>'
             '<image href="data:image/png;base64,iVBORw0KGgo=" width="1" height="1"/><title>图表</title></svg>')
    (demo_repo / rel).write_text(clean, encoding="utf-8")
    assert "H005" not in _codes(zq("check", "--root", demo_repo, "--format", "json"), rel)
    bomb = ('<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;">]>'
            + SVG_HEAD + "<text>&b;</text></svg>")
    (demo_repo / rel).write_text(bomb, encoding="utf-8")
    assert "H005" in _codes(zq("check", "--root", demo_repo, "--format", "json"), rel)


def test_git_itself_stores_what_the_check_refuses(cluster):
    """The premise of the rule: git keeps a link as a link (mode 120000), so a checkout recreates it."""
    root, repo = cluster
    (Path(root) / "content" / "fgw" / "gzdt" / "a.pdf").symlink_to("/etc/hostname")
    repo.git.add(A=True)
    listed = subprocess.run(["git", "-C", str(root), "ls-files", "-s", "content/fgw/gzdt/a.pdf"],
                            capture_output=True, text=True, check=True).stdout
    assert listed.startswith("120000 ")


# --- holes found by attacking the rules above (issue 10 §1–3) -------------------------------------------------

def test_markup_in_front_matter_is_reported(demo_repo, zq):
    """A meta refresh in a title, a javascript: link smuggled into an organisation's url: H errors at commit time."""
    rel = "content/fgw/tzgg/2025-06-10-jieneng-kaohe.md"
    path = demo_repo / rel
    text = path.read_text(encoding="utf-8")
    hostile = text.replace("title: ", "title: '通知\"><meta http-equiv=\"refresh\" content=\"0;url=https://x.invalid/\">'\nold_title: ", 1)
    path.write_text(hostile, encoding="utf-8")
    assert "H001" in _codes(zq("check", "--root", demo_repo, "--format", "json"), rel)
    org = demo_repo / "content" / "fgw" / "jggk" / "jigou-gaikuang.md"
    org.write_text(org.read_text(encoding="utf-8").replace(
        "url: https://fgw.shilixian.gov.cn/", "url: 'https://fgw.shilixian.gov.cn/\" hidden><a href=\"javascript:alert(1)\">'"),
        encoding="utf-8")
    assert "H003" in _codes(zq("check", "--root", demo_repo, "--format", "json"), "content/fgw/jggk/jigou-gaikuang.md")


def test_autoescape_keeps_a_harmless_tag_in_a_title_as_text(demo_repo, zq):
    rel = "content/fgw/tzgg/2025-06-10-jieneng-kaohe.md"
    path = demo_repo / rel
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[1] = "title: 关于<b>节能</b>考核的通知"
    path.write_text("\n".join(lines), encoding="utf-8")
    assert zq("build", "--root", demo_repo).code == 0
    site = demo_repo / "output" / "fgw.shilixian.gov.cn"
    for page in (site / "tzgg" / "2025-06-10-jieneng-kaohe.html", site / "tzgg" / "index.html"):
        html = page.read_text(encoding="utf-8")
        assert "关于&lt;b&gt;节能&lt;/b&gt;考核的通知" in html and "<b>节能</b>" not in html, page


def test_pycache_folders_are_not_a_blind_spot(demo_repo, zq, secret_file):
    cache = demo_repo / "content" / "fgw" / "tzgg" / "__pycache__"
    cache.mkdir()
    (cache / "evil.svg").write_text(SVG_HEAD + "<script>alert(1)</script></svg>", encoding="utf-8")
    (cache / "l.txt").symlink_to(secret_file)
    found = _codes(zq("check", "--root", demo_repo, "--format", "json"), "content/fgw/tzgg/__pycache__")
    assert {"H005", "C011"} <= found
    static = demo_repo / "themes" / "zhanqun" / "static" / "__pycache__"
    static.mkdir()
    (static / "leak.txt").symlink_to(secret_file)
    result = zq("build", "--root", demo_repo)
    assert result.code == 1 and "themes/zhanqun/static/__pycache__/leak.txt" in result.text
    _nothing_leaked(demo_repo / "output")


def test_a_committed_pyc_does_not_run_instead_of_the_reviewed_plugin(demo_repo, tmp_path):
    """Python would run an unchecked-hash .pyc beside an unchanged .py; zhanqun keeps bytecode elsewhere. The
    cluster's own Pelican plugin (build: plugins:, R11.1) is the code a county can commit."""
    import py_compile
    import sys

    marker, ran = tmp_path / "PWNED", tmp_path / "RAN"
    plugin = demo_repo / "plugins" / "county_extra.py"
    plugin.write_text(f"def register():\n    open({str(ran)!r}, 'w').write('x')\n", encoding="utf-8")
    config = demo_repo / "content" / "cluster.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "build:\n  plugins: [county_extra]\n", encoding="utf-8")
    evil = tmp_path / "evil.py"
    evil.write_text(plugin.read_text(encoding="utf-8") + f"\nopen({str(marker)!r}, 'w').write('x')\n", encoding="utf-8")
    tag = sys.implementation.cache_tag
    py_compile.compile(str(evil), cfile=str(plugin.parent / "__pycache__" / f"county_extra.{tag}.pyc"),
                       invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "PYTHONPYCACHEPREFIX")}
    env["XDG_CACHE_HOME"] = str(tmp_path / "cache")
    zhanqun = Path(sys.executable).parent / "zhanqun"
    done = subprocess.run([str(zhanqun), "build", "--root", str(demo_repo), "--output", str(tmp_path / "out")],
                          env=env, capture_output=True, text=True)
    # issue 13: the cache entry is compiled code in the repository, refused (C021) before anything runs
    assert done.returncode == 1 and "C021" in done.stdout and "plugins/__pycache__/county_extra." in done.stdout
    assert "Traceback" not in done.stderr and not ran.exists() and not marker.exists()
    (plugin.parent / "__pycache__" / f"county_extra.{tag}.pyc").unlink()
    done = subprocess.run([str(zhanqun), "build", "--root", str(demo_repo), "--output", str(tmp_path / "out")],
                          env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert ran.exists() and not marker.exists() and not list(plugin.parent.rglob("*.pyc"))


def test_an_embargoed_items_body_files_wait_with_it(demo_repo, zq):
    folder = demo_repo / "content" / "fgw" / "tzgg"
    (folder / "attachments" / "fangan-cao.pdf").write_bytes(b"%PDF-1.4\n% draft\n")
    (folder / "attachments" / "fangan-tu.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 16)
    (folder / "2026-11-20-fangan.md").write_text(
        "---\ntitle: 方案征求意见\ndate: 2026-11-20\npublish_at: \"2027-06-01 09:00\"\npublisher: 示例县发展和改革委员会\n---\n\n"
        "![方案示意图](attachments/fangan-tu.png)\n\n[方案全文](attachments/fangan-cao.pdf)\n", encoding="utf-8")
    assert zq("build", "--root", demo_repo).code == 0
    site = demo_repo / "output" / "fgw.shilixian.gov.cn" / "tzgg" / "attachments"
    assert (site / "2027-xiangmu-shenbao-huizong-biao.xlsx").is_file()  # a published item's file still goes out
    assert not (site / "fangan-cao.pdf").exists() and not (site / "fangan-tu.png").exists()


@pytest.mark.parametrize("name", ["index.md", "index_2.md", "INDEX.md"])
def test_an_item_cannot_take_the_name_of_a_list_page(demo_repo, zq, name):
    source = demo_repo / "content" / "fgw" / "tzgg" / "2025-06-10-jieneng-kaohe.md"
    rel = f"content/fgw/tzgg/{name}"
    (demo_repo / rel).write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    assert "C013" in _codes(zq("check", "--root", demo_repo, "--format", "json"), rel)
    os.chdir(demo_repo)
    assert "C013" in _codes(zq("check", "--root", demo_repo, "--format", "json", rel))
    assert zq("build", "--root", demo_repo).code == 1


@pytest.mark.parametrize("target", ["../attachments/u.pdf", ".h/h.pdf", "../../attachments/u.pdf"])
def test_front_matter_cannot_point_at_files_that_are_never_published(demo_repo, zq, target):
    folder = demo_repo / "content" / "fgw" / "tzgg"
    dest = os.path.normpath(folder / target)
    os.makedirs(os.path.dirname(dest), exist_ok=True)
    Path(dest).write_bytes(b"%PDF-1.4\n")
    rel = "content/fgw/tzgg/2026-09-01-2027-zhongdian-xiangmu-shenbao.md"
    path = demo_repo / rel
    path.write_text(path.read_text(encoding="utf-8").replace("attachments/2027-xiangmu-shenbao-huizong-biao.xlsx", target),
                    encoding="utf-8")
    assert "C106" in _codes(zq("check", "--root", demo_repo, "--format", "json"), rel)


def test_a_linked_cluster_config_is_c011(demo_repo, zq, tmp_path):
    config = demo_repo / "content" / "cluster.yaml"
    elsewhere = tmp_path / "cluster.yaml"
    elsewhere.write_bytes(config.read_bytes())
    config.unlink()
    config.symlink_to(elsewhere)
    result = zq("check", "--root", demo_repo)
    assert result.code == 1 and "C011" in result.text and "C010" not in result.text


@pytest.mark.parametrize("body, code", [
    ('<svg xmlns="http://www.w3.org/2000/svg"><style><g/>@import url(https://x.invalid/a.css);</style></svg>', "H005"),
    ('<?xml-stylesheet type="text/xsl" href="https://x.invalid/a.xsl"?><svg xmlns="http://www.w3.org/2000/svg"/>', "H005"),
    ('<svg xmlns="http://www.w3.org/2000/svg"><rect fill="url(https://x.invalid/p.svg#a)"/></svg>', "H005"),
    ('<svg xmlns="http://www.w3.org/2000/svg"><rect cursor="url(https://x.invalid/c.cur), auto"/></svg>', "H005"),
    ('<svg xmlns="http://www.w3.org/2000/svg"><rect style="fill:u\\72l(https://x.invalid/)"/></svg>', "H005"),
    ('<svg xmlns="http://www.w3.org/2000/svg" xmlns:h="http://www.w3.org/1999/xhtml"><h:meta http-equiv="refresh" content="0;url=https://x.invalid/"/></svg>', "H005"),
    ('<svg xmlns="http://www.w3.org/2000/svg" xmlns:h="http://www.w3.org/1999/xhtml"><h:img srcset="https://x.invalid/a.png 1x"/></svg>', "H005"),
])
def test_svg_references_hidden_in_styles_instructions_and_foreign_elements(demo_repo, zq, body, code):
    rel = "content/fgw/ldxx/images/huodong.svg"
    (demo_repo / rel).write_text(body, encoding="utf-8")
    assert code in _codes(zq("check", "--root", demo_repo, "--format", "json"), rel)


def test_git_control_files_are_matched_whatever_their_case():
    from zhanqun.signoff import policy

    assert policy.is_platform("content/fgw/tzgg/.GITATTRIBUTES") and policy.is_platform("content/fgw/.GitIgnore")
    assert not policy.is_platform("content/fgw/tzgg/.gitkeep")
    assert policy.needs_admin("content/fgw/tzgg/a.pdf", "120000") and not policy.needs_admin("content/fgw/tzgg/a.pdf", "100644")


def test_a_committed_parse_cache_is_never_trusted(cluster, zq):
    """A cache that came with the checkout could say "no findings" for any bytes: C014, and it is not read."""
    import random
    import sqlite3

    from tests import fakes

    root, repo = cluster
    rel = "content/fgw/gzdt/2026-11-30-mingdan.md"
    (Path(root) / rel).write_text(ITEM.format(importance="routine").replace(
        "召开重点项目推进会。", f"召开推进会。联系人身份证号 {fakes.id18(random.Random(7))}。"), encoding="utf-8")
    assert "P001" in _codes(zq("check", "--root", root, "--format", "json"), rel)  # fills the cache
    db = sqlite3.connect(Path(root) / ".zhanqun-cache" / "parse.sqlite3")
    for key, value in db.execute("SELECT key, value FROM parsed").fetchall():
        data = json.loads(value)
        if isinstance(data, dict) and "findings" in data:
            data["findings"] = []
            db.execute("UPDATE parsed SET value = ? WHERE key = ?", (json.dumps(data, ensure_ascii=False), key))
    db.commit()
    db.close()
    assert "P001" not in _codes(zq("check", "--root", root, "--format", "json"), rel)  # the premise: it is trusted
    repo.git.add("-f", ".zhanqun-cache")
    repo.git.add(A=True)
    repo.git.commit("-m", "带上缓存")
    result = zq("check", "--root", root, "--format", "json")
    assert "P001" in _codes(result, rel) and "C014" in _codes(result, ".zhanqun-cache")
    assert zq("build", "--root", root).code == 1


def test_pre_commit_mode_judges_an_svg_of_the_commit_and_the_result_is_cached_by_its_bytes(demo_repo, zq):
    rel = "content/fgw/ldxx/images/huodong.svg"
    (demo_repo / rel).write_text(SVG_HEAD + '<rect onload="alert(1)"/></svg>', encoding="utf-8")
    os.chdir(demo_repo)
    for _ in range(2):  # the second run answers from the cache: the same finding
        assert "H005" in _codes(zq("check", "--root", demo_repo, "--format", "json", rel))
    (demo_repo / rel).write_text(SVG_HEAD + '<rect width="1" height="1"/></svg>', encoding="utf-8")
    assert "H005" not in _codes(zq("check", "--root", demo_repo, "--format", "json", rel))
