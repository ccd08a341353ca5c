"""click's own texts in Chinese (issue 13, R10): the real CLI, run for every case an editor can cause, shows
no English word of click's. click's words are read from click's own source (every msgid it passes through
gettext, and the placeholders it writes itself), so a msgid missing from zhanqun's catalog fails here."""

from __future__ import annotations

import ast
import io
import re
from collections.abc import Callable
from pathlib import Path

import click
import click.testing
import pytest

import zhanqun.cli
from tests.conftest import Result

_OUTSIDE_GETTEXT = {"OPTIONS", "COMMAND", "ARGS", "TEXT", "INTEGER", "RANGE", "FILE", "PATH", "FLOAT", "BOOLEAN"}


def _click_words() -> set[str]:
    words = set(_OUTSIDE_GETTEXT)
    for source in Path(click.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("_", "ngettext"):
                for arg in node.args:
                    if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                        text = re.sub(r"\{[^}]*\}|%\([a-z]+\)s", " ", arg.value)
                        words |= set(re.findall(r"[A-Za-z]{3,}", text))
    return words - {"UUID"}


CLICK_WORDS = _click_words()


def english_of_click(text: str) -> set[str]:
    """click's English words in ``text``; option names (--ranking) and quoted values are the user's or ours."""
    text = re.sub(r"--?[a-z][a-z-]*|'[^']*'", " ", text)
    return set(re.findall(r"[A-Za-z]{3,}", text)) & CLICK_WORDS


def test_click_words_are_found() -> None:
    # the test is only as good as its word list: the reviewer's three sightings must be in it
    assert {"Invalid", "value", "Got", "unexpected", "extra", "argument", "Show", "message", "exit", "Usage",
            "Options", "Commands", "Missing", "option", "such", "Try", "help", "Aborted", "default", "required",
            "range", "Choose", "OPTIONS", "INTEGER"} <= CLICK_WORDS


CASES = [
    (["--help"], 0, "用法： zhanqun [选项] 命令 [参数]..."),  # Usage:, Options:, Commands:, help option
    (["check", "--help"], 0, "[默认：.]"),  # default, range, metavars, choices
    (["protect", "--help"], 0, "[必填]"),  # required
    (["--version"], 0, "zhanqun 版本"),
    (["stats", "--ranking", "x"], 2, "'--ranking' 的值无效：'x' 不是有效的数。"),  # the reviewer's sighting
    (["rule", "A001", "x"], 2, "多余的参数（x）"),  # likewise
    (["rule", "A001", "x", "y"], 2, "多余的参数（x y）"),
    (["check", "--nope"], 2, "没有选项 '--nope'。"),
    (["check", "--no-supress"], 2, "是不是想用 '--no-suppress'"),
    (["new"], 2, "缺少参数 'UNIT'。（"),  # click's own "." after the name is Chinese too
    (["protect"], 2, "缺少选项 '--api'。可选： github, gitea"),
    (["check", "--format", "xml"], 2, "'--format' 的值无效：'xml' 不是可选的值（'text', 'json'）"),
    (["check", "--jobs", "99"], 2, "99 不在范围 1<=x<=64 内"),
    (["check", "--root"], 2, "选项 '--root' 需要一个值"),
    (["nosuch"], 2, "没有命令 'nosuch'"),
    (["signoff"], 2, "用法： zhanqun signoff [选项] 命令 [参数]..."),  # a sub-group is translated too
    (["verify", "/nonexistent-zhanqun"], 1, "/nonexistent-zhanqun"),
]


@pytest.mark.parametrize(("args", "code", "expected"), CASES, ids=[" ".join(c[0]) for c in CASES])
def test_cli_shows_click_in_chinese(zq: Callable[..., Result], args: list[str], code: int, expected: str) -> None:
    result = zq(*args)
    assert expected in result.text, result.text
    assert result.code == code, result.text
    assert not english_of_click(result.text), result.text


def test_texts_click_prints_itself_in_standalone_mode() -> None:
    """"Try '… -h' for help.", "Error: …" and "Aborted!" are printed by click when it handles its own errors
    (standalone mode, as `python -m click`-style embedders use it); main() prints its own lines instead."""
    command = zhanqun.cli.cli
    with click.Context(command, info_name="zhanqun") as ctx:
        out = io.StringIO()
        click.UsageError("x", ctx).show(file=out)
        assert "用 'zhanqun --help' 查看帮助。" in out.getvalue() and "错误：x" in out.getvalue()
        assert not english_of_click(out.getvalue()), out.getvalue()
    runner = click.testing.CliRunner()
    aborted = runner.invoke(click.command()(lambda: click.confirm("?", abort=True)), input="n\n")
    assert "已取消。" in aborted.output and not english_of_click(aborted.output), aborted.output



def test_the_command_list_shows_each_command_in_words(zq: Callable[..., Result]) -> None:
    """click cuts a command's line at the last space before 45 characters; Chinese has no spaces, so ``init``
    was listed as "..." and ``annual-report`` as "生成 YEAR..." (review of issue 13)."""
    for args in (["--help"], ["signoff", "--help"]):
        listing = zq(*args).text.split("命令:", 1)[1]
        rows = [line.split(None, 1) for line in listing.splitlines() if line.startswith("  ") and line.strip()]
        described = {row[0]: row[1] for row in rows if len(row) == 2 and not row[0].startswith("-")}
        assert described and all(not text.endswith("...") and len(text) >= 6 for text in described.values()), listing
    listing = zq("--help").text
    assert "新建一个只有内容和配置的站群仓库" in listing and "生成 YEAR 年的政府网站工作年度报表" in listing
