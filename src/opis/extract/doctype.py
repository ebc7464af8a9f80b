"""The kind of document, from its heading words or, without one, from its shape.

Headings are read only at the start of the opening lines, so a narrative that mentions
"телеграмма" does not make a letter a telegram. Where several headings stand together
("ИЗ ДНЕВНИКА ... ЗАПИСЬ БЕСЕДЫ") the more specific kind wins, by the order below.
"""

from __future__ import annotations

import re

from opis.extract.lines import NEWSPAPER_DATE, PUBLICATION, despace, layout, value
from opis.extract.parties import ADDRESSEE, DESTINATION
from opis.extract.people import body
from opis.extract.place import place_name
from opis.model import Value

_H = r"^[\s*\[(]*"
RULES: list[tuple[str, re.Pattern[str]]] = [
    ("ciphered_telegram", re.compile(_H + r"(?:ШИФР(?:О)?ТЕЛЕГРАММА|ШИФРОВКА|Ciphered\s+telegram|Cipher\s+telegram|ENCRYPTED\s+TELEGRAM)", re.I)),
    ("conversation", re.compile(_H + r"(?:ЗАПИСЬ\s+(?:БЕСЕДЫ|РАЗГОВОРА|ПЕРЕГОВОРОВ)|"
                                r"(?:Memorandum|Record|Minutes|Notes?)\s+of\s+(?:a\s+|the\s+)?Conversation|"
                                r"Conversation\s+(?:between|with)\b|СТЕНОГРАММА\s+(?:беседы|переговоров))", re.I)),
    ("minutes", re.compile(_H + r"(?:ПРОТОКОЛЬНАЯ\s+ЗАПИСЬ|ПРОТОКОЛ\s*(?:№|N|заседания|$)|СТЕНОГРАФИЧЕСКИЙ\s+ОТЧЕТ|"
                           r"СТЕНОГРАММА\s+(?:заседания|совещания|пленума)|"
                           r"ЗАПИСЬ\s+ЗАСЕДАНИЯ|Minutes\s+of|"
                           r"(?:Memorandum|Record|Notes?|Summary)\s+of\s+(?:the\s+)?(?:Discussion|Meeting)\s+(?:at|of)\b)", re.I)),
    ("decision", re.compile(_H + r"(?:Выписка\b|ПОСТАНОВЛЕНИЕ|РЕШЕНИЕ\b|Extract\s+from|Decision\s+of|Resolution\s+of)", re.I)),
    ("press_statement", re.compile(_H + r"(?:ЗАЯВЛЕНИЕ|СООБЩЕНИЕ\s+ТАСС|ОПРОВЕРЖЕНИЕ\s+ТАСС|КОММЮНИКЕ|ИНФОРМАЦИОННОЕ\s+СООБЩЕНИЕ|"
                                   r"PRESS\s+RELEASE|FOR\s+THE\s+PRESS|TASS\s+(?:statement|refutation|denial)|Communiqu[eé]|Statement\s+(?:by|of))", re.I)),
    ("speech", re.compile(_H + r"(?:СТЕНОГРАММА|РЕЧЬ|ВЫСТУПЛЕНИЕ|(?:ПРОЕКТ|ТЕКСТ)\s+(?:РЕЧИ|ВЫСТУПЛЕНИЯ)|"
                          r"(?:Draft\s+)?(?:Speech|Remarks|Address)\s+(?:by|of|for|at|to)\b)", re.I)),
    ("diary", re.compile(_H + r"(?:Из\s+дневника|ДНЕВНИК|Diary|From\s+the\s+(?:journal|diary))", re.I)),
    ("report", re.compile(_H + r"(?:(?:ПОЛИТИЧЕСКИЙ\s+|ГОДОВОЙ\s+)?ОТЧЕТ|ДОКЛАД\b|ИНФОРМАЦИЯ\b|ОБЗОР\b|Report\b|"
                          r"(?-i:(?:[A-Z]+\s+){1,2}REPORT\b))", re.I)),
    ("cable", re.compile(_H + r"(?:Cable|CABLE)\b")),
    ("telegram", re.compile(_H + r"(?:(?:OUTGOING|INCOMING)\s+)?(?:ТЕЛЕГРАММА|Telegram)", re.I)),
    ("memorandum", re.compile(_H + r"(?:(?:ДОКЛАДНАЯ|ПОЯСНИТЕЛЬНАЯ|АНАЛИТИЧЕСКАЯ|СЛУЖЕБНАЯ)\s+ЗАПИСКА|ЗАПИСКА|"
                              r"(?:Information|Action|Intelligence)\s+Memorandum|Memorandum)", re.I)),
    ("note", re.compile(_H + r"(?:(?:ВЕРБАЛЬНАЯ\s+)?НОТА\b|СПРАВКА|Note\b|Aide-m[eé]moire)", re.I)),
    ("letter", re.compile(_H + r"(?:ПИСЬМО|ПОСЛАНИЕ|(?:Letter|Message)\s+from|Дорог(?:ой|ая|ие)\s+(?:товарищ|[А-ЯЁ])|Уважаем\w+\s+(?:товарищ|[А-ЯЁ])|Dear\s+)", re.I)),
]

