"""Language of a document by the script most of its letters are in."""

from __future__ import annotations

from opis.ingest.build import script_language
from opis.model import Value
from opis.extract.lines import value


def extract_language(text: str) -> list[Value]:
    lang = script_language(text)
    if lang is None:
        return []
    return [value("language", lang, None, None, None, "rule:language.script", 0.95)]
