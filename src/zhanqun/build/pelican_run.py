"""Run Pelican once for one site, into a staging folder. Any Pelican warning or error fails the site:
a government build stops instead of logging and going on."""

from __future__ import annotations

import logging
from pathlib import Path

from zhanqun.build import state
from zhanqun.build.rules import SITE_FAILED
from zhanqun.build.view import SiteView
from zhanqun.errors import ZhanqunError


class _Collector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def settings_for(view: SiteView, staging: Path) -> dict:
    from pelican.settings import read_settings

    root = view.cluster.root
    conf = root / "pelicanconf.py"
    if not (root / "themes" / "zhanqun" / "templates").is_dir():  # Pelican's own error is an English traceback
        raise ZhanqunError(f"站点 {view.host}：缺少网站主题 themes/zhanqun/（templates 目录），无法构建。",
                           hint="从 zhanqun 仓库复制 themes/ 目录到站群仓库的根目录。")
    override = {
        "PATH": str(root / "content"),
        "OUTPUT_PATH": str(staging),
        "THEME": str(root / "themes" / "zhanqun"),
        "PLUGIN_PATHS": [str(root / "plugins")],
        "SITEURL": f"https://{view.host}",
        "SITENAME": view.site_name,
        "ARTICLE_PATHS": list(view.site.unit_ids),
        "ARTICLE_EXCLUDES": [],
        "DELETE_OUTPUT_DIRECTORY": False,
        "ZHANQUN_HOST": view.host,
    }
    settings = read_settings(str(conf) if conf.is_file() else None, override=override)
    # Every value from front matter or config is text: escaped wherever a template puts it (a title holding
    # '"><meta http-equiv=refresh …>' stays a title). Only the sanitised body is marked safe, in item.html.
    settings["JINJA_ENVIRONMENT"] = {**settings.get("JINJA_ENVIRONMENT", {}), "autoescape": True}
    return settings


def run(view: SiteView, staging: Path) -> None:
    import pelican
    from pelican.log import console

    console.quiet = True
    state.activate(view)
    collector = _Collector()
    logger = logging.getLogger("pelican")
    logger.addHandler(collector)
    try:
        pelican.Pelican(settings_for(view, staging)).run()
    finally:
        logger.removeHandler(collector)
    problems = [r.getMessage() for r in collector.records]
    if problems:
        raise SiteBuildError(view.host, "；".join(problems[:5]))


class SiteBuildError(ZhanqunError):
    def __init__(self, host: str, detail: str) -> None:
        super().__init__(f"站点 {host} 构建失败：{detail}", hint="输出目录保持原样。这通常是模板或插件的问题，请联系电子政务办。",
                         code=SITE_FAILED)
