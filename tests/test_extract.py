"""Attachment text extraction: every fixture is generated here, in tmp_path (no binary fixtures in the repository)."""

from __future__ import annotations

import logging
import os
import re
import struct
import subprocess
import sys
import warnings
import zipfile
from pathlib import Path

import pytest

from zhanqun.checks import extract as ex
from zhanqun.checks.extract import SUFFIXES, NoText, Segment, Unreadable, extract

CJK = re.compile(r"[\u4e00-\u9fff]")


def unreadable(path: Path, *words: str) -> Unreadable:
    """extract() refuses the file with a Chinese reason containing every word."""
    with pytest.raises(Unreadable) as info:
        extract(path)
    reason = info.value.reason
    assert CJK.search(reason), reason
    for word in words:
        assert word in reason, reason
    return info.value


def texts(segments: list[Segment]) -> str:
    return "\n".join(s.text for s in segments)


def by_where(segments: list[Segment]) -> dict[str, Segment]:
    return {s.where: s for s in segments}


# --- fixture builders -------------------------------------------------------------------------------------------


def make_pdf(pages: list[list[str]]) -> bytes:
    """A PDF written object by object, text in the standard Chinese font STSong-Light (not embedded),
    encoded UniGB-UCS2-H, as reportlab's CID fonts do. An empty page list item makes a page without text."""
    objs: dict[int, bytes] = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        3: b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H "
        b"/DescendantFonts [4 0 R] >>",
        4: b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light /DW 1000 /FontDescriptor 5 0 R "
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> >>",
        5: b"<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [-25 -254 1000 880] "
        b"/ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>",
    }
    kids = []
    for i, lines in enumerate(pages):
        page, content = 6 + 2 * i, 7 + 2 * i
        kids.append(b"%d 0 R" % page)
        ops = [b"BT /F1 12 Tf 14 TL 72 780 Td"]
        ops += [b"<%s> Tj T*" % line.encode("utf-16-be").hex().encode() for line in lines]
        stream = b"\n".join(ops + [b"ET"]) if lines else b""
        objs[page] = (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
                      b"/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>" % content)
        objs[content] = b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream)
    objs[2] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(kids), len(pages))
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for num in sorted(objs):
        offsets[num] = len(out)
        out += b"%d 0 obj\n%s\nendobj\n" % (num, objs[num])
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % offsets[n] for n in range(1, len(objs) + 1))
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return bytes(out)


def make_ole(stream_name: str, data: bytes) -> bytes:
    """A minimal OLE2 compound file (512-byte sectors) holding one stream, as old Office files are."""
    end, free, fat_sector, no_stream = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF
    data += b"\0" * (max(4096, len(data)) - len(data))  # below 4096 bytes a stream would live in the mini stream
    data += b"\0" * (-len(data) % 512)
    n = len(data) // 512
    assert n + 2 <= 128, "one FAT sector is enough for test files"
    fat = [fat_sector] + [s + 1 for s in range(1, n)] + [end, end]
    fat += [free] * (128 - len(fat))
    header = struct.pack("<8s16sHHHHH6sIIIIIIIII", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"\0" * 16, 0x3E, 3,
                         0xFFFE, 9, 6, b"\0" * 6, 0, 1, n + 1, 0, 4096, end, 0, end, 0)
    header += struct.pack("<109I", 0, *([free] * 108))

    def entry(name: str, kind: int, start: int, size: int, child: int = no_stream) -> bytes:
        raw = name.encode("utf-16-le") + b"\0\0" if name else b""
        return struct.pack("<64sHBBIII16sIQQIII", raw, len(raw), kind, 1, no_stream, no_stream, child,
                           b"\0" * 16, 0, 0, 0, start, size, 0)

    directory = entry("Root Entry", 5, end, 0, child=1) + entry(stream_name, 2, 1, len(data))
    directory += entry("", 0, 0, 0) * 2
    return header + struct.pack("<128I", *fat) + data + directory


