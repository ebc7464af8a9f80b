"""Schemathesis against the site's own OpenAPI description (issue #9: "finds no server
error and no response that breaks the schema").

Every operation in /openapi.json is called in-process (ASGI) with the requests
schemathesis makes from the description (its coverage phase: boundaries, missing and
wrongly typed values; then fuzzing), valid ones (positive) and invalid ones (negative).
Each answer goes through schemathesis' default checks: no 5xx, only documented status
codes, documented content types, bodies and headers that fit their schemas, invalid input
refused with a 4xx, valid input accepted (with one exception, `justified_400`), and
authentication enforced where it is required. Random ids mostly meet 404s, so each
operation with an id in its path also gets valid requests naming real records and
entities of the archive (the seeds and one restricted record), whose 200 answers and
their shapes are checked.

It runs twice: as an anonymous reader, and with an editor's API token (Bearer), who
also sees the restricted record and may call the editors' JSON API (/api). Failures are
collected, not raised at the first, so a failing run lists every kind of failure of every
operation with one example each (and a curl line to reproduce it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

schemathesis = pytest.importorskip("schemathesis")

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.specs.openapi.checks import positive_data_acceptance

from opis.access.accounts import create_token, create_user
from opis.ingest.runner import ingest_paths
from opis.model import record_id
from opis.review.corrections import CorrectionError, field_value
from opis.search.query import QueryError, parse
from opis.store.repository import Store

# fuzzed examples per operation (fewer with the path pinned to a real record, where only the
# query or body varies); derandomized, so every run makes the same requests
MAX_EXAMPLES, MAX_PINNED = 30, 10
SETTINGS = settings(max_examples=MAX_EXAMPLES, derandomize=True, database=None, deadline=None,
                    suppress_health_check=list(HealthCheck))
RESTRICTED_TEXT = "Секретно\n\nСправка о переговорах в Берлине, 14 июня 1958 г. Только для редакторов.\n"


@dataclass(frozen=True)
class Fuzzed:
    app: Any
    records: list[str]
    restricted: str
    entities: list[str]
    editor_token: str


@pytest.fixture(scope="module")
def fuzzed(tmp_path_factory, make_database_url, seeds_dir: Path):
    """The seeds plus one restricted record, and an editor's API token."""
    from opis.web import queries
    from opis.web.app import create_app

    secret = tmp_path_factory.mktemp("schemathesis-secret")
    (secret / "restricted_note.txt").write_text(RESTRICTED_TEXT, encoding="utf-8")
    db = make_database_url("fuzz")
    store = Store.open(db)
    try:
        seeds = sorted(seeds_dir.glob("*.txt"))
        for paths, visibility in ((seeds, "public"), ([secret], "restricted")):
            summary = ingest_paths(paths, store, collection="fuzz", visibility=visibility)
            assert not summary.failed, [o.message for o in summary.failed]
        create_user(store, "ed", "editor", "a long editor password")
        editor_token = create_token(store, "ed")
        entities = [e["id"] for e in queries.entity_index(store.engine, limit=5)]
    finally:
        store.close()
    app = create_app(db)
    yield Fuzzed(app=app, records=[record_id("fuzz", p.name) for p in seeds],
                 restricted=record_id("fuzz", "restricted_note.txt"), entities=entities, editor_token=editor_token)
    app.state.store.close()


def _pins(operation: Any, fuzzed: Fuzzed, editor: bool) -> list[dict[str, Any]]:
    """Path parameters naming things that exist, so answers other than 404 are met."""
    names = {p.name for p in operation.path_parameters}
    if "record_id" in names:
        ids = fuzzed.records + ([fuzzed.restricted] if editor else [])
        pins = [{"record_id": rid} for rid in ids]
        if "number" in names:
            pins = [dict(p, number=1) for p in pins]
        return pins
    if "entity_id" in names:
        return [{"entity_id": eid} for eid in fuzzed.entities]
    return []


def justified_400(case: Any) -> bool:
    """Whether a 400 for a schema-valid request is the archive applying a rule JSON Schema
    cannot state, judged by the rule's own code: the query language's grammar, a passage
    whose START is not before its END (or a translation's outside the parallel view), a
    correction the review module refuses (a date that does not exist, a text too long)."""
    query = case.query or {}
    q = (query.get("q") or "").strip() if isinstance(query.get("q"), str) else ""
    if q:
        try:
            parse(q)
        except QueryError:
            return True
    m = re.fullmatch(r"(?:([a-z]{2}):)?([0-9]{1,9})-([0-9]{1,9})", str(query.get("at") or ""))
    if m and (int(m[2]) >= int(m[3]) or m[1] and query.get("view") != "parallel"):
        return True
    body = case.body if isinstance(case.body, dict) else {}
    if "field" in body:
        try:
            field_value(body["field"], body.get("value"))
        except CorrectionError:
            return True
    return False


