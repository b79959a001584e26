"""The minutes as a Word document (.docx), the way a Party organisation files
them: A4, the title centred, the record's head as a form table (时间, 地点,
主持人, 记录人, 应到/实到/缺席 …), then the parts under their headings, the
follow-up tasks as a table, the addenda last.

Drawn from ``minutes_content.MinutesDocument``; python-docx is imported here
only, so the rest of xiaozu starts without it.
"""

from __future__ import annotations

from io import BytesIO

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt, RGBColor
from docx.styles.style import ParagraphStyle
from docx.text.run import Run

from tui.export.minutes_content import Heading, MinutesDocument, Para, Table

#: Fonts every Chinese Windows and WPS has; the Latin text in Times New Roman.
BODY_FONT = "宋体"
HEAD_FONT = "黑体"
LATIN_FONT = "Times New Roman"


def minutes_docx(document: MinutesDocument) -> bytes:
    """The .docx file's bytes."""
    doc = Document()
    _page(doc)
    _styles(doc)
    doc.core_properties.title = document.title
    doc.core_properties.author = "xiaozu"
    doc.core_properties.language = "en-GB" if document.lang == "en" else "zh-CN"

    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run(document.title)
    run.bold = True
    run.font.size = Pt(18)
    _east_asian(run, HEAD_FONT)
    for note in document.notes:
        line = doc.add_paragraph()
        line.alignment = WD_ALIGN_PARAGRAPH.CENTER
        note_run = line.add_run(note)
        note_run.font.size = Pt(10.5)
        if document.draft:
            note_run.bold = True
            note_run.font.color.rgb = RGBColor(0xC0, 0x00, 0x00)

    head = doc.add_table(rows=0, cols=2)
    head.style = "Table Grid"
    head.alignment = WD_TABLE_ALIGNMENT.CENTER
    for label, value in document.head:
        cells = head.add_row().cells
        cells[0].width, cells[1].width = Cm(3.6), Cm(12.4)
        label_run = cells[0].paragraphs[0].add_run(label)
        label_run.bold = True
        cells[1].paragraphs[0].add_run(value)

    for block in document.blocks:
        if isinstance(block, Heading):
            doc.add_heading(block.text, level=block.level)
        elif isinstance(block, Para):
            paragraph = doc.add_paragraph()
            if block.lead:
                paragraph.add_run(block.lead).bold = True
            paragraph.add_run(block.text)
        elif isinstance(block, Table):
            _table(doc, block)

    out = BytesIO()
    doc.save(out)
    return out.getvalue()


def _page(doc: DocxDocument) -> None:
    for section in doc.sections:
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin = section.bottom_margin = Mm(25)
        section.left_margin = section.right_margin = Mm(25)


def _styles(doc: DocxDocument) -> None:
    normal = doc.styles["Normal"]
    assert isinstance(normal, ParagraphStyle)
    normal.font.name = LATIN_FONT
    normal.font.size = Pt(12)
    _style_east_asian(normal, BODY_FONT)
    normal.paragraph_format.space_after = Pt(4)
    for level, size in ((1, 14), (2, 12)):
        style = doc.styles[f"Heading {level}"]
        assert isinstance(style, ParagraphStyle)
        style.font.name = LATIN_FONT
        style.font.size = Pt(size)
        style.font.bold = True
        style.font.italic = False
        style.font.color.rgb = RGBColor(0, 0, 0)
        _style_east_asian(style, HEAD_FONT)
        style.paragraph_format.space_before = Pt(12 if level == 1 else 6)
        style.paragraph_format.space_after = Pt(4)


def _style_east_asian(style: ParagraphStyle, font: str) -> None:
    # Word takes Chinese characters' font from w:eastAsia, which python-docx
    # does not set through ``font.name``.
    rpr = style.element.get_or_add_rPr()
    rpr.get_or_add_rFonts().set(qn("w:eastAsia"), font)


def _east_asian(run: Run, font: str) -> None:
    rpr = run._element.get_or_add_rPr()
    rpr.get_or_add_rFonts().set(qn("w:eastAsia"), font)


def _table(doc: DocxDocument, block: Table) -> None:
    table = doc.add_table(rows=1, cols=len(block.header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, block.header, strict=True):
        cell.paragraphs[0].add_run(text).bold = True
    for row in block.rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            cell.paragraphs[0].add_run(text)
