"""``zhanqun audit`` (R8.1, R8.2): scripted histories on real repositories, audited from git alone — the notes
written by ``zhanqun signoff record`` and the history of main."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from tests import fakes
from tests.gitrepo import ITEM, NEWS, commit, github_reviews, merge
from zhanqun.findings import Finding

FIRST, SECOND, FINAL, EDITOR = "chen-hao-fgw", "yang-xiumei-fgw", "li-zhenhua-fgw", "wang-li-fgw"
LEADER = "shen-lihua-xzf"


def merged_pr(repo, zq, tmp_path, number: int, path: str, text: str, when: str, approvers=(FIRST,),
              author: str = EDITOR, emergency: str = "", record: bool = True) -> str:
    """A pull request from a branch off main: one commit, reviews by ``approvers``, merged at ``when`` and
    recorded as CI does after the merge. Returns the merge commit."""
    repo.git.checkout("-B", f"pr{number}", "main")
    sha = commit(repo, path, text, f"稿件 #{number}", when)
    merged = merge(repo, f"pr{number}", f"合并 #{number}", when)
    if record:
        reviews = github_reviews(tmp_path / f"r{number}.json", *((login, "APPROVED", sha) for login in approvers))
        args = ["signoff", "record", "--root", repo.working_dir, "--commit", merged, "--pr", str(number),
                "--author", author, "--reviews", reviews]
        assert zq(*args, *(["--emergency", emergency] if emergency else [])).code == 0
    return merged


def audit(zq, root, *args: str):
    result = zq("audit", "--root", root, "--format", "json", *args)
    return result.code, json.loads(result.out)


@pytest.fixture
def main(cluster):
    root, repo = cluster
    repo.git.checkout("main")
    return root, repo


def test_recorded_chain_is_listed_with_roles_and_no_violation(main, zq, tmp_path):
    root, repo = main
    merged = merged_pr(repo, zq, tmp_path, 3, NEWS, ITEM.format(importance="一般"), "2026-11-22T10:00:00+08:00",
                       (FIRST, SECOND))
    code, data = audit(zq, root)
    assert code == 0 and data["findings"] == []
    entry = next(c for c in data["commits"] if c["commit"] == merged)
    assert entry["status"] == "satisfied" and entry["pr"] == "3" and entry["author"] == EDITOR
    assert {(a["login"], a["role"]) for a in entry["approvers"]} == {(FIRST, "first"), (SECOND, "second")}
    assert data["commits"][0]["status"] == "initial"  # the import of the cluster
    text = zq("audit", "--root", root)
    assert text.code == 0 and "fgw 初审 陈浩（chen-hao-fgw）" in text.out and "没有发现违规" in text.out
    assert "作者 王莉（wang-li-fgw）" in text.out


def test_people_are_shown_by_name_in_text_html_json_and_page(main, zq, tmp_path):
    """Issue 15 (names, not logins; R8.1, R8.3): the audit names each author and approver from the unit
    configs over main's history (stats.people.directory): a reviewer who has since left unit.yaml keeps their
    name; a login nobody ever listed is shown as the login with a note; JSON keeps logins and adds names."""
    root, repo = main
    merged = merged_pr(repo, zq, tmp_path, 3, NEWS, ITEM.format(importance="一般"), "2026-11-22T10:00:00+08:00",
                       (FIRST, SECOND))
    unit = Path(root) / "content" / "fgw" / "unit.yaml"
    gone = unit.read_text(encoding="utf-8").replace("  - id: chen-hao-fgw\n    name: 陈浩\n    roles: [first]\n", "")
    assert gone != unit.read_text(encoding="utf-8")
    commit(repo, "content/fgw/unit.yaml", gone, "陈浩调离", "2026-11-23T09:00:00+08:00")
    _code, data = audit(zq, root)  # (the unit.yaml commit, pushed directly, is V001)
    entry = next(c for c in data["commits"] if c["commit"] == merged)
    assert entry["author"] == EDITOR and entry["author_name"] == "王莉（wang-li-fgw）"
    assert {(a["login"], a["name"]) for a in entry["approvers"]} == {(FIRST, "陈浩（chen-hao-fgw）"),
                                                                    (SECOND, "杨秀梅（yang-xiumei-fgw）")}
    assert data["people"][FIRST] == "陈浩（chen-hao-fgw）"
    text = zq("audit", "--root", root).out
    assert "作者 王莉（wang-li-fgw）：已满足；审核 fgw 初审 陈浩（chen-hao-fgw）、fgw 复审 杨秀梅（yang-xiumei-fgw）" in text
    page = zq("audit", "--root", root, "--format", "html").out
    assert "<td data-label=\"作者\">王莉（wang-li-fgw）</td>" in page and "fgw 初审 陈浩（chen-hao-fgw）" in page
    history = zq("audit", "--root", root, "--page", NEWS).out
    assert "作者 王莉（wang-li-fgw）；审核 fgw 初审 陈浩（chen-hao-fgw）" in history
    page_json = json.loads(zq("audit", "--root", root, "--page", NEWS, "--format", "json").out)
    assert page_json["events"][0]["author_name"] == "王莉（wang-li-fgw）"


def test_a_login_nobody_lists_is_shown_with_a_note(main, zq, tmp_path):
    """Issue 15: a record's author that no unit.yaml ever listed is shown as the login, saying so."""
    root, repo = main
    merged_pr(repo, zq, tmp_path, 5, NEWS, ITEM.format(importance="routine"), "2026-11-22T10:00:00+08:00",
              (FIRST,), author="outsider-x")
    text = zq("audit", "--root", root).out
    assert "作者 outsider-x（未在 unit.yaml 中列出）" in text and "fgw 初审 陈浩（chen-hao-fgw）" in text


