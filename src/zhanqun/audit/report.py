"""The audit of main's history (R8.1, R8.2), from git alone: for every commit that needed a sign-off, who
wrote it, who approved it in which role, the verdict recorded on merge, and the violations.

Violations (stable codes, ``zhanqun rule V001`` explains each):

- V001 a change that needed a sign-off has no record (pushed directly, or merged without ``signoff record``);
- V002 the author is recorded among the approvers (审发分离);
- V003 an approver did not hold the recorded role in the configuration of the base commit;
- V004 the record says the chain was not satisfied and it was merged anyway;
- V005 emergency publishing whose chain has not been completed afterwards;
- V006 a suppression comment was added (listed for the auditor with its reason; a warning);
- V007 a recorded commit is no longer in main's history (history rewritten or force-pushed).

The functions here take data (commits, records, file contents read through the ``read`` function the caller
passes) and return the report; git is read in ``zhanqun.audit.history``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
from collections.abc import Callable, Sequence
from typing import Any

from zhanqun import source
from zhanqun.audit.history import Commit, Record
from zhanqun.checks import suppressions
from zhanqun.config import CHINA, ClusterConfig, Person, Unit
from zhanqun.findings import Finding, Severity, define, masked
from zhanqun.signoff import policy

NO_RECORD = define(
    "V001", "no-signoff-record", Severity.ERROR, "需要审核的变更在主分支上没有审核记录。",
    why="审发分离要求每一次发布都能从 git 历史证明经过了审核链（R5.6、R8.2）；没有记录，说明是直接推送或合并后没有写记录。",
    example="a1b2c3d4e5 2026-11-21 直接推送到 main：content/fgw/gzdt/…md",
    fix="在托管平台开启分支保护（zhanqun protect --apply），只允许通过合并请求合并；已合并的，用 zhanqun signoff record 补写记录。",
    requirement="R5.6, R8.2",
)
SELF_APPROVAL = define(
    "V002", "self-approval", Severity.ERROR, "作者本人被记录为审核人。",
    why="审发分离（R5.3）：作者不能审核自己的稿件。",
    example="作者 wang-li-fgw，审核人 wang-li-fgw（初审）",
    fix="由其他有审核角色的人重新审核；检查审核记录是否被手工改写。",
    requirement="R5.3, R8.2",
)
ROLE_NOT_HELD = define(
    "V003", "role-not-held", Severity.ERROR, "审核人在当时的配置中不担任所记录的角色。",
    why="角色以合并时基准提交的 unit.yaml 为准；记录中的角色对不上，说明记录不可信或被改写。",
    example="chen-hao-fgw 被记为 复审，而当时的 content/fgw/unit.yaml 中他只有 初审",
    fix="核实该次合并的审核情况，必要时由正确角色补审并重新写记录（zhanqun signoff record）。",
    requirement="R5.1, R8.2",
)
NOT_SATISFIED = define(
    "V004", "merged-unsatisfied", Severity.ERROR, "审核链未满足，却已经合并。",
    why="合并时的记录表明缺少审核（R5.2），这次发布没有经过规定的审核链。",
    example="#12 示例县城关镇人民政府 缺少 复审",
    fix="由缺少的角色补审后用 zhanqun signoff record 重新写记录；并检查分支保护是否要求 zhanqun 审核状态检查。",
    requirement="R5.2, R8.2",
)
EMERGENCY_OPEN = define(
    "V005", "emergency-open", Severity.ERROR, "突发事件紧急发布后，审核链尚未补齐。",
    why="紧急发布可以先由领导批准上线（R5.5），但审核链必须事后补齐；补齐之前审计一直列出。",
    example="#15 紧急发布（理由：暴雨红色预警），缺少 复审、终审",
    fix="由缺少的角色在合并请求上补充批准，再运行 zhanqun signoff record --commit 该提交 …，记录会追加到原记录之后。",
    requirement="R5.5, R8.2",
)
SUPPRESSION_ADDED = define(
    "V006", "suppression-added", Severity.WARNING, "新增了豁免注释（列出供审计核查理由）。",
    why="豁免会让检查放过具体问题；每一处新增的豁免及其理由都应当经得起审计（R8.2）。",
    example="content/fgw/gzdt/…md:12 ignore[P002] 该号码是镇政府值班手机，已公开多年",
    fix="核实理由是否成立；不成立的，删除豁免并改正内容。",
    requirement="R4, R8.2",
)
RECORD_MISMATCH = define(
    "V008", "record-mismatch", Severity.ERROR, "审核记录与提交的实际改动对不上。",
    why="记录是为另一个提交写的、没有覆盖这次改动涉及的单位或平台文件，或者自称已满足却没有相应的审核人；这样的记录不能证明审核链（R5.6）。",
    example="提交改了 content/chengguan/…，记录只要求 fgw 的审核",
    fix="核实这次合并的审核情况，由相应角色审核后用 zhanqun signoff record 重新写记录；检查 refs/notes/zhanqun 是否被人手工改写。",
    requirement="R5.6, R8.2",
)
HISTORY_REWRITTEN = define(
    "V007", "history-rewritten", Severity.ERROR, "有审核记录的提交已不在主分支历史中。",
    why="审核记录所证明的提交从主分支上消失，说明历史被改写（强制推送、变基）；已发布的内容与记录对不上。",
    example="记录 #9 的提交 3f2a…（2026-10-08）已不可达",
    fix="查明强制推送的原因并恢复历史；在托管平台禁止强制推送（zhanqun protect --apply）。",
    requirement="R8.2",
)


@dataclasses.dataclass(frozen=True, order=True)
class Violation(Finding):
    """A finding of the audit, like any other (issue 13: one code namespace, one record): ``path`` and ``line``
    where it is about a file (V006), else "" and 0; the commit it is about and that commit's time besides. As a
    finding, its message has every long number masked (commit subjects are written by people) and its hint
    defaults to the rule's fix."""

    sha: str = ""
    time: int = 0

    def as_dict(self) -> dict[str, object]:
        return {**super().as_dict(), "commit": self.sha, "time": iso(self.time)}


