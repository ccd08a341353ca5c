"""Real ``pre-commit`` in a temporary cluster repository (R4, R4.9): the commit of a file with a valid ID
number is refused with the masked number and the fix; a clean commit goes through.

Two ways a cluster repository uses the hooks:
- ``repo: local`` with the hooks of .pre-commit-config.yaml (this repository's own setup), run against the
  zhanqun installed in this virtualenv;
- ``repo: <zhanqun repository>`` + ``rev:``, where pre-commit installs zhanqun itself from
  .pre-commit-hooks.yaml into its own virtualenv (needs the package registry; about half a minute).
"""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
from pathlib import Path

import git
import pytest
from ruamel.yaml import YAML

from tests import fakes
from tests.conftest import PROJECT, copy_repo

PRE_COMMIT = Path(sys.executable).with_name("pre-commit")
ZHANQUN = Path(sys.executable).with_name("zhanqun")
NEWS = "content/fgw/gzdt/2026-11-21-rudian-zoufang.md"
ITEM = """---
title: 县发改委走访困难群众
date: 2026-11-21
author: 刘晓
source: 示例县发展和改革委员会
---

11月21日，县发改委走访慰问困难群众{extra}。
"""


def hermetic_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update({
        "GIT_AUTHOR_NAME": "test", "GIT_AUTHOR_EMAIL": "test@example.invalid",
        "GIT_COMMITTER_NAME": "test", "GIT_COMMITTER_EMAIL": "test@example.invalid",
        "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1", "HOME": str(home),
        "PRE_COMMIT_HOME": str(home / "pre-commit"),
        "PATH": f"{ZHANQUN.parent}{os.pathsep}{os.environ.get('PATH', '')}",
    })
    return env


def cluster_repo(path: Path, config: str, env: dict[str, str]) -> git.Repo:
    copy_repo(path)
    (path / ".pre-commit-config.yaml").write_text(config, encoding="utf-8")
    repo = git.Repo.init(path, initial_branch="main")
    with repo.git.custom_environment(**env):
        repo.git.add(A=True)
        repo.git.commit("-m", "初始内容", "--no-verify")
    subprocess.run([str(PRE_COMMIT), "install"], cwd=path, env=env, check=True, capture_output=True)
    return repo


def zhanqun_source(path: Path, env: dict[str, str]) -> git.Repo:
    """A git repository of this checkout's files as they are now (tracked and new, not ignored; no tests, demo
    content or docs), tagged ``v<version>``: what a county's pre-commit installs the hooks from. The wheel is
    built from src/ and the defaults (schemas/, themes/, plugins/, pelicanconf.py, workflows: R11.1)."""
    from zhanqun import __version__

    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=PROJECT,
                            capture_output=True, check=True).stdout.decode().split("\0")
    for rel in filter(None, listed):
        origin = PROJECT / rel
        if rel.startswith(("tests/", "bench/", "content/", "docs/")) or not origin.is_file() or origin.is_symlink():
            continue
        (path / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(origin, path / rel)
    tool = git.Repo.init(path, initial_branch="main")
    with tool.git.custom_environment(**env):
        tool.git.add(A=True)
        tool.git.commit("-m", "zhanqun", "--no-verify")
        tool.git.tag(f"v{__version__}")
    return tool


def commit(repo: git.Repo, env: dict[str, str], message: str) -> subprocess.CompletedProcess:
    subprocess.run(["git", "add", "-A"], cwd=repo.working_dir, env=env, check=True)
    return subprocess.run(["git", "commit", "-m", message], cwd=repo.working_dir, env=env,
                          capture_output=True, text=True, timeout=600)


def refuses_id_then_accepts_clean(repo: git.Repo, env: dict[str, str]) -> None:
    root = Path(repo.working_dir)
    number = fakes.id18(random.Random(7))
    (root / NEWS).write_text(ITEM.format(extra=f"，登记对象李秀兰（身份证号 {number}）"), encoding="utf-8")
    refused = commit(repo, env, "走访动态")
    output = refused.stdout + refused.stderr
    assert refused.returncode != 0, output
    assert number[:6] + "********" + number[-4:] in output and "P001" in output and "提示：" in output
    assert number not in output
    assert repo.head.commit.message.strip() == "初始内容"  # nothing was committed

    (root / NEWS).write_text(ITEM.format(extra=""), encoding="utf-8")
    accepted = commit(repo, env, "走访动态")
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr
    assert "Passed" in accepted.stdout + accepted.stderr
    assert repo.head.commit.message.strip() == "走访动态"


def test_local_hooks_of_this_repository(tmp_path):
    env = hermetic_env(tmp_path / "home")
    config = (PROJECT / ".pre-commit-config.yaml").read_text(encoding="utf-8")
    repo = cluster_repo(tmp_path / "cluster", config, env)
    refuses_id_then_accepts_clean(repo, env)


def test_local_config_uses_the_offered_hooks():
    """.pre-commit-config.yaml runs the same hooks that .pre-commit-hooks.yaml offers to other repositories."""
    yaml = YAML(typ="safe")
    offered = {h["id"]: h for h in yaml.load((PROJECT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))}
    local = {h["id"]: h for r in yaml.load((PROJECT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))["repos"]
             for h in r["hooks"]}
    assert offered.keys() == local.keys()
    for hook_id, hook in offered.items():
        for key in ("entry", "files", "pass_filenames", "always_run", "stages", "require_serial"):
            assert hook.get(key) == local[hook_id].get(key), (hook_id, key)


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_hooks_installed_from_the_zhanqun_repository(tmp_path):
    """What another county's repository does: pre-commit installs zhanqun from this repository by itself."""
    env = hermetic_env(tmp_path / "home")
    source = tmp_path / "zhanqun"
    tool = zhanqun_source(source, env)
    config = f"repos:\n  - repo: {source}\n    rev: {tool.head.commit.hexsha}\n    hooks:\n      - id: zhanqun-check\n"
    env["PATH"] = os.pathsep.join(p for p in env["PATH"].split(os.pathsep) if p != str(ZHANQUN.parent))
    repo = cluster_repo(tmp_path / "cluster", config, env)
    installed = subprocess.run([str(PRE_COMMIT), "install-hooks"], cwd=repo.working_dir, env=env,
                               capture_output=True, text=True, timeout=900)
    assert installed.returncode == 0, installed.stdout + installed.stderr
    refuses_id_then_accepts_clean(repo, env)
