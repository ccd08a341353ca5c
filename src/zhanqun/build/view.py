"""What one site shows: pure functions of the cluster and the site (R3.2–R3.6, R1.5).

Templates get a :class:`SiteView` as ``zq``; everything a page needs is computed here, not in Jinja.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import math
from collections import defaultdict
from functools import cached_property
from typing import TYPE_CHECKING, Any, ClassVar

from zhanqun.cluster import Cluster, Site
from zhanqun.config import CYCLE_LABELS, Column, Unit
from zhanqun.content import IMPORTANCE_LABELS, TYPE_LABELS, Item

if TYPE_CHECKING:
    from zhanqun.workdays import Calendar

PAGE_SIZE = 20
HOME_BLOCK_SIZE = 6


@dataclasses.dataclass(frozen=True)
class ColumnRef:
    unit: Unit
    column: Column

    @property
    def key(self) -> tuple[str, str]:
        return self.unit.id, self.column.id


@dataclasses.dataclass(frozen=True)
class ListPage:
    ref: ColumnRef
    number: int
    count: int
    items: list[Item]
    save_as: str


@dataclasses.dataclass(frozen=True)
class SearchScope:
    """What the search page (``/sousuo/``, R3.7) searches: its own bundle, on the portal every other site's too
    (统一检索), and the values its filters offer."""

    bundles: list[str]  # the other sites' bundles merged in: https://<host>/pagefind/ (the portal only)
    units: list[str]  # the 单位 filter's values: unit names, as item pages give them to the index
    column_types: list[str]  # the 栏目类型 filter's values


class SiteView:
    def __init__(self, cluster: Cluster, site: Site) -> None:
        self.cluster = cluster
        self.site = site
        self.owner = cluster.units[site.owner]
        self.identity = cluster.identity_of(site.owner)
        self.host = site.host
        self.site_name = cluster.config.name if site.is_portal else self.owner.name
        self.today = cluster.today

    # -- items --------------------------------------------------------------------------------------
    @cached_property
    def _listed(self) -> list[Item]:
        """Every published, not withdrawn item of the cluster, newest first."""
        items = [i for i in self.cluster.items if self.cluster.published(i) and not i.meta.get("withdrawn")]
        return sorted(items, key=lambda i: (i.date, i.rel), reverse=True)

    @cached_property
    def own_items(self) -> list[Item]:
        """Items whose page this site renders (withdrawn ones too: they leave a notice page, R3.10)."""
        units = set(self.site.unit_ids)
        return [i for i in self.cluster.items if i.unit_id in units and self.cluster.published(i)]

    @cached_property
    def items_by_path(self) -> dict[str, Item]:
        """This site's items by the real path of their file (what Pelican's reader is given)."""
        root = self.cluster.root
        return {str((root / item.rel).resolve()): item for item in self.own_items}

    @cached_property
    def _by_column(self) -> dict[tuple[str, str], list[Item]]:
        table: dict[tuple[str, str], list[Item]] = defaultdict(list)
        portal = self.cluster.config.portal
        for item in self._listed:
            table[(item.unit_id, item.column_id)].append(item)
            for column in item.meta.get("push_to_portal", []):
                if item.unit_id != portal:  # pushed items also appear in the portal's column (R3.2)
                    table[(portal, column)].append(item)
        return table

    def column_items(self, ref: ColumnRef) -> list[Item]:
        return self._by_column.get(ref.key, [])

    @cached_property
    def columns(self) -> list[ColumnRef]:
        return [ColumnRef(self.cluster.units[u], c) for u in self.site.unit_ids for c in self.cluster.units[u].columns.values()]

    def unit_columns(self, unit_id: str) -> list[ColumnRef]:
        return [ref for ref in self.columns if ref.unit.id == unit_id]

    @cached_property
    def headlines(self) -> list[Item]:
        if self.site.is_portal:
            return [i for i in self._listed if i.meta.get("homepage")][:5]
        return [i for i in self._listed if i.unit_id == self.owner.id and i.importance == "important"][:5]

    # -- urls ---------------------------------------------------------------------------------------
    def href(self, item: Item) -> str:
        if self.cluster.host_of(item.unit_id) == self.host:
            return "/" + self.cluster.path_of(item)
        return self.cluster.url_of(item)

    def column_href(self, ref: ColumnRef, page: int = 1) -> str:
        return "/" + self.column_save_as(ref, page)

    def column_save_as(self, ref: ColumnRef, page: int = 1) -> str:
        prefix = self.cluster.unit_prefix(ref.unit.id)
        return f"{prefix}{ref.column.id}/index.html" if page == 1 else f"{prefix}{ref.column.id}/index_{page}.html"

    def unit_href(self, unit_id: str) -> str:
        host = self.cluster.host_of(unit_id)
        path = "/" + self.cluster.unit_prefix(unit_id)
        return path if host == self.host else f"https://{host}{path}"

    @property
    def portal_href(self) -> str:
        return "/" if self.site.is_portal else f"https://{self.cluster.portal_host}/"

    def canonical(self, path: str) -> str:
        return f"https://{self.host}/{path.lstrip('/')}"

    # -- pages --------------------------------------------------------------------------------------
    def list_pages(self) -> list[ListPage]:
        pages = []
        for ref in self.columns:
            items = self.column_items(ref)
            count = max(1, math.ceil(len(items) / PAGE_SIZE))
            for number in range(1, count + 1):
                chunk = items[(number - 1) * PAGE_SIZE : number * PAGE_SIZE]
                pages.append(ListPage(ref, number, count, chunk, self.column_save_as(ref, number)))
        return pages

    @cached_property
    def nav(self) -> list[tuple[str, str]]:
        links = [("首页", "/")]
        links += [(ref.column.name, self.column_href(ref)) for ref in self.unit_columns(self.owner.id)]
        if self.site.is_portal:
            links += [(self.cluster.units[u].short_name, self.unit_href(u)) for u in self.site.unit_ids[1:]]
            if self.cluster.config.topics:
                links.append(("专题专栏", "/zhuanti/index.html"))
        else:
            links.append(("县政府门户", self.portal_href))
        return links

    @cached_property
    def subsites(self) -> list[tuple[Unit, str]]:
        """Every unit's site or channel, linked from the portal homepage (004 §7)."""
        return [(u, self.unit_href(u.id)) for u in self.cluster.units.values() if u.id != self.cluster.config.portal]

    def file_info(self, item: Item, relpath: str) -> dict[str, str]:
        """Link, name, type and size of an attachment or image (R2.8)."""
        import posixpath
        from pathlib import Path

        site_path = posixpath.normpath(f"{self.cluster.unit_prefix(item.unit_id)}{item.folder}/{relpath}")
        host = self.cluster.host_of(item.unit_id)
        href = "/" + site_path if host == self.host else f"https://{host}/{site_path}"
        source = self.cluster.root / Path(item.rel).parent / relpath
        size = source.stat().st_size if source.is_file() else 0
        shown = f"{size / 1024 / 1024:.1f} MB" if size >= 1024 * 1024 else f"{max(1, round(size / 1024))} KB"
        return {"href": href, "name": posixpath.basename(relpath), "kind": posixpath.splitext(relpath)[1].lstrip(".").upper(),
                "size": shown}

    @cached_property
    def search_scope(self) -> SearchScope:
        if self.site.is_portal:
            bundles = [f"https://{s.host}/pagefind/" for s in self.cluster.sites() if not s.is_portal]
            units = list(self.cluster.units.values())
        else:
            bundles, units = [], [self.cluster.units[u] for u in self.site.unit_ids]
        types = sorted({c.column_type for u in units for c in u.columns.values()})
        return SearchScope(bundles, [u.name for u in units], types)

    # -- interpretations (R2.7) ---------------------------------------------------------------------
    @cached_property
    def _interpretations(self) -> dict[str, list[Item]]:
        table: dict[str, list[Item]] = defaultdict(list)
        for item in self._listed:
            if item.type == "interpretation":
                table[item.meta["policy"]].append(item)
        return table

    def interpretations_of(self, item: Item) -> list[Item]:
        return self._interpretations.get(item.meta.get("index_no", ""), [])

    @cached_property
    def _policies(self) -> dict[str, Item]:
        return self.cluster.policies_by_index()

    def policy_of(self, item: Item) -> Item | None:
        return self._policies.get(item.meta.get("policy", ""))

    # -- replies to the public (R9) ------------------------------------------------------------------
    @cached_property
    def _calendar(self) -> Calendar:
        """Loaded only on a site with a reply column (the check has already refused a broken calendar.yaml)."""
        from zhanqun.workdays import Calendar

        return Calendar.load(self.cluster.root)

    def reply_stats(self, ref: ColumnRef) -> dict[str, Any]:
        """The statistics of a reply column (001 §19(五)): its messages, pending ones included, and those pushed
        to it; the same counts as ``zhanqun inspect`` (:func:`zhanqun.inspect.replies.stats`)."""
        cache: dict[tuple[str, str], dict[str, Any]] = self.__dict__.setdefault("_reply_stats", {})
        if ref.key not in cache:
            from zhanqun.inspect import replies

            portal = self.cluster.config.portal
            items = [i for i in self.cluster.items if i.type == "reply" and (
                (i.unit_id, i.column_id) == ref.key
                or (ref.unit.id == portal and i.unit_id != portal and ref.column.id in i.meta.get("push_to_portal", [])))]
            config = self.cluster.config.inspect
            judged = (replies.judge(i, self._calendar, self.today, config) for i in items) if items else ()
            cache[ref.key] = replies.stats(o for o in judged if o is not None)
        return cache[ref.key]

    def answer_unit(self, item: Item) -> Unit:
        """The unit that answered a message (``answer_unit``, else the unit holding it)."""
        return self.cluster.units.get(item.meta.get("answer_unit") or item.unit_id) or self.cluster.units[item.unit_id]

    # -- topics (R3.6) ------------------------------------------------------------------------------
    def topic_items(self, tag: str) -> list[Item]:
        return [i for i in self._listed if tag in i.tags]

    # -- labels -------------------------------------------------------------------------------------
    def column_of(self, item: Item) -> ColumnRef:
        unit = self.cluster.units[item.unit_id]
        return ColumnRef(unit, unit.columns[item.column_id])

    def expired(self, item: Item) -> bool:
        return item.expired(self.today)

    importance_labels = IMPORTANCE_LABELS
    type_labels = TYPE_LABELS
    cycle_labels = CYCLE_LABELS

    # -- meta tags (R3.3) ---------------------------------------------------------------------------
    def meta_tags(self, ref: ColumnRef | None = None, item: Item | None = None, path: str = "",
                  column_name: str = "") -> list[tuple[str, str]]:
        tags = [("SiteName", self.site_name), ("SiteDomain", self.host), ("SiteIDCode", str(self.identity.get("id_code", "")))]
        if ref is not None:
            tags += [("ColumnName", ref.column.name), ("ColumnDescription", ref.column.description),
                     ("ColumnKeywords", ",".join(ref.column.keywords)), ("ColumnType", ref.column.column_type)]
        elif column_name:
            tags += [("ColumnName", column_name), ("ColumnDescription", column_name),
                     ("ColumnKeywords", column_name), ("ColumnType", "首页" if column_name == "首页" else "其他")]
        if item is not None:
            keywords = item.meta.get("keywords") or item.tags or list(ref.column.keywords if ref else [])
            if isinstance(keywords, str):
                keywords = [keywords]
            unit = self.cluster.units[item.unit_id]
            tags += [
                ("ArticleTitle", item.title),
                ("PubDate", item.date.strftime("%Y-%m-%d %H:%M")),
                ("ContentSource", item.meta.get("source") or item.meta.get("publisher") or unit.name),
                ("Keywords", ",".join(keywords)),
                ("Author", item.meta.get("author") or item.meta.get("publisher") or unit.name),
                ("Description", item.meta.get("summary") or _plain(item.html)[:120]),
                ("Url", self.canonical(path or self.cluster.path_of(item))),
            ]
        return tags

    # -- responsibility table (R1.5) ------------------------------------------------------------------
    RESPONSIBILITY_HEADER: ClassVar[list[str]] = ["单位", "栏目ID", "栏目名称", "责任单位", "内容类型", "栏目类型", "更新周期",
                             "政务公开类别", "栏目说明", "关键词", "栏目地址"]

    def responsibility_rows(self) -> list[list[str]]:
        rows = []
        for unit in self.cluster.units.values():
            for column in unit.columns.values():
                owners = [unit.short_name] + [self.cluster.units[o].short_name for o in column.owners if o in self.cluster.units and o != unit.id]
                host = self.cluster.host_of(unit.id)
                url = f"https://{host}/{self.cluster.unit_prefix(unit.id)}{column.id}/"
                rows.append([unit.name, column.id, column.name, "、".join(owners), TYPE_LABELS[column.type],
                             column.column_type, column.cycle_label, column.category, column.description,
                             "、".join(column.keywords), url])
        return rows

    def responsibility_csv(self) -> str:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(self.RESPONSIBILITY_HEADER)
        writer.writerows(self.responsibility_rows())
        # BOM: Excel, which the e-government office opens CSVs with, needs it to read UTF-8.
        return "\ufeff" + buffer.getvalue()


def _plain(html: str) -> str:
    import re

    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html)).strip()
