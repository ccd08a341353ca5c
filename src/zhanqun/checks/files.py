"""What may be in the folders a build reads (R4.11): regular files only, never a link; in a column folder only
Markdown, the attachment types of R2.8 and images; SVG images without active content.

Git stores a symlink as a blob holding the target path, and the sign-off and audit judge that path and blob;
a checkout turns it into a link, and anything that followed it would publish a file from outside the
repository (a runner's credentials, ``.git/config``) or from a folder nobody reviews (``docs/``). So the whole
pipeline takes one rule: a link (or a FIFO, a device, a socket) anywhere the build reads is an error here, the
walks never descend into one, and every read refuses one (:func:`read_regular`).
"""

from __future__ import annotations

import errno
import importlib.machinery
import os
import re
import stat
from collections.abc import Callable, Collection, Iterator
from pathlib import Path

from zhanqun.findings import SURROGATE, Finding, Severity, define, shown

LINK = define(
    "C011", "symlink", Severity.ERROR, "站群仓库中不允许符号链接（或管道、设备等特殊文件）。",
    why="符号链接在审核时只显示为一行路径，构建时却会读出它指向的文件：可能是服务器上的密钥、.git/config，或没人审核的"
        "docs/ 下的文件。content/ 和构建读取的目录（schemas/、themes/、plugins/、rules/）里只能有普通文件。",
    example="content/fgw/tzgg/fujian.pdf -> /home/runner/.ssh/id_rsa",
    fix="删除链接（git rm 链接路径），把真实文件复制到这个位置再提交。",
    requirement="R4.11",
)
UNPUBLISHED_TYPE = define(
    "C012", "file-type-not-published", Severity.ERROR, "栏目目录中有不能发布的文件类型。",
    why="栏目目录里的文件会原样发布在政府网站的域名下；.html 页面、.js 脚本、.svgz、可执行文件和压缩包在政府网站的"
        "源下可以运行脚本或夹带病毒。只能发布 R2.8 的附件格式和图片。",
    example="content/fgw/tzgg/attachments/baoming.html",
    fix="附件转为 PDF、OFD、DOC(X)、XLS(X)、WPS 后再上传；网页内容写成 Markdown 条目；图片用 PNG、JPG、GIF、WebP、SVG。",
    requirement="R2.8, R4.11",
)
COMPILED = define(
    "C021", "compiled-code", Severity.ERROR, "站群仓库中不允许编译过的代码（.pyc、.pyo、.so、.pyd 或 __pycache__ 中的文件）。",
    why="Python 会执行字节码和扩展模块，审核的人却读不了它们：plugins/ 下的 sneaky.pyc 写进 build.plugins 就会在构建时运行。"
        "插件和主题只能以源代码提交，由电子政务办审核。content/、plugins/、themes/ 等构建输入之外，git 没有跟踪、"
        "又被 .gitignore 忽略的文件（Python 自己在源代码目录写的 __pycache__/）来自这台机器，不随提交进来，不报。",
    example="plugins/sneaky.pyc（用 py_compile 生成），或 plugins/__pycache__/county_banner.cpython-311.pyc",
    fix="删除这个文件（git rm），只提交 .py 源文件；.gitignore 中写上 __pycache__/ 和 *.pyc。",
    requirement="R4.11, R11.1",
)
ACTIVE_SVG = define(
    "H005", "svg-active-content", Severity.ERROR, "SVG 图片中含有脚本、事件属性、嵌入内容或外部引用。",
    why="SVG 是可以运行脚本的文档：直接打开时它在政府网站的源下运行，可被用来挂马、钓鱼或篡改页面。",
    example='<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    fix="用绘图软件导出为“纯 SVG”（不含脚本），或改用 PNG。",
    requirement="R3.9, R4.8, R4.11",
)
NAME_NOT_UTF8 = define(
    "F008", "file-name-not-utf8", Severity.ERROR, "文件名或目录名不是 UTF-8 编码。",
    why="仓库中的文件名按 UTF-8 解读，并原样成为网址和 git 记录中的路径。用 GBK 编码打包的 zip 在服务器（Linux）上解压后，"
        "中文文件名会变成无法识别的字节：网址打不开，git 和审核页面里显示为乱码，审核人看不出是哪个文件。",
    example="content/xzf/tzgg/\\xd6\\xd0\\xce\\xc4.md（Windows 上打包的“中文.md”，在 Linux 上解压后的名称）",
    fix="给文件（或目录）重新起名：在文件管理器中改名，或 git mv 旧名 新名，只用中文、字母、数字、- 和 _；"
        "解压 Windows 打的 zip 时用 unzip -O GBK 文件.zip，中文名就不会变成乱码。",
    requirement="R2",
)

