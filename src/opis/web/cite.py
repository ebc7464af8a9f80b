"""Citations of one document: the sentence shown on the page and BibTeX, RIS, CSL-JSON.

All four are made from the page's `facts` and the document's stable URL, so a citation
copied from the page and one imported into a reference manager say the same thing.
"""

from __future__ import annotations

import json
import re
from typing import Any

import rispy

from opis.web.present import display_name

ARCHIVE = "opis archive"


def _creators(facts: dict[str, Any]) -> list[dict[str, Any]]:
    return facts.get("authors") or facts.get("signatories") or []


def _title(facts: dict[str, Any]) -> str:
    return facts["title"].get("en") or facts["title"].get("ru") or facts["source_name"]


def _date_parts(facts: dict[str, Any]) -> list[int]:
    iso = (facts.get("date") or {}).get("iso") or ""
    return [int(p) for p in iso.split("-") if p.isdigit()]


def citation_text(facts: dict[str, Any], url: str) -> str:
    """A plain citation, archive style: who, what, when, where it is held, where online."""
    parts = []
    creators = ", ".join(display_name(p) for p in _creators(facts))
    if creators:
        parts.append(creators + ".")
    title = _title(facts)
    date = (facts.get("date") or {}).get("display")
    parts.append(f"“{title}”" + (f", {date}." if date else ", undated."))
    doc_note = f", document {facts['number']}" if facts.get("of", 1) > 1 else ""
    parts.append(f"Source file {facts['source_name']}{doc_note}, collection “{facts['collection']}”.")
    parts.append(f"{ARCHIVE}, record {facts['record_id']}. {url}")
    return " ".join(parts)


def csl_json(facts: dict[str, Any], url: str) -> dict[str, Any]:
    item: dict[str, Any] = {
        "id": f"opis-{facts['record_id']}-{facts['number']}",
        "type": "manuscript",
        "title": _title(facts),
        "archive": ARCHIVE,
        "archive_location": f"record {facts['record_id']}, document {facts['number']}",
        "source": facts["source_name"],
        "URL": url,
    }
    if facts["title"].get("ru") and facts["title"].get("en"):
        item["original-title"] = facts["title"]["ru"]
    authors = []
    for p in _creators(facts):
        name = display_name(p)
        words = name.split()
        if p.get("kind") == "person" and p.get("name_en") and len(words) == 2:
            authors.append({"given": words[0], "family": words[1]})
        else:
            authors.append({"literal": name})
    if authors:
        item["author"] = authors
    recipients = [{"literal": display_name(p)} for p in facts.get("recipients") or []]
    if recipients:
        item["recipient"] = recipients
    if parts := _date_parts(facts):
        item["issued"] = {"date-parts": [parts]}
    if facts.get("doc_type"):
        item["genre"] = facts["doc_type"]["label"]
    if facts.get("language"):
        item["language"] = facts["language"]["value"]
    return item


_BIB_SPECIAL = re.compile(r"([{}\\%&$#_~^])")


def _bib(text: str) -> str:
    def repl(m: re.Match[str]) -> str:
        c = m.group(1)
        return {"\\": r"\textbackslash{}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
                "{": r"\{", "}": r"\}"}.get(c, "\\" + c)

    return _BIB_SPECIAL.sub(repl, text.replace("\n", " "))


def bibtex(facts: dict[str, Any], url: str) -> str:
    key = f"opis_{facts['record_id']}_{facts['number']}"
    fields: list[tuple[str, str]] = [("title", "{" + _bib(_title(facts)) + "}")]
    creators = []
    for p in _creators(facts):
        name = _bib(display_name(p))
        creators.append(name if p.get("kind") == "person" and p.get("name_en") else "{" + name + "}")
    if creators:
        fields.append(("author", " and ".join(creators)))
    parts = _date_parts(facts)
    if parts:
        fields.append(("date", "-".join(f"{p:02d}" if i else str(p) for i, p in enumerate(parts))))
        fields.append(("year", str(parts[0])))
    if facts.get("doc_type"):
        fields.append(("type", _bib(facts["doc_type"]["label"])))
    fields.append(("howpublished", _bib(f"{ARCHIVE}, record {facts['record_id']}, document {facts['number']}")))
    fields.append(("note", _bib(f"Source file {facts['source_name']}")))
    fields.append(("url", url))
    if facts.get("language"):
        fields.append(("langid", _bib(facts["language"]["label"] or facts["language"]["value"]).lower()))
    body = ",\n".join(f"  {k} = {{{v}}}" for k, v in fields)
    return f"@misc{{{key},\n{body}\n}}\n"


def ris(facts: dict[str, Any], url: str) -> str:
    entry: dict[str, Any] = {
        "type_of_reference": "MANSCPT",
        "title": _title(facts),
        "urls": [url],
        "name_of_database": ARCHIVE,
        "accession_number": f"{facts['record_id']}/{facts['number']}",
        "notes": [f"Source file {facts['source_name']}"],
    }
    creators = [display_name(p) for p in _creators(facts)]
    if creators:
        entry["authors"] = creators
    parts = _date_parts(facts)
    if parts:
        entry["year"] = str(parts[0])
        entry["date"] = "/".join(f"{p:02d}" if i else str(p) for i, p in enumerate(parts)) + "/"
    if facts.get("doc_type"):
        entry["type_of_work"] = facts["doc_type"]["label"]
    if facts.get("language"):
        entry["language"] = facts["language"]["label"] or facts["language"]["value"]
    return rispy.dumps([entry])


def csl_json_text(facts: dict[str, Any], url: str) -> str:
    return json.dumps([csl_json(facts, url)], ensure_ascii=False, indent=2) + "\n"
