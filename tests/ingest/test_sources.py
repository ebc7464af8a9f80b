import pytest

from opis.ingest.build import build_record, record_from_source
from opis.ingest.published import looks_published, parse_published
from opis.ingest.sources import SourceError, decode, read_source

RUSSIAN = "Товарищу Сталину И.В.\n\nМИД СССР докладывает следующее: сообщения о переговорах являются ложными.\n"


@pytest.mark.parametrize("encoding", ["utf-8", "cp1251", "koi8_r"])
def test_legacy_cyrillic_encodings_are_detected(tmp_path, encoding):
    path = tmp_path / f"doc_{encoding}.txt"
    path.write_bytes(RUSSIAN.encode(encoding))
    source = read_source(path)
    assert source.text == RUSSIAN
    assert source.encoding == encoding.replace("_", "-")
    assert source.data == RUSSIAN.encode(encoding)


def test_short_legacy_text_is_still_told_apart():
    for enc in ("cp1251", "koi8_r"):
        text, found = decode("Сов. секретно".encode(enc))
        assert text == "Сов. секретно", enc


@pytest.mark.parametrize(
    "content, expected",
    [
        (b"", "is empty"),
        (b"   \n\n", "is empty"),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "PNG image"),
        (b"%PDF-1.7\n%\xe2\xe3", "PDF file"),
        (b"abc\x00\x00\x01def" * 50, "binary data"),
    ],
)
def test_bad_files_fail_with_one_clear_line(tmp_path, content, expected):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(SourceError) as info:
        read_source(path)
    message = str(info.value)
    assert expected in message
    assert str(path) in message
    assert "\n" not in message


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(SourceError, match="cannot be read"):
        read_source(tmp_path / "nope.txt")


def test_published_record_header_becomes_metadata(seed000):
    text = seed000.read_text(encoding="utf-8")
    assert looks_published(text)
    pub = parse_published(text)
    meta = pub.metadata
    assert meta["original_language"] == "Russian"
    assert meta["title"] == "CPSU Politburo Decision with an Approved Message from Pushkin to Stalin"
    assert meta["date"] == {"iso": "1952-11-03", "precision": "day"}
    assert meta["citation"].startswith('"CPSU Politburo Decision with an Approved Message from Pushkin to Stalin", November 3, 1952, Wilson Center Digital Archive')
    assert meta["url"].endswith("/document/119575")
    assert meta["summary"].startswith("Decision to approve the draft TASS publication")
    assert meta["credits"].endswith("Leon Levy Foundation")
    assert meta["contents"] == ["Original Scan"]
    assert pub.body.lstrip().startswith("№ 71, I")
    assert text[pub.body_start:] == pub.body


def test_bare_transcription_is_not_a_published_record(seed001):
    assert not looks_published(seed001.read_text(encoding="utf-8"))


def test_record_keeps_original_bytes_and_maps_documents_to_source(seed000):
    record = build_record(seed000, enrich=False)
    assert record.original == seed000.read_bytes()
    assert record.format == "published-record"
    assert record.documents
    for doc in record.documents:
        start, end = doc.to_source("reading", 0, len(doc.reading.text))
        assert 0 <= start <= end <= len(record.text)
        assert record.text[doc.source_start:doc.source_end] == record.text[doc.source_start:doc.source_end]
        probe = doc.reading.text.strip().split("\n")[0][:20]
        if probe:
            i = doc.reading.text.index(probe)
            s, e = doc.to_source("reading", i, i + len(probe))
            assert record.text[s:e] == probe


def test_record_id_is_stable_across_content_changes(tmp_path):
    path = tmp_path / "telegram.txt"
    path.write_text("Москва, ЦК КПСС.\n\nТекст первый.", encoding="utf-8")
    first = record_from_source(read_source(path))
    path.write_text("Москва, ЦК КПСС.\n\nТекст исправленный.", encoding="utf-8")
    second = record_from_source(read_source(path))
    assert first.id == second.id
    assert first.sha256 != second.sha256


def test_a_huge_file_is_refused_before_it_is_read(tmp_path):
    from opis.ingest.sources import MAX_BYTES

    path = tmp_path / "huge.txt"
    with path.open("wb") as fh:
        fh.truncate(MAX_BYTES + 1)  # sparse: costs no disk
    with pytest.raises(SourceError) as info:
        read_source(path)
    assert "larger than" in str(info.value) and "huge.txt" in str(info.value)
