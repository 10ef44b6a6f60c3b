"""Turn a bulletin file of any accepted kind into plain text, or refuse it with a reason.

Accepted: .txt (any common Chinese encoding), .pdf (the text layer), .docx, .html/.htm
(article text only). The content must match the name: a PDF renamed .txt, a binary
file, an empty file or one over the size limit is refused before any parsing.

Every stage is bounded, so a hostile file under the size limit is refused in seconds, not
parsed for minutes: a .docx's members and inflated size are checked before it is opened,
a web page nested deeper than any real one is refused, and the text of a file is refused
when it has more characters (or a longer line) than a bulletin could (ETL_MAX_CHARS,
MAX_LINE_CHARS). Control characters (NUL…) are removed from the text.
Refusals say what is wrong in Chinese, then in English in parentheses, and what to do.
"""
from __future__ import annotations

import functools
import io
import os
import re
import struct
import zipfile

from .read import ReadError, decode

SUFFIXES = (".txt", ".pdf", ".docx", ".html", ".htm")
DEFAULT_MAX_MB = 20.0
# Bounds on what a file may unpack to (a bulletin is a few pages of text; these are far above that).
DEFAULT_MAX_CHARS = 500_000  # characters of text per file (ETL_MAX_CHARS): some 100 newspaper pages
MAX_LINE_CHARS = 20_000  # characters per line (a paragraph): a longer one is a file with no line breaks
ZIP_MAX_MEMBERS = 2_000  # parts of a .docx
ZIP_MAX_INFLATED = 200 * 1024 * 1024  # bytes of a .docx once unzipped, all parts together
ZIP_MAX_XML = 50 * 1024 * 1024  # bytes of one unzipped XML part (word/document.xml)
MAX_HTML_DEPTH = 200  # element nesting of a web page (real pages stay under 60)
# Markup and page chrome that never hold article text.
HTML_DROP = ("script", "style", "noscript", "template", "nav", "header", "footer", "aside", "form",
             "iframe", "svg", "button", "select", "input")
HTML_BLOCKS = ("p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "br", "tr", "section", "article",
               "blockquote", "td", "dd", "dt", "pre")


def max_bytes(limit_mb: float | None = None) -> int:
    mb = limit_mb if limit_mb is not None else float(os.environ.get("ETL_MAX_FILE_MB", DEFAULT_MAX_MB))
    return int(mb * 1024 * 1024)


def max_chars() -> int:
    return int(os.environ.get("ETL_MAX_CHARS", DEFAULT_MAX_CHARS))


def refuse(name: str, en: str, zh: str) -> ReadError:
    """A refusal naming the file: the reason in Chinese, then in English in parentheses."""
    return ReadError(f"{name}: {zh} ({en})")


def check_size(name: str, size: int, limit: int) -> None:
    if size == 0:
        raise refuse(name, "empty file", "文件为空")
    if size > limit:
        raise refuse(name, f"{size:,} bytes is over the limit of {limit:,} bytes; "
                           "split the file, or raise the limit with --max-mb or ETL_MAX_FILE_MB",
                     f"文件超过大小上限（{size:,} 字节，上限 {limit:,} 字节）；请拆分文件，"
                     "或用 --max-mb / ETL_MAX_FILE_MB 提高上限")


def check_text(name: str, text: str) -> None:
    """The text of one file is bounded: characters in all, and per line."""
    limit = max_chars()
    if len(text) > limit:
        raise refuse(name, f"{len(text):,} characters of text is over the limit of {limit:,} per file; "
                           "split the file, or raise the limit with ETL_MAX_CHARS",
                     f"文字过多（{len(text):,} 字，每个文件上限 {limit:,} 字）；请拆分文件，或用 ETL_MAX_CHARS 提高上限")
    longest = max(map(len, text.split("\n")), default=0)
    if longest > MAX_LINE_CHARS:
        raise refuse(name, f"a line of {longest:,} characters is over the limit of {MAX_LINE_CHARS:,}: the file "
                           "has no line breaks; break it into paragraphs and try again",
                     f"有一行长达 {longest:,} 字（上限 {MAX_LINE_CHARS:,} 字）：文件缺少换行；请按段落换行后再导入")


def sniff(data: bytes) -> str:
    """What the bytes are, whatever the name says."""
    if data.startswith(b"%PDF-"):
        return ".pdf"
    if data.startswith(b"PK\x03\x04"):
        if (zip_entries(data) or 0) > ZIP_MAX_MEMBERS:
            return "zip-many"  # not listed: reading a huge directory is itself the attack
        try:
            names = zipfile.ZipFile(io.BytesIO(data)).namelist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
            return "binary"
        return ".docx" if "word/document.xml" in names else "zip"
    head = data[:2048].lstrip(b"\xef\xbb\xbf").lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html")) or b"<body" in head:
        return ".html"
    for magic in (b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"\xd0\xcf\x11\xe0", b"\x1f\x8b", b"Rar!", b"7z\xbc\xaf"):
        if data.startswith(magic):
            return "binary"
    return ".txt"


