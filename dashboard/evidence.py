"""Article text with every extracted value highlighted where it was found. All bulletin text
is HTML-escaped: a bulletin holding <script> shows it as text."""
from __future__ import annotations

import html

from .vocabulary import PRECISION_ZH, REASON_ZH, bulletin_label, display_title, flags_zh, service_names, theme_names

FIELD_STYLE = {
    "places": ("#cfe8ff", "地点"), "places_other_district": ("#e0e0e0", "外区地点"),
    "places_unknown": ("#ffe0b3", "未识别地点"), "participants": ("#ffd6d6", "参与人数"),
    "quantities": ("#fff3b0", "数量"), "themes": ("#d9f2d9", "主题词"), "services": ("#eadcff", "服务词"),
    "event_date": ("#ffc8f0", "日期"), "reporters": ("#d0f0f0", "记者"),
}


def highlight_html(text: str, evidence: list[dict]) -> str:
    """Non-overlapping spans, earliest and longest first; each <mark> says what it is."""
    spans, taken_until = [], -1
    for e in sorted(evidence, key=lambda e: (e["start"], -(e["end"] - e["start"]))):
        if e["start"] >= taken_until and 0 <= e["start"] < e["end"] <= len(text):
            spans.append(e)
            taken_until = e["end"]
    out, pos = [], 0
    for e in spans:
        color, label = FIELD_STYLE.get(e["field"], ("#eee", "其他"))
        out.append(html.escape(text[pos:e["start"]]))
        tip = html.escape(f"{label}: {_value_words(e['field'], e['value'])}", quote=True)
        out.append(f'<mark style="background:{color}" title="{tip}">{html.escape(text[e["start"]:e["end"]])}</mark>')
        pos = e["end"]
    out.append(html.escape(text[pos:]))
    return "<div class='article-text'>" + "".join(out).replace("\n", "<br>") + "</div>"


def _value_words(field: str, value: str) -> str:
    """Theme and service keys in words (为老服务, not elderly)."""
    names = theme_names() if field == "themes" else service_names() if field == "services" else {}
    return names.get(value, value)


def legend_html() -> str:
    return " ".join(f'<mark style="background:{c}">{html.escape(label)}</mark>' for c, label in FIELD_STYLE.values())


def article_header_html(detail: dict) -> str:
    """Headline and facts of one article; every printed string escaped. A missing headline is
    the first sentence's opening, marked; the bulletin is named by issue date and page, its file
    name kept for whoever needs to find it."""
    bulletin = bulletin_label(detail["bulletin"], detail.get("issue_date"), detail.get("issue_precision"))
    facts = [f"{bulletin} 第 {detail['seq']} 篇",
             (f"日期 {detail['activity_date']}（{PRECISION_ZH.get(detail['date_precision'], '')}）"
              if detail["activity_date"] else "日期不明"),
             "记者 " + ("、".join(detail["reporters"]) or "—")]
    if detail["flags"]:
        facts.append("标记：" + "、".join(flags_zh(detail["flags"])))
    if detail.get("confidence") is not None:
        reasons = "、".join(REASON_ZH.get(r, r) for r in detail.get("confidence_reasons", []))
        facts.append(f"可信度 {detail['confidence']:.2f}" + (f"（{reasons}）" if reasons else ""))
    if detail.get("excluded"):
        facts.append("已标记为非文章，不计入统计")
    elif detail.get("reviewed"):
        facts.append("已核对")
    title = display_title(detail["title"], detail.get("first_sentence") or detail["text"][:80])
    return (f"<h3>{html.escape(title)}</h3>"
            f"<p style='color:#666'>{html.escape(' · '.join(facts))}</p>"
            f"<p style='color:#999;font-size:0.8em'>原文件：{html.escape(detail['bulletin'])}</p>")
