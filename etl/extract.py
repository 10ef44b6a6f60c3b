"""Extract stage: an article draft -> a record with every field of records.md,
each value with its evidence (offsets into the article text and its sentence)."""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from . import dates
from .confidence import confidence, labels_close
from .credits import Credits
from .credits import reporters as credited_reporters
from .facts import CountFact, Facts, PlaceFact
from .furniture import Dropped
from .knowledge import Knowledge
from .labels import labels
from .places import (
    LEAD_DISTRICT,
    PlaceMention,
    district_named_in,
    find_places,
    relocate,
    streets_of,
    units_of,
)
from .quantities import Quantity, find_quantities
from .read import normalise
from .segment import Segmentation
from .split import ArticleDraft, split_bulletin
from .text import Evidence, Sentences


@dataclass
class ArticleRecord:
    bulletin: str
    seq: int
    title: str
    text: str
    body_offset: int
    first_sentence: str
    reporters: list[str]
    places: list[PlaceMention]
    streets: list[str]
    communities: list[str]
    district_wide: bool
    event_date: str | None
    date_precision: str  # day | year_inferred | month_day | issue | inferred | unknown
    themes: list[str]
    services: list[str]
    participants: list[Quantity]
    quantities: list[Quantity]
    evidence: list[Evidence]
    flags: list[str] = field(default_factory=list)
    section: str = ""
    series: str = ""
    confidence: float = 1.0  # 0-1: how much to trust this record (confidence.py)
    confidence_reasons: list[str] = field(default_factory=list)  # the signs that lowered it

    @property
    def other_district_places(self) -> list[str]:
        return list(dict.fromkeys(p.surface for p in self.places if p.status == "other_district"))

    @property
    def unknown_places(self) -> list[str]:
        return list(dict.fromkeys(p.surface for p in self.places if p.status == "unknown"))

    @property
    def precision(self) -> str:
        if self.communities:
            return "community"
        if self.streets:
            return "street"
        return "district" if self.district_wide else "none"

    def facts(self) -> Facts:
        """What figures count, as the extractor found it (reviewers' corrections go over this)."""
        def counts(found: list[Quantity]) -> tuple[CountFact, ...]:
            return tuple(CountFact(q.value, q.low, q.high, q.approx, q.unit, q.what, q.raw, q.start, q.end)
                         for q in found)
        places = tuple(PlaceFact(p.name, p.level, p.status, p.street, p.code, p.surface, p.start, p.end)
                       for p in self.places)
        return Facts(places=places, themes=tuple(self.themes), services=tuple(self.services),
                     participants=counts(self.participants), quantities=counts(self.quantities),
                     event_date=self.event_date, event_year_inferred=self.date_precision == "year_inferred",
                     district_wide=self.district_wide)

    def as_json(self) -> dict:
        return {
            "bulletin": self.bulletin, "seq": self.seq, "title": self.title,
            "first_sentence": self.first_sentence, "reporters": self.reporters,
            "streets": self.streets, "communities": self.communities,
            "district_wide": self.district_wide, "place_precision": self.precision,
            "other_district_places": self.other_district_places, "unknown_places": self.unknown_places,
            "event_date": self.event_date, "date_precision": self.date_precision, "themes": self.themes, "services": self.services,
            "participants": [q.as_dict() for q in self.participants],
            "quantities": [q.as_dict() for q in self.quantities],
            "flags": self.flags, "section": self.section, "series": self.series,
            "confidence": self.confidence, "confidence_reasons": self.confidence_reasons,
            "evidence": [e.as_dict(self.text) for e in self.evidence],
        }


@dataclass
class BulletinRecord:
    name: str
    text: str
    issue: dates.IssueDate
    articles: list[ArticleRecord]
    dropped: list[Dropped] = field(default_factory=list)  # lines left out of the articles, with why

    def rows(self, evidence: bool = True) -> list[dict]:
        """The articles as `etl extract` prints them: one JSON object each, with the issue date."""
        out = []
        for article in self.articles:
            row = article.as_json()
            row["issue_date"], row["issue_date_precision"] = self.issue.value, self.issue.precision
            if not evidence:
                row.pop("evidence")
            out.append(row)
        return out


def first_sentence_of(body: str, norm_body: str, credits: Credits) -> str:
    """The body's first sentence, after 本报讯（记者 X） or 本报讯 记者X报道：."""
    lead = credits.lead.match(norm_body)
    start = lead.end() if lead else 0
    if lead:
        credit = credits.reporter_colon.match(norm_body, start)
        start = credit.end() if credit else start
    rest = body[start:]
    rest = rest.replace("\n", "")
    cut = rest.find("。")
    return rest[:cut + 1] if cut >= 0 else rest[:200]


