"""The sign-off chain as pure functions (R5): what a pull request needs, who filled each role, the verdict.

Input is data only — the changed files with their front matter before and after, the author, the reviews
and the commits of the pull request, and the cluster and unit configuration **as of the base commit** (never
the head's: a pull request must not be able to add its author as a reviewer and approve itself). Reading git
and the hosting API is the caller's business (I/O at the edges).

Rules (R5.2, R5.3, R5.5):
- A unit's content needs the roles of ``cluster.signoff`` for the highest importance among its changed items,
  before or after the change: withdrawing or deleting needs the chain that publishing needed; a rename counts
  for both places. Files of a unit that are not items (attachments, images) need at least the routine chain.
- ``homepage: true`` or ``push_to_portal`` (before or after) adds the portal unit's ``leader``.
- Platform files (cluster config, any unit.yaml, schemas, rule data, theme, plugins, Pelican settings,
  packaging, code, CI: everything outside a unit's folder but documentation) need a platform admin
  (``cluster.admins``); so do git's control files anywhere (.gitattributes inside a unit too) and a symlink or
  submodule anywhere (judged by git's file mode, as the check and the build see them: R4.11).
- The author never counts; one person fills one role in the whole change; only each person's latest review
  counts; an approval given on a commit before the last content change does not count; a person whose latest
  review requests changes blocks the change.
- Emergency publishing: with a stated reason (visible words, not only spaces, invisible characters or
  punctuation), an approval by a leader (``leader`` of a changed unit or of the portal) lets the change
  through; the roles still missing stay open for the audit.
- Logins are compared as the hosts do, ignoring case (``Chen-Hao`` is ``chen-hao``).
- When the host did not say who wrote every content commit (a list cut short), the change is not satisfied.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from zhanqun.config import ROLE_LABELS, ClusterConfig, Unit

IMPORTANCE_ORDER = ("routine", "general", "important")
ADMIN = "admin"
LEADER = "leader"
PORTAL_UNIT = "__portal__"  # requirement key for the portal leader's sign-off
PLATFORM = "__platform__"  # requirement key for the platform admin's sign-off


@dataclasses.dataclass(frozen=True)
class ChangedFile:
    path: str  # after the change (for a deletion: the deleted path)
    status: str = "M"  # A added, M modified, D deleted, R renamed
    old_path: str | None = None  # for a rename
    before: dict[str, Any] | None = None  # front matter before the change (items only)
    after: dict[str, Any] | None = None  # front matter after the change (items only)
    mode: str = ""  # git's file mode after the change (before, for a deletion): "120000" a link, "160000" a submodule


@dataclasses.dataclass(frozen=True)
class Review:
    login: str
    state: str  # APPROVED, CHANGES_REQUESTED, COMMENTED, DISMISSED
    commit: str  # the commit the review was given on
    order: int  # position in time (GitHub and Gitea list reviews oldest first)
    at: str = ""  # when it was given (the host's ``submitted_at``, ISO 8601 with its offset); "" when not known


@dataclasses.dataclass(frozen=True)
class Change:
    author: str
    files: tuple[ChangedFile, ...]
    reviews: tuple[Review, ...] = ()
    commits: tuple[tuple[str, bool], ...] = ()  # (sha, changed content) in order, oldest first
    emergency_reason: str = ""
    # Commits on which an approval still covers all the content (every content commit is among its
    # ancestors); when given it decides instead of the order of ``commits`` (git computes it from the graph).
    fresh: frozenset[str] | None = None
    contributors: frozenset[str] = frozenset()  # logins who pushed content to the pull request besides its author
    # Content commits whose writer the host did not say (its list was cut short, GitHub lists at most 250):
    # then nobody can tell whether a reviewer wrote some of the content, and the change is not satisfied.
    unknown_writers: int = 0


@dataclasses.dataclass
class Requirement:
    """The roles one unit (or the portal leader, or the platform) requires, and who filled them."""

    key: str  # unit id, PORTAL_UNIT or PLATFORM
    name: str
    importance: str | None
    roles: list[str]
    filled: dict[str, str] = dataclasses.field(default_factory=dict)  # role -> login

    @property
    def missing(self) -> list[str]:
        return [r for r in self.roles if r not in self.filled]


@dataclasses.dataclass
class Verdict:
    satisfied: bool
    requirements: list[Requirement]
    reasons: list[str]  # Chinese, one per problem
    emergency: bool = False  # let through as emergency publishing; the missing roles stay open
    emergency_by: tuple[str, str] | None = None  # (login, unit id) of the leader who let it through
    # login -> how people read it (display_name under the verdict's config) for the author and every reviewer
    names: dict[str, str] = dataclasses.field(default_factory=dict)

    def shown(self, login: str) -> str:
        """A login of this verdict as people read it (the name, with the login)."""
        return self.names.get(login) or shown("", login)

    def as_dict(self) -> dict[str, Any]:
        # logins stay what tools match on; "filled_names" and "people" add how a person reads them
        return {
            "satisfied": self.satisfied, "emergency": self.emergency, "reasons": self.reasons,
            "requirements": [{"unit": r.key, "name": r.name, "importance": r.importance, "roles": r.roles,
                              "filled": r.filled, "filled_names": {role: self.shown(login) for role, login in r.filled.items()},
                              "missing": r.missing} for r in self.requirements],
            "people": self.names,
        }


# The notes a shown login carries when no unit.yaml gives the person's name (issue 15: names, not logins).
NOT_LISTED = "未在 unit.yaml 中列出"
ADMIN_NOT_NAMED = "平台管理员，unit.yaml 中没有姓名"


def person_name(units: Mapping[str, Unit], login: str) -> str:
    """``people[].name`` of the person with this login in any unit (logins compared as the hosts do); "" if
    no unit lists them or their entry has no name. (Units are searched in id order.)"""
    key = login_key(login)
    for unit_id in sorted(units):
        for person in units[unit_id].people:
            if login_key(person.id) == key and str(person.name or "").strip():
                return str(person.name).strip()
    return ""


def shown(name: str, login: str, note: str = "") -> str:
    """How a person appears wherever people read (sign-off output, the audit, the review sheet): the name
    with the login after it, ``陈浩（chen-hao-fgw）``; without a name, the login with why, ``x（未在 unit.yaml
    中列出）``. The one format of every renderer; ``display_name`` and the audit's directory feed it."""
    name, login = str(name or "").strip(), str(login).strip()
    if name and login_key(name) != login_key(login):
        return f"{name}（{login}）"
    return f"{login}（{note or NOT_LISTED}）"


