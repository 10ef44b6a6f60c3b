"""The Word and PowerPoint templates briefings are built on. The files in data/templates/ are
what an office restyles in Word or PowerPoint (fonts, colours, heading styles, letterhead,
slide master) without touching code; the functions here make the default ones (and stand in
when a data folder has none)."""
from __future__ import annotations

import io
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from etl.knowledge import data_dir

DOCX_NAME = "briefing.docx"
PPTX_NAME = "briefing.pptx"
MARKER = "{{简报}}"  # the paragraph of a Word template that the briefing replaces
BODY_FONT, HEADING_FONT, LATIN_FONT = "宋体", "黑体", "Times New Roman"
SLIDE_FONT = "微软雅黑"
ACCENT = RGBColor(0x1F, 0x3A, 0x68)

# Styles the Word renderer uses (an office may restyle each; one it deletes falls back to Normal).
PARAGRAPH_STYLES = ("Title", "Subtitle", "Heading 1", "Heading 2", "Caption", "List Number", "简报说明", "简报图片")
TABLE_STYLE = "简报表格"


def templates_dir() -> Path:
    return data_dir() / "templates"


def template_path(name: str) -> Path | None:
    path = templates_dir() / name
    return path if path.is_file() else None


def _fonts(style, east_asia: str, size: float | None = None, bold: bool | None = None, color=None) -> None:
    font = style.font
    font.name = LATIN_FONT
    if size:
        font.size = Pt(size)
    if bold is not None:
        font.bold = bold
    if color is not None:
        font.color.rgb = color
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi"):
        fonts.set(qn(attr), LATIN_FONT)
    fonts.set(qn("w:eastAsia"), east_asia)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme"):  # a theme font would win over ours
        fonts.attrib.pop(qn(attr), None)


def _field_run(paragraph, code: str) -> None:
    """A Word field (PAGE, NUMPAGES): begin, instruction, separator, shown text, end."""
    def run_with(el) -> None:
        paragraph.add_run()._r.append(el)
    begin, separate, end = (OxmlElement("w:fldChar") for _ in range(3))
    begin.set(qn("w:fldCharType"), "begin")
    separate.set(qn("w:fldCharType"), "separate")
    end.set(qn("w:fldCharType"), "end")
    instruction = OxmlElement("w:instrText")
    instruction.set(qn("xml:space"), "preserve")
    instruction.text = f" {code} "
    run_with(begin)
    run_with(instruction)
    run_with(separate)
    paragraph.add_run("1")
    run_with(end)


def _page_number(paragraph) -> None:
    """第 N 页 / 共 M 页 with Word fields."""
    paragraph.add_run("第 ")
    _field_run(paragraph, "PAGE")
    paragraph.add_run(" 页 / 共 ")
    _field_run(paragraph, "NUMPAGES")
    paragraph.add_run(" 页")


