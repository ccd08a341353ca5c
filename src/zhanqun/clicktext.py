"""click's own texts in Chinese (issue 13, "errors as pre-commit handles them"; R10).

click marks every text it prints with ``gettext`` (``from gettext import gettext as _`` and ``ngettext`` in
click.core, exceptions, types, formatting, decorators, parser, termui …). :func:`install` gives those modules,
and only those, a translation catalog for click's msgids: nothing else in the process is translated, the
output is never rewritten after the fact. What click does not pass through gettext — the ``[OPTIONS]`` and
``COMMAND [ARGS]...`` of the usage line and the metavars ``TEXT``, ``INTEGER``, ``DIRECTORY`` … — is set on
the commands by :class:`Command` and :class:`Group`, which the CLI uses for every command.

A msgid missing here is shown in English: tests/test_clicktext.py runs the real CLI for every case an editor
can cause and fails on any English word of click's.
"""

from __future__ import annotations

import gettext
import importlib
import inspect
import re
from typing import Any

import click

# msgid -> translation; plural msgids map (singular, plural) -> translation. The placeholders are click's:
# a translation may drop one it does not need (str.format ignores unused keywords).
MESSAGES: dict[str, str] = {
    # formatting, help
    "Usage:": "用法：",
    "Options": "选项",
    "Commands": "命令",
    "Positional arguments": "参数",
    "Show this message and exit.": "显示本帮助并退出。",

    "Show the version and exit.": "显示版本号并退出。",
    "%(prog)s, version %(version)s": "%(prog)s 版本 %(version)s",
    "default: {default}": "默认：{default}",
    "env var: {var}": "环境变量：{var}",
    "required": "必填",
    "(dynamic)": "（动态）",
    "deprecated": "已弃用",
    "DeprecationWarning: The command {name!r} is deprecated.{extra_message}": "注意：命令 {name!r} 已弃用。{extra_message}",
    "DeprecationWarning: The {param_type} {name!r} is deprecated.{extra_message}":
        "注意：{name!r} 已弃用。{extra_message}",
    # errors
    "Error: {message}": "错误：{message}",
    "Try '{command} {option}' for help.": "用 '{command} {option}' 查看帮助。",
    "Aborted!": "已取消。",
    "Missing command.": "缺少命令。",
    "No such command {name!r}.": "没有命令 {name!r}。",
    "No such option {name!r}.": "没有选项 {name!r}。",
    "Invalid value for {param_hint}: {message}": "{param_hint} 的值无效：{message}",
    "Invalid value: {message}": "值无效：{message}",
    "Missing argument": "缺少参数",
    "Missing option": "缺少选项",
    "Missing parameter": "缺少参数",
    "Missing {param_type}": "缺少参数",
    "Missing parameter: {param_name}": "缺少参数：{param_name}",
    "Option {name!r} does not take a value.": "选项 {name!r} 不带值。",
    "Argument {name!r} takes {nargs} values.": "参数 {name!r} 需要 {nargs} 个值。",
    "Invalid start character for option ({option})": "选项的开头字符无效（{option}）",
    "Value must be an iterable.": "值必须是一组值。",
    "Could not open file {filename!r}: {message}": "无法打开文件 {filename!r}：{message}",
    "unknown error": "未知错误",
    # types
    "Choose from:\n\t{choices}": "可选：\n\t{choices}",
    "{value!r} is not a valid {number_type}.": "{value!r} 不是有效的数。",
    "{value} is not in the range {range}.": "{value} 不在范围 {range} 内。",
    "{value!r} is not a valid boolean. Recognized values: {states}": "{value!r} 不是有效的是非值。可用：{states}",
    "{value!r} is not a valid UUID.": "{value!r} 不是有效的 UUID。",
    "file": "文件",
    "directory": "目录",
    "path": "路径",
    "{name} {filename!r} does not exist.": "{name} {filename!r} 不存在。",
    "{name} {filename!r} is a file.": "{name} {filename!r} 是文件，应当是目录。",
    "{name} {filename!r} is a directory.": "{name} {filename!r} 是目录，应当是文件。",
    "{name} {filename!r} is not readable.": "{name} {filename!r} 不可读。",
    "{name} {filename!r} is not writable.": "{name} {filename!r} 不可写。",
    "{name} {filename!r} is not executable.": "{name} {filename!r} 不可执行。",
    # prompts
    "Repeat for confirmation": "再输入一次确认",
    "Error: The two entered values do not match.": "错误：两次输入的值不一致。",
    "Error: invalid input": "错误：输入无效",
    "Do you want to continue?": "是否继续？",
    "Confirm the action without prompting.": "不询问，直接确认。",
    "Press any key to continue...": "按任意键继续……",
}

