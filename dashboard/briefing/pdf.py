"""A briefing as a PDF (A4), the same content as the Word document, written with fpdf2 and the
system's Noto Sans CJK font, embedded as a subset (the file reads the same on any computer;
nothing is fetched)."""
from __future__ import annotations

import glob
import io
import shutil
import subprocess

from fpdf import FPDF
from fpdf.enums import TextMode, WrapMode, XPos, YPos
from fpdf.fonts import FontFace

from .content import SECTIONS, Briefing, BriefingError

FAMILY = "cjk"
ACCENT = (31, 58, 104)
GREY = (89, 89, 89)
KNOWN_FONTS = ("/usr/share/fonts/opentype/noto/NotoSansCJK-{style}.ttc",
               "/usr/share/fonts/noto-cjk/NotoSansCJK-{style}.ttc",
               "/usr/share/fonts/opentype/noto/NotoSansCJKsc-{style}.otf")
NO_FONT = ("未找到中文字体（Noto Sans CJK），无法生成 PDF。请安装 Debian 软件包 fonts-noto-cjk"
           "（apt-get install fonts-noto-cjk）后重试。"
           " (No CJK font for the PDF: apt-get install fonts-noto-cjk.)")


def _fc_match(pattern: str) -> tuple[str, int] | None:
    if not shutil.which("fc-match"):
        return None
    try:
        out = subprocess.run(["fc-match", "-f", "%{file}|%{index}|%{family}", pattern], capture_output=True,
                             text=True, timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    path, _, rest = out.partition("|")
    index, _, family = rest.partition("|")
    return (path, int(index or 0)) if path and "CJK" in family else None


def _collection_index(path: str) -> int:
    """Which font of a collection is the Simplified Chinese one."""
    if not path.endswith(".ttc"):
        return 0
    from fontTools.ttLib import TTCollection
    collection = TTCollection(path, lazy=True)
    for i, font in enumerate(collection.fonts):
        if "SC" in (font["name"].getBestFamilyName() or "").split():
            return i
    return 0


def cjk_font(style: str = "Regular") -> tuple[str, int]:
    """(file, index in its collection) of the system's Noto Sans CJK SC."""
    found = _fc_match(f"Noto Sans CJK SC:style={style}")
    if found:
        return found
    for pattern in KNOWN_FONTS:
        for path in glob.glob(pattern.format(style=style)):
            return path, _collection_index(path)
    raise BriefingError(NO_FONT)


class _PDF(FPDF):
    footer_text = ""

    def footer(self) -> None:
        mode = self.text_mode  # a page may end inside a bold (stroked) heading
        self.text_mode = TextMode.FILL
        self.set_y(-14)
        self.set_font(FAMILY, size=8)
        self.set_text_color(*GREY)
        self.cell(0, 6, f"{self.footer_text}　·　第 {self.page_no()} 页 / 共 {{nb}} 页", align="C")
        self.text_mode = mode


def _document(b: Briefing) -> _PDF:
    pdf = _PDF(format="A4", unit="mm")
    pdf.footer_text = f"{b.title} {b.subtitle}"
    pdf.set_margins(20, 18, 20)
    pdf.set_auto_page_break(True, margin=20)
    # One weight, subset and embedded; bold is drawn by stroking the glyphs' outlines too, which
    # halves the time spent subsetting CJK fonts.
    regular = cjk_font("Regular")
    try:
        pdf.add_font(FAMILY, "", regular[0], collection_font_number=regular[1])
    except Exception as e:  # a font file fpdf2 cannot read
        raise BriefingError(f"{NO_FONT} ({e})") from e
    for font in pdf.fonts.values():  # the subset keeps the font's own bounding box: half the time
        if getattr(font, "ttfont", None) is not None:
            font.ttfont.recalcBBoxes = False
    pdf.set_title(f"{b.title} {b.subtitle}")
    pdf.set_subject(b.subtitle)
    pdf.set_creator(f"{b.district}社区工作看板")
    pdf.set_lang("zh-CN")
    return pdf


def _text(pdf: _PDF, text: str, size: float = 10.5, bold: bool = False, color=(0, 0, 0), align: str = "J",
          link: str | None = None, height: float | None = None) -> None:
    pdf.set_font(FAMILY, "", size)
    pdf.set_text_color(*color)
    if bold:  # outlines stroked in the text's colour, 3% of the em wide
        pdf.text_mode = TextMode.FILL_STROKE
        pdf.set_draw_color(*color)
        pdf.set_line_width(size * 0.3528 * 0.03)
    pdf.multi_cell(0, height or size * 0.55, text, align=align, wrapmode=WrapMode.CHAR, link=link or None,
                   new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    if bold:
        pdf.text_mode = TextMode.FILL
        pdf.set_line_width(0.2)


def _heading(pdf: _PDF, text: str, level: int = 1, keep: float = 40) -> None:
    """A heading, on a new page unless `keep` millimetres of what follows fit under it."""
    size = 15 if level == 1 else 12
    if pdf.get_y() + 12 + keep > pdf.h - pdf.b_margin:
        pdf.add_page()
    pdf.ln(4 if level == 1 else 2)
    _text(pdf, text, size, bold=True, color=ACCENT, align="L", height=size * 0.6)
    if level == 1:
        y = pdf.get_y() + 0.5
        pdf.set_draw_color(*ACCENT)
        pdf.line(pdf.l_margin, y, pdf.w - pdf.r_margin, y)
        pdf.ln(2.5)


def _table(pdf: _PDF, header: list[str], rows: list[list[str]], widths: tuple[float, ...]) -> None:
    pdf.set_font(FAMILY, "", 9.5)
    pdf.set_text_color(0, 0, 0)
    pdf.set_draw_color(166, 166, 166)
    with pdf.table(col_widths=widths, text_align="LEFT", wrapmode=WrapMode.CHAR, line_height=5.2,
                   headings_style=FontFace(color=ACCENT, fill_color=(220, 230, 242)), padding=1.2) as table:
        for row in [header, *rows]:
            cells = table.row()
            for value in row:
                cells.cell(value)
    pdf.ln(2)


def render_pdf(b: Briefing) -> bytes:
    pdf = _document(b)
    pdf.add_page()
    _text(pdf, b.title, 22, bold=True, color=ACCENT, align="C", height=12)
    _text(pdf, b.subtitle, 13, color=(64, 64, 64), align="C", height=8)
    _text(pdf, f"数据截至 {b.as_of}　·　生成于 {b.made_at:%Y-%m-%d %H:%M}", 9, color=GREY, align="C")

    _heading(pdf, SECTIONS[0])
    _table(pdf, ["指标", "数值", "说明"], [[f.label, f.value, f.note] for f in b.figures], (4, 4, 8))
    for note in b.notes:
        _text(pdf, note)
    if b.comparison:
        _text(pdf, b.comparison)

    width = 160.0  # mm, as in the Word document
    height = width * 0.6  # the document preset is 1000 x 600
    _heading(pdf, SECTIONS[1], keep=height + 30 if b.charts else 20)
    if not b.charts:
        _text(pdf, "当前筛选条件下没有可绘制的图表。")
    for chart, png in zip(b.charts, b.images("document")):
        _heading(pdf, chart.title, 2, keep=height + 12)
        pdf.image(io.BytesIO(png), x=(pdf.w - width) / 2, w=width, h=height)
        _text(pdf, chart.caption, 9.5, color=(64, 64, 64))
        pdf.ln(2)

    _heading(pdf, SECTIONS[2])
    if b.gaps:
        _text(pdf, f"筛选范围内 {b.units_in_scope} 个社区和村中，{b.gap_count} 个在本期没有活动报道：")
        pdf.ln(1)
        _table(pdf, ["街道", "个数", "社区和村"], [[g.street, str(len(g.names)), "、".join(g.names)] for g in b.gaps],
               (3, 1.5, 11.5))
    else:
        _text(pdf, f"筛选范围内 {b.units_in_scope} 个社区和村在本期都有活动报道。")

    _heading(pdf, SECTIONS[3])
    _text(pdf, b.article_rule, 9, color=GREY)
    if not b.articles:
        _text(pdf, "当前筛选条件下没有文章。")
    for i, a in enumerate(b.articles, 1):
        pdf.ln(1.5)
        _text(pdf, f"{i}. {a.title}", 11, bold=True, color=(31, 78, 154), align="L", link=a.link)
        _text(pdf, f"{a.date} · {a.place} · 来源：{a.source}", 9, color=GREY, align="L")
        _text(pdf, a.first_sentence, 10)

    _heading(pdf, SECTIONS[4])
    for line in b.footer:
        _text(pdf, line, 9, color=GREY)
    _text(pdf, f"看板中的同一视图：{b.view_link}", 9, color=(31, 78, 154), align="L", link=b.view_link)
    return bytes(pdf.output())