def violation(code: str, sha: str, time: int, message: str, path: str = "", line: int = 0) -> Violation:
    return Violation(path, line, 0, code, message, sha=sha, time=time)


@dataclasses.dataclass
class Entry:
    """One commit of main that needed a sign-off."""

    commit: Commit
    status: str  # satisfied, emergency-open, emergency-completed, not-satisfied, no-record, initial
    author: str  # the pull request's author from the record, else the git author
    pr: str = ""
    approvers: list[tuple[str, str, str]] = dataclasses.field(default_factory=list)  # (login, unit key, role)
    required: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    emergency_reason: str = ""
    violations: list[Violation] = dataclasses.field(default_factory=list)

    def as_dict(self, names: dict[str, str] | None = None) -> dict[str, Any]:
        """With ``names`` (``Report.names``), each login also as people read it (``author_name``, ``name``)."""
        c = self.commit
        shown = names or {}
        named = {"author_name": shown.get(self.author or c.author_name, "")} if names is not None else {}
        return {
            "commit": c.sha, "time": iso(c.time), "subject": masked(c.subject), "git_author": f"{c.author_name} <{c.author_email}>",
            "author": self.author, **named, "pr": self.pr, "status": self.status, "emergency_reason": self.emergency_reason,
            "approvers": [{"login": login, "unit": unit, "role": role, **({"name": shown.get(login, "")} if names is not None else {})}
                          for login, unit, role in self.approvers],
            "required": self.required, "files": [f.path for f in c.files],
            "findings": [v.as_dict() for v in self.violations],
        }


@dataclasses.dataclass
class Report:
    branch: str
    entries: list[Entry]
    violations: list[Violation]  # all, including those of commits no longer on the branch
    notes_missing: bool = False  # no sign-off record at all: a clone without refs/notes/zhanqun?
    signing: str = ""  # "enabled" (.zhanqun/allowed_signers at the tip) or "disabled" (audit.signatures)
    legacy_records: int = 0  # unsigned records trusted as written before signing began
    # an author or approver (a login, or a git author name) -> how people read it (issue 15; audit.names)
    names: dict[str, str] = dataclasses.field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for v in self.violations:
            out[v.code] = out.get(v.code, 0) + 1
        return out

    @property
    def failed(self) -> bool:
        return any(v.severity is Severity.ERROR for v in self.violations)

    def as_dict(self) -> dict[str, Any]:
        return {"branch": self.branch, "signing": self.signing, "legacy_records": self.legacy_records,
                "commits": [e.as_dict(self.names) for e in self.entries], "people": self.names,
                "findings": [v.as_dict() for v in self.violations], "counts": self.counts()}


