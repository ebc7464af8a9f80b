"""Build `Document`s from transcription text."""

from __future__ import annotations

from opis.model import Document
from opis.read.markup import parse_markup


def document_from_text(
    text: str,
    seq: int = 0,
    source_start: int = 0,
    language: str | None = None,
    first_line: int = 1,
    warnings: list[str] | None = None,
) -> Document:
    """One document from the slice of a record's text that starts at `source_start`.

    Markup warnings are appended to `warnings` when a list is given.
    """
    parsed = parse_markup(text, base=source_start, first_line=first_line)
    if warnings is not None:
        warnings.extend(parsed.warnings)
    parsed.diplomatic.language = parsed.reading.language = language
    return Document(
        seq=seq,
        source_start=source_start,
        source_end=source_start + len(text),
        diplomatic=parsed.diplomatic,
        reading=parsed.reading,
        language=language,
    )