def test_direct_push_and_unrecorded_merge_are_violations(main, zq, tmp_path):
    root, repo = main
    pushed = commit(repo, NEWS, ITEM.format(importance="routine"), "直接推送", "2026-11-22T08:00:00+08:00")
    unrecorded = merged_pr(repo, zq, tmp_path, 4, "content/fgw/gzdt/2026-11-22-b.md", ITEM.format(importance="routine"),
                           "2026-11-22T09:00:00+08:00", record=False)
    commit(repo, "docs/local-notes.md", "不需要审核的说明\n", "说明文件", "2026-11-22T11:00:00+08:00")
    code, data = audit(zq, root)
    assert code == 1
    assert [(v["code"], v["commit"]) for v in data["findings"]] == [("V001", pushed), ("V001", unrecorded)]
    assert "没有任何审核记录" in zq("audit", "--root", root).err  # a clone without the notes says why
    assert all(c["subject"] != "说明文件" for c in data["commits"])  # only changes that need a sign-off


def test_violations_are_findings_with_numbers_masked(main, zq, tmp_path):
    """The audit's violations are findings like check's (issue 13, R4.2): the same fields, the hint defaulting
    to the rule's fix, and a long number a person wrote into a commit subject masked in every output."""
    root, repo = main
    number = fakes.id18(random.Random(13))
    pushed = commit(repo, NEWS, ITEM.format(importance="routine"), f"直接推送 {number} 的材料", "2026-11-22T08:00:00+08:00")
    code, data = audit(zq, root)
    assert code == 1
    (found,) = data["findings"]
    assert set(found) == {*Finding("a.md", 1, 1, "F001", "m").as_dict(), "commit", "time"}  # check's fields, and more
    assert (found["code"], found["commit"], found["path"], found["line"]) == ("V001", pushed, "", 0)
    assert found["hint"].startswith("在托管平台开启分支保护")
    masked = number[:6] + "*" * 8 + number[-4:]
    for shown in (json.dumps(data, ensure_ascii=False), zq("audit", "--root", root).out,
                  zq("audit", "--root", root, "--format", "html").out):
        assert number not in shown and masked in shown


