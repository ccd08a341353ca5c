"""The host's API (R5.3, R5.4): ``signoff check --pr N --api github|gitea`` and ``zhanqun protect`` against a
real HTTP server on loopback that answers with recorded responses in the shapes GitHub and Gitea document
(tests/recordings/), and ``zhanqun codeowners``."""

from __future__ import annotations

import copy
import http.server
import json
import threading
from pathlib import Path

import pytest

from tests.gitrepo import ITEM, NEWS, commit

RECORDINGS = Path(__file__).parent / "recordings"
TOKEN = "ghp_test0000000000000000000000000000000000"


def recording(name: str, **shas: str):
    text = (RECORDINGS / name).read_text(encoding="utf-8")
    for key, value in shas.items():
        text = text.replace("{{" + key + "}}", value)
    return json.loads(text)


class Host:
    """An HTTP server answering from a table of (method, path) → (status, JSON); it keeps every request."""

    def __init__(self) -> None:
        self.routes: dict[tuple[str, str], tuple[int, object]] = {}
        self.requests: list[dict] = []
        host = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length)) if length else None
                host.requests.append({"method": self.command, "path": self.path, "body": body,
                                      "authorization": self.headers.get("Authorization")})
                missing = (200, []) if "page=" in self.path else (404, {"message": "Not Found"})  # past the last page
                status, data, *extra = host.routes.get((self.command, self.path), missing)
                if callable(data):
                    status, data = data(body)
                raw = json.dumps(data).encode()
                self.send_response(status)
                for name, value in (extra[0] if extra else {}).items():
                    self.send_header(name, value)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            do_GET = do_PUT = do_POST = do_PATCH = _answer

            def log_message(self, *args) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"


@pytest.fixture
def host(monkeypatch):
    server = Host()
    monkeypatch.setenv("ZHANQUN_API_URL", server.url + "/api/v1")
    monkeypatch.setenv("ZHANQUN_API_TOKEN", TOKEN)
    monkeypatch.setenv("GITHUB_REPOSITORY", "shilixian/zhanqun-site")
    yield server
    server.server.shutdown()


@pytest.fixture
def pull_request(cluster):
    """Two commits on ``pr``: the news item, then a correction."""
    root, repo = cluster
    base = repo.commit("main").hexsha
    c1 = commit(repo, NEWS, ITEM.format(importance="一般"), "推进会动态")
    head = commit(repo, NEWS, ITEM.format(importance="一般").replace("召开", "上午召开"), "补充会议时间")
    return root, repo, {"BASE": base, "C1": c1, "HEAD": head}


PREFIX = "/api/v1/repos/shilixian/zhanqun-site"


def test_github_pull_request_read_from_the_api(host, pull_request, zq):
    """The first approval was given before the correction; the second reviewer first asked for changes and
    approved the head: the chain is complete with the re-approval, and the author comes from the API."""
    root, _, shas = pull_request
    host.routes[("GET", f"{PREFIX}/pulls/7")] = (200, recording("github_pull.json", **shas))
    host.routes[("GET", f"{PREFIX}/pulls/7/reviews?per_page=100&page=1")] = (200, recording("github_reviews.json", **shas))
    host.routes[("GET", f"{PREFIX}/pulls/7/commits?per_page=100&page=1")] = (200, recording("github_commits.json", **shas))
    result = zq("signoff", "check", "--root", root, "--pr", "7", "--api", "github")
    assert result.code == 0, result.text
    assert "初审 ✓ 陈浩（chen-hao-fgw）" in result.out and "复审 ✓ 杨秀梅（yang-xiumei-fgw）" in result.out
    assert {r["authorization"] for r in host.requests} == {f"Bearer {TOKEN}"}
    # without the re-approval, the stale first approval does not count
    reviews = recording("github_reviews.json", **shas)
    host.routes[("GET", f"{PREFIX}/pulls/7/reviews?per_page=100&page=1")] = (200, [reviews[0], reviews[3]])
    stale = zq("signoff", "check", "--root", root, "--pr", "7", "--api", "github")
    assert stale.code == 1 and "陈浩（chen-hao-fgw）的批准早于最后一次内容修改" in stale.out


