"""The editors' side of the site: the review queue, a document's review page, a record's
history, and the forms that correct, decide, re-run, restore, hide and publish.

Every page is for editors and admins only (`require_editor`: anonymous readers are sent
to the login form, signed-in readers get 403) and, like the rest of the site, has a JSON
twin (`.json`). Every change is a plain HTML form posted with the session's CSRF token
and answered with a 303 redirect back to the page it came from, so nothing needs
JavaScript (the site's CSP allows no inline script anyway). The work itself is done by
`opis.review.service`, which stores each change with its history event; this module only
reads forms, shows errors as pages, and lays out what editors need to decide.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select

from opis.access.policy import PUBLIC, VISIBILITIES, Viewer, access_of
from opis.model import Document, Record, Value
from opis.review import service
from opis.review.corrections import (
    EDITABLE_FIELDS,
    FIELD,
    PARTY_FIELDS,
    CorrectionError,
    is_on,
)
from opis.store.schema import (
    collections,
    corrections,
    documents,
    events,
    records,
    values,
)
from opis.web.auth import AuthError, check_csrf, require_editor, safe_next, viewer_of
from opis.web.present import CLASSIFICATIONS, DOC_TYPES, MENTION_TYPES, document_title

PER_PAGE = 25
CONTEXT = 40  # characters of text shown on each side of a mention
FIELD_LABELS = {
    "date": "Date", "doc_type": "Type", "classification": "Classification", "author": "Author(s)",
    "recipient": "Recipient(s)", "signatory": "Signed by", "title_en": "Title (English)",
    "title_ru": "Title (Russian)", "place": "Place",
}
# the order fields are shown in on the review page
FIELD_ORDER = ("date", "doc_type", "classification", "author", "recipient", "signatory",
               "title_en", "title_ru", "place")
ACTION_LABELS = {
    "ingest": "ingested", "extract": "extraction run again", "correct": "corrected",
    "withdraw": "back to the machine's value", "mention.accept": "mention accepted",
    "mention.reject": "entity link rejected", "mention.relink": "mention relinked",
    "mention.remove": "not an entity", "suspect.accept": "OCR reading accepted",
    "suspect.reject": "OCR text kept as written", "suspect.withdraw": "OCR decision withdrawn", "entity.merge": "entities merged",
    "restore": "earlier version restored", "reviewed": "marked reviewed", "unreviewed": "marked not reviewed",
    "access": "access changed", "delete": "deleted (hidden)", "undelete": "brought back",
    "purge": "purged", "collection.access": "collection access changed", "embargo.ended": "embargo ended",
}
# what a finished action says on the page it returns to (?done=…); fixed texts only
DONE = {
    "corrected": "The correction is saved.", "withdrawn": "The field shows the machine's value again.",
    "mention": "The decision on the mention is saved.", "suspect": "The decision on the OCR reading is saved.",
    "reextracted": "Extraction ran again; editors' decisions stand.", "reviewed": "Marked as reviewed.",
    "unreviewed": "Marked as not reviewed.", "access": "Access saved.", "deleted": "The record is hidden from everyone.",
    "undeleted": "The record is back.", "restored": "The earlier version is the current one again.",
    "reverted": "The correction is reverted (a new event in the history).", "merged": "The entities are merged.",
    "purged": "The record is purged.",
}
CHOICES = {"doc_type": DOC_TYPES, "classification": CLASSIFICATIONS}

Page = Callable[..., Response]


# --- reading what is stored -----------------------------------------------------------------

def _iso(t: Any) -> str | None:
    """A stored time as ISO 8601 in UTC (SQLite hands back naive UTC times)."""
    if isinstance(t, datetime):
        t = t.astimezone(UTC) if t.tzinfo else t
        return t.replace(microsecond=0, tzinfo=None).isoformat() + "Z"
    if isinstance(t, date):
        return t.isoformat()
    return t


def _collection_rows(store: Any) -> dict[str, dict[str, Any]]:
    with store.engine.connect() as conn:
        return {r["name"]: dict(r) for r in conn.execute(select(collections)).mappings()}


def _record_row(store: Any, record_id: str) -> dict[str, Any] | None:
    with store.engine.connect() as conn:
        row = conn.execute(select(records.c.id, records.c.source_name, records.c.collection, records.c.visibility,
                                  records.c.embargo_until, records.c.deleted_at, records.c.reviewed_at,
                                  records.c.reviewed_by, records.c.sha256)
                           .where(records.c.id == record_id)).mappings().first()
    return dict(row) if row else None


def access_state(row: dict[str, Any], collection_rows: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """A record's access in words, with the reason when it comes from its collection."""
    coll = collection_rows.get(row.get("collection"))
    state = access_of(row, coll)
    own = access_of(row, None)
    return {"state": state, "visibility": row.get("visibility"), "embargo_until": row.get("embargo_until"),
            "from_collection": state != own, "collection": row.get("collection"),
            "deleted": row.get("deleted_at") is not None, "deleted_at": _iso(row.get("deleted_at"))}