def display_name(config: ClusterConfig | None, units: Mapping[str, Unit], login: str) -> str:
    """The person behind ``login`` under one configuration (for a verdict: the base commit's), as people read
    it: ``陈浩（chen-hao-fgw）``; a platform admin that no unit.yaml names ``egov-zhou（平台管理员，unit.yaml
    中没有姓名）``; anyone else ``x（未在 unit.yaml 中列出）``."""
    name = person_name(units, login)
    admin = config is not None and any(same_login(login, a) for a in config.admins)
    return shown(name, login, ADMIN_NOT_NAMED if admin else NOT_LISTED)


def role_label(role: str) -> str:
    return {ADMIN: "平台管理员", LEADER: "领导"}.get(role, ROLE_LABELS.get(role, role))


def required(change: Change, config: ClusterConfig, units: dict[str, Unit]) -> list[Requirement]:
    """Per unit, the roles the change needs (config as of the base commit)."""
    importance: dict[str, str] = {}
    portal_leader = False
    platform = False
    for changed in change.files:
        for path in filter(None, {changed.path, changed.old_path}):
            if is_special(changed.mode) and changed.status != "D":
                platform = True  # and the unit's own chain below, for a link inside a unit
            if is_platform(path):
                platform = True
                continue
            unit_id = unit_of(path)
            if unit_id is None:
                continue
            level = "routine"
            for meta in (changed.before, changed.after):
                if meta:
                    level = _higher(level, str(meta.get("importance", "routine")))
                    if meta.get("homepage") or meta.get("push_to_portal"):
                        portal_leader = True
            importance[unit_id] = _higher(importance.get(unit_id, "routine"), level)
    requirements = []
    for unit_id in sorted(importance):
        unit = units.get(unit_id)
        roles = list(config.signoff.get(importance[unit_id], []))
        requirements.append(Requirement(unit_id, unit.name if unit else unit_id, importance[unit_id], roles))
    if portal_leader:
        portal = units.get(config.portal)
        requirements.append(Requirement(PORTAL_UNIT, f"{portal.name if portal else config.portal}（门户首页）", None, [LEADER]))
    if platform:
        requirements.append(Requirement(PLATFORM, "平台文件（配置、模式、规则、模板、插件、程序、CI）", None, [ADMIN]))
    return requirements