Reader = Callable[[Sequence[str]], list[bytes | None]]  # specs ("rev:path") -> contents (bytes or None), in order


def iso(timestamp: int) -> str:
    return dt.datetime.fromtimestamp(timestamp, CHINA).isoformat()


def audit(branch: str, commits: Sequence[Commit], records: dict[str, list[Record]],
          unreachable: Callable[[set[str]], set[str]], suppression_commits: Callable[[], set[str]], read: Reader,
          start: str | None, extra_roots: Sequence[str] = ()) -> Report:
    """The audit of ``commits`` (main's first-parent history, oldest first; ``start`` is the commit before the
    first of them, None when they begin at the root). ``unreachable`` tells which of some commits are not in
    the branch's history at all; ``suppression_commits`` gives the commits whose diff touches a suppression
    comment, and is asked for last, so a slow search overlaps the rest of the audit. ``extra_roots`` are root
    commits of the branch besides the first-parent path's own (a history grafted onto another line)."""
    versions = ConfigVersions(start)
    entries: list[Entry] = []
    checks: list[tuple[Entry, Record, Snapshot]] = []  # (entry, record, config versions as of the base)
    for commit in commits:
        if any(policy.needs_signoff(f.path, f.mode) or (f.old_path and policy.needs_signoff(f.old_path))
               for f in commit.files):
            entry = _entry(commit, records.get(commit.sha, []))
            entries.append(entry)
            for record in records.get(commit.sha, []):
                if "unreadable" not in record:
                    checks.append((entry, record, versions.snapshot()))
        versions.advance(commit)
    _check_roles(checks, read)
    touched = suppression_commits()
    _check_suppressions([e for e in entries if e.commit.sha in touched], read)
    violations = [v for e in entries for v in e.violations]
    listed = {c.sha for c in commits}
    # Usually none: records sit on main's first parents (a record on a release branch merged later is
    # reachable, and fine).
    gone = unreachable({sha for sha in records if sha not in listed})
    for sha, recs in sorted(((sha, records[sha]) for sha in gone), key=lambda kv: _record_time(kv[1])):
        first = recs[0] if recs else {}
        pr = f"#{first['pr']} " if first.get("pr") else ""
        violations.append(violation(HISTORY_REWRITTEN, sha, _record_time(recs),
                                    f"记录 {pr}的提交 {sha[:10]}（{first.get('time', '时间不详')}）已不在 {branch} 的历史中。"))
    for root in extra_roots:
        violations.append(violation(HISTORY_REWRITTEN, root, 0,
                                    f"{branch} 的历史中另有根提交 {root[:10]}：历史可能被改接到另一条线上。"))
    return Report(branch, entries, violations)


def _record_time(records: list[Record]) -> int:
    for record in records:
        try:
            return int(dt.datetime.fromisoformat(str(record.get("time"))).timestamp())
        except ValueError:
            continue
    return 0


@dataclasses.dataclass(frozen=True)
class Approval:
    """One role one person filled for a change, as its sign-off records say."""

    login: str
    unit: str  # unit id, PORTAL_UNIT or PLATFORM
    role: str
    record: Record  # the first record that names it (the record's ``opened``, when written)
    later: bool  # named first by a record written after the one on merge (an emergency's chain completed)
    at: str = ""  # when the approval was given (the record's ``at``), "" when the record does not say


def readable(records: Sequence[Record]) -> list[Record]:
    """The records of a commit that could be read, oldest first."""
    return [r for r in records if "unreadable" not in r]


def approvals(records: Sequence[Record]) -> list[Approval]:
    """Who approved a change in which role, from all its readable records (the one written on merge and any
    completion after it): each (person, unit, role) once, in the order recorded; Chen-Hao is chen-hao. The
    audit lists these as the change's approvers; the reviewers' statistics (R8.3) count them."""
    out, seen = [], set()
    for index, record in enumerate(readable(records)):
        for login, roles in (record.get("approvers") or {}).items():
            for held in roles:
                unit, role = str(held.get("unit")), str(held.get("role"))
                if (policy.login_key(login), unit, role) not in seen:
                    seen.add((policy.login_key(login), unit, role))
                    out.append(Approval(login, unit, role, record, index > 0, str(held.get("at") or "")))
    return out


