"""The cluster's own code (issue 13, R11.1): build.plugins and override templates are judged by ``check`` from
their source, without running them; compiled code is refused; the build loads plugins from .py source only."""

from __future__ import annotations

import json
import py_compile
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import tree_digest
from zhanqun.init import init_cluster

CONFIG = "content/cluster.yaml"
TEMPLATES = "themes/zhanqun/templates"


@pytest.fixture
def county(tmp_path) -> Path:
    root = tmp_path / "county"
    init_cluster(root)
    return root


def _plugins(root: Path, *names: str) -> int:
    """Append build: plugins: [names] to cluster.yaml; the line of the list."""
    config = root / CONFIG
    text = config.read_text(encoding="utf-8")
    config.write_text(text + f"build:\n  plugins: [{', '.join(names)}]\n", encoding="utf-8")
    return text.count("\n") + 2


def _findings(result) -> list[dict]:
    assert result.out.strip().startswith("{"), result.text
    return json.loads(result.out)["findings"]


def _clean(result) -> None:
    assert "Traceback" not in result.text and "内部错误" not in result.text and "crash" not in result.text, result.text


def _write(root: Path, rel: str, text: str) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _compile(root: Path, rel: str, source: str, tmp_path: Path) -> None:
    src = tmp_path / "evil_source.py"
    src.write_text(source, encoding="utf-8")
    (root / rel).parent.mkdir(parents=True, exist_ok=True)
    py_compile.compile(str(src), cfile=str(root / rel), invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH)


# --- 1. compiled code ------------------------------------------------------------------------------------------


def test_a_sourceless_pyc_plugin_is_refused_by_check_and_build_and_never_runs(county, zq, tmp_path):
    marker = tmp_path / "PWNED"
    _compile(county, "plugins/sneaky.pyc", f"open({str(marker)!r}, 'w').write('x')\ndef register():\n    pass\n", tmp_path)
    line = _plugins(county, "sneaky")
    checked = zq("check", "--root", county, "--format", "json")
    found = {(f["path"], f["code"]) for f in _findings(checked)}
    assert checked.code == 1 and ("plugins/sneaky.pyc", "C021") in found, checked.text
    assert any(f["code"] == "B004" and f["path"] == CONFIG and f["line"] == line for f in _findings(checked))
    built = zq("build", "--root", county)
    assert built.code == 1 and "C021" in built.out and not (county / "output").exists(), built.text
    _clean(built)
    assert not marker.exists()
    assert zq("rule", "C021").code == 0


@pytest.mark.parametrize("rel", ["plugins/helper.cpython-311-x86_64-linux-gnu.so", "plugins/county/__pycache__/m.cpython-311.pyc",
                                 "plugins/old.pyo", "themes/zhanqun/static/x.pyd", "yaml.pyc", "src/jinja2/__init__.pyc",
                                 "__pycache__/markdown.cpython-311.pyc"])
def test_compiled_code_anywhere_a_module_could_be_imported_from_is_c021(county, zq, rel):
    (county / rel).parent.mkdir(parents=True, exist_ok=True)
    (county / rel).write_bytes(b"\x7fELF\x02\x01\x01")
    if "__pycache__" in rel:  # the county's .gitignore names __pycache__/: a commit or pull request brings it
        subprocess.run(["git", "add", "-f", rel], cwd=county, check=True, capture_output=True)
    checked = zq("check", "--root", county, "--format", "json")
    assert checked.code == 1 and [(f["path"], f["code"]) for f in _findings(checked)] == [(rel, "C021")], checked.text
    assert zq("build", "--root", county).code == 1 and not (county / "output").exists()


