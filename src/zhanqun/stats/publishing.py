"""What both ``--publish`` commands share (``stats --ranking --publish``, R8.3; ``annual-report --publish``, R8.4):
writing items and their CSV into a column folder of the working tree, and making those CSVs safe to open.

- **No links on the way.** The working tree is the e-gov office's checkout; a column folder, a file, or any
  folder between the repository root and the file that is a symlink (pointing outside the repository or inside
  it) would make ``--publish`` write somewhere nobody reviews, or overwrite what a link points at. Every such
  path is refused (T011 for the ranking, T031 for the annual report) before anything is written; the folders
  are then opened one by one without following links (``O_NOFOLLOW`` relative to the folder before), so a link
  put there meanwhile is refused too.
- **Whole files or none.** Every file is first written to a temporary file in its own folder; only when all
  of them are written are they renamed into place (a rename in one folder is atomic). A failure leaves no
  temporary file and no half-written item.
- **No formulas in a CSV.** A cell that starts with ``=`` ``+`` ``-`` ``@``, a tab or a carriage return (or
  their full-width forms, which some spreadsheet input methods turn into the ASCII ones), after any leading
  spaces, is a formula to Excel and LibreOffice (OWASP "CSV injection"): such a cell is written with a leading
  ``'``, which the spreadsheet shows as text. Names and filled texts come from files any editor can change.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import os
import secrets
import stat
from collections.abc import Iterable
from pathlib import Path

from zhanqun.errors import ZhanqunError, disk_problem

__all__ = ["Unsafe", "check_targets", "csv_text", "spreadsheet_cell", "unsafe", "write_all"]

FORMULA_START = frozenset("=+-@\t\r＝＋－＠")


def spreadsheet_cell(value: object) -> object:
    """``value`` as a CSV cell no spreadsheet runs: text starting like a formula gets a leading ``'``; numbers and
    other text are unchanged."""
    if isinstance(value, str) and value.lstrip(" \n\u3000")[:1] in FORMULA_START and value.strip(" \n\u3000"):
        return "'" + value
    return value


def csv_text(rows: Iterable[Iterable[object]]) -> str:
    """Rows as CSV for Excel: UTF-8 with a BOM, CRLF line ends, every cell through :func:`spreadsheet_cell`."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in rows:
        writer.writerow([spreadsheet_cell(cell) for cell in row])
    return "\ufeff" + buffer.getvalue()


@dataclasses.dataclass(frozen=True)
class Unsafe:
    """Why a path may not be written: ``rel`` (relative to the root) is a link, not a folder, or not a file."""

    rel: str
    problem: str


def _kind(mode: int) -> str:
    """What the entry is, in Chinese: the content scan's words (``checks.files.kind_of``) for links and special files."""
    from zhanqun.checks.files import kind_of

    return kind_of(mode) or ("文件夹" if stat.S_ISDIR(mode) else "文件")


def unsafe(root: Path, target: Path, folder: bool = False) -> Unsafe | None:
    """The first part of ``target`` (below ``root``) that may not be written through: a link anywhere (a folder
    or the file itself), a folder that is not one, a file that is not a regular file (``folder``: ``target`` is a
    folder to write into). ``None``: safe."""
    parts = Path(os.path.relpath(target, root)).parts
    if not parts or parts[0] in (os.pardir, os.curdir):
        return Unsafe(str(target), "不在仓库之内")
    here = Path(root)
    for depth, name in enumerate(parts, 1):
        here = here / name
        rel = "/".join(parts[:depth])
        try:
            mode = os.lstat(here).st_mode
        except FileNotFoundError:
            return None  # the rest is made by write_all
        except OSError as exc:
            return Unsafe(rel, f"无法查看（{exc.strerror}）")
        last = depth == len(parts) and not folder
        if stat.S_ISLNK(mode):
            try:
                pointed = f"（指向 {os.readlink(here)}）"
            except OSError:
                pointed = ""
            return Unsafe(rel, f"是符号链接{pointed}")
        if not last and not stat.S_ISDIR(mode):
            return Unsafe(rel, f"应是文件夹，却是{_kind(mode)}")
        if last and not stat.S_ISREG(mode):
            return Unsafe(rel, f"应是普通文件，却是{_kind(mode)}")
    return None


