"""One package a county installs (R11.1, issue 13): the wheel holds the defaults and nothing else, and a
content-only cluster overrides exactly the documented parts (docs/cluster-repo.md) — theme templates and static
files, schema fields, aliases and stricter constraints (never weaker ones), extra Pelican plugins — and states
the zhanqun versions it was written for."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import PROJECT
from zhanqun import __version__
from zhanqun.init import init_cluster

DEFAULTS = {"schemas": "zhanqun/defaults/schemas", "themes": "zhanqun/defaults/themes",
            "pelicanconf.py": "zhanqun/defaults/pelicanconf.py", ".github/workflows": "zhanqun/defaults/workflows",
            ".pre-commit-hooks.yaml": "zhanqun/defaults/pre-commit-hooks.yaml", "plugins": "zhanqun/plugins"}
NOTICE = "content/portal/tzgg/2026-11-20-gonggao.md"
ITEM = "---\ntitle: {title}\ndate: 2026-11-20\npublisher: 某某县人民政府办公室\n{extra}---\n\n门户网站自 11 月 20 日起试运行，欢迎各界提出意见和建议。\n"


def _checkout_files() -> list[str]:
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=PROJECT,
                            capture_output=True, check=True).stdout.decode().split("\0")
    return [rel for rel in listed if rel and (PROJECT / rel).is_file()]


def test_the_wheel_holds_the_defaults_and_no_stray_files(wheel_file):
    names = zipfile.ZipFile(wheel_file).namelist()
    dist = f"zhanqun-{__version__}.dist-info/"
    assert all(n.startswith(("zhanqun/", dist)) for n in names), [n for n in names if not n.startswith(("zhanqun/", dist))]
    assert not [n for n in names if "__pycache__" in n or n.endswith((".pyc", ".orig", "~"))]
    files = _checkout_files()
    expected = set()
    for source, target in DEFAULTS.items():
        expected |= {target + rel[len(source):] for rel in files if rel == source or rel.startswith(source + "/")}
    shipped = {n for n in names if n.startswith(("zhanqun/defaults/", "zhanqun/plugins/"))}
    assert shipped == expected  # every default, from its one source, and nothing beside them
    assert {"zhanqun/plugins/reader.py", "zhanqun/plugins/site.py", "zhanqun/defaults/schemas/news.schema.json",
            "zhanqun/defaults/themes/zhanqun/templates/base.html", "zhanqun/defaults/workflows/zhanqun.yml"} <= shipped
    code = {"zhanqun/" + rel.removeprefix("src/zhanqun/") for rel in files
            if rel.startswith("src/zhanqun/") and not rel.endswith(".pyc")}
    assert code == {n for n in names if n.startswith("zhanqun/")} - shipped  # src/ and nothing else
    metadata = zipfile.ZipFile(wheel_file).read(dist + "METADATA").decode("utf-8")
    assert f"Version: {__version__}\n" in metadata and "License-Expression: MIT\n" in metadata
    assert "Classifier: Programming Language :: Python :: 3.11" in metadata
    assert "Requires-Dist: click<9,>=8.2" in metadata and "Requires-Dist: packaging" in metadata
    assert dist + "licenses/LICENSE" in names


@pytest.fixture
def county(tmp_path) -> Path:
    """A content-only cluster as ``zhanqun init`` writes it (no schemas/, themes/, plugins/ of its own)."""
    root = tmp_path / "county"
    init_cluster(root)
    return root


def _item(root: Path, title: str = "关于网站试运行的公告", extra: str = "", rel: str = NOTICE) -> None:
    (root / rel).parent.mkdir(parents=True, exist_ok=True)
    (root / rel).write_text(ITEM.format(title=title, extra=extra), encoding="utf-8")


def _codes(result) -> list[str]:
    return [f["code"] for f in json.loads(result.out)["findings"]] if result.out.strip().startswith("{") else []


def test_a_cluster_template_css_and_image_show_in_the_built_pages(county, zq):
    own = county / "themes" / "zhanqun"
    package = PROJECT / "themes" / "zhanqun"
    (own / "templates").mkdir(parents=True)
    index = (package / "templates" / "index.html").read_text(encoding="utf-8")
    (own / "templates" / "index.html").write_text(
        index.replace("{% block content %}", "{% block content %}\n<p class=\"county-banner\">某某县欢迎您</p>", 1),
        encoding="utf-8")
    (own / "static" / "css").mkdir(parents=True)
    css = (package / "static" / "css" / "site.css").read_text(encoding="utf-8") + "\n.county-banner { color: #8b0000; }\n"
    (own / "static" / "css" / "site.css").write_text(css, encoding="utf-8")
    (own / "static" / "img").mkdir()
    (own / "static" / "img" / "county.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 16)
    _item(county)
    built = zq("build", "--root", county)
    assert built.code == 0, built.text
    site = county / "output" / "www.example.gov.cn"
    assert '<p class="county-banner">某某县欢迎您</p>' in (site / "index.html").read_text(encoding="utf-8")
    assert "county-banner" not in (site / "tzgg" / "index.html").read_text(encoding="utf-8")  # other templates: the package's
    assert (site / "theme" / "css" / "site.css").read_text(encoding="utf-8") == css
    assert (site / "theme" / "js" / "a11y.js").read_bytes() == (package / "static" / "js" / "a11y.js").read_bytes()
    assert (site / "theme" / "img" / "county.png").is_file()
    assert "county-banner" not in (package / "static" / "css" / "site.css").read_text(encoding="utf-8")
    # a change of the cluster's theme is a change of every page: the build does not skip the site
    (own / "static" / "css" / "site.css").write_text(css + ".x { }\n", encoding="utf-8")
    again = zq("build", "--root", county)
    assert again.code == 0 and "跳过" not in again.err, again.text
    assert (site / "theme" / "css" / "site.css").read_text(encoding="utf-8").endswith(".x { }\n")


def _override(root: Path, name: str, schema: dict | str) -> None:
    (root / "schemas").mkdir(exist_ok=True)
    text = schema if isinstance(schema, str) else json.dumps(schema, ensure_ascii=False)
    (root / "schemas" / f"{name}.schema.json").write_text(text, encoding="utf-8")


def test_a_weaker_schema_override_is_still_refused(county, zq):
    """allOf: a cluster can never loosen the package's constraint (required publisher, a title's length)."""
    _override(county, "notice", {"required": [], "properties": {"title": {"maxLength": 1000}, "publisher": {}}})
    (county / NOTICE).parent.mkdir(parents=True)
    (county / NOTICE).write_text("---\ntitle: 公告\ndate: 2026-11-20\n---\n\n门户网站自 11 月 20 日起试运行，欢迎各界提出意见和建议。\n", encoding="utf-8")
    result = zq("check", "--root", county, "--format", "json")
    assert result.code == 1 and _codes(result).count("S001") == 1, result.text
    _item(county, title="长" * 300)
    result = zq("check", "--root", county, "--format", "json")
    assert result.code == 1 and "S003" in _codes(result) and "最多" in result.out, result.text
    assert zq("build", "--root", county).code == 1 and not (county / "output" / "www.example.gov.cn").exists()


def test_a_stricter_schema_with_an_extra_field_and_aliases_applies(county, zq):
    _item(county, extra="项目编号: XM-2026-001\n")
    plain = zq("check", "--root", county, "--format", "json")
    assert plain.code == 0 and _codes(plain) == ["S002"], plain.text  # unknown key: a warning without the override
    _override(county, "notice", {
        "required": ["project_no"],
        "properties": {"project_no": {"type": "string", "pattern": "^XM-\\d{4}-\\d{3}$", "x-aliases": ["项目编号"],
                                      "description": "项目编号，如 XM-2026-001"},
                       "title": {"maxLength": 20, "x-aliases": ["公告标题"]}},
    })
    assert zq("check", "--root", county).code == 0
    _item(county, title="这是一条超过二十个字的公告标题用来检查更严格的长度限制", extra="项目编号: 2026-1\n")
    stricter = zq("check", "--root", county, "--format", "json")
    assert stricter.code == 1 and sorted(_codes(stricter)) == ["S003", "S003"], stricter.text
    assert "XM-2026-001" in stricter.out  # the override's description is the hint
    (county / NOTICE).write_text("---\n公告标题: 试运行公告\ndate: 2026-11-20\npublisher: 县政府办\n---\n\n门户网站自 11 月 20 日起试运行，欢迎各界提出意见和建议。\n",
                                 encoding="utf-8")
    missing = zq("check", "--root", county, "--format", "json")
    assert missing.code == 1 and _codes(missing) == ["S001"] and "project_no" in missing.out, missing.text


@pytest.mark.parametrize(("name", "text", "where"), [
    ("notice", '{"properties": {"title": {"maxLength": 10,}}}', "schemas/notice.schema.json:1:"),
    ("notice", '{"properties": {"title": {"maxLength": "十"}}}', "schemas/notice.schema.json:1:27"),
    ("bulletin", '{"properties": {}}', "schemas/bulletin.schema.json"),
])
def test_a_broken_schema_override_is_s006_with_its_file(county, zq, name, text, where):
    _override(county, name, text)
    result = zq("check", "--root", county)
    assert result.code == 1 and "S006" in result.err and where in result.err and "Traceback" not in result.text
    assert zq("rule", "S006").code == 0


def _s006(result, where: str) -> None:
    """S006 at ``where`` (file:line:column), in Chinese, exit 1: no crash, no traceback, no validator English."""
    assert result.code == 1, result.text
    assert "S006" in result.err and where in result.err, result.text
    assert "Traceback" not in result.text and "内部错误" not in result.text and "crash.log" not in result.text
    assert not any(w in result.err for w in ("is not", "should", "Unexpected", "Pointer", "valid under")), result.err


@pytest.mark.parametrize("schema", [
    '{"$ref": "#/x"}', '{"$ref": "https://example.com/x.json"}', '{"$ref": "file:///etc/passwd"}', '{"$ref": "#"}',
    '{\n  "properties": {\n    "title": {"$ref": "#"}\n  }\n}', '{"$dynamicRef": "#x"}',
    '{"properties": {"title": {"$id": "https://example.com/t.json"}}}', '{"$defs": {"a": {"$anchor": "a"}}}',
])
@pytest.mark.parametrize("fmt", ["text", "json"])
def test_a_reference_in_a_schema_override_is_s006_never_a_crash_or_a_fetch(county, zq, schema, fmt):
    """Issue 13: $ref and the like crashed check (a pointer to nowhere, a URL, a file, itself): refused, located."""
    _item(county, extra="importance: 很重要\n")  # an invalid item: the Python validators run too
    _override(county, "notice", schema)
    line = 3 if "\n" in schema else 1
    _s006(zq("check", "--root", county, "--format", fmt), f"schemas/notice.schema.json:{line}:")
    assert "不能使用 $" in zq("check", "--root", county).err


def test_a_schema_the_validators_cannot_compile_is_s006(county, zq):
    """A pattern Python accepts and jsonschema-rs cannot compile (\\Z): S006 when the schemas are read, no crash."""
    _item(county)
    _override(county, "notice", {"properties": {"title": {"pattern": "公告\\Z"}}})
    _s006(zq("check", "--root", county), "schemas/notice.schema.json:1:1:")


def test_a_copy_of_a_package_schema_may_keep_its_references(county, zq):
    """A modified copy of the package's schema (its $ref to item.schema.json, its #/$defs/…) still works."""
    for name in ("notice", "annual-report"):
        schema = json.loads((PROJECT / "schemas" / f"{name}.schema.json").read_text(encoding="utf-8"))
        schema["properties"]["extra_note"] = {"type": "string", "x-aliases": ["附注"]}
        _override(county, name, schema)
    _item(county, extra="附注: 试运行\n")
    result = zq("check", "--root", county, "--format", "json")
    assert result.code == 0 and _codes(result) == [], result.text