def test_unsatisfied_merge_and_forged_records(main, zq, tmp_path):
    """A merge recorded as unsatisfied (V004); notes written by hand claiming the author or a role the person
    did not hold at the time (V002, V003)."""
    root, repo = main
    unsatisfied = merged_pr(repo, zq, tmp_path, 5, NEWS, ITEM.format(importance="重要"), "2026-11-22T10:00:00+08:00",
                            (FIRST,))
    forged = merged_pr(repo, zq, tmp_path, 6, "content/fgw/gzdt/2026-11-22-c.md", ITEM.format(importance="一般"),
                       "2026-11-22T11:00:00+08:00", record=False)
    note = {"version": 1, "pr": "6", "commit": forged, "author": EDITOR, "time": "2026-11-22T11:00:00+08:00",
            "approvers": {EDITOR: [{"unit": "fgw", "role": "first"}], FIRST: [{"unit": "fgw", "role": "second"}]},
            "required": [], "missing": {}, "satisfied": True, "emergency": False}
    repo.git.notes("--ref", "refs/notes/zhanqun", "add", "-m", json.dumps(note), forged)
    code, data = audit(zq, root)
    found = {(v["code"], v["commit"]) for v in data["findings"]}
    assert code == 1
    assert found == {("V004", unsatisfied), ("V002", forged), ("V003", forged), ("V008", forged)}
    messages = " ".join(v["message"] for v in data["findings"])
    assert "缺少 复审" in messages and "缺少 终审" in messages
    assert f"{EDITOR} 被记为 示例县发展和改革委员会 的 初审" in messages
    assert f"{FIRST} 被记为 示例县发展和改革委员会 的 复审" in messages
    assert "改动涉及 fgw，记录的审核链没有包括" in messages  # the forged note requires nothing


def test_roles_are_judged_by_the_config_of_that_time(main, zq, tmp_path):
    """Removing a reviewer later (a staff change) does not turn their earlier approvals into violations."""
    root, repo = main
    merged_pr(repo, zq, tmp_path, 7, NEWS, ITEM.format(importance="routine"), "2026-11-22T10:00:00+08:00")
    unit = Path(root) / "content" / "fgw" / "unit.yaml"
    text = unit.read_text(encoding="utf-8").replace("    roles: [first]", "    roles: [editor]", 1)
    merged_pr(repo, zq, tmp_path, 8, "content/fgw/unit.yaml", text, "2026-11-23T10:00:00+08:00", ("egov-zhou",))
    code, data = audit(zq, root)
    assert code == 0, data["findings"]
    assert data["commits"][-1]["approvers"] == [{"login": "egov-zhou", "unit": "__platform__", "role": "admin", "name": "egov-zhou（平台管理员，unit.yaml 中没有姓名）"}]


def test_emergency_stays_open_until_the_chain_is_completed(main, zq, tmp_path):
    root, repo = main
    merged = merged_pr(repo, zq, tmp_path, 9, NEWS, ITEM.format(importance="一般"), "2026-11-22T03:00:00+08:00",
                       (LEADER,), emergency="暴雨红色预警，须立即发布避险通知")
    code, data = audit(zq, root)
    assert code == 1 and [v["code"] for v in data["findings"]] == ["V005"]
    assert "暴雨红色预警" in data["findings"][0]["message"] and "缺少 初审" in data["findings"][0]["message"]
    # afterwards the unit's reviewers approve, and CI (or the office) records again: the note grows a line
    sha = repo.commit(merged).parents[1].hexsha
    later = github_reviews(tmp_path / "later.json", (LEADER, "APPROVED", sha), (FIRST, "APPROVED", sha),
                           (SECOND, "APPROVED", sha))
    assert zq("signoff", "record", "--root", root, "--commit", merged, "--pr", "9", "--author", EDITOR,
              "--reviews", later, "--emergency", "暴雨红色预警，须立即发布避险通知").code == 0
    code, data = audit(zq, root)
    assert code == 0 and data["findings"] == []
    entry = data["commits"][-1]
    assert entry["status"] == "emergency-completed" and entry["emergency_reason"].startswith("暴雨")
    assert {a["login"] for a in entry["approvers"]} == {LEADER, FIRST, SECOND}
    notes = repo.git.notes("--ref", "refs/notes/zhanqun", "show", merged)
    assert len([line for line in notes.splitlines() if line.strip()]) == 2  # the merge-time record is kept


def test_added_suppressions_are_listed_with_their_reason(main, zq, tmp_path):
    root, repo = main
    body = ITEM.format(importance="routine") + "\n<!-- zhanqun: ignore[W002] 引用的是 1949 年以前的史料原文 -->\n中华民国时期的档案记载。\n"
    merged = merged_pr(repo, zq, tmp_path, 10, NEWS, body, "2026-11-22T10:00:00+08:00")
    # editing the same page later without touching the suppression lists nothing new
    merged_pr(repo, zq, tmp_path, 11, NEWS, body.replace("档案记载", "档案中记载"), "2026-11-23T10:00:00+08:00")
    code, data = audit(zq, root)
    assert code == 0  # a warning: listed for the auditor, not a failure
    assert [(v["code"], v["commit"], v["path"]) for v in data["findings"]] == [("V006", merged, NEWS)]
    assert "ignore[W002]" in data["findings"][0]["message"] and "史料原文" in data["findings"][0]["message"]
    # a finding like check's (issue 13): the file and the line of the comment; the hint is the rule's fix
    line = body.splitlines().index("<!-- zhanqun: ignore[W002] 引用的是 1949 年以前的史料原文 -->") + 1
    assert (data["findings"][0]["line"], data["findings"][0]["severity"]) == (line, "warning")
    assert data["findings"][0]["hint"].startswith("核实理由是否成立")


