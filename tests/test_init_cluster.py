"""A county's own repository (R11.1, issue 13): zhanqun installed from the wheel built from this checkout into a
fresh virtualenv, ``zhanqun init`` writes a content-only cluster outside this checkout, and that cluster builds,
checks, runs its real pre-commit hook (installed from a git repository of this checkout at ``v<version>``),
answers ``zhanqun affected``, and its workflows pass actionlint."""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
from pathlib import Path

import git
import pytest

from tests import fakes
from tests.conftest import PROJECT
from tests.test_precommit import hermetic_env, zhanqun_source
from tests.test_workflows import _actionlint
from zhanqun import __version__

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
NOTICE = "content/portal/tzgg/2026-11-20-shiyunxing.md"
ITEM = """---
title: 关于门户网站试运行的公告
date: 2026-11-20
publisher: 某某县人民政府办公室
---

门户网站自即日起试运行{extra}。
"""


@pytest.fixture(scope="module")
def fresh(wheel_file, tmp_path_factory) -> Path:
    """A virtualenv with nothing but the wheel (and pre-commit, as the README's first command installs)."""
    venv = tmp_path_factory.mktemp("fresh") / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    done = subprocess.run([str(venv / "bin" / "pip"), "install", "--quiet", str(wheel_file), "pre-commit>=3.6"],
                          capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout + done.stderr
    return venv


def _run(fresh: Path, env: dict[str, str], cwd: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(fresh / "bin" / args[0]), *args[1:]], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=900)


def _env(tmp_path: Path, fresh: Path) -> dict[str, str]:
    """Nothing of this checkout on any path: no PYTHONPATH, this venv's bin/ off PATH, a temp HOME and cwd."""
    env = hermetic_env(tmp_path / "home")
    env.pop("PYTHONPATH", None)
    here = str(Path(sys.executable).parent)
    env["PATH"] = os.pathsep.join([str(fresh / "bin"), *(p for p in env["PATH"].split(os.pathsep) if p != here)])
    env["XDG_CACHE_HOME"] = str(tmp_path / "cache")
    return env


def test_a_content_only_cluster_made_by_init_builds_checks_hooks_and_plans(fresh, tmp_path):
    env = _env(tmp_path, fresh)
    work = tmp_path / "elsewhere"
    work.mkdir()
    # the installed zhanqun is the wheel's, and it knows no checkout
    where = _run(fresh, env, work, "python", "-c", "import sys, zhanqun, zhanqun.defaults as d, zhanqun.plugins as p; "
                 "print(zhanqun.__file__, p.__file__, d.checkout(), d.path('schemas'), sep='\\n'); print(sys.path)")
    assert where.returncode == 0, where.stderr
    lines = where.stdout.splitlines()
    assert all(line.startswith(str(fresh)) for line in (lines[0], lines[1], lines[3])), lines
    assert lines[2] == "None" and str(PROJECT) not in where.stdout

    hooks = tmp_path / "zhanqun-src"
    zhanqun_source(hooks, env)
    made = _run(fresh, env, work, "zhanqun", "init", "mouxian", "--name", "某某县人民政府", "--domain", "mouxian.gov.cn",
                "--hook-repo", str(hooks))
    assert made.returncode == 0, made.stdout + made.stderr
    root = work / "mouxian"
    assert not (root / "schemas").exists() and not (root / "themes").exists() and not (root / "plugins").exists()
    assert f'pip install --quiet "zhanqun=={__version__}"' in (root / ".github/workflows/zhanqun.yml").read_text("utf-8")
    assert f"rev: v{__version__}" in (root / ".pre-commit-config.yaml").read_text(encoding="utf-8")
    readme = (root / "README.md").read_text(encoding="utf-8")
    assert f'pip install "zhanqun=={__version__}"' in readme and "pre-commit install" in readme
    assert "@portal-first" in (root / ".github/CODEOWNERS").read_text(encoding="utf-8")

    repo = git.Repo.init(root, initial_branch="main")
    with repo.git.custom_environment(**env):
        repo.git.add(A=True)
        repo.git.commit("-m", "初始站群", "--no-verify")

    checked = _run(fresh, env, root, "zhanqun", "check")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    built = _run(fresh, env, root, "zhanqun", "build")
    assert built.returncode == 0, built.stdout + built.stderr
    site = root / "output" / "www.mouxian.gov.cn"
    home = (site / "index.html").read_text(encoding="utf-8")
    assert "某某县人民政府" in home and "通知公告" in home
    assert (site / "theme" / "css" / "site.css").read_bytes() == (PROJECT / "themes/zhanqun/static/css/site.css").read_bytes()
    assert (site / "tzgg" / "index.html").is_file()

    # the real hook, installed by pre-commit from the zhanqun repository at v<version>
    installed = _run(fresh, env, root, "pre-commit", "install")
    assert installed.returncode == 0, installed.stdout + installed.stderr
    clean = _run(fresh, env, root, "pre-commit", "run", "--all-files")
    assert clean.returncode == 0 and "Passed" in clean.stdout, clean.stdout + clean.stderr
    number = fakes.id18(random.Random(13))
    (root / NOTICE).parent.mkdir(parents=True)
    (root / NOTICE).write_text(ITEM.format(extra=f"，联系人身份证号 {number}"), encoding="utf-8")
    subprocess.run(["git", "add", "-A"], cwd=root, env=env, check=True)
    refused = _run(fresh, env, root, "pre-commit", "run", "--all-files")
    assert refused.returncode != 0 and "P001" in refused.stdout and number not in refused.stdout, refused.stdout
    (root / NOTICE).write_text(ITEM.format(extra=""), encoding="utf-8")
    committed = subprocess.run(["git", "commit", "-qam", "试运行公告"], cwd=root, env=env, capture_output=True, text=True)
    assert committed.returncode == 0, committed.stdout + committed.stderr

    planned = _run(fresh, env, root, "zhanqun", "affected", "--base", "HEAD~1", "--head", "HEAD", "--format", "json")
    assert planned.returncode == 0, planned.stderr
    assert json.loads(planned.stdout)["hosts"] == ["www.mouxian.gov.cn"]
    rebuilt = _run(fresh, env, root, "zhanqun", "build")
    assert rebuilt.returncode == 0, rebuilt.stdout + rebuilt.stderr
    assert "关于门户网站试运行的公告" in (site / "tzgg" / "index.html").read_text(encoding="utf-8")

    linted = _actionlint(*sorted((root / ".github" / "workflows").glob("*.yml")))
    assert linted.returncode == 0, linted.stdout + linted.stderr


