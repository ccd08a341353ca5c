"""Pelican generator for the pages around the items: homepages, column lists, topics, the
responsibility table, and the site's files (attachments, images). The view model is
:class:`zhanqun.build.view.SiteView`; this module only renders it."""

from __future__ import annotations

import shutil
from pathlib import Path

from pelican import signals
from pelican.generators import Generator

from zhanqun.build import state

__all__ = ["register"]


class _ClusterPagesGenerator(Generator):
    def generate_context(self) -> None:
        pass

    def generate_output(self, writer) -> None:
        view = state.current()
        write = lambda save_as, template, **kw: writer.write_file(  # noqa: E731
            save_as, self.get_template(template), self.context, page_path=save_as, **kw)
        write("index.html", "index")
        for unit_id in view.site.unit_ids[1:]:
            write(f"{unit_id}/index.html", "unit", unit=view.cluster.units[unit_id])
        for page in view.list_pages():
            write(page.save_as, "column", page=page, ref=page.ref)
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
                files = {(folder / rel).resolve() for _, rel, _ in referenced_files(item)}
                (shown if view.cluster.published(item) else held).update(files)
        held -= shown
        for unit_id in view.site.unit_ids:
            unit = view.cluster.units[unit_id]
            prefix = view.cluster.unit_prefix(unit_id)
            for column in unit.columns:
                folder = root / unit_id / column
                if not folder.is_dir():
                    continue
                for path in sorted(folder.rglob("*")):
                    rel = path.relative_to(root / unit_id)
                    if path.is_file() and path.suffix != ".md" and not any(p.startswith(".") for p in rel.parts) \
                            and path.resolve() not in held:
                        target = Path(self.output_path) / prefix / rel
                        target.parent.mkdir(parents=True, exist_ok=True)
                        shutil.copyfile(path, target)


def _get_generators(pelican):
    return _ClusterPagesGenerator


def _add_globals(generator) -> None:
    generator.env.globals["zq"] = state.current()


def register() -> None:
    signals.get_generators.connect(_get_generators)
    signals.generator_init.connect(_add_globals)
