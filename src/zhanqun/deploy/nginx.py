"""nginx for the cluster (R6.4): one server per host serving ``DEPLOY_ROOT/<host>/current``, HTTP redirected
to HTTPS, IPv6 listeners, security headers (a CSP without inline script: the theme has none), HSTS, gzip,
long caching only for content-hashed assets, and default servers that refuse hosts not in the cluster: over
HTTP, in the TLS handshake (an unknown SNI), and after it (a cluster host's SNI with a ``Host`` that is not
one: closed without an answer, 444).

The output is the ``server`` blocks, to be included inside ``http { }`` (``include /etc/nginx/conf.d/zhanqun.conf;``).
"""

from __future__ import annotations

from pathlib import Path

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
# an XML document can be XHTML with a script; sitemaps and feeds, when they come, need their own location.)
SERVED_TYPES = {
    "text/html": "html", "text/css": "css", "application/javascript": "js", "text/csv": "csv",
    "text/plain": "txt", "image/x-icon": "ico", "font/woff2": "woff2",
    "image/png": "png", "image/jpeg": "jpg jpeg", "image/gif": "gif", "image/webp": "webp", "image/svg+xml": "svg",
    "application/pdf": "pdf", "application/msword": "doc",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.ms-excel": "xls", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/kswps": "wps", "application/kset": "et", "application/ofd": "ofd",
}
# An SVG opened by itself is a document on the site's origin: it may not run or load anything.
SVG_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox"
GZIP_TYPES = "text/css application/javascript application/json image/svg+xml text/plain application/xml text/csv"
ASSETS = "css|js|png|jpe?g|gif|svg|ico|webp|woff2?"


def render(hosts: list[str], deploy_root: Path, cert: str, key: str, http_port: int = 80, https_port: int = 443) -> str:
    """``cert`` and ``key`` may contain ``{host}`` (one certificate per host) or name one certificate for all."""
    lines = [
        "# 由 zhanqun nginx 根据站群配置生成，请勿手工修改；放在 http { } 中 include。",
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
    extensions = "|".join(sorted(ext for exts in SERVED_TYPES.values() for ext in exts.split()))
    types = ["    types {", *(f"        {mime} {exts};" for mime, exts in SERVED_TYPES.items()), "    }",
             "    default_type application/octet-stream;"]
    for host in sorted(hosts):
        root = (deploy_root / host / "current").as_posix()
        lines += [
            "",
            "server {",
            f"    listen {http_port};",
            f"    listen [::]:{http_port};",
            f"    server_name {host};",
            f"    return 301 https://{host}$request_uri;",
            "}",
            "server {",
            f"    listen {https_port} ssl http2;",
            f"    listen [::]:{https_port} ssl http2;",
            f"    server_name {host};",
            f"    root {root};",
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
            "    location ~ /\\.(?!well-known/) {  # first: regex locations match in order",
            "        return 404;",
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
            "}",
        ]
    return "\n".join(lines) + "\n"
