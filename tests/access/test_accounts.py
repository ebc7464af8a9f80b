"""Accounts: argon2 hashes, API tokens, throttled logins that do not tell who has an account."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from opis.access import accounts
from opis.access.accounts import AccountError, LoginThrottled, authenticate, create_token, create_user
from opis.store.schema import users

PASSWORD = "correct horse battery"


def test_passwords_are_stored_as_argon2id_hashes_only(store):
    create_user(store, "vera", "editor", PASSWORD)
    with store.engine.connect() as conn:
        stored = conn.execute(select(users.c.password_hash).where(users.c.name == "vera")).scalar_one()
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    assert authenticate(store, "vera", PASSWORD).role == "editor"
    assert authenticate(store, "vera", PASSWORD + "!") is None


def test_bad_accounts_are_refused_with_a_reason(store):
    create_user(store, "vera", "editor", PASSWORD)
    for name, role, password, says in (("vera", "editor", PASSWORD, "already"), ("ivan", "boss", PASSWORD, "role"),
                                       ("ivan", "editor", "short", "at least"), ("iv an", "editor", PASSWORD, "spaces")):
        with pytest.raises(AccountError, match=says):
            create_user(store, name, role, password)


def test_ten_wrong_passwords_slow_the_name_down_whether_or_not_it_exists(store):
    create_user(store, "vera", "editor", PASSWORD)
    t0 = datetime(2026, 1, 1, tzinfo=timezone.utc)

    def attempts(name):
        out = []
        for i in range(10):
            try:
                out.append(authenticate(store, name, "wrong password", now=t0 + timedelta(seconds=i)))
            except LoginThrottled as exc:
                out.append(("wait", exc.wait))
        return out

    known, unknown = attempts("vera"), attempts("nobody-here")
    assert known == unknown  # the same answers, in the same order, for both names
    assert known[:accounts.FREE_FAILURES] == [None] * accounts.FREE_FAILURES
    # one attempt a second: after the free failures most are turned away unchecked, and
    # the waits grow (1, 2, 4 s …)
    checked_at = [i for i, a in enumerate(known) if a is None]
    assert checked_at == [0, 1, 2, 3, 5, 9]  # the gaps double: 1, 2, 4 seconds
    assert [a[1] for a in known if isinstance(a, tuple)] == [1, 3, 2, 1]  # seconds left to wait
    # while the name waits, even the right password is not tried
    with pytest.raises(LoginThrottled):
        authenticate(store, "vera", PASSWORD, now=t0 + timedelta(seconds=10))
    # each failure after the free ones doubles the wait
    later = t0 + timedelta(seconds=100)
    assert authenticate(store, "vera", "wrong again", now=later) is None
    with pytest.raises(LoginThrottled) as exc:
        authenticate(store, "vera", PASSWORD, now=later + timedelta(seconds=1))
    assert exc.value.wait >= 2
    # after the wait the right password works, and the count starts again
    user = authenticate(store, "vera", PASSWORD, now=later + timedelta(seconds=accounts.MAX_WAIT))
    assert user is not None and user.name == "vera"
    assert authenticate(store, "vera", PASSWORD, now=later + timedelta(seconds=accounts.MAX_WAIT + 1)) is not None


def test_api_tokens_are_stored_hashed_and_can_be_revoked(store):
    create_user(store, "vera", "editor", PASSWORD)
    token = create_token(store, "vera", "import script")
    assert token.startswith(accounts.TOKEN_PREFIX)
    assert accounts.user_for_token(store, token).name == "vera"
    assert accounts.user_for_token(store, token + "x") is None
    from opis.store.schema import api_tokens

    with store.engine.connect() as conn:
        assert token not in str(conn.execute(select(api_tokens)).all())
    assert accounts.revoke_tokens(store, "vera") == 1
    assert accounts.user_for_token(store, token) is None


def test_a_disabled_account_cannot_sign_in_or_use_its_tokens(store):
    create_user(store, "vera", "editor", PASSWORD)
    token = create_token(store, "vera")
    accounts.disable_user(store, "vera")
    assert authenticate(store, "vera", PASSWORD) is None
    assert accounts.user_for_token(store, token) is None


def test_the_session_key_is_made_once_and_shared(store, monkeypatch):
    monkeypatch.delenv("OPIS_SECRET", raising=False)
    first = accounts.session_secret(store)
    assert len(first) >= 40 and accounts.session_secret(store) == first
    monkeypatch.setenv("OPIS_SECRET", "from-the-environment")
    assert accounts.session_secret(store) == "from-the-environment"


# --- the same through the site -------------------------------------------------------------

def _login(client, name, password):
    form = client.get("/login").text
    csrf = re.search(r'name="csrf" value="([^"]+)"', form)[1]
    return client.post("/login", data={"name": name, "password": password, "csrf": csrf, "next": "/"},
                       follow_redirects=False)


def _answers(store_url, name):
    from fastapi.testclient import TestClient

    from opis.web.app import create_app

    out = []
    with TestClient(create_app(store_url)) as client:
        for _ in range(10):
            r = _login(client, name, "not the password")
            body = re.sub(r'value="[^"]*"', 'value=""', r.text).replace(name, "NAME")
            out.append((r.status_code, r.headers.get("retry-after"), body))
    return out


def test_wrong_logins_on_the_site_are_slowed_and_do_not_reveal_the_account(store_url, make_store):
    store = make_store()
    create_user(store, "vera", "editor", PASSWORD)
    known, unknown = _answers(store_url, "vera"), _answers(store_url, "nikto")
    assert [a[:2] for a in known] == [a[:2] for a in unknown]
    assert [a[2] for a in known] == [a[2] for a in unknown]  # the same page, word for word
    assert [s for s, _, _ in known[:3]] == [401, 401, 401]
    assert all(s == 429 and int(wait) >= 1 for s, wait, _ in known[4:])
    assert "Wrong user name or password." in known[0][2] and "Wait" in known[-1][2]


def test_signing_in_sets_a_signed_http_only_cookie_and_signing_out_clears_it(store_url, make_store):
    from fastapi.testclient import TestClient

    from opis.web.app import create_app

    store = make_store()
    create_user(store, "vera", "editor", PASSWORD)
    with TestClient(create_app(store_url)) as client:
        r = _login(client, "vera", PASSWORD)
        assert r.status_code == 303 and r.headers["location"] == "/"
        cookie = r.headers["set-cookie"]
        assert "HttpOnly" in cookie and "samesite=lax" in cookie.lower()
        assert "Sign out vera" in client.get("/").text
        # a cookie that was tampered with is nobody's
        value = client.cookies.get("opis_session")
        forged = value[:-2] + ("AA" if not value.endswith("AA") else "BB")
        assert "Sign out" not in client.get("/", headers={"Cookie": f"opis_session={forged}"}).text
        # signing out needs the session's CSRF token
        assert client.post("/logout", data={"csrf": "forged"}).status_code == 403
        csrf = re.search(r'name="csrf" value="([^"]+)"', client.get("/").text)[1]
        assert client.post("/logout", data={"csrf": csrf}, follow_redirects=False).status_code == 303
        assert "Sign out" not in client.get("/").text


def test_login_refuses_a_post_without_the_forms_csrf_token(store_url, make_store):
    from fastapi.testclient import TestClient

    from opis.web.app import create_app

    create_user(make_store(), "vera", "editor", PASSWORD)
    with TestClient(create_app(store_url)) as client:
        r = client.post("/login", data={"name": "vera", "password": PASSWORD}, follow_redirects=False)
        assert r.status_code == 403 and "opis_session" not in r.headers.get("set-cookie", "")
        assert "Sign out" not in client.get("/").text


def test_next_after_login_stays_on_this_site():
    from opis.web.auth import safe_next

    assert safe_next("/review/abc") == "/review/abc"
    for bad in ("https://evil.example/", "//evil.example/x", "/\\evil", None, "review"):
        assert safe_next(bad) == "/review"


def test_a_name_with_a_nul_is_an_unknown_name_not_a_server_error(store_url, make_store):
    from fastapi.testclient import TestClient

    from opis.web.app import create_app

    create_user(make_store(), "vera", "editor", PASSWORD)
    with TestClient(create_app(store_url)) as client:
        r = _login(client, "ve\x00ra", PASSWORD)
        assert r.status_code == 401 and "Wrong user name or password." in r.text