def test_gitea_pages_through_reviews(host, pull_request, zq):
    """Gitea pages by ``limit``, and an instance may cap a page below it (MAX_RESPONSE_ITEMS = 30 here): the
    pages are followed by the Link header, so a request for changes on page 2 is seen; a dismissed approval
    does not count; the commits come newest first, as Gitea lists them."""
    root, _, shas = pull_request
    template = recording("gitea_review.json", **shas)

    def review(i: int, login: str, state: str, sha: str, **extra) -> dict:
        entry = copy.deepcopy(template)
        entry.update({"id": i, "state": state, "commit_id": sha, **extra})
        entry["user"].update({"id": 100 + i, "login": login, "full_name": login})
        return entry

    reviews = f"{PREFIX}/pulls/7/reviews"
    first_page = [review(i, "ma-lijuan-xzf", "COMMENT", shas["C1"]) for i in range(29)]
    first_page.append(review(29, "chen-hao-fgw", "APPROVED", shas["HEAD"]))
    second_page = [review(30, "yang-xiumei-fgw", "APPROVED", shas["HEAD"], dismissed=True),
                   review(31, "zheng-haiyan-jyj", "REQUEST_CHANGES", shas["HEAD"])]
    link = {"Link": f'<{host.url}{reviews}?limit=50&page=2>; rel="next", <{host.url}{reviews}?limit=50&page=2>; rel="last"'}
    host.routes[("GET", f"{PREFIX}/pulls/7")] = (200, recording("gitea_pull.json", **shas))
    host.routes[("GET", f"{reviews}?limit=50&page=1")] = (200, first_page, link)
    host.routes[("GET", f"{reviews}?limit=50&page=2")] = (200, second_page, {"Link": f'<{host.url}{reviews}?limit=50&page=1>; rel="prev"'})
    host.routes[("GET", f"{PREFIX}/pulls/7/commits?limit=50&page=1")] = (200, recording("gitea_commits.json", **shas), {"Link": ""})
    result = zq("signoff", "check", "--root", root, "--pr", "7", "--api", "gitea", "--format", "json")
    data = json.loads(result.out)
    assert result.code == 1 and data["requirements"][0]["filled"] == {"first": "chen-hao-fgw"}
    assert data["requirements"][0]["missing"] == ["second"]
    # JSON keeps the logins tools match on and adds the names people read (issue 15)
    assert data["requirements"][0]["filled_names"] == {"first": "陈浩（chen-hao-fgw）"}
    assert data["people"]["zheng-haiyan-jyj"] == "郑海燕（zheng-haiyan-jyj）"
    assert any("郑海燕（zheng-haiyan-jyj）要求修改" in reason for reason in data["reasons"])
    assert {r["authorization"] for r in host.requests} == {f"token {TOKEN}"}
    assert not any("page=3" in r["path"] for r in host.requests)


def test_api_failures_are_clear_and_exit_2(host, pull_request, zq, monkeypatch):
    root, _, _ = pull_request
    host.routes[("GET", f"{PREFIX}/pulls/7")] = (401, {"message": "Bad credentials"})
    denied = zq("signoff", "check", "--root", root, "--pr", "7", "--api", "github")
    assert denied.code == 2 and "401" in denied.err and "令牌" in denied.err and "Traceback" not in denied.err
    monkeypatch.setenv("ZHANQUN_API_URL", "http://127.0.0.1:9/api/v1")  # nothing listens on the discard port
    down = zq("signoff", "check", "--root", root, "--pr", "7", "--api", "gitea")
    assert down.code == 2 and "无法连接" in down.err
    monkeypatch.delenv("GITHUB_REPOSITORY")
    norepo = zq("signoff", "check", "--root", root, "--pr", "7", "--api", "gitea")
    assert norepo.code == 2 and "没有指定仓库" in norepo.err
    neither = zq("signoff", "check", "--root", root, "--base", "main", "--head", "pr")
    assert neither.code == 2 and "缺少审核记录" in neither.err


