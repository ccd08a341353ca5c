"""Reading editors' files: encoding, line endings, front matter and YAML, with findings that say where.

Parsing first tries a fast path: PyYAML's C parser (libyaml) composes the nodes, resolved with exactly the
YAML 1.2 rules of ruamel.yaml's safe loader, and a small builder makes plain values (issue 16). Whatever
that path cannot decide identically (an error, an anchor, a tag, a directive, a merge key, a duplicate key,
a flow collection libyaml 0.2 reads where ruamel's bundled libyaml 0.1 refuses it) goes to ruamel.yaml's
C-backed safe loader, the reference, which also words every finding. The round-trip loader (which knows line
numbers) runs only when a finding needs a line. Timestamps stay strings: dates are checked by
:mod:`zhanqun.content`, so ``2025/3/5`` and ``2025-02-30`` get messages an editor understands.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import Any

import yaml as pyyaml  # type: ignore[import-untyped]
from ruamel.yaml import YAML
from ruamel.yaml.constructor import ConstructorError, DuplicateKeyError, RoundTripConstructor, SafeConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import CollectionEndEvent, CollectionStartEvent
from ruamel.yaml.resolver import implicit_resolvers as _RUAMEL_IMPLICIT
from yaml._yaml import CParser as _PyCParser  # type: ignore[import-untyped]

from zhanqun.findings import Finding, Severity, define

# A 50 MB "Markdown file" is a mistake (a pasted scan, a database dump), not an article.
MAX_FILE_BYTES = 5 * 1024 * 1024
# Front matter needs 3 levels (attachments: - file: …), the deepest config 4. Thousands of levels are an attack
# or an accident, and every recursive reader after the parser (validators, messages) would overflow on them.
MAX_DEPTH = 20

NOT_UTF8 = define(
    "F001", "not-utf8", Severity.ERROR, "文件不是 UTF-8 编码。",
    why="站群所有文本文件统一用 UTF-8 编码；GBK 等编码的文件在网页上会变成乱码。",
    example="用记事本“另存为”时选择了 ANSI/GBK 编码。",
    fix="用编辑器把文件另存为“UTF-8（无 BOM）”编码后重新提交。",
    requirement="R2",
)
BOM = define(
    "F002", "utf8-bom", Severity.ERROR, "文件开头带有 BOM（字节顺序标记）。",
    why="BOM 是不可见字符，会让头信息的第一行无法识别。",
    example="\\ufeff---\ntitle: 关于……的通知\n---\n（第一行开头的 \\ufeff 是看不见的 BOM：Windows 记事本保存的“UTF-8”文件默认带它）",
    fix="另存为“UTF-8（无 BOM）”。",
    requirement="R2",
)
CRLF = define(
    "F003", "crlf-line-endings", Severity.ERROR, "文件使用 Windows 换行（CRLF）。",
    why="仓库统一使用 LF 换行，混用换行会让每次修改都显示为整篇改动，审核人无法看清改了什么。",
    example="---\\r\ntitle: 关于……的通知\\r\n---\\r\n（在 Windows 上编辑后提交，每行末尾带有 \\r）",
    fix="在编辑器右下角把换行符改为 LF 后保存；或执行 git config core.autocrlf input。",
    requirement="R2",
)
BINARY = define(
    "F004", "binary-file", Severity.ERROR, "这不是文本文件，却使用了 .md 或 .yaml 扩展名。",
    why="二进制文件（图片、Word、压缩包）不能当作文章发布。",
    example="content/fgw/tzgg/通知.md:\nPK\\x03\\x04\\x14\\x00\\x06\\x00\\x08\\x00\\x00\\x00!\\x00……（把 Word 文档改名为 通知.md）",
    fix="正文请写成 Markdown 文本；Word、PDF 等文件作为附件放在 attachments/ 目录并在头信息 attachments 中列出。",
    requirement="R2",
)
TOO_LARGE = define(
    "F005", "file-too-large", Severity.ERROR, "文件过大。",
    why="单个条目超过 5 MB 多半是误粘贴了扫描件或数据，且会拖慢整个站群的构建。",
    example="一个 50 MB 的 .md 文件。",
    fix="正文只保留文字；大文件作为附件上传，或拆分为多篇。",
    requirement="R2",
)
NO_FRONT_MATTER = define(
    "F006", "missing-front-matter", Severity.ERROR, "条目缺少头信息。",
    why="每篇条目开头必须有 --- 包围的头信息（标题、日期等），否则无法发布。",
    example="title: 关于……的通知\ndate: 2026-03-05\n正文……（第一行不是 ---，头信息没有用 --- 包围）",
    fix="在文件第一行写 ---，写完头信息后再写一行 ---，再写正文。可以用 zhanqun new 生成模板。",
    requirement="R2",
)
CONTROL_CHARACTER = define(
    "F007", "control-character", Severity.ERROR, "文件中有不可见的控制字符。",
    why="控制字符（如 ESC、退格、响铃）在网页上看不见，却会改变终端和日志的显示，还可能藏起审核人看不到的内容；"
        "审核时看到的文字必须就是发布的文字，因此不替换、直接报错。",
    example="从某些系统复制的文字里带有 ESC（\\x1b）或 \\x08 等字符。",
    fix="删除所指位置的不可见字符（可在编辑器中打开“显示不可见字符”），或重新输入该段文字。",
    requirement="R2, R4.1",
)
YAML_SYNTAX = define(
    "Y001", "yaml-syntax", Severity.ERROR, "YAML 格式错误。",
    why="头信息和配置文件用 YAML 书写，格式错误时无法读取。",
    example="title:关于……（冒号后缺少空格）",
    fix="检查所指行：英文冒号后要有一个空格，引号要成对，同一层级缩进要对齐。",
    requirement="R2, R4.1",
)
YAML_TAB = define(
    "Y002", "yaml-tab-indent", Severity.ERROR, "YAML 缩进中使用了 Tab 字符。",
    why="YAML 只允许用空格缩进，Tab 会导致整个头信息无法读取。",
    example="attachments:\n<Tab>- file: a.pdf",
    fix="把行首的 Tab 换成两个空格。",
    requirement="R2",
)
YAML_FULLWIDTH_COLON = define(
    "Y003", "yaml-fullwidth-colon", Severity.ERROR, "键名后使用了中文全角冒号“：”。",
    why="YAML 只认英文半角冒号，“标题：……”会被当成一段文字而不是键值。",
    example="标题：关于做好春耕生产工作的通知",
    fix="把“：”改成英文冒号加空格“: ”，例如 标题: 关于……",
    requirement="R2",
)
YAML_DUPLICATE_KEY = define(
    "Y004", "yaml-duplicate-key", Severity.ERROR, "同一个键写了两次。",
    why="重复的键只有一个会生效，发布的内容可能不是审核时看到的内容。",
    example="date: 2026-03-01\ntitle: 关于……的通知\ndate: 2026-03-05",
    fix="删除多余的一行，只保留正确的值。",
    requirement="R2",
)
YAML_ALIAS = define(
    "Y005", "yaml-anchor", Severity.ERROR, "不允许使用 YAML 锚点（&）和别名（*）。",
    why="锚点可以被用来构造“YAML 炸弹”，一小段文字展开后耗尽内存；头信息和配置也不需要它。",
    example="a: &x [1, 2]\nb: [*x, *x, *x]",
    fix="把别名处直接写成完整的值。",
    requirement="R2, R4.1",
)
YAML_NOT_MAPPING = define(
    "Y006", "yaml-not-mapping", Severity.ERROR, "头信息或配置必须是“键: 值”的形式。",
    why="文件顶层必须是一组键值。",
    example="---\n- title: 关于……的通知      # 头信息写成了列表\n- date: 2026-03-05\n---\n正文……",
    fix="每行写成 键: 值，例如 title: 关于……的通知。",
    requirement="R2, R4.1",
)
YAML_TOO_DEEP = define(
    "Y007", "yaml-too-deep", Severity.ERROR, f"YAML 嵌套层数过多（超过 {MAX_DEPTH} 层）。",
    why="头信息和配置最多只需要三四层嵌套；成千上万层的嵌套会让读取程序崩溃，多半是误粘贴或恶意构造。",
    example="tags: [[[[[[[[[[[[[[[[[[[[[[乡村振兴]]]]]]]]]]]]]]]]]]]]]]",
    fix="检查所指行附近的方括号 [ ]、花括号 { } 和缩进，把值改成普通的列表或文字。",
    requirement="R2, R4.1",
)


class TagError(ConstructorError):
    """A value YAML would build as something other than text, a number, a list or a mapping: ``!!binary``
    (bytes), ``!!set``, ``!!omap``, ``!!pairs``, or a tag nobody defined (``!foo``, ``!!python/…``). Front
    matter, configs and rule data hold none of these; every reader after the parser (schemas, JSON, caches)
    would fail on them."""

    def __init__(self, node: Any) -> None:
        super().__init__(None, None, f"unsupported tag {node.tag}", node.start_mark)
        self.tag = str(node.tag).replace("tag:yaml.org,2002:", "!!")


def _refuse_tag(self: Any, node: Any) -> None:
    raise TagError(node)


class _Constructor(SafeConstructor):
    """Safe constructor that keeps timestamps as strings and builds only plain values (TagError)."""


class _RoundTripConstructor(RoundTripConstructor):
    pass


for _cls in (_Constructor, _RoundTripConstructor):
    _cls.add_constructor("tag:yaml.org,2002:timestamp", _cls.construct_yaml_str)
for _tag in ("binary", "set", "omap", "pairs"):
    _Constructor.add_constructor(f"tag:yaml.org,2002:{_tag}", _refuse_tag)
_Constructor.add_constructor(None, _refuse_tag)


def _fast_loader() -> YAML:
    loader = YAML(typ="safe")
    loader.Constructor = _Constructor
    return loader


def _rt_loader() -> YAML:
    loader = YAML(typ="rt")
    loader.Constructor = _RoundTripConstructor
    return loader


_FAST = _fast_loader()

# The fast path (issue 16). ruamel's safe loader resolves plain scalars by YAML 1.2 (``yes``, ``on``, ``1:30``
# stay text, ``010`` is 10, ``1e3`` a number); PyYAML's loaders use YAML 1.1. The C parser below is given
# ruamel's own 1.2 table, in ruamel's order, so each plain scalar gets the tag ruamel would give it.
_TAG = "tag:yaml.org,2002:"
_RESOLVERS: dict[str, list[tuple[str, Any]]] = {}
for _versions, _tag_name, _regexp, _firsts in _RUAMEL_IMPLICIT:
    if (1, 2) in _versions:
        for _first in _firsts:
            _RESOLVERS.setdefault(_first, []).append((_tag_name, _regexp))


_UNDECIDED = object()


class _Undecided(Exception):
    """The fast path cannot promise ruamel's answer: the reference loader decides."""


