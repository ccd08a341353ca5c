"""The defaults zhanqun ships (issue 13): the schemas, the theme, the Pelican settings, the workflow templates
``zhanqun init`` writes and the pre-commit hooks, plus the Pelican plugins as the ``zhanqun.plugins`` package.

This repository's top-level ``schemas/``, ``themes/``, ``plugins/``, ``pelicanconf.py``, ``.github/workflows/``
and ``.pre-commit-hooks.yaml`` are their one source. The wheel maps them into the package
(``zhanqun/defaults/…`` and ``zhanqun/plugins/``, see pyproject.toml); in a checkout (an editable install) they
are found where they are. :func:`path` is the one place that knows both.

A cluster repository overrides parts of them in its own folders (docs/cluster-repo.md): ``themes/<name>/``
layered over the package's theme, ``schemas/<type>.schema.json`` combined with the package's schema,
``rules/``, and extra Pelican plugins.
"""

from __future__ import annotations

import functools
import importlib.abc
import importlib.machinery
import importlib.util
import sys
import types
from collections.abc import Sequence
from pathlib import Path

__all__ = ["THEME", "checkout", "install_finder", "path", "plugins_dir", "same", "theme_dir"]

THEME = "zhanqun"  # the theme's folder name under themes/
# name inside the package -> path in a checkout of this repository
_CHECKOUT_NAMES = {
    "schemas": "schemas",
    "themes": "themes",
    "pelicanconf.py": "pelicanconf.py",
    "workflows": ".github/workflows",
    "pre-commit-hooks.yaml": ".pre-commit-hooks.yaml",
}
_PACKAGE = Path(__file__).resolve().parent


@functools.cache
def checkout() -> Path | None:
    """The repository this package runs from when it is a checkout (editable install), else None."""
    top = _PACKAGE.parent.parent
    if _PACKAGE.parent.name == "src" and (top / "pyproject.toml").is_file() and (top / "schemas").is_dir():
        return top
    return None


def path(name: str) -> Path:
    """The shipped default ``name`` (one of ``schemas``, ``themes``, ``pelicanconf.py``, ``workflows``,
    ``pre-commit-hooks.yaml``): package data first (importlib.resources), the checkout as the fallback."""
    if name not in _CHECKOUT_NAMES:
        raise KeyError(name)
    from importlib import resources

    shipped = resources.files("zhanqun").joinpath("defaults", name)
    if shipped.is_dir() or shipped.is_file():
        return Path(str(shipped))
    top = checkout()
    if top is None:  # pragma: no cover - a broken installation
        raise FileNotFoundError(f"zhanqun 安装不完整：找不到内置的 {name}，请重新安装 zhanqun。")
    return top / _CHECKOUT_NAMES[name]


def theme_dir() -> Path:
    return path("themes") / THEME


def plugins_dir() -> Path:
    """Where the ``zhanqun.plugins`` modules are (the wheel's ``zhanqun/plugins/``, or the checkout's ``plugins/``)."""
    shipped = _PACKAGE / "plugins"
    if (shipped / "__init__.py").is_file():
        return shipped
    top = checkout()
    if top is None:  # pragma: no cover - a broken installation
        raise FileNotFoundError("zhanqun 安装不完整：找不到 zhanqun.plugins，请重新安装 zhanqun。")
    return top / "plugins"


def same(a: Path, b: Path) -> bool:
    """Whether two paths are one folder or file (the demo county in this checkout uses the defaults themselves)."""
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return False


class _CheckoutPlugins(importlib.abc.MetaPathFinder):
    """In a checkout, ``zhanqun.plugins`` is the top-level ``plugins/`` folder (the wheel puts it inside the
    package). Only that one name is mapped; its modules are found below it as usual."""

    def find_spec(self, fullname: str, path: Sequence[str] | None = None,
                  target: types.ModuleType | None = None) -> importlib.machinery.ModuleSpec | None:
        if fullname != "zhanqun.plugins" or (_PACKAGE / "plugins").is_dir():
            return None
        top = checkout()
        init = top / "plugins" / "__init__.py" if top else None
        if init is None or not init.is_file():
            return None
        return importlib.util.spec_from_file_location(fullname, init, submodule_search_locations=[str(init.parent)])


def install_finder() -> None:
    if not any(isinstance(f, _CheckoutPlugins) for f in sys.meta_path):
        sys.meta_path.append(_CheckoutPlugins())
