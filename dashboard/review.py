"""What the review page computes: which fields a reviewer changed (each becomes a correction),
and the words of an article's history. Plain functions, tested without Streamlit."""
from __future__ import annotations

import pandas as pd

from etl.corrections import FIELD_ZH
from etl.facts import Facts
from etl.store.review import shown_value

from .tables import date_text
from .vocabulary import REASON_ZH

KEEP, NOT_A_PLACE, OTHER_DISTRICT = "（保持未识别）", "（不是地名）", "（外区地名）"  # choices for an unknown name
EDITABLE = ("places", "participants", "quantities", "themes", "services", "event_date", "district_wide", "excluded")

def _comparable(field: str, value):
    if field == "places":
        return {k: sorted(value.get(k) or []) for k in ("streets", "units", "other_district", "not_places")} | \
            {"renamed": dict(sorted((value.get("renamed") or {}).items()))}
    if field in ("participants", "quantities"):
        label = "who" if field == "participants" else "what"
        return [(float(r["value"]) if r.get("value") not in (None, "") else None, bool(r.get("approx")),
                 str(r.get(label) or ""), str(r.get("unit") or "")) for r in value or []]
    if field in ("themes", "services"):
        return list(value or [])
    return value or None if field == "event_date" else bool(value)


def changes(effective: Facts, form: dict) -> dict:
    """field -> the form's value, for the fields whose value differs from the article's."""
    out = {}
    for field in EDITABLE:
        if field not in form:
            continue
        current = shown_value(effective, field)
        if field == "places":
            current = {"streets": current["streets"], "units": current["units"]}
        if _comparable(field, current) != _comparable(field, form[field]):
            out[field] = form[field]
    return out


def history_words(entry: dict) -> str:
    """One line of an article's history: when, who, what, and why."""
    what = FIELD_ZH.get(entry["field"], entry["field"])
    if entry["undoes"] is not None:
        action = f"撤销了第 {entry['undoes']} 号更正（{what}）"
    elif entry["field"] == "confirmed":
        action = "核对无误"
    elif entry["field"] == "event":
        action = "拆为单独的活动" if str(entry.get("after") or "").startswith("s:") else "与其他报道合并为同一活动"
    else:
        action = f"更正{what}"
    when = entry["created_at"].strftime("%Y-%m-%d %H:%M") if entry.get("created_at") else ""
    return f"{when} {entry['reviewer']} {action}"


def places_value(streets: list[str], units: list[str], resolve: dict[str, str], official_units) -> dict:
    """The places a reviewer chose: streets and units, and for each unknown name what it is
    (an official unit it misspells, not a place, another district's, or left as it was)."""
    renamed = {name: choice for name, choice in resolve.items() if choice in official_units}
    return {"streets": list(streets), "units": list(dict.fromkeys([*units, *renamed.values()])),
            "renamed": renamed,
            "not_places": [name for name, choice in resolve.items() if choice == NOT_A_PLACE],
            "other_district": [name for name, choice in resolve.items() if choice == OTHER_DISTRICT]}


def queue_zh(queue: pd.DataFrame) -> pd.DataFrame:
    """The review queue in the UI's words."""
    titles = queue["title"].where(queue["title"] != "", "（无标题）" + queue["first_sentence"].str[:20])
    return pd.DataFrame({
        "可信度": queue["confidence"],
        "存疑原因": queue["confidence_reasons"].map(lambda rs: "、".join(REASON_ZH.get(r, r) for r in rs)),
        "状态": ["非文章" if x else "已核对" if r else "未核对" for r, x in zip(queue["reviewed"], queue["excluded"])],
        "标题": titles, "日期": queue["activity_date"].map(date_text), "公报": queue["bulletin"]})