class _CParser(_PyCParser, pyyaml.resolver.BaseResolver):  # type: ignore[misc]  # an untyped C extension
    def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
        if kind is pyyaml.ScalarNode:
            if implicit[0]:
                for tag, regexp in _RESOLVERS.get(value[:1], ()):
                    if regexp.match(value):
                        return str(tag)
            return _TAG + "str"
        return _TAG + ("seq" if kind is pyyaml.SequenceNode else "map")


_BOOLS = SafeConstructor.bool_values
# Where PyYAML's libyaml (0.2) and ruamel's bundled one (0.1.7) read text differently: "[http://x]", "{a:b}",
# "[a?b]" are lists and mappings to the first, errors to the second. A flow collection with a ":" not followed
# by a space or a "?" after its opening bracket, or one that goes on to the next line, is left to the reference.
_FLOW_RE = re.compile(r"[\[{][^\n]*(?::(?! )|\?)")
# Anchors, aliases, tags and "%" directives change what the nodes mean (and guard against YAML bombs in the
# prescan): any of them sends the text to the reference.
_UNDECIDED_RE = re.compile(r"[&*!]|^%", re.MULTILINE)


def _fast_load(text: str) -> Any:
    """The value ruamel's safe loader with :class:`_Constructor` gives for ``text``, or :class:`_Undecided`."""
    if _UNDECIDED_RE.search(text):
        raise _Undecided
    if "[" in text or "{" in text:
        if _FLOW_RE.search(text):
            raise _Undecided
        for line in text.split("\n"):
            if line.count("[") != line.count("]") or line.count("{") != line.count("}"):
                raise _Undecided
    parser = _CParser(text)
    try:
        node = parser.get_single_node()
    except pyyaml.YAMLError:
        raise _Undecided from None
    finally:
        parser.dispose()
    return None if node is None else _build(node)