def test_rewritten_history_is_detected(main, zq, tmp_path):
    root, repo = main
    recorded = merged_pr(repo, zq, tmp_path, 12, NEWS, ITEM.format(importance="routine"), "2026-11-22T10:00:00+08:00")
    repo.git.reset("--hard", "HEAD~1")  # a force-push drops the merge
    merged_pr(repo, zq, tmp_path, 13, "content/fgw/gzdt/2026-11-23-d.md", ITEM.format(importance="routine"),
              "2026-11-23T10:00:00+08:00")
    code, data = audit(zq, root)
    assert code == 1 and [(v["code"], v["commit"]) for v in data["findings"]] == [("V007", recorded)]
    assert "#12" in data["findings"][0]["message"]


def test_since_limits_the_audit(main, zq, tmp_path, monkeypatch):
    """--since takes a commit or a date (China time, whatever the machine's zone); from the first commit that
    landed on that day, everything after it is audited, a back-dated direct push included."""
    root, repo = main
    monkeypatch.setenv("TZ", "UTC")
    old = commit(repo, NEWS, ITEM.format(importance="routine"), "当天的直接推送", "2026-11-21T12:00:00+08:00")
    new = merged_pr(repo, zq, tmp_path, 14, "content/fgw/gzdt/2026-11-24-e.md", ITEM.format(importance="routine"),
                    "2026-11-24T03:00:00+08:00")
    assert [v["commit"] for v in audit(zq, root)[1]["findings"]] == [old]
    for since in (old, "2026-11-24"):
        code, data = audit(zq, root, "--since", since)
        assert code == 0 and [c["commit"] for c in data["commits"]] == [new]
    backdated = commit(repo, "content/fgw/gzdt/2026-11-25-g.md", ITEM.format(importance="routine"), "倒填日期",
                       "2020-01-01T10:00:00+08:00")
    code, data = audit(zq, root, "--since", "2026-11-24")
    assert code == 1 and [v["commit"] for v in data["findings"]] == [backdated]
    for bad, message in (("上个月", "既不是提交也不是日期"), ("2026-00-00", "不是有效的日期")):
        result = zq("audit", "--root", root, "--since", bad)
        assert result.code == 2 and message in result.err


def test_page_provenance_follows_renames_and_withdrawal(main, zq, tmp_path):
    root, repo = main
    moved = "content/fgw/tzgg/2026-11-21-xiangmu-tuijin.md"
    merged_pr(repo, zq, tmp_path, 20, NEWS, ITEM.format(importance="routine"), "2026-11-21T10:00:00+08:00")
    merged_pr(repo, zq, tmp_path, 21, NEWS, ITEM.format(importance="一般").replace("推进会", "推进大会"),
              "2026-11-22T10:00:00+08:00", (FIRST, SECOND))
    repo.git.checkout("-B", "pr22", "main")
    repo.git.mv(NEWS, moved)
    repo.git.commit("-m", "移到通知公告")
    merged = merge(repo, "pr22", "合并 #22", "2026-11-23T10:00:00+08:00")
    reviews = github_reviews(tmp_path / "r22.json", (FIRST, "APPROVED", repo.commit(merged).parents[1].hexsha),
                             (SECOND, "APPROVED", repo.commit(merged).parents[1].hexsha))
    assert zq("signoff", "record", "--root", root, "--commit", merged, "--pr", "22", "--author", EDITOR,
              "--reviews", reviews).code == 0
    withdrawn = ITEM.format(importance="一般").replace("推进会", "推进大会").replace(
        "importance:", "withdrawn: {date: 2026-11-24, reason: 项目信息有误，已另行发布}\nimportance:")
    merged_pr(repo, zq, tmp_path, 23, moved, withdrawn, "2026-11-24T10:00:00+08:00", (FIRST, SECOND))
    result = zq("audit", "--root", root, "--page", moved, "--format", "json")
    assert result.code == 0, result.err
    events = json.loads(result.out)["events"]
    assert [e["action"] for e in events] == ["新建", "修改", f"移动（原 {NEWS}）", "撤稿"]
    assert [e["pr"] for e in events] == ["20", "21", "22", "23"]
    assert events[1]["approvers"] == [{"login": FIRST, "unit": "fgw", "role": "first", "name": "陈浩（chen-hao-fgw）"},
                                      {"login": SECOND, "unit": "fgw", "role": "second", "name": "杨秀梅（yang-xiumei-fgw）"}]
    text = zq("audit", "--root", root, "--page", moved)
    assert "撤稿 #23：作者 王莉（wang-li-fgw）" in text.out
    before = json.loads(zq("audit", "--root", root, "--page", NEWS, "--format", "json").out)["events"]
    assert [e["action"] for e in before] == ["新建", "修改", f"移到 {moved}"]  # asked by its old name
    missing = zq("audit", "--root", root, "--page", "content/fgw/gzdt/none.md")
    assert missing.code == 2 and "没有" in missing.err


