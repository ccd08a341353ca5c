"""A county's own repository (R11.1, issue 13): zhanqun installed from the wheel built from this checkout into a
fresh virtualenv, ``zhanqun init`` writes a content-only cluster outside this checkout, and that cluster builds,
checks, runs its real pre-commit hook (installed from a git repository of this checkout at ``v<version>``),
answers ``zhanqun affected``, and its workflows pass actionlint."""

from __future__ import annotations

import json
import os
import random
import re
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
    assert f'rev: "v{__version__}"' in (root / ".pre-commit-config.yaml").read_text(encoding="utf-8")
    readme = (root / "README.md").read_text(encoding="utf-8")
    assert f'pip install "zhanqun=={__version__}"' in readme and "pre-commit install" in readme
    assert "@portal-first" in (root / ".github/CODEOWNERS").read_text(encoding="utf-8")

    # the README's commands, in order, in the repository init made (git init -b main): the first one's install
    # is this fresh virtualenv (the wheel is on no package index), the second runs as written
    commands = readme.split("```sh\n", 1)[1].split("```", 1)[0].splitlines()
    assert commands[0] == f'python3 -m venv .venv && .venv/bin/pip install "zhanqun=={__version__}" "pre-commit>=3.6"'
    (root / ".venv").symlink_to(fresh, target_is_directory=True)
    second = subprocess.run(["sh", "-c", commands[1]], cwd=root, env=env, capture_output=True, text=True, timeout=900)
    assert second.returncode == 0, second.stdout + second.stderr
    (root / ".venv").unlink()
    site = root / "output" / "www.mouxian.gov.cn"
    home = (site / "index.html").read_text(encoding="utf-8")
    assert "某某县人民政府" in home and "通知公告" in home
    assert (site / "theme" / "css" / "site.css").read_bytes() == (PROJECT / "themes/zhanqun/static/css/site.css").read_bytes()
    assert (site / "tzgg" / "index.html").is_file()

    repo = git.Repo(root)
    assert repo.active_branch.name == "main"
    with repo.git.custom_environment(**env):
        repo.git.add(A=True)
        repo.git.commit("-m", "初始站群", "--no-verify")

    checked = _run(fresh, env, root, "zhanqun", "check")
    assert checked.returncode == 0, checked.stdout + checked.stderr

    # the real hook, installed by pre-commit from the zhanqun repository at v<version> (README's second command)
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


# --- issue 13 review: init into ".", empty clones, links, option values, the pin -------------------------------

ZQ_BIN = Path(sys.executable).parent / "zhanqun"


def _git(cwd: Path, *args: str) -> str:
    env = {**hermetic_env(cwd.parent / "home"), "GIT_DIR": "", "GIT_WORK_TREE": ""}
    env = {k: v for k, v in env.items() if v != "" or not k.startswith("GIT_")}
    done = subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_init_dot_writes_into_the_directory_the_shell_is_in(tmp_path):
    """``mkdir e3 && cd e3 && zhanqun init .``: the folder is the same one afterwards (not rmdir'ed and replaced),
    so the shell in it sees the files; the next command in that shell works."""
    here = tmp_path / "e3"
    here.mkdir()
    inode = here.stat().st_ino
    done = subprocess.run(["sh", "-c", f'"{ZQ_BIN}" init . && ls README.md content/cluster.yaml && git status --short'],
                          cwd=here, capture_output=True, text=True, env=hermetic_env(tmp_path / "home"))
    assert done.returncode == 0, done.stdout + done.stderr
    assert here.stat().st_ino == inode and "README.md" in done.stdout and "content/" in done.stdout
    assert [p.name for p in tmp_path.iterdir() if p.name != "home"] == ["e3"]  # no staging folder left anywhere
    assert not [p for p in here.iterdir() if p.name.startswith(".zhanqun-init-")]


