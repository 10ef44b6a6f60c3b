"""Briefings (工作简报) built from the sample data in all three formats and read back: the figures
are the overview page's for the same filters, every chart is there, the PDF embeds a CJK font
and its first page has text on it, the links lead to the article view, the Word template is
what an office restyles, and the command line reads its filters the way the URL does."""
import io
import shutil
import subprocess
import sys
from datetime import date, datetime

import pytest
from docx import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.shared import RGBColor
from PIL import Image
from pptx import Presentation
from pypdf import PdfReader
from streamlit.testing.v1 import AppTest

from analytics import queries
from analytics.filters import Filters
from dashboard import briefing, exports, tables
from dashboard.briefing import content
from dashboard.briefing.options import filters_from_options
from dashboard.briefing.templates import DOCX_NAME, MARKER, templates_dir
from etl.ingest import ingest_paths
from etl.store import make_engine
from support import ROOT, SAMPLES, page_failures

MAY = Filters(date_from=date(2025, 5, 1), date_to=date(2025, 5, 31))
BASE = "http://dashboard.example:8501"
CHART_TITLES = ["各街道活动数", "各主题活动数", "各服务类型活动数", "各周活动（项次）"]


@pytest.fixture(scope="module")
def store_url(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('brief') / 'store.db'}"
    ingest_paths(make_engine(url), sorted(SAMPLES.glob("*.txt")))
    return url


@pytest.fixture(scope="module")
def engine(store_url):
    engine = make_engine(store_url)
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def made(engine):
    """One briefing of May 2025 in every format (charts drawn once per size)."""
    b = briefing.build(engine, MAY, base_url=BASE, now=datetime(2025, 6, 3, 9, 30))
    return b, {fmt: briefing.render(b, fmt) for fmt in briefing.FORMATS}


def _overview_metrics(store_url, monkeypatch, params: dict) -> dict[str, str]:
    monkeypatch.setenv("DATABASE_URL", store_url)
    monkeypatch.chdir(ROOT)
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not page_failures(at)
    return {m.label: m.value for m in at.metric}


@pytest.mark.parametrize("f", [MAY, Filters(streets=("开源街道",), themes=("elderly", "safety")),
                               Filters(q="义诊", include_undated=False), MAY.with_(count="reports")],
                         ids=lambda f: f.describe())
def test_key_figures_are_the_overview_page_s(engine, store_url, monkeypatch, f):
    params = {k: ",".join(v) for k, v in f.to_params().items()}
    shown = _overview_metrics(store_url, monkeypatch, params)
    b = briefing.build(engine, f)
    assert {k.label: k.value for k in b.figures} == shown
    assert b.figures[1].value.startswith("≥ ") == queries.overview(engine, f).participants_approx


def test_title_period_and_filters_in_words(engine, kb):
    b = briefing.build(engine, MAY.with_(streets=("开源街道",), themes=("elderly",)))
    assert b.title == f"{kb.district}社区工作简报"
    assert b.subtitle == "2025年5月 · 开源街道 · 为老服务"
    assert content.period_words(date(2025, 4, 1), date(2025, 6, 30)) == "2025年4月至6月"
    assert content.period_words(date(2025, 5, 3), date(2025, 5, 9)) == "2025年5月3日至5月9日"
    assert content.period_words(date(2025, 1, 1), date(2025, 12, 31)) == "2025年"
    assert content.period_words(None, None) == "全部时间"


def test_previous_period_of_equal_length():
    assert content.previous_period(date(2025, 5, 1), date(2025, 5, 31)) == (date(2025, 4, 1), date(2025, 4, 30), "上月")
    assert content.previous_period(date(2025, 1, 1), date(2025, 3, 31))[:2] == (date(2024, 10, 1), date(2024, 12, 31))
    assert content.previous_period(date(2025, 5, 10), date(2025, 5, 16))[:2] == (date(2025, 5, 3), date(2025, 5, 9))


