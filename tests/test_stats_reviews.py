"""Reviewers' statistics (R8.3): approvals per person and role and how long approval took, from sign-off
records that ``zhanqun signoff record`` wrote against a real HTTP server answering as GitHub and Gitea do
(tests/test_hosting.py's ``Host``), on a real git history; people named from every version of unit.yaml.

Every figure is asserted exactly. The scripted history (China time; the host speaks UTC or +08:00):

====  ====================  ===================  ===============================================================
 PR   what                  opened               approvals (hours after opened)
====  ====================  ===================  ===============================================================
 #1   fgw news, 一般        11-23 09:00          陈浩 初审 1 (a comment by 杨秀梅 first), 杨秀梅 复审 3
 #2   fgw news, 一般        11-24 08:00          陈浩 初审 approves at 0.25, comments, approves again at 0.5;
                                                 杨秀梅 复审 6
 #3   陈浩 moves to jyj     (old record)         egov-zhou 平台管理员, recorded from a reviews list: no times
 #4   jyj news, 一般 Gitea  11-26 08:00 (+08)    陈浩 初审 2 (now in jyj), 郑海燕 复审 1
 #5   fgw news, emergency   11-27 08:00          沈丽华 领导 0.25; completed later: 钱磊 初审 8, 杨秀梅 复审 10
====  ====================  ===================  ===============================================================

Records are signed by CI's key; two more lines are appended to the notes afterwards by someone without it
(a forged approval, and a signed record whose ``at`` was edited): the audit does not trust them (V009), and
neither do the statistics.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from tests.gitrepo import ITEM, commit, merge
from tests.test_hosting import PREFIX, TOKEN, Host
from tests.test_signing import keypair, signers_line
from zhanqun import signing
from zhanqun.stats import people, reviews

EDITOR, ADMIN = "wang-li-fgw", "egov-zhou"
CHEN, YANG, QIAN, ZHENG, LEADER = "chen-hao-fgw", "yang-xiumei-fgw", "qian-lei-fgw", "zheng-haiyan-jyj", "shen-lihua-xzf"
NOTES = "refs/notes/zhanqun"
REASON = "暴雨红色预警，须立即发布避险通知"
START = dt.datetime(2026, 11, 21, 9, 0)  # the first commit


@pytest.fixture
def host(monkeypatch):
    server = Host()
    monkeypatch.setenv("ZHANQUN_API_URL", server.url + "/api/v1")
    monkeypatch.setenv("ZHANQUN_API_TOKEN", TOKEN)
    monkeypatch.setenv("GITHUB_REPOSITORY", "shilixian/zhanqun-site")
    yield server
    server.server.shutdown()


def news(unit: str, slug: str) -> str:
    return f"content/{unit}/gzdt/2026-11-2{slug}.md"


class Script:
    """Pull requests merged on main and recorded by ``zhanqun signoff record --api …`` as CI does."""

    def __init__(self, root, repo, host, zq, key: Path):
        self.root, self.repo, self.host, self.zq, self.key = root, repo, host, zq, key

    def branch(self, number: int, path: str, text: str, when: str) -> tuple[str, str]:
        """The pull request's one commit on a branch off main: (base, head)."""
        base = self.repo.commit("main").hexsha
        self.repo.git.checkout("-B", f"pr{number}", "main")
        return base, commit(self.repo, path, text, f"稿件 #{number}", when)

    def serve(self, kind: str, number: int, base: str, head: str, merged: str, opened: str, given) -> None:
        """The host's answers about pull request ``number``: reviews ``given`` as (login, state, submitted_at)."""
        page = "per_page=100&page=1" if kind == "github" else "limit=50&page=1"
        stop = {} if kind == "github" else {"Link": ""}
        pull = {"number": number, "user": {"login": EDITOR}, "created_at": opened, "state": "closed",
                "base": {"ref": "main", "sha": base}, "head": {"ref": f"pr{number}", "sha": head},
                "merged": True, "merge_commit_sha": merged, **({"commits": 1} if kind == "github" else {})}
        states = {"CHANGES_REQUESTED": "REQUEST_CHANGES", "COMMENTED": "COMMENT"} if kind == "gitea" else {}
        listed = [{"id": 100 * number + i, "user": {"login": login}, "state": states.get(state, state), "body": "",
                   "commit_id": head, "submitted_at": at} for i, (login, state, at) in enumerate(given)]
        self.host.routes[("GET", f"{PREFIX}/pulls/{number}")] = (200, pull)
        self.host.routes[("GET", f"{PREFIX}/pulls/{number}/reviews?{page}")] = (200, listed, stop)
        self.host.routes[("GET", f"{PREFIX}/pulls/{number}/commits?{page}")] = (
            200, [{"sha": head, "author": {"login": EDITOR}, "committer": {"login": EDITOR}}], stop)

    def record(self, kind: str, merged: str, number: int, *extra: str) -> None:
        result = self.zq("signoff", "record", "--root", self.root, "--commit", merged, "--pr", str(number),
                         "--api", kind, "--sign-key", self.key, *extra)
        assert result.code == 0, result.text

    def pull_request(self, kind: str, number: int, path: str, text: str, when: str, opened: str, given,
                     *extra: str) -> str:
        base, head = self.branch(number, path, text, when)
        merged = merge(self.repo, f"pr{number}", f"合并 #{number}", when)
        self.serve(kind, number, base, head, merged, opened, given)
        self.record(kind, merged, number, *extra)
        return merged


