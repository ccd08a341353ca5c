"""The cluster's own code (R11.1): the Pelican plugins of ``build: plugins:`` and the theme templates it overrides.

``check`` judges both without running anything a pull request contains: a plugin's source is parsed (``ast``),
never imported; an override template is compiled with the Jinja settings of the build, never rendered. The
build then loads the plugins itself, from ``.py`` source inside the cluster's ``plugins/`` only (no bytecode
is read or written, whatever lies beside the source) and hands Pelican the module objects.

build.plugins may name only zhanqun's own plugins (``zhanqun.plugins.*``) and modules of the cluster's
``plugins/`` folder: not an installed package or a standard library module (docs/cluster-repo.md).
"""

from __future__ import annotations

import ast
import functools
import importlib.abc
import importlib.machinery
import importlib.util
import os
import re
import sys
import types
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from zhanqun import defaults
from zhanqun.build.rules import PLUGIN_INVALID, PLUGIN_MISSING, TEMPLATE_INVALID, TEMPLATE_UNKNOWN
from zhanqun.checks import files
from zhanqun.findings import Finding

if TYPE_CHECKING:
    import jinja2

__all__ = ["load_plugins", "plugin_findings", "template_findings"]

CONFIG_REL = "content/cluster.yaml"
PACKAGE_PLUGINS = "zhanqun.plugins."
Locate = Callable[[tuple[Any, ...]], tuple[int, int]]


def plugins_folder(root: Path) -> Path | None:
    """The cluster's own ``plugins/`` (not the package's: this checkout's is)."""
    own = root / "plugins"
    return own if _plain(root, "plugins") and not defaults.same(own, defaults.plugins_dir()) else None


def _source_of(folder: Path, tail: str) -> tuple[Path, bool] | None:
    """``folder/tail/__init__.py`` (a package, as Python prefers) or ``folder/tail.py``: regular files only."""
    for candidate, package in ((folder / tail / "__init__.py", True), (folder / f"{tail}.py", False)):
        if _regular(candidate) and not (package and os.path.islink(candidate.parent)):
            return candidate, package
    return None


def _regular(path: Path) -> bool:
    """A regular file, not a link (a link on the way is C011, which stops the build before anything is loaded)."""
    import stat

    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False


def _plain(root: Path, rel: str) -> bool:
    """``root/rel`` is a folder reached through no link."""
    import stat

    path = root
    for part in rel.split("/"):
        path = path / part
        try:
            if not stat.S_ISDIR(os.lstat(path).st_mode):
                return False
        except OSError:
            return False
    return True


def _resolve(root: Path, name: str) -> list[tuple[str, Path, bool]] | None:
    """The source file of every module ``name`` consists of, top first (``a``, ``a.b``), inside plugins/."""
    base = plugins_folder(root)
    if base is None:
        return None
    chain: list[tuple[str, Path, bool]] = []
    folder = base
    parts = name.split(".")
    for index, part in enumerate(parts):
        found = _source_of(folder, part)
        if found is None or (index < len(parts) - 1 and not found[1]):
            return None  # a dotted name needs a package (a folder with __init__.py) above it
        chain.append((".".join(parts[:index + 1]), *found))
        folder = folder / part
    return chain


def _installed(top: str) -> bool:
    """Whether ``top`` is a module Python finds outside the cluster (the standard library, an installed package)."""
    if top in sys.modules:  # (a cluster plugin loaded by an earlier build in this process is not installed)
        return not isinstance(getattr(sys.modules[top], "__loader__", None), _SourceOnlyLoader)
    if top in sys.builtin_module_names:
        return True
    try:
        return importlib.util.find_spec(top) is not None
    except (ImportError, ValueError):
        return False


def _rel(root: Path, path: Path) -> str:
    return path.relative_to(root).as_posix()


def plugin_findings(root: Path, names: Sequence[str], locate: Locate | None) -> list[Finding]:
    """B004 and B005 for the entries of build.plugins, at their line of cluster.yaml (or of the plugin's file),
    reading the plugins' source but never running it."""
    findings: list[Finding] = []
    for index, name in enumerate(names):
        line, col = locate(("build", "plugins", index)) if locate is not None else (0, 0)
        findings += _plugin_findings(root, name, line, col)
    return findings


