"""The `opis` command line: ingest, search, show, extract, eval, serve."""

from __future__ import annotations

import json
import os
import sys

# natasha's small matrices gain nothing from BLAS threads, which only contend with our
# own worker processes (measured: the same speed on one thread, half the CPU); set
# before anything imports numpy, and only where the user has not chosen otherwise
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")
from enum import Enum
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

app = typer.Typer(
    help="opis: turn archival transcriptions into a searchable, citable archive.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,  # never print document text held in variables
)
console = Console()
err = Console(stderr=True)

DEFAULT_DB = "opis.db"


class Fmt(str, Enum):
    text = "text"
    json = "json"


def db_url(db: Optional[str]) -> str:
    """--db, else OPIS_DB, else opis.db in the working folder."""
    return db or os.environ.get("OPIS_DB") or DEFAULT_DB


DbOption = typer.Option(None, "--db", help="Database: a SQLite file or a postgresql:// URL "
                        "(default: $OPIS_DB or ./opis.db).")
FormatOption = typer.Option(Fmt.text, "--format", "-f", help="Output format.")


def open_store(db: Optional[str]):
    from opis.store.repository import Store

    return Store.open(db_url(db))


def _dump(data) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


@app.command()
def ingest(
    paths: list[Path] = typer.Argument(..., help="Files or folders of transcriptions."),
    db: Optional[str] = DbOption,
    collection: str = typer.Option("default", help="Collection the records belong to."),
    restricted: bool = typer.Option(False, "--restricted", help="Store the records as restricted."),
    skip: list[str] = typer.Option([], "--skip", help="Enrichment step to skip (entities, suspects, metadata)."),
    workers: int = typer.Option(1, "--workers", "-w", min=1, help="Worker processes (0 < N <= cores is sensible)."),
    fmt: Fmt = FormatOption,
) -> None:
    """Add transcriptions and published records to the archive (re-ingest is idempotent)."""
    from opis.ingest.runner import FAILED, ingest_paths
    from opis.pipeline import DEFAULT_STEPS

    store = open_store(db)
    unknown = sorted(set(skip) - set(DEFAULT_STEPS))
    if unknown:
        err.print(f"[red]error[/red] unknown step {', '.join(unknown)}: --skip takes "
                  f"{', '.join(DEFAULT_STEPS)}", highlight=False)
        raise typer.Exit(2)
    steps = [s for s in DEFAULT_STEPS if s not in skip]
    visibility = "restricted" if restricted else "public"
    if fmt is Fmt.json:
        summary = ingest_paths(paths, store, collection, steps, visibility, workers=workers)
    else:
        with Progress(TextColumn("[bold]Ingesting"), BarColumn(), MofNCompleteColumn(),
                      TextColumn("{task.description}"), TimeElapsedColumn(),
                      console=err, transient=True) as progress:
            task = progress.add_task("", total=None)

            def on_file(outcome, i, total):
                progress.update(task, completed=i, total=total, description=Path(outcome.path).name)
                if outcome.status == FAILED:
                    progress.console.print(f"[red]error[/red] {outcome.message}", markup=True, highlight=False)

            summary = ingest_paths(paths, store, collection, steps, visibility, on_file=on_file,
                                   workers=workers)
    if fmt is Fmt.json:
        _dump(summary.to_json())
    else:
        for o in summary.outcomes:
            for w in o.warnings:
                err.print(f"[yellow]warning[/yellow] {o.path}: {w}", highlight=False)
        console.print(
            f"{summary.count('added')} added, {summary.count('updated')} updated, "
            f"{summary.count('unchanged')} unchanged, {summary.count('failed')} failed",
            highlight=False,
        )
    if summary.failed:
        raise typer.Exit(1)


@app.command()
def search(
    query: str = typer.Argument(..., help='Words (any case form), "phrases", prefix*, OR, NOT.'),
    db: Optional[str] = DbOption,
    limit: int = typer.Option(20, help="How many results."),
    offset: int = typer.Option(0, help="Skip this many results."),
    sort: str = typer.Option("relevance", help="relevance or date."),
    fmt: Fmt = FormatOption,
) -> None:
    """Search the archive with Russian morphology."""
    from opis.search.query import QueryError
    from opis.search.service import results_to_json, run_search

    store = open_store(db)
    try:
        results = run_search(store, query, limit=limit, offset=offset, sort=sort)
    except QueryError as exc:
        err.print(f"[red]error[/red] {exc}", highlight=False)
        raise typer.Exit(2)
    if fmt is Fmt.json:
        _dump(results_to_json(query, results))
        return
    if not results.hits:
        console.print(f"No documents match {query!r}.", highlight=False)
        return
    table = Table(title=f"{results.total} document(s) match {query!r}", show_lines=True)
    table.add_column("record")
    table.add_column("title / source")
    table.add_column("snippet")
    from rich.markup import escape

    for hit in results.hits:
        table.add_row(f"{hit.record_id}#{hit.seq}", f"{escape(hit.title)}\n[dim]{escape(hit.source_name)}[/dim]",
                      _marked(hit.snippet))
    console.print(table)