def verdict(change: Change, config: ClusterConfig, units: dict[str, Unit]) -> Verdict:
    requirements = required(change, config, units)
    reasons: list[str] = []
    names = {login: display_name(config, units, login)
             for login in dict.fromkeys([change.author, *(r.login for r in change.reviews)])}
    approvers, blockers = _effective_reviews(change, reasons, names)
    slots = [(req, role) for req in requirements for role in req.roles]
    for (req, role), login in _assign(slots, approvers, lambda req, role, login: holds(login, req.key, role, config, units)):
        req.filled[role] = login
    for login in blockers:
        reasons.append(f"{names[login]}要求修改，须由其重新批准后才能合并。")
    for req in requirements:
        for role in req.missing:
            barred = {login_key(change.author), *map(login_key, change.contributors)}  # their approval never counts
            who = [display_name(config, units, login) for login in holders(req.key, role, config, units)
                   if login_key(login) not in barred]
            reasons.append(f"{req.name} 缺少 {role_label(role)}" + (f"（可批准：{'、'.join(who)}）" if who else
                                                                  "（配置中没有可担任此角色的人）"))
    if change.unknown_writers:
        reasons.append(f"托管平台没有列出合并请求的全部提交（{change.unknown_writers} 个改内容的提交不知道是谁写的；"
                       "GitHub 最多列出 250 个），无法确认审核人没有向合并请求提交过内容（审发分离），暂不能合并。"
                       "请把合并请求拆小后重新提交。")
    satisfied = not blockers and not change.unknown_writers and all(not req.missing for req in requirements)
    emergency = False
    platform_missing = any(req.key == PLATFORM and req.missing for req in requirements)
    reason = visible_reason(change.emergency_reason)
    if change.emergency_reason and not reason:
        reasons.append("紧急发布理由没有可见的文字（只有空格、不可见字符或标点），不按紧急发布放行：请用文字写明理由。")
    if (not satisfied and reason and not blockers and not platform_missing and not change.unknown_writers):
        # (an emergency publishes content; it never stands in for the admin a platform change needs)
        leader = next(((login, unit) for login in approvers
                       if (unit := _leader_unit(login, requirements, config, units))), None)
        if leader:
            emergency = True
            reasons.insert(0, f"突发事件紧急发布（理由：{reason}），由{names[leader[0]]}批准；"
                              "以下审核须在发布后补齐，审计中列为未完成。")
    return Verdict(satisfied or emergency, requirements, reasons, emergency, leader if emergency else None, names)


def _effective_reviews(change: Change, reasons: list[str], names: Mapping[str, str]) -> tuple[list[str], list[str]]:
    """(logins whose latest review approves the current content, logins whose latest review blocks);
    ``names`` shows each login in the reasons (display_name)."""
    latest = latest_reviews(change.reviews)
    current = set(change.fresh) if change.fresh is not None else _current_commits(change.commits)
    contributors = {login_key(c) for c in change.contributors}
    approvers, blockers = [], []
    for key, review in latest.items():
        login = review.login
        who = names.get(login) or login
        if key == login_key(change.author):
            if review.state == "APPROVED":
                reasons.append(f"{who}是作者，本人的批准不计入（审发分离）。")
            continue
        if key in contributors:
            if review.state == "APPROVED":
                reasons.append(f"{who}向这个合并请求提交过内容，其批准不计入（审发分离）。")
            continue
        if review.state == "CHANGES_REQUESTED":
            blockers.append(login)
        elif review.state == "APPROVED":
            if current is not None and review.commit not in current:
                reasons.append(f"{who}的批准早于最后一次内容修改，已失效，须重新批准。")
                continue
            approvers.append(login)
    return approvers, blockers


