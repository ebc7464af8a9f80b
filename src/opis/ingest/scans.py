"""Scan files into records: PDF, TIFF (one or many pages), PNG, JPEG, and PAGE XML or ALTO
from HTR tools. `sources.read_source` still rejects image bytes in a file with a text
suffix; files named as scans come here instead (`is_scan`).

A page image that an HTR file beside it names is that HTR record's facsimile, not a
record of its own (`facsimiles` finds such images when a batch is listed,
`facsimile_home` confirms it when the batch runs); when the HTR file cannot make a record
(broken XML, no text) the image is read by OCR on its own, as any image, so no page is
lost."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

from opis.ingest.sources import Source, SourceError, source_name

if TYPE_CHECKING:
    from opis.scan.text import PageText

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".tif", ".tiff"}
SCAN_SUFFIXES = IMAGE_SUFFIXES | {".pdf"}
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
    name = source_name(path, root)
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
    if htr.sniff(data[:4096]):
        texts = htr_texts(source)
        images: list = [_htr_image(source.path, t.image_name) for t in texts]
        fmt = texts[0].method
    else:
        try:
            if data.startswith(b"%PDF"):
                from opis.scan.pdf import read_pdf

                pairs = read_pdf(data, lang)
                texts = [t for _, t in pairs]
                images = images_for([im for im, _ in pairs], None)
            else:
                pics = frames(data)
                texts = [ocr_image(f, lang) for f in pics]
                images = images_for(pics, data)
        except (OSError, ValueError) as exc:
            raise SourceError(source.path, f"cannot be read as a scan ({exc})", "check the file") from exc
        fmt = FORMAT_SCAN
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


def htr_texts(source: Source) -> list[PageText]:
    """The pages (`PageText`) of a PAGE or ALTO file, or the one-line SourceError that
    keeps it from making a record: not well-formed, neither PAGE nor ALTO, no text at all
    (a layout-only export)."""
    from opis.scan import htr

    try:
        texts = htr.read_htr(source.data)
    except htr.HTRError as exc:
        raise SourceError(source.path, str(exc), "give opis PAGE XML or ALTO from an HTR tool") from exc
    except (OSError, ValueError) as exc:
        raise SourceError(source.path, f"cannot be read as a scan ({exc})", "check the file") from exc
    if not any(t.text.strip() for t in texts):
        raise SourceError(source.path, "holds no transcribed text",
                          "export it after text recognition; a page image it names is read by OCR meanwhile")
    return texts


def image_file_name(name: str) -> str:
    """The file an HTR file's image reference means beside it: folders (also Windows ones)
    dropped, as HTR tools write the path of their own copy."""
    return Path(name.strip().replace("\\", "/")).name


def _htr_image(xml_path: Path, image_name: str | None) -> tuple[bytes, str] | None:
    """The page image a PAGE/ALTO file names, when it lies beside the file and reads."""
    if not image_name or not image_file_name(image_name):
        return None
    candidate = Path(xml_path).parent / image_file_name(image_name)
    if not candidate.is_file():
        return None
    from opis.scan.images import frames, page_bytes

    data = candidate.read_bytes()
    try:
        return page_bytes(frames(data)[0], data)
    except (OSError, IndexError):
        return None


def facsimiles(files: Iterable[Path]) -> dict[Path, tuple[Path, ...]]:
    """The page images among `files` that HTR files among them, in the same folder, name:
    image -> those HTR files. Only the heads of the XML files are read (`htr.image_names`),
    and only when there is an image to find."""
    from opis.scan.htr import image_names

    files = list(files)
    images = {_place(f): f for f in files if f.suffix.lower() in IMAGE_SUFFIXES}
    out: dict[Path, tuple[Path, ...]] = {}
    if not images:
        return out
    for f in files:
        if f.suffix.lower() not in HTR_SUFFIXES:
            continue
        folder = _place(f)[0]
        for name in dict.fromkeys(image_file_name(n) for n in image_names(f)):
            image = images.get((folder, name))
            if image is not None:
                out[image] = out.get(image, ()) + (f,)
    return out


def _place(path: Path) -> tuple[str, str]:
    return os.path.dirname(os.path.abspath(path)), Path(path).name


def facsimile_home(image: Path, htr_files: Iterable[Path]) -> Path | None:
    """The first of `htr_files` whose record shows `image` as its page: the file reads
    in full, has text, names the image, and the image reads. None when none does; the
    image is then a record of its own, as it was before it had an HTR file."""
    for path in htr_files:
        try:
            texts = htr_texts(read_scan(path))
        except SourceError:
            continue
        names = {t.image_name for t in texts if t.image_name and image_file_name(t.image_name) == image.name}
        if any(_htr_image(path, n) is not None for n in names):
            return path
    return None


def finish_scan_record(record) -> None:
    """After the enrichment steps: the OCR engine's own doubts join the suspects."""
    if record.pages:
        from opis.scan.pages import mark_low_confidence

        mark_low_confidence(record)
