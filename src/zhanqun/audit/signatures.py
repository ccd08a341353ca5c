"""Which sign-off records CI wrote (R6.5): every record must carry an SSH signature by a key of
``.zhanqun/allowed_signers``, and must agree with the sign-off config of its base (V009, V013).

Anyone who can push can append a note to refs/notes/zhanqun; only CI holds the key. A record is trusted if its
signature verifies and the key is allowed, in the record's namespace and at its signed ``recorded_at``, by the
allowed_signers of the commit's base (a key removed later still vouches for what it signed while it was
allowed) or of the audited tip (a completion signed after a key rotation). Records without a valid signature
are left out of the verdict: a forged "completion" cannot launder V004 or V005.

Records written before signing began are trusted if they are in the notes commit pinned in
``.zhanqun/legacy-notes`` (the refs/notes/zhanqun commit of that day): an unsigned line added later is V009.
Without ``.zhanqun/allowed_signers`` at the tip signing has not begun and records are taken as they are.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Sequence

import orjson

from zhanqun import signing, source
from zhanqun.audit.history import Commit, Record
from zhanqun.findings import Severity, define
from zhanqun.signoff import policy

NOT_SIGNED = define(
    "V009", "record-not-signed", Severity.ERROR, "审核记录没有 CI 的有效签名。",
    why="有推送权限的人都能往 refs/notes/zhanqun 追加记录；只有 CI 持有签名私钥（R6.5）。没有签名、签名对不上（记录被改过）"
        "或签名的密钥不在 .zhanqun/allowed_signers 中的记录不算数，审计按其余记录判断。",
    example="#12 的第 2 条记录（写于 2026-11-23）没有签名：不是 CI 写的",
    fix="查明是谁推送了这条记录（git log refs/notes/zhanqun）；需要补审时由 CI 运行 zhanqun signoff record。"
        "签名前写的记录，用 .zhanqun/legacy-notes 固定（docs/signoff.md）。",
    requirement="R6.5, R5.6, R8.2",
)
CONTRADICTS_CONFIG = define(
    "V013", "record-contradicts-config", Severity.ERROR, "审核记录与当时的审核配置矛盾。",
    why="记录要求的审核链必须符合合并时基准提交的 cluster.yaml（signoff）：例如配置要求初审，记录却写了空的审核链；"
        "这样的记录不能证明审核链（R5.2、R6.5）。",
    example="#12 记录 fgw（常规）要求的审核为空，而当时的配置要求 初审",
    fix="核实这次合并的审核情况，由相应角色补审后由 CI 重新写记录（zhanqun signoff record）。",
    requirement="R5.2, R6.5, R8.2",
)

Reader = Callable[[Sequence[str]], list[bytes | None]]
Problems = list[tuple[str, str, str]]  # (commit, code, message)


@dataclasses.dataclass
class Outcome:
    records: dict[str, list[Record]]  # the trusted records only
    problems: list[tuple[str, str, str]]  # (commit, code, message)
    enabled: bool
    legacy: int = 0  # unsigned records trusted as written before signing began


def check(commits: Sequence[Commit], records: dict[str, list[Record]], tip: str, read: Reader,
          pinned: Callable[[str], dict[str, list[Record]]], vouched: Callable[[list[signing.Signer]], set[str]] = lambda _: set()) -> Outcome:
    """Sort ``records`` into trusted and not; ``pinned(notes_commit)`` reads the records of an old notes commit.
    ``vouched(signers)`` names the noted commits whose notes a valid checkpoint covers (their records were
    checked by CI when it signed the checkpoint, so their signatures are not checked one by one again)."""
    tip_signers, pin = read([f"{tip}:{signing.ALLOWED_SIGNERS}", f"{tip}:{signing.LEGACY_PIN}"])
    problems: list[tuple[str, str, str]] = []
    base_of = _versions(commits, tip)
    specs = sorted({spec for pair in base_of.values() for spec in pair if spec})
    blobs = dict(zip(specs, read(specs)))
    config_roles = {spec: _signoff_roles(blobs.get(spec)) for spec in specs if spec.endswith("cluster.yaml")}
    if tip_signers is None:
        out = {sha: recs for sha, recs in records.items()}
        _contradictions(out, base_of, config_roles, problems)
        return Outcome(out, problems, enabled=False)
    at_tip = _signers(tip_signers, problems, tip)
    covered = vouched(at_tip)
    legacy = _legacy(pin, pinned)
    parsed: dict[str | None, list[signing.Signer]] = {}
    trusted: dict[str, list[Record]] = {}
    legacy_count = 0
    for sha, recs in records.items():
        spec = base_of.get(sha, (None, None))[0]
        if spec not in parsed:
            parsed[spec] = _signers(blobs.get(spec), problems, sha) if spec else []
        keys = parsed[spec] + at_tip
        kept = []
        for record in recs:
            if sha in covered and "unreadable" not in record:
                kept.append(record)
                legacy_count += not record.get("signature")
                continue
            why = _untrusted(record, keys)
            if why and "unreadable" not in record and orjson.dumps(record, option=orjson.OPT_SORT_KEYS) in legacy.get(sha, ()):
                legacy_count += 1
                why = ""
            if why:
                pr = f"#{record.get('pr')} " if record.get("pr") else ""
                problems.append((sha, NOT_SIGNED, f"{pr}提交 {sha[:10]} 的一条审核记录"
                                 f"（写于 {record.get('recorded_at') or '时间不详'}）{why}，不算数。"))
            else:
                kept.append(record)
        trusted[sha] = kept
    _contradictions(trusted, base_of, config_roles, problems)
    return Outcome(trusted, problems, enabled=True, legacy=legacy_count)


def _untrusted(record: Record, keys: list[signing.Signer]) -> str:
    """Why a record is not CI's ("" when it is)."""
    if "unreadable" in record:
        return "无法读取"
    signature = record.get("signature")
    if not isinstance(signature, str) or not signature:
        return "没有签名"
    payload = orjson.dumps({k: v for k, v in record.items() if k != "signature"}, option=orjson.OPT_SORT_KEYS)
    key = signing.signed_by(payload, signature, signing.RECORD)
    if key is None:
        return "签名无效（记录在签名后被改动过，或签名不是为审核记录做的）"
    if not signing.allowed(key, keys, signing.RECORD, _when(record.get("recorded_at"))):
        return f"签名的密钥 {key[:28]}… 当时不在 {signing.ALLOWED_SIGNERS} 中"
    return ""


