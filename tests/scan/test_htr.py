"""PAGE XML and ALTO of the same page read to the same text, regions in reading order."""

from __future__ import annotations

from opis.ingest.build import build_record
from opis.scan.htr import ALTO, PAGE, read_alto, read_htr, read_page_xml, sniff
from tests.scan.htr_pages import ALTO_XML, PAGE_XML

EXPECTED = "Москва, 3 мая 1952 г.\n\nТоварищу Молотову\nПрошу рассмотреть проект ответа."


def test_formats_are_told_apart():
    assert sniff(PAGE_XML.encode()) == PAGE
    assert sniff(ALTO_XML.encode()) == ALTO
    assert sniff(b"<TEI xmlns='http://www.tei-c.org/ns/1.0'/>") is None


def test_page_and_alto_of_one_page_read_the_same_text_in_reading_order():
    page = read_page_xml(PAGE_XML.encode())
    alto = read_alto(ALTO_XML.encode())
    assert [p.text for p in page] == [p.text for p in alto] == [EXPECTED]
    assert (page[0].width, page[0].height) == (alto[0].width, alto[0].height) == (1200, 1600)


def test_words_and_lines_keep_their_boxes_and_confidence():
    for pt in read_htr(PAGE_XML.encode()) + read_htr(ALTO_XML.encode()):
        word = next(z for z in pt.zones if z.kind == "word" and pt.text[z.start:z.end] == "Молотову")
        assert (word.x, word.y, word.w, word.h) == (320, 300, 280, 60)
        assert word.conf == 0.41
        lines = [pt.text[z.start:z.end] for z in pt.zones if z.kind == "line"]
        assert lines == EXPECTED.replace("\n\n", "\n").split("\n")


def test_htr_files_become_records_with_their_page_image(tmp_path):
    from PIL import Image

    Image.new("L", (1200, 1600), 255).save(tmp_path / "folio_12.png")
    texts = []
    for name, xml in (("folio_12.page.xml", PAGE_XML), ("folio_12.alto.xml", ALTO_XML)):
        (tmp_path / name).write_text(xml, encoding="utf-8")
        record = build_record(tmp_path / name)
        assert record.format in (PAGE, ALTO)
        assert record.pages[0].media_type == "image/png"
        assert record.pages[0].image == (tmp_path / "folio_12.png").read_bytes()
        suspects = [s for d in record.documents for s in d.reading.spans if s.kind == "ocr_suspect"]
        assert any(s.attrs["method"] == "ocr.low_confidence" for s in suspects)
        assert record.documents[0].first("date").value == {"iso": "1952-05-03", "precision": "day"}
        texts.append(record.text)
    assert texts[0] == texts[1] == EXPECTED
