"""Rule data: term lists and allowlists in YAML (R4), the package's defaults plus a cluster's additions.

The defaults live in ``src/zhanqun/checks/data/<name>.yaml``. A cluster repository may add to any list in
``rules/<name>.yaml`` (same keys; lists are extended, mappings merged), so a county can add local terms
without forking the tool. The digest of all data is part of every cache key.
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path
from typing import Any

from zhanqun.checks import files
from zhanqun.errors import UsageError

NAMES = ("personal_data", "secrets", "banned", "wording", "links", "images", "placeholder", "inspect")
_DEFAULTS = Path(__file__).parent / "data"


class RuleData:
    def __init__(self, tables: dict[str, dict[str, Any]], digest: str) -> None:
        self.tables = tables
        self.digest = digest

    def __getitem__(self, name: str) -> dict[str, Any]:
        return self.tables[name]


def load(root: Path | None = None) -> RuleData:
    local = root / "rules" if root is not None else None
    if local is None or not local.is_dir():
        return _load("", ())
    # The files' sizes and times are part of the cache key: `zhanqun serve` sees an edited rules/*.yaml.
    signature = tuple((p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in sorted(local.glob("*.yaml")))
    return _load(str(local), signature)


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
            tables[name] = _merge(tables.get(name, {}), _read(path, raw))
    return RuleData(tables, digest.hexdigest()[:16])


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
        data = YAML(typ="safe", pure=False).load(text)
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
