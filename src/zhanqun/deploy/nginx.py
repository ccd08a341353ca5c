"""nginx for the cluster (R6.4): one server per host serving ``DEPLOY_ROOT/<host>/current``, HTTP redirected
to HTTPS, IPv6 listeners, security headers (a CSP without inline script: the theme has none), HSTS, gzip,
long caching only for content-hashed assets, and default servers that refuse hosts not in the cluster: over
HTTP, in the TLS handshake (an unknown SNI), and after it (a cluster host's SNI with a ``Host`` that is not
one: closed without an answer, 444), and an access log per host in the ``zhanqun`` format that
``zhanqun.stats.visits`` counts for the annual report (R8.4).

The output is the ``server`` blocks, to be included inside ``http { }`` (``include /etc/nginx/conf.d/zhanqun.conf;``).
"""

from __future__ import annotations

import dataclasses
import ipaddress
import re
from pathlib import Path

from zhanqun.errors import UsageError

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
       "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'self'")
SECURITY_HEADERS = (
    ("Strict-Transport-Security", '"max-age=31536000"'),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "strict-origin-when-cross-origin"),
    ("X-Frame-Options", "SAMEORIGIN"),
    ("Content-Security-Policy", f'"{CSP}"'),
)
# What a site may serve, by extension (R4.11): the pages and assets zhanqun writes, and the attachment and image
# types a column may publish (checks.files.PUBLISHED_TYPES). nginx's own mime.types is replaced, not extended:
# anything else is 404, whatever was put on the server, and nosniff keeps browsers to the type sent. (No .xml:
# an XML document can be XHTML with a script; the sitemaps have exact locations of their own, XML_FILES.)
SERVED_TYPES = {
    "text/html": "html", "text/css": "css", "application/javascript": "js", "text/csv": "csv",
    "text/plain": "txt", "image/x-icon": "ico", "font/woff2": "woff2",
    "image/png": "png", "image/jpeg": "jpg jpeg", "image/gif": "gif", "image/webp": "webp", "image/svg+xml": "svg",
    "application/pdf": "pdf", "application/msword": "doc",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.ms-excel": "xls", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/kswps": "wps", "application/kset": "et", "application/ofd": "ofd",
}
# XML is served only at these exact paths the build writes (sitemaps, R3.8): an XML file anywhere else could be
# XHTML with a script. Opened by itself, it may not run or load anything either.
XML_FILES = ("sitemap.xml", "sitemap_index.xml")
XML_CSP = "default-src 'none'; sandbox"
# The Atom feeds (issue 14, R3.7) are at a site's root and in each column's folder (a channel unit's columns one
# folder further down: /<unit>/<column>/atom.xml), named as zhanqun.build.view.FEED_NAME; this regex location
# matches those places only (unit and column ids are letters, digits, _ . -), before the rule that refuses
# every other type, and sends them as application/atom+xml with XML_CSP. Any other .xml stays 404. (A pattern,
# not one exact location per column: a new column's feed must not wait for a new nginx config. An atom.xml put
# by hand at such a place is sent the same way: as Atom, which no browser runs, and sandboxed; the build never
# copies one from a column, C012.)
FEED_LOCATION = r'"^/(?:[A-Za-z0-9_-][A-Za-z0-9_.-]*/){0,2}atom\.xml$"'
FEED_TYPE = "application/atom+xml"
# An SVG opened by itself is a document on the site's origin: it may not run or load anything.
SVG_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox"
# Site search (R3.7, issue 14): Pagefind's bundle, only under /pagefind/ and only its own file types
# (zhanqun.build.search.TYPES: the module and its worker, the entry JSON, gzipped chunks and WebAssembly, the
# latter inflated by pagefind.js and instantiated from bytes, so it is never fetched as application/wasm).
# WebAssembly needs 'wasm-unsafe-eval' in script-src (not 'unsafe-eval': no eval() or new Function()); it is
# sent only where Pagefind runs, the results page /sousuo/ and the bundle's scripts (a worker's CSP is the one
# its script is served with). The portal's 统一检索 reads every site's bundle: its CSP there adds connect-src
# for exactly the cluster's hosts, and each site's bundle answers the portal's origin, and no other, with CORS.
SEARCH_PAGE = "/sousuo/"  # plugins/site.py writes sousuo/index.html
SEARCH_BUNDLE = "/pagefind/"
SEARCH_TYPES = {"application/javascript": "js", "application/json": "json",
                "application/octet-stream": "pf_meta pf_index pf_fragment pf_filter pagefind"}
