"""End to end in a real headless Chromium (Debian's /usr/bin/chromium, driven by Playwright),
with no way out to the network: Chromium resolves no host name but the server's, and every
request to anywhere but 127.0.0.1 is failed by request interception and recorded; a test that
made one fails. Tests wait for conditions (a URL, a text, the app idle), never fixed sleeps."""
import re

import pytest

from browser_support import (FILTERS, IDLE, Server, click_row, grid_row, loaded, offline_page, settled, start_server,
                             stop_server, url_params, wait_for_value)
from etl.ingest import ingest_paths
from etl.store import make_engine
from support import ROOT, SAMPLES

SCREENSHOTS = ROOT / "artifacts" / "screenshots"
# A chart drawn: a plotly figure, or the overview's bars drawn without plotly.js (dashboard.bars).
CHART = ".js-plotly-plot .main-svg, .bar-chart .bar"
PAGES = {"": "总览", "coverage": "覆盖", "themes": "主题与服务", "timeline": "趋势", "articles": "文章",
         "compare": "对比", "import": "导入公报"}

pytestmark = pytest.mark.browser
HOSTILE = ("社区讲座<b>加粗</b>\n\n本报讯（记者 郑林）近日<script>window.__pwned=1</script>，崇仁社区开展讲座"
           "<img src=x onerror=\"window.__pwned=2\">，居民参加。\n")
# Two dated bulletins around the samples' week (2025-05-24, ISO week 21): weeks 19 and 23 have
# articles, 20 and 22 none, so the weekly trend must show empty weeks between them.
DATED = {
    "2025-05-07_page2.txt": "社区消防演练进楼院\n\n本报讯（记者 郑林）5月6日，新华街道东风园社区开展消防安全演练，"
                            "60余名居民参加。\n",
    "2025-06-03_page3.txt": "青年夜校开课\n\n本报讯（记者 郑林）近日，开源街道民和社区青年夜校开课，30名青年参加。\n",
}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    db = f"sqlite:///{tmp_path_factory.mktemp('e2e') / 'store.db'}"
    extra = tmp_path_factory.mktemp("extra")
    (extra / "hostile.txt").write_text(HOSTILE, encoding="utf-8")
    for name, text in DATED.items():
        (extra / name).write_text(text, encoding="utf-8")
    ingest_paths(make_engine(db), sorted(SAMPLES.glob("*.txt")) + sorted(extra.iterdir()))
    proc, url = start_server(db)
    try:
        yield Server(url, db)
    finally:
        stop_server(proc)


def _first_metric(page) -> int:
    return int(page.locator('[data-testid="stMetricValue"]').first.inner_text().strip())


def test_screenshots_of_every_page(server, page):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for path, heading in PAGES.items():
        page.goto(f"{server.url}/{path}")
        loaded(page, heading)
        if path in ("", "coverage", "themes", "timeline", "compare"):
            page.locator(CHART).first.wait_for(timeout=60_000)
        if path == "articles":
            page.locator('[data-testid="stDataFrame"] canvas').first.wait_for(timeout=60_000)
        settled(page)
        shot = SCREENSHOTS / f"{path or 'overview'}.png"
        page.screenshot(path=str(shot), full_page=True)
        assert shot.stat().st_size > 10_000
    from sqlalchemy import select
    from sqlalchemy.orm import Session
    from etl.store import Article
    with Session(make_engine(server.db)) as s:  # one article with its evidence highlighted
        article_id = s.scalar(select(Article.id).where(Article.title.like("先锋村%")))
    page.goto(f"{server.url}/articles?article={article_id}")
    loaded(page, "文章")
    page.locator(".article-text").scroll_into_view_if_needed(timeout=30_000)
    settled(page)
    page.screenshot(path=str(SCREENSHOTS / "article.png"))


def _pick(page, label: str, option: str) -> None:
    """Choose an option of a sidebar multiselect (the list is virtualised: narrow it first)."""
    box = page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').filter(has_text=label) \
        .first.locator("input")
    box.click()
    box.press_sequentially(option)
    page.get_by_role("option", name=option).first.click()


