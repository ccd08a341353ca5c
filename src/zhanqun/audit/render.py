"""The audit for people: text for a terminal or CI log, JSON for tools, one self-contained HTML page for
inspectors (no script; printable)."""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence

from zhanqun.audit.report import Entry, PageEvent, Report, Violation, iso
from zhanqun.findings import RULES, masked
from zhanqun.signoff import policy

STATUS = {"satisfied": "已满足", "emergency-open": "紧急发布，待补审", "emergency-completed": "紧急发布，已补审",
          "not-satisfied": "未满足即合并", "no-record": "无审核记录", "initial": "初始导入"}


def _day(timestamp: int) -> str:
    return iso(timestamp)[:16].replace("T", " ")


Names = Mapping[str, str]  # a login or git author name -> how people read it (Report.names; issue 15)


def person(who: str, names: Names | None) -> str:
    """An author or approver as people read them: ``陈浩（chen-hao-fgw）`` (names from ``Report.names``); a
    login or name nobody lists, with a note."""
    return (names or {}).get(who) or policy.shown("", who)


def author_text(entry: Entry | None, fallback: str, names: Names | None) -> str:
    return person((entry.author if entry else "") or fallback, names)


def approvers_text(entry: Entry | None, names: Names | None = None) -> str:
    """``fgw 初审 陈浩（chen-hao-fgw）、fgw 复审 …``: each approval's unit and role, then the person."""
    if entry is None or not entry.approvers:
        return "—"
    return "、".join(f"{_unit_label(unit)}{policy.role_label(role)} {person(login, names)}"
                     for login, unit, role in entry.approvers)


def _unit_label(key: str) -> str:
    return {policy.PORTAL_UNIT: "门户 ", policy.PLATFORM: ""}.get(key, f"{key} ")


def violation_line(v: Violation) -> str:
    return f"{v.code} {RULES[v.code].severity.label} {v.sha[:10]} {_day(v.time)} {v.message}"


def text(report: Report) -> str:
    lines = [f"审计：{report.branch} 上 {len(report.entries)} 个需要审核的提交。"]
    for entry in report.entries:
        c = entry.commit
        pr = f" #{entry.pr}" if entry.pr else ""
        lines.append(f"{c.sha[:10]} {_day(c.time)}{pr} 作者 {author_text(entry, c.author_name, report.names)}："
                     f"{STATUS[entry.status]}；审核 {approvers_text(entry, report.names)}；{masked(c.subject)}")
    if report.violations:
        counts = "，".join(f"{code} {n} 项" for code, n in sorted(report.counts().items()))
        lines += ["", f"发现 {len(report.violations)} 项问题（{counts}）："]
        lines += [f"  {violation_line(v)}" for v in report.violations]
        lines.append("用 zhanqun rule 代码 查看每类问题的说明和处理办法。")
    else:
        lines += ["", "没有发现违规：每个需要审核的提交都有完整的审核记录。"]
    lines.append(signing_text(report))
    return "\n".join(lines)


def signing_text(report: Report) -> str:
    if report.signing == "disabled":
        return "签名：未启用（仓库没有 .zhanqun/allowed_signers），审核记录按原样采信（docs/signoff.md）。"
    legacy = f"；{report.legacy_records} 条签名前的记录按 .zhanqun/legacy-notes 采信" if report.legacy_records else ""
    return f"签名：已启用，每条审核记录都核对了 CI 的签名（.zhanqun/allowed_signers）{legacy}。"


def page_text(path: str, events: Sequence[PageEvent], names: Names | None = None) -> str:
    lines = [f"{path} 的发布记录："]
    for event in events:
        entry = event.entry
        who = author_text(entry, event.commit.author_name, names)
        pr = f" #{entry.pr}" if entry and entry.pr else ""
        status = f"；{STATUS[entry.status]}" if entry else ""
        lines.append(f"{_day(event.commit.time)} {event.action}{pr}：作者 {who}；审核 {approvers_text(entry, names)}{status}"
                     f"（提交 {event.commit.sha[:10]}）")
    return "\n".join(lines)


def as_json(data: dict[str, object], kind: str = "audit") -> str:
    """The audit (or a page's record, ``audit.page``) in zhanqun's JSON envelope (issue 13), written by orjson."""
    from zhanqun.output import json_document

    return json_document(kind, data)


