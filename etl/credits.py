"""The grammar of credits and leads (本报讯（记者 X）, 本报记者 X, X摄), built from the words in
data/lexicons/credits.txt: the shapes are the genre's, the words are the paper's."""
from __future__ import annotations

import re
from dataclasses import dataclass

CJK = r"\u4e00-\u9fff"


@dataclass(frozen=True)
class Credits:
    lead: re.Pattern  # 本报讯（记者 X） or a bare 本报讯 opening the first paragraph
    byline: re.Pattern  # a closing 本报记者 X line
    credit_only: re.Pattern  # a picture credit alone: 邸东芳摄
    caption_with_credit: re.Pattern  # a caption ending in its credit: 居民学习朗诵。邸东芳摄
    reporter_role: re.Pattern  # 记者, 本报记者
    other_role: re.Pattern  # 通讯员, 实习生…: ends a run of reporter names
    loose_reporter: re.Pattern  # an unbracketed credit after the lead: 记者王小明报道
    name_then_end: re.Pattern  # a name run into its closing word: 王小明报道
    reporter_colon: re.Pattern  # 记者王小明报道：, skipped before the first sentence


def _any(words) -> str:
    """An alternation of words, longest first, so 本报记者 wins over 记者."""
    words = sorted(set(words), key=len, reverse=True)
    return "(?:" + "|".join(map(re.escape, words)) + ")" if words else "(?!)"


def compile_credits(rules: list[tuple[str, str]]) -> Credits:
    def words(kind: str) -> list[str]:
        return [text for k, text in rules if k == kind]

    lead, byline, reporter = _any(words("lead")), _any(words("byline")), _any(words("reporter"))
    photo = _any(words("photo"))
    return Credits(
        lead=re.compile(rf"^\s*{lead}\s*[（(][^）)]{{0,40}}[）)]\s*|^\s*{lead}\s*"),
        byline=re.compile(rf"(?:^|(?<=[。！？”\s]))\s*{byline}\s*((?:[{CJK}]{{2,4}}[\s、，,]*){{1,4}})$"),
        credit_only=re.compile(rf"^\s*(?:图/)?[{CJK}]{{2,4}}(?:[\s、][{CJK}]{{2,4}})*\s*{photo}\s*$"),
        caption_with_credit=re.compile(rf"^.{{2,60}}[。\s]\s*[{CJK}]{{2,4}}\s*{photo}\s*$"),
        reporter_role=re.compile(reporter),
        other_role=re.compile(_any(words("not_reporter"))),
        loose_reporter=re.compile(rf"{reporter}[{CJK} 、]{{2,20}}"),
        name_then_end=re.compile(rf"([{CJK}]{{2,4}}?){_any(words('name_end'))}"),
        reporter_colon=re.compile(rf"{reporter}[^：:，,。]{{2,12}}[：:]\s*"),
    )