def accepts_valid_data(ctx: Any, response: Any, case: Any) -> bool | None:
    """schemathesis' positive_data_acceptance, except for the 400s `justified_400` explains."""
    if response.status_code == 400 and justified_400(case):
        return None
    return positive_data_acceptance(ctx, response, case)


def _titles(exc: BaseException) -> list[str]:
    if isinstance(exc, BaseExceptionGroup):
        return [t for e in exc.exceptions for t in _titles(e)]
    return [getattr(exc, "title", None) or type(exc).__name__]


Found = dict[tuple[str, str], str]  # (operation, failure) -> the report of its first example


def call_and_check(case: Any, headers: dict[str, str], found: Found, where: str) -> None:
    """Send one case and run the checks; failures are kept in `found`, not raised, so one
    run lists every kind of failure of every operation."""
    try:
        case.call_and_validate(headers=headers, excluded_checks=[positive_data_acceptance],
                               additional_checks=[accepts_valid_data])
    except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001  (a FailureGroup, or what the call raised)
        phase = f"{case.meta.phase.name}, {case.meta.generation.mode}" if case.meta else "?"
        for title in _titles(exc):
            found.setdefault((case.operation.label, title), f"{phase}, path {where}:\n{exc}")


def every_phase(schema: Any, headers: dict[str, str], found: Found) -> int:
    """Each operation as schemathesis' own test builder makes it (the one behind its pytest
    plugin, whose fixture-based decorator pytest 9 breaks): explicit examples, the coverage
    phase (boundaries, missing and wrongly typed values) and fuzzing, positive and negative."""
    from schemathesis.pytest.lazy import get_all_tests

    operations = 0

    def test(case: Any) -> None:
        call_and_check(case, headers, found, "generated")

    for result in get_all_tests(schema=schema, test_func=test, settings=SETTINGS, given_kwargs=None):
        _operation, run = result.ok()
        run()
        operations += 1
    return operations


def pinned(operation: Any, headers: dict[str, str], pin: dict[str, Any], found: Found) -> None:
    """Valid requests with the path naming something that exists."""

    @settings(SETTINGS, max_examples=MAX_PINNED)
    @given(data=st.data())
    def run(data: st.DataObject) -> None:
        call_and_check(data.draw(operation.as_strategy(path_parameters=pin)), headers, found, str(pin))

    run()


def walk(fuzzed: Fuzzed, headers: dict[str, str], editor: bool) -> tuple[Found, int]:
    schema = schemathesis.openapi.from_asgi("/openapi.json", fuzzed.app)
    found: Found = {}
    operations = every_phase(schema, headers, found)
    for result in schema.get_all_operations():
        operation = result.ok()
        for pin in _pins(operation, fuzzed, editor):
            pinned(operation, headers, pin, found)
    return found, operations


def report(found: Found) -> str:
    summary = "\n".join(f"- {label}: {title}" for label, title in found)
    return f"schemathesis found {len(found)} kind(s) of failure:\n{summary}\n\n" + "\n\n".join(
        f"{label}, {text}" for (label, _), text in found.items())


@pytest.mark.parametrize("who", ["anonymous", "editor"])
def test_schemathesis_finds_nothing(fuzzed: Fuzzed, who: str) -> None:
    headers = {"Authorization": f"Bearer {fuzzed.editor_token}"} if who == "editor" else {}
    found, operations = walk(fuzzed, headers, editor=who == "editor")
    assert operations >= 18, "the OpenAPI description lost operations"
    assert not found, report(found)


def test_a_server_error_would_be_found(fuzzed: Fuzzed, monkeypatch) -> None:
    """The harness can fail: break one route (its query raises) and the walk reports it."""
    from opis.web import queries

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("a bug")

    monkeypatch.setattr(queries, "entity_index", broken)
    schema = schemathesis.openapi.from_asgi("/openapi.json", fuzzed.app).include(path="/entities.json")
    found: Found = {}
    assert every_phase(schema, {}, found) == 1
    assert ("GET /entities.json", "Server error") in found, list(found)