def test_html_report_and_usage_errors(main, zq, tmp_path):
    root, repo = main
    commit(repo, NEWS, ITEM.format(importance="routine"), "直接推送 <script>", "2026-11-22T08:00:00+08:00")
    out = tmp_path / "audit" / "report.html"
    result = zq("audit", "--root", root, "--format", "html", "--output", out)
    assert result.code == 1
    page = out.read_text(encoding="utf-8")
    assert "V001" in page and "直接推送 &lt;script&gt;" in page and "<script" not in page
    assert zq("audit", "--root", tmp_path, "--format", "json").code == 2  # not a repository
    blocked = tmp_path / "file"
    blocked.write_text("", encoding="utf-8")
    unwritable = zq("audit", "--root", root, "--format", "html", "--output", blocked / "report.html")
    assert unwritable.code == 2 and "无法写入" in unwritable.err
    nobranch = zq("audit", "--root", root, "--branch", "master")
    assert nobranch.code == 2 and "找不到分支 master" in nobranch.err and "Traceback" not in nobranch.err


def test_repeated_audit_searches_only_new_commits_and_still_finds_them(main, zq, tmp_path):
    """The suppression search is kept in .git/zhanqun/: a later audit finds suppressions added since, and one
    after a history rewrite (the kept tip is gone) searches everything again."""
    root, repo = main
    body = ITEM.format(importance="routine") + "\n<!-- zhanqun: ignore[W002] 引用的是 1949 年以前的史料原文 -->\n中华民国时期。\n"
    first = merged_pr(repo, zq, tmp_path, 30, NEWS, body, "2026-11-22T10:00:00+08:00")
    assert [v["commit"] for v in audit(zq, root)[1]["findings"]] == [first]
    assert (Path(root) / ".git" / "zhanqun" / "audit-suppressions.json").is_file()
    other = "content/fgw/gzdt/2026-11-23-f.md"
    second = merged_pr(repo, zq, tmp_path, 31, other, body.replace("史料原文", "档案原文"), "2026-11-23T10:00:00+08:00")
    assert [v["commit"] for v in audit(zq, root)[1]["findings"]] == [first, second]
    # rewrite: drop both merges and land the second suppression again as a new commit
    repo.git.reset("--hard", repo.commit(first).parents[0].hexsha)
    third = merged_pr(repo, zq, tmp_path, 32, other, body.replace("史料原文", "档案原文"), "2026-11-24T10:00:00+08:00")
    _code, data = audit(zq, root)
    assert [(v["code"], v["commit"]) for v in data["findings"] if v["code"] == "V006"] == [("V006", third)]
    assert {v["commit"] for v in data["findings"] if v["code"] == "V007"} == {first, second}
    assert audit(zq, root, "--no-cache")[1]["findings"] == data["findings"]


