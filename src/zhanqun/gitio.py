"""The one module that runs git (issue 13, "One git edge"; R5.6, R6.1, R8).

Every git process zhanqun starts gets the same hermetic environment (:func:`environment`): C locale, no
replace objects, no system or user configuration (a user's alias, pager, ``core.quotepath``,
``log.showSignature``, ``diff.external`` or ``refs/replace`` must not change what zhanqun reads), no prompt,
no optional locks. The parent's GIT_* variables are dropped (a pre-commit hook runs with GIT_DIR and
GIT_INDEX_FILE of *its* repository, while zhanqun always names the repository with ``-C root``), except the
few that only say how to reach a remote. Because the user's global config is gone, the repository zhanqun
was pointed at is declared safe in the command scope (what CI's ``safe.directory`` did globally), and the
notes zhanqun writes get an explicit identity.

Other modules call :func:`run`, :func:`lines`, :func:`z_lines`, :func:`ok`, :func:`start`/:func:`finish`,
:func:`stream` (``git log`` parsed while git still writes) and :class:`CatFile` (one ``cat-file --batch`` for
many blobs). ``tests/test_gitio.py`` checks that no other module starts git.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import IO, Self

from zhanqun.errors import UsageError
from zhanqun.findings import Severity, define

__all__ = ["GIT_FAILED", "GIT_MISSING", "HERMETIC", "REMOTE_COMMANDS", "CatFile", "GitError", "environment", "finish", "lines", "ok",
           "run", "start", "stop", "stream", "z_lines"]

GIT_FAILED = define(
    "G001", "git-failed", Severity.ERROR, "zhanqun 调用的 git 命令失败，命令已停止。",
    why="审核、审计、统计和增量构建都从 git 读出历史；git 读不出来时，zhanqun 不猜测、不输出不完整的结果。",
    example="在不是站群仓库的目录运行 zhanqun audit，或 CI 只检出了最新一个提交（fetch-depth: 1）",
    fix="在站群仓库的根目录运行（或用 --root 指定）；确认分支和提交存在，CI 检出时设 fetch-depth: 0。",
    requirement="R5.6, R8",
)
GIT_MISSING = define(
    "G002", "git-missing", Severity.ERROR, "找不到 git 命令。",
    why="zhanqun 的审核、审计、统计和增量构建都要运行 git。",
    example="在没有安装 git 的容器中运行 zhanqun audit",
    fix="安装 git（2.38 或更新版本）后重试。",
    requirement="R5.6, R8",
)

# The parent's GIT_* variables zhanqun keeps: they only say how to reach a remote (signoff record fetches and
# pushes the notes), never which repository, index or objects are read.
_KEPT = frozenset({"GIT_SSH", "GIT_SSH_COMMAND", "GIT_SSH_VARIANT", "GIT_ASKPASS", "GIT_SSL_CAINFO",
                   "GIT_SSL_CAPATH", "GIT_SSL_NO_VERIFY", "GIT_HTTP_PROXY_AUTHMETHOD", "GIT_PROXY_COMMAND",
                   "GIT_ALLOW_PROTOCOL", "GIT_EXEC_PATH"})
HERMETIC: Mapping[str, str] = {
    "LC_ALL": "C", "LANGUAGE": "", "GIT_NO_REPLACE_OBJECTS": "1", "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_CONFIG_GLOBAL": os.devnull, "GIT_TERMINAL_PROMPT": "0", "GIT_OPTIONAL_LOCKS": "0", "GIT_PAGER": "cat",
    "PAGER": "cat",
    # the notes zhanqun writes (signoff record) are its own, whoever runs it
    "GIT_AUTHOR_NAME": "zhanqun", "GIT_AUTHOR_EMAIL": "zhanqun@localhost",
    "GIT_COMMITTER_NAME": "zhanqun", "GIT_COMMITTER_EMAIL": "zhanqun@localhost",
}
# Command-scope config (protected, above the repository's own): what a repository's .git/config could set to
# change what zhanqun reads, or to run a program (core.fsmonitor) while zhanqun only reads.
_COMMAND_CONFIG: tuple[tuple[str, str], ...] = (
    ("core.quotepath", "false"), ("core.fsmonitor", "false"), ("core.pager", "cat"), ("color.ui", "false"),
    ("log.showSignature", "false"), ("i18n.logOutputEncoding", "UTF-8"), ("diff.external", ""),
)


class GitError(UsageError):
    """A git command failed (G001): the message names the command and git's last line. Exit code 2, as
    before: almost always the wrong folder, branch or commit, or a shallow clone."""


# Commands that reach a remote (signoff record, the audit's checkpoint): they read the user's and the system's
# config after all, which is where credential helpers, url.<base>.insteadOf, http.sslCAInfo and proxies live (Git
# for Windows keeps its CA bundle in the system config). What they read from the repository does not depend on
# that config; what zhanqun reports is read by other commands, which stay hermetic.
REMOTE_COMMANDS = frozenset({"fetch", "push", "ls-remote"})
_REMOTE_CONFIG = frozenset({"GIT_CONFIG_GLOBAL", "GIT_CONFIG_SYSTEM", "GIT_CONFIG_NOSYSTEM"})


def environment(root: Path, remote: bool = False) -> dict[str, str]:
    """The environment of every git process zhanqun starts for the repository at ``root`` (``remote``: for one of
    :data:`REMOTE_COMMANDS`, with the user's and the system's config)."""
    kept = _KEPT | _REMOTE_CONFIG if remote else _KEPT
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_") or k in kept}
    env.update(HERMETIC)
    if remote:
        for key in ("GIT_CONFIG_NOSYSTEM", "GIT_CONFIG_GLOBAL"):
            if key in os.environ:
                env[key] = os.environ[key]
            else:
                del env[key]
    # safe.directory holds many values: the path as given and as git resolves it (a symlinked checkout)
    given, real = str(Path(root).absolute()), str(Path(root).resolve())
    config = (*_COMMAND_CONFIG, *(("safe.directory", path) for path in dict.fromkeys((given, real))))
    env["GIT_CONFIG_COUNT"] = str(len(config))
    for i, (key, value) in enumerate(config):
        env[f"GIT_CONFIG_KEY_{i}"], env[f"GIT_CONFIG_VALUE_{i}"] = key, value
    return env


def _argv(root: Path, args: Sequence[str]) -> list[str]:
    return ["git", "-C", str(root), *args]


def _failure(args: Sequence[str], stderr: bytes, returncode: int, hint: str) -> GitError:
    message = stderr.decode("utf-8", "replace").strip().splitlines()
    return GitError(f"git {' '.join(args[:2])} 失败：{message[-1] if message else f'退出码 {returncode}'}",
                    code=GIT_FAILED,
                    hint=hint or "在站群仓库的根目录运行（或用 --root 指定），并确认分支和提交存在（CI 中 fetch-depth: 0）。")


def _missing() -> GitError:
    return GitError("找不到 git 命令。", code=GIT_MISSING, hint="安装 git（2.38 或更新版本）后重试。")


def _complete(root: Path, args: Sequence[str], input_bytes: bytes | None) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(_argv(root, args), input=input_bytes, capture_output=True,
                              env=environment(root, remote=bool(args) and args[0] in REMOTE_COMMANDS),
                              check=False)
    except FileNotFoundError:
        raise _missing() from None


def run(root: Path, *args: str, input_bytes: bytes | None = None, accept: tuple[int, ...] = (0,),
        hint: str = "") -> bytes:
    """git's standard output; an exit code outside ``accept`` raises :class:`GitError` (G001)."""
    done = _complete(root, args, input_bytes)
    if done.returncode not in accept:
        raise _failure(args, done.stderr, done.returncode, hint)
    return done.stdout