def test_filter_survives_a_reload_from_its_url(server, page, browser, offline):
    page.goto(f"{server.url}/")
    loaded(page, "总览")
    total = wait_for_value(lambda: _first_metric(page), lambda n: n > 0, what="the article count")
    _pick(page, "街道", "开源街道")
    page.wait_for_url(re.compile(r".*streets=.*"), timeout=60_000)
    assert url_params(page)["streets"] == ["开源街道"]
    narrowed = wait_for_value(lambda: _first_metric(page), lambda n: 0 < n < total, what="the filtered count")
    with offline_page(browser, offline) as fresh:
        fresh.goto(page.url)
        loaded(fresh, "总览")
        fresh.locator('[data-testid="stSidebar"]').get_by_text("开源街道", exact=True).first.wait_for(timeout=60_000)
        assert wait_for_value(lambda: _first_metric(fresh), lambda n: n == narrowed,
                               what="the same count from the URL") == narrowed


# When a chart and the sidebar's filters first show in a new tab (ms since it opened; the bars
# are drawn in their components' shadow roots).
FIRST_SEEN = """
window.__firstSeen = {};
const chart = () => Array.from(document.querySelectorAll('[data-testid="stMain"] *')).some(
  e => e.shadowRoot && e.shadowRoot.querySelector('.bar-chart .bar'));
const look = () => {
  const now = performance.now();
  if (!('chart' in window.__firstSeen) && chart()) window.__firstSeen.chart = now;
  if (!('filters' in window.__firstSeen) && document.querySelector('%s')) window.__firstSeen.filters = now;
  if (Object.keys(window.__firstSeen).length < 2) requestAnimationFrame(look);
};
requestAnimationFrame(look);
""" % FILTERS


def test_a_new_tab_shows_its_figures_first_and_everything_else_just_after(server, browser, offline):
    """A session's first run draws the page's answer only; once the browser has drawn it, the
    next run adds the sidebar's filters (with the URL's values), the export menus, the briefing
    and the latest articles."""
    with offline_page(browser, offline) as pg:
        pg.add_init_script(FIRST_SEEN)
        pg.goto(f"{server.url}/?themes=safety")
        pg.locator('[data-testid="stSidebar"]').get_by_text("安全应急", exact=True).first.wait_for(timeout=90_000)
        loaded(pg, "总览")
        seen = pg.evaluate("window.__firstSeen")
        assert seen["chart"] < seen["filters"], seen
        pg.get_by_role("button", name="生成简报").wait_for(timeout=30_000)
        assert pg.get_by_role("button", name="导出图表").count() == 2
        pg.get_by_role("heading", name="最新文章").wait_for(timeout=30_000)
        assert url_params(pg)["themes"] == ["safety"]


def test_a_view_with_no_articles_keeps_its_filters(server, page):
    page.goto(f"{server.url}/?from=2031-01-01&undated=0")
    loaded(page, "总览")
    page.get_by_text("当前筛选条件下没有文章").wait_for(timeout=30_000)
    page.get_by_role("button", name="清除全部筛选").click()
    wait_for_value(lambda: _first_metric(page), lambda n: n > 0, what="the figures of all articles")
    page.wait_for_url(lambda url: "from=" not in url and "undated=" not in url, timeout=60_000)


def test_clicking_a_bar_cross_filters(server, page):
    page.goto(f"{server.url}/coverage")
    loaded(page, "覆盖")
    bar = page.locator(".js-plotly-plot .bars .point path").first
    bar.wait_for(timeout=60_000)
    bar.click(force=True)
    page.wait_for_url(re.compile(r".*streets=.*"), timeout=60_000)
    street = url_params(page)["streets"][0]
    page.locator('[data-testid="stSidebar"]').get_by_text(street, exact=True).first.wait_for(timeout=60_000)


