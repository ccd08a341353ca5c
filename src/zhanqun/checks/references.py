"""Cross-item rules: index numbers, policy ↔ interpretation, reposts, portal pushes, attachments (R2)."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Iterator
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any

from zhanqun.findings import Finding, Severity, define

if TYPE_CHECKING:
    from zhanqun.cluster import Cluster
    from zhanqun.content import Item

DUPLICATE_INDEX_NO = define(
    "C101", "duplicate-index-no", Severity.ERROR, "索引号在站群中重复。",
    why="索引号是政府信息公开目录中每份文件的唯一编号（R2.1），重复会让检索和引用指错文件。",
    example="index_no: SLXFGW-02-2026-00001      # 另一份政策文件也写了这个索引号",
    fix="删除其中一份的 index_no，用 zhanqun new 重新分配；或改为下一个未用的序号。",
    requirement="R2.1",
)
MISSING_POLICY = define(
    "C102", "interpretation-target-missing", Severity.ERROR, "政策解读指向的政策文件不存在。",
    why="政策解读必须与被解读的文件相互链接（001 §11、003 §11）。",
    example="policy: SLXFGW-02-2025-00099      # 站群中没有这个索引号",
    fix="把 policy 改为被解读文件头信息中的 index_no。",
    requirement="R2.7",
)
NO_INTERPRETATION = define(
    "C103", "policy-without-interpretation", Severity.WARNING, "重要政策文件还没有政策解读。",
    why="重要政策文件应同步发布解读（001 §11、003 §11），检查中会被扣分。",
    example="index_no: SLXFGW-02-2026-00009\nimportance: important      # 站群中没有 policy: SLXFGW-02-2026-00009 的解读",
    fix="编写一篇政策解读，头信息 policy: 写本文件的索引号。",
    requirement="R2.7",
)
UNAPPROVED_SOURCE = define(
    "C104", "repost-source-not-approved", Severity.ERROR, "转载来源不在站群允许的来源名单中。",
    why="001 §19(二) 要求转载信息只能来自经审核的来源，防止转发不实信息。",
    example="source: 某某自媒体",
    fix="改为本单位原创（写本单位名称），或请电子政务办把该来源加入 cluster.yaml 的 sources。",
    requirement="R2.9",
)
UNKNOWN_PORTAL_COLUMN = define(
    "C105", "unknown-portal-column", Severity.ERROR, "报送的门户栏目不存在。",
    why="push_to_portal 列出的是门户栏目 id，写错时条目不会出现在门户上。",
    example="push_to_portal: [bmdongtai]",
    fix="改为门户 unit.yaml 中已有的栏目 id。",
    requirement="R2.8, R3.2",
)
MISSING_ATTACHMENT = define(
    "C106", "attachment-missing", Severity.ERROR, "附件或图片文件不存在。",
    why="页面上的下载链接会失效。",
    example="attachments: [attachments/fangan.pdf]      # 文件没有提交",
    fix="把文件放到条目旁边或 attachments/ 目录并一起提交，或改正路径（区分大小写）。",
    requirement="R2.8",
)
ATTACHMENT_TYPE = define(
    "C107", "attachment-type", Severity.ERROR, "附件格式不在允许范围内。",
    why="附件只能是 PDF、DOC(X)、XLS(X)、WPS、OFD 等公文格式，可执行文件和压缩包可能夹带病毒。",
    example="attachments: [setup.exe]",
    fix="转换为 PDF 或 OFD 后再上传。",
    requirement="R2.8",
)

FUTURE_DATE = define(
    "J007", "future-date", Severity.ERROR, "发布日期在今天之后，又没有设定时发布（publish_at）。",
    why="页面上的发布日期晚于当天，是“伪造发稿日期”的一种，网站检查中计为单项否决（国办秘函〔2019〕19号）；"
        "多是把年份或月份写错（把 2026 写成了 2062，把 11 月写成了 12 月）。",
    example="date: 2026-12-21      # 今天是 2026-11-21，头信息中没有 publish_at",
    fix="改正发布日期；确实要到那一天才发布的，加上 publish_at（定时发布）写那一天，到时自动发布。"
        "当天稍后的时刻（今天的 18:00）不算未来。",
    requirement="R7.1, R3.10",
)

from zhanqun.checks import files, replies  # noqa: E402
from zhanqun.checks.files import ATTACHMENT_TYPES, IMAGE_TYPES  # noqa: E402 - one list for the check and the build


def check(cluster: Cluster) -> Iterator[Finding]:
    everything = cluster.items + cluster.invalid
    yield from _index_numbers(cluster, everything)
    yield from _interpretations(cluster, everything)
    yield from check_items(cluster, cluster.items)


def check_items(cluster: Cluster, items: Iterable[Item]) -> Iterator[Finding]:
    """The rules that need only the item itself and the cluster's config (also run by pre-commit)."""
    now = cluster.now
    for item in items:
        yield from _future_date(cluster, item, now)
        yield from _sources(cluster, item)
        yield from _pushes(cluster, item)
        yield from _files(cluster, item)
        yield from replies.check_item(cluster, item)