def _plugin_findings(root: Path, name: str, line: int, col: int) -> list[Finding]:
    if name.startswith(PACKAGE_PLUGINS):
        try:
            found = importlib.util.find_spec(name) is not None  # zhanqun's own package: nothing of the cluster runs
        except (ImportError, ValueError):
            found = False
        if found:
            return []
        return [Finding(CONFIG_REL, line, col, PLUGIN_MISSING, f"build.plugins 中的 {name} 不是 zhanqun 自带的插件。",
                        "zhanqun 自带的插件（zhanqun.plugins.reader、zhanqun.plugins.site）总是加载，不必列出；"
                        "站群自己的插件放在 plugins/ 下。")]
    top = name.split(".")[0]
    chain = _resolve(root, name)
    if chain is None:
        where = "plugins/" + name.replace(".", "/")
        if _installed(top) and _resolve(root, top) is None:
            message = (f"build.plugins 中的 {name} 不是站群仓库 plugins/ 下的插件：它是已安装的包或 Python 标准库模块，"
                       "不能作为插件。")
        else:
            message = f"build.plugins 中的插件 {name} 找不到：站群仓库中没有 {where}.py 或 {where}/__init__.py。"
            parents = name.split(".")[:-1]
            if parents and _resolve(root, ".".join(parents)) is None:
                message += f"（带点的名称要求 plugins/{'/'.join(parents)}/__init__.py 存在。）"
        return [Finding(CONFIG_REL, line, col, PLUGIN_MISSING, message,
                        "把插件放在站群仓库的 plugins/ 下（plugins/<名称>.py 或 plugins/<名称>/__init__.py），"
                        "不需要请从 build.plugins 删除；已安装的包和标准库模块不能作为插件。")]
    if _installed(top):
        return [Finding(CONFIG_REL, line, col, PLUGIN_INVALID,
                        f"build.plugins 中的插件 {name} 与已安装的包或 Python 标准库模块 {top} 同名，构建会用错模块。",
                        f"给 plugins/ 下的 {top} 换一个名字（如 county_{top}），并改 build.plugins。")]
    findings: list[Finding] = []
    for module, path, _ in chain:
        tree, problem = _parse(root, path)
        if problem is not None:
            return [problem]
        if module == name and tree is not None and not _binds_register(tree):
            findings.append(Finding(CONFIG_REL, line, col, PLUGIN_INVALID,
                                    f"build.plugins 中的插件 {name}（{_rel(root, path)}）没有在模块顶层定义 register()。",
                                    "Pelican 插件必须有 def register():，在其中连接 Pelican 的信号。"))
    return findings


def _parse(root: Path, path: Path) -> tuple[ast.Module | None, Finding | None]:
    rel = _rel(root, path)
    try:
        text = files.read_regular(path).decode("utf-8")
    except OSError:
        return None, None  # C011 speaks about links and special files
    except UnicodeDecodeError:
        return None, Finding(rel, 0, 0, PLUGIN_INVALID, f"插件文件 {rel} 不是 UTF-8 编码的 Python 源代码。",
                             "用 UTF-8 保存插件的源文件。")
    try:
        return ast.parse(text, rel), None
    except SyntaxError as exc:
        return None, Finding(rel, exc.lineno or 0, exc.offset or 0, PLUGIN_INVALID,
                             f"插件文件 {rel} 第 {exc.lineno or '?'} 行有 Python 语法错误：{exc.msg}。",
                             "改正这一行；请电子政务办审核插件代码。")
    except ValueError as exc:  # a NUL byte
        return None, Finding(rel, 0, 0, PLUGIN_INVALID, f"插件文件 {rel} 不是 Python 源代码（{exc}）。",
                             "只提交 .py 源文件。")


def _binds_register(tree: ast.Module) -> bool:
    """Whether a top-level statement of the module binds the name ``register`` (def, assignment, import)."""
    def bound(node: ast.stmt) -> Iterable[str]:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            yield node.name
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                yield from (n.id for n in ast.walk(target) if isinstance(n, ast.Name))
        elif isinstance(node, (ast.AnnAssign, ast.AugAssign)) and isinstance(node.target, ast.Name):
            yield node.target.id
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            yield from ((a.asname or a.name).split(".")[0] for a in node.names)
        elif isinstance(node, (ast.If, ast.Try)):
            for child in [*node.body, *node.orelse, *getattr(node, "finalbody", []),
                          *(s for h in getattr(node, "handlers", []) for s in h.body)]:
                yield from bound(child)

    return any(name == "register" for node in tree.body for name in bound(node))