def make_xls(sheets: list[tuple[str, list[list[object]]]]) -> bytes:
    """A BIFF8 workbook (what Excel 97-2003 writes as .xls): LABEL and NUMBER cells, in an OLE2 container."""

    def rec(kind: int, body: bytes) -> bytes:
        return struct.pack("<HH", kind, len(body)) + body

    def bof(dt: int) -> bytes:
        return rec(0x0809, struct.pack("<HHHHII", 0x0600, dt, 0x0DBB, 0x07CC, 0, 0x06))

    bodies = []
    for _, rows in sheets:
        body = bof(0x0010)
        body += rec(0x0200, struct.pack("<IIHHH", 0, len(rows), 0, max(len(r) for r in rows), 0))
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if isinstance(value, str):
                    body += rec(0x0204, struct.pack("<HHHHB", r, c, 0, len(value), 1) + value.encode("utf-16-le"))
                elif value is not None:
                    body += rec(0x0203, struct.pack("<HHHd", r, c, 0, float(value)))
        bodies.append(body + rec(0x000A, b""))

    def globals_(offsets: list[int]) -> bytes:
        out = bof(0x0005) + rec(0x0042, struct.pack("<H", 1200))
        for (name, _), offset in zip(sheets, offsets):
            out += rec(0x0085, struct.pack("<IBBBB", offset, 0, 0, len(name), 1) + name.encode("utf-16-le"))
        return out + rec(0x000A, b"")

    offsets, position = [], len(globals_([0] * len(sheets)))
    for body in bodies:
        offsets.append(position)
        position += len(body)
    return make_ole("Workbook", globals_(offsets) + b"".join(bodies))


W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
MC = 'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"'
DOCX_PACKAGE = {
    "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
    "_rels/.rels": '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Target="word/document.xml" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/></Relationships>',
}


def para(*runs: str) -> str:
    return "<w:p>" + "".join(f"<w:r><w:t xml:space=\"preserve\">{r}</w:t></w:r>" for r in runs) + "</w:p>"


def table(rows: list[list[str]]) -> str:
    cells = lambda row: "".join(f"<w:tc><w:tcPr/>{para(c)}</w:tc>" for c in row)  # noqa: E731
    return "<w:tbl><w:tblPr/>" + "".join(f"<w:tr>{cells(row)}</w:tr>" for row in rows) + "</w:tbl>"


def write_docx(path: Path, body: str, extra: dict[str, str] | None = None, prolog: str = "") -> Path:
    document = (f'<?xml version="1.0" encoding="UTF-8"?>{prolog}'
                f"<w:document {W} {MC}><w:body>{body}</w:body></w:document>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in {**DOCX_PACKAGE, "word/document.xml": document, **(extra or {})}.items():
            zf.writestr(name, text)
    return path


OFD_NS = 'xmlns:ofd="http://www.ofdspec.org/2016"'


def text_object(x: float, y: float, text: str, size: float = 5, delta_x: str | None = None) -> str:
    dx = f' DeltaX="{delta_x}"' if delta_x else ""
    return (f'<ofd:TextObject ID="9" Boundary="{x} {y} {size * max(len(text), 1)} {size + 1}" Font="1" Size="{size}">'
            f'<ofd:TextCode X="0" Y="{size}"{dx}>{text}</ofd:TextCode></ofd:TextObject>')


def write_ofd(path: Path, pages: list[str]) -> Path:
    """An OFD package (GB/T 33190): OFD.xml -> Doc_0/Document.xml -> Pages/Page_N/Content.xml."""
    page_list = "".join(f'<ofd:Page ID="{i + 10}" BaseLoc="Pages/Page_{i}/Content.xml"/>' for i in range(len(pages)))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("OFD.xml", f'<?xml version="1.0" encoding="UTF-8"?><ofd:OFD {OFD_NS} Version="1.0" DocType="OFD">'
                    "<ofd:DocBody><ofd:DocInfo><ofd:DocID>0</ofd:DocID></ofd:DocInfo>"
                    "<ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>")
        zf.writestr("Doc_0/Document.xml", f'<?xml version="1.0" encoding="UTF-8"?><ofd:Document {OFD_NS}>'
                    "<ofd:CommonData><ofd:MaxUnitID>99</ofd:MaxUnitID><ofd:PageArea>"
                    "<ofd:PhysicalBox>0 0 210 297</ofd:PhysicalBox></ofd:PageArea></ofd:CommonData>"
                    f"<ofd:Pages>{page_list}</ofd:Pages></ofd:Document>")
        for i, content in enumerate(pages):
            zf.writestr(f"Doc_0/Pages/Page_{i}/Content.xml",
                        f'<?xml version="1.0" encoding="UTF-8"?><ofd:Page {OFD_NS}><ofd:Content>'
                        f'<ofd:Layer ID="2">{content}</ofd:Layer></ofd:Content></ofd:Page>')
    return path


def rewrite_zip(path: Path, changes: dict[str, bytes]) -> None:
    with zipfile.ZipFile(path) as zf:
        members = {name: zf.read(name) for name in zf.namelist()}
    members.update(changes)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)


BILLION_LAUGHS = (
    '<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10))
    + "]>"
)


# --- spreadsheets -------------------------------------------------------------------------------------------------


