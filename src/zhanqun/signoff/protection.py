"""Branch protection of main from the config (R5.4), for GitHub and Gitea, and its drift check.

What it asks of the host: changes only through pull requests; the status checks ``zhanqun-check`` and
``zhanqun-signoff`` (the CI jobs of that name) must pass, so the sign-off chain decides; at least as many
approvals as the shortest chain; stale approvals dismissed on new commits; a request for changes blocks; no
force pushes and no deletion (history is the audit trail, R8.2); rules apply to admins too.
"""

from __future__ import annotations

from typing import Any

from zhanqun.config import ClusterConfig

STATUS_CHECKS = ("zhanqun-check", "zhanqun-signoff")  # the CI jobs' names
WORKFLOW = "zhanqun"  # the pull-request workflow's name (Gitea names a status "<workflow> / <job> (<event>)")
GITHUB_ACTIONS_APP = 15368  # GitHub Actions' app id: a status posted by anyone else does not count


def required_approvals(config: ClusterConfig) -> int:
    return max(1, min((len(roles) for roles in config.signoff.values()), default=1))


def desired(config: ClusterConfig, kind: str, branch: str = "main") -> dict[str, Any]:
    """The request body that sets the protection (GitHub PUT …/protection; Gitea POST/PATCH branch_protections)."""
    approvals = required_approvals(config)
    if kind == "github":
        return {
            "required_status_checks": {"strict": True, "checks": [{"context": name, "app_id": GITHUB_ACTIONS_APP}
                                                                  for name in STATUS_CHECKS]},
            "enforce_admins": True,
            "required_pull_request_reviews": {"dismiss_stale_reviews": True, "require_code_owner_reviews": True,
                                              "required_approving_review_count": approvals,
                                              "require_last_push_approval": True,
                                              "bypass_pull_request_allowances": {"users": [], "teams": [], "apps": []}},
            "restrictions": None,
            "allow_force_pushes": False,
            "allow_deletions": False,
            "required_conversation_resolution": True,
        }
    return {
        "rule_name": branch,
        "enable_push": False,
        "enable_force_push": False,
        "enable_status_check": True,
        # the trusted runs only: pull_request_target runs the base's workflow (.github/workflows/zhanqun.yml)
        "status_check_contexts": [f"{WORKFLOW} / {name} (pull_request_target)" for name in STATUS_CHECKS],
        "required_approvals": approvals,
        "dismiss_stale_approvals": True,
        "block_on_rejected_reviews": True,
        "block_on_outdated_branch": True,
        "block_on_official_review_requests": False,
        "require_signed_commits": False,
        "unprotected_file_patterns": "",  # no path that may be pushed past the rules
    }


# For each setting: where the host's GET answer keeps it, and a Chinese name for the drift report.
_GITHUB_READ = {
    "required_status_checks.strict": ("required_status_checks.strict", "要求分支与主分支同步"),
    "required_status_checks.checks": ("required_status_checks.checks", "必须通过的状态检查（由 GitHub Actions 报告）"),
    "enforce_admins": ("enforce_admins.enabled", "规则对管理员同样有效"),
    "required_pull_request_reviews.dismiss_stale_reviews": ("required_pull_request_reviews.dismiss_stale_reviews",
                                                            "新提交后旧批准失效"),
    "required_pull_request_reviews.require_code_owner_reviews": (
        "required_pull_request_reviews.require_code_owner_reviews", "须由 CODEOWNERS 中的审核人批准"),
    "required_pull_request_reviews.required_approving_review_count": (
        "required_pull_request_reviews.required_approving_review_count", "至少需要的批准数"),
    "required_pull_request_reviews.require_last_push_approval": (
        "required_pull_request_reviews.require_last_push_approval", "最后一次推送须由他人批准"),
    "required_pull_request_reviews.bypass_pull_request_allowances": (
        "required_pull_request_reviews.bypass_pull_request_allowances", "可以绕过合并请求的人"),
    "allow_force_pushes": ("allow_force_pushes.enabled", "允许强制推送"),
    "allow_deletions": ("allow_deletions.enabled", "允许删除分支"),
    "required_conversation_resolution": ("required_conversation_resolution.enabled", "评论须全部解决"),
}
_GITEA_NAMES = {
    "enable_push": "允许直接推送", "enable_force_push": "允许强制推送", "enable_status_check": "要求状态检查",
    "status_check_contexts": "必须通过的状态检查", "required_approvals": "至少需要的批准数",
    "dismiss_stale_approvals": "新提交后旧批准失效", "block_on_rejected_reviews": "要求修改时阻止合并",
    "block_on_outdated_branch": "分支落后时阻止合并", "block_on_official_review_requests": "有待处理的正式审核请求时阻止合并",
    "require_signed_commits": "要求签名提交", "unprotected_file_patterns": "不受保护的文件",
}


def drift(config: ClusterConfig, kind: str, current: dict[str, Any] | None, branch: str = "main") -> list[str]:
    """What differs between the protection the host has (its GET answer) and the desired one, in Chinese."""
    if current is None:
        return [f"分支 {branch} 没有保护规则。"]
    want = desired(config, kind, branch)
    out = []
    if kind == "github":
        for key, (read, name) in _GITHUB_READ.items():
            expected, actual = _get(want, key), _get(current, read)
            if _differs(expected, actual):
                out.append(f"{name}：应为 {_show(expected)}，实际为 {_show(actual)}")
        return out
    for key, name in _GITEA_NAMES.items():
        if key == "enable_force_push" and key not in current:
            continue  # Gitea before 1.22 has no such setting: a protected branch refuses force pushes anyway
        expected, actual = want[key], current.get(key)
        if _differs(expected, actual):
            out.append(f"{name}：应为 {_show(expected)}，实际为 {_show(actual)}")
    return out


def _get(data: Any, dotted: str) -> Any:
    for part in dotted.split("."):
        if not isinstance(data, dict):
            return None
        data = data.get(part)
    return data


def _differs(expected: Any, actual: Any) -> bool:
    if isinstance(expected, dict):  # GitHub's bypass allowances: lists of users, teams, apps, all empty
        return any(_differs(v, (actual or {}).get(k) if isinstance(actual, dict) else None) for k, v in expected.items())
    if isinstance(expected, list):
        return sorted(map(_key, expected)) != sorted(map(_key, actual or []))
    if isinstance(expected, bool):
        return bool(actual) != expected
    if expected == "":
        return bool(actual)
    return bool(expected != actual)


def _key(value: Any) -> str:
    if isinstance(value, dict):  # a check: its name and who reports it
        return f"{value.get('context')}@{value.get('app_id')}"
    return str(value)


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        return "、".join(str(v.get("context", v)) if isinstance(v, dict) else str(v) for v in value) if value else "（无）"
    if isinstance(value, dict):
        return "、".join(str(x) for v in value.values() for x in (v or [])) or "（无）"
    return "（无）" if value is None or value == "" else str(value)
