"""Registry and outgoing numbers, protocol references, copies made, handling notes.

Registry numbers stand alone on a line of the heading or closing block ("№ ВП2/19",
"№ 35/пк") or close a telegram's transmission line ("Мир 23-х сент N 1451-1456").
Numbers that are something else are left out: newspaper issues, protocol numbers,
copy numbers ("Экз. № 7"), archive folios ("№ 71, I") and the typist's note
("Отп. 29 экз. пр. № 56").
"""

from __future__ import annotations

import re

from opis.extract.dates import find_dates
from opis.extract.lines import Layout, despace, is_folio, is_prose, layout, value
from opis.model import Value

_NUM = (r"(?:№|N|No\.?|NO\.?|Nr\.?)\s*:?\s*(?P<num>[A-Z]{3,}\s\d+|"
        r"[A-Z]\s\d+(?:\s*[/\-–]\s*\w+)+|"  # a German file number: B 2/1-61/74
        r"(?:[^\W\d_]+[-–]?)?\d[\wА-Яа-яЁё]*(?:\s*[/\-–]\s*[\wА-Яа-яЁё]+)*)")
# incoming/outgoing marks before the number: "Вх. № 0218", "Исх. № 12"; a kind of number
# joined to its sign: "VVS-Nr. B 2/1-61/74"
NUMBER_LINE = re.compile(rf"^\s*(?:(?:Вх|Исх|Incoming|Outgoing)\.?\s*|[A-ZА-ЯЁ]{{2,5}}-)?{_NUM}\s*\.?\s*$", re.I)
# a number standing alone without a sign, in the forms registries give them: "П322/41",
# "35/пк", "ВП2/19" (a letter prefix or a letter suffix after a slash)
BARE_NUMBER = re.compile(r"^\s*(?P<num>[А-ЯЁA-Z]{1,3}\s?\d{1,6}/\d{1,4}|\d{1,6}/[а-яё]{1,4})\s*\.?\s*$")
# a file reference in brackets closing a heading line: "Foreign Office Minute  (NS 1052/61)"
FILE_REFERENCE = re.compile(r"\((?P<num>[A-Z]{1,4}\s?\d{1,6}/\d{1,4})\)\s*$")
NUMBER_END = re.compile(rf"{_NUM}\s*\.?\s*$")
# a cable's number field, followed by its date: "NO: SECTO 41, 1 May 1954, 9 p.m."
NUMBER_FIELD = re.compile(rf"^\s*{_NUM}\s*,")
NOT_REGISTRY = re.compile(
    r"экз|окз|copy|exemplar|протокол|protocol|пр\.\s*$|отп\.|известия|правда|газет|"
    r"пункт|п\.\s*$|item|[\"«»]", re.I)

PROTOCOL = re.compile(
    r"(?:протокол\w*|protocol|minutes)\s*(?:№|N|No\.?)\s*(?P<num>\d+[\wА-Яа-я]*)"
    r"(?P<rest>[^\n]*)", re.I)
ITEM = re.compile(r"^\s*(?:п\.\s*|пункт\s*|item\s*)?(?P<item>\d{1,3})\s*[.)]\s*[-–—]?\s*[А-ЯЁA-Z«\"]")
ITEM_INLINE = re.compile(r"(?:\(|,\s*)(?:п\.|пункт|item)\s*(?P<item>\d{1,3})", re.I)
COPIES = re.compile(r"(?:Отп(?:ечатано)?\.?|Отпеч\.?|Напеч(?:атано)?\.?|Печ\.)\s*(?:в\s+)?(?P<n>\d{1,3})\s*экз|"
                    r"(?P<en>\d{1,3})\s+copies\s+(?:made|printed|typed)|"
                    r"(?P<one>Единственный\s+экземпляр|Экз(?:\.|емпляр)\s+единственный|Only\s+copy)", re.I)
RETURN = re.compile(r"Подлежит\s+возврату[^\n]*?в\s+(?P<days>\d+)\s*-?\s*дневный\s+срок", re.I)
HANDLING = [
    (re.compile(r"Снятие\s+копий\s+(?:воспрещается|запрещается)", re.I), "copying prohibited"),
    (re.compile(r"Хранить\s+наравне\s+с\s+шифром", re.I), "keep with cipher materials"),
    (re.compile(r"Не\s+для\s+печати", re.I), "not for publication"),
    (re.compile(r"Eyes\s+Only", re.I), "eyes only"),
    (re.compile(r"\bNODIS\b"), "no distribution"),
]