def _build(node: Any) -> Any:
    """Plain values from composed nodes, as ruamel's SafeConstructor under YAML 1.2 with timestamps as text."""
    tag = node.tag
    if tag == _TAG + "str" or tag == _TAG + "timestamp":
        return node.value
    if tag == _TAG + "map":
        mapping: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, pyyaml.ScalarNode) or key_node.tag in (_TAG + "merge", _TAG + "value"):
                raise _Undecided  # "? [a]" keys become tuples, "<<" merges, "=" is a value key in ruamel
            key = _build(key_node)
            if key in mapping or (isinstance(key, float) and key != key):
                raise _Undecided  # a duplicate key: ruamel reports it
            mapping[key] = _build(value_node)
        return mapping
    if tag == _TAG + "seq":
        return [_build(child) for child in node.value]
    if tag == _TAG + "null":
        return None
    if tag == _TAG + "bool":
        return _BOOLS[node.value.lower()]
    if tag == _TAG + "int":
        return _int12(node.value)
    if tag == _TAG + "float":
        return _float12(node.value)
    raise _Undecided


def _signed(digits: str) -> tuple[int, str]:
    """A number's sign and the digits after it, as ruamel's constructors split them (undecided when nothing is left)."""
    if not digits or digits in "+-":
        raise _Undecided
    if digits[0] in "+-":
        return (-1 if digits[0] == "-" else 1), digits[1:]
    return 1, digits


