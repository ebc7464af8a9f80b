"""The seeds end to end, the summary's shape, and the gold-set evaluation."""

from pathlib import Path

import pytest

from opis.extract.evaluate import evaluate_metadata, markdown_table, metadata_table
from opis.extract.pipeline import STEPS, document_summary, extract_file, extract_metadata
from opis.read.document import document_from_text

ROOT = Path(__file__).resolve().parents[2]
SUMMARY_KEYS = {"title", "date", "doc_type", "language", "authors", "recipients", "classification",
                "registry_numbers", "distribution", "copies_made", "protocol", "handling", "place",
                "values"}


@pytest.fixture(scope="module")
def seed0():
    return extract_file(ROOT / "examples" / "000_e7381ea8498c35b3.txt")


@pytest.fixture(scope="module")
def seed1():
    [doc] = extract_file(ROOT / "examples" / "001_a31a19e8a354493c.txt")
    return doc


def test_seed_001_telegram_from_mikoyan(seed1):
    assert seed1["date"] == {"value": "1956-09-23", "precision": "day", "as_written": "23 сент 1956г."}
    assert seed1["doc_type"] in ("telegram", "report")
    assert [a["name"] for a in seed1["authors"]] == ["Микоян"]
    assert seed1["authors"][0]["name_en"] == "Anastas Mikoyan"
    assert seed1["authors"][0]["as_written"] == "А. Мимозн"
    assert [r["name"] for r in seed1["recipients"]] == ["ЦК КПСС"]
    assert seed1["classification"] == {"value": "top_secret", "as_written": "Сов. секретно"}
    assert seed1["registry_numbers"] == ["1451-1456"]
    assert seed1["language"] == "ru"
    assert seed1["title"]["en"] == "Telegram from A. I. Mikoyan to the CPSU Central Committee"
    assert seed1["title"]["ru"] == "Телеграмма А. И. Микояна в ЦК КПСС"
    assert seed1["place"] is None


def test_seed_000_three_documents(seed0):
    assert [d["date"]["value"] for d in seed0] == ["1952-11-03", "1952-11-04", "1952-10-30"]
    assert [d["doc_type"] for d in seed0] == ["decision", "press_statement", "memorandum"]


def test_seed_000_protocol_extract(seed0):
    extract = seed0[0]
    assert [r["name"] for r in extract["recipients"]] == ["Маленков", "Малик", "Пальгунов"]
    assert [a["name"] for a in extract["authors"]] == ["Бюро Президиума ЦК КПСС"]
    assert extract["protocol"] == {"number": "2", "body": "Бюро Президиума ЦК", "date": "1952-11-03",
                                   "item": "19"}
    assert extract["registry_numbers"] == ["ВП2/19"]
    assert extract["handling"] == "return within 7 days"
    assert extract["title"]["en"].startswith("Extract from Protocol No. 2 of the Meeting of the Bureau")


def test_seed_000_tass_refutation(seed0):
    tass = seed0[1]
    assert [a["name"] for a in tass["authors"]] == ["ТАСС"]
    assert tass["date"]["as_written"] == "4.XI.1952г."
    assert tass["recipients"] == [] and tass["classification"] is None


def test_seed_000_memo(seed0):
    memo = seed0[2]
    assert [a["name"] for a in memo["authors"]] == ["Пушкин"]
    assert [r["name"] for r in memo["recipients"]] == ["Сталин"]
    assert memo["classification"] == {"value": "unclassified", "as_written": "НЕ СЕКРЕТНО"}
    assert memo["copies_made"] == 29
    assert memo["registry_numbers"] == ["35/пк"]
    dist = [(d["name"], d["copies"]) for d in memo["distribution"]]
    assert dist == [("Сталин", 2), ("Маленков", 2), ("Берия", None), ("Каганович", None),
                    ("Булганин", None), ("Хрущев", None), ("Сабуров", None), ("Первухин", None),
                    ("дело", 4)]
    assert memo["title"]["en"] == "Memorandum from G. M. Pushkin to J. V. Stalin"


def test_summary_has_exactly_the_cli_keys_and_provenance(seed0):
    for doc in seed0:
        assert set(doc) == SUMMARY_KEYS
        for v in doc["values"]:
            assert v["method"] and 0 <= v["confidence"] <= 1
            assert v["origin"] == "machine"


def test_value_offsets_point_into_the_reading_layer():
    text = (ROOT / "examples" / "001_a31a19e8a354493c.txt").read_text(encoding="utf-8")
    doc = document_from_text(text)
    for v in extract_metadata(doc):
        if v.start is not None and v.layer == "reading" and v.as_written:
            assert doc.reading.text[v.start:v.end] == v.as_written, v.field


def test_nothing_found_is_null_not_a_guess():
    doc = document_from_text("Просто строка текста без даты, подписи и адресата, написанная для проверки.")
    s = document_summary(doc)
    assert s["date"] is None and s["authors"] == [] and s["recipients"] == []
    assert s["classification"] is None and s["copies_made"] is None and s["doc_type"] is None


