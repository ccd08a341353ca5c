"""Attachment text extraction: the text of XLSX/XLS/DOCX/PDF/OFD/CSV/TXT files, for the personal-data scan.

:func:`extract` returns the text as :class:`Segment` s (one per spreadsheet row, paragraph or table row, page or
line), each with a Chinese location for messages. A file that cannot be read automatically raises
:class:`Unreadable` with a short Chinese ``reason``; such a file must be checked by hand, so callers should
report it, never skip it silently.

Files come from editors, not attackers, but they are still treated as hostile: size limits are checked before
reading, zip-based formats are screened for compression bombs, XML is parsed with defusedxml (no entity
expansion, no external entities), and every library error becomes :class:`Unreadable`. The heavy libraries
(openpyxl, xlrd, pypdf) are imported only when a file of their kind is read.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime
import io
import logging
import posixpath
import re
import warnings
import zipfile
from collections.abc import Iterable, Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element, ElementTree

MAX_FILE_BYTES = 20 * 1024 * 1024  # larger files are refused without being read
MAX_ZIP_TOTAL_BYTES = 200 * 1024 * 1024  # sum of the uncompressed sizes of a zip's members
MAX_ZIP_RATIO = 200  # uncompressed / compressed size of one member ...
ZIP_RATIO_MIN_BYTES = 1024 * 1024  # ... checked for members larger than this (small parts of zeros compress >200x)
MAX_ZIP_MEMBERS = 10_000
MAX_TEXT_CHARS = 20_000_000  # total extracted text
MAX_CELLS = 20_000_000  # spreadsheet cells visited, empty padding included (bounds the work on odd sheets)

_QUIET_LOGGERS = ("pypdf", "openpyxl")

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")
_OLD_FORMATS = {".doc": "DOC", ".wps": "WPS", ".et": "ET"}
_SUFFIX_NAMES = {".xlsx": "XLSX", ".xls": "XLS", ".docx": "DOCX", ".pdf": "PDF", ".ofd": "OFD",
                 ".csv": "CSV", ".txt": "TXT", **_OLD_FORMATS}

SUFFIXES: frozenset[str] = frozenset(_SUFFIX_NAMES)
"""Suffixes :func:`extract` understands (lower case). ``.doc``/``.wps``/``.et`` always raise :class:`Unreadable`."""

UNSUPPORTED_SUFFIXES: frozenset[str] = frozenset(_OLD_FORMATS)
"""The old binary formats among :data:`SUFFIXES`: their text cannot be extracted (unless the file is really OOXML)."""


@dataclasses.dataclass(frozen=True)
class Segment:
    """One piece of an attachment's text and where it is."""

    line: int  # 1-based: row (spreadsheet, CSV), paragraph (DOCX), page (PDF, OFD), line (TXT)
    where: str  # Chinese location for messages: "工作表“名单”第 3 行", "第 2 页", "第 5 段", "第 4 行"
    text: str  # a spreadsheet or table row's cells are joined with tabs


class Unreadable(Exception):
    """The file could not be read automatically; ``reason`` is a short Chinese sentence for the editor."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class NoText(Unreadable):
    """A PDF or OFD without any extractable text: probably a scanned image, to be checked by hand."""


def _wan(n: int) -> str:
    return f"{n // 10_000} 万" if n >= 10_000 else f"{n} "


def _corrupt(kind: str) -> str:
    return f"{kind} 文件已损坏、扩展名与实际格式不符，或用了不支持的写法，读不出内容。"


@dataclasses.dataclass(frozen=True)
class Extraction:
    """The text of an attachment, and the parts of it that could not be read (to be checked by hand)."""

    segments: list[Segment]
    unread: list[str]  # Chinese names of parts: "嵌入对象 xl/embeddings/oleObject1.bin"


def extract(path: Path | str) -> list[Segment]:
    """The text of an attachment, in document order; raises :class:`Unreadable`.

    Segments without visible text are left out. The whole file is read before anything is returned, so a file
    that turns out to be unreadable half-way yields no partial result.
    """
    return extract_all(path).segments


def extract_all(path: Path | str, _depth: int = 0) -> Extraction:
    """:func:`extract` with the list of parts that could not be read (embedded objects, unknown drawings)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        shown = suffix or "（无扩展名）"
        raise Unreadable(f"不支持自动检查 {shown} 格式的附件。")
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise Unreadable("这不是一个普通文件，无法检查。")
        if size > MAX_FILE_BYTES:
            raise Unreadable(f"文件超过 {MAX_FILE_BYTES // (1024 * 1024)} MB，不自动读取。")
        with path.open("rb") as fh:
            head = fh.read(8)
    except OSError as exc:
        raise Unreadable("无法打开文件：文件不存在，或没有读取权限。") from exc

    kind = _sniff(suffix, head)
    reader = _READERS[kind]
    out = _Out(_depth)
    with _quiet():
        try:
            reader(path, out)
        except Unreadable:
            raise
        except MemoryError as exc:
            raise Unreadable("文件内容过大，无法自动检查。") from exc
        except Exception as exc:
            if _is_defused(exc):
                raise Unreadable("文件中含有不安全的 XML 结构（实体声明），已拒绝读取。") from exc
            raise Unreadable(_corrupt(_SUFFIX_NAMES[suffix])) from exc
    return Extraction(out.segments, out.unread)