# the top-level files and the chunk folders Pagefind 1.5 writes; nothing hidden, nothing deeper
SEARCH_FILES = (r"^/pagefind/(?:[a-z0-9_-][a-z0-9_.-]*\.(?:js|json|pf_meta|pagefind)"
                r"|index/[a-z0-9_-][a-z0-9_.-]*\.pf_index|fragment/[a-z0-9_-][a-z0-9_.-]*\.pf_fragment"
                r"|filter/[a-z0-9_-][a-z0-9_.-]*\.pf_filter)$")
SEARCH_CHUNKS = r"\.pf_(?:meta|index|fragment|filter)$"  # named by their content: never change under their name


def search_csp(hosts: list[str], host: str, portal: str) -> str:
    """The CSP of the search page and bundle of ``host``: the site's CSP with WebAssembly allowed and, on the
    portal, the other sites' origins to fetch their bundles from."""
    csp = CSP.replace("script-src 'self'", "script-src 'self' 'wasm-unsafe-eval'")
    others = [f"https://{h}" for h in sorted(hosts) if h != host]
    if host == portal and others:
        csp += "; connect-src 'self' " + " ".join(others)
    return csp


# The web editor (Decap CMS, issue 15) on an editors' host of its own, never a public site's: measured in
# Chromium (tests/test_cms_browser.py), Decap does not start without 'unsafe-eval' (its config validator, ajv,
# compiles schemas with new Function), styles every element inline (emotion: 'unsafe-inline' styles), reads its
# media and previews as blob: URLs, and talks only to the git host's API (connect-src: the origins given, the
# host's API and nothing else). No site's CSP is loosened by this: only the editor's server block sends it.
EDITOR_CSP = ("default-src 'none'; script-src 'self' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; "
              "img-src 'self' data: blob:{img}; media-src 'self' blob:; font-src 'self' data:; "
              "connect-src 'self' blob:{connect}; manifest-src 'self'; object-src 'none'; base-uri 'none'; "
              "form-action 'none'; frame-ancestors 'none'")
EDITOR_TYPES = {"text/html": "html", "application/javascript": "js", "text/yaml": "yml", "application/wasm": "wasm",
                "text/css": "css", "text/plain": "txt"}
_ORIGIN = re.compile(r"https?://[A-Za-z0-9.-]+(?::\d{1,5})?")
_ADDRESS = re.compile(r"[0-9A-Fa-f.:]+(?:/\d{1,3})?")


def editor_csp(connect: list[str]) -> str:
    extra = "".join(f" {origin}" for origin in connect)
    return EDITOR_CSP.format(connect=extra, img=extra)


def check_origin(value: str) -> str:
    """An origin for the editor's connect-src (``--editor-connect``): scheme, host and port, nothing else."""
    if not _ORIGIN.fullmatch(value):
        raise UsageError(f"--editor-connect 不是可用的地址：{value}",
                         hint="只写协议、主机名和端口，如 https://git.example.gov.cn（不要路径、空格或引号）。")
    return value


def check_address(value: str) -> str:
    """An address or network for the editor's ``allow`` (``--editor-allow``): 10.0.0.0/8, 192.168.1.5."""
    if not _ADDRESS.fullmatch(value):
        raise UsageError(f"--editor-allow 不是可用的地址或网段：{value}", hint="写 IP 地址或网段，如 10.0.0.0/8。")
    return value