# a British telegram's heading: "FROM MOSCOW TO FOREIGN OFFICE"
TELEGRAM_ROUTE = re.compile(r"^\s*FROM\s+[A-Z][A-Z .\-]+\s+TO\s+[A-Z][A-Z .\-]+$")
# a news agency's dateline: "Москва, 7 июня 1955 г. (ТАСС).", "LONDON, May 3 (Reuters)"
DATELINE_AGENCY = re.compile(r"^\s*[А-ЯЁA-Z][\w\-]+,\s*[^\n]{4,40}?\((?:ТАСС|TASS|Reuters|AP|UPI|АПН|Синьхуа|Xinhua)\)", re.I)
# an American or British despatch: "DESP. NO. 587", "Despatch No. 12"
DESPATCH = re.compile(r"\b(?:DESP\.|Desp\.|DESPATCH|Despatch)\s*(?:NO\.?|No\.?|№)\s*\d")
# a speech opens by addressing the chair or the hall
SALUTATION = re.compile(r"^\s*(?:Mr\.?\s+(?:Chairman|President|Speaker)|Madam\s+Chairman|Ladies\s+and\s+gentlemen|"
                        r"Товарищи|Дорогие\s+товарищи\s+делегаты|Господин\s+председатель)\s*[,!:]?\s*$", re.I)
# the opening formula of a diplomatic note
NOTE_FORMULA = re.compile(r"(?:свидетельствует\s+свое\s+уважение|presents\s+its\s+compliments)", re.I)
# the From:/To: fields of an American cable heading (both stand there)
CABLE_FIELDS = re.compile(r"^\s*(FROM|TO)\s*:\s*\S", re.I)


def extract_doctype(text: str) -> list[Value]:
    lay = layout(text)
    opening = [ln for ln in lay.lines if not ln.blank][:12]
    for kind, pattern in RULES:
        for k, ln in enumerate(opening):
            if k + 1 < len(opening) and len(ln.text.split()) == 1 and kind in ("minutes", "conversation"):
                # "СТЕНОГРАММА / заседания Президиума": the heading runs on
                m = pattern.match(ln.text + " " + opening[k + 1].text.strip())
                if m and len(m.group(0)) > len(ln.text):
                    return [value("doc_type", kind, ln.stripped, ln.start + len(ln.text) - len(ln.text.lstrip()),
                                  ln.end, "rule:doctype.heading", 0.85)]
            if kind == "press_statement" and (PUBLICATION.match(ln.text) or NEWSPAPER_DATE.match(ln.text)
                                              or DATELINE_AGENCY.match(ln.text)):
                return [value("doc_type", kind, ln.stripped, ln.start, ln.end,
                              "rule:doctype.publication", 0.8)]
            m = pattern.match(ln.text)
            if m:
                whole = m.group(0)
                words = whole.lstrip(" *[(").rstrip()
                start = ln.start + m.start() + len(whole) - len(whole.lstrip(" *[("))
                return [value("doc_type", kind, words, start, start + len(words),
                              "rule:doctype.heading", 0.9)]
            spaced = despace(ln.text)
            if spaced != ln.text and pattern.match(spaced):
                # a letter-spaced heading ("П Р О Т О К О Л"): the whole line is its words
                return [value("doc_type", kind, ln.stripped, ln.start + len(ln.text) - len(ln.text.lstrip()),
                              ln.end, "rule:doctype.heading_spaced", 0.85)]
    # no heading: read the shape of the document
    m = NOTE_FORMULA.search(text)
    if m:
        return [value("doc_type", "note", m.group(0), m.start(), m.end(),
                      "rule:doctype.note_formula", 0.8)]
    head = lay.head[:10]
    for ln in head:
        d = DESPATCH.search(ln.text)
        if d:
            return [value("doc_type", "report", d.group(0), ln.start + d.start(), ln.start + d.end(),
                          "rule:doctype.despatch", 0.75)]
    for ln in [x for x in lay.lines if not x.blank][:15]:
        if SALUTATION.match(ln.text):
            return [value("doc_type", "speech", ln.stripped, ln.start, ln.end,
                          "rule:doctype.salutation", 0.7)]
    for ln in head:
        if TELEGRAM_ROUTE.match(ln.text):
            return [value("doc_type", "telegram", ln.stripped, ln.start + len(ln.text) - len(ln.text.lstrip()),
                          ln.start + len(ln.text.rstrip()), "rule:doctype.telegram_route", 0.7)]
    fields = [ln for ln in head if CABLE_FIELDS.match(ln.text)]
    if {CABLE_FIELDS.match(ln.text).group(1).upper() for ln in fields} == {"FROM", "TO"}:
        ln = fields[0]
        return [value("doc_type", "cable", ln.stripped, ln.start, ln.end,
                      "rule:doctype.cable_fields", 0.7)]
    for ln in head:
        d = DESTINATION.match(ln.text)
        if d and place_name(d.group("place")) and any(body(x) for x in d.group("rest").split(",")):
            return [value("doc_type", "telegram", ln.stripped, ln.start, ln.end,
                          "rule:doctype.destination_line", 0.7)]
    for ln in head:
        if ADDRESSEE.match(ln.text) or body(ln.text):
            return [value("doc_type", "memorandum", ln.stripped, ln.start, ln.end,
                          "rule:doctype.addressed", 0.6)]
    return []
