"""The review gates of one file's text (R4.2–R4.5, R4.7): personal data, secrets, banned content,
wording and images, plus the links to resolve later. Pure: text and rule data in, findings out.

Scanners are built once per process from the rule data (:func:`for_data`); attachments use the
personal-data, secrets and banned-content scanners on their extracted text.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from zhanqun.checks import banned, images, links, personal_data, placeholder, secrets, wording
from zhanqun.checks.ruledata import RuleData
from zhanqun.checks.textscan import Text
from zhanqun.checks.wording import PostFinder
from zhanqun.findings import Finding

if TYPE_CHECKING:
    from zhanqun.config import ClusterConfig

_T = TypeVar("_T")


class Gates:
    """The per-file scanners of some rule data. Each scanner is built on first use (compiling the patterns and
    automata takes ~0.2 s): a check or inspection whose parses all come from the cache never needs them, only
    :attr:`digest`. :meth:`ready` builds them all at once (before forking workers)."""

    def __init__(self, data: RuleData, bulk: bool = True, allow: tuple[str, ...] = ()) -> None:
        """``allow``: the cluster's own domain and cluster.yaml link_allowlist (links.yaml allow is in ``data``)."""
        self.data = data
        self.bulk = bulk
        self.allow = allow
        self.digest = data.digest + (":" + hashlib.sha256("\n".join(allow).encode()).hexdigest()[:8] if allow else "")

    def ready(self) -> Gates:
        for name in _SCANNERS:
            getattr(self, name)
        return self

    @functools.cached_property
    def personal(self) -> personal_data.Scanner:
        return _built(lambda: personal_data.Scanner(self.data["personal_data"]))

    @functools.cached_property
    def secrets(self) -> secrets.Scanner:
        return _built(lambda: secrets.Scanner(self.data["secrets"]))

    @functools.cached_property
    def banned(self) -> banned.Scanner:
        allow = tuple(self.data["links"].get("allow", [])) + self.allow
        return _built(lambda: banned.Scanner(self.data["banned"], bulk=self.bulk, allow=allow))

    @functools.cached_property
    def wording(self) -> wording.Scanner:
        return _built(lambda: wording.Scanner(self.data["wording"]))

    @functools.cached_property
    def images(self) -> images.Scanner:
        return _built(lambda: images.Scanner(self.data["images"]))

    @functools.cached_property
    def posts(self) -> PostFinder:
        return _built(lambda: PostFinder(self.data["wording"]["posts"]))

    @functools.cached_property
    def placeholders(self) -> placeholder.Scanner:
        return _built(lambda: placeholder.Scanner(self.data["placeholder"]))

    def scan_item(self, text: str, body: str, rel: str, content_type: str, body_line: int) -> Iterator[Finding]:
        """The whole file's text (front matter included) and its body, which starts at line ``body_line``."""
        doc = Text(text, rel, 1, content_type)
        yield from self.personal.scan(doc)
        yield from self.secrets.scan(doc)
        yield from self.banned.scan(doc)
        yield from self.wording.scan(doc)
        yield from self.images.scan(Text(body, rel, body_line, content_type))

    def post_mentions(self, text: str, rel: str) -> list[tuple[int, int, str, str, str]]:
        return self.posts.mentions(Text(text, rel))

    def item_links(self, body: str, body_line: int) -> list[tuple[int, int, str]]:
        """Links are read as written (a file name with full-width characters is a different file); LinkCheck
        normalises what a browser normalises: entities, and the host name. A javascript: or file: URL however
        written is H003 (not suppressible), never also a "broken link"."""
        from zhanqun.checks.html_safety import unsafe_scheme

        doc = Text(body, "", body_line)
        return [(*doc.original_position(offset), url) for offset, url in links.extract(body) if not unsafe_scheme(url)]

    def scan_attachment_text(self, doc: Text) -> Iterator[Finding]:
        yield from self.personal.scan(doc)
        yield from self.secrets.scan(doc)
        yield from self.banned.scan(doc)


_SCANNERS = ("personal", "secrets", "banned", "wording", "images", "posts", "placeholders")


def _built(make: Callable[[], _T]) -> _T:
    import re

    try:
        return make()
    except (TypeError, ValueError, KeyError, AttributeError, IndexError, re.error) as exc:
        # Only a cluster's own rules/*.yaml can get here (the built-in data is tested, and rules/ files are
        # checked for their shape first: ruledata.check): a pattern that does not compile, say.
        from zhanqun.checks.ruledata import DOCS, SHAPE
        from zhanqun.errors import FindingsError

        if isinstance(exc, KeyError):
            said = f"有一项缺少“{exc.args[0] if exc.args else ''}”"
        elif isinstance(exc, re.error):
            said = "有一个正则表达式不能编译"
        else:
            said = "有一项的写法与自带词表不同（如空的文字或不该为空的列表）"
        raise FindingsError([Finding("rules/", 0, 0, SHAPE, f"rules/ 目录下的规则数据无法使用：{said}。",
                                     "对照自带词表中同类条目的写法修改，列表写成 [a, b]；" + DOCS + "。")]) from None


@functools.lru_cache(maxsize=4)
def for_data(data: RuleData, bulk: bool = True, allow: tuple[str, ...] = ()) -> Gates:
    """The scanners for some rule data, made once per process (each built on first use). ``bulk=False`` for a
    few files (pre-commit). ``allow``: domains of the cluster that are not commercial (its own domain,
    cluster.yaml link_allowlist); part of :attr:`Gates.digest`, which parse caches key on."""
    return Gates(data, bulk, allow)


def for_cluster(root: Path, config: ClusterConfig, bulk: bool = True) -> tuple[Gates, list[Finding]]:
    """The scanners of a cluster's rule data and the findings about its rules/ files (ruledata.load_checked). Built
    at once when rules/ adds to the data, so a pattern that does not compile is a finding here, not a stop later;
    with any error, the package's data alone."""
    from zhanqun.checks import ruledata
    from zhanqun.errors import FindingsError

    data, findings = ruledata.load_checked(root)
    allow = allowed_domains(config)
    gates = for_data(data, bulk, allow)
    if data is not ruledata.load_checked(None)[0]:
        try:
            gates.ready()
        except FindingsError as exc:
            findings += exc.findings
            gates = for_data(ruledata.load_checked(None)[0], bulk, allow)
    return gates, findings


def allowed_domains(config: ClusterConfig) -> tuple[str, ...]:
    """The domains a cluster's config allows besides links.yaml: its own domain and its link_allowlist."""
    return tuple(sorted({config.domain, *config.link_allowlist}))
