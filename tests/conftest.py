"""Shared fixtures: copies of the demo county as real repositories, and the CLI run in-process."""

from __future__ import annotations

import hashlib
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.browser import browser  # noqa: F401 - headless Chromium, one per test module
from zhanqun.cli import main

PROJECT = Path(__file__).resolve().parent.parent
REPO_PARTS = ("content", "schemas", "themes", "plugins", "pelicanconf.py")

# Builds are reproducible against a fixed "today" (expiry marks and embargoes depend on it).
os.environ["SOURCE_DATE_EPOCH"] = "1795219200"  # 2026-11-21 00:00 UTC


@dataclass
class Result:
    code: int
    out: str
    err: str

    @property
    def text(self) -> str:
        return self.out + self.err


@pytest.fixture
def zq(capsys):
    """Run ``zhanqun ARGS`` in-process; returns exit code and captured output."""

    def run(*args: str) -> Result:
        capsys.readouterr()
        code = main([str(a) for a in args])
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run


def copy_repo(target: Path) -> Path:
    target.mkdir(parents=True, exist_ok=True)
    for part in REPO_PARTS:
        source = PROJECT / part
        if source.is_dir():
            shutil.copytree(source, target / part, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, target / part)
    return target


@pytest.fixture(scope="session")
def built_demo(tmp_path_factory) -> Path:
    """The demo county, built once for the session: ``<repo>/output/<host>/``."""
    repo = copy_repo(tmp_path_factory.mktemp("demo"))
    assert main(["build", "--root", str(repo), "--jobs", "2"]) == 0
    return repo


@pytest.fixture
def demo_repo(tmp_path, built_demo) -> Path:
    """A private copy of the built demo (content, parse cache and output) to break things in."""
    repo = tmp_path / "repo"
    shutil.copytree(built_demo, repo, symlinks=True)
    return repo


def tree_digest(folder: Path) -> dict[str, tuple[str, int]]:
    """sha256 and mtime of every file under ``folder``."""
    return {
        p.relative_to(folder).as_posix(): (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*")) if p.is_file()
    }


@pytest.fixture
def cluster(tmp_path, monkeypatch):
    """The demo county as a real git repository (hermetic git, fixed dates): ``main`` holds it, and the
    branch ``pr`` is checked out for a pull request's commits."""
    import git

    from tests.gitrepo import ENV

    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    for key, value in ENV.items():
        monkeypatch.setenv(key, value)
    root = copy_repo(tmp_path / "cluster")
    repo = git.Repo.init(root, initial_branch="main")
    repo.git.add(A=True)
    repo.git.commit("-m", "示例县站群")
    repo.git.checkout("-b", "pr")
    return root, repo


@pytest.fixture(scope="session")
def wheel_file(tmp_path_factory) -> Path:
    """The wheel built from this checkout as it is now (R11.1): what a county installs."""
    import subprocess
    import sys

    out = tmp_path_factory.mktemp("wheel")
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", str(out),
                           str(PROJECT)], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    (wheel,) = out.glob("zhanqun-*.whl")
    return wheel