# --- loading, at build time: source only ------------------------------------------------------------------------


class _SourceOnlyLoader(importlib.machinery.SourceFileLoader):
    """Compiles the module from its .py file every time: never reads a cached .pyc, never writes one."""

    def get_code(self, fullname: str) -> types.CodeType:
        path = self.get_filename(fullname)
        return compile(files.read_regular(Path(path)), path, "exec", dont_inherit=True)


def _spec(fullname: str, path: Path, package: bool) -> importlib.machinery.ModuleSpec | None:
    loader = _SourceOnlyLoader(fullname, str(path))
    return importlib.util.spec_from_file_location(fullname, path, loader=loader,
                                                  submodule_search_locations=[str(path.parent)] if package else None)


class _ClusterPluginFinder(importlib.abc.MetaPathFinder):
    """Submodules of a cluster plugin package (``from . import helper``) come from .py source too: an import
    below the cluster's plugins/ that has no source fails instead of falling through to bytecode or an
    extension module (which the standard finder would load)."""

    def __init__(self) -> None:
        self.folders: set[str] = set()

    def find_spec(self, fullname: str, path: Sequence[str] | None = None,
                  target: types.ModuleType | None = None) -> importlib.machinery.ModuleSpec | None:
        inside = [p for p in path or () if any(p == f or p.startswith(f + os.sep) for f in self.folders)]
        if not inside:
            return None
        tail = fullname.rpartition(".")[2]
        for entry in inside:
            found = _source_of(Path(entry), tail)
            if found is not None:
                return _spec(fullname, *found)
        raise ModuleNotFoundError(f"No module named {fullname!r}: only .py source is imported from plugins/",
                                  name=fullname)


@functools.lru_cache(maxsize=1)
def _finder() -> _ClusterPluginFinder:
    finder = _ClusterPluginFinder()
    sys.meta_path.insert(0, finder)
    return finder


def load_plugins(root: Path, names: Sequence[str], locate: Locate | None = None) -> list[types.ModuleType | str]:
    """The modules of build.plugins, loaded from source before any site is built, for Pelican's PLUGINS (module
    objects: Pelican then looks nothing up itself). zhanqun's own plugins stay names. Raises FindingsError
    (B004, B005) with the file and line."""
    from zhanqun.errors import FindingsError

    problems = plugin_findings(root, names, locate)
    if problems:
        raise FindingsError(problems)
    loaded: list[types.ModuleType | str] = []
    base = plugins_folder(root)
    for index, name in enumerate(names):
        if name.startswith(PACKAGE_PLUGINS) or base is None:
            loaded.append(name)
            continue
        line, col = locate(("build", "plugins", index)) if locate is not None else (0, 0)
        module = _load(root, base, name, line, col)
        loaded.append(module)
    return loaded


def _load(root: Path, base: Path, name: str, line: int, col: int) -> types.ModuleType:
    from zhanqun.errors import FindingsError

    chain = _resolve(root, name) or []
    _finder().folders.add(str(base))
    top = name.split(".")[0]
    current = sys.modules.get(top)
    if current is not None and getattr(current, "__file__", None) != str(chain[0][1]):
        for key in [k for k in sys.modules if k == top or k.startswith(top + ".")]:
            del sys.modules[key]  # another cluster's plugin of that name (one process, several builds)
    dont_write = sys.dont_write_bytecode
    sys.dont_write_bytecode = True
    try:
        for module_name, path, package in chain:
            if module_name in sys.modules:
                continue
            spec = _spec(module_name, path, package)
            if spec is None or spec.loader is None:  # (never: the path is a .py file)
                raise FindingsError([Finding(CONFIG_REL, line, col, PLUGIN_INVALID, f"插件 {name} 不能加载。")])
            module = importlib.util.module_from_spec(spec)
            sys.modules[module_name] = module
            try:
                spec.loader.exec_module(module)
            except (Exception, SystemExit) as exc:
                for key in [k for k in sys.modules if k == top or k.startswith(top + ".")]:
                    del sys.modules[key]
                rel, where = _origin(root, base, exc, path)
                raise FindingsError([Finding(rel, where, 0, PLUGIN_INVALID,
                                             f"插件 {name} 加载时出错（{rel} 第 {where} 行）：{type(exc).__name__}: {exc}",
                                             "改正插件代码；请电子政务办审核插件。")]) from None
            if "." in module_name:
                parent, _, child = module_name.rpartition(".")
                setattr(sys.modules[parent], child, module)
    finally:
        sys.dont_write_bytecode = dont_write
    module = sys.modules[name]
    if not callable(getattr(module, "register", None)):
        raise FindingsError([Finding(CONFIG_REL, line, col, PLUGIN_INVALID,
                                     f"build.plugins 中的插件 {name}（{_rel(root, chain[-1][1])}）没有 register() 函数。",
                                     "Pelican 插件必须有 def register():，在其中连接 Pelican 的信号。")])
    return module