def _entry(commit: Commit, records: list[Record]) -> Entry:
    kept = readable(records)
    if not commit.parents:
        return Entry(commit, "initial", commit.author_name)
    if not kept:
        entry = Entry(commit, "no-record", commit.author_name)
        why = "审核记录无法读取" if records else "没有审核记录（直接推送，或合并后没有运行 zhanqun signoff record）"
        entry.violations.append(violation(NO_RECORD, commit.sha, commit.time, f"「{commit.subject}」{why}。"))
        return entry
    first, last = kept[0], kept[-1]
    entry = Entry(commit, "", str(first.get("author", "")), str(first.get("pr", "")),
                  emergency_reason=str(first.get("emergency_reason", "")))
    entry.required = list(last.get("required", []))
    entry.approvers = [(a.login, a.unit, a.role) for a in approvals(kept)]
    pr = f"#{entry.pr} " if entry.pr else ""
    for problem in _mismatches(commit, kept, entry):
        entry.violations.append(violation(RECORD_MISMATCH, commit.sha, commit.time, f"{pr}{problem}"))
    if entry.author and any(policy.same_login(login, entry.author) for login, _, _ in entry.approvers):
        entry.violations.append(violation(SELF_APPROVAL, commit.sha, commit.time,
                                          f"{pr}作者 {entry.author} 被记录为审核人。"))
    emergency = next((r for r in kept if r.get("emergency")), None)
    if emergency is not None:
        entry.emergency_reason = str(emergency.get("emergency_reason", ""))
    completed = last.get("satisfied") and not last.get("emergency")
    if completed and emergency is None:
        entry.status = "satisfied"
        return entry
    if completed and emergency is not None and _restated(emergency, last):
        entry.status = "emergency-completed"
        return entry
    names = {str(r.get("unit")): str(r.get("name") or r.get("unit")) for r in entry.required if isinstance(r, dict)}
    missing = "、".join(f"{names.get(key, key)} 缺少 {policy.role_label(role)}"
                       for key, roles in (last.get("missing") or {}).items() for role in roles)
    if emergency is not None:
        entry.status = "emergency-open"
        if completed:  # the completion did not restate the emergency: it is not taken as one (docs/signoff.md §3)
            missing = "补审记录没有再写一次同样的紧急发布理由（--emergency），不能算作补齐"
        entry.violations.append(violation(EMERGENCY_OPEN, commit.sha, commit.time,
                                          f"{pr}紧急发布（理由：{entry.emergency_reason or '未写'}）尚未补齐：{missing}。"))
    else:
        entry.status = "not-satisfied"
        entry.violations.append(violation(NOT_SATISFIED, commit.sha, commit.time, f"{pr}合并时审核链未满足：{missing}。"))
    return entry


def _restated(emergency: Record, completion: Record) -> bool:
    """Whether a completion record repeats the emergency's reason (invisible characters and spacing aside)."""
    reason = policy.visible_reason(str(emergency.get("emergency_reason", "")))
    return bool(reason) and policy.visible_reason(str(completion.get("emergency_reason", ""))) == reason


def _mismatches(commit: Commit, records: list[Record], entry: Entry) -> list[str]:
    """What a record claims that the commit itself contradicts (checked from paths, without reading files)."""
    problems = []
    wrong = sorted({str(r.get("commit"))[:10] for r in records if r.get("commit") != commit.sha})
    if wrong:
        problems.append(f"记录写的是提交 {'、'.join(wrong)}，却挂在 {commit.sha[:10]} 上。")
    required = {str(r.get("unit")) for r in entry.required}
    units, platform = set(), False
    for change in commit.files:
        for path in filter(None, (change.path, change.old_path)):
            if policy.needs_admin(path, change.mode, change.status == "D"):
                platform = True
            if not policy.is_platform(path) and (unit := policy.unit_of(path)) is not None:
                units.add(unit)
    uncovered = sorted(units - required) + ([policy.PLATFORM] if platform and policy.PLATFORM not in required else [])
    if uncovered:
        problems.append(f"改动涉及 {'、'.join(uncovered)}，记录的审核链没有包括。")
    last = records[-1]
    if last.get("satisfied") and not last.get("emergency"):
        held = {(unit, role) for _, unit, role in entry.approvers}
        unfilled = [f"{r.get('unit')} {policy.role_label(str(role))}" for r in entry.required
                    for role in r.get("roles", []) if (str(r.get("unit")), str(role)) not in held]
        if unfilled:
            problems.append(f"记录称审核链已满足，但没有人担任 {'、'.join(unfilled)}。")
    return problems