# --- plumbing -------------------------------------------------------------------------------------------------


class _Out:
    """Collects segments and enforces the text and work limits."""

    def __init__(self, depth: int = 0) -> None:
        self.segments: list[Segment] = []
        self.unread: list[str] = []  # parts of the file that could not be read (an embedded object …), in Chinese
        self.chars = 0
        self.cells = 0
        self.depth = depth  # how deep inside embedded documents this file is

    def add(self, line: int, where: str, text: str) -> None:
        if not text or text.isspace():
            return
        self.chars += len(text)
        if self.chars > MAX_TEXT_CHARS:
            raise Unreadable(f"文件中的文字超过 {_wan(MAX_TEXT_CHARS)}字，无法自动检查。")
        self.segments.append(Segment(line, where, text))

    def count_cells(self, n: int) -> None:
        self.cells += max(n, 1)
        if self.cells > MAX_CELLS:
            raise Unreadable(f"表格过大（超过 {_wan(MAX_CELLS)}个单元格），无法自动检查。")


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """Keep the libraries' warnings about odd files off the user's terminal while reading."""
    loggers = [logging.getLogger(name) for name in _QUIET_LOGGERS]
    levels = [logger.level for logger in loggers]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for logger in loggers:
            logger.setLevel(logging.CRITICAL + 1)
        try:
            yield
        finally:
            for logger, level in zip(loggers, levels):
                logger.setLevel(level)


def _is_defused(exc: BaseException) -> bool:
    try:
        from defusedxml import DefusedXmlException
    except ImportError:  # pragma: no cover - defusedxml is a dependency
        return False
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:  # libraries may wrap it
        if isinstance(current, DefusedXmlException):
            return True
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return False


def _sniff(suffix: str, head: bytes) -> str:
    """Which reader to use: the content decides between OOXML (zip) and the old binary formats (OLE)."""
    is_zip = head.startswith(_ZIP_MAGICS)
    is_ole = head.startswith(_OLE_MAGIC)
    if suffix in (".xlsx", ".xls", ".et") and is_zip:
        return "xlsx"
    if suffix in (".docx", ".doc", ".wps") and is_zip:
        return "docx"
    if suffix in _OLD_FORMATS:
        return "old"
    if suffix in (".xlsx", ".docx") and is_ole:
        return "ole_ooxml"  # an encrypted OOXML file, or an old .xls/.doc renamed
    if suffix in (".xlsx", ".xls") and is_ole:
        return "xls"
    if suffix == ".xls":
        return "xls_text"  # many web systems "export to Excel" as HTML or tab-separated text named .xls
    return suffix[1:]


def _open_zip(path: Path, kind: str) -> zipfile.ZipFile:
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise Unreadable(_corrupt(kind)) from exc
    try:
        _check_zip(zf)
    except Unreadable:
        zf.close()
        raise
    return zf


def _check_zip(zf: zipfile.ZipFile) -> None:
    bomb = "疑似压缩炸弹（解压后体积异常大或文件数过多），已拒绝读取。"
    infos = zf.infolist()
    if len(infos) > MAX_ZIP_MEMBERS:
        raise Unreadable(bomb)
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size > ZIP_RATIO_MIN_BYTES and info.file_size > MAX_ZIP_RATIO * max(info.compress_size, 1):
            raise Unreadable(bomb)
    if total > MAX_ZIP_TOTAL_BYTES:
        raise Unreadable(bomb)


def _decode(data: bytes, kind: str) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM (Excel "Unicode text"), else GB18030 (Chinese Excel CSV)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings: tuple[str, ...] = ("utf-16",)
    else:
        encodings = ("utf-8-sig", "gb18030")
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise Unreadable(f"{kind} 文件的编码无法识别（不是 UTF-8 或 GB18030），可另存为 UTF-8 编码。")


def _root(tree: ElementTree[Element[str] | None]) -> Element[str]:
    """The root of a parsed XML part (a parsed document always has one)."""
    root = tree.getroot()
    assert root is not None
    return root


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


# --- spreadsheets ---------------------------------------------------------------------------------------------