def test_xlsx_every_sheet_with_numbers_as_people_see_them(tmp_path):
    import datetime

    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "名单"
    ws.append(["姓名", "身份证号", "电话", "补贴金额", "发放日期"])
    ws.append(["张三", "410101199001011234", 13800138000, 1200.0, datetime.datetime(2024, 3, 1)])
    ws.append(["李四", 4.19900199001011e17, 13912345678.0, 1250.5])
    ws.append([])
    ws.append(["合计", None, None, 2450.5])
    summary = wb.create_sheet("汇总")
    summary["B2"] = "共 2 人"
    hidden = wb.create_sheet("备用")
    hidden["A1"] = "王五 410101198512120011"
    hidden.sheet_state = "hidden"
    path = tmp_path / "名单.xlsx"
    wb.save(path)

    segments = extract(path)
    where = by_where(segments)
    assert where["工作表“名单”第 2 行"] == Segment(2, "工作表“名单”第 2 行",
                                                  "张三\t410101199001011234\t13800138000\t1200\t2024-03-01")
    # A float keeps 15 digits, like Excel shows it; an integer-valued float has no ".0".
    assert where["工作表“名单”第 3 行"].text == "李四\t419900199001011000\t13912345678\t1250.5"
    assert where["工作表“名单”第 5 行"].text == "合计\t\t\t2450.5"
    assert "工作表“名单”第 4 行" not in where  # empty rows are left out
    assert where["工作表“汇总”第 2 行"].text == "\t共 2 人"
    assert where["工作表“备用”（隐藏）第 1 行"].text == "王五 410101198512120011"


