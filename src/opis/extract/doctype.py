"""The kind of document, from its heading words or, without one, from its shape.

Headings are read only at the start of the opening lines, so a narrative that mentions
"телеграмма" does not make a letter a telegram. Where several headings stand together
("ИЗ ДНЕВНИКА ... ЗАПИСЬ БЕСЕДЫ") the more specific kind wins, by the order below.
"""

from __future__ import annotations

import re

from opis.extract.lines import PUBLICATION, layout, value
from opis.extract.parties import ADDRESSEE, DESTINATION
from opis.extract.people import body
from opis.extract.place import place_name
from opis.model import Value

_H = r"^[\s*\[(]*"
RULES: list[tuple[str, re.Pattern[str]]] = [
    ("ciphered_telegram", re.compile(_H + r"(?:ШИФР(?:О)?ТЕЛЕГРАММА|ШИФРОВКА|Ciphered\s+telegram|Cipher\s+telegram|ENCRYPTED\s+TELEGRAM)", re.I)),
    ("conversation", re.compile(_H + r"(?:ЗАПИСЬ\s+БЕСЕДЫ|(?:Memorandum|Record|Minutes)\s+of\s+(?:a\s+|the\s+)?Conversation)", re.I)),
    ("minutes", re.compile(_H + r"(?:ПРОТОКОЛЬНАЯ\s+ЗАПИСЬ|ПРОТОКОЛ\s*(?:№|N|заседания)|СТЕНОГРАФИЧЕСКИЙ\s+ОТЧЕТ|Minutes\s+of)", re.I)),
    ("decision", re.compile(_H + r"(?:Выписка\b|ПОСТАНОВЛЕНИЕ|РЕШЕНИЕ\b|Extract\s+from|Decision\s+of|Resolution\s+of)", re.I)),
    ("press_statement", re.compile(_H + r"(?:ЗАЯВЛЕНИЕ|СООБЩЕНИЕ\s+ТАСС|ОПРОВЕРЖЕНИЕ\s+ТАСС|КОММЮНИКЕ|TASS\s+(?:statement|refutation|denial)|Communiqu[eé]|Statement\s+(?:by|of))", re.I)),
    ("speech", re.compile(_H + r"(?:СТЕНОГРАММА|РЕЧЬ|ВЫСТУПЛЕНИЕ|Speech\s+(?:by|of)|Address\s+by)", re.I)),
    ("diary", re.compile(_H + r"(?:Из\s+дневника|ДНЕВНИК|Diary|From\s+the\s+(?:journal|diary))", re.I)),
    ("report", re.compile(_H + r"(?:(?:ПОЛИТИЧЕСКИЙ\s+)?ОТЧЕТ|ДОКЛАД\b|ИНФОРМАЦИЯ\b|Report\b)", re.I)),
    ("cable", re.compile(_H + r"(?:Cable|CABLE)\b")),
    ("telegram", re.compile(_H + r"(?:(?:OUTGOING|INCOMING)\s+)?(?:ТЕЛЕГРАММА|Telegram)", re.I)),
    ("memorandum", re.compile(_H + r"(?:ДОКЛАДНАЯ\s+ЗАПИСКА|ЗАПИСКА|Memorandum)", re.I)),
    ("note", re.compile(_H + r"(?:НОТА\b|СПРАВКА|Note\b|Aide-m[eé]moire)", re.I)),
    ("letter", re.compile(_H + r"(?:ПИСЬМО|Letter\s+from|Дорог(?:ой|ая|ие)\s+(?:товарищ|[А-ЯЁ])|Уважаем\w+\s+(?:товарищ|[А-ЯЁ])|Dear\s+)", re.I)),
]

# the opening formula of a diplomatic note
NOTE_FORMULA = re.compile(r"(?:свидетельствует\s+свое\s+уважение|presents\s+its\s+compliments)", re.I)
# the From:/To: fields of an American cable heading (both stand there)
CABLE_FIELDS = re.compile(r"^\s*(FROM|TO)\s*:\s*\S", re.I)


def extract_doctype(text: str) -> list[Value]:
    lay = layout(text)
    opening = [ln for ln in lay.lines if not ln.blank][:12]
    for kind, pattern in RULES:
        for ln in opening:
            if kind == "press_statement" and PUBLICATION.match(ln.text):
                return [value("doc_type", kind, ln.stripped, ln.start, ln.end,
                              "rule:doctype.publication", 0.8)]
            m = pattern.match(ln.text)
            if m:
                words = m.group(0).strip(" *[(")
                start = ln.start + m.end() - len(words)
                return [value("doc_type", kind, words, start, ln.start + m.end(),
                              "rule:doctype.heading", 0.9)]
    # no heading: read the shape of the document
    m = NOTE_FORMULA.search(text)
    if m:
        return [value("doc_type", "note", m.group(0), m.start(), m.end(),
                      "rule:doctype.note_formula", 0.8)]
    head = lay.head[:10]
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