def latest_reviews(reviews: Iterable[Review]) -> dict[str, Review]:
    """Each reviewer's latest review that approves, asks for changes or withdraws an approval, by
    ``login_key``: a comment neither approves nor withdraws an approval. (An approval counts only if it is
    this review, the one whose time the sign-off record keeps.)"""
    latest: dict[str, Review] = {}
    for review in sorted(reviews, key=lambda r: r.order):
        if review.state in ("APPROVED", "CHANGES_REQUESTED", "DISMISSED"):
            latest[login_key(review.login)] = review
    return latest


def instant(value: object) -> str:
    """A time as the host's API writes it (``2026-11-21T01:30:00Z`` on GitHub, ``…+08:00`` on Gitea) in one
    ISO 8601 form with its offset; "" when it is missing, not a time, or has no offset (a time without its
    zone cannot be compared with another)."""
    try:
        when = dt.datetime.fromisoformat(str(value).strip()) if value else None
    except ValueError:
        return ""
    return when.isoformat() if when is not None and when.utcoffset() is not None else ""


def login_key(login: str) -> str:
    """A login as the host compares it: GitHub and Gitea treat ``Chen-Hao`` and ``chen-hao`` as one account
    (their logins are ASCII letters, digits and - _ .)."""
    return str(login).strip().lower()


def same_login(a: str, b: str) -> bool:
    return login_key(a) == login_key(b)


# A reason must say something: at least this many letters or digits (any script), not counting the invisible
# ones (format characters such as U+200B, spaces of any width, control characters, Hangul fillers).
MIN_REASON_LETTERS = 2
_INVISIBLE_LETTERS = {"\u115f", "\u1160", "\u3164", "\uffa0"}  # Hangul fillers: category Lo, print as nothing


def visible_reason(text: str) -> str:
    """The reason as written, with invisible characters removed and runs of spaces made one; "" when what
    is left has fewer than MIN_REASON_LETTERS letters or digits (only punctuation or symbols says nothing)."""
    kept = "".join(" " if unicodedata.category(c)[0] == "Z" or c.isspace() else c for c in str(text or "")
                   if unicodedata.category(c) not in ("Cf", "Cc", "Co", "Cn", "Cs") or c.isspace())
    kept = "".join(c for c in kept if c not in _INVISIBLE_LETTERS)
    kept = " ".join(kept.split())
    words = sum(1 for c in kept if unicodedata.category(c)[0] in "LN")
    return kept if words >= MIN_REASON_LETTERS else ""


def _current_commits(commits: Sequence[tuple[str, bool]]) -> set[str] | None:
    """Commits from the last one that changed content onwards (None when the commits are unknown)."""
    if not commits:
        return None
    last = max((i for i, (_, changed) in enumerate(commits) if changed), default=0)
    return {sha for sha, _ in commits[last:]}


def holds(login: str, key: str, role: str, config: ClusterConfig, units: dict[str, Unit]) -> bool:
    """Whether ``login`` holds ``role`` for requirement ``key`` (a unit id, PORTAL_UNIT or PLATFORM)."""
    if role == ADMIN:
        return any(same_login(login, admin) for admin in config.admins)
    unit_id = config.portal if key == PORTAL_UNIT else key
    unit = units.get(unit_id)
    return unit is not None and any(same_login(p.id, login) and role in p.roles for p in unit.people)


def holders(key: str, role: str, config: ClusterConfig, units: Mapping[str, Unit]) -> list[str]:
    """The logins who hold ``role`` for requirement ``key`` (a unit id, PORTAL_UNIT or PLATFORM), in the
    config's order: who can still fill a missing role (the sign-off output, the review sheet)."""
    if role == ADMIN:
        return list(config.admins)
    unit = units.get(config.portal if key == PORTAL_UNIT else key)
    return [p.id for p in unit.people if role in p.roles] if unit is not None else []


def _leader_unit(login: str, requirements: list[Requirement], config: ClusterConfig, units: dict[str, Unit]) -> str:
    """The unit (a changed one, or the portal) whose leader ``login`` is; "" if none."""
    unit_ids = [r.key for r in requirements if r.key not in (PORTAL_UNIT, PLATFORM)] + [config.portal]
    return next((u for u in unit_ids if u in units and any(same_login(p.id, login) and LEADER in p.roles
                                                           for p in units[u].people)), "")


