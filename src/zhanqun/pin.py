"""The zhanqun versions a cluster was written for: ``zhanqun: ">=0.2,<0.3"`` in cluster.yaml (R11.1).

A cluster pins the tool as a site on mkdocs or Pelican pins its generator: an upgrade is a change of the pin
(and of the workflows' ``pip install "zhanqun==…"``). Another version stops with a clear Chinese message
instead of failing strangely on a schema or template it does not know.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from zhanqun import __version__
from zhanqun.findings import Finding, Severity, define

if TYPE_CHECKING:
    from zhanqun.schemas import Locate

__all__ = ["BAD_SPECIFIER", "NO_PIN", "WRONG_VERSION", "check", "default_pin"]

WRONG_VERSION = define(
    "C015", "zhanqun-version-mismatch", Severity.ERROR, "安装的 zhanqun 版本不在 cluster.yaml 的 zhanqun 要求之内。",
    why="站群仓库是按某个 zhanqun 版本写的（模式、主题、配置项）；换了版本可能在检查或构建时出现难以理解的错误，"
        "所以版本不符时先停下。",
    example='zhanqun: ">=0.3,<0.4"      # 而安装的是 zhanqun 0.2.0',
    fix='安装要求的版本（pip install "zhanqun==0.3.*"，与工作流中的一致）；升级站群时由电子政务办同时修改 '
        "cluster.yaml 的 zhanqun 和工作流中的版本，按升级说明调整后提交。",
    requirement="R11.1",
)
BAD_SPECIFIER = define(
    "C016", "zhanqun-version-specifier", Severity.ERROR, "cluster.yaml 的 zhanqun 版本要求写法不对。",
    why="版本要求写错时无法判断安装的 zhanqun 是否合适。",
    example='zhanqun: "0.2 以上"  # 不是版本要求；">=0.2,<0.3,"（末尾多逗号）、0.2（没有引号和比较符）也不行',
    fix='按 Python 的版本要求写法、加英文引号填写，如 ">=0.2,<0.3"（0.2 系列）或 "==0.2.*"。',
    requirement="R11.1",
)
NO_PIN = define(
    "C024", "zhanqun-version-unpinned", Severity.WARNING, "cluster.yaml 没有写 zhanqun 版本要求，不检查安装的版本。",
    why="没有 zhanqun: 时任何版本的 zhanqun 都会检查和构建这个站群；换了版本可能在陌生的模式或模板上出现"
        "难以理解的错误，而不是先说明版本不符（C015）。zhanqun init 总是写入这一行。",
    example="content/cluster.yaml 中没有 zhanqun: 这一行",
    fix='在 cluster.yaml 中加一行 zhanqun: ">=0.2,<0.3"（安装的 zhanqun 所在的系列，与工作流中的 zhanqun== 一致）。',
    requirement="R11.1",
)
_MAX = 100


def default_pin(version: str = __version__) -> str:
    """The pin ``zhanqun init`` writes: this minor series (0.2.0 -> ">=0.2,<0.3")."""
    major, minor = (int(part) for part in version.split(".")[:2])
    return f">={major}.{minor},<{major}.{minor + 1}"


def check(data: dict[str, Any] | None, locate: Locate | None, rel: str, installed: str = __version__) -> list[Finding]:
    """C016 for a specifier that is not a quoted, well-formed one (the only finding about the value: the schema
    leaves ``zhanqun`` to this check), C015 when ``installed`` is outside it, C024 (a warning) without one."""
    if not isinstance(data, dict):  # the file did not load: its own findings say why
        return []
    if "zhanqun" not in data:
        return [Finding(rel, 0, 0, NO_PIN, "cluster.yaml 没有写 zhanqun 版本要求，任何版本的 zhanqun 都会读它。",
                        f'加一行 zhanqun: "{default_pin(installed)}"（当前安装的 zhanqun {installed} 所在的系列）。')]
    value = data["zhanqun"]
    from packaging.specifiers import InvalidSpecifier, SpecifierSet
    from packaging.version import Version

    line, col = locate(("zhanqun",)) if locate is not None else (0, 0)
    hint = f'应写成带英文引号的版本要求，如 zhanqun: "{default_pin(installed)}"（当前安装的是 {installed}）。'
    if not isinstance(value, str):
        shown = "空" if value is None else f"{value!s}（{'列表' if isinstance(value, list) else '不是文字'}）"
        return [Finding(rel, line, col, BAD_SPECIFIER, f"zhanqun 的版本要求写法不对：{shown[:_MAX]}。", hint)]
    try:
        # packaging skips empty parts: ">=0.2,<0.3," and ",>=0.2" would pass, and mean a slip of the pen
        if len(value) > _MAX or any(not part.strip() for part in value.split(",")):
            raise InvalidSpecifier(value)
        spec = SpecifierSet(value.strip())
    except InvalidSpecifier:
        shown = value[:_MAX] if value.strip() else "空"
        return [Finding(rel, line, col, BAD_SPECIFIER, f"zhanqun 的版本要求写法不对：{shown}。", hint)]
    if not spec.contains(Version(installed), prereleases=True):
        return [Finding(rel, line, col, WRONG_VERSION,
                        f"本站群要求 zhanqun {value}，安装的是 zhanqun {installed}。",
                        f'安装要求的版本（pip install "zhanqun{spec}"，与工作流中的一致）；'
                        "要换用这个版本，由电子政务办修改 cluster.yaml 的 zhanqun 和工作流后提交。")]
    return []