def test_pythons_own_bytecode_cache_of_a_checkout_is_not_c021_until_it_is_committed(county, zq):
    """zhanqun run from a source checkout (an editable install: scripts/demo.sh in this repository) writes
    src/zhanqun/__pycache__/ as it imports itself, and the build then refused itself with C021 — on every machine
    that writes bytecode. What git ignores and does not track comes from that machine, never from a commit or a
    pull request; once it is added it is C021 again (issue 16)."""
    source = county / "src" / "county_tool" / "__init__.py"
    source.parent.mkdir(parents=True)
    source.write_text("VALUE = 1\n", encoding="utf-8")
    cached = source.parent / "__pycache__" / f"__init__.{sys.implementation.cache_tag}.pyc"
    py_compile.compile(str(source), cfile=str(cached))  # what `import county_tool` writes
    rel = cached.relative_to(county).as_posix()
    checked = zq("check", "--root", county, "--format", "json")
    assert checked.code == 0 and not [f for f in _findings(checked) if f["code"] == "C021"], checked.text
    assert zq("build", "--root", county).code == 0
    subprocess.run(["git", "add", "-f", rel], cwd=county, check=True, capture_output=True)
    checked = zq("check", "--root", county, "--format", "json")
    assert checked.code == 1 and [(f["path"], f["code"]) for f in _findings(checked)] == [(rel, "C021")], checked.text
    assert zq("build", "--root", county).code == 1


def test_the_build_never_imports_bytecode_from_plugins(county, tmp_path):
    """Below the check: the loader itself takes .py source only (a submodule present only as .pyc is not found),
    and writes no bytecode into the repository."""
    from zhanqun.build import code
    from zhanqun.errors import FindingsError

    marker = tmp_path / "PWNED"
    _write(county, "plugins/county_pkg_i13/__init__.py", "")
    _write(county, "plugins/county_pkg_i13/main.py", "from . import helper\n\n\ndef register():\n    pass\n")
    _compile(county, "plugins/county_pkg_i13/helper.pyc", f"open({str(marker)!r}, 'w').write('x')\n", tmp_path)
    with pytest.raises(FindingsError) as raised:
        code.load_plugins(county, ["county_pkg_i13.main"])
    assert [(f.path, f.code) for f in raised.value.findings] == [("plugins/county_pkg_i13/main.py", "B005")]
    assert not marker.exists() and "county_pkg_i13.helper" not in sys.modules
    (county / "plugins/county_pkg_i13/helper.pyc").unlink()
    _write(county, "plugins/county_pkg_i13/helper.py", "VALUE = 13\n")
    [module] = code.load_plugins(county, ["county_pkg_i13.main"])
    assert module.helper.VALUE == 13  # type: ignore[union-attr]
    assert not list((county / "plugins").rglob("*.pyc")) and not list((county / "plugins").rglob("__pycache__"))


# --- 2. build.plugins in check -------------------------------------------------------------------------------


@pytest.mark.parametrize(("names", "code"), [
    (["nonexistent_mod"], "B004"), (["os"], "B004"), (["json"], "B004"), (["county.missing"], "B004"),
    (["zhanqun.plugins.nope"], "B004"), (["no_register_i13"], "B005"), (["jinja2"], "B004"),
])
def test_check_reports_a_bad_build_plugin_at_its_line(county, zq, names, code):
    _write(county, "plugins/no_register_i13.py", "VALUE = 1\n")
    line = _plugins(county, *names)
    checked = zq("check", "--root", county, "--format", "json")
    assert checked.code == 1 and [(f["path"], f["line"], f["code"]) for f in _findings(checked)] == [(CONFIG, line, code)]
    assert names[0] in _findings(checked)[0]["message"]
    built = zq("build", "--root", county)
    assert built.code == 1 and f"{CONFIG}:{line}:" in built.out and code in built.out and "B001" not in built.text
    assert "Cannot" not in built.text and not (county / "output").exists()
    _clean(built)