def _when(value: object) -> dt.datetime | None:
    try:
        when = dt.datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)


def _signers(blob: bytes | None, problems: Problems, sha: str) -> list[signing.Signer]:
    if not blob:
        return []
    try:
        return signing.parse_allowed(blob.decode("utf-8", "replace"), f"{sha[:10]}:{signing.ALLOWED_SIGNERS}")
    except Exception as exc:
        problems.append((sha, NOT_SIGNED, f"{signing.ALLOWED_SIGNERS} 无法读取（{exc}），其中的密钥都不算数。"))
        return []


def _legacy(pin: bytes | None, pinned: Callable[[str], dict[str, list[Record]]]) -> dict[str, set[bytes]]:
    sha = (pin or b"").decode("ascii", "replace").strip()
    if not sha:
        return {}
    return {commit: {orjson.dumps(r, option=orjson.OPT_SORT_KEYS) for r in recs if "unreadable" not in r}
            for commit, recs in pinned(sha).items()}


def _versions(commits: Sequence[Commit], tip: str) -> dict[str, tuple[str | None, str | None]]:
    """For each commit: the ``rev:path`` of allowed_signers and of cluster.yaml as of its base."""
    last: dict[str, str | None] = {signing.ALLOWED_SIGNERS: None, "content/cluster.yaml": None}
    start = commits[0].base if commits else None
    out: dict[str, tuple[str | None, str | None]] = {}
    for commit in commits:
        signers_at, config_at = (f"{rev}:{path}" if (rev := last[path] or start) else None for path in last)
        out[commit.sha] = (signers_at, config_at)
        for change in commit.files:
            for path in (change.path, change.old_path):
                if path in last:
                    last[path] = commit.sha
    return out


