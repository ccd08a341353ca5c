"""The JSON Schemas in ``schemas/`` drive validation, aliases, ``zhanqun new`` and the editors' docs (R4.1)."""

from __future__ import annotations

import difflib
import functools
import hashlib
import json
import re
from collections.abc import Callable, Collection
from json.decoder import scanstring as _scanstring  # type: ignore[attr-defined]  # not in the stubs
from pathlib import Path
from typing import Any

from zhanqun import regexsafe
from zhanqun.findings import Finding, Severity, define
from zhanqun.source import YAML_DUPLICATE_KEY

#: Where a key path of a loaded YAML document starts: (line, column), both 1-based (SourceDoc.locate).
Locate = Callable[[tuple[Any, ...]], tuple[int, int]]

MISSING_FIELD = define(
    "S001", "missing-required-field", Severity.ERROR, "缺少必填项。",
    why="必填项是信息公开的法定要素（如政策文件的文号、发布机构），缺少即不能发布。",
    example="---\ntitle: 关于……的通知\n---\n正文……（头信息中没有 date）",
    fix="按提示补上该项；zhanqun new 生成的模板列出了每种类型的全部必填项。",
    requirement="R2, R4.1",
)
UNKNOWN_KEY = define(
    "S002", "unknown-key", Severity.WARNING, "未知的键，不会被使用。",
    why="拼错的键会被悄悄忽略，比如把 date 写成 data，页面就没有日期。",
    example="titel: 关于……的通知",
    fix="按“是不是想写”的提示改正键名；确实不需要的键请删除。",
    requirement="R2, R4.1",
)
BAD_VALUE = define(
    "S003", "invalid-value", Severity.ERROR, "值的类型或格式不对。",
    why="值不合规时页面会显示错误信息，或无法生成。",
    example="importance: 非常重要（只能是 常规 / 一般 / 重要）",
    fix="按提示改为允许的值或格式。",
    requirement="R2, R4.1",
)
BAD_DATE_FORMAT = define(
    "S004", "date-format", Severity.ERROR, "日期格式不对。",
    why="日期统一写成 YYYY-MM-DD（可加 HH:MM），才能正确排序、显示和计算更新周期。",
    example="date: 2025/3/5",
    fix="改成 2025-03-05，需要时间时写 2025-03-05 09:30。",
    requirement="R2",
)
NO_SUCH_DATE = define(
    "S005", "date-does-not-exist", Severity.ERROR, "日期不存在。",
    why="不存在的日期（如 2 月 30 日）多半是笔误，发布后会被视为虚假日期。",
    example="date: 2025-02-30",
    fix="核对原始文件上的日期后改正。",
    requirement="R2",
)

BAD_OVERRIDE = define(
    "S006", "schema-override", Severity.ERROR, "站群 schemas/ 中的模式文件无法使用。",
    why="站群可以在 schemas/<类型>.schema.json 中增加字段、别名或更严格的约束（与内置模式同时生效，只能更严）；"
        "写错的模式会让所有检查失去依据，所以先停下。",
    example='schemas/news.schema.json:\n{"properties": {"title": {"maxLength": "六十"}}}',
    fix="按提示改正该文件（合法的 JSON 和 JSON Schema 2020-12，文件名是已有的内容类型；不能用 $ref 等引用，"
        "x-aliases 是新别名的列表，x-value-aliases 的取值是允许的值）；示例见 docs/cluster-repo.md。",
    requirement="R11.1, R4.1",
)

_TYPE_NAMES = {"string": "文字", "array": "列表", "object": "键值组", "boolean": "true 或 false",
               "integer": "整数", "number": "数字", "null": "空"}


