"""Briefings (工作简报) of the view the filters select, as Word, PDF or slides.

    b = build(engine, filters, base_url="http://host:8501")   # content.py: what it says
    data = render(b, "docx")                                  # word.py, pdf.py, slides.py

Plain modules (no Streamlit): the overview's 生成简报 control and `python -m etl brief` both
come here."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.engine import Engine

from analytics.filters import Filters

from .. import exports
from .content import Briefing, BriefingError, build


@dataclass(frozen=True)
class Format:
    label: str
    mime: str


FORMATS: dict[str, Format] = {
    "docx": Format("Word 文档（.docx）", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "pdf": Format("PDF（.pdf）", "application/pdf"),
    "pptx": Format("幻灯片（.pptx）", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
}


def render(b: Briefing, fmt: str) -> bytes:
    if fmt == "docx":
        from .word import render_docx
        return render_docx(b)
    if fmt == "pdf":
        from .pdf import render_pdf
        return render_pdf(b)
    if fmt == "pptx":
        from .slides import render_pptx
        return render_pptx(b)
    raise BriefingError(f"不支持的简报格式：{fmt}。请选择 docx、pdf 或 pptx。 (Unknown format {fmt!r}: docx, pdf or pptx.)")


PRESETS = {"docx": "document", "pdf": "document", "pptx": "slide"}  # exports.PRESETS: chart sizes


def make(engine: Engine, f: Filters, fmt: str, base_url: str = "") -> tuple[Briefing, bytes]:
    """The briefing of these filters as a file of this format. Chromium starts while the
    figures are computed, and is closed before the file is written."""
    if fmt not in FORMATS:
        render(None, fmt)  # says which formats there are
    with exports.ImageSession() as session:
        b = build(engine, f, base_url=base_url, session=session)
        b.images(PRESETS[fmt])
    b._session = None
    return b, render(b, fmt)


def file_name(b: Briefing, fmt: str) -> str:
    return f"{exports.safe_name(b.title, b.subtitle, b.made_at.date().isoformat())}.{fmt}"


__all__ = ["FORMATS", "PRESETS", "Briefing", "BriefingError", "Format", "build", "file_name", "make", "render"]
