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
import email.utils
import http.client
import json
import os
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from email.message import Message
from typing import IO, Any

from zhanqun.errors import UsageError
from zhanqun.signoff.policy import instant
from zhanqun.source import load_json

KINDS = ("github", "gitea")
_BOTS = {"web-flow", "github-actions[bot]", "gitea-actions"}
_PAGE = {"github": ("per_page", 100), "gitea": ("limit", 50)}
_MAX_PAGES = 100
TIMEOUT = 30
# Retries (a busy host answers 429 or 502/503/504, or drops the connection): at most TRIES attempts per
# request, waiting RETRY_BASE, 2 × RETRY_BASE … or what Retry-After asks, never more than RETRY_BUDGET seconds
# in all; a wait beyond the budget is not waited for (the error is reported at once).
TRIES = 3
RETRY_BASE = 1.0
RETRY_BUDGET = 30.0
_RETRY_STATUS = {429, 502, 503, 504}
_IDEMPOTENT = {"GET", "HEAD", "PUT", "PATCH", "DELETE"}  # (PATCH here sets fields to given values)
# A content commit the host left out of a pull request's list is asked for alone; beyond this many, its writer
# stays unknown (the host's rate limit) and the change is not satisfied.
MAX_LOOKUPS = 100


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
    commits: int | None = None  # how many commits the host says the pull request has (GitHub; Gitea does not say)
    created_at: str = ""  # when it was opened (ISO 8601 with offset; "" when the host does not say)
    html_url: str = ""  # its page on the host (the review sheet links back to it; issue 15)


