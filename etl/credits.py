"""The grammar of credits and leads (本报讯（记者 X）, 本报记者 X, X摄), built from the words in
data/lexicons/credits.txt: the shapes are the genre's, the words are the paper's.

Reporters wherever the credit stands (`reporters`): in brackets after the lead
(本报讯（记者 X 通讯员 Y）, 又讯（记者 X）, XX网…电（记者 X）), in brackets at the end of the
last paragraph (…。（记者 X）, （XX融媒体中心记者 X）), on a line of their own (本报记者 X,
记者：X, 记者 X 通讯员 Y Z, 文/本报记者 X 图/Y, 文/图：XX融媒体中心记者 X), unbracketed after
the lead (本报讯 记者X 通讯员Y 近日…, 记者 X 报道 …), or closing the last paragraph
(…。本报记者 X). Only names after a reporter role count: 通讯员, 实习生, 摄影, 摄, 图, 编辑 …
never do."""
from __future__ import annotations

import functools
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
    roles: Roles  # the role words, for `reporters`
    lead_again: re.Pattern  # 又讯: a second report under the same headline


def _any(words) -> str:
    """An alternation of words, longest first, so 本报记者 wins over 记者."""
    words = sorted(set(words), key=len, reverse=True)
    return "(?:" + "|".join(map(re.escape, words)) + ")" if words else "(?!)"


# A name of two to four characters, printed as it is or spaced to fill its column (王　涛).
SPACED_NAME = rf"[{CJK}](?:[ \u3000]?[{CJK}]){{1,3}}"


def compile_credits(rules: list[tuple[str, str]]) -> Credits:
    def words(kind: str) -> list[str]:
        return [text for k, text in rules if k == kind]

    lead, byline, reporter = _any(words("lead")), _any(words("byline")), _any(words("reporter"))
    shapes = words("lead_shape")
    if shapes:  # XX讯, XX网山西12月1日电: the shapes of other papers' leads
        lead = "(?:" + "|".join([lead] + [f"(?:{shape})" for shape in shapes]) + ")"
    photo = _any(words("photo"))
    return Credits(
        lead=re.compile(rf"^\s*{lead}\s*[（(][^）)]{{0,40}}[）)]\s*|^\s*{lead}\s*"),
        byline=re.compile(rf"(?:^|(?<=[。！？”\s]))\s*{byline}\s*((?:[{CJK}]{{2,4}}[\s、，,]*){{1,4}})$"),
        credit_only=re.compile(rf"^\s*(?:图/)?{SPACED_NAME}(?:[\s、]{SPACED_NAME})*\s*{photo}\s*$"),
        caption_with_credit=re.compile(rf"^.{{2,60}}[。\s]\s*{SPACED_NAME}\s*{photo}\s*$"),
        reporter_role=re.compile(reporter),
        other_role=re.compile(_any(words("not_reporter"))),
        loose_reporter=re.compile(rf"{reporter}[{CJK} 、]{{2,20}}"),
        name_then_end=re.compile(rf"([{CJK}]{{2,4}}?){_any(words('name_end'))}"),
        reporter_colon=re.compile(rf"{reporter}[^：:，,。]{{2,12}}[：:]\s*"),
        roles=roles_of(rules),
        lead_again=re.compile(rf"^\s*{_any(words('lead_again'))}"),
    )


NAME = re.compile(rf"[{CJK}·]{{2,4}}")
SENTENCE_PUNCT = re.compile(r"[。，,！？!?；;“”]")
OWN_LINE_MAX = 48
SPACES = " \t\u3000"
SEPARATORS = SPACES + ":：/、"


@dataclass(frozen=True)
class Roles:
    reporter: tuple[str, ...]  # 记者, 本报记者, 特约记者 …: the names after them are reporters
    other: tuple[str, ...]  # 通讯员, 实习生, 摄影, 编辑 …: the names after them are not
    photo_suffix: tuple[str, ...]  # 摄: the names before it took pictures
    report_suffix: tuple[str, ...]  # 报道: closes a reporter's credit


def roles_of(rules: list[tuple[str, str]]) -> Roles:
    """Roles from the rules of data/lexicons/credits.txt (reporter, not_reporter, photo)."""
    def words(kind: str) -> tuple[str, ...]:
        return tuple(dict.fromkeys(text for k, text in rules if k == kind))
    return Roles(reporter=words("reporter"), other=words("not_reporter"), photo_suffix=words("photo"),
                 report_suffix=())


@dataclass(frozen=True)
class Credit:
    name: str
    start: int  # offset of the name in the text
    end: int