@pytest.mark.parametrize(("name", "schema", "where", "says"), [
    ("notice", '{"properties": {"title": {"x-aliases": "公告标题"}}}', ":1:27:", "列表"),
    ("notice", '{"properties": {"title": {"x-aliases": ["公告标题", 3]}}}', ":1:49:", "第 2 项"),
    ("notice", '{"properties": {"title": {"x-aliases": ["date"]}}}', ":1:41:", "字段“date”重名"),
    ("notice", '{"properties": {"title": {"x-aliases": ["日期"]}}}', ":1:41:", "字段“date”的别名"),
    ("notice", '{"properties": {"a": {"x-aliases": ["甲"]}, "b": {"x-aliases": ["甲"]}}}', ":1:37:", "“a”的别名“甲”已是字段“b”的别名"),
    ("item", '{"properties": {"importance": {"x-value-aliases": {"日常": 5}}}}', ":1:52:", "文字取值"),
    ("item", '{"properties": {"importance": {"x-value-aliases": ["日常"]}}}', ":1:32:", "键值组"),
    ("item", '{"properties": {"importance": {"x-value-aliases": {"日常": "daily"}}}}', ":1:52:", "routine"),
    ("notice", '{"properties": {"title": {"x-alias": ["公告标题"]}}}', ":1:27:", "x-aliases"),
    ("notice", '{"properties": {"title": {"x-format": "time"}}}', ":1:27:", "datetime"),
])
def test_a_malformed_x_keyword_in_an_override_is_s006(county, zq, name, schema, where, says):
    """Issue 13: the package's keywords (x-aliases, x-value-aliases, x-format) in the package's shape, no clash."""
    _item(county, extra="公告标题: 试运行\n")
    _override(county, name, schema)
    result = zq("check", "--root", county)
    _s006(result, f"schemas/{name}.schema.json{where}")
    assert says in result.err, result.err


