"""Reviewers' corrections in the store, on SQLite and PostgreSQL: figures follow them, they
survive re-ingest and an edited bulletin, a stale save is refused, undo brings back the
extractor's value, an orphan is listed, an alias taught through review resolves new text."""
import json
import shutil
import subprocess
import sys

import pytest
from sqlalchemy import select

from analytics import queries
from analytics.filters import Filters
from etl.corrections import CorrectionError
from etl.ingest import ingest_paths
from etl.store import Article
from etl.store import review as reviews
from support import ROOT

BULLETIN = ("社区义诊送健康\n\n本报讯（记者 郑林）5月20日，平城区新华街道卫星里社区开展义诊活动，"
            "80余名居民参加，医生为老人测量血压。\n\n"
            "消防演练进校园\n\n本报讯（记者 尚丽）5月21日，开源街道民和社区组织消防安全演练，30名居民参与。\n")


@pytest.fixture
def page(tmp_path):
    path = tmp_path / "2025-05-22_page1.txt"
    path.write_text(BULLETIN, encoding="utf-8")
    return path


def _article(engine, title_start: str) -> int:
    with engine.connect() as conn:
        return conn.scalar(select(Article.id).where(Article.title.like(f"{title_start}%")))


def _reopen(engine, title_start: str):
    return reviews.open_article(engine, _article(engine, title_start))


def test_corrections_change_every_figure(engine, page):
    ingest_paths(engine, [page])
    before = queries.overview(engine, Filters())
    clinic = _reopen(engine, "社区义诊")
    assert clinic.effective.streets == ["新华街道"]
    reviews.save(engine, clinic.article_id, {
        "places": {"streets": ["古城街道"], "units": []},
        "participants": [{"value": 95, "approx": False, "who": "居民"}],
        "themes": ["safety"]}, "王芳", "核对原件", clinic.version)
    after = queries.overview(engine, Filters())
    assert after.participants_low == before.participants_low - 80 + 95
    coverage = queries.coverage(engine, Filters()).set_index("name")["articles"]
    assert coverage["古城街道"] == 1 and coverage["新华街道"] == 0 and coverage["卫星里社区"] == 0
    themes = queries.label_counts(engine, Filters(), "theme").set_index("key")["articles"]
    assert themes["safety"] == 2 and "health" not in themes
    assert after.reviewed == 1
    assert queries.overview(engine, Filters(reviewed="yes")).articles == 1
    assert queries.overview(engine, Filters(reviewed="no")).articles == 1


def test_not_an_article_leaves_every_figure(engine, page):
    ingest_paths(engine, [page])
    drill = _reopen(engine, "消防演练")
    reviews.save(engine, drill.article_id, {"excluded": True}, "王芳", "", drill.version)
    assert queries.overview(engine, Filters()).articles == 1
    assert len(queries.articles_table(engine, Filters())) == 1
    assert len(queries.review_queue(engine, Filters())) == 2  # still in the queue, marked


def test_corrections_survive_reingest_and_an_edited_bulletin(engine, page):
    ingest_paths(engine, [page])
    clinic = _reopen(engine, "社区义诊")
    reviews.save(engine, clinic.article_id, {"themes": ["elderly"]}, "王芳", "", clinic.version)
    assert ingest_paths(engine, [page]).outcomes[0].status == "unchanged"
    # the same bulletin, edited: an OCR fix in the clinic article and another article changed
    page.write_text(BULLETIN.replace("测量血压", "测量血压、血糖").replace("30名", "35名"), encoding="utf-8")
    assert ingest_paths(engine, [page]).outcomes[0].status == "replaced"
    clinic = _reopen(engine, "社区义诊")
    assert clinic.effective.themes == ("elderly",) and clinic.version == 1
    assert queries.label_counts(engine, Filters(), "theme").set_index("key")["articles"].get("health", 0) == 0
    assert reviews.orphans(engine) == []


LONG = ("夜校开课\n\n本报讯（记者 孙露）近日，平城区青年夜校春季班在文兴社区开课，" + "学员们学习书法、摄影和茶艺，" * 20
        + "课程持续两个月。\n")


def test_a_correction_whose_article_is_gone_is_listed(engine, page):
    page.write_text(BULLETIN + "\n" + LONG, encoding="utf-8")
    ingest_paths(engine, [page])
    drill = _reopen(engine, "消防演练")
    reviews.save(engine, drill.article_id, {"district_wide": True}, "王芳", "整理", drill.version)
    # an edited version of the page: the drill report gave way to another article
    page.write_text(BULLETIN.split("消防演练进校园")[0] + LONG + "\n新增文章\n\n本报讯（记者 甲乙）近日，先锋村举办敬老宴。\n",
                    encoding="utf-8")
    assert ingest_paths(engine, [page]).outcomes[0].status == "replaced"
    orphaned = reviews.orphans(engine)
    assert [(o["title"], o["field"], o["reviewer"]) for o in orphaned] == [("消防演练进校园", "district_wide", "王芳")]


