"""What the review page computes: which fields a reviewer changed (each becomes a correction),
and the words of an article's history. Plain functions, tested without Streamlit."""
from __future__ import annotations

from etl.corrections import FIELD_ZH
from etl.facts import Facts
from etl.store.review import shown_value

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
