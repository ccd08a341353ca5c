"""Content items: front matter + Markdown body, parsed into canonical metadata and safe HTML (R2)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import re
from typing import TYPE_CHECKING, Any, cast

from zhanqun import source
from zhanqun.checks import html_safety, suppressions
from zhanqun.findings import Finding
from zhanqun.schemas import BAD_DATE_FORMAT, NO_SUCH_DATE, SchemaSet

if TYPE_CHECKING:
    from zhanqun.cache import CachedHtml
    from zhanqun.checks.gates import Gates

IMPORTANCE_LABELS = {"routine": "常规", "general": "一般", "important": "重要"}
TYPE_LABELS = {
    "policy": "政策文件", "news": "工作动态", "notice": "通知公告", "leader": "领导信息",
    "organization": "机构概况", "guide": "办事指南", "interpretation": "政策解读", "reply": "留言答复",
}

_DATE_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?$", re.ASCII)
YEARS = (1900, 2999)  # a date outside these years is a typo, not a date (R2)
_LOOSE_DATE_RE = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:\s+(\d{1,2})[:：](\d{2}))?\s*$")


@dataclasses.dataclass
class Parsed:
    """What one file's bytes yield on their own: cacheable by content hash (findings carry no path)."""

    meta: dict[str, Any] | None
    html: str | CachedHtml  # read from the parse cache when first asked for (Item.html)
    body_first_line: int
    findings: list[tuple[int, int, str, str, str, str]]  # line, column, code, message, hint, key
    links: list[tuple[int, int, str]] = dataclasses.field(default_factory=list)  # line, column, url
    suppressions: list[suppressions.Suppression] = dataclasses.field(default_factory=list)
    mentions: list[tuple[int, int, str, str, str]] = dataclasses.field(default_factory=list)  # posts named (W003)

    def findings_for(self, rel: str) -> list[Finding]:
        return [Finding(rel, *f) for f in self.findings]

    def to_json(self) -> dict[str, Any]:
        return {"meta": self.meta, "html": self.html, "body_first_line": self.body_first_line,
                "findings": self.findings, "links": self.links, "suppressions": [s.to_json() for s in self.suppressions],
                "mentions": self.mentions}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Parsed:
        return cls(data["meta"], data["html"], data["body_first_line"], [tuple(f) for f in data["findings"]],
                   [tuple(link) for link in data["links"]], [suppressions.Suppression.from_json(s) for s in data["suppressions"]],
                   [tuple(m) for m in data["mentions"]])


def parse_date(value: Any) -> tuple[str | None, str | None, str]:
    """Return ``(canonical, error_code, hint)``; canonical is ``YYYY-MM-DD`` or ``YYYY-MM-DD HH:MM``."""
    text = str(value).strip()
    match = _DATE_RE.match(text)
    if match:
        y, m, d, hh, mm, _ = match.groups()
        try:
            dt.datetime(int(y), int(m), int(d), int(hh or 0), int(mm or 0))
        except ValueError:
            return None, NO_SUCH_DATE, "核对原始文件上的日期后改正。"
        if not YEARS[0] <= int(y) <= YEARS[1]:  # 0001-01-01, 9999-12-31: every age and deadline overflows
            return None, NO_SUCH_DATE, f"年份 {y} 不像真实日期：核对原始文件上的日期后改正。"
        return (f"{y}-{m}-{d} {hh}:{mm}" if hh else f"{y}-{m}-{d}"), None, ""
    loose = _LOOSE_DATE_RE.match(text)
    if loose:
        y, m, d, hh, mm = loose.groups()
        try:
            dt.date(int(y), int(m), int(d))
        except ValueError:
            return None, NO_SUCH_DATE, "核对原始文件上的日期后改正。"
        fixed = f"{int(y):04d}-{int(m):02d}-{int(d):02d}" + (f" {int(hh):02d}:{mm}" if hh else "")
        return None, BAD_DATE_FORMAT, f"改成 {fixed}"
    return None, BAD_DATE_FORMAT, "日期写成 2026-03-05，需要时间时写 2026-03-05 09:30。"


