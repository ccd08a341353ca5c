"""``zhanqun inspect`` as text for the terminal (Chinese, by site: vetoes, deductions, early warnings, a
verdict per site) and as JSON. The HTML scorecard is :func:`zhanqun.inspect.scorecard.html`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from zhanqun.inspect.model import Level, Problem, Report, SiteReport
from zhanqun.output import visible

if TYPE_CHECKING:
    from zhanqun.inspect.engine import Comparison

_SECTIONS = ((Level.VETO, "单项否决"), (Level.DEDUCT, "扣分"), (Level.WARN, "预警"))
# orjson escapes C0 controls; C1 controls and bidi characters would reach a terminal that prints the JSON


def verdict(site: SiteReport) -> str:
    return "不合格" if site.vetoed else "合格"


def _problem_lines(problem: Problem) -> list[str]:
    lines = [f"    {problem.code} {problem.message}"]
    if problem.hint:
        lines.append(f"        提示：{problem.hint}")
    if problem.path:
        lines.append(f"        文件：{problem.path}" + (f":{problem.line}" if problem.line else ""))
    return lines


def _counts(site: SiteReport) -> str:
    return "，".join(f"{label} {site.count(level)} 项" for level, label in _SECTIONS)


def site_text(site: SiteReport) -> list[str]:
    lines = [f"{site.name}（{site.host}）：{verdict(site)}（{_counts(site)}）"]
    if site.homepage_last_update:
        lines.append(f"  首页最新信息：{site.homepage_last_update}")
    for level, label in _SECTIONS:
        chosen = [p for p in site.problems if p.level is level]
        if chosen:
            lines.append(f"  {label}：")
            for problem in chosen:
                lines += _problem_lines(problem)
    return lines


def text(report: Report) -> str:
    commit = f"，提交 {report.commit[:10]}" if report.commit else "（工作区）"
    lines = [f"{report.cluster} 网站自查：{report.at.replace('T', ' ')}{commit}", ""]
    if report.problems:
        lines.append("全站：")
        for problem in report.problems:
            lines += _problem_lines(problem)
        lines.append("")
    for site in report.sites:
        lines += site_text(site)
        lines.append("")
    failed = [s for s in report.sites if s.vetoed]
    lines.append(f"共 {len(report.sites)} 个网站：{len(report.sites) - len(failed)} 个合格，{len(failed)} 个不合格。"
                 + ("不合格的网站有单项否决项，请立即整改。" if failed else ""))
    return visible("\n".join(lines))


def comparison_text(comparison: Comparison) -> str:
    """What a change (pull request) fixes and creates; the head's report after it."""
    lines = [f"对比 {comparison.base.commit[:10]}（合并目标）与本次变更，检查时间 {comparison.head.at.replace('T', ' ')}：", ""]
    for title, chosen in (("本次变更修正的问题", comparison.fixed), ("本次变更新增的问题", comparison.created)):
        lines.append(f"{title}：{len(chosen)} 个" if chosen else f"{title}：无")
        for problem in chosen:
            lines.append(f"  [{problem.level.label}] {problem.host or '全站'}")
            lines += _problem_lines(problem)
        lines.append("")
    if comparison.creates_veto:
        lines.append("本次变更新增了单项否决问题，合并前必须改正。")
    return visible("\n".join(lines))


def as_json(data: dict[str, object], kind: str = "inspect") -> str:
    """The self-inspection (or a comparison, ``inspect.comparison``) in zhanqun's JSON envelope (issue 13)."""
    from zhanqun.output import json_document

    return json_document(kind, data)
