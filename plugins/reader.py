"""``zhanqun.plugins.reader``: Pelican reader for zhanqun items: front matter and Markdown were already parsed and validated
by zhanqun (once, cached by content hash); this reader hands Pelican the result."""

from __future__ import annotations

import os

from pelican import signals
from pelican.readers import BaseReader

from zhanqun.plugins import view as site_view

__all__ = ["register"]


class _ZhanqunReader(BaseReader):
    enabled = True
    file_extensions = ["md"]

    def read(self, source_path: str):
        view = site_view(self.settings)
        item = view.items_by_path.get(os.path.realpath(source_path))
        if item is None:  # not this site's, or embargoed (R3.10)
            return "", {"status": "skip", "title": "", "date": None}
        path = view.cluster.path_of(item)
        metadata = {
            "title": item.title,
            "date": item.date,
            "slug": item.slug,
            "save_as": path,
            "url": path,
            "template": item.type,
            "zq_item": item,
            "zq_column": view.column_of(item),
        }
        return item.html, metadata


def _add_reader(readers) -> None:
    readers.reader_classes = {"md": _ZhanqunReader}


def register() -> None:
    signals.readers_init.connect(_add_reader)