@dataclasses.dataclass
class Api:
    kind: str
    base_url: str
    token: str
    repo: str
    sleep: Callable[[float], None] = dataclasses.field(default=time.sleep, repr=False)

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
                               bool(data.get("merged")), str(data.get("merge_commit_sha") or ""),
                               data["commits"] if isinstance(data.get("commits"), int) else None,
                               instant(data.get("created_at")), str(data.get("html_url") or ""))
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

    def commits(self, number: int, declared: int | None = None) -> tuple[dict[str, tuple[str, ...]], bool]:
        """The pull request's commits with the logins of their author and committer (in no particular order:
        Gitea lists them newest first, GitHub by date), and whether the list is complete: GitHub lists at most
        250 commits, and a list may stop before the total the host declares (``declared``, the pull request's
        ``commits``, or the ``X-Total-Count`` header). The host's web editor commits as a bot: not a person."""
        out: dict[str, tuple[str, ...]] = {}
        entries, total = self._paged(f"/repos/{self.repo}/pulls/{number}/commits")
        for entry in entries:
            try:
                out[str(entry["sha"])] = _writers(entry)
            except (KeyError, TypeError):
                raise ApiError(f"托管平台返回的合并请求 #{number} 提交列表格式不对。") from None
        return out, len(out) >= max(declared or 0, total or 0)

    def commit_writers(self, sha: str) -> tuple[str, ...] | None:
        """The logins of one commit's author and committer, asked for alone (None when the host has no such
        commit): for the commits a pull request's list left out."""
        path = f"/repos/{self.repo}/commits/{sha}" if self.kind == "github" else f"/repos/{self.repo}/git/commits/{sha}"
        entry = self.request("GET", path, missing_ok=True)
        if entry is None:
            return None
        try:
            return _writers(entry)
        except (KeyError, TypeError, AttributeError):
            raise ApiError(f"托管平台返回的提交 {sha[:10]} 格式不对。") from None

    # -- branch protection -----------------------------------------------------------------------------------

    def protection(self, branch: str) -> dict[str, Any] | None:
        """The branch's protection as the host returns it, or None when the branch is not protected."""
        path = (f"/repos/{self.repo}/branches/{branch}/protection" if self.kind == "github"
                else f"/repos/{self.repo}/branch_protections/{branch}")
        found = self.request("GET", path, missing_ok=True)
        return found if isinstance(found, dict) else None

    def apply_protection(self, branch: str, body: dict[str, Any], exists: bool) -> None:
        if self.kind == "github":
            self.request("PUT", f"/repos/{self.repo}/branches/{branch}/protection", body)
        elif exists:
            self.request("PATCH", f"/repos/{self.repo}/branch_protections/{branch}", body)
        else:
            self.request("POST", f"/repos/{self.repo}/branch_protections", body)

    # -- HTTP ------------------------------------------------------------------------------------------------

    def paged(self, path: str) -> list[dict[str, Any]]:
        """Every page of a list; a list that ends before the total the host declares cannot be judged."""
        out, total = self._paged(path)
        if total is not None and len(out) < total:
            raise ApiError(f"托管平台对 {path} 只返回了 {len(out)} 项（共 {total} 项），没有读完。",
                           hint="稍后重试；仍然如此时请检查托管平台的分页设置。")
        return out

    def _paged(self, path: str) -> tuple[list[dict[str, Any]], int | None]:
        """Every page of a list, and the total the host declares (Gitea's ``X-Total-Count``), if any. The
        host's ``Link: …; rel="next"`` says whether there is another page (an instance may cap pages below the
        size asked for); without the header, pages are read until one is empty."""
        name, size = _PAGE[self.kind]
        out: list[dict[str, Any]] = []
        total: int | None = None
        for page in range(1, _MAX_PAGES + 1):
            chunk, headers = self._send("GET", f"{path}?{urllib.parse.urlencode({name: size, 'page': page})}")
            if not isinstance(chunk, list):
                raise ApiError(f"托管平台对 {path} 返回的不是列表。")
            out += chunk
            count = str(headers.get("X-Total-Count") or "").strip()
            total = max(total or 0, int(count)) if count.isdigit() else total
            link = headers.get("Link")
            if (link is not None and 'rel="next"' not in link) or not chunk:
                return out, total
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
        waited = 0.0
        for attempt in range(1, TRIES + 1):
            try:
                request = urllib.request.Request(self.base_url + path, data=data, method=method, headers=headers)
                with _OPENER.open(request, timeout=TIMEOUT) as response:
                    raw, reply_headers = response.read(), response.headers
                break
            except urllib.error.HTTPError as exc:
                if exc.code == 404 and missing_ok:
                    return None, {}
                delay = _retry_delay(exc, method, attempt, waited)
                if delay is None:
                    limited = exc.code == 429 or (exc.code == 403 and _rate_limited(exc.headers))
                    raise ApiError(f"托管平台 API {method} {where} 返回 {exc.code}：{_reason(exc.code, limited)}",
                                   hint="限流或托管平台繁忙时请稍后重新运行。" if limited or exc.code >= 500 else
                                   "检查 ZHANQUN_API_URL、仓库名和令牌（ZHANQUN_API_TOKEN）的权限。") from None
            except (urllib.error.URLError, OSError, http.client.HTTPException, ValueError) as exc:
                reason = getattr(exc, "reason", None) or exc
                delay = _retry_delay(exc, method, attempt, waited)
                if delay is None:
                    raise ApiError(f"无法连接托管平台 API {self.base_url}：{reason}",
                                   hint="检查网络和 ZHANQUN_API_URL（须以 http:// 或 https:// 开头）；内网 Gitea 需在同一网络中的 runner 上运行。") from None
            self.sleep(delay)
            waited += delay
        if not raw.strip():
            return None, reply_headers
        try:
            return load_json(raw), reply_headers
        except ValueError:
            raise ApiError(f"托管平台 API {where} 返回的不是 JSON。", hint="确认 API 地址以 /api/v1（Gitea）结尾。") from None


def _reason(code: int, limited: bool = False) -> str:
    if limited:
        return f"请求过于频繁，托管平台限流（重试 {TRIES} 次仍未成功）"
    if code in _RETRY_STATUS:
        return f"托管平台暂时不可用（重试 {TRIES} 次仍未成功）"
    return {401: "令牌无效或未提供", 403: "令牌没有权限（需要读取合并请求；设置分支保护需要仓库管理权限）",
            404: "找不到仓库、合并请求或分支", 422: "请求内容被拒绝"}.get(code, "请求失败")


