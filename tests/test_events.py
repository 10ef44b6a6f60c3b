"""Events (issue 12): the rules on small cases; reports grouped at ingest on SQLite and
PostgreSQL; re-ingest changes nothing, an edited bulletin updates its events, reviewers split
and merge, two workers storing two reports of one event at once still make one event; the
samples hold no duplicate; `etl extract` gives every article an event key."""
import json
import subprocess
import sys
from datetime import date

import numpy as np
import pytest
from datasketch import MinHash
from sqlalchemy import func, select, update

from etl.events import (SCHEME, EventRules, Report, dates_agree, group_records, min_hashes, places_agree,
                        resemblance, shingle_codes, signature, Signature)
from etl.ingest import ingest_paths
from etl.pipeline import Refusal, parse_paths
from etl.sources import bulletin_paths
from etl.store import Article, Event, make_engine
from etl.store import review as reviews
from etl.store.events import event_facets
from support import BULLETIN_PAGES, CALLIGRAPHY, CLINIC, DRILL, DRILL_AGAIN, ROOT, SAMPLES

# Next month's drill in the same community: the same words, another day.
DRILL_LATER = DRILL.replace("5月19日", "6月16日").replace("120余名", "90余名")


@pytest.fixture
def pages(tmp_path):
    first = tmp_path / "2025-05-20_pcb_1.txt"
    second = tmp_path / "2025-05-22_dtwb_1.txt"
    first.write_text(DRILL + CLINIC, encoding="utf-8")
    second.write_text(DRILL_AGAIN + CALLIGRAPHY, encoding="utf-8")
    return first, second


def _groups(engine) -> list[list[str]]:
    """The events of the store as lists of article titles (events of one report left out)."""
    with engine.connect() as conn:
        rows = conn.execute(select(Article.event_id, Article.title).order_by(Article.id)).all()
    by_event: dict[int, list[str]] = {}
    for event_id, title in rows:
        assert event_id is not None, "every report belongs to an event"
        by_event.setdefault(event_id, []).append(title[:6])
    return sorted(sorted(t) for t in by_event.values() if len(t) > 1)


def _article(engine, title_start: str) -> int:
    with engine.connect() as conn:
        return conn.scalar(select(Article.id).where(Article.title.like(f"{title_start}%")))


def _event_row(engine, article_id: int):
    with engine.connect() as conn:
        return conn.execute(select(Event.__table__).join(Article, Article.event_id == Event.id)
                            .where(Article.id == article_id)).mappings().one()


def _consistent(engine) -> None:
    """No event without reports; each event counts its reports."""
    with engine.connect() as conn:
        counts = dict(conn.execute(select(Article.event_id, func.count()).group_by(Article.event_id)).all())
        events = dict(conn.execute(select(Event.id, Event.reports)).all())
    assert set(counts) == set(events)
    assert all(events[e] == n for e, n in counts.items())


# ---- the rules -----------------------------------------------------------------------------

def _report(**kw) -> Report:
    base = dict(ref=kw.pop("ref", 1), source=kw.pop("source", "a"), units=frozenset(), streets=frozenset(),
                district_wide=False, event_date=None, issue_date=None)
    base.update({k: frozenset(v) if k in ("units", "streets") else v for k, v in kw.items()})
    return Report(**base)


def test_dates_equal_or_within_the_window_before_publication():
    rules = EventRules(window_days=10)
    dated = _report(event_date="2025-05-19", issue_date="2025-05-20")
    assert dates_agree(dated, _report(event_date="2025-05-19", issue_date="2025-05-30"), rules)
    assert not dates_agree(dated, _report(event_date="2025-05-18", issue_date="2025-05-20"), rules)
    assert dates_agree(dated, _report(issue_date="2025-05-22"), rules)  # 近日, two days later
    assert not dates_agree(dated, _report(issue_date="2025-06-02"), rules)  # published too long after
    assert not dates_agree(dated, _report(issue_date="2025-05-18"), rules)  # published before it happened
    assert dates_agree(_report(issue_date="2025-05-22"), _report(issue_date="2025-05-30"), rules)
    assert not dates_agree(_report(issue_date="2025-05-01"), _report(issue_date="2025-05-30"), rules)
    # A month and day with no year matches that day of any year; a report with no date at all nothing.
    assert dates_agree(dated, _report(event_date="--05-19"), rules)
    assert not dates_agree(dated, _report(event_date="--05-18"), rules)
    assert not dates_agree(dated, _report(), rules)


