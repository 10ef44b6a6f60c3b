"""Reviewers' corrections laid over the extractor's facts: a pure function of the facts and the
corrections of one article, so the same corrections give the same figures after any re-ingest
or extractor change.

A correction names a field and the value a reviewer gave it. The latest correction of a field
that has not been undone wins; undoing it brings back the one before, or the extractor's value.
`confirmed` (已核对, "confirm as is") changes nothing but says a person checked the article.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from .facts import UNIT_LEVELS, CountFact, Facts, PlaceFact, count_fact
from .gazetteer import Gazetteer

FIELDS = ("places", "participants", "quantities", "themes", "services", "event_date", "district_wide",
          "excluded", "confirmed", "event")
FIELD_ZH = {"places": "地点", "participants": "参与人数", "quantities": "其他数量", "themes": "主题",
            "services": "服务类型", "event_date": "活动日期", "district_wide": "全区性", "excluded": "不是文章",
            "confirmed": "核对无误", "event": "同一活动"}
EVENT_DATE = re.compile(r"(?:\d{4}|-)-\d{2}-\d{2}")


class CorrectionError(ValueError):
    """A correction that cannot be saved as given; the message says why, in Chinese."""


@dataclass(frozen=True)
class Correction:
    id: int | None
    field: str
    after: object  # the value as the reviewer gave it (JSON-shaped)
    undoes: int | None = None  # the id of the correction this one undoes


def active(corrections: list[Correction]) -> list[Correction]:
    """Corrections in force, oldest first: neither undone nor themselves an undo."""
    undone = {c.undoes for c in corrections if c.undoes is not None}
    return [c for c in sorted(corrections, key=lambda c: c.id or 0)
            if c.undoes is None and c.id not in undone and c.field != "confirmed"]


def is_reviewed(corrections: list[Correction]) -> bool:
    """已核对: a person confirmed or corrected the article, and has not undone it all."""
    undone = {c.undoes for c in corrections if c.undoes is not None}
    return any(c.undoes is None and c.id not in undone for c in corrections)


def apply(facts: Facts, corrections: list[Correction], gazetteer: Gazetteer) -> Facts:
    for c in active(corrections):
        facts = _APPLY[c.field](facts, c.after, gazetteer)
    return facts


def validate(field: str, after, gazetteer: Gazetteer, taxonomy: dict[str, dict[str, str]]):
    """The value in its stored form, or CorrectionError saying what is wrong with it."""
    if field not in FIELDS:
        raise CorrectionError(f"未知字段：{field}")
    if field == "places":
        return _validate_places(after, gazetteer)
    if field in ("participants", "quantities"):
        return [_validate_count(row, field) for row in (after or [])]
    if field in ("themes", "services"):
        names = taxonomy["theme" if field == "themes" else "service"]
        unknown = [k for k in after or [] if k not in names]
        if unknown:
            raise CorrectionError(f"不在分类表中：{'、'.join(map(str, unknown))}")
        return list(dict.fromkeys(after or []))
    if field == "event_date":
        if after in (None, ""):
            return None
        if not isinstance(after, str) or not EVENT_DATE.fullmatch(after) or not _real_date(after):
            raise CorrectionError("日期应写成 YYYY-MM-DD（不知年份时写 --MM-DD）")
        return after
    if field == "event":
        return None if after in (None, "") else str(after)[:64]
    return bool(after)


def _real_date(value: str) -> bool:
    try:
        date.fromisoformat(value if not value.startswith("--") else "2000" + value[1:])
        return True
    except ValueError:
        return False


def _validate_places(after, gazetteer: Gazetteer) -> dict:
    after = after or {}
    official = {d.name: d for d in gazetteer.divisions}
    out = {"streets": [], "units": [], "other_district": [], "not_places": [], "renamed": {}}
    for key, level in (("streets", ("street",)), ("units", UNIT_LEVELS)):
        for name in after.get(key, []):
            if name not in official or official[name].level not in level:
                raise CorrectionError(f"“{name}”不是本区的{'街道' if key == 'streets' else '社区或村'}")
            out[key].append(name)
    for key in ("other_district", "not_places"):
        out[key] = [str(n)[:64] for n in after.get(key, []) if str(n).strip()]
    for surface, name in (after.get("renamed") or {}).items():
        if name not in official:
            raise CorrectionError(f"“{name}”不在官方名单中")
        out["renamed"][str(surface)[:64]] = name
    return out


def _validate_count(row, field: str) -> dict:
    if not isinstance(row, dict):
        raise CorrectionError("每一行应有数值、是否约数和说明")
    value = row.get("value")
    if value not in (None, ""):
        try:
            value = float(value)
        except (TypeError, ValueError):
            raise CorrectionError(f"“{value}”不是数字") from None
        if not 0 < value < 1e9:
            raise CorrectionError(f"“{value:g}”不在合理范围内")
    label = "who" if field == "participants" else "what"
    return {"value": None if value in (None, "") else value, "approx": bool(row.get("approx")),
            label: str(row.get(label) or "")[:64], "unit": str(row.get("unit") or "")[:16]}


# ---- applying one field --------------------------------------------------------------------

def _places(facts: Facts, after: dict, gazetteer: Gazetteer) -> Facts:
    official = {d.name: d for d in gazetteer.divisions}
    wanted = set(after.get("streets", [])) | set(after.get("units", []))
    renamed = after.get("renamed", {})
    other, dropped = set(after.get("other_district", [])), set(after.get("not_places", []))
    kept: list[PlaceFact] = []
    for p in facts.places:
        name = renamed.get(p.surface or p.name, p.name)
        if p.name in other or p.surface in other:
            kept.append(PlaceFact(p.surface or p.name, p.level, "other_district", None, None, p.surface, p.start, p.end))
        elif name in wanted and name in official:
            d = official[name]
            kept.append(PlaceFact(d.name, d.level, "ours", d.street, d.code, p.surface, p.start, p.end))
        elif p.status != "ours" and p.name not in dropped and p.surface not in dropped and p.name not in renamed:
            kept.append(p)  # an unknown or another district's name the reviewer left as it was
    present = {p.name for p in kept if p.status == "ours"}
    for name in [*after.get("streets", []), *after.get("units", [])]:
        if name not in present:
            d = official[name]
            kept.append(PlaceFact(d.name, d.level, "ours", d.street, d.code))
            present.add(name)
    for name in other - {p.name for p in kept}:
        kept.append(PlaceFact(name, "area", "other_district"))
    return facts.with_(places=tuple(kept))


def _counts(field: str):
    label = "who" if field == "participants" else "what"

    def apply_counts(facts: Facts, after: list, gazetteer: Gazetteer) -> Facts:
        before = list(getattr(facts, field))
        out: list[CountFact] = []
        for row in after:
            same = next((c for c in before if c.value == row["value"] and c.approx == row["approx"]), None)
            if same is not None:  # the extractor's count, kept with its span
                before.remove(same)
                out.append(CountFact(same.value, same.low, same.high, same.approx, row.get("unit") or same.unit,
                                     row.get(label) or same.what, same.raw, same.start, same.end))
            else:
                out.append(count_fact(row["value"], row["approx"], row.get(label, ""), row.get("unit", "")))
        return facts.with_(**{field: tuple(out)})
    return apply_counts


def _simple(field: str):
    def apply_value(facts: Facts, after, gazetteer: Gazetteer) -> Facts:
        return facts.with_(**{field: tuple(after) if isinstance(after, list) else after})
    return apply_value


def _event_date(facts: Facts, after, gazetteer: Gazetteer) -> Facts:
    return facts.with_(event_date=after, event_year_inferred=False)  # a reviewer stated the date


_APPLY = {"places": _places, "participants": _counts("participants"), "quantities": _counts("quantities"),
          "themes": _simple("themes"), "services": _simple("services"), "event_date": _event_date,
          "district_wide": _simple("district_wide"), "excluded": _simple("excluded"), "event": _simple("event")}