class ConfigVersions:
    """Which commit last changed each config file, walking main oldest first: the config as of a commit's base
    is then read once per version (``rev:path``) instead of once per commit."""

    def __init__(self, start: str | None) -> None:
        self.start = start
        self.last: dict[str, str] = {}
        self._snapshot: Snapshot | None = None

    def snapshot(self) -> Snapshot:
        if self._snapshot is None:  # shared until a config file changes
            self._snapshot = Snapshot(self.start, dict(self.last))
        return self._snapshot

    def advance(self, commit: Commit) -> None:
        for change in commit.files:
            for path in filter(None, (change.path, change.old_path)):
                if _is_config(path):
                    self.last[path] = commit.sha
                    self._snapshot = None


@dataclasses.dataclass(frozen=True)
class Snapshot:
    start: str | None
    last: dict[str, str]

    def spec(self, path: str) -> str | None:
        rev = self.last.get(path, self.start)
        return f"{rev}:{path}" if rev else None


def _is_config(path: str) -> bool:
    parts = path.split("/")
    return path == "content/cluster.yaml" or (len(parts) == 3 and parts[0] == "content" and parts[2] == "unit.yaml")


def _check_roles(checks: list[tuple[Entry, Record, Snapshot]], read: Reader) -> None:
    """V003 for each recorded role the approver did not hold in the config of the merge's base."""
    parsed: dict[str, object] = {}

    by_text: dict[tuple[str, str], object] = {}  # most config edits leave the roles alone (a column, a name)

    def load(specs: set[str], unit_of: dict[str, str]) -> None:
        todo = sorted(s for s in specs if s not in parsed)
        for spec, blob in zip(todo, read(todo)):
            unit = unit_of.get(spec, "")
            blocks = _top_level_blocks(blob.decode("utf-8", "replace"), _ROLE_KEYS[bool(unit)]) if blob else None
            if blocks is None:
                parsed[spec] = None
            elif (unit, blocks) in by_text:
                parsed[spec] = by_text[(unit, blocks)]
            else:
                parsed[spec] = by_text[(unit, blocks)] = _parse_config(blocks, spec, unit)

    cluster_spec = {id(snap): snap.spec("content/cluster.yaml") for _, _, snap in checks}
    load({s for s in cluster_spec.values() if s}, {})
    wanted: list[tuple[Entry, str, ClusterConfig, list[tuple[str, str, str, str]]]] = []
    unit_of: dict[str, str] = {}
    unit_spec: dict[tuple[int, str], str] = {}  # (snapshot, unit) -> spec; snapshots are shared between commits
    for entry, record, snap in checks:
        cspec = cluster_spec[id(snap)] or ""
        config = parsed.get(cspec)
        if not isinstance(config, ClusterConfig):
            continue  # no readable cluster config at the base: nothing to hold a role against
        held = []
        for login, roles in (record.get("approvers") or {}).items():
            for role_of in roles:
                key, role = str(role_of.get("unit", "")), str(role_of.get("role", ""))
                spec = ""
                if key != policy.PLATFORM:
                    unit = config.portal if key == policy.PORTAL_UNIT else key
                    spec = unit_spec.get((id(snap), unit), "")
                    if not spec:
                        spec = unit_spec[(id(snap), unit)] = snap.spec(f"content/{unit}/unit.yaml") or ""
                        unit_of[spec] = unit
                held.append((login, key, role, spec))
        wanted.append((entry, cspec, config, held))
    load(set(unit_of) - {""}, unit_of)
    judged: dict[tuple[str, str, str, str, str], bool] = {}  # the same person, role and config versions recur
    for entry, cspec, config, held in wanted:
        for login, key, role, spec in held:
            verdict_key = (cspec, spec, login, key, role)
            if verdict_key not in judged:
                loaded = parsed.get(spec)
                units = {loaded.id: loaded} if isinstance(loaded, Unit) else {}
                judged[verdict_key] = policy.holds(login, key, role, config, units)
            if judged[verdict_key]:
                continue
            loaded = parsed.get(spec)
            name = loaded.name if isinstance(loaded, Unit) else key
            where = "平台管理员" if role == policy.ADMIN else f"{name} 的 {policy.role_label(role)}"
            pr = f"#{entry.pr} " if entry.pr else ""
            entry.violations.append(violation(ROLE_NOT_HELD, entry.commit.sha, entry.commit.time,
                                              f"{pr}{login} 被记为 {where}，但合并时的配置中没有这个角色。"))