def test_a_human_correction_wins_in_the_summary():
    from opis.model import Value

    doc = document_from_text("ТЕЛЕГРАММА\n\nСекретно\n\nТекст телеграммы о переговорах, которые продолжаются уже неделю.\n\nПУЗАНОВ\n\n23. IX. 57г.\n")
    doc.values = extract_metadata(doc) + [Value("doc_type", "report", origin="human")]
    assert document_summary(doc)["doc_type"] == "report"


def test_steps_run_in_registry_order():
    assert list(STEPS)[:2] == ["language", "doc_type"]
    assert list(STEPS)[-2:] == ["title", "citation"]


def test_citation_of_a_published_record(seed0):
    from opis.extract.pipeline import _record

    record = _record(ROOT / "examples" / "000_e7381ea8498c35b3.txt")
    values = extract_metadata(record.documents[2], record)
    [cit] = [v.value for v in values if v.field == "citation"]
    assert cit == ('"Memorandum from G. M. Pushkin to J. V. Stalin", October 30, 1952, '
                   "Wilson Center Digital Archive, CWIHP archive. "
                   "<https://wilson-center-digital-archive.dvincitest.com/document/119575>")


def test_legacy_encodings_are_read():
    [doc] = extract_file(ROOT / "examples" / "151_koi8r_note.txt")
    assert doc["date"]["value"] == "1948-10" and doc["copies_made"] == 12
    [doc] = extract_file(ROOT / "examples" / "150_cp1251_letter.txt")
    assert [a["name"] for a in doc["authors"]] == ["Ракоши"]


@pytest.fixture(scope="module")
def gold_scores():
    return evaluate_metadata(ROOT / "tests" / "gold" / "metadata.jsonl", ROOT)


def test_every_field_reaches_0_9_on_the_gold_set(gold_scores):
    low = {s.field: (round(s.accuracy, 3), s.errors) for s in gold_scores if s.accuracy < 0.9}
    assert not low
    assert all(s.total >= 27 for s in gold_scores)  # seeds + at least 25 composed documents


def test_evaluation_renders_tables(gold_scores):
    table = metadata_table(gold_scores)
    assert table.row_count == len(gold_scores)
    md = markdown_table(gold_scores)
    assert md.count("\n") == len(gold_scores) + 1 and "| date |" in md


def test_evaluation_counts_wrong_answers(tmp_path):
    import json

    gold = tmp_path / "gold.jsonl"
    right = {"file": "examples/001_a31a19e8a354493c.txt", "doc": 0, "language": "ru",
             "date": {"value": "1956-09-23", "precision": "day"}, "doc_type": "telegram",
             "authors": ["Микоян"], "recipients": ["ЦК КПСС"], "classification": "top_secret",
             "registry_numbers": ["1451-1456"], "copies_made": None, "distribution": []}
    wrong = dict(right, doc_type="letter", date={"value": "1956-09", "precision": "month"})
    missing = dict(right, doc=3)  # the file holds one document only
    gold.write_text("\n".join(json.dumps(g, ensure_ascii=False) for g in (right, wrong, missing)),
                    encoding="utf-8")
    scores = {s.field: s for s in evaluate_metadata(gold, ROOT)}
    assert (scores["doc_type"].correct, scores["doc_type"].total) == (1, 3)
    assert scores["date"].correct == 1
    assert scores["authors"].correct == 2
    assert scores["doc_type"].errors[0]["expected"] == "letter"


@pytest.mark.parametrize("name", ["heldout.jsonl", "heldout2.jsonl"])
def test_held_out_documents_written_after_the_rules(name):
    """Documents written by the extraction author after the rules were tuned on the gold
    set; their first-run scores are in docs/quality.md."""
    scores = evaluate_metadata(ROOT / "tests" / "extract" / name, ROOT)
    low = {s.field: (round(s.accuracy, 3), s.errors) for s in scores if s.accuracy < 0.9}
    assert not low


def test_held_out_set_a_stays_at_0_9():
    """Held-out set A was written blind to the rules; its first-run scores are in
    docs/quality.md. The rules have since been fixed on it, so this is in-sample now and
    guards against falling back."""
    heldout = ROOT / "tests" / "gold" / "heldout"
    scores = evaluate_metadata(heldout / "metadata.jsonl", heldout)
    low = {s.field: (round(s.accuracy, 3), s.errors) for s in scores if s.accuracy < 0.9}
    assert not low


def test_every_offset_of_the_gold_documents_shows_what_was_written():
    from opis.extract.pipeline import _record

    files = sorted((ROOT / "examples").glob("*.txt")) + sorted((ROOT / "tests" / "gold" / "heldout" / "examples").glob("*.txt"))
    for path in files:
        record = _record(path)
        for doc in record.documents:
            for v in extract_metadata(doc, record):
                # a signatory keeps its whole signature line; its offsets cover the name
                if v.start is None or not v.as_written or v.field == "signatory":
                    continue
                text = doc.reading.text if v.layer == "reading" else doc.diplomatic.text
                assert text[v.start:v.end] == v.as_written, (path.name, v.field, v.method)
