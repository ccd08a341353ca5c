"""Compiled templates shared by every site one process builds (issue 16, R3.1, R11.1): each template is compiled
once, yet a cluster's own template still replaces the package's, an edited template is compiled again, and code
compiled for one environment is never run by another that compiles differently."""

from __future__ import annotations

from pathlib import Path

import jinja2
from jinja2 import pass_context

from zhanqun import defaults
from zhanqun.build.templates import TEMPLATE_CODE, CompiledTemplates
from zhanqun.init import init_cluster

TEMPLATES = "themes/zhanqun/templates"


def _home(root: Path, host: str) -> str:
    return (root / "output" / host / "index.html").read_text(encoding="utf-8")


def _hosts(root: Path) -> list[str]:
    return sorted(p.name for p in (root / "output").iterdir() if p.is_dir() and not p.name.startswith("."))


def _differs(text: str, old: str, new: str) -> str:
    assert old in text
    return text.replace(old, new, 1)


def test_each_template_is_compiled_once_for_all_the_sites_of_a_build(demo_repo, zq, tmp_path):
    hosts = ["www.shilixian.gov.cn", "fgw.shilixian.gov.cn", "jyj.shilixian.gov.cn"]
    TEMPLATE_CODE.clear()
    before = TEMPLATE_CODE.compiled
    first, second = tmp_path / "first", tmp_path / "second"
    assert zq("build", "--root", demo_repo, "--output", first, "--jobs", "1", *hosts).code == 0
    once = TEMPLATE_CODE.compiled - before
    names = {p.name for p in (defaults.theme_dir() / "templates").glob("*.html")}
    held = TEMPLATE_CODE.templates()
    assert once == len(held) == len(set(held)) and names <= set(held)  # each template once, not once a site
    # another build in the same process compiles nothing again, and writes the same pages as the first
    assert zq("build", "--root", demo_repo, "--output", second, "--jobs", "1", *hosts).code == 0
    assert TEMPLATE_CODE.compiled - before == once
    for host in hosts:
        pages = sorted(p.relative_to(first / host) for p in (first / host).rglob("*.html"))
        assert len(pages) > 10
        assert all((first / host / p).read_bytes() == (second / host / p).read_bytes() for p in pages), host


def test_a_clusters_own_template_wins_and_an_edited_one_is_compiled_again(tmp_path, zq):
    """The package's index.html is compiled and cached first; the cluster's own one, added, edited and removed
    between builds of one process, is what each build shows (R11.1)."""
    root = tmp_path / "county"
    init_cluster(root)
    assert zq("build", "--root", root, "--jobs", "1").code == 0
    host = _hosts(root)[0]
    assert "县里自己的首页" not in _home(root, host)
    package = (defaults.theme_dir() / "templates" / "index.html").read_text(encoding="utf-8")
    own = root / TEMPLATES / "index.html"
    own.parent.mkdir(parents=True)
    own.write_text(_differs(package, "{% block content %}", "{% block content %}<p>县里自己的首页（一）</p>"),
                   encoding="utf-8")
    assert zq("build", "--root", root, "--jobs", "1").code == 0
    assert "县里自己的首页（一）" in _home(root, host)
    own.write_text(_differs(package, "{% block content %}", "{% block content %}<p>县里自己的首页（二）</p>"),
                   encoding="utf-8")
    assert zq("build", "--root", root, "--jobs", "1").code == 0
    assert "县里自己的首页（二）" in _home(root, host) and "县里自己的首页（一）" not in _home(root, host)
    own.unlink()
    assert zq("build", "--root", root, "--jobs", "1").code == 0
    assert "县里自己的首页" not in _home(root, host)


def test_a_filter_called_differently_is_compiled_for_its_own_environment():
    """Jinja compiles how a filter is called (a ``pass_context`` filter gets the context first): two environments
    with a filter of one name, called two ways, share one cache and each renders with its own filter."""
    cache = CompiledTemplates()
    source = {"page.html": "{{ name | mark }}"}

    @pass_context
    def with_context(context: object, value: str) -> str:
        return f"[{value}@{context['site']}]"

    plain = jinja2.Environment(loader=jinja2.DictLoader(source), bytecode_cache=cache)
    plain.filters["mark"] = lambda value: f"<{value}>"
    contextual = jinja2.Environment(loader=jinja2.DictLoader(source), bytecode_cache=cache)
    contextual.filters["mark"] = with_context
    assert plain.get_template("page.html").render(name="县") == "<县>"
    assert contextual.get_template("page.html").render(name="县", site="www") == "[县@www]"
    assert cache.compiled == 2
    again = jinja2.Environment(loader=jinja2.DictLoader(source), bytecode_cache=cache)
    again.filters["mark"] = lambda value: f"({value})"
    assert again.get_template("page.html").render(name="县") == "(县)" and cache.compiled == 2  # reused
    escaping = jinja2.Environment(loader=jinja2.DictLoader({"page.html": "{{ name }}"}), bytecode_cache=cache,
                                  autoescape=True)
    assert escaping.get_template("page.html").render(name="<b>") == "&lt;b&gt;"
    raw = jinja2.Environment(loader=jinja2.DictLoader({"page.html": "{{ name }}"}), bytecode_cache=cache)
    assert raw.get_template("page.html").render(name="<b>") == "<b>"