def moved(text: str) -> str:
    """fgw's unit.yaml without 陈浩 (钱磊 takes over 初审)."""
    old = "  - id: chen-hao-fgw\n    name: 陈浩\n    roles: [first]\n"
    assert old in text
    return text.replace(old, "  - id: qian-lei-fgw\n    name: 钱磊\n    roles: [first]\n")


def joined(text: str) -> str:
    """jyj's unit.yaml with 陈浩 as a second 初审 (his login stays the one he has on the host)."""
    anchor = "  - id: wu-junfeng-jyj\n"
    return text.replace(anchor, "  - id: chen-hao-fgw\n    name: 陈浩\n    roles: [first]\n" + anchor)


@pytest.fixture
def county(cluster, host, zq, tmp_path):
    """The scripted history of the module docstring; returns (root, repo, {name: merge commit})."""
    root, repo = cluster
    key, public = keypair(tmp_path, "ci")
    repo.git.checkout("main")
    (Path(root) / signing.ALLOWED_SIGNERS).parent.mkdir(exist_ok=True)
    (Path(root) / signing.ALLOWED_SIGNERS).write_text(signers_line(public), encoding="utf-8")
    repo.git.add(A=True)
    repo.git.commit("--amend", "--no-edit")
    run = Script(root, repo, host, zq, key)
    general = ITEM.format(importance="一般")
    out = {}
    out["pr1"] = run.pull_request("github", 1, news("fgw", "3-a"), general, "2026-11-23T13:00:00+08:00",
                                  "2026-11-23T01:00:00Z", [(YANG, "COMMENTED", "2026-11-23T01:30:00Z"),
                                                           (CHEN, "APPROVED", "2026-11-23T02:00:00Z"),
                                                           (YANG, "APPROVED", "2026-11-23T04:00:00Z")])
    out["pr2"] = run.pull_request("github", 2, news("fgw", "4-a"), general, "2026-11-24T18:00:00+08:00",
                                  "2026-11-24T00:00:00Z", [(CHEN, "APPROVED", "2026-11-24T00:15:00Z"),
                                                           (CHEN, "COMMENTED", "2026-11-24T00:20:00Z"),
                                                           (CHEN, "APPROVED", "2026-11-24T00:30:00Z"),
                                                           (YANG, "APPROVED", "2026-11-24T06:00:00Z")])
    # 3: 陈浩 moves from fgw to jyj; recorded as before issue 12, from a reviews list that says nothing of time
    repo.git.checkout("-B", "pr3", "main")
    fgw, jyj = Path(root) / "content/fgw/unit.yaml", Path(root) / "content/jyj/unit.yaml"
    fgw.write_text(moved(fgw.read_text(encoding="utf-8")), encoding="utf-8")
    head = commit(repo, "content/jyj/unit.yaml", joined(jyj.read_text(encoding="utf-8")), "陈浩调到教育局",
                  "2026-11-25T10:00:00+08:00")
    out["pr3"] = merge(repo, "pr3", "合并 #3", "2026-11-25T10:00:00+08:00")
    untimed = tmp_path / "r3.json"
    untimed.write_text(json.dumps([{"id": 1, "user": {"login": ADMIN}, "state": "APPROVED", "commit_id": head}]),
                       encoding="utf-8")
    assert zq("signoff", "record", "--root", root, "--commit", out["pr3"], "--pr", "3", "--author", EDITOR,
              "--reviews", untimed, "--sign-key", key).code == 0
    out["pr4"] = run.pull_request("gitea", 4, news("jyj", "6-a"), general, "2026-11-26T12:00:00+08:00",
                                  "2026-11-26T08:00:00+08:00", [(ZHENG, "APPROVED", "2026-11-26T09:00:00+08:00"),
                                                                (CHEN, "APPROVED", "2026-11-26T10:00:00+08:00")])
    # 5: an emergency let through by the portal's leader; the fgw chain is completed the next day
    emergency = [(LEADER, "APPROVED", "2026-11-27T00:15:00Z")]
    out["pr5"] = run.pull_request("github", 5, news("fgw", "7-a"), general, "2026-11-27T08:30:00+08:00",
                                  "2026-11-27T00:00:00Z", emergency, "--emergency", REASON)
    base, head = repo.commit(out["pr5"]).parents[0].hexsha, repo.commit(out["pr5"]).parents[1].hexsha
    run.serve("github", 5, base, head, out["pr5"], "2026-11-27T00:00:00Z",
              emergency + [(QIAN, "APPROVED", "2026-11-27T08:00:00Z"), (YANG, "APPROVED", "2026-11-27T10:00:00Z")])
    run.record("github", out["pr5"], 5, "--emergency", REASON)
    # afterwards, lines CI did not write: a forged approval on #1, and #4's record with its time edited
    forged = {**last_record(repo, out["pr1"]), "approvers": {"wu-junfeng-jyj": [{"unit": "fgw", "role": "first"}]},
              "recorded_at": "2026-11-29T00:00:00+00:00"}
    forged.pop("signature")
    edited = last_record(repo, out["pr4"])
    edited["approvers"][CHEN][0]["at"] = "2026-11-26T08:06:00+08:00"
    edited["recorded_at"] = "2026-11-29T00:00:01+00:00"
    for sha, line in ((out["pr1"], forged), (out["pr4"], edited)):
        repo.git.notes("--ref", NOTES, "append", "-m", json.dumps(line, ensure_ascii=False, sort_keys=True), sha)
    return root, repo, out


