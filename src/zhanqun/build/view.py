"""What one site shows: pure functions of the cluster and the site (R3.2–R3.6, R1.5).

Templates get a :class:`SiteView` as ``zq``; everything a page needs is computed here, not in Jinja.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import math
from collections import defaultdict
from collections.abc import Callable
from functools import cached_property
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from zhanqun.cluster import Cluster, Site
from zhanqun.config import CYCLE_LABELS, Column, Topic, Unit
from zhanqun.content import IMPORTANCE_LABELS, TYPE_LABELS, Item

if TYPE_CHECKING:
    from pathlib import Path

    from zhanqun.preview import Preview
    from zhanqun.workdays import Calendar

PAGE_SIZE = 20
HOME_BLOCK_SIZE = 6
FEED_NAME = "atom.xml"  # next to a column's index.html, and at a site's root (issue 14, R3.7)
FEED_SIZE = 20  # the newest entries of a feed: a column feed is its list's first page

# What names a subdomain site itself in its footer (国办发〔2017〕47号: 主办单位 is the body that runs the site; the
# 党政机关网站标识 is issued to one registered site and its domain). The portal's values are never inherited.
SITE_OWN_IDENTITY = ("sponsor", "organizer", "contact", "party_gov_mark")
THEME_STATIC = "themes/zhanqun/static/"


@dataclasses.dataclass(frozen=True)
class ColumnRef:
    unit: Unit
    column: Column

    @property
    def key(self) -> tuple[str, str]:
        return self.unit.id, self.column.id


@dataclasses.dataclass(frozen=True)
class Feed:
    """An Atom feed of a column (``ref``) or of the whole site (``ref`` None): its newest items, as its list shows
    them (:func:`zhanqun.build.feeds.render` writes it)."""

    ref: ColumnRef | None
    save_as: str
    title: str
    subtitle: str
    page_url: str  # the list page (or homepage) the feed is the alternate of
    items: list[Item]

    @property
    def href(self) -> str:
        return "/" + self.save_as


@dataclasses.dataclass(frozen=True)
class NavEntry:
    """One link of the main navigation, or a group of them (``children``, no ``href``)."""

    name: str
    href: str
    key: str
    children: tuple[NavEntry, ...] = ()

    def holds(self, key: str) -> bool:
        return self.key == key or any(child.holds(key) for child in self.children)


NAV_ROW_MAX = 8
# The national platform 我为政府网站找错 (国务院办公厅政府网站与政务新媒体监管), by the site's 网站标识码.
ERROR_REPORT = "https://zfwzzc.www.gov.cn/check_web/errorSubmit_new.do?webSiteCode="
# The portal's navigation groups of the other units, by unit.yaml ``kind`` (R3.8, issue 14).
NAV_GROUPS: tuple[tuple[str, frozenset[str]], ...] = (
    ("部门", frozenset({"department"})),
    ("乡镇（街道）", frozenset({"town", "street"})),
    ("其他单位", frozenset({"other"})),
)


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
    def __init__(self, cluster: Cluster, site: Site, *, preview: Preview | None = None, code_root: Path | None = None,
                 plugins: tuple[str, ...] | None = None) -> None:
        self.cluster = cluster
        self.site = site
        # a preview build (issue 15): the addresses are mapped after Pelican (zhanqun.preview.rewrite)
        self.preview = preview
        # where the theme and build.plugins come from: the cluster, or the base commit's (--code-from)
        self.code_root = code_root or cluster.root
        self.plugins = cluster.config.build_plugins if plugins is None else plugins
        self.owner = cluster.units[site.owner]
        self.host = site.host
        self.site_name = cluster.config.name if site.is_portal else self.owner.name
        self.today = cluster.today
        # Every item of another unit handed to the templates or plugins (issue 16): after the run, the build checks
        # that each of them is in :attr:`dependencies`, the set the site's fingerprint covers
        self.handed_out: set[str] = set()
        self.reply_refs_handed_out: set[tuple[str, str]] = set()

    # -- identity (R3.4, issue 14) ----------------------------------------------------------------------------
    @cached_property
    def identity(self) -> dict[str, Any]:
        """The footer's identity of this site. The portal (and its channel units) shows cluster.yaml's. A subdomain
        site names itself: 主办单位 / 承办单位 are its unit (``identity.sponsor`` / ``organizer`` in its unit.yaml
        override), its contact is ``identity.contact`` or else the phone, email and address of its own 机构概况
        item, and only its own 党政机关网站标识 is shown. 网站标识码, ICP and 公安备案 are the unit's when its
        unit.yaml gives them, else the county's: a subdomain without its own 网站标识码 is registered as part of
        the portal (its annual report is the portal's too, docs/handbook.md §9.3)."""
        county = dict(self.cluster.config.identity)
        if self.site.is_portal:
            return county
        own = dict(self.owner.identity)
        identity = {key: value for key, value in county.items() if key not in SITE_OWN_IDENTITY}
        identity.update(own)
        identity.setdefault("sponsor", self.owner.name)
        identity.setdefault("organizer", self.owner.name)
        if "contact" not in own:
            contact = self._organization_contact()
            if contact:
                identity["contact"] = contact
        return identity

    def _organization_contact(self) -> dict[str, str]:
        """公开电话, 电子邮箱 and 办公地址 of the site's own 机构概况 (the first by file name)."""
        found = sorted((i for i in self.own_items if i.unit_id == self.owner.id and i.type == "organization"
                        and not i.meta.get("withdrawn")), key=lambda i: i.rel)
        if not found:
            return {}
        meta = found[0].meta
        pairs = (("phone", meta.get("phone")), ("email", meta.get("email")), ("address", meta.get("address")))
        return {key: str(value) for key, value in pairs if value}

    @cached_property
    def party_gov_mark(self) -> dict[str, str] | None:
        """The 党政机关网站标识 to show, or None (nothing printed). ``{image, href}``: the image, a path relative to
        the theme's static folder like ``identity.logo`` (published under ``/theme/``; C025 when missing), linking to its verification page;
        the older form, a link only, is shown as a text link."""
        mark = self.identity.get("party_gov_mark")
        if not mark:
            return None
        if isinstance(mark, str):
            return {"href": mark, "image": ""}
        image = str(mark.get("image") or "")  # relative to the theme's static folder, as identity.logo
        return {"href": str(mark["href"]), "image": f"/theme/{image}" if image else ""}

    # -- items --------------------------------------------------------------------------------------
    @cached_property
    def _listed(self) -> list[Item]:
        """Every published, not withdrawn item of the cluster, newest first (the same for every site: computed once
        per cluster, :func:`_per_cluster`)."""
        def listed() -> list[Item]:
            items = [i for i in self.cluster.items if self.cluster.published(i) and not i.meta.get("withdrawn")]
            return sorted(items, key=lambda i: (i.date, i.rel), reverse=True)

        return _per_cluster(self.cluster, "listed", listed)

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
        """The listed items of every column of the cluster, pushed ones in the portal's columns too: the same for
        every site (computed once per cluster; read only)."""
        return _per_cluster(self.cluster, "by_column", self._column_table)

    def _column_table(self) -> dict[tuple[str, str], list[Item]]:
        table: dict[tuple[str, str], list[Item]] = defaultdict(list)
        portal = self.cluster.config.portal
        for item in self._listed:
            table[(item.unit_id, item.column_id)].append(item)
            for column in item.meta.get("push_to_portal", []):
                if item.unit_id != portal:  # pushed items also appear in the portal's column (R3.2)
                    table[(portal, column)].append(item)
        for (unit_id, column_id), items in table.items():
            column = self.cluster.units[unit_id].columns.get(column_id) if unit_id in self.cluster.units else None
            if column is not None and column.type == "leader":
                items.sort(key=_leader_order)  # 排序 order, the county head first (issue 14)
        return table

    def column_items(self, ref: ColumnRef) -> list[Item]:
        return self._hand(self._by_column.get(ref.key, []))

    def _hand(self, items: list[Item]) -> list[Item]:
        """``items`` as given to a template, noting those of other units (:attr:`handed_out`)."""
        units = self.site.unit_ids
        self.handed_out.update(i.rel for i in items if i.unit_id not in units)
        return items

    @cached_property
    def columns(self) -> list[ColumnRef]:
        return [ColumnRef(self.cluster.units[u], c) for u in self.site.unit_ids for c in self.cluster.units[u].columns.values()]

    def unit_columns(self, unit_id: str) -> list[ColumnRef]:
        return [ref for ref in self.columns if ref.unit.id == unit_id]

    @cached_property
    def headlines(self) -> list[Item]:
        """The portal's five newest homepage items of any unit; a unit site's five newest important ones of its own."""
        shared: tuple[list[Item], dict[str, list[Item]]] | None = self.cluster.__dict__.get("_zq_headlines")
        if shared is None:  # one pass over the listed items for every site's headlines
            homepage: list[Item] = []
            important: dict[str, list[Item]] = defaultdict(list)
            for i in self._listed:
                if i.meta.get("homepage"):
                    homepage.append(i)
                if i.importance == "important":
                    important[i.unit_id].append(i)
            shared = self.cluster.__dict__["_zq_headlines"] = (homepage, important)
        if self.site.is_portal:
            return self._hand(shared[0][:5])
        return self._hand(shared[1].get(self.owner.id, [])[:5])

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

    # -- feeds (issue 14, R3.7) ---------------------------------------------------------------------
    def feed(self, ref: ColumnRef | None = None) -> Feed | None:
        """The feed of a column, or of the site: the newest items of the column's list pages (the same function,
        so what is embargoed, withdrawn or not listed is never in a feed), or of all the site's column lists.
        None when there is nothing to list: no feed is written and no page links one (an empty feed would need an
        ``updated`` time that no item gives, and the build time would change its bytes every build)."""
        if ref is None:  # newest first as in _listed, each item once (a pushed item is also in its own column)
            position = self._positions
            shown = {i.rel: i for r in self.columns for i in self.column_items(r)}
            items = sorted(shown.values(), key=lambda i: position[i.rel])
            save_as, title, subtitle, page = FEED_NAME, self.site_name, "", self.canonical("/")
        else:
            items = self.column_items(ref)
            prefix = f"{self.cluster.unit_prefix(ref.unit.id)}{ref.column.id}/"
            unit = "" if ref.unit.id == self.owner.id else f" - {ref.unit.name}"
            save_as, title, page = prefix + FEED_NAME, f"{ref.column.name}{unit} - {self.site_name}", self.canonical(prefix)
            subtitle = ref.column.description
        if not items:
            return None
        return Feed(ref, save_as, title, subtitle, page, self._hand(items[:FEED_SIZE]))

    @cached_property
    def _positions(self) -> dict[str, int]:
        """Each listed item's place in :attr:`_listed` (shared by every site's view)."""
        shared: dict[str, int] | None = self.cluster.__dict__.get("_zq_positions")
        if shared is None:
            shared = self.cluster.__dict__["_zq_positions"] = {i.rel: n for n, i in enumerate(self._listed)}
        return shared

    def feeds(self) -> list[Feed]:
        """Every feed the site has: its own, then one per column with items."""
        found = (self.feed(ref) for ref in [None, *self.columns])
        return [feed for feed in found if feed is not None]

    @cached_property
    def nav(self) -> list[NavEntry]:
        """The main navigation (R3.8, issue 14): 首页, the owner's columns, then on the portal every other unit
        grouped by kind (部门, 乡镇（街道）, 其他单位: a channel by its path, a subdomain site by its host) and 专题专栏;
        on a unit's site the way back to the portal."""
        links = [NavEntry("首页", "/", "home")]
        links += [NavEntry(ref.column.name, self.column_href(ref), self.nav_key(ref)) for ref in self.unit_columns(self.owner.id)]
        if self.site.is_portal:
            for label, kinds in NAV_GROUPS:
                units = [u for u in self.cluster.units.values() if u.kind in kinds and u.id != self.owner.id]
                if units:
                    children = tuple(NavEntry(u.short_name, self.unit_href(u.id), f"unit:{u.id}") for u in units)
                    links.append(NavEntry(label, "", f"group:{label}", children))
            if self.cluster.config.topics:
                links.append(NavEntry("专题专栏", "/zhuanti/index.html", "topics"))
        else:
            links.append(NavEntry("县政府门户", self.portal_href, "portal"))
        return links

    @property
    def nav_columns(self) -> int:
        """Columns of the desktop navigation grid: at most 8 to a row, the rows as even as the count allows
        (14 entries are two rows of 7, never 8 and a lone 6)."""
        rows = math.ceil(len(self.nav) / NAV_ROW_MAX)
        return math.ceil(len(self.nav) / rows)

    def nav_key(self, ref: ColumnRef | None = None, unit_id: str = "") -> str:
        """The navigation entry a page belongs to: its column on the owner's site, else its channel unit."""
        if ref is not None:
            return f"column:{ref.column.id}" if ref.unit.id == self.owner.id else f"unit:{ref.unit.id}"
        return f"unit:{unit_id}" if unit_id else ""

    @cached_property
    def site_map(self) -> list[NavEntry]:
        """The 网站地图 page as a tree (47号指引; issue 14): the site's columns, on the portal each channel unit with
        its columns, the topics, and every unit's own site; on a unit's site the way back to the portal."""
        tree = [NavEntry("首页", "/", "home", tuple(
            NavEntry(ref.column.name, self.column_href(ref), self.nav_key(ref)) for ref in self.unit_columns(self.owner.id)))]
        if self.site.is_portal:
            for unit_id in self.site.unit_ids[1:]:
                unit = self.cluster.units[unit_id]
                tree.append(NavEntry(unit.name, self.unit_href(unit_id), f"unit:{unit_id}", tuple(
                    NavEntry(ref.column.name, self.column_href(ref), self.nav_key(ref)) for ref in self.unit_columns(unit_id))))
            if self.cluster.config.topics:
                tree.append(NavEntry("专题专栏", "/zhuanti/index.html", "topics", tuple(
                    NavEntry(t.name, f"/zhuanti/{t.id}/index.html", f"topic:{t.id}") for t in self.cluster.config.topics)))
            sites = tuple(NavEntry(u.name, self.unit_href(u.id), f"site:{u.id}") for u in self.cluster.units.values()
                          if u.id != self.owner.id and self.cluster.host_of(u.id) != self.host)
            if sites:
                tree.append(NavEntry("部门和乡镇（街道）网站", "", "sites", sites))
            tree.append(NavEntry("栏目责任表", "/lanmu/index.html", "lanmu"))
        else:
            tree.append(NavEntry(f"{self.cluster.config.name}门户网站", self.portal_href, "portal"))
        tree.append(NavEntry("网站服务", "", "service", (
            NavEntry("关于本网", "/gywm/index.html", "gywm"), NavEntry("联系我们", "/lxwm/index.html", "lxwm"),
            NavEntry("我为政府网站找错", self.error_report_href, "zhaocuo"))))
        return tree

    @property
    def error_report_href(self) -> str:
        """我为政府网站找错: the national error-report platform's form for this site's 网站标识码 (issue 14)."""
        from urllib.parse import quote

        return ERROR_REPORT + quote(str(self.identity.get("id_code", "")))

    @property
    def logo(self) -> str:
        """The address of the masthead's emblem or logo (``identity.logo``, a file of the theme's static folder,
        published under /theme/), or "" when none is configured."""
        logo = self.identity.get("logo") or ""
        return f"/theme/{logo}" if logo else ""

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
            bundles = [f"https://{s.host}/pagefind/" for s in self.cluster.sites() if not s.is_portal
                       and (self.preview is None or s.host in self.preview.built)]  # a preview has only its sites
            units = list(self.cluster.units.values())
        else:
            bundles, units = [], [self.cluster.units[u] for u in self.site.unit_ids]
        types = sorted({c.column_type for u in units for c in u.columns.values()})
        return SearchScope(bundles, [u.name for u in units], types)

    # -- interpretations (R2.7) ---------------------------------------------------------------------
    @cached_property
    def _interpretations(self) -> dict[str, list[Item]]:
        def table() -> dict[str, list[Item]]:
            found: dict[str, list[Item]] = defaultdict(list)
            for item in self._listed:
                if item.type == "interpretation":
                    found[item.meta["policy"]].append(item)
            return found

        return _per_cluster(self.cluster, "interpretations", table)

    def interpretations_of(self, item: Item) -> list[Item]:
        return self._hand(self._interpretations.get(item.meta.get("index_no", ""), []))

    @cached_property
    def _policies(self) -> dict[str, Item]:
        shared: dict[str, Item] | None = self.cluster.__dict__.get("_zq_policies")
        if shared is None:
            shared = self.cluster.__dict__["_zq_policies"] = self.cluster.policies_by_index()
        return shared

    def policy_of(self, item: Item) -> Item | None:
        policy = self._policies.get(item.meta.get("policy", ""))
        return self._hand([policy])[0] if policy is not None else None

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
        self.reply_refs_handed_out.add(ref.key)
        if ref.key not in cache:
            from zhanqun.inspect import replies

            items = self.reply_stats_items(ref)
            config = self.cluster.config.inspect
            judged = (replies.judge(i, self._calendar, self.today, config) for i in items) if items else ()
            cache[ref.key] = replies.stats(o for o in judged if o is not None)
        return cache[ref.key]

    def reply_stats_items(self, ref: ColumnRef) -> list[Item]:
        """The messages a reply column's statistics count: its own, pending ones included, and those pushed to it."""
        portal = self.cluster.config.portal
        return [i for i in self.cluster.items if i.type == "reply" and (
            (i.unit_id, i.column_id) == ref.key
            or (ref.unit.id == portal and i.unit_id != portal and ref.column.id in i.meta.get("push_to_portal", [])))]

    def answer_unit(self, item: Item) -> Unit:
        """The unit that answered a message (``answer_unit``, else the unit holding it)."""
        return self.cluster.units.get(item.meta.get("answer_unit") or item.unit_id) or self.cluster.units[item.unit_id]

    # -- leaders (R2.4, issue 14) --------------------------------------------------------------------------
    def leader_body_repeats(self, item: Item) -> bool:
        """True when a leader's body only restates the name, post and duties shown above it (``张三同志，副县长。
        负责……``): the profile then prints 分工 once, not twice."""
        import html

        rest = _bare(html.unescape(_plain(item.html)))
        for part in (str(item.meta.get("duties", "")), str(item.meta.get("post", "")), str(item.meta.get("name", "")),
                     "同志", "现任", "工作分工", "分工", "职务"):
            if _bare(part):
                rest = rest.replace(_bare(part), "")
        return not rest

    # -- topics (R3.6) ------------------------------------------------------------------------------
    def topic_items(self, tag: str) -> list[Item]:
        return self._hand([i for i in self._listed if tag in i.tags])

    # -- what the site shows of other units (issue 16: its dependency set) ----------------------------------------
    @cached_property
    def dependencies(self) -> dict[str, bool]:
        """Every item of another unit this site can show, by path: True when its feed summary (from its body when it
        has no 摘要) is shown too. Computed by the very methods the templates and plugins call, over everything the
        site renders: each column's list (every page, and the feeds cut from them), the headlines, the portal's
        topic pages, the policy ↔ interpretation links of its own items and its reply columns' statistics. What the
        site shows of such an item is a function of its front matter (and that summary), so the fingerprint covers
        exactly these (:func:`zhanqun.build.publish.fingerprint`); the build checks after the run that nothing
        else was handed out (:meth:`undeclared`)."""
        units = set(self.site.unit_ids)
        shown: dict[str, bool] = {}

        def add(items: list[Item], summary: bool = False) -> None:
            for item in items:
                if item.unit_id not in units:
                    shown[item.rel] = shown.get(item.rel, False) or summary

        for ref in self.columns:
            add(self.column_items(ref))
            if ref.column.type == "reply":
                add(self.reply_stats_items(ref))
        add(self.headlines)
        if self.site.is_portal:
            for topic in self.cluster.config.topics:
                add(self.topic_items(topic.tag))
        for item in self.own_items:
            add(self.interpretations_of(item))
            policy = self.policy_of(item)
            add([policy] if policy is not None else [])
        for feed in self.feeds():
            add(feed.items, summary=True)
        return dict(sorted(shown.items()))

    def undeclared(self) -> list[str]:
        """Items of other units handed out to the templates but missing from :attr:`dependencies` (a view method
        added without adding its items there): the site's fingerprint would not cover them."""
        reply_refs = {ref.key for ref in self.columns if ref.column.type == "reply"}
        missing = sorted(self.handed_out - set(self.dependencies))
        missing += [f"{u}/{c}（留言统计）" for u, c in sorted(self.reply_refs_handed_out - reply_refs)]
        return missing

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
                  column_name: str = "", topic: Topic | None = None, column_type: str = "") -> list[tuple[str, str]]:
        """The metadata of the 政府网站网页设计规范 (R3.3). A topic page is a column of type 专题专栏 with the
        topic's name, description and tag; the topics index is 专题专栏 too (``column_type``)."""
        tags = [("SiteName", self.site_name), ("SiteDomain", self.host), ("SiteIDCode", str(self.identity.get("id_code", "")))]
        if ref is not None:
            tags += [("ColumnName", ref.column.name), ("ColumnDescription", ref.column.description),
                     ("ColumnKeywords", ",".join(ref.column.keywords)), ("ColumnType", ref.column.column_type)]
        elif topic is not None:
            keywords = [topic.tag] + ([topic.name] if topic.name != topic.tag else [])
            tags += [("ColumnName", topic.name), ("ColumnDescription", topic.description or topic.name),
                     ("ColumnKeywords", ",".join(keywords)), ("ColumnType", "专题专栏")]
        elif column_name:
            tags += [("ColumnName", column_name), ("ColumnDescription", column_name),
                     ("ColumnKeywords", column_name),
                     ("ColumnType", column_type or ("首页" if column_name == "首页" else "其他"))]
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

    # What the page shows of a row, by the CSV's column: the unit is the group's heading, the column's name links
    # to its address, the id stays in the CSV (an inspector's file, complete).
    RESPONSIBILITY_PAGE_HEADER: ClassVar[list[str]] = ["栏目名称", "责任单位", "内容类型", "栏目类型", "更新周期",
                                                       "政务公开类别", "栏目说明", "关键词"]

    def responsibility_groups(self) -> list[tuple[Unit, list[dict[str, Any]]]]:
        """The table as the page shows it (R1.5, issue 14): one group per unit, in the CSV's order; each row the
        column's name, its address and the cells under RESPONSIBILITY_PAGE_HEADER."""
        header = self.RESPONSIBILITY_HEADER
        shown = [header.index(h) for h in self.RESPONSIBILITY_PAGE_HEADER[1:]]
        rows = iter(self.responsibility_rows())
        groups = []
        for unit in self.cluster.units.values():
            group = []
            for _column in unit.columns.values():
                row = next(rows)
                href = row[-1]
                if href.startswith(f"https://{self.host}/"):
                    href = href[len(f"https://{self.host}"):]
                group.append({"name": row[2], "href": href, "cells": [row[i] for i in shown]})
            if group:
                groups.append((unit, group))
        portal = self.cluster.config.portal
        return sorted(groups, key=lambda g: g[0].id != portal)  # the portal's columns first, then as in the CSV

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