def _assign(slots: Sequence[tuple[Requirement, str]], people: Iterable[str],
            eligible: Callable[[Requirement, str, str], bool]) -> list[tuple[tuple[Requirement, str], str]]:
    """One person per role: a maximum bipartite matching (Kuhn's augmenting paths; the sizes are tiny).
    Returns ((requirement, role), login) pairs."""
    people = list(people)
    match: dict[int, str] = {}  # slot index -> login

    def augment(slot: int, seen: set[str]) -> bool:
        req, role = slots[slot]
        for login in people:
            if login in seen or not eligible(req, role, login):
                continue
            seen.add(login)
            holder = next((s for s, who in match.items() if who == login), None)
            if holder is None or augment(holder, seen):  # the holder moved to another role, or none held it
                match[slot] = login
                return True
        return False

    for index in range(len(slots)):
        augment(index, set())
    return [(slots[i], login) for i, login in sorted(match.items())]


def needs_signoff(path: str, mode: str = "") -> bool:
    """Whether a change to ``path`` needs a sign-off at all: everything but documentation."""
    return is_special(mode) or is_platform(path) or unit_of(path) is not None


# git's modes of entries that are not files: a symlink (its blob is a path the checkout turns into a link) and a
# submodule (a commit of another repository). Anywhere in the tree they need the platform admin; under content/
# the check refuses them outright (C011, R4.11), so nothing can be published through one.
SPECIAL_MODES = {"120000": "符号链接", "160000": "子模块"}


def is_special(mode: str) -> bool:
    return mode in SPECIAL_MODES


def needs_admin(path: str, mode: str = "", deleted: bool = False) -> bool:
    """Whether a change to ``path`` (with git's ``mode``) needs a platform admin."""
    return is_platform(path) or (is_special(mode) and not deleted)


# Documentation is the only thing outside a unit's folder that needs nobody: everything else (config, schemas,
# rules, theme, plugins, the code of zhanqun itself, scripts, CI, .gitattributes ...) decides what is built,
# checked or approved, so it needs a platform admin.
DOC_PREFIXES = ("docs/",)
DOC_ROOT_NAMES = ("README", "CHANGELOG", "LICENSE", "CONTRIBUTING", "SECURITY", "COPYING")
DOC_SUFFIXES = (".md",)  # not .txt: requirements.txt, robots.txt decide what is installed or served
# Files a host or tool reads even in a documentation folder (Gitea takes docs/CODEOWNERS before .gitea/).
NOT_DOCUMENTATION = ("CODEOWNERS",)


def is_documentation(path: str) -> bool:
    name = path.rsplit("/", 1)[-1]
    if name in NOT_DOCUMENTATION:
        return False
    if path.startswith(DOC_PREFIXES):
        return True
    return "/" not in path and (name.endswith(DOC_SUFFIXES) or name.upper() in DOC_ROOT_NAMES)


# Files git itself reads wherever they are: they change what a checkout holds (filters, line endings, export
# rules), what a diff shows a reviewer (-diff, linguist-generated) or who authored what (mailmap).
GIT_CONTROL = frozenset({".gitattributes", ".gitignore", ".gitmodules", ".mailmap", ".lfsconfig"})
GIT_HARMLESS = frozenset({".gitkeep"})  # a placeholder git never reads


def is_git_control(path: str) -> bool:
    name = path.rsplit("/", 1)[-1].lower()  # a case-insensitive checkout (Windows, macOS) reads .GITATTRIBUTES too
    return name in GIT_CONTROL or (name.startswith(".git") and name not in GIT_HARMLESS)


def is_platform(path: str) -> bool:
    if is_git_control(path):
        return True
    parts = path.split("/")
    if parts[0] == "content" and len(parts) >= 3:
        return parts[2] == "unit.yaml" and len(parts) == 3
    return not is_documentation(path)


def unit_of(path: str) -> str | None:
    parts = path.split("/")
    return parts[1] if len(parts) >= 3 and parts[0] == "content" else None


def _higher(a: str, b: str) -> str:
    rank = {name: i for i, name in enumerate(IMPORTANCE_ORDER)}
    return a if rank.get(a, 0) >= rank.get(b, 0) else b
