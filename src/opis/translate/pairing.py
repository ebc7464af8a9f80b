"""Translations found at ingest.

- A file `name.en.txt` beside `name.txt` is the English translation of `name.txt`: the two
  make one record whose document carries the translation as layer `translation:en`. The
  translation file's hash is kept in the record's metadata (`translations`), and the
  record's fingerprint (`fingerprint`) covers both files, so re-ingesting the pair does
  nothing and changing either file updates the record. (It covers the page images read
  with a PAGE/ALTO file the same way.)
- A published record may hold the original followed by its translation (its Contents list
  names a "Translation - English"): the translation begins at a heading that says so, or
  else where the text changes from Cyrillic to Latin script for good.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Sequence

from opis.model import Record, content_hash
from opis.translate.align import align
from opis.translate.layers import MACHINE, make_layer, set_layer, store_alignment

# ISO 639-1 codes a companion file may carry (name.en.txt); any other infix is part of the name
LANGUAGES = frozenset("en de fr it es pl cs sk hu ro bg sr hr uk be zh ko ja vi mn fi sv no da nl pt el tr".split())
_HEADING = re.compile(
    r"^[ \t*#\[]*(?:English\s+translation|Translation(?:\s*(?:[-–—:]\s*|\s+(?:from\s+(?:the\s+)?Russian\s+)?(?:in)?to\s+)"
    r"(?P<lang>English))?)[ \t*\]:.]*$",
    re.I | re.M,
)
_TRANSLATION_ITEM = re.compile(r"translation", re.I)


def companion_of(path: Path) -> Path | None:
    """The original a translation file belongs to (`x.en.txt` -> `x.txt`), if it exists."""
    path = Path(path)
    stem, dot, lang = path.stem.rpartition(".")
    if not dot or not stem or lang.lower() not in LANGUAGES:
        return None
    base = path.with_name(stem + path.suffix)
    return base if base.is_file() else None


def companions(path: Path) -> list[tuple[str, Path]]:
    """(language, file) of every translation file beside an original."""
    path = Path(path)
    out = []
    for lang in sorted(LANGUAGES):
        f = path.with_name(f"{path.stem}.{lang}{path.suffix}")
        if f.is_file():
            out.append((lang, f))
    return out


def fingerprint(sha256: str | None, metadata: dict[str, Any] | None) -> str | None:
    """What tells a record's versions apart: its bytes' hash, plus the hash of each
    translation file read with it and of each page image an HTR file was read with
    (`page_images`, `opis.ingest.scans`). A record with neither keeps its bare hash, as
    every fingerprint was before page images counted: transcriptions, PDFs and image
    scans already stored are not updated for it."""
    if sha256 is None:
        return None
    meta = metadata or {}
    parts = sorted(f"{t['language']}:{t['sha256']}" for t in meta.get("translations", []) if t.get("sha256"))
    parts += sorted(f"page:{p['sha256']}:{p['file']}" for p in meta.get("page_images", []) if p.get("sha256"))
    return sha256 + "+" + ",".join(parts) if parts else sha256


def source_fingerprint(source: Any) -> str:
    """`fingerprint` of the record a source would make, from the files alone (no record
    is built), so that an unchanged file is skipped before the costly steps."""
    from opis.ingest.scans import page_image_entries

    meta = {"translations": [{"language": lang, "sha256": content_hash(t.data)}
                             for lang, t in getattr(source, "translations", ())],
            "page_images": page_image_entries(source) if getattr(source, "images", ()) else []}
    return fingerprint(content_hash(source.data), meta) or ""


def attach_file_translations(record: Record, source: Any, split: Any) -> None:
    """Put the translations read beside a source file on the record's documents."""
    entries = []
    for lang, tsource in getattr(source, "translations", ()):
        entries.append({"language": lang, "file": tsource.name, "sha256": content_hash(tsource.data),
                        "encoding": tsource.encoding})
        attach_text(record, tsource.text, lang, source=tsource.name, base=0, split=split)
    if entries:
        record.metadata = {**record.metadata, "translations": entries}


def attach_text(record: Record, text: str, language: str, *, source: str, base: int,
                split: Any, method: str = "human") -> None:
    """Give each document its part of a translation text and align it. With one document
    it takes the whole text; with several, the text is split the same way, and when the
    parts do not match the documents it all goes to the first, with a warning."""
    docs = record.documents
    if not docs:
        return
    parts: Sequence[tuple[int, int]] = [(0, len(text))]
    if len(docs) > 1:
        found = split(text)
        if len(found) == len(docs):
            parts = found
        else:
            record.warnings.append(f"the {language} translation has {len(found)} document(s), the original "
                                   f"{len(docs)}; it is attached whole to the first")
    for doc, (s, e) in zip(docs, parts):
        layer = set_layer(doc, make_layer(text[s:e], language, method=method, source=source,
                                          source_start=base + s))
        store_alignment(doc, layer, align(doc.reading.text, layer.text), origin=MACHINE,
                        method="align:length+anchors")


def _script(text: str) -> str | None:
    from opis.ingest.build import script_language

    return script_language(text)


def split_published(body: str, metadata: dict[str, Any]) -> tuple[int, int, str] | None:
    """Where a published record's translation is: (end of the original, start of the
    translation, language), both offsets into `body`; None when it holds no translation.

    A heading line ("Translation - English", "English Translation", "[Translation from
    Russian]") marks it; without one, a Contents list that names a translation and a
    change from Russian to English script that lasts to the end."""
    from opis.search.lemmas import paragraphs

    for m in _HEADING.finditer(body):
        before, after = body[: m.start()], body[m.end():]
        if _script(before) == "ru" and _script(after) == "en":
            return len(before.rstrip()), m.end() + (len(after) - len(after.lstrip())), "en"
    items = metadata.get("contents") or []
    if not any(_TRANSLATION_ITEM.search(str(i)) for i in items):
        return None
    paras = paragraphs(body)
    langs = [_script(body[s:e]) for s, e in paras]
    for k in range(1, len(paras)):
        rest = [lang for lang in langs[k:] if lang]
        if langs[k] == "en" and rest and all(lang == "en" for lang in rest) and "ru" in langs[:k]:
            return paras[k - 1][1], paras[k][0], "en"
    return None