def _github_shape(body: dict) -> dict:
    """What GitHub's GET …/protection answers after a PUT of ``body`` (booleans become {"enabled": …})."""
    return {
        "required_status_checks": {**body["required_status_checks"],
                                   "contexts": [c["context"] for c in body["required_status_checks"]["checks"]]},
        "required_pull_request_reviews": body["required_pull_request_reviews"],
        "enforce_admins": {"enabled": body["enforce_admins"]},
        "allow_force_pushes": {"enabled": body["allow_force_pushes"]},
        "allow_deletions": {"enabled": body["allow_deletions"]},
        "required_conversation_resolution": {"enabled": body["required_conversation_resolution"]},
    }


def test_protect_check_reports_drift_and_apply_fixes_it_on_github(host, cluster, zq):
    root, _ = cluster
    path = f"{PREFIX}/branches/main/protection"
    host.routes[("GET", path)] = (200, recording("github_protection.json"))

    def put(body):
        host.routes[("GET", path)] = (200, _github_shape(body))
        return 200, _github_shape(body)

    host.routes[("PUT", path)] = (200, put)
    drift = zq("protect", "--root", root, "--api", "github", "--check")
    assert drift.code == 1
    assert "必须通过的状态检查（由 GitHub Actions 报告）：应为 zhanqun-check、zhanqun-signoff，实际为 zhanqun-check" in drift.out
    assert "新提交后旧批准失效：应为 是，实际为 否" in drift.out and "允许强制推送：应为 否，实际为 是" in drift.out
    applied = zq("protect", "--root", root, "--api", "github", "--apply")
    assert applied.code == 0, applied.text
    sent = next(r for r in host.requests if r["method"] == "PUT")["body"]
    assert sent["required_pull_request_reviews"]["required_approving_review_count"] == 1
    assert sent["allow_force_pushes"] is False
    assert sent["required_status_checks"]["checks"] == [{"context": "zhanqun-check", "app_id": 15368},
                                                        {"context": "zhanqun-signoff", "app_id": 15368}]
    assert zq("protect", "--root", root, "--api", "github", "--check").code == 0
    # someone later lets a person merge without a pull request: the drift check names it
    bypassed = _github_shape(sent)
    bypassed["required_pull_request_reviews"] = {**sent["required_pull_request_reviews"],
                                                 "bypass_pull_request_allowances": {"users": [{"login": "egov-zhou"}]}}
    host.routes[("GET", path)] = (200, bypassed)
    assert "可以绕过合并请求的人" in zq("protect", "--root", root, "--api", "github", "--check").out


def test_protect_creates_the_rule_on_gitea(host, cluster, zq):
    root, _ = cluster
    rule = f"{PREFIX}/branch_protections/main"

    def create(body):
        stored = {**body, "branch_name": "main", "enable_push_whitelist": False, "push_whitelist_usernames": [],
                  "enable_approvals_whitelist": False, "protected_file_patterns": "", "unprotected_file_patterns": "",
                  "created_at": "2026-11-21T10:00:00+08:00", "updated_at": "2026-11-21T10:00:00+08:00"}
        host.routes[("GET", rule)] = (200, stored)
        return 201, stored

    host.routes[("POST", f"{PREFIX}/branch_protections")] = (201, create)
    missing = zq("protect", "--root", root, "--api", "gitea", "--check")
    assert missing.code == 1 and "没有保护规则" in missing.out
    assert zq("protect", "--root", root, "--api", "gitea", "--apply").code == 0
    sent = next(r for r in host.requests if r["method"] == "POST")["body"]
    assert sent["rule_name"] == "main" and sent["enable_push"] is False and sent["dismiss_stale_approvals"] is True
    assert sent["status_check_contexts"] == ["zhanqun / zhanqun-check (pull_request_target)",
                                             "zhanqun / zhanqun-signoff (pull_request_target)"]
    assert zq("protect", "--root", root, "--api", "gitea", "--check").code == 0
    stored = host.routes[("GET", rule)][1]
    host.routes[("GET", rule)] = (200, {**stored, "unprotected_file_patterns": "content/**"})
    opened = zq("protect", "--root", root, "--api", "gitea", "--check")
    assert opened.code == 1 and "不受保护的文件：应为 （无），实际为 content/**" in opened.out
    shown = zq("protect", "--root", root, "--api", "gitea")  # no flag: print the settings, touch nothing
    assert json.loads(shown.out)["required_approvals"] == 1