def _marked(snippet):
    """A snippet as rich Text with the matches highlighted (no markup parsing of document text)."""
    from rich.text import Text

    out = Text()
    for text, is_match in snippet:
        out.append(text, style="bold yellow" if is_match else None)
    return out


@app.command()
def show(
    record_id: str = typer.Argument(..., help="Record id (as printed by ingest or search)."),
    db: Optional[str] = DbOption,
    layer: str = typer.Option("reading", help="reading or diplomatic"),
    fmt: Fmt = FormatOption,
) -> None:
    """Show a record: metadata, documents and their text."""
    from opis.export.record_json import record_to_json

    store = open_store(db)
    try:
        record = store.get_record(record_id, include_restricted=True)
    except KeyError:
        record = None
    if record is None:
        err.print(f"[red]error[/red] no record {record_id!r}; `opis search` lists ids", highlight=False)
        raise typer.Exit(1)
    data = record_to_json(record)
    if fmt is Fmt.json:
        _dump(data)
        return
    console.rule(f"[bold]{data['title']}")
    for key in ("id", "source_name", "format", "encoding", "sha256", "visibility", "collection"):
        console.print(f"[bold]{key}:[/bold] {data[key]}", highlight=False)
    for key, value in record.metadata.items():
        console.print(f"[bold]{key}:[/bold] {value}", highlight=False, markup=False)
    for doc in data["documents"]:
        console.rule(f"document {doc['seq'] + 1}: {doc['title'].get('en') or ''}")
        for key in ("date", "doc_type", "classification", "authors", "recipients"):
            if doc.get(key):
                console.print(f"[bold]{key}:[/bold] {json.dumps(doc[key], ensure_ascii=False)}",
                              highlight=False)
        console.print(doc["layers"][layer]["text"], markup=False, highlight=False)


@app.command()
def extract(
    file: Path = typer.Argument(..., help="One transcription or published record."),
    fmt: Fmt = typer.Option(Fmt.json, "--format", "-f"),
) -> None:
    """Extract the documents and their metadata from one file, without a database."""
    from opis.extract.pipeline import extract_file
    from opis.ingest.sources import SourceError

    try:
        docs = extract_file(file)
    except SourceError as exc:
        err.print(f"[red]error[/red] {exc}", highlight=False)
        raise typer.Exit(1)
    if fmt is Fmt.json:
        _dump(docs)
    else:
        for d in docs:
            console.print(f"[bold]{d['title']['en']}[/bold]\n{json.dumps(d['date'], ensure_ascii=False)}",
                          highlight=False)


@app.command()
def translate(
    record_ids: list[str] = typer.Argument(None, help="Record ids; none with --all."),
    db: Optional[str] = DbOption,
    to: str = typer.Option("en", "--to", help="Target language (ISO 639-1)."),
    url: Optional[str] = typer.Option(None, "--url", envvar="OPIS_TRANSLATE_URL",
                                      help="A LibreTranslate-compatible service (else Argos Translate, if installed)."),
    api_key: Optional[str] = typer.Option(None, "--api-key", envvar="OPIS_TRANSLATE_KEY", help="The service's API key."),
    every: bool = typer.Option(False, "--all", help="Every record (those already translated are skipped)."),
    replace: bool = typer.Option(False, "--replace", help="Translate again where a machine translation exists."),
    fmt: Fmt = FormatOption,
) -> None:
    """Machine-translate documents; the translations are labelled as machine translations."""
    from opis.translate.machine import Unavailable, choose_backend, translate_record

    if not record_ids and not every:
        err.print("[red]error[/red] name record ids, or --all", highlight=False)
        raise typer.Exit(2)
    try:
        backend = choose_backend(url, target=to, api_key=api_key)
    except Unavailable as exc:
        err.print(f"opis cannot translate: {exc}.", highlight=False, markup=False)
        raise typer.Exit(1)
    store = open_store(db)
    results = []
    for rid in record_ids or store.record_ids(include_restricted=True):
        try:
            record = store.get_record(rid, include_restricted=True)
        except KeyError:
            results.append({"record_id": rid, "status": "failed", "message": "no such record"})
            continue
        try:
            n = translate_record(record, backend, to, replace=replace)
        except Unavailable as exc:
            results.append({"record_id": rid, "status": "failed", "message": str(exc)})
            continue
        if n:
            store.save_record(record, replace=True)
        results.append({"record_id": rid, "status": "translated" if n else "skipped", "documents": n})
    if fmt is Fmt.json:
        _dump({"engine": backend.name, "target": to, "records": results})
    else:
        for r in results:
            extra = f" ({r['documents']} document(s), machine translation by {backend.name})" if r.get("documents") else ""
            console.print(f"{r['record_id']}: {r['status']}{extra}{': ' + r['message'] if r.get('message') else ''}",
                          highlight=False, markup=False)
    if any(r["status"] == "failed" for r in results):
        raise typer.Exit(1)


