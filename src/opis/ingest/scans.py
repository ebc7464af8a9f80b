"""Scan files into records: PDF, TIFF (one or many pages), PNG, JPEG, and PAGE XML or ALTO
from HTR tools. `sources.read_source` still rejects image bytes in a file with a text
suffix; files named as scans come here instead (`is_scan`)."""

from __future__ import annotations

from pathlib import Path

from opis.ingest.sources import Source, SourceError

SCAN_SUFFIXES = {".pdf", ".png", ".jpg", ".jpeg", ".tif", ".tiff"}
HTR_SUFFIXES = {".xml"}
MAX_SCAN_BYTES = 500 * 1024 * 1024
FORMAT_SCAN = "scan"
_MAGIC = {
    ".pdf": (b"%PDF",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".tif": (b"II*\x00", b"MM\x00*"),
    ".tiff": (b"II*\x00", b"MM\x00*"),
}


def is_scan(path: Path) -> bool:
    """A scan or an HTR file by its name (and, for XML, by its root element)."""
    suffix = Path(path).suffix.lower()
    if suffix in SCAN_SUFFIXES:
        return True
    if suffix in HTR_SUFFIXES:
        from opis.scan.htr import sniff

        try:
            with open(path, "rb") as fh:
                return sniff(fh.read(4096)) is not None
        except OSError:
            return False
    return False


def read_scan(path: Path, root: Path | None = None) -> Source:
    """The bytes of a scan (no text yet: that takes OCR); one-line errors like read_source."""
    path = Path(path)
    name = str(path.relative_to(root)) if root is not None and path != root else path.name
    try:
        if path.stat().st_size > MAX_SCAN_BYTES:
            raise SourceError(path, f"is larger than the {MAX_SCAN_BYTES // (1024 * 1024)} MiB a scan may be",
                              "split it into smaller files")
        data = path.read_bytes()
    except OSError as exc:
        raise SourceError(path, f"cannot be read ({exc.strerror})", "check the path and permissions") from exc
    if not data.strip():
        raise SourceError(path, "is empty", "remove it or add its scan")
    suffix = path.suffix.lower()
    if suffix in _MAGIC and not data.startswith(_MAGIC[suffix]):
        raise SourceError(path, f"is named {suffix} but its bytes are not a {suffix[1:].upper()} file",
                          "check the file or give it the right suffix")
    return Source(path=path, name=name, data=data, text="", encoding="binary")


def record_from_scan(source: Source, collection: str = "default", language: str | None = None):
    """OCR (or read the text layer or HTR file of) a scan and build its record."""
    from opis.ingest.build import record_from_source
    from opis.scan import htr
    from opis.scan.images import frames
    from opis.scan.ocr import ocr_image, ocr_language
    from opis.scan.pages import images_for, join_pages, mark_page_breaks

    lang = language or ocr_language(collection)
    data = source.data
    try:
        if htr.sniff(data[:4096]):
            texts = htr.read_htr(data)
            images: list = [_htr_image(source.path, t.image_name) for t in texts]
            fmt = texts[0].method
        elif data.startswith(b"%PDF"):
            from opis.scan.pdf import read_pdf

            pairs = read_pdf(data, lang)
            texts = [t for _, t in pairs]
            images = images_for([im for im, _ in pairs], None)
            fmt = FORMAT_SCAN
        else:
            pics = frames(data)
            texts = [ocr_image(f, lang) for f in pics]
            images = images_for(pics, data)
            fmt = FORMAT_SCAN
    except htr.HTRError as exc:
        raise SourceError(source.path, str(exc), "give opis PAGE XML or ALTO from an HTR tool") from exc
    except (OSError, ValueError) as exc:
        raise SourceError(source.path, f"cannot be read as a scan ({exc})", "check the file") from exc
    text, pages = join_pages(texts, images)
    if not text.strip():
        raise SourceError(source.path, "holds no readable text (OCR found none)",
                          "check the scan, or set OPIS_OCR_LANG for its language")
    read = Source(path=source.path, name=source.name, data=data, text=text, encoding=source.encoding)
    record = record_from_source(read, collection=collection)
    record.format = fmt
    record.pages = pages
    mark_page_breaks(record)
    return record


def _htr_image(xml_path: Path, image_name: str | None) -> tuple[bytes, str] | None:
    """The page image a PAGE/ALTO file names, when it lies beside the file."""
    if not image_name:
        return None
    candidate = Path(xml_path).parent / Path(image_name.replace("\\", "/")).name
    if not candidate.is_file():
        return None
    from opis.scan.images import frames, page_bytes

    data = candidate.read_bytes()
    try:
        return page_bytes(frames(data)[0], data)
    except OSError:
        return None


def finish_scan_record(record) -> None:
    """After the enrichment steps: the OCR engine's own doubts join the suspects."""
    if record.pages:
        from opis.scan.pages import mark_low_confidence

        mark_low_confidence(record)