def test_codeowners_follow_the_reviewers_and_drift_fails_the_check(cluster, zq):
    root, _ = cluster
    assert zq("codeowners", "--root", root, "--check").code == 1  # not generated yet
    assert zq("codeowners", "--root", root).code == 0
    github = (Path(root) / ".github" / "CODEOWNERS").read_text(encoding="utf-8")
    gitea = (Path(root) / ".gitea" / "CODEOWNERS").read_text(encoding="utf-8")
    assert "/content/fgw/ @chen-hao-fgw @li-zhenhua-fgw @yang-xiumei-fgw\n" in github
    assert "@wang-li-fgw" not in github  # an editor reviews nothing
    assert "/content/fgw/unit.yaml @egov-chen @egov-zhou\n" in github and "\n* @egov-chen @egov-zhou\n" in github
    assert "content/fgw/unit\\\\.yaml @egov-chen @egov-zhou\n" in gitea and "content/fgw/.* @chen-hao-fgw" in gitea
    assert zq("codeowners", "--root", root, "--check").code == 0
    unit = Path(root) / "content" / "fgw" / "unit.yaml"
    unit.write_text(unit.read_text(encoding="utf-8").replace("    roles: [editor]", "    roles: [editor, first]", 1),
                    encoding="utf-8")
    drift = zq("codeowners", "--root", root, "--check")
    assert drift.code == 1 and "不一致" in drift.err
    assert zq("codeowners", "--root", root).code == 0
    assert "@wang-li-fgw" in (Path(root) / ".github" / "CODEOWNERS").read_text(encoding="utf-8")
    (Path(root) / "docs").mkdir()
    (Path(root) / "docs" / "CODEOWNERS").write_text("* @wang-li-fgw\n", encoding="utf-8")
    shadowed = zq("codeowners", "--root", root, "--check")
    assert shadowed.code == 1 and "docs/CODEOWNERS 会盖过生成的 .gitea/CODEOWNERS" in shadowed.err


def test_record_after_merge_reads_the_reviews_from_the_api(host, pull_request, zq):
    """The host must say the pull request was merged as this very commit: approvals cannot be borrowed from
    another pull request for a direct push."""
    from zhanqun.signoff import gitdata

    root, repo, shas = pull_request
    repo.git.checkout("main")
    repo.git.merge("--no-ff", "pr", "-m", "合并 #7")
    merged = repo.head.commit.hexsha
    pull = recording("github_pull.json", **shas)
    host.routes[("GET", f"{PREFIX}/pulls/7")] = (200, pull)
    host.routes[("GET", f"{PREFIX}/pulls/7/reviews?per_page=100&page=1")] = (200, recording("github_reviews.json", **shas))
    host.routes[("GET", f"{PREFIX}/pulls/7/commits?per_page=100&page=1")] = (200, recording("github_commits.json", **shas))
    refused = zq("signoff", "record", "--root", root, "--commit", "HEAD", "--pr", "7", "--api", "github")
    assert refused.code == 2 and "没有合并为提交" in refused.err  # the recording is of the open pull request
    host.routes[("GET", f"{PREFIX}/pulls/7")] = (200, {**pull, "merged": True, "merge_commit_sha": merged})
    result = zq("signoff", "record", "--root", root, "--commit", "HEAD", "--pr", "7", "--api", "github")
    assert result.code == 0, result.text
    note = gitdata.read_record(repo, repo.head.commit)
    assert note["author"] == "wang-li-fgw" and note["satisfied"] is True and note["pr"] == "7"
    assert set(note["approvers"]) == {"chen-hao-fgw", "yang-xiumei-fgw"}


def test_a_reviewer_who_pushed_to_the_pull_request_cannot_approve_it(host, pull_request, zq):
    root, _, shas = pull_request
    commits = recording("github_commits.json", **shas)
    commits[1]["author"] = {"login": "yang-xiumei-fgw"}  # the second reviewer wrote the correction
    host.routes[("GET", f"{PREFIX}/pulls/7")] = (200, recording("github_pull.json", **shas))
    host.routes[("GET", f"{PREFIX}/pulls/7/reviews?per_page=100&page=1")] = (200, recording("github_reviews.json", **shas))
    host.routes[("GET", f"{PREFIX}/pulls/7/commits?per_page=100&page=1")] = (200, commits)
    result = zq("signoff", "check", "--root", root, "--pr", "7", "--api", "github")
    assert result.code == 1 and "杨秀梅（yang-xiumei-fgw）向这个合并请求提交过内容" in result.out