_CSS = """
body{font-family:"Noto Sans CJK SC","Source Han Sans SC","Microsoft YaHei",sans-serif;margin:2rem;color:#1a1a1a}
h1{font-size:1.5rem}h2{font-size:1.2rem;margin-top:2rem}table{border-collapse:collapse;width:100%}
th,td{border:1px solid #999;padding:.35rem .5rem;text-align:left;vertical-align:top;font-size:.95rem}
th{background:#eef2f7}.error{color:#a00000;font-weight:bold}.warning{color:#7a5200}.ok{color:#0a6b2d}
code{font-family:monospace}p.summary{font-size:1.05rem}
@media (max-width:640px){body{margin:1rem}thead{display:none}table,tbody,tr,td{display:block;width:auto}
tr{border:1px solid #999;margin-bottom:.75rem}td{border:none;border-bottom:1px solid #ddd}
td::before{content:attr(data-label) "：";font-weight:bold}}
"""


def _page(title: str, body: list[str]) -> str:
    return ("<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
            f"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{html.escape(title)}</title>"
            f"<style>{_CSS}</style></head><body>\n<h1>{html.escape(title)}</h1>\n" + "\n".join(body) + "\n</body></html>\n")


def _head(*labels: str) -> str:
    return "<thead><tr>" + "".join(f"<th>{label}</th>" for label in labels) + "</tr></thead>"


def _row(labels: Sequence[str], *values: str) -> str:
    """A table row; each cell names its column, so a phone shows the rows as labelled cards."""
    return "<tr>" + "".join(f"<td data-label=\"{label}\">{v}</td>" for label, v in zip(labels, values)) + "</tr>"


_VIOLATION_COLUMNS = ("代码", "级别", "提交", "时间", "说明")
_COMMIT_COLUMNS = ("提交", "时间", "合并请求", "作者", "审核人（角色）", "结论", "说明")
_EVENT_COLUMNS = ("时间", "操作", "合并请求", "作者", "审核人（角色）", "结论", "提交")


def html_report(report: Report) -> str:
    e = html.escape
    body = [f"<p class=\"summary\">分支 <code>{e(report.branch)}</code> 上需要审核的提交 {len(report.entries)} 个；"
            f"发现问题 <span class=\"{'error' if report.failed else 'ok'}\" id=\"violation-count\">{len(report.violations)}</span> 项。</p>"]
    body.append("<h2>问题</h2>")
    if report.violations:
        body.append("<table id=\"violations\">" + _head(*_VIOLATION_COLUMNS) + "<tbody>")
        for v in report.violations:
            rule = RULES[v.code]
            body.append(_row(_VIOLATION_COLUMNS, f"<span class=\"{rule.severity.value}\">{v.code}</span>", rule.severity.label,
                               f"<code>{v.sha[:10]}</code>", _day(v.time), e(v.message) + f"<br><small>{e(rule.fix)}</small>"))
        body.append("</tbody></table>")
    else:
        body.append("<p class=\"ok\">没有发现违规。</p>")
    body.append("<h2>提交明细</h2>")
    body.append("<table id=\"commits\">" + _head(*_COMMIT_COLUMNS) + "<tbody>")
    for entry in report.entries:
        c = entry.commit
        css = "ok" if entry.status in ("satisfied", "emergency-completed", "initial") else "error"
        body.append(_row(_COMMIT_COLUMNS, f"<code>{c.sha[:10]}</code>", _day(c.time), e(f"#{entry.pr}" if entry.pr else "—"),
                           e(author_text(entry, c.author_name, report.names)), e(approvers_text(entry, report.names)),
                           f"<span class=\"{css}\">{STATUS[entry.status]}</span>", e(masked(c.subject))))
    body.append("</tbody></table>")
    return _page("审核链审计报告", body)


def html_page(path: str, events: Sequence[PageEvent], names: Names | None = None) -> str:
    e = html.escape
    body = ["<table id=\"events\">" + _head(*_EVENT_COLUMNS) + "<tbody>"]
    for event in events:
        entry = event.entry
        body.append(_row(_EVENT_COLUMNS, _day(event.commit.time), e(event.action), e(f"#{entry.pr}" if entry and entry.pr else "—"),
                           e(author_text(entry, event.commit.author_name, names)), e(approvers_text(entry, names)),
                           STATUS[entry.status] if entry else "—", f"<code>{event.commit.sha[:10]}</code>"))
    body.append("</tbody></table>")
    return _page(f"{path} 的发布记录", body)