def test_a_plugin_with_a_syntax_error_or_the_name_of_an_installed_module_is_b005(county, zq):
    _write(county, "plugins/broken_i13.py", "def register():\n    pass\n\ndef oops(:\n    pass\n")
    _plugins(county, "broken_i13")
    found = _findings(zq("check", "--root", county, "--format", "json"))
    assert [(f["path"], f["line"], f["code"]) for f in found] == [("plugins/broken_i13.py", 4, "B005")]
    config = county / CONFIG
    config.write_text(config.read_text(encoding="utf-8").replace("broken_i13", "yaml"), encoding="utf-8")
    _write(county, "plugins/yaml.py", "def register():\n    pass\n")  # would shadow PyYAML
    found = _findings(zq("check", "--root", county, "--format", "json"))
    assert [f["code"] for f in found] == ["B005"] and "yaml" in found[0]["message"]


def test_a_plugin_failing_as_it_loads_stops_the_build_with_its_file_and_line(county, zq):
    _write(county, "plugins/boom_i13.py", "def register():\n    pass\n\n\nraise RuntimeError('boom')\n")
    _plugins(county, "boom_i13")
    assert zq("check", "--root", county).code == 0  # check reads the source, never runs it
    built = zq("build", "--root", county)
    assert built.code == 1 and "plugins/boom_i13.py:5: B005" in built.out and not (county / "output").exists()
    _clean(built)


def test_a_plugin_failing_while_the_site_is_built_is_b001_and_publishes_nothing(county, zq):
    """A plugin that loads but raises while Pelican builds (B001): no site is written, the user is told where
    the details are, and no traceback reaches them."""
    assert zq("build", "--root", county).code == 0
    before = tree_digest(county / "output")
    _write(county, "plugins/banner_i13.py", "from pelican import signals\n\n\ndef boom(*args):\n"
           "    raise RuntimeError('横幅插件出错')\n\n\ndef register():\n    signals.finalized.connect(boom)\n")
    _plugins(county, "banner_i13")
    assert zq("check", "--root", county).code == 0  # nothing wrong in its source
    try:
        built = zq("build", "--root", county)
    finally:  # Pelican's signals are global: the handler would stay connected for the next build in this process
        from pelican import signals

        if "banner_i13" in sys.modules:
            signals.finalized.disconnect(sys.modules["banner_i13"].boom)
    assert built.code == 1 and "B001" in built.err and "构建失败，输出目录保持原样" in built.err, built.text
    assert tree_digest(county / "output") == before
    assert "Traceback" not in built.text and "crash.log" not in built.text


def test_a_dotted_plugin_of_the_cluster_runs(county, zq):
    _write(county, "plugins/county_i13/__init__.py", "")
    _write(county, "plugins/county_i13/helper.py", "def text(settings):\n    return settings['SITEURL']\n")
    _write(county, "plugins/county_i13/banner.py",
           "from pathlib import Path\n\nfrom pelican import signals\n\nfrom . import helper\n\n\n"
           "def _write(pelican):\n    Path(pelican.output_path, 'banner.txt').write_text(helper.text(pelican.settings))\n\n\n"
           "def register():\n    signals.finalized.connect(_write)\n")
    _plugins(county, "county_i13.banner")
    assert zq("check", "--root", county).code == 0
    try:
        built = zq("build", "--root", county)
    finally:  # Pelican's signals are global: the handler would write banner.txt into every later build of this process
        from pelican import signals

        if "county_i13.banner" in sys.modules:
            signals.finalized.disconnect(sys.modules["county_i13.banner"]._write)
    assert built.code == 0, built.text
    assert (county / "output" / "www.example.gov.cn" / "banner.txt").read_text() == "https://www.example.gov.cn"
    assert not list((county / "plugins").rglob("__pycache__"))