@functools.lru_cache(maxsize=8)
def _district_actor(kb: Knowledge) -> re.Pattern:
    """平城区 + up to 12 characters + a body's ending (局, 中心, 区委…): 平城区医保局."""
    endings = "|".join(map(re.escape, kb.district_actors))
    return re.compile(re.escape(kb.district) + r"[\u4e00-\u9fff]{0,12}?(?:" + endings + ")")


def is_district_wide(norm: str, lead: str, places: list[PlaceMention], kb: Knowledge) -> bool:
    """Whole-district work: said so (各街道, 全区), the district acting in the lead sentence
    (平城区以…), or a district body's work at no named street, community or single site
    (a school) of ours."""
    ours = [p for p in places if p.status != "other_district"]
    if not ours and any(p.status == "other_district" for p in places):
        return False
    if any(_scope_marker(norm, marker, kb) for marker in kb.district_markers):
        return True
    if any(kb.district + word in lead for word in kb.district_subject):
        return True
    if ours or kb.single_site.search(norm):
        return False
    return bool(_district_actor(kb).search(norm))


def _scope_marker(norm: str, marker: str, kb: Knowledge) -> bool:
    """The marker (各街道, 全区) stands in a sentence that reports, not in one that plans
    (下一步将在各街道推广)."""
    pos = norm.find(marker)
    while pos >= 0:
        start = max(norm.rfind(c, 0, pos) for c in "。！？\n") + 1
        ends = [i for i in (norm.find(c, pos) for c in "。！？\n") if i >= 0]
        sentence = norm[start:min(ends) if ends else len(norm)]
        if not any(word in sentence for word in kb.district_plan):
            return True
        pos = norm.find(marker, pos + len(marker))
    return False


# 数百, 十几, 上百, 二三十, 两三个: a count with no single value
VAGUE = re.compile(r"[数几]|^上|十几|[一二两三四五六七八九][二两三四五六七八九](?:[十百千万]|$|[^十百千万])")


def extract_article(draft: ArticleDraft, bulletin: str, seq: int, kb: Knowledge,
                    issue: dates.IssueDate | None = None, home: str | None = None,
                    furniture_lines: frozenset[int] = frozenset()) -> ArticleRecord:
    """`home`: another district that the page's own furniture names (its site, account or
    source line), if any; `furniture_lines`: the bulletin's lines dropped as furniture."""
    text, norm = draft.text, draft.norm_text
    sentences = Sentences(text)
    body_offset = draft.body_offset
    title_end = body_offset - 2
    first_para = draft.paragraphs[0].text if draft.paragraphs else ""
    lead_end = body_offset + len(first_para)
    evidence: list[Evidence] = []

    reporters = [(c.name, c.start) for c in credited_reporters(norm, kb.credits.roles)]
    evidence += [sentences.evidence("reporters", n, s, s + len(n)) for n, s in reporters]

    seg = Segmentation(norm, kb.dictionary)
    places = find_places(norm, kb, seg)
    first_sentence = first_sentence_of(text[body_offset:], norm[body_offset:], kb.credits)
    elsewhere = district_named_in(normalise(first_sentence), norm, kb)
    if not elsewhere and home and kb.district not in norm:
        elsewhere = home  # a page of another district's site or account, and the text never names ours
    if not elsewhere and not any(p.level == "street" and p.status == "ours" for p in places):
        # 近日，泰安里社区…… 云冈区相关负责人表示……: the text never names ours nor a street of
        # ours, and names one other district only: its communities are that district's.
        named = _districts_named(norm, kb)
        if len(named) == 1:
            elsewhere = named.pop()
    if elsewhere:
        places = relocate(places, elsewhere)
    for p in places:
        evidence.append(sentences.evidence(
            "places" if p.status == "ours" else f"places_{p.status}", p.name, p.start, p.end))

    themes, services, theme_hits, service_hits, theme_scores = labels(norm, seg, kb, title_end, lead_end,
                                                        [(p.start, p.end) for p in places])
    evidence += [sentences.evidence("themes", h.key, h.start, h.end) for h in theme_hits]
    evidence += [sentences.evidence("services", h.key, h.start, h.end) for h in service_hits]

    issue = issue or dates.IssueDate(None, "unknown", "none")
    event, found = dates.event_date(norm[body_offset:lead_end], body_offset, issue)
    if found:
        evidence.append(sentences.evidence("event_date", event, found.start, found.end))

    counted = _dedupe_title_counts(find_quantities(norm, kb), title_end)
    participants = [q for q in counted if q.participant]
    quantities = [q for q in counted if not q.participant]
    for q in counted:
        evidence.append(sentences.evidence("participants" if q.participant else "quantities",
                                           q.value if q.value is not None else q.raw, q.start, q.end))

    precision = dates.date_precision(event, found, issue)
    reasons = [flag for flag in ("no_lead", "no_headline", "cut_off") if flag in draft.flags]
    if furniture_lines and (draft.first_line - 1 in furniture_lines or draft.last_line + 1 in furniture_lines):
        reasons.append("furniture_nearby")
    if any(p.status == "unknown" for p in places):
        reasons.append("unknown_place")
    if any(q.value is None or VAGUE.search(q.raw) for q in counted):
        reasons.append("vague_count")
    if precision in ("year_inferred", "month_day", "inferred"):
        reasons.append("inferred_date")
    if labels_close(theme_scores):
        reasons.append("labels_close")
    # An article of another district (its lead or its page says so) is never our district's work.
    district_wide = not elsewhere and is_district_wide(norm, normalise(first_sentence), places, kb)
    if not district_wide and not streets_of(places) and not units_of(places):
        reasons.append("no_place")
    return ArticleRecord(
        confidence=confidence(reasons), confidence_reasons=reasons,
        bulletin=bulletin, seq=seq, title=draft.title, text=text, body_offset=body_offset,
        first_sentence=first_sentence,
        reporters=[n for n, _ in reporters], places=places,
        streets=streets_of(places), communities=units_of(places),
        district_wide=district_wide, event_date=event,
        date_precision=precision,
        themes=themes, services=services, participants=participants, quantities=quantities,
        evidence=sorted(evidence, key=lambda e: e.start), flags=list(dict.fromkeys(draft.flags)),
        section=draft.section, series=draft.series,
    )