class SchemaSet:
    """All schemas of a cluster, with alias tables derived from their ``x-aliases``.

    The package's schemas (``zhanqun.defaults``) with the cluster's own ``schemas/<name>.schema.json`` on top
    (R11.1): an override is added to its schema with ``allOf``, so it can add fields, aliases and stricter
    constraints but never loosen one of the package's (docs/cluster-repo.md)."""

    def __init__(self, schema_dir: Path, overrides: Path | None = None) -> None:
        self.dir = schema_dir
        self.raw: dict[str, dict[str, Any]] = {}
        self.overrides: dict[str, dict[str, Any]] = {}
        self._locate: dict[str, Locate] = {}  # where the keys of each override are
        digest = hashlib.sha256()
        from zhanqun.checks import files

        files.refuse_link(schema_dir, "schemas")
        package: dict[str, bytes] = {}
        for path in sorted(schema_dir.glob("*.schema.json")):
            files.refuse_link(path, f"schemas/{path.name}")
            data = files.read_regular(path)
            text = data.decode("utf-8")
            digest.update(path.name.encode() + b"\0" + text.encode())
            self.raw[path.name.removesuffix(".schema.json")] = json.loads(text)
            package[path.name] = data
        if overrides is not None:
            for path in sorted(overrides.glob("*.schema.json")):
                name = path.name.removesuffix(".schema.json")
                override, self._locate[name] = _read_override(path, name, self.raw, package.get(path.name))
                if override == {k: v for k, v in self.raw[name].items() if k not in ("$id", "$schema")}:
                    continue  # a copy of the package's schema (a cluster copied from the demo) adds nothing
                digest.update(b"override\0" + path.name.encode() + b"\0" + json.dumps(override, sort_keys=True).encode())
                self.overrides[name] = override
                base = self.raw[name]
                self.raw[name] = {**base, "allOf": [*base.get("allOf", []), override]}
        self.digest = digest.hexdigest()
        if self.overrides:
            self._check_overrides()

    def _override_error(self, name: str, at: tuple[Any, ...], message: str, hint: str) -> Exception:
        from zhanqun.errors import ZhanqunError

        line, col = self._locate[name](at) if name in self._locate else (1, 1)
        return ZhanqunError(f"schemas/{name}.schema.json:{line}:{col}: {message}", hint=hint, code=BAD_OVERRIDE)

    def _check_overrides(self) -> None:
        """What an override can only get wrong together with the package's schemas (S006): an alias that is
        another field's name or alias, a value alias for no allowed value, a schema the validators cannot use."""
        for name in self.raw:
            owners = self._owners(name)
            if not owners:
                continue
            props = self.properties(name)
            table: dict[str, list[str]] = {}  # alias -> the fields that have it
            for key, prop in props.items():
                for alias in prop.get("x-aliases", []):
                    table.setdefault(alias, []).append(key)
            for owner in owners:
                for key, prop in self.overrides[owner].get("properties", {}).items():
                    if not isinstance(prop, dict):
                        continue
                    at = ("properties", key)
                    for i, alias in enumerate(prop.get("x-aliases", [])):
                        if alias in props and alias != key:
                            raise self._override_error(owner, (*at, "x-aliases", i),
                                                       f"“{key}”的别名“{alias}”与已有的字段“{alias}”重名。",
                                                       "别名只能是中文等新的写法，不能是另一个字段的名字；删除或改换这个别名。")
                        others = [k for k in table.get(alias, []) if k != key]
                        if others:
                            raise self._override_error(owner, (*at, "x-aliases", i),
                                                       f"“{key}”的别名“{alias}”已是字段“{others[0]}”的别名。",
                                                       "一个别名只能对应一个字段；删除或改换这个别名。")
                    allowed = props.get(key, {}).get("enum")
                    for alias, target in prop.get("x-value-aliases", {}).items():
                        if isinstance(allowed, list) and target not in allowed:
                            raise self._override_error(owner, (*at, "x-value-aliases", alias),
                                                       f"取值别名“{alias}”对应的 {_show(target)} 不是“{key}”允许的值。",
                                                       "允许的值：" + "、".join(map(str, allowed)) + "。")
        try:  # compile now: a schema the validators cannot use is the override's fault, not a crash later
            self._fast  # noqa: B018
            self._validators  # noqa: B018
        except Exception:  # jsonschema / jsonschema_rs raise many kinds
            name = sorted(self.overrides)[0]
            raise self._override_error(name, (), "这个模式无法用于检查。",
                                       "去掉不常用的写法，只写字段和约束；示例见 docs/cluster-repo.md。") from None

    def _owners(self, name: str) -> list[str]:
        """The overrides that are a part of schema ``name``: its own, and item's for a content type."""
        return [n for n in (name, "item" if name in self.content_types else "") if n in self.overrides]

    @classmethod
    def for_root(cls, root: Path) -> SchemaSet:
        """The schemas a cluster at ``root`` uses: the package's, with the cluster's ``schemas/`` as overrides
        (none when ``root`` is this checkout, whose schemas/ are the package's)."""
        from zhanqun import defaults

        base = defaults.path("schemas")
        own = root / "schemas"
        if own.is_symlink():
            from zhanqun.checks import files

            files.refuse_link(own, "schemas")
        return cls(base, own if own.is_dir() and not defaults.same(own, base) else None)

    @functools.cached_property
    def _fast(self) -> dict[str, Any] | None:
        """jsonschema-rs validators: they only say valid or not, about 500 times faster. Valid data (nearly all of
        it) never needs the Python validators, whose import alone costs a pre-commit run 0.15 s (R4.9)."""
        try:
            import jsonschema_rs
        except ImportError:  # pragma: no cover - it is a dependency; the Python validators still work
            return None
        registry = jsonschema_rs.Registry([(f"{name}.schema.json", schema) for name, schema in self.raw.items()])
        return {name: jsonschema_rs.validator_for(schema, registry=registry, base_uri=f"{name}.schema.json")
                for name, schema in self.raw.items()}

    @functools.cached_property
    def _validators(self) -> dict[str, Any]:
        """The Python validators, whose errors explain in detail what is wrong."""
        import jsonschema
        from referencing import Registry, Resource

        registry = Registry().with_resources(
            (f"{name}.schema.json", Resource.from_contents(schema)) for name, schema in self.raw.items()
        )
        return {name: jsonschema.Draft202012Validator(schema, registry=registry) for name, schema in self.raw.items()}

    @property
    def content_types(self) -> list[str]:
        return sorted(n for n, s in self.raw.items() if s.get("$ref") == "item.schema.json")

    @functools.cache  # noqa: B019  # one Schemas per run, alive as long as the process: nothing leaks
    def properties(self, name: str) -> dict[str, dict[str, Any]]:
        schema = self.raw[name]
        props: dict[str, dict[str, Any]] = {}
        if schema.get("$ref") == "item.schema.json":
            props.update(self._own_properties("item"))
        for key, prop in self._own_properties(name).items():
            props[key] = _merge_property(props[key], prop) if key in props else prop
        return props

    def _own_properties(self, name: str) -> dict[str, dict[str, Any]]:
        props = dict(self.raw[name].get("properties", {}))
        for key, prop in self.overrides.get(name, {}).get("properties", {}).items():
            props[key] = _merge_property(props[key], prop) if key in props else prop
        return props

    def required(self, name: str) -> list[str]:
        required = list(self.raw[name].get("required", []))
        return required + [k for k in self.overrides.get(name, {}).get("required", []) if k not in required]

    @functools.cache  # noqa: B019  # as properties()
    def aliases(self, name: str) -> dict[str, str]:
        table: dict[str, str] = {}
        for key, prop in self.properties(name).items():
            for alias in prop.get("x-aliases", []):
                table.setdefault(alias, key)
        return table

    def canonical_keys(self, name: str, data: dict[str, Any], doc_locate: Locate, rel: str) -> tuple[dict[str, Any], list[Finding]]:
        """Map Chinese aliases to English keys and value aliases (重要 → important); warn on unknown keys."""
        props = self.properties(name)
        aliases = self.aliases(name)
        out: dict[str, Any] = {}
        findings: list[Finding] = []
        for key, value in data.items():
            canonical = key if key in props else aliases.get(str(key))
            if canonical is None:
                line, col = doc_locate((key,))
                findings.append(Finding(rel, line, col, UNKNOWN_KEY, f"未知的键“{key}”，不会被使用。",
                                        _did_you_mean(str(key), list(props) + list(aliases))))
                continue
            if canonical in out:
                line, col = doc_locate((key,))
                findings.append(Finding(rel, line, col, YAML_DUPLICATE_KEY,
                                        f"“{key}”与前面的键指的是同一项“{canonical}”。", "删除其中一行。"))
                continue
            value_aliases = props[canonical].get("x-value-aliases", {})
            if isinstance(value, str) and value in value_aliases:
                value = value_aliases[value]
            out[canonical] = value
        return out, findings

    def validate(self, name: str, data: dict[str, Any], doc_locate: Locate, rel: str,
                 skip: Collection[tuple[Any, ...]] = frozenset()) -> list[Finding]:
        """Validate against the schema; every error becomes a Chinese finding at the key's line."""
        findings: list[Finding] = []
        try:
            if self._fast is not None and self._fast[name].is_valid(data):
                return findings
            errors = sorted(self._validators[name].iter_errors(data), key=lambda e: list(map(str, e.absolute_path)))
        except Exception:  # only an override can make the package's schemas fail like this
            owners = self._owners(name)
            if not owners:
                raise
            raise self._override_error(owners[0], (), f"这个模式无法用于检查 {rel}。",
                                       "去掉不常用的写法，只写字段和约束；示例见 docs/cluster-repo.md。") from None
        props = self.properties(name)
        too_long = {tuple(e.absolute_path) for e in errors if e.validator == "maxLength"}
        for error in errors:
            path = tuple(error.absolute_path)
            if path in skip or (path in too_long and error.validator != "maxLength"):
                continue  # a value too long is told once: its pattern or other checks would only repeat it
            findings.extend(self._explain(name, error, path, props, doc_locate, rel))
        # the package's schema and a cluster's override (allOf) can say the same thing once each
        return list({(f.line, f.column, f.code, f.message): f for f in findings}.values())

    # ``error`` is a jsonschema ValidationError; its stubs type .schema, .instance and .validator_value as
    # "… | Unset", which errors from iter_errors never are: Any spares a check on every use.
    def _explain(self, name: str, error: Any, path: tuple[Any, ...], props: dict[str, dict[str, Any]],
                 doc_locate: Locate, rel: str) -> list[Finding]:
        if error.validator in ("oneOf", "anyOf") and error.context:
            # "not valid under any of the given schemas" helps nobody: explain the branch of the value's own type
            same_type = [e for e in error.context if e.validator != "type"] or list(error.context)
            from jsonschema.exceptions import best_match

            sub = best_match(same_type)
            return self._explain(name, sub, tuple(sub.absolute_path), props, doc_locate, rel)
        where = _where(path)
        description = error.schema.get("description", "") if isinstance(error.schema, dict) else ""
        line, col = doc_locate(path)
        if error.validator == "required":
            missing = [k for k in error.validator_value if k not in (error.instance or {})]
            out = []
            for key in missing:
                desc = (props.get(key, {}).get("description") if not path else
                        error.schema.get("properties", {}).get(key, {}).get("description", "")) or ""
                alias = props.get(key, {}).get("x-aliases", [None])[0] if not path else None
                label = f"{key}（{alias}）" if alias else key
                out.append(Finding(rel, line, col, MISSING_FIELD, f"{where}缺少必填项“{label}”。",
                                   f"补上一行 {key}: ……" + (f"（{desc}）" if desc else "")))
            return out
        if error.validator in ("additionalProperties", "unevaluatedProperties"):
            known = list(error.schema.get("properties", {}))
            if not path:  # the item's own keys, its $ref's and a cluster override's: a key that failed one of
                known += [k for k in props if k not in known]  # them is told by that failure, not as unknown
            extras = [k for k in (error.instance or {}) if k not in known]
            return [Finding(rel, *doc_locate(path + (k,)), UNKNOWN_KEY, f"{where}未知的键“{k}”，不会被使用。",
                            _did_you_mean(str(k), known)) for k in extras]
        value = _show(error.instance)
        if error.validator == "enum":
            options = "、".join(map(str, error.validator_value))
            aliases = error.schema.get("x-value-aliases", {})
            if aliases:
                options += "（也可写 " + "、".join(aliases) + "）"
            message, hint = f"{where}的值 {value} 不在允许范围内。", f"只能是：{options}"
        elif error.validator == "type":
            expected = error.validator_value if isinstance(error.validator_value, list) else [error.validator_value]
            names = "或".join(_TYPE_NAMES.get(t, str(t)) for t in expected)
            message = f"{where}应为{names}，实际为 {value}。"
            hint = "数字或以 0 开头的编号请加英文引号，如 \"4199000001\"。" if "string" in expected else (description or "")
        elif error.validator == "pattern":
            message, hint = f"{where}的格式不对：{value}。", description or f"应符合 {error.validator_value}"
        elif error.validator == "minLength":
            message, hint = f"{where}不能为空。", description or "填写内容或删除这一行。"
        elif error.validator == "maxLength":
            message = f"{where}太长：{len(error.instance)} 个字，最多 {error.validator_value} 个字。"
            hint = "精简文字；长篇内容请写在正文中。" + (f"（{description}）" if description else "")
        elif error.validator == "minItems":
            message, hint = f"{where}至少要有 {error.validator_value} 项。", description or ""
        elif (origin := self._from_override(name, error)) is not None:
            # the validator's own (English) text would be all there is to say: the keyword, in Chinese
            owner, keyword = origin
            message = f"{where or '头信息'}不符合站群模式 schemas/{owner}.schema.json 的要求（{keyword}）：{value}。"
            hint = description or f"按该文件中“{keyword}”的约束改正；约束本身有误时请电子政务办改正模式。"
        else:
            message, hint = f"{where}的写法不对：{value}。", description or error.message
        return [Finding(rel, line, col, BAD_VALUE, message, hint)]

    def _from_override(self, name: str, error: Any) -> tuple[str, str] | None:
        """The override (its schema name) the failed keyword of ``error`` belongs to, and the keyword's path in it.

        jsonschema leaves a ``$ref`` out of the schema path: the path is followed from schema ``name`` and from the
        schema its ``$ref`` names (item.schema.json), and must lead to the very subschema that failed."""
        overrides = {id(o): n for n, o in self.overrides.items()}
        path = list(error.absolute_schema_path)
        steps = path if isinstance(error.schema, bool) else path[:-1]  # a false schema fails as a whole
        roots = [self.raw[name]]
        ref = self.raw[name].get("$ref")
        if isinstance(ref, str) and ref.removesuffix(".schema.json") in self.raw:
            roots.append(self.raw[ref.removesuffix(".schema.json")])
        for root in roots:
            node: Any = root
            owner: tuple[str, int] | None = None
            try:
                for i, step in enumerate(steps):
                    node = node[step]
                    if owner is None and id(node) in overrides:
                        owner = (overrides[id(node)], i + 1)
                if isinstance(error.schema, bool) and owner is not None:
                    # jsonschema's path to a false subschema ends at its keyword ("properties"): which one it is
                    # is not told; it is an override's all the same
                    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else []
                    false = [k for k, v in items if v is error.schema]
                    return owner[0], "/".join(map(str, [*path[owner[1]:], *false[:1]])) or "false"
            except (KeyError, IndexError, TypeError):
                continue
            if node is error.schema and owner is not None:
                return owner[0], "/".join(map(str, path[owner[1]:])) or str(error.schema).lower()
        return None