def test_a_commit_message_cannot_forge_entries(main, zq, tmp_path):
    """Control characters in a subject (the separators a naive parser would split on) change nothing."""
    root, repo = main
    merged = merged_pr(repo, zq, tmp_path, 40, NEWS, ITEM.format(importance="routine"), "2026-11-22T10:00:00+08:00")
    parent = repo.commit(merged).parents[0].hexsha
    forged = f"修正错字\x1e{merged}\x1f{parent}\x1fz\x1fz\x1f1795300000\x1f合并 #40"
    pushed = commit(repo, "content/fgw/gzdt/2026-11-23-h.md", ITEM.format(importance="重要"), forged,
                    "2026-11-23T10:00:00+08:00")
    code, data = audit(zq, root)
    assert code == 1 and [(v["code"], v["commit"]) for v in data["findings"]] == [("V001", pushed)]
    assert [c["commit"] for c in data["commits"]][-2:] == [merged, pushed]


def test_a_shallow_clone_is_refused(main, zq, tmp_path):
    root, repo = main
    commit(repo, NEWS, ITEM.format(importance="routine"), "直接推送", "2026-11-22T08:00:00+08:00")
    commit(repo, "content/fgw/gzdt/2026-11-23-i.md", ITEM.format(importance="routine"), "又一次", "2026-11-23T08:00:00+08:00")
    shallow = tmp_path / "shallow"
    repo.git.clone("--depth", "1", f"file://{root}", str(shallow))
    result = zq("audit", "--root", shallow, "--branch", "main")
    assert result.code == 2 and "浅克隆" in result.err and "fetch-depth: 0" in result.err


def test_malformed_notes_are_unreadable_records_not_crashes(main, zq, tmp_path):
    root, repo = main
    for number, note in enumerate(('{"approvers": {"x": ["first"]}}', '{"missing": ["first"]}', '{"required": 5}',
                                   '{"satisfied": true}', "不是 JSON")):
        sha = merged_pr(repo, zq, tmp_path, 50 + number, f"content/fgw/gzdt/2026-11-2{number}-m.md",
                        ITEM.format(importance="routine"), f"2026-11-2{number}T10:00:00+08:00", record=False)
        repo.git.notes("--ref", "refs/notes/zhanqun", "add", "-m", note, sha)
    result = zq("audit", "--root", root, "--format", "json")
    data = json.loads(result.out)
    assert result.code == 1 and "Traceback" not in result.err
    codes = [v["code"] for v in data["findings"]]
    assert codes.count("V001") == 4  # the four that are not a record at all
    assert "V008" in codes  # {"satisfied": true} claims a chain for a change it does not cover


def test_suppressions_cannot_hide_behind_spacing_or_gitattributes(main, zq, tmp_path):
    root, repo = main
    spaced = ITEM.format(importance="routine") + "\n<!-- zhanqun:\u3000\u3000ignore[W002] 引用史料原文 -->\n中华民国时期。\n"
    merged_pr(repo, zq, tmp_path, 60, ".gitattributes", "*.md -diff\n", "2026-11-22T09:00:00+08:00", ("egov-zhou",))
    hidden = merged_pr(repo, zq, tmp_path, 61, NEWS, spaced, "2026-11-22T10:00:00+08:00")
    _code, data = audit(zq, root, "--no-cache")
    assert [(v["code"], v["commit"]) for v in data["findings"]] == [("V006", hidden)]
    assert data["commits"][1]["approvers"] == [{"login": "egov-zhou", "unit": "__platform__", "role": "admin", "name": "egov-zhou（平台管理员，unit.yaml 中没有姓名）"}]


def test_the_kept_search_is_dropped_when_main_takes_another_first_parent_path(main, zq, tmp_path):
    """main fast-forwarded to a merge whose first parent is a side line: the kept tip is still an ancestor
    but off the first-parent path, so everything is searched again (and the side line's V006 is found)."""
    root, repo = main
    body = ITEM.format(importance="routine") + "\n<!-- zhanqun: ignore[W002] 引用的是史料原文 -->\n中华民国时期。\n"
    old_tip = merged_pr(repo, zq, tmp_path, 70, "content/fgw/gzdt/2026-11-22-j.md", ITEM.format(importance="routine"),
                        "2026-11-22T10:00:00+08:00")
    assert audit(zq, root)[0] == 0  # keeps the search up to old_tip
    repo.git.checkout("-B", "side", repo.commit(old_tip).parents[0].hexsha)
    side = commit(repo, NEWS, body, "旁支上的豁免", "2026-11-22T11:00:00+08:00")
    repo.git.merge("--no-ff", old_tip, "-m", "把 main 合入旁支", env={"GIT_COMMITTER_DATE": "2026-11-22T12:00:00+08:00"})
    repo.git.checkout("main")
    repo.git.merge("--ff-only", "side")
    _code, data = audit(zq, root)
    assert (("V006", side) in {(v["code"], v["commit"]) for v in data["findings"]})
    assert audit(zq, root, "--no-cache")[1]["findings"] == data["findings"]