_ROLE_KEYS = {False: ("portal", "admins"), True: ("name", "people")}


def _parse_config(blocks: str, spec: str, unit: str) -> Unit | ClusterConfig | None:
    """The part of a cluster.yaml (portal, admins) or unit.yaml (name, people) that decides who holds a role.

    Only those top-level blocks are parsed: a history has a config version for every staff change, and the
    columns that make up most of a unit.yaml would cost the YAML parser far more than the roles do."""
    doc, _ = source.load_yaml(blocks, spec.split(":", 1)[-1])
    data = doc.data if doc is not None else None
    if not isinstance(data, dict):
        return None
    try:
        if unit:
            people = [Person(str(p["id"]), str(p.get("name", "")), tuple(map(str, p.get("roles") or ())))
                      for p in data.get("people") or []]
            return Unit(unit, str(data.get("name", unit)), "", "", "", "", "", people, {})
        return ClusterConfig("", "", str(data["portal"]), {}, [], {}, list(map(str, data.get("admins") or [])), [])
    except (KeyError, TypeError, AttributeError):
        return None


def _top_level_blocks(text: str, keys: tuple[str, ...]) -> str:
    """The lines of the given top-level mapping keys, each with everything indented (or listed) under it."""
    out = []
    keep = False
    for line in text.splitlines(keepends=True):
        if line[:1] not in (" ", "\t", "-", "#", "\n", "\r"):  # a new top-level key
            keep = line.split(":", 1)[0].strip().strip("\"'") in keys
        if keep:
            out.append(line)
    return "".join(out)


def _check_suppressions(entries: list[Entry], read: Reader) -> None:
    """V006 for each suppression comment a commit added: one its base did not have with the same codes, reason
    and covered line (the text of the line it applies to; "" for a whole file). A comment moved onto another
    line covers another finding: new; one shifted by lines added above it is not."""
    from zhanqun import rules  # noqa: F401 - the whole registry, so parse() knows every suppressible code
    wanted: list[tuple[Entry, str, str | None, str]] = []
    for entry in entries:
        for change in entry.commit.files:
            if change.status == "D" or not change.path.endswith((".md", ".yaml", ".yml")):
                continue
            old = change.old_path or change.path
            before = f"{entry.commit.base}:{old}" if entry.commit.base and change.status != "A" else None
            wanted.append((entry, change.path, before, f"{entry.commit.sha}:{change.path}"))
    specs = sorted({s for _, _, before, after in wanted for s in (before, after) if s})
    blobs = dict(zip(specs, read(specs)))
    for entry, path, before, after in wanted:
        new_text = (blobs.get(after) or b"").decode("utf-8", "replace")
        if "zhanqun" not in new_text:
            continue
        old_text = (blobs.get(before) or b"").decode("utf-8", "replace") if before else ""
        for s in _added_suppressions(old_text, new_text):
            kind = "ignore-file" if s.target == 0 else "ignore"
            entry.violations.append(violation(SUPPRESSION_ADDED, entry.commit.sha, entry.commit.time,
                                              f"{path}:{s.line} 新增 {kind}[{','.join(s.codes)}]，理由：{s.reason}",
                                              path, s.line))


