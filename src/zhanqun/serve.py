"""``zhanqun serve UNIT|HOST``: build one site into a preview folder, serve it, rebuild and reload on change.

Issue 15 (previewing locally without surprises):
- the argument is a unit id or a host; a channel unit (``hosting: channel``) lives under the portal at
  ``/<unit>/``, so the portal is built and served and the URL printed is the unit's section;
- the port is checked before anything is built: a busy port is B009 with a Chinese message and exit 1, not a
  crash log; ``--port 0`` lets the system pick a free one (the URL printed says which);
- serve writes only under ``.zhanqun-cache/preview`` and never publishes or deploys anything.
"""

from __future__ import annotations

import errno
import socket
from pathlib import Path

from zhanqun import output
from zhanqun.build import build_cluster
from zhanqun.build.rules import SERVE_PORT_BUSY
from zhanqun.errors import FindingsError, ZhanqunError

PREVIEW = Path(".zhanqun-cache") / "preview"


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


def serve(root: Path, name: str, *, bind: str = "127.0.0.1", port: int = 8000) -> None:
    from livereload import Server

    root = root.resolve()
    host, section = target(root, name)
    port = free_port(bind, port)
    preview = root / PREVIEW
    build_cluster(root, preview, [host], jobs=1)

    def rebuild() -> None:
        try:
            output.info(build_cluster(root, preview, [host], jobs=1).text())
        except FindingsError as exc:
            output.print_findings(exc.findings)
            output.error("有错误，预览保持上一次的结果。")
        except ZhanqunError as exc:
            output.error(str(exc))

    server = Server()
    for folder in ("content", "themes", "plugins", "schemas"):
        server.watch(str(root / folder), rebuild, delay=0.5)
    shown = "localhost" if bind in ("127.0.0.1", "::1") else bind
    where = f"（{name} 是门户下的频道，在门户网站的 /{section} 中）" if section else ""
    note = "；注意：--bind 0.0.0.0 时办公网内的其他电脑也能打开这个预览" if bind in ("0.0.0.0", "::") else ""
    output.info(f"预览 {host}{where}：http://{shown}:{port}/{section} （按 Ctrl-C 结束{note}）")
    server.serve(root=str(preview / host), host=bind, port=port, open_url_delay=None, restart_delay=0)
