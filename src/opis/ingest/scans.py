"""Scan files into records: PDF, TIFF (one or many pages), PNG, JPEG, and PAGE XML or ALTO
from HTR tools. `sources.read_source` still rejects image bytes in a file with a text
suffix; files named as scans come here instead (`is_scan`).

A page image that an HTR file beside it names is that HTR record's facsimile, not a
record of its own (`facsimiles` finds such images when a batch is listed,
`facsimile_home` confirms it when the batch runs); when the HTR file cannot make a record
(broken XML, no text) the image is read by OCR on its own, as any image, so no page is
lost.

The images an HTR file names are read with it (`read_scan`), once: the record shows those
very bytes, keeps the name and sha256 of each in its metadata (`page_images`), and its
fingerprint covers them (`opis.translate.pairing.fingerprint`), so a page image replaced,
added or removed beside an unchanged HTR file makes a new version of its record, and an
unchanged pair is skipped before any work."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

from opis.ingest.sources import Source, SourceError, source_name
from opis.model import content_hash

if TYPE_CHECKING:
    from opis.scan.text import PageText

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".tif", ".tiff"}
SCAN_SUFFIXES = IMAGE_SUFFIXES | {".pdf"}
HTR_SUFFIXES = {".xml"}
PAGE_IMAGES = "page_images"  # record metadata: [{"file": name, "sha256": hash or None}]
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
    from opis.scan import htr

    images = _named_images(path, data) if htr.sniff(data[:4096]) else ()
    return Source(path=path, name=name, data=data, text="", encoding="binary", images=images)


def _named_images(path: Path, data: bytes) -> tuple[tuple[str, bytes | None], ...]:
    """(file name, bytes or None) of each page image an HTR file names in its head
    (`htr.image_names`: PAGE has one Page, ALTO one fileName), looked for beside it. Only
    read, not decoded: a fingerprint needs no more."""
    import io

    from opis.scan.htr import image_names

    out = []
    for name in dict.fromkeys(image_file_name(n) for n in image_names(io.BytesIO(data))):
        if not name:
            continue
        try:
            found = path.parent / name
            out.append((name, found.read_bytes() if found.is_file() else None))
        except OSError:
            out.append((name, None))
    return tuple(out)


def page_image_entries(source: Source) -> list[dict]:
    """Name and sha256 of each page image read with an HTR source (sha256 None: named but
    not beside it): what its record keeps as `page_images` and its fingerprint covers."""
    return [{"file": name, "sha256": content_hash(data) if data is not None else None}
            for name, data in source.images]


def record_from_scan(source: Source, collection: str = "default", language: str | None = None):
    """OCR (or read the text layer or HTR file of) a scan and build its record."""
    from opis.ingest.build import record_from_source
    from opis.scan import htr
    from opis.scan.images import frames
    from opis.scan.ocr import ocr_image, ocr_language
    from opis.scan.pages import images_for, join_pages, mark_page_breaks

    lang = language or ocr_language(collection)
    data = source.data
    htr_file = htr.sniff(data[:4096]) is not None
    if htr_file:
        texts = htr_texts(source)
        shown = _readable_images(source)
        images: list = [shown.get(image_file_name(t.image_name or "")) for t in texts]
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
    if htr_file:
        record.metadata = {**record.metadata, PAGE_IMAGES: page_image_entries(source)}
        record.warnings.extend(f"{name}, the page image it names, does not read as an image; "
                               "the page is shown without it" for name, im in shown.items() if im is None)
    mark_page_breaks(record)
    return record


def warn_of_images_gone(record, before: Iterable[str]) -> None:
    """Page images the stored version showed (`before`) that the HTR file still names but
    that are no longer beside it: the new version shows its pages without them, which an
    archivist should hear of (a folder copied in part, an image moved away); the earlier
    images stay in the store, and putting them back makes another version with them."""
    entries = record.metadata.get(PAGE_IMAGES) or []
    missing = {e["file"] for e in entries if e.get("sha256") is None}
    for name in before:
        if name in missing:
            record.warnings.append(f"{name}, the page image of the version stored, is no longer beside this "
                                   "file: the record is kept without it (the earlier image stays in the store)")


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


def _readable_images(source: Source) -> dict[str, tuple[bytes, str] | None]:
    """(bytes, media type) the viewer shows of each page image read with an HTR source,
    by file name; None for one that is there but does not read as an image."""
    from opis.scan.images import frames, page_bytes

    out: dict[str, tuple[bytes, str] | None] = {}
    for name, data in source.images:
        if data is None:
            continue
        try:
            out[name] = page_bytes(frames(data)[0], data)
        except (OSError, IndexError):
            out[name] = None
    return out


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
            source = read_scan(path)
            texts = htr_texts(source)
        except SourceError:
            continue
        if (any(image_file_name(t.image_name or "") == image.name for t in texts)
                and _readable_images(source).get(image.name) is not None):
            return path
    return None


def finish_scan_record(record) -> None:
    """After the enrichment steps: the OCR engine's own doubts join the suspects."""
    if record.pages:
        from opis.scan.pages import mark_low_confidence

        mark_low_confidence(record)