def test_the_bundled_cluster_codeowners_are_current(zq):
    """The demo county's own .github/CODEOWNERS and .gitea/CODEOWNERS match its unit.yaml files."""
    from tests.conftest import PROJECT

    result = zq("codeowners", "--root", PROJECT, "--check")
    assert result.code == 0, result.err


def test_record_of_a_squash_merge_after_update_branch_via_the_api(host, pull_request, zq):
    """Approvals on the last content commit, then the host's 'update branch' (a clean merge of main) and a
    squash merge: the record judges the pull request's own commits, as the check did."""
    from zhanqun.signoff import gitdata

    root, repo, shas = pull_request
    repo.git.checkout("main")
    commit(repo, "content/jyj/gzdt/2026-11-21-other.md", ITEM.format(importance="routine"), "main 上的其他稿件")
    repo.git.checkout("pr")
    repo.git.merge("--no-ff", "main", "-m", "Merge branch 'main' into pr")
    update = repo.head.commit.hexsha
    repo.git.checkout("main")
    repo.git.merge("--squash", "pr")
    repo.git.commit("-m", "县发改委推进重点项目建设 (#7)")
    squashed = repo.head.commit.hexsha
    commits = recording("github_commits.json", **shas)
    commits.append({**commits[1], "sha": update, "author": {"login": "yang-xiumei-fgw"},
                    "committer": {"login": "web-flow"}})  # the reviewer clicked 'update branch'
    pull = recording("github_pull.json", **shas)
    pull = {**pull, "merged": True, "merge_commit_sha": squashed, "head": {**pull["head"], "sha": update}}
    host.routes[("GET", f"{PREFIX}/pulls/7")] = (200, pull)
    host.routes[("GET", f"{PREFIX}/pulls/7/reviews?per_page=100&page=1")] = (200, recording("github_reviews.json", **shas))
    host.routes[("GET", f"{PREFIX}/pulls/7/commits?per_page=100&page=1")] = (200, commits)
    result = zq("signoff", "record", "--root", root, "--commit", squashed, "--pr", "7", "--api", "github")
    assert result.code == 0, result.text
    note = gitdata.read_record(repo, repo.commit(squashed))
    assert note["satisfied"] is True and set(note["approvers"]) == {"chen-hao-fgw", "yang-xiumei-fgw"}


@pytest.mark.parametrize("kind", ["github", "gitea"])
def test_record_finds_the_pull_request_of_the_merged_commit(host, pull_request, zq, kind):
    """CI after a push to main: --pr auto asks the host which pull request was merged as HEAD; a direct push
    has none and is left for the audit (V001)."""
    from zhanqun.signoff import gitdata

    root, repo, shas = pull_request
    repo.git.checkout("main")
    repo.git.merge("--no-ff", "pr", "-m", "合并 #7")
    merged = repo.head.commit.hexsha
    pull = {**recording("github_pull.json", **shas), "merged": True, "merge_commit_sha": merged}
    page = "per_page=100&page=1" if kind == "github" else "limit=50&page=1"
    host.routes[("GET", f"{PREFIX}/pulls/7")] = (200, pull)
    host.routes[("GET", f"{PREFIX}/pulls/7/reviews?{page}")] = (200, recording("github_reviews.json", **shas), {"Link": ""})
    host.routes[("GET", f"{PREFIX}/pulls/7/commits?{page}")] = (200, recording("github_commits.json", **shas), {"Link": ""})
    if kind == "github":
        host.routes[("GET", f"{PREFIX}/commits/{merged}/pulls")] = (200, [pull])
    else:
        host.routes[("GET", f"{PREFIX}/commits/{merged}/pull")] = (200, pull)
    result = zq("signoff", "record", "--root", root, "--commit", "HEAD", "--pr", "auto", "--api", kind)
    assert result.code == 0, result.text
    assert gitdata.read_record(repo, repo.head.commit)["pr"] == "7"
    commit(repo, "content/fgw/gzdt/2026-11-22-direct.md", ITEM.format(importance="routine"), "直接推送")
    host.routes[("GET", f"{PREFIX}/commits/{repo.head.commit.hexsha}/pulls")] = (200, [])
    direct = zq("signoff", "record", "--root", root, "--commit", "HEAD", "--pr", "auto", "--api", kind)
    assert direct.code == 0 and "直接推送" in direct.err and gitdata.read_record(repo, repo.head.commit) is None