def _first_titles(store: Any, ids: list[str]) -> dict[str, str]:
    """The title of each record's first document (an editor's over the machine's)."""
    if not ids:
        return {}
    with store.engine.connect() as conn:
        rows = conn.execute(select(documents.c.record_id, values.c.field, values.c.value, values.c.origin)
                            .join(values, values.c.document_id == documents.c.id)
                            .where(documents.c.record_id.in_(ids), documents.c.seq == 0,
                                   values.c.field.in_(("title_en", "title_ru")))).all()
    best: dict[str, tuple[int, str]] = {}
    for rid, field, value, origin in rows:
        if not isinstance(value, str) or not value:
            continue
        rank = (0 if origin == "human" else 2) + (0 if field == "title_en" else 1)
        if rid not in best or rank < best[rid][0]:
            best[rid] = (rank, value)
    return {rid: v for rid, (_, v) in best.items()}


def _decisions(store: Any, record_id: str) -> dict[tuple[int, str, str], dict[str, Any]]:
    with store.engine.connect() as conn:
        rows = conn.execute(select(corrections).where(corrections.c.record_id == record_id)).mappings().all()
    return {(r["seq"], r["kind"], r["key"]): {"value": r["value"], "actor": r["actor"], "at": _iso(r["at"])}
            for r in rows}


# --- how values read ------------------------------------------------------------------------

def show_payload(field: str | None, payload: Any) -> str:
    """One stored value as an editor reads it: a party by name (and English name), a
    date as ISO, a vocabulary value by its label."""
    if payload is None:
        return "(none)"
    if isinstance(payload, dict):
        if "iso" in payload:
            return str(payload["iso"])
        if "name" in payload:
            name, en = payload.get("name") or "", payload.get("name_en")
            return f"{name} ({en})" if en and en != name else str(name)
        return "; ".join(f"{k}: {show_payload(None, v)}" for k, v in payload.items() if v not in (None, "", []))
    if isinstance(payload, list):
        return "; ".join(show_payload(field, p) for p in payload) or "(none)"
    if field in CHOICES:
        return CHOICES[field].get(str(payload), str(payload))
    return str(payload)


def _input_text(field: str, payloads: list[Any]) -> str:
    """What a correction form starts with: the values now shown, as one would type them."""
    out = []
    for p in payloads:
        if isinstance(p, dict):
            out.append(str(p.get("iso") or p.get("name") or ""))
        elif p is not None:
            out.append(str(p))
    return "\n".join(out) if field in PARTY_FIELDS else (out[0] if out else "")


def describe(action: str, value: Any) -> str:
    """The old or new side of an event, readable."""
    if value is None:
        return ""
    if not isinstance(value, dict):
        return show_payload(None, value)
    if "values" in value:  # a field: correct / withdraw
        return show_payload(None, value.get("values") or []) if value.get("values") else "(none)"
    if action.startswith("mention."):
        if "action" in value:
            target = show_payload(None, {k: value.get(k) for k in ("name", "name_en")}) if value.get("name") else ""
            return value["action"] + (f" → {target}" if target else "")
        linked = value.get("name") or ""
        return f"“{value.get('as_written') or ''}” linked to {linked}" + (
            f" [{value['authority_id']}]" if value.get("authority_id") else "")
    if action.startswith("suspect."):
        if "action" in value:
            return value["action"] + (f": “{value['reading']}”" if value.get("reading") else "")
        return "suggested: " + (", ".join(f"“{s}”" for s in value.get("suggestions") or []) or "nothing")
    if action in ("ingest", "restore") and value.get("sha256"):
        text = f"version {str(value['sha256'])[:12]}"
        return text + (f", {value['documents']} document(s)" if value.get("documents") is not None else "")
    return show_payload(None, value)


