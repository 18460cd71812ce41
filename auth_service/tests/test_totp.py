"""Two-step sign-in for subscribers: set-up, the login's second step, recovery codes, removal, the office's reset."""

import time
from datetime import timedelta

import pyotp
import pytest

from auth_service.extensions import db
from auth_service.totp_models import LoginChallenge
from billpay_common.clock import utcnow
from devtools.testing import unique_account

PASSCODE = "pass-1234"


def _grant(client, ops):
    number = unique_account()
    body = {"account": number, "email": "t@example.com", "name": "Tess", "passcode": PASSCODE}
    assert client.post("/ops/access", json=body, headers=ops).status_code == 201
    return number


def _login(client, number, passcode=PASSCODE):
    return client.post("/auth/login", json={"username": number, "password": passcode})


def _bearer(token):
    return {"Authorization": f"Bearer {token}"}


def _token(client, number):
    response = _login(client, number)
    assert response.status_code == 200, response.json
    return response.json["access_token"]


def _code(secret, steps_ahead=0):
    return pyotp.TOTP(secret).at(time.time() + 30 * steps_ahead)


def _wrong_code(secret):
    valid = {_code(secret, steps) for steps in (-1, 0, 1, 2)}
    return next(code for code in ("000000", "111111", "222222", "333333", "444444") if code not in valid)


def _send_code(client, number, code):
    first = _login(client, number)
    assert first.status_code == 202, first.json
    return client.post("/auth/login/code", json={"challenge": first.json["challenge"], "code": code})


class Enrolled:
    def __init__(self, number, secret, token, recovery_codes):
        self.number, self.secret, self.token, self.recovery_codes = number, secret, token, recovery_codes


@pytest.fixture
def enrolled(client, ops):
    """An account with two-step sign-in on, confirmed with this time step's code."""
    number = _grant(client, ops)
    token = _token(client, number)
    setup = client.post("/auth/totp/setup", headers=_bearer(token))
    assert setup.status_code == 201
    secret = setup.json["secret"]
    confirmed = client.post("/auth/totp/confirm", json={"code": _code(secret)}, headers=_bearer(token))
    assert confirmed.status_code == 200
    return Enrolled(number, secret, token, confirmed.json["recovery_codes"])


def test_set_up_needs_a_current_code_before_it_is_on(client, ops):
    number = _grant(client, ops)
    token = _token(client, number)
    setup = client.post("/auth/totp/setup", headers=_bearer(token))
    assert setup.status_code == 201
    assert setup.json["otpauth_uri"].startswith("otpauth://totp/") and "issuer=" in setup.json["otpauth_uri"]
    wrong = client.post("/auth/totp/confirm", json={"code": _wrong_code(setup.json["secret"])}, headers=_bearer(token))
    assert wrong.status_code == 422 and wrong.json["error"]["fields"] == {"code": "Not correct."}
    assert client.get("/auth/totp", headers=_bearer(token)).json == {"enabled": False, "recovery_codes_left": 0}
    assert _login(client, number).status_code == 200  # not on until confirmed
    right = client.post("/auth/totp/confirm", json={"code": _code(setup.json["secret"])}, headers=_bearer(token))
    assert right.status_code == 200 and len(set(right.json["recovery_codes"])) == 10
    assert client.get("/auth/totp", headers=_bearer(token)).json == {"enabled": True, "recovery_codes_left": 10}
    assert client.get(f"/ops/audit?account={number}", headers=ops).json[0]["action"] == "totp_enabled"


def test_setting_up_again_while_on_is_refused(client, enrolled):
    again = client.post("/auth/totp/setup", headers=_bearer(enrolled.token))
    assert again.status_code == 409 and "already on" in again.json["error"]["message"]


def test_login_asks_for_the_code_after_the_passcode(client, enrolled):
    first = _login(client, enrolled.number)
    assert first.status_code == 202
    assert first.json["code_required"] is True and first.json["expires_in"] == 300
    assert "access_token" not in first.json
    second = client.post(
        "/auth/login/code", json={"challenge": first.json["challenge"], "code": _code(enrolled.secret, 1)}
    )
    assert second.status_code == 200
    assert client.get("/auth/me", headers=_bearer(second.json["access_token"])).json["account"] == enrolled.number