def _origin(root: Path, base: Path, exc: BaseException, fallback: Path) -> tuple[str, int]:
    """The innermost place inside plugins/ where ``exc`` was raised (a SyntaxError: its own line)."""
    if isinstance(exc, SyntaxError) and exc.filename:
        path = Path(exc.filename)
        if path.is_relative_to(base):
            return _rel(root, path), exc.lineno or 0
    found = (_rel(root, fallback), 0)
    tb = exc.__traceback__
    while tb is not None:
        path = Path(tb.tb_frame.f_code.co_filename)
        if path.is_relative_to(base):
            found = (_rel(root, path), tb.tb_lineno)
        tb = tb.tb_next
    return found


# --- theme templates -------------------------------------------------------------------------------------------


def template_findings(root: Path, lenient_names: bool = False) -> list[Finding]:
    """B006 for an override template Jinja cannot compile (with its line), B007 for one whose name is no template
    of the package's theme and that no other override includes. ``lenient_names``: the cluster has plugins of its
    own, which may add Jinja filters and tests, so unknown filter and test names are left to the build."""
    from zhanqun.build import pelican_run

    own = pelican_run.own_theme(root)
    if own is None or not _plain(root, f"themes/{defaults.THEME}/templates"):
        return []
    folder = own / "templates"
    package = defaults.theme_dir() / "templates"
    overrides = {}
    for dirpath, dirnames, filenames in os.walk(folder):  # (os.walk never follows a link to a folder)
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d != "__pycache__")
        for filename in sorted(filenames):
            path = Path(dirpath) / filename
            if filename.startswith(".") or filename in files.PLACEHOLDERS or not _regular(path) \
                    or files.is_compiled(_rel(root, path)):
                continue  # (links are C011, compiled files C021)
            overrides[path.relative_to(folder).as_posix()] = path
    if not overrides:
        return []
    findings: list[Finding] = []
    referenced: dict[str, set[str]] = {}
    for name, path in overrides.items():
        rel = _rel(root, path)
        try:
            data = files.read_regular(path)
        except OSError:
            continue
        shipped = package / name
        if _regular(shipped) and shipped.read_bytes() == data:
            continue  # the package's own template, copied unchanged
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            findings.append(Finding(rel, 0, 0, TEMPLATE_INVALID, f"模板 {rel} 不是 UTF-8 编码。", "用 UTF-8 保存模板。"))
            continue
        problem, refs = _compile(text, name, rel, lenient_names)
        if problem is not None:
            findings.append(problem)
        for ref in refs:
            referenced.setdefault(ref, set()).add(name)
    for name in overrides:
        if not _regular(package / name) and not (referenced.get(name, set()) - {name}):
            rel = _rel(root, overrides[name])
            findings.append(Finding(rel, 0, 0, TEMPLATE_UNKNOWN,
                                    f"{rel} 不会被使用：包中的主题没有名为 {name} 的模板，也没有别的覆盖模板引用它。",
                                    "检查文件名是否写错（与包中模板同名才会代替它）；不需要就删除。"))
    return findings