def test_places_at_the_finest_level_both_name():
    community = _report(units={"民和社区"}, streets={"开源街道"})
    assert places_agree(community, _report(units={"民和社区", "民悦社区"}, streets={"开源街道"}))
    assert not places_agree(community, _report(units={"民悦社区"}, streets={"开源街道"}))  # next door
    assert places_agree(community, _report(streets={"开源街道"}))  # only the street named
    assert not places_agree(community, _report(streets={"新华街道"}))
    assert not places_agree(community, _report(district_wide=True))  # no place of ours named
    assert places_agree(_report(district_wide=True), _report(district_wide=True))
    assert not places_agree(_report(), _report())
    # A district-wide round-up citing this community among others is not the local activity.
    roundup = _report(district_wide=True, units={"民和社区", "田村"}, streets={"开源街道", "御河街道"})
    assert not places_agree(community, roundup)
    assert places_agree(community, _report(district_wide=True, units={"民和社区"}, streets={"开源街道"}))


def test_signatures_estimate_containment_and_survive_storage(kb):
    rules = kb.events
    a = signature(DRILL, kb.place_names, rules)
    b = signature(DRILL_AGAIN, kb.place_names, rules)
    c = signature(CALLIGRAPHY, kb.place_names, rules)
    assert resemblance(a, b)[0] >= rules.min_containment > resemblance(b, c)[0]
    again = Signature.from_bytes(a.to_bytes(rules), rules)
    assert again.size == a.size and resemblance(a, again) == (1.0, a.size)
    other = EventRules(num_perm=64)
    assert Signature.from_bytes(a.to_bytes(rules), other) is None  # made under other rules: made again


def test_place_names_and_digits_do_not_make_texts_alike(kb):
    rules = kb.events
    one = signature("民和社区5月19日开展活动", kb.place_names, rules)
    two = signature("卫星里社区6月18日开展活动", kb.place_names, rules)
    assert one.size == two.size == 4  # 开展, 展活, 活动 … and 月日 parts are gone with the digits


def test_the_most_precise_count_never_the_sum():
    members = [dict(participants_low=120, participants_high=129, participants_approx=True, date_precision="day",
                    activity_date=date(2025, 5, 19), event_date="2025-05-19", theme_bits=1, street_bits=2),
               dict(participants_low=100, participants_high=199, participants_approx=True, date_precision="issue",
                    activity_date=date(2025, 5, 22), theme_bits=4, street_bits=2),
               dict(participants_low=0, participants_vague=1, date_precision="issue", activity_date=date(2025, 5, 21))]
    facets = event_facets(members)
    assert facets["participants_low"] == 120 and facets["participants_approx"]
    assert facets["activity_date"] == date(2025, 5, 19) and facets["date_precision"] == "day"
    assert facets["theme_bits"] == 5 and facets["street_bits"] == 2


# ---- extract: an event key per article -----------------------------------------------------

def test_extract_gives_the_same_key_to_reports_of_one_event(pages):
    out = subprocess.run([sys.executable, "-m", "etl", "extract", *map(str, pages), "--no-evidence"],
                         capture_output=True, text=True, cwd=ROOT, check=True)
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    key = {r["title"][:6]: r["event"] for r in rows}
    assert key["民和社区开展"] == key["雨季将至 民"] == "2025-05-20_pcb_1.txt#1"
    assert len({key["卫星里社区义"], key["民和社区举办"], key["民和社区开展"]}) == 3


def test_samples_hold_no_duplicate(kb):
    records = [r for r in parse_paths([SAMPLES]) if not isinstance(r, Refusal)]
    keys = group_records(records, kb.events, kb.place_names)
    assert len(set(keys.values())) == len(keys), "no merge among the sample bulletins"


def test_samples_in_the_store_make_one_event_per_report(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'samples.db'}")
    ingest_paths(engine, bulletin_paths([SAMPLES]))
    with engine.connect() as conn:
        assert conn.scalar(select(func.count(Event.id))) == conn.scalar(select(func.count(Article.id))) > 0
    _consistent(engine)


# ---- the store, on SQLite and PostgreSQL ----------------------------------------------------

def test_reports_of_one_event_are_one_event(engine, pages):
    ingest_paths(engine, pages)
    assert _groups(engine) == [["民和社区开展", "雨季将至 民"]]
    event = _event_row(engine, _article(engine, "民和社区开展"))
    assert event["reports"] == 2
    assert event["participants_low"] == 120  # 120余名 and 百余名: the most precise, not 220
    assert event["activity_date"] == date(2025, 5, 19) and event["date_precision"] == "inferred"  # 5月19日, not 近日
    _consistent(engine)