def test_a_wrong_passcode_still_gets_the_same_answer_as_without_two_step(client, enrolled):
    wrong = _login(client, enrolled.number, "nope")
    assert wrong.status_code == 401 and wrong.json["error"]["code"] == "invalid_credentials"


def test_a_code_is_good_once_even_within_its_time_step(client, enrolled):
    code = _code(enrolled.secret, 1)
    assert _send_code(client, enrolled.number, code).status_code == 200
    replay = _send_code(client, enrolled.number, code)
    assert replay.status_code == 401 and "used already" in replay.json["error"]["message"]
    confirm_code = _code(enrolled.secret)  # the step the set-up was confirmed with
    assert _send_code(client, enrolled.number, confirm_code).status_code == 401


def test_wrong_codes_lock_the_account_and_a_right_passcode_does_not_clear_them(client, ops, enrolled):
    for _ in range(10):  # a new challenge each time: the passcode is known, the count keeps growing
        wrong = _send_code(client, enrolled.number, _wrong_code(enrolled.secret))
        assert wrong.status_code == 401 and wrong.json["error"]["code"] == "invalid_code"
    assert _login(client, enrolled.number).status_code == 429
    attempts = client.get(f"/ops/login-attempts?account={enrolled.number}", headers=ops).json
    assert [a["outcome"] for a in attempts[:3]] == ["locked", "wrong_code", "code_required"]
    assert client.post(f"/ops/access/{enrolled.number}/unlock", headers=ops).status_code == 200
    assert _send_code(client, enrolled.number, _code(enrolled.secret, 1)).status_code == 200


def test_the_code_step_is_refused_once_locked(client, ops, enrolled):
    first = _login(client, enrolled.number)
    for _ in range(10):
        assert _login(client, enrolled.number, "nope").status_code == 401
    locked = client.post(
        "/auth/login/code", json={"challenge": first.json["challenge"], "code": _code(enrolled.secret, 1)}
    )
    assert locked.status_code == 429 and locked.json["error"]["code"] == "account_locked"


def test_a_recovery_code_signs_in_once(client, ops, enrolled):
    code = enrolled.recovery_codes[3]
    used = _send_code(client, enrolled.number, code.upper().replace("-", " "))
    assert used.status_code == 200
    again = _send_code(client, enrolled.number, code)
    assert again.status_code == 401 and again.json["error"]["code"] == "invalid_code"
    status = client.get("/auth/totp", headers=_bearer(used.json["access_token"])).json
    assert status == {"enabled": True, "recovery_codes_left": 9}
    audit = client.get(f"/ops/audit?account={enrolled.number}", headers=ops).json[0]
    assert audit["action"] == "recovery_code_used" and audit["detail"] == "9 left"


def test_a_challenge_works_once_and_not_after_it_expires(client, app, enrolled):
    first = _login(client, enrolled.number)
    body = {"challenge": first.json["challenge"], "code": enrolled.recovery_codes[0]}
    assert client.post("/auth/login/code", json=body).status_code == 200
    reused = client.post("/auth/login/code", json={**body, "code": enrolled.recovery_codes[1]})
    assert reused.status_code == 401 and reused.json["error"]["code"] == "challenge_expired"
    late = _login(client, enrolled.number).json["challenge"]
    with app.app_context():
        db.session.query(LoginChallenge).filter_by(account=enrolled.number, used_at=None).update(
            {"expires_at": utcnow() - timedelta(seconds=1)}
        )
        db.session.commit()
    expired = client.post("/auth/login/code", json={"challenge": late, "code": enrolled.recovery_codes[1]})
    assert expired.status_code == 401 and "timed out" in expired.json["error"]["message"]
    unknown = client.post("/auth/login/code", json={"challenge": "nothing-like-it", "code": "123456"})
    assert unknown.status_code == 401 and unknown.json["error"]["code"] == "challenge_expired"


@pytest.mark.parametrize(
    "body", [{}, {"passcode": PASSCODE, "code": "123456"}, {"passcode": ""}, {"code": 123456}, [], "text"]
)
def test_removal_needs_exactly_one_proof(client, enrolled, body):
    response = client.post("/auth/totp/remove", json=body, headers=_bearer(enrolled.token))
    assert response.status_code == 422 and response.json["error"]["message"]