def _merge_property(base: dict[str, Any], extra: Any) -> dict[str, Any]:
    """A property as the package and a cluster's override describe it together: the override's aliases are added
    to the package's, its other keys are added on top (validation applies both schemas anyway, by allOf)."""
    if not isinstance(extra, dict):
        return base
    merged = {**base, **extra}
    merged["x-aliases"] = list(dict.fromkeys([*base.get("x-aliases", []), *extra.get("x-aliases", [])]))
    merged["x-value-aliases"] = {**base.get("x-value-aliases", {}), **extra.get("x-value-aliases", {})}
    for key in ("x-aliases", "x-value-aliases"):
        if not merged[key]:
            del merged[key]
    return merged


def _read_override(path: Path, name: str, package: dict[str, dict[str, Any]],
                   package_bytes: bytes | None = None) -> tuple[dict[str, Any], Locate]:
    """A cluster's ``schemas/<name>.schema.json``: JSON, a valid JSON Schema, for a schema the package has (S006),
    with no references (``$ref`` and the like) and well-formed ``x-*`` keywords; and where its keys are.

    A file byte for byte the package's own (``package_bytes``: a cluster copied from the demo) passes every check
    as the package's schema does (tests/test_check_files.py) and is not checked again: the meta-schema check needs
    the Python jsonschema, whose import and run cost a pre-commit check 0.15–0.3 s (issue 16, R4.9)."""
    from zhanqun.checks import files
    from zhanqun.errors import ZhanqunError
    from zhanqun.source import BOM

    rel = f"schemas/{path.name}"
    files.refuse_link(path, rel)
    if name not in package:
        known = "、".join(sorted(package))
        raise ZhanqunError(f"{rel}:1:1: 没有名为 {name} 的内置模式，站群的 schemas/ 只能收紧已有的模式。",
                           hint=f"文件名应为 <类型>.schema.json，已有的类型是：{known}。", code=BAD_OVERRIDE)
    data = files.read_regular(path)
    if data.startswith(b"\xef\xbb\xbf"):
        raise ZhanqunError(f"{rel}:1:1: 文件开头带有 BOM（字节顺序标记）。", code=BOM,
                           hint="另存为“UTF-8（无 BOM）”；Windows 记事本保存的“UTF-8”文件默认带 BOM。")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise ZhanqunError(f"{rel}:1:1: 文件不是 UTF-8 编码。", hint="用 UTF-8（无 BOM）保存。", code=BAD_OVERRIDE) from None
    try:
        override = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ZhanqunError(f"{rel}:{exc.lineno}:{exc.colno}: 不是合法的 JSON：{_json_error(exc.msg)}。",
                           hint="检查这一行附近的引号、逗号和括号。", code=BAD_OVERRIDE) from None
    except RecursionError:
        raise ZhanqunError(f"{rel}:1:1: 模式嵌套太深。", hint="减少 {…} 和 […] 的层数。", code=BAD_OVERRIDE) from None
    if not isinstance(override, dict):
        raise ZhanqunError(f"{rel}:1:1: 模式应是一个 JSON 对象（{{…}}）。", code=BAD_OVERRIDE,
                           hint='如 {"properties": {"title": {"maxLength": 60}}}。')
    if data == package_bytes:
        copy = {k: v for k, v in override.items() if k not in ("$id", "$schema")}
        return copy, _lazy(_json_locator, text)  # (its keys are never told: a copy is no override, SchemaSet)
    locate = _json_locator(text)

    def refuse(at: tuple[Any, ...], message: str, hint: str) -> ZhanqunError:
        line, col = locate(at)
        return ZhanqunError(f"{rel}:{line}:{col}: {message}", hint=hint, code=BAD_OVERRIDE)

    import jsonschema

    try:
        jsonschema.Draft202012Validator.check_schema(override)
    except jsonschema.SchemaError as exc:
        at = tuple(exc.absolute_path)
        raise refuse(at, f"不是合法的 JSON Schema：{_where(at) or '顶层'}{_schema_error(exc)}",
                     "对照 JSON Schema 2020-12 改正；示例见 docs/cluster-repo.md。") from None
    except Exception:  # e.g. a pattern the regex check cannot even compile: S006, not a crash
        raise refuse((), "不是合法的 JSON Schema。", "对照 JSON Schema 2020-12 改正；示例见 docs/cluster-repo.md。") from None
    for at, schema in _subschemas(override, ()):
        for key, value in schema.items():
            _check_keyword(key, value, at, package[name], refuse)
    override.pop("$id", None)  # the package schema keeps its own id; the override is a part of it
    override.pop("$schema", None)
    return override, locate


