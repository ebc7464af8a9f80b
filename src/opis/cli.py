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

            # the text report needs only counts, failures and warnings: memory stays flat
            summary = ingest_paths(paths, store, collection, steps, visibility, on_file=on_file,
                                   workers=workers, keep_all=False)
    if fmt is Fmt.json:
        _dump(summary.to_json())
    else:
        for o in summary.outcomes:
            for w in o.warnings:
                err.print(f"[yellow]warning[/yellow] {o.path}: {w}", highlight=False)
        console.print(summary.line(), highlight=False, soft_wrap=True)
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
            store.save_record(record, replace=True, history=f"translate:{backend.name}")
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
    except Exception as exc:  # a bad file is one clear line (however long), never a traceback
        err.print(f"[red]error[/red] {exc}", highlight=False, soft_wrap=True)
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


# --- accounts, access and review ---------------------------------------------------------

user_app = typer.Typer(help="Accounts of editors and admins (readers need none).", no_args_is_help=True)
app.add_typer(user_app, name="user")


def _cli_viewer():
    """Whoever runs the command line can open the database file, so acts as an admin;
    the history names them by their login."""
    import getpass

    from opis.access.policy import ADMIN, Viewer

    try:
        who = getpass.getuser()
    except Exception:  # no login name (some containers)
        who = "unknown"
    return Viewer(f"cli:{who}", ADMIN)


def _read_password(password_stdin: bool) -> str:
    if password_stdin:
        return sys.stdin.readline().rstrip("\n")
    if os.environ.get("OPIS_PASSWORD"):
        return os.environ["OPIS_PASSWORD"]
    return typer.prompt("Password", hide_input=True, confirmation_prompt=True)


def _fail(message: str) -> None:
    err.print(f"[red]error[/red] {message}", highlight=False)
    raise typer.Exit(1)


PasswordStdin = typer.Option(False, "--password-stdin", help="Read the password from the first line of "
                             "standard input (else $OPIS_PASSWORD, else a prompt).")


@user_app.command("add")
def user_add(
    name: str = typer.Argument(..., help="User name (no spaces)."),
    role: str = typer.Option("editor", "--role", help="reader, editor or admin."),
    password_stdin: bool = PasswordStdin,
    db: Optional[str] = DbOption,
) -> None:
    """Create an account (the password is hashed with argon2; never stored as typed)."""
    from opis.access.accounts import AccountError, create_user

    with open_store(db) as store:
        try:
            user = create_user(store, name, role, _read_password(password_stdin))
        except AccountError as exc:
            _fail(str(exc))
    console.print(f"user {user.name} added as {user.role}", highlight=False)


@user_app.command("list")
def user_list(db: Optional[str] = DbOption) -> None:
    """Accounts and their roles."""
    from opis.access.accounts import list_users

    with open_store(db) as store:
        for u in list_users(store):
            state = " (disabled)" if u["disabled_at"] else ""
            console.print(f"{u['name']}\t{u['role']}{state}", highlight=False)


@user_app.command("password")
def user_password(name: str, password_stdin: bool = PasswordStdin, db: Optional[str] = DbOption) -> None:
    """Set a new password."""
    from opis.access.accounts import AccountError, set_password

    with open_store(db) as store:
        try:
            set_password(store, name, _read_password(password_stdin))
        except AccountError as exc:
            _fail(str(exc))
    console.print(f"password of {name} changed", highlight=False)


@user_app.command("role")
def user_role(name: str, role: str, db: Optional[str] = DbOption) -> None:
    """Change an account's role."""
    from opis.access.accounts import AccountError, set_role

    with open_store(db) as store:
        try:
            set_role(store, name, role)
        except AccountError as exc:
            _fail(str(exc))
    console.print(f"{name} is now {role}", highlight=False)


@user_app.command("disable")
def user_disable(name: str, db: Optional[str] = DbOption) -> None:
    """Disable an account (kept, since the history names it); its tokens stop working."""
    from opis.access.accounts import AccountError, disable_user

    with open_store(db) as store:
        try:
            disable_user(store, name)
        except AccountError as exc:
            _fail(str(exc))
    console.print(f"{name} disabled", highlight=False)


@user_app.command("token")
def user_token(
    name: str,
    label: Optional[str] = typer.Option(None, help="What the token is for."),
    revoke: bool = typer.Option(False, "--revoke", help="Revoke every token of this user instead."),
    db: Optional[str] = DbOption,
) -> None:
    """Make an API token for scripts (shown once; send it as `Authorization: Bearer …`)."""
    from opis.access.accounts import AccountError, create_token, revoke_tokens

    with open_store(db) as store:
        try:
            if revoke:
                console.print(f"{revoke_tokens(store, name)} token(s) revoked", highlight=False)
                return
            sys.stdout.write(create_token(store, name, label) + "\n")
        except AccountError as exc:
            _fail(str(exc))


