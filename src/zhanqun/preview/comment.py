"""The pull request's preview comment (issue 15): one comment, found again by a hidden marker and updated on each
push (not one more comment per push), through the GitHub or Gitea REST API (zhanqun.signoff.hosting).

Both hosts list an issue's comments at ``GET /repos/{o}/{r}/issues/{n}/comments``, create one with ``POST`` there
and edit one with ``PATCH /repos/{o}/{r}/issues/comments/{id}``. Only a comment that carries the marker *and* was
written by the workflow's account (``github-actions[bot]``, ``gitea-actions`` or ``--as``) is edited: someone
quoting the marker does not get their comment rewritten."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from zhanqun.preview import MARKER, Preview
from zhanqun.signoff.hosting import Api, ApiError

WRITERS = ("github-actions[bot]", "gitea-actions")


@dataclass(frozen=True)
class Posted:
    id: int
    created: bool


def body(preview: Preview, names: dict[str, str], commit: str = "") -> str:
    """The comment: the landing page first (the link a leader taps), the review sheet, then each site."""
    lines = [MARKER, f"### 预览（未发布）：合并请求 #{preview.pr}", "",
             f"**[在手机上打开预览]({preview.landing_url})**（只能在内网打开）", "",
             f"- [审核单：改了什么、在哪里出现、需要谁审核]({preview.sheet_url})"]
    lines += [f"- {names.get(host, host)}：{preview.url(host)}" for host in preview.built]
    if not preview.built:
        lines.append("- 这次修改不影响任何网站的页面。")
    lines += ["", f"预览按提交 `{commit[:10]}` 构建；每次推送后自动更新，合并请求关闭后删除。" if commit
              else "每次推送后自动更新，合并请求关闭后删除。"]
    return "\n".join(lines) + "\n"


def removed_body(pr: int) -> str:
    return f"{MARKER}\n### 预览已删除：合并请求 #{pr}\n\n合并请求已关闭，它的预览已从预览服务器上删除。\n"


def post(api: Api, pr: int, text: str, writers: Iterable[str] = WRITERS) -> Posted:
    """Create the comment, or update the one already there (the newest of the workflow's marked comments)."""
    allowed = {w.lower() for w in writers}
    mine = None
    for entry in api.paged(f"/repos/{api.repo}/issues/{pr}/comments"):
        login = str((entry.get("user") or {}).get("login") or "").lower() if isinstance(entry, dict) else ""
        if MARKER in str(entry.get("body") or "") and login in allowed and isinstance(entry.get("id"), int):
            mine = entry["id"]
    if mine is not None:
        api.request("PATCH", f"/repos/{api.repo}/issues/comments/{mine}", {"body": text})
        return Posted(mine, False)
    made = api.request("POST", f"/repos/{api.repo}/issues/{pr}/comments", {"body": text})
    if not isinstance(made, dict) or not isinstance(made.get("id"), int):
        raise ApiError(f"托管平台没有返回新评论的编号（合并请求 #{pr}）。", hint="检查令牌是否有写评论的权限（pull-requests: write）。")
    return Posted(made["id"], True)