def editor_server(host: str, root: Path, cert: str, key: str, https_port: int, http_port: int,
                  connect: list[str], allow: list[str], access_log: str) -> list[str]:
    """The editors' host: the folder ``zhanqun cms`` wrote, its own CSP, only the editor's file types, no caching
    (a new editor is seen at once), reachable only from ``allow`` (the office networks) when given."""
    headers = [f"    add_header {name} {value} always;" for name, value in SECURITY_HEADERS
               if name not in ("Content-Security-Policy", "X-Frame-Options")]
    headers += ['    add_header X-Frame-Options "DENY" always;',
                f'    add_header Content-Security-Policy "{editor_csp(connect)}" always;',
                '    add_header Cache-Control "no-cache" always;',
                '    add_header X-Robots-Tag "noindex, nofollow" always;']
    access = [*(f"    allow {a};" for a in allow), "    deny all;"] if allow else []
    return [
        "",
        "# 网页编辑器（issue 15）：编辑专用主机，只在内网开放；公众网站不提供编辑器。",
        "server {",
        f"    listen {http_port};",
        f"    listen [::]:{http_port};",
        f"    server_name {host};",
        *access,
        _access_log(access_log, host),
        f"    return 301 https://{host}$request_uri;",
        "}",
        "server {",
        f"    listen {https_port} ssl http2;",
        f"    listen [::]:{https_port} ssl http2;",
        f"    server_name {host};",
        f"    root {root.as_posix()};",
        _access_log(access_log, host),
        *access,
        "    index index.html;",
        "    disable_symlinks on;",
        f"    ssl_certificate {cert.format(host=host)};",
        f"    ssl_certificate_key {key.format(host=host)};",
        "    ssl_protocols TLSv1.2 TLSv1.3;",
        "    server_tokens off;",
        "    charset utf-8;",
        "    charset_types text/html text/yaml application/javascript text/css text/plain;",
        "    gzip on;",
        "    gzip_types application/javascript text/yaml text/css application/wasm;",
        "    types {", *(f"        {mime} {exts};" for mime, exts in EDITOR_TYPES.items()), "    }",
        "    default_type application/octet-stream;",
        *headers,
        "    location ~ /\\. {",
        "        return 404;",
        "    }",
        f'    location ~* "\\.(?!(?:{"|".join(sorted(e for v in EDITOR_TYPES.values() for e in v.split()))})$)[^./]*$" {{',
        "        return 404;",
        "    }",
        "    location / {",
        "        try_files $uri $uri/ =404;",
        *("    " + h for h in headers),
        "    }",
        "}",
    ]


GZIP_TYPES = ("text/css application/javascript application/json image/svg+xml text/plain application/xml "
              "application/atom+xml text/csv")
ASSETS = "css|js|png|jpe?g|gif|svg|ico|webp|woff2?"

# The access log (R8.4: the annual report's visits). One request a line, the fields separated by a tab; nginx's
# default escaping writes ", \ and every byte outside 0x20-0x7E as \xHH, so no field holds a tab or a line end
# and a line splits into exactly these eleven fields (zhanqun.stats.visits reads them by position):
LOG_FIELDS = (
    ("zq1", "the format and its version: a new field order gets zq2, and readers tell the two apart"),
    ("$time_iso8601", "when the request was logged, ISO 8601 with the server's zone: 2026-11-21T09:30:05+08:00"),
    ("$host", "the site, lower case: the Host header (the server_name when there is none)"),
    ("$remote_addr", "the client's address (behind a proxy or CDN: the proxy's; see docs/handbook.md §9.4)"),
    ("$request_method", "GET, HEAD, POST ..."),
    ("$request_uri", "the path and query as sent, not decoded: /gzdt/202611/t20261121_1.html?from=sy"),
    ("$server_protocol", "HTTP/1.1, HTTP/2.0"),
    ("$status", "the response status: 200, 304, 404 ..."),
    ("$body_bytes_sent", "bytes of the body sent"),
    ("$http_referer", "the Referer header, - when there is none"),
    ("$http_user_agent", "the User-Agent header, - when there is none (last: the longest, and free text)"),
)
LOG_FORMAT = "zhanqun"
# /var/log/nginx exists wherever nginx is installed, belongs to root (the deploy user cannot rewrite the
# figures of the annual report) and Debian's logrotate rotates its *.log (keep them a year: handbook §9.4).
ACCESS_LOG = "/var/log/nginx/{host}.access.log"
# Written every 64 kB or 10 s (and when nginx reopens its logs or stops), not one write per request.
ACCESS_LOG_BUFFER = "buffer=64k flush=10s"


