"""``zhanqun check FILE…`` (pre-commit, R4.9) finds in the files it is given exactly what the full check of the
cluster finds in them (R4.1–R4.8), except the rules that compare every item with every other, which only the
full check runs (issue 16: the fast path skips work, never a finding).

The cluster is a copy of the demo in a real git repository (its schemas/ a copy of the package's, as a county's
is), with ten files given problems of every family, and problems in files that are *not* given: a duplicate
index number, a broken unit.yaml of another unit, a fill-in file of the annual report.
"""

from __future__ import annotations

import json
import random
import shutil
import subprocess
from pathlib import Path

import pytest

from tests import fakes
from tests.conftest import copy_repo

#: Rules only the full check runs: they compare the given items with every other item of the cluster (check.py).
WHOLE_CLUSTER = {"C101", "C102", "C103"}

POLICY = "content/xzf/zcwj/2025-08-06-xiangcun-zhenxing-shifancun.md"  # index_no SLXZF-02-2025-00002
OTHER_POLICY = "content/xzf/zcwj/2024-02-26-wen-jiuye-cu-zengshou.md"  # index_no SLXZF-02-2024-00001
NEWS = "content/fgw/gzdt/2026-07-08-baogong-wenjia.md"
NOTICE = "content/fgw/tzgg/2025-06-10-jieneng-kaohe.md"
FILL = "content/xzf/annual-report/2025.yaml"
CHANGED = [
    NEWS,
    NOTICE,
    POLICY,
    "content/fgw/gzdt/2026-10-15-zhongdian-xiangmu-diaodu.md",
    "content/fgw/gzdt/2025-05-20-yigongdaizhen-diaoyan.md",
    "content/fgw/unit.yaml",
    "content/cluster.yaml",
    FILL,
    "content/fgw/gzdt/2026-11-20-xin-xinxi.md",  # a new file
    "content/fgw/gzdt/2025-12-03-shiji-zhongdian-xiangmu.md",
]


def _git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid", *args], cwd=root, check=True,
                   capture_output=True)