def _int12(text: str) -> int:
    """ruamel's ``construct_yaml_int`` for YAML 1.2."""
    sign, digits = _signed(text.replace("_", ""))
    if digits == "0":
        return 0
    try:
        for prefix, base in (("0b", 2), ("0x", 16), ("0o", 8)):
            if digits.startswith(prefix):
                return sign * int(digits[2:], base)
        return sign * int(digits)
    except ValueError:
        raise _Undecided from None  # ruamel's message is the reference's


def _float12(text: str) -> float:
    """ruamel's ``construct_yaml_float`` for YAML 1.2."""
    sign, digits = _signed(text.replace("_", "").lower())
    if digits == ".inf":
        return sign * SafeConstructor.inf_value
    if digits == ".nan":
        return float(SafeConstructor.nan_value)
    try:
        return sign * float(digits)
    except ValueError:
        raise _Undecided from None


# An anchor or alias can only start a value: at line start, after "key: ", "- ", "[", "{" or ",".
_ANCHOR_RE = re.compile(r"(?:^\s*(?:-\s+)*|:\s+|[\[{,]\s*)([&*])[^\s\[\]{},]")
_BLOCK_SCALAR_RE = re.compile(r":\s*[|>][-+0-9]*\s*(?:#.*)?$|^\s*-\s+[|>][-+0-9]*\s*$")
# "key：value" where no ASCII "key: " precedes the full-width colon.
_FULLWIDTH_KEY_RE = re.compile(r"^(\s*(?:-\s+)?)([^\s:#'\"\-][^:：\s]{0,40})：")


@dataclasses.dataclass
class YamlDoc:
    """Parsed YAML plus what is needed to point at a line later."""

    data: dict[str, Any]
    text: str
    path: str
    first_line: int  # line number of the first YAML line in the file (1-based)
    _rt: Any = None

    def locate(self, keys: tuple[Any, ...] = ()) -> tuple[int, int]:
        """1-based (line, column) of a key path; falls back to the nearest known parent."""
        if self._rt is None:
            try:
                self._rt = _rt_loader().load(self.text)
            except (YAMLError, RecursionError):
                self._rt = {}
        node = self._rt
        line, col = self.first_line, 1
        for key in keys:
            try:
                marks = getattr(node, "lc", None)  # ruamel's line/column marks of a round-trip node
                if marks is None:
                    break
                pos = marks.item(key) if isinstance(key, int) and isinstance(node, list) else marks.key(key)
                line, col = self.first_line + pos[0], pos[1] + 1
                node = node[key]
            except (KeyError, IndexError, TypeError, AttributeError):
                break
        return line, col


def too_large(size: int, rel: str, max_bytes: int = MAX_FILE_BYTES) -> Finding | None:
    if size <= max_bytes:
        return None
    return Finding(rel, 0, 0, TOO_LARGE,
                   f"文件有 {size / 1024 / 1024:.1f} MB，超过单个文件 {max_bytes // 1024 // 1024} MB 的上限。",
                   "正文只保留文字；大文件作为附件，或拆分为多篇。")


def read_text(path: Path, rel: str, max_bytes: int = MAX_FILE_BYTES) -> tuple[str | None, list[Finding]]:
    """Read an editor's text file. Returns ``(None, findings)`` when it cannot be used at all."""
    from zhanqun.checks import files

    if path.is_symlink() or (path.exists() and not path.is_file()):
        return None, [files.link_finding(rel, path)]
    big = too_large(path.stat().st_size, rel, max_bytes)
    if big:
        return None, [big]
    return decode(files.read_regular(path), rel)


