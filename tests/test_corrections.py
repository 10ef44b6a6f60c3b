"""Corrections over the extractor's facts, as a pure function: the latest correction of a field
wins, an undo brings back what was before, values are checked before they are kept."""
import json
from dataclasses import asdict

import pytest

from etl.corrections import Correction, CorrectionError, active, apply, is_reviewed, validate
from etl.facts import CountFact, Facts, PlaceFact


@pytest.fixture
def facts(kb):
    gaz = {d.name: d for d in kb.gazetteer.divisions}
    minhe, kaiyuan = gaz["民和社区"], gaz["开源街道"]
    return Facts(
        places=(PlaceFact(kaiyuan.name, "street", "ours", kaiyuan.street, kaiyuan.code, "开源街道", 10, 14),
                PlaceFact(minhe.name, minhe.level, "ours", minhe.street, minhe.code, "民和社区", 14, 18),
                PlaceFact("悦悦社区", "community", "unknown", "新华街道", None, "悦悦社区", 30, 34)),
        themes=("elderly",), services=("visit",),
        participants=(CountFact(120, 120, 129, True, "名", "居民", "120余名", 40, 45),),
        event_date="--05-24")


def _c(i, field, after, kb, undoes=None):
    value = validate(field, after, kb.gazetteer, kb.taxonomy) if undoes is None else None
    return Correction(i, field, value, undoes)


def test_a_street_correction_replaces_the_places_and_keeps_printed_spans(facts, kb):
    fixed = apply(facts, [_c(1, "places", {"streets": ["开源街道"], "units": ["民和社区", "文兴社区"],
                                           "not_places": ["悦悦社区"]}, kb)], kb.gazetteer)
    assert fixed.units == ["民和社区", "文兴社区"] and "悦悦社区" not in fixed.unknown_places
    assert [p.start for p in fixed.places if p.name == "民和社区"] == [14]  # the printed mention stays
    assert set(fixed.streets) == {"开源街道", next(d.street for d in kb.gazetteer.units if d.name == "文兴社区")}


def test_an_unknown_name_mapped_to_an_official_unit(facts, kb):
    fixed = apply(facts, [_c(1, "places", {"streets": ["开源街道"], "units": ["民和社区", "新悦社区"],
                                           "renamed": {"悦悦社区": "新悦社区"}}, kb)], kb.gazetteer)
    mapped = [p for p in fixed.places if p.name == "新悦社区"]
    assert mapped and mapped[0].status == "ours" and mapped[0].start == 30 and not fixed.unknown_places


def test_a_name_marked_as_another_districts(facts, kb):
    fixed = apply(facts, [_c(1, "places", {"streets": ["开源街道"], "units": [],
                                           "other_district": ["民和社区"]}, kb)], kb.gazetteer)
    assert fixed.units == ["悦悦社区"] and fixed.other_district_places == ["民和社区"]


def test_counts_keep_the_extractors_span_when_unchanged(facts, kb):
    rows = [{"value": 120, "approx": True, "who": "老人"}, {"value": 15, "approx": False, "who": "志愿者"}]
    fixed = apply(facts, [_c(1, "participants", rows, kb)], kb.gazetteer)
    assert [(c.value, c.low, c.approx, c.what, c.start) for c in fixed.participants] == [
        (120, 120, True, "老人", 40), (15, 15, False, "志愿者", None)]


def test_the_latest_correction_wins_and_undo_brings_back_the_one_before(facts, kb):
    first, second = _c(1, "themes", ["safety"], kb), _c(2, "themes", ["health", "elderly"], kb)
    assert apply(facts, [first, second], kb.gazetteer).themes == ("health", "elderly")
    undo = Correction(3, "themes", None, undoes=2)
    assert apply(facts, [first, second, undo], kb.gazetteer).themes == ("safety",)
    assert apply(facts, [first, Correction(2, "themes", None, undoes=1)], kb.gazetteer).themes == ("elderly",)


def test_confirm_as_is_marks_reviewed_and_changes_nothing(facts, kb):
    confirm = Correction(1, "confirmed", True)
    assert apply(facts, [confirm], kb.gazetteer) == facts
    assert is_reviewed([confirm]) and not is_reviewed([confirm, Correction(2, "confirmed", None, undoes=1)])
    assert active([confirm]) == []


def test_not_an_article_and_scalar_fields(facts, kb):
    fixed = apply(facts, [_c(1, "excluded", True, kb), _c(2, "event_date", "2025-05-24", kb),
                          _c(3, "district_wide", True, kb)], kb.gazetteer)
    assert fixed.excluded and fixed.event_date == "2025-05-24" and fixed.district_wide


@pytest.mark.parametrize("field, value, message", [
    ("places", {"streets": ["不存在街道"]}, "不是本区的街道"),
    ("places", {"units": ["开源街道"]}, "不是本区的社区或村"),
    ("themes", ["no_such_theme"], "不在分类表中"),
    ("event_date", "2025-02-30", "YYYY-MM-DD"),
    ("event_date", "May 24", "YYYY-MM-DD"),
    ("participants", [{"value": "很多"}], "不是数字"),
    ("participants", [{"value": 10 ** 12}], "合理范围"),
    ("nonsense", 1, "未知字段"),
])
def test_bad_values_are_refused_with_a_reason(kb, field, value, message):
    with pytest.raises(CorrectionError, match=message):
        validate(field, value, kb.gazetteer, kb.taxonomy)


def test_facts_round_trip_through_json(facts):
    assert Facts.from_json(facts.to_json()) == facts
    # stored as before: every field of every dataclass, in the order of its fields
    assert facts.to_json() == json.dumps(asdict(facts), ensure_ascii=False, separators=(",", ":"))
