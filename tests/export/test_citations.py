"""Citations: Chicago notes through citeproc-py, CSL-JSON, BibTeX and RIS read back by parsers."""

from __future__ import annotations

import re
from pathlib import Path

import bibtexparser
import pytest
import rispy
from bibtexparser.middlewares import LatexDecodingMiddleware

from opis.export.citations import bibtex, chicago_note, csl_json, ris, source_info
from opis.ingest.build import build_record
from opis.model import Record, Value
from opis.read.document import document_from_text

ROOT = Path(__file__).resolve().parents[2]
# "Title", Month D, YYYY, Archive, Collection. <URL>
CHICAGO = re.compile(r'^"(?P<title>[^"]+)", (?P<date>[A-Z][a-z]+ \d{1,2}, \d{4}), '
                     r'(?P<archive>[^,]+), (?P<collection>[^,]+)\. <(?P<url>https?://\S+)>$')


@pytest.fixture(scope="module")
def seed000() -> Record:
    return build_record(ROOT / "examples" / "000_e7381ea8498c35b3.txt")


def _plain_record(title: str, iso: str | None, **meta) -> Record:
    text = "Товарищу Сталину.\n\nТекст записки."
    doc = document_from_text(text, language="ru")
    doc.values = [Value("title_en", title), Value("author", {"name": "Пушкин", "name_en": "Georgy Pushkin",
                                                             "authority_id": None, "kind": "person"})]
    if iso:
        doc.values.append(Value("date", {"iso": iso, "precision": {4: "year", 7: "month"}.get(len(iso), "day")}))
    return Record("memo.txt", text.encode(), "utf-8", "transcription", text, metadata=meta, documents=[doc])


def test_chicago_note_of_seed_000_has_the_shape_of_its_own_citation_line(seed000):
    note = chicago_note(seed000, seed000.documents[0])
    meta = seed000.metadata
    m = CHICAGO.match(note)
    assert m, note
    assert m["title"] == meta["title"]
    assert m["date"] == "November 3, 1952" == meta["date_as_written"]
    assert m["url"] == meta["url"]
    own = CHICAGO.match(f'{meta["citation"]} <{meta["url"]}>')
    assert own and own.groupdict() == m.groupdict()


def test_chicago_note_from_explicit_archive_metadata():
    record = _plain_record("Memorandum from Pushkin to Stalin", "1952-10-30", archive="AVP RF",
                           archive_collection="Referentura po Koree", fond="0102", opis="8",
                           delo="51", url="https://example.org/doc/1")
    note = chicago_note(record)
    assert note == ('"Memorandum from Pushkin to Stalin", October 30, 1952, AVP RF, Referentura po Koree, '
                    'f. 0102, op. 8, d. 51. <https://example.org/doc/1>')


def test_chicago_note_month_precision_and_missing_parts():
    assert chicago_note(_plain_record("A Note", "1953-03")) == '"A Note", March 1953.'
    assert chicago_note(_plain_record("Undated", None)) == '"Undated", n.d.'
    served = chicago_note(_plain_record("A Note", "1953"), url="https://opis.example/r/1")
    assert served == '"A Note", 1953. <https://opis.example/r/1>'


def test_chicago_note_keeps_characters_as_they_are():
    record = _plain_record('Plans & <costs> of "Operation X"', None, archive="A & B")
    assert chicago_note(record) == '"Plans & <costs> of "Operation X"", n.d., A & B.'


def test_csl_json_item(seed000):
    item = csl_json(seed000, seed000.documents[2])
    assert item["type"] == "manuscript"
    assert item["issued"] == {"date-parts": [[1952, 11, 3]]}
    assert item["archive"] == "Wilson Center Digital Archive"
    assert item["collection-title"] == "CWIHP archive"
    assert item["URL"] == seed000.metadata["url"]
    assert item["id"] == f"opis-{seed000.id}-2"


def test_bibtex_parses_back(seed000):
    record = _plain_record("Plans & costs_1953 {draft} 100%", "1953-03-05", archive="RGASPI",
                           url="https://example.org/a_b?x=1&y=2")
    text = bibtex(record)
    lib = bibtexparser.parse_string(text, append_middleware=[LatexDecodingMiddleware()])
    assert not lib.failed_blocks
    (entry,) = lib.entries
    assert entry.entry_type == "misc"
    assert entry.key == source_info(record).key
    f = entry.fields_dict
    assert f["title"].value == "Plans & costs_1953 {draft} 100%"
    assert f["date"].value == "1953-03-05" and f["year"].value == "1953" and f["month"].value == "3"
    assert f["howpublished"].value == "RGASPI"
    assert f["author"].value == "Georgy Pushkin"
    raw = bibtexparser.parse_string(text)
    assert raw.entries[0].fields_dict["url"].value == "https://example.org/a_b?x=1&y=2"

    lib = bibtexparser.parse_string(bibtex(seed000, seed000.documents[0]))
    f = lib.entries[0].fields_dict
    assert f["title"].value == seed000.metadata["title"]
    assert f["url"].value == seed000.metadata["url"]
    assert f["note"].value == "CWIHP archive"


def test_ris_parses_back(seed000):
    (entry,) = rispy.loads(ris(seed000, seed000.documents[0]))
    assert entry["type_of_reference"] == "MANSCPT"
    assert entry["title"] == seed000.metadata["title"]
    assert entry["year"] == "1952" and entry["date"] == "1952/11/03/"
    assert entry["urls"] == [seed000.metadata["url"]]
    assert entry["database_provider"] == "Wilson Center Digital Archive"
    (entry,) = rispy.loads(ris(_plain_record("A Note", "1953-03")))
    assert entry["authors"] == ["Georgy Pushkin"] and entry["date"] == "1953/03//"
    assert "urls" not in entry
