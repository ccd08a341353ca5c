"""User-facing errors. Every error an editor can cause is a ZhanqunError with a Chinese message."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from zhanqun.findings import Finding


class ZhanqunError(Exception):
    """An error the user can fix; printed without a traceback.

    ``exit_code`` 1 means the input is wrong, 2 that the command was used wrongly.
    """

    exit_code = 1

    def __init__(self, message: str, *, hint: str = "", code: str = "") -> None:
        from zhanqun.findings import shown  # a path that is not UTF-8 is shown as \xNN, never crashes the print

        message, hint = shown(message), shown(hint)
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.code = code

    def __str__(self) -> str:
        text = f"{self.code}: {self.message}" if self.code else self.message
        if self.hint:
            text += f"\n  提示：{self.hint}"
        return text


class UsageError(ZhanqunError):
    """The command line was used wrongly (exit code 2)."""

    exit_code = 2


class FindingsError(ZhanqunError):
    """Error-level findings stand; the command refused to go on."""

    def __init__(self, findings: list[Finding]) -> None:
        super().__init__(f"存在 {len(findings)} 个错误，已停止。")
        self.findings = findings


_DISK_PROBLEMS = {"ENOSPC": "磁盘空间已满", "EDQUOT": "超出磁盘配额", "EFBIG": "文件超过允许的大小",
                  "EIO": "磁盘读写错误", "EROFS": "磁盘是只读的"}


def disk_problem(exc: OSError) -> str:
    """What an OSError writing files means, in Chinese: a full disk above all."""
    import errno

    name = errno.errorcode.get(exc.errno or 0, "")
    return _DISK_PROBLEMS.get(name) or exc.strerror or str(exc)


def is_disk_full(exc: OSError) -> bool:
    import errno

    return errno.errorcode.get(exc.errno or 0, "") in ("ENOSPC", "EDQUOT", "EFBIG", "EIO")