def _added_suppressions(old_text: str, new_text: str) -> list[suppressions.Suppression]:
    """The suppressions of ``new_text`` its base did not have. A comment line the diff leaves alone (lines
    added above it shift it, the line under it may be edited) is the same suppression; any other is matched by
    codes, reason and the text of the line it covers, so a comment moved (or retyped) onto another finding is
    new, and one moved together with its line is not."""
    old_lines, new_lines = old_text.split("\n"), new_text.split("\n")
    unchanged: dict[int, int] = {}  # line number in new_text -> the same line in old_text
    for a, b, size in difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False).get_matching_blocks():
        unchanged.update({b + i + 1: a + i + 1 for i in range(size)})
    old = suppressions.parse(old_text)[0]
    at_line = {s.line: s for s in old}
    pool: dict[tuple[object, ...], int] = {}
    for s in old:
        pool[_suppression_key(s, old_lines)] = pool.get(_suppression_key(s, old_lines), 0) + 1
    rest = []
    for s in suppressions.parse(new_text)[0]:
        was = at_line.get(unchanged.get(s.line, 0))
        key = _suppression_key(was, old_lines) if was is not None else None
        if was is not None and key is not None and (was.codes, was.reason) == (s.codes, s.reason) and pool.get(key):
            pool[key] -= 1
        else:
            rest.append(s)
    added = []
    for s in rest:
        if pool.get(key := _suppression_key(s, new_lines)):
            pool[key] -= 1
        else:
            added.append(s)
    return added


def _suppression_key(s: suppressions.Suppression, lines: list[str]) -> tuple[object, ...]:
    covered = lines[s.target - 1].strip() if 0 < s.target <= len(lines) else ""
    return s.codes, s.reason, covered


# -- provenance of one page (R8.1) ----------------------------------------------------------------------------

@dataclasses.dataclass
class PageEvent:
    commit: Commit
    action: str  # 新建, 修改, 移动, 撤稿, 恢复, 删除
    path: str
    entry: Entry | None  # the audit entry of the commit (author, approvers, verdict)

    def as_dict(self, names: dict[str, str] | None = None) -> dict[str, Any]:
        data = {"action": self.action, "path": self.path, "commit": self.commit.sha, "time": iso(self.commit.time)}
        data.update({k: v for k, v in (self.entry.as_dict(names) if self.entry else {}).items()
                     if k in ("author", "author_name", "pr", "status", "approvers", "emergency_reason", "git_author")})
        return data


def page_history(path: str, commits: Sequence[Commit], entries: dict[str, Entry], read: Reader) -> list[PageEvent]:
    """Every commit of main that created, revised, moved, withdrew or deleted the page now (or last) at
    ``path``, oldest first; renames are followed back to the page's first name."""
    touching: list[tuple[Commit, str, str, str | None]] = []  # (commit, status, path after, path before)
    current = path
    for commit in reversed(commits):
        for change in commit.files:
            if change.path == current or (not touching and change.status == "R" and change.old_path == current):
                # (the second: the page asked for by the name it had before it was moved away)
                touching.append((commit, change.status, change.path, change.old_path))
                if change.status == "R" and change.old_path:
                    current = change.old_path
                break
    touching.reverse()
    specs = []
    for commit, status, after, before in touching:
        if status != "D":
            specs.append(f"{commit.sha}:{after}")
        if commit.base and status not in ("A",):
            specs.append(f"{commit.base}:{before or after}")
    blobs = dict(zip(specs, read(specs)))
    events = []
    for commit, status, after, before in touching:
        was = _withdrawn(blobs.get(f"{commit.base}:{before or after}")) if commit.base and status != "A" else False
        now = _withdrawn(blobs.get(f"{commit.sha}:{after}")) if status != "D" else was
        if status == "A":
            action = "新建（已撤稿）" if now else "新建"
        elif status == "D":
            action = "删除"
        elif now and not was:
            action = "撤稿"
        elif was and not now:
            action = "恢复"
        elif status == "R" and after != path and before == path:
            action = f"移到 {after}"
        elif status == "R":
            action = f"移动（原 {before}）"
        else:
            action = "修改"
        events.append(PageEvent(commit, action, after, entries.get(commit.sha)))
    return events


def _withdrawn(blob: bytes | None) -> bool:
    if not blob:
        return False
    text = blob.decode("utf-8", "replace")
    split = source.split_front_matter(text, "")
    if not isinstance(split, tuple):
        return False
    doc, _ = source.load_yaml(split[0], "")
    if doc is None or not isinstance(doc.data, dict):
        return False
    value = doc.data.get("withdrawn", doc.data.get("撤稿"))
    return bool(value) and value not in ("否", "false", "no")