def decode(data: bytes, rel: str) -> tuple[str | None, list[Finding]]:
    """Decode UTF-8, reporting BOM, other encodings, binary content and CRLF line endings."""
    findings: list[Finding] = []
    wide = _wide_unicode(data)
    if wide:
        return None, [Finding(rel, 1, 1, NOT_UTF8, f"文件是 {wide} 编码，不是 UTF-8。",
                              "用记事本或 WPS 打开，“另存为”时编码选“UTF-8”（不要选 Unicode 或 UTF-16）。")]
    if _looks_binary(data):
        return None, [Finding(rel, 0, 0, BINARY, "这是二进制文件（如图片、Word 文档或压缩包），不是文本。",
                              "正文请写成 Markdown 文本；文档作为附件放到 attachments/ 目录。")]
    if data.startswith(b"\xef\xbb\xbf"):
        findings.append(Finding(rel, 1, 1, BOM, "文件开头带有 BOM（字节顺序标记）。", "另存为“UTF-8（无 BOM）”。"))
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        guess = ""
        try:
            data.decode("gb18030")
            guess = "（看起来是 GBK/GB18030 编码）"
        except UnicodeDecodeError:
            pass
        findings.append(Finding(rel, line, column, NOT_UTF8, f"文件不是 UTF-8 编码{guess}。",
                                "用编辑器把文件另存为“UTF-8（无 BOM）”编码后重新提交。"))
        return None, findings
    if "\r" in text:
        line = text.count("\n", 0, text.index("\r")) + 1
        findings.append(Finding(rel, line, 0, CRLF, "文件使用 Windows 换行（CRLF）。",
                                "把编辑器的换行符改为 LF 后保存，或执行 git config core.autocrlf input。"))
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text, findings + control_characters(text, rel)


# C0 controls but tab and newline (CR is F003), DEL and the C1 controls (U+0080–U+009F, CSI among them).
CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_MAX_CONTROL_FINDINGS = 5
# In a parsed value a tab or line break is text; a carriage return written as "\r" is not.
_VALUE_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def control_characters(text: str, rel: str) -> list[Finding]:
    """Control characters, at their line and column (the first few: one pasted block can hold thousands)."""
    findings: list[Finding] = []
    for match in CONTROL_RE.finditer(text):
        if match.group() == "\r":
            continue  # reported as CRLF
        line = text.count("\n", 0, match.start()) + 1
        column = match.start() - (text.rfind("\n", 0, match.start()) + 1) + 1
        findings.append(Finding(rel, line, column, CONTROL_CHARACTER,
                                f"第 {column} 个字符是不可见的控制字符 U+{ord(match.group()):04X}。",
                                "删除这个字符（在编辑器中打开“显示不可见字符”可以看到它），或重新输入这段文字。"))
        if len(findings) == _MAX_CONTROL_FINDINGS:
            return findings
    return findings + _control_references(text, rel, _MAX_CONTROL_FINDINGS - len(findings))


# "&#27;" in Markdown becomes a raw ESC in the page (HTML maps C1 references to Windows-1252 letters, not these).
_CONTROL_REFERENCE_RE = re.compile(r"&#(?:[xX]0*(?:[1-8bBcCeEfF]|1[0-9a-fA-F]|7[fF])|0*(?:[1-8]|1[124-9]|2[0-9]|3[01]|127));")


def _control_references(text: str, rel: str, room: int) -> list[Finding]:
    findings: list[Finding] = []
    for match in _CONTROL_REFERENCE_RE.finditer(text, 0) if "&#" in text else ():
        if len(findings) == room:
            break
        line = text.count("\n", 0, match.start()) + 1
        column = match.start() - (text.rfind("\n", 0, match.start()) + 1) + 1
        findings.append(Finding(rel, line, column, CONTROL_CHARACTER,
                                f"字符引用 {match.group()} 在网页上会变成不可见的控制字符。",
                                "删除这个字符引用，只写看得见的文字。"))
    return findings


_WIDE_BOMS = ((b"\xff\xfe\x00\x00", "UTF-32"), (b"\x00\x00\xfe\xff", "UTF-32"),
              (b"\xff\xfe", "UTF-16"), (b"\xfe\xff", "UTF-16"))


def _wide_unicode(data: bytes) -> str | None:
    """"UTF-16" or "UTF-32" when ``data`` is text in one of them (Windows' "Unicode"), with or without a BOM."""
    for bom, name in _WIDE_BOMS:
        if data.startswith(bom):
            return name
    head = data[:4096]
    if b"\x00" not in head:  # _plausible_text wants a NUL in its sample (a part of ``head``): none here
        return None
    for name, width, codecs in (("UTF-32", 4, ("utf-32-le", "utf-32-be")), ("UTF-16", 2, ("utf-16-le", "utf-16-be"))):
        sample = head[: len(head) - len(head) % width]
        for codec in codecs:
            if sample and _plausible_text(sample, codec):
                return name
    return None


def _plausible_text(sample: bytes, codec: str) -> bool:
    """Decodes as ``codec`` to printable text with line breaks and no NULs: ASCII in UTF-16 has a NUL every
    second byte, which no UTF-8 text has, and Chinese in UTF-16 without a BOM still has its newlines."""
    if b"\x00" not in sample and not sample.count(b"\n\x00") and not sample.count(b"\x00\n"):
        return False
    try:
        text = sample.decode(codec)
    except UnicodeDecodeError:
        return False
    if "\n" not in text and len(text) > 80:
        return False
    return bool(text) and not CONTROL_RE.search(text.replace("\r", "")) and "\x00" not in text


