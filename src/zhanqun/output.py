"""All printing happens here: findings as text or JSON, summaries, errors."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import click
import orjson

from zhanqun.findings import Finding, Severity, masked

if TYPE_CHECKING:
    from zhanqun.signoff.policy import Verdict

# What a message quotes from a file (a title, a file name) must not drive the terminal: C0 controls but the
# newline, DEL, the C1 controls (U+009B is a one-byte CSI) and bidi overrides are shown as \x1b, \u202e.
_UNSAFE = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def visible(text: str) -> str:
    """``text`` with every control character written as an escape."""
    return _UNSAFE.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100 else f"\\u{ord(m.group()):04x}", text)


def location(path: str, line: int = 0, column: int = 0) -> str:
    """``path:line:col`` as far as it is known: ``path`` alone for a finding about a whole file (line 0),
    ``path:line`` without a column. Never ``path:0:0``, which editors would open at a line that is not there."""
    if not line:
        return path
    return f"{path}:{line}:{column}" if column else f"{path}:{line}"


def findings_text(findings: Sequence[Finding]) -> str:
    lines = []
    for f in sorted(findings):
        lines.append(visible(f"{location(f.path, f.line, f.column)}: {f.code} {f.message}"))
        if hint := f.shown_hint:  # a finding without its own hint shows its rule's fix (issue 13)
            lines.append(f"    提示：{visible(hint)}")
    return "\n".join(lines)


FORMAT_VERSION = 1
# orjson writes C0 controls as escapes; C1 controls and bidi overrides it passes on raw: escaped here too
_UNSAFE_JSON = re.compile("[\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def json_document(kind: str, data: Mapping[str, object], *, compact: bool = False) -> str:
    """Every ``--format json`` output (issue 13): one object whose first keys say what it is —
    ``{"format": "zhanqun.<kind>", "format_version": 1, "zhanqun": "<version>", ...data}``. A reader checks
    ``format`` and ``format_version`` (raised when a key is removed or changes meaning; new keys do not raise
    it). ``data`` is a mapping: a list (findings, hosts, reports) goes under a named key. Written by orjson
    (a 20,000-commit audit is 9 MB; the standard library's indenting encoder takes three times as long);
    ``compact`` writes one line (a CI step output)."""
    from zhanqun import __version__

    head = {"format": f"zhanqun.{kind}", "format_version": FORMAT_VERSION, "zhanqun": __version__}
    clash = head.keys() & data.keys()
    if clash:
        raise ValueError(f"JSON data of {kind} uses the envelope's keys {sorted(clash)}")
    option = orjson.OPT_NON_STR_KEYS | (0 if compact else orjson.OPT_INDENT_2)
    raw = orjson.dumps({**head, **data}, option=option).decode("utf-8")
    return _UNSAFE_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", raw)


def _finding_records(findings: Sequence[Finding]) -> list[dict[str, object]]:
    # json escapes C0 itself; C1 and bidi characters it would pass on raw (ensure_ascii=False)
    # a line or column zhanqun does not know is null, not 0 (no file has a line 0; a column without a line is none)
    records = []
    for f in sorted(findings):
        record = {k: visible(v) if isinstance(v, str) else v for k, v in f.as_dict().items()}
        record["line"], record["column"] = (f.line, f.column or None) if f.line else (None, None)
        records.append(record)
    return records


def findings_json(findings: Sequence[Finding], kind: str = "check") -> str:
    return json_document(kind, {"findings": _finding_records(findings)})


def error_json(exit_code: int, findings: Sequence[Finding] = (), message: str = "", code: str = "",
               hint: str = "") -> str:
    """What a ``--format json`` command that stopped prints on standard output (``zhanqun.error``): the findings
    that stopped it, or the one error as a finding-shaped record (``code`` may be "" for a usage error), with the
    exit code. The text for people still goes to standard error."""
    records = _finding_records(findings)
    if message:  # masked as a finding's message is: an ID number typed as an option value reaches CI logs too
        records.append({"code": code, "severity": "error", "path": "", "line": None, "column": None,
                        "message": visible(masked(message)), "hint": visible(masked(hint))})
    return json_document("error", {"exit_code": exit_code, "findings": records})


def summary(findings: Sequence[Finding]) -> str:
    errors = sum(1 for f in findings if f.severity is Severity.ERROR)
    warnings = len(findings) - errors
    if not findings:
        return "检查通过：没有发现问题。"
    return f"共 {errors} 个错误，{warnings} 个警告。" + ("" if errors else "（警告不阻止发布）")


def print_findings(findings: Sequence[Finding], fmt: str = "text") -> None:
    if fmt == "json":
        emit(findings_json(findings))
        return
    if findings:
        click.echo(findings_text(findings), err=False)
    click.echo(summary(findings), err=True)


def info(message: str) -> None:
    click.echo(visible(message), err=True)


def error(message: str) -> None:
    click.echo(f"错误：{visible(masked(message))}", err=True)


def crash(log_path: str) -> None:
    click.echo(f"内部错误：zhanqun 遇到了意外问题，详细信息已写入 {log_path}。请把该文件发给电子政务办。", err=True)


def signoff_verdict(result: Verdict, fmt: str = "text") -> None:
    """A sign-off verdict (zhanqun.signoff.policy.Verdict) for a reviewer reading CI output on a phone."""
    from zhanqun.signoff.policy import role_label

    if fmt == "json":
        emit(json_document("signoff", result.as_dict()))
        return
    for req in result.requirements:
        level = {"routine": "常规", "general": "一般", "important": "重要"}.get(req.importance or "", "")
        parts = [f"{role_label(role)} {'✓ ' + result.shown(req.filled[role]) if role in req.filled else '✗ 缺少'}"
                 for role in req.roles]
        click.echo(f"{req.name}{'（' + level + '）' if level else ''}：" + "；".join(parts))
    for reason in result.reasons:
        click.echo(f"  - {reason}")
    if result.emergency:
        click.echo("审核链：按突发事件紧急发布放行，未完成的审核须在发布后补齐。")
    else:
        click.echo("审核链：已满足。" if result.satisfied else "审核链：未满足，暂不能合并。")


_STDOUT = {"documents": 0}  # documents printed on standard output by this process (see printed_document)


def emit(text: str) -> None:
    """Print one document (a report, JSON) on standard output."""
    click.echo(text, color=True)  # our reports carry no colour codes: skip click's scan of megabytes for them
    _STDOUT["documents"] += 1


def start_command() -> None:
    """A new command in this process (the CLI's main, run many times in one test process): nothing printed yet."""
    _STDOUT["documents"] = 0


def printed_document() -> bool:
    """Whether a document already went to standard output: a command that stops after printing its report (stats
    --publish refusing to overwrite) must not add a second JSON document (zhanqun.error) after it."""
    return _STDOUT["documents"] > 0


def document(text: str, path: str | os.PathLike[str] | None = None) -> None:
    """A report: printed, or written to ``path`` (whole, via a temporary file, so a reader never sees half)."""
    if path is None:
        emit(text)
        return
    import tempfile
    from pathlib import Path

    target = Path(path)
    tmp = None
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
        umask = os.umask(0)
        os.umask(umask)
        os.fchmod(fd, 0o666 & ~umask)  # a report is a file to share, not a secret: the mode open() would give it
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text if text.endswith("\n") else text + "\n")
        os.replace(tmp, target)
    except OSError as exc:
        if tmp is not None and os.path.exists(tmp):
            os.unlink(tmp)
        from zhanqun.errors import UsageError

        raise UsageError(f"无法写入 {target}：{exc.strerror}", hint="检查目录是否存在、是否有写权限。") from None
    info(f"已写入 {target}。")
