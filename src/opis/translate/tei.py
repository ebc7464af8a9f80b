"""Translations in TEI: after each document's `div`, one `<div type="translation">` per
translation, in its language, pointing at the document it translates (`corresp`), with a
note saying who translated it, and saying plainly when a machine did."""

from __future__ import annotations

from lxml import etree

from opis.model import Document
from opis.translate.align import paragraph_spans
from opis.translate.layers import translations
from opis.translate.view import describe


def translation_divs(body: etree._Element, doc: Document, doc_id: str) -> list[etree._Element]:
    from opis.export.tei import XML_LANG, sub, xml_safe

    out = []
    for layer in translations(doc):
        d = describe(layer)
        div = sub(body, "div", type="translation", corresp=f"#{doc_id}")
        if d["language"]:
            div.set(XML_LANG, d["language"])
        if d["machine"]:
            note = sub(div, "note", type="translation", subtype="machine")
            note.text = xml_safe(f"Machine translation made with {d['engine'] or 'an unnamed engine'}; "
                                 "not a translation by a person.")
        else:
            note = sub(div, "note", type="translation", subtype="human")
            note.text = xml_safe(f"{d['language_name']} translation"
                                 + (f" by {d['translator']}." if d["translator"] else "."))
        note.set(XML_LANG, "en")
        for s, e in paragraph_spans(layer.text):
            sub(div, "p", xml_safe(layer.text[s:e]))
        div.tail = "\n"
        out.append(div)
    return out