@dataclasses.dataclass(frozen=True)
class PreviewServer:
    """The preview server (issue 15): ``pr-N.<domain>`` (the landing page) and ``pr-N-<label>.<domain>`` for each
    ``labels`` of the cluster, served from ``root/pr-N/<preview host>/current`` (zhanqun.preview.store), only to
    the networks in ``allow`` (none: every address; the server must then be reachable from the intranet only)."""

    domain: str
    root: Path
    labels: tuple[str, ...]
    allow: tuple[str, ...] = ()


PREVIEW_ROBOTS = ("X-Robots-Tag", '"noindex, nofollow"')
# The landing page and the review sheet are self-contained pages: one <style>, no script, no other resource.
LANDING_CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; "
               "frame-ancestors 'none'")


def render(hosts: list[str], deploy_root: Path | None, cert: str, key: str, http_port: int = 80, https_port: int = 443,
           access_log: str = ACCESS_LOG, portal: str = "", preview: PreviewServer | None = None,
           editor_host: str = "", editor_root: Path | None = None, editor_connect: list[str] | None = None,
           editor_allow: list[str] | None = None) -> str:
    """``cert`` and ``key`` may contain ``{host}`` (one certificate per host) or name one certificate for all;
    so may ``access_log`` (one log per host, the default, or one for all: each line names its host), or it is
    ``off``. ``portal`` is the portal's host, whose 统一检索 reads the other sites' search bundles (none: each
    site searches only itself). ``preview``: the intranet preview server (issue 15). ``editor_host`` and
    ``editor_root``: the web editor's own server (issue 15), ``editor_connect`` the git host's origins it may talk
    to, ``editor_allow`` the networks that may reach it."""
    if editor_host:
        if editor_host.lower() in {h.lower() for h in hosts}:
            raise UsageError(f"编辑器的主机名 {editor_host} 是站群网站的主机名。",
                             hint="编辑器要用自己的主机名（如 cms.<域名>，只在内网解析），不能放在公众网站上。")
        if editor_root is None:
            raise UsageError("有 --editor-host 时还要给出 --editor-root（zhanqun cms 的输出目录）。")
        inside = editor_root.as_posix().rstrip("/") + "/"
        for served in (deploy_root, preview.root if preview is not None else None):
            if served is not None and inside.startswith(served.as_posix().rstrip("/") + "/"):
                raise UsageError(f"编辑器目录 {editor_root} 在网站的部署根目录 {served} 之下。",
                                 hint="编辑器放在部署根目录和预览根目录之外（如 /srv/cms），网站才不会带上它。")
    lines = [
        "# 由 zhanqun nginx 根据站群配置生成，请勿手工修改；放在 http { } 中 include。",
        *log_format(),
        "# 未知主机：HTTP 直接断开，HTTPS 拒绝握手；握手用了站群的主机名、请求的 Host 却不在站群中时也直接断开。",
        "server {",
        f"    listen {http_port} default_server;",
        f"    listen [::]:{http_port} default_server;",
        "    server_name _;",
        "    return 444;",
        "}",
        "server {",
        f"    listen {https_port} ssl default_server;",
        f"    listen [::]:{https_port} ssl default_server;",
        "    server_name _;",
        "    ssl_reject_handshake on;",
        "    return 444;  # a valid SNI, then a Host that is no server_name here: nginx hands it to this server",
        "}",
    ]
    headers = [f"    add_header {name} {value} always;" for name, value in SECURITY_HEADERS]
    types = ["    types {", *(f"        {mime} {exts};" for mime, exts in SERVED_TYPES.items()), "    }",
             "    default_type application/octet-stream;"]
    for host in sorted(hosts) if deploy_root is not None else ():
        root = (deploy_root / host / "current").as_posix() if deploy_root is not None else ""
        searching = [h for h in headers if "Content-Security-Policy" not in h]
        searching.append(f'    add_header Content-Security-Policy "{search_csp(hosts, host, portal)}" always;')
        cors = ([f'        add_header Access-Control-Allow-Origin "https://{portal}" always;']
                if portal and host != portal and portal in hosts else [])
        lines += [
            "",
            "server {",
            f"    listen {http_port};",
            f"    listen [::]:{http_port};",
            f"    server_name {host};",
            _access_log(access_log, host),
            f"    return 301 https://{host}$request_uri;",
            "}",
            "server {",
            f"    listen {https_port} ssl http2;",
            f"    listen [::]:{https_port} ssl http2;",
            f"    server_name {host};",
            f"    root {root};",
            _access_log(access_log, host),
            "    index index.html;",
            "    disable_symlinks on from=$document_root;  # current is a link; nothing below it may be",
            f"    ssl_certificate {cert.format(host=host)};",
            f"    ssl_certificate_key {key.format(host=host)};",
            "    ssl_protocols TLSv1.2 TLSv1.3;",
            "    server_tokens off;",
            "    charset utf-8;",
            "    gzip on;",
            "    gzip_vary on;",
            "    gzip_min_length 256;",
            f"    gzip_types {GZIP_TYPES};",
            "    # add_header in a location replaces the server's, so each location repeats them",
            *types,
            *_locations(headers, searching, cors),
            "}",
        ]
    if preview is not None:
        lines += _preview_servers(preview, types, cert, key, http_port, https_port, access_log,
                                  portal.split(".")[0] if portal else "", portal.partition(".")[2])
    if editor_host and editor_root is not None:
        lines += editor_server(editor_host, editor_root, cert, key, https_port, http_port, editor_connect or [],
                               editor_allow or [], access_log)
    return "\n".join(lines) + "\n"


