"""``zhanqun signoff check`` on real git repositories (R5.2, R5.3): the change is read with GitPython, the
config from the base commit, the reviews from JSON in the shapes the GitHub and Gitea APIs return."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.gitrepo import ITEM, NEWS, commit, gitea_reviews, github_reviews


def check(zq, root: Path, reviews: Path, author: str = "wang-li-fgw", *extra: str):
    return zq("signoff", "check", "--root", root, "--base", "main", "--head", "pr", "--author", author,
              "--reviews", reviews, *extra)


@pytest.mark.parametrize("shape", [github_reviews, gitea_reviews])
def test_general_item_needs_first_and_second_review(cluster, zq, tmp_path, shape):
    root, repo = cluster
    sha = commit(repo, NEWS, ITEM.format(importance="一般"), "推进会动态")
    missing = check(zq, root, shape(tmp_path / "r.json", ("chen-hao-fgw", "APPROVED", sha)))
    assert missing.code == 1
    assert "示例县发展和改革委员会 缺少 复审" in missing.out and "初审 ✓ 陈浩（chen-hao-fgw）" in missing.out and "缺少 复审（可批准：杨秀梅（yang-xiumei-fgw））" in missing.out
    done = check(zq, root, shape(tmp_path / "r.json", ("chen-hao-fgw", "APPROVED", sha), ("yang-xiumei-fgw", "APPROVED", sha)))
    assert done.code == 0 and "审核链：已满足" in done.out


def test_approval_before_the_last_content_change_does_not_count(cluster, zq, tmp_path):
    root, repo = cluster
    first = commit(repo, NEWS, ITEM.format(importance="routine"), "初稿")
    commit(repo, NEWS, ITEM.format(importance="routine").replace("推进会", "推进大会"), "修改")
    result = check(zq, root, github_reviews(tmp_path / "r.json", ("chen-hao-fgw", "APPROVED", first)))
    assert result.code == 1 and "已失效" in result.out


def test_config_comes_from_the_base_not_from_the_pull_request(cluster, zq, tmp_path):
    """A pull request that makes its author an approver of its own unit gains nothing by it."""
    root, repo = cluster
    unit = Path(root) / "content" / "fgw" / "unit.yaml"
    text = unit.read_text(encoding="utf-8").replace("    roles: [editor]", "    roles: [editor, first]", 1)
    commit(repo, "content/fgw/unit.yaml", text, "给自己加上初审")
    sha = commit(repo, NEWS, ITEM.format(importance="routine"), "动态")
    result = check(zq, root, github_reviews(tmp_path / "r.json", ("wang-li-fgw", "APPROVED", sha)), "wang-li-fgw")
    assert result.code == 1
    assert "本人的批准不计入" in result.out and "缺少 平台管理员" in result.out and "缺少 初审" in result.out


def test_json_output_and_usage_errors(cluster, zq, tmp_path):
    root, repo = cluster
    sha = commit(repo, NEWS, ITEM.format(importance="重要"), "重要动态")
    reviews = github_reviews(tmp_path / "r.json", ("chen-hao-fgw", "APPROVED", sha))
    result = check(zq, root, reviews, "wang-li-fgw", "--format", "json")
    data = json.loads(result.out)
    assert result.code == 1 and data["satisfied"] is False
    assert data["requirements"][0]["missing"] == ["second", "final"]
    assert zq("signoff", "check", "--root", root, "--base", "nope", "--head", "pr", "--author", "x",
              "--reviews", reviews).code == 2
    (tmp_path / "bad.json").write_text("{not json", encoding="utf-8")
    bad = check(zq, root, tmp_path / "bad.json")
    assert bad.code == 2 and "JSON" in bad.err and "Traceback" not in bad.err


def test_record_on_merge_is_a_git_note_the_audit_can_read(cluster, zq, tmp_path):
    from zhanqun.signoff import gitdata

    root, repo = cluster
    sha = commit(repo, NEWS, ITEM.format(importance="一般"), "推进会动态")
    repo.git.checkout("main")
    repo.git.merge("--no-ff", "pr", "-m", "合并 #7")
    reviews = github_reviews(tmp_path / "r.json", ("chen-hao-fgw", "APPROVED", sha), ("yang-xiumei-fgw", "APPROVED", sha))
    result = zq("signoff", "record", "--root", root, "--commit", "HEAD", "--pr", "7", "--author", "wang-li-fgw",
                "--reviews", reviews)
    assert result.code == 0, result.text
    note = gitdata.read_record(repo, repo.head.commit)
    assert note["pr"] == "7" and note["author"] == "wang-li-fgw" and note["satisfied"] is True
    # each approval with the time of the review that gave it (R8.3); the reviews list says nothing of when the
    # pull request was opened, so the record has no "opened"
    assert note["approvers"] == {"chen-hao-fgw": [{"unit": "fgw", "role": "first", "at": "2026-11-21T10:00:00+00:00"}],
                                 "yang-xiumei-fgw": [{"unit": "fgw", "role": "second", "at": "2026-11-21T10:01:00+00:00"}]}
    assert "opened" not in note
    assert note["required"][0]["roles"] == ["first", "second"]
    assert "refs/notes/zhanqun" in repo.git.for_each_ref("refs/notes/")


def test_record_of_a_squash_merge_keeps_the_approvals_given_on_the_pull_request(cluster, zq, tmp_path):
    """On a squash merge the reviewed commits never reach main: their approvals still count in the record."""
    from zhanqun.signoff import gitdata

    root, repo = cluster
    sha = commit(repo, NEWS, ITEM.format(importance="一般"), "推进会动态")
    repo.git.checkout("main")
    repo.git.merge("--squash", "pr")
    repo.git.commit("-m", "县发改委推进重点项目建设 (#8)")
    reviews = github_reviews(tmp_path / "r.json", ("chen-hao-fgw", "APPROVED", sha), ("yang-xiumei-fgw", "APPROVED", sha))
    result = zq("signoff", "record", "--root", root, "--commit", "HEAD", "--pr", "8", "--author", "wang-li-fgw",
                "--reviews", reviews)
    assert result.code == 0, result.text
    note = gitdata.read_record(repo, repo.head.commit)
    assert note["satisfied"] is True and set(note["approvers"]) == {"chen-hao-fgw", "yang-xiumei-fgw"}
    assert zq("audit", "--root", root).code == 0


def test_a_merge_commit_with_its_own_edits_is_judged_on_what_landed(cluster, zq, tmp_path):
    """An 'evil merge' adds an important town item while merging a routine fgw item: the record needs the
    town's chain too, and the audit says it was not satisfied."""
    from zhanqun.signoff import gitdata

    root, repo = cluster
    sha = commit(repo, NEWS, ITEM.format(importance="routine"), "常规动态")
    repo.git.checkout("main")
    repo.git.merge("--no-ff", "--no-commit", "pr")
    town = Path(root) / "content" / "chengguan" / "gzdt" / "2026-11-21-zhen.md"
    town.write_text(ITEM.format(importance="重要"), encoding="utf-8")
    repo.git.add(A=True)
    repo.git.commit("-m", "合并 #9")
    reviews = github_reviews(tmp_path / "r.json", ("chen-hao-fgw", "APPROVED", sha))
    result = zq("signoff", "record", "--root", root, "--commit", "HEAD", "--pr", "9", "--author", "wang-li-fgw",
                "--reviews", reviews)
    assert result.code == 0 and "城关镇人民政府 缺少 初审" in result.out
    assert gitdata.read_record(repo, repo.head.commit)["satisfied"] is False
    audited = zq("audit", "--root", root)
    assert audited.code == 1 and "V004" in audited.out


