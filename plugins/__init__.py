"""zhanqun's Pelican plugins (issue 13): ``zhanqun.plugins.reader`` and ``zhanqun.plugins.site``, passed to
Pelican's ``PLUGINS`` by module name, each with ``register()``. The site being built reaches them through the
``ZHANQUN_VIEW`` setting (:func:`view`), never through module globals.

This folder is the source of the ``zhanqun.plugins`` package: the wheel maps it there, and in a checkout
``zhanqun.defaults`` maps the name to it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from zhanqun.build.view import SiteView

VIEW_SETTING = "ZHANQUN_VIEW"


def view(settings: dict[str, Any]) -> SiteView:
    """The site a Pelican run builds, from its settings."""
    found = settings.get(VIEW_SETTING)
    if found is None:
        raise RuntimeError("zhanqun plugins run only inside `zhanqun build`")
    return found
