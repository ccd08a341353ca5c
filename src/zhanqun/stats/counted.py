"""What counts as the site's own work in a period (R8.3, R8.4): ONE rule for ``zhanqun stats``, the annual
ranking and the annual report, so the three never disagree on a publication.

The repository's history begins with the county's *initial import*, the old site moved in:

- every event of the repository's first commit (the commit without parents), and
- when cluster.yaml has ``inspect.live_from`` (the cluster's go-live day), every event before that day
  (a county that migrates in several commits; the same day the inspection uses for back-dating, J008).

An imported event is not a publication, revision, withdrawal or attachment of the period: the public never saw
it happen on this site. Everything that counts is :func:`counted`; how many publications it left out is said on
every output ("首次导入的 N 条不计为发布"). The imported items are on the site all the same: for a column's update
cycle (:mod:`zhanqun.stats.compliance`) their moments are the column's state at go-live, as the inspection reads
them, and cycles are judged only from the go-live day (:meth:`Imports.judged_from`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from zhanqun.stats.events import Event, History


@dataclasses.dataclass(frozen=True)
class Imports:
    """The initial import of one repository: its first commit(s) and the go-live day, if the config has one."""

    commits: frozenset[str] = frozenset()  # the commits without parents on main (one, in a cluster's repository)
    first_moment: dt.datetime | None = None  # when the first commit was made (China time, naive)
    live_from: dt.date | None = None  # inspect.live_from

    def holds(self, event: Event) -> bool:
        """Whether ``event`` (a :class:`zhanqun.stats.events.Event`) is part of the import."""
        return event.commit in self.commits or self.before_live(event.at)

    def holds_moment(self, moment: dt.datetime) -> bool:
        """Whether something that began at ``moment`` (a column, a topic) came with the import."""
        return (self.first_moment is not None and moment <= self.first_moment) or self.before_live(moment)

    def before_live(self, moment: dt.datetime | dt.date) -> bool:
        day = moment.date() if isinstance(moment, dt.datetime) else moment
        return self.live_from is not None and day < self.live_from

    def judged_from(self, first: dt.date) -> dt.date:
        """The first day of a period from ``first`` on which update cycles are judged (not before going live)."""
        return max(first, self.live_from) if self.live_from is not None else first

    def describe(self) -> str:
        """What the import is, in the words of every output."""
        if self.live_from is not None:
            return f"仓库的第一个提交及上线日 {self.live_from:%Y-%m-%d}（inspect.live_from）以前合入的"
        return "仓库的第一个提交带来的"


def read(root: Path, hist: History, live_from: dt.date | None) -> Imports:
    """The :class:`Imports` of the history ``hist`` (:class:`zhanqun.stats.events.History`) in ``root``: one
    ``git rev-list`` for the first commit."""
    from zhanqun.audit import history

    commits = frozenset(history.roots(Path(root), hist.tip)) if hist.tip else frozenset()
    return Imports(commits, hist.first_commit, live_from)


def counted(events: Iterable[Event], imports: Imports) -> tuple[list[Event], int]:
    """(the events that count, how many publications were left out as the import)."""
    kept: list[Event] = []
    left_out = 0
    for event in events:
        if imports.holds(event):
            left_out += event.kind == "published"
        else:
            kept.append(event)
    return kept, left_out


def note(left_out: int, imports: Imports) -> str:
    """The sentence every output carries when the import left publications out ("" when none)."""
    if not left_out:
        return ""
    return f"首次导入的 {left_out} 条不计为发布（{imports.describe()}，是原网站迁移的存量）。"