def test_comparison_counts_dated_articles_of_both_periods(engine, made):
    b, _ = made
    now = queries.overview(engine, MAY.with_(include_undated=False))
    before = queries.overview(engine, MAY.with_(date_from=date(2025, 4, 1), date_to=date(2025, 4, 30),
                                                include_undated=False))
    assert b.comparison.startswith("与上月（2025年4月")
    assert f"活动 {now.articles} 项（上月 {before.articles} 项" in b.comparison
    assert "只计有日期的活动" in b.comparison
    assert briefing.build(engine, Filters()).comparison is None  # no period, nothing to compare


def test_the_briefing_counts_in_the_dashboard_s_words(engine):
    """Counting events (the default), the charts, captions and comparison say 活动 and 项, never
    篇; counting reports, 文章 and 篇: the words of the dashboard's charts for the same filters."""
    events, reports = (briefing.build(engine, MAY.with_(count=count)) for count in ("events", "reports"))
    said = {b.filters.count: " ".join([b.comparison, *b.notes, *(f"{c.title} {c.caption}" for c in b.charts)])
            for b in (events, reports)}
    assert "篇" not in said["events"] and "文章" not in said["events"] and "项" in said["events"]
    assert "项" not in said["reports"] and "篇" in said["reports"]
    assert [c.title for c in events.charts] == CHART_TITLES
    assert [c.title for c in reports.charts] == ["各街道文章数", "各主题文章数", "各服务类型文章数", "各周文章（篇次）"]
    for b in (events, reports):  # each chart's title is the figure's own
        assert all(c.figure.layout.title.text == c.title for c in b.charts)
    assert "项活动" in events.footer[0] and "篇报道" in events.footer[0] and "篇文章" in reports.footer[0]


def test_gaps_and_key_articles_are_traceable(engine, made):
    b, _ = made
    gaps = tables.gaps(queries.coverage(engine, MAY), MAY)
    assert b.gap_count == len(gaps) and {n for g in b.gaps for n in g.names} == set(gaps["名称"])
    assert b.articles and len(b.articles) <= content.KEY_ARTICLES
    for a in b.articles:
        assert a.link == f"{BASE}/articles?article={a.id}"
        detail = queries.article_detail(engine, a.id)
        assert detail["title"] == a.title and a.source.startswith(detail["bulletin"])
    people = [queries.article_detail(engine, a.id)["text"] for a in b.articles[:2]]
    assert "170余位老人" in "".join(people)  # the most attended come first


def test_word_document(made, engine):
    b, files = made
    doc = Document(io.BytesIO(files["docx"]))
    texts = [p.text for p in doc.paragraphs]
    assert texts[0] == b.title and texts[1] == "2025年5月"
    assert doc.paragraphs[0].style.name == "Title"
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert "一、主要数据" in headings and all(t in headings for t in CHART_TITLES)
    figures = [[c.text for c in row.cells] for row in doc.tables[0].rows[1:]]
    assert [(r[0], r[1]) for r in figures] == [(f.label, f.value) for f in b.figures]
    assert len(doc.inline_shapes) == len(b.charts) == 4
    for shape in doc.inline_shapes:
        blob = doc.part.related_parts[shape._inline.graphic.graphicData.pic.blipFill.blip.embed].blob
        assert Image.open(io.BytesIO(blob)).size == (2 * 1000, 2 * 600)  # the document preset at 2x
    links = {r.target_ref for r in doc.part.rels.values() if r.reltype == RT.HYPERLINK}
    assert {a.link for a in b.articles} <= links
    section = doc.sections[0]
    assert abs(section.page_width.cm - 21) < 0.05 and abs(section.page_height.cm - 29.7) < 0.05
    assert MARKER not in "".join(texts)
    assert b.district in section.header.paragraphs[0].text  # the template's header is kept


