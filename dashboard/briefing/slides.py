"""A briefing as slides (16:9): a title slide with the key figures, one slide per chart with its
caption and the figures, the communities and villages with no activity, the key articles, and
the notes on how to read the counts. Built on data/templates/briefing.pptx (its master, theme
fonts and layouts: an office restyles them in PowerPoint)."""
from __future__ import annotations

import io
from pathlib import Path

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.util import Emu, Inches, Pt

from .content import Briefing, BriefingError
from .templates import PPTX_NAME, make_pptx_template, template_path

ACCENT = RGBColor(0x1F, 0x3A, 0x68)
GREY = RGBColor(0x59, 0x59, 0x59)
LINK = RGBColor(0x1F, 0x4E, 0x9A)
GAP_NAMES_MAX = 60  # characters of names per street on the slide (the documents list them all)
SLIDE_ARTICLES = 6  # key articles on their slide (the documents list them all)


def _short(names: str, limit: int) -> str:
    """A list of names cut to fit a cell: 文兴社区、新悦社区 等 9 处."""
    if len(names) <= limit:
        return names
    parts = names.split("、")
    return names[:limit].rsplit("、", 1)[0] + f" 等 {len(parts)} 处"


def _open(template: Path | None):
    path = template or template_path(PPTX_NAME)
    try:
        return Presentation(str(path)) if path else Presentation(io.BytesIO(make_pptx_template()))
    except Exception as e:
        raise BriefingError(f"幻灯片模板 {path} 无法打开（{e}）。请用 PowerPoint 另存为 .pptx，或删除该文件以使用默认模板。"
                            f" (The slide template cannot be opened: save it as .pptx, or remove it.)") from e


def _layout(prs, name: str, fallback: int):
    return next((l for l in prs.slide_layouts if l.name == name), prs.slide_layouts[fallback])


def _box(slide, left, top, width, height, lines: list[tuple[str, float, bool, RGBColor | None]],
         align=PP_ALIGN.LEFT, anchor=MSO_ANCHOR.TOP):
    """A text box of (text, size, bold, colour) paragraphs."""
    frame = slide.shapes.add_textbox(left, top, width, height).text_frame
    frame.word_wrap = True
    frame.vertical_anchor = anchor
    for i, (text, size, bold, color) in enumerate(lines):
        p = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        p.alignment = align
        run = p.add_run()
        run.text = text
        run.font.size, run.font.bold = Pt(size), bold
        if color is not None:
            run.font.color.rgb = color
    return frame


def _title(slide, text: str) -> None:
    if slide.shapes.title is not None:
        slide.shapes.title.text = text


def _source(slide, prs, b: Briefing) -> None:
    _box(slide, Inches(0.4), prs.slide_height - Inches(0.45), prs.slide_width - Inches(0.8), Inches(0.35),
         [(f"{b.source}　·　{b.subtitle}", 10, False, GREY)])


def _figure_lines(b: Briefing) -> list[tuple[str, float, bool, RGBColor | None]]:
    lines = [("本期主要数据", 13, True, ACCENT)]
    lines += [(f"{f.label}：{f.value}", 12, False, None) for f in b.figures]
    return lines


def _title_slide(prs, b: Briefing) -> None:
    slide = prs.slides.add_slide(_layout(prs, "Title Slide", 0))
    margin, gap = Inches(0.5), Inches(0.15)
    width = prs.slide_width - 2 * margin
    if slide.shapes.title is not None:
        title = slide.shapes.title
        title.left, title.top, title.width, title.height = margin, Inches(0.9), width, Inches(1.3)
        title.text = b.title
    subtitle = [f"{b.subtitle}", f"数据截至 {b.as_of} · 生成于 {b.made_at:%Y-%m-%d %H:%M}"]
    placeholders = [p for p in slide.placeholders if p.placeholder_format.idx == 1]
    if placeholders:
        box = placeholders[0]
        box.left, box.top, box.width, box.height = margin, Inches(2.3), width, Inches(1.1)
        box.text = "\n".join(subtitle)
        for paragraph, size in zip(box.text_frame.paragraphs, (24, 14)):
            for run in paragraph.runs:
                run.font.size = Pt(size)
    else:
        _box(slide, margin, Inches(2.3), width, Inches(1.1), [(t, 18, False, GREY) for t in subtitle], PP_ALIGN.CENTER)
    # The key figures as a row of cards.
    n = len(b.figures)
    card_width = int((width - (n - 1) * gap) / max(n, 1))
    top = Inches(3.9)
    for i, f in enumerate(b.figures):
        left = margin + i * (card_width + gap)
        card = slide.shapes.add_shape(1, left, top, card_width, Inches(1.4))  # 1: rectangle
        card.fill.solid()
        card.fill.fore_color.rgb = RGBColor(0xEE, 0xF3, 0xFB)
        card.line.fill.background()
        _box(slide, left, top + Inches(0.1), card_width, Inches(1.2),
             [(f.value, 24 if len(f.value) < 12 else 15, True, ACCENT), (f.label, 12, False, GREY)],
             PP_ALIGN.CENTER, MSO_ANCHOR.MIDDLE)
    notes = [*b.notes, *([b.comparison] if b.comparison else [])]
    if notes:
        _box(slide, margin, Inches(5.55), width, Inches(1.4), [(t, 12, False, GREY) for t in notes])