def test_undo_brings_back_the_extractors_value(engine, page):
    ingest_paths(engine, [page])
    clinic = _reopen(engine, "社区义诊")
    reviews.save(engine, clinic.article_id, {"event_date": "2025-05-19"}, "王芳", "", clinic.version)
    first = reviews.history(engine, clinic.key)[0]
    reviews.undo(engine, clinic.article_id, first["id"], "李强", "看错了", 1)
    again = _reopen(engine, "社区义诊")
    assert again.effective.event_date == clinic.extracted.event_date == "2025-05-20"
    entries = reviews.history(engine, clinic.key)
    assert [(e["reviewer"], e["undoes"], e["undone"]) for e in entries] == [("王芳", None, True), ("李强", first["id"], False)]
    assert queries.overview(engine, Filters()).reviewed == 0  # nothing in force any more


def test_a_stale_second_save_is_refused(engine, page):
    ingest_paths(engine, [page])
    opened_by_a = opened_by_b = _reopen(engine, "社区义诊")
    reviews.save(engine, opened_by_a.article_id, {"themes": ["health"]}, "王芳", "", opened_by_a.version)
    with pytest.raises(reviews.StaleEdit):
        reviews.save(engine, opened_by_b.article_id, {"themes": ["safety"]}, "李强", "", opened_by_b.version)
    assert _reopen(engine, "社区义诊").effective.themes == ("health",)


def test_invalid_values_and_anonymous_saves_are_refused(engine, page):
    ingest_paths(engine, [page])
    clinic = _reopen(engine, "社区义诊")
    with pytest.raises(CorrectionError, match="审核人"):
        reviews.save(engine, clinic.article_id, {"themes": ["health"]}, " ", "", clinic.version)
    with pytest.raises(CorrectionError, match="不是本区的街道"):
        reviews.save(engine, clinic.article_id, {"places": {"streets": ["北关街道"]}}, "王芳", "", clinic.version)
    assert reviews.history(engine, clinic.key) == []


def test_an_alias_taught_through_review_resolves_new_bulletins(engine, tmp_path, monkeypatch):
    from etl.knowledge import load_knowledge, reload_knowledge
    from etl.learn import add_alias
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data, ignore=shutil.ignore_patterns("bulletins", "*.db*"))
    monkeypatch.setenv("ETL_DATA_DIR", str(data))
    reload_knowledge()
    try:
        typo = tmp_path / "typo.txt"
        typo.write_text("社区活动\n\n本报讯（记者 郑林）近日，卫兴里社区开展讲座活动。\n", encoding="utf-8")
        ingest_paths(engine, [typo])
        article = _reopen(engine, "社区活动")
        assert "卫兴里社区" not in article.effective.units
        unit = next(u for u in load_knowledge().gazetteer.units if u.name == "卫星里社区")
        line = add_alias("卫兴里社区", unit)
        assert line.startswith("卫兴里社区,") and line in (data / "gazetteer" / "pingcheng_aliases.csv").read_text("utf-8")
        fresh = tmp_path / "fresh.txt"
        fresh.write_text("新的活动\n\n本报讯（记者 尚丽）近日，卫兴里社区举办义诊。\n", encoding="utf-8")
        ingest_paths(engine, [fresh])
        assert _reopen(engine, "新的活动").effective.units == ["卫星里社区"]
    finally:
        monkeypatch.undo()
        reload_knowledge()