def test_a_good_value_alias_in_an_override_applies(county, zq):
    _override(county, "item", {"properties": {"importance": {"x-value-aliases": {"日常": "routine"}}}})
    _item(county, extra="重要程度: 日常\n")
    result = zq("check", "--root", county, "--format", "json")
    assert result.code == 0 and _codes(result) == [], result.text


@pytest.mark.parametrize(("name", "schema", "field", "keyword"), [
    ("notice", {"not": {}}, "头信息", "（not）"),
    ("item", {"not": {}}, "头信息", "（not）"),
    ("item", {"properties": {"title": {"not": {"type": "string"}}}}, "“title”", "（properties/title/not）"),
    ("notice", {"properties": {"title": {"const": "x"}}}, "“title”", "（properties/title/const）"),
    ("notice", {"properties": {"title": False}}, "头信息", "（properties/title）"),
    ("item", {"allOf": [False]}, "头信息", "（allOf/0）"),
])
def test_a_value_failing_an_override_keyword_is_told_in_chinese(county, zq, name, schema, field, keyword):
    """Issue 13: {"not": {}} gave "S003 的写法不对" with the validator's English as the hint."""
    _item(county)
    _override(county, name, schema)
    result = zq("check", "--root", county, "--format", "json")
    assert result.code == 1 and _codes(result) == ["S003"], result.text
    finding = json.loads(result.out)["findings"][0]
    assert finding["message"].startswith(field) and f"schemas/{name}.schema.json" in finding["message"]
    assert keyword in finding["message"], finding
    assert not any(w in finding["message"] + finding["hint"] for w in ("valid under", "is not", "was expected"))