# R2.8's attachment formats (with .et, WPS's spreadsheet, and .csv/.txt for data tables: served as text with
# nosniff, they cannot run) and images. Rule data in code on purpose: a cluster must not be able to add .html.
ATTACHMENT_TYPES = frozenset({".pdf", ".doc", ".docx", ".xls", ".xlsx", ".wps", ".et", ".ofd", ".csv", ".txt"})
IMAGE_TYPES = frozenset({".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp"})
PUBLISHED_TYPES = ATTACHMENT_TYPES | IMAGE_TYPES
ITEM_SUFFIX = ".md"
# Folders outside content/ whose files reach a site or decide how it is built.
BUILD_INPUTS = ("schemas", "themes", "plugins", "rules", "pelicanconf.py")
# Files a folder may hold without being content: git's placeholder for an empty folder.
PLACEHOLDERS = frozenset({".gitkeep"})

_NOT_UTF8 = "名称不是 UTF-8"  # the "kind" _walk gives an entry whose name is not UTF-8 (not descended into)


def undecodable(name: str) -> bool:
    """Whether a name from the file system was not UTF-8: Python keeps such bytes as lone surrogates
    (``surrogateescape``), which no encoder accepts: every print, JSON dump and hash of it would fail."""
    return SURROGATE.search(name) is not None


def name_finding(rel: str, name: str) -> Finding:
    """F008 for the entry ``rel`` whose own name ``name`` is not UTF-8, with its GBK reading when it has one."""
    guess = ""
    try:
        reading = name.encode("utf-8", "surrogateescape").decode("gb18030")
        if reading.isprintable():
            guess = f"（按 GBK 解读是“{reading}”）"
    except UnicodeError:
        pass
    return Finding(rel, 0, 0, NAME_NOT_UTF8, f"名称“{shown(name)}”不是 UTF-8 编码{guess}，无法发布，也无法在审核中看清。",
                   "给它重新起名（git mv 旧名 新名，或在文件管理器中改名），只用中文、字母、数字、- 和 _；"
                   "Windows 上打包的 zip 请用 unzip -O GBK 解压。")


_LINK_HINT = "删除链接（git rm），把真实文件放在这里再提交；构建从不读取链接指向的内容。"


def kind_of(mode: int) -> str:
    """'' for a regular file or folder, else what the entry is, in Chinese."""
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return ""
    if stat.S_ISLNK(mode):
        return "符号链接"
    if stat.S_ISFIFO(mode):
        return "命名管道"
    if stat.S_ISSOCK(mode):
        return "套接字"
    return "设备文件"


def scan_tree(root: Path, columns: dict[str, set[str]], about: Collection[str] | None = None) -> list[Finding]:
    """C011 for every link or special file under content/ and the build inputs; C012 for files of a column
    folder that are not published types (reading no file: the tree's entries carry their types). ``columns`` maps unit id -> declared column ids.

    Hidden entries under content/ are walked too (a link is refused wherever it is); hidden files themselves are
    never published, so only their links are findings.

    ``about`` (pre-commit): only the findings about these paths and the folders holding them are wanted, so only
    those entries are looked at, each as the whole walk would see it (a finding is about its entry alone):
    the walk of a 10,000-item tree is most of a 10-file check's own work otherwise (issue 16, R4.9)."""
    from zhanqun import defaults

    on_path = _on_path(about)
    findings: list[Finding] = []
    # zhanqun's own checkout (the demo county) holds the package's plugins, and Python's caches beside them
    own_code = defaults.checkout() is not None and defaults.same(root, defaults.checkout() or root)
    for rel in ("content", *BUILD_INPUTS):
        path = root / rel
        if not on_path(rel):
            continue
        try:
            mode = os.lstat(path).st_mode
        except FileNotFoundError:
            continue
        if kind_of(mode):
            findings.append(_link_finding(rel, kind_of(mode), path))
        elif stat.S_ISDIR(mode):
            for entry, entry_rel, kind in _walk(path, rel, on_path):
                if kind == _NOT_UTF8:
                    findings.append(name_finding(entry_rel, entry.name))
                elif kind:
                    findings.append(_link_finding(entry_rel, kind, Path(entry.path)))
                elif is_compiled(entry_rel) and not own_code:
                    findings.append(compiled_finding(entry_rel))
                elif rel == "content":
                    findings += _content_file(entry, entry_rel, columns)
        elif is_compiled(rel) and not own_code:
            findings.append(compiled_finding(rel))
    if not own_code:
        findings += _compiled_elsewhere(root, on_path)
    return findings


