"""Titles in English and Russian, composed from the extracted facts the way published
archives title documents: "Telegram from A. Mikoyan to the CPSU Central Committee",
"Телеграмма А. И. Микояна в ЦК КПСС"."""

from __future__ import annotations

import re
from typing import Any

from opis.extract.lines import value
from opis.extract.people import _morph, inflect_head
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
        if not en:
            return p["name"]
        return en if len(en.split()) == 1 and en.isupper() else f"the {en}"
    if not en:
        return p["name"]
    parts = en.split()
    ru = (initials or "").split()
    if len(parts) < 2 or " " in p["name"] or len(ru) < 2:
        # East Asian names stay whole; without a patronymic (non-Russian names) the
        # name is given as historians write it
        return en
    first = parts[0][0] + ". " + _TRANSLIT.get(ru[1][0], ru[1][0]) + "."
    return f"{first} {parts[-1]}"


_ENDINGS = {"gent": "а", "datv": "у"}
_HUSHING = "гкхжшчщ"


def _inflect(surname: str, case: str) -> str:
    """A surname in the genitive or dative: pymorphy3 when it knows the surname, else
    the regular endings (Пузанов -> Пузанова, Новотный -> Новотного, Гомулка ->
    Гомулки); foreign names ending in a vowel other than -а/-я (Громыко, Ракоши) do not
    decline."""
    low = surname.lower()
    if re.search(r"[иоуеэюы]$", low):
        return surname
    for p in _morph().parse(low):
        if {"Surn", "masc", "sing", "nomn"} <= set(p.tag.grammemes):
            form = p.inflect({case})
            if form:
                word = form.word if "ё" in low else form.word.replace("ё", "е")
                return "-".join(x[:1].upper() + x[1:] for x in word.split("-"))
    if re.search(r"[ыо]й$", low) or re.search(rf"[{_HUSHING}]ий$", low):
        return surname[:-2] + ("ого" if case == "gent" else "ому")
    if low.endswith("ий"):
        return surname[:-2] + ("его" if case == "gent" else "ему")
    if low.endswith("й"):
        return surname[:-1] + ("я" if case == "gent" else "ю")
    if low.endswith("а"):
        return surname[:-1] + (("и" if low[-2:-1] in _HUSHING else "ы") if case == "gent" else "е")
    if low.endswith("я"):
        return surname[:-1] + ("и" if case == "gent" else "е")
    if re.search(r"[бвгджзклмнпрстфхцчшщ]$", low):
        return surname + _ENDINGS[case]
    return surname


def _ru_person(p: dict[str, Any], initials: str | None, case: str) -> str:
    if p.get("kind") == "body":
        return inflect_head(p["name"], case)
    if " " in p["name"]:  # East Asian names: only the last syllable declines
        *first, last = p["name"].split()
        return " ".join(first + [_inflect(last, case)])
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
                f"Выписка из протокола № {protocol['number']} заседания {inflect_head(a['name'], 'gent')}")
    if doc_type in ("minutes", "decision") and authors and authors[0][0].get("kind") == "body":
        a = authors[0][0]
        en_body = a.get("name_en") or a["name"]
        if doc_type == "minutes":
            return (f"Minutes of the Meeting of the {en_body}",
                    f"Протокол заседания {inflect_head(a['name'], 'gent')}")
        return f"Decision of the {en_body}", f"Решение {inflect_head(a['name'], 'gent')}"
    en, ru = EN_TYPES[doc_type], RU_TYPES[doc_type]
    if doc_type == "note" and recipients:
        ru = "Нота"  # an addressed note is a diplomatic note; unaddressed, a reference note
    if authors:
        by = {"press_statement": " by ", "speech": " by ", "report": " by ", "conversation": " by ",
              "diary": " of "}.get(doc_type, " from ")
        en += by + " and ".join(_en_person(p, i) for p, i in authors[:2])
        ru += " " + " и ".join(_ru_person(p, i, "gent") for p, i in authors[:2])
    if recipients:
        en += " to " + " and ".join(_en_person(p, i) for p, i in recipients[:2])
        first = recipients[0][0]
        if first.get("kind") == "body" and first["name"].split()[0].isupper():
            ru += " в " + first["name"]  # an institution: "в ЦК КПСС", "в МИД СССР"
        else:
            ru += " " + " и ".join(_ru_person(p, i, "datv") for p, i in recipients[:2])
    return en, ru


def extract_titles(doc_type: str | None, authors, recipients, protocol=None) -> list[Value]:
    t = titles(doc_type, authors, recipients, protocol)
    if t is None:
        return []
    return [value("title_en", t[0], None, None, None, "rule:title.compose", 0.7),
            value("title_ru", t[1], None, None, None, "rule:title.compose", 0.7)]