# --- the pages' data ------------------------------------------------------------------------

def queue_data(store: Any, page_no: int, include_reviewed: bool) -> dict[str, Any]:
    rows = service.review_queue(store, limit=PER_PAGE + 1, offset=(page_no - 1) * PER_PAGE,
                                include_reviewed=include_reviewed)
    more = len(rows) > PER_PAGE
    rows = rows[:PER_PAGE]
    colls = _collection_rows(store)
    titles = _first_titles(store, [r["id"] for r in rows])
    items = []
    for r in rows:
        items.append({
            "id": r["id"], "url": f"/review/{quote(r['id'])}", "title": titles.get(r["id"]),
            "source_name": r["source_name"], "collection": r["collection"], "documents": r["documents"],
            "confidence": round(float(r["confidence"]), 3) if r["confidence"] is not None else None,
            "weakest_field": r["weakest_field"], "weakest_label": FIELD_LABELS.get(r["weakest_field"] or ""),
            "access": access_state(r, colls),
            "reviewed_at": _iso(r["reviewed_at"]), "reviewed_by": r["reviewed_by"],
        })
    return {"queue": items, "page": page_no, "per_page": PER_PAGE, "more": more,
            "include_reviewed": include_reviewed}


def _values_of(doc: Document, field: str) -> tuple[list[Value], list[Value]]:
    found = doc.all(field)
    return [v for v in found if v.origin != "human"], [v for v in found if v.origin == "human"]


def field_rows(doc: Document, decisions: dict[tuple[int, str, str], dict[str, Any]]) -> list[dict[str, Any]]:
    rows = []
    for field in FIELD_ORDER:
        machine, human = _values_of(doc, field)
        decision = decisions.get((doc.seq, FIELD, field))
        shown = human or machine
        shown_payloads = [v.value for v in shown if v.value is not None]
        rows.append({
            "field": field, "label": FIELD_LABELS[field],
            "kind": "date" if field == "date" else "party" if field in PARTY_FIELDS
            else "choice" if field in CHOICES else "text",
            "machine": [{"value": v.value, "display": show_payload(field, v.value), "as_written": v.as_written,
                         "confidence": round(v.confidence, 3), "method": v.method} for v in machine],
            "correction": ({"values": [show_payload(field, p) for p in decision["value"] or []],
                            "actor": decision["actor"], "at": decision["at"]} if decision else None),
            "shown": [show_payload(field, p) for p in shown_payloads],
            "input": _input_text(field, shown_payloads),
            "options": [{"value": k, "label": v} for k, v in CHOICES[field].items()] if field in CHOICES else None,
        })
    return rows


def _around(text: str, start: int, end: int) -> dict[str, str]:
    return {"before": ("…" if start > CONTEXT else "") + text[max(0, start - CONTEXT):start].replace("\n", " "),
            "text": text[start:end],
            "after": text[end:end + CONTEXT].replace("\n", " ") + ("…" if end + CONTEXT < len(text) else "")}


def mention_rows(doc: Document, decisions: dict[tuple[int, str, str], dict[str, Any]]) -> list[dict[str, Any]]:
    rows = []
    for m in sorted(doc.mentions, key=lambda m: (m.layer != "reading", m.layer, m.start)):
        key = f"{m.layer}:{m.start}-{m.end}"
        try:
            text = doc.layer(m.layer).text
        except KeyError:
            text = ""
        decision = decisions.get((doc.seq, "mention", key))
        if decision and not is_on(decision["value"], m.as_written, m.type):
            decision = None  # one waiting for words no longer in the text
        rows.append({
            "key": key, "type": m.type, "type_label": MENTION_TYPES.get(m.type, m.type), "layer": m.layer,
            "as_written": m.as_written, "name": m.name, "name_en": m.name_en, "authority_id": m.authority_id,
            "method": m.method, "confidence": round(m.confidence, 3),
            "decision": (decision["value"] or {}).get("action") if decision else None,
            "decided_by": decision["actor"] if decision else None,
            "context": _around(text, m.start, m.end) if text else None,
        })
    return rows


