"""Ingest a batch of files into a store: one transaction per record, failures isolated."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from opis.ingest.build import record_from_source
from opis.ingest.sources import SourceError, iter_source_paths, read_source
from opis.model import content_hash, record_id
from opis.pipeline import available_steps, enrich_record

ADDED, UPDATED, UNCHANGED, FAILED = "added", "updated", "unchanged", "failed"


@dataclass(slots=True)
class Outcome:
    path: str
    status: str
    record_id: str | None = None
    message: str = ""
    warnings: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Summary:
    outcomes: list[Outcome] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def failed(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == FAILED]

    def to_json(self) -> dict:
        return {
            "added": self.count(ADDED),
            "updated": self.count(UPDATED),
            "unchanged": self.count(UNCHANGED),
            "failed": self.count(FAILED),
            "files": [
                {"path": o.path, "status": o.status, "record_id": o.record_id,
                 "message": o.message, "warnings": o.warnings}
                for o in self.outcomes
            ],
        }


def _current_sha256(store, rid: str) -> str | None:
    """The hash of the bytes a record was last saved from, to skip unchanged files before
    the costly enrichment steps run."""
    from sqlalchemy import select

    from opis.store.schema import records

    with store.engine.connect() as conn:
        return conn.execute(select(records.c.sha256).where(records.c.id == rid)).scalar()


def ingest_one(path: Path, root: Path | None, store, collection: str = "default",
               steps: Iterable[str] | None = None, visibility: str = "public") -> Outcome:
    """Ingest one file; every problem becomes a FAILED outcome, never an exception."""
    try:
        source = read_source(path, root)
        rid = record_id(collection, source.name)
        if _current_sha256(store, rid) == content_hash(source.data):
            return Outcome(str(path), UNCHANGED, rid)
        record = record_from_source(source, collection=collection)
        record.visibility = visibility
        enrich_record(record, list(steps) if steps is not None else available_steps())
        status = store.save_record(record)
        return Outcome(str(path), status, record.id, warnings=list(record.warnings))
    except SourceError as exc:
        return Outcome(str(path), FAILED, message=str(exc))
    except Exception as exc:  # one bad file must not stop the batch
        return Outcome(str(path), FAILED,
                       message=f"{path}: could not be ingested ({type(exc).__name__}: {exc}); "
                               "please report this with the file")


def ingest_paths(paths: Iterable[Path], store, collection: str = "default",
                 steps: Iterable[str] | None = None, visibility: str = "public",
                 on_file: Callable[[Outcome, int, int], None] | None = None) -> Summary:
    files = iter_source_paths([Path(p) for p in paths])
    summary = Summary()
    steps = list(steps) if steps is not None else available_steps()
    for i, (path, root) in enumerate(files, start=1):
        outcome = ingest_one(path, root, store, collection, steps, visibility)
        summary.outcomes.append(outcome)
        if on_file:
            on_file(outcome, i, len(files))
    return summary
