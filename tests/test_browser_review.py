"""A review end to end in a real headless Chromium (issue 11): open the queue, pick an article,
correct its place with the form's widgets and a note, see the coverage chart change, reload
from the URL. The note (markup and markdown) shows as literal text in the article's history.
The server has its own store, built from the sample bulletins, since the test changes it."""
import re

import pytest
from analytics import queries
from analytics.filters import Filters
from browser_support import (IDLE, Server, click_row, grid_row, loaded, start_server, stop_server, url_params,
                             wait_for_value)
from etl.ingest import ingest_paths
from etl.knowledge import load_knowledge
from etl.store import make_engine
from etl.store import review as reviews
from support import SAMPLES

pytestmark = pytest.mark.browser
NOTE = "核对原件：地点有误 <script>alert(1)</script> **bold**"
VISIBLE_ROWS = 8  # rows of the queue shown without scrolling the grid (it is 400 px high)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    db = f"sqlite:///{tmp_path_factory.mktemp('review') / 'store.db'}"
    ingest_paths(make_engine(db), sorted(SAMPLES.glob("*.txt")))
    proc, url = start_server(db, PINGCHENG_REVIEW="on")
    try:
        yield Server(url, db)
    finally:
        stop_server(proc)


def _article_to_correct(db: str) -> tuple[int, int, str, dict]:
    """(row in the queue, article id, title, its places as the form shows them): the first titled
    article in the queue's first rows that names one street, a community or village of it and no
    unknown name, and is
    the only report of its activity (an event counts the places of all its reports, so moving
    one report would not move it)."""
    engine = make_engine(db)
    try:
        queue = queries.review_queue(engine, Filters())
        for row, (article_id, title) in enumerate(zip(queue["id"][:VISIBLE_ROWS], queue["title"])):
            places = reviews.shown_value(reviews.open_article(engine, int(article_id)).effective, "places")
            if title and len(places["streets"]) == 1 and places["units"] and not places["unknown"] \
                    and not queries.article_detail(engine, int(article_id))["same_event"]:
                return row, int(article_id), title, places
    finally:
        engine.dispose()
    raise AssertionError("no article in the first rows of the queue names exactly one street and a community")


def _chart_counts(page, key: str) -> dict[str, int]:
    """What a coverage chart draws, read from plotly's own data in the page: street -> bar height
    (cov_streets), or unit -> article count (cov_tree)."""
    return page.evaluate("""key => {
      const gd = document.querySelector(`.st-key-${key} .js-plotly-plot`);
      const trace = gd && gd.data && gd.data[0];
      if (!trace) return null;
      const names = trace.type === 'treemap' ? trace.labels : trace.x;
      const counts = trace.type === 'treemap' ? trace.customdata : trace.y;
      return Object.fromEntries(names.map((n, i) => [n, Number(counts[i])]));
    }""", key)


def _open_coverage(page, url: str | None = None) -> dict[str, int]:
    if url:
        page.goto(url)
    else:  # through the app's navigation: the same session
        page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name="覆盖", exact=True).click()
    loaded(page, "覆盖")
    return wait_for_value(lambda: _chart_counts(page, "cov_streets"), bool, what="the street chart")


def _sign_in(page, name: str) -> None:
    page.get_by_label("审核人姓名").fill(name)
    page.get_by_role("button", name="开始审核").click()
    page.get_by_text(f"审核人：{name}").wait_for(timeout=60_000)


def _multiselect(form, label: str):
    return form.locator('[data-testid="stMultiSelect"]').filter(
        has=form.page.get_by_role("combobox", name=label, exact=True))


def _choose(page, box, typed: str, option: str) -> None:
    """Type into a multiselect and pick an option, as a person does (the list is long)."""
    box.get_by_role("combobox").click()
    box.get_by_role("combobox").press_sequentially(typed)
    page.get_by_role("option", name=option, exact=True).click()
    # The list stays open for more choices, and while it is open the rest of the page is hidden
    # from the accessibility tree: close it.
    page.keyboard.press("Escape")
    page.get_by_role("listbox").wait_for(state="detached", timeout=30_000)
    box.get_by_text(option, exact=True).wait_for(timeout=30_000)


def _history_line(page):
    return page.locator('[data-testid="stText"]').filter(has_text="alert(1)")


def _assert_note_is_text(page) -> None:
    line = _history_line(page).first
    line.wait_for(timeout=60_000)
    assert NOTE in line.inner_text() and "王芳" in line.inner_text()
    assert line.locator("script, strong, b, em").count() == 0
    assert page.locator('[data-testid="stMain"] strong').filter(has_text="bold").count() == 0