# --- 3. override templates -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "text", "line"), [
    ("index.html", "{% if %}\n", 1),
    ("guide.html", "<p>办事指南</p>\n{% for x in items %}\n<p>{{ x }}</p>\n", 3),  # no {% endfor %}: the last line
    ("topics.html", "<p>\n{{ x | no_such_filter }}\n</p>\n", 2),
])
def test_check_compiles_every_override_template_and_build_stops_before_building(county, zq, name, text, line):
    assert zq("build", "--root", county).code == 0
    before = tree_digest(county / "output")
    _write(county, f"{TEMPLATES}/{name}", text)
    checked = zq("check", "--root", county, "--format", "json")
    assert checked.code == 1 and [(f["path"], f["line"], f["code"]) for f in _findings(checked)] == [
        (f"{TEMPLATES}/{name}", line, "B006")], checked.text
    built = zq("build", "--root", county)
    assert built.code == 1 and f"{TEMPLATES}/{name}:{line}: B006" in built.out, built.text
    _clean(built)
    assert tree_digest(county / "output") == before


def test_an_override_with_no_such_template_in_the_package_is_a_warning_unless_included(county, zq):
    _write(county, f"{TEMPLATES}/bogus_name.html", "<p>县里的横幅</p>\n")
    checked = zq("check", "--root", county, "--format", "json")
    found = _findings(checked)
    assert checked.code == 0 and [(f["path"], f["code"], f["severity"]) for f in found] == [
        (f"{TEMPLATES}/bogus_name.html", "B007", "warning")], checked.text
    base = Path(__import__("zhanqun.defaults", fromlist=["theme_dir"]).theme_dir(), "templates", "base.html")
    _write(county, f"{TEMPLATES}/base.html", base.read_text(encoding="utf-8").replace(
        "</body>", '{% include "bogus_name.html" %}\n</body>', 1))
    assert _findings(zq("check", "--root", county, "--format", "json")) == []
    for code in ("B005", "B006", "B007"):
        assert zq("rule", code).code == 0


def test_checking_an_override_template_never_computes_its_expressions(county):
    """Jinja's code generator folds constant expressions while compiling: ``{{ "ab" * 600000000 }}`` is a 1.2 GB
    string made by ``check`` on an unreviewed pull request (the reviewer's took 9.8 GB). check parses and walks
    the template instead (review of issue 13): the check process never holds such a string."""
    import subprocess

    base = (Path(__file__).resolve().parent.parent / "themes" / "zhanqun" / "templates" / "base.html").read_text(
        encoding="utf-8")
    _write(county, f"{TEMPLATES}/base.html", '{{ "ab" * 600000000 }}\n' + base)
    # a parent of its own, so the peak is check's alone (not of other tests' children)
    measure = ("import resource, subprocess, sys\n"
               "done = subprocess.run([sys.executable, '-m', 'zhanqun', 'check', '--root', sys.argv[1], '--jobs', '1'])\n"
               "print(done.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n")
    done = subprocess.run([sys.executable, "-c", measure, str(county)], capture_output=True, text=True, timeout=300,
                          check=False)
    code, peak_kib = map(int, done.stdout.split()[-2:])
    assert code == 0, done.stdout + done.stderr
    assert peak_kib < 1000 * 1024, f"check held {peak_kib // 1024} MiB: it computed the template's expression"


@pytest.mark.parametrize(("text", "says"), [
    ("{% if %}\n", "没有写条件"),
    ("{% for x in items %}\n<p>{{ x }}</p>\n", "还缺少 {% endfor %}"),
    ("<p>{% endif %}</p>\n", "多了一个 {% endif %}"),
    ("<p>{{ x }</p>\n", "没有成对"),
])
def test_a_template_mistake_is_told_in_chinese(county, zq, text, says):
    """Jinja's English ("Expected an expression, got 'end of statement block'") does not reach the e-gov office."""
    _write(county, f"{TEMPLATES}/index.html", text)
    checked = zq("check", "--root", county, "--format", "json")
    (finding,) = [f for f in _findings(checked) if f["code"] == "B006"]
    assert says in finding["message"] and "Jinja：" not in finding["message"], finding["message"]