def _preview_servers(preview: PreviewServer, types: list[str], cert: str, key: str, http_port: int, https_port: int,
                     access_log: str, portal_label: str, cluster_domain: str) -> list[str]:
    """The preview's server blocks (issue 15): regex server names for exactly the cluster's labels (another label,
    a number with a leading zero, anything else is no server here: 444), the root chosen by the number and the
    host (a pull request without a preview: 404), X-Robots-Tag, the live sites' headers, types and locations."""
    domain = re.escape(preview.domain)
    number = "(?<zq_pr>[1-9][0-9]{0,6})"
    labels = "|".join(re.escape(label) for label in sorted(preview.labels))
    site_name = f'"~^pr-{number}-(?<zq_label>{labels})\\.{domain}$"'
    landing_name = f'"~^pr-{number}\\.{domain}$"'
    root = preview.root.as_posix()
    robots = f"    add_header {PREVIEW_ROBOTS[0]} {PREVIEW_ROBOTS[1]} always;"
    headers = [f"    add_header {name} {value} always;" for name, value in SECURITY_HEADERS] + [robots]
    csp = CSP.replace("script-src 'self'", "script-src 'self' 'wasm-unsafe-eval'") + f"; connect-src 'self' https://*.{preview.domain}"
    searching = [h for h in headers if "Content-Security-Policy" not in h]
    searching.append(f'    add_header Content-Security-Policy "{csp}" always;')
    cors = ([f'        add_header Access-Control-Allow-Origin "https://pr-$zq_pr-{portal_label}.{preview.domain}" always;']
            if portal_label else [])
    access = ["    allow " + cidr + ";" for cidr in preview.allow] + (["    deny all;"] if preview.allow else
                                                                     ["    # 没有 --preview-allow：预览服务器只能放在内网，不能从互联网访问"])
    landing_headers = [h for h in headers if "Content-Security-Policy" not in h]
    landing_headers.append(f'    add_header Content-Security-Policy "{LANDING_CSP}" always;')
    common = [
        _access_log(access_log, preview.domain),
        *access,
        "    index index.html;",
        "    disable_symlinks on from=$document_root;",
        f"    ssl_certificate {cert.format(host=preview.domain)};  # *.{preview.domain}: one label, every preview host",
        f"    ssl_certificate_key {key.format(host=preview.domain)};",
        "    ssl_protocols TLSv1.2 TLSv1.3;",
        "    server_tokens off;",
        "    charset utf-8;",
        "    gzip on;",
        "    gzip_vary on;",
        "    gzip_min_length 256;",
        f"    gzip_types {GZIP_TYPES};",
    ]
    return [
        "",
        f"# 合并请求的预览（议题 15）：pr-<编号>.{preview.domain} 是预览首页和审核单，pr-<编号>-<标签>.{preview.domain} 是各站点。",
        "# 只在内网提供；每个页面 noindex。预览的站点与正式网站用同样的响应头、类型规则和 CSP。",
        "server {",
        f"    listen {http_port};",
        f"    listen [::]:{http_port};",
        f"    server_name {site_name} {landing_name};",
        *access,
        "    return 301 https://$host$request_uri;",
        "}",
        "server {",
        f"    listen {https_port} ssl http2;",
        f"    listen [::]:{https_port} ssl http2;",
        f"    server_name {landing_name};",
        f"    root {root}/pr-$zq_pr/$host/current;",
        *common,
        *landing_headers,
        '    add_header Cache-Control "no-cache" always;',
        "    types {",
        "        text/html html;",
        "        text/plain txt;",
        "    }",
        "    default_type application/octet-stream;",
        "    location ~ /\\. {",
        "        return 404;",
        "    }",
        "    location = /zhanqun-manifest.json {",
        "        return 404;",
        "    }",
        '    location ~* "\\.(?!(?:html|txt)$)[^./]*$" {  # the landing page and the review sheet are pages',
        "        return 404;",
        "    }",
        "    location / {",
        "        try_files $uri $uri/ =404;",
        "    }",
        "}",
        "server {",
        f"    listen {https_port} ssl http2;",
        f"    listen [::]:{https_port} ssl http2;",
        f"    server_name {site_name};",
        f"    root {root}/pr-$zq_pr/$host/current;",
        f"    set $zq_home {root}/pr-$zq_pr;",
        f"    set $zq_site {root}/pr-$zq_pr/$host/current;",
        "    if (!-d $zq_home) {  # no preview of this pull request",
        "        return 404;",
        "    }",
        "    if (!-d $zq_site) {  # a site the change does not affect: it is the same as the live one",
        f"        return 302 https://$zq_label.{cluster_domain}$request_uri;",
        "    }",
        *common,
        "    # add_header in a location replaces the server's, so each location repeats them",
        *types,
        *_locations(headers, searching, cors),
        "}",
    ]