def test_a_review_end_to_end(server, page):
    dialogs = []

    def record(dialog) -> None:  # an alert() of the note's script would land here
        dialogs.append(dialog.message)
        dialog.dismiss()
    page.on("dialog", record)
    row, article_id, title, places = _article_to_correct(server.db)
    (old_street,) = places["streets"]
    gaz = load_knowledge().gazetteer
    new_street = next(s.name for s in gaz.streets if s.name != old_street)
    new_unit = next(u for u in gaz.units if u.street == new_street)
    street_of = {u.name: u.street for u in gaz.units}

    before = _open_coverage(page, f"{server.url}/coverage")
    units_before = wait_for_value(lambda: _chart_counts(page, "cov_tree"), bool, what="the treemap")

    # The queue: the least confident first; a click on a row's box opens that article.
    page.goto(f"{server.url}/review")
    loaded(page, "审核与更正")
    _sign_in(page, "王芳")
    grid = page.locator('[data-testid="stDataFrame"]').first
    grid.locator("canvas").first.wait_for(timeout=60_000)
    wait_for_value(lambda: grid_row(grid, row), lambda cells: title in cells, what="the row's title")
    click_row(page, grid, row)
    page.wait_for_url(re.compile(rf".*[?&]article={article_id}(&|$)"), timeout=60_000)

    # The correction: another street and one of its communities instead of the extracted ones.
    form = page.locator('[data-testid="stForm"]').first
    form.wait_for(timeout=60_000)
    streets = _multiselect(form, "街道")
    streets.get_by_text(old_street, exact=True).wait_for(timeout=30_000)
    streets.get_by_role("button", name=f"Remove {old_street}").click()
    _choose(page, streets, new_street, new_street)
    units = _multiselect(form, "社区 / 村")
    for unit in places["units"]:
        units.get_by_role("button", name=f"Remove {street_of[unit]} · {unit}").click()
    _choose(page, units, new_unit.name, f"{new_street} · {new_unit.name}")
    form.get_by_label("说明（为什么这样更正）").fill(NOTE)
    form.get_by_role("button", name="保存更正").click()
    _assert_note_is_text(page)
    # Saving moved the article down the queue; the page stays on it (not on the row's new article).
    assert url_params(page)["article"] == [str(article_id)]
    page.locator(IDLE).wait_for(timeout=60_000)
    assert not page.locator('[data-testid="stAlert"]').filter(has_text="保存被拒绝").count()

    # The coverage chart follows: one article moved from the old street to the new one.
    after = _open_coverage(page)
    expected = {**before, old_street: before[old_street] - 1, new_street: before[new_street] + 1}
    assert after == expected
    units_after = wait_for_value(lambda: _chart_counts(page, "cov_tree"),
                                 lambda c: c and c[new_unit.name] == units_before[new_unit.name] + 1,
                                 what="the new community in the treemap")
    for unit in places["units"]:
        assert units_after[unit] == units_before[unit] - 1

    # A click on the new street's bar filters every page; reloaded from its URL, the filter and
    # the corrected figure are back (a new session: nothing but the URL and the store).
    bars = page.locator(".st-key-cov_streets .js-plotly-plot .bars .point path")
    bars.nth(list(after).index(new_street)).click(force=True)
    page.wait_for_url(re.compile(r".*streets=.*"), timeout=60_000)
    assert url_params(page)["streets"] == [new_street]
    reloaded = _open_coverage(page, page.url)
    page.locator('[data-testid="stSidebar"]').get_by_text(new_street, exact=True).first.wait_for(timeout=60_000)
    assert reloaded == {new_street: after[new_street]}

    # The review page from its URL: the same article, its corrected places, the note as text.
    page.goto(f"{server.url}/review?article={article_id}")
    loaded(page, "审核与更正")
    _sign_in(page, "王芳")
    form = page.locator('[data-testid="stForm"]').first
    form.wait_for(timeout=60_000)
    assert url_params(page)["article"] == [str(article_id)]
    _multiselect(form, "街道").get_by_text(new_street, exact=True).wait_for(timeout=30_000)
    assert not _multiselect(form, "街道").get_by_text(old_street, exact=True).count()
    _multiselect(form, "社区 / 村").get_by_text(f"{new_street} · {new_unit.name}").wait_for(timeout=30_000)
    _assert_note_is_text(page)

    # The article view (no reviewer needed) shows the same history, as text.
    page.goto(f"{server.url}/articles?article={article_id}")
    loaded(page, "文章")
    _assert_note_is_text(page)
    assert dialogs == []