def test_clicking_a_bar_of_the_overview_filters_every_page(server, page):
    """The overview's bars are drawn without plotly.js; a click on one, or Enter on a focused
    one, filters as a plotly bar does: the sidebar, the URL and the figures follow."""
    page.goto(f"{server.url}/")
    loaded(page, "总览")
    total = wait_for_value(lambda: _first_metric(page), lambda n: n > 0, what="the article count")
    theme = page.locator(".st-key-ov_themes .bar-chart .row").first
    theme.wait_for(timeout=60_000)
    key, label = theme.get_attribute("data-key"), theme.locator(".label").inner_text()
    theme.hover()
    tip = page.locator(".st-key-ov_themes .bar-chart .tip")
    tip.wait_for(timeout=30_000)
    assert tip.inner_text().startswith(f"{label}：")
    theme.click()
    page.wait_for_url(re.compile(r".*themes=.*"), timeout=60_000)
    assert url_params(page)["themes"] == [key]
    page.locator('[data-testid="stSidebar"]').get_by_text(label, exact=True).first.wait_for(timeout=60_000)
    wait_for_value(lambda: _first_metric(page), lambda n: 0 < n < total, what="the filtered count")
    page.locator(IDLE).wait_for(timeout=60_000)
    service = page.locator(".st-key-ov_services .bar-chart .row").first
    service_key = service.get_attribute("data-key")
    service.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*services=.*"), timeout=60_000)
    assert url_params(page)["services"] == [service_key] and url_params(page)["themes"] == [key]


def test_clicking_a_row_of_a_table_filters_or_opens_it_and_a_filter_change_keeps_it(server, page):
    """A table's selection is a row position: once a filter changes the rows it must not pick
    another row (or one past the end: the communities table failed on its fourth row)."""
    page.goto(f"{server.url}/coverage")
    loaded(page, "覆盖")
    grid = page.get_by_role("heading", name="有活动的社区和村").locator(
        "xpath=following::*[@data-testid='stDataFrame'][1]")
    _, community, _ = wait_for_value(lambda: grid_row(grid, 3), bool, what="the fourth community")
    click_row(page, grid, 3)
    page.wait_for_url(re.compile(r".*communities=.*"), timeout=60_000)
    assert url_params(page)["communities"] == [community]
    page.locator('[data-testid="stSidebar"]').get_by_text(community, exact=True).first.wait_for(timeout=60_000)
    page.locator(IDLE).wait_for(timeout=60_000)
    assert not page.get_by_text("页面出错了").count()

    page.goto(f"{server.url}/articles")
    loaded(page, "文章")
    grid = page.locator('[data-testid="stDataFrame"]').first
    wait_for_value(lambda: grid_row(grid, 3), bool, what="the fourth article")
    click_row(page, grid, 3)
    page.wait_for_url(re.compile(r".*article=\d+"), timeout=60_000)
    opened = url_params(page)["article"]
    keyword = page.locator('[data-testid="stSidebar"]').get_by_label("关键词")
    keyword.fill("社区")
    keyword.press("Enter")
    page.wait_for_url(re.compile(r".*q=.*"), timeout=60_000)
    page.locator(IDLE).wait_for(timeout=60_000)
    assert url_params(page)["article"] == opened


CELL_CENTRE = """([theme, street]) => {
  for (const gd of document.querySelectorAll('.js-plotly-plot')) {
    const traces = gd._fullData || [];
    if (!traces.some(t => t.type === 'heatmap')) continue;
    const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis, box = gd.getBoundingClientRect();
    return {x: box.left + xa._offset + xa.d2p(street), y: box.top + ya._offset + ya.d2p(theme)};
  }
  return null;
}"""


def test_clicking_a_heatmap_cell_filters_by_its_theme_and_street(server, page):
    """Plotly heatmaps send no selection to Streamlit; the cells' centres do (an invisible
    scatter on top), so a click anywhere in a cell filters by that cell's theme and street."""
    page.goto(f"{server.url}/themes")
    loaded(page, "主题与服务")
    page.locator(".js-plotly-plot .heatmaplayer").first.wait_for(timeout=60_000)
    centre = wait_for_value(lambda: page.evaluate(CELL_CENTRE, ["安全应急", "新华街道"]), bool,
                             what="the heatmap's axes")
    page.mouse.move(centre["x"] + 6, centre["y"] + 4)  # off the centre, still in the cell
    page.locator(".hoverlayer .hovertext").first.wait_for(timeout=30_000)
    assert "安全应急 × 新华街道" in page.locator(".hoverlayer").first.text_content()
    page.mouse.click(centre["x"] + 6, centre["y"] + 4)
    page.wait_for_url(re.compile(r".*themes=safety.*"), timeout=60_000)
    assert url_params(page)["themes"] == ["safety"] and url_params(page)["streets"] == ["新华街道"]