def _table_style(doc) -> None:
    """简报表格: thin grey grid, a shaded bold header row (python-docx cannot write conditional
    formats, so they are written here once; Word edits them like any table style)."""
    style = doc.styles.add_style(TABLE_STYLE, WD_STYLE_TYPE.TABLE)
    style.base_style = doc.styles["Normal Table"]
    _fonts(style, BODY_FONT, 10.5)
    tbl_pr = style.element.find(qn("w:tblPr"))
    if tbl_pr is None:
        tbl_pr = OxmlElement("w:tblPr")
        style.element.append(tbl_pr)
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "single")
        el.set(qn("w:sz"), "4")
        el.set(qn("w:color"), "A6A6A6")
        borders.append(el)
    tbl_pr.append(borders)
    margins = OxmlElement("w:tblCellMar")
    for edge in ("left", "right"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:w"), "100")
        el.set(qn("w:type"), "dxa")
        margins.append(el)
    tbl_pr.append(margins)
    header = OxmlElement("w:tblStylePr")
    header.set(qn("w:type"), "firstRow")
    rpr = OxmlElement("w:rPr")
    rpr.append(OxmlElement("w:b"))
    fonts = OxmlElement("w:rFonts")
    fonts.set(qn("w:eastAsia"), HEADING_FONT)
    rpr.insert(0, fonts)
    header.append(rpr)
    tc_pr = OxmlElement("w:tcPr")
    shade = OxmlElement("w:shd")
    shade.set(qn("w:val"), "clear")
    shade.set(qn("w:color"), "auto")
    shade.set(qn("w:fill"), "DCE6F2")
    tc_pr.append(shade)
    header.append(tc_pr)
    style.element.append(header)


def make_docx_template(district: str) -> bytes:
    """A4 portrait, Chinese fonts (宋体 body, 黑体 headings), styled headings, a caption style,
    a table style, page numbers in the footer; the body holds the marker paragraph only."""
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(2.5), Cm(2.5)
    section.left_margin, section.right_margin = Cm(2.6), Cm(2.4)
    styles = doc.styles
    _fonts(styles["Normal"], BODY_FONT, 11)
    styles["Normal"].paragraph_format.space_after = Pt(4)
    styles["Normal"].paragraph_format.line_spacing = 1.25
    _fonts(styles["Title"], HEADING_FONT, 22, True, ACCENT)
    styles["Title"].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    styles["Title"].paragraph_format.space_after = Pt(6)
    _fonts(styles["Subtitle"], BODY_FONT, 13, False, RGBColor(0x40, 0x40, 0x40))
    styles["Subtitle"].font.italic = False
    styles["Subtitle"].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _fonts(styles["Heading 1"], HEADING_FONT, 16, True, ACCENT)
    styles["Heading 1"].paragraph_format.space_before = Pt(16)
    styles["Heading 1"].paragraph_format.space_after = Pt(6)
    _fonts(styles["Heading 2"], HEADING_FONT, 13, True, ACCENT)
    styles["Heading 2"].paragraph_format.space_before = Pt(10)
    _fonts(styles["Caption"], BODY_FONT, 10, False, RGBColor(0x40, 0x40, 0x40))
    styles["Caption"].font.italic = False
    _fonts(styles["List Number"], BODY_FONT, 11)
    note = styles.add_style("简报说明", WD_STYLE_TYPE.PARAGRAPH)
    note.base_style = styles["Normal"]
    _fonts(note, BODY_FONT, 9, False, RGBColor(0x59, 0x59, 0x59))
    picture = styles.add_style("简报图片", WD_STYLE_TYPE.PARAGRAPH)
    picture.base_style = styles["Normal"]
    picture.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    picture.paragraph_format.keep_with_next = True
    _table_style(doc)
    header = section.header.paragraphs[0]
    header.text = f"{district}社区工作简报"
    header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    header.style = note
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.style = note
    _page_number(footer)
    doc.core_properties.title = f"{district}社区工作简报"
    doc.add_paragraph(MARKER)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def make_pptx_template() -> bytes:
    """python-pptx's default deck at 16:9, with Chinese theme fonts (so text set by the
    renderer follows the master, which an office restyles in PowerPoint)."""
    from lxml import etree
    from pptx import Presentation
    from pptx.opc.constants import RELATIONSHIP_TYPE as RT
    from pptx.util import Inches

    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(13.333), Inches(7.5)
    theme = prs.slide_master.part.part_related_by(RT.THEME)
    root = etree.fromstring(theme.blob)
    ns = {"a": "http://schemas.openxmlformats.org/drawingml/2006/main"}
    for path in ("//a:majorFont/a:ea", "//a:minorFont/a:ea"):
        for el in root.xpath(path, namespaces=ns):
            el.set("typeface", SLIDE_FONT)
    theme._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    # Every layout was drawn for 4:3: stretch its placeholders to the new width (all four
    # numbers are written, or a placeholder that inherited its place would get no height; the
    # layouts go first, so none inherits a width already stretched).
    scale = prs.slide_width / Inches(10)
    for layout in [*prs.slide_layouts, prs.slide_master]:  # layouts first: they may inherit from the master
        for shape in layout.placeholders:
            box = shape.left, shape.top, shape.width, shape.height
            if None not in box:
                shape.left, shape.top, shape.width, shape.height = \
                    int(box[0] * scale), box[1], int(box[2] * scale), box[3]
    for el in prs.slide_master.element.xpath("p:txStyles/p:titleStyle/a:lvl1pPr/a:defRPr"):
        el.set("sz", "3200")  # titles of charts and tables are long: 32 pt, not 44
    buffer = io.BytesIO()
    prs.save(buffer)
    return buffer.getvalue()