def test_pdf_embeds_a_cjk_font_and_shows_text(made, tmp_path):
    b, files = made
    path = tmp_path / "brief.pdf"
    path.write_bytes(files["pdf"])
    reader = PdfReader(path)
    # pypdf reads the embedded two-byte encoding of fpdf2's CID fonts with a NUL before each
    # character (poppler's pdftotext reads it plainly): the NULs and spaces are dropped here.
    text = "".join(page.extract_text() for page in reader.pages).replace("\x00", "").replace(" ", "")
    assert b.title in text and all(f.value.replace(" ", "") in text for f in b.figures)
    assert all(t in text for t in CHART_TITLES)
    assert sum(len(page.images) for page in reader.pages) == 4
    embedded = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            for descendant in font.get("/DescendantFonts", []):
                descriptor = descendant.get_object()["/FontDescriptor"]
                if any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                    embedded.add(str(font["/BaseFont"]))
    assert any("NotoSansCJK" in name for name in embedded)
    if shutil.which("pdftotext"):
        plain = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
        assert b.title in plain and b.figures[1].value in plain
    if shutil.which("pdffonts"):
        listing = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
        rows = [line.split() for line in listing.splitlines() if "NotoSansCJK" in line]
        assert rows and all(row[-5] == "yes" for row in rows)  # the 'emb' column


def test_a_pdf_page_rendered_has_text_areas(made, tmp_path):
    if not shutil.which("pdftoppm"):
        pytest.fail("pdftoppm not found: apt-get install poppler-utils (.ci/system-deps does)")
    path = tmp_path / "brief.pdf"
    path.write_bytes(made[1]["pdf"])
    subprocess.run(["pdftoppm", "-r", "60", "-gray", "-png", "-f", "1", "-l", "1", str(path), str(tmp_path / "page")],
                   check=True)
    page = Image.open(next(tmp_path.glob("page*.png"))).convert("L")
    width, height = page.size
    pixels = page.load()
    dark_rows = [y for y in range(height) if sum(pixels[x, y] < 128 for x in range(0, width, 2)) >= 3]
    bands = sum(1 for i, y in enumerate(dark_rows) if i == 0 or y != dark_rows[i - 1] + 1)
    assert bands >= 10  # title, subtitle, headings, table rows, paragraphs: lines of text, not a blank page
    assert dark_rows[0] < height * 0.15  # the title is at the top


def test_slides(made):
    b, files = made
    prs = Presentation(io.BytesIO(files["pptx"]))
    assert abs(prs.slide_width / prs.slide_height - 16 / 9) < 0.01
    slides = list(prs.slides)
    assert len(slides) == 1 + len(b.charts) + 3
    title_text = " ".join(s.text_frame.text for s in slides[0].shapes if s.has_text_frame)
    assert b.title in title_text and all(f.value in title_text for f in b.figures)
    for slide, chart in zip(slides[1:], b.charts):
        assert slide.shapes.title.text == chart.title
        pictures = [s for s in slide.shapes if s.shape_type == 13]
        assert len(pictures) == 1 and Image.open(io.BytesIO(pictures[0].image.blob)).size == (2560, 1440)
        words = " ".join(s.text_frame.text for s in slide.shapes if s.has_text_frame)
        assert chart.caption in words and b.figures[0].value in words
    articles = slides[-2]
    assert articles.shapes.title.text == "重点文章"
    links = {r.hyperlink.address for s in articles.shapes if s.has_table for row in s.table.rows
             for cell in row.cells for p in cell.text_frame.paragraphs for r in p.runs if r.hyperlink.address}
    from dashboard.briefing.slides import SLIDE_ARTICLES
    assert links == {a.link for a in b.articles[:SLIDE_ARTICLES]}


def test_an_office_restyles_the_word_template(engine, tmp_path):
    """The template in data/templates/ decides the look: restyle a heading and add a letterhead
    line above the marker in it (as Word would), and the briefing follows without code."""
    template = Document(str(templates_dir() / DOCX_NAME))
    template.styles["Heading 1"].font.color.rgb = RGBColor(0xC0, 0x00, 0x00)
    marker = next(p for p in template.paragraphs if p.text == MARKER)
    marker.insert_paragraph_before("某某办公室（信头）")
    path = tmp_path / "office.docx"
    template.save(path)
    from dashboard.briefing.word import render_docx
    b = briefing.build(engine, Filters(streets=("古城街道",)))  # no article there: no chart to draw
    doc = Document(io.BytesIO(render_docx(b, path)))
    assert doc.styles["Heading 1"].font.color.rgb == RGBColor(0xC0, 0x00, 0x00)
    assert [p.text for p in doc.paragraphs[:2]] == ["某某办公室（信头）", b.title]
    assert not b.charts and "当前筛选条件下没有可绘制的图表。" in [p.text for p in doc.paragraphs]


