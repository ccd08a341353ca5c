"""The I/O edge of the sign-off check: a pull request's change read from git (zhanqun.gitio), its reviews from a
file (or the API, ``zhanqun.signoff.hosting``) in the shape the GitHub and Gitea APIs return (``GET /repos/{owner}/{repo}/pulls/{n}/reviews``).

The configuration comes from the **base** commit's tree, never from the working tree or the head.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
from pathlib import Path
from typing import Any, Protocol

from zhanqun import gitio, source
from zhanqun.audit import history
from zhanqun.audit.history import NOTES_REF, parse_records
from zhanqun.config import ClusterConfig, Unit
from zhanqun.errors import UsageError
from zhanqun.signoff.policy import Change, ChangedFile, Review, Verdict, instant, latest_reviews, login_key, same_login

# Gitea spells some states differently from GitHub.
_STATES = {"APPROVED": "APPROVED", "CHANGES_REQUESTED": "CHANGES_REQUESTED", "REQUEST_CHANGES": "CHANGES_REQUESTED",
           "COMMENTED": "COMMENTED", "COMMENT": "COMMENTED", "DISMISSED": "DISMISSED", "PENDING": "PENDING",
           "REQUEST_REVIEW": "PENDING"}


class _Sha(Protocol):
    """A commit as the callers hold it: ours, or a test's GitPython commit (only its id is read)."""

    @property
    def hexsha(self) -> str: ...


class _Root(Protocol):
    """A repository as the callers hold it: ours, or a test's GitPython repository (only its folder is read)."""

    @property
    def working_dir(self) -> str | os.PathLike[str] | None: ...


@dataclasses.dataclass(frozen=True)
class Commit:
    root: Path
    hexsha: str
    tree: str  # the tree's id
    parents: tuple[str, ...]  # the parents' ids, first parent first
    committed_date: int  # committer time, seconds since the epoch


@dataclasses.dataclass(frozen=True)
class Repo:
    """A repository read through zhanqun.gitio (issue 13: one git edge)."""

    root: Path

    @property
    def working_dir(self) -> Path:
        return self.root

    def commit(self, rev: str) -> Commit:
        return commit_of(self, rev)

    def show(self, spec: str) -> str | None:
        """The text of the blob ``rev:path``, or None when there is none."""
        blob = history.cat_files(self.root, [spec])[0]
        return blob.decode("utf-8", "replace") if blob is not None else None


def _root(repo: _Root) -> Path:
    return Path(repo.working_dir or ".")


def open_repo(root: Path) -> Repo:
    if gitio.ok(root, "rev-parse", "--show-prefix") not in (b"\n", b""):  # not a repository, or a folder inside one
        raise UsageError(f"{root} 不是 git 仓库。", hint="在站群仓库的根目录运行，或用 --root 指定。")
    return Repo(root)


def commit_of(repo: _Root, rev: str) -> Commit:
    root = _root(repo)
    found = gitio.ok(root, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}")
    if found is None:
        raise UsageError(f"找不到提交 {rev}。", hint="用分支名、标签或提交哈希；CI 中请先 fetch 基准分支。")
    return _commit(root, found.decode().strip())


def _commit(root: Path, sha: str) -> Commit:
    header = gitio.run(root, "cat-file", "commit", sha).split(b"\n\n", 1)[0].decode("utf-8", "replace")
    fields = [line.split(" ", 1) for line in header.splitlines()]
    tree = next(value for key, value in fields if key == "tree")
    committer = next(value for key, value in fields if key == "committer")  # "Name <email> 1700000000 +0800"
    return Commit(root, sha, tree, tuple(value for key, value in fields if key == "parent"),
                  int(committer.rsplit(" ", 2)[-2]))


def config_at(commit: Commit) -> tuple[ClusterConfig, dict[str, Unit]]:
    """The cluster and unit configuration as of ``commit``."""
    root, sha = commit.root, commit.hexsha
    names = [entry.split("\t", 1)[1].split("/", 1)[1] for entry in gitio.z_lines(root, "ls-tree", "-z", sha, "content/")
             if entry.split(" ", 2)[1:2] == ["tree"] and "/" in entry.split("\t", 1)[-1]]
    blobs = history.cat_files(root, [f"{sha}:content/cluster.yaml", *(f"{sha}:content/{n}/unit.yaml" for n in names)])
    data = _yaml_of(blobs[0], "content/cluster.yaml")
    if data is None:
        raise UsageError(f"提交 {sha[:10]} 中没有可用的 content/cluster.yaml。", hint="基准提交必须是有效的站群。")
    config = ClusterConfig.from_data(data)
    units: dict[str, Unit] = {}
    for name, blob in zip(names, blobs[1:]):
        unit_data = _yaml_of(blob, f"content/{name}/unit.yaml")
        if unit_data is not None:
            try:
                units[name] = Unit.from_data(name, unit_data)
            except (KeyError, TypeError):
                continue  # a unit whose config is broken at the base cannot approve anything
    return config, units