@app.command("eval")
def evaluate(
    gold: Path = typer.Argument(Path("tests/gold/metadata.jsonl"), help="Gold file (metadata or entities JSONL)."),
    root: Path = typer.Option(Path("."), help="Folder the gold file's paths are relative to."),
    fmt: Fmt = FormatOption,
) -> None:
    """Score extraction against a gold file: per-field accuracy, or entity P/R/F1."""
    from opis.evaluation import run_evaluation

    tables, data = run_evaluation(gold, root)
    if fmt is Fmt.json:
        _dump(data)
    else:
        for table in tables:
            console.print(table)


class ExportFormat(str, Enum):
    tei = "tei"
    jsonl = "jsonl"
    csv = "csv"


@app.command("export")
def export_archive(
    out: Path = typer.Argument(..., help="A folder (tei, csv) or a file (jsonl; - for standard output)."),
    fmt: ExportFormat = typer.Option(ExportFormat.jsonl, "--format", "-f", help="tei, jsonl or csv."),
    db: Optional[str] = DbOption,
    include_restricted: bool = typer.Option(False, "--include-restricted",
                                            help="Also export restricted records (off by default)."),
) -> None:
    """Export the archive: TEI P5 per record, a lossless JSONL dump, or CSV tables."""
    from opis.export.dump import export_csv, export_jsonl
    from opis.export.tei import export_tei

    store = open_store(db)
    if fmt is ExportFormat.tei:
        paths = export_tei(store, out, include_restricted=include_restricted)
        err.print(f"wrote {len(paths)} TEI file(s) to {out}", highlight=False)
    elif fmt is ExportFormat.csv:
        paths = export_csv(store, out, include_restricted=include_restricted)
        err.print(f"wrote {len(paths)} CSV file(s) to {out}", highlight=False)
    else:
        n = export_jsonl(store, sys.stdout if str(out) == "-" else out, include_restricted=include_restricted)
        err.print(f"wrote {n} line(s) to {out}", highlight=False)


@app.command("import")
def import_archive(
    paths: list[Path] = typer.Argument(..., help="A JSONL dump made by `opis export`, or TEI files made by opis."),
    db: Optional[str] = DbOption,
) -> None:
    """Import a JSONL dump or opis TEI files into the archive (originals included)."""
    from opis.export.dump import import_jsonl
    from opis.export.tei_import import import_tei

    store = open_store(db)
    dumps = [p for p in paths if p.suffix == ".jsonl"]
    teis = [p for p in paths if p.suffix != ".jsonl"]
    counts: dict[str, int] = {}
    try:
        for dump in dumps:
            for key, n in import_jsonl(store, dump).items():
                counts[key] = counts.get(key, 0) + n
        if teis:
            for key, n in import_tei(store, teis).items():
                counts[key] = counts.get(key, 0) + n
    except Exception as exc:  # a bad file is one clear line, never a traceback
        err.print(f"[red]error[/red] {exc}", highlight=False)
        raise typer.Exit(1)
    console.print(", ".join(f"{n} {key}" for key, n in counts.items()) or "nothing imported", highlight=False)


db_app = typer.Typer(help="Database maintenance.", no_args_is_help=True)
app.add_typer(db_app, name="db")


@db_app.command("upgrade")
def db_upgrade(db: Optional[str] = DbOption) -> None:
    """Bring the database schema up to date (Alembic migrations; also done on open)."""
    from opis.store.migrate import upgrade

    before, after = upgrade(db_url(db))
    console.print(f"schema {before or 'empty'} → {after}", highlight=False)


@app.command()
def serve(
    db: Optional[str] = DbOption,
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    port: int = typer.Option(8000, help="Port to listen on."),
) -> None:
    """Publish the archive as a website with a JSON API."""
    import uvicorn

    from opis.web.app import create_app

    url = db_url(db)
    console.print(f"Serving {url} at http://{host}:{port}/  (Ctrl+C stops)", highlight=False)
    uvicorn.run(create_app(url), host=host, port=port, log_level="warning")


@app.command()
def demo(
    db: str = typer.Option("demo.db", "--db", help="Where to build the demo archive."),
    examples: Path = typer.Option(Path("examples"), help="Folder of example documents."),
    port: int = typer.Option(8000, help="Port to serve on."),
    no_serve: bool = typer.Option(False, "--no-serve", help="Build the archive, do not serve it."),
) -> None:
    """Build a demo archive from the examples and serve it on localhost."""
    from opis.ingest.runner import ingest_paths

    store = open_store(db)
    summary = ingest_paths([examples], store)
    console.print(f"demo archive {db}: {summary.count('added')} added, "
                  f"{summary.count('unchanged')} unchanged, {summary.count('failed')} failed",
                  highlight=False)
    for o in summary.failed:
        err.print(f"[yellow]skipped[/yellow] {o.message}", highlight=False)
    if not no_serve:
        serve(db=db, host="127.0.0.1", port=port)


if __name__ == "__main__":
    app()
