"""The sign-off policy engine (R5.2, R5.3, R5.5): pull-request scenarios and the verdict each must get.

Pure functions, so no git here: each scenario is the changed files (with front matter before and after), the
author, the reviews and the commits, against one fixed cluster config (as of the base commit)."""

from __future__ import annotations

import pytest

from zhanqun.config import ClusterConfig, Unit
from zhanqun.signoff.policy import Change, ChangedFile, Review, verdict

CONFIG_DATA = {
    "name": "示例县人民政府", "domain": "shilixian.gov.cn", "portal": "xzf", "identity": {}, "sources": [],
    "signoff": {"routine": ["first"], "general": ["first", "second"], "important": ["first", "second", "final"]},
    "admins": ["admin-zhou", "admin-chen"],
}
CONFIG = ClusterConfig.from_data(CONFIG_DATA)


def _unit(unit_id: str, name: str, people: list[tuple[str, list[str]]]) -> Unit:
    return Unit.from_data(unit_id, {
        "name": name, "short_name": name, "kind": "portal" if unit_id == "xzf" else "department",
        "hosting": "subdomain", "label": unit_id, "org_code": unit_id.upper(),
        "people": [{"id": login, "name": login, "roles": roles} for login, roles in people], "columns": [],
    })


UNITS = {
    "xzf": _unit("xzf", "示例县人民政府", [("ed-x", ["editor"]), ("first-x", ["first"]), ("second-x", ["second"]),
                                           ("final-x", ["final"]), ("leader-x", ["leader"])]),
    "fgw": _unit("fgw", "示例县发展和改革委员会", [("ed-f", ["editor"]), ("first-f", ["first"]), ("second-f", ["second"]),
                                                 ("final-f", ["final"]), ("leader-f", ["leader"]),
                                                 ("both-f", ["first", "second"])]),
    "chengguan": _unit("chengguan", "示例县城关镇人民政府", [("ed-c", ["editor"]), ("first-c", ["first"]),
                                                            ("second-c", ["second"]), ("final-c", ["final"])]),
}

NEWS = "content/fgw/gzdt/2026-11-20-a.md"
TOWN = "content/chengguan/gzdt/2026-11-20-b.md"
PORTAL = "content/xzf/zwyw/2026-11-20-c.md"


def item(path=NEWS, importance="routine", status="A", before=None, **after):
    meta = {"title": "t", "importance": importance, **after}
    return ChangedFile(path, status, None, before, None if status == "D" else meta)


def approve(*logins, commit="c2"):
    return tuple(Review(login, "APPROVED", commit, i) for i, login in enumerate(logins))


COMMITS = (("c1", True), ("c2", True))