def test_removal_with_a_wrong_passcode_is_refused_and_counted(client, ops, enrolled):
    wrong = client.post("/auth/totp/remove", json={"passcode": "nope"}, headers=_bearer(enrolled.token))
    assert wrong.status_code == 422 and wrong.json["error"]["fields"] == {"passcode": "Not correct."}
    assert client.get(f"/ops/access/{enrolled.number}", headers=ops).json["failed_attempts"] == 1
    assert client.get("/auth/totp", headers=_bearer(enrolled.token)).json["enabled"] is True


def test_removal_with_the_passcode_turns_it_off(client, ops, enrolled):
    removed = client.post("/auth/totp/remove", json={"passcode": PASSCODE}, headers=_bearer(enrolled.token))
    assert removed.status_code == 204
    assert _login(client, enrolled.number).status_code == 200
    assert client.get("/auth/totp", headers=_bearer(enrolled.token)).json == {
        "enabled": False,
        "recovery_codes_left": 0,
    }
    assert client.get(f"/ops/audit?account={enrolled.number}", headers=ops).json[0]["action"] == "totp_removed"
    again = client.post("/auth/totp/remove", json={"passcode": PASSCODE}, headers=_bearer(enrolled.token))
    assert again.status_code == 409


def test_removal_with_a_code_turns_it_off(client, enrolled):
    removed = client.post(
        "/auth/totp/remove", json={"code": _code(enrolled.secret, 1)}, headers=_bearer(enrolled.token)
    )
    assert removed.status_code == 204
    assert _login(client, enrolled.number).status_code == 200


def test_new_recovery_codes_replace_the_old_ones(client, enrolled):
    wrong = client.post(
        "/auth/totp/recovery-codes", json={"code": enrolled.recovery_codes[0]}, headers=_bearer(enrolled.token)
    )
    assert wrong.status_code == 422  # a recovery code cannot mint more of them
    fresh = client.post(
        "/auth/totp/recovery-codes", json={"code": _code(enrolled.secret, 1)}, headers=_bearer(enrolled.token)
    )
    assert fresh.status_code == 200 and not set(fresh.json["recovery_codes"]) & set(enrolled.recovery_codes)
    assert _send_code(client, enrolled.number, enrolled.recovery_codes[0]).status_code == 401
    assert _send_code(client, enrolled.number, fresh.json["recovery_codes"][0]).status_code == 200


def test_the_office_resets_it_after_checking_identity(client, ops, enrolled):
    path = f"/ops/access/{enrolled.number}/reset-totp"
    assert client.post(path, json={"identity_check": "called back on the number on file"}).status_code == 401
    assert client.post(path, json={}, headers=ops).status_code == 422
    reset = client.post(path, json={"identity_check": "called back on the number on file"}, headers=ops)
    assert reset.status_code == 200 and reset.json == {"account": enrolled.number, "totp_enabled": False}
    entry = client.get(f"/ops/audit?account={enrolled.number}", headers=ops).json[0]
    assert entry["action"] == "reset_totp" and entry["actor"] == "staff:tester"
    assert entry["detail"] == "identity checked: called back on the number on file"
    assert _login(client, enrolled.number).status_code == 200
    assert client.post(path, json={"identity_check": "again"}, headers=ops).status_code == 409
    assert (
        client.post(
            f"/ops/access/{unique_account()}/reset-totp", json={"identity_check": "x" * 5}, headers=ops
        ).status_code
        == 404
    )


def test_two_step_endpoints_need_a_subscriber_token(client):
    assert client.get("/auth/totp").status_code == 401
    assert client.post("/auth/totp/setup").status_code == 401


def test_the_office_resets_it_at_the_shell(client, ops, runner, enrolled):
    result = runner.invoke(args=["reset-totp", enrolled.number, "--identity-check", "asked the code word"])
    assert result.exit_code == 0, result.output
    assert "Two-step sign-in is off" in result.output
    assert _login(client, enrolled.number).status_code == 200
    entry = client.get(f"/ops/audit?account={enrolled.number}", headers=ops).json[0]
    assert entry["action"] == "reset_totp" and entry["actor"].startswith("cli:")
    again = runner.invoke(args=["reset-totp", enrolled.number, "--identity-check", "asked the code word"])
    assert again.exit_code != 0 and "does not use two-step sign-in" in again.output