def _looks_binary(data: bytes) -> bool:
    head = data[:8192]
    if b"\x00" in head:
        return True
    magic = (b"%PDF", b"PK\x03\x04", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"\xd0\xcf\x11\xe0", b"Rar!", b"\x1f\x8b")
    return head.startswith(magic)


def split_front_matter(text: str, rel: str) -> tuple[str, str, int] | Finding:
    """Split ``---`` front matter from the body: ``(yaml, body, body_first_line)``."""
    if not text.startswith("---\n") and text.rstrip("\n") != "---":
        return Finding(rel, 1, 1, NO_FRONT_MATTER, "文件第一行必须是 ---，后面是头信息。",
                       "用 zhanqun new 生成带头信息的新条目，或参照同栏目其他文件补上头信息。")
    end = re.search(r"^(?:---|\.\.\.)[ \t]*$", text[4:], re.MULTILINE)
    if end is None:
        return Finding(rel, 1, 1, NO_FRONT_MATTER, "头信息没有结束的 --- 行。", "在头信息最后一行之后加一行 ---。")
    front = text[4 : 4 + end.start()]
    body_start = 4 + end.end() + 1
    body_first_line = text.count("\n", 0, min(body_start, len(text))) + 1
    return front, text[body_start:], body_first_line


# What the YAML parser (libyaml, or ruamel.yaml where it locates a problem) says, as an editor can act on it
# (review of issue 13: the parser's English reached the message). Checked in order; the first match is said.
_YAML_PROBLEMS: tuple[tuple[str, str], ...] = (
    (r"mapping values are not allowed", "这里不能再出现“键: 值”——值里有“英文冒号加空格”时请给整个值加引号，或检查缩进"),
    (r"found unexpected end of stream|found unexpected end of (the )?stream", "文件在引号或括号闭合之前就结束了，请检查引号是否成对"),
    (r"expected ',' or '\]'", "方括号 [ ] 没有闭合，或列表项之间缺少英文逗号"),
    (r"expected ',' or '\}'", "花括号 { } 没有闭合，或各项之间缺少英文逗号"),
    (r"expected '-' indicator|block sequence entries are not allowed", "列表项“- ”与上下行的缩进不一致，或列表和“键: 值”混在了同一层"),
    (r"could not find expected ':'", "这一行缺少英文冒号“:”（或冒号后缺少空格）"),
    (r"did not find expected key|expected <block end>", "缩进没有对齐，或引号后面还有多余的文字"),
    (r"cannot start any token", "值不能以 @ 或 ` 等符号开头，请给值加引号"),
    (r"unknown escape character|invalid Unicode character escape|escaped octet", "双引号中的反斜杠 \\ 用法不对：写成两个 \\\\，或改用单引号"),
    (r"expected node content", "这里缺少值（[ 、{ 或“- ”之后没有内容）"),
    (r"alphabetic or numeric character", "& 或 * 后面应当是名字；值本身以 & 或 * 开头时请加引号"),
    (r"comment or line break", "这一行的值后面还有多余的文字（| 或 > 之后只能换行）"),
    (r"tab character", "缩进中有制表符，请改用空格"),
    (r"control characters are not allowed|special characters are not allowed", "有不可见的控制字符，请删除"),
    (r"undefined alias", "用到了没有定义的 * 引用"),
    (r"document|directive", "一个文件里只能有一份内容：删除多余的 --- 或 % 开头的行"),
    (r"tag", "! 开头的标记写法不对，值本身以 ! 开头时请加引号"),
)


def yaml_problem(problem: str) -> str:
    """The parser's problem said in Chinese (its own words kept in parentheses only when none of the known ones
    fits, so the e-gov office can still look it up)."""
    for pattern, said in _YAML_PROBLEMS:
        if re.search(pattern, problem):
            return said
    return f"写法不对（解析器：{problem}）" if problem else "写法不对"