def test_export_of_reviewed_articles_scores_with_evaluate(engine, page, tmp_path):
    ingest_paths(engine, [page])
    clinic = _reopen(engine, "社区义诊")
    reviews.save(engine, clinic.article_id, {"confirmed": True}, "王芳", "", clinic.version)
    gold, texts = tmp_path / "gold.jsonl", tmp_path / "texts"
    url = engine.url.render_as_string(hide_password=False)
    run = subprocess.run([sys.executable, "-m", "etl", "corrections", "export", "-o", str(gold), "--texts", str(texts),
                          "--db", url], cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    rows = [json.loads(line) for line in gold.read_text(encoding="utf-8").splitlines()]
    assert [(r["title"], r["streets_in_text"], r["communities"]) for r in rows] == [
        ("社区义诊送健康", ["新华街道"], ["卫星里社区"])]
    score = subprocess.run([sys.executable, "-m", "etl", "evaluate", "--gold", str(gold), "--texts", str(texts), "--partial",
                            "--json"], cwd=ROOT, capture_output=True, text=True)
    assert score.returncode == 0, score.stderr
    card = json.loads(score.stdout)
    assert card["articles_gold"] == 1 and card["streets_f1"] == 1.0


# ---- the review page (AppTest) -------------------------------------------------------------

def _review_page(engine, monkeypatch, **settings):
    from streamlit.testing.v1 import AppTest
    monkeypatch.setenv("DATABASE_URL", engine.url.render_as_string(hide_password=False))
    for key in ("PINGCHENG_REVIEW", "PINGCHENG_REVIEWERS"):
        monkeypatch.delenv(key, raising=False)
    for key, value in settings.items():
        monkeypatch.setenv(key, value)
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.run()
    at.switch_page("dashboard/app_pages/review.py").run()
    return at


def test_the_review_page_saves_a_correction_and_shows_a_note_as_text(engine, page, monkeypatch):
    from support import page_failures
    ingest_paths(engine, [page])
    at = _review_page(engine, monkeypatch)
    at.text_input[0].set_value("王芳")
    at.button[0].click().run()
    assert not page_failures(at) and at.session_state["reviewer"] == "王芳"
    at.query_params["article"] = str(_article(engine, "社区义诊"))
    at.run()
    themes = next(m for m in at.multiselect if m.label == "主题")
    themes.set_value(["safety"])
    note = "<script>window.x=1</script> **粗体**"
    next(t for t in at.text_area if t.label.startswith("说明")).set_value(note)
    next(b for b in at.button if b.label == "保存更正").click().run()
    assert not page_failures(at) and not at.error
    assert _reopen(engine, "社区义诊").effective.themes == ("safety",)
    shown = [t.value for t in at.text]  # st.text: never markup
    assert any(note in value for value in shown)
    assert not any("<script>" in m.value for m in at.markdown)


def test_reviewers_need_their_password_when_set(engine, page, monkeypatch):
    ingest_paths(engine, [page])
    at = _review_page(engine, monkeypatch, PINGCHENG_REVIEW="password", PINGCHENG_REVIEWERS="王芳:pw1;李强:pw2")
    at.text_input[0].set_value("王芳")
    at.text_input[1].set_value("pw2")
    at.button[0].click().run()
    assert any("不正确" in e.value for e in at.error) and "reviewer" not in at.session_state
    at.text_input[1].set_value("pw1")
    at.button[0].click().run()
    assert at.session_state["reviewer"] == "王芳"


def test_read_only_deployments_hide_the_review_page(engine, monkeypatch):
    from streamlit.testing.v1 import AppTest
    monkeypatch.setenv("DATABASE_URL", engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("PINGCHENG_REVIEW", "off")
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.run()
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("dashboard/app_pages/review.py")


def test_the_form_of_places_and_what_changed(engine, page, kb):
    from dashboard import review
    units = {u.name for u in kb.gazetteer.units}
    value = review.places_value(["新华街道"], ["卫星里社区"], {"悦悦社区": "新悦社区", "某某村": review.NOT_A_PLACE,
                                                        "安荣里社区": review.OTHER_DISTRICT, "乙社区": review.KEEP}, units)
    assert value == {"streets": ["新华街道"], "units": ["卫星里社区", "新悦社区"], "renamed": {"悦悦社区": "新悦社区"},
                     "not_places": ["某某村"], "other_district": ["安荣里社区"]}
    ingest_paths(engine, [page])
    facts = _reopen(engine, "社区义诊").effective
    shown = reviews.shown_value(facts, "participants")  # what the page's table starts with
    assert [(row["value"], row["approx"]) for row in shown] == [(80, True)]
    same = {"places": {"streets": facts.streets, "units": facts.units}, "themes": list(facts.themes),
            "participants": shown, "excluded": False}
    assert review.changes(facts, same) == {}
    assert review.changes(facts, {**same, "themes": ["safety"]}) == {"themes": ["safety"]}


def test_the_queue_in_words(engine, page):
    from dashboard import review
    ingest_paths(engine, [page])
    queue = queries.review_queue(engine, Filters())
    shown = review.queue_zh(queue.assign(activity_date=[None, "2025-05-21"]))
    assert list(shown["日期"]) == ["日期不明", "2025-05-21"]  # never "None"


def test_a_selectable_tables_key_changes_with_its_rows():
    """Streamlit keeps a selection as a row position: the table's key changes with its rows so
    that a reordered queue or a filtered table does not select another row."""
    from dashboard.tables import selection_key
    assert selection_key("review_queue", [3, 1, 2]) == selection_key("review_queue", (3, 1, 2))
    assert selection_key("review_queue", [3, 1, 2]) != selection_key("review_queue", [1, 2, 3])
    assert selection_key("review_queue", [1]) != selection_key("art_table", [1])
