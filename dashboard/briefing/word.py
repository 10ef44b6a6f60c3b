"""A briefing as a Word document, built on the template in data/templates/briefing.docx: its
page setup, header, footer and styles are kept; the briefing goes where the template's body
says {{简报}} (or makes the whole body). Only named styles are used, so restyling the template
in Word restyles every briefing."""
from __future__ import annotations

import io
from pathlib import Path

from docx import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm

from .content import SECTIONS, Briefing, BriefingError
from .templates import DOCX_NAME, MARKER, TABLE_STYLE, make_docx_template, template_path


def _open(template: Path | None, district: str):
    path = template or template_path(DOCX_NAME)
    try:
        return Document(str(path)) if path else Document(io.BytesIO(make_docx_template(district)))
    except Exception as e:  # not a Word file, or a damaged one
        raise BriefingError(f"简报模板 {path} 无法打开（{e}）。请用 Word 另存为 .docx，或删除该文件以使用默认模板。"
                            f" (The briefing template cannot be opened: save it as .docx, or remove it.)") from e


class _Writer:
    def __init__(self, doc):
        self.doc = doc
        names = {s.name for s in doc.styles}
        self.has = names.__contains__

    def style(self, name: str, fallback: str = "Normal"):
        return name if self.has(name) else fallback

    def paragraph(self, text: str = "", style: str = "Normal"):
        return self.doc.add_paragraph(text, style=self.style(style))

    def heading(self, text: str, level: int):
        return self.paragraph(text, f"Heading {level}")

    def table(self, header: list[str], rows: list[list[str]], widths_cm: list[float]):
        table = self.doc.add_table(rows=1, cols=len(header))
        table.style = next((name for name in (TABLE_STYLE, "Table Grid") if self.has(name)), None)
        for cell, text in zip(table.rows[0].cells, header):
            cell.text = text
        for row in rows:
            for cell, text in zip(table.add_row().cells, row):
                cell.text = text
        table.autofit = False  # the widths below hold in Word and in LibreOffice
        for column, width in zip(table.columns, widths_cm):
            column.width = Cm(width)
        for row in table.rows:
            for cell, width in zip(row.cells, widths_cm):
                cell.width = Cm(width)
        _repeat_header(table.rows[0])
        return table

    def link(self, paragraph, text: str, url: str, bold: bool = False) -> None:
        """A clickable run (Word's Hyperlink character style when the template has it)."""
        r_id = paragraph.part.relate_to(url, RT.HYPERLINK, is_external=True)
        link = OxmlElement("w:hyperlink")
        link.set(qn("r:id"), r_id)
        run = OxmlElement("w:r")
        props = OxmlElement("w:rPr")
        if self.has("Hyperlink"):
            style = OxmlElement("w:rStyle")
            style.set(qn("w:val"), self.doc.styles["Hyperlink"].style_id)
            props.append(style)
        else:
            color = OxmlElement("w:color")
            color.set(qn("w:val"), "1F4E9A")
            props.append(color)
        if bold:
            props.append(OxmlElement("w:b"))
        run.append(props)
        t = OxmlElement("w:t")
        t.text = text
        t.set(qn("xml:space"), "preserve")
        run.append(t)
        link.append(run)
        paragraph._p.append(link)


def _repeat_header(row) -> None:
    props = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    props.append(el)


def _place_at_marker(doc, before: list) -> None:
    """Move what was written after the template's body to where its {{简报}} paragraph stands;
    without a marker the template's body text is replaced."""
    body = doc.element.body
    new = [el for el in body.iterchildren() if el not in before and el.tag != qn("w:sectPr")]
    marker = next((p._p for p in doc.paragraphs if p.text.strip() == MARKER and p._p in before), None)
    if marker is None:
        for el in before:
            if el.tag != qn("w:sectPr"):
                body.remove(el)
        return
    for el in new:
        marker.addprevious(el)
    body.remove(marker)


def render_docx(b: Briefing, template: Path | None = None) -> bytes:
    doc = _open(template, b.district)
    before = list(doc.element.body.iterchildren())
    w = _Writer(doc)
    doc.core_properties.title = f"{b.title} {b.subtitle}"
    doc.core_properties.subject = b.subtitle
    w.paragraph(b.title, "Title")
    w.paragraph(b.subtitle, "Subtitle")
    w.paragraph(f"数据截至 {b.as_of}　·　生成于 {b.made_at:%Y-%m-%d %H:%M}", "简报说明")

    w.heading(SECTIONS[0], 1)
    w.table(["指标", "数值", "说明"], [[f.label, f.value, f.note] for f in b.figures], [4, 4, 8])
    for note in b.notes:
        w.paragraph(note)
    if b.comparison:
        w.paragraph(b.comparison)

    w.heading(SECTIONS[1], 1)
    if not b.charts:
        w.paragraph("当前筛选条件下没有可绘制的图表。")
    for chart, png in zip(b.charts, b.images("document")):
        w.heading(chart.title, 2)
        picture = w.paragraph(style="简报图片")
        picture.add_run().add_picture(io.BytesIO(png), width=Cm(16))
        w.paragraph(chart.caption, "Caption")

    w.heading(SECTIONS[2], 1)
    if b.gaps:
        w.paragraph(f"筛选范围内 {b.units_in_scope} 个社区和村中，{b.gap_count} 个在本期没有活动报道：")
        w.table(["街道", "个数", "社区和村"], [[g.street, str(len(g.names)), "、".join(g.names)] for g in b.gaps],
                [3, 1.5, 11.5])
    else:
        w.paragraph(f"筛选范围内 {b.units_in_scope} 个社区和村在本期都有活动报道。")

    w.heading(SECTIONS[3], 1)
    w.paragraph(b.article_rule, "简报说明")
    if not b.articles:
        w.paragraph("当前筛选条件下没有文章。")
    for a in b.articles:
        item = w.paragraph(style="List Number")
        w.link(item, a.title, a.link, bold=True)
        w.paragraph(f"{a.date} · {a.place} · 来源：{a.source}", "简报说明")
        w.paragraph(a.first_sentence)

    w.heading(SECTIONS[4], 1)
    for line in b.footer:
        w.paragraph(line, "简报说明")
    view = w.paragraph("看板中的同一视图：", "简报说明")
    w.link(view, b.view_link, b.view_link)
    _place_at_marker(doc, before)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
