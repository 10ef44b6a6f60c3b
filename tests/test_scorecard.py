"""The issue's thresholds on the hand-made gold set, and agreement with the reference scorer."""
import json
import os
import subprocess
import sys

import pytest

from etl.evaluate import THRESHOLDS, evaluate_paths, extract_for_scoring, load_jsonl, score
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