def ok(root: Path, *args: str) -> bytes | None:
    """git's standard output, or None when it exits non-zero (``rev-parse --verify``, ``merge-base
    --is-ancestor``: a question whose answer is the exit code)."""
    done = _complete(root, args, None)
    return done.stdout if done.returncode == 0 else None


def lines(root: Path, *args: str, accept: tuple[int, ...] = (0,)) -> list[str]:
    """git's output as text lines (UTF-8; undecodable bytes kept as surrogates)."""
    return run(root, *args, accept=accept).decode("utf-8", "surrogateescape").splitlines()


def z_lines(root: Path, *args: str, accept: tuple[int, ...] = (0,)) -> list[str]:
    """git's NUL-separated output (``-z``) as text fields, the empty last one dropped."""
    raw = run(root, *args, accept=accept).decode("utf-8", "surrogateescape")
    return raw.split("\0")[:-1] if raw else []


def start(root: Path, *args: str, stderr_to_null: bool = False) -> subprocess.Popen[bytes]:
    """Start git in the background (beside other work); collect it with :func:`finish`."""
    try:
        return subprocess.Popen(_argv(root, args), stdout=subprocess.PIPE,
                                stderr=subprocess.DEVNULL if stderr_to_null else subprocess.PIPE,
                                env=environment(root))
    except FileNotFoundError:
        raise _missing() from None


