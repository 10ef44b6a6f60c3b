"""Exports that open correctly in Excel and slides: CSV with BOM, XLSX, PNG/SVG at 2x."""
from __future__ import annotations

import asyncio
import io
import os
import queue
import re
import shutil
import threading
import zipfile
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from datetime import date

import pandas as pd
import plotly.graph_objects as go

from .vocabulary import district, source_name

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


def browser_path() -> str | None:
    path = os.environ.get("BROWSER_PATH") or shutil.which("chromium") or shutil.which("chromium-browser") \
        or shutil.which("google-chrome")
    if path:
        os.environ.setdefault("BROWSER_PATH", path)  # kaleido 1.x finds Chrome through this
    return path


def _size(fig: go.Figure) -> tuple[int, int]:
    return fig.layout.width or DEFAULT_SIZE[0], fig.layout.height or DEFAULT_SIZE[1]


def _no_browser() -> ImageExportUnavailable:
    return ImageExportUnavailable(
        "服务器未安装 Chromium，无法导出图片。请安装 Debian 软件包 chromium 和 fonts-noto-cjk，"
        "并设置环境变量 BROWSER_PATH=/usr/bin/chromium 后重启。"
        " (No Chromium: apt-get install chromium fonts-noto-cjk; set BROWSER_PATH=/usr/bin/chromium.)")


def _failed(e: BaseException) -> ImageExportUnavailable:
    return ImageExportUnavailable(
        f"图片导出失败：{e}。请检查 chromium 与 fonts-noto-cjk 是否安装，BROWSER_PATH 是否指向 Chromium。"
        f" (Chart images failed: check that chromium and fonts-noto-cjk are installed.)")


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
            raise _no_browser()
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
                while True:
                    try:
                        out.append(future.result(timeout=0.5))
                        break
                    except FutureTimeout:
                        if not self._thread.is_alive():
                            raise self._error or RuntimeError("the chart session has closed")
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
