"""A small JSON API for editors' scripts: the review queue, corrections, a record's history.

Scripts send `Authorization: Bearer opis_…` (an API token, `opis user token NAME`); a
browser signed in with the session cookie may call it too, but then every POST must
carry the session's CSRF token in an `X-CSRF-Token` header, as forms carry it in a field.
Every answer is JSON, errors included (`{"error": {"status", "title", "message"}}`):
401 without valid credentials, 403 for an account that is not an editor, 404 for a
record or document that does not exist, 400 for input the archive cannot take. The work
is done by `opis.review.service`, which stores each change with its history event.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Path, Query, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse, Response

from opis.review import service
from opis.review.corrections import CorrectionError
from opis.web import schemas
from opis.web.auth import AuthError, check_csrf, require_editor

PREFIX = "/api"
CSRF_HEADER = "X-CSRF-Token"
# OpenAPI: who may call these operations (the schemes are declared by the app's openapi())
SECURITY = [{"bearerAuth": []}, {"sessionCookie": []}]


def _documented(description: str) -> dict[str, Any]:
    return {"description": description, "model": schemas.Error}


def _json_error(status: int, title: str, message: str) -> Response:
    return JSONResponse({"error": {"status": status, "title": title, "message": message}}, status_code=status)


UNAUTHORISED = {401: _documented("No API token or session, or the token is not valid"),
                403: _documented("The account is not an editor (or, for a cookie session, the X-CSRF-Token "
                                 "header is missing or wrong)")}
NOT_FOUND = {404: _documented("There is no such record (or document)")}


def api_router(store: Any) -> APIRouter:
    """The /api routes over `store`."""
    router = APIRouter(prefix=PREFIX, tags=["editors' API"])

    @router.get("/review-queue", summary="Records waiting for review, least certain first",
                response_model=schemas.ReviewQueue, responses=UNAUTHORISED, openapi_extra={"security": SECURITY})
    def review_queue(request: Request,
                     limit: int = Query(50, ge=1, le=500, description="How many records at most."),
                     offset: int = Query(0, ge=0, le=1_000_000, description="How many to skip (for paging)."),
                     reviewed: bool = Query(False, description="Include records already reviewed (listed last).")
                     ) -> Response:
        require_editor(request)
        rows = service.review_queue(store, limit=limit, offset=offset, include_reviewed=reviewed)
        records = [dict(r, confidence=float(r["confidence"] or 0.0), url=f"/review/{quote(r['id'])}") for r in rows]
        return JSONResponse(jsonable_encoder({"offset": offset, "limit": limit, "reviewed": reviewed,
                                              "records": records}))

    @router.post("/records/{record_id}/documents/{number}/corrections",
                 summary="Correct a field of a document (the machine's value is kept beside it)",
                 response_model=schemas.Correction, responses={**UNAUTHORISED, **NOT_FOUND},
                 openapi_extra={"security": SECURITY})
    def correct(request: Request, body: schemas.CorrectionIn,
                record_id: str = Path(max_length=200),
                number: int = Path(ge=1, le=100_000, description="The document's number in its record, from 1.")
                ) -> Response:
        viewer = require_editor(request)
        check_csrf(request, request.headers.get(CSRF_HEADER))
        try:
            event = service.correct_field(store, viewer, record_id, number, body.field, body.value)
        except PermissionError as exc:
            raise AuthError(403, str(exc) or "Your account may not do this.") from None
        except KeyError:
            return _json_error(404, "Not found", f"There is no document {number} in a record “{record_id}”.")
        except CorrectionError as exc:
            return _json_error(400, "Cannot do this", str(exc))
        return JSONResponse(jsonable_encoder({"id": event["id"], "record_id": record_id, "number": number,
                                              "field": body.field, "old": event["old"], "new": event["new"]}))

    @router.get("/records/{record_id}/history", summary="Every change to a record, oldest first",
                response_model=schemas.History, responses={**UNAUTHORISED, **NOT_FOUND},
                openapi_extra={"security": SECURITY})
    def history(request: Request, record_id: str = Path(max_length=200)) -> Response:
        require_editor(request)
        events = service.history(store, record_id)
        if not events:
            try:  # a record has at least its ingest event; ask the store to be sure
                store.get_record(record_id, include_restricted=True, include_deleted=True)
            except KeyError:
                return _json_error(404, "Not found", f"There is no record “{record_id}”.")
        return JSONResponse(jsonable_encoder({
            "record_id": record_id,
            "events": [{k: e[k] for k in ("id", "at", "actor", "action", "target", "old", "new")} for e in events],
        }))

    return router
