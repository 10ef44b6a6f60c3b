"""Turn a bulletin file of any accepted kind into plain text, or refuse it with a reason.

Accepted: .txt (any common Chinese encoding), .pdf (the text layer), .docx, .html/.htm
(article text only). The content must match the name: a PDF renamed .txt, a binary
file, an empty file or one over the size limit is refused before any parsing.
"""
from __future__ import annotations

import io
import os
import re
import zipfile

from .read import ReadError, decode

SUFFIXES = (".txt", ".pdf", ".docx", ".html", ".htm")
DEFAULT_MAX_MB = 20.0
# Markup and page chrome that never hold article text.
HTML_DROP = ("script", "style", "noscript", "template", "nav", "header", "footer", "aside", "form",
             "iframe", "svg", "button", "select", "input")
HTML_BLOCKS = ("p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "br", "tr", "section", "article",
               "blockquote", "td", "dd", "dt", "pre")


def max_bytes(limit_mb: float | None = None) -> int:
    mb = limit_mb if limit_mb is not None else float(os.environ.get("ETL_MAX_FILE_MB", DEFAULT_MAX_MB))
    return int(mb * 1024 * 1024)


def refuse(name: str, en: str, zh: str) -> ReadError:
    return ReadError(f"{name}: {en} ({zh})")


def check_size(name: str, size: int, limit: int) -> None:
    if size == 0:
        raise refuse(name, "empty file", "文件为空")
    if size > limit:
        raise refuse(name, f"{size:,} bytes is over the limit of {limit:,} bytes "
                           "(raise it with --max-mb or ETL_MAX_FILE_MB)",
                     "文件超过大小上限")


def sniff(data: bytes) -> str:
    """What the bytes are, whatever the name says."""
    if data.startswith(b"%PDF-"):
        return ".pdf"
    if data.startswith(b"PK\x03\x04"):
        try:
            names = zipfile.ZipFile(io.BytesIO(data)).namelist()
        except zipfile.BadZipFile:
            return "binary"
        return ".docx" if "word/document.xml" in names else "zip"
    head = data[:2048].lstrip(b"\xef\xbb\xbf").lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html")) or b"<body" in head:
        return ".html"
    for magic in (b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"\xd0\xcf\x11\xe0", b"\x1f\x8b", b"Rar!", b"7z\xbc\xaf"):
        if data.startswith(magic):
            return "binary"
    return ".txt"


def to_text(name: str, data: bytes, limit: int | None = None) -> str:
    check_size(name, len(data), limit if limit is not None else max_bytes())
    suffix = os.path.splitext(name)[1].lower()
    if suffix not in SUFFIXES:
        raise refuse(name, f"unsupported file type {suffix or '(none)'}; use .txt, .pdf, .docx or .html",
                     "不支持的文件类型")
    kind = sniff(data)
    expected = ".html" if suffix == ".htm" else suffix
    if kind != expected and not (expected == ".txt" and kind == ".html"):
        what = "binary data" if kind in ("binary", "zip") else f"a {kind} file"
        raise refuse(name, f"the content is {what}, not {expected}; rename or convert it", "文件内容与扩展名不符")
    if expected == ".pdf":
        text = _pdf_text(name, data)
    elif expected == ".docx":
        text = _docx_text(name, data)
    elif expected == ".html":
        text = _html_text(decode(data, name))
    else:
        text = decode(data, name)
        if _control_share(text) > 0.01:
            raise refuse(name, "binary data, not a text bulletin", "文件含二进制内容，不是文本公报")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise refuse(name, "no text in the file (a scanned PDF needs OCR first)", "文件中没有文字")
    return text


CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")


def _control_share(text: str) -> float:
    return len(CONTROL.findall(text)) / len(text) if text else 0.0


def _pdf_text(name: str, data: bytes) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise refuse(name, "the PDF is encrypted; export an unprotected copy", "PDF 已加密")
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, ValueError, KeyError) as e:
        raise refuse(name, f"unreadable PDF ({e})", "PDF 无法读取") from e
    # Each page's text layer in content order; pages separated by a blank line.
    return "\n\n".join(reflow(p) for p in pages)


def reflow(page: str) -> str:
    """A text layer has one line per printed line. Full-width lines that do not end a sentence
    run on into the next; a short line (a headline, a paragraph's last line) or a sentence end
    closes a paragraph. Paragraphs are separated by blank lines, as in text bulletins."""
    lines = [line.strip() for line in page.splitlines() if line.strip()]
    if not lines:
        return ""
    lengths = sorted(len(line) for line in lines)
    full_width = lengths[int(0.9 * (len(lengths) - 1))]
    paragraphs, current = [], ""
    for line in lines:
        current += line
        if len(line) < 0.8 * full_width or line.rstrip("”’」』）)").endswith(("。", "！", "？", "!", "?")):
            paragraphs.append(current)
            current = ""
    if current:
        paragraphs.append(current)
    return "\n\n".join(paragraphs)


def _docx_text(name: str, data: bytes) -> str:
    import docx
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as e:  # python-docx raises several kinds for a broken package
        raise refuse(name, f"unreadable Word file ({e})", "Word 文件无法读取") from e
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts += [cell.text for cell in row.cells]
    return "\n\n".join(p.strip() for p in parts if p.strip())


def _html_text(markup: str) -> str:
    from bs4 import BeautifulSoup
    soup = BeautifulSoup(markup, "lxml")
    for tag in soup(HTML_DROP):
        tag.decompose()
    root = soup.find("article") or soup.find("main") or soup.body or soup
    for tag in root.find_all(HTML_BLOCKS):
        tag.insert_before("\n\n")
        tag.insert_after("\n\n")
    text = root.get_text()
    lines = [re.sub(r"[ \t\u00a0]+", " ", line).strip() for line in text.splitlines()]
    return "\n\n".join(line for line in lines if line)