_T = TypeVar("_T")


def _per_cluster(cluster: Cluster, name: str, compute: Callable[[], _T]) -> _T:
    """A value that depends only on the loaded cluster (its items, its today and its now), not on the site: computed by the
    first site that needs it and shared by the others (issue 16: sorting all the cluster's items again for each of
    20 sites was a cold build's largest per-site cost outside Pelican). Kept on the cluster object, as
    ``publish._shared_digest`` keeps its digest; a cluster whose item list is replaced, or whose today moves,
    computes it afresh. Callers never change what they get."""
    key = (name, cluster.today, cluster.now, id(cluster.items), len(cluster.items))
    shared: dict[tuple[Any, ...], Any] = cluster.__dict__.setdefault("_zq_view_shared", {})
    if key not in shared:
        shared[key] = compute()
    value: _T = shared[key]
    return value


def _plain(html: str) -> str:
    import re

    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html)).strip()


def _bare(text: str) -> str:
    """Text without spaces and punctuation, to compare what two texts say."""
    import unicodedata

    return "".join(c for c in text if not (c.isspace() or unicodedata.category(c).startswith("P")))


def _leader_order(item: Item) -> tuple[bool, int, str]:
    """Leaders by their 排序 ``order`` (1 first), those without one after them by file name."""
    order = item.meta.get("order")
    return (order is None, int(order or 0), item.rel)