# -- issue 10: cut-short commit lists, case of logins, retries and redirects -----------------------------------

def _github_routes(host, shas, listed, **pull_extra):
    host.routes[("GET", f"{PREFIX}/pulls/7")] = (200, {**recording("github_pull.json", **shas), **pull_extra})
    host.routes[("GET", f"{PREFIX}/pulls/7/reviews?per_page=100&page=1")] = (200, recording("github_reviews.json", **shas))
    host.routes[("GET", f"{PREFIX}/pulls/7/commits?per_page=100&page=1")] = (200, listed)


def test_a_commit_list_cut_short_is_not_satisfied_unless_each_missing_commit_is_found(host, pull_request, zq):
    """R5.3: GitHub lists at most 250 commits of a pull request. Here it lists only the head, though the pull
    request declares 2: git knows the other (C1); asked for alone it is unknown at first (not satisfied), then
    written by a reviewer (not satisfied), then by the author (satisfied)."""
    root, _, shas = pull_request
    listed = [c for c in recording("github_commits.json", **shas) if c["sha"] == shas["HEAD"]]
    _github_routes(host, shas, listed, commits=2)
    unknown = zq("signoff", "check", "--root", root, "--pr", "7", "--api", "github")
    assert unknown.code == 1 and "托管平台没有列出合并请求的全部提交（1 个改内容的提交不知道是谁写的" in unknown.out
    assert any(r["path"] == f"{PREFIX}/commits/{shas['C1']}" for r in host.requests)
    single = {"sha": shas["C1"], "author": {"login": "Yang-Xiumei-FGW"}, "committer": {"login": "web-flow"}}
    host.routes[("GET", f"{PREFIX}/commits/{shas['C1']}")] = (200, single)
    reviewer = zq("signoff", "check", "--root", root, "--pr", "7", "--api", "github")
    assert reviewer.code == 1 and "杨秀梅（yang-xiumei-fgw）向这个合并请求提交过内容" in reviewer.out  # whatever the case
    host.routes[("GET", f"{PREFIX}/commits/{shas['C1']}")] = (200, {**single, "author": {"login": "Wang-Li-FGW"}})
    author = zq("signoff", "check", "--root", root, "--pr", "7", "--api", "github")
    assert author.code == 0, author.text


def test_gitea_pages_that_stop_before_the_declared_total(host, pull_request, zq):
    """Gitea declares the total in X-Total-Count; its last page (by Link) ends before it. The missing commit
    is asked for at …/git/commits/{sha}; while the host does not answer for it, nothing is satisfied."""
    root, _, shas = pull_request
    full = recording("gitea_commits.json", **shas)
    head_only = [c for c in full if c["sha"] == shas["HEAD"]]
    gitea_reviews = [{**recording("gitea_review.json", **shas), "state": "APPROVED", "commit_id": shas["HEAD"]}]
    gitea_reviews[0]["user"] = {**gitea_reviews[0]["user"], "login": "chen-hao-fgw"}
    second = copy.deepcopy(gitea_reviews[0])
    second["user"]["login"] = "yang-xiumei-fgw"
    host.routes[("GET", f"{PREFIX}/pulls/7")] = (200, recording("gitea_pull.json", **shas))
    host.routes[("GET", f"{PREFIX}/pulls/7/reviews?limit=50&page=1")] = (200, gitea_reviews + [second], {"Link": ""})
    host.routes[("GET", f"{PREFIX}/pulls/7/commits?limit=50&page=1")] = (200, head_only, {"X-Total-Count": "2", "Link": ""})
    cut = zq("signoff", "check", "--root", root, "--pr", "7", "--api", "gitea")
    assert cut.code == 1 and "不知道是谁写的" in cut.out
    c1 = next(c for c in full if c["sha"] == shas["C1"]) if len(full) > 1 else {**full[0], "sha": shas["C1"]}
    host.routes[("GET", f"{PREFIX}/git/commits/{shas['C1']}")] = (200, c1)
    found = zq("signoff", "check", "--root", root, "--pr", "7", "--api", "gitea")
    assert found.code == 0, found.text
    # the reviews list cut short cannot be judged at all (a request for changes may be on the missing page)
    host.routes[("GET", f"{PREFIX}/pulls/7/reviews?limit=50&page=1")] = (200, gitea_reviews, {"X-Total-Count": "2", "Link": ""})
    short = zq("signoff", "check", "--root", root, "--pr", "7", "--api", "gitea")
    assert short.code == 2 and "没有读完" in short.err


