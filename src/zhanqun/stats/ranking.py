"""The annual ranking of units (年度综合测评, R8.3): update compliance, errors found by the gates and the
inspection, reply timeliness, weighted as cluster.yaml ``stats: ranking_weights`` says.

Each measure is a score out of 100, computed from the repository at the last commit of the year (so any unit can
recompute its own rank):

- **updates** (栏目按时更新率): on-time windows ÷ windows of the unit's columns over the year
  (:mod:`zhanqun.stats.compliance`), × 100;
- **errors** (差错): 100 − 5 × (errors ``zhanqun check`` finds in the unit's files + 单项否决 and 扣分 problems
  ``zhanqun inspect`` finds for the unit at the year's end), not below 0;
- **replies** (留言按时答复率): messages received in the year answered on time ÷ those answered or overdue, × 100.

A measure a unit has no data for (no column with an update cycle, no message due) is left out of its total, and
the other weights count in its place: total = Σ weight × score ÷ Σ weight of the measures it has. Units are
ranked by total (ties share a rank).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter
from pathlib import Path
from typing import Any

from zhanqun import cluster as cluster_mod
from zhanqun.findings import Severity
from zhanqun.stats import codes, engine

MEASURES = ("updates", "errors", "replies")
MEASURE_LABELS = {"updates": "栏目按时更新率", "errors": "差错", "replies": "留言按时答复率"}
ERROR_POINTS = 5  # points an error or inspection problem takes off the errors score


@dataclasses.dataclass
class Entry:
    unit: str
    name: str
    compliance: dict[str, Any] | None
    check_errors: int
    inspect_problems: int
    replies: dict[str, Any] | None
    scores: dict[str, float | None]
    total: float
    rank: int = 0

    def to_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclasses.dataclass
class Ranking:
    year: int
    cluster: str
    commit: str  # the last commit of main in the year: the repository every figure comes from
    last: dt.date  # the last day counted (31 December, or today while the year runs)
    weights: dict[str, int]
    entries: list[Entry]
    complete: bool  # the year is over
    notes: list[str] = dataclasses.field(default_factory=list)  # the statistics' notes (the import, no history)

    def to_json(self) -> dict[str, Any]:
        return {"year": self.year, "cluster": self.cluster, "commit": self.commit, "to": self.last.isoformat(),
                "complete": self.complete, "weights": self.weights, "basis": engine.BASIS, "notes": self.notes,
                "entries": [e.to_json() for e in self.entries]}


def run(root: Path, year: int) -> Ranking:
    root = Path(root)
    today = cluster_mod.reference_time().date()
    if year > today.year:
        raise codes.fail(codes.BAD_YEAR, f"{year} 年还没有开始，无法测评。", f"给出 {today.year} 年或以前的年份。")
    last = min(dt.date(year, 12, 31), today)
    stats = engine.run(root, "year", f"{year}-01-01", last.isoformat(), "unit")
    with engine.snapshot(root, stats.commit) as tree:
        config = engine.load_config(tree, dt.datetime.combine(last, dt.time(23, 59, 59))).config
    errors = check_errors(root, stats.commit)
    problems = inspect_problems(root, last)
    weights = dict(config.stats.ranking_weights)
    entries = [score(row, errors.get(row.key, 0), problems.get(row.key, 0), weights) for row in stats.whole.rows]
    return Ranking(year, stats.cluster, stats.commit, last, weights, rank(entries), last == dt.date(year, 12, 31),
                   stats.notes)


def check_errors(root: Path, sha: str) -> Counter[str]:
    """unit id -> error findings of ``zhanqun check`` in its files, on the tree of ``sha``."""
    from zhanqun import check as check_mod
    from zhanqun.inspect import timeline

    with timeline.exported(root, sha) as tree:
        findings = check_mod.run(tree)
    return Counter(_unit_of(f.path) for f in findings if f.severity is Severity.ERROR and _unit_of(f.path))


def inspect_problems(root: Path, last: dt.date) -> Counter[str]:
    """unit id -> 单项否决 and 扣分 problems of ``zhanqun inspect --at`` the year's last day, each once (an item
    pushed to the portal counts once); a problem of a whole site (its homepage) counts for the site's own unit."""
    from zhanqun.inspect import engine as inspect_engine
    from zhanqun.inspect.model import Level, Report

    report = inspect_engine.run(root, at=last.isoformat())
    assert isinstance(report, Report)  # one day, not a comparison of two
    seen: set[tuple[str, str, str, str]] = set()
    for site in report.sites:
        for p in site.problems:
            if p.level in (Level.VETO, Level.DEDUCT) and (p.unit or site.units):
                seen.add((p.code, p.unit or site.units[0], p.column, p.path))
    return Counter(key[1] for key in seen)


def _unit_of(path: str) -> str:
    parts = path.split("/")
    return parts[1] if len(parts) >= 3 and parts[0] == "content" else ""


def score(row: engine.Row, errors: int, problems: int, weights: dict[str, int]) -> Entry:
    """One unit's scores and weighted total (the module docstring gives the formulas)."""
    c, r = row.compliance, row.replies
    due = (r["answered"] + r["overdue"]) if r else 0
    scores: dict[str, float | None] = {
        "updates": round(c["on_time"] / c["windows"] * 100, 1) if c and c["windows"] else None,
        "errors": float(max(0, 100 - ERROR_POINTS * (errors + problems))),
        "replies": round(r["on_time"] / due * 100, 1) if r and due else None,
    }
    counted = [m for m in MEASURES if scores[m] is not None and weights.get(m, 0) > 0]
    weight = sum(weights[m] for m in counted)
    total = round(sum(weights[m] * (scores[m] or 0) for m in counted) / weight, 1) if weight else 0.0
    return Entry(row.key, row.name, c, errors, problems, r, scores, total)


def rank(entries: list[Entry]) -> list[Entry]:
    """Highest total first; equal totals share a rank (1, 1, 3)."""
    ordered = sorted(entries, key=lambda e: (-e.total, e.name, e.unit))
    for i, entry in enumerate(ordered):
        entry.rank = ordered[i - 1].rank if i and ordered[i - 1].total == entry.total else i + 1
    return ordered
