import time

import jwt
import pytest

from devtools.testing import unique_account


@pytest.fixture
def subscriber(client, ops):
    number = unique_account()
    body = {"account": number, "email": "s@example.com", "name": "S", "passcode": "pass-1234"}
    assert client.post("/ops/access", json=body, headers=ops).status_code == 201
    return number


def _login(client, number, passcode="pass-1234"):
    response = client.post("/auth/login", json={"username": number, "password": passcode})
    assert response.status_code == 200, response.json
    return response.json


def _bearer(token_body):
    return {"Authorization": f"Bearer {token_body['access_token']}"}


def _claims(token_body):
    return jwt.decode(token_body["access_token"], options={"verify_signature": False})


def test_refresh_keeps_the_session_start(client, subscriber):
    first = _login(client, subscriber)
    refreshed = client.post("/auth/refresh", headers=_bearer(first))
    assert refreshed.status_code == 200
    assert _claims(refreshed.json)["auth_time"] == _claims(first)["auth_time"]


def test_a_token_never_outlives_the_absolute_session_lifetime(app, client, subscriber, monkeypatch):
    monkeypatch.setitem(app.config, "SESSION_ABSOLUTE_LIFETIME_SECONDS", 60)
    body = _login(client, subscriber)
    claims = _claims(body)
    assert claims["exp"] == claims["auth_time"] + 60 and body["expires_in"] <= 60


def test_refresh_past_the_absolute_lifetime_is_refused_while_the_token_lives(app, client, subscriber, monkeypatch):
    body = _login(client, subscriber)  # a token that lives 15 minutes
    monkeypatch.setitem(app.config, "SESSION_ABSOLUTE_LIFETIME_SECONDS", 1)
    time.sleep(max(0, _claims(body)["auth_time"] + 1 - time.time()))
    refused = client.post("/auth/refresh", headers=_bearer(body))
    assert refused.status_code == 401 and refused.json["error"]["code"] == "session_ended"
    assert client.get("/auth/me", headers=_bearer(body)).status_code == 200


def test_logout_ends_every_session_of_the_subscriber(client, subscriber):
    phone, laptop = _login(client, subscriber), _login(client, subscriber)
    assert client.post("/auth/logout", headers=_bearer(phone)).status_code == 204
    for token in (phone, laptop):
        answer = client.get("/auth/me", headers=_bearer(token))
        assert answer.status_code == 401 and answer.json["error"]["code"] == "token_revoked"
    assert client.get("/auth/me", headers=_bearer(_login(client, subscriber))).status_code == 200


@pytest.mark.parametrize("office_action", ["revoke", "reset"])
def test_office_revoke_and_reset_end_every_session(client, ops, subscriber, office_action):
    token = _login(client, subscriber)
    if office_action == "revoke":
        assert client.delete(f"/ops/access/{subscriber}", headers=ops).status_code == 204
    else:
        assert client.post(f"/ops/access/{subscriber}/reset-passcode", headers=ops).status_code == 202
    assert client.get("/auth/me", headers=_bearer(token)).status_code == 401
    assert client.post("/auth/refresh", headers=_bearer(token)).status_code == 401


def test_cli_reset_ends_every_session(client, runner, subscriber):
    token = _login(client, subscriber)
    assert runner.invoke(args=["reset-passcode", subscriber, "--passcode", "new-pass-1"]).exit_code == 0
    assert client.get("/auth/me", headers=_bearer(token)).status_code == 401
    assert client.get("/auth/me", headers=_bearer(_login(client, subscriber, "new-pass-1"))).status_code == 200