#: Keywords that refer to other schemas or name this one: an override is a part of the package's schema, and a
#: reference could fetch a file or a URL, point nowhere or back at itself (docs/cluster-repo.md).
_REFERENCES = ("$ref", "$dynamicRef", "$recursiveRef", "$id", "$anchor", "$dynamicAnchor", "$recursiveAnchor",
               "$vocabulary", "$schema")
#: The package's own keywords (x-aliases: Chinese key names; x-value-aliases: Chinese values; x-format: a date).
_X_KEYWORDS = ("x-aliases", "x-value-aliases", "x-format")
_X_FORMATS = ("date", "datetime")
_SCHEMA_MAPS = ("properties", "patternProperties", "$defs", "definitions", "dependentSchemas")
_SCHEMA_ONE = ("items", "not", "if", "then", "else", "contains", "additionalProperties", "propertyNames",
               "unevaluatedItems", "unevaluatedProperties", "additionalItems")
_SCHEMA_LISTS = ("allOf", "anyOf", "oneOf", "prefixItems")


def _subschemas(schema: Any, at: tuple[Any, ...]) -> list[tuple[tuple[Any, ...], dict[str, Any]]]:
    """Every (sub)schema of a valid JSON Schema with its path, itself first (booleans have no keywords)."""
    if not isinstance(schema, dict):
        return []
    out = [(at, schema)]
    for key, value in schema.items():
        if key in _SCHEMA_MAPS and isinstance(value, dict):
            for sub, subschema in value.items():
                out += _subschemas(subschema, (*at, key, sub))
        elif key in _SCHEMA_ONE:
            out += _subschemas(value, (*at, key))
        elif key in _SCHEMA_LISTS and isinstance(value, list):
            for i, subschema in enumerate(value):
                out += _subschemas(subschema, (*at, key, i))
    return out