def finish(process: subprocess.Popen[bytes], args: Sequence[str], hint: str = "",
           accept: tuple[int, ...] = (0,)) -> bytes:
    """The output of a process from :func:`start` (``args`` name it in the message); G001 when it failed."""
    out, err = process.communicate()
    if process.returncode not in accept:
        raise _failure(args, err or b"", process.returncode, hint)
    return out


def stop(process: subprocess.Popen[bytes]) -> None:
    """End a process from :func:`start` whose answer is no longer wanted."""
    if process.poll() is None:
        process.kill()
        process.wait()


_CHUNK = 1 << 20


def _spooled_stderr() -> IO[bytes]:
    """Where a long-running git writes its standard error: a file, not a pipe nobody reads until the end (64 KB
    of warnings in a pipe would block git, and zhanqun waiting for its output with it)."""
    return tempfile.TemporaryFile()


def _read_back(err: IO[bytes]) -> bytes:
    err.seek(0)
    return err.read()


def stream(root: Path, *args: str, separator: bytes, hint: str = "") -> Iterator[bytes]:
    """git's output in pieces that each end just before a ``separator`` (the record mark of a ``git log
    --format``), read while git still writes; G001 at the end when git failed."""
    err_file = _spooled_stderr()
    try:
        process = subprocess.Popen(_argv(root, args), stdout=subprocess.PIPE, stderr=err_file, env=environment(root))
    except FileNotFoundError:
        err_file.close()
        raise _missing() from None
    assert process.stdout is not None
    rest, read_all = b"", False
    try:
        while chunk := process.stdout.read(_CHUNK):
            data = rest + chunk
            cut = data.rfind(separator)
            if cut <= 0:
                rest = data
                continue
            yield data[:cut]
            rest = data[cut:]
        read_all = True
        if rest:
            yield rest
    finally:
        if not read_all:  # the caller stopped early (or failed): git's answer is not wanted
            stop(process)
        process.wait()
        process.stdout.close()
        err = _read_back(err_file)
        err_file.close()
    if process.returncode != 0:
        raise _failure(args, err, process.returncode, hint)


class CatFile:
    """One ``git cat-file --batch`` for many objects: ``read(rev)`` is the object's bytes, or None when there
    is none (a path missing at a commit). Use as a context manager."""

    def __init__(self, root: Path) -> None:
        self._err = _spooled_stderr()
        try:
            self._process = subprocess.Popen(_argv(root, ["cat-file", "--batch"]), stdin=subprocess.PIPE,
                                             stdout=subprocess.PIPE, stderr=self._err, env=environment(root))
        except FileNotFoundError:
            self._err.close()
            raise _missing() from None

    def read(self, rev: str) -> bytes | None:
        stdin, stdout = self._process.stdin, self._process.stdout
        assert stdin is not None and stdout is not None
        if "\n" in rev:
            return None
        try:
            stdin.write(rev.encode("utf-8", "surrogateescape") + b"\n")
            stdin.flush()
        except BrokenPipeError:
            header = b""
        else:
            header = stdout.readline()
        if not header:  # git ended (a corrupt repository, killed): not "missing", which would be a wrong answer
            self._process.wait()
            raise _failure(["cat-file", "--batch"], _read_back(self._err), self._process.returncode or 1, "")
        if header.endswith((b" missing\n", b" ambiguous\n")):
            return None
        size = int(header.split()[2])
        data = stdout.read(size)
        stdout.read(1)  # the newline after each object
        return data

    def close(self) -> None:
        if self._process.stdin is not None:
            with contextlib.suppress(BrokenPipeError):
                self._process.stdin.close()
        self._process.wait()
        if self._process.stdout is not None:
            self._process.stdout.close()
        self._err.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close()
