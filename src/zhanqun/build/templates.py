"""Compiled Jinja templates shared by every site one process builds (issue 16): the ``bytecode_cache`` of the
environments Pelican starts (:func:`zhanqun.build.pelican_run.settings_for`)."""

from __future__ import annotations

from types import CodeType
from typing import Any

from jinja2 import BytecodeCache, Environment
from jinja2.bccache import Bucket

__all__ = ["TEMPLATE_CODE", "CompiledTemplates"]


class CompiledTemplates(BytecodeCache):
    """Compiled templates shared by every site this process builds (issue 16): Pelican starts a new Jinja
    environment for each site (each generator), and each one compiled the same templates again (17 a site, a
    quarter of a cold build's Pelican time). Jinja asks this cache first; an entry is used only for the same
    template file with the same source (its SHA-1) compiled by an environment with the same compile-time
    settings (:func:`_compile_key`): an edited template, a cluster's own template of that name, another filter
    set or extension compiles afresh.

    In memory only, never on disk: compiled templates are code that runs in the build. ``.zhanqun-cache/`` holds
    data (parses) and may come back from a CI cache; a code object loaded from there would run whatever was
    written there, where a stale parse can only show wrong text, which its content hash rules out anyway."""

    def __init__(self) -> None:
        self._code: dict[tuple[Any, ...], CodeType] = {}
        self.compiled = 0  # how many templates were compiled, not found here (tests)

    def get_bucket(self, environment: Environment, name: str, filename: str | None, source: str) -> Bucket:
        bucket = _Slot(environment, "", self.get_source_checksum(source))
        bucket.slot = (name, filename, bucket.checksum, _compile_key(environment))
        bucket.code = self._code.get(bucket.slot)
        return bucket

    def set_bucket(self, bucket: Bucket) -> None:
        if isinstance(bucket, _Slot) and bucket.code is not None:
            self.compiled += 1
            self._code[bucket.slot] = bucket.code

    def templates(self) -> list[str]:
        """The names of the templates held, one entry per compilation."""
        return [slot[0] for slot in self._code]

    def clear(self) -> None:
        self._code.clear()

    def load_bytecode(self, bucket: Bucket) -> None:  # pragma: no cover - get_bucket does the lookup
        raise NotImplementedError

    def dump_bytecode(self, bucket: Bucket) -> None:  # pragma: no cover - set_bucket does the store
        raise NotImplementedError


class _Slot(Bucket):
    slot: tuple[Any, ...] = ()


def _compile_key(env: Environment) -> tuple[Any, ...]:
    """What Jinja's compiler reads from an environment besides the source: the syntax, whitespace and escaping
    settings, the extensions, and how each filter and test is called (a ``pass_context`` filter is compiled
    differently, so a plugin's filter of the same name must not reuse another's code)."""
    from jinja2.utils import _PassArg

    calls = tuple((kind, name, _PassArg.from_obj(func)) for kind, table in (("f", env.filters), ("t", env.tests))
                  for name, func in sorted(table.items()))
    syntax = (env.block_start_string, env.block_end_string, env.variable_start_string, env.variable_end_string,
              env.comment_start_string, env.comment_end_string, env.line_statement_prefix, env.line_comment_prefix,
              env.trim_blocks, env.lstrip_blocks, env.newline_sequence, env.keep_trailing_newline)
    return (type(env), env.code_generator_class, syntax, env.optimized, env.autoescape, env.finalize, env.is_async,
            tuple(sorted((key, type(ext)) for key, ext in env.extensions.items())), calls)


TEMPLATE_CODE = CompiledTemplates()