# (id, files, author, reviews, commits, emergency reason, satisfied, text the reasons must contain)
SCENARIOS = [
    ("routine-first", [item()], "ed-f", approve("first-f"), COMMITS, "", True, ""),
    ("routine-no-review", [item()], "ed-f", (), COMMITS, "", False, "示例县发展和改革委员会 缺少 初审"),
    ("general-needs-second", [item(importance="general")], "ed-f", approve("first-f"), COMMITS, "", False, "缺少 复审"),
    ("general-complete", [item(importance="general")], "ed-f", approve("first-f", "second-f"), COMMITS, "", True, ""),
    ("important-needs-final", [item(importance="important")], "ed-f", approve("first-f", "second-f"), COMMITS, "", False, "缺少 终审"),
    ("important-complete", [item(importance="important")], "ed-f", approve("first-f", "second-f", "final-f"), COMMITS, "", True, ""),
    ("self-approval", [item()], "first-f", approve("first-f"), COMMITS, "", False, "本人的批准不计入"),
    ("author-plus-other", [item()], "first-f", approve("first-f", "both-f"), COMMITS, "", True, ""),
    ("one-person-one-role", [item(importance="general")], "ed-f", approve("both-f"), COMMITS, "", False, "缺少"),
    ("two-roles-two-people", [item(importance="general")], "ed-f", approve("both-f", "first-f"), COMMITS, "", True, ""),
    ("stale-approval", [item()], "ed-f", approve("first-f", commit="c1"), COMMITS, "", False, "已失效"),
    ("approval-after-non-content-commit", [item()], "ed-f", approve("first-f", commit="c2"),
     (("c1", True), ("c2", True), ("c3", False)), "", True, ""),
    ("approval-before-content-commit", [item()], "ed-f", approve("first-f", commit="c2"),
     (("c1", True), ("c2", True), ("c3", True)), "", False, "已失效"),
    ("changes-requested", [item()], "ed-f",
     (Review("first-f", "APPROVED", "c2", 0), Review("second-f", "CHANGES_REQUESTED", "c2", 1)), COMMITS, "", False, "要求修改"),
    ("changes-requested-then-approved", [item()], "ed-f",
     (Review("first-f", "CHANGES_REQUESTED", "c1", 0), Review("first-f", "APPROVED", "c2", 1)), COMMITS, "", True, ""),
    ("approved-then-changes-requested", [item()], "ed-f",
     (Review("first-f", "APPROVED", "c2", 0), Review("first-f", "CHANGES_REQUESTED", "c2", 1)), COMMITS, "", False, "要求修改"),
    ("comment-does-not-withdraw", [item()], "ed-f",
     (Review("first-f", "APPROVED", "c2", 0), Review("first-f", "COMMENTED", "c2", 1)), COMMITS, "", True, ""),
    ("dismissed", [item()], "ed-f",
     (Review("first-f", "APPROVED", "c2", 0), Review("first-f", "DISMISSED", "c2", 1)), COMMITS, "", False, "缺少 初审"),
    ("wrong-unit-reviewer", [item()], "ed-f", approve("first-c"), COMMITS, "", False, "缺少 初审"),
    ("reviewer-not-in-config", [item()], "ed-f", approve("stranger"), COMMITS, "", False, "缺少 初审"),
    ("cross-unit-both-chains", [item(), item(TOWN)], "ed-f", approve("first-f", "first-c"), COMMITS, "", True, ""),
    ("cross-unit-one-missing", [item(), item(TOWN)], "ed-f", approve("first-f"), COMMITS, "", False, "城关镇人民政府 缺少 初审"),
    ("cross-unit-highest-per-unit", [item(importance="important"), item(TOWN)], "ed-f",
     approve("first-f", "second-f", "final-f", "first-c"), COMMITS, "", True, ""),
    ("homepage-needs-portal-leader", [item(homepage=True)], "ed-f", approve("first-f"), COMMITS, "", False, "缺少 领导"),
    ("homepage-with-leader", [item(homepage=True)], "ed-f", approve("first-f", "leader-x"), COMMITS, "", True, ""),
    ("push-needs-portal-leader", [item(push_to_portal=["bmdt"])], "ed-f", approve("first-f"), COMMITS, "", False, "缺少 领导"),
    ("homepage-removed-still-needs-leader", [item(status="M", before={"homepage": True, "importance": "routine"})],
     "ed-f", approve("first-f"), COMMITS, "", False, "缺少 领导"),
    ("deletion-needs-publishing-chain", [item(status="D", before={"importance": "important"})], "ed-f",
     approve("first-f"), COMMITS, "", False, "缺少 复审"),
    ("withdrawal-needs-chain", [item(importance="general", status="M",
                                     before={"importance": "general"}, withdrawn={"date": "2026-11-20", "reason": "x"})],
     "ed-f", approve("first-f", "second-f"), COMMITS, "", True, ""),
    ("lowering-importance-keeps-chain", [item(status="M", before={"importance": "important"})], "ed-f",
     approve("first-f"), COMMITS, "", False, "缺少 终审"),
    ("rename-across-units", [ChangedFile(TOWN, "R", NEWS, {"importance": "routine"}, {"importance": "routine"})],
     "ed-f", approve("first-f"), COMMITS, "", False, "城关镇人民政府 缺少 初审"),
    ("attachment-only", [ChangedFile("content/fgw/tzgg/attachments/a.pdf", "A")], "ed-f", approve("first-f"),
     COMMITS, "", True, ""),
    ("unit-yaml-needs-admin", [ChangedFile("content/fgw/unit.yaml")], "ed-f", approve("first-f"), COMMITS, "", False,
     "缺少 平台管理员"),
    ("unit-yaml-with-admin", [ChangedFile("content/fgw/unit.yaml")], "ed-f", approve("admin-zhou"), COMMITS, "", True, ""),
    ("admin-cannot-approve-own", [ChangedFile("schemas/news.schema.json")], "admin-zhou", approve("admin-zhou"),
     COMMITS, "", False, "本人的批准不计入"),
    ("theme-and-content", [ChangedFile("themes/zhanqun/templates/base.html"), item()], "ed-f",
     approve("admin-chen", "first-f"), COMMITS, "", True, ""),
    ("ci-and-rules", [ChangedFile(".github/workflows/ci.yml"), ChangedFile("rules/banned.yaml")], "ed-f",
     approve("first-f"), COMMITS, "", False, "缺少 平台管理员"),
    ("emergency-with-leader", [item(importance="important")], "ed-f", approve("leader-f"), COMMITS, "山洪预警，须立即发布",
     True, "突发事件紧急发布"),
    ("emergency-without-reason", [item(importance="important")], "ed-f", approve("leader-f"), COMMITS, "", False, "缺少"),
    ("emergency-by-non-leader", [item(importance="important")], "ed-f", approve("first-f"), COMMITS, "山洪预警",
     False, "缺少"),
    ("emergency-blocked-by-changes-requested", [item(importance="important")], "ed-f",
     (Review("leader-f", "APPROVED", "c2", 0), Review("second-f", "CHANGES_REQUESTED", "c2", 1)), COMMITS, "山洪预警",
     False, "要求修改"),
    ("emergency-by-portal-leader", [item(TOWN, importance="general")], "ed-c", approve("leader-x"), COMMITS, "火情通告",
     True, "突发事件紧急发布"),
    ("emergency-never-covers-platform", [ChangedFile("pelicanconf.py")], "ed-f", approve("leader-x"), COMMITS,
     "暴雨红色预警", False, "缺少 平台管理员"),
    ("documentation-needs-nobody", [ChangedFile("docs/handbook.md"), ChangedFile("README.md")], "ed-f", (), COMMITS,
     "", True, ""),
    ("docs-codeowners-is-not-documentation", [ChangedFile("docs/CODEOWNERS")], "ed-f", (), COMMITS, "", False,
     "缺少 平台管理员"),
    ("code-and-attributes-need-an-admin", [ChangedFile("src/zhanqun/checks/data/banned.yaml"),
                                           ChangedFile(".gitattributes")], "ed-f", approve("first-f"), COMMITS, "",
     False, "缺少 平台管理员"),
]