class Scripted:
    """A real HTTP server answering each request with the next step of a script: (status, headers, body),
    or "reset" to drop the connection unanswered. Past the script's end it answers 200 {}."""

    def __init__(self, steps) -> None:
        self.steps = list(steps)
        self.seen: list[dict] = []
        this = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                if length:
                    self.rfile.read(length)
                this.seen.append({"method": self.command, "path": self.path,
                                  "authorization": self.headers.get("Authorization")})
                step = this.steps.pop(0) if this.steps else (200, {}, {})
                if step == "reset":
                    import socket as _socket
                    import struct
                    self.connection.setsockopt(_socket.SOL_SOCKET, _socket.SO_LINGER, struct.pack("ii", 1, 0))
                    self.close_connection = True
                    return
                status, headers, body = step
                raw = json.dumps(body).encode()
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value.replace("{url}", this.url) if isinstance(value, str) else value)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            do_GET = do_PUT = do_POST = do_PATCH = _answer

            def log_message(self, *args) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"


@pytest.fixture
def scripted():
    servers = []

    def start(*steps):
        servers.append(Scripted(steps))
        return servers[-1]

    yield start
    for server in servers:
        server.server.shutdown()


def _api(server, kind="github", sleeps=None):
    from zhanqun.signoff import hosting

    return hosting.Api(kind, server.url, TOKEN, "shilixian/zhanqun-site",
                       sleep=(sleeps.append if sleeps is not None else hosting.time.sleep))


def test_busy_hosts_are_retried_with_backoff_honouring_retry_after(scripted):
    server = scripted((503, {}, {}), (429, {"Retry-After": "2"}, {}), (200, {}, {"number": 7}))
    sleeps: list[float] = []
    assert _api(server, sleeps=sleeps).request("GET", "/x") == {"number": 7}
    assert sleeps == [1.0, 2.0] and len(server.seen) == 3
    date = scripted((502, {"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"}, {}), (200, {}, [1]))  # a date passed
    sleeps = []
    assert _api(date, sleeps=sleeps).request("GET", "/x") == [1] and sleeps == [0.0]
    reset = scripted("reset", (504, {}, {}), (200, {}, {"ok": True}))
    sleeps = []
    assert _api(reset, "gitea", sleeps).request("GET", "/x") == {"ok": True} and sleeps == [1.0, 2.0]


def test_retries_are_bounded_and_the_failure_is_clear(scripted):
    from zhanqun.signoff import hosting

    down = scripted(*[(502, {}, {})] * 5)
    sleeps: list[float] = []
    with pytest.raises(hosting.ApiError) as failed:
        _api(down, sleeps=sleeps).request("GET", "/repos/a/b/pulls/7")
    assert len(down.seen) == hosting.TRIES == 3 and sum(sleeps) <= hosting.RETRY_BUDGET
    assert "502" in failed.value.message and "暂时不可用" in failed.value.message
    limited = scripted((429, {"Retry-After": "3600"}, {}))  # waiting an hour is not waited for
    sleeps = []
    with pytest.raises(hosting.ApiError) as spent:
        _api(limited, sleeps=sleeps).request("GET", "/x")
    assert sleeps == [] and len(limited.seen) == 1 and "限流" in spent.value.message
    github = scripted((403, {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "1"}, {}), (200, {}, {"ok": 1}))
    sleeps = []
    assert _api(github, sleeps=sleeps).request("GET", "/x") == {"ok": 1} and sleeps == [0.0]  # reset passed
    for status in (401, 404, 422):  # the host's answer will not change: no retry
        once = scripted((status, {}, {}), (200, {}, {}))
        with pytest.raises(hosting.ApiError):
            _api(once, sleeps=[]).request("GET", "/x")
        assert len(once.seen) == 1


