"""The git host's REST API (GitHub, or a self-hosted Gitea on the county's intranet): a pull request's author,
head, reviews and commits, and the branch protection of main.

Both hosts serve ``/repos/{owner}/{repo}/pulls/{n}``, ``…/reviews`` and ``…/commits`` in the same shape;
they differ in pagination (``per_page`` / ``limit``), in the token header and in branch protection.
Configuration comes from the environment, as CI provides it:

- ``ZHANQUN_API_URL`` (else ``GITHUB_API_URL``, which GitHub Actions and Gitea Actions both set; GitHub's
  default is https://api.github.com, Gitea's is ``https://<host>/api/v1``);
- ``ZHANQUN_API_TOKEN`` (else ``GITHUB_TOKEN``, else ``GITEA_TOKEN``);
- the repository ``owner/name`` from ``--repo`` or ``GITHUB_REPOSITORY``.
"""

from __future__ import annotations

import dataclasses
import http.client
import json
import os
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from zhanqun.errors import UsageError

KINDS = ("github", "gitea")
_BOTS = {"web-flow", "github-actions[bot]", "gitea-actions"}
_PAGE = {"github": ("per_page", 100), "gitea": ("limit", 50)}
_MAX_PAGES = 100
TIMEOUT = 30


class ApiError(UsageError):
    """The host's API could not be used; nothing was judged (exit code 2, like a usage error)."""


@dataclasses.dataclass(frozen=True)
class PullRequest:
    number: int
    author: str
    base_sha: str
    base_ref: str
    head_sha: str
    merged: bool = False
    merge_commit: str = ""