SURE = 0.9  # a name group whose every undecided mention is at least this sure starts folded


def mention_groups(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The mention rows of a document grouped by the entity they are linked to, so a
    telegram naming Микоян forty times shows one group, not forty rows. Groups that need
    an editor (an undecided mention below `SURE`) come first and open, lowest confidence
    first; the rest follow folded."""
    groups: dict[tuple[str, str], dict[str, Any]] = {}
    for r in rows:
        g = groups.setdefault((r["type"], r["name"]), {
            "type": r["type"], "type_label": r["type_label"], "name": r["name"], "name_en": r["name_en"],
            "authority_id": r["authority_id"], "rows": [], "written": []})
        g["rows"].append(r)
        if r["as_written"] not in g["written"]:
            g["written"].append(r["as_written"])
    for g in groups.values():
        undecided = [r["confidence"] for r in g["rows"] if not r["decision"]]
        g["undecided"] = len(undecided)
        g["lowest"] = min(r["confidence"] for r in g["rows"])
        g["open"] = any(c < SURE for c in undecided)
    return sorted(groups.values(), key=lambda g: (not g["open"], g["lowest"], g["name"], g["type"]))


def suspect_rows(doc: Document) -> list[dict[str, Any]]:
    text = doc.reading.text
    rows = []
    for s in doc.reading.spans:
        if s.kind != "ocr_suspect":
            continue
        attrs = s.attrs or {}
        rows.append({
            "key": f"{s.start}-{s.end}", "text": text[s.start:s.end], "context": _around(text, s.start, s.end),
            "suggestions": [str(x) for x in attrs.get("suggestions") or []],
            "confidence": attrs.get("confidence"), "method": attrs.get("method"), "reason": attrs.get("reason"),
            "decision": attrs.get("decision"), "reading": attrs.get("reading"), "decided_by": attrs.get("by"),
        })
    return rows


def review_data(store: Any, record: Record, row: dict[str, Any], number: int) -> dict[str, Any]:
    doc = record.documents[number - 1]
    decisions = _decisions(store, record.id)
    rid = quote(record.id)
    public = f"/documents/{rid}" + (f"/{number}" if number > 1 else "")
    return {
        "record": {
            "id": record.id, "source_name": record.source_name, "collection": record.collection,
            "access": access_state(row, _collection_rows(store)),
            "reviewed_at": _iso(row.get("reviewed_at")), "reviewed_by": row.get("reviewed_by"),
            "documents": [{"number": d.seq + 1, "url": f"/review/{rid}/{d.seq + 1}",
                           "title": document_title(d, record)} for d in record.documents],
            "history_url": f"/review/{rid}/history", "url": f"/review/{rid}",
        },
        "document": {"number": number, "of": len(record.documents), "title": document_title(doc, record),
                     "public_url": None if row.get("deleted_at") is not None else public,
                     "url": f"/review/{rid}/{number}"},
        "fields": field_rows(doc, decisions),
        "mentions": mention_rows(doc, decisions),
        "suspects": suspect_rows(doc),
        "visibilities": list(VISIBILITIES),
    }


def history_data(store: Any, record_id: str, row: dict[str, Any] | None) -> dict[str, Any]:
    rid = quote(record_id)
    items = []
    for ev in reversed(service.history(store, record_id)):  # newest first
        action = ev["action"]
        items.append({
            "id": ev["id"], "at": _iso(ev["at"]), "actor": ev["actor"], "action": action,
            "action_label": ACTION_LABELS.get(action, action), "target": ev["target"],
            "old": describe(action, ev["old"]), "new": describe(action, ev["new"]),
            "machine": (show_payload(None, ev["old"].get("machine"))
                        if action == "correct" and isinstance(ev["old"], dict) and "machine" in ev["old"] else None),
            "revertible": action in ("correct", "withdraw") and row is not None,
            "raw": {"old": ev["old"], "new": ev["new"]},
        })
    versions = []
    if row is not None and row.get("deleted_at") is None:
        for sha, saved in reversed(store.versions(record_id, include_restricted=True)):
            versions.append({"sha256": sha, "saved_at": _iso(saved), "current": sha == row["sha256"]})
    return {"record": {"id": record_id, "source_name": row["source_name"] if row else None,
                       "exists": row is not None, "url": f"/review/{rid}" if row else None,
                       "deleted": bool(row and row.get("deleted_at") is not None)},
            "events": items, "versions": versions}


def collections_data(store: Any) -> dict[str, Any]:
    """Every collection with records (deleted ones aside), how many, and its own access."""
    from sqlalchemy import func

    settings = _collection_rows(store)
    with store.engine.connect() as conn:
        counts = dict(conn.execute(select(records.c.collection, func.count()).where(records.c.deleted_at.is_(None))
                                   .group_by(records.c.collection)).all())
    names = sorted(set(counts) | set(settings))
    rows = []
    for name in names:
        own = settings.get(name) or {}
        rows.append({"name": name, "records": counts.get(name, 0),
                     "visibility": own.get("visibility", PUBLIC), "embargo_until": own.get("embargo_until"),
                     "state": access_of({"visibility": PUBLIC}, own or None)})
    return {"collections": rows, "visibilities": list(VISIBILITIES)}


def editor_notice(store: Any, request: Request, record_id: str, number: int = 1) -> dict[str, Any] | None:
    """For the public document page: a link to review it and its access state, shown to
    editors only (None for everyone else)."""
    if not viewer_of(request).is_editor:
        return None
    row = _record_row(store, record_id)
    if row is None:
        return None
    return {"review_url": f"/review/{quote(record_id)}" + (f"/{number}" if number > 1 else ""),
            "access": access_state(row, _collection_rows(store)),
            "reviewed_at": _iso(row.get("reviewed_at")), "reviewed_by": row.get("reviewed_by")}


# --- the routes -----------------------------------------------------------------------------

def review_router(store: Any, page: Page) -> APIRouter:
    """The editors' pages and forms over `store`; `page(request, template, data, status,
    **context)` renders the way the rest of the site does (HTML or its JSON twin)."""
    router = APIRouter(include_in_schema=False)

    def error(request: Request, status: int, title: str, message: str) -> Response:
        return page(request, "error.html", {"error": {"status": status, "title": title, "message": message}},
                    status=status)

    def not_found(request: Request, record_id: str, number: int | None = None) -> Response:
        what = f"document {number} of record “{record_id}”" if number else f"a record “{record_id}”"
        return error(request, 404, "Not found", f"There is no {what} to review.")

    def done(url: str, what: str) -> Response:
        return RedirectResponse(f"{url}?done={what}", status_code=303)

    def act(request: Request, csrf: str, run: Callable[[Viewer], Any], then: Callable[[Any], str], what: str,
            admin: bool = False) -> Response:
        """Check who is asking and the form's token, do it, and go back (or say why not)."""
        viewer = require_editor(request, admin=admin)
        check_csrf(request, csrf)
        try:
            result = run(viewer)
        except PermissionError as exc:
            raise AuthError(403, str(exc) or "Your account may not do this.") from None
        except KeyError:
            return error(request, 404, "Not found", "What this form refers to is not in the archive (any more). "
                                                    "Reload the page and try again.")
        except (CorrectionError, ValueError) as exc:
            return error(request, 400, "Cannot do this", str(exc))
        return done(then(result), what)

    def load(record_id: str) -> tuple[Record, dict[str, Any]] | None:
        row = _record_row(store, record_id)
        if row is None:
            return None
        try:
            record = store.get_record(record_id, include_restricted=True, include_deleted=True)
        except KeyError:
            return None
        return record, row

    def flash(request: Request) -> str | None:
        return DONE.get(request.query_params.get("done", ""))

    # --- pages -----------------------------------------------------------------------------

    def queue_page(request: Request, page_no: int, reviewed: bool) -> Response:
        require_editor(request)
        data = queue_data(store, page_no, reviewed)
        return page(request, "review_queue.html", data, flash=flash(request))

    @router.get("/review.json")
    def queue_json(request: Request, page: int = Query(1, ge=1, le=100000), reviewed: bool = False) -> Response:
        return queue_page(request, page, reviewed)

    @router.get("/review")
    def queue_html(request: Request, page: int = Query(1, ge=1, le=100000), reviewed: bool = False) -> Response:
        return queue_page(request, page, reviewed)

    # before /review/{record_id}, which would otherwise take "collections" for an id
    def collections_page(request: Request) -> Response:
        viewer = require_editor(request)
        data = collections_data(store)
        data["may_change"] = viewer.is_admin
        return page(request, "review_collections.html", data, flash=flash(request))

    @router.get("/review/collections.json")
    def collections_json(request: Request) -> Response:
        return collections_page(request)

    @router.get("/review/collections")
    def collections_html(request: Request) -> Response:
        return collections_page(request)

    @router.post("/review/collections/access")
    def collection_access(request: Request, csrf: str = Form(""), name: str = Form("", max_length=200),
                          visibility: str = Form(PUBLIC), embargo_until: str = Form("", max_length=20)) -> Response:
        return act(request, csrf,
                   lambda v: service.set_collection_access(store, v, name, visibility, embargo_until or None),
                   lambda _: "/review/collections", "access", admin=True)

    def review_page(request: Request, record_id: str, number: int) -> Response:
        require_editor(request)
        loaded = load(record_id)
        if loaded is None:
            return not_found(request, record_id)
        record, row = loaded
        if not 1 <= number <= len(record.documents):
            return not_found(request, record_id, number)
        data = review_data(store, record, row, number)
        return page(request, "review_document.html", data, flash=flash(request),
                    is_admin=viewer_of(request).is_admin, today=date.today().isoformat(),
                    mention_groups=mention_groups(data["mentions"]), SURE=SURE)

    def history_page(request: Request, record_id: str) -> Response:
        require_editor(request)
        row = _record_row(store, record_id)
        data = history_data(store, record_id, row)
        if row is None and not data["events"]:
            return not_found(request, record_id)
        return page(request, "review_history.html", data, flash=flash(request))

    # the .json twins first: {record_id} would take "abc.json" whole
    @router.get("/review/{record_id}/history.json")
    def history_json(request: Request, record_id: str) -> Response:
        return history_page(request, record_id)

    @router.get("/review/{record_id}/history")
    def history_html(request: Request, record_id: str) -> Response:
        return history_page(request, record_id)

    @router.get("/review/{record_id}/{number:int}.json")
    def review_n_json(request: Request, record_id: str, number: int) -> Response:
        return review_page(request, record_id, number)

    @router.get("/review/{record_id}/{number:int}")
    def review_n(request: Request, record_id: str, number: int) -> Response:
        return review_page(request, record_id, number)

    @router.get("/review/{record_id}.json")
    def review_first_json(request: Request, record_id: str) -> Response:
        return review_page(request, record_id, 1)

    @router.get("/review/{record_id}")
    def review_first(request: Request, record_id: str) -> Response:
        return review_page(request, record_id, 1)

    # --- forms -----------------------------------------------------------------------------

    def doc_page(record_id: str, number: int) -> str:
        return f"/review/{quote(record_id)}" + (f"/{number}" if number > 1 else "")

    def history_url(record_id: str) -> str:
        return f"/review/{quote(record_id)}/history"

    @router.post("/review/entities/merge")
    def merge(request: Request, csrf: str = Form(""), type: str = Form(""), name: str = Form("", max_length=300),
              into: str = Form("", max_length=300), next: str = Form("/review", max_length=2000)) -> Response:
        return act(request, csrf, lambda v: service.merge_entities(store, v, type, name.strip(), into),
                   lambda _: safe_next(next).split("?", 1)[0].split("#", 1)[0], "merged")

    @router.post("/review/{record_id}/{number:int}/correct")
    def correct(request: Request, record_id: str, number: int, csrf: str = Form(""), field: str = Form(""),
                value: str = Form("", max_length=5000)) -> Response:
        if field not in EDITABLE_FIELDS:
            require_editor(request)
            return error(request, 400, "Cannot do this", f"field must be one of {', '.join(EDITABLE_FIELDS)}")
        return act(request, csrf, lambda v: service.correct_field(store, v, record_id, number, field, value),
                   lambda _: doc_page(record_id, number), "corrected")

    @router.post("/review/{record_id}/{number:int}/withdraw")
    def withdraw(request: Request, record_id: str, number: int, csrf: str = Form(""),
                 field: str = Form("")) -> Response:
        return act(request, csrf, lambda v: service.withdraw_correction(store, v, record_id, number, field),
                   lambda _: doc_page(record_id, number), "withdrawn")

    @router.post("/review/{record_id}/{number:int}/mention")
    def mention(request: Request, record_id: str, number: int, csrf: str = Form(""), key: str = Form(""),
                action: str = Form(""), target: str = Form("", max_length=300)) -> Response:
        return act(request, csrf,
                   lambda v: service.decide_mention(store, v, record_id, number, key, action, target or None),
                   lambda _: doc_page(record_id, number), "mention")

    @router.post("/review/{record_id}/{number:int}/suspect")
    def suspect(request: Request, record_id: str, number: int, csrf: str = Form(""), key: str = Form(""),
                action: str = Form(""), reading: str = Form("", max_length=300),
                other: str = Form("", max_length=300)) -> Response:
        chosen = (other or reading).strip() or None  # a reading typed beats a suggestion picked
        if action == "withdraw":  # the word is open again; search finds it as written
            return act(request, csrf, lambda v: service.withdraw_suspect(store, v, record_id, number, key),
                       lambda _: doc_page(record_id, number), "suspect")
        return act(request, csrf,
                   lambda v: service.decide_suspect(store, v, record_id, number, key, action, chosen),
                   lambda _: doc_page(record_id, number), "suspect")

    @router.post("/review/{record_id}/reextract")
    def reextract(request: Request, record_id: str, csrf: str = Form("")) -> Response:
        return act(request, csrf, lambda v: service.rerun_extraction(store, v, record_id),
                   lambda _: doc_page(record_id, 1), "reextracted")

    @router.post("/review/{record_id}/access")
    def access(request: Request, record_id: str, csrf: str = Form(""), visibility: str = Form(PUBLIC),
               embargo_until: str = Form("", max_length=20)) -> Response:
        return act(request, csrf,
                   lambda v: service.set_access(store, v, record_id, visibility, embargo_until.strip() or None),
                   lambda _: doc_page(record_id, 1), "access")

    # a record's switches, on or off (field `on`: 1 or 0): reviewed, deleted (hidden)
    for path, switch, said in (("reviewed", service.mark_reviewed, ("reviewed", "unreviewed")),
                               ("delete", service.delete_record, ("deleted", "undeleted"))):
        def make(switch: Callable[..., None] = switch, said: tuple[str, str] = said) -> Callable[..., Response]:
            def handler(request: Request, record_id: str, csrf: str = Form(""), on: str = Form("1")) -> Response:
                yes = on != "0"
                return act(request, csrf, lambda v: switch(store, v, record_id, yes),
                           lambda _: doc_page(record_id, 1), said[0] if yes else said[1])
            return handler
        router.add_api_route(f"/review/{{record_id}}/{path}", make(), methods=["POST"])

    @router.post("/review/{record_id}/purge")
    def purge(request: Request, record_id: str, csrf: str = Form(""), confirm: str = Form("", max_length=100)) -> Response:
        return act(request, csrf, lambda v: service.purge_record(store, v, record_id, confirm.strip()),
                   lambda _: "/review", "purged", admin=True)

    @router.post("/review/{record_id}/restore")
    def restore(request: Request, record_id: str, csrf: str = Form(""), sha256: str = Form("", max_length=64)) -> Response:
        return act(request, csrf, lambda v: service.restore_version(store, v, record_id, sha256.strip()),
                   lambda _: history_url(record_id), "restored")

    @router.post("/review/{record_id}/history/{event_id:int}/revert")
    def revert(request: Request, record_id: str, event_id: int, csrf: str = Form("")) -> Response:
        def run(viewer: Viewer) -> None:
            with store.engine.connect() as conn:
                owner = conn.execute(select(events.c.record_id).where(events.c.id == event_id)).scalar()
            if owner != record_id:
                raise KeyError(event_id)
            service.revert_event(store, viewer, event_id)

        return act(request, csrf, run, lambda _: history_url(record_id), "reverted")

    return router