def to_datetime(value: str) -> dt.datetime:
    # fromisoformat is ten times faster than strptime (every item's date is read for every list); it
    # accepts more shapes, so it reads only what the canonical form allows
    if len(value) in (10, 16) and value[4] == "-" and (len(value) == 10 or value[10] == " "):
        return dt.datetime.fromisoformat(value)
    return dt.datetime.strptime(value, "%Y-%m-%d %H:%M" if " " in value else "%Y-%m-%d")


def parse(data: bytes, rel: str, content_type: str, schemas: SchemaSet, gates: Gates | None = None, *, render: bool = True,
          ) -> Parsed:
    """Parse one item file. Pure: the result depends only on the bytes, the type, the schemas and the rule data.

    ``gates`` (a :class:`zhanqun.checks.gates.Gates`) adds the review gates of R4; ``render=False`` skips the
    HTML, which only the build needs.
    """
    findings: list[Finding] = []
    text, found = source.decode(data, rel)
    findings += found
    if text is None:
        return _result(None, "", 1, findings)
    split = source.split_front_matter(text, rel)
    if isinstance(split, Finding):
        return _result(None, "", 1, findings + [split])
    front, body, body_line = split
    doc, found = source.load_yaml(front, rel, first_line=2)
    findings += found
    findings += html_safety.scan(body, rel, body_line)
    # Front matter is text the templates escape, but markup there is still a mistake or an attack: say so.
    findings += html_safety.scan(front, rel, 2)
    extra: dict[str, Any] = {}
    if gates is not None:
        findings += gates.scan_item(text, body, rel, content_type, body_line)
        sups, problems = suppressions.parse(text)
        findings += [Finding(rel, *p) for p in problems]
        extra = {"links": gates.item_links(body, body_line), "suppressions": sups,
                 "mentions": gates.post_mentions(text, rel)}
    if doc is None:
        return _result(None, "", body_line, findings, **extra)
    meta, found = schemas.canonical_keys(content_type, doc.data, doc.locate, rel)
    findings += found
    skip: set[tuple[Any, ...]] = set()
    props = schemas.properties(content_type)
    for key, value in list(meta.items()):
        targets: list[tuple[tuple[Any, ...], Any, dict[str, Any]]] = [((key,), value, props[key])]
        if key == "withdrawn" and isinstance(value, dict) and "date" in value:
            targets = [((key, "date"), value["date"], {"x-format": "datetime"})]
        for path, raw, prop in targets:
            kind = prop.get("x-format")
            if kind is None or raw is None:
                continue
            canonical, code, hint = parse_date(raw)
            if code:
                line, col = doc.locate(_original_path(doc.data, path, schemas.aliases(content_type)))
                label = "日期不存在" if code == NO_SUCH_DATE else "日期格式不对"
                findings.append(Finding(rel, line, col, code, f"“{path[0]}”{label}：{raw}。", hint))
                skip.add(path)
            elif kind == "date" and canonical is not None and " " in canonical:
                canonical = canonical.split(" ")[0]
            if canonical:
                _assign(meta, path, canonical)
    located = doc

    def locate(path: tuple[Any, ...]) -> tuple[int, int]:
        return located.locate(_original_path(located.data, path, schemas.aliases(content_type)))

    findings += schemas.validate(content_type, meta, locate, rel, skip)
    if content_type == "reply":
        from zhanqun.checks import replies

        _reply_date(meta, skip)
        findings += replies.body_findings(meta, body, rel, body_line)
    if gates is not None:
        # The line is looked up only for a finding: locating starts the slow round-trip YAML parser.
        findings += gates.images.check_meta(meta, rel, lambda: locate(("images" if "images" in meta else "photo",))[0])
        findings += gates.placeholders.check(body, body_line, meta, content_type, rel, lambda: locate(("title",))[0])
    html = ""
    if render:
        from zhanqun import markup

        html = markup.render(body)
    return _result(meta, html, body_line, findings, **extra)