@pytest.mark.parametrize("case", SCENARIOS, ids=[s[0] for s in SCENARIOS])
def test_scenario(case):
    _, files, author, reviews, commits, reason, satisfied, expected = case
    result = verdict(Change(author, tuple(files), tuple(reviews), tuple(commits), reason), CONFIG, UNITS)
    assert result.satisfied is satisfied, result.reasons
    if expected:
        assert any(expected in r for r in result.reasons), result.reasons
    if satisfied and not result.emergency:
        assert all(not r.missing for r in result.requirements)


def test_enough_scenarios():
    assert len(SCENARIOS) >= 30  # issue 4: a table of at least 30 pull-request scenarios


def test_emergency_leaves_the_missing_roles_open():
    result = verdict(Change("ed-f", (item(importance="important"),), approve("leader-f"), COMMITS, "山洪预警"), CONFIG, UNITS)
    assert result.emergency and result.satisfied
    assert result.requirements[0].missing == ["first", "second", "final"]


def test_who_filled_which_role():
    result = verdict(Change("ed-f", (item(importance="general"),), approve("both-f", "first-f"), COMMITS), CONFIG, UNITS)
    assert result.requirements[0].filled == {"first": "first-f", "second": "both-f"}


def test_a_reviewer_who_pushed_content_to_the_pull_request_does_not_count():
    change = Change("ed-f", (item(),), approve("first-f"), COMMITS, contributors=frozenset({"first-f"}))
    result = verdict(change, CONFIG, UNITS)
    assert not result.satisfied and any("向这个合并请求提交过内容" in r for r in result.reasons)