def last_record(repo, sha: str) -> dict:
    return json.loads(repo.git.notes("--ref", NOTES, "show", sha).splitlines()[-1])


def records(repo, sha: str) -> list[dict]:
    return [json.loads(line) for line in repo.git.notes("--ref", NOTES, "show", sha).splitlines() if line.strip()]


def summary_of(root, start=dt.datetime(2026, 11, 1), end=dt.datetime(2026, 12, 31, 23, 59, 59)):
    from zhanqun.audit import history

    tip = history.resolve(root, "main")
    log = people.config_log(root, tip)
    directory = people.directory(root, tip, log)
    trust = reviews.trusted(root, tip, history.note_records(root), log)
    return reviews.summarise(trust, reviews.merged(log, start, end), directory), directory, trust


def rows(summary) -> list[tuple]:
    return [(r.person.name, r.label, r.approvals, r.timed, r.untimed, r.median_hours, r.mean_hours, r.later,
             r.by_unit) for r in summary.rows]


def test_records_keep_when_the_pull_request_was_opened_and_each_approval_was_given(county):
    """R8.3, R5.6: ``opened`` is the host's created_at, ``at`` the submitted_at of the review that filled the
    role (the latest: 陈浩's re-approval on #2, not his first); a reviews list without times writes neither."""
    _, repo, out = county
    first = records(repo, out["pr2"])[0]
    assert first["opened"] == "2026-11-24T00:00:00+00:00"
    assert first["approvers"] == {CHEN: [{"unit": "fgw", "role": "first", "at": "2026-11-24T00:30:00+00:00"}],
                                  YANG: [{"unit": "fgw", "role": "second", "at": "2026-11-24T06:00:00+00:00"}]}
    gitea = records(repo, out["pr4"])[0]  # Gitea's times keep their offset
    assert gitea["opened"] == "2026-11-26T08:00:00+08:00"
    assert gitea["approvers"][CHEN] == [{"unit": "jyj", "role": "first", "at": "2026-11-26T10:00:00+08:00"}]
    old = records(repo, out["pr3"])[0]
    assert "opened" not in old and old["approvers"] == {ADMIN: [{"unit": "__platform__", "role": "admin"}]}
    emergency, completion = records(repo, out["pr5"])
    assert emergency["emergency"] is True
    assert emergency["approvers"] == {LEADER: [{"unit": "xzf", "role": "leader", "at": "2026-11-27T00:15:00+00:00"}]}
    assert completion["approvers"] == {QIAN: [{"unit": "fgw", "role": "first", "at": "2026-11-27T08:00:00+00:00"}],
                                       YANG: [{"unit": "fgw", "role": "second", "at": "2026-11-27T10:00:00+00:00"}]}