def test_an_override_for_no_schema_names_line_1_and_the_types(county, zq):
    _override(county, "foo", {"properties": {}})
    result = zq("check", "--root", county)
    _s006(result, "schemas/foo.schema.json:1:1:")
    assert "notice" in result.err and "policy" in result.err and "已有的类型" in result.err


def test_a_schema_override_with_a_bom_is_f002_in_chinese(county, zq):
    (county / "schemas").mkdir()
    (county / "schemas" / "notice.schema.json").write_bytes(b"\xef\xbb\xbf" + b'{"properties": {}}')
    result = zq("check", "--root", county)
    assert result.code == 1 and "F002" in result.err and "schemas/notice.schema.json:1:1:" in result.err, result.text
    assert "BOM" in result.err and "Unexpected" not in result.err and "utf-8-sig" not in result.err


@pytest.mark.parametrize(("pin", "code"), [('">=0.3,<0.4"', "C015"), ('"==0.1.*"', "C015"), ('"0.2 以上"', "C016"),
                                          ('"=>0.2"', "C016"), ('">=0.2,<0.3"', None)])
def test_the_zhanqun_pin_is_checked_against_the_installed_version(county, zq, pin, code):
    config = county / "content" / "cluster.yaml"
    text = config.read_text(encoding="utf-8")
    assert 'zhanqun: ">=0.2,<0.3"' in text
    config.write_text(text.replace('zhanqun: ">=0.2,<0.3"', f"zhanqun: {pin}"), encoding="utf-8")
    result = zq("check", "--root", county, "--format", "json")
    if code is None:
        assert result.code == 0, result.text
        return
    found = json.loads(result.out)["findings"]
    assert result.code == 1 and [f["code"] for f in found] == [code], result.text
    assert found[0]["path"] == "content/cluster.yaml" and found[0]["line"] == 4
    assert __version__ in found[0]["message"] or code == "C016"
    assert zq("build", "--root", county).code == 1 and not (county / "output" / "www.example.gov.cn").exists()