def test_weekly_trend_is_continuous_in_order_and_iso(server, page):
    page.goto(f"{server.url}/timeline")
    loaded(page, "趋势")
    page.get_by_text("按周（ISO 周）").click()
    weeks = [f"2025年第{w}周" for w in range(19, 24)]  # 2025-05-24 in week 21; 20 and 22 empty
    # Until the rerun ends, the monthly chart it replaces may still be on the page.
    wait_for_value(lambda: page.locator(".js-plotly-plot .xtick text").all_text_contents(), lambda t: t == weeks,
                   what="the weekly ticks")
    totals = page.locator(".js-plotly-plot .scatterlayer .textpoint text").all_text_contents()
    assert totals[1] == "0" and totals[3] == "0"
    ylabels = page.locator(".js-plotly-plot .ytick text").all_text_contents()
    assert all(re.fullmatch(r"\d+", t) for t in ylabels)  # whole numbers only
    legend = page.locator(".js-plotly-plot g.legend2").all_text_contents()
    assert any("日期精度" in t and "确切日期" in t and "见报日期" in t and "推断日期" in t for t in legend)


def test_download_csv_and_png_are_named_for_the_view(server, page, tmp_path):
    page.goto(f"{server.url}/articles?themes=safety")
    loaded(page, "文章")
    with page.expect_download(timeout=60_000) as info:
        page.get_by_role("button", name="下载 CSV").first.click()
    assert info.value.suggested_filename == "平城区_文章_安全应急.csv"
    csv_path = tmp_path / info.value.suggested_filename
    info.value.save_as(csv_path)
    assert csv_path.read_bytes().startswith(b"\xef\xbb\xbf")
    header = csv_path.read_text(encoding="utf-8-sig").splitlines()[0]
    assert "标题" in header and "活动日期" in header and not re.search(r"[A-Za-z]", header)

    page.goto(f"{server.url}/coverage?from=2025-05-01&to=2025-05-31")
    loaded(page, "覆盖")
    chart = page.locator(".st-key-cov_streets .js-plotly-plot")  # the charts draw in their own time
    chart.locator(".main-svg").first.wait_for(timeout=60_000)
    chart.hover()
    button = chart.locator(".modebar-btn[data-title^='下载']").first
    with page.expect_download(timeout=60_000) as info:
        button.click()
    png_path = tmp_path / info.value.suggested_filename
    info.value.save_as(png_path)
    assert png_path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert png_path.name == "平城区_各街道活动数_2025-05.png"


def test_markup_in_a_bulletin_is_shown_as_text(server, page):
    from sqlalchemy import select
    from sqlalchemy.orm import Session
    from etl.store import Article
    with Session(make_engine(server.db)) as s:
        article_id = s.scalar(select(Article.id).where(Article.title.like("%<b>%")))
    page.goto(f"{server.url}/articles?article={article_id}")
    loaded(page, "文章")
    body = page.locator(".article-text")
    body.wait_for(timeout=30_000)
    assert "<script>window.__pwned=1</script>" in body.inner_text()
    assert '<img src=x onerror="window.__pwned=2">' in body.inner_text()
    assert body.locator("img, script, b").count() == 0
    assert "社区讲座<b>加粗</b>" in page.locator("h3").first.inner_text()
    assert page.evaluate("window.__pwned") is None


