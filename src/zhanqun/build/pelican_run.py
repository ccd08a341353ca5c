"""Run Pelican once for one site, into a staging folder. Any Pelican warning or error fails the site:
a government build stops instead of logging and going on."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from zhanqun import defaults
from zhanqun.build import code
from zhanqun.build.rules import SITE_FAILED
from zhanqun.build.view import SiteView
from zhanqun.errors import ZhanqunError


class _Collector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def settings_for(view: SiteView, staging: Path) -> dict[str, Any]:
    """Pelican's settings for one site: the package's pelicanconf.py and theme, the cluster's theme files layered
    over the theme, the package's plugins plus the cluster's (R11.1, docs/cluster-repo.md), the site's values,
    and the site view itself (``ZHANQUN_VIEW``: the plugins read it from their settings)."""
    from pelican.settings import read_settings

    from zhanqun.build.templates import TEMPLATE_CODE  # jinja2: not imported by `zhanqun check`
    from zhanqun.plugins import VIEW_SETTING

    root = view.cluster.root
    theme = defaults.theme_dir()
    if not (theme / "templates").is_dir():  # Pelican's own error is an English traceback
        raise ZhanqunError(f"站点 {view.host}：zhanqun 安装不完整，缺少内置主题 {theme}。", code=SITE_FAILED,
                           hint="重新安装 zhanqun（pip install --force-reinstall zhanqun）。")
    override = {
        "PATH": str(root / "content"),
        "OUTPUT_PATH": str(staging),
        "THEME": str(theme),
        "SITEURL": f"https://{view.host}",
        "SITENAME": view.site_name,
        "ARTICLE_PATHS": list(view.site.unit_ids),
        "ARTICLE_EXCLUDES": [],
        "DELETE_OUTPUT_DIRECTORY": False,
        "ZHANQUN_HOST": view.host,
        **theme_layers(view.code_root),
    }
    settings: dict[str, Any] = read_settings(str(defaults.path("pelicanconf.py")), override=override)
    extra = list(view.plugins)
    if extra:
        # module objects, loaded from the cluster's .py source only (code.load_plugins): Pelican looks nothing up
        shipped = list(settings.get("PLUGINS", []))
        settings["PLUGINS"] = [*shipped, *(p for p in code.load_plugins(view.code_root, extra) if p not in shipped)]
        settings["PLUGIN_PATHS"] = []
    # Every value from front matter or config is text: escaped wherever a template puts it (a title holding
    # '"><meta http-equiv=refresh …>' stays a title). Only the sanitised body is marked safe, in item.html.
    settings["JINJA_ENVIRONMENT"] = {**settings.get("JINJA_ENVIRONMENT", {}), "autoescape": True,
                                     "bytecode_cache": TEMPLATE_CODE}
    settings[VIEW_SETTING] = view
    return settings




def own_theme(root: Path) -> Path | None:
    """The cluster's own ``themes/zhanqun/`` when it has one that is not the package's (this checkout's is)."""
    own = root / "themes" / defaults.THEME
    return own if own.is_dir() and not defaults.same(own, defaults.theme_dir()) else None


def theme_layers(root: Path) -> dict[str, list[str]]:
    """A cluster's ``themes/zhanqun/templates`` is searched before the package's templates (a file there replaces
    the package's of the same name) and its ``static/`` is copied over the package's (R11.1)."""
    own = own_theme(root)
    if own is None:
        return {}
    layers: dict[str, list[str]] = {}
    if (own / "templates").is_dir():
        layers["THEME_TEMPLATES_OVERRIDES"] = [str(own / "templates")]
    if (own / "static").is_dir():
        layers["THEME_STATIC_PATHS"] = ["static", str(own / "static")]
    return layers


def run(view: SiteView, staging: Path) -> None:
    import pelican
    from pelican.log import console

    console.quiet = True
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
