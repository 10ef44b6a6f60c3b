"""Exports that open correctly in Excel and slides: CSV with BOM, XLSX, PNG/SVG at 2x."""
from __future__ import annotations

import asyncio
import csv
import io
import json
import math
import os
import queue
import re
import shutil
import threading
import zipfile
from concurrent.futures import Future, wait
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go

from analytics.filters import Filters
from analytics.periods import period_end

from .offline import configure_renderer
from .vocabulary import district, source_name

configure_renderer()  # server-side images load nothing from a CDN

IMAGE_SCALE = 2
# OWASP, CSV injection: a cell starting with one of these is read by Excel, LibreOffice and
# WPS as a formula (=HYPERLINK(…), +cmd|…, -1+1, @SUM(…)), or is a tab or carriage return that
# hides one. Such a cell gets a leading apostrophe, and so is only ever text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # XLSX cells cannot hold these
PLOTLY_LOCALE = json.loads((Path(__file__).with_name("plotly_zh_cn.json")).read_text(encoding="utf-8"))


def neutralise(text: str) -> str:
    """One text cell made safe for a spreadsheet (OWASP CSV-injection guidance): a leading
    apostrophe when it starts with = + - @ tab or carriage return. Every table export (CSV,
    XLSX, bundles, the briefing) passes its cells through this."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def safe_cell(value):
    """Any value made ready for a table export for people: text neutralised, lists joined with
    、, dates as ISO text (so Excel does not reinterpret them), yes/no in words, nothing as
    an empty cell; whole numbers stay numbers."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (list, tuple)):
        return neutralise("、".join(str(v) for v in value))
    if isinstance(value, (datetime, date)):
        return value.isoformat()[:10] if not isinstance(value, datetime) or not value.time() else value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, (int, float)):
        return value
    return neutralise(str(value))


def table_for_people(frame: pd.DataFrame) -> pd.DataFrame:
    """Every cell through safe_cell, every header neutralised too."""
    out = pd.DataFrame({neutralise(str(col)): [safe_cell(v) for v in frame[col].tolist()] for col in frame.columns})
    return out.astype(object)


def safe_name(*parts: str) -> str:
    name = "_".join(p for p in parts if p)
    return re.sub(r'[\\/:*?"<>|\s\x00-\x1f]+', "-", name)[:150].strip("-.") or "export"


def period_words(f: Filters) -> str:
    """The filters' period, compact for a file name: 2025-05 (a whole month), 2025 (a whole
    year), 2025-05-03至2025-06-15, 2025-05-03起, 至2025-06-15; empty without dates."""
    a, b = f.date_from, f.date_to
    if a and b:
        if a.day == 1 and b == period_end(a, "month"):
            return a.strftime("%Y-%m")
        if (a.month, a.day, b.month, b.day) == (1, 1, 12, 31) and a.year == b.year:
            return str(a.year)
        return f"{a.isoformat()}至{b.isoformat()}"
    if a:
        return f"{a.isoformat()}起"
    if b:
        return f"至{b.isoformat()}"
    return ""


def _some(values: list[str], unit: str, most: int = 3) -> str:
    return "、".join(values) if len(values) <= most else f"{'、'.join(values[:most])}等{len(values)}个{unit}"


def view_name(f: Filters, names: dict[str, dict[str, str]] | None = None) -> str:
    """The view in a few words for a file name: 开源街道_安全应急_2025-05 (全部 with no filter)."""
    names = names or {}
    parts = [_some(list(f.streets), "街道"), _some(list(f.communities), "社区和村"),
             _some([names.get("theme", {}).get(k, k) for k in f.themes], "主题"),
             _some([names.get("service", {}).get(k, k) for k in f.services], "服务类型"),
             f"含{f.q}" if f.q else "", "" if f.include_undated else "仅有日期", period_words(f)]
    return "_".join(p for p in parts if p) or "全部"


def file_name(kind: str, view: str | Filters, ext: str, names: dict[str, dict[str, str]] | None = None) -> str:
    """District_what_which view.ext, a file that says what it holds:
    平城区_各街道活动_安全应急_2025-05.png. `view` is the filters, or their words."""
    words = view_name(view, names) if isinstance(view, Filters) else view
    return f"{safe_name(district(), kind, words)}.{ext}"


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """UTF-8 with a BOM, so Excel on a Chinese Windows PC opens it without mojibake; every field
    quoted and every cell neutralised (OWASP)."""
    return table_for_people(frame).to_csv(index=False, quoting=csv.QUOTE_ALL, lineterminator="\r\n") \
        .encode("utf-8-sig")


def _width(value) -> int:
    text = str(value)
    return sum(2 if ord(c) > 0x2E80 else 1 for c in text)