def _writers(entry: dict[str, Any]) -> tuple[str, ...]:
    """The host accounts of a commit's author and committer (the host maps the commit's e-mail addresses to
    them), bots left out."""
    return tuple(str(who["login"]) for key in ("author", "committer")
                 if isinstance(who := entry.get(key), dict) and who.get("login")
                 and str(who["login"]).lower() not in _BOTS)


def _retry_delay(exc: Exception, method: str, attempt: int, waited: float) -> float | None:
    """How long to wait before trying again, or None not to. 429 (and GitHub's 403 rate limit) are retried
    for every method: the host did not act on the request. 502/503/504 and a dropped connection only for
    methods that may be repeated (not POST, which might create a thing twice)."""
    if attempt >= TRIES:
        return None
    if isinstance(exc, urllib.error.HTTPError):
        limited = exc.code == 429 or (exc.code == 403 and _rate_limited(exc.headers))
        if not limited and (exc.code not in _RETRY_STATUS or method not in _IDEMPOTENT):
            return None
        asked = _retry_after(exc.headers)
    else:
        reason = getattr(exc, "reason", exc)
        if method not in _IDEMPOTENT or not isinstance(reason, (ConnectionResetError, ConnectionAbortedError,
                                                                 BrokenPipeError, http.client.RemoteDisconnected,
                                                                 http.client.IncompleteRead)):
            return None
        asked = None
    delay = asked if asked is not None else RETRY_BASE * 2 ** (attempt - 1)
    return delay if waited + delay <= RETRY_BUDGET else None


def _rate_limited(headers: Message | None) -> bool:
    """GitHub answers a spent rate limit with 403 and ``x-ratelimit-remaining: 0`` or a ``retry-after``."""
    return headers is not None and (headers.get("Retry-After") is not None
                                    or str(headers.get("X-RateLimit-Remaining", "")).strip() == "0")


def _retry_after(headers: Message | None) -> float | None:
    """``Retry-After`` in seconds or as an HTTP date; else GitHub's ``x-ratelimit-reset`` (epoch seconds)."""
    if headers is None:
        return None
    value = str(headers.get("Retry-After") or "").strip()
    if value:
        if value.isdigit():
            return float(value)
        try:
            return max(0.0, email.utils.parsedate_to_datetime(value).timestamp() - time.time())
        except (TypeError, ValueError, IndexError):
            return None
    reset = str(headers.get("X-RateLimit-Reset") or "").strip()
    if reset.isdigit() and str(headers.get("X-RateLimit-Remaining", "")).strip() == "0":
        return max(0.0, int(reset) - time.time())
    return None


class _NoTokenElsewhere(urllib.request.HTTPRedirectHandler):
    """Follow a redirect, but send the token only to the origin (scheme, host, port) it was meant for: a
    redirect to anywhere else (another host, or http:// instead of https://) goes without it."""

    def redirect_request(self, req: urllib.request.Request, fp: IO[bytes], code: int, msg: str,
                         headers: http.client.HTTPMessage, newurl: str) -> urllib.request.Request | None:
        new = super().redirect_request(req, fp, code, msg, headers, newurl)
        if new is not None and _origin(new.full_url) != _origin(req.full_url):
            for name in [k for k in new.headers if k.lower() == "authorization"]:
                del new.headers[name]
            for name in [k for k in new.unredirected_hdrs if k.lower() == "authorization"]:
                del new.unredirected_hdrs[name]
        return new


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urllib.parse.urlsplit(url)
    scheme = parts.scheme.lower()
    return scheme, (parts.hostname or "").lower(), parts.port or {"http": 80, "https": 443}.get(scheme)


_OPENER = urllib.request.build_opener(_NoTokenElsewhere)
