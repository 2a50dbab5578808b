"""Security of the staff side, through Flask's test client on a real SQLite register.

No session -> redirect / 401 without data; moderators -> 403 on admin pages; missing
CSRF token -> 400; the sixth wrong password in a minute -> 429; lock-out with the same
message whether or not the account exists; cookie flags; noindex; secret key file;
and the Dash callback endpoint cannot reach register data.
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Any

import pytest

from dashboard.staff.security import SECRET_ENV, LoginLockout, SecretKeyError, load_secret_key

GET_ROUTES = (
    "/verwaltung/",
    "/verwaltung/queue",
    "/verwaltung/change/1",
    "/verwaltung/entries",
    "/verwaltung/entry/neu-1",
    "/verwaltung/audit",
    "/verwaltung/users",
)
POST_ROUTES = (
    "/verwaltung/logout",
    "/verwaltung/change/1/approve",
    "/verwaltung/change/1/reject",
    "/verwaltung/entry/neu-1",
    "/verwaltung/entry/neu-1/archive",
    "/verwaltung/entry/neu-1/restore",
    "/verwaltung/users/add",
    "/verwaltung/users/disable",
    "/verwaltung/publish",
)


@pytest.fixture
def pending(register: Any, new_offer: dict[str, Any]) -> Any:
    """A pending new entry (the data an attacker must not reach)."""
    return register.propose(None, new_offer, actor="import", source="test.csv", kind="new")


@pytest.mark.parametrize("path", GET_ROUTES)
def test_no_session_redirects_to_login(client, pending, path, page_text):
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/verwaltung/login?next=")
    assert "Sprachcafé" not in page_text(response)


@pytest.mark.parametrize("path", POST_ROUTES)
def test_no_session_post_is_401_without_data(
    client, register, pending, path, moderator_email, admin_email, new_offer, page_text, token_of
):
    token = token_of(client)  # even with a valid token: no session, no access
    response = client.post(path, data={"csrf_token": token, "reason": "x", "email": admin_email, "name": "Hack"})
    assert response.status_code == 401
    assert "Bitte melden Sie sich an." in page_text(response) and "Sprachcafé" not in page_text(response)
    api = client.post(path, json={"reason": "x"})
    assert api.status_code == 401 and api.get_json() == {"error": "login_required"}
    assert register.change(pending.id).state == "pending"
    assert sorted(u.email for u in register.users() if u.active) == sorted([admin_email, moderator_email])
    assert register.entry(new_offer["id"]) is None or register.entry(new_offer["id"]).state != "published"


def test_json_request_without_session_is_401(client, pending, page_text):
    response = client.get("/verwaltung/queue", headers={"Accept": "application/json"})
    assert response.status_code == 401
    assert "Sprachcafé" not in page_text(response)


@pytest.mark.parametrize("path", ["/verwaltung/users"])
def test_moderator_gets_403_on_admin_pages(moderator, path, admin_email, token_of):
    assert moderator.get(path).status_code == 403
    token = token_of(moderator, "/verwaltung/queue")
    response = moderator.post(
        "/verwaltung/users/add", data={"csrf_token": token, "email": "x@y.de", "password": "p" * 20, "role": "admin"}
    )
    assert response.status_code == 403
    response = moderator.post("/verwaltung/users/disable", data={"csrf_token": token, "email": admin_email})
    assert response.status_code == 403


def test_missing_csrf_token_is_400_and_changes_nothing(moderator, register, pending, page_text):
    response = moderator.post(f"/verwaltung/change/{pending.id}/approve", data={})
    assert response.status_code == 400
    assert "Formular abgelaufen" in page_text(response)
    response = moderator.post(f"/verwaltung/change/{pending.id}/approve", data={"csrf_token": "forged"})
    assert response.status_code == 400
    assert register.change(pending.id).state == "pending"


def test_login_post_needs_csrf_token(client, passwords, moderator_email):
    response = client.post("/verwaltung/login", data={"email": moderator_email, "password": passwords[moderator_email]})
    assert response.status_code == 400


def test_sixth_wrong_password_in_a_minute_is_429(client, passwords, moderator_email, page_text, token_of):
    token = token_of(client)
    statuses = [
        client.post(
            "/verwaltung/login", data={"email": moderator_email, "password": f"wrong-{i}", "csrf_token": token}
        ).status_code
        for i in range(6)
    ]
    assert statuses == [401] * 5 + [429]
    right = client.post(
        "/verwaltung/login",
        data={"email": moderator_email, "password": passwords[moderator_email], "csrf_token": token},
    )
    assert right.status_code == 429  # still limited within the minute
    assert "Zu viele Anmeldeversuche" in page_text(right)


def test_successful_logins_do_not_count_against_the_limit(client, passwords, moderator_email, token_of, sign_in):
    for _ in range(7):
        assert sign_in(client, moderator_email, passwords[moderator_email]).status_code == 302
        client.post("/verwaltung/logout", data={"csrf_token": token_of(client, "/verwaltung/queue")})


def test_same_message_for_unknown_account_wrong_password_and_lockout(
    tmp_path, register, passwords, moderator_email, admin_email, page_text, sign_in, server_factory
):
    server = server_factory(tmp_path, register, login_limit="100 per minute", lockout=LoginLockout(failures=3))
    client = server.test_client()
    unknown = sign_in(client, "nobody@stadt.example", "whatever-password")
    wrong = sign_in(client, moderator_email, "wrong-password")
    assert unknown.status_code == wrong.status_code == 401

    def message(response: Any) -> str:
        return page_text(response).split('class="error-summary"')[1].split("</ul>")[0]

    assert message(unknown) == message(wrong)
    sign_in(client, moderator_email, "wrong-password")
    sign_in(client, moderator_email, "wrong-password")
    locked = sign_in(client, moderator_email, passwords[moderator_email])  # right password, but locked
    assert locked.status_code == 401
    assert message(locked) == message(wrong)
    assert sign_in(client, admin_email, passwords[admin_email]).status_code == 302  # other accounts unaffected


def test_lockout_expires():
    now = [1000.0]
    lockout = LoginLockout(failures=2, window_s=60, lock_s=30, clock=lambda: now[0])
    lockout.record_failure("A@x.de")
    assert not lockout.is_locked("a@x.de")
    lockout.record_failure("a@x.de")
    assert lockout.is_locked("a@X.de")
    now[0] += 31
    assert not lockout.is_locked("a@x.de")
    lockout.record_failure("a@x.de")
    assert lockout.is_locked("a@x.de")
    lockout.clear("a@x.de")
    assert not lockout.is_locked("a@x.de")


def test_session_cookie_flags(tmp_path, register, passwords, moderator_email, token_of, sign_in, server_factory):
    plain = server_factory(tmp_path, register, secure_cookies=False).test_client()
    cookie = sign_in(plain, moderator_email, passwords[moderator_email]).headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    secure = server_factory(tmp_path, register, secure_cookies=True).test_client()
    token = token_of(secure)
    response = secure.post(
        "/verwaltung/login",
        data={"email": moderator_email, "password": passwords[moderator_email], "csrf_token": token},
        base_url="https://localhost",
        headers={"Referer": "https://localhost/verwaltung/login"},
    )
    assert response.status_code == 302
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_logout_ends_the_session(moderator, token_of):
    assert moderator.get("/verwaltung/queue").status_code == 200
    moderator.post("/verwaltung/logout", data={"csrf_token": token_of(moderator, "/verwaltung/queue")})
    assert moderator.get("/verwaltung/queue").status_code == 302


def test_disabled_account_is_signed_out_at_once(moderator, register, moderator_email):
    assert moderator.get("/verwaltung/queue").status_code == 200
    register.disable_user(moderator_email)
    assert moderator.get("/verwaltung/queue").status_code == 302


def test_login_next_is_never_an_open_redirect(client, passwords, moderator_email, token_of):
    token = token_of(client)
    response = client.post(
        "/verwaltung/login",
        data={
            "email": moderator_email,
            "password": passwords[moderator_email],
            "csrf_token": token,
            "next": "https://evil.example/",
        },
    )
    assert response.headers["Location"] == "/verwaltung/queue"


@pytest.mark.parametrize("path", ["/verwaltung/login", "/verwaltung/queue", "/verwaltung/audit", "/verwaltung/entries"])
def test_staff_pages_are_noindex(server, passwords, path, moderator_email, page_text, sign_in):
    client = server.test_client()
    if path != "/verwaltung/login":
        sign_in(client, moderator_email, passwords[moderator_email])
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["X-Robots-Tag"] == "noindex, nofollow"
    assert response.headers["Cache-Control"] == "no-store"
    assert '<meta name="robots" content="noindex, nofollow">' in page_text(response)


def test_secret_key_file_is_created_once_with_mode_600(tmp_path):
    first = load_secret_key(tmp_path, environ={})
    path = tmp_path / ".secret_key"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert load_secret_key(tmp_path, environ={}) == first
    assert len(first) >= 32


def test_secret_key_from_environment(tmp_path):
    key = "k" * 40
    assert load_secret_key(tmp_path, environ={SECRET_ENV: key}) == key
    assert not (tmp_path / ".secret_key").exists()
    with pytest.raises(SecretKeyError, match="at least 32"):
        load_secret_key(tmp_path, environ={SECRET_ENV: "short"})


def test_two_apps_on_one_data_folder_share_the_secret(tmp_path, register, server_factory):
    a = server_factory(tmp_path, register)
    b = server_factory(tmp_path, register)
    assert a.secret_key == b.secret_key


# --------------------------------------------------------------------------- Dash callbacks


def _dash_payload(dependency: dict[str, Any], values: dict[tuple[str, str], Any]) -> dict[str, Any]:
    """A ``/_dash-update-component`` request for ``dependency`` with input/state values by (id, prop)."""

    def items(specs: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [
            {"id": s["id"], "property": s["property"], "value": values.get((s["id"], s["property"]))} for s in specs
        ]

    output = dependency["output"]
    parts = output.strip(".").split("...") if output.startswith("..") else [output]
    outputs = [{"id": p.rsplit(".", 1)[0], "property": p.rsplit(".", 1)[1]} for p in parts]
    inputs = items(dependency["inputs"])
    return {
        "output": output,
        "outputs": outputs if output.startswith("..") else outputs[0],
        "inputs": inputs,
        "changedPropIds": [f"{i['id']}.{i['property']}" for i in inputs],
        "state": items(dependency.get("state", [])),
    }


def test_unauthenticated_dash_callbacks_cannot_reach_register_data(
    tmp_path, register, pending, new_offer, publish_to_flat
):
    """Every server-side Dash callback, fed the pending entry's id and name, answers from the public data only."""
    from dashboard import ids
    from dashboard.app import create_app

    publish_to_flat(register, tmp_path)
    app = create_app(tmp_path)  # its staff pages open the same register (tmp_path/register.sqlite)
    client = app.server.test_client()
    dependencies = client.get("/_dash-dependencies").get_json()
    server_side = [d for d in dependencies if not d.get("clientside_function")]
    assert server_side, "no server-side callbacks found"

    secret_name, secret_id = str(new_offer["name"]), pending.entry_id
    answered = []
    # search by a word of the pending name (echoed back in links), select it by id: the full name
    # and its organisation would only come back if a callback read the register
    for query, offer in (("Weststadt", secret_id), ("Innenstadt", "lb-1")):
        values = {
            (ids.SEARCH, "value"): query,
            (ids.SELECTED_OFFER, "data"): offer,
            (ids.UI_LANG, "data"): {"lang": "de"},
        }
        for dependency in server_side:
            response = client.post("/_dash-update-component", json=_dash_payload(dependency, values))
            raw = response.get_data(as_text=True)
            text = json.dumps(response.get_json(), ensure_ascii=False) if response.is_json else raw
            for secret in (secret_name, "Freundeskreis Asyl"):
                assert secret not in text and secret not in raw, dependency["output"]
            if response.status_code == 200:
                answered.append((query, dependency["output"], text))
    # the control: the same callbacks do find a published offer, so the absence above means something
    assert any(q == "Innenstadt" and "Migrationsberatung Innenstadt" in text for q, _, text in answered)
    assert any(q == "Weststadt" for q, _, _ in answered)
    assert json.loads(client.get("/api/offers.geojson").get_data(as_text=True))["features"]
    assert secret_name not in client.get("/api/offers.geojson").get_data(as_text=True)
    assert register.change(pending.id).state == "pending"