def _reply_date(meta: dict[str, Any], skip: set[tuple[Any, ...]]) -> None:
    """A reply has no date of its own (R9): it is published on the day it was answered. A pending message (no
    ``answered``) is dated by its receipt, for sorting only: it is not published (``Cluster.published``)."""
    if "date" in meta:
        return  # refused by the schema: the editor must not date a reply twice
    for key in ("answered", "received"):
        if isinstance(meta.get(key), str) and (key,) not in skip:
            meta["date"] = meta[key]
            return


def _assign(meta: dict[str, Any], path: tuple[Any, ...], value: Any) -> None:
    target = meta
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value


def _original_path(data: dict[str, Any], path: tuple[Any, ...], aliases: dict[str, str]) -> tuple[Any, ...]:
    """Map a canonical key path back to the key the editor wrote (maybe a Chinese alias)."""
    if not path or path[0] in data:
        return path
    for alias, canonical in aliases.items():
        if canonical == path[0] and alias in data:
            return (alias,) + path[1:]
    return path


def _result(meta: dict[str, Any] | None, html: str, body_line: int, findings: list[Finding], **extra: Any) -> Parsed:
    return Parsed(meta, html, body_line, [(f.line, f.column, f.code, f.message, f.hint, f.key) for f in findings], **extra)


def out_at(item: Item, moment: dt.datetime) -> bool:
    """Whether the item is on its site at ``moment`` (China time, naive): its embargo (``publish_at``, to the minute)
    has passed (R3.10), and a reply's message has been answered (R9). The build and the inspection both ask this."""
    if item.type == "reply" and not answered_by(item, moment.date()):
        return False
    when = item.meta.get("publish_at")
    return not when or to_datetime(when) <= moment


def answered_by(item: Item, day: dt.date) -> bool:
    """Whether a reply's message was answered on or before ``day`` (R9)."""
    answered = item.meta.get("answered")
    return bool(answered) and to_datetime(cast(str, answered)).date() <= day  # the schema makes it a date string


@dataclasses.dataclass
class Item:
    """A content item in the cluster (one Markdown file)."""

    rel: str  # "content/<unit>/<column>/<slug>.md"
    unit_id: str
    column_id: str
    slug: str
    type: str
    meta: dict[str, Any]
    html_source: str | CachedHtml  # the sanitised HTML, or where the parse cache keeps it (issue 16)
    sha: str
    links: list[tuple[int, int, str]] = dataclasses.field(default_factory=list)
    mentions: list[tuple[int, int, str, str, str]] = dataclasses.field(default_factory=list)

    @property
    def html(self) -> str:
        """The body as sanitised HTML (R3.9); from the parse cache the first time it is needed."""
        if not isinstance(self.html_source, str):
            self.html_source = self.html_source.read()
        return self.html_source

    @property
    def title(self) -> str:
        return self.meta.get("title") or self.meta.get("name") or self.slug

    @functools.cached_property
    def date(self) -> dt.datetime:
        # Cached: lists sort every item of the cluster by date, once per site.
        return to_datetime(self.meta["date"])

    @property
    def importance(self) -> str:
        return str(self.meta.get("importance", "routine"))

    @property
    def tags(self) -> list[str]:
        return list(self.meta.get("tags", []))

    @property
    def folder(self) -> str:
        """Source folder relative to the unit folder: ``<column>`` or a sub-folder of it."""
        return self.rel.split("/", 2)[2].rsplit("/", 1)[0]

    def expired(self, today: dt.date) -> bool:
        """A policy past its 废止日期 or no longer 有效 (R2.1)."""
        if self.type != "policy":
            return False
        expires = self.meta.get("expires")
        return self.meta.get("status", "有效") != "有效" or bool(expires and to_datetime(expires).date() <= today)