def test_import_page_reports_each_file_in_chinese(server, page, tmp_path):
    good = tmp_path / "good.txt"
    good.write_text("社区义诊送健康\n\n本报讯（记者 郑林）近日，崇仁社区开展义诊活动，20余名居民参加。\n", encoding="gb18030")
    photo = tmp_path / "photo.txt"
    photo.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))
    sheet = tmp_path / "list.xls"
    sheet.write_bytes(b"\xd0\xcf\x11\xe0" + bytes(64))
    page.goto(f"{server.url}/import")
    loaded(page, "导入公报")
    page.locator('[data-testid="stFileUploaderDropzone"] button').wait_for(timeout=60_000)
    words = page.evaluate("""() => {
      const zone = document.querySelector('[data-testid="stFileUploaderDropzone"]');
      const after = e => getComputedStyle(e, '::after').content;
      return [after(zone.querySelector('button')), after(zone.querySelector(
        '[data-testid="stFileUploaderDropzoneInstructions"]'))];
    }""")
    assert "选择文件" in words[0] and "20 MB" in words[1]
    assert _visible_english(page) == []
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files([str(good), str(photo), str(sheet)])
    page.get_by_text("list.xls").first.wait_for(timeout=30_000)
    assert "not allowed" not in page.locator('[data-testid="stFileUploader"]').inner_text()
    page.get_by_role("button", name="开始导入").click()
    page.get_by_text("完成：").wait_for(timeout=90_000)
    summary = page.locator('[data-testid="stAlert"]').last.inner_text()
    assert "1 个文件已导入" in summary and "2 个被拒绝" in summary
    page.locator('[data-testid="stDataFrame"]').first.wait_for(timeout=30_000)  # the reasons: test_imports.py

    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files([str(good)])
    page.get_by_role("button", name="开始导入").click()
    page.get_by_text("没有导入任何新数据").wait_for(timeout=90_000)
    assert "已在各页面生效" not in page.locator('[data-testid="stAlert"]').last.inner_text()


ENGLISH = ["Select all", "Upload", "per file", "Page not found", "Made with Streamlit", "Running", "None",
           "Deploy", "Print", "Record", "files are not allowed", "Choose an option", "yyyy", "Download plot",
           "Press Enter", "to apply", "to submit", "Skip to"]


def _visible_english(page) -> list[str]:
    settled(page)  # the app's Chinese labels are a style sheet, mounted with its HTML element
    text = page.evaluate("""() => {
      const seen = [];
      for (const el of document.querySelectorAll('[data-testid="stApp"] *')) {
        if (el.closest('[data-testid="stIconMaterial"], .material-icons, svg, [aria-hidden="true"] .material-icons'))
          continue;
        if (!el.checkVisibility({visibilityProperty: true})) continue;
        if (parseFloat(getComputedStyle(el).fontSize) === 0) continue;
        for (const node of el.childNodes)
          if (node.nodeType === 3 && node.textContent.trim()) seen.push(node.textContent.trim());
      }
      for (const el of document.querySelectorAll('[title], [data-title], input[placeholder]'))
        seen.push(el.getAttribute('title') || el.getAttribute('data-title') || el.getAttribute('placeholder'));
      return seen.join('\\n');
    }""")
    return [w for w in ENGLISH if w in text]


@pytest.mark.parametrize("path", ["", "coverage", "themes", "timeline", "articles", "compare", "import"])
def test_no_english_on_the_pages(server, page, path):
    page.goto(f"{server.url}/{path}")
    loaded(page, PAGES[path])
    if path == "":  # its bars are no plotly figure; their words are in their own (shadow) DOM
        page.locator(CHART).first.wait_for(timeout=60_000)
        drawn = page.locator(".bar-chart").all_inner_texts() + page.locator(".bar-chart .row").evaluate_all(
            "rows => rows.map(r => r.getAttribute('aria-label'))")
        assert drawn and not any(re.search(r"[A-Za-z]", t) for t in drawn), drawn
    if path in ("coverage", "themes", "timeline", "compare"):
        chart = page.locator(".js-plotly-plot").first
        chart.wait_for(timeout=60_000)
        chart.hover()
        # What a tooltip shows: plotly draws it from data-title in a ::after (the app relabels
        # the full-screen button Streamlit adds).
        titles = chart.locator(".modebar-btn").evaluate_all(
            "bs => bs.map(b => getComputedStyle(b, '::after').content.replace(/^\"|\"$/g, '')"
            " .replace(/^attr\\(data-title\\)$/, b.getAttribute('data-title')))")
        assert titles and all(re.search(r"[\u4e00-\u9fff]", t) for t in titles), titles
    sidebar_box = page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').first.locator("input")
    sidebar_box.click()
    page.get_by_role("option").first.wait_for(timeout=30_000)
    options = page.get_by_role("option").all_inner_texts()
    assert options and not any("Select" in o or "全选" in o for o in options)
    page.keyboard.press("Escape")
    assert _visible_english(page) == []
    # A text field being typed in: Streamlit's hint ("Press Enter to apply") is not shown.
    page.locator('[data-testid="stSidebar"] [data-testid="stTextInput"] input').first.press_sequentially("义")
    assert _visible_english(page) == []


