"""Exports for people: server-side chart images with the system Chromium (kaleido), tables that
open in Excel with Chinese headers and no live formula (OWASP CSV injection), names that say
the view, and failures that say the real reason."""
import csv
import io
import zipfile
from datetime import date

import pandas as pd
import plotly.express as px
import pytest
from openpyxl import load_workbook

from analytics.filters import Filters
from dashboard import exports

ATTACKS = ['=HYPERLINK("http://x.cn","点我")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(1,1)", "\t=1+1", "\r=1+1",
           "--10-26"]


@pytest.fixture
def fig():
    return px.bar(x=["开源街道", "新华街道"], y=[3, 5], title="各街道活动数")


def test_png_and_svg_at_twice_the_size(fig):
    png = exports.image_bytes(fig, "png")
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width = int.from_bytes(png[16:20], "big")
    assert width == 1100 * exports.IMAGE_SCALE
    svg = exports.image_bytes(fig, "svg").decode("utf-8")
    assert svg.startswith("<svg") and "各街道活动数" in svg


def test_bundle_holds_every_chart_and_table(fig):
    data = exports.bundle_zip({"覆盖": fig}, {"无活动社区": pd.DataFrame({"名称": ["古城村", "=1+1"]})})
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert sorted(archive.namelist()) == ["无活动社区.csv", "覆盖.png", "覆盖.svg"]
    rows = list(csv.reader(io.StringIO(archive.read("无活动社区.csv").decode("utf-8-sig"))))
    assert rows == [["名称"], ["古城村"], ["'=1+1"]]


def test_without_a_browser_the_reason_and_the_fix_are_said(fig, monkeypatch):
    monkeypatch.setenv("BROWSER_PATH", "/nonexistent/chromium")
    with pytest.raises(exports.ImageExportUnavailable, match="找不到 Chromium.*BROWSER_PATH=/usr/bin/chromium"):
        exports.image_bytes(fig, "png")


@pytest.mark.parametrize("error, said, not_said", [
    (RuntimeError("unexpected error while fetching topojson file at https://cdn.plot.ly/un/world_110m.json"),
     "https://cdn.plot.ly/un/world_110m.json", "fonts-noto-cjk"),
    (TimeoutError("render timed out"), "超时", "chromium"),
    (RuntimeError("Kaleido requires Google Chrome to be installed."), "找不到 Chromium", "超时"),
    (ValueError("Invalid value of type 'builtins.str' received for the 'x' property"), "Invalid value", "chromium"),
])
def test_an_export_failure_says_the_real_reason(fig, monkeypatch, error, said, not_said):
    """The renderer's failure is named (the network resource, a timeout, the browser), never
    the old blanket advice to check chromium and fonts-noto-cjk."""
    import kaleido

    async def fail(*args, **kwargs):  # the renderer, in the browser session every export uses
        raise error
    monkeypatch.setattr(kaleido.Kaleido, "calc_fig", fail)
    with pytest.raises(exports.ImageExportUnavailable) as raised:
        exports.image_bytes(fig, "png")
    assert said in str(raised.value) and not_said not in str(raised.value)


def test_file_names_say_what_and_which_view():
    names = {"theme": {"safety": "安全应急"}}
    f = Filters(themes=("safety",), date_from=date(2025, 5, 1), date_to=date(2025, 5, 31))
    assert exports.file_name("各街道活动", f, "png", names) == "平城区_各街道活动_安全应急_2025-05.png"
    assert exports.file_name("文章", Filters(), "csv") == "平城区_文章_全部.csv"
    year = Filters(date_from=date(2024, 1, 1), date_to=date(2024, 12, 31), streets=("开源街道",))
    assert exports.file_name("覆盖", year, "xlsx") == "平城区_覆盖_开源街道_2024.xlsx"
    many = Filters(streets=("开源街道", "新华街道", "古城街道", "南关街道"), date_from=date(2025, 5, 3))
    assert exports.file_name("趋势", many, "zip") == "平城区_趋势_开源街道、新华街道、古城街道等4个街道_2025-05-03起.zip"
    assert "/" not in exports.file_name("a/b", 'x:"y"', "csv")
    assert all(k not in exports.file_name("x", f, "png", names) for k in ("safety", "elderly"))


