"""Regular expressions a cluster writes (schema ``pattern``, ``patternProperties``; ``rules/`` data) are matched by
Python's backtracking ``re`` against every item: ``^(a|a)+$`` or ``(\\w+\\s?)+$`` on a long title never ends
(review of issue 13: ``check`` hung at 100 % CPU). :func:`backtracking_risk` refuses the shapes that cause it
before any text is matched: a repetition whose body can begin with a repetition, or with alternatives that
could begin alike, itself repeated without bound. It is conservative (a pattern written another way passes),
and it passes every pattern zhanqun ships, e.g. ``^[a-z0-9-]+(\\.[a-z0-9-]+)+$`` (the repeated group begins
with a literal ``.`` its inner class cannot match)."""

from __future__ import annotations

import importlib
import re
from typing import Any

# re's own parser (Python 3.11+), which typeshed does not describe
_c: Any = importlib.import_module("re._constants")
_p: Any = importlib.import_module("re._parser")

_REPEATS = (_c.MAX_REPEAT, _c.MIN_REPEAT, getattr(_c, "POSSESSIVE_REPEAT", None))
_WIDE = 16  # a repetition allowed more times than this is treated as unbounded


def backtracking_risk(pattern: str) -> str:
    """Why ``pattern`` may make ``re`` backtrack without end (Chinese), or "" when it has no such shape (or does
    not compile: that is told elsewhere)."""
    try:
        parsed = _p.parse(pattern)
    except (re.error, RecursionError, OverflowError):
        return ""
    return _walk(list(parsed))


def _walk(items: list[tuple[Any, Any]]) -> str:
    for op, arg in items:
        if op in _REPEATS and op is not None:
            _low, high, body = arg
            body = list(body)
            if (high == _c.MAXREPEAT or high > _WIDE) and _starts_ambiguous(body):
                return "重复的部分里又有可以重复或多选一的开头（如 (a+)+、(a|a)+、(\\w+\\s?)+），匹配长文字时会卡住"
            found = _walk(body)
        elif op == _c.SUBPATTERN:
            found = _walk(list(arg[-1]))
        elif op == _c.BRANCH:
            found = next((f for f in (_walk(list(alt)) for alt in arg[1]) if f), "")
        elif op in (_c.ASSERT, _c.ASSERT_NOT):
            found = _walk(list(arg[1]))
        else:
            found = ""
        if found:
            return found
    return ""


def _starts_ambiguous(body: list[tuple[Any, Any]]) -> bool:
    """Whether one pass of a repeated ``body`` can match the same text in more than one way: it begins with a
    repetition of varying length, holds alternatives that may begin alike (``a|a``, which the parser keeps as
    ``a`` and two empty alternatives), or can match nothing at all."""
    return _begins_variable(body) or _ambiguous_branch(body) or _can_be_empty(body) or _absorbs_start(body)


# Characters tried when asking whether two single-character items can match the same character.
_SAMPLE = [chr(c) for c in range(0x20, 0x7F)] + ["\t", "\n", "中", "县", "，", "。", "０", "Ａ"]


def _absorbs_start(body: list[tuple[Any, Any]]) -> bool:
    """Whether a repetition of varying length inside ``body`` can match the character ``body`` begins with: then
    where one pass ends and the next begins is open (``(x_\\w+\\s?)+`` on "x_x_x_…!"). ``(\\.[a-z]+)+`` is fine: the
    class cannot match the "."."""
    first = _first_item(body)
    if first is None:
        return False
    starts = [ch for ch in _SAMPLE if _one_char(first, ch)]
    return any(_one_char(element, ch) for element in _variable_elements(body) for ch in starts)


def _first_item(body: list[tuple[Any, Any]]) -> tuple[Any, Any] | None:
    while body:
        op, arg = body[0]
        if op == _c.SUBPATTERN:
            body = list(arg[-1]) + body[1:]
            continue
        return (op, arg) if op in (_c.LITERAL, _c.NOT_LITERAL, _c.ANY, _c.IN) else None
    return None


def _variable_elements(body: list[tuple[Any, Any]]) -> list[tuple[Any, Any]]:
    """The single-character items repeated a varying number of times anywhere in ``body`` (a repeated group
    counts as matching anything: conservative)."""
    out: list[tuple[Any, Any]] = []
    for op, arg in body:
        if op in _REPEATS and op is not None:
            low, high, inner = arg
            inner = list(inner)
            if len(inner) == 1 and inner[0][0] != _c.SUBPATTERN:
                out += inner if low != high else []
            elif high > 1:  # a group repeated a varying number of times: it may match anything
                out.append((_c.ANY, None))
            out += _variable_elements(inner)
        elif op == _c.SUBPATTERN:
            out += _variable_elements(list(arg[-1]))
        elif op == _c.BRANCH:
            for alt in arg[1]:
                out += _variable_elements(list(alt))
    return out


_CATEGORIES = {"CATEGORY_DIGIT": r"\d", "CATEGORY_NOT_DIGIT": r"\D", "CATEGORY_SPACE": r"\s",
               "CATEGORY_NOT_SPACE": r"\S", "CATEGORY_WORD": r"\w", "CATEGORY_NOT_WORD": r"\W"}


def _one_char(item: tuple[Any, Any], ch: str) -> bool:
    """Whether the single-character ``item`` matches ``ch`` (anything else: True, to stay on the safe side)."""
    op, arg = item
    if op == _c.LITERAL:
        return bool(ord(ch) == arg)
    if op == _c.NOT_LITERAL:
        return bool(ord(ch) != arg)
    if op == _c.IN:
        hit, negate = False, False
        for kind, value in arg:
            if kind == _c.NEGATE:
                negate = True
            elif kind == _c.LITERAL:
                hit = hit or ord(ch) == value
            elif kind == _c.RANGE:
                hit = hit or value[0] <= ord(ch) <= value[1]
            elif kind == _c.CATEGORY:
                hit = hit or bool(re.fullmatch(_CATEGORIES.get(str(value), "."), ch))
            else:
                return True
        return hit != negate
    return True


def _begins_variable(body: list[tuple[Any, Any]]) -> bool:
    while body:
        op, arg = body[0]
        if op == _c.SUBPATTERN:
            body = list(arg[-1]) + body[1:]
            continue
        if op in _REPEATS and op is not None:
            low, high, _inner = arg
            return bool(low != high)
        return False
    return False


def _ambiguous_branch(body: list[tuple[Any, Any]]) -> bool:
    for op, arg in body:
        if op == _c.SUBPATTERN and _ambiguous_branch(list(arg[-1])):
            return True
        if op == _c.BRANCH:
            firsts = [_first_literal(list(alt)) for alt in arg[1]]
            if None in firsts or len(set(firsts)) < len(firsts):
                return True
    return False


def _can_be_empty(body: list[tuple[Any, Any]]) -> bool:
    for op, arg in body:
        if op == _c.SUBPATTERN:
            if not _can_be_empty(list(arg[-1])):
                return False
        elif op in _REPEATS and op is not None:
            if arg[0] > 0 and not _can_be_empty(list(arg[2])):
                return False
        elif op == _c.BRANCH:
            if not any(_can_be_empty(list(alt)) for alt in arg[1]):
                return False
        elif op not in (_c.AT, _c.ASSERT, _c.ASSERT_NOT):
            return False
    return True


def _first_literal(alt: list[tuple[Any, Any]]) -> int | None:
    while alt:
        op, arg = alt[0]
        if op == _c.SUBPATTERN:
            alt = list(arg[-1]) + alt[1:]
            continue
        return int(arg) if op == _c.LITERAL else None
    return None