def _locations(headers: list[str], searching: list[str], cors: list[str]) -> list[str]:
    """The locations of a site's HTTPS server, the same for a live site and its preview (issue 15)."""
    extensions = "|".join(sorted(ext for exts in SERVED_TYPES.values() for ext in exts.split()))
    return [
        "    location ~ /\\.(?!well-known/) {  # first: regex locations match in order",
        "        return 404;",
        "    }",
        f"    location ~ {FEED_LOCATION} {{  # the Atom feeds, before the type rule refuses .xml (issue 14)",
        "        types { }",
        f"        default_type {FEED_TYPE};",
        f"        charset_types {FEED_TYPE};",
        *("    " + h for h in headers if "Content-Security-Policy" not in h),
        f'        add_header Content-Security-Policy "{XML_CSP}" always;',
        '        add_header Cache-Control "no-cache" always;',
        "    }",
        f'    location ~* "\\.(?!(?:{extensions})$)[^./]*$" {{  # a type no site publishes (R4.11)',
        "        return 404;",
        "    }",
        '    location ~* "^/(?!theme/).*\\.js$" {  # scripts only from the theme, never from a column',
        "        return 404;",
        "    }",
        '    location ~ "/[^/.]+$" {  # a name without a type is a folder (its index.html) or nothing',
        "        try_files $uri/ =404;",
        *("    " + h for h in headers),
        '        add_header Cache-Control "no-cache" always;',
        "    }",
        "    location ~* \\.svg$ {  # before the hashed assets: an SVG always gets its own CSP",
        *("    " + h for h in headers if "Content-Security-Policy" not in h),
        f'        add_header Content-Security-Policy "{SVG_CSP}" always;',
        '        add_header Cache-Control "public, max-age=3600" always;',
        "    }",
        *(line for name in XML_FILES for line in (
            f"    location = /{name} {{  # exact: before the regex locations; only these XML files (issue 14)",
            "        types { }",
            "        default_type application/xml;",
            *("    " + h for h in headers if "Content-Security-Policy" not in h),
            f'        add_header Content-Security-Policy "{XML_CSP}" always;',
            '        add_header Cache-Control "no-cache" always;',
            "    }")),
        f"    location = {SEARCH_PAGE}index.html {{  # the search results page (R3.7): WebAssembly for Pagefind",
        *("    " + h for h in searching),  # /sousuo/ comes here too: the index directive's internal redirect
        '        add_header Cache-Control "no-cache" always;',
        "    }",
        f"    location ^~ {SEARCH_BUNDLE} {{  # the search bundle (R3.7): no regex location below applies here",
        "        types {",
        *(f"            {mime} {exts};" for mime, exts in SEARCH_TYPES.items()),
        "        }",
        "        default_type application/octet-stream;",
        f'        location ~ "{SEARCH_FILES}" {{',
        *("        " + h for h in searching),
        *("    " + c for c in cors),
        '            add_header Cache-Control "no-cache" always;',
        f'            location ~ "{SEARCH_CHUNKS}" {{',
        *("            " + h for h in searching),
        *("        " + c for c in cors),
        '                add_header Cache-Control "public, max-age=31536000, immutable" always;',
        "            }",
        "        }",
        "        return 404;  # anything else under /pagefind/",
        "    }",
        "    location = /zhanqun-manifest.json {  # for zhanqun verify on the server, not for visitors",
        "        return 404;",
        "    }",
        *headers,
        '    add_header Cache-Control "no-cache" always;',
        "    location / {",
        "        try_files $uri $uri/ =404;",
        *("    " + h for h in headers),
        '        add_header Cache-Control "no-cache" always;',
        "    }",
        f'    location ~* "\\.[0-9a-f]{{16,}}\\.({ASSETS})$" {{',  # quoted: nginx reads { as a block
        "        # a content hash in the name: the file never changes under it",
        *("    " + h for h in headers),
        '        add_header Cache-Control "public, max-age=31536000, immutable" always;',
        "    }",
        "    location ~* \\.(css|js)$ {  # not content-hashed: revalidated, so a deploy is seen at once",
        *("    " + h for h in headers),
        '        add_header Cache-Control "no-cache" always;',
        "    }",
        f"    location ~* \\.({ASSETS})$ {{",
        *("    " + h for h in headers),
        '        add_header Cache-Control "public, max-age=3600" always;',
        "    }",
    ]


