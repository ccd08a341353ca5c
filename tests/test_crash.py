"""One crash log at a known place, as pre-commit keeps ~/.cache/pre-commit/pre-commit.log (issue 13, R11.1).

The crash is a real unexpected condition caused from outside, no test hook: the parse cache folder
``.zhanqun-cache`` is a plain file, so creating the cache database fails with an OSError nobody expected.
"""

from __future__ import annotations

import os
import random
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tests import fakes
from tests.conftest import copy_repo


@pytest.fixture
def broken_repo(tmp_path: Path) -> Path:
    repo = copy_repo(tmp_path / "repo")
    (repo / ".zhanqun-cache").write_text("不是文件夹\n", encoding="utf-8")
    return repo


def run(repo: Path, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "zhanqun", *args], cwd=repo, capture_output=True, text=True,
                          env={**os.environ, **env}, check=False)


def test_crash_writes_one_private_log_at_the_known_place(broken_repo: Path, tmp_path: Path) -> None:
    state = tmp_path / "state"
    number = fakes.id18(random.Random(13))
    done = run(broken_repo, "check", "--jobs", "1", "--baseline", number, env={"XDG_STATE_HOME": str(state)})
    log = state / "zhanqun" / "crash.log"
    assert done.returncode == 3
    assert "Traceback" not in done.stderr + done.stdout
    lines = done.stderr.strip().splitlines()
    assert lines == [f"内部错误：zhanqun 遇到了意外问题，详细信息已写入 {log}。请把该文件发给电子政务办。"]
    assert stat.S_IMODE(log.stat().st_mode) == 0o600
    text = log.read_text(encoding="utf-8")
    from zhanqun import __version__

    assert f"zhanqun: {__version__}" in text
    assert re.search(r"^命令: zhanqun check --jobs 1 --baseline \d{6}\*{8}\d{3}[\dX]$", text, re.MULTILINE), text
    assert number not in text  # argv may hold an ID number (R4.2)
    assert f"Python: {sys.version.split()[0]}" in text
    assert re.search(r"^git: git version \d", text, re.MULTILINE)
    assert "平台: " in text and "时间: 20" in text
    assert "Traceback (most recent call last)" in text and "FileExistsError" in text


def test_crash_log_without_git_still_written(broken_repo: Path, tmp_path: Path) -> None:
    state = tmp_path / "state"
    python_dir = str(Path(sys.executable).parent)
    done = run(broken_repo, "check", "--jobs", "1",
               env={"XDG_STATE_HOME": str(state), "PATH": python_dir, "GIT_PYTHON_REFRESH": "quiet"})
    text = (state / "zhanqun" / "crash.log").read_text(encoding="utf-8")
    assert done.returncode == 3, done.stderr
    assert re.search(r"^git: unknown", text, re.MULTILINE), text


def test_unwritable_state_folder_falls_back_to_a_private_temp_file(broken_repo: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "state-is-a-file"
    blocker.write_text("", encoding="utf-8")
    temp = tmp_path / "tmp"
    temp.mkdir()
    done = run(broken_repo, "check", "--jobs", "1", env={"XDG_STATE_HOME": str(blocker), "TMPDIR": str(temp)})
    assert done.returncode == 3
    logs = list(temp.glob("zhanqun-crash-*.log"))
    assert len(logs) == 1 and str(logs[0]) in done.stderr
    assert stat.S_IMODE(logs[0].stat().st_mode) == 0o600
    assert "### 错误信息" in logs[0].read_text(encoding="utf-8")