def test_fresh_commits_from_the_graph_decide_over_the_list_order():
    """git says which commits have every content commit among their ancestors: an approval on c1 counts only
    if c1 is among them, whatever order the commits were listed in."""
    stale = Change("ed-f", (item(),), approve("first-f", commit="c1"), COMMITS, fresh=frozenset({"c2"}))
    assert not verdict(stale, CONFIG, UNITS).satisfied
    fresh = Change("ed-f", (item(),), approve("first-f", commit="c1"), (("c2", True), ("c1", True)),
                   fresh=frozenset({"c1", "c2"}))
    assert verdict(fresh, CONFIG, UNITS).satisfied


# -- issue 10: the smaller holes ------------------------------------------------------------------------------

INVISIBLE_REASONS = [
    "\u200b\u200b\u200b",  # zero-width spaces (Cf)
    "\u3000\u3000",  # ideographic spaces (Zs)
    "\ufeff\u2060\u200d\u200c",  # BOM, word joiner, zero-width joiner and non-joiner
    "\u202e\u202d\u2066\u2069",  # bidirectional controls
    "\t\r\n \u00a0\u2003",  # whitespace of all widths
    "\x01\x07\x1b",  # control characters
    "\u3164\u115f\uffa0",  # Hangul fillers: letters that print as nothing
    "。。。！！",  # punctuation only says nothing
    "——……",
    "🌧️⚠️",  # symbols only
    "\u0301\u0301",  # combining marks with nothing to combine with
    "急",  # one character is not a reason
]


@pytest.mark.parametrize("reason", INVISIBLE_REASONS, ids=[f"reason-{i}" for i in range(len(INVISIBLE_REASONS))])
def test_an_emergency_reason_without_visible_words_does_not_let_it_through(reason):
    """R5.5: an emergency needs a stated reason; invisible characters, spaces or punctuation state nothing."""
    result = verdict(Change("ed-f", (item(importance="important"),), approve("leader-f"), COMMITS, reason), CONFIG, UNITS)
    assert not result.satisfied and not result.emergency
    assert any("紧急发布理由没有可见的文字" in r for r in result.reasons), result.reasons


@pytest.mark.parametrize("reason, shown", [
    ("暴雨\u200b红色预警", "暴雨红色预警"),
    ("\u3000\u3000山洪预警，须立即发布\u200b", "山洪预警，须立即发布"),
    ("Typhoon 12", "Typhoon 12"),
    ("火情", "火情"),
])
def test_a_reason_with_words_is_accepted_and_shown_without_the_invisible_characters(reason, shown):
    result = verdict(Change("ed-f", (item(importance="important"),), approve("leader-f"), COMMITS, reason), CONFIG, UNITS)
    assert result.satisfied and result.emergency
    assert f"理由：{shown}）" in result.reasons[0]


LOGIN_CASES = [  # (author, reviews, contributors, satisfied, reason text)
    ("ed-f", approve("First-F"), (), True, ""),  # a reviewer's login as the host spells it
    ("ED-F", approve("ed-f"), (), False, "本人的批准不计入"),  # the author in another case
    ("Ed-F", approve("ed-F", "first-f"), (), True, ""),
    ("ed-f", approve("first-f"), ("FIRST-F",), False, "向这个合并请求提交过内容"),
    ("ed-f", approve("BOTH-F", "both-f"), (), False, "缺少"),  # one person in two spellings fills one role
]


