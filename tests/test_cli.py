import json

from etl.cli import main


def test_extract_shows_dropped_lines_with_their_reason(tmp_path, capsys):
    page = tmp_path / "2025-06-03_page.txt"
    page.write_text("大同晚报数字报\n当前版：05版 上一版 下一版\n\n义诊进社区\n\n"
                    "本报讯（记者 郑林）6月1日，平城区鹿苑街道崇仁社区开展义诊活动。\n\n上一篇  下一篇\n",
                    encoding="utf-8")
    assert main(["extract", str(page), "--no-evidence", "--show-dropped"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    articles = [r for r in rows if "dropped" not in r]
    dropped = [r["dropped"] for r in rows if "dropped" in r]
    assert [a["title"] for a in articles] == ["义诊进社区"]
    assert articles[0]["event_date"] == "2025-06-01" and articles[0]["date_precision"] == "year_inferred"
    assert [(d["line"], d["reason"]) for d in dropped] == [(1, "masthead"), (2, "epaper_nav"), (8, "epaper_nav")]


def test_extract_without_the_flag_prints_articles_only(tmp_path, capsys):
    page = tmp_path / "page.txt"
    page.write_text("当前版：05版 上一版 下一版\n\n义诊进社区\n\n本报讯 6月1日，崇仁社区开展义诊活动。\n", encoding="utf-8")
    assert main(["extract", str(page), "--no-evidence"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(rows) == 1 and "dropped" not in rows[0]


def test_evaluate_lists_errors(tmp_path, capsys):
    page = tmp_path / "page.txt"
    page.write_text("义诊进社区\n\n本报讯（记者 郑林）6月1日，崇仁社区开展义诊活动。\n", encoding="utf-8")
    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps({"bulletin": "page.txt", "seq": 1, "title": "义诊进社区",
                                "first_sentence": "6月1日，崇仁社区开展义诊活动。", "reporters": ["王五"],
                                "streets_in_text": [], "communities": ["崇仁社区"], "themes": ["health"],
                                "services": ["free_clinic"], "participants": [], "quantities": [],
                                "event_date": "--06-01", "district_wide": False,
                                "phenomena": ["byline_lead"]}, ensure_ascii=False) + "\n", encoding="utf-8")
    assert main(["evaluate", "--gold", str(gold), "--texts", str(tmp_path), "--errors", "--bars", "dev"]) == 0
    out = capsys.readouterr().out
    assert "reporters_f1" in out and "## reporters: 1 missed, 1 invented" in out
    assert "byline_lead: reporters 1/1" in out
