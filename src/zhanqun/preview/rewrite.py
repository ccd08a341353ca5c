"""A built site made a preview (issue 15): run on the staging folder after Pelican, before the search index and
the manifest, so the index, the manifest and the deploy all see the preview's bytes.

- every address of a cluster host (``http(s)://<host>``) in a page, feed, sitemap, CSV or script becomes its
  preview host: links between the sites stay inside the preview, canonical links and feeds name the preview;
- every page gets ``<meta name="robots" content="noindex, nofollow">`` and, right after ``<body>``, the banner
  预览，未发布 with the pull request's number and a link to its landing page (all previews, the review sheet);
- ``robots.txt`` disallows everything and names no sitemap.

The rewrite works on the output, not the templates: whatever a theme (the base's) writes, no page of a preview
keeps a live address or lacks the banner. The nginx preview block also sends ``X-Robots-Tag: noindex``.
"""

from __future__ import annotations

import html
import os
import re
from pathlib import Path

from zhanqun.preview import BANNER, Preview

TEXT_TYPES = (".html", ".xml", ".txt", ".csv", ".json", ".js", ".css")
STYLE = "theme/zhanqun-preview.css"  # the banner's style: a file, as the CSP allows no inline style
ROBOTS_META = '<meta name="robots" content="noindex, nofollow">'
_HEAD = re.compile(rb"</head\s*>", re.IGNORECASE)
_BODY = re.compile(rb"<body\b[^>]*>", re.IGNORECASE)
_OLD_ROBOTS = re.compile(rb'<meta\s+name="robots"[^>]*>\s*', re.IGNORECASE)
CSS = """/* 预览横幅（zhanqun 预览构建写入，正式网站没有这个文件） */
.zq-preview-banner { position: sticky; top: 0; z-index: 1000; margin: 0; padding: .6em 1em; background: #8a1c00;
  color: #fff; font-size: 1rem; line-height: 1.5; text-align: center; }
.zq-preview-banner strong { font-size: 1.15em; margin-right: .5em; }
.zq-preview-banner a { color: #fff; text-decoration: underline; display: inline-block; min-height: 44px;
  line-height: 44px; padding: 0 .3em; }
"""


def address_pattern(hosts: list[str]) -> re.Pattern[bytes]:
    """``http(s)://<host>`` of any of ``hosts``, not followed by more of a host name (``www.x.gov.cn.evil``)."""
    names = b"|".join(re.escape(h.encode()) for h in sorted(hosts, key=len, reverse=True))
    return re.compile(rb"https?://(" + names + rb")(?![A-Za-z0-9-]|\.[A-Za-z0-9])", re.IGNORECASE)


def apply(site: Path, preview: Preview, cluster_domain: str) -> int:
    """Rewrite the built site in ``site`` for ``preview``; returns how many files changed."""
    pattern = address_pattern(list(preview.hosts))
    targets = {live.lower().encode(): f"https://{host}".encode() for live, host in preview.hosts.items()}
    own_names = {live.lower().encode(): host.encode() for live, host in preview.hosts.items()}
    own_host = re.compile(rb'data-host="(' + b"|".join(re.escape(h.encode()) for h in preview.hosts) + rb')"', re.IGNORECASE)
    banner = banner_html(preview).encode()
    head = f'{ROBOTS_META}\n<link rel="stylesheet" href="/{STYLE}">\n'.encode()
    cookie = f'data-cookie-domain="{html.escape(cluster_domain)}"'.encode()
    changed = 0
    for dirpath, _dirs, names in os.walk(site):
        for name in names:
            path = Path(dirpath) / name
            if path.is_symlink() or not name.lower().endswith(TEXT_TYPES):
                continue
            data = path.read_bytes()
            new = pattern.sub(lambda m: targets[m.group(1).lower()], data)
            if name.lower().endswith(".html"):
                # the search page knows its own host by name (it merges the other sites' bundles only there)
                new = own_host.sub(lambda m: b'data-host="' + own_names[m.group(1).lower()] + b'"', new)
                new = _mark_page(new, head, banner, cookie, preview.domain.encode())
            if new != data:
                path.write_bytes(new)
                changed += 1
    (site / "robots.txt").write_text("User-agent: *\nDisallow: /\n", encoding="utf-8")
    (site / STYLE).parent.mkdir(parents=True, exist_ok=True)
    (site / STYLE).write_text(CSS, encoding="utf-8")
    return changed


def _mark_page(data: bytes, head: bytes, banner: bytes, cookie: bytes, domain: bytes) -> bytes:
    data = _OLD_ROBOTS.sub(b"", data)
    data = data.replace(cookie, b'data-cookie-domain="' + domain + b'"')  # the font size choice, on the preview's domain
    match = _HEAD.search(data)
    data = data[: match.start()] + head + data[match.start():] if match else head + data
    body = _BODY.search(data)
    return data[: body.end()] + b"\n" + banner + data[body.end():] if body else banner + data


def banner_html(preview: Preview) -> str:
    return (f'<div class="zq-preview-banner" role="note" data-zhanqun-preview="{preview.pr}"><strong>{BANNER}</strong>'
            f"合并请求 #{preview.pr} 的预览，审核通过并发布后才会上线。"
            f'<a href="{preview.landing_url}">全部预览和审核单</a></div>')