def test_xlsx_with_a_lying_dimension_still_gives_every_row_and_column(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    for i in range(1, 6):
        wb.active.append([f"第{i}人", "x", "y", f"1380013800{i}"])
    path = tmp_path / "a.xlsx"
    wb.save(path)
    with zipfile.ZipFile(path) as zf:
        sheet = zf.read("xl/worksheets/sheet1.xml")
    assert b'<dimension ref="A1:D5"/>' in sheet
    rewrite_zip(path, {"xl/worksheets/sheet1.xml": sheet.replace(b'ref="A1:D5"', b'ref="A1:B2"')})

    segments = [s for s in extract(path) if s.line]  # the rows (line 0: properties, names, comments …)
    assert [s.line for s in segments] == [1, 2, 3, 4, 5]
    assert segments[-1].text == "第5人\tx\ty\t13800138005"


def test_xls_biff8(tmp_path):
    path = tmp_path / "名单.xls"
    path.write_bytes(make_xls([
        ("名单", [["姓名", "身份证号", "电话"], ["张三", "410101199001011234", 13800138000.0], ["金额", 12.5]]),
        ("第二页", [[None, "李四"]]),
    ]))
    where = by_where(extract(path))
    assert where["工作表“名单”第 2 行"].text == "张三\t410101199001011234\t13800138000"
    assert where["工作表“名单”第 3 行"].text == "金额\t12.5"
    assert where["工作表“第二页”第 1 行"] == Segment(1, "工作表“第二页”第 1 行", "\t李四")


def test_xls_renamed_to_xlsx_and_xlsx_renamed_to_xls_are_read_by_content(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    old = tmp_path / "旧表.xlsx"
    old.write_bytes(make_xls([("Sheet1", [["张三", "13800138000"]])]))
    assert texts(extract(old)) == "张三\t13800138000"

    wb = openpyxl.Workbook()
    wb.active.append(["李四", "13900139000"])
    new = tmp_path / "新表.xls"
    wb.save(new)
    assert texts([s for s in extract(new) if s.line]) == "李四\t13900139000"


def test_xls_exported_as_html_by_a_web_system(tmp_path):
    path = tmp_path / "导出.xls"
    html = ("<html><head><meta charset=gb2312><title>导出</title></head><body><p>补贴名单</p><table>"
            "<tr><th>姓名</th><th>身份证号</th></tr><tr><td>张三</td><td> 410101199001011234 </td></tr>"
            "</table></body></html>")
    path.write_bytes(html.encode("gb18030"))
    segments = extract(path)
    assert Segment(2, "第 2 行", "张三\t410101199001011234") in segments
    assert "补贴名单" in texts(segments)


def test_corrupt_spreadsheets(tmp_path):
    noise = os.urandom(4096)
    for name in ("坏.xlsx", "坏.xls"):
        path = tmp_path / name
        path.write_bytes(b"\x80\xff" + noise)
        unreadable(path, "损坏")
    broken = tmp_path / "截断.xls"
    broken.write_bytes(make_xls([("名单", [["张三"]])])[:1500])
    unreadable(broken, "损坏")


def test_password_protected_office_files(tmp_path):
    for name in ("加密.xlsx", "加密.docx"):  # Office stores an encrypted OOXML file in an OLE2 container
        path = tmp_path / name
        path.write_bytes(make_ole("EncryptedPackage", os.urandom(5000)))
        unreadable(path, "密码")


def test_billion_laughs_in_an_xlsx_sheet(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    wb.active["A1"] = "x"
    path = tmp_path / "炸弹.xlsx"
    wb.save(path)
    with zipfile.ZipFile(path) as zf:
        sheet = zf.read("xl/worksheets/sheet1.xml").decode()
    assert "<t>x</t>" in sheet and "<!DOCTYPE" not in sheet
    sheet = BILLION_LAUGHS + sheet.replace("<t>x</t>", "<t>&lol9;</t>")
    rewrite_zip(path, {"xl/worksheets/sheet1.xml": sheet.encode()})
    unreadable(path)


# --- CSV and TXT ----------------------------------------------------------------------------------------------


def test_csv_gb18030_from_chinese_excel(tmp_path):
    path = tmp_path / "名单.csv"
    path.write_bytes("姓名,身份证号,备注\r\n张三,410101199001011234,\"住址：\r\n城关镇\"\r\n李四,13800138000,\r\n".encode("gb18030"))
    segments = extract(path)
    assert segments[1] == Segment(2, "第 2 行", "张三\t410101199001011234\t住址：\r\n城关镇")
    assert segments[2] == Segment(3, "第 3 行", "李四\t13800138000\t")  # row 3 in Excel, line 4 in a text editor


def test_csv_utf8_with_and_without_bom(tmp_path):
    for prefix in (b"\xef\xbb\xbf", b""):
        path = tmp_path / "a.csv"
        path.write_bytes(prefix + "姓名,电话\n张三,13800138000\n".encode())
        assert [s.text for s in extract(path)] == ["姓名\t电话", "张三\t13800138000"]


def test_csv_in_no_known_encoding(tmp_path):
    path = tmp_path / "乱码.csv"
    path.write_bytes("张三".encode() + b",\x80\xff\x80,13800138000\n")
    unreadable(path, "编码")


def test_txt_lines_including_utf16_from_excel_unicode_text(tmp_path):
    path = tmp_path / "说明.txt"
    path.write_bytes("第一行\n\n张三\t13800138000\n".encode("gb18030"))
    assert extract(path) == [Segment(1, "第 1 行", "第一行"), Segment(3, "第 3 行", "张三\t13800138000")]
    path.write_bytes("姓名\t电话\r\n张三\t13800138000\r\n".encode("utf-16"))
    assert extract(path)[1] == Segment(2, "第 2 行", "张三\t13800138000")


# --- DOCX -----------------------------------------------------------------------------------------------------


def test_docx_paragraphs_tables_headers_and_hidden_places(tmp_path):
    body = (
        para("关于发放 2024 年补贴的公示")
        # a tab stop definition is not text; runs split a number in the middle
        + '<w:p><w:pPr><w:tabs><w:tab w:val="left" w:pos="720"/></w:tabs></w:pPr>'
        "<w:r><w:t>联系人：王五</w:t></w:r><w:r><w:tab/><w:t xml:space=\"preserve\">电话 </w:t></w:r>"
        "<w:r><w:t>1380013</w:t></w:r><w:r><w:t>8000</w:t></w:r></w:p>"
        + table([["姓名", "身份证号"], ["张三", "410101199001011234"]])
        # tracked deletion: gone from the page, still in the file
        + "<w:p><w:del><w:r><w:delText>李四 410101198001011111</w:delText></w:r></w:del><w:r><w:t>（略）</w:t></w:r></w:p>"
        # a text box: Word writes it twice (mc:Choice and the mc:Fallback for old readers)
        + "<w:p><w:r><mc:AlternateContent><mc:Choice Requires=\"wps\"><w:drawing><w:txbxContent>"
        + para("文本框 13900139000")
        + "</w:txbxContent></w:drawing></mc:Choice><mc:Fallback><w:pict><w:txbxContent>"
        + para("文本框 13900139000")
        + "</w:txbxContent></w:pict></mc:Fallback></mc:AlternateContent></w:r></w:p>"
    )
    header = f'<?xml version="1.0" encoding="UTF-8"?><w:hdr {W}>{para("某某县人民政府办公室")}</w:hdr>'
    path = write_docx(tmp_path / "公示.docx", body, {"word/header1.xml": header})

    segments = extract(path)
    assert segments == [
        Segment(1, "第 1 段", "关于发放 2024 年补贴的公示"),
        Segment(2, "第 2 段", "联系人：王五\t电话 13800138000"),
        Segment(3, "第 1 个表格第 1 行", "姓名\t身份证号"),
        Segment(5, "第 1 个表格第 2 行", "张三\t410101199001011234"),
        Segment(7, "第 7 段", "李四 410101198001011111（略）"),
        Segment(9, "第 9 段", "文本框 13900139000"),
        Segment(1, "页眉第 1 段", "某某县人民政府办公室"),
    ]


def test_docx_that_is_not_a_zip_and_one_without_a_document(tmp_path):
    path = tmp_path / "坏.docx"
    path.write_bytes(b"PK\x03\x04" + os.urandom(2000))
    unreadable(path, "损坏")
    path.write_text("只是一段文字", encoding="utf-8")
    unreadable(path, "DOCX")
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("readme.txt", "hello")
    unreadable(path, "DOCX")


def test_docx_billion_laughs(tmp_path):
    path = write_docx(tmp_path / "炸弹.docx", para("&lol9;"), prolog=BILLION_LAUGHS)
    unreadable(path, "XML")


def test_docx_external_entity_is_not_fetched(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("410101199001011234", encoding="utf-8")
    prolog = f'<!DOCTYPE d [<!ENTITY xxe SYSTEM "{secret.as_uri()}">]>'
    path = write_docx(tmp_path / "外部实体.docx", para("&xxe;"), prolog=prolog)
    unreadable(path, "XML")


def test_zip_bomb_disguised_as_docx(tmp_path):
    path = tmp_path / "炸弹.docx"
    chunk = b"\0" * (1 << 20)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in DOCX_PACKAGE.items():
            zf.writestr(name, text)
        with zf.open("word/document.xml", "w", force_zip64=True) as member:  # streamed: 32 MB never in memory
            for _ in range(32):
                member.write(chunk)
    assert path.stat().st_size < 100_000
    unreadable(path, "压缩炸弹")


def test_zip_with_too_many_members_or_too_much_data(tmp_path, monkeypatch):
    many = tmp_path / "多.docx"
    with zipfile.ZipFile(many, "w") as zf:
        for i in range(ex.MAX_ZIP_MEMBERS + 1):
            zf.writestr(f"f/{i}", b"")
    unreadable(many, "压缩炸弹")

    big = tmp_path / "大.ofd"
    with zipfile.ZipFile(big, "w", zipfile.ZIP_DEFLATED) as zf:
        for i in range(3):
            zf.writestr(f"part{i}", os.urandom(100_000))  # incompressible: only the total is too large
    monkeypatch.setattr(ex, "MAX_ZIP_TOTAL_BYTES", 250_000)
    unreadable(big, "压缩炸弹")


# --- PDF ------------------------------------------------------------------------------------------------------


def test_pdf_chinese_text_per_page(tmp_path):
    path = tmp_path / "公示.pdf"
    path.write_bytes(make_pdf([["补贴发放公示", "张三 410101199001011234"], [], ["联系电话：13800138000"]]))
    segments = extract(path)
    assert [(s.line, s.where) for s in segments] == [(1, "第 1 页"), (3, "第 3 页")]
    assert "补贴发放公示" in segments[0].text and "张三 410101199001011234" in segments[0].text
    assert "13800138000" in segments[1].text


def test_pdf_encryption(tmp_path):
    from pypdf import PdfReader, PdfWriter

    plain = tmp_path / "原文.pdf"
    plain.write_bytes(make_pdf([["张三 410101199001011234"]]))

    def encrypted(user: str, algorithm: str) -> Path:
        writer = PdfWriter(clone_from=PdfReader(plain))
        writer.encrypt(user_password=user, owner_password="owner-secret", algorithm=algorithm)
        out = tmp_path / f"加密-{algorithm}-{bool(user)}.pdf"
        with out.open("wb") as fh:
            writer.write(fh)
        return out

    unreadable(encrypted("open-secret", "RC4-128"), "加密")
    # Only printing/copying restricted (empty open password): common on government PDFs, and readable.
    assert "410101199001011234" in texts(extract(encrypted("", "RC4-128")))


@pytest.mark.parametrize("algorithm", ["AES-128", "AES-256"])
def test_pdf_aes_with_empty_password(tmp_path, algorithm):
    pytest.importorskip("cryptography")  # pypdf needs it for AES
    from pypdf import PdfReader, PdfWriter

    plain = tmp_path / "原文.pdf"
    plain.write_bytes(make_pdf([["张三 410101199001011234"]]))
    writer = PdfWriter(clone_from=PdfReader(plain))
    writer.encrypt(user_password="", owner_password="owner-secret", algorithm=algorithm)
    path = tmp_path / "aes.pdf"
    with path.open("wb") as fh:
        writer.write(fh)
    assert "410101199001011234" in texts(extract(path))


def test_pdf_without_text_looks_scanned(tmp_path):
    path = tmp_path / "扫描件.pdf"
    path.write_bytes(make_pdf([[], []]))
    error = unreadable(path, "扫描", "人工")
    assert isinstance(error, NoText)


def test_odd_and_corrupt_pdfs_stay_quiet(tmp_path, caplog, capfd):
    caplog.set_level(logging.DEBUG)
    whole = make_pdf([["张三 410101199001011234"]] * 3)
    cases = {
        "截断.pdf": whole[: len(whole) // 2],
        "无结尾.pdf": whole[:-30],
        "截断加结尾.pdf": whole[: len(whole) // 2] + b"\n%%EOF\n",
        "随机.pdf": os.urandom(3000),
        "无交叉引用表.pdf": whole.replace(b"\nxref\n", b"\nxxxx\n"),
    }
    odd = tmp_path / "指针错误.pdf"  # pypdf recovers from a wrong startxref, and would say so on stderr
    odd.write_bytes(whole.replace(b"startxref\n", b"startxref\n9"))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a warning escaping extract() would fail the test
        for name, data in cases.items():
            path = tmp_path / name
            path.write_bytes(data)
            unreadable(path)
        assert [s.line for s in extract(odd)] == [1, 2, 3]
    assert not [r for r in caplog.records if r.name.startswith(("pypdf", "openpyxl"))]
    assert capfd.readouterr().err == ""
    assert logging.getLogger("pypdf").level == logging.NOTSET  # levels restored after the call


# --- OFD ------------------------------------------------------------------------------------------------------


def test_ofd_text_page_by_page(tmp_path):
    digits = "".join(text_object(60 + i * 2.5, 40, d, size=2.5) for i, d in enumerate("410101199001011234"))
    page1 = (text_object(20, 20, "补贴发放名单", delta_x="g 5 5")
             + text_object(20, 40, "张三", delta_x="5") + digits)
    page2 = text_object(20, 20, "联系电话：13800138000")
    path = write_ofd(tmp_path / "名单.ofd", [page1, page2])

    segments = extract(path)
    assert segments == [
        Segment(1, "第 1 页", "补贴发放名单\n张三 410101199001011234"),
        Segment(2, "第 2 页", "联系电话：13800138000"),
    ]


def test_ofd_without_text_and_corrupt_ofd(tmp_path):
    image = '<ofd:ImageObject ID="5" Boundary="0 0 210 297" ResourceID="7"/>'
    unreadable(write_ofd(tmp_path / "扫描.ofd", [image]), "扫描")
    path = tmp_path / "坏.ofd"
    path.write_bytes(os.urandom(3000))
    unreadable(path, "OFD")
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("OFD.xml", "<ofd:OFD")
    unreadable(path, "OFD")


# --- limits and old formats -----------------------------------------------------------------------------------


def test_file_over_20_mb_is_refused_without_reading(tmp_path):
    path = tmp_path / "大.pdf"
    with path.open("wb") as fh:
        fh.truncate(21 * 1024 * 1024)  # sparse: costs no disk and no time
    unreadable(path, "20 MB")


def test_text_limit(tmp_path, monkeypatch):
    path = tmp_path / "长.txt"
    path.write_text("张三 13800138000\n" * 100, encoding="utf-8")
    monkeypatch.setattr(ex, "MAX_TEXT_CHARS", 1000)
    unreadable(path, "超过 1000 字")


@pytest.mark.parametrize("suffix", [".doc", ".wps", ".et"])
def test_old_binary_formats(tmp_path, suffix):
    path = tmp_path / f"旧{suffix}"
    path.write_bytes(make_ole("WordDocument", b"\0" * 100))
    unreadable(path, "无法自动检查", "PDF")


def test_doc_that_is_really_docx_is_read(tmp_path):
    path = write_docx(tmp_path / "其实是新格式.doc", para("张三 13800138000"))
    assert extract(path) == [Segment(1, "第 1 段", "张三 13800138000")]


def test_suffixes_and_unknown_formats(tmp_path):
    assert {".xlsx", ".xls", ".docx", ".pdf", ".csv", ".txt", ".ofd", ".doc", ".wps", ".et"} <= SUFFIXES
    path = tmp_path / "附件.rar"
    path.write_bytes(b"Rar!")
    unreadable(path, ".rar")
    unreadable(tmp_path / "不存在.pdf", "无法打开")
    upper = tmp_path / "大写.TXT"
    upper.write_text("张三", encoding="utf-8")
    assert extract(upper) == [Segment(1, "第 1 行", "张三")]


def test_random_bytes_under_every_name_give_unreadable(tmp_path):
    noise = bytes(range(256)) * 40
    for suffix in sorted(SUFFIXES - {".txt", ".csv"}):
        path = tmp_path / f"随机{suffix}"
        path.write_bytes(noise)
        unreadable(path)


def test_heavy_libraries_are_imported_lazily():
    code = ("import sys, zhanqun.checks.extract; "
            "print(sorted(m for m in ('openpyxl', 'xlrd', 'pypdf', 'defusedxml') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_sheet_padded_to_the_last_column_hits_the_cell_limit(tmp_path, monkeypatch):
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    wb.active["A1"] = "x"
    path = tmp_path / "宽.xlsx"
    wb.save(path)
    rows = "".join(f'<row r="{i}"><c r="XFD{i}"><v>1</v></c></row>' for i in range(1, 21))  # 16,384 columns each
    sheet = ('<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
             f'<dimension ref="A1"/><sheetData>{rows}</sheetData></worksheet>')
    rewrite_zip(path, {"xl/worksheets/sheet1.xml": sheet.encode()})
    monkeypatch.setattr(ex, "MAX_CELLS", 100_000)
    unreadable(path, "单元格")


# --- what sits outside the cells and paragraphs (issue 10 §9, R4.2) -------------------------------------------

import random  # noqa: E402

from tests import fakes  # noqa: E402

XDR = ('xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing" '
       'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"')
PKG_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _rels(*rels: tuple[str, str, str]) -> str:
    body = "".join(f'<Relationship Id="{i}" Type="{PKG_REL}/{kind}" Target="{target}"/>' for i, kind, target in rels)
    return f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{body}</Relationships>'


def _shape(text: str) -> str:
    return (f"<xdr:twoCellAnchor><xdr:from/><xdr:to/><xdr:sp><xdr:txBody><a:bodyPr/><a:p><a:r><a:t>{text}</a:t></a:r>"
            "</a:p></xdr:txBody></xdr:sp><xdr:clientData/></xdr:twoCellAnchor>")


def _plain_xlsx(path: Path, cells: list[list[object]], title: str = "Sheet") -> Path:
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    wb.active.title = title
    for row in cells:
        wb.active.append(row)
    wb.save(path)
    return path


def test_xlsx_comments_headers_footers_names_and_sheet_names_are_read(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    from openpyxl.comments import Comment
    from openpyxl.workbook.defined_name import DefinedName

    rng = random.Random(1009)
    in_comment, in_header, in_footer, in_name, in_title, in_hidden = (fakes.id18(rng) for _ in range(6))
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "补贴"
    ws.append(["姓名", "金额"])
    ws.append(["张某", 1200])
    ws["A2"].comment = Comment(f"本人身份证 {in_comment}", "经办人")
    ws.oddHeader.center.text = f"联系人 {in_header}"
    ws.oddFooter.right.text = f"复核 {in_footer}"
    wb.defined_names["核对号"] = DefinedName("核对号", attr_text=f'"{in_name}"')
    wb.create_sheet(in_title[:6] + "表")  # sheet names are text too (31 characters at most)
    hidden = wb.create_sheet("底稿")
    hidden.sheet_state = "veryHidden"
    hidden["C7"].comment = Comment(in_hidden, "经办人")
    in_properties = fakes.id18(rng)
    wb.properties.creator = f"经办人 {in_properties}"
    path = tmp_path / "补贴.xlsx"
    wb.save(path)

    found = ex.extract_all(path)
    where = {s.where: s.text for s in found.segments}
    assert in_comment in where["工作表“补贴”单元格 A2 的批注"]
    assert in_header in where["工作表“补贴”页眉"] and "&" not in where["工作表“补贴”页眉"]
    assert in_footer in where["工作表“补贴”页脚"]
    assert any(in_name in t for w, t in where.items() if w.startswith("名称“核对号”"))
    assert Segment(0, "工作表名称", in_title[:6] + "表") in found.segments
    assert in_hidden in where["工作表“底稿”单元格 C7 的批注"]
    assert in_properties in where["文档属性"]
    assert found.unread == []


def test_xlsx_text_boxes_charts_and_embedded_objects(tmp_path):
    rng = random.Random(2027)
    in_box, in_chart, in_embedded = fakes.id18(rng), fakes.id18(rng), fakes.id18(rng)
    inner = _plain_xlsx(tmp_path / "inner.xlsx", [["身份证号"], [in_embedded]], "名单")
    path = _plain_xlsx(tmp_path / "外层.xlsx", [["见附图"]])
    chart = (f'<?xml version="1.0" encoding="UTF-8"?><c:chartSpace xmlns:c="http://schemas.openxmlformats.org/'
             f'drawingml/2006/chart"><c:chart><c:title><c:tx><c:strRef><c:strCache><c:pt idx="0"><c:v>{in_chart}</c:v>'
             "</c:pt></c:strCache></c:strRef></c:tx></c:title></c:chart></c:chartSpace>")
    rewrite_zip(path, {
        "xl/worksheets/_rels/sheet1.xml.rels": _rels(("rId1", "drawing", "../drawings/drawing1.xml"),
                                                     ("rId2", "package", "../embeddings/Microsoft_Excel_Worksheet.xlsx"),
                                                     ("rId3", "oleObject", "../embeddings/oleObject1.bin")).encode(),
        "xl/drawings/drawing1.xml": f'<?xml version="1.0" encoding="UTF-8"?><xdr:wsDr {XDR}>{_shape("经办人 " + in_box)}'
                                    f'{_shape("第二个形状")}</xdr:wsDr>'.encode(),
        "xl/drawings/_rels/drawing1.xml.rels": _rels(("rId1", "chart", "../charts/chart1.xml")).encode(),
        "xl/charts/chart1.xml": chart.encode(),
        "xl/embeddings/Microsoft_Excel_Worksheet.xlsx": inner.read_bytes(),
        "xl/embeddings/oleObject1.bin": make_ole("WordDocument", "李四".encode("utf-16-le")),
        "xl/embeddings/oleObject2.bin": make_ole("Package", b"\0" * 10),  # embedded, but no sheet points at it
    })
    found = ex.extract_all(path)
    where = {s.where: s.text for s in found.segments}
    assert where["工作表“Sheet”第 1 个文本框或形状"] == f"经办人 {in_box}"
    assert where["工作表“Sheet”第 2 个文本框或形状"] == "第二个形状"
    assert in_chart in where["工作表“Sheet”的图表"]
    assert where["嵌入对象 Microsoft_Excel_Worksheet.xlsx 的工作表“名单”第 2 行"] == in_embedded
    assert found.unread == ["嵌入对象 xl/embeddings/oleObject1.bin", "嵌入对象 xl/embeddings/oleObject2.bin"]


def test_docx_charts_smartart_and_embedded_objects(tmp_path):
    rng = random.Random(4242)
    in_chart, in_art, in_embedded, in_author = (fakes.id18(rng) for _ in range(4))
    inner = write_docx(tmp_path / "inner.docx", para(f"身份证 {in_embedded}"))
    path = write_docx(tmp_path / "报告.docx", para("正文"), {
        "docProps/core.xml": '<?xml version="1.0"?><cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/'
                             'package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/">'
                             f"<dc:creator>王某 {in_author}</dc:creator></cp:coreProperties>",
        "word/charts/chart1.xml": '<?xml version="1.0"?><c:chartSpace xmlns:c="http://schemas.openxmlformats.org/'
                                  f'drawingml/2006/chart"><c:v>{in_chart}</c:v></c:chartSpace>',
        "word/diagrams/data1.xml": '<?xml version="1.0"?><dgm:dataModel xmlns:dgm="http://schemas.openxmlformats.org/'
                                   'drawingml/2006/diagram" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">'
                                   f"<a:p><a:r><a:t>{in_art}</a:t></a:r></a:p></dgm:dataModel>",
    })
    rewrite_zip(path, {"word/embeddings/Microsoft_Word_Document.docx": inner.read_bytes(),
                       "word/embeddings/oleObject1.bin": make_ole("WordDocument", b"x" * 10)})
    found = ex.extract_all(path)
    text = texts(found.segments)
    assert in_chart in text and in_art in text
    assert Segment(0, "文档属性", f"王某 {in_author}") in found.segments
    assert any(s.where.startswith("嵌入对象 Microsoft_Word_Document.docx") and in_embedded in s.text for s in found.segments)
    assert found.unread == ["嵌入对象 word/embeddings/oleObject1.bin"]


def test_an_embedded_workbook_inside_an_embedded_workbook_is_reported_not_read(tmp_path):
    innermost = _plain_xlsx(tmp_path / "c.xlsx", [["最里层"]])
    middle = _plain_xlsx(tmp_path / "b.xlsx", [["中间"]])
    rewrite_zip(middle, {"xl/embeddings/c.xlsx": innermost.read_bytes()})
    outer = _plain_xlsx(tmp_path / "a.xlsx", [["外层"]])
    rewrite_zip(outer, {"xl/embeddings/b.xlsx": middle.read_bytes()})
    found = ex.extract_all(outer)
    assert "中间" in texts(found.segments) and "最里层" not in texts(found.segments)
    assert found.unread == ["嵌入对象 b.xlsx 中的嵌入对象 xl/embeddings/c.xlsx"]