def _on_path(about: Collection[str] | None) -> Callable[[str], bool]:
    """Whether a path is one of ``about`` or a folder holding one of them (always, without ``about``)."""
    if about is None:
        return lambda rel: True
    wanted = set(about)
    for rel in about:
        parts = rel.split("/")
        wanted.update("/".join(parts[:i]) for i in range(1, len(parts)))
    return wanted.__contains__


# What Python imports besides source: bytecode and extension modules (importlib's own lists, and the other
# platforms' names), and whatever lies in a __pycache__ folder.
COMPILED_SUFFIXES = frozenset({".pyc", ".pyo", ".so", ".pyd", *importlib.machinery.BYTECODE_SUFFIXES,
                               *importlib.machinery.EXTENSION_SUFFIXES})


_COMPILED_ENDINGS = tuple(sorted(COMPILED_SUFFIXES))


def is_compiled(rel: str) -> bool:
    """Whether the file ``rel`` is code a reviewer cannot read (bytecode, an extension module, a cache entry)."""
    if rel.lower().endswith(_COMPILED_ENDINGS):  # one call per file of the repository's walk (C021)
        return True
    return "__pycache__" in rel and "__pycache__" in rel.split("/")[:-1]


def compiled_finding(rel: str) -> Finding:
    return Finding(rel, 0, 0, COMPILED, f"{rel} 是编译过的代码（字节码或扩展模块），审核时无法阅读，不能放在站群仓库中。",
                   "git rm 这个文件，只提交 .py 源文件；.gitignore 中写上 __pycache__/ 和 *.pyc。")


def _compiled_elsewhere(root: Path, on_path: Callable[[str], bool]) -> list[Finding]:
    """C021 for compiled code in the rest of the repository, where a module could be imported from when Python
    runs with the repository on its path (``python -m zhanqun`` in its root): files at the top and every folder
    whose name can be a package (an identifier), never a hidden folder, a virtualenv or the build output."""
    skip = {"content", "output", *BUILD_INPUTS}
    findings: list[Finding] = []
    stack = [(str(root), "")]
    while stack:
        folder, folder_rel = stack.pop()
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            continue
        for entry in entries:
            entry_rel = f"{folder_rel}/{entry.name}" if folder_rel else entry.name
            if not on_path(entry_rel):
                continue
            if entry.is_symlink():
                continue  # a link outside the build inputs is not the build's (and never followed)
            if entry.is_dir(follow_symlinks=False):
                if (not folder_rel and entry.name in skip) or not (entry.name.isidentifier() or entry.name == "__pycache__"):
                    continue
                if os.path.exists(os.path.join(entry.path, "pyvenv.cfg")):
                    continue
                stack.append((entry.path, entry_rel))
            elif entry.is_file(follow_symlinks=False) and is_compiled(entry_rel):
                findings.append(compiled_finding(entry_rel))
    ignored = _ignored_untracked(root, [f.path for f in findings]) if findings else set()
    return [f for f in findings if f.path not in ignored]


def _ignored_untracked(root: Path, rels: list[str]) -> set[str]:
    """Of ``rels``, the files git neither tracks nor would add (.gitignore): Python's own bytecode cache of the
    sources a checkout runs (``src/zhanqun/__pycache__`` once zhanqun imported itself from an editable install,
    which made ``scripts/demo.sh`` refuse its own build), never something a commit or pull request brings. A
    committed ``__pycache__``, or one ``git add .`` would commit, is still C021; outside git every file counts."""
    if not (root / ".git").exists():
        return set()
    from zhanqun import gitio

    found: set[str] = set()
    try:
        for start in range(0, len(rels), 500):
            out = gitio.ok(root, "ls-files", "-z", "--others", "--ignored", "--exclude-standard", "--",
                           *rels[start: start + 500])
            if out is None:
                return set()
            found.update(out.decode("utf-8", "surrogateescape").split("\0")[:-1])
    except gitio.GitError:
        return set()
    return found


