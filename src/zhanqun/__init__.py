"""zhanqun 站群: a county government website cluster built from one git repository."""

__version__ = "0.1.0"
__all__ = ["__version__"]
