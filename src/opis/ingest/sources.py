"""Reading source files: bytes in, decoded text out, or one clear error.

Archival transcriptions come in UTF-8 and in the two legacy Cyrillic code pages that
Soviet-era and 1990s files use, cp1251 and koi8-r. Both decode any byte sequence, so we
cannot tell them apart by failure; we tell them apart by what Russian text looks like:
mostly lower-case letters, with о, е, а, и, н, т, с among the most frequent.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

MAX_BYTES = 50 * 1024 * 1024  # a transcription larger than this is not a transcription
TEXT_SUFFIXES = {".txt", ".md", ".text", ""}

_MAGIC: list[tuple[bytes, str]] = [
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"%PDF", "a PDF file"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"PK\x03\x04", "a ZIP archive (or a .docx/.odt file)"),
    (b"\xd0\xcf\x11\xe0", "an old MS Office file"),
    (b"\x7fELF", "an executable"),
    (b"\x1f\x8b", "a gzip archive"),
]
_FREQUENT = set("оеаинтсрвлкмдпуяыьгзбчйжшхюцщэфъё")
_COMMON = set("оеаинтсрвл")


class SourceError(Exception):
    """A source file that cannot be ingested; the message is one line for the user."""

    def __init__(self, path: str | Path, problem: str, hint: str = ""):
        self.path = str(path)
        self.problem = problem
        self.hint = hint
        super().__init__(f"{self.path}: {problem}" + (f"; {hint}" if hint else ""))


@dataclass(frozen=True, slots=True)
class Source:
    path: Path
    name: str
    data: bytes
    text: str
    encoding: str
    # translations read from files beside this one (name.en.txt by name.txt): (language, Source)
    translations: tuple[tuple[str, "Source"], ...] = ()
    # the page images a PAGE/ALTO file names, read from beside it: (file name, bytes, or None
    # when no such file is there); `opis.ingest.scans.read_scan` fills it
    images: tuple[tuple[str, bytes | None], ...] = ()


def _russian_score(text: str) -> float:
    """How much `text` looks like Russian prose (0..1)."""
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return 0.0
    lower = sum(1 for c in letters if c in _FREQUENT)
    common = sum(1 for c in letters if c in _COMMON)
    return (lower + 2 * common) / (3 * len(letters))


def decode(data: bytes, path: str | Path = "<bytes>") -> tuple[str, str]:
    """Decode bytes as UTF-8 (with or without BOM), cp1251 or koi8-r; return (text, encoding)."""
    for bom, enc in ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if data.startswith(bom):
            try:
                return data.decode(enc), enc
            except UnicodeDecodeError as exc:
                raise SourceError(path, f"starts with a {enc} byte-order mark but does not decode ({exc.reason})",
                                  "re-save it as UTF-8") from exc
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    candidates = []
    for enc in ("cp1251", "koi8_r"):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        candidates.append((_russian_score(text), enc, text))
    if not candidates:
        raise SourceError(path, "is neither UTF-8 nor cp1251 nor koi8-r text", "re-save it as UTF-8")
    score, enc, text = max(candidates)
    if score < 0.2:
        raise SourceError(path, "is not UTF-8 and does not read as Russian in cp1251 or koi8-r",
                          "re-save it as UTF-8")
    return text, enc.replace("_", "-")


def sniff_binary(data: bytes) -> str | None:
    """Name the kind of a binary file, or None when the bytes may be text."""
    for magic, what in _MAGIC:
        if data.startswith(magic):
            return what
    head = data[:4096]
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "binary data (it contains NUL bytes)"
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13))
    if head and controls / len(head) > 0.05:
        return "binary data (it contains control characters)"
    return None


def read_source(path: Path, root: Path | None = None) -> Source:
    """Read one file; raise SourceError with a one-line reason if it cannot be ingested."""
    path = Path(path)
    name = source_name(path, root)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise SourceError(path, f"cannot be read ({exc.strerror})", "check the path and permissions") from exc
    if size > MAX_BYTES:
        raise SourceError(path, f"is {size // (1024 * 1024)} MiB, larger than the {MAX_BYTES // (1024 * 1024)} MiB a transcription may be",
                          "split it into one file per document")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SourceError(path, f"cannot be read ({exc.strerror})", "check the path and permissions") from exc
    if not data.strip():
        raise SourceError(path, "is empty", "remove it or add its transcription")
    what = sniff_binary(data)
    if what:
        raise SourceError(path, f"is {what}, not a text transcription",
                          "give opis the transcription, or ingest scans when scan support lands")
    text, encoding = decode(data, path)
    if not text.strip():
        raise SourceError(path, "holds only white space", "remove it or add its transcription")
    from opis.translate.pairing import companion_of, companions

    translations = () if companion_of(path) else tuple(
        (lang, read_source(f, root)) for lang, f in companions(path))
    return Source(path=path, name=name, data=data, text=text, encoding=encoding, translations=translations)


@dataclass(frozen=True, slots=True)
class BatchFile:
    """One file of a batch; `facsimile_of` names the HTR files beside a page image that
    name it (`opis.ingest.scans.facsimiles`): the image is then their record's facsimile,
    unless none of them makes a record (`opis.ingest.scans.facsimile_home`)."""

    path: Path
    root: Path | None
    facsimile_of: tuple[Path, ...] = ()


def iter_batch(paths: list[Path]) -> Iterator[BatchFile]:
    """Expand files and folders into the files of a batch, in a stable order, lazily
    (folder by folder).

    Hidden files and folders are skipped; files in folders are taken when their suffix is
    a text suffix or they are scans (`opis.ingest.scans.is_scan`), and every file named
    explicitly is taken whatever its suffix. A translation beside its original (`x.en.txt`
    by `x.txt`) is read with the original, never as a file of its own. A page image that
    an HTR file of the same folder in the batch names is still listed, marked as that
    file's facsimile, so that the report accounts for it.
    """
    from opis.ingest.scans import facsimiles
    from opis.translate.pairing import companion_of

    paths = [Path(p) for p in paths]
    named = [p for p in paths if not p.is_dir() and companion_of(p) is None]
    named_facsimiles = facsimiles(named)
    for p in paths:
        if p.is_dir():
            for dirpath, dirnames, filenames in os.walk(p):
                dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
                files = [f for f in (Path(dirpath) / name for name in sorted(filenames)) if _in_folder_batch(f)]
                found = facsimiles(files)
                for f in files:
                    yield BatchFile(f, p, found.get(f, ()))
        elif companion_of(p) is None:
            yield BatchFile(p, None, named_facsimiles.get(p, ()))


def _in_folder_batch(f: Path) -> bool:
    from opis.translate.pairing import companion_of

    return (not f.name.startswith(".") and f.is_file()
            and (f.suffix.lower() in TEXT_SUFFIXES or _is_scan(f))
            and companion_of(f) is None)


def iter_source_paths(paths: list[Path]) -> Iterator[tuple[Path, Path | None]]:
    """The (file, root) pairs of `iter_batch`."""
    for entry in iter_batch(paths):
        yield entry.path, entry.root


def source_name(path: Path, root: Path | None) -> str:
    """A file's name in the archive: its path under the folder ingested, else its name."""
    path = Path(path)
    return str(path.relative_to(root)) if root is not None and path != root else path.name


def _is_scan(path: Path) -> bool:
    """Scans and HTR files (PDF, TIFF, PNG, JPEG, PAGE XML, ALTO): `opis.ingest.scans`."""
    from opis.ingest.scans import is_scan

    return is_scan(path)


def count_source_paths(paths: list[Path]) -> int:
    """How many files `iter_batch` will list (for the progress bar): facsimiles too, as
    each gets its line in the report."""
    return sum(1 for _ in iter_batch(paths))