def test_init_into_an_existing_folder_that_fails_halfway_leaves_it_empty(tmp_path, monkeypatch):
    from zhanqun import init as init_mod
    from zhanqun.errors import ZhanqunError

    here = tmp_path / "e3"
    here.mkdir()
    real, calls = os.rename, []

    def rename(src, dst):
        calls.append(dst)
        if len(calls) == 3:
            raise OSError(28, "No space left on device")
        real(src, dst)

    monkeypatch.setattr(init_mod.os, "rename", rename)
    with pytest.raises(ZhanqunError) as raised:
        init_mod.init_cluster(here)
    assert raised.value.code == "C019" and len(calls) == 3
    assert list(here.iterdir()) == [] and sorted(p.name for p in tmp_path.iterdir()) == ["e3"]


def test_init_makes_a_git_repository_on_main_and_the_readme_commands_work_in_order(zq, tmp_path):
    target = tmp_path / "xian"
    assert zq("init", target).code == 0
    assert _git(target, "symbolic-ref", "HEAD").strip() == "refs/heads/main"
    assert _git(target, "rev-parse", "--show-toplevel").strip() == str(target.resolve())
    readme = (target / "README.md").read_text(encoding="utf-8")
    commands = readme.split("```sh\n", 1)[1].split("```", 1)[0].splitlines()
    assert commands[0].startswith("python3 -m venv .venv && .venv/bin/pip install") and "git init" not in readme
    # the second line, with this test's environment for .venv/ (the first installs from the package index)
    second = commands[1].replace(".venv/bin/", f"{Path(sys.executable).parent}/")
    env = hermetic_env(tmp_path / "home")
    done = subprocess.run(["sh", "-c", second], cwd=target, env=env, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout + done.stderr
    assert (target / ".git" / "hooks" / "pre-commit").is_file() and (target / "output" / "www.example.gov.cn").is_dir()


def _host_repo(tmp_path: Path, *files: str) -> Path:
    """A repository on the "git host" (bare), with ``files`` committed as a host's "add a README" does."""
    bare = tmp_path / "host.git"
    _git(tmp_path, "init", "--quiet", "--bare", "-b", "main", str(bare))
    if files:
        seed = tmp_path / "seed"
        _git(tmp_path, "clone", "--quiet", str(bare), str(seed))
        for name in files:
            (seed / name).write_text(f"{name} of the host\n", encoding="utf-8")
        _git(seed, "add", "-A")
        _git(seed, "commit", "--quiet", "-m", "Initial commit")
        _git(seed, "push", "--quiet", "origin", "main")
        shutil.rmtree(seed)
    return bare


def test_init_into_an_empty_clone_keeps_its_git_and_remote(zq, tmp_path):
    clone = tmp_path / "repo"
    _git(tmp_path, "clone", "--quiet", str(_host_repo(tmp_path)), str(clone))
    config = (clone / ".git" / "config").read_text(encoding="utf-8")
    result = zq("init", clone)
    assert result.code == 0, result.text
    assert (clone / ".git" / "config").read_text(encoding="utf-8") == config  # the clone's own repository, not a new one
    assert (clone / "content" / "cluster.yaml").is_file()
    assert _git(clone, "remote", "get-url", "origin").strip() == str(tmp_path / "host.git")


def test_init_into_a_clone_with_a_host_license_keeps_it(zq, tmp_path):
    clone = tmp_path / "repo"
    _git(tmp_path, "clone", "--quiet", str(_host_repo(tmp_path, "LICENSE")), str(clone))
    assert zq("init", clone).code == 0
    assert (clone / "LICENSE").read_text(encoding="utf-8") == "LICENSE of the host\n"
    assert (clone / "README.md").is_file() and _git(clone, "status", "--porcelain", "LICENSE") == ""


@pytest.mark.parametrize("files", [("README.md",), (".gitignore", "LICENSE"), ("notes.txt",)])
def test_init_refuses_a_clone_with_files_it_would_write_or_does_not_know(zq, tmp_path, files):
    clone = tmp_path / "repo"
    _git(tmp_path, "clone", "--quiet", str(_host_repo(tmp_path, *files)), str(clone))
    before = sorted(p.name for p in clone.iterdir())
    result = zq("init", clone)
    assert result.code == 1 and "C017" in result.err and "Traceback" not in result.text, result.text
    assert sorted(p.name for p in clone.iterdir()) == before
    assert all((clone / name).read_text(encoding="utf-8") == f"{name} of the host\n" for name in files)


def test_init_refuses_a_git_folder_whose_committed_files_are_gone(zq, tmp_path):
    clone = tmp_path / "repo"
    _git(tmp_path, "clone", "--quiet", str(_host_repo(tmp_path, "README.md")), str(clone))
    (clone / "README.md").unlink()
    result = zq("init", clone)
    assert result.code == 1 and "C017" in result.err and "README.md" in result.err, result.text
    assert sorted(p.name for p in clone.iterdir()) == [".git"]


@pytest.mark.parametrize("dangling", [False, True])
def test_init_refuses_a_symlink_target(zq, tmp_path, dangling):
    real = tmp_path / "empty"
    if not dangling:
        real.mkdir()
    (tmp_path / "linkdir").symlink_to(real, target_is_directory=True)
    result = zq("init", tmp_path / "linkdir")
    assert result.code == 1 and "C019" in result.err and "符号链接" in result.err, result.text
    assert "内部错误" not in result.text and "Traceback" not in result.text
    assert sorted(p.name for p in tmp_path.iterdir()) == (["linkdir"] if dangling else ["empty", "linkdir"])
    assert dangling or list(real.iterdir()) == []
    assert zq("rule", "C019").code == 0


def test_init_under_a_file_is_c019_not_a_crash(zq, tmp_path):
    (tmp_path / "f").write_text("", encoding="utf-8")
    result = zq("init", tmp_path / "f" / "xian")
    assert result.code == 1 and "C019" in result.err and "内部错误" not in result.text, result.text
    assert sorted(p.name for p in tmp_path.iterdir()) == ["f"]


@pytest.mark.parametrize("repo", ["x\n  evil: 1", "https://git.example.gov.cn/zhanqun\n", "", " https://a.b/c",
                                  "ftp://example.gov.cn/zhanqun", "no-such-folder", "https://a.b/c\tx", "local"])
def test_init_refuses_a_bad_hook_repo_with_a_usage_error(zq, tmp_path, monkeypatch, repo):
    monkeypatch.chdir(tmp_path)
    result = zq("init", tmp_path / "xian", "--hook-repo", repo)
    assert result.code == 2 and "C018" in result.err and "--hook-repo" in result.err, result.text
    assert "\n  evil" not in result.err and sorted(p.name for p in tmp_path.iterdir()) == []


@pytest.mark.parametrize("repo", ["https://git.example.gov.cn/mirror/zhanqun.git", "git@git.example.gov.cn:mirror/zhanqun.git",
                                  "ssh://git@git.example.gov.cn:2222/mirror/zhanqun", "LOCAL"])
def test_init_writes_the_hook_repo_as_yaml_reads_it(zq, tmp_path, repo):
    import yaml  # pre-commit's reader

    if repo == "LOCAL":
        (tmp_path / "hooks dir").mkdir()
        repo = str(tmp_path / "hooks dir")
    assert zq("init", tmp_path / "xian", "--hook-repo", repo).code == 0
    config = yaml.safe_load((tmp_path / "xian" / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    assert config["repos"] == [{"repo": repo, "rev": f"v{__version__}", "hooks": [{"id": "zhanqun-check"}]}]


def test_init_writes_name_and_domain_as_yaml_scalars(zq, tmp_path):
    import yaml

    name = "某县(试点)人民政府·2024"
    assert zq("init", tmp_path / "xian", "--name", name, "--domain", "mou-xian.gov.cn").code == 0
    cluster = yaml.safe_load((tmp_path / "xian" / "content" / "cluster.yaml").read_text(encoding="utf-8"))
    assert cluster["name"] == name and cluster["domain"] == "mou-xian.gov.cn"
    assert cluster["identity"]["organizer"] == f"{name}办公室"
    assert cluster["identity"]["contact"]["email"] == "webmaster@mou-xian.gov.cn"
    unit = yaml.safe_load((tmp_path / "xian" / "content" / "portal" / "unit.yaml").read_text(encoding="utf-8"))
    assert unit["name"] == name
    assert zq("check", "--root", tmp_path / "xian").code == 0


@pytest.mark.parametrize("name", ["#某县", "2024", "某县: 政府", "某县\n政府", "甲"])
def test_a_bad_name_is_c018_naming_the_option_not_a_finding_in_a_file_never_written(zq, tmp_path, name):
    result = zq("init", tmp_path / "xian", "--name", name)
    assert result.code == 2 and "C018" in result.err and "--name" in result.err, result.text
    assert "S003" not in result.text and "cluster.yaml" not in result.text
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def _pinned(zq, tmp_path: Path, line: str | None) -> list[dict]:
    root = tmp_path / "xian"
    assert zq("init", root).code == 0
    config = root / "content" / "cluster.yaml"
    text = config.read_text(encoding="utf-8")
    pin_line = next(x for x in text.splitlines() if x.startswith("zhanqun:"))
    config.write_text(text.replace(pin_line + "\n", "" if line is None else line + "\n"), encoding="utf-8")
    result = zq("check", "--root", root, "--format", "json")
    found = json.loads(result.out)["findings"]
    assert result.code == (0 if all(f["severity"] == "warning" for f in found) else 1), result.text
    return found


@pytest.mark.parametrize("line", ['zhanqun: ">=0.2,<0.3,"', 'zhanqun: ",>=0.2"', 'zhanqun: ">=0.2,,<0.3"', "zhanqun: 0.2",
                                  "zhanqun: [0.2]", "zhanqun:", 'zhanqun: ""', "zhanqun: {a: 1}",
                                  f'zhanqun: "{"9" * 200}"'])
def test_a_bad_pin_is_one_c016(zq, tmp_path, line):
    found = _pinned(zq, tmp_path, line)
    assert [(f["code"], f["path"], f["line"]) for f in found] == [("C016", "content/cluster.yaml", 4)], found


def test_a_cluster_without_a_pin_is_warned_c024(zq, tmp_path):
    found = _pinned(zq, tmp_path, None)
    assert [(f["code"], f["severity"]) for f in found] == [("C024", "warning")]
    assert '">=' in found[0]["hint"] and zq("rule", "C024").code == 0


def test_the_demo_cluster_is_pinned_and_checks_without_warnings(zq):
    text = (PROJECT / "content" / "cluster.yaml").read_text(encoding="utf-8")
    assert any(line.startswith('zhanqun: ">=') for line in text.splitlines())
    result = zq("check", "--root", PROJECT, "--format", "json")
    assert result.code == 0 and json.loads(result.out)["findings"] == [], result.text


@pytest.mark.parametrize("domain", ["-ab.gov.cn", "ab-.gov.cn", "1.2", "mouxian.gov.c0", "mouxian"])
def test_a_domain_no_host_can_have_is_refused_by_init_and_by_check(zq, tmp_path, domain):
    """www.-ab.gov.cn is no host name: nginx and every site URL would be wrong (review of issue 13)."""
    bad = zq("init", tmp_path / "new", "--domain", domain)
    assert bad.code == 2 and "C018" in bad.err and not (tmp_path / "new").exists(), bad.text
    assert zq("init", tmp_path / "ok").code == 0
    config = tmp_path / "ok" / "content" / "cluster.yaml"
    text = config.read_text(encoding="utf-8")
    config.write_text(re.sub(r"(?m)^domain: .*$", f'domain: "{domain}"', text), encoding="utf-8")
    checked = zq("check", "--root", tmp_path / "ok", "--format", "json")
    assert checked.code == 1 and any(f["path"] == "content/cluster.yaml" for f in json.loads(checked.out)["findings"])


def test_init_where_nothing_can_be_made_says_why_in_chinese(zq):
    """/proc accepts no new folder (ENOENT): the reason is said in Chinese, not the system's English."""
    result = zq("init", "/proc/zhanqun-init-test")
    assert result.code == 1 and "C019" in result.err and "上级目录不存在" in result.err, result.text
    assert not re.search(r"[A-Za-z]{4,}", result.err.split("：", 1)[1].replace("/proc/zhanqun-init-test", "")), result.err
