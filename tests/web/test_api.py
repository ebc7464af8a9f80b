"""The editors' JSON API (/api, opis.web.api): who may call it, what it answers, and that a
browser session must send its CSRF token in a header to change anything."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient

from opis.access.accounts import create_token, create_user
from opis.ingest.runner import ingest_paths
from opis.model import record_id
from opis.store.repository import Store

PASSWORD = "correct horse battery staple"
CSRF = re.compile(r'name="csrf" value="([^"]+)"')
RESTRICTED_TEXT = "Совершенно секретно\n\nЗаписка о поездке в Пхеньян, 3 мая 1957 г.\n"


@dataclass(frozen=True)
class Site:
    app: Any
    record: str
    restricted: str
    editor: str
    reader: str


@pytest.fixture(scope="module")
def site(tmp_path_factory, make_database_url, seed000):
    from opis.web.app import create_app

    secret = tmp_path_factory.mktemp("api-secret")
    (secret / "note.txt").write_text(RESTRICTED_TEXT, encoding="utf-8")
    db = make_database_url("api")
    store = Store.open(db)
    try:
        for paths, visibility in (([seed000], "public"), ([secret], "restricted")):
            summary = ingest_paths(paths, store, collection="api", visibility=visibility)
            assert not summary.failed, [o.message for o in summary.failed]
        create_user(store, "ed", "editor", PASSWORD)
        create_user(store, "rea", "reader", PASSWORD)
        tokens = create_token(store, "ed"), create_token(store, "rea")
    finally:
        store.close()
    app = create_app(db)
    yield Site(app, record_id("api", seed000.name), record_id("api", "note.txt"), *tokens)
    app.state.store.close()


@pytest.fixture
def client(site):
    with TestClient(site.app) as c:
        yield c


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def assert_error(r: Any, status: int) -> dict[str, Any]:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/json")
    error = r.json()["error"]
    assert error["status"] == status and error["title"] and error["message"]
    return error


def correction_url(rid: str, number: int = 1) -> str:
    return f"/api/records/{rid}/documents/{number}/corrections"


# --- who may call it -------------------------------------------------------------------

@pytest.mark.parametrize("method,url", [("GET", "/api/review-queue"), ("GET", "/api/records/{rid}/history"),
                                        ("POST", "/api/records/{rid}/documents/1/corrections")])
def test_only_editors(client, site, method, url):
    url = url.format(rid=site.record)
    body = {"json": {"field": "author", "value": "Молотов"}} if method == "POST" else {}
    r = client.request(method, url, follow_redirects=False, **body)
    assert_error(r, 401)  # JSON for a script, never the login page's redirect
    assert_error(client.request(method, url, headers=bearer(site.reader), **body), 403)
    r = client.request(method, url, headers=bearer("opis_not-a-token"), **body)
    assert_error(r, 401)
    assert r.headers["www-authenticate"] == "Bearer"


def test_review_queue(client, site):
    r = client.get("/api/review-queue", headers=bearer(site.editor))
    assert r.status_code == 200
    queue = r.json()
    ids = [e["id"] for e in queue["records"]]
    assert site.record in ids and site.restricted in ids  # editors see restricted records
    confidences = [e["confidence"] for e in queue["records"]]
    assert confidences == sorted(confidences)
    assert client.get("/api/review-queue", params={"limit": 1},
                      headers=bearer(site.editor)).json()["records"] == queue["records"][:1]
    assert_error(client.get("/api/review-queue", params={"limit": 0}, headers=bearer(site.editor)), 400)


# --- corrections -------------------------------------------------------------------------

def test_a_correction_by_token_is_kept_with_its_history(client, site):
    r = client.post(correction_url(site.record), json={"field": "author", "value": "Молотов В.М."},
                    headers=bearer(site.editor))
    assert r.status_code == 200, r.text
    event = r.json()
    assert event["field"] == "author" and event["new"]["origin"] == "human"
    names = [p["name"] for p in event["new"]["values"]]
    assert names and "Молотов" in names[0]
    doc = client.get(f"/documents/{site.record}.json", headers=bearer(site.editor)).json()["document"]
    assert [a["name"] for a in doc["authors"]] == names
    history = client.get(f"/api/records/{site.record}/history", headers=bearer(site.editor)).json()
    assert history["record_id"] == site.record
    last = history["events"][-1]
    assert last["id"] == event["id"] and last["actor"] == "ed" and last["action"] == "correct"
    assert last["old"] == event["old"] and last["new"] == event["new"]


@pytest.mark.parametrize("body", [{"field": "colour", "value": "blue"},  # not a field
                                  {"field": "date", "value": "1956-02-30"},  # not a real date
                                  {"field": "date", "value": "March"},
                                  {"field": "author"},  # no value given
                                  {"field": "author", "value": "x", "extra": 1},
                                  {"field": "title_en", "value": ["long " * 120]}])  # over 500 characters
def test_bad_input_is_400(client, site, body):
    assert_error(client.post(correction_url(site.record), json=body, headers=bearer(site.editor)), 400)


def test_a_malformed_body_is_400(client, site):
    r = client.post(correction_url(site.record), content=b"{not json", headers={
        **bearer(site.editor), "Content-Type": "application/json"})
    assert_error(r, 400)


@pytest.mark.parametrize("rid,number", [("no-such-record", 1), (None, 99)])
def test_no_such_record_or_document_is_404(client, site, rid, number):
    url = correction_url(rid or site.record, number)
    body = {"field": "author", "value": "Молотов"}
    assert_error(client.post(url, json=body, headers=bearer(site.editor)), 404)


def test_history(client, site):
    assert_error(client.get("/api/records/no-such-record/history", headers=bearer(site.editor)), 404)
    events = client.get(f"/api/records/{site.restricted}/history", headers=bearer(site.editor)).json()["events"]
    assert events and all(e["at"] and e["action"] for e in events)


# --- a browser session: CSRF in a header ---------------------------------------------------

def test_a_session_must_send_its_csrf_token_in_a_header(client, site):
    token = CSRF.search(client.get("/login").text)[1]
    r = client.post("/login", data={"name": "ed", "password": PASSWORD, "csrf": token, "next": "/"},
                    follow_redirects=False)
    assert r.status_code == 303
    csrf = CSRF.search(client.get("/login").text)[1]  # the signed-in session's token
    assert client.get("/api/review-queue").status_code == 200  # reading needs no token
    body = {"field": "classification", "value": "secret"}
    for headers in ({}, {"X-CSRF-Token": "forged"}):
        assert_error(client.post(correction_url(site.record), json=body, headers=headers), 403)
    r = client.post(correction_url(site.record), json=body, headers={"X-CSRF-Token": csrf})
    assert r.status_code == 200, r.text


# --- the description -----------------------------------------------------------------------

def test_the_api_is_described(client):
    spec = client.get("/openapi.json").json()
    scheme = spec["components"]["securitySchemes"]["bearerAuth"]
    assert (scheme["type"], scheme["scheme"]) == ("http", "bearer")
    error = {"$ref": "#/components/schemas/Error"}
    ops = {(m.upper(), p): op for p, item in spec["paths"].items() if p.startswith("/api/") for m, op in item.items()}
    assert set(ops) == {("GET", "/api/review-queue"), ("GET", "/api/records/{record_id}/history"),
                        ("POST", "/api/records/{record_id}/documents/{number}/corrections")}
    for key, op in ops.items():
        assert {"bearerAuth": []} in op["security"] and {} not in op["security"], key
        for code in ("400", "401", "403") + (("404",) if "record_id" in key[1] else ()):
            assert op["responses"][code]["content"] == {"application/json": {"schema": error}}, (key, code)


def test_nul_characters_are_refused(client, site):
    """PostgreSQL text cannot hold NUL, so no address or value may (400, never 500)."""
    assert_error(client.get("/api/records/a%00b/history", headers=bearer(site.editor)), 400)
    assert_error(client.get("/search.json", params={"q": "a\x00b"}), 400)
    body = {"field": "author", "value": "Мол\x00отов"}
    assert_error(client.post(correction_url(site.record), json=body, headers=bearer(site.editor)), 400)


def test_a_wrong_method_is_405_with_allow(client, site):
    r = client.delete("/api/review-queue", headers=bearer(site.editor))
    assert_error(r, 405)
    assert r.headers["allow"] == "GET"