def _at(cluster: Cluster, item: Item, key: str) -> tuple[int, int]:
    """Line of a front-matter key, found by text (cheap; only used when a finding is made)."""
    try:
        lines = (cluster.root / item.rel).read_text(encoding="utf-8").split("\n")
    except (OSError, UnicodeDecodeError):
        return 0, 0
    aliases = [key] + [a for a, k in cluster.schemas.aliases(item.type).items() if k == key]
    for number, line in enumerate(lines[1:], start=2):
        if line.strip() == "---":
            break
        for name in aliases:
            if line.startswith(f"{name}:"):
                return number, 1
    return 2, 1


def _index_numbers(cluster: Cluster, items: Iterable[Item]) -> Iterator[Finding]:
    """Report every item that shares an index number, each naming the others."""
    holders: dict[str, list[Item]] = {}
    for item in items:
        number = item.meta.get("index_no") if item.type == "policy" else None
        if number:
            holders.setdefault(number, []).append(item)
    for number, same in holders.items():
        if len(same) < 2:
            continue
        for item in same:
            others = "、".join(o.rel for o in same if o is not item)
            yield Finding(item.rel, *_at(cluster, item, "index_no"), DUPLICATE_INDEX_NO,
                          f"索引号 {number} 同时被 {others} 使用。",
                          "保留先发布的一份；另一份删除 index_no 后用 zhanqun new 分配新号，或改为下一个未用的序号。")


def _interpretations(cluster: Cluster, items: list[Item]) -> Iterator[Finding]:
    policies = {i.meta["index_no"]: i for i in items if i.type == "policy" and i.meta.get("index_no")}
    explained = {i.meta.get("policy") for i in items if i.type == "interpretation"}
    for item in cluster.items:
        if item.type == "interpretation" and item.meta.get("policy") not in policies:
            yield Finding(item.rel, *_at(cluster, item, "policy"), MISSING_POLICY,
                          f"解读对象 {item.meta.get('policy')} 在站群中找不到。",
                          "把 policy 改为被解读政策文件头信息中的 index_no。")
        if (item.type == "policy" and item.importance == "important"
                and item.meta.get("index_no") not in explained and not item.expired(cluster.today)):
            yield Finding(item.rel, *_at(cluster, item, "importance"), NO_INTERPRETATION,
                          "这是重要政策文件，但还没有政策解读。", "编写政策解读，头信息 policy: 写本文件的索引号。")


def future_date(meta: dict[str, Any], now: dt.datetime) -> tuple[str, str] | None:
    """(date, shown-from) when an item's ``date`` is a later day than the day it is first shown: today (``now``, China
    time) or, with an embargo, the day of ``publish_at``. Any hour of the reference day is still "today"."""
    from zhanqun.content import to_datetime

    date, embargo = meta.get("date"), meta.get("publish_at")
    try:
        day = to_datetime(date).date() if isinstance(date, str) else None
        shown = to_datetime(embargo).date() if isinstance(embargo, str) else None
    except ValueError:
        return None
    if day is None or day <= now.date() or (shown is not None and day <= shown):
        return None
    return str(date), (shown.isoformat() if shown is not None else "")


