"""The site being built in this process; set by the builder, read by the Pelican plugins.

Pelican settings are copied around, so the (large) cluster model travels here instead of in settings.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from zhanqun.build.view import SiteView
    from zhanqun.content import Item

VIEW: SiteView | None = None
ITEMS_BY_PATH: dict[str, Item] = {}


def activate(view: SiteView) -> None:
    global VIEW, ITEMS_BY_PATH
    VIEW = view
    root = view.cluster.root
    ITEMS_BY_PATH = {str((root / item.rel).resolve()): item for item in view.own_items}


def current() -> SiteView:
    if VIEW is None:
        raise RuntimeError("zhanqun plugins run only inside `zhanqun build`")
    return VIEW