def _cell_text(value: object) -> str:
    """A cell value as a person sees it: integer-valued numbers without ".0", 15 significant digits like Excel."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return str(value)
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        shown = format(value, ".15g")
        if "e" in shown and value.is_integer() and abs(value) < 1e21:
            from decimal import Decimal

            # An ID number stored as a number: Excel keeps 15 digits, the rest show as zeros (419900199001011000).
            return str(int(Decimal(shown)))
        return shown
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time():
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    return str(value)


def _row_text(values: Iterable[object]) -> str:
    cells = ["" if v is None else _cell_text(v) for v in values]
    while cells and not cells[-1]:
        cells.pop()
    return "\t".join(cells)


def _sheet_where(title: str, hidden: bool) -> str:
    return f"工作表“{title}”（隐藏）" if hidden else f"工作表“{title}”"


def _read_xlsx(path: Path, out: _Out) -> None:
    _open_zip(path, "XLSX").close()
    import openpyxl  # imported here: start-up of the command-line tool stays fast

    with path.open("rb") as fh:  # a file object: openpyxl would refuse a renamed .xls/.et by its name
        wb = openpyxl.load_workbook(fh, read_only=True, data_only=True, keep_links=False)
        try:
            for ws in wb.worksheets:
                ws.reset_dimensions()  # a wrong <dimension> element would otherwise hide rows and columns
                where = _sheet_where(ws.title, getattr(ws, "sheet_state", "visible") != "visible")
                for number, row in enumerate(ws.iter_rows(values_only=True), start=1):
                    out.count_cells(len(row))
                    out.add(number, f"{where}第 {number} 行", _row_text(row))
        finally:
            wb.close()
    with _open_zip(path, "XLSX") as zf:
        _xlsx_package(zf, out)


def _read_xls(path: Path, out: _Out) -> None:
    import xlrd  # imported here: start-up of the command-line tool stays fast

    try:
        book = xlrd.open_workbook(str(path), on_demand=True, logfile=io.StringIO(), verbosity=0)
    except xlrd.XLRDError as exc:
        if "encrypt" in str(exc).lower():
            raise Unreadable("XLS 文件设置了打开密码。") from exc
        raise
    try:
        for index in range(book.nsheets):
            sheet = book.sheet_by_index(index)
            where = _sheet_where(sheet.name, sheet.visibility != 0)
            for r in range(sheet.nrows):
                cells = sheet.row(r)
                out.count_cells(len(cells))
                out.add(r + 1, f"{where}第 {r + 1} 行", _row_text(_xls_value(c, book.datemode) for c in cells))
            book.unload_sheet(index)
    finally:
        book.release_resources()


def _xls_value(cell: Any, datemode: int) -> object:  # cell: xlrd.sheet.Cell (xlrd has no type information)
    import xlrd

    if cell.ctype == xlrd.XL_CELL_DATE:
        try:
            return xlrd.xldate.xldate_as_datetime(cell.value, datemode)
        except (xlrd.xldate.XLDateError, ValueError, OverflowError):
            return cell.value
    if cell.ctype == xlrd.XL_CELL_BOOLEAN:
        return bool(cell.value)
    if cell.ctype == xlrd.XL_CELL_ERROR:
        return xlrd.error_text_from_code.get(cell.value, "#ERR")
    if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
        return None
    return cell.value


class _MarkupRows(HTMLParser):
    """Rows of an HTML table (or an XML Spreadsheet 2003) saved as .xls; text outside tables is kept too."""

    _ROWS: ClassVar[frozenset[str]] = frozenset({"tr", "row"})
    _CELLS: ClassVar[frozenset[str]] = frozenset({"td", "th", "cell"})
    _SKIP: ClassVar[frozenset[str]] = frozenset({"script", "style", "head", "title"})

    def __init__(self, out: _Out) -> None:
        super().__init__(convert_charrefs=True)
        self.out = out
        self.rows = 0
        self.row: list[list[str]] | None = None
        self.loose: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._SKIP:
            self.skip += 1
        elif tag in self._ROWS:
            self._flush_loose()
            self.row = []
        elif tag in self._CELLS:
            if self.row is None:
                self.row = []
            self.row.append([])
        elif tag in ("br", "p", "div") and self.row is None:
            self.loose.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP:
            self.skip = max(self.skip - 1, 0)
        elif tag in self._ROWS and self.row is not None:
            self.rows += 1
            cells = [" ".join("".join(c).split()) for c in self.row]
            self.out.count_cells(len(cells))
            self.out.add(self.rows, f"第 {self.rows} 行", "\t".join(cells).rstrip("\t"))
            self.row = None

    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        if self.row is not None:
            if not self.row:
                self.row.append([])
            self.row[-1].append(data)
        else:
            self.loose.append(data)

    def _flush_loose(self) -> None:
        text = "\n".join(" ".join(line.split()) for line in "".join(self.loose).splitlines())
        self.loose = []
        self.out.add(self.rows + 1, "表格之外的文字", text.strip())

    def close(self) -> None:
        super().close()
        self._flush_loose()


def _read_xls_text(path: Path, out: _Out) -> None:
    try:
        text = _decode(path.read_bytes(), "XLS")
    except Unreadable as exc:  # neither an Excel file nor text: random bytes
        raise Unreadable(_corrupt("XLS")) from exc
    probe = text[:4096].lower()
    if "<table" in probe or "<html" in probe or "<?xml" in probe or "<workbook" in probe:
        parser = _MarkupRows(out)
        parser.feed(text)
        parser.close()
    elif "\x00" in text[:4096]:
        raise Unreadable(_corrupt("XLS"))
    else:
        _text_lines(text, out)


def _read_csv(path: Path, out: _Out) -> None:
    import csv

    text = _decode(path.read_bytes(), "CSV")
    rows: list[tuple[int, str]] = []
    try:
        for number, fields in enumerate(csv.reader(io.StringIO(text, newline="")), start=1):
            out.count_cells(len(fields))
            rows.append((number, "\t".join(fields)))
    except csv.Error:  # unbalanced quotes, giant fields: fall back to plain lines
        _text_lines(text, out)
        return
    for number, row in rows:
        out.add(number, f"第 {number} 行", row)


def _read_txt(path: Path, out: _Out) -> None:
    _text_lines(_decode(path.read_bytes(), "TXT"), out)


def _text_lines(text: str, out: _Out) -> None:
    # Only CR/LF end a line (str.splitlines also splits on form feeds etc., and line numbers would drift).
    for number, line in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), start=1):
        out.add(number, f"第 {number} 行", line)


# --- what is outside the cells and paragraphs: comments, shapes, charts, headers, embedded objects ------------
# openpyxl's fast read-only mode reads only cell values; these parts are read from the package's XML directly.

_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_SHEET_HF = re.compile(rb"<(?:\w+:)?headerFooter\b.*?</(?:\w+:)?headerFooter>", re.DOTALL)
_HF_CODES = re.compile(r'&(?:"[^"]*"|\d+|[LCRPNDTFAGBIUESXYKHO&]|K[0-9A-Fa-f]{6})')
_DEFAULT_SHEET_NAME = re.compile(r"(?:Sheet|工作表|Chart)\s*\d*")
_EMBEDDED_READABLE = {".xlsx", ".docx", ".xlsm", ".docm"}
MAX_EMBED_DEPTH = 1  # an embedded workbook is read; what it embeds in turn is reported as not read


def _rels(zf: zipfile.ZipFile, part: str, names: set[str]) -> list[tuple[str, str, str]]:
    """(id, type, target part) of the relationships of ``part`` (external targets left out)."""
    from defusedxml.ElementTree import parse

    folder, base = posixpath.split(part)
    rels = posixpath.join(folder, "_rels", base + ".rels")
    if rels not in names:
        return []
    with zf.open(rels) as fh:
        return [(r.get("Id", ""), r.get("Type", "").rpartition("/")[2], _zip_path(folder, r.get("Target", "")))
                for r in _root(parse(fh)) if r.get("TargetMode") != "External"]


def _texts_by(zf: zipfile.ZipFile, name: str, group: set[str], text_tags: set[str]) -> Iterator[tuple[dict[str, str], str]]:
    """(attributes of each ``group`` element, the text of the ``text_tags`` inside it, paragraphs on lines)."""
    from defusedxml.ElementTree import iterparse

    with zf.open(name) as fh:
        pieces: list[str] | None = None
        attrs: dict[str, str] = {}
        depth = 0
        for event, elem in iterparse(fh, events=("start", "end")):
            tag = _local(elem.tag)
            if event == "start":
                if tag in group:
                    depth += 1
                    if depth == 1:
                        pieces, attrs = [], dict(elem.attrib)
                continue
            if pieces is not None and tag in text_tags:
                pieces.append(elem.text or "")
            elif pieces is not None and tag == "p":
                pieces.append("\n")
            elif tag in group:
                depth -= 1
                if depth == 0 and pieces is not None:
                    yield attrs, "".join(pieces).strip()
                    pieces = None
                    elem.clear()


_CORE_PROPERTIES = {"title", "subject", "creator", "keywords", "description", "lastModifiedBy", "category"}


def _properties(zf: zipfile.ZipFile, names: set[str], out: _Out) -> None:
    """The document properties (File → Properties): title, author, keywords, custom fields."""
    if "docProps/core.xml" in names:
        for _, text in _texts_by(zf, "docProps/core.xml", {"coreProperties"}, _CORE_PROPERTIES):
            out.add(0, "文档属性", text)
    if "docProps/custom.xml" in names:
        for attrs, text in _texts_by(zf, "docProps/custom.xml", {"property"}, {"lpwstr", "lpstr", "bstr", "i4", "r8"}):
            out.add(0, f"自定义属性“{attrs.get('name', '')}”", text)


def _xlsx_package(zf: zipfile.ZipFile, out: _Out) -> None:
    from defusedxml.ElementTree import iterparse

    names = set(zf.namelist())
    _properties(zf, names, out)
    book = "xl/workbook.xml" if "xl/workbook.xml" in names else next(
        (t for _, kind, t in _rels(zf, "", names) if kind == "officeDocument"), None)
    if book is None or book not in names:
        return
    targets = {rid: target for rid, _, target in _rels(zf, book, names)}
    sheets: list[tuple[str, str]] = []
    with zf.open(book) as fh:
        for _, elem in iterparse(fh):
            tag = _local(elem.tag)
            if tag == "sheet":
                title = elem.get("name", "")
                if not _DEFAULT_SHEET_NAME.fullmatch(title):
                    out.add(0, "工作表名称", title)
                target = targets.get(elem.get(f"{{{_REL_NS}}}id", ""))
                if target in names:
                    sheets.append((title, target))
            elif tag == "definedName":
                out.add(0, f"名称“{elem.get('name', '')}”", f"{elem.get('name', '')}\t{elem.text or ''}")
    seen: set[str] = {book}
    for title, sheet in sheets:
        where = f"工作表“{title}”"
        seen.add(sheet)
        _xlsx_header_footer(zf, sheet, where, out)
        for _, kind, target in _rels(zf, sheet, names):
            if target in seen or target not in names:
                continue
            seen.add(target)
            _xlsx_related(zf, kind, target, where, names, seen, out)
    for name in sorted(names - seen):  # embedded objects no sheet points at are still in the file
        if name.startswith("xl/embeddings/"):
            _embedded(zf, name, out)


def _xlsx_related(zf: zipfile.ZipFile, kind: str, target: str, where: str, names: set[str], seen: set[str], out: _Out) -> None:
    if kind == "comments":
        for attrs, text in _texts_by(zf, target, {"comment"}, {"t"}):
            out.add(0, f"{where}单元格 {attrs.get('ref', '')} 的批注", text)
    elif kind == "threadedComment":
        for attrs, text in _texts_by(zf, target, {"threadedComment"}, {"text"}):
            out.add(0, f"{where}单元格 {attrs.get('ref', '')} 的批注", text)
    elif kind == "drawing":
        for number, (_, text) in enumerate(_texts_by(zf, target, _ANCHORS, {"t"}), start=1):
            out.add(0, f"{where}第 {number} 个文本框或形状", text)
        for _, sub_kind, sub in _rels(zf, target, names):
            if sub in names and sub not in seen:
                seen.add(sub)
                _xlsx_related(zf, sub_kind, sub, where, names, seen, out)
    elif kind == "chart":
        for _, text in _texts_by(zf, target, {"chartSpace"}, {"t", "v"}):
            out.add(0, f"{where}的图表", text)
    elif kind in ("oleObject", "package"):
        _embedded(zf, target, out)


_ANCHORS = {"twoCellAnchor", "oneCellAnchor", "absoluteAnchor"}


def _xlsx_header_footer(zf: zipfile.ZipFile, sheet: str, where: str, out: _Out) -> None:
    """Headers and footers of one sheet (after its cells in the XML: found without parsing the cells again)."""
    from defusedxml.ElementTree import fromstring

    with zf.open(sheet) as fh:
        data = fh.read()
    match = _SHEET_HF.search(data)
    if match is None:
        return
    fragment = re.sub(rb"<(/?)\w+:", rb"<\1", match.group())  # prefixes without their declarations
    try:
        root = fromstring(fragment)
    except Exception as exc:
        if _is_defused(exc):
            raise
        out.unread.append(f"{where}的页眉页脚")
        return
    for elem in root.iter():
        label = {"oddHeader": "页眉", "evenHeader": "偶数页页眉", "firstHeader": "首页页眉",
                 "oddFooter": "页脚", "evenFooter": "偶数页页脚", "firstFooter": "首页页脚"}.get(_local(elem.tag))
        if label and elem.text:
            out.add(0, f"{where}{label}", _HF_CODES.sub(" ", elem.text).strip())


def _embedded(zf: zipfile.ZipFile, name: str, out: _Out) -> None:
    """An object embedded in the file: a workbook or document inside is read, anything else reported unread."""
    import tempfile

    suffix = posixpath.splitext(name)[1].lower()
    if suffix not in _EMBEDDED_READABLE or out.depth >= MAX_EMBED_DEPTH:
        out.unread.append(f"嵌入对象 {name}")
        return
    with tempfile.TemporaryDirectory(prefix="zhanqun-embedded-") as folder:
        copy = Path(folder) / ("embedded" + {".xlsm": ".xlsx", ".docm": ".docx"}.get(suffix, suffix))
        with zf.open(name) as src, copy.open("wb") as dest:
            dest.write(src.read(MAX_FILE_BYTES + 1))
        try:
            inner = extract_all(copy, out.depth + 1)
        except Unreadable as exc:
            out.unread.append(f"嵌入对象 {name}（{exc.reason}）")
            return
    for segment in inner.segments:
        out.add(0, f"嵌入对象 {posixpath.basename(name)} 的{segment.where}", segment.text)
    out.unread.extend(f"嵌入对象 {posixpath.basename(name)} 中的{part}" for part in inner.unread)


# --- DOCX -----------------------------------------------------------------------------------------------------

_W_NAMESPACES = {
    "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "http://purl.oclc.org/ooxml/wordprocessingml/main",  # Strict OOXML
}
_MC_NAMESPACE = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_DOCX_PARTS = (  # (file-name pattern, Chinese name of the part)
    (re.compile(r"header(\d*)\.xml"), "页眉"),
    (re.compile(r"footer(\d*)\.xml"), "页脚"),
    (re.compile(r"footnotes()\.xml"), "脚注"),
    (re.compile(r"endnotes()\.xml"), "尾注"),
    (re.compile(r"comments()\.xml"), "批注"),
)


def _read_docx(path: Path, out: _Out) -> None:
    with _open_zip(path, "DOCX") as zf:
        names = set(zf.namelist())
        main = _docx_main_part(zf, names)
        if main is None:
            raise Unreadable(_corrupt("DOCX"))
        folder = posixpath.dirname(main)
        _docx_part(zf, main, "", out)
        for pattern, label in _DOCX_PARTS:
            found = []
            for name in names:
                m = pattern.fullmatch(posixpath.basename(name)) if posixpath.dirname(name) == folder else None
                if m:
                    found.append((int(m.group(1) or 0), name))
            found.sort()
            for index, (_, name) in enumerate(found, start=1):
                _docx_part(zf, name, f"{label} {index} " if len(found) > 1 else label, out)
        _docx_objects(zf, folder, names, out)


def _docx_objects(zf: zipfile.ZipFile, folder: str, names: set[str], out: _Out) -> None:
    """Charts and SmartArt (DrawingML text), embedded objects and the properties of a document."""
    _properties(zf, names, out)
    for name in sorted(names):
        sub, base = posixpath.split(name)
        if sub == posixpath.join(folder, "charts") and base.endswith(".xml"):
            for _, text in _texts_by(zf, name, {"chartSpace"}, {"t", "v"}):
                out.add(0, f"图表 {base}", text)
        elif sub == posixpath.join(folder, "diagrams") and base.startswith("data") and base.endswith(".xml"):
            for _, text in _texts_by(zf, name, {"dataModel"}, {"t"}):
                out.add(0, "SmartArt 图形", text)
        elif sub == posixpath.join(folder, "embeddings"):
            _embedded(zf, name, out)


def _docx_main_part(zf: zipfile.ZipFile, names: set[str]) -> str | None:
    from defusedxml.ElementTree import parse

    if "_rels/.rels" in names:
        with zf.open("_rels/.rels") as fh:
            for rel in _root(parse(fh)):
                if rel.get("Type", "").endswith("/officeDocument"):
                    target = posixpath.normpath(rel.get("Target", "").lstrip("/"))
                    if target in names:
                        return target
    return "word/document.xml" if "word/document.xml" in names else None


def _docx_part(zf: zipfile.ZipFile, name: str, label: str, out: _Out) -> None:
    """Paragraphs of one WordprocessingML part, streamed; a table row becomes one segment (cells joined by tabs).

    Deleted text of tracked changes (w:delText) is included: it is still in the file for anyone to read. The
    mc:Fallback copy of a text box is skipped (the mc:Choice copy is read).
    """
    from defusedxml.ElementTree import iterparse

    paragraphs = tables = 0
    frames: list[list[Any]] = []  # ["p", number, pieces] / ["tc", texts] / ["tr", where, line, cells] / ["tbl", rows]
    skip = runs = 0
    with zf.open(name) as fh:
        for event, elem in iterparse(fh, events=("start", "end")):
            ns, _, tag = elem.tag[1:].partition("}") if elem.tag.startswith("{") else ("", "", elem.tag)
            if ns == _MC_NAMESPACE and tag == "Fallback":
                skip += 1 if event == "start" else -1
                continue
            if skip or ns not in _W_NAMESPACES:
                continue
            if event == "start":
                if tag == "p":
                    paragraphs += 1
                    frames.append(["p", paragraphs, []])
                elif tag == "r":
                    runs += 1
                elif tag == "tbl":
                    tables += 1
                    frames.append(["tbl", 0, tables])
                elif tag == "tr":
                    table: list[Any] = frames[-1] if frames and frames[-1][0] == "tbl" else ["tbl", 0, tables]
                    table[1] += 1
                    frames.append(["tr", f"{label}第 {table[2]} 个表格第 {table[1]} 行", None, []])
                elif tag == "tc":
                    frames.append(["tc", []])
                continue
            # end events
            if tag in ("t", "delText"):
                if frames and frames[-1][0] == "p":
                    frames[-1][2].append(elem.text or "")
            elif tag == "r":
                runs -= 1
            elif tag in ("tab", "br", "cr", "noBreakHyphen"):
                if runs and frames and frames[-1][0] == "p":
                    frames[-1][2].append({"tab": "\t", "noBreakHyphen": "-"}.get(tag, "\n"))
            elif tag == "p" and frames and frames[-1][0] == "p":
                _, number, pieces = frames.pop()
                text = "".join(pieces)
                if frames and frames[-1][0] == "tc":
                    frames[-1][1].append(text)
                    row = frames[-2] if len(frames) > 1 and frames[-2][0] == "tr" else None
                    if row is not None and row[2] is None:
                        row[2] = number
                else:  # body text, or a text box inside a paragraph
                    out.add(number, f"{label}第 {number} 段", text)
            elif tag == "tc" and frames and frames[-1][0] == "tc":
                cell = " ".join(t for t in frames.pop()[1] if t.strip())
                if frames and frames[-1][0] == "tr":
                    frames[-1][3].append(cell)
                else:
                    out.add(paragraphs, f"{label}第 {paragraphs} 段", cell)
            elif tag == "tr" and frames and frames[-1][0] == "tr":
                _, where, line, cells = frames.pop()
                out.add(line or paragraphs, where, "\t".join(cells).rstrip("\t"))
            elif tag == "tbl" and frames and frames[-1][0] == "tbl":
                frames.pop()
            if not frames and tag in ("p", "tbl"):
                elem.clear()  # keep memory flat on long documents


# --- PDF ------------------------------------------------------------------------------------------------------


def _read_pdf(path: Path, out: _Out) -> None:
    import pypdf  # imported here: start-up of the command-line tool stays fast
    from pypdf.errors import DependencyError, FileNotDecryptedError

    data = path.read_bytes()
    if b"%PDF" not in data[:1024]:
        raise Unreadable(_corrupt("PDF"))
    if b"%%EOF" not in data[-65536:]:
        raise Unreadable("PDF 文件不完整（可能下载或上传时中断）。")
    encrypted = "PDF 已加密，需要密码才能打开。"
    reader = pypdf.PdfReader(io.BytesIO(data))
    if reader.is_encrypted:
        try:
            opened = reader.decrypt("")  # permission-only encryption: opens with the empty password
        except DependencyError as exc:
            raise Unreadable("PDF 使用了 AES 加密，读取它需要安装 cryptography 库。") from exc
        except (FileNotDecryptedError, NotImplementedError) as exc:
            raise Unreadable(encrypted) from exc
        if not opened:
            raise Unreadable(encrypted)
    pages = len(reader.pages)
    if not pages:
        raise Unreadable(_corrupt("PDF"))
    before = len(out.segments)
    for number, page in enumerate(reader.pages, start=1):
        out.add(number, f"第 {number} 页", page.extract_text() or "")
    if len(out.segments) == before:
        raise NoText("PDF 中没有可提取的文字，像是扫描的图片，须人工检查。")


# --- OFD ------------------------------------------------------------------------------------------------------


def _read_ofd(path: Path, out: _Out) -> None:
    """OFD (GB/T 33190): OFD.xml -> DocRoot (Document.xml) -> Pages -> Page BaseLoc (Content.xml) -> TextCode."""
    with _open_zip(path, "OFD") as zf:
        names = set(zf.namelist())
        if "OFD.xml" not in names:
            raise Unreadable(_corrupt("OFD"))
        documents = [_zip_path("", loc) for loc in _xml_texts(zf, "OFD.xml", "DocRoot")]
        documents = [d for d in documents if d in names]
        if not documents:
            raise Unreadable(_corrupt("OFD"))
        before = len(out.segments)
        for index, document in enumerate(documents, start=1):
            folder = posixpath.dirname(document)
            prefix = f"第 {index} 个文档" if len(documents) > 1 else ""
            pages = [_zip_path(folder, loc) for loc in _xml_attrs(zf, document, "Page", "BaseLoc")]
            for number, page in enumerate(pages, start=1):
                if page in names:
                    out.add(number, f"{prefix}第 {number} 页", _ofd_page_text(zf, page))
        if len(out.segments) == before:
            raise NoText("OFD 中没有可提取的文字，像是扫描的图片，须人工检查。")


def _zip_path(folder: str, loc: str) -> str:
    loc = loc.strip().replace("\\", "/")
    joined = loc.lstrip("/") if loc.startswith("/") else posixpath.join(folder, loc)
    return posixpath.normpath(joined)


def _xml_texts(zf: zipfile.ZipFile, name: str, tag: str) -> list[str]:
    from defusedxml.ElementTree import iterparse

    with zf.open(name) as fh:
        return [(e.text or "").strip() for _, e in iterparse(fh) if _local(e.tag) == tag]


def _xml_attrs(zf: zipfile.ZipFile, name: str, tag: str, attr: str) -> list[str]:
    from defusedxml.ElementTree import iterparse

    with zf.open(name) as fh:
        return [e.get(attr, "") for _, e in iterparse(fh) if _local(e.tag) == tag and e.get(attr)]


def _floats(text: str | None) -> list[float]:
    try:
        return [float(t) for t in (text or "").split()]
    except ValueError:
        return []


def _ofd_width(delta_x: str | None, text: str, size: float) -> float:
    """Approximate width of a TextCode: its DeltaX advances ("g N d" repeats d N times) plus one character."""
    tokens = (delta_x or "").split()
    width, i = 0.0, 0
    try:
        while i < len(tokens):
            if tokens[i] == "g" and i + 2 < len(tokens):
                width += int(tokens[i + 1]) * float(tokens[i + 2])
                i += 3
            else:
                width += float(tokens[i])
                i += 1
    except ValueError:
        width = 0.0
    return width + size if width else len(text) * size


def _ofd_page_text(zf: zipfile.ZipFile, name: str) -> str:
    """Text of one page; pieces on one line are joined (with a space across a gap), lines with newlines."""
    from defusedxml.ElementTree import iterparse

    parts: list[str] = []
    prev: tuple[float, float, float] | None = None  # (y, right edge, size) of the previous piece
    boundary: list[float] = [0.0, 0.0, 0.0, 0.0]
    size = 1.0
    with zf.open(name) as fh:
        for event, elem in iterparse(fh, events=("start", "end")):
            tag = _local(elem.tag)
            if event == "start":
                if tag == "TextObject":
                    boundary = (_floats(elem.get("Boundary")) + [0.0] * 4)[:4]
                    size = (_floats(elem.get("Size")) or [boundary[3] or 1.0])[0] or 1.0
                continue
            if tag == "TextCode":
                text = elem.text or ""
                xy = _floats(f"{elem.get('X', '0')} {elem.get('Y', '0')}") or [0.0, 0.0]
                x, y = boundary[0] + xy[0], boundary[1] + xy[1]
                if prev is not None:
                    if abs(y - prev[0]) > max(size, prev[2]) / 2:
                        parts.append("\n")
                    elif x - prev[1] > 0.6 * max(size, prev[2]):
                        parts.append(" ")
                parts.append(text)
                prev = (y, x + _ofd_width(elem.get("DeltaX"), text, size), size)
            elif tag in ("TextObject", "PageBlock", "Layer"):
                elem.clear()
    return "".join(parts)


# --- formats that cannot be read ------------------------------------------------------------------------------


def _read_old(path: Path, out: _Out) -> None:
    kind = _SUFFIX_NAMES[path.suffix.lower()]
    raise Unreadable(
        f"{kind} 是旧的二进制格式，无法自动检查；请另存为 PDF、DOCX 或 XLSX。"
    )


def _read_ole_ooxml(path: Path, out: _Out) -> None:
    kind = _SUFFIX_NAMES[path.suffix.lower()]
    if "EncryptedPackage".encode("utf-16-le") in path.read_bytes():
        raise Unreadable(f"{kind} 文件设置了打开密码。")
    if kind == "XLSX":
        _read_xls(path, out)  # an old .xls renamed to .xlsx
        return
    raise Unreadable(
        f"这个 {kind} 文件实际上是旧的 DOC 二进制格式，无法自动检查；请另存为 PDF 或 DOCX。"
    )


_READERS = {
    "xlsx": _read_xlsx,
    "xls": _read_xls,
    "xls_text": _read_xls_text,
    "docx": _read_docx,
    "pdf": _read_pdf,
    "ofd": _read_ofd,
    "csv": _read_csv,
    "txt": _read_txt,
    "old": _read_old,
    "ole_ooxml": _read_ole_ooxml,
}
