import json
import sqlite3

from etl.cli import STORE_FAILED, main


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


def test_evaluate_says_what_is_wrong_with_a_gold_file(tmp_path, capsys):
    """A gold that is missing, not UTF-8, not JSON or not article records gets a message that
    names the file and the line, in Chinese then English, and exit code 2: no traceback."""
    cases = {"missing.jsonl": None, "latin1.jsonl": "標準".encode("big5"),
             "prose.jsonl": "金标准\n".encode(), "list.jsonl": b'{"bulletin": "a.txt"}\n\n[1, 2]\n',
             "nameless.jsonl": b'{"seq": 1}\n', "themes.jsonl": b'{"bulletin": "a.txt", "themes": "health"}\n'}
    expected = {"missing.jsonl": "无法读取", "latin1.jsonl": "不是 UTF-8", "prose.jsonl": "第 1 行不是 JSON",
                "list.jsonl": "第 3 行不是 JSON 对象", "nameless.jsonl": "缺少 bulletin",
                "themes.jsonl": "字段 themes 不是列表"}
    for name, data in cases.items():
        gold = tmp_path / name
        if data is not None:
            gold.write_bytes(data)
        assert main(["evaluate", "--gold", str(gold), "--texts", str(tmp_path)]) == 2, name
        err = capsys.readouterr().err
        assert expected[name] in err and str(gold) in err and "--gold" in err and "Traceback" not in err, err


def test_db_takes_a_sqlite_files_path_and_says_when_it_is_no_address(tmp_path, capsys):
    page = tmp_path / "2025-06-03_page.txt"
    page.write_text("义诊进社区\n\n本报讯（记者 郑林）6月1日，平城区鹿苑街道崇仁社区开展义诊活动。\n", encoding="utf-8")
    store = tmp_path / "plain.db"
    assert main(["ingest", str(page), "--db", str(store)]) == 0
    assert store.exists() and sqlite3.connect(store).execute("select count(*) from articles").fetchone() == (1,)
    capsys.readouterr()
    assert main(["stats", "--db", "nosuch://store"]) == STORE_FAILED
    err = capsys.readouterr().err
    assert "数据库地址无法识别" in err and "not understood" in err and "Traceback" not in err


def test_a_reader_that_stops_early_gets_no_traceback():
    """`etl extract … | head`: the pipe closes while rows are still printed."""
    import subprocess
    import sys
    from pathlib import Path
    root = Path(__file__).resolve().parent.parent
    process = subprocess.Popen([sys.executable, "-m", "etl", "extract", str(root / "data" / "bulletins")], cwd=root,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout.read(100)
    process.stdout.close()
    error = process.stderr.read().decode()
    assert process.wait() == 1 and "Traceback" not in error and "BrokenPipe" not in error, error
