"""Dates as archives write them, and the one date that is *the* document's date.

`find_dates` reads every date form we meet in transcriptions (Russian month words and
abbreviations, Roman-numeral months, typed years split by OCR, English forms) and gives
each an ISO value with its precision. `document_date` then picks the document's own date
by where it stands and what role it plays (signature block, date line of the heading,
"от …" of a protocol heading, a newspaper's publication line), never a date that is
only mentioned in the narrative.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from opis.extract.lines import NEWSPAPER_DATE, PUBLICATION, Line, is_prose, split_lines, value, words
from opis.model import Value

RU_MONTHS = [
    ("январ", 1), ("янв", 1), ("феврал", 2), ("февр", 2), ("фев", 2), ("март", 3),
    ("мар", 3), ("апрел", 4), ("апр", 4), ("мая", 5), ("май", 5), ("мае", 5),
    ("июн", 6), ("июл", 7), ("август", 8), ("авг", 8), ("сентябр", 9), ("сент", 9),
    ("сен", 9), ("октябр", 10), ("окт", 10), ("ноябр", 11), ("нояб", 11), ("ноя", 11),
    ("декабр", 12), ("дек", 12),
]
EN_MONTHS = [
    ("january", 1), ("jan", 1), ("february", 2), ("feb", 2), ("march", 3), ("mar", 3),
    ("april", 4), ("apr", 4), ("may", 5), ("june", 6), ("jun", 6), ("july", 7),
    ("jul", 7), ("august", 8), ("aug", 8), ("september", 9), ("sept", 9), ("sep", 9),
    ("october", 10), ("oct", 10), ("november", 11), ("nov", 11), ("december", 12),
    ("dec", 12),
]
ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6, "VII": 7, "VIII": 8,
         "IX": 9, "X": 10, "XI": 11, "XII": 12}

_RU_MON = r"(?P<mon>(?:январ|феврал|апрел|июн|июл|сентябр|октябр|ноябр|декабр)[ьяе]|марта?|марте|августа?|августе|ма[йяе]|янв|февр?|мар|апр|авг|сент?|окт|нояб?|дек)\.?(?![а-яё])"
# a month standing without a day is in the nominative or prepositional ("сентябрь",
# "в сентябре"); the genitive belongs to a day, and a lost day must not make a month date
_RU_MON_ALONE = r"(?P<mon>(?:январ|феврал|апрел|июн|июл|сентябр|октябр|ноябр|декабр)[ье]|марте?|августе?|ма[йе])(?![а-яё])"
_EN_MONTH_NAMES = ("January|February|March|April|May|June|July|August|September|October|November|December|"
                   "Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec")
# as typed in running text or in a heading in capitals ("THURSDAY, JULY 7, 1955"); never
# lower case, where "may" is a verb
_EN_MON = rf"(?P<mon>{_EN_MONTH_NAMES}|{_EN_MONTH_NAMES.upper()})\.?(?![A-Za-z])"
# a year: 1952, "19 52" (OCR splits typed years), or two digits when followed by "г"
_YEAR = r"(?P<year>(?:1[89]|20)\s?\d{2}(?!\d)|\d{2}(?=\s*г(?![а-яё]{2})))"
_YEAR4 = r"(?P<year>(?:1[89]|20)\d{2})(?!\d)"
_GOD = r"(?:\s*(?:года|год|г\.|г(?![а-яё])))?"
_DAY = r"(?<![\d.])(?P<day>[0-3]?\d)(?:-?(?:го|ое|е|х))?"
_QUOTES = r"[\"'“”«»„]"

PATTERNS: list[tuple[str, re.Pattern[str], str]] = [
    # 3 ноября 1952 г. / 30 " октября 1952 года / 23 сент 1956г. / «30» октября 1952
    ("rule:date.ru_words", re.compile(
        rf"{_QUOTES}?{_DAY}{_QUOTES}?\s*{_QUOTES}?\s*{_RU_MON}\s*{_YEAR}{_GOD}", re.I), "day"),
    # year, month, day as Hungarian (and Chinese, Japanese) dates run: 1963 г. июня 4.
    ("rule:date.ru_ymd", re.compile(
        rf"(?<![\d.]){_YEAR4}\s*(?:года|г\.|г(?![а-яё]))?\s*,?\s*{_RU_MON}\s+(?P<day>[0-3]?\d)(?!\d)", re.I), "day"),
    # 3.XI. 19 52 г. / 23. IX. 56г. / 4.XI.1952г.
    ("rule:date.roman_month", re.compile(
        rf"{_DAY}\s*[.,/\-]\s*(?P<mon>XII|XI|IX|X|VIII|VII|VI|IV|V|III|II|I)\s*[.,/\-]?\s*"
        rf"(?P<year>(?:1[89]|20)\s?\d{{2}}(?!\d)|\d{{2}}(?!\d))(?:\s*(?:года|г\.|г(?![а-яё])))?"),
     "day"),
    # 03.11.1952 / 3.11.52 г.
    ("rule:date.numeric", re.compile(
        rf"(?<![\d.])(?P<day>[0-3]?\d)\.(?P<mon>[01]?\d)\.(?P<year>(?:1[89]|20)\d{{2}}(?!\d)|\d{{2}}(?=\s*г(?![а-яё]{{2}})))(?![\d.]\d){_GOD}"),
     "day"),
    # year first, in numbers: 1953.06.04 (Hungarian and Chinese order)
    ("rule:date.numeric_ymd", re.compile(
        r"(?<![\d.])(?P<year>(?:1[89]|20)\d{2})\.\s?(?P<mon>[01]?\d)\.\s?(?P<day>[0-3]?\d)(?![\d])\.?"), "day"),
    # a form with the day left blank: «__» мая 1953 г. is a month
    ("rule:date.blank_day", re.compile(
        rf"{_QUOTES}[\s_.]*{_QUOTES}\s*{_RU_MON}\s*{_YEAR}{_GOD}", re.I), "month"),
    # 23 February 1952 / 7th March 1960
    ("rule:date.en_dmy", re.compile(
        rf"(?<!\d)(?P<day>[0-3]?\d)(?:st|nd|rd|th|\.)?\s+(?:of\s+)?{_EN_MON},?\s+{_YEAR4}"), "day"),
    # March 7, 1960
    ("rule:date.en_mdy", re.compile(
        rf"{_EN_MON}\s+(?P<day>[0-3]?\d)(?:st|nd|rd|th)?,?\s+{_YEAR4}"), "day"),
    # March 1960
    ("rule:date.en_month", re.compile(rf"{_EN_MON},?\s+{_YEAR4}"), "month"),
    # сентябрь 1956 г. / в сентябре 1956 года
    ("rule:date.ru_month", re.compile(rf"(?<![\d\w])(?<!\d\s){_RU_MON_ALONE}\s*{_YEAR4}{_GOD}", re.I),
     "month"),
    # 1953 г. / 1953 года
    ("rule:date.ru_year", re.compile(rf"(?<![\d\w.]){_YEAR4}\s*(?:года|год|г\.|г(?![а-яё]))", re.I),
     "year"),
]


@dataclass(frozen=True, slots=True)
class DateMatch:
    """A date found in text: ISO value, precision and where it was written."""

    iso: str
    precision: str
    start: int
    end: int
    as_written: str
    method: str


def _month(token: str, table: list[tuple[str, int]]) -> int | None:
    t = token.lower().rstrip(".")
    for stem, num in table:
        if t.startswith(stem):
            return num
    return None


def _year(token: str) -> int:
    digits = re.sub(r"\D", "", token)
    y = int(digits)
    return 1900 + y if len(digits) == 2 else y


def _build(m: re.Match[str], method: str, precision: str) -> DateMatch | None:
    g = m.groupdict()
    try:
        year = _year(g["year"])
        month = None
        if g.get("mon"):
            if method == "rule:date.roman_month":
                month = ROMAN[g["mon"]]
            elif method in ("rule:date.numeric", "rule:date.numeric_ymd"):
                month = int(g["mon"])
            elif method.startswith("rule:date.en"):
                month = _month(g["mon"], EN_MONTHS)
            else:
                month = _month(g["mon"], RU_MONTHS)
        if not 1800 <= year <= 2100:
            return None
        if precision == "year":
            iso = f"{year:04d}"
        elif precision == "month":
            if month is None:
                return None
            iso = f"{year:04d}-{month:02d}"
        else:
            if month is None:
                return None
            iso = date(year, month, int(g["day"])).isoformat()
    except (ValueError, KeyError, TypeError):
        return None
    text = m.group(0).rstrip()
    return DateMatch(iso, precision, m.start(), m.start() + len(text), text.strip(), method)


def find_dates(text: str) -> list[DateMatch]:
    """Every date in `text`, in order; where forms overlap the earlier pattern wins."""
    found: list[DateMatch] = []
    taken: list[tuple[int, int]] = []
    for method, pattern, precision in PATTERNS:
        for m in pattern.finditer(text):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            d = _build(m, method, precision)
            if d is None:
                # an impossible date ("31 февраля") is not a date, nor is any part of it
                taken.append((m.start(), m.end()))
                continue
            lead = len(d.as_written) - len(d.as_written.lstrip())
            d = DateMatch(d.iso, d.precision, d.start + lead, d.end, d.as_written, d.method)
            found.append(d)
            taken.append((d.start, d.end))
    return sorted(found, key=lambda d: d.start)


def parse_date(text: str) -> DateMatch | None:
    """The first date in `text`, or None."""
    found = find_dates(text)
    return found[0] if found else None


# --- choosing the document's date ---------------------------------------------------

_PROTOCOL = re.compile(r"протокол|protocol|minutes", re.I)
_NOISE = re.compile(r"(?:№|N|No\.?)\s*\S+|[^\w\s]|\d+", re.I)


def _residue_words(line: str, d: DateMatch, line_start: int) -> list[str]:
    rest = line[: d.start - line_start] + " " + line[d.end - line_start:]
    return words(_NOISE.sub(" ", rest))


@dataclass(slots=True)
class _Candidate:
    d: DateMatch
    role: str
    score: float


def date_candidates(text: str) -> list[_Candidate]:
    """Dates that stand where a document's own date stands, with their role."""
    lines = split_lines(text)
    prose = [ln.no for ln in lines if is_prose(ln.text)]
    first_prose = prose[0] if prose else len(lines)
    last_prose = prose[-1] if prose else -1
    out: list[_Candidate] = []
    for ln in lines:
        if ln.blank:
            continue
        for d in find_dates(ln.text):
            d = DateMatch(d.iso, d.precision, d.start + ln.start, d.end + ln.start,
                          d.as_written, d.method)
            role = _role(ln, d, first_prose, last_prose, lines)
            if role is not None:
                out.append(_Candidate(d, role[0], role[1]))
    return out