def _check_keyword(key: str, value: Any, at: tuple[Any, ...], package: dict[str, Any],
                   refuse: Callable[[tuple[Any, ...], str, str], Exception]) -> None:
    """One keyword of an override's (sub)schema: no references, the package's x-* keywords in their shape."""
    here = (*at, key)
    if key in _REFERENCES:
        if key in ("$id", "$schema") and not at:
            return  # a copied package schema's own id and dialect: dropped
        if key == "$ref" and _package_ref(value, at, package):
            return  # as in the package's own schema (a copy of it): item.schema.json, #/$defs/…
        raise refuse(here, f"站群的模式中不能使用 {key}。",
                     "模式只能直接写出字段和约束，不能引用其他模式、文件或网址；把要求直接写在这个字段下。")
    patterns = ([((), value)] if key == "pattern" and isinstance(value, str) else
                [((sub,), sub) for sub in value] if key == "patternProperties" and isinstance(value, dict) else [])
    for where, pattern in patterns:
        risk = regexsafe.backtracking_risk(pattern)
        if risk:  # Python's re would backtrack without end on a long value (review of issue 13: check hung)
            raise refuse((*here, *where), f"正则表达式 {pattern} 不能这样写：{risk}。",
                         "去掉嵌套的重复，例如把 (\\w+\\s?)+ 写成 [\\w\\s]+，把 (a|a)+ 写成 a+。")
    if not key.startswith("x-"):
        return
    if key not in _X_KEYWORDS:
        close = difflib.get_close_matches(key, _X_KEYWORDS, n=1, cutoff=0.6)
        raise refuse(here, f"未知的关键字“{key}”。",
                     (f"是不是想写“{close[0]}”？" if close else "") + "可用的有：" + "、".join(_X_KEYWORDS) + "。")
    if key == "x-aliases":
        if not isinstance(value, list) or not value:
            raise refuse(here, "x-aliases 应是别名的列表。", '如 "x-aliases": ["公告标题"]，只有一个别名也要写方括号。')
        for i, alias in enumerate(value):
            if not isinstance(alias, str) or not alias.strip():
                raise refuse((*here, i), f"x-aliases 的第 {i + 1} 项应是非空的文字，实际为 {_show(alias)}。",
                             '如 "x-aliases": ["公告标题"]。')
            if alias in value[:i]:
                raise refuse((*here, i), f"别名“{alias}”写了两次。", "删除重复的一项。")
    elif key == "x-value-aliases":
        if not isinstance(value, dict) or not value:
            raise refuse(here, "x-value-aliases 应是“中文写法: 取值”的键值组。", '如 "x-value-aliases": {"日常": "routine"}。')
        for alias, target in value.items():
            if not alias.strip() or not isinstance(target, str):
                raise refuse((*here, alias), f"取值别名“{alias}”应对应一个文字取值，实际为 {_show(target)}。",
                             '如 "x-value-aliases": {"日常": "routine"}，取值要加英文引号。')
    elif value not in _X_FORMATS:
        raise refuse(here, f"x-format 只能是 {' 或 '.join(_X_FORMATS)}，实际为 {_show(value)}。",
                     "date 是日期（YYYY-MM-DD），datetime 是日期加可选的时间（YYYY-MM-DD HH:MM）。")


