"""``zhanqun serve UNIT|HOST``: build one site into a preview folder, serve it, rebuild and reload on change.

Issue 15 (previewing locally without surprises):
- the argument is a unit id or a host; a channel unit (``hosting: channel``) lives under the portal at
  ``/<unit>/``, so the portal is built and served and the URL printed is the unit's section;
- the port is checked before anything is built: a busy port is B009 with a Chinese message and exit 1, not a
  crash log; ``--port 0`` lets the system pick a free one (the URL printed says which);
- a broken file of ANOTHER unit does not stop the preview: the build is retried from a copy of the sources
  under ``.zhanqun-cache/preview-src`` with those files left out, and every served page carries a banner
  naming them (file:line, in Chinese);
- an error in the served unit's own files (at start or after a save) keeps the last good build and shows the
  findings in a banner on every served page; livereload reloads the browser after each rebuild;
- serve writes only under ``.zhanqun-cache/`` and never publishes or deploys anything.
"""

from __future__ import annotations

import errno
import html
import re
import shutil
import socket
from collections.abc import Generator, Sequence
from pathlib import Path

from zhanqun import output
from zhanqun.build import build_cluster
from zhanqun.build.rules import SERVE_PORT_BUSY
from zhanqun.errors import FindingsError, ZhanqunError
from zhanqun.findings import Finding

PREVIEW = Path(".zhanqun-cache") / "preview"
SHADOW = Path(".zhanqun-cache") / "preview-src"  # the sources with other units' broken files left out
SOURCES = ("content", "schemas", "themes", "plugins", "pelicanconf.py", ".zhanqun")  # what a build reads
BANNER_ID = "zhanqun-preview-problems"


class Banner:
    """The problems every served HTML page shows at its top (empty: none). One per process (one serve)."""

    html: bytes = b""

    @classmethod
    def show(cls, own: Sequence[Finding], others: Sequence[Finding]) -> None:
        parts = []
        if own:
            parts.append(_block("预览有错误，下面是上一次成功构建的页面。请按提示修改后保存，页面会自动刷新：", own, "#a00000"))
        if others:
            parts.append(_block("其他单位的这些文件有错误，预览中暂时不显示它们（不影响预览本单位）：", others, "#7a5200"))
        cls.html = "".join(parts).encode("utf-8")


def _line(f: Finding) -> str:
    where = f"{f.path}:{f.line}" if f.line else f.path
    hint = f"（{f.hint}）" if f.hint else ""
    return f"<li><code>{html.escape(where)}</code> {html.escape(f.code)} {html.escape(f.message)}{html.escape(hint)}</li>"


def _block(title: str, findings: Sequence[Finding], colour: str) -> str:
    return (f"<div id=\"{BANNER_ID}\" role=\"alert\" style=\"background:#fff4f4;color:{colour};border:3px solid {colour};"
            "padding:.75rem 1rem;margin:0;font-size:16px;line-height:1.6;position:relative;z-index:99999\">"
            f"<strong>{html.escape(title)}</strong><ul style=\"margin:.25rem 0 0 1.25rem\">"
            + "".join(_line(f) for f in findings[:50]) + "</ul></div>")


_BODY = re.compile(rb"<body[^>]*>", re.IGNORECASE)


def with_banner(page: bytes, banner: bytes) -> bytes:
    """``page`` with ``banner`` right after its ``<body>`` tag (at the start when it has none)."""
    found = _BODY.search(page)
    at = found.end() if found else 0
    return page[:at] + banner + page[at:]


def _handler() -> type:
    from livereload.handlers import StaticFileHandler  # type: ignore[import-untyped]

    class PreviewFiles(StaticFileHandler):  # type: ignore[misc]
        """The preview's files, each HTML page with the banner while there are problems."""

        def compute_etag(self) -> str | None:
            return None if Banner.html else str(super().compute_etag())

        def get_content_size(self) -> int:
            size = int(super().get_content_size())
            return size + len(Banner.html) if Banner.html and str(self.absolute_path).endswith(".html") else size

        @classmethod
        def get_content(cls, abspath: str, start: int | None = None, end: int | None = None) -> Generator[bytes]:
            if Banner.html and abspath.endswith(".html"):
                page = b"".join(super().get_content(abspath))
                yield with_banner(page, Banner.html)[start:end]
                return
            yield from super().get_content(abspath, start, end)

        def should_return_304(self) -> bool:  # a page cached before the problems must not hide them
            return not Banner.html and bool(super().should_return_304())

    return PreviewFiles


def target(root: Path, name: str) -> tuple[str, str]:
    """(host, path of the section inside the site) for a unit id or a host: ``("www.x.gov.cn", "qingshui/")``
    for a channel unit, ``(host, "")`` for a site's owner or a host given as such."""
    from zhanqun.signoff.run import load_config

    cluster = load_config(root)
    if name in cluster.units:
        return cluster.host_of(name), cluster.unit_prefix(name)
    return cluster.site(name).host, ""