def test_an_extra_pelican_plugin_of_the_cluster_runs_and_a_missing_one_is_b004(county, zq):
    (county / "plugins").mkdir()
    (county / "plugins" / "county_sitemap_r11.py").write_text(
        "from pathlib import Path\nfrom pelican import signals\n\n\n"
        "def _write(pelican):\n    Path(pelican.output_path, 'county.txt').write_text(pelican.settings['SITEURL'])\n\n\n"
        "def register():\n    signals.finalized.connect(_write)\n", encoding="utf-8")
    config = county / "content" / "cluster.yaml"
    base = config.read_text(encoding="utf-8")
    config.write_text(base + "build:\n  plugins: [county_sitemap_r11]\n", encoding="utf-8")
    built = zq("build", "--root", county)
    assert built.code == 0, built.text
    assert (county / "output" / "www.example.gov.cn" / "county.txt").read_text() == "https://www.example.gov.cn"
    config.write_text(base + "build:\n  plugins: [county_missing_r11]\n", encoding="utf-8")
    missing = zq("build", "--root", county, "--output", county / "out2")
    assert missing.code == 1 and "content/cluster.yaml:27:13: B004" in missing.out, missing.text
    assert "county_missing_r11" in missing.out
    assert "B001" not in missing.err
    assert "Traceback" not in missing.text and not (county / "out2" / "www.example.gov.cn").exists()
    config.write_text(base + "build:\n  plugins: [\"not a module\"]\n", encoding="utf-8")
    bad = zq("check", "--root", county, "--format", "json")
    assert bad.code == 1 and _codes(bad) == ["S003"], bad.text


@pytest.mark.parametrize("pattern", ["^(a|a)+$", "^(\\\\w+\\\\s?)+$", "(a+)+!", "^(x?)*$"])
def test_a_pattern_that_backtracks_without_end_is_s006_and_check_ends(county, zq, pattern):
    """A schema override's pattern is matched by Python's re against every value: ``^(a|a)+$`` on a long title
    never ends (review of issue 13: check hung at 100 % CPU). It is refused before any value is matched."""
    _item(county, title="a" * 40 + "!")
    _override(county, "notice", f'{{"properties": {{"title": {{"pattern": "{pattern}"}}}}}}')
    # in a process of its own, so a regression fails on the timeout instead of hanging the test run
    done = subprocess.run([sys.executable, "-m", "zhanqun", "check", "--root", str(county)], capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode == 1 and "S006" in done.stderr and "schemas/notice.schema.json:1:" in done.stderr, done.stderr
    assert "卡住" in done.stderr and "Traceback" not in done.stderr


def test_an_ordinary_pattern_in_an_override_still_applies(county, zq):
    _item(county, title="公告：试运行")
    _override(county, "notice", {"properties": {"title": {"pattern": "^(关于|公告)[^a-z]+$"}}})
    assert zq("check", "--root", county).code == 0
    _item(county, title="通知：试运行")
    assert "S003" in zq("check", "--root", county).out


def test_a_backtracking_pattern_whose_repeat_swallows_the_next_pass_is_s006_in_pattern_properties(county, zq):
    """``(x_\\w+\\s?)+`` begins with a literal, but \\w+ can also match the x that begins the next pass: on
    "x_x_x_…!" Python's re tries every split. Also as a key of patternProperties (review of issue 13)."""
    _override(county, "notice", '{"patternProperties": {"^(x_\\\\w+\\\\s?)+$": {"type": "string"}}}')
    done = subprocess.run([sys.executable, "-m", "zhanqun", "check", "--root", str(county)], capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode == 1 and "S006" in done.stderr and "卡住" in done.stderr, done.stderr
    _override(county, "notice", '{"patternProperties": {"^x_(\\\\.[a-z]+)+$": {"type": "string"}}}')  # unambiguous
    assert zq("check", "--root", county).code == 0