class _Schemas(Protocol):
    def aliases(self, name: str) -> Any: ...

    def properties(self, name: str) -> Any: ...


def change_between(repo: _Root, base: _Sha, head: _Sha, author: str, reviews: list[Review],
                   emergency_reason: str = "", schemas: _Schemas | None = None,
                   listed: dict[str, tuple[str, ...]] | None = None, stale_check: bool = True,
                   fresh: frozenset[str] | None = None) -> Change:
    """The change a pull request makes: files (with front matter before and after), commits, reviews.

    ``schemas`` (a SchemaSet) supplies the Chinese key and value aliases editors may write (重要程度: 重要).
    ``listed`` are the commits the host lists for the pull request, with the logins of who wrote them: each
    must be in git's range (order and content are read from git, not from the host), and whoever wrote a
    content commit besides the author cannot approve. Without ``stale_check`` no approval is stale, unless
    ``fresh`` names the commits approvals must be on (a squash merge, judged by the host's head)."""
    root = _root(repo)
    aliases, values = _ALIASES, _VALUES
    if schemas is not None:
        aliases = dict(schemas.aliases("item"))
        values = dict(schemas.properties("item").get("importance", {}).get("x-value-aliases", {}))
    start = _merge_base(root, base.hexsha, head.hexsha)
    files = _files(root, start, head.hexsha, aliases, values)
    in_range = _range(root, start, head.hexsha)
    if listed is not None:
        unknown = sorted(set(listed) - {c.hexsha for c in in_range})
        if unknown:
            raise UsageError(f"托管平台列出的提交 {unknown[0][:10]} 不在本地的 {start[:10]}..{head.hexsha[:10]} 中。",
                             hint="先 fetch 合并请求的全部提交（CI 检出时 fetch-depth: 0），并确认 --base/--head 与合并请求一致。")
    commits = [(c.hexsha, _brings_content(c)) for c in in_range] if stale_check or listed is not None else []
    content = {sha for sha, changed in commits if changed}
    contributors = frozenset(login for sha in content for login in (listed or {}).get(sha, ())
                             if login and not same_login(login, author))
    # git has every commit; a content commit the host did not list (its list was cut short) has no known writer
    unknown_writers = len(content - set(listed)) if listed is not None else 0
    if stale_check:
        fresh = _fresh(in_range, content) if in_range else None
    return Change(author, tuple(files), tuple(reviews), tuple(commits) if stale_check else (), emergency_reason,
                  fresh, contributors, unknown_writers)


def _merge_base(root: Path, base: str, head: str) -> str:
    found = gitio.ok(root, "merge-base", base, head)
    return found.decode().split()[0] if found and found.strip() else base


def _files(root: Path, start: str, head: str, aliases: dict[str, str], values: dict[str, str]) -> list[ChangedFile]:
    """The files ``start``..``head`` changes (renames found as git finds them, -M), with their front matter."""
    tokens = gitio.z_lines(root, "diff-tree", "-r", "-M", "--raw", "-z", "--no-ext-diff", "--no-textconv",
                           "--abbrev=40", "--full-index", start, head, "--")
    raw: list[tuple[str, str, str, str, str, str, str]] = []  # status, old mode, new mode, old blob, new blob, paths
    i = 0
    while i < len(tokens):
        old_mode, new_mode, old_blob, new_blob, letter = tokens[i].lstrip(":").split(" ")[:5]
        two = letter[0] in "RC"
        old_path, new_path = tokens[i + 1], tokens[i + 2] if two else tokens[i + 1]
        raw.append((letter[0], old_mode, new_mode, old_blob, new_blob, old_path, new_path))
        i += 3 if two else 2
    wanted = {blob for _, _, _, a, b, old, new in raw for blob, path in ((a, old), (b, new))
              if path.endswith(".md") and set(blob) != {"0"}}
    texts = dict(zip(sorted(wanted), history.cat_files(root, sorted(wanted))))
    files = []
    for letter, old_mode, new_mode, old_blob, new_blob, old_path, new_path in raw:
        status = {"A": "A", "D": "D", "R": "R"}.get(letter, "M")
        before = _front_matter(texts.get(old_blob), old_path, aliases, values) if status != "A" else None
        after = _front_matter(texts.get(new_blob), new_path, aliases, values) if status != "D" else None
        mode = new_mode if status != "D" and set(new_mode) != {"0"} else old_mode
        files.append(ChangedFile(new_path if status != "D" else old_path, status, old_path if status == "R" else None,
                                 before, after, mode if set(mode) != {"0"} else ""))
    return files


