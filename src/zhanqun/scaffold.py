"""``zhanqun new``: a new item with the front matter its column's type needs, from the schema (R10)."""

from __future__ import annotations

import difflib
import json
import re
from pathlib import Path
from typing import TYPE_CHECKING

from zhanqun import cluster as cluster_mod
from zhanqun.content import parse_date
from zhanqun.errors import FindingsError, UsageError

if TYPE_CHECKING:
    from zhanqun.cluster import Cluster
    from zhanqun.schemas import SchemaSet

# Sensible starting values; everything else required starts empty, so `zhanqun check` asks for it.
_DEFAULTS = {"status": "有效", "importance": "routine"}


def new_item(root: Path, unit_id: str, column_id: str, title: str, *, date: str | None = None) -> Path:
    cluster, findings = cluster_mod.load(root)
    if cluster is None:
        raise FindingsError(findings)
    unit = cluster.units.get(unit_id)
    if unit is None:
        raise UsageError(f"没有单位“{unit_id}”。", hint=_suggest(unit_id, list(cluster.units)))
    column = unit.columns.get(column_id)
    if column is None:
        raise UsageError(f"单位 {unit_id} 没有栏目“{column_id}”。", hint=_suggest(column_id, list(unit.columns)))
    if not title.strip():
        raise UsageError("标题不能为空。")
    day = cluster.today.isoformat()
    if date is not None:
        parsed, code, hint = parse_date(date)
        if code or parsed is None:
            raise UsageError(f"日期不对：{date}", hint=hint)
        day = parsed
    values = {"title": title.strip(), "date": day, "importance": "routine"}
    if column.type == "policy":
        values["index_no"] = next_index_no(cluster, unit.org_code, column.index_category, day[:4])
        values["effective"] = day[:10]
    if column.type in ("leader", "organization"):
        values["name"] = values.pop("title")
    if column.type == "reply":  # dated by its receipt; answered (and the answer, the body) come later (R9)
        values["received"] = values.pop("date")[:10]
    for key in ("publisher", "source", "author"):
        values[key] = unit.name
    text = render_front_matter(cluster.schemas, column.type, values)
    folder = root / "content" / unit_id / column_id
    folder.mkdir(parents=True, exist_ok=True)
    path = _free_name(folder, f"{day[:10]}-{slugify(title)}")
    path.write_text(text, encoding="utf-8")
    return path


def render_front_matter(schemas: SchemaSet, content_type: str, values: dict[str, str]) -> str:
    """Required keys of the type, in schema order, each with its description as a comment."""
    props = schemas.properties(content_type)
    required = schemas.required(content_type)
    keys = [k for k in required if k in props] + [k for k in ("importance", "index_no") if k in values and k not in required]
    lines = ["---"]
    for key in keys:
        if key == "title" and "title" not in values:
            continue
        prop = props[key]
        value = values.get(key, _DEFAULTS.get(key, ""))
        if key in ("publisher", "source", "author") and key not in required:
            continue
        if prop.get("type") == "array" or "oneOf" in prop:
            rendered = "[]" if not value else json.dumps(value, ensure_ascii=False)
        elif prop.get("x-format"):
            rendered = f'"{value}"' if value else '""'
        else:
            rendered = json.dumps(value, ensure_ascii=False)
        comment = prop.get("description", "")
        lines.append(f"{key}: {rendered}" + (f"  # {comment}" if comment else ""))
    if content_type == "reply":
        # Not published until answered: the answer date and the answer (the body) are written when known.
        lines.append(f'# answered: ""  # {props["answered"]["description"]}')
        lines += ["---", "", ""]
        return "\n".join(lines)
    lines += ["---", "", "（在这里写正文。）", ""]
    return "\n".join(lines)


def next_index_no(cluster: Cluster, org_code: str, category: str, year: str) -> str:
    prefix = f"{org_code}-{category}-{year}-"
    used = [i.meta.get("index_no", "") for i in cluster.items + cluster.invalid if i.type == "policy"]
    numbers = [int(n[len(prefix):]) for n in used if n.startswith(prefix) and n[len(prefix):].isdigit()]
    return f"{prefix}{max(numbers, default=0) + 1:05d}"


def slugify(title: str) -> str:
    from pypinyin import lazy_pinyin

    words = [re.sub(r"[^a-z0-9]", "", w.lower()) for w in lazy_pinyin(title)]
    slug = "-".join(w for w in words if w)[:60].strip("-")
    return slug or "item"


def _free_name(folder: Path, stem: str) -> Path:
    path = folder / f"{stem}.md"
    number = 2
    while path.exists():
        path = folder / f"{stem}-{number}.md"
        number += 1
    return path


def _suggest(value: str, options: list[str]) -> str:
    close = difflib.get_close_matches(value, options, n=1)
    return f"是不是想写“{close[0]}”？" if close else "可选：" + "、".join(options)