def load_yaml(text: str, rel: str, first_line: int = 1, *, fast: bool = True) -> tuple[YamlDoc | None, list[Finding]]:
    """Parse a YAML mapping, reporting every pre-parse problem with its line before parsing.

    ``fast=False`` skips the fast path: the reference the differential test (tests/test_yaml_fastpath.py)
    compares it with."""
    findings = _prescan(text, rel, first_line)
    if any(f.code in (YAML_TAB, YAML_ALIAS, YAML_FULLWIDTH_COLON) for f in findings):
        return None, findings  # parsing would only add a confusing second message (or expand a bomb)
    deep = too_deep(text, rel, first_line)
    if deep is not None:
        return None, findings + [deep]
    try:
        data = _fast_load(text) if fast else _UNDECIDED
    except (_Undecided, RecursionError):
        data = _UNDECIDED
    try:
        if data is _UNDECIDED:
            data = _FAST.load(text)
    except DuplicateKeyError as exc:
        line, col = _mark(exc, first_line)
        key = re.search(r'duplicate key "([^"]*)"', str(exc))
        name = f"“{key.group(1)}”" if key else ""
        findings.append(Finding(rel, line, col, YAML_DUPLICATE_KEY, f"键{name}重复出现。", "删除多余的一行，只保留正确的值。"))
        return None, findings
    except TagError as exc:
        line, col = _mark(exc, first_line)
        findings.append(Finding(rel, line, col, YAML_SYNTAX, f"不能使用 YAML 类型标记 {exc.tag}：这里只能写文字、数字、日期、"
                                "列表和“键: 值”。", "删除 !! 或 ! 开头的标记，直接写值；值本身以 ! 开头时请加引号，如 \"!重要\"。"))
        return None, findings
    except MarkedYAMLError as exc:
        line, col = _mark(exc, first_line)
        # an unclosed quote or bracket: where it was opened, not where the parser gave up
        if re.search(r"end of stream|expected ',' or", exc.problem or "") and exc.context_mark is not None:
            line, col = first_line + exc.context_mark.line, exc.context_mark.column + 1
        problem = yaml_problem((exc.problem or exc.context or "").strip())
        findings.append(Finding(rel, line, col, YAML_SYNTAX, f"YAML 格式错误：{problem}。",
                                "英文冒号后要有一个空格，引号要成对，同一层级缩进要对齐；含冒号或 # 的值请加引号。"))
        return None, findings
    except (YAMLError, RecursionError, ValueError) as exc:
        findings.append(Finding(rel, first_line, 1, YAML_SYNTAX, f"YAML 无法读取（{type(exc).__name__}）。",
                                "检查头信息的格式，或用 zhanqun new 重新生成。"))
        return None, findings
    if data is None:
        data = {}
    if not isinstance(data, dict):
        findings.append(Finding(rel, first_line, 1, YAML_NOT_MAPPING, "顶层必须是“键: 值”的形式。",
                                "每行写成 键: 值，例如 title: 关于……的通知。"))
        return None, findings
    doc = YamlDoc(data, text, rel, first_line)
    odd_key = _non_text_key(data)
    if odd_key is not None:
        parent, key = odd_key
        line, col = doc.locate(parent + (key,))
        shown_key = ("true" if key else "false") if isinstance(key, bool) else "null" if key is None else \
            "[…]" if isinstance(key, (tuple, list)) else "{…}" if isinstance(key, dict) else str(key)[:40]
        findings.append(Finding(rel, line, col, YAML_SYNTAX, f"键 {shown_key} 不是文字（YAML 把它读成了"
                                f"{_KIND.get(type(key), '复杂的值')}）。",
                                "键名只写文字；数字、true、null 等作键名时请加英文引号，如 \"2026\": ……"))
        return None, findings
    return doc, findings + _escaped_controls(doc)


_KIND = {int: "数字", float: "数字", bool: "是/否", type(None): "空值", tuple: "列表", list: "列表"}


def _non_text_key(data: dict[Any, Any]) -> tuple[tuple[Any, ...], Any] | None:
    """(path of the mapping, key) of the first key that is not text (``1:``, ``null:``, ``? [a]``): schemas,
    JSON and messages all assume text keys. Iterative: the depth is bounded (Y007), but no recursion is needed."""
    stack: list[tuple[tuple[Any, ...], Any]] = [((), data)]
    while stack:
        path, node = stack.pop()
        if isinstance(node, dict):
            for key, value in node.items():
                if not isinstance(key, str):
                    return path, key
                stack.append((path + (key,), value))
        elif isinstance(node, list):
            stack.extend((path + (index,), value) for index, value in enumerate(node))
    return None


def _escaped_controls(doc: YamlDoc) -> list[Finding]:
    """Control characters written as YAML escapes ("\\e", "\\x1b", "\\u009b" in double quotes): the file's
    bytes are clean, the value is not. Only double-quoted text can hold them, so other text skips the walk."""
    if '"' not in doc.text or "\\" not in doc.text:
        return []
    findings: list[Finding] = []
    stack: list[tuple[tuple[Any, ...], Any]] = [((), doc.data)]
    while stack and len(findings) < _MAX_CONTROL_FINDINGS:
        path, node = stack.pop()
        children = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
        for key, value in children:
            strings = [s for s in (key, value) if isinstance(s, str)]
            bad = next((m for s in strings if (m := _VALUE_CONTROL_RE.search(s))), None)
            if bad is not None:
                line, col = doc.locate(path + (key,))
                findings.append(Finding(doc.path, line, col, CONTROL_CHARACTER,
                                        f"引号中的转义写出了不可见的控制字符 U+{ord(bad.group()):04X}。",
                                        "删除这个转义（如 \\e、\\x1b、\\b），只写看得见的文字。"))
            elif isinstance(value, (dict, list)):
                stack.append((path + (key,), value))
    return findings


