"""User-facing errors. Every error an editor can cause is a ZhanqunError with a Chinese message."""

from __future__ import annotations


class ZhanqunError(Exception):
    """An error the user can fix; printed without a traceback.

    ``exit_code`` 1 means the input is wrong, 2 that the command was used wrongly.
    """

    exit_code = 1

    def __init__(self, message: str, *, hint: str = "", code: str = "") -> None:
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

    def __init__(self, findings: list) -> None:  # list[Finding]
        super().__init__(f"存在 {len(findings)} 个错误，已停止。")
        self.findings = findings