def zip_entries(data: bytes) -> int | None:
    """How many members a zip has, read from its end record without parsing its directory:
    the count declared, or more if the directory is too large for that count (each entry
    takes at least 46 bytes). None when there is no end record."""
    end = data.rfind(b"PK\x05\x06", max(0, len(data) - 65_557))
    if end < 0 or end + 22 > len(data):
        return None
    count, directory_size = struct.unpack_from("<HL", data, end + 10)  # 0xFFFF: zip64, i.e. more
    return max(count, directory_size // 46)


def _too_many_parts(name: str, count: int | None = None) -> ReadError:
    """`count`: the exact number of parts, when the directory was read."""
    en = f"{count:,} parts" if count else f"more than {ZIP_MAX_MEMBERS:,} parts"
    zh = f"{count:,} 个部件" if count else f"超过 {ZIP_MAX_MEMBERS:,} 个部件"
    return refuse(name, f"the file is a zip of {en}, over the limit of {ZIP_MAX_MEMBERS:,}; save it again from Word",
                  f"文件是包含{zh}的压缩包（上限 {ZIP_MAX_MEMBERS:,}）；请用 Word 重新保存")


def to_text(name: str, data: bytes, limit: int | None = None) -> str:
    check_size(name, len(data), limit if limit is not None else max_bytes())
    suffix = os.path.splitext(name)[1].lower()
    if suffix not in SUFFIXES:
        raise refuse(name, f"unsupported file type {suffix or '(none)'}; use .txt, .pdf, .docx or .html",
                     "不支持的文件类型")
    kind = sniff(data)
    if kind == "zip-many":
        raise _too_many_parts(name)
    expected = ".html" if suffix == ".htm" else suffix
    if kind != expected and not (expected == ".txt" and kind == ".html"):
        what = "binary data" if kind in ("binary", "zip") else f"a {kind} file"
        what_zh = "二进制数据" if kind in ("binary", "zip") else f" {kind} 文件"
        raise refuse(name, f"the content is {what}, not {expected}; rename or convert it",
                     f"文件内容是{what_zh}，与扩展名 {expected} 不符；请改名或转换格式")
    if expected == ".pdf":
        text = _pdf_text(name, data)
    elif expected == ".docx":
        text = _docx_text(name, data)
    elif expected == ".html":
        text = _html_text(decode(data, name), name)
    else:
        text = decode(data, name)
        if _control_share(text) > 0.01:
            raise refuse(name, "binary data, not a text bulletin", "文件含二进制内容，不是文本公报")
    if len(text) > max_chars():  # before any more passes over a text that is refused anyway
        check_text(name, text)
    text = clean(text.replace("\r\n", "\n").replace("\r", "\n"))
    if not text.strip():
        raise refuse(name, "no text in the file (a scanned PDF needs OCR first)",
                     "文件中没有文字（扫描的 PDF 需先做文字识别）")
    check_text(name, text)
    return text


CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")
# Never stored: control characters (NUL is refused by PostgreSQL), DEL, C1 controls, lone
# surrogates, and the noncharacters U+FFFE/U+FFFF. Tabs, line and page breaks are kept as
# white space.
UNSTORABLE = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def clean(text: str) -> str:
    """The text without characters a store cannot hold or a reader cannot see."""
    for page_or_line_break in ("\x0b", "\x0c", "\u2028", "\u2029"):
        text = text.replace(page_or_line_break, "\n")
    return UNSTORABLE.sub("", text)


def _control_share(text: str) -> float:
    return len(CONTROL.findall(text)) / len(text) if text else 0.0


def _pdf_text(name: str, data: bytes) -> str:
    from pypdf import PdfReader
    limit = max_chars()
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise refuse(name, "the PDF is encrypted; export an unprotected copy", "PDF 已加密；请导出一份未加密的副本")
        pages, size = [], 0
        for page in reader.pages:
            pages.append(page.extract_text() or "")
            size += len(pages[-1])
            if size > limit:  # no need to read the rest: check_text refuses it
                break
    except ReadError:
        raise
    except Exception as e:  # noqa: BLE001 - pypdf raises many kinds (LimitReachedError, AssertionError…) on a bad file
        raise refuse(name, f"unreadable PDF: {type(e).__name__}: {_short(e)}; re-export the PDF and try again",
                     "PDF 无法读取，请重新导出后再试") from e
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


def _short(e: BaseException, size: int = 200) -> str:
    text = " ".join(str(e).split())
    return text if len(text) <= size else text[:size] + "…"


def check_zip(name: str, data: bytes) -> None:
    """A .docx is a zip: its members and what they inflate to are bounded before it is opened.
    (Python's zipfile never inflates a member past the size its directory declares.)"""
    try:
        members = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except Exception as e:  # noqa: BLE001 - a broken zip directory
        raise refuse(name, f"unreadable Word file: {_short(e)}", "Word 文件无法读取") from e
    if len(members) > ZIP_MAX_MEMBERS:
        raise _too_many_parts(name, len(members))
    inflated = sum(m.file_size for m in members)
    biggest = max((m.file_size for m in members if m.filename.endswith(".xml")), default=0)
    if inflated > ZIP_MAX_INFLATED or biggest > ZIP_MAX_XML:
        raise refuse(name, f"the Word file unpacks to {inflated:,} bytes (at most {ZIP_MAX_INFLATED:,}, and "
                           f"{ZIP_MAX_XML:,} for its text); is it a zip bomb? Save it again from Word or split it",
                     f"Word 文件解压后达 {inflated:,} 字节（上限 {ZIP_MAX_INFLATED:,} 字节，正文部件上限 "
                     f"{ZIP_MAX_XML:,} 字节），可能是压缩炸弹；请用 Word 重新保存或拆分")


WORD = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _docx_text(name: str, data: bytes) -> str:
    """The paragraphs of a Word file in document order (table cells in place), read as a
    stream: memory stays flat and reading stops as soon as the text is over MAX_CHARS."""
    import lxml.etree as etree
    check_zip(name, data)
    limit = max_chars()
    paragraphs: list[str] = []
    current: list[str] = []
    size = 0
    try:
        with zipfile.ZipFile(io.BytesIO(data)).open("word/document.xml") as stream:
            events = etree.iterparse(stream, events=("end",), tag=(WORD + "p", WORD + "t", WORD + "tab",
                                                                   WORD + "br", WORD + "cr"),
                                     resolve_entities=False, no_network=True, huge_tree=False)
            for _, element in events:
                tag = element.tag
                if tag == WORD + "t":
                    current.append(element.text or "")
                    size += len(element.text or "")
                elif tag == WORD + "tab":
                    current.append("\t")
                elif tag != WORD + "p":  # a line break in a paragraph
                    current.append("\n")
                else:
                    paragraphs.append("".join(current))
                    current = []
                    element.clear()
                    while element.getprevious() is not None:  # what was read is not kept
                        del element.getparent()[0]
                if size > limit:
                    break  # check_text refuses it; no need to read the rest
    except Exception as e:  # noqa: BLE001 - a broken package or XML
        raise refuse(name, f"unreadable Word file: {_short(e)}; save it again from Word",
                     "Word 文件无法读取，请用 Word 重新保存") from e
    paragraphs.append("".join(current))
    return "\n\n".join(p.strip() for p in paragraphs if p.strip())


def _html_text(markup: str, name: str = "page.html") -> str:
    """The article text of a web page, linear in the page's size and all in C: lxml's parser
    (libxml2 stops nesting at 256 levels; a page nested deeper than MAX_HTML_DEPTH is refused),
    then one XSLT pass that keeps the article (or main, or body), drops page chrome, and puts
    a blank line around each block element."""
    import lxml.etree as etree
    try:
        doc = etree.fromstring(markup.encode("utf-8"), parser=etree.HTMLParser(encoding="utf-8"))
    except (etree.ParserError, etree.XMLSyntaxError, ValueError) as e:
        raise refuse(name, f"unreadable web page: {_short(e)}", "网页无法读取") from e
    if doc is None:
        raise refuse(name, "no text in the file", "文件中没有文字")
    if doc.xpath("/*" + "/*" * MAX_HTML_DEPTH):  # an element deeper than MAX_HTML_DEPTH
        raise refuse(name, f"the web page nests elements more than {MAX_HTML_DEPTH} deep; save the article "
                           "as plain text and try again",
                     f"网页元素嵌套超过 {MAX_HTML_DEPTH} 层；请把文章另存为纯文本后再导入")
    text = SPACES.sub(" ", str(_article_text_xslt()(doc)))
    return "\n\n".join(filter(None, map(str.strip, text.splitlines())))


SPACES = re.compile(r"[ \t\u00a0]+")


@functools.lru_cache(maxsize=1)
def _article_text_xslt():
    import lxml.etree as etree
    kept = " and ".join(f"not(ancestor::{tag})" for tag in HTML_DROP)
    stylesheet = f"""<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
      <xsl:output method="text" encoding="UTF-8"/>
      <xsl:template match="/">
        <xsl:variable name="article" select="(//article[{kept}])[1]"/>
        <xsl:variable name="main" select="(//main[{kept}])[1]"/>
        <xsl:choose>
          <xsl:when test="$article"><xsl:apply-templates select="$article"/></xsl:when>
          <xsl:when test="$main"><xsl:apply-templates select="$main"/></xsl:when>
          <xsl:when test="/html/body"><xsl:apply-templates select="/html/body"/></xsl:when>
          <xsl:otherwise><xsl:apply-templates/></xsl:otherwise>
        </xsl:choose>
      </xsl:template>
      <xsl:template match="{'|'.join(HTML_BLOCKS)}">
        <xsl:text>&#10;&#10;</xsl:text><xsl:apply-templates/><xsl:text>&#10;&#10;</xsl:text>
      </xsl:template>
      <xsl:template match="{'|'.join(HTML_DROP)}|comment()|processing-instruction()"/>
    </xsl:stylesheet>"""
    return etree.XSLT(etree.XML(stylesheet))