PLURALS: dict[tuple[str, str], str] = {
    ("Got unexpected extra argument ({args})", "Got unexpected extra arguments ({args})"): "多余的参数（{args}）",
    ("Did you mean {possibility}?", "(Did you mean one of: {possibilities}?)"):
        "（是不是想用 {possibility}{possibilities}？）",
    ("Option {name!r} requires an argument.", "Option {name!r} requires {nargs} arguments."):
        "选项 {name!r} 需要一个值。",
    ("Takes {nargs} values but 1 was given.", "Takes {nargs} values but {len} were given."):
        "需要 {nargs} 个值，给出了 {len} 个。",
    ("{value!r} is not {choice}.", "{value!r} is not one of {choices}."): "{value!r} 不是可选的值（{choice}{choices}）。",
    ("{value!r} does not match the format {format}.", "{value!r} does not match the formats {formats}."):
        "{value!r} 不符合格式 {format}{formats}。",
    ("{len_type} values are required, but {len_value} was given.",
     "{len_type} values are required, but {len_value} were given."): "需要 {len_type} 个值，给出了 {len_value} 个。",
}


class _Catalog(gettext.NullTranslations):
    """A translation catalog from the two tables above (no .mo file to build or ship)."""

    def gettext(self, message: str) -> str:
        return MESSAGES.get(message, message)

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        found = PLURALS.get((msgid1, msgid2))
        if found is not None:
            return _fill(found, msgid1 if n == 1 else msgid2)
        return msgid1 if n == 1 else msgid2


def _fill(translation: str, original: str) -> str:
    """A shared singular/plural translation names the placeholders of both forms; ``str.format`` will be
    given only the ones of the form click chose, so the others are dropped here."""
    import string

    wanted = {name for _text, name, _spec, _conv in string.Formatter().parse(original) if name}
    pieces = []
    for text, name, spec, conv in string.Formatter().parse(translation):
        pieces.append(text.replace("{", "{{").replace("}", "}}"))
        if name and name in wanted:
            pieces.append("{" + name + (f"!{conv}" if conv else "") + (f":{spec}" if spec else "") + "}")
    return "".join(pieces)


CATALOG = _Catalog()

# click's modules that import gettext's functions under these names
_MODULES = ("core", "decorators", "exceptions", "formatting", "parser", "shell_completion", "termui", "types",
            "utils", "_termui_impl")


def install() -> None:
    """Give click's modules the catalog (idempotent). Only click's own module globals change."""
    for name in _MODULES:
        try:
            module = importlib.import_module(f"click.{name}")
        except ImportError:  # _termui_impl needs a terminal library on some platforms
            continue
        if hasattr(module, "_"):
            module._ = CATALOG.gettext  # type: ignore[attr-defined]  # click's own `_`, set for click only
        if hasattr(module, "ngettext"):
            module.ngettext = CATALOG.ngettext  # type: ignore[attr-defined]  # likewise


# click writes these itself, outside gettext: the usage line's placeholders and the type names as metavars
_METAVARS = {"text": "文本", "integer": "整数", "integer range": "整数", "float": "数", "float range": "数",
             "boolean": "是否", "uuid": "UUID", "filename": "文件", "file": "文件", "directory": "目录",
             "path": "路径", "datetime": "日期时间"}


def _metavar(param: click.Parameter) -> str | None:
    if param.metavar is not None or isinstance(param.type, click.Choice):
        return param.metavar
    if isinstance(param.type, click.Path):
        kind = "directory" if not param.type.file_okay else "file" if not param.type.dir_okay else "path"
        return _METAVARS[kind]
    return _METAVARS.get(param.type.name) if isinstance(param, click.Option) else None


class Command(click.Command):
    """A click command whose usage line and metavars are Chinese."""

    def get_short_help_str(self, limit: int = 45) -> str:
        return short_help(self)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("options_metavar", "[选项]")
        super().__init__(*args, **kwargs)
        for param in self.params:
            if isinstance(param, click.Option) and not param.is_flag:
                param.metavar = _metavar(param)


def short_help(command: click.Command, limit: int = 48) -> str:
    """The line ``zhanqun --help`` lists a command with: its help's first sentence; a longer one up to its first
    "：", else cut with "…". click cuts at the last space before 45 characters, and Chinese has no spaces between
    words: it listed ``init`` as "..." and ``annual-report`` as "生成 YEAR..."."""
    if command.short_help:
        return command.short_help
    text = "".join(line.strip() for line in inspect.cleandoc(command.help or "").split("\n\n")[0].splitlines())
    first = re.split(r"(?<=[。！？])", text, maxsplit=1)[0]
    if len(first) > limit and "：" in first:
        first = first.split("：", 1)[0]
    return first if len(first) <= limit else first[:limit - 1] + "…"


class Group(click.Group):
    """A click group: its commands and sub-groups are :class:`Command` and :class:`Group` too."""

    command_class = Command
    group_class = type

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("options_metavar", "[选项]")
        kwargs.setdefault("subcommand_metavar", "命令 [参数]...")
        super().__init__(*args, **kwargs)

    def get_short_help_str(self, limit: int = 45) -> str:
        return short_help(self)