def test_chart_images_carry_title_filters_and_source():
    import plotly.express as px
    fig = px.bar(x=["开源街道", "新华街道"], y=[3, 5])
    svg = exports.image_bytes(fig, "svg", title="各街道活动数", view="2025年5月 · 为老服务",
                              source=exports.source_line(date(2025, 5, 31)), preset="slide").decode()
    assert "各街道活动数" in svg and "2025年5月 · 为老服务" in svg
    assert "数据来源：" in svg and "截至2025年5月31日" in svg
    sizes = [Image.open(io.BytesIO(png)).size for png in exports.images(
        [exports.ready_to_paste(fig, "t", "v", "s", p) for p in ("slide", "document")])]
    assert sizes == [(2560, 1440), (2000, 1200)]


def test_command_line_filters_read_like_the_url(kb):
    f = filters_from_options(date(2025, 5, 1), date(2025, 5, 31), ["开源"], None, ["为老服务,safety"], None, "义诊")
    assert f == Filters.from_params({"from": "2025-05-01", "to": "2025-05-31", "streets": "开源街道",
                                     "themes": "elderly,safety", "q": "义诊"})
    with pytest.raises(briefing.BriefingError, match="^未知的街道：开元"):
        filters_from_options(streets=["开元"])


def test_command_line_writes_a_briefing(store_url, tmp_path):
    out = tmp_path / "简报.pptx"
    run = subprocess.run([sys.executable, "-m", "etl", "brief", "--from", "2025-05-01", "--to", "2025-05-31",
                          "--street", "开源街道", "-o", str(out), "--db", store_url],
                         cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    prs = Presentation(str(out))
    assert "开源街道" in prs.slides[0].shapes.title.text + " ".join(
        s.text_frame.text for s in prs.slides[0].shapes if s.has_text_frame)


def test_without_chromium_the_command_says_what_to_do(store_url, tmp_path):
    run = subprocess.run([sys.executable, "-m", "etl", "brief", "--from", "2025-05-01", "--to", "2025-05-31",
                          "-o", str(tmp_path / "b.docx"), "--db", store_url], cwd=ROOT, capture_output=True,
                         text=True, timeout=300, env={**__import__("os").environ, "BROWSER_PATH": "/nonexistent/chromium"})
    assert run.returncode == 1 and not (tmp_path / "b.docx").exists()
    assert run.stderr.startswith("服务器上找不到 Chromium") and "apt-get install chromium" in run.stderr


def test_the_briefing_modules_need_no_streamlit():
    code = "import sys, dashboard.briefing, dashboard.briefing.word, dashboard.briefing.pdf, dashboard.briefing.slides; " \
           "sys.exit('streamlit' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], cwd=ROOT).returncode == 0


def test_a_chart_s_export_menu_makes_an_image_ready_to_paste(store_url, monkeypatch):
    """导出图表 → 幻灯片 16:9 → 生成 PNG: a 2560 x 1440 image for these filters, offered for download."""
    monkeypatch.setenv("DATABASE_URL", store_url)
    monkeypatch.chdir(ROOT)
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    at.query_params["themes"] = "safety"
    at.run()
    at.radio(key="ov_themes_preset").set_value("slide").run()
    at.button(key="ov_themes_png_make").click().run()
    assert not page_failures(at) and not at.error
    made = at.session_state["_image_ov_themes_png"]
    assert made[0] == (Filters(themes=("safety",)), "slide")
    assert Image.open(io.BytesIO(made[1])).size == (2560, 1440)
    assert any(b.proto.label == "下载 PNG" for b in at.get("download_button"))
