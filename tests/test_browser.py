"""End to end in a real headless Chromium (Debian's /usr/bin/chromium, driven by Playwright)."""
import os
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

from etl.ingest import ingest_paths
from etl.store import make_engine
from support import ROOT, SAMPLES

CHROMIUM = os.environ.get("BROWSER_PATH", "/usr/bin/chromium")
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
PAGES = {"": "总览", "coverage": "覆盖", "themes": "主题与服务", "timeline": "趋势", "articles": "文章",
         "import": "导入公报"}

pytestmark = pytest.mark.browser
HOSTILE = ("社区讲座<b>加粗</b>\n\n本报讯（记者 郑林）近日<script>window.__pwned=1</script>，崇仁社区开展讲座"
           "<img src=x onerror=\"window.__pwned=2\">，居民参加。\n")


@dataclass
class Server:
    url: str
    db: str


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_until(condition, timeout=60, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise TimeoutError(f"timed out waiting for {what}")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install chromium (make test does)")
    db = f"sqlite:///{tmp_path_factory.mktemp('e2e') / 'store.db'}"
    hostile = tmp_path_factory.mktemp("hostile") / "hostile.txt"
    hostile.write_text(HOSTILE, encoding="utf-8")
    ingest_paths(make_engine(db), sorted(SAMPLES.glob("*.txt")) + [hostile])
    port = _free_port()
    env = dict(os.environ, DATABASE_URL=db)
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.headless", "true",
                             "--server.port", str(port), "--server.address", "127.0.0.1",
                             "--browser.gatherUsageStats", "false"], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def healthy():
        try:
            return urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1).status == 200
        except OSError:
            return False
    try:
        _wait_until(healthy, 60, "the Streamlit server")
        yield Server(f"http://127.0.0.1:{port}", db)
    finally:
        proc.terminate()
        proc.wait(10)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"])
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(accept_downloads=True, viewport={"width": 1400, "height": 1000}, locale="zh-CN")
    pg = context.new_page()
    yield pg
    context.close()


IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'


def _loaded(page, heading):
    """The page's heading is shown and the app's script run has finished."""
    page.get_by_role("heading", name=heading).first.wait_for(timeout=60_000)
    page.locator(IDLE).wait_for(timeout=60_000)


def test_screenshots_of_every_page(server, page):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for path, heading in PAGES.items():
        page.goto(f"{server.url}/{path}")
        _loaded(page, heading)
        if path in ("", "coverage", "themes"):
            page.locator(".js-plotly-plot .main-svg").first.wait_for(timeout=30_000)
        shot = SCREENSHOTS / f"{path or 'overview'}.png"
        page.screenshot(path=str(shot), full_page=True)
        assert shot.stat().st_size > 10_000
    from sqlalchemy import select
    from sqlalchemy.orm import Session
    from etl.store import Article
    with Session(make_engine(server.db)) as s:  # one article with its evidence highlighted
        article_id = s.scalar(select(Article.id).where(Article.title.like("先锋村%")))
    page.goto(f"{server.url}/articles?article={article_id}")
    _loaded(page, "文章")
    page.locator(".article-text").scroll_into_view_if_needed(timeout=30_000)
    page.screenshot(path=str(SCREENSHOTS / "article.png"))


def test_filter_survives_a_reload_from_its_url(server, page):
    page.goto(f"{server.url}/")
    _loaded(page, "总览")
    sidebar = page.locator('[data-testid="stSidebar"]')
    box = sidebar.locator('[data-testid="stMultiSelect"]').first.locator("input")
    box.click()
    box.press_sequentially("开源街道")  # the option list is virtualised: narrow it, then pick
    page.get_by_role("option", name="开源街道").first.click()
    page.wait_for_url("**streets=*", timeout=60_000)
    url = page.url
    assert "%E5%BC%80%E6%BA%90%E8%A1%97%E9%81%93" in url or "开源街道" in url
    fresh = page.context.new_page()
    fresh.goto(url)
    _loaded(fresh, "总览")
    fresh.locator('[data-testid="stSidebar"]').get_by_text("开源街道", exact=True).first.wait_for(timeout=30_000)
    articles = fresh.locator('[data-testid="stMetricValue"]').first
    articles.wait_for(timeout=30_000)
    assert 0 < int(articles.inner_text()) < 46


