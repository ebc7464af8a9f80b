"""Page texts → the record: the pages' texts joined (a blank line between pages) become
the record's text, read by the same reader and splitter as a transcription; each `Page`
keeps its stretch of that text and its zones in the record's text offsets, which the
diplomatic layer maps into (`Document.to_source`); `pb` spans mark where each page begins
in the diplomatic and reading layers; words Tesseract was unsure of become `ocr_suspect`
spans on the reading layer, the same shape `opis.entities.suspects` makes."""

from __future__ import annotations

from PIL import Image

from opis.model import Document, OffsetMap, Page, Record, Span, Zone
from opis.scan.images import page_bytes
from opis.scan.text import PageText

PAGE_SEPARATOR = "\n\n"
LOW_CONFIDENCE = 0.6  # Tesseract's word confidence below which a word is a suspect


def join_pages(texts: list[PageText], images: list[tuple[bytes, str] | None]) -> tuple[str, list[Page]]:
    parts: list[str] = []
    pages: list[Page] = []
    pos = 0
    for seq, (pt, img) in enumerate(zip(texts, images)):
        if seq:
            parts.append(PAGE_SEPARATOR)
            pos += len(PAGE_SEPARATOR)
        parts.append(pt.text)
        data, media = img if img is not None else (b"", "")
        pages.append(Page(seq=seq, start=pos, end=pos + len(pt.text), width=pt.width, height=pt.height,
                          image=data, media_type=media, method=pt.method, language=pt.language,
                          label=str(seq + 1),
                          zones=[Zone(z.start + pos, z.end + pos, z.x, z.y, z.w, z.h, z.kind, z.conf)
                                 for z in pt.zones]))
        pos += len(pt.text)
    return "".join(parts), pages


def images_for(frames: list[Image.Image], original: bytes | None) -> list[tuple[bytes, str]]:
    """A one-page PNG or JPEG shows its own bytes; anything else is re-encoded per page."""
    one = original if len(frames) == 1 else None
    return [page_bytes(f, one) for f in frames]


def child_offset(m: OffsetMap, parent_pos: int) -> int | None:
    """Offset in the derived text of a parent position that survives, None if it does not."""
    for r in m.runs:
        if r.parent <= parent_pos < r.parent + r.length or (r.length and parent_pos == r.parent + r.length):
            return r.child + (parent_pos - r.parent)
    return None


def diplomatic_zones(doc: Document, page: Page) -> list[tuple[int, int, Zone]]:
    """The page's zones inside `doc`, keyed by diplomatic offsets (start, end, zone)."""
    out = []
    for z in page.zones:
        if z.start < doc.source_start or z.end > doc.source_end:
            continue
        s = child_offset(doc.diplomatic.to_parent, z.start)
        e = child_offset(doc.diplomatic.to_parent, z.end)
        if s is not None and e is not None and e >= s:
            out.append((s, e, z))
    return out


def mark_page_breaks(record: Record) -> None:
    """A zero-width `pb` span where each page begins, in every document it begins in."""
    for doc in record.documents:
        for layer in (doc.diplomatic, doc.reading):
            layer.spans = [s for s in layer.spans if s.kind != "pb"]
        for page in record.pages:
            if not (doc.source_start <= page.start < doc.source_end) and not (
                    page.start == doc.source_start == doc.source_end):
                continue
            d = child_offset(doc.diplomatic.to_parent, page.start)
            if d is None:
                continue
            attrs = {"n": page.label or str(page.seq + 1), "page": page.seq}
            if page.image:
                attrs["facs"] = page.image_sha256
            doc.diplomatic.spans.append(Span(d, d, "pb", dict(attrs)))
            r = child_offset(doc.reading.to_parent, d)
            if r is not None:
                doc.reading.spans.append(Span(r, r, "pb", dict(attrs)))
        for layer in (doc.diplomatic, doc.reading):
            layer.spans.sort(key=lambda sp: (sp.start, -sp.end))


def mark_low_confidence(record: Record, threshold: float = LOW_CONFIDENCE) -> None:
    """Words the OCR engine was unsure of become `ocr_suspect` spans on the reading layer,
    beside any the dictionary check found (a word it already flagged is left to it). Runs
    after the enrichment steps, whose `suspects` step rewrites that kind of span."""
    from opis.entities.suspects import Suspect, dictionary_suggestions

    for doc in record.documents:
        taken = {(s.start, s.end) for s in doc.reading.spans if s.kind == "ocr_suspect"}
        added = []
        for page in record.pages:
            for s, e, z in diplomatic_zones(doc, page):
                if z.kind != "word" or z.conf is None or z.conf >= threshold:
                    continue
                rs = child_offset(doc.reading.to_parent, s)
                re_ = child_offset(doc.reading.to_parent, e)
                if rs is None or re_ is None or re_ <= rs or (rs, re_) in taken:
                    continue
                word = doc.reading.text[rs:re_]
                core = word.strip(".,;:!?()«»\"'")
                sugg = [w for w, _ in dictionary_suggestions(core)] if len(core) >= 3 and core.isalpha() else []
                added.append(Suspect(rs, re_, word, sugg, round(z.conf, 2), "ocr.low_confidence").as_span())
        if added:
            doc.reading.spans.extend(added)
            doc.reading.spans.sort(key=lambda sp: (sp.start, -sp.end))