def _role(ln: Line, d: DateMatch, first_prose: int, last_prose: int,
          lines: list[Line]) -> tuple[str, float] | None:
    text = ln.text
    if PUBLICATION.match(text) or NEWSPAPER_DATE.match(text):
        return "publication", 0.95
    before = text[: d.start - ln.start]
    if _PROTOCOL.search(before) and re.search(r"(?:\bот|of|dated)\s*$", before, re.I):
        return "protocol", 0.9
    if is_prose(text):
        return None
    residue = _residue_words(text, d, ln.start)
    if ln.no < first_prose and _MEETING.search(text) and not re.search(r"\b(?:от|of|dated)\s*$", before, re.I):
        # the date closing a heading that names the meeting: "Minutes of the Meeting of
        # the Political Committee ..., 12 July 1956"
        return "meeting", 0.85
    if len(residue) > 5:
        return None
    if ln.no > last_prose:
        # first date line after the running text: the signature block
        between = [x for x in lines[last_prose + 1: ln.no] if not x.blank]
        return ("signature", 0.9) if len(between) <= 4 else ("tail", 0.6)
    if ln.no < first_prose:
        if _MEETING.search(text) or _MEETING.search(_previous(lines, ln)):
            return "meeting", 0.85
        return "header", 0.85
    return None