def check_targets(root: Path, targets: Iterable[Path], code: str, what: str, folders: bool = False) -> None:
    """Raise ``ZhanqunError`` ``code`` for the first target that may not be written (see :func:`unsafe`);
    ``folders``: the targets are folders to write into."""
    for target in targets:
        found = unsafe(root, target, folders)
        if found is not None:
            raise _refused(found, code, what)


def _refused(found: Unsafe, code: str, what: str) -> ZhanqunError:
    return ZhanqunError(f"{found.rel} {found.problem}：{what}不写入链接或特殊文件，什么也没有写。", code=code,
                        hint="把它换成普通的文件夹或文件（git 中的链接要由平台管理员处理：zhanqun check 报告为 C011），再运行。")


def write_all(root: Path, files: dict[Path, str], code: str, what: str) -> None:
    """Write every ``files`` (path under ``root`` -> text, UTF-8) whole, or none of them: ``check_targets`` first,
    then each folder opened (made when missing) without following links, a temporary file written in it, and
    only after all are written the renames. Raises ``code`` for a link or a write that failed."""
    check_targets(root, files, code, what)
    staged: list[tuple[int, str, str, str]] = []  # (folder descriptor, temporary name, final name, rel)
    folders: list[int] = []
    try:
        for target, text in files.items():
            rel = Path(os.path.relpath(target, root))
            folder = _open_folder(root, rel.parts[:-1], code, what)
            folders.append(folder)
            staged.append((folder, _temporary(folder, rel.name, text), rel.name, rel.as_posix()))
        for fd, _, name, rel_name in staged:
            _refuse_link_at(fd, name, rel_name, code, what)
        while staged:  # every file is written: now the renames (each atomic in its folder)
            folder, temporary, name, _ = staged[0]
            os.rename(temporary, name, src_dir_fd=folder, dst_dir_fd=folder)
            staged.pop(0)
    except OSError as exc:
        raise ZhanqunError(f"{what}无法写入：{disk_problem(exc)}，什么也没有写。", code=code,
                           hint="检查磁盘空间和文件夹的写权限，再运行。") from None
    finally:
        for folder, temporary, _, _ in staged:
            try:
                os.unlink(temporary, dir_fd=folder)
            except OSError:
                pass
        for folder in folders:
            os.close(folder)


def _open_folder(root: Path, parts: tuple[str, ...], code: str, what: str) -> int:
    """A descriptor of ``root/parts…``, each step opened without following a link (made when missing)."""
    flags = os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC
    fd = os.open(root, flags)
    try:
        for depth, name in enumerate(parts, 1):
            try:
                os.mkdir(name, 0o777, dir_fd=fd)
            except FileExistsError:
                pass
            try:
                inner = os.open(name, flags | os.O_NOFOLLOW, dir_fd=fd)
            except OSError as exc:
                import errno

                if exc.errno in (errno.ELOOP, errno.ENOTDIR):  # a link or a file put there meanwhile
                    raise _refused(Unsafe("/".join(parts[:depth]), "不是普通的文件夹"), code, what) from None
                raise
            os.close(fd)
            fd = inner
        return fd
    except BaseException:
        os.close(fd)
        raise


def _temporary(folder: int, name: str, text: str) -> str:
    """A temporary file beside ``name`` in ``folder`` holding ``text``, flushed to disk; returns its name."""
    data = text.encode("utf-8")
    for _ in range(100):
        temporary = f".{name}.{secrets.token_hex(4)}.tmp"
        try:
            fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o666,
                         dir_fd=folder)
        except FileExistsError:
            continue
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
            os.fsync(fd)
        except BaseException:
            os.close(fd)
            os.unlink(temporary, dir_fd=folder)
            raise
        os.close(fd)
        return temporary
    raise FileExistsError(f"{name}: no temporary name free")


def _refuse_link_at(folder: int, name: str, rel: str, code: str, what: str) -> None:
    """Just before the rename: the final name must not have become a link or a special file."""
    try:
        mode = os.stat(name, dir_fd=folder, follow_symlinks=False).st_mode
    except FileNotFoundError:
        return
    if not stat.S_ISREG(mode):
        raise _refused(Unsafe(rel, f"是{_kind(mode)}"), code, what)