def test_merging_main_with_edits_makes_earlier_approvals_stale(cluster, zq, tmp_path):
    root, repo = cluster
    first = commit(repo, NEWS, ITEM.format(importance="routine"), "初稿")
    reviews = github_reviews(tmp_path / "r.json", ("chen-hao-fgw", "APPROVED", first))
    repo.git.checkout("main")
    commit(repo, "content/fgw/gzdt/2026-11-20-other.md", ITEM.format(importance="routine"), "main 上的其他稿件")
    repo.git.checkout("pr")
    repo.git.merge("--no-ff", "main", "-m", "合入 main")
    assert check(zq, root, reviews).code == 0  # a clean merge of the base brings no new content
    repo.git.checkout("main")
    commit(repo, "content/fgw/gzdt/2026-11-19-more.md", ITEM.format(importance="routine"), "main 又一篇")
    repo.git.checkout("pr")
    repo.git.merge("--no-ff", "--no-commit", "main")
    (Path(root) / NEWS).write_text(ITEM.format(importance="routine").replace("推进会", "推进会（已改）"), encoding="utf-8")
    repo.git.add(A=True)
    repo.git.commit("-m", "合入 main 时顺手改稿")
    stale = check(zq, root, reviews)
    assert stale.code == 1 and "已失效" in stale.out


