"""The review gates of one file's text (R4.2–R4.5, R4.7): personal data, secrets, banned content,
wording and images, plus the links to resolve later. Pure: text and rule data in, findings out.

Scanners are built once per process from the rule data (:func:`for_data`); attachments use the
personal-data, secrets and banned-content scanners on their extracted text.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Iterator

from zhanqun.checks import banned, images, links, personal_data, placeholder, secrets, wording
from zhanqun.checks.ruledata import RuleData
from zhanqun.checks.textscan import Text
from zhanqun.errors import UsageError
from zhanqun.findings import Finding


class Gates:
    def __init__(self, data: RuleData, bulk: bool = True, allow: tuple[str, ...] = ()) -> None:
        """``allow``: the cluster's own domain and cluster.yaml link_allowlist (links.yaml allow is in ``data``)."""
        self.data = data
        self.digest = data.digest + (":" + hashlib.sha256("\n".join(allow).encode()).hexdigest()[:8] if allow else "")
        self.personal = personal_data.Scanner(data["personal_data"])
        self.secrets = secrets.Scanner(data["secrets"])
        self.banned = banned.Scanner(data["banned"], bulk=bulk, allow=tuple(data["links"].get("allow", [])) + allow)
        self.wording = wording.Scanner(data["wording"])
        self.images = images.Scanner(data["images"])
        self.posts = wording.PostFinder(data["wording"]["posts"])
        self.placeholders = placeholder.Scanner(data["placeholder"])

    def scan_item(self, text: str, body: str, rel: str, content_type: str, body_line: int) -> Iterator[Finding]:
        """The whole file's text (front matter included) and its body, which starts at line ``body_line``."""
        doc = Text(text, rel, 1, content_type)
        yield from self.personal.scan(doc)
        yield from self.secrets.scan(doc)
        yield from self.banned.scan(doc)
        yield from self.wording.scan(doc)
        yield from self.images.scan(Text(body, rel, body_line, content_type))

    def post_mentions(self, text: str, rel: str) -> list[wording.Mention]:
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


@functools.lru_cache(maxsize=4)
def for_data(data: RuleData, bulk: bool = True, allow: tuple[str, ...] = ()) -> Gates:
    """The scanners for some rule data, built once per process. ``bulk=False`` for a few files (pre-commit).
    ``allow``: domains of the cluster that are not commercial (its own domain, cluster.yaml link_allowlist);
    part of :attr:`Gates.digest`, which parse caches key on."""
    import re

    try:
        return Gates(data, bulk, allow)
    except (TypeError, ValueError, KeyError, AttributeError, IndexError, re.error) as exc:
        # Only a cluster's own rules/*.yaml can get here (the built-in data is tested): say so in Chinese.
        raise UsageError(f"规则数据格式不对（rules/ 目录下的 YAML）：{type(exc).__name__}: {exc}",
                         hint="对照 zhanqun 自带的同名文件（src/zhanqun/checks/data/）：列表写成 [a, b]，正则表达式须能编译。") from None


def allowed_domains(config) -> tuple[str, ...]:
    """The domains a cluster's config allows besides links.yaml: its own domain and its link_allowlist."""
    return tuple(sorted({config.domain, *config.link_allowlist}))