def _walk(top: Path, rel: str, on_path: Callable[[str], bool] = lambda rel: True,
          ) -> Iterator[tuple[os.DirEntry[str], str, str]]:
    """(entry, relative path, kind) for every file below ``top`` and every link or special entry; never into a
    link. One scandir per folder: DirEntry carries the type, so no extra stat per file. ``on_path``: the entries
    wanted (and the folders walked into)."""
    stack = [(str(top), rel)]
    while stack:
        folder, folder_rel = stack.pop()
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            continue
        for entry in entries:
            entry_rel = f"{folder_rel}/{entry.name}"
            if not on_path(entry_rel):
                continue
            if undecodable(entry.name):
                yield entry, entry_rel, _NOT_UTF8  # F008; nothing below it is read
            elif entry.is_symlink():
                yield entry, entry_rel, "符号链接"
            elif entry.is_dir(follow_symlinks=False):
                stack.append((entry.path, entry_rel))  # __pycache__ too: the build would read it
            elif entry.is_file(follow_symlinks=False):
                yield entry, entry_rel, ""
            else:
                yield entry, entry_rel, kind_of(entry.stat(follow_symlinks=False).st_mode)


def link_finding(rel: str, path: Path) -> Finding:
    """C011 for ``path`` (a link or a special file)."""
    try:
        kind = kind_of(os.lstat(path).st_mode) or "特殊文件"
    except OSError:
        kind = "特殊文件"
    return _link_finding(rel, kind, path)


def _link_finding(rel: str, kind: str, path: Path) -> Finding:
    target = ""
    if kind == "符号链接":
        try:
            target = f"（指向 {os.readlink(path)}）"
        except OSError:
            pass
    return Finding(rel, 0, 0, LINK, f"{rel} 是{kind}{target}，不能放在站群仓库中。", _LINK_HINT)


def _content_file(entry: os.DirEntry[str], rel: str, columns: dict[str, set[str]]) -> list[Finding]:
    parts = rel.split("/")
    if len(parts) < 4 or parts[2] not in columns.get(parts[1], ()):
        return []  # not in a column folder: never published (structure rules speak about stray items)
    if any(p.startswith(".") for p in parts[3:]):
        return []  # hidden: never published
    suffix = os.path.splitext(entry.name)[1].lower()
    if suffix == ITEM_SUFFIX:
        return []
    if suffix not in PUBLISHED_TYPES:
        shown = suffix or "（无扩展名）"
        return [Finding(rel, 0, 0, UNPUBLISHED_TYPE, f"{rel} 的类型 {shown} 不能在网站上发布。",
                        "可以发布的类型：" + "、".join(sorted(PUBLISHED_TYPES)) + "；网页内容请写成 Markdown 条目。")]
    return []  # (an SVG's content is looked at with the attachments: attachments.scan, cached by its bytes)


def refuse_link(path: Path, rel: str) -> None:
    """Raise a usage error if a platform file the checks themselves read (a schema, rule data) is a link."""
    if path.is_symlink() or (path.exists() and not (path.is_file() or path.is_dir())):
        from zhanqun.errors import UsageError

        raise UsageError(f"{rel} 是符号链接或特殊文件（C011），zhanqun 不会读取它。", hint=_LINK_HINT)


def read_regular(path: Path, limit: int | None = None) -> bytes:
    """The bytes of a regular file, never through a link (``O_NOFOLLOW``) and never from a FIFO or a device
    (which would block or never end). Raises ``OSError`` (``ELOOP`` for a link) otherwise."""
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise OSError(errno.EINVAL, "not a regular file", str(path))
        with os.fdopen(fd, "rb", closefd=False) as handle:
            return handle.read() if limit is None else handle.read(limit)
    finally:
        os.close(fd)


def is_regular(root: Path, rel: str) -> bool:
    """Whether ``root/rel`` is a regular file reached without passing through any link (every component is
    looked at: a link to a folder in the middle of the path counts)."""
    path = root
    parts = rel.split("/")
    for index, part in enumerate(parts):
        path = path / part
        try:
            mode = os.lstat(path).st_mode
        except OSError:
            return False
        if stat.S_ISLNK(mode) or (index < len(parts) - 1 and not stat.S_ISDIR(mode)):
            return False
    return stat.S_ISREG(mode)


# --- SVG -----------------------------------------------------------------------------------------------------

_SVG_ACTIVE_TAGS = {"script", "foreignobject", "iframe", "embed", "object", "handler", "listener", "animation",
                    "audio", "video", "set", "animate"}
