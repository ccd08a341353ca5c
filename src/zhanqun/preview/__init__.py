"""Previews of a pull request's sites (issue 15, R6.1): built with ``zhanqun build --preview-domain D --pr N``,
deployed with ``zhanqun preview deploy``, served by the preview server block of ``zhanqun nginx``, announced
on the pull request by ``zhanqun preview comment`` and removed by ``zhanqun preview remove``.

Host names (docs/ci.md): a wildcard certificate ``*.D`` covers one label, so every preview host is one label
below the preview domain. The pull request's landing page (links to each site and to the review sheet) is
``pr-N.D``; the site ``<label>.<domain>`` of the cluster is ``pr-N-<label>.D`` (the portal ``pr-N-www.D``).
Sites under paths of one host would need every absolute link, feed, sitemap, search bundle and the CSP's
origins rewritten to paths, and the sites would share one origin (one site's script could read another's
storage); one host per site keeps the pages byte for byte what the live site serves, hosts aside.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable

from zhanqun.errors import UsageError
from zhanqun.preview.rules import PREVIEW_OPTION

__all__ = ["LANDING", "Preview", "check_domain", "check_pr"]

LANDING = "_landing"  # the landing page's folder in a preview output and deploy root: no host label has "_"
SHEET = "shenhe"  # the review sheet (审核单) at https://pr-N.D/shenhe/
BANNER = "预览，未发布"
MARKER = "<!-- zhanqun-preview -->"  # the hidden marker of the one comment zhanqun keeps on a pull request
_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,40}[a-z0-9])?")
_DOMAIN = re.compile(r"(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]")
MAX_PR = 9_999_999


def check_domain(value: str) -> str:
    domain = value.strip().lower().rstrip(".")
    if not _DOMAIN.fullmatch(domain) or len(domain) > 200:
        raise UsageError(f"--preview-domain 不是可用的域名：{value}", code=PREVIEW_OPTION,
                         hint="写预览用的域名，如 preview.shilixian.gov.cn（不带 https:// 和路径）；DNS 中 *.<域名> 指向内网预览服务器。")
    return domain


def check_pr(value: str | int) -> int:
    text = str(value).strip()
    if not text.isdigit() or not 1 <= int(text) <= MAX_PR or text.startswith("0"):
        raise UsageError(f"--pr 不是合并请求的编号：{value}", code=PREVIEW_OPTION,
                         hint="写合并请求的编号，正整数，如 --pr 12。")
    return int(text)


@dataclasses.dataclass(frozen=True)
class Preview:
    """The preview of pull request ``pr`` on ``domain``: ``hosts`` maps every host of the cluster to its preview
    host; ``built`` are the hosts this preview has (the affected sites), in the cluster's order."""

    domain: str
    pr: int
    hosts: dict[str, str]
    built: tuple[str, ...]

    @classmethod
    def of(cls, domain: str, pr: str | int, cluster_domain: str, hosts: Iterable[str], built: Iterable[str]) -> Preview:
        domain, number = check_domain(domain), check_pr(pr)
        cluster_domain = cluster_domain.lower()
        if domain == cluster_domain or (domain.endswith("." + cluster_domain) and domain.split(".")[0] in {
                h[: -len(cluster_domain) - 1] for h in hosts}):
            raise UsageError(f"预览域名 {domain} 与站群的网站重叠。", code=PREVIEW_OPTION,
                             hint="用单独的域名，如 preview.<站群域名>，它不能是某个网站的主机名。")
        mapping = {host: f"pr-{number}-{label_of(host, cluster_domain)}.{domain}" for host in hosts}
        return cls(domain, number, mapping, tuple(h for h in mapping if h in set(built)))

    @property
    def landing(self) -> str:
        return f"pr-{self.pr}.{self.domain}"

    @property
    def landing_url(self) -> str:
        return f"https://{self.landing}/"

    @property
    def sheet_url(self) -> str:
        return f"https://{self.landing}/{SHEET}/"

    def url(self, host: str) -> str:
        return f"https://{self.hosts[host]}/"

    @property
    def key(self) -> str:
        """What a preview build adds to a site's fingerprint: a preview is not current for another pull request."""
        return f"preview:{self.domain}:{self.pr}:{','.join(self.built)}"


def label_of(host: str, cluster_domain: str) -> str:
    """The label of a cluster host: ``fgw`` of ``fgw.shilixian.gov.cn``, ``www`` of the portal."""
    suffix = "." + cluster_domain
    label = host[: -len(suffix)] if host.endswith(suffix) else host.split(".")[0]
    if not _LABEL.fullmatch(label):  # (R1.2 keeps labels to pinyin letters and digits)
        raise UsageError(f"主机 {host} 的标签 {label} 不能用作预览主机名。", code=PREVIEW_OPTION,
                         hint="站点的标签只能是小写字母、数字和中间的 -。")
    return label