def _future_date(cluster: Cluster, item: Item, now: dt.datetime) -> Iterator[Finding]:
    if item.type == "reply":
        return  # a reply's dates are its received and answered days: C108 judges them
    found = future_date(item.meta, now)
    if found is None:
        return
    date, embargo = found
    if embargo:
        message = f"发布日期 {date} 在今天之后，也晚于定时发布的日期 {embargo}：发布出去的页面上，日期在未来。"
        hint = f"把 date 改为 {embargo}（或更早），或把 publish_at 改到 {date[:10]}。"
    else:
        message = f"发布日期 {date} 在今天（{now.date().isoformat()}）之后，又没有设定时发布。"
        hint = "改正发布日期；确实要到那一天才发布的，加上 publish_at: 写那一天。"
    yield Finding(item.rel, *_at(cluster, item, "date"), FUTURE_DATE, message, hint)


def _sources(cluster: Cluster, item: Item) -> Iterator[Finding]:
    src = item.meta.get("source")
    if not src:
        return
    unit = cluster.units[item.unit_id]
    own = {unit.name, unit.short_name, "本站", "本网", cluster.config.name, cluster.portal.name}
    if src in own or src in cluster.config.sources:
        return
    yield Finding(item.rel, *_at(cluster, item, "source"), UNAPPROVED_SOURCE,
                  f"来源“{src}”不在允许转载的来源名单中。",
                  "原创请写本单位名称；转载只能来自 cluster.yaml 的 sources：" + "、".join(cluster.config.sources))


def _pushes(cluster: Cluster, item: Item) -> Iterator[Finding]:
    portal_columns = cluster.portal.columns
    for column in item.meta.get("push_to_portal", []):
        if column not in portal_columns:
            yield Finding(item.rel, *_at(cluster, item, "push_to_portal"), UNKNOWN_PORTAL_COLUMN,
                          f"门户没有栏目“{column}”。", "可用的门户栏目：" + "、".join(portal_columns))


def referenced_files(item: Item) -> Iterator[tuple[str, str, frozenset[str]]]:
    """(key, relative path, allowed suffixes) of every file an item's front matter points at."""
    for key in ("attachments", "forms"):
        for entry in item.meta.get(key, []) or []:
            yield key, entry if isinstance(entry, str) else entry["file"], ATTACHMENT_TYPES
    for image in item.meta.get("images", []) or []:
        yield "images", image["src"], IMAGE_TYPES
    if item.meta.get("photo"):
        yield "photo", item.meta["photo"]["src"], IMAGE_TYPES


def _files(cluster: Cluster, item: Item) -> Iterator[Finding]:
    for key, relpath, allowed in referenced_files(item):
        suffix = PurePosixPath(relpath).suffix.lower()
        if suffix not in allowed:
            yield Finding(item.rel, *_at(cluster, item, key), ATTACHMENT_TYPE,
                          f"“{relpath}”的格式 {suffix or '（无扩展名）'} 不允许。",
                          "允许的格式：" + "、".join(sorted(allowed)))
            continue
        # Only files inside a column folder of the unit, not hidden, are published (R4.11): anything else would
        # be a link that 404s on the site.
        inside = os.path.normpath(f"{item.rel.rsplit('/', 1)[0]}/{relpath}").split("/")
        columns = cluster.units[item.unit_id].columns
        published = (len(inside) >= 4 and inside[:2] == ["content", item.unit_id] and inside[2] in columns
                     and not any(part.startswith(".") for part in inside[3:]))
        if not published or not files.is_regular(cluster.root, "/".join(inside)):
            yield Finding(item.rel, *_at(cluster, item, key), MISSING_ATTACHMENT,
                          f"找不到文件“{relpath}”（或它不在本单位的栏目目录中，不会发布）。",
                          "路径相对于本条目所在目录，且必须在本单位的栏目目录内（不能是隐藏目录）；请一起提交该文件，注意大小写。")