def test_reingest_changes_nothing(engine, pages):
    ingest_paths(engine, pages)
    with engine.connect() as conn:
        before = conn.execute(select(Event.__table__).order_by(Event.id)).all()
        placed = conn.execute(select(Article.id, Article.event_id).order_by(Article.id)).all()
    report = ingest_paths(engine, pages)
    assert report.count("unchanged") == 2
    with engine.connect() as conn:
        assert conn.execute(select(Event.__table__).order_by(Event.id)).all() == before
        assert conn.execute(select(Article.id, Article.event_id).order_by(Article.id)).all() == placed


def test_an_edited_bulletin_updates_its_events(engine, pages):
    first, second = pages
    ingest_paths(engine, pages)
    # A corrected typo: the bulletin is replaced, its report joins the same event again.
    second.write_text(DRILL_AGAIN.replace("哨声", "口哨声") + CALLIGRAPHY, encoding="utf-8")
    assert ingest_paths(engine, [second]).count("replaced") == 1
    assert _groups(engine) == [["民和社区开展", "雨季将至 民"]]
    _consistent(engine)
    # The first paper's report edited to another day: it no longer reports the same activity.
    first.write_text(DRILL_LATER + CLINIC, encoding="utf-8")
    assert ingest_paths(engine, [first]).count("replaced") == 1
    assert _groups(engine) == []
    _consistent(engine)
    with engine.connect() as conn:
        assert conn.scalar(select(func.count(Event.id))) == 4


def test_split_and_merge_are_corrections_that_survive_reingest(engine, pages):
    first, second = pages
    ingest_paths(engine, pages)
    again = _article(engine, "雨季将至")
    reviews.split(engine, again, "王芳", "另一次演练", reviews.version_of(engine, again))
    assert _groups(engine) == []
    _consistent(engine)
    # An edited copy of the bulletin: the split holds (the correction follows the article's text).
    second.write_text(DRILL_AGAIN.replace("哨声", "口哨声") + CALLIGRAPHY, encoding="utf-8")
    ingest_paths(engine, [second])
    assert _groups(engine) == []
    # Undo the split: the rules put the two reports together again.
    again = _article(engine, "雨季将至")
    entry = [h for h in reviews.history(engine, reviews.open_article(engine, again).key) if h["field"] == "event"][-1]
    reviews.undo(engine, again, entry["id"], "王芳", "撤销", reviews.version_of(engine, again))
    assert _groups(engine) == [["民和社区开展", "雨季将至 民"]]

    # Merge two reports the rules keep apart (the calligraphy class is not the drill: a reviewer says it is).
    drill, calligraphy = _article(engine, "民和社区开展"), _article(engine, "民和社区举办")
    versions = {i: reviews.version_of(engine, i) for i in (drill, calligraphy)}
    key = reviews.merge(engine, calligraphy, drill, "李强", "同一次活动", versions)
    assert key.startswith("m:")
    assert _groups(engine) == [["民和社区举办", "民和社区开展", "雨季将至 民"]]
    assert _event_row(engine, drill)["reports"] == 3
    _consistent(engine)
    # Both bulletins stored again from edited copies: the merge holds.
    first.write_text(DRILL + CLINIC.replace("血糖", "血糖等"), encoding="utf-8")
    ingest_paths(engine, pages)
    assert _groups(engine) == [["民和社区举办", "民和社区开展", "雨季将至 民"]]
    _consistent(engine)


def test_a_stale_merge_is_refused(engine, pages):
    ingest_paths(engine, pages)
    drill, calligraphy = _article(engine, "民和社区开展"), _article(engine, "民和社区举办")
    versions = {i: reviews.version_of(engine, i) for i in (drill, calligraphy)}
    reviews.save(engine, drill, {"confirmed": True}, "王芳", "", versions[drill])
    with pytest.raises(reviews.StaleEdit):
        reviews.merge(engine, calligraphy, drill, "李强", "", versions)
    assert _groups(engine) == [["民和社区开展", "雨季将至 民"]]