@pytest.mark.parametrize("case", LOGIN_CASES, ids=[f"login-{i}" for i in range(len(LOGIN_CASES))])
def test_logins_are_compared_as_the_hosts_do_ignoring_case(case):
    """R5.3: GitHub and Gitea treat Chen-Hao and chen-hao as one account."""
    author, reviews, contributors, satisfied, expected = case
    files = (item(importance="general" if "BOTH-F" in {r.login for r in reviews} else "routine"),)
    result = verdict(Change(author, files, reviews, COMMITS, contributors=frozenset(contributors)), CONFIG, UNITS)
    assert result.satisfied is satisfied, result.reasons
    if expected:
        assert any(expected in r for r in result.reasons), result.reasons


def test_config_ids_admins_and_leaders_match_whatever_the_case():
    units = {**UNITS, "fgw": _unit("fgw", "示例县发展和改革委员会", [("Chen-Hao", ["first"]), ("Leader-F", ["leader"])])}
    config = ClusterConfig.from_data({**CONFIG_DATA, "admins": ["Admin-Zhou"]})
    assert verdict(Change("ed-f", (item(),), approve("chen-hao"), COMMITS), CONFIG, units).satisfied
    assert not verdict(Change("CHEN-HAO", (item(),), approve("chen-hao"), COMMITS), CONFIG, units).satisfied
    assert verdict(Change("ed-f", (ChangedFile("content/fgw/unit.yaml"),), approve("ADMIN-ZHOU"), COMMITS), config,
                   units).satisfied
    urgent = verdict(Change("ed-f", (item(importance="important"),), approve("LEADER-f"), COMMITS, "山洪预警"), CONFIG, units)
    assert urgent.emergency and urgent.emergency_by == ("LEADER-f", "fgw")


def test_unknown_writers_leave_the_change_unsatisfied_even_as_an_emergency():
    """R5.3: when the host's list of commits was cut short, whether a reviewer wrote some content is unknown."""
    full = approve("first-f", "second-f", "final-f")
    result = verdict(Change("ed-f", (item(importance="important"),), full, COMMITS, unknown_writers=3), CONFIG, UNITS)
    assert not result.satisfied and any("3 个改内容的提交不知道是谁写的" in r for r in result.reasons)
    urgent = verdict(Change("ed-f", (item(),), approve("leader-f"), COMMITS, "山洪预警", unknown_writers=1), CONFIG, UNITS)
    assert not urgent.satisfied and not urgent.emergency



def test_display_name_is_the_name_with_the_login_or_the_login_with_a_note():
    """Issue 15: the one function the verdict, the audit and the review sheet show people with; logins
    compared as the hosts do; the verdict's reasons and JSON use it."""
    from zhanqun.signoff.policy import display_name, holders

    units = {"fgw": Unit.from_data("fgw", {
        "name": "发改委", "short_name": "发改委", "kind": "department", "hosting": "subdomain", "label": "fgw",
        "org_code": "FGW", "columns": [],
        "people": [{"id": "chen-hao", "name": "陈浩", "roles": ["first"]}, {"id": "ed-f", "name": "王莉", "roles": ["editor"]},
                   {"id": "second-f", "name": "杨秀梅", "roles": ["second"]}]})}
    assert display_name(CONFIG, units, "Chen-Hao") == "陈浩（Chen-Hao）"
    assert display_name(CONFIG, units, "nobody") == "nobody（未在 unit.yaml 中列出）"
    assert display_name(CONFIG, units, "admin-zhou") == "admin-zhou（平台管理员，unit.yaml 中没有姓名）"
    assert holders("fgw", "second", CONFIG, units) == ["second-f"]
    result = verdict(Change("ed-f", (item(importance="general"),),
                            (Review("chen-hao", "APPROVED", "c2", 0), Review("ed-f", "APPROVED", "c2", 1)), COMMITS),
                     CONFIG, units)
    assert not result.satisfied
    assert "王莉（ed-f）是作者，本人的批准不计入（审发分离）。" in result.reasons
    assert "发改委 缺少 复审（可批准：杨秀梅（second-f））" in result.reasons
    data = result.as_dict()
    assert data["requirements"][0]["filled"] == {"first": "chen-hao"}
    assert data["requirements"][0]["filled_names"] == {"first": "陈浩（chen-hao）"}
