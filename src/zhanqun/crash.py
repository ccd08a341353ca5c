"""The one crash-log writer (issue 13, "errors as pre-commit handles them"; R11.1).

An unexpected exception must not show an editor a traceback. As pre-commit does with
``~/.cache/pre-commit/pre-commit.log`` (pre_commit/error_handler.py), the details go to one file at a known
place, ``$XDG_STATE_HOME/zhanqun/crash.log`` (``~/.local/state/zhanqun/crash.log`` by default), mode 0600:
zhanqun's version, the command line (numbers of 11+ digits masked: an argument may be an ID number), Python,
git, the platform, the time and the traceback. The log is rewritten by each crash (the last one is the one
to send). When that file cannot be written, a private temporary file takes its place.
"""

from __future__ import annotations

import datetime
import os
import platform
import sys
import tempfile
import traceback
from collections.abc import Sequence
from pathlib import Path

EXIT_CODE = 3


def log_path() -> Path:
    """Where the crash log goes: ``$XDG_STATE_HOME/zhanqun/crash.log``, ``~/.local/state/…`` by default."""
    state = os.environ.get("XDG_STATE_HOME") or os.path.join(os.path.expanduser("~"), ".local", "state")
    return Path(state) / "zhanqun" / "crash.log"


def _git_version() -> str:
    """``git --version`` through the one git edge; a crash report must not fail because git is missing."""
    from zhanqun import gitio

    try:
        return gitio.run(Path("/"), "--version").decode("utf-8", "replace").strip()
    except Exception as exc:  # the crash log is the last resort: any failure is recorded, not raised
        return f"unknown ({exc.__class__.__name__})"


def report(exc: BaseException, argv: Sequence[str]) -> str:
    """The log's text for ``exc`` raised while running ``argv``."""
    from zhanqun import __version__
    from zhanqun.findings import mask_numbers

    command = mask_numbers(" ".join(argv))
    trace = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    now = datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
    return (
        "### 版本信息\n\n"
        f"zhanqun: {__version__}\n"
        f"命令: {command}\n"
        f"Python: {sys.version.replace(chr(10), ' ')}\n"
        f"git: {_git_version()}\n"
        f"平台: {platform.platform()}\n"
        f"时间: {now}\n\n"
        "### 错误信息\n\n"
        f"{mask_numbers(trace)}"
    )


def _write_private(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0), 0o600)
    try:
        os.fchmod(fd, 0o600)  # an older log of another mode, or a umask that widened nothing: 0600 all the same
        os.write(fd, text.encode("utf-8", "replace"))
    finally:
        os.close(fd)


def write(exc: BaseException, argv: Sequence[str]) -> str:
    """Write the crash log for ``exc``; return the file's name (the known place, else a private temp file)."""
    text = report(exc, argv)
    target = log_path()
    try:
        _write_private(target, text)
        return str(target)
    except OSError:
        pass
    fd, name = tempfile.mkstemp(prefix="zhanqun-crash-", suffix=".log")  # mkstemp: 0600 already
    with os.fdopen(fd, "w", encoding="utf-8", errors="replace") as handle:
        handle.write(text)
    return name
