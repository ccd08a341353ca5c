"""Atom feeds (RFC 4287) of a site and of its columns (issue 14, R3.7), written with ``feedgenerator``'s
``Atom1Feed`` (the library Pelican writes its own feeds with). What goes in a feed is
:meth:`zhanqun.build.view.SiteView.feed`; this module only writes it.

Every value comes from the items: an entry's ``published`` and ``updated`` are its date (China time, +08:00),
the feed's ``updated`` is its newest entry's, so the same content gives the same bytes (no build time).
"""

from __future__ import annotations

import datetime as dt
import html
import re
from typing import TYPE_CHECKING, Any

from feedgenerator import Atom1Feed

if TYPE_CHECKING:
    from zhanqun.build.view import Feed, SiteView
    from zhanqun.content import Item

CHINA = dt.timezone(dt.timedelta(hours=8))  # editors write dates in China time (content.to_datetime: no zone)
SUMMARY_LENGTH = 120  # as the Description meta tag of the item's page (R3.3)
_BLOCK = re.compile(r"</?(?:p|br|li|h[1-6]|t[dhr]|div|[ou]l|table|blockquote)\b[^>]*>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")


class _Atom(Atom1Feed):  # type: ignore[misc]  # feedgenerator has no type information
    """Atom1Feed with a plain-text ``summary`` (feedgenerator writes every summary as ``type="html"``) and no
    fallback to the current time: only feeds with entries are written."""

    def latest_post_date(self) -> dt.datetime:
        newest: dt.datetime = max(entry["updateddate"] for entry in self.items)
        return newest

    def add_item_elements(self, handler: Any, item: dict[str, Any]) -> None:
        super().add_item_elements(handler, item)
        if item["summary_text"]:
            handler.addQuickElement("summary", item["summary_text"], {"type": "text"})


def render(view: SiteView, feed: Feed) -> bytes:
    """The feed as UTF-8 XML: ``id`` and ``rel="self"`` the feed's canonical address, ``rel="alternate"`` its list
    page; each entry by the canonical address of the item's page on its own host (an item pushed to the portal
    links to its home site), with the publishing unit as author."""
    url = view.canonical(feed.save_as)
    atom = _Atom(title=feed.title, link=feed.page_url, description=None, subtitle=feed.subtitle or None,
                 language="zh-CN", author_name=view.owner.name, feed_url=url, feed_guid=url)
    for item in feed.items:
        link = view.cluster.url_of(item)
        date = item.date.replace(tzinfo=CHINA)
        atom.add_item(title=item.title, link=link, description=None, unique_id=link, pubdate=date, updateddate=date,
                      author_name=view.cluster.units[item.unit_id].name, summary_text=summary(item))
    data: bytes = atom.writeString("utf-8").encode("utf-8")
    return data


def summary(item: Item) -> str:
    """Plain text: the item's 摘要, else the start of its body without markup (entities decoded)."""
    given = item.meta.get("summary")
    if given:
        return str(given)
    text = _SPACE.sub(" ", html.unescape(_TAG.sub("", _BLOCK.sub(" ", item.html)))).strip()
    return text[:SUMMARY_LENGTH]