def xlsx_bytes(frame: pd.DataFrame, sheet: str = "数据") -> bytes:
    """An Excel workbook: a bold, frozen header row, every text cell stored as text (never a
    formula, and with the text number format so dates and codes such as 140213050001 or
    --10-26 stay as written), numbers as numbers."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    table = table_for_people(frame)
    book = Workbook()
    ws = book.active
    ws.title = re.sub(r"[\[\]:*?/\\]", "-", sheet)[:31] or "数据"
    for col, header in enumerate(table.columns, start=1):
        cell = ws.cell(row=1, column=col)
        cell.value = _ILLEGAL_XML.sub("", header)
        cell.data_type = "s"
        cell.font = Font(bold=True)
    for r, row in enumerate(table.itertuples(index=False), start=2):
        for col, value in enumerate(row, start=1):
            cell = ws.cell(row=r, column=col)
            if isinstance(value, (int, float)):
                cell.value = value
            else:
                cell.value = _ILLEGAL_XML.sub("", str(value))
                cell.data_type = "s"  # a string, whatever it starts with
                cell.number_format = "@"
    for col, header in enumerate(table.columns, start=1):
        widest = max([_width(header)] + [_width(v) for v in table.iloc[:200, col - 1]])
        ws.column_dimensions[get_column_letter(col)].width = min(max(widest + 2, 8), 60)
    ws.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def chart_config(name: str) -> dict:
    """Plotly toolbar in Chinese (plotly.js's own locale setting, the dictionary shipped with the
    app: nothing fetched): the camera button downloads a PNG at 2x with a meaningful name."""
    return {"displaylogo": False, "locale": "zh-CN", "locales": {"zh-CN": PLOTLY_LOCALE},
            "modeBarButtonsToRemove": ["lasso2d", "select2d"],
            "toImageButtonOptions": {"format": "png", "filename": name, "scale": IMAGE_SCALE}}


class ImageExportUnavailable(RuntimeError):
    pass


def browser_path() -> str | None:
    path = os.environ.get("BROWSER_PATH") or shutil.which("chromium") or shutil.which("chromium-browser") \
        or shutil.which("google-chrome")
    if path:
        os.environ.setdefault("BROWSER_PATH", path)  # kaleido 1.x finds Chrome through this
    return path


@dataclass(frozen=True)
class ImagePreset:
    """A size for charts pasted somewhere: CSS pixels, rendered at IMAGE_SCALE."""
    label: str
    width: int
    height: int


PRESETS: dict[str, ImagePreset] = {
    "slide": ImagePreset("幻灯片 16:9", 1280, 720),
    "document": ImagePreset("文档 A4 宽", 1000, 600),  # 16 cm of text width at 300 dpi
}
DEFAULT_SIZE = (1100, 600)  # a plain export, without a preset


def zh_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def source_line(as_of: date | None = None) -> str:
    """数据来源：…，截至…日: the line under every exported chart."""
    return f"数据来源：{source_name()}，截至{zh_date(as_of or date.today())}"


def as_of_date(date_to: date | None, latest: date | None) -> date:
    """The day the figures run to: the end of the chosen period, else the latest dated article."""
    return date_to or latest or date.today()


def ready_to_paste(fig: go.Figure, title: str, view: str, source: str, preset: str | None = None) -> go.Figure:
    """A copy of the figure that says what it shows and for which filters (title and subtitle) and
    where its data come from (a line at the bottom), at a preset size."""
    width, height = (PRESETS[preset].width, PRESETS[preset].height) if preset else DEFAULT_SIZE
    out = go.Figure(fig)
    top, bottom = 92, 110
    out.update_layout(
        width=width, height=height,
        title=dict(text=title, x=0.01, xanchor="left", y=0.97, yanchor="top", font=dict(size=22),
                   subtitle=dict(text=view, font=dict(size=14, color="#555"))),
        margin=dict(l=20, r=20, t=top, b=bottom))
    out.add_annotation(text=source, xref="paper", yref="paper", x=0, y=0, xanchor="left", yanchor="bottom",
                       yshift=-(bottom - 6), showarrow=False, font=dict(size=12, color="#666"), align="left")
    return out


def _size(fig: go.Figure) -> tuple[int, int]:
    return fig.layout.width or DEFAULT_SIZE[0], fig.layout.height or DEFAULT_SIZE[1]


def _no_browser(path: str | None) -> ImageExportUnavailable:
    return ImageExportUnavailable(
        f"服务器上找不到 Chromium（{path or '未设置 BROWSER_PATH'}），无法导出图片。请安装 Debian 软件包 "
        "chromium 和 fonts-noto-cjk，并设置环境变量 BROWSER_PATH=/usr/bin/chromium 后重启。"
        " (No Chromium: apt-get install chromium fonts-noto-cjk; set BROWSER_PATH=/usr/bin/chromium.)")


def _failed(e: BaseException) -> ImageExportUnavailable:
    return ImageExportUnavailable(failure_reason(e))


class ImageSession:
    """One Chromium (kaleido, the system's browser and fonts; no network: plotly.js is the one
    installed, MathJax is off) for several figures. It starts in a thread of its own, so it comes
    up while the caller is still computing what to draw:

        with ImageSession() as session:
            ...queries...
            pngs = session.render(figures)
    """

    def __init__(self):
        self._jobs: queue.Queue = queue.Queue()
        self._error: BaseException | None = None
        self._thread: threading.Thread | None = None

    def __enter__(self) -> ImageSession:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def start(self) -> None:
        path = browser_path()
        if path is None or not os.path.exists(path):
            raise _no_browser(path)
        self._thread = threading.Thread(target=self._run, name="chart-images", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            asyncio.run(self._serve())
        except BaseException as e:  # noqa: BLE001 - handed to whoever waits for an image
            self._error = e
        while True:  # whatever still waits learns why
            try:
                job = self._jobs.get_nowait()
            except queue.Empty:
                break
            if job is not None:
                job[2].set_exception(self._error or RuntimeError("the chart session has closed"))

    async def _serve(self) -> None:
        import kaleido
        loop = asyncio.get_running_loop()
        async with kaleido.Kaleido(n=1, mathjax=False, timeout=120) as k:
            while (job := await loop.run_in_executor(None, self._jobs.get)) is not None:
                fig, fmt, future = job
                width, height = _size(fig)
                try:
                    future.set_result(await k.calc_fig(fig, opts=dict(format=fmt, width=width, height=height,
                                                                       scale=IMAGE_SCALE)))
                except Exception as e:  # noqa: BLE001
                    future.set_exception(e)

    def render(self, figs: list[go.Figure], fmt: str = "png") -> list[bytes]:
        if self._thread is None:
            self.start()
        futures = []
        for fig in figs:
            futures.append(Future())
            self._jobs.put((fig, fmt, futures[-1]))
        out = []
        try:
            for future in futures:
                # wait() rather than result(timeout): a renderer's own TimeoutError is the
                # builtin one, which result() could not tell from the wait running out
                while not wait([future], timeout=0.5).done:
                    if not self._thread.is_alive():
                        raise self._error or RuntimeError("the chart session has closed")
                out.append(future.result())
        except ImageExportUnavailable:
            raise
        except Exception as e:  # kaleido reports a missing or broken browser in several ways
            raise _failed(e) from e
        return out

    def close(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            self._jobs.put(None)
            self._thread.join(timeout=60)


def images(figs: list[go.Figure], fmt: str = "png") -> list[bytes]:
    """Several figures rendered on the server in one Chromium session."""
    if not figs:
        return []
    with ImageSession() as session:
        return session.render(figs, fmt)


def image_bytes(fig: go.Figure, fmt: str, title: str | None = None, view: str = "", source: str | None = None,
                preset: str | None = None) -> bytes:
    """Server-side render with kaleido and the system Chromium. With a title the image carries
    it, the filters in words and a source line, at the preset's size."""
    if title is not None:
        fig = ready_to_paste(fig, title, view, source or source_line(), preset)
    return images([fig], fmt)[0]