def test_init_refuses_a_directory_that_is_not_empty_and_writes_nothing(zq, tmp_path):
    target = tmp_path / "taken"
    target.mkdir()
    (target / "notes.txt").write_text("已有的文件\n", encoding="utf-8")
    result = zq("init", target)
    assert result.code == 1 and "C017" in result.err and "不是空目录" in result.err
    assert [p.name for p in target.iterdir()] == ["notes.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["taken"]  # no staging folder left beside it
    bad = zq("init", tmp_path / "new", "--domain", "MouXian.gov.cn/")
    assert bad.code == 2 and "C018" in bad.err and not (tmp_path / "new").exists()
    assert zq("rule", "C017").code == 0 and zq("rule", "C018").code == 0


def test_init_into_an_empty_directory_gives_a_cluster_that_passes_check(zq, tmp_path):
    target = tmp_path / "empty"
    target.mkdir()
    assert zq("init", target).code == 0
    assert zq("check", "--root", target).code == 0
    assert zq("codeowners", "--root", target, "--check").code == 0  # CODEOWNERS as the generator writes it


@pytest.mark.parametrize("name", ["!!binary", "!!set", "#某县", "某县: 政府", "true", '"某县"', "某某县人民政府"])
def test_init_writes_any_name_as_text_that_reads_back(zq, tmp_path, name):
    """A name YAML would read as a tag, a comment, a mapping or a boolean is quoted (issue 13): never a crash."""
    from zhanqun import source

    target = tmp_path / "new"
    result = zq("init", "--name", name, target)
    if result.code == 2:  # refused as a name (a space): C018, nothing written
        assert "C018" in result.err and not target.exists()
        return
    assert result.code == 0, result.text
    for rel in ("content/cluster.yaml", "content/portal/unit.yaml"):
        doc, findings = source.load_yaml((target / rel).read_text(encoding="utf-8"), rel)
        assert doc is not None and not findings and doc.data["name"] == name
    assert zq("check", "--root", target).code == 0


def test_init_makes_the_repository_readable_as_the_umask_says(zq, tmp_path):
    """R11.1: the folder is the office's (CI, a second editor, the web server's user), not 0700 like a temp dir."""
    old = os.umask(0o022)
    try:
        assert zq("init", tmp_path / "xian").code == 0
    finally:
        os.umask(old)
    assert (tmp_path / "xian").stat().st_mode & 0o777 == 0o755
