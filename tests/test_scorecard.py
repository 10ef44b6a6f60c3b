"""The issue's thresholds on the hand-made gold set, and agreement with the reference scorer."""
import json
import os
import subprocess
import sys

import pytest

from etl.evaluate import DEV_THRESHOLDS, THRESHOLDS, error_counts, errors, evaluate_paths, extract_for_scoring, load_jsonl, score
from support import GOLD, SAMPLES, SHARED


@pytest.fixture(scope="module")
def card():
    return evaluate_paths(GOLD, [SAMPLES])


@pytest.mark.parametrize("measure", sorted(THRESHOLDS))
def test_threshold(card, measure):
    assert card[measure] >= THRESHOLDS[measure], f"{measure} = {card[measure]:.3f} < {THRESHOLDS[measure]}"


def test_agrees_with_the_reference_scorer(tmp_path, kb):
    reference = SHARED / "tools" / "score.py"
    if not reference.exists():
        if os.environ.get("CI"):
            pytest.fail(f"the reference scorer {reference} is missing in CI")
        pytest.skip("no ../shared/tools/score.py beside this checkout")
    pred = tmp_path / "pred.jsonl"
    pred.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in extract_for_scoring([SAMPLES])),
                    encoding="utf-8")
    gazetteer = SAMPLES.parent / "gazetteer" / "pingcheng_divisions.csv"
    out = subprocess.run([sys.executable, str(reference), str(GOLD), str(pred), "--gazetteer", str(gazetteer),
                          "--json"], capture_output=True, text=True, check=True)
    theirs = json.loads(out.stdout)
    street_of = {d.name: d.street for d in kb.gazetteer.units}
    ours = score(load_jsonl(GOLD), load_jsonl(pred), street_of)
    assert set(theirs) <= set(ours)
    for key, value in theirs.items():
        assert ours[key] == pytest.approx(value), key


def test_scorer_counts_unpaired_articles_as_errors(kb):
    gold = [{"bulletin": "a.txt", "title": "社区义诊送健康", "first_sentence": "近日，社区开展义诊。",
             "streets_in_text": ["鹿苑街道"], "communities": [], "themes": ["health"], "services": [],
             "reporters": ["郑林"], "participants": [], "quantities": [], "event_date": None,
             "district_wide": False}]
    stray = [{"bulletin": "a.txt", "title": "完全不同的标题内容", "first_sentence": "另一篇文章的开头句子。",
              "streets": ["永泰街道"], "themes": ["safety"], "reporters": ["尚丽"]}]
    card = score(gold, stray, {})
    assert card["articles_matched"] == 0
    assert card["streets_f1"] == 0 and card["streets_p"] == 0 and card["streets_r"] == 0


DEVSET = SHARED / "devset"


def _devset_or_skip():
    if not (DEVSET / "gold.jsonl").exists():
        if os.environ.get("CI"):
            pytest.fail(f"the development set {DEVSET} is missing in CI")
        pytest.skip("no ../shared/devset beside this checkout")


@pytest.fixture(scope="module")
def dev_rows():
    _devset_or_skip()
    return load_jsonl(DEVSET / "gold.jsonl"), extract_for_scoring([DEVSET / "texts"])


def test_dev_set_agrees_with_the_reference_scorer(tmp_path, kb, dev_rows):
    reference = SHARED / "tools" / "score.py"
    if not reference.exists():
        if os.environ.get("CI"):
            pytest.fail(f"the reference scorer {reference} is missing in CI")
        pytest.skip("no ../shared/tools/score.py beside this checkout")
    gold, pred_rows = dev_rows
    pred = tmp_path / "pred.jsonl"
    pred.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in pred_rows), encoding="utf-8")
    gazetteer = SAMPLES.parent / "gazetteer" / "pingcheng_divisions.csv"
    out = subprocess.run([sys.executable, str(reference), str(DEVSET / "gold.jsonl"), str(pred),
                          "--gazetteer", str(gazetteer), "--community-scope", kb.district, "--json"],
                         capture_output=True, text=True, check=True)
    theirs = json.loads(out.stdout)
    street_of = {d.name: d.street for d in kb.gazetteer.units}
    ours = score(gold, load_jsonl(pred), street_of, kb.district, {kb.district})
    for key, value in theirs.items():
        assert ours[key] == pytest.approx(value), key