def _package_ref(value: Any, at: tuple[Any, ...], package: dict[str, Any]) -> bool:
    """A ``$ref`` the package's schema has too, as a copy of it has: its top-level one (item.schema.json) or one
    of its ``$defs`` (which never point back at the override)."""
    if not at:
        return bool(value == package.get("$ref"))
    defs: dict[str, Any] = package.get("$defs", {})
    return isinstance(value, str) and value.startswith("#/$defs/") and value.removeprefix("#/$defs/") in defs


def _lazy(make: Callable[[str], Locate], text: str) -> Locate:
    """``make(text)``, made on the first call."""
    made: list[Locate] = []

    def locate(at: tuple[Any, ...]) -> tuple[int, int]:
        if not made:
            made.append(make(text))
        return made[0](at)

    return locate


def _json_locator(text: str) -> Locate:
    """Where each key path of a valid JSON document starts: (line, column), 1-based; a path that is not there
    is placed at its nearest ancestor that is."""
    starts: dict[tuple[Any, ...], int] = {}
    decoder = json.JSONDecoder()
    space = re.compile(r"[ \t\n\r]*")

    def value(i: int, at: tuple[Any, ...]) -> int:
        i = space.match(text, i).end()  # type: ignore[union-attr]  # matches the empty string
        starts.setdefault(at, i)
        if text[i] == "{":
            i = space.match(text, i + 1).end()  # type: ignore[union-attr]
            while text[i] != "}":
                key, end = _scanstring(text, i + 1)
                starts.setdefault((*at, key), i)
                i = space.match(text, end).end() + 1  # type: ignore[union-attr]  # past the colon
                i = value(i, (*at, key))
                i = space.match(text, i).end()  # type: ignore[union-attr]
                i = space.match(text, i + 1).end() if text[i] == "," else i  # type: ignore[union-attr]
            return i + 1
        if text[i] == "[":
            i = space.match(text, i + 1).end()  # type: ignore[union-attr]
            n = 0
            while text[i] != "]":
                i = space.match(text, value(i, (*at, n))).end()  # type: ignore[union-attr]
                i = space.match(text, i + 1).end() if text[i] == "," else i  # type: ignore[union-attr]
                n += 1
            return i + 1
        return decoder.raw_decode(text, i)[1]

    try:
        value(0, ())
    except (ValueError, IndexError, RecursionError):  # pragma: no cover - the text was parsed as JSON already
        pass

    def locate(at: tuple[Any, ...]) -> tuple[int, int]:
        while at and at not in starts:
            at = at[:-1]
        offset = starts.get(at, 0)
        line = text.count("\n", 0, offset) + 1
        return line, offset - (text.rfind("\n", 0, offset) + 1) + 1

    return locate