def test_records_from_two_ci_clones_are_both_kept_on_the_remote(cluster, zq, tmp_path):
    """Two merges recorded by two CI jobs from fresh clones (neither has the other's record): --push fetches,
    merges and retries, so the remote ends with both records, and the audit reads them in order."""
    import git

    from zhanqun.signoff import gitdata

    _root, repo = cluster
    sha = commit(repo, NEWS, ITEM.format(importance="routine"), "动态一")
    repo.git.checkout("main")
    repo.git.merge("--no-ff", "pr", "-m", "合并 #1")
    first = repo.head.commit.hexsha
    repo.git.checkout("-b", "pr2")
    sha2 = commit(repo, "content/fgw/gzdt/2026-11-22-two.md", ITEM.format(importance="routine"), "动态二")
    repo.git.checkout("main")
    repo.git.merge("--no-ff", "pr2", "-m", "合并 #2")
    second = repo.head.commit.hexsha
    remote = tmp_path / "remote.git"
    git.Repo.init(remote, bare=True, initial_branch="main")
    repo.git.push(str(remote), "main")
    clones = [git.Repo.clone_from(str(remote), tmp_path / name) for name in ("ci1", "ci2")]
    # ci2 writes its record before ci1 pushes, and pushes after: its first push is refused (not a fast-forward)
    reviews2 = github_reviews(tmp_path / "r2.json", ("chen-hao-fgw", "APPROVED", sha2))
    assert zq("signoff", "record", "--root", clones[1].working_dir, "--commit", second, "--pr", "2",
              "--author", "wang-li-fgw", "--reviews", reviews2).code == 0
    reviews1 = github_reviews(tmp_path / "r1.json", ("chen-hao-fgw", "APPROVED", sha))
    result = zq("signoff", "record", "--root", clones[0].working_dir, "--commit", first, "--pr", "1",
                "--author", "wang-li-fgw", "--reviews", reviews1, "--push", "origin")
    assert result.code == 0, result.text
    gitdata.push_notes(clones[1], "origin")
    check_clone = git.Repo.clone_from(str(remote), tmp_path / "auditor")
    check_clone.git.fetch("origin", "refs/notes/zhanqun:refs/notes/zhanqun")
    assert gitdata.read_record(check_clone, check_clone.commit(first))["pr"] == "1"
    assert gitdata.read_record(check_clone, check_clone.commit(second))["pr"] == "2"
    assert zq("audit", "--root", check_clone.working_dir).code == 0


def test_content_brought_in_as_the_first_parent_of_a_merge_is_not_covered_by_an_older_approval(cluster, zq, tmp_path):
    """Approved A; then new content B on a side line, merged with A (B first parent) and made the head: A's
    approval never saw B, whatever order the commits come in."""
    root, repo = cluster
    approved = commit(repo, NEWS, ITEM.format(importance="routine"), "A")
    repo.git.checkout("-b", "side", "main")
    commit(repo, "content/fgw/gzdt/2026-11-22-b.md", ITEM.format(importance="routine"), "B：未经审核")
    repo.git.merge("--no-ff", "pr", "-m", "合入 A")
    repo.git.checkout("pr")
    repo.git.reset("--hard", "side")
    result = check(zq, root, github_reviews(tmp_path / "r.json", ("chen-hao-fgw", "APPROVED", approved)))
    assert result.code == 1 and "已失效" in result.out


def test_a_pull_request_that_imports_an_unrelated_history_can_be_checked(cluster, zq, tmp_path):
    """Bringing an old site's history in with --allow-unrelated-histories is a merge git cannot redo
    without that flag: the check still judges it (as content), instead of asking for a newer git."""
    root, repo = cluster
    repo.git.checkout("--orphan", "oldsite")
    repo.git.rm("-r", "-q", "--cached", ".")
    for path in Path(root).iterdir():
        if path.is_dir() and path.name != ".git":
            shutil.rmtree(path)
        elif path.is_file():
            path.unlink()
    old = commit(repo, "content/fgw/gzdt/2019-01-01-jiu.md", ITEM.format(importance="routine"), "旧网站的稿件")
    repo.git.checkout("-f", "pr")
    repo.git.merge("--allow-unrelated-histories", "--no-edit", "oldsite")
    result = check(zq, root, github_reviews(tmp_path / "r.json", ("chen-hao-fgw", "APPROVED", repo.head.commit.hexsha)))
    assert result.code == 0, result.text
    # the old site's commit is the only content: an approval given on it has seen everything
    assert check(zq, root, github_reviews(tmp_path / "r.json", ("chen-hao-fgw", "APPROVED", old))).code == 0


def test_reviews_file_logins_in_another_case_are_the_same_people(cluster, zq, tmp_path):
    """R5.3, issue 10: the hosts treat Chen-Hao and chen-hao as one account: the author approving in capitals
    is still the author; a reviewer in capitals still holds the role in unit.yaml; one person twice fills one role."""
    root, repo = cluster
    sha = commit(repo, NEWS, ITEM.format(importance="一般"), "推进会动态")
    own = check(zq, root, github_reviews(tmp_path / "r.json", ("WANG-LI-FGW", "APPROVED", sha),
                                         ("Chen-Hao-Fgw", "APPROVED", sha)))
    assert own.code == 1 and "王莉（WANG-LI-FGW）是作者" in own.out and "初审 ✓ 陈浩（Chen-Hao-Fgw）" in own.out
    twice = check(zq, root, github_reviews(tmp_path / "r.json", ("chen-hao-fgw", "APPROVED", sha),
                                           ("CHEN-HAO-FGW", "APPROVED", sha)))
    assert twice.code == 1 and "缺少 复审" in twice.out
    done = check(zq, root, github_reviews(tmp_path / "r.json", ("CHEN-HAO-FGW", "APPROVED", sha),
                                          ("Yang-Xiumei-FGW", "APPROVED", sha)), "Wang-Li-FGW")
    assert done.code == 0, done.text