def test_a_history_grafted_onto_a_new_root_is_reported(main, zq, tmp_path):
    """A fast-forward to an orphan line that merged main with '-s ours': no force-push needed, and the first-
    parent path shows only a new 'initial import'. The recorded merge off that path and the second root say so."""
    root, repo = main
    recorded = merged_pr(repo, zq, tmp_path, 80, NEWS, ITEM.format(importance="routine"), "2026-11-22T10:00:00+08:00")
    repo.git.checkout("--orphan", "evil")
    commit(repo, "content/fgw/gzdt/2026-11-23-k.md", ITEM.format(importance="重要"), "新的开始", "2026-11-23T10:00:00+08:00")
    repo.git.merge("--allow-unrelated-histories", "-s", "ours", "main", "-m", "接上旧历史",
                   env={"GIT_COMMITTER_DATE": "2026-11-23T11:00:00+08:00"})
    repo.git.checkout("main")
    repo.git.merge("--ff-only", "evil")
    code, data = audit(zq, root)
    assert code == 1 and recorded not in {c["commit"] for c in data["commits"]}
    assert any(v["code"] == "V007" and "另有根提交" in v["message"] for v in data["findings"])


def test_a_record_on_a_release_branch_merged_later_is_fine(main, zq, tmp_path):
    """PR #81 merged into a release branch and recorded there; the release merged into main (#82): the first
    record is off main's first-parent path but in its history, which is not a violation."""
    root, repo = main
    repo.git.checkout("-b", "release")
    repo.git.checkout("-b", "pr81")
    sha = commit(repo, NEWS, ITEM.format(importance="routine"), "稿件 #81", "2026-11-22T09:00:00+08:00")
    repo.git.checkout("release")
    repo.git.merge("--no-ff", "pr81", "-m", "合并 #81", env={"GIT_COMMITTER_DATE": "2026-11-22T10:00:00+08:00"})
    released = repo.head.commit.hexsha
    reviews = github_reviews(tmp_path / "r81.json", (FIRST, "APPROVED", sha))
    assert zq("signoff", "record", "--root", root, "--commit", released, "--pr", "81", "--author", EDITOR,
              "--reviews", reviews).code == 0
    repo.git.checkout("main")
    repo.git.merge("--no-ff", "release", "-m", "合并发布分支 #82", env={"GIT_COMMITTER_DATE": "2026-11-23T10:00:00+08:00"})
    assert zq("signoff", "record", "--root", root, "--commit", "HEAD", "--pr", "82", "--author", EDITOR,
              "--reviews", reviews).code == 0
    code, data = audit(zq, root)
    assert code == 0, data["findings"]


# -- issue 10: the smaller holes ------------------------------------------------------------------------------

REASON = "暴雨红色预警，须立即发布避险通知"


@pytest.mark.parametrize("restated, completed", [
    (None, False),  # completed without --emergency: still open (docs/signoff.md §3)
    ("另一个理由：山洪", False),  # not the same reason
    ("\u200b\u3000", False),  # invisible: no reason at all
    (REASON, True),
    (f"\u3000{REASON}\u200b ", True),  # the same words; invisible characters and spacing aside
])
def test_an_emergency_completed_without_restating_it_stays_open(main, zq, tmp_path, restated, completed):
    """R5.5, R8.2: the completion record must repeat the emergency's reason, else V005 stays."""
    root, repo = main
    merged = merged_pr(repo, zq, tmp_path, 9, NEWS, ITEM.format(importance="一般"), "2026-11-22T03:00:00+08:00",
                       (LEADER,), emergency=REASON)
    sha = repo.commit(merged).parents[1].hexsha
    later = github_reviews(tmp_path / "later.json", (LEADER, "APPROVED", sha), (FIRST, "APPROVED", sha),
                           (SECOND, "APPROVED", sha))
    args = ["signoff", "record", "--root", root, "--commit", merged, "--pr", "9", "--author", EDITOR, "--reviews", later]
    recorded = zq(*args, *(["--emergency", restated] if restated is not None else []))
    assert recorded.code == 0 and ("审计仍把它列为紧急发布未补齐（V005）" in recorded.err) is not completed
    code, data = audit(zq, root)
    entry = data["commits"][-1]
    if completed:
        assert code == 0 and data["findings"] == [] and entry["status"] == "emergency-completed"
    else:
        assert code == 1 and [v["code"] for v in data["findings"]] == ["V005"], data["findings"]
        assert entry["status"] == "emergency-open" and REASON in data["findings"][0]["message"]


