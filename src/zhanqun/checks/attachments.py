"""Attachments (R4.2, R4.3, R4.4): the text of XLSX, XLS, DOCX, PDF, CSV, TXT and OFD files is scanned like
an article. What cannot be read automatically is a finding of its own, so a person checks it by hand.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from zhanqun.checks.textscan import Text
from zhanqun.findings import Finding, Severity, define

if TYPE_CHECKING:
    from zhanqun.checks.gates import Gates

UNREADABLE = define(
    "A001", "attachment-unreadable", Severity.WARNING, "附件无法自动检查，需要人工审核。",
    why="加密、损坏、过大或老格式（.doc、.wps、.et）的附件读不出文字，其中的身份证号、密级标志无法自动发现。",
    example="加密的 PDF；压缩比异常的 DOCX；50 MB 的扫描件",
    fix="把附件另存为未加密的 PDF、DOCX 或 XLSX 后重新上传；确实无法转换的，由审核人逐页人工检查后在审核意见中写明。",
    requirement="R4.2, R2.8",
)
NO_TEXT = define(
    "A002", "attachment-without-text", Severity.WARNING, "PDF 附件没有文字层（疑似扫描件），需要人工审核。",
    why="扫描件是图片，自动检查看不到其中的文字；扫描的名单、证件最容易泄露个人信息。",
    example="把盖章的纸质文件扫描成 PDF 上传",
    fix="尽量上传带文字的 PDF 或 OFD；扫描件须由审核人逐页检查个人信息和密级标志。",
    requirement="R4.2, R2.8",
)
PART_UNREAD = define(
    "A003", "attachment-part-unreadable", Severity.WARNING, "附件中有部分内容（如嵌入的对象）无法自动检查，需要人工审核。",
    why="表格和文档里除了单元格和正文，还有批注、文本框、页眉页脚、图表和嵌入的其他文件；"
        "身份证号藏在读不出的嵌入对象里，自动检查就发现不了。",
    example="Excel 中用“插入→对象”嵌入了一个旧版 Word 文档（oleObject1.bin）",
    fix="删除嵌入的对象，把其内容另存为 PDF、DOCX 或 XLSX 单独作为附件；确需保留的，由审核人打开附件逐一检查。",
    requirement="R4.2, R2.8",
)

# Files the gates look at (the build publishes these from column folders): the text of documents
# (= extract.SUFFIXES), and SVG images for active content (H005). Scanned once per content, in parallel and
# cached by crossfile.scan_attachments, in the full check and in pre-commit for the files of a commit.
SCANNED_SUFFIXES = {".xlsx", ".xls", ".docx", ".doc", ".pdf", ".csv", ".txt", ".ofd", ".wps", ".et", ".svg"}


def scan(path: Path, rel: str, gates: Gates) -> list[Finding]:
    """Findings for one attachment. Never raises for a bad file: that is an A001/A002 finding."""
    from zhanqun.checks import extract

    if path.suffix.lower() == ".svg":
        from zhanqun.checks.files import svg_findings

        return list(svg_findings(path, rel))
    findings: list[Finding] = []
    try:
        found = extract.extract_all(path)
        for segment in found.segments:
            # Normalised like an article's text (R4.10); digits spaced glyph by glyph ("4 1 9 9 0 0 …", as some
            # PDF generators write them) are joined there.
            doc = Text(segment.text, rel, segment.line, where=segment.where)
            findings += gates.scan_attachment_text(doc)
        findings += [Finding(rel, 0, 0, PART_UNREAD, f"附件中的{part}无法自动检查。",
                             "删除该对象，或把它的内容另存为 PDF、DOCX、XLSX 单独上传；否则由审核人人工检查。", key=part)
                     for part in found.unread]
    except extract.NoText as exc:
        findings.append(Finding(rel, 0, 0, NO_TEXT, f"{exc.reason}", "由审核人逐页检查个人信息和密级标志。"))
    except extract.Unreadable as exc:
        findings.append(Finding(rel, 0, 0, UNREADABLE, f"附件无法自动检查：{exc.reason}", "另存为未加密的 PDF、DOCX 或 XLSX 后重新上传，或由审核人人工检查。"))
    return _collapse(findings)


def _collapse(findings: Iterable[Finding]) -> list[Finding]:
    """A spreadsheet row reports each code once; the same number repeated in a row is one finding."""
    seen: set[tuple[int, str, str]] = set()
    result = []
    for f in findings:
        key = (f.line, f.code, f.key)
        if key not in seen:
            seen.add(key)
            result.append(f)
    return result
