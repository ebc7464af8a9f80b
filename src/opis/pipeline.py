"""The enrichment steps that run on every record after reading, in order.

Like spaCy components, each step is a named function `step(record) -> None` that adds to
the record (values, mentions) and never removes; `STEPS` is the registry and
`DEFAULT_STEPS` the order the ingest uses. A step can be switched off by name
(`opis ingest --skip entities`), which the benchmarks use to time ingest without NER.
"""

from __future__ import annotations

from typing import Callable, Iterable

from opis.model import Record

Step = Callable[[Record], None]
STEPS: dict[str, Step] = {}


def step(name: str) -> Callable[[Step], Step]:
    def register(fn: Step) -> Step:
        STEPS[name] = fn
        return fn

    return register


@step("entities")
def recognize_entities(record: Record) -> None:
    from opis.entities.ner import recognize

    for doc in record.documents:
        doc.mentions = recognize(doc)


@step("suspects")
def mark_ocr_suspects(record: Record) -> None:
    """OCR suspects become `ocr_suspect` spans beside the text, never replacing it."""
    from opis.entities.suspects import find_suspects

    for doc in record.documents:
        doc.reading.spans = [s for s in doc.reading.spans if s.kind != "ocr_suspect"]
        doc.reading.spans.extend(s.as_span() for s in find_suspects(doc))


@step("metadata")
def extract_metadata(record: Record) -> None:
    from opis.extract.pipeline import extract_metadata as extract

    for doc in record.documents:
        doc.values = [v for v in doc.values if v.origin == "human"] + extract(doc, record)


DEFAULT_STEPS = ("entities", "suspects", "metadata")


def enrich_record(record: Record, steps: Iterable[str] | None = None) -> Record:
    for name in steps if steps is not None else DEFAULT_STEPS:
        STEPS[name](record)
    return record