def test_errors_name_what_was_missed_and_invented(kb):
    gold = [{"bulletin": "a.txt", "seq": 1, "title": "社区义诊送健康", "first_sentence": "近日，社区开展义诊。",
             "streets_in_text": ["鹿苑街道"], "communities": [], "themes": ["health"], "services": [],
             "reporters": ["郑林"], "participants": [{"value": 20}], "quantities": [], "event_date": None,
             "district_wide": False, "phenomena": ["byline_end"]}]
    pred = [{"bulletin": "a.txt", "title": "社区义诊送健康", "first_sentence": "近日，社区开展义诊。",
             "streets": ["永泰街道"], "themes": ["health"], "reporters": [], "participants": [],
             "event_date": None, "district_wide": False},
            {"bulletin": "a.txt", "title": "当前版：05版 上一版 下一版", "first_sentence": "标题导航"}]
    found = errors(gold, pred, {}, kb.district)
    by_field = {(e.field, e.seq): e for e in found}
    assert by_field[("reporters", 1)].missed == ["郑林"] and by_field[("reporters", 1)].invented == []
    assert by_field[("streets", 1)].missed == ["鹿苑街道"] and by_field[("streets", 1)].invented == ["永泰街道"]
    assert by_field[("participants", 1)].missed == [20]
    assert by_field[("segmentation", None)].invented == ["当前版：05版 上一版 下一版"]
    assert error_counts(found)["byline_end"]["reporters"] == {"missed": 1, "invented": 0}


def test_community_scope_leaves_other_districts_communities_unscored():
    gold = [{"bulletin": "a.txt", "title": "西坪镇两社区办重阳宴", "first_sentence": "10月11日，西坪镇开展活动。",
             "district": "云州区", "streets_in_text": [], "communities": ["幸福里社区"]}]
    pred = [{"bulletin": "a.txt", "title": "西坪镇两社区办重阳宴", "first_sentence": "10月11日，西坪镇开展活动。",
             "communities": []}]
    street_of = {"幸福里社区": "振华街道"}
    assert score(gold, pred, street_of, "平城区", {"平城区"})["communities_r"] == 1.0
    assert score(gold, pred, street_of, "平城区", None)["communities_r"] == 0.0
    assert score(gold, pred, street_of, "平城区", {"平城区"})["streets_r"] == 1.0  # no street of ours implied


@pytest.fixture(scope="module")
def dev_card(dev_rows):
    from etl.knowledge import load_knowledge
    kb = load_knowledge()
    gold, pred = dev_rows
    return score(gold, pred, {d.name: d.street for d in kb.gazetteer.units}, kb.district, {kb.district})


@pytest.mark.parametrize("measure", sorted(DEV_THRESHOLDS))
def test_dev_set_threshold(dev_card, measure):
    assert dev_card[measure] >= DEV_THRESHOLDS[measure], \
        f"dev set {measure} = {dev_card[measure]:.3f} < {DEV_THRESHOLDS[measure]}"


# The probe set (tests/data/probe, see its README): 54 articles in 33 files written and annotated by
# hand after the dev set, in formats it has fewer of (e-paper nav variants, 政务公开 metadata blocks,
# WeChat reposts, 今日头条/网易号/搜狐/澎湃 reprints, OCR pages with ■ briefs and 又讯, other districts
# and cities with our names). Bars a little below what the extractor reaches, so regressions show.
PROBE = SAMPLES.parent.parent / "tests" / "data" / "probe"
PROBE_THRESHOLDS = {
    "segmentation_recall": 0.95, "segmentation_precision": 0.95, "streets_f1": 0.95, "streets_p": 0.95,
    "communities_f1": 0.95, "reporters_f1": 0.95, "participants_f1": 0.93, "participants_p": 0.93,
    "quantities_f1": 0.93, "themes_f1": 0.77, "services_f1": 0.72, "event_date_acc": 0.93,
    "district_wide_acc": 0.93,
}


@pytest.fixture(scope="module")
def probe_card():
    from etl.knowledge import load_knowledge
    kb = load_knowledge()
    gold, pred = load_jsonl(PROBE / "gold.jsonl"), extract_for_scoring([PROBE / "texts"])
    return score(gold, pred, {d.name: d.street for d in kb.gazetteer.units}, kb.district, {kb.district})


@pytest.mark.parametrize("measure", sorted(PROBE_THRESHOLDS))
def test_probe_set_threshold(probe_card, measure):
    assert probe_card[measure] >= PROBE_THRESHOLDS[measure], \
        f"probe set {measure} = {probe_card[measure]:.3f} < {PROBE_THRESHOLDS[measure]}"