# Furniture that says whose page it is (a site's name, a post's account, a source line);
# lists of other articles and page navigation name other places and say nothing of it.
HOME_REASONS = ("masthead", "meta", "wechat", "breadcrumb", "footer")


def page_home(dropped: list[Dropped], kb: Knowledge) -> str | None:
    """Another district that the page's own furniture names: 太原市尖草坪区人民政府,
    来源：大兴区清源街道, 来源：云州区融媒体中心. None when it names ours or none."""
    own = [d.text for d in dropped if d.reason in HOME_REASONS]
    named = [district_named_in(text, "", kb) or _neighbour_named_short(text, kb) for text in own]
    named = [n for n in named if n]
    if not named or any(kb.district in d.text for d in dropped if d.reason in HOME_REASONS):
        return None
    return named[0]


def _districts_named(norm: str, kb: Knowledge) -> set[str]:
    """The other districts a text names (云冈区, 阳高县), none when it names ours."""
    if kb.district in norm:
        return set()
    return {m.group(1) for m in LEAD_DISTRICT.finditer(norm)
            if not any(m.group(1).endswith(w) for w in kb.not_district)}


def _neighbour_named_short(text: str, kb: Knowledge) -> str | None:
    """A neighbouring district named by its short name in a page's own line (云冈发布, 云州融媒)."""
    ours = kb.district[:-1]
    if ours in text:
        return None
    return next((n for n in kb.neighbours if len(n) >= 3 and n[:-1] in text), None)


def _dedupe_title_counts(found: list[Quantity], title_end: int) -> list[Quantity]:
    """A headline count (20个暖蜂驿站) repeats one in the body: keep the body's."""
    body_values = {(q.value, q.unit) for q in found if q.start >= title_end}
    return [q for q in found if q.start >= title_end or (q.value, q.unit) not in body_values]


def extract_bulletin(text: str, name: str, kb: Knowledge, given_issue: dates.IssueDate | None = None
                     ) -> BulletinRecord:
    """One bulletin's text -> its records. The issue date comes from `given_issue` (an option
    or a sidecar), else the file name or the text."""
    drafts, dropped = split_bulletin(text, kb)
    issue = dates.issue_date(name, text, kb.published_pattern, given_issue)
    home = page_home(dropped, kb)
    furniture = frozenset(d.line for d in dropped if d.reason not in ("duplicate_paragraph", "caption"))
    articles = [extract_article(d, name, i, kb, issue, home, furniture) for i, d in enumerate(drafts, 1)]
    for before, after in zip(articles, articles[1:]):
        _same_day_as(before, after)
    return BulletinRecord(name, text, issue, articles, dropped)


# 又讯 同日，… / ■同一天，…: a report dated by the one printed before it.
SAME_DAY = re.compile(r"(?:又讯\s*)?(?:[（(][^）)]{0,40}[）)])?\s*(同日|同一天|同天)")


def _same_day_as(before: ArticleRecord, after: ArticleRecord) -> None:
    if after.event_date or not before.event_date:
        return
    m = SAME_DAY.match(after.text, after.body_offset)
    if m is None:
        return
    after.event_date, after.date_precision = before.event_date, before.date_precision
    after.evidence.append(Sentences(after.text).evidence("event_date", before.event_date, m.start(1), m.end(1)))
    after.evidence.sort(key=lambda e: e.start)
    if "inferred_date" in before.confidence_reasons and "inferred_date" not in after.confidence_reasons:
        after.confidence_reasons.append("inferred_date")
        after.confidence = confidence(after.confidence_reasons)
