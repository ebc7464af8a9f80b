"""The gold files are well-formed, so that a failing evaluation means a wrong extractor.

These tests check shape and vocabulary only, never whether an extractor agrees with the
gold: a typo in a gold line would otherwise show up as a mysterious drop in accuracy.
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GOLD = Path(__file__).resolve().parent
EXAMPLES = ROOT / "examples"

DOC_TYPES = {"telegram", "ciphered_telegram", "cable", "letter", "memorandum", "conversation",
             "report", "decision", "minutes", "diary", "note", "press_statement", "speech"}
CLASSIFICATIONS = {"unclassified", "official_use", "confidential", "secret", "top_secret",
                   "special_file"}
PRECISIONS = {"day", "month", "year"}
LANGUAGES = {"ru", "en"}  # the languages the corpus holds; widen when a new one is added
NO_GOLD = {"190_hostile_html.txt", "191_unbalanced_markup.txt"}  # hostile input, no answers
SEEDS = ("000_", "001_")

META_KEYS = {"file", "doc", "language", "date", "doc_type", "authors", "recipients",
             "classification", "registry_numbers", "copies_made", "distribution"}
ENTITY_KEYS = {"file", "doc", "persons", "organizations", "places"}
ISO_BY_PRECISION = {"year": re.compile(r"^\d{4}$"), "month": re.compile(r"^\d{4}-\d{2}$"),
                    "day": re.compile(r"^\d{4}-\d{2}-\d{2}$")}


def _lines(name: str) -> list[dict]:
    rows = []
    for n, line in enumerate((GOLD / name).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            rows.append(json.loads(line))
        except json.JSONDecodeError as e:  # pragma: no cover - the failure message is the point
            pytest.fail(f"{name}:{n} is not JSON: {e}")
    return rows


META = _lines("metadata.jsonl")
ENTITIES = _lines("entities.jsonl")


def _key(row: dict) -> tuple[str, int]:
    return row["file"], row["doc"]


def test_keys_are_exactly_the_documented_ones():
    for row in META:
        assert set(row) == META_KEYS, _key(row)
    for row in ENTITIES:
        assert set(row) == ENTITY_KEYS, _key(row)


def test_every_file_exists_and_docs_count_from_zero():
    for rows in (META, ENTITIES):
        docs: dict[str, list[int]] = {}
        for row in rows:
            assert row["file"].startswith("examples/"), row["file"]
            assert (ROOT / row["file"]).is_file(), row["file"]
            assert isinstance(row["doc"], int) and not isinstance(row["doc"], bool)
            docs.setdefault(row["file"], []).append(row["doc"])
        for name, seqs in docs.items():
            assert sorted(seqs) == list(range(len(seqs))), (name, seqs)


def test_metadata_and_entities_cover_the_same_documents():
    meta_keys = [_key(r) for r in META]
    ent_keys = [_key(r) for r in ENTITIES]
    assert len(meta_keys) == len(set(meta_keys))
    assert len(ent_keys) == len(set(ent_keys))
    assert set(meta_keys) == set(ent_keys)


def test_values_are_in_the_vocabularies():
    for row in META:
        k = _key(row)
        assert row["doc_type"] in DOC_TYPES, k
        assert row["classification"] is None or row["classification"] in CLASSIFICATIONS, k
        assert row["language"] in LANGUAGES, k


def test_dates_are_valid_iso_of_their_precision():
    for row in META:
        d = row["date"]
        if d is None:
            continue
        assert set(d) == {"value", "precision"}, _key(row)
        assert d["precision"] in PRECISIONS, _key(row)
        value = d["value"]
        assert ISO_BY_PRECISION[d["precision"]].match(value), (_key(row), value)
        parts = [int(p) for p in value.split("-")] + [1] * (3 - value.count("-") - 1)
        date(*parts)  # raises on 1953-02-30 or month 13
        assert 1945 <= parts[0] <= 1991, _key(row)


def test_field_shapes():
    for row in META:
        k = _key(row)
        for name in ("authors", "recipients", "registry_numbers"):
            assert isinstance(row[name], list) and all(isinstance(x, str) and x.strip() for x in row[name]), (k, name)
            assert len(row[name]) == len(set(row[name])), (k, name)
        copies = row["copies_made"]
        assert copies is None or (isinstance(copies, int) and copies > 0), k
        for item in row["distribution"]:
            assert set(item) == {"name", "copies"}, k
            assert isinstance(item["name"], str) and item["name"].strip(), k
            assert item["copies"] is None or (isinstance(item["copies"], int) and item["copies"] > 0), k
    for row in ENTITIES:
        for name in ("persons", "organizations", "places"):
            values = row[name]
            assert all(isinstance(x, str) and x.strip() == x and x for x in values), (_key(row), name)
            assert len(values) == len(set(values)), (_key(row), name)


def test_every_example_except_the_hostile_ones_has_gold():
    with_gold = {Path(r["file"]).name for r in META}
    files = {p.name for p in EXAMPLES.glob("*.txt")}
    assert NO_GOLD <= files
    assert files - NO_GOLD == with_gold
    assert not (with_gold & NO_GOLD)


def test_enough_composed_documents_in_both_languages():
    composed = [r for r in META if not Path(r["file"]).name.startswith(SEEDS)]
    assert len(composed) >= 25
    assert sum(r["language"] == "en" for r in composed) >= 8
    assert {r["doc_type"] for r in META} == DOC_TYPES
    assert {r["classification"] for r in META} >= CLASSIFICATIONS


def test_multi_document_files_exist():
    per_file: dict[str, int] = {}
    for row in META:
        per_file[row["file"]] = per_file.get(row["file"], 0) + 1
    assert sum(n >= 2 for n in per_file.values()) >= 3


def test_legacy_encoded_examples_are_really_legacy():
    cp = (EXAMPLES / "150_cp1251_letter.txt").read_bytes()
    koi = (EXAMPLES / "151_koi8r_note.txt").read_bytes()
    for data in (cp, koi):
        with pytest.raises(UnicodeDecodeError):
            data.decode("utf-8")
    assert "Товарищу СТАЛИНУ" in cp.decode("cp1251")
    assert "СПРАВКА" in koi.decode("koi8_r")
