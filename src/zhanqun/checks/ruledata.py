"""Rule data: term lists and allowlists in YAML (R4), the package's defaults plus a cluster's additions.

The defaults live in ``src/zhanqun/checks/data/<name>.yaml``. A cluster repository may add to any list in
``rules/<name>.yaml`` (same keys; lists are extended, mappings merged), so a county can add local terms
without forking the tool. The digest of all data is part of every cache key.
"""

from __future__ import annotations

import functools
import hashlib
import re
from pathlib import Path
from typing import Any

from zhanqun import regexsafe
from zhanqun.checks import files
from zhanqun.errors import FindingsError, UsageError
from zhanqun.findings import Finding, Severity, define, shown

NAMES = ("personal_data", "secrets", "banned", "wording", "links", "images", "placeholder", "inspect")
_DEFAULTS = Path(__file__).parent / "data"
DOCS = "见 docs/handbook.md“本县的词表”和 docs/cluster-repo.md“规则数据”"

SHAPE = define(
    "C023", "rules-data-shape", Severity.ERROR, "rules/ 目录下的规则数据文件写法不对（键名或值的类型与 zhanqun 自带的词表不一致）。",
    why="rules/*.yaml 中的列表追加到 zhanqun 自带的词表，键值表与之合并；键名写错的内容不会生效，类型不对（该写列表的写成了"
        "键值，该写文字的写成了数字）则所有检查都无法运行。",
    example="rules/banned.yaml：categories: {a: 1}（categories 应是类别的列表：- id: …  name: …  terms: [...]）",
    fix="对照文档中该文件的写法修改所指的行：键名与自带词表相同，列表写成 [a, b] 或每行“- 项”，正则表达式须能编译。" + DOCS + "。",
    requirement="R4, R11.1",
)
UNKNOWN_FILE = define(
    "C022", "unknown-rules-file", Severity.ERROR, "rules/ 目录下有 zhanqun 不认识的规则数据文件。",
    why="只有与自带词表同名的文件（" + "、".join(f"{n}.yaml" for n in NAMES) + "）会被读取；文件名写错时其中的词"
        "一个也不生效，而检查看起来照常通过。",
    example="rules/baned.yaml（应为 rules/banned.yaml）",
    fix="把文件改成正确的名称；不再需要的文件请删除。" + DOCS + "。",
    requirement="R4, R11.1",
)


class RuleData:
    def __init__(self, tables: dict[str, dict[str, Any]], digest: str) -> None:
        self.tables = tables
        self.digest = digest

    def __getitem__(self, name: str) -> dict[str, Any]:
        return self.tables[name]


def load(root: Path | None = None) -> RuleData:
    """The rule data of a cluster; a FindingsError (exit 1) when its rules/ files have errors (:func:`check`)."""
    data, findings = load_checked(root)
    errors = [f for f in findings if f.severity is Severity.ERROR]
    if errors:
        raise FindingsError(errors)
    return data


