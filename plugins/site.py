"""``zhanqun.plugins.site``: Pelican generator for the pages around the items: homepages, column lists, topics, the
responsibility table, 网站地图 / 关于本网 / 联系我们, and the site's files (attachments, images, the favicon). The view model is
:class:`zhanqun.build.view.SiteView`; this module only renders it."""

from __future__ import annotations

import os
from pathlib import Path

from pelican import signals
from pelican.generators import Generator

from zhanqun.build import feeds
from zhanqun.checks import files
from zhanqun.plugins import view as site_view

__all__ = ["register"]


SERVICE_PAGES = (("wzdt/index.html", "site_map"), ("gywm/index.html", "about"), ("lxwm/index.html", "contact"))


class _ClusterPagesGenerator(Generator):
    def generate_context(self) -> None:
        pass

    def generate_output(self, writer) -> None:
        view = site_view(self.settings)
        write = lambda save_as, template, **kw: writer.write_file(  # noqa: E731
            save_as, self.get_template(template), self.context, page_path=save_as, **kw)
        write("index.html", "index")
        write("sousuo/index.html", "search")  # the search results page (R3.7): the masthead form's action
        for unit_id in view.site.unit_ids[1:]:
            write(f"{unit_id}/index.html", "unit", unit=view.cluster.units[unit_id])
        for page in view.list_pages():
            write(page.save_as, "column", page=page, ref=page.ref)
        for save_as, template in SERVICE_PAGES:  # 网站地图, 关于本网, 联系我们 on every site (47号指引; issue 14)
            write(save_as, template)
        for feed in view.feeds():  # after the list pages, whose folders they go in (issue 14, R3.7)
            target = Path(self.output_path) / feed.save_as
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(feeds.render(view, feed))
        if view.site.is_portal:
            for topic in view.cluster.config.topics:
                write(f"zhuanti/{topic.id}/index.html", "topic", topic=topic)
            write("zhuanti/index.html", "topics")
            write("lanmu/index.html", "responsibility")
            out = Path(self.output_path) / "lanmu" / "zerenbiao.csv"
            out.write_text(view.responsibility_csv(), encoding="utf-8")
        self._copy_files(view)

    def _copy_files(self, view) -> None:
        """Publish the non-Markdown files of every column folder (attachments, images), but not those that only
        embargoed items point at: they go out with their item (R3.10)."""
        from zhanqun.checks.references import referenced_files

        root = view.cluster.root / "content"
        held: set[Path] = set()
        shown: set[Path] = set()
        for item in view.cluster.items:
            if item.unit_id in view.site.unit_ids:
                folder = (view.cluster.root / item.rel).parent
                pointed = {(folder / rel).resolve() for _, rel, _ in referenced_files(item)}
                pointed |= {(folder / rel).resolve() for rel in _body_files(item)}
                (shown if view.cluster.published(item) else held).update(pointed)
        held -= shown
        for unit_id in view.site.unit_ids:
            unit = view.cluster.units[unit_id]
            prefix = view.cluster.unit_prefix(unit_id)
            for column in unit.columns:
                folder = root / unit_id / column
                if not folder.is_dir() or folder.is_symlink():
                    continue
                for path, rel in _published_files(folder, Path(column)):
                    if path.resolve() in held:
                        continue
                    target = Path(self.output_path) / prefix / rel
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(files.read_regular(path))  # never through a link (R4.11)


def _body_files(item):
    """Relative paths of the files an item's body links to or shows (``[全文](attachments/a.pdf)``): an
    embargoed body's files wait with it, as its front matter's do."""
    from urllib.parse import unquote, urlsplit

    for _, _, url in item.links:
        parts = urlsplit(url)
        if not parts.scheme and not parts.netloc and parts.path and not parts.path.startswith("/"):
            yield unquote(parts.path)


def _published_files(folder: Path, rel: Path):
    """(path, path relative to the unit) of each file of a column folder that may be published: not an item,
    not hidden, a published type (R2.8), and a regular file reached without any link (os.walk never descends
    into one; a linked file is skipped). The check refuses such files before a build starts (C011, C012)."""
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and not os.path.islink(os.path.join(dirpath, d)))
        for name in sorted(filenames):
            path = Path(dirpath) / name
            suffix = path.suffix.lower()
            if name.startswith(".") or suffix == ".md" or suffix not in files.PUBLISHED_TYPES or path.is_symlink():
                continue
            yield path, rel / path.relative_to(folder)


SITEMAP, SITEMAP_INDEX, ROBOTS, FAVICON = "sitemap.xml", "sitemap_index.xml", "robots.txt", "favicon.ico"
_SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"


def _write_site_files(pelican) -> None:
    """After every page is written (R3.8, issue 14): ``sitemap.xml`` listing each page of the site by its
    canonical address, ``robots.txt`` pointing at it and, on the portal, ``sitemap_index.xml`` naming every
    site's sitemap. Sorted, so the same pages give the same bytes."""
    from urllib.parse import quote
    from xml.sax.saxutils import escape

    view = site_view(pelican.settings)
    out = Path(pelican.output_path)
    base = f"https://{view.host}/"
    pages = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.html") if p.is_file())
    urls = sorted(base + quote(page[: -len("index.html")] if page.endswith("index.html") else page) for page in pages)
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', f'<urlset xmlns="{_SITEMAP_NS}">']
    lines += [f"<url><loc>{escape(url)}</loc></url>" for url in urls]
    (out / SITEMAP).write_text("\n".join([*lines, "</urlset>", ""]), encoding="utf-8")
    robots = ["User-agent: *", "Allow: /", f"Sitemap: {base}{SITEMAP}"]
    if view.site.is_portal:
        hosts = sorted(site.host for site in view.cluster.sites())
        index = ['<?xml version="1.0" encoding="UTF-8"?>', f'<sitemapindex xmlns="{_SITEMAP_NS}">']
        index += [f"<sitemap><loc>https://{escape(host)}/{SITEMAP}</loc></sitemap>" for host in hosts]
        (out / SITEMAP_INDEX).write_text("\n".join([*index, "</sitemapindex>", ""]), encoding="utf-8")
        robots.append(f"Sitemap: {base}{SITEMAP_INDEX}")
    (out / ROBOTS).write_text("\n".join([*robots, ""]), encoding="utf-8")
    _copy_favicon(out)


def _copy_favicon(out: Path) -> None:
    """``/favicon.ico`` at the site's root, where browsers ask for it: the theme's (a cluster's own
    ``themes/zhanqun/static/favicon.ico`` over the package's; Pelican has copied it under /theme/)."""
    icon = out / "theme" / FAVICON
    if icon.is_file() and not icon.is_symlink():
        (out / FAVICON).write_bytes(icon.read_bytes())


def _get_generators(pelican):
    return _ClusterPagesGenerator


def _add_globals(generator) -> None:
    generator.env.globals["zq"] = site_view(generator.settings)


def register() -> None:
    signals.get_generators.connect(_get_generators)
    signals.generator_init.connect(_add_globals)
    signals.finalized.connect(_write_site_files)