def _chart_slides(prs, b: Briefing) -> None:
    layout = _layout(prs, "Title Only", 5)
    for chart, png in zip(b.charts, b.images("slide")):
        slide = prs.slides.add_slide(layout)
        _title(slide, chart.title)
        width = Inches(9.1)
        slide.shapes.add_picture(io.BytesIO(png), Inches(0.35), Inches(1.45), width=width,
                                 height=Emu(int(width * 720 / 1280)))
        left = Inches(9.65)
        _box(slide, left, Inches(1.5), prs.slide_width - left - Inches(0.35), Inches(5.3),
             [(chart.caption, 13, False, None), ("", 8, False, None)] + _figure_lines(b))
        _source(slide, prs, b)
        slide.notes_slide.notes_text_frame.text = chart.caption


def _table(slide, left, top, width, header: list[str], rows: list[list[str]], widths: list[float], size=11,
           height=None):
    """A table; with `height`, its rows share that height (the slide's room below the title)."""
    row_height = int(height / (len(rows) + 1)) if height else Inches(0.4)
    shape = slide.shapes.add_table(len(rows) + 1, len(header), left, top, width, row_height * (len(rows) + 1))
    table = shape.table
    total = sum(widths)
    for i, w in enumerate(widths):
        table.columns[i].width = int(width * w / total)
    for row in table.rows:
        row.height = row_height
    for r, values in enumerate([header, *rows]):
        for c, value in enumerate(values):
            cell = table.cell(r, c)
            cell.margin_top = cell.margin_bottom = Inches(0.03)
            cell.text = value
            for p in cell.text_frame.paragraphs:
                for run in p.runs:
                    run.font.size = Pt(size)
                    run.font.bold = r == 0
    return table


def _gap_slide(prs, b: Briefing) -> None:
    slide = prs.slides.add_slide(_layout(prs, "Title Only", 5))
    _title(slide, "无活动报道的社区和村")
    if not b.gaps:
        _box(slide, Inches(0.6), Inches(1.6), Inches(12), Inches(1),
             [(f"筛选范围内 {b.units_in_scope} 个社区和村在本期都有活动报道。", 16, False, None)])
        return
    _box(slide, Inches(0.5), Inches(1.3), Inches(12.3), Inches(0.5),
         [(f"筛选范围内 {b.units_in_scope} 个社区和村中，{b.gap_count} 个在本期没有活动报道（完整名单见 Word / PDF 简报）。",
           13, False, None)])

    def names(g) -> str:
        text = "、".join(g.names)
        return text if len(text) <= GAP_NAMES_MAX else text[:GAP_NAMES_MAX].rsplit("、", 1)[0] + f" 等 {len(g.names)} 个"
    size = 10 if len(b.gaps) > 12 else 12
    _table(slide, Inches(0.5), Inches(1.85), Inches(12.3), ["街道", "个数", "社区和村"],
           [[g.street, str(len(g.names)), names(g)] for g in b.gaps], [2, 1, 12], size,
           height=prs.slide_height - Inches(1.85 + 0.6))
    _source(slide, prs, b)


def _articles_slide(prs, b: Briefing) -> None:
    slide = prs.slides.add_slide(_layout(prs, "Title Only", 5))
    _title(slide, "重点文章")
    more = f"（幻灯片列前 {SLIDE_ARTICLES} 篇，完整列表见 Word / PDF 简报）" if len(b.articles) > SLIDE_ARTICLES else ""
    _box(slide, Inches(0.5), Inches(1.25), Inches(12.3), Inches(0.4), [(b.article_rule + more, 11, False, GREY)])
    if not b.articles:
        _box(slide, Inches(0.6), Inches(1.8), Inches(12), Inches(1), [("当前筛选条件下没有文章。", 16, False, None)])
        return
    shown = b.articles[:SLIDE_ARTICLES]
    table = _table(slide, Inches(0.5), Inches(1.7), Inches(12.3), ["日期", "地点", "标题与首句", "来源公报"],
                   [[a.date, _short(a.place, 18), "", a.source] for a in shown], [1.6, 2.2, 7, 2.4], 10)
    for r, a in enumerate(shown, 1):
        frame = table.cell(r, 2).text_frame
        run = frame.paragraphs[0].add_run()
        run.text = a.title
        run.font.size, run.font.bold = Pt(11), True
        run.font.color.rgb = LINK
        run.hyperlink.address = a.link
        sentence = frame.add_paragraph().add_run()
        sentence.text = a.first_sentence if len(a.first_sentence) <= 70 else a.first_sentence[:69] + "…"
        sentence.font.size = Pt(9)
    _source(slide, prs, b)


def _notes_slide(prs, b: Briefing) -> None:
    slide = prs.slides.add_slide(_layout(prs, "Title Only", 5))
    _title(slide, "说明")
    lines = [(line, 13, False, None) for line in b.footer]
    lines += [("", 6, False, None), (f"看板中的同一视图：{b.view_link}", 12, False, LINK)]
    _box(slide, Inches(0.6), Inches(1.5), prs.slide_width - Inches(1.2), Inches(5.4), lines)


def render_pptx(b: Briefing, template: Path | None = None) -> bytes:
    prs = _open(template)
    prs.core_properties.title = f"{b.title} {b.subtitle}"
    _title_slide(prs, b)
    _chart_slides(prs, b)
    _gap_slide(prs, b)
    _articles_slide(prs, b)
    _notes_slide(prs, b)
    buffer = io.BytesIO()
    prs.save(buffer)
    return buffer.getvalue()
