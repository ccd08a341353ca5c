"""The rule registry, complete: importing this module imports every rule family."""

from __future__ import annotations

import difflib

from zhanqun import (  # noqa: F401 - they define rules
    cluster,
    cms as _cms,  # E001–E003, the web editor (issue 15)
    gitio as _gitio,
    init,
    pin,
    schemas,
    source,
    workdays as _workdays,
)
from zhanqun.audit import (
    report as _audit_report,  # noqa: F401 - the V rules
    signatures as _audit_signatures,  # noqa: F401 - the V rules
)
from zhanqun.build import rules as _build_rules  # noqa: F401 - the B rules
from zhanqun.checks import (  # noqa: F401
    attachments,
    banned,
    files,
    html_safety,
    images,
    labels,
    links,
    personal_data,
    placeholder,
    references,
    replies,
    secrets,
    spam,
    suppressions,
    wording,
)
from zhanqun.deploy import rules as _deploy_rules  # noqa: F401 - the D rules
from zhanqun.errors import UsageError
from zhanqun.findings import REMOVED, RULES, Rule
from zhanqun.inspect import (
    content_rules as _inspect_content,  # noqa: F401 - J006/J007 (with the gates), J010–J017
    freshness as _inspect_freshness,  # noqa: F401 - J001–J005, J008, J009, J019, J021–J023
    replies as _inspect_replies,  # noqa: F401 - J014–J016, J018
)
from zhanqun.preview import rules as _preview_rules  # noqa: F401 - the D rules of previews (issue 15)
from zhanqun.signoff import sheet_rules as _sheet_rules  # noqa: F401 - the K rules (审核单)
from zhanqun.stats import (
    annual as _stats_annual,  # noqa: F401 - T020–T029
    annual_figures as _stats_annual_figures,  # noqa: F401 - T030
    codes as _stats_codes,  # noqa: F401 - T001–T019
    visits as _stats_visits,  # noqa: F401 - T040–T045
)

__all__ = ["REMOVED", "RULES", "lookup", "markdown", "removed"]


def removed(code: str) -> str | None:
    """Why ``code`` was removed, if it once existed and is gone (never reused)."""
    return REMOVED.get(code.strip().upper())


def lookup(code: str) -> Rule:
    code = code.strip().upper()
    if code in RULES:
        return RULES[code]
    close = difflib.get_close_matches(code, list(RULES), n=3)
    hint = ("是不是想查 " + "、".join(close) + "？") if close else "全部规则：" + " ".join(sorted(RULES))
    raise UsageError(f"没有规则 {code}。", hint=hint)


_FAMILIES = {
    "F": "文件", "Y": "YAML", "S": "头信息与配置的结构（R4.1）", "C": "站群结构与条目之间的关系（R1、R2）",
    "H": "HTML 安全（R4.8）", "P": "个人信息（R4.2）", "M": "涉密信息（R4.3）", "X": "禁止发布的内容（R4.4）",
    "W": "错敏词（R4.5）", "L": "链接（R4.6）", "I": "图片（R4.7）", "A": "附件（R4.2）", "N": "豁免注释（R4）",
    "V": "审核链审计（R5、R8）", "J": "网站检查指标与留言答复（R7、R9）", "B": "构建（R3.1）", "D": "部署与防篡改（R6.2、R6.3）",
    "T": "统计与年度报表（R8.3、R8.4）", "G": "读取 git（R5.6、R8）", "E": "网页编辑器（R10，issue 15）",
    "K": "审核单（R10.5）",
}


def markdown() -> str:
    """docs/rules.md, generated from the registry (a test keeps the two in step)."""
    lines = [
        "# 检查规则 / Rules",
        "",
        "由 `zhanqun rule 代码` 打印完整说明。代码稳定，永不复用。本页由 `zhanqun rule --list` 从注册表生成，请勿手改。",
        "",
        "可以用 `zhanqun: ignore[代码] 理由` 豁免的只有 P、M、X、W、L、I 开头的规则（附件中的问题须改正附件）；P、M 不能整篇豁免（见 docs/handbook.md）。",
    ]
    for family, title in _FAMILIES.items():
        codes = sorted(c for c in RULES if c[0] == family)
        if not codes:
            continue
        lines += ["", f"## {family}：{title}", "", "| 代码 | 名称 | 级别 | 说明 | 依据 |", "|---|---|---|---|---|"]
        for code in codes:
            r = RULES[code]
            summary = r.summary.replace("|", "\\|")
            lines.append(f"| {code} | {r.name} | {r.severity.label} | {summary} | {r.requirement} |")
    lines += ["", "## 已停用的代码", "", "停用的代码不再报告，也永不用于别的规则。"]
    if REMOVED:
        lines += ["", "| 代码 | 停用原因 |", "|---|---|"]
        lines += [f"| {code} | {REMOVED[code].replace('|', chr(92) + '|')} |" for code in sorted(REMOVED)]
    else:
        lines += ["", "（暂无。）"]
    return "\n".join(lines) + "\n"