def test_merging_two_stored_copies_of_one_article_is_one_correction(engine, tmp_path):
    """One bulletin's file stored from several folders in one batch holds articles of one key,
    which share their corrections: merging two of them saves once, not a second time as if
    someone else had edited (the summaries' property test found this)."""
    items = []
    for i, (name, version) in enumerate([("2025-06-18_pcb_2.txt", 0), ("2025-06-18_pcb_2.txt", 0),
                                         ("2025-06-18_pcb_2.txt", 1)]):
        path = tmp_path / str(i) / name
        path.parent.mkdir()
        path.write_text(BULLETIN_PAGES[name][version], encoding="utf-8")
        items.append((path, name))
    ingest_paths(engine, items)
    with engine.connect() as conn:
        rows = conn.execute(select(Article.id, Article.article_key).order_by(Article.id)).all()
    shared = [key for key in {k for _, k in rows} if sum(k == key for _, k in rows) > 1]
    assert shared, "the batch stores one article twice"
    first, second = [i for i, key in rows if key == shared[0]][:2]
    versions = {i: reviews.version_of(engine, i) for i in (first, second)}
    key = reviews.merge(engine, first, second, "李强", "", versions)
    assert key.startswith("m:")
    assert [h["field"] for h in reviews.history(engine, shared[0])] == ["event"]
    _consistent(engine)


def test_a_correction_moves_a_report_out_of_its_event(engine, pages):
    ingest_paths(engine, pages)
    again = _article(engine, "雨季将至")
    opened = reviews.open_article(engine, again)
    reviews.save(engine, again, {"places": {"streets": ["新华街道"], "units": ["卫星里社区"]}}, "王芳", "",
                 opened.version)
    assert _groups(engine) == []  # another place: not the same activity any more
    _consistent(engine)


def test_two_workers_storing_reports_of_one_event_make_one_event(db_url, tmp_path):
    paths = []
    for i in range(4):  # the same drill reported four days running by four outlets
        path = tmp_path / f"2025-05-2{i}_paper{i}.txt"
        path.write_text((DRILL if i % 2 == 0 else DRILL_AGAIN) + CALLIGRAPHY.replace("30名", f"{30 + i}名"),
                        encoding="utf-8")
        paths.append(path)
    engine = make_engine(db_url)
    report = ingest_paths(engine, paths, workers=2)
    assert report.count("stored") == 4
    # The drill, and the calligraphy class printed by all four: two events of four reports each.
    assert [len(g) for g in _groups(engine)] == [4, 4]
    _consistent(engine)
    engine.dispose()


def test_an_older_store_gets_its_events(engine, pages):
    ingest_paths(engine, pages)
    with engine.begin() as conn:  # as a store made before events existed
        conn.execute(update(Article).values(event_id=None))
        conn.execute(Event.__table__.delete())
    make_engine(engine.url.render_as_string(hide_password=False)).dispose()
    assert _groups(engine) == [["民和社区开展", "雨季将至 民"]]
    _consistent(engine)


# ---- figures count events by default, reports on request -------------------------------------

def test_figures_count_events_by_default_and_reports_on_request(engine, pages):
    from analytics import queries
    from analytics.filters import Filters
    ingest_paths(engine, pages)
    events, reports = queries.overview(engine, Filters()), queries.overview(engine, Filters(count="reports"))
    assert (events.articles, events.reports, events.events, events.merged) == (3, 4, 3, 1)
    assert (reports.articles, reports.reports, reports.events, reports.merged) == (4, 4, 3, 1)
    assert events.participants_low == 120 + 80 + 30  # the drill once, at its most precise count
    assert reports.participants_low == 120 + 80 + 100 + 30
    coverage = queries.coverage(engine, Filters()).set_index("name")["articles"]
    assert coverage["民和社区"] == 2 and coverage["开源街道"] == 2 and coverage["卫星里社区"] == 1
    assert queries.coverage(engine, Filters(count="reports")).set_index("name")["articles"]["民和社区"] == 3
    assert queries.overview(engine, Filters(communities=("民和社区",))).articles == 2
    assert queries.overview(engine, Filters(q="哨声")).articles == 1  # a word of one report finds its event
    assert queries.overview(engine, Filters(q="哨声", count="reports")).articles == 1
    themes = queries.label_counts(engine, Filters(), "theme").set_index("key")["articles"]
    assert themes.max() <= 3
    timeline = queries.timeline(engine, Filters())
    assert timeline["articles"].sum() == 3
    assert queries.timeline(engine, Filters(count="reports"))["articles"].sum() == 4
    table = queries.articles_table(engine, Filters())
    assert len(table) == 3 and sorted(table["reports"]) == [1, 1, 2]
    assert len(queries.articles_table(engine, Filters(count="reports"))) == 4
    assert len(queries.review_queue(engine, Filters())) == 4  # reviewers check every report
    detail = queries.article_detail(engine, _article(engine, "民和社区开展"))
    assert [r["title"][:6] for r in detail["same_event"]] == ["雨季将至 民"]


