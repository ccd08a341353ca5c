"""Links (R4.6, 001 §9, §17): no commercial or ad links, external links outside the allowlist reviewed,
internal links — also to other sites of the cluster — resolved against the cluster at check time.

Links are extracted once per file when it is parsed (cached with the parse); classifying and resolving them
needs the cluster's hosts, columns and files, so it happens after loading.
"""

from __future__ import annotations

import dataclasses
import html
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urljoin, urlsplit

from zhanqun.checks.normalise import normalise
from zhanqun.findings import Finding, Severity, define, mask_numbers

if TYPE_CHECKING:
    from zhanqun.cluster import Cluster

COMMERCIAL = define(
    "L001", "commercial-link", Severity.ERROR, "链接指向商业网站、广告、推广联盟或短链接。",
    why="政府网站不得链接商业网站和广告（001 号文件第九条、第十七条）；短链接看不出真实去向，常被用来跳转到赌博网站。",
    example="[点击购买](https://item.taobao.com/item.htm?id=1)；https://t.cn/AbCdEf",
    fix="删除该链接；需要引用时改为政府网站或权威媒体的完整网址。",
    requirement="R4.6",
)
EXTERNAL = define(
    "L002", "external-link-review", Severity.WARNING, "外部链接不在允许名单内，需要人工确认。",
    why="外部网站的内容不受本站控制，可能被篡改或失效；只有政府网站和名单内的权威媒体不需要复核。",
    example="https://github.com/…",
    fix="确认链接可靠后，请电子政务办把该域名加入 cluster.yaml 的 link_allowlist；否则删除链接。",
    requirement="R4.6",
)
BROKEN = define(
    "L003", "broken-internal-link", Severity.ERROR, "站内链接指向不存在的页面或文件。",
    why="站群内的链接（包括指向其他子站的链接）在构建前就能核对；错链是检查中的扣分项。",
    example="https://www.shilixian.gov.cn/zcwj/不存在的文件.html",
    fix="改为正确的地址：条目页是 栏目/文件名.html，附件是 栏目/attachments/文件名；或删除链接。",
    requirement="R4.6, R3",
)

_MD_LINK = re.compile(r"!?\[(?:[^\]\n]|\][^(\n]){0,500}\]\(\s*<?([^)\s>]+)>?(?:\s+[\"'(][^)\n]*[\"')])?\s*\)")
_REF_DEF = re.compile(r"^[ ]{0,3}\[[^\]\n]+\]:\s*<?(\S+?)>?(?:\s|$)", re.MULTILINE)
_AUTOLINK = re.compile(r"<((?:https?|ftp)://[^>\s]+)>", re.IGNORECASE)
_HTML_ATTR = re.compile(r"\b(?:href|src)\s*=\s*[\"']([^\"']+)[\"']", re.IGNORECASE)
_BARE = re.compile(r"(?<![\w/.@-])((?:https?://|www\.)[A-Za-z0-9][^\s<>()\[\]\"'，。；、）】《》“”！？]*)", re.IGNORECASE)
_TRAILING = ".,;:!?'\""
_IDEOGRAPHIC_DOTS = str.maketrans("。．｡", "...")  # label separators in a host name (UTS 46)
_shown = mask_numbers  # a URL as messages show it: an ID or phone number in a query string masked


def extract(text: str) -> list[tuple[int, str]]:
    """(offset, url) of every link and image in a Markdown text, in order."""
    found: list[tuple[int, int, str]] = []
    lowered = text.lower()
    for pattern, hint in ((_MD_LINK, "]("), (_REF_DEF, "]:"), (_AUTOLINK, "://"), (_HTML_ATTR, "=")):
        if hint not in lowered:  # cheap prefilter: most paragraphs have no links at all
            continue
        for match in pattern.finditer(text):
            found.append((match.start(1), match.end(1), match.group(1)))
    spans = sorted((s, e) for s, e, _ in found)
    if "http" not in lowered and "www." not in lowered:
        return sorted((start, url) for start, _, url in found)
    for match in _BARE.finditer(text):
        if not any(s <= match.start(1) < e for s, e in spans):
            found.append((match.start(1), match.end(1), match.group(1).rstrip(_TRAILING)))
    return sorted((start, url) for start, _, url in found)


