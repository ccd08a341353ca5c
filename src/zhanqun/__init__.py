"""zhanqun 站群: a county government website cluster built from one git repository."""

__version__ = "0.2.0"
__all__ = ["__version__"]

from zhanqun import defaults as _defaults

_defaults.install_finder()  # zhanqun.plugins in a checkout (the wheel holds it inside the package)