def test_content_commits_the_host_did_not_list_have_unknown_writers(cluster):
    """gitdata compares the host's list with git's range: every content commit it left out is counted."""
    from zhanqun.signoff import gitdata

    _root, repo = cluster
    shas = [commit(repo, NEWS, ITEM.format(importance="routine").replace("推进会", f"推进会{i}"), f"第 {i} 稿")
            for i in range(4)]
    base, head = repo.commit("main"), repo.commit("pr")
    listed = {sha: ("wang-li-fgw",) for sha in shas[-2:]}  # a list cut short keeps the newest
    change = gitdata.change_between(repo, base, head, "wang-li-fgw", [], listed=listed)
    assert change.unknown_writers == 2 and gitdata.unlisted_content(repo, base, head, listed) == shas[:2]
    complete = gitdata.change_between(repo, base, head, "wang-li-fgw", [], listed={s: ("Wang-Li-Fgw",) for s in shas})
    assert complete.unknown_writers == 0 and complete.contributors == frozenset()
    assert gitdata.change_between(repo, base, head, "wang-li-fgw", []).unknown_writers == 0  # no host: not asked


def test_a_deeply_nested_reviews_file_is_a_clear_error(cluster, zq, tmp_path):
    """Issue 10 §9: thousands of nested brackets are a usage error with the file named, not an internal error."""
    root, repo = cluster
    commit(repo, NEWS, ITEM.format(importance="routine"), "动态")
    bomb = tmp_path / "r.json"
    bomb.write_text("[" * 100000 + "]" * 100000, encoding="utf-8")
    result = check(zq, root, bomb)
    assert result.code == 2 and "r.json" in result.text and "Traceback" not in result.text


def test_reviewers_are_shown_by_name_from_the_base_config(cluster, zq, tmp_path):
    """Issue 15 (names, not logins; R5.2): the verdict names each reviewer by ``people[].name`` with the login,
    from the base commit's unit.yaml — a pull request renaming its reviewer does not change what the verdict
    shows — and a login nobody lists is shown as the login with a note."""
    root, repo = cluster
    unit = Path(root) / "content" / "fgw" / "unit.yaml"
    commit(repo, "content/fgw/unit.yaml", unit.read_text(encoding="utf-8").replace("name: 陈浩", "name: 陈改名"), "改名")
    sha = commit(repo, NEWS, ITEM.format(importance="一般"), "推进会动态")
    result = check(zq, root, github_reviews(tmp_path / "r.json", ("chen-hao-fgw", "APPROVED", sha),
                                            ("stranger-x", "CHANGES_REQUESTED", sha)))
    assert result.code == 1
    assert "初审 ✓ 陈浩（chen-hao-fgw）" in result.out and "陈改名" not in result.out
    assert "stranger-x（未在 unit.yaml 中列出）要求修改" in result.out
    assert "缺少 复审（可批准：杨秀梅（yang-xiumei-fgw））" in result.out
    data = json.loads(check(zq, root, github_reviews(tmp_path / "r.json", ("chen-hao-fgw", "APPROVED", sha)),
                            "wang-li-fgw", "--format", "json").out)
    assert data["requirements"][0]["filled"] == {"first": "chen-hao-fgw"}  # tools keep the login
    assert data["requirements"][0]["filled_names"] == {"first": "陈浩（chen-hao-fgw）"}
    assert data["people"] == {"wang-li-fgw": "王莉（wang-li-fgw）", "chen-hao-fgw": "陈浩（chen-hao-fgw）"}


def test_a_platform_admin_without_a_unit_entry_is_shown_as_admin(cluster, zq, tmp_path):
    """Issue 15: an admin listed only in cluster.yaml ``admins`` has no name anywhere: the login, saying why."""
    root, repo = cluster
    commit(repo, "content/cluster.yaml", (Path(root) / "content" / "cluster.yaml").read_text(encoding="utf-8")
           .replace("name: 示例县人民政府\n", "name: 示例县人民政府 \n", 1), "配置")
    sha = repo.head.commit.hexsha
    result = check(zq, root, github_reviews(tmp_path / "r.json", ("egov-zhou", "APPROVED", sha)))
    assert result.code == 0, result.text
    assert "平台管理员 ✓ egov-zhou（平台管理员，unit.yaml 中没有姓名）" in result.out
