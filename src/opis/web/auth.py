"""Who is asking: signed session cookies, API tokens, CSRF tokens, login and logout.

A session is a cookie signed with the archive's key (itsdangerous), holding the account
id and the session's CSRF token; it is HttpOnly, SameSite=Lax, and expires after
`MAX_AGE`. Scripts send `Authorization: Bearer opis_…` instead (no cookie, so no CSRF).
Every form that changes something carries the CSRF token, and `check_csrf` refuses a
post without it. The viewer of each request is at `request.state.viewer`.
"""

from __future__ import annotations

import secrets
from typing import Any, Callable
from urllib.parse import quote

from fastapi import APIRouter, FastAPI, Form, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.concurrency import run_in_threadpool

from opis.access.accounts import LoginThrottled, authenticate, get_user, session_secret, user_for_token
from opis.access.policy import ANONYMOUS, Viewer

COOKIE = "opis_session"
MAX_AGE = 8 * 3600  # a working day
LOGIN_FAILED = "Wrong user name or password."


class AuthError(Exception):
    """Not signed in (401) or not allowed (403); pages send readers to the login form."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status, self.message = status, message


def viewer_of(request: Request) -> Viewer:
    return getattr(request.state, "viewer", ANONYMOUS)


def _session(request: Request) -> dict[str, Any]:
    if not hasattr(request.state, "session"):
        request.state.session = {}
    return request.state.session


def csrf_token(request: Request) -> str:
    """The session's CSRF token, made (and the cookie set) on first use."""
    session = _session(request)
    if not session.get("csrf"):
        session["csrf"] = secrets.token_urlsafe(24)
        request.state.session_changed = True
    return session["csrf"]


def check_csrf(request: Request, token: str | None) -> None:
    if getattr(request.state, "via_token", False):
        return  # API tokens are not sent by browsers on their own
    expected = _session(request).get("csrf")
    if not expected or not token or not secrets.compare_digest(str(expected), str(token)):
        raise AuthError(403, "This form has expired or did not come from this site. Reload the page and try again.")


def require_editor(request: Request, admin: bool = False) -> Viewer:
    viewer = viewer_of(request)
    if viewer.name is None:
        raise AuthError(401, "Sign in as an editor to do this.")
    if not viewer.is_editor or (admin and not viewer.is_admin):
        raise AuthError(403, "Your account may not do this.")
    return viewer


def safe_next(target: str | None) -> str:
    """Only a path on this site (never //host or a scheme) may follow a login."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/review"


def install_auth(app: FastAPI, store: Any, render: Callable[..., Response]) -> None:
    """Identify every request, and add /login and /logout. `render(request, template,
    data, status)` draws a page the way the rest of the site does."""
    signer = URLSafeTimedSerializer(session_secret(store), salt="opis.session")

    def read_cookie(request: Request) -> dict[str, Any]:
        raw = request.cookies.get(COOKIE)
        if not raw or len(raw) > 4096:
            return {}
        try:
            data = signer.loads(raw, max_age=MAX_AGE)
        except BadSignature:
            return {}
        return data if isinstance(data, dict) else {}

    @app.middleware("http")
    async def identify(request: Request, call_next: Callable) -> Response:
        request.state.viewer = ANONYMOUS
        request.state.session_changed = False
        request.state.via_token = False
        auth = request.headers.get("authorization", "")
        if auth[:7].lower() == "bearer ":
            user = await run_in_threadpool(user_for_token, store, auth[7:].strip())
            if user is None:
                return JSONResponse({"error": {"status": 401, "title": "Not signed in",
                                               "message": "This API token is not valid."}}, status_code=401,
                                    headers={"WWW-Authenticate": "Bearer"})
            request.state.viewer, request.state.via_token = user.viewer, True
            request.state.session = {}
        else:
            session = read_cookie(request)
            request.state.session = session
            if isinstance(session.get("uid"), int):
                user = await run_in_threadpool(get_user, store, session["uid"])
                if user is not None:
                    request.state.viewer = user.viewer
                else:  # account disabled since: the session ends
                    request.state.session = {}
                    request.state.session_changed = True
        response = await call_next(request)
        if request.state.viewer.name is not None:
            response.headers["Cache-Control"] = "private, no-store"  # an editor's pages show hidden records
        if request.state.session_changed:
            session = request.state.session
            if session:
                response.set_cookie(COOKIE, signer.dumps(session), max_age=MAX_AGE, httponly=True,
                                    samesite="lax", secure=request.url.scheme == "https", path="/")
            else:
                response.delete_cookie(COOKIE, path="/")
        return response

    router = APIRouter()

    def login_page(request: Request, next_: str | None, error: str | None = None, status: int = 200,
                   name: str = "") -> Response:
        data = {"next": safe_next(next_), "error": error, "name": name,
                "viewer": {"name": viewer_of(request).name, "role": viewer_of(request).role}}
        return render(request, "login.html", data, status)

    @router.get("/login", response_class=HTMLResponse, include_in_schema=False)
    def login_form(request: Request, next: str | None = None) -> Response:
        return login_page(request, next)

    @router.post("/login", include_in_schema=False)
    def login(request: Request, name: str = Form("", max_length=200), password: str = Form("", max_length=1000),
              csrf: str = Form(""), next: str = Form("/review", max_length=2000)) -> Response:
        check_csrf(request, csrf)
        try:
            user = authenticate(store, name, password)
        except LoginThrottled as exc:
            response = login_page(request, next, f"Too many failed sign-ins for this name. Wait {exc.wait} seconds "
                                                 "and try again.", 429, name)
            response.headers["Retry-After"] = str(exc.wait)
            return response
        if user is None:
            return login_page(request, next, LOGIN_FAILED, 401, name)
        # a new session (and CSRF token) on sign-in, so a planted cookie is worth nothing
        request.state.session = {"uid": user.id, "csrf": secrets.token_urlsafe(24)}
        request.state.session_changed = True
        return RedirectResponse(safe_next(next), status_code=303)

    @router.post("/logout", include_in_schema=False)
    def logout(request: Request, csrf: str = Form("")) -> Response:
        check_csrf(request, csrf)
        request.state.session = {}
        request.state.session_changed = True
        return RedirectResponse("/", status_code=303)

    app.include_router(router)


def login_redirect(request: Request) -> Response:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)
