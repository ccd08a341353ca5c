"""``zhanqun annual-report`` as a library function (R8.4): load the cluster, build the reports, publish them."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from zhanqun.findings import Finding, Severity
from zhanqun.stats import annual, annual_figures, annual_render


@dataclasses.dataclass
class Result:
    reports: list[annual_figures.Report]
    findings: list[Finding]  # warnings: rows missing (T023), year not over (T027), no history (T030), logs
    written: list[str]

    def messages(self) -> list[str]:
        from zhanqun.output import findings_text

        lines = [findings_text(self.findings + [f for r in self.reports for f in r.findings])] if (
            self.findings or any(r.findings for r in self.reports)) else []
        if self.written:
            lines.append("已写入：" + "、".join(self.written) + "。请检查后提交合并请求（审核链照常适用）。")
        return lines


def run(root: Path, year: int, hosts: list[str], access_logs: list[Path], *, publish: bool = False,
        force: bool = False) -> Result:
    from zhanqun import cluster as cluster_mod
    from zhanqun.errors import FindingsError, UsageError

    if force and not publish:
        raise UsageError("--force 只和 --publish 一起用。", hint="去掉 --force，或加上 --publish。")
    cluster, findings = cluster_mod.load(root, render=False)
    errors = [f for f in findings if f.severity is Severity.ERROR]
    if cluster is None:  # the config itself is broken
        raise FindingsError(errors)
    # an error in an item does not stop the report (the build refuses it); one in the fill-in file does
    own = [f for f in errors if f.path.startswith(f"content/{cluster.config.portal}/{annual.FOLDER}/")]
    if own:
        raise FindingsError(own)
    sites = annual.pick(cluster, hosts)
    if publish:  # refused before anything is computed: no column (T024), a link on the way (T031)
        from zhanqun.stats import publishing

        folder = annual_render.target_folder(cluster, annual_render._column(cluster))
        publishing.check_targets(cluster.root, [folder], annual.UNSAFE_TARGET, "年度报表", folders=True)
    reports, found = annual_figures.build(cluster, year, sites, access_logs)
    written = annual_render.publish(cluster, reports, force, cluster.today) if publish else []
    return Result(reports, [f for f in found if f.severity is not Severity.ERROR], written)


def render(reports: list[annual_figures.Report], fmt: str) -> str:
    return {"text": annual_render.text, "json": annual_render.as_json, "csv": annual_render.as_csv,
            "html": annual_render.html}[fmt](reports)
