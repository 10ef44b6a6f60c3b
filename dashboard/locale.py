"""Chinese for the few words Streamlit writes itself and has no setting for. Streamlit has no
locale; where it has a setting the app uses it (.streamlit/config.toml: no main menu, no top
bar, one theme, the upload limit; multiselect select_all=False; the charts' plotly.js locale).
What is left, the file uploader's button and instructions, is relabelled here with CSS: the
English text is hidden and the Chinese drawn in its place, so the widget works as before."""
from __future__ import annotations

import streamlit as st


def _css_text(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def uploader_words(limit_mb: float, kinds: str) -> None:
    """The uploader's "Upload", "Drag and drop files here" and "20MB per file • TXT, PDF"."""
    per_file = f"拖放文件到这里，或点击“选择文件”。每个文件不超过 {limit_mb:g} MB，可选 {kinds}"
    st.html(f"""<style>
[data-testid="stFileUploaderDropzoneInstructions"] > * {{ display: none !important; }}
[data-testid="stFileUploaderDropzoneInstructions"]::after {{
  content: {_css_text(per_file)}; font-size: 0.875rem; color: rgba(49, 51, 63, 0.6); }}
[data-testid="stFileUploaderDropzone"] button[kind="secondary"] p,
[data-testid="stFileUploaderDropzone"] button[data-testid="stBaseButton-secondary"] p {{ display: none; }}
[data-testid="stFileUploaderDropzone"] button[data-testid="stBaseButton-secondary"]::after {{
  content: "选择文件"; }}
</style>""")


def frame_words() -> None:
    """On every page: the date fields' empty segments read 年-月-日 (not yyyy-mm-dd), and the
    elements' hover toolbars (English "Search", "Show/hide columns" with its "Select all",
    "Fullscreen", and a CSV button that would skip the formula neutralisation) are not shown:
    tables and charts have the app's own Chinese export buttons, and plotly's toolbar (zoom,
    PNG) is in Chinese; the full-screen button Streamlit adds to it gets a Chinese tooltip. The
    English hints under a focused text field ("Press Enter to apply", "Press Ctrl+Enter to
    submit form") are not shown: Enter and the form's button do what they say anyway. The
    keyboard users' skip link (shown on Tab) reads 跳到正文."""
    segments = "".join(
        f'[data-testid="stDateInput"] [data-placeholder="true"][data-type="{kind}"] {{ font-size: 0 !important; }}\n'
        f'[data-testid="stDateInput"] [data-placeholder="true"][data-type="{kind}"]::before {{ content: "{word}"; '
        f'font-size: 0.875rem; }}\n'
        for kind, word in (("year", "年"), ("month", "月"), ("day", "日")))
    st.html(f"""<style>
{segments}[data-testid="stElementToolbar"] {{ display: none !important; }}
[data-testid="InputInstructions"] {{ display: none !important; }}
[data-testid="stSkipToContent"] {{ font-size: 0 !important; }}
[data-testid="stSkipToContent"]::before {{ content: "跳到正文"; font-size: 0.875rem; }}
.js-plotly-plot .plotly .modebar-btn[data-title="Fullscreen"]::after {{ content: "全屏" !important; }}
.js-plotly-plot .plotly .modebar-btn[data-title="Close fullscreen"]::after {{ content: "退出全屏" !important; }}
</style>""")