def test_the_audit_trusts_the_new_records_and_only_those(county, zq):
    """R6.5, R8.2: the signature covers ``opened`` and ``at`` (an edited time breaks it); the records with the
    new fields pass the audit, and the two lines CI did not write are V009, nothing else."""
    root, _, out = county
    result = zq("audit", "--root", root, "--format", "json")
    data = json.loads(result.out)
    assert result.code == 1
    assert [(v["code"], v["commit"]) for v in data["findings"]] == [("V009", out["pr1"]), ("V009", out["pr4"])]
    assert "没有签名" in data["findings"][0]["message"] and "签名无效" in data["findings"][1]["message"]
    statuses = {c["commit"]: c["status"] for c in data["commits"]}
    assert [statuses[out[f"pr{n}"]] for n in range(1, 6)] == ["satisfied"] * 4 + ["emergency-completed"]


def test_approvals_per_person_and_role_with_their_durations(county):
    """R8.3: every figure of the range. 陈浩 moved from fgw to jyj: one row, both units; the record of #3
    has no times (counted, not timed); #5's completion counts in the roles it completed; the two lines CI did
    not write count for nothing (吴俊峰's forged approval is nowhere)."""
    root, _, _ = county
    summary, _, trust = summary_of(root)
    assert trust.signing is True and trust.left_out == 2 and summary.left_out == 2
    assert summary.changes == 5 and summary.approvals == 10 and summary.untimed == 1
    assert rows(summary) == [
        ("egov-zhou", "平台管理员", 1, 0, 1, None, None, 0, {"__platform__": 1}),
        ("杨秀梅", "复审", 3, 3, 0, 6.0, 19 / 3, 1, {"fgw": 3}),
        ("沈丽华", "领导", 1, 1, 0, 0.25, 0.25, 0, {"xzf": 1}),
        ("郑海燕", "复审", 1, 1, 0, 1.0, 1.0, 0, {"jyj": 1}),
        ("钱磊", "初审", 1, 1, 0, 8.0, 8.0, 1, {"fgw": 1}),
        ("陈浩", "初审", 3, 3, 0, 1.0, 3.5 / 3, 0, {"fgw": 2, "jyj": 1}),
    ]
    chen = next(r for r in summary.rows if r.person.name == "陈浩")
    assert chen.person.units == ("fgw", "jyj") and chen.person.login == CHEN
    admin = summary.rows[0].person
    assert admin.admin and not admin.listed and "按登录名显示" in admin.note
    shown = summary.as_dict()
    assert shown["rows"][-1] == {"login": CHEN, "name": "陈浩", "units": ["fgw", "jyj"], "note": "", "role": "first",
                                 "role_label": "初审", "approvals": 3, "timed": 3, "untimed": 0, "median_hours": 1.0,
                                 "mean_hours": 1.17, "later": 0, "by_unit": {"fgw": 2, "jyj": 1}}
    assert (shown["changes"], shown["approvals"], shown["untimed"], shown["left_out"]) == (5, 10, 1, 2)
    # all roles of a person together, for a table by person
    assert summary.by_person()["yang-xiumei-fgw"] == {
        "name": "杨秀梅", "login": YANG, "units": ["fgw"], "note": "", "approvals": 3, "by_role": {"复审": 3},
        "timed": 3, "untimed": 0, "median_hours": 6.0, "average_hours": 6.33}
    assert summary.by_person()["egov-zhou"]["untimed"] == 1 and summary.by_person()["egov-zhou"]["average_hours"] is None
    assert "不扣除节假日" in shown["note"]