@pytest.mark.parametrize("text", ATTACKS)
def test_formula_cells_are_neutralised_per_owasp(text):
    assert exports.neutralise(text) == "'" + text
    assert exports.safe_cell(text) == "'" + text
    assert exports.neutralise("社区义诊") == "社区义诊" and exports.neutralise("") == ""


def test_safe_cell_makes_values_for_people():
    assert exports.safe_cell(True) == "是" and exports.safe_cell(False) == "否"
    assert exports.safe_cell(None) == "" and exports.safe_cell(float("nan")) == ""
    assert exports.safe_cell(date(2025, 5, 24)) == "2025-05-24"
    assert exports.safe_cell(["开源街道", "新华街道"]) == "开源街道、新华街道"
    assert exports.safe_cell(["=1+1", "x"]) == "'=1+1、x"
    assert exports.safe_cell(12.0) == 12 and exports.safe_cell(2.5) == 2.5


def _frame():
    return pd.DataFrame({"标题": ATTACKS + ["社区义诊"], "代码": ["0140213"] * 7 + ["140213058006"],
                         "日期": [date(2025, 5, 24)] * 8, "人数": list(range(8)), "街道": [["开源街道", "=x"]] * 8})


def test_csv_neutralises_every_cell_and_quotes_every_field():
    data = exports.csv_bytes(_frame())
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["标题", "代码", "日期", "人数", "街道"]
    assert [r[0] for r in rows[1:]] == ["'" + a for a in ATTACKS] + ["社区义诊"]
    assert all(r[4] == "开源街道、=x" or r[4].startswith("'") for r in rows[1:])
    assert text.splitlines()[1].startswith('"\'=HYPERLINK(')  # quoted (OWASP), so no separator splits it
    assert all(not r[c].startswith(tuple(exports.FORMULA_STARTS)) for r in rows for c in range(len(r)))


def test_xlsx_has_no_formula_and_keeps_dates_and_codes_as_text(tmp_path):
    path = tmp_path / "t.xlsx"
    path.write_bytes(exports.xlsx_bytes(_frame(), "文章"))
    ws = load_workbook(path).active
    assert ws.title == "文章"
    cells = [c for row in ws.iter_rows() for c in row]
    assert all(c.data_type != "f" for c in cells)  # not one formula
    assert ws["A2"].value == "'" + ATTACKS[0] and ws["A2"].data_type == "s"
    assert ws["B2"].value == "0140213" and ws["B2"].number_format == "@"  # the leading zero stays
    assert ws["B9"].value == "140213058006" and ws["B9"].data_type == "s"
    assert ws["C2"].value == "2025-05-24" and ws["C2"].data_type == "s" and ws["C2"].number_format == "@"
    assert ws["A8"].value == "'--10-26"
    assert ws["D3"].value == 1 and ws["D3"].data_type == "n"
    assert ws["A1"].font.b and ws.freeze_panes == "A2"
    assert pd.read_excel(path).iloc[7]["标题"] == "社区义诊"


def test_xlsx_drops_characters_a_workbook_cannot_hold(tmp_path):
    frame = pd.DataFrame({"标题": ["社区\x01义诊\x0b"]})
    path = tmp_path / "t.xlsx"
    path.write_bytes(exports.xlsx_bytes(frame))
    assert load_workbook(path).active["A2"].value == "社区义诊"


def test_toolbar_is_in_chinese_from_a_local_locale():
    config = exports.chart_config("平城区_趋势_全部")
    assert config["locale"] == "zh-CN"
    dictionary = config["locales"]["zh-CN"]["dictionary"]
    assert dictionary["Download plot as a PNG"].startswith("下载") and dictionary["Zoom"] == "缩放"
    assert config["toImageButtonOptions"] == {"format": "png", "filename": "平城区_趋势_全部", "scale": 2}


def test_server_side_images_load_nothing_from_a_cdn(fig):
    """kaleido's page would load MathJax from cdnjs: the app gives it an empty local script, and
    an image renders with no network at all."""
    import plotly.io as pio
    from dashboard import offline
    assert pio.defaults.mathjax == str(offline.NO_MATHJAX) and offline.NO_MATHJAX.is_file()
    assert not str(pio.defaults.mathjax).startswith("http")
