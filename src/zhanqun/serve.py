"""``zhanqun serve HOST``: build one site into a preview folder, serve it, rebuild and reload on change."""

from __future__ import annotations

from pathlib import Path

from zhanqun import output
from zhanqun.build import build_cluster
from zhanqun.errors import FindingsError, ZhanqunError


def serve(root: Path, host: str, *, bind: str = "127.0.0.1", port: int = 8000) -> None:
    from livereload import Server

    root = root.resolve()
    preview = root / ".zhanqun-cache" / "preview"
    report = build_cluster(root, preview, [host], jobs=1)
    site_host = next(iter(report.built), None) or report.unchanged[0]

    def rebuild() -> None:
        try:
            output.info(build_cluster(root, preview, [site_host], jobs=1).text())
        except FindingsError as exc:
            output.print_findings(exc.findings)
            output.error("有错误，预览保持上一次的结果。")
        except ZhanqunError as exc:
            output.error(str(exc))

    server = Server()
    for folder in ("content", "themes", "plugins", "schemas"):
        server.watch(str(root / folder), rebuild, delay=0.5)
    output.info(f"预览 {site_host}：http://{bind}:{port}/ （按 Ctrl-C 结束）")
    server.serve(root=str(preview / site_host), host=bind, port=port, open_url_delay=None, restart_delay=0)