def _compile(text: str, name: str, rel: str, lenient: bool) -> tuple[Finding | None, set[str]]:
    import jinja2
    import jinja2.meta

    env = _environment()
    try:
        tree = env.parse(text, name, rel)
    except jinja2.TemplateSyntaxError as exc:
        return _syntax_finding(rel, exc), set()
    refs = {r for r in jinja2.meta.find_referenced_templates(tree) if r is not None}
    # The parsed tree is walked for what compiling would refuse (an unknown filter or test, a block defined twice);
    # it is never compiled: Jinja's code generator folds constant expressions as it compiles, so compiling would
    # compute {{ "a" * 300000000 }} of an unreviewed pull request (review of issue 13).
    problem = _tree_problem(tree, env, lenient)
    if problem is not None:
        line, said = problem
        return Finding(rel, line, 0, TEMPLATE_INVALID, f"模板 {rel} 第 {line} 行{said}。",
                       "改正这一行的名字（过滤器和测试见 docs/cluster-repo.md 与 Jinja 文档），或删除重复的 block。"), refs
    return None, refs


def _tree_problem(tree: jinja2.nodes.Template, env: jinja2.Environment, lenient: bool) -> tuple[int, str] | None:
    """(line, message) of the first thing Jinja's compiler would refuse in ``tree``, found without compiling."""
    from jinja2 import nodes

    problems: list[tuple[int, str]] = []
    if not lenient:  # (a cluster with plugins of its own may add filters and tests)
        problems += [(n.lineno, f"用了不存在的过滤器 {n.name}") for n in tree.find_all(nodes.Filter)
                     if n.name not in env.filters]
        problems += [(n.lineno, f"用了不存在的测试 {n.name}") for n in tree.find_all(nodes.Test)
                     if n.name not in env.tests]
    seen: set[str] = set()
    for block in tree.find_all(nodes.Block):
        if block.name in seen:
            problems.append((block.lineno, f"重复定义了 block {block.name}"))
        seen.add(block.name)
    return min(problems) if problems else None


# Jinja's syntax errors as an editor of the theme can act on them (its own words only for an unknown one).
_JINJA_PROBLEMS: tuple[tuple[str, str], ...] = (
    (r"Expected an expression, got", "标记里缺少内容（如 {% if %} 没有写条件）"),
    (r"Unexpected end of template.*?'(end\w+)'", r"模板结束时还缺少 {% \1 %}"),
    (r"Encountered unknown tag '(end\w+)'", r"多了一个 {% \1 %}，前面没有与它对应的开始标记"),
    (r"Encountered unknown tag '([^']+)'", r"没有名为 \1 的标记"),
    (r"unexpected char", "有没有闭合的引号"),
    (r"unexpected '\}'|expected token 'end of print statement'", "{{ }} 没有成对"),
    (r"expected token 'name'", "| 后面缺少过滤器的名字"),
    (r"unexpected 'end of statement block'", "标记里缺少内容（如 {% include %} 没有写模板名）"),
)


def _jinja_problem(message: str) -> str:
    for pattern, said in _JINJA_PROBLEMS:
        found = re.search(pattern, message, re.S)
        if found:
            return found.expand(said)
    return f"写法不对（Jinja：{message}）"


def _syntax_finding(rel: str, exc: jinja2.TemplateSyntaxError) -> Finding:
    problem = _jinja_problem(exc.message or "")
    return Finding(rel, exc.lineno or 0, 0, TEMPLATE_INVALID, f"模板 {rel} 第 {exc.lineno} 行有 Jinja 语法错误：{problem}。",
                   "按这一行改正模板（常见：{% if %} 缺少条件，{% for %}、{% if %}、{% block %} 没有对应的结束标记）。")


@functools.lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    """A Jinja environment set up as Pelican's generators set up the build's (pelican_run.settings_for):
    the same environment options, filters and tests; no loader (nothing is rendered)."""
    import jinja2
    from pelican.settings import read_settings

    settings = read_settings(str(defaults.path("pelicanconf.py")))
    env = jinja2.Environment(**{**settings.get("JINJA_ENVIRONMENT", {}), "autoescape": True})
    env.filters["strftime"] = lambda value, fmt: value  # Pelican's DateFormatter (the name is what compiling needs)
    env.filters.update(settings.get("JINJA_FILTERS", {}))
    env.globals.update(settings.get("JINJA_GLOBALS", {}))
    env.tests["plugin_enabled"] = lambda name: False
    env.tests.update(settings.get("JINJA_TESTS", {}))
    return env