_SVG_URL_ATTRS = {"href", "src", "srcset", "action", "formaction"}
# Documents of other kinds inside an SVG: XHTML (meta refresh, forms, images) and XSLT (which can build scripts).
_FOREIGN_NAMESPACES = ("http://www.w3.org/1999/xhtml", "http://www.w3.org/1999/xsl/transform")  # (animate and set, which rewrite attributes, are refused as tags)
MAX_SVG_BYTES = 2 * 1024 * 1024


def svg_findings(path: Path, rel: str) -> Iterator[Finding]:
    """H005 for an SVG with scripts, event attributes, embedded HTML, animation that can rewrite links, or any
    reference to another document (only ``#fragment`` references inside the file are allowed)."""
    from defusedxml import ElementTree
    from defusedxml.common import DefusedXmlException

    try:
        data = read_regular(path, MAX_SVG_BYTES + 1)
    except OSError:
        return  # C011 speaks about links; an unreadable file fails the build's copy, loudly
    hint = "用绘图软件导出为不含脚本的纯 SVG，或改用 PNG。"
    if len(data) > MAX_SVG_BYTES:
        yield Finding(rel, 0, 0, ACTIVE_SVG, f"{rel} 超过 2 MB，无法确认其中没有脚本。", "改用 PNG 或 JPG。")
        return
    try:
        tree = ElementTree.fromstring(data)
    except (ElementTree.ParseError, DefusedXmlException, ValueError) as exc:
        yield Finding(rel, 0, 0, ACTIVE_SVG, f"{rel} 不是有效的 SVG（{type(exc).__name__}），无法确认其中没有脚本。", hint)
        return
    if re.search(rb"<\?xml-stylesheet", data, re.IGNORECASE):
        yield Finding(rel, 0, 0, ACTIVE_SVG, f"{rel} 用 <?xml-stylesheet?> 引入了样式表或转换。", hint)
    for element in tree.iter():
        raw_tag = element.tag if isinstance(element.tag, str) else ""
        tag = raw_tag.rsplit("}", 1)[-1].lower()
        namespace = raw_tag[1:].split("}", 1)[0].lower() if raw_tag.startswith("{") else ""
        if tag in _SVG_ACTIVE_TAGS or namespace in _FOREIGN_NAMESPACES:
            yield Finding(rel, 0, 0, ACTIVE_SVG, f"{rel} 含有 <{tag}> 元素。", hint)
        for name, value in element.attrib.items():
            local = name.rsplit("}", 1)[-1].lower()
            if local.startswith("on"):
                yield Finding(rel, 0, 0, ACTIVE_SVG, f"{rel} 的 <{tag}> 带有事件属性 {local}=。", hint)
            elif local in _SVG_URL_ATTRS and not _internal(value, tag):
                yield Finding(rel, 0, 0, ACTIVE_SVG, f"{rel} 的 <{tag}> 引用了外部内容（{local}=）。", hint)
            elif _external_css(value, local == "style"):  # style=, and presentation attributes: fill=, filter=, mask=, cursor= …
                yield Finding(rel, 0, 0, ACTIVE_SVG, f"{rel} 的 <{tag}> 在 {local}= 中引用了外部内容。", hint)
        if tag == "style" and _external_css("".join(element.itertext()), True):
            yield Finding(rel, 0, 0, ACTIVE_SVG, f"{rel} 的 <style> 引用了外部内容。", hint)


_RASTER_DATA = re.compile(r"data:image/(png|jpeg|gif|webp);base64,", re.IGNORECASE)
_CSS_URL = re.compile(r"url\(\s*['\"]?\s*([^)'\"]*)", re.IGNORECASE)


def _internal(value: str, tag: str) -> bool:
    """A reference inside the file (``#id``), or an embedded raster image in an <image>: nothing to run."""
    value = "".join(value.split())
    return value.startswith("#") or (tag == "image" and bool(_RASTER_DATA.match(value)))


def _external_css(css: str, stylesheet: bool = False) -> bool:
    """Whether CSS (or an attribute value) can load something: url() outside the file, @import, expression(),
    or a CSS escape (u\\72l(, @\\69mport: a plain drawing has no reason to write one)."""
    lowered = css.lower()
    return (stylesheet and "\\" in css) or "@import" in lowered or "expression(" in lowered or any(
        not target.strip().startswith("#") for target in _CSS_URL.findall(css))


