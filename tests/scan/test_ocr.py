"""Scans through Tesseract: a rendered three-page typewritten memo with no text layer
becomes a record as good as its transcription would."""

from __future__ import annotations

import re

import pytest
from rapidfuzz.distance import Levenshtein

from opis.ingest.build import build_record
from opis.ingest.runner import ingest_paths
from opis.ingest.sources import SourceError, read_source
from opis.scan.pdf import good_text_layer
from opis.scan.store import load_pages, page_image
from tests.scan.render import MEMO_PAGES, image_bytes, image_pdf, memo_images, memo_text, render_page


def cer(found: str, truth: str) -> float:
    """Character error rate, white space runs counted as one space."""
    norm = lambda s: re.sub(r"\s+", " ", s).strip()  # noqa: E731
    return Levenshtein.distance(norm(found), norm(truth)) / len(norm(truth))


@pytest.fixture(scope="module")
def memo_pdf(tmp_path_factory):
    path = tmp_path_factory.mktemp("scans") / "memo_1957.pdf"
    path.write_bytes(image_pdf(memo_images()))
    return path


@pytest.fixture(scope="module")
def memo_record(memo_pdf):
    return build_record(memo_pdf)


def test_the_rendered_pdf_has_no_text_layer(memo_pdf):
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(memo_pdf.read_bytes())
    assert all(not good_text_layer(p.get_textpage().get_text_range()) for p in pdf)


def test_memo_text_is_read_with_under_five_percent_cer(memo_record):
    assert memo_record.format == "scan"
    assert cer(memo_record.text, memo_text()) < 0.05
    assert len(memo_record.pages) == 3
    for page, truth in zip(memo_record.pages, MEMO_PAGES):
        assert cer(memo_record.text[page.start:page.end], truth) < 0.1


def test_memo_metadata_and_people_are_extracted_as_for_a_transcription(memo_record):
    doc = memo_record.documents[0]
    assert doc.first("date").value == {"iso": "1957-03-14", "precision": "day"}
    assert doc.first("doc_type").value == "memorandum"
    assert [v.value["name"] for v in doc.all("author")] == ["Федоренко"]
    persons = {m.name for d in memo_record.documents for m in d.mentions if m.type == "PER"}
    assert {"Ким Ир Сен", "Микоян", "Федоренко"} <= persons


def test_pages_are_marked_in_the_layers_and_words_keep_boxes(memo_record):
    pbs = [s for d in memo_record.documents for s in d.diplomatic.spans if s.kind == "pb"]
    assert [s.attrs["n"] for s in pbs] == ["1", "2", "3"]
    assert all(s.attrs["facs"] == p.image_sha256 for s, p in zip(pbs, memo_record.pages))
    from opis.scan.pages import diplomatic_zones

    doc = memo_record.documents[0]
    keyed = diplomatic_zones(doc, memo_record.pages[0])
    word = next((s, e, z) for s, e, z in keyed if doc.diplomatic.text[s:e] == "Пхеньяна.")
    assert word[2].kind == "word" and 0 < word[2].x < memo_record.pages[0].width
    assert all(p.media_type == "image/jpeg" and p.image[:3] == b"\xff\xd8\xff" for p in memo_record.pages)


def test_a_png_scan_keeps_its_own_bytes_and_a_tiff_its_pages(tmp_path):
    png = tmp_path / "note.png"
    png.write_bytes(image_bytes(render_page(MEMO_PAGES[1], seed=1), "PNG"))
    record = build_record(png, enrich=False)
    assert record.pages[0].image == png.read_bytes()
    assert cer(record.text, MEMO_PAGES[1]) < 0.1
    tif = tmp_path / "two.tiff"
    first, second = memo_images()[1:]
    first.save(tif, "TIFF", save_all=True, append_images=[second], compression="tiff_deflate")
    record = build_record(tif, enrich=False)
    assert len(record.pages) == 2
    # grey frames are re-encoded as JPEG for the viewer; the TIFF itself stays the original
    assert all(p.media_type == "image/jpeg" and p.image[:3] == b"\xff\xd8\xff" for p in record.pages)
    assert record.pages[0].image_sha256 != record.pages[1].image_sha256
    assert record.original == tif.read_bytes()


def test_an_image_named_txt_still_fails_with_one_line(tmp_path):
    path = tmp_path / "scan.txt"
    path.write_bytes(image_bytes(render_page("Тест", seed=1), "PNG"))
    with pytest.raises(SourceError, match="is a PNG image, not a text transcription"):
        read_source(path)
    bad = tmp_path / "scan.pdf"
    bad.write_bytes(b"just some words")
    with pytest.raises(SourceError, match="not a PDF file"):
        build_record(bad)


def test_ingested_scan_stores_its_pages_and_hides_restricted_ones(memo_pdf, tmp_path, make_store):
    store = make_store()
    summary = ingest_paths([memo_pdf], store)
    assert summary.count("added") == 1, summary.to_json()
    rid = summary.outcomes[0].record_id
    pages = load_pages(store, rid)
    assert [p.seq for p in pages] == [0, 1, 2]
    data, media = page_image(store, rid, 1)
    assert media == "image/jpeg" and len(data) > 1000
    assert ingest_paths([memo_pdf], store).count("unchanged") == 1
    secret = tmp_path / "secret"
    secret.mkdir()
    (secret / "memo.pdf").write_bytes(memo_pdf.read_bytes())
    summary = ingest_paths([secret], store, collection="closed", visibility="restricted")
    rid2 = summary.outcomes[0].record_id
    assert load_pages(store, rid2) == []
    with pytest.raises(KeyError):
        page_image(store, rid2, 0)
    assert len(load_pages(store, rid2, include_restricted=True)) == 3
