"""The one path from a file to records: refusals, sidecars, and the same rows everywhere."""
import json
import subprocess
import sys

from etl.ingest import ingest_paths
from etl.pipeline import ParseOptions, Refusal, extract_rows, parse_file, parse_paths
from etl.store import stats
from support import ROOT, SAMPLES

GOOD = "社区义诊送健康\n\n本报讯（记者 郑林）近日，崇仁社区开展义诊活动，20余名居民参加。\n"


def test_a_malformed_sidecar_refuses_its_bulletin_and_the_good_one_is_stored(engine, tmp_path):
    good, bad, wrong = tmp_path / "good.txt", tmp_path / "bad.txt", tmp_path / "wrong.txt"
    for i, path in enumerate((good, bad, wrong)):  # distinct: identical content would be one bulletin
        path.write_text(GOOD + f"\n第{i}版\n", encoding="utf-8")
    (tmp_path / "bad.json").write_text("{issue_date: 2025-06-03", encoding="utf-8")  # not JSON
    (tmp_path / "wrong.date").write_text("June 3rd\n", encoding="utf-8")  # not a date
    report = ingest_paths(engine, [bad, good, wrong])
    assert [o.status for o in report.outcomes] == ["refused", "stored", "refused"]
    assert "bad.json" in report.outcomes[0].reason and "JSON" in report.outcomes[0].reason
    assert "wrong.date" in report.outcomes[2].reason and "YYYY-MM-DD" in report.outcomes[2].reason
    assert stats(engine)["bulletins"] == 1


def test_a_good_sidecar_gives_the_issue_date(tmp_path):
    path = tmp_path / "page.txt"
    path.write_text(GOOD, encoding="utf-8")
    (tmp_path / "page.json").write_text(json.dumps({"issue_date": "2024-11-02"}), encoding="utf-8")
    record = parse_file(path)
    assert (record.issue.value, record.issue.source) == ("2024-11-02", "sidecar")
    assert parse_file(path, ParseOptions(issue_date="2025-01-01")).issue.source == "option"


def test_refusals_carry_the_reason(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    result = parse_file(empty)
    assert isinstance(result, Refusal) and "文件为空" in result.reason
    assert isinstance(parse_file(tmp_path / "missing.txt"), Refusal)


def test_extract_prints_the_rows_the_library_makes():
    sample = sorted(SAMPLES.glob("*.txt"))[0]
    run = subprocess.run([sys.executable, "-m", "etl", "extract", str(sample)], cwd=ROOT, capture_output=True,
                         text=True, check=True)
    printed = [json.loads(line) for line in run.stdout.splitlines()]
    (record,) = list(parse_paths([sample]))
    assert printed == extract_rows([record])  # record.rows(), each with its event key
    assert [{k: v for k, v in row.items() if k != "event"} for row in printed] == record.rows()
    assert all("issue_date" in row and "evidence" in row and "event" in row for row in printed)


def test_a_bad_issue_date_option_is_refused_at_the_command_line():
    run = subprocess.run([sys.executable, "-m", "etl", "extract", str(SAMPLES), "--issue-date", "2025-13-40"],
                         cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 2 and "YYYY-MM-DD" in run.stderr and "Traceback" not in run.stderr
