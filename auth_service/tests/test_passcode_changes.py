from datetime import timedelta

import pytest

from auth_service.extensions import db
from auth_service.models import PasscodeResetLink, PortalUser
from auth_service.reset_links import token_hash
from billpay_common.clock import utcnow
from devtools.testing import unique_account


def _grant(client, ops, email="s@example.com"):
    number = unique_account()
    body = {"account": number, "email": email, "name": "S", "passcode": "pass-1234"}
    assert client.post("/ops/access", json=body, headers=ops).status_code == 201
    return number


def _login(client, number, passcode):
    return client.post("/auth/login", json={"username": number, "password": passcode})


def _bearer(token):
    return {"Authorization": f"Bearer {token}"}


def test_change_passcode_needs_the_current_one(client, ops):
    number = _grant(client, ops)
    token = _login(client, number, "pass-1234").json["access_token"]
    wrong = client.post("/auth/passcode", json={"current": "nope", "new": "next-5678"}, headers=_bearer(token))
    assert wrong.status_code == 422 and wrong.json["error"]["fields"] == {"current": "Not correct."}
    assert _login(client, number, "next-5678").status_code == 401


def test_change_passcode_applies_the_grant_rules(client, ops):
    number = _grant(client, ops)
    token = _login(client, number, "pass-1234").json["access_token"]
    short = client.post("/auth/passcode", json={"current": "pass-1234", "new": "12"}, headers=_bearer(token))
    assert short.status_code == 422 and "at least 4" in short.json["error"]["message"]


def test_change_passcode_ends_other_sessions_and_gives_a_new_one(client, ops):
    number = _grant(client, ops)
    other = _login(client, number, "pass-1234").json["access_token"]
    this = _login(client, number, "pass-1234").json["access_token"]
    changed = client.post("/auth/passcode", json={"current": "pass-1234", "new": "next-5678"}, headers=_bearer(this))
    assert changed.status_code == 200
    for old in (other, this):
        assert client.get("/auth/me", headers=_bearer(old)).status_code == 401
    assert client.get("/auth/me", headers=_bearer(changed.json["access_token"])).status_code == 200
    assert _login(client, number, "pass-1234").status_code == 401
    assert _login(client, number, "next-5678").status_code == 200
    audit = client.get(f"/ops/audit?account={number}", headers=ops).json
    assert audit[0]["action"] == "change_passcode" and audit[0]["actor"] == "subscriber"


def _forgot(client, account):
    return client.post("/auth/passcode/forgot", json={"account": account})


def test_forgot_answers_the_same_for_known_unknown_and_revoked_accounts(client, ops, reset_jobs):
    known = _grant(client, ops)
    revoked = _grant(client, ops)
    client.delete(f"/ops/access/{revoked}", headers=ops)
    answers = [_forgot(client, number) for number in (known, unique_account(), revoked, "not a number")]
    assert {(answer.status_code, answer.get_data()) for answer in answers} == {(202, answers[0].get_data())}
    assert "30 minutes" in answers[0].json["message"]
    assert len(reset_jobs(known)) == 1 and reset_jobs(revoked) == []
    audit = client.get(f"/ops/audit?account={revoked}", headers=ops).json
    assert audit[0]["action"] == "forgot_passcode" and audit[0]["detail"].startswith("no link")


def test_forgot_for_an_account_without_email_sends_nothing_and_answers_the_same(app, client, ops, reset_jobs):
    number = _grant(client, ops)
    with app.app_context():
        db.session.get(PortalUser, number).email = ""
        db.session.commit()
    same = _forgot(client, unique_account())
    answer = _forgot(client, number)
    assert (answer.status_code, answer.get_data()) == (same.status_code, same.get_data())
    assert reset_jobs(number) == []


def test_the_link_goes_to_the_address_on_file_and_works_once(client, ops, reset_jobs, reset_token):
    number = _grant(client, ops, email="owner@example.com")
    _forgot(client, f"{number[:3]}-{number[3:]}")
    assert reset_jobs(number)[0]["to"] == "owner@example.com"
    body = {"token": reset_token(number), "new": "from-link-1"}
    assert client.post("/auth/passcode/set", json=body).status_code == 204
    assert _login(client, number, "from-link-1").status_code == 200
    again = client.post("/auth/passcode/set", json={**body, "new": "from-link-2"})
    assert again.status_code == 422 and again.json["error"]["code"] == "link_not_valid"
    assert _login(client, number, "from-link-2").status_code == 401


def test_an_expired_link_is_refused(app, client, ops, reset_token):
    number = _grant(client, ops)
    _forgot(client, number)
    token = reset_token(number)
    with app.app_context():
        db.session.get(PasscodeResetLink, token_hash(token)).expires_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
    expired = client.post("/auth/passcode/set", json={"token": token, "new": "from-link-1"})
    assert expired.status_code == 422 and expired.json["error"]["code"] == "link_not_valid"
    assert _login(client, number, "pass-1234").status_code == 200


def test_a_newer_passcode_retires_older_links(client, ops, reset_token):
    number = _grant(client, ops)
    _forgot(client, number)
    token = reset_token(number)
    login = _login(client, number, "pass-1234").json["access_token"]
    client.post("/auth/passcode", json={"current": "pass-1234", "new": "next-5678"}, headers=_bearer(login))
    assert client.post("/auth/passcode/set", json={"token": token, "new": "from-link-1"}).status_code == 422


def test_setting_from_a_link_ends_every_session(client, ops, reset_token):
    number = _grant(client, ops)
    token = _login(client, number, "pass-1234").json["access_token"]
    _forgot(client, number)
    assert client.post("/auth/passcode/set", json={"token": reset_token(number), "new": "x-12345"}).status_code == 204
    assert client.get("/auth/me", headers=_bearer(token)).status_code == 401


@pytest.mark.parametrize("token", ["", "made-up", "x" * 100])
def test_a_made_up_link_is_refused(client, token):
    answer = client.post("/auth/passcode/set", json={"token": token, "new": "from-link-1"})
    assert answer.status_code == 422
