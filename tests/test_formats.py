"""Every accepted format from a small real file the test makes, and every refusal."""
import io
import subprocess
import sys

import pytest

from etl.formats import to_text
from etl.knowledge import load_knowledge
from etl.ingest import ingest_paths
from etl.read import ReadError
from etl.store import stats
from support import ROOT, SAMPLES

BULLETIN = ("社区义诊送健康\n\n本报讯（记者 郑林）近日，平城区鹿苑街道崇仁社区开展义诊活动，20余名居民参加。\n\n"
            "医护人员为居民测量血压、血糖。\n")


def _pdf_bytes(lines):
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buffer = io.BytesIO()
    c = canvas.Canvas(buffer, pagesize=A4)
    c.setFont("STSong-Light", 11)
    y = 800
    for line in lines:
        c.drawString(50, y, line)
        y -= 30
    c.save()
    return buffer.getvalue()


def _docx_bytes(paragraphs):
    import docx
    document = docx.Document()
    for p in paragraphs:
        document.add_paragraph(p)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


PARAGRAPHS = [p for p in BULLETIN.split("\n") if p]


def test_pdf_text_layer():
    text = to_text("page.pdf", _pdf_bytes(PARAGRAPHS))
    assert "本报讯（记者 郑林）" in text and "崇仁社区" in text
    assert text.index("社区义诊送健康") < text.index("医护人员")


def test_docx():
    assert "崇仁社区开展义诊活动" in to_text("page.docx", _docx_bytes(PARAGRAPHS))


def test_html_keeps_article_text_only():
    html = ("<html><head><title>报</title><style>p{color:red}</style><script>var a='注入';</script></head>"
            "<body><nav>首页 | 要闻</nav><article><h1>社区义诊送健康</h1><p>本报讯（记者 郑林）近日，"
            "崇仁社区开展义诊活动。</p></article><footer>版权所有</footer></body></html>")
    text = to_text("page.html", html.encode("utf-8"))
    assert "社区义诊送健康" in text and "崇仁社区开展义诊活动" in text
    for chrome in ("首页", "版权所有", "注入", "color", "<"):
        assert chrome not in text


@pytest.mark.parametrize("encoding", ["gb18030", "utf-16", "utf-8-sig"])
def test_text_encodings(encoding):
    assert to_text("page.txt", BULLETIN.encode(encoding)) == BULLETIN


@pytest.mark.parametrize("name, data, reason", [
    ("page.txt", b"", "empty"),
    ("page.txt", b"\x89PNG\r\n\x1a\n" + bytes(200), "binary"),
    ("page.txt", bytes(range(1, 32)) * 20, "binary"),
    ("page.txt", b"%PDF-1.4 fake", "a .pdf file"),
    ("page.exe", b"MZ\x90\x00", "unsupported file type .exe"),
    ("page.pdf", "这不是PDF".encode(), "not .pdf"),
    ("page.pdf", b"%PDF-1.4\nbroken", "unreadable PDF"),
])
def test_refusals_name_the_file_and_the_reason(name, data, reason):
    with pytest.raises(ReadError) as e:
        to_text(name, data)
    assert str(e.value).startswith(name) and reason in str(e.value)


def test_size_limit():
    with pytest.raises(ReadError, match="6,000 bytes is over the limit of 1,048 bytes"):
        to_text("page.txt", ("正文" * 1000).encode(), limit=1048)


def test_mixed_batch_stores_the_good_and_lists_the_refused(tmp_path):
    good = tmp_path / "good.txt"
    good.write_text(BULLETIN, encoding="gb18030")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "photo.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(100))
    (tmp_path / "page.docx").write_bytes(_docx_bytes(PARAGRAPHS[:1] + ["另一篇"] + PARAGRAPHS[1:]))
    db = f"sqlite:///{tmp_path / 'store.db'}"
    run = subprocess.run([sys.executable, "-m", "etl", "ingest", str(tmp_path), "--db", db, "--quiet"],
                         cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 1
    assert "2 stored" in run.stdout and "2 refused" in run.stdout
    assert "empty.txt: 文件为空 (empty file)" in run.stdout and "photo.txt: 文件内容是二进制数据" in run.stdout
    assert "the content is binary data" in run.stdout
    from etl.store import make_engine
    assert stats(make_engine(db))["bulletins"] == 2


def test_missing_path_is_refused_not_fatal(tmp_path):
    from etl.store import make_engine
    engine = make_engine(f"sqlite:///{tmp_path / 'store.db'}")
    report = ingest_paths(engine, [tmp_path / "nope.txt", SAMPLES / "000_8acc8cdd8bbd3a19.txt"])
    assert [o.status for o in report.outcomes] == ["refused", "stored"]
    assert "nope.txt" in report.refused[0].reason


def test_pdf_lines_wrapped_at_the_column_width_are_joined_into_paragraphs():
    body = ("本报讯（记者 郑林）近日，平城区鹿苑街道崇仁社区开展义诊活动，二十余名居民参加，医护人员为居民测量血压血糖，"
            "并讲解慢性病预防知识，受到居民欢迎。")
    wrapped = [body[i:i + 20] for i in range(0, len(body), 20)]
    text = to_text("page.pdf", _pdf_bytes(["社区义诊送健康"] + wrapped + ["活动持续到中午。"]))
    assert "\n\n" + body + "\n\n" in text  # one paragraph again, headline and next paragraph apart
    from etl.extract import extract_bulletin
    article = extract_bulletin(text, "page.pdf", load_knowledge()).articles[0]
    assert article.title == "社区义诊送健康" and article.communities == ["崇仁社区"]


def test_a_news_web_page_becomes_one_article_with_its_publication_date():
    from etl.extract import extract_bulletin
    html = ("<html><body><nav>首页 新闻</nav><div class='article'><h1>社区义诊送健康</h1>"
            "<p class='info'>来源：平城区融媒体中心 发布时间：2025-06-03 09:30</p>"
            "<p>本报讯（记者 郑林）近日，崇仁社区开展义诊活动，20余名居民参加。</p><p>医生为居民测量血压。</p>"
            "</div><footer>版权所有</footer></body></html>")
    record = extract_bulletin(to_text("page.html", html.encode()), "page.html", load_knowledge())
    assert [a.title for a in record.articles] == ["社区义诊送健康"]
    assert record.articles[0].reporters == ["郑林"] and record.issue.value == "2025-06-03"