def failure_reason(error: BaseException) -> str:
    """What went wrong with a server-side image, in words that lead to the fix: the browser
    missing or not starting, a resource the chart would fetch from the network (the server may
    have none), a timeout; otherwise the renderer's own message, never a guess."""
    message = str(error) or type(error).__name__
    url = re.search(r"https?://[^\s'\"）)]+", message)
    lowered = message.lower()
    if type(error).__name__ == "ChromeNotFoundError" or "chrome not found" in lowered \
            or "requires google chrome" in lowered or "could not find" in lowered and "chrom" in lowered:
        return ("图片导出失败：服务器找不到 Chromium 浏览器。请安装 Debian 软件包 chromium，"
                "并设置环境变量 BROWSER_PATH=/usr/bin/chromium 后重启。"
                f"（{message[:300]}）")
    if url or "fetch" in lowered or "net::" in lowered:
        where = url.group(0) if url else "网络资源"
        return (f"图片导出失败：图表要从网络下载 {where}，而服务器无法访问该地址（内网或离线）。"
                f"这是程序的问题，请联系维护人员。（{message[:300]}）")
    if isinstance(error, TimeoutError) or "timeout" in lowered or "timed out" in lowered:
        return f"图片导出失败：渲染超时，服务器可能正忙，请稍后重试。（{message[:300]}）"
    if "browser" in lowered and ("fail" in lowered or "closed" in lowered or "crash" in lowered):
        return (f"图片导出失败：服务器上的 Chromium 无法启动或意外退出，请管理员查看服务器日志。"
                f"（{message[:300]}）")
    return f"图片导出失败：{type(error).__name__}：{message[:500]}"


def bundle_zip(figures: dict[str, go.Figure], tables: dict[str, pd.DataFrame], view: str = "",
               source: str | None = None) -> bytes:
    """Every chart of the view as PNG and SVG (each with its title, the filters and the source
    line), every table as CSV, in one zip."""
    source = source or source_line()
    ready = [ready_to_paste(fig, name, view, source) for name, fig in figures.items()]
    rendered = {fmt: images(ready, fmt) for fmt in ("png", "svg")}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for i, name in enumerate(figures):
            for fmt in ("png", "svg"):
                z.writestr(f"{safe_name(name)}.{fmt}", rendered[fmt][i])
        for name, frame in tables.items():
            z.writestr(f"{safe_name(name)}.csv", csv_bytes(frame))
    return buffer.getvalue()