def registry_numbers(lay: Layout) -> list[Value]:
    """Registry / outgoing numbers of the heading and closing block."""
    out: list[Value] = []
    candidates = lay.head[:15] + lay.tail
    seen: set[str] = set()
    prev_text = ""
    for ln in candidates:
        s = ln.text
        spaced = despace(s)
        if spaced != s and NOT_REGISTRY.search(spaced):
            prev_text = spaced.strip()  # "П Р О Т О К О Л  № 19" is a protocol number
            continue
        m = NUMBER_LINE.match(s) or NUMBER_FIELD.match(s)
        if m is None and ln in lay.head:
            m = BARE_NUMBER.match(s) or (FILE_REFERENCE.search(s) if not is_prose(s) else None)
        if m is None and not is_prose(s) and ln in lay.head:
            m = NUMBER_END.search(s)
            if m is not None and NOT_REGISTRY.search(s[: m.start()]):
                m = None
        if m is None:
            # a number closing a line that carries a date: a transmission or date line
            m = NUMBER_END.search(s) if find_dates(s) or re.search(r"\d{1,2}-?\w*\s+\w+", s) else None
            if m is not None and NOT_REGISTRY.search(s[: m.start()]):
                m = None
        if m is None or is_folio(s) or NOT_REGISTRY.search(prev_text[-12:]) and NUMBER_LINE.match(s):
            prev_text = s.strip()
            continue
        prev_text = s.strip()
        num = re.sub(r"\s*([/\-–])\s*", r"\1", m.group("num")).replace("–", "-")
        num = re.sub(r"\s+", " ", num)
        if num in seen or not re.search(r"\d", num):
            continue
        seen.add(num)
        # a bracketed reference is written without its brackets
        a = m.start("num") if m.re is FILE_REFERENCE else m.start()
        written = s[a:m.end("num") if m.re is FILE_REFERENCE else m.end()]
        lead = len(written) - len(written.lstrip())
        written = written.strip().rstrip(".").rstrip()
        start = ln.start + a + lead
        out.append(value("registry_number", num, written, start, start + len(written),
                         "rule:registry.number", 0.8))
    return out


def protocol(lay: Layout) -> list[Value]:
    """Protocol number, deciding body, meeting date and agenda item of an extract."""
    text = lay.text
    m = PROTOCOL.search(text[:1500])
    if not m:
        return []
    info: dict[str, str] = {"number": m.group("num")}
    rest = m.group("rest")
    b = re.search(r"заседания\s+(?P<body>.+?)(?:\s+от\s|$)|of\s+the\s+(?:meeting\s+of\s+the\s+)?(?P<en>.+?)(?:\s+of\s|,|$)",
                  rest, re.I)
    if b:
        info["body"] = (b.group("body") or b.group("en")).strip(" .,")
    d = find_dates(rest)
    if d:
        info["date"] = d[0].iso
    for ln in lay.lines:
        if ln.start <= m.start():
            continue
        it = ITEM.match(ln.text)
        if it:
            info["item"] = it.group("item")
            break
    else:
        inline = ITEM_INLINE.search(rest)
        if inline:
            info["item"] = inline.group("item")
    return [value("protocol", info, m.group(0).strip(), m.start(), m.end(),
                  "rule:registry.protocol", 0.85)]


def copies_made(text: str) -> list[Value]:
    m = COPIES.search(text)
    if not m:
        return []
    n = 1 if m.group("one") else int(m.group("n") or m.group("en"))
    return [value("copies_made", n, m.group(0), m.start(), m.end(), "rule:registry.copies", 0.9)]


def handling(text: str) -> list[Value]:
    out = []
    m = RETURN.search(text)
    if m:
        out.append(value("handling", f"return within {m.group('days')} days", m.group(0),
                         m.start(), m.end(), "rule:registry.handling", 0.9))
    for pattern, norm in HANDLING:
        h = pattern.search(text)
        if h:
            out.append(value("handling", norm, h.group(0), h.start(), h.end(),
                             "rule:registry.handling", 0.85))
    return out


def extract_registry(text: str) -> list[Value]:
    lay = layout(text)
    return registry_numbers(lay) + protocol(lay) + copies_made(text) + handling(text)