@functools.lru_cache(maxsize=16)
def _role_pattern(roles: Roles) -> re.Pattern:
    """Role words that may be glued to a name (记者薛婧, 通讯员郝美玲): two characters or more.
    One-character roles (文/, 图/, 摄) are read only where they stand apart."""
    words = sorted({w for w in roles.reporter + roles.other + roles.photo_suffix + roles.report_suffix
                    if len(w.strip("/:：")) >= 2}, key=len, reverse=True)
    return re.compile("|".join(map(re.escape, words)))


def _tokens(text: str, start: int, end: int, roles: Roles) -> list[tuple[str, int, int]]:
    """(kind, start, end) for the words of a credit: kind is the role word, or "name"."""
    role_re = _role_pattern(roles)
    every_role = set(roles.reporter + roles.other + roles.photo_suffix + roles.report_suffix)
    bare = {w.rstrip("/:：") for w in every_role}  # 图/ is also 图：
    tokens: list[tuple[str, int, int]] = []
    for m in re.finditer(rf"[{CJK}·]+[/:：]?", text[start:end]):
        s, e = start + m.start(), start + m.end()
        word = m.group(0)
        if word in every_role or word.rstrip("/:：") in bare and (word[-1] in "/:：" or len(word) == 1):
            tokens.append((word.rstrip(":："), s, e))  # 文/, 图/, 摄, 记者： standing apart
            continue
        e -= len(word) - len(word.rstrip("/:："))
        pos = s
        while pos < e:
            role = role_re.search(text, pos, e)
            if role is None:
                rest = text[pos:e]
                suffix = next((w for w in roles.photo_suffix if len(w) == 1 and rest.endswith(w)
                               and NAME.fullmatch(rest[:-1])), None)
                if suffix:  # 白晓光摄
                    tokens.append(("name", pos, e - 1))
                    tokens.append((suffix, e - 1, e))
                else:
                    tokens.append(("name", pos, e))
                break
            if role.start() > pos:
                tokens.append(("name", pos, role.start()))
            tokens.append((role.group(0), role.start(), role.end()))
            pos = role.end()
    return tokens


def parse_credit(text: str, start: int, end: int, roles: Roles,
                 mode: str = "bracket") -> list[Credit]:
    """Reporter names in text[start:end], a credit segment (记者 X 通讯员 Y / 文/本报记者 X 图/Y).
    Names follow a reporter role up to the next role; a name run closed by 摄 is a photo
    credit; a lone character next to another lone character is half of a spaced name (李 璐).

    mode: "bracket" (the segment is a credit as a whole), "line" (a line of its own: a name
    stands apart from the word before it, 本报记者 X, 记者：X), "lead" (the credit opens a
    paragraph and the text goes on: a name ends at a space or a role, 记者薛婧 通讯员…)."""
    tokens = _tokens(text, start, end, roles)
    # Join spaced single characters: 李 璐 -> 李璐.
    joined: list[tuple[str, int, int]] = []
    for kind, s, e in tokens:
        if kind == "name" and joined and joined[-1][0] == "name" and e - s == 1 \
                and joined[-1][2] - joined[-1][1] == 1:
            joined[-1] = ("name", joined[-1][1], e)
            continue
        joined.append((kind, s, e))
    found: list[Credit] = []
    current_is_reporter = seen_role = False
    run: list[Credit] = []
    for i, (kind, s, e) in enumerate(joined):
        if kind == "name":
            name = re.sub(r"\s", "", text[s:e])  # 李 璐 -> 李璐
            if not seen_role:
                continue  # what stands before the first role: 平城区融媒体中心, 本报讯, 文/
            if not NAME.fullmatch(name):
                if i + 1 < len(joined) and joined[i + 1][0] in roles.reporter and joined[i + 1][1] == e:
                    continue  # 平城区融媒体中心记者: the reporter's newsroom
                break  # not a name: the credit is over
            apart_before = s > start and text[s - 1] in SEPARATORS
            next_is_role = i + 1 < len(joined) and joined[i + 1][0] != "name" and joined[i + 1][1] == e
            apart_after = e < len(text) and text[e] in SPACES or next_is_role
            if mode == "line" and not apart_before or mode == "lead" and not apart_after:
                break
            if current_is_reporter:
                run.append(Credit(name, s, e))
            continue
        seen_role = True
        kind = kind.rstrip("/")
        if kind in roles.photo_suffix:
            run = []  # 本报记者 X 摄: a photographer
            current_is_reporter = False
            continue
        found += run
        run = []
        current_is_reporter = kind in roles.reporter
    found += run
    out: list[Credit] = []
    for c in found:
        if c.name not in (o.name for o in out):
            out.append(c)
    return out


