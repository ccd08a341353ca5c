"""Check-time rules of replies to public messages (R9): dates in order and not in the future, a real answering
unit, an answer to publish. Overdue and unanswered messages are the inspection's (:mod:`zhanqun.inspect.replies`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from zhanqun.findings import Finding, Severity, define

if TYPE_CHECKING:
    from zhanqun.cluster import Cluster
    from zhanqun.content import Item

REPLY_DATES = define(
    "C108", "reply-dates", Severity.ERROR, "留言答复的收到日期或答复日期不对：答复早于收到，或日期在今天之后。",
    why="收到日期和答复日期是公开的办理记录，也是计算答复时限的依据（R9）；答复早于收到、或写了还没到的日期，"
        "页面上的记录就是假的，检查中按虚假日期处理。",
    example="received: 2026-11-18\nanswered: 2026-11-16      # 早于收到日期；答复日期在今天之后也不对",
    fix="按留言系统中的记录改正日期；还没有答复的留言删除 answered 这一行（留言保存在仓库中，不发布），答复后再填写。",
    requirement="R9",
)
ANSWER_UNIT = define(
    "C109", "reply-answer-unit", Severity.ERROR, "留言答复的答复单位不是站群中的单位。",
    why="答复单位公开在页面上，自查按它统计各单位的答复情况；写错的单位无人负责。",
    example="answer_unit: fagaiju      # 站群中没有这个单位目录",
    fix="写答复单位的目录名（如 fgw），本单位答复时删除这一行。",
    requirement="R9",
)
NO_ANSWER = define(
    "J041", "reply-without-answer", Severity.ERROR, "留言已写答复日期，但正文（答复内容）是空的。",
    why="留言答复的正文就是答复内容；只有日期没有内容的答复等于没有答复，检查中视为敷衍答复（001 §12）。",
    example="---\ntitle: 咨询……\nquestion: ……\ncategory: 咨询\nreceived: 2026-11-10\nanswered: 2026-11-12      # 下面没有正文（答复内容）\n---",
    fix="在头信息之后写答复内容；还没有答复时删除 answered 这一行。",
    requirement="R9",
)


def body_findings(meta: dict[str, Any], body: str, rel: str, body_line: int) -> list[Finding]:
    """J041 for a reply with an answered date and no answer text (pure: part of the cached parse)."""
    if meta.get("answered") and not body.strip():
        return [Finding(rel, body_line, 1, NO_ANSWER, "已写答复日期，但没有答复内容。",
                        "在头信息之后写答复内容；还没有答复时删除 answered 这一行。")]
    return []


def check_item(cluster: Cluster, item: Item) -> Iterator[Finding]:
    """C108 and C109 for one reply, against the cluster's units and its reference date."""
    if item.type != "reply":
        return
    from zhanqun.checks.references import _at

    today = cluster.now.date()
    received, answered = _day(item.meta.get("received")), _day(item.meta.get("answered"))
    if received and answered and answered < received:
        yield Finding(item.rel, *_at(cluster, item, "answered"), REPLY_DATES,
                      f"答复日期 {answered.isoformat()} 早于收到日期 {received.isoformat()}。",
                      "按留言系统中的记录改正两个日期。")
    for key, day, label in (("received", received, "收到日期"), ("answered", answered, "答复日期")):
        if day and day > today:
            yield Finding(item.rel, *_at(cluster, item, key), REPLY_DATES,
                          f"{label} {day.isoformat()} 在今天（{today.isoformat()}）之后。",
                          "还没有答复时删除 answered 这一行，答复当天再填写。" if key == "answered"
                          else "按留言系统中的记录填写实际收到留言的日期。")
    unit = item.meta.get("answer_unit")
    if unit and unit not in cluster.units:
        import difflib

        close = difflib.get_close_matches(unit, list(cluster.units), n=1)
        yield Finding(item.rel, *_at(cluster, item, "answer_unit"), ANSWER_UNIT,
                      f"答复单位“{unit}”不是站群中的单位。",
                      (f"是不是想写“{close[0]}”？" if close else "可用的单位：" + "、".join(cluster.units))
                      + "本单位答复时删除这一行。")


def _day(value: object) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None