def test_a_post_is_not_repeated_when_the_host_may_have_acted(scripted):
    """Creating Gitea's branch protection (POST) after a 502 or a dropped connection might create it twice:
    not retried; a 429 means the host did not act, so it is."""
    from zhanqun.signoff import hosting

    for first in ((502, {}, {}), "reset"):
        server = scripted(first, (201, {}, {}))
        with pytest.raises(hosting.ApiError):
            _api(server, "gitea", []).request("POST", "/repos/a/b/branch_protections", {"rule_name": "main"})
        assert len(server.seen) == 1
    limited = scripted((429, {"Retry-After": "0"}, {}), (201, {}, {"rule_name": "main"}))
    assert _api(limited, "gitea", []).request("POST", "/p", {"x": 1}) == {"rule_name": "main"}
    assert len(limited.seen) == 2


def test_the_token_is_not_sent_where_a_redirect_points_elsewhere(scripted):
    """A redirect within the API's origin (GitHub answers 301 for a renamed repository) keeps the token; one
    to another host or port gets the request without it."""
    elsewhere = scripted((200, {}, {"moved": True}))
    api_host = scripted((301, {"Location": "{url}/repositories/1/pulls/7"}, {}), (200, {}, {"number": 7}),
                        (302, {"Location": elsewhere.url + "/steal"}, {}),
                        (307, {"Location": elsewhere.url.replace("127.0.0.1", "localhost") + "/again"}, {}))
    api = _api(api_host, sleeps=[])
    assert api.request("GET", "/repos/a/b/pulls/7") == {"number": 7}
    assert [r["authorization"] for r in api_host.seen] == [f"Bearer {TOKEN}"] * 2
    assert api.request("GET", "/repos/a/b/pulls/8") == {"moved": True}
    assert api.request("GET", "/repos/a/b/pulls/9") == {}
    assert [r["path"] for r in elsewhere.seen] == ["/steal", "/again"]
    assert all(r["authorization"] is None for r in elsewhere.seen)


def test_a_squash_record_without_the_pull_requests_commits_and_a_cut_short_list_is_unsatisfied(host, pull_request, zq):
    """R5.3: the head of a squashed pull request is not here (CI did not fetch refs/pull/N/head), so only the
    host's list says who wrote its commits; it lists 2 of the 5 the pull request declares: not satisfied."""
    from zhanqun.signoff import gitdata

    root, repo, shas = pull_request
    repo.git.checkout("main")
    repo.git.merge("--squash", "pr")
    repo.git.commit("-m", "县发改委推进重点项目建设 (#7)")
    squashed = repo.head.commit.hexsha
    pull = recording("github_pull.json", **shas)
    gone = "f" * 40  # the pull request's head, not in this clone
    pull = {**pull, "merged": True, "merge_commit_sha": squashed, "commits": 5, "head": {**pull["head"], "sha": gone}}
    reviews = [{**r, "commit_id": gone} for r in recording("github_reviews.json", **shas)]
    _github_routes(host, shas, recording("github_commits.json", **shas))
    host.routes[("GET", f"{PREFIX}/pulls/7")] = (200, pull)
    host.routes[("GET", f"{PREFIX}/pulls/7/reviews?per_page=100&page=1")] = (200, reviews)
    result = zq("signoff", "record", "--root", root, "--commit", squashed, "--pr", "7", "--api", "github")
    note = gitdata.read_record(repo, repo.commit(squashed))
    assert note["satisfied"] is False and any("3 个改内容的提交不知道是谁写的" in r for r in note["reasons"]), result.text
    host.routes[("GET", f"{PREFIX}/pulls/7")] = (200, {**pull, "commits": 2})  # the whole list
    zq("signoff", "record", "--root", root, "--commit", squashed, "--pr", "7", "--api", "github")
    assert gitdata.read_record(repo, repo.commit(squashed))["satisfied"] is True