@pytest.mark.parametrize("path, notice", [("overview", None), ("nosuchpage", "没有“/nosuchpage”这个页面")])
def test_a_page_address_that_names_no_page_opens_the_overview_in_chinese(server, page, path, notice):
    page.goto(f"{server.url}/{path}")
    loaded(page, "总览")
    page.locator('[data-testid="stMetricValue"]').first.wait_for(timeout=60_000)
    assert "Page not found" not in page.locator("body").inner_text()
    if notice:
        page.get_by_text(notice).wait_for(timeout=30_000)


@pytest.mark.parametrize("width", [1400, 1280])
def test_metric_values_are_not_cut_off(server, browser, offline, width):
    with offline_page(browser, offline, width=width) as pg:
        for path, heading in (("", "总览"), ("coverage", "覆盖"), ("compare", "对比")):
            pg.goto(f"{server.url}/{path}")
            loaded(pg, heading)
            values = pg.locator('[data-testid="stMetricValue"]')
            values.first.wait_for(timeout=60_000)
            cut = values.evaluate_all(
                "vs => vs.filter(v => { const t = v.querySelector('div') || v;"
                " return t.scrollWidth > t.clientWidth + 1 || v.scrollWidth > v.clientWidth + 1; })"
                ".map(v => v.innerText)")
            assert cut == [], f"cut off at {width}px on /{path}: {cut}"


def test_comparison_of_two_streets_from_its_url(server, page):
    page.goto(f"{server.url}/compare?cmp=streets&a=开源街道&b=新华街道")
    loaded(page, "对比")
    page.get_by_text("甲：开源街道").first.wait_for(timeout=60_000)
    page.locator(".js-plotly-plot .main-svg").first.wait_for(timeout=60_000)
    metrics = page.locator('[data-testid="stMetricValue"]').all_inner_texts()
    assert metrics and all("→" in m for m in metrics)
    assert page.locator(".js-plotly-plot").count() >= 4  # side by side and difference, themes and services


def test_the_import_page_is_not_served_when_off_even_as_the_first_request(browser, offline, tmp_path):
    """After a (re)start, /import as the very first request must not serve the page when the
    import is off (Streamlit would fall back to a pages/ folder before the navigation ran)."""
    db = f"sqlite:///{tmp_path / 'store.db'}"
    ingest_paths(make_engine(db), sorted(SAMPLES.glob("*.txt"))[:1])
    proc, url = start_server(db, PINGCHENG_IMPORT="off")
    try:
        with offline_page(browser, offline) as pg:
            pg.goto(f"{url}/import")
            loaded(pg, "总览")
            pg.get_by_text("没有“/import”这个页面").wait_for(timeout=30_000)
            assert pg.locator('[data-testid="stFileUploader"]').count() == 0
            assert pg.get_by_role("link", name="导入").count() == 0
    finally:
        stop_server(proc)


def test_briefing_is_made_and_downloaded(server, page, tmp_path):
    """生成简报 on the overview, for the filters in the URL; the .docx downloads and opens."""
    from docx import Document
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    page.goto(f"{server.url}/?from=2025-05-01&to=2025-05-31")
    loaded(page, "总览")
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