def test_a_period_counts_the_changes_merged_in_it(county):
    """R8.3: the changes of 11-23 and 11-24 only (both days included); the completion of #5, recorded later,
    belongs to #5's period, not to the day it was written."""
    root, _, _ = county
    summary, _, _ = summary_of(root, dt.datetime(2026, 11, 23), dt.datetime(2026, 11, 24, 23, 59, 59))
    assert summary.changes == 2
    assert rows(summary) == [("杨秀梅", "复审", 2, 2, 0, 4.5, 4.5, 0, {"fgw": 2}),
                             ("陈浩", "初审", 2, 2, 0, 0.75, 0.75, 0, {"fgw": 2})]
    late, _, _ = summary_of(root, dt.datetime(2026, 11, 27), dt.datetime(2026, 11, 27, 23, 59, 59))
    assert rows(late) == [("杨秀梅", "复审", 1, 1, 0, 10.0, 10.0, 1, {"fgw": 1}),
                          ("沈丽华", "领导", 1, 1, 0, 0.25, 0.25, 0, {"xzf": 1}),
                          ("钱磊", "初审", 1, 1, 0, 8.0, 8.0, 1, {"fgw": 1})]
    empty, _, _ = summary_of(root, dt.datetime(2026, 12, 1), dt.datetime(2026, 12, 31))
    assert empty.changes == 0 and empty.rows == []


def test_the_directory_names_people_across_units_and_config_versions(county):
    """R8.3: 陈浩 was listed in fgw from the first commit until #3 was merged, then in jyj; logins compare as
    the host compares them; a login nobody lists is shown as the login, with a note."""
    root, _, _ = county
    _, directory, _ = summary_of(root)
    moved_at = dt.datetime(2026, 11, 25, 10, 0)
    chen = directory.person("Chen-Hao-FGW")
    assert chen.name == "陈浩" and chen.login == CHEN and chen.units == ("fgw", "jyj")
    assert [s.as_dict() for s in chen.stints] == [
        {"unit": "fgw", "roles": ["first"], "since": START.isoformat(), "until": moved_at.isoformat()},
        {"unit": "jyj", "roles": ["first"], "since": moved_at.isoformat(), "until": None}]
    qian = directory.person(QIAN)
    assert qian.name == "钱磊" and [(s.unit, s.since, s.until) for s in qian.stints] == [("fgw", moved_at, None)]
    assert directory.find("陈浩") is chen and directory.find("CHEN-hao-fgw") is chen  # a git author name, a login
    stranger = directory.person("zhang-san")
    assert (stranger.name, stranger.listed, stranger.note) == ("zhang-san", False, people.UNLISTED)
    assert directory.portal == "xzf" and directory.unit_name("__portal__") == "示例县人民政府"


