"""The sign-off commands as library functions (the CLI only parses options): what to judge comes from the
command line, a reviews file, or the host's API (``--pr N --api github|gitea``)."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

from zhanqun.errors import FindingsError, UsageError
from zhanqun.findings import errors
from zhanqun.signoff import codeowners, gitdata, hosting, policy, protection

if TYPE_CHECKING:
    from zhanqun.cluster import Cluster
    from zhanqun.schemas import SchemaSet


@dataclasses.dataclass
class Inputs:
    """Who wrote the pull request, its reviews and (from the API) its commits."""

    author: str
    reviews: list[policy.Review]
    head: str | None = None
    base: str | None = None
    commits: dict[str, tuple[str, ...]] | None = None  # as the host lists them, with who wrote each
    pull: hosting.PullRequest | None = None  # when read from the API
    commits_complete: bool = True  # False when the host's list stopped short of the pull request's commits
    api: hosting.Api | None = None  # to ask for the commits the list left out
    opened: str = ""  # when the pull request was created (ISO 8601), for the record (R8.3); "" when unknown


def inputs(author: str | None, reviews_file: Path | None, pr: str | None, api_kind: str | None,
           repo: str | None) -> Inputs:
    if api_kind:
        if not pr or not pr.isdigit():
            raise UsageError("用 --api 时须用 --pr 给出合并请求编号（数字）。")
        api = hosting.Api.from_env(api_kind, repo)
        pull = api.pull(int(pr))
        reviews = gitdata.parse_reviews(api.reviews(int(pr)), f"托管平台返回的合并请求 #{pr} 审核记录")
        commits, complete = api.commits(int(pr), pull.commits)
        return Inputs(author or pull.author, reviews, pull.head_sha, pull.base_sha, commits, pull, complete, api,
                      pull.created_at)
    if reviews_file is None or not author:
        raise UsageError("缺少审核记录。", hint="给出 --author 和 --reviews 审核记录.json，或用 --pr 编号 --api github|gitea 从托管平台读取。")
    reviews, opened = gitdata.read_reviews(reviews_file)
    return Inputs(author, reviews, opened=opened)


def check(root: Path, base: str | None, head: str | None, given: Inputs, emergency: str = "") -> policy.Verdict:
    repo = gitdata.open_repo(root)
    base_rev, head_rev = base or given.base, head or given.head
    if not base_rev or not head_rev:
        raise UsageError("缺少 --base 或 --head。", hint="给出基准提交和最新提交，或用 --pr 与 --api 从托管平台读取。")
    base_commit, head_commit = gitdata.commit_of(repo, base_rev), gitdata.commit_of(repo, head_rev)
    config, units = gitdata.config_at(base_commit)
    listed = _complete_listing(repo, base_commit, head_commit, given)
    change = gitdata.change_between(repo, base_commit, head_commit, given.author, given.reviews, emergency,
                                    schemas_of(root), listed)
    return policy.verdict(change, config, units)


def _complete_listing(repo: gitdata.Repo, base: gitdata.Commit, head: gitdata.Commit, given: Inputs) -> dict[str, tuple[str, ...]] | None:
    """The host's list of the pull request's commits, with each content commit it left out (GitHub lists at most
    250) asked for alone, up to hosting.MAX_LOOKUPS; git knows which those are. Those still unknown make the
    change unsatisfied (policy: unknown_writers)."""
    if given.commits is None or given.api is None:
        return given.commits
    listed = dict(given.commits)
    for sha in gitdata.unlisted_content(repo, base, head, listed)[:hosting.MAX_LOOKUPS]:
        writers = given.api.commit_writers(sha)
        if writers is not None:
            listed[sha] = writers
    return listed


def record(root: Path, commit_rev: str, pr: str, given: Inputs, emergency: str = "",
           remote: str | None = None, key_text: str | None = None) -> policy.Verdict:
    """Write the record of a merged pull request (signed with CI's key when given, R6.5); with ``remote``,
    fetch the records there first and push after."""
    repo = gitdata.open_repo(root)
    if remote:
        gitdata.fetch_notes(repo, remote)
    merged = gitdata.commit_of(repo, commit_rev)
    if not merged.parents:
        raise UsageError(f"提交 {commit_rev} 没有父提交，不是合并结果。", hint="指定合并请求合并后产生的提交。")
    base = gitdata.commit_of(repo, merged.parents[0])
    config, units = gitdata.config_at(base)
    # What landed is the change from the first parent to the merged commit (a merge commit's own edits
    # included). A squash or rebase merge carries none of the reviewed commits, so which approvals were stale
    # cannot be read from git here: the sign-off check judged that on the pull request.
    squashed = len(merged.parents) == 1
    # from the API: the record must be of this pull request's merge
    if given.pull is not None and (not given.pull.merged or given.pull.merge_commit != merged.hexsha):
        raise UsageError(f"合并请求 #{pr} 没有合并为提交 {merged.hexsha[:10]}"
                         f"（托管平台记录的合并提交：{given.pull.merge_commit[:10] or '无'}）。",
                         hint="审核记录只能写在该合并请求合并后产生的提交上。")
    change = gitdata.change_between(repo, base, merged, given.author, given.reviews, emergency, schemas_of(root),
                                    None if squashed else _complete_listing(repo, base, merged, given),
                                    stale_check=not squashed)
    if squashed and given.pull is not None:
        # The reviewed commits are not in main's history. Judged on the pull request's own commits when its
        # head is here (CI fetches refs/pull/N/head), as the check did; else only approvals on the head count,
        # and everyone who wrote any of its commits counts as a contributor.
        head = _local_commit(repo, given.pull.head_sha)
        if head is not None:
            listed = _complete_listing(repo, base, head, given)
            judged = gitdata.change_between(repo, base, head, given.author, given.reviews, emergency, None, listed)
            change = dataclasses.replace(change, commits=judged.commits, fresh=judged.fresh,
                                         contributors=judged.contributors, unknown_writers=judged.unknown_writers)
        else:
            logins = {login for who in (given.commits or {}).values() for login in who
                      if not policy.same_login(login, given.author)}
            change = dataclasses.replace(change, fresh=frozenset({given.pull.head_sha}), contributors=frozenset(logins),
                                         unknown_writers=0 if given.commits_complete else max(
                                             1, (given.pull.commits or 0) - len(given.commits or {})))
    result = policy.verdict(change, config, units)
    when = dt.datetime.fromtimestamp(merged.committed_date, dt.UTC).isoformat()
    gitdata.record(repo, merged, change, result, pr, when, dt.datetime.now(dt.UTC).isoformat(), key_text,
                   given.opened)
    if remote:
        gitdata.push_notes(repo, remote)
    if key_text:  # one signature for the whole notes tree, so the audit need not check every record's
        from zhanqun import audit

        audit.checkpoint(root, key_text, remote)
    return result


def has_trusted_record(root: Path, commit_rev: str) -> bool:
    """Whether ``commit_rev`` already has a record CI signed with a key allowed by the repository's
    ``allowed_signers`` (at the commit's first parent or at HEAD). Without that file, any readable record counts."""
    from zhanqun import signing
    from zhanqun.audit import signatures

    repo = gitdata.open_repo(root)
    merged = gitdata.commit_of(repo, commit_rev)
    records = [r for r in gitdata.read_records(repo, merged) if "unreadable" not in r]
    if not records:
        return False
    keys, enabled = [], False
    for rev in filter(None, [merged.parents[0] if merged.parents else None, "HEAD"]):
        text = repo.show(f"{rev}:{signing.ALLOWED_SIGNERS}")
        if text is None:  # no such file at that commit
            continue
        enabled = True
        with contextlib.suppress(Exception):  # a broken file allows nothing
            keys += signing.parse_allowed(text, signing.ALLOWED_SIGNERS)
    return not enabled or any(not signatures._untrusted(r, keys) for r in records)


def unrestated_emergency(root: Path, commit_rev: str) -> str | None:
    """The reason of an emergency publication of ``commit_rev`` that its latest record does not repeat (the
    audit keeps such an emergency open, V005), or None."""
    repo = gitdata.open_repo(root)
    records = [r for r in gitdata.read_records(repo, gitdata.commit_of(repo, commit_rev)) if "unreadable" not in r]
    first = next((r for r in records if r.get("emergency")), None)
    if first is None or records[-1] is first:
        return None
    reason = policy.visible_reason(str(first.get("emergency_reason", "")))
    restated = policy.visible_reason(str(records[-1].get("emergency_reason", "")))
    return None if reason and restated == reason else str(first.get("emergency_reason", ""))


def _local_commit(repo: gitdata.Repo, sha: str) -> gitdata.Commit | None:
    try:
        return repo.commit(sha)
    except UsageError:  # not in the local clone
        return None


def load_config(root: Path) -> Cluster:
    """The working tree's cluster (config and units, no items), refusing one whose config has errors."""
    from zhanqun.cluster import load_structure

    cluster, findings = load_structure(root, item_types=set())
    if errors(findings) or cluster is None:
        raise FindingsError(errors(findings) or findings)
    return cluster


def codeowners_files(root: Path) -> dict[str, str]:
    """{path: text} of the CODEOWNERS files the working tree's config gives."""
    cluster = load_config(root)
    return {path: codeowners.render(cluster.config, cluster.units, kind) for kind, path in codeowners.PATHS.items()}


def pull_of(root: Path, commit_rev: str, api_kind: str | None, repo: str | None) -> str | None:
    """``--pr auto``: the number of the pull request merged as ``commit_rev``, None for a direct push."""
    if not api_kind:
        raise UsageError("--pr auto 须与 --api 一起用。")
    sha = gitdata.commit_of(gitdata.open_repo(root), commit_rev).hexsha
    number = hosting.Api.from_env(api_kind, repo).pull_for_commit(sha)
    return None if number is None else str(number)


def protect(root: Path, api_kind: str, repo: str | None, branch: str, mode: str) -> tuple[dict[str, Any], list[str]]:
    """Render (mode "show"), compare ("check") or apply ("apply") main's protection; returns (body, drift)."""
    config = load_config(root).config
    body = protection.desired(config, api_kind, branch)
    if mode == "show":
        return body, []
    api = hosting.Api.from_env(api_kind, repo)
    current = api.protection(branch)
    found = protection.drift(config, api_kind, current, branch)
    if mode == "apply" and found:
        api.apply_protection(branch, body, current is not None)
        found = protection.drift(config, api_kind, api.protection(branch), branch)
    return body, found


def schemas_of(root: Path) -> SchemaSet:
    """The schemas of the working tree's cluster (for the Chinese key aliases editors write): the package's with its overrides."""
    from zhanqun.schemas import SchemaSet

    return SchemaSet.for_root(root)


def publishable(root: Path, since: str | None, head: str = "HEAD") -> tuple[str, list[str]]:
    """The newest commit of main's first-parent path from ``since`` to ``head`` up to which every change that
    needs a sign-off has a trusted record whose chain is satisfied or an emergency's (R6.6), and Chinese log
    lines saying what was held back and why. Without ``since`` (nothing deployed yet) the whole history counts."""
    from zhanqun import audit
    from zhanqun.audit import history
    from zhanqun.findings import Severity

    tip = history.resolve(root, head)
    if tip is None:
        raise UsageError(f"找不到提交 {head}。")
    since_rev = history.resolve(root, since) if since else None
    if since and since_rev is None:
        raise UsageError(f"找不到提交 {since}。", hint="给出上次发布到的提交，如 refs/zhanqun/deployed（先 git fetch 它）。")
    report = audit.run(root, tip, since_rev, use_cache=True)
    # V005 (an emergency's chain still open) does not hold publishing back; nor does V009 (a record that is not
    # CI's): the verdict comes from the trusted records alone, and a commit without one is V001 anyway. So a note
    # anyone appended cannot stop a commit CI recorded.
    blocking = {e.commit.sha: [v for v in e.violations if v.severity is Severity.ERROR and v.code not in ("V005", "V009")]
                for e in report.entries}
    path = history.first_parent_history(root, tip, since_rev)
    target, lines = since_rev or "", []
    for commit in path:
        problems = blocking.get(commit.sha, [])
        if problems:
            lines.append(f"不发布提交 {commit.sha[:10]}（{commit.subject}）及其后的提交：" + "；".join(
                f"{v.code} {v.message}" for v in problems))
            break
        target = commit.sha
    if target and target != since_rev:
        lines.insert(0, f"可以发布到提交 {target[:10]}：其间每个需要审核的变更都有 CI 签名的审核记录，审核链已满足"
                        "（或为紧急发布）。")
    elif not lines:
        lines.append("没有新的提交需要发布。")
    return target, lines