@dataclasses.dataclass
class Api:
    kind: str
    base_url: str
    token: str
    repo: str

    @classmethod
    def from_env(cls, kind: str, repo: str | None = None, env: dict[str, str] | None = None) -> Api:
        env = dict(os.environ if env is None else env)
        if kind not in KINDS:
            raise UsageError(f"--api 只能是 github 或 gitea，而不是 {kind}。")
        url = env.get("ZHANQUN_API_URL") or env.get("GITHUB_API_URL") or ("https://api.github.com" if kind == "github" else "")
        if not url:
            raise UsageError("没有设置托管平台 API 地址。", hint="设置环境变量 ZHANQUN_API_URL，如 https://git.example.gov.cn/api/v1。")
        token = env.get("ZHANQUN_API_TOKEN") or env.get("GITHUB_TOKEN") or env.get("GITEA_TOKEN") or ""
        repo = repo or env.get("GITHUB_REPOSITORY") or ""
        if repo.count("/") != 1:
            raise UsageError("没有指定仓库。", hint="用 --repo 所有者/仓库名，或设置环境变量 GITHUB_REPOSITORY。")
        return cls(kind, url.rstrip("/"), token, repo)

    # -- pull requests ---------------------------------------------------------------------------------------

    def pull(self, number: int) -> PullRequest:
        data = self.request("GET", f"/repos/{self.repo}/pulls/{number}")
        try:
            return PullRequest(number, data["user"]["login"], data["base"]["sha"], data["base"]["ref"], data["head"]["sha"],
                               bool(data.get("merged")), str(data.get("merge_commit_sha") or ""))
        except (KeyError, TypeError):
            raise ApiError(f"托管平台返回的合并请求 #{number} 缺少 user、base 或 head。",
                           hint="确认 API 地址指向 GitHub 或 Gitea 的 REST API。") from None

    def pull_for_commit(self, sha: str) -> int | None:
        """The pull request that was merged as commit ``sha``, or None (a direct push)."""
        if self.kind == "github":
            for entry in self.request("GET", f"/repos/{self.repo}/commits/{sha}/pulls") or []:
                if isinstance(entry, dict) and entry.get("merge_commit_sha") == sha:
                    return int(entry["number"])
            return None
        entry = self.request("GET", f"/repos/{self.repo}/commits/{sha}/pull", missing_ok=True)
        return int(entry["number"]) if isinstance(entry, dict) and entry.get("number") else None

    def reviews(self, number: int) -> list[dict[str, Any]]:
        return self.paged(f"/repos/{self.repo}/pulls/{number}/reviews")

    def commits(self, number: int) -> dict[str, tuple[str, ...]]:
        """The pull request's commits with the logins of their author and committer (in no particular order:
        Gitea lists them newest first, GitHub by date). The host's web editor commits as a bot: not a person."""
        out: dict[str, tuple[str, ...]] = {}
        for entry in self.paged(f"/repos/{self.repo}/pulls/{number}/commits"):
            try:
                logins = tuple(str(who["login"]) for key in ("author", "committer")
                               if isinstance(who := entry.get(key), dict) and who.get("login")
                               and who["login"] not in _BOTS)
                out[str(entry["sha"])] = logins
            except (KeyError, TypeError):
                raise ApiError(f"托管平台返回的合并请求 #{number} 提交列表格式不对。") from None
        return out

    # -- branch protection -----------------------------------------------------------------------------------

    def protection(self, branch: str) -> dict[str, Any] | None:
        """The branch's protection as the host returns it, or None when the branch is not protected."""
        path = (f"/repos/{self.repo}/branches/{branch}/protection" if self.kind == "github"
                else f"/repos/{self.repo}/branch_protections/{branch}")
        return self.request("GET", path, missing_ok=True)

    def apply_protection(self, branch: str, body: dict[str, Any], exists: bool) -> None:
        if self.kind == "github":
            self.request("PUT", f"/repos/{self.repo}/branches/{branch}/protection", body)
        elif exists:
            self.request("PATCH", f"/repos/{self.repo}/branch_protections/{branch}", body)
        else:
            self.request("POST", f"/repos/{self.repo}/branch_protections", body)

    # -- HTTP ------------------------------------------------------------------------------------------------

    def paged(self, path: str) -> list[dict[str, Any]]:
        """Every page of a list. The host's ``Link: …; rel="next"`` says whether there is another page (an
        instance may cap pages below the size asked for); without the header, pages are read until one is empty."""
        name, size = _PAGE[self.kind]
        out: list[dict[str, Any]] = []
        for page in range(1, _MAX_PAGES + 1):
            chunk, headers = self._send("GET", f"{path}?{urllib.parse.urlencode({name: size, 'page': page})}")
            if not isinstance(chunk, list):
                raise ApiError(f"托管平台对 {path} 返回的不是列表。")
            out += chunk
            link = headers.get("Link")
            if (link is not None and 'rel="next"' not in link) or not chunk:
                return out
        raise ApiError(f"托管平台对 {path} 的结果超过 {_MAX_PAGES} 页，没有读完。", hint="请检查合并请求是否异常。")

    def request(self, method: str, path: str, body: Any = None, missing_ok: bool = False) -> Any:
        return self._send(method, path, body, missing_ok)[0]

    def _send(self, method: str, path: str, body: Any = None, missing_ok: bool = False) -> tuple[Any, Any]:
        headers = {"Accept": "application/json", "User-Agent": "zhanqun"}
        if self.kind == "github":
            headers.update({"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28"})
        if self.token:
            headers["Authorization"] = f"{'Bearer' if self.kind == 'github' else 'token'} {self.token}"
        data = None
        if body is not None:
            data = json.dumps(body).encode("utf-8")
            headers["Content-Type"] = "application/json"
        where = path.split("?")[0]
        try:
            request = urllib.request.Request(self.base_url + path, data=data, method=method, headers=headers)
            with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
                raw, reply_headers = response.read(), response.headers
        except urllib.error.HTTPError as exc:
            if exc.code == 404 and missing_ok:
                return None, {}
            raise ApiError(f"托管平台 API {method} {where} 返回 {exc.code}：{_reason(exc.code)}",
                           hint="检查 ZHANQUN_API_URL、仓库名和令牌（ZHANQUN_API_TOKEN）的权限。") from None
        except (urllib.error.URLError, OSError, http.client.HTTPException, ValueError) as exc:
            reason = getattr(exc, "reason", None) or exc
            raise ApiError(f"无法连接托管平台 API {self.base_url}：{reason}",
                           hint="检查网络和 ZHANQUN_API_URL（须以 http:// 或 https:// 开头）；内网 Gitea 需在同一网络中的 runner 上运行。") from None
        if not raw.strip():
            return None, reply_headers
        try:
            return json.loads(raw), reply_headers
        except ValueError:
            raise ApiError(f"托管平台 API {where} 返回的不是 JSON。", hint="确认 API 地址以 /api/v1（Gitea）结尾。") from None


def _reason(code: int) -> str:
    return {401: "令牌无效或未提供", 403: "令牌没有权限（需要读取合并请求；设置分支保护需要仓库管理权限）",
            404: "找不到仓库、合并请求或分支", 422: "请求内容被拒绝"}.get(code, "请求失败")
