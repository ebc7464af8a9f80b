"""Ingest a batch of files into a store: one transaction per record, failures isolated.

With `workers > 1` the costly part (decoding, reading markup, NER, extraction) runs in
worker processes while this process alone writes to the store, one transaction per
record. Files stream through a bounded window, so memory does not grow with the corpus,
and a killed ingest resumes cleanly: every record is either fully stored or absent, and
re-running skips what is already there.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

from opis.ingest.build import record_from_source
from opis.ingest.sources import SourceError, count_source_paths, iter_batch, read_source, source_name
from opis.model import Record, record_id
from opis.pipeline import DEFAULT_STEPS, enrich_record
from opis.translate.pairing import source_fingerprint

ADDED, UPDATED, UNCHANGED, FAILED = "added", "updated", "unchanged", "failed"
# a page image shown as the facsimile of the HTR file beside it, not a record of its own
FACSIMILE = "facsimile"


@dataclass(slots=True)
class Outcome:
    path: str
    status: str
    record_id: str | None = None
    message: str = ""
    warnings: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Summary:
    """What an ingest did: counts per status, and the outcome of each file worth telling
    (all of them when `keep_all`, else only failures and files with warnings, so that
    ingesting a corpus of any size keeps memory flat)."""

    outcomes: list[Outcome] = field(default_factory=list)
    keep_all: bool = True
    counts: dict[str, int] = field(default_factory=dict)
    seen: int = 0

    def add(self, outcome: Outcome) -> None:
        self.seen += 1
        self.counts[outcome.status] = self.counts.get(outcome.status, 0) + 1
        if self.keep_all or outcome.status == FAILED or outcome.warnings:
            self.outcomes.append(outcome)

    def count(self, status: str) -> int:
        return self.counts.get(status, 0)

    @property
    def failed(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == FAILED]

    def line(self) -> str:
        """The one-line report: every file listed is counted once, page images kept as
        facsimiles of their HTR records too."""
        line = (f"{self.count(ADDED)} added, {self.count(UPDATED)} updated, "
                f"{self.count(UNCHANGED)} unchanged, {self.count(FAILED)} failed")
        n = self.count(FACSIMILE)
        if n:
            s = "s" if n != 1 else ""
            line += f", {n} page image{s} kept as facsimile{s} of HTR records"
        return line

    def to_json(self) -> dict:
        return {
            "added": self.count(ADDED),
            "updated": self.count(UPDATED),
            "unchanged": self.count(UNCHANGED),
            "failed": self.count(FAILED),
            "facsimile": self.count(FACSIMILE),
            "files": [
                {"path": o.path, "status": o.status, "record_id": o.record_id,
                 "message": o.message, "warnings": o.warnings}
                for o in self.outcomes
            ],
        }


@dataclass(frozen=True, slots=True)
class _Job:
    path: Path
    root: Path | None
    collection: str
    steps: tuple[str, ...]
    visibility: str
    known_sha256: str | None  # what the store holds for this record now
    facsimile_of: tuple[Path, ...] = ()  # HTR files beside this image that name it
    stored_alone: bool = False  # such an image is also a record of its own, from an earlier ingest
    known_images: tuple[str, ...] = ()  # page images the stored version of an HTR record shows


def _stored(store, rid: str) -> tuple[str | None, bool, tuple[str, ...]]:
    """The hash of the bytes a record was last saved from (with its translation files' and
    page images'), to skip unchanged files before the costly enrichment steps run; whether
    the record is there and not deleted; and the page images its HTR file was read with."""
    from sqlalchemy import select

    from opis.ingest.scans import PAGE_IMAGES
    from opis.store.schema import records
    from opis.translate.pairing import fingerprint

    with store.engine.connect() as conn:
        row = conn.execute(select(records.c.sha256, records.c.meta, records.c.deleted_at)
                           .where(records.c.id == rid)).first()
    if row is None:
        return None, False, ()
    shown = tuple(e["file"] for e in (row.meta or {}).get(PAGE_IMAGES, []) if e.get("sha256"))
    return fingerprint(row.sha256, row.meta), row.deleted_at is None, shown


def _build(job: _Job) -> Record | Outcome:
    """Read and enrich one file (runs in a worker); problems become FAILED outcomes."""
    from opis.ingest.scans import finish_scan_record, is_scan, read_scan, record_from_scan, warn_of_images_gone

    try:
        if job.facsimile_of:
            outcome = _as_facsimile(job)
            if outcome is not None:
                return outcome
        scan = is_scan(job.path)  # images, PDFs, PAGE/ALTO go to the scan importer
        source = read_scan(job.path, job.root) if scan else read_source(job.path, job.root)
        if job.known_sha256 == source_fingerprint(source):
            return Outcome(str(job.path), UNCHANGED, record_id(job.collection, source.name))
        if scan:
            record = record_from_scan(source, collection=job.collection)
            warn_of_images_gone(record, job.known_images)
        else:
            record = record_from_source(source, collection=job.collection)
        record.visibility = job.visibility
        enrich_record(record, job.steps)
        finish_scan_record(record)
        return record
    except SourceError as exc:
        return Outcome(str(job.path), FAILED, message=str(exc))
    except Exception as exc:  # one bad file must not stop the batch
        return Outcome(str(job.path), FAILED,
                       message=f"{job.path}: could not be ingested ({type(exc).__name__}: {exc}); "
                               "please report this with the file")


def _as_facsimile(job: _Job) -> Outcome | None:
    """The outcome of a page image that its HTR file's record shows, or None when that file
    makes no record (the image is then read on its own, as before it had one). Decided
    from the files alone, so any number of workers decides the same."""
    from opis.ingest.scans import facsimile_home

    home = facsimile_home(job.path, job.facsimile_of)
    if home is None:
        return None
    home_name = source_name(home, job.root)
    outcome = Outcome(str(job.path), FACSIMILE, record_id(job.collection, home_name),
                      message=f"facsimile of {home_name}")
    if job.stored_alone:
        own = record_id(job.collection, source_name(job.path, job.root))
        outcome.warnings.append(f"an earlier ingest stored this image as a record of its own ({own}); "
                                f"it is left as it is: `opis delete {own}` hides it")
    return outcome


def _build_packed(job: _Job) -> bytes:
    """`_build` in a worker, pickled there, so that a result that cannot travel between
    processes becomes a FAILED outcome instead of stalling the pool."""
    built = _build(job)
    if isinstance(built, Record):
        from opis.store.repository import paragraph_rows

        try:  # the index analysis is the costliest part of saving: do it here, in parallel
            built = (built, paragraph_rows(built))
        except Exception as exc:
            built = Outcome(str(job.path), FAILED,
                            message=f"{job.path}: could not be indexed ({type(exc).__name__}: {exc})")
    try:
        return pickle.dumps(built)
    except Exception as exc:
        return pickle.dumps(Outcome(str(job.path), FAILED,
                                    message=f"{job.path}: could not be passed between processes "
                                            f"({type(exc).__name__}: {exc}); ingest it with --workers 1"))


def _unpack(job: _Job, packed: bytes) -> Record | Outcome | tuple:
    try:
        return pickle.loads(packed)
    except Exception as exc:
        return Outcome(str(job.path), FAILED,
                       message=f"{job.path}: could not be passed between processes "
                               f"({type(exc).__name__}: {exc}); ingest it with --workers 1")


def _save(store, job: _Job, built: Record | Outcome | tuple) -> Outcome:
    """Store a built record (with its analysed paragraphs when a worker made them)."""
    if isinstance(built, Outcome):
        return built
    built, rows = built if isinstance(built, tuple) else (built, None)
    try:
        status = store.save_record(built, paragraphs_of=rows)
    except Exception as exc:
        return Outcome(str(job.path), FAILED,
                       message=f"{job.path}: could not be stored ({type(exc).__name__}: {exc}); "
                               "nothing of it was written")
    return Outcome(str(job.path), status, built.id, warnings=list(built.warnings))


def _jobs(paths: Iterable[Path], store, collection: str, steps: tuple[str, ...],
          visibility: str) -> Iterator[_Job]:
    for entry in iter_batch([Path(p) for p in paths]):
        known, live, shown = _stored(store, record_id(collection, source_name(entry.path, entry.root)))
        yield _Job(entry.path, entry.root, collection, steps, visibility, known, entry.facsimile_of,
                   live and bool(entry.facsimile_of), shown)


def ingest_one(path: Path, root: Path | None, store, collection: str = "default",
               steps: Iterable[str] | None = None, visibility: str = "public") -> Outcome:
    """Ingest one file; every problem becomes a FAILED outcome, never an exception."""
    name = source_name(path, root)
    known, _, shown = _stored(store, record_id(collection, name))
    job = _Job(Path(path), root, collection,
               tuple(steps) if steps is not None else DEFAULT_STEPS, visibility, known, known_images=shown)
    return _save(store, job, _build(job))


def _warm_up(steps: tuple[str, ...]) -> None:
    """Load models once in the parent, so forked workers share them copy-on-write."""
    probe = Record("warm-up.txt", b"", "utf-8", "transcription", "")
    from opis.read.document import document_from_text

    probe.documents.append(document_from_text("Товарищу Сталину И.В.\n\nМосква, 1 мая 1950 г."))
    try:
        enrich_record(probe, steps)
    except Exception:
        pass  # a broken step will report itself on the first real file


def ingest_paths(paths: Iterable[Path], store, collection: str = "default",
                 steps: Iterable[str] | None = None, visibility: str = "public",
                 on_file: Callable[[Outcome, int, int], None] | None = None,
                 workers: int = 1, keep_all: bool = True) -> Summary:
    """Ingest files and folders; `keep_all=False` keeps only the outcomes worth telling
    (failures, warnings) besides the counts, for corpora of any size."""
    paths = [Path(p) for p in paths]
    steps = tuple(steps) if steps is not None else DEFAULT_STEPS
    total = count_source_paths(paths)
    summary = Summary(keep_all=keep_all)
    jobs = _jobs(paths, store, collection, steps, visibility)

    def report(outcome: Outcome) -> None:
        summary.add(outcome)
        if on_file:
            on_file(outcome, summary.seen, total)

    if workers <= 1:
        for job in jobs:
            report(_save(store, job, _build(job)))
        return summary

    _warm_up(steps)
    store.engine.dispose()  # no pooled connection may be shared with forked workers
    methods = multiprocessing.get_all_start_methods()
    ctx = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    window = max(4, workers * 4)  # jobs in flight: bounds memory on any corpus size
    with ctx.Pool(processes=workers) as pool:
        pending: list[tuple[_Job, object]] = []
        for job in jobs:
            pending.append((job, pool.apply_async(_build_packed, (job,))))
            while len(pending) >= window:
                done_job, result = pending.pop(0)
                report(_save(store, done_job, _unpack(done_job, result.get())))
        for done_job, result in pending:
            report(_save(store, done_job, _unpack(done_job, result.get())))
    return summary


def default_workers() -> int:
    return max(1, (os.cpu_count() or 1))