def _range(root: Path, start: str, head: str) -> list[Commit]:
    """The commits of ``start..head``, parents before children (topological order)."""
    out = []
    for line in gitio.lines(root, "log", "--topo-order", "--reverse", "--format=%ct %H %T %P", f"{start}..{head}",
                            "--"):
        when, sha, tree, *parents = line.split()
        out.append(Commit(root, sha, tree, tuple(parents), int(when)))
    return out


def unlisted_content(repo: _Root, base: _Sha, head: _Sha, listed: dict[str, tuple[str, ...]]) -> list[str]:
    """The content commits of the pull request (``base``...``head`` in git) that the host did not list."""
    root = _root(repo)
    start = _merge_base(root, base.hexsha, head.hexsha)
    return [c.hexsha for c in _range(root, start, head.hexsha) if c.hexsha not in listed and _brings_content(c)]


def _fresh(in_range: list[Commit], content: set[str]) -> frozenset[str]:
    """The commits that have every content commit of the range among their ancestors (or are it): an approval
    given on one of them has seen all the content. By the graph, not by the order the commits are listed in.
    Each commit carries the content commits it descends from as the bits of one integer (linear in the range)."""
    bit = {sha: 1 << i for i, sha in enumerate(sorted(content))}
    everything = (1 << len(bit)) - 1
    seen: dict[str, int] = {}
    for commit in in_range:  # parents first (topological order)
        mask = bit.get(commit.hexsha, 0)
        for parent in commit.parents:
            mask |= seen.get(parent, 0)
        seen[commit.hexsha] = mask
    return frozenset(sha for sha, mask in seen.items() if mask == everything)


_MERGE_TREE_OK: bool | None = None


def _brings_content(commit: Commit) -> bool:
    """Whether a commit changes content an approval was given for. A merge (of the base into the pull
    request, say) does not, if its tree is exactly what git merges by itself; a merge with edits, or with a
    conflict resolved by hand, does."""
    if len(commit.parents) != 2:
        return True
    _need_merge_tree(commit.root)
    merged = gitio.ok(commit.root, "merge-tree", "--write-tree", "--allow-unrelated-histories", *commit.parents)
    if merged is None:  # a conflict (exit 1), resolved by hand in the commit: content
        return True
    return merged.split()[0].decode() != commit.tree


def _need_merge_tree(root: Path) -> None:
    global _MERGE_TREE_OK
    if _MERGE_TREE_OK is None:
        numbers = re.findall(r"\d+", gitio.run(root, "version").decode())
        _MERGE_TREE_OK = tuple(int(n) for n in numbers[:2]) >= (2, 38)
    if not _MERGE_TREE_OK:
        raise UsageError("判断合并提交是否改了内容需要 git 2.38 或更新版本（git merge-tree --write-tree）。",
                         hint="升级 CI 镜像中的 git（Debian 12 的 2.39 即可）。")


