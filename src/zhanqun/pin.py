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

__all__ = ["BAD_SPECIFIER", "WRONG_VERSION", "check", "default_pin"]

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
    example='zhanqun: "0.2 以上"',
    fix='按 Python 的版本要求写法填写，如 ">=0.2,<0.3"（0.2 系列）或 "==0.2.*"。',
    requirement="R11.1",
)


def default_pin(version: str = __version__) -> str:
    """The pin ``zhanqun init`` writes: this minor series (0.2.0 -> ">=0.2,<0.3")."""
    major, minor = (int(part) for part in version.split(".")[:2])
    return f">={major}.{minor},<{major}.{minor + 1}"


def check(data: dict[str, Any] | None, locate: Locate | None, rel: str, installed: str = __version__) -> list[Finding]:
    """C016 for a specifier that does not parse, C015 when ``installed`` is outside it; none without a pin."""
    value = (data or {}).get("zhanqun") if isinstance(data, dict) else None
    if value is None:
        return []
    from packaging.specifiers import InvalidSpecifier, SpecifierSet
    from packaging.version import Version

    line, col = locate(("zhanqun",)) if locate is not None else (0, 0)
    try:
        if not str(value).strip():
            raise InvalidSpecifier(str(value))
        spec = SpecifierSet(str(value).strip())
    except InvalidSpecifier:
        return [Finding(rel, line, col, BAD_SPECIFIER, f"zhanqun 的版本要求写法不对：{value!s}。",
                        f'应写成 ">=0.2,<0.3" 这样的版本要求；当前安装的是 {installed}，可写 "{default_pin(installed)}"。')]
    if not spec.contains(Version(installed), prereleases=True):
        return [Finding(rel, line, col, WRONG_VERSION,
                        f"本站群要求 zhanqun {value}，安装的是 zhanqun {installed}。",
                        f'安装要求的版本（pip install "zhanqun{spec}"，与工作流中的一致）；'
                        "要换用这个版本，由电子政务办修改 cluster.yaml 的 zhanqun 和工作流后提交。")]
    return []
