"""The words people read: refusal reasons Chinese first, an honest import summary, titles for
untitled articles, bulletins by issue date and page, periods, flags: no code, no English."""
from datetime import date
from types import SimpleNamespace

import pytest

from dashboard import imports, vocabulary as v


@pytest.mark.parametrize("reason, expected", [
    ("empty.txt: empty file (文件为空)", "文件为空（empty file）"),
    ("a.pdf: unreadable PDF (bad xref) (PDF 无法读取)", "PDF 无法读取（unreadable PDF (bad xref)）"),
    ("list.xls: unsupported file type .xls; use .txt, .pdf, .docx or .html (不支持的文件类型)",
     "不支持的文件类型（unsupported file type .xls; use .txt, .pdf, .docx or .html）"),
    ("x.txt: 附带的日期文件 x.date 无法使用：格式不对；请改正或删除它", "附带的日期文件 x.date 无法使用：格式不对；请改正或删除它"),
])
def test_refusal_reasons_start_in_chinese(reason, expected):
    name = reason.split(":", 1)[0]
    assert v.refusal_zh(reason, name) == expected


def _outcome(status, articles=0, reason="", path="/tmp/x/a.txt"):
    return SimpleNamespace(path=path, status=status, articles=articles, reason=reason)


def test_an_import_that_stored_nothing_says_so():
    rows = [imports.outcome_row(_outcome("unchanged", path="/tmp/x/a.txt")),
            imports.outcome_row(_outcome("refused", reason="b.txt: empty file (文件为空)", path="/tmp/x/b.txt"))]
    kind, message = imports.summary(rows)
    assert kind == "warning" and message.startswith("没有导入任何新数据")
    assert "1 个此前已导入" in message and "1 个被拒绝" in message and "生效" not in message
    assert rows[1]["说明"] == "文件为空（empty file）" and rows[0]["说明"] == "与已导入的文件内容相同"
    kind, message = imports.summary([imports.outcome_row(_outcome("unchanged"))])
    assert kind == "info" and "生效" not in message


def test_an_import_that_stored_says_what_and_that_it_shows():
    rows = [imports.outcome_row(_outcome("stored", 3)), imports.outcome_row(_outcome("replaced", 2, path="/t/b.txt"))]
    kind, message = imports.summary(rows)
    assert kind == "success"
    assert message.startswith("完成：2 个文件已导入，共 5 篇文章") and "1 个替换了" in message and "生效" in message


def test_files_refused_by_the_page_say_why_in_chinese():
    assert imports.refused_row("a.txt", 0, 100, "a.txt: empty file (文件为空)")["说明"] == "文件为空"
    big = imports.refused_row("b.pdf", 30 * 1048576, 20 * 1048576, "b.pdf: … (文件超过大小上限)")
    assert big["说明"] == "文件超过大小上限（30.0 MB，上限 20 MB）"


def test_an_untitled_article_shows_its_first_sentence_marked():
    title = v.display_title("", "为进一步提升广大群众对网格化工作的知晓率,在全社会营造良好氛围")
    assert title.startswith(v.UNTITLED_MARK) and "为进一步提升" in title and title.endswith("…")
    assert v.display_title("  社区义诊 ", "x") == "社区义诊"
    assert v.display_title(None, None) == "〔无标题〕"


@pytest.mark.parametrize("name, issue, precision, label", [
    ("2025-06-03_page2.txt", "2025-06-03", "day", "2025-06-03 第2版"),
    ("第3版.docx", "2025-06-03", "day", "2025-06-03 第3版"),
    ("001_388bb4f0c0d5d677.txt", "2025-05-24", "inferred", "2025-05-24（推断）"),
    ("001_388bb4f0c0d5d677.txt", None, "unknown", "日期不明（文件 001）"),
    ("001_a1f3b4c5d6e7f809.txt", None, "unknown", "日期不明（文件 001）"),  # no page read out of a hash
    ("p4.txt", None, "unknown", "日期不明 第4版"),
])
def test_bulletins_are_named_by_issue_date_and_page(name, issue, precision, label):
    assert v.bulletin_label(name, issue, precision) == label


def test_periods_are_labelled_as_iso_weeks_and_months():
    assert v.period_label(date(2025, 5, 19), "week") == "2025年第21周"
    assert v.period_label(date(2024, 12, 30), "week") == "2025年第1周"  # the ISO year
    assert v.period_label(date(2025, 5, 1), "month") == "2025年5月"
    assert v.period_span(date(2025, 5, 19), "week") == "2025-05-19至2025-05-25"


def test_codes_are_words():
    assert v.flags_zh(["no_headline", "cut_off", "something_new"]) == ["无标题", "正文可能不完整", "其他标记"]
    assert v.event_date_zh("--10-26") == "10月26日（未写年份）" and v.event_date_zh(None) == ""


def test_the_latest_articles_list_escapes_what_a_bulletin_holds():
    import pandas as pd
    from dashboard.tables import latest_html
    frame = pd.DataFrame({"date": ["2025-05-24"], "date_precision": ["推断日期"],
                          "display_title": ["讲座<script>alert(1)</script>"], "streets": [["开源街道"]],
                          "communities": [[]]})
    out = latest_html(frame)
    assert "<script>" not in out and "&lt;script&gt;" in out and "开源街道" in out and "推断日期" in out