def read_reviews(path: Path) -> tuple[list[Review], str]:
    """Reviews from a JSON file as the GitHub or Gitea API returns them (oldest first), and when the pull
    request was opened ("" when the file does not say).

    The file is either the list ``GET /repos/{owner}/{repo}/pulls/{n}/reviews`` returns, or an object
    ``{"created_at": <the pull request's created_at>, "reviews": <that list>}``: the pull request's creation
    time is not in the reviews, and the record keeps it to tell how long approval took (R8.3)."""
    try:
        data = source.load_json(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsageError(f"找不到审核记录文件 {path}。", hint="用托管平台 API 的 pulls/{n}/reviews 结果保存为 JSON。") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise UsageError(f"审核记录文件 {path} 不是有效的 JSON：{exc}", hint="保存 API 返回的原始 JSON。") from None
    opened = ""
    if isinstance(data, dict):
        if "reviews" not in data:
            raise UsageError(f"审核记录文件 {path} 是一个对象，但没有 reviews。",
                             hint='写成 {"created_at": "合并请求的创建时间", "reviews": [pulls/{n}/reviews 返回的列表]}，或只保存那个列表。')
        raw = data.get("created_at")
        opened = instant(raw)
        if raw not in (None, "") and not opened:
            raise UsageError(f"审核记录文件 {path} 的 created_at（{raw}）不是带时区的时间。",
                             hint="照托管平台 API 的写法，如 2026-11-21T01:00:00Z 或 2026-11-21T09:00:00+08:00。")
        data = data["reviews"]
    return parse_reviews(data, f"审核记录文件 {path}"), opened


def parse_reviews(data: Any, where: str) -> list[Review]:
    """Reviews in the shape of ``GET /repos/{owner}/{repo}/pulls/{n}/reviews`` (GitHub or Gitea), each with
    its ``submitted_at`` when the host gives one."""
    if not isinstance(data, list):
        raise UsageError(f"{where}应当是一个列表。", hint="保存 pulls/{n}/reviews 返回的列表本身。")
    reviews = []
    for index, entry in enumerate(data):
        try:
            login = entry["user"]["login"]
            state = _STATES.get(str(entry["state"]).upper())
            commit = entry.get("commit_id") or ""
        except (KeyError, TypeError):
            raise UsageError(f"{where}第 {index + 1} 项缺少 user.login 或 state。",
                             hint="保存 API 返回的原始 JSON，不要改动字段。") from None
        if entry.get("dismissed") is True:  # Gitea keeps a dismissed review's state and marks it dismissed
            state = "DISMISSED"
        if state and state != "PENDING":
            reviews.append(Review(login, state, commit, index, instant(entry.get("submitted_at"))))
    return reviews


def _yaml_of(blob: bytes | None, path: str) -> dict[str, Any] | None:
    if blob is None:
        return None
    doc, _ = source.load_yaml(blob.decode("utf-8", errors="replace"), path)
    return doc.data if doc is not None and isinstance(doc.data, dict) else None


def _front_matter(blob: bytes | None, path: str, aliases: dict[str, str],
                  values: dict[str, str]) -> dict[str, Any] | None:
    if blob is None:
        return None
    split = source.split_front_matter(blob.decode("utf-8", errors="replace"), path)
    if not isinstance(split, tuple):
        return None
    doc, _ = source.load_yaml(split[0], path)
    if doc is None or not isinstance(doc.data, dict):
        return None
    return _canonical(doc.data, aliases, values)


# The keys the policy reads, with the Chinese aliases editors may write: taken from schemas/item.schema.json
# when the caller passes the schemas; these defaults match the bundled schema.
_ALIASES = {"重要程度": "importance", "首页": "homepage", "报送": "push_to_portal", "撤稿": "withdrawn"}
_VALUES = {"常规": "routine", "一般": "general", "重要": "important"}


def _canonical(meta: dict[str, Any], aliases: dict[str, str], values: dict[str, str]) -> dict[str, Any]:
    out = {}
    for key, value in meta.items():
        key = aliases.get(str(key), key)
        out[key] = values.get(value, value) if key == "importance" and isinstance(value, str) else value
    return out




def record(repo: _Root, commit: _Sha, change: Change, result: Verdict, pr: str, when: str, recorded_at: str = "",
           key_text: str | None = None, opened: str = "") -> dict[str, Any]:
    """Write the sign-off record of a merged change as a git note on ``commit`` (R5.6); returns the record.

    For the statistics of reviewers (R8.3) the record keeps, when known, ``opened`` (when the pull request was
    created) and, in each of ``approvers[login]``, ``at``: when the approval that filled the role was given
    (the reviewer's latest review, the one the chain counted). Records written before these fields existed
    simply lack them.

    With CI's key (``key_text``) the record carries its SSH signature (R6.5): over the record without the
    ``signature`` field, serialised as ``record_payload`` does; the audit checks it.

    A note holds one JSON record per line and is only ever appended to: running ``signoff record`` again for
    the same commit (an emergency publication whose chain was completed afterwards, R5.5) adds a line, so the
    note keeps what was known at merge time as well as the completion."""
    approved_at = {key: review.at for key, review in latest_reviews(change.reviews).items()
                   if review.state == "APPROVED" and review.at}
    filled: dict[str, list[dict[str, str]]] = {}

    def hold(login: str, unit: str, role: str) -> None:
        held = filled.setdefault(login, [])
        if not any(h["unit"] == unit and h["role"] == role for h in held):
            at = approved_at.get(login_key(login))
            held.append({"unit": unit, "role": role, **({"at": at} if at else {})})

    for req in result.requirements:
        for role, login in req.filled.items():
            hold(login, req.key, role)
    if result.emergency_by:  # the leader who let an emergency through, in the unit they lead
        leader, unit = result.emergency_by
        hold(leader, unit, "leader")
    data = {
        "version": 1, "pr": pr, "commit": commit.hexsha, "author": change.author, "time": when,
        "recorded_at": recorded_at or when, **({"opened": opened} if opened else {}),
        "approvers": filled,
        "required": [{"unit": r.key, "name": r.name, "importance": r.importance, "roles": r.roles} for r in result.requirements],
        "missing": {r.key: r.missing for r in result.requirements if r.missing},
        "satisfied": result.satisfied, "emergency": result.emergency,
        "emergency_reason": change.emergency_reason, "reasons": result.reasons,
    }
    if key_text:
        from zhanqun import signing

        data["signature"] = signing.bare(signing.sign(record_payload(data), key_text, signing.RECORD))
    # the notes commit is zhanqun's (gitio gives every write its identity, whatever the runner's config)
    gitio.run(_root(repo), "notes", "--ref", NOTES_REF, "append", "-m", json.dumps(data, ensure_ascii=False,
                                                                                   sort_keys=True), commit.hexsha)
    return data


def record_payload(data: dict[str, Any]) -> bytes:
    """The bytes a record's signature covers: the record without ``signature``, keys sorted, compact (orjson),
    so the audit rebuilds them from the parsed note line."""
    import orjson

    return orjson.dumps({k: v for k, v in data.items() if k != "signature"}, option=orjson.OPT_SORT_KEYS)


def read_records(repo: _Root, commit: _Sha) -> list[dict[str, Any]]:
    """Every record written for ``commit``, oldest first."""
    note = gitio.ok(_root(repo), "notes", "--ref", NOTES_REF, "show", commit.hexsha)
    return parse_records(note) if note is not None else []


def read_record(repo: _Root, commit: _Sha) -> dict[str, Any] | None:
    """The latest record written for ``commit``."""
    records = [r for r in read_records(repo, commit) if "unreadable" not in r]
    return records[-1] if records else None


_REMOTE_NOTES = "refs/notes/zhanqun-remote"


def fetch_notes(repo: _Root, remote: str) -> None:
    """Bring the remote's records in before writing one (a CI clone has none): merged line by line, so
    records written elsewhere meanwhile are all kept."""
    root = _root(repo)
    try:
        if not gitio.run(root, "ls-remote", remote, NOTES_REF).strip():
            return  # the first record of this repository
        gitio.run(root, "fetch", remote, f"+{NOTES_REF}:{_REMOTE_NOTES}")
    except gitio.GitError:
        raise UsageError(f"无法从 {remote} 取得审核记录（{NOTES_REF}）。", hint="检查远程仓库地址和权限。") from None
    if gitio.ok(root, "rev-parse", "--verify", "--quiet", NOTES_REF) is None:
        gitio.run(root, "update-ref", NOTES_REF, _REMOTE_NOTES)
        return
    gitio.run(root, "notes", "--ref", NOTES_REF, "merge", "-q", "-s", "cat_sort_uniq", _REMOTE_NOTES)


def push_notes(repo: _Root, remote: str, attempts: int = 5) -> None:
    """Push the records; when another merge's record got there first, merge and push again."""
    for _ in range(attempts):
        if gitio.ok(_root(repo), "push", remote, f"{NOTES_REF}:{NOTES_REF}") is not None:
            return
        fetch_notes(repo, remote)
    raise UsageError(f"审核记录推送到 {remote} 失败（重试 {attempts} 次）。",
                     hint=f"检查推送权限；可稍后运行 git push {remote} {NOTES_REF}。记录已写在本地。")
