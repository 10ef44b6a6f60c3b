import pytest

from etl.confidence import PENALTIES, confidence, labels_close
from etl.extract import extract_bulletin


def test_no_reason_is_full_confidence():
    assert confidence([]) == 1.0


def test_each_reason_lowers_it_once():
    assert confidence(["no_lead"]) == pytest.approx(1 - PENALTIES["no_lead"])
    assert confidence(["no_lead", "no_lead"]) == confidence(["no_lead"])
    assert confidence(list(PENALTIES)) < confidence(["no_lead", "cut_off"]) < confidence(["cut_off"])
    assert confidence(list(PENALTIES) * 3) >= 0.0


def test_labels_close():
    assert labels_close({"health": 6.0, "elderly": 5.5})
    assert not labels_close({"health": 9.0, "elderly": 3.0})
    assert not labels_close({"health": 9.0})


def test_records_carry_confidence_and_reasons(kb):
    clean = ("社区义诊送健康\n\n本报讯（记者 郑林）2025年10月26日，平城区鹿苑街道崇仁社区开展义诊活动，"
             "20余名居民参加。\n")
    article = extract_bulletin(clean, "t.txt", kb).articles[0]
    assert article.confidence == 1.0 and article.confidence_reasons == []
    doubtful = ("当前版：05版 上一版 下一版\n十几位居民围坐在一起，10月26日听讲座\n")
    article = extract_bulletin(doubtful, "2025-11-01_p.txt", kb).articles[0]
    assert {"no_lead", "no_headline", "furniture_nearby", "vague_count", "inferred_date", "cut_off"} \
        <= set(article.confidence_reasons)
    assert article.confidence < 0.5
    row = extract_bulletin(doubtful, "2025-11-01_p.txt", kb).rows(evidence=False)[0]
    assert row["confidence"] == article.confidence and row["confidence_reasons"] == article.confidence_reasons


def test_an_article_with_no_place_at_all_is_doubtful(kb):
    nowhere = "夏日送清凉\n\n本报讯（记者 郑林）近日，志愿者为环卫工人送去绿豆汤。\n"
    assert "no_place" in extract_bulletin(nowhere, "t.txt", kb).articles[0].confidence_reasons
    district = "夏日送清凉\n\n本报讯（记者 郑林）近日，平城区总工会为全区环卫工人送去绿豆汤。\n"
    assert "no_place" not in extract_bulletin(district, "t.txt", kb).articles[0].confidence_reasons