@dataclasses.dataclass
class SiteMap:
    """What URLs a cluster publishes, derived from config and the content folder (no build needed)."""

    root: Path
    domain: str
    sites: dict[str, tuple[str, dict[str, str]]]  # host -> (owner unit, {channel prefix: unit})
    columns: dict[str, set[str]]  # unit -> column ids
    topics: set[str]
    portal_host: str

    @classmethod
    def of(cls, cluster: Cluster) -> SiteMap:
        sites = {}
        for site in cluster.sites():
            sites[site.host] = (site.owner, {u: u for u in site.unit_ids if u != site.owner})
        return cls(cluster.root, cluster.config.domain, sites, {u.id: set(u.columns) for u in cluster.units.values()},
                   {t.id for t in cluster.config.topics}, cluster.portal_host)

    def is_cluster_host(self, host: str) -> bool:
        return host == self.domain or host.endswith("." + self.domain)

    def resolve(self, host: str, path: str) -> str | None:
        """None if the URL exists, else a Chinese reason."""
        if host not in self.sites:
            return f"站群中没有网站 {host}"
        owner, channels = self.sites[host]
        parts = [p for p in unquote(path).split("/") if p not in ("", ".")]
        if not parts or parts == ["index.html"]:
            return None
        if parts[0] == "theme":
            return None
        if host == self.portal_host and parts[0] in ("lanmu", "zhuanti"):
            if parts[0] == "lanmu" and parts[1:] in ([], ["index.html"], ["zerenbiao.csv"]):
                return None
            if parts[0] == "zhuanti" and (parts[1:] in ([], ["index.html"]) or
                                          (parts[1] in self.topics and parts[2:] in ([], ["index.html"]))):
                return None
            return "没有这个专题或页面"
        unit = owner
        if parts[0] in channels:
            unit, parts = channels[parts[0]], parts[1:]
            if not parts or parts == ["index.html"]:
                return None
        column, rest = parts[0], parts[1:]
        if column not in self.columns.get(unit, set()):
            return f"没有栏目 {column}/"
        if not rest or (len(rest) == 1 and re.fullmatch(r"index(?:_\d+)?\.html", rest[0])):
            return None
        folder = self.root / "content" / unit / column
        target = "/".join(rest)
        if target.endswith(".html"):
            if (folder / (target[:-5] + ".md")).is_file():
                return None
            return f"没有页面 {'/'.join(parts)}"
        if target.endswith(".md"):
            return "链接写成了源文件 .md，应写发布后的地址 .html"
        if (folder / target).is_file():
            return None
        return f"没有文件 {'/'.join(parts)}"


class LinkCheck:
    def __init__(self, data: dict[str, Any], site_map: SiteMap, extra_allow: Iterable[str] = ()) -> None:
        self.site_map = site_map
        self.allow = tuple(data["allow"]) + tuple(extra_allow)
        self.commercial = tuple(data["commercial"])
        self.shorteners = tuple(data["shorteners"])
        self.ads = tuple(data["ads"])
        self.ad_patterns = [re.compile(p, re.IGNORECASE) for p in data["ad_url_patterns"]]

    def check(self, rel: str, page_url: str, links: Iterable[tuple[int, int, str]]) -> Iterator[Finding]:
        """Findings for the links of one item, given as (line, column, url); ``page_url`` is the item's URL."""
        for line, column, url in links:
            finding = self._one(page_url, url)
            if finding:
                code, message, hint = finding
                yield Finding(rel, line, column, code, message, hint, _shown(url))

    def _one(self, page_url: str, url: str) -> tuple[str, str, str] | None:
        # As a browser reads it: entities decoded (href="&#104;ttps://…"); the host below is normalised too.
        raw = html.unescape(url.strip())
        url = _shown(raw)
        if not raw or raw.startswith(("#", "mailto:", "tel:", "javascript:", "vbscript:", "data:", "{")):
            return None
        if raw.lower().startswith("www."):
            raw = "https://" + raw
        absolute = urljoin(page_url, raw)
        try:
            parts = urlsplit(absolute)
            # A browser maps the host name (IDNA/UTS 46): full-width letters folded, invisible characters dropped,
            # so ｔａｏｂａｏ.com and tao\u200bbao.com are taobao.com (R4.10). The path is kept as written.
            host = normalise(parts.hostname or "").text.lower().translate(_IDEOGRAPHIC_DOTS).rstrip(".")
        except ValueError:
            return BROKEN, f"链接地址“{url}”格式不正确。", "检查网址是否完整、有无多余字符。"
        if parts.scheme not in ("http", "https"):
            return None
        if self.site_map.is_cluster_host(host):
            reason = self.site_map.resolve(host, parts.path)
            if reason:
                return BROKEN, f"站内链接“{url}”无法打开：{reason}。", "改为正确的地址或删除链接；条目页写 栏目/文件名.html。"
            return None
        if _matches(host, self.shorteners):
            return COMMERCIAL, f"“{url}”是短链接，看不出真实去向。", "改为完整的原始网址，且应是政府网站或权威媒体。"
        if _matches(host, self.commercial) or _matches(host, self.ads) or any(p.search(absolute) for p in self.ad_patterns):
            return COMMERCIAL, f"“{url}”指向商业网站或广告。", "删除该链接。"
        if host.endswith(".gov.cn") or _matches(host, self.allow):
            return None
        return EXTERNAL, f"外部链接“{url}”（{host}）不在允许名单内，请确认。", "确认可靠后请电子政务办加入 cluster.yaml 的 link_allowlist；否则删除。"


def _matches(host: str, domains: tuple[str, ...]) -> bool:
    return any(host == d or host.endswith("." + d) for d in domains)