def free_port(bind: str, port: int) -> int:
    """The port to serve on, checked before building: ``port`` when it can be bound (0: one the system picks);
    B009 (a ZhanqunError, exit 1) when it is busy or the address is not this machine's."""
    family = socket.AF_INET6 if ":" in bind else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as tornado binds: TIME_WAIT is not busy
        try:
            probe.bind((bind, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise ZhanqunError(f"端口 {port} 已被占用（{bind}:{port}），无法启动预览。", code=SERVE_PORT_BUSY,
                                   hint=f"结束占用它的程序（如另一个 zhanqun serve），或换一个端口：--port {port + 1 if port < 65535 else 8001}；"
                                        "--port 0 由系统挑一个空闲端口。") from None
            if exc.errno == errno.EACCES:
                raise ZhanqunError(f"没有权限使用端口 {port}（小于 1024 的端口需要管理员权限）。", code=SERVE_PORT_BUSY,
                                   hint="换一个 1024 以上的端口，如 --port 8000。") from None
            raise ZhanqunError(f"不能在地址 {bind} 上预览：{exc.strerror}。", code=SERVE_PORT_BUSY,
                               hint="--bind 写本机的地址：127.0.0.1（只本机可看），或 0.0.0.0（办公网内可看）。") from None
        return int(probe.getsockname()[1])


def own_units(root: Path, name: str, host: str) -> set[str]:
    """The units whose errors stop the preview: the unit named, or every unit of the host named."""
    from zhanqun.signoff.run import load_config

    cluster = load_config(root)
    return {name} if name in cluster.units else {u for u in cluster.units if cluster.host_of(u) == host}


def _other_units_file(finding: Finding, own: set[str]) -> bool:
    """A finding in a file of another unit's column folder (an item, an attachment): leaving it out of the
    preview changes nothing of the unit previewed. unit.yaml and cluster.yaml are never left out."""
    parts = finding.path.split("/")
    return len(parts) >= 4 and parts[0] == "content" and parts[1] not in own


def _shadow(root: Path, skipped: set[str]) -> Path:
    """A copy of what the build reads, without ``skipped`` (paths relative to ``root``)."""
    target = root / SHADOW
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    for part in SOURCES:
        source = root / part
        if source.is_dir():
            shutil.copytree(source, target / part, symlinks=True, ignore=lambda folder, names: [
                n for n in names if (Path(folder) / n).relative_to(root).as_posix() in skipped])
        elif source.is_file():
            shutil.copy2(source, target / part)
    return target


def build_preview(root: Path, host: str, own: set[str]) -> bool:
    """Build ``host`` into the preview; other units' broken files are left out (retried from a copy without
    them). Shows what went wrong in the banner and the terminal; returns whether a build was published."""
    preview = root / PREVIEW
    skipped: dict[str, Finding] = {}
    for _ in range(5):  # leaving files out can uncover others (a link to a left-out item)
        source = _shadow(root, set(skipped)) if skipped else root
        try:
            report = build_cluster(source, preview, [host], jobs=1)
        except FindingsError as exc:
            others = [f for f in exc.findings if _other_units_file(f, own)]
            if others and all(_other_units_file(f, own) or f.path in skipped for f in exc.findings):
                skipped.update({f.path: f for f in others})
                continue
            own_problems = [f for f in exc.findings if not _other_units_file(f, own)]
            output.print_findings(exc.findings)
            output.error("有错误，预览保持上一次的结果（浏览器中的页面顶部也列出了这些错误）。")
            Banner.show(own_problems or exc.findings, [f for f in exc.findings if f not in own_problems] or list(skipped.values()))
            return False
        except ZhanqunError as exc:
            output.error(str(exc))
            Banner.show([Finding("", 0, 0, exc.code or "", exc.message, exc.hint)], list(skipped.values()))
            return False
        output.info(report.text())
        if skipped:
            output.error("其他单位的这些文件有错误，预览中暂不显示：" + "、".join(sorted(skipped)))
        Banner.show([], list(skipped.values()))
        return True
    Banner.show([], list(skipped.values()))
    return False


def serve(root: Path, name: str, *, bind: str = "127.0.0.1", port: int = 8000) -> None:
    from livereload import Server

    root = root.resolve()
    host, section = target(root, name)
    own = own_units(root, name, host)
    port = free_port(bind, port)
    preview = root / PREVIEW
    site = preview / host
    if not build_preview(root, host, own) and not (site / "index.html").is_file():
        (site).mkdir(parents=True, exist_ok=True)  # nothing built yet: a page that shows the errors
        (site / "index.html").write_text("<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
                                         "<title>预览有错误</title></head><body></body></html>\n", encoding="utf-8")

    def rebuild() -> None:
        build_preview(root, host, own)

    server = Server()
    server.SFH = _handler()
    for folder in ("content", "themes", "plugins", "schemas"):
        server.watch(str(root / folder), rebuild, delay=0.5)
    shown = "localhost" if bind in ("127.0.0.1", "::1") else bind
    where = f"（{name} 是门户下的频道，在门户网站的 /{section} 中）" if section else ""
    note = "；注意：--bind 0.0.0.0 时办公网内的其他电脑也能打开这个预览" if bind in ("0.0.0.0", "::") else ""
    output.info(f"预览 {host}{where}：http://{shown}:{port}/{section} （按 Ctrl-C 结束{note}）")
    server.serve(root=str(site), host=bind, port=port, open_url_delay=None, restart_delay=0)