def _edit(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, (rel, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _append(root: Path, rel: str, text: str) -> None:
    with (root / rel).open("a", encoding="utf-8") as handle:
        handle.write(text)


@pytest.fixture
def bad_repo(tmp_path) -> Path:
    return plant(copy_repo(tmp_path / "repo"))


def plant(root: Path) -> Path:
    """Commit the demo at ``root`` and give files their problems (left uncommitted, as pre-commit sees them)."""
    _git(root, "init", "-q", "-b", "main")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "demo")
    rng = random.Random(16)
    # the given files
    _append(root, NEWS, f"\n联系人身份证号：{fakes.id18(rng)}，手机 {fakes.mobile(rng)}。\n\n机密★1年\n\n"
                        "澳门威尼斯人娱乐城官网，注册即送彩金。\n\n中国入民政治协商会议示例县委员会。\n")
    _append(root, NOTICE, "\n另见 [通知](https://www.shilixian.gov.cn/tzgg/no-such-notice.html) 和 "
                          "[附件](attachments/no-such-file.pdf)。\n\n![](images/huiyi.jpg)\n")
    _edit(root, POLICY, 'index_no: "SLXZF-02-2025-00002"', 'index_no: "SLXZF-02-2024-00001"')  # = OTHER_POLICY's
    _edit(root, POLICY, "importance: general", "importance: 非常重要\ntitel: 多余的键")
    _edit(root, "content/fgw/gzdt/2026-10-15-zhongdian-xiangmu-diaodu.md", 'date: "2026-10-15 18:00"', "date: 2026/10/15")
    _append(root, "content/fgw/gzdt/2025-05-20-yigongdaizhen-diaoyan.md",
            "\n<!-- zhanqun: ignore[W001] 这一行没有错别字 -->\n本段内容正常。\n\n[源代码](https://gitee.com/example/y)\n")
    _edit(root, "content/fgw/unit.yaml", "label: fgw", "label: fagai")
    _append(root, "content/cluster.yaml", "build:\n  plugins: [no_such_plugin]\n")
    _edit(root, "content/cluster.yaml", 'zhanqun: ">=0.2,<0.3"', 'zhanqun: ">=9.0"')  # not the installed version
    _edit(root, FILL, "联系电话: 0000-12345678", f"联系电话: {fakes.mobile(rng)}")
    (root / "content/fgw/gzdt/2026-11-20-xin-xinxi.md").write_text(
        "---\ntitle: 新的信息\ndate: 2026-11-20\nauthor: 刘晓\n---\n\n正文，银行卡号 " + fakes.card(rng) + "。\n",
        encoding="utf-8")
    # files that are not given: a policy with a duplicate index number of the given one (OTHER_POLICY, as it is),
    # another unit's broken config, an item of its own with an ID number
    _edit(root, "content/jyj/unit.yaml", "columns:", "columns: 5\nbroken:")
    _append(root, "content/czj/zcwj/" + next(p.name for p in (root / "content/czj/zcwj").glob("*.md")),
            f"\n身份证号 {fakes.id18(rng)}\n")
    return root


def _findings(zq, root: Path, *args: str) -> list[dict[str, object]]:
    result = zq("check", "--root", root, "--format", "json", "--jobs", "1", *args)
    assert result.code in (0, 1), result.text
    return json.loads(result.out)["findings"]


def _key(entry: dict[str, object]) -> tuple[object, ...]:
    return entry["path"], entry["line"], entry["column"], entry["code"], entry["message"], entry.get("hint")


def test_given_files_have_the_findings_of_the_full_check(bad_repo, zq, monkeypatch):
    monkeypatch.chdir(bad_repo)
    full = _findings(zq, bad_repo)
    given = _findings(zq, bad_repo, *CHANGED)
    expected = sorted(_key(e) for e in full if e["path"] in CHANGED and e["code"] not in WHOLE_CLUSTER)
    assert sorted(_key(e) for e in given) == expected
    # every family is there, so the comparison means something
    codes = {str(e["code"]) for e in given}
    for code in ("P001", "P002", "P003", "M001", "X001", "W001", "L003", "S002", "S003", "S004", "N002", "C003",
                 "B004", "C015"):
        assert code in codes, (code, sorted(codes))
    assert any(e["path"] == FILL and e["code"] == "P002" for e in given)  # the annual report's fill-in file
    # the rules that compare every item: only the full check, which sees the duplicate outside the given files
    assert {(e["code"], e["path"]) for e in full if e["code"] == "C101"} >= {("C101", POLICY)}
    assert not any(e["code"] in WHOLE_CLUSTER for e in given)
    # nothing about the files that were not given
    assert {e["path"] for e in given} <= set(CHANGED)


def test_cached_run_finds_the_same(bad_repo, zq, monkeypatch):
    monkeypatch.chdir(bad_repo)
    first = _findings(zq, bad_repo, *CHANGED)
    assert (bad_repo / ".zhanqun-cache" / "parse.sqlite3").exists()
    assert _findings(zq, bad_repo, *CHANGED) == first
    shutil.rmtree(bad_repo / ".zhanqun-cache")
    assert _findings(zq, bad_repo, *CHANGED) == first


@pytest.mark.parametrize("rel, code", [
    ("themes/zhanqun/templates/base.html", "B006"),  # an override template that does not compile
    ("plugins/county.py", "B005"),  # a cluster plugin that is not Python
])
def test_code_of_the_cluster_is_checked_when_given(bad_repo, zq, monkeypatch, rel, code):
    """The checks of the cluster's own code (build.plugins, override templates) run for the files they are about."""
    monkeypatch.chdir(bad_repo)
    target = bad_repo / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    if rel.endswith(".html"):
        target.write_text("{% block content %}\n{% if %}\n", encoding="utf-8")
    else:
        target.write_text("def register(:\n", encoding="utf-8")
        _edit(bad_repo, "content/cluster.yaml", "plugins: [no_such_plugin]", "plugins: [county]")
    full = _findings(zq, bad_repo)
    given = _findings(zq, bad_repo, rel, "content/cluster.yaml")
    expected = sorted(_key(e) for e in full if e["path"] in (rel, "content/cluster.yaml"))
    assert sorted(_key(e) for e in given) == expected
    assert any(e["code"] == code for e in given), given


def test_tree_entries_of_given_files_as_the_whole_walk_sees_them(bad_repo, zq, monkeypatch):
    """Links, compiled code, unpublished types and names that are not UTF-8 (C011, C012, C021,
    F008): the pre-commit check looks only at the given paths and the folders above them, and finds there what
    the walk of the whole tree finds."""
    monkeypatch.chdir(bad_repo)
    news = bad_repo / "content/fgw/gzdt"
    (news / "lianjie.md").symlink_to(news / "2026-07-08-baogong-wenjia.md")
    (bad_repo / "content/fgw/linked").symlink_to(news, target_is_directory=True)
    (news / "biao.exe").write_bytes(b"MZ")
    (news / "__pycache__").mkdir()
    (news / "__pycache__" / "x.cpython-311.pyc").write_bytes(b"\0")
    (bad_repo / "plugins").mkdir(exist_ok=True)
    (bad_repo / "plugins" / "helper.pyc").write_bytes(b"\0")
    os_name = "content/fgw/gzdt/" + b"\xb9\xab\xb8\xe6.md".decode("utf-8", "surrogateescape")  # GBK 公告
    (bad_repo / os_name).write_text("---\ntitle: 公告\n---\n", encoding="utf-8")
    given = ["content/fgw/gzdt/lianjie.md", "content/fgw/linked/2026-07-08-baogong-wenjia.md",
             "content/fgw/gzdt/biao.exe", "content/fgw/gzdt/__pycache__/x.cpython-311.pyc", "plugins/helper.pyc",
             os_name, NEWS]  # (all files or links: a folder or a FIFO given makes it a check of the whole cluster)
    assert all((bad_repo / rel).is_file() or (bad_repo / rel).is_symlink() for rel in given)
    full = _findings(zq, bad_repo)
    shown_given = set(given) - {os_name} | {e["path"] for e in full if e["code"] == "F008"}
    pre = _findings(zq, bad_repo, *given)
    expected = sorted(_key(e) for e in full if e["code"] not in WHOLE_CLUSTER and any(
        rel == e["path"] or rel.startswith(str(e["path"]).rstrip("/") + "/") for rel in shown_given))  # or a folder above
    assert sorted(_key(e) for e in pre) == expected
    assert any(e["path"] == "content/fgw/linked" and e["code"] == "C011" for e in pre)
    codes = {str(e["code"]) for e in pre}
    assert {"C011", "C012", "C021", "F008"} <= codes, (sorted(codes), pre)


def test_package_rule_data_is_read_from_yaml_once(tmp_path, monkeypatch):
    """The package's rule data (checks/data/*.yaml) is kept as JSON in the user's cache folder; what is read back
    is exactly what YAML gave, and a damaged copy is read from YAML again (issue 16)."""
    from zhanqun.checks import ruledata

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    ruledata._load.cache_clear()
    first = ruledata._load("", ())
    kept = sorted((tmp_path / "zhanqun" / "ruledata").iterdir())
    assert len(kept) == len(ruledata.NAMES)
    ruledata._load.cache_clear()
    read = ruledata._read
    monkeypatch.setattr(ruledata, "_read", lambda *args: pytest.fail("read from YAML again"))
    second = ruledata._load("", ())
    assert second.tables == first.tables and second.digest == first.digest
    kept[0].write_bytes(b"{not json")
    monkeypatch.setattr(ruledata, "_read", read)
    ruledata._load.cache_clear()
    assert ruledata._load("", ()).tables == first.tables
    ruledata._load.cache_clear()


def test_a_copy_of_a_package_schema_passes_the_checks_it_skips():
    """A cluster's schemas/<type>.schema.json byte for byte the package's is not meta-checked again (issue 16):
    every package schema passes that check and the reference rules, and reads the same either way."""
    from zhanqun import defaults
    from zhanqun.schemas import SchemaSet, _read_override

    package = SchemaSet(defaults.path("schemas"))
    for path in sorted(defaults.path("schemas").glob("*.schema.json")):
        name = path.name.removesuffix(".schema.json")
        checked, _ = _read_override(path, name, package.raw)
        skipped, locate = _read_override(path, name, package.raw, path.read_bytes())
        assert skipped == checked == {k: v for k, v in package.raw[name].items() if k not in ("$id", "$schema")}
        assert locate(("properties",))[0] >= 1
    assert not SchemaSet(defaults.path("schemas"), defaults.path("schemas")).overrides