@app.command("access")
def access(
    target: str = typer.Argument(..., help="A record id, or a collection name with --collection."),
    visibility: str = typer.Option(..., "--visibility", help="public or restricted."),
    embargo: Optional[str] = typer.Option(None, "--embargo", help="Hidden from readers until this day "
                                          "(YYYY-MM-DD); omit for none."),
    collection: bool = typer.Option(False, "--collection", help="TARGET is a collection."),
    db: Optional[str] = DbOption,
) -> None:
    """Set who may see a record or a whole collection (recorded in the history)."""
    from opis.review import service

    with open_store(db) as store:
        try:
            if collection:
                service.set_collection_access(store, _cli_viewer(), target, visibility, embargo)
            else:
                service.set_access(store, _cli_viewer(), target, visibility, embargo)
        except KeyError:
            _fail(f"no record {target} (run `opis show` to find ids)")
        except ValueError as exc:
            _fail(str(exc))
    what = f"collection {target}" if collection else f"record {target}"
    console.print(f"{what}: {visibility}" + (f", embargoed until {embargo}" if embargo else ""), highlight=False)


@app.command("history")
def history_cmd(record_id: str, fmt: Fmt = FormatOption, db: Optional[str] = DbOption) -> None:
    """Every change to a record: who, when, what, old and new."""
    from opis.review.service import history

    with open_store(db) as store:
        events = history(store, record_id)
    if not events:
        _fail(f"no history for {record_id}")
    if fmt is Fmt.json:
        _dump([{**e, "at": e["at"].isoformat()} for e in events])
        return
    for e in events:
        console.print(f"{e['at']:%Y-%m-%d %H:%M} {e['actor']} {e['action']} {e['target'] or ''}: "
                      f"{json.dumps(e['old'], ensure_ascii=False)} → {json.dumps(e['new'], ensure_ascii=False)}",
                      highlight=False)


@app.command("correct")
def correct(
    record_id: str,
    number: int = typer.Argument(..., help="Document number in the record, from 1."),
    field: str = typer.Argument(..., help="date, doc_type, classification, author, recipient, …"),
    value: str = typer.Argument(..., help="The right value (names separated by ';'; empty: none)."),
    db: Optional[str] = DbOption,
) -> None:
    """Correct an extracted field; the machine's value stays stored beside it."""
    from opis.review.corrections import CorrectionError
    from opis.review.service import correct_field

    with open_store(db) as store:
        try:
            ev = correct_field(store, _cli_viewer(), record_id, number, field, value)
        except KeyError:
            _fail(f"no document {number} in record {record_id}")
        except CorrectionError as exc:
            _fail(str(exc))
    console.print(f"{field}: {json.dumps(ev['old']['values'], ensure_ascii=False)} → "
                  f"{json.dumps(ev['new']['values'], ensure_ascii=False)}", highlight=False)


@app.command("reextract")
def reextract(record_ids: list[str] = typer.Argument(..., help="Record ids."), db: Optional[str] = DbOption) -> None:
    """Read and extract stored records again from their bytes; editors' corrections stand."""
    from opis.review.service import rerun_extraction

    with open_store(db) as store:
        for rid in record_ids:
            try:
                out = rerun_extraction(store, _cli_viewer(), rid)
            except KeyError:
                err.print(f"[red]error[/red] no record {rid}", highlight=False)
                continue
            console.print(f"{rid}: {out['documents']} document(s) extracted again", highlight=False)


@app.command("delete")
def delete_cmd(record_id: str, undo: bool = typer.Option(False, "--undo", help="Bring it back."),
               db: Optional[str] = DbOption) -> None:
    """Hide a record from everyone (nothing is removed; `opis purge` removes)."""
    from opis.review.service import delete_record

    with open_store(db) as store:
        try:
            delete_record(store, _cli_viewer(), record_id, deleted=not undo)
        except KeyError:
            _fail(f"no record {record_id}")
    console.print(f"{record_id} {'restored' if undo else 'deleted (hidden)'}", highlight=False)


@app.command("purge")
def purge(record_id: str, confirm: str = typer.Option(..., "--confirm", help="The record id again."),
          db: Optional[str] = DbOption) -> None:
    """Remove a deleted record for good (its history stays)."""
    from opis.review.corrections import CorrectionError
    from opis.review.service import purge_record

    with open_store(db) as store:
        try:
            purge_record(store, _cli_viewer(), record_id, confirm)
        except KeyError:
            _fail(f"no record {record_id}")
        except CorrectionError as exc:
            _fail(str(exc))
    console.print(f"{record_id} purged", highlight=False)


@app.command("queue")
def queue(limit: int = typer.Option(20, help="How many."), fmt: Fmt = FormatOption,
          db: Optional[str] = DbOption) -> None:
    """The review queue: records whose extraction is least sure first."""
    from opis.review.service import review_queue

    with open_store(db) as store:
        rows = review_queue(store, limit=limit)
    if fmt is Fmt.json:
        _dump([{k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in r.items()} for r in rows])
        return
    table = Table("record", "confidence", "weakest field", "source")
    for r in rows:
        table.add_row(r["id"], f"{r['confidence']:.2f}", r["weakest_field"] or "—", r["source_name"])
    console.print(table)


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
    console.print(f"to review and correct it: opis user add NAME --role editor --db {db}, "
                  f"then sign in at http://127.0.0.1:{port}/login", highlight=False)
    if not no_serve:
        serve(db=db, host="127.0.0.1", port=port)


if __name__ == "__main__":
    app()