_JSON_ERRORS = {"Expecting value": "这里缺少一个值", "Expecting property name enclosed in double quotes":
                "键名要用英文双引号括起来（最后一项后面不能有逗号）", "Expecting ',' delimiter": "这里缺少逗号",
                "Expecting ':' delimiter": "这里缺少冒号", "Extra data": "文件在一个完整的 {…} 之后还有内容",
                "Unterminated string starting at": "引号没有闭合", "Invalid control character at": "引号中有换行或控制字符",
                "Invalid \\escape": "反斜杠 \\ 的写法不对（正则中的 \\ 要写成 \\\\）"}


def _json_error(msg: str) -> str:
    return _JSON_ERRORS.get(msg, "语法错误")


def _schema_error(exc: Any) -> str:
    """A jsonschema SchemaError in Chinese: what the 2020-12 meta-schema wants of the value at its path."""
    value = exc.validator_value
    if exc.validator == "type":
        expected = value if isinstance(value, list) else [value]
        return f"应为{'或'.join(_TYPE_NAMES.get(t, str(t)) for t in expected)}，实际为 {_show(exc.instance)}。"
    if exc.validator == "minimum":
        return f"不能小于 {value}，实际为 {_show(exc.instance)}。"
    if exc.validator == "minItems":
        return f"至少要有 {value} 项。"
    if exc.validator == "uniqueItems":
        return "中有重复的项。"
    if exc.validator == "format" and value == "regex":
        return f"不是合法的正则表达式：{_show(exc.instance)}。"
    if exc.validator in ("anyOf", "oneOf", "enum"):
        return f"的值不对：{_show(exc.instance)}。"
    return f"不符合 JSON Schema 2020-12 对“{exc.validator}”的要求：{_show(exc.instance)}。"


def _where(path: tuple[Any, ...]) -> str:
    if not path:
        return ""
    parts: list[str] = []
    for p in path:
        parts.append(f"[{p + 1}]" if isinstance(p, int) else (("." if parts else "") + str(p)))
    return "“" + "".join(parts).lstrip(".") + "”"


def _show(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 40 else text[:37] + "…"


def _did_you_mean(key: str, candidates: list[str]) -> str:
    close = difflib.get_close_matches(key, candidates, n=1, cutoff=0.6)
    if close:
        return f"是不是想写“{close[0]}”？"
    return "可用的键见 docs/content-format.md；不需要请删除这一行。"