# a heading that names a meeting or a conversation; its date is the meeting's
_MEETING = re.compile(r"\b(?:meeting|session|sitting|discussion|conversation|заседани\w*|совещани\w*|"
                      r"бесед\w*)\b", re.I)


def _previous(lines: list[Line], ln: Line) -> str:
    """The nearest non-blank line above `ln` (a heading the date line completes)."""
    for x in reversed(lines[: ln.no]):
        if not x.blank:
            return x.text
    return ""


# A document is dated where it is signed; failing that by its heading's date line; a
# protocol extract by its meeting; a printed text by its newspaper issue. A record of
# conversation is dated by the conversation (its heading), not by when it was typed up.
_ROLE_RANK = {"signature": 0, "header": 1, "meeting": 1, "protocol": 2, "publication": 3, "tail": 4}
_HEADER_FIRST = {**_ROLE_RANK, "header": -1, "meeting": -2}
_PRECISION = {"day": 0, "month": 1, "year": 2}


def document_date(text: str, header_first: bool = False) -> DateMatch | None:
    """The date of the document in `text`, or None when it carries none."""
    best = _best(text, header_first)
    return best.d if best else None


def _best(text: str, header_first: bool = False) -> _Candidate | None:
    cands = date_candidates(text)
    if not cands:
        return None
    rank = _HEADER_FIRST if header_first else _ROLE_RANK
    return min(cands, key=lambda c: (rank[c.role], _PRECISION[c.d.precision], c.d.start))


def extract_date(text: str, header_first: bool = False) -> list[Value]:
    """The `date` Value of a document (empty when undated); `header_first` for records
    of conversations and minutes, dated by the conversation or meeting in their heading."""
    best = _best(text, header_first)
    if best is None:
        return []
    d = best.d
    return [value("date", {"iso": d.iso, "precision": d.precision}, d.as_written, d.start,
                  d.end, f"{d.method}+{best.role}", best.score)]
