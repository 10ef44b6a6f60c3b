"""Server-side chart images with the system Chromium (kaleido), and the bundle of a view."""
import io
import zipfile

import pandas as pd
import plotly.express as px
import pytest

from dashboard import exports


@pytest.fixture
def fig():
    return px.bar(x=["开源街道", "新华街道"], y=[3, 5], title="各街道活动文章数")


def test_png_and_svg_at_twice_the_size(fig):
    png = exports.image_bytes(fig, "png")
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width = int.from_bytes(png[16:20], "big")
    assert width == 1100 * exports.IMAGE_SCALE
    svg = exports.image_bytes(fig, "svg").decode("utf-8")
    assert svg.startswith("<svg") and "各街道活动文章数" in svg


def test_bundle_holds_every_chart_and_table(fig):
    data = exports.bundle_zip({"覆盖": fig}, {"无活动社区": pd.DataFrame({"名称": ["古城村"]})})
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert sorted(names) == ["无活动社区.csv", "覆盖.png", "覆盖.svg"]


def test_without_a_browser_the_reason_and_the_fix_are_said(fig, monkeypatch):
    monkeypatch.setenv("BROWSER_PATH", "/nonexistent/chromium")
    with pytest.raises(exports.ImageExportUnavailable, match="chromium"):
        exports.image_bytes(fig, "png")


def test_file_names_say_what_and_which_view():
    name = exports.file_name("覆盖", "开源街道、elderly", "png")
    assert name.startswith("平城区_覆盖_开源街道、elderly_") and name.endswith(".png")
    assert "/" not in exports.file_name("a/b", 'x:"y"', "csv")