def test_dash_modules_do_not_import_the_register():
    """Only the staff, the public association and the board blueprints (Flask, not Dash) and entry points may touch
    the register; no callback module does."""
    dashboard = Path(__file__).resolve().parents[2] / "dashboard"
    blueprints = ("staff", "submit", "board")
    callback_modules = [
        p
        for p in dashboard.rglob("*.py")
        if not any(b in p.parts for b in blueprints) and p.name not in ("cli.py", "__main__.py")
    ]
    assert len(callback_modules) > 10
    offenders = [
        str(p.relative_to(dashboard))
        for p in callback_modules
        if any(
            line.strip().startswith(("import registry", "from registry"))
            for line in p.read_text(encoding="utf-8").splitlines()
        )
    ]
    assert offenders == []


def test_logout_ends_the_accounts_other_sessions(server, moderator, passwords, moderator_email, token_of, sign_in):
    other = server.test_client()
    assert sign_in(other, moderator_email, passwords[moderator_email]).status_code == 302
    assert other.get("/verwaltung/queue").status_code == 200
    moderator.post("/verwaltung/logout", data={"csrf_token": token_of(moderator, "/verwaltung/queue")})
    assert other.get("/verwaltung/queue").status_code == 302  # signed out everywhere
    assert sign_in(other, moderator_email, passwords[moderator_email]).status_code == 302  # a new sign-in works
    assert other.get("/verwaltung/queue").status_code == 200


def test_password_change_ends_existing_sessions(moderator, register, moderator_email):
    assert moderator.get("/verwaltung/queue").status_code == 200
    register.set_password(moderator_email, "ein-ganz-neues-Passwort-2026")
    assert moderator.get("/verwaltung/queue").status_code == 302


def test_the_staff_pages_name_the_sites_icon(client):
    assert '<link rel="icon" href="/_favicon.ico">' in client.get("/verwaltung/login").get_data(as_text=True)