def test_a_renamed_unit_keeps_its_people_and_a_returning_person_is_one_person(cluster):
    """R8.3 (ISSUE12 shared facts): ``git mv content/czj content/caizheng`` keeps czj's people under the new
    id, in one stint each; approvals recorded under the old id count under the new one. 彭宇 leaves and comes
    back under a new name: one person, two stints, named from the latest version."""
    from zhanqun.audit import history

    root, repo = cluster
    repo.git.checkout("main")
    unit = Path(root) / "content/czj/unit.yaml"
    text = unit.read_text(encoding="utf-8")
    entry = "  - id: peng-yu-czj\n    name: 彭宇\n    roles: [first]\n"
    commit(repo, "content/czj/unit.yaml", text.replace(entry, ""), "彭宇离开", "2026-11-22T09:00:00+08:00")
    repo.git.mv("content/czj", "content/caizheng")
    repo.git.commit("-m", "财政局改名", env={"GIT_COMMITTER_DATE": "2026-11-23T09:00:00+08:00"})
    commit(repo, "content/caizheng/unit.yaml", text.replace(entry, entry.replace("彭宇", "彭宇（借调回）").replace("first", "second")),
           "彭宇回来", "2026-11-24T09:00:00+08:00")
    tip = history.resolve(root, "main")
    directory = people.directory(root, tip)
    peng = directory.person("peng-yu-czj")
    assert peng.name == "彭宇（借调回）"
    assert [(s.unit, s.roles, s.since, s.until) for s in peng.stints] == [
        ("caizheng", ("first",), START, dt.datetime(2026, 11, 22, 9, 0)),
        ("caizheng", ("second",), dt.datetime(2026, 11, 24, 9, 0), None)]
    jiang = directory.person("jiang-hongxia-czj")
    assert [(s.unit, s.since, s.until) for s in jiang.stints] == [("caizheng", START, None)]
    assert directory.unit("czj") == "caizheng" and directory.unit_name("czj") == "示例县财政局"
    # a record written before the rename names the old id
    record = {"pr": "9", "opened": "2026-11-21T01:00:00Z", "approvers": {
        "jiang-hongxia-czj": [{"unit": "czj", "role": "second", "at": "2026-11-21T03:30:00+00:00"}]}}
    # and a second record of the same change naming her again, for another unit too (written when its chain
    # was completed): still one approval of that change, timed by the first, in both units
    again = {**record, "approvers": {"Jiang-Hongxia-CZJ": [{"unit": "czj", "role": "second", "at": "2026-11-22T01:00:00Z"},
                                                           {"unit": "wjw", "role": "second", "at": "2026-11-22T01:00:00Z"}]}}
    summary = reviews.summarise(reviews.Trust({"c9": [record, again]}), {"c9": START}, directory)
    assert rows(summary) == [("蒋红霞", "复审", 1, 1, 0, 2.5, 2.5, 0, {"caizheng": 1, "wjw": 1})]
    assert summary.changes == 1 and summary.rows[0].person.login == "jiang-hongxia-czj"


def test_a_reviews_file_may_say_when_the_pull_request_was_opened(cluster, zq, tmp_path):
    """R8.3: without the host's API, ``--reviews`` takes ``{"created_at": …, "reviews": [...]}`` (the list alone
    still works); a creation time without its zone is refused in Chinese, exit 2, no traceback."""
    from zhanqun.signoff import gitdata

    root, repo = cluster
    sha = commit(repo, news("fgw", "1-b"), ITEM.format(importance="routine"), "稿件")
    merged = merge(repo, "pr", "合并 #8")
    listed = [{"id": 1, "user": {"login": CHEN}, "state": "APPROVED", "commit_id": sha,
               "submitted_at": "2026-11-21T10:45:00+08:00"}]
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"created_at": "2026-11-21 09:00", "reviews": listed}), encoding="utf-8")
    refused = zq("signoff", "record", "--root", root, "--commit", merged, "--pr", "8", "--author", EDITOR,
                 "--reviews", bad)
    assert refused.code == 2 and "不是带时区的时间" in refused.err and "Traceback" not in refused.err
    good = tmp_path / "good.json"
    good.write_text(json.dumps({"created_at": "2026-11-21T01:00:00Z", "reviews": listed}), encoding="utf-8")
    assert zq("signoff", "record", "--root", root, "--commit", merged, "--pr", "8", "--author", EDITOR,
              "--reviews", good).code == 0
    note = gitdata.read_record(repo, repo.commit(merged))
    assert note["opened"] == "2026-11-21T01:00:00+00:00"
    assert note["approvers"] == {CHEN: [{"unit": "fgw", "role": "first", "at": "2026-11-21T10:45:00+08:00"}]}
    summary = reviews.summarise(reviews.Trust({merged: [note]}), {merged: START}, people.directory(root, merged))
    assert rows(summary) == [("陈浩", "初审", 1, 1, 0, 1.75, 1.75, 0, {"fgw": 1})]


@pytest.mark.parametrize(("given", "kept"), [
    ("2026-11-23T01:00:00Z", "2026-11-23T01:00:00+00:00"),  # GitHub
    ("2026-11-23T09:00:00+08:00", "2026-11-23T09:00:00+08:00"),  # Gitea keeps its offset
    ("2026-11-23T09:00:00", ""),  # no zone: cannot be compared with another time
    ("2026-11-23", ""),
    ("昨天", ""),
    (None, ""),
    (12345, ""),
])
def test_the_host_times_a_record_keeps(given, kept):
    """R8.3: the times of ``opened`` and ``at`` as the record writes them; one it cannot use is left out."""
    from zhanqun.signoff import policy

    assert policy.instant(given) == kept
