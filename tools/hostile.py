"""Hostile files, made on the fly: what a careless sender or an attacker might upload.

Each maker returns (file name, bytes). The sizes default to the attacks of issue 9 (a 3.4 MB
.docx that inflates to 1 GiB, 100,000 nested <div>, a 19 MB web page, a 5 MB single-line
text, a corrupt PDF); tests pass smaller sizes. The bench (`etl bench`) times the ETL on each.
Nothing here is written to disk unless the caller does so.
"""
from __future__ import annotations

import io
import zipfile
import zlib
from pathlib import Path

from etl.knowledge import load_knowledge

CONTENT_TYPES = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                 b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                 b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                 b'<Default Extension="xml" ContentType="application/xml"/>'
                 b'<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
                 b'officedocument.wordprocessingml.document.main+xml"/></Types>')
RELS = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        b'officeDocument" Target="word/document.xml"/></Relationships>')
W = b'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def sample_text() -> str:
    """The first sample bulletin's text: real article text to repeat."""
    folder = load_knowledge().bulletins_dir
    return sorted(folder.glob("*.txt"))[0].read_text(encoding="utf-8")


def zip_bomb_docx(inflated: int = 1 << 30) -> tuple[str, bytes]:
    """A valid .docx whose word/document.xml inflates to `inflated` bytes of paragraphs."""
    paragraph = ("<w:p><w:r><w:t>" + "社区开展义诊活动，居民参加。" * 8 + "</w:t></w:r></w:p>").encode()
    head = b'<?xml version="1.0" encoding="UTF-8"?><w:document ' + W + b"><w:body>"
    tail = b"</w:body></w:document>"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        z.writestr("_rels/.rels", RELS)
        with z.open("word/document.xml", "w", force_zip64=inflated > 0x7FFFFFFF) as member:
            member.write(head)
            chunk = paragraph * ((1 << 20) // len(paragraph) + 1)  # whole paragraphs: valid XML
            left = max(inflated - len(head) - len(tail), 0)
            while left > 0:
                piece = chunk if left >= len(chunk) else paragraph * max(left // len(paragraph), 1)
                member.write(piece)
                left -= len(piece)
            member.write(tail)
    return "bomb.docx", buffer.getvalue()


def entity_bomb_docx() -> tuple[str, bytes]:
    """A .docx whose document.xml declares nested entities ("billion laughs")."""
    entities = '<!ENTITY a0 "社区开展义诊活动">' + "".join(
        f'<!ENTITY a{i} "{("&a%d;" % (i - 1)) * 10}">' for i in range(1, 10))
    xml = (f'<?xml version="1.0"?><!DOCTYPE w:document [{entities}]><w:document '
           f'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r>'
           f'<w:t>&a9;</w:t></w:r></w:p></w:body></w:document>').encode("utf-8")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        z.writestr("_rels/.rels", RELS)
        z.writestr("word/document.xml", xml)
    return "entities.docx", buffer.getvalue()


def many_members_docx(members: int = 100_000) -> tuple[str, bytes]:
    """A .docx with a great many tiny parts."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        z.writestr("_rels/.rels", RELS)
        z.writestr("word/document.xml", b'<w:document ' + W + b'><w:body><w:p><w:r><w:t>x</w:t></w:r></w:p>'
                                        b'</w:body></w:document>')
        for i in range(members):
            z.writestr(f"customXml/item{i}.xml", b"<a/>")
    return "members.docx", buffer.getvalue()


def deep_html(depth: int = 100_000) -> tuple[str, bytes]:
    """A web page with `depth` nested <div> around one article."""
    body = "<h1>社区义诊送健康</h1><p>本报讯（记者 郑林）近日，崇仁社区开展义诊活动，20余名居民参加。</p>"
    markup = "<html><body>" + "<div>" * depth + body + "</div>" * depth + "</body></html>"
    return "deep.html", markup.encode("utf-8")


def big_html(size: int = 19 * 1024 * 1024) -> tuple[str, bytes]:
    """A web page of `size` bytes: the sample bulletin's paragraphs, repeated, in <p> tags."""
    paragraphs = [line for line in sample_text().splitlines() if line.strip()]
    unit = "".join(f"<div class='x'><p>{p}</p></div>\n" for p in paragraphs).encode("utf-8")
    head, tail = b"<html><body><article>", b"</article></body></html>"
    room = size - len(head) - len(tail)
    body = unit * (room // len(unit))
    return "big.html", head + body + b" " * (room - len(body)) + tail  # whole characters: valid UTF-8


def single_line_txt(size: int = 5 * 1024 * 1024) -> tuple[str, bytes]:
    """`size` bytes of UTF-8 text with no line break: the sample bulletin, its lines joined, repeated."""
    unit = "".join(line.strip() for line in sample_text().splitlines()).encode("utf-8")
    data = unit * (size // len(unit))
    return "oneline.txt", data + b" " * (size - len(data))


def largest_text(chars: int = 495_000) -> tuple[str, bytes]:
    """Just under the character limit of a file: SYNTHETIC bulletins (tools/synth.py) one after
    another, some 700 distinct articles: the most an accepted file makes the ETL do."""
    import random
    from datetime import date

    from tools.synth import make_bulletin, source_articles
    kb = load_knowledge()
    rng, articles, parts, size = random.Random(3), source_articles(kb), [], 0
    while size < chars:
        parts.append(make_bulletin(articles, date(2025, 6, 3), rng, kb, 10))
        size += len(parts[-1])
    return "largest.txt", "".join(parts)[:chars].encode("utf-8")


def run_on_article(chars: int = 480_000) -> tuple[str, bytes]:
    """One article of `chars` characters: a headline, then lines that never end a sentence,
    so the splitter joins them into one paragraph (quadratic before: 325 s at 950,000)."""
    body = [line.strip() for line in sample_text().splitlines() if len(line.strip()) > 60]
    lines, size, i = ["社区工作综述", ""], 0, 0
    while size < chars:
        lines.append(body[i % len(body)].removeprefix("本报讯") + f"（{i}）")  # distinct: repeats are dropped
        size += len(lines[-1]) + 1
        i += 1
    return "runon.txt", "\n".join(lines).encode("utf-8")


def furniture_words_lines(chars: int = 495_000) -> tuple[str, bytes]:
    """Lines just under the line limit made of the words page-furniture rules look for in a short
    line (新闻, 网, 号), up to the file's character limit: a rule that backtracks through a long
    line takes seconds per line (a breadcrumb rule took 70 s for this file before)."""
    line = ("新闻网号" * 5_000)[:19_999]
    lines = [line] * max(chars // (len(line) + 1), 1)
    return "furniture_words.txt", "\n".join(lines).encode("utf-8")


def corrupt_pdf(inflated: int = 100 * 1024 * 1024) -> tuple[str, bytes]:
    """A PDF whose page tree sits in an object stream that inflates to `inflated` bytes: pypdf
    stops at 75 MB with LimitReachedError while finding the pages (a decompression bomb in 100 KB)."""
    pages = b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"
    header = b"2 0 "
    compressor = zlib.compressobj(9)
    chunk = b" " * (1 << 20)
    packed = compressor.compress(header + pages) + b"".join(
        compressor.compress(chunk) for _ in range(inflated >> 20)) + compressor.flush()
    content = b"BT /F1 12 Tf 72 720 Td (hello) Tj ET"
    objects = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << >> >>",
        4: b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        5: b"<< /Type /ObjStm /N 1 /First %d /Length %d /Filter /FlateDecode >>\nstream\n"
           % (len(header), len(packed)) + packed + b"\nendstream",
    }
    out = io.BytesIO()
    out.write(b"%PDF-1.5\n")
    offsets = {}
    for number, body in objects.items():
        offsets[number] = out.tell()
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    offsets[6] = out.tell()
    rows = [(0, 0, 65535), (1, offsets[1], 0), (2, 5, 0), (1, offsets[3], 0), (1, offsets[4], 0),
            (1, offsets[5], 0), (1, offsets[6], 0)]
    table = b"".join(kind.to_bytes(1, "big") + a.to_bytes(4, "big") + b.to_bytes(2, "big") for kind, a, b in rows)
    out.write(b"6 0 obj\n<< /Type /XRef /Size 7 /W [1 4 2] /Root 1 0 R /Length %d >>\nstream\n" % len(table)
              + table + b"\nendstream\nendobj\n")
    out.write(b"startxref\n%d\n%%%%EOF\n" % offsets[6])
    return "corrupt.pdf", out.getvalue()


def all_files() -> list[tuple[str, bytes]]:
    """Every hostile file at the size of the attack."""
    return [zip_bomb_docx(), many_members_docx(), deep_html(), big_html(), single_line_txt(), corrupt_pdf()]


# ---- the bench's worst case: each hostile file parsed in a process of its own -------------------

# (key, label, maker, size argument at scale 1: the attack of issue 9)
ATTACKS = [
    ("zip_bomb_docx", "zip bomb .docx (inflates to 1 GiB)", zip_bomb_docx, 1 << 30),
    ("many_parts_docx", ".docx of 100,000 parts", many_members_docx, 100_000),
    ("deep_html", "HTML nested 100,000 deep", deep_html, 100_000),
    ("big_html", "19 MB web page", big_html, 19 * 1024 * 1024),
    ("single_line_txt", "5 MB single-line text", single_line_txt, 5 * 1024 * 1024),
    ("corrupt_pdf", "corrupt PDF (LimitReachedError)", corrupt_pdf, 100 * 1024 * 1024),
    # The most an accepted file makes the ETL do (parsed, not refused):
    ("largest_text", "495,000 characters of bulletins", largest_text, 495_000),
    ("run_on_article", "one article of 480,000 characters", run_on_article, 480_000),
    ("furniture_words_lines", "495,000 characters of 新闻网号 lines", furniture_words_lines, 495_000),
]


def peak_mb() -> float:
    """This process's peak resident memory: VmHWM (getrusage's ru_maxrss survives exec, so a
    spawned child would report its parent's peak)."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(path: str) -> tuple[str, float, float, float]:
    """(outcome, seconds, peak MB, MB before) of parsing one file in this (fresh) process, as
    ingest parses it: the size check, reading, decoding, bounds, splitting and extraction."""
    import time

    from etl.pipeline import Refusal, parse_file
    kb = load_knowledge()
    parse_file(Path(path).with_name("warm.txt"), kb=kb)  # jieba's first words are start-up, not this file
    before = peak_mb()
    start = time.perf_counter()
    result = parse_file(path, kb=kb)
    seconds = time.perf_counter() - start
    peak = peak_mb()
    if isinstance(result, Refusal):
        reason = result.reason.split(": ", 1)[-1]
        outcome = "refused: " + reason.split("(", 1)[-1].rstrip(")")[:70]
    else:
        outcome = f"parsed: {len(result.articles)} articles"
    return outcome, seconds, peak, before


def worst_case(folder: Path, scale: float = 1.0, say=print) -> list[dict]:
    """Each attack written to `folder`, then parsed in a fresh process: what happened, how long
    it took and the process's peak memory (with the knowledge loaded: `baseline_mb`)."""
    import multiprocessing
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "warm.txt").write_text(sample_text(), encoding="utf-8")
    rows = []
    context = multiprocessing.get_context("spawn")  # not a fork of the caller: its memory is its own
    for key, label, maker, size in ATTACKS:
        say(f"worst case: {label}…")
        name, data = maker(max(int(size * scale), 1))
        path = folder / name
        path.write_bytes(data)
        megabytes = len(data) / 1024 / 1024
        del data
        with context.Pool(1) as pool:
            outcome, seconds, peak, before = pool.apply(measure, (str(path),))
        path.unlink()
        rows.append(dict(key=key, file=label, name=name, size_mb=megabytes, outcome=outcome, seconds=seconds, peak_mb=peak,
                         baseline_mb=before))
    return rows
