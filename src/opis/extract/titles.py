"""Titles in English and Russian, composed from the extracted facts the way published
archives title documents: "Telegram from A. Mikoyan to the CPSU Central Committee",
"Телеграмма А. И. Микояна в ЦК КПСС"."""

from __future__ import annotations

from typing import Any

from opis.extract.lines import value
from opis.extract.people import _morph
from opis.model import Value

EN_TYPES = {
    "telegram": "Telegram", "ciphered_telegram": "Ciphered Telegram", "cable": "Cable",
    "letter": "Letter", "memorandum": "Memorandum", "conversation": "Record of Conversation",
    "report": "Report", "decision": "Decision", "minutes": "Minutes", "diary": "Diary",
    "note": "Note", "press_statement": "Statement", "speech": "Speech",
}
RU_TYPES = {
    "telegram": "Телеграмма", "ciphered_telegram": "Шифртелеграмма", "cable": "Телеграмма",
    "letter": "Письмо", "memorandum": "Записка", "conversation": "Запись беседы",
    "report": "Отчет", "decision": "Решение", "minutes": "Протокол", "diary": "Дневник",
    "note": "Справка", "press_statement": "Заявление", "speech": "Речь",
}
_TRANSLIT = dict(zip("АБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЭЮЯ",
                     ["A", "B", "V", "G", "D", "E", "E", "Zh", "Z", "I", "I", "K", "L", "M", "N",
                      "O", "P", "R", "S", "T", "U", "F", "Kh", "Ts", "Ch", "Sh", "Shch", "E",
                      "Yu", "Ya"]))


def _en_person(p: dict[str, Any], initials: str | None) -> str:
    en = p.get("name_en")
    if p.get("kind") == "body":
        return f"the {en}" if en else p["name"]
    if not en:
        return p["name"]
    parts = en.split()
    if len(parts) < 2 or " " in p["name"]:  # East Asian names stay whole
        return en
    first = parts[0][0] + "."
    ru = (initials or "").split()
    if len(ru) >= 2:
        first += " " + _TRANSLIT.get(ru[1][0], ru[1][0]) + "."
    return f"{first} {parts[-1]}"


def _inflect(surname: str, case: str) -> str:
    for p in _morph().parse(surname.lower()):
        if "Surn" in p.tag or "Name" in p.tag:
            form = p.inflect({case})
            if form:
                w = form.word
                return "-".join(x[:1].upper() + x[1:] for x in w.split("-"))
    return surname


def _ru_person(p: dict[str, Any], initials: str | None, case: str) -> str:
    if p.get("kind") == "body":
        return p["name"]
    if " " in p["name"]:
        return p["name"]
    name = _inflect(p["name"], case)
    return f"{initials} {name}" if initials else name


def titles(doc_type: str | None, authors: list[tuple[dict, str | None]],
           recipients: list[tuple[dict, str | None]], protocol: dict | None = None) -> tuple[str, str] | None:
    """(English, Russian) title from the facts, or None when there is nothing to say."""
    if doc_type is None:
        return None
    if doc_type == "decision" and protocol and protocol.get("number") and authors:
        a = authors[0][0]
        en_body = a.get("name_en") or a["name"]
        return (f"Extract from Protocol No. {protocol['number']} of the Meeting of the {en_body}",
                f"Выписка из протокола № {protocol['number']} заседания {_genitive_body(a['name'])}")
    en, ru = EN_TYPES[doc_type], RU_TYPES[doc_type]
    if authors:
        en += " from " + " and ".join(_en_person(p, i) for p, i in authors[:2])
        ru += " " + " и ".join(_ru_person(p, i, "gent") for p, i in authors[:2])
    if recipients:
        en += " to " + " and ".join(_en_person(p, i) for p, i in recipients[:2])
        first = recipients[0][0]
        if first.get("kind") == "body":
            ru += " в " + first["name"]
        else:
            ru += " " + " и ".join(_ru_person(p, i, "datv") for p, i in recipients[:2])
    return en, ru


def _genitive_body(name: str) -> str:
    words = name.split()
    if words and words[0][0].isupper() and not words[0].isupper():
        words[0] = _inflect_word(words[0], "gent")
    return " ".join(words)


def _inflect_word(word: str, case: str) -> str:
    p = _morph().parse(word.lower())[0]
    form = p.inflect({case})
    return (form.word[:1].upper() + form.word[1:]) if form else word


def extract_titles(doc_type: str | None, authors, recipients, protocol=None) -> list[Value]:
    t = titles(doc_type, authors, recipients, protocol)
    if t is None:
        return []
    return [value("title_en", t[0], None, None, None, "rule:title.compose", 0.7),
            value("title_ru", t[1], None, None, None, "rule:title.compose", 0.7)]