def test_the_count_setting_lives_in_the_url():
    from analytics.filters import Filters
    assert Filters().count == "events" and "count" not in Filters().to_params()
    assert Filters(count="reports").to_params() == {"count": ["reports"]}
    assert Filters.from_params({"count": "reports"}).count == "reports"
    assert Filters.from_params({"count": "<script>"}).count == "events"
    assert Filters(count="reports").describe() == "按报道计"


# ---- the dashboard (AppTest) -----------------------------------------------------------------

def _app(engine, monkeypatch):
    from streamlit.testing.v1 import AppTest
    monkeypatch.setenv("DATABASE_URL", engine.url.render_as_string(hide_password=False))
    for key in ("PINGCHENG_REVIEW", "PINGCHENG_REVIEWERS"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.chdir(ROOT)
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.run()
    return at


def test_the_dashboard_counts_events_lists_repeats_and_lets_reviewers_split_and_merge(tmp_path, pages, monkeypatch):
    from support import page_failures
    engine = make_engine(f"sqlite:///{tmp_path / 'app.db'}")
    ingest_paths(engine, pages)
    at = _app(engine, monkeypatch)
    assert not page_failures(at)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["活动"] == "3"
    assert any("1 篇是同一活动的重复报道" in c.value for c in at.caption)
    at.sidebar.selectbox(key="f_count").set_value("reports").run()  # the switch, kept in the URL
    assert {m.label: m.value for m in at.metric}["文章（报道）"] == "4"
    assert at.query_params["count"] in ("reports", ["reports"])
    at.sidebar.selectbox(key="f_count").set_value("events").run()

    # The article view lists the other report of its event, with a link to it.
    drill, again = _article(engine, "民和社区开展"), _article(engine, "雨季将至")
    at.switch_page("dashboard/app_pages/articles.py")
    at.query_params["article"] = str(drill)
    at.run()
    assert not page_failures(at)
    assert any(s.value == "同一活动的其他报道" for s in at.subheader)
    links = [str(link.proto) for link in at.get("page_link")]
    assert any(f"article={again}" in link for link in links), links

    # A reviewer splits it off on the review page, then merges it back.
    at.switch_page("dashboard/app_pages/review.py").run()
    at.text_input[0].set_value("王芳")
    at.button[0].click().run()
    at.query_params["article"] = str(drill)
    at.run()
    assert not page_failures(at)
    next(b for b in at.button if b.label == "拆出").click().run()
    assert not page_failures(at) and not at.error
    assert _groups(engine) == []
    form = next(s for s in at.selectbox if s.label.startswith("与另一篇报道合并"))
    choice = next(o for o in form.options if "雨季将至" in o)
    form.set_value(form.options.index(choice) if isinstance(form.value, int) else choice)
    next(b for b in at.button if b.label == "合并为同一活动").click().run()
    assert not page_failures(at) and not at.error
    assert _groups(engine) == [["民和社区开展", "雨季将至 民"]]
    engine.dispose()


def test_the_benchmark_corpus_has_rewritten_duplicates_that_are_found(tmp_path):
    from tools.synth import write_corpus
    paths = write_corpus(tmp_path / "corpus", 60, companions=1.0)
    assert any(p.name.endswith("_b.txt") for p in paths)
    engine = make_engine(f"sqlite:///{tmp_path / 'bench.db'}")
    ingest_paths(engine, paths)
    with engine.connect() as conn:
        merged = conn.scalar(select(func.count(Article.id))) - conn.scalar(select(func.count(Event.id)))
    assert merged >= 3  # at least most of one companion page's three rewritten reports
    _consistent(engine)
    engine.dispose()


def test_min_hashes_are_datasketch_s(kb):
    """Signatures made here and stored ones made before compare: the same values as
    datasketch's MinHash of the same shingle codes, for any codes (none, one, many)."""
    rules = kb.events
    rng = np.random.default_rng(5)
    for size in (0, 1, 2, 50, 700):
        codes = np.unique(rng.integers(0, 2 ** 32, size, dtype=np.uint32))
        theirs = MinHash(num_perm=rules.num_perm, seed=rules.seed, scheme=SCHEME, hashfunc=lambda v: v,
                         permutations=MinHash(num_perm=rules.num_perm, seed=rules.seed, scheme=SCHEME).permutations)
        theirs.update_batch(codes.tolist())
        assert np.array_equal(min_hashes(codes, rules), theirs.hashvalues.astype(np.uint32))
    assert np.array_equal(shingle_codes("", 2), np.zeros(0, dtype=np.uint32))
    assert np.array_equal(shingle_codes("开展 开展活动", 2), np.unique(shingle_codes("开展 开展活动", 2)))