PAGE = ITEM.format(importance="routine") + "\n{a}中华民国时期的档案记载。\n\n{b}民国二十年的县志。\n"
MARK = "<!-- zhanqun: ignore[W002] 引用的是 1949 年以前的史料原文 -->\n"


def _v006(zq, root) -> list[str]:
    return [v["commit"] for v in audit(zq, root)[1]["findings"] if v["code"] == "V006"]


def test_a_suppression_moved_onto_another_finding_is_new(main, zq, tmp_path):
    """R8.2: same code, same reason, but it now covers another line: listed again. Lines added above it, an
    edit elsewhere, or moving it together with the line it covers list nothing."""
    root, repo = main
    first = merged_pr(repo, zq, tmp_path, 20, NEWS, PAGE.format(a=MARK, b=""), "2026-11-22T10:00:00+08:00")
    moved = merged_pr(repo, zq, tmp_path, 21, NEWS, PAGE.format(a="", b=MARK), "2026-11-23T10:00:00+08:00")
    assert _v006(zq, root) == [first, moved]
    shifted = PAGE.format(a="", b=MARK).replace("\n中华民国", "\n新增的一段说明。\n\n中华民国")
    merged_pr(repo, zq, tmp_path, 22, NEWS, shifted, "2026-11-24T10:00:00+08:00")
    together = shifted.replace(f"{MARK}民国二十年的县志。\n", "").replace("新增的一段说明。\n", f"新增的一段说明。\n{MARK}民国二十年的县志。\n")
    assert together != shifted
    merged_pr(repo, zq, tmp_path, 23, NEWS, together, "2026-11-25T10:00:00+08:00")
    assert _v006(zq, root) == [first, moved]


def test_an_inline_suppression_whose_line_now_says_something_else_is_new(main, zq, tmp_path):
    root, repo = main
    line = "值班电话 {n} <!-- zhanqun: ignore[P002] 镇政府值班电话，已公开多年 -->\n"
    body = ITEM.format(importance="routine") + "\n" + line
    first = merged_pr(repo, zq, tmp_path, 24, NEWS, body.format(n="0000-1234567"), "2026-11-22T10:00:00+08:00")
    swapped = merged_pr(repo, zq, tmp_path, 25, NEWS, body.format(n="0000-7654321"), "2026-11-23T10:00:00+08:00")
    assert _v006(zq, root) == [first, swapped]


def test_the_audit_compares_logins_ignoring_case(main, zq, tmp_path):
    """R5.3, R8.2: a record naming the author in another case is self-approval (V002); an approver whose
    login the host spells differently from unit.yaml held the role (no V003)."""
    root, repo = main
    spelled = merged_pr(repo, zq, tmp_path, 26, NEWS, ITEM.format(importance="routine"), "2026-11-22T10:00:00+08:00",
                        (FIRST.upper(),), author=EDITOR.title())
    forged = merged_pr(repo, zq, tmp_path, 27, "content/fgw/gzdt/2026-11-22-c.md", ITEM.format(importance="routine"),
                       "2026-11-22T11:00:00+08:00", record=False)
    note = {"version": 1, "pr": "27", "commit": forged, "author": EDITOR, "time": "2026-11-22T11:00:00+08:00",
            "approvers": {EDITOR.upper(): [{"unit": "fgw", "role": "first"}]},
            "required": [{"unit": "fgw", "roles": ["first"]}], "missing": {}, "satisfied": True, "emergency": False}
    repo.git.notes("--ref", "refs/notes/zhanqun", "add", "-m", json.dumps(note), forged)
    _code, data = audit(zq, root)
    found = {(v["code"], v["commit"]) for v in data["findings"]}
    assert ("V002", forged) in found and not any(sha == spelled for _, sha in found), data["findings"]
    entry = next(c for c in data["commits"] if c["commit"] == spelled)
    assert entry["status"] == "satisfied" and entry["approvers"][0]["login"] == FIRST.upper()