def test_clicking_a_bar_cross_filters(server, page):
    page.goto(f"{server.url}/coverage")
    _loaded(page, "覆盖")
    bar = page.locator(".js-plotly-plot .bars .point path").first
    bar.wait_for(timeout=30_000)
    bar.click(force=True)
    page.wait_for_url("**streets=*", timeout=30_000)
    page.locator('[data-testid="stSidebar"]').get_by_text("街道", exact=False).first.wait_for(timeout=30_000)


def test_download_csv_and_png(server, page, tmp_path):
    page.goto(f"{server.url}/articles")
    _loaded(page, "文章")
    with page.expect_download(timeout=30_000) as info:
        page.get_by_role("button", name="下载 CSV").first.click()
    csv_path = tmp_path / info.value.suggested_filename
    info.value.save_as(csv_path)
    assert csv_path.suffix == ".csv" and csv_path.read_bytes().startswith(b"\xef\xbb\xbf")
    assert "标题" in csv_path.read_text(encoding="utf-8-sig").splitlines()[0] or \
        "title" in csv_path.read_text(encoding="utf-8-sig").splitlines()[0]

    page.goto(f"{server.url}/coverage")
    _loaded(page, "覆盖")
    chart = page.locator(".js-plotly-plot").first
    chart.hover()
    with page.expect_download(timeout=60_000) as info:
        chart.locator('.modebar-btn[data-title*="ownload"]').first.click()
    png_path = tmp_path / info.value.suggested_filename
    info.value.save_as(png_path)
    assert png_path.suffix == ".png" and png_path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert png_path.name.startswith("平城区")


def test_markup_in_a_bulletin_is_shown_as_text(server, page):
    from sqlalchemy import select
    from sqlalchemy.orm import Session
    from etl.store import Article
    with Session(make_engine(server.db)) as s:
        article_id = s.scalar(select(Article.id).where(Article.title.like("%<b>%")))
    page.goto(f"{server.url}/articles?article={article_id}")
    _loaded(page, "文章")
    body = page.locator(".article-text")
    body.wait_for(timeout=30_000)
    assert "<script>window.__pwned=1</script>" in body.inner_text()
    assert '<img src=x onerror="window.__pwned=2">' in body.inner_text()
    assert body.locator("img, script, b").count() == 0
    assert "社区讲座<b>加粗</b>" in page.locator("h3").first.inner_text()
    assert page.evaluate("window.__pwned") is None


def test_import_page_reports_each_file(server, page, tmp_path):
    good = tmp_path / "2024-11-02_good.txt"
    good.write_text("社区义诊送健康\n\n本报讯（记者 郑林）近日，崇仁社区开展义诊活动，20余名居民参加。\n", encoding="gb18030")
    photo = tmp_path / "photo.txt"
    photo.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))
    page.goto(f"{server.url}/import")
    _loaded(page, "导入公报")
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files([str(good), str(photo)])
    page.get_by_text("photo.txt").first.wait_for(timeout=30_000)
    page.get_by_role("button", name="开始导入").click()
    page.get_by_text("完成：").wait_for(timeout=60_000)
    table = page.locator('[data-testid="stDataFrame"]').first
    table.wait_for(timeout=30_000)
    summary = page.locator('[data-testid="stAlert"]').last.inner_text()
    assert "1 个文件已处理" in summary and "1 个被拒绝" in summary


def test_briefing_is_made_and_downloaded(server, page, tmp_path):
    """生成简报 on the overview, for the filters in the URL; the .docx downloads and opens."""
    from docx import Document
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    page.goto(f"{server.url}/?from=2025-05-01&to=2025-05-31")
    _loaded(page, "总览")
    page.get_by_role("button", name="生成简报").click()
    download = page.get_by_role("button", name="下载简报（.docx）")
    download.wait_for(timeout=180_000)  # the charts are drawn on the server
    page.locator(IDLE).wait_for(timeout=60_000)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "overview_briefing.png"))
    with page.expect_download(timeout=60_000) as info:
        download.click()
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    assert path.suffix == ".docx" and "2025年5月" in path.name
    doc = Document(str(path))
    assert doc.paragraphs[0].text.endswith("社区工作简报") and doc.paragraphs[1].text == "2025年5月"
    assert len(doc.inline_shapes) == 4
    links = [r.target_ref for r in doc.part.rels.values() if r.reltype == RT.HYPERLINK]
    assert any(link.startswith(f"{server.url}/articles?article=") for link in links)