def too_deep(text: str, rel: str, first_line: int = 1) -> Finding | None:
    """The first collection nested deeper than MAX_DEPTH, found from the parser's events (a flat stream, no
    recursion) before anything builds the nested value. Shallow text skips the event pass."""
    if not _could_be_deep(text):
        return None
    depth = 0
    try:
        for event in _FAST.parse(text):
            if isinstance(event, CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    mark = event.start_mark
                    line, col = (first_line + mark.line, mark.column + 1) if mark else (first_line, 1)
                    return Finding(rel, line, col, YAML_TOO_DEEP, f"YAML 嵌套超过 {MAX_DEPTH} 层。",
                                   "检查这一行附近的方括号 [ ]、花括号 { } 和缩进，改成普通的列表或文字。")
            elif isinstance(event, CollectionEndEvent):
                depth -= 1
    except (YAMLError, RecursionError, ValueError):
        return None  # a syntax error: the loader reports it with its line
    return None


def _could_be_deep(text: str) -> bool:
    """Cheap bound: each level needs an opening bracket or more leading indentation (or a "- " on the line)."""
    brackets = text.count("[") + text.count("{")
    lead = max((len(m.group()) for m in re.finditer(r"^[ \-?:]*", text, re.MULTILINE)), default=0)
    return brackets + lead >= MAX_DEPTH // 2


def load_json(text: str) -> Any:
    """``json.loads`` whose only error is ValueError: thousands of nested brackets would overflow the decoder."""
    import json

    try:
        return json.loads(text)
    except RecursionError:
        raise ValueError("JSON 嵌套层数过多") from None


def load_yaml_file(path: Path, rel: str) -> tuple[YamlDoc | None, list[Finding]]:
    text, findings = read_text(path, rel)
    if text is None:
        return None, findings
    doc, more = load_yaml(text, rel)
    return doc, findings + more


def _mark(exc: MarkedYAMLError, first_line: int) -> tuple[int, int]:
    mark = exc.problem_mark or exc.context_mark
    if mark is None:
        return first_line, 1
    return first_line + mark.line, mark.column + 1


def _prescan(text: str, rel: str, first_line: int) -> list[Finding]:
    findings: list[Finding] = []
    block_indent: int | None = None  # inside a block scalar deeper than this indentation
    for number, line in enumerate(text.split("\n"), start=first_line):
        stripped = line.lstrip(" ")
        indent = len(line) - len(stripped)
        if block_indent is not None:
            if not stripped.strip() or indent > block_indent:
                continue
            block_indent = None
        if stripped.startswith("\t"):
            findings.append(Finding(rel, number, indent + 1, YAML_TAB, "行首缩进使用了 Tab 字符。", "把 Tab 换成两个空格。"))
            continue
        if stripped.startswith("#"):
            continue
        # (each pattern below needs a character that most lines lack: "：", "&" or "*", "|" or ">")
        match = _FULLWIDTH_KEY_RE.match(line) if "：" in line else None
        if match:
            ascii_colon = re.search(r":(\s|$)", line)
            if ascii_colon is None or ascii_colon.start() > match.end():
                key = match.group(2)
                findings.append(Finding(rel, number, match.end(), YAML_FULLWIDTH_COLON,
                                        f"“{key}”后面用了中文全角冒号“：”。", f"改成英文冒号加空格：{key}: ……"))
                continue
        anchor = _ANCHOR_RE.search(_without_quotes(line)) if "&" in line or "*" in line else None
        if anchor:
            findings.append(Finding(rel, number, anchor.start(1) + 1, YAML_ALIAS,
                                    "使用了 YAML 锚点或别名（& 或 * 开头的值）。",
                                    "直接写出完整的值；若值本身以 * 或 & 开头，请加引号。"))
        if ("|" in line or ">" in line) and _BLOCK_SCALAR_RE.search(line):
            block_indent = indent
    return findings


def _without_quotes(line: str) -> str:
    return re.sub(r"'[^']*'|\"(?:[^\"\\]|\\.)*\"", lambda m: " " * len(m.group(0)), line)
