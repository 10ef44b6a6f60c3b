"""Exports that open correctly in Excel and slides: CSV with BOM, XLSX, PNG/SVG at 2x."""
from __future__ import annotations

import io
import os
import re
import shutil
import zipfile
from datetime import date

import pandas as pd
import plotly.graph_objects as go

from .vocabulary import district

IMAGE_SCALE = 2


def safe_name(*parts: str) -> str:
    name = "_".join(p for p in parts if p)
    return re.sub(r'[\\/:*?"<>|\s]+', "-", name)[:120] or "export"


def file_name(kind: str, filters_text: str, ext: str) -> str:
    """District_what_which view_date.ext: a file that says what it holds."""
    return f"{safe_name(district(), kind, filters_text, date.today().isoformat())}.{ext}"


def _flat(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.apply(lambda col: col.map(lambda v: "、".join(map(str, v)) if isinstance(v, list) else v))


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """UTF-8 with a BOM, so Excel on a Chinese Windows PC opens it without mojibake."""
    return _flat(frame).to_csv(index=False).encode("utf-8-sig")


def xlsx_bytes(frame: pd.DataFrame, sheet: str = "数据") -> bytes:
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        _flat(frame).to_excel(writer, index=False, sheet_name=sheet[:31])
    return buffer.getvalue()


def chart_config(name: str) -> dict:
    """Plotly toolbar: the camera button downloads a PNG at 2x with a meaningful name."""
    return {"displaylogo": False, "toImageButtonOptions": {"format": "png", "filename": name,
                                                           "scale": IMAGE_SCALE}}


class ImageExportUnavailable(RuntimeError):
    pass


def browser_path() -> str | None:
    path = os.environ.get("BROWSER_PATH") or shutil.which("chromium") or shutil.which("chromium-browser") \
        or shutil.which("google-chrome")
    if path:
        os.environ.setdefault("BROWSER_PATH", path)  # kaleido 1.x finds Chrome through this
    return path


def image_bytes(fig: go.Figure, fmt: str) -> bytes:
    """Server-side render with kaleido and the system Chromium."""
    if browser_path() is None:
        raise ImageExportUnavailable(
            "服务器未安装 Chromium，无法导出图片。请安装 Debian 软件包 chromium 和 fonts-noto-cjk，"
            "并设置环境变量 BROWSER_PATH=/usr/bin/chromium 后重启。"
            " (No Chromium: apt-get install chromium fonts-noto-cjk; set BROWSER_PATH=/usr/bin/chromium.)")
    try:
        return fig.to_image(format=fmt, scale=IMAGE_SCALE, width=1100, height=600)
    except Exception as e:  # kaleido reports a missing or broken browser in several ways
        raise ImageExportUnavailable(f"图片导出失败：{e}。请检查 chromium 与 fonts-noto-cjk 是否安装。") from e


def bundle_zip(figures: dict[str, go.Figure], tables: dict[str, pd.DataFrame]) -> bytes:
    """Every chart of the view as PNG and SVG, every table as CSV, in one zip."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for name, fig in figures.items():
            for fmt in ("png", "svg"):
                z.writestr(f"{safe_name(name)}.{fmt}", image_bytes(fig, fmt))
        for name, frame in tables.items():
            z.writestr(f"{safe_name(name)}.csv", csv_bytes(frame))
    return buffer.getvalue()