def log_format() -> list[str]:
    """The ``log_format zhanqun`` lines, each field with what it is (nginx joins the quoted pieces)."""
    pieces = [f"    '{variable}{'' if i == len(LOG_FIELDS) - 1 else chr(92) + 't'}'  # {what}"
              for i, (variable, what) in enumerate(LOG_FIELDS)]
    return ["# 访问日志（R8.4，年度报表的访问量由 zhanqun annual-report --access-log 统计）：一行一个请求，字段之间是制表符。",
            f"log_format {LOG_FORMAT}", *pieces, "    ;"]


_SERVER_PATH = re.compile(r"/(?:[A-Za-z0-9._/-]|\{host\})*")


def check_path(option: str, value: str, *, may_be_off: bool = False) -> str:
    """``value`` as a path nginx reads or writes (``--cert``, ``--key``, ``--access-log``): absolute, ``{host}`` the only
    placeholder, nothing nginx's parser would read as syntax (a space, ``;``, a quote, ``$``) — a path like
    ``/x; include /etc/shadow`` would otherwise put a directive into the config."""
    if may_be_off and value == "off":
        return value
    if not _SERVER_PATH.fullmatch(value):
        raise UsageError(f"{option} 不是可用的服务器路径：{value}",
                         hint="写绝对路径，只用字母、数字和 . _ - /，可以含 {host}（换成主机名）"
                              + ("；不写日志写 off。" if may_be_off else "。"))
    return value


def _access_log(path: str, host: str) -> str:
    if path == "off":
        return "    access_log off;"
    return f"    access_log {path.format(host=host)} {LOG_FORMAT} {ACCESS_LOG_BUFFER};"


def check_cidr(value: str) -> str:
    """An address or network for ``allow`` (``--preview-allow``): what nginx's parser reads as one address."""
    try:
        return str(ipaddress.ip_network(value.strip(), strict=False))
    except ValueError:
        from zhanqun.preview.rules import PREVIEW_OPTION

        raise UsageError(f"--preview-allow 不是 IP 地址或网段：{value}", code=PREVIEW_OPTION,
                         hint="写内网的网段，如 10.0.0.0/8 或 192.168.1.0/24。") from None