def load_checked(root: Path | None = None) -> tuple[RuleData, list[Finding]]:
    """The rule data and the findings about the cluster's rules/ files; the package's data alone when those files
    have errors (so every other check still runs, and the build refuses on the findings)."""
    local = root / "rules" if root is not None else None
    if local is None or not local.is_dir() or local.is_symlink():
        return _load("", ()), []
    # The files' sizes and times are part of the cache key: `zhanqun serve` sees an edited rules/*.yaml.
    signature = tuple((p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in sorted(local.iterdir())
                      if not p.is_symlink() and p.is_file())
    findings = _checked(str(local), signature)
    if any(f.severity is Severity.ERROR for f in findings):
        return _load("", ()), list(findings)
    return _load(str(local), signature), list(findings)


@functools.lru_cache(maxsize=4)
def _checked(local_dir: str, signature: tuple[Any, ...] = ()) -> tuple[Finding, ...]:
    """F, Y, C023 and C022 findings about the files of a cluster's rules/ folder, with their lines."""
    import difflib

    from zhanqun import source

    findings: list[Finding] = []
    for path in sorted(Path(local_dir).iterdir()):
        rel = f"rules/{shown(path.name)}"
        stem, suffix = path.stem, path.suffix.lower()
        if path.is_symlink() or (path.exists() and not (path.is_file() or path.is_dir())):
            findings.append(files.link_finding(rel, path))  # C011, as files.scan_tree says too: never read
            continue
        if path.is_dir() or files.undecodable(path.name) or suffix not in (".yaml", ".yml"):
            continue  # names that are not UTF-8: F008 (files.scan_tree); a README is no rule data
        if suffix != ".yaml" or stem not in NAMES:
            close = difflib.get_close_matches(stem, NAMES, n=1, cutoff=0.5)
            want = f"rules/{close[0]}.yaml" if close else "、".join(f"{n}.yaml" for n in NAMES)
            findings.append(Finding(rel, 0, 0, UNKNOWN_FILE, f"zhanqun 不读取 {rel}：规则数据文件只能是与自带词表同名的 .yaml 文件。",
                                    (f"是不是想写 {want}？" if close else f"可用的文件名：{want}。") + DOCS + "。"))
            continue
        doc, found = source.load_yaml_file(path, rel)
        findings += found
        if doc is not None:
            findings += _shape_findings(doc, _read(_DEFAULTS / f"{stem}.yaml", (_DEFAULTS / f"{stem}.yaml").read_bytes()))
    return tuple(findings)


# A text of the package's data that is a regular expression (its place in a cluster's file is one too).
_REGEX_HINT = re.compile(r"\\[dswbDSWB]|\(\?|\[\^?.+\]|\{\d")
_REGEX_ERRORS = (("missing ), unterminated subpattern", "缺少右括号 )"), ("unbalanced parenthesis", "多了右括号 )"),
                 ("unterminated character set", "方括号 [ 没有闭合"), ("nothing to repeat", "* + ? 或 {…} 前面没有可重复的内容"),
                 ("multiple repeat", "重复符号连写了两个"), ("bad escape", "反斜杠 \\ 后面的字母不对"),
                 ("bad character range", "方括号中的范围写反了"))


def _regex_problem(pattern: str) -> str:
    """Why ``pattern`` does not compile, in Chinese ("" when it does); an empty one matches everything."""
    if not pattern:
        return "是空的（会匹配任何文字）"
    try:
        re.compile(pattern)
    except re.error as exc:
        said = next((zh for en, zh in _REGEX_ERRORS if en in str(exc.msg)), "写法不对")
        return f"{said}（第 {(exc.pos or 0) + 1} 个字符）"
    except (RecursionError, OverflowError):
        return "太复杂"
    return ""


_KINDS = {str: "文字", int: "数字", float: "数字", bool: "是/否", type(None): "空值", list: "列表", dict: "键值表"}


def _kind(value: Any) -> str:
    return _KINDS.get(type(value), "文字")


def _kinds_of(values: list[Any]) -> set[str]:
    return {_kind(v) for v in values}


def _shape_findings(doc: Any, default: dict[str, Any]) -> list[Finding]:
    """C023 for each top-level key the package's file does not have, and each value whose kind (list, mapping,
    text, number) differs from what the package's file has there; lists and mappings are followed down."""
    import difflib

    findings: list[Finding] = []

    def bad(keys: tuple[Any, ...], message: str, hint: str) -> None:
        line, col = doc.locate(keys)
        findings.append(Finding(doc.path, line, col, SHAPE, message, hint + DOCS + "。"))

    def where(keys: tuple[Any, ...]) -> str:
        return "".join(f"[{k}]" if isinstance(k, int) else (f".{k}" if i else str(k)) for i, k in enumerate(keys))

    def compare(keys: tuple[Any, ...], value: Any, examples: list[Any]) -> None:
        """``value`` against the values the package has at this place (``examples``, one or more)."""
        if not examples or len(findings) >= 20:
            return
        wanted = _kinds_of(examples)
        if _kind(value) not in wanted:
            bad(keys, f"{where(keys)} 应为{'或'.join(sorted(wanted))}，这里写成了{_kind(value)}。",
                "对照自带词表中同名键的写法修改；")
            return
        if isinstance(value, str) and any(isinstance(x, str) and _REGEX_HINT.search(x) for x in examples):
            problem = _regex_problem(value)  # the package writes a regular expression here
            if problem:
                bad(keys, f"{where(keys)} 的正则表达式不能使用：{problem}。", "改正这个正则表达式；")
                return
        risk = regexsafe.backtracking_risk(value) if isinstance(value, str) else ""
        if risk:  # any text may be a pattern here; a plain word never has this shape
            bad(keys, f"{where(keys)} 的正则表达式不能这样写：{risk}。",
                "去掉嵌套的重复（如把 (\\w+\\s?)+ 写成 [\\w\\s]+），或把要找的词逐个列出；")
            return
        if isinstance(value, list):
            items = [e for x in examples if isinstance(x, list) for e in x]
            for index, element in enumerate(value):
                compare(keys + (index,), element, items)
        elif isinstance(value, dict):
            maps = [x for x in examples if isinstance(x, dict)]
            for key, element in value.items():
                same = [m[key] for m in maps if key in m]
                compare(keys + (key,), element, same or [v for m in maps for v in m.values()])

    for key, value in doc.data.items():
        if key not in default:
            close = difflib.get_close_matches(str(key), list(default), n=1, cutoff=0.6)
            bad((key,), f"未知的键“{key}”：zhanqun 不会读取它。",
                f"是不是想写“{close[0]}”？" if close else "可用的键：" + "、".join(default) + "；")
            continue
        compare((key,), value, [default[key]])
    return findings


@functools.lru_cache(maxsize=4)
def _load(local_dir: str, signature: tuple[Any, ...] = ()) -> RuleData:
    tables: dict[str, dict[str, Any]] = {}
    digest = hashlib.sha256()
    for name in NAMES:
        for folder in filter(None, [_DEFAULTS, Path(local_dir) if local_dir else None]):
            path = folder / f"{name}.yaml"
            if folder is not _DEFAULTS:
                files.refuse_link(folder, "rules")
                files.refuse_link(path, f"rules/{name}.yaml")
            if not path.is_file():
                continue
            raw = files.read_regular(path)
            digest.update(name.encode() + b"\0" + raw)
            data = _read_default(path, raw) if folder is _DEFAULTS else _read(path, raw)
            tables[name] = _merge(tables.get(name, {}), data)
    return RuleData(tables, digest.hexdigest()[:16])


def _read_default(path: Path, raw: bytes) -> dict[str, Any]:
    """One of the package's own rule data files, read once per version of its bytes: the YAML load of all of them
    is a tenth of a pre-commit check (issue 16, R4.9), JSON a hundredth of it. Kept in the user's cache folder
    (beside zhanqun's bytecode, never in a repository: a cluster's own rules/ are read as before), only when
    JSON gives back exactly what YAML read."""
    import os

    import orjson
    import ruamel.yaml

    folder = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "zhanqun" / "ruledata"
    # the file's bytes, the code that reads them (this module) and the YAML library's version
    key = hashlib.sha256(raw + b"\0" + Path(__file__).read_bytes() + ruamel.yaml.__version__.encode()).hexdigest()
    cached = folder / f"{path.stem}-{key[:32]}.json"
    try:
        data: dict[str, Any] = orjson.loads(cached.read_bytes())
        return data
    except (OSError, orjson.JSONDecodeError):
        pass
    data = _read(path, raw)
    try:
        blob = orjson.dumps(data)
        if orjson.loads(blob) == data:  # (a date, a set or a key that is not text is not JSON: read every time)
            folder.mkdir(parents=True, exist_ok=True)
            partial = cached.with_name(f"{cached.name}.{os.getpid()}.tmp")
            partial.write_bytes(blob)
            os.replace(partial, cached)
    except (OSError, TypeError, orjson.JSONEncodeError):
        pass  # no cache: read again next time
    return data


def _read(path: Path, raw: bytes) -> dict[str, Any]:
    """One rule data file. Anchors are allowed here (maintainers' files), not thousands of nesting levels."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    from zhanqun import source

    try:
        text = raw.decode("utf-8")
        deep = source.too_deep(text, str(path))
        if deep is not None:
            from zhanqun.output import location

            raise UsageError(f"规则数据 {location(str(path), deep.line)}: {deep.code} {deep.message}", hint=deep.hint)
        data = YAML(typ="safe", pure=False).load(text)  # (only the package's files: a cluster's are checked first)
    except (YAMLError, UnicodeDecodeError, RecursionError) as exc:
        raise UsageError(f"规则数据 {path} 无法读取：{exc}", hint="检查 YAML 格式，文件须为 UTF-8。") from None
    if not isinstance(data, dict):
        raise UsageError(f"规则数据 {path} 应当是键值表。", hint="参照 zhanqun 自带的同名文件。")
    return data


def _merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in extra.items():
        old = merged.get(key)
        if isinstance(old, list) and isinstance(value, list):
            merged[key] = old + [v for v in value if v not in old]
        elif isinstance(old, dict) and isinstance(value, dict):
            merged[key] = _merge(old, value)
        else:
            merged[key] = value
    return merged