@dataclass(frozen=True)
class _Shapes:
    reporter: re.Pattern  # any reporter role
    bracket: re.Pattern  # （…）
    lead: re.Pattern  # a reporter role opening a paragraph (after an XX讯 lead, if any)
    tail: re.Pattern  # …。本报记者 X closing a paragraph


@functools.lru_cache(maxsize=16)
def _shapes(roles: Roles) -> _Shapes:
    reporter = "|".join(map(re.escape, sorted(roles.reporter, key=len, reverse=True)))
    return _Shapes(
        reporter=re.compile(reporter),
        bracket=re.compile(r"[（(]([^（）()\n]{2,48})[）)]"),
        lead=re.compile(rf"\s*(?:[{CJK}]{{0,8}}讯\s*)?(?:{reporter})"),
        tail=re.compile(rf"[。！？!?”]\s*((?:{reporter})\s*[{CJK}·\s、]{{2,16}})$"),
    )


def _credit_lines(text: str, roles: Roles) -> list[tuple[int, int, str]]:
    """Spans worth parsing as credits: brackets holding a reporter role, short lines with no
    sentence punctuation holding one, and a reporter role starting a paragraph or closing it."""
    spans: list[tuple[int, int, str]] = []
    shapes = _shapes(roles)
    if not shapes.reporter.search(text):
        return spans  # no reporter role anywhere: no credit to read
    for m in shapes.bracket.finditer(text):
        if shapes.reporter.search(m.group(1)) and not SENTENCE_PUNCT.search(m.group(1)):
            spans.append((m.start(1), m.end(1), "bracket"))
    offset = 0
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped and len(stripped) <= OWN_LINE_MAX and shapes.reporter.search(stripped) \
                and not SENTENCE_PUNCT.search(stripped) and "（" not in stripped and "(" not in stripped:
            spans.append((offset, offset + len(line), "line"))
        else:
            # 本报讯 记者X 通讯员Y 近日… / 记者 X 报道 5月19日…: the credit runs up to the
            # first word that is not a name.
            lead = shapes.lead.match(line)
            if lead:
                spans.append((offset + lead.start(), offset + min(len(line), lead.end() + 24), "lead"))
            # …。本报记者 X: the closing byline of a feature.
            tail = shapes.tail.search(line)
            if tail:
                spans.append((offset + tail.start(1), offset + tail.end(1), "line"))
        offset += len(line) + 1
    return spans


def reporters(text: str, roles: Roles) -> list[Credit]:
    """Every reporter credited in an article's text, in order of appearance, once each."""
    out: list[Credit] = []
    for start, end, mode in sorted(_credit_lines(text, roles)):
        for c in parse_credit(text, start, end, roles, mode):
            if c.name not in (o.name for o in out):
                out.append(c)
    return out


def is_credit_line(text: str, roles: Roles) -> bool:
    """A line that is a credit and nothing else: 本报记者 X, 记者：X 通讯员：Y, 文/本报记者 X 图/Y,
    （记者 X 通讯员 Y）, （通讯员 X）, （XX街道供稿）, 文/X 图/Y. It opens with a role (or a newsroom
    glued to one: 平城区融媒体中心记者); every other word is a name standing apart."""
    core = text.strip()
    if not core or len(core) > OWN_LINE_MAX or SENTENCE_PUNCT.search(core):
        return False
    bracketed = core[0] in "（(" and core[-1] in "）)"
    inner = core[1:-1].strip() if bracketed else core
    if not inner or re.search(r"[（()）]", inner):
        return False
    tokens = _tokens(inner, 0, len(inner), roles)
    if not any(kind != "name" for kind, _, _ in tokens):
        return False
    for i, (kind, s, e) in enumerate(tokens):
        if kind != "name":
            continue
        glued_to_role = i + 1 < len(tokens) and tokens[i + 1][0] != "name" and tokens[i + 1][1] == e
        if i == 0:
            if not glued_to_role or e - s > 12:
                return False  # a credit opens with its role, or a newsroom glued to it
            continue
        if glued_to_role and e - s <= 12:
            continue  # 赛鱼街道供稿, 平城区融媒体中心记者
        apart = s > 0 and inner[s - 1] in SEPARATORS
        if not (apart or bracketed) or not 1 <= e - s <= 4:
            return False
    return True