def _signoff_roles(blob: bytes | None) -> dict[str, list[str]] | None:
    """The ``signoff`` block of a cluster.yaml (importance -> roles)."""
    if not blob:
        return None
    from zhanqun.audit.report import _top_level_blocks

    doc, _ = source.load_yaml(_top_level_blocks(blob.decode("utf-8", "replace"), ("signoff",)), "cluster.yaml")
    data = doc.data.get("signoff") if doc is not None and isinstance(doc.data, dict) else None
    if not isinstance(data, dict):
        return None
    return {str(k): [str(r) for r in v] for k, v in data.items() if isinstance(v, list)}


def _contradictions(records: dict[str, list[Record]], base_of: dict[str, tuple[str | None, str | None]],
                    config_roles: dict[str, dict[str, list[str]] | None], problems: Problems) -> None:
    """V013: a record whose required chain is less than the base's config asks for."""
    for sha, recs in records.items():
        spec = base_of.get(sha, (None, None))[1]
        roles = config_roles.get(spec) if spec else None
        if roles is None:
            continue
        for record in recs:
            if "unreadable" in record:
                continue
            for problem in _against_config(record, roles):
                pr = f"#{record.get('pr')} " if record.get("pr") else ""
                problems.append((sha, CONTRADICTS_CONFIG, f"{pr}{problem}"))


def _against_config(record: Record, roles: dict[str, list[str]]) -> list[str]:
    out = []
    for req in record.get("required") or []:
        key, have = str(req.get("unit")), {str(r) for r in req.get("roles") or []}
        if key == policy.PLATFORM:
            want = [policy.ADMIN]
        elif key == policy.PORTAL_UNIT:
            want = [policy.LEADER]
        else:
            importance = str(req.get("importance") or "routine")
            want = roles.get(importance, roles.get("routine", []))
            if importance not in roles:
                out.append(f"记录中 {key} 的重要程度 {importance} 不是当时配置中的级别。")
        lacking = [r for r in want if r not in have]
        if lacking:
            shown = "、".join(policy.role_label(r) for r in have) or "空"
            out.append(f"记录 {key}（{req.get('importance') or '未写重要程度'}）要求的审核为 {shown}，"
                       f"而当时的配置要求 {'、'.join(policy.role_label(r) for r in want)}。")
    return out


# -- checkpoints: one signature for the whole notes tree ---------------------------------------------------------
# Checking 10,000 signatures one by one costs about 1.8 s, more than the rest of the audit. After writing its
# records CI checks every record itself (incrementally, from the last checkpoint) and, if all hold, signs the
# notes tree: "zhanqun-notes-checkpoint <tree> <time>" in the commit message of refs/zhanqun/checkpoint, whose
# tree IS that notes tree. The audit then checks one signature and, one by one, only the notes that changed
# since (git diff-tree). The ref is only an accelerator: anyone may move or delete it, which only makes the
# audit check more signatures; a checkpoint whose signature fails covers nothing.

CHECKPOINT_REF = "refs/zhanqun/checkpoint"
_CHECKPOINT = "zhanqun-notes-checkpoint"


def checkpoint_payload(tree: str, when: str) -> bytes:
    return f"{_CHECKPOINT} {tree} {when}".encode("ascii")


def checkpoint_message(tree: str, when: str, armored: str) -> str:
    return f"{_CHECKPOINT} {tree} {when}\n\n{signing.bare(armored)}\n"


def checkpoint_tree(commit_text: bytes, signers: list[signing.Signer]) -> str | None:
    """The notes tree a checkpoint commit (``git cat-file commit`` output) vouches for, if its signature holds."""
    head, _, message = commit_text.decode("utf-8", "replace").partition("\n\n")
    tree = next((line.split()[1] for line in head.splitlines() if line.startswith("tree ")), "")
    lines = message.strip().splitlines()
    if len(lines) < 3 or not lines[0].startswith(_CHECKPOINT + " "):
        return None
    parts = lines[0].split()
    if len(parts) != 3 or parts[1] != tree:
        return None
    key = signing.signed_by(checkpoint_payload(tree, parts[2]), lines[-1].strip(), signing.RECORD)
    return tree if signing.allowed(key, signers, signing.RECORD, _when(parts[2])) else None
